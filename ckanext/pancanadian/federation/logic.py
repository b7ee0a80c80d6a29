"""Auth of federation: a harvested dataset is maintained at its source. Its publishers may not
edit it here (the next harvest would overwrite the edit); the harvest itself runs as the site
user with ignore_auth."""
import sqlalchemy as sa

import ckan.model as model
import ckan.plugins.toolkit as tk

from ckanext.pancanadian.federation import records


def is_harvested(package_id):
    if not package_id or not sa.inspect(model.Session.connection()).has_table(records.record.name):
        return False
    return model.Session.execute(
        sa.select(records.record.c.remote_id).where(records.record.c.package_id == package_id).limit(1)
    ).first() is not None


@tk.chained_auth_function
def package_update(next_auth, context, data_dict):
    package = model.Package.get((data_dict or {}).get("id") or (data_dict or {}).get("name") or "")
    if package is not None and is_harvested(package.id):
        return {"success": False,
                "msg": tk._("This dataset is harvested: edit it on its source portal, changes made here "
                            "would be overwritten by the next harvest.")}
    return next_auth(context, data_dict)


def get_auth_functions():
    return {"package_update": package_update}
