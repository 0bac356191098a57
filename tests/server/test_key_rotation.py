#!/usr/bin/python3
# provisioctl tenant rotate-key end to end: a real provisiod, a real
# gnome-keyring on a private D-Bus (run through tests/with-session.sh), and a
# relay between the two that steps in right after the tenant has answered
# the rotation: provisioctl killed with SIGKILL there, or the keyring locked
# there.  Whatever happens, the keyring holds a key the tenant accepts and a
# later rotation succeeds.  Also: keys in status, check, remind, calendar.
#
# Copyright 2026 The Provisio authors
# SPDX-License-Identifier: GPL-3.0-or-later

import http.client
import json
import os
import signal
import subprocess
import threading
import time
import unittest
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from pvtest import SECRET, ServerTest, TOP, day

PROVISIOCTL = os.environ.get("PROVISIOCTL", os.path.join(TOP, "build", "src", "cli", "provisioctl"))


def keyring(tenant, kind="admin-key"):
    r = subprocess.run(["secret-tool", "lookup", "tenant", tenant, "kind", kind],
                       capture_output=True, text=True, timeout=10)
    return r.stdout.strip()


def lock_keyring():
    subprocess.run(["gdbus", "call", "--session", "--dest", "org.freedesktop.secrets",
                    "--object-path", "/org/freedesktop/secrets",
                    "--method", "org.freedesktop.Secret.Service.Lock",
                    "['/org/freedesktop/secrets/collection/login']"],
                   check=True, capture_output=True, timeout=10)


def unlock_keyring():
    """with-session.sh's keyring password; a new daemon opens the same keyring files unlocked."""
    subprocess.run("printf test | gnome-keyring-daemon --replace --daemonize --unlock --components=secrets",
                   shell=True, check=True, capture_output=True, timeout=20)
    deadline = time.monotonic() + 10
    while subprocess.run(["secret-tool", "search", "--all", "kind", "admin-key"],
                         capture_output=True, timeout=10).returncode != 0:
        if time.monotonic() > deadline:
            raise AssertionError("the keyring did not come back unlocked")
        time.sleep(0.1)


class Relay:
    """Passes requests to provisiod; after provisiod has answered the first rotation, calls
    on_rotated (with the answer) before the answer goes on."""

    def __init__(self, target, on_rotated=None, on_request=None):
        relay = self
        self.target = urllib.parse.urlsplit(target)
        self.on_rotated = on_rotated
        self.on_request = on_request
        self.rotations = []

        class Handler(BaseHTTPRequestHandler):
            def relay(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                # on_request may answer in provisiod's place (a status), or drop the request (False).
                instead = relay.on_request(relay, self.command, self.path,
                                           self.headers.get("Authorization", "")) if relay.on_request else None
                if instead is False:
                    return
                if instead is not None:
                    data = json.dumps({"error": "internal_error", "message": "Not now"}).encode()
                    self.send_response(instead)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                    return
                conn = http.client.HTTPConnection(relay.target.hostname, relay.target.port, timeout=30)
                headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "connection")}
                conn.request(self.command, self.path, body=body, headers=headers)
                resp = conn.getresponse()
                data = resp.read()
                conn.close()
                if self.command == "POST" and self.path == "/api/v1/keys" and resp.status == 201:
                    answer = json.loads(data)
                    relay.rotations.append(answer)
                    if len(relay.rotations) == 1 and relay.on_rotated and relay.on_rotated(answer) is False:
                        return          # the client is gone
                try:
                    self.send_response(resp.status)
                    for k, v in resp.getheaders():
                        if k.lower() not in ("connection", "transfer-encoding", "content-length"):
                            self.send_header(k, v)
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except OSError:
                    pass
            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = relay

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = "http://127.0.0.1:%d" % self.httpd.server_address[1]
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


class KeyRotation(ServerTest):

    def setUp(self):
        super().setUp()
        self.tenants = os.path.join(self.workdir, "tenants.ini")
        self.env = dict(os.environ, PROVISIO_TENANTS_FILE=self.tenants, TZ="UTC")
        for name in ("DISPLAY", "WAYLAND_DISPLAY"):   # an unlock prompt fails at once, as a dismissed one
            self.env.pop(name, None)

    def ctl(self, *args, key=None):
        r = subprocess.run([PROVISIOCTL] + list(args), input=(key + "\n") if key else "",
                           capture_output=True, text=True, env=self.env, timeout=60)
        for secret in self.server.secrets | {self.key}:
            self.assertNotIn(secret, r.stdout + r.stderr, "a key was printed")
        return r

    def works(self, key):
        return self.server.request("GET", "/api/v1/tenant", key=key).status == 200

    def add(self, url=None):
        r = self.ctl("tenant", "add", "acme", url or self.server.url, key=self.key)
        self.assertEqual(r.returncode, 0, r.stderr)

    def test_rotate(self):
        self.add()
        r = self.ctl("tenant", "rotate-key", "acme")
        self.assertEqual(r.returncode, 0, r.stderr)
        new = keyring("acme")
        self.server.secrets.add(new)
        self.assertTrue(SECRET.fullmatch(new) and new != self.key, "the new key is in the keyring")
        self.assertIn(new[:10], r.stdout, "its prefix is shown")
        self.assertEqual(keyring("acme", "admin-key-previous"), "", "the old key is forgotten")
        # provisioctl made a request with the new key: the old one retired (grace 0 here).
        self.assertTrue(self.works(new))
        self.assertFalse(self.works(self.key))
        self.assertEqual(self.ctl("status").returncode, 0)
        # And again, with the new key.
        self.assertEqual(self.ctl("tenant", "rotate-key", "acme").returncode, 0)
        self.server.secrets.add(keyring("acme"))
        self.assertTrue(self.works(keyring("acme")))
        self.assertFalse(self.works(new))

    def run_rotation_through(self, on_rotated=None, on_request=None):
        relay = Relay(self.server.url, on_rotated, on_request)
        self.addCleanup(relay.close)
        self.add(relay.url)
        self.proc = subprocess.Popen([PROVISIOCTL, "tenant", "rotate-key", "acme"], env=self.env,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        out, err = self.proc.communicate(timeout=60)
        lost = relay.rotations[0]["secret"]
        self.server.secrets.add(lost)
        for secret in (self.key, lost):
            self.assertNotIn(secret, out + err)
        return self.proc.returncode, err, lost, relay

    def later_rotation_succeeds(self, lost):
        r = self.ctl("tenant", "rotate-key", "acme")
        self.assertEqual(r.returncode, 0, r.stderr)
        new = keyring("acme")
        self.server.secrets.add(new)
        self.assertNotIn(new, (self.key, lost))
        self.assertTrue(self.works(new))
        self.assertFalse(self.works(self.key), "the old key retired after the new one's use")
        self.assertFalse(self.works(lost), "the key whose answer was lost is revoked")

    def test_killed_between_answer_and_keyring(self):
        """SIGKILL after the tenant issued the new key, before provisioctl could keep it."""
        def kill(answer):
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(timeout=10)
            return False
        rc, err, lost, relay = self.run_rotation_through(kill)
        self.assertEqual(rc, -signal.SIGKILL)
        self.assertEqual(keyring("acme"), self.key, "the keyring still holds the old key")
        self.assertTrue(self.works(self.key), "and the old key still works")
        self.assertEqual(self.ctl("status").returncode, 0)
        self.later_rotation_succeeds(lost)

    def test_keyring_locked_during_rotation(self):
        """The keyring locked right after the tenant issued the new key: nothing changes."""
        self.addCleanup(unlock_keyring)
        rc, err, lost, relay = self.run_rotation_through(lambda answer: lock_keyring())
        self.assertEqual(rc, 1)
        self.assertIn("the keyring did not keep it", err)
        self.assertIn("The keyring is locked", err)
        self.assertIn("the current key keeps working", err)
        self.assertTrue(self.works(self.key), "the old key still works")
        unlock_keyring()
        self.assertEqual(keyring("acme"), self.key, "the keyring still holds the old key")
        self.later_rotation_succeeds(lost)

    def first_use_of_new_key(self, then):
        """on_request: the first request with the rotated key meets @then."""
        met = []

        def hook(relay, method, path, auth):
            if relay.rotations and auth == "Bearer " + relay.rotations[0]["secret"] and not met:
                met.append(path)
                return then()
            return None
        return hook

    def test_new_key_kept_but_not_yet_used(self):
        """The tenant out of reach for the request with the new key: the keyring holds the new key,
        the old one still works, and the next rotation (with the new key) succeeds."""
        rc, err, kept, relay = self.run_rotation_through(on_request=self.first_use_of_new_key(lambda: 503))
        self.assertEqual(rc, 1)
        self.assertIn("The new admin API key is in the keyring, but the tenant could not be asked with it yet",
                      err)
        self.assertEqual(keyring("acme"), kept, "the new key is kept")
        self.assertEqual(keyring("acme", "admin-key-previous"), self.key, "the old key is still aside")
        # Forgetting the tenant forgets both.
        relay.close()
        self.assertEqual(self.ctl("tenant", "remove", "acme").returncode, 0)
        self.assertEqual((keyring("acme"), keyring("acme", "admin-key-previous")), ("", ""))
        self.add()
        self.assertEqual(keyring("acme"), self.key)
        self.assertTrue(self.works(self.key), "the old key still works: the new one was never used")
        # Added again with the old key (still working): the next rotation succeeds, and revokes
        # the kept key, which was never used.
        r = self.ctl("tenant", "rotate-key", "acme")
        self.assertEqual(r.returncode, 0, r.stderr)
        new = keyring("acme")
        self.server.secrets.add(new)
        self.assertTrue(self.works(new))
        self.assertFalse(self.works(self.key))
        self.assertFalse(self.works(kept), "the unused key of the earlier rotation is revoked")
        self.assertEqual(keyring("acme", "admin-key-previous"), "")

    def test_killed_between_keyring_and_first_use(self):
        """SIGKILL after the new key is in the keyring, before it was used: both keys work."""
        def kill():
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(timeout=10)
            return False
        rc, err, kept, relay = self.run_rotation_through(on_request=self.first_use_of_new_key(kill))
        self.assertEqual(rc, -signal.SIGKILL)
        self.assertEqual(keyring("acme"), kept)
        self.assertTrue(self.works(self.key), "the old key works: the new one was never used")
        self.assertTrue(self.works(kept), "and so does the new one, which the keyring holds")
        self.assertEqual(self.ctl("tenant", "rotate-key", "acme").returncode, 0)
        self.server.secrets.add(keyring("acme"))
        self.assertTrue(self.works(keyring("acme")))

    def test_expired_key(self):
        self.add()
        self.server.set_clock(offset=day(366))
        r = self.ctl("tenant", "rotate-key", "acme")
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn("expired", r.stderr)
        self.assertIn("tenant’s owner", r.stderr)
        self.assertNotIn("did not accept", r.stderr)
        c = self.ctl("check")
        self.assertEqual(c.returncode, 2, c.stdout)
        self.assertIn("PROVISIO CRITICAL", c.stdout)
        self.assertIn("has expired", c.stdout)
        s = self.ctl("status")
        self.assertIn("has expired", s.stdout)

    def test_key_in_status_check_calendar_remind(self):
        self.add()
        key_id = self.server.request("GET", "/api/v1/tenant", key=self.key).json["api_key"]["id"]
        status = json.loads(self.ctl("status", "--json").stdout)["tenants"][0]["admin_key"]
        self.assertEqual((status["id"], status["days_left"], status["state"]), (key_id, 365, "ok"))
        self.assertIn("key", self.ctl("status").stdout.split("\n")[1])
        self.assertEqual(self.ctl("check").returncode, 0)

        ics = self.ctl("calendar").stdout.replace("\n ", "")
        self.assertIn(f"UID:{key_id}@acme.provisio", ics)

        # 13 days left: due soon, a warning, and one reminder.
        self.server.set_clock(offset=day(365 - 13))
        c = self.ctl("check")
        self.assertEqual(c.returncode, 1, c.stdout)
        self.assertIn("acme/admin-key expires in 13 days", c.stdout)
        self.assertIn("due-soon", self.ctl("status").stdout)
        log = self.notification_server()
        r = self.ctl("remind")
        self.assertEqual(r.returncode, 0, r.stderr)
        notes = self.notifications(log, 1)
        self.assertEqual(len(notes), 1, notes)
        self.assertIn("admin API key for Acme", notes[0]["title"])
        self.assertIn("rotate-key", notes[0]["body"])
        # 5 days left: urgent, critical.
        self.server.set_clock(offset=day(365 - 5))
        self.assertEqual(self.ctl("check").returncode, 2)


if __name__ == "__main__":
    unittest.main()
