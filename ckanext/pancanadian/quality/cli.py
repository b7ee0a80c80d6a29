"""`ckan pancanadian quality …` commands (registered on the suite's group on import)."""
import click

import ckan.plugins.toolkit as tk

from ckanext.pancanadian.cli import pancanadian
from ckanext.pancanadian.quality import results, scan


@pancanadian.group("quality")
def quality_group():
    """Metadata quality scores."""


@quality_group.command("scan")
@click.option("--org", help="Only the datasets of this organization (name or id).")
@click.option("--source", help="Only the datasets harvested from this source (source_portal).")
@click.option("--queue", "queued", is_flag=True, help="Queue background jobs instead of scanning here.")
def quality_scan(org, source, queued):
    """Score datasets (all of them by default), with a progress bar."""
    if not results.available():
        raise click.ClickException("the quality tables are missing: run `ckan db upgrade -p pancanadian_quality`")
    try:
        package_ids = scan.select_package_ids(org, source)
    except tk.ObjectNotFound:
        raise click.BadParameter(f"no organization {org!r}", param_hint="--org")
    if queued:
        jobs = scan.queue_scans(package_ids)
        click.echo(f"{len(package_ids)} datasets queued in {len(jobs)} jobs", err=True)
        return
    scored = 0
    with click.progressbar(length=len(package_ids), label="Scoring datasets", file=click.get_text_stream("stderr"),
                           show_pos=True) as bar:
        for batch in scan.batches(package_ids):
            scored += len(scan.scan_batch(batch))
            bar.update(len(batch))
    click.echo(f"{scored} datasets scored", err=True)


def commands():
    """The suite's group, now carrying the quality commands."""
    return [pancanadian]
