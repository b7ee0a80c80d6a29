"""DCAT-US 1.1 catalogues (Project Open Data ``data.json``), e.g. ArcGIS Hub sites' feed
``https://<site>/api/feed/dcat-us/1.1.json``.

The catalogue is one JSON document ``{"dataset": [...], ...}`` with no paging: ``fetch_json``
reads it whole (bounded by safe_http's size cap) and the records are yielded one at a time.
Only ``accessLevel: public`` records are yielded (``restricted public`` and ``non-public`` ones
have no open data to federate). ``organization_filters`` match ``publisher.name`` or any of
the organizations it is a sub-organization of.

Mapping notes: ``accrualPeriodicity`` is an ISO 8601 repeating interval (``R/P1M``) or
``irregular``; ``temporal`` is ``start/end``; ``spatial`` is a place name or a
``west,south,east,north`` bounding box (kept as a GeoJSON polygon in ``spatial``); ``license``
is a URL, or on ArcGIS Hub often HTML text naming the licence; ``language`` lists codes such as
``en-US``.
"""
import json
import re

from ckanext.pancanadian.lib import vocabulary

NAME = "dcat_us"
TITLE = {"en": "DCAT-US 1.1 (data.json, ArcGIS Hub)", "fr": "DCAT-US 1.1 (data.json, ArcGIS Hub)"}

_BBOX = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)\s*$")
_REPEATING = re.compile(r"^R/(P[0-9YMWDTHS.]+)$")


def iter_records(fetch_json, source):
    catalogue = fetch_json(source["url"])
    if not isinstance(catalogue, dict) or not isinstance(catalogue.get("dataset"), list):
        raise ValueError("DCAT-US catalogue has no dataset list")
    for position, record in enumerate(catalogue["dataset"]):
        if not isinstance(record, dict) or not isinstance(record.get("identifier"), str) \
                or not record["identifier"].strip():
            raise ValueError(f"DCAT-US dataset #{position} has no identifier")
        if (record.get("accessLevel") or "public") != "public":
            continue
        if vocabulary.matches_filters(_publishers(record), source.get("organization_filters")):
            yield record


def _publishers(record):
    names, publisher = [], record.get("publisher")
    while isinstance(publisher, dict):
        names.append(publisher.get("name"))
        publisher = publisher.get("subOrganizationOf")
    return names


def remote_id(record):
    return record["identifier"].strip()


def remote_modified(record):
    return vocabulary.iso_timestamp(record.get("modified"))


def _list(value):
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str)]
    return [value] if isinstance(value, str) else []


def _frequency(value):
    if not isinstance(value, str):
        return ""
    repeating = _REPEATING.match(value.strip())
    if repeating:
        return repeating.group(1)
    return vocabulary.frequency(value) or ""


def _spatial(value):
    """(GeoJSON polygon of a bounding box, place name), either may be empty."""
    # ArcGIS Hub leaves its template unrendered ("{{extent:computeSpatialProperty}}") for items
    # without an extent: that is no place.
    if not isinstance(value, str) or not value.strip() or "{{" in value:
        return "", ""
    box = _BBOX.match(value)
    if not box:
        return "", value.strip()
    west, south, east, north = (float(number) for number in box.groups())
    ring = [[west, south], [east, south], [east, north], [west, north], [west, south]]
    return json.dumps({"type": "Polygon", "coordinates": [ring]}), ""


def _resources(record, lang, title):
    resources = []
    for distribution in record.get("distribution") or []:
        if not isinstance(distribution, dict):
            continue
        url = distribution.get("downloadURL") or distribution.get("accessURL")
        if not url:
            continue
        media_type = distribution.get("mediaType") or ""
        label = distribution.get("format") or media_type
        name = distribution.get("title") or (f"{title} ({label.strip()})" if label.strip() else title)
        resources.append({
            "url": url,
            "name_translated": vocabulary.in_language(name, lang),
            "description_translated": vocabulary.in_language(distribution.get("description") or "", lang),
            "format": label,
            "mimetype": media_type,
            "language": [lang],
        })
    return resources


def to_package(record, source):
    declared = next(iter(_list(record.get("language"))), None)
    lang = vocabulary.record_language(declared, source)
    temporal = record.get("temporal") if isinstance(record.get("temporal"), str) else ""
    start, _, end = temporal.partition("/")
    geometry, places = _spatial(record.get("spatial"))
    contact = record.get("contactPoint") if isinstance(record.get("contactPoint"), dict) else {}
    landing_page = record.get("landingPage") or ""
    identifier = remote_id(record)
    title = record.get("title") or identifier
    package = {
        "title_translated": vocabulary.in_language(title, lang),
        "notes_translated": vocabulary.in_language(record.get("description") or "", lang),
        # Keywords are required: a record without any is found by its themes instead.
        "keywords": vocabulary.keywords_in(_list(record.get("keyword")) or _list(record.get("theme")), lang),
        "jurisdiction_level": source["jurisdiction_level"],
        "province_territory": list(source.get("province_territory") or []),
        "subject": vocabulary.subjects(_list(record.get("theme"))),
        "frequency": _frequency(record.get("accrualPeriodicity")),
        "date_published": vocabulary.iso_date(record.get("issued")) or "",
        "date_modified": vocabulary.iso_date(record.get("modified")) or "",
        "temporal_start": vocabulary.iso_date(start) or "",
        "temporal_end": vocabulary.iso_date(end) or "",
        "spatial_coverage": vocabulary.in_language(places, lang),
        "license_id": vocabulary.licence_id(record.get("license") if isinstance(record.get("license"), str) else None)
        or source.get("default_licence") or "",
        "contact_email": vocabulary.email(contact.get("hasEmail")) or "",
        "data_language": [lang],
        "access_level": "open",
        "source_portal": source["portal"],
        "remote_id": identifier,
        "source_url": landing_page or (identifier if identifier.startswith(("http://", "https://")) else ""),
        "resources": _resources(record, lang, title),
    }
    if geometry:
        package["spatial"] = geometry
    return package
