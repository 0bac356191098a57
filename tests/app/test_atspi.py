#!/usr/bin/python3
# End to end, from outside the process, as a person would: start
# `provisio --demo`, find buttons by their accessible names through AT-SPI,
# renew the Persons token of Contoso, act as the identity provider, and read
# the result.  Runs inside tests/with-session.sh --display (a private bus,
# keyring and Xvfb; the AT-SPI bus comes with the session).
#
# Copyright 2026 The Provisio authors
# SPDX-License-Identifier: GPL-3.0-or-later

import os
import subprocess
import sys
import tempfile
import time

import pyatspi

from atspi_helpers import all_of, app_named, click, find, press, stop, wait

PROVISIO = os.environ["PROVISIO"]


def main():
    with tempfile.TemporaryDirectory() as work:
        env = dict(os.environ, PROVISIO_TENANTS_FILE=os.path.join(work, "tenants.ini"),
                   GSETTINGS_BACKEND="memory")
        env.pop("GTK_A11Y", None)
        proc = subprocess.Popen([PROVISIO, "--demo"], env=env, stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE)
        try:
            app = wait("the app on the accessibility bus", lambda: app_named("provisio"))
            print("# found the app:", app.name)

            name = "Renew the Persons token of Contoso Ltd"
            renew = wait(f"a button named “{name}”", lambda: find(app, "push button", name))
            press(renew)

            issue = wait("the assistant's Issue New Token",
                         lambda: find(app, "push button", "Issue New Token"))
            frame = wait("the assistant window",
                         lambda: find(app, "frame", "Renew Persons Token") or find(app, "dialog", "Renew Persons Token"))
            print("# assistant:", frame.name)
            # It names the app before anything happens.
            assert find(frame, "label", "Persons app of Contoso Ltd"), "the intro names the app"
            press(issue)

            press(wait("Copy Token", lambda: find(app, "push button", "Copy Token")))
            press(wait("Next", lambda: find(app, "push button", "Next")))

            go = wait("the wait button", lambda: find(app, "push button", "Done: Wait for the First Use"))
            checks = wait("the step check boxes", lambda: all_of(frame, "check box"))
            assert len(checks) >= 5, f"only {len(checks)} steps"
            for check in checks:
                click(check, "Renew Persons Token")
                time.sleep(0.1)
            wait("the wait button enabled", lambda: go.getState().contains(pyatspi.STATE_SENSITIVE))
            press(go)

            act = wait("Act as the Identity Provider",
                       lambda: find(app, "push button", "Act as the Identity Provider"))
            press(act)
            done = wait("the assistant's last step",
                        lambda: find(app, "label", "The Persons App Uses the New Token"))
            print("# result:", done.name)
            press(wait("Close", lambda: find(frame, "push button", "Close")))

            # The dashboard no longer asks to renew that token.
            wait("the action gone from the dashboard", lambda: find(app, "push button", name) is None)
            print("1..1")
            print("ok 1 renewed the Persons token of Contoso through AT-SPI")
            return 0
        finally:
            stop(proc)


if __name__ == "__main__":
    sys.exit(main())
