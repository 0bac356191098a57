#!/usr/bin/python3
# Bad input gets a specific status and error body, changes nothing, and the
# server keeps serving.
#
# Copyright 2026 The Provisio authors
# SPDX-License-Identifier: GPL-3.0-or-later

import socket
import unittest
import urllib.parse

from pvtest import ServerTest

BODY_OPERATIONS = [
    ("POST", "/api/v1/provisioning/users/tokens", {"description": "x"}),
    ("PATCH", "/api/v1/provisioning/persons", {"enabled": False}),
    ("PATCH", "/api/v1/sso", {"enforced": True}),
    ("PUT", "/api/v1/reminders", {"thresholds_days": [30]}),
]


class BadInput(ServerTest):

    def snapshot(self):
        state = {}
        for path in ("/api/v1/provisioning", "/api/v1/sso", "/api/v1/reminders"):
            j = self.get(path).json
            j.pop("server_time", None)
            state[path] = j
        return state

    def test_malformed_bodies(self):
        before = self.snapshot()
        for method, path, _ in BODY_OPERATIONS:
            for raw in (b"{", b"[]", b'"x"', b"null", b"{'a': 1}", b"\xff\xfe", b"[" * 5000):
                r = self.server.request(method, path, key=self.key, raw=raw)
                self.assertError(r, 400, "invalid_json")
            r = self.server.request(method, path, key=self.key, raw=b'{"a":1}', content_type="text/plain")
            self.assertError(r, 415, "unsupported_media_type")
            r = self.server.request(method, path, key=self.key, raw=b'{"pad": "' + b"x" * 70000 + b'"}')
            self.assertError(r, 413, "payload_too_large")
        self.assertEqual(self.snapshot(), before)

    def test_wrong_types_unknown_fields_ranges(self):
        before = self.snapshot()
        cases = [
            ("POST", "/api/v1/provisioning/users/tokens", {"lifetime_days": "365"}, "lifetime_days"),
            ("POST", "/api/v1/provisioning/users/tokens", {"retire": "later"}, "retire"),
            ("POST", "/api/v1/provisioning/users/tokens", {"description": 7}, "description"),
            ("POST", "/api/v1/provisioning/users/tokens", {"description": "x" * 201}, "description"),
            ("POST", "/api/v1/provisioning/users/tokens", {"secret": "pvs_mine"}, "secret"),
            ("PATCH", "/api/v1/provisioning/users", {}, "body"),
            ("PATCH", "/api/v1/provisioning/users", {"enabled": "yes"}, "enabled"),
            ("PATCH", "/api/v1/provisioning/users", {"identity_provider": "azure"}, "identity_provider"),
            ("PATCH", "/api/v1/provisioning/users", {"token_lifetime_days": 10000}, "token_lifetime_days"),
            ("PATCH", "/api/v1/sso", {"protocol": "ldap"}, "protocol"),
            ("PATCH", "/api/v1/sso", {"unknown": 1}, "unknown"),
            ("PUT", "/api/v1/reminders", {"thresholds_days": 7}, "thresholds_days"),
            ("PUT", "/api/v1/reminders", {"thresholds": [7]}, "thresholds"),
        ]
        for method, path, body, field in cases:
            r = self.server.request(method, path, key=self.key, body=body)
            self.assertError(r, 400, "invalid_request", field if field != "body" else None)
        self.assertEqual(self.snapshot(), before)

    def test_credentials(self):
        for headers in ({}, {"Authorization": "Bearer"}, {"Authorization": "Bearer garbage"},
                        {"Authorization": "Basic YWxpY2U6c2VjcmV0"},
                        {"Authorization": "Bearer " + self.key[:-1] + ("A" if self.key[-1] != "A" else "B")}):
            r = self.server.request("GET", "/api/v1/provisioning", headers=headers)
            self.assertError(r, 401, "unauthorized")
            self.assertIn("Bearer", r.header("WWW-Authenticate"))

    def test_paths_and_parameters(self):
        for path in ("/api/v1/nope", "/api/v2/tenant", "/api/v1/provisioning/admins",
                     "/api/v1/provisioning/users/tokens/tok_AAAAAAAAAAAA/extra", "/", "/t/acme"):
            r = self.server.request("GET", path, key=self.key)
            self.assertEqual(r.status, 404, path)
        r = self.server.request("DELETE", "/api/v1/provisioning/admins/tokens/tok_x", key=self.key)
        self.assertError(r, 404, "not_found")
        r = self.server.request("DELETE", "/api/v1/tenant", key=self.key)
        self.assertError(r, 405, "method_not_allowed")
        self.assertEqual(r.header("Allow"), "GET")
        for q in ("limit=0", "limit=501", "limit=abc", "since=yesterday", "after_id=-1"):
            r = self.get("/api/v1/provisioning/users/events?" + q)
            self.assertError(r, 400, "invalid_parameter")

    def test_garbage_on_the_socket(self):
        """Non-HTTP bytes, truncated requests and huge headers do not take the server down."""
        url = urllib.parse.urlsplit(self.server.url)
        for payload in (b"\x00\x01\x02garbage\r\n\r\n", b"GET /api/v1/tenant HTTP/1.1\r\nHost: x\r\n",
                        b"GET / HTTP/1.1\r\nX-Big: " + b"a" * 200000 + b"\r\n\r\n",
                        b"POST /api/v1/reminders HTTP/1.1\r\nContent-Length: 99999999999\r\n\r\n{"):
            s = socket.create_connection((url.hostname, url.port), timeout=5)
            try:
                s.sendall(payload)
                s.shutdown(socket.SHUT_WR)
                s.settimeout(5)
                while s.recv(65536):
                    pass
            except OSError:
                pass
            finally:
                s.close()
        self.assertEqual(self.get("/api/v1/tenant").status, 200)


class RateLimit(ServerTest):
    extra_args = ("--auth-failure-limit", "3")

    def test_failed_authentications_are_limited(self):
        for _ in range(3):
            self.assertEqual(self.server.request("GET", "/api/v1/tenant", key="pva_wrong").status, 401)
        r = self.get("/api/v1/tenant")
        self.assertError(r, 429, "rate_limited")
        self.assertGreater(int(r.header("Retry-After")), 0)
        t = self.server.request("GET", "/t/acme/scim/users/v2/ServiceProviderConfig", key="pvs_x",
                                validate=False)
        self.assertEqual(t.status, 429)


if __name__ == "__main__":
    unittest.main(verbosity=2)
