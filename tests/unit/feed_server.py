#!/usr/bin/env python3
"""A misbehaving feed server on loopback for tests/unit/test_feed_fetch.c.

    feed_server.py          prints "PORT" once listening on 127.0.0.1:0

Each path is one behaviour the fetcher must handle politely; /stats says
how many connections were open at most at once and how many requests each
path got.  It stops when its stdin closes (the test's pipe), so a crashed
test leaves no server behind.
"""
import email.utils
import gzip
import http.server
import io
import json
import socketserver
import sys
import threading
import time

ETAG = 'W/"v1-\\"quoted\\""'
LAST_MODIFIED = "Sat, 05 Dec 2026 10:00:00 GMT"
FEED = (b'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>'
        b"<ttl>120</ttl><item><title>One</title><link>https://x.example/1"
        b"</link></item></channel></rss>")

# 64 MiB of zeros in ~64 KiB of gzip: the bomb
_buf = io.BytesIO()
with gzip.GzipFile(fileobj=_buf, mode="wb", compresslevel=9) as _gz:
    _chunk = b"\0" * (1 << 20)
    for _ in range(64):
        _gz.write(_chunk)
BOMB = _buf.getvalue()

lock = threading.Lock()
state = {"open": 0, "max_open": 0, "accepted": 0, "slow": 0,
         "slow_max": 0, "hits": {}}


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def send(self, status, body=b"", headers=()):
        self.send_response(status)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        path = self.path.split("?")[0]
        with lock:
            state["hits"][path] = state["hits"].get(path, 0) + 1
        port = self.server.server_address[1]
        if path == "/feed":
            inm = self.headers.get("If-None-Match")
            ims = self.headers.get("If-Modified-Since")
            validators = [("ETag", ETAG), ("Last-Modified", LAST_MODIFIED)]
            if inm == ETAG or (inm is None and ims == LAST_MODIFIED):
                self.send(304, b"", validators)
            else:
                self.send(200, FEED, validators + [
                    ("Content-Type", "application/rss+xml; charset=utf-8"),
                    ("Cache-Control", "public, max-age=7200")])
        elif path == "/expires":
            when = email.utils.formatdate(time.time() + 5 * 3600,
                                          usegmt=True)
            self.send(200, FEED, [("Expires", when)])
        elif path == "/429s":
            self.send(429, b"slow down", [("Retry-After", "120")])
        elif path == "/429d":
            when = email.utils.formatdate(time.time() + 3 * 3600,
                                          usegmt=True)
            self.send(429, b"slow down", [("Retry-After", when)])
        elif path == "/503":
            self.send(503, b"away", [("Retry-After", "99999999")])
        elif path in ("/301", "/302", "/307", "/308"):
            self.send(int(path[1:]), b"", [("Location", "/feed")])
        elif path == "/301-302":
            self.send(301, b"", [("Location", "/302")])
        elif path.startswith("/chain/"):
            left = int(path[7:])
            self.send(301, b"", [("Location", "/chain/%d" % (left - 1)
                                  if left > 1 else "/feed")])
        elif path == "/page":
            self.send(200, b'<!doctype html><html><head><title>A blog'
                      b'</title><link rel="alternate" type="application/'
                      b'rss+xml" href="/feed"></head><body>Hi</body></html>',
                      [("Content-Type", "text/html")])
        elif path == "/plain":
            self.send(200, b"<!doctype html><title>No feed</title><p>Hi",
                      [("Content-Type", "text/html")])
        elif path == "/410":
            self.send(410, b"gone")
        elif path == "/500":
            self.send(500, b"oops")
        elif path == "/to-private":
            self.send(302, b"", [("Location",
                                  "http://127.0.0.2:%d/feed" % port)])
        elif path == "/to-file":
            self.send(302, b"", [("Location", "file:///etc/passwd")])
        elif path == "/bomb":
            self.send(200, BOMB, [("Content-Encoding", "gzip"),
                                  ("Content-Type", "application/rss+xml")])
        elif path == "/drip":
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml")
            self.send_header("Connection", "close")
            self.end_headers()
            try:
                for _ in range(120):
                    self.wfile.write(b" ")
                    self.wfile.flush()
                    time.sleep(1)
            except OSError:
                pass
            self.close_connection = True
        elif path == "/slow":
            with lock:
                state["slow"] += 1
                state["slow_max"] = max(state["slow_max"], state["slow"])
            time.sleep(0.5)
            with lock:
                state["slow"] -= 1
            self.send(200, FEED)
        elif path == "/reset":
            with lock:
                state["accepted"] = 0
                state["slow_max"] = 0
            self.send(200, b"{}")
        elif path == "/stats":
            with lock:
                body = json.dumps(state).encode()
            self.send(200, body, [("Content-Type", "application/json")])
        else:
            self.send(404, b"no")


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        pass  # resets are what the cut transfers do

    def process_request(self, request, client_address):
        with lock:
            state["open"] += 1
            state["accepted"] += 1
            state["max_open"] = max(state["max_open"], state["open"])
        super().process_request(request, client_address)

    def shutdown_request(self, request):
        with lock:
            state["open"] -= 1
        super().shutdown_request(request)


def main():
    srv = Server(("127.0.0.1", 0), Handler)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    # one write: the test reads up to the newline, then closes the pipe
    sys.stdout.write("%d\n" % srv.server_address[1])
    sys.stdout.flush()
    sys.stdin.read()  # until the test closes the pipe


if __name__ == "__main__":
    main()
