"""pancanadian_bilingual on the real stack: API and web form, publication rule, display in
both languages with fallback markers, organization forms."""
import pytest
from bs4 import BeautifulSoup

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.tests import factories, helpers

pytestmark = [pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")]

WATER = {
    "title_translated": {"en": "Water quality", "fr": "Qualité de l'eau"},
    "notes_translated": {"en": "Lake sampling results.", "fr": "Résultats d'échantillonnage des lacs."},
    "keywords": {"en": ["water"], "fr": ["eau"]},
}


@pytest.fixture
def org():
    return factories.Organization(
        title_translated={"en": "Environment (test)", "fr": "Environnement (test)"}
    )


@pytest.fixture
def editor(org):
    user = factories.UserWithToken()
    helpers.call_action("organization_member_create", id=org["id"], username=user["name"], role="editor")
    return user


def create(org, **fields):
    return helpers.call_action("package_create", owner_org=org["id"], **dict(WATER, **fields))


class TestApi:
    def test_create_returns_full_bilingual_values_and_fills_core_fields(self, org):
        dataset = create(org, name="water")
        shown = helpers.call_action("package_show", id="water")
        assert shown["title_translated"] == WATER["title_translated"]
        assert shown["notes_translated"] == WATER["notes_translated"]
        assert shown["keywords"] == WATER["keywords"]
        assert (dataset["title"], shown["notes"]) == ("Water quality", "Lake sampling results.")

    def test_public_dataset_with_one_language_is_refused_and_nothing_is_written(self, org):
        with pytest.raises(tk.ValidationError) as refused:
            create(org, name="half", title_translated={"en": "Water quality"}, keywords={"en": ["water"]})
        assert refused.value.error_dict == {"title_translated": ["French is required before this can be public"]}
        assert model.Package.by_name("half") is None

    def test_private_dataset_may_have_one_language_but_cannot_be_made_public(self, org):
        create(org, name="half", private=True, title_translated={"en": "Water quality"},
               notes_translated={"en": "Lake sampling results."})
        with pytest.raises(tk.ValidationError) as refused:
            helpers.call_action("package_patch", id="half", private=False)
        assert refused.value.error_dict == {
            "title_translated": ["French is required before this can be public"],
            "notes_translated": ["French is required before this can be public"],
        }
        assert helpers.call_action("package_show", id="half")["private"] is True
        helpers.call_action("package_patch", id="half", private=False,
                            title_translated=WATER["title_translated"], notes_translated=WATER["notes_translated"])
        assert helpers.call_action("package_show", id="half")["private"] is False

    def test_draft_may_have_one_language(self, org):
        create(org, name="draft", state="draft", title_translated={"fr": "Qualité de l'eau"})
        assert helpers.call_action("package_show", id="draft")["title_translated"] == {"fr": "Qualité de l'eau"}

    def test_bad_input_gets_field_errors_not_a_crash(self, org):
        with pytest.raises(tk.ValidationError) as refused:
            create(org, name="bad", title_translated="not json", notes_translated={"xx yy": "a"})
        assert set(refused.value.error_dict) == {"title_translated", "notes_translated"}

    def test_update_keeps_values_of_other_language(self, org):
        create(org, name="water")
        helpers.call_action("package_patch", id="water", title_translated={"en": "Water quality", "fr": "Qualité des eaux"})
        shown = helpers.call_action("package_show", id="water")
        assert shown["title_translated"] == {"en": "Water quality", "fr": "Qualité des eaux"}
        assert shown["notes_translated"] == WATER["notes_translated"]

    def test_errors_are_in_the_users_language(self, org, app, editor):
        response = app.post(
            tk.h.url_for("api.action", ver=3, logic_function="package_create", locale="fr"),
            json=dict(WATER, name="half", owner_org=org["id"], title_translated={"en": "Water"}),
            headers={"Authorization": editor["token"]}, status=409,
        )
        assert response.json["error"]["title_translated"] == ["Le français est requis avant que ceci puisse être public"]


class TestWebForm:
    def test_form_shows_english_and_french_inputs_with_labels_and_lang(self, app, editor):
        page = BeautifulSoup(app.get("/dataset/new", headers={"Authorization": editor["token"]}).body, "html.parser")
        for lang, label in (("en", "Title (English)"), ("fr", "Title (French)")):
            field = page.find(id=f"field-title_translated-{lang}")
            assert field["lang"] == lang and field["name"] == f"title_translated-{lang}"
            assert page.find("label", attrs={"for": f"field-title_translated-{lang}"}).get_text(strip=True) == label
            assert f"field-title_translated-{lang}-help" in field["aria-describedby"]

    def test_french_form_labels(self, app, editor):
        page = BeautifulSoup(app.get("/fr/dataset/new", headers={"Authorization": editor["token"]}).body, "html.parser")
        assert page.find("label", attrs={"for": "field-title_translated-fr"}).get_text(strip=True) == "Titre (français)"

    def test_publish_through_the_form(self, app, editor, org):
        headers = {"Authorization": editor["token"]}
        form = {
            "title_translated-en": "Water quality", "title_translated-fr": "Qualité de l'eau",
            "notes_translated-en": "Lake sampling.", "notes_translated-fr": "Échantillonnage des lacs.",
            "keywords-en": "water, lakes", "keywords-fr": "eau, lacs",
            "name": "water-form", "owner_org": org["id"], "license_id": "cc-by", "save": "", "_ckan_phase": 1,
        }
        response = app.post("/dataset/new", data=form, headers=headers, follow_redirects=False)
        assert response.status_code == 302, response.body
        app.post(response.headers["location"], headers=headers, data={
            "id": "", "url": "http://example.org/data.csv", "name_translated-en": "Data",
            "name_translated-fr": "Données", "save": "go-metadata"})
        shown = helpers.call_action("package_show", id="water-form")
        assert shown["state"] == "active"
        assert shown["keywords"] == {"en": ["water", "lakes"], "fr": ["eau", "lacs"]}
        assert shown["resources"][0]["name_translated"] == {"en": "Data", "fr": "Données"}

    @pytest.mark.parametrize("locale, expected", [
        ("", "Title: French is required before this can be public"),
        ("/fr", "Titre: Le français est requis avant que ceci puisse être public"),
    ])
    def test_publication_refused_at_the_resource_stage_names_the_dataset_field(self, app, editor, org,
                                                                               locale, expected):
        headers = {"Authorization": editor["token"]}
        form = {
            "title_translated-en": "Water quality", "title_translated-fr": "",
            "notes_translated-en": "Lake sampling.", "notes_translated-fr": "",
            "keywords-en": "water", "keywords-fr": "", "name": "water-draft", "owner_org": org["id"],
            "license_id": "cc-by", "save": "", "_ckan_phase": 1,
        }
        response = app.post(f"{locale}/dataset/new", data=form, headers=headers, follow_redirects=False)
        assert response.status_code == 302, response.body
        page = app.post(response.headers["location"], headers=headers, data={
            "id": "", "url": "http://example.org/data.csv", "name_translated-en": "Data",
            "name_translated-fr": "Données", "save": "go-metadata"})
        summary = BeautifulSoup(page.body, "html.parser").find(class_="error-explanation")
        item = summary.find("li", attrs={"data-field-label": "title_translated"})
        assert " ".join(item.get_text().split()) == expected
        note = BeautifulSoup(page.body, "html.parser").find(class_="pc-dataset-errors-note").find("a")
        assert note["href"].endswith("/dataset/edit/water-draft")
        assert helpers.call_action("package_show", id="water-draft")["state"] == "draft"

    def test_form_error_is_shown_on_the_missing_language_input(self, app, editor, org):
        create(org, name="water", private=True, title_translated={"en": "Water quality"})
        page = app.post("/dataset/edit/water", headers={"Authorization": editor["token"]}, data={
            "title_translated-en": "Water quality", "title_translated-fr": "",
            "notes_translated-en": "x", "notes_translated-fr": "y", "keywords-en": "water", "keywords-fr": "eau",
            "name": "water", "owner_org": org["id"], "private": "False", "save": ""})
        soup = BeautifulSoup(page.body, "html.parser")
        error = soup.find(id="field-title_translated-fr-error")
        assert error.get_text(strip=True) == "French is required before this can be public"
        assert "field-title_translated-fr-error" in soup.find(id="field-title_translated-fr")["aria-describedby"]
        assert helpers.call_action("package_show", id="water")["private"] is True


class TestDisplay:
    def test_dataset_page_in_each_language(self, app, org):
        create(org, name="water")
        english = BeautifulSoup(app.get("/dataset/water").body, "html.parser")
        french = BeautifulSoup(app.get("/fr/dataset/water").body, "html.parser")
        assert english.find("h1").find("span", lang="en").get_text() == "Water quality"
        assert french.find("h1").find("span", lang="fr").get_text() == "Qualité de l'eau"
        assert "Qualité de l'eau" in french.title.get_text()
        assert "{" not in french.find("h1").get_text(), "no raw JSON on the page"

    def test_missing_language_is_shown_marked_with_lang(self, app, org, editor):
        create(org, name="half", private=True, title_translated={"en": "Water quality"},
               notes_translated={"en": "Lake sampling results."}, keywords={"en": ["water"]})
        page = BeautifulSoup(app.get("/fr/dataset/half", headers={"Authorization": editor["token"]}).body, "html.parser")
        heading = page.find("h1")
        assert heading.find("span", lang="en").get_text() == "Water quality"
        assert heading.find("span", class_="pc-lang-marker").get_text() == "(English)"

    def test_french_only_keywords_marked_on_english_page(self, app, org):
        create(org, name="roads", keywords={"fr": ["travaux"]})
        page = BeautifulSoup(app.get("/dataset/roads").body, "html.parser")
        keywords = page.find("ul", class_="tag-list", lang="fr")
        assert keywords.get_text(strip=True) == "travaux"
        assert "(français)" in page.get_text()

    def test_search_results_in_the_readers_language(self, app, org):
        create(org, name="water")
        page = BeautifulSoup(app.get("/fr/dataset/").body, "html.parser")
        item = page.find("li", class_="dataset-item")
        assert item.find("span", lang="fr").get_text() == "Qualité de l'eau"


class TestOrganizations:
    def test_organization_form_has_bilingual_title(self, app):
        sysadmin = factories.SysadminWithToken()
        page = BeautifulSoup(app.get("/organization/new", headers={"Authorization": sysadmin["token"]}).body, "html.parser")
        assert page.find(id="field-title_translated-en")["lang"] == "en"
        assert page.find(id="field-title_translated-fr")["lang"] == "fr"

    def test_organization_stores_both_languages(self, org):
        shown = helpers.call_action("organization_show", id=org["id"])
        assert shown["title_translated"] == {"en": "Environment (test)", "fr": "Environnement (test)"}
        assert shown["title"] == "Environment (test)"

    def test_organization_needs_both_languages(self):
        with pytest.raises(tk.ValidationError) as refused:
            factories.Organization(title_translated={"en": "Only English"})
        assert refused.value.error_dict["title_translated"] == ["French is required before this can be public"]


class TestOrganizationDisplay:
    def test_organization_page_and_facets_in_the_readers_language(self, app, org):
        create(org, name="water")
        page = BeautifulSoup(app.get(f"/fr/organization/{org['name']}").body, "html.parser")
        assert page.find("h2", class_="heading").get_text(strip=True) == "Environnement (test)"
        assert page.select_one(".breadcrumb li.active a").get_text(strip=True) == "Environnement (test)"
        assert page.title.get_text().startswith("Environnement (test)")
        search = BeautifulSoup(app.get("/fr/dataset/").body, "html.parser")
        facet_labels = [a.get_text(" ", strip=True) for a in search.select(".module-facet a, section.module a")]
        assert any("Environnement (test)" in label for label in facet_labels), facet_labels
        english = BeautifulSoup(app.get("/dataset/").body, "html.parser")
        assert "Environment (test)" in english.get_text()


class TestCoreIntegration:
    def test_breadcrumb_organization_in_the_readers_language(self, app, org):
        create(org, name="water")
        page = BeautifulSoup(app.get("/fr/dataset/water").body, "html.parser")
        crumbs = [a.get_text(strip=True) for a in page.select(".breadcrumb a")]
        assert "Environnement (test)" in crumbs

    def test_api_embeds_the_bilingual_organization_title(self, org):
        create(org, name="water")
        shown = helpers.call_action("package_show", id="water")
        assert shown["organization"]["title_translated"] == {"en": "Environment (test)", "fr": "Environnement (test)"}

    def test_keyword_facet_follows_the_reader(self, app, org):
        create(org, name="water")
        french = BeautifulSoup(app.get("/fr/dataset/").body, "html.parser")
        english = BeautifulSoup(app.get("/dataset/").body, "html.parser")
        assert french.find("a", href=lambda h: h and "keywords_fr=eau" in h)
        assert english.find("a", href=lambda h: h and "keywords_en=water" in h)
        filtered = BeautifulSoup(app.get("/dataset/", query_string={"keywords_en": "water"}).body, "html.parser")
        assert len(filtered.select("li.dataset-item")) == 1


class TestMachineTranslation:
    def test_machine_translation_satisfies_publication_and_is_marked(self, app, org):
        create(org, name="mt", title_translated={"en": "Water quality", "fr-t-en": "Qualité de l'eau"})
        assert helpers.call_action("package_show", id="mt")["title_translated"]["fr-t-en"] == "Qualité de l'eau"
        page = BeautifulSoup(app.get("/fr/dataset/mt").body, "html.parser")
        heading = page.find("h1")
        assert heading.find("span", lang="fr").get_text() == "Qualité de l'eau"
        assert heading.find("span", class_="pc-lang-marker").get_text() == "(traduction automatique)"
