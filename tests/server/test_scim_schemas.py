#!/usr/bin/python3
# provisiod's SCIM endpoint held to the schemas it serves: everything here is
# derived from its own /Schemas and /ResourceTypes, for every attribute of
# every resource type (sub-attributes and extensions included), then random
# valid and invalid resources generated from the same schemas.
#
# Copyright 2026 The Provisio authors
# SPDX-License-Identifier: GPL-3.0-or-later

import base64
import json
import os
import random
import time
import unittest
import urllib.parse

# Hundreds of requests: provisiod's log is read as it comes (pvstress).
from pvstress import StressTest

PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
SEARCH = "urn:ietf:params:scim:api:messages:2.0:SearchRequest"
ERROR = "urn:ietf:params:scim:api:messages:2.0:Error"
LIST = "urn:ietf:params:scim:api:messages:2.0:ListResponse"

# RFC 7643 §3.1: in every resource, in no schema
COMMON = {"id", "externalId", "meta", "schemas"}
SCALARS = {"string": str, "boolean": bool, "reference": str, "binary": str, "dateTime": str,
           "integer": int, "decimal": (int, float)}

# The random loop: a fixed seed, bounded in time (PROPERTY_SECONDS).
SEED = 7643
SECONDS = float(os.environ.get("PROPERTY_SECONDS", "10"))


def q(text):
    return urllib.parse.quote(text)


def writable(definition):
    return definition["mutability"] != "readOnly"


def returned(definition):
    return definition["returned"] in ("always", "default")


class Schemas:
    """The schemas as provisiod serves them."""

    def __init__(self, schemas, types):
        self.schemas = {s["id"]: s for s in schemas}
        self.types = {t["name"]: t for t in types}

    def core(self, rtype):
        return self.types[rtype]["schema"]

    def extensions(self, rtype):
        return [e["schema"] for e in self.types[rtype].get("schemaExtensions", [])]

    def attributes(self, rtype):
        """(extension URN or None, definition) of every top-level attribute."""
        for a in self.schemas[self.core(rtype)]["attributes"]:
            yield None, a
        for urn in self.extensions(rtype):
            for a in self.schemas[urn]["attributes"]:
                yield urn, a

    @staticmethod
    def path(urn, name, sub=None):
        text = f"{urn}:{name}" if urn else name
        return f"{text}.{sub}" if sub else text


class Values:
    """Values that a definition allows, and some it does not."""

    def __init__(self, rnd):
        self.rnd = rnd
        self.n = 0

    def scalar(self, d, tag):
        self.n += 1
        t = d["type"]
        if d.get("canonicalValues"):
            return self.rnd.choice(d["canonicalValues"])
        if t == "boolean":
            return self.rnd.choice([True, False])
        if t == "integer":
            return self.rnd.randrange(10 ** 6)
        if t == "decimal":
            return self.rnd.randrange(10 ** 6) / 4
        if t == "dateTime":
            return f"2026-0{self.rnd.randrange(1, 10)}-1{self.rnd.randrange(10)}T12:34:56Z"
        if t == "binary":
            return base64.b64encode(self.rnd.randbytes(12)).decode()
        if t == "reference":
            return f"https://example.com/{tag}/{self.n}"
        # mixed case and a character beyond ASCII, so that case rules matter
        return f"{tag}-Val{self.n}-{self.rnd.choice('xyzéß')}"

    def value(self, d, tag, full=True):
        """A value of d: complex ones with their writable sub-attributes (all, or some)."""
        if d["type"] == "complex":
            def one(primary):
                subs = [s for s in d["subAttributes"] if writable(s)]
                if not full:
                    subs = [s for s in subs if self.rnd.random() < 0.6] or subs[:1]
                v = {s["name"]: self.scalar(s, f"{tag}.{s['name']}") for s in subs}
                if "primary" in v:
                    v["primary"] = primary
                return v
            if d["multiValued"]:
                return [one(i == 0) for i in range(self.rnd.randrange(1, 3) if not full else 2)]
            return one(True)
        if d["multiValued"]:
            return [self.scalar(d, tag) for _ in range(2)]
        return self.scalar(d, tag)

    def wrong(self, d):
        """A value of the wrong type for d."""
        if d["multiValued"]:
            return self.rnd.choice([{"value": "x"}, "x", [7] if d["type"] != "integer" else ["x"]])
        if d["type"] == "complex":
            return self.rnd.choice(["x", 7, ["x"], [{"a": 1}]])
        if d["type"] == "boolean":
            return self.rnd.choice(["maybe", 1, ["x"], {"a": 1}])
        if d["type"] in ("integer", "decimal"):
            return self.rnd.choice(["x", True, {"a": 1}])
        return self.rnd.choice([7, True, ["x"], {"a": 1}, 1.5])


class SchemaDriven(StressTest):

    def setUp(self):
        super().setUp()
        issued = self.issue(description="schema-driven test")
        self.base, self.secret = issued["scim_base_url"], issued["secret"]
        self.schemas = Schemas(self.call("GET", "/Schemas").json["Resources"],
                               self.call("GET", "/ResourceTypes").json["Resources"])
        self.values = Values(random.Random(SEED))

    # HTTP
    def call(self, method, resource, body=None, raw=None):
        path = urllib.parse.urlsplit(self.base).path + resource
        r = self.server.request(method, path, key=self.secret, body=body, raw=raw,
                                content_type="application/scim+json", validate=False)
        if r.status >= 400:
            self.assertIsInstance(r.json, dict, r.text)
            self.assertEqual((r.json.get("schemas"), r.json.get("status")), ([ERROR], str(r.status)), r.text)
            self.assertTrue(r.json.get("detail"), r.text)
            self.assertLess(r.status, 500, r.text)
        return r

    def endpoint(self, rtype):
        return self.schemas.types[rtype]["endpoint"]

    def patch(self, rtype, rid, *operations):
        return self.call("PATCH", f"{self.endpoint(rtype)}/{rid}", {"schemas": [PATCH], "Operations": list(operations)})

    def assertScimError(self, r, status, scim_type, context=None):
        self.assertEqual(r.status, status, (context, r.text))
        self.assertEqual(r.json.get("scimType"), scim_type, (context, r.text))

    # What every answer must be
    def check_value(self, d, value, where):
        if d["multiValued"]:
            self.assertIsInstance(value, list, where)
            for v in value:
                self.check_single(d, v, where)
            if d["type"] == "complex":
                self.assertLessEqual(sum(1 for v in value if v.get("primary") is True), 1, where)
        else:
            self.check_single(d, value, where)

    def check_single(self, d, value, where):
        if d["type"] != "complex":
            self.assertIsInstance(value, SCALARS[d["type"]], where)
            if d["type"] in ("string", "reference", "binary"):
                self.assertNotIn("\0", value, where)
            return
        self.assertIsInstance(value, dict, where)
        subs = {s["name"]: s for s in d["subAttributes"]}
        for name, v in value.items():
            self.assertIn(name, subs, f"{where}.{name} is declared by no schema")
            self.assertTrue(returned(subs[name]), f"{where}.{name} is returned: {subs[name]['returned']}")
            self.check_value(subs[name], v, f"{where}.{name}")

    def check_resource(self, rtype, resource):
        """The answer validates against the schemas, with no member they do not declare."""
        core = self.schemas.core(rtype)
        extensions = self.schemas.extensions(rtype)
        declared = {a["name"]: a for urn, a in self.schemas.attributes(rtype) if urn is None}
        self.assertIsInstance(resource.get("id"), str)
        self.assertTrue(resource["id"])
        for name, value in resource.items():
            if name in COMMON:
                continue
            if name in extensions:
                self.assertIsInstance(value, dict, name)
                ext = {a["name"]: a for a in self.schemas.schemas[name]["attributes"]}
                for n, v in value.items():
                    self.assertIn(n, ext, f"{name}:{n} is declared by no schema")
                    self.assertTrue(returned(ext[n]), f"{name}:{n} is returned: {ext[n]['returned']}")
                    self.check_value(ext[n], v, f"{name}:{n}")
                continue
            self.assertIn(name, declared, f"{rtype}: “{name}” is declared by no schema")
            self.assertTrue(returned(declared[name]), f"{name} is returned: {declared[name]['returned']}")
            self.check_value(declared[name], value, name)
        # the resource's schemas: the core one and its extensions, all of
        # them even where attributes= or excludedAttributes= left one out
        self.assertEqual(resource["schemas"][0], core)
        self.assertLessEqual(set(resource["schemas"]), {core} | set(extensions))
        self.assertLessEqual({e for e in extensions if e in resource}, set(resource["schemas"]))
        if "meta" in resource:
            meta = resource["meta"]
            self.assertEqual(meta["resourceType"], rtype)
            self.assertEqual(meta["location"], f"{self.base}{self.endpoint(rtype)}/{resource['id']}")
            for key in ("created", "lastModified", "version"):
                self.assertIsInstance(meta[key], str)
        if "externalId" in resource:
            self.assertIsInstance(resource["externalId"], str)

    def check_list(self, rtype, r):
        self.assertEqual(r.status, 200, r.text)
        self.assertEqual(r.json["schemas"], [LIST])
        for resource in r.json["Resources"]:
            self.check_resource(rtype, resource)
        return r.json["Resources"]

    # Building resources from the schemas
    def full_resource(self, rtype, tag):
        body = {"schemas": [self.schemas.core(rtype)] + self.schemas.extensions(rtype)}
        for urn, a in self.schemas.attributes(rtype):
            if not writable(a):
                continue
            value = self.values.value(a, f"{tag}.{a['name']}")
            (body.setdefault(urn, {}) if urn else body)[a["name"]] = value
        return body

    @staticmethod
    def kept(a, value):
        """What an answer holds of value: its writable, returned sub-attributes."""
        if a["type"] != "complex":
            return value
        subs = {s["name"] for s in a["subAttributes"] if writable(s) and returned(s)}
        one = lambda v: {k: x for k, x in v.items() if k in subs}
        return [one(v) for v in value] if a["multiValued"] else one(value)

    @classmethod
    def expected(cls, rtype_attributes, body):
        """What an answer holds of body: returned attributes, as sent."""
        out = {}
        for urn, a in rtype_attributes:
            source = body.get(urn, {}) if urn else body
            if a["name"] in source and returned(a) and writable(a):
                (out.setdefault(urn, {}) if urn else out)[a["name"]] = cls.kept(a, source[a["name"]])
        return out

    def assertHolds(self, rtype, resource, body):
        for key, value in self.expected(list(self.schemas.attributes(rtype)), body).items():
            self.assertEqual(resource.get(key), value, key)

    def create(self, rtype, body):
        r = self.call("POST", self.endpoint(rtype), body)
        self.assertEqual(r.status, 201, r.text)
        self.check_resource(rtype, r.json)
        return r.json

    def membership(self, group):
        """A user's value of groups for a group it is a member of (RFC 7643 §4.1.2)."""
        return {"value": group["id"], "$ref": f"{self.base}{self.endpoint('Group')}/{group['id']}",
                "display": group["displayName"], "type": "direct"}

    def computed(self, rtype, rid):
        """The readOnly attributes the server computes, made to hold a value:
        a user's groups, from the Group resources' members."""
        if rtype != "User":
            return {}
        body = self.full_resource("Group", "container")
        body["members"] = [{"value": rid, "type": "User"}]
        return {"groups": [self.membership(self.create("Group", body))]}

    def get(self, rtype, rid, query=""):
        r = self.call("GET", f"{self.endpoint(rtype)}/{rid}{query}")
        self.assertEqual(r.status, 200, r.text)
        self.check_resource(rtype, r.json)
        return r.json

    def leaves(self, rtype, resource):
        """(path, definition, a value resource holds there) for each scalar it holds."""
        for urn, a in self.schemas.attributes(rtype):
            source = resource.get(urn, {}) if urn else resource
            if a["name"] not in source:
                continue
            value = source[a["name"]]
            if a["type"] != "complex":
                for v in (value if a["multiValued"] else [value]):
                    yield Schemas.path(urn, a["name"]), a, v
                continue
            subs = {s["name"]: s for s in a["subAttributes"]}
            for element in (value if a["multiValued"] else [value]):
                for name, v in element.items():
                    yield Schemas.path(urn, a["name"], name), subs[name], v

    # Every attribute of every resource type
    def test_every_attribute(self):
        for rtype in self.schemas.types:
            with self.subTest(resource_type=rtype):
                self.exercise(rtype)

    def exercise(self, rtype):
        ep = self.endpoint(rtype)
        body = self.full_resource(rtype, rtype.lower())
        # readOnly attributes sent are ignored (RFC 7644 §3.3), as are
        # sub-attributes and members no schema declares
        for urn, a in self.schemas.attributes(rtype):
            target = body.setdefault(urn, {}) if urn else body
            if not writable(a):
                target[a["name"]] = self.values.value(dict(a, mutability="readWrite"), "ro")
            elif a["type"] == "complex":
                for s in a["subAttributes"]:
                    if not writable(s):
                        for element in (target[a["name"]] if a["multiValued"] else [target[a["name"]]]):
                            element[s["name"]] = "set by the client"
        body["undeclaredAttr"] = "x"
        created = self.create(rtype, body)
        rid = created["id"]
        self.assertHolds(rtype, created, {k: v for k, v in body.items()})
        for path, d, v in self.leaves(rtype, created):
            self.assertTrue(writable(d), f"{path}: readOnly value sent by the client was kept")
        other = self.create(rtype, self.full_resource(rtype, "other"))
        # read back: what was created, and what the server computes
        computed = self.computed(rtype, rid)
        stored = self.get(rtype, rid)
        self.assertEqual({k: v for k, v in stored.items() if k != "meta" and k not in computed},
                         {k: v for k, v in created.items() if k != "meta"})
        for name, value in computed.items():
            self.assertEqual(stored.get(name), value, name)

        # required: refused without; uniqueness; writeOnly never returned
        for urn, a in self.schemas.attributes(rtype):
            path = Schemas.path(urn, a["name"])
            if a["required"]:
                lacking = json.loads(json.dumps(body))
                (lacking[urn] if urn else lacking).pop(a["name"])
                self.assertScimError(self.call("POST", ep, lacking), 400, "invalidValue", path)
            if not returned(a):
                self.assertNotIn(a["name"], json.dumps(stored))
                r = self.call("GET", f"{ep}/{rid}?attributes={q(path)}")
                self.assertNotIn(a["name"], r.json)
            if a["uniqueness"] in ("server", "global") and a["type"] == "string":
                again = self.full_resource(rtype, "again")
                value = (body[urn] if urn else body)[a["name"]]
                (again[urn] if urn else again)[a["name"]] = value if a["caseExact"] else value.swapcase()
                self.assertScimError(self.call("POST", ep, again), 409, "uniqueness", path)
            elif a["uniqueness"] == "none" and a["type"] == "string" and not a["multiValued"] and writable(a):
                again = self.full_resource(rtype, "again")
                (again[urn] if urn else again)[a["name"]] = (body[urn] if urn else body)[a["name"]]
                self.assertEqual(self.call("POST", ep, again).status, 201, path)

        # filters: eq, the case rule, pr; and what no longer matches
        leaves = list(self.leaves(rtype, stored))
        for path, d, v in leaves:
            if d["type"] == "complex" or not returned(d):
                continue
            hits = lambda text: {u["id"] for u in self.check_list(rtype, self.call("GET", f"{ep}?filter={q(text)}&count=1000"))}
            self.assertIn(rid, hits(f"{path} eq {json.dumps(v)}"), path)
            self.assertIn(rid, hits(f"{path} pr"), path)
            self.assertNotIn(rid, hits(f"{path} eq {json.dumps('no such value')}"), path)
            if isinstance(v, str) and v.swapcase() != v:
                folded = hits(f"{path} eq {json.dumps(v.swapcase())}")
                (self.assertNotIn if d["caseExact"] else self.assertIn)(rid, folded, f"{path}: caseExact {d['caseExact']}")
            if isinstance(v, str) and len(v) > 2:
                self.assertIn(rid, hits(f"{path} sw {json.dumps(v[:2])}"), path)
            # gt, ge, lt, le order strings and numbers; on booleans and
            # binary values they are an invalidFilter (RFC 7644 §3.4.2.2)
            for op in ("gt", "ge", "lt", "le"):
                r = self.call("GET", f"{ep}?filter={q(f'{path} {op} {json.dumps(v)}')}")
                if d["type"] in ("boolean", "binary"):
                    self.assertScimError(r, 400, "invalidFilter", (path, op))
                    continue
                ids = {u["id"] for u in self.check_list(rtype, r)}
                if [p for p, _, _ in leaves].count(path) == 1:
                    # the only value there: equal, so ge and le hold, gt and lt do not
                    (self.assertIn if op in ("ge", "le") else self.assertNotIn)(rid, ids, (path, op))

        # the common attributes (RFC 7643 §3.1): id and externalId compare
        # with case; a remove needs a path
        r = self.patch(rtype, rid, {"op": "add", "path": "externalId", "value": "Ext-Id-7"})
        self.assertEqual(r.status, 200, r.text)
        hits = lambda text: {u["id"] for u in self.check_list(rtype, self.call("GET", f"{ep}?filter={q(text)}"))}
        self.assertEqual(hits('externalId eq "Ext-Id-7"'), {rid})
        self.assertEqual(hits('externalId eq "ext-id-7"'), set())
        self.assertEqual(hits(f'id eq "{rid}"'), {rid})
        self.assertEqual(hits(f'id eq "{rid.upper()}"'), set())
        for path in ("id", "meta", "schemas", "meta.version"):
            self.assertScimError(self.patch(rtype, rid, {"op": "replace", "path": path, "value": "x"}),
                                 400, "mutability", path)
        self.assertScimError(self.patch(rtype, rid, {"op": "remove"}), 400, "noTarget")

        # attributes and excludedAttributes, in GET and in .search
        for urn, a in self.schemas.attributes(rtype):
            holder = (lambda r: r.get(urn, {})) if urn else (lambda r: {k: v for k, v in r.items() if k not in COMMON})
            if not returned(a) or a["name"] not in holder(stored):
                continue
            path = Schemas.path(urn, a["name"])
            only = self.get(rtype, rid, f"?attributes={q(path)}")
            self.assertEqual(set(only) - {"id", "schemas"}, {urn or a["name"]}, path)
            self.assertEqual(holder(only), {a["name"]: holder(stored)[a["name"]]}, path)
            excluded = self.get(rtype, rid, f"?excludedAttributes={q(path)}")
            self.assertNotIn(a["name"], holder(excluded), path)
            self.assertIn("userName" if rtype == "User" else "displayName", excluded if a["name"] not in ("userName", "displayName") else stored)
            for endpoint in (f"{ep}/.search", "/.search"):
                r = self.call("POST", endpoint, {"schemas": [SEARCH], "filter": f'id eq "{rid}"',
                                                 "attributes": [path]})
                (found,) = self.check_list(rtype, r)
                self.assertEqual(found, only, (endpoint, path))
                r = self.call("POST", endpoint, {"schemas": [SEARCH], "filter": f'id eq "{rid}"',
                                                 "excludedAttributes": [path]})
                (found,) = self.check_list(rtype, r)
                self.assertEqual({k: v for k, v in found.items() if k != "meta"},
                                 {k: v for k, v in excluded.items() if k != "meta"}, (endpoint, path))
            for s in a.get("subAttributes", []):
                if not returned(s) or a["name"] not in holder(stored):
                    continue
                sub_path = Schemas.path(urn, a["name"], s["name"])
                values = holder(stored)[a["name"]]
                only = self.get(rtype, rid, f"?attributes={q(sub_path)}")
                excluded = self.get(rtype, rid, f"?excludedAttributes={q(sub_path)}")
                for element in (holder(only).get(a["name"], []) if a["multiValued"] else [holder(only).get(a["name"], {})]):
                    self.assertLessEqual(set(element), {s["name"]}, sub_path)
                for element in (holder(excluded).get(a["name"], []) if a["multiValued"] else [holder(excluded).get(a["name"], {})]):
                    self.assertNotIn(s["name"], element, sub_path)
                self.assertTrue(values)

        # replace, add and remove: by path and without one
        current = stored
        for urn, a in self.schemas.attributes(rtype):
            path = Schemas.path(urn, a["name"])
            holder = (lambda r: r.get(urn, {})) if urn else (lambda r: r)
            wrap = (lambda v: {urn: v}) if urn else (lambda v: v)
            if not writable(a):
                r = self.patch(rtype, rid, {"op": "replace", "path": path,
                                            "value": self.values.value(dict(a, mutability="readWrite"), "ro")})
                self.assertScimError(r, 400, "mutability", path)
                continue
            if a["mutability"] == "immutable":
                continue   # none at the top level in provisiod's schemas; sub-attributes below
            new = self.values.value(a, f"new.{a['name']}")
            r = self.patch(rtype, rid, {"op": "replace", "path": path, "value": new})
            self.assertEqual(r.status, 200, (path, r.text))
            self.check_resource(rtype, r.json)
            if returned(a):
                expected = {**holder(current)[a["name"]], **new} if a["type"] == "complex" and not a["multiValued"] else new
                self.assertEqual(holder(r.json)[a["name"]], expected, path)
                self.assertEqual(holder(self.get(rtype, rid))[a["name"]], expected, path)
            current = r.json
            newer = self.values.value(a, f"newer.{a['name']}")
            r = self.patch(rtype, rid, {"op": "replace", "value": wrap({a["name"]: newer})})
            self.assertEqual(r.status, 200, (path, r.text))
            self.check_resource(rtype, r.json)
            if returned(a) and not (a["type"] == "complex" and not a["multiValued"]):
                self.assertEqual(holder(r.json)[a["name"]], newer, path)
            if a["multiValued"]:
                before = holder(r.json)[a["name"]]
                added = self.values.value(a, f"added.{a['name']}")
                if a["type"] == "complex":
                    for element in added:
                        element.pop("primary", None)
                r = self.patch(rtype, rid, {"op": "add", "path": path, "value": added})
                self.assertEqual(r.status, 200, (path, r.text))
                self.assertEqual(holder(r.json)[a["name"]], before + added, path)
                more = self.values.value(a, f"more.{a['name']}")
                if a["type"] == "complex":
                    for element in more:
                        element.pop("primary", None)
                r = self.patch(rtype, rid, {"op": "add", "value": wrap({a["name"]: more})})
                self.assertEqual(r.status, 200, (path, r.text))
                self.assertEqual(holder(r.json)[a["name"]], before + added + more, path)
            current = r.json

            # the sub-attributes of a complex attribute
            # (a multi-valued attribute's values are found by their "value": it goes last)
            for s in sorted(a.get("subAttributes", []), key=lambda s: s["name"] == "value"):
                sub_path = Schemas.path(urn, a["name"], s["name"])
                value = self.values.scalar(s, f"sub.{s['name']}")
                if a["multiValued"] and "value" in {x["name"] for x in a["subAttributes"]} and s["name"] != "value":
                    first = holder(current)[a["name"]][0]
                    sub_path = f"{path}[value eq {json.dumps(first['value'])}].{s['name']}"
                if not writable(s):
                    r = self.patch(rtype, rid, {"op": "replace", "path": sub_path, "value": value})
                    self.assertScimError(r, 400, "mutability", sub_path)
                    continue
                if s["mutability"] == "immutable" and a["multiValued"]:
                    first = holder(current)[a["name"]][0]
                    if s["name"] in first and first[s["name"]] != value:
                        r = self.patch(rtype, rid, {"op": "replace", "value": value,
                                                    "path": f"{path}[value eq {json.dumps(first['value'])}].{s['name']}"})
                        self.assertScimError(r, 400, "mutability", sub_path)
                    continue
                if s["name"] == "primary":
                    value = True
                    if a["multiValued"] and "[" not in sub_path and len(holder(current)[a["name"]]) > 1:
                        # every value primary: RFC 7643 §2.4 allows one
                        r = self.patch(rtype, rid, {"op": "replace", "path": sub_path, "value": value})
                        self.assertScimError(r, 400, "invalidValue", sub_path)
                        continue
                r = self.patch(rtype, rid, {"op": "replace", "path": sub_path, "value": value})
                self.assertEqual(r.status, 200, (sub_path, r.text))
                self.check_resource(rtype, r.json)
                got = holder(r.json)[a["name"]]
                if returned(s):
                    element = got[0] if a["multiValued"] else got
                    self.assertEqual(element[s["name"]], value, sub_path)
                r = self.patch(rtype, rid, {"op": "remove", "path": sub_path})
                self.assertEqual(r.status, 200, (sub_path, r.text))
                got = holder(r.json).get(a["name"])
                element = (got[0] if got else {}) if a["multiValued"] else (got or {})
                self.assertNotIn(s["name"], element, sub_path)
                current = r.json

            r = self.patch(rtype, rid, {"op": "remove", "path": path})
            if a["required"]:
                self.assertScimError(r, 400, "invalidValue", path)
                continue
            self.assertEqual(r.status, 200, (path, r.text))
            self.check_resource(rtype, r.json)
            self.assertNotIn(a["name"], holder(r.json), path)
            self.assertNotIn(a["name"], holder(self.get(rtype, rid)), path)
            current = r.json

        # immutable: set at creation, never changed
        for urn, a in self.schemas.attributes(rtype):
            for s in a.get("subAttributes", []):
                if s["mutability"] != "immutable" or not a["multiValued"]:
                    continue
                path = Schemas.path(urn, a["name"])
                element = self.values.value(a, "imm")[0]
                r = self.patch(rtype, rid, {"op": "add", "path": path, "value": [element]})
                self.assertEqual(r.status, 200, r.text)
                key = element.get("value", element[s["name"]])
                r = self.patch(rtype, rid, {"op": "replace", "value": f"changed-{s['name']}",
                                            "path": f"{path}[value eq {json.dumps(key)}].{s['name']}"})
                self.assertScimError(r, 400, "mutability", f"{path}.{s['name']}")

        # wrong types, by POST, PUT and PATCH, name the attribute
        for urn, a in self.schemas.attributes(rtype):
            if not writable(a):
                continue
            path = Schemas.path(urn, a["name"])
            bad = json.loads(json.dumps(self.full_resource(rtype, "bad")))
            (bad[urn] if urn else bad)[a["name"]] = self.values.wrong(a)
            r = self.call("POST", ep, bad)
            self.assertScimError(r, 400, "invalidValue", (path, bad))
            self.assertIn(a["name"], r.json["detail"])
            r = self.call("PUT", f"{ep}/{other['id']}", bad)
            self.assertScimError(r, 400, "invalidValue", path)
            r = self.patch(rtype, other["id"], {"op": "replace", "path": path, "value": self.values.wrong(a)})
            self.assertScimError(r, 400, "invalidValue", path)
            for s in a.get("subAttributes", []):
                if not writable(s):
                    continue
                bad = self.full_resource(rtype, "bad")
                target = (bad[urn] if urn else bad)[a["name"]]
                (target[0] if a["multiValued"] else target)[s["name"]] = self.values.wrong(s)
                r = self.call("POST", ep, bad)
                self.assertScimError(r, 400, "invalidValue", f"{path}.{s['name']}")
        self.assertEqual(self.get(rtype, other["id"])["meta"]["version"], other["meta"]["version"])

    # Random resources from the schemas
    def test_random_resources(self):
        rnd = random.Random(SEED)
        values = Values(rnd)
        deadline = time.monotonic() + SECONDS
        counts = {"valid": 0, "invalid": 0, "patched": 0, "memberships": 0}
        types = sorted(self.schemas.types)
        # a model of what users there are and which groups have which
        # members: every user's groups are checked against it
        users, groups = set(), {}

        def remember(resource):
            if "userName" in resource:
                users.add(resource["id"])
            else:
                groups[resource["id"]] = (resource, {m["value"] for m in resource.get("members", []) if "value" in m})

        while time.monotonic() < deadline:
            rtype = rnd.choice(types)
            ep = self.endpoint(rtype)
            body = {"schemas": [self.schemas.core(rtype)]}
            for urn, a in self.schemas.attributes(rtype):
                if writable(a) and (a["required"] or rnd.random() < 0.5):
                    value = values.value(a, f"r{counts['valid']}", full=False)
                    (body.setdefault(urn, {}) if urn else body)[a["name"]] = value
            if rtype == "Group" and users and rnd.random() < 0.7:
                body["members"] = [{"value": u, "type": "User"}
                                   for u in rnd.sample(sorted(users), min(len(users), rnd.randrange(1, 4)))]
            # attribute names in any case (RFC 7643 §2.1), undeclared members dropped
            sent = json.loads(json.dumps(body))
            if rnd.random() < 0.3:
                key = rnd.choice([k for k in body if k != "schemas" and not k.startswith("urn:")])
                sent[key.upper()] = sent.pop(key)
            if rnd.random() < 0.3:
                sent[rnd.choice(["bogusAttr", "urn:example:foo:bar", "adreses"])] = {"x": 1}

            if rnd.random() < 0.4:
                # invalid: one attribute of the wrong type, a required one
                # missing, two primary values, or a NUL
                choices = [(urn, a) for urn, a in self.schemas.attributes(rtype) if writable(a)]
                urn, a = rnd.choice(choices)
                kind = rnd.choice(["type", "required", "primary", "nul"])
                invalid = json.loads(json.dumps(body))
                target = invalid.setdefault(urn, {}) if urn else invalid
                raw = None
                if kind == "required":
                    required = [(u, x) for u, x in self.schemas.attributes(rtype) if x["required"]]
                    u, x = rnd.choice(required)
                    (invalid[u] if u else invalid).pop(x["name"])
                elif kind == "primary" and any(s["name"] == "primary" for s in a.get("subAttributes", [])) and a["multiValued"]:
                    target[a["name"]] = [dict(e, primary=True) for e in values.value(a, "two")]
                elif kind == "nul":
                    name = "userName" if rtype == "User" else "displayName"
                    invalid[name] = "a\u0001NUL\u0001b"
                    raw = json.dumps(invalid).replace("\\u0001NUL\\u0001", "\\u0000").encode()
                else:
                    target[a["name"]] = values.wrong(a)
                total = self.call("GET", f"{ep}?count=0").json["totalResults"]
                r = self.call("POST", ep, None if raw else invalid, raw=raw)
                self.assertScimError(r, 400, "invalidValue", (kind, invalid))
                self.assertEqual(self.call("GET", f"{ep}?count=0").json["totalResults"], total)
                counts["invalid"] += 1
                continue

            r = self.call("POST", ep, sent)
            self.assertEqual(r.status, 201, (sent, r.text))
            self.check_resource(rtype, r.json)
            self.assertHolds(rtype, r.json, body)
            remember(r.json)
            counts["valid"] += 1

            # a random change by PATCH, checked the same way
            urn, a = rnd.choice([(u, x) for u, x in self.schemas.attributes(rtype) if writable(x) and not x["required"]])
            path = Schemas.path(urn, a["name"])
            op = rnd.choice(["add", "replace", "remove"])
            operation = {"op": op, "path": path}
            if op != "remove":
                operation["value"] = values.value(a, "p", full=False)
                if a["type"] == "complex" and a["multiValued"]:
                    for element in operation["value"]:
                        element.pop("primary", None)
            p = self.patch(rtype, r.json["id"], operation)
            self.assertEqual(p.status, 200, (operation, p.text))
            self.check_resource(rtype, p.json)
            holder = p.json.get(urn, {}) if urn else p.json
            if op == "remove":
                self.assertNotIn(a["name"], holder)
            elif returned(a) and op == "replace" and a["type"] != "complex":
                self.assertEqual(holder[a["name"]], operation["value"])
            remember(p.json)
            counts["patched"] += 1
            if rnd.random() < 0.5:
                self.assertEqual(self.call("DELETE", f"{ep}/{r.json['id']}").status, 204)
                # a user deleted leaves its groups
                users.discard(r.json["id"])
                groups.pop(r.json["id"], None)
                for _, members in groups.values():
                    members.discard(r.json["id"])
            if rnd.random() < 0.1:
                counts["memberships"] += self.check_memberships(users, groups)
        counts["memberships"] += self.check_memberships(users, groups)
        print(f"random resources (seed {SEED}, {SECONDS:g} s): {counts['valid']} valid, "
              f"{counts['invalid']} invalid, {counts['patched']} patched, "
              f"{counts['memberships']} memberships checked")
        self.assertGreater(counts["valid"], 10)
        self.assertGreater(counts["invalid"], 10)
        self.assertGreater(counts["memberships"], 10)

    def check_memberships(self, users, groups):
        """Every user's groups, in GET /Users, as the groups' members say."""
        listed, start = {}, 1
        while True:
            page = self.check_list("User", self.call("GET", f"/Users?startIndex={start}&count=1000"))
            listed.update((u["id"], u) for u in page)
            start += len(page)
            if not page:
                break
        self.assertEqual(set(listed) & users, users)
        n = 0
        for uid in users:
            expected = sorted((g["id"], g["displayName"]) for g, members in groups.values() if uid in members)
            got = listed[uid].get("groups", [])
            self.assertEqual(sorted((g["value"], g["display"]) for g in got), expected, uid)
            for g in got:
                self.assertEqual(g, self.membership(groups[g["value"]][0]))
            n += len(got)
        return n


if __name__ == "__main__":
    unittest.main(verbosity=2)
