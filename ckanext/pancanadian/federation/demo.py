"""The federation demo: local stand-in portals replaying real recorded payloads, harvested into
the portal so a newcomer sees a federated search over several portals and platforms.

Each stand-in is data: a registry-style entry plus the routes its replay server answers, built
from the recorded files under the fixtures folder (tests/fixtures in a checkout). Platforms
added later bring their stand-ins by appending to ``stand_ins``.
"""
import json
import pathlib

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckanext.harvest import queue
from ckanext.harvest.model import HarvestJob, HarvestObject

from ckanext.pancanadian.federation import replay, sources, status

HUB_FEED = "/api/feed/dcat-us/1.1.json"
DISCOVERY = "/api/catalog/v1"
ODS_LIST = "/api/explore/v2.1/catalog/datasets"
ORGANIZATION = {"name": "federated-portals",
                "title_translated": {"en": "Federated portals", "fr": "Portails fédérés"},
                "description_translated": {"en": "Datasets harvested from other Canadian open-data portals.",
                                           "fr": "Jeux de données moissonnés d’autres portails de données ouvertes canadiens."}}


def _json(path):
    with open(path, encoding="utf-8") as recorded:
        return json.load(recorded)


def stand_ins(fixtures):
    """[(registry entry without url, routes)] of the recorded portals."""
    fixtures = pathlib.Path(fixtures)
    opencanada = [envelope["result"] for envelope in
                  _json(fixtures / "opencanada" / "opencanada-package_show-csa-list.json")]
    toronto = _json(fixtures / "federation" / "ckan" / "toronto-package_search-result-only.json")["results"]
    hub = _json(fixtures / "federation" / "dcat" / "arcgishub-evian-dcat-us-1.1.json")
    # The recorded Discovery answer is the first page of a larger catalogue: replayed as a whole one.
    discovery = _json(fixtures / "federation" / "socrata" / "socrata-discovery-catalog-v1-categories.json")
    ods_records = [_json(fixtures / "federation" / "ods" / f"vancouver-explore-v2.1-catalog-datasets-{name}.json")
                   for name in ("public-trees", "property-tax-report")]
    return [
        ({"name": "open-canada-demo", "title": {"en": "Open Government Portal (stand-in)",
                                                "fr": "Portail du gouvernement ouvert (substitut)"},
          "platform": "ckan", "jurisdiction_level": "federal", "province_territory": [], "language": "bilingual"},
         {replay.CKAN_SEARCH: lambda params: replay.ckan_search_page(opencanada, params)}),
        ({"name": "toronto-demo", "title": {"en": "City of Toronto Open Data (stand-in)",
                                            "fr": "Données ouvertes de la Ville de Toronto (substitut)"},
          "platform": "ckan", "jurisdiction_level": "municipal", "province_territory": ["ON"], "language": "en"},
         {replay.CKAN_SEARCH: lambda params: replay.ckan_search_page(toronto, params)}),
        # The other platforms' recordings come from portals outside Canada (no Canadian one was
        # recorded); their stand-ins are named for the platform and say where the data is from.
        ({"name": "arcgis-hub-demo", "title": {"en": "ArcGIS Hub feed (stand-in, records of Évian-les-Bains)",
                                               "fr": "Flux ArcGIS Hub (substitut, fiches d’Évian-les-Bains)"},
          "platform": "dcat_us", "jurisdiction_level": "municipal", "province_territory": [], "language": "fr",
          "default_subject": ["government_politics"], "path": HUB_FEED},
         {HUB_FEED: lambda params: hub}),
        ({"name": "socrata-demo", "title": {"en": "Socrata catalogue (stand-in, recorded Discovery API answer)",
                                            "fr": "Catalogue Socrata (substitut, réponse enregistrée de l’API Discovery)"},
          "platform": "socrata", "jurisdiction_level": "municipal", "province_territory": [], "language": "en",
          "default_subject": ["government_politics"], "path": DISCOVERY + "?domains=data.calgary.ca"},
         {DISCOVERY: lambda params: dict(discovery, resultSetSize=len(discovery["results"]))}),
        ({"name": "opendatasoft-demo", "title": {"en": "OpenDataSoft catalogue (stand-in, records of Vancouver)",
                                                 "fr": "Catalogue OpenDataSoft (substitut, fiches de Vancouver)"},
          "platform": "ods", "jurisdiction_level": "municipal", "province_territory": ["BC"], "language": "en",
          "default_licence": "OGL-Vancouver", "default_subject": ["government_politics"], "path": ODS_LIST},
         {ODS_LIST: lambda params: {"total_count": len(ods_records),
                                    "results": ods_records[int(params.get("offset", 0)):][:int(params.get("limit", 100))]}}),
    ]


def run_job(source_id, user):
    """Run one harvest job of a source to its end, in this process (as `ckan harvester run-test`)."""
    from ckanext.harvest.logic import HarvestJobExists

    context = {"user": user, "model": model, "session": model.Session}
    try:
        job_dict = tk.get_action("harvest_job_create")(dict(context), {"source_id": source_id, "run": False})
    except HarvestJobExists:
        tk.get_action("harvest_job_abort")(dict(context), {"source_id": source_id})
        job_dict = tk.get_action("harvest_job_create")(dict(context), {"source_id": source_id, "run": False})
    job = HarvestJob.get(job_dict["id"])
    job.status = "Running"
    job.save()
    harvester = queue.get_harvester(job.source.type)
    for object_id in queue.gather_stage(harvester, job) or []:
        queue.fetch_and_import_stages(harvester, HarvestObject.get(object_id))
    tk.get_action("harvest_jobs_run")(dict(context), {"source_id": source_id})
    return job_dict["id"]


def _organization(user):
    existing = model.Group.get(ORGANIZATION["name"])
    if existing is not None:
        return existing.id
    return tk.get_action("organization_create")({"user": user}, dict(ORGANIZATION))["id"]


def run(fixtures, names=None):
    """Serve each stand-in (or those ``names``), make it a harvest source and harvest it;
    yields report lines."""
    user = tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]
    owner = _organization(user)
    # The stand-ins listen on 127.0.0.1: allowed for this command only, not in the site config.
    allowed = tk.config.get("ckanext.pancanadian.http.allowed_hosts") or []
    tk.config["ckanext.pancanadian.http.allowed_hosts"] = list(allowed) + ["127.0.0.1"]
    try:
        for portal, routes in stand_ins(fixtures):
            if names is not None and portal["name"] not in names:
                continue
            with replay.ReplayServer(routes) as server:
                entry = dict(portal, url=server.url + portal.get("path", ""))
                yield from sources.load([entry], owner, user)
                source = model.Package.get(portal["name"])
                run_job(source.id, user)
                shown = status.source_status(source.id)
                counts = shown["counts"]
                yield tk._("{name}: {added} new, {updated} updated, {deleted} withdrawn, {errored} errors").format(
                    name=portal["name"], **counts)
                for message in shown["gather_errors"]:
                    yield f"  {message}"
    finally:
        tk.config["ckanext.pancanadian.http.allowed_hosts"] = allowed
