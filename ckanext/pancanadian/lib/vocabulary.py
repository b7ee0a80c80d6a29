"""Remote portals' words read into the profile's values: the federation platform modules and
the DCAT profile's parse side share them.

Pure functions over shipped data (``schemas/licences.json``, ``schemas/federation/vocabulary.yaml``):
licence names and URLs -> licence ids, themes -> subjects, frequencies, language names, dates.
Each returns ``None`` (or an empty list) when it does not recognise its input: the caller then
leaves the field to the source's default instead of guessing.
"""
import datetime
import functools
import html
import json
import os
import re

from ckanext.pancanadian.lib import packaging

_DASHES = re.compile(r"[\u2010-\u2015\u2212]")
_SPACES = re.compile(r"\s+")
_TAGS = re.compile(r"<[^>]*>")
_URL = re.compile(r"https?://[^\s<>\"')]+", re.IGNORECASE)
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?")
_EMAIL = re.compile(r"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$")


def _key(text):
    """Lower-cased, HTML-free, dash- and space-normalised form used for every lookup."""
    text = html.unescape(_TAGS.sub(" ", str(text)))
    return _SPACES.sub(" ", _DASHES.sub("-", text)).strip().lower()


def _url_key(url):
    """``https://www.example.org/a/`` and ``http://example.org/a`` compare equal."""
    url = _key(url).split("#", 1)[0].rstrip("/.,;")
    url = re.sub(r"^https?://", "", url)
    return url[4:] if url.startswith("www.") else url


@functools.lru_cache(maxsize=1)
def _vocabulary():
    return packaging.load_schema_data(os.path.join("federation", "vocabulary.yaml"))


@functools.lru_cache(maxsize=1)
def _licence_keys():
    """{normalised title or URL: licence id} from licences.json and the vocabulary's aliases."""
    with open(os.path.join(packaging.SCHEMAS_DIRECTORY, "licences.json"), encoding="utf-8") as source:
        register = json.load(source)
    by_title, by_url = {}, {}
    for licence in register:
        for field in ("title", "title_fr"):
            if licence.get(field):
                by_title[_key(licence[field])] = licence["id"]
        for field in ("url", "url_fr"):
            if licence.get(field):
                by_url[_url_key(licence[field])] = licence["id"]
    known = {licence["id"] for licence in register}
    for licence_id, aliases in (_vocabulary().get("licences") or {}).items():
        if licence_id not in known:
            raise ValueError(f"vocabulary.yaml names licence {licence_id!r}, which licences.json lacks")
        for alias in aliases:
            if _URL.match(alias):
                by_url[_url_key(alias)] = licence_id
            else:
                by_title[_key(alias)] = licence_id
    return by_title, by_url


def licence_id(*texts):
    """The licences.json id that a licence name, URL, or text holding a URL names, else None.

    Several texts (e.g. a name and a URL) are tried in order; the first recognised wins."""
    by_title, by_url = _licence_keys()
    for text in texts:
        if not text or not isinstance(text, str):
            continue
        if _key(text) in by_title:
            return by_title[_key(text)]
        for url in _URL.findall(html.unescape(text)):
            if _url_key(url) in by_url:
                return by_url[_url_key(url)]
    return None


def subjects(themes):
    """Our subjects for remote themes/categories, in first-seen order; unknown themes ignored."""
    table = {_key(theme): value for theme, value in (_vocabulary().get("subjects") or {}).items()}
    found = []
    for theme in themes or []:
        if not isinstance(theme, str):
            continue
        mapped = table.get(_key(theme))
        for subject in mapped if isinstance(mapped, list) else [mapped] if mapped else []:
            if subject not in found:
                found.append(subject)
    return found


def frequency(text):
    """An ISO 8601 duration or pc_frequency keyword for a remote frequency name, else None."""
    if not isinstance(text, str) or not text.strip():
        return None
    table = {_key(name): value for name, value in (_vocabulary().get("frequencies") or {}).items()}
    return table.get(_key(text))


def language(text):
    """``en`` / ``fr`` for a language code or name (``English``, ``fra``, ``fr-CA``), else None."""
    if not isinstance(text, str) or not text.strip():
        return None
    table = {_key(name): value for name, value in (_vocabulary().get("languages") or {}).items()}
    key = _key(text)
    return table.get(key) or table.get(key.replace("_", "-").split("-", 1)[0])


def iso_date(value):
    """``YYYY-MM-DD`` of an ISO 8601 date or date-time (``2022-07-29T10:07:13.000Z``,
    ``2019-06-27 12:41:27``), else None. The calendar date is the source's, not converted to
    another time zone: portals publish the day they mean."""
    if not isinstance(value, str):
        return None
    match = _ISO_DATE.match(value.strip())
    if not match:
        return None
    try:
        return datetime.date(int(match.group(1)), int(match.group(2)), int(match.group(3))).isoformat()
    except ValueError:
        return None


def email(value):
    """A plain address from ``mailto:a@b.ca`` or ``a@b.ca``, else None."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    if text.lower().startswith("mailto:"):
        text = text[len("mailto:"):]
    return text if _EMAIL.match(text) else None


def record_language(declared, source):
    """The language a record is written in: what the record declares when we recognise it,
    else the source's (``en`` for a bilingual source whose records do not say)."""
    recognised = language(declared) if isinstance(declared, str) else None
    if recognised:
        return recognised
    return source.get("language") if source.get("language") in ("en", "fr") else "en"


def in_language(text, lang):
    """A fluent dict holding ``text`` in ``lang`` only; the other language stays empty, never
    a copy (a translation is the source's to make, or a person's)."""
    texts = {"en": "", "fr": ""}
    texts[lang] = text or ""
    return texts


def keywords_in(words, lang):
    """{"en": [...], "fr": [...]} with the distinct non-blank ``words`` under ``lang`` only
    (a single string counts as one keyword, not as its letters)."""
    kept = []
    for word in [words] if isinstance(words, str) else words or []:
        if isinstance(word, str) and word.strip() and word.strip() not in kept:
            kept.append(word.strip())
    out = {"en": [], "fr": []}
    out[lang] = kept
    return out


def iso_timestamp(value):
    """An ISO 8601 date-time (or date) as the source gave it, with a space separator read as
    ``T`` (``2019-06-27 12:41:27`` -> ``2019-06-27T12:41:27``); None when it is not one."""
    if not isinstance(value, str) or not iso_date(value):
        return None
    text = value.strip()
    return text[:10] + "T" + text[11:] if len(text) > 10 and text[10] == " " else text


def matches_filters(publishers, filters):
    """True when no organization filter is set, or one of the record's publisher names equals
    one of them (case and spacing ignored)."""
    wanted = {_key(name) for name in filters or [] if isinstance(name, str) and name.strip()}
    if not wanted:
        return True
    return any(_key(name) in wanted for name in publishers if isinstance(name, str))
