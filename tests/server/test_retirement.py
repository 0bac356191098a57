#!/usr/bin/python3
# The retirement rule (docs/provisiod.md, "Token rules") played with the
# admin's mistakes, on provisiod's test clock: an identity provider's "Test
# connection" with a new token must never doom the old one.  Only a change
# made with the new token (what a saved identity provider sends in a cycle
# that changes something) starts the old one's retirement; a test, which
# only reads, never does.
#
# Copyright 2026 The Provisio authors
# SPDX-License-Identifier: GPL-3.0-or-later

import unittest
import uuid

from pvtest import ServerTest, day, parse_time as epoch

CYCLE = 40 * 60         # Microsoft Entra ID's provisioning cycle
WINDOW = 2 * CYCLE      # what provisiod waits, unused, before retiring
ENTRA = "Microsoft Azure AD Provisioning"
TEST = "Entra test connection"


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
        """A cycle of the identity provider that changes something: it creates a user with
        `token`, as Entra does for a new member of the app's scope; the status."""
        return self.server.scim_provision(token["scim_base_url"], token["secret"], user_agent).status

    def entra_test(self, token):
        """Entra's "Test connection": a look-up of a user that does not exist; the status."""
        query = f'/Users?filter=userName%20eq%20%22{uuid.uuid4()}%22'
        return self.server.scim("GET", token["scim_base_url"], query, token["secret"],
                                user_agent=TEST).status

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

    def assert_kept(self, old, new, what):
        """The old token is alive and not being retired; the new one is in use (read) or not."""
        row = self.row(old)
        self.assertIsNotNone(row, f"{what}: the old token is gone")
        self.assertIsNone(row["retires_at"], f"{what}: the old token's retirement started")
        self.assertEqual(self.connection()["counts"]["active_tokens"], 2, what)

    def renew_and_test(self):
        """The old token in use; at 600 s a renewal, at 660 s Entra's test of the new token."""
        old = self.issue()
        self.assertEqual(self.provision(old), 201)
        self.at(600)
        new = self.issue()
        self.at(660)
        self.assertEqual(self.entra_test(new), 200)
        return old, new

    # tests
    def test_window_is_the_identity_providers(self):
        """The reported window is two cycles of the connection's identity provider."""
        self.assertEqual(self.connection()["token_policy"]["retire_grace_seconds"], WINDOW)
        r = self.server.request("PATCH", "/api/v1/provisioning/users", key=self.key,
                                body={"identity_provider": "okta"})
        self.assertEqual(r.status, 200, r.text)
        self.assertEqual(r.json["token_policy"]["retire_grace_seconds"], 2 * 3600)

    def test_test_then_abandon_quiet(self):
        """Tested, never saved, in a quiet directory: six cycles and a day later the old token,
        which the identity provider still holds, works; the test was recorded as a use."""
        old, new = self.renew_and_test()
        self.assertIsNotNone(self.row(new)["last_used_at"], "the test is the new token's use")
        self.assertEqual(self.connection()["last_request_token_id"], new["token"]["id"])
        self.assert_kept(old, new, "after the test")

        # Entra's incremental cycles send nothing when nothing changed.
        for cycle in range(1, 7):
            self.at(660 + cycle * CYCLE)
            self.assert_kept(old, new, f"cycle {cycle}")
            if cycle == 3:          # the admin tests again, and still does not save
                self.assertEqual(self.entra_test(new), 200)

        self.at(660 + 6 * CYCLE + day(1))
        self.assert_kept(old, new, "a day later")
        self.assertEqual(self.provision(old), 201, "the identity provider's next change")
        self.assertNotIn("token.retired", self.event_types())

    def test_test_then_abandon_busy(self):
        """Tested, never saved, while the identity provider provisions with the old token every
        cycle: the old one works through six cycles and a day after, and never starts retiring."""
        old, new = self.renew_and_test()
        for cycle in range(1, 7):
            self.at(660 + cycle * CYCLE)
            self.assertEqual(self.provision(old), 201, f"cycle {cycle}")
            self.assert_kept(old, new, f"cycle {cycle}")
            self.assertEqual(self.connection()["last_request_token_id"], old["token"]["id"])

        self.at(660 + 6 * CYCLE + day(1))
        self.assertEqual(self.provision(old), 201)
        self.assert_kept(old, new, "a day later")
        self.assertNotIn("token.retired", self.event_types())

    def test_test_then_save(self):
        """Tested, then saved: the old token retires within a day of the switch, with reason and time."""
        old = self.issue()
        self.assertEqual(self.provision(old), 201)
        self.at(300)
        new = self.issue()
        self.at(360)
        self.assertEqual(self.entra_test(new), 200)
        self.at(CYCLE)                          # the cycle still runs with the old token
        self.assertEqual(self.provision(old), 201)
        self.assert_kept(old, new, "before the save")
        switch = 2 * CYCLE                      # saved meanwhile; the next change uses the new one
        self.at(switch)
        self.assertEqual(self.provision(new), 201)
        self.assertEqual(epoch(self.row(old)["retires_at"]) - epoch(self.row(new)["last_used_at"]),
                         WINDOW)
        self.assertIn("token.retired", self.event_types())

        self.at(switch + WINDOW - 60)
        self.assertEqual(self.entra_test(new), 200)
        self.assertEqual(self.connection()["counts"]["active_tokens"], 2)
        self.at(switch + day(1))
        self.assertEqual(self.provision(old), 401)
        gone = self.deleted(old)
        self.assertEqual(gone["reason"], "retired-after-first-use")
        self.assertIn(new["token"]["id"], gone["deleted_by"])
        switch_at = epoch(self.row(new)["created_at"]) - 300 + switch      # issued at 300
        self.assertLessEqual(epoch(gone["deleted_at"]) - switch_at, day(1))
        self.assertEqual(self.provision(new), 201)

    def test_save_without_testing(self):
        """Saved without a test: the old token works until it has been unused for the window
        after the identity provider's first change with the new one."""
        old = self.issue()
        self.assertEqual(self.provision(old), 201)
        new = self.issue()
        self.at(CYCLE)
        self.assertEqual(self.provision(old), 201)
        self.assertIsNone(self.row(old)["retires_at"])
        self.at(2 * CYCLE)
        self.assertEqual(self.provision(new), 201)
        # The server's clock is the real one moved by an offset, and the
        # real one runs on between these requests (seconds, once, under the
        # sanitizers on PostgreSQL): half a minute before the end.
        self.at(2 * CYCLE + WINDOW - 30)
        self.assertIsNotNone(self.row(old))
        self.at(2 * CYCLE + WINDOW)
        self.assertIsNone(self.row(old))
        self.assertEqual(self.deleted(old)["reason"], "retired-after-first-use")
        self.assertEqual(self.provision(old), 401)
        self.assertEqual(self.provision(new), 201)

    def test_saved_in_a_quiet_directory(self):
        """Saved, but nothing changes for days: the identity provider's reads with the new token
        (its look-ups, .search included) never start the old one's retirement; its first change does."""
        old = self.issue()
        self.assertEqual(self.provision(old), 201)
        new = self.issue()
        base, secret = new["scim_base_url"], new["secret"]
        reads = [("GET", "/Users?filter=userName%20eq%20%22nobody%40contoso.example%22", None),
                 ("GET", "/Groups?count=1", None),
                 ("POST", "/Users/.search", {"schemas": ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],
                                             "count": 1}),
                 ("POST", "/.search", {"schemas": ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],
                                       "count": 1})]
        for n in range(3 * 24 * 3600 // CYCLE):
            self.at((n + 1) * CYCLE)
            method, resource, body = reads[n % len(reads)]
            self.assertEqual(self.server.scim(method, base, resource, secret, body=body,
                                              user_agent=ENTRA).status, 200, f"{method} {resource}")
            self.assert_kept(old, new, f"cycle {n + 1}")
        self.assertEqual(self.connection()["last_request_token_id"], new["token"]["id"])
        self.assertNotIn("token.retired", self.event_types())

        start = self.t + CYCLE
        self.at(start)
        self.assertEqual(self.provision(new), 201)
        self.assertEqual(epoch(self.row(old)["retires_at"]), epoch(self.row(new)["last_used_at"]) + WINDOW)
        self.at(start + WINDOW)
        self.assertIsNone(self.row(old))
        self.assertEqual(self.provision(old), 401)

    def test_every_change_is_evidence(self):
        """POST, PUT, PATCH and DELETE of users and groups, with the new token, each start the
        old one's retirement, even when refused; what is not a change of a resource does not."""
        old = self.issue()
        self.assertEqual(self.provision(old), 201)
        new = self.issue()
        base, secret = new["scim_base_url"], new["secret"]
        user = {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "kim@contoso.example"}
        r = self.server.scim("POST", base, "/Users", secret, body=user)
        self.assertEqual(r.status, 201, r.text)
        uid = r.json["id"]
        group = {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "displayName": "Sales"}
        patch = {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                 "Operations": [{"op": "replace", "path": "active", "value": False}]}
        changes = [("POST", "/Groups", group, 201),
                   ("PATCH", f"/Users/{uid}", patch, 200),
                   ("PUT", f"/Users/{uid}", user, 200),
                   ("POST", "/Users", user, 409),                  # refused: the userName is taken
                   ("PATCH", "/Users/no-such-user", patch, 404),   # refused: nobody to change
                   ("DELETE", f"/Users/{uid}", None, 204)]
        not_changes = [("POST", f"/Users/{uid}", user, 405),
                       ("GET", f"/Users/{uid}", None, 404)]
        t = 0
        for method, resource, body, status in changes + not_changes:
            t += 60
            self.at(t)
            self.assertEqual(self.provision(old), 201)            # cancels, or nothing to cancel
            self.assertIsNone(self.row(old)["retires_at"])
            self.at(t + 30)
            r = self.server.scim(method, base, resource, secret, body=body)
            self.assertEqual(r.status, status, f"{method} {resource}: {r.text}")
            started = self.row(old)["retires_at"] is not None
            self.assertEqual(started, (method, resource, body, status) in changes, f"{method} {resource}")

    def test_old_use_cancels_until_the_next_change(self):
        """A use of the old token cancels its retirement; a read with the new one does not start it
        again, the new one's next change does."""
        old = self.issue()
        self.assertEqual(self.provision(old), 201)
        new = self.issue()
        self.at(CYCLE)
        self.assertEqual(self.provision(new), 201)
        self.assertIsNotNone(self.row(old)["retires_at"])
        self.at(CYCLE + 60)
        self.assertEqual(self.provision(old), 201)          # a second app still holds the old one
        self.assertIsNone(self.row(old)["retires_at"])
        self.assertIn("token.retire-cancelled", self.event_types())
        self.at(2 * CYCLE)
        self.assertEqual(self.entra_test(new), 200)
        self.at(2 * CYCLE + WINDOW + 1)
        self.assert_kept(old, new, "after a read with the new token")
        self.at(3 * CYCLE + WINDOW)
        self.assertEqual(self.provision(new), 201)
        self.at(3 * CYCLE + 2 * WINDOW)
        self.assertIsNone(self.row(old))

    def test_third_token_midway(self):
        """A tested token withdrawn and a third issued: the old one works until the third provisions."""
        a = self.issue()
        self.assertEqual(self.provision(a), 201)
        b = self.issue()
        self.at(60)
        self.assertEqual(self.entra_test(b), 200)
        self.at(CYCLE)
        self.assertEqual(self.provision(a), 201)
        self.revoke(b["token"]["id"])       # the identity provider uses a, so no force is needed
        self.at(CYCLE + 600)
        c = self.issue()
        self.assertEqual(c["replaces"], a["token"]["id"])
        self.assertEqual(self.provision(b), 401)
        self.assertEqual(self.entra_test(c), 200)
        for cycle in range(2, 5):
            self.at(cycle * CYCLE)
            self.assertEqual(self.provision(a), 201, f"cycle {cycle}")
        self.at(5 * CYCLE)
        self.assertEqual(self.entra_test(c), 200)
        self.at(5 * CYCLE + WINDOW + 1)
        self.assertEqual(self.provision(a), 201, "a test of the third token retires nothing")
        self.at(6 * CYCLE + WINDOW)
        self.assertEqual(self.provision(c), 201)
        self.at(6 * CYCLE + 2 * WINDOW + 1)
        self.assertEqual(self.provision(a), 401)
        conn = self.connection()
        self.assertEqual([t["id"] for t in conn["tokens"]], [c["token"]["id"]])
        reasons = {t["id"]: t["reason"] for t in conn["deleted_tokens"]}
        self.assertEqual(reasons, {a["token"]["id"]: "retired-after-first-use",
                                   b["token"]["id"]: "revoked"})


if __name__ == "__main__":
    unittest.main()
