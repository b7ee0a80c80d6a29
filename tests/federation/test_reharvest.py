"""Re-harvests: unchanged records skipped, remote updates and deletions propagated, the
max-delete guard, duplicates linked across sources, one bad record never aborts a job."""
import datetime
import json

import pytest

import ckan.model as model
from ckan.tests import helpers

from ckanext.pancanadian.federation import records
from tests.federation import payloads
from tests.federation.conftest import HARVEST_CONFIG, Portal, harvested, make_source, report, run_job

pytestmark = [*HARVEST_CONFIG, pytest.mark.usefixtures("small_pages")]


@pytest.fixture
def portal():
    """30 open.canada.ca records, 20 a page."""
    replay = Portal(payloads.opencanada_records()[:30])
    with replay.server:
        yield replay


def harvested_source(portal, organization, **config):
    created = make_source(portal.url, organization=organization, **config)
    counts, gather_errors, object_errors = report(run_job(created))
    assert (counts, gather_errors, object_errors) == ({"added": 30}, [], [])
    return created


@pytest.fixture
def source(portal, organization):
    """Harvested once, and listed completely on every run (what reveals withdrawals)."""
    return harvested_source(portal, organization, complete_listing_days=0)


def snapshot():
    return {package.id: package.metadata_modified for package in
            model.Session.query(model.Package).filter(model.Package.type == "dataset")}


def test_unchanged_reharvest_creates_no_object_and_touches_no_dataset(portal, source):
    before = snapshot()
    job = run_job(source)
    assert job.status == "Finished"
    assert report(job) == ({}, [], [])
    assert snapshot() == before


def test_between_complete_listings_only_modified_records_are_listed(portal, organization):
    source = harvested_source(portal, organization)  # a complete listing at most once a day (default)
    now = datetime.datetime.utcnow().isoformat()
    changed = dict(portal.records[3], title_translated={"en": "Renamed", "fr": "Renommé"}, metadata_modified=now)
    portal.records[3] = changed
    removed = portal.records.pop(7)
    portal.server.requests.clear()

    assert report(run_job(source)) == ({"updated": 1}, [], [])
    assert portal.server.requests and all("metadata_modified:[" in params.get("fq", "")
                                          for _path, params in portal.server.requests)
    assert helpers.call_action("package_show", id=harvested("opencanada")[changed["id"]].id)["title_translated"] \
        == {"en": "Renamed", "fr": "Renommé"}
    assert removed["id"] in harvested("opencanada")  # a modified-since listing cannot see withdrawals

    model.Session.execute(records.listing.update().values(
        started=records.listing.c.started - datetime.timedelta(days=1)))
    model.Session.commit()
    portal.server.requests.clear()
    assert report(run_job(source)) == ({"deleted": 1}, [], [])  # a day later: the complete listing
    assert portal.server.requests and not any("metadata_modified" in params.get("fq", "")
                                              for _path, params in portal.server.requests)
    assert list(harvested("opencanada", state="deleted")) == [removed["id"]]


def test_remote_update_and_delete_are_propagated(portal, source):
    changed = dict(portal.records[3], title_translated={"en": "Renamed", "fr": "Renommé"},
                   metadata_modified="2023-01-01T00:00:00")
    portal.records[3] = changed
    removed = portal.records.pop(7)
    job = run_job(source)
    assert report(job) == ({"updated": 1, "deleted": 1}, [], [])
    shown = helpers.call_action("package_show", id=harvested("opencanada")[changed["id"]].id)
    assert shown["title_translated"] == {"en": "Renamed", "fr": "Renommé"}
    withdrawn = harvested("opencanada", state="deleted")
    assert list(withdrawn) == [removed["id"]]  # kept, with its history, out of search
    assert helpers.call_action("package_search", fq="source_portal:opencanada", rows=0)["count"] == 29

    portal.records.append(removed)  # back at the source: the same dataset comes back
    assert report(run_job(source)) == ({"updated": 1}, [], [])
    assert len(harvested("opencanada")) == 30 and not harvested("opencanada", state="deleted")


def test_max_delete_guard_stops_withdrawals_until_raised(portal, source):
    del portal.records[:5]  # 5 of 30: more than 10 %
    job = run_job(source)
    counts, gather_errors, object_errors = report(job)
    assert job.status == "Finished" and counts == {} and object_errors == []
    assert "would withdraw 5 of 30 datasets" in gather_errors[0]
    assert len(harvested("opencanada")) == 30

    helpers.call_action("harvest_source_update", {"ignore_auth": True}, id=source["id"], name=source["name"],
                        title=source["title"], url=source["url"], source_type=source["source_type"],
                        owner_org=source["owner_org"],
                        config=json.dumps({"jurisdiction_level": "federal", "default_licence": "OGL-Canada-2.0",
                                           "max_delete_fraction": 0.5, "complete_listing_days": 0}))
    # The guard is not part of what datasets are made from: the 25 others stay untouched.
    assert report(run_job(source)) == ({"deleted": 5}, [], [])
    assert len(harvested("opencanada")) == 25


def test_empty_catalogue_withdraws_nothing(portal, source):
    portal.records.clear()
    job = run_job(source)
    counts, gather_errors, _errors = report(job)
    assert job.status == "Finished" and counts == {}
    assert "would withdraw 30 of 30" in gather_errors[0]
    assert len(harvested("opencanada")) == 30


def test_same_records_through_a_second_source_are_linked_not_duplicated(portal, source, organization):
    mirror = make_source(portal.url.replace("127.0.0.1", "localhost"), name="mirror", organization=organization)
    job = run_job(mirror)
    counts, gather_errors, object_errors = report(job)
    assert (gather_errors, object_errors) == ([], [])
    assert counts == {"not modified": 30}
    assert harvested("mirror") == {}
    assert len(harvested("opencanada")) == 30
    dataset = harvested("opencanada")[portal.records[0]["id"]]
    assert records.linked_sources(dataset.id) == [{"harvest_source_id": mirror["id"], "remote_id": dataset.extras["remote_id"]}]


def test_one_bad_record_is_an_object_error(portal, organization):
    portal.records[0] = dict(portal.records[0], subject=["no_such_subject"])  # the profile requires one
    portal.records[1] = dict(portal.records[1], resources=[{"url": "javascript:alert(1)", "format": "CSV"}])
    created = make_source(portal.url, organization=organization)
    job = run_job(created)
    counts, gather_errors, object_errors = report(job)
    assert job.status == "Finished" and gather_errors == []
    assert counts == {"added": 28, "errored": 2}, object_errors
    assert any("subject" in message for message in object_errors)
    assert any("resources.0.url" in message for message in object_errors)
    assert len(harvested("opencanada")) == 28
