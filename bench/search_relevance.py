#!/usr/bin/env python
"""Search relevance and indexing benchmark: our Solr schema + pancanadian_bilingual against
CKAN's stock schema, in one run.

What it does (see bench/README.md for how to run it):

1. Creates two Solr cores in the running Solr of the stack: ``bench_ours`` (conf copied from
   solr/) and ``bench_stock`` (CKAN's own schema.xml + our solrconfig.xml, synonyms.txt,
   protwords.txt). Existing cores of those names are unloaded and recreated.
2. Loads CKAN with test.ini (service URLs from CKAN_SQLALCHEMY_URL / CKAN_SOLR_URL /
   CKAN_REDIS_URL, as ``bin/stack test`` exports them) and creates the corpus of
   bench/data/relevance_corpus.yaml through the action API with the plugin enabled, plus copies
   under unique names until at least --timing-size datasets exist.
3. Times indexing of all of them into each core: ours with pancanadian_bilingual's
   before_dataset_index, stock with that hook bypassed (plain CKAN indexing, no per-language
   fields). Deferred commits and one final commit per pass, --rounds times, both from the same
   prepared package dicts (index only) and from the database (as ``ckan search-index rebuild``).
4. Indexes only the relevance corpus into both cores and runs every query of
   bench/data/relevance_queries.yaml through package_search: ours as an English and as a French
   reader (the plugin's edismax rewrite), stock with CKAN's default dismax (plugin hook
   bypassed). Prints recall@10 and MRR@10 by query language, the ratios ours/stock and the
   Solr analysis of word pairs that must meet.

Exits 1 when a required query (``required: true``) misses one of its ``must_find`` datasets in
our top 10 for either reader, 2 on a setup error.
"""
import argparse
import contextlib
import json
import math
import os
import pathlib
import shutil
import statistics
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

import yaml

from benchenv import log, service_env

ROOT = pathlib.Path(__file__).resolve().parent.parent
DATA = ROOT / "bench" / "data"
OURS, STOCK = "bench_ours", "bench_stock"
PLUGIN = "pancanadian_bilingual"
TOP_K = 10
COPY_MARK = "--copy-"

# Word pairs a French or English reader expects to meet; shown with each core's analysis.
ANALYSIS_PAIRS = [
    ("text_fr", "eaux", "eau"),
    ("text_fr", "l’eau", "l'eau"),
    ("text_fr", "hôpitaux", "hôpital"),
    ("text_fr", "canaux", "canal"),
    ("text_fr", "routes", "route"),
    ("text_fr", "routiers", "routières"),
    ("text_fr", "travaux", "travail"),
    ("text_fr", "qualite", "qualité"),
    ("text_fr", "ministere", "ministère"),
    ("text_fr", "frontieres", "frontières"),
    ("text_en", "hospitals", "hospital"),
    ("text_en", "children’s", "children"),
    ("text_en", "wildfires", "wildfire"),
    ("text_en", "Societe", "Société"),
]



# ---------------------------------------------------------------------------- Solr
class Solr:
    def __init__(self, base):
        self.base = base

    def get(self, path, **params):
        params["wt"] = "json"
        url = f"{self.base}{path}?{urllib.parse.urlencode(params, doseq=True)}"
        try:
            with urllib.request.urlopen(url, timeout=120) as response:
                return json.load(response)
        except urllib.error.HTTPError as e:
            raise RuntimeError(f"Solr {path} {params}: HTTP {e.code}: {e.read()[:600]!r}") from None

    def home(self):
        return pathlib.Path(self.get("/admin/info/system")["solr_home"])

    def core_names(self):
        return set(self.get("/admin/cores", action="STATUS")["status"])

    def unload(self, core):
        if core in self.core_names():
            self.get("/admin/cores", action="UNLOAD", core=core, deleteIndex="true",
                     deleteDataDir="true", deleteInstanceDir="true")

    def create(self, core, files):
        """(Re)create a core whose conf/ holds ``files`` ({name in conf: source path})."""
        self.unload(core)
        instance = self.home() / core
        shutil.rmtree(instance, ignore_errors=True)
        conf = instance / "conf"
        conf.mkdir(parents=True)
        for name, source in files.items():
            if source.is_dir():
                shutil.copytree(source, conf / name)
            else:
                shutil.copy(source, conf / name)
        self.get("/admin/cores", action="CREATE", name=core, instanceDir=str(instance),
                 config="solrconfig.xml", schema="schema.xml", dataDir="data")
        failures = self.get("/admin/cores", action="STATUS").get("initFailures") or {}
        if core in failures:
            raise RuntimeError(f"core {core} failed to initialise: {failures[core]}")

    def clear(self, core):
        body = json.dumps({"delete": {"query": "*:*"}, "commit": {}}).encode()
        request = urllib.request.Request(f"{self.base}/{core}/update?wt=json", data=body,
                                         headers={"Content-Type": "application/json"})
        urllib.request.urlopen(request, timeout=120).read()

    def count(self, core):
        return self.get(f"/{core}/select", q="*:*", rows=0)["response"]["numFound"]

    def tokens(self, core, field_type, text, analyzer="query"):
        """Final tokens of ``text`` through the query or index analyzer of ``field_type``."""
        param = "analysis.query" if analyzer == "query" else "analysis.fieldvalue"
        result = self.get(f"/{core}/analysis/field", **{"analysis.fieldtype": field_type, param: text})
        stages = result["analysis"]["field_types"][field_type][analyzer]
        return [t["text"] for t in stages[-1]] if stages else []


def create_cores(solr, ours_schema):
    ckan_conf = pathlib.Path(__import__("ckan").__file__).parent / "config" / "solr"
    ours = {name: ROOT / "solr" / name for name in ("solrconfig.xml", "synonyms.txt", "protwords.txt")}
    ours["schema.xml"] = pathlib.Path(ours_schema)
    if (ROOT / "solr" / "lang").is_dir():
        ours["lang"] = ROOT / "solr" / "lang"
    stock = dict(ours, **{"schema.xml": ckan_conf / "schema.xml"})
    stock.pop("lang", None)
    solr.create(OURS, ours)
    solr.create(STOCK, stock)


# ---------------------------------------------------------------------------- CKAN
def load_ckan(config_path):
    import logging

    from ckan.cli import load_config
    from ckan.config.middleware import make_app

    logging.disable(logging.INFO)  # test.ini logs INFO to stdout, where the report goes
    app = make_app(load_config(str(config_path)))
    return app._wsgi_app


@contextlib.contextmanager
def use_core(solr_base, core, plugin_hooks, solr_overrides=None):
    """Point CKAN's search at ``core``; with plugin_hooks False, bypass the plugin's index and
    search hooks (stock CKAN behaviour) while its validators stay registered. solr_overrides
    replace parameters of the Solr requests package_search sends (fix experiments)."""
    import ckan.plugins as p
    import pysolr
    from ckan.common import config

    plugin = p.get_plugin(PLUGIN)
    previous = config["solr_url"]
    config["solr_url"] = f"{solr_base}/{core}"
    if not plugin_hooks:
        plugin.before_dataset_index = lambda pkg_dict: pkg_dict
        plugin.before_dataset_search = lambda params: params
    original_search = pysolr.Solr.search
    if solr_overrides:
        def search(self, q, search_handler=None, **kwargs):
            kwargs.update(solr_overrides)
            return original_search(self, q, search_handler=search_handler, **kwargs)
        pysolr.Solr.search = search
    try:
        yield
    finally:
        config["solr_url"] = previous
        pysolr.Solr.search = original_search
        for hook in ("before_dataset_index", "before_dataset_search"):
            plugin.__dict__.pop(hook, None)


def admin_context():
    import ckan.plugins.toolkit as tk

    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    return {"user": site_user["name"], "ignore_auth": True}


def bench_org_ids(corpus):
    from ckan import model

    names = [org["name"] for org in corpus["organizations"]]
    return [row.id for row in model.Session.query(model.Group.id).filter(model.Group.name.in_(names))]


def purge_bench_datasets(corpus):
    """Purge every dataset owned by the corpus organizations (a previous run's leftovers)."""
    import ckan.plugins.toolkit as tk
    from ckan import model

    org_ids = bench_org_ids(corpus)
    if not org_ids:
        return 0
    ids = [row.id for row in model.Session.query(model.Package.id).filter(model.Package.owner_org.in_(org_ids))]
    for package_id in ids:
        tk.get_action("dataset_purge")(admin_context(), {"id": package_id})
    return len(ids)


def create_corpus(corpus, timing_size):
    """Organizations, the corpus, and copies up to ``timing_size`` datasets; returns
    (corpus ids, all ids)."""
    import ckan.plugins.toolkit as tk

    for org in corpus["organizations"]:
        try:
            tk.get_action("organization_show")(admin_context(), {"id": org["name"]})
        except tk.ObjectNotFound:
            tk.get_action("organization_create")(
                admin_context(), {"name": org["name"], "title_translated": org["title"]})
    copies = max(0, math.ceil(timing_size / len(corpus["datasets"])) - 1)
    corpus_ids, all_ids = [], []
    for copy in range(copies + 1):
        for record in corpus["datasets"]:
            name = record["name"] if copy == 0 else f"{record['name']}{COPY_MARK}{copy}"
            context = dict(admin_context(), defer_commit=True)
            created = tk.get_action("package_create")(context, {
                "name": name,
                "owner_org": record["org"],
                "title_translated": record["title"],
                "notes_translated": record["notes"],
                "keywords": record["keywords"],
                "license_id": "cc-by",
            })
            all_ids.append(created["id"])
            if copy == 0:
                corpus_ids.append(created["id"])
    return corpus_ids, all_ids


# ---------------------------------------------------------------------------- indexing
def fetch_dicts(ids):
    """The (default schema, custom schema) package dicts CKAN's indexer receives."""
    from ckan import logic

    context = admin_context()
    return [logic.package_show_default_and_custom_schemas(context, package_id) for package_id in ids]


def index_all(solr, solr_base, core, plugin_hooks, items, from_db=False):
    """Seconds to index ``items`` into an empty ``core`` with deferred commits and one final
    commit: prepared (default, custom) package dicts, or with from_db dataset ids read through
    package_show first, as ``ckan search-index rebuild`` does."""
    from ckan import logic
    from ckan.lib.search.common import make_connection

    solr.clear(core)
    context = admin_context()
    with use_core(solr_base, core, plugin_hooks):
        start = time.perf_counter()
        for item in items:
            if from_db:
                logic.index_update_package(context, item, True)
            else:
                logic.index_update_package_dicts(item, defer_commit=True)
        make_connection().commit(waitSearcher=True)
        elapsed = time.perf_counter() - start
    found = solr.count(core)
    if found != len(items):
        raise RuntimeError(f"{core}: {found} documents after indexing {len(items)} datasets")
    return elapsed


def time_indexing(solr, solr_base, dicts, ids, rounds):
    """Seconds per 1,000 datasets, per round, for each (mode, core): mode "index" from prepared
    dicts, mode "rebuild" from the database. The core order alternates between rounds."""
    per_thousand = {(mode, core): [] for mode in ("index", "rebuild") for core in (OURS, STOCK)}
    # Untimed warm-up pass on each core: Solr JIT and caches, PostgreSQL buffers, CKAN caches.
    index_all(solr, solr_base, OURS, True, ids, from_db=True)
    index_all(solr, solr_base, STOCK, False, ids, from_db=True)
    for round_ in range(rounds):
        order = [(OURS, True), (STOCK, False)]
        for core, hooks in order if round_ % 2 == 0 else order[::-1]:
            for mode, items in (("index", dicts), ("rebuild", ids)):
                seconds = index_all(solr, solr_base, core, hooks, items, from_db=mode == "rebuild")
                per_thousand[mode, core].append(seconds * 1000 / len(items))
                log(f"round {round_ + 1}: {core} {mode} of {len(items)} datasets in {seconds:.2f} s")
    return per_thousand


# ---------------------------------------------------------------------------- search
def run_query(flask_app, query, reader):
    import ckan.plugins.toolkit as tk

    context = admin_context()
    with flask_app.test_request_context(environ_overrides={"CKAN_LANG": reader}):
        start = time.perf_counter()
        result = tk.get_action("package_search")(context, {"q": query, "rows": TOP_K, "fl": ["name"]})
        elapsed = time.perf_counter() - start
    return [row["name"] for row in result["results"]], elapsed


def scores(ranked, relevant):
    relevant = set(relevant)
    top = ranked[:TOP_K]
    recall = len(relevant & set(top)) / len(relevant)
    rr = next((1 / (i + 1) for i, name in enumerate(top) if name in relevant), 0.0)
    return recall, rr


def run_queries(flask_app, solr_base, queries, overrides):
    """{system: [(ranked names, seconds) per query]} for ours-en, ours-fr, ours-match, stock
    and, with overrides, the same three for ours with those Solr parameters (fix-*)."""
    runs = {}
    variants = [("ours", None)] + ([("fix", overrides)] if overrides else [])
    for prefix, solr_overrides in variants:
        with use_core(solr_base, OURS, True, solr_overrides):
            for reader in ("en", "fr"):
                runs[f"{prefix}-{reader}"] = [run_query(flask_app, q["q"], reader) for q in queries]
        # The natural use: each query read in its own language's interface.
        runs[f"{prefix}-match"] = [runs[f"{prefix}-{q['lang']}"][i] for i, q in enumerate(queries)]
    with use_core(solr_base, STOCK, False):
        runs["stock"] = [run_query(flask_app, q["q"], "en") for q in queries]
    return runs


# ---------------------------------------------------------------------------- report
def systems(runs):
    """(key, label) of every system that ran, in table order."""
    labels = [
        ("ours-en", "ours, English reader"),
        ("ours-fr", "ours, French reader"),
        ("ours-match", "ours, reader = query language"),
        ("fix-en", "ours+fix, English reader"),
        ("fix-fr", "ours+fix, French reader"),
        ("fix-match", "ours+fix, reader = query lang."),
        ("stock", "stock CKAN (dismax)"),
    ]
    return [(key, label) for key, label in labels if key in runs]


def mean(values):
    return sum(values) / len(values) if values else float("nan")


def ratio(a, b):
    if b == 0:
        return "inf" if a > 0 else "n/a"
    return f"{a / b:.2f}x"


def print_per_query(queries, runs):
    print(f"\nPer query (recall@{TOP_K} / reciprocal rank):")
    shown = [key for key, _ in systems(runs) if not key.endswith("-match")]
    print(f"  {'lang':4} {'query':32}" + "".join(f" {key:>10}" for key in shown))
    for i, query in enumerate(queries):
        cells = []
        for key in shown:
            recall, rr = scores(runs[key][i][0], query["relevant"])
            cells.append(f" {recall:4.2f}/{rr:4.2f}")
        print(f"  {query['lang']:4} {query['q'][:32]:32}" + "".join(cells))


def summary(queries, runs):
    table = {}
    for key, _ in systems(runs):
        for group in ("fr", "en", "all"):
            idx = [i for i, q in enumerate(queries) if group in ("all", q["lang"])]
            pairs = [scores(runs[key][i][0], queries[i]["relevant"]) for i in idx]
            table[key, group] = (mean([p[0] for p in pairs]), mean([p[1] for p in pairs]), len(idx))
    return table


def print_summary(table, runs):
    counts = {group: table["stock", group][2] for group in ("fr", "en", "all")}
    print(f"\nRelevance: mean recall@{TOP_K} and MRR@{TOP_K} by language of the query "
          f"(fr {counts['fr']} queries, en {counts['en']}, all {counts['all']})")
    print(f"  {'system':32} {'R@10 fr':>8} {'R@10 en':>8} {'R@10 all':>9} {'MRR fr':>8} {'MRR en':>8} {'MRR all':>8}"
          f" {'median ms':>10}")
    for key, label in systems(runs):
        r = [table[key, g][0] for g in ("fr", "en", "all")]
        m = [table[key, g][1] for g in ("fr", "en", "all")]
        ms = statistics.median(t for _, t in runs[key]) * 1000
        print(f"  {label:32} {r[0]:8.3f} {r[1]:8.3f} {r[2]:9.3f} {m[0]:8.3f} {m[1]:8.3f} {m[2]:8.3f} {ms:10.1f}")
    print("\n  ratio ours/stock")
    for key, label in systems(runs):
        if key == "stock":
            continue
        cells = []
        for metric in (0, 1):
            for group in ("fr", "en", "all"):
                cells.append(f"{ratio(table[key, group][metric], table['stock', group][metric]):>8}")
        print(f"  {label:32} " + " ".join(cells[:3]) + " " + " ".join(cells[3:]))


def print_indexing(per_thousand, count, rounds):
    print(f"\nIndexing: {count} datasets per pass, {rounds} rounds per core, median seconds per 1,000 "
          "datasets (deferred commits, one commit per pass)")
    titles = {
        "index": "index only: prepared package dicts -> CKAN index_package (+ plugin hook) -> Solr",
        "rebuild": "rebuild: package_show from PostgreSQL + index, as `ckan search-index rebuild`",
    }
    for mode in ("index", "rebuild"):
        ours = statistics.median(per_thousand[mode, OURS])
        stock = statistics.median(per_thousand[mode, STOCK])
        print(f"  {titles[mode]}")
        for core, label, value in ((OURS, "ours ", ours), (STOCK, "stock", stock)):
            print(f"    {label} {value:7.2f} s / 1,000   rounds: "
                  + ", ".join(f"{v:.2f}" for v in per_thousand[mode, core]))
        print(f"    ratio ours/stock: {ours / stock:.2f}x")


def print_analysis(solr):
    print("\nAnalysis (/analysis/field): a query word against the same word indexed in another form")
    print(f"  {'ours field type':15} {'query':12} {'tokens':18} {'indexed':12} {'tokens':18} {'meet':5} | stock 'text': meet")
    for field_type, left, right in ANALYSIS_PAIRS:
        a, b = solr.tokens(OURS, field_type, left), solr.tokens(OURS, field_type, right, "index")
        sa, sb = solr.tokens(STOCK, "text", left), solr.tokens(STOCK, "text", right, "index")
        meet = "yes" if set(a) & set(b) else "NO"
        stock_meet = "yes" if set(sa) & set(sb) else "NO"
        print(f"  {field_type:15} {left:12} {' '.join(a):18} {right:12} {' '.join(b):18} {meet:5} | "
              f"{' '.join(sa)} / {' '.join(sb)}: {stock_meet}")


def check_required(queries, runs):
    failures = []
    for i, query in enumerate(queries):
        if not query.get("required"):
            continue
        must = query.get("must_find") or query["relevant"]
        for reader in ("en", "fr"):
            ranked = runs[f"ours-{reader}"][i][0]
            missing = [name for name in must if name not in ranked[:TOP_K]]
            if missing:
                failures.append(f"{query['q']!r} ({reader} reader): {', '.join(missing)} not in top {TOP_K} "
                                f"(got {', '.join(ranked[:TOP_K]) or 'nothing'})")
    print(f"\nRequired cases ({sum(1 for q in queries if q.get('required'))} queries x 2 readers, our schema): "
          + ("all pass" if not failures else f"{len(failures)} FAILED"))
    for failure in failures:
        print(f"  FAIL {failure}")
    return failures


# ---------------------------------------------------------------------------- main
class SetupError(Exception):
    """The benchmark could not run (exit status 2)."""


def validate_inputs(corpus, queries):
    names = {d["name"] for d in corpus["datasets"]}
    orgs = {o["name"] for o in corpus["organizations"]}
    problems = [f"dataset {d['name']}: unknown org {d['org']}" for d in corpus["datasets"] if d["org"] not in orgs]
    for q in queries:
        if not q["relevant"]:
            problems.append(f"query {q['q']!r}: no relevant dataset")
        problems += [f"query {q['q']!r}: unknown dataset {n}"
                     for n in q["relevant"] + q.get("must_find", []) if n not in names]
    if len(names) != len(corpus["datasets"]):
        problems.append("duplicate dataset names in the corpus")
    if problems:
        raise SetupError("invalid corpus/queries:\n  " + "\n  ".join(problems))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--config", default=str(ROOT / "test.ini"), help="CKAN ini (default: test.ini)")
    parser.add_argument("--corpus", default=str(DATA / "relevance_corpus.yaml"))
    parser.add_argument("--queries", default=str(DATA / "relevance_queries.yaml"))
    parser.add_argument("--timing-size", type=int, default=1000,
                        help="datasets indexed per timing pass, corpus copies included (default 1000)")
    parser.add_argument("--rounds", type=int, default=3, help="timing rounds per core (default 3)")
    parser.add_argument("--ours-schema", default=str(ROOT / "solr" / "schema.xml"),
                        help="schema.xml of our core (default: solr/schema.xml; point it at a candidate fix)")
    parser.add_argument("--ours-solr-param", action="append", default=[], metavar="KEY=VALUE",
                        help="experiment: also run ours with this Solr parameter forced onto the requests "
                             "package_search sends (repeatable), e.g. q.op=OR; reported as ours+fix")
    parser.add_argument("--keep", action="store_true",
                        help="keep the bench cores and datasets afterwards (default: remove them)")
    args = parser.parse_args()

    corpus = yaml.safe_load(pathlib.Path(args.corpus).read_text(encoding="utf-8"))
    queries = yaml.safe_load(pathlib.Path(args.queries).read_text(encoding="utf-8"))["queries"]
    validate_inputs(corpus, queries)
    overrides = dict(param.split("=", 1) for param in args.ours_solr_param)

    solr_base = service_env()
    solr = Solr(solr_base)
    log(f"database {os.environ['CKAN_SQLALCHEMY_URL'].rsplit('@', 1)[-1]}, Solr {solr_base}")
    try:
        solr.core_names()
    except OSError as e:
        raise SetupError(f"Solr does not answer at {solr_base} ({e}); start the stack: bin/stack up")

    flask_app = load_ckan(args.config)
    with flask_app.test_request_context():
        from ckan import model

        model.repo.init_db()
        log(f"creating cores {OURS}, {STOCK} under {solr.home()}")
        create_cores(solr, args.ours_schema)
        with use_core(solr_base, OURS, True):
            purged = purge_bench_datasets(corpus)
            if purged:
                log(f"purged {purged} datasets left by a previous run")
            start = time.perf_counter()
            corpus_ids, all_ids = create_corpus(corpus, args.timing_size)
            log(f"created {len(all_ids)} datasets ({len(corpus_ids)} in the corpus) through package_create "
                f"in {time.perf_counter() - start:.1f} s")
        try:
            dicts = fetch_dicts(all_ids)
            per_thousand = time_indexing(solr, solr_base, dicts, all_ids, args.rounds)

            corpus_dicts = dicts[: len(corpus_ids)]
            index_all(solr, solr_base, OURS, True, corpus_dicts)
            index_all(solr, solr_base, STOCK, False, corpus_dicts)
            runs = run_queries(flask_app, solr_base, queries, overrides)

            print(f"\nSearch relevance benchmark: {len(corpus_ids)} datasets, {len(queries)} queries "
                  f"(fr {sum(q['lang'] == 'fr' for q in queries)}, en {sum(q['lang'] == 'en' for q in queries)})")
            schema = pathlib.Path(args.ours_schema).resolve()
            shown = schema.relative_to(ROOT) if schema.is_relative_to(ROOT) else schema
            print(f"  ours  = {shown} + pancanadian_bilingual "
                  "(per-language fields, edismax, UI boost)")
            print("  stock = CKAN 2.12 config/solr/schema.xml, stock indexing and dismax (plugin hooks bypassed)")
            if overrides:
                print(f"  ours+fix = ours with these Solr parameters forced: {overrides}")
            print_per_query(queries, runs)
            print_summary(summary(queries, runs), runs)
            print_indexing(per_thousand, len(dicts), args.rounds)
            print_analysis(solr)
            failures = check_required(queries, runs)
        finally:
            if not args.keep:
                purge_bench_datasets(corpus)
                for core in (OURS, STOCK):
                    solr.unload(core)
                log("removed the bench datasets and cores (--keep keeps them)")
    return 1 if failures else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except SetupError as e:
        log(f"ERROR: {e}")
        sys.exit(2)
    except Exception:  # a setup or service failure, never a relevance verdict
        import traceback

        traceback.print_exc()
        sys.exit(2)
