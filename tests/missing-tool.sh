#!/bin/sh
# Registered in place of a check whose tool is missing, so that the check
# fails rather than vanishes: $1 the program, $2 the Debian package that
# has it (tools/dev deps installs it).
echo "$1 is missing: install $2 (tools/dev deps does)" >&2
exit 1
