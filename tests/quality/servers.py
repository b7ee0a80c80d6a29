"""A local HTTP server (a thread in the test process) answering link checks and CSV samples
the ways real portals do: 200 with Range support, HEAD refused, 404, slow, redirects."""
import contextlib
import http.server
import threading
import time

SLOW_SECONDS = 1.5


class Handler(http.server.BaseHTTPRequestHandler):
    """``files`` maps a path to (content type, body); other paths are the special cases below."""

    files = {}
    methods = []  # (method, path, Range header) of every request, for assertions

    def log_message(self, *args):
        pass

    def _send(self, status, body=b"", headers=()):
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _answer(self):
        Handler.methods.append((self.command, self.path, self.headers.get("Range")))
        if self.path in Handler.files:
            content_type, body = Handler.files[self.path]
            wanted = self.headers.get("Range", "")
            if self.command == "GET" and wanted.startswith("bytes=0-"):
                last = min(int(wanted[len("bytes=0-"):]), len(body) - 1)
                self._send(206, body[:last + 1], [("Content-Type", content_type),
                                                  ("Content-Range", f"bytes 0-{last}/{len(body)}")])
            else:
                self._send(200, body, [("Content-Type", content_type)])
        elif self.path == "/head-refused":
            if self.command == "HEAD":
                self._send(405)
            else:
                self._send(200, b"served by GET", [("Content-Type", "application/pdf")])
        elif self.path == "/slow":
            time.sleep(SLOW_SECONDS)
            self._send(200, b"late")
        elif self.path == "/to-private":
            self._send(302, b"", [("Location", "http://10.1.2.3/secret.csv")])
        elif self.path == "/to-ok":
            self._send(301, b"", [("Location", "/ok.csv")])
        else:
            self._send(404, b"missing")

    do_GET = _answer
    do_HEAD = _answer


@contextlib.contextmanager
def serving():
    """The server's base URL while the block runs."""
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    Handler.files = {"/ok.csv": ("text/csv", b"a,b\n1,2\n")}
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()
