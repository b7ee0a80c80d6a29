#!/bin/sh
# Writes the deployment's settings into ckan.ini, brings the database schema up to date
# (web container only) and runs the container's command.
set -eu
ckan config-tool "$CKAN_INI" \
  "ckan.site_url = ${CKAN_SITE_URL}" \
  "ckan.site_id = ${CKAN_SITE_ID:-pancanadian}" \
  "ckan.storage_path = ${CKAN_STORAGE_PATH}" \
  "ckan.plugins = ${CKAN_PLUGINS}" \
  "ckan.locale_default = en" \
  "ckan.locales_offered = en fr" \
  "ckan.harvest.mq.type = redis" \
  "scheming.presets = ckanext.scheming:presets.json ckanext.pancanadian.schemas:bilingual_presets.yaml ckanext.pancanadian.schemas:profile_presets.yaml" \
  "scheming.dataset_schemas = ckanext.pancanadian.schemas:dataset.yaml ckanext.pancanadian.schemas:story.yaml" \
  "scheming.organization_schemas = ckanext.pancanadian.schemas:organization.yaml" \
  "scheming.group_schemas = ckanext.pancanadian.schemas:group.yaml" \
  "ckanext.dcat.rdf.profiles = euro_dcat_ap_3 pancanadian" \
  "ckanext.pancanadian.stories.organization = ${CKAN_STORIES_ORGANIZATION:-}"
if [ "${CKAN_MIGRATE:-false}" = "true" ]; then
  ckan db init
  for plugin in activity harvest pancanadian_profile pancanadian_stories pancanadian_federation pancanadian_quality; do
    ckan db upgrade -p "$plugin"
  done
  ckan search-index check
fi
exec "$@"
