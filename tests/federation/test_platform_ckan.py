"""The CKAN platform module and the shared mapping on real recorded payloads (no services)."""
import pytest

from ckanext.pancanadian.federation import mapping, platforms, replay
from ckanext.pancanadian.federation.platforms import ckan
from tests.federation import payloads

OPENCANADA = {"url": "https://open.canada.ca/data", "portal": "opencanada", "platform": "ckan",
              "title": {"en": "Open Government Portal", "fr": "Portail du gouvernement ouvert"},
              "jurisdiction_level": "federal", "province_territory": [], "default_licence": "OGL-Canada-2.0",
              "language": "bilingual", "organization_filters": []}
TORONTO = dict(OPENCANADA, url="https://ckan0.cf.opendata.inter.prod-toronto.ca", portal="toronto",
               jurisdiction_level="municipal", province_territory=["ON"], default_licence="OGL-ON-1.0",
               language="en")
KNOWN = {"OGL-Canada-2.0", "OGL-ON-1.0", "CC-BY-4.0"}


def pager(records):
    calls = []

    def fetch_json(url, params=None):
        calls.append((url, dict(params or {})))
        return replay.ckan_search_page(records, params or {})

    return fetch_json, calls


def test_load_finds_the_module_and_refuses_other_names():
    assert platforms.load("ckan") is ckan
    with pytest.raises(ValueError):
        platforms.load("../ckan")
    with pytest.raises(ModuleNotFoundError):
        platforms.load("gopher")


def test_iter_records_pages_with_keyset_and_yields_every_record_once():
    records = payloads.opencanada_records()
    fetch_json, calls = pager(records)
    seen = [ckan.remote_id(record) for record in ckan.iter_records(fetch_json, OPENCANADA)]
    assert sorted(seen) == sorted(record["id"] for record in records)
    assert len(calls) == 2  # 127 records, 100 a page
    assert calls[0][0] == "https://open.canada.ca/data/api/3/action/package_search"
    assert "fq" not in calls[0][1]
    assert calls[1][1]["fq"] == 'id:{"%s" TO *]' % seen[99]


def test_iter_records_is_lazy():
    fetch_json, calls = pager(payloads.opencanada_records())
    first = next(ckan.iter_records(fetch_json, OPENCANADA))
    assert first["id"] and len(calls) == 1


def test_organization_filters_go_into_the_query():
    fetch_json, calls = pager(payloads.opencanada_records())
    source = dict(OPENCANADA, organization_filters=["csa-asc"])
    assert len(list(ckan.iter_records(fetch_json, source))) == 127
    assert calls[0][1]["fq"] == 'organization:("csa-asc")'
    fetch_json, calls = pager(payloads.opencanada_records())
    assert list(ckan.iter_records(fetch_json, dict(OPENCANADA, organization_filters=["tbs-sct"]))) == []


def test_empty_catalogue_yields_nothing():
    fetch_json, _calls = pager([])
    assert list(ckan.iter_records(fetch_json, OPENCANADA)) == []


@pytest.mark.parametrize("payload", [
    {"success": False, "error": {"message": "boom"}},
    {"success": True, "result": {"results": []}},
    {"success": True, "result": {"count": 5, "results": [{"id": "a"}]}},  # truncated
    {"success": True, "result": {"count": 1, "results": [{"title": "no id"}]}},
    ["not", "an", "object"],
])
def test_malformed_or_truncated_page_raises(payload):
    with pytest.raises(ValueError):
        list(ckan.iter_records(lambda url, params=None: payload, OPENCANADA))


def test_opencanada_record_keeps_both_languages():
    record = next(r for r in payloads.opencanada_records() if r["id"] == "fffcb623-7af9-4b3f-87d3-42852bca293c")
    raw = ckan.to_package(record, OPENCANADA)
    assert raw["title_translated"] == record["title_translated"]
    assert raw["keywords"]["fr"][0] == "Agence spatiale canadienne"
    assert raw["subject"] == ["economics_and_industry", "government_and_politics"]
    assert raw["source_url"] == "https://open.canada.ca/data/dataset/fffcb623-7af9-4b3f-87d3-42852bca293c"
    assert raw["remote_id"] == ckan.remote_id(record) == record["id"]
    assert ckan.remote_modified(record) == "2022-12-15T18:57:12.547391"
    assert raw["resources"][0]["name_translated"]["fr"] == "Rapport sur les résultats ministériels 2021–2022"

    package = mapping.finalize(raw, OPENCANADA, owner_org="org-id", known_licences=KNOWN)
    assert package["name"] == "opencanada-fffcb623-7af9-4b3f-87d3-42852bca293c"
    assert package["license_id"] == "OGL-Canada-2.0"  # ca-ogl-lgo
    assert package["subject"] == ["economy_industry", "government_politics"]
    assert package["frequency"] == "as_needed"
    assert package["date_published"] == "2022-12-02"
    assert package["date_modified"] == "2022-12-15"
    assert package["contact_email"] == "open-ouvert@tbs-sct.gc.ca"
    assert package["data_language"] == ["en", "fr"]
    assert {r["format"] for r in package["resources"]} <= {"HTML", "PDF", "CSV", "other", "TXT", "XLSX", "KML"}


def test_every_opencanada_record_maps():
    for record in payloads.opencanada_records():
        package = mapping.finalize(ckan.to_package(record, OPENCANADA), OPENCANADA, owner_org="o",
                                   known_licences=KNOWN)
        assert package["title_translated"]["en"] and package["title_translated"]["fr"]
        assert package["subject"], record["subject"]
        formats = {r["format"] for r in package["resources"]}
        assert formats <= set(mapping._table("pc_resource_format"))


def test_monolingual_toronto_record_fills_english_only():
    record = payloads.toronto_record()
    package = mapping.finalize(ckan.to_package(record, TORONTO), TORONTO, owner_org="o", known_licences=KNOWN)
    assert package["title_translated"] == {"en": "Street Furniture - Transit Shelter", "fr": ""}
    assert package["notes_translated"]["fr"] == ""
    assert "bus shelter" in package["keywords"]["en"] and package["keywords"]["fr"] == []
    assert package["license_id"] == "OGL-ON-1.0"  # other-open: the source's default
    assert package["frequency"] == "P6M"  # Semi-annually
    assert package["subject"] == ["government_politics", "arts_culture", "science_technology", "transport"]
    assert package["contact_email"] == "opendata@toronto.ca"
    assert package["province_territory"] == ["ON"] and package["jurisdiction_level"] == "municipal"
    assert package["resources"][0]["format"] == "GeoJSON"
    assert package["resources"][0]["name_translated"] == {"en": "Transit shelter data", "fr": ""}
    assert package["data_language"] == ["en"]


def test_toronto_search_answer_pages():
    answer = {"success": True, "result": payloads.toronto_search()}
    records = list(ckan.iter_records(lambda url, params=None: answer, TORONTO))
    assert [r["name"] for r in records] == [r["name"] for r in payloads.toronto_search()["results"]]


def test_envidat_maintainer_json_and_cc_by():
    answer = payloads.envidat_search()
    # The recorded page holds 2 of 858 results: a portal answering rows=100 with it is truncated.
    with pytest.raises(ValueError, match="truncated"):
        list(ckan.iter_records(lambda url, params=None: answer, TORONTO))
    record = answer["result"]["results"][0]
    package = mapping.finalize(ckan.to_package(record, TORONTO), TORONTO, owner_org="o", known_licences=KNOWN)
    assert package["contact_email"] == "elizaveta.sharaborova@epfl.ch"
    assert package["license_id"] == "CC-BY-4.0"


def test_french_source_fills_french_only():
    source = dict(TORONTO, language="fr", portal="montreal")
    record = dict(payloads.toronto_record(), title="Abribus", notes="Emplacements des abribus.")
    package = mapping.finalize(ckan.to_package(record, source), source, owner_org="o", known_licences=KNOWN)
    assert package["title_translated"] == {"en": "", "fr": "Abribus"}
    assert package["keywords"]["en"] == [] and package["keywords"]["fr"]
    assert package["data_language"] == ["fr"]


@pytest.mark.parametrize("raw, expected", [
    ("<script>alert(1)</script>Water <b>quality</b>", "Water quality"),
    ("&lt;img src=x onerror=alert(1)&gt;Lakes", "Lakes"),
    ("See [the map](javascript:alert(1)) now", "See [the map]() now"),
    ("<p>One</p><p>Two</p>", "One\n\nTwo"),
    ("Fish &amp; chips", "Fish & chips"),
    ("<iframe src='https://evil.example'></iframe>", ""),
    (None, ""),
])
def test_safe_text(raw, expected):
    assert mapping.safe_text(raw) == expected


def test_unsafe_resource_url_is_a_mapping_error():
    raw = ckan.to_package(dict(payloads.toronto_record(), resources=[{"url": "javascript:alert(1)", "name": "x"}]),
                          TORONTO)
    with pytest.raises(mapping.MappingError) as refused:
        mapping.finalize(raw, TORONTO, owner_org="o", known_licences=KNOWN)
    assert "resources.0.url" in refused.value.errors


def test_package_name_is_deterministic_and_valid():
    assert mapping.package_name("toronto", "1db34737-ffad") == "toronto-1db34737-ffad"
    odd = mapping.package_name("toronto", "Some ID/with spaces" * 10)
    assert odd == mapping.package_name("toronto", "Some ID/with spaces" * 10)
    assert len(odd) <= 100 and odd.startswith("toronto-some-id-with-spaces")
    assert mapping.package_name("toronto", "A") != mapping.package_name("toronto", "a")


def test_content_hash_changes_with_record_and_source():
    record = payloads.toronto_record()
    toronto = mapping.source_fingerprint(TORONTO)
    first = mapping.content_hash(record, toronto)
    assert first == mapping.content_hash(dict(record), mapping.source_fingerprint(dict(TORONTO)))
    assert first != mapping.content_hash(dict(record, title="New"), toronto)
    assert first != mapping.content_hash(record, mapping.source_fingerprint(dict(TORONTO, default_licence="CC-BY-4.0")))


def test_replay_search_pages_by_offset_and_filters_by_modification_date():
    records = payloads.opencanada_records()
    by_id = sorted(records, key=lambda record: record["id"])
    page = replay.ckan_search_page(records, {"rows": "100", "start": "100"})["result"]
    assert page["count"] == 127 and [r["id"] for r in page["results"]] == [r["id"] for r in by_id[100:]]
    since = max(record["metadata_modified"] for record in records)
    newest = replay.ckan_search_page(records, {"fq": f"metadata_modified:[{since}Z TO *]"})["result"]
    assert [r["metadata_modified"] for r in newest["results"]] == [since] * newest["count"]
