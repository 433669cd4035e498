#!/usr/bin/env bash
# Chạy toàn bộ kiểm thử / Runs the whole test suite: quality gates, then pytest on SQLite and, when a
# PostgreSQL server is installed or reachable, again on PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")"
bash scripts/install_system_packages.sh --with-browser
bash scripts/bootstrap.sh
export PARTYORG_VAR_DIR=${PARTYORG_VAR_DIR:-$PWD/var/test}
# Two pytest workers (the CI machine has 2 cores); PARTYORG_TEST_WORKERS=0 runs in one process.
workers=(-n "${PARTYORG_TEST_WORKERS:-2}" -rxXs)
echo "== ruff";            .venv/bin/ruff check .
echo "== mypy (strict on partyorg/domain)"; .venv/bin/mypy --strict partyorg/domain
echo "== import-linter";   .venv/bin/lint-imports --no-cache
echo "== migrations";      DATABASE_URL=sqlite:///:memory: .venv/bin/python manage.py makemigrations --check --dry-run -v1
echo "== pytest (SQLite)"; DATABASE_URL=sqlite:///$PARTYORG_VAR_DIR/test.sqlite3 .venv/bin/pytest "${workers[@]}" "$@"
pg_url=$(bash scripts/postgres_url.sh || true)
if [ -n "$pg_url" ]; then
  echo "== pytest (PostgreSQL: $pg_url)"; DATABASE_URL=$pg_url .venv/bin/pytest "${workers[@]}" "$@"
else
  echo "== PostgreSQL not available: SQLite run only"
fi
