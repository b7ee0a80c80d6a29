"""Configuration and helpers shared by the quality tests on the real stack."""
import pytest
import rq
from click.testing import CliRunner

import ckan.model as model
from ckan.lib import jobs as ckan_jobs
from ckan.lib.redis import connect_to_redis
from ckan.tests import factories, helpers

from ckanext.pancanadian.quality import cli as quality_cli
from tests.profile.config import PRESETS

PLUGINS = ("pancanadian_bilingual pancanadian_profile pancanadian_quality scheming_datasets "
           "scheming_organizations scheming_groups")
QUALITY_CONFIG = [
    pytest.mark.ckan_config("ckan.plugins", PLUGINS),
    pytest.mark.ckan_config("scheming.presets", PRESETS),
    pytest.mark.ckan_config("scheming.dataset_schemas", "ckanext.pancanadian.schemas:dataset.yaml"),
    pytest.mark.ckan_config("scheming.organization_schemas", "ckanext.pancanadian.schemas:organization.yaml"),
    pytest.mark.ckan_config("ckanext.pancanadian.http.allowed_hosts", "127.0.0.1"),
    pytest.mark.ckan_config("ckanext.pancanadian.quality.link_timeout", "0.5"),
]
USE = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index", "clean_redis", "migrated")

DATASET = {
    "notes_translated": {"en": "Births per year.", "fr": "Naissances par année."},
    "keywords": {"en": ["births"], "fr": ["naissances"]},
    "jurisdiction_level": "provincial", "subject": ["population_society"], "frequency": "as_needed",
    "date_published": "2024-05-01", "license_id": "OGL-Canada-2.0", "contact_email": "open@example.org",
}
GOOD_CSV = b"date,count\n2024-01-31,3\n2024-02-29,4\n"
BAD_CSV = "Date;Nombre\n31/01/2024;3\nQuébec;4\n".encode("latin-1")


def resource(url, fmt="CSV", name="Data", **fields):
    return dict(url=url, format=fmt, resource_type="dataset", name_translated={"en": name, "fr": name}, **fields)


def make_dataset(name, org, resources, **fields):
    return helpers.call_action("package_create", name=name, owner_org=org["id"],
                               title_translated={"en": name, "fr": name}, resources=resources,
                               **dict(DATASET, **fields))


def organization(name):
    return factories.Organization(name=name, title_translated={"en": f"Org {name}", "fr": f"Org {name}"})


def run_jobs():
    queue = ckan_jobs.get_queue()
    rq.SimpleWorker([queue], connection=connect_to_redis()).work(burst=True)
    assert not queue.failed_job_registry.get_job_ids(), "a job raised"
    model.Session.remove()


def checks_of(package_id):
    shown = helpers.call_action("quality_show", id=package_id)
    return {check["id"]: check for check in shown["checks"]}


def invoke_scan(*args):
    """`ckan pancanadian quality scan ARGS` in this process, with the test's configuration
    (CKAN's cli fixture would load test.ini's plugins and options instead)."""
    return CliRunner().invoke(quality_cli.quality_group, ["scan", *args])


def scan_cli(*args):
    result = invoke_scan(*args)
    assert result.exit_code == 0, result.output
    return result.output
