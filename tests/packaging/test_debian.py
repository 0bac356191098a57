#!/usr/bin/python3
# The Debian packages as an administrator gets them: built with
# dpkg-buildpackage from a clean copy of the source tree (no build
# directories; DEB_BUILD_OPTIONS=nocheck, the suite runs anyway), checked by
# lintian at its default level, their contents and maintainer scripts
# checked, unpacked into a throw-away root, and started from there: the
# installed provisiod by its unit file's ExecStart command line (then asked
# over HTTP with a key made by the installed provisiod), the installed
# `provisio --demo` under Xvfb (found on the accessibility bus showing the
# demo's tenants, served by the installed provisiod).  Runs inside
# tests/with-session.sh --display.  Exit 77 (skipped) without dpkg-buildpackage.
#
# Copyright 2026 The Provisio authors
# SPDX-License-Identifier: GPL-3.0-or-later

import glob
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request

SOURCE = os.environ["PROVISIO_SOURCE"]
sys.path.insert(0, os.path.join(SOURCE, "tests", "app"))

# What each package must hold (besides its translations and /usr/share/doc).
CONTENTS = {
    "provisio": [
        "usr/bin/provisio",
        "usr/libexec/provisio/provisio-demo-entra",
        "usr/share/applications/io.github.provisio.Provisio.desktop",
        "usr/share/metainfo/io.github.provisio.Provisio.metainfo.xml",
        "usr/share/glib-2.0/schemas/io.github.provisio.Provisio.gschema.xml",
        "usr/share/icons/hicolor/scalable/apps/io.github.provisio.Provisio.svg",
        "usr/share/icons/hicolor/symbolic/apps/io.github.provisio.Provisio-symbolic.svg",
        "usr/share/dbus-1/services/io.github.provisio.Provisio.service",
        "usr/share/help/C/provisio/index.page",
        "usr/share/locale/de/LC_MESSAGES/provisio.mo",
        "usr/lib/systemd/user/provisio-reminders.service",
        "usr/lib/systemd/user/provisio-reminders.timer",
        "usr/share/man/man1/provisio.1.gz",
    ],
    "provisioctl": [
        "usr/bin/provisioctl",
        "usr/share/man/man1/provisioctl.1.gz",
    ],
    "provisiod": [
        "usr/bin/provisiod",
        "etc/provisiod/provisiod.conf",
        "lib/systemd/system/provisiod.service",
        "usr/lib/sysusers.d/provisiod.conf",
        "usr/lib/tmpfiles.d/provisiod.conf",
        "usr/share/man/man8/provisiod.8.gz",
    ],
}

step = 0


def ok(what):
    global step
    step += 1
    print(f"ok {step} {what}", flush=True)


def run(cmd, **kwargs):
    return subprocess.run(cmd, check=True, text=True, capture_output=True, **kwargs).stdout


def clean_copy(dest):
    """The source tree without build directories or anything git ignores
    (tracked and new files, as they are now)."""
    if os.path.isdir(os.path.join(SOURCE, ".git")) or os.path.isfile(os.path.join(SOURCE, ".git")):
        files = run(["git", "-C", SOURCE, "ls-files", "-z", "--cached", "--others", "--exclude-standard"])
        for name in files.split("\0"):
            path = os.path.join(SOURCE, name)
            if name and os.path.lexists(path) and not os.path.isdir(path):
                os.makedirs(os.path.dirname(os.path.join(dest, name)), exist_ok=True)
                shutil.copy2(path, os.path.join(dest, name), follow_symlinks=False)
    else:
        shutil.copytree(SOURCE, dest, symlinks=True, dirs_exist_ok=True,
                        ignore=lambda d, names: [n for n in names if d == SOURCE and
                                                 (n.startswith("build") or n.startswith("_build"))])


def build(work):
    src = os.path.join(work, "provisio")
    os.makedirs(src)
    clean_copy(src)
    assert not glob.glob(os.path.join(src, "build*")), "the copy has a build directory"
    env = dict(os.environ, DEB_BUILD_OPTIONS="nocheck parallel=2")
    started = time.monotonic()
    done = subprocess.run(["dpkg-buildpackage", "-us", "-uc", "-b"], cwd=src, env=env,
                          text=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    if done.returncode != 0:
        print(done.stdout[-6000:])
        raise AssertionError(f"dpkg-buildpackage failed ({done.returncode})")
    ok(f"dpkg-buildpackage -us -uc -b in a clean copy ({time.monotonic() - started:.0f} s)")
    debs = {}
    for path in glob.glob(os.path.join(work, "*.deb")):
        name = os.path.basename(path).split("_")[0]
        debs[name] = path
    for package in CONTENTS:
        assert package in debs, f"no {package} package: {sorted(debs)}"
    assert "libprovisio" not in " ".join(debs), "libprovisio is static: no package of its own"
    ok("packages: " + ", ".join(sorted(debs)))
    return debs, glob.glob(os.path.join(work, "*.changes"))[0]


def lintian(changes):
    if shutil.which("lintian") is None:
        raise AssertionError("lintian is missing (tools/dev deps installs it)")
    done = subprocess.run(["lintian", "--fail-on", "error,warning", changes],
                          text=True, capture_output=True)
    tags = [line for line in done.stdout.splitlines() if re.match(r"^[EW]: ", line)]
    assert done.returncode == 0 and not tags, f"lintian:\n{done.stdout}{done.stderr}"
    ok("lintian at its default level: no error or warning")


def contents(debs):
    for package, expected in CONTENTS.items():
        files = run(["dpkg-deb", "-c", debs[package]])
        names = {line.split()[5].removeprefix("./") for line in files.splitlines()}
        missing = [f for f in expected if f not in names]
        assert not missing, f"{package} lacks {missing}"
    # Each file in one package only (the units, man pages and programs
    # where they belong).
    owners = {}
    for package in CONTENTS:
        for line in run(["dpkg-deb", "-c", debs[package]]).splitlines():
            name = line.split()[5]
            if not name.endswith("/"):
                assert name not in owners, f"{name} in {owners.get(name)} and {package}"
                owners[name] = package
    ok("every package holds what it should, each file in one package")

    fields = run(["dpkg-deb", "-f", debs["provisio"], "Depends", "Recommends"])
    assert re.search(r"provisioctl \(= ", fields), "provisio's reminder units run provisioctl"
    assert "provisiod" in fields, "provisio --demo wants provisiod"
    assert re.search(r"Depends:.*python3", fields), "the demo's Microsoft stand-in runs on python3"
    ok("provisio depends on provisioctl and recommends provisiod")

    # libmicrohttpd is provisiod's HTTP front end: its library comes from
    # shlibs, in provisiod's package only.
    assert re.search(r"libmicrohttpd12", run(["dpkg-deb", "-f", debs["provisiod"], "Depends"])), \
        "provisiod runs on libmicrohttpd"
    for package in ("provisio", "provisioctl"):
        assert "libmicrohttpd" not in run(["dpkg-deb", "-f", debs[package], "Depends"]), package
    ok("provisiod depends on libmicrohttpd12, the app and provisioctl do not")


def enables_only_what_was_enabled(script):
    """debhelper's --no-enable: a unit is enabled again on upgrade if the
    administrator had enabled it, never on a first installation."""
    lines = [l.strip() for l in script.splitlines() if l.strip() and not l.strip().startswith("#")]
    for i, line in enumerate(lines):
        if re.search(r"deb-systemd-helper( --user)? enable", line) and "was-enabled" not in lines[i - 1]:
            return False
    return True


def maintainer_scripts(debs, work):
    ctl = os.path.join(work, "control-provisiod")
    run(["dpkg-deb", "-e", debs["provisiod"], ctl])
    postinst = open(os.path.join(ctl, "postinst")).read()
    sysusers = postinst.find("systemd-sysusers")
    tmpfiles = postinst.find("systemd-tmpfiles")
    assert sysusers >= 0 and "provisiod.conf" in postinst, "postinst makes the provisiod user"
    assert 0 <= sysusers < tmpfiles, "the user exists before its state directory is made"
    assert enables_only_what_was_enabled(postinst), "provisiod.service is not enabled on installation"
    assert "systemctl --system" not in postinst and "deb-systemd-invoke start" not in postinst, \
        "provisiod.service is not started on installation"
    postrm = open(os.path.join(ctl, "postrm")).read()
    assert re.search(r'"\$1" = "purge".*\n\s*rm -rf /var/lib/provisiod', postrm), \
        "purging removes the database"
    conffiles = open(os.path.join(ctl, "conffiles")).read().split()
    assert conffiles == ["/etc/provisiod/provisiod.conf"], conffiles
    for tool in ("sh", "dash"):
        subprocess.run([tool, "-n", os.path.join(ctl, "postinst")], check=True)
        subprocess.run([tool, "-n", os.path.join(ctl, "postrm")], check=True)

    ctl = os.path.join(work, "control-provisio")
    run(["dpkg-deb", "-e", debs["provisio"], ctl])
    for script in glob.glob(os.path.join(ctl, "post*")):
        text = open(script).read()
        assert "--global enable" not in text and enables_only_what_was_enabled(text), \
            "the reminders' timer is not enabled for every user"
    ok("maintainer scripts: the provisiod user, then its state directory; the service "
       "neither enabled nor started; purge removes the database; one conffile; "
       "no timer enabled for every user")


def unpack(debs, root):
    for package in CONTENTS:
        run(["dpkg", "-x", debs[package], root])
    # What the postinst does, into the root: the user, then its directory.
    if shutil.which("systemd-sysusers") and os.geteuid() == 0:
        run(["systemd-sysusers", f"--root={root}", "provisiod.conf"])
        passwd = open(os.path.join(root, "etc", "passwd")).read()
        assert re.search(r"^provisiod:x:\d+:\d+:[^:]*:/var/lib/provisiod:/usr/sbin/nologin$",
                         passwd, re.M), passwd
        run(["systemd-tmpfiles", f"--root={root}", "--create", "provisiod.conf"])
        state = os.stat(os.path.join(root, "var", "lib", "provisiod"))
        assert oct(state.st_mode & 0o777) == "0o750", oct(state.st_mode)
        ok("into a throw-away root: dpkg -x; systemd-sysusers and systemd-tmpfiles --root "
           "make the provisiod user (no login) and /var/lib/provisiod (0750)")
    else:
        os.makedirs(os.path.join(root, "var", "lib", "provisiod"))
        ok("into a throw-away root: dpkg -x (the user and its directory need root and "
           "systemd-sysusers: not checked here)")
    # What the dpkg trigger of libglib2.0 does with the schema.
    run(["glib-compile-schemas", "--strict", os.path.join(root, "usr/share/glib-2.0/schemas")])


def in_root(root, word):
    for prefix in ("/usr/", "/etc/", "/var/", "/lib/"):
        if word.startswith(prefix):
            return os.path.join(root, word.lstrip("/"))
    return word


def provisiod_from_unit(root, work):
    unit = open(os.path.join(root, "lib/systemd/system/provisiod.service")).read()
    execstart = re.search(r"^ExecStart=(.*)$", unit, re.M).group(1)
    assert "User=provisiod" in unit and "StateDirectory=provisiod" in unit
    command = [in_root(root, w) for w in shlex.split(execstart)]
    assert command[0] == os.path.join(root, "usr/bin/provisiod"), command
    config = command[command.index("--config") + 1]
    assert open(config).read() == open(os.path.join(SOURCE, "data/provisiod.conf")).read()
    # The configuration's database is /var/lib/provisiod/provisiod.db, the
    # unit's StateDirectory: here the root's, given on the command line
    # (which wins over the file), as is a free loopback port.
    assert re.search(r"^db=/var/lib/provisiod/provisiod.db$", open(config).read(), re.M)
    db = os.path.join(root, "var/lib/provisiod/provisiod.db")
    here = ["--db", db]
    # As root: as the unit runs it, as the provisiod user of the root's
    # passwd, with no capabilities, no new privileges and UMask=0077.
    user = re.search(r"^provisiod:x:(\d+):(\d+):", open(os.path.join(root, "etc/passwd")).read(), re.M) \
        if os.geteuid() == 0 and os.path.exists(os.path.join(root, "etc/passwd")) else None
    if user:
        assert "CapabilityBoundingSet=\n" in unit and "NoNewPrivileges=yes" in unit and "UMask=0077" in unit
        os.chmod(work, 0o711)
        command = ["setpriv", f"--reuid={user.group(1)}", f"--regid={user.group(2)}", "--clear-groups",
                   "--no-new-privs", "--bounding-set=-all", "--inh-caps=-all"] + command
    key = run(command + here + ["tenant", "create", "acme", "--name", "Acme Ltd",
                                "--owner", "packaging test"], umask=0o077).strip().splitlines()[-1]
    assert re.fullmatch(r"pva_[0-9A-Za-z]{49}", key), "tenant create prints the key last"
    server = subprocess.Popen(command + here + ["--listen", "127.0.0.1:0"], umask=0o077,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = server.stdout.readline()
        m = re.match(r"provisiod: listening on (http://127\.0\.0\.1:\d+)$", line.strip())
        assert m, f"provisiod said {line!r}: {server.stderr.read() if server.poll() is not None else ''}"
        request = urllib.request.Request(m.group(1) + "/api/v1/tenant",
                                         headers={"Authorization": "Bearer " + key})
        with urllib.request.urlopen(request, timeout=10) as answer:
            tenant = json.load(answer)
        assert tenant.get("name") == "Acme Ltd", tenant
    finally:
        server.terminate()
        assert server.wait(timeout=10) == 0, server.stderr.read()
    as_user = ""
    if user:
        state = os.stat(db)
        assert state.st_uid == int(user.group(1)) and state.st_mode & 0o077 == 0, \
            f"{db}: uid {state.st_uid}, mode {oct(state.st_mode)}"
        as_user = (" as the provisiod user without capabilities or new privileges, "
                   "its database its own and private")
    ok("the installed provisiod from its unit's ExecStart (" + execstart + ")" + as_user +
       ": a tenant created, served on loopback, its API answered with the key, stopped cleanly")


def children_cmdlines(pid):
    """The command lines of @pid's children."""
    found = []
    for entry in os.listdir("/proc"):
        try:
            with open(f"/proc/{entry}/stat") as f:
                if int(f.read().rsplit(")", 1)[1].split()[1]) != pid:
                    continue
            with open(f"/proc/{entry}/cmdline", "rb") as f:
                found.append(f.read())
        except (OSError, ValueError, IndexError):
            continue
    return found


def provisio_demo(root, work):
    from atspi_helpers import app_named, children, find, stop, wait

    env = dict(os.environ,
               XDG_DATA_DIRS=os.path.join(root, "usr/share") + ":/usr/share",
               GSETTINGS_SCHEMA_DIR=os.path.join(root, "usr/share/glib-2.0/schemas"),
               GSETTINGS_BACKEND="memory",
               PROVISIO_TENANTS_FILE=os.path.join(work, "tenants.ini"))
    env.pop("PROVISIOD", None)
    env.pop("GTK_A11Y", None)
    app = subprocess.Popen([os.path.join(root, "usr/bin/provisio"), "--demo"], env=env,
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        acc = wait("the installed app on the accessibility bus", lambda: app_named("provisio"))
        wait("the demo's tenant Contoso Ltd", lambda: find(acc, "label", "Contoso Ltd")
             or find(acc, "push button", "Contoso Ltd"))
        # The demo server it started is the installed one, next to it.
        servers = wait("the demo server, a child of the app", lambda: children(app.pid, "provisiod"))
        assert os.readlink(f"/proc/{servers[0]}/exe") == os.path.join(root, "usr/bin/provisiod"), \
            os.readlink(f"/proc/{servers[0]}/exe")
        # So is the demo's Microsoft stand-in (a script: its interpreter's child).
        wait("the demo's Microsoft stand-in, the installed one",
             lambda: any(os.path.join(root, "usr/libexec/provisio/provisio-demo-entra").encode() in cmdline
                         for cmdline in children_cmdlines(app.pid)))
        assert app.poll() is None, app.stderr.read()
    finally:
        stop(app)
    ok("the installed provisio --demo under Xvfb: on the accessibility bus with the demo's "
       "Contoso Ltd, served by the installed provisiod, with the installed Microsoft stand-in")


def main():
    if shutil.which("dpkg-buildpackage") is None:
        print("1..0 # SKIP dpkg-buildpackage is missing (tools/dev deps installs it)")
        return 77
    with tempfile.TemporaryDirectory() as work:
        debs, changes = build(work)
        lintian(changes)
        contents(debs)
        maintainer_scripts(debs, work)
        root = os.path.join(work, "root")
        os.makedirs(root)
        unpack(debs, root)
        provisiod_from_unit(root, work)
        provisio_demo(root, work)
    print(f"1..{step}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
