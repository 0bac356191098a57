# pvstress.py: what the load and crash tests add to pvtest: a provisiod whose
# output is read while it runs (a busy server's request log would fill the
# pipe and stall it), on a port of its own choosing or a given one.
#
# Copyright 2026 The Provisio authors
# SPDX-License-Identifier: GPL-3.0-or-later

import os
import re
import resource
import signal
import subprocess
import tempfile
import threading

from pvtest import PROVISIOD, Server, ServerTest


def raise_file_limit():
    """The test holds a socket per connection, like the server."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def percentile(values, p):
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, int(round(p / 100.0 * (len(ordered) - 1))))]


class DrainedServer(Server):
    """A pvtest.Server whose standard output and error are read as they come."""

    def __init__(self, workdir, extra=(), db=None, test_clock=True, port=0):
        super().__init__(workdir, extra, db=db, test_clock=test_clock)
        self.port = port
        self.file_limit = None      # a soft RLIMIT_NOFILE to start it with
        self._chunks = []
        self._threads = []

    def _drain(self, stream):
        for line in iter(stream.readline, b""):
            self._chunks.append(line.decode("utf-8", "replace"))
        stream.close()

    def start(self):
        args = [PROVISIOD, "--db", self.db, "--listen", f"127.0.0.1:{self.port}", "--retire-grace", "0"]
        args += (["--test-clock"] if self.test_clock else []) + self.extra
        limit = self.file_limit

        def lower_file_limit():
            if limit is not None:
                resource.setrlimit(resource.RLIMIT_NOFILE,
                                   (limit, resource.getrlimit(resource.RLIMIT_NOFILE)[1]))
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     env=dict(os.environ, G_MESSAGES_DEBUG="all"),
                                     preexec_fn=lower_file_limit)
        line = self.proc.stdout.readline().decode()
        m = re.match(r"provisiod: listening on (http://127\.0\.0\.1:(\d+))$", line.strip())
        if not m:
            self.proc.kill()
            raise AssertionError("provisiod did not start: " + line + self.proc.stderr.read().decode())
        self.url = m.group(1)
        self.port = int(m.group(2))
        self._threads = [threading.Thread(target=self._drain, args=(s,), daemon=True)
                         for s in (self.proc.stdout, self.proc.stderr)]
        for t in self._threads:
            t.start()
        return self

    def stop(self, sig=signal.SIGTERM):
        self.proc.send_signal(sig)
        self.proc.wait(timeout=30)
        for t in self._threads:
            t.join(timeout=10)
        self.output += "".join(self._chunks)
        self._chunks = []
        if sig == signal.SIGTERM:
            assert self.proc.returncode == 0, \
                f"provisiod exited with {self.proc.returncode}: {self.output[-2000:]}"
        return self.proc.returncode

    def log(self):
        """What the server said so far, this run."""
        return "".join(self._chunks)


class StressTest(ServerTest):
    """pvtest.ServerTest with a DrainedServer."""

    def setUp(self):
        raise_file_limit()
        self.workdir = tempfile.mkdtemp(prefix="provisiod-test-")
        self.server = DrainedServer(self.workdir, self.extra_args, test_clock=self.test_clock)
        self.key = self.server.create_tenant("acme", "Acme Corp", owner="alice@acme.example")
        self.server.start()
