"""Actions and auth functions of the profile: conformance reports and the combined HVD CSV."""
import ckan.plugins.toolkit as tk

from ckanext.pancanadian.profile import combine, jobs, reports, standards


def _resource_id(data_dict):
    resource_id = data_dict.get("id") or data_dict.get("resource_id")
    if not resource_id:
        raise tk.ValidationError({"id": [tk._("Missing value")]})
    return resource_id


def _standard(data_dict):
    standard_id = data_dict.get("standard") or data_dict.get("id")
    if not standard_id:
        raise tk.ValidationError({"standard": [tk._("Missing value")]})
    try:
        return standards.get_standard(standard_id)
    except standards.UnknownStandard:
        raise tk.ObjectNotFound(tk._("Data standard not found")) from None


# ------------------------------------------------------------------------------- actions
@tk.side_effect_free
def conformance_report_show(context, data_dict):
    """The stored conformance report of a resource.

    :param id: the resource id
    :returns: ``{resource_id, package_id, standard_id, standard_version, status, valid,
        row_count, error_count, checked_at, report}``; ``status`` is ``pending``, ``done``,
        ``failed`` or ``not_checked`` (then the other keys are None).
    """
    resource_id = _resource_id(data_dict)
    tk.check_access("conformance_report_show", context, {"id": resource_id})
    row = reports.get(resource_id)
    if row is None:
        return {"resource_id": resource_id, "status": "not_checked", "valid": None, "report": None}
    return reports.public(row)


def conformance_check(context, data_dict):
    """Queue a conformance check of a resource (even when its file did not change).

    :param id: the resource id
    :returns: ``{resource_id, status, job_id}``; ``status`` is ``pending``, or
        ``not_applicable`` when the resource is not a CSV of a standard-following dataset.
    """
    resource_id = _resource_id(data_dict)
    tk.check_access("conformance_check", context, {"id": resource_id})
    job = jobs.maybe_enqueue(resource_id, force=True)
    return {"resource_id": resource_id, "status": "pending" if job else "not_applicable",
            "job_id": job.id if job else None}


@tk.side_effect_free
def hvd_combine(context, data_dict):
    """Merge every conforming resource of a standard into one CSV (made again only when one of
    its sources changed).

    :param standard: the standard id
    :returns: ``{standard, row_count, jurisdictions, columns, resources, skipped, url}``; ``url``
        downloads the same CSV, streamed.
    """
    standard = _standard(data_dict)
    tk.check_access("hvd_combine", context, {"standard": standard.id})
    _path, stats = combine.combined(standard)
    return {
        "standard": standard.id,
        "row_count": stats["row_count"],
        "jurisdictions": stats["jurisdictions"],
        "columns": combine.columns(standard),
        "resources": stats["resources"],
        "skipped": stats["skipped"],
        "url": tk.url_for("pancanadian_profile.combined_csv", standard_id=standard.id, _external=True),
    }


def get_actions():
    return {"conformance_report_show": conformance_report_show, "conformance_check": conformance_check,
            "hvd_combine": hvd_combine}


# ---------------------------------------------------------------------------------- auth
def _allowed(action, context, data_dict):
    try:
        tk.check_access(action, dict(context), data_dict)
    except tk.NotAuthorized:
        return False
    return True


@tk.auth_allow_anonymous_access
def conformance_report_show_auth(context, data_dict):
    """Whoever may see the resource may see its report."""
    if _allowed("resource_show", context, {"id": data_dict.get("id")}):
        return {"success": True}
    return {"success": False, "msg": tk._("Not authorized to see this resource")}


def conformance_check_auth(context, data_dict):
    """Whoever may edit the resource's dataset may ask for a check."""
    model = context["model"]
    resource = model.Resource.get(data_dict.get("id"))
    if resource is None:
        raise tk.ObjectNotFound(tk._("Resource not found"))
    if _allowed("package_update", context, {"id": resource.package_id}):
        return {"success": True}
    return {"success": False, "msg": tk._("Not authorized to check this resource")}


@tk.auth_allow_anonymous_access
def hvd_combine_auth(context, data_dict):
    """The combined file holds public data only."""
    return {"success": True}


def get_auth_functions():
    return {"conformance_report_show": conformance_report_show_auth,
            "conformance_check": conformance_check_auth, "hvd_combine": hvd_combine_auth}
