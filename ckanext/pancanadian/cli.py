"""The `ckan pancanadian …` command group; each capability adds its subcommands here."""
import click

import ckan.plugins.toolkit as tk

from ckanext.pancanadian.demo import seed


@click.group(short_help="ckanext-pancanadian commands")
def pancanadian():
    """Commands of the pan-Canadian open-data portal suite."""


@pancanadian.group()
def demo():
    """Demo content for a local portal."""


@demo.command("seed")
@click.option("--admin", default="admin", show_default=True, help="Sysadmin who owns the demo content.")
def demo_seed(admin):
    """Create or update the demo organizations and datasets (idempotent)."""
    try:
        for line in seed.seed(admin):
            click.echo(line)
    except tk.ValidationError as invalid:
        raise click.ClickException(f"demo content refused: {invalid.error_summary}")
