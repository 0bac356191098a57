#!/usr/bin/python3
# The SCIM probe ("Test connection", provisioctl test) against provisiod, an
# independent SCIM server (scimmy), and servers that answer wrongly.
#
# Copyright 2026 The Provisio authors
# SPDX-License-Identifier: GPL-3.0-or-later

import http.server
import json
import os
import shutil
import socket
import ssl
import subprocess
import threading
import time
import unittest

from pvtest import ServerTest, TOP, npm_packages

PROVISIOCTL = os.environ.get("PROVISIOCTL", os.path.join(TOP, "build", "src", "cli", "provisioctl"))
SPC = {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"],
       "patch": {"supported": True}, "bulk": {"supported": False}}


class Handler(http.server.BaseHTTPRequestHandler):
    delay = 0
    html = False

    def do_GET(self):
        time.sleep(self.delay)
        if self.html:
            body, kind = b"<html><body>Welcome to our intranet</body></html>", "text/html"
        elif self.path.endswith("/ServiceProviderConfig"):
            body, kind = json.dumps(SPC).encode(), "application/scim+json"
        else:
            body, kind = json.dumps({"Resources": [{"endpoint": "/Users"}]}).encode(), "application/scim+json"
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def serve(handler, tls_context=None):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    if tls_context:
        server.socket = tls_context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"{'https' if tls_context else 'http'}://127.0.0.1:{server.server_address[1]}/scim/v2"


class Probe(ServerTest):

    def probe(self, url, token):
        r = subprocess.run([PROVISIOCTL, "test", url, "--json"], input=token + "\n", capture_output=True,
                           text=True, timeout=60)
        self.assertNotIn(token, r.stdout + r.stderr, "the token was printed")
        return r.returncode, json.loads(r.stdout) if r.stdout else None

    def test_provisiod(self):
        issued = self.issue()
        code, result = self.probe(issued["scim_base_url"], issued["secret"])
        self.assertEqual((code, result["verdict"]), (0, "works"), result)
        self.assertTrue({"patch", "filter", "etag"} <= set(result["features"]))
        self.assertEqual(set(result["endpoints"]), {"/Users", "/Groups"})
        code, result = self.probe(issued["scim_base_url"], "pvs_" + "x" * 49)
        self.assertEqual((code, result["verdict"]), (1, "token-rejected"))
        code, result = self.probe(issued["scim_base_url"].replace("/v2", "/v3"), issued["secret"])
        self.assertEqual(result["verdict"], "not-scim")
        code, result = self.probe(self.server.url + "/api/v1", issued["secret"])
        self.assertEqual(result["verdict"], "not-scim")

    def test_independent_scim_server(self):
        """An endpoint built on scimmy (npm), which nobody on this project wrote."""
        prefix = npm_packages()
        shutil.copy(os.path.join(TOP, "bench", "scimmy-peer.mjs"), os.path.join(prefix, "scimmy-peer.mjs"))
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        peer = subprocess.Popen(["node", os.path.join(prefix, "scimmy-peer.mjs"), str(port), "peer-token", "3"],
                                stdout=subprocess.PIPE, text=True)
        try:
            self.assertEqual(peer.stdout.readline().strip(), "listening")
            code, result = self.probe(f"http://127.0.0.1:{port}/scim", "peer-token")
            self.assertEqual((code, result["verdict"]), (0, "works"), result)
            self.assertIn("/Users", result["endpoints"])
            code, result = self.probe(f"http://127.0.0.1:{port}/scim", "wrong-token")
            self.assertEqual(result["verdict"], "token-rejected", result)
        finally:
            peer.terminate()
            peer.wait()

    def test_wrong_servers(self):
        html, html_url = serve(type("Html", (Handler,), {"html": True}))
        slow, slow_url = serve(type("Slow", (Handler,), {"delay": 1.2}))
        try:
            code, result = self.probe(html_url, "probe-secret-4711")
            self.assertEqual((code, result["verdict"]), (1, "not-scim"))
            self.assertIn("text/html", result["detail"])
            code, result = self.probe(slow_url, "probe-secret-4711")
            self.assertEqual((code, result["verdict"]), (0, "slow"), result)
            self.assertGreater(result["elapsed_ms"], 2000)
        finally:
            html.shutdown()
            slow.shutdown()

        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        code, result = self.probe(f"http://127.0.0.1:{port}/scim", "probe-secret-4711")
        self.assertEqual((code, result["verdict"]), (1, "unreachable"))

        # A server that speaks something else than HTTP
        listener = socket.socket()
        listener.bind(("127.0.0.1", 0))
        listener.listen()

        def ssh_like():
            conn, _ = listener.accept()
            conn.sendall(b"SSH-2.0-OpenSSH_9.2\r\n")
            conn.close()
        threading.Thread(target=ssh_like, daemon=True).start()
        code, result = self.probe(f"http://127.0.0.1:{listener.getsockname()[1]}/scim", "probe-secret-4711")
        listener.close()
        self.assertEqual((code, result["verdict"]), (1, "not-scim"), result)

    def test_untrusted_certificate(self):
        cert, key = os.path.join(self.workdir, "c.pem"), os.path.join(self.workdir, "k.pem")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj",
                        "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", key, "-out", cert],
                       check=True, capture_output=True)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
        server, url = serve(Handler, context)
        try:
            code, result = self.probe(url, "probe-secret-4711")
            self.assertEqual((code, result["verdict"]), (1, "tls"), result)
        finally:
            server.shutdown()


if __name__ == "__main__":
    unittest.main(verbosity=2)
