"""Template helpers of the quality plugin: a dataset's score and checklist in the reader's
language, the search page's sort options."""
import ckan.plugins.toolkit as tk

from ckanext.pancanadian.bilingual.helpers import fluent_text
from ckanext.pancanadian.lib import web
from ckanext.pancanadian.quality import results, rules, search


def _resource_names(package):
    return {resource["id"]: (fluent_text(resource.get("name_translated")) if resource.get("name_translated")
                             else resource.get("name")) or resource.get("url") or resource["id"]
            for resource in package.get("resources") or []}


def failure_reasons():
    """Why a resource fails a rule, for the checklist, in the reader's language."""
    return {
        "no-url": tk._("no URL"), "not-checked": tk._("not checked yet"),
        "http-status": tk._("the server answered with an error"), "timeout": tk._("no answer in time"),
        "connection": tk._("the server could not be reached"), "dns": tk._("unknown host name"),
        "forbidden-address": tk._("points to a private or local address"),
        "invalid-url": tk._("not an http or https address"),
        "too-many-redirects": tk._("too many redirects"), "rate-limited": tk._("the server refused (too many requests)"),
        "too-large": tk._("too large"), "not-in-datastore": tk._("not in the DataStore"),
        "format": tk._("format not from the list"), "media-type": tk._("media type does not match the format"),
        "proprietary": tk._("proprietary format"), "not-machine-readable": tk._("not machine-readable"),
        "utf8": tk._("not UTF-8"), "header": tk._("no header row"), "iso_dates": tk._("dates not in ISO 8601"),
        "unreadable": tk._("the file could not be read"), "no-size": tk._("size unknown"),
    }


def pancanadian_quality(package):
    """The dataset page's view of its quality, or None (not scored yet, tables missing):
    ``{percent, rating, rating_label, score, max_score, conforming, checked_at, checks}``;
    ``checks`` (grouped by dimension, with title, advice and failing resources in the reader's
    language) only for those who may edit the dataset."""
    if not results.available():
        return None
    try:
        shown = tk.get_action("quality_show")(web.user_context(), {"id": package["id"]})
    except (tk.NotAuthorized, tk.ObjectNotFound):
        return None
    if shown.get("status") != "scanned":
        return None
    view = dict(shown, rating_label=search.rating_label(shown["rating"]), checklist=None)
    if shown.get("checks") is not None:
        rule_set = rules.default_rule_set()
        names = _resource_names(package)
        reasons = failure_reasons()
        groups = []
        for dimension_id, label in rule_set.dimensions.items():
            items = []
            for check in shown["checks"]:
                if check["dimension"] != dimension_id or check["status"] == rules.NOT_APPLICABLE:
                    continue
                rule = rule_set.rule(check["id"])
                items.append(dict(check, title=fluent_text(rule["title"]), advice=fluent_text(rule["advice"]),
                                  failures=[{"name": names.get(f["resource_id"], f["resource_id"]),
                                             "reason": reasons.get(f["reason"], f["reason"] or "")}
                                            for f in check["failures"]]))
            dimension = shown["dimensions"][dimension_id]
            groups.append({"id": dimension_id, "label": fluent_text(label), "items": items,
                           "score": dimension["score"], "max_score": dimension["max_score"]})
        view["checklist"] = groups
    return view


def pancanadian_quality_sort_options():
    return search.sort_options()


def all_helpers():
    return {
        "pancanadian_quality": pancanadian_quality,
        "pancanadian_quality_sort_options": pancanadian_quality_sort_options,
    }
