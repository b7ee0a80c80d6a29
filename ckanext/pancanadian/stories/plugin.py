"""pancanadian_stories: bilingual stories of open-data reuse, linked to datasets, moderated.

Needs scheming and pancanadian_bilingual; add ``ckanext.pancanadian.schemas:story.yaml`` to
``scheming.dataset_schemas`` and ``ckanext.pancanadian.schemas:profile_presets.yaml`` to
``scheming.presets``. Workflow and dataset links live in tables of their own: run
``ckan db upgrade -p pancanadian_stories``.
"""
import ckan.plugins as p
import ckan.plugins.toolkit as tk

from ckanext.pancanadian.lib.plugin_mixins import PancanadianPluginMixin
from ckanext.pancanadian.stories import cli, helpers, logic, model, search, validators, views

STORY_TYPE = logic.STORY_TYPE


class StoriesPlugin(PancanadianPluginMixin, p.SingletonPlugin):
    p.implements(p.ITranslation)
    p.implements(p.IConfigDeclaration)
    p.implements(p.IClick)
    p.implements(p.IConfigurer)
    p.implements(p.IValidators)
    p.implements(p.ITemplateHelpers)
    p.implements(p.IBlueprint)
    p.implements(p.IFacets, inherit=True)
    p.implements(p.IPackageController, inherit=True)
    p.implements(p.IActions)
    p.implements(p.IAuthFunctions)

    def update_config(self, config):
        tk.add_template_directory(config, "templates")
        tk.add_public_directory(config, "public")

    def get_commands(self):
        return cli.commands()

    def get_validators(self):
        return validators.all_validators()

    def get_helpers(self):
        return helpers.all_helpers()

    def get_blueprint(self):
        return views.blueprints()

    def get_actions(self):
        return logic.get_actions()

    def get_auth_functions(self):
        return logic.get_auth_functions()

    def dataset_facets(self, facets_dict, package_type):
        if package_type == STORY_TYPE:
            return search.facet_titles()
        return facets_dict

    def before_dataset_index(self, pkg_dict):
        if pkg_dict.get("type") != STORY_TYPE:
            return pkg_dict
        return search.index_fields(pkg_dict, tk.h.scheming_get_dataset_schema(STORY_TYPE))

    def before_dataset_search(self, search_params):
        return search.exclude_stories(search_params)

    def after_dataset_search(self, search_results, search_params):
        if search.asks_for_stories(search_params):
            schema = tk.h.scheming_get_dataset_schema(STORY_TYPE)
            if schema:
                return search.label_facet_items(search_results, schema)
        return search_results

    # A new story's workflow row and dataset links are written with the package, before it is
    # committed and indexed, from what the actions and the datasets validator left in context.
    def after_dataset_create(self, context, pkg_dict):
        if pkg_dict.get("type") == STORY_TYPE:
            model.save(pkg_dict["id"], **(context.pop(logic.WORKFLOW_CONTEXT_KEY, None)
                                          or {"workflow_state": model.DRAFT}))
            model.replace_links(pkg_dict["id"], logic.validated_dataset_ids(context) or [])
