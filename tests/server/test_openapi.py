#!/usr/bin/python3
# docs/openapi.json against what provisiod really answers: every operation
# is called, every answer validated against its documented schema.
#
# Copyright 2026 The Provisio authors
# SPDX-License-Identifier: GPL-3.0-or-later

import unittest

import jsonschema

from pvtest import OPENAPI, ServerTest


class OpenApi(ServerTest):

    def test_the_file_is_valid(self):
        """Every schema in the file is valid JSON Schema 2020-12, every $ref resolves."""
        for name, schema in OPENAPI["components"]["schemas"].items():
            jsonschema.Draft202012Validator.check_schema(schema)
        text = str(OPENAPI)
        for ref in set(part.split("'")[0] for part in text.split("'$ref': '")[1:]):
            node = OPENAPI
            for key in ref.lstrip("#/").split("/"):
                node = node[key]

    def test_database_away_documented(self):
        """Every operation that reads the database says what a client gets
        while it is away (test_database_away sees that answer): 503 with
        the "unavailable" error and a Retry-After in seconds."""
        unavailable = OPENAPI["components"]["responses"]["Unavailable"]
        self.assertTrue(unavailable["headers"]["Retry-After"]["required"])
        self.assertEqual(unavailable["headers"]["Retry-After"]["schema"]["type"], "integer")
        self.assertIn("unavailable", OPENAPI["components"]["schemas"]["Error"]["properties"]["error"]["enum"])
        for template, path in OPENAPI["paths"].items():
            for method, op in path.items():
                if isinstance(op, dict) and "401" in op.get("responses", {}):
                    self.assertEqual(op["responses"].get("503"), {"$ref": "#/components/responses/Unavailable"},
                                     f"{method.upper()} {template}")

    def test_every_operation_answers_as_documented(self):
        s = self.server
        k = self.key
        # Each request validates its answer against the file (see pvtest.Server.request).
        s.request("GET", "/api/v1/tenant", key=k)
        s.request("GET", "/api/v1/tenant")
        s.request("GET", "/api/v1/keys", key=k)
        s.request("GET", "/api/v1/sso", key=k)
        s.request("PATCH", "/api/v1/sso", key=k, body={"protocol": "oidc"})
        s.request("PATCH", "/api/v1/sso", key=k, body={"protocol": 1})
        s.request("GET", "/api/v1/provisioning", key=k)
        s.request("GET", "/api/v1/provisioning/users", key=k)
        s.request("GET", "/api/v1/provisioning/admins", key=k)
        s.request("PATCH", "/api/v1/provisioning/users", key=k, body={"identity_provider": "entra"})
        first = s.request("POST", "/api/v1/provisioning/users/tokens", key=k).json
        second = s.request("POST", "/api/v1/provisioning/users/tokens", key=k,
                           body={"description": "renewal", "lifetime_days": 200, "retire": "on-first-use"}).json
        s.request("POST", "/api/v1/provisioning/users/tokens", key=k)                       # 409
        s.scim("GET", first["scim_base_url"], "/ServiceProviderConfig", second["secret"])
        s.request("GET", "/api/v1/provisioning/users", key=k)
        s.request("DELETE", f"/api/v1/provisioning/users/tokens/{second['token']['id']}", key=k)   # 409 in use
        s.request("DELETE", f"/api/v1/provisioning/users/tokens/{second['token']['id']}?force=true", key=k)
        s.request("DELETE", "/api/v1/provisioning/users/tokens/tok_000000000000", key=k)           # 404
        s.request("GET", "/api/v1/provisioning/users/events", key=k)
        s.request("GET", "/api/v1/provisioning/users/events?limit=nope", key=k)
        s.request("GET", "/api/v1/reminders", key=k)
        s.request("PUT", "/api/v1/reminders", key=k, body={"thresholds_days": [30, 7]})
        s.request("PUT", "/api/v1/reminders", key=k, raw=b"x" * 70000)
        s.request("PUT", "/api/v1/reminders", key=k, raw=b"{}", content_type="text/plain")
        s.request("POST", "/api/v1/keys", key=k)
        s.request("GET", "/_test/clock")
        s.request("PUT", "/_test/clock", body={"offset_seconds": 60})
        s.request("PUT", "/_test/clock", body={"now": "soon"})

        operations = {op["operationId"] for path in OPENAPI["paths"].values() for op in path.values()
                      if isinstance(op, dict) and "operationId" in op}
        called = {op for op, status in s.seen if 200 <= status < 300}
        self.assertEqual(operations - called, set(), "operations never answered with success")
        statuses = {status for _, status in s.seen}
        self.assertTrue({200, 201, 400, 401, 404, 409, 413, 415} <= statuses, statuses)


class WithoutTestClock(ServerTest):
    test_clock = False

    def test_clock_hidden(self):
        """Without --test-clock the clock does not exist."""
        r = self.server.request("PUT", "/_test/clock", body={"offset_seconds": 60})
        self.assertError(r, 404, "not_found")
        self.assertError(self.server.request("GET", "/_test/clock"), 404, "not_found")


if __name__ == "__main__":
    unittest.main(verbosity=2)
