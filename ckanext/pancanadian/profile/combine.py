"""One pan-Canadian CSV from every conforming resource of a standard.

Only resources whose stored conformance report is valid are merged, and only from public,
active datasets that still follow the standard. Each output row starts with the dataset's
``jurisdiction_level``, ``province_territory``, ``publisher``, ``dataset`` and ``resource`` and
goes on with the standard's columns in the standard's order. Files are read one at a time from a
temporary copy and written row by row: memory stays bounded whatever the sizes.
"""
import csv
import io
import logging

import ckan.plugins.toolkit as tk

from ckanext.pancanadian.profile import jobs, reports

log = logging.getLogger(__name__)

LEADING = ("jurisdiction_level", "province_territory", "publisher", "dataset", "resource")


def columns(standard):
    return list(LEADING) + standard.field_names


def sources(standard):
    """(package, resource) of every conforming resource, public datasets only."""
    context = {"ignore_auth": True}
    for package_id, resource_id in reports.valid_resources(standard.id):
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
        yield package, resource


def _leading(package, resource):
    organization = package.get("organization") or {}
    provinces = package.get("province_territory") or []
    if isinstance(provinces, str):
        provinces = [provinces]
    return [package.get("jurisdiction_level") or "", " ".join(provinces),
            organization.get("name") or "", package.get("name") or "", resource["id"]]


def rows(standard, stats=None):
    """The header, then every row of every conforming resource, as lists of strings."""
    stats = stats if stats is not None else {}
    stats.setdefault("row_count", 0)
    stats.setdefault("jurisdictions", [])
    stats.setdefault("resources", [])
    stats.setdefault("skipped", [])
    names = standard.field_names
    yield columns(standard)
    for package, resource in sources(standard):
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


def csv_lines(standard, stats=None):
    """``rows`` as CSV text, one line at a time (for streaming responses and files)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    for row in rows(standard, stats):
        writer.writerow(row)
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
