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


def install(connection) -> None:
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute(PG_UP)
        elif connection.vendor == "sqlite":
            for sql in SQLITE_UP:
                cur.execute(sql)


def remove(connection) -> None:
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute(PG_DOWN)
        elif connection.vendor == "sqlite":
            for sql in SQLITE_DOWN:
                cur.execute(sql)


@contextmanager
def lifted_for_flush(connection):
    """Only ``manage.py flush`` (which empties every table) lifts the triggers, and puts them back."""
    remove(connection)
    try:
        yield
    finally:
        install(connection)
