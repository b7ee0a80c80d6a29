"""Story actions on the real stack: the auth matrix, the workflow, dataset links, privacy."""
import pytest
from sqlalchemy import select

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.tests import helpers

from ckanext.pancanadian.stories import model as story_model
from tests.stories.config import STORIES_CONFIG
from tests.stories.conftest import STORY, as_user, dataset, publish, story

pytestmark = [*STORIES_CONFIG, pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")]

# Who is asking: a user name, or "" for anonymous visitors and citizens without an account.
ROLES = {
    "anonymous": "", "citizen": "", "member": "user-member", "editor": "user-editor",
    "org_admin": "user-org_admin", "moderator": "user-moderator", "sysadmin": "user-sysadmin",
}
EVERYONE = set(ROLES)
ORG_WRITERS = {"editor", "org_admin", "sysadmin"}
STORY_EDITORS = {"editor", "org_admin", "moderator", "sysadmin"}
MODERATORS = {"moderator", "sysadmin"}
# action, what it is asked about, who may
MATRIX = [
    ("story_create", "new", ORG_WRITERS),
    ("story_update", "draft", STORY_EDITORS),
    ("story_show", "draft", {"member"} | STORY_EDITORS),
    ("story_show", "published", EVERYONE),
    ("story_list", "queue", MODERATORS),
    ("story_list", "public", EVERYONE),
    ("story_search", "any", EVERYONE),
    ("story_submit", "public", EVERYONE),
    ("story_submit", "draft", STORY_EDITORS),
    ("story_publish", "draft", MODERATORS),
    ("story_archive", "published", MODERATORS),
    ("story_dataset_link", "draft", STORY_EDITORS),
    ("story_dataset_unlink", "draft", STORY_EDITORS),
    ("dataset_story_list", "dataset", EVERYONE),
]


@pytest.fixture
def setting(people):
    org = people["org"]
    water = dataset(org, "water")
    draft = story(org, "draft-story", datasets=["water"])
    published = story(org, "published-story", datasets=["water"])
    publish("published-story")
    return {"org": org, "water": water, "draft": draft, "published": published}


def _data_for(subject, setting):
    return {
        "new": {"owner_org": setting["org"]["id"]},
        "draft": {"id": setting["draft"]["id"]},
        "published": {"id": setting["published"]["id"]},
        "queue": {"workflow_state": "submitted"},
        "public": {"workflow_state": "published"},
        "any": {},
        "dataset": {"id": setting["water"]["id"]},
    }[subject]


@pytest.mark.parametrize("role", sorted(ROLES))
def test_auth_matrix(setting, role):
    outcomes = {}
    for action, subject, allowed in MATRIX:
        context = {"user": ROLES[role], "model": model}
        try:
            helpers.call_auth(action, context, **_data_for(subject, setting))
            outcomes[(action, subject)] = True
        except tk.NotAuthorized:
            outcomes[(action, subject)] = False
    expected = {(action, subject): role in allowed for action, subject, allowed in MATRIX}
    assert outcomes == expected


class TestWorkflow:
    def test_draft_to_archived_and_back(self, people):
        created = story(people["org"], user="user-editor")
        assert created["private"] is True
        assert helpers.call_action("story_show", id=created["id"])["workflow_state"] == "draft"
        editor = as_user("user-editor")
        assert helpers.call_action("story_submit", context=dict(editor), id=created["id"])["workflow_state"] == "submitted"
        moderator = as_user("user-moderator")
        helpers.call_action("story_publish", context=dict(moderator), id=created["id"])
        shown = helpers.call_action("story_show", context=as_user(""), id=created["id"])
        assert (shown["workflow_state"], shown["private"]) == ("published", False)
        assert shown["published_at"]
        assert shown["story_date"] == shown["published_at"][:10]
        helpers.call_action("story_archive", context=dict(moderator), id=created["id"])
        assert model.Package.get(created["id"]).private is True
        with pytest.raises(tk.NotAuthorized):
            helpers.call_action("story_show", context=as_user(""), id=created["id"])
        helpers.call_action("story_publish", context=dict(moderator), id=created["id"])
        assert helpers.call_action("story_show", id=created["id"])["published_at"] == shown["published_at"]

    @pytest.mark.parametrize("steps, action, message", [
        ([], "story_publish", "Only a submitted or archived story can be published; this story is a draft"),
        ([], "story_archive", "Only a published story can be archived; this story is a draft"),
        (["story_submit"], "story_submit", "Only a draft story can be submitted; this story is submitted"),
        (["story_submit", "story_publish"], "story_submit", "Only a draft story can be submitted; this story is published"),
    ])
    def test_illegal_transitions_are_clear_errors(self, people, steps, action, message):
        created = story(people["org"])
        for step in steps:
            helpers.call_action(step, id=created["id"])
        with pytest.raises(tk.ValidationError) as refused:
            helpers.call_action(action, id=created["id"])
        assert refused.value.error_dict == {"workflow_state": [message]}

    def test_illegal_transition_in_french(self, people, app):
        created = story(people["org"])
        token = helpers.call_action("api_token_create", user="user-sysadmin", name="t")["token"]
        response = app.post(tk.h.url_for("api.action", ver=3, logic_function="story_archive", locale="fr"),
                            json={"id": created["id"]}, headers={"Authorization": token}, status=409)
        assert response.json["error"]["workflow_state"] == [
            "Seul un récit publié peut être archivé; ce récit est une ébauche"]

    def test_editors_cannot_publish_or_feature_by_editing(self, people):
        created = story(people["org"], user="user-editor")
        helpers.call_action("package_patch", context=as_user("user-editor"), id=created["id"],
                            private=False, featured=True)
        stored = model.Package.get(created["id"])
        assert stored.private is True
        assert helpers.call_action("story_show", id=created["id"])["featured"] is False
        helpers.call_action("story_update", context=as_user("user-moderator"),
                            **dict(STORY, id=created["id"], name=created["name"], featured=True))
        shown = helpers.call_action("story_show", id=created["id"])
        assert shown["featured"] is True
        assert shown["owner_org"] == people["org"]["id"], "a moderator's edit must not move the story"
        helpers.call_action("package_patch", context=as_user("user-moderator"), id=created["id"],
                            owner_org=people["moderation"]["id"])
        assert model.Package.get(created["id"]).owner_org == people["org"]["id"]

    def test_a_given_publication_date_is_kept(self, people):
        created = story(people["org"], story_date="2024-05-01")
        shown = publish(created["name"]) and helpers.call_action("story_show", id=created["id"])
        assert shown["story_date"] == "2024-05-01"

    def test_publication_needs_both_languages(self, people):
        created = story(people["org"], title_translated={"en": "Only English"})
        helpers.call_action("story_submit", id=created["id"])
        with pytest.raises(tk.ValidationError) as refused:
            helpers.call_action("story_publish", id=created["id"])
        assert "title_translated" in refused.value.error_dict
        assert helpers.call_action("story_show", id=created["id"])["workflow_state"] == "submitted"
        assert model.Package.get(created["id"]).private is True

    def test_moderation_queue(self, people):
        for name in ("first", "second"):
            story(people["org"], name)
        helpers.call_action("story_submit", id="second")
        queue = helpers.call_action("story_list", context=as_user("user-moderator"), workflow_state="submitted")
        assert queue == {"count": 1, "results": ["second"]}
        with pytest.raises(tk.ValidationError):
            helpers.call_action("story_list", workflow_state="lost")


class TestDatasetLinks:
    def test_link_unlink_and_order(self, people):
        org = people["org"]
        for name in ("aa", "bb", "cc"):
            dataset(org, name)
        created = story(org, datasets="cc\nhttp://test.ckan.net/dataset/aa")
        helpers.call_action("story_dataset_link", id=created["id"], datasets=["bb", "aa"])
        shown = helpers.call_action("story_show", id=created["id"])
        assert [d["name"] for d in shown["datasets"]["results"]] == ["cc", "aa", "bb"]
        helpers.call_action("story_dataset_unlink", id=created["id"], datasets="aa")
        assert helpers.call_action("story_show", id=created["id"])["datasets"]["count"] == 2
        page = helpers.call_action("story_show", id=created["id"], limit=1, offset=1)["datasets"]
        assert (page["count"], [d["name"] for d in page["results"]]) == (2, ["bb"])

    def test_unknown_dataset_is_a_field_error_and_nothing_is_written(self, people):
        dataset(people["org"], "aa")
        with pytest.raises(tk.ValidationError) as refused:
            story(people["org"], datasets=["aa", "nowhere"])
        assert refused.value.error_dict == {"datasets": ["No dataset found for: nowhere"]}
        assert model.Package.get("flood-map") is None
        created = story(people["org"], datasets=["aa"])
        with pytest.raises(tk.ValidationError):
            helpers.call_action("story_dataset_link", id=created["id"], datasets=["nowhere"])
        with pytest.raises(tk.ValidationError):
            helpers.call_action("story_dataset_link", id=created["id"], datasets=[created["name"]])
        assert story_model.linked_ids(created["id"]) == [model.Package.get("aa").id]

    def test_deleted_private_and_purged_datasets(self, people):
        org = people["org"]
        for name in ("kept", "hidden", "gone"):
            dataset(org, name)
        created = story(org, datasets=["kept", "hidden", "gone"])
        publish(created["name"])
        helpers.call_action("package_patch", id="hidden", private=True)
        helpers.call_action("package_delete", id="gone")
        anonymous = helpers.call_action("story_show", context=as_user(""), id=created["id"])["datasets"]
        assert ([d["name"] for d in anonymous["results"]], anonymous["unavailable"]) == (["kept"], 2)
        member = helpers.call_action("story_show", context=as_user("user-member"), id=created["id"])["datasets"]
        assert [d["name"] for d in member["results"]] == ["kept", "hidden"]
        facet = helpers.call_action("story_search", **{"facet.field": ["vocab_story_datasets"]})
        assert [i["name"] for i in facet["search_facets"]["vocab_story_datasets"]["items"]] == ["kept"]
        helpers.call_action("dataset_purge", id="gone")
        rows = model.Session.execute(select(story_model.story_dataset_table.c.package_id)).all()
        assert len(rows) == 2
        helpers.call_action("dataset_purge", id=created["id"])
        assert model.Session.execute(select(story_model.story_dataset_table)).all() == []
        assert model.Session.execute(select(story_model.story_table)).all() == []

    def test_dataset_story_list_shows_published_stories_only(self, people):
        org = people["org"]
        dataset(org, "water")
        story(org, "draft", datasets=["water"])
        story(org, "out", datasets=["water"])
        publish("out")
        listed = helpers.call_action("dataset_story_list", context=as_user(""), id="water")
        assert (listed["count"], [s["name"] for s in listed["results"]]) == (1, ["out"])


class TestSearchSeparation:
    def test_dataset_search_and_story_search_do_not_mix(self, people, app):
        org = people["org"]
        dataset(org, "flood-data", title_translated={"en": "Flood data", "fr": "Données d'inondation"})
        story(org, "flood-story")
        publish("flood-story")
        found = helpers.call_action("package_search", q="flood", **{"facet.field": ["organization"]})
        assert [r["name"] for r in found["results"]] == ["flood-data"]
        assert found["search_facets"]["organization"]["items"][0]["count"] == 1
        stories = helpers.call_action("story_search", q="flood")
        assert [r["name"] for r in stories["results"]] == ["flood-story"]
        page = app.get("/dataset/?q=flood").body
        assert "/dataset/flood-data" in page and "flood-story" not in page
        listing = app.get("/stories?q=flood").body
        assert "/story/flood-story" in listing and "flood-data" not in listing


class TestSubmitterPrivacy:
    def test_email_is_for_moderators_only(self, people, app):
        dataset(people["org"], "water")
        helpers.call_action("story_submit", context=as_user(""), submitter_name="A. Citizen",
                            submitter_email="citizen@example.org", title="My bus app",
                            story="I used the data.", datasets="water", language="en")
        (name,) = helpers.call_action("story_list", context=as_user("user-moderator"),
                                      workflow_state="submitted")["results"]
        for user in ("user-member", "user-editor", "user-org_admin"):
            with pytest.raises(tk.NotAuthorized):
                helpers.call_action("story_show", context=as_user(user), id=name)
        helpers.call_action("organization_member_create", id="community-stories", username="user-member", role="editor")
        as_member = helpers.call_action("story_show", context=as_user("user-member"), id=name)
        assert as_member["workflow_state"] == "submitted" and "citizen@example.org" not in str(as_member)
        shown = helpers.call_action("story_show", context=as_user("user-moderator"), id=name)
        assert shown["submitter"] == {"name": "A. Citizen", "email": "citizen@example.org"}
        assert shown["workflow_state"] == "submitted"
        assert shown["organization"]["name"] == "community-stories"
        assert "citizen@example.org" not in str(helpers.call_action("package_show", id=name))
        helpers.call_action("package_patch", id=name, title_translated={"en": "My bus app", "fr": "Mon appli d'autobus"},
                            notes_translated={"en": "Bus app.", "fr": "Appli d'autobus."},
                            story_body={"en": "I used the data.", "fr": "J'ai utilisé les données."})
        helpers.call_action("story_publish", context=as_user("user-moderator"), id=name)
        solr = helpers.call_action("story_search", context=as_user(""), q="bus")
        assert solr["count"] == 1 and "citizen@example.org" not in str(solr)
        assert "citizen@example.org" not in app.get(f"/story/{name}").body
        assert "citizen@example.org" not in app.get("/stories/feed.atom").body


def test_an_organization_admins_bulk_make_public_does_not_publish_a_story(people):
    """The organization page's bulk "Make public" goes through package_update, which keeps a
    story private until a moderator publishes it."""
    org, admin = people["org"], people["users"]["org_admin"]["name"]
    draft = story(org, name="bulk-draft")
    plain = dataset(org, "bulk-dataset", private=True)
    helpers.call_action("bulk_update_public", context=as_user(admin), org_id=org["id"],
                        datasets=[draft["id"], plain["id"]])
    assert model.Package.get(draft["id"]).private is True
    assert model.Package.get(plain["id"]).private is False
    assert helpers.call_action("story_show", id="bulk-draft")["workflow_state"] == "draft"
