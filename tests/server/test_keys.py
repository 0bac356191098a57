#!/usr/bin/python3
# Admin API keys rotated in place: the new key once, the old one retired
# by the one rule (after the new key's first use, once the old one has been
# quiet for the retire grace), the list without secrets, and an expired key
# named as such.  The server's test clock moves time.
#
# Copyright 2026 The Provisio authors
# SPDX-License-Identifier: GPL-3.0-or-later

import unittest

from pvtest import Server, ServerTest, day


class Keys(ServerTest):

    def rotate(self, key, expect=201):
        r = self.server.request("POST", "/api/v1/keys", key=key)
        self.assertEqual(r.status, expect, r.text)
        return r.json

    def keys(self, key):
        r = self.server.request("GET", "/api/v1/keys", key=key)
        self.assertEqual(r.status, 200, r.text)
        return r.json["keys"]

    def test_list_without_secrets(self):
        other = self.server.cli("key", "issue", "acme", "--owner", "bob@acme.example").stdout.split()[-1]
        self.server.request("GET", "/api/v1/tenant", key=other)
        keys = self.keys(self.key)
        self.assertEqual(sorted(k["owner"] for k in keys), ["alice@acme.example", "bob@acme.example"])
        for k in keys:
            self.assertEqual(k["days_left"], 365)
            self.assertEqual(k["state"], "ok")
            self.assertEqual(k["current"], k["owner"] == "alice@acme.example")
        bob = next(k for k in keys if k["owner"] == "bob@acme.example")
        self.assertIsNotNone(bob["last_used_at"], "bob's use is recorded")
        text = self.server.request("GET", "/api/v1/keys", key=self.key).text
        self.assertNotIn(self.key, text)
        self.assertNotIn(other, text)

    def test_rotation_retires_the_old_key_once_quiet(self):
        old = self.key
        r = self.rotate(old)
        new = r["secret"]
        self.assertEqual(r["key"]["owner"], "alice@acme.example")
        self.assertEqual(r["key"]["days_left"], 365)
        self.assertIsNone(r["key"]["last_used_at"])
        old_id = r["replaces"]
        # Until the new key is used, the old one works, however long that takes.
        self.server.set_clock(offset=day(30))
        self.assertEqual(self.get("/api/v1/tenant", old).status, 200)
        listed = {k["id"]: k for k in self.keys(old)}
        self.assertEqual(listed[old_id]["replaced_by"], r["key"]["id"])

        self.assertIsNone(listed[old_id]["retires_at"], "not retiring before the new key is used")

        # The new key's first use starts the old one's retirement (grace 0 here).
        self.assertEqual(self.get("/api/v1/tenant", new).status, 200)
        refused = self.get("/api/v1/tenant", old)
        self.assertError(refused, 401, "unauthorized")
        self.assertIn("replaced by a newer key", refused.json["message"])
        self.assertEqual([k["id"] for k in self.keys(new)], [r["key"]["id"]])

    def test_old_key_in_use_keeps_working_through_the_grace(self):
        """With a grace period, an old key still used is not cut off; once quiet it retires."""
        self.server.stop()
        self.server = Server(self.workdir, ["--retire-grace", "600"])
        self.server.start()
        old = self.key
        new = self.rotate(old)["secret"]
        self.assertEqual(self.get("/api/v1/tenant", new).status, 200)
        # Still used every few minutes: it keeps working long after the new key's first use.
        for minutes in (5, 10, 15, 20):
            self.server.set_clock(offset=minutes * 60)
            self.assertEqual(self.get("/api/v1/tenant", old).status, 200, minutes)
        info = next(k for k in self.keys(new) if not k["current"])
        self.assertIsNotNone(info["retires_at"])
        # Quiet for the grace: retired.
        self.server.set_clock(offset=20 * 60 + 601)
        self.assertError(self.get("/api/v1/tenant", old), 401, "unauthorized")
        self.assertEqual(self.get("/api/v1/tenant", new).status, 200)

    def test_rotating_again_drops_an_unused_successor(self):
        """A rotation whose answer was lost: the next one succeeds, the lost key is revoked."""
        lost = self.rotate(self.key)
        again = self.rotate(self.key)
        old_id = again["replaces"]

        def listed():
            return self.server.cli("--retire-grace", "0", "key", "list", "acme").stdout
        self.assertRegex(listed(), old_id + r" .* active, replaced by " + again["key"]["id"] + "\n")
        self.assertRegex(listed(), lost["key"]["id"] + r" .* revoked\n")
        self.assertError(self.get("/api/v1/tenant", lost["secret"]), 401, "unauthorized")
        self.assertEqual(self.get("/api/v1/tenant", self.key).status, 200)
        self.assertEqual(self.get("/api/v1/tenant", again["secret"]).status, 200)
        self.assertError(self.get("/api/v1/tenant", self.key), 401, "unauthorized")
        self.assertRegex(listed(), old_id + r" .* retired\n")
        self.assertRegex(listed(), again["key"]["id"] + r" .* active\n")

    def test_expired_key_says_so(self):
        self.server.set_clock(offset=day(366))
        r = self.get("/api/v1/tenant")
        self.assertError(r, 401, "key_expired")
        self.assertIn("expired on", r.json["message"])
        self.assertIn("tenant's owner", r.json["message"])
        self.assertIn("alice@acme.example", r.json["message"])
        self.assertError(self.server.request("POST", "/api/v1/keys", key=self.key), 401, "key_expired")

    def test_key_due_soon_reminds(self):
        r = self.get("/api/v1/reminders").json
        key = [i for i in r["items"] if i["subject"] == "key"]
        self.assertEqual(len(key), 1)
        self.assertEqual((key[0]["state"], key[0]["due"]), ("ok", False))
        self.server.set_clock(offset=day(365 - 13))
        key = [i for i in self.get("/api/v1/reminders").json["items"] if i["subject"] == "key"][0]
        self.assertEqual((key["state"], key["due"], key["crossed_threshold_days"]), ("due-soon", True, 14))
        self.assertEqual(key["key_id"], self.get("/api/v1/tenant").json["api_key"]["id"])


if __name__ == "__main__":
    unittest.main()
