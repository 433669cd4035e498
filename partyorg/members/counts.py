"""Database triggers that keep ``CellStatusCount`` equal to ``members_member`` grouped by (cell, status).

PostgreSQL: statement-level triggers with transition tables, so a COPY or an UPDATE of 100,000 members
applies one grouped delta (rows locked in (cell, status) order). SQLite: row-level triggers.
``rebuild`` recomputes the table from the members; ``drift`` lists the cells where they differ.
"""
# ruff: noqa: S608 - every statement here is built from this module's constants, never from input
from __future__ import annotations

from typing import Any

from partyorg.core.triggers import run_vendor_sql

TABLE = "members_cellstatuscount"
UPSERT = (f"INSERT INTO {TABLE} (cell_id, status, n) {{select}} "
          f"ON CONFLICT (cell_id, status) DO UPDATE SET n = {TABLE}.n + EXCLUDED.n;")

PG_UP = f"""
CREATE OR REPLACE FUNCTION partyorg_cellcount_ins() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  {UPSERT.format(select="SELECT cell_id, status, count(*) FROM new_rows GROUP BY 1, 2 ORDER BY 1, 2")}
  RETURN NULL;
END $$;
CREATE OR REPLACE FUNCTION partyorg_cellcount_del() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  {UPSERT.format(select="SELECT cell_id, status, -count(*) FROM old_rows GROUP BY 1, 2 ORDER BY 1, 2")}
  RETURN NULL;
END $$;
CREATE OR REPLACE FUNCTION partyorg_cellcount_upd() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  {UPSERT.format(select="SELECT cell_id, status, sum(d) FROM (SELECT cell_id, status, 1 AS d FROM new_rows "
                        "UNION ALL SELECT cell_id, status, -1 FROM old_rows) x GROUP BY 1, 2 HAVING sum(d) <> 0 "
                        "ORDER BY 1, 2")}
  RETURN NULL;
END $$;
CREATE OR REPLACE FUNCTION partyorg_cellcount_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN DELETE FROM {TABLE}; RETURN NULL; END $$;
DROP TRIGGER IF EXISTS member_cellcount_ins ON members_member;
DROP TRIGGER IF EXISTS member_cellcount_del ON members_member;
DROP TRIGGER IF EXISTS member_cellcount_upd ON members_member;
DROP TRIGGER IF EXISTS member_cellcount_truncate ON members_member;
CREATE TRIGGER member_cellcount_ins AFTER INSERT ON members_member REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION partyorg_cellcount_ins();
CREATE TRIGGER member_cellcount_del AFTER DELETE ON members_member REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION partyorg_cellcount_del();
CREATE TRIGGER member_cellcount_upd AFTER UPDATE ON members_member
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION partyorg_cellcount_upd();
CREATE TRIGGER member_cellcount_truncate AFTER TRUNCATE ON members_member
  FOR EACH STATEMENT EXECUTE FUNCTION partyorg_cellcount_truncate();
"""
PG_DOWN = """
DROP TRIGGER IF EXISTS member_cellcount_ins ON members_member;
DROP TRIGGER IF EXISTS member_cellcount_del ON members_member;
DROP TRIGGER IF EXISTS member_cellcount_upd ON members_member;
DROP TRIGGER IF EXISTS member_cellcount_truncate ON members_member;
DROP FUNCTION IF EXISTS partyorg_cellcount_ins();
DROP FUNCTION IF EXISTS partyorg_cellcount_del();
DROP FUNCTION IF EXISTS partyorg_cellcount_upd();
DROP FUNCTION IF EXISTS partyorg_cellcount_truncate();
"""
_ADD = (f"INSERT INTO {TABLE} (cell_id, status, n) VALUES (NEW.cell_id, NEW.status, 1) "
        f"ON CONFLICT (cell_id, status) DO UPDATE SET n = n + 1;")
_SUB = f"UPDATE {TABLE} SET n = n - 1 WHERE cell_id = OLD.cell_id AND status = OLD.status;"
SQLITE_UP = [
    f"CREATE TRIGGER IF NOT EXISTS member_cellcount_ins AFTER INSERT ON members_member BEGIN {_ADD} END;",
    f"CREATE TRIGGER IF NOT EXISTS member_cellcount_del AFTER DELETE ON members_member BEGIN {_SUB} END;",
    "CREATE TRIGGER IF NOT EXISTS member_cellcount_upd AFTER UPDATE OF cell_id, status ON members_member "
    f"WHEN OLD.cell_id IS NOT NEW.cell_id OR OLD.status IS NOT NEW.status BEGIN {_SUB} {_ADD} END;",
]
SQLITE_DOWN = ["DROP TRIGGER IF EXISTS member_cellcount_ins;", "DROP TRIGGER IF EXISTS member_cellcount_del;",
               "DROP TRIGGER IF EXISTS member_cellcount_upd;"]


def install(connection: Any) -> None:
    run_vendor_sql(connection, postgresql=PG_UP, sqlite=SQLITE_UP)


def remove(connection: Any) -> None:
    run_vendor_sql(connection, postgresql=PG_DOWN, sqlite=SQLITE_DOWN)


def rebuild(connection: Any) -> None:
    """Recompute every count from the members (after a repair, or a load made with triggers off)."""
    with connection.cursor() as cur:
        cur.execute(f"DELETE FROM {TABLE}")
        cur.execute(f"INSERT INTO {TABLE} (cell_id, status, n) "
                    "SELECT cell_id, status, count(*) FROM members_member GROUP BY cell_id, status")


def drift(connection: Any) -> list[tuple[int, str, int, int]]:
    """(cell, status, counted, actual) wherever the table and the members disagree; [] when in step."""
    with connection.cursor() as cur:
        cur.execute(f"""
            SELECT COALESCE(c.cell_id, m.cell_id), COALESCE(c.status, m.status), COALESCE(c.n, 0), COALESCE(m.n, 0)
            FROM (SELECT cell_id, status, n FROM {TABLE} WHERE n <> 0) c
            FULL OUTER JOIN (SELECT cell_id, status, count(*) AS n FROM members_member GROUP BY cell_id, status) m
              ON c.cell_id = m.cell_id AND c.status = m.status
            WHERE COALESCE(c.n, 0) <> COALESCE(m.n, 0)""")
        return [tuple(r) for r in cur.fetchall()]
