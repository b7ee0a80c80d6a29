"""The portal registry: the shipped schemas/federation/portals.yaml, and the errors a broken
registry gives."""
import pytest
import yaml

from ckanext.pancanadian.federation import registry

EXPECTED_PLATFORMS = {
    "open-canada": "ckan", "british-columbia": "ckan", "alberta": "ckan", "ontario": "ckan",
    "donnees-quebec": "ckan", "yukon": "ckan", "northwest-territories": "ckan", "toronto": "ckan",
    "montreal": "ckan", "saskatchewan": "dcat_us", "manitoba": "dcat_us", "ottawa": "dcat_us",
    "halifax": "dcat_us", "nova-scotia": "socrata", "new-brunswick": "socrata", "calgary": "socrata",
    "edmonton": "socrata", "winnipeg": "socrata", "vancouver": "ods",
}
GOOD = {
    "name": "vancouver",
    "title": {"en": "City of Vancouver Open Data", "fr": "Données ouvertes de la Ville de Vancouver"},
    "url": "https://opendata.vancouver.ca/api/explore/v2.1/catalog/datasets",
    "platform": "ods",
    "jurisdiction_level": "municipal",
    "province_territory": ["BC"],
    "language": "en",
}


def write(tmp_path, *entries):
    path = tmp_path / "portals.yaml"
    path.write_text(yaml.safe_dump({"portals": list(entries)}, allow_unicode=True), encoding="utf-8")
    return str(path)


def problems_of(tmp_path, *entries):
    with pytest.raises(registry.RegistryError) as error:
        registry.load_portals(write(tmp_path, *entries))
    return error.value.problems


def test_shipped_registry_covers_the_canadian_portals():
    portals = registry.load_portals()
    by_name = {portal["name"]: portal for portal in portals}
    assert {name: by_name[name]["platform"] for name in EXPECTED_PLATFORMS} == EXPECTED_PLATFORMS
    assert len(by_name) == len(portals)
    for portal in portals:
        assert set(portal) == set(registry.FIELDS)
        assert portal["title"]["en"] and portal["title"]["fr"]
    assert by_name["open-canada"] == {
        "name": "open-canada",
        "title": {"en": "Open Government Portal", "fr": "Portail du gouvernement ouvert"},
        "url": "https://open.canada.ca/data",
        "platform": "ckan",
        "jurisdiction_level": "federal",
        "province_territory": [],
        "language": "bilingual",
    }
    assert by_name["donnees-quebec"]["language"] == "fr"
    assert by_name["montreal"]["province_territory"] == ["QC"]
    assert by_name["yukon"]["jurisdiction_level"] == "territorial"
    assert by_name["toronto"]["province_territory"] == ["ON"]
    assert by_name["calgary"]["url"] == "https://api.us.socrata.com/api/catalog/v1?domains=data.calgary.ca"
    assert by_name["halifax"]["url"].endswith("/api/feed/dcat-us/1.1.json")
    assert by_name["vancouver"] == GOOD


def test_a_good_entry_loads(tmp_path):
    assert registry.load_portals(write(tmp_path, GOOD)) == [GOOD]


def test_unknown_platform_names_the_entry(tmp_path):
    assert problems_of(tmp_path, {**GOOD, "platform": "arcgis"}) == [
        "portal 'vancouver': unknown platform 'arcgis' (one of ckan, dcat_us, socrata, ods, dcat_ap)"
    ]


def test_bad_province_code_names_the_entry(tmp_path):
    (problem,) = problems_of(tmp_path, {**GOOD, "province_territory": ["BC", "QU"]})
    assert problem.startswith("portal 'vancouver': unknown province/territory code 'QU' (one of AB, BC, MB,")


def test_missing_title_language_names_the_entry(tmp_path):
    assert problems_of(tmp_path, {**GOOD, "title": {"en": "City of Vancouver Open Data"}}) == [
        "portal 'vancouver': title has no 'fr' text"
    ]
    assert problems_of(tmp_path, {**GOOD, "title": "City of Vancouver Open Data"}) == [
        "portal 'vancouver': title must give the name in en and fr"
    ]


def test_duplicate_name_names_the_entry(tmp_path):
    assert problems_of(tmp_path, GOOD, {**GOOD, "url": "https://example.ca/catalog"}) == [
        "portal 'vancouver': duplicate name (entry #2)"
    ]


def test_every_problem_is_reported_at_once(tmp_path):
    problems = problems_of(
        tmp_path,
        {**GOOD, "name": "Vancouver City", "language": "es", "jurisdiction_level": "city"},
        {key: value for key, value in GOOD.items() if key not in ("url", "name")},
        {**GOOD, "name": "calgary", "platform": "socrata", "url": "https://api.us.socrata.com/api/catalog/v1"},
        {**GOOD, "name": "ftp", "url": "ftp://example.ca/", "homepage": "https://example.ca"},
    )
    assert problems == [
        "portal 'Vancouver City': name must be lower-case letters, digits and hyphens",
        "portal 'Vancouver City': unknown jurisdiction_level 'city' (one of federal, provincial, territorial, "
        "municipal, indigenous, other)",
        "portal 'Vancouver City': unknown language 'es' (one of en, fr, bilingual)",
        "entry #2: missing name, url",
        "portal 'calgary': a Socrata url must name the portal's domain (?domains=...)",
        "portal 'ftp': unknown field(s) homepage",
        "portal 'ftp': url 'ftp://example.ca/' is not an http(s) URL",
    ]


def test_a_file_without_portals_list_is_refused(tmp_path):
    path = tmp_path / "portals.yaml"
    path.write_text("vancouver: {}\n", encoding="utf-8")
    with pytest.raises(registry.RegistryError, match="no 'portals' list"):
        registry.load_portals(str(path))


@pytest.mark.parametrize("url, expected", [
    ("https://www.donneesquebec.ca/recherche/dataset/abc", "donnees-quebec"),
    ("https://donneesquebec.ca/recherche/dataset/abc", "donnees-quebec"),
    ("https://data.calgary.ca/d/y3tg-gbwj", "calgary"),  # Socrata: the domain, not api.us.socrata.com
    ("https://opendata.vancouver.ca/explore/dataset/public-trees/", "vancouver"),
    ("https://api.us.socrata.com/api/catalog/v1", None),
    ("https://demo.ckan.org/dataset/x", None),
    ("not a url", None),
])
def test_portal_for_url(url, expected):
    portal = registry.portal_for_url(url)
    assert (portal["name"] if portal else None) == expected
