"""DCAT-US 1.1 platform module on two real catalogues: an ArcGIS Hub site's feed (Évian,
French, 8 datasets) and the US DOE ARM Data Center's data.json (English, 997 datasets). A
DCAT-US catalogue is one document with no paging: the tests serve it whole."""
import json

import pytest

from ckanext.pancanadian.federation.platforms import dcat_us
from ckanext.pancanadian.lib.safe_http import FetchError

from .platform_pages import FIXTURES, fetch_json, load_fixture, portal, source_for

FEED = "/api/feed/dcat-us/1.1.json"
EVIAN_BYTES = (FIXTURES / "dcat" / "arcgishub-evian-dcat-us-1.1.json").read_bytes()
EVIAN = json.loads(EVIAN_BYTES)
ARM = load_fixture("dcat/doe-arm-data.json")
HUB_SOURCE = source_for("https://ville-d-evian-opendata-ville-evian.hub.arcgis.com", FEED,
                        portal="evian", language="fr", default_licence="other-closed")
ARM_SOURCE = source_for("https://www.archive.arm.gov", "/data.json", portal="arm",
                        jurisdiction_level="federal", province_territory=[], default_licence="CC0-1.0")
VELOS = "https://www.arcgis.com/home/item.html?id=f6565516d1354383b25793e630cf3f2b&sublayer=5"
HUB = "https://ville-d-evian-opendata-ville-evian.hub.arcgis.com"


def serve(body):
    return lambda path, query: (200, body) if path == FEED else (404, {})


def test_every_hub_record_maps_in_french_only():
    packages = [dcat_us.to_package(record, HUB_SOURCE) for record in EVIAN["dataset"]]
    assert [p["title_translated"]["fr"] for p in packages] == [
        "stationnement velos", "poubelles", "defibrillateurs", "places de marche", "places PMR",
        "Publication actes dématérialisés", "Carte piéton concertation", "Carte vélo finale",
    ]
    for package, record in zip(packages, EVIAN["dataset"]):
        assert package["title_translated"]["en"] == ""
        assert package["notes_translated"] == {"en": "", "fr": record["description"]}
        assert package["keywords"] == {"en": [], "fr": record["keyword"]}
        assert package["data_language"] == ["fr"]
        assert package["remote_id"] == record["identifier"]
        assert package["source_url"] == record["landingPage"]
        assert package["date_published"] == record["issued"][:10]
        assert package["date_modified"] == record["modified"][:10]
        # The Etalab Licence Ouverte is not on the portal's licence list: the source default.
        assert package["license_id"] == "other-closed"
        assert package["subject"] == []  # Hub's blanket "geospatial" theme names no subject
        assert package["contact_email"] == ""  # Hub gives a name ("sigevian"), no address
        assert [r["url"] for r in package["resources"]] == [d["accessURL"] for d in record["distribution"]]
    # Unrendered Hub template "{{extent:computeSpatialProperty}}": no place, no geometry.
    assert packages[5]["spatial_coverage"] == {"en": "", "fr": ""} and "spatial" not in packages[5]


def test_hub_bike_parking_field_by_field():
    package = dcat_us.to_package(EVIAN["dataset"][0], HUB_SOURCE)
    assert package["remote_id"] == VELOS
    assert package["notes_translated"]["fr"].startswith('<DIV STYLE="text-align:Left;">')
    assert package["date_published"] == "2022-07-29"
    assert package["date_modified"] == "2022-07-29"
    assert json.loads(package["spatial"]) == {
        "type": "Polygon",
        "coordinates": [[[6.5735, 46.3912], [6.6069, 46.3912], [6.6069, 46.4028], [6.5735, 46.4028], [6.5735, 46.3912]]],
    }
    assert [(r["name_translated"]["fr"], r["format"], r["mimetype"]) for r in package["resources"]] == [
        ("ArcGIS Hub Dataset", "Web Page", "text/html"),
        ("ArcGIS GeoService", "ArcGIS GeoServices REST API", "application/json"),
        ("CSV", "CSV", "text/csv"),
        ("GeoJSON", "GeoJSON", "application/vnd.geo+json"),
        ("Shapefile", "ZIP", "application/zip"),
        ("KML", "KML", "application/vnd.google-earth.kml+xml"),
    ]
    assert package["resources"][2]["url"] == (
        f"{HUB}/api/download/v1/items/f6565516d1354383b25793e630cf3f2b/csv?layers=5"
    )
    assert all(r["language"] == ["fr"] for r in package["resources"])
    assert dcat_us.remote_modified(EVIAN["dataset"][0]) == "2022-07-29T11:29:07.556Z"


def test_every_arm_record_maps():
    packages = [dcat_us.to_package(record, ARM_SOURCE) for record in ARM["dataset"]]
    assert len(packages) == 997
    assert len({p["remote_id"] for p in packages}) == 997
    for package, record in zip(packages, ARM["dataset"]):
        assert package["title_translated"] == {"en": record["title"], "fr": ""}
        assert package["keywords"]["fr"] == []
        assert package["contact_email"] == "adc@arm.gov"  # from "mailto:adc@arm.gov"
        assert package["date_modified"] == "2019-06-27"
        assert package["date_published"] == ""  # ARM gives no "issued"
        assert package["license_id"] == "CC0-1.0"  # "unknown-license" → the source default
        assert package["jurisdiction_level"] == "federal"
        assert package["source_url"] == ""  # no landing page, identifier is not a URL
        assert [r["format"] for r in package["resources"]] == [d["format"] for d in record["distribution"]]


def test_arm_first_record_field_by_field():
    record = ARM["dataset"][0]
    package = dcat_us.to_package(record, ARM_SOURCE)
    assert package["remote_id"] == "ncepgfsbrwpprof"
    assert package["title_translated"]["en"] == (
        "NCEP GFS: vertical profiles of met quantities at standard pressures, at Barrow"
    )
    assert package["keywords"]["en"][:4] == ["ARM", "ORNL", "ADC", "ARM Data Center"]
    (resource,) = package["resources"]
    assert resource["url"] == "http://www.archive.arm.gov/discovery/#v/results/s/s::ncepgfsbrwpprof"
    assert resource["format"] == "cdf"
    assert resource["name_translated"]["en"] == f"{record['title']} (cdf)"
    assert dcat_us.remote_modified(record) == "2019-06-27T12:41:27"


def test_dates_frequency_temporal_licence_language_of_a_record():
    record = {
        **EVIAN["dataset"][0],
        "language": ["en-US"],
        "accrualPeriodicity": "R/P1M",
        "temporal": "2020-01-01T00:00:00Z/2021-06-30",
        "license": "https://creativecommons.org/licenses/by/4.0/",
        "spatial": "Évian-les-Bains",
        "contactPoint": {"fn": "SIG", "hasEmail": "mailto:sig@ville-evian.fr"},
    }
    package = dcat_us.to_package(record, HUB_SOURCE)
    assert package["title_translated"] == {"en": "stationnement velos", "fr": ""}
    assert package["frequency"] == "P1M"
    assert (package["temporal_start"], package["temporal_end"]) == ("2020-01-01", "2021-06-30")
    assert package["license_id"] == "CC-BY-4.0"
    assert package["spatial_coverage"] == {"en": "Évian-les-Bains", "fr": ""}
    assert package["contact_email"] == "sig@ville-evian.fr"
    assert dcat_us.to_package({**record, "accrualPeriodicity": "irregular"}, HUB_SOURCE)["frequency"] == "irregular"
    untagged = {key: value for key, value in record.items() if key != "keyword"}
    assert dcat_us.to_package(untagged, HUB_SOURCE)["keywords"] == {"en": ["geospatial"], "fr": []}


def test_whole_feed_served_yields_every_record():
    with portal(serve(EVIAN_BYTES)) as server:
        found = [dcat_us.remote_id(r) for r in dcat_us.iter_records(fetch_json, source_for(server.url, FEED))]
    assert found == [record["identifier"] for record in EVIAN["dataset"]]
    assert len(server.requests) == 1


def test_organization_filters_and_non_public_records():
    records = [dict(r) for r in EVIAN["dataset"]]
    records[1]["accessLevel"] = "non-public"
    with portal(serve({**EVIAN, "dataset": records})) as server:
        source = source_for(server.url, FEED, organization_filters=["Ville d'Evian-les-Bains"])
        found = [dcat_us.remote_id(r) for r in dcat_us.iter_records(fetch_json, source)]
    assert found == [records[0]["identifier"], records[3]["identifier"]]


def test_arm_publisher_hierarchy_matches_a_parent_organization():
    with portal(lambda path, query: (200, ARM)) as server:
        source = source_for(server.url, FEED, organization_filters=["DOE Office of Science user facilities"])
        assert sum(1 for _record in dcat_us.iter_records(fetch_json, source)) == 997


def test_truncated_document_raises():
    with portal(serve(EVIAN_BYTES[: len(EVIAN_BYTES) // 2])) as server:
        with pytest.raises(ValueError):
            list(dcat_us.iter_records(fetch_json, source_for(server.url, FEED)))


def test_missing_dataset_list_raises():
    with portal(serve({key: value for key, value in EVIAN.items() if key != "dataset"})) as server:
        with pytest.raises(ValueError, match="no dataset list"):
            list(dcat_us.iter_records(fetch_json, source_for(server.url, FEED)))


def test_record_without_identifier_raises():
    broken = dict(EVIAN["dataset"][2])
    del broken["identifier"]
    with portal(serve({**EVIAN, "dataset": [EVIAN["dataset"][0], broken]})) as server:
        with pytest.raises(ValueError, match="#1 has no identifier"):
            list(dcat_us.iter_records(fetch_json, source_for(server.url, FEED)))


def test_empty_catalogue_yields_nothing():
    with portal(serve({**EVIAN, "dataset": []})) as server:
        assert list(dcat_us.iter_records(fetch_json, source_for(server.url, FEED))) == []


def test_http_500_raises_fetch_error():
    with portal(lambda path, query: (500, b"Internal Server Error")) as server:
        with pytest.raises(FetchError) as error:
            list(dcat_us.iter_records(fetch_json, source_for(server.url, FEED)))
    assert error.value.status == 500
