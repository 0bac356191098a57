#!/usr/bin/env python3
# check-flatpak.py MANIFEST SOURCE BUILD APP_ID: the Flatpak manifest, which
# cannot be built here (no flatpak-builder, no runtime, no network).  It
# parses; it is for the app id on a GNOME runtime of 43 or newer; its
# command is a program meson installs; each module's sources exist and its
# meson options are real; every library meson.build asks for is in the
# runtime or built by a module; every permission is one the app needs, and
# what goes through a portal asks for none; every cleanup entry removes
# something meson installs, and what cannot work in the sandbox (the
# systemd units, sysusers.d and tmpfiles.d of provisiod's service) is removed.
import json
import os
import re
import subprocess
import sys

manifest_path, source, build, app_id = sys.argv[1:5]
failures = []


def fail(message):
    failures.append(message)


def sources_text(*dirs):
    text = ""
    for d in dirs:
        for base, _, names in os.walk(os.path.join(source, d)):
            for name in names:
                if name.endswith((".c", ".h")):
                    text += open(os.path.join(base, name), encoding="utf-8").read()
    return text


# The libraries org.gnome.Platform (43 and newer, over the freedesktop
# runtime) ships with their pkg-config files in org.gnome.Sdk.
RUNTIME = {"glib-2.0", "gio-2.0", "gio-unix-2.0", "gtk4", "libadwaita-1", "libsoup-3.0",
           "json-glib-1.0", "libsecret-1", "sqlite3"}

app_code = sources_text("src/app", "src/core")

# Each permission and why the app needs it.
NEEDED = {
    "--share=network": "tenants' management APIs, Microsoft Graph, the demo's provisiod on loopback",
    "--socket=wayland": "its windows",
    "--socket=fallback-x11": "its windows where there is no Wayland",
    "--share=ipc": "X11 shared memory, with fallback-x11",
    "--device=dri": "GTK's GL renderer",
}
# Reached through portals, with no permission: checked in the sources.
PORTALS = [
    ("files (certificate to pin, calendar export) through GtkFileChooserNative",
     "gtk_file_chooser_native_new" in app_code and "gtk_file_chooser_dialog_new" not in app_code),
    ("notifications through GNotification",
     "g_application_send_notification" in app_code and "org.freedesktop.Notifications" not in app_code),
    # pv-credentials.c reads the Secret Service's items by D-Bus path for
    # speed outside a sandbox, and through secret_password_search() inside
    ("admin API keys through libsecret's secret_password_*, which use the Secret portal in a sandbox",
     "secret_password_store" in app_code and "secret_password_search" in app_code and "/.flatpak-info" in app_code),
    ("web pages (Entra sign-in, help) through gtk_show_uri", "gtk_show_uri" in app_code),
]

try:
    manifest = json.load(open(manifest_path, encoding="utf-8"))
except (OSError, ValueError) as e:
    sys.exit(f"{manifest_path}: {e}")
here = os.path.dirname(os.path.abspath(manifest_path))

if manifest.get("id", manifest.get("app-id")) != app_id:
    fail(f"id is {manifest.get('id')!r}, not {app_id}")
if os.path.basename(manifest_path) != app_id + ".json":
    fail("the manifest is not named after the app id")
if manifest.get("runtime") != "org.gnome.Platform" or manifest.get("sdk") != "org.gnome.Sdk":
    fail("not on the GNOME runtime and SDK")
version = str(manifest.get("runtime-version", ""))
if not version.isdigit() or int(version) < 43:
    fail(f"runtime-version {version!r}: GNOME 43 or newer (GTK 4.8, libadwaita 1.2) is needed")

installed = json.loads(subprocess.run(["meson", "introspect", "--installed", build],
                                      capture_output=True, text=True, check=True).stdout)
prefix = json.loads(subprocess.run(["meson", "introspect", "--buildoptions", build],
                                   capture_output=True, text=True, check=True).stdout)
prefix = next(o["value"] for o in prefix if o["name"] == "prefix")
in_prefix = {os.path.relpath(p, prefix) for p in installed.values()}
if os.path.join("bin", manifest.get("command", "")) not in in_prefix:
    fail(f"command {manifest.get('command')!r} is not a program meson installs")

for arg in manifest.get("finish-args", []):
    if arg not in NEEDED:
        fail(f"finish-arg {arg}: not needed")
for arg in ("--share=network", "--socket=wayland"):
    if arg not in manifest.get("finish-args", []):
        fail(f"finish-arg {arg} missing: {NEEDED[arg]}")
if "--share=network" in manifest.get("finish-args", []) and "soup_session_new" not in app_code:
    fail("--share=network, but the app makes no HTTP requests")
for what, true in PORTALS:
    if not true:
        fail(f"no longer so, a permission may be needed: {what}")

options = open(os.path.join(source, "meson_options.txt"), encoding="utf-8").read()
module_names = set()
for module in manifest.get("modules", []):
    if isinstance(module, str):
        if not os.path.exists(os.path.join(here, module)):
            fail(f"module file {module} does not exist")
        continue
    module_names.add(module.get("name"))
    for src in module.get("sources", []):
        if src.get("type") in ("dir", "file", "patch"):
            if not os.path.exists(os.path.join(here, src.get("path", ""))):
                fail(f"{module.get('name')}: source {src.get('path')} does not exist")
        elif not src.get("url") or not (src.get("sha256") or src.get("commit") or src.get("tag")):
            fail(f"{module.get('name')}: a {src.get('type')} source without url and checksum or commit")
    if module.get("buildsystem") != "meson":
        continue  # a library provisio needs, built before it; its options are its own
    for opt in module.get("config-opts", []):
        m = re.fullmatch(r"-D([\w-]+)=(\S+)", opt)
        if not m:
            fail(f"{module.get('name')}: config-opt {opt} is not -Dname=value")
            continue
        decl = re.search(r"option\('" + re.escape(m.group(1)) + r"',\s*type:\s*'(\w+)'", options)
        if not decl:
            fail(f"config-opt {opt}: no such option in meson_options.txt")
        elif decl.group(1) == "feature" and m.group(2) not in ("enabled", "disabled", "auto"):
            fail(f"config-opt {opt}: a feature is enabled, disabled or auto")
if "provisio" not in module_names:
    fail("no module builds provisio")
module_order = [m.get("name") for m in manifest.get("modules", []) if isinstance(m, dict)]

for meson_file in ("meson.build", "src/app/meson.build", "src/core/meson.build",
                   "src/server/meson.build", "src/cli/meson.build"):
    text = open(os.path.join(source, meson_file), encoding="utf-8").read()
    for dep in re.findall(r"(?<!declare_)dependency\('([^']+)'", text):
        if dep in ("systemd",):
            continue  # optional, for where the service's units go; none in the sandbox
        if dep == "libpq" and any("-Dpostgresql=disabled" in m.get("config-opts", [])
                                  for m in manifest.get("modules", []) if isinstance(m, dict)):
            continue  # provisiod on PostgreSQL: not what the sandboxed app needs
        if dep not in RUNTIME and dep not in module_names:
            fail(f"{meson_file}: dependency {dep} is neither in the runtime nor a module")
        elif dep in module_names and module_order.index(dep) > module_order.index("provisio"):
            fail(f"{meson_file}: dependency {dep} is built after provisio")

cleanup = manifest.get("cleanup", [])
for entry in cleanup:
    if not any(p == entry.lstrip("/") or p.startswith(entry.lstrip("/") + "/") for p in in_prefix):
        fail(f"cleanup {entry}: meson installs nothing there")
for p in in_prefix:
    if re.match(r"(lib/systemd|lib/sysusers\.d|lib/tmpfiles\.d)/", p) and \
            not any(p.startswith(e.lstrip("/") + "/") for e in cleanup):
        fail(f"{p}: of no use in the sandbox, and not cleaned up")

for f in failures:
    print(f)
if failures:
    sys.exit(1)
print(f"{os.path.basename(manifest_path)}: org.gnome.Platform {version}, "
      f"{len(manifest.get('finish-args', []))} permissions each needed, "
      f"{len(PORTALS)} needs met through portals, {len(manifest.get('modules', []))} module")
