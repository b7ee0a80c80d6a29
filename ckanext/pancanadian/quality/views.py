"""Web routes of the quality plugin: an organization's quality dashboard (a tab of the
organization) and the federation-wide dashboard (per federated source and organization)."""
from flask import Blueprint

import ckan.plugins.toolkit as tk

from ckanext.pancanadian.bilingual.helpers import fluent_text
from ckanext.pancanadian.lib import web
from ckanext.pancanadian.quality import rules

quality = Blueprint("pancanadian_quality", __name__)


def _summary(data_dict):
    try:
        return tk.get_action("quality_summary")(web.user_context(), data_dict)
    except tk.ObjectNotFound as error:
        return tk.abort(404, str(error))


def _charts(summary):
    """Bars of the dashboards: [{label, value, percent}] (percent of the longest bar's scale)."""
    rule_set = rules.default_rule_set()
    count = summary["count"] or 1
    ratings = [{"id": rating["id"], "label": fluent_text(rating["label"]),
                "value": summary["ratings"].get(rating["id"], 0),
                "percent": round(100 * summary["ratings"].get(rating["id"], 0) / count)}
               for rating in rule_set.ratings]
    dimensions = [{"id": dimension_id, "label": fluent_text(label),
                   "percent": summary["dimensions"].get(dimension_id)}
                  for dimension_id, label in rule_set.dimensions.items()]
    return {"ratings": ratings, "dimensions": dimensions}


def _trend_points(trend, width=600, height=160):
    """SVG polyline points of the trend's average percent, oldest left; '' with fewer than 2 days."""
    if len(trend) < 2:
        return ""
    step = width / (len(trend) - 1)
    return " ".join(f"{round(i * step, 1)},{round(height - height * day['average_percent'] / 100, 1)}"
                    for i, day in enumerate(trend))


@quality.route("/organization/<id>/quality")
def organization_dashboard(id):
    try:
        organization = tk.get_action("organization_show")(web.user_context(), {"id": id, "include_datasets": False})
    except tk.ObjectNotFound:
        return tk.abort(404, tk._("Organization not found"))
    except tk.NotAuthorized:
        return tk.abort(403, tk._("Not authorized to see this page"))
    summary = _summary({"organization": organization["id"]})
    return tk.render("pancanadian/quality/organization_dashboard.html", {
        "group_dict": organization, "group_type": organization.get("type") or "organization",
        "summary": summary, "charts": _charts(summary), "trend_points": _trend_points(summary["trend"]),
    })


@quality.route("/quality")
def portal_dashboard():
    source = tk.request.args.get("source") or None
    summary = _summary({"source_portal": source} if source else {})
    for row in summary.get("by_organization", []):
        try:
            row["organization"] = tk.get_action("organization_show")(
                web.user_context(), {"id": row["key"], "include_datasets": False}) if row["key"] else None
        except (tk.ObjectNotFound, tk.NotAuthorized):
            row["organization"] = None
    return tk.render("pancanadian/quality/portal_dashboard.html", {
        "summary": summary, "source": source, "charts": _charts(summary), "trend_points": _trend_points(summary["trend"]),
    })


def blueprints():
    return [quality]
