"""pancanadian_bilingual: fluent-compatible multilingual fields and language-aware search."""
import ckan.plugins as p

from ckanext.pancanadian.lib.plugin_mixins import PancanadianPluginMixin


class BilingualPlugin(PancanadianPluginMixin, p.SingletonPlugin):
    p.implements(p.ITranslation)
    p.implements(p.IConfigDeclaration)
    p.implements(p.IClick)
