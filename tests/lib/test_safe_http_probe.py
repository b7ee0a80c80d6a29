"""safe_http.probe (link checks and CSV samples) against a real local server, no CKAN services."""
import pytest

from ckanext.pancanadian.lib import safe_http
from tests.quality.servers import Handler, serving

OPTIONS = {"allowed_hosts": ("127.0.0.1",), "retries": 0}


@pytest.fixture(scope="module")
def link_server():
    with serving() as url:
        yield url


def failure(url, **options):
    with pytest.raises(safe_http.FetchError) as failed:
        safe_http.probe(url, **dict(OPTIONS, **options))
    return failed.value


def test_head_answers_without_a_body(link_server):
    Handler.methods.clear()
    result = safe_http.probe(link_server + "/ok.csv", **OPTIONS)
    assert (result.status, result.size, result.sample, result.headers["Content-Type"]) == (200, 8, b"", "text/csv")
    assert Handler.methods == [("HEAD", "/ok.csv", None)]


def test_head_refused_then_ranged_get(link_server):
    Handler.methods.clear()
    result = safe_http.probe(link_server + "/head-refused", **OPTIONS)
    assert result.status == 200
    assert Handler.methods == [("HEAD", "/head-refused", None), ("GET", "/head-refused", "bytes=0-0")]


def test_sample_is_a_ranged_get(link_server):
    Handler.files["/long.csv"] = ("text/csv", b"x,y\n" + b"1,2\n" * 1000)
    Handler.methods.clear()
    partial = safe_http.probe(link_server + "/long.csv", sample_bytes=100, **OPTIONS)
    assert (partial.status, len(partial.sample), partial.size, partial.complete) == (206, 100, 4004, False)
    assert Handler.methods == [("GET", "/long.csv", "bytes=0-99")]
    whole = safe_http.probe(link_server + "/ok.csv", sample_bytes=100, **OPTIONS)
    assert (whole.sample, whole.complete) == (b"a,b\n1,2\n", True)


def test_failures(link_server):
    assert (failure(link_server + "/missing").reason, failure(link_server + "/missing").status) == ("http-status", 404)
    assert failure(link_server + "/slow", read_timeout=0.3).reason == "timeout"
    assert failure(link_server + "/to-private").reason == "forbidden-address"
    assert failure("http://127.0.0.1:9/", allowed_hosts=("127.0.0.1",)).reason == "connection"
    assert failure(link_server + "/ok.csv", allowed_hosts=()).reason == "forbidden-address"


def test_redirect_followed(link_server):
    result = safe_http.probe(link_server + "/to-ok", **OPTIONS)
    assert (result.status, result.url) == (200, link_server + "/ok.csv")
