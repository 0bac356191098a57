#!/usr/bin/python3
# A tenant's key never reads or changes another tenant; keys can be revoked.
#
# Copyright 2026 The Provisio authors
# SPDX-License-Identifier: GPL-3.0-or-later

import unittest

from pvtest import ServerTest


class Isolation(ServerTest):

    def setUp(self):
        super().setUp()
        self.other = self.server.create_tenant("globex", "Globex", owner="hank@globex.example")

    def test_each_key_sees_its_tenant(self):
        self.assertEqual(self.get("/api/v1/tenant").json["id"], "acme")
        self.assertEqual(self.get("/api/v1/tenant", self.other).json["id"], "globex")
        mine = self.issue()
        theirs = self.issue(key=self.other)
        self.assertNotIn(theirs["token"]["id"], self.get("/api/v1/provisioning").text)
        self.assertNotIn(mine["token"]["id"], self.get("/api/v1/provisioning", self.other).text)

    def test_no_reach_into_another_tenant(self):
        """Another tenant's token ids are unknown here: 404, and nothing changes there."""
        theirs = self.issue(key=self.other)
        r = self.server.request("DELETE", f"/api/v1/provisioning/users/tokens/{theirs['token']['id']}?force=true",
                                key=self.key)
        self.assertError(r, 404, "not_found")
        self.assertEqual(self.connection(key=self.other)["counts"]["active_tokens"], 1)
        events = self.get(f"/api/v1/provisioning/users/events?token={theirs['token']['id']}").json["events"]
        self.assertEqual(events, [])
        self.server.request("PUT", "/api/v1/reminders", key=self.key, body={"thresholds_days": [3]})
        self.assertEqual(self.get("/api/v1/reminders", self.other).json["thresholds_days"], [60, 30, 14, 7, 3, 1])

    def test_scim_tokens_stay_in_their_tenant(self):
        mine = self.issue()
        theirs = self.issue(key=self.other)
        self.assertEqual(self.server.scim("GET", theirs["scim_base_url"], "/ServiceProviderConfig",
                                          mine["secret"]).status, 401)
        self.assertEqual(self.server.scim("GET", mine["scim_base_url"], "/ServiceProviderConfig",
                                          theirs["secret"]).status, 401)
        self.assertEqual(self.server.scim("GET", mine["scim_base_url"].replace("/acme/", "/nobody/"),
                                          "/ServiceProviderConfig", mine["secret"]).status, 401)

    def test_wrong_kinds_of_credentials(self):
        """A SCIM token is no admin key; a revoked key stops working at once; a new key works."""
        scim = self.issue()["secret"]
        r = self.get("/api/v1/tenant", scim)
        self.assertError(r, 401, "unauthorized", "SCIM token")
        self.assertTrue(r.header("WWW-Authenticate").startswith("Bearer"))

        listing = self.server.cli("key", "list", "acme").stdout
        key_id = listing.split()[0]
        self.assertTrue(key_id.startswith("key_"))
        self.assertIn("active", listing)
        issued = self.server.cli("key", "issue", "acme", "--owner", "bob@acme.example").stdout
        second = issued.strip().splitlines()[-1]
        self.assertEqual(self.get("/api/v1/tenant", second).json["api_key"]["owner"], "bob@acme.example")

        self.assertEqual(self.get("/api/v1/tenant").status, 200)
        self.server.cli("key", "revoke", "acme", key_id)
        self.assertError(self.get("/api/v1/tenant"), 401, "unauthorized", "revoked")
        self.assertIn("revoked", self.server.cli("key", "list", "acme").stdout)
        self.assertEqual(self.get("/api/v1/tenant", second).status, 200)
        r = self.server.cli("key", "revoke", "globex", key_id, check=False)
        self.assertNotEqual(r.returncode, 0)

    def test_admin_key_expiry(self):
        r = self.get("/api/v1/tenant")
        self.assertEqual(r.json["api_key"]["days_left"], 365)
        self.server.set_clock(offset=366 * 86400)
        self.assertError(self.get("/api/v1/tenant"), 401, "key_expired", "expired")


if __name__ == "__main__":
    unittest.main(verbosity=2)
