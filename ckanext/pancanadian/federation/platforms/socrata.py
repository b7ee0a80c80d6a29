"""Socrata (Tyler Data & Insights) portals through the Discovery API.

The source URL is the Discovery API with the portal's domain as filter:
``https://api.us.socrata.com/api/catalog/v1?domains=data.calgary.ca``. Only datasets are asked
for (``only=dataset``). A page is ``{"results": [...], "resultSetSize": N, ...}``; each result
has ``resource`` (name, description, dates, type...), ``classification`` (categories, tags,
domain_category, domain_tags, domain_metadata), ``metadata`` (domain, license), ``permalink``.

Paging: ``offset``/``limit`` while the catalogue fits under the API's offset ceiling
(``OFFSET_CEILING``); a larger catalogue is read with ``scroll_id`` instead, which the API
orders by id: the first request sends an empty ``scroll_id``, each next one the id of the last
result received. Either way the number of results must reach ``resultSetSize``.

Publishers: ``organization_filters`` are matched against the attribution and the publisher
named in the domain's custom metadata (keys ending in ``Organization``, ``Dataset-Owner``,
``Publisher``, ``Business-Owner``).

Subjects come from the portal's own category (``domain_category``), not from ``categories``,
which Socrata assigns across all its customers by its own classifier (a Calgary satisfaction
survey is filed under "environment" and "transportation" there).

Resources: tabular datasets give the CSV download and the SODA JSON endpoint; maps also give
GeoJSON; file ("blob") datasets give their file.
"""
import re
import urllib.parse

from ckanext.pancanadian.lib import vocabulary

NAME = "socrata"
TITLE = {"en": "Socrata (Discovery API)", "fr": "Socrata (API Discovery)"}

PAGE_SIZE = 100
OFFSET_CEILING = 10000
_EMAIL_IN_TEXT = re.compile(r"[^\s,;<>()]+@[^\s,;<>()]+\.[A-Za-z]{2,}")
_PUBLISHER_KEYS = ("organization", "dataset-owner", "publisher", "business-owner")


def _split_source_url(url):
    parts = urllib.parse.urlsplit(url)
    base = urllib.parse.urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))
    query = dict(urllib.parse.parse_qsl(parts.query))
    if not query.get("domains"):
        raise ValueError(f"Socrata source URL {url} names no domain (?domains=<portal domain>)")
    return base, query


def _page(fetch_json, base, params, where):
    page = fetch_json(base, params=params)
    if not isinstance(page, dict) or not isinstance(page.get("results"), list):
        raise ValueError(f"Socrata Discovery page {where} has no results list")
    total = page.get("resultSetSize")
    if not isinstance(total, int) or isinstance(total, bool) or total < 0:
        raise ValueError(f"Socrata Discovery page {where} has no resultSetSize")
    for result in page["results"]:
        if not isinstance(result, dict) or not isinstance(result.get("resource"), dict) \
                or not result["resource"].get("id"):
            raise ValueError(f"Socrata Discovery page {where} holds a result without resource id")
    return page["results"], total


def _pages(fetch_json, source):
    base, query = _split_source_url(source["url"])
    params = {**query, "only": "dataset", "limit": PAGE_SIZE}
    results, total = _page(fetch_json, base, {**params, "offset": 0}, "at offset 0")
    if total <= OFFSET_CEILING:
        seen = len(results)
        yield results
        while seen < total:
            if len(results) < PAGE_SIZE:
                raise ValueError(f"Socrata catalogue truncated: {seen} results received, {total} announced")
            results, _ = _page(fetch_json, base, {**params, "offset": seen}, f"at offset {seen}")
            seen += len(results)
            yield results
        return
    # Too deep for offsets: start over in id order with scroll_id.
    seen, last_id = 0, ""
    while True:
        results, _ = _page(fetch_json, base, {**params, "scroll_id": last_id}, f"after id {last_id!r}")
        seen += len(results)
        yield results
        if len(results) < PAGE_SIZE:
            break
        last_id = results[-1]["resource"]["id"]
    if seen < total:
        raise ValueError(f"Socrata catalogue truncated: {seen} results received, {total} announced")


def iter_records(fetch_json, source):
    for results in _pages(fetch_json, source):
        for result in results:
            if vocabulary.matches_filters(_publishers(result), source.get("organization_filters")):
                yield result


def _domain_metadata(record):
    """[(lower-cased key, value)] of the domain's custom metadata."""
    entries = (record.get("classification") or {}).get("domain_metadata") or []
    return [
        (str(entry.get("key") or "").lower(), entry.get("value"))
        for entry in entries
        if isinstance(entry, dict) and isinstance(entry.get("value"), str)
    ]


def _metadata_ending(record, *endings):
    return [value for key, value in _domain_metadata(record) if key.endswith(endings)]


def _publishers(record):
    return [(record.get("resource") or {}).get("attribution"), *_metadata_ending(record, *_PUBLISHER_KEYS)]


def remote_id(record):
    return record["resource"]["id"]


def remote_modified(record):
    resource = record["resource"]
    return vocabulary.iso_timestamp(resource.get("updatedAt") or resource.get("metadata_updated_at"))


def _contact_email(record):
    direct = vocabulary.email(record["resource"].get("contact_email"))
    if direct:
        return direct
    for key, value in _domain_metadata(record):
        if "email" in key or "contact" in key:
            found = _EMAIL_IN_TEXT.search(value)
            if found and vocabulary.email(found.group(0)):
                return found.group(0)
    return ""


def _resources(record, lang):
    resource = record["resource"]
    domain = (record.get("metadata") or {}).get("domain") or urllib.parse.urlsplit(record.get("permalink") or "").netloc
    asset = urllib.parse.quote(resource["id"], safe="")
    title = resource.get("name") or resource["id"]
    site = f"https://{domain}"
    if resource.get("blob_mime_type"):
        files = [(f"{site}/download/{asset}/{urllib.parse.quote(resource['blob_mime_type'], safe='')}",
                  resource["blob_mime_type"], resource["blob_mime_type"])]
    else:
        files = [
            (f"{site}/api/views/{asset}/rows.csv?accessType=DOWNLOAD", "CSV", "text/csv"),
            (f"{site}/resource/{asset}.json", "JSON", "application/json"),
        ]
        if resource.get("lens_view_type") == "geo" or resource.get("lens_display_type") == "map":
            files.append((f"{site}/api/geospatial/{asset}?method=export&format=GeoJSON",
                          "GeoJSON", "application/geo+json"))
    return [
        {
            "url": url,
            "name_translated": vocabulary.in_language(f"{title} ({label})", lang),
            "description_translated": vocabulary.in_language("", lang),
            "format": label,
            "mimetype": media_type,
            "language": [lang],
        }
        for url, label, media_type in files
    ]


def to_package(record, source):
    resource = record["resource"]
    classification = record.get("classification") or {}
    declared = next(iter(_metadata_ending(record, "language")), None)
    lang = vocabulary.record_language(declared, source)
    frequency = next(
        (vocabulary.frequency(value) for value in _metadata_ending(record, "frequency") if vocabulary.frequency(value)),
        "",
    )
    licence_texts = [(record.get("metadata") or {}).get("license"), *_metadata_ending(record, "license-url", "license")]
    coverage = next(iter(_metadata_ending(record, "coverage")), "")
    return {
        "title_translated": vocabulary.in_language(resource.get("name") or resource["id"], lang),
        "notes_translated": vocabulary.in_language(resource.get("description") or "", lang),
        # Keywords are required: a record without tags is found by its category instead.
        "keywords": vocabulary.keywords_in(
            list(classification.get("domain_tags") or []) + list(classification.get("tags") or [])
            or [classification.get("domain_category")], lang
        ),
        "jurisdiction_level": source["jurisdiction_level"],
        "province_territory": list(source.get("province_territory") or []),
        "subject": vocabulary.subjects([classification.get("domain_category")]),
        "frequency": frequency,
        "date_published": vocabulary.iso_date(resource.get("publication_date"))
        or vocabulary.iso_date(resource.get("createdAt")) or "",
        "date_modified": vocabulary.iso_date(resource.get("data_updated_at"))
        or vocabulary.iso_date(resource.get("updatedAt")) or "",
        "temporal_start": "",
        "temporal_end": "",
        "spatial_coverage": vocabulary.in_language(coverage.strip(), lang),
        "license_id": vocabulary.licence_id(*licence_texts) or source.get("default_licence") or "",
        "contact_email": _contact_email(record),
        "data_language": [lang],
        "access_level": "open",
        "source_portal": source["portal"],
        "remote_id": remote_id(record),
        "source_url": record.get("permalink") or record.get("link") or "",
        "resources": _resources(record, lang),
    }
