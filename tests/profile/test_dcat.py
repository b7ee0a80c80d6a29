"""DCAT-AP 3 out of (and back into) the pan-Canadian profile, on the real stack: the
``pancanadian`` RDF profile after ckanext-dcat's ``euro_dcat_ap_3``."""
import json

import pytest
import rdflib
from rdflib import Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS, XSD

from ckan.tests import helpers
from ckanext.dcat.processors import RDFParser
from ckanext.dcat.profiles import CNT, DCAT, DCATAP, DCT, FOAF, GEOJSON_IMT, LOCN, VCARD

from .config import ROAD_EVENTS_SPATIAL

PLUGINS = (
    "pancanadian_bilingual pancanadian_profile scheming_datasets scheming_organizations scheming_groups dcat"
)
PRESETS = (
    "ckanext.scheming:presets.json ckanext.pancanadian.schemas:bilingual_presets.yaml "
    "ckanext.pancanadian.schemas:profile_presets.yaml"
)
PROFILES = "euro_dcat_ap_3 pancanadian"
pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", PLUGINS),
    pytest.mark.ckan_config("scheming.presets", PRESETS),
    pytest.mark.ckan_config("scheming.dataset_schemas", "ckanext.pancanadian.schemas:dataset.yaml"),
    pytest.mark.ckan_config("ckanext.dcat.rdf.profiles", PROFILES),
    pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index"),
]

SITE = "http://test.ckan.net"
MOBILITY = URIRef("http://data.europa.eu/bna/c_b79e35eb")
HVD_REGULATION = URIRef("http://data.europa.eu/eli/reg_impl/2023/138/oj")
OGL_CANADA = URIRef("https://open.canada.ca/en/open-government-licence-canada")
ONTARIO = URIRef("https://geogratis.gc.ca/services/geoname/en/codes/province/35")
QUEBEC = URIRef("https://geogratis.gc.ca/services/geoname/en/codes/province/24")
ENG = URIRef("http://publications.europa.eu/resource/authority/language/ENG")
FRA = URIRef("http://publications.europa.eu/resource/authority/language/FRA")


def fetch(app, url, rdflib_format):
    response = app.get(url, status=200)
    graph = rdflib.Graph()
    graph.parse(data=response.body, format=rdflib_format)
    return graph


def literals(graph, subject, predicate):
    return {(str(o), o.language) for o in graph.objects(subject, predicate) if isinstance(o, Literal)}


def check_dataset_graph(g, dataset, standard_id):
    ref = URIRef(f"{SITE}/dataset/{dataset['id']}")
    assert (ref, RDF.type, DCAT.Dataset) in g

    assert literals(g, ref, DCT.title) == {("Road events", "en"), ("Événements routiers", "fr")}
    assert literals(g, ref, DCT.description) == {("Construction and closures.", "en"), ("Travaux et fermetures.", "fr")}
    assert literals(g, ref, DCAT.keyword) == {("roads", "en"), ("traffic", "en"), ("routes", "fr"), ("circulation", "fr")}

    # Licence from the licence register, on the dataset and on every distribution.
    assert set(g.objects(ref, DCT.license)) == {OGL_CANADA}
    assert literals(g, OGL_CANADA, DCT.title) == {
        ("Open Government Licence - Canada", "en"), ("Licence du gouvernement ouvert - Canada", "fr")}

    # Publisher: the organization, named in both languages, typed by the jurisdiction level.
    (publisher,) = g.objects(ref, DCT.publisher)
    assert (publisher, RDF.type, FOAF.Agent) in g
    assert literals(g, publisher, FOAF.name) == {("Ontario Transport", "en"), ("Transports Ontario", "fr")}
    assert set(g.objects(publisher, DCT.type)) == {URIRef("http://purl.org/adms/publishertype/RegionalAuthority")}

    # Spatial: one Location per province (CGNS / SGC URI), one for the named area and geometry.
    places = set(g.objects(ref, DCT.spatial))
    assert {ONTARIO, QUEBEC} <= places
    assert literals(g, QUEBEC, SKOS.prefLabel) == {("Quebec", "en"), ("Québec", "fr")}
    (area,) = places - {ONTARIO, QUEBEC}
    assert (area, RDF.type, DCT.Location) in g
    assert literals(g, area, SKOS.prefLabel) == {("Greater Toronto Area", "en"), ("Région du Grand Toronto", "fr")}
    geojson = [o for o in g.objects(area, LOCN.geometry) if o.datatype == URIRef(GEOJSON_IMT)]
    assert [json.loads(str(o)) for o in geojson] == [ROAD_EVENTS_SPATIAL]

    # High-value dataset.
    assert set(g.objects(ref, DCATAP.hvdCategory)) == {MOBILITY}
    assert set(g.objects(ref, DCATAP.applicableLegislation)) == {HVD_REGULATION}
    assert set(g.objects(ref, DCT.conformsTo)) == {URIRef(f"{SITE}/standards/{standard_id}")}

    # Dates, period, frequency, contact, languages.
    assert set(g.objects(ref, DCT.issued)) == {Literal("2024-05-01", datatype=XSD.date)}
    assert set(g.objects(ref, DCT.modified)) == {Literal("2024-06-15", datatype=XSD.date)}
    (period,) = g.objects(ref, DCT.temporal)
    assert set(g.objects(period, DCAT.startDate)) == {Literal("2020-01-01", datatype=XSD.date)}
    assert set(g.objects(period, DCAT.endDate)) == {Literal("2024-12-31", datatype=XSD.date)}
    assert set(g.objects(ref, DCT.accrualPeriodicity)) == {
        URIRef("http://publications.europa.eu/resource/authority/frequency/DAILY")}
    (contact,) = g.objects(ref, DCAT.contactPoint)
    assert (contact, RDF.type, VCARD.Kind) in g
    assert set(g.objects(contact, VCARD.hasEmail)) == {URIRef("mailto:roads@example.org")}
    assert set(g.objects(ref, DCT.language)) == {ENG, FRA}

    # Distributions: titles per language, machine translation kept with its tag.
    by_url = {}
    for distribution in g.objects(ref, DCAT.distribution):
        by_url[str(next(g.objects(distribution, DCAT.accessURL)))] = distribution
    csv = by_url["http://example.org/road-events.csv"]
    api = by_url["http://example.org/road-events-api"]
    assert literals(g, csv, DCT.title) == {("Events (CSV)", "en"), ("Événements (CSV)", "fr")}
    assert literals(g, csv, DCT.description) == {("One row per event.", "en"), ("Une ligne par événement.", "fr-t-en")}
    assert literals(g, api, DCT.title) == {("Events API", "en"), ("API des événements", "fr")}
    assert set(g.objects(csv, DCT["format"])) == {URIRef("http://publications.europa.eu/resource/authority/file-type/CSV")}
    assert set(g.objects(api, DCT["format"])) == {Literal("API")}
    assert set(g.objects(csv, DCT.language)) == {ENG, FRA}
    assert set(g.objects(csv, DCT.conformsTo)) == {URIRef(f"{SITE}/standards/{standard_id}")}
    assert set(g.objects(csv, CNT.characterEncoding)) == {Literal("UTF-8")}
    assert set(g.objects(csv, DCT.license)) == {OGL_CANADA}


class TestOutput:
    @pytest.mark.parametrize(
        ("extension", "rdflib_format"), [("ttl", "turtle"), ("jsonld", "json-ld"), ("rdf", "xml")]
    )
    def test_dataset_endpoints(self, app, dataset, standard_id, extension, rdflib_format):
        graph = fetch(app, f"/dataset/{dataset['name']}.{extension}", rdflib_format)
        check_dataset_graph(graph, dataset, standard_id)

    @pytest.mark.parametrize(("extension", "rdflib_format"), [("ttl", "turtle"), ("jsonld", "json-ld")])
    def test_catalog_endpoints(self, app, dataset, standard_id, extension, rdflib_format):
        graph = fetch(app, f"/catalog.{extension}", rdflib_format)
        catalog = URIRef(SITE)
        assert (catalog, DCAT.dataset, URIRef(f"{SITE}/dataset/{dataset['id']}")) in graph
        assert set(graph.objects(catalog, DCT.language)) == {ENG, FRA}
        check_dataset_graph(graph, dataset, standard_id)

    def test_plain_record_has_no_hvd_nor_invented_values(self, app, org):
        helpers.call_action(
            "package_create", name="plain", owner_org=org["id"],
            title_translated={"en": "Parks", "fr": "Parcs"}, notes_translated={"en": "Parks.", "fr": "Parcs."},
            keywords={"en": ["parks"], "fr": ["parcs"]}, jurisdiction_level="indigenous", subject=["environment_nature"],
            frequency="P10D", date_published="2024-05-01", license_id="other-closed", contact_email="a@example.org",
        )
        plain = helpers.call_action("package_show", id="plain")
        g = fetch(app, "/dataset/plain.ttl", "turtle")
        ref = URIRef(f"{SITE}/dataset/{plain['id']}")
        assert not set(g.objects(ref, DCATAP.hvdCategory))
        assert not set(g.objects(ref, DCATAP.applicableLegislation))
        assert not set(g.objects(ref, DCT.license))  # other-closed has no licence URL
        assert not set(g.objects(ref, DCT.modified))  # no date_modified: no metadata_modified instead
        assert set(g.objects(ref, DCT.accrualPeriodicity)) == {Literal("P10D", datatype=XSD.duration)}
        (publisher,) = g.objects(ref, DCT.publisher)
        assert not set(g.objects(publisher, DCT.type))  # ADMS has no Indigenous-government type

    def test_exemption_rationale_is_a_bilingual_rights_statement(self, app, org):
        helpers.call_action(
            "package_create", name="restricted", owner_org=org["id"],
            title_translated={"en": "Cases", "fr": "Dossiers"}, notes_translated={"en": "Cases.", "fr": "Dossiers."},
            keywords={"en": ["cases"], "fr": ["dossiers"]}, jurisdiction_level="federal", subject=["justice_law"],
            frequency="P1Y", date_published="2024-05-01", license_id="OGL-Canada-2.0", contact_email="a@example.org",
            access_level="restricted", exemption="legal",
            exemption_rationale={"en": "Before the courts.", "fr": "Devant les tribunaux."},
        )
        restricted = helpers.call_action("package_show", id="restricted")
        g = fetch(app, "/dataset/restricted.ttl", "turtle")
        ref = URIRef(f"{SITE}/dataset/{restricted['id']}")
        (statement,) = g.objects(ref, DCT.accessRights)
        assert (statement, RDF.type, DCT.RightsStatement) in g
        assert literals(g, statement, RDFS.label) == {("Before the courts.", "en"), ("Devant les tribunaux.", "fr")}
        parsed = parse(g.serialize(format="turtle"), "turtle")[0]
        assert parsed["exemption_rationale"] == restricted["exemption_rationale"]
        assert parsed["jurisdiction_level"] == "federal"


def parse(data, rdflib_format):
    parser = RDFParser(profiles=PROFILES.split())
    parser.parse(data, _format=rdflib_format)
    return list(parser.datasets())


class TestRoundTrip:
    def test_turtle_back_to_the_same_fluent_dicts(self, app, dataset, org):
        shown = helpers.call_action("package_show", id=dataset["id"])
        (parsed,) = parse(app.get(f"/dataset/{dataset['name']}.ttl").body, "turtle")

        for key in ("title_translated", "notes_translated", "spatial_coverage"):
            assert parsed[key] == shown[key], key
        # dcat:keyword is a set: the languages come back exactly, each list in alphabetical order.
        assert parsed["keywords"] == {lang: sorted(words) for lang, words in shown["keywords"].items()}
        assert parsed["title"] == "Road events"
        assert "tags" not in parsed
        for key in ("hvd_category", "hvd_standard", "province_territory", "jurisdiction_level", "frequency",
                    "date_published", "date_modified", "temporal_start", "temporal_end", "license_id",
                    "contact_email", "data_language"):
            assert parsed[key] == shown[key], key
        assert json.loads(parsed["spatial"]) == ROAD_EVENTS_SPATIAL

        resources = {r["url"]: r for r in parsed["resources"]}
        for original in shown["resources"]:
            back = resources[original["url"]]
            assert back["name_translated"] == original["name_translated"]
            assert back.get("description_translated") == (original.get("description_translated") or None)
            for key in ("format", "language", "character_set", "data_standard"):
                assert (back.get(key) or None) == (original.get(key) or None), key

        # What the harvester will do with it: the parsed record is a valid record of the profile
        # once given what DCAT does not carry here (the portal's subject list) and an owner.
        assert "subject" not in parsed
        parsed.pop("id", None)
        parsed.update(name="road-events-copy", owner_org=org["id"], subject=shown["subject"])
        parsed["resources"] = [
            {k: v for k, v in r.items() if k not in ("distribution_ref", "uri")} for r in parsed["resources"]
        ]
        copy = helpers.call_action("package_create", **parsed)
        for key in ("title_translated", "notes_translated", "hvd_category", "province_territory", "frequency"):
            assert copy[key] == shown[key], key
        assert copy["keywords"] == parsed["keywords"]
        copied = {r["url"]: r for r in copy["resources"]}
        assert copied["http://example.org/road-events.csv"]["description_translated"] == {
            "en": "One row per event.", "fr-t-en": "Une ligne par événement."}


ENGLISH_ONLY = """<?xml version="1.0" encoding="utf-8"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
         xmlns:dcat="http://www.w3.org/ns/dcat#" xmlns:dct="http://purl.org/dc/terms/"
         xmlns:dcatap="http://data.europa.eu/r5r/">
  <dcat:Dataset rdf:about="https://data.example.ca/dataset/bridges">
    <dct:title xml:lang="en">Bridge inspections</dct:title>
    <dct:description xml:lang="en">Condition of provincial bridges.</dct:description>
    <dcat:keyword xml:lang="en">bridges</dcat:keyword>
    <dcat:keyword xml:lang="en">infrastructure</dcat:keyword>
    <dcatap:hvdCategory rdf:resource="http://data.europa.eu/bna/c_ac64a52d"/>
    <dct:accrualPeriodicity rdf:resource="http://publications.europa.eu/resource/authority/frequency/ANNUAL"/>
    <dct:spatial rdf:resource="https://geogratis.gc.ca/services/geoname/fr/codes/province/59"/>
    <dcat:distribution>
      <dcat:Distribution rdf:about="https://data.example.ca/dataset/bridges/resource/1">
        <dct:title xml:lang="en">Inspections</dct:title>
        <dcat:accessURL rdf:resource="https://data.example.ca/bridges.csv"/>
        <dct:license rdf:resource="https://www2.gov.bc.ca/gov/content/data/policy-standards/open-data/open-government-licence-bc"/>
      </dcat:Distribution>
    </dcat:distribution>
  </dcat:Dataset>
</rdf:RDF>
"""

FRENCH_UNTAGGED = """@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix dct: <http://purl.org/dc/terms/> .
<https://donnees.example.qc.ca/jeu/ponts> a dcat:Dataset ;
    dct:title "Inspections des ponts" ;
    dct:description "État des ponts." ;
    dcat:keyword "ponts" ;
    dct:language <http://publications.europa.eu/resource/authority/language/FRA> .
"""


class TestMonolingualSources:
    def test_english_only_record_fills_english_only(self):
        (parsed,) = parse(ENGLISH_ONLY, "xml")
        assert parsed["title_translated"] == {"en": "Bridge inspections"}
        assert parsed["notes_translated"] == {"en": "Condition of provincial bridges."}
        assert parsed["keywords"] == {"en": ["bridges", "infrastructure"]}
        assert parsed["hvd_category"] == "geospatial"
        assert parsed["frequency"] == "P1Y"
        assert parsed["province_territory"] == ["BC"]
        assert parsed["license_id"] == "OGL-BC-2.0"
        (resource,) = parsed["resources"]
        assert resource["name_translated"] == {"en": "Inspections"}
        assert "description_translated" not in resource

    def test_untagged_literals_take_the_declared_language(self):
        (parsed,) = parse(FRENCH_UNTAGGED, "turtle")
        assert parsed["title_translated"] == {"fr": "Inspections des ponts"}
        assert parsed["notes_translated"] == {"fr": "État des ponts."}
        assert parsed["keywords"] == {"fr": ["ponts"]}
        assert parsed["data_language"] == ["fr"]
        assert parsed["title"] == "Inspections des ponts"
