"""A remote portal for the platform tests: an HTTP server thread on 127.0.0.1 answering from a
function of (path, query), and the ``fetch_json`` a harvester hands to ``iter_records``, built
on lib/safe_http with 127.0.0.1 allow-listed."""
import contextlib
import http.server
import json
import pathlib
import threading
import urllib.parse

from ckanext.pancanadian.lib import safe_http

FIXTURES = pathlib.Path(__file__).resolve().parent.parent / "fixtures" / "federation"


def load_fixture(relative):
    return json.loads((FIXTURES / relative).read_text(encoding="utf-8"))


class _Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        """Keep the test output quiet."""

    def do_GET(self):
        parts = urllib.parse.urlsplit(self.path)
        query = dict(urllib.parse.parse_qsl(parts.query, keep_blank_values=True))
        self.server.requests.append((parts.path, query))
        status, body = self.server.answer(parts.path, query)
        if not isinstance(body, bytes):
            body = json.dumps(body).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@contextlib.contextmanager
def portal(answer):
    """Serve ``answer(path, query) -> (status, body)`` (body: bytes, or JSON-able); yields the
    server, whose ``base`` is its root URL and ``requests`` the (path, query) pairs received."""
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    httpd.answer = answer
    httpd.requests = []
    httpd.base = f"http://127.0.0.1:{httpd.server_address[1]}"
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield httpd
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()


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
