"""Real recorded CKAN payloads (tests/fixtures), and package_search pages built from them the way
a CKAN portal pages them (sorted by id, keyset ``fq=id:{after TO *]``)."""
import json
import pathlib
import re

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


_AFTER = re.compile(r'id:\{"([^"]*)" TO \*\]')
_ORGS = re.compile(r"organization:\(([^)]*)\)")


def search_page(records, params):
    """The package_search answer a CKAN portal holding ``records`` gives for ``params``."""
    rows = int(params.get("rows", 10))
    fq = params.get("fq", "")
    matching = sorted(records, key=lambda record: record["id"])
    after = _AFTER.search(fq)
    if after:
        matching = [record for record in matching if record["id"] > after.group(1)]
    orgs = _ORGS.search(fq)
    if orgs:
        names = set(json.loads(f"[{orgs.group(1).replace(' OR ', ',')}]"))
        matching = [record for record in matching if (record.get("organization") or {}).get("name") in names]
    return {"help": "package_search", "success": True,
            "result": {"count": len(matching), "sort": "id asc", "results": matching[:rows]}}


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
