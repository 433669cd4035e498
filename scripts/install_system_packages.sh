#!/usr/bin/env bash
# Debian packages PartyOrg needs: Pango and fonts for PDFs (WeasyPrint), gettext for translations,
# Chromium for the browser tests. Installs only what is missing; needs root (or sudo).
set -euo pipefail
want=(libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core gettext)
if [ "${1:-}" = "--with-browser" ]; then want+=(chromium); fi
missing=()
for p in "${want[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
[ ${#missing[@]} -eq 0 ] && exit 0
SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
echo ">> apt-get install ${missing[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
