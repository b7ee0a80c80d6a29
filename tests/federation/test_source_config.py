"""The per-source configuration of the harvest source form: validated, errors in the user's
language, refused before anything is saved."""
import json

import pytest

import ckan.plugins.toolkit as tk
from ckan.tests import factories, helpers

from ckanext.pancanadian.federation import source_config
from tests.federation.conftest import HARVEST_CONFIG

pytestmark = HARVEST_CONFIG


def test_defaults_are_filled_in(test_request_context):
    with test_request_context():
        parsed = source_config.parse(json.dumps({"jurisdiction_level": "provincial", "province_territory": ["QC"]}))
    assert parsed == {"jurisdiction_level": "provincial", "province_territory": ["QC"], "organization_filters": [],
                      "language": "bilingual", "max_delete_fraction": 0.1, "default_subject": [],
                      "complete_listing_days": 1}


@pytest.mark.parametrize("config, field", [
    ("{not json", "config"),
    ("[1, 2]", "config"),
    ({"jurisdiction_level": "galactic"}, "jurisdiction_level"),
    ({"jurisdiction_level": "provincial", "province_territory": ["XX"]}, "province_territory"),
    ({"jurisdiction_level": "federal", "default_licence": "WTFPL"}, "default_licence"),
    ({"jurisdiction_level": "federal", "organization_filters": "csa-asc"}, "organization_filters"),
    ({"jurisdiction_level": "federal", "language": "de"}, "language"),
    ({"jurisdiction_level": "federal", "default_subject": ["astrology"]}, "default_subject"),
    ({"jurisdiction_level": "federal", "default_subject": "transport"}, "default_subject"),
    ({"jurisdiction_level": "federal", "max_delete_fraction": 2}, "max_delete_fraction"),
    ({"jurisdiction_level": "federal", "max_delete_fraction": True}, "max_delete_fraction"),
    ({"jurisdiction_level": "federal", "delete_everything": True}, "config"),
    ({"jurisdiction_level": "federal", "complete_listing_days": -1}, "complete_listing_days"),
    ({"jurisdiction_level": "federal", "complete_listing_days": "weekly"}, "complete_listing_days"),
])
def test_invalid_configuration_names_the_key(test_request_context, config, field):
    text = config if isinstance(config, str) else json.dumps(config)
    with test_request_context(), pytest.raises(source_config.ConfigError) as refused:
        source_config.parse(text)
    assert list(refused.value.errors) == [field]


def test_errors_come_in_french_for_a_french_reader(test_request_context):
    with test_request_context(environ_base={"CKAN_LANG": "fr"}), pytest.raises(source_config.ConfigError) as refused:
        source_config.parse(json.dumps({"jurisdiction_level": "federal", "language": "de"}))
    assert refused.value.errors["language"] == ["Choisissez en, fr ou bilingual."]


def test_harvest_source_form_refuses_a_bad_configuration_and_saves_nothing():
    organization = factories.Organization(title_translated={"en": "Org", "fr": "Org"})
    sysadmin = factories.Sysadmin()
    with pytest.raises(tk.ValidationError) as refused:
        helpers.call_action("harvest_source_create", {"user": sysadmin["name"]}, name="bad", title="Bad",
                            url="https://example.ca", source_type="pancanadian_ckan", owner_org=organization["id"],
                            config=json.dumps({"jurisdiction_level": "galactic"}))
    assert "jurisdiction_level" in refused.value.error_dict["config"][0]
    assert helpers.call_action("harvest_source_list", {"ignore_auth": True}) == []
