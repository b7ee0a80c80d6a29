"""Story pages on the real stack: listing and facets, story page, dataset section, home page,
Atom feed, XSS neutralized, and a story with 1,000 datasets in a bounded number of queries."""
import json
import uuid
import xml.etree.ElementTree as ET

import pytest
import sqlalchemy as sa
from bs4 import BeautifulSoup

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.tests import helpers

from ckanext.pancanadian.stories import model as story_model
from tests.stories import atom_rules
from tests.stories.config import STORIES_CONFIG
from tests.stories.conftest import STORY, dataset, publish, story

pytestmark = [*STORIES_CONFIG, pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")]

ATOM = "{http://www.w3.org/2005/Atom}"
XSS = '<script>alert("x")</script><img src=x onerror="alert(1)">'


def token_of(user):
    return {"Authorization": helpers.call_action("api_token_create", user=user, name="pages")["token"]}


def soup_of(response):
    return BeautifulSoup(response.body, "html.parser")


class TestListing:
    def test_search_facets_and_languages(self, people, app):
        org = people["org"]
        story(org, "prairie", province_territory=["MB"], reuser_type="media")
        story(org, "coast", province_territory=["BC"],
              title_translated={"en": "Coastal tides", "fr": "Marées côtières"})
        story(org, "unpublished")
        for name in ("prairie", "coast"):
            publish(name)
        page = soup_of(app.get("/stories"))
        assert {a["href"] for a in page.select(".pc-story-item a")} == {"/story/prairie", "/story/coast"}
        filtered = soup_of(app.get("/stories?province_territory=MB"))
        assert [a["href"] for a in filtered.select(".pc-story-item a")] == ["/story/prairie"]
        facet_labels = [a.text.strip() for a in page.select(".pc-story-facets a")]
        assert "Manitoba (1)" in facet_labels and "Media (1)" in facet_labels
        french = soup_of(app.get("/fr/stories?q=marées"))
        assert french.find("h1").text == "Récits de réutilisation de données ouvertes"
        assert [a["href"] for a in french.select(".pc-story-item a")] == ["/fr/story/coast"]
        assert "Colombie-Britannique (1)" in [a.text.strip() for a in french.select(".pc-story-facets a")]

    def test_odd_parameters_are_not_errors(self, people, app):
        for query in ('page=abc&sort=zzz', 'province_territory=%22%5C%29', 'q=%22unclosed', 'page=-3'):
            assert app.get(f"/stories?{query}", status=200)
        refused = app.get("/stories?q=%7B%21lucene%7Dtitle%3A*", status=400)
        assert "This search could not be run." in refused.body
        assert app.get("/stories/feed.atom?lang=xx", status=200).headers["Content-Type"].startswith("application/atom")
        app.post("/story/nowhere/workflow", data={"action": "publish"}, status=404)
        app.post("/story/nowhere/workflow", data={"action": "delete"}, status=400)

    def test_dataset_facet_and_home_page_featured(self, people, app):
        org = people["org"]
        dataset(org, "tides", title_translated={"en": "Tide gauges", "fr": "Marégraphes"})
        story(org, "coast", datasets=["tides"])
        publish("coast")
        facet = soup_of(app.get("/stories")).select(".pc-story-facets a")
        assert "Tide gauges (1)" in [a.text.strip() for a in facet]
        assert [a["href"] for a in soup_of(app.get("/stories?vocab_story_datasets=tides")).select(".pc-story-item a")] == ["/story/coast"]
        assert soup_of(app.get("/")).select(".pc-featured-stories") == []
        helpers.call_action("story_update", context={"user": "user-moderator"},
                            **dict(STORY, id="coast", name="coast", featured=True))
        home = soup_of(app.get("/"))
        assert [a["href"] for a in home.select(".pc-featured-stories .pc-story-item a")] == ["/story/coast"]


class TestStoryPage:
    def test_story_and_dataset_pages_link_each_other(self, people, app):
        org = people["org"]
        dataset(org, "tides")
        dataset(org, "closed")
        story(org, "coast", datasets=["tides", "closed"], app_url="https://app.example.org", images=[
            {"url": "https://img.example.org/a.png", "alt_text_en": "A tide chart", "alt_text_fr": "Un graphique des marées"},
            {"url": "https://img.example.org/b.jpg", "alt_text_en": "The app on a phone", "alt_text_fr": "L'appli sur un téléphone"},
        ])
        story(org, "draft-only", datasets=["tides"])
        publish("coast")
        helpers.call_action("package_delete", id="closed")
        page = soup_of(app.get("/story/coast"))
        assert [a["href"] for a in page.select("#story-datasets > ul li a")] == ["/dataset/tides"]
        assert "1 other dataset used by this story is not available." in page.select_one("#story-datasets").text
        assert [(image["src"], image["alt"]) for image in page.select(".pc-story-image")] == [
            ("https://img.example.org/a.png", "A tide chart"), ("https://img.example.org/b.jpg", "The app on a phone")]
        french = soup_of(app.get("/fr/story/coast"))
        assert [image["alt"] for image in french.select(".pc-story-image")] == [
            "Un graphique des marées", "L'appli sur un téléphone"]
        assert page.select_one('a[href="https://app.example.org"]')
        assert page.select(".pc-share-links a")
        section = soup_of(app.get("/dataset/tides")).select_one("#dataset-stories")
        assert [a["href"] for a in section.select(".pc-story-item a")] == ["/story/coast"]
        assert soup_of(app.get("/fr/story/coast")).select_one("#story-datasets h2").text == "Jeux de données utilisés"

    def test_each_image_needs_an_address_and_both_text_alternatives(self, people):
        with pytest.raises(tk.ValidationError) as refused:
            story(people["org"], images=[
                {"url": "https://img.example.org/a.png", "alt_text_en": "A chart", "alt_text_fr": "Un graphique"},
                {"url": "https://img.example.org/b.png", "alt_text_en": "A map"},
                {"url": "javascript:alert(1)", "alt_text_en": "x" * 301, "alt_text_fr": "Une carte"},
            ])
        assert refused.value.error_dict["images"] == [
            {},
            {"alt_text_fr": ["Missing value"]},
            {"url": ["Please provide a valid URL"], "alt_text_en": ["Must be 300 characters or fewer"]},
        ]
        assert helpers.call_action("story_list", workflow_state="draft")["count"] == 0  # nothing written

    def test_the_story_form_has_a_block_per_image_with_language_tagged_alternatives(self, people, app):
        story(people["org"], "coast", images=[
            {"url": "https://img.example.org/a.png", "alt_text_en": "A chart", "alt_text_fr": "Un graphique"}])
        form = soup_of(app.get("/fr/story/edit/coast", headers=token_of("user-editor")))
        assert form.find(id="field-images-0-url")["value"] == "https://img.example.org/a.png"
        french = form.find(id="field-images-0-alt_text_fr")
        assert (french["value"], french["lang"]) == ("Un graphique", "fr")
        assert form.find(id="field-images-0-alt_text_en")["lang"] == "en"
        assert form.find("label", attrs={"for": "field-images-0-alt_text_fr"}).text.strip().endswith(
            "Texte de remplacement (français)")

    def test_images_can_be_changed_and_removed(self, people):
        story(people["org"], "coast", images=[
            {"url": "https://img.example.org/a.png", "alt_text_en": "A chart", "alt_text_fr": "Un graphique"}])
        helpers.call_action("package_patch", id="coast", images=[])
        assert helpers.call_action("story_show", id="coast").get("images") in (None, [])

    def test_xss_in_every_text_field_is_neutralized(self, people, app):
        fluent = {"en": XSS, "fr": XSS}
        story(people["org"], "attack", title_translated=fluent, notes_translated=fluent, story_body=fluent,
              impact=fluent, reuser_name=XSS, images=[
                  {"url": "https://img.example.org/a.png", "alt_text_en": XSS, "alt_text_fr": XSS}])
        publish("attack")
        helpers.call_action("story_submit", context={"user": "", "ignore_auth": False}, submitter_name=XSS,
                            submitter_email="x@example.org", title=XSS, story=XSS, language="en")
        (submitted,) = helpers.call_action("story_list", workflow_state="submitted")["results"]
        with pytest.raises(tk.ValidationError) as refused:
            story(people["org"], "links", app_url="javascript:alert(1)")
        assert "app_url" in refused.value.error_dict
        sysadmin = token_of("user-sysadmin")
        for url, headers in (("/story/attack", {}), ("/stories", {}), ("/", {}), ("/stories/feed.atom", {}),
                             (f"/story/{submitted}", sysadmin)):
            body = app.get(url, headers=headers, status=200).body
            soup = BeautifulSoup(body, "html.parser")
            assert not [s for s in soup.find_all("script") if "alert" in s.text], url
            assert not soup.find_all(attrs={"onerror": True}), url
            assert '<script>alert("x")' not in body, url
        assert "&lt;script&gt;" in app.get("/story/attack").body


class TestPublisherForm:
    def test_editor_writes_a_draft_with_datasets_and_moderation_buttons(self, people, app):
        dataset(people["org"], "tides")
        dataset(people["org"], "rain")
        editor = token_of("user-editor")
        form = {"title_translated-en": "Form story", "title_translated-fr": "Récit du formulaire",
                "name": "form-story", "notes_translated-en": "Summary.", "notes_translated-fr": "Résumé.",
                "story_body-en": "Body.", "story_body-fr": "Corps.", "owner_org": people["org"]["id"],
                "private": "False", "featured": "true", "datasets": "tides", "save": ""}
        app.post("/story/new", data=form, headers=editor, status=200)
        shown = helpers.call_action("story_show", id="form-story")
        assert (shown["workflow_state"], shown["private"], shown["featured"]) == ("draft", True, False)
        assert [d["name"] for d in shown["datasets"]["results"]] == ["tides"]
        edit = soup_of(app.get("/story/edit/form-story", headers=editor))
        assert edit.find(id="field-datasets").text.strip() == "tides"
        assert edit.find(id="field-private") is None and edit.find(id="story-visibility-note")
        assert edit.find(id="field-organizations")
        assert edit.find(id="field-featured") is None
        assert soup_of(app.get("/story/edit/form-story", headers=token_of("user-moderator"))).find(id="field-featured")
        app.post("/story/edit/form-story", data=dict(form, datasets="rain\ntides"), headers=editor, status=200)
        shown = helpers.call_action("story_show", id="form-story")
        assert [d["name"] for d in shown["datasets"]["results"]] == ["rain", "tides"]

        page = soup_of(app.get("/story/form-story", headers=editor))
        assert [b["value"] for b in page.select(".pc-story-workflow button")] == ["submit"]
        app.post("/story/form-story/workflow", data={"action": "submit"}, headers=editor, status=200)
        assert helpers.call_action("story_show", id="form-story")["workflow_state"] == "submitted"
        assert soup_of(app.get("/story/form-story", headers=editor)).select(".pc-story-workflow button") == []
        app.post("/story/form-story/workflow", data={"action": "publish"}, headers=editor, status=403)
        moderator = token_of("user-moderator")
        page = soup_of(app.get("/story/form-story", headers=moderator))
        assert [b["value"] for b in page.select(".pc-story-workflow button")] == ["publish"]
        app.post("/story/form-story/workflow", data={"action": "publish"}, headers=moderator, status=200)
        assert helpers.call_action("story_show", id="form-story")["workflow_state"] == "published"
        refused = app.post("/story/form-story/workflow", data={"action": "submit"}, headers=moderator, status=200)
        assert "Only a draft story can be submitted; this story is published" in refused.body


def test_moderation_queue_page(people, app):
    story(people["org"], "waiting")
    helpers.call_action("story_submit", id="waiting")
    story(people["org"], "still-draft")
    app.get("/stories/moderation", headers=token_of("user-editor"), status=403)
    assert soup_of(app.get("/stories", headers=token_of("user-editor"))).find("a", href="/stories/moderation") is None
    assert soup_of(app.get("/stories", headers=token_of("user-moderator"))).find("a", href="/stories/moderation")
    page = soup_of(app.get("/stories/moderation", headers=token_of("user-moderator")))
    assert [a["href"] for a in page.select(".pc-story-item a")] == ["/story/waiting"]
    assert "1 story is waiting for moderation." in page.text
    french = soup_of(app.get("/fr/stories/moderation", headers=token_of("user-sysadmin")))
    assert french.find("h1").text == "Récits à modérer"


class TestFeed:
    def test_atom_feed_lists_published_stories(self, people, app):
        org = people["org"]
        story(org, "coast", title_translated={"en": "Coastal tides", "fr": "Marées côtières"})
        story(org, "hidden")
        publish("coast")
        response = app.get("/stories/feed.atom?lang=fr")
        assert response.headers["Content-Type"].startswith("application/atom+xml")
        feed = ET.fromstring(response.body.encode("utf-8"))
        assert feed.tag == f"{ATOM}feed"
        for required in ("id", "title", "updated"):
            assert feed.find(f"{ATOM}{required}").text
        (entry,) = feed.findall(f"{ATOM}entry")
        assert entry.find(f"{ATOM}title").text == "Marées côtières"
        assert entry.find(f"{ATOM}link").get("href") == "http://test.ckan.net/story/coast"
        for required in ("id", "updated", "summary"):
            assert entry.find(f"{ATOM}{required}").text
        assert entry.find(f"{ATOM}author/{ATOM}name").text

    @pytest.mark.parametrize("lang", ["en", "fr"])
    def test_atom_feed_follows_rfc_4287(self, people, app, lang):
        assert atom_rules.violations(app.get(f"/stories/feed.atom?lang={lang}").body) == []  # no story yet
        org = people["org"]
        story(org, "coast", title_translated={"en": "Coastal tides", "fr": "Marées côtières"})
        story(org, "attack", title_translated={"en": XSS, "fr": XSS}, notes_translated={"en": XSS, "fr": XSS})
        publish("coast")
        publish("attack")
        document = app.get(f"/stories/feed.atom?lang={lang}").body
        assert atom_rules.violations(document) == []
        assert atom_rules.language_of(document) == lang
        assert len(ET.fromstring(document).findall(f"{ATOM}entry")) == 2
        assert "<script>" not in document  # the hostile title is escaped text, never markup


def _bulk_datasets(org, count):
    """Datasets written straight to the package table (no Solr): the story page reads the DB."""
    rows = [{"id": str(uuid.uuid4()), "name": f"bulk-{number:04d}", "title": f"Bulk {number}", "type": "dataset",
             "state": "active", "private": False, "owner_org": org["id"],
             "extras": {"title_translated": json.dumps({"en": f"Bulk {number}", "fr": f"Lot {number}"})}}
            for number in range(count)]
    model.Session.execute(sa.insert(model.package_table), rows)
    model.Session.commit()
    return [row["id"] for row in rows]


def _queries_to_render(app, url):
    statements = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    sa.event.listen(model.meta.engine, "before_cursor_execute", count)
    try:
        body = app.get(url).body
    finally:
        sa.event.remove(model.meta.engine, "before_cursor_execute", count)
    return len(statements), body


def test_a_thousand_datasets_render_paginated_in_bounded_queries(people, app):
    org = people["org"]
    ids = _bulk_datasets(org, 1010)
    story(org, "small")
    story(org, "large")
    story_model.link(model.Package.get("small").id, ids[:10])
    story_model.link(model.Package.get("large").id, ids[10:])
    model.Session.commit()
    publish("small")
    publish("large")
    app.get("/story/small")  # warm caches (templates, config) before counting
    small_queries, _ = _queries_to_render(app, "/story/small")
    large_queries, body = _queries_to_render(app, "/story/large")
    assert large_queries == small_queries
    page = BeautifulSoup(body, "html.parser")
    assert len(page.select("#story-datasets > ul li a")) == 20
    assert "Page 1 of 50" in page.select_one("#story-datasets nav").text
    last = BeautifulSoup(app.get("/story/large?datasets_page=50").body, "html.parser")
    assert [a.text for a in last.select("#story-datasets > ul li a")][-1] == "Bulk 1009"
    listed = helpers.call_action("story_show", id="large", limit=1000, offset=500)["datasets"]
    assert (listed["count"], len(listed["results"])) == (1000, 500)
