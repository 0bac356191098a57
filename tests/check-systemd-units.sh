#!/bin/sh
# Provisio's systemd units, as systemd reads them: the background check's
# user units (the service with @bindir@ set to where provisioctl was built,
# and the timer), and provisiod's system unit (@bindir@ where provisiod was
# built) with its hardening: systemd-analyze security's exposure figure,
# printed, must stay at 2.0 or below ("OK" is below 4.0).
# Skipped (77) where systemd-analyze is missing.
set -eu
data=$1
bindir=$2
server_bindir=$3
command -v systemd-analyze >/dev/null || exit 77
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -m 700 "$tmp/run"
sed "s|@bindir@|$bindir|g" "$data/provisio-reminders.service.in" > "$tmp/provisio-reminders.service"
cp "$data/provisio-reminders.timer" "$tmp/"
sed "s|@bindir@|$server_bindir|g; s|@sysconfdir@|/etc|g" "$data/provisiod.service.in" > "$tmp/provisiod.service"
# systemd only warns about a line it ignores: any word from it is a failure.
XDG_RUNTIME_DIR="$tmp/run" systemd-analyze verify --user --man=no \
  "$tmp/provisio-reminders.service" "$tmp/provisio-reminders.timer" 2>"$tmp/said"
systemd-analyze verify --man=no "$tmp/provisiod.service" 2>>"$tmp/said" || true
if [ -s "$tmp/said" ]; then
  cat "$tmp/said"
  exit 1
fi
echo "provisio-reminders.service and .timer, provisiod.service verify"
systemd-analyze security --offline=true --threshold=20 "$tmp/provisiod.service" >"$tmp/security" 2>&1 || {
  cat "$tmp/security"
  echo "provisiod.service: exposure above 2.0"
  exit 1
}
grep '✗' "$tmp/security" || true
grep 'Overall exposure' "$tmp/security"
