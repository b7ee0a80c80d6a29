"""Web routes of the stories: the listing with search and facets, the public submission form
and the Atom feed. A story's own page is the dataset-type read page (/story/<name>)."""
import math
from urllib.parse import urlencode

from feedgen.feed import FeedGenerator
from flask import Blueprint, Response

import ckan.plugins.toolkit as tk
from ckan.lib.search import SearchError, SearchQueryError

from ckanext.pancanadian.bilingual import values
from ckanext.pancanadian.lib import languages, web
from ckanext.pancanadian.stories import search, submission

stories = Blueprint("pancanadian_stories", __name__)

PAGE_SIZE = 20
FEED_SIZE = 50
SORTS = {"recent": "metadata_created desc", "title": "title_string asc"}


def _escape_term(value):
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


@stories.route("/stories")
def index():
    query = tk.request.args.get("q", "").strip()
    sort = tk.request.args.get("sort", "recent")
    try:
        page = max(1, int(tk.request.args.get("page", 1)))
    except ValueError:
        page = 1
    selected = [(name, value) for name, value in tk.request.args.items(multi=True)
                if name in search.FACET_FIELDS and value]
    fq = " ".join(f"+{name}:{_escape_term(value)}" for name, value in selected)
    query_error, status = None, 200
    try:
        result = tk.get_action("story_search")(web.user_context(), {
            "q": query, "fq": fq, "rows": PAGE_SIZE, "start": (page - 1) * PAGE_SIZE,
            "sort": SORTS.get(sort, SORTS["recent"]), "facet.field": list(search.FACET_FIELDS),
            "facet.limit": 20})
    except (SearchError, SearchQueryError, tk.ValidationError):
        # A query Solr or CKAN refuses (local parameters, unbalanced syntax) is the reader's
        # to fix, not a server error.
        result = {"count": 0, "results": [], "search_facets": {}}
        query_error, status = tk._("This search could not be run. Check its spelling or remove special characters."), 400

    page_args = [(k, v) for k, v in tk.request.args.items(multi=True) if k != "page"]
    page_base = tk.h.url_for("pancanadian_stories.index") + ("?" + urlencode(page_args) if page_args else "")

    def facet_url(name, value, add):
        args = [(k, v) for k, v in tk.request.args.items(multi=True)
                if k != "page" and not (k == name and v == value)]
        if add:
            args.append((name, value))
        return tk.h.url_for("pancanadian_stories.index") + ("?" + urlencode(args) if args else "")

    return tk.render("pancanadian/stories/index.html", {
        "query": query, "sort": sort, "result": result, "selected": selected, "page": page,
        "pages": max(1, math.ceil(result["count"] / PAGE_SIZE)), "page_base": page_base,
        "facet_url": facet_url, "facet_titles": search.facet_titles(), "facet_fields": search.FACET_FIELDS,
        "query_error": query_error}), status


@stories.route("/stories/submit", methods=["GET", "POST"])
def submit():
    data, errors, status = {}, {}, 200
    if tk.request.method == "POST":
        data = {name: tk.request.form.get(name, "") for name in submission.FIELDS}
        data[submission.HONEYPOT_FIELD] = tk.request.form.get(submission.HONEYPOT_FIELD, "")
        data["language"] = data.get("language") or web.page_language()
        try:
            tk.get_action("story_submit")(web.user_context(), data)
        except tk.ValidationError as invalid:
            errors = invalid.error_dict
            status = 429 if "rate_limit" in errors else 400
        else:
            return tk.render("pancanadian/stories/submitted.html", {})
    return tk.render("pancanadian/stories/submit.html", {
        "data": data, "errors": errors, "honeypot": submission.HONEYPOT_FIELD}), status


@stories.route("/stories/moderation")
def moderation():
    """The moderators' queue: stories submitted for moderation, oldest first."""
    try:
        page = max(1, int(tk.request.args.get("page", 1)))
    except ValueError:
        page = 1
    try:
        queue = tk.get_action("story_list")(web.user_context(), {
            "workflow_state": "submitted", "limit": PAGE_SIZE, "offset": (page - 1) * PAGE_SIZE})
    except tk.NotAuthorized:
        return tk.abort(403, tk._("Only story moderators see the moderation queue"))
    shown = [tk.get_action("package_show")({"ignore_auth": True}, {"id": name}) for name in queue["results"]]
    return tk.render("pancanadian/stories/moderation.html", {
        "stories": shown, "count": queue["count"], "page": page,
        "pages": max(1, math.ceil(queue["count"] / PAGE_SIZE))})


WORKFLOW_ACTIONS = ("submit", "publish", "archive")


@stories.route("/story/<id>/workflow", methods=["POST"])
def workflow(id):
    """A workflow button of the story page: submit, publish or archive."""
    action = tk.request.form.get("action")
    if action not in WORKFLOW_ACTIONS:
        return tk.abort(400, tk._("Unknown story action"))
    try:
        result = tk.get_action(f"story_{action}")(web.user_context(), {"id": id})
    except tk.ObjectNotFound:
        return tk.abort(404, tk._("Story not found"))
    except tk.NotAuthorized:
        return tk.abort(403, tk._("Not authorized to change this story"))
    except tk.ValidationError as invalid:
        for messages in invalid.error_dict.values():
            tk.h.flash_error(" ".join(str(message) for message in messages))
        return tk.redirect_to("story.read", id=id)
    tk.h.flash_success(tk.h.pancanadian_story_state_label(result["workflow_state"]))
    return tk.redirect_to("story.read", id=result["name"])


@stories.route("/stories/feed.atom")
def feed():
    """The latest published stories, in the reader's language (?lang=fr for French)."""
    lang = tk.request.args.get("lang") or web.page_language()
    lang = lang if lang in ("en", "fr") else "en"
    result = tk.get_action("story_search")({"user": ""}, {
        "fq": "+story_state:published", "rows": FEED_SIZE, "sort": "metadata_modified desc"})
    portal = languages.portal_languages()
    site_url = tk.config.get("ckan.site_url").rstrip("/")
    generator = FeedGenerator()
    generator.id(f"{site_url}/stories/feed.atom?lang={lang}")
    generator.title(tk._("Stories of open-data reuse") + " — " + tk.config.get("ckan.site_title"))
    generator.link(href=f"{site_url}/stories/feed.atom?lang={lang}", rel="self")
    generator.link(href=f"{site_url}/stories", rel="alternate")
    generator.language(lang)
    generator.updated(result["results"][0]["metadata_modified"] + "+00:00" if result["results"]
                      else "2000-01-01T00:00:00+00:00")
    for story in reversed(result["results"]):
        entry = generator.add_entry()
        url = f"{site_url}/story/{story['name']}"
        entry.id(url)
        entry.title(values.text_in(story.get("title_translated") or story["title"], lang, portal) or story["name"])
        entry.link(href=url, rel="alternate")
        entry.summary(values.text_in(story.get("notes_translated") or "", lang, portal) or "")
        entry.updated(story["metadata_modified"] + "+00:00")
        entry.published(story["metadata_created"] + "+00:00")
        entry.author({"name": (story.get("organization") or {}).get("title") or tk.config.get("ckan.site_title")})
    return Response(generator.atom_str(pretty=True), mimetype="application/atom+xml")


def blueprints():
    return [stories]
