"""A harvest run the way production runs it: a gather consumer and two fetch consumers, each a
`ckan harvester …-consumer` process on the real Redis queue, PostgreSQL and Solr, sharing one
job page by page."""
import pathlib
import subprocess
import sys
import time

import pytest

import ckan.model as model
from ckan.tests import helpers
from ckanext.harvest import queue
from ckanext.harvest.model import HarvestJob, HarvestObject, HarvestObjectExtra

from ckanext.pancanadian.federation.harvester import BATCH_KEY
from tests.federation.conftest import HARVEST_CONFIG, PLUGINS, harvested, make_source, report
from tests.profile.config import PRESETS

pytestmark = HARVEST_CONFIG
ROOT = pathlib.Path(__file__).resolve().parents[2]
PAGE_SIZE = 10


@pytest.fixture
def consumers(tmp_path):
    """Starts the three consumer processes; yields their log files; stops them."""
    ini = tmp_path / "consumers.ini"
    ini.write_text("\n".join([
        "[app:main]",
        f"use = config:{ROOT / 'test.ini'}",
        f"ckan.plugins = {PLUGINS}",
        f"scheming.presets = {PRESETS}",
        "scheming.dataset_schemas = ckanext.pancanadian.schemas:dataset.yaml",
        "ckanext.pancanadian.http.allowed_hosts = 127.0.0.1",
        f"ckanext.pancanadian.federation.page_size = {PAGE_SIZE}",
        "",
    ]), encoding="utf-8")
    queue.purge_queues()
    ckan = pathlib.Path(sys.executable).with_name("ckan")
    processes, logs = [], []
    for name in ("gather-consumer", "fetch-consumer", "fetch-consumer"):
        log_file = tmp_path / f"{name}-{len(processes)}.log"
        logs.append(log_file)
        processes.append(subprocess.Popen([str(ckan), "-c", str(ini), "harvester", name],
                                          stdout=log_file.open("w"), stderr=subprocess.STDOUT))
    _wait_listening(len(processes), logs)
    yield logs
    for process in processes:
        process.terminate()
    for process in processes:
        process.wait(timeout=30)
    queue.purge_queues()


def _wait_listening(count, logs, limit=90):
    """Until ``count`` consumers block on the queue (they take seconds to load CKAN)."""
    redis = queue.get_connection()
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if sum(client.get("cmd") == "blpop" for client in redis.client_list()) >= count:
            return
        time.sleep(0.5)
    pytest.fail("the consumers did not start; their logs:\n" + "\n".join(log.read_text()[-3000:] for log in logs))


def _wait_finished(source, job_id, logs, limit=180):
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        helpers.call_action("harvest_jobs_run", {"ignore_auth": True}, source_id=source["id"])
        model.Session.remove()
        job = HarvestJob.get(job_id)
        if job.status == "Finished":
            return job
        time.sleep(1)
    pytest.fail("the job did not finish; consumer logs:\n" + "\n".join(log.read_text()[-3000:] for log in logs))


def test_two_fetch_consumers_share_a_job_page_by_page(opencanada, organization, consumers):
    source = make_source(opencanada.url, organization=organization)
    job = helpers.call_action("harvest_job_create", {"ignore_auth": True}, source_id=source["id"], run=True)
    finished = _wait_finished(source, job["id"], consumers)

    counts, gather_errors, object_errors = report(finished)
    assert (gather_errors, object_errors) == ([], [])
    assert counts == {"added": 127}
    assert len(harvested("opencanada")) == 127  # each record once: no page imported twice
    assert helpers.call_action("package_search", q="*:*", rows=0)["count"] == 127

    leaders = (model.Session.query(HarvestObject).join(HarvestObjectExtra)
               .filter(HarvestObject.harvest_job_id == job["id"], HarvestObjectExtra.key == BATCH_KEY,
                       HarvestObjectExtra.value == HarvestObject.id).all())
    assert len(leaders) == 13  # 127 records in pages of 10: one queue message per page
    spans = sorted((leader.import_started, leader.import_finished) for leader in leaders)
    # Two consumers at work: some page started before the one ahead of it had finished.
    assert any(later[0] < earlier[1] for earlier, later in zip(spans, spans[1:])), spans
