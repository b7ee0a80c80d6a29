"""The parse side of the ``pancanadian`` DCAT profile (what ckanext-dcat's ``dcat_rdf_harvester``
runs with ``euro_dcat_ap_3 pancanadian``) on real DCAT-AP documents: a ckanext-dcat catalogue
page of demo.ckan.org (100 datasets), an opendata-hro.de DCAT-AP.de record (German) and a
datos.gob.es record (Spanish), and on the portal's own output read back."""
import pathlib

import pytest
import yaml
from rdflib import URIRef
from rdflib.namespace import DCTERMS

from ckan.tests import helpers
from ckanext.dcat.processors import RDFParser

from ckanext.pancanadian.federation import registry

from .test_dcat import PLUGINS, PRESETS, PROFILES, SITE

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", PLUGINS),
    pytest.mark.ckan_config("scheming.presets", PRESETS),
    pytest.mark.ckan_config("scheming.dataset_schemas", "ckanext.pancanadian.schemas:dataset.yaml"),
    pytest.mark.ckan_config("ckanext.dcat.rdf.profiles", PROFILES),
    pytest.mark.usefixtures("with_plugins"),
]

DCAT_FIXTURES = pathlib.Path(__file__).resolve().parent.parent / "fixtures" / "federation" / "dcat"
HRO = "https://www.opendata-hro.de/dataset/c1be4007-d811-48fb-8818-2cb358b06a63"
MADRID = "https://datos.madrid.es/egob/catalogo/300676-0-deporte-encuesta-escuelas"


def parser_for(name, rdflib_format):
    parser = RDFParser(profiles=PROFILES.split())
    parser.parse((DCAT_FIXTURES / name).read_bytes(), _format=rdflib_format)
    return parser


def parse_fixture(name, rdflib_format):
    return list(parser_for(name, rdflib_format).datasets())


@pytest.fixture
def listed(monkeypatch, tmp_path):
    """Put portals in the registry for one test: ``listed(entry, ...)``, each entry a registry
    entry, checked by the real loader."""
    def put(*entries):
        path = tmp_path / "portals.yaml"
        path.write_text(yaml.safe_dump({"portals": list(entries)}, allow_unicode=True), encoding="utf-8")
        portals = registry.load_portals(str(path))
        monkeypatch.setattr(registry, "_shipped_portals", lambda: portals)
    return put


class TestCkanCatalogPage:
    def test_every_dataset_of_the_page_is_read(self):
        datasets = parse_fixture("ckan-demo-catalog-page.rdf", "xml")
        assert len(datasets) == 100
        for parsed in datasets:
            # Untagged literals; the catalogue declares <dct:language>en</dct:language>.
            assert set(parsed["title_translated"]) == {"en"}
            assert parsed["remote_id"] and parsed["source_url"]
            assert "source_portal" not in parsed  # demo.ckan.org is no registry portal
            assert "tags" not in parsed
        by_id = {parsed["remote_id"]: parsed for parsed in datasets}
        edo = by_id["07fd4dac-9201-4c3f-8b4e-d693ce0122bc"]
        assert edo["title_translated"] == {"en": "Edo State Schools"}
        assert edo["keywords"] == {"en": ["Edo", "Schools"]}
        cables = by_id["4ac7ae76-8b96-4707-b099-77c4a8219945"]
        assert cables["title"] == "Cables-sous-marins"
        assert cables["source_url"] == "http://cablemap.info/"
        first = by_id["2c86079d-2c82-47c0-9081-734ca8b466c3"]
        assert first["date_published"] == "2016-11-29"
        (resource,) = first["resources"]
        assert resource["format"] == "ODT"
        assert resource["url"].endswith("/download/agris.odt")
        assert resource["description_translated"] == {"en": "xxxxxxxxxxxxxxxx"}
        # No record carries a licence: left empty for the harvest source's default.
        assert {parsed["license_id"] for parsed in datasets} == {""}

    def test_a_listed_french_portal_gives_its_language_jurisdiction_and_name(self, listed):
        listed({
            "name": "demo-fr", "title": {"en": "Demo", "fr": "Démo"},
            "url": "http://demo.ckan.org/catalog.rdf", "platform": "dcat_ap",
            "jurisdiction_level": "municipal", "province_territory": ["QC"], "language": "fr",
        })
        parser = parser_for("ckan-demo-catalog-page.rdf", "xml")
        # The same page without its catalogue-wide language: untagged text is the portal's.
        parser.g.remove((URIRef("http://demo.ckan.org"), DCTERMS.language, None))
        by_id = {parsed["remote_id"]: parsed for parsed in parser.datasets()}
        assert len(by_id) == 100
        edo = by_id["07fd4dac-9201-4c3f-8b4e-d693ce0122bc"]
        assert edo["title_translated"] == {"fr": "Edo State Schools"}
        assert edo["keywords"] == {"fr": ["Edo", "Schools"]}
        assert edo["source_portal"] == "demo-fr"
        assert edo["jurisdiction_level"] == "municipal"
        assert edo["province_territory"] == ["QC"]


class TestDcatApDe:
    def test_german_record_field_by_field(self):
        (parsed,) = parse_fixture("ckan-opendata-hro-dcat-ap-de-dataset.rdf", "xml")
        # Untagged literals of a record declaring German stay German: never labelled en or fr.
        assert parsed["title_translated"] == {"de": "Liefer- und Abholservices (Gastronomie)"}
        assert parsed["notes_translated"]["de"].startswith("Dieser Datensatz umfasst die Standorte")
        assert set(parsed["notes_translated"]) == {"de"}
        assert parsed["keywords"] == {"de": [
            "gastronomiebetriebe", "handel", "handel-und-verbrauch", "lebensmittel", "nahrung",
            "nahrungsmittelgewerbe", "wirtschaft", "ökonomie",
        ]}
        assert parsed["license_id"] == "CC0-1.0"  # http://dcat-ap.de/def/licenses/cc-zero
        assert parsed["hvd_category"] == "statistics"  # http://data.europa.eu/bna/c_e1da4e07
        assert parsed["subject"] == ["economy_industry"]  # EU data theme ECON
        assert parsed["remote_id"] == "c1be4007-d811-48fb-8818-2cb358b06a63"
        assert parsed["source_url"] == HRO
        assert parsed["date_published"] == "2020-04-21"
        assert parsed["date_modified"] == "2024-05-08"
        assert parsed["contact_email"] == "geodienste@rostock.de"
        assert "data_language" not in parsed  # German is none of the portal's data languages
        assert "jurisdiction_level" not in parsed  # a German city is no Canadian jurisdiction
        assert [(r.get("format"), r["url"].rsplit("/", 1)[-1]) for r in parsed["resources"]] == [
            ("GeoJSON", "lieferservices.json"), ("WMS", "wms"), ("WFS", "wfs"),
            (None, "download"), (None, "view"),
            ("XLSX", "lieferservices.xlsx"), ("CSV", "lieferservices.csv"),
            ("GML", "lieferservices.gml"), ("KML", "lieferservices.kml"),
        ]
        for resource in parsed["resources"]:
            assert resource["name_translated"] == {"de": "Liefer- und Abholservices (Gastronomie)"}
        assert parsed["resources"][3]["description_translated"]["de"].startswith("Diese Daten umfassen")


class TestDatosGobEs:
    def test_spanish_record_keeps_its_language(self):
        (parsed,) = parse_fixture("datos-gob-es-dcat-ap-dataset.ttl", "turtle")
        assert parsed["title_translated"] == {
            "es": "Estudio de Satisfacción con el Programa de Escuelas Municipales de Promoción "
                  "Deportiva en centros escolares"
        }
        assert parsed["keywords"] == {"es": ["deporte escolar", "escuelas", "promoción"]}
        assert parsed["remote_id"] == MADRID
        # No dcat:landingPage: the dataset URI is its page on datos.gob.es.
        assert parsed["source_url"] == (
            "https://datos.gob.es/catalogo/l01280796-estudio-de-satisfaccion-con-el-programa-de-escuelas-"
            "municipales-de-promocion-deportiva-en-centros-escolares"
        )
        assert parsed["date_published"] == "2024-04-15"
        assert parsed["date_modified"] == "2024-04-15"
        assert parsed["license_id"] == ""  # Madrid's "aviso legal" is no licence we know
        assert "subject" not in parsed  # datos.gob.es sector "deporte" names none of ours
        (resource,) = parsed["resources"]
        assert resource["url"] == f"{MADRID}.xlsx"
        assert resource["format"] == "XLS"
        assert resource["name_translated"] == {"es": "Estudio de satisfacción temporada 2023-2024"}


@pytest.mark.usefixtures("clean_db", "clean_index")
class TestOwnOutputReadBack:
    def test_federation_fields_from_our_own_dataset_page(self, app, dataset, listed):
        listed({
            "name": "peer-portal", "title": {"en": "Peer portal", "fr": "Portail pair"},
            "url": f"{SITE}/catalog.ttl", "platform": "dcat_ap",
            "jurisdiction_level": "federal", "province_territory": [], "language": "bilingual",
        })
        shown = helpers.call_action("package_show", id=dataset["id"])
        parser = RDFParser(profiles=PROFILES.split())
        parser.parse(app.get(f"/dataset/{dataset['name']}.ttl").body, _format="turtle")
        (parsed,) = parser.datasets()
        assert parsed["title_translated"] == {"en": "Road events", "fr": "Événements routiers"}
        assert parsed["license_id"] == "OGL-Canada-2.0"
        assert parsed["remote_id"] == shown["id"]  # dct:identifier
        assert parsed["source_url"] == f"{SITE}/dataset/{shown['id']}"  # the dataset URI
        assert parsed["source_portal"] == "peer-portal"
        # The record's own publisher type (provincial) wins over the registry's level.
        assert parsed["jurisdiction_level"] == "provincial"
        assert parsed["province_territory"] == ["ON", "QC"]
