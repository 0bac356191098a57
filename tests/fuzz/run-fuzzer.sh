#!/bin/sh
# run-fuzzer.sh FUZZER ARTIFACTS SEEDS...: a short libFuzzer run
#
# Fuzzes for FUZZ_SECONDS (30 by default) on a copy of the seed
# directories, so that nothing is written into the source tree; an input
# that crashes, leaks, trips a sanitizer or runs over 10 s is kept in
# ARTIFACTS and fails the test.
set -eu
fuzzer=$1
artifacts=$2
shift 2

work=$(mktemp -d "${TMPDIR:-/tmp}/provisio-fuzz.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/corpus" "$artifacts"
for seeds in "$@"; do
  [ -d "$seeds" ] && find "$seeds" -maxdepth 1 -type f ! -name '.*' -exec cp {} "$work/corpus/" \;
done

status=0
"$fuzzer" -max_total_time="${FUZZ_SECONDS:-30}" -timeout=10 -rss_limit_mb=2048 \
  -print_final_stats=1 -error_exitcode=1 -timeout_exitcode=1 -artifact_prefix="$artifacts/$(basename "$fuzzer")-" "$work/corpus" || status=$?
exit $status
