"""Full harvests of the replayed ArcGIS Hub (DCAT-US), Socrata and OpenDataSoft stand-ins of
the demo (real recorded payloads) on the real stack: gather, fetch and import into searchable
monolingual records that link to their original; then re-harvests of each (unchanged, a remote
update, a withdrawal, the max-delete guard, a failing source)."""
import json
import pathlib

import pytest

from ckan.tests import helpers

from ckanext.pancanadian.federation import demo, harvester, platforms, replay
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


def _retitle_dcat_us(record, title):
    record["title"] = title


def _retitle_socrata(record, title):
    record["resource"]["name"] = title


def _retitle_ods(record, title):
    record["metas"]["default"]["title"] = title


class Served:
    """A platform's stand-in whose records a test changes between runs: the catalogue answer is
    rebuilt from ``records`` on every request, in the recorded payload's shape."""

    def __init__(self, platform):
        self.portal, _routes = _stand_in(platform)
        path = self.portal["path"].split("?")[0]
        if platform == "dcat_us":
            feed = payloads_json("dcat/arcgishub-evian-dcat-us-1.1.json")
            self.records = feed["dataset"]

            def answer(params):
                return dict(feed, dataset=self.records)
        elif platform == "socrata":
            discovery = payloads_json("socrata/socrata-discovery-catalog-v1-categories.json")
            self.records = discovery["results"]

            def answer(params):
                return dict(discovery, results=self.records, resultSetSize=len(self.records))
        else:
            self.records = [payloads_json(f"ods/vancouver-explore-v2.1-catalog-datasets-{name}.json")
                            for name in ("public-trees", "property-tax-report")]

            def answer(params):
                offset, limit = int(params.get("offset", 0)), int(params.get("limit", 100))
                return {"total_count": len(self.records), "results": self.records[offset:offset + limit]}
        self.path = path
        self.server = replay.ReplayServer({path: answer})


def payloads_json(relative):
    with open(FIXTURES / "federation" / relative, encoding="utf-8") as recorded:
        return json.load(recorded)


RETITLE = {"dcat_us": _retitle_dcat_us, "socrata": _retitle_socrata, "ods": _retitle_ods}


@pytest.mark.parametrize("platform", sorted(EXPECTED))
def test_reharvest_update_withdrawal_guard_and_fault(platform, organization):
    harvester_class, _served, refused = EXPECTED[platform]
    served = Served(platform)
    module = platforms.load(platform)
    config = {key: served.portal[key] for key in ("jurisdiction_level", "province_territory", "language",
                                                   "default_subject", "default_licence") if served.portal.get(key)}
    with served.server:
        source = make_source(served.server.url + served.portal["path"], name=served.portal["name"],
                             organization=organization, source_type=f"pancanadian_{platform}",
                             max_delete_fraction=0.5, **config)

        def harvest(still_refused=refused):
            counts, gather_errors, object_errors = report(run_job(source, harvester_class()))
            assert len(object_errors) == counts.pop("errored", 0) == still_refused  # tried, refused again
            return counts, gather_errors

        harvest()
        imported = {remote_id: package.id for remote_id, package in harvested(served.portal["name"]).items()}
        assert harvest() == ({}, [])  # unchanged: nothing added, updated or withdrawn

        renamed, withdrawn = [record for record in served.records if module.remote_id(record) in imported][:2]
        RETITLE[platform](renamed, "Renamed at the source")
        assert harvest() == ({"updated": 1}, [])
        shown = helpers.call_action("package_show", id=imported[module.remote_id(renamed)])
        assert shown["title_translated"][served.portal["language"]] == "Renamed at the source"

        served.records.remove(withdrawn)
        assert harvest() == ({"deleted": 1}, [])
        assert list(harvested(served.portal["name"], state="deleted")) == [module.remote_id(withdrawn)]

        served.records.clear()  # every record gone at once: more than the source's 50 %
        counts, gather_errors = harvest(still_refused=0)
        assert counts == {} and "more than the source's limit" in gather_errors[0]

        served.server.inject(served.path, "status", times=None, status=500)
        counts, gather_errors = harvest(still_refused=0)
        assert counts == {} and "nothing is withdrawn" in gather_errors[0]
        assert len(harvested(served.portal["name"])) == len(imported) - 1
