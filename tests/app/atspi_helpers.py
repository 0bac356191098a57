# Finding and pressing the app's widgets from outside, through AT-SPI, for
# the tests that drive `provisio` as a person would (test_atspi.py,
# test_secrets_audit.py).  Only /usr/bin/python3 has the bindings.
#
# Copyright 2026 The Provisio authors
# SPDX-License-Identifier: GPL-3.0-or-later

import os
import subprocess
import time

import pyatspi

TIMEOUT = 30


def wait(what, find, timeout=TIMEOUT):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = find()
        if found:
            return found
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def app_named(name):
    desktop = pyatspi.Registry.getDesktop(0)
    for app in desktop:
        if app is not None and app.name == name:
            return app
    return None


def descendants(root):
    """Every accessible under @root, depth first, skipping broken nodes."""
    stack = [root]
    while stack:
        acc = stack.pop()
        try:
            children = [acc.getChildAtIndex(i) for i in range(acc.childCount)]
        except Exception:
            continue
        for child in reversed(children):
            if child is not None:
                yield child
                stack.append(child)


def role_and_name(acc):
    try:
        return acc.getRoleName(), acc.name or ""
    except Exception:
        return None, ""


def find(root, role, name):
    """The first accessible of @role whose name contains @name (GTK 4.8 makes
    a button's name of its accessible label and its label together)."""
    for acc in descendants(root):
        r, n = role_and_name(acc)
        if r == role and name in n:
            return acc
    return None


def all_of(root, role):
    return [acc for acc in descendants(root) if role_and_name(acc)[0] == role]


def click(acc, window_title):
    """A mouse click in the middle of @acc, for widgets that GTK 4.8 gives
    no AT-SPI action (check boxes); its extents are window-relative, the
    window's place on the screen comes from X."""
    x, y, w, h = acc.queryComponent().getExtents(pyatspi.WINDOW_COORDS)
    out = subprocess.run(["xdotool", "search", "--onlyvisible", "--name", window_title, "getwindowgeometry", "--shell"],
                         capture_output=True, text=True, check=True).stdout
    geometry = dict(line.split("=", 1) for line in out.split() if "=" in line)
    subprocess.run(["xdotool", "mousemove", str(int(geometry["X"]) + x + w // 2),
                    str(int(geometry["Y"]) + y + h // 2), "click", "1"], check=True)


def press(acc):
    action = acc.queryAction()
    for i in range(action.nActions):
        if action.getName(i) in ("click", "press", "activate", "toggle"):
            action.doAction(i)
            return
    action.doAction(0)


def stop(proc, timeout=10):
    """Ends a program the test started: SIGTERM, then SIGKILL after @timeout
    seconds."""
    if proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def children(pid, comm):
    """The processes of @pid's children named @comm."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)
            name = fields[0].split("(", 1)[1]
            ppid = int(fields[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        if ppid == pid and name == comm:
            found.append(int(entry))
    return found
