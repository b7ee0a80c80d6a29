"""The quality scan on the real stack (PostgreSQL, Solr, Redis): link checks against a local
server (200, 404, timeout, redirect to a private address), CSV samples, stored results and
history, the CLI with --org / --source, background jobs, actions and auth, search facet and sort."""
import pytest
import sqlalchemy as sa

import ckan.model as model
from ckan.lib import jobs as ckan_jobs
from ckan.tests import factories, helpers

from ckanext.pancanadian.quality import results, scan
from tests.quality.servers import Handler
from tests.quality.support import (QUALITY_CONFIG, USE, checks_of, invoke_scan, make_dataset, organization,
                                   resource, run_jobs, scan_cli)

pytestmark = [*QUALITY_CONFIG, USE]


class TestLinkChecks:
    def test_200_404_timeout_private_redirect(self, server):
        org = organization("links")
        package = make_dataset("links", org, [
            resource(server + "/good.csv", name="Good"),
            resource(server + "/missing.csv", name="Missing"),
            resource(server + "/slow", fmt="JSON", name="Slow"),
            resource(server + "/to-private", fmt="JSON", name="Private"),
        ])
        output = scan_cli()
        assert "1 datasets scored" in output
        answers = checks_of(package["id"])["access_url_answers"]
        ids = {r["name_translated"]["en"]: r["id"] for r in package["resources"]}
        assert answers["status"] == "partial" and (answers["passed"], answers["applicable"]) == (1, 4)
        assert {f["resource_id"]: f["reason"] for f in answers["failures"]} == {
            ids["Missing"]: "http-status", ids["Slow"]: "timeout", ids["Private"]: "forbidden-address"}
        assert answers["earned"] == 12.5

    def test_csv_sampled_by_range_request(self, server):
        org = organization("csv")
        package = make_dataset("csv", org, [resource(server + "/good.csv", name="Good"),
                                             resource(server + "/bad.csv", name="Bad")])
        Handler.methods.clear()
        scan_cli()
        assert ("GET", "/good.csv", "bytes=0-65535") in Handler.methods
        assert not [m for m in Handler.methods if m[1] == "/good.csv" and m[0] == "HEAD"]  # one request per CSV
        checks = checks_of(package["id"])
        bad = next(r["id"] for r in package["resources"] if r["name_translated"]["en"] == "Bad")
        assert checks["csv_utf8"]["failures"] == [{"resource_id": bad, "reason": "utf8"}]
        assert checks["csv_utf8"]["status"] == "partial"
        assert checks["media_type"]["failures"] == [{"resource_id": bad, "reason": "media-type"}]
        assert checks["csv_in_datastore"]["status"] == "fail"  # no DataStore on this stack
        shown = helpers.call_action("quality_show", id=package["id"])
        assert shown["conforming"] is False and (shown["csv_count"], shown["csv_api_count"]) == (2, 0)

    def test_datastore_active_csv_counts_as_queryable(self, server):
        org = organization("api")
        package = make_dataset("api", org, [resource(server + "/good.csv")])
        helpers.call_action("resource_patch", id=package["resources"][0]["id"], datastore_active=True)
        scan_cli()
        assert checks_of(package["id"])["csv_in_datastore"]["status"] == "pass"
        summary = helpers.call_action("quality_summary")
        assert (summary["csv_datasets"], summary["csv_api_percent"]) == (1, 100)


    def test_csv_of_a_standard_uses_the_conformance_report(self, server):
        """A baby-names CSV missing a required column: a header row to the eye (the sample check
        would pass it), not the standard's header to the profile's full check."""
        Handler.files["/names.csv"] = ("text/csv", b"year,province_territory,first_name,count,rank\n"
                                                   b"2023,MB,Olivia,120,1\n")
        org = organization("names")
        package = make_dataset("names", org, [resource(server + "/names.csv")], hvd_standard="baby-names",
                               hvd_category="statistics", province_territory=["MB"])
        run_jobs()  # the conformance check (and the scan queued on save, which may run before it)
        scan_cli()
        checks = checks_of(package["id"])
        assert checks["csv_header"]["status"] == "fail" and checks["csv_utf8"]["status"] == "pass"


class TestScanSelection:
    def test_harvested_records_by_source_and_org(self, server):
        ours, theirs = organization("ours"), organization("theirs")
        local = make_dataset("local", ours, [resource(server + "/good.csv")])
        harvested = [make_dataset(f"remote-{i}", theirs, [resource(server + "/good.csv")],
                                  source_portal="https://data.example.ca", remote_id=f"r-{i}",
                                  source_url=f"https://data.example.ca/dataset/r-{i}") for i in range(3)]
        other_source = make_dataset("elsewhere", theirs, [resource(server + "/good.csv")],
                                    source_portal="https://open.other.ca", remote_id="x")
        assert "3 datasets scored" in scan_cli("--source", "https://data.example.ca")
        assert {r["package_id"] for r in _all_results()} == {p["id"] for p in harvested}
        assert "1 datasets scored" in scan_cli("--org", "ours")
        assert results.get(local["id"])["source_portal"] is None
        scan_cli("--org", "theirs", "--source", "https://open.other.ca")
        assert results.get(other_source["id"])["source_portal"] == "https://open.other.ca"
        summary = helpers.call_action("quality_summary")
        assert {row["key"]: row["count"] for row in summary["by_source"]} == {
            "https://data.example.ca": 3, None: 1, "https://open.other.ca": 1}
        by_source = helpers.call_action("quality_summary", source_portal="https://data.example.ca")
        assert by_source["count"] == 3 and "by_source" not in by_source

    def test_unknown_org_is_refused(self):
        result = invoke_scan("--org", "nobody")
        assert result.exit_code != 0 and "no organization" in result.output

    def test_rescans_add_history_for_the_trend(self, server):
        org = organization("trend")
        package = make_dataset("trend", org, [resource(server + "/good.csv")])
        scan_cli()
        scan_cli()
        history = model.Session.execute(results.history_table.select().where(
            results.history_table.c.package_id == package["id"])).all()
        assert len(history) == 2
        trend = helpers.call_action("quality_summary", organization="trend")["trend"]
        assert len(trend) == 1 and trend[0]["count"] == 1  # one dataset that day, scanned twice


def _all_results():
    return [dict(row) for row in model.Session.execute(results.result_table.select()).mappings()]


class TestJobs:
    def test_saving_a_dataset_queues_its_scan(self, server):
        org = organization("jobs")
        package = make_dataset("jobs", org, [resource(server + "/good.csv")])
        assert [job for job in ckan_jobs.get_queue().jobs if job.func_name.endswith("scan_job")]
        run_jobs()
        shown = helpers.call_action("quality_show", id=package["id"])
        assert shown["status"] == "scanned" and shown["rating"] in ("excellent", "good", "sufficient", "bad")

    def test_job_before_the_migration_does_nothing(self, server):
        org = organization("early")
        package = make_dataset("early", org, [])
        # as before `ckan db upgrade -p pancanadian_quality` (the next test's fixture migrates again)
        model.Session.execute(sa.text("DROP TABLE pancanadian_quality_history, pancanadian_quality_result, "
                                      "pancanadian_quality_alembic_version"))
        model.Session.commit()
        assert scan.scan_job([package["id"]]) == 0

    def test_quality_scan_action_queues_batches(self, server):
        org = organization("many")
        for i in range(3):
            make_dataset(f"many-{i}", org, [])
        ckan_jobs.get_queue().empty()
        queued = helpers.call_action("quality_scan", organization="many")
        assert queued == {"datasets": 3, "jobs": 1}
        run_jobs()
        assert len(_all_results()) == 3


class TestActionsAndAuth:
    def test_public_sees_the_score_editors_see_the_checklist(self, server):
        editor = factories.User()
        org = factories.Organization(users=[{"name": editor["name"], "capacity": "editor"}],
                                     title_translated={"en": "Org", "fr": "Org"})
        package = make_dataset("shown", org, [resource(server + "/missing.csv")])
        scan_cli()
        public = helpers.call_action("quality_show", context={"user": "", "ignore_auth": False}, id="shown")
        assert "checks" not in public and public["percent"] < 100
        edited = helpers.call_action("quality_show", context={"user": editor["name"], "ignore_auth": False},
                                     id=package["id"])
        assert edited["checks"]
        with pytest.raises(helpers.logic.NotAuthorized):
            helpers.call_action("quality_scan", context={"user": editor["name"], "ignore_auth": False},
                                organization=org["id"])
        assert helpers.call_action("quality_scan", context={"user": editor["name"], "ignore_auth": False},
                                   id="shown") == {"datasets": 1, "jobs": 1}

    def test_private_dataset_score_is_not_shown_to_the_public(self, server):
        org = organization("private")
        make_dataset("hidden", org, [], private=True)
        scan_cli()
        with pytest.raises(helpers.logic.NotAuthorized):
            helpers.call_action("quality_show", context={"user": "", "ignore_auth": False}, id="hidden")

    def test_not_scanned_and_bad_input(self):
        org = organization("fresh")
        make_dataset("fresh", org, [])
        assert helpers.call_action("quality_show", id="fresh")["status"] == "not_scanned"
        with pytest.raises(helpers.logic.ValidationError) as invalid:
            helpers.call_action("quality_show")
        assert "id" in invalid.value.error_dict
        with pytest.raises(helpers.logic.ValidationError) as invalid:
            helpers.call_action("quality_summary", organization="nobody", trend_days="many")
        assert set(invalid.value.error_dict) == {"organization", "trend_days"}
        with pytest.raises(helpers.logic.NotFound):
            helpers.call_action("quality_show", id="no-such-dataset")


class TestSearch:
    def test_facet_and_sort_by_quality(self, server):
        org = organization("searchable")
        make_dataset("rich", org, [resource(server + "/good.csv", mimetype="text/csv", size=40)],
                     temporal_start="2024-01-01", spatial_coverage={"en": "Manitoba", "fr": "Manitoba"},
                     date_modified="2024-06-01")
        make_dataset("poor", org, [resource(server + "/missing.pdf", fmt="XLS")], subject=["labour"])
        scan_cli()
        found = helpers.call_action("package_search", q="*:*", sort="quality_rank desc",
                                    **{"facet.field": '["quality_rating"]'})
        assert [p["name"] for p in found["results"]] == ["rich", "poor"]
        assert sum(found["facets"]["quality_rating"].values()) == 2
        worst_first = helpers.call_action("package_search", q="*:*", sort="quality_rank asc")
        assert [p["name"] for p in worst_first["results"]] == ["poor", "rich"]
        rating = results.get(worst_first["results"][0]["id"])["rating"]
        assert helpers.call_action("package_search", fq=f"quality_rating:{rating}")["count"] >= 1


def test_select_package_ids_skips_deleted(server):
    org = organization("deleted")
    kept = make_dataset("kept", org, [])
    gone = make_dataset("gone", org, [])
    helpers.call_action("package_delete", id=gone["id"])
    assert scan.select_package_ids(org="deleted") == [kept["id"]]
