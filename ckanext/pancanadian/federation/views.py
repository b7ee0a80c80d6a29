"""Web routes of federation: the status page of a harvest source, for its administrators."""
from flask import Blueprint

import ckan.plugins.toolkit as tk

from ckanext.pancanadian.federation import status
from ckanext.pancanadian.lib import web

federation = Blueprint("pancanadian_federation", __name__)


@federation.route("/federation/source/<id>")
def source_status(id):
    context = web.user_context()
    try:
        source = tk.get_action("harvest_source_show")(dict(context), {"id": id})
        tk.check_access("harvest_source_update", dict(context), {"id": source["id"]})
    except tk.ObjectNotFound:
        return tk.abort(404, tk._("Harvest source not found"))
    except tk.NotAuthorized:
        return tk.abort(403, tk._("Only administrators of this source may see its status"))
    return tk.render("pancanadian/federation/source_status.html",
                     {"source_dict": source, "status": status.source_status(source["id"])})


def blueprints():
    return [federation]
