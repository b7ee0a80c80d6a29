"""pancanadian_profile: the pan-Canadian metadata profile, inventory and data standards.

Needs scheming and pancanadian_bilingual; list ``ckanext.pancanadian.schemas:profile_presets.yaml``
in ``scheming.presets`` and use ``ckanext.pancanadian.schemas:dataset.yaml`` as dataset schema.
Conformance reports live in a table of its own: run ``ckan db upgrade -p pancanadian_profile``.
"""
import logging
import os

import ckan.model as model
import ckan.plugins as p
import ckan.plugins.toolkit as tk

from ckanext.pancanadian.lib import packaging
from ckanext.pancanadian.lib.plugin_mixins import PancanadianPluginMixin
from ckanext.pancanadian.lib.scheming_lists import index_lists
from ckanext.pancanadian.profile import cli, helpers, jobs, logic, reports, search, validators, views

log = logging.getLogger(__name__)


class ProfilePlugin(PancanadianPluginMixin, p.SingletonPlugin):
    p.implements(p.ITranslation)
    p.implements(p.IConfigDeclaration)
    p.implements(p.IClick)
    p.implements(p.IConfigurer)
    p.implements(p.IValidators)
    p.implements(p.ITemplateHelpers)
    p.implements(p.IBlueprint)
    p.implements(p.IFacets, inherit=True)
    p.implements(p.IPackageController, inherit=True)
    p.implements(p.IResourceController, inherit=True)
    p.implements(p.IActions)
    p.implements(p.IAuthFunctions)

    def update_config(self, config):
        tk.add_template_directory(config, "templates")
        # The portal's bilingual licence list, unless the site configured its own.
        if not config.get("licenses_group_url"):
            config["licenses_group_url"] = "file://" + os.path.join(packaging.SCHEMAS_DIRECTORY, "licences.json")
            # CKAN builds the licence register once per process, on first use: rebuild it so
            # a register made before this plugin loaded does not hide the portal's list.
            if hasattr(model.Package, "_license_register"):
                del model.Package._license_register

    def get_commands(self):
        return cli.commands()

    def get_validators(self):
        return validators.all_validators()

    def get_helpers(self):
        return helpers.all_helpers()

    def get_blueprint(self):
        return views.blueprints()

    def dataset_facets(self, facets_dict, package_type):
        return search.dataset_facets(facets_dict)

    def before_dataset_index(self, pkg_dict):
        schema = tk.h.scheming_get_dataset_schema(pkg_dict.get("dataset_type") or pkg_dict.get("type"))
        return index_lists(pkg_dict, schema) if schema else pkg_dict

    def after_dataset_search(self, search_results, search_params):
        schema = tk.h.scheming_get_dataset_schema("dataset")
        return search.label_facet_items(search_results, schema) if schema else search_results

    def get_actions(self):
        return logic.get_actions()

    def get_auth_functions(self):
        return logic.get_auth_functions()

    # IPackageController: resources saved with the dataset, and a changed standard, are checked
    # too, once the dataset is committed (an unchanged fingerprint is not re-checked).
    def after_dataset_create(self, context, pkg_dict):
        jobs.queue_dataset_after_commit(pkg_dict["id"])

    def after_dataset_update(self, context, pkg_dict):
        jobs.queue_dataset_after_commit(pkg_dict["id"])

    # IResourceController: a CSV of a standard-following dataset is checked in the background.
    def after_resource_create(self, context, resource):
        self._queue_check(resource)

    def after_resource_update(self, context, resource):
        self._queue_check(resource)

    def before_resource_delete(self, context, resource, resources):
        if reports.available():
            reports.delete(resource["id"], commit=False)

    @staticmethod
    def _queue_check(resource):
        # A failure to queue (Redis down) must not fail the publisher's edit: the report stays
        # "not checked" and conformance_check can queue it later.
        try:
            jobs.maybe_enqueue(resource["id"])
        except Exception:
            model.Session.rollback()  # the edit itself is already committed
            log.exception("conformance: could not queue a check of resource %s", resource.get("id"))
