#!/usr/bin/python3
# Tracked apps end to end: provisioctl app …, a real gnome-keyring on a
# private D-Bus (tests/with-session.sh), and stand-in vendors that are real
# SCIM servers: a provisiod tenant's SCIM endpoint with a token it issued is
# a vendor whose console is provisiod's API.  Only nVoq's JWTs need a
# stand-in of their own here (a small SCIM endpoint that accepts one JWT).
#
# Copyright 2026 The Provisio authors
# SPDX-License-Identifier: GPL-3.0-or-later

import base64
import configparser
import json
import os
import subprocess
import threading
import time
import unittest
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from pvtest import ServerTest, TOP, day
from test_provisioctl import PROVISIOCTL, ProvisioctlTest

DAY = 86400


def b64url(obj):
    return base64.urlsafe_b64encode(json.dumps(obj).encode()).rstrip(b"=").decode()


def make_jwt(claims):
    return b64url({"alg": "HS256", "typ": "JWT"}) + "." + b64url(claims) + ".c2lnbmF0dXJl"


class JwtVendor(ThreadingHTTPServer):
    """A SCIM endpoint that accepts one bearer token, as a vendor's does;
    counts the requests and keeps the filters asked for."""

    def __init__(self, token):
        self.token = token
        self.requests = []

        vendor = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                url = urlsplit(self.path)
                vendor.requests.append((url.path, parse_qs(url.query)))
                if self.headers.get("Authorization") != "Bearer " + vendor.token:
                    self.send_response(401)
                    self.send_header("Content-Type", "application/scim+json")
                    body = b'{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"401"}'
                elif url.path == "/scim/v2/Users":
                    self.send_response(200)
                    self.send_header("Content-Type", "application/scim+json")
                    body = json.dumps({"schemas": ["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
                                       "totalResults": 0, "Resources": []}).encode()
                else:
                    self.send_response(404)
                    body = b""
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        super().__init__(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.serve_forever, daemon=True).start()

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server_address[1]}/scim/v2"


class TrackedApps(ProvisioctlTest):

    def setUp(self):
        super().setUp()
        self.apps = os.path.join(self.workdir, "apps.ini")
        state = os.environ.get("XDG_STATE_HOME", os.path.expanduser("~/.local/state"))
        self.checks = os.path.join(state, "provisio", "app-checks.ini")
        if os.path.exists(self.checks):
            os.unlink(self.checks)

    def add(self, name, vendor, token, *options):
        r = self.ctl("app", "add", name, vendor, *options, key=token)
        for secret in filter(None, [token and token.strip()]):
            self.assertNotIn(secret, r.stdout + r.stderr, "the token was printed")
        return r

    def app_token(self, app, kind="users", pending=False):
        r = subprocess.run(["secret-tool", "lookup", "tenant", f"app:{app}/{kind}",
                            "kind", "app-token-pending" if pending else "app-token"],
                           capture_output=True, text=True)
        return r.stdout.strip()

    def apps_file(self):
        if not os.path.exists(self.apps):
            return ""
        with open(self.apps) as f:
            return f.read()

    def scim_vendor(self, lifetime_days=100):
        """provisiod as a vendor: its users endpoint and a token it issued."""
        issued = self.issue(lifetime_days=lifetime_days)
        self.server.secrets.add(issued["secret"])
        return self.connection()["scim_base_url"], issued

    def fifteen_minutes_pass(self):
        """The last checks are older than the interval, as after a quarter of an hour."""
        config = configparser.ConfigParser(interpolation=None)
        config.read(self.checks)
        for group in config.sections():
            config[group]["checked-at"] = "2020-01-01T00:00:00Z"
        with open(self.checks, "w") as f:
            config.write(f, space_around_delimiters=False)

    def app_status(self, name):
        r = self.ctl("status", "--json")
        for entry in json.loads(r.stdout)["tenants"]:
            if entry["id"] == name:
                return r, entry
        self.fail(f"{name} not in status: {r.stdout}")

    def test_other_scim_app_accepted_then_rejected(self):
        """provisiod as \"Other SCIM app\": accepted, then revoked in its console, then urgent
        with a notification, whatever the dates say."""
        url, issued = self.scim_vendor()
        expires = time.strftime("%Y-%m-%d", time.gmtime(time.time() + 200 * DAY))
        r = self.add("vendorapp", "other", "  " + issued["secret"] + " \r", "--url", url, "--expires", expires)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("as entered", r.stdout)
        self.assertEqual(self.app_token("vendorapp"), issued["secret"], "the token is in the keyring, trimmed")
        self.assertNotIn(issued["secret"], self.apps_file(), "apps.ini holds no token")
        self.assertIn("users-token=keyring", self.apps_file())

        r, app = self.app_status("vendorapp")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual((app["source"], app["vendor"]), ("app", "other"))
        conn = app["connections"][0]
        self.assertEqual(conn["check"], "works")
        self.assertEqual(conn["tokens"][0]["days_left"], 200)
        self.assertEqual(conn["tokens"][0]["state"], "ok", r.stdout)
        self.assertTrue(self.ctl("check").stdout.startswith("PROVISIO OK"))

        # Revoked in the vendor's console
        self.revoke(issued["token"]["id"], force=True)
        # Within a quarter of an hour the token is not asked about again...
        r, app = self.app_status("vendorapp")
        self.assertEqual(app["connections"][0]["check"], "works")
        # ...after it, the vendor's answer turns it urgent.
        self.fifteen_minutes_pass()
        r, app = self.app_status("vendorapp")
        conn = app["connections"][0]
        self.assertEqual(conn["check"], "token-rejected")
        self.assertEqual(conn["tokens"][0]["state"], "urgent")
        self.assertIn("(token-rejected)", self.ctl("status", "--offline").stdout)
        check = self.ctl("check")
        self.assertEqual(check.returncode, 2, check.stdout)
        self.assertIn("vendorapp/users: the vendor rejects the token", check.stdout)

        log = self.notification_server()
        r = self.ctl("remind")
        self.assertEqual(r.returncode, 0, r.stderr)
        notes = self.notifications(log, expect=1)
        rejected = [n for n in notes if "rejects the token" in (n["title"] or "")]
        self.assertEqual(len(rejected), 1, notes)
        self.assertIn("Users of Other SCIM app", rejected[0]["title"])
        self.assertIn("HTTP 401", rejected[0]["body"])
        # Once per rejection
        self.fifteen_minutes_pass()
        self.ctl("remind")
        time.sleep(0.3)
        self.assertEqual(len([n for n in self.notifications(log) if "rejects" in (n["title"] or "")]), 1)

        with open(self.checks) as f:
            self.assertNotIn(issued["secret"], f.read(), "the checks hold no token")
        r = self.ctl("app", "remove", "vendorapp")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(self.app_token("vendorapp"), "")
        self.assertNotIn("vendorapp", self.apps_file())

    def test_jwt_expiry_and_interval(self):
        """An nVoq token is a JWT: its exp is the expiry; the check is Entra's harmless one."""
        exp = int(time.time()) + 150 * DAY - 60
        jwt = make_jwt({"sub": "provisioning", "iat": int(time.time()) - DAY, "exp": exp})
        vendor = JwtVendor(jwt)
        self.addCleanup(vendor.shutdown)
        r = self.add("nvoq", "nvoq", jwt + "\n", "--url", vendor.url)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("from the token itself", r.stdout)
        self.assertIn(time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(exp)), r.stdout)

        path, query = vendor.requests[-1]
        self.assertEqual(path, "/scim/v2/Users")
        self.assertRegex(query["filter"][0], r'^userName eq "[0-9a-f-]{36}"$')

        r, app = self.app_status("nvoq")
        self.assertEqual(app["connections"][0]["tokens"][0]["days_left"], 150)
        n = len(vendor.requests)
        self.ctl("status")
        self.ctl("check")
        self.assertEqual(len(vendor.requests), n, "asked again within 15 minutes")

        cal = self.ctl("calendar")
        self.assertEqual(cal.returncode, 0, cal.stderr)
        self.assertIn("nVoq", cal.stdout)
        self.assertIn(time.strftime("DTSTART;VALUE=DATE:%Y%m%d", time.gmtime(exp)), cal.stdout)

    def test_bad_input(self):
        """Each refused with a message; nothing half saved."""
        url, issued = self.scim_vendor()
        secret = issued["secret"]
        cases = [
            (("other", secret, "--url", "http://vendor.example/scim", "--expires", "2099-01-01"), "not HTTPS"),
            (("other", secret, "--url", self.server.url + "/api/v1", "--expires", "2099-01-01"), "Nothing at /Users"),
            (("other", secret[:20] + " " + secret[20:], "--url", url, "--expires", "2099-01-01"), "spaces"),
            (("other", secret[:20] + "\n", "--url", url, "--expires", "2099-01-01"), "refuses the token"),
            (("other", secret, "--url", url), "enter the expiry date"),
            (("other", secret, "--url", url, "--expires", "2020-01-01"), "expired"),
            (("other", secret, "--url", url, "--expires", "soon"), "not a date"),
            (("nvoq", make_jwt({"sub": "x"}), "--url", url), "without an expiry date"),
            (("nvoq", make_jwt({"exp": int(time.time()) - DAY}), "--url", url), "expired"),
            (("nvoq", secret, "--url", url), "not one"),
            (("nosuchvendor", secret, "--url", url), "no vendor"),
            (("timeneye", secret, "--kind", "persons"), "no persons connection"),
        ]
        for (vendor, token, *options), message in cases:
            with self.subTest(message):
                r = self.add("broken", vendor, token, *options)
                self.assertNotEqual(r.returncode, 0, r.stdout)
                self.assertIn(message, r.stderr)
                self.assertEqual(self.app_token("broken"), "")
                self.assertNotIn("broken", self.apps_file())

    def test_dates_only_and_vendor_lifetime(self):
        """Druva: a year from the day the token was made; no token kept."""
        issued = time.strftime("%Y-%m-%d", time.gmtime(time.time() - 65 * DAY))
        r = self.ctl("app", "add", "druva", "druva", "--url", "https://druva.example/scim",
                     "--issued", issued, "--dates-only")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("from the vendor's token lifetime", r.stdout)
        self.assertEqual(self.app_token("druva"), "")
        r, app = self.app_status("druva")
        self.assertEqual(app["connections"][0]["check"], None)
        self.assertIn(app["connections"][0]["tokens"][0]["days_left"], (300, 301))
        self.assertIn("(dates only)", self.ctl("app", "list").stdout)

    def test_status_without_keyring(self):
        """Without a keyring the tracked tokens go unchecked, and status says so; their dates are
        still shown (PvTenantList's refresh, pv_tenant_list_get_app_tokens_error())."""
        url, issued = self.scim_vendor()
        expires = time.strftime("%Y-%m-%d", time.gmtime(time.time() + 200 * DAY))
        self.assertEqual(self.add("vendorapp", "other", issued["secret"], "--url", url, "--expires",
                                  expires).returncode, 0)
        env = dict(os.environ, PROVISIO_TENANTS_FILE=self.tenants, TZ="UTC",
                   DBUS_SESSION_BUS_ADDRESS="unix:path=" + os.path.join(self.workdir, "no-bus"))
        r = subprocess.run([PROVISIOCTL, "status"], capture_output=True, text=True, env=env, timeout=30)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("provisioctl: the tracked apps' tokens are not checked: The system keyring is not available",
                      r.stderr)
        row = [line for line in r.stdout.splitlines() if line.startswith("vendorapp")]
        self.assertEqual(len(row), 1, r.stdout)
        self.assertIn(" 200  ok", row[0])
        self.assertNotIn("(works)", row[0], "not checked, so no verdict")

    def test_remind_by_vendor_schedule(self):
        """Reminders of a tracked app follow its vendor's schedule: Timly's 60/30/10 days."""
        issued = time.strftime("%Y-%m-%d", time.gmtime(time.time() - 353 * DAY))
        r = self.ctl("app", "add", "timly", "timly", "--url", "https://timly.example/scim",
                     "--issued", issued, "--dates-only")
        self.assertEqual(r.returncode, 0, r.stderr)
        log = self.notification_server()
        r = self.ctl("remind")
        self.assertEqual(r.returncode, 0, r.stderr)
        notes = self.notifications(log, expect=1)
        self.assertTrue(any("Users token of Timly" in (n["title"] or "") for n in notes), notes)
        state = os.environ.get("XDG_STATE_HOME", os.path.expanduser("~/.local/state"))
        sent = configparser.ConfigParser(interpolation=None)
        sent.read(os.path.join(state, "provisio", "reminders.ini"))
        # 12 days left: past Timly's 30-day reminder, not yet its 10-day one (the default would say 14)
        self.assertEqual(sent["sent"]["timly/users/timly-users"], "30")

    def test_renew_paste_once(self):
        """A rejected paste goes nowhere; an accepted one waits in the keyring until handed over."""
        url, issued = self.scim_vendor()
        self.assertEqual(self.add("vendorapp", "other", issued["secret"], "--url", url,
                                  "--expires", "2099-01-01").returncode, 0)
        before = self.apps_file()

        r = self.ctl("app", "renew", "vendorapp", "users", "--expires", "2099-01-01", key="pvs_" + "Z" * 49)
        self.assertEqual(r.returncode, 1)
        self.assertIn("refuses the token", r.stderr)
        self.assertIn("nothing was kept", r.stderr)
        self.assertEqual(self.app_token("vendorapp", pending=True), "")
        self.assertEqual(self.apps_file(), before)

        new = self.issue(lifetime_days=300)
        self.server.secrets.add(new["secret"])
        r = self.ctl("app", "renew", "vendorapp", "users", "--idp", "okta", "--expires", "2099-01-01",
                     key=new["secret"])
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("Make a new token in the app's administration", r.stderr)
        self.assertIn("API Token", r.stderr + r.stdout)
        self.assertEqual(r.stdout, new["secret"] + "\n", "the token to copy, alone on standard output")
        self.assertEqual(self.app_token("vendorapp", pending=True), new["secret"])
        self.assertEqual(self.app_token("vendorapp"), issued["secret"], "the old one until handed over")
        self.assertIn("not yet handed over", self.ctl("app", "list").stdout)

        r = self.ctl("app", "renew", "vendorapp", "users", "--handed-over")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(self.app_token("vendorapp"), new["secret"])
        self.assertEqual(self.app_token("vendorapp", pending=True), "")
        self.assertNotIn("pending-since", self.apps_file())
        self.assertNotIn(new["secret"], self.apps_file())


if __name__ == "__main__":
    unittest.main()
