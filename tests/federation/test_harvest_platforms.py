"""Full harvests of replayed ArcGIS Hub (DCAT-US), Socrata and OpenDataSoft portals on the real
stack: the recorded real payloads served by the replay server, through gather, fetch and
import, into searchable monolingual records that link to their original."""
import pytest

from ckan.tests import helpers

from ckanext.pancanadian.federation import harvester, replay
from tests.federation.conftest import HARVEST_CONFIG, harvested, make_source, report, run_job
from tests.federation.platform_pages import load_fixture

pytestmark = HARVEST_CONFIG

HUB_FEED = "/api/feed/dcat-us/1.1.json"
DISCOVERY = "/api/catalog/v1"
ODS_LIST = "/api/explore/v2.1/catalog/datasets"


def _ods_page(records):
    def answer(params):
        offset, limit = int(params["offset"]), int(params["limit"])
        return {"total_count": len(records), "results": records[offset:offset + limit]}
    return answer


def _scenarios():
    hub = load_fixture("dcat/arcgishub-evian-dcat-us-1.1.json")
    discovery = load_fixture("socrata/socrata-discovery-catalog-v1-categories.json")
    ods_records = [load_fixture("ods/vancouver-explore-v2.1-catalog-datasets-public-trees.json"),
                   load_fixture("ods/vancouver-explore-v2.1-catalog-datasets-property-tax-report.json")]
    # name -> (harvester, routes, path of the source URL, language, records served, records
    # the profile refuses: three of Évian's records have no description at all)
    return {
        "dcat_us": (harvester.DcatUsHarvester, {HUB_FEED: lambda params: hub}, HUB_FEED,
                    "fr", [d for d in hub["dataset"] if d.get("accessLevel", "public") == "public"], 3),
        # The recorded Discovery answer is the first page of 874; the replayed portal is those ten.
        "socrata": (harvester.SocrataHarvester, {DISCOVERY: lambda params: dict(
                        discovery, resultSetSize=len(discovery["results"]))},
                    DISCOVERY + "?domains=data.calgary.ca", "en", discovery["results"], 0),
        "ods": (harvester.OdsHarvester, {ODS_LIST: _ods_page(ods_records)}, ODS_LIST, "en", ods_records, 0),
    }


@pytest.mark.parametrize("platform", ["dcat_us", "socrata", "ods"])
def test_full_harvest_of_a_replayed_portal(platform, organization):
    harvester_class, routes, path, language, records, refused = _scenarios()[platform]
    with replay.ReplayServer(routes) as server:
        source = make_source(server.url + path, name=f"{platform}-portal", organization=organization,
                             source_type=f"pancanadian_{platform}", language=language,
                             jurisdiction_level="municipal", province_territory=["QC"],
                             default_licence="OGL-Canada-2.0", default_subject=["government_politics"])
        job = run_job(source, harvester_class())
    counts, gather_errors, object_errors = report(job)
    assert job.status == "Finished"
    assert gather_errors == []
    assert object_errors == [f'Refused by the profile: {{"notes_translated": ["{"French" if language == "fr" else "English"} '
                             'is required before this can be public"]}'] * refused
    added = len(records) - refused
    assert counts.get("added") == added
    datasets = harvested(f"{platform}-portal")
    assert len(datasets) == added
    other = "en" if language == "fr" else "fr"
    for package in datasets.values():
        shown = helpers.call_action("package_show", id=package.id)
        assert shown["title_translated"][language] and shown["title_translated"][other] == ""
        assert shown["source_url"].startswith("http") and shown["private"] is False
    found = helpers.call_action("package_search", fq=f"source_portal:{platform}-portal", rows=0)
    assert found["count"] == added
