"""Web routes of the profile: the inventory CSV export, conformance report pages, the data
standards pages, their Table Schema download and the combined pan-Canadian CSV."""
import json
import math

from flask import Blueprint, Response, send_file, stream_with_context

import ckan.plugins.toolkit as tk

from ckanext.pancanadian.bilingual import values
from ckanext.pancanadian.lib import web
from ckanext.pancanadian.profile import combine, conformance, inventory, reports, standards

profile = Blueprint("pancanadian_profile", __name__)

DATASETS_SHOWN = 100


def _standard_or_404(standard_id):
    try:
        return standards.get_standard(standard_id)
    except standards.UnknownStandard:
        return tk.abort(404, tk._("Data standard not found"))


@profile.route("/inventory.csv")
def inventory_csv():
    context = web.user_context()
    return Response(
        stream_with_context(inventory.csv_lines(context)),
        mimetype="text/csv",
        headers={"Content-Disposition": "attachment; filename=inventory.csv"},
    )


# ----------------------------------------------------------------------- conformance report
def _page_size():
    return max(1, int(tk.config.get("ckanext.pancanadian.conformance.page_size") or 100))


@profile.route("/dataset/<id>/resource/<resource_id>/conformance", methods=["GET", "POST"])
def conformance_report(id, resource_id):
    context = web.user_context()
    try:
        package = tk.get_action("package_show")(dict(context), {"id": id})
        resource = tk.get_action("resource_show")(dict(context), {"id": resource_id})
        if resource["package_id"] != package["id"]:
            raise tk.ObjectNotFound()
        if tk.request.method == "POST":
            tk.get_action("conformance_check")(dict(context), {"id": resource_id})
            tk.h.flash_success(tk._("A new conformance check is queued."))
            return tk.redirect_to("pancanadian_profile.conformance_report", id=id, resource_id=resource_id)
        result = tk.get_action("conformance_report_show")(dict(context), {"id": resource_id})
    except tk.ObjectNotFound:
        return tk.abort(404, tk._("Resource not found"))
    except tk.NotAuthorized:
        return tk.abort(403, tk._("Not authorized to see this page"))

    lang = web.page_language()
    report = result.get("report") or {}
    errors = conformance.localized_errors(report, lang) if report else []
    size = _page_size()
    pages = max(1, math.ceil(len(errors) / size))
    try:
        page = min(max(1, int(tk.request.args.get("page", 1))), pages)
    except ValueError:
        page = 1
    first = (page - 1) * size
    standard = None
    if result.get("standard_id"):
        try:
            standard = standards.get_standard(result["standard_id"])
        except standards.UnknownStandard:
            standard = None
    fetch_error = report.get("fetch_error")
    return tk.render("pancanadian/profile/conformance_report.html", {
        "pkg": package, "res": resource, "result": result, "report": report,
        "errors": errors[first:first + size], "first": first + 1 if errors else 0,
        "last": first + len(errors[first:first + size]), "stored": len(errors),
        "page": page, "pages": pages, "standard": standard,
        "standard_title": standard.title(lang) if standard else result.get("standard_id"),
        "summary": sorted((report.get("summary") or {}).items()),
        "fetch_error": fetch_error[f"message_{lang}"] if fetch_error else None,
        "can_check": _can("conformance_check", context, {"id": resource_id}),
        "badge": tk.h.pancanadian_conformance_badge(resource, package, result),
    })


def _can(action, context, data_dict):
    try:
        tk.check_access(action, dict(context), data_dict)
    except (tk.NotAuthorized, tk.ObjectNotFound):
        return False
    return True


# -------------------------------------------------------------------------------- standards
def constraints_text(field):
    """The constraints of a field as short, language-neutral text (``required``, ``enum: A, B``)."""
    parts = []
    for key, value in field.constraints.items():
        if isinstance(value, bool):
            if value:
                parts.append(key)
            continue
        if isinstance(value, (list, tuple)):
            value = ", ".join(str(v) for v in value)
        elif hasattr(value, "isoformat"):
            value = value.isoformat()
        parts.append(f"{key}: {value}")
    return parts


@profile.route("/standards")
def standards_index():
    lang = web.page_language()
    return tk.render("pancanadian/profile/standards_index.html", {
        "standards": [
            {"id": s.id, "version": s.version, "title": s.title(lang), "description": s.description(lang),
             "hvd_category": s.hvd_category_label(lang), "status": s.status}
            for s in standards.list_standards()
        ],
    })


def _following(standard, context):
    """Datasets following a standard, with jurisdiction and a conformance summary."""
    found = tk.get_action("package_search")(dict(context), {
        "fq": f'hvd_standard:"{standard.id}"', "rows": DATASETS_SHOWN, "sort": "name asc",
        "include_private": False,
    })
    resource_ids = [r["id"] for d in found["results"] for r in d.get("resources", [])]
    stored = reports.for_resources(resource_ids) if reports.available() else {}
    datasets = []
    for dataset in found["results"]:
        checked = [stored[r["id"]] for r in dataset.get("resources", []) if r["id"] in stored]
        provinces = dataset.get("province_territory") or []
        datasets.append({
            "name": dataset["name"],
            "title": values.as_dict(dataset.get("title_translated")) or {"en": dataset.get("title") or dataset["name"]},
            "jurisdiction_level": dataset.get("jurisdiction_level") or "",
            "province_territory": provinces if isinstance(provinces, list) else [provinces],
            # pancanadian_bilingual embeds the organization's bilingual title in the record
            "publisher": _organization_title(dataset.get("organization") or {}),
            "checked": len(checked),
            "valid": sum(1 for row in checked if row["status"] == "done" and row["valid"]),
            "pending": sum(1 for row in checked if row["status"] == "pending"),
        })
    return datasets, found["count"]


def _organization_title(organization):
    return values.as_dict(organization.get("title_translated")) or {"en": organization.get("title") or ""}


@profile.route("/standards/<standard_id>")
def standard_read(standard_id):
    standard = _standard_or_404(standard_id)
    lang = web.page_language()
    datasets, count = _following(standard, web.user_context())
    return tk.render("pancanadian/profile/standard_read.html", {
        "standard": standard, "title": standard.title(lang), "description": standard.description(lang),
        "hvd_category": standard.hvd_category_label(lang),
        "fields": [
            {"name": f.name, "title_en": f.title("en"), "title_fr": f.title("fr"),
             "description_en": f.description("en"), "description_fr": f.description("fr"),
             "type": f.type, "constraints": constraints_text(f)}
            for f in standard.fields
        ],
        "datasets": datasets, "dataset_count": count,
    })


@profile.route("/standards/<standard_id>/schema.json")
def standard_schema(standard_id):
    standard = _standard_or_404(standard_id)
    lang = tk.request.args.get("lang") or web.page_language()
    lang = "fr" if lang.startswith("fr") else "en"
    body = json.dumps(standard.to_frictionless(lang), ensure_ascii=False, indent=2)
    return Response(body, mimetype="application/json", headers={
        "Content-Disposition": f"attachment; filename={standard.id}-{standard.version}.{lang}.schema.json"})


@profile.route("/standards/<standard_id>/combined.csv")
def combined_csv(standard_id):
    standard = _standard_or_404(standard_id)
    path, _stats = combine.combined(standard)
    return send_file(path, mimetype="text/csv", as_attachment=True,
                     download_name=f"{standard.id}-combined.csv")


def blueprints():
    return [profile]
