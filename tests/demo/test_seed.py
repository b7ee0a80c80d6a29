"""`ckan pancanadian demo seed` writes the demo content through the action API, idempotently."""
import pytest

from ckan.cli.cli import ckan as ckan_command
from ckan.tests import factories, helpers

from ckanext.pancanadian.demo import seed
from tests.profile.config import PROFILE_CONFIG


@pytest.fixture
def storage(ckan_config, monkeypatch, tmp_path):
    monkeypatch.setitem(ckan_config, "ckan.storage_path", str(tmp_path))
    return tmp_path


@PROFILE_CONFIG[0]
@PROFILE_CONFIG[1]
@PROFILE_CONFIG[2]
@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index", "storage")
def test_demo_seed_creates_then_updates_the_same_records_under_the_profile():
    admin = factories.Sysadmin()
    content = seed.load_content()
    first = list(seed.seed(admin["name"]))
    assert "dataset newborn-baby-names: created, 1 resource(s)" in first
    second = list(seed.seed(admin["name"]))
    assert "dataset newborn-baby-names: updated, 1 resource(s)" in second

    found = helpers.call_action("package_search", q="*:*", rows=100)
    assert sorted(d["name"] for d in found["results"]) == sorted(d["name"] for d in content["datasets"])
    for dataset in found["results"]:
        expected = [r for d in content["datasets"] if d["name"] == dataset["name"] for r in d.get("resources", [])]
        assert len(dataset["resources"]) == len(expected), "a second seed must not duplicate resources"
        assert all(r["url_type"] == "upload" for r in dataset["resources"])
    inventory = helpers.call_action("package_search", fq="access_level:restricted")["results"]
    assert [d["name"] for d in inventory] == ["ambulance-dispatch-records"]


@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index", "storage")
def test_demo_seed_command(cli):
    """The command wiring; it runs with test.ini's own plugins, as `ckan -c test.ini` would."""
    admin = factories.Sysadmin()
    result = cli.invoke(ckan_command, ["pancanadian", "demo", "seed", "--admin", admin["name"]])
    assert result.exit_code == 0, result.output
    assert "organization statistics-demo: created" in result.output
