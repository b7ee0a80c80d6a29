"""ckan_config marks that enable the stories (with the bilingual dataset schema)."""
import pytest

PLUGINS = "pancanadian_bilingual pancanadian_stories scheming_datasets scheming_organizations scheming_groups"
PRESETS = (
    "ckanext.scheming:presets.json ckanext.pancanadian.schemas:bilingual_presets.yaml "
    "ckanext.pancanadian.schemas:profile_presets.yaml"
)
MODERATION_ORG = "community-stories"
# Everything but the plugin list (a module that adds a plugin lists them itself: the module's
# ckan_config marks override a class's).
STORIES_OPTIONS = [
    pytest.mark.ckan_config("scheming.presets", PRESETS),
    pytest.mark.ckan_config("scheming.dataset_schemas",
                            "ckanext.pancanadian.schemas:bilingual_dataset.yaml ckanext.pancanadian.schemas:story.yaml"),
    pytest.mark.ckan_config("ckanext.pancanadian.stories.organization", MODERATION_ORG),
]
STORIES_CONFIG = [pytest.mark.ckan_config("ckan.plugins", PLUGINS), *STORIES_OPTIONS]
