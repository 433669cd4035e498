#!/usr/bin/env bash
# Re-extract the UI strings (Vietnamese source) into the English catalogue, report what is
# still untranslated or fuzzy, and compile the .mo (committed, so the app runs without gettext).
#
#   scripts/translations.sh           extract, report, compile
#   scripts/translations.sh --check   also exit 1 when a string lacks a translation
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-.venv/bin/python}
PO=partyorg/locale/en/LC_MESSAGES/django.po
MO=${PO%.po}.mo

# makemessages merges with the existing catalogue: existing translations are kept,
# strings that disappeared from the sources are dropped (--no-obsolete).
"$PY" manage.py makemessages -l en --ignore=.venv --ignore=tests --ignore=bench --no-obsolete

# Untranslated (empty msgstr) and fuzzy (msgid changed, translation to be checked) entries.
untranslated=$(msgattrib --untranslated --no-obsolete "$PO" | grep -c '^msgid ' || true)
fuzzy=$(msgattrib --only-fuzzy --no-obsolete "$PO" | grep -c '^msgid ' || true)
# msgattrib prints the header entry too when there is anything to print.
[ "$untranslated" -gt 0 ] && untranslated=$((untranslated - 1))
[ "$fuzzy" -gt 0 ] && fuzzy=$((fuzzy - 1))
if [ "$untranslated" -gt 0 ] || [ "$fuzzy" -gt 0 ]; then
  echo "== $untranslated untranslated, $fuzzy fuzzy:"
  msgattrib --untranslated --no-wrap --no-obsolete "$PO" | grep '^msgid ' | sed 1d || true
  msgattrib --only-fuzzy --no-wrap --no-obsolete "$PO" | grep '^msgid ' | sed 1d | sed 's/^/fuzzy: /' || true
fi

msgfmt --check --statistics "$PO" -o "$MO"

if [ "${1:-}" = "--check" ] && { [ "$untranslated" -gt 0 ] || [ "$fuzzy" -gt 0 ]; }; then
  exit 1
fi
