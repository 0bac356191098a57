#!/usr/bin/python3
# Two provisiod nodes on one PostgreSQL database, each request sent to a
# node chosen at random: they serve the same tenants as one server would.
#
# Copyright 2026 The Provisio authors
# SPDX-License-Identifier: GPL-3.0-or-later

import os
import random
import shutil
import tempfile
import threading
import time
import unittest
import uuid

import pvtest
from pvtest import Server

USER = "urn:ietf:params:scim:schemas:core:2.0:User"
SEED = int(os.environ.get("PVTEST_SEED", time.time()))


class TwoNodes(unittest.TestCase):

    def setUp(self):
        print(f"two nodes: seed {SEED}")
        self.random = random.Random(SEED)
        self.workdir = tempfile.mkdtemp(prefix="provisiod-nodes-")
        db = pvtest.postgresql().create_database()
        self.nodes = [Server(self.workdir, db=db), Server(self.workdir, db=db)]
        self.key = self.nodes[0].create_tenant("acme", "Acme Corp", owner="alice@acme.example")
        for node in self.nodes:
            node.start()

    def tearDown(self):
        for node in self.nodes:
            if node.proc and node.proc.poll() is None:
                node.stop()
        secrets = set().union(*(n.secrets for n in self.nodes))
        output = "".join(n.output for n in self.nodes)
        stored = pvtest.stored_bytes(self.nodes[0].db)
        shutil.rmtree(self.workdir, ignore_errors=True)
        self.assertEqual([s[:10] for s in secrets if s in output], [], "secrets in provisiod's output")
        self.assertEqual([s[:10] for s in secrets if s.encode() in stored], [], "secrets in the database")

    # helpers
    def node(self):
        return self.random.choice(self.nodes)

    def request(self, method, path, key=None, body=None):
        return self.node().request(method, path, key=key or self.key, body=body)

    def scim(self, method, token, resource, body=None, node=None):
        return (node or self.node()).scim(method, token["scim_base_url"], resource, token["secret"], body=body)

    def issue(self, **body):
        r = self.request("POST", "/api/v1/provisioning/users/tokens", body=body or None)
        self.assertEqual(r.status, 201, r.text)
        return r.json

    def together(self, n, func):
        """`func(i)` in n threads at once; their results in order."""
        results = [None] * n
        start = threading.Barrier(n)

        def run(i):
            start.wait()
            results[i] = func(i)
        threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        return results

    def events(self):
        r = self.request("GET", "/api/v1/provisioning/users/events?limit=500")
        self.assertEqual(r.status, 200, r.text)
        return r.json["events"]

    # tests
    def test_revoked_token_refused_on_every_node_within_a_second(self):
        token = self.issue()
        # Every worker of both nodes has the token in its cache.
        for node in self.nodes:
            for _ in range(20):
                self.assertEqual(self.scim("GET", token, "/ServiceProviderConfig", node=node).status, 200)
        r = self.nodes[0].request("DELETE", f"/api/v1/provisioning/users/tokens/{token['token']['id']}?force=true",
                                  key=self.key)
        self.assertEqual(r.status, 200, r.text)
        revoked_at = time.monotonic()
        other = self.nodes[1]
        while self.scim("GET", token, "/ServiceProviderConfig", node=other).status != 401:
            self.assertLess(time.monotonic() - revoked_at, 1.0, "the other node still accepts it")
        # and from then on on every worker of both (below the failed
        # authentication limit)
        for _ in range(10):
            self.assertEqual(self.scim("GET", token, "/ServiceProviderConfig").status, 401)

    def test_revoked_admin_key_refused_on_every_node(self):
        other = self.nodes[0].cli("key", "issue", "acme", "--owner", "bob@acme.example").stdout.split()[-1]
        self.nodes[0].secrets.add(other)
        for node in self.nodes:
            for _ in range(20):
                self.assertEqual(node.request("GET", "/api/v1/tenant", key=other).status, 200)
        key_id = next(k["id"] for k in self.request("GET", "/api/v1/keys").json["keys"]
                      if k["owner"] == "bob@acme.example")
        self.nodes[1].cli("key", "revoke", "acme", key_id)
        revoked_at = time.monotonic()
        for node in self.nodes:
            while node.request("GET", "/api/v1/tenant", key=other).status != 401:
                self.assertLess(time.monotonic() - revoked_at, 1.0, "a node still accepts the key")

    def test_two_active_tokens_under_concurrent_issues(self):
        statuses = self.together(8, lambda i: self.request("POST", "/api/v1/provisioning/users/tokens",
                                                           body={"retire": "never"}).status)
        self.assertEqual(sorted(statuses), [201, 201] + [409] * 6)
        conn = self.request("GET", "/api/v1/provisioning/users").json
        self.assertEqual(conn["counts"]["active_tokens"], 2)

    def test_concurrent_changes_to_other_fields_are_all_kept(self):
        """Two admins change different settings of one connection, and of the SSO, at the
        same moment through different nodes: each change writes only the settings it
        names, so neither writes over the other."""
        providers = ["entra", "okta"]
        for round_ in range(12):
            enabled = round_ % 2 == 0
            provider = providers[round_ % 2]
            lifetime = 30 + round_
            changes = [("/api/v1/provisioning/users", {"enabled": enabled}),
                       ("/api/v1/provisioning/users", {"identity_provider": provider}),
                       ("/api/v1/provisioning/users", {"token_lifetime_days": lifetime}),
                       ("/api/v1/sso", {"enforced": enabled}),
                       ("/api/v1/sso", {"idp_entity_id": f"https://idp.example/{round_}"})]
            statuses = self.together(len(changes), lambda i: self.nodes[i % 2].request(
                "PATCH", changes[i][0], key=self.key, body=changes[i][1]).status)
            self.assertEqual(statuses, [200] * len(changes))
            conn = self.request("GET", "/api/v1/provisioning/users").json
            self.assertEqual((conn["enabled"], conn["identity_provider"], conn["token_policy"]["lifetime_days"]),
                             (enabled, provider, lifetime), f"round {round_}")
            sso = self.request("GET", "/api/v1/sso").json
            self.assertEqual((sso["enforced"], sso["idp_entity_id"]),
                             (enabled, f"https://idp.example/{round_}"), f"round {round_}")

    def test_unique_user_name_under_concurrent_creates(self):
        token = self.issue()
        name = f"{uuid.uuid4()}@acme.example"

        def create(i):
            # the same userName, in different cases: unique without regard to case
            user = name.upper() if i % 2 else name
            return self.scim("POST", token, "/Users", body={"schemas": [USER], "userName": user}).status
        statuses = self.together(10, create)
        self.assertEqual(sorted(statuses), [201] + [409] * 9)
        r = self.scim("GET", token, f'/Users?filter=userName%20eq%20%22{name}%22')
        self.assertEqual(r.json["totalResults"], 1)

    def test_retirement_happens_once(self):
        old = self.issue()
        new = self.issue()
        statuses = self.together(8, lambda i: self.scim(
            "POST", new, "/Users", body={"schemas": [USER], "userName": f"{uuid.uuid4()}@acme.example"}).status)
        self.assertEqual(statuses, [201] * 8)
        retired = [e for e in self.events() if e["type"] == "token.retired"]
        self.assertEqual([e["token_id"] for e in retired], [old["token"]["id"]])
        self.assertEqual(self.scim("GET", old, "/ServiceProviderConfig").status, 401)

    def test_failed_authentication_limit_across_nodes(self):
        """20 failures a minute from one address, half on each node, are the
        limit (--auth-failure-limit): every node then refuses, even the one
        that has not counted the 20th, and even a valid key."""
        unknown = "pva_" + "A" * 49
        for i in range(20):
            r = self.nodes[i % 2].request("GET", "/api/v1/tenant", key=unknown)
            self.assertEqual(r.status, 401, f"failure {i + 1}: {r.text}")
        # The node that counted the 20th refuses even a valid key.
        r = self.nodes[1].request("GET", "/api/v1/tenant", key=self.key)
        self.assertEqual(r.status, 429, r.text)
        self.assertIsNotNone(r.header("retry-after"))
        # The other counted 19 itself: it reads the count of both before it
        # checks a 21st credential.
        r = self.nodes[0].request("GET", "/api/v1/tenant", key=unknown)
        self.assertEqual(r.status, 429, r.text)
        self.assertIsNotNone(r.header("retry-after"))
        r = self.nodes[0].request("GET", "/api/v1/tenant", key=self.key)
        self.assertEqual(r.status, 429, r.text)

    def test_limit_reached_on_one_node_refuses_a_new_token_on_the_other(self):
        """An address that reached the limit on one node is refused by the
        other before it checks a credential: a valid token that node has not
        seen yet (so not in its caches) is told 429, not 200."""
        token = self.issue()
        unknown = "pva_" + "C" * 49
        for i in range(20):
            r = self.nodes[1].request("GET", "/api/v1/tenant", key=unknown)
            self.assertEqual(r.status, 401, f"failure {i + 1}: {r.text}")
        r = self.scim("GET", token, "/Users?count=1", node=self.nodes[0])
        self.assertEqual(r.status, 429, r.text)
        self.assertIsNotNone(r.header("retry-after"))

    def test_failed_authentication_limit_exact_under_concurrency(self):
        """Wrong admin keys and SCIM tokens sent all at once to both nodes:
        exactly the limit's number of them is told 401, the rest 429, and
        then a right token is refused too."""
        token = self.issue()
        bad_scim = dict(token, secret=token["secret"][:-4] + "AAAA")
        unknown = "pva_" + "B" * 49

        def attempt(i):
            node = self.nodes[i % 2]
            if i % 3 == 0:
                return self.scim("GET", bad_scim, "/Users?count=1", node=node).status
            return node.request("GET", "/api/v1/tenant", key=unknown).status
        statuses = self.together(36, attempt)
        self.assertEqual(sorted(set(statuses)), [401, 429], statuses)
        self.assertEqual(statuses.count(401), 20, statuses)
        for node in self.nodes:
            self.assertEqual(self.scim("GET", token, "/Users?count=1", node=node).status, 429)

    def test_event_ids_ordered(self):
        token = self.issue()
        self.together(6, lambda i: self.scim(
            "POST", token, "/Users", body={"schemas": [USER], "userName": f"{uuid.uuid4()}@acme.example"}))
        events = self.events()
        ids = [e["id"] for e in events]
        self.assertEqual(ids, sorted(set(ids), reverse=True))
        self.assertEqual(len([e for e in events if e["type"] == "scim"]), 6)

    def test_writes_to_other_tenants_do_not_wait(self):
        """A writer of one connection locks that connection only
        (docs/provisiod.md, "The rules hold across nodes"): while another
        transaction holds acme's users as an open group of SCIM changes
        does, a change to acme waits for it, and a change to another tenant
        on the other node is made and committed meanwhile."""
        pg = pvtest.postgresql()
        db = self.nodes[0].db
        globex_key = self.nodes[0].create_tenant("globex", "Globex", owner="hank@globex.example")
        acme_token = self.issue()
        r = self.nodes[1].request("POST", "/api/v1/provisioning/users/tokens", key=globex_key)
        self.assertEqual(r.status, 201, r.text)
        globex_token = r.json
        acme_id = pg.query(db, "SELECT id FROM tenants WHERE slug = 'acme'")[0][0]

        # What a node's group takes for acme's users (pvd-db-pg.c).
        holder = pg.session(db)
        holder.stdin.write("BEGIN;\nSELECT pg_advisory_xact_lock_shared(7212443);\n"
                           f"SELECT pg_advisory_xact_lock({acme_id}, 1);\nSELECT 'held';\n")
        holder.stdin.flush()
        # (each lock's row is an empty line)
        self.assertEqual([holder.stdout.readline().strip() for _ in range(3)], ["", "", "held"])
        try:
            acme_status = []
            acme = threading.Thread(target=lambda: acme_status.append(self.scim(
                "POST", acme_token, "/Users", node=self.nodes[0],
                body={"schemas": [USER], "userName": "waits@acme.example"}).status))
            acme.start()
            waiting = "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
            deadline = time.monotonic() + 3
            while pg.query(db, waiting) != [("1",)]:
                self.assertLess(time.monotonic(), deadline, "acme's change does not wait for acme's lock")
                time.sleep(0.02)

            for i in range(3):
                r = self.scim("POST", globex_token, "/Users", node=self.nodes[1],
                              body={"schemas": [USER], "userName": f"u{i}@globex.example"})
                self.assertEqual(r.status, 201, r.text)
            committed = pg.query(db, "SELECT count(*) FROM scim_resources r JOIN tenants t"
                                     " ON t.id = r.tenant_id WHERE t.slug = 'globex'")
            self.assertEqual(committed, [("3",)])
            # acme's change still waits, unanswered
            self.assertTrue(acme.is_alive())
            self.assertEqual(pg.query(db, waiting), [("1",)])
        finally:
            holder.stdin.write("COMMIT;\n")
            holder.stdin.close()
            holder.wait()
        acme.join()
        self.assertEqual(acme_status, [201])


if __name__ == "__main__":
    unittest.main(verbosity=2)
