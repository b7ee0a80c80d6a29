"""Conformance jobs, reports, standards pages and the combined HVD CSV on the real stack
(PostgreSQL, Solr, Redis): jobs are queued on Redis and run in-process by an RQ worker in burst
mode; URL resources are served by a local HTTP server that the test allow-lists."""
import csv
import http.server
import io
import json
import re
import threading

import pytest
import rq
from bs4 import BeautifulSoup

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.cli.cli import ckan as ckan_command
from ckan.lib import jobs as ckan_jobs
from ckan.lib.redis import connect_to_redis
from ckan.tests import factories, helpers

from ckanext.pancanadian.profile import reports
from tests.profile.config import PROFILE_CONFIG

pytestmark = [
    *PROFILE_CONFIG,
    pytest.mark.ckan_config("ckanext.pancanadian.http.allowed_hosts", "127.0.0.1"),
    pytest.mark.ckan_config("ckanext.pancanadian.http.retries", "0"),
    pytest.mark.ckan_config("ckanext.pancanadian.http.read_timeout", "2"),
    pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index", "clean_redis", "migrated", "storage"),
]

HEADER = "year,province_territory,sex_at_birth,first_name,count,rank\n"
GOOD = HEADER + "2023,{p},F,Olivia,120,1\n2023,{p},M,Noah,110,1\n2023,{p},M,Liam,90,2\n"
BAD_ENUM = HEADER + "2023,ZZ,F,Olivia,120,1\n2023,MB,X,Noah,110,1\n"
MISSING_COLUMN = "year,province_territory,first_name,count,rank\n2023,MB,Olivia,120,1\n"
LATIN1 = (HEADER + "2023,QC,F,Zoé,40,1\n").encode("latin-1")

DATASET = {
    "notes_translated": {"en": "Names given at birth.", "fr": "Prénoms donnés à la naissance."},
    "keywords": {"en": ["names"], "fr": ["prénoms"]},
    "jurisdiction_level": "provincial",
    "subject": ["environment_nature"],
    "frequency": "P1Y",
    "date_published": "2024-05-01",
    "license_id": "OGL-Canada-2.0",
    "contact_email": "open@example.org",
    "hvd_standard": "baby-names",
    "hvd_category": "statistics",
}


class Files(http.server.BaseHTTPRequestHandler):
    content = {}
    requests = []  # paths asked for, in order

    def log_message(self, *args):
        pass

    def do_GET(self):
        Files.requests.append(self.path)
        body = Files.content.get(self.path)
        self.send_response(200 if body is not None else 404)
        self.send_header("Content-Type", "text/csv")
        self.send_header("Content-Length", str(len(body or b"")))
        self.end_headers()
        self.wfile.write(body or b"")


@pytest.fixture(scope="module")
def server():
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Files)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def migrated(clean_db, migrate_db_for):
    migrate_db_for("pancanadian_profile")


@pytest.fixture
def storage(ckan_config, monkeypatch, tmp_path, reset_storages):
    monkeypatch.setitem(ckan_config, "ckan.storage_path", str(tmp_path))
    reset_storages()


def run_jobs():
    """Run every queued job in this process, against the stack's Redis."""
    queue = ckan_jobs.get_queue()
    rq.SimpleWorker([queue], connection=connect_to_redis()).work(burst=True)
    assert not queue.failed_job_registry.get_job_ids(), "a conformance job raised"
    model.Session.remove()


def make_dataset(name, province, org=None, **fields):
    org = org or factories.Organization(title_translated={"en": f"Org {province}", "fr": f"Org {province}"})
    return helpers.call_action("package_create", owner_org=org["id"], name=name, province_territory=[province],
                               title_translated={"en": f"Baby names {province}", "fr": f"Prénoms {province}"},
                               **dict(DATASET, **fields))


def resource_fields(package, name="Data"):
    return {"package_id": package["id"], "name_translated": {"en": name, "fr": name}, "format": "CSV",
            "resource_type": "dataset"}


def upload(create_with_upload, package, content, filename="names.csv", name="Data"):
    return create_with_upload(content, filename, url=filename, **resource_fields(package, name))


def url_resource(server, package, path, content, name="Data"):
    if content is not None:
        Files.content[path] = content.encode("utf-8") if isinstance(content, str) else content
    return helpers.call_action("resource_create", url=server + path, **resource_fields(package, name))


def queued_resource_checks():
    """Queued checks of single files (saving a dataset also queues a dataset-level job)."""
    return [job for job in ckan_jobs.get_queue().jobs if job.func_name.endswith("check_resource")]


def report_of(resource):
    return helpers.call_action("conformance_report_show", id=resource["id"])


class TestJobs:
    def test_good_upload(self, create_with_upload):
        package = make_dataset("mb-names", "MB")
        resource = upload(create_with_upload, package, GOOD.format(p="MB"))
        assert report_of(resource)["status"] == "pending"
        run_jobs()
        shown = report_of(resource)
        assert (shown["status"], shown["valid"], shown["row_count"], shown["error_count"]) == ("done", True, 3, 0)
        assert shown["standard_id"] == "baby-names" and shown["checked_at"]
        assert shown["report"]["errors"] == []

    def test_bad_enum_upload(self, create_with_upload):
        package = make_dataset("mb-names", "MB")
        resource = upload(create_with_upload, package, BAD_ENUM)
        run_jobs()
        shown = report_of(resource)
        assert (shown["valid"], shown["error_count"]) == (False, 2)
        assert shown["report"]["summary"] == {"enum": 2}
        first = shown["report"]["errors"][0]
        assert (first["row"], first["column"]) == (2, "province_territory")
        assert first["message_en"] and first["message_fr"] and first["message_en"] != first["message_fr"]

    def test_missing_column_wrong_encoding_and_empty_over_http(self, server):
        package = make_dataset("qc-names", "QC")
        missing = url_resource(server, package, "/missing.csv", MISSING_COLUMN, "Missing")
        latin = url_resource(server, package, "/latin1.csv", LATIN1, "Latin")
        empty = url_resource(server, package, "/empty.csv", b"", "Empty")
        good = url_resource(server, package, "/good.csv", GOOD.format(p="QC"), "Good")
        run_jobs()
        assert "missing-column" in report_of(missing)["report"]["summary"]
        assert "encoding-error" in report_of(latin)["report"]["summary"]
        assert report_of(empty)["report"]["summary"] == {"empty-file": 1}
        assert report_of(good)["valid"] is True
        assert {report_of(r)["status"] for r in (missing, latin, empty, good)} == {"done"}

    def test_unreachable_url_stores_a_failure(self, server):
        package = make_dataset("on-names", "ON")
        gone = helpers.call_action("resource_create", url="http://127.0.0.1:9/nothing.csv",
                                   **resource_fields(package))
        missing = url_resource(server, package, "/not-there.csv", None, "404")
        private = helpers.call_action("resource_create", url="http://10.255.255.1/x.csv", **resource_fields(package))
        run_jobs()
        for resource, reason in ((gone, "connection"), (missing, "http-status"), (private, "forbidden-address")):
            shown = report_of(resource)
            assert (shown["status"], shown["valid"]) == ("failed", False), reason
            fetch_error = shown["report"]["fetch_error"]
            assert fetch_error["reason"] == reason
            assert fetch_error["message_en"] and fetch_error["message_fr"]

    def test_unchanged_fingerprint_is_not_rechecked(self, server):
        package = make_dataset("nb-names", "NB")
        resource = url_resource(server, package, "/nb.csv", GOOD.format(p="NB"))
        run_jobs()
        checked_at = report_of(resource)["checked_at"]
        helpers.call_action("resource_patch", id=resource["id"], description_translated={"en": "More", "fr": "Plus"})
        assert not queued_resource_checks()
        assert report_of(resource)["status"] == "done"
        helpers.call_action("resource_patch", id=resource["id"], url=server + "/nb2.csv")
        assert len(queued_resource_checks()) == 1
        Files.content["/nb2.csv"] = BAD_ENUM.encode()
        run_jobs()
        shown = report_of(resource)
        assert shown["valid"] is False and shown["checked_at"] > checked_at

    def test_resources_saved_with_the_dataset_are_checked(self, cli, server):
        Files.content["/inline.csv"] = GOOD.format(p="PE").encode()
        make_dataset("pe-names", "PE", resources=[dict(url=server + "/inline.csv", name_translated={"en": "D", "fr": "D"},
                                                        format="CSV", resource_type="dataset")])
        assert len(ckan_jobs.get_queue().jobs) == 1  # queued once package_create committed
        run_jobs()
        result = cli.invoke(ckan_command, ["pancanadian", "hvd", "check"])
        assert result.exit_code == 0, result.output
        assert not ckan_jobs.get_queue().jobs  # checked already: the CLI queues nothing
        (resource,) = helpers.call_action("package_show", id="pe-names")["resources"]
        stored = reports.get(resource["id"])  # the CLI run reloaded the plugins: read the table
        assert (stored["status"], stored["valid"]) == ("done", True)
        result = cli.invoke(ckan_command, ["pancanadian", "hvd", "check", "pe-names"])
        assert not ckan_jobs.get_queue().jobs  # unchanged: not queued again

    def test_non_csv_and_datasets_without_standard_are_not_checked(self, server):
        package = make_dataset("plain", "MB", hvd_standard="", hvd_category="")
        resource = url_resource(server, package, "/plain.csv", GOOD.format(p="MB"))
        assert not queued_resource_checks()
        run_jobs()
        assert report_of(resource)["status"] == "not_checked"


class TestActionsAndAuth:
    def test_conformance_check_needs_package_update(self, server):
        package = make_dataset("mb-names", "MB")
        resource = url_resource(server, package, "/a.csv", GOOD.format(p="MB"))
        run_jobs()
        with pytest.raises(tk.NotAuthorized):
            helpers.call_action("conformance_check", {"user": "", "ignore_auth": False}, id=resource["id"])
        stranger = factories.User()
        with pytest.raises(tk.NotAuthorized):
            helpers.call_action("conformance_check", {"user": stranger["name"], "ignore_auth": False},
                                id=resource["id"])
        # anybody may read the report of a public resource
        assert helpers.call_action("conformance_report_show", {"user": "", "ignore_auth": False},
                                   id=resource["id"])["valid"] is True
        sysadmin = factories.Sysadmin()
        queued = helpers.call_action("conformance_check", {"user": sysadmin["name"], "ignore_auth": False},
                                     id=resource["id"])
        assert queued["status"] == "pending" and queued["job_id"]
        run_jobs()
        assert report_of(resource)["status"] == "done"

    def test_report_of_private_dataset_needs_access(self, server):
        org = factories.Organization(title_translated={"en": "Secret", "fr": "Secret"})
        package = make_dataset("secret", "MB", org=org, private=True)
        resource = url_resource(server, package, "/s.csv", GOOD.format(p="MB"))
        with pytest.raises(tk.NotAuthorized):
            helpers.call_action("conformance_report_show", {"user": "", "ignore_auth": False}, id=resource["id"])

    def test_api_exposes_the_report(self, app, server):
        package = make_dataset("mb-names", "MB")
        resource = url_resource(server, package, "/api.csv", BAD_ENUM)
        run_jobs()
        body = app.get(tk.h.url_for("api.action", ver=3, logic_function="conformance_report_show",
                                    id=resource["id"])).json
        assert body["success"] and body["result"]["error_count"] == 2
        user = factories.UserWithToken()
        app.post(tk.h.url_for("api.action", ver=3, logic_function="conformance_check"),
                 json={"id": resource["id"]}, headers={"Authorization": user["token"]}, status=403)

    def test_report_rows_deleted_with_the_dataset(self, server):
        package = make_dataset("gone", "MB")
        resource = url_resource(server, package, "/gone.csv", GOOD.format(p="MB"))
        run_jobs()
        helpers.call_action("dataset_purge", id=package["id"])
        assert reports.get(resource["id"]) is None


def text_of(response):
    return BeautifulSoup(response.body, "html.parser")


class TestPages:
    def test_badge_and_report_page_in_both_languages(self, app, server):
        package = make_dataset("mb-names", "MB")
        resource = url_resource(server, package, "/page.csv", BAD_ENUM)
        page = text_of(app.get(f"/dataset/mb-names/resource/{resource['id']}"))
        assert page.select_one(".pc-badge-pending").get_text(strip=True).startswith("Check pending")
        run_jobs()
        page = text_of(app.get(f"/dataset/mb-names/resource/{resource['id']}"))
        badge = page.select_one("a.pc-badge-invalid")
        assert badge.get_text(" ", strip=True).startswith("2 errors")
        assert badge["href"] == f"/dataset/mb-names/resource/{resource['id']}/conformance"
        french = text_of(app.get(f"/fr/dataset/mb-names/resource/{resource['id']}"))
        # The badge's words come from the i18n catalogue (new msgids, not yet translated there).
        assert french.select_one("a.pc-badge-invalid")["href"].startswith("/fr/dataset/mb-names/resource/")

        stored = report_of(resource)["report"]["errors"]
        for prefix, lang in (("", "en"), ("/fr", "fr")):
            page = text_of(app.get(f"{prefix}/dataset/mb-names/resource/{resource['id']}/conformance"))
            table = page.select_one("#pc-errors")
            assert [th.get("scope") for th in table.select("thead th")] == ["col", "col", "col"]
            rows = [[td.get_text(" ", strip=True) for td in tr.select("td")] for tr in table.select("tbody tr")]
            assert rows == [[str(e["row"]), e["column"], e[f"message_{lang}"]] for e in stored]
            summary = page.select("table")[0]
            assert summary.select_one("tbody th").get_text(strip=True) == "enum"
        assert page.html["lang"] == "fr"

    @pytest.mark.ckan_config("ckanext.pancanadian.conformance.page_size", "1")
    def test_report_pagination(self, app, server):
        package = make_dataset("mb-names", "MB")
        resource = url_resource(server, package, "/pages.csv", BAD_ENUM)
        run_jobs()
        url = f"/dataset/mb-names/resource/{resource['id']}/conformance"
        first = text_of(app.get(url))
        assert len(first.select("#pc-errors tbody tr")) == 1
        assert first.find("a", string="Next page")["href"] == "?page=2#pc-errors"
        second = text_of(app.get(url, query_string={"page": 2}))
        assert second.select_one("#pc-errors tbody td").get_text(strip=True) == "3"
        assert second.find("a", string="Next page") is None

    def test_check_again_form(self, app, server):
        package = make_dataset("mb-names", "MB")
        resource = url_resource(server, package, "/again.csv", GOOD.format(p="MB"))
        run_jobs()
        url = f"/dataset/mb-names/resource/{resource['id']}/conformance"
        assert text_of(app.get(url)).select_one(".pc-check-again button") is None  # anonymous: no form
        app.post(url, status=403)
        assert not ckan_jobs.get_queue().jobs
        sysadmin = factories.SysadminWithToken()
        page = text_of(app.get(url, headers={"Authorization": sysadmin["token"]}))
        assert page.select_one(".pc-check-again button").get_text(strip=True) == "Check again"
        response = app.post(url, headers={"Authorization": sysadmin["token"]}, follow_redirects=False)
        assert response.status_code == 302 and response.headers["location"].endswith(url)
        assert len(ckan_jobs.get_queue().jobs) == 1

    def test_failed_fetch_page(self, app):
        package = make_dataset("mb-names", "MB")
        resource = helpers.call_action("resource_create", url="http://127.0.0.1:9/x.csv", **resource_fields(package))
        run_jobs()
        english = text_of(app.get(f"/dataset/mb-names/resource/{resource['id']}/conformance")).get_text(" ")
        french = text_of(app.get(f"/fr/dataset/mb-names/resource/{resource['id']}/conformance")).get_text(" ")
        assert "could not be reached" in english and "injoignable" in french
        assert "injoignable" not in english
        # the check time in each language's own date order ("22 novembre 2026, 08:13:55 TU")
        french_time = text_of(app.get(f"/fr/dataset/mb-names/resource/{resource['id']}/conformance")).find("time")
        assert re.match(r"\d{1,2} \w+ \d{4}, \d\d:\d\d", french_time.get_text(strip=True)), french_time

    def test_standards_pages(self, app, server):
        package = make_dataset("mb-names", "MB")
        url_resource(server, package, "/std.csv", GOOD.format(p="MB"))
        run_jobs()
        english = text_of(app.get("/standards"))
        french = text_of(app.get("/fr/standards"))
        assert "Newborn first names" in english.get_text() and "Statistics" in english.get_text()
        assert "Prénoms des nouveau-nés" in french.get_text() and "Statistiques" in french.get_text()

        page = text_of(app.get("/standards/baby-names"))
        fields = page.select("table")[0]
        assert fields.select_one("tbody th code").get_text() == "year"
        assert [td.get("lang") for td in fields.select("tbody tr")[0].select("td")[:4]] == ["en", "fr", "en", "fr"]
        assert "Year of birth" in fields.get_text() and "Année de naissance" in fields.get_text()
        assert "enum: AB, BC" in fields.get_text()
        datasets = page.select("table")[1]
        row = datasets.select_one("tbody tr").get_text(" ", strip=True)
        assert "Baby names MB" in row and "Manitoba" in row and "1 of 1" in row and "{" not in row
        assert datasets.select_one("tbody th a span")["lang"] == "en"
        french_page = text_of(app.get("/fr/standards/baby-names")).get_text(" ")
        assert "Prénoms des nouveau-nés" in french_page and "Manitoba" in french_page and "Prénoms MB" in french_page

        schema = app.get("/standards/baby-names/schema.json", query_string={"lang": "fr"})
        descriptor = json.loads(schema.body)
        assert descriptor["fields"][0]["name"] == "year"
        assert descriptor["fields"][0]["title"] == "Année de naissance"
        assert "attachment" in schema.headers["Content-Disposition"]
        app.get("/standards/no-such-thing", status=404)


class TestCombine:
    def test_three_jurisdictions(self, app, cli, server, tmp_path, create_with_upload):
        mb = make_dataset("mb-names", "MB")
        qc = make_dataset("qc-names", "QC")
        bc = make_dataset("bc-names", "BC", jurisdiction_level="provincial")
        upload(create_with_upload, mb, GOOD.format(p="MB"), "mb.csv")
        url_resource(server, qc, "/qc.csv", GOOD.format(p="QC"))
        url_resource(server, bc, "/bc.csv", GOOD.format(p="BC"))
        bad = url_resource(server, bc, "/bc-bad.csv", BAD_ENUM, "Bad")
        run_jobs()
        assert report_of(bad)["valid"] is False

        result = helpers.call_action("hvd_combine", {"user": "", "ignore_auth": False}, standard="baby-names")
        assert result["row_count"] == 9
        assert sorted(j["province_territory"] for j in result["jurisdictions"]) == ["BC", "MB", "QC"]
        assert result["columns"][:5] == ["jurisdiction_level", "province_territory", "publisher", "dataset", "resource"]
        assert result["columns"][5:] == ["year", "province_territory", "sex_at_birth", "first_name", "count",
                                         "rank", "proportion"]
        assert result["url"].endswith("/standards/baby-names/combined.csv")
        assert bad["id"] not in result["resources"]

        body = app.get("/standards/baby-names/combined.csv").body
        rows = list(csv.reader(io.StringIO(body)))
        assert rows[0] == result["columns"]
        assert len(rows) == 10
        assert {row[3] for row in rows[1:]} == {"mb-names", "qc-names", "bc-names"}
        assert bad["id"] not in {row[4] for row in rows[1:]}
        assert all(row[1] == row[6] for row in rows[1:])  # jurisdiction matches the data

        output = tmp_path / "combined.csv"
        invoked = cli.invoke(ckan_command, ["pancanadian", "hvd", "combine", "baby-names", "-o", str(output)])
        assert invoked.exit_code == 0, invoked.output
        assert output.read_text(encoding="utf-8") == body
        refused = cli.invoke(ckan_command, ["pancanadian", "hvd", "combine", "nope"])
        assert refused.exit_code != 0

    def test_downloads_reuse_the_combined_file_until_a_source_changes(self, app, server):
        mb = make_dataset("mb-names", "MB")
        resource = url_resource(server, mb, "/mb.csv", GOOD.format(p="MB"))
        run_jobs()
        Files.requests.clear()
        first = app.get("/standards/baby-names/combined.csv").body
        assert Files.requests == ["/mb.csv"]
        assert app.get("/standards/baby-names/combined.csv").body == first
        assert helpers.call_action("hvd_combine", standard="baby-names")["row_count"] == 3
        assert Files.requests == ["/mb.csv"]  # neither the second download nor the action fetched

        Files.content["/mb.csv"] = GOOD.format(p="MB").replace("Olivia", "Emma").encode("utf-8")
        helpers.call_action("resource_patch", id=resource["id"], last_modified="2026-11-20T10:00:00")
        run_jobs()
        Files.requests.clear()
        changed = app.get("/standards/baby-names/combined.csv").body
        assert Files.requests == ["/mb.csv"] and "Emma" in changed and "Olivia" not in changed
