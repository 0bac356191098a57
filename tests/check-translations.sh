#!/bin/sh
# Every translation in po/LINGUAS is complete for the strings the sources
# mark today: extracted as meson's glib preset does, nothing missing,
# nothing fuzzy or untranslated, and every format string intact.
set -eu
top=${1:-$(dirname "$0")/..}
cd "$top"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# data/its: which parts of the guides are translatable
GETTEXTDATADIRS="$PWD/data${GETTEXTDATADIRS:+:$GETTEXTDATADIRS}" \
xgettext --package-name=provisio --from-code=UTF-8 --add-comments --directory=. \
  --files-from=po/POTFILES.in --output="$tmp/provisio.pot" \
  --keyword=_ --keyword=N_ --keyword=C_:1c,2 --keyword=NC_:1c,2 \
  --keyword=g_dcgettext:2 --keyword=g_dngettext:2,3 --keyword=g_dpgettext2:2c,3 \
  --flag=N_:1:pass-c-format --flag=C_:2:pass-c-format --flag=NC_:2:pass-c-format \
  --flag=g_dngettext:2:pass-c-format --flag=g_strdup_printf:1:c-format \
  --flag=g_string_printf:2:c-format --flag=g_string_append_printf:2:c-format \
  --flag=g_error_new:3:c-format --flag=g_set_error:4:c-format \
  --flag=g_markup_printf_escaped:1:c-format --flag=g_log:3:c-format \
  --flag=g_print:1:c-format --flag=g_printerr:1:c-format --flag=g_printf:1:c-format \
  --flag=g_fprintf:2:c-format --flag=g_sprintf:2:c-format --flag=g_snprintf:3:c-format 2>/dev/null

status=0
for lang in $(cat po/LINGUAS); do
  msgmerge --quiet --no-fuzzy-matching "po/$lang.po" "$tmp/provisio.pot" -o "$tmp/$lang.po"
  stats=$(msgfmt --check --statistics -o /dev/null "$tmp/$lang.po" 2>&1) || { echo "$lang: $stats"; status=1; continue; }
  echo "$lang: $stats"
  case "$stats" in
    *fuzzy*|*untranslated*) status=1 ;;
  esac
done
exit $status
