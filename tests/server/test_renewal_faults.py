#!/usr/bin/python3
# Renewal under faults (issue #21): a lost answer, a second admin, a retried
# request. Each leaves at most an old token and one replacement, and one
# request (replace_unused) brings back an old token and a replacement whose
# secret somebody has seen, while the identity provider's token works on.
#
# Copyright 2026 The Provisio authors
# SPDX-License-Identifier: GPL-3.0-or-later

import http.client
import json
import unittest
import urllib.parse
import uuid

from faultproxy import AnswerDropper
from pvtest import ServerTest

TOKENS = "/api/v1/provisioning/users/tokens"


class RenewalFaults(ServerTest):

    def post(self, body=None, key=None, idempotency_key=None):
        headers = {"Idempotency-Key": idempotency_key} if idempotency_key else None
        return self.server.request("POST", TOKENS, key=key or self.key, body=body, headers=headers)

    def set_up_in_use(self):
        """A connection whose token the identity provider uses."""
        old = self.issue(description="in use")
        r = self.server.scim("GET", old["scim_base_url"], "/Users", old["secret"])
        self.assertEqual(r.status, 200, r.text)
        return old

    def assertProvisioningWorks(self, issued):
        r = self.server.scim("GET", issued["scim_base_url"], "/Users", issued["secret"])
        self.assertEqual(r.status, 200, r.text)

    def assertOneOldOneFresh(self, old, fresh):
        """The connection holds the old token and the fresh replacement, nothing else."""
        conn = self.connection()
        active = {t["id"]: t for t in conn["tokens"]}
        self.assertEqual(set(active), {old["token"]["id"], fresh["token"]["id"]}, conn["tokens"])
        self.assertEqual(active[old["token"]["id"]]["replaced_by"], fresh["token"]["id"])
        self.assertEqual(active[fresh["token"]["id"]]["replaces"], old["token"]["id"])
        self.assertIsNone(active[old["token"]["id"]]["retires_at"])
        return conn

    def test_pending_replacement_is_named_and_replaced_in_one_request(self):
        """A third issue names the unused replacement, who issued it and when; replace_unused
        deletes it with its reason and issues a new one, the old token untouched."""
        old = self.set_up_in_use()
        lost = self.issue(description="copied nowhere")
        r = self.post()
        self.assertError(r, 409, "replacement_pending", lost["token"]["id"])
        self.assertEqual(r.json["token"]["id"], lost["token"]["id"])
        self.assertEqual(r.json["token"]["created_by"], "alice@acme.example")
        self.assertEqual(r.json["token"]["created_at"], lost["token"]["created_at"])
        self.assertIsNone(r.json["token"]["last_used_at"])
        self.assertIn("replace_unused", r.json["message"])
        self.assertNotIn(lost["secret"], r.text)

        r = self.post({"replace_unused": lost["token"]["id"]})
        self.assertEqual(r.status, 201, r.text)
        fresh = r.json
        self.assertEqual(fresh["replaces"], old["token"]["id"])
        conn = self.assertOneOldOneFresh(old, fresh)
        gone = next(t for t in conn["deleted_tokens"] if t["id"] == lost["token"]["id"])
        self.assertEqual(gone["reason"], "replaced-before-first-use")
        self.assertEqual(gone["deleted_by"], "alice@acme.example")
        # The replaced one no longer authenticates; the old one and the fresh one do.
        r = self.server.scim("GET", lost["scim_base_url"], "/Users", lost["secret"])
        self.assertEqual(r.status, 401, r.text)
        self.assertProvisioningWorks(old)
        self.assertProvisioningWorks(fresh)
        types = [e["type"] for e in self.get("/api/v1/provisioning/users/events").json["events"]]
        self.assertIn("token.revoked", types)

    def test_used_replacement_is_never_replaced(self):
        """Once the identity provider used the replacement, a third issue says so and
        replace_unused is refused: that token may be the one it relies on."""
        self.set_up_in_use()
        used = self.issue(retire="never")
        self.assertProvisioningWorks(used)
        r = self.post()
        self.assertError(r, 409, "replacement_in_use", used["token"]["id"])
        self.assertEqual(r.json["token"]["id"], used["token"]["id"])
        self.assertIsNotNone(r.json["token"]["last_used_at"])
        r = self.post({"replace_unused": used["token"]["id"]})
        self.assertError(r, 409, "replacement_in_use", used["token"]["id"])
        self.assertProvisioningWorks(used)
        self.assertEqual(self.connection()["counts"]["active_tokens"], 2)

    def test_two_admins_the_second_learns_who_and_when(self):
        """Two admins (two keys) renew at once: the second is told who issued the pending
        replacement and when; a replace naming a replacement that another admin replaced
        first is refused with the one that now stands."""
        bob = self.server.cli("key", "issue", "acme", "--owner", "bob@acme.example").stdout.strip().splitlines()[-1]
        old = self.set_up_in_use()
        alices = self.issue()
        r = self.post(key=bob)
        self.assertError(r, 409, "replacement_pending", "alice@acme.example")
        self.assertEqual(r.json["token"]["created_by"], "alice@acme.example")
        # Both decide to replace it; Bob is first.
        r = self.post({"replace_unused": alices["token"]["id"]}, key=bob)
        self.assertEqual(r.status, 201, r.text)
        bobs = r.json
        r = self.post({"replace_unused": alices["token"]["id"]})
        self.assertError(r, 409, "replacement_changed", bobs["token"]["id"])
        self.assertEqual(r.json["token"]["id"], bobs["token"]["id"])
        self.assertEqual(r.json["token"]["created_by"], "bob@acme.example")
        self.assertOneOldOneFresh(old, bobs)
        self.assertProvisioningWorks(old)
        # The old token is never a replacement to replace.
        r = self.post({"replace_unused": old["token"]["id"]})
        self.assertError(r, 409, "replacement_changed")
        r = self.post({"replace_unused": "tok_000000000000"})
        self.assertError(r, 404, "not_found")

    def test_idempotency_key_repeat_issues_nothing(self):
        """A repeat with the same Idempotency-Key answers already_issued with the token,
        never a second one; another key is a new request."""
        old = self.set_up_in_use()
        intent = str(uuid.uuid4())
        first = self.post({"description": "renewal"}, idempotency_key=intent)
        self.assertEqual(first.status, 201, first.text)
        again = self.post({"description": "renewal"}, idempotency_key=intent)
        self.assertError(again, 409, "already_issued", first.json["token"]["id"])
        self.assertEqual(again.json["token"]["id"], first.json["token"]["id"])
        self.assertNotIn(first.json["secret"], again.text)
        self.assertEqual(self.connection()["counts"]["active_tokens"], 2)
        self.assertProvisioningWorks(old)
        for bad in ("", "x" * 129, "with space"):
            r = self.post(idempotency_key=bad) if bad else self.server.request(
                "POST", TOKENS, key=self.key, headers={"Idempotency-Key": ""})
            self.assertError(r, 400, "invalid_parameter", "Idempotency-Key")

    def test_first_token_answer_lost_then_repeated(self):
        """Even the first token of a connection: the repeat does not add a second."""
        intent = str(uuid.uuid4())
        first = self.post(idempotency_key=intent)
        self.assertEqual(first.status, 201, first.text)
        again = self.post(idempotency_key=intent)
        self.assertError(again, 409, "already_issued")
        r = self.post({"replace_unused": first.json["token"]["id"]}, idempotency_key=str(uuid.uuid4()))
        self.assertEqual(r.status, 201, r.text)
        self.assertIsNone(r.json["replaces"])
        conn = self.connection()
        self.assertEqual([t["id"] for t in conn["tokens"]], [r.json["token"]["id"]])
        self.assertProvisioningWorks(r.json)

    def test_lost_answer_through_a_proxy(self):
        """The answer to the issue is dropped after the tenant committed it: the retry with
        the same Idempotency-Key says it was issued and by whom; replacing it brings back one
        old token and one replacement whose secret the client has, and the identity
        provider's token works throughout."""
        old = self.set_up_in_use()
        proxy = AnswerDropper(self.server.url, drop="POST " + TOKENS)
        self.addCleanup(proxy.close)
        url = urllib.parse.urlsplit(proxy.url)
        intent = str(uuid.uuid4())
        conn = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
        conn.request("POST", TOKENS, body=json.dumps({"description": "renewal"}),
                     headers={"Authorization": "Bearer " + self.key, "Content-Type": "application/json",
                              "Idempotency-Key": intent})
        with self.assertRaises((http.client.RemoteDisconnected, ConnectionError)):
            conn.getresponse()
        conn.close()
        # The tenant did commit: the answer the client never got had the secret.
        self.assertEqual(len(proxy.dropped), 1)
        status, lost = proxy.dropped_json()
        self.assertEqual(status, 201)
        self.server.secrets.add(lost["secret"])
        self.assertProvisioningWorks(old)

        retry = self.post({"description": "renewal"}, idempotency_key=intent)
        self.assertError(retry, 409, "already_issued", lost["token"]["id"])
        self.assertEqual(retry.json["token"]["created_by"], "alice@acme.example")
        self.assertEqual(self.connection()["counts"]["active_tokens"], 2)
        # Without the key it is the same state, named the same way.
        self.assertError(self.post(), 409, "replacement_pending", lost["token"]["id"])

        fresh = self.post({"description": "renewal", "replace_unused": retry.json["token"]["id"]},
                          idempotency_key=str(uuid.uuid4()))
        self.assertEqual(fresh.status, 201, fresh.text)
        self.assertOneOldOneFresh(old, fresh.json)
        self.assertProvisioningWorks(old)
        self.assertProvisioningWorks(fresh.json)


if __name__ == "__main__":
    unittest.main(verbosity=2)
