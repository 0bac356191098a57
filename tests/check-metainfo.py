#!/usr/bin/env python3
# check-metainfo.py METAINFO SOURCE VERSION: the AppStream metainfo as built.
# appstreamcli validate with the network allowed: nothing but the
# reachability of its URLs when there is no network here (which cannot be
# fixed offline); each screenshot is an image of this repository
# (data/screenshots), a PNG of the size it declares, 16:9, taken by test-app
# (/app/appstream-screenshots), in light and dark; the newest release is
# this version.
import os
import re
import struct
import subprocess
import sys
import xml.etree.ElementTree as ET

metainfo, source, version = sys.argv[1:4]
failures = []

run = subprocess.run(["appstreamcli", "validate", "--pedantic", metainfo],
                     capture_output=True, text=True, timeout=300)
said = run.stdout + run.stderr
for m in re.finditer(r"^([EWIP]): [^:]+:(?:\d+:)? (\S+)(.*(?:\n {5}.*)*)", said, re.M):
    level, tag, detail = m.groups()
    detail = " ".join(detail.split())
    if tag == "cid-contains-uppercase-letter":
        continue  # the app id, io.github.provisio.Provisio, as GNOME names apps
    if tag in ("url-not-reachable", "screenshot-image-not-found") and \
            re.search(r"Could not resolve host|Couldn't resolve|Network is unreachable|"
                      r"Could not connect|Timeout was reached", detail):
        print(f"# no network here: {tag} {detail.split()[0]}")
        continue
    failures.append(f"appstreamcli: {level}: {tag}{detail}")

root = ET.parse(metainfo).getroot()
test_app = open(os.path.join(source, "tests", "app", "test-app.c"), encoding="utf-8").read()
taken = set(re.findall(r'screenshot \([^,]+, "appstream-([a-z-]+)"\)', test_app))
shots = root.findall("screenshots/screenshot")
if not shots:
    failures.append("no screenshots")
names = set()
for shot in shots:
    if not shot.findtext("caption"):
        failures.append("a screenshot without a caption")
    for image in shot.findall("image"):
        url = image.text.strip()
        m = re.fullmatch(r"https://raw\.githubusercontent\.com/provisio/provisio/main/(data/screenshots/([a-z-]+)\.png)", url)
        if not m:
            failures.append(f"{url}: not an image of this repository's data/screenshots")
            continue
        path, name = os.path.join(source, m.group(1)), m.group(2)
        names.add(name)
        if name not in taken:
            failures.append(f"{name}.png: test-app takes no screenshot appstream-{name}")
        try:
            with open(path, "rb") as f:
                head = f.read(24)
        except OSError as e:
            failures.append(f"{path}: {e}")
            continue
        if head[:8] != b"\x89PNG\r\n\x1a\n":
            failures.append(f"{path}: not a PNG")
            continue
        width, height = struct.unpack(">II", head[16:24])
        if (str(width), str(height)) != (image.get("width"), image.get("height")):
            failures.append(f"{path}: {width}×{height}, the metainfo says "
                            f"{image.get('width')}×{image.get('height')}")
        if width * 9 != height * 16 or width < 1248:
            failures.append(f"{path}: {width}×{height}, not 16:9 at 1248 wide or more")
for style in ("light", "dark"):
    if not any(n.endswith("-" + style) for n in names):
        failures.append(f"no screenshot in the {style} style")

releases = root.findall("releases/release")
if not releases or releases[0].get("version") != version:
    failures.append(f"the newest release is not {version}, this version")
elif not releases[0].find("description"):
    failures.append(f"release {version} has no notes")
if root.find("content_rating") is None or root.find("content_rating").get("type") != "oars-1.1":
    failures.append("no OARS 1.1 content rating")

for f in failures:
    print(f)
if failures:
    sys.exit(1)
print(f"{os.path.basename(metainfo)}: valid but for the network; {len(names)} screenshots, "
      f"release {version}")
