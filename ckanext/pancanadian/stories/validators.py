"""Validators of the story schema (schemas/story.yaml)."""
import re

import sqlalchemy as sa

import ckan.authz as authz
from ckan.lib.navl.dictization_functions import StopOnError
import ckan.model as model
import ckan.plugins.toolkit as tk

missing = tk.missing
# A dict the chained package actions put in the context, where the story_dataset_references
# validator leaves the resolved dataset ids (under "ids") for the plugin's after_dataset_create/
# update hooks: the links live in a table, not in the package's extras. Validators get a shallow
# copy of the context, so the holder must exist before validation.
DATASETS_CONTEXT_KEY = "pancanadian_story_datasets"
MAX_DATASET_REFERENCES = 5000


def split_references(value):
    """Dataset references from a list, or text with one per line (commas also separate)."""
    if isinstance(value, (list, tuple)):
        items = value
    else:
        items = re.split(r"[\n,]+", str(value or ""))
    out = []
    for item in items:
        text = str(item).strip().rstrip("/")
        if text:
            # An address of a dataset page on this portal: its last path segment is the name.
            out.append(text.rsplit("/", 1)[-1] if "/" in text else text)
    return list(dict.fromkeys(out))


def resolve_references(references, user_name):
    """Ids, in the given order, of the datasets the references name, and the references that
    are unknown, deleted, stories, or private datasets the user cannot see. One query."""
    if not references:
        return [], []
    rows = model.Session.execute(
        sa.select(model.package_table.c.id, model.package_table.c.name, model.package_table.c.type,
                  model.package_table.c.state, model.package_table.c.private, model.package_table.c.owner_org)
        .where(sa.or_(model.package_table.c.id.in_(references), model.package_table.c.name.in_(references)))
    ).mappings().all()
    by_reference = {}
    for row in rows:
        by_reference[row["id"]] = row
        by_reference[row["name"]] = row
    readable_orgs = None
    found, refused = [], []
    for reference in references:
        row = by_reference.get(reference)
        usable = row is not None and row["state"] == "active" and row["type"] != "story"
        if usable and row["private"]:
            if readable_orgs is None:
                readable_orgs = readable_organization_ids(user_name)
            usable = readable_orgs is True or row["owner_org"] in readable_orgs
        if usable:
            found.append(row["id"])
        else:
            refused.append(reference)
    return list(dict.fromkeys(found)), refused


def readable_organization_ids(user_name):
    """Ids of the organizations whose private datasets the user may read (True: all of them)."""
    if not user_name:
        return set()
    if authz.is_sysadmin(user_name):
        return True
    user = model.User.get(user_name)
    if user is None:
        return set()
    return {org.id for org in user.get_groups("organization")}


def story_dataset_references(key, data, errors, context):
    """Datasets a story uses: kept aside for the association table (never stored as an extra,
    hence the StopOnError that ends the field's chain), refused when unknown."""
    value = data.pop(key, missing)
    if value is missing or value is None:
        raise StopOnError
    references = split_references(value)
    if len(references) > MAX_DATASET_REFERENCES:
        errors[key].append(tk._("A story can use at most {limit} datasets").format(limit=MAX_DATASET_REFERENCES))
        raise StopOnError
    found, refused = resolve_references(references, context.get("user"))
    if refused:
        errors[key].append(tk._("No dataset found for: {references}").format(references=", ".join(refused[:20])))
        raise StopOnError
    holder = context.get(DATASETS_CONTEXT_KEY)
    if holder is not None:
        holder["ids"] = found
    raise StopOnError


ALT_TEXT_MAX = 300


def story_text_alternative(value):
    """An image's text alternative: a short description, not a caption or an essay."""
    if len(value) > ALT_TEXT_MAX:
        raise tk.Invalid(tk._("Must be {max} characters or fewer").format(max=ALT_TEXT_MAX))
    return value


def all_validators():
    return {"story_dataset_references": story_dataset_references, "story_text_alternative": story_text_alternative}
