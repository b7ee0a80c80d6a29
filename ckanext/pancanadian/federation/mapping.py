"""What every platform's record goes through after ``to_package``: safe text, controlled codes,
a deterministic name, the owner organization and a content hash. Pure: no database, no network.

The result is then saved with package_create / package_update, i.e. through the profile's
validators, exactly as a publisher's form is.
"""
import hashlib
import html
import html.parser
import json
import re
import urllib.parse

from ckanext.pancanadian.lib import packaging, vocabulary

# Bump when the mapping changes what it produces: every record's hash changes with it, so the
# next harvest updates every dataset once instead of skipping them as unchanged.
MAPPING_VERSION = "1"
LANGUAGES = ("en", "fr")
NAME_MAX = 100
TAG_MIN, TAG_MAX = 2, 100
_SAFE_SCHEMES = ("http", "https", "ftp")

_tables = {}


def _table(name):
    if name not in _tables:
        if name == "formats":
            _tables[name] = {str(k).lower(): v
                             for k, v in packaging.load_schema_data("formats.yaml")["aliases"].items()}
        else:
            presets = packaging.load_schema_data("profile_presets.yaml")["presets"]
            preset = next(p for p in presets if p["preset_name"] == name)
            _tables[name] = [choice["value"] for choice in preset["values"]["choices"]]
    return _tables[name]


class MappingError(ValueError):
    """A remote record that cannot become a dataset; ``errors`` is field -> [messages]."""

    def __init__(self, errors):
        self.errors = errors
        super().__init__("; ".join(f"{field}: {' '.join(messages)}" for field, messages in errors.items()))


# --------------------------------------------------------------------------- safe text
class _TextExtractor(html.parser.HTMLParser):
    """Text content of an HTML fragment: scripts, styles and embedded objects dropped, block
    elements become line breaks."""

    DROPPED = {"script", "style", "iframe", "object", "embed", "template", "noscript", "svg", "math"}
    BLOCKS = {"p", "div", "br", "li", "ul", "ol", "tr", "h1", "h2", "h3", "h4", "h5", "h6",
              "blockquote", "pre", "table", "section", "article"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts = []
        self.dropping = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.DROPPED:
            self.dropping += 1
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_startendtag(self, tag, attrs):
        if tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in self.DROPPED:
            self.dropping = max(0, self.dropping - 1)
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self.dropping:
            self.parts.append(data)


_UNSAFE_LINK = re.compile(r"\]\(\s*(?:javascript|vbscript|data)\s*:(?:[^()]|\([^()]*\))*\)", re.IGNORECASE)
_UNSAFE_SCHEME = re.compile(r"\b(?:javascript|vbscript)\s*:", re.IGNORECASE)
_BLANK_LINES = re.compile(r"\n\s*\n\s*\n+")


def safe_text(value):
    """Plain text (Markdown kept) from remote text that may hold HTML, entities or script:
    tags removed, script/style content dropped, javascript:/data: links neutralised."""
    if not isinstance(value, str) or not value:
        return ""
    if "<" in value or "&" in value:
        extractor = _TextExtractor()
        extractor.feed(value)
        extractor.close()
        value = "".join(extractor.parts)
    value = html.unescape(value).replace("\r\n", "\n").replace("\x00", "")
    # A second pass: entity-encoded markup ("&lt;script&gt;") decodes into tags above.
    if "<" in value and re.search(r"<\s*/?\s*[a-zA-Z!]", value):
        return safe_text(value.replace("&", "&amp;"))
    value = _UNSAFE_LINK.sub("]()", value)
    value = _UNSAFE_SCHEME.sub("", value)
    return _BLANK_LINES.sub("\n\n", value).strip()


def safe_url(value):
    """``value`` when it is an absolute http(s)/ftp URL, else ""."""
    if not isinstance(value, str):
        return ""
    value = value.strip()
    parsed = urllib.parse.urlsplit(value)
    return value if parsed.scheme.lower() in _SAFE_SCHEMES and parsed.netloc else ""


def _bilingual(value):
    value = value if isinstance(value, dict) else {}
    return {lang: safe_text(value.get(lang)) for lang in LANGUAGES}


def _keyword(raw):
    # CKAN tags allow letters, digits, spaces, - _ and . only.
    text = re.sub(r"[^\w \-.]+", " ", safe_text(raw))
    text = re.sub(r"\s+", " ", text).strip()[:TAG_MAX].strip()
    return text if len(text) >= TAG_MIN else ""


def _keywords(value):
    value = value if isinstance(value, dict) else {}
    cleaned = {}
    for lang in LANGUAGES:
        seen = []
        for raw in value.get(lang) or []:
            keyword = _keyword(raw)
            if keyword and keyword.lower() not in (k.lower() for k in seen):
                seen.append(keyword)
        cleaned[lang] = seen
    return cleaned


# --------------------------------------------------------------------------- controlled codes
_DURATION = re.compile(r"^P(?=\d|T\d)(?:\d+Y)?(?:\d+M)?(?:\d+W)?(?:\d+D)?(?:T(?=\d)(?:\d+H)?(?:\d+M)?(?:\d+S)?)?$")
FREQUENCY_KEYWORDS = ("as_needed", "irregular", "not_planned", "unknown")


def frequency(raw):
    text = str(raw or "").strip()
    if text in FREQUENCY_KEYWORDS or _DURATION.match(text):
        return text
    return vocabulary.frequency(text) or "unknown"


def subjects(raw):
    codes = _table("pc_subject")
    terms = [str(term).strip() for term in raw] if isinstance(raw, list) else []
    found = []
    for code in [term for term in terms if term in codes] + vocabulary.subjects(
            [term for term in terms if term not in codes]):
        if code not in found:
            found.append(code)
    return found


def resource_format(raw):
    """The controlled format for a remote spelling (via schemas/formats.yaml), else "other"."""
    choices = {value.lower(): value for value in _table("pc_resource_format")}
    text = str(raw or "").strip().lower().lstrip(".")
    if not text:
        return "other"
    return choices.get(text) or _table("formats").get(text) or "other"


def licence(raw, default, known):
    """A licence id of the portal's list: the remote one, one it names, or the default."""
    text = str(raw or "").strip()
    if text in known:
        return text
    named = vocabulary.licence_id(text)
    return named if named in known else (default or "")


def iso_date(raw):
    """YYYY-MM-DD from an ISO date or datetime, else ""."""
    return vocabulary.iso_date(str(raw or "").strip()) or ""


# --------------------------------------------------------------------------- identity
def package_name(portal, remote_id):
    """The CKAN name of (portal, remote id): readable when the id allows, always unique."""
    slug = re.sub(r"[^a-z0-9_-]+", "-", f"{portal}-{remote_id}".lower()).strip("-")
    if slug == f"{portal}-{remote_id}" and len(slug) <= NAME_MAX:
        return slug
    digest = hashlib.sha256(f"{portal}\x00{remote_id}".encode()).hexdigest()[:12]
    return f"{slug[:NAME_MAX - 13].rstrip('-')}-{digest}"


def source_fingerprint(source):
    """Fingerprint of the source's settings and the mapping version: when it changes, every
    dataset of the source may change."""
    digest = hashlib.sha256(MAPPING_VERSION.encode())
    digest.update(json.dumps(source, sort_keys=True, ensure_ascii=False, default=str).encode())
    return digest.hexdigest()


def content_hash(record, fingerprint):
    """Fingerprint of what a dataset is made from: the remote record and the source's
    ``fingerprint`` (its settings and the mapping version). Equal fingerprints give equal
    datasets."""
    digest = hashlib.sha256(fingerprint.encode())
    digest.update(json.dumps(record, sort_keys=True, ensure_ascii=False, default=str).encode())
    return digest.hexdigest()


# --------------------------------------------------------------------------- the dataset
def _resource(raw, position, default_language):
    url = safe_url(raw.get("url"))
    if not url:
        raise MappingError({f"resources.{position}.url": [f"not an http(s) URL: {str(raw.get('url'))[:200]!r}"]})
    fmt = resource_format(raw.get("format"))
    kind = raw.get("resource_type")
    if kind not in _table("pc_resource_type"):
        kind = "website" if fmt == "HTML" else "dataset"
    language = [lang for lang in raw.get("language") or [] if lang in _table("pc_data_language")]
    return {
        "url": url,
        "name_translated": _bilingual(raw.get("name_translated")),
        "description_translated": _bilingual(raw.get("description_translated")),
        "format": fmt,
        "resource_type": kind,
        "language": language or default_language,
    }


def finalize(raw, source, *, owner_org, known_licences):
    """The dataset dict to save for ``raw`` (a platform's ``to_package`` output)."""
    data_language = [lang for lang in raw.get("data_language") or [] if lang in _table("pc_data_language")]
    package = {
        "name": package_name(source["portal"], raw["remote_id"]),
        "owner_org": owner_org,
        "private": False,
        "title_translated": _bilingual(raw.get("title_translated")),
        "notes_translated": _bilingual(raw.get("notes_translated")),
        "keywords": _keywords(raw.get("keywords")),
        "jurisdiction_level": raw.get("jurisdiction_level") or source.get("jurisdiction_level") or "",
        # The source's settings stand in for what a record does not say (a municipal portal's
        # records rarely name their province; many portals have no themes).
        "province_territory": [code for code in raw.get("province_territory") or source.get("province_territory") or []
                               if code in _table("pc_province_territory")],
        "subject": subjects(raw.get("subject")) or list(source.get("default_subject") or []),
        "frequency": frequency(raw.get("frequency")),
        # A source without a publication date: its earliest date, the last modification.
        "date_published": iso_date(raw.get("date_published")) or iso_date(raw.get("date_modified")),
        "date_modified": iso_date(raw.get("date_modified")),
        "temporal_start": iso_date(raw.get("temporal_start")),
        "temporal_end": iso_date(raw.get("temporal_end")),
        "license_id": licence(raw.get("license_id"), source.get("default_licence"), known_licences),
        "contact_email": safe_text(raw.get("contact_email")),
        "data_language": data_language,
        "access_level": "open",
        "source_portal": source["portal"],
        "remote_id": str(raw["remote_id"]),
        "source_url": safe_url(raw.get("source_url")),
        "resources": [_resource(resource, position, data_language)
                      for position, resource in enumerate(raw.get("resources") or [])],
    }
    if isinstance(raw.get("spatial_coverage"), dict):
        package["spatial_coverage"] = _bilingual(raw["spatial_coverage"])
    return package
