#!/usr/bin/python3
# Reminders at each threshold, with the server's test clock.
#
# Copyright 2026 The Provisio authors
# SPDX-License-Identifier: GPL-3.0-or-later

import os
import subprocess
import tempfile
import unittest

from pvtest import ServerTest, day, parse_time as parse


class Reminders(ServerTest):

    def reminders(self):
        r = self.get("/api/v1/reminders")
        self.assertEqual(r.status, 200, r.text)
        return r.json

    def item(self, token_id):
        return next(i for i in self.reminders()["items"] if i["token_id"] == token_id)

    def test_each_threshold(self):
        """Just before and just after each threshold: what is due, the state, the next reminder."""
        # shorter than the admin key's year, which would expire first
        t = self.issue(lifetime_days=300)["token"]
        expires = parse(t["expires_at"])
        start = parse(self.reminders()["server_time"])
        schedule = self.reminders()["thresholds_days"]
        self.assertEqual(schedule, [60, 30, 14, 7, 3, 1])

        first = self.item(t["id"])
        self.assertFalse(first["due"])
        self.assertIsNone(first["crossed_threshold_days"])
        self.assertEqual(parse(first["next_reminder_at"]), expires - day(60))
        self.assertEqual(first["state"], "ok")

        previous = None
        for i, n in enumerate(schedule):
            at = expires - day(n)
            self.server.set_clock(offset=at - 60 - start)
            before = self.item(t["id"])
            self.assertEqual(before["crossed_threshold_days"], previous, f"before {n} days")
            self.assertEqual(parse(before["next_reminder_at"]), at)

            self.server.set_clock(offset=at + 60 - start)
            after = self.item(t["id"])
            self.assertEqual(after["crossed_threshold_days"], n, f"after {n} days")
            self.assertTrue(after["due"])
            self.assertEqual(after["days_left"], n)
            self.assertEqual(after["state"], "urgent" if n <= 7 else "due-soon")
            following = schedule[i + 1] if i + 1 < len(schedule) else None
            expected_next = expires - day(following) if following else expires
            self.assertEqual(parse(after["next_reminder_at"]), expected_next)
            previous = n

        self.server.set_clock(offset=expires + 60 - start)
        gone = self.item(t["id"])
        self.assertEqual(gone["state"], "expired")
        self.assertTrue(gone["due"])
        self.assertIsNone(gone["next_reminder_at"])
        self.assertEqual(gone["days_left"], -1)

    def test_custom_schedule(self):
        """A tenant's own thresholds are used, sorted; bad ones are refused and change nothing."""
        r = self.server.request("PUT", "/api/v1/reminders", key=self.key, body={"thresholds_days": [10, 90, 2]})
        self.assertEqual(r.status, 200, r.text)
        self.assertEqual(r.json["thresholds_days"], [90, 10, 2])
        self.assertEqual(self.get("/api/v1/tenant").json["reminder_thresholds_days"], [90, 10, 2])
        t = self.issue(lifetime_days=100)["token"]
        self.server.set_clock(offset=day(11))
        self.assertEqual(self.item(t["id"])["crossed_threshold_days"], 90)
        self.assertEqual(self.item(t["id"])["state"], "due-soon")

        for bad in ([0], [366], [5, 5], [], list(range(1, 12)), ["7"], "7", [1.5]):
            r = self.server.request("PUT", "/api/v1/reminders", key=self.key, body={"thresholds_days": bad})
            self.assertError(r, 400, "invalid_request", "thresholds_days")
        self.assertEqual(self.reminders()["thresholds_days"], [90, 10, 2])

    def test_certificate(self):
        """The SSO signing certificate is read from its PEM and reminded like a token."""
        work = tempfile.mkdtemp()
        key, cert = os.path.join(work, "k.pem"), os.path.join(work, "c.pem")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "20",
                        "-subj", "/CN=Acme IdP signing", "-keyout", key, "-out", cert],
                       check=True, capture_output=True)
        pem = open(cert).read()
        fingerprint = subprocess.run(["openssl", "x509", "-in", cert, "-noout", "-fingerprint", "-sha256"],
                                     check=True, capture_output=True, text=True).stdout.strip().split("=", 1)[1]
        not_after = subprocess.run(["openssl", "x509", "-in", cert, "-noout", "-enddate", "-dateopt", "iso_8601"],
                                   capture_output=True, text=True).stdout.strip()

        r = self.server.request("PATCH", "/api/v1/sso", key=self.key,
                                body={"certificate_pem": pem, "idp_entity_id": "https://sts.example/acme/"})
        self.assertEqual(r.status, 200, r.text)
        c = r.json["certificate"]
        self.assertEqual(c["fingerprint_sha256"], fingerprint)
        self.assertIn("Acme IdP signing", c["subject"])
        self.assertTrue(r.json["configured"])
        self.assertIn(c["days_left"], (20, 21))
        self.assertEqual(c["state"], "due-soon")
        if not_after.startswith("notAfter="):
            self.assertEqual(c["not_after"], not_after.split("=", 1)[1].replace(" ", "T").replace("TZ", "Z"))
        item = next(i for i in self.reminders()["items"] if i["subject"] == "certificate")
        self.assertEqual(item["crossed_threshold_days"], 30)
        self.assertIsNone(item["connection"])

        r = self.server.request("PATCH", "/api/v1/sso", key=self.key, body={"certificate_pem": "not a PEM"})
        self.assertError(r, 400, "invalid_request", "certificate_pem")
        self.assertEqual(self.get("/api/v1/sso").json["certificate"]["fingerprint_sha256"], fingerprint)


if __name__ == "__main__":
    unittest.main(verbosity=2)
