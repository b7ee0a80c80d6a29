"""A remote portal for the platform tests: a replay server on 127.0.0.1 answering from a
function of (path, query), and the ``fetch_json`` a harvester hands to ``iter_records``, built
on lib/safe_http with 127.0.0.1 allow-listed."""
import json
import pathlib
import urllib.parse

from ckanext.pancanadian.federation import replay
from ckanext.pancanadian.lib import safe_http

FIXTURES = pathlib.Path(__file__).resolve().parent.parent / "fixtures" / "federation"


def load_fixture(relative):
    return json.loads((FIXTURES / relative).read_text(encoding="utf-8"))


def portal(answer):
    """A replay portal (federation/replay.py) answering every path with
    ``answer(path, query) -> (status, body)`` (body: bytes, or JSON-able); use it as a context
    manager; its ``url`` is its root and ``requests`` the (path, query) pairs received."""
    def reply(path, query):
        status, body = answer(path, query)
        return status, {"Content-Type": "application/json"}, body
    return replay.ReplayServer(fallback=reply)


def fetch_json(url, params=None):
    """GET ``url`` (with ``params`` as its query) through safe_http and parse it as JSON.

    FetchError for network/HTTP failures; ValueError (json.JSONDecodeError) for bad JSON."""
    if params:
        url = f"{url}{'&' if '?' in url else '?'}{urllib.parse.urlencode(params)}"
    body = safe_http.fetch_bytes(url, allowed_hosts=("127.0.0.1",), retries=0)
    return json.loads(body.decode("utf-8"))


def source_for(base, path, **overrides):
    """A harvest source dict as the harvester builds it, pointing at the local portal."""
    source = {
        "url": base + path,
        "portal": "test-portal",
        "title": {"en": "Test portal", "fr": "Portail d'essai"},
        "platform": "test",
        "jurisdiction_level": "municipal",
        "province_territory": ["BC"],
        "default_licence": "other-closed",
        "language": "en",
        "organization_filters": [],
    }
    source.update(overrides)
    return source
