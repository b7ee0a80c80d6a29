"""The demo seed writes the demo stories, published and linked, when the plugin is enabled."""
import pytest

from ckan.tests import factories, helpers

from ckanext.pancanadian.demo import seed
from tests.profile.config import PRESETS

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", "pancanadian_bilingual pancanadian_profile pancanadian_stories "
                            "scheming_datasets scheming_organizations scheming_groups"),
    pytest.mark.ckan_config("scheming.presets", PRESETS),
    pytest.mark.ckan_config("scheming.dataset_schemas",
                            "ckanext.pancanadian.schemas:dataset.yaml ckanext.pancanadian.schemas:story.yaml"),
    pytest.mark.ckan_config("ckanext.pancanadian.stories.organization", "community-stories"),
    pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index", "storage"),
]


@pytest.fixture
def storage(ckan_config, monkeypatch, tmp_path):
    monkeypatch.setitem(ckan_config, "ckan.storage_path", str(tmp_path))


def test_demo_stories_are_published_linked_and_reseeded_in_place(migrate_db_for):
    migrate_db_for("pancanadian_stories")
    admin = factories.Sysadmin()
    first = list(seed.seed(admin["name"]))
    assert "story lake-winnipeg-bloom-alerts: created, published" in first
    second = list(seed.seed(admin["name"]))
    assert "story lake-winnipeg-bloom-alerts: updated, published" in second
    expected = seed.load_content(seed.STORIES)["stories"]
    listed = helpers.call_action("story_list", context={"user": "", "ignore_auth": False})
    assert sorted(listed["results"]) == sorted(s["name"] for s in expected)
    for story in expected:
        shown = helpers.call_action("story_show", id=story["name"])
        assert [d["name"] for d in shown["datasets"]["results"]] == story["datasets"]
        assert set(shown["title_translated"]) == {"en", "fr"}
    featured = helpers.call_action("story_search", fq="+featured:true")
    assert sorted(s["name"] for s in featured["results"]) == ["lake-winnipeg-bloom-alerts", "safer-commutes-quebec"]
    assert helpers.call_action("dataset_story_list", id="newborn-baby-names")["count"] == 2


def test_demo_images_are_served_by_the_portal(migrate_db_for, app):
    migrate_db_for("pancanadian_stories")
    list(seed.seed(factories.Sysadmin()["name"]))
    (image,) = helpers.call_action("story_show", id="lake-winnipeg-bloom-alerts")["images"]
    assert image["url"] == "http://test.ckan.net/pancanadian/stories/demo/beach-flags.svg"
    assert image["alt_text_en"] and image["alt_text_fr"]
    served = app.get("/pancanadian/stories/demo/beach-flags.svg")
    assert served.headers["Content-Type"].startswith("image/svg+xml") and b"<svg" in served.data
