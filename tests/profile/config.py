"""ckan_config marks that enable the pan-Canadian profile, shared by the tests that need it."""
import pytest

PLUGINS = "pancanadian_bilingual pancanadian_profile scheming_datasets scheming_organizations scheming_groups"
PRESETS = (
    "ckanext.scheming:presets.json ckanext.pancanadian.schemas:bilingual_presets.yaml "
    "ckanext.pancanadian.schemas:profile_presets.yaml"
)
PROFILE_CONFIG = [
    pytest.mark.ckan_config("ckan.plugins", PLUGINS),
    pytest.mark.ckan_config("scheming.presets", PRESETS),
    pytest.mark.ckan_config("scheming.dataset_schemas", "ckanext.pancanadian.schemas:dataset.yaml"),
]
# The area of the road-events dataset of the DCAT tests (conftest.py), as GeoJSON.
ROAD_EVENTS_SPATIAL = {"type": "Polygon", "coordinates": [[[-79.6, 43.6], [-79.2, 43.6], [-79.2, 43.9], [-79.6, 43.6]]]}
