#!/usr/bin/env python
"""Story-dataset links: a page of a story's datasets read from pancanadian_stories'
association table, against the stock path of ckanext-showcase (the linked ids fetched, then one
Solr query ``id:(id1 OR id2 OR …)`` over all of them), measured in the same run.

It writes to the stack's test database and Solr core (``ckan_test``): one organization, one
story and --datasets datasets (created through package_create, so Solr indexes them), purged at
the end. Run it on a stack of its own (see bench/README.md):

    .stack/venv/bin/python bench/story_links.py --datasets 1000 --rounds 50

Prints the mean time per page for each path, the ratio stock/ours, and the SQL statements each
page of ours issues (constant whatever the number of links).
"""
import argparse
import pathlib
import statistics
import tempfile
import time

from benchenv import log, service_env

ROOT = pathlib.Path(__file__).resolve().parent.parent
PLUGINS = "pancanadian_bilingual pancanadian_stories scheming_datasets scheming_organizations scheming_groups"
OPTIONS = {
    "ckan.plugins": PLUGINS,
    "scheming.presets": "ckanext.scheming:presets.json ckanext.pancanadian.schemas:bilingual_presets.yaml "
                        "ckanext.pancanadian.schemas:profile_presets.yaml",
    "scheming.dataset_schemas": "ckanext.pancanadian.schemas:bilingual_dataset.yaml "
                                "ckanext.pancanadian.schemas:story.yaml",
}
ORG = "bench-story-links"
PAGE_SIZE = 20



def load_ckan():
    import logging

    from ckan.cli import load_config
    from ckan.config.middleware import make_app

    logging.disable(logging.INFO)
    with tempfile.NamedTemporaryFile("w", suffix=".ini", delete=False) as ini:
        ini.write("[app:main]\nuse = config:" + str(ROOT / "test.ini") + "\n")
        ini.write("".join(f"{key} = {value}\n" for key, value in OPTIONS.items()))
    return make_app(load_config(ini.name))._wsgi_app


def purge(tk, context):
    import ckan.model as model

    org = model.Group.get(ORG)
    if org is None:
        return
    for (package_id,) in model.Session.query(model.Package.id).filter(model.Package.owner_org == org.id):
        tk.get_action("dataset_purge")(dict(context), {"id": package_id})
    tk.get_action("organization_purge")(dict(context), {"id": ORG})


def setup(tk, context, count):
    from ckanext.pancanadian.stories import model as story_model
    import ckan.model as model

    org = tk.get_action("organization_create")(dict(context), {"name": ORG, "title_translated": {
        "en": "Bench", "fr": "Banc d'essai"}})
    ids = []
    for number in range(count):
        created = tk.get_action("package_create")(dict(context), {
            "name": f"bench-link-{number:05d}", "owner_org": org["id"],
            "title_translated": {"en": f"Dataset {number}", "fr": f"Jeu {number}"},
            "notes_translated": {"en": "Bench.", "fr": "Banc."}})
        ids.append(created["id"])
        if number % 200 == 199:
            log(f"{number + 1} datasets created")
    story = tk.get_action("story_create")(dict(context), {
        "name": "bench-story", "owner_org": org["id"],
        "title_translated": {"en": "Bench story", "fr": "Récit du banc"},
        "notes_translated": {"en": "Bench.", "fr": "Banc."}, "story_body": {"en": "Bench.", "fr": "Banc."}})
    story_model.link(story["id"], ids)
    model.Session.commit()
    return story["id"]


def ours(story_id):
    from ckanext.pancanadian.stories import model as story_model

    rows, total, _unavailable = story_model.datasets_page(story_id, PAGE_SIZE, 0)
    return len(rows), total


def stock(tk, context, story_id):
    """ckanext-showcase's way: the linked ids, then one Solr OR-query over all of them."""
    from ckanext.pancanadian.stories import model as story_model

    ids = story_model.linked_ids(story_id)
    result = tk.get_action("package_search")(dict(context), {
        "fq": "id:(" + " OR ".join(ids) + ")", "rows": PAGE_SIZE, "include_private": True})
    return len(result["results"]), result["count"]


def timed(function, rounds):
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        function()
        samples.append(time.perf_counter() - start)
    return statistics.mean(samples), statistics.median(samples)


def count_statements(function):
    import sqlalchemy as sa

    import ckan.model as model

    statements = []

    def record(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    sa.event.listen(model.meta.engine, "before_cursor_execute", record)
    try:
        function()
    finally:
        sa.event.remove(model.meta.engine, "before_cursor_execute", record)
    return len(statements)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--datasets", type=int, default=1000, help="datasets linked to the story")
    parser.add_argument("--rounds", type=int, default=50, help="pages read per path")
    args = parser.parse_args()
    service_env()
    app = load_ckan()
    import ckan.plugins.toolkit as tk
    from ckan.cli.db import _run_migrations

    with app.test_request_context():
        _run_migrations("pancanadian_stories")
        site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
        context = {"user": site_user["name"], "ignore_auth": True}
        purge(tk, context)
        try:
            log(f"creating {args.datasets} datasets and one story that uses them all")
            story_id = setup(tk, context, args.datasets)
            assert ours(story_id) == stock(tk, context, story_id) == (PAGE_SIZE, args.datasets)
            ours_mean, ours_median = timed(lambda: ours(story_id), args.rounds)
            stock_mean, stock_median = timed(lambda: stock(tk, context, story_id), args.rounds)
            statements = count_statements(lambda: ours(story_id))
        finally:
            purge(tk, context)
    print(f"story with {args.datasets} linked datasets, first page of {PAGE_SIZE}, {args.rounds} rounds")
    print(f"  association table (ours): mean {ours_mean * 1000:.2f} ms, median {ours_median * 1000:.2f} ms, "
          f"{statements} SQL statements per page")
    print(f"  Solr OR-query (stock):    mean {stock_mean * 1000:.2f} ms, median {stock_median * 1000:.2f} ms")
    print(f"  ratio stock/ours (mean):  {stock_mean / ours_mean:.1f}x")


if __name__ == "__main__":
    main()
