"""`ckan pancanadian stories export|import`: stories as JSON lines, to move them between
portals. Linked datasets travel by name; a public export leaves out the submitter's contact."""
import datetime
import json

import click

import ckan.model as ckan_model
import ckan.plugins.toolkit as tk

from ckanext.pancanadian.cli import pancanadian
from ckanext.pancanadian.stories import logic, model, validators

# Package keys that belong to one portal (ids, bookkeeping) and are not exported.
LOCAL_KEYS = {"id", "owner_org", "organization", "creator_user_id", "metadata_created", "metadata_modified",
              "num_resources", "num_tags", "resources", "tags", "groups", "relationships_as_object",
              "relationships_as_subject", "state", "private", "revision_id", "extras", "isopen",
              "license_title", "url", "datasets"}


def export_records(states, with_contact):
    """One dict per story in the given workflow states, in a stable order."""
    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    for state in states:
        offset = 0
        while True:
            ids, total = model.in_state(state, 500, offset)
            for story_id in ids:
                shown = tk.get_action("package_show")({"user": site_user["name"], "ignore_auth": True},
                                                      {"id": story_id})
                row = model.get(story_id) or {}
                record = {key: value for key, value in shown.items() if key not in LOCAL_KEYS}
                record["organization"] = (shown.get("organization") or {}).get("name")
                record["workflow_state"] = row.get("workflow_state", model.DRAFT)
                record["published_at"] = row["published_at"].isoformat() if row.get("published_at") else None
                record["datasets"] = [ckan_model.Package.get(package_id).name
                                      for package_id in model.linked_ids(story_id)]
                if with_contact and row.get("submitter_email"):
                    record["submitter"] = {"name": row.get("submitter_name"), "email": row["submitter_email"]}
                yield record
            offset += 500
            if offset >= total:
                break


def import_record(record, site_user_name):
    """Create or update one story; returns the names of its datasets missing on this portal."""
    data = dict(record)
    org = ckan_model.Group.get(data.pop("organization", None) or "")
    if org is None or not org.is_organization:
        raise tk.ValidationError({"organization": [f"no organization {record.get('organization')!r} on this portal"]})
    state = data.pop("workflow_state", model.DRAFT)
    if state not in model.STATES:
        raise tk.ValidationError({"workflow_state": [f"unknown workflow state {state!r}"]})
    published_at = data.pop("published_at", None)
    submitter = data.pop("submitter", None) or {}
    found, missing = validators.resolve_references(validators.split_references(data.pop("datasets", [])),
                                                   site_user_name)
    workflow_values = {"workflow_state": state,
                       "published_at": datetime.datetime.fromisoformat(published_at) if published_at else None}
    if submitter:
        workflow_values.update(submitter_name=submitter.get("name"), submitter_email=submitter.get("email"))
    context = {"user": site_user_name, "ignore_auth": True, logic.WORKFLOW_CONTEXT_KEY: workflow_values}
    data.update(type=logic.STORY_TYPE, owner_org=org.id, datasets=found)
    existing = ckan_model.Package.get(data.get("name") or "")
    if existing is not None:
        if existing.type != logic.STORY_TYPE:
            raise tk.ValidationError({"name": [f"{existing.name!r} is a {existing.type} on this portal"]})
        tk.get_action("package_update")(context, dict(data, id=existing.id))
    else:
        tk.get_action("package_create")(context, data)
    return missing


@pancanadian.group("stories")
def stories_group():
    """User stories of open-data reuse."""


@stories_group.command("export")
@click.option("--output", "-o", type=click.File("w", encoding="utf-8"), default="-",
              help="JSON lines file to write (default: standard output).")
@click.option("--all-states", is_flag=True,
              help="Also export draft, submitted and archived stories (default: published only).")
@click.option("--with-contact", is_flag=True,
              help="Include public submitters' name and email: for a move between portals, never for publication.")
def export(output, all_states, with_contact):
    """Write stories as JSON lines, one story per line."""
    states = model.STATES if all_states else (model.PUBLISHED,)
    count = 0
    for record in export_records(states, with_contact):
        output.write(json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n")
        count += 1
    click.echo(f"{count} stories exported", err=True)


@stories_group.command("import")
@click.argument("source", type=click.File("r", encoding="utf-8"))
def import_(source):
    """Create or update stories (by name) from a JSON lines file made by `stories export`."""
    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    imported, failed = 0, 0
    for number, line in enumerate(source, start=1):
        if not line.strip():
            continue
        try:
            missing = import_record(json.loads(line), site_user["name"])
        except ValueError as broken:
            click.echo(f"line {number}: not JSON ({broken})", err=True)
            failed += 1
            continue
        except tk.ValidationError as invalid:
            ckan_model.Session.rollback()
            click.echo(f"line {number}: refused: {invalid.error_summary}", err=True)
            failed += 1
            continue
        imported += 1
        if missing:
            click.echo(f"line {number}: datasets not on this portal, not linked: {', '.join(missing)}", err=True)
    click.echo(f"{imported} stories imported, {failed} refused", err=True)
    if failed:
        raise click.exceptions.Exit(1)


def commands():
    """The suite's group, now carrying the stories commands."""
    return [pancanadian]
