#!/usr/bin/python3
# Third-party SCIM suites against a fresh provisiod: Okta's SCIM 2.0 SPEC
# test and Microsoft's SCIM reference collection (../shared/conformance).
#
# Copyright 2026 The Provisio authors
# SPDX-License-Identifier: GPL-3.0-or-later

import json
import os
import subprocess
import unittest
import urllib.parse

from pvtest import TOP, ServerTest, npm_packages

CONFORMANCE = os.environ.get("CONFORMANCE_DIR", os.path.join(TOP, "..", "shared", "conformance"))

# Assertions of Microsoft's collection that go beyond RFC 7643/7644, with the
# reason provisiod does what the RFC says instead (docs/scim-conformance.md).
MICROSOFT_NON_RFC = {
    ("Patch user omalley new username", "Status code is 204"),
    ("patch user omalley active with boolean", "Status code is 204"),
    ("filter eq and (val or val)", "Total results"),
    ("filter starts with", "Total results"),
    ("filter greater than", "Total results"),
    ("Group patch add member", "Status code is 204"),
    ("Group patch add member2", "Status code is 204"),
    ("Get group by id", "Body contians user"),
}


def newman():
    return os.path.join(npm_packages(), "node_modules", ".bin", "newman")


class Conformance(ServerTest):

    def setUp(self):
        # The suites are third-party files kept beside the repository, as CI has them.
        self.assertTrue(os.path.isfile(os.path.join(CONFORMANCE, "runscope-replay.mjs")),
                        f"no SCIM conformance suites in {CONFORMANCE}; set CONFORMANCE_DIR")
        super().setUp()

    def connection(self):
        issued = self.issue()
        return issued["scim_base_url"], issued["secret"]

    def test_okta_spec_test(self):
        """Okta's SCIM 2.0 SPEC test: 52 of 52 assertions."""
        base, secret = self.connection()
        r = subprocess.run(["node", os.path.join(CONFORMANCE, "runscope-replay.mjs"),
                            os.path.join(CONFORMANCE, "okta-scim20-spec-test.json"), base, secret, "--seed"],
                           capture_output=True, text=True, timeout=120)
        summary = r.stdout.strip().splitlines()[-1]
        self.assertEqual(summary, "52 passed, 0 failed", r.stdout.replace(secret, "pvs_…"))

    def test_microsoft_collection(self):
        """Microsoft's collection: every assertion but the documented non-RFC ones."""
        base, secret = self.connection()
        url = urllib.parse.urlsplit(base)
        out = os.path.join(self.workdir, "ms")
        env = dict(os.environ, NEWMAN=newman())
        subprocess.run(["sh", os.path.join(CONFORMANCE, "run-microsoft-collection.sh"), url.hostname,
                        str(url.port), url.path.lstrip("/"), secret, out],
                       env=env, capture_output=True, text=True, timeout=300)
        with open(out + ".json") as f:
            run = json.load(f)["run"]
        failures = {(f["source"]["name"], f["error"].get("test")) for f in run["failures"]}
        total = run["stats"]["assertions"]["total"]
        self.assertEqual(total, 103)
        self.assertEqual(failures - MICROSOFT_NON_RFC, set(), "assertions that must pass failed")
        print(f"Microsoft collection: {total - len(failures)} of {total} assertions passed; "
              f"{len(failures)} non-RFC ones failed as documented")
        # newman's reports hold the requests, Authorization header included
        for path in (out + ".json", out + ".txt"):
            os.unlink(path)


if __name__ == "__main__":
    unittest.main(verbosity=2)
