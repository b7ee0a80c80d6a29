"""OpenDataSoft platform module on the City of Vancouver's real Explore API v2.1 records.

No recorded ``/catalog/datasets`` list exists for any ODS portal, so the catalogue pages are
built from the two real dataset records (``/catalog/datasets/<id>`` bodies), which are the very
objects a list page carries in ``results``."""
import pytest

from ckanext.pancanadian.federation.platforms import ods
from ckanext.pancanadian.lib.safe_http import FetchError

from .platform_pages import fetch_json, load_fixture, portal, source_for

LIST = "/api/explore/v2.1/catalog/datasets"
TREES = load_fixture("ods/vancouver-explore-v2.1-catalog-datasets-public-trees.json")
TAXES = load_fixture("ods/vancouver-explore-v2.1-catalog-datasets-property-tax-report.json")
VANCOUVER = source_for(
    "https://opendata.vancouver.ca", LIST, portal="vancouver", default_licence="OGL-Canada-2.0"
)


def pages(records, page_size, total=None):
    """answer() serving ``records`` as ODS list pages of ``page_size``."""
    def answer(path, query):
        if path != LIST:
            return 404, {"error_code": "NotFoundResource"}
        offset, limit = int(query["offset"]), int(query["limit"])
        assert limit == ods.PAGE_SIZE
        chunk = records[offset:offset + page_size]
        return 200, {"total_count": len(records) if total is None else total, "results": chunk}
    return answer


def test_public_trees_maps_field_by_field():
    package = ods.to_package(TREES, VANCOUVER)
    assert package["title_translated"] == {"en": "Public trees", "fr": ""}
    assert package["notes_translated"]["en"].startswith("<div><p> The public tree dataset includes a listing")
    assert package["notes_translated"]["fr"] == ""
    assert package["keywords"] == {"en": ["Streets and transportation"], "fr": []}  # no keyword: its theme
    assert package["subject"] == ["transport"]
    assert package["license_id"] == "OGL-Vancouver"
    assert package["date_modified"] == "2026-06-22"
    assert package["date_published"] == ""
    assert package["frequency"] == ""
    assert package["contact_email"] == ""
    assert package["data_language"] == ["en"]
    assert package["access_level"] == "open"
    assert package["jurisdiction_level"] == "municipal"
    assert package["province_territory"] == ["BC"]
    assert package["source_portal"] == "vancouver"
    assert package["remote_id"] == "public-trees"
    assert package["source_url"] == "https://opendata.vancouver.ca/explore/dataset/public-trees/"
    assert [(r["format"], r["mimetype"]) for r in package["resources"]] == [
        ("CSV", "text/csv"),
        ("JSON", "application/json"),
        ("XLSX", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("Parquet", "application/vnd.apache.parquet"),
        ("GeoJSON", "application/geo+json"),
        ("Shapefile", "application/zip"),
        ("KML", "application/vnd.google-earth.kml+xml"),
    ]
    csv = package["resources"][0]
    assert csv["url"] == (
        "https://opendata.vancouver.ca/api/explore/v2.1/catalog/datasets/public-trees/exports/csv"
    )
    assert csv["name_translated"] == {"en": "Public trees (CSV)", "fr": ""}
    assert csv["language"] == ["en"]
    assert "name" not in package and "owner_org" not in package and "id" not in package


def test_property_tax_report_is_not_geographic():
    package = ods.to_package(TAXES, VANCOUVER)
    assert package["title_translated"] == {"en": "Property tax report", "fr": ""}
    assert package["subject"] == ["government_politics", "finance_budget"]
    assert package["license_id"] == "OGL-Vancouver"
    assert package["date_modified"] == "2026-08-10"
    assert [r["format"] for r in package["resources"]] == ["CSV", "JSON", "XLSX", "Parquet"]
    assert ods.remote_id(TAXES) == "property-tax-report"
    assert ods.remote_modified(TAXES) == "2026-08-10T14:18:01+00:00"


def test_a_french_record_fills_french_only():
    record = {**TREES, "metas": {**TREES["metas"], "default": {**TREES["metas"]["default"], "language": "fr"}}}
    package = ods.to_package(record, VANCOUVER)
    assert package["title_translated"] == {"en": "", "fr": "Public trees"}
    assert package["data_language"] == ["fr"]
    assert package["resources"][0]["language"] == ["fr"]


def test_unknown_licence_falls_back_to_the_source_default():
    default = {**TAXES["metas"]["default"], "license": "Some other terms", "license_url": None}
    package = ods.to_package({**TAXES, "metas": {**TAXES["metas"], "default": default}}, VANCOUVER)
    assert package["license_id"] == "OGL-Canada-2.0"


def test_multi_page_catalogue_yields_every_record_in_order(monkeypatch):
    monkeypatch.setattr(ods, "PAGE_SIZE", 1)
    records = [TREES, TAXES]
    with portal(pages(records, 1)) as server:
        found = list(ods.iter_records(fetch_json, source_for(server.url, LIST)))
    assert [r["dataset_id"] for r in found] == ["public-trees", "property-tax-report"]
    assert [q["offset"] for _path, q in server.requests] == ["0", "1"]


def test_organization_filters_keep_the_named_publisher(monkeypatch):
    monkeypatch.setattr(ods, "PAGE_SIZE", 1)
    with portal(pages([TREES, TAXES], 1)) as server:
        city = list(ods.iter_records(fetch_json, source_for(server.url, LIST, organization_filters=["city of  vancouver"])))
        assessment = list(ods.iter_records(fetch_json, source_for(server.url, LIST, organization_filters=["BC Assessment"])))
        nobody = list(ods.iter_records(fetch_json, source_for(server.url, LIST, organization_filters=["Metro Vancouver"])))
    assert [r["dataset_id"] for r in city] == ["public-trees", "property-tax-report"]
    # BC Assessment co-owns the tax roll only (custom data-owner metadata).
    assert [r["dataset_id"] for r in assessment] == ["property-tax-report"]
    assert nobody == []


def test_truncated_page_raises(monkeypatch):
    monkeypatch.setattr(ods, "PAGE_SIZE", 2)
    with portal(pages([TREES, TAXES], 1)) as server:
        with pytest.raises(ValueError, match="truncated"):
            list(ods.iter_records(fetch_json, source_for(server.url, LIST)))


def test_missing_results_raises():
    with portal(lambda path, query: (200, {"total_count": 2})) as server:
        with pytest.raises(ValueError, match="no results"):
            list(ods.iter_records(fetch_json, source_for(server.url, LIST)))


def test_malformed_json_raises():
    with portal(lambda path, query: (200, b'{"total_count": 2, "results": [{"dataset_id": "pub')) as server:
        with pytest.raises(ValueError):
            list(ods.iter_records(fetch_json, source_for(server.url, LIST)))


def test_empty_catalogue_yields_nothing():
    with portal(pages([], 100)) as server:
        assert list(ods.iter_records(fetch_json, source_for(server.url, LIST))) == []


def test_http_500_raises_fetch_error():
    with portal(lambda path, query: (500, {"error": "boom"})) as server:
        with pytest.raises(FetchError) as error:
            list(ods.iter_records(fetch_json, source_for(server.url, LIST)))
    assert error.value.status == 500
