"""`ckan pancanadian inventory …` and `ckan pancanadian hvd …` commands (registered on the
suite's group on import)."""
import shutil

import click

import ckan.plugins.toolkit as tk

from ckanext.pancanadian.cli import pancanadian
from ckanext.pancanadian.profile import combine, inventory, jobs, standards


@pancanadian.group("inventory")
def inventory_group():
    """The data inventory (records that are not open)."""


@inventory_group.command("export")
@click.option("--output", "-o", type=click.File("w", encoding="utf-8"), default="-",
              help="CSV file to write (default: standard output).")
def export(output):
    """Write the inventory as CSV."""
    for line in inventory.csv_lines({"ignore_auth": True}):
        output.write(line)


@pancanadian.group("hvd")
def hvd_group():
    """High-value dataset standards."""


@hvd_group.command("combine")
@click.argument("standard_id")
@click.option("--output", "-o", type=click.File("w", encoding="utf-8", lazy=True), default="-",
              help="CSV file to write (default: standard output).")
def hvd_combine(standard_id, output):
    """Merge every conforming resource of a standard into one CSV."""
    try:
        standard = standards.get_standard(standard_id)
    except standards.UnknownStandard:
        raise click.BadParameter(f"unknown standard {standard_id!r}", param_hint="STANDARD_ID")
    path, stats = combine.combined(standard)
    with open(path, encoding="utf-8", newline="") as source:
        shutil.copyfileobj(source, output)
    output.flush()
    click.echo(f"{stats['row_count']} rows from {len(stats['resources'])} resources "
               f"({len(stats['skipped'])} skipped)", err=True)


@hvd_group.command("check")
@click.argument("datasets", nargs=-1)
@click.option("--force", is_flag=True, help="Queue a check even when the file did not change.")
def hvd_check(datasets, force):
    """Queue conformance checks of the CSV resources of DATASETS (default: every dataset that
    follows a standard). Resources created inside package_create are checked this way."""
    context = {"ignore_auth": True}
    names = list(datasets)
    if not names:
        start = 0
        while True:
            page = tk.get_action("package_search")(dict(context), {
                "fq": "hvd_standard:[* TO *]", "rows": 500, "start": start, "fl": "name",
                "include_private": True})
            names.extend(result["name"] for result in page["results"])
            start += 500
            if start >= page["count"]:
                break
    queued = 0
    for name in names:
        try:
            package = tk.get_action("package_show")(dict(context), {"id": name})
        except tk.ObjectNotFound:
            raise click.ClickException(f"no dataset {name!r}")
        for resource in package.get("resources", []):
            if jobs.maybe_enqueue(resource["id"], force=force):
                queued += 1
    click.echo(f"{queued} conformance checks queued", err=True)


def commands():
    """The suite's group, now carrying the inventory commands."""
    return [pancanadian]
