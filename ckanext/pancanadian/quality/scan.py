"""The quality scan: gather the facts the rules need, score, store, reindex.

``scan_batch(package_ids)`` scores datasets a batch at a time: every resource URL of the batch
is checked once, concurrently (a thread pool of ``ckanext.pancanadian.quality.concurrency``),
through lib/safe_http.probe (timeouts, SSRF refusal, HEAD then a ranged GET); CSV resources get
their UTF-8 / header / ISO-date facts from the profile's stored conformance report when there is
one, else from the first ``csv_sample_bytes`` of the file. Results are stored (current + history)
and the datasets reindexed so that search can facet and sort by quality.

``scan_job`` is the background job (CKAN's queue on Redis); ``queue_scans`` splits a selection
into jobs; ``select_package_ids`` picks datasets by organization and/or federated source.
"""
import concurrent.futures
import logging

import sqlalchemy as sa
from sqlalchemy import event

import ckan.logic as logic
import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.lib import search

from ckanext.pancanadian.lib import languages, safe_http
from ckanext.pancanadian.profile import jobs as profile_jobs
from ckanext.pancanadian.profile import reports as profile_reports
from ckanext.pancanadian.quality import csv_sample, results, rules

log = logging.getLogger(__name__)

BATCH_SIZE = 100
JOB_TIMEOUT = 3600


def _setting(name, default, kind):
    value = tk.config.get(f"ckanext.pancanadian.quality.{name}")
    return kind(value) if value not in (None, "") else default


def _probe_options():
    return {"connect_timeout": _setting("link_timeout", 10.0, float),
            "read_timeout": _setting("link_timeout", 10.0, float),
            "retries": _setting("link_retries", 0, int)}


def _link(probe):
    return {"ok": True, "status": probe.status, "reason": None,
            "content_type": probe.headers.get("Content-Type"), "content_length": probe.size}


def _failed_link(error):
    return {"ok": False, "status": error.status, "reason": error.reason, "content_type": None,
            "content_length": None}


def check_url(url, sample_bytes=0):
    """(link fact, probe or None) of one URL; never raises."""
    try:
        probe = safe_http.probe(url, sample_bytes=sample_bytes, **_probe_options())
    except safe_http.FetchError as error:
        return _failed_link(error), None
    except Exception as error:  # a malformed answer must not end the scan
        log.warning("quality: checking %s failed: %r", url, error)
        return {"ok": False, "status": None, "reason": "connection", "content_type": None,
                "content_length": None}, None
    return _link(probe), probe


def check_urls(urls, sampled=()):
    """{url: (link fact, probe)} of many URLs, at most ``concurrency`` at a time. URLs in
    ``sampled`` are fetched with a ranged GET keeping ``csv_sample_bytes`` (one request tells
    whether the CSV answers and what it starts with)."""
    sample_bytes = _setting("csv_sample_bytes", 65536, int)
    workers = max(1, _setting("concurrency", 8, int))
    if not urls:
        return {}
    with concurrent.futures.ThreadPoolExecutor(max_workers=min(workers, len(urls))) as pool:
        futures = {url: pool.submit(check_url, url, sample_bytes if url in sampled else 0) for url in urls}
        return {url: future.result() for url, future in futures.items()}


def _upload_sample(resource):
    sample_bytes = _setting("csv_sample_bytes", 65536, int)
    try:
        with profile_jobs.local_copy(resource) as path, open(path, "rb") as source:
            sample = source.read(sample_bytes + 1)
    except profile_jobs.SourceError:
        return {"utf8": None, "header": None, "iso_dates": None}
    return csv_sample.inspect(sample[:sample_bytes], complete=len(sample) <= sample_bytes)


def _csv_facts(dataset, checked, stored_reports):
    """{resource_id: facts} of the dataset's CSV resources."""
    facts = {}
    for resource in dataset.get("resources") or []:
        if not profile_jobs.is_csv(resource):
            continue
        stored = stored_reports.get(resource["id"])
        standard = profile_jobs.standard_for(resource, dataset)
        if stored and stored["status"] in ("done", "failed") and standard is not None:
            facts[resource["id"]] = csv_sample.from_report(stored["report"], standard)
        elif resource.get("url_type") == "upload":
            facts[resource["id"]] = _upload_sample(resource)
        else:
            _link_fact, probe = checked.get((resource.get("url") or "").strip(), (None, None))
            facts[resource["id"]] = (csv_sample.inspect(probe.sample, probe.complete) if probe
                                     else {"utf8": None, "header": None, "iso_dates": None})
    return facts


def _reports_of(datasets):
    if not profile_reports.available():
        return {}
    csv_ids = [r["id"] for d in datasets for r in d.get("resources") or [] if profile_jobs.is_csv(r)]
    # the full report (with its errors) only of the resources that have one
    return {resource_id: profile_reports.get(resource_id) for resource_id in profile_reports.for_resources(csv_ids)}


def _licence_open(licence_id):
    licence = model.Package.get_license_register().get(licence_id) if licence_id else None
    return bool(licence and licence.isopen())


def scan_batch(package_ids, rule_set=None, today=None):
    """Score, store and reindex these datasets (missing or deleted ones are skipped); returns
    {package_id: result}. One commit and one Solr commit per batch."""
    rule_set = rule_set or rules.default_rule_set()
    context = {"ignore_auth": True, "user": ""}
    shown = {}
    for package_id in package_ids:
        try:
            both = logic.package_show_default_and_custom_schemas(dict(context), package_id)
        except tk.ObjectNotFound:
            continue
        if both[1].get("state") == "active":
            shown[package_id] = both
    datasets = [custom for _default, custom in shown.values()]
    csv_urls = {(r.get("url") or "").strip() for d in datasets for r in d.get("resources") or []
                if profile_jobs.is_csv(r)}
    urls = sorted({url for dataset in datasets for url in rules.urls_to_check(dataset)})
    checked = check_urls(urls, sampled=csv_urls)
    links = {url: fact for url, (fact, _probe) in checked.items()}
    stored_reports = _reports_of(datasets)
    portal_languages = [languages.primary(lang) for lang in languages.portal_languages()]
    scored = {}
    for package_id, both in shown.items():
        dataset = both[1]
        facts = {"links": links, "csv": _csv_facts(dataset, checked, stored_reports),
                 "licence_open": _licence_open(dataset.get("license_id")), "languages": portal_languages}
        result = rules.evaluate(dataset, facts, rule_set, today)
        results.store(dataset["id"], dataset.get("owner_org"), dataset.get("source_portal"), result)
        scored[dataset["id"]] = result
        logic.index_update_package_dicts(both, defer_commit=True)
    model.Session.commit()
    if scored:
        search.commit()
    return scored


def select_package_ids(org=None, source=None):
    """Ids of the active datasets, of an organization (name or id) and/or a federated source
    (``source_portal``), in a stable order. An unknown organization raises ObjectNotFound."""
    query = (sa.select(model.Package.id).where(model.Package.state == "active")
             .where(model.Package.type == "dataset").order_by(model.Package.id))
    if org:
        group = model.Group.get(org)
        if group is None or not group.is_organization:
            raise tk.ObjectNotFound(tk._("Organization not found"))
        query = query.where(model.Package.owner_org == group.id)
    if source:
        query = query.where(model.Package.extras["source_portal"].astext == source)
    return [row[0] for row in model.Session.execute(query)]


def batches(package_ids, size=BATCH_SIZE):
    for start in range(0, len(package_ids), size):
        yield package_ids[start:start + size]


def scan_job(package_ids):
    """Background job: score a batch of datasets (nothing before the plugin's migration ran)."""
    if not results.available():
        log.warning("quality: tables missing, run `ckan db upgrade -p pancanadian_quality`")
        return 0
    scanned = scan_batch(package_ids)
    log.info("quality: scored %d of %d datasets", len(scanned), len(package_ids))
    return len(scanned)


def queue_scans(package_ids):
    """Queue scan jobs of BATCH_SIZE datasets; returns the RQ jobs."""
    return [tk.enqueue_job(scan_job, [batch], title=f"quality scan of {len(batch)} datasets",
                           rq_kwargs={"timeout": JOB_TIMEOUT})
            for batch in batches(list(package_ids))]


# A dataset a publisher saves is rescored once its transaction is committed (a hook may not
# commit, and the worker must see the saved rows); after_commit may not run SQL, so it only queues.
_SAVED = "pancanadian_quality_datasets"


def queue_after_commit(package_id):
    model.Session.info.setdefault(_SAVED, set()).add(package_id)


@event.listens_for(model.meta.Session, "after_commit")
def _queue_saved(session):
    saved = session.info.pop(_SAVED, set())
    if saved:
        try:
            queue_scans(sorted(saved))
        except Exception:
            log.exception("quality: could not queue the scan of %s", ", ".join(sorted(saved)))


@event.listens_for(model.meta.Session, "after_rollback")
def _forget_saved(session):
    session.info.pop(_SAVED, None)
