"""Throughput and peak memory of the quality scan on N datasets, link checks against a local server.

    python bench/quality_scan.py [--datasets 10000] [--subset 500] [--concurrency 8] [--keep]

Needs a running stack (``bin/stack up`` with your port variables); like bin/stack test it uses
the ``ckan_test`` database and Solr core, so do not run tests at the same time. Steps:

1. a local HTTP server in a child process (``--serve``: HEAD and ranged GET, like a portal's file
   server) answers every resource URL: a good CSV, a non-UTF-8 CSV, a 404 and a PDF;
2. one dataset of the profile is created through ``package_create``; N - 1 copies of its rows
   (extras, resources with their own URLs) are written with the ORM in bulk, so that setup takes
   seconds, not the N package_create calls a publisher would make;
3. timed, in this order (the peak resident set is read after each, see below):
   - ``scan``: ``scan.scan_batch`` over every dataset in batches of 100 (package_show, link checks
     in a pool of ``--concurrency`` threads, CSV samples, scoring, storage, reindexing);
   - ``rebuild`` (stock path): what ``ckan search-index rebuild`` does for the same datasets
     (package_show + index, no quality work): the floor any scan that reindexes stands on;
   - ``sequential`` on the first ``--subset`` datasets: the same scan with one URL at a time
     (concurrency 1), against ``scan`` on the same subset, to show what the pool buys.
4. the bench datasets are purged (``--keep`` keeps them).

Peak memory: growth of the process's peak resident set (VmHWM, reset through
/proc/self/clear_refs before each step) over its resident set when the step starts.

``--latency S`` makes the server wait S seconds before each answer, as remote servers do; with
no latency the link checks cost CPU only, so on a small machine the thread pool cannot help.
"""
import argparse
import http.server
import json
import pathlib
import subprocess
import sys
import time
import uuid

from benchenv import log, service_env

ROOT = pathlib.Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

PREFIX = "bench-quality-"
GOOD_CSV = b"date,station,value\n" + b"".join(b"2024-01-%02d,ST%03d,%d.5\n" % (d % 28 + 1, d, d) for d in range(400))
BAD_CSV = "Date;Station\n31/01/2024;Québec\n".encode("latin-1")
PLUGINS = ("pancanadian_bilingual pancanadian_profile pancanadian_quality scheming_datasets "
           "scheming_organizations scheming_groups")



# ------------------------------------------------------------------------- the file server
class FileServer(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    latency = 0.0  # seconds each answer waits, as a remote server's round trips would

    def log_message(self, *args):
        pass

    def _answer(self):
        time.sleep(FileServer.latency)
        kind = self.path.rsplit(".", 1)[-1]
        if "/missing/" in self.path:
            status, content_type, body = 404, "text/plain", b"missing"
        elif kind == "csv":
            content_type, body = "text/csv", (BAD_CSV if "/bad/" in self.path else GOOD_CSV)
            status = 200
        else:
            status, content_type, body = 200, "application/pdf", b"%PDF-1.4 " + b"x" * 2000
        wanted = self.headers.get("Range", "")
        headers = {"Content-Type": content_type}
        if status == 200 and self.command == "GET" and wanted.startswith("bytes=0-"):
            last = min(int(wanted[len("bytes=0-"):]), len(body) - 1)
            status, headers["Content-Range"], body = 206, f"bytes 0-{last}/{len(body)}", body[:last + 1]
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command == "GET":
            self.wfile.write(body)

    do_GET = _answer
    do_HEAD = _answer


class QuietServer(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        """A link check hangs up once it has the bytes it wants: not an error worth a traceback."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


def serve(latency):
    FileServer.latency = latency
    httpd = QuietServer(("127.0.0.1", 0), FileServer)
    print(httpd.server_address[1], flush=True)
    httpd.serve_forever()


def load_ckan(concurrency):
    import logging

    from ckan.cli import load_config
    from ckan.config.middleware import make_app

    logging.disable(logging.WARNING)  # test.ini logs INFO to stdout, where the report goes
    conf = load_config(str(ROOT / "test.ini"))
    conf.update({
        "ckan.plugins": PLUGINS,
        "scheming.presets": "ckanext.scheming:presets.json ckanext.pancanadian.schemas:bilingual_presets.yaml "
                            "ckanext.pancanadian.schemas:profile_presets.yaml",
        "scheming.dataset_schemas": "ckanext.pancanadian.schemas:dataset.yaml",
        "scheming.organization_schemas": "ckanext.pancanadian.schemas:organization.yaml",
        "ckanext.pancanadian.http.allowed_hosts": "127.0.0.1",
        "ckanext.pancanadian.quality.concurrency": str(concurrency),
    })
    return make_app(conf)


def reset_peak_rss():
    """Linux: writing 5 to clear_refs resets the peak resident set (VmHWM) to the current one."""
    with open("/proc/self/clear_refs", "w", encoding="ascii") as clear_refs:
        clear_refs.write("5")


def rss_kib():
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def peak_rss_kib():
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


# ---------------------------------------------------------------------------------- setup
def create_datasets(count, server):
    """One dataset through package_create, then count - 1 ORM copies; returns their ids."""
    import ckan.model as model
    import ckan.plugins.toolkit as tk
    from ckan.cli.db import _run_migrations

    for plugin in ("pancanadian_profile", "pancanadian_quality"):
        _run_migrations(plugin)
    context = {"ignore_auth": True, "user": tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]}
    org = tk.get_action("organization_create")(dict(context), {
        "name": PREFIX + "org", "title_translated": {"en": "Bench", "fr": "Banc d'essai"}})
    template = tk.get_action("package_create")(dict(context), {
        "name": PREFIX + "0", "owner_org": org["id"],
        "title_translated": {"en": "Water quality", "fr": "Qualité de l'eau"},
        "notes_translated": {"en": "Samples.", "fr": "Échantillons."},
        "keywords": {"en": ["water"], "fr": ["eau"]}, "jurisdiction_level": "provincial",
        "subject": ["environment_nature"], "frequency": "P1Y", "date_published": "2026-01-15",
        "license_id": "OGL-Canada-2.0", "contact_email": "open@example.org",
        "resources": [
            {"url": f"{server}/good/0.csv", "format": "CSV", "resource_type": "dataset",
             "name_translated": {"en": "Data", "fr": "Données"}},
            {"url": f"{server}/guide/0.pdf", "format": "PDF", "resource_type": "guide",
             "name_translated": {"en": "Guide", "fr": "Guide"}},
        ]})
    source = model.Package.get(template["id"])
    extras = dict(source.extras)
    resource_rows = [(r.format, dict(r.extras or {})) for r in source.resources]
    ids = [template["id"]]
    for number in range(1, count):
        package_id = str(uuid.uuid4())
        package = model.Package(id=package_id, name=f"{PREFIX}{number}", title=source.title, type="dataset",
                                owner_org=org["id"], state="active", license_id=source.license_id,
                                notes=source.notes, extras=dict(extras))
        model.Session.add(package)
        # a quarter each: good CSV, CSV that is not UTF-8, CSV URL answering 404, good CSV again
        kind = ("good", "bad", "missing", "good")[number % 4]
        urls = (f"{server}/{kind}/{number}.csv", f"{server}/guide/{number}.pdf")
        for position, ((fmt, resource_extras), url) in enumerate(zip(resource_rows, urls)):
            resource = model.Resource(package_id=package_id, url=url, format=fmt, extras=dict(resource_extras))
            resource.id, resource.position, resource.state = str(uuid.uuid4()), position, "active"
            model.Session.add(resource)
        ids.append(package_id)
        if number % 1000 == 0:
            model.Session.commit()
            log(f"created {number} datasets")
    model.Session.commit()
    return ids


def purge():
    """Remove every bench dataset and the bench organization (left by this run or a failed one)."""
    import sqlalchemy as sa

    import ckan.model as model
    from ckan.lib.search.common import make_connection

    ids = [row[0] for row in model.Session.execute(
        sa.text("SELECT id FROM package WHERE name LIKE :prefix"), {"prefix": PREFIX + "%"})]
    for table in ("pancanadian_quality_history", "pancanadian_quality_result", "pancanadian_conformance_report"):
        model.Session.execute(sa.text(f"DELETE FROM {table} WHERE package_id = ANY(:ids)"), {"ids": ids})
    model.Session.execute(sa.text("DELETE FROM resource WHERE package_id = ANY(:ids)"), {"ids": ids})
    model.Session.execute(sa.text("DELETE FROM member WHERE table_id = ANY(:ids)"), {"ids": ids})
    model.Session.execute(sa.text("DELETE FROM package WHERE id = ANY(:ids)"), {"ids": ids})
    model.Session.execute(sa.text("DELETE FROM member WHERE group_id IN (SELECT id FROM \"group\" WHERE name = :name)"),
                          {"name": PREFIX + "org"})
    model.Session.execute(sa.text("DELETE FROM \"group\" WHERE name = :name"), {"name": PREFIX + "org"})
    model.Session.commit()
    make_connection().delete(q=f"name:{PREFIX}*", commit=True)


# ---------------------------------------------------------------------------------- timing
def timed_scan(ids):
    from ckanext.pancanadian.quality import scan

    started = time.perf_counter()
    for done, batch in enumerate(scan.batches(ids), 1):
        scan.scan_batch(batch)
        if done % 20 == 0:
            log(f"scanned {done * scan.BATCH_SIZE} datasets")
    return time.perf_counter() - started


def timed_rebuild(ids):
    import ckan.logic as logic
    import ckan.model as model
    from ckan.lib import search

    started = time.perf_counter()
    for package_id in ids:
        logic.index_update_package({"ignore_auth": True}, package_id, True)
    search.commit()
    model.Session.commit()
    return time.perf_counter() - started


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--datasets", type=int, default=10000)
    parser.add_argument("--subset", type=int, default=500, help="datasets of the sequential comparison")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--latency", type=float, default=0.0,
                        help="seconds the file server waits before each answer (a remote server's latency)")
    parser.add_argument("--keep", action="store_true", help="keep the bench datasets")
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        return serve(args.latency)

    service_env()
    server_process = subprocess.Popen([sys.executable, __file__, "--serve", "--latency", str(args.latency)], stdout=subprocess.PIPE, text=True)
    server = f"http://127.0.0.1:{server_process.stdout.readline().strip()}"
    app = load_ckan(args.concurrency)
    figures = {}
    ids = []
    try:
        with app._wsgi_app.test_request_context():
            import ckan.plugins.toolkit as tk

            purge()
            started = time.perf_counter()
            ids = create_datasets(args.datasets, server)
            log(f"setup: {len(ids)} datasets in {time.perf_counter() - started:.1f} s")
            reset_peak_rss()
            before = rss_kib()
            figures["scan"] = timed_scan(ids)
            figures["scan_peak_mib"] = (peak_rss_kib() - before) / 1024
            reset_peak_rss()
            before = rss_kib()
            figures["rebuild"] = timed_rebuild(ids)
            figures["rebuild_peak_mib"] = (peak_rss_kib() - before) / 1024
            subset = ids[:args.subset]
            figures["subset_pool"] = timed_scan(subset)
            tk.config["ckanext.pancanadian.quality.concurrency"] = "1"
            figures["subset_sequential"] = timed_scan(subset)
            from ckanext.pancanadian.quality import results
            owner_org = tk.get_action("organization_show")({"ignore_auth": True}, {"id": PREFIX + "org"})["id"]
            figures["ratings"] = results.summary(owner_org, rating_ids=("excellent", "good", "sufficient", "bad"))["ratings"]
    finally:
        if not args.keep:
            with app._wsgi_app.test_request_context():
                purge()
        server_process.terminate()
        server_process.wait()

    n, m = len(ids), len(ids[:args.subset])
    print(f"quality scan of {n} datasets (2 resources each; 1 CSV sampled + 1 PDF probed per dataset), "
          f"link checks against a local server answering after {args.latency} s, concurrency {args.concurrency}")
    print(f"  scan     {figures['scan']:8.1f} s  {n / figures['scan']:7.1f} datasets/s  "
          f"peak RSS growth {figures['scan_peak_mib']:.0f} MiB")
    print(f"  rebuild  {figures['rebuild']:8.1f} s  {n / figures['rebuild']:7.1f} datasets/s  "
          f"peak RSS growth {figures['rebuild_peak_mib']:.0f} MiB  "
          f"(stock `search-index rebuild` path: package_show + index only)")
    print(f"  ratio scan/rebuild time: {figures['scan'] / figures['rebuild']:.2f}")
    print(f"  subset of {m}: pool {m / figures['subset_pool']:.1f} datasets/s, sequential "
          f"{m / figures['subset_sequential']:.1f} datasets/s, speed-up "
          f"{figures['subset_sequential'] / figures['subset_pool']:.2f}x")
    print(f"  ratings: {json.dumps(figures['ratings'])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
