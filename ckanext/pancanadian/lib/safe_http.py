"""The only way the suite fetches a remote URL (harvesters, link checks, CSV conformance).

``fetch_to_file(url, fileobj)`` streams a URL into a binary file object and returns a
``Fetched`` (final url, status, headers, size). What it enforces:

- connect and read timeouts (``ckanext.pancanadian.http.connect_timeout`` / ``read_timeout``);
- a size cap (``ckanext.pancanadian.http.max_bytes``): a larger Content-Length is refused before
  reading, and the body is streamed and abandoned as soon as it passes the cap;
- retries with exponential backoff (``retries``) on connection errors, 502/503/504 and 429;
  a 429 or 503 ``Retry-After`` (seconds or HTTP date) is honoured up to ``max_retry_after``
  seconds; a longer demand fails at once with reason ``rate-limited``;
- only http and https; the host is resolved and EVERY address must be public (not loopback,
  private, link-local, multicast, reserved, unspecified) unless the host name or a network
  holding the address is listed in ``ckanext.pancanadian.http.allowed_hosts``; redirects are
  followed by hand (at most ``max_redirects``) and each hop is checked again.

``probe(url, sample_bytes=0)`` answers "does this URL work?" cheaply, under the same rules: a
HEAD request (then a GET with a ``Range`` header when the server refuses HEAD), or, with
``sample_bytes``, a ranged GET that keeps at most that many bytes of the body (link checks and
CSV sampling).

Every failure raises ``FetchError`` whose ``reason`` is one of ``REASONS``.

The connection goes to the address the check approved, not to a second DNS answer (a DNS server
answering a public address to the check and a private one to the connection — DNS rebinding —
gets nowhere); the request still names the host (Host header, TLS SNI and certificate check).
"""
import email.utils
import ipaddress
import socket
import time
import urllib.parse

import requests
import requests.adapters
import urllib3.connection
import urllib3.connectionpool

REASONS = (
    "invalid-url",        # not http(s), no host
    "forbidden-address",  # resolves to a non-public address that is not allow-listed
    "dns",                # the host name does not resolve
    "connection",         # connection refused / reset
    "timeout",            # connect or read timeout
    "too-large",          # past max_bytes
    "http-status",        # a 4xx/5xx answer (status set)
    "too-many-redirects",
    "rate-limited",       # 429 with a Retry-After beyond the bound, or still 429 after retries
)

DEFAULTS = {
    "connect_timeout": 5.0,
    "read_timeout": 30.0,
    "max_bytes": 100 * 1024 * 1024,
    "retries": 2,
    "backoff": 0.5,
    "max_retry_after": 30.0,
    "max_redirects": 5,
    "allowed_hosts": (),
}
CHUNK = 64 * 1024
_RETRY_STATUSES = (429, 502, 503, 504)
_REDIRECTS = (301, 302, 303, 307, 308)
USER_AGENT = "ckanext-pancanadian"


class FetchError(Exception):
    """A remote URL could not be fetched; ``reason`` is one of ``REASONS``."""

    def __init__(self, reason, url, detail="", status=None):
        self.reason = reason
        self.url = url
        self.detail = detail
        self.status = status
        super().__init__(f"{reason}: {url}" + (f" ({detail})" if detail else ""))


class Fetched:
    def __init__(self, url, status, headers, size):
        self.url = url
        self.status = status
        self.headers = headers
        self.size = size


def settings_from_config(**overrides):
    """DEFAULTS, then the CKAN config (when CKAN is loaded), then ``overrides``."""
    values = dict(DEFAULTS)
    try:
        from ckan.plugins.toolkit import config
    except ImportError:  # pragma: no cover - used outside CKAN
        config = {}
    prefix = "ckanext.pancanadian.http."
    for key, default in DEFAULTS.items():
        raw = config.get(prefix + key)
        if raw is None or raw == "":
            continue
        if key == "allowed_hosts":
            values[key] = tuple(raw.split() if isinstance(raw, str) else raw)
        else:
            values[key] = type(default)(raw)
    values.update({k: v for k, v in overrides.items() if v is not None})
    return values


def _allowed(entries):
    names, networks = set(), []
    for entry in entries:
        entry = str(entry).strip().lower()
        if not entry:
            continue
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError:
            names.add(entry.rstrip("."))
    return names, networks


def _public(address):
    return not (address.is_loopback or address.is_private or address.is_link_local
                or address.is_multicast or address.is_reserved or address.is_unspecified
                or not address.is_global)


def check_target(url, allowed_hosts=()):
    """Refuse a URL whose scheme is not http(s) or whose host resolves to a non-public address
    that is not allow-listed; return (the parsed URL, the approved address to connect to —
    None for a host allow-listed by name, which is connected to as DNS says)."""
    parsed = urllib.parse.urlsplit(url)
    if parsed.scheme not in ("http", "https") or not parsed.hostname:
        raise FetchError("invalid-url", url)
    host = parsed.hostname.lower().rstrip(".")
    names, networks = _allowed(allowed_hosts)
    if host in names:
        return parsed, None
    try:
        port = parsed.port or (443 if parsed.scheme == "https" else 80)
    except ValueError:
        raise FetchError("invalid-url", url, "bad port") from None
    try:
        infos = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError) as error:
        raise FetchError("dns", url, str(error)) from None
    for info in infos:
        address = ipaddress.ip_address(info[4][0].split("%", 1)[0])
        mapped = getattr(address, "ipv4_mapped", None)
        if mapped is not None:
            address = mapped
        if _public(address) or any(address in network for network in networks):
            continue
        raise FetchError("forbidden-address", url, str(address))
    return parsed, infos[0][4][0]


class _PinnedConnection(urllib3.connection.HTTPConnection):
    pinned_address = None

    def _new_conn(self):
        # Only the socket goes to the approved address; the host name stays for everything
        # else (Host header, SNI, certificate).
        name = self._dns_host
        self._dns_host = self.pinned_address
        try:
            return super()._new_conn()
        finally:
            self._dns_host = name


class _PinnedHTTPSConnection(_PinnedConnection, urllib3.connection.HTTPSConnection):
    pass


class PinnedAdapter(requests.adapters.HTTPAdapter):
    """A requests adapter whose connections all go to one IP address."""

    def __init__(self, address):
        self.address = address
        super().__init__(max_retries=0)

    def init_poolmanager(self, *args, **kwargs):
        super().init_poolmanager(*args, **kwargs)
        attributes = {"pinned_address": self.address}
        http_connection = type("PinnedConnection", (_PinnedConnection,), attributes)
        https_connection = type("PinnedHTTPSConnection", (_PinnedHTTPSConnection,), attributes)
        self.poolmanager.pool_classes_by_scheme = {
            "http": type("PinnedPool", (urllib3.connectionpool.HTTPConnectionPool,),
                         {"ConnectionCls": http_connection}),
            "https": type("PinnedHTTPSPool", (urllib3.connectionpool.HTTPSConnectionPool,),
                          {"ConnectionCls": https_connection}),
        }


def open_checked(http, method, url, settings, **request_options):
    """``http.request(method, url)`` after check_target, connected to the approved address;
    requests' exceptions become ``FetchError``. Redirects are the caller's (each hop must be
    checked)."""
    parsed, address = check_target(url, settings["allowed_hosts"])
    if address is not None:
        http.mount(f"{parsed.scheme}://{parsed.netloc}/", PinnedAdapter(address))
    try:
        return http.request(method, url, allow_redirects=False,
                            timeout=(settings["connect_timeout"], settings["read_timeout"]),
                            **request_options)
    except requests.exceptions.Timeout as error:
        raise FetchError("timeout", url, str(error)) from None
    except requests.exceptions.InvalidURL as error:
        raise FetchError("invalid-url", url, str(error)) from None
    except requests.exceptions.RequestException as error:
        raise FetchError("connection", url, str(error)) from None


def _retry_after(value, now=None):
    """Seconds asked by a Retry-After header (delta-seconds or HTTP date); None if unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when is None:
        return None
    return max(0.0, when.timestamp() - (now if now is not None else time.time()))


def fetch_to_file(url, fileobj, *, session=None, sleep=time.sleep, headers=None, **options):
    """Stream ``url`` into ``fileobj`` (binary, writable); ``FetchError`` on any failure.

    ``options`` override the configured settings (see ``DEFAULTS``)."""
    settings = settings_from_config(**options)
    http = session or requests.Session()
    request_headers = {"User-Agent": USER_AGENT, **(headers or {})}

    start = fileobj.tell() if fileobj.seekable() else None
    attempts = []

    def attempt():
        if attempts:  # a retry starts the file again
            fileobj.seek(start)
            fileobj.truncate()
        attempts.append(url)
        return _fetch_once(http, url, fileobj, settings, request_headers)

    try:
        return _with_retries(attempt, settings, sleep)
    finally:
        if session is None:
            http.close()


def _with_retries(attempt_once, settings, sleep):
    """Call ``attempt_once`` until it succeeds, retrying as the module docstring says."""
    attempt = 0
    while True:
        try:
            return attempt_once()
        except FetchError as error:
            retry_after = getattr(error, "retry_after", None)
            retryable = error.reason in ("connection", "timeout") or error.status in _RETRY_STATUSES
            if retry_after is not None and retry_after > settings["max_retry_after"]:
                error.reason = "rate-limited"
                raise
            if not retryable or attempt >= settings["retries"]:
                if error.status == 429:
                    error.reason = "rate-limited"
                raise
            delay = retry_after if retry_after is not None else settings["backoff"] * (2 ** attempt)
            attempt += 1
            sleep(delay)


def _open_final(http, method, url, settings, headers):
    """(response, its URL) at the end of ``url``'s redirects, each hop checked again; a 4xx/5xx
    answer raises ``FetchError``. The caller closes the response."""
    current = url
    for _hop in range(settings["max_redirects"] + 1):
        response = open_checked(http, method, current, settings, stream=True, headers=headers)
        if response.status_code in _REDIRECTS and response.headers.get("Location"):
            response.close()
            current = urllib.parse.urljoin(current, response.headers["Location"])
            continue
        if response.status_code >= 400:
            response.close()
            error = FetchError("http-status", current, str(response.status_code), status=response.status_code)
            error.retry_after = _retry_after(response.headers.get("Retry-After"))
            raise error
        return response, current
    raise FetchError("too-many-redirects", url)


def _iter_body(response, url, chunk_size):
    """The body's chunks; a failure while reading it (requests wraps a read timeout while
    streaming in ConnectionError) raises ``FetchError``."""
    try:
        yield from response.iter_content(chunk_size)
    except requests.exceptions.ConnectionError as error:
        reason = "timeout" if "timed out" in str(error).lower() else "connection"
        raise FetchError(reason, url, str(error)) from None
    except requests.exceptions.RequestException as error:
        raise FetchError("connection", url, str(error)) from None


def _fetch_once(http, url, fileobj, settings, headers):
    response, current = _open_final(http, "GET", url, settings, headers)
    with response:
        declared = response.headers.get("Content-Length")
        if declared and declared.isdigit() and int(declared) > settings["max_bytes"]:
            raise FetchError("too-large", current, f"Content-Length {declared}")
        size = 0
        for chunk in _iter_body(response, current, CHUNK):
            size += len(chunk)
            if size > settings["max_bytes"]:
                raise FetchError("too-large", current, f"more than {settings['max_bytes']} bytes")
            fileobj.write(chunk)
        fileobj.flush()
        return Fetched(current, response.status_code, dict(response.headers), size)


def fetch_bytes(url, **options):
    """The body of ``url`` as bytes (small documents only: the size cap still applies)."""
    import io

    buffer = io.BytesIO()
    fetch_to_file(url, buffer, **options)
    return buffer.getvalue()


class Probe:
    """What a probe learnt: final url, status, headers, ``size`` (the whole body's length when
    the server said it, else None), ``sample`` (bytes kept) and ``complete`` (the sample is the
    whole body)."""

    def __init__(self, url, status, headers, size, sample, complete):
        self.url = url
        self.status = status
        self.headers = headers
        self.size = size
        self.sample = sample
        self.complete = complete


def _total_size(response):
    content_range = response.headers.get("Content-Range", "")
    total = content_range.rsplit("/", 1)[-1] if "/" in content_range else ""
    if response.status_code == 206:
        return int(total) if total.isdigit() else None
    declared = response.headers.get("Content-Length", "")
    return int(declared) if declared.isdigit() else None


def _probe_once(http, method, url, settings, headers, sample_bytes):
    response, current = _open_final(http, method, url, settings, headers)
    with response:
        size = _total_size(response)
        sample, complete = bytearray(), method == "GET"
        if method == "GET":
            for chunk in _iter_body(response, current, min(CHUNK, max(sample_bytes, 1))):
                sample.extend(chunk)
                if len(sample) >= sample_bytes:
                    # stopped early: complete only if the server said nothing is left
                    complete = size is not None and len(sample) >= size
                    break
        return Probe(current, response.status_code, dict(response.headers), size,
                     bytes(sample[:sample_bytes]), complete)


def probe(url, *, sample_bytes=0, session=None, sleep=time.sleep, **options):
    """Check that ``url`` answers (HEAD, or a ranged GET keeping ``sample_bytes``); a ``Probe``.

    Without ``sample_bytes`` a HEAD answered with an error is asked again with a one-byte GET:
    many servers refuse HEAD (405, 403, 501) yet serve the file. ``FetchError`` on failure."""
    settings = settings_from_config(**options)
    http = session or requests.Session()
    base_headers = {"User-Agent": USER_AGENT}
    ranged = {**base_headers, "Range": f"bytes=0-{max(sample_bytes, 1) - 1}"}
    try:
        if not sample_bytes:
            try:
                return _with_retries(lambda: _probe_once(http, "HEAD", url, settings, base_headers, 0),
                                     settings, sleep)
            except FetchError as error:
                if error.reason != "http-status" or error.status == 429:
                    raise
        return _with_retries(lambda: _probe_once(http, "GET", url, settings, ranged, sample_bytes),
                             settings, sleep)
    finally:
        if session is None:
            http.close()
