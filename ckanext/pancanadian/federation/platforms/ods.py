"""OpenDataSoft portals (City of Vancouver…) through the Explore API v2.1 catalogue.

The source URL is the catalogue's dataset list, ``https://<portal>/api/explore/v2.1/catalog/datasets``.
Pages are read with ``limit``/``offset`` until ``total_count`` datasets were seen; each page is
``{"total_count": N, "results": [dataset, ...]}`` and each dataset carries its metadata under
``metas`` (``default``: title, description, theme, keyword, license, language, modified,
publisher...; ``dcat``: issued, contact_email, accrualperiodicity, temporal coverage...).
The API lets ``offset + limit`` reach 10,000: larger catalogues need the exports endpoint, which
no Canadian ODS portal needs today.

Resources are the dataset's exports (``.../catalog/datasets/<id>/exports/<format>``): CSV, JSON,
Excel and Parquet for every dataset with records, GeoJSON, Shapefile and KML for the geographic
ones, plus its attachments and alternative exports.
"""
import urllib.parse

from ckanext.pancanadian.lib import vocabulary

NAME = "ods"
TITLE = {"en": "OpenDataSoft (Explore API v2.1)", "fr": "OpenDataSoft (API Explore v2.1)"}

PAGE_SIZE = 100
_LIST_PATH = "/catalog/datasets"
# (export format in the URL, raw format label, media type); the geographic ones only for
# datasets with the "geo" feature.
_EXPORTS = (
    ("csv", "CSV", "text/csv"),
    ("json", "JSON", "application/json"),
    ("xlsx", "XLSX", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("parquet", "Parquet", "application/vnd.apache.parquet"),
)
_GEO_EXPORTS = (
    ("geojson", "GeoJSON", "application/geo+json"),
    ("shp", "Shapefile", "application/zip"),
    ("kml", "KML", "application/vnd.google-earth.kml+xml"),
)


def iter_records(fetch_json, source):
    offset = 0
    while True:
        page = fetch_json(source["url"], params={"limit": PAGE_SIZE, "offset": offset})
        if not isinstance(page, dict) or not isinstance(page.get("results"), list):
            raise ValueError(f"ODS catalogue page at offset {offset} has no results list")
        total = page.get("total_count")
        if not isinstance(total, int) or isinstance(total, bool) or total < 0:
            raise ValueError(f"ODS catalogue page at offset {offset} has no total_count")
        results = page["results"]
        for record in results:
            if not isinstance(record, dict) or not record.get("dataset_id"):
                raise ValueError(f"ODS catalogue page at offset {offset} holds a record without dataset_id")
            if vocabulary.matches_filters(_publishers(record), source.get("organization_filters")):
                yield record
        offset += len(results)
        if offset >= total:
            return
        if len(results) < PAGE_SIZE:
            raise ValueError(
                f"ODS catalogue truncated: {len(results)} results at offset {offset - len(results)}, "
                f"{total} announced"
            )


def _metas(record, block):
    metas = record.get("metas") or {}
    return metas.get(block) or {}


def _publishers(record):
    """The publisher, and the data owners some portals (Vancouver) list in custom metadata."""
    owners = _metas(record, "custom").get("data-owner")
    return [_metas(record, "default").get("publisher"), *(owners if isinstance(owners, list) else [owners])]


def remote_id(record):
    return record["dataset_id"]


def remote_modified(record):
    return vocabulary.iso_timestamp(_metas(record, "default").get("modified"))


def _api_base(source):
    """``https://host/api/explore/v2.1`` from the catalogue URL."""
    url = source["url"].split("?", 1)[0].rstrip("/")
    return url[: -len(_LIST_PATH)] if url.endswith(_LIST_PATH) else url


def _site(source):
    parts = urllib.parse.urlsplit(source["url"])
    return f"{parts.scheme}://{parts.netloc}"


def _resources(record, source, lang, title):
    dataset_id = urllib.parse.quote(record["dataset_id"], safe="")
    exports = list(_EXPORTS) if record.get("has_records") else []
    if record.get("has_records") and "geo" in (record.get("features") or []):
        exports += list(_GEO_EXPORTS)
    resources = [
        {
            "url": f"{_api_base(source)}/catalog/datasets/{dataset_id}/exports/{path}",
            "name_translated": vocabulary.in_language(f"{title} ({label})", lang),
            "description_translated": vocabulary.in_language("", lang),
            "format": label,
            "mimetype": media_type,
            "language": [lang],
        }
        for path, label, media_type in exports
    ]
    for extra in (record.get("attachments") or []) + (record.get("alternative_exports") or []):
        if not isinstance(extra, dict):
            continue
        url = extra.get("url") or extra.get("href")
        if not url:
            continue
        resources.append({
            "url": urllib.parse.urljoin(_site(source) + "/", url),
            "name_translated": vocabulary.in_language(extra.get("title") or extra.get("id") or url, lang),
            "description_translated": vocabulary.in_language(extra.get("description") or "", lang),
            "format": extra.get("mimetype") or "",
            "mimetype": extra.get("mimetype") or "",
            "language": [lang],
        })
    return resources


def to_package(record, source):
    default, dcat = _metas(record, "default"), _metas(record, "dcat")
    lang = vocabulary.record_language(default.get("language"), source)
    title = default.get("title") or record["dataset_id"]
    territory = default.get("territory")
    places = "; ".join(territory) if isinstance(territory, list) else (dcat.get("spatial") or "")
    return {
        "title_translated": vocabulary.in_language(title, lang),
        "notes_translated": vocabulary.in_language(default.get("description") or "", lang),
        # Keywords are required: a record without any is found by its themes instead.
        "keywords": vocabulary.keywords_in(default.get("keyword") or default.get("theme"), lang),
        "jurisdiction_level": source["jurisdiction_level"],
        "province_territory": list(source.get("province_territory") or []),
        "subject": vocabulary.subjects(default.get("theme")),
        "frequency": vocabulary.frequency(dcat.get("accrualperiodicity") or default.get("update_frequency")) or "",
        "date_published": vocabulary.iso_date(dcat.get("issued")) or vocabulary.iso_date(dcat.get("created")) or "",
        "date_modified": vocabulary.iso_date(default.get("modified")) or "",
        "temporal_start": vocabulary.iso_date(dcat.get("temporal_coverage_start")) or "",
        "temporal_end": vocabulary.iso_date(dcat.get("temporal_coverage_end")) or "",
        "spatial_coverage": vocabulary.in_language(places if isinstance(places, str) else "", lang),
        "license_id": vocabulary.licence_id(default.get("license"), default.get("license_url"))
        or source.get("default_licence") or "",
        "contact_email": vocabulary.email(dcat.get("contact_email")) or "",
        "data_language": [lang],
        "access_level": "open",
        "source_portal": source["portal"],
        "remote_id": remote_id(record),
        "source_url": f"{_site(source)}/explore/dataset/{urllib.parse.quote(record['dataset_id'], safe='')}/",
        "resources": _resources(record, source, lang, title),
    }
