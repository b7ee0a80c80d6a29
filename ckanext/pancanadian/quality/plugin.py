"""pancanadian_quality: MQA-style metadata quality scores and publishing-guideline conformance.

Needs pancanadian_profile (and its schema). Results live in tables of their own: run
``ckan db upgrade -p pancanadian_quality``; score with ``ckan pancanadian quality scan``.
"""
import ckan.plugins as p
import ckan.plugins.toolkit as tk

from ckanext.pancanadian.lib.plugin_mixins import PancanadianPluginMixin
from ckanext.pancanadian.quality import cli, helpers, logic, scan, search, views


class QualityPlugin(PancanadianPluginMixin, p.SingletonPlugin):
    p.implements(p.ITranslation)
    p.implements(p.IConfigDeclaration)
    p.implements(p.IClick)
    p.implements(p.IConfigurer)
    p.implements(p.ITemplateHelpers)
    p.implements(p.IBlueprint)
    p.implements(p.IFacets, inherit=True)
    p.implements(p.IPackageController, inherit=True)
    p.implements(p.IActions)
    p.implements(p.IAuthFunctions)

    def update_config(self, config):
        tk.add_template_directory(config, "templates")

    def get_commands(self):
        return cli.commands()

    def get_helpers(self):
        return helpers.all_helpers()

    def get_blueprint(self):
        return views.blueprints()

    def get_actions(self):
        return logic.get_actions()

    def get_auth_functions(self):
        return logic.get_auth_functions()

    def dataset_facets(self, facets_dict, package_type):
        return search.dataset_facets(facets_dict)

    def before_dataset_index(self, pkg_dict):
        return search.index_fields(pkg_dict)

    def after_dataset_search(self, search_results, search_params):
        return search.label_facet_items(search_results)

    # A saved dataset is rescored in the background once committed.
    def after_dataset_create(self, context, pkg_dict):
        scan.queue_after_commit(pkg_dict["id"])

    def after_dataset_update(self, context, pkg_dict):
        scan.queue_after_commit(pkg_dict["id"])
