"""Public story submission on the real stack: the form, field errors, honeypot, rate limit."""
import pytest
from bs4 import BeautifulSoup

import ckan.plugins.toolkit as tk
from ckan.tests import helpers

from tests.stories.config import STORIES_CONFIG
from tests.stories.conftest import as_user, dataset

pytestmark = [
    *STORIES_CONFIG,
    pytest.mark.ckan_config("ckanext.pancanadian.stories.submission_limit", 2),
    pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index", "clean_redis"),
]

FORM = {"submitter_name": "A. Citizen", "submitter_email": "citizen@example.org", "title": "My bus app",
        "story": "I mapped bus stops.", "datasets": "", "language": "en"}


def queue():
    return helpers.call_action("story_list", workflow_state="submitted")


def post(app, data, address="203.0.113.7", url="/stories/submit", status=200, forwarded=None):
    headers = {"X-Forwarded-For": forwarded} if forwarded else {}
    return app.post(url, data=data, environ_base={"REMOTE_ADDR": address}, headers=headers, status=status)


def test_form_submission_lands_in_moderation(people, app):
    dataset(people["org"], "bus-stops")
    page = post(app, dict(FORM, datasets="bus-stops\nhttp://test.ckan.net/dataset/bus-stops"))
    assert "Thank you for your story" in page.body
    (name,) = queue()["results"]
    shown = helpers.call_action("story_show", context={"user": "user-moderator"}, id=name)
    assert shown["title_translated"] == {"en": "My bus app"}
    assert shown["private"] is True
    assert [d["name"] for d in shown["datasets"]["results"]] == ["bus-stops"]
    assert shown["submitter"]["email"] == "citizen@example.org"


def test_form_is_bilingual_and_links_errors(people, app):
    page = post(app, dict(FORM, submitter_email="nope", title="", datasets="missing-data"),
                url="/fr/stories/submit", status=400)
    soup = BeautifulSoup(page.body, "html.parser")
    assert soup.find("h1").text == "Racontez-nous votre récit"
    email = soup.find(id="field-submitter_email")
    assert email["aria-invalid"] == "true"
    assert "error-submitter_email" in email["aria-describedby"].split()
    assert soup.find(id="error-submitter_email").text == "Entrez une adresse courriel valide, comme nom@exemple.org"
    assert soup.find(id="error-title").text == "Valeur manquante"
    assert soup.find(id="error-datasets").text == "Aucun jeu de données trouvé pour : missing-data"
    assert soup.find(id="field-story").text == FORM["story"]
    assert queue()["count"] == 0


def test_honeypot_is_accepted_silently_and_dropped(people, app):
    page = post(app, dict(FORM, website="http://spam.example"))
    assert "Thank you for your story" in page.body
    assert queue()["count"] == 0


def test_rate_limit_per_address(people, app):
    post(app, FORM)
    post(app, dict(FORM, title="Second"))
    refused = post(app, dict(FORM, title="Third"), status=429)
    assert "Too many stories were sent from your connection" in refused.body
    post(app, dict(FORM, title="Elsewhere"), address="198.51.100.4")
    assert queue()["count"] == 3


def test_a_forged_forwarded_header_does_not_escape_the_limit(people, app):
    post(app, FORM, forwarded="192.0.2.1")
    post(app, dict(FORM, title="Second"), forwarded="192.0.2.2")
    post(app, dict(FORM, title="Third"), forwarded="192.0.2.3", status=429)  # one connecting address
    assert queue()["count"] == 2


@pytest.mark.ckan_config("ckanext.pancanadian.stories.trusted_proxy_hops", 1)
def test_behind_a_trusted_proxy_each_client_has_its_own_budget(people, app):
    proxy = "10.0.0.2"
    post(app, FORM, address=proxy, forwarded="203.0.113.7")
    post(app, dict(FORM, title="Second"), address=proxy, forwarded="203.0.113.7")
    # What the client wrote before the proxy's entry is not believed: still 203.0.113.7.
    post(app, dict(FORM, title="Third"), address=proxy, forwarded="198.51.100.9, 203.0.113.7", status=429)
    post(app, dict(FORM, title="Another citizen"), address=proxy, forwarded="198.51.100.4")
    assert queue()["count"] == 3


def test_api_submission_without_account(people, app):
    response = app.post(tk.h.url_for("api.action", ver=3, logic_function="story_submit"),
                        json=dict(FORM, submitter_email=""), status=409)
    assert response.json["error"]["submitter_email"] == ["Missing value"]
    response = app.post(tk.h.url_for("api.action", ver=3, logic_function="story_submit"), json=FORM)
    assert response.json["result"]["workflow_state"] == "submitted"
    with pytest.raises(tk.NotAuthorized):
        helpers.call_action("story_show", context=as_user(""), id=response.json["result"]["id"])


def test_submission_closed_without_moderation_organization(people, ckan_config, monkeypatch):
    monkeypatch.setitem(ckan_config, "ckanext.pancanadian.stories.organization", "")
    with pytest.raises(tk.ValidationError) as refused:
        helpers.call_action("story_submit", context=as_user(""), **FORM)
    assert refused.value.error_dict == {"story": ["Public story submission is not open on this portal"]}
