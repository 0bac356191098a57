#!/usr/bin/python3
# provisiod migrate --from sqlite:PATH --to postgresql://…: a tenant server
# moves to PostgreSQL without losing tokens, keys, events or SCIM data.
#
# Copyright 2026 The Provisio authors
# SPDX-License-Identifier: GPL-3.0-or-later

import json
import os
import shutil
import subprocess
import tempfile
import unittest

import pvtest
from pvtest import PROVISIOD, Server

USER = "urn:ietf:params:scim:schemas:core:2.0:User"
GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group"


class Migrate(unittest.TestCase):

    def setUp(self):
        self.workdir = tempfile.mkdtemp(prefix="provisiod-migrate-")
        self.servers = []

    def tearDown(self):
        for server in self.servers:
            if server.proc and server.proc.poll() is None:
                server.stop()
            leaked = [s[:10] for s in server.secrets if s in server.output]
            self.assertEqual(leaked, [], "secrets in provisiod's output (prefixes shown)")
            stored = pvtest.stored_bytes(server.db)
            secrets = set().union(*(s.secrets for s in self.servers))
            self.assertEqual([s[:10] for s in secrets if s.encode() in stored], [],
                             "secrets in a database instead of digests (prefixes shown)")
        shutil.rmtree(self.workdir, ignore_errors=True)

    def server(self, db):
        server = Server(self.workdir, db=db)
        self.servers.append(server)
        return server

    def migrate(self, source, target):
        return subprocess.run([PROVISIOD, "migrate", "--from", source, "--to", target],
                              capture_output=True, text=True)

    LAST_USE = ("last_used_at", "last_request_at")

    def state(self, server, key, tokens):
        """What the management API and SCIM show, but the clock, the port and
        what a request itself changes (last use: see last_uses())."""
        def without_last_use(j):
            if isinstance(j, dict):
                return {k: without_last_use(v) for k, v in j.items() if k not in self.LAST_USE}
            if isinstance(j, list):
                return [without_last_use(v) for v in j]
            return j

        out = {}
        for path in ("/api/v1/tenant", "/api/v1/keys", "/api/v1/provisioning", "/api/v1/reminders",
                     "/api/v1/sso", "/api/v1/provisioning/users", "/api/v1/provisioning/persons",
                     "/api/v1/provisioning/users/events?limit=500"):
            r = server.request("GET", path, key=key)
            self.assertEqual(r.status, 200, f"{path}: {r.text}")
            j = json.loads(r.text.replace(server.url, "BASE"))
            j.pop("server_time", None)
            out[path] = without_last_use(j)
        for resource in ("/Users", "/Groups"):
            r = server.scim("GET", tokens["scim_base_url"], resource, tokens["secret"])
            self.assertEqual(r.status, 200, r.text)
            out[resource] = json.loads(r.text.replace(server.url, "BASE"))
        return out

    def last_uses(self, server, key):
        """Each token's last use and each connection's last request, as stored: read
        by the management API alone, which records no token's use, before any SCIM
        request to @server (state()'s record one, to the second)."""
        uses = {}
        for kind in ("users", "persons"):
            r = server.request("GET", f"/api/v1/provisioning/{kind}", key=key)
            self.assertEqual(r.status, 200, r.text)
            uses[kind] = r.json["last_request_at"]
            uses.update({t["id"]: t["last_used_at"] for t in r.json["tokens"] + r.json["deleted_tokens"]})
        return uses

    def test_everything_moves(self):
        source = self.server(os.path.join(self.workdir, "provisiod.db"))
        key = source.create_tenant("acme", "Acme Corp", owner="alice@acme.example")
        other_key = source.create_tenant("globex", "Globex", owner="hank@globex.example")
        source.start()
        issue = lambda k, kind="users", **body: source.request(
            "POST", f"/api/v1/provisioning/{kind}/tokens", key=k, body=body or None).json
        old = issue(key)
        new = issue(key, retire="never")
        revoked = issue(key, "persons")
        self.assertEqual(source.request("DELETE", f"/api/v1/provisioning/persons/tokens/{revoked['token']['id']}",
                                        key=key).status, 200)
        globex = issue(other_key)
        source.request("PUT", "/api/v1/reminders", key=key, body={"thresholds_days": [45, 5]})
        users = []
        for name in ("ann", "bob", "cy"):
            r = source.scim("POST", new["scim_base_url"], "/Users", new["secret"],
                            body={"schemas": [USER], "userName": f"{name}@acme.example",
                                  "externalId": name, "active": True})
            self.assertEqual(r.status, 201, r.text)
            users.append(r.json)
        r = source.scim("POST", new["scim_base_url"], "/Groups", new["secret"],
                        body={"schemas": [GROUP], "displayName": "Ops",
                              "members": [{"value": u["id"]} for u in users[:2]]})
        self.assertEqual(r.status, 201, r.text)
        group = r.json
        # a version above 1, and an ETag to match
        r = source.scim("PATCH", new["scim_base_url"], "/Users/" + users[2]["id"], new["secret"],
                        body={"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                              "Operations": [{"op": "replace", "path": "active", "value": False}]})
        self.assertEqual(r.status, 200, r.text)
        rotated = source.request("POST", "/api/v1/keys", key=key).json["secret"]
        source.secrets.add(rotated)
        before = self.state(source, rotated, new)
        used = self.last_uses(source, rotated)
        self.assertIsNotNone(used[new["token"]["id"]])
        source.stop()

        target = pvtest.postgresql().create_database()
        r = self.migrate("sqlite:" + source.db, target)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertRegex(r.stdout, r"tokens +4\n")
        self.assertRegex(r.stdout, r"scim_resources +4\n")
        # A second run does not copy over what is there.
        r = self.migrate("sqlite:" + source.db, target)
        self.assertEqual(r.returncode, 1)
        self.assertIn("not empty", r.stderr)

        moved = self.server(target).start()
        self.assertEqual(self.last_uses(moved, rotated), used)
        self.assertEqual(self.state(moved, rotated, new), before)
        # The keys and tokens work as they did: the rotated key's predecessor
        # retired (its successor was used, grace 0), the other tenant's key works.
        self.assertEqual(moved.request("GET", "/api/v1/tenant", key=key).status, 401)
        self.assertEqual(moved.request("GET", "/api/v1/tenant", key=other_key).status, 200)
        for t in (old, new):
            self.assertEqual(moved.scim("GET", t["scim_base_url"], "/ServiceProviderConfig",
                                        t["secret"]).status, 200)
        self.assertEqual(moved.scim("GET", revoked["scim_base_url"], "/ServiceProviderConfig",
                                    revoked["secret"]).status, 401)
        self.assertEqual(moved.scim("GET", globex["scim_base_url"], "/Users", new["secret"]).status, 401)
        # Still two active tokens: a third is refused.
        self.assertEqual(moved.request("POST", "/api/v1/provisioning/users/tokens", key=rotated).status, 409)
        # userName stays unique; a group keeps its members and its ETag.
        r = moved.scim("POST", new["scim_base_url"], "/Users", new["secret"],
                       body={"schemas": [USER], "userName": "ANN@acme.example"})
        self.assertEqual(r.status, 409, r.text)
        r = moved.scim("GET", new["scim_base_url"], "/Users/" + users[0]["id"], new["secret"])
        self.assertEqual([g["value"] for g in r.json.get("groups", [])], [group["id"]])
        r = moved.scim("GET", new["scim_base_url"], "/Groups/" + group["id"], new["secret"])
        self.assertEqual(r.header("etag"), group["meta"]["version"])
        # What comes next follows what was copied: a new tenant, new events.
        events = before["/api/v1/provisioning/users/events?limit=500"]["events"]
        r = moved.scim("POST", new["scim_base_url"], "/Users", new["secret"],
                       body={"schemas": [USER], "userName": "dee@acme.example"})
        self.assertEqual(r.status, 201, r.text)
        newest = moved.request("GET", "/api/v1/provisioning/users/events?limit=1", key=rotated).json["events"][0]
        self.assertGreater(newest["id"], max(e["id"] for e in events))
        moved.cli("tenant", "create", "initech", "--name", "Initech")
        self.assertIn("initech", moved.cli("tenant", "list").stdout)

    def test_refusals(self):
        """A source that is not there, or the same database twice: nothing happens."""
        r = self.migrate("sqlite:" + os.path.join(self.workdir, "missing.db"),
                         pvtest.postgresql().create_database())
        self.assertEqual(r.returncode, 1)
        self.assertIn("missing.db", r.stderr)
        self.assertFalse(os.path.exists(os.path.join(self.workdir, "missing.db")))
        r = self.migrate("sqlite:x.db", "sqlite:x.db")
        self.assertEqual(r.returncode, 2)
        r = subprocess.run([PROVISIOD, "migrate", "--from", "sqlite:x.db"], capture_output=True, text=True)
        self.assertEqual(r.returncode, 2)
        self.assertIn("--to", r.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
