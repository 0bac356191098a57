#!/usr/bin/python3
# The Entra step done through Microsoft Graph, end to end: provisioctl signs
# in with the device code flow, finds the tenant's Entra apps, links them and
# hands a renewed token over, against a real provisiod and a local stand-in
# for Microsoft's sign-in and Graph (fake_entra.py, built from Microsoft's
# documented requests and responses), with a real gnome-keyring on a private
# D-Bus (run through tests/with-session.sh).
#
# Copyright 2026 The Provisio authors
# SPDX-License-Identifier: GPL-3.0-or-later

import datetime
import hashlib
import json
import os
import re
import subprocess
import tempfile
import time
import unittest
import urllib.request

from fake_entra import SECRET_PATTERN
from pvtest import ServerTest, TOP

PROVISIOCTL = os.environ.get("PROVISIOCTL", os.path.join(TOP, "build", "src", "cli", "provisioctl"))
FAKE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fake_entra.py")
# The stand-in's access and refresh tokens and device codes; none may be printed.
GRAPH_TOKEN = re.compile(SECRET_PATTERN)


class Entra(ServerTest):

    def setUp(self):
        super().setUp()
        self.tenants = os.path.join(self.workdir, "tenants.ini")
        self.config = tempfile.mkdtemp(prefix="provisio-config-")
        self.fake = subprocess.Popen(["/usr/bin/python3", FAKE], stdout=subprocess.PIPE, text=True)
        self.addCleanup(self.fake.wait)
        self.addCleanup(self.fake.terminate)
        self.addCleanup(self.fake.stdout.close)
        line = self.fake.stdout.readline()
        self.fake_url = re.match(r"fake-entra: listening on (\S+)", line).group(1)
        self.assertEqual(self.ctl("tenant", "add", "acme", self.server.url, key=self.key).returncode, 0)
        self.users_url = self.connection("users")["scim_base_url"]
        self.persons_url = self.connection("persons")["scim_base_url"]
        self.control("app", id="11111111-aaaa", displayName="Acme Users", base_address=self.users_url)
        self.control("app", id="22222222-bbbb", displayName="Acme Persons", base_address=self.persons_url)
        self.control("app", id="33333333-cccc", displayName="Other SaaS", base_address="https://other.example/scim")
        self.control("app", id="44444444-dddd", displayName="Office (no provisioning)", status="None")

    def control(self, what, **args):
        req = urllib.request.Request(self.fake_url + "/_control/" + what, data=json.dumps(args).encode(),
                                     method="POST", headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=20) as r:
            return json.loads(r.read())

    def ctl(self, *args, key=None, stdin=None):
        env = dict(os.environ, PROVISIO_TENANTS_FILE=self.tenants, TZ="UTC", G_MESSAGES_DEBUG="all",
                   XDG_CONFIG_HOME=getattr(self, "config", self.workdir),
                   XDG_STATE_HOME=os.path.join(getattr(self, "config", self.workdir), "state"))
        r = subprocess.run([PROVISIOCTL] + list(args), input=(key + "\n") if key else (stdin or ""),
                           capture_output=True, text=True, env=env, timeout=60)
        self.assertNotIn(self.key, r.stdout + r.stderr, "the admin key was printed")
        self.assertIsNone(GRAPH_TOKEN.search(r.stdout + r.stderr), "a Microsoft token was printed")
        self.assertNotIn("CRITICAL", r.stderr)
        # What the admin reads, without the debug log.
        r.stderr = "".join(line for line in r.stderr.splitlines(True) if not line.startswith("(provisioctl:"))
        return r

    def sign_in(self):
        self.control("set", auto_approve=1)
        r = self.ctl("entra", "sign-in", "--cloud", "custom", "--login-url", self.fake_url,
                     "--graph-url", self.fake_url, "--directory", "contoso.example")
        self.assertEqual(r.returncode, 0, r.stderr)
        return r

    def link(self, kind):
        r = self.ctl("entra", "link", "acme", kind, "--yes")
        self.assertEqual(r.returncode, 0, r.stderr)

    def in_use(self, kind="users"):
        """A token the IdP uses, as before a renewal."""
        old = self.issue(kind)
        self.assertEqual(self.server.scim("GET", old["scim_base_url"], "/Users", old["secret"]).status, 200)
        return old

    def renew(self, kind="users"):
        r = self.ctl("renew", "acme", kind, "--entra")
        secret = r.stdout.strip()
        self.assertRegex(secret, r"^pvs_[0-9A-Za-z]+$", "the secret alone on standard output: " + r.stderr)
        self.server.secrets.add(secret)
        return r, secret

    def state(self):
        return self.control("state")

    def test_sign_in_discover_link_and_hand_over(self):
        r = self.sign_in()
        self.assertIn("as admin@contoso.example", r.stdout)
        self.assertRegex(r.stderr, r"open https://microsoft.com/devicelogin .* enter the code [A-Z0-9]{9}")
        # The refresh token is in the keyring, the configuration holds none.
        found = subprocess.run(["secret-tool", "search", "--all", "kind", "graph-refresh-token"],
                               capture_output=True, text=True)
        self.assertIn("secret = 0.AAAA", found.stdout)
        with open(os.path.join(self.config, "provisio", "entra.ini")) as f:
            ini = f.read()
        self.assertIn("directory=contoso.example", ini)
        self.assertNotIn("0.AAAA", ini)

        apps = json.loads(self.ctl("entra", "apps", "--json").stdout)
        self.assertEqual([a["display_name"] for a in apps], ["Acme Persons", "Acme Users", "Other SaaS"],
                         "every app with a job, over several pages, by name")
        users = apps[1]
        self.assertEqual((users["base_address"], users["status"]), (self.users_url, "Active"))
        self.assertEqual(users["connections"], [{"tenant": "acme", "kind": "users", "linked": False}])
        self.assertEqual(apps[2]["connections"], [])

        # Linking asks first; no means nothing is linked.
        no = self.ctl("entra", "link", "acme", "users", stdin="n\n")
        self.assertEqual(no.returncode, 1)
        self.assertIn("Link the Users connection of acme to the Entra app “Acme Users”?", no.stderr)
        self.assertEqual(self.ctl("entra", "link", "acme", "users", stdin="y\n").returncode, 0)
        with open(os.path.join(self.config, "provisio", "entra.ini")) as f:
            self.assertIn("[link acme users]\nservice-principal=11111111-aaaa\njob=scim.11111111\n", f.read())

        old = self.in_use()
        self.control("set", throttle=2)   # Graph throttles twice on the way
        r, secret = self.renew()
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("Microsoft Graph is busy; trying again in 1 second", r.stderr)
        for step in ("[1/4] Save the tenant URL and the new token in “Acme Users”",
                     "[2/4] Entra tests the connection of “Acme Users” to the tenant",
                     "[3/4] Read the provisioning state of “Acme Users”",
                     "[4/4] Restart provisioning of “Acme Users” out of quarantine: Not in quarantine"):
            self.assertIn(step, r.stderr)
        saved = self.state()["apps"]["11111111-aaaa"]
        self.assertEqual(saved["secret_sha256"], hashlib.sha256(secret.encode()).hexdigest())
        self.assertEqual(saved["base_address"], self.users_url)
        log = [(m, p) for m, p, s in self.state()["log"] if s in (200, 204)]
        self.assertLess(log.index(("PUT", "/v1.0/servicePrincipals/11111111-aaaa/synchronization/secrets")),
                        log.index(("POST", "/v1.0/servicePrincipals/11111111-aaaa/synchronization/jobs/scim.11111111/validateCredentials")),
                        "saved before Entra tests it, so the old token retires only once Entra has the new one")
        # Entra's test was the new token's first use, but a test only reads: the old token
        # stays until Entra provisions with the new one.
        tokens = {t["id"]: t for t in self.connection("users")["tokens"]}
        new = next(t for t in tokens.values() if t["replaces"] == old["token"]["id"])
        self.assertIsNotNone(new["last_used_at"])
        self.assertIsNone(tokens[old["token"]["id"]]["retires_at"])
        self.assertEqual(self.server.scim("GET", self.users_url, "/Users", old["secret"]).status, 200)
        # Entra's next cycle that changes something (a new user in scope) uses the new token:
        # the old one retires (at once here: the test server's window is 0).
        self.assertEqual(self.control("run", id="11111111-aaaa", change=True)["status"], 200)
        tokens = {t["id"]: t for t in self.connection("users")["tokens"]}
        self.assertNotIn(old["token"]["id"], tokens)
        self.assertEqual(self.server.scim("GET", self.users_url, "/Users", secret).status, 200)
        self.assertEqual(self.server.scim("GET", self.users_url, "/Users", old["secret"]).status, 401)

        health = self.ctl("entra", "status")
        self.assertEqual(health.returncode, 0, health.stdout)
        self.assertIn("acme · Users app “Acme Users”\n  Active; last successful run", health.stdout)

    def linked_tracked_app(self):
        """provisiod's users endpoint tracked as the app "vendorapp", linked to its Entra app;
        the token Entra uses."""
        self.sign_in()
        old = self.in_use()
        r = self.ctl("app", "add", "vendorapp", "other", "--url", self.users_url, "--expires", "2099-01-01",
                     key=old["secret"])
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(self.ctl("entra", "link", "vendorapp", "users", "--yes").returncode, 0)
        return old

    def app_token(self, kind):
        """vendorapp's users token in the keyring, as kept (app-token) or waiting (app-token-pending)."""
        return subprocess.run(["secret-tool", "lookup", "tenant", "app:vendorapp/users", "kind", kind],
                              capture_output=True, text=True).stdout.strip()

    def test_tracked_app_recorded_after_a_cycle(self):
        """A tracked app's new token handed to Entra through Graph is recorded only once Entra's
        next cycle succeeded with it; a cycle that fails records nothing."""
        old = self.linked_tracked_app()
        apps_ini = os.path.join(self.workdir, "apps.ini")

        token = self.app_token

        def ini():
            with open(apps_ini) as f:
                return f.read()

        new = self.issue("users")
        self.server.secrets.add(new["secret"])
        r = self.ctl("app", "renew", "vendorapp", "users", "--expires", "2099-06-30", key=new["secret"])
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("[2/4] Entra tests the connection of “Acme Users”", r.stderr)
        self.assertIn("After Entra's next cycle, run: provisioctl app renew vendorapp users --handed-over", r.stderr)
        self.assertEqual(self.state()["apps"]["11111111-aaaa"]["secret_sha256"],
                         hashlib.sha256(new["secret"].encode()).hexdigest())
        self.assertEqual((token("app-token"), token("app-token-pending")), (old["secret"], new["secret"]),
                         "Entra has it, but has not provisioned with it")
        self.assertIn("users-sent=", ini())
        self.assertIn("(new token handed to Entra, waiting for its next cycle)", self.ctl("app", "list").stdout)
        self.assertIn("users-expires=2099-01-01", ini(), "the old token's date until then")

        # No cycle since the hand-over: nothing recorded yet, nothing lost.
        r = self.ctl("app", "renew", "vendorapp", "users", "--handed-over")
        self.assertEqual(r.returncode, 75, r.stderr)
        self.assertIn("has not finished a provisioning cycle with it yet", r.stderr)
        self.assertEqual(token("app-token-pending"), new["secret"])

        # Entra's next cycle provisions with it: recorded, the old one forgotten.
        time.sleep(1.1)   # a cycle that ends the very second of the hand-over does not count
        self.assertEqual(self.control("run", id="11111111-aaaa")["status"], 200)
        r = self.ctl("app", "renew", "vendorapp", "users", "--handed-over")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("Entra provisions with the new token: Active; last successful run", r.stderr)
        self.assertEqual((token("app-token"), token("app-token-pending")), (new["secret"], ""))
        self.assertIn("users-expires=2099-06-30", ini())
        self.assertNotIn("users-sent", ini())
        self.assertNotIn("pending", ini())

        # A cycle that fails with the next token (revoked at the vendor once Entra had it)
        # records nothing: the token waits, and the message says why.
        self.revoke(old["token"]["id"], force=True)
        newer = self.issue("users")
        self.server.secrets.add(newer["secret"])
        r = self.ctl("app", "renew", "vendorapp", "users", "--expires", "2099-09-30", key=newer["secret"])
        self.assertEqual(r.returncode, 0, r.stderr)
        self.revoke(newer["token"]["id"], force=True)
        time.sleep(1.1)
        self.assertEqual(self.control("run", id="11111111-aaaa")["status"], 401)
        r = self.ctl("app", "renew", "vendorapp", "users", "--handed-over")
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn("Entra's provisioning failed after it got the new token", r.stderr)
        self.assertIn("rejected the credentials (HTTP 401)", r.stderr)
        self.assertEqual((token("app-token"), token("app-token-pending")), (new["secret"], newer["secret"]))
        for secret in (old["secret"], new["secret"], newer["secret"]):
            self.assertNotIn(secret, ini())

    def test_tracked_app_renew_waits(self):
        """app renew --wait waits for Entra's next successful cycle instead of exiting 75, says so
        on standard error, and records the token once the cycle succeeded; Ctrl+C leaves the token
        handed over and waiting, as the app shows it."""
        import signal
        import threading

        old = self.linked_tracked_app()
        env = dict(os.environ, PROVISIO_TENANTS_FILE=self.tenants, TZ="UTC", XDG_CONFIG_HOME=self.config,
                   XDG_STATE_HOME=os.path.join(self.config, "state"))

        token = self.app_token

        def start(*args, stdin=""):
            p = subprocess.Popen([PROVISIOCTL, "app", "renew", "vendorapp", "users", "--wait"] + list(args),
                                 stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                 text=True, env=env)
            self.addCleanup(p.stderr.close)
            self.addCleanup(p.stdout.close)
            self.addCleanup(p.kill)
            p.stdin.write(stdin)
            p.stdin.close()
            lines = []
            threading.Thread(target=lambda: lines.extend(p.stderr), daemon=True).start()
            return p, lines

        def said(lines, text, timeout=30):
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                if any(text in line for line in lines):
                    return True
                time.sleep(0.05)
            self.fail(f"not said: {text}: {''.join(lines)}")

        # Handed over through Graph, then waiting: Ctrl+C stops, nothing recorded, nothing lost.
        new = self.issue("users")
        self.server.secrets.add(new["secret"])
        p, lines = start("--expires", "2099-06-30", stdin=new["secret"] + "\n")
        said(lines, "[2/4] Entra tests the connection of “Acme Users”")
        said(lines, "Waiting for Entra's next provisioning cycle with the new token (")
        self.assertIsNone(p.poll(), "it waits")
        p.send_signal(signal.SIGINT)
        self.assertEqual(p.wait(timeout=10), 75, "".join(lines))
        said(lines, "has not finished a provisioning cycle with it yet")
        self.assertNotIn("--handed-over\n", "".join(lines), "--wait does not say to run it again by hand first")
        self.assertNotIn(new["secret"], "".join(lines))
        self.assertEqual((token("app-token"), token("app-token-pending")), (old["secret"], new["secret"]))
        self.assertIn("(new token handed to Entra, waiting for its next cycle)", self.ctl("app", "list").stdout)

        # --handed-over --wait: the cycle comes while it waits; the token is recorded.
        p, lines = start("--handed-over")
        said(lines, "Waiting for Entra's next provisioning cycle with the new token (")
        time.sleep(1.1)   # a cycle that ends the very second of the hand-over does not count
        self.assertEqual(self.control("run", id="11111111-aaaa")["status"], 200)
        # Read again at the app's interval (PV_ENTRA_CYCLE_POLL_SECONDS, a minute)
        self.assertEqual(p.wait(timeout=90), 0, "".join(lines))
        said(lines, "Entra provisions with the new token: Active; last successful run")
        self.assertEqual((token("app-token"), token("app-token-pending")), (new["secret"], ""))
        self.assertNotIn("waiting for its next cycle", self.ctl("app", "list").stdout)

    def test_quarantined_job_restarted(self):
        self.sign_in()
        self.control("quarantine", id="22222222-bbbb")
        self.link("persons")
        before = self.ctl("entra", "status")
        self.assertEqual(before.returncode, 1)
        self.assertIn("In quarantine since", before.stdout)
        self.assertIn("(EncounteredQuarantineException)", before.stdout)
        self.assertIn("rejected the credentials (HTTP 401)", before.stdout)

        self.control("set", restart_delay=3)
        r, secret = self.renew("persons")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("[4/4] Restart provisioning of “Acme Persons” out of quarantine…\n      done: asked for; "
                      "Entra restarts the job in the background, so it does not show as Active at once", r.stderr)
        # Restarting is asynchronous: the job is not Active at once, and
        # status says what it sees rather than what it hopes.
        self.assertEqual(self.state()["apps"]["22222222-bbbb"]["status"], "Quarantine")
        self.assertIn("In quarantine since", self.ctl("entra", "status").stdout)
        for _ in range(50):
            state = self.state()
            if ["22222222-bbbb", 200] in state["runs"]:
                break
            time.sleep(0.2)
        self.assertEqual(state["apps"]["22222222-bbbb"]["status"], "Active")
        self.assertIn(["22222222-bbbb", 200], state["runs"], "the restarted job ran with the new token")
        after = self.ctl("entra", "status")
        self.assertEqual(after.returncode, 0, after.stdout)
        self.assertIn("Acme Persons", after.stdout)
        self.assertNotIn("quarantine", after.stdout)

    def test_sign_in_refused(self):
        # Declined by the admin.
        self.control("set", auto_approve=None)
        p = subprocess.Popen([PROVISIOCTL, "entra", "sign-in", "--cloud", "custom", "--login-url", self.fake_url,
                              "--graph-url", self.fake_url],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             env=dict(os.environ, XDG_CONFIG_HOME=self.config))
        self.assertIn("enter the code", p.stderr.readline())
        self.control("decline")
        out, err = p.communicate(timeout=30)
        self.assertEqual(p.returncode, 1)
        self.assertIn("The sign-in was declined", err)
        # The code expires unused.
        self.control("set", code_lifetime=2)
        r = self.ctl("entra", "sign-in", "--cloud", "custom", "--login-url", self.fake_url, "--graph-url", self.fake_url)
        self.assertEqual(r.returncode, 1)
        self.assertIn("The code expired before the sign-in was finished", r.stderr)
        # Nothing kept; Graph commands say to sign in.
        found = subprocess.run(["secret-tool", "search", "--all", "kind", "graph-refresh-token"],
                               capture_output=True, text=True)
        self.assertNotIn(self.fake_url.split("//")[1], found.stdout + found.stderr)
        r = self.ctl("entra", "apps")
        self.assertEqual(r.returncode, 1)
        self.assertIn("Run provisioctl entra sign-in first", r.stderr)
        # A national cloud is named; an unknown one is refused.
        bad = self.ctl("entra", "sign-in", "--cloud", "mars")
        self.assertEqual(bad.returncode, 2)
        self.assertIn("“mars” is not a Microsoft cloud", bad.stderr)
        plain = self.ctl("entra", "sign-in", "--cloud", "custom", "--login-url", "http://login.example",
                         "--graph-url", self.fake_url)
        self.assertEqual(plain.returncode, 2)
        self.assertIn("needs HTTPS", plain.stderr)

    def assertFellBack(self, r, secret, old, message):
        self.assertEqual(r.returncode, 1)
        self.assertIn("Entra was not updated: ", r.stderr)
        self.assertIn(message, r.stderr)
        self.assertIn("Nothing is lost: the new token is valid and the old one keeps working", r.stderr)
        self.assertIn("Enterprise applications", r.stderr, "the manual steps follow")
        # Nothing lost: the IdP's token still works, the new one was printed and is valid.
        self.assertEqual(self.server.scim("GET", self.users_url, "/Users", old["secret"]).status, 200)
        ids = [t["id"] for t in self.connection("users")["tokens"]]
        self.assertIn(old["token"]["id"], ids)
        self.assertEqual(len(ids), 2)

    def test_graph_failures_fall_back(self):
        self.sign_in()
        self.link("users")
        old = self.in_use()

        self.control("set", forbidden=True)
        r, secret = self.renew()
        self.assertFellBack(r, secret, old, "The Microsoft account may not do this")
        self.assertIn("(Insufficient privileges to complete the operation.)", r.stderr)
        self.assertIsNone(self.state()["apps"]["11111111-aaaa"]["secret_sha256"])
        self.control("set", forbidden=False)
        self.revoke(self.connection("users")["tokens"][0]["id"])

        # Entra cannot reach the tenant: saved, but its test fails; the old token is untouched.
        self.control("set", fail_validation=True)
        r, secret = self.renew()
        self.assertFellBack(r, secret, old, "Entra could not use the tenant URL and the new token")
        self.assertIn("[2/4] Entra tests the connection of “Acme Users” to the tenant…\n      failed", r.stderr)
        self.control("set", fail_validation=False)
        self.revoke(self.connection("users")["tokens"][0]["id"])

        # The network goes midway: Graph's answer to the test never comes.
        self.control("set", drop="validateCredentials")
        r, secret = self.renew()
        self.assertFellBack(r, secret, old, "Could not reach Microsoft")
        self.revoke(self.connection("users")["tokens"][0]["id"])

        # Throttled for longer than provisioctl waits (two minutes).
        self.control("set", throttle=1000, retry_after=600)
        r, secret = self.renew()
        self.assertFellBack(r, secret, old, "Microsoft Graph is busy")
        self.control("set", throttle=0)
        self.revoke(self.connection("users")["tokens"][0]["id"])

        # The sign-in revoked at Microsoft: 401, then the refresh fails.
        self.control("set", revoke_sign_in=True)
        r, secret = self.renew()
        self.assertFellBack(r, secret, old, "sign in again")

    def keyring_refresh_tokens(self, directory="contoso.example"):
        """The refresh tokens the keyring holds for this stand-in's sign-in."""
        name = f"entra:{self.fake_url}:{directory}:14d82eec-204b-4c2f-b7e8-296a70dab67e"
        found = subprocess.run(["secret-tool", "search", "--all", "kind", "graph-refresh-token", "tenant", name],
                               capture_output=True, text=True)
        return re.findall(r"secret = (0\.AAAA\S+)", found.stdout)

    def keyring_refresh_token(self):
        held = self.keyring_refresh_tokens()
        self.assertLessEqual(len(held), 1)
        return held[0] if held else None

    def token_calls(self):
        return [s for m, p, s in self.state()["log"] if p.endswith("/oauth2/v2.0/token")]

    def test_missing_rights_are_not_a_dead_sign_in(self):
        """Graph answers 401 UnknownError for missing rights: the refresh works, the retry still gets 401."""
        self.sign_in()
        self.link("users")
        old = self.in_use()

        # No Application Administrator role.
        self.control("set", role=False)
        before = len(self.token_calls())
        r, secret = self.renew()
        self.assertFellBack(r, secret, old, "The Microsoft sign-in works, but the account may not manage provisioning; "
                                            "it needs the Application Administrator or Cloud Application Administrator role")
        self.assertIn("(HTTP 401)", r.stderr)
        self.assertNotIn("sign in again", r.stderr)
        self.assertEqual(self.token_calls()[before:].count(200), 2,
                         "one refresh at start, one after the first 401; both worked")
        self.assertIsNotNone(self.keyring_refresh_token(), "the sign-in is kept")
        self.revoke(self.connection("users")["tokens"][0]["id"])

        # The role, but no consent for Synchronization.ReadWrite.All.
        self.control("set", role=True, consented=["Application.Read.All", "offline_access", "openid", "profile"])
        r, secret = self.renew()
        self.assertFellBack(r, secret, old, "Synchronization.ReadWrite.All was not consented to for it; an "
                                            "administrator grants admin consent")
        self.assertIsNotNone(self.keyring_refresh_token())
        self.revoke(self.connection("users")["tokens"][0]["id"])

        # Both back: the same sign-in works without signing in again.
        self.control("set", consented=["Synchronization.ReadWrite.All", "Application.Read.All", "offline_access",
                                       "openid", "profile"])
        r, secret = self.renew()
        self.assertEqual(r.returncode, 0, r.stderr)

    def test_discovery_skips_what_it_cannot_read(self):
        """First-party apps answer the jobs endpoint in undocumented ways: each is skipped, counted and named."""
        self.sign_in()
        odd = {
            "55555555-eeee": ("Office 365 Exchange Online", {"status": 403, "body": {"error": {
                "code": "Authorization_RequestDenied", "message": "Insufficient privileges to complete the operation."}}}),
            "66666666-ffff": ("Microsoft Teams Services", {"status": 401, "body": {"error": {
                "code": "UnknownError", "message": ""}}}),
            "77777777-0000": ("Windows Azure Service Management API", {"status": 500, "body": "<html><body>Internal "
                                                                                              "error</body></html>"}),
            "88888888-1111": ("Microsoft Graph", {"status": 200, "body": {"value": "not a list"}}),
            "99999999-2222": ("SharePoint Online", {"status": 400, "body": {"error": {
                "code": "BadRequest", "message": "The service principal does not support synchronization."}}}),
            "aaaaaaaa-3333": ("Skype for Business", {"status": 404, "body": {"error": {
                "code": "Request_ResourceNotFound", "message": "No synchronization."}}}),
        }
        for sp, (name, answer) in odd.items():
            self.control("app", id=sp, displayName=name, jobs_answer=answer)
        # A BaseAddress Graph masks is no address.
        self.control("app", id="bbbbbbbb-4444", displayName="Masked SaaS", base_address="*")

        r = self.ctl("entra", "apps", "--json")
        self.assertEqual(r.returncode, 0, r.stderr)
        apps = json.loads(r.stdout)
        self.assertEqual([a["display_name"] for a in apps],
                         ["Acme Persons", "Acme Users", "Masked SaaS", "Other SaaS"], "the scan went on")
        self.assertIsNone(apps[2]["base_address"])
        self.assertIn("Skipped 5 enterprise apps whose provisioning Microsoft Graph did not show:", r.stderr)
        self.assertIn("  Office 365 Exchange Online: The Microsoft account may not do this", r.stderr)
        self.assertIn("  Microsoft Teams Services: The Microsoft sign-in works, but the account may not manage "
                      "provisioning", r.stderr)
        self.assertIn("  Windows Azure Service Management API: Microsoft Graph failed; nothing was changed (HTTP 500)",
                      r.stderr)
        self.assertIn("  Microsoft Graph: Microsoft Graph's answer has no usable “value”", r.stderr)
        self.assertIn("  SharePoint Online: Microsoft Graph refused the request (The service principal does not "
                      "support synchronization.)", r.stderr)
        self.assertNotIn("Skype for Business", r.stderr, "404 is an app without provisioning, not a problem")

        # Without the role every app is skipped, and the scan still ends with what it saw.
        self.control("set", role=False)
        r = self.ctl("entra", "apps")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("No enterprise app of this directory has a provisioning job.", r.stdout)
        self.assertIn("Skipped 11 enterprise apps", r.stderr)

    def test_import_from_entra(self):
        """Every app with a job becomes a tracked app in one step; provisiod's stay; re-import adds new apps and
        marks removed ones, without duplicates; SAML certificates with the active one's expiry."""
        self.sign_in()
        self.control("app", id="cccccccc-5555", displayName="Timeneye", base_address="https://api.timeneye.com/scim/v2")
        r = self.ctl("entra", "import")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("2 new, 0 updated, 0 removed from Entra (marked), 2 of provisiod tenants left as they are", r.stdout)
        self.assertIn("Their expiry is unknown", r.stdout)
        apps_ini = os.path.join(self.workdir, "apps.ini")
        entra_ini = os.path.join(self.config, "provisio", "entra.ini")
        with open(apps_ini) as f:
            apps = f.read()
        self.assertIn("[app other-saas]\nname=Other SaaS\nvendor=other\nusers-url=https://other.example/scim\n", apps)
        self.assertIn("[app timeneye]\nname=Timeneye\nvendor=timeneye\n", apps, "matched by the URL's host")
        self.assertNotIn("-expires", apps, "expiry unknown until the admin sets it")
        self.assertNotIn("Acme", apps, "provisiod's apps stay as they are")
        with open(entra_ini) as f:
            self.assertIn("[link other-saas users]\nservice-principal=33333333-cccc\njob=scim.33333333\n"
                          "app=Other SaaS\nimported=true\n", f.read())
        listed = self.ctl("app", "list")
        self.assertEqual(listed.returncode, 0, listed.stderr)
        self.assertIn("other-saas", listed.stdout)
        # The job's state through the link, as for any linked connection.
        status = self.ctl("entra", "status")
        self.assertIn("Other SaaS", status.stdout)

        # Again: nothing doubled; a new app added.
        self.control("app", id="dddddddd-6666", displayName="Other SaaS", base_address="https://second.example/scim")
        r = self.ctl("entra", "import")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("1 new, 2 updated, 0 removed", r.stdout)
        with open(apps_ini) as f:
            apps = f.read()
        self.assertEqual(apps.count("[app "), 3)
        self.assertIn("[app other-saas-2]\nname=Other SaaS\n", apps, "same name, another app: its own id")

        # Removed from Entra: marked, kept.
        self.control("remove", id="33333333-cccc")
        r = self.ctl("entra", "import")
        self.assertIn("0 new, 2 updated, 1 removed", r.stdout)
        with open(entra_ini) as f:
            self.assertRegex(f.read(), r"\[link other-saas users\]\n(.*\n)*?removed=\d{4}-")
        with open(apps_ini) as f:
            self.assertEqual(f.read().count("[app "), 3)
        r = self.ctl("entra", "import")
        self.assertIn("0 new, 2 updated, 0 removed", r.stdout, "marked once")

        # SAML apps: the active certificate among the keys, soonest first.
        self.control("app", id="eeeeeeee-7777", displayName="Wiki SSO", status="None",
                     saml={"thumbprint": "a1" * 20, "not_after": "2027-01-10T00:00:00Z",
                           "older": [{"thumbprint": "b2" * 20, "not_after": "2031-01-01T00:00:00Z"}]})
        self.control("app", id="ffffffff-8888", displayName="HR SSO", status="None",
                     saml={"thumbprint": "c3" * 20, "not_after": "2026-12-20T00:00:00Z"})
        r = self.ctl("entra", "certificates", "--json")
        self.assertEqual(r.returncode, 0, r.stderr)
        certs = json.loads(r.stdout)
        self.assertEqual([(c["display_name"], c["not_after"], c["thumbprint"]) for c in certs],
                         [("HR SSO", "2026-12-20T00:00:00Z", "C3" * 20), ("Wiki SSO", "2027-01-10T00:00:00Z", "A1" * 20)])

        # Kept (no secret, private) for the reminders and the calendar, until the next import.
        state = os.path.join(self.config, "state", "provisio", "entra-saml.ini")
        self.assertEqual(os.stat(state).st_mode & 0o777, 0o600)
        with open(state) as f:
            kept = f.read()
        self.assertIn("[saml ffffffff-8888]\nname=HR SSO\nthumbprint=" + "C3" * 20, kept)
        self.assertIn("not-after=2026-12-20T00:00:00Z", kept)
        self.assertIsNone(GRAPH_TOKEN.search(kept), "a Microsoft token was kept")
        self.control("remove", id="eeeeeeee-7777")
        r = self.ctl("calendar")
        self.assertEqual(r.returncode, 0, r.stderr)
        ics = r.stdout.replace("\n ", "").replace("\r\n ", "")
        self.assertIn("UID:sso-certificate-20261220@entra-saml-ffffffff-8888.provisio", ics)
        self.assertIn("SUMMARY:HR SSO · SSO certificate expires", ics)
        self.assertIn("\\n\\n4. Make the new certificate active\\n", ics)
        self.assertIn("Wiki SSO", ics, "as the last import found it; nothing asked Graph since")
        r = self.ctl("remind")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertRegex(r.stdout, r"The SAML signing certificate of HR SSO expires in \d+ days")
        r = self.ctl("remind")
        self.assertNotIn("HR SSO", r.stdout, "reminded once per threshold")
        # The next import replaces them: a removed app's certificate goes.
        self.assertEqual(self.ctl("entra", "certificates").returncode, 0)
        self.assertNotIn("Wiki SSO", self.ctl("calendar").stdout)

    def test_sign_in_refusals_say_why(self):
        """Conditional Access, MFA and consent refusals come with their AADSTS code and what to do."""
        cases = [
            (53003, "A Conditional Access policy of the directory blocks this sign-in, for example one that blocks "
                    "the device code flow; an administrator can exclude the account or Provisio's client from that "
                    "policy (AADSTS53003: Access has been blocked by Conditional Access policies."),
            (65001, "Nobody has consented to Provisio's permissions for this client; an administrator grants admin "
                    "consent to it, or registers a client of the organisation's own (AADSTS65001: The user or "
                    "administrator has not consented"),
            (7000218, "The client does not allow public client flows; turn on “Allow public client flows”"),
            # A code Provisio does not know: Microsoft's own words, with the code.
            (50158, "The Microsoft sign-in has expired or was revoked; sign in again (AADSTS50158: External "
                    "security challenge not satisfied."),
        ]
        for code, message in cases:
            self.control("set", auto_approve=0, refuse={"at": "device_code", "aadsts": code})
            r = self.ctl("entra", "sign-in", "--cloud", "custom", "--login-url", self.fake_url,
                         "--graph-url", self.fake_url, "--directory", "contoso.example")
            self.assertEqual(r.returncode, 1, code)
            self.assertIn(message, r.stderr)
            self.assertNotIn("Trace ID", r.stderr, "Microsoft's first line only")
            self.assertIsNone(self.keyring_refresh_token())

        # An unknown directory; a scope on a host that is not the cloud's Graph.
        self.control("set", refuse=None)
        r = self.ctl("entra", "sign-in", "--cloud", "custom", "--login-url", self.fake_url,
                     "--graph-url", self.fake_url, "--directory", "fabrikam.example")
        self.assertEqual(r.returncode, 1)
        self.assertIn("Microsoft does not know this directory; check the tenant ID or domain (AADSTS90002: "
                      "Tenant 'fabrikam.example' not found.", r.stderr)
        r = self.ctl("entra", "sign-in", "--cloud", "custom", "--login-url", self.fake_url,
                     "--graph-url", self.fake_url.replace("127.0.0.1", "localhost"), "--directory", "contoso.example")
        self.assertEqual(r.returncode, 1)
        self.assertIn("Microsoft refused the permissions Provisio asks for on this cloud (AADSTS70011:", r.stderr)

        # Signed in, then MFA is asked for again: sign in again, with the code.
        self.sign_in()
        self.control("set", refuse={"at": "refresh", "aadsts": 50076})
        r = self.ctl("entra", "apps")
        self.assertEqual(r.returncode, 1)
        self.assertIn("Run provisioctl entra sign-in first: Microsoft asks for multi-factor authentication again; "
                      "sign in again (AADSTS50076:", r.stderr)

        # Conditional Access blocks the refresh: signing in again would not
        # help, and the sign-in is kept for when the policy allows it.
        self.sign_in()
        self.control("set", refuse={"at": "refresh", "aadsts": 53003})
        r = self.ctl("entra", "apps")
        self.assertEqual(r.returncode, 1)
        self.assertIn("A Conditional Access policy of the directory blocks this sign-in", r.stderr)
        self.assertNotIn("sign-in first", r.stderr)
        self.assertIsNotNone(self.keyring_refresh_token())
        self.control("set", refuse=None)
        self.assertEqual(self.ctl("entra", "apps").returncode, 0)

    def test_refresh_tokens_and_offline_access(self):
        self.sign_in()
        first = self.keyring_refresh_token()
        self.assertEqual(self.ctl("entra", "apps").returncode, 0)
        second = self.keyring_refresh_token()
        # Microsoft does not revoke a refresh token by its use, and sends a
        # new one: the keyring holds the newest only.
        self.assertNotEqual(first, second)
        self.assertEqual(self.keyring_refresh_tokens(), [second])

        # A client without offline_access gets no refresh token, and no error
        # from Microsoft: the sign-in cannot be kept, and says why.  The
        # sign-in there was stays as it was.
        self.control("set", consented=["Synchronization.ReadWrite.All", "Application.Read.All", "openid", "profile"])
        self.control("set", auto_approve=0)
        r = self.ctl("entra", "sign-in", "--cloud", "custom", "--login-url", self.fake_url, "--graph-url", self.fake_url,
                     "--directory", "contoso.example")
        self.assertEqual(r.returncode, 1)
        self.assertIn("Microsoft signed the account in but gave no refresh token, so the sign-in cannot be kept; "
                      "the client needs the offline_access permission", r.stderr)
        self.assertEqual(self.keyring_refresh_tokens(), [second])
        self.ctl("entra", "sign-out")
        r = self.ctl("entra", "sign-in", "--cloud", "custom", "--login-url", self.fake_url, "--graph-url", self.fake_url,
                     "--directory", "contoso.example")
        self.assertEqual(r.returncode, 1)
        self.assertIn("the client needs the offline_access permission", r.stderr)
        self.assertIsNone(self.keyring_refresh_token())

    def test_graph_busy_with_503_504_and_dates(self):
        self.sign_in()
        self.link("users")
        self.in_use()
        # 503, then 504, each with Retry-After as an HTTP date.
        self.control("set", throttle=1, throttle_status=503, retry_after_date=True, retry_after=2)
        r = self.ctl("entra", "status")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertRegex(r.stderr, r"Microsoft Graph is busy; trying again in [12] seconds?")
        self.control("set", throttle=1, throttle_status=504)
        r, secret = self.renew()
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertRegex(r.stderr, r"Microsoft Graph is busy; trying again in [12] seconds?")
        statuses = [s for m, p, s in self.state()["log"]]
        self.assertIn(503, statuses)
        self.assertIn(504, statuses)

    def test_failed_validation_in_any_shape(self):
        """validateCredentials documents no error body: any 4xx/5xx is a failed test, with Graph's words if any."""
        self.sign_in()
        self.link("users")
        old = self.in_use()
        self.control("set", fail_validation=True)
        for answer, said in [({"status": 500}, "Microsoft Graph failed; nothing was changed (HTTP 500)"),
                             ({"status": 409, "body": "<html>Conflict</html>"},
                              "Microsoft Graph refused the request (HTTP 409)"),
                             ({"status": 400, "body": {"error": {"code": "CredentialValidationUnavailable",
                                                                 "message": "The SCIM endpoint is not reachable."}}},
                              "Microsoft Graph refused the request (The SCIM endpoint is not reachable.)")]:
            self.control("set", validation_answer=answer)
            r, secret = self.renew()
            self.assertFellBack(r, secret, old, "Entra could not use the tenant URL and the new token: " + said)
            self.revoke(self.connection("users")["tokens"][0]["id"])

    def test_stale_renewal_warning(self):
        """Renewed in the tenant, but Entra still uses the old token two cycles later."""
        self.sign_in()
        self.link("users")
        old = self.in_use()
        self.issue("users", retire="on-first-use")
        self.assertNotIn("Warning", self.ctl("entra", "status").stdout, "within Entra's cycles: no warning")
        self.server.set_clock(offset=2 * 3600)
        self.assertEqual(self.server.scim("GET", self.users_url, "/Users", old["secret"]).status, 200)
        r = self.ctl("entra", "status")
        self.assertEqual(r.returncode, 1)
        self.assertIn("Warning: the token was renewed 2 hours ago, but Entra still uses the old one", r.stdout)

    def refresh_token_digest(self):
        """The keyring's refresh token, as a digest (never printed)."""
        r = subprocess.run(["secret-tool", "search", "--all", "kind", "graph-refresh-token"],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        secrets = []
        for block in r.stdout.split("\n["):
            fields = dict(line.split(" = ", 1) for line in block.splitlines() if " = " in line)
            if fields.get("attribute.tenant", "").startswith(f"entra:{self.fake_url}:"):
                secrets.append(fields["secret"])
        self.assertEqual(len(secrets), 1, "this test's sign-in in the keyring")
        return hashlib.sha256(secrets[0].encode()).hexdigest()

    def test_sign_in_kept_alive_and_lapse_shown(self):
        """Microsoft ends a sign-in unused for 90 days: remind (the timer's regular run) uses it, and
        entra status says when it would lapse."""
        self.sign_in()
        before = self.refresh_token_digest()
        r = self.ctl("remind")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertNotIn("Microsoft sign-in", r.stdout, "nothing due right after a use")
        self.assertNotEqual(self.refresh_token_digest(), before, "the refresh token was used and renewed")
        lapse = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=90)
        r = self.ctl("entra", "status")
        self.assertIn("Microsoft sign-in of admin@contoso.example: lapses on "
                      + f"{lapse.day} {lapse.strftime('%B %Y')}", r.stdout)

        # Microsoft out of reach: remind says why, and nothing lapses sooner than it did.
        self.fake.terminate()
        self.fake.wait()
        r = self.ctl("remind")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("could not use the Microsoft sign-in", r.stderr)
        self.assertNotIn("Microsoft sign-in", r.stdout)
    def test_tracked_app_paste_once(self):
        """A tracked app (provisiod's persons endpoint as the vendor) renewed by pasting once: a
        token the vendor refuses never reaches Graph; an accepted one is handed over through the
        same four steps, then recorded."""
        old = self.issue("persons")
        self.server.secrets.add(old["secret"])
        r = self.ctl("app", "add", "vendorapp", "other", "--url", self.persons_url, "--expires", "2099-01-01",
                     key=old["secret"])
        self.assertEqual(r.returncode, 0, r.stderr)
        self.sign_in()
        r = self.ctl("entra", "link", "vendorapp", "users", "--yes")
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(os.path.join(self.config, "provisio", "entra.ini")) as f:
            self.assertIn("[link vendorapp users]\nservice-principal=22222222-bbbb\n", f.read())

        def graph_writes():
            return [(m, p) for m, p, s in self.state()["log"] if m in ("PUT", "POST") and "/synchronization/" in p]

        before = graph_writes()
        refused = self.ctl("app", "renew", "vendorapp", "users", "--expires", "2099-01-01",
                           key="pvs_" + "Q" * 49)
        self.assertEqual(refused.returncode, 1)
        self.assertIn("refuses the token", refused.stderr)
        self.assertEqual(graph_writes(), before, "a refused token reached Graph")

        new = self.issue("persons")
        self.server.secrets.add(new["secret"])
        r = self.ctl("app", "renew", "vendorapp", "users", "--expires", "2099-01-01", key=new["secret"])
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("[1/4] Save the tenant URL and the new token in “Acme Persons”", r.stderr)
        self.assertNotIn(new["secret"], r.stdout + r.stderr)
        saved = self.state()["apps"]["22222222-bbbb"]
        self.assertEqual(saved["secret_sha256"], hashlib.sha256(new["secret"].encode()).hexdigest())
        # Recorded once Entra's next cycle provisioned with it
        time.sleep(1.1)
        self.assertEqual(self.control("run", id="22222222-bbbb")["status"], 200)
        self.assertEqual(self.ctl("app", "renew", "vendorapp", "users", "--handed-over").returncode, 0)
        found = subprocess.run(["secret-tool", "lookup", "tenant", "app:vendorapp/users", "kind", "app-token"],
                               capture_output=True, text=True)
        self.assertEqual(found.stdout.strip(), new["secret"], "the new token is the app's, the old forgotten")
        pending = subprocess.run(["secret-tool", "lookup", "tenant", "app:vendorapp/users",
                                  "kind", "app-token-pending"], capture_output=True, text=True)
        self.assertEqual(pending.stdout.strip(), "")


if __name__ == "__main__":
    unittest.main(verbosity=2)
