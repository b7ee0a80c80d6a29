"""`ckan pancanadian demo seed` writes the demo content through the action API, idempotently."""
import pytest

from ckan.cli.cli import ckan as ckan_command
from ckan.tests import factories, helpers

from ckanext.pancanadian.demo import seed


@pytest.fixture
def storage(ckan_config, monkeypatch, tmp_path):
    monkeypatch.setitem(ckan_config, "ckan.storage_path", str(tmp_path))
    return tmp_path


@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index", "storage")
def test_demo_seed_command_creates_then_updates_the_same_records(cli):
    admin = factories.Sysadmin()
    content = seed.load_content()

    first = cli.invoke(ckan_command, ["pancanadian", "demo", "seed", "--admin", admin["name"]])
    assert first.exit_code == 0, first.output
    assert "dataset newborn-baby-names: created, 1 resource(s)" in first.output

    second = cli.invoke(ckan_command, ["pancanadian", "demo", "seed", "--admin", admin["name"]])
    assert second.exit_code == 0, second.output
    assert "dataset newborn-baby-names: updated, 1 resource(s)" in second.output

    found = helpers.call_action("package_search", q="*:*", rows=100)
    assert sorted(d["name"] for d in found["results"]) == sorted(d["name"] for d in content["datasets"])
    for dataset in found["results"]:
        assert len(dataset["resources"]) == 1, "a second seed must not duplicate resources"
        assert dataset["resources"][0]["url_type"] == "upload"
