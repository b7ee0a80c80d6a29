"""The data inventory: records that are not open (under review or restricted) are listed with
their legitimate reasons, and exported as CSV."""
import csv
import io

import ckan.plugins.toolkit as tk

from ckanext.pancanadian.bilingual import values

INVENTORY_QUERY = "access_level:(under_review OR restricted)"
COLUMNS = (
    "name", "title_en", "title_fr", "publisher", "jurisdiction_level", "province_territory",
    "access_level", "exemption", "exemption_rationale_en", "exemption_rationale_fr",
    "date_published", "metadata_modified",
)
PAGE_SIZE = 500


def _row(dataset):
    title = values.as_dict(dataset.get("title_translated"))
    rationale = values.as_dict(dataset.get("exemption_rationale"))
    organization = dataset.get("organization") or {}
    return {
        "name": dataset["name"],
        "title_en": title.get("en", ""),
        "title_fr": title.get("fr", ""),
        "publisher": organization.get("name", ""),
        "jurisdiction_level": dataset.get("jurisdiction_level", ""),
        "province_territory": " ".join(dataset.get("province_territory") or []),
        "access_level": dataset.get("access_level", ""),
        "exemption": dataset.get("exemption", ""),
        "exemption_rationale_en": rationale.get("en", ""),
        "exemption_rationale_fr": rationale.get("fr", ""),
        "date_published": dataset.get("date_published", ""),
        "metadata_modified": dataset.get("metadata_modified", ""),
    }


def records(context):
    """Every public inventory record, page by page (bounded memory)."""
    start = 0
    while True:
        page = tk.get_action("package_search")(
            dict(context), {"fq": INVENTORY_QUERY, "rows": PAGE_SIZE, "start": start, "sort": "name asc"}
        )
        yield from page["results"]
        start += PAGE_SIZE
        if start >= page["count"]:
            return


def csv_lines(context):
    """The inventory as CSV text, one line at a time (for streaming responses)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for dataset in records(context):
        writer.writerow(_row(dataset))
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    yield buffer.getvalue()
