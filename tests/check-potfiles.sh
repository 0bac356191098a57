#!/bin/sh
# Every source file that marks strings for translation is listed in
# po/POTFILES.in, and every listed file exists.
set -eu
top=${1:-$(dirname "$0")/..}
cd "$top"

listed=$(grep -v '^#' po/POTFILES.in | sed '/^$/d' | sort)
marked=$( (grep -rlE '(^|[^A-Za-z0-9_])(N?_|C_|NC_|g_dngettext)\(' src --include='*.c';
          grep -rl 'translatable="yes"' src --include='*.ui';
          ls data/*.desktop.in.in data/*.metainfo.xml.in.in data/*.gschema.xml data/guides/*.guide 2>/dev/null) | sort)

status=0
for f in $marked; do
  echo "$listed" | grep -qx "$f" || { echo "not in po/POTFILES.in: $f"; status=1; }
done
for f in $listed; do
  [ -f "$f" ] || { echo "listed in po/POTFILES.in but missing: $f"; status=1; }
done
[ $status -eq 0 ] && echo "po/POTFILES.in lists all $(echo "$marked" | wc -w) files with translatable strings"
exit $status
