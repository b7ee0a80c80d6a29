"""Quality pages on the real stack, in English and French: the dataset page's badge (public)
and checklist (editors), the organization tab and dashboard, the portal dashboard, search sorts."""
import pytest
from bs4 import BeautifulSoup

from ckan.tests import factories

from tests.quality.support import QUALITY_CONFIG, USE, make_dataset, organization, resource, scan_cli

pytestmark = [*QUALITY_CONFIG, USE]


def soup(response):
    assert response.status_code == 200
    return BeautifulSoup(response.body, "html.parser")


@pytest.fixture
def scored(server):
    """An organization with a harvested and a local dataset, scored; its editor."""
    editor = factories.User()
    org = factories.Organization(name="stats", users=[{"name": editor["name"], "capacity": "editor"}],
                                 title_translated={"en": "Statistics Office", "fr": "Bureau de la statistique"})
    make_dataset("births", org, [resource(server + "/good.csv"), resource(server + "/missing.csv", name="Gone")])
    make_dataset("deaths", org, [resource(server + "/good.csv")], source_portal="https://data.example.ca",
                 remote_id="d-1", source_url="https://data.example.ca/dataset/d-1")
    scan_cli()
    return {"editor": editor, "org": org}


class TestDatasetPage:
    def test_public_sees_the_score_only(self, app, scored):
        page = soup(app.get("/dataset/births"))
        section = page.select_one("section.pc-quality")
        assert section.select_one(".pc-quality-badge").get_text().startswith("Metadata quality:")
        assert section.select_one("h2").get_text() == "Metadata quality"
        assert section.select_one("details") is None

    def test_editor_sees_the_checklist_with_advice_in_both_languages(self, app, scored):
        headers = {"Authorization": factories.APIToken(user=scored["editor"]["name"])["token"]}
        page = soup(app.get("/dataset/births", headers=headers))
        checklist = page.select_one("section.pc-quality details")
        text = checklist.get_text(" ")
        assert "Fix or replace the resource URLs that do not answer" in text
        assert "Gone: the server answered with an error" in text
        french = soup(app.get("/fr/dataset/births", headers=headers)).select_one("section.pc-quality")
        text = french.get_text(" ")
        assert "Qualité des métadonnées" in text and "Corrigez ou remplacez les URL" in text
        assert "Gone : le serveur a répondu par une erreur" in text

    def test_not_scored_dataset_shows_no_section(self, app, server):
        make_dataset("unscored", organization("fresh"), [])
        assert soup(app.get("/dataset/unscored")).select_one("section.pc-quality") is None


class TestDashboards:
    def test_organization_tab_and_dashboard(self, app, scored):
        org_page = soup(app.get("/organization/stats"))
        assert org_page.find("a", href="/organization/stats/quality")
        page = soup(app.get("/organization/stats/quality"))
        assert page.select_one(".pc-quality h1").get_text() == "Metadata quality"
        figures = dict(zip([dt.get_text() for dt in page.select("dl.pc-quality-figures dt")],
                           [dd.get_text() for dd in page.select("dl.pc-quality-figures dd")]))
        assert figures["Datasets scored"] == "2"
        captions = [caption.get_text() for caption in page.select("table caption")]
        assert "Datasets per rating" in captions and "Share of the applicable points earned, per dimension" in captions
        rows = {row.th.get_text(" ").strip(): row.td.get_text() for row in
                page.select("table")[1].select("tbody tr")}
        assert set(rows) == {"Findability", "Accessibility", "Interoperability", "Reusability", "Contextuality"}
        french = soup(app.get("/fr/organization/stats/quality"))
        assert french.select_one(".pc-quality h1").get_text() == "Qualité des métadonnées"
        assert "Repérabilité" in french.get_text(" ") and "Jeux de données évalués" in french.get_text(" ")

    def test_portal_dashboard_groups_by_source(self, app, scored):
        page = soup(app.get("/quality"))
        assert page.select_one("h1").get_text() == "Metadata quality across the portal"
        text = page.get_text(" ")
        assert "Published on this portal" in text
        link = page.find("a", string="https://data.example.ca")
        assert link["href"].startswith("/quality?source=https") and "data.example.ca" in link["href"]
        assert page.find("a", href="/organization/stats/quality")
        assert page.select("svg polyline") == []  # one day of history: no line, the table says it
        french = soup(app.get("/fr/quality"))
        assert french.select_one("h1").get_text() == "Qualité des métadonnées dans l’ensemble du portail"
        assert "Publiés sur ce portail" in french.get_text(" ")
        assert french.find("span", lang="fr", string="Bureau de la statistique")

    def test_one_source_with_its_trend(self, app, scored):
        page = soup(app.get("/quality", query_string={"source": "https://data.example.ca"}))
        assert page.select_one("h1").get_text() == "Metadata quality of the datasets from https://data.example.ca"
        figures = [dd.get_text() for dd in page.select("dl.pc-quality-figures dd")]
        assert figures[0] == "1"
        trend = page.select("table")[-1]
        assert trend.caption.get_text().startswith("Average score and guideline conformance")
        assert [td.get_text() for td in trend.select("tbody tr td")][0] == "1"
        french = soup(app.get("/fr/quality", query_string={"source": "https://data.example.ca"}))
        assert french.select_one("h1").get_text() == "Qualité des métadonnées des jeux de données de https://data.example.ca"

    def test_empty_dashboard_and_unknown_organization(self, app):
        assert "No dataset has been scored yet." in soup(app.get("/quality")).get_text()
        assert app.get("/organization/nobody/quality", status=404)


def test_search_offers_quality_sorts_and_facet(app, scored):
    page = soup(app.get("/dataset/", query_string={"sort": "quality_rank desc, metadata_modified desc"}))
    options = {option["value"]: option.get_text() for option in page.select("select[name=sort] option")}
    assert options["quality_rank desc, metadata_modified desc"] == "Quality (best first)"
    assert "Metadata quality" in page.get_text(" ")
    french = soup(app.get("/fr/dataset/"))
    assert "Qualité (la plus faible en premier)" in french.get_text(" ")
