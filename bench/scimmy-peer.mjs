// scimmy-peer.mjs: an independent SCIM 2.0 server for tools/bench-scim, built
// on the npm packages scimmy and scimmy-routers, holding its users in memory.
//
// Copyright 2026 The Provisio authors
// SPDX-License-Identifier: GPL-3.0-or-later
//
// usage: node scimmy-peer.mjs PORT TOKEN N_USERS
//   starts with N_USERS users named user1@example.com ... like provisiod's
//   load, and prints "listening" once it serves.

import crypto from "node:crypto";
import express from "express";
import SCIMMY from "scimmy";
import SCIMMYRouters from "scimmy-routers";

const [port, token, count] = process.argv.slice(2);
const users = new Map();
const byName = new Map();

function store(data, id) {
  const now = new Date().toISOString();
  const user = {...data, id, meta: {resourceType: "User", created: now, lastModified: now}};
  users.set(id, user);
  byName.set(user.userName.toLowerCase(), id);
  return user;
}

for (let i = 1; i <= Number(count); i++) {
  store({schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"], userName: `user${i}@example.com`, active: true,
         name: {givenName: "User", familyName: `Number${i}`},
         emails: [{value: `user${i}@example.com`, type: "work", primary: true}]}, crypto.randomUUID());
}

SCIMMY.Resources.declare(SCIMMY.Resources.User)
  .ingress((resource, instance) => {
    const existing = byName.get(instance.userName.toLowerCase());
    if (existing && existing !== resource.id)
      throw new SCIMMY.Types.Error(409, "uniqueness", "userName is taken");
    return store(instance, resource.id ?? crypto.randomUUID());
  })
  .egress((resource) => {
    if (resource.id) {
      const user = users.get(resource.id);
      if (!user) throw new SCIMMY.Types.Error(404, null, "no such user");
      return user;
    }
    const all = [...users.values()];
    return resource.filter ? resource.filter.match(all) : all;
  })
  .degress((resource) => { users.delete(resource.id); });

const app = express();
app.use("/scim", new SCIMMYRouters({
  type: "bearer",
  handler: (request) => {
    if (request.header("Authorization") !== `Bearer ${token}`) throw new Error("Unauthorized");
    return "bench";
  },
}));
app.listen(Number(port), "127.0.0.1", () => console.log("listening"));
