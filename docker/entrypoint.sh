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
  "ckan.harvest.mq.type = redis"
if [ "${CKAN_MIGRATE:-false}" = "true" ]; then
  ckan db init
  ckan db upgrade -p activity
  ckan db upgrade -p harvest
  ckan search-index check
fi
exec "$@"
