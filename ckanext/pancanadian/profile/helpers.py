"""Template helpers of the profile: licences and standards in the reader's language."""
import glob
import os

import ckan.model as model

from ckanext.pancanadian.bilingual.helpers import reader_language
from ckanext.pancanadian.lib import languages, packaging


def _localized(record, key):
    """``title`` / ``title_fr`` style keys of CKAN's licence register, for the reader."""
    lang = languages.primary(reader_language())
    return record.get(f"{key}_{lang}") or record.get(key) or ""


def pancanadian_licence_options():
    """[{value, text}] of the licence register, titles in the reader's language."""
    return [
        {"value": licence.id, "text": _localized(licence.license_dictize(), "title")}
        for licence in model.Package.get_license_register().licenses
    ]


def pancanadian_licence(licence_id):
    """{title, url} of a licence in the reader's language, or None."""
    licence = model.Package.get_license_register().get(licence_id)
    if licence is None:
        return None
    record = licence.license_dictize()
    return {"id": licence_id, "title": _localized(record, "title"), "url": _localized(record, "url")}


def pancanadian_standard_choices(field):
    """Scheming choices of the shipped data standards (schemas/standards/*.yaml)."""
    choices = []
    for path in sorted(glob.glob(os.path.join(packaging.SCHEMAS_DIRECTORY, "standards", "*.yaml"))):
        standard = packaging.load_schema_data(os.path.relpath(path, packaging.SCHEMAS_DIRECTORY))
        choices.append({"value": standard["id"], "label": standard["title"]})
    return choices


def all_helpers():
    return {
        "pancanadian_licence_options": pancanadian_licence_options,
        "pancanadian_licence": pancanadian_licence,
        "pancanadian_standard_choices": pancanadian_standard_choices,
    }
