#!/usr/bin/python3
# Crash safety: provisiod is killed with SIGKILL at random moments while
# clients make SCIM writes and token changes, and restarted on the same
# database and port.  After every kill: the database is intact, every write
# that was acknowledged is there as acknowledged, a write that got no answer
# is there whole or not at all, and every resource's meta, ETag and events
# agree; tokens are as acknowledged, never more than two active per
# connection, a revoked token refused, an issued one accepted.
#
# PVD_CRASH_KILLS (default 20) kills within PVD_CRASH_SECONDS (default 60;
# at least 5 kills whatever the time); PVD_CRASH_SEED repeats a run.
#
# On PostgreSQL (PROVISIOD_DATABASE=postgresql) every other cycle also
# stops PostgreSQL at once (pg_ctl -m immediate, as a crash) under the
# load, and starts it again while the load goes on: provisiod answers 503
# meanwhile (for the clients here: no answer) and recovers by itself.
#
# Copyright 2026 The Provisio authors
# SPDX-License-Identifier: GPL-3.0-or-later

import http.client
import json
import os
import random
import signal
import sqlite3
import threading
import time
import unittest
import urllib.parse

import pvtest
from pvstress import StressTest
from pvtest import SECRET

USER = "urn:ietf:params:scim:schemas:core:2.0:User"
GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group"
PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp"

KILLS = int(os.environ.get("PVD_CRASH_KILLS", "20"))
BUDGET = float(os.environ.get("PVD_CRASH_SECONDS", "60"))
MIN_KILLS = min(KILLS, 5)
SEED = int(os.environ.get("PVD_CRASH_SEED", str(random.randrange(1 << 30))))

# Per thread and cycle, so that a connection's events of one cycle (at most
# 2 x 250 SCIM writes and 2 x 100 token events) stay under the 1,000 that
# provisiod keeps.
SCIM_OPS_PER_CYCLE = 250
TOKEN_OPS_PER_CYCLE = 100


class Unanswered(Exception):
    """The request got no answer: it may or may not have been applied."""


class Client:
    """One keep-alive connection; any transport failure is Unanswered."""

    def __init__(self, port, record_secret):
        self.port = port
        self.conn = None
        self.record_secret = record_secret

    def call(self, method, path, secret, body=None, content_type="application/json"):
        headers = {"Authorization": "Bearer " + secret, "User-Agent": "crash-test"}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = content_type
        try:
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=20)
            self.conn.request(method, path, body=data, headers=headers)
            r = self.conn.getresponse()
            text = r.read().decode()
        except (OSError, http.client.HTTPException) as e:
            self.close()
            raise Unanswered(str(e))
        if r.status == 503:
            # The database is away: not done, to be tried again.
            raise Unanswered("503 " + text)
        self.record_secret(text)
        return r.status, {k.lower(): v for k, v in r.getheaders()}, (json.loads(text) if text else None)

    def close(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None


class Resource:
    def __init__(self, kind, type_, name):
        self.kind = kind
        self.type = type_           # "Users" or "Groups"
        self.name = name            # userName or first displayName, for finding an unanswered POST
        self.id = None
        self.doc = None             # the last acknowledged document
        self.deleted = False
        self.mods = 0               # acknowledged (or found applied) PUT and PATCH
        self.pending = None         # (operation, expected fields, body) of an unanswered request
        self.cycle_ops = []         # operations applied this cycle, for the events check


def expected_fields(type_, body):
    """What a PUT or POST body says, in the terms checked afterwards."""
    if type_ == "Users":
        return {"userName": body["userName"], "title": body["title"], "active": body["active"],
                "name.givenName": body["name"]["givenName"], "name.familyName": body["name"]["familyName"],
                "emails": [e["value"] for e in body["emails"]]}
    return {"displayName": body["displayName"], "members": sorted(m["value"] for m in body["members"])}


def fields_of(type_, doc):
    if type_ == "Users":
        return {"userName": doc.get("userName"), "title": doc.get("title"), "active": doc.get("active"),
                "name.givenName": doc.get("name", {}).get("givenName"),
                "name.familyName": doc.get("name", {}).get("familyName"),
                "emails": [e["value"] for e in doc.get("emails", [])]}
    return {"displayName": doc.get("displayName"),
            "members": sorted(m["value"] for m in doc.get("members", []))}


class CrashSafety(StressTest):
    # Each revoked token is tried, and refused: more failures than the
    # default limit per address allows.
    extra_args = ("--threads", "2", "--auth-failure-limit", "1000000")

    def setUp(self):
        super().setUp()
        self.rng = random.Random(SEED)
        self.lock = threading.Lock()
        self.problems = []
        self.stats = {k: 0 for k in ("acked_scim", "acked_token", "acked_settings", "unanswered",
                                     "unanswered_applied", "unanswered_not_applied", "checked_documents",
                                     "checked_gets", "checked_events", "checked_tokens", "membership_rows",
                                     "database_restarts")}
        self.resources = {"users": [], "persons": []}
        self.tokens = {}
        for kind in ("users", "persons"):
            issued = self.issue(kind, description=f"{kind} (stable)")
            self.tokens[kind] = {
                "stable": (issued["token"]["id"], issued["secret"]),
                "base": urllib.parse.urlsplit(issued["scim_base_url"]).path,
                "base_url": issued["scim_base_url"],
                "extra": None,              # [id, secret, pending] of the second token
                "revoked": [],              # (id, secret) acknowledged as revoked
                "pending_issue": False,     # an issue that got no answer
                "settings": None,           # the last acknowledged settings
                "pending_settings": None,
                "cycle": {"issued": [], "revoked": []},
            }
            conn = self.connection(kind)
            self.tokens[kind]["settings"] = {"token_lifetime_days": conn["token_policy"]["lifetime_days"],
                                             "identity_provider": conn["identity_provider"]}

    # Bookkeeping shared by the threads

    def problem(self, text):
        with self.lock:
            self.problems.append(text)

    def count(self, key, n=1):
        with self.lock:
            self.stats[key] += n

    def record_secret(self, text):
        for s in SECRET.findall(text):
            self.server.secrets.add(s)

    # The load

    def scim_worker(self, kind, type_, tid, stop, rng):
        client = Client(self.server.port, self.record_secret)
        base = self.tokens[kind]["base"] + "/" + type_
        secret = self.tokens[kind]["stable"][1]
        owned = [r for r in self.resources[kind] if r.type == type_ and not r.deleted]
        serial = 0
        try:
            for _ in range(SCIM_OPS_PER_CYCLE):
                if stop.is_set():
                    return
                live = [r for r in owned if not r.deleted]
                choice = rng.random()
                serial += 1
                tag = f"{tid}-{serial}-{rng.randrange(1 << 30):x}"
                if len(live) < 3 or choice < 0.3:
                    self.scim_create(client, kind, type_, base, secret, tag, owned)
                elif choice < 0.5:
                    self.scim_delete(client, base, secret, rng.choice(live))
                elif choice < 0.75:
                    self.scim_put(client, base, secret, rng.choice(live), tag)
                else:
                    self.scim_patch(client, base, secret, rng.choice(live), tag)
        except Unanswered:
            self.count("unanswered")
        finally:
            client.close()

    def body_for(self, type_, name, tag):
        if type_ == "Users":
            return {"schemas": [USER], "userName": name, "externalId": "x-" + name, "active": True,
                    "title": "title " + tag, "name": {"givenName": "G" + tag, "familyName": "F" + tag},
                    "emails": [{"value": f"{tag}@mail.example", "type": "work", "primary": True}]}
        return {"schemas": [GROUP], "displayName": name, "members": [{"value": "m-" + tag}]}

    def check_ack(self, r, status, headers, doc, version):
        if doc.get("meta", {}).get("version") != f'W/"{version}"':
            self.problem(f"{r.type} {r.id}: version {doc.get('meta', {}).get('version')}, expected {version}")
        if headers.get("etag") != doc.get("meta", {}).get("version"):
            self.problem(f"{r.type} {r.id}: ETag {headers.get('etag')} but meta.version "
                         f"{doc.get('meta', {}).get('version')}")

    def scim_create(self, client, kind, type_, base, secret, tag, owned):
        name = f"{kind}-{type_[0]}-{tag}@example.com" if type_ == "Users" else f"{kind} group {tag}"
        r = Resource(kind, type_, name)
        body = self.body_for(type_, name, tag)
        with self.lock:
            self.resources[kind].append(r)
        owned.append(r)
        r.pending = ("POST", expected_fields(type_, body))
        status, headers, doc = client.call("POST", base, secret, body, "application/scim+json")
        r.pending = None
        if status != 201:
            self.problem(f"POST {type_}: {status} {doc}")
            r.deleted = True
            return
        r.id, r.doc = doc["id"], doc
        self.check_ack(r, status, headers, doc, 1)
        if fields_of(type_, doc) != expected_fields(type_, body):
            self.problem(f"POST {type_}: answered {fields_of(type_, doc)} for {expected_fields(type_, body)}")
        r.cycle_ops.append("POST")
        self.count("acked_scim")

    def scim_delete(self, client, base, secret, r):
        r.pending = ("DELETE", None)
        status, _, doc = client.call("DELETE", f"{base}/{r.id}", secret)
        r.pending = None
        if status != 204:
            self.problem(f"DELETE {r.type} {r.id}: {status} {doc}")
            return
        r.deleted = True
        r.cycle_ops.append("DELETE")
        self.count("acked_scim")

    def apply_ack(self, r, method, status, headers, doc, expected):
        if status != 200:
            self.problem(f"{method} {r.type} {r.id}: {status} {doc}")
            return
        self.check_ack(r, status, headers, doc, r.mods + 2)
        got = fields_of(r.type, doc)
        wrong = {k: (got[k], v) for k, v in expected.items() if got[k] != v}
        if wrong:
            self.problem(f"{method} {r.type} {r.id}: answered other values: {wrong}")
        r.doc = doc
        r.mods += 1
        r.cycle_ops.append(method)
        self.count("acked_scim")

    def scim_put(self, client, base, secret, r, tag):
        body = self.body_for(r.type, r.doc["userName"] if r.type == "Users" else "renamed " + tag, tag)
        if r.type == "Users":
            body["active"] = bool(int(tag.split("-")[1]) % 2)
        expected = expected_fields(r.type, body)
        r.pending = ("PUT", expected)
        status, headers, doc = client.call("PUT", f"{base}/{r.id}", secret, body, "application/scim+json")
        r.pending = None
        self.apply_ack(r, "PUT", status, headers, doc, expected)

    def scim_patch(self, client, base, secret, r, tag):
        if r.type == "Users":
            active = not r.doc.get("active", True)
            ops = [{"op": "replace", "path": "title", "value": "patched " + tag},
                   {"op": "replace", "path": "name.givenName", "value": "P" + tag},
                   {"op": "replace", "path": "active", "value": active}]
            expected = {"title": "patched " + tag, "name.givenName": "P" + tag, "active": active}
        else:
            members = sorted([m["value"] for m in r.doc.get("members", [])] + ["p-" + tag])
            ops = [{"op": "replace", "path": "displayName", "value": "patched " + tag},
                   {"op": "add", "path": "members", "value": [{"value": "p-" + tag}]}]
            expected = {"displayName": "patched " + tag, "members": members}
        r.pending = ("PATCH", expected)
        status, headers, doc = client.call("PATCH", f"{base}/{r.id}", secret,
                                           {"schemas": [PATCH], "Operations": ops}, "application/scim+json")
        r.pending = None
        self.apply_ack(r, "PATCH", status, headers, doc, expected)

    def token_worker(self, kind, stop, rng):
        client = Client(self.server.port, self.record_secret)
        t = self.tokens[kind]
        api = f"/api/v1/provisioning/{kind}"
        scim_probe = t["base"] + "/ServiceProviderConfig"
        try:
            for i in range(TOKEN_OPS_PER_CYCLE):
                if stop.is_set():
                    return
                if rng.random() < 0.3:
                    body = {"token_lifetime_days": rng.randrange(30, 731),
                            "identity_provider": rng.choice(["entra", "okta", "other"])}
                    t["pending_settings"] = body
                    status, _, doc = client.call("PATCH", api, self.key, body)
                    t["pending_settings"] = None
                    if status != 200 or doc["token_policy"]["lifetime_days"] != body["token_lifetime_days"] \
                            or doc["identity_provider"] != body["identity_provider"]:
                        self.problem(f"PATCH {api}: {status} {doc}")
                        continue
                    t["settings"] = body
                    self.count("acked_settings")
                elif t["extra"] is None:
                    t["pending_issue"] = True
                    status, _, doc = client.call("POST", api + "/tokens", self.key,
                                                 {"retire": "never", "description": f"extra {i}"})
                    t["pending_issue"] = False
                    if status != 201:
                        self.problem(f"POST {api}/tokens: {status} {doc}")
                        continue
                    t["extra"] = [doc["token"]["id"], doc["secret"], None]
                    t["cycle"]["issued"].append(doc["token"]["id"])
                    self.count("acked_token")
                    # An issued token is accepted at once.
                    status, _, _ = client.call("GET", scim_probe, doc["secret"])
                    if status != 200:
                        self.problem(f"a token just issued was answered {status}")
                else:
                    token_id, secret, _ = t["extra"]
                    t["extra"][2] = "revoke"
                    status, _, doc = client.call("DELETE", f"{api}/tokens/{token_id}?force=true", self.key)
                    if status != 200:
                        t["extra"][2] = None
                        self.problem(f"DELETE {api}/tokens/{token_id}: {status} {doc}")
                        continue
                    t["extra"] = None
                    t["revoked"].append((token_id, secret))
                    t["cycle"]["revoked"].append(token_id)
                    self.count("acked_token")
                    # A revoked token is refused at once.
                    status, _, _ = client.call("GET", scim_probe, secret)
                    if status != 401:
                        self.problem(f"a token just revoked was answered {status}")
        except Unanswered:
            self.count("unanswered")
        finally:
            client.close()

    # The checks

    def database(self):
        return sqlite3.connect(f"file:{self.server.db}?mode=ro", uri=True)

    def rows(self, sql):
        """The rows of a query (integers only inlined), from either store."""
        if pvtest.STORE == "postgresql":
            return [tuple(int(f) if f is not None and f.lstrip("-").isdigit() else f for f in row)
                    for row in pvtest.postgresql().query(self.server.db, sql)]
        db = self.database()
        try:
            return db.execute(sql).fetchall()
        finally:
            db.close()

    def check_database(self):
        """With the server dead: the database as SIGKILL left it."""
        if pvtest.STORE == "postgresql":
            return self.check_postgresql()
        db = self.database()
        try:
            self.assertEqual(db.execute("PRAGMA integrity_check").fetchall(), [("ok",)])
            self.assertEqual(db.execute("PRAGMA foreign_key_check").fetchall(), [])
            now = int(time.time())
            for kind, active in db.execute(
                    "SELECT kind, count(*) FROM tokens WHERE revoked_at IS NULL AND expires_at > ?1"
                    " AND (retires_at IS NULL OR retires_at > ?1) GROUP BY tenant_id, kind", (now,)):
                self.assertLessEqual(active, 2, f"{active} active tokens on {kind}")
            bad = db.execute("SELECT count(*) FROM scim_resources WHERE version < 1"
                             " OR modified_at < created_at").fetchone()[0]
            self.assertEqual(bad, 0)
            # the members' index says what the groups' members say, no more, no less
            index = set(db.execute("SELECT tenant_id, kind, group_id, member_id FROM scim_group_members"))
            members = set(db.execute(
                "SELECT r.tenant_id, r.kind, r.id, json_extract (m.value, '$.value')"
                " FROM scim_resources r, json_each (r.attributes, '$.members') m"
                " WHERE r.type = 'Group' AND json_type (m.value, '$.value') = 'text'"))
            self.assertEqual(index, members)
            self.count("membership_rows", len(index))
        finally:
            db.close()

    def check_postgresql(self):
        """What check_database() checks but SQLite's own checks: PostgreSQL
        enforces the foreign keys itself."""
        now = int(time.time())
        for kind, active in self.rows(
                "SELECT kind, count(*) FROM tokens WHERE revoked_at IS NULL AND expires_at > %d"
                " AND (retires_at IS NULL OR retires_at > %d) GROUP BY tenant_id, kind" % (now, now)):
            self.assertLessEqual(active, 2, f"{active} active tokens on {kind}")
        self.assertEqual(self.rows("SELECT count(*) FROM scim_resources WHERE version < 1"
                                   " OR modified_at < created_at"), [(0,)])
        index = set(self.rows("SELECT tenant_id, kind, group_id, member_id FROM scim_group_members"))
        members = set(self.rows(
            "SELECT r.tenant_id, r.kind, r.id, m->>'value' FROM scim_resources r,"
            " jsonb_array_elements (CASE WHEN jsonb_typeof (r.attributes::jsonb->'members') = 'array'"
            "   THEN r.attributes::jsonb->'members' ELSE '[]' END) m"
            " WHERE r.type = 'Group' AND jsonb_typeof (m->'value') = 'string'"))
        self.assertEqual(index, members)
        self.count("membership_rows", len(index))

    def max_event_id(self):
        return self.rows("SELECT coalesce(max(id), 0) FROM events")[0][0]

    def list_all(self, kind, type_):
        t = self.tokens[kind]
        docs, start = {}, 1
        while True:
            r = self.server.scim("GET", t["base_url"], f"/{type_}?startIndex={start}&count=1000",
                                 t["stable"][1])
            self.assertEqual(r.status, 200, r.text)
            for d in r.json["Resources"]:
                docs[d["id"]] = d
            start += r.json["itemsPerPage"]
            if start > r.json["totalResults"] or not r.json["itemsPerPage"]:
                return docs

    def find_by_name(self, r):
        t = self.tokens[r.kind]
        attribute = "userName" if r.type == "Users" else "displayName"
        q = urllib.parse.quote(f'{attribute} eq "{r.name}"')
        found = self.server.scim("GET", t["base_url"], f"/{r.type}?filter={q}", t["stable"][1])
        self.assertEqual(found.status, 200, found.text)
        return found.json["Resources"]

    def resolve(self, r, doc):
        """Settles an unanswered request by what is there: all of it or none."""
        operation, expected = r.pending
        if operation == "POST":
            if doc is None:
                r.deleted = True
                self.count("unanswered_not_applied")
            else:
                self.assertEqual(fields_of(r.type, doc), expected, f"half a POST: {doc}")
                self.assertEqual(doc["meta"]["version"], 'W/"1"')
                r.id, r.doc = doc["id"], doc
                r.cycle_ops.append("POST")
                self.count("unanswered_applied")
        elif operation == "DELETE":
            if doc is None:
                r.deleted = True
                r.cycle_ops.append("DELETE")
                self.count("unanswered_applied")
            else:
                self.assertEqual(doc, r.doc, "a DELETE that got no answer changed the resource")
                self.count("unanswered_not_applied")
        else:
            self.assertIsNotNone(doc, f"{r.type} {r.id} gone after an unanswered {operation}")
            if doc == r.doc:
                self.count("unanswered_not_applied")
            else:
                got = fields_of(r.type, doc)
                wrong = {k: (got[k], v) for k, v in expected.items() if got[k] != v}
                self.assertEqual(wrong, {}, f"{r.type} {r.id}: half an {operation}")
                self.assertEqual(doc["meta"]["version"], f'W/"{r.mods + 2}"')
                r.doc = doc
                r.mods += 1
                r.cycle_ops.append(operation)
                self.count("unanswered_applied")
        r.pending = None

    def check_resources(self):
        for kind in ("users", "persons"):
            t = self.tokens[kind]
            for type_ in ("Users", "Groups"):
                docs = self.list_all(kind, type_)
                mine = [r for r in self.resources[kind] if r.type == type_]
                for r in mine:
                    if r.pending is not None:
                        if r.pending[0] == "POST":
                            found = self.find_by_name(r)
                            self.assertLessEqual(len(found), 1)
                            self.resolve(r, found[0] if found else None)
                        else:
                            self.resolve(r, docs.get(r.id))
                    if r.deleted:
                        if r.id is not None:
                            self.assertNotIn(r.id, docs, f"{type_} {r.id} acknowledged as deleted is there")
                        continue
                    self.assertIn(r.id, docs, f"{type_} {r.id} acknowledged is missing")
                    # Exactly as acknowledged, meta included.
                    self.assertEqual(docs[r.id], r.doc)
                    self.assertEqual(r.doc["meta"]["version"], f'W/"{r.mods + 1}"')
                    self.assertEqual(r.doc["meta"]["location"], f"{t['base_url']}/{type_}/{r.id}")
                    self.assertLessEqual(r.doc["meta"]["created"], r.doc["meta"]["lastModified"])
                    self.count("checked_documents")
                # Nothing there that no one asked for.
                known = {r.id for r in mine if r.id is not None}
                self.assertEqual(set(docs) - known, set(), f"{type_} nobody created")
                # Those changed this cycle, one by one: the answer's ETag too.
                for r in mine:
                    if r.cycle_ops and not r.deleted:
                        got = self.server.scim("GET", t["base_url"], f"/{type_}/{r.id}", t["stable"][1])
                        self.assertEqual(got.status, 200)
                        self.assertEqual(got.json, r.doc)
                        self.assertEqual(got.header("ETag"), r.doc["meta"]["version"])
                        self.count("checked_gets")

    def check_tokens(self):
        for kind in ("users", "persons"):
            t = self.tokens[kind]
            conn = self.connection(kind)
            active = {tok["id"] for tok in conn["tokens"]}
            self.assertLessEqual(len(active), 2)
            self.assertEqual(conn["counts"]["active_tokens"], len(active))
            probe = "/ServiceProviderConfig"
            self.assertIn(t["stable"][0], active)
            self.assertEqual(self.server.scim("GET", t["base_url"], probe, t["stable"][1]).status, 200)
            if t["extra"] is not None:
                token_id, secret, pending = t["extra"]
                if pending == "revoke" and token_id not in active:
                    t["revoked"].append((token_id, secret))
                    t["cycle"]["revoked"].append(token_id)
                    t["extra"] = None
                    self.count("unanswered_applied")
                else:
                    if pending == "revoke":
                        self.count("unanswered_not_applied")
                    self.assertIn(token_id, active)
                    self.assertEqual(self.server.scim("GET", t["base_url"], probe, secret).status, 200)
                    t["extra"][2] = None
            for token_id, secret in t["revoked"][-20:]:
                self.assertNotIn(token_id, active)
                self.assertEqual(self.server.scim("GET", t["base_url"], probe, secret).status, 401)
            unknown = active - {t["stable"][0]} - ({t["extra"][0]} if t["extra"] else set())
            if t["pending_issue"]:
                # Issued without an answer: it may be there; its secret is
                # lost, so it goes.
                self.assertLessEqual(len(unknown), 1)
                for token_id in unknown:
                    r = self.server.request("DELETE", f"/api/v1/provisioning/{kind}/tokens/{token_id}?force=true",
                                            key=self.key)
                    self.assertEqual(r.status, 200, r.text)
                    t["cycle"]["revoked"].append(token_id)
                t["cycle"]["issued"] += list(unknown)
                self.count("unanswered_applied" if unknown else "unanswered_not_applied")
                t["pending_issue"] = False
            else:
                self.assertEqual(unknown, set(), "tokens nobody issued")
            policy = {"token_lifetime_days": conn["token_policy"]["lifetime_days"],
                      "identity_provider": conn["identity_provider"]}
            if t["pending_settings"] is not None:
                self.assertIn(policy, (t["settings"], t["pending_settings"]), "half a settings change")
                self.count("unanswered_applied" if policy == t["pending_settings"] != t["settings"]
                           else "unanswered_not_applied")
                t["settings"], t["pending_settings"] = policy, None
            self.assertEqual(policy, t["settings"])
            self.count("checked_tokens")

    def check_events(self, since):
        """Every change this cycle has its one event, and no event lacks a change."""
        rows = self.rows("SELECT kind, type, operation, status, token_id FROM events WHERE id > %d"
                         % int(since))
        for kind in ("users", "persons"):
            expected, found = {}, {}
            for r in self.resources[kind]:
                for op in r.cycle_ops:
                    key = (op, r.type) if op == "POST" else (op, f"{r.type}/{r.id}")
                    expected[key] = expected.get(key, 0) + 1
                r.cycle_ops = []
            for k, type_, operation, status, _ in rows:
                if k != kind or type_ != "scim":
                    continue
                self.assertTrue(200 <= status < 300, f"a failed SCIM write: {operation} {status}")
                method, _, path = operation.partition(" /")
                key = (method, path)
                found[key] = found.get(key, 0) + 1
            self.assertEqual(found, expected, f"{kind}: SCIM events against the changes acknowledged")
            t = self.tokens[kind]
            issued = sorted(tok for k, type_, _, _, tok in rows if k == kind and type_ == "token.issued")
            revoked = sorted(tok for k, type_, _, _, tok in rows if k == kind and type_ == "token.revoked")
            self.assertEqual(issued, sorted(t["cycle"]["issued"]), f"{kind}: token.issued events")
            self.assertEqual(revoked, sorted(t["cycle"]["revoked"]), f"{kind}: token.revoked events")
            t["cycle"] = {"issued": [], "revoked": []}
            self.count("checked_events", len(rows))

    def restart(self):
        """On the same port, which someone else may just have been given."""
        for attempt in range(10):
            try:
                self.server.start()
                return
            except AssertionError as e:
                if "Cannot listen" not in str(e) or attempt == 9:
                    raise
                time.sleep(0.5)

    def test_sigkill_under_load(self):
        print(f"crash safety: seed {SEED}, up to {KILLS} kills in {BUDGET:.0f} s")
        self.server.stop()
        self.server.start()          # from here on, the same port every time
        since = self.max_event_id()
        start = time.monotonic()
        kills = 0
        while kills < KILLS and (kills < MIN_KILLS or time.monotonic() - start < BUDGET):
            stop = threading.Event()
            threads = [threading.Thread(target=self.token_worker,
                                        args=(kind, stop, random.Random(self.rng.random())))
                       for kind in ("users", "persons")]
            threads += [threading.Thread(target=self.scim_worker,
                                         args=(kind, type_, f"{kills}{type_[0]}", stop,
                                               random.Random(self.rng.random())))
                        for kind in ("users", "persons") for type_ in ("Users", "Groups")]
            for th in threads:
                th.start()
            if pvtest.STORE == "postgresql" and kills % 2 == 1:
                # PostgreSQL crashes and comes back under the load.
                time.sleep(self.rng.uniform(0.1, 0.6))
                pvtest.postgresql().stop("immediate")
                time.sleep(self.rng.uniform(0.1, 0.5))
                pvtest.postgresql().start()
                self.count("database_restarts")
            time.sleep(self.rng.uniform(0.2, 1.2))
            self.server.stop(signal.SIGKILL)
            kills += 1
            stop.set()
            for th in threads:
                th.join(timeout=60)
                self.assertFalse(th.is_alive())
            self.assertEqual(self.problems, [])
            self.check_database()
            self.restart()
            self.check_resources()
            self.check_tokens()
            self.check_events(since)
            since = self.max_event_id()

        elapsed = time.monotonic() - start
        self.server.stop()
        self.server.start()
        self.check_resources()
        self.check_tokens()
        s = self.stats
        print(f"crash safety: {kills} SIGKILLs survived in {elapsed:.1f} s; acknowledged and then found as "
              f"acknowledged: {s['acked_scim']} SCIM writes, {s['acked_token']} token issues and revocations, "
              f"{s['acked_settings']} connection settings; {s['unanswered']} requests cut off by a kill "
              f"({s['unanswered_applied']} found applied whole, {s['unanswered_not_applied']} not applied); "
              f"{s['checked_documents']} documents compared, {s['checked_gets']} GETs with their ETag, "
              f"{s['checked_events']} events matched, {s['checked_tokens']} token checks; "
              f"{s['membership_rows']} group members' index rows matched the groups; "
              f"{s['database_restarts']} PostgreSQL crashes and restarts under the load")
        self.assertGreaterEqual(kills, MIN_KILLS)
        self.assertGreater(s["acked_scim"], kills)


if __name__ == "__main__":
    unittest.main(verbosity=2)
