#!/bin/sh
# provisiod's system unit as systemd reads it (with @bindir@ set to where
# provisiod was built), and its hardening: systemd-analyze security's
# exposure figure, printed, must stay at 2.0 or below ("OK" is below 4.0).
# Skipped (77) where systemd-analyze is missing.
set -eu
data=$1
bindir=$2
command -v systemd-analyze >/dev/null || exit 77
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
sed "s|@bindir@|$bindir|g; s|@sysconfdir@|/etc|g" "$data/provisiod.service.in" > "$tmp/provisiod.service"
# systemd only warns about a line it ignores: any word from it is a failure.
systemd-analyze verify --man=no "$tmp/provisiod.service" 2>"$tmp/said" || true
if [ -s "$tmp/said" ]; then
  cat "$tmp/said"
  exit 1
fi
echo "provisiod.service verifies"
systemd-analyze security --offline=true --threshold=20 "$tmp/provisiod.service" >"$tmp/security" 2>&1 || {
  cat "$tmp/security"
  echo "provisiod.service: exposure above 2.0"
  exit 1
}
grep '✗' "$tmp/security" || true
grep 'Overall exposure' "$tmp/security"
