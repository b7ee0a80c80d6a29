"""Template helpers: fluent's helper names for forms, and language-aware display.

Display picks the reader's language first; content shown in another language is wrapped in an
element with its ``lang`` attribute and followed by a visible marker such as "(English)".
"""
from markupsafe import Markup, escape

import ckan.plugins.toolkit as tk
from ckan.lib.i18n import get_lang

from ckanext.pancanadian.bilingual import validators, values
from ckanext.pancanadian.lib import languages


def _default_lang():
    return tk.config.get("ckan.locale_default", "en")


def reader_language():
    """The UI language of the current request (the default locale outside a request)."""
    try:
        return get_lang() or _default_lang()
    except RuntimeError:
        return _default_lang()


def fluent_form_languages(field=None, entity_type=None, object_type=None, schema=None):
    if schema is None and entity_type and object_type and not (field and field.get("form_languages")):
        schema = tk.h.scheming_get_schema(entity_type, object_type)
    return validators.form_languages(field, schema)


def fluent_alternate_languages(field=None, schema=None):
    return validators.alternate_languages(field, schema)


def fluent_form_label(field, lang):
    """The label of one language's input: the schema's fluent_form_label, else "FR Title"."""
    labels = field.get("fluent_form_label") or {}
    if lang in labels:
        return tk.h.scheming_language_text(labels[lang])
    return f"{lang.upper()} {tk.h.scheming_language_text(field.get('label', field['field_name']))}"


def fluent_help_text(field, lang):
    texts = field.get("fluent_help_text") or {}
    if lang in texts:
        return tk.h.scheming_language_text(texts[lang])
    return tk.h.scheming_language_text(field.get("help_text", "")) if field.get("help_text") else ""


def fluent_form_value(data, field, lang):
    """An input's value: what was just submitted (``<field>-<lang>``) or the stored value."""
    submitted = data.get(f"{field['field_name']}-{lang}")
    if submitted is not None:
        return submitted
    stored = values.as_dict(data.get(field["field_name"]), _default_lang()).get(lang, "")
    return ", ".join(stored) if isinstance(stored, list) else stored


def fluent_rendering(value):
    """The Rendering (text, lang, fallback, machine_source) for the reader, or None."""
    return values.choose(value, reader_language(), languages.portal_languages(), _default_lang())


def fluent_marker(rendering):
    """The visible marker of other-language or machine-translated content ('' when none)."""
    if rendering is None:
        return ""
    parts = []
    if rendering.fallback:
        parts.append(languages.AUTONYMS.get(languages.primary(rendering.lang), rendering.lang))
    if rendering.machine_source:
        parts.append(tk._("machine translation"))
    return f"({', '.join(parts)})" if parts else ""


def fluent_html(value, markdown=False):
    """Markup for a fluent value in the reader's language, marked when it is not."""
    rendering = fluent_rendering(value)
    if rendering is None:
        return ""
    marker = fluent_marker(rendering)
    marker_html = Markup(' <span class="pc-lang-marker">{}</span>').format(marker) if marker else ""
    if markdown:
        body = tk.h.render_markdown(rendering.text)
        marker_block = Markup('<p class="pc-lang-marker">{}</p>').format(marker) if marker else ""
        return marker_block + Markup('<div lang="{}">{}</div>').format(rendering.lang, body)
    return Markup('<span lang="{}">{}</span>').format(rendering.lang, escape(rendering.text)) + marker_html


def fluent_text(value):
    """Plain text for the reader (attributes, <title>, truncation): no markup, no marker."""
    rendering = fluent_rendering(value)
    return rendering.text if rendering else ""


@tk.chained_helper
def get_translated(next_helper, data_dict, field):
    """CKAN's get_translated (titles, notes, names across core templates) with the portal's
    fallback order instead of falling straight back to the untranslated core field."""
    translated = data_dict.get(f"{field}_translated")
    if translated:
        text = fluent_text(translated)
        if text:
            return text
    return next_helper(data_dict, field)


def pancanadian_has_dataset_field_errors(errors, schema):
    """Whether errors (of a resource form) name a dataset field, or a language input of one."""
    names = {field["field_name"] for field in schema.get("dataset_fields", [])}
    return any(key in names or key.rsplit("-", 1)[0] in names for key in errors)


def all_helpers():
    return {
        "pancanadian_has_dataset_field_errors": pancanadian_has_dataset_field_errors,
        "fluent_form_languages": fluent_form_languages,
        "fluent_alternate_languages": fluent_alternate_languages,
        "fluent_form_label": fluent_form_label,
        "fluent_help_text": fluent_help_text,
        "fluent_form_value": fluent_form_value,
        "fluent_html": fluent_html,
        "fluent_text": fluent_text,
        "fluent_marker": fluent_marker,
        "fluent_rendering": fluent_rendering,
        "get_translated": get_translated,
    }
