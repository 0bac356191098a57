#!/usr/bin/python3
# provisioctl renew under faults (issue #21): its answer lost on the way,
# two admins renewing at once, a replacement already in use. Against a real
# provisiod, the keyring on a private D-Bus, and a loopback proxy that drops
# the answer to the issue after the tenant committed it.
#
# Copyright 2026 The Provisio authors
# SPDX-License-Identifier: GPL-3.0-or-later

import os
import subprocess
import unittest

from faultproxy import AnswerDropper
from pvtest import ServerTest, TOP

PROVISIOCTL = os.environ.get("PROVISIOCTL", os.path.join(TOP, "build", "src", "cli", "provisioctl"))
TOKENS = "/api/v1/provisioning/users/tokens"


class RenewalCli(ServerTest):
    # A replaced token stays a day after its replacement's first use, so that a
    # used replacement and its old token can be seen side by side.
    extra_args = ("--retire-grace", "86400")

    def ctl(self, *args, key=None, tenants=None, wait=True):
        env = dict(os.environ, PROVISIO_TENANTS_FILE=tenants or os.path.join(self.workdir, "tenants.ini"),
                   TZ="UTC")
        p = subprocess.Popen([PROVISIOCTL] + list(args), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, env=env)
        p.stdin.write((key + "\n") if key else "")
        p.stdin.close()
        if not wait:
            return p
        return self.finished(p)

    def finished(self, p):
        p.stdin = None
        out, err = p.communicate(timeout=30)
        r = subprocess.CompletedProcess(p.args, p.returncode, out, err)
        if r.stdout.strip().startswith("pvs_"):
            self.server.secrets.add(r.stdout.strip())
        self.assertNotIn(self.key, r.stdout + r.stderr, "the key was printed")
        return r

    def in_use(self):
        """The connection's token, used by the identity provider."""
        old = self.issue(description="in use")
        self.assertEqual(self.server.scim("GET", old["scim_base_url"], "/Users", old["secret"]).status, 200)
        return old

    def works(self, base_url, secret):
        return self.server.scim("GET", base_url, "/Users", secret).status == 200

    def assertOneOldOneFresh(self, old, fresh_secret):
        """The old token, working, and one replacement whose secret is @fresh_secret (by its
        prefix: a request with it would count as its first use)."""
        conn = self.connection()
        self.assertEqual(len(conn["tokens"]), 2, conn["tokens"])
        fresh = next(t for t in conn["tokens"] if t["id"] != old["token"]["id"])
        self.assertEqual(fresh["replaces"], old["token"]["id"])
        self.assertTrue(fresh_secret.startswith(fresh["prefix"]))
        self.assertTrue(self.works(old["scim_base_url"], old["secret"]))
        return fresh

    def test_lost_answer_then_one_replace(self):
        """The answer to renew is dropped after the tenant issued the token: provisioctl asks
        again with the same Idempotency-Key, learns it was issued and by whom, prints no secret
        and names --replace-unused; that one command brings back the old token and a fresh
        replacement whose secret it printed."""
        proxy = AnswerDropper(self.server.url, drop="POST " + TOKENS)
        self.addCleanup(proxy.close)
        self.assertEqual(self.ctl("tenant", "add", "acme", proxy.url, key=self.key).returncode, 0)
        old = self.in_use()

        lost = self.ctl("renew", "acme", "users")
        self.assertEqual(lost.returncode, 1, lost.stderr)
        self.assertEqual(lost.stdout, "")
        self.assertEqual(len(proxy.dropped), 1)
        status, dropped = proxy.dropped_json()
        self.assertEqual(status, 201)
        self.server.secrets.add(dropped["secret"])
        self.assertIn("answer was lost", lost.stderr)
        self.assertIn("alice@acme.example", lost.stderr)
        self.assertIn("--replace-unused", lost.stderr)
        self.assertIn(dropped["token"]["id"], lost.stderr)
        self.assertEqual(self.connection()["counts"]["active_tokens"], 2)
        self.assertTrue(self.works(old["scim_base_url"], old["secret"]))

        again = self.ctl("renew", "acme", "users", "--replace-unused")
        self.assertEqual(again.returncode, 0, again.stderr)
        self.assertIn("Replacing " + dropped["token"]["id"], again.stderr)
        self.assertOneOldOneFresh(old, again.stdout.strip())
        self.assertFalse(self.works(old["scim_base_url"], dropped["secret"]))
        gone = {t["id"]: t["reason"] for t in self.connection()["deleted_tokens"]}
        self.assertEqual(gone[dropped["token"]["id"]], "replaced-before-first-use")
        self.assertTrue(self.works(old["scim_base_url"], again.stdout.strip()))

    def test_two_admins_racing(self):
        """Two admins (two keys, two tenant files) renew at the same moment: one gets the
        token, the other is told who issued the pending replacement and when; --replace-unused
        then replaces it while unused, and refuses once the identity provider has used it."""
        bob_key = self.server.cli("key", "issue", "acme", "--owner", "bob@acme.example").stdout.strip().splitlines()[-1]
        bob = os.path.join(self.workdir, "bob.ini")
        self.assertEqual(self.ctl("tenant", "add", "acme", self.server.url, key=self.key).returncode, 0)
        self.assertEqual(self.ctl("tenant", "add", "acme-bob", self.server.url, key=bob_key,
                                  tenants=bob).returncode, 0)
        old = self.in_use()

        racing = [self.ctl("renew", "acme", "users", wait=False),
                  self.ctl("renew", "acme-bob", "users", wait=False, tenants=bob)]
        results = [self.finished(p) for p in racing]
        self.assertEqual(sorted(r.returncode for r in results), [0, 1], [r.stderr for r in results])
        winner = next(r for r in results if r.returncode == 0)
        loser = next(r for r in results if r.returncode == 1)
        self.assertEqual(loser.stdout, "")
        fresh = self.assertOneOldOneFresh(old, winner.stdout.strip())
        self.assertIn(fresh["created_by"], loser.stderr)
        self.assertIn("never been used", loser.stderr)
        self.assertIn("--replace-unused", loser.stderr)

        # Bob replaces it while it is unused; then the identity provider uses Bob's.
        replaced = self.ctl("renew", "acme-bob", "users", "--replace-unused", tenants=bob)
        self.assertEqual(replaced.returncode, 0, replaced.stderr)
        bobs = self.assertOneOldOneFresh(old, replaced.stdout.strip())
        self.assertEqual(bobs["created_by"], "bob@acme.example")
        self.assertTrue(self.works(old["scim_base_url"], replaced.stdout.strip()))
        refused = self.ctl("renew", "acme", "users", "--replace-unused")
        self.assertEqual(refused.returncode, 1)
        self.assertEqual(refused.stdout, "")
        self.assertIn("bob@acme.example", refused.stderr)
        self.assertIn("already uses", refused.stderr)
        self.assertNotIn("Replacing", refused.stderr)
        self.assertOneOldOneFresh(old, replaced.stdout.strip())
        self.assertTrue(self.works(old["scim_base_url"], replaced.stdout.strip()))


if __name__ == "__main__":
    unittest.main(verbosity=2)
