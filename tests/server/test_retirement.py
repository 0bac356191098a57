#!/usr/bin/python3
# The retirement rule (docs/provisiod.md, "Token rules") played with the
# admin's mistakes, on provisiod's test clock: an identity provider's "Test
# connection" with a new token must never doom the old one.
#
# Copyright 2026 The Provisio authors
# SPDX-License-Identifier: GPL-3.0-or-later

import datetime
import unittest

from pvtest import ServerTest, day

CYCLE = 40 * 60         # Microsoft Entra ID's provisioning cycle
WINDOW = 2 * CYCLE      # what provisiod waits, unused, before retiring
ENTRA = "Microsoft Azure AD Provisioning"


def epoch(text):
    return datetime.datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


class Retirement(ServerTest):

    retire_grace = None     # the identity provider's window, as in production

    def setUp(self):
        super().setUp()
        r = self.server.request("PATCH", "/api/v1/provisioning/users", key=self.key,
                                body={"identity_provider": "entra"})
        self.assertEqual(r.status, 200, r.text)
        self.t = 0

    # helpers
    def at(self, seconds):
        """Moves the server's clock to `seconds` after the start of the test."""
        self.t = seconds
        self.server.set_clock(offset=seconds)

    def provision(self, token, user_agent=ENTRA):
        """A request of the identity provider with `token`; its status."""
        return self.server.scim("GET", token["scim_base_url"], "/Users?count=1", token["secret"],
                                user_agent=user_agent).status

    def row(self, token):
        conn = self.connection()
        return next((t for t in conn["tokens"] if t["id"] == token["token"]["id"]), None)

    def deleted(self, token):
        conn = self.connection()
        return next((t for t in conn["deleted_tokens"] if t["id"] == token["token"]["id"]), None)

    def event_types(self):
        r = self.get("/api/v1/provisioning/users/events")
        self.assertEqual(r.status, 200, r.text)
        return [e["type"] for e in r.json["events"]]

    # tests
    def test_window_is_the_identity_providers(self):
        """The reported window is two cycles of the connection's identity provider."""
        self.assertEqual(self.connection()["token_policy"]["retire_grace_seconds"], WINDOW)
        r = self.server.request("PATCH", "/api/v1/provisioning/users", key=self.key,
                                body={"identity_provider": "okta"})
        self.assertEqual(r.status, 200, r.text)
        self.assertEqual(r.json["token_policy"]["retire_grace_seconds"], 2 * 3600)

    def test_test_then_abandon(self):
        """A tested, never saved token: the old one works through six cycles and a day after."""
        old = self.issue()
        self.assertEqual(self.provision(old), 200)
        self.at(600)
        new = self.issue()
        self.at(660)
        self.assertEqual(self.provision(new, "Entra test connection"), 200)
        self.assertIsNotNone(self.row(old)["retires_at"], "the test starts the old token's retirement")

        for cycle in range(1, 7):
            self.at(660 + cycle * CYCLE)
            self.assertEqual(self.provision(old), 200, f"cycle {cycle}")
            row = self.row(old)
            self.assertIsNone(row["retires_at"], f"cycle {cycle}: the old token is in use")
            self.assertEqual(self.connection()["last_request_token_id"], old["token"]["id"])

        # Nothing for a day: the token the identity provider used last stays.
        self.at(660 + 6 * CYCLE + day(1))
        self.assertEqual(self.provision(old), 200)
        self.assertEqual(self.connection()["counts"]["active_tokens"], 2)
        self.assertIn("token.retire-cancelled", self.event_types())

    def test_test_then_save(self):
        """Tested, then saved: the old token retires within a day of the switch, with reason and time."""
        old = self.issue()
        self.assertEqual(self.provision(old), 200)
        self.at(300)
        new = self.issue()
        self.at(360)
        self.assertEqual(self.provision(new, "Entra test connection"), 200)
        self.at(CYCLE)                          # the cycle still runs with the old token
        self.assertEqual(self.provision(old), 200)
        switch = 2 * CYCLE                      # saved meanwhile; the next cycle uses the new one
        self.at(switch)
        self.assertEqual(self.provision(new), 200)
        self.assertEqual(epoch(self.row(old)["retires_at"]) - epoch(self.row(new)["last_used_at"]),
                         WINDOW)

        self.at(switch + WINDOW - 60)
        self.assertEqual(self.provision(new), 200)
        self.assertEqual(self.connection()["counts"]["active_tokens"], 2)
        self.at(switch + day(1))
        self.assertEqual(self.provision(old), 401)
        gone = self.deleted(old)
        self.assertEqual(gone["reason"], "retired-after-first-use")
        self.assertIn(new["token"]["id"], gone["deleted_by"])
        self.assertLessEqual(epoch(gone["deleted_at"]) - epoch(self.row(new)["created_at"]), day(1))
        self.assertEqual(self.provision(new), 200)

    def test_save_without_testing(self):
        """Saved without a test: the old token works until it has been unused for the window."""
        old = self.issue()
        self.assertEqual(self.provision(old), 200)
        new = self.issue()
        self.at(CYCLE)
        self.assertEqual(self.provision(old), 200)
        self.assertIsNone(self.row(old)["retires_at"])
        self.at(2 * CYCLE)
        self.assertEqual(self.provision(new), 200)
        self.at(2 * CYCLE + WINDOW - 1)
        self.assertIsNotNone(self.row(old))
        self.at(2 * CYCLE + WINDOW)
        self.assertIsNone(self.row(old))
        self.assertEqual(self.deleted(old)["reason"], "retired-after-first-use")
        self.assertEqual(self.provision(old), 401)
        self.assertEqual(self.provision(new), 200)

    def test_third_token_midway(self):
        """A tested token withdrawn and a third issued: the old one works until the third is in use."""
        a = self.issue()
        self.assertEqual(self.provision(a), 200)
        b = self.issue()
        self.at(60)
        self.assertEqual(self.provision(b, "Entra test connection"), 200)
        self.at(CYCLE)
        self.assertEqual(self.provision(a), 200)
        self.revoke(b["token"]["id"])       # the identity provider uses a, so no force is needed
        self.at(CYCLE + 600)
        c = self.issue()
        self.assertEqual(c["replaces"], a["token"]["id"])
        self.assertEqual(self.provision(b), 401)
        for cycle in range(2, 5):
            self.at(cycle * CYCLE)
            self.assertEqual(self.provision(a), 200, f"cycle {cycle}")
        self.at(5 * CYCLE)
        self.assertEqual(self.provision(c), 200)
        self.at(5 * CYCLE + WINDOW + 1)
        self.assertEqual(self.provision(a), 401)
        conn = self.connection()
        self.assertEqual([t["id"] for t in conn["tokens"]], [c["token"]["id"]])
        reasons = {t["id"]: t["reason"] for t in conn["deleted_tokens"]}
        self.assertEqual(reasons, {a["token"]["id"]: "retired-after-first-use",
                                   b["token"]["id"]: "revoked"})


if __name__ == "__main__":
    unittest.main()
