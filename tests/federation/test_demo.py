"""The federation demo (``ckan pancanadian federation demo``): stand-in portals replaying
recorded payloads, harvested into a federated search; run twice, nothing is duplicated."""
from ckan.tests import helpers

from ckanext.pancanadian.federation import cli, demo
from tests.federation.conftest import HARVEST_CONFIG, harvested

# No allow-list in the site configuration: the demo allows its own stand-ins only.
pytestmark = [mark for mark in HARVEST_CONFIG if mark.args[:1] != ("ckanext.pancanadian.http.allowed_hosts",)]


def test_demo_harvests_the_stand_in_portals_once(repo_root, test_request_context):
    assert "demo" in cli.federation_group.commands
    fixtures = repo_root / "tests" / "fixtures"
    with test_request_context():
        lines = list(demo.run(fixtures))
    assert "open-canada-demo: 127 new, 0 updated, 0 withdrawn, 0 errors" in lines
    assert "toronto-demo: 1 new, 0 updated, 0 withdrawn, 0 errors" in lines
    # Three of the Évian records have no description at all: refused by the profile.
    assert "arcgis-hub-demo: 5 new, 0 updated, 0 withdrawn, 3 errors" in lines
    assert "socrata-demo: 10 new, 0 updated, 0 withdrawn, 0 errors" in lines
    assert "opendatasoft-demo: 2 new, 0 updated, 0 withdrawn, 0 errors" in lines
    found = helpers.call_action("package_search", rows=0, **{"facet.field": '["source_portal", "federation_platform"]'})
    assert {item["name"]: item["count"] for item in found["search_facets"]["source_portal"]["items"]} == \
        {"open-canada-demo": 127, "toronto-demo": 1, "arcgis-hub-demo": 5, "socrata-demo": 10, "opendatasoft-demo": 2}
    assert {item["name"] for item in found["search_facets"]["federation_platform"]["items"]} == {"ckan", "dcat_us", "socrata", "ods"}
    with test_request_context():
        again = list(demo.run(fixtures))
    assert "open-canada-demo: updated" in again
    # The stand-ins listen on new ports, so every link to an original changes: updated in place.
    assert "open-canada-demo: 0 new, 127 updated, 0 withdrawn, 0 errors" in again
    assert len(harvested("open-canada-demo")) == 127
