"""Harvests on the real stack (PostgreSQL, Solr) against local replay portals: a source is a
real ckanext-harvest source of type pancanadian_ckan; a job runs gather, fetch and import
synchronously (ckanext-harvest's own test runner) and harvest_jobs_run closes it."""
import json

import pytest

import ckan.model as model
from ckan.tests import factories, helpers
from ckanext.harvest.model import HarvestGatherError, HarvestJob, HarvestObject, HarvestObjectError
from ckanext.harvest.tests.lib import run_harvest_job

from ckanext.pancanadian.federation import replay
from ckanext.pancanadian.federation.platforms import ckan as ckan_platform
from tests.federation import payloads
from tests.profile.config import PRESETS

PLUGINS = ("harvest pancanadian_bilingual pancanadian_profile pancanadian_federation pancanadian_ckan "
           "pancanadian_dcat_us pancanadian_socrata pancanadian_ods pancanadian_dcat_ap scheming_datasets scheming_organizations "
           "scheming_groups")
# Everything but the plugin list (a module adding a plugin lists them itself).
HARVEST_OPTIONS = [
    pytest.mark.ckan_config("scheming.presets", PRESETS),
    pytest.mark.ckan_config("scheming.dataset_schemas", "ckanext.pancanadian.schemas:dataset.yaml"),
    pytest.mark.ckan_config("ckanext.pancanadian.http.allowed_hosts", "127.0.0.1"),
    pytest.mark.ckan_config("ckanext.pancanadian.http.retries", "2"),
    pytest.mark.ckan_config("ckanext.pancanadian.http.backoff", "0.05"),
    pytest.mark.ckan_config("ckanext.pancanadian.http.read_timeout", "1"),
    pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index", "migrated"),
]
HARVEST_CONFIG = [pytest.mark.ckan_config("ckan.plugins", PLUGINS), *HARVEST_OPTIONS]
SEARCH = replay.CKAN_SEARCH


@pytest.fixture
def migrated(clean_db, migrate_db_for):
    migrate_db_for("harvest")
    migrate_db_for("pancanadian_federation")


@pytest.fixture
def small_pages(monkeypatch):
    """20 records a page, so a few dozen records span several pages."""
    monkeypatch.setattr(ckan_platform, "ROWS", 20)


class Portal:
    """A replayed CKAN portal whose catalogue a test may change between runs."""

    def __init__(self, records):
        self.records = list(records)
        self.server = replay.ReplayServer({SEARCH: lambda params: replay.ckan_search_page(self.records, params)})

    @property
    def url(self):
        return self.server.url


@pytest.fixture
def opencanada():
    """open.canada.ca replayed: the 127 recorded Canadian Space Agency records."""
    portal = Portal(payloads.opencanada_records())
    with portal.server:
        yield portal


@pytest.fixture
def organization():
    return factories.Organization(name="federation", title_translated={"en": "Federated portals", "fr": "Portails fédérés"})


def make_source(url, name="opencanada", organization=None, source_type="pancanadian_ckan", **config):
    config.setdefault("jurisdiction_level", "federal")
    config.setdefault("default_licence", "OGL-Canada-2.0")
    sysadmin = factories.Sysadmin()
    return helpers.call_action(
        "harvest_source_create", {"user": sysadmin["name"]},
        name=name, title=name.title(), url=url, source_type=source_type,
        owner_org=organization["id"] if organization else None, config=json.dumps(config),
    )


def run_job(source, harvester=None):
    """Run one harvest job of ``source`` to its end (with ``harvester``, by default the CKAN
    one); the finished HarvestJob."""
    from ckanext.pancanadian.federation.harvester import CKANHarvester

    job = helpers.call_action("harvest_job_create", {"ignore_auth": True}, source_id=source["id"], run=False)
    job_obj = HarvestJob.get(job["id"])
    run_harvest_job(job_obj, harvester or CKANHarvester())
    model.Session.remove()
    return HarvestJob.get(job["id"])


def report(job):
    """{report_status: count} of a job's objects, with its gather and object errors."""
    counts = {}
    for obj in model.Session.query(HarvestObject).filter_by(harvest_job_id=job.id):
        counts[obj.report_status] = counts.get(obj.report_status, 0) + 1
    gather_errors = [error.message for error in
                     model.Session.query(HarvestGatherError).filter_by(harvest_job_id=job.id)]
    object_errors = [error.message for error in model.Session.query(HarvestObjectError).join(HarvestObject)
                     .filter(HarvestObject.harvest_job_id == job.id)]
    return counts, gather_errors, object_errors


def harvested(source_portal, state="active"):
    """Datasets of a source portal in the package table, by remote id."""
    query = model.Session.query(model.Package).filter(model.Package.type == "dataset",
                                                      model.Package.state == state)
    found = {}
    for package in query:
        if (package.extras or {}).get("source_portal") == source_portal:
            found[package.extras["remote_id"]] = package
    return found
