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

from atspi_helpers import all_of, app_named, click, descendants, find, press, role_and_name, stop, wait

PROVISIO = os.environ["PROVISIO"]
# The done page's words, written only once the renewal saw the first use (its
# title is in the window from the start, on a page not shown: AT-SPI finds it).
DONE = "app used the new token on"

# From the overview's Renew to the done page: Renew, Issue, Copy, Next,
# Done, and what the identity provider needs (here: acting as it).
MAX_ACTIONS = 8


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

            # Every click and key of the admin from the overview to the done
            # page, counted: a manual renewal takes at most MAX_ACTIONS.
            actions = []

            def act(what, acc):
                actions.append(what)
                press(acc)

            def sidebar_state(tenant):
                for acc in descendants(app):
                    n = role_and_name(acc)[1]
                    if n.startswith(tenant + ", "):
                        return n[len(tenant) + 2:]
                return None

            def expired_count():
                return [n for r, n in map(role_and_name, descendants(app))
                        if r == "label" and n.endswith(" Expired")]

            print("# Contoso in the sidebar:", wait("Contoso's row", lambda: sidebar_state("Contoso Ltd")))
            assert sidebar_state("Contoso Ltd") == "Expired", sidebar_state("Contoso Ltd")
            print("# the overview counts:", wait("the count of expired tokens", expired_count))

            name = "Renew the Persons token of Contoso Ltd"
            renew = wait(f"a button named “{name}”", lambda: find(app, "push button", name))
            act("Renew", renew)

            issue = wait("the assistant's Issue New Token",
                         lambda: find(app, "push button", "Issue New Token"))
            frame = wait("the assistant window",
                         lambda: find(app, "frame", "Renew Persons Token") or find(app, "dialog", "Renew Persons Token"))
            print("# assistant:", frame.name)
            # It names the app before anything happens, and tells the truth
            # about the expired token.
            assert find(frame, "label", "Persons app of Contoso Ltd"), "the intro names the app"
            assert find(frame, "label", "provisioning through this app has stopped"), "the intro says it stopped"
            assert not find(frame, "label", "keeps working meanwhile"), "an expired token does not keep working"
            act("Issue New Token", issue)

            act("Copy Token", wait("Copy Token", lambda: find(app, "push button", "Copy Token")))
            act("Next", wait("Next", lambda: find(app, "push button", "Next")))

            go = wait("the wait button", lambda: find(app, "push button", "Done: Wait for the First Use"))
            checks = wait("the step check boxes", lambda: all_of(frame, "check box"))
            assert len(checks) >= 5, f"only {len(checks)} steps"
            # The ticks are help, not a gate; the main button is in sight at
            # the window's default size, without scrolling.
            assert go.getState().contains(pyatspi.STATE_SENSITIVE), "the wait button needs no ticks"
            fx, fy, fw, fh = frame.queryComponent().getExtents(pyatspi.WINDOW_COORDS)
            bx, by, bw, bh = go.queryComponent().getExtents(pyatspi.WINDOW_COORDS)
            print(f"# window 0+{fh}, wait button at {by}+{bh}")
            assert by >= 0 and by + bh <= fy + fh, f"the wait button at {by}+{bh} is below the window's {fh}"
            act("Done: Wait for the First Use", go)

            act("Act as the Identity Provider", wait("Act as the Identity Provider",
                                                     lambda: find(app, "push button", "Act as the Identity Provider")))
            done = wait("the assistant's last step",
                        lambda: find(app, "label", DONE))
            print("# result:", done.name)
            print(f"# {len(actions)} actions: {', '.join(actions)}")
            assert len(actions) <= MAX_ACTIONS, f"{len(actions)} actions to renew, more than {MAX_ACTIONS}"
            press(wait("Close", lambda: find(frame, "push button", "Close")))

            # The dashboard no longer asks to renew that token, and Contoso,
            # whose only expired token is now being retired, is no longer
            # "Expired" (its Users token has six days left: urgent).
            wait("the action gone from the dashboard", lambda: find(app, "push button", name) is None)
            try:
                wait("Contoso no longer expired", lambda: sidebar_state("Contoso Ltd") == "Urgent")
            except AssertionError:
                # What it shows instead, and whether the overview agrees
                print("# Contoso in the sidebar instead:", sidebar_state("Contoso Ltd"),
                      "; overview counts:", expired_count())
                raise
            wait("no expired count on the overview", lambda: not expired_count())
            print("# Contoso in the sidebar:", sidebar_state("Contoso Ltd"))
        finally:
            stop(proc)
    graph_actions = renew_with_graph()
    print("1..2")
    print(f"ok 1 renewed the Persons token of Contoso through AT-SPI in {len(actions)} actions")
    print(f"ok 2 renewed it with Graph, the demo's Microsoft stand-in, in {graph_actions} actions; "
          "Provisioning Health, Link and Import from Entra in the demo")
    return 0


def cmdline(pid):
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return f.read()
    except OSError:
        return b""


# With Graph: the demo signs in to its Microsoft stand-in by itself and starts
# with Contoso's apps linked, so that Provisio does the Entra step.
MAX_GRAPH_ACTIONS = 4


def row_texts(root, title):
    """The other texts of the row whose title is @title: its subtitle, read
    as words (nothing here is told by colour alone)."""
    label = next((a for a in descendants(root) if role_and_name(a) == ("label", title)), None)
    acc = label
    for _ in range(6):
        if acc is None:
            return None
        acc = acc.parent
        labels = [n for r, n in map(role_and_name, descendants(acc)) if r == "label"] if acc else []
        if len(labels) > 1:
            return [n for n in labels if n != title]
    return None


def main_window(app):
    return next((w for w in (app.getChildAtIndex(i) for i in range(app.childCount))
                 if w is not None and role_and_name(w)[0] == "frame" and find(w, "label", "Provisioning Health")),
                None)


def link_in_demo(app):
    """Link in the demo (issue #16): Northwind's Users connection, which
    Entra provisions, starts unlinked; the admin opens it, picks its app of the demo's directory in the Link window, and
    Provisioning Health then shows that app's job, read through Graph.
    (Fabrikam's Users connection is Okta's in the demo: it has no Entra app
    to link, and the app rightly offers none.)"""
    title = "Users of Northwind Traders"
    before = wait("Northwind's Users in Provisioning Health", lambda: row_texts(app, title))
    print("# health before Link:", before)
    assert "Not linked to its Entra app" in before, before
    window = wait("the main window", lambda: main_window(app))
    # Opened from the sidebar: the health list may lie below the fold.
    row = wait("Northwind in the sidebar", lambda: next((a for a in descendants(window)
                                                          if role_and_name(a)[1].startswith("Northwind Traders, ")),
                                                         None))
    click(row, window.name)
    try:
        button = wait("the Users connection's Link…",
                      lambda: find(app, "push button", "Link Users to its Entra app"), timeout=10)
    except AssertionError:
        print("# row:", role_and_name(row), row.queryComponent().getExtents(pyatspi.WINDOW_COORDS))
        print("# xdotool:", subprocess.run(["xdotool", "search", "--name", window.name], capture_output=True,
                                           text=True).stdout.split())
        raise
    assert button.getState().contains(pyatspi.STATE_SENSITIVE), "signed in by itself, Link… works"
    press(button)
    name = "Link the Users Connection to Its Entra App"
    dialog = wait("the Link window", lambda: find(app, "frame", name) or find(app, "dialog", name))
    pick = wait("Northwind Users among the directory's apps", lambda: find(dialog, "check box", "Northwind Users"),
                timeout=60)
    assert find(dialog, "label", "Uses this connection's tenant URL"), "the app matched by its SCIM URL is said"
    if not pick.getState().contains(pyatspi.STATE_CHECKED):
        click(pick, name)
    wait("Northwind Users picked", lambda: pick.getState().contains(pyatspi.STATE_CHECKED))
    press(wait("the Link button", lambda: next((b for b in all_of(dialog, "push button")
                                                 if role_and_name(b)[1].split()[-1:] == ["Link"]), None)))
    wait("the Link window closed", lambda: not (find(app, "frame", name) or find(app, "dialog", name)))
    linked = wait("the connection's Entra app on its page", lambda: find(app, "label", "“Northwind Users”: "))
    print("# the Users connection:", linked.name)
    subprocess.run(["xdotool", "key", "alt+Home"], check=True)   # back to the overview

    def health_linked():
        texts = row_texts(app, title) or []
        return [t for t in texts if t.startswith("“Northwind Users”: ")]
    after = wait("Northwind's Users linked in Provisioning Health", health_linked)
    print("# health after Link:", after)
    assert "Not linked to its Entra app" not in (row_texts(app, title) or []), row_texts(app, title)


def renew_with_graph():
    with tempfile.TemporaryDirectory() as work:
        env = dict(os.environ, PROVISIO_TENANTS_FILE=os.path.join(work, "tenants.ini"),
                   GSETTINGS_BACKEND="memory", TMPDIR=work)
        env.pop("GTK_A11Y", None)
        proc = subprocess.Popen([PROVISIO, "--demo"], env=env, stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE)
        try:
            app = wait("the app on the accessibility bus", lambda: app_named("provisio"))
            actions = []

            def act(what, acc):
                actions.append(what)
                press(acc)

            # Signed in by itself: Provisioning Health shows the linked Fabrikam
            # Persons app in quarantine, read from the stand-in through Graph.
            health = wait("the demo's quarantine in Provisioning Health",
                          lambda: find(app, "label", "In quarantine since"), timeout=60)
            print("# health:", health.name)
            name = "Renew the Persons token of Contoso Ltd"
            act("Renew", wait(f"a button named “{name}”", lambda: find(app, "push button", name)))
            act("Issue New Token", wait("Issue New Token", lambda: find(app, "push button", "Issue New Token")))
            act("Update for Me", wait("Update “Contoso Persons” for Me",
                                      lambda: find(app, "push button", "Update “Contoso Persons” for Me")))
            done = wait("the assistant's last step",
                        lambda: find(app, "label", DONE), timeout=60)
            print("# result:", done.name)
            print(f"# {len(actions)} actions with Graph: {', '.join(actions)}")
            assert len(actions) <= MAX_GRAPH_ACTIONS, f"{len(actions)} actions, more than {MAX_GRAPH_ACTIONS}"
            frame = find(app, "frame", "Renew Persons Token") or find(app, "dialog", "Renew Persons Token")
            press(wait("the assistant's Close", lambda: find(frame, "push button", "Close")))

            link_in_demo(app)

            # Import from Entra, into the demo's own apps: the vendors' apps
            # tracked, the SAML apps' certificates on the overview.
            def main_menu():
                for acc in descendants(app):
                    if role_and_name(acc) == ("push button", "Main Menu") and acc.queryAction().nActions > 0:
                        return acc
                return None
            press(wait("the main menu", main_menu))
            press(wait("Preferences", lambda: find(app, "menu item", "Preferences")))
            press(wait("Import from Entra's button", lambda: find(app, "push button", "Import")))
            result = wait("the import's counts", lambda: find(app, "label", "removed from Entra"), timeout=60)
            print("# import:", result.name)
            assert result.name.startswith("2 new, 0 updated, 0 removed from Entra"), result.name
            # Its certificate is due in 12 days: in the Due Soon group,
            # folded (its rows are made when it is opened).
            subprocess.run(["xdotool", "key", "Escape"], check=True)     # Preferences closed
            window = wait("the main window", lambda: main_window(app))
            assert find(app, "label", "Contoso Intranet") is None, "a folded group's rows are made when opened"
            click(wait("the Due Soon group", lambda: find(window, "label", "Due Soon")), window.name)
            wait("a SAML app's certificate on the overview", lambda: find(app, "label", "Contoso Intranet"))
            wait("a vendor's app tracked", lambda: find(app, "label", "Timeneye"))

            # The stand-in is the demo's, and goes with it.
            stand_ins = [p for p in os.listdir("/proc") if p.isdigit() and
                         b"provisio-demo-entra" in cmdline(p)]
            assert stand_ins, "the demo's Microsoft stand-in runs"
        finally:
            stop(proc)
        wait("the demo's Microsoft stand-in gone with the app",
             lambda: not any(os.path.exists(f"/proc/{p}") for p in stand_ins))
        assert not [f for f in os.listdir(work) if f.startswith("provisio-demo-")], "the demo's files left behind"
        return len(actions)


if __name__ == "__main__":
    sys.exit(main())
