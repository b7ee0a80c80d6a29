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
    return [
        ({"name": "open-canada-demo", "title": {"en": "Open Government Portal (stand-in)",
                                                "fr": "Portail du gouvernement ouvert (substitut)"},
          "platform": "ckan", "jurisdiction_level": "federal", "province_territory": [], "language": "bilingual"},
         {replay.CKAN_SEARCH: lambda params: replay.ckan_search_page(opencanada, params)}),
        ({"name": "toronto-demo", "title": {"en": "City of Toronto Open Data (stand-in)",
                                            "fr": "Données ouvertes de la Ville de Toronto (substitut)"},
          "platform": "ckan", "jurisdiction_level": "municipal", "province_territory": ["ON"], "language": "en"},
         {replay.CKAN_SEARCH: lambda params: replay.ckan_search_page(toronto, params)}),
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
                yield from sources.load([dict(portal, url=server.url)], owner, user)
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
