#!/usr/bin/python3
# Loads N users into a SCIM endpoint through POST /Users, with a few
# keep-alive connections, and prints the time and rate.
#
# Copyright 2026 The Provisio authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# usage: load-users.py BASE_URL TOKEN N [CONNECTIONS]

import http.client
import json
import sys
import threading
import time
import urllib.parse

base, token, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
connections = int(sys.argv[4]) if len(sys.argv) > 4 else 4
url = urllib.parse.urlsplit(base)
failures = []


def load(first, step):
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=60)
    headers = {"Authorization": "Bearer " + token, "Content-Type": "application/scim+json"}
    for i in range(first, n + 1, step):
        name = f"user{i}@example.com"
        body = json.dumps({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": name,
                           "active": True, "name": {"givenName": "User", "familyName": f"Number{i}"},
                           "emails": [{"value": name, "type": "work", "primary": True}]})
        conn.request("POST", url.path + "/Users", body=body, headers=headers)
        r = conn.getresponse()
        r.read()
        if r.status != 201:
            failures.append(r.status)


start = time.monotonic()
threads = [threading.Thread(target=load, args=(k + 1, connections)) for k in range(connections)]
for t in threads:
    t.start()
for t in threads:
    t.join()
elapsed = time.monotonic() - start
if failures:
    sys.exit(f"{len(failures)} POSTs failed, e.g. HTTP {failures[0]}")
print(f"{n} users in {elapsed:.1f} s, {n / elapsed:.0f} users/s")
