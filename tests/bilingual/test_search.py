"""Language-aware search on the real Solr: French analysis (accents, elisions, plurals),
English analysis kept, UI-language boost and title sorting per UI language."""
import pytest
from bs4 import BeautifulSoup

from ckan.tests import factories, helpers

pytestmark = [pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")]

RECORDS = {
    "water": ({"en": "Water quality", "fr": "Qualité de l'eau"},
              {"en": "Nutrients sampled in lakes.", "fr": "Nutriments échantillonnés dans les lacs."}),
    "air": ({"en": "Air quality", "fr": "Qualité de l'air"},
            {"en": "Fine particulate matter.", "fr": "Particules fines."}),
    "hospitals": ({"en": "Hospital wait times", "fr": "Temps d'attente dans les hôpitaux"},
                  {"en": "Emergency room waits.", "fr": "Attente aux urgences."}),
    "insurance": ({"en": "Crop insurance claims", "fr": "Demandes d'assurance récolte"},
                  {"en": "Farmers' claims by region.", "fr": "Demandes des agriculteurs par région."}),
    "road-info": ({"en": "Road information", "fr": "Données routières"},
                  {"en": "Closures.", "fr": "Fermetures."}),
    "road-data": ({"en": "Road data", "fr": "Information routière"},
                  {"en": "Counts.", "fr": "Comptages."}),
    "zebra": ({"en": "Zebra mussel sightings", "fr": "Observations de moules zébrées"},
              {"en": "Invasive species.", "fr": "Espèces envahissantes."}),
    "elections": ({"en": "Election results", "fr": "Résultats électoraux"},
                  {"en": "Votes by riding.", "fr": "Votes par circonscription."}),
}


@pytest.fixture
def records(clean_db, clean_index, with_plugins):
    org = factories.Organization(title_translated={"en": "Org", "fr": "Org"})
    for name, (title, notes) in RECORDS.items():
        helpers.call_action(
            "package_create", name=name, owner_org=org["id"], title_translated=title, notes_translated=notes
        )


def names(app, query, lang="en", sort=None):
    params = {"q": query} if query else {}
    if sort:
        params["sort"] = sort
    prefix = "" if lang == "en" else f"/{lang}"
    page = BeautifulSoup(app.get(f"{prefix}/dataset/", query_string=params).body, "html.parser")
    return [a["href"].rsplit("/", 1)[-1] for a in page.select("li.dataset-item h2 a")]


@pytest.mark.usefixtures("records")
class TestFrenchRecall:
    @pytest.mark.parametrize("query", ["qualité de l'eau", "qualité de l’eau", "QUALITE DE L'EAU", "eaux", "l'eau"])
    def test_water_quality_found_with_elisions_accents_and_plurals(self, app, query):
        assert names(app, query, "fr")[0] == "water"

    def test_masculine_plural_in_aux(self, app):
        assert names(app, "hôpital", "fr") == ["hospitals"]

    def test_accent_insensitive(self, app):
        assert set(names(app, "qualite", "fr")) == {"water", "air"}
        assert names(app, "electoraux", "fr") == ["elections"]

    def test_elided_article_does_not_block_the_match(self, app):
        assert names(app, "assurance", "fr") == ["insurance"]

    def test_french_query_from_the_english_interface(self, app):
        assert names(app, "qualité de l'eau", "en")[0] == "water"


@pytest.mark.usefixtures("records")
class TestEnglishRecall:
    def test_english_queries_keep_working(self, app):
        assert names(app, "water quality")[0] == "water"
        assert names(app, "lake")[0] == "water"  # stemmed: lakes
        assert names(app, "farmer claim") == ["insurance"]  # possessive and plural

    def test_no_match(self, app):
        assert names(app, "glacier") == []


@pytest.mark.usefixtures("records")
class TestLanguageBoost:
    def test_the_ui_language_title_ranks_first(self, app):
        # "information" is in road-info's English title and road-data's French title.
        assert names(app, "information", "en")[:2] == ["road-info", "road-data"]
        assert names(app, "information", "fr")[:2] == ["road-data", "road-info"]


@pytest.mark.usefixtures("records")
class TestTitleSort:
    def test_sort_by_title_follows_the_ui_language(self, app):
        english = names(app, None, "en", sort="title_string asc")
        french = names(app, None, "fr", sort="title_string asc")
        assert english == ["air", "insurance", "elections", "hospitals", "road-data", "road-info", "water", "zebra"]
        # Demandes, Données, Information, Observations, Qualité de l'air, Qualité de l'eau,
        # Résultats, Temps: accents do not push É/R after Z.
        assert french == ["insurance", "road-info", "road-data", "zebra", "air", "water", "elections", "hospitals"]


def test_api_package_search_returns_full_bilingual_values(records):
    result = helpers.call_action("package_search", q="eaux")
    assert result["results"][0]["title_translated"] == RECORDS["water"][0]


def test_query_words_may_sit_in_different_fields_and_languages(app, clean_db, clean_index, with_plugins):
    org = factories.Organization(name="toronto-public-health", title_translated={"en": "Toronto Public Health", "fr": "Santé publique Toronto"})
    helpers.call_action(
        "package_create", name="beaches", owner_org=org["id"],
        title_translated={"en": "Beach water quality", "fr": "Qualité de l'eau des plages"},
        notes_translated={"en": "E. coli counts.", "fr": "Dénombrement d'E. coli."},
    )
    # "toronto" is only in the organization; "plages" only in French, "sampling" nowhere.
    assert names(app, "qualité de l'eau des plages de Toronto", "fr") == ["beaches"]
    assert names(app, "beach water toronto") == ["beaches"]
    assert names(app, "beach plages") == ["beaches"]


def test_braces_in_user_text_cannot_inject_query_parsers(app, records):
    assert names(app, "{!lucene}water") == names(app, "water")
    assert names(app, "eau}") == ["water"]
