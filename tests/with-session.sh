#!/bin/sh
# with-session.sh COMMAND...: runs COMMAND in a throw-away home with a private
# D-Bus session bus and an unlocked gnome-keyring, as ../shared/design/testing.md
# describes, so that keyring tests use the real Secret Service and touch
# nothing of the user's.
set -eu
home=$(mktemp -d)
trap 'rm -rf "$home"' EXIT
export HOME="$home" XDG_RUNTIME_DIR="$home/run" XDG_CONFIG_HOME="$home/.config" XDG_DATA_HOME="$home/.local/share"
mkdir -m 700 -p "$XDG_RUNTIME_DIR"
status=0
dbus-run-session -- sh -c '
  printf test | gnome-keyring-daemon --daemonize --unlock --components=secrets >/dev/null
  until gdbus call --session --dest org.freedesktop.DBus --object-path /org/freedesktop/DBus \
        --method org.freedesktop.DBus.NameHasOwner org.freedesktop.secrets | grep -q true; do
    sleep 0.05
  done
  exec "$@"' sh "$@" || status=$?
exit $status
