"""`ckan pancanadian federation …` commands (registered on the suite's group on import)."""
import click

import ckan.plugins.toolkit as tk

from ckanext.pancanadian.cli import pancanadian
from ckanext.pancanadian.federation import demo, sources


@pancanadian.group("federation")
def federation_group():
    """Federation: harvest sources of Canadian open-data portals."""


@federation_group.group("sources")
def sources_group():
    """Harvest sources."""


@sources_group.command("load")
@click.option("--organization", "-o", required=True, help="Organization (name or id) that owns the sources.")
def load(organization):
    """Create or update a harvest source for each portal of the registry (idempotent)."""
    from ckanext.pancanadian.federation import registry

    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]
    try:
        owner = tk.get_action("organization_show")({"user": site_user}, {"id": organization})
    except tk.ObjectNotFound:
        raise click.ClickException(tk._("No organization {name}").format(name=organization))
    for line in sources.load(registry.load_portals(), owner["id"], site_user):
        click.echo(line)


@federation_group.command("demo")
@click.option("--fixtures", required=True, type=click.Path(exists=True, file_okay=False),
              help="Folder of recorded payloads (tests/fixtures in a checkout).")
def demo_command(fixtures):
    """Serve stand-in portals replaying recorded payloads and harvest them (idempotent)."""
    for line in demo.run(fixtures):
        click.echo(line)


def commands():
    return [pancanadian]
