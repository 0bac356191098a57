#!/usr/bin/python3
# provisioctl end to end: a real provisiod, a real gnome-keyring on a private
# D-Bus (run through tests/with-session.sh), and the exit codes of `check`
# at each threshold with the server's test clock.
#
# Copyright 2026 The Provisio authors
# SPDX-License-Identifier: GPL-3.0-or-later

import json
import os
import re
import subprocess
import unittest

from pvtest import ServerTest, TOP, day

PROVISIOCTL = os.environ.get("PROVISIOCTL", os.path.join(TOP, "build", "src", "cli", "provisioctl"))


class Provisioctl(ServerTest):

    def setUp(self):
        super().setUp()
        self.tenants = os.path.join(self.workdir, "tenants.ini")

    def ctl(self, *args, key=None):
        env = dict(os.environ, PROVISIO_TENANTS_FILE=self.tenants)
        r = subprocess.run([PROVISIOCTL] + list(args), input=(key + "\n") if key else "",
                           capture_output=True, text=True, env=env, timeout=30)
        self.assertNotIn(self.key, r.stdout + r.stderr, "the key was printed")
        return r

    def keyring(self, tenant):
        r = subprocess.run(["secret-tool", "lookup", "tenant", tenant, "kind", "admin-key"],
                           capture_output=True, text=True)
        return r.stdout.strip()

    def test_tenants_and_keyring(self):
        r = self.ctl("tenant", "add", "contoso", self.server.url, key=self.key)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("contoso", r.stdout)
        self.assertIn("alice@acme.example", r.stdout)
        self.assertEqual(self.keyring("contoso"), self.key, "the key is in the keyring")
        with open(self.tenants) as f:
            self.assertNotIn(self.key, f.read(), "the tenant list holds no secret")
        self.assertIn("contoso", self.ctl("tenant", "list").stdout)

        bad = self.ctl("tenant", "add", "other", self.server.url, key="pva_" + "A" * 49)
        self.assertEqual(bad.returncode, 2)
        self.assertIn("not a Provisio admin API key", bad.stderr)
        issued = self.server.cli("key", "issue", "acme").stdout
        key2 = issued.strip().splitlines()[-1]
        self.server.cli("key", "revoke", "acme", re.search(r"key_[0-9A-Za-z]{12}", issued).group(0))
        revoked = self.ctl("tenant", "add", "other", self.server.url, key=key2)
        self.assertEqual(revoked.returncode, 1)
        self.assertIn("revoked", revoked.stderr)
        self.assertEqual(self.keyring("other"), "", "nothing kept for a refused key")
        self.assertNotIn("other", self.ctl("tenant", "list").stdout)

        r = self.ctl("tenant", "remove", "contoso")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(self.keyring("contoso"), "")
        self.assertEqual(self.ctl("tenant", "list").stdout, "")

    def test_status(self):
        users = self.issue(lifetime_days=100)
        self.ctl("tenant", "add", "acme", self.server.url, key=self.key)
        r = self.ctl("status", "--json")
        self.assertEqual(r.returncode, 0, r.stderr)
        data = json.loads(r.stdout)
        tenant = data["tenants"][0]
        self.assertEqual((tenant["id"], tenant["error"]), ("acme", None))
        kinds = {c["kind"]: c for c in tenant["connections"]}
        self.assertEqual(kinds["users"]["tokens"][0]["id"], users["token"]["id"])
        self.assertEqual(kinds["users"]["tokens"][0]["days_left"], 100)
        self.assertEqual(kinds["persons"]["tokens"], [])
        table = self.ctl("status")
        self.assertIn(users["token"]["prefix"], table.stdout)
        self.assertIn("(no token)", table.stdout)
        self.assertNotIn("clock", table.stderr)

        # The tenant's clock two days ahead: the days left are the tenant's, and the user is told.
        self.server.set_clock(offset=day(2))
        r = self.ctl("status", "--json")
        self.assertIn("clock is 2880 minutes behind acme", r.stderr)
        self.assertEqual(json.loads(r.stdout)["tenants"][0]["connections"][0]["tokens"][0]["days_left"], 98)

    def test_offline(self):
        """The last known state is there without a network, says when it is from, and holds no secret."""
        t = self.issue(lifetime_days=100)["token"]
        self.ctl("tenant", "add", "acme", self.server.url, key=self.key)
        self.assertEqual(self.ctl("status").returncode, 0)
        cache = os.path.join(os.environ.get("XDG_CACHE_HOME", os.path.expanduser("~/.cache")),
                             "provisio", "tenants", "acme.json")
        self.assertEqual(os.stat(cache).st_mode & 0o777, 0o600)
        with open(cache) as f:
            self.assertNotIn(self.key, f.read())

        self.server.stop()
        self.assertEqual(self.ctl("status").returncode, 1)
        r = self.ctl("status", "--offline", "--json")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("acme as of", r.stderr)
        tenant = json.loads(r.stdout)["tenants"][0]
        self.assertIsNotNone(tenant["fetched_at"])
        self.assertEqual(tenant["connections"][0]["tokens"][0]["id"], t["id"])
        self.server.start()

        self.ctl("tenant", "remove", "acme")
        self.assertFalse(os.path.exists(cache), "a removed tenant's state is forgotten")

    def test_check_exit_codes(self):
        """0 ok, 1 inside the first threshold, 2 within 7 days or expired, 3 unreachable."""
        t = self.issue(lifetime_days=300)["token"]
        self.ctl("tenant", "add", "acme", self.server.url, key=self.key)
        r = self.ctl("check")
        self.assertEqual(r.returncode, 0, r.stdout)
        self.assertTrue(r.stdout.startswith("PROVISIO OK"), r.stdout)

        for offset, code, word, text in ((day(300 - 60) - 60, 0, "OK", None),
                                         (day(300 - 60) + 60, 1, "WARNING", "acme/users expires in 60 days"),
                                         (day(300 - 8) + 60, 1, "WARNING", "expires in 8 days"),
                                         (day(300 - 7) + 60, 2, "CRITICAL", "expires in 7 days"),
                                         (day(300 - 1) + 60, 2, "CRITICAL", "expires in 1 day"),
                                         (day(300) + 60, 2, "CRITICAL", "acme/users expired")):
            self.server.set_clock(offset=offset)
            r = self.ctl("check")
            self.assertEqual(r.returncode, code, (offset, r.stdout))
            self.assertTrue(r.stdout.startswith(f"PROVISIO {word} - "), r.stdout)
            if text:
                self.assertIn(text, r.stdout)
            self.assertEqual(len(r.stdout.strip().splitlines()), 1)

        self.server.stop()
        r = self.ctl("check")
        self.assertEqual(r.returncode, 3, r.stdout)
        self.assertTrue(r.stdout.startswith("PROVISIO UNKNOWN"), r.stdout)
        self.assertIn("Could not reach", r.stdout)
        self.server.start()

    def test_renew_revoke_events(self):
        """renew prints the secret alone, once; revoke protects what the IdP uses."""
        self.ctl("tenant", "add", "acme", self.server.url, key=self.key)
        first = self.ctl("renew", "acme", "users", "--description", "Entra Users")
        self.assertEqual(first.returncode, 0, first.stderr)
        secret = first.stdout.strip()
        self.assertRegex(first.stdout, r"^pvs_[0-9A-Za-z]{49}\n$")
        self.server.secrets.add(secret)
        self.assertIn("Users", first.stderr)
        self.assertIn("/t/acme/scim/users/v2", first.stderr)
        self.assertNotIn(secret, first.stderr)
        conn = self.connection()
        token_id = conn["tokens"][0]["id"]
        self.assertEqual(conn["tokens"][0]["description"], "Entra Users")

        second = self.ctl("renew", "acme", "users")
        self.assertEqual(second.returncode, 0, second.stderr)
        self.server.secrets.add(second.stdout.strip())
        self.assertIn("on-first-use", second.stderr)
        third = self.ctl("renew", "acme", "users")
        self.assertEqual(third.returncode, 1)
        self.assertIn("2 active tokens", third.stderr)
        self.assertEqual(third.stdout, "")
        self.assertEqual(self.ctl("renew", "acme", "admins").returncode, 2)

        self.server.scim("GET", conn["scim_base_url"], "/ServiceProviderConfig", secret)
        refused = self.ctl("revoke", "acme", "users", token_id)
        self.assertEqual(refused.returncode, 1)
        self.assertIn("still using", refused.stderr)
        forced = self.ctl("revoke", "acme", "users", token_id, "--force")
        self.assertEqual(forced.returncode, 0, forced.stderr)
        self.assertIn(token_id, forced.stdout)

        events = json.loads(self.ctl("events", "acme", "users", "--json").stdout)
        self.assertIn("token.revoked", [e["type"] for e in events])
        self.assertIn("token.issued", self.ctl("events", "acme", "users").stdout)

    def test_no_keyring(self):
        """Without a Secret Service the key is not kept anywhere else, and the user is told why."""
        env = dict(os.environ, PROVISIO_TENANTS_FILE=self.tenants,
                   DBUS_SESSION_BUS_ADDRESS="unix:path=" + os.path.join(self.workdir, "no-bus"))
        env.pop("DISPLAY", None)
        r = subprocess.run([PROVISIOCTL, "tenant", "add", "acme", self.server.url], input=self.key + "\n",
                           capture_output=True, text=True, env=env, timeout=30)
        self.assertEqual(r.returncode, 1)
        self.assertIn("keyring", r.stderr)
        self.assertNotIn(self.key, r.stdout + r.stderr)
        self.assertFalse(os.path.exists(self.tenants), "nothing kept without the keyring")

    def test_no_tenants(self):
        r = self.ctl("check")
        self.assertEqual(r.returncode, 3)
        self.assertEqual(self.ctl("status").returncode, 0)
        self.assertEqual(self.ctl("frobnicate").returncode, 2)
        self.assertEqual(self.ctl("--help").returncode, 0)


if __name__ == "__main__":
    unittest.main(verbosity=2)
