#!/usr/bin/python3
# SCIM writes are committed in groups (src/server/pvd-writer.c): concurrent
# requests' changes share one transaction.  Each request still stands
# alone: many concurrent POST /Users, some of them colliding on a userName,
# get exactly one 201 per userName and a SCIM 409 (uniqueness) for every
# other one, every 201 is on disk when it is answered (provisiod is killed
# with SIGKILL right after the last answer and started again), no 409 left
# anything behind, and each request has its event with its own status.
#
# Copyright 2026 The Provisio authors
# SPDX-License-Identifier: GPL-3.0-or-later

import http.client
import json
import random
import re
import signal
import sqlite3
import threading
import time
import unittest
import urllib.parse

import pvtest
from pvtest import ServerTest

USER = "urn:ietf:params:scim:schemas:core:2.0:User"
ERROR = "urn:ietf:params:scim:api:messages:2.0:Error"

CLIENTS = 32
UNIQUE = 160        # userNames sent once
CONTESTED = 80      # userNames sent three times, in different cases


class GroupCommitBase(ServerTest):

    def setUp(self):
        super().setUp()
        self.issued = self.issue("users")
        self.base = urllib.parse.urlsplit(self.issued["scim_base_url"]).path
        # The token's first use is a write of its own: out of the way.
        self.assertEqual(self.scim("GET", "/ServiceProviderConfig").status, 200)

    def scim(self, method, resource, body=None):
        return self.server.scim(method, self.issued["scim_base_url"], resource, self.issued["secret"],
                                body=body)

    def post_concurrently(self, names, user_agent=lambda k: "Test IdP/1.0"):
        """POSTs a user per name, CLIENTS keep-alive connections at once,
        client k with user_agent(k); returns [(name, status, body)] in the
        order of names."""
        url = urllib.parse.urlsplit(self.server.url)
        results = [None] * len(names)
        start = threading.Barrier(CLIENTS)
        errors = []

        def client(k):
            try:
                conn = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
                headers = {"Authorization": "Bearer " + self.issued["secret"],
                           "Content-Type": "application/scim+json", "User-Agent": user_agent(k)}
                start.wait()
                for i in range(k, len(names), CLIENTS):
                    body = json.dumps({"schemas": [USER], "userName": names[i], "active": True})
                    conn.request("POST", self.base + "/Users", body=body, headers=headers)
                    r = conn.getresponse()
                    results[i] = (names[i], r.status, json.loads(r.read() or b"null"))
                conn.close()
            except Exception as e:  # noqa: BLE001 - reported below
                errors.append(repr(e))

        threads = [threading.Thread(target=client, args=(k,)) for k in range(CLIENTS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(errors, [])
        return results

    def names(self, prefix):
        names = [f"{prefix}-unique-{i}@example.com" for i in range(UNIQUE)]
        for i in range(CONTESTED):
            name = f"{prefix}-contested-{i}@example.com"
            names += [name, name.upper(), name.title()]
        random.shuffle(names)
        return names

    def check_answers(self, results):
        """One 201 per userName (case-folded), a SCIM uniqueness error for the others."""
        created = {}
        conflicts = {}
        for name, status, body in results:
            key = name.lower()
            if status == 201:
                self.assertNotIn(key, created, f"{name} created twice")
                self.assertEqual(body["userName"], name)
                self.assertTrue(body["id"])
                created[key] = body
            else:
                self.assertEqual(status, 409, body)
                self.assertIn(ERROR, body["schemas"])
                self.assertEqual(body["status"], "409")
                self.assertEqual(body["scimType"], "uniqueness")
                self.assertIn(key, body["detail"].lower())
                conflicts[key] = conflicts.get(key, 0) + 1
        self.assertEqual(len(created), UNIQUE + CONTESTED)
        self.assertEqual(sorted(conflicts.values()), [2] * CONTESTED)
        self.assertTrue(all("-contested-" in key for key in conflicts))
        return created

    def check_stored(self, created):
        """Every user answered 201 is there as answered; nothing else is."""
        for key, user in created.items():
            r = self.scim("GET", f"/Users/{user['id']}")
            self.assertEqual(r.status, 200, f"{user['userName']}: {r.text}")
            self.assertEqual(r.json["userName"], user["userName"])
            self.assertEqual(r.json["meta"]["version"], user["meta"]["version"])
            q = urllib.parse.quote(f'userName eq "{key}"')
            found = self.scim("GET", f"/Users?filter={q}").json
            self.assertEqual([u["id"] for u in found["Resources"]], [user["id"]])
        r = self.scim("GET", "/Users?count=0")
        self.assertEqual(r.json["totalResults"], len(created))


class GroupCommit(GroupCommitBase):

    def test_collisions_in_groups_stand_alone_and_survive_a_kill(self):
        results = self.post_concurrently(self.names("a"))
        created = self.check_answers(results)

        # Killed at once: what was answered 201 was committed before.
        self.server.stop(signal.SIGKILL)
        self.server.start()
        self.check_stored(created)

        # Each request's event, with its own status, 409s included.
        events = self.get("/api/v1/provisioning/users/events?limit=500").json["events"]
        posts = [e["status"] for e in events if e["type"] == "scim" and e["operation"] == "POST /Users"]
        self.assertEqual(sorted(posts), sorted(status for _, status, _ in results))

    def test_changes_were_grouped(self):
        """The same load commits fewer times than it changes (provisiod's
        count, logged when it stops): the isolation above held inside
        groups, not one request per commit."""
        created = self.check_answers(self.post_concurrently(self.names("b")))
        self.server.stop()
        m = re.search(r"SCIM writes: (\d+) changes in (\d+) commits", self.server.output)
        self.assertIsNotNone(m, self.server.output[-2000:])
        changes, commits = int(m.group(1)), int(m.group(2))
        self.assertEqual(changes, UNIQUE + 3 * CONTESTED)
        print(f"{changes} changes in {commits} commits", flush=True)
        self.assertLess(commits, changes)
        if pvtest.STORE == "postgresql":
            # A new user goes to PostgreSQL in its group's pipeline and its
            # outcome (a userName taken) is read at the commit: a group
            # costs one round trip, its commit's, not one more a change.
            m = re.search(r"SCIM writes: \d+ changes in \d+ commits, (\d+) round trips",
                          self.server.output)
            self.assertIsNotNone(m, self.server.output[-2000:])
            round_trips = int(m.group(1))
            print(f"{round_trips} round trips to PostgreSQL", flush=True)
            self.assertLess(round_trips - commits, changes / 10)
        self.server.start()
        self.check_stored(created)

    def test_a_failed_event_takes_no_answer_with_it(self):
        """A change's event that the database refuses fails that change, and
        every change answered 201 beside it is stored.  (On PostgreSQL the
        event goes to the database with the next statement, so its failure
        is learnt later: it fails the whole group, whose requests are then
        answered with an error, never 201.)"""
        poison = "Poison IdP/1.0"
        if pvtest.STORE == "postgresql":
            pvtest.postgresql().query(self.server.db, "ALTER TABLE events ADD CONSTRAINT poison"
                                      f" CHECK (user_agent IS DISTINCT FROM '{poison}')")
        else:
            with sqlite3.connect(self.server.db) as db:
                db.execute("CREATE TRIGGER poison BEFORE INSERT ON events"
                           f" WHEN NEW.user_agent = '{poison}' BEGIN SELECT RAISE(ABORT, 'poison'); END")
        names = [f"c-{i}@example.com" for i in range(UNIQUE)]
        # every eighth client's events are refused
        results = self.post_concurrently(names, lambda k: poison if k % 8 == 0 else "Test IdP/1.0")
        created = {}
        for i, (name, status, body) in enumerate(results):
            if i % CLIENTS % 8 == 0:
                self.assertGreaterEqual(status, 500, f"{name}: its event was refused")
            if status == 201:
                created[name] = body
            else:
                self.assertGreaterEqual(status, 500, body)
        self.assertTrue(created, "every change failed")
        print(f"{len(created)} of {len(names)} changes stood", flush=True)

        self.server.stop(signal.SIGKILL)
        self.server.start()
        self.check_stored(created)


class OneWorker(GroupCommitBase):
    extra_args = ("--threads", "1")

    def test_a_waiting_change_does_not_hold_its_worker(self):
        """With a single worker thread, a change waiting for its commit does
        not hold the worker: it serves the other connections, whose changes
        join the group.  (When the worker waited, each of its groups held
        one change.)"""
        created = self.check_answers(self.post_concurrently(self.names("d")))
        self.server.stop()
        m = re.search(r"SCIM writes: (\d+) changes in (\d+) commits", self.server.output)
        self.assertIsNotNone(m, self.server.output[-2000:])
        changes, commits = int(m.group(1)), int(m.group(2))
        print(f"one worker: {changes} changes in {commits} commits", flush=True)
        self.assertEqual(changes, UNIQUE + 3 * CONTESTED)
        self.assertLess(commits, 0.9 * changes)
        self.server.start()
        self.check_stored(created)

    @unittest.skipUnless(pvtest.STORE == "postgresql", "two writer connections on PostgreSQL only")
    def test_a_commit_in_flight_does_not_hold_the_worker(self):
        """On PostgreSQL a group commits without the writer's lock, while
        the next group gathers on the writer's second connection: a change
        to another connection (persons) made during a slow commit of users
        does not hold the only worker, which answers a look-up meanwhile,
        and both changes are answered 201 once committed, in turn.  (When
        the commit held the writer's lock, the second change's worker waited
        for it, and the look-up with it.)"""
        slow = "Slow IdP/1.0"
        persons = self.issue("persons")
        pvtest.postgresql().query(self.server.db, f"""
            CREATE FUNCTION slow_commit() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN IF NEW.user_agent = '{slow}' THEN PERFORM pg_sleep(3); END IF; RETURN NULL; END $$;
            CREATE CONSTRAINT TRIGGER slow_commit AFTER INSERT ON events
              DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION slow_commit();""")
        url = urllib.parse.urlsplit(self.server.url)
        answers = {}

        def post(issued, name, user_agent):
            conn = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
            body = json.dumps({"schemas": [USER], "userName": name})
            path = urllib.parse.urlsplit(issued["scim_base_url"]).path
            conn.request("POST", path + "/Users", body=body,
                         headers={"Authorization": "Bearer " + issued["secret"],
                                  "Content-Type": "application/scim+json", "User-Agent": user_agent})
            r = conn.getresponse()
            answers[name] = (r.status, time.monotonic())
            r.read()
            conn.close()

        def look_up():
            return self.server.scim("GET", persons["scim_base_url"], "/ServiceProviderConfig",
                                    persons["secret"]).status

        self.assertEqual(look_up(), 200)
        first = threading.Thread(target=post, args=(self.issued, "slow@example.com", slow))
        first.start()
        time.sleep(0.5)     # its group is committing, for 3 s
        second = threading.Thread(target=post, args=(persons, "next@example.com", "Test IdP/1.0"))
        second.start()
        time.sleep(0.3)
        start = time.monotonic()
        self.assertEqual(look_up(), 200)
        looked_up = time.monotonic()
        first.join()
        second.join()
        print(f"look-up during a slow commit: {looked_up - start:.2f} s", flush=True)
        self.assertEqual(answers["slow@example.com"][0], 201)
        self.assertEqual(answers["next@example.com"][0], 201)
        self.assertLess(looked_up - start, 1.0)
        self.assertLess(looked_up, answers["slow@example.com"][1])


if __name__ == "__main__":
    unittest.main()
