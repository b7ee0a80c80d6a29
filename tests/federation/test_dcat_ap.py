"""DCAT-AP RDF catalogues through our federation pipeline (``pancanadian_dcat_ap``): the recorded
demo.ckan.org catalogue page (100 datasets, ckanext-dcat's RDF/XML with hydra paging) replayed
as a two-page catalogue, parsed by ckanext-dcat with our profile and harvested on the real
stack: full harvest, unchanged re-harvest, remote delete, the max-delete guard, a broken page."""
import pathlib

import pytest
import rdflib
from rdflib.namespace import DCAT, DCTERMS, RDF

from ckan.tests import helpers

from ckanext.pancanadian.federation import harvester, replay
from ckanext.pancanadian.federation.platforms import dcat_ap
from tests.federation.conftest import HARVEST_CONFIG, harvested, make_source, report, run_job

pytestmark = HARVEST_CONFIG

FIXTURE = pathlib.Path(__file__).resolve().parent.parent / "fixtures" / "federation" / "dcat" / "ckan-demo-catalog-page.rdf"
RECORDED_PAGE = "http://demo.ckan.org/catalog.rdf"
HYDRA = rdflib.Namespace("http://www.w3.org/ns/hydra/core#")
PATH = "/catalog.rdf"


class Catalogue:
    """The recorded page served in two pages of 50 datasets (the first names the second with
    hydra:next); a test may withdraw datasets or break page 2."""

    def __init__(self):
        self.graph = rdflib.Graph().parse(FIXTURE, format="xml")
        self.datasets = sorted(self.graph.objects(None, DCAT.dataset))
        self.withdrawn = set()
        self.broken = False
        self.server = replay.ReplayServer({PATH: self.page})

    def page(self, params):
        second = params.get("page") == "2"
        if second and self.broken:
            return "<rdf:RDF this is not RDF"
        kept = set(self.datasets[50:] if second else self.datasets[:50]) - self.withdrawn
        graph = rdflib.Graph()
        for triple in self.graph:
            subject, predicate, obj = triple
            if predicate == DCAT.dataset and obj not in kept or subject in self.datasets and subject not in kept:
                continue
            if second and (subject, RDF.type, HYDRA.PagedCollection) in self.graph:
                continue  # the last page names no next one
            graph.add(triple)
        return graph.serialize(format="xml").replace(RECORDED_PAGE, self.server.url + PATH)

    def remote_ids(self, datasets):
        return {str(self.graph.value(dataset, DCTERMS.identifier)) for dataset in datasets}


@pytest.fixture
def catalogue():
    served = Catalogue()
    with served.server:
        yield served


@pytest.fixture
def source(catalogue, organization):
    return make_source(catalogue.server.url + PATH, name="demo-catalogue", organization=organization,
                       source_type="pancanadian_dcat_ap", jurisdiction_level="municipal", language="en",
                       default_subject=["government_politics"])


def harvest(source):
    return report(run_job(source, harvester.DcatApHarvester()))


def test_untagged_text_is_in_the_language_of_the_source():
    graph = rdflib.Graph().parse(FIXTURE, format="xml")
    graph.remove((None, DCTERMS.language, None))  # the recorded catalogue says "en"
    for paging in list(graph.subjects(RDF.type, HYDRA.PagedCollection)):
        graph.remove((paging, None, None))
    document = graph.serialize(format="xml").encode("utf-8")
    records = list(dcat_ap.iter_records(lambda url: document, {"url": RECORDED_PAGE, "language": "fr"}))
    assert len(records) == 100
    edo = next(record for record in records if record["remote_id"] == "07fd4dac-9201-4c3f-8b4e-d693ce0122bc")
    assert edo["title_translated"] == {"fr": "Edo State Schools"}
    assert dcat_ap.to_package(edo, {})["keywords"] == {"fr": ["Edo", "Schools"]}


def test_pages_that_loop_and_documents_that_are_not_rdf_are_malformed():
    document = FIXTURE.read_bytes()  # names page 2, which answers with the same page again
    with pytest.raises(ValueError, match="loop back"):
        list(dcat_ap.iter_records(lambda url: document, {"url": RECORDED_PAGE, "language": "en"}))
    with pytest.raises(ValueError, match="not an RDF document"):
        list(dcat_ap.iter_records(lambda url: b"Maintenance until noon", {"url": RECORDED_PAGE}))
    with pytest.raises(ValueError, match="no DCAT catalogue"):  # XML, but a maintenance page
        list(dcat_ap.iter_records(lambda url: b"<html><body>Maintenance</body></html>", {"url": RECORDED_PAGE}))


def test_full_harvest_of_a_paged_catalogue(catalogue, source):
    counts, gather_errors, object_errors = harvest(source)
    assert gather_errors == []
    assert catalogue.server.count(PATH) == 2
    # demo.ckan.org's records are test data: many lack what the profile requires to publish
    # (an English description, keywords, resource names); each is refused alone.
    assert counts["added"] + counts["errored"] == 100 and counts["added"] >= 40, object_errors[:3]
    assert all(message.startswith("Refused by the profile: ") for message in object_errors)
    datasets = harvested("demo-catalogue")
    assert len(datasets) == counts["added"] and set(datasets) <= catalogue.remote_ids(catalogue.datasets)
    shown = helpers.call_action("package_show", id=datasets["07fd4dac-9201-4c3f-8b4e-d693ce0122bc"].id)
    assert shown["title_translated"] == {"en": "Edo State Schools", "fr": ""}  # never copied into French
    assert shown["source_url"] == "http://demo.ckan.org/dataset/07fd4dac-9201-4c3f-8b4e-d693ce0122bc"
    assert shown["jurisdiction_level"] == "municipal" and shown["license_id"] == "OGL-Canada-2.0"
    found = helpers.call_action("package_search", fq="federation_platform:dcat_ap", rows=0)
    assert found["count"] == counts["added"]


def test_reharvest_skips_unchanged_withdraws_deleted_and_guards(catalogue, source):
    first, _gather_errors, _errors = harvest(source)
    again, gather_errors, _errors = harvest(source)
    # Unchanged: nothing added, updated or withdrawn; the refused records are tried (and reported) again.
    assert (again, gather_errors) == ({"errored": first["errored"]}, [])

    gone = next(dataset for dataset in catalogue.datasets
                if catalogue.remote_ids([dataset]) <= set(harvested("demo-catalogue")))
    catalogue.withdrawn.add(gone)
    assert harvest(source)[0] == {"deleted": 1, "errored": first["errored"]}
    assert set(harvested("demo-catalogue", state="deleted")) == catalogue.remote_ids([gone])

    before = set(harvested("demo-catalogue"))
    catalogue.withdrawn.update(catalogue.datasets[:40])
    counts, gather_errors, _errors = harvest(source)
    assert "deleted" not in counts and "more than the source's limit" in gather_errors[0]
    assert set(harvested("demo-catalogue")) == before


def test_a_broken_page_imports_what_was_read_and_withdraws_nothing(catalogue, source):
    catalogue.broken = True
    counts, gather_errors, _errors = harvest(source)
    assert "malformed" in gather_errors[0] and "nothing is withdrawn" in gather_errors[0]
    assert counts.get("added") and set(harvested("demo-catalogue")) <= catalogue.remote_ids(catalogue.datasets[:50])
    assert harvested("demo-catalogue", state="deleted") == {}
