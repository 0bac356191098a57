# pvtest.py: a real provisiod on a random loopback port, for the integration tests.
#
# Copyright 2026 The Provisio authors
# SPDX-License-Identifier: GPL-3.0-or-later

import datetime
import fcntl
import http.client
import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
import unittest
import urllib.parse
import uuid

import jsonschema

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.normpath(os.path.join(HERE, "..", ".."))
PROVISIOD = os.environ.get("PROVISIOD", os.path.join(TOP, "build", "src", "server", "provisiod"))
OPENAPI = json.load(open(os.path.join(TOP, "docs", "openapi.json")))

SECRET = re.compile(r"pv[as]_[0-9A-Za-z]{49}")

NPM_PREFIX = os.environ.get("NPM_PREFIX", os.path.join(TOP, "build", "npm"))
# Node.js packages the tests use: newman runs Microsoft's SCIM collection,
# scimmy + scimmy-routers + express make an independent SCIM server.
NPM_PACKAGES = ["newman@6", "scimmy", "scimmy-routers", "express"]


def parse_time(text):
    """Seconds since the epoch of a time as the API writes it (RFC 3339, UTC)."""
    return int(datetime.datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp())


def format_time(seconds):
    """A time in seconds as the API writes it."""
    return datetime.datetime.fromtimestamp(seconds, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def npm_packages():
    """Installs the test's npm packages once, under a lock: tests run in
    parallel, and two npm installs into one prefix spoil each other."""
    os.makedirs(NPM_PREFIX, exist_ok=True)
    with open(os.path.join(NPM_PREFIX, ".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        names = [p.split("@")[0] for p in NPM_PACKAGES]
        if not all(os.path.exists(os.path.join(NPM_PREFIX, "node_modules", n)) for n in names):
            subprocess.run(["npm", "install", "--prefix", NPM_PREFIX, "--no-audit", "--no-fund",
                            "--loglevel", "error"] + NPM_PACKAGES, check=True)
    return NPM_PREFIX


def day(n):
    return n * 86400


# PROVISIOD_DATABASE=postgresql runs the same tests against PostgreSQL: a
# cluster of this process's own (initdb and pg_ctl from Debian's postgresql
# package, on a Unix socket in a temporary directory, no system service),
# and a fresh database for each Server.
STORE = os.environ.get("PROVISIOD_DATABASE", "sqlite")
PG_BIN = os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin")


class PostgreSQL:
    """A throw-away PostgreSQL cluster; as root, run as the postgres user,
    since PostgreSQL refuses to run as root."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="pvpg-")
        self.data = os.path.join(self.dir, "data")
        self.user = None
        if os.geteuid() == 0:
            import pwd
            self.user = pwd.getpwnam("postgres")
            os.chown(self.dir, self.user.pw_uid, self.user.pw_gid)
        self._run("initdb", "-D", self.data, "-A", "trust", "-U", "postgres", "--no-sync",
                  "-E", "UTF8", "--locale", "C")
        self.start()

    def _run(self, tool, *args, check=True):
        cmd = [os.path.join(PG_BIN, tool)] + list(args)
        if self.user is not None:
            cmd = ["setpriv", f"--reuid={self.user.pw_uid}", f"--regid={self.user.pw_gid}",
                   "--clear-groups"] + cmd
        return subprocess.run(cmd, capture_output=True, text=True, check=check, cwd=self.dir)

    def start(self):
        # fsync off: the tests kill provisiod, not the machine.
        self._run("pg_ctl", "-D", self.data, "-l", os.path.join(self.dir, "log"), "-w",
                  "-o", f"-k {self.dir} -c listen_addresses= -F -c max_connections=200", "start")

    def stop(self, mode="fast"):
        self._run("pg_ctl", "-D", self.data, "-m", mode, "-w", "stop", check=False)

    def create_database(self):
        name = "t_" + uuid.uuid4().hex[:16]
        self._run("createdb", "-h", self.dir, "-U", "postgres", name)
        return f"postgresql:///{name}?host={self.dir}&user=postgres"

    def query(self, url, sql):
        """Rows of a query, as tuples of text (None for NULL)."""
        name = urllib.parse.urlsplit(url).path.lstrip("/")
        out = self._run("psql", "-h", self.dir, "-U", "postgres", "-d", name, "-X", "-q", "-A", "-t",
                        "-F", "\x1f", "-R", "\x1e", "-P", "null=\x02", "-c", sql).stdout
        return [tuple(None if f == "\x02" else f for f in row.split("\x1f"))
                for row in out.rstrip("\n").split("\x1e") if row.strip("\n")]

    def session(self, url):
        """A psql session of its own, for a transaction that stays open:
        statements go to its stdin, answers come from its stdout."""
        name = urllib.parse.urlsplit(url).path.lstrip("/")
        cmd = [os.path.join(PG_BIN, "psql"), "-h", self.dir, "-U", "postgres", "-d", name,
               "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1"]
        if self.user is not None:
            cmd = ["setpriv", f"--reuid={self.user.pw_uid}", f"--regid={self.user.pw_gid}",
                   "--clear-groups"] + cmd
        return subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                                cwd=self.dir)

    def dump(self, url):
        """The database's rows as text, for the test that no secret is stored."""
        name = urllib.parse.urlsplit(url).path.lstrip("/")
        return self._run("pg_dump", "-h", self.dir, "-U", "postgres", "--data-only", name).stdout

    def destroy(self):
        self.stop("immediate")
        shutil.rmtree(self.dir, ignore_errors=True)


_postgresql = None


def postgresql():
    """The process's PostgreSQL cluster, started on first use."""
    global _postgresql
    if _postgresql is None:
        import atexit
        _postgresql = PostgreSQL()
        atexit.register(_postgresql.destroy)
    return _postgresql


_databases = {}


def new_database(workdir, name="provisiod.db"):
    """Where a provisiod keeps its data, in the store the run tests: the
    same file, or the same PostgreSQL database, for the same place."""
    path = os.path.join(workdir, name)
    if STORE == "postgresql":
        if path not in _databases:
            _databases[path] = postgresql().create_database()
        return _databases[path]
    return path


def execute(db, sql):
    """Runs @sql on the store's database behind provisiod's back (a test
    that damages what it keeps)."""
    if db.startswith("postgresql:"):
        postgresql().query(db, sql)
        return
    import sqlite3
    with sqlite3.connect(db) as conn:
        conn.execute(sql)


def stored_bytes(db):
    """Everything the store holds, as bytes, to look for secrets in."""
    if db.startswith("postgresql:"):
        return postgresql().dump(db).encode()
    data = b""
    for suffix in ("", "-wal", "-shm"):
        try:
            with open(db + suffix, "rb") as f:
                data += f.read()
        except OSError:
            pass
    return data


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.text = body.decode("utf-8", "replace")
        try:
            self.json = json.loads(self.text) if self.text else None
        except ValueError:
            self.json = None

    def header(self, name):
        return self.headers.get(name.lower())


def _template_for(path):
    """The OpenAPI path template matching a concrete path, and its parameters."""
    for template in OPENAPI["paths"]:
        pattern = "^" + re.sub(r"\\\{[a-z_]+\\\}", "[^/]+", re.escape(template)) + "$"
        if re.match(pattern, path):
            return template
    return None


def _validator(schema):
    resolver = jsonschema.RefResolver.from_schema(OPENAPI)
    return jsonschema.Draft202012Validator(schema, resolver=resolver)


def check_against_openapi(method, path, response):
    """Validates an answer of the management API against docs/openapi.json.
    Returns the operationId, or None for a path the file does not document."""
    template = _template_for(path)
    if template is None:
        return None
    operation = OPENAPI["paths"][template].get(method.lower())
    if operation is None:
        return None
    responses = operation["responses"]
    documented = responses.get(str(response.status))
    if documented is None:
        raise AssertionError(f"{method} {template}: status {response.status} is not documented: {response.text[:300]}")
    if "$ref" in documented:
        documented = OPENAPI["components"]["responses"][documented["$ref"].split("/")[-1]]
    schema = documented["content"]["application/json"]["schema"]
    _validator(schema).validate(response.json)
    for name, header in documented.get("headers", {}).items():
        value = response.header(name.lower())
        if value is None:
            if header.get("required"):
                raise AssertionError(f"{method} {template}: {response.status} without its {name} header")
            continue
        if header["schema"].get("type") == "integer":
            value = int(value)
        _validator(header["schema"]).validate(value)
    return operation["operationId"], response.status


class Server:
    """provisiod on 127.0.0.1, port chosen by the kernel, with its own database."""

    def __init__(self, workdir, extra=(), db=None, test_clock=True, retire_grace=0):
        self.workdir = workdir
        self.retire_grace = retire_grace    # None: the identity provider's window
        self.test_clock = test_clock
        self.db = db or new_database(workdir)
        self.extra = list(extra)
        self.proc = None
        self.url = None
        self.output = ""
        self.seen = []      # (operationId, status) validated against the OpenAPI file
        self.secrets = set()

    def start(self):
        args = [PROVISIOD, "--db", self.db, "--listen", "127.0.0.1:0"]
        if self.retire_grace is not None:
            args += ["--retire-grace", str(self.retire_grace)]
        args += (["--test-clock"] if self.test_clock else []) + self.extra
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     env=dict(os.environ, G_MESSAGES_DEBUG="all"))
        line = self.proc.stdout.readline().decode()
        m = re.match(r"provisiod: listening on (http://127\.0\.0\.1:\d+)$", line.strip())
        if not m:
            self.proc.kill()
            raise AssertionError("provisiod did not start: " + line + self.proc.stderr.read().decode())
        self.url = m.group(1)
        return self

    def stop(self, sig=signal.SIGTERM):
        self.proc.send_signal(sig)
        out, err = self.proc.communicate(timeout=20)
        self.output += out.decode() + err.decode()
        if sig == signal.SIGTERM:
            assert self.proc.returncode == 0, f"provisiod exited with {self.proc.returncode}: {err.decode()[-2000:]}"
        return self.proc.returncode

    def cli(self, *args, check=True):
        r = subprocess.run([PROVISIOD, "--db", self.db] + list(args), capture_output=True, text=True)
        if check and r.returncode != 0:
            raise AssertionError(f"provisiod {' '.join(args)}: {r.stderr}")
        self.secrets.update(SECRET.findall(r.stdout))
        return r

    def create_tenant(self, slug, name=None, owner="admin@example.com"):
        r = self.cli("tenant", "create", slug, "--name", name or slug.title(), "--owner", owner)
        key = r.stdout.strip().splitlines()[-1]
        assert SECRET.fullmatch(key) and key.startswith("pva_"), "no key on the last line"
        return key

    def request(self, method, path, key=None, body=None, headers=None, raw=None,
                content_type="application/json", validate=True):
        url = urllib.parse.urlsplit(self.url)
        conn = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
        h = {"User-Agent": "provisio-tests"}
        if key is not None:
            h["Authorization"] = "Bearer " + key
        data = raw
        if body is not None:
            data = json.dumps(body).encode()
        if data is not None and content_type:
            h["Content-Type"] = content_type
        h.update(headers or {})
        conn.request(method, path, body=data, headers=h)
        resp = conn.getresponse()
        r = Response(resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read())
        conn.close()
        if r.json is not None:
            self.secrets.update(SECRET.findall(r.text))
        if validate and (path.startswith("/api/") or path.startswith("/_test/")):
            path_only = path.split("?")[0]
            seen = check_against_openapi(method, path_only, r)
            if seen:
                self.seen.append(seen)
            elif r.status != 404 and r.status != 405:
                raise AssertionError(f"{method} {path}: undocumented path answered {r.status}")
        return r

    def set_clock(self, now=None, offset=None):
        body = {"now": now} if now is not None else {"offset_seconds": offset}
        r = self.request("PUT", "/_test/clock", body=body)
        assert r.status == 200, r.text
        return r.json

    def scim(self, method, base_url, resource, secret, body=None, user_agent="Test IdP/1.0"):
        path = urllib.parse.urlsplit(base_url).path + resource
        return self.request(method, path, key=secret, body=body, headers={"User-Agent": user_agent},
                            content_type="application/scim+json", validate=False)

    def scim_provision(self, base_url, secret, user_agent="Test IdP/1.0"):
        """A change as an identity provider's cycle makes one: it creates a user (a new
        userName each time).  Unlike a read, it starts the retirement of the token that
        `secret`'s token replaces (docs/provisiod.md, "Token rules")."""
        name = f"{uuid.uuid4()}@provisioned.example"
        return self.scim("POST", base_url, "/Users", secret, user_agent=user_agent,
                         body={"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
                               "userName": name, "externalId": name, "active": True})


class ServerTest(unittest.TestCase):
    """A fresh provisiod per test, checked afterwards for leaked secrets."""

    extra_args = ()
    test_clock = True
    retire_grace = 0

    def setUp(self):
        self.workdir = tempfile.mkdtemp(prefix="provisiod-test-")
        self.server = Server(self.workdir, self.extra_args, test_clock=self.test_clock,
                             retire_grace=self.retire_grace)
        self.key = self.server.create_tenant("acme", "Acme Corp", owner="alice@acme.example")
        self.server.start()

    def tearDown(self):
        server = self.server
        if server.proc and server.proc.poll() is None:
            server.stop()
        leaked = [s[:10] for s in server.secrets if s in server.output]
        db_bytes = stored_bytes(server.db)
        stored = [s[:10] for s in server.secrets if s.encode() in db_bytes]
        shutil.rmtree(self.workdir, ignore_errors=True)
        self.assertEqual(leaked, [], "secrets in provisiod's output (prefixes shown)")
        self.assertEqual(stored, [], "secrets in the database instead of digests (prefixes shown)")

    # helpers
    def notification_server(self):
        """A stand-in for the desktop's notification server on the test bus; returns its log."""
        log = os.path.join(self.workdir, "notifications.jsonl")
        fake = subprocess.Popen(["/usr/bin/python3", os.path.join(HERE, "fake_notifications.py"),
                                 log], stdout=subprocess.PIPE, text=True)
        self.addCleanup(fake.stdout.close)
        self.addCleanup(fake.wait)
        self.addCleanup(fake.terminate)
        self.assertEqual(fake.stdout.readline().strip(), "ready")
        return log

    def notifications(self, log, expect=0):
        """What the stand-in recorded, waiting a moment for @expect of them (it writes after the
        sender has gone)."""
        deadline = time.monotonic() + 5
        while True:
            notes = []
            if os.path.exists(log):
                with open(log) as f:
                    notes = [note for note in map(json.loads, f) if not note["app_id"].startswith("barrier-")]
            if len(notes) >= expect or time.monotonic() > deadline:
                return notes
            time.sleep(0.05)

    def get(self, path, key=None):
        return self.server.request("GET", path, key=key or self.key)

    def connection(self, kind="users", key=None):
        r = self.get(f"/api/v1/provisioning/{kind}", key)
        self.assertEqual(r.status, 200, r.text)
        return r.json

    def issue(self, kind="users", key=None, expect=201, **body):
        r = self.server.request("POST", f"/api/v1/provisioning/{kind}/tokens", key=key or self.key,
                                body=body if body else None)
        self.assertEqual(r.status, expect, r.text)
        return r.json

    def revoke(self, token_id, kind="users", key=None, force=False, expect=200):
        q = "?force=true" if force else ""
        r = self.server.request("DELETE", f"/api/v1/provisioning/{kind}/tokens/{token_id}{q}",
                                key=key or self.key)
        self.assertEqual(r.status, expect, r.text)
        return r.json

    def assertError(self, r, status, code, mentions=None):
        self.assertEqual(r.status, status, r.text)
        self.assertIsInstance(r.json, dict, r.text)
        self.assertEqual(r.json.get("error"), code, r.text)
        self.assertTrue(r.json.get("message"))
        if mentions:
            self.assertIn(mentions, r.json["message"])
