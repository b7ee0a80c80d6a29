"""Socrata platform module on a real Discovery API answer (10 results: data.calgary.ca,
data.ny.gov, data.pa.gov, Pierce County). Multi-page catalogues are that answer's results split
into pages, with resultSetSize set to the number of results served."""
import pytest

from ckanext.pancanadian.federation.platforms import socrata
from ckanext.pancanadian.lib.safe_http import FetchError

from .platform_pages import fetch_json, load_fixture, portal, source_for

API = "/api/catalog/v1"
ANSWER = load_fixture("socrata/socrata-discovery-catalog-v1-categories.json")
RESULTS = ANSWER["results"]
BY_ID = {result["resource"]["id"]: result for result in RESULTS}
CALGARY = source_for(
    "https://api.us.socrata.com", API + "?domains=data.calgary.ca",
    portal="calgary", province_territory=["AB"], default_licence="other-closed",
)


def offset_pages(results, page_size, total=None):
    def answer(path, query):
        assert path == API and query["domains"] == "data.calgary.ca" and query["only"] == "dataset"
        offset = int(query["offset"])
        return 200, {"results": results[offset:offset + page_size],
                     "resultSetSize": len(results) if total is None else total, "timings": {}, "warnings": []}
    return answer


def local(base):
    return source_for(base, API + "?domains=data.calgary.ca")


def test_every_real_result_maps():
    packages = {rid: socrata.to_package(result, CALGARY) for rid, result in BY_ID.items()}
    assert len(packages) == 10
    for rid, package in packages.items():
        result = BY_ID[rid]
        assert package["title_translated"] == {"en": result["resource"]["name"], "fr": ""}
        assert package["notes_translated"] == {"en": result["resource"]["description"], "fr": ""}
        assert package["keywords"]["fr"] == []
        assert package["data_language"] == ["en"]
        assert package["remote_id"] == rid
        assert package["source_url"] == result["permalink"]
        assert package["source_portal"] == "calgary"
        assert package["access_level"] == "open"
        # No result carries a licence we know (Calgary's terms, US public domain): source default.
        assert package["license_id"] == "other-closed"
        assert package["resources"][0]["format"] == "CSV"
        assert package["resources"][1]["format"] == "JSON"
        assert "name" not in package and "owner_org" not in package


def test_calgary_senior_management_expenses_field_by_field():
    package = socrata.to_package(BY_ID["y3tg-gbwj"], CALGARY)
    assert package["title_translated"] == {"en": "Senior management expenses", "fr": ""}
    assert package["notes_translated"]["en"].startswith("As part of The City of Calgary's commitment")
    assert package["keywords"] == {"en": ["management", "expenses", "expense", "senior", "disclosure"], "fr": []}
    assert package["subject"] == ["government_politics"]  # domain category "Government"
    assert package["frequency"] == "P6M"  # "Time/Date_Update-Frequency": "Semiannual"
    assert package["date_published"] == "2020-10-14"
    assert package["date_modified"] == "2025-06-17"
    assert package["temporal_start"] == "" and package["temporal_end"] == ""
    assert package["contact_email"] == ""
    assert package["jurisdiction_level"] == "municipal"
    assert package["province_territory"] == ["AB"]
    assert package["resources"] == [
        {
            "url": "https://data.calgary.ca/api/views/y3tg-gbwj/rows.csv?accessType=DOWNLOAD",
            "name_translated": {"en": "Senior management expenses (CSV)", "fr": ""},
            "description_translated": {"en": "", "fr": ""},
            "format": "CSV",
            "mimetype": "text/csv",
            "language": ["en"],
        },
        {
            "url": "https://data.calgary.ca/resource/y3tg-gbwj.json",
            "name_translated": {"en": "Senior management expenses (JSON)", "fr": ""},
            "description_translated": {"en": "", "fr": ""},
            "format": "JSON",
            "mimetype": "application/json",
            "language": ["en"],
        },
    ]
    assert socrata.remote_id(BY_ID["y3tg-gbwj"]) == "y3tg-gbwj"
    assert socrata.remote_modified(BY_ID["y3tg-gbwj"]) == "2025-06-17T18:22:33.000Z"


def test_calgary_survey_keeps_its_html_and_has_no_clear_subject():
    package = socrata.to_package(BY_ID["btc8-9kef"], CALGARY)
    assert '<a href="https://calgary.ca/citizensatisfaction">' in package["notes_translated"]["en"]
    assert package["subject"] == []  # "Help and Information" names none of ours
    assert package["frequency"] == ""  # "None"
    assert package["date_published"] == "2021-06-10"
    assert package["date_modified"] == "2022-05-31"


def test_contacts_frequencies_and_coverage_from_domain_metadata():
    wim = socrata.to_package(BY_ID["7y2e-49j8"], CALGARY)
    assert wim["contact_email"] == "opendata@its.ny.gov"
    assert wim["frequency"] == "not_planned"  # "Static - Not Updated"
    assert wim["subject"] == ["transport"]
    assert wim["spatial_coverage"] == {"en": "Statewide", "fr": ""}
    denials = socrata.to_package(BY_ID["tyyj-jgv5"], CALGARY)
    assert denials["contact_email"] == "britany.orlebeke@otda.ny.gov"
    assert denials["frequency"] == "P3M"
    pierce = socrata.to_package(BY_ID["ic6v-dypw"], CALGARY)
    assert pierce["subject"] == ["economy_industry"]  # "Business"
    assert pierce["keywords"] == {"en": ["Business"], "fr": []}  # no tags: its domain category
    assert socrata.to_package(BY_ID["s782-mpqp"], CALGARY)["frequency"] == "as_needed"  # "Ad Hoc"


def test_a_declared_french_record_fills_french_only():
    result = dict(BY_ID["y3tg-gbwj"])
    classification = dict(result["classification"])
    classification["domain_metadata"] = classification["domain_metadata"] + [
        {"key": "Dataset-Information_Language", "value": "Français"}
    ]
    result["classification"] = classification
    package = socrata.to_package(result, CALGARY)
    assert package["title_translated"] == {"en": "", "fr": "Senior management expenses"}
    assert package["keywords"]["en"] == []
    assert package["data_language"] == ["fr"]


def test_offset_pages_yield_every_result(monkeypatch):
    monkeypatch.setattr(socrata, "PAGE_SIZE", 3)
    with portal(offset_pages(RESULTS, 3)) as server:
        found = [socrata.remote_id(r) for r in socrata.iter_records(fetch_json, local(server.url))]
    assert found == [r["resource"]["id"] for r in RESULTS]
    assert [q["offset"] for _p, q in server.requests] == ["0", "3", "6", "9"]
    assert {q["limit"] for _p, q in server.requests} == {"3"}


def test_organization_filters_match_attribution_and_custom_publisher(monkeypatch):
    monkeypatch.setattr(socrata, "PAGE_SIZE", 5)
    with portal(offset_pages(RESULTS, 5)) as server:
        source = local(server.url)
        source["organization_filters"] = ["The City of Calgary", "Department of Human Services (DHS)"]
        found = [socrata.remote_id(r) for r in socrata.iter_records(fetch_json, source)]
    assert found == ["s782-mpqp", "y3tg-gbwj", "btc8-9kef"]


def test_large_catalogue_is_scrolled_by_id(monkeypatch):
    monkeypatch.setattr(socrata, "PAGE_SIZE", 4)
    monkeypatch.setattr(socrata, "OFFSET_CEILING", 5)
    ordered = sorted(RESULTS, key=lambda r: r["resource"]["id"])

    def answer(path, query):
        if "scroll_id" not in query:
            return 200, {"results": RESULTS[:4], "resultSetSize": 10}
        after = [r for r in ordered if r["resource"]["id"] > query["scroll_id"]]
        return 200, {"results": after[:4], "resultSetSize": 10}

    with portal(answer) as server:
        found = [socrata.remote_id(r) for r in socrata.iter_records(fetch_json, local(server.url))]
    assert found == [r["resource"]["id"] for r in ordered]
    assert [q.get("scroll_id") for _p, q in server.requests] == [
        None, "", ordered[3]["resource"]["id"], ordered[7]["resource"]["id"]
    ]


def test_truncated_offset_page_raises(monkeypatch):
    monkeypatch.setattr(socrata, "PAGE_SIZE", 3)
    with portal(offset_pages(RESULTS[:5], 3, total=10)) as server:
        with pytest.raises(ValueError, match="truncated"):
            list(socrata.iter_records(fetch_json, local(server.url)))


def test_truncated_scroll_raises(monkeypatch):
    monkeypatch.setattr(socrata, "OFFSET_CEILING", 5)
    with portal(lambda path, query: (200, {"results": RESULTS[:2], "resultSetSize": 10})) as server:
        with pytest.raises(ValueError, match="truncated"):
            list(socrata.iter_records(fetch_json, local(server.url)))


def test_missing_results_raises():
    with portal(lambda path, query: (200, {"resultSetSize": 3, "timings": {}})) as server:
        with pytest.raises(ValueError, match="no results"):
            list(socrata.iter_records(fetch_json, local(server.url)))


def test_malformed_json_raises():
    with portal(lambda path, query: (200, b'{"results": [{"resource": {"name": "Senior')) as server:
        with pytest.raises(ValueError):
            list(socrata.iter_records(fetch_json, local(server.url)))


def test_empty_catalogue_yields_nothing():
    with portal(offset_pages([], 100)) as server:
        assert list(socrata.iter_records(fetch_json, local(server.url))) == []


def test_http_500_raises_fetch_error():
    with portal(lambda path, query: (500, {"error": "internal"})) as server:
        with pytest.raises(FetchError) as error:
            list(socrata.iter_records(fetch_json, local(server.url)))
    assert error.value.status == 500


def test_a_source_without_domain_is_refused():
    with pytest.raises(ValueError, match="names no domain"):
        list(socrata.iter_records(fetch_json, source_for("https://api.us.socrata.com", API)))
