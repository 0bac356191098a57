# An admin's estate at scale, for the tests and tools/bench-app: N tenants
# on a real provisiod (loopback), each with a Users and a Persons token in
# use by an identity provider, added with provisioctl (keys in the
# keyring) and cached with `provisioctl status`.  The realistic mix of
# issue #20: one token expired, ten urgent, eighty due soon, the rest good
# for months; two tenants on a second server that is stopped once cached,
# so that the app cannot ask them.
#
#   python3 tests/app/fleet.py WORKDIR [N]   (prints the tenants file)
#
# Expiries in the past or under the 30-day minimum lifetime are made with
# the server's test clock: set back, issue, use, set right again.
#
# Copyright 2026 The Provisio authors
# SPDX-License-Identifier: GPL-3.0-or-later

import http.client
import json
import os
import re
import subprocess
import sys
import urllib.parse

DAY = 86400
MIN_LIFETIME = 30
EXPIRED, URGENT, DUE_SOON, UNREACHABLE = 1, 10, 80, 2


def expiry_days(i):
    """Days left of the Users token of tenant i (1-based): the mix."""
    if i <= EXPIRED:
        return -2
    if i <= EXPIRED + URGENT:
        return 2 + i % 5
    if i <= EXPIRED + URGENT + DUE_SOON:
        return 12 + i % 45
    return 90 + (i * 37) % 600


class Server:
    def __init__(self, provisiod, db, prefix=()):
        self.provisiod, self.db = provisiod, db
        self.proc = subprocess.Popen(list(prefix) + [provisiod, "--db", db, "--listen", "127.0.0.1:0", "--test-clock",
                                      "--threads", "1"],
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        m = re.match(r"provisiod: listening on (http://127\.0\.0\.1:\d+)$", self.proc.stdout.readline().strip())
        assert m, "provisiod did not start"
        self.url = m.group(1)
        u = urllib.parse.urlsplit(self.url)
        self.conn = http.client.HTTPConnection(u.hostname, u.port, timeout=30)

    def request(self, method, path, key=None, body=None, agent="provisio-fleet"):
        headers = {"User-Agent": agent}
        if key:
            headers["Authorization"] = "Bearer " + key
        if body is not None:
            headers["Content-Type"] = "application/json"
        self.conn.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
        r = self.conn.getresponse()
        data = r.read()
        return r.status, json.loads(data) if data else None

    def create(self, slug, name):
        r = subprocess.run([self.provisiod, "--db", self.db, "tenant", "create", slug, "--name", name],
                           capture_output=True, text=True, check=True)
        return r.stdout.strip().splitlines()[-1]

    def token(self, key, kind, days_left):
        """A token of @kind with @days_left, used once by the identity provider."""
        offset = min(0, days_left - MIN_LIFETIME) * DAY
        lifetime = max(MIN_LIFETIME, days_left)
        if offset:
            self.request("PUT", "/_test/clock", body={"offset_seconds": offset})
        status, issued = self.request("POST", f"/api/v1/provisioning/{kind}/tokens", key,
                                      {"lifetime_days": lifetime, "description": "fleet"})
        assert status == 201, issued
        path = urllib.parse.urlsplit(issued["scim_base_url"]).path + "/Users"
        status, _ = self.request("GET", path, issued["secret"], agent="Fleet IdP/1.0")
        assert status == 200, status
        if offset:
            self.request("PUT", "/_test/clock", body={"offset_seconds": 0})

    def stop(self):
        self.conn.close()
        self.proc.terminate()
        self.proc.wait(timeout=20)


# Names as an admin's estate has them: some long, some alike.
WORDS = ["Contoso", "Fabrikam", "Northwind", "Adventure Works", "Tailspin", "Wingtip", "Litware",
         "Proseware", "Woodgrove", "Alpine Ski House", "Blue Yonder Airlines", "Coho Winery",
         "Lamna Healthcare", "Margie's Travel", "Trey Research", "Humongous Insurance", "VanArsdel",
         "Relecloud", "Munson's Pickles", "Best For You Organics"]
PLACES = ["Europe", "Americas", "Asia Pacific", "Germany", "Staging", "Research", "Retail", "Logistics",
          "Finance", "Schools"]


def name_of(i):
    return f"{WORDS[i % len(WORDS)]} {PLACES[(i // len(WORDS)) % len(PLACES)]}"


def build(work, provisiod, provisioctl, n=200, env=None, prefix=()):
    """Builds the estate in @work; returns (tenants file, [names], the
    server that stays up).  @prefix runs that server (taskset …)."""
    env = dict(env or os.environ)
    env.setdefault("PROVISIO_TENANTS_FILE", os.path.join(work, "tenants.ini"))
    main = Server(provisiod, os.path.join(work, "fleet.db"), prefix)
    gone = Server(provisiod, os.path.join(work, "gone.db"))
    names = []
    try:
        for i in range(1, n + 1):
            server = gone if i > n - UNREACHABLE else main
            slug = f"t{i:03d}"
            names.append(name_of(i))
            key = server.create(slug, name_of(i))
            server.token(key, "users", expiry_days(i))
            server.token(key, "persons", 120 + (i * 53) % 500)
            subprocess.run([provisioctl, "tenant", "add", slug, server.url], input=key + "\n", text=True,
                           env=env, check=True, capture_output=True)
        # The app starts on this cached state.
        r = subprocess.run([provisioctl, "status"], env=env, capture_output=True, text=True)
        assert r.returncode in (0, 1, 2), r.stderr
        assert "ever_returned" not in r.stderr, r.stderr
    finally:
        gone.stop()
    return env["PROVISIO_TENANTS_FILE"], names, main


if __name__ == "__main__":
    work = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 200
    tenants, _, server = build(work, os.environ["PROVISIOD"], os.environ["PROVISIOCTL"], n)
    print(tenants, server.url, server.proc.pid)
    sys.stdout.flush()
    server.proc.wait()
