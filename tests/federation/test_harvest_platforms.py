"""Full harvests of the replayed ArcGIS Hub (DCAT-US), Socrata and OpenDataSoft stand-ins of
the demo (real recorded payloads) on the real stack: gather, fetch and import into searchable
monolingual records that link to their original."""
import pathlib

import pytest

from ckan.tests import helpers

from ckanext.pancanadian.federation import demo, harvester, replay
from tests.federation.conftest import HARVEST_CONFIG, harvested, make_source, report, run_job

pytestmark = HARVEST_CONFIG

FIXTURES = pathlib.Path(__file__).resolve().parent.parent / "fixtures"
# platform -> (harvester, records served, records the profile refuses: three of Évian's records
# have no description at all)
EXPECTED = {
    "dcat_us": (harvester.DcatUsHarvester, 8, 3),
    "socrata": (harvester.SocrataHarvester, 10, 0),
    "ods": (harvester.OdsHarvester, 2, 0),
}


def _stand_in(platform):
    return next((portal, routes) for portal, routes in demo.stand_ins(FIXTURES) if portal["platform"] == platform)


@pytest.mark.parametrize("platform", sorted(EXPECTED))
def test_full_harvest_of_a_replayed_portal(platform, organization):
    harvester_class, served, refused = EXPECTED[platform]
    portal, routes = _stand_in(platform)
    config = {key: portal[key] for key in ("jurisdiction_level", "province_territory", "language",
                                            "default_subject", "default_licence") if portal.get(key)}
    with replay.ReplayServer(routes) as server:
        source = make_source(server.url + portal["path"], name=portal["name"], organization=organization,
                             source_type=f"pancanadian_{platform}", **config)
        job = run_job(source, harvester_class())
    counts, gather_errors, object_errors = report(job)
    language = portal["language"]
    assert job.status == "Finished"
    assert gather_errors == []
    assert object_errors == [f'Refused by the profile: {{"notes_translated": ["{"French" if language == "fr" else "English"} '
                             'is required before this can be public"]}'] * refused
    added = served - refused
    assert counts.get("added") == added
    datasets = harvested(portal["name"])
    assert len(datasets) == added
    other = "en" if language == "fr" else "fr"
    for package in datasets.values():
        shown = helpers.call_action("package_show", id=package.id)
        assert shown["title_translated"][language] and shown["title_translated"][other] == ""
        assert shown["source_url"].startswith("http") and shown["private"] is False
    found = helpers.call_action("package_search", fq=f"source_portal:{portal['name']}", rows=0)
    assert found["count"] == added
