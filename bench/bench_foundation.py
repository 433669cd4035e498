"""Foundation (registry) benchmark on the national synthetic data set (PostgreSQL).

    .venv/bin/python bench/bench_foundation.py --database-url postgres://postgres@127.0.0.1:5432/partyorg_bench

Creates the database when missing, migrates it, loads 5.5 million members / 53,000 organizations
with ``generate_national`` when it holds no members (``--generate always`` reloads it), then measures:

* the validated member import (``imports.services.import_file``, commit=True) of a CSV file, rows/s;
  the runs' rows are deleted again at the end and the tables vacuumed;
* the member list page of a province of about 160,000 members, through the Django test client;
* a diacritics-insensitive search in that province ("nguyen van an"), through the test client;
* member counts per child (``organizations.selectors.organization_children``) of the national root and
  of that province;
* the generation itself (timed now, or as recorded in the audit log when the data was loaded).

Prints a table and writes ``bench/results/foundation.json`` (small; committed).
"""
from __future__ import annotations

import argparse
import os
import random
import re
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import (  # noqa: E402 - the bench directory is put on the path first
    DEFAULT_DATABASE_URL,
    RESULTS,
    allow_test_client,
    database_info,
    ensure_postgres_database,
    machine_info,
    measure,
    print_table,
    setup_django,
    write_result,
)

BENCH_DATE = time.strftime("%Y-%m-%d", time.gmtime())  # UTC date of the run
IMPORT_PREFIX = "099"  # citizen IDs of the imported rows: no province has this code, the generator never uses it


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL))
    p.add_argument("--generate", choices=["auto", "always", "never"], default="auto",
                   help="auto: generate when the database has no members")
    p.add_argument("--members", type=int, default=5_500_000)
    p.add_argument("--orgs", type=int, default=53_000)
    p.add_argument("--seed", type=int, default=20261123)
    p.add_argument("--province-size", type=int, default=160_000, help="pick the province closest to this")
    p.add_argument("--import-rows", type=int, default=100_000)
    p.add_argument("--import-runs", type=int, default=3)
    p.add_argument("--page-runs", type=int, default=40)
    p.add_argument("--children-runs", type=int, default=7)
    p.add_argument("--jit", choices=["server", "off"], default="server",
                   help="server: as the server is configured; off: SET jit = off in the bench's session")
    p.add_argument("--skip-import", action="store_true")
    p.add_argument("--profile-import", action="store_true", help="print the cProfile hot spots of one import")
    p.add_argument("--output", type=Path, default=None)
    p.add_argument("--max-load", type=float, default=None,
                   help="shared machine: wait (up to --max-wait minutes) until the 1-minute load average is below this")
    p.add_argument("--max-wait", type=float, default=60)
    return p.parse_args()


# ---------------------------------------------------------------- data set

def generation_figures(args: argparse.Namespace) -> dict:
    from partyorg.core.models import AuditEvent
    from partyorg.members.models import Member

    if args.generate == "always" or (args.generate == "auto" and not Member.objects.exists()):
        from partyorg.core.synthetic import generate

        print(f"Generating {args.members:,} members / {args.orgs:,} organizations …", flush=True)
        t0 = time.perf_counter()
        report = generate(members=args.members, orgs=args.orgs, seed=args.seed, force=True,
                          log=lambda s: print("  " + s, flush=True))
        return {"measured_now": True, "wall_seconds": round(time.perf_counter() - t0, 1), **report.as_dict()}
    ev = AuditEvent.objects.filter(action="synthetic.generate").order_by("-id").first()
    if ev is None:
        return {"measured_now": False, "note": "data not loaded by generate_national"}
    after = {k: v for k, v in ev.after.items() if k != "tops"}
    return {"measured_now": False, "recorded_at": ev.at.isoformat(), "wall_seconds": after.get("total_seconds"),
            **after}


def pick_organizations(province_size: int):
    from partyorg.accounts.models import Role, RoleGrant, User
    from partyorg.organizations.models import Organization
    from partyorg.organizations.selectors import organization_children

    root = Organization.objects.filter(parent=None).order_by("path").first()
    operator, _ = User.objects.get_or_create(username="bench_operator", defaults={"full_name": "Bench operator"})
    RoleGrant.objects.get_or_create(user=operator, organization=root, role=Role.OPERATOR)
    rows = organization_children(actor=operator, parent=root)
    provinces = [r for r in rows if re.search(r"(^|-)P\d+$", r.org.code)]  # not the central blocs (B..)
    province = min(provinces, key=lambda r: abs(r.members - province_size))
    largest = max(provinces, key=lambda r: r.members)
    staff = {}
    for row in (province, largest):
        u, _ = User.objects.get_or_create(username=f"bench_staff_{row.org.code}",
                                          defaults={"full_name": f"Cán bộ Ban Tổ chức {row.org.short_name}"})
        RoleGrant.objects.get_or_create(user=u, organization=row.org, role=Role.STAFF)
        staff[row.org.pk] = u
    return root, operator, province, largest, staff


# ---------------------------------------------------------------- member import

def import_csv(cell_codes: list[str], n: int, run: int) -> bytes:
    from partyorg.core.demo import FAMILY, FAMILY_W, GIVEN_F, GIVEN_M, MIDDLE_F, MIDDLE_M
    from partyorg.imports.parsing import MEMBER_COLUMNS

    rng = random.Random(run)
    lines = [",".join(label for _f, label, _r in MEMBER_COLUMNS)]
    theory = ["", "Sơ cấp", "Trung cấp", "Cao cấp"]
    for i in range(n):
        male = rng.random() < 0.62
        fam = rng.choices(FAMILY, FAMILY_W)[0]
        name = f"{fam} {rng.choice(MIDDLE_M if male else MIDDLE_F)} {rng.choice(GIVEN_M if male else GIVEN_F)}"
        y, m, d = rng.randint(1960, 1995), rng.randint(1, 12), rng.randint(1, 28)
        official = f"{d:02d}/{m:02d}/{y + 26}" if rng.random() < 0.9 else ""
        card = f"9{run}{i:08d}" if official else ""
        lines.append(f"{name},{d:02d}/{m:02d}/{y},{'Nam' if male else 'Nữ'},Kinh,Không,Xã Tân Lập,"
                     f"{IMPORT_PREFIX}{run}{i:08d},{card},{d:02d}/{m:02d}/{y + 25},{official},"
                     f"{cell_codes[i % len(cell_codes)]},Đại học,{theory[i % 4]}")
    return ("\n".join(lines) + "\n").encode("utf-8")


def delete_imported() -> int:
    from django.db import connection

    with connection.cursor() as cur:
        ids = f"SELECT id FROM members_member WHERE citizen_id LIKE '{IMPORT_PREFIX}%'"
        cur.execute(f"DELETE FROM members_activityrecord WHERE member_id IN ({ids})")
        cur.execute(f"DELETE FROM members_memberstatuschange WHERE member_id IN ({ids})")
        cur.execute(f"DELETE FROM members_member WHERE citizen_id LIKE '{IMPORT_PREFIX}%'")
        return cur.rowcount


def bench_import(args: argparse.Namespace, province, staff) -> dict:
    from django.db import connection

    from partyorg.imports import services
    from partyorg.organizations.models import Organization

    codes = list(Organization.objects.filter(path__startswith=province.path, org_type__in=["cell"],
                                             dissolved_on=None).order_by("path").values_list("code", flat=True)[:300])
    if delete_imported():
        print("  (rows of an interrupted earlier run deleted)")
    phases: dict[str, list[float]] = {}

    def timed(name, fn):
        def wrapper(*a, **kw):
            t0 = time.perf_counter()
            try:
                return fn(*a, **kw)
            finally:
                phases.setdefault(name, []).append(time.perf_counter() - t0)
        return wrapper

    columns, validate, write = services.VALIDATORS[services.ImportKind.MEMBERS]
    recheck = services.RECHECKERS.get(services.ImportKind.MEMBERS)
    real_read = services.read_table
    services.VALIDATORS[services.ImportKind.MEMBERS] = (columns, timed("validate", validate), timed("write", write))
    if recheck is not None:
        services.RECHECKERS[services.ImportKind.MEMBERS] = timed("recheck", recheck)
    services.read_table = timed("parse", real_read)
    rates, seconds = [], []
    try:
        for run in range(1, args.import_runs + 1):
            content = import_csv(codes, args.import_rows, run)
            t0 = time.perf_counter()
            res = services.import_file(actor=staff, kind="members", filename=f"bench-{run}.csv", content=content,
                                       commit=True, today=date(2026, 11, 23))
            el = time.perf_counter() - t0
            if res.errors or res.created != args.import_rows:
                raise SystemExit(f"import failed: {res.errors[:5]}")
            phases.setdefault("total", []).append(el)
            seconds.append(round(el, 2))
            rates.append(round(args.import_rows / el))
            print(f"  import run {run}: {args.import_rows:,} rows in {el:.1f} s = {args.import_rows / el:,.0f} rows/s",
                  flush=True)
        if args.profile_import:
            import cProfile
            import pstats

            content = import_csv(codes, args.import_rows, 9)
            prof = cProfile.Profile()
            prof.runcall(services.import_file, actor=staff, kind="members", filename="p.csv", content=content,
                         commit=True, today=date(2026, 11, 23))
            pstats.Stats(prof).sort_stats("tottime").print_stats(15)
    finally:
        # The runs' rows are deleted only now: each run inserts into a table without dead rows (about 2 %
        # bigger than the previous run's), and the table is vacuumed once.
        delete_imported()
        services.VALIDATORS[services.ImportKind.MEMBERS] = (columns, validate, write)
        if recheck is not None:
            services.RECHECKERS[services.ImportKind.MEMBERS] = recheck
        services.read_table = real_read
    t0 = time.perf_counter()
    with connection.cursor() as cur:
        for table in ("members_member", "members_activityrecord", "members_memberstatuschange"):
            cur.execute(f"VACUUM (ANALYZE) {table}")
    print(f"  cleanup: imported rows deleted, tables vacuumed ({time.perf_counter() - t0:.0f} s)")
    med = sorted(rates)[len(rates) // 2]
    phase_median = {k: round(sorted(v)[len(v) // 2], 2) for k, v in phases.items() if k != "total"}
    phase_median["commit_and_rest"] = round(sorted(seconds)[len(seconds) // 2] - sum(phase_median.values()), 2)
    return {"rows": args.import_rows, "runs": args.import_runs, "seconds": seconds, "rows_per_s": rates,
            "median_rows_per_s": med, "phase_seconds_median": phase_median}


# ---------------------------------------------------------------- pages and selectors

def wait_for_quiet(args: argparse.Namespace) -> None:
    """On a shared machine: wait until the 1-minute load average drops below --max-load (bounded)."""
    if args.max_load is None:
        return
    deadline = time.time() + args.max_wait * 60
    while os.getloadavg()[0] >= args.max_load and time.time() < deadline:
        print(f"  waiting: load average {os.getloadavg()[0]:.1f} ≥ {args.max_load}", flush=True)
        time.sleep(20)


def explain(qs) -> str:
    return qs.explain(analyze=True, buffers=True)


def main() -> None:
    args = parse_args()
    if args.database_url.startswith("postgres") and ensure_postgres_database(args.database_url):
        print(f"Database created: {args.database_url}")
    setup_django(args.database_url)
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from partyorg.members import selectors as member_selectors
    from partyorg.members.models import Member
    from partyorg.organizations.models import Organization
    from partyorg.organizations.selectors import organization_children

    wait_for_quiet(args)
    started = time.strftime("%Y-%m-%dT%H:%M:%S%z")
    load_start = os.getloadavg()
    call_command("migrate", verbosity=0)
    gen = generation_figures(args)
    allow_test_client()
    if args.jit == "off":
        with connection.cursor() as cur:
            cur.execute("SET jit = off")
    n_members = Member.objects.count()
    n_orgs = Organization.objects.count()
    root, operator, province_row, largest_row, staff = pick_organizations(args.province_size)
    province, largest = province_row.org, largest_row.org
    print(f"Data: {n_members:,} members, {n_orgs:,} organizations. Province: {province.name} "
          f"({province_row.members:,} active members); largest: {largest.name} ({largest_row.members:,}).",
          flush=True)
    results = []
    samples = {}

    def record(key, label, target, stats, unit="ms", ok=None, note=""):
        results.append({"id": key, "label": label, "target": target, "unit": unit, **stats.as_dict(),
                        "meets_target": ok, "note": note})

    # Import through the validated path.
    imp = None
    if not args.skip_import:
        print(f"Import: {args.import_runs} × {args.import_rows:,} rows …", flush=True)
        imp = bench_import(args, province, staff[province.pk])

    # Pages through the test client.
    wait_for_quiet(args)
    load_pages = os.getloadavg()
    client = Client()
    pages = [
        ("list_province", f"Member list, {province.short_name} ({province_row.members:,})", "p95 < 100 ms", 100,
         staff[province.pk], {"org": province.pk}),
        ("search_province", f"Search 'nguyen van an', {province.short_name}", "p95 < 150 ms", 150,
         staff[province.pk], {"org": province.pk, "q": "nguyen van an"}),
        ("list_largest", f"Member list, {largest.short_name} ({largest_row.members:,})", "(info)", None,
         staff[largest.pk], {"org": largest.pk}),
        ("search_largest", f"Search 'nguyen van an', {largest.short_name}", "(info)", None,
         staff[largest.pk], {"org": largest.pk, "q": "nguyen van an"}),
    ]
    queries = {}
    for key, label, target, limit, user, params in pages:
        client.force_login(user)
        resp = client.get("/members/", params)
        assert resp.status_code == 200, resp.status_code
        with CaptureQueriesContext(connection) as ctx:
            t0 = time.perf_counter()
            client.get("/members/", params)
            wall = (time.perf_counter() - t0) * 1000
        sql_ms = sum(float(q["time"]) for q in ctx.captured_queries) * 1000
        queries[key] = {"queries": len(ctx.captured_queries), "sql_ms": round(sql_ms, 1), "wall_ms": round(wall, 1),
                        "slowest": sorted(((float(q["time"]) * 1000, q["sql"][:160]) for q in ctx.captured_queries),
                                          reverse=True)[:2]}

        def get(params=params):
            r = client.get("/members/", params)
            if r.status_code != 200:
                raise SystemExit(f"GET /members/ {params}: {r.status_code}")

        runs = args.page_runs if limit else max(10, args.page_runs // 2)
        stats, samples[key] = measure(get, runs=runs, warmup=3)
        record(key, label, target, stats, ok=(stats.p95_ms < limit) if limit else None,
               note=f"{queries[key]['queries']} SQL queries, {queries[key]['sql_ms']:.0f} of "
                    f"{queries[key]['wall_ms']:.0f} ms in SQL (one sampled request)")
        print(f"  {label}: median {stats.median_ms:.0f} ms, p95 {stats.p95_ms:.0f} ms", flush=True)

    # The same searches at the selector level (no template, no session), and the query plans.
    f_list = member_selectors.MemberFilter(org_id=province.pk)
    f_search = member_selectors.MemberFilter(org_id=province.pk, query="nguyen van an")
    u = staff[province.pk]
    qs_list = member_selectors.member_list(actor=u, filters=f_list)
    qs_search = member_selectors.member_list(actor=u, filters=f_search)
    found = member_selectors.member_search_results(qs_search).count()
    stats, _ = measure(lambda: member_selectors.member_search_results(
        member_selectors.member_list(actor=u, filters=f_search))[0:50], runs=args.page_runs // 2, warmup=2)
    record("search_selector", "  search: selector only (ids + page rows)", "(info)", stats, note=f"{found:,} matches")
    stats, _ = measure(lambda: (member_selectors.member_list(actor=u, filters=f_list).count(),
                                list(member_selectors.member_list(actor=u, filters=f_list)[:50])),
                       runs=args.page_runs // 2, warmup=2)
    record("list_selector", "  list: selector only (count + page rows)", "(info)", stats)
    plans = {"list_page": explain(qs_list[:50]),
             "search_ids": explain(qs_search.values_list("pk", flat=True)[:member_selectors.SEARCH_EXACT_UP_TO + 1]),
             "search_strategy": "subtree scan" if "||" in str(qs_search.query) else "trigram index"}
    print(f"  search strategy chosen for {province.short_name}: {plans['search_strategy']}; {found:,} matches")

    # Member counts per child.
    for key, label, parent in (("children_root", "Counts per child, national root", root),
                               ("children_province", f"Counts per child, {province.short_name}", province)):
        stats, samples[key] = measure(lambda parent=parent: organization_children(actor=operator, parent=parent),
                                      runs=args.children_runs, warmup=1)
        n_children = len(organization_children(actor=operator, parent=parent))
        record(key, label, "< 1 s", stats, ok=stats.p95_ms < 1000, note=f"{n_children} children")
        print(f"  {label}: median {stats.median_ms:.0f} ms, p95 {stats.p95_ms:.0f} ms", flush=True)
    with CaptureQueriesContext(connection) as ctx:
        organization_children(actor=operator, parent=root)
    plans["children_root_members_query"] = ctx.captured_queries[1]["sql"] if len(ctx.captured_queries) > 1 else ""

    # Table.
    rows = []
    if imp:
        ok = imp["median_rows_per_s"] >= 100_000
        rows.append([f"Import {imp['rows']:,} rows (validated path, commit)", "≥ 100,000 rows/s",
                     f"{imp['median_rows_per_s']:,} rows/s", f"{min(imp['rows_per_s']):,} (worst)", "", imp["runs"],
                     "yes" if ok else "NO"])
        results.insert(0, {"id": "import", "label": "Import (validated path)", "target": "≥ 100,000 rows/s",
                           "unit": "rows/s", "median": imp["median_rows_per_s"], "worst": min(imp["rows_per_s"]),
                           "runs": imp["runs"], "meets_target": ok})
    for r in results:
        if r["id"] == "import":
            continue
        verdict = "" if r["meets_target"] is None else ("yes" if r["meets_target"] else "NO")
        rows.append([r["label"], r["target"], f"{r['median_ms']:,.0f} ms", f"{r['p95_ms']:,.0f} ms",
                     f"{r['p99_ms']:,.0f} ms", r["runs"], verdict])
    if gen.get("wall_seconds") is not None:
        secs = float(gen["wall_seconds"])
        rows.append([f"Generation {gen.get('members', 0):,} members / {gen.get('organizations', 0):,} orgs",
                     "minutes", f"{secs / 60:.1f} min", "", "", 1, "yes" if secs < 900 else "NO"])
    print()
    table = print_table(["Measure", "Target", "Median", "p95", "p99", "Runs", "Met"], rows)
    payload = {
        "benchmark": "foundation", "date": BENCH_DATE, "started_at": started, "jit": args.jit,
        "machine": {**machine_info(), "load_average_start": [round(x, 2) for x in load_start],
                    "load_average_pages_start": [round(x, 2) for x in load_pages],
                    "load_average_end": [round(x, 2) for x in os.getloadavg()]},
        "database": database_info(), "data": {"members": n_members, "organizations": n_orgs,
                                              "province": {"id": province.pk, "name": province.name,
                                                           "active_members": province_row.members},
                                              "largest": {"id": largest.pk, "name": largest.name,
                                                          "active_members": largest_row.members}},
        "generation": gen, "import": imp, "results": results, "queries_per_page": queries, "table": table,
        "plans": plans, "samples_ms": samples,
    }
    out = args.output or RESULTS / ("foundation.json" if args.jit == "server" else "foundation-jit-off.json")
    write_result(out, payload)
    print(f"\nResults written to {out.relative_to(Path.cwd()) if out.is_relative_to(Path.cwd()) else out}")


if __name__ == "__main__":
    main()
