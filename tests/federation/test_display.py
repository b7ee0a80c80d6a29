"""Federated search facets, where results come from, read-only harvested datasets, the source
status page, and harvest sources from registry entries."""
import datetime
import json

import pytest
from bs4 import BeautifulSoup

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.tests import factories, helpers
from ckanext.harvest.model import HarvestJob

from ckanext.pancanadian.federation import sources, status
from tests.federation import payloads
from tests.federation.conftest import HARVEST_CONFIG, Portal, harvested, make_source, run_job

pytestmark = HARVEST_CONFIG


@pytest.fixture
def harvest(organization):
    portal = Portal(payloads.opencanada_records()[:5])
    with portal.server:
        source = make_source(portal.url, organization=organization)
        run_job(source)
        yield source


def test_facets_for_source_portal_and_platform_with_labels(harvest, test_request_context):
    with test_request_context():
        found = helpers.call_action("package_search", {"ignore_auth": True},
                                    **{"facet.field": json.dumps(["source_portal", "federation_platform",
                                                                  "jurisdiction_level"])})
    facets = found["search_facets"]
    assert [(i["name"], i["display_name"], i["count"]) for i in facets["source_portal"]["items"]] == \
        [("opencanada", "Opencanada", 5)]
    assert [(i["name"], i["display_name"]) for i in facets["federation_platform"]["items"]] == [("ckan", "CKAN")]
    assert {i["name"] for i in facets["jurisdiction_level"]["items"]} == {"federal"}


@pytest.mark.parametrize("lang, origin, original", [("en", "From Opencanada", "Original record"),
                                                   ("fr", "Provenance : Opencanada", "Fiche d'origine")])
def test_search_results_show_the_origin_and_link_to_it(harvest, app, lang, origin, original):
    body = app.get(f"/{lang}/dataset/").body
    page = BeautifulSoup(body, "html.parser")
    items = page.select(".pc-origin")
    assert len(items) == 5
    assert origin in items[0].get_text() and "(CKAN)" in items[0].get_text()
    link = items[0].find("a")
    assert original in link.get_text() and "/dataset/" in link["href"]
    assert page.select_one('a[href*="source_portal=opencanada"]') is not None  # the facet


def test_harvested_dataset_is_read_only_for_its_publishers(harvest, organization, app):
    editor = factories.User()
    helpers.call_action("organization_member_create", {"ignore_auth": True}, id=organization["id"],
                        username=editor["name"], role="editor")
    dataset = next(iter(harvested("opencanada").values()))
    with pytest.raises(tk.NotAuthorized, match="harvested"):
        helpers.call_auth("package_update", {"user": editor["name"], "model": model}, id=dataset.id)
    sysadmin = factories.SysadminWithToken()
    page = app.get(f"/dataset/edit/{dataset.name}", headers={"Authorization": sysadmin["token"]})
    notice = BeautifulSoup(page.body, "html.parser").select_one("#pc-harvested-notice")
    assert "overwritten by the next harvest" in notice.get_text()
    own = factories.Dataset(owner_org=organization["id"], **payloads.profile_dataset())
    assert helpers.call_auth("package_update", {"user": editor["name"], "model": model}, id=own["id"])


def test_status_page_for_administrators_only(harvest, app):
    sysadmin = factories.SysadminWithToken()
    page = app.get(f"/federation/source/{harvest['name']}", headers={"Authorization": sysadmin["token"]})
    soup = BeautifulSoup(page.body, "html.parser")
    assert soup.select_one("h1").get_text().strip() == "Harvest status: Opencanada"
    cells = [td.get_text() for td in soup.select("table tbody td")]
    assert cells == ["5", "0", "0", "0"]
    assert app.get(f"/federation/source/{harvest['name']}", status=403)
    assert app.get("/federation/source/nowhere", headers={"Authorization": sysadmin["token"]}, status=404)


def test_a_job_without_progress_is_reported_stuck(harvest):
    job = HarvestJob(source_id=harvest["id"], status="Running")
    job.created = datetime.datetime.utcnow() - datetime.timedelta(hours=3)
    job.save()
    assert status.source_status(harvest["id"])["stuck"] is True
    assert status.source_status(harvest["id"], now=job.created + datetime.timedelta(minutes=5))["stuck"] is False


def test_registry_entries_become_harvest_sources_once(organization):
    portals = [
        {"name": "toronto", "title": {"en": "City of Toronto", "fr": "Ville de Toronto"},
         "url": "https://open.toronto.ca", "platform": "ckan", "jurisdiction_level": "municipal",
         "province_territory": ["ON"], "language": "en"},
        {"name": "gopher-portal", "title": {"en": "Gopher", "fr": "Gopher"}, "url": "https://gopher.example",
         "platform": "gopher", "jurisdiction_level": "municipal", "province_territory": [], "language": "en"},
    ]
    user = factories.Sysadmin()["name"]
    assert list(sources.load(portals, organization["id"], user)) == [
        "toronto: created", "gopher-portal: skipped, no harvester for platform gopher"]
    assert list(sources.load(portals[:1], organization["id"], user)) == ["toronto: updated"]
    shown = helpers.call_action("harvest_source_show", {"ignore_auth": True}, id="toronto")
    assert shown["source_type"] == "pancanadian_ckan" and shown["url"] == "https://open.toronto.ca"
    assert json.loads(shown["config"])["title_fr"] == "Ville de Toronto"
    assert json.loads(shown["config"])["language"] == "en"
