"""Harvested datasets keep their history in the activity stream (the activity plugin is on
here): created, changed at the source, withdrawn — although pages are saved with deferred
commits."""
import pytest

import ckan.model as model
from ckanext.activity.model import Activity

from tests.federation import payloads
from tests.federation.conftest import HARVEST_OPTIONS, PLUGINS, Portal, harvested, make_source, report, run_job

pytestmark = [pytest.mark.ckan_config("ckan.plugins", "activity " + PLUGINS), *HARVEST_OPTIONS]


@pytest.fixture(autouse=True)
def activity_tables(with_plugins, migrated, migrate_db_for):
    migrate_db_for("activity")


def test_created_changed_and_withdrawn_datasets_have_their_activities(organization):
    portal = Portal(payloads.opencanada_records()[:20])
    with portal.server:
        source = make_source(portal.url, organization=organization, complete_listing_days=0)
        assert report(run_job(source))[0] == {"added": 20}
        changed, withdrawn = portal.records[2], portal.records[5]
        portal.records[2] = dict(changed, title_translated={"en": "Renamed", "fr": "Renommé"})
        portal.records.remove(withdrawn)
        assert report(run_job(source))[0] == {"updated": 1, "deleted": 1}
    ids = {remote_id: package.id for remote_id, package in harvested("opencanada").items()}
    ids.update({remote_id: package.id for remote_id, package in harvested("opencanada", state="deleted").items()})
    model.Session.remove()

    def activities(remote_id):
        """The dataset's activity types, newest first, as stored (package_activity_list leaves
        out those of a deleted dataset)."""
        return [activity_type for (activity_type,) in model.Session.query(Activity.activity_type)
                .filter(Activity.object_id == ids[remote_id]).order_by(Activity.timestamp.desc())]

    assert activities(changed["id"]) == ["changed package", "new package"]
    assert activities(withdrawn["id"]) == ["deleted package", "new package"]
    assert activities(portal.records[0]["id"]) == ["new package"]
