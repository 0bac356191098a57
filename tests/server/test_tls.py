#!/usr/bin/python3
# TLS end to end: provisiod serving HTTPS with certificates openssl makes
# here (a CA and a server certificate it signed, self-signed ones), its
# startup errors, the loopback rule for plain HTTP, the TLS versions it
# accepts, and provisioctl against it: pinned, wrongly pinned, not pinned.
# provisioctl keeps keys in the keyring: run through tests/with-session.sh.
#
# Copyright 2026 The Provisio authors
# SPDX-License-Identifier: GPL-3.0-or-later

import json
import os
import re
import shutil
import socket
import ssl
import subprocess
import tempfile
import unittest
import urllib.error
import urllib.request

from pvtest import PROVISIOD, SECRET, TOP, Server, ServerTest

PROVISIOCTL = os.environ.get("PROVISIOCTL", os.path.join(TOP, "build", "src", "cli", "provisioctl"))

CERTS = None   # a directory of certificates shared by every test


def openssl(*args, cwd):
    subprocess.run(["openssl"] + list(args), cwd=cwd, check=True, capture_output=True)


def make_certificates(d):
    """ca.pem signs server.pem (for 127.0.0.1 and localhost); self.pem and
    other.pem are self-signed for 127.0.0.1; wrong-name.pem is signed by the CA
    for another name."""
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=Provisio Test CA",
            "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign",
            "-keyout", "ca.key", "-out", "ca.pem", cwd=d)
    for name, san in (("server", "IP:127.0.0.1,DNS:localhost"), ("wrong-name", "DNS:tenant.example.com")):
        with open(os.path.join(d, name + ".ext"), "w") as f:
            f.write(f"subjectAltName={san}\nextendedKeyUsage=serverAuth\n")
        openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=" + name, "-keyout", name + ".key",
                "-out", name + ".csr", cwd=d)
        openssl("x509", "-req", "-in", name + ".csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
                "-days", "2", "-extfile", name + ".ext", "-out", name + ".pem", cwd=d)
    for name in ("self", "other"):
        openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-days", "2", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                "-keyout", name + ".key", "-out", name + ".pem", cwd=d)


def path(name):
    return os.path.join(CERTS, name)


def fingerprint(pem):
    out = subprocess.run(["openssl", "x509", "-in", pem, "-noout", "-fingerprint", "-sha256"],
                         capture_output=True, text=True, check=True).stdout
    return out.strip().split("=", 1)[1]


def key_material(key_file):
    """The base64 lines of a private key, which no output may show."""
    with open(key_file) as f:
        return [line.strip() for line in f if line.strip() and not line.startswith("-----")]


def setUpModule():
    global CERTS
    CERTS = tempfile.mkdtemp(prefix="provisio-tls-")
    make_certificates(CERTS)


def tearDownModule():
    shutil.rmtree(CERTS, ignore_errors=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class TlsServer(Server):
    """provisiod with any listening address and scheme."""

    def __init__(self, workdir, extra=(), listen="127.0.0.1:0", env=None):
        super().__init__(workdir, extra)
        self.listen = listen
        self.env = env or {}

    def start(self):
        args = [PROVISIOD, "--db", self.db, "--listen", self.listen, "--retire-grace", "0"] + self.extra
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     env=dict(os.environ, G_MESSAGES_DEBUG="all", **self.env))
        line = self.proc.stdout.readline().decode()
        m = re.match(r"provisiod: listening on (https?://[0-9.]+:\d+)$", line.strip())
        if not m:
            self.proc.kill()
            raise AssertionError("provisiod did not start: " + line + self.proc.stderr.read().decode())
        self.url = m.group(1)
        return self


class TlsTest(ServerTest):
    """A fresh provisiod per test, serving what server_args say."""

    server_args = ("--tls-certificate", "{server.pem}", "--tls-key", "{server.key}")
    listen = "127.0.0.1:0"

    def setUp(self):
        self.workdir = tempfile.mkdtemp(prefix="provisiod-test-")
        args = [re.sub(r"\{(.+)\}", lambda m: path(m.group(1)), a) for a in self.server_args]
        self.server = TlsServer(self.workdir, args, listen=self.listen)
        self.key = self.server.create_tenant("acme", "Acme Corp", owner="alice@acme.example")
        self.server.start()
        self.tenants = os.path.join(self.workdir, "tenants.ini")
        # One keyring serves the whole module: no tenant's key from an earlier test.
        for tenant in ("acme", "local"):
            subprocess.run(["secret-tool", "clear", "tenant", tenant, "kind", "admin-key"], check=False)

    def fetch(self, url, context, key=None):
        request = urllib.request.Request(url, headers={"Authorization": "Bearer " + (key or self.key)})
        with urllib.request.urlopen(request, context=context, timeout=20) as r:
            return r.status, json.loads(r.read())

    def run_provisiod(self, *args):
        """provisiod expected to stop at once; its status and output."""
        r = subprocess.run([PROVISIOD, "--db", os.path.join(self.workdir, "other.db"), "--listen", "127.0.0.1:0"]
                           + list(args), capture_output=True, text=True, timeout=30)
        return r.returncode, r.stdout + r.stderr

    def ctl(self, *args, key=None):
        env = dict(os.environ, PROVISIO_TENANTS_FILE=self.tenants, TZ="UTC")
        r = subprocess.run([PROVISIOCTL] + list(args), input=(key + "\n") if key else "",
                           capture_output=True, text=True, env=env, timeout=60)
        self.assertNotIn(self.key, r.stdout + r.stderr, "the key was printed")
        return r

    def keyring(self, tenant):
        r = subprocess.run(["secret-tool", "lookup", "tenant", tenant, "kind", "admin-key"],
                           capture_output=True, text=True)
        return r.stdout.strip()


class Https(TlsTest):

    def test_verified_with_the_ca_only(self):
        self.assertTrue(self.server.url.startswith("https://127.0.0.1:"), self.server.url)
        trusting = ssl.create_default_context(cafile=path("ca.pem"))
        status, tenant = self.fetch(self.server.url + "/api/v1/tenant", trusting)
        self.assertEqual((status, tenant["id"]), (200, "acme"))

        # The system's authorities do not know the test CA.
        with self.assertRaises(urllib.error.URLError) as caught:
            self.fetch(self.server.url + "/api/v1/tenant", ssl.create_default_context())
        self.assertIsInstance(caught.exception.reason, ssl.SSLCertVerificationError)

        # curl likewise: 60 is "peer certificate cannot be authenticated".
        ok = subprocess.run(["curl", "-sS", "--cacert", path("ca.pem"), "-H", "Authorization: Bearer " + self.key,
                             self.server.url + "/api/v1/tenant"], capture_output=True, text=True, timeout=30)
        self.assertEqual(ok.returncode, 0, ok.stderr)
        self.assertEqual(json.loads(ok.stdout)["id"], "acme")
        refused = subprocess.run(["curl", "-sS", "--capath", "/nonexistent", "--cacert", path("other.pem"),
                                  self.server.url + "/api/v1/tenant"], capture_output=True, text=True, timeout=30)
        self.assertEqual(refused.returncode, 60, refused.stderr)

        # Plain HTTP on the HTTPS port gets no answer.
        port = int(self.server.url.rsplit(":", 1)[1])
        with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
            s.sendall(b"GET /api/v1/tenant HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
                      + self.key.encode() + b"\r\n\r\n")
            try:
                answer = s.recv(4096)
            except (ConnectionResetError, socket.timeout):
                answer = b""
        self.assertNotIn(b"HTTP/1.1 200", answer)

    def test_urls_handed_out_are_https(self):
        trusting = ssl.create_default_context(cafile=path("ca.pem"))
        request = urllib.request.Request(self.server.url + "/api/v1/provisioning/users/tokens", method="POST",
                                         headers={"Authorization": "Bearer " + self.key})
        with urllib.request.urlopen(request, context=trusting, timeout=20) as r:
            issued = json.loads(r.read())
        self.server.secrets.add(issued["secret"])
        self.assertTrue(issued["scim_base_url"].startswith(self.server.url + "/t/acme/scim/users/v2"),
                        issued["scim_base_url"])

    def test_many_connections_over_the_workers(self):
        """Every worker serves TLS: 40 new connections, each its own handshake."""
        trusting = ssl.create_default_context(cafile=path("ca.pem"))
        for _ in range(40):
            status, _ = self.fetch(self.server.url + "/api/v1/tenant", trusting)
            self.assertEqual(status, 200)

    def test_tls_versions(self):
        """TLS 1.2 and 1.3 only, unless G_TLS_GNUTLS_PRIORITY says otherwise."""
        port = int(self.server.url.rsplit(":", 1)[1])

        def version(port, low, high):
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
            context.load_verify_locations(path("ca.pem"))
            context.set_ciphers("DEFAULT:@SECLEVEL=0")
            context.minimum_version, context.maximum_version = low, high
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=10) as raw:
                    with context.wrap_socket(raw, server_hostname="127.0.0.1") as s:
                        return s.version()
            except (ssl.SSLError, ConnectionResetError):
                return None

        V = ssl.TLSVersion
        self.assertEqual(version(port, V.TLSv1, V.TLSv1), None)
        self.assertEqual(version(port, V.TLSv1_1, V.TLSv1_1), None)
        self.assertEqual(version(port, V.TLSv1_2, V.TLSv1_2), "TLSv1.2")
        self.assertEqual(version(port, V.TLSv1_3, V.TLSv1_3), "TLSv1.3")

        # The same client reaches GnuTLS's own defaults: the refusal above is provisiod's.
        legacy = TlsServer(self.workdir, self.server.extra, env={"G_TLS_GNUTLS_PRIORITY": "NORMAL"})
        legacy.db = os.path.join(self.workdir, "legacy.db")
        legacy.start()
        try:
            self.assertEqual(version(int(legacy.url.rsplit(":", 1)[1]), V.TLSv1_1, V.TLSv1_1), "TLSv1.1")
        finally:
            legacy.stop()


class Startup(TlsTest):

    def assertRefused(self, args, *mentions, status=1):
        code, output = self.run_provisiod(*args)
        self.assertEqual(code, status, output)
        for m in mentions:
            self.assertIn(m, output)
        for key in ("server.key", "self.key", "other.key", "ca.key"):
            for line in key_material(path(key)):
                self.assertNotIn(line, output, "key material in the output")
        self.assertNotIn("PRIVATE KEY-----\n", output)
        return output

    def test_bad_certificates_and_keys(self):
        cert, key = path("server.pem"), path("server.key")
        self.assertRefused(["--tls-certificate", cert, "--tls-key", path("other.key")],
                           "The TLS key " + path("other.key") + " does not belong to the certificate " + cert)
        self.assertRefused(["--tls-certificate", path("self.pem"), "--tls-key", path("other.key")],
                           "does not belong")
        self.assertRefused(["--tls-certificate", cert, "--tls-key", path("missing.key")],
                           "Cannot read the TLS key " + path("missing.key") + ": No such file or directory")
        self.assertRefused(["--tls-certificate", path("missing.pem"), "--tls-key", key],
                           "Cannot read the TLS certificate " + path("missing.pem"))
        self.assertRefused(["--tls-certificate", key, "--tls-key", key],
                           "The TLS certificate " + key + " holds no PEM certificate")
        self.assertRefused(["--tls-certificate", cert, "--tls-key", cert],
                           "The TLS key " + cert + " holds no PEM private key")
        self.assertRefused(["--tls-certificate", CERTS, "--tls-key", key], "Cannot read the TLS certificate")
        self.assertRefused(["--tls-certificate", cert], "both a certificate and its key", status=2)
        self.assertRefused(["--tls-key", key], "both a certificate and its key", status=2)

        encrypted = os.path.join(self.workdir, "encrypted.key")
        openssl("pkey", "-in", key, "-aes256", "-passout", "pass:secret", "-out", encrypted, cwd=self.workdir)
        self.assertRefused(["--tls-certificate", cert, "--tls-key", encrypted], "is encrypted with a passphrase")

        damaged = os.path.join(self.workdir, "damaged.key")
        with open(damaged, "w") as f:
            f.write("-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----\n")
        os.chmod(damaged, 0o600)
        self.assertRefused(["--tls-certificate", cert, "--tls-key", damaged], "cannot be used")

    def test_configuration(self):
        """tls-certificate and tls-key in the configuration, relative to it."""
        conf = os.path.join(CERTS, "provisiod.conf")
        with open(conf, "w") as f:
            f.write("[server]\ntls-certificate=server.pem\ntls-key=server.key\n")
        server = TlsServer(self.workdir, ["--config", conf])
        server.db = os.path.join(self.workdir, "conf.db")
        server.start()
        try:
            self.assertTrue(server.url.startswith("https://"), server.url)
            with socket.create_connection(("127.0.0.1", int(server.url.rsplit(":", 1)[1])), timeout=10) as raw:
                context = ssl.create_default_context(cafile=path("ca.pem"))
                with context.wrap_socket(raw, server_hostname="127.0.0.1") as s:
                    self.assertEqual(fingerprint(path("server.pem")).replace(":", "").lower(),
                                     __import__("hashlib").sha256(s.getpeercert(True)).hexdigest())
        finally:
            server.stop()

        with open(conf, "w") as f:
            f.write("[server]\ntls-certificate=server.pem\ntls-key=other.key\n")
        self.assertRefused(["--config", conf], "does not belong")

    def test_group_readable_key_warns(self):
        readable = os.path.join(self.workdir, "readable.key")
        shutil.copy(path("server.key"), readable)
        os.chmod(readable, 0o644)
        server = TlsServer(self.workdir, ["--tls-certificate", path("server.pem"), "--tls-key", readable])
        server.db = os.path.join(self.workdir, "readable.db")
        server.start()
        server.stop()
        self.assertIn("can be read by other users", server.output)


class PlainHttp(TlsTest):
    """Plain HTTP beyond loopback only when allowed."""

    server_args = ()

    def test_loopback_is_allowed(self):
        self.assertTrue(self.server.url.startswith("http://127.0.0.1:"), self.server.url)
        for listen in ("localhost:0", "127.0.0.2:0"):
            server = TlsServer(self.workdir, listen=listen)
            server.db = os.path.join(self.workdir, "loopback.db")
            server.start()
            server.stop()
            self.assertTrue(server.url.startswith("http://127.0.0."), server.url)

    def test_public_address_refused_unless_allowed(self):
        port = free_port()
        code, output = self.run_provisiod("--listen", f"0.0.0.0:{port}")
        self.assertEqual(code, 1, output)
        self.assertIn("Refusing plain HTTP on 0.0.0.0", output)
        self.assertIn("--allow-insecure-http", output)
        self.assertIn("--tls-certificate", output)

        for args in (["--allow-insecure-http"], ["--config", self.config("allow-insecure-http=true")]):
            server = TlsServer(self.workdir, args, listen=f"0.0.0.0:{free_port()}")
            server.db = os.path.join(self.workdir, "public.db")
            server.start()
            try:
                self.assertTrue(server.url.startswith("http://0.0.0.0:"), server.url)
                url = server.url.replace("0.0.0.0", "127.0.0.1") + "/api/v1/tenant"
                with self.assertRaises(urllib.error.HTTPError) as caught:
                    urllib.request.urlopen(url, timeout=20)
                self.assertEqual(caught.exception.code, 401)
            finally:
                server.stop()

        code, output = self.run_provisiod("--listen", f"0.0.0.0:{free_port()}",
                                          "--config", self.config("allow-insecure-http=perhaps"))
        self.assertEqual(code, 2, output)
        self.assertIn("“allow-insecure-http” must be true or false", output)

        # With TLS, any address.
        server = TlsServer(self.workdir, ["--tls-certificate", path("server.pem"), "--tls-key", path("server.key")],
                           listen=f"0.0.0.0:{free_port()}")
        server.db = os.path.join(self.workdir, "public-tls.db")
        server.start()
        server.stop()
        self.assertTrue(server.url.startswith("https://0.0.0.0:"), server.url)

    def config(self, line):
        conf = os.path.join(self.workdir, "provisiod.conf")
        with open(conf, "w") as f:
            f.write("[server]\n" + line + "\n")
        return conf


class SelfSigned(TlsTest):
    """provisioctl against a tenant with a self-signed certificate."""

    server_args = ("--tls-certificate", "{self.pem}", "--tls-key", "{self.key}")

    def test_pinned(self):
        pin = fingerprint(path("self.pem"))
        added = self.ctl("tenant", "add", "acme", self.server.url, "--pin-certificate", path("self.pem"), key=self.key)
        self.assertEqual(added.returncode, 0, added.stderr)
        self.assertIn("Pinned certificate: SHA-256 " + pin, added.stdout)
        self.assertIn("alice@acme.example", added.stdout)
        with open(self.tenants) as f:
            kept = f.read()
        self.assertIn("pinned-sha256=" + pin, kept)
        self.assertNotIn(self.key, kept)
        self.assertIn("pinned certificate SHA-256 " + pin, self.ctl("tenant", "list").stdout)

        status = self.ctl("status", "--json")
        self.assertEqual(status.returncode, 0, status.stderr)
        self.assertEqual(json.loads(status.stdout)["tenants"][0]["error"], None)
        renewed = self.ctl("renew", "acme", "users")
        self.assertEqual(renewed.returncode, 0, renewed.stderr)
        self.assertRegex(renewed.stdout, r"^pvs_[0-9A-Za-z]{49}\n$")
        self.server.secrets.add(renewed.stdout.strip())
        self.assertIn(self.server.url + "/t/acme/scim/users/v2", renewed.stderr)

        # A pin that no longer matches: as if the server's certificate changed.
        with open(self.tenants, "w") as f:
            f.write(kept.replace(pin, fingerprint(path("other.pem"))))
        status = self.ctl("status")
        self.assertEqual(status.returncode, 1)
        self.assertIn("does not match the pinned certificate", status.stdout)
        self.assertIn(pin, status.stdout, "the certificate presented is named")
        renewed = self.ctl("renew", "acme", "users")
        self.assertEqual((renewed.returncode, renewed.stdout), (1, ""))
        self.assertIn("does not match the pinned certificate", renewed.stderr)

        # A pin that is no fingerprint does not fall back to trusting more.
        with open(self.tenants, "w") as f:
            f.write(kept.replace(pin, "AB:CD"))
        status = self.ctl("status")
        self.assertEqual(status.returncode, 1)
        self.assertIn("is not a SHA-256 fingerprint", status.stderr)

    def test_wrong_pin(self):
        added = self.ctl("tenant", "add", "acme", self.server.url, "--pin-certificate", path("other.pem"), key=self.key)
        self.assertEqual(added.returncode, 1)
        self.assertIn("The tenant’s certificate does not match the pinned certificate", added.stderr)
        self.assertIn(fingerprint(path("self.pem")), added.stderr)
        self.assertIn(fingerprint(path("other.pem")), added.stderr)
        self.assertEqual(self.keyring("acme"), "", "nothing kept for a refused tenant")
        self.assertFalse(os.path.exists(self.tenants))

        bad = self.ctl("tenant", "add", "acme", self.server.url, "--pin-certificate", path("self.key"), key=self.key)
        self.assertEqual(bad.returncode, 2)
        self.assertIn("Cannot pin the certificate in " + path("self.key"), bad.stderr)

    def test_not_pinned(self):
        added = self.ctl("tenant", "add", "acme", self.server.url, key=self.key)
        self.assertEqual(added.returncode, 1)
        self.assertIn("The tenant’s certificate is not trusted (it is self-signed or signed by an authority",
                      added.stderr)
        self.assertEqual(self.keyring("acme"), "")


class CaSigned(TlsTest):
    """A certificate from a CA this computer does not trust; the system's
    trust store itself is tested in test-client (/client/tls)."""

    def test_untrusted_ca_then_pinned(self):
        refused = self.ctl("tenant", "add", "acme", self.server.url, key=self.key)
        self.assertEqual(refused.returncode, 1)
        self.assertIn("is not trusted", refused.stderr)
        # A pin trusts that certificate, whoever signed it.
        added = self.ctl("tenant", "add", "acme", self.server.url, "--pin-certificate", path("server.pem"),
                         key=self.key)
        self.assertEqual(added.returncode, 0, added.stderr)
        self.assertEqual(self.ctl("status").returncode, 0)


class InsecureClient(TlsTest):
    """provisioctl sends no key over plain HTTP to another computer unless allowed."""

    server_args = ("--allow-insecure-http",)
    listen = "0.0.0.0:0"

    def test_refused_unless_allowed(self):
        # On Linux, 0.0.0.0 reaches this machine; it is not a loopback address.
        self.assertTrue(self.server.url.startswith("http://0.0.0.0:"), self.server.url)
        refused = self.ctl("tenant", "add", "acme", self.server.url, key=self.key)
        self.assertEqual(refused.returncode, 1)
        self.assertIn("is plain HTTP to another computer", refused.stderr)
        self.assertIn("--allow-insecure-http", refused.stderr)
        self.assertEqual(self.keyring("acme"), "")

        added = self.ctl("tenant", "add", "acme", self.server.url, "--allow-insecure-http", key=self.key)
        self.assertEqual(added.returncode, 0, added.stderr)
        with open(self.tenants) as f:
            self.assertIn("allow-insecure-http=true", f.read())
        self.assertIn("(plain HTTP allowed)", self.ctl("tenant", "list").stdout)
        self.assertEqual(self.ctl("status").returncode, 0)

        # The allowed add (its check, then its state fetched, as the app's) and
        # status reached the server; the refused add sent nothing.
        self.server.stop()
        self.assertEqual(self.server.output.count("GET /api/v1/tenant "), 3, self.server.output[-3000:])

        local = self.ctl("tenant", "add", "local", self.server.url.replace("0.0.0.0", "localhost"), key=self.key)
        self.assertNotIn("plain HTTP", local.stderr, "localhost is loopback")


if __name__ == "__main__":
    unittest.main(verbosity=2)
