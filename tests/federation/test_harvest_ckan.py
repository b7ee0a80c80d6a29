"""Full harvests of replayed CKAN portals on the real stack."""
from ckan.tests import helpers

from tests.federation import payloads
from tests.federation.conftest import HARVEST_CONFIG, SEARCH, Portal, harvested, make_source, report, run_job

pytestmark = HARVEST_CONFIG


def test_full_harvest_of_opencanada_is_bilingual_searchable_and_traceable(opencanada, organization):
    source = make_source(opencanada.url, organization=organization)
    job = run_job(source)
    counts, gather_errors, object_errors = report(job)
    assert job.status == "Finished"
    assert gather_errors == [] and object_errors == []
    assert counts == {"added": 127}

    datasets = harvested("opencanada")
    assert set(datasets) == {record["id"] for record in opencanada.records}
    shown = helpers.call_action("package_show", id="opencanada-fffcb623-7af9-4b3f-87d3-42852bca293c")
    assert shown["title_translated"]["fr"] == "Rapport sur les résultats ministériels de l'Agence spatiale canadienne 2021-2022"
    assert shown["source_url"] == f"{opencanada.url}/dataset/fffcb623-7af9-4b3f-87d3-42852bca293c"
    assert shown["remote_id"] == "fffcb623-7af9-4b3f-87d3-42852bca293c"
    assert shown["license_id"] == "OGL-Canada-2.0"
    assert shown["owner_org"] == organization["id"]
    found = helpers.call_action("package_search", fq="source_portal:opencanada", rows=0)
    assert found["count"] == 127


def test_monolingual_toronto_portal_keeps_french_empty(organization):
    answer = {"success": True, "result": payloads.toronto_search()}
    portal = Portal([])
    portal.server.routes[SEARCH] = lambda params: answer
    with portal.server:
        source = make_source(portal.url, name="toronto", organization=organization, language="en",
                             jurisdiction_level="municipal", province_territory=["ON"], default_licence="OGL-ON-1.0")
        job = run_job(source)
    counts, gather_errors, object_errors = report(job)
    assert gather_errors == [] and object_errors == []
    assert counts == {"added": 1}
    (dataset,) = harvested("toronto").values()
    shown = helpers.call_action("package_show", id=dataset.id)
    assert shown["title_translated"] == {"en": "TTC Bus Delay Data", "fr": ""}
    assert shown["keywords"]["fr"] == []
    assert shown["province_territory"] == ["ON"]
    assert shown["private"] is False
