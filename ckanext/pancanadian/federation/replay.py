"""A local stand-in portal: a threaded HTTP server driven by a route table, replaying real
recorded payloads, with faults injected on demand. Used by the harvest tests (faults) and by
``ckan pancanadian federation demo`` (stand-in portals for a newcomer's federated search).

Routes map a path to a handler ``handler(params) -> body`` (bytes, str, or a JSON-able object)
or ``-> (status, headers, body)``; ``file_route(path)`` replays a recorded file byte for byte.
Other platforms' scenarios are added as data: a path and a handler.

Faults (``server.inject(path, mode, times=1, after=0, **options)``; the ``after`` first matching
requests are answered normally, the next ``times`` get the fault):

- ``status``      an HTTP error status (``status=500``)
- ``retry_after`` 429 with ``Retry-After: seconds``
- ``slow``        waits ``seconds`` before answering (past the client's read timeout)
- ``malformed``   a body that is not JSON
- ``truncated``   the JSON page with its last results cut (``count`` still announces them all)
- ``cut``         the body cut in the middle while Content-Length announces it all
- ``gone``        404 from now on (``times=None``): the source disappears mid-run
"""
import http.server
import json
import re
import threading
import time
import urllib.parse

CKAN_SEARCH = "/api/3/action/package_search"
_AFTER = re.compile(r'id:\{"([^"]*)" TO \*\]')
_ORGS = re.compile(r"organization:\(([^)]*)\)")
_SINCE = re.compile(r"metadata_modified:\[(\S+?)Z? TO \*\]")


def ckan_search_page(records, params):
    """The package_search answer of a CKAN portal holding ``records`` for ``params``: sorted by
    id, keyset (``fq=id:{after TO *]``) or offset (``start``) paging, organization and
    ``metadata_modified:[since TO *]`` filters."""
    rows = int(params.get("rows", 10))
    start = int(params.get("start", 0))
    fq = params.get("fq", "")
    matching = sorted(records, key=lambda record: record["id"])
    after = _AFTER.search(fq)
    if after:
        matching = [record for record in matching if record["id"] > after.group(1)]
    orgs = _ORGS.search(fq)
    if orgs:
        names = set(json.loads(f"[{orgs.group(1).replace(' OR ', ',')}]"))
        matching = [record for record in matching if (record.get("organization") or {}).get("name") in names]
    since = _SINCE.search(fq)
    if since:
        matching = [record for record in matching if record.get("metadata_modified", "") >= since.group(1)]
    return {"help": "package_search", "success": True,
            "result": {"count": len(matching), "sort": "id asc", "results": matching[start:start + rows]}}


def file_route(path):
    with open(path, "rb") as recorded:
        body = recorded.read()
    return lambda params: body


class _Fault:
    def __init__(self, path, mode, times, after, options):
        self.path, self.mode, self.times, self.after, self.options = path, mode, times, after, options

    def take(self, path):
        if path != self.path:
            return False
        if self.after > 0:
            self.after -= 1
            return False
        if self.times is None:
            return True
        if self.times > 0:
            self.times -= 1
            return True
        return False


class ReplayServer:
    """Serves ``routes`` ({path: handler(params)}); a path without a route is answered by
    ``fallback(path, params)`` when given (same answers as a handler), else 404."""

    def __init__(self, routes=None, fallback=None):
        self.routes = dict(routes or {})
        self.fallback = fallback
        self.faults = []
        self.requests = []  # (path, params) of every request, in order
        self.lock = threading.Lock()
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_GET(self):
                server._answer(self)

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self):
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()

    def inject(self, path, mode, times=1, after=0, **options):
        with self.lock:
            self.faults.append(_Fault(path, mode, times, after, options))

    def count(self, path):
        return sum(1 for requested, _params in self.requests if requested == path)

    def _fault_for(self, path):
        with self.lock:
            return next((fault for fault in self.faults if fault.take(path)), None)

    def _answer(self, handler):
        parsed = urllib.parse.urlsplit(handler.path)
        params = dict(urllib.parse.parse_qsl(parsed.query, keep_blank_values=True))
        self.requests.append((parsed.path, params))
        fault = self._fault_for(parsed.path)
        if fault is not None and fault.mode == "slow":
            time.sleep(fault.options.get("seconds", 3))
        if fault is not None and fault.mode == "gone":
            return self._send(handler, 404, {}, b"Not found")
        if fault is not None and fault.mode == "status":
            return self._send(handler, fault.options.get("status", 500), {}, b"Internal Server Error")
        if fault is not None and fault.mode == "retry_after":
            return self._send(handler, 429, {"Retry-After": str(fault.options.get("seconds", 1))}, b"Slow down")
        route = self.routes.get(parsed.path)
        if route is None and self.fallback is not None:
            answer = self.fallback(parsed.path, params)
        elif route is None:
            return self._send(handler, 404, {}, b"Not found")
        else:
            answer = route(params)
        status, headers, body = answer if isinstance(answer, tuple) else (200, {}, answer)
        if fault is not None and fault.mode == "truncated":
            document = body if isinstance(body, dict) else json.loads(body)
            results = document["result"]["results"]
            document["result"]["results"] = results[: max(0, len(results) // 2)]
            body = document
        if not isinstance(body, (bytes, str)):
            body = json.dumps(body)
            headers = {"Content-Type": "application/json", **headers}
        body = body.encode("utf-8") if isinstance(body, str) else body
        if fault is not None and fault.mode == "malformed":
            body = b'{"success": true, "result": {"count": 3, "results": [{"id": '
        if fault is not None and fault.mode == "cut":
            return self._send(handler, status, headers, body[: len(body) // 2], length=len(body))
        return self._send(handler, status, headers, body)

    @staticmethod
    def _send(handler, status, headers, body, length=None):
        try:
            handler.send_response(status)
            for name, value in headers.items():
                handler.send_header(name, value)
            handler.send_header("Content-Length", str(length if length is not None else len(body)))
            if length is not None:
                handler.send_header("Connection", "close")
                handler.close_connection = True
            handler.end_headers()
            handler.wfile.write(body)
            handler.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            handler.close_connection = True  # the client gave up (read timeout)
