#!/usr/bin/python3
# The demo's Microsoft (`provisio-demo-entra`, fake_entra.py in demo mode)
# beside a real `provisiod --demo`, driven by the real client, provisioctl,
# with gnome-keyring on a private bus (tests/with-session.sh): the sign-in
# code approved by itself, the demo tenants' Entra apps found by their SCIM
# URLs and linked, the quarantine in the health, Import from Entra (vendors matched by host, provisiod's apps left as
# they are), the SAML certificates, the demo's marks (its sign-in page, no
# /_control, loopback only) and its files gone when it stops.
#
# Copyright 2026 The Provisio authors
# SPDX-License-Identifier: GPL-3.0-or-later

import json
import os
import re
import signal
import subprocess
import tempfile
import time
import unittest
import urllib.error
import urllib.request

from fake_entra import DEMO_AUTO_APPROVE, SECRET_PATTERN
from pvtest import PROVISIOD, TOP

PROVISIOCTL = os.environ.get("PROVISIOCTL", os.path.join(TOP, "build", "src", "cli", "provisioctl"))
FAKE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fake_entra.py")
GRAPH_TOKEN = re.compile(SECRET_PATTERN)


def start(args, ready):
    """A program whose standard output announces itself; its lines up to @ready."""
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, text=True)
    lines = []
    while True:
        line = proc.stdout.readline()
        if not line:
            raise AssertionError(f"{args[0]} stopped before it was ready: {lines}")
        lines.append(line.rstrip("\n"))
        if lines[-1] == ready:
            return proc, lines


class DemoEntra(unittest.TestCase):
    def setUp(self):
        self.work = tempfile.mkdtemp(prefix="provisio-test-")
        self.server, lines = start([PROVISIOD, "--demo", "--listen", "127.0.0.1:0", "--threads", "2"],
                                   "provisiod: demo ready")
        self.addCleanup(self.server.wait)
        self.addCleanup(self.server.terminate)
        self.addCleanup(self.server.stdout.close)
        self.server_url = re.match(r"provisiod: listening on (\S+)", lines[0]).group(1)
        self.keys = dict(re.match(r"provisiod: demo tenant (\S+) .*admin API key (\S+)", l).groups()
                         for l in lines if l.startswith("provisiod: demo tenant "))
        self.demo_dir = tempfile.mkdtemp(prefix="provisio-demo-")
        with open(os.path.join(self.demo_dir, "entra.ini"), "w") as f:
            f.write("[entra]\ncloud=custom\n")
        self.fake, lines = start(["/usr/bin/python3", FAKE, "--demo", self.server_url, self.demo_dir],
                                 "fake-entra: demo ready")
        self.addCleanup(self.fake.wait)
        self.addCleanup(self.fake.terminate)
        self.addCleanup(self.fake.stdout.close)
        self.url = re.match(r"fake-entra: listening on (\S+)", lines[0]).group(1)
        self.links = [l.split()[3:] for l in lines if l.startswith("fake-entra: demo link ")]
        for slug, key in self.keys.items():
            self.assertEqual(self.ctl("tenant", "add", slug, self.server_url, stdin=key + "\n").returncode, 0)

    def ctl(self, *args, stdin=""):
        env = dict(os.environ, PROVISIO_TENANTS_FILE=os.path.join(self.work, "tenants.ini"), TZ="UTC",
                   G_MESSAGES_DEBUG="all", XDG_CONFIG_HOME=self.work,
                   XDG_STATE_HOME=os.path.join(self.work, "state"))
        r = subprocess.run([PROVISIOCTL] + list(args), input=stdin, capture_output=True, text=True, env=env,
                           timeout=60)
        self.assertIsNone(GRAPH_TOKEN.search(r.stdout + r.stderr), "a Microsoft token was printed")
        r.stderr = "".join(line for line in r.stderr.splitlines(True) if not line.startswith("(provisioctl:"))
        return r

    def get(self, path):
        try:
            with urllib.request.urlopen(self.url + path, timeout=10) as r:
                return r.status, r.read().decode()
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode()

    def test_demo_directory(self):
        """Signed in by itself; the demo tenants' apps, vendors' apps and SAML apps as Graph lists them."""
        # The demo's, on this machine only, not steerable from outside.
        self.assertTrue(self.url.startswith("http://127.0.0.1:"), self.url)
        status, page = self.get("/devicelogin")
        self.assertEqual(status, 200)
        self.assertIn("Provisio demo", page)
        self.assertEqual(self.get("/_control/state")[0], 404, "no /_control in the demo")
        # The apps the demo starts linked: Contoso's two and Fabrikam's Persons (in quarantine).
        self.assertEqual([(l[0], l[1], l[4:]) for l in self.links],
                         [("contoso", "users", ["Contoso", "Users"]), ("contoso", "persons", ["Contoso", "Persons"]),
                          ("fabrikam", "persons", ["Fabrikam", "Persons"])])

        began = time.monotonic()
        r = self.ctl("entra", "sign-in", "--cloud", "custom", "--login-url", self.url, "--graph-url", self.url,
                     "--directory", "contoso.example")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn(self.url + "/devicelogin", r.stdout + r.stderr, "the code points at the demo's page")
        self.assertGreaterEqual(time.monotonic() - began, DEMO_AUTO_APPROVE - 0.5, "approved by itself, later")

        # Found by their SCIM URLs, the demo server's.
        r = self.ctl("entra", "apps")
        self.assertEqual(r.returncode, 0, r.stderr)
        for app, tenant in (("Contoso Persons", "contoso persons"), ("Fabrikam Persons", "fabrikam persons"),
                            ("Northwind Users", "northwind users")):
            self.assertRegex(r.stdout, re.escape(app) + r"\n(?:  .*\n){3}  → " + re.escape(tenant) + " ")
        self.assertIn("Timeneye", r.stdout)

        # Link: Fabrikam's Persons app, in quarantine, is what the health says.
        r = self.ctl("entra", "link", "fabrikam", "persons", "--yes")
        self.assertEqual(r.returncode, 0, r.stderr)
        r = self.ctl("entra", "status")
        self.assertEqual(r.returncode, 1, "a job in quarantine needs attention")
        self.assertIn("fabrikam · Persons app “Fabrikam Persons”\n  In quarantine since", r.stdout)

        r = self.ctl("entra", "import")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("2 new, 0 updated, 0 removed from Entra (marked), 5 of provisiod tenants", r.stdout)
        with open(os.path.join(self.work, "apps.ini")) as f:
            apps = f.read()
        self.assertIn("vendor=timeneye", apps)
        self.assertIn("vendor=timeclock365", apps)
        self.assertNotIn("Contoso", apps, "provisiod's apps stay as they are")

        r = self.ctl("entra", "certificates", "--json")
        self.assertEqual(r.returncode, 0, r.stderr)
        names = [c["display_name"] for c in json.loads(r.stdout)]
        self.assertEqual(names, ["Contoso Intranet", "Fabrikam Wiki", "Expense Portal"], "soonest first")

        # Its files go with it.
        self.fake.send_signal(signal.SIGTERM)
        self.fake.wait(timeout=10)
        self.assertFalse(os.path.exists(self.demo_dir), "the demo's files left behind")


if __name__ == "__main__":
    unittest.main(verbosity=2)
