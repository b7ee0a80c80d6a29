"""Throughput and peak memory of the CSV conformance checker on a generated 50 MB baby-names CSV.

    python bench/conformance_throughput.py [--size-mb 50] [--keep FILE] [--tracemalloc]

In one run, each contender checks the same generated file in a fresh subprocess of the same
interpreter (so one's memory does not colour the next):

- ours: ``ckanext.pancanadian.profile.conformance.check`` against the ``baby-names`` standard;
- frictionless: ``frictionless.validate`` with the same standard exported as a Frictionless
  Table Schema (``Standard.to_frictionless``), when ``importlib.util.find_spec("frictionless")``
  finds it in this interpreter. It is not a requirement of the project: run the benchmark with
  an interpreter that has it (e.g. a scratch virtualenv) to compare;
- csv-read: Python's ``csv`` module merely reading the file, no checks at all: the floor any
  pure-Python checker stands on. Always run; the comparison when frictionless is absent.

Reported per contender: seconds, data rows per second, and peak memory as the growth of the
process's peak resident set (VmHWM) over its value before the run. ``--tracemalloc`` adds a
second pass under tracemalloc (the Python heap's peak): exact, but tracemalloc costs about a
microsecond per allocation, so that pass takes minutes on 1.9 million rows.

The file is synthetic and valid: years from 1991, the 13 provinces and territories, F and M,
names built from syllables, Zipf-like counts with competition ranks (ties share a rank), and
counts suppressed with "x" in the smallest territories.
"""
import argparse
import importlib.util
import json
import os
import pathlib
import subprocess
import sys
import tempfile
import time

REPO = pathlib.Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

PROVINCES_TERRITORIES = ("AB", "BC", "MB", "NB", "NL", "NS", "NT", "NU", "ON", "PE", "QC", "SK", "YT")
SMALL = {"NT": 0.02, "NU": 0.02, "YT": 0.02, "PE": 0.05}
SYLLABLES = ("al an ar be ca da el em fa ga ha is ja ka la li ma mi na no ol pa ra ri sa so ta th "
             "va wi xa ya za lo lu ne ro se te vi").split()


def generate(path, target_bytes):
    """Write a valid baby-names CSV of at least target_bytes; return its number of data rows."""
    names = [(a + b).capitalize() for a in SYLLABLES for b in SYLLABLES]
    rows = 0
    written = 0
    with open(path, "w", encoding="utf-8", newline="") as out:
        out.write("year,province_territory,sex_at_birth,first_name,count,rank,proportion\n")
        year = 1991
        while written < target_bytes:
            for pt in PROVINCES_TERRITORIES:
                scale = SMALL.get(pt, 1.0)
                for sex in "FM":
                    counts = [max(5, int(4000 * scale / (n + 1) ** 0.9)) for n in range(len(names))]
                    total = sum(counts)
                    lines, rank, previous = [], 0, None
                    for position, (name, count) in enumerate(zip(names, counts)):
                        if count != previous:
                            rank, previous = position + 1, count
                        if scale < 0.05 and count < 8 and position % 3 == 0:
                            lines.append(f"{year},{pt},{sex},{name},x,x,x\n")
                        else:
                            lines.append(f"{year},{pt},{sex},{name},{count},{rank},"
                                         f"{100 * count / total:.2f}\n")
                    chunk = "".join(lines)
                    out.write(chunk)
                    written += len(chunk)
                    rows += len(lines)
            year += 1
    return rows


# ------------------------------------------------------------------------- child processes
def _peak_rss_kib():
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    import resource
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _contender(name):
    """(label, function path -> (rows, valid, error_count))."""
    if name == "ours":
        from ckanext.pancanadian.profile import conformance, standards
        standard = standards.get_standard("baby-names")

        def run(path):
            report = conformance.check(path, standard)
            return report["row_count"], report["valid"], report["error_count"]
        return "ours (conformance.check)", run
    if name == "frictionless":
        import frictionless
        from ckanext.pancanadian.profile import standards
        descriptor = standards.get_standard("baby-names").to_frictionless("en")

        def run(path):
            schema = frictionless.Schema.from_descriptor(descriptor)
            # basepath + relative path: frictionless refuses absolute paths as unsafe.
            report = frictionless.validate(os.path.basename(path), basepath=os.path.dirname(path),
                                           schema=schema)
            task = report.tasks[0]
            return task.stats.get("rows"), report.valid, task.stats.get("errors")
        version = getattr(frictionless, "__version__", "")
        return f"frictionless {version} validate".replace("  ", " "), run
    import csv

    def run(path):
        with open(path, encoding="utf-8", newline="") as source:
            reader = csv.reader(source)
            next(reader)
            rows = sum(1 for _ in reader)
        return rows, None, None
    return "csv-read (csv.reader only, no checks)", run


def child(name, path, with_tracemalloc):
    label, run = _contender(name)
    before = _peak_rss_kib()
    started = time.perf_counter()
    rows, valid, errors = run(path)
    seconds = time.perf_counter() - started
    after = _peak_rss_kib()
    result = {"label": label, "rows": rows, "valid": valid, "errors": errors,
              "seconds": seconds, "rss_growth_mib": max(0, after - before) / 1024}
    if with_tracemalloc:
        import tracemalloc
        tracemalloc.start()
        started = time.perf_counter()
        run(path)
        result["tracemalloc_seconds"] = time.perf_counter() - started
        result["tracemalloc_peak_mib"] = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    print(json.dumps(result))


def measure(name, path, with_tracemalloc):
    command = [sys.executable, __file__, "--child", name, str(path)]
    if with_tracemalloc:
        command.append("--tracemalloc")
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{name} failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# --------------------------------------------------------------------------------- report
def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size-mb", type=float, default=50)
    parser.add_argument("--keep", help="write the generated CSV here and keep it")
    parser.add_argument("--tracemalloc", action="store_true",
                        help="also measure the Python heap peak under tracemalloc (slow)")
    parser.add_argument("--child", nargs=2, metavar=("CONTENDER", "FILE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], args.child[1], args.tracemalloc)
        return

    with tempfile.TemporaryDirectory(prefix="conformance-bench-") as scratch:
        path = pathlib.Path(args.keep) if args.keep else pathlib.Path(scratch) / "baby-names.csv"
        started = time.perf_counter()
        rows = generate(path, int(args.size_mb * 1024 * 1024))
        size = path.stat().st_size
        print(f"Conformance throughput: baby-names CSV of {size / 2**20:.1f} MiB, {rows:,} data "
              f"rows, generated in {time.perf_counter() - started:.1f} s ({sys.executable}, "
              f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs)")

        has_frictionless = importlib.util.find_spec("frictionless") is not None
        names = ["ours"] + (["frictionless"] if has_frictionless else []) + ["csv-read"]
        if not has_frictionless:
            print("frictionless is not installed in this interpreter (importlib.util.find_spec):"
                  " comparing against the csv module merely reading the file, a floor rather "
                  "than a validator.")
        results = {}
        for name in names:
            results[name] = measure(name, path, args.tracemalloc)

        print()
        header = f"{'contender':42} {'seconds':>8} {'rows/s':>10} {'peak RSS +':>11}  result"
        if args.tracemalloc:
            header += f"   {'tracemalloc peak':>16}"
        print(header)
        for name in names:
            r = results[name]
            outcome = "read only" if r["valid"] is None else (
                f"{'valid' if r['valid'] else 'invalid'}, {r['errors']} errors")
            line = (f"{r['label']:42} {r['seconds']:8.1f} {r['rows'] / r['seconds']:10,.0f} "
                    f"{r['rss_growth_mib']:8.1f} MiB  {outcome}")
            if args.tracemalloc:
                line += (f"   {r['tracemalloc_peak_mib']:9.1f} MiB "
                         f"({r['tracemalloc_seconds']:.0f} s)")
            print(line)
            if r["rows"] != rows:
                print(f"  note: {name} counted {r['rows']} rows, the file has {rows}")

        ours = results["ours"]
        print()
        for other in names[1:]:
            r = results[other]
            speed = (ours["rows"] / ours["seconds"]) / (r["rows"] / r["seconds"])
            # A ratio to a growth under 1 MiB (reading alone) would only measure noise.
            memory = ours["rss_growth_mib"] / r["rss_growth_mib"] if r["rss_growth_mib"] >= 1 else None
            text = f"ours vs {r['label']}: throughput x{speed:.2f}"
            text += f", peak RSS growth x{memory:.2f}" if memory is not None else \
                f", peak RSS growth {ours['rss_growth_mib']:.1f} vs {r['rss_growth_mib']:.1f} MiB"
            if args.tracemalloc and r.get("tracemalloc_peak_mib", 0) >= 1:
                text += f", tracemalloc peak x{ours['tracemalloc_peak_mib'] / r['tracemalloc_peak_mib']:.2f}"
            print(text)


if __name__ == "__main__":
    main()
