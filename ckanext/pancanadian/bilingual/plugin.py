"""pancanadian_bilingual: fluent-compatible multilingual fields and language-aware search.

Needs ckanext-scheming; list ``ckanext.pancanadian.schemas:bilingual_presets.yaml`` in
``scheming.presets`` (as fluent's presets were).
"""
import ckan.plugins as p
import ckan.plugins.toolkit as tk

from ckanext.pancanadian.bilingual import groups, helpers, search, validators
from ckanext.pancanadian.lib.plugin_mixins import PancanadianPluginMixin


class BilingualPlugin(PancanadianPluginMixin, p.SingletonPlugin):
    p.implements(p.ITranslation)
    p.implements(p.IConfigDeclaration)
    p.implements(p.IClick)
    p.implements(p.IConfigurer)
    p.implements(p.IValidators)
    p.implements(p.ITemplateHelpers)
    p.implements(p.IPackageController, inherit=True)
    p.implements(p.IActions)
    p.implements(p.IFacets, inherit=True)

    def update_config(self, config):
        tk.add_template_directory(config, "templates")
        tk.add_resource("assets", "pancanadian_bilingual")
        parsers = list(config.get("ckan.search.solr_allowed_query_parsers") or [])
        if "edismax" not in parsers:
            config["ckan.search.solr_allowed_query_parsers"] = parsers + ["edismax"]

    def get_validators(self):
        return validators.all_validators()

    def get_helpers(self):
        return helpers.all_helpers()

    def before_dataset_index(self, pkg_dict):
        schema = tk.h.scheming_get_dataset_schema(pkg_dict.get("dataset_type") or pkg_dict.get("type"))
        return search.index_fields(pkg_dict, schema) if schema else pkg_dict

    def before_dataset_search(self, search_params):
        return search.search_params(search_params, helpers.reader_language())

    def after_dataset_show(self, context, pkg_dict):
        return groups.embed_organization_title(pkg_dict)

    def dataset_facets(self, facets_dict, package_type):
        return search.keyword_facets(facets_dict, helpers.reader_language())

    def after_dataset_search(self, search_results, search_params):
        return groups.localize_facets(search_results)

    def get_actions(self):
        return groups.chained_actions()
