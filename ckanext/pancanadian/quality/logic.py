"""Actions and auth functions of the quality plugin: a dataset's result, the aggregates of an
organization, a federated source or the whole portal, and queueing a scan."""
import ckan.plugins.toolkit as tk

from ckanext.pancanadian.quality import results, rules, scan


def _unavailable():
    return tk.ObjectNotFound(tk._("Quality scores are not set up on this portal"))


def _package(context, data_dict):
    package_id = data_dict.get("id")
    if not package_id:
        raise tk.ValidationError({"id": [tk._("Missing value")]})
    package = context["model"].Package.get(package_id)
    if package is None or package.state == "deleted":
        raise tk.ObjectNotFound(tk._("Dataset not found"))
    return package


def _may_edit(context, package_id):
    if context.get("ignore_auth"):
        return True
    try:
        tk.check_access("package_update", dict(context, ignore_auth=False), {"id": package_id})
    except tk.NotAuthorized:
        return False
    return True


# ------------------------------------------------------------------------------- actions
@tk.side_effect_free
def quality_show(context, data_dict):
    """The quality result of a dataset.

    :param id: the dataset id or name
    :returns: ``{package_id, score, max_score, percent, rating, conforming, csv_count,
        csv_api_count, checked_at, dimensions, checks}``; ``checks`` (each rule's outcome, with
        the failing resources) only for those who may edit the dataset; ``status`` is
        ``not_scanned`` (other keys absent) before the first scan.
    """
    package = _package(context, data_dict)
    tk.check_access("quality_show", context, {"id": package.id})
    if not results.available():
        raise _unavailable()
    row = results.get(package.id)
    if row is None:
        return {"package_id": package.id, "status": "not_scanned"}
    return dict(results.public(row, with_checks=_may_edit(context, package.id)), status="scanned")


@tk.side_effect_free
def quality_summary(context, data_dict):
    """Quality aggregates of the portal, an organization or a federated source.

    :param organization: an organization id or name (optional)
    :param source_portal: a federated source, as in the datasets' ``source_portal`` (optional)
    :param trend_days: days of trend to return (default 365, at most 3650)
    :returns: ``{count, average_percent, ratings, dimensions, conforming_percent, csv_datasets,
        csv_api_percent, trend: [{day, count, average_percent, conforming_percent}]}``, plus
        ``by_source`` and ``by_organization`` when neither filter is given.
    """
    tk.check_access("quality_summary", context, data_dict)
    if not results.available():
        raise _unavailable()
    errors = {}
    owner_org = None
    if data_dict.get("organization"):
        group = context["model"].Group.get(data_dict["organization"])
        if group is None or not group.is_organization:
            errors["organization"] = [tk._("Organization not found")]
        else:
            owner_org = group.id
    try:
        days = int(data_dict.get("trend_days") or 365)
        if not 1 <= days <= 3650:
            raise ValueError
    except (TypeError, ValueError):
        errors["trend_days"] = [tk._("Give a whole number of days between 1 and 3650")]
    if errors:
        raise tk.ValidationError(errors)
    source = data_dict.get("source_portal") or None
    out = results.summary(owner_org, source, rules.default_rule_set().rating_ids)
    out["trend"] = results.trend(owner_org, source, days)
    if not owner_org and not source:
        out["by_source"] = results.by_group("source_portal")
        out["by_organization"] = results.by_group("owner_org")
    return out


def quality_scan(context, data_dict):
    """Queue quality scans (background jobs) of a dataset, an organization or a source.

    :param id: a dataset id or name (optional)
    :param organization: an organization id or name (optional)
    :param source_portal: a federated source (optional)
    :returns: ``{datasets, jobs}``: how many datasets and jobs were queued
    """
    tk.check_access("quality_scan", context, data_dict)
    if data_dict.get("id"):
        package_ids = [_package(context, data_dict).id]
    else:
        try:
            package_ids = scan.select_package_ids(data_dict.get("organization"), data_dict.get("source_portal"))
        except tk.ObjectNotFound:
            raise tk.ValidationError({"organization": [tk._("Organization not found")]}) from None
    return {"datasets": len(package_ids), "jobs": len(scan.queue_scans(package_ids))}


def get_actions():
    return {"quality_show": quality_show, "quality_summary": quality_summary, "quality_scan": quality_scan}


# ---------------------------------------------------------------------------------- auth
@tk.auth_allow_anonymous_access
def quality_show_auth(context, data_dict):
    """Whoever may see the dataset may see its score."""
    try:
        tk.check_access("package_show", dict(context), {"id": data_dict.get("id")})
    except tk.NotAuthorized:
        return {"success": False, "msg": tk._("Not authorized to see this dataset")}
    return {"success": True}


@tk.auth_allow_anonymous_access
def quality_summary_auth(context, data_dict):
    """Aggregates are public: they name no private dataset."""
    return {"success": True}


def quality_scan_auth(context, data_dict):
    """A dataset's editors may rescan it; whole organizations and sources are for sysadmins
    (a scan of many datasets makes many outgoing requests)."""
    if data_dict.get("id"):
        if _may_edit(context, data_dict["id"]):
            return {"success": True}
        return {"success": False, "msg": tk._("Not authorized to scan this dataset")}
    return {"success": False, "msg": tk._("Only system administrators may scan many datasets at once")}


def get_auth_functions():
    return {"quality_show": quality_show_auth, "quality_summary": quality_summary_auth,
            "quality_scan": quality_scan_auth}
