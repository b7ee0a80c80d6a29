"""fluent-compatible validators: the names, inputs and stored shape of ckanext-fluent.

Input, per field, in any of three forms: a dict ``{"en": ..., "fr": ...}``, the same dict as a
JSON string, or form inputs named ``<field>-<lang>``. Stored as a JSON string. ``required: true``
means every form language is required, but only when the dataset is (or becomes) public and
active: a draft or private dataset may be saved with one language (the publication rule).
"""
import json

import ckan.plugins.toolkit as tk
from ckanext.scheming.validation import scheming_validator, validators_from_string

from ckanext.pancanadian.bilingual import values
from ckanext.pancanadian.lib import languages

missing = tk.missing
_ = tk._

CORE_SUFFIX = "_translated"
DEFAULT_MAX_LENGTH = 100_000
MAX_TAGS_PER_LANGUAGE = 200


class _Rejected(Exception):
    """The whole value is unusable; the message goes to the field's errors."""


def form_languages(field=None, schema=None):
    """The languages a field is entered in: the field's, the schema's, or the portal's."""
    for source in (field, schema):
        if source and source.get("form_languages"):
            return [languages.normalize_tag(lang) or lang for lang in source["form_languages"]]
    return languages.portal_languages()


def alternate_languages(field=None, schema=None):
    """Tags accepted in place of a required language, e.g. ``{"fr": ["fr-t-en"]}``."""
    for source in (field, schema):
        if source and "alternate_languages" in source:
            return source["alternate_languages"]
    return {}


def _publication_requested(data, context):
    """True when the record is, or is about to become, public and active."""
    package = context.get("package")
    private = data.get(("private",), missing)
    if private in (missing, None, ""):
        private = package.private if package is not None else False
    state = data.get(("state",), missing)
    if state in (missing, None, ""):
        state = package.state if package is not None else "active"
    return not tk.asbool(private) and not str(state).startswith("draft")


def _form_inputs(key, data):
    """``{lang: raw}`` from form inputs named ``<field>-<lang>``, and where they live."""
    extras = data.get(key[:-1] + ("__extras",), {})
    prefix = key[-1] + "-"
    return {name[len(prefix):]: raw for name, raw in extras.items() if name.startswith(prefix)}, extras


def _decode(value):
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            raise _Rejected(
                _('Expected a JSON object of language codes and text, for example {"en": "Water", "fr": "Eau"}')
            )
    if not isinstance(value, dict):
        raise _Rejected(
            _('Expected a JSON object of language codes and text, for example {"en": "Water", "fr": "Eau"}')
        )
    return value


def _language_tag(raw, problems):
    tag = languages.normalize_tag(raw)
    if tag is None:
        problems.append(
            _('"{code}" is not a language code (use BCP 47 codes such as en, fr or fr-CA)').format(code=raw)
        )
    return tag


def _missing_languages(present, required, alternates):
    filled = {languages.normalize_tag(tag) for tag, value in present.items() if values.is_filled(value)}
    return [
        lang for lang in required
        if languages.normalize_tag(lang) not in filled
        and not any(languages.normalize_tag(alt) in filled for alt in alternates.get(lang, []))
    ]


def requirement_errors(field, schema, present, data, context):
    """Messages per missing language, or a message when nothing at all was given."""
    if not field.get("required"):
        return {}
    # Federation saves a monolingual source's records with only that language required: the
    # other language stays empty rather than being copied (context set by the harvester).
    required = context.get("pancanadian_required_languages") or form_languages(field, schema)
    lacking = _missing_languages(present, required, alternate_languages(field, schema))
    if not lacking:
        return {}
    if _publication_requested(data, context):
        return {
            lang: _("{language} is required before this can be public").format(language=languages.label(lang))
            for lang in lacking
        }
    if len(lacking) == len(required):
        return {None: _("Enter this field in at least one language")}
    return {}


def _record(errors, key, per_language, form_mode):
    """Put requirement errors on the form input of each language, or on the field itself."""
    for lang, message in per_language.items():
        if form_mode and lang is not None:
            errors[key[:-1] + (f"{key[-1]}-{lang}",)] = [message]
        else:
            errors[key].append(message)


def _fill_core_field(field, key, data, stored):
    """``title_translated`` also fills core ``title`` in the default locale (fluent_core_translated)."""
    if not key[-1].endswith(CORE_SUFFIX) or "fluent_core_translated_output" not in str(
        field.get("output_validators", "")
    ):
        return
    core_key = key[:-1] + (key[-1][: -len(CORE_SUFFIX)],)
    default_lang = tk.config.get("ckan.locale_default", "en")
    data[core_key] = values.text_in(stored, default_lang, languages.portal_languages(), default_lang)


def _make_validator(field, schema, clean_one):
    """Shared skeleton of fluent_text and fluent_tags: decode, check each language, enforce
    requirements, store JSON. ``clean_one(raw, lang, problems)`` returns the cleaned
    value of one language."""

    def validator(key, data, errors, context):
        if errors[key]:
            return
        inputs, extras = _form_inputs(key, data)
        form_mode = bool(inputs)
        problems = []
        if form_mode:
            raw_values = inputs
        else:
            value = data[key]
            if value in (missing, None, ""):
                raw_values = {}
            else:
                try:
                    raw_values = _decode(value)
                except _Rejected as rejected:
                    errors[key].append(str(rejected))
                    return

        cleaned = {}
        for raw_tag, raw in raw_values.items():
            tag = _language_tag(raw_tag, problems)
            if tag is None:
                continue
            # Stored as sent (blank values and tag case included), as fluent stores them;
            # only spellings fluent would refuse (zh_CN, EN) are stored normalized.
            cleaned[raw_tag if languages.is_stored_as_sent(raw_tag) else tag] = clean_one(raw, tag, problems)
        if problems:
            errors[key].extend(problems)
            return

        requirement = requirement_errors(field, schema, cleaned, data, context)
        if requirement:
            _record(errors, key, requirement, form_mode)
            return
        for name in inputs:
            extras.pop(f"{key[-1]}-{name}", None)
        data[key] = json.dumps(cleaned, ensure_ascii=False)
        _fill_core_field(field, key, data, cleaned)

    return validator


@scheming_validator
def fluent_text(field, schema):
    limit = int(field.get("max_length", DEFAULT_MAX_LENGTH))

    def clean_one(raw, tag, problems):
        if raw is None:
            return ""
        if not isinstance(raw, str):
            problems.append(_("The {language} value must be text").format(language=languages.label(tag)))
            return ""
        if len(raw) > limit:
            problems.append(
                _("The {language} value is too long ({length} characters; the limit is {limit})").format(
                    language=languages.label(tag), length=len(raw), limit=limit
                )
            )
            return ""
        return raw

    return _make_validator(field, schema, clean_one)


@scheming_validator
def fluent_tags(field, schema):
    tag_validators = (
        validators_from_string(field["tag_validators"], field, schema)
        if "tag_validators" in field
        else [tk.get_validator("tag_length_validator"), tk.get_validator("tag_name_validator")]
    )

    def clean_one(raw, tag, problems):
        if raw is None:
            return []
        if isinstance(raw, str):  # form input, or a lenient API client: comma-separated
            raw = raw.split(",")
        if not isinstance(raw, list) or not all(isinstance(item, str) for item in raw):
            problems.append(
                _("The {language} keywords must be a list of text").format(language=languages.label(tag))
            )
            return []
        keywords = [item.strip() for item in raw if item.strip()]
        if len(keywords) > MAX_TAGS_PER_LANGUAGE:
            problems.append(
                _("Too many {language} keywords ({count}; the limit is {limit})").format(
                    language=languages.label(tag), count=len(keywords), limit=MAX_TAGS_PER_LANGUAGE
                )
            )
            return []
        for keyword in keywords:
            for check in tag_validators:
                try:
                    check(keyword, {})
                except tk.Invalid as invalid:
                    problems.append(f"{languages.label(tag)}: {invalid.error}")
        return keywords

    return _make_validator(field, schema, clean_one)


def fluent_text_output(value):
    """Stored JSON -> dict; a plain string from before the field was bilingual is the default
    language."""
    return values.as_dict(value, tk.config.get("ckan.locale_default", "en"))


def fluent_tags_output(value):
    return values.as_dict(value, tk.config.get("ckan.locale_default", "en"))


@scheming_validator
def fluent_core_translated_output(field, schema):
    if not field["field_name"].endswith(CORE_SUFFIX):
        raise ValueError(f'fluent_core_translated_output needs a field named *{CORE_SUFFIX}, not {field["field_name"]}')

    def validator(key, data, errors, context):
        data[key] = fluent_text_output(data[key])
        core_key = key[:-1] + (key[-1][: -len(CORE_SUFFIX)],)
        if core_key in data:
            default_lang = tk.config.get("ckan.locale_default", "en")
            data[core_key] = values.text_in(data[key], default_lang, languages.portal_languages(), default_lang)

    return validator


def all_validators():
    return {
        "fluent_text": fluent_text,
        "fluent_text_output": fluent_text_output,
        "fluent_tags": fluent_tags,
        "fluent_tags_output": fluent_tags_output,
        "fluent_core_translated_output": fluent_core_translated_output,
    }
