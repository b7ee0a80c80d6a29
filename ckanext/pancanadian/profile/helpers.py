"""Template helpers of the profile: licences and standards in the reader's language."""
import ckan.model as model
import ckan.plugins.toolkit as tk

from ckanext.pancanadian.bilingual.helpers import reader_language
from ckanext.pancanadian.lib import languages
from ckanext.pancanadian.profile import standards


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
    """Scheming choices of the shipped data standards, labels in both languages."""
    return [
        {"value": standard.id, "label": standard.titles} for standard in standards.list_standards()
    ]


def pancanadian_conformance_badge(resource, package, result=None):
    """{state, label, url} of a resource's conformance badge, or None when the resource is not a
    CSV of a standard-following dataset and has no stored report. ``state`` is ``valid``,
    ``invalid``, ``pending``, ``failed`` or ``not_checked``."""
    from ckanext.pancanadian.profile import jobs, reports

    if result is None:
        row = reports.get(resource["id"]) if reports.available() else None
        result = reports.public(row, with_report=False) if row else {"status": "not_checked"}
    if result.get("status") == "not_checked" and (
            jobs.standard_for(resource, package) is None or not jobs.is_csv(resource)):
        return None
    status = result.get("status")
    if status == "done" and result.get("valid"):
        state, label = "valid", tk._("Conforms to the standard")
    elif status == "done":
        count = result.get("error_count") or 0
        state, label = "invalid", tk.ungettext("%(num)s error", "%(num)s errors", count) % {"num": count}
    elif status == "pending":
        state, label = "pending", tk._("Check pending")
    elif status == "failed":
        state, label = "failed", tk._("Could not be checked")
    else:
        state, label = "not_checked", tk._("Not checked")
    url = tk.url_for("pancanadian_profile.conformance_report", id=package.get("name") or package["id"],
                     resource_id=resource["id"])
    return {"state": state, "label": label, "url": url}


def pancanadian_choice_label(field_name, value):
    """The label, in the reader's language, of a choice of a dataset field of the schema."""
    schema = tk.h.scheming_get_dataset_schema("dataset") or {}
    field = next((f for f in schema.get("dataset_fields", []) if f["field_name"] == field_name), None)
    if field is None:
        return value
    for choice in tk.h.scheming_field_choices(field) or []:
        if choice["value"] == value:
            return tk.h.scheming_language_text(choice["label"])
    return value


def all_helpers():
    return {
        "pancanadian_licence_options": pancanadian_licence_options,
        "pancanadian_licence": pancanadian_licence,
        "pancanadian_standard_choices": pancanadian_standard_choices,
        "pancanadian_conformance_badge": pancanadian_conformance_badge,
        "pancanadian_choice_label": pancanadian_choice_label,
    }
