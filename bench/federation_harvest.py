"""Federation harvest benchmark: our ``pancanadian_ckan`` harvester against ckanext-harvest's
stock ``ckan_harvester``, in the same run, on a local CKAN-API replay portal serving generated
bilingual records shaped like the recorded open.canada.ca ones (tests/fixtures).

(a) initial harvest: seconds and datasets/s, ours vs stock;
(b) re-harvest of the unchanged portal, ours vs stock, two ways: each harvester's default
    (both then ask the portal for the records modified since their last run), and a complete
    listing (ours: complete_listing_days 0, what reveals withdrawals; stock: force_all, the only
    way the stock harvester re-reads the whole catalogue);
(a') optionally (--consumers K), our initial harvest as production runs it: K `ckan harvester
    fetch-consumer` processes taking the queued pages from Redis;
(c) peak RSS of a process running our gather stage at two catalogue sizes (default 5,000 and
    50,000 records), each in a fresh subprocess; the gather is the only stage whose work grows
    with the catalogue (fetch/import handle one page of records at a time).

Each harvester runs the whole job in this process (gather, then fetch+import of every queued
object — ours queues one per page of records —
then harvest_jobs_run), as `ckan harvester run-test` does. Stock runs with CKAN's default
dataset schema (it cannot write our profile); ours writes through the profile's validators.

    export PG_PORT=… REDIS_PORT=… SOLR_PORT=…   # a stack of its own: the test database is reset
    .stack/venv/bin/python bench/federation_harvest.py --records 5000
"""
import argparse
import json
import os
import pathlib
import resource
import subprocess
import sys
import time
import uuid

from benchenv import log, service_env

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
FIXTURE = ROOT / "tests" / "fixtures" / "opencanada" / "opencanada-package_show-csa-list.json"
PRESETS = ("ckanext.scheming:presets.json ckanext.pancanadian.schemas:bilingual_presets.yaml "
           "ckanext.pancanadian.schemas:profile_presets.yaml")
OURS = {
    "ckan.plugins": "harvest scheming_datasets scheming_organizations scheming_groups pancanadian_bilingual "
                    "pancanadian_profile pancanadian_federation pancanadian_ckan",
    "scheming.presets": PRESETS,
    "scheming.dataset_schemas": "ckanext.pancanadian.schemas:dataset.yaml",
    "ckanext.pancanadian.http.allowed_hosts": "127.0.0.1",
}
STOCK = {"ckan.plugins": "harvest ckan_harvester"}


def generated_records(count):
    """``count`` records made from the recorded open.canada.ca ones: new ids and names, numbered
    bilingual titles; everything else as recorded."""
    with open(FIXTURE, encoding="utf-8") as source:
        templates = [envelope["result"] for envelope in json.load(source)]
    records = []
    for index in range(count):
        template = templates[index % len(templates)]
        record = dict(template)
        record["id"] = str(uuid.uuid5(uuid.NAMESPACE_URL, f"bench-{index}"))
        record["name"] = f"bench-{index}"
        record["title"] = f"{template['title']} ({index})"
        record["title_translated"] = {lang: f"{text} ({index})"
                                      for lang, text in template["title_translated"].items()}
        record["resources"] = [dict(r, id=str(uuid.uuid5(uuid.NAMESPACE_URL, f"bench-{index}-{n}")),
                                    package_id=record["id"]) for n, r in enumerate(template["resources"][:3])]
        records.append(record)
    return sorted(records, key=lambda record: record["id"])


def load_ckan(options):
    import logging

    from ckan.cli import load_config
    from ckan.config.middleware import make_app

    logging.disable(logging.WARNING)
    config = load_config(str(ROOT / "test.ini"))
    config.update(options)
    return make_app(config)


def use(options):
    import ckan.plugins as plugins
    from ckan.common import config

    plugins.unload_all()
    config.update(options)
    plugins.load_all()


def reset(federation):
    import ckan.model as model
    from ckan.cli.db import _run_migrations
    from ckan.lib.search import clear_all
    from ckan.tests.helpers import reset_db

    pooled = model.meta.engine
    reset_db()
    clear_all()
    _run_migrations("harvest")
    if federation:
        _run_migrations("pancanadian_federation")
    # CKAN's migration environment rebinds the session to its own NullPool engine (a new
    # PostgreSQL connection per transaction); both harvesters run on the portal's pooled one.
    model.init_model(pooled)


def create_source(url, source_type, config):
    from ckan.tests import factories, helpers

    organization = factories.Organization(name="bench", title_translated={"en": "Bench", "fr": "Banc"}) \
        if source_type.startswith("pancanadian") else factories.Organization(name="bench")
    sysadmin = factories.Sysadmin()
    return helpers.call_action("harvest_source_create", {"user": sysadmin["name"]}, name="bench-source",
                               title="Bench", url=url, source_type=source_type, owner_org=organization["id"],
                               config=json.dumps(config))


def _report(job_id):
    import ckan.model as model
    from ckanext.harvest.model import HarvestObject

    counts = {}
    for (status,) in model.Session.query(HarvestObject.report_status).filter_by(harvest_job_id=job_id):
        counts[status] = counts.get(status, 0) + 1
    model.Session.remove()
    return counts


def timed_job(source):
    from ckanext.pancanadian.federation import demo

    started = time.perf_counter()
    job_id = demo.run_job(source["id"], "bench-runner")
    elapsed = time.perf_counter() - started
    return elapsed, _report(job_id)


def timed_queued_job(source, consumers, workdir):
    """A job as production runs it: gather here, then ``consumers`` `ckan harvester
    fetch-consumer` processes taking the queued pages from Redis; seconds from the job's creation
    to its end (the consumers are started and listening before)."""
    import ckan.model as model
    from ckan.tests import helpers
    from ckanext.harvest import queue
    from ckanext.harvest.model import HarvestJob

    ini = workdir / "consumers.ini"
    ini.write_text("\n".join(["[app:main]", f"use = config:{ROOT / 'test.ini'}"]
                             + [f"{key} = {value}" for key, value in OURS.items()]) + "\n", encoding="utf-8")
    queue.purge_queues()
    ckan = pathlib.Path(sys.executable).with_name("ckan")
    processes = [subprocess.Popen([str(ckan), "-c", str(ini), "harvester", "fetch-consumer"], env=os.environ,
                                  stdout=(workdir / f"fetch-consumer-{index}.log").open("w"), stderr=subprocess.STDOUT)
                 for index in range(consumers)]
    try:
        redis = queue.get_connection()
        while sum(client.get("cmd") == "blpop" for client in redis.client_list()) < consumers:
            time.sleep(0.5)
        started = time.perf_counter()
        job = helpers.call_action("harvest_job_create", {"ignore_auth": True}, source_id=source["id"], run=False)
        job_object = HarvestJob.get(job["id"])
        job_object.status = "Running"
        job_object.save()
        publisher = queue.get_fetch_publisher()
        for object_id in queue.gather_stage(queue.get_harvester("pancanadian_ckan"), job_object):
            publisher.send({"harvest_object_id": object_id})
        while HarvestJob.get(job["id"]).status != "Finished":
            time.sleep(0.5)
            helpers.call_action("harvest_jobs_run", {"ignore_auth": True}, source_id=source["id"])
            model.Session.remove()
        elapsed = time.perf_counter() - started
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=60)
    return elapsed, _report(job["id"])


def bench_consumers(url, consumers):
    """Our initial harvest with ``consumers`` fetch-consumer processes."""
    import tempfile

    from ckan.tests import factories

    use(OURS)
    reset(federation=True)
    factories.Sysadmin(name="bench-runner")
    source = create_source(url, "pancanadian_ckan", {"jurisdiction_level": "federal"})
    with tempfile.TemporaryDirectory() as workdir:
        seconds, counts = timed_queued_job(source, consumers, pathlib.Path(workdir))
    log(f"ours with {consumers} fetch consumers: initial {seconds:.2f} s {counts}")
    return seconds, counts


def reconfigure(source, config):
    from ckan.tests import helpers

    helpers.call_action("harvest_source_update", {"ignore_auth": True}, id=source["id"], name=source["name"],
                        title=source["title"], url=source["url"], source_type=source["source_type"],
                        owner_org=source["owner_org"], config=json.dumps(config))


def bench_harvester(name, options, source_type, config, complete_config, url):
    """Initial harvest, unchanged re-harvest by default, then with ``complete_config`` (a
    complete listing): {phase: (seconds, {report status: count})}."""
    from ckan.tests import factories

    use(options)
    reset(federation=source_type.startswith("pancanadian"))
    factories.Sysadmin(name="bench-runner")
    source = create_source(url, source_type, config)
    results = {"initial": timed_job(source), "again": timed_job(source)}
    reconfigure(source, complete_config)
    results["again_complete"] = timed_job(source)
    for phase, (seconds, counts) in results.items():
        log(f"{name}: {phase} {seconds:.2f} s {counts}")
    return results


def serve(count):
    """Serve ``count`` generated records until stdin closes (the portal of (c), in its own
    process so its memory is not the consumer's)."""
    from ckanext.pancanadian.federation import replay

    records = generated_records(count)
    with replay.ReplayServer({replay.CKAN_SEARCH: lambda params: replay.ckan_search_page(records, params)}) as server:
        print(server.url, flush=True)
        sys.stdin.read()


def gather_rss(count, url):
    """Run our gather stage over the portal at ``url`` in this (fresh) process; prints peak RSS."""
    import ckan.plugins.toolkit as tk
    from ckanext.harvest import queue
    from ckanext.harvest.model import HarvestJob

    app = load_ckan(OURS)
    with app._wsgi_app.test_request_context():
        reset(federation=True)
        source = create_source(url, "pancanadian_ckan", {"jurisdiction_level": "federal"})
        job = tk.get_action("harvest_job_create")({"ignore_auth": True}, {"source_id": source["id"], "run": False})
        job_obj = HarvestJob.get(job["id"])
        job_obj.status = "Running"
        job_obj.save()
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        ids = queue.gather_stage(queue.get_harvester("pancanadian_ckan"), job_obj)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"records": count, "objects": len(ids), "rss_before_mib": before / 1024,
                      "rss_peak_mib": peak / 1024}))


def measure_rss(size):
    portal = subprocess.Popen([sys.executable, __file__, "--serve", str(size)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True, env=os.environ)
    try:
        url = portal.stdout.readline().strip()
        output = subprocess.run([sys.executable, __file__, "--gather-rss", str(size), "--url", url], check=True,
                                capture_output=True, text=True, env=os.environ).stdout
    finally:
        portal.stdin.close()
        portal.wait(timeout=30)
    return json.loads(output.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=5000, help="remote records for (a) and (b)")
    parser.add_argument("--rss-sizes", default="5000,50000", help="catalogue sizes for (c)")
    parser.add_argument("--consumers", type=int, default=0,
                        help="also time our initial harvest with this many fetch-consumer processes")
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)  # (c): the portal's process
    parser.add_argument("--gather-rss", type=int, help=argparse.SUPPRESS)  # (c): the consumer's process
    parser.add_argument("--url", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        return serve(args.serve)
    if args.gather_rss:
        return gather_rss(args.gather_rss, args.url)

    from ckanext.pancanadian.federation import replay

    service_env()
    records = generated_records(args.records)
    app = load_ckan(OURS)
    results = {}
    with app._wsgi_app.test_request_context(), \
            replay.ReplayServer({replay.CKAN_SEARCH: lambda params: replay.ckan_search_page(records, params)}) as server:
        results["ours"] = bench_harvester("ours", OURS, "pancanadian_ckan", {"jurisdiction_level": "federal"},
                                          {"jurisdiction_level": "federal", "complete_listing_days": 0}, server.url)
        results["stock"] = bench_harvester("stock", STOCK, "ckan", {}, {"force_all": True}, server.url)
        if args.consumers:
            results["queued"] = bench_consumers(server.url, args.consumers)

    rss = {}
    for size in (int(n) for n in args.rss_sizes.split(",")):
        rss[size] = measure_rss(size)
        log(f"gather of {size} records: peak RSS {rss[size]['rss_peak_mib']:.0f} MiB")

    ours, stock = results["ours"], results["stock"]
    n = args.records
    print(f"records: {n}")
    (ours_initial, ours_counts), (stock_initial, stock_counts) = ours["initial"], stock["initial"]
    print(f"(a) initial harvest: ours {ours_initial:.1f} s ({n / ours_initial:.1f} datasets/s), "
          f"stock {stock_initial:.1f} s ({n / stock_initial:.1f} datasets/s); "
          f"speed-up {stock_initial / ours_initial:.2f}x (target >= 10x)")
    print(f"    objects: ours {ours_counts}, stock {stock_counts}")
    if args.consumers:
        queued_seconds, queued_counts = results["queued"]
        print(f"(a) with {args.consumers} fetch-consumer processes (ours; stock as above, in one): {queued_seconds:.1f} s "
              f"({n / queued_seconds:.1f} datasets/s); speed-up {stock_initial / queued_seconds:.2f}x; "
              f"objects {queued_counts}")
    for phase, label in (("again", "default (modified since the last run)"),
                         ("again_complete", "complete listing (ours) / force_all (stock)")):
        (ours_seconds, ours_counts), (stock_seconds, stock_counts) = ours[phase], stock[phase]
        print(f"(b) unchanged re-harvest, {label}: ours {ours_seconds:.2f} s, stock {stock_seconds:.2f} s; "
              f"speed-up {stock_seconds / ours_seconds:.2f}x (target >= 50x)")
        print(f"    objects: ours {ours_counts}, stock {stock_counts}")
    sizes = sorted(rss)
    if len(sizes) == 2:
        small, large = (rss[size]["rss_peak_mib"] for size in sizes)
        print(f"(c) gather peak RSS: {sizes[0]} records {small:.0f} MiB, {sizes[1]} records {large:.0f} MiB; "
              f"ratio {large / small:.2f} (target <= 1.2)")


if __name__ == "__main__":
    main()
