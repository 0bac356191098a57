#!/usr/bin/python3
# The whole life of a SCIM token, against a real provisiod.
#
# Copyright 2026 The Provisio authors
# SPDX-License-Identifier: GPL-3.0-or-later

import itertools
import re
import threading
import time
import unittest
import uuid

import pvtest
from pvstress import DrainedServer, StressTest
from pvtest import ServerTest, day


class TokenLifecycle(ServerTest):

    def test_issue_shows_secret_once(self):
        """The secret is in the issuing answer and in no later answer."""
        issued = self.issue(description="Entra app Users")
        secret = issued["secret"]
        self.assertRegex(secret, r"^pvs_[0-9A-Za-z]{49}$")
        self.assertTrue(secret.startswith(issued["token"]["prefix"]))
        self.assertEqual(issued["token"]["description"], "Entra app Users")
        self.assertEqual(issued["token"]["created_by"], "alice@acme.example")
        self.assertIsNone(issued["replaces"])
        for path in ("/api/v1/provisioning", "/api/v1/provisioning/users",
                     "/api/v1/provisioning/users/events", "/api/v1/reminders"):
            self.assertNotIn(secret, self.get(path).text)
        self.assertNotIn(secret[10:], self.get("/api/v1/provisioning").text)

    def test_default_lifetime_and_bounds(self):
        """365 days by default; 30 to 730 when asked; the connection's default can change."""
        t = self.issue()["token"]
        self.assertEqual(t["days_left"], 365)
        self.assertEqual(t["state"], "ok")
        self.revoke(t["id"])
        t = self.issue(lifetime_days=30)["token"]
        self.assertEqual(t["days_left"], 30)
        self.revoke(t["id"])
        for bad in (29, 731, 0, -5):
            r = self.server.request("POST", "/api/v1/provisioning/users/tokens", key=self.key,
                                    body={"lifetime_days": bad})
            self.assertError(r, 400, "invalid_request", "lifetime_days")
        r = self.server.request("PATCH", "/api/v1/provisioning/users", key=self.key,
                                body={"token_lifetime_days": 180})
        self.assertEqual(r.status, 200, r.text)
        self.assertEqual(r.json["token_policy"]["lifetime_days"], 180)
        self.assertEqual(self.issue()["token"]["days_left"], 180)
        # the other connection is untouched
        self.assertEqual(self.connection("persons")["token_policy"]["lifetime_days"], 365)

    def test_overlap_limit_and_retire_on_first_use(self):
        """Two tokens overlap; a third is refused; the old one retires once the IdP provisioned
        with the new one, not at a read (a test) with it."""
        old = self.issue()
        new = self.issue(retire="on-first-use")
        self.assertEqual(new["replaces"], old["token"]["id"])
        conn = self.connection()
        self.assertEqual(conn["counts"]["active_tokens"], 2)
        old_row = next(t for t in conn["tokens"] if t["id"] == old["token"]["id"])
        self.assertEqual(old_row["replaced_by"], new["token"]["id"])
        self.assertEqual(old_row["retire"], "on-first-use")
        self.assertIsNone(old_row["retires_at"])

        r = self.server.request("POST", "/api/v1/provisioning/users/tokens", key=self.key)
        self.assertError(r, 409, "replacement_pending")

        # The old token keeps working until the identity provider provisions with the new one.
        base = old["scim_base_url"]
        self.assertEqual(self.server.scim("GET", base, "/ServiceProviderConfig", old["secret"]).status, 200)
        self.assertEqual(self.server.scim("GET", base, "/ServiceProviderConfig", new["secret"],
                                          user_agent="Entra test").status, 200)
        conn = self.connection()
        self.assertEqual(conn["counts"]["active_tokens"], 2, "a read with the new token retires nothing")
        self.assertEqual(conn["last_request_token_id"], new["token"]["id"])
        self.assertEqual(self.server.scim("GET", base, "/ServiceProviderConfig", old["secret"]).status, 200)
        self.assertEqual(self.server.scim_provision(base, new["secret"], user_agent="Entra/1").status, 201)

        conn = self.connection()
        self.assertEqual([t["id"] for t in conn["tokens"]], [new["token"]["id"]])
        deleted = conn["deleted_tokens"][0]
        self.assertEqual(deleted["id"], old["token"]["id"])
        self.assertEqual(deleted["reason"], "retired-after-first-use")
        self.assertIn(new["token"]["id"], deleted["deleted_by"])
        self.assertEqual(conn["last_request_token_id"], new["token"]["id"])
        self.assertEqual(conn["tokens"][0]["last_user_agent"], "Entra/1")
        self.assertIsNotNone(conn["tokens"][0]["last_used_at"])

        r = self.server.scim("GET", base, "/ServiceProviderConfig", old["secret"])
        self.assertEqual(r.status, 401)
        self.assertTrue(r.header("WWW-Authenticate").startswith("Bearer"))
        self.assertIn("urn:ietf:params:scim:api:messages:2.0:Error", r.json["schemas"])
        self.assertEqual(r.json["status"], "401")

    def test_grace_period(self):
        """With a grace period the replaced token works on, unused, until it ends."""
        self.server.stop()
        self.server.extra = ["--retire-grace", "600"]
        self.server.start()
        old = self.issue()
        new = self.issue()
        base = old["scim_base_url"]
        self.assertEqual(self.server.scim("GET", base, "/ServiceProviderConfig", new["secret"]).status, 200)
        row = next(t for t in self.connection()["tokens"] if t["id"] == old["token"]["id"])
        self.assertIsNone(row["retires_at"], "a read with the new token starts no retirement")
        self.assertEqual(self.server.scim_provision(base, new["secret"]).status, 201)
        row = next(t for t in self.connection()["tokens"] if t["id"] == old["token"]["id"])
        self.assertIsNotNone(row["retires_at"])
        # The grace period counts from the change made with the new token; the clock is
        # set from the times recorded, not from when this test's requests happened to run.
        retires_at = pvtest.parse_time(row["retires_at"])
        switched = next(t for t in self.connection()["tokens"] if t["id"] == new["token"]["id"])
        self.assertEqual(retires_at - pvtest.parse_time(switched["last_used_at"]), 600)
        self.server.set_clock(now=pvtest.format_time(retires_at - 5))
        self.assertEqual(self.connection()["counts"]["active_tokens"], 2)
        self.server.set_clock(now=pvtest.format_time(retires_at + 1))
        self.assertEqual(self.connection()["counts"]["active_tokens"], 1)
        self.assertEqual(self.server.scim("GET", base, "/ServiceProviderConfig", old["secret"]).status, 401)

    def test_retire_now_and_never(self):
        """retire=now deletes the old token at once; retire=never keeps both."""
        old = self.issue()
        new = self.issue(retire="now")
        conn = self.connection()
        self.assertEqual([t["id"] for t in conn["tokens"]], [new["token"]["id"]])
        self.assertEqual(conn["deleted_tokens"][0]["reason"], "replaced")
        self.assertEqual(conn["deleted_tokens"][0]["deleted_by"], "alice@acme.example")
        self.assertEqual(self.server.scim("GET", old["scim_base_url"], "/ServiceProviderConfig",
                                          old["secret"]).status, 401)

        newer = self.issue(retire="never")
        self.assertEqual(self.server.scim("GET", new["scim_base_url"], "/ServiceProviderConfig",
                                          newer["secret"]).status, 200)
        conn = self.connection()
        self.assertEqual(conn["counts"]["active_tokens"], 2)
        self.assertEqual(self.server.scim("GET", new["scim_base_url"], "/ServiceProviderConfig",
                                          new["secret"]).status, 200)

    def test_revoke_and_deleted_list(self):
        """A revoked token is listed with who and when until its original expiry, then gone."""
        t = self.issue(lifetime_days=30)
        gone = self.revoke(t["token"]["id"])
        self.assertEqual(gone["reason"], "revoked")
        self.assertEqual(gone["deleted_by"], "alice@acme.example")
        conn = self.connection()
        self.assertEqual(conn["tokens"], [])
        self.assertEqual(conn["deleted_tokens"][0]["id"], t["token"]["id"])
        self.assertEqual(self.server.scim("GET", t["scim_base_url"], "/ServiceProviderConfig",
                                          t["secret"]).status, 401)
        # revoking again: nothing left to revoke
        self.assertError(self.server.request("DELETE", f"/api/v1/provisioning/users/tokens/{t['token']['id']}",
                                             key=self.key), 404, "not_found")
        self.server.set_clock(offset=day(29))
        self.assertEqual(len(self.connection()["deleted_tokens"]), 1)
        self.server.set_clock(offset=day(31))
        self.assertEqual(self.connection()["deleted_tokens"], [])

    def test_refuses_to_revoke_what_the_idp_uses(self):
        """The token of the last SCIM request is only revoked with force=true."""
        t = self.issue()
        self.assertEqual(self.server.scim("GET", t["scim_base_url"], "/ServiceProviderConfig",
                                          t["secret"]).status, 200)
        r = self.server.request("DELETE", f"/api/v1/provisioning/users/tokens/{t['token']['id']}", key=self.key)
        self.assertError(r, 409, "token_in_use")
        self.assertEqual(self.connection()["counts"]["active_tokens"], 1)
        self.revoke(t["token"]["id"], force=True)
        self.assertEqual(self.connection()["counts"]["active_tokens"], 0)
        r = self.server.request("DELETE", f"/api/v1/provisioning/users/tokens/{t['token']['id']}?force=maybe",
                                key=self.key)
        self.assertError(r, 400, "invalid_parameter")

    def test_withdrawn_replacement(self):
        """Revoking a replacement before its first use leaves the old token as it was."""
        old = self.issue()
        new = self.issue()
        self.revoke(new["token"]["id"])
        row = self.connection()["tokens"][0]
        self.assertEqual(row["id"], old["token"]["id"])
        self.assertIsNone(row["replaced_by"])
        self.assertIsNone(row["retire"])
        self.assertEqual(self.server.scim("GET", old["scim_base_url"], "/ServiceProviderConfig",
                                          old["secret"]).status, 200)

    def test_expiry(self):
        """Past its expiry a token is expired, refused, not counted, and a new one can be issued."""
        a = self.issue(lifetime_days=30)
        b = self.issue(lifetime_days=30, retire="never")
        self.server.set_clock(offset=day(30) + 1)
        conn = self.connection()
        self.assertEqual({t["state"] for t in conn["tokens"]}, {"expired"})
        self.assertEqual(conn["counts"]["active_tokens"], 0)
        self.assertTrue(all(t["days_left"] < 0 for t in conn["tokens"]))
        r = self.server.scim("GET", a["scim_base_url"], "/ServiceProviderConfig", a["secret"])
        self.assertEqual(r.status, 401)
        self.assertIn("expired", r.json["detail"])
        fresh = self.issue()
        self.assertIsNone(fresh["replaces"])
        self.assertEqual(self.server.scim("GET", b["scim_base_url"], "/ServiceProviderConfig",
                                          fresh["secret"]).status, 200)

    def test_connections_are_separate(self):
        """A users token is refused on the persons connection and the other way round."""
        u = self.issue("users")
        p = self.issue("persons")
        self.assertNotEqual(u["scim_base_url"], p["scim_base_url"])
        self.assertEqual(self.server.scim("GET", p["scim_base_url"], "/ServiceProviderConfig",
                                          u["secret"]).status, 401)
        self.assertEqual(self.server.scim("GET", u["scim_base_url"], "/ServiceProviderConfig",
                                          p["secret"]).status, 401)
        self.assertEqual(self.connection("persons")["counts"]["active_tokens"], 1)
        self.assertEqual(self.connection("users")["counts"]["active_tokens"], 1)

    def test_events(self):
        """Issue, first use and writes are events of the token that made them, newest first."""
        old = self.issue()
        new = self.issue()
        self.server.scim("GET", new["scim_base_url"], "/ServiceProviderConfig", new["secret"])
        self.server.scim("POST", new["scim_base_url"], "/Users", new["secret"],
                         body={"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "x@acme.example"})
        events = self.get("/api/v1/provisioning/users/events").json["events"]
        types = [e["type"] for e in events]
        self.assertEqual(types[-2:], ["token.issued", "token.issued"])
        self.assertIn("token.first-use", types)
        self.assertIn("token.retired", types)
        self.assertEqual(types[0], "scim")
        self.assertEqual(events[0]["token_id"], new["token"]["id"])
        self.assertTrue(events[0]["operation"].startswith("POST /Users"))
        ids = [e["id"] for e in events]
        self.assertEqual(ids, sorted(ids, reverse=True))
        # filters
        newest = ids[0]
        self.assertEqual(self.get(f"/api/v1/provisioning/users/events?after_id={newest}").json["events"], [])
        only_old = self.get(f"/api/v1/provisioning/users/events?token={old['token']['id']}").json["events"]
        self.assertTrue(only_old and all(e["token_id"] == old["token"]["id"] for e in only_old))
        self.assertEqual(len(self.get("/api/v1/provisioning/users/events?limit=2").json["events"]), 2)
        future = "2100-01-01T00:00:00Z"
        self.assertEqual(self.get(f"/api/v1/provisioning/users/events?since={future}").json["events"], [])
        self.assertEqual(self.get("/api/v1/provisioning/persons/events").json["events"], [])


class ChangedElsewhereDuringLoad(StressTest):
    """The workers keep what a token or key stands for across the commits of a SCIM load
    (docs/provisiod.md, "Caches"), until a credential changes: whoever changes it, another
    process on the same SQLite file or another node on the same PostgreSQL database, the
    next request with it is refused.  On PostgreSQL the other node's change arrives by
    notification, within a second (as test_two_nodes checks); on SQLite at once."""

    WINDOW = 1.0 if pvtest.STORE == "postgresql" else 0.0

    def setUp(self):
        super().setUp()
        # The other node makes the change and reads the outcome; the load's refusals,
        # counted per address on every node sharing PostgreSQL, must not refuse it.
        self.other = DrainedServer(self.workdir, ["--auth-failure-limit", "100000"],
                                   db=self.server.db).start()
        self.addCleanup(self.stop_other)

    def stop_other(self):
        if self.other.proc.poll() is None:
            self.other.stop()
        leaked = [s[:10] for s in self.server.secrets | self.other.secrets if s in self.other.output]
        self.assertEqual(leaked, [], "secrets in the other provisiod's output (prefixes shown)")

    def load(self, issued, n_threads=4, user_agents=("Test IdP/1.0",)):
        """POSTs /Users with @issued's token to self.server from @n_threads threads until
        the function returned is called; that returns each request as (started, status),
        once some 201s came back before the change it is called after.  Each request
        sends the next of @user_agents: a new one is recorded as the token's use."""
        results, stop = [], threading.Event()

        def run():
            for i in itertools.count():
                if stop.is_set():
                    break
                name = f"{uuid.uuid4()}@load.example"
                started = time.monotonic()
                r = self.server.scim("POST", issued["scim_base_url"], "/Users", issued["secret"],
                                     body={"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
                                           "userName": name},
                                     user_agent=user_agents[i % len(user_agents)])
                results.append((started, r.status))

        threads = [threading.Thread(target=run) for _ in range(n_threads)]
        for t in threads:
            t.start()
        deadline = time.monotonic() + 20
        while sum(1 for _, st in results if st == 201) < 40 \
                and time.monotonic() < deadline:
            time.sleep(0.01)

        def finish():
            time.sleep(0.3 + self.WINDOW)    # the load goes on after the change
            stop.set()
            for t in threads:
                t.join()
            return results
        return finish

    def assertRefusedFrom(self, results, changed):
        """Every request started WINDOW after @changed or later was refused (401, then 429
        once the address reached the limit of failed authentications); requests before it
        succeeded, on commits that changed no credential."""
        before = [status for started, status in results if started < changed]
        after = [status for started, status in results if started >= changed + self.WINDOW]
        self.assertGreaterEqual(before.count(201), 40)
        self.assertIn(401, [status for started, status in results if started >= changed])
        self.assertTrue(after, "no request after the change")
        self.assertLessEqual(set(after), {401, 429}, f"{after.count(201)} of {len(after)} accepted")

    def status_after(self, changed, request):
        """@request's status, at once on SQLite, WINDOW after @changed on PostgreSQL."""
        time.sleep(max(0.0, changed + self.WINDOW - time.monotonic()))
        return request().status

    def change_during_load(self, issued, change):
        """Runs @change (a request to the other server) during a load with @issued's token;
        returns its answer, the status of a request with the token right after it (WINDOW
        after on PostgreSQL), and the load's requests."""
        finish = self.load(issued)
        r = change()
        changed = time.monotonic()
        status = self.status_after(changed, lambda: self.server.scim(
            "GET", issued["scim_base_url"], "/Users?count=1", issued["secret"]))
        results = finish()
        self.assertIn(status, (401, 429))
        self.assertRefusedFrom(results, changed)
        return r

    def test_token_revoked_by_another_process(self):
        issued = self.issue()
        r = self.change_during_load(issued, lambda: self.other.request(
            "DELETE", f"/api/v1/provisioning/users/tokens/{issued['token']['id']}?force=true",
            key=self.key))
        self.assertEqual(r.status, 200, r.text)

    def test_revocation_not_undone_by_a_use_recorded_meanwhile(self):
        """A request whose use is recorded (here each one: its User-Agent changes) reads the
        token, then takes the connection's lock to write.  A revocation committed between
        the two is neither answered past nor written over: the token stays revoked."""
        issued = self.issue()
        finish = self.load(issued, user_agents=("Entra/1", "Entra/2"))
        r = self.other.request(
            "DELETE", f"/api/v1/provisioning/users/tokens/{issued['token']['id']}?force=true",
            key=self.key)
        changed = time.monotonic()
        results = finish()
        self.assertEqual(r.status, 200, r.text)
        self.assertRefusedFrom(results, changed)
        conn = self.other.request("GET", "/api/v1/provisioning/users", key=self.key).json
        self.assertEqual([t["id"] for t in conn["tokens"]], [])
        self.assertEqual([t["id"] for t in conn["deleted_tokens"]], [issued["token"]["id"]])

    def test_token_retired_by_another_process(self):
        old = self.issue()
        r = self.change_during_load(old, lambda: self.other.request(
            "POST", "/api/v1/provisioning/users/tokens", key=self.key, body={"retire": "now"}))
        self.assertEqual(r.status, 201, r.text)
        self.other.secrets.add(r.json["secret"])

    def test_connection_disabled_by_another_process(self):
        issued = self.issue()
        finish = self.load(issued)
        r = self.other.request("PATCH", "/api/v1/provisioning/users", key=self.key,
                               body={"enabled": False})
        changed = time.monotonic()
        results = finish()
        self.assertEqual(r.status, 200, r.text)
        after = [status for started, status in results if started >= changed + self.WINDOW]
        self.assertTrue(after, "no request after the change")
        self.assertNotIn(201, after, f"{after.count(201)} of {len(after)} accepted")

    def test_admin_key_revoked_by_the_command_line(self):
        """`provisiod key revoke` on the same database, while the key's requests and a SCIM
        load run: the key's next request is refused."""
        issued = self.issue()
        out = self.server.cli("key", "issue", "acme", "--owner", "bob@acme.example").stdout
        key_id = re.search(r"Admin API key (\S+) for", out).group(1)
        second = out.strip().splitlines()[-1]
        self.assertEqual(self.get("/api/v1/provisioning", key=second).status, 200)
        finish = self.load(issued)
        for _ in range(20):     # in the cache, the SCIM load committing meanwhile
            self.assertEqual(self.get("/api/v1/provisioning", key=second).status, 200)
        self.server.cli("key", "revoke", "acme", key_id)
        changed = time.monotonic()
        status = self.status_after(changed, lambda: self.get("/api/v1/provisioning", key=second))
        results = finish()
        self.assertEqual(status, 401)
        self.assertEqual(self.get("/api/v1/provisioning").status, 200)
        self.assertNotIn(401, [status for _, status in results])


if __name__ == "__main__":
    unittest.main(verbosity=2)
