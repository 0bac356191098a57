#!/usr/bin/python3
# The Entra sign-in's device code polling (RFC 8628, section 3.5) against the
# stand-in for Microsoft's sign-in (fake_entra.py): slow_down adds 5 seconds
# to the interval for the rest of the sign-in; bad_verification_code ends it
# with a message and keeps nothing.
#
# Copyright 2026 The Provisio authors
# SPDX-License-Identifier: GPL-3.0-or-later

import json
import os
import re
import subprocess
import tempfile
import unittest
import urllib.request

from pvtest import TOP

PROVISIOCTL = os.environ.get("PROVISIOCTL", os.path.join(TOP, "build", "src", "cli", "provisioctl"))
FAKE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fake_entra.py")


class DeviceCode(unittest.TestCase):

    def setUp(self):
        self.config = tempfile.mkdtemp(prefix="provisio-config-")
        self.fake = subprocess.Popen(["/usr/bin/python3", FAKE], stdout=subprocess.PIPE, text=True)
        self.addCleanup(self.fake.wait)
        self.addCleanup(self.fake.terminate)
        self.addCleanup(self.fake.stdout.close)
        self.fake_url = re.match(r"fake-entra: listening on (\S+)", self.fake.stdout.readline()).group(1)

    def control(self, what, **args):
        req = urllib.request.Request(self.fake_url + "/_control/" + what, data=json.dumps(args).encode(),
                                     method="POST", headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=20) as r:
            return json.loads(r.read())

    def sign_in(self):
        """provisioctl entra sign-in, started; returns the process once it shows the code."""
        p = subprocess.Popen([PROVISIOCTL, "entra", "sign-in", "--cloud", "custom", "--login-url", self.fake_url,
                              "--graph-url", self.fake_url, "--directory", "contoso.example"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             env=dict(os.environ, XDG_CONFIG_HOME=self.config, LANGUAGE="C", LC_ALL="C.UTF-8"))
        self.addCleanup(p.kill)
        self.assertIn("enter the code", p.stderr.readline())
        return p

    def signed_in(self):
        found = subprocess.run(["secret-tool", "search", "--all", "kind", "graph-refresh-token"],
                               capture_output=True, text=True)
        return self.fake_url.split("//")[1] in found.stdout + found.stderr

    def test_slow_down(self):
        """Microsoft's interval is 1 s; after one slow_down the next poll comes 6 s later, and so
        does every one after it, until the admin has signed in."""
        self.control("set", interval=1, slow_down=1, auto_approve=8)
        p = self.sign_in()
        out, err = p.communicate(timeout=60)
        self.assertEqual(p.returncode, 0, err)
        self.assertTrue(self.signed_in())
        polls = self.control("state")["polls"]
        self.assertEqual([answer for _, answer in polls], ["slow_down", "pending"], polls)
        times = [t for t, _ in polls]
        # The first poll after the advertised second, not before it.
        self.assertGreaterEqual(times[0], 0.9)
        self.assertLess(times[0], 3)
        # Then the interval plus 5 seconds: 6 s, each time (pending at ~7 s, approved at ~13 s).
        self.assertGreaterEqual(times[1] - times[0], 5.9, polls)
        self.assertLess(times[1] - times[0], 8, polls)
        log = [entry for entry in self.control("state")["log"] if entry[1].endswith("/oauth2/v2.0/token")]
        self.assertEqual(len(log), 3, log)

    def test_bad_verification_code(self):
        """Microsoft no longer knows the code: the sign-in ends, says so, and keeps nothing."""
        self.control("set", interval=1)
        p = self.sign_in()
        self.control("set", forget_codes=True)
        out, err = p.communicate(timeout=30)
        self.assertEqual(p.returncode, 1, err)
        self.assertIn("Microsoft did not recognise the sign-in code; start again", err)
        self.assertFalse(self.signed_in())
        r = subprocess.run([PROVISIOCTL, "entra", "apps"], capture_output=True, text=True,
                           env=dict(os.environ, XDG_CONFIG_HOME=self.config, LANGUAGE="C", LC_ALL="C.UTF-8"))
        self.assertEqual(r.returncode, 1)
        self.assertIn("Run provisioctl entra sign-in first", r.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
