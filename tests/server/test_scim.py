#!/usr/bin/python3
# The SCIM endpoint as Entra and Okta use it, and its error paths.
#
# Copyright 2026 The Provisio authors
# SPDX-License-Identifier: GPL-3.0-or-later

import json
import unittest
import urllib.parse

from pvtest import ServerTest, execute

USER = "urn:ietf:params:scim:schemas:core:2.0:User"
GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group"
ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
ERROR = "urn:ietf:params:scim:api:messages:2.0:Error"


def q(text):
    return urllib.parse.quote(text)


class Scim(ServerTest):

    def setUp(self):
        super().setUp()
        issued = self.issue(description="Entra app Users")
        self.base, self.secret = issued["scim_base_url"], issued["secret"]

    def call(self, method, resource, body=None, headers=None, secret=None, base=None):
        path = urllib.parse.urlsplit(base or self.base).path + resource
        h = {"User-Agent": "Azure AD SCIM client (tests)"}
        h.update(headers or {})
        return self.server.request(method, path, key=secret or self.secret, body=body, headers=h,
                                   content_type="application/scim+json", validate=False)

    def create_user(self, name, **extra):
        body = {"schemas": [USER], "userName": name, "active": True,
                "name": {"givenName": "Given", "familyName": name.split("@")[0]},
                "emails": [{"value": name, "type": "work", "primary": True}]}
        body.update(extra)
        r = self.call("POST", "/Users", body)
        self.assertEqual(r.status, 201, r.text)
        return r.json

    def assertScimError(self, r, status, scim_type=None):
        self.assertEqual(r.status, status, r.text)
        self.assertIn(ERROR, r.json["schemas"])
        self.assertEqual(r.json["status"], str(status))
        self.assertTrue(r.json["detail"])
        if scim_type:
            self.assertEqual(r.json.get("scimType"), scim_type)

    def test_create_read_and_meta(self):
        u = self.create_user("bjensen@example.com", externalId="e-1",
                             **{ENTERPRISE: {"employeeNumber": "701984", "manager": {"value": "m"}}})
        self.assertTrue(u["id"])
        self.assertEqual(u["meta"]["resourceType"], "User")
        self.assertEqual(u["meta"]["location"], f"{self.base}/Users/{u['id']}")
        self.assertEqual(u["meta"]["version"], 'W/"1"')
        self.assertIn(ENTERPRISE, u["schemas"])
        r = self.call("GET", f"/Users/{u['id']}")
        self.assertEqual(r.status, 200)
        self.assertEqual(r.header("Content-Type"), "application/scim+json")
        self.assertEqual(r.header("ETag"), 'W/"1"')
        self.assertEqual(r.json[ENTERPRISE]["employeeNumber"], "701984")
        self.assertNotIn("password", self.call("GET", f"/Users/{u['id']}").text)
        r = self.call("GET", f"/Users/{u['id']}", headers={"If-None-Match": 'W/"1"'})
        self.assertEqual(r.status, 304)

    def test_password_is_never_kept(self):
        u = self.create_user("p@example.com", password="Secret-Passw0rd!")
        self.assertNotIn("password", u)
        self.assertNotIn("Secret-Passw0rd!", self.call("GET", f"/Users/{u['id']}").text)

    def test_uniqueness_and_bad_bodies(self):
        self.create_user("dup@example.com")
        self.assertScimError(self.call("POST", "/Users", {"schemas": [USER], "userName": "DUP@example.com"}),
                             409, "uniqueness")
        for body in ({"schemas": [USER]}, {"schemas": [USER], "userName": ""},
                     {"schemas": [USER], "userName": 7}, {"schemas": [USER], "userName": "a", "active": "maybe"},
                     {"schemas": [USER], "userName": "a", "emails": "a@b"},
                     {"schemas": [USER], "userName": "a", "name": "Bob"},
                     {"schemas": "x", "userName": "a"}):
            self.assertScimError(self.call("POST", "/Users", body), 400, "invalidValue")
        for raw in (b"{", b"[]", b"{'userName': 'x'}"):
            path = urllib.parse.urlsplit(self.base).path + "/Users"
            r = self.server.request("POST", path, key=self.secret, raw=raw,
                                    content_type="application/scim+json", validate=False)
            self.assertScimError(r, 400, "invalidSyntax")
        self.assertScimError(self.call("GET", "/Users/nope"), 404)
        self.assertScimError(self.call("GET", "/Elephants"), 404)
        self.assertScimError(self.call("DELETE", "/Users"), 405)

    def test_filters_and_pages(self):
        for i in range(5):
            self.create_user(f"user{i}@example.com", title="Engineer" if i % 2 else "Manager")
        r = self.call("GET", "/Users?filter=" + q('userName eq "USER3@example.com"'))
        self.assertEqual(r.json["totalResults"], 1)
        self.assertEqual(r.json["Resources"][0]["userName"], "user3@example.com")
        r = self.call("GET", "/Users?filter=" + q('title eq "engineer" and emails[type eq "work"]'))
        self.assertEqual(r.json["totalResults"], 2)
        r = self.call("GET", "/Users?startIndex=2&count=2")
        self.assertEqual((r.json["totalResults"], r.json["itemsPerPage"], r.json["startIndex"]), (5, 2, 2))
        self.assertEqual([u["userName"] for u in r.json["Resources"]], ["user1@example.com", "user2@example.com"])
        r = self.call("GET", "/Users?filter=" + q('userName sw "user"') + "&startIndex=5&count=10")
        self.assertEqual((r.json["totalResults"], r.json["itemsPerPage"]), (5, 1))
        r = self.call("GET", "/Users?count=0")
        self.assertEqual((r.json["totalResults"], r.json["Resources"]), (5, []))
        r = self.call("GET", "/Users?attributes=userName&count=1")
        self.assertEqual(set(r.json["Resources"][0]), {"id", "schemas", "userName"})
        r = self.call("GET", "/Users?excludedAttributes=emails,name&count=1")
        self.assertNotIn("emails", r.json["Resources"][0])
        self.assertIn("userName", r.json["Resources"][0])
        for bad in ('userName eq', 'userName eq "x" and', 'nosuch op "x"', "(" * 40 + "title pr" + ")" * 40):
            self.assertScimError(self.call("GET", "/Users?filter=" + q(bad)), 400, "invalidFilter")
        self.assertScimError(self.call("GET", "/Users?count=many"), 400, "invalidValue")
        r = self.call("POST", "/Users/.search", {"schemas": ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],
                                                 "filter": 'title eq "Manager"', "count": 2})
        self.assertEqual((r.json["totalResults"], r.json["itemsPerPage"]), (3, 2))

    def test_entra_patches(self):
        u = self.create_user("omalley@example.com")
        ops = [{"op": "Replace", "path": "active", "value": "False"},
               {"op": "Replace", "value": {"name.givenName": "Ryan", "displayName": "Ryan O'Malley"}},
               {"op": "Add", "path": 'emails[type eq "home"].value', "value": "ryan@home.example"},
               {"op": "Replace", "path": ENTERPRISE + ":manager", "value": {"value": "boss"}}]
        r = self.call("PATCH", f"/Users/{u['id']}", {"schemas": [PATCH], "Operations": ops})
        self.assertEqual(r.status, 200, r.text)
        self.assertIs(r.json["active"], False)
        self.assertEqual(r.json["name"]["givenName"], "Ryan")
        self.assertEqual(r.json["displayName"], "Ryan O'Malley")
        self.assertIn({"type": "home", "value": "ryan@home.example"}, r.json["emails"])
        self.assertEqual(r.json[ENTERPRISE]["manager"]["value"], "boss")
        self.assertEqual(r.json["meta"]["version"], 'W/"2"')
        # deprovisioned users stay, inactive
        r = self.call("GET", "/Users?filter=" + q("active eq false"))
        self.assertEqual(r.json["totalResults"], 1)
        for bad_ops in ([], [{"op": "jump", "path": "title", "value": "x"}], [{"op": "remove"}],
                        [{"op": "replace", "path": "emails[type eq", "value": "x"}],
                        [{"op": "replace", "path": "id", "value": "new"}],
                        [{"op": "replace", "path": "active", "value": "perhaps"}],
                        [{"op": "replace", "path": "userName", "value": ""}]):
            r = self.call("PATCH", f"/Users/{u['id']}", {"schemas": [PATCH], "Operations": bad_ops})
            self.assertEqual(r.status, 400, (bad_ops, r.text))
            self.assertIn(r.json.get("scimType"), ("invalidSyntax", "invalidPath", "noTarget", "mutability",
                                                   "invalidValue"))
        self.assertEqual(self.call("GET", f"/Users/{u['id']}").json["meta"]["version"], 'W/"2"')

    def test_okta_put_and_deactivate(self):
        u = self.create_user("okta@example.com")
        replacement = dict(u, title="Pilot", active=False)
        replacement.pop("meta")
        r = self.call("PUT", f"/Users/{u['id']}", replacement)
        self.assertEqual(r.status, 200, r.text)
        self.assertEqual((r.json["title"], r.json["active"]), ("Pilot", False))
        r = self.call("PUT", f"/Users/{u['id']}", replacement, headers={"If-Match": 'W/"1"'})
        self.assertScimError(r, 412)
        r = self.call("PUT", f"/Users/{u['id']}", dict(replacement, userName="other@example.com"),
                      headers={"If-Match": 'W/"2"'})
        self.assertEqual(r.status, 200)
        self.assertEqual(self.call("GET", "/Users?filter=" + q('userName eq "okta@example.com"')).json["totalResults"], 0)

    def test_groups_and_members(self):
        a, b, c = (self.create_user(f"{n}@example.com")["id"] for n in "abc")
        r = self.call("POST", "/Groups", {"schemas": [GROUP], "displayName": "Engineers",
                                          "members": [{"value": a}, {"value": b}]})
        self.assertEqual(r.status, 201, r.text)
        g = r.json["id"]
        ops = [{"op": "Add", "path": "members", "value": [{"value": c}, {"value": a}]}]
        r = self.call("PATCH", f"/Groups/{g}", {"schemas": [PATCH], "Operations": ops})
        self.assertEqual([m["value"] for m in r.json["members"]], [a, b, c])
        ops = [{"op": "Remove", "path": f'members[value eq "{b}"]'}]
        r = self.call("PATCH", f"/Groups/{g}", {"schemas": [PATCH], "Operations": ops})
        self.assertEqual([m["value"] for m in r.json["members"]], [a, c])
        ops = [{"op": "Remove", "path": "members", "value": [{"value": a}]}]
        r = self.call("PATCH", f"/Groups/{g}", {"schemas": [PATCH], "Operations": ops})
        self.assertEqual([m["value"] for m in r.json["members"]], [c])
        r = self.call("GET", "/Groups?filter=" + q('displayName eq "engineers"'))
        self.assertEqual(r.json["totalResults"], 1)
        r = self.call("GET", f"/Groups?filter=" + q(f'members[value eq "{c}"]'))
        self.assertEqual(r.json["totalResults"], 1)
        self.assertEqual(self.call("DELETE", f"/Groups/{g}").status, 204)
        self.assertScimError(self.call("GET", f"/Groups/{g}"), 404)

    # A user's groups (RFC 7643 §4.1.2) come from the groups' members
    def groups_of(self, uid, query=""):
        r = self.call("GET", f"/Users/{uid}{query}")
        self.assertEqual(r.status, 200, r.text)
        # the same through a userName look-up, which reads them with the user
        name = self.call("GET", f"/Users/{uid}").json["userName"]
        found = self.call("GET", "/Users?filter=" + q(f'userName eq "{name}"') + query.replace("?", "&"))
        self.assertEqual(found.status, 200, found.text)
        self.assertEqual(found.json["Resources"][0].get("groups"), r.json.get("groups"))
        return r.json.get("groups")

    def membership(self, gid, name):
        return {"value": gid, "$ref": f"{self.base}/Groups/{gid}", "display": name, "type": "direct"}

    def test_user_groups(self):
        a, b, c = (self.create_user(f"{n}@example.com") for n in "abc")
        self.assertNotIn("groups", a)
        self.assertIsNone(self.groups_of(a["id"]))
        r = self.call("POST", "/Groups", {"schemas": [GROUP], "displayName": "Engineers",
                                          "members": [{"value": a["id"]}, {"value": b["id"]}]})
        self.assertEqual(r.status, 201, r.text)
        eng = r.json["id"]
        r = self.call("POST", "/Groups", {"schemas": [GROUP], "displayName": "Admins",
                                          "members": [{"value": a["id"], "type": "User"}]})
        adm = r.json["id"]
        # sorted by displayName
        self.assertEqual(self.groups_of(a["id"]), [self.membership(adm, "Admins"), self.membership(eng, "Engineers")])
        self.assertEqual(self.groups_of(b["id"]), [self.membership(eng, "Engineers")])
        self.assertIsNone(self.groups_of(c["id"]))

        # the user's version went up with its groups (RFC 7644 §3.14)
        r = self.call("GET", f"/Users/{a['id']}")
        self.assertEqual(r.json["meta"]["version"], 'W/"3"')
        self.assertEqual(r.header("ETag"), 'W/"3"')
        self.assertEqual(self.call("GET", f"/Users/{a['id']}", headers={"If-None-Match": 'W/"1"'}).status, 200)
        self.assertScimError(self.call("PUT", f"/Users/{a['id']}", {"schemas": [USER], "userName": "a@example.com"},
                                       headers={"If-Match": 'W/"1"'}), 412)
        self.assertEqual(self.call("GET", f"/Users/{c['id']}").json["meta"]["version"], 'W/"1"')

        # PATCH add and remove by value filter, and by a list of values (Entra);
        # lastModified moves on with the groups
        self.server.set_clock(offset=3600)
        ops = [{"op": "Add", "path": "members", "value": [{"value": c["id"]}]}]
        self.assertEqual(self.call("PATCH", f"/Groups/{eng}", {"schemas": [PATCH], "Operations": ops}).status, 200)
        r = self.call("GET", f"/Users/{c['id']}")
        self.assertEqual(r.json["groups"], [self.membership(eng, "Engineers")])
        self.assertEqual(r.json["meta"]["version"], 'W/"2"')
        self.assertGreater(r.json["meta"]["lastModified"], c["meta"]["lastModified"])
        ops = [{"op": "Remove", "path": f'members[value eq "{b["id"]}"]'}]
        self.assertEqual(self.call("PATCH", f"/Groups/{eng}", {"schemas": [PATCH], "Operations": ops}).status, 200)
        self.assertIsNone(self.groups_of(b["id"]))
        ops = [{"op": "Remove", "path": "members", "value": [{"value": c["id"]}]}]
        self.assertEqual(self.call("PATCH", f"/Groups/{eng}", {"schemas": [PATCH], "Operations": ops}).status, 200)
        self.assertIsNone(self.groups_of(c["id"]))

        # a renamed group is renamed in its members' groups; PUT replaces them
        version = self.call("GET", f"/Users/{a['id']}").json["meta"]["version"]
        ops = [{"op": "Replace", "path": "displayName", "value": "Builders"}]
        self.assertEqual(self.call("PATCH", f"/Groups/{eng}", {"schemas": [PATCH], "Operations": ops}).status, 200)
        r = self.call("GET", f"/Users/{a['id']}")
        self.assertEqual(r.json["groups"], [self.membership(adm, "Admins"), self.membership(eng, "Builders")])
        self.assertNotEqual(r.json["meta"]["version"], version)
        r = self.call("PUT", f"/Groups/{eng}", {"schemas": [GROUP], "displayName": "Builders",
                                               "members": [{"value": b["id"]}, {"value": c["id"]}]})
        self.assertEqual(r.status, 200, r.text)
        self.assertEqual(self.groups_of(a["id"]), [self.membership(adm, "Admins")])
        self.assertEqual(self.groups_of(b["id"]), [self.membership(eng, "Builders")])

        # readOnly: what a client sends is ignored, a PATCH path is refused
        r = self.call("PUT", f"/Users/{c['id']}", {"schemas": [USER], "userName": "c@example.com",
                                                  "groups": [{"value": adm}]})
        self.assertEqual(r.status, 200, r.text)
        self.assertEqual(r.json["groups"], [self.membership(eng, "Builders")])
        ops = [{"op": "add", "path": "groups", "value": [{"value": adm}]}]
        self.assertScimError(self.call("PATCH", f"/Users/{c['id']}", {"schemas": [PATCH], "Operations": ops}),
                             400, "mutability")
        ops = [{"op": "add", "value": {"groups": [{"value": adm}], "title": "Builder"}}]
        self.assertScimError(self.call("PATCH", f"/Users/{c['id']}", {"schemas": [PATCH], "Operations": ops}),
                             400, "mutability")
        self.assertEqual(self.groups_of(c["id"]), [self.membership(eng, "Builders")])

        # attributes and excludedAttributes
        self.assertIsNone(self.groups_of(b["id"], "?excludedAttributes=groups"))
        r = self.call("GET", f"/Users/{b['id']}?attributes=groups.display")
        self.assertEqual(r.json["groups"], [{"display": "Builders"}])
        self.assertNotIn("userName", r.json)
        r = self.call("GET", f"/Users/{b['id']}?attributes=userName")
        self.assertNotIn("groups", r.json)

        # in lists, .search and filters; groups.value eq goes through the index
        def ids(r):
            self.assertEqual(r.status, 200, r.text)
            return sorted(u["id"] for u in r.json["Resources"])
        page = self.call("GET", "/Users").json
        # a page reads its users with their groups: each user once, in creation order
        self.assertEqual([u["id"] for u in page["Resources"]], [a["id"], b["id"], c["id"]])
        self.assertEqual((page["totalResults"], page["itemsPerPage"]), (3, 3))
        page = self.call("GET", "/Users?startIndex=1&count=2").json
        self.assertEqual([u["id"] for u in page["Resources"]], [a["id"], b["id"]])
        self.assertEqual(page["Resources"][0]["groups"], [self.membership(adm, "Admins")])
        listed = {u["id"]: u for u in self.call("GET", "/Users").json["Resources"]}
        self.assertEqual(listed[b["id"]]["groups"], [self.membership(eng, "Builders")])
        self.assertEqual(listed[a["id"]]["groups"], [self.membership(adm, "Admins")])
        self.assertEqual(ids(self.call("GET", "/Users?filter=" + q(f'groups.value eq "{eng}"'))),
                         sorted([b["id"], c["id"]]))
        self.assertEqual(ids(self.call("GET", "/Users?filter=" + q(f'groups.value eq "{eng.upper()}"'))),
                         sorted([b["id"], c["id"]]))
        self.assertEqual(ids(self.call("GET", "/Users?filter=" + q(f'groups[value eq "{adm}"]'))), [a["id"]])
        self.assertEqual(ids(self.call("GET", "/Users?filter=" + q('groups.display eq "builders"'))),
                         sorted([b["id"], c["id"]]))
        self.assertEqual(ids(self.call("GET", "/Users?filter=" + q(f'{USER}:groups pr'))),
                         sorted([a["id"], b["id"], c["id"]]))
        self.assertEqual(ids(self.call("GET", "/Users?filter=" + q('not (groups pr)'))), [])
        self.assertEqual(ids(self.call("GET", "/Users?filter=" + q(f'userName eq "b@example.com" and groups.value eq "{adm}"'))), [])
        r = self.call("POST", "/Users/.search", {"schemas": ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],
                                                 "filter": 'userName eq "b@example.com"'})
        self.assertEqual(r.json["Resources"][0]["groups"], [self.membership(eng, "Builders")])
        r = self.call("POST", "/.search", {"schemas": ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],
                                           "filter": f'groups.value eq "{eng}"', "excludedAttributes": ["groups"]})
        self.assertEqual(r.json["totalResults"], 2)
        self.assertFalse([x for x in r.json["Resources"] if "groups" in x])

        # a group of another connection naming the same id is not the user's
        persons = self.issue("persons")
        r = self.call("POST", "/Groups", {"schemas": [GROUP], "displayName": "Elsewhere",
                                          "members": [{"value": a["id"]}]},
                      secret=persons["secret"], base=persons["scim_base_url"])
        self.assertEqual(r.status, 201, r.text)
        self.assertEqual(self.groups_of(a["id"]), [self.membership(adm, "Admins")])

        # a user deleted leaves its groups; a group deleted leaves its members
        self.assertEqual(self.call("DELETE", f"/Users/{b['id']}").status, 204)
        r = self.call("GET", f"/Groups/{eng}")
        self.assertEqual([m["value"] for m in r.json["members"]], [c["id"]])
        self.assertEqual(self.call("DELETE", f"/Groups/{eng}").status, 204)
        self.assertIsNone(self.groups_of(c["id"]))
        self.assertEqual(self.groups_of(a["id"]), [self.membership(adm, "Admins")])
        self.assertEqual(self.call("DELETE", f"/Users/{a['id']}").status, 204)
        self.assertNotIn("members", self.call("GET", f"/Groups/{adm}").json)

    def test_discovery(self):
        spc = self.call("GET", "/ServiceProviderConfig").json
        self.assertTrue(spc["patch"]["supported"] and spc["filter"]["supported"] and spc["etag"]["supported"])
        self.assertFalse(spc["bulk"]["supported"])
        schemas = self.call("GET", "/Schemas").json
        self.assertEqual({s["id"] for s in schemas["Resources"]}, {USER, GROUP, ENTERPRISE})
        # RFC 7643 §7: every attribute definition complete; §8.7.1's values
        # where the RFC gives them
        defs = {}

        def walk(prefix, attributes):
            for a in attributes:
                name = prefix + a["name"]
                defs[name] = a
                for key, kind in (("type", str), ("multiValued", bool), ("required", bool),
                                  ("caseExact", bool), ("mutability", str), ("returned", str),
                                  ("uniqueness", str), ("description", str)):
                    self.assertIsInstance(a.get(key), kind, (name, key))
                self.assertIn(a["type"], ("string", "boolean", "decimal", "integer", "dateTime",
                                          "binary", "reference", "complex"), name)
                self.assertIn(a["mutability"], ("readOnly", "readWrite", "immutable", "writeOnly"), name)
                self.assertIn(a["returned"], ("always", "never", "default", "request"), name)
                self.assertIn(a["uniqueness"], ("none", "server", "global"), name)
                if a["type"] == "reference":
                    self.assertTrue(a.get("referenceTypes"), name)
                self.assertEqual(a["type"] == "complex", bool(a.get("subAttributes")), name)
                walk(name + ".", a.get("subAttributes", []))

        for schema in schemas["Resources"]:
            walk(schema["id"] + ":", schema["attributes"])
        rfc = {
            USER + ":photos.value": {"referenceTypes": ["external"]},
            USER + ":profileUrl": {"referenceTypes": ["external"]},
            USER + ":groups.$ref": {"referenceTypes": ["User", "Group"]},
            USER + ":groups": {"mutability": "readOnly"},
            USER + ":password": {"mutability": "writeOnly", "returned": "never"},
            USER + ":userName": {"uniqueness": "server", "required": True},
            USER + ":emails.type": {"canonicalValues": ["work", "home", "other"]},
            USER + ":phoneNumbers.type": {"canonicalValues": ["work", "home", "mobile", "fax", "pager", "other"]},
            USER + ":ims.type": {"canonicalValues": ["aim", "gtalk", "icq", "xmpp", "msn", "skype", "qq", "yahoo"]},
            USER + ":photos.type": {"canonicalValues": ["photo", "thumbnail"]},
            USER + ":addresses.type": {"canonicalValues": ["work", "home", "other"]},
            USER + ":groups.type": {"canonicalValues": ["direct", "indirect"]},
            USER + ":x509Certificates.value": {"type": "binary"},
            GROUP + ":members.value": {"mutability": "immutable"},
            GROUP + ":members.$ref": {"referenceTypes": ["User", "Group"], "mutability": "immutable"},
            GROUP + ":members.type": {"canonicalValues": ["User", "Group"], "mutability": "immutable"},
            ENTERPRISE + ":manager.$ref": {"referenceTypes": ["User"]},
            ENTERPRISE + ":manager.displayName": {"mutability": "readOnly"},
        }
        for name, expected in rfc.items():
            self.assertEqual({k: defs[name].get(k) for k in expected}, expected, name)
        self.assertEqual(self.call("GET", f"/Schemas/{USER}").json["name"], "User")
        types = self.call("GET", "/ResourceTypes").json["Resources"]
        self.assertEqual({t["endpoint"] for t in types}, {"/Users", "/Groups"})
        self.assertTrue(types[0]["meta"]["location"].startswith(self.base))

    def test_discovery_locations_are_each_connections_own(self):
        """Each schema's and resource type's meta.location is the asking
        connection's URL, the same at every request.  provisiod used to
        write it into the documents all requests share: the second answer
        read "…/v2http://…/v2/Schemas/…", and one connection's URL reached
        another's answers."""
        persons = self.issue("persons")
        for _ in range(2):
            for base, secret in ((self.base, self.secret), (persons["scim_base_url"], persons["secret"])):
                for endpoint in ("Schemas", "ResourceTypes"):
                    listed = self.call("GET", f"/{endpoint}", secret=secret, base=base).json["Resources"]
                    self.assertEqual(len(listed), 3 if endpoint == "Schemas" else 2)
                    for document in listed:
                        expected = f"{base}/{endpoint}/{document['id']}"
                        self.assertEqual(document["meta"]["location"], expected)
                        one = self.call("GET", f"/{endpoint}/{document['id']}", secret=secret, base=base)
                        self.assertEqual(one.status, 200, one.text)
                        self.assertEqual(one.json["meta"]["location"], expected)

    def test_unknown_attributes_are_never_kept(self):
        """What no schema of the resource declares is dropped, in POST, PUT and PATCH alike."""
        unknown = {"bogusAttr": 1, "urn:example:foo:bar": {"a": 1},
                   "adreses": [{"country": "Germany"}],
                   ENTERPRISE.replace(":User", ":Users"): {"department": "x"}}

        def check(resource):
            text = json.dumps(resource)
            for word in ("bogus", "urn:example", "adreses", ":Users", "secretSauce"):
                self.assertNotIn(word, text)

        r = self.call("POST", "/Users", dict(unknown, **{
            "schemas": [USER, "urn:example:foo:bar"], "userName": "unknown@example.com",
            "name": {"givenName": "Ann", "bogusSub": "x"},
            "emails": [{"value": "unknown@example.com", "bogusSub": "x"}],
            ENTERPRISE: {"department": "D", "secretSauce": 1, "manager": {"value": "m", "bogusSub": 1}}}))
        self.assertEqual(r.status, 201, r.text)
        u = r.json
        check(u)
        self.assertEqual((u["name"], u[ENTERPRISE]["department"]), ({"givenName": "Ann"}, "D"))
        self.assertEqual(u["schemas"], [USER, ENTERPRISE])
        check(self.call("GET", f"/Users/{u['id']}").json)
        put = dict(u, **unknown, title="Pilot")
        put.pop("meta")
        r = self.call("PUT", f"/Users/{u['id']}", put)
        self.assertEqual(r.status, 200, r.text)
        check(r.json)
        self.assertEqual(r.json["title"], "Pilot")
        # PATCH without a path: the value's undeclared members dropped as in a POST
        for op in ("add", "replace"):
            r = self.call("PATCH", f"/Users/{u['id']}", {"schemas": [PATCH], "Operations": [
                {"op": op, "value": dict(unknown, **{"name.bogusSub": "x", "nickName": op,
                                                     "name": {"bogusSub": "x"}})}]})
            self.assertEqual(r.status, 200, r.text)
            check(r.json)
            self.assertEqual(r.json["nickName"], op)
            # with a path: a complex value's undeclared members dropped; a path
            # that names no attribute is invalidPath
            r = self.call("PATCH", f"/Users/{u['id']}", {"schemas": [PATCH], "Operations": [
                {"op": op, "path": "name", "value": {"familyName": op, "bogusSub": "x"}}]})
            self.assertEqual(r.status, 200, r.text)
            check(r.json)
            self.assertEqual(r.json["name"]["familyName"], op)
            for path in ("bogusAttr", "name.bogusSub", "adreses", "urn:example:foo:bar",
                         "urn:example:foo:bar:baz", ENTERPRISE + ":bogus", 'emails[type eq "work"].bogus'):
                r = self.call("PATCH", f"/Users/{u['id']}", {"schemas": [PATCH], "Operations": [
                    {"op": op, "path": path, "value": "x"}]})
                self.assertScimError(r, 400, "invalidPath")
        check(self.call("GET", f"/Users/{u['id']}").json)
        r = self.call("POST", "/Groups", {"schemas": [GROUP], "displayName": "G", "bogusAttr": 1,
                                          "members": [{"value": u["id"], "bogusSub": 1}]})
        self.assertEqual(r.status, 201, r.text)
        check(r.json)

    def test_whole_extension_as_a_patch_path(self):
        u = self.create_user("ext@example.com")
        path = f"/Users/{u['id']}"

        def patch(*ops):
            return self.call("PATCH", path, {"schemas": [PATCH], "Operations": list(ops)})

        r = patch({"op": "add", "path": ENTERPRISE, "value": {"department": "R&D", "costCenter": "4"}})
        self.assertEqual(r.status, 200, r.text)
        self.assertEqual(r.json[ENTERPRISE], {"department": "R&D", "costCenter": "4"})
        self.assertEqual(r.json["schemas"], [USER, ENTERPRISE])
        self.assertEqual(set(r.json) - {"id", "meta", "schemas", "userName", "active", "name", "emails"},
                         {ENTERPRISE})
        r = patch({"op": "replace", "path": ENTERPRISE.upper(), "value": {"department": "Sales"}})
        self.assertEqual(r.status, 200, r.text)
        self.assertEqual(r.json[ENTERPRISE], {"department": "Sales", "costCenter": "4"})
        r = self.call("GET", "/Users?filter=" + q(f'{ENTERPRISE}:department eq "sales"'))
        self.assertEqual(r.json["totalResults"], 1)
        r = patch({"op": "remove", "path": ENTERPRISE})
        self.assertEqual(r.status, 200, r.text)
        self.assertNotIn(ENTERPRISE, r.json)
        self.assertEqual(r.json["schemas"], [USER])
        self.assertNotIn(ENTERPRISE, self.call("GET", path).text)
        for bad in ({"op": "add", "path": "urn:ietf:params:scim:schemas:extension:enterprise:2.0", "value": {}},
                    {"op": "add", "path": ENTERPRISE + "s", "value": {}},
                    {"op": "replace", "path": USER, "value": {"title": "x"}},
                    {"op": "remove", "path": "urn:example:foo:bar"}):
            self.assertScimError(patch(bad), 400, "invalidPath")
        self.assertScimError(patch({"op": "add", "path": ENTERPRISE, "value": "x"}), 400, "invalidValue")
        # a group has no enterprise extension
        r = self.call("POST", "/Groups", {"schemas": [GROUP], "displayName": "G"})
        r = self.call("PATCH", f"/Groups/{r.json['id']}", {"schemas": [PATCH], "Operations": [
            {"op": "add", "path": ENTERPRISE, "value": {"department": "x"}}]})
        self.assertScimError(r, 400, "invalidPath")

    def test_search_request_projection(self):
        self.create_user("proj@example.com", title="T", **{ENTERPRISE: {"department": "D"}})
        self.call("POST", "/Groups", {"schemas": [GROUP], "displayName": "Proj"})
        search = "urn:ietf:params:scim:api:messages:2.0:SearchRequest"
        for endpoint in ("/.search", "/Users/.search"):
            r = self.call("POST", endpoint, {"schemas": [search], "filter": 'userName sw "proj"',
                                            "excludedAttributes": ["emails", "name", ENTERPRISE]})
            self.assertEqual(r.status, 200, r.text)
            (user,) = r.json["Resources"]
            self.assertEqual(set(user) - {"id", "schemas", "meta", "active"}, {"userName", "title"})
            r = self.call("POST", endpoint, {"schemas": [search], "filter": 'userName sw "proj"',
                                            "attributes": ["userName", ENTERPRISE + ":department"]})
            self.assertEqual(set(r.json["Resources"][0]), {"id", "schemas", "userName", ENTERPRISE})
        r = self.call("POST", "/Groups/.search", {"schemas": [search], "excludedAttributes": ["displayName"]})
        self.assertEqual(r.status, 200, r.text)
        self.assertNotIn("displayName", r.json["Resources"][0])
        r = self.call("POST", "/Users/.search", {"schemas": [search], "excludedAttributes": [7]})
        self.assertScimError(r, 400, "invalidValue")

    def test_stored_text_sent_as_parsed(self):
        """A resource read only to be sent is written from its stored text: the same answer, member for
        member and in the same order, as the one parsed and projected (which an excludedAttributes= of an
        attribute nobody has asks for), whatever characters its values hold."""
        odd = 'quote " backslash \\ slash / tab \t newline \n \u0001 \u001f \u007f é 漢字 😀'
        a = self.create_user("odd@example.com", title=odd, displayName='"id" and "meta" and "groups"',
                             **{ENTERPRISE: {"department": odd, "manager": {"value": "m"}}})
        b = self.create_user("plain@example.com", nickName="id")    # a value that reads as a member's name
        c = self.create_user("bare@example.com")
        r = self.call("POST", "/Groups", {"schemas": [GROUP], "displayName": odd,
                                          "members": [{"value": a["id"]}, {"value": b["id"]}]})
        self.assertEqual(r.status, 201, r.text)
        g = r.json["id"]
        self.call("POST", "/Groups", {"schemas": [GROUP], "displayName": "Second", "members": [{"value": a["id"]}]})
        search = {"schemas": ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],
                  "filter": 'userName eq "odd@example.com"'}

        def both(method, path, body=None):
            sent = self.call(method, path, body)
            if body is None:
                parsed = self.call(method, path + ("&" if "?" in path else "?") + "excludedAttributes=profileUrl")
            else:
                parsed = self.call(method, path, dict(body, excludedAttributes=["profileUrl"]))
            self.assertEqual(sent.status, 200, sent.text)
            self.assertIsNotNone(sent.json, sent.text)     # strict JSON: no raw control character
            self.assertEqual(sent.json, parsed.json)
            self.assertEqual(list(sent.json), list(parsed.json))
            for x, y in zip(sent.json.get("Resources", [sent.json]), parsed.json.get("Resources", [parsed.json])):
                self.assertEqual(list(x), list(y))
                self.assertEqual(list(x["meta"]), list(y["meta"]))
            return sent.json

        for u in (a, b, c):
            got = both("GET", f"/Users/{u['id']}")
            self.assertEqual(got["meta"]["location"], f"{self.base}/Users/{u['id']}")
            self.assertEqual(got["userName"], u["userName"])
        got = both("GET", f"/Users/{a['id']}")
        self.assertEqual((got["title"], got[ENTERPRISE]["department"]), (odd, odd))
        self.assertEqual(sorted(m["display"] for m in got["groups"]), sorted([odd, "Second"]))
        self.assertNotIn("groups", both("GET", f"/Users/{c['id']}"))
        self.assertEqual(both("GET", f"/Groups/{g}")["displayName"], odd)
        for path in ("/Users?filter=" + q('userName eq "odd@example.com"'), "/Users?filter=" + q('id eq "%s"' % b["id"]),
                     "/Users", "/Users?startIndex=2&count=1", "/Groups", "/Users?filter=" + q('userName eq "nobody"')):
            both("GET", path)
        self.assertEqual(both("POST", "/Users/.search", search)["Resources"][0]["title"], odd)
        self.assertEqual(both("POST", "/.search", dict(search, filter='userName sw "p"'))["totalResults"], 1)
        # the answers to a change alike
        r = self.call("PUT", f"/Users/{a['id']}", {"schemas": [USER], "userName": "odd@example.com", "title": odd})
        self.assertEqual(r.status, 200, r.text)
        self.assertEqual(r.json, self.call("GET", f"/Users/{a['id']}").json)
        self.assertEqual(len(r.json["groups"]), 2)

    def test_damaged_stored_resource(self):
        """A stored resource that is not a JSON object is a server error (the log names it), not an
        answer made of it; the others are read as ever."""
        a = self.create_user("damaged@example.com")
        b = self.create_user("whole@example.com")
        execute(self.server.db, "UPDATE scim_resources SET attributes = '[\"not an object\"]' WHERE id = '%s'" % a["id"])
        for path in (f"/Users/{a['id']}", "/Users?filter=" + q('userName eq "damaged@example.com"'), "/Users",
                     f"/Users/{a['id']}?attributes=userName"):
            r = self.call("GET", path)
            self.assertScimError(r, 500)
            self.assertNotIn("not an object", r.text)
        self.assertEqual(self.call("GET", f"/Users/{b['id']}").json["userName"], "whole@example.com")
        r = self.call("GET", "/Users?filter=" + q('userName eq "whole@example.com"'))
        self.assertEqual(r.json["totalResults"], 1)

    def test_entra_value_path_filter_with_sub_attribute(self):
        self.create_user("ann@example.com")
        self.create_user("bob@example.com", emails=[{"value": "ann@example.com", "type": "home"}])
        for text in ('emails[type eq "work"].value eq "ann@example.com"',
                     'emails[type eq "work" and value eq "ann@example.com"]',
                     'emails[Type eq "WORK"].Value eq "ANN@example.com"'):
            r = self.call("GET", "/Users?filter=" + q(text))
            self.assertEqual(r.status, 200, r.text)
            self.assertEqual([u["userName"] for u in r.json["Resources"]], ["ann@example.com"], text)
        r = self.call("GET", "/Users?filter=" + q('emails[type eq "home"].value pr'))
        self.assertEqual([u["userName"] for u in r.json["Resources"]], ["bob@example.com"])
        for bad in ('emails[type eq "work"].', 'emails[type eq "work"].value', 'emails[type eq "work"].a.b eq "x"'):
            self.assertScimError(self.call("GET", "/Users?filter=" + q(bad)), 400, "invalidFilter")

    def test_control_characters(self):
        """A NUL cannot be kept: refused, naming the attribute; other control characters are kept whole."""
        path = urllib.parse.urlsplit(self.base).path
        for raw, where in ((b'{"schemas": [], "userName": "a\u0000b"}', "userName"),
                           (b'{"userName": "a", "name": {"givenName": "x\u0000"}}', "name.givenName"),
                           (b'{"userName": "a", "emails": [{"value": "\u0000"}]}', "emails.value")):
            r = self.server.request("POST", path + "/Users", key=self.secret, raw=raw,
                                    content_type="application/scim+json", validate=False)
            self.assertScimError(r, 400, "invalidValue")
            self.assertIn(f"“{where}”", r.json["detail"])
        self.assertEqual(self.call("GET", "/Users").json["totalResults"], 0)
        u = self.create_user("ctl@example.com", title="a\u0001b\tc\u001fd\u007f")
        self.assertEqual(u["title"], "a\u0001b\tc\u001fd\u007f")
        self.assertEqual(self.call("GET", f"/Users/{u['id']}").json["title"], "a\u0001b\tc\u001fd\u007f")
        r = self.server.request("PATCH", path + f"/Users/{u['id']}", key=self.secret,
                                raw=json.dumps({"schemas": [PATCH], "Operations": [
                                    {"op": "replace", "path": "title", "value": "x"}]}).replace('"x"', '"x\\u0000"').encode(),
                                content_type="application/scim+json", validate=False)
        self.assertScimError(r, 400, "invalidValue")
        self.assertEqual(self.call("GET", f"/Users/{u['id']}").json["title"], "a\u0001b\tc\u001fd\u007f")
        # the management API's bodies alike
        r = self.server.request("POST", "/api/v1/provisioning/users/tokens", key=self.key,
                                raw=b'{"description": "Entra\u0000 app"}')
        self.assertError(r, 400, "invalid_request", "“description”")

    def test_connections_and_events(self):
        """Persons are kept apart from users; every write is an event of its token."""
        u = self.create_user("only-users@example.com")
        persons = self.issue("persons")
        r = self.call("GET", "/Users", secret=persons["secret"], base=persons["scim_base_url"])
        self.assertEqual(r.json["totalResults"], 0)
        self.assertScimError(self.call("GET", f"/Users/{u['id']}", secret=persons["secret"],
                                       base=persons["scim_base_url"]), 404)
        self.call("DELETE", f"/Users/{u['id']}")
        events = [e for e in self.get("/api/v1/provisioning/users/events").json["events"] if e["type"] == "scim"]
        self.assertEqual([(e["operation"].split("/")[0] + "/" + e["operation"].split("/")[1], e["status"])
                          for e in events], [("DELETE /Users", 204), ("POST /Users", 201)])
        self.assertTrue(all(e["user_agent"] == "Azure AD SCIM client (tests)" for e in events))
        self.assertEqual(self.connection()["counts"]["scim_writes_24h"], 2)

    def test_unauthorized(self):
        for secret in ("pvs_garbage", self.key):
            r = self.call("GET", "/Users", secret=secret)
            self.assertScimError(r, 401)
            self.assertIn("Bearer", r.header("WWW-Authenticate"))
        r = self.server.request("PATCH", "/api/v1/provisioning/users", key=self.key, body={"enabled": False})
        self.assertEqual(r.status, 200)
        self.assertScimError(self.call("GET", "/Users"), 403)


if __name__ == "__main__":
    unittest.main(verbosity=2)
