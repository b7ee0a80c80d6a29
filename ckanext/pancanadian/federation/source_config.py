"""The per-source configuration of a federation harvest source (the JSON of the harvest source
form's "Configuration" field), its validation and the ``source`` dict platform modules receive.

Keys: ``jurisdiction_level`` (required), ``province_territory`` (list of codes),
``default_licence``, ``organization_filters`` (list of remote organization names), ``language``
(``en``, ``fr`` or ``bilingual``, default bilingual), ``max_delete_fraction`` (0–1, default
0.1), ``title_fr`` (the portal's French name, when it has one), ``complete_listing_days``
(default 1: on a platform that can list only the records modified since a date, a run lists
the whole catalogue, which is what reveals withdrawals, once this many days have passed since
the last complete listing, and only the modified records otherwise; 0: always complete).
"""
import json

import ckan.model as model
import ckan.plugins.toolkit as tk

from ckanext.pancanadian.federation import mapping

LANGUAGES = ("en", "fr", "bilingual")
DEFAULT_MAX_DELETE_FRACTION = 0.1
DEFAULT_COMPLETE_LISTING_DAYS = 1
KEYS = ("jurisdiction_level", "province_territory", "default_licence", "default_subject",
        "organization_filters", "language", "max_delete_fraction", "title_fr", "complete_listing_days")


class ConfigError(ValueError):
    """Invalid source configuration; ``errors`` is key -> [messages] in the user's language."""

    def __init__(self, errors):
        self.errors = errors
        super().__init__(" ".join(f"{key}: {' '.join(messages)}" for key, messages in errors.items()))


def parse(text):
    """The configuration as a dict with defaults filled in; ConfigError when it is not valid."""
    _ = tk._
    errors = {}
    try:
        config = json.loads(text) if text and str(text).strip() else {}
    except ValueError:
        raise ConfigError({"config": [_("The configuration is not valid JSON.")]})
    if not isinstance(config, dict):
        raise ConfigError({"config": [_("The configuration must be a JSON object.")]})
    unknown = sorted(set(config) - set(KEYS))
    if unknown:
        errors["config"] = [_("Unknown keys: {keys}. Allowed keys: {allowed}.").format(
            keys=", ".join(unknown), allowed=", ".join(KEYS))]
    levels = mapping._table("pc_jurisdiction_level")
    if config.get("jurisdiction_level") not in levels:
        errors["jurisdiction_level"] = [_("Choose one of: {choices}.").format(choices=", ".join(levels))]
    codes = mapping._table("pc_province_territory")
    provinces = config.setdefault("province_territory", [])
    if not isinstance(provinces, list) or any(code not in codes for code in provinces):
        errors["province_territory"] = [_("Give a list of province or territory codes among: {choices}.").format(
            choices=", ".join(codes))]
    licence = config.get("default_licence")
    if licence and model.Package.get_license_register().get(licence) is None:
        errors["default_licence"] = [_("This licence is not in the portal's licence list.")]
    subjects = mapping._table("pc_subject")
    default_subject = config.setdefault("default_subject", [])
    if not isinstance(default_subject, list) or any(code not in subjects for code in default_subject):
        errors["default_subject"] = [_("Give a list of subject codes among: {choices}.").format(
            choices=", ".join(subjects))]
    filters = config.setdefault("organization_filters", [])
    if not isinstance(filters, list) or not all(isinstance(name, str) and name for name in filters):
        errors["organization_filters"] = [_("Give a list of organization names.")]
    language = config.setdefault("language", "bilingual")
    if language not in LANGUAGES:
        errors["language"] = [_("Choose en, fr or bilingual.")]
    fraction = config.setdefault("max_delete_fraction", DEFAULT_MAX_DELETE_FRACTION)
    if isinstance(fraction, bool) or not isinstance(fraction, (int, float)) or not 0 <= fraction <= 1:
        errors["max_delete_fraction"] = [_("Give a number between 0 and 1 (0.1 means 10 %).")]
    days = config.setdefault("complete_listing_days", DEFAULT_COMPLETE_LISTING_DAYS)
    if isinstance(days, bool) or not isinstance(days, (int, float)) or days < 0:
        errors["complete_listing_days"] = [_("Give a number of days, 0 or more (0 lists the whole catalogue every run).")]
    if errors:
        raise ConfigError(errors)
    return config


def source_dict(harvest_source, platform):
    """What a platform module gets as ``source``: the harvest source and its configuration."""
    config = parse(harvest_source.config)
    dataset = model.Package.get(harvest_source.id)
    title = (dataset.title if dataset is not None else "") or harvest_source.title or ""
    return {
        "url": harvest_source.url,
        "portal": dataset.name if dataset is not None else harvest_source.id,
        "title": {"en": title, "fr": config.get("title_fr") or title},
        "platform": platform,
        "jurisdiction_level": config["jurisdiction_level"],
        "province_territory": config["province_territory"],
        "default_licence": config.get("default_licence") or "",
        "default_subject": config["default_subject"],
        "language": config["language"],
        "organization_filters": config["organization_filters"],
    }
