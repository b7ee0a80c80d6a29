"""Web routes of the profile: the inventory CSV export."""
from flask import Blueprint, Response, stream_with_context

import ckan.plugins.toolkit as tk

from ckanext.pancanadian.profile import inventory

profile = Blueprint("pancanadian_profile", __name__)


@profile.route("/inventory.csv")
def inventory_csv():
    context = {"user": tk.current_user.name if tk.current_user.is_authenticated else ""}
    return Response(
        stream_with_context(inventory.csv_lines(context)),
        mimetype="text/csv",
        headers={"Content-Disposition": "attachment; filename=inventory.csv"},
    )


def blueprints():
    return [profile]
