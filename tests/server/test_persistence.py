#!/usr/bin/python3
# What provisiod acknowledged is there after a restart, clean or not.
#
# Copyright 2026 The Provisio authors
# SPDX-License-Identifier: GPL-3.0-or-later

import json
import os
import signal
import sqlite3
import unittest
import urllib.parse

import pvtest
from pvtest import Server, ServerTest

USER = "urn:ietf:params:scim:schemas:core:2.0:User"
GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group"


class Persistence(ServerTest):

    def state(self):
        """Everything the API shows, but the clock and the port, which a restart changes."""
        out = {}
        for path in ("/api/v1/provisioning", "/api/v1/reminders", "/api/v1/sso"):
            j = json.loads(self.get(path).text.replace(self.server.url, "BASE"))
            j.pop("server_time", None)
            out[path] = j
        return out

    def restart(self, sig=signal.SIGTERM):
        self.server.stop(sig)
        self.server.start()

    def test_restart_keeps_everything(self):
        first = self.issue("users")
        second = self.issue("users", retire="never")
        persons = self.issue("persons", lifetime_days=90)
        self.revoke(persons["token"]["id"], kind="persons")
        self.server.request("PUT", "/api/v1/reminders", key=self.key, body={"thresholds_days": [45, 5]})
        self.server.request("PATCH", "/api/v1/sso", key=self.key, body={"idp_entity_id": "https://idp.example/",
                                                                       "enforced": True})
        self.server.request("PATCH", "/api/v1/provisioning/users", key=self.key,
                            body={"identity_provider": "okta", "token_lifetime_days": 200})
        before = self.state()

        for sig in (signal.SIGTERM, signal.SIGKILL):
            self.restart(sig)
            self.assertEqual(self.state(), before, f"after {sig.name}")
            for t in (first, second):
                self.assertEqual(self.server.scim("GET", t["scim_base_url"], "/ServiceProviderConfig",
                                                  t["secret"]).status, 200)
            self.assertEqual(self.server.scim("GET", persons["scim_base_url"], "/ServiceProviderConfig",
                                              persons["secret"]).status, 401)
            before = self.state()   # last_used_at moved on


    @unittest.skipIf(pvtest.STORE == "postgresql",
                     "rewrites an SQLite file as schema 2 left it; PostgreSQL databases begin at schema 4")
    def test_user_groups_after_restart_and_upgrade(self):
        """A user's groups are kept, and a database from before the members'
        index (schema 2) gets it filled from the groups it holds."""
        issued = self.issue("users")
        scim = lambda method, resource, body=None: self.server.scim(method, issued["scim_base_url"], resource,
                                                                     issued["secret"], body=body)
        user = lambda name: scim("POST", "/Users", {"schemas": [USER], "userName": name}).json["id"]
        a, b = user("a@example.com"), user("b@example.com")
        g = scim("POST", "/Groups", {"schemas": [GROUP], "displayName": "Ops",
                                    "members": [{"value": a}, {"value": b, "type": "User"}, {"display": "x"}]}).json["id"]
        groups = lambda uid: [x["value"] for x in scim("GET", f"/Users/{uid}").json.get("groups", [])]
        self.assertEqual((groups(a), groups(b)), ([g], [g]))

        self.restart(signal.SIGKILL)
        self.assertEqual((groups(a), groups(b)), ([g], [g]))

        self.server.stop()
        with sqlite3.connect(self.server.db) as db:
            # As schema 2 left it: no member table, no key rotation columns,
            # no count of credential changes.
            for (trigger,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall():
                db.execute(f"DROP TRIGGER {trigger}")
            db.execute("DROP TABLE credentials_generation")
            db.execute("DROP TABLE scim_group_members")
            for column in ("replaces", "replaced_by", "successor_used_at"):
                db.execute(f"ALTER TABLE admin_keys DROP COLUMN {column}")
            db.execute("DROP INDEX scim_group_names")
            db.execute("CREATE INDEX scim_names ON scim_resources (tenant_id, kind, type, name_key)")
            db.execute("PRAGMA user_version = 2")
        db.close()
        self.server.start()
        self.assertEqual((groups(a), groups(b)), ([g], [g]))
        # Names found after the upgrade, each type's in its own index (schema 6).
        found = lambda resource, attribute, value: [r["id"] for r in scim(
            "GET", f"/{resource}?filter=" + urllib.parse.quote(f'{attribute} eq "{value}"')).json["Resources"]]
        self.assertEqual((found("Users", "userName", "A@EXAMPLE.COM"), found("Groups", "displayName", "ops")),
                         ([a], [g]))
        with sqlite3.connect(self.server.db) as db:
            self.assertEqual(db.execute("PRAGMA user_version").fetchone()[0], 6)
            indexes = {name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
            self.assertLessEqual({"scim_user_names", "scim_group_names"}, indexes)
            self.assertNotIn("scim_names", indexes)
        db.close()


class Configuration(ServerTest):

    def test_config_file(self):
        """A GKeyFile sets what the command line can; unknown keys are refused."""
        self.server.stop()
        conf = os.path.join(self.workdir, "provisiod.conf")
        with open(conf, "w") as f:
            f.write(f"[server]\ndb={self.server.db}\nlisten=127.0.0.1:0\nretire-grace=42\n"
                    "public-url=https://tenant.example.com/\nthreads=1\n"
                    "sqlite-cache-size=16\nsqlite-mmap-size=64\n")
        other = Server(self.workdir, ["--config", conf], db=os.path.join(self.workdir, "unused.db"))
        other.db = self.server.db
        other.start()
        try:
            conn = other.request("GET", "/api/v1/provisioning/users", key=self.key).json
            self.assertEqual(conn["token_policy"]["retire_grace_seconds"], 0)   # the command line wins
            self.assertEqual(conn["scim_base_url"], "https://tenant.example.com/t/acme/scim/users/v2")
            if pvtest.STORE == "sqlite":
                # sqlite-mmap-size: the database file itself is mapped (the -shm file always is)
                with open(f"/proc/{other.proc.pid}/maps") as f:
                    mapped = {line.split()[-1] for line in f if len(line.split()) >= 6}
                self.assertIn(os.path.realpath(self.server.db), mapped)
        finally:
            other.stop()

        # Sizes are whole MiB, zero or more.
        with open(conf, "a") as f:
            f.write("sqlite-mmap-size=-1\n")
        r = other.cli("--config", conf, "tenant", "list", check=False)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("sqlite-mmap-size", r.stderr)
        with open(conf) as f:
            text = f.read().replace("sqlite-mmap-size=-1\n", "")
        with open(conf, "w") as f:
            f.write(text)

        with open(conf, "a") as f:
            f.write("colour=blue\n")
        r = other.cli("--config", conf, "tenant", "list", check=False)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("colour", r.stderr)
        self.server.start()


if __name__ == "__main__":
    unittest.main(verbosity=2)
