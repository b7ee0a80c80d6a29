"""Multilingual values as fluent stores them: ``{"en": "...", "fr": "..."}``.

Pure functions: parsing what clients send and choosing what a reader sees.
"""
import json
from typing import NamedTuple, Optional

from ckanext.pancanadian.lib import languages


class Rendering(NamedTuple):
    """What to show a reader: the text, its language, and how it was chosen."""

    text: str
    lang: str
    fallback: bool  # not in the reader's language: mark it as other-language content
    machine_source: Optional[str]  # machine-translated from this language, else None


def as_dict(value, default_lang="en"):
    """The stored value as a dict. Plain strings (data saved before a field became bilingual)
    count as the default language."""
    if isinstance(value, dict):
        return value
    if value in (None, ""):
        return {}
    if isinstance(value, str):
        try:
            decoded = json.loads(value)
        except ValueError:
            return {default_lang: value}
        if isinstance(decoded, dict):
            return decoded
        return {default_lang: value}
    return {}


def is_filled(text):
    """Non-blank text, or a non-empty keyword list."""
    return (isinstance(text, str) and bool(text.strip())) or (isinstance(text, list) and bool(text))


def choose(value, reader_lang, portal_langs, default_lang="en"):
    """Pick the text (or keyword list) a reader of ``reader_lang`` should see, or None when there is none.

    Order: the reader's language (or a regional variant of it), then a machine translation into
    it, then the other languages in portal order (a marked fallback).
    """
    texts = {
        tag: text
        for tag, text in as_dict(value, default_lang).items()
        if is_filled(text) and languages.normalize_tag(tag)
    }
    if not texts:
        return None
    reader = languages.primary(languages.normalize_tag(reader_lang) or default_lang)
    human = [t for t in texts if languages.machine_translation_source(t) is None]
    machine = [t for t in texts if languages.machine_translation_source(t) is not None]

    for tag in human:
        if languages.primary(tag) == reader:
            return Rendering(texts[tag], tag, False, None)
    for tag in machine:
        if languages.primary(tag) == reader:
            return Rendering(texts[tag], reader, False, languages.machine_translation_source(tag))
    order = languages.fallback_order(reader, portal_langs)
    rank = {lang: position for position, lang in enumerate(order)}
    if human:
        tag = min(human, key=lambda t: rank.get(languages.primary(t), len(order)))
        return Rendering(texts[tag], tag, True, None)
    tag = machine[0]
    return Rendering(texts[tag], languages.primary(tag), True, languages.machine_translation_source(tag))


def text_in(value, lang, portal_langs, default_lang="en"):
    """The best plain text of ``value`` for ``lang`` ('' when empty): core title/notes filling."""
    rendering = choose(value, lang, portal_langs, default_lang)
    return rendering.text if rendering else ""
