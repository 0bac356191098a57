#!/usr/bin/env python3
# check-man-pages.py PROGRAM PAGE.scd: the man page names every command and
# option that PROGRAM's --help lists.  provisioctl's commands come from its
# "Commands:" list (its command table), each command's options from
# "provisioctl COMMAND --help" and must be named in that command's entry;
# provisiod's administration commands from its usage line.
import os
import re
import subprocess
import sys

program, page = sys.argv[1], sys.argv[2]
name = os.path.basename(program)
env = dict(os.environ, LC_ALL="C", LANG="C", LANGUAGE="")
env.pop("DISPLAY", None)
env.pop("WAYLAND_DISPLAY", None)


def help_text(*args):
    run = subprocess.run([program, *args, "--help"], env=env, capture_output=True,
                         text=True, timeout=30)
    if run.returncode != 0:
        sys.exit(f"{name} {' '.join(args)} --help: exit {run.returncode}: {run.stderr}")
    return run.stdout


def options(text):
    """Every -x and --long option in the option sections of a --help."""
    found = []
    section = None
    for line in text.splitlines():
        if re.match(r"^\S.*:$", line):
            section = line
            continue
        if section and section.endswith("Options:"):
            m = re.match(r"^\s+((?:-\w, )?--[\w-]+)", line)
            if m:
                found += re.findall(r"--?[\w-]+", m.group(1))
    return found


def commands(text):
    """The commands of a "Commands:" section: the words before the first parameter."""
    found = []
    inside = False
    for line in text.splitlines():
        if line == "Commands:":
            inside = True
            continue
        if inside:
            if not line.strip():
                break
            words = re.split(r"\s{2,}", line.strip())[0].split()
            found.append(" ".join(w for w in words if w == w.lower()))
    return found


def usage_commands(text):
    """provisiod's [tenant create SLUG | tenant list | key issue|list SLUG | ...]."""
    m = re.search(r"\[([a-z].*)\]\s*$", text.splitlines()[1])
    if not m:
        return []
    found = []
    for alternative in m.group(1).split(" | "):
        words = [w for w in alternative.split() if w == w.lower()]
        for last in words[-1].split("|"):
            found.append(" ".join(words[:-1] + [last]))
    return found


scd = open(page, encoding="utf-8").read()
missing = []


def named(thing, text):
    # scdoc's bold: *--listen*, *-l*, *tenant add*; an option may carry =_VALUE_
    return re.search(r"\*" + re.escape(thing) + r"(\*|=_)", text) is not None


def entry(command):
    """The text of a command's entry: its term line and the indented lines after it."""
    m = re.search(r"^\*" + re.escape(command) + r"\*.*\n((?:\t.*\n|\n)*)", scd, re.M)
    return m.group(0) if m else None


top = help_text()
checked = 0
for option in options(top):
    checked += 1
    if not named(option, scd):
        missing.append(f"option {option}")

cmds = commands(top) + usage_commands(top)
if name in ("provisioctl", "provisiod") and not cmds:
    sys.exit(f"{name} --help lists no commands: the check cannot read it any more")
for command in cmds:
    checked += 1
    text = entry(command)
    if text is None:
        missing.append(f"command {command}")
        continue
    if name != "provisioctl":
        continue
    for option in options(help_text(*command.split())):
        if option in ("-h", "--help", "--help-all", "--version"):
            continue
        checked += 1
        if not named(option, text):
            missing.append(f"option {option} of {command}")

if missing:
    print(f"{page} does not name what {name} --help lists:")
    for m in missing:
        print("  " + m)
    sys.exit(1)
print(f"{page}: {checked} commands and options of {name} --help, all named")
