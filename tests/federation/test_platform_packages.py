"""What the platform modules produce is a record of the profile: real mapped records go through
package_create with the schema's validators (real DB and Solr), once given what a harvest adds
(name, owner organization) and, where the source has none, the values the shared mapping
supplies (a publication date, a contact). Resource formats here are ones the controlled list
already knows; other raw formats are for the shared format normalization.

The records are saved private: they are English only, and the bilingual publication rule
lets a record be public only with both languages (how a monolingual federated record is
published is the harvester's choice, not the platform module's)."""
import pytest

from ckan.tests import factories, helpers

from ckanext.pancanadian.federation.platforms import ods, socrata

from ..profile.config import PROFILE_CONFIG
from .platform_pages import load_fixture, source_for

pytestmark = [*PROFILE_CONFIG, pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")]

VANCOUVER = source_for("https://opendata.vancouver.ca", "/api/explore/v2.1/catalog/datasets",
                       portal="vancouver", default_licence="OGL-Canada-2.0")
CALGARY = source_for("https://api.us.socrata.com", "/api/catalog/v1?domains=data.calgary.ca",
                     portal="calgary", province_territory=["AB"], default_licence="OGL-AB-2.0")


def create(package, name):
    organization = factories.Organization(title_translated={"en": "Federated sources", "fr": "Sources fédérées"})
    return helpers.call_action("package_create", name=name, owner_org=organization["id"], private=True, **package)


def test_vancouver_property_tax_report_is_a_valid_record():
    package = ods.to_package(
        load_fixture("ods/vancouver-explore-v2.1-catalog-datasets-property-tax-report.json"), VANCOUVER
    )
    assert package["date_published"] == ""  # Vancouver publishes no issued date
    package["date_published"] = package["date_modified"]
    package["frequency"] = "unknown"
    package["contact_email"] = "opendata@vancouver.ca"  # the harvest source's contact: ODS gives none
    created = create(package, "vancouver-property-tax-report")
    assert created["title_translated"] == {"en": "Property tax report", "fr": ""}
    assert created["license_id"] == "OGL-Vancouver"
    assert created["subject"] == ["government_politics", "finance_budget"]
    assert created["keywords"] == {"en": ["Government and finance"], "fr": []}
    assert created["source_portal"] == "vancouver"
    assert created["remote_id"] == "property-tax-report"
    assert [r["format"] for r in created["resources"]] == ["CSV", "JSON", "XLSX", "Parquet"]
    assert created["resources"][0]["name_translated"] == {"en": "Property tax report (CSV)", "fr": ""}


def test_calgary_senior_management_expenses_is_a_valid_record():
    result = next(r for r in load_fixture("socrata/socrata-discovery-catalog-v1-categories.json")["results"]
                  if r["resource"]["id"] == "y3tg-gbwj")
    package = socrata.to_package(result, CALGARY)
    package["contact_email"] = "opendata@calgary.ca"  # the harvest source's contact: Socrata gives none
    created = create(package, "calgary-senior-management-expenses")
    assert created["title_translated"] == {"en": "Senior management expenses", "fr": ""}
    assert created["keywords"]["en"] == ["management", "expenses", "expense", "senior", "disclosure"]
    assert created["frequency"] == "P6M"
    assert created["date_published"] == "2020-10-14"
    assert created["license_id"] == "OGL-AB-2.0"
    assert created["source_url"] == "https://data.calgary.ca/d/y3tg-gbwj"
    assert [r["format"] for r in created["resources"]] == ["CSV", "JSON"]
