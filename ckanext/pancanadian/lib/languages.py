"""The portal's languages: configuration, fallback order and BCP 47 language tags.

Pure functions apart from ``portal_languages`` (reads CKAN's config), so they are unit-tested
without services.
"""
import re

import ckan.plugins.toolkit as tk

# BCP 47 as fluent stores it: an ISO 639 primary subtag (2-3 letters), then subtags such as a region (fr-CA) or the
# transformed-content extension (en-t-fr: English machine-translated from French).
_LANGUAGE_TAG = re.compile(r"^[a-z]{2,3}(?:-[a-z0-9]{1,8})*$")
# What fluent itself accepts as a key: such keys are stored exactly as sent.
_FLUENT_KEY = re.compile(r"^[a-z]{2,3}(?:-[0-9a-zA-Z]{1,8})*$")
_TRANSFORMED = re.compile(r"^(?P<target>[a-z]{2,3})-t-(?P<source>[a-z]{2,3})$")

# Each language named in itself, the way Canadian bilingual sites mark other-language content.
AUTONYMS = {"en": "English", "fr": "français"}


def normalize_tag(tag):
    """Return the canonical form of a language tag, or None when it is not one.

    Accepts CKAN locale spellings (``zh_CN``, ``pt_BR``) and any letter case, since both arrive
    through the API; the stored form is lower-case BCP 47 with hyphens.
    """
    if not isinstance(tag, str):
        return None
    candidate = tag.strip().replace("_", "-").lower()
    return candidate if _LANGUAGE_TAG.match(candidate) else None


def is_stored_as_sent(tag):
    """True for keys fluent accepts unchanged (``fr-CA``); False for ``zh_CN`` or ``EN``."""
    return isinstance(tag, str) and bool(_FLUENT_KEY.match(tag))


def primary(tag):
    """``fr-CA`` -> ``fr``; ``en-t-fr`` -> ``en``."""
    return tag.split("-", 1)[0]


def machine_translation_source(tag):
    """``en-t-fr`` -> ``fr`` (English machine-translated from French); None for other tags."""
    match = _TRANSFORMED.match(tag)
    return match.group("source") if match else None


def portal_languages():
    """The configured languages, in fallback order (``ckanext.pancanadian.languages``)."""
    configured = tk.config.get("ckanext.pancanadian.languages") or ["en", "fr"]
    if isinstance(configured, str):
        configured = configured.split()
    return [normalize_tag(lang) for lang in configured if normalize_tag(lang)]


def fallback_order(preferred, languages):
    """Languages to try for a reader of ``preferred``: theirs first, then the portal's order."""
    preferred = normalize_tag(preferred) or ""
    ordered = [preferred] if preferred else []
    if preferred and primary(preferred) != preferred:
        ordered.append(primary(preferred))
    ordered.extend(lang for lang in languages if lang not in ordered)
    return ordered


def label(tag):
    """A language tag named for people, in the UI language: ``French``, ``English (fr-CA)``…"""
    names = {"en": tk._("English"), "fr": tk._("French")}
    source = machine_translation_source(tag)
    if source:
        return tk._("{language} (machine translation from {source})").format(
            language=names.get(primary(tag), primary(tag)), source=names.get(source, source)
        )
    name = names.get(primary(tag))
    if name is None:
        return tag
    return name if tag == primary(tag) else f"{name} ({tag})"
