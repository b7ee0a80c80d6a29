"""Fixtures the DCAT tests share: a shipped data standard, an organization and a complete
bilingual high-value dataset published under it."""
import json

import pytest

from ckan.tests import factories, helpers

from ckanext.pancanadian.profile import dcat as pc_dcat

from .config import ROAD_EVENTS_SPATIAL


@pytest.fixture
def standard_id():
    """A shipped data standard (schemas/standards/*.yaml): the first one, whichever it is."""
    found = sorted(pc_dcat.standards())
    assert found, "no data standard is shipped in schemas/standards/"
    return found[0]


@pytest.fixture
def org():
    return factories.Organization(
        name="transport-ontario", title_translated={"en": "Ontario Transport", "fr": "Transports Ontario"}
    )


@pytest.fixture
def dataset(org, standard_id):
    return helpers.call_action(
        "package_create",
        name="road-events",
        owner_org=org["id"],
        title_translated={"en": "Road events", "fr": "Événements routiers"},
        notes_translated={"en": "Construction and closures.", "fr": "Travaux et fermetures."},
        keywords={"en": ["roads", "traffic"], "fr": ["routes", "circulation"]},
        jurisdiction_level="provincial",
        province_territory=["ON", "QC"],
        subject=["transport"],
        frequency="P1D",
        date_published="2024-05-01",
        date_modified="2024-06-15",
        temporal_start="2020-01-01",
        temporal_end="2024-12-31",
        spatial_coverage={"en": "Greater Toronto Area", "fr": "Région du Grand Toronto"},
        spatial=json.dumps(ROAD_EVENTS_SPATIAL),
        license_id="OGL-Canada-2.0",
        contact_email="roads@example.org",
        data_language=["en", "fr"],
        hvd_category="mobility",
        hvd_standard=standard_id,
        resources=[
            {
                "url": "http://example.org/road-events.csv",
                "name_translated": {"en": "Events (CSV)", "fr": "Événements (CSV)"},
                "description_translated": {"en": "One row per event.", "fr-t-en": "Une ligne par événement."},
                "format": "CSV",
                "resource_type": "dataset",
                "language": ["en", "fr"],
                "character_set": "UTF-8",
                "data_standard": standard_id,
            },
            {
                "url": "http://example.org/road-events-api",
                "name_translated": {"en": "Events API", "fr": "API des événements"},
                "format": "API",
                "resource_type": "api",
            },
        ],
    )
