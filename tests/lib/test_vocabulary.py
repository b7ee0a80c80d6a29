"""Remote portals' words read into profile values (lib/vocabulary.py)."""
import pytest

from ckanext.pancanadian.lib import vocabulary


@pytest.mark.parametrize("texts, expected", [
    (("Open Government Licence - Vancouver",), "OGL-Vancouver"),
    (("Open Government Licence – Vancouver",), "OGL-Vancouver"),  # en dash
    ((None, "https://opendata.vancouver.ca/pages/licence/"), "OGL-Vancouver"),
    (("Licence du gouvernement ouvert - Canada",), "OGL-Canada-2.0"),
    (("http://open.canada.ca/en/open-government-licence-canada",), "OGL-Canada-2.0"),
    (("Open Government Licence - British Columbia",), "OGL-BC-2.0"),
    (("<p>Released under <a href='https://www.ontario.ca/page/open-government-licence-ontario'>OGL</a></p>",),
     "OGL-ON-1.0"),
    (("CC BY 4.0",), "CC-BY-4.0"),
    (("https://creativecommons.org/licenses/by/4.0/legalcode",), None),
    (("https://creativecommons.org/licenses/by/4.0",), "CC-BY-4.0"),
    (("Public Domain",), None),
    (("See Terms of Use", "https://data.calgary.ca/d/Open-Data-Terms/u45n-7awa"), None),
    (("",), None),
])
def test_licence_id(texts, expected):
    assert vocabulary.licence_id(*texts) == expected


def test_subjects_keep_first_seen_order_and_ignore_unknown_themes():
    assert vocabulary.subjects(["Government and finance", "geospatial", "FINANCE", "Transportation"]) == [
        "government_politics", "finance_budget", "transport"
    ]
    assert vocabulary.subjects(None) == []


@pytest.mark.parametrize("text, expected", [
    ("Quarterly", "P3M"), ("semiannual", "P6M"), ("Static - Not Updated", "not_planned"),
    ("Ad Hoc", "as_needed"), ("Mensuelle", "P1M"), ("None", None), (None, None),
])
def test_frequency(text, expected):
    assert vocabulary.frequency(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("en", "en"), ("en-US", "en"), ("fr_CA", "fr"), ("Français", "fr"), ("English", "en"),
    ("es", None), ("", None),
])
def test_language(text, expected):
    assert vocabulary.language(text) == expected


def test_dates_and_timestamps():
    assert vocabulary.iso_date("2022-07-29T10:07:13.000Z") == "2022-07-29"
    assert vocabulary.iso_date("2019-06-27 12:41:27") == "2019-06-27"
    assert vocabulary.iso_date("2019-02-30") is None
    assert vocabulary.iso_date("June 2019") is None
    assert vocabulary.iso_timestamp("2019-06-27 12:41:27") == "2019-06-27T12:41:27"
    assert vocabulary.iso_timestamp("2026-06-22T13:50:25+00:00") == "2026-06-22T13:50:25+00:00"
    assert vocabulary.iso_timestamp("yesterday") is None


def test_email():
    assert vocabulary.email("mailto:adc@arm.gov") == "adc@arm.gov"
    assert vocabulary.email(" opendata@its.ny.gov ") == "opendata@its.ny.gov"
    assert vocabulary.email("sigevian") is None


def test_record_language_honours_the_record_then_the_source():
    assert vocabulary.record_language("fr", {"language": "en"}) == "fr"
    assert vocabulary.record_language(None, {"language": "fr"}) == "fr"
    assert vocabulary.record_language("klingon", {"language": "bilingual"}) == "en"


def test_one_language_only_never_copied():
    assert vocabulary.in_language("Arbres publics", "fr") == {"en": "", "fr": "Arbres publics"}
    assert vocabulary.keywords_in(["trees", " trees ", "", "parks"], "en") == {"en": ["trees", "parks"], "fr": []}
    assert vocabulary.keywords_in("arbres", "fr") == {"en": [], "fr": ["arbres"]}
    assert vocabulary.keywords_in(None, "fr") == {"en": [], "fr": []}


def test_organization_filters():
    assert vocabulary.matches_filters(["City of Vancouver"], [])
    assert vocabulary.matches_filters([None, "City of  Vancouver"], ["city of vancouver"])
    assert not vocabulary.matches_filters(["City of Vancouver"], ["BC Assessment"])
