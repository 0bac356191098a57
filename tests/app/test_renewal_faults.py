#!/usr/bin/python3
# Renewal under faults in the app (issue #21), from outside as a person
# would, through AT-SPI, against a real provisiod and the keyring of a
# private session:
#   1. the app is killed (SIGKILL) after it issued a Users token and before
#      it was copied, then started again: Renew says who issued the unused
#      replacement and when, and one action (Replace the Unused Token) gives
#      a token the admin copies;
#   2. the app and provisioctl (another admin) renew the Persons token at
#      once: provisioctl is first, the app's Issue is refused, it names the
#      other admin, and one action replaces that unused replacement;
#   3. the answer to the app's Issue is lost on the way, behind a loopback
#      proxy that drops it once provisiod committed (tests/server/
#      faultproxy.py): the app asks again with the same Idempotency-Key,
#      says the token was issued but its answer lost, and one action
#      replaces it;
#   4. the identity provider has used the replacement: a second admin's
#      Renew says who issued it and that it is in use, and offers no
#      replacing.
# After each the connection holds the old token and one replacement, the
# one whose secret the admin copied; the identity provider's token answers
# SCIM requests throughout.  Runs inside tests/with-session.sh --display.
#
# Copyright 2026 The Provisio authors
# SPDX-License-Identifier: GPL-3.0-or-later

import http.client
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import urllib.parse

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "server"))
from faultproxy import AnswerDropper  # noqa: E402

from atspi_helpers import app_named, descendants, find, role_and_name, press, wait

PROVISIO = os.environ["PROVISIO"]
PROVISIOD = os.environ["PROVISIOD"]
PROVISIOCTL = os.environ["PROVISIOCTL"]
APP_ID = "io.github.provisio.Provisio"
SECRET = re.compile(r"pv[sa]_[0-9A-Za-z]{49}")
RESULTS = []


def ok(what):
    RESULTS.append(what)
    print(f"# ok {len(RESULTS)} {what}", flush=True)


class Tenant:
    """provisiod on loopback, its management API and SCIM, as the admin and the IdP."""

    def __init__(self, work):
        self.db = os.path.join(work, "provisiod.db")
        self.alice = self.ctl("tenant", "create", "acme", "--name", "Acme Corp",
                              "--owner", "alice@acme.example")
        self.globex = self.ctl("tenant", "create", "globex", "--name", "Globex",
                               "--owner", "carol@globex.example")
        self.bob = self.ctl("key", "issue", "acme", "--owner", "bob@acme.example")
        # A replaced token stays a day after its replacement's first use.
        self.proc = subprocess.Popen([PROVISIOD, "--db", self.db, "--listen", "127.0.0.1:0",
                                      "--retire-grace", "86400"],
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        m = re.match(r"provisiod: listening on (http://127\.0\.0\.1:\d+)$", self.proc.stdout.readline().strip())
        assert m, "provisiod did not start"
        self.url = m.group(1)

    def ctl(self, *args):
        r = subprocess.run([PROVISIOD, "--db", self.db] + list(args), capture_output=True, text=True, check=True)
        return r.stdout.strip().splitlines()[-1]

    def request(self, method, path, key, body=None, user_agent="provisio-tests"):
        url = urllib.parse.urlsplit(self.url)
        conn = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
        headers = {"Authorization": "Bearer " + key, "User-Agent": user_agent}
        if body is not None:
            headers["Content-Type"] = "application/json"
        conn.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
        r = conn.getresponse()
        status, data = r.status, r.read()
        conn.close()
        return status, json.loads(data) if data else None

    def connection(self, kind, key=None):
        status, conn = self.request("GET", f"/api/v1/provisioning/{kind}", key or self.alice)
        assert status == 200, conn
        return conn

    def in_use(self, kind, key=None):
        """The connection's token, used by the identity provider."""
        status, issued = self.request("POST", f"/api/v1/provisioning/{kind}/tokens", key or self.alice,
                                      {"description": "in use"})
        assert status == 201, issued
        assert self.idp_works(issued["scim_base_url"], issued["secret"])
        return issued

    def idp_works(self, base_url, secret):
        path = urllib.parse.urlsplit(base_url).path + "/Users"
        status, _ = self.request("GET", path, secret, user_agent="Test IdP/1.0")
        return status == 200

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=20)


class App:
    def __init__(self, env):
        self.env = env
        self.copied = None
        self.proc = subprocess.Popen([PROVISIO], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.atspi = wait("the app on the accessibility bus", lambda: app_named("provisio"))

    def renew(self, kind, tenant="acme"):
        """What the Renew button of a reminder does: the app's renew action."""
        param = f"[<('{tenant}', '{kind}')>]"
        subprocess.run(["gdbus", "call", "--session", "--dest", APP_ID, "--object-path",
                        "/" + APP_ID.replace(".", "/"), "--method", "org.freedesktop.Application.ActivateAction",
                        "renew", param, "{}"], check=True, capture_output=True, env=self.env, timeout=30)
        title = "Renew %s Token" % kind.title()
        return wait("the assistant window",
                    lambda: find(self.atspi, "frame", title) or find(self.atspi, "dialog", title))

    def copy_token(self, frame):
        """Copy Token, and the token as the admin gets it: from the clipboard.  The
        button does nothing until the token is there, so it is pressed until it has."""
        button = wait("Copy Token", lambda: find(frame, "push button", "Copy Token"))

        def copied():
            press(button)
            t = subprocess.run(["xclip", "-o", "-selection", "clipboard"], capture_output=True, text=True,
                               timeout=10).stdout.strip()
            return t if SECRET.fullmatch(t) and t != self.copied else None
        self.copied = wait("the token on the clipboard", copied)
        return self.copied

    def kill(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=10)
        wait("the app gone from the accessibility bus", lambda: app_named("provisio") is None)

    def quit(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def label_with(frame, *words):
    """The label that contains all of @words (GTK 4.8 names a label by its text)."""
    def look():
        acc = find(frame, "label", words[0])
        return acc if acc is not None and all(w in acc.name for w in words) else None
    try:
        return wait("a label saying " + " … ".join(words), look)
    except AssertionError:
        for acc in descendants(frame):
            r, n = role_and_name(acc)
            print("#", r, n[:200], flush=True)
        raise


def check_one_old_one_fresh(tenant, kind, old, fresh_secret, replaced_id, key=None):
    conn = tenant.connection(kind, key)
    tokens = {t["id"]: t for t in conn["tokens"]}
    assert old["token"]["id"] in tokens and len(tokens) == 2, f"tokens: {list(tokens)}"
    fresh = next(t for t in tokens.values() if t["id"] != old["token"]["id"])
    assert fresh_secret.startswith(fresh["prefix"]), "the replacement is the token the admin copied"
    assert fresh["replaces"] == old["token"]["id"], "it replaces the old token"
    gone = {t["id"]: t["reason"] for t in conn["deleted_tokens"]}
    assert gone.get(replaced_id) == "replaced-before-first-use", gone
    assert tenant.idp_works(old["scim_base_url"], old["secret"]), "the IdP's token still works"
    return fresh


def main():
    with tempfile.TemporaryDirectory() as work:
        tenant = Tenant(work)
        tenants_file = os.path.join(work, "tenants.ini")
        env = dict(os.environ, PROVISIO_TENANTS_FILE=tenants_file, GSETTINGS_BACKEND="memory", TZ="UTC")
        env.pop("GTK_A11Y", None)
        subprocess.run([PROVISIOCTL, "tenant", "add", "acme", tenant.url], input=tenant.alice + "\n",
                       text=True, env=env, check=True, capture_output=True)
        # Globex through a proxy that loses the answer to the first issue.
        proxy = AnswerDropper(tenant.url, drop="POST /api/v1/provisioning/users/tokens")
        subprocess.run([PROVISIOCTL, "tenant", "add", "globex", proxy.url], input=tenant.globex + "\n",
                       text=True, env=env, check=True, capture_output=True)
        bob_env = dict(env, PROVISIO_TENANTS_FILE=os.path.join(work, "bob.ini"))
        # Another name: the keyring holds one admin key per tenant name.
        subprocess.run([PROVISIOCTL, "tenant", "add", "acme-bob", tenant.url], input=tenant.bob + "\n",
                       text=True, env=bob_env, check=True, capture_output=True)
        app = None
        try:

            # 1. Killed between issue and copy.
            old = tenant.in_use("users")
            app = App(env)
            frame = app.renew("users")
            press(wait("Issue New Token", lambda: find(frame, "push button", "Issue New Token")))
            wait("the new token issued", lambda: len(tenant.connection("users")["tokens"]) == 2)
            app.kill()
            app = None
            conn = tenant.connection("users")
            lost = next(t for t in conn["tokens"] if t["id"] != old["token"]["id"])
            assert len(conn["tokens"]) == 2 and lost["last_used_at"] is None, conn["tokens"]
            assert tenant.idp_works(old["scim_base_url"], old["secret"])

            app = App(env)
            frame = app.renew("users")
            label_with(frame, "alice@acme.example", "never been used")
            press(wait("Replace the Unused Token", lambda: find(frame, "push button", "Replace the Unused Token")))
            secret = app.copy_token(frame)
            check_one_old_one_fresh(tenant, "users", old, secret, lost["id"])
            assert tenant.idp_works(old["scim_base_url"], secret), "the copied token works"
            ok("killed between issue and copy: Renew names the unused replacement, one action replaces it")

            # 2. The app and provisioctl at once: provisioctl first.
            old = tenant.in_use("persons")
            frame = app.renew("persons")
            issue = wait("Issue New Token", lambda: find(frame, "push button", "Issue New Token"))
            r = subprocess.run([PROVISIOCTL, "renew", "acme-bob", "persons"], env=bob_env, capture_output=True,
                               text=True, timeout=30)
            assert r.returncode == 0, r.stderr
            bobs = r.stdout.strip()
            press(issue)
            label_with(frame, "bob@acme.example", "never been used")
            press(wait("Replace the Unused Token", lambda: find(frame, "push button", "Replace the Unused Token")))
            secret = app.copy_token(frame)
            bobs_id = next(t["id"] for t in tenant.connection("persons")["deleted_tokens"]
                           if bobs.startswith(t["prefix"]))
            check_one_old_one_fresh(tenant, "persons", old, secret, bobs_id)
            assert not tenant.idp_works(old["scim_base_url"], bobs), "the replaced token is gone"
            assert tenant.idp_works(old["scim_base_url"], secret), "the copied token works"
            ok("the app and provisioctl at once: the app names the other admin, one action replaces it")
            persons_frame, persons_old, persons_secret = frame, old, secret

            # 3. The answer to the app's issue lost on the way.
            old = tenant.in_use("users", tenant.globex)
            frame = app.renew("users", tenant="globex")
            press(wait("Issue New Token", lambda: find(frame, "push button", "Issue New Token")))
            label_with(frame, "carol@globex.example", "answer was lost")
            assert len(proxy.dropped) == 1 and proxy.dropped_json()[0] == 201, "the tenant had issued it"
            lost = proxy.dropped_json()[1]["token"]["id"]
            assert len(tenant.connection("users", tenant.globex)["tokens"]) == 2, "no third token"
            press(wait("Replace the Unused Token", lambda: find(frame, "push button", "Replace the Unused Token")))
            secret = app.copy_token(frame)
            check_one_old_one_fresh(tenant, "users", old, secret, lost, tenant.globex)
            assert tenant.idp_works(old["scim_base_url"], secret), "the copied token works"
            ok("the answer to the issue lost: the app says so, one action replaces the token")

            # 4. The replacement already in use (the copied Persons token made a request
            # above): Bob's Renew names Alice and offers no replacing.
            press(wait("the Persons assistant's Close", lambda: find(persons_frame, "push button", "Close")))
            wait("the Persons assistant closed", lambda: find(app.atspi, "frame", "Renew Persons Token") is None)
            frame = app.renew("persons")
            label_with(frame, "alice@acme.example", "already uses the replacement")
            assert find(frame, "push button", "Replace the Unused Token") is None, "no replacing of a used token"
            r = subprocess.run([PROVISIOCTL, "renew", "acme-bob", "persons", "--replace-unused"], env=bob_env,
                               capture_output=True, text=True, timeout=30)
            assert r.returncode == 1 and r.stdout == "" and "already uses" in r.stderr, r.stderr
            assert tenant.idp_works(persons_old["scim_base_url"], persons_secret), "the token in use works"
            assert tenant.idp_works(persons_old["scim_base_url"], persons_old["secret"]), "and the old one"
            assert len(tenant.connection("persons")["tokens"]) == 2
            ok("a replacement in use: the app and provisioctl name who issued it and never replace it")
            return 0
        finally:
            if app is not None:
                app.quit()
            tenant.stop()


if __name__ == "__main__":
    sys.exit(main())
