"""pancanadian_federation: federated search over harvested portals.

Needs ckanext-harvest (``harvest``) and pancanadian_profile; the harvesters themselves are the
``pancanadian_<platform>`` plugins (federation/harvester.py). Records of each source are tracked
in a table of their own: run ``ckan db upgrade -p pancanadian_federation``.
"""
import ckan.plugins as p
import ckan.plugins.toolkit as tk

from ckanext.pancanadian.federation import cli, helpers, logic, search, views
from ckanext.pancanadian.lib.plugin_mixins import PancanadianPluginMixin


class FederationPlugin(PancanadianPluginMixin, p.SingletonPlugin):
    p.implements(p.ITranslation)
    p.implements(p.IConfigDeclaration)
    p.implements(p.IClick)
    p.implements(p.IConfigurer)
    p.implements(p.ITemplateHelpers)
    p.implements(p.IBlueprint)
    p.implements(p.IFacets, inherit=True)
    p.implements(p.IPackageController, inherit=True)
    p.implements(p.IAuthFunctions)

    def update_config(self, config):
        tk.add_template_directory(config, "templates")

    def get_commands(self):
        return cli.commands()

    def get_helpers(self):
        return helpers.all_helpers()

    def get_blueprint(self):
        return views.blueprints()

    def get_auth_functions(self):
        return logic.get_auth_functions()

    def dataset_facets(self, facets_dict, package_type):
        return search.dataset_facets(facets_dict)

    def before_dataset_index(self, pkg_dict):
        return search.index_fields(pkg_dict)

    def after_dataset_search(self, search_results, search_params):
        return search.label_facet_items(search_results)
