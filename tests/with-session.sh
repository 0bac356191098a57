#!/bin/sh
# with-session.sh [--display] [--no-keyring] COMMAND...: runs COMMAND in a
# throw-away home with a private D-Bus session bus and an unlocked
# gnome-keyring, as ../shared/design/testing.md describes, so that keyring
# tests use the real Secret Service and touch nothing of the user's.
#   --display     also a private Xvfb screen (1280x800, or $PV_XVFB_SCREEN
#                 such as 1600x900x24) for GTK tests
#   --no-keyring  no Secret Service on the bus, and none activated on demand
#   --reply-limit N  a session bus that lets a connection wait for at most
#                 N replies at once (max_replies_per_connection)
set -eu
display=false
keyring=true
reply_limit=
while [ $# -gt 0 ]; do
  case "$1" in
    --display) display=true; shift ;;
    --no-keyring) keyring=false; shift ;;
    --reply-limit) reply_limit=$2; shift 2 ;;
    *) break ;;
  esac
done
home=$(mktemp -d)
trap 'rm -rf "$home"' EXIT
export HOME="$home" XDG_RUNTIME_DIR="$home/run" XDG_CONFIG_HOME="$home/.config" \
  XDG_DATA_HOME="$home/.local/share" XDG_CACHE_HOME="$home/.cache"
mkdir -m 700 -p "$XDG_RUNTIME_DIR"

inner='
  if [ "$PV_KEYRING" = true ]; then
    printf test | gnome-keyring-daemon --daemonize --unlock --components=secrets >/dev/null
    until gdbus call --session --dest org.freedesktop.DBus --object-path /org/freedesktop/DBus \
          --method org.freedesktop.DBus.NameHasOwner org.freedesktop.secrets | grep -q true; do
      sleep 0.05
    done
  fi
  exec "$@"'
export PV_KEYRING=$keyring

bus_config=
if [ "$keyring" = false ]; then
  # A session bus without service directories: nothing starts a keyring.
  bus_config="$home/session.conf"
  cat > "$bus_config" <<CONF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:tmpdir=$home</listen>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
CONF
fi

if [ -n "$reply_limit" ] && [ -z "$bus_config" ]; then
  bus_config="$home/session.conf"
  cat > "$bus_config" <<CONF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <include>/usr/share/dbus-1/session.conf</include>
  <limit name="max_replies_per_connection">$reply_limit</limit>
</busconfig>
CONF
fi

status=0
if [ "$display" = true ]; then
  # -noreset: a program that closes the last connection must not reset the
  # server under the next one.
  set -- xvfb-run -a -s "-screen 0 ${PV_XVFB_SCREEN:-1280x800x24} -noreset" sh -c "$inner" sh "$@"
else
  set -- sh -c "$inner" sh "$@"
fi
if [ -n "$bus_config" ]; then
  dbus-run-session --config-file="$bus_config" -- "$@" || status=$?
else
  dbus-run-session -- "$@" || status=$?
fi
exit $status
