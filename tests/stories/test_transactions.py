"""A story's update is one transaction (package, workflow row, dataset links, index), and a
successful one still reaches the activity stream (the activity plugin is on here)."""
import pytest

import ckan.model as model
from ckan.tests import helpers

from ckanext.pancanadian.stories import model as story_model
from tests.stories.config import PLUGINS, STORIES_OPTIONS
from tests.stories.conftest import STORY

pytestmark = [pytest.mark.ckan_config("ckan.plugins", "activity " + PLUGINS), *STORIES_OPTIONS,
              pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")]


# The activity stream needs a real user behind every write.
AS_ADMIN = {"user": "user-sysadmin"}


def make(people):
    for name in ("first-data", "second-data"):
        helpers.call_action("package_create", context=dict(AS_ADMIN), owner_org=people["org"]["id"], name=name,
                            title_translated={"en": name, "fr": name}, notes_translated={"en": "About.", "fr": "À propos."})
    return helpers.call_action("story_create", context=dict(AS_ADMIN), owner_org=people["org"]["id"], name="atomic",
                               datasets=["first-data"], **STORY)


def update(**fields):
    return helpers.call_action("story_update", context=dict(AS_ADMIN), id="atomic", name="atomic",
                               **dict(STORY, **fields))


@pytest.fixture(autouse=True)
def activity_tables(with_plugins, clean_db, migrate_db_for):
    migrate_db_for("activity")


def test_a_failure_after_the_package_write_leaves_the_story_as_it_was(people, monkeypatch):
    make(people)
    helpers.call_action("story_submit", context=dict(AS_ADMIN), id="atomic")

    def disk_full(story_id, package_ids):
        raise RuntimeError("disk full")

    # The fault strikes after CKAN has written the package, before the links are replaced.
    monkeypatch.setattr(story_model, "replace_links", disk_full)
    with pytest.raises(RuntimeError):
        update(title_translated={"en": "Changed", "fr": "Changé"}, datasets=["second-data"])
    model.Session.remove()

    shown = helpers.call_action("story_show", id="atomic")
    assert shown["title_translated"] == STORY["title_translated"]
    assert shown["workflow_state"] == "submitted"
    assert [linked["name"] for linked in shown["datasets"]["results"]] == ["first-data"]
    (indexed,) = helpers.call_action("story_search", context={"user": "user-sysadmin"}, q="name:atomic",
                                     include_private=True)["results"]
    assert indexed["title_translated"] == STORY["title_translated"]


def test_a_successful_update_writes_all_of_it_and_its_activity(people):
    created = make(people)
    returned = update(title_translated={"en": "Changed", "fr": "Changé"}, datasets=["second-data", "first-data"])
    assert returned["title_translated"] == {"en": "Changed", "fr": "Changé"}
    model.Session.remove()

    shown = helpers.call_action("story_show", id="atomic")
    assert shown["title_translated"] == {"en": "Changed", "fr": "Changé"}
    assert [linked["name"] for linked in shown["datasets"]["results"]] == ["second-data", "first-data"]
    (indexed,) = helpers.call_action("story_search", context={"user": "user-sysadmin"}, q="name:atomic",
                                     include_private=True)["results"]
    assert indexed["title_translated"]["en"] == "Changed"
    activities = helpers.call_action("package_activity_list", context=dict(AS_ADMIN), id=created["id"],
                                     include_hidden_activity=True)
    assert [activity["activity_type"] for activity in activities] == ["changed package", "new package"]
