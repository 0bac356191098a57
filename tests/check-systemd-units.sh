#!/bin/sh
# The background check's systemd user units, as systemd reads them: the
# service (with @bindir@ set to where provisioctl was built) and the timer.
# Skipped (77) where systemd-analyze is missing.
set -eu
data=$1
bindir=$2
command -v systemd-analyze >/dev/null || exit 77
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -m 700 "$tmp/run"
sed "s|@bindir@|$bindir|g" "$data/provisio-reminders.service.in" > "$tmp/provisio-reminders.service"
cp "$data/provisio-reminders.timer" "$tmp/"
# systemd only warns about a line it ignores: any word from it is a failure.
XDG_RUNTIME_DIR="$tmp/run" systemd-analyze verify --user --man=no \
  "$tmp/provisio-reminders.service" "$tmp/provisio-reminders.timer" 2>"$tmp/said"
if [ -s "$tmp/said" ]; then
  cat "$tmp/said"
  exit 1
fi
echo "provisio-reminders.service and .timer verify"
