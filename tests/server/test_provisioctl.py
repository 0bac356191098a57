#!/usr/bin/python3
# provisioctl end to end: a real provisiod, a real gnome-keyring on a private
# D-Bus (run through tests/with-session.sh), and the exit codes of `check`
# at each threshold with the server's test clock.
#
# Copyright 2026 The Provisio authors
# SPDX-License-Identifier: GPL-3.0-or-later

import configparser
import json
import os
import re
import subprocess
import threading
import time
import unittest
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import gi
gi.require_version("Gio", "2.0")
from gi.repository import Gio, GLib  # noqa: E402

from pvtest import ServerTest, TOP, day

PROVISIOCTL = os.environ.get("PROVISIOCTL", os.path.join(TOP, "build", "src", "cli", "provisioctl"))


class ProvisioctlTest(ServerTest):
    """provisioctl against a fresh provisiod: the helpers the tests share."""

    def setUp(self):
        super().setUp()
        self.tenants = os.path.join(self.workdir, "tenants.ini")

    def ctl(self, *args, key=None):
        env = dict(os.environ, PROVISIO_TENANTS_FILE=self.tenants, TZ="UTC")
        r = subprocess.run([PROVISIOCTL] + list(args), input=(key + "\n") if key else "",
                           capture_output=True, text=True, env=env, timeout=30)
        self.assertNotIn(self.key, r.stdout + r.stderr, "the key was printed")
        return r

    def settled(self, log):
        """What the stand-in recorded of everything sent so far, for a check that nothing more came:
        a notification of our own, sent once the senders have exited, and waited for; the
        stand-in handles calls one at a time, as they come."""
        marker = f"barrier-{time.monotonic_ns()}"
        Gio.bus_get_sync(Gio.BusType.SESSION).call_sync(
            "org.freedesktop.Notifications", "/org/freedesktop/Notifications", "org.freedesktop.Notifications",
            "Notify", GLib.Variant("(susssasa{sv}i)", (marker, 0, "", marker, "", [], {}, -1)),
            GLib.VariantType("(u)"), Gio.DBusCallFlags.NONE, 10000)
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            with open(log) as f:
                notes = [json.loads(line) for line in f]
            if any(note["app_id"] == marker for note in notes):
                return [note for note in notes if not note["app_id"].startswith("barrier-")]
            time.sleep(0.02)
        self.fail("the notification stand-in did not answer")

    def keyring(self, tenant):
        r = subprocess.run(["secret-tool", "lookup", "tenant", tenant, "kind", "admin-key"],
                           capture_output=True, text=True)
        return r.stdout.strip()

class Provisioctl(ProvisioctlTest):

    def test_tenants_and_keyring(self):
        r = self.ctl("tenant", "add", "contoso", self.server.url, key=self.key)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("contoso", r.stdout)
        self.assertIn("alice@acme.example", r.stdout)
        self.assertEqual(self.keyring("contoso"), self.key, "the key is in the keyring")
        with open(self.tenants) as f:
            self.assertNotIn(self.key, f.read(), "the tenant list holds no secret")
        self.assertIn("contoso", self.ctl("tenant", "list").stdout)

        bad = self.ctl("tenant", "add", "other", self.server.url, key="pva_" + "A" * 49)
        self.assertEqual(bad.returncode, 2)
        self.assertIn("not a Provisio admin API key", bad.stderr)
        issued = self.server.cli("key", "issue", "acme").stdout
        key2 = issued.strip().splitlines()[-1]
        self.server.cli("key", "revoke", "acme", re.search(r"key_[0-9A-Za-z]{12}", issued).group(0))
        revoked = self.ctl("tenant", "add", "other", self.server.url, key=key2)
        self.assertEqual(revoked.returncode, 1)
        self.assertIn("revoked", revoked.stderr)
        self.assertEqual(self.keyring("other"), "", "nothing kept for a refused key")
        self.assertNotIn("other", self.ctl("tenant", "list").stdout)

        r = self.ctl("tenant", "remove", "contoso")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(self.keyring("contoso"), "")
        self.assertEqual(self.ctl("tenant", "list").stdout, "")

    def test_keys_in_libsecret_file_backend(self):
        """Where the Secret Service is out of reach (a Flatpak sandbox, or libsecret's file backend
        chosen with SECRET_BACKEND=file), keys are kept and found through secret_password_*: in an
        encrypted file, never in clear, and not on the session's keyring."""
        keyring = os.path.join(self.workdir, "file-keyring")
        env = dict(os.environ, PROVISIO_TENANTS_FILE=self.tenants, TZ="UTC", SECRET_BACKEND="file",
                   SECRET_FILE_TEST_PATH=keyring, SECRET_FILE_TEST_PASSWORD="test password")

        def ctl(*args, key=None):
            return subprocess.run([PROVISIOCTL] + list(args), input=(key + "\n") if key else "",
                                  capture_output=True, text=True, env=env, timeout=30)
        r = ctl("tenant", "add", "contoso", self.server.url, key=self.key)
        self.assertEqual(r.returncode, 0, r.stderr)
        r = ctl("status", "--json")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual([(t["id"], t["error"]) for t in json.loads(r.stdout)["tenants"]], [("contoso", None)])
        with open(keyring, "rb") as f:
            self.assertNotIn(self.key.encode(), f.read())
        found = subprocess.run(["secret-tool", "search", "--all", "kind", "admin-key"], capture_output=True, text=True)
        self.assertNotIn("contoso", found.stdout + found.stderr)

    def test_status(self):
        users = self.issue(lifetime_days=100)
        self.ctl("tenant", "add", "acme", self.server.url, key=self.key)
        r = self.ctl("status", "--json")
        self.assertEqual(r.returncode, 0, r.stderr)
        data = json.loads(r.stdout)
        tenant = data["tenants"][0]
        self.assertEqual((tenant["id"], tenant["error"]), ("acme", None))
        kinds = {c["kind"]: c for c in tenant["connections"]}
        self.assertEqual(kinds["users"]["tokens"][0]["id"], users["token"]["id"])
        self.assertEqual(kinds["users"]["tokens"][0]["days_left"], 100)
        self.assertEqual(kinds["persons"]["tokens"], [])
        table = self.ctl("status")
        self.assertIn(users["token"]["prefix"], table.stdout)
        self.assertIn("(no token)", table.stdout)
        self.assertNotIn("clock", table.stderr)

        # The tenant's clock two days ahead: the days left are the tenant's, and the user is told.
        self.server.set_clock(offset=day(2))
        r = self.ctl("status", "--json")
        self.assertIn("clock is 2880 minutes behind acme", r.stderr)
        self.assertEqual(json.loads(r.stdout)["tenants"][0]["connections"][0]["tokens"][0]["days_left"], 98)

    def test_offline(self):
        """The last known state is there without a network, says when it is from, and holds no secret."""
        t = self.issue(lifetime_days=100)["token"]
        self.ctl("tenant", "add", "acme", self.server.url, key=self.key)
        self.assertEqual(self.ctl("status").returncode, 0)
        cache = os.path.join(os.environ.get("XDG_CACHE_HOME", os.path.expanduser("~/.cache")),
                             "provisio", "tenants", "acme.json")
        self.assertEqual(os.stat(cache).st_mode & 0o777, 0o600)
        with open(cache) as f:
            self.assertNotIn(self.key, f.read())

        self.server.stop()
        self.assertEqual(self.ctl("status").returncode, 1)
        r = self.ctl("status", "--offline", "--json")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("acme as of", r.stderr)
        tenant = json.loads(r.stdout)["tenants"][0]
        self.assertIsNotNone(tenant["fetched_at"])
        self.assertEqual(tenant["connections"][0]["tokens"][0]["id"], t["id"])
        # Offline asks no keyring: the last known state without a session bus too
        env = dict(os.environ, PROVISIO_TENANTS_FILE=self.tenants, TZ="UTC",
                   DBUS_SESSION_BUS_ADDRESS="unix:path=" + os.path.join(self.workdir, "no-bus"))
        r = subprocess.run([PROVISIOCTL, "status", "--offline"], capture_output=True, text=True, env=env,
                           timeout=30)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("acme as of", r.stderr)
        self.assertIn(t["prefix"], r.stdout)
        self.server.start()

        self.ctl("tenant", "remove", "acme")
        self.assertFalse(os.path.exists(cache), "a removed tenant's state is forgotten")

    def test_check_exit_codes(self):
        """0 ok, 1 inside the first threshold, 2 within 7 days or expired, 3 unreachable."""
        t = self.issue(lifetime_days=300)["token"]
        self.ctl("tenant", "add", "acme", self.server.url, key=self.key)
        r = self.ctl("check")
        self.assertEqual(r.returncode, 0, r.stdout)
        self.assertTrue(r.stdout.startswith("PROVISIO OK"), r.stdout)

        for offset, code, word, text in ((day(300 - 60) - 60, 0, "OK", None),
                                         (day(300 - 60) + 60, 1, "WARNING", "acme/users expires in 60 days"),
                                         (day(300 - 8) + 60, 1, "WARNING", "expires in 8 days"),
                                         (day(300 - 7) + 60, 2, "CRITICAL", "expires in 7 days"),
                                         (day(300 - 1) + 60, 2, "CRITICAL", "expires in 1 day"),
                                         (day(300) + 60, 2, "CRITICAL", "acme/users expired")):
            self.server.set_clock(offset=offset)
            r = self.ctl("check")
            self.assertEqual(r.returncode, code, (offset, r.stdout))
            self.assertTrue(r.stdout.startswith(f"PROVISIO {word} - "), r.stdout)
            if text:
                self.assertIn(text, r.stdout)
            self.assertEqual(len(r.stdout.strip().splitlines()), 1)

        self.server.stop()
        r = self.ctl("check")
        self.assertEqual(r.returncode, 3, r.stdout)
        self.assertTrue(r.stdout.startswith("PROVISIO UNKNOWN"), r.stdout)
        self.assertIn("Could not reach", r.stdout)
        self.server.start()

    def test_renew_revoke_events(self):
        """renew prints the secret alone, once; revoke protects what the IdP uses."""
        self.ctl("tenant", "add", "acme", self.server.url, key=self.key)
        first = self.ctl("renew", "acme", "users", "--description", "Entra Users")
        self.assertEqual(first.returncode, 0, first.stderr)
        secret = first.stdout.strip()
        self.assertRegex(first.stdout, r"^pvs_[0-9A-Za-z]{49}\n$")
        self.server.secrets.add(secret)
        self.assertIn("Users", first.stderr)
        self.assertIn("/t/acme/scim/users/v2", first.stderr)
        self.assertNotIn(secret, first.stderr)
        conn = self.connection()
        token_id = conn["tokens"][0]["id"]
        self.assertEqual(conn["tokens"][0]["description"], "Entra Users")

        second = self.ctl("renew", "acme", "users")
        self.assertEqual(second.returncode, 0, second.stderr)
        self.server.secrets.add(second.stdout.strip())
        self.assertIn("on-first-use", second.stderr)
        third = self.ctl("renew", "acme", "users")
        self.assertEqual(third.returncode, 1)
        self.assertIn("never been used", third.stderr)
        self.assertIn("--replace-unused", third.stderr)
        self.assertEqual(third.stdout, "")
        self.assertEqual(self.ctl("renew", "acme", "admins").returncode, 2)

        self.server.scim("GET", conn["scim_base_url"], "/ServiceProviderConfig", secret)
        refused = self.ctl("revoke", "acme", "users", token_id)
        self.assertEqual(refused.returncode, 1)
        self.assertIn("still using", refused.stderr)
        forced = self.ctl("revoke", "acme", "users", token_id, "--force")
        self.assertEqual(forced.returncode, 0, forced.stderr)
        gone = [t for t in self.connection()["deleted_tokens"] if t["id"] == token_id][0]
        self.assertEqual(forced.stdout, f"Revoked {token_id} ({gone['prefix']}…); listed as deleted until "
                                        f"{gone['expires_at']}\n")
        # A token id is a path segment, never a query of its own.
        other = self.connection()["tokens"][0]["id"]
        smuggled = self.ctl("revoke", "acme", "users", other + "?force=true")
        self.assertEqual(smuggled.returncode, 1)
        self.assertIn(other, [t["id"] for t in self.connection()["tokens"]])

        events = json.loads(self.ctl("events", "acme", "users", "--json").stdout)
        self.assertIn("token.revoked", [e["type"] for e in events])
        self.assertIn("token.issued", self.ctl("events", "acme", "users").stdout)

    def test_no_keyring(self):
        """Without a Secret Service the key is not kept anywhere else, and the user is told why."""
        env = dict(os.environ, PROVISIO_TENANTS_FILE=self.tenants,
                   DBUS_SESSION_BUS_ADDRESS="unix:path=" + os.path.join(self.workdir, "no-bus"))
        env.pop("DISPLAY", None)
        r = subprocess.run([PROVISIOCTL, "tenant", "add", "acme", self.server.url], input=self.key + "\n",
                           capture_output=True, text=True, env=env, timeout=30)
        self.assertEqual(r.returncode, 1)
        self.assertIn("keyring", r.stderr)
        self.assertNotIn(self.key, r.stdout + r.stderr)
        self.assertFalse(os.path.exists(self.tenants), "nothing kept without the keyring")

    def test_locked_keyring(self):
        """A keyring that stays locked is named as such, not mistaken for a missing key.

        Locking cannot be undone here without a prompt, so this runs in a
        keyring and bus of its own; without a display the unlock prompt fails
        at once, as a dismissed prompt would."""
        script = """
            "$PROVISIOCTL" tenant add acme "$URL" >/dev/null || exit 10
            gdbus call --session --dest org.freedesktop.secrets --object-path /org/freedesktop/secrets \\
                --method org.freedesktop.Secret.Service.Lock "['/org/freedesktop/secrets/collection/login']" >/dev/null
            "$PROVISIOCTL" status; echo "status=$?"
            "$PROVISIOCTL" check; echo "check=$?"
        """
        env = dict(os.environ, PROVISIO_TENANTS_FILE=self.tenants, PROVISIOCTL=PROVISIOCTL, URL=self.server.url)
        for name in ("DISPLAY", "WAYLAND_DISPLAY"):
            env.pop(name, None)
        r = subprocess.run([os.path.join(TOP, "tests", "with-session.sh"), "sh", "-c", script],
                           input=self.key + "\n", capture_output=True, text=True, env=env, timeout=60)
        self.assertIn("status=1", r.stdout, r.stderr)
        self.assertIn("check=3", r.stdout)
        self.assertIn("PROVISIO UNKNOWN - The keyring is locked", r.stdout)
        self.assertIn("provisioctl: The keyring is locked; unlock it and try again", r.stderr)
        self.assertNotIn(self.key, r.stdout + r.stderr)

    def test_calendar(self):
        """The expiries as iCalendar: one event per token on its day, an alarm per threshold, stable UIDs."""
        users = self.issue(lifetime_days=100)["token"]
        persons = self.issue("persons", lifetime_days=200)["token"]
        self.ctl("tenant", "add", "acme", self.server.url, key=self.key)
        out = os.path.join(self.workdir, "expiries.ics")
        r = self.ctl("calendar", "--output", out)
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(out, "rb") as f:
            raw = f.read()
        self.assertTrue(raw.startswith(b"BEGIN:VCALENDAR\r\n") and raw.endswith(b"END:VCALENDAR\r\n"))
        physical = raw.split(b"\r\n")[:-1]
        self.assertTrue(all(len(line) <= 75 for line in physical), "lines fold at 75 octets")
        text = raw.decode("utf-8").replace("\r\n ", "")   # unfold
        events = [block.split("END:VEVENT")[0] for block in text.split("BEGIN:VEVENT")[1:]]
        self.assertEqual(len(events), 3, "two tokens and the admin API key")

        def prop(event, name):
            for line in event.split("\r\n"):
                key, _, value = line.partition(":")
                if key.split(";")[0] == name:
                    return value
            return None

        by_uid = {prop(e, "UID"): e for e in events}
        for token in (users, persons):
            event = by_uid[f"{token['id']}@acme.provisio"]
            self.assertEqual(prop(event, "DTSTART"), token["expires_at"][:10].replace("-", ""))
            self.assertIn(token["prefix"], prop(event, "SUMMARY"))
            self.assertEqual([l for l in event.split("\r\n") if l.startswith("TRIGGER:")],
                             [f"TRIGGER:-P{d}D" for d in (60, 30, 14, 7, 3, 1)])
        self.assertIn("Persons", prop(by_uid[f"{persons['id']}@acme.provisio"], "DESCRIPTION"))
        # The same file again: the same UIDs, so calendars update rather than duplicate.
        again = self.ctl("calendar").stdout   # text mode: CRLF reads as \n
        self.assertEqual(sorted(by_uid), sorted(l[4:] for l in again.replace("\n ", "").split("\n")
                                                if l.startswith("UID:")))

    def test_remind(self):
        """Reminders as desktop notifications at each threshold, once each, with a Renew action."""
        t = self.issue(lifetime_days=100)["token"]
        self.ctl("tenant", "add", "acme", self.server.url, key=self.key)
        log = self.notification_server()

        def sent(expect=0):
            return self.notifications(log, expect)

        # 100 days left: nothing is due.
        r = self.ctl("remind")
        self.assertEqual((r.returncode, r.stdout), (0, ""), r.stderr)
        self.assertEqual(sent(), [])

        steps = ((day(100 - 60) + 60, 60), (day(100 - 30) + 60, 30), (day(100 - 7) + 60, 7), (day(100) + 60, 0))
        for n, (offset, threshold) in enumerate(steps, 1):
            self.server.set_clock(offset=offset)
            r = self.ctl("remind")
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertEqual(len(sent(n)), n, (threshold, r.stdout, r.stderr))
            note = sent()[-1]
            self.assertEqual(note["app_id"], "io.github.provisio.Provisio")
            self.assertIn("Users token of Acme", note["title"])
            self.assertEqual(note["button_actions"], ["app.renew"])
            self.assertEqual(note["button_targets"], [["acme", "users"]])
            self.assertEqual(note["default_action"], "app.show-tenant")
            if threshold == 0:
                self.assertIn("expired", note["title"])
                self.assertEqual(note["priority"], "urgent")
            # Again at the same moment: nothing new.
            self.assertEqual(self.ctl("remind").stdout, "")
            self.assertEqual(len(self.settled(log)), n)

    def test_setup(self):
        """First-time setup: the IdP recorded, the first token shown once in the Okta steps with the
        tenant URL and mappings, then the wait ends with the IdP's first request."""
        self.ctl("tenant", "add", "acme", self.server.url, key=self.key)
        env = dict(os.environ, PROVISIO_TENANTS_FILE=self.tenants)
        proc = subprocess.Popen([PROVISIOCTL, "setup", "acme", "persons", "--idp", "okta"], env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.addCleanup(proc.kill)
        lines = []
        while not lines or not lines[-1].startswith("  - Read the System Log"):
            line = proc.stdout.readline()
            if not line:
                self.fail("".join(lines) + proc.stderr.read())
            lines.append(line)
        text = "".join(lines)
        self.assertIn("Setting up the Persons app of Acme Corp in Okta", text)
        self.assertIn("API Token", text)
        secret = re.search(r"Secret token: (pvs_\w+)", text).group(1)
        url = re.search(r"Tenant URL: (\S+)", text).group(1)
        self.assertTrue(url.endswith("/t/acme/scim/persons/v2"))
        self.assertIn("user.login", text)
        self.assertIn("To check in Okta:", text)
        self.assertEqual(self.connection("persons")["identity_provider"], "okta")

        # The identity provider's first request ends the wait.
        r = self.server.scim("POST", url, "/Users", secret,
                             body={"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
                                   "userName": "ann@acme.example"}, user_agent="Okta SCIM Client 1.0.0")
        self.assertEqual(r.status, 201)
        out, err = proc.communicate(timeout=20)
        self.assertEqual(proc.returncode, 0, err)
        self.assertIn("first request arrived (Okta SCIM Client 1.0.0)", out)

        # Set up already: refused, nothing issued.
        again = self.ctl("setup", "acme", "persons", "--no-wait")
        self.assertEqual(again.returncode, 1)
        self.assertIn("already has a token", again.stderr)
        self.assertEqual(len(self.connection("persons")["tokens"]), 1)

        # Left midway (--no-wait here, a closed assistant in the app): kept where the app's Continue
        # Setup finds it, and continued by the next setup, which waits without a second token.
        state = os.environ.get("XDG_STATE_HOME", os.path.join(os.environ["HOME"], ".local", "state"))
        setups = configparser.ConfigParser(interpolation=None)
        left = self.ctl("setup", "acme", "users", "--no-wait")
        self.assertEqual(left.returncode, 0, left.stderr)
        secret = re.search(r"Secret token: (pvs_\w+)", left.stdout).group(1)
        token = self.connection("users")["tokens"][0]
        setups.read(os.path.join(state, "provisio", "setup.ini"))
        self.assertEqual(dict(setups["acme/users"]), {"idp": "entra", "token": token["id"]})
        proc = subprocess.Popen([PROVISIOCTL, "setup", "acme", "users"], env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.addCleanup(proc.kill)
        line = proc.stdout.readline()
        self.assertRegex(line, r"^Continuing the setup of the Users app of Acme Corp in .*: its token "
                         + re.escape(token["prefix"]) + "…")
        r = self.server.scim("GET", self.connection("users")["scim_base_url"], "/Users?count=1", secret,
                             user_agent="Azure AD SCIM client")
        self.assertEqual(r.status, 200)
        out, err = proc.communicate(timeout=20)
        self.assertEqual(proc.returncode, 0, err)
        self.assertIn("first request arrived (Azure AD SCIM client)", out)
        self.assertNotIn(secret, line + out + err, "the secret shown again")
        self.assertEqual([t["id"] for t in self.connection("users")["tokens"]], [token["id"]])
        setups = configparser.ConfigParser(interpolation=None)
        setups.read(os.path.join(state, "provisio", "setup.ini"))
        self.assertNotIn("acme/users", setups, "the setup done is no longer left midway")

    def test_thresholds_14_3_1(self):
        """The last three thresholds, 14, 3 and 1 days: each fires on its day and not a minute
        before, once, with check's exit code."""
        self.thresholds_fire(None)

    def test_thresholds_preferences(self):
        """The same with the app's preferences set to 14,3,1, which leave out 60, 30 and 7."""
        self.thresholds_fire("14,3,1")

    def thresholds_fire(self, preferences):
        env = {}
        if preferences:
            # The app's settings, as provisioctl reads them: the schema compiled from the source
            # tree, a keyfile of this test's own.
            schemas = os.path.join(self.workdir, "schemas")
            os.makedirs(schemas, exist_ok=True)
            subprocess.run(["glib-compile-schemas", "--targetdir", schemas, os.path.join(TOP, "data")],
                           check=True)
            env = dict(GSETTINGS_SCHEMA_DIR=schemas, GSETTINGS_BACKEND="keyfile",
                       XDG_CONFIG_HOME=os.path.join(self.workdir, "config"))
            subprocess.run(["gsettings", "set", "io.github.provisio.Provisio", "reminder-thresholds",
                            preferences], env=dict(os.environ, **env), check=True)
        t = self.issue(lifetime_days=100, retire="never")["token"]
        self.ctl("tenant", "add", "acme", self.server.url, key=self.key)
        log = self.notification_server()

        def ctl(*args):
            r = subprocess.run([PROVISIOCTL] + list(args), capture_output=True, text=True, timeout=30,
                               env=dict(os.environ, PROVISIO_TENANTS_FILE=self.tenants, TZ="UTC", **env))
            self.assertNotIn(t["prefix"] + "_", r.stdout + r.stderr)
            return r

        def at(days_left, seconds):
            self.server.set_clock(offset=day(100 - days_left) + seconds)

        sent = 0
        # With the preferences, 60, 30 and 7 days are no thresholds: nothing then.
        for n, fires in ((60, not preferences), (30, not preferences), (14, True), (7, not preferences),
                         (3, True), (1, True)):
            at(n, -60)
            r = ctl("remind")
            self.assertEqual((r.returncode, r.stdout), (0, ""), f"a minute before {n} days: {r.stderr}")
            at(n, +60)
            r = ctl("remind")
            self.assertEqual(r.returncode, 0, r.stderr)
            if fires:
                sent += 1
                self.assertEqual(r.stdout, f"The Users token of Acme Corp expires in {n} day{'s' if n > 1 else ''}\n")
                notes = self.notifications(log, sent)
                self.assertEqual(len(notes), sent, (n, r.stdout))
                self.assertIn(f"{n} day", notes[-1]["title"] + notes[-1]["body"])
                self.assertEqual(notes[-1]["priority"], "urgent" if n <= 7 else "normal")
                # Once: again a minute later, nothing.
                self.assertEqual(ctl("remind").stdout, "", n)
                self.assertEqual(len(self.settled(log)), sent, n)
            else:
                self.assertEqual(r.stdout, "", n)
            # check judges by the tenant's schedule: inside its 60 days a warning, within 7 critical.
            r = ctl("check")
            self.assertEqual(r.returncode, 1 if n > 7 else 2, (n, r.stdout))
            self.assertTrue(r.stdout.startswith("PROVISIO WARNING" if n > 7 else "PROVISIO CRITICAL"), r.stdout)
            self.assertIn(f"expires in {n} day", r.stdout)
        self.assertEqual(len(self.notifications(log, sent)), sent)

    def test_remind_summary(self):
        """Many reminders at once are one notification, not a flood."""
        for kind in ("users", "users", "persons", "persons"):
            self.issue(kind, lifetime_days=40, retire="never")
        self.ctl("tenant", "add", "acme", self.server.url, key=self.key)
        log = self.notification_server()
        r = self.ctl("remind")
        self.assertEqual(len(r.stdout.splitlines()), 4, r.stdout)
        self.notifications(log, 1)
        notes = self.settled(log)
        self.assertEqual(len(notes), 1)
        self.assertEqual(notes[0]["title"], "4 tokens and certificates need attention")
        self.assertIn("Acme Corp", notes[0]["body"])
        self.assertEqual(self.ctl("remind").stdout, "", "all four were sent")

    def test_remind_tenant_schedule(self):
        """Without thresholds in the preferences, each tenant's own schedule decides."""
        self.issue(lifetime_days=100)
        r = self.server.request("PUT", "/api/v1/reminders", key=self.key, body={"thresholds_days": [45, 10]})
        self.assertEqual(r.status, 200)
        self.ctl("tenant", "add", "acme", self.server.url, key=self.key)
        log = self.notification_server()
        # 59 days left: past the default 60, but not this tenant's 45.
        self.server.set_clock(offset=day(41))
        self.assertEqual(self.ctl("remind").stdout, "")
        self.server.set_clock(offset=day(55) + 60)
        self.assertIn("expires in 45 days", self.ctl("remind").stdout)

    def test_remind_quiet(self):
        """An Entra connection without a request for two cycles is reported once as stopped."""
        t = self.issue(lifetime_days=300)
        r = self.server.request("PATCH", "/api/v1/provisioning/users", key=self.key,
                                body={"identity_provider": "entra"})
        self.assertEqual(r.status, 200)
        self.assertEqual(self.server.scim("GET", t["scim_base_url"], "/Users?count=1", t["secret"]).status, 200)
        self.ctl("tenant", "add", "acme", self.server.url, key=self.key)
        log = self.notification_server()

        self.server.set_clock(offset=30 * 60)
        self.assertEqual(self.ctl("remind").stdout, "")
        self.server.set_clock(offset=90 * 60)
        r = self.ctl("remind")
        self.assertIn("No SCIM request from the Users app of Acme Corp since", r.stdout, r.stderr)
        self.assertEqual(self.ctl("remind").stdout, "", "once per silence")
        notes = self.notifications(log, 1)
        self.assertEqual(len(notes), 1)
        self.assertEqual(notes[0]["priority"], "urgent")

    def test_secrets_audit(self):
        """With debug logging on, no secret reaches a log or any file of this home (config, cache,
        state, the keyring's own files, which are encrypted); only the outputs meant for them."""
        env = dict(os.environ, PROVISIO_TENANTS_FILE=self.tenants, G_MESSAGES_DEBUG="all")
        logs = []

        def run(*args, stdin=""):
            r = subprocess.run([PROVISIOCTL] + list(args), input=stdin, capture_output=True, text=True,
                               env=env, timeout=30)
            logs.append(r.stderr)
            return r

        self.assertEqual(run("tenant", "add", "acme", self.server.url, stdin=self.key + "\n").returncode, 0)
        setup = run("setup", "acme", "users", "--no-wait")
        first = re.search(r"Secret token: (pvs_\w+)", setup.stdout).group(1)
        r = run("renew", "acme", "users")
        renewed = r.stdout.strip()
        self.assertTrue(renewed.startswith("pvs_"), r.stderr[-500:])
        url = self.connection("users")["scim_base_url"]
        for secret in (first, renewed):
            self.assertEqual(self.server.scim("GET", url, "/Users?count=1", secret).status, 200)
        # A tracked app's token (provisiod's persons endpoint as the vendor): keyring only
        tracked = self.issue(kind="persons", lifetime_days=90)["secret"]
        self.server.secrets.add(tracked)
        r = run("app", "add", "vendorapp", "other", "--url", self.connection("persons")["scim_base_url"],
                "--expires", "2099-01-01", stdin=" " + tracked + "\n")
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(os.path.join(self.workdir, "apps.ini")) as f:
            self.assertNotIn(tracked, f.read(), "a tracked token in apps.ini")
        # ... and renewed by paste: the new token goes to standard output only, to be copied into
        # Okta; meanwhile it waits in the keyring, and every file is searched then too.
        tracked_new = self.issue(kind="persons", lifetime_days=90)["secret"]
        self.server.secrets.add(tracked_new)
        r = run("app", "renew", "vendorapp", "users", "--idp", "okta", "--expires", "2099-06-30",
                stdin=tracked_new + "\n")
        self.assertEqual((r.returncode, r.stdout), (0, tracked_new + "\n"), r.stderr)
        secrets = [self.key, first, renewed, tracked, tracked_new]
        state = os.environ.get("XDG_STATE_HOME", os.path.join(os.environ["HOME"], ".local", "state"))
        self.walk_for(secrets)
        r = run("app", "renew", "vendorapp", "users", "--handed-over")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("vendorapp users: expires 2099-06-30", r.stdout)
        for secret in secrets:
            self.assertNotIn(secret, r.stdout)
        for args in (("status",), ("status", "--json"), ("check",), ("events", "acme", "users", "--json"),
                     ("calendar",), ("remind",), ("tenant", "list"), ("app", "list")):
            out = run(*args).stdout
            for secret in secrets:
                self.assertNotIn(secret, out, args)
        # The keyring holds the tracked token as renewed, and nothing waits any more
        lookup = lambda kind: subprocess.run(["secret-tool", "lookup", "tenant", "app:vendorapp/users", "kind", kind],
                                             capture_output=True, text=True).stdout.strip()
        self.assertEqual((lookup("app-token"), lookup("app-token-pending")), (tracked_new, ""))
        # The debug log ran: tenant add, setup and renew each wrote GIO's debug line for the
        # connection that carried the key and the tokens (an empty log would prove nothing).
        for log in logs[:3]:
            self.assertIn("GLib-GIO-DEBUG", log)
            self.assertIn("GSocketClient: Connection successful!", log)
            # ... and libprovisio's HTTP log (pv-session.c): each request with its headers, the
            # Authorization header that carried the key without its value
            self.assertRegex(log, r"pv-session-DEBUG: [^\n]*> (GET|POST) /")
            self.assertRegex(log, r"pv-session-DEBUG: [^\n]*< HTTP/1\.1 20[01]")
            self.assertIn("> Authorization: [redacted]", log)
        for log in logs:
            for secret in secrets:
                self.assertNotIn(secret, log, "a secret in provisioctl's debug output")
        checked = self.walk_for(secrets)
        self.assertGreater(len(checked), 3, "the tenants file, the cache and the keyring were looked at")
        # The tracked app's own files: its dates, and the vendor's verdict of each check
        self.assertIn(os.path.join(self.workdir, "apps.ini"), checked)
        self.assertIn(os.path.join(state, "provisio", "app-checks.ini"), checked)

    def walk_for(self, secrets):
        """Every file of this home (and the tenants' directory), raw bytes: none may hold a secret."""
        home = os.environ["HOME"]
        checked = []
        for top in {home, self.workdir}:
            for root, _, files in os.walk(top):
                for name in files:
                    path = os.path.join(root, name)
                    try:
                        with open(path, "rb") as f:
                            data = f.read()
                    except OSError:
                        continue
                    checked.append(path)
                    for secret in secrets:
                        self.assertNotIn(secret.encode(), data, f"a secret in {path}")
        return checked

    def test_malformed_answers(self):
        """A tenant that answers with the wrong shapes gets a readable error, never a crash."""
        key = self.key
        answers = {
            "/api/v1/tenant": {"id": "t", "name": "Odd", "api_key": {"owner": "o", "days_left": 9}},
            "/api/v1/provisioning": {"connections": [{"kind": "users", "tokens": "many"}]},
            "/api/v1/sso": {"configured": False},
            "/api/v1/reminders": {"items": [{"state": 7}]},
            "/api/v1/provisioning/users/events?limit=50": {"events": [{"at": 12}]},
            "/api/v1/provisioning/users/tokens": {"token": {"prefix": None}, "secret": 5},
        }

        class Odd(BaseHTTPRequestHandler):
            def answer(self):
                body = json.dumps(answers.get(self.path, {})).encode()
                self.send_response(200 if self.headers.get("Authorization") == "Bearer " + key else 401)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            do_GET = do_POST = answer

            def log_message(self, *args):
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Odd)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        self.addCleanup(server.shutdown)
        url = "http://127.0.0.1:%d" % server.server_address[1]
        self.assertEqual(self.ctl("tenant", "add", "odd", url, key=self.key).returncode, 0)
        for args in (("status",), ("check",), ("events", "odd", "users"), ("renew", "odd", "users")):
            r = self.ctl(*args)
            self.assertIn(r.returncode, (1, 3), (args, r.stdout, r.stderr))
            self.assertIn("The tenant's answer", r.stdout + r.stderr, args)
            self.assertNotIn("CRITICAL", r.stderr)
            self.assertEqual(r.stdout.count("\n") <= 2, True, r.stdout)

    def test_no_tenants(self):
        r = self.ctl("check")
        self.assertEqual(r.returncode, 3)
        self.assertEqual(self.ctl("status").returncode, 0)
        self.assertEqual(self.ctl("frobnicate").returncode, 2)
        self.assertEqual(self.ctl("--help").returncode, 0)

    def test_help(self):
        """Every command has its own --help naming its parameters and only its options."""
        overview = self.ctl("--help")
        commands = {"tenant add": ["NAME URL"], "tenant list": [], "tenant remove": ["NAME"],
                    "calendar": ["--offline", "--output"], "setup": ["--idp", "--no-wait"],
                    "status": ["--json", "--offline"], "check": [], "renew": ["--retire", "--description", "--replace-unused"],
                    "revoke": ["--force"], "events": ["--json"], "test": ["--json"],
                    "app renew": ["NAME KIND", "--handed-over", "--wait"]}
        for command, expected in commands.items():
            self.assertIn(command, overview.stdout)
            r = self.ctl(*command.split(), "--help")
            self.assertEqual(r.returncode, 0, command)
            self.assertIn("provisioctl [OPTION…] " + command, r.stdout)
            for word in expected:
                self.assertIn(word, r.stdout, command)
            for other in {"--force", "--retire", "--offline"} - set(expected):
                self.assertNotIn(other, r.stdout, command)
        wrong = self.ctl("status", "--force")
        self.assertEqual(wrong.returncode, 2)
        self.assertIn("--force", wrong.stderr)
        missing = self.ctl("renew", "acme")
        self.assertEqual(missing.returncode, 2)
        self.assertIn("renew NAME KIND", missing.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
