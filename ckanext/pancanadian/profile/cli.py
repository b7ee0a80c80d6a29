"""`ckan pancanadian inventory …` commands (registered on the suite's group on import)."""
import click

from ckanext.pancanadian.cli import pancanadian
from ckanext.pancanadian.profile import inventory


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


def commands():
    """The suite's group, now carrying the inventory commands."""
    return [pancanadian]
