"""Faults injected by the replay portal, SSRF refusals and hostile text: every job ends, no
dataset is lost or duplicated, nothing unsafe is stored or rendered."""
import pytest

import ckan.model as model
from ckan.tests import helpers

from tests.federation import payloads
from tests.federation.conftest import HARVEST_CONFIG, SEARCH, Portal, harvested, make_source, report, run_job

pytestmark = [*HARVEST_CONFIG, pytest.mark.usefixtures("small_pages")]


@pytest.fixture
def portal():
    """50 open.canada.ca records, 20 a page (3 pages)."""
    replay = Portal(payloads.opencanada_records()[:50])
    with replay.server:
        yield replay


@pytest.fixture
def source(portal, organization):
    """Listed completely on every run: the faults hit a listing of the whole catalogue."""
    return make_source(portal.url, organization=organization, complete_listing_days=0)


def assert_whole(portal):
    """Every remote record is exactly one active dataset, none withdrawn."""
    datasets = harvested("opencanada")
    assert set(datasets) == {record["id"] for record in portal.records}
    names = [package.name for package in model.Session.query(model.Package).filter(model.Package.type == "dataset")]
    assert len(names) == len(set(names)) == len(portal.records)
    assert harvested("opencanada", state="deleted") == {}


@pytest.mark.parametrize("mode, options", [
    ("status", {"status": 502}),
    ("status", {"status": 503}),
    ("retry_after", {"seconds": 1}),
    ("slow", {"seconds": 2}),  # past the 1 s read timeout
    ("cut", {}),
])
def test_a_passing_fault_is_retried_and_the_harvest_is_complete(portal, source, mode, options):
    portal.server.inject(SEARCH, mode, after=1, **options)
    job = run_job(source)
    assert job.status == "Finished"
    assert report(job) == ({"added": 50}, [], [])
    assert portal.server.count(SEARCH) == 4  # 3 pages and one retry
    assert_whole(portal)


@pytest.mark.parametrize("mode, options, reason", [
    ("status", {"status": 500}, "http-status"),
    ("retry_after", {"seconds": 120}, "rate-limited"),  # longer than max_retry_after
    ("slow", {"seconds": 2}, "timeout"),
    ("malformed", {}, "malformed"),
    ("truncated", {}, "truncated"),
    ("gone", {}, "http-status"),
])
def test_a_lasting_fault_mid_run_loses_and_duplicates_nothing(portal, source, mode, options, reason):
    assert report(run_job(source)) == ({"added": 50}, [], [])
    first = min(range(len(portal.records)), key=lambda index: portal.records[index]["id"])  # on page 1
    portal.records[first] = dict(portal.records[first], title_translated={"en": "Changed", "fr": "Modifié"})
    portal.server.inject(SEARCH, mode, times=None, after=1, **options)  # page 2 onwards
    job = run_job(source)
    counts, gather_errors, object_errors = report(job)
    assert job.status == "Finished"
    assert len(gather_errors) == 1 and reason in gather_errors[0] and "nothing is withdrawn" in gather_errors[0]
    assert counts == {"updated": 1} and object_errors == []  # page 1 was read and imported
    assert_whole(portal)


def test_first_harvest_of_a_broken_source_ends_with_an_error(portal, source):
    portal.server.inject(SEARCH, "malformed", times=None)
    job = run_job(source)
    counts, gather_errors, _errors = report(job)
    assert job.status == "Finished" and counts == {} and len(gather_errors) == 1
    assert harvested("opencanada") == {}


@pytest.mark.parametrize("url", [
    "http://10.0.0.8/data",
    "http://169.254.169.254/latest",
    "http://[::1]:5000/",
    "http://192.168.1.10/",
    "file:///etc/passwd",
])
def test_source_on_a_private_address_is_refused(organization, url):
    source = make_source(url, name="intranet", organization=organization)
    job = run_job(source)
    counts, gather_errors, _errors = report(job)
    assert job.status == "Finished" and counts == {}
    assert any(reason in gather_errors[0] for reason in ("forbidden-address", "invalid-url"))
    assert harvested("intranet") == {}


def test_hostile_remote_text_is_stored_and_shown_as_text(portal, source, app):
    record = portal.records[0]
    portal.records[:] = [dict(
        record,
        title_translated={"en": "<script>alert('t')</script>Budget <b>2024</b>",
                          "fr": "Budget<img src=x onerror=alert('fr')> 2024"},
        notes_translated={"en": "See [the map](javascript:alert('n')) &lt;script&gt;alert(2)&lt;/script&gt;",
                          "fr": "<iframe src='https://evil.example'></iframe>Voir la carte"},
        keywords={"en": ["<b>budget</b>"], "fr": ["budget\"><script>"]},
    )]
    assert report(run_job(source))[0] == {"added": 1}
    shown = helpers.call_action("package_show", id=harvested("opencanada")[record["id"]].id)
    assert shown["title_translated"] == {"en": "Budget 2024", "fr": "Budget 2024"}
    assert shown["notes_translated"] == {"en": "See [the map]()", "fr": "Voir la carte"}
    assert shown["keywords"] == {"en": ["budget"], "fr": ["budget"]}
    page = app.get(f"/dataset/{shown['name']}").body
    assert "alert(" not in page and "javascript:" not in page and "onerror" not in page
