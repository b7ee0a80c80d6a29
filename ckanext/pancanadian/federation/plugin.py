"""pancanadian_federation: federated search over harvested portals.

Needs ckanext-harvest (``harvest``) and pancanadian_profile; the harvesters themselves are the
``pancanadian_<platform>`` plugins (federation/harvester.py). Records of each source are tracked
in a table of their own: run ``ckan db upgrade -p pancanadian_federation``.
"""
import ckan.plugins as p
import ckan.plugins.toolkit as tk

from ckanext.pancanadian.lib.plugin_mixins import PancanadianPluginMixin


class FederationPlugin(PancanadianPluginMixin, p.SingletonPlugin):
    p.implements(p.ITranslation)
    p.implements(p.IConfigDeclaration)
    p.implements(p.IClick)
    p.implements(p.IConfigurer)

    def update_config(self, config):
        tk.add_template_directory(config, "templates")
