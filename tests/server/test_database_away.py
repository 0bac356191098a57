#!/usr/bin/python3
# PostgreSQL goes away under provisiod and comes back: requests meanwhile
# get 503 with Retry-After, nothing crashes, and provisiod recovers by
# itself, with what it had acknowledged.
#
# Copyright 2026 The Provisio authors
# SPDX-License-Identifier: GPL-3.0-or-later

import threading
import time
import unittest

import pvtest
from pvtest import ServerTest

USER = "urn:ietf:params:scim:schemas:core:2.0:User"


@unittest.skipUnless(pvtest.STORE == "postgresql", "PostgreSQL only: an SQLite file does not go away")
class DatabaseAway(ServerTest):

    def test_503_then_recovery(self):
        token = self.issue()
        base = token["scim_base_url"]
        r = self.server.scim("POST", base, "/Users", token["secret"],
                             body={"schemas": [USER], "userName": "before@acme.example"})
        self.assertEqual(r.status, 201, r.text)
        before = self.get("/api/v1/provisioning/users").json

        pvtest.postgresql().stop()
        try:
            r = self.server.request("GET", "/api/v1/tenant", key=self.key, validate=False)
            # the worker may still hold the answer from before; the 503 is
            # as docs/openapi.json says, its Retry-After included
            for _ in range(3):
                r = self.server.request("GET", "/api/v1/provisioning/users/events", key=self.key)
                self.assertEqual(r.status, 503, r.text)
                self.assertEqual(r.json["error"], "unavailable")
                self.assertEqual(r.header("retry-after"), "5")
                r = self.server.scim("POST", base, "/Users", token["secret"],
                                     body={"schemas": [USER], "userName": "during@acme.example"})
                self.assertEqual(r.status, 503, r.text)
                self.assertEqual(r.header("retry-after"), "5")
                self.assertEqual(r.json["schemas"], ["urn:ietf:params:scim:api:messages:2.0:Error"])
            self.assertIsNone(self.server.proc.poll(), "provisiod exited")
        finally:
            pvtest.postgresql().start()

        # Back by itself: the next requests reconnect.
        deadline = time.monotonic() + 10
        while True:
            r = self.server.scim("POST", base, "/Users", token["secret"],
                                 body={"schemas": [USER], "userName": "after@acme.example"})
            if r.status == 201 or time.monotonic() > deadline:
                break
            self.assertEqual(r.status, 503, r.text)
            time.sleep(0.2)
        self.assertEqual(r.status, 201, r.text)
        after = self.get("/api/v1/provisioning/users").json
        self.assertEqual([t["id"] for t in after["tokens"]], [t["id"] for t in before["tokens"]])
        r = self.server.scim("GET", base, "/Users", token["secret"])
        self.assertEqual(sorted(u["userName"] for u in r.json["Resources"]),
                         ["after@acme.example", "before@acme.example"])


@unittest.skipUnless(pvtest.STORE == "postgresql", "PostgreSQL only")
class DatabaseBusy(ServerTest):
    """Another node holds the write lock longer than provisiod waits for it."""

    extra_args = ("--threads", "1")     # the same connection before and after

    def test_503_then_the_same_connection_works(self):
        token = self.issue()
        held = threading.Event()

        def hold():
            # a node stuck in a write transaction for seven seconds
            pvtest.postgresql().query(self.server.db,
                                      "SELECT pg_advisory_lock (7212443), pg_sleep (7),"
                                      " pg_advisory_unlock (7212443)")
        holder = threading.Thread(target=hold)
        holder.start()
        time.sleep(1)
        start = time.monotonic()
        r = self.server.scim("POST", token["scim_base_url"], "/Users", token["secret"],
                             body={"schemas": [USER], "userName": "busy@acme.example"})
        self.assertEqual(r.status, 503, r.text)
        self.assertEqual(r.header("retry-after"), "5")
        self.assertGreaterEqual(time.monotonic() - start, 4.5, "it waited for the lock first")
        holder.join()
        r = self.server.scim("POST", token["scim_base_url"], "/Users", token["secret"],
                             body={"schemas": [USER], "userName": "busy@acme.example"})
        self.assertEqual(r.status, 201, r.text)
        self.assertEqual(self.issue(retire="never")["token"]["description"], "")


if __name__ == "__main__":
    unittest.main(verbosity=2)
