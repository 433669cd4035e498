"""SQL of the append-only triggers on the audit log, per database vendor."""
from __future__ import annotations

from contextlib import contextmanager

PG_UP = """
CREATE OR REPLACE FUNCTION partyorg_audit_append_only() RETURNS trigger AS $$
BEGIN RAISE EXCEPTION 'core_auditevent is append-only'; END; $$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS audit_no_update ON core_auditevent;
CREATE TRIGGER audit_no_update BEFORE UPDATE OR DELETE ON core_auditevent
  FOR EACH ROW EXECUTE FUNCTION partyorg_audit_append_only();
DROP TRIGGER IF EXISTS audit_no_truncate ON core_auditevent;
CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON core_auditevent
  FOR EACH STATEMENT EXECUTE FUNCTION partyorg_audit_append_only();
"""
PG_DOWN = """
DROP TRIGGER IF EXISTS audit_no_update ON core_auditevent;
DROP TRIGGER IF EXISTS audit_no_truncate ON core_auditevent;
DROP FUNCTION IF EXISTS partyorg_audit_append_only();
"""
SQLITE_UP = [
    "CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON core_auditevent "
    "BEGIN SELECT RAISE(ABORT, 'core_auditevent is append-only'); END;",
    "CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON core_auditevent "
    "BEGIN SELECT RAISE(ABORT, 'core_auditevent is append-only'); END;",
]
SQLITE_DOWN = ["DROP TRIGGER IF EXISTS audit_no_update;", "DROP TRIGGER IF EXISTS audit_no_delete;"]


def run_vendor_sql(connection, *, postgresql: str, sqlite: list[str]) -> None:
    """Run the PostgreSQL script or the SQLite statements (one per execute), by the connection's vendor;
    other vendors get nothing. Shared by every trigger set of the project (here, ``members.counts``)."""
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute(postgresql)
        elif connection.vendor == "sqlite":
            for sql in sqlite:
                cur.execute(sql)


def install(connection) -> None:
    run_vendor_sql(connection, postgresql=PG_UP, sqlite=SQLITE_UP)


def remove(connection) -> None:
    run_vendor_sql(connection, postgresql=PG_DOWN, sqlite=SQLITE_DOWN)


@contextmanager
def lifted_for_flush(connection):
    """Only ``manage.py flush`` (which empties every table) lifts the triggers, and puts them back."""
    remove(connection)
    try:
        yield
    finally:
        install(connection)
