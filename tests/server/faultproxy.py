# A loopback HTTP proxy that loses answers (issue #21): it forwards every
# request to provisiod over one upstream connection per client connection,
# and for the requests it is told to drop it reads provisiod's whole answer
# (so the tenant has committed) and then closes the client's connection
# without passing a byte of it on, as a proxy that timed out or a network
# that went away would.
#
# Copyright 2026 The Provisio authors
# SPDX-License-Identifier: GPL-3.0-or-later

import json
import socket
import threading
import urllib.parse


def read_message(sock, buffered=b""):
    """One HTTP/1.1 message with a Content-Length body (or none), and what came after it;
    (None, b"") at end of stream."""
    data = buffered
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            return None, b""
        data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    while len(rest) < length:
        chunk = sock.recv(65536)
        if not chunk:
            break
        rest += chunk
    return head + b"\r\n\r\n" + rest[:length], rest[length:]


class AnswerDropper:
    """Forwards to @target_url; drops the answers to the next @times requests whose
    request line starts with @drop ("POST /api/v1/provisioning/users/tokens")."""

    def __init__(self, target_url, drop, times=1):
        url = urllib.parse.urlsplit(target_url)
        self.target = (url.hostname, url.port)
        self.drop = drop.encode()
        self.times = times
        self.lock = threading.Lock()
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(16)
        self.url = "http://127.0.0.1:%d" % self.listener.getsockname()[1]
        self.dropped = []           # provisiod's answers that never reached the client
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _serve(self, client):
        with client, socket.create_connection(self.target) as upstream:
            pending = b""
            while True:
                request, pending = read_message(client, pending)
                if request is None:
                    return
                upstream.sendall(request)
                answer, _ = read_message(upstream)
                if answer is None:
                    return
                with self.lock:
                    lose = self.times > 0 and request.startswith(self.drop)
                    if lose:
                        self.times -= 1
                        self.dropped.append(answer)
                if lose:
                    client.shutdown(socket.SHUT_RDWR)
                    return
                client.sendall(answer)

    def dropped_json(self, i=0):
        """The body of a dropped answer, parsed, and its status."""
        head, _, body = self.dropped[i].partition(b"\r\n\r\n")
        return int(head.split(b" ")[1]), json.loads(body)

    def close(self):
        self.listener.close()
