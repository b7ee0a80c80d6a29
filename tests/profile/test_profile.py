"""The pan-Canadian profile on the real stack: schema, rules, inventory, facets, publisher form."""
import datetime

import pytest
from bs4 import BeautifulSoup

import ckan.plugins.toolkit as tk
from ckan.cli.cli import ckan as ckan_command
from ckan.tests import factories, helpers

from tests.profile.config import PROFILE_CONFIG

pytestmark = [
    *PROFILE_CONFIG,
    pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index"),
]

VALID = {
    "title_translated": {"en": "Water quality", "fr": "Qualité de l'eau"},
    "notes_translated": {"en": "Lake sampling.", "fr": "Échantillonnage des lacs."},
    "keywords": {"en": ["water"], "fr": ["eau"]},
    "jurisdiction_level": "provincial",
    "province_territory": ["MB"],
    "subject": ["environment_nature"],
    "frequency": "P1M",
    "date_published": "2024-05-01",
    "license_id": "OGL-Canada-2.0",
    "contact_email": "open@example.org",
}


@pytest.fixture
def org():
    return factories.Organization(title_translated={"en": "Environment", "fr": "Environnement"})


def create(org, **fields):
    return helpers.call_action("package_create", owner_org=org["id"], **dict(VALID, **fields))


def errors_of(org, **fields):
    with pytest.raises(tk.ValidationError) as refused:
        create(org, **fields)
    return refused.value.error_dict


class TestSchema:
    def test_valid_record_round_trips(self, org):
        create(org, name="water", temporal_start="2010-01-01", temporal_end="2024-12-31",
               spatial='{"type": "Point", "coordinates": [-97.1, 50.6]}',
               resources=[{"url": "http://example.org/w.csv", "name_translated": {"en": "Data", "fr": "Données"},
                           "format": "text/csv", "resource_type": "dataset", "character_set": "UTF-8"}])
        shown = helpers.call_action("package_show", id="water")
        assert shown["province_territory"] == ["MB"]
        assert shown["access_level"] == "open"
        assert shown["resources"][0]["format"] == "CSV"
        assert shown["license_title"] == "Open Government Licence - Canada"

    def test_field_errors(self, org):
        tomorrow = (datetime.date.today() + datetime.timedelta(days=1)).isoformat()
        errors = errors_of(org, name="bad", jurisdiction_level="galactic", province_territory=["XX"],
                           frequency="weekly", date_published=tomorrow, license_id="proprietary",
                           contact_email="not-an-email", temporal_start="2020-01-01", temporal_end="2019-01-01",
                           spatial="{")
        assert set(errors) == {"jurisdiction_level", "province_territory", "frequency", "date_published",
                               "license_id", "contact_email", "temporal_end", "spatial"}
        assert errors["date_published"] == ["The publication date cannot be in the future"]
        assert errors["license_id"] == ["Choose a licence from the list"]

    def test_french_errors(self, org, app):
        user = factories.SysadminWithToken()
        response = app.post(
            tk.h.url_for("api.action", ver=3, logic_function="package_create", locale="fr"),
            json=dict(VALID, name="bad-frequency", owner_org=org["id"], frequency="weekly"),
            headers={"Authorization": user["token"]}, status=409,
        )
        assert response.json["error"]["frequency"] == [
            "Utilisez une durée ISO 8601 comme P1D, P1M ou P1Y, ou au besoin, irrégulière, non planifiée ou inconnue"
        ]


class TestInventory:
    def test_restricted_needs_exemption_and_bilingual_rationale(self, org):
        errors = errors_of(org, name="restricted-one", access_level="restricted")
        assert errors == {"exemption": ["A restricted record must state its exemption"],
                          "exemption_rationale": ["English is required before this can be public",
                                                  "French is required before this can be public"]}
        errors = errors_of(org, name="restricted-one", access_level="restricted", exemption="privacy",
                           exemption_rationale={"en": "Personal information."})
        assert errors == {"exemption_rationale": ["French is required before this can be public"]}
        create(org, name="restricted-one", access_level="restricted", exemption="privacy",
               exemption_rationale={"en": "Personal information.", "fr": "Renseignements personnels."})

    def test_inventory_entries_cannot_have_resources(self, org):
        errors = errors_of(org, name="under-review-one", access_level="under_review", resources=[{"url": "http://example.org/x.csv",
                           "name_translated": {"en": "X", "fr": "X"}, "format": "CSV", "resource_type": "dataset"}])
        assert errors == {"access_level": ["A record that is not open is an inventory entry and cannot have resources"]}

    def test_inventory_filter_and_csv_export(self, org, app, cli):
        create(org, name="open-one")
        create(org, name="under-review", access_level="under_review")
        create(org, name="restricted", access_level="restricted", exemption="legal",
               exemption_rationale={"en": "Before the courts.", "fr": "Devant les tribunaux."})
        page = BeautifulSoup(app.get("/dataset/", query_string={"access_level": "restricted"}).body, "html.parser")
        assert [a["href"].rsplit("/", 1)[-1] for a in page.select("li.dataset-item h2 a")] == ["restricted"]
        csv_text = app.get("/inventory.csv").body
        lines = csv_text.strip().splitlines()
        assert lines[0].startswith("name,title_en,title_fr,publisher")
        assert [line.split(",")[0] for line in lines[1:]] == ["restricted", "under-review"]
        assert "Devant les tribunaux." in csv_text
        result = cli.invoke(ckan_command, ["pancanadian", "inventory", "export"])
        assert result.exit_code == 0, result.output
        exported = result.output.splitlines()
        header = exported.index(lines[0])  # CKAN's own log lines may come first on stdout
        assert exported[header + 1:] == lines[1:]


class TestFederationFields:
    def test_publishers_cannot_change_federation_fields(self, org):
        editor = factories.User()
        helpers.call_action("organization_member_create", id=org["id"], username=editor["name"], role="editor")
        sysadmin = factories.Sysadmin()
        create(org, name="harvested", source_portal="https://data.example.ca", remote_id="abc-1")
        helpers.call_action("package_patch", {"user": editor["name"], "ignore_auth": False},
                            id="harvested", source_portal="https://evil.example", remote_id="zzz")
        shown = helpers.call_action("package_show", id="harvested")
        assert (shown["source_portal"], shown["remote_id"]) == ("https://data.example.ca", "abc-1")
        helpers.call_action("package_patch", {"user": sysadmin["name"], "ignore_auth": False},
                            id="harvested", remote_id="abc-2")
        assert helpers.call_action("package_show", id="harvested")["remote_id"] == "abc-2"


class TestFacets:
    def test_facets_with_bilingual_labels(self, org, app):
        create(org, name="water")
        french = BeautifulSoup(app.get("/fr/dataset/").body, "html.parser").get_text(" ", strip=True)
        english = BeautifulSoup(app.get("/dataset/").body, "html.parser").get_text(" ", strip=True)
        assert "Manitoba" in english and "Provincial" in english and "Environment and nature" in english
        assert "Environnement et nature" in french and "Ordre de gouvernement" in french

    def test_province_filter(self, org, app):
        create(org, name="mb")
        create(org, name="qc", province_territory=["QC", "ON"])
        found = helpers.call_action("package_search", fq='province_territory:"ON"')
        assert [d["name"] for d in found["results"]] == ["qc"]


class TestPublisherForm:
    @pytest.mark.parametrize("prefix", ["", "/fr"])
    def test_publish_through_the_form(self, app, org, prefix):
        user = factories.UserWithToken()
        helpers.call_action("organization_member_create", id=org["id"], username=user["name"], role="editor")
        headers = {"Authorization": user["token"]}
        form = {
            "title_translated-en": "Water quality", "title_translated-fr": "Qualité de l'eau",
            "notes_translated-en": "Lake sampling.", "notes_translated-fr": "Échantillonnage.",
            "keywords-en": "water", "keywords-fr": "eau", "name": "water-form", "owner_org": org["id"],
            "jurisdiction_level": "provincial", "province_territory": ["MB", "SK"], "subject": "environment_nature",
            "frequency": "P1Y", "date_published": "2024-01-15", "license_id": "OGL-Canada-2.0",
            "contact_email": "open@example.org", "access_level": "open", "save": "", "_ckan_phase": 1,
        }
        response = app.post(f"{prefix}/dataset/new", data=form, headers=headers, follow_redirects=False)
        assert response.status_code == 302, BeautifulSoup(response.body, "html.parser").select(".error-explanation")
        app.post(response.headers["location"], headers=headers, data={
            "id": "", "url": "http://example.org/data.csv", "name_translated-en": "Data",
            "name_translated-fr": "Données", "format": "CSV", "resource_type": "dataset", "save": "go-metadata"})
        shown = helpers.call_action("package_show", id="water-form")
        assert shown["state"] == "active" and shown["province_territory"] == ["MB", "SK"]

    def test_french_form_shows_french_labels_and_licences(self, app, org):
        user = factories.SysadminWithToken()
        page = BeautifulSoup(app.get("/fr/dataset/new", headers={"Authorization": user["token"]}).body, "html.parser")
        assert page.find("label", attrs={"for": "field-jurisdiction_level"}).get_text(strip=True).endswith("Ordre de gouvernement")
        options = [o.get_text(strip=True) for o in page.select("#field-license_id option")]
        assert "Licence du gouvernement ouvert - Canada" in options
