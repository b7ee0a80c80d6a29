"""Real recorded CKAN payloads (tests/fixtures)."""
import json
import pathlib

FIXTURES = pathlib.Path(__file__).resolve().parent.parent / "fixtures"


def opencanada_records():
    """The 127 open.canada.ca package_show results (Canadian Space Agency)."""
    with open(FIXTURES / "opencanada" / "opencanada-package_show-csa-list.json", encoding="utf-8") as source:
        return [envelope["result"] for envelope in json.load(source)]


def toronto_record():
    with open(FIXTURES / "federation" / "ckan" / "toronto-package_show-result-only.json", encoding="utf-8") as source:
        return json.load(source)


def toronto_search():
    with open(FIXTURES / "federation" / "ckan" / "toronto-package_search-result-only.json", encoding="utf-8") as source:
        return json.load(source)


def envidat_search():
    with open(FIXTURES / "federation" / "ckan" / "envidat-package_search-rows2.json", encoding="utf-8") as source:
        return json.load(source)


def profile_dataset():
    """A publisher's own dataset of the profile (not harvested)."""
    return {
        "title_translated": {"en": "Road works", "fr": "Travaux routiers"},
        "notes_translated": {"en": "Road works in progress.", "fr": "Travaux routiers en cours."},
        "keywords": {"en": ["roads"], "fr": ["routes"]},
        "jurisdiction_level": "municipal",
        "subject": ["transport"],
        "frequency": "P1D",
        "date_published": "2024-05-01",
        "license_id": "OGL-Canada-2.0",
        "contact_email": "open@example.org",
    }
