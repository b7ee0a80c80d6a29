"""`ckan pancanadian stories export|import` on the real stack: a JSON-lines round trip."""
import json

import pytest
from click.testing import CliRunner

import ckan.model as model
from ckan.cli.cli import ckan as ckan_command
from ckan.tests import helpers

from ckanext.pancanadian.stories import cli as stories_cli
from ckanext.pancanadian.stories import model as story_model
from tests.stories.config import STORIES_CONFIG
from tests.stories.conftest import dataset, publish, story

pytestmark = [*STORIES_CONFIG, pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")]


@pytest.fixture
def run():
    """The stories group run in this process's CKAN (the `ckan` root would reload test.ini's
    plugins); the last test goes through `ckan pancanadian stories` itself."""
    def invoke(*args):
        return CliRunner().invoke(stories_cli.stories_group, list(args))
    return invoke


def test_export_import_round_trip(people, tmp_path, run):
    org = people["org"]
    dataset(org, "tides")
    dataset(org, "rain")
    story(org, "coast", datasets=["tides", "rain"], images=[
        {"url": "https://img.example.org/a.png", "alt_text_en": "A tide chart", "alt_text_fr": "Un graphique des marées"},
        {"url": "https://img.example.org/b.png", "alt_text_en": "The app", "alt_text_fr": "L'appli"}])
    publish("coast")
    helpers.call_action("package_patch", context={"user": "user-moderator"}, id="coast", featured=True)
    story(org, "draft-story")
    helpers.call_action("story_submit", context={"user": "", "ignore_auth": False}, submitter_name="A. Citizen",
                        submitter_email="citizen@example.org", title="Bus app", story="Bus stops.", language="en")
    public = tmp_path / "public.jsonl"
    full = tmp_path / "full.jsonl"
    assert run("export", "-o", str(public)).exit_code == 0
    records = [json.loads(line) for line in public.read_text().splitlines()]
    assert [(r["name"], r["workflow_state"], r["datasets"]) for r in records] == [("coast", "published", ["tides", "rain"])]
    assert run("export", "--all-states", "--with-contact", "-o", str(full)).exit_code == 0
    assert "citizen@example.org" in full.read_text() and "citizen@example.org" not in public.read_text()
    before = {r["name"]: r for r in map(json.loads, full.read_text().splitlines())}

    # Moved to another portal: same organizations and only one of the datasets.
    for name in before:
        helpers.call_action("dataset_purge", id=name)
    helpers.call_action("dataset_purge", id="rain")
    result = run("import", str(full))
    assert result.exit_code == 0, result.stderr
    assert "datasets not on this portal, not linked: rain" in result.stderr
    assert "3 stories imported, 0 refused" in result.stderr
    coast = helpers.call_action("story_show", context={"user": "", "ignore_auth": False}, id="coast")
    assert (coast["workflow_state"], coast["featured"], coast["private"]) == ("published", True, False)
    assert coast["published_at"] == before["coast"]["published_at"]
    assert [d["name"] for d in coast["datasets"]["results"]] == ["tides"]
    (submitted,) = [name for name, r in before.items() if r["workflow_state"] == "submitted"]
    assert story_model.get(model.Package.get(submitted).id)["submitter_email"] == "citizen@example.org"
    after = {r["name"]: r for r in map(json.loads, _export_all(run, tmp_path).splitlines())}
    assert after["coast"]["title_translated"] == before["coast"]["title_translated"]
    assert after["coast"]["images"] == before["coast"]["images"] and len(after["coast"]["images"]) == 2
    assert after["draft-story"] == before["draft-story"]

    # Importing again updates in place.
    assert run("import", str(full)).exit_code == 0
    assert helpers.call_action("story_list")["count"] == 1


def _export_all(run, tmp_path):
    again = tmp_path / "again.jsonl"
    run("export", "--all-states", "--with-contact", "-o", str(again))
    return again.read_text()


def test_import_refuses_bad_lines_and_keeps_going(people, tmp_path, cli):
    source = tmp_path / "bad.jsonl"
    source.write_text("{not json\n" + json.dumps({"name": "lost", "organization": "nowhere"}) + "\n")
    result = cli.invoke(ckan_command, ["pancanadian", "stories", "import", str(source)])
    assert result.exit_code == 1
    assert "line 1: not JSON" in result.output
    assert "line 2: refused" in result.output and "no organization 'nowhere'" in result.output
    assert "0 stories imported, 2 refused" in result.output
