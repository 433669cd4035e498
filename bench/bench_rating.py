"""Annual rating benchmark on the national synthetic data set (PostgreSQL).

    .venv/bin/python bench/bench_rating.py --database-url postgres://postgres@127.0.0.1:5432/partyorg_bench_rating

Uses a database of its own (default ``partyorg_bench_rating``): creates it when missing, migrates it and
loads 5.5 million members / 53,000 organizations with ``generate_national`` when it holds no members.
Then, once, it opens a national 2025 cycle at the root: collectives from the tree (as the services do:
``services.collective_bodies``, deciders of AR-58) and every active member, the exclusions of AR-4/AR-5
on the meeting date, and synthetic self-assessment facts written with INSERT ... SELECT (deterministic
from the ids), every reviewed subject "appraised", plus about 0.3% of members with a disciplinary
decision of 2025. Measured:

* classification and quota of the whole nation (``appraisal.batch.classify_period``): the workers read
  their peer groups with COPY, classify with the domain (AR-28), apply the quota to every peer group
  (AR-33..AR-36) and stage the changed results with COPY; one UPDATE writes them back. Without the
  write-back; with it, every result changed (the stored results are cleared first, and the table vacuumed,
  neither timed); and run again on unchanged facts (nothing to write). Median of ``--runs`` each;
* the statistics roll-up: the per-unit tallies rebuilt for the whole tree (``services.tally_refresh``);
* the statistics of one organization (``selectors.rating_stats``): the root (5.5M subjects), the largest
  province, a grassroots committee and a cell, median / p95 of ``--stats-runs``;
* one peer group decided through the service (``services.ratings_decide``: scope, prerequisites, quota
  under lock, versions, audit), the non-leader members of a random grassroots committee (a few hundred at
  national scale), median of ``--decide-groups`` groups; the decisions are undone afterwards.

Prints a table and writes ``bench/results/rating.json`` (``--output``). ``--setup-only`` loads the data
set and the cycle and stops.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import (  # noqa: E402 - the bench directory is put on the path first
    RESULTS,
    database_info,
    ensure_postgres_database,
    machine_info,
    measure,
    print_table,
    setup_django,
    write_result,
)

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/partyorg_bench_rating"
PERIOD = "2025"
MEETING = date(2025, 12, 10)


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--database-url", default=os.environ.get("BENCH_RATING_DATABASE_URL", DEFAULT_URL))
    p.add_argument("--members", type=int, default=5_500_000)
    p.add_argument("--orgs", type=int, default=53_000)
    p.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--stats-runs", type=int, default=20)
    p.add_argument("--decide-groups", type=int, default=5)
    p.add_argument("--reload-ratings", action="store_true", help="delete the bench cycle and generate it again")
    p.add_argument("--setup-only", action="store_true", help="load the data set and the cycle, measure nothing")
    p.add_argument("--output", default=str(RESULTS / "rating.json"), help="result file (JSON)")
    return p.parse_args()


def dsn_of(url: str) -> str:
    from urllib.parse import urlparse

    u = urlparse(url)
    parts = {"dbname": u.path.lstrip("/"), "user": u.username, "password": u.password, "host": u.hostname,
             "port": u.port}
    return " ".join(f"{k}={v}" for k, v in parts.items() if v)


# ---------------------------------------------------------------------------------------------------
# Set-up


def ensure_registry(args) -> None:
    from django.core.management import call_command

    from partyorg.members.models import Member

    call_command("migrate", verbosity=0)
    if not Member.objects.exists():
        print(f"Generating the national data set ({args.members:,} members, {args.orgs:,} organizations)…")
        call_command("generate_national", members=args.members, orgs=args.orgs)


# deterministic pseudo-random numbers in SQL: h(id, salt) in 0..999
def H(col: str, salt: int) -> str:  # noqa: N802
    return f"(mod({col}::bigint * 2654435761 + {salt * 7919}, 1000003) % 1000)"


def facts_sql(col: str) -> dict[str, str]:
    """Synthetic self-assessment facts as SQL expressions of the row id: scores concentrated in 70-95, most
    tasks done on time, some gaps, about 1.5% below 50 points and 1% with more than half the tasks undone."""
    band = H(col, 1)
    score = (f"(CASE WHEN {band} < 15 THEN 400 + {H(col, 2)} % 100 "
             f"WHEN {band} < 65 THEN 500 + {H(col, 2)} % 200 "
             f"WHEN {band} < 665 THEN 700 + {H(col, 2)} % 200 "
             f"ELSE 900 + {H(col, 2)} % 101 END)")
    total = f"(5 + {H(col, 3)} % 16)"
    done = (f"(CASE WHEN {H(col, 4)} < 10 THEN {total} / 3 WHEN {H(col, 4)} < 90 THEN {total} - 1 "
            f"ELSE {total} END)")
    on_time = f"(CASE WHEN {H(col, 5)} < 800 THEN {done} ELSE GREATEST({done} - 1 - {H(col, 5)} % 2, 0) END)"
    exceeded = f"LEAST(({total} * ({H(col, 6)} % 50)) / 100, {done})"
    found = f"({H(col, 7)} % 3)"
    remedied = f"(CASE WHEN {H(col, 8)} < 100 THEN GREATEST({found} - 1, 0) ELSE {found} END)"
    return {"score_total_x10": score, "tasks_total": total, "tasks_done": done, "tasks_on_time": on_time,
            "tasks_exceeded": exceeded, "shortcomings_found": found, "shortcomings_remedied": remedied}


def _column_defaults() -> dict[str, str]:
    """SQL literal of the Python default of every NOT NULL column of appraisal_rating."""
    from django.db.models import NOT_PROVIDED, BooleanField, DateTimeField, JSONField

    from partyorg.appraisal.models import Rating

    out = {}
    for f in Rating._meta.concrete_fields:
        if f.primary_key:
            continue
        if isinstance(f, DateTimeField) and (f.auto_now or f.auto_now_add):
            out[f.column] = "now()"
        elif f.null:
            out[f.column] = "NULL"
        elif isinstance(f, JSONField):
            default = f.default() if callable(f.default) else f.default
            out[f.column] = "'[]'::jsonb" if default == [] else "'{}'::jsonb"
        elif isinstance(f, BooleanField):
            out[f.column] = "false"
        elif f.default is not NOT_PROVIDED:
            value = f.default() if callable(f.default) else f.default
            out[f.column] = str(value) if isinstance(value, int) else f"'{value}'"
        else:
            out[f.column] = "NULL"  # supplied by every insert below
    return out


def open_national_cycle(operator) -> dict[str, float]:
    """The national 2025 cycle, generated in bulk the way ``services.cycle_open`` generates a subtree."""
    from django.db import connection, transaction

    from partyorg.appraisal import services
    from partyorg.appraisal.models import RatingCycle
    from partyorg.domain.rating import RuleSet, ruleset_for_period
    from partyorg.domain.rating.common import PeriodKind
    from partyorg.organizations.models import Organization, OrgType

    seconds: dict[str, float] = {}
    t0 = time.perf_counter()
    root = Organization.objects.get(depth=1)
    choice = ruleset_for_period(PeriodKind.ANNUAL, int(PERIOD))
    assert choice.rule_set is RuleSet.QD366
    defaults = _column_defaults()
    with transaction.atomic():
        cycle = RatingCycle.objects.create(
            organization=root, org_path=root.path, year=int(PERIOD), period_label=PERIOD, rule_set=choice.rule_set.value,
            rule_set_trace={"rules": list(choice.rules)}, meeting_on=MEETING, deadline_rating=date(2025, 12, 31),
            deadline_form04=date(2026, 2, 1), opened_by_id=operator.pk)
        templates = {t: services.template_for(root.path, t).pk for t in
                     ("collective", "leader", "leader_central", "non_leader")}
        orgs = list(Organization.objects.filter(dissolved_on__isnull=True).only(
            "id", "path", "org_type", "parent_id", "name", "depth"))
        tree = services._Tree(orgs)
        with connection.cursor() as cur:
            cur.execute("SELECT cell_id, count(*) FROM members_member WHERE status = 'official' GROUP BY cell_id")
            full = dict(cur.fetchall())
        # collectives (AR-3, AR-8) with their deciders (AR-58), staged with COPY
        cols = ["cycle_id", "period_label", "rule_set", "subject_key", "unit_id", "body", "name", "sort_key",
                "org_path", "subject_type", "collective_kind", "role_class", "decider_id", "decider_path",
                "peer_group", "template_id"]
        cells: list[tuple[int, int, str]] = []
        with connection.cursor() as cur:
            cur.execute("CREATE TEMP TABLE bench_collective (" + ", ".join(
                f"{c} {'bigint' if c.endswith('_id') else 'text'}" for c in cols) + ") ON COMMIT DROP")
            with cur.connection.cursor().copy(f"COPY bench_collective ({', '.join(cols)}) FROM STDIN") as copy:
                for o in orgs:
                    if o.org_type in (OrgType.CELL, OrgType.GRASSROOTS_CELL):
                        g = tree.grassroots_of(o)
                        cells.append((o.pk, g.pk, g.path))
                    for body, kind in services.collective_bodies(o, full.get(o.pk, 0)):
                        d = tree.decider_of_collective(o)
                        rc = f"{body}:{kind.value}"
                        copy.write_row((cycle.pk, PERIOD, cycle.rule_set, f"o:{o.pk}:{body}", o.pk, body,
                                        services._body_label(body, o)[:300], f"0{o.path}{body}", o.path, "collective",
                                        kind.value, rc, d.pk, d.path, f"{d.pk}|collective|{rc}", templates["collective"]))
            cur.execute("CREATE TEMP TABLE bench_cell (cell_id bigint PRIMARY KEY, decider_id bigint, decider_path text)"
                        " ON COMMIT DROP")
            with cur.connection.cursor().copy("COPY bench_cell FROM STDIN") as copy:
                for row in cells:
                    copy.write_row(row)
            cur.execute("CREATE TEMP TABLE bench_leader ON COMMIT DROP AS SELECT DISTINCT member_id FROM "
                        "members_position WHERE end_on IS NULL AND title IN "
                        "('bi_thu','pho_bi_thu','uv_btv','truong_ban_to_chuc','pho_ban_to_chuc','chu_nhiem_ubkt',"
                        "'chu_tich_ubnd','chu_tich_hdnd')")
            cur.execute("ANALYZE bench_cell; ANALYZE bench_leader")
            seconds["prepare"] = round(time.perf_counter() - t0, 2)
            t1 = time.perf_counter()
            f = facts_sql("c.unit_id")
            fact_cols = list(f)
            insert_cols = [*cols, "state", *fact_cols]
            rest = [c for c in defaults if c not in insert_cols]
            cur.execute(
                f"INSERT INTO appraisal_rating ({', '.join(insert_cols + rest)}) "  # noqa: S608 - constants
                f"SELECT {', '.join(['c.' + c for c in cols])}, 'appraised', "
                f"{', '.join(f[c] for c in fact_cols)}, {', '.join(defaults[c] for c in rest)} FROM bench_collective c")
            collectives = cur.rowcount
            m = facts_sql("m.id")
            excluded = ("CASE WHEN m.status = 'exempted' THEN 'exempt' WHEN m.status = 'suspended' THEN 'suspended' "
                        f"WHEN m.admitted_on + interval '6 months' > DATE '{MEETING.isoformat()}' "
                        "THEN 'admitted_under_6_months' ELSE '' END")
            stype = "CASE WHEN l.member_id IS NULL THEN 'non_leader' ELSE 'leader' END"
            rclass = "CASE WHEN l.member_id IS NULL THEN 'member' ELSE 'leader' END"
            values = {
                "cycle_id": str(cycle.pk), "period_label": f"'{PERIOD}'", "rule_set": f"'{cycle.rule_set}'",
                "subject_key": "'m:' || m.id", "member_id": "m.id", "unit_id": "m.cell_id", "body": "''",
                "name": "m.full_name", "sort_key": "'1' || m.org_path || m.sort_key", "org_path": "m.org_path",
                "subject_type": stype, "collective_kind": "''", "role_class": rclass, "decider_id": "b.decider_id",
                "decider_path": "b.decider_path",
                "peer_group": f"b.decider_id || '|' || ({stype}) || '|' || ({rclass})",
                "excluded": excluded,
                "state": f"CASE WHEN ({excluded}) = '' THEN 'appraised' ELSE 'draft' END",
                "template_id": f"CASE WHEN l.member_id IS NULL THEN {templates['non_leader']} "
                               f"ELSE {templates['leader']} END",
                **m,
            }
            rest = [c for c in defaults if c not in values]
            cur.execute(
                f"INSERT INTO appraisal_rating ({', '.join(list(values) + rest)}) "  # noqa: S608 - constants
                f"SELECT {', '.join(values.values())}, {', '.join(defaults[c] for c in rest)} "
                "FROM members_member m JOIN bench_cell b ON b.cell_id = m.cell_id "
                "LEFT JOIN bench_leader l ON l.member_id = m.id "
                "WHERE m.status IN ('probationary', 'official', 'exempted', 'suspended')")
            members = cur.rowcount
            seconds["insert_ratings"] = round(time.perf_counter() - t1, 2)
            # about 0.3% of members disciplined in 2025 (AR-49), some at the unit where the act took place
            cur.execute(f"""
                INSERT INTO appraisal_disciplinerecord (member_id, organization_id, org_path, form, decision_number,
                    authority, decision_date, act_date, unit_at_act_id, duty_related, related_to_functions,
                    self_detected_remedied, effect_end, counted_year, note, created_at, created_by_id)
                SELECT m.id, NULL, m.org_path, CASE WHEN {H('m.id', 11)} < 700 THEN 'reprimand' ELSE 'warning' END,
                       'BENCH-' || m.id || '-QĐ/UBKT', 'Ủy ban Kiểm tra', DATE '2025-01-01' + ({H('m.id', 12)} % 300)::int,
                       NULL, m.cell_id, true, true, {H('m.id', 13)} < 150, NULL, 2025, '', now(), NULL
                FROM members_member m WHERE {H('m.id', 10)} < 3 AND m.status = 'official'""")
            disciplines = cur.rowcount
        cycle.generation = {"subjects": collectives + members, "collectives": collectives, "individuals": members,
                            "bench": True}
        cycle.save(update_fields=["generation"])
    with connection.cursor() as cur:
        cur.execute("ANALYZE appraisal_rating; ANALYZE appraisal_disciplinerecord")
    seconds["total"] = round(time.perf_counter() - t0, 2)
    print(f"National cycle: {collectives:,} collectives, {members:,} members, {disciplines:,} disciplinary "
          f"decisions ({seconds})")
    return seconds


def vacuum(table: str) -> None:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(f"VACUUM (ANALYZE) {table}")


# ---------------------------------------------------------------------------------------------------
# Measurements


def main() -> None:
    args = parse_args()
    created = ensure_postgres_database(args.database_url)
    setup_django(args.database_url)
    from django.db import connection

    from partyorg.accounts.models import Role, RoleGrant, User
    from partyorg.appraisal import batch, selectors, services
    from partyorg.appraisal.models import Rating, RatingCycle, RatingDecision, RatingVersion, State
    from partyorg.organizations.models import Organization, OrgType

    connection.ensure_connection()
    machine = machine_info()
    ensure_registry(args)
    root = Organization.objects.get(depth=1)
    operator, _ = User.objects.get_or_create(username="bench_rating_operator")
    RoleGrant.objects.get_or_create(user=operator, organization=root, role=Role.OPERATOR)
    setup: dict[str, float] = {}
    if args.reload_ratings:
        with connection.cursor() as cur:
            cur.execute("TRUNCATE appraisal_ratingversion, appraisal_ratingdecision, appraisal_reratingdecision, "
                        "appraisal_rating, appraisal_ratingtally, appraisal_ratingcycle, "
                        "appraisal_disciplinerecord, appraisal_quotaexception CASCADE")
    if not RatingCycle.objects.filter(period_label=PERIOD).exists():
        setup = open_national_cycle(operator)
    vacuum("appraisal_rating")
    if args.setup_only:
        print(f"Set up: {Rating.objects.filter(period_label=PERIOD).count():,} ratings ({setup})")
        return
    n_rows = Rating.objects.filter(period_label=PERIOD).count()
    appraised = Rating.objects.filter(period_label=PERIOD, state=State.APPRAISED).count()
    groups = Rating.objects.filter(period_label=PERIOD).values("peer_group").distinct().count()
    print(f"{n_rows:,} ratings, {appraised:,} appraised, {groups:,} peer groups")
    dsn = dsn_of(args.database_url)
    results: dict[str, dict] = {}
    rows = []

    # 1. classification and quota of the whole nation
    compute, reports = [], []
    for _ in range(args.runs):
        t0 = time.perf_counter()
        rep = batch.classify_period(dsn=dsn, period_label=PERIOD, workers=args.workers, write=False)
        compute.append((time.perf_counter() - t0) * 1000)
        reports.append(rep)
    full = []
    for _ in range(args.runs):
        # every proposal is written again: clear them first (not timed), then vacuum
        with connection.cursor() as cur:
            cur.execute("UPDATE appraisal_rating SET class_status = '', proposed = '', band = '', flags = '[]' "
                        "WHERE period_label = %s AND state = 'appraised'", [PERIOD])
        vacuum("appraisal_rating")
        t0 = time.perf_counter()
        rep = batch.classify_period(dsn=dsn, period_label=PERIOD, workers=args.workers, write=True)
        full.append((time.perf_counter() - t0) * 1000)
        reports.append(rep)
        vacuum("appraisal_rating")
    # a second classification of the same facts: every result is unchanged, nothing is staged or written
    rerun, rerun_reports = [], []
    for _ in range(args.runs):
        t0 = time.perf_counter()
        rep = batch.classify_period(dsn=dsn, period_label=PERIOD, workers=args.workers, write=True)
        rerun.append((time.perf_counter() - t0) * 1000)
        rerun_reports.append(rep)
    from common import summarise

    s_compute, s_full, s_rerun = summarise(compute), summarise(full), summarise(rerun)
    last = reports[-1]
    results["classify_quota_compute"] = {**s_compute.as_dict(), "rows": last.rows, "workers": args.workers,
                                         "distinct_facts": last.distinct_facts, "groups": last.groups,
                                         "candidates": last.candidates, "admitted": last.admitted,
                                         "moved": last.moved, "ties": last.undecided_ties,
                                         "statuses": last.statuses, "stage_seconds": reports[0].seconds}
    results["classify_quota_with_write"] = {**s_full.as_dict(), "stage_seconds": last.seconds,
                                            "rows_updated": last.updated}
    rows.append(["classification + quota, nation (no write)", f"{last.rows:,}", s_compute.median_ms,
                 s_compute.p95_ms])
    rows.append(["classification + quota + write-back, nation", f"{last.rows:,}", s_full.median_ms, s_full.p95_ms])
    again = rerun_reports[-1]
    results["classify_quota_rerun_unchanged"] = {**s_rerun.as_dict(), "stage_seconds": again.seconds,
                                                 "rows_written": again.written, "rows_updated": again.updated}
    rows.append(["classification + quota + write-back, nation, run again (nothing changes)", f"{again.rows:,}",
                 s_rerun.median_ms, s_rerun.p95_ms])

    # 2. statistics roll-up of the whole tree
    from django.db import transaction

    def rebuild():
        with transaction.atomic():
            services.tally_refresh(PERIOD, None)

    s_roll, _ = measure(rebuild, runs=args.runs, warmup=1)
    vacuum("appraisal_ratingtally")
    tallies = connection.cursor()
    tallies.execute("SELECT count(*) FROM appraisal_ratingtally WHERE period_label = %s", [PERIOD])
    n_tallies = tallies.fetchone()[0]
    results["tally_rebuild_nation"] = {**s_roll.as_dict(), "tally_rows": n_tallies}
    rows.append(["statistics roll-up, whole tree (tallies rebuilt)", f"{n_tallies:,} tallies", s_roll.median_ms,
                 s_roll.p95_ms])

    # 3. statistics of one organization
    def largest(sql: str) -> Organization:
        with connection.cursor() as cur:
            cur.execute(sql, [PERIOD])
            return Organization.objects.get(pk=cur.fetchone()[0])

    province = largest("""SELECT o.id FROM organizations_organization o JOIN (
                            SELECT substr(org_path, 1, 10) AS p, count(*) AS n FROM appraisal_rating
                            WHERE period_label = %s GROUP BY 1) r ON r.p = o.path ORDER BY r.n DESC LIMIT 1""")
    committee = largest("""SELECT decider_id FROM appraisal_rating WHERE period_label = %s AND member_id IS NOT NULL
                           GROUP BY decider_id ORDER BY count(*) DESC LIMIT 1""")
    cell = largest("""SELECT unit_id FROM appraisal_rating WHERE period_label = %s
                      GROUP BY unit_id ORDER BY count(*) DESC LIMIT 1""")
    targets = [("root", root), ("largest province", province), ("largest grassroots committee", committee),
               ("largest cell", cell)]
    for label, org in targets:
        view = selectors.rating_stats(actor=operator, org_id=org.pk, period_label=PERIOD)
        s_stats, _ = measure(lambda org=org: selectors.rating_stats(actor=operator, org_id=org.pk,
                                                                     period_label=PERIOD),
                             runs=args.stats_runs, warmup=2)
        results[f"stats_{label.replace(' ', '_')}"] = {**s_stats.as_dict(), "org": org.name,
                                                       "subjects": view.total.eligible, "groups": view.groups_total}
        rows.append([f"statistics of {label} ({org.name})", f"{view.total.eligible:,}", s_stats.median_ms,
                     s_stats.p95_ms])

    # 4. one peer group decided through the service
    grassroots = list(Organization.objects.filter(org_type=OrgType.GRASSROOTS_COMMITTEE).order_by("?")[:50])
    samples, sizes = [], []
    for g in grassroots:
        if len(samples) >= args.decide_groups:
            break
        cal = selectors.calibration(actor=operator, decider_id=g.pk, period_label=PERIOD)
        group = next((x for x in cal.groups if x.key.endswith("|non_leader|member") and x.pending >= 30), None)
        if group is None:
            continue
        items = [services.DecidedItem(row.r.pk, row.suggested or "completed", "" if row.suggested else "Bench")
                 for row in group.rows if row.r.state == State.APPRAISED and row.r.class_status != "mitigation_pending"]
        t0 = time.perf_counter()
        try:
            services.ratings_decide(actor=operator, decider_id=g.pk, period_label=PERIOD,
                                    decision=services.DecisionInput(f"{len(samples) + 1}-QĐ/ĐU", date(2025, 12, 20),
                                                                    "Hà Nội", "Nguyễn Văn A", "Bí thư"),
                                    items=items)
        except Exception as exc:  # noqa: BLE001 - report and try the next group
            print(f"  group of {g.name} not decided: {exc}")
            continue
        samples.append((time.perf_counter() - t0) * 1000)
        sizes.append(len(items))
    if samples:
        s_dec = summarise(samples)
        results["decide_peer_group"] = {**s_dec.as_dict(), "subjects": sizes}
        rows.append([f"decide one peer group through the service ({min(sizes)}-{max(sizes)} subjects)",
                     f"{len(samples)} groups", s_dec.median_ms, s_dec.p95_ms])
    # leave the data as generated: undo the decisions of step 4
    with transaction.atomic():
        ids = list(RatingVersion.objects.filter(rating__period_label=PERIOD).values_list("rating_id", flat=True))
        RatingVersion.objects.filter(rating_id__in=ids).delete()
        RatingDecision.objects.filter(period_label=PERIOD).delete()
        Rating.objects.filter(pk__in=ids).update(state=State.APPRAISED, level="", current_version=0,
                                                  quota_cut=False, overridden=False)
        services.tally_refresh(PERIOD, None)

    print()
    table = print_table(["measurement", "rows", "median ms", "p95 ms"], rows)
    machine["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
    payload = {"date": time.strftime("%Y-%m-%d"), "machine": machine, "database": database_info(),
               "database_created": created, "setup_seconds": setup, "ratings": n_rows, "appraised": appraised,
               "peer_groups": groups, "results": results, "table": table}
    path = write_result(Path(args.output), payload)
    print(f"\nWritten {path}")


if __name__ == "__main__":
    main()
