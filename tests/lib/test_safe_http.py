"""lib/safe_http against real HTTP servers on 127.0.0.1 (allow-listed), no CKAN services."""
import http.server
import io
import threading
import time

import pytest
import requests

from ckanext.pancanadian.lib import safe_http

LOCAL = ("127.0.0.1",)


class Handler(http.server.BaseHTTPRequestHandler):
    hits = {}

    def log_message(self, *args):
        pass

    def _send(self, status, body=b"", headers=()):
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        Handler.hits[self.path] = Handler.hits.get(self.path, 0) + 1
        if self.path == "/ok.csv":
            self._send(200, b"a,b\n1,2\n", [("Content-Type", "text/csv")])
        elif self.path == "/slow":
            time.sleep(1.5)
            self._send(200, b"late")
        elif self.path == "/big":
            self._send(200, b"x" * 5000)
        elif self.path == "/big-chunked":  # no Content-Length: the cap applies while streaming
            self.send_response(200)
            self.end_headers()
            for _ in range(50):
                self.wfile.write(b"y" * 1000)
            self.close_connection = True
        elif self.path == "/busy":
            if Handler.hits[self.path] == 1:
                self._send(429, b"slow down", [("Retry-After", "1")])
            else:
                self._send(200, b"served")
        elif self.path == "/very-busy":
            self._send(429, b"", [("Retry-After", "3600")])
        elif self.path == "/to-private":
            self._send(302, b"", [("Location", "http://10.1.2.3/secret")])
        elif self.path == "/to-ok":
            self._send(301, b"", [("Location", "/ok.csv")])
        elif self.path == "/host":
            self._send(200, self.headers["Host"].encode("ascii"))
        else:
            self._send(404, b"missing")


@pytest.fixture(scope="module")
def server():
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def fetch(url, **options):
    options.setdefault("allowed_hosts", LOCAL)
    options.setdefault("retries", 0)
    buffer = io.BytesIO()
    result = safe_http.fetch_to_file(url, buffer, **options)
    return result, buffer.getvalue()


def reason_of(url, **options):
    with pytest.raises(safe_http.FetchError) as failed:
        fetch(url, **options)
    return failed.value


def test_200(server):
    result, body = fetch(server + "/ok.csv")
    assert (result.status, result.size, body) == (200, 8, b"a,b\n1,2\n")


def test_404(server):
    error = reason_of(server + "/nothing")
    assert (error.reason, error.status) == ("http-status", 404)


def test_timeout(server):
    assert reason_of(server + "/slow", read_timeout=0.3).reason == "timeout"


def test_oversize_declared_and_streamed(server):
    assert reason_of(server + "/big", max_bytes=1000).reason == "too-large"
    assert reason_of(server + "/big-chunked", max_bytes=10_000).reason == "too-large"
    _, body = fetch(server + "/big", max_bytes=5000)
    assert len(body) == 5000


def test_429_retry_after_is_honoured(server):
    slept = []
    buffer = io.BytesIO()
    result = safe_http.fetch_to_file(server + "/busy", buffer, allowed_hosts=LOCAL, retries=2,
                                     sleep=slept.append)
    assert (result.status, buffer.getvalue(), slept) == (200, b"served", [1.0])


def test_429_retry_after_beyond_the_bound_fails_at_once(server):
    slept = []
    with pytest.raises(safe_http.FetchError) as failed:
        safe_http.fetch_to_file(server + "/very-busy", io.BytesIO(), allowed_hosts=LOCAL, retries=3,
                                max_retry_after=10, sleep=slept.append)
    assert (failed.value.reason, slept) == ("rate-limited", [])


def test_redirect_to_private_address_is_refused(server):
    error = reason_of(server + "/to-private")
    assert (error.reason, error.url) == ("forbidden-address", "http://10.1.2.3/secret")


def test_redirect_is_followed_and_rechecked(server):
    result, body = fetch(server + "/to-ok")
    assert result.url.endswith("/ok.csv") and body == b"a,b\n1,2\n"


def test_loopback_refused_unless_allow_listed(server):
    assert reason_of(server + "/ok.csv", allowed_hosts=()).reason == "forbidden-address"
    assert fetch(server + "/ok.csv", allowed_hosts=("127.0.0.0/8",))[0].status == 200
    assert fetch(server.replace("127.0.0.1", "localhost") + "/ok.csv", allowed_hosts=("localhost",))[0].status == 200


def test_check_returns_the_address_it_approved(server):
    parsed, address = safe_http.check_target(server + "/ok.csv", ("127.0.0.0/8",))
    assert (parsed.path, address) == ("/ok.csv", "127.0.0.1")
    assert safe_http.check_target(server.replace("127.0.0.1", "localhost"), ("localhost",))[1] is None


def test_connection_goes_to_the_approved_address_not_to_a_new_dns_answer(server):
    """DNS rebinding: the name is not resolved again when connecting. A name that does not
    resolve at all (.invalid) still reaches the approved address, and the request names it."""
    port = server.rsplit(":", 1)[1]
    with requests.Session() as session:
        session.mount(f"http://rebound.invalid:{port}/", safe_http.PinnedAdapter("127.0.0.1"))
        response = session.get(f"http://rebound.invalid:{port}/host", timeout=5)
    assert response.status_code == 200 and response.text == f"rebound.invalid:{port}"


@pytest.mark.parametrize("url", ["http://169.254.169.254/latest/meta-data", "http://[::1]/", "http://0.0.0.0/",
                                 "http://224.0.0.1/", "http://192.168.1.1/", "http://[::ffff:10.0.0.1]/"])
def test_non_public_targets(url):
    assert reason_of(url, allowed_hosts=()).reason == "forbidden-address"


@pytest.mark.parametrize("url", ["ftp://example.org/x.csv", "file:///etc/passwd", "http:///x", "gopher://x"])
def test_invalid_urls(url):
    assert reason_of(url).reason == "invalid-url"


def test_retry_after_http_date():
    assert safe_http._retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412470.0) == 10.0
    assert safe_http._retry_after("soon") is None
