#!/usr/bin/python3
# The app's secrets audit (issue #8): a full renew in `provisio --demo`
# through AT-SPI, with debug logging on, a home of its own and the keyfile
# GSettings backend; the new token is read the way a person gets it (the
# clipboard) and used for a real SCIM request, so that the tenant retires the
# old one for real.  Then, while the app and its demo server run and again
# once they are gone, no secret may be in the captured logs (the app's and
# the demo server's), in any file of that home, its temporary directory (the
# demo's SQLite files: raw bytes of the database, -wal and -shm) or the
# session's home (the keyring's files), nor in the keyring itself; neither
# may any of the demo's Microsoft tokens (access, refresh, device code),
# also in the URLs the app asked its Microsoft stand-in for (its request
# log is in the captured output); the
# database must hold the new token's SHA-256 digest, so that the search is
# known to look where the server writes.  Then a tracked app (issue #15):
# its token pasted into Add an App and a new one into the paste-once
# renewal, provisiod as the vendor; both may be in the keyring only (see
# tracked_audit()).  Runs inside tests/with-session.sh --display.
#
# Copyright 2026 The Provisio authors
# SPDX-License-Identifier: GPL-3.0-or-later

import glob
import hashlib
import json
import os
import re
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time
import urllib.request
import zlib

import pyatspi

from atspi_helpers import all_of, app_named, children, click, descendants, find, press, role_and_name, stop, wait

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "server"))
from pvtest import Server  # noqa: E402  (provisiod as a tracked app's vendor)
from fake_entra import SECRET_PATTERN  # noqa: E402  the demo's Microsoft stand-in is fake_entra.py

PROVISIO = os.environ["PROVISIO"]
# The done page's words, written only once the renewal saw the first use (its
# title is in the window from the start, on a page not shown: AT-SPI finds it).
DONE = "app used the new token on"
APP_ID = "io.github.provisio.Provisio"
BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
# A token: "pvs_" (SCIM) or "pva_" (admin API key), 43 random base62
# characters and a 6-character checksum (src/core/pv-token.c).
TOKEN = re.compile(rb"pv[sa]_[0-9A-Za-z]{49}")
# The demo's Microsoft tokens (access, refresh, device code): they live in
# the app's memory and the stand-in's only, so any of their shape is a leak.
MICROSOFT_TOKEN = re.compile(SECRET_PATTERN.encode())
DISPLAY_LENGTH = 10  # PV_TOKEN_DISPLAY_LENGTH: the part shown in lists and events
PIECE = 16  # a part of a token that is as good as the token (see Audit)


def well_formed_checksum(start):
    """The checksum of src/core/pv-token.c: CRC-32 of a token's first 47
    characters in 6 base62 digits, most significant first."""
    crc = zlib.crc32(start)
    digits = b""
    for _ in range(6):
        digits = BASE62[crc % 62].encode() + digits
        crc //= 62
    return digits


def well_formed(token):
    return token[47:] == well_formed_checksum(token[:47])


class Audit:
    """What is searched for, and where.

    The secrets known by value (the new token, from the clipboard) are
    searched as their whole string and as every piece of PIECE characters
    after the first DISPLAY_LENGTH: those first ones are meant to appear
    (lists, events), while 16 base62 characters of the rest (95 bits) can
    only be there by copying the token, so that a leak cut at either end (a
    "%.30s", a wrapped line) is found too.  Nothing in Provisio encodes a
    token other than hashing it (base64, hex or JSON escapes of it appear
    nowhere in the code; base62 needs no escaping), so the raw forms are the
    ones that could leak.

    The demo's admin API keys and the other tokens it seeded live only in
    its memory and the app's: they are found by their shape instead.  Any
    well-formed token (prefix, alphabet and checksum, 1 in 62^6 by chance)
    anywhere is a leak, whichever secret it is."""

    def __init__(self):
        self.known = []   # (what, value)
        self.findings = []

    def add(self, what, secret):
        self.known.append((what, secret.encode()))

    def search(self, where, data):
        for what, secret in self.known:
            if secret in data:
                self.findings.append(f"{what} in {where}")
            elif any(secret[i:i + PIECE] in data for i in range(DISPLAY_LENGTH, len(secret) - PIECE + 1)):
                self.findings.append(f"part of {what} in {where}")
        for m in TOKEN.finditer(data):
            if well_formed(m.group()) and all(m.group() != s for _, s in self.known):
                self.findings.append(f"a well-formed {m.group()[:4].decode()} secret in {where}")
        if MICROSOFT_TOKEN.search(data):
            self.findings.append(f"a Microsoft token of the demo's sign-in in {where}")

    def search_tree(self, root, label, skip=()):
        """Every regular file under @root, raw bytes; returns the names looked at."""
        seen = []
        for top, dirs, files in os.walk(root):
            dirs[:] = [d for d in dirs if os.path.join(top, d) not in skip]
            for name in files:
                path = os.path.join(top, name)
                try:
                    if not stat.S_ISREG(os.lstat(path).st_mode):
                        continue
                    with open(path, "rb") as f:
                        data = f.read()
                except OSError:
                    continue  # gone in between (an atomic replace)
                rel = os.path.join(label, os.path.relpath(path, root))
                seen.append(rel)
                self.search(rel, data)
        return seen

    def check(self, moment):
        if self.findings:
            raise AssertionError(f"secrets found {moment} (values not shown):\n  " +
                                 "\n  ".join(sorted(set(self.findings))))


def read(path):
    with open(path, "rb") as f:
        return f.read()


def clipboard():
    try:
        r = subprocess.run(["xclip", "-o", "-selection", "clipboard"], capture_output=True, timeout=10)
    except subprocess.TimeoutExpired:
        return None
    return r.stdout.decode(errors="replace").strip() if r.returncode == 0 else None


def gone(pid):
    """Whether @pid has exited (a zombie that nobody reaps counts)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] == "Z"
    except OSError:
        return True


def private_home(prefix):
    """A home of its own under a new directory, and the app's environment there: debug logging
    on, the keyfile GSettings backend (a file to search)."""
    root = tempfile.mkdtemp(prefix=prefix)
    home = os.path.join(root, "home")
    dirs = {
        "HOME": home,
        "XDG_CONFIG_HOME": os.path.join(home, ".config"),
        "XDG_CACHE_HOME": os.path.join(home, ".cache"),
        "XDG_STATE_HOME": os.path.join(home, ".local", "state"),
        "XDG_DATA_HOME": os.path.join(home, ".local", "share"),
        "XDG_RUNTIME_DIR": os.path.join(root, "run"),
        "TMPDIR": os.path.join(root, "tmp"),
    }
    for path in dirs.values():
        os.makedirs(path, mode=0o700, exist_ok=True)
    env = dict(os.environ, G_MESSAGES_DEBUG="all", GSETTINGS_BACKEND="keyfile", **dirs)
    env.pop("PROVISIO_TENANTS_FILE", None)
    env.pop("GTK_A11Y", None)
    return root, home, dirs, env


def main():
    session_home = os.environ["HOME"]  # with-session.sh's: the keyring's files
    root, home, dirs, env = private_home("provisio-audit-")
    logs = tempfile.mkdtemp(prefix="provisio-audit-logs-")
    out_log, err_log = os.path.join(logs, "stdout"), os.path.join(logs, "stderr")
    settings_file = os.path.join(dirs["XDG_CONFIG_HOME"], "glib-2.0", "settings", "keyfile")

    audit = Audit()

    def search_everything(moment):
        out_bytes, err_bytes = read(out_log), read(err_log)
        audit.search("the app's standard output", out_bytes)
        audit.search("the app's standard error (and the demo server's)", err_bytes)
        print(f"# {moment}: logs of {len(out_bytes)} + {len(err_bytes)} bytes searched,",
              f"{(out_bytes + err_bytes).count(b'-DEBUG: ')} debug messages,",
              f"{err_bytes.count(b'provisiod-DEBUG: ')} of them the demo server's")
        seen = audit.search_tree(root, "$AUDIT")
        seen += audit.search_tree(session_home, "$SESSION_HOME", skip={root})
        shaders = [s for s in seen if "/mesa_shader_cache/" in s]
        print(f"# {moment}: {len(seen)} files searched ({len(shaders)} of Mesa's shader cache):",
              " ".join(sorted(set(seen) - set(shaders))))
        audit.check(moment)
        return seen

    # The app's own output goes to files: a pipe nobody reads could fill.
    with open(out_log, "wb") as out, open(err_log, "wb") as err:
        proc = subprocess.Popen([PROVISIO, "--demo"], env=env, stdout=out, stderr=err)
    server = None
    try:
        app = wait("the app on the accessibility bus", lambda: app_named("provisio"))
        name = "Renew the Persons token of Contoso Ltd"
        renew = wait(f"a button named “{name}”", lambda: find(app, "push button", name))
        servers = wait("the demo server, a child of the app", lambda: children(proc.pid, "provisiod"))
        assert len(servers) == 1, f"{len(servers)} demo servers"
        server = servers[0]
        databases = glob.glob(os.path.join(dirs["TMPDIR"], "provisiod-demo-*", "demo.db"))
        assert len(databases) == 1, f"the demo's database in the private TMPDIR: {databases}"
        db = databases[0]
        # The demo's Microsoft sign-in is there (device code, access and
        # refresh tokens): Provisioning Health reads the linked apps' jobs
        # through Graph with it.
        wait("the demo's Microsoft sign-in (Provisioning Health)",
             lambda: find(app, "label", "In quarantine since"), timeout=60)
        entra_files = glob.glob(os.path.join(dirs["TMPDIR"], "provisio-demo-*", "entra.ini"))
        assert len(entra_files) == 1, f"the demo's entra.ini in the private TMPDIR: {entra_files}"

        press(renew)
        issue = wait("the assistant's Issue New Token", lambda: find(app, "push button", "Issue New Token"))
        title = "Renew Persons Token"
        frame = wait("the assistant window", lambda: find(app, "frame", title) or find(app, "dialog", title))
        press(issue)

        # The secret as a person gets it: Copy Token, then the clipboard.
        press(wait("Copy Token", lambda: find(app, "push button", "Copy Token")))
        text = wait("the new token on the clipboard",
                    lambda: (lambda t: t if t and TOKEN.fullmatch(t.encode()) else None)(clipboard()))
        secret = text.encode()
        assert secret.startswith(b"pvs_") and well_formed(secret), "the clipboard holds a well-formed SCIM token"
        audit.add("the new Persons token", text)
        # The search finds what it looks for: the token, a cut piece of it,
        # and a token it does not know by value.
        probe = Audit()
        probe.add("it", text)
        probe.search("a", b"Bearer " + secret + b"\n")
        probe.search("b", b"token=" + secret[:30] + b"\n")
        other = secret[:4] + secret[4:47][::-1]
        probe.search("c", b"(" + other + b")")
        probe.search("d", b"key " + other + well_formed_checksum(other))
        probe.search("e", b"GET /?refresh_token=0.AAAA" + other[4:40] + b" HTTP/1.1")
        assert probe.findings == ["it in a", "part of it in b", "a well-formed pvs_ secret in d",
                                  "a Microsoft token of the demo's sign-in in e"], probe.findings
        # The window shows the same token (GTK 4.8 names a label by its text).
        assert find(frame, "label", text), "the window shows the token copied"

        press(wait("Next", lambda: find(app, "push button", "Next")))
        step = wait("the step naming the tenant URL", lambda: find(frame, "label", "The Tenant URL must stay "))
        url = re.search(r"must stay (http://127\.0\.0\.1:\d+/\S+?)\.?$", step.name).group(1)
        print("# SCIM base URL:", url)
        go = wait("the wait button", lambda: find(app, "push button", "Done: Wait for the First Use"))
        checks = wait("the step check boxes", lambda: all_of(frame, "check box"))
        assert len(checks) >= 5, f"only {len(checks)} steps"
        # The ticks are help, not a gate: the wait button works without them.
        wait("the wait button enabled", lambda: go.getState().contains(pyatspi.STATE_SENSITIVE))
        press(go)
        wait("the wait for the first use", lambda: find(app, "push button", "Act as the Identity Provider"))

        # The identity provider's first request with the new token, for real:
        # a change (it creates a user), as a saved Entra makes in a cycle that
        # changes something, which starts the old token's retirement (a read
        # would not, docs/provisiod.md).
        user = json.dumps({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
                           "userName": "audit@contoso.example", "active": True}).encode()
        request = urllib.request.Request(url + "/Users", data=user, method="POST", headers={
            "Authorization": "Bearer " + text, "Content-Type": "application/scim+json",
            "User-Agent": "Microsoft Entra ID SCIM client (secrets audit)"})
        with urllib.request.urlopen(request, timeout=30) as r:
            assert r.status == 201, f"the SCIM request answered {r.status}"
            assert json.load(r)["userName"] == "audit@contoso.example"
        done = wait("the assistant's last step", lambda: find(app, "label", DONE))
        print("# result:", done.name)
        press(wait("Close", lambda: find(frame, "push button", "Close")))
        wait("the action gone from the dashboard", lambda: find(app, "push button", name) is None)

        # While both run: the database holds the new token's digest (hex
        # text, src/server/pvd-store.c), never the token.
        stored = b"".join(read(db + s) for s in ("", "-wal", "-shm") if os.path.exists(db + s))
        digest = hashlib.sha256(secret).hexdigest().encode()
        assert digest in stored, "the database holds the new token's SHA-256 digest"
        assert secret not in stored, "the database holds the new token"
        # The keyring: the demo's keys stay in memory.
        items = subprocess.run(["secret-tool", "search", "--all", "xdg:schema", APP_ID],
                               capture_output=True, text=True, timeout=30)
        assert items.returncode == 0, f"the keyring did not answer: {items.stderr}"
        assert "secret = " not in items.stdout, "the demo kept a key in the keyring"
        seen = search_everything("while the app and the demo server run")
        rel_db = os.path.join("$AUDIT", os.path.relpath(db, root))
        assert rel_db in seen, "the demo's database was searched"
        assert os.path.join("$AUDIT", os.path.relpath(entra_files[0], root)) in seen, "the demo's entra.ini was searched"
        # The demo server's own logs reach the captured output: its line
        # for the SCIM request above.
        logged = read(err_log)
        assert re.search(rb"provisiod-DEBUG: .*POST /t/contoso/scim/persons/v2/Users 201", logged), \
            "the demo server's request log is not in the captured output"
        # So do the demo's Microsoft's: every URL the app asked for (the
        # sign-in, its refreshes, Graph), searched above with the logs.
        assert re.search(rb"fake-entra-DEBUG: POST /contoso\.example/oauth2/v2\.0/token 200", logged), \
            "the stand-in's request log (the sign-in) is not in the captured output"
        assert re.search(rb"fake-entra-DEBUG: GET /v1\.0/servicePrincipals/[^/ ]+/synchronization/jobs/\S+ 200",
                         logged), "the stand-in's request log (Graph) is not in the captured output"

        # The user closes the window; the app quits and stops the server,
        # which removes its database.
        main_window = wait("the main window", lambda: find(app, "frame", "Provisio"))
        press(wait("the main window's Close", lambda: find(main_window, "push button", "Close")))
        assert proc.wait(timeout=30) == 0, f"the app exited with {proc.returncode}"
        wait("the demo server gone", lambda: gone(server))
        server = None
        left = [os.path.relpath(os.path.join(top, f), dirs["TMPDIR"])
                for top, _, files in os.walk(dirs["TMPDIR"]) for f in files + [""]]
        assert not glob.glob(os.path.join(dirs["TMPDIR"], "provisiod-demo-*")), \
            f"the demo's database left behind: {left}"
        wait("the demo's Entra files gone with its stand-in",
             lambda: not glob.glob(os.path.join(dirs["TMPDIR"], "provisio-demo-*")))

        # What stays.
        seen = search_everything("after the app quit")
        rel_settings = os.path.join("$AUDIT", os.path.relpath(settings_file, root))
        assert rel_settings in seen, "the GSettings keyfile (the window's size) was written and searched"
        # The demo's tenants keep no state: it would take the place of a real tenant's of the same name.
        assert not any(s.startswith("$AUDIT/home/.cache/provisio/tenants/") for s in seen), \
            "the demo's tenants were cached like real ones"
        print("ok 1 no secret (tokens, admin keys, the demo's Microsoft tokens) in the logs, files, settings, "
              "keyring or database of a demo renewal")
        return 0
    finally:
        stop(proc)
        if server is not None and not gone(server):
            os.kill(server, signal.SIGTERM)
        shutil.rmtree(root, ignore_errors=True)
        shutil.rmtree(logs, ignore_errors=True)


def type_into(acc, window_title, text=None, paste=None):
    """Clicks @acc and types @text, or pastes @paste from the clipboard with Ctrl+V,
    as a person pastes a token copied from the vendor's console."""
    click(acc, window_title)
    subprocess.run(["xdotool", "key", "ctrl+a"], check=True)   # in place of what the entry holds
    if text is not None:
        subprocess.run(["xdotool", "type", "--delay", "20", text], check=True)
        return
    owner = subprocess.Popen(["xclip", "-selection", "clipboard", "-i"], stdin=subprocess.PIPE)
    owner.stdin.write(paste.encode())
    owner.stdin.close()
    try:
        wait("the token on the clipboard", lambda: clipboard() == paste)
        subprocess.run(["xdotool", "key", "ctrl+v"], check=True)
        time.sleep(0.5)
    finally:
        # Gone from the clipboard, as Provisio's own copy buttons clear it
        subprocess.run(["xclip", "-selection", "clipboard", "-i", "/dev/null"], check=False)
        stop(owner)


def tracked_audit():
    """A tracked app's token (issue #15), added and renewed by pasting it into the app: provisiod is
    the vendor, the app the real one (not the demo), with debug logging on, a home of its own and
    the keyfile GSettings backend.  Both tokens may be in the keyring only: never in a log, a file
    (apps.ini and app-checks.ini searched by name), GSettings or the cache; and once renewed, the
    keyring holds the new token as the app's and has forgotten the old one."""
    session_home = os.environ["HOME"]
    root, home, dirs, env = private_home("provisio-audit-tracked-")
    vendor_dir = tempfile.mkdtemp(prefix="provisio-audit-vendor-")
    out_log, err_log = os.path.join(root, "stdout"), os.path.join(root, "stderr")
    apps_ini = os.path.join(dirs["XDG_CONFIG_HOME"], "provisio", "apps.ini")
    checks_ini = os.path.join(dirs["XDG_STATE_HOME"], "provisio", "app-checks.ini")
    settings_file = os.path.join(dirs["XDG_CONFIG_HOME"], "glib-2.0", "settings", "keyfile")

    vendor = Server(vendor_dir)
    key = vendor.create_tenant("vendor", "Vendor")
    vendor.start()

    def issue():
        r = vendor.request("POST", "/api/v1/provisioning/users/tokens", key=key)
        assert r.status == 201, r.text
        return r.json["secret"]

    url = vendor.request("GET", "/api/v1/provisioning/users", key=key).json["scim_base_url"]
    first = issue()
    audit = Audit()
    audit.add("the tracked app's first token", first)

    def keyring(kind):
        r = subprocess.run(["secret-tool", "lookup", "tenant", "app:vendorapp/users", "kind", kind],
                           capture_output=True, text=True, timeout=30)
        return r.stdout.strip()

    def search_everything(moment):
        out_bytes, err_bytes = read(out_log), read(err_log)
        audit.search("the app's standard output", out_bytes)
        audit.search("the app's standard error", err_bytes)
        seen = audit.search_tree(home, "$HOME")
        seen += audit.search_tree(session_home, "$SESSION_HOME", skip={root, vendor_dir})
        debug = (out_bytes + err_bytes).count(b"-DEBUG: ")
        print(f"# {moment}: logs of {len(out_bytes)} + {len(err_bytes)} bytes "
              f"({debug} debug messages) and {len(seen)} files searched")
        audit.check(moment)
        # The debug log ran while the tokens went to the vendor: GIO's line for each connection
        # (an empty log would prove nothing)
        assert b"GSocketClient: Connection successful!" in out_bytes + err_bytes, "no debug log captured"
        return seen

    with open(out_log, "wb") as out, open(err_log, "wb") as err:
        proc = subprocess.Popen([PROVISIO], env=env, stdout=out, stderr=err)
    try:
        app = wait("the app on the accessibility bus", lambda: app_named("provisio"))
        # Added through the Add an App window, the token pasted
        press(wait("the welcome page's Add an App", lambda: find(app, "push button", "Add an App")))
        title = "Add an App"
        dialog = wait("the Add an App window", lambda: find(app, "frame", title) or find(app, "dialog", title))
        wait("Druva, the catalog's first", lambda: find(dialog, "label", "Druva tokens last 365 days"))
        type_into(wait("the name", lambda: find(dialog, "text", "Name")), title, text="vendorapp")
        type_into(find(dialog, "text", "SCIM base URL"), title, text=url)
        type_into(find(dialog, "text", "Token"), title, paste=first)
        press(find(dialog, "push button", "Add"))
        try:
            wait("the window gone", lambda: find(app, "frame", title) is None and find(app, "dialog", title) is None)
        except AssertionError:
            raise AssertionError("Add an App stayed: " + " / ".join(
                n for r, n in map(role_and_name, descendants(dialog)) if r == "label" and n))
        assert keyring("app-token") == first, "the pasted token is in the keyring"
        with open(apps_ini) as f:
            assert "users-token=keyring" in f.read()

        # A refresh asks the vendor with it: the app's refresh action, as Ctrl+R or the
        # Refresh button run it (a key press may reach no window right after the dialog
        # closed, and which page shows the button depends on what the window shows then);
        # its verdict kept in app-checks.ini
        r = subprocess.run(["gdbus", "call", "--session", "--dest", APP_ID, "--object-path",
                            "/" + APP_ID.replace(".", "/"), "--method", "org.freedesktop.Application.ActivateAction",
                            "refresh", "[]", "{}"], capture_output=True, text=True, env=env, timeout=30)
        if r.returncode != 0:
            # Its warnings, not its debug lines (the audit searched those for secrets)
            said = [line for line in read(err_log).decode(errors="replace").splitlines()
                    if "-CRITICAL" in line or "-WARNING" in line]
            raise AssertionError(f"the refresh action: {r.stderr.strip()} (the app "
                                 f"{'ran' if proc.poll() is None else f'ended with {proc.returncode}'}); "
                                 "it said: " + " / ".join(said[-5:]))
        wait("the vendor's verdict kept", lambda: os.path.exists(checks_ini) and "verdict=" in open(checks_ini).read())
        with open(checks_ini) as f:
            assert "verdict=works" in f.read(), "the vendor accepts the token"

        # Renewed by pasting the new token once, then recorded by the admin's word (no Graph here)
        second = issue()
        audit.add("the tracked app's renewed token", second)
        subprocess.run(["xdotool", "key", "ctrl+f"], check=True)
        subprocess.run(["xdotool", "type", "--delay", "60", "Druva"], check=True)
        subprocess.run(["xdotool", "key", "Return"], check=True)
        press(wait("the app page's Renew…", lambda: find(app, "push button", "Renew…")))
        title = "Renew the Users Token of Druva"
        window = wait("the paste-once window", lambda: find(app, "frame", title) or find(app, "dialog", title))
        type_into(wait("the new token's entry", lambda: find(window, "text", "New token")), title, paste=second)
        press(find(window, "push button", "Check and Keep"))
        wait("the token kept, waiting", lambda: find(window, "label", "closing this window loses nothing"))
        assert (keyring("app-token"), keyring("app-token-pending")) == (first, second)
        search_everything("while the new token waits to be handed over")
        press(wait("The Identity Provider Has It", lambda: find(window, "push button", "The Identity Provider Has It")))
        wait("the renewal recorded", lambda: find(window, "label", "Done."))
        assert (keyring("app-token"), keyring("app-token-pending")) == (second, ""), "the old token forgotten"
        items = subprocess.run(["secret-tool", "search", "--all", "tenant", "app:vendorapp/users"],
                               capture_output=True, text=True, timeout=30).stdout
        assert items.count("secret = ") == 1, "one token of the app in the keyring"

        main_window = wait("the main window", lambda: find(app, "frame", "Provisio"))
        press(wait("the main window's Close", lambda: find(main_window, "push button", "Close")))
        assert proc.wait(timeout=30) == 0, f"the app exited with {proc.returncode}"
        seen = search_everything("after the app quit")
        for path in (apps_ini, checks_ini, settings_file):
            assert os.path.join("$HOME", os.path.relpath(path, home)) in seen, f"{path} was not searched"
        print("ok 2 a tracked app's tokens, added and renewed by paste, are in the keyring only")
        print("1..2")
        return 0
    finally:
        stop(proc)
        vendor.stop()
        shutil.rmtree(root, ignore_errors=True)
        shutil.rmtree(vendor_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main() or tracked_audit())
