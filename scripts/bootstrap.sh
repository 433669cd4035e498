#!/usr/bin/env bash
# Create the virtual environment and install the pinned Python packages (idempotent).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then "$PY" -m venv .venv; fi
stamp=.venv/.requirements.sha
want=$(sha256sum requirements.txt | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  .venv/bin/python -m pip install -q --upgrade pip 2>&1 | grep -v -i warning || true
  .venv/bin/python -m pip install -q -r requirements.txt 2>&1 | grep -v -i "warning" || true
  .venv/bin/python -c "import django, weasyprint, playwright" && echo "$want" > "$stamp"
fi
