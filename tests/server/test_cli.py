#!/usr/bin/python3
# provisiod's command line: administration and the demo.
#
# Copyright 2026 The Provisio authors
# SPDX-License-Identifier: GPL-3.0-or-later

import os
import re
import shutil
import signal
import subprocess
import tempfile
import unittest

from pvtest import PROVISIOD, SECRET, Server


class Administration(unittest.TestCase):

    def setUp(self):
        self.workdir = tempfile.mkdtemp()
        self.server = Server(self.workdir)

    def tearDown(self):
        shutil.rmtree(self.workdir, ignore_errors=True)

    def test_tenants(self):
        out = self.server.cli("tenant", "create", "acme", "--name", "Acme Corp", "--owner", "a@acme.example").stdout
        lines = out.strip().splitlines()
        self.assertTrue(SECRET.fullmatch(lines[-1]) and lines[-1].startswith("pva_"))
        self.assertEqual(len(SECRET.findall(out)), 1, "the key is printed once")
        self.server.cli("tenant", "create", "globex", "--name", "Globex")
        listing = self.server.cli("tenant", "list").stdout
        self.assertRegex(listing, r"acme\s+Acme Corp")
        self.assertRegex(listing, r"globex\s+Globex")
        self.assertNotIn("pva_", listing)

        for args, message in ((["tenant", "create", "acme", "--name", "Again"], "already exists"),
                              (["tenant", "create", "Bad_Slug", "--name", "x"], "not a valid tenant id"),
                              (["tenant", "create", "x" * 41, "--name", "x"], "not a valid tenant id"),
                              (["tenant", "create", "ok-slug"], "--name"),
                              (["key", "issue", "nobody"], "No tenant"),
                              (["tenant", "frobnicate"], "Unknown command"),
                              (["--no-such-option"], "Unknown option")):
            r = self.server.cli(*args, check=False)
            self.assertNotEqual(r.returncode, 0, args)
            self.assertIn(message, r.stderr, args)

    def test_help_and_version(self):
        r = subprocess.run([PROVISIOD, "--help"], capture_output=True, text=True)
        self.assertEqual(r.returncode, 0)
        for option in ("--db", "--listen", "--demo", "--test-clock", "--threads", "tenant create"):
            self.assertIn(option, r.stdout)
        r = subprocess.run([PROVISIOD, "--version"], capture_output=True, text=True)
        self.assertRegex(r.stdout, r"^provisiod \d+\.\d+\.\d+")

    def test_test_clock_only_on_loopback(self):
        r = subprocess.run([PROVISIOD, "--db", os.path.join(self.workdir, "x.db"), "--listen", "0.0.0.0:0",
                            "--test-clock"], capture_output=True, text=True, timeout=20)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("loopback", r.stderr)


class Demo(unittest.TestCase):

    def test_demo_shows_every_state(self):
        """The demo's tenants show what an administrator meets, and the demo leaves nothing behind."""
        tmp = tempfile.mkdtemp()
        proc = subprocess.Popen([PROVISIOD, "--demo", "--listen", "127.0.0.1:0"], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, env=dict(os.environ, TMPDIR=tmp))
        try:
            url = re.match(r"provisiod: listening on (\S+)", proc.stdout.readline()).group(1)
            keys = {}
            for _ in range(3):
                m = re.search(r"demo tenant (\S+) .*(pva_\w{49})", proc.stdout.readline())
                keys[m.group(1)] = m.group(2)
            self.assertEqual(set(keys), {"contoso", "fabrikam", "northwind"})
            demo = Server(tmp)
            demo.url = url

            states, reasons, providers, pending = set(), set(), set(), 0
            for slug, key in keys.items():
                for c in demo.request("GET", "/api/v1/provisioning", key=key).json["connections"]:
                    providers.add(c["identity_provider"])
                    states.update(t["state"] for t in c["tokens"])
                    reasons.update(t["reason"] for t in c["deleted_tokens"])
                    pending += sum(1 for t in c["tokens"] if t["replaced_by"] and t["retire"] == "on-first-use")
                    if c["tokens"]:
                        r = demo.request("GET", f"/api/v1/provisioning/{c['kind']}/events", key=key)
                        self.assertTrue(r.json["events"], f"{slug} {c['kind']} has no events")
                cert = demo.request("GET", "/api/v1/sso", key=key).json["certificate"]
                states.add("cert-" + cert["state"])
            self.assertTrue({"ok", "due-soon", "urgent", "expired"} <= states, states)
            self.assertIn("cert-due-soon", states)
            self.assertTrue({"revoked", "retired-after-first-use"} <= reasons, reasons)
            self.assertIn(None, providers, "a connection never set up")
            self.assertTrue({"entra", "okta"} <= providers)
            self.assertEqual(pending, 1, "a renewal waiting for its first use")
            self.assertTrue(os.listdir(tmp), "the demo database lives in TMPDIR while it runs")
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.communicate(timeout=20)
        self.assertEqual(proc.returncode, 0)
        self.assertEqual(os.listdir(tmp), [], "the demo left files behind")
        shutil.rmtree(tmp)


if __name__ == "__main__":
    unittest.main(verbosity=2)
