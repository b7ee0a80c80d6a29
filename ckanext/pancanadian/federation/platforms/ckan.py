"""CKAN portals (open.canada.ca and its ``*_translated`` fields, or plain monolingual CKANs).

Listing: ``package_search`` sorted by ``id`` with keyset pagination (``fq=id:{last TO *]``), so
a dataset created, updated or deleted at the source during the run never shifts a page and
hides another dataset (offset paging does, and a hidden dataset would look deleted). With
``iter_modified`` the same listing is narrowed to ``metadata_modified:[since TO *]``.
"""
import json

NAME = "ckan"
TITLE = {"en": "CKAN", "fr": "CKAN"}
ROWS = 100
LANGUAGES = ("en", "fr")


def _api(source, action):
    return source["url"].rstrip("/") + "/api/3/action/" + action


def _filter_query(source, after, since):
    clauses = []
    if since is not None:
        clauses.append("metadata_modified:[" + since.strftime("%Y-%m-%dT%H:%M:%SZ") + " TO *]")
    organizations = [name for name in source.get("organization_filters") or [] if name]
    if organizations:
        clauses.append("organization:(" + " OR ".join(json.dumps(name) for name in organizations) + ")")
    if after is not None:
        clauses.append("id:{" + json.dumps(after) + " TO *]")
    return " AND ".join(clauses)


def _page(payload, rows):
    """The results of one package_search answer; ValueError when it is not one."""
    if not isinstance(payload, dict) or payload.get("success") is not True:
        raise ValueError("not a successful CKAN API answer")
    result = payload.get("result")
    if not isinstance(result, dict) or not isinstance(result.get("results"), list) \
            or not isinstance(result.get("count"), int):
        raise ValueError("package_search answer without result.count and result.results")
    results = result["results"]
    if any(not isinstance(record, dict) or not record.get("id") for record in results):
        raise ValueError("package_search result without an id")
    # A short page is the last one; it must then hold every remaining match.
    if len(results) < rows and len(results) != result["count"]:
        raise ValueError(f"truncated page: {len(results)} results of {result['count']} announced")
    return results


def iter_records(fetch_json, source):
    return _listing(fetch_json, source, None)


def iter_modified(fetch_json, source, since):
    """The records modified at or after ``since`` (a naive UTC datetime)."""
    return _listing(fetch_json, source, since)


def _listing(fetch_json, source, since):
    after = None
    while True:
        params = {"rows": ROWS, "sort": "id asc"}
        query = _filter_query(source, after, since)
        if query:
            params["fq"] = query
        results = _page(fetch_json(_api(source, "package_search"), params), ROWS)
        yield from results
        if len(results) < ROWS:
            return
        after = results[-1]["id"]


def remote_id(record):
    return str(record["id"])


def remote_modified(record):
    return record.get("metadata_modified") or None


def _language(source):
    return source.get("language") if source.get("language") in LANGUAGES else None


def _translated(record, field, source):
    """``{"en", "fr"}`` from ``<field>_translated`` when the portal has it; else the plain field
    in the source's language, the other language left empty."""
    translated = record.get(f"{field}_translated")
    if isinstance(translated, dict) and any(translated.get(lang) for lang in LANGUAGES):
        return {lang: translated.get(lang) or "" for lang in LANGUAGES}
    return _monolingual(record.get(field), source)


def _monolingual(text, source):
    lang = _language(source) or "en"
    return {other: (text or "") if other == lang else "" for other in LANGUAGES}


def _keywords(record, source):
    keywords = record.get("keywords")
    if isinstance(keywords, dict) and any(keywords.get(lang) for lang in LANGUAGES):
        return {lang: list(keywords.get(lang) or []) for lang in LANGUAGES}
    tags = [tag.get("display_name") or tag.get("name") for tag in record.get("tags") or []
            if isinstance(tag, dict)]
    lang = _language(source) or "en"
    return {other: [tag for tag in tags if tag] if other == lang else [] for other in LANGUAGES}


def _subjects(record):
    """Remote subject terms, raw: open.canada.ca ``subject`` codes, Toronto ``topics``, groups."""
    terms = []
    subject = record.get("subject")
    if isinstance(subject, list):
        terms.extend(str(code) for code in subject)
    topics = record.get("topics")
    if isinstance(topics, str):
        terms.extend(topic.strip() for topic in topics.split(",") if topic.strip())
    for group in record.get("groups") or []:
        if isinstance(group, dict):
            terms.append(group.get("name") or group.get("title") or "")
    return [term for term in terms if term]


def _email(record):
    for key in ("maintainer_email", "author_email", "owner_email"):
        if record.get(key):
            return record[key]
    # Some CKANs (EnviDat) keep the maintainer as a JSON object in a text field.
    try:
        maintainer = json.loads(record.get("maintainer") or "")
    except (TypeError, ValueError):
        return None
    return maintainer.get("email") if isinstance(maintainer, dict) else None


def _data_language(source):
    lang = _language(source)
    return [lang] if lang else list(LANGUAGES)


def _resource(resource, source):
    language = resource.get("language")
    if isinstance(language, str):
        language = [language] if language else []
    return {
        "url": resource.get("url") or "",
        "name_translated": _translated(resource, "name", source),
        "description_translated": _translated(resource, "description", source),
        "format": resource.get("format") or "",
        "language": [lang for lang in language or [] if isinstance(lang, str)] or _data_language(source),
        "resource_type": resource.get("resource_type") or "",
    }


def to_package(record, source):
    portal_root = source["url"].rstrip("/")
    return {
        "title_translated": _translated(record, "title", source),
        "notes_translated": _translated(record, "notes", source),
        "keywords": _keywords(record, source),
        "jurisdiction_level": source.get("jurisdiction_level"),
        "province_territory": list(source.get("province_territory") or []),
        "subject": _subjects(record),
        "frequency": record.get("frequency") or record.get("refresh_rate") or "",
        "date_published": record.get("date_published") or record.get("metadata_created") or "",
        "date_modified": record.get("metadata_modified") or "",
        "temporal_start": record.get("time_period_coverage_start") or "",
        "temporal_end": record.get("time_period_coverage_end") or "",
        "license_id": record.get("license_id") or "",
        "contact_email": _email(record) or "",
        "data_language": _data_language(source),
        "access_level": "open",
        "source_portal": source["portal"],
        "remote_id": remote_id(record),
        "source_url": f"{portal_root}/dataset/{record.get('name') or record['id']}",
        "resources": [_resource(resource, source) for resource in record.get("resources") or []
                      if isinstance(resource, dict)],
    }
