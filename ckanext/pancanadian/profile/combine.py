"""One pan-Canadian CSV from every conforming resource of a standard.

Only resources whose stored conformance report is valid are merged, and only from public,
active datasets that still follow the standard. Each output row starts with the dataset's
``jurisdiction_level``, ``province_territory``, ``publisher``, ``dataset`` and ``resource`` and
goes on with the standard's columns in the standard's order. Files are read one at a time from a
temporary copy and written row by row: memory stays bounded whatever the sizes.

``combined(standard)`` keeps the result as a file under the storage path, named by a key of
everything it was made from (the standard's version, each source's checked file and the
dataset fields of the leading columns): anyone may download the combined CSV, and downloads
must not make the portal fetch every jurisdiction's files again until one of them changes.
"""
import csv
import glob
import hashlib
import io
import json
import logging
import os
import tempfile

import ckan.plugins.toolkit as tk

from ckanext.pancanadian.profile import jobs, reports

log = logging.getLogger(__name__)

LEADING = ("jurisdiction_level", "province_territory", "publisher", "dataset", "resource")


def columns(standard):
    return list(LEADING) + standard.field_names


def sources(standard):
    """(package, resource, fingerprint of the checked file) of every conforming resource,
    public datasets only."""
    context = {"ignore_auth": True}
    for package_id, resource_id, checked_file in reports.valid_resources(standard.id):
        try:
            package = tk.get_action("package_show")(dict(context), {"id": package_id})
        except tk.ObjectNotFound:
            continue
        if package.get("private") or package.get("state") != "active":
            continue
        resource = next((r for r in package.get("resources", []) if r["id"] == resource_id), None)
        followed = jobs.standard_for(resource, package) if resource else None
        if followed is None or followed.id != standard.id:
            continue
        yield package, resource, checked_file


def _leading(package, resource):
    organization = package.get("organization") or {}
    provinces = package.get("province_territory") or []
    if isinstance(provinces, str):
        provinces = [provinces]
    return [package.get("jurisdiction_level") or "", " ".join(provinces),
            organization.get("name") or "", package.get("name") or "", resource["id"]]


def rows(standard, stats=None, found=None):
    """The header, then every row of every conforming resource (``found``: those of
    ``sources``, when already listed), as lists of strings."""
    stats = stats if stats is not None else {}
    stats.setdefault("row_count", 0)
    stats.setdefault("jurisdictions", [])
    stats.setdefault("resources", [])
    stats.setdefault("skipped", [])
    names = standard.field_names
    yield columns(standard)
    for package, resource, _checked_file in (sources(standard) if found is None else found):
        leading = _leading(package, resource)
        try:
            with jobs.local_copy(resource) as path:
                with open(path, encoding="utf-8-sig", newline="") as text:
                    reader = csv.reader(text, delimiter=standard.delimiter, quotechar=standard.quote_char)
                    header = next(reader, None) or []
                    positions = [header.index(name) if name in header else None for name in names]
                    for record in reader:
                        if not any(cell.strip() for cell in record):
                            continue
                        yield leading + [record[i] if i is not None and i < len(record) else ""
                                         for i in positions]
                        stats["row_count"] += 1
        except (jobs.SourceError, UnicodeDecodeError, csv.Error) as error:
            log.warning("combine: resource %s skipped: %s", resource["id"], error)
            stats["skipped"].append(resource["id"])
            continue
        stats["resources"].append(resource["id"])
        jurisdiction = {"jurisdiction_level": leading[0], "province_territory": leading[1],
                        "publisher": leading[2]}
        if jurisdiction not in stats["jurisdictions"]:
            stats["jurisdictions"].append(jurisdiction)


def csv_lines(standard, stats=None, found=None):
    """``rows`` as CSV text, one line at a time."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    for row in rows(standard, stats, found):
        writer.writerow(row)
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()


def _cache_directory():
    storage = tk.config.get("ckan.storage_path") or tempfile.gettempdir()
    directory = os.path.join(storage, "pancanadian", "combined")
    os.makedirs(directory, exist_ok=True)
    return directory


def _key(standard, found):
    parts = [standard.id, standard.version]
    for package, resource, checked_file in found:
        parts.extend([resource["id"], checked_file or ""] + _leading(package, resource))
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:32]


def combined(standard):
    """(path of the combined CSV, stats), made again only when what it is made from changed."""
    found = list(sources(standard))
    directory = _cache_directory()
    base = os.path.join(directory, f"{standard.id}-{_key(standard, found)}")
    try:
        with open(base + ".json", encoding="utf-8") as kept:
            return base + ".csv", json.load(kept)
    except (OSError, ValueError):
        pass
    stats = {}
    # Written beside its final name and renamed: a concurrent reader sees a whole file or none.
    with tempfile.NamedTemporaryFile("w", encoding="utf-8", newline="", dir=directory,
                                     prefix=".building-", delete=False) as building:
        try:
            for line in csv_lines(standard, stats, found):
                building.write(line)
        except BaseException:
            os.unlink(building.name)
            raise
    os.replace(building.name, base + ".csv")
    with open(base + ".json.tmp", "w", encoding="utf-8") as summary:
        json.dump(stats, summary)
    os.replace(base + ".json.tmp", base + ".json")
    for older in glob.glob(os.path.join(directory, f"{glob.escape(standard.id)}-*")):
        if not older.startswith(base + "."):
            os.unlink(older)
    return base + ".csv", stats
