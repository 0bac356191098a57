#!/usr/bin/python3
# Abuse: oversized headers and bodies, filters and pages past the limits,
# slow clients and a thousand connections at once.  Each is refused with a
# specific answer or a closed connection, and the server keeps serving others.
#
# Copyright 2026 The Provisio authors
# SPDX-License-Identifier: GPL-3.0-or-later

import errno
import json
import os
import selectors
import socket
import ssl
import subprocess
import sys
import threading
import time
import unittest
import urllib.parse

from pvstress import StressTest, percentile, raise_file_limit
from pvtest import PROVISIOD

USER = "urn:ietf:params:scim:schemas:core:2.0:User"
ERROR = "urn:ietf:params:scim:api:messages:2.0:Error"
LIST = "urn:ietf:params:scim:api:messages:2.0:ListResponse"

# What docs/provisiod.md promises.
MAX_HEADER_FIELDS = 100
MAX_HEADER_SIZE = 16 * 1024
HEADER_LIMIT = 64 * 1024     # answered by provisiod up to here (pvd-mhd.c)
MAX_BODY = 64 * 1024
MAX_COUNT = 1000

# tools/dev runs the sanitized build with ASAN_OPTIONS set.
SANITIZED = "ASAN_OPTIONS" in os.environ


# The separate client: one request at a time on its own connections until
# told to stop; prints its latencies in seconds.
PROBE = """
import http.client, json, sys, threading, time, urllib.parse
url = urllib.parse.urlsplit(sys.argv[1])
stop = threading.Event()
threading.Thread(target=lambda: (sys.stdin.readline(), stop.set()), daemon=True).start()
latencies = []
while not stop.is_set():
    t = time.monotonic()
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
    conn.request("GET", "/api/v1/tenant", headers={"Authorization": "Bearer " + sys.argv[2]})
    r = conn.getresponse()
    body = r.read()
    conn.close()
    assert r.status == 200 and json.loads(body)["id"] == "acme", (r.status, body)
    latencies.append(time.monotonic() - t)
    time.sleep(0.005)
print(json.dumps(latencies))
"""


class Answer:
    def __init__(self, head, body):
        lines = head.decode("latin-1").split("\r\n")
        self.status_line = lines[0]
        self.status = int(lines[0].split()[1])
        self.headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            self.headers[name.strip().lower()] = value.strip()
        self.body = body
        # libmicrohttpd's own answers (past its memory per connection) are HTML.
        json_body = body and "json" in self.headers.get("content-type", "")
        self.json = json.loads(body) if json_body else None


def read_answer(sock, buffer=b""):
    """One HTTP answer from sock; None if the server closed the connection
    (or reset it) before a whole one arrived.  Returns (answer, rest)."""
    try:
        while b"\r\n\r\n" not in buffer:
            data = sock.recv(65536)
            if not data:
                return None, b""
            buffer += data
        head, _, buffer = buffer.partition(b"\r\n\r\n")
        answer = Answer(head, b"")
        length = int(answer.headers.get("content-length", "0"))
        while len(buffer) < length:
            data = sock.recv(65536)
            if not data:
                return None, b""
            buffer += data
        answer = Answer(head, buffer[:length])
        return answer, buffer[length:]
    except (ConnectionResetError, BrokenPipeError):
        return None, b""


def closed_by_server(sock, within):
    """Whether the server closes sock within `within` seconds; what it sent
    before is read and dropped."""
    sock.settimeout(within)
    deadline = time.monotonic() + within
    try:
        while time.monotonic() < deadline:
            sock.settimeout(max(0.01, deadline - time.monotonic()))
            if not sock.recv(1 << 20):
                return True
    except (ConnectionResetError, BrokenPipeError):
        return True
    except socket.timeout:
        return False
    return False


def sockets_held(pid):
    """The sockets process pid holds; one it closes while they are counted
    is not."""
    held = 0
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            held += os.readlink(f"/proc/{pid}/fd/{fd}").startswith("socket:")
        except FileNotFoundError:
            pass
    return held


class Abuse(StressTest):
    extra_args = ("--request-timeout", "3")

    def setUp(self):
        super().setUp()
        url = urllib.parse.urlsplit(self.server.url)
        self.address = (url.hostname, url.port)
        issued = self.issue(description="abuse tests")
        self.scim_path = urllib.parse.urlsplit(issued["scim_base_url"]).path
        self.secret = issued["secret"]

    def connect(self, source="127.0.0.1"):
        return socket.create_connection(self.address, timeout=10, source_address=(source, 0))

    def exchange(self, payload, source="127.0.0.1"):
        sock = self.connect(source)
        try:
            try:
                sock.sendall(payload)
            except (ConnectionResetError, BrokenPipeError):
                # The server answered and closed before it read all of a
                # request past its limits: what it answered is read from
                # what arrived before the reset.
                pass
            return read_answer(sock)[0]
        finally:
            sock.close()

    def request_bytes(self, method, path, secret, extra_headers=b"", body=b"",
                      content_type=b"application/json"):
        head = (f"{method} {path} HTTP/1.1\r\nHost: {self.address[0]}\r\n"
                f"Authorization: Bearer {secret}\r\n").encode()
        if body:
            head += b"Content-Type: " + content_type + b"\r\n"
            head += b"Content-Length: %d\r\n" % len(body)
        return head + extra_headers + b"\r\n" + body

    def peak_memory(self):
        with open(f"/proc/{self.server.proc.pid}/status") as f:
            return next(int(line.split()[1]) * 1024 for line in f if line.startswith("VmHWM:"))

    def assertServing(self):
        r = self.get("/api/v1/tenant")
        self.assertEqual(r.status, 200, r.text)

    def assertScimError(self, answer, status, scim_type=None, mentions=None):
        self.assertIsNotNone(answer, "the server closed the connection without an answer")
        self.assertEqual(answer.status, status, answer.body)
        self.assertIn(ERROR, answer.json["schemas"])
        self.assertEqual(answer.json["status"], str(status))
        if scim_type:
            self.assertEqual(answer.json.get("scimType"), scim_type, answer.body)
        if mentions:
            self.assertIn(mentions, answer.json["detail"])

    def scim_get(self, resource):
        return self.exchange(self.request_bytes("GET", self.scim_path + resource, self.secret))

    # Headers

    def test_headers(self):
        """Up to 100 fields and 16 KiB: served; more, up to 64 KiB in up to
        200 fields (or 500 short ones): 431 in the format of the part asked;
        past what libmicrohttpd holds per connection: 431 and the
        connection closed."""
        ok = b"".join(b"X-Field-%d: %d\r\n" % (i, i) for i in range(MAX_HEADER_FIELDS - 3))
        a = self.exchange(self.request_bytes("GET", "/api/v1/tenant", self.key, ok))
        self.assertEqual(a.status, 200, a.body)

        too_many = b"".join(b"X-Field-%d: %d\r\n" % (i, i) for i in range(MAX_HEADER_FIELDS + 1))
        too_big = b"X-Big: " + b"a" * (MAX_HEADER_SIZE + 1) + b"\r\n"
        one_64k = b"X-Huge: " + b"a" * HEADER_LIMIT + b"\r\n"
        fields_64k = b"".join(b"X-%03d: %s\r\n" % (i, b"a" * 320) for i in range(200))   # 64 KiB
        short_fields = b"".join(b"X-%d: %s\r\n" % (i, b"a" * 56) for i in range(500))   # 32 KiB
        for extra in (too_many, too_big, one_64k, fields_64k, short_fields):
            a = self.exchange(self.request_bytes("GET", "/api/v1/tenant", self.key, extra))
            self.assertIsNotNone(a)
            self.assertEqual(a.status_line, "HTTP/1.1 431 Request Header Fields Too Large")
            self.assertEqual(a.json["error"], "headers_too_large", a.body)
            self.assertIn("at most 100 fields and 16 KiB", a.json["message"])
            self.assertEqual(a.headers.get("connection"), "close")
            a = self.exchange(self.request_bytes("GET", self.scim_path + "/Users", self.secret, extra))
            self.assertScimError(a, 431, mentions="too large")

        # Documented in openapi.json for every operation (pvtest checks the answer against it).
        for method, path in (("GET", "/api/v1/tenant"), ("PATCH", "/api/v1/sso"),
                             ("POST", "/api/v1/provisioning/users/tokens")):
            r = self.server.request(method, path, key=self.key, body={} if method != "GET" else None,
                                    headers={f"X-Field-{i}": "1" for i in range(MAX_HEADER_FIELDS + 1)})
            self.assertError(r, 431, "headers_too_large")

        # Past its memory per connection (text and 56 bytes a field: many
        # tiny fields, or more than 64 KiB) libmicrohttpd answers 431
        # itself, and closes the connection; the server serves on.
        for extra in (b"".join(b"X-%d: a\r\n" % i for i in range(3000)),
                      b"X-Huge: " + b"a" * (4 * HEADER_LIMIT) + b"\r\n",
                      b"".join(b"X-%d: %s\r\n" % (i, b"a" * 100) for i in range(5000))):
            a = self.exchange(self.request_bytes("GET", "/api/v1/tenant", self.key, extra))
            self.assertIsNotNone(a)
            self.assertEqual(a.status, 431)
            self.assertEqual(a.headers.get("connection"), "close")
            self.assertServing()

    def test_half_close_ends_the_connection(self):
        """A client that shuts down its sending side with its requests gets
        every answer, then the connection's end at once, not at the request
        timeout (3 s here): also after a SCIM write and an admin write,
        whose handlers wait for their commit.  The requests are corked
        until the shutdown, so that the end of the stream arrives with
        them, as from a client that sends and shuts down at once: one
        whose shutdown comes later, while a SCIM write waits for its
        commit, is taken for gone (docs/provisiod.md, "SCIM")."""
        user = json.dumps({"schemas": [USER], "userName": "half@example.com"}).encode()
        for payload in (self.request_bytes("GET", "/api/v1/tenant", self.key),
                        self.request_bytes("POST", self.scim_path + "/Users", self.secret, body=user),
                        self.request_bytes("POST", "/api/v1/provisioning/users/tokens", self.key,
                                           body=b'{"retire": "never"}')
                        + self.request_bytes("DELETE", self.scim_path + "/Users/unknown", self.secret)):
            sock = self.connect()
            try:
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_CORK, 1)
                sock.sendall(payload)
                sock.shutdown(socket.SHUT_WR)
                start = time.monotonic()
                answer, rest = read_answer(sock)
                self.assertIn(answer.status, (200, 201), answer.body)
                self.assertTrue(closed_by_server(sock, 2.5), "the connection outlived the half-close")
                self.assertLess(time.monotonic() - start, 1.5)
            finally:
                sock.close()

    # Bodies

    def test_bodies(self):
        """413 for an announced or sent body over 64 KiB, API and SCIM; a body
        shorter than announced waits for the request timeout; a chunked body
        is closed off once past 64 KiB; nothing is changed."""
        big = json.dumps({"schemas": [USER], "userName": "big@example.com",
                          "title": "x" * (MAX_BODY + 1)}).encode()
        a = self.exchange(self.request_bytes("POST", self.scim_path + "/Users", self.secret, body=big,
                                             content_type=b"application/scim+json"))
        self.assertScimError(a, 413, mentions="64 KiB")
        self.assertEqual(a.headers.get("connection"), "close")

        # With "Expect: 100-continue", refused at once, before any body.
        for path, secret in (("/api/v1/reminders", self.key), (self.scim_path + "/Users", self.secret)):
            sock = self.connect()
            sock.sendall((f"PUT {path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {secret}\r\n"
                          f"Content-Type: application/json\r\nExpect: 100-continue\r\n"
                          f"Content-Length: {MAX_BODY + 1}\r\n\r\n").encode())
            a, _ = read_answer(sock)
            sock.close()
            self.assertIsNotNone(a, "no answer before the body")
            self.assertEqual(a.status, 413)
            if path.startswith("/api/"):
                self.assertEqual(a.json["error"], "payload_too_large")
            else:
                self.assertScimError(a, 413)

        # Without it, the body is read and dropped as it comes, not kept:
        # 32 MiB sent cost the server less than 8 MiB of memory.
        before = self.peak_memory()
        sock = self.connect()
        size = 32 << 20
        sock.sendall((f"PUT /api/v1/reminders HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {self.key}\r\n"
                      f"Content-Type: application/json\r\nContent-Length: {size}\r\n\r\n").encode())
        chunk = b"x" * (1 << 20)
        for _ in range(size // len(chunk)):
            sock.sendall(chunk)
        a, _ = read_answer(sock)
        sock.close()
        self.assertEqual(a.status, 413)
        self.assertEqual(a.json["error"], "payload_too_large")
        # AddressSanitizer keeps freed memory in quarantine: no measure there.
        if not SANITIZED:
            self.assertLess(self.peak_memory() - before, 8 << 20)

        # A Content-Length that promises more than comes: the server waits,
        # serves others meanwhile, and closes the connection at the timeout.
        sock = self.connect()
        sock.sendall(self.request_bytes("PUT", "/api/v1/reminders", self.key,
                                        body=b'{"thresholds_days": [9]}')[:-10])
        start = time.monotonic()
        self.assertServing()
        self.assertTrue(closed_by_server(sock, 8), "a stalled body was not closed")
        self.assertLess(time.monotonic() - start, 8)
        sock.close()

        # A Content-Length shorter than the body: the body is cut there, and
        # the rest is a malformed next request.
        body = b'{"thresholds_days": [9]}'
        payload = self.request_bytes("PUT", "/api/v1/reminders", self.key, body=body)
        payload = payload.replace(b"Content-Length: %d" % len(body), b"Content-Length: 10")
        sock = self.connect()
        sock.sendall(payload)
        a, rest = read_answer(sock)
        self.assertEqual(a.status, 400)
        self.assertEqual(a.json["error"], "invalid_json")
        b, _ = read_answer(sock, rest)
        self.assertTrue(b is None or b.status == 400, b and b.status_line)
        sock.close()

        # Chunked: a small body is read, a large one closed off.
        def chunked(path, secret, content, content_type=b"application/json", chunk=4096):
            sock = self.connect()
            try:
                sock.sendall((f"PUT {path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {secret}\r\n"
                              "Transfer-Encoding: chunked\r\n").encode()
                             + b"Content-Type: " + content_type + b"\r\n\r\n")
                for i in range(0, len(content), chunk):
                    piece = content[i:i + chunk]
                    sock.sendall(b"%x\r\n%s\r\n" % (len(piece), piece))
                sock.sendall(b"0\r\n\r\n")
                sock.shutdown(socket.SHUT_WR)
            except OSError as e:
                # The server closed it (reset, or already gone when shutting down our side).
                if e.errno not in (errno.ECONNRESET, errno.EPIPE, errno.ENOTCONN):
                    raise
                sock.close()
                return None
            a = read_answer(sock)[0]
            sock.close()
            return a

        a = chunked("/api/v1/reminders", self.key, b'{"thresholds_days": [21, 3]}', chunk=5)
        self.assertEqual(a.status, 200, a.body)
        self.assertEqual(a.json["thresholds_days"], [21, 3])
        padded = b'{"thresholds_days": [5], "pad": "' + b"x" * (4 * MAX_BODY) + b'"}'
        self.assertIsNone(chunked("/api/v1/reminders", self.key, padded))
        self.assertIsNone(chunked(self.scim_path + "/Users/x", self.secret, padded,
                                  b"application/scim+json"))
        self.assertEqual(self.get("/api/v1/reminders").json["thresholds_days"], [21, 3])
        # Each file logs under its own domain; the requests under provisiod's.
        log = self.server.log()
        self.assertRegex(log, r"pvd-(limits|mhd)-DEBUG: [0-9:.]+: Closing a connection whose body passed 64 KiB")
        self.assertRegex(log, r"provisiod-DEBUG: [0-9:.]+: PUT /api/v1/reminders 200 [0-9.]+ ms")
        self.assertServing()

    # Filters and pages

    def test_filters_and_pages(self):
        """Filters past their limits get 400 invalidFilter saying which limit;
        count is clamped to 1,000, startIndex below 1 is 1, garbage is 400."""
        cases = [
            ('userName eq "' + "a" * 5000 + '"', "longer than 4096 bytes"),
            ("(" * 40 + 'userName eq "a"' + ")" * 40, "nested more than 32 levels deep"),
            (" or ".join(f'userName eq "u{i}"' for i in range(120)), "more than 200 parts"),
            ("not (" * 40 + 'userName pr' + ")" * 40, "nested more than 32 levels deep"),
        ]
        for text, detail in cases:
            a = self.scim_get("/Users?filter=" + urllib.parse.quote(text))
            self.assertScimError(a, 400, "invalidFilter", detail)
            body = json.dumps({"schemas": ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],
                               "filter": text}).encode()
            a = self.exchange(self.request_bytes("POST", self.scim_path + "/Users/.search", self.secret,
                                                 body=body, content_type=b"application/scim+json"))
            if len(body) <= MAX_BODY:
                self.assertScimError(a, 400, "invalidFilter", detail)

        # Enough users to see the clamp, over one keep-alive connection.
        n = MAX_COUNT + 5
        sock = self.connect()
        rest = b""
        for i in range(n):
            body = json.dumps({"schemas": [USER], "userName": f"user{i:04}@example.com"}).encode()
            sock.sendall(self.request_bytes("POST", self.scim_path + "/Users", self.secret, body=body,
                                            content_type=b"application/scim+json"))
            a, rest = read_answer(sock, rest)
            self.assertEqual(a.status, 201, a.body)
        sock.close()

        a = self.scim_get("/ServiceProviderConfig")
        self.assertEqual(a.json["filter"]["maxResults"], MAX_COUNT)
        for query, total, start, items in (("count=5000", n, 1, MAX_COUNT),
                                           ("count=2147483647&startIndex=1001", n, 1001, 5),
                                           ("count=-5", n, 1, 0),
                                           ("count=0", n, 1, 0),
                                           ("startIndex=0&count=2", n, 1, 2),
                                           ("startIndex=-7&count=2", n, 1, 2),
                                           ("startIndex=2147483647", n, 2147483647, 0)):
            a = self.scim_get("/Users?" + query)
            self.assertEqual(a.status, 200, a.body)
            self.assertEqual((a.json["totalResults"], a.json["startIndex"], a.json["itemsPerPage"],
                              len(a.json["Resources"])), (total, start, items, items), query)
        for query, name in (("count=abc", "count"), ("count=1e3", "count"), ("count=", "count"),
                            ("count=99999999999", "count"), ("startIndex=x", "startIndex"),
                            ("startIndex=1.5", "startIndex"), ("count=%00", "count")):
            self.assertScimError(self.scim_get("/Users?" + query), 400, "invalidValue", name)

        # The same in a SearchRequest body, where the types are JSON's.
        for member, value in (("count", "abc"), ("count", [1]), ("count", {}), ("count", 1.5),
                              ("startIndex", "1"), ("startIndex", True), ("count", 2 ** 40)):
            body = json.dumps({"schemas": ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],
                               member: value}).encode()
            a = self.exchange(self.request_bytes("POST", self.scim_path + "/Users/.search", self.secret,
                                                 body=body, content_type=b"application/scim+json"))
            self.assertScimError(a, 400, "invalidValue", member)
        for value in (7, ["userName pr"], {"a": 1}):
            body = json.dumps({"schemas": ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],
                               "filter": value}).encode()
            a = self.exchange(self.request_bytes("POST", self.scim_path + "/Users/.search", self.secret,
                                                 body=body, content_type=b"application/scim+json"))
            self.assertScimError(a, 400, "invalidFilter", "filter")
        body = json.dumps({"schemas": ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],
                           "count": 3, "startIndex": 0, "filter": None}).encode()
        a = self.exchange(self.request_bytes("POST", self.scim_path + "/Users/.search", self.secret,
                                             body=body, content_type=b"application/scim+json"))
        self.assertEqual((a.status, a.json["itemsPerPage"], a.json["startIndex"]), (200, 3, 1))
        self.assertNotIn("CRITICAL", self.server.log())

    # Keep-alive

    def test_answers_without_body_keep_the_connection(self):
        """A 204 (DELETE) leaves the connection open for the request after
        it (libsoup 3.2 closed it, losing a request sent meanwhile); a 304
        too."""
        body = json.dumps({"schemas": [USER], "userName": "kept@example.com"}).encode()
        sock = self.connect()
        sock.sendall(self.request_bytes("POST", self.scim_path + "/Users", self.secret, body=body,
                                        content_type=b"application/scim+json"))
        a, rest = read_answer(sock)
        self.assertEqual(a.status, 201)
        user = a.json
        etag = ("If-None-Match: " + user["meta"]["version"] + "\r\n").encode()
        for method, extra, status in (("GET", etag, 304), ("DELETE", b"", 204), ("GET", b"", 404)):
            sock.sendall(self.request_bytes(method, f"{self.scim_path}/Users/{user['id']}", self.secret, extra))
            a, rest = read_answer(sock, rest)
            self.assertIsNotNone(a, f"the connection closed after the answer before {method}")
            self.assertEqual(a.status, status)
            if status == 204:
                self.assertNotIn("content-length", a.headers)
        sock.close()

    def test_body_sent_after_its_headers(self):
        """200 POST /Users on one keep-alive connection from a client that
        writes the headers and the body with two send() calls, Nagle's
        algorithm on: each is answered as fast as one sent in one piece.
        The server used to leave the headers unacknowledged for Linux's
        delayed ACK (40 ms), which the body waited for: the load crawled
        at some 44 ms a request and looked hung."""
        sock = self.connect()
        self.assertEqual(sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY), 0)
        rest = b""
        took = []
        for i in range(200):
            body = json.dumps({"schemas": [USER], "userName": f"split{i}@example.com"}).encode()
            request = self.request_bytes("POST", self.scim_path + "/Users", self.secret, body=body,
                                         content_type=b"application/scim+json")
            head = request[:-len(body)]
            start = time.monotonic()
            sock.sendall(head)
            sock.sendall(body)
            a, rest = read_answer(sock, rest)
            took.append(time.monotonic() - start)
            self.assertIsNotNone(a, f"the connection closed before answer {i + 1}")
            self.assertEqual(a.status, 201, a.body)
        sock.close()
        # The kernel's delayed acknowledgement is 40 ms at least: half of the
        # requests waiting for it would put the median there.
        median = sorted(took)[len(took) // 2]
        print(f"split writes: median {median * 1000:.1f} ms, longest {max(took) * 1000:.1f} ms")
        self.assertLess(median, 0.02)

    # Failed authentication

    def test_dripped_headers_end_at_the_timeout(self):
        """A client that sends its headers a byte every half second, never
        idle for long, is closed once the request timeout (3 s) from the
        start is over, not when it stops."""
        sock = self.connect()
        start = time.monotonic()
        payload = self.request_bytes("GET", "/api/v1/tenant", self.key, b"X-Slow: " + b"a" * 100 + b"\r\n")
        closed_after = None
        for byte in payload[:-4]:
            try:
                sock.send(bytes([byte]))
            except (ConnectionResetError, BrokenPipeError):
                closed_after = time.monotonic() - start
                break
            if closed_by_server(sock, 0.5):
                closed_after = time.monotonic() - start
                break
            if time.monotonic() - start > 10:
                break
        sock.close()
        self.assertIsNotNone(closed_after, "a dripping client kept its connection for 10 s")
        # Checked once a second: between 3 and 4 s, and some slack for a busy machine.
        self.assertGreaterEqual(closed_after, 3.0)
        self.assertLess(closed_after, 6.0)
        self.assertServing()

    def test_failed_authentication_is_limited_per_address(self):
        """Another address is not held back by one that failed too often."""
        for _ in range(20):
            self.exchange(self.request_bytes("GET", "/api/v1/tenant", "pva_wrong"))
        a = self.exchange(self.request_bytes("GET", "/api/v1/tenant", self.key))
        self.assertEqual(a.status, 429)
        self.assertEqual(a.json["error"], "rate_limited")
        self.assertGreater(int(a.headers["retry-after"]), 0)
        self.assertScimError(self.scim_get("/Users"), 429)
        a = self.exchange(self.request_bytes("GET", "/api/v1/tenant", self.key), source="127.0.0.2")
        self.assertEqual(a.status, 200)


class RequestTimeoutSetting(StressTest):
    """request-timeout from the command line or the configuration."""

    def test_bounds_and_configuration(self):
        for value in ("0", "3601"):
            r = self.server.cli("--request-timeout", value, "tenant", "list", check=False)
            self.assertEqual(r.returncode, 2, r.stderr)
            self.assertIn("--request-timeout must be between 1 and 3600 seconds", r.stderr)
        conf = os.path.join(self.workdir, "bad.conf")
        with open(conf, "w") as f:
            f.write("[server]\nrequest-timeout=soon\n")
        r = self.server.cli("--config", conf, "tenant", "list", check=False)
        self.assertEqual(r.returncode, 2)
        self.assertIn("request-timeout", r.stderr)

        self.server.stop()
        conf = os.path.join(self.workdir, "provisiod.conf")
        with open(conf, "w") as f:
            f.write("[server]\nrequest-timeout=2\n")
        self.server.extra = ["--config", conf]
        self.server.start()
        url = urllib.parse.urlsplit(self.server.url)
        start = time.monotonic()
        sock = socket.create_connection((url.hostname, url.port))
        self.assertTrue(closed_by_server(sock, 6))
        self.assertGreaterEqual(time.monotonic() - start, 1.5)
        sock.close()


class TlsRequestTimeout(StressTest):
    """Over HTTPS the timeout also closes a connection that stalls in, or
    after, the TLS handshake."""

    def setUp(self):
        super().setUp()
        self.server.stop()
        cert, key = os.path.join(self.workdir, "cert.pem"), os.path.join(self.workdir, "key.pem")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key,
                        "-out", cert, "-days", "2", "-subj", "/CN=127.0.0.1",
                        "-addext", "subjectAltName=IP:127.0.0.1"], check=True, capture_output=True)
        self.server.extra = ["--tls-certificate", cert, "--tls-key", key, "--request-timeout", "2"]
        # DrainedServer expects http://; read the https URL ourselves.
        self.server.start = self._start_https
        self.server.start()

    def _start_https(self):
        server = self.server
        args = [PROVISIOD, "--db", server.db, "--listen", "127.0.0.1:0"] + server.extra
        server.proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        line = server.proc.stdout.readline().decode().strip()
        self.assertTrue(line.startswith("provisiod: listening on https://127.0.0.1:"), line)
        server.port = int(line.rsplit(":", 1)[1])
        threads = [threading.Thread(target=server._drain, args=(st,), daemon=True)
                   for st in (server.proc.stdout, server.proc.stderr)]
        for t in threads:
            t.start()
        server._threads = threads

    def test_stalled_handshakes_are_closed(self):
        address = ("127.0.0.1", self.server.port)
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        start = time.monotonic()
        silent = socket.create_connection(address)
        partial = socket.create_connection(address)
        partial.sendall(b"\x16\x03\x01\x00")             # the start of a ClientHello
        idle = context.wrap_socket(socket.create_connection(address))
        served = context.wrap_socket(socket.create_connection(address))
        served.sendall(f"GET /api/v1/tenant HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {self.key}\r\n\r\n".encode())
        a, _ = read_answer(served)
        self.assertEqual(a.status, 200)
        for sock in (silent, partial, idle, served):
            self.assertTrue(closed_by_server(sock, 6), "a stalled TLS connection stayed open")
            sock.close()
        self.assertLess(time.monotonic() - start, 6)


class SlowClients(StressTest):
    """Slowloris and slow readers hold connections; a normal client is still
    answered at once, and the request timeout frees what they hold."""
    extra_args = ("--request-timeout", "5")
    SLOWLORIS = int(os.environ.get("PVD_SLOWLORIS", "200"))
    SLOW_READERS = int(os.environ.get("PVD_SLOW_READERS", "10"))
    # Three big answers a reader (680 KB) already pass what a reader holds
    # (4 KiB); the kernel takes the rest on the server's side (up to 4 MiB a
    # socket), so more of them only add work: 80 of them kept both
    # processors busy for 2 s next to PostgreSQL, and the normal client with
    # them.  Under the sanitizers every answer costs several times as much:
    # a wider bound.
    PIPELINED = 3
    BOUND = 3.0 if SANITIZED else 1.0

    def test_slow_clients_do_not_starve_others(self):
        url = urllib.parse.urlsplit(self.server.url)
        address = (url.hostname, url.port)
        issued = self.issue(description="slow clients")
        scim_path = urllib.parse.urlsplit(issued["scim_base_url"]).path
        secret = issued["secret"]

        # A big list to read: 400 users, about 150 KB each time.
        conn = socket.create_connection(address)
        rest = b""
        for i in range(400):
            body = json.dumps({"schemas": [USER], "userName": f"slow{i:04}@example.com",
                               "title": "t" * 200}).encode()
            conn.sendall((f"POST {scim_path}/Users HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {secret}\r\n"
                          f"Content-Type: application/scim+json\r\nContent-Length: {len(body)}\r\n\r\n").encode()
                         + body)
            a, rest = read_answer(conn, rest)
            self.assertEqual(a.status, 201)
        conn.close()

        start = time.monotonic()
        loris = []
        for _ in range(self.SLOWLORIS):
            s = socket.create_connection(address)
            s.sendall(b"GET /api/v1/tenant HTTP/1.1\r\nHost: x\r\n")
            s.setblocking(False)
            loris.append(s)
        # Connections that never send a byte, and kept-alive ones idle after an answer.
        idle = [socket.create_connection(address) for _ in range(20)]
        for s in idle[10:]:
            s.sendall(f"GET /api/v1/tenant HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {self.key}\r\n\r\n".encode())
        readers = []
        big = (f"GET {scim_path}/Users?count=1000 HTTP/1.1\r\nHost: x\r\n"
               f"Authorization: Bearer {secret}\r\n\r\n").encode()
        for _ in range(self.SLOW_READERS):
            s = socket.socket()
            s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            s.connect(address)
            s.sendall(big * self.PIPELINED)     # 680 KB of answers asked for, never read
            readers.append(s)

        # One byte a second on each slowloris connection, while a normal
        # client measures its answers.
        stop = threading.Event()

        def drip():
            while not stop.wait(1.0):
                for s in loris:
                    try:
                        s.send(b"X")
                    except OSError:
                        pass
        dripper = threading.Thread(target=drip)
        dripper.start()
        latencies = []
        try:
            while time.monotonic() - start < 4.0:
                t = time.monotonic()
                r = self.server.request("GET", "/api/v1/provisioning/users", key=self.key, validate=False)
                self.assertEqual(r.status, 200)
                r = self.server.scim("GET", issued["scim_base_url"],
                                     "/Users?filter=" + urllib.parse.quote('userName eq "slow0007@example.com"'),
                                     secret)
                self.assertEqual(r.json["totalResults"], 1)
                latencies.append(time.monotonic() - t)
        finally:
            stop.set()
            dripper.join()
        loaded = time.monotonic()

        p99 = percentile(latencies, 99)
        print(f"slow clients: {len(loris)} slowloris + {len(readers)} slow readers + {len(idle)} idle attached; "
              f"{len(latencies)} normal exchanges (2 requests each), p50 {percentile(latencies, 50) * 1000:.1f} ms, "
              f"p99 {p99 * 1000:.1f} ms, max {max(latencies) * 1000:.1f} ms")
        self.assertGreater(len(latencies), 10)
        self.assertLess(p99, self.BOUND, "a normal client waited behind slow ones")

        # The timeout (5 s) closes every one of them; allow for scheduling.
        slow = loris + readers + idle
        for s in slow:
            s.setblocking(True)
        kinds = {id(s): kind for kind, group in (("slowloris", loris), ("slow reader", readers), ("idle", idle))
                 for s in group}
        # A slowloris or idle connection has had its deadline since it
        # opened (or since its one answer); a slow reader since its last
        # answer went into the kernel's buffers, written during the load
        # above.  Read only past those deadlines: reading frees a reader's
        # buffers, the server writes its next answer, and the deadline moves.
        not_closed = [s for s in loris + idle
                      if not closed_by_server(s, max(0.1, start + 9.0 - time.monotonic()))]
        time.sleep(max(0.0, loaded + 7.0 - time.monotonic()))
        not_closed += [s for s in readers if not closed_by_server(s, 1.0)]
        print(f"slow clients: closed by the server after {time.monotonic() - start:.1f} s: "
              f"{len(slow) - len(not_closed)} of {len(slow)}; open: {[kinds[id(s)] for s in not_closed]}")
        self.assertEqual(len(not_closed), 0, "slow connections the request timeout did not close")
        for s in slow:
            s.close()
        self.assertEqual(self.get("/api/v1/tenant").status, 200)


class ThousandConnections(StressTest):
    """1,000 keep-alive connections held at once, each answered, API and
    SCIM, while another client's latency stays bounded."""
    extra_args = ("--request-timeout", "60")
    CONNECTIONS = int(os.environ.get("PVD_LOAD_CONNECTIONS", "1000"))
    ROUNDS = int(os.environ.get("PVD_LOAD_ROUNDS", "4"))

    def test_thousand_connections(self):
        limit = raise_file_limit()
        self.assertGreater(limit, self.CONNECTIONS + 100, "the test cannot hold its sockets")
        # Started with the usual soft limit of 1,024 open files, provisiod
        # raises it to the hard limit.
        self.server.stop()
        self.server.file_limit = 1024
        self.server.start()
        with open(f"/proc/{self.server.proc.pid}/limits") as f:
            soft, hard = next(line.split()[3:5] for line in f if line.startswith("Max open files"))
        self.assertEqual(soft, hard)
        url = urllib.parse.urlsplit(self.server.url)
        address = (url.hostname, url.port)
        issued = self.issue(description="load")
        scim_path = urllib.parse.urlsplit(issued["scim_base_url"]).path
        secret = issued["secret"]

        # The separate client runs in a process of its own, so that its
        # figures are the server's, not this process's.
        prober = subprocess.Popen([sys.executable, "-c", PROBE, self.server.url, self.key],
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        time.sleep(0.3)

        start = time.monotonic()
        sockets = []
        try:
            for _ in range(self.CONNECTIONS):
                s = socket.socket()
                s.setblocking(False)
                s.connect_ex(address)
                sockets.append(s)
            connect_time = self._wait_connected(sockets)
            rounds = [self._round(sockets, scim_path, secret, r) for r in range(self.ROUNDS)]
            held = sockets_held(self.server.proc.pid)
            total = time.monotonic() - start
        finally:
            out, _ = prober.communicate("stop\n", timeout=30)
            for s in sockets:
                s.close()
        latencies = json.loads(out)
        self.assertTrue(latencies, "the separate client made no request")

        answered = sum(r for r, _ in rounds)
        print(f"load: {len(sockets)} connections (all connected in {connect_time:.2f} s), "
              f"the server holding {held} sockets; {answered} requests answered correctly in "
              f"{len(rounds)} rounds over the same connections "
              f"({', '.join(f'{t:.2f}' for _, t in rounds)} s); {total:.2f} s in all; "
              f"separate client: {len(latencies)} requests, p50 {percentile(latencies, 50) * 1000:.1f} ms, "
              f"p99 {percentile(latencies, 99) * 1000:.1f} ms, max {max(latencies) * 1000:.1f} ms")
        self.assertEqual(answered, self.ROUNDS * self.CONNECTIONS)
        self.assertGreaterEqual(held, self.CONNECTIONS)
        self.assertLess(percentile(latencies, 99), 3.0 if SANITIZED else 1.0)
        self.assertEqual(self.get("/api/v1/tenant").status, 200)

    def _wait_connected(self, sockets):
        start = time.monotonic()
        sel = selectors.DefaultSelector()
        for s in sockets:
            sel.register(s, selectors.EVENT_WRITE)
        pending = len(sockets)
        while pending:
            events = sel.select(timeout=20)
            self.assertTrue(events, f"{pending} connections not established")
            for key, _ in events:
                err = key.fileobj.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
                self.assertEqual(err, 0, os.strerror(err))
                sel.unregister(key.fileobj)
                pending -= 1
        sel.close()
        return time.monotonic() - start

    def _round(self, sockets, scim_path, secret, round_):
        """A request on every connection at once; every answer read and checked."""
        start = time.monotonic()
        sel = selectors.DefaultSelector()
        state = {}
        for i, s in enumerate(sockets):
            scim = i % 2 == 1
            if scim:
                name = f"load{round_}-{i}@example.com" if round_ % 2 else None
                if name:
                    body = json.dumps({"schemas": [USER], "userName": name}).encode()
                    req = (f"POST {scim_path}/Users HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {secret}\r\n"
                           f"Content-Type: application/scim+json\r\nContent-Length: {len(body)}\r\n\r\n").encode() + body
                else:
                    req = (f"GET {scim_path}/ServiceProviderConfig HTTP/1.1\r\nHost: x\r\n"
                           f"Authorization: Bearer {secret}\r\n\r\n").encode()
            else:
                name = None
                req = (f"GET /api/v1/tenant HTTP/1.1\r\nHost: x\r\n"
                       f"Authorization: Bearer {self.key}\r\n\r\n").encode()
            s.sendall(req)
            state[s] = [i, scim, name, b""]
            sel.register(s, selectors.EVENT_READ)
        answered = 0
        while state:
            events = sel.select(timeout=30)
            self.assertTrue(events, f"{len(state)} requests unanswered")
            for key, _ in events:
                s = key.fileobj
                data = s.recv(65536)
                self.assertTrue(data, "the server closed a held connection")
                st = state[s]
                st[3] += data
                if b"\r\n\r\n" not in st[3]:
                    continue
                head, _, body = st[3].partition(b"\r\n\r\n")
                a = Answer(head, b"")
                if len(body) < int(a.headers["content-length"]):
                    continue
                a = Answer(head, body)
                i, scim, name, _ = st
                if scim and name:
                    self.assertEqual(a.status, 201, a.body)
                    self.assertEqual(a.json["userName"], name)
                elif scim:
                    self.assertEqual(a.status, 200)
                    self.assertTrue(a.json["patch"]["supported"])
                else:
                    self.assertEqual(a.status, 200)
                    self.assertEqual(a.json["id"], "acme")
                self.assertNotEqual(a.headers.get("connection"), "close")
                answered += 1
                sel.unregister(s)
                del state[s]
        sel.close()
        return answered, time.monotonic() - start


if __name__ == "__main__":
    unittest.main(verbosity=2)
