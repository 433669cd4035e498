#!/usr/bin/env bash
# Print a DATABASE_URL for a local PostgreSQL, starting the installed cluster if it is stopped.
# Prints nothing (exit 1) when no PostgreSQL is available. PARTYORG_PG_URL overrides.
set -uo pipefail
if [ -n "${PARTYORG_PG_URL:-}" ]; then echo "$PARTYORG_PG_URL"; exit 0; fi
ready() { pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; }
if command -v pg_isready >/dev/null && ! ready && command -v pg_ctlcluster >/dev/null; then
  for v in $(ls /etc/postgresql 2>/dev/null); do
    pg_ctlcluster --skip-systemctl-redirect "$v" main start >/dev/null 2>&1 || true
  done
  for _ in $(seq 1 20); do ready && break; sleep 0.5; done
fi
if command -v pg_isready >/dev/null && ready; then
  echo "postgres://postgres@127.0.0.1:5432/partyorg"
  exit 0
fi
exit 1
