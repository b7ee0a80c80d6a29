"""Scores of records the federation really harvested: the OpenDataSoft stand-in of the demo
(Vancouver's recorded records) harvested through ckanext-harvest, then scanned by source."""
import pytest

from ckan.tests import helpers

from ckanext.pancanadian.federation import demo
from ckanext.pancanadian.quality import results
from tests.federation.conftest import HARVEST_CONFIG, PLUGINS as FEDERATION_PLUGINS, harvested
from tests.quality.support import scan_cli

pytestmark = [mark for mark in HARVEST_CONFIG if mark.args[:1] not in (("ckan.plugins",), ("ckanext.pancanadian.http.allowed_hosts",))] + [
    pytest.mark.ckan_config("ckan.plugins", "pancanadian_quality " + FEDERATION_PLUGINS),
    pytest.mark.ckan_config("ckanext.pancanadian.quality.link_timeout", "0.5"),
    pytest.mark.usefixtures("federation_tables"),
]


@pytest.fixture
def federation_tables(migrated, migrate_db_for):
    """The quality tables come with ``migrated`` (tests/quality/conftest.py); these too."""
    migrate_db_for("harvest")
    migrate_db_for("pancanadian_federation")


def test_harvested_records_are_scored_by_their_source(repo_root, test_request_context):
    with test_request_context():
        lines = list(demo.run(repo_root / "tests" / "fixtures", names=["opendatasoft-demo"]))
    assert "opendatasoft-demo: 2 new, 0 updated, 0 withdrawn, 0 errors" in lines
    records = harvested("opendatasoft-demo")
    assert "2 datasets scored" in scan_cli("--source", "opendatasoft-demo")
    for package in records.values():
        stored = results.get(package.id)
        assert stored["source_portal"] == "opendatasoft-demo" and 0 < stored["percent"] <= 100
    summary = helpers.call_action("quality_summary", source_portal="opendatasoft-demo")
    assert summary["count"] == 2
