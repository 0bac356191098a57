#!/usr/bin/python3
# The dashboard at an admin's scale (issue #20), from outside the process as
# a person uses it: 200 tenants on a real provisiod (tests/app/fleet.py: one
# token expired, ten urgent, eighty due soon, two tenants that cannot be
# asked), the app at 1366x768 under Xvfb, driven through AT-SPI and the X
# keyboard:
#   - three typed letters find a tenant, Enter opens it, the sidebar shows
#     only what matches;
#   - the most pressing action is on screen at the top of the overview, no
#     scrolling, and opens the renew assistant;
#   - a count pill filters the next actions to its state, and lets go;
#   - Show All lists every action, filtered as one types; Show Fewer closes it;
#   - with twelve tracked apps, Provisioning Health shows ten connections
#     and folds the rest;
#   - the opened and refreshed overview loaded no SVG renderer (librsvg is
#     6.5 MB of the peak: docs/benchmarks.md);
#   - every text and pill drawn on screen has a WCAG contrast of 4.5:1 or
#     more against the background around it, in the light and dark styles
#     (measured on the pixels X shows, GSK_RENDERER=cairo), the texts the
#     timeline draws itself too: the month names on its scale, the
#     thresholds, "Today" and the legend at its foot;
#   - screenshots (light, dark, 800x600; the timeline's scale and foot) in
#     $PV_SCREENSHOT_DIR.
# Runs inside tests/with-session.sh --display.
#
# Copyright 2026 The Provisio authors
# SPDX-License-Identifier: GPL-3.0-or-later

import datetime
import os
import re
import subprocess
import sys
import tempfile
import time

import pyatspi

sys.path.insert(0, os.path.dirname(__file__))
import fleet  # noqa: E402
from atspi_helpers import app_named, descendants, find, press, role_and_name, wait  # noqa: E402

PROVISIO = os.environ["PROVISIO"]
SHOTS = os.environ.get("PV_SCREENSHOT_DIR", ".")
WIDTH, HEIGHT = 1366, 768
APPS = 12


def ok(what):
    print("ok -", what)
    sys.stdout.flush()


# The screen as X has it, as rows of (r, g, b).
def grab():
    xwd = subprocess.run(["xwd", "-root", "-silent"], capture_output=True, check=True).stdout
    ppm = subprocess.run(["xwdtopnm"], input=xwd, capture_output=True, check=True).stdout
    fields, pos = [], 0
    while len(fields) < 4:
        while ppm[pos:pos + 1].isspace():
            pos += 1
        if ppm[pos:pos + 1] == b"#":
            pos = ppm.index(b"\n", pos)
            continue
        end = pos
        while not ppm[end:end + 1].isspace():
            end += 1
        fields.append(ppm[pos:end])
        pos = end
    assert fields[0] == b"P6" and fields[3] in (b"255", b"65535"), fields
    width, height = int(fields[1]), int(fields[2])
    data = ppm[pos + 1:]
    if fields[3] == b"65535":
        # Two bytes a sample, most significant first: the first is enough.
        data = data[0::2]
    return width, height, data, ppm


def pointer_away(width=WIDTH):
    """The pointer over the header bar's title: no tooltip in the shot."""
    subprocess.run(["xdotool", "mousemove", str(int(width * 0.6)), "12"], check=False)
    time.sleep(0.5)


def save(name, shot, width=WIDTH, height=HEIGHT):
    ppm = subprocess.run(["pnmcut", "-left", "0", "-top", "0", "-width", str(width), "-height", str(height)],
                         input=shot[3], capture_output=True, check=True).stdout
    png = subprocess.run(["pnmtopng"], input=ppm, capture_output=True, check=True).stdout
    os.makedirs(SHOTS, exist_ok=True)
    path = os.path.join(SHOTS, f"scale-{name}.png")
    with open(path, "wb") as f:
        f.write(png)
    print("# screenshot:", path)


def luminance(rgb):
    def channel(c):
        c /= 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a, b):
    la, lb = luminance(a), luminance(b)
    return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)


def measure(shot, x, y, w, h):
    """The contrast of the text drawn in a box: its background is the
    colour most of its pixels have, its text the pixel that stands out
    most from that (a glyph's stem is drawn in the full text colour)."""
    width, height, data, _ = shot
    counts = {}
    pixels = []
    for row in range(max(0, y), min(height, y + h)):
        for col in range(max(0, x), min(width, x + w)):
            i = (row * width + col) * 3
            p = (data[i], data[i + 1], data[i + 2])
            pixels.append(p)
            counts[p] = counts.get(p, 0) + 1
    if not pixels:
        return None
    background = max(counts, key=counts.get)
    text = max(pixels, key=lambda p: contrast(p, background))
    return contrast(text, background), text, background


def window_id():
    out = subprocess.run(["xdotool", "search", "--onlyvisible", "--class", "provisio"],
                         capture_output=True, text=True).stdout.split()
    return out[0] if out else None


def start(env, width=WIDTH, height=HEIGHT):
    proc = subprocess.Popen([PROVISIO], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    wid = wait("the window", window_id)
    subprocess.run(["xdotool", "windowsize", wid, str(width), str(height), "windowmove", wid, "0", "0",
                    "windowfocus", "--sync", wid], check=False)
    app = wait("the app on the accessibility bus", lambda: app_named("provisio"))
    wait(f"the overview of {200 + APPS} entries", lambda: find(app, "label", f"{200 + APPS} tenants"))
    return proc, app, wid


def stop(proc):
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
    err = proc.stderr.read()
    assert "CRITICAL" not in err and "ever_returned" not in err, err


def showing(acc):
    """Drawn: GTK 4.8 says "visible" of a widget that is mapped and has a size."""
    try:
        states = acc.getState()
        return states.contains(pyatspi.STATE_VISIBLE) or states.contains(pyatspi.STATE_SHOWING)
    except Exception:
        return False


def extents(acc):
    return acc.queryComponent().getExtents(pyatspi.DESKTOP_COORDS)


def keys(*names):
    subprocess.run(["xdotool", "key", "--delay", "60"] + list(names), check=True)


def sidebar_rows(app):
    """The tenants the sidebar shows: its rows' accessible names ("Name, state")."""
    lists = [a for a in descendants(app) if role_and_name(a) == ("list", "Tenants")]
    if not lists:
        return []
    return [role_and_name(a)[1] for a in descendants(lists[0]) if ", " in role_and_name(a)[1]]


def measured_texts(app):
    """What the check covers: the count pills, the overview's summary, the
    next actions, and the sidebar's tenants (GTK 4.8 gives no "showing"
    state, so the hidden pages of the window's stack are left out by
    taking these parts only)."""
    for acc in descendants(app):
        role, name = role_and_name(acc)
        if role == "label" and (PILL.match(name) or "tenants ·" in name or name.startswith("Updated ")):
            yield acc
        elif role == "list" and name in ("Tenants", "Next Actions"):
            for child in descendants(acc):
                if role_and_name(child)[0] == "label":
                    yield child


PILL = re.compile(r"^\d+ (Expired|Urgent|Due soon|OK)$")


def pill(app, name):
    """A count on the overview: a toggle (a push button to AT-SPI in GTK 4.8)."""
    for acc in descendants(app):
        if role_and_name(acc) == ("push button", name):
            return acc
    return None


def check_contrast(app, shot, style):
    """Every text and pill measured: 4.5:1 or more."""
    worst, checked = None, 0
    for acc in measured_texts(app):
        name = role_and_name(acc)[1]
        if not name.strip() or not showing(acc):
            continue
        x, y, w, h = extents(acc)
        if w <= 2 or h <= 2 or x < 0 or y < 0 or x + w > WIDTH or y + h > HEIGHT:
            continue
        found = measure(shot, x, y, w, h)
        if found is None:
            continue
        checked += 1
        ratio, text, background = found
        if worst is None or ratio < worst[0]:
            worst = (ratio, name, text, background)
        assert ratio >= 4.5, f"{style}: “{name}” at {x},{y}: {ratio:.2f}:1 ({text} on {background})"
    assert checked >= 20, f"only {checked} texts measured"
    print(f"# {style}: {checked} texts and pills measured, the lowest {worst[0]:.2f}:1 (“{worst[1]}”)")


# pv-timeline.c's scale on top
AXIS_HEIGHT = 26


def on_screen(acc):
    """The part of @acc in view: its extents cut by the panes it scrolls
    in and by the screen; None if nothing of it is."""
    x, y, w, h = extents(acc)
    x1, y1 = x + w, y + h
    parent = acc.parent
    while parent is not None:
        if role_and_name(parent)[0] == "scroll pane":
            px, py, pw, ph = extents(parent)
            x, y, x1, y1 = max(x, px), max(y, py), min(x1, px + pw), min(y1, py + ph)
        parent = parent.parent
    x, y, x1, y1 = max(x, 0), max(y, 0), min(x1, WIDTH), min(y1, HEIGHT)
    return (x, y, x1 - x, y1 - y) if x1 > x and y1 > y else None


def check_timeline_contrast(app, style, shot_name):
    """The timeline draws its own text: the month names on its scale are
    measured where they are drawn.  The OK pill leaves the next actions
    empty, which brings the timeline's scale into view; pressed again, it
    lets go.  Then the page is scrolled until the foot of the timeline's
    pane is on screen, and its texts are measured: the reminder thresholds
    and "Today" on its first line, the legend's names on its second."""
    def ok_pill():
        return next((a for a in descendants(app) if role_and_name(a)[0] == "push button"
                     and re.match(r"^\d+ OK$", role_and_name(a)[1])), None)
    press(wait("the OK pill", ok_pill))
    timeline = wait("the timeline's scale in view",
                    lambda: (t := find(app, "image", "Token expiry timeline"))
                    and (box := on_screen(t)) and box[3] > AXIS_HEIGHT + 10 and t)
    time.sleep(1)
    pointer_away()
    shot = grab()
    save(shot_name, shot)
    x, y, w, h = on_screen(timeline)
    # the month names, above today's line (which starts 6 px above the
    # scale's foot)
    ratio, text, background = measure(shot, x + 2, y + 1, w - 4, AXIS_HEIGHT - 7)
    print(f"# {style}: the timeline's month names {ratio:.2f}:1 ({text} on {background})")
    assert ratio >= 4.5, f"{style}: the timeline's month names: {ratio:.2f}:1 ({text} on {background})"

    # The foot: the page scrolled by the wheel over its right margin, out
    # of the timeline's own pane, until the pane's bottom is in view.
    pane = timeline.parent
    while role_and_name(pane)[0] != "scroll pane":
        pane = pane.parent
    for _ in range(8):
        px, py, pw, ph = extents(pane)
        if py + ph <= HEIGHT - 2:
            break
        subprocess.run(["xdotool", "mousemove", str(WIDTH - 20), str(HEIGHT // 2), "click", "5"], check=True)
        time.sleep(0.5)
    px, py, pw, ph = extents(pane)
    assert py + ph <= HEIGHT - 2, f"{style}: the timeline's foot stays below the fold ({py + ph} px)"
    time.sleep(0.5)
    pointer_away()
    shot = grab()
    save(shot_name + "-foot", shot)
    foot = measure_foot(shot, px, py + ph - FOOT_HEIGHT, pw, FOOT_HEIGHT)
    ratio, name, text, background = min(foot)
    print(f"# {style}: the timeline's foot, {len(foot)} texts, the lowest {ratio:.2f}:1 ({name}: {text} on {background})")
    assert len(foot) >= 5, f"{style}: only {len(foot)} texts found in the timeline's foot"
    assert ratio >= 4.5, f"{style}: the timeline's foot, {name}: {ratio:.2f}:1 ({text} on {background})"
    for _ in range(8):
        if extents(pane)[1] >= y - 2:
            break
        subprocess.run(["xdotool", "mousemove", str(WIDTH - 20), str(HEIGHT // 2), "click", "4"], check=True)
        time.sleep(0.5)
    press(wait("the OK pill", ok_pill))


# pv-timeline.c's foot: its height, and in its legend the width of a
# state's sample bar and where the state's name starts after it
FOOT_HEIGHT = 44
LEGEND_BAR = 22
LEGEND_TEXT = 28


def measure_foot(shot, x, y, w, h):
    """The texts of the timeline's foot, each as (contrast, which, text
    colour, background).  @x, @y, @w, @h: the pane as AT-SPI gives it,
    which is off by a few pixels from where X shows it (GTK 4.8 does not
    count the window's frame); the foot is found in the pixels: its top is
    the one-pixel line on the row whose next row is the foot's plain
    background and whose previous row holds the rows' grid lines, its left
    the first column of that background.  Its first line holds only text
    (the thresholds' names and "Today"): each run of columns with ink is
    measured.  Its second line is the legend, a sample bar and a name for
    each state: the names are measured, from LEGEND_TEXT px after each
    bar's start to the next gap of 12 px or more.  The foot's last 8 rows
    (the card's rounded corners) are left out, and its first two columns
    (the card's border)."""
    width, _, data, _ = shot

    def pixel(col, row):
        i = (row * width + col) * 3
        return (data[i], data[i + 1], data[i + 2])

    def plain(row):
        first = pixel(x + 16, row)
        return all(pixel(col, row) == first for col in range(x + 16, x + w - 16))
    top = next((row for row in range(y + h - FOOT_HEIGHT - 12, y + h - FOOT_HEIGHT + 12)
                if plain(row) and plain(row + 1) and pixel(x + 16, row) != pixel(x + 16, row + 1)
                and not plain(row - 1)), None)
    assert top is not None, f"the timeline's foot not found near y={y + h - FOOT_HEIGHT}"
    plain_background = pixel(x + 16, top + 1)
    left = next(col for col in range(x - 12, x + 16)
                if pixel(col, top + 1) == plain_background and pixel(col - 1, top + 1) != plain_background)
    # the pane's first column is the card's border on the legend's rows
    x, y, w, h = left + 2, top, x + w - 16 - left - 2, FOOT_HEIGHT - 8
    counts = {}
    for row in range(y + 2, y + h):
        for col in range(x, x + w):
            p = pixel(col, row)
            counts[p] = counts.get(p, 0) + 1
    background = max(counts, key=counts.get)

    def inked_rows():
        return [row for row in range(y + 2, y + h)
                if any(pixel(col, row) != background for col in range(x, x + w))]

    def bands(values):
        out = []
        for v in values:
            if out and v == out[-1][-1] + 1:
                out[-1].append(v)
            else:
                out.append([v])
        return out
    lines = bands(inked_rows())
    assert len(lines) == 2, f"the timeline's foot at {x},{y} {w}x{h}: lines of ink {[(b[0], b[-1]) for b in lines]}, not two"

    def inked(col, rows):
        return any(pixel(col, row) != background for row in rows)

    def strongest(cols, rows):
        p = max((pixel(c, r) for c in cols for r in rows), key=lambda q: contrast(q, background))
        return contrast(p, background), p

    found = []
    first, legend = lines
    for cols in bands([c for c in range(x, x + w) if inked(c, first)]):
        ratio, p = strongest(cols, first)
        found.append((ratio, f"a name at x={cols[0]} on the first line", p, background))
    col = x
    while col < x + w:
        if not inked(col, legend):
            col += 1
            continue
        start, end, gap = col + LEGEND_TEXT, col + LEGEND_TEXT, 0
        for c in range(col + LEGEND_TEXT, x + w):
            if inked(c, legend):
                end, gap = c, 0
            else:
                gap += 1
                if gap >= 12:
                    break
        if end > start:
            ratio, p = strongest(range(start, end + 1), legend)
            found.append((ratio, f"the legend's name at x={start}", p, background))
        col = end + 1
    return found


def main():
    with tempfile.TemporaryDirectory() as work:
        env = dict(os.environ, PROVISIO_TENANTS_FILE=os.path.join(work, "tenants.ini"),
                   GSETTINGS_BACKEND="memory", GSK_RENDERER="cairo", TZ="UTC")
        env.pop("GTK_A11Y", None)
        t0 = time.monotonic()
        _, names, server = fleet.build(work, os.environ["PROVISIOD"], os.environ["PROVISIOCTL"], 200, env)
        # Twelve tracked apps, good for months, each a SCIM endpoint of
        # the same provisiod standing in for a vendor (as tools/bench-app
        # tracks 300): their connections join Provisioning Health.
        for i in range(1, APPS + 1):
            key = server.create(f"v{i:03d}", f"Vendor {i}")
            status, issued = server.request("POST", "/api/v1/provisioning/users/tokens", key, {"lifetime_days": 400})
            assert status == 201, issued
            expires = datetime.date.today() + datetime.timedelta(days=300 + i)
            subprocess.run([os.environ["PROVISIOCTL"], "app", "add", f"a{i:03d}", "other", "--url",
                            issued["scim_base_url"], "--expires", expires.isoformat()], input=issued["secret"] + "\n",
                           text=True, check=True, capture_output=True, env=env)
        print(f"# 200 tenants and {APPS} tracked apps built in {time.monotonic() - t0:.1f} s")
        try:
            proc, app, wid = start(env)
            try:
                # The most pressing action, at the top of the overview, on
                # screen without scrolling.
                expired = [n for i, n in enumerate(names, 1) if fleet.expiry_days(i) < 0][0]
                title = f"Renew the Users token of {expired}"
                def settled():
                    # The layout settles as the cached state loads and the
                    # refresh answers: the same place twice, a second apart.
                    try:
                        before = extents(find(app, "push button", title))
                        time.sleep(1)
                        button = find(app, "push button", title)
                        return button if extents(button) == before else None
                    except Exception:
                        return None
                renew = wait("the overview laid out", settled)
                x, y, w, h = extents(renew)
                assert showing(renew) and 0 <= y and y + h <= HEIGHT, f"{title} at y={y}, not on screen"
                placed = sorted((extents(a)[1], role_and_name(a)[1]) for a in descendants(app)
                                if role_and_name(a)[0] == "push button" and role_and_name(a)[1].startswith("Renew the ")
                                and extents(a)[3] > 0 and extents(a)[1] >= 0)
                assert placed[0][1].startswith(title), f"the expired token's Renew comes first: {placed[:3]}"
                ok(f"the most pressing action is on screen at y={y} of {HEIGHT}, first of the Renew buttons")

                # The overview and the sidebar, opened and refreshed, drew
                # no SVG icon: librsvg, loaded for the first, is 6.5 MB of
                # the app's peak (docs/benchmarks.md).
                with open(f"/proc/{proc.pid}/maps") as maps:
                    svg = sorted({line.split()[-1] for line in maps if "librsvg" in line or "pixbufloader-svg" in line})
                assert not svg, f"the overview loaded {svg}"
                ok("the overview and the sidebar loaded no SVG renderer")

                # The sidebar makes rows for what is in view and a few more,
                # not one for each of the first 200 tenants (GTK 4.8's list
                # view did: about 30 KB of the peak each, docs/benchmarks.md).
                made = sidebar_rows(app)
                assert 0 < len(made) <= 40, f"the sidebar made {len(made)} rows for {200 + APPS} entries"
                ok(f"the sidebar made {len(made)} rows for {200 + APPS} entries")

                pointer_away()
                shot = grab()
                save("overview-light", shot)
                check_contrast(app, shot, "light")
                check_timeline_contrast(app, "light", "timeline-light")
                ok("contrast in the light style, the timeline's scale and foot too")

                # Provisioning Health: the tracked apps' connections
                # (provisioned by Entra, none linked to its Entra app) do
                # not make a row each: the first ten, the rest folded.
                health = [role_and_name(a)[1] for a in descendants(app) if role_and_name(a)[0] == "label"
                          and (role_and_name(a)[1] == "Not linked to its Entra app"
                               or role_and_name(a)[1].endswith("More Connections"))]
                assert health.count("Not linked to its Entra app") == 10, health
                assert f"{APPS - 10} More Connections" in health, health
                ok(f"Provisioning Health shows ten connections, the other {APPS - 10} folded")

                # The pill's filter made the actions' rows again.
                renew = wait("the overview laid out again", settled)
                press(renew)
                wait("the renew assistant",
                     lambda: find(app, "frame", "Renew Users Token") or find(app, "dialog", "Renew Users Token"))
                ok("the most pressing action opens the renew assistant")
                keys("Escape")
                wait("the assistant closed", lambda: not (find(app, "frame", "Renew Users Token")
                                                           or find(app, "dialog", "Renew Users Token")))

                # A pill filters the overview by its state, and lets go.
                urgent = wait("the Urgent pill", lambda: pill(app, "10 Urgent"))
                press(urgent)

                def renews():
                    return [role_and_name(a)[1] for a in descendants(app)
                            if role_and_name(a)[0] == "push button" and role_and_name(a)[1].startswith("Renew the ")]
                wait("only urgent actions", lambda: not any(r.startswith(title) for r in renews()) and len(renews()) == 10)
                urgent_names = {n for i, n in enumerate(names, 1) if 0 <= fleet.expiry_days(i) <= 7}
                assert {r.split(" of ", 1)[1].replace(" Renew…", "") for r in renews()} == urgent_names, renews()
                ok("the Urgent pill shows the 10 urgent actions only")
                press(wait("the Urgent pill", lambda: pill(app, "10 Urgent")))
                wait("every group again", lambda: any(r.startswith(title) for r in renews()))
                ok("pressed again, the pill shows everything")

                # Show All: every action in a list of its own (rows only in
                # sight), filtered as one types, closed by Show Fewer.  The
                # Due Soon group holds more than ten: shown by its pill, it
                # comes first, in sight, to be unfolded with a click.
                press(wait("the Due soon pill", lambda: pill(app, "80 Due soon")))
                heading = wait("the Due Soon group on screen", lambda: next(
                    (a for a in descendants(app) if role_and_name(a) == ("label", "Due Soon")
                     and extents(a)[3] > 0 and 0 <= extents(a)[1] < HEIGHT), None))
                hx, hy, hw, hh = heading.queryComponent().getExtents(pyatspi.WINDOW_COORDS)
                subprocess.run(["xdotool", "mousemove", "--window", wid, str(hx + hw // 2), str(hy + hh // 2),
                                "click", "1"], check=True)
                press(wait("Show All unfolded", lambda: next(
                    (a for a in descendants(app) if role_and_name(a)[0] == "push button"
                     and "Show All" in role_and_name(a)[1] and extents(a)[3] > 0), None)))
                all_list = wait("the list of all actions", lambda: find(app, "list", "All Next Actions"))
                subprocess.run(["xdotool", "windowfocus", "--sync", wid], check=False)
                subprocess.run(["xdotool", "type", "--delay", "80", "fab"], check=True)

                def all_titles():
                    return [role_and_name(a)[1] for a in descendants(all_list)
                            if role_and_name(a)[0] == "label" and " of " in role_and_name(a)[1]]
                wait("the actions filtered", lambda: all_titles() and all(
                    "fab" in t.lower() for t in all_titles()))
                fab_actions = all_titles()
                ok(f"Show All lists every due soon action; “fab” filters them to {len(fab_actions)}")
                press(wait("Show Fewer", lambda: find(app, "push button", "Show Fewer")))
                wait("the Due Soon group again", lambda: find(app, "list", "All Next Actions") is None
                     or not showing(find(app, "list", "All Next Actions")))
                ok("Show Fewer closes it")
                press(wait("the Due soon pill", lambda: pill(app, "80 Due soon")))

                # Three letters find a tenant; Enter opens it.
                subprocess.run(["xdotool", "windowfocus", "--sync", wid], check=False)
                keys("ctrl+f")
                subprocess.run(["xdotool", "type", "--delay", "80", "fab"], check=True)
                fabrikam = sorted({n for n in names if n.lower().count("fab")})
                wait("the sidebar filtered", lambda: (shown := sidebar_rows(app)) and all("fab" in r.lower() for r in shown))
                rows = sidebar_rows(app)
                print(f"# “fab” finds {len(rows)} rows on screen, of {len(fabrikam)} Fabrikam tenants")
                keys("Return")
                wait(f"the page of {expired}", lambda: find(app, "label", "SCIM base URL") and
                     any(role_and_name(a) == ("label", expired) for a in descendants(app)))
                ok(f"typing “fab” and Enter opens {expired}")
                keys("Escape", "alt+Home")
                wait("the overview again", lambda: find(app, "label", f"{200 + APPS} tenants") and showing(
                    find(app, "label", f"{200 + APPS} tenants")))
                ok("Alt+Home shows the overview")
                # Ctrl+J: the most pressing action has the focus; Enter
                # opens its tenant.
                keys("ctrl+j")

                def focused_action():
                    for acc in descendants(app):
                        try:
                            if acc.getState().contains(pyatspi.STATE_FOCUSED) and \
                                    find(acc, "label", title) is not None:
                                return acc
                        except Exception:
                            continue
                    return None
                wait("the focus on the most pressing action", focused_action)
                keys("Return")
                wait(f"the page of {expired}", lambda: find(app, "label", "SCIM base URL") and
                     any(role_and_name(a) == ("label", expired) for a in descendants(app)))
                ok("Ctrl+J focuses the most pressing action, Enter opens its tenant")
                stop(proc)
                proc = None
            finally:
                if proc is not None:
                    proc.kill()

            # The dark style, at 1366x768 and 800x600.
            dark = dict(env, ADW_DEBUG_COLOR_SCHEME="prefer-dark")
            proc, app, wid = start(dark)
            try:
                wait("the actions", lambda: find(app, "push button", "Renew the Users token of"))
                time.sleep(1)
                pointer_away()
                shot = grab()
                save("overview-dark", shot)
                check_contrast(app, shot, "dark")
                check_timeline_contrast(app, "dark", "timeline-dark")
                ok("contrast in the dark style, the timeline's scale and foot too")
            finally:
                stop(proc)
            proc, app, wid = start(env, 800, 600)
            try:
                wait("the actions", lambda: find(app, "push button", "Renew the Users token of"))
                time.sleep(1)
                pointer_away(800)
                save("overview-800x600", grab(), 800, 600)
                ok("a screenshot at 800x600")
            finally:
                stop(proc)
        finally:
            server.stop()


if __name__ == "__main__":
    main()
