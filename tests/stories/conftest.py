"""Fixtures of the story tests: migrated tables, organizations, people in every role."""
import pytest

from ckan.tests import factories, helpers

from tests.stories.config import MODERATION_ORG


@pytest.fixture
def migrated(clean_db, migrate_db_for):
    migrate_db_for("pancanadian_stories")


@pytest.fixture
def people(migrated):
    """A user in each role of the auth matrix, the story's organization and the moderators'."""
    users = {role: factories.User(name=f"user-{role}") for role in ("member", "editor", "org_admin", "moderator", "outsider")}
    users["sysadmin"] = factories.Sysadmin(name="user-sysadmin")
    org = factories.Organization(name="city-of-example", title_translated={"en": "City", "fr": "Ville"}, users=[
        {"name": users["member"]["name"], "capacity": "member"},
        {"name": users["editor"]["name"], "capacity": "editor"},
        {"name": users["org_admin"]["name"], "capacity": "admin"},
    ])
    moderation = factories.Organization(name=MODERATION_ORG, title_translated={"en": "Community", "fr": "Communauté"},
                                        users=[{"name": users["moderator"]["name"], "capacity": "admin"}])
    return {"users": users, "org": org, "moderation": moderation}


def dataset(org, name, **fields):
    return helpers.call_action("package_create", owner_org=org["id"], name=name, **dict({
        "title_translated": {"en": f"Data {name}", "fr": f"Données {name}"},
        "notes_translated": {"en": "About.", "fr": "À propos."},
    }, **fields))


STORY = {
    "title_translated": {"en": "Flood map app", "fr": "Appli de cartes d'inondation"},
    "notes_translated": {"en": "An app shows flood zones.", "fr": "Une appli montre les zones inondables."},
    "story_body": {"en": "We **built** an app.", "fr": "Nous avons **créé** une appli."},
    "reuser_name": "River Tech Co-op",
    "reuser_type": "business",
    "jurisdiction_level": "municipal",
    "province_territory": ["MB"],
    "subject": ["environment_nature"],
}


def as_user(name):
    """An action context that checks auth as ``name`` ("" for anonymous): helpers.call_action
    skips auth unless told otherwise."""
    return {"user": name, "ignore_auth": False}


def story(org, name="flood-map", user=None, **fields):
    context = as_user(user) if user else {}
    return helpers.call_action("story_create", context=context, owner_org=org["id"], name=name,
                               **dict(STORY, **fields))


def publish(name):
    helpers.call_action("story_submit", id=name)
    return helpers.call_action("story_publish", id=name)
