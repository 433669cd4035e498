"""Benchmark of the confidence votes on PostgreSQL: electronic casting throughput and the count.

    .venv/bin/python bench/bench_confidence.py [--database-url postgres://postgres@127.0.0.1:5432/partyorg_bench_confidence]
        [--voters 6000] [--workers 4] [--seconds 60] [--tally-runs 7]

The script uses a database of its own (created when missing; its name must contain "bench"), migrates
it and builds, through the services, one commune committee conference with 30 rated persons and
``--voters`` convened members with accounts, all present, and starts the vote (OPENED -> VOTING).

Measured:

1. **Electronic casting** (``ballots.services.ballot_cast``, the service behind the voter's page: shared
   lock on the box, conditional update of the participation row, the ballot paper, the chained audit
   entry, one transaction): ``--workers`` processes, each casting for its own slice of voters as fast as
   it can, bounded by the number of voters and by ``--seconds``. Sustained throughput = ballots / wall
   time between the start barrier and the last commit; latency per cast (median, p95, p99).
   A second pass has every worker try to cast again for voters who already voted (all refused).
2. **The count** (``conference_count``): closing the box (papers rewritten in random order, hash),
   reading the papers and the domain tally, the result rows and the consequence cases, one transaction.
3. **Tally of 2,000 ballots x 30 rated persons** with the domain function (``tally_papers`` ->
   ``domain.confidence.tally_ballots``): synthetic payloads with every kind of row (H/M/L, blank,
   several marks, name struck out, whole-ballot flags), ``--tally-runs`` runs; and the same tally read
   from a closed box of 2,000 papers in the database (``ballot_papers`` + tally).

Results go to ``bench/results/confidence.json``; the figures are recorded in docs/performance.md.
"""
from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import random
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import (  # noqa: E402 - the bench directory is put on the path first
    RESULTS,
    database_info,
    ensure_postgres_database,
    machine_info,
    print_table,
    setup_django,
    summarise,
    write_result,
)

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/partyorg_bench_confidence"
SUBJECTS = 30
VOTE_DATE = date(2026, 11, 20)


# ---------------------------------------------------------------- set-up

def _reset_database(url: str) -> None:
    """Drop and recreate the bench database (its name must say it is a bench database)."""
    from urllib.parse import urlparse, urlunparse

    import psycopg

    parts = urlparse(url)
    name = parts.path.lstrip("/")
    if "bench" not in name:
        raise SystemExit(f"refusing to reset {name!r}: the database name must contain 'bench'")
    admin = urlunparse(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> "
                     "pg_backend_pid()", [name])
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


def build(voters: int) -> dict[str, Any]:
    """One commune committee with ``voters`` members (accounts) and a conference in VOTING."""
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command

    from partyorg.accounts.models import Role, RoleGrant, User
    from partyorg.confidence import services
    from partyorg.domain.names import collation_key
    from partyorg.domain.tree import encode_segment
    from partyorg.members.models import Member
    from partyorg.organizations.models import Organization, OrganizationVersion, OrgType
    from partyorg.organizations.services import organization_create

    call_command("migrate", verbosity=0)
    op = User.objects.create(username="bench_operator", password=make_password(None))
    root = Organization.objects.create(name="Trung ương (bench)", code="TW", org_type=OrgType.CENTRAL,
                                       path=encode_segment(1), depth=1, sort_key=collation_key("Trung ương"))
    OrganizationVersion.objects.create(organization=root, name=root.name, org_type=root.org_type)
    RoleGrant.objects.create(user=op, organization=root, role=Role.OPERATOR)
    province = organization_create(actor=op, parent_id=root.pk, name="Đảng bộ tỉnh Đo Lường", code="P",
                                   org_type=OrgType.PROVINCIAL)
    commune = organization_create(actor=op, parent_id=province.pk, name="Đảng bộ xã Đo Lường", code="C",
                                  org_type=OrgType.GRASSROOTS_COMMITTEE)
    cells = [organization_create(actor=op, parent_id=commune.pk, name=f"Chi bộ {i}", code=f"C-{i}",
                                 org_type=OrgType.CELL) for i in range(1, 11)]
    staff = User.objects.create(username="bench_staff", password=make_password(None))
    RoleGrant.objects.create(user=staff, organization=commune, role=Role.STAFF)
    clerk = User.objects.create(username="bench_clerk", password=make_password(None))
    RoleGrant.objects.create(user=clerk, organization=commune, role=Role.STAFF)
    n = voters + SUBJECTS + 2
    members = []
    for i in range(n):
        cell = cells[i % len(cells)]
        name = f"Nguyễn Văn Đo {i:05d}"
        members.append(Member(full_name=name, sort_key=collation_key(name), search_text=name.lower(),
                              date_of_birth=date(1970 + i % 30, 1 + i % 12, 1 + i % 27), gender="M",
                              citizen_id=f"{900000000000 + i:012d}", admitted_on=date(2000, 1, 1),
                              official_on=date(2001, 1, 1), status="official", cell=cell, org_path=cell.path))
    Member.objects.bulk_create(members, batch_size=2000)
    members = list(Member.objects.order_by("id"))
    rated, committee, voters_m = members[:SUBJECTS], members[SUBJECTS:SUBJECTS + 2], members[SUBJECTS + 2:]
    unusable = make_password(None)
    User.objects.bulk_create([User(username=f"bench_voter_{m.pk}", password=unusable, member=m) for m in voters_m],
                             batch_size=2000)
    conf = services.conference_create(actor=staff, org_id=commune.pk, data=services.ConferenceInput(
        title="Hội nghị đo hiệu năng", voting_body="Ban Chấp hành Đảng bộ xã Đo Lường", vote_date=VOTE_DATE))
    for m in rated:
        services.subject_add(actor=staff, conference_id=conf.pk, member_id=m.pk, position="Ủy viên Ban Thường vụ",
                             reason="bench")
    services.committee_set(actor=staff, conference_id=conf.pk, member_ids=[m.pk for m in committee],
                           head_id=committee[0].pk)
    services.conference_prepare(actor=staff, conference_id=conf.pk)
    ids = [m.pk for m in voters_m]
    services.roster_update(actor=staff, conference_id=conf.pk, member_ids=ids)
    for s in conf.subjects.all():
        services.dossier_update(actor=staff, conference_id=conf.pk, subject_id=s.pk, data=services.DossierInput(
            self_assessment_on=date(2026, 10, 30), declaration_ref="KK", declaration_signed_declarant=True,
            declaration_signed_receiver=True))
    services.conference_send_dossiers(actor=staff, conference_id=conf.pk)
    services.attendance_update(actor=staff, conference_id=conf.pk, present_ids=ids)
    services.conference_open(actor=staff, conference_id=conf.pk)
    services.conference_start_voting(actor=staff, conference_id=conf.pk)
    conf.refresh_from_db()
    return {"conference_id": conf.pk, "box_id": conf.box_id, "voter_ids": ids, "staff_id": staff.pk,
            "clerk_id": clerk.pk, "commune_path": commune.path}


# ---------------------------------------------------------------- casting workers

def _payload(items: list[str], rng: random.Random) -> dict[str, Any]:
    return {"marks": {i: rng.choice("HHHHMML") for i in items}}


def _worker(url: str, box_id: int, member_ids: list[int], deadline_s: float, start, out, again: bool,
            async_commit: bool) -> None:
    setup_django(url)
    from django.db import connection, connections

    if async_commit:  # diagnostic only: commits return before the WAL is flushed (see --async-commit)
        with connection.cursor() as cur:
            cur.execute("SET synchronous_commit TO off")

    from partyorg.accounts.models import User
    from partyorg.ballots.models import BallotBox
    from partyorg.ballots.services import ballot_cast
    from partyorg.core.errors import ApplicationError

    users = list(User.objects.filter(member_id__in=member_ids))
    items = BallotBox.objects.get(pk=box_id).item_ids
    rng = random.Random(box_id * 7919 + (member_ids[0] if member_ids else 0))
    payloads = [_payload(items, rng) for _ in range(64)]
    lat: list[float] = []
    refused = errors = 0
    start.wait()
    t_end = time.perf_counter() + deadline_s
    for i, u in enumerate(users):
        if time.perf_counter() > t_end:
            break
        t0 = time.perf_counter()
        try:
            ballot_cast(voter=u, box_id=box_id, payload=payloads[i % len(payloads)])
        except ApplicationError:
            refused += 1
        except Exception:  # noqa: BLE001 - counted and reported
            errors += 1
        lat.append((time.perf_counter() - t0) * 1000)
    out.put({"lat": lat, "refused": refused, "errors": errors, "finished": time.perf_counter(), "again": again})
    connections.close_all()


def cast_phase(url: str, box_id: int, voter_ids: list[int], workers: int, seconds: float,
               again: bool = False, async_commit: bool = False) -> dict[str, Any]:
    from django.db import connections

    connections.close_all()
    ctx = mp.get_context("fork")
    start = ctx.Barrier(workers + 1)
    out = ctx.Queue()
    slices = [voter_ids[i::workers] for i in range(workers)]
    procs = [ctx.Process(target=_worker, args=(url, box_id, s, seconds, start, out, again, async_commit))
             for s in slices]
    for p in procs:
        p.start()
    start.wait()
    t0 = time.perf_counter()
    results = [out.get(timeout=seconds + 600) for _ in procs]
    for p in procs:
        p.join(60)
    wall = max(r["finished"] for r in results) - t0
    lat = [x for r in results for x in r["lat"]]
    done = len(lat) - sum(r["refused"] for r in results) - sum(r["errors"] for r in results)
    st = summarise(lat)
    return {"workers": workers, "attempts": len(lat), "cast": done, "refused": sum(r["refused"] for r in results),
            "errors": sum(r["errors"] for r in results), "wall_s": round(wall, 3),
            "per_second": round(len(lat) / wall, 1) if wall else None,
            "latency_ms": st.as_dict()}


# ---------------------------------------------------------------- tally

def synthetic_payloads(items: list[str], n: int, seed: int = 7) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    codes = ["H"] * 50 + ["M"] * 30 + ["L"] * 14 + ["blank"] * 2 + ["multi"] * 2 + ["erased"] * 1 + [""]
    out = []
    for _ in range(n):
        flags = []
        r = rng.random()
        if r < 0.01:
            flags = ["not_issued"]
        elif r < 0.02:
            flags = ["written_in"]
        out.append({"marks": {i: rng.choice(codes) for i in items}, "flags": flags})
    return out


def tally_phase(runs: int, commune_path: str, staff_id: int) -> dict[str, Any]:
    from django.db import transaction

    from partyorg.ballots import services as ballots
    from partyorg.ballots.models import BallotPaper
    from partyorg.confidence import services
    from partyorg.domain import confidence as cv

    items = [str(1_000_000 + i) for i in range(SUBJECTS)]
    payloads = synthetic_payloads(items, 2000)
    settings = cv.DEFAULT_SETTINGS
    samples = []
    tally = None
    for _ in range(runs + 1):
        t0 = time.perf_counter()
        tally = services.tally_papers(rule_set="QD96-2023", listed=items, payloads=payloads, settings=settings)
        samples.append((time.perf_counter() - t0) * 1000)
    samples = samples[1:]
    assert tally is not None and tally.collected == 2000
    # The same 2,000 papers in a closed box of the database: read them back and tally.
    with transaction.atomic():
        box = ballots.ballot_box_create(kind="bench", ref_id=f"tally-{time.time_ns()}", title="Tally bench",
                                        org_path=commune_path, items=[{"id": i, "label": i} for i in items],
                                        mark_choices=[{"code": c, "key": str(k), "label": c} for k, c in
                                                      enumerate(["H", "M", "L", "blank", "multi", "erased"])],
                                        flag_choices=[{"code": "not_issued", "key": "x", "label": "x"},
                                                      {"code": "written_in", "key": "t", "label": "t"}])
        ballots.ballot_box_open(box=box)
        BallotPaper.objects.bulk_create([BallotPaper(box=box, source="p", payload=p) for p in payloads])
        from partyorg.accounts.models import User

        ballots.ballot_box_close(actor=User.objects.get(pk=staff_id), box_id=box.pk)
    box.refresh_from_db()
    db_samples = []
    for _ in range(runs + 1):
        t0 = time.perf_counter()
        papers = ballots.ballot_papers(box)
        t = services.tally_papers(rule_set="QD96-2023", listed=box.item_ids, payloads=papers, settings=settings)
        db_samples.append((time.perf_counter() - t0) * 1000)
        assert t.collected == 2000
    return {"ballots": 2000, "subjects": SUBJECTS, "pure_ms": summarise(samples).as_dict(),
            "from_database_ms": summarise(db_samples[1:]).as_dict()}


# ---------------------------------------------------------------- main

def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--database-url", default=DEFAULT_URL)
    ap.add_argument("--voters", type=int, default=6000)
    ap.add_argument("--workers", type=int, default=4)
    ap.add_argument("--seconds", type=float, default=60.0, help="upper bound of the casting phase")
    ap.add_argument("--tally-runs", type=int, default=7)
    ap.add_argument("--async-commit", action="store_true",
                    help="DIAGNOSTIC: cast with synchronous_commit=off in the workers' sessions, to show what the "
                         "code path sustains without the WAL flush wait (never a production setting for ballots)")
    ap.add_argument("--out", default="")
    args = ap.parse_args()
    out_path = Path(args.out) if args.out else RESULTS / (
        f"confidence-w{args.workers}{'-async-commit' if args.async_commit else ''}.json")
    if not 1 <= args.voters <= 50_000 or not 1 <= args.workers <= 32 or not 1 <= args.seconds <= 600:
        raise SystemExit("--voters 1..50000, --workers 1..32, --seconds 1..600")

    ensure_postgres_database(args.database_url)
    _reset_database(args.database_url)
    setup_django(args.database_url)
    from django.db import connection

    if connection.vendor != "postgresql":
        raise SystemExit("this benchmark measures PostgreSQL")
    started = time.strftime("%Y-%m-%d %H:%M:%S %z")
    machine = machine_info()
    t0 = time.perf_counter()
    world = build(args.voters)
    setup_s = time.perf_counter() - t0
    print(f"set-up: {args.voters} voters, {SUBJECTS} rated persons, conference in VOTING ({setup_s:.1f} s)")

    cast = cast_phase(args.database_url, world["box_id"], world["voter_ids"], args.workers, args.seconds,
                      async_commit=args.async_commit)
    again = cast_phase(args.database_url, world["box_id"], world["voter_ids"][: min(2000, args.voters)],
                       args.workers, args.seconds, again=True, async_commit=args.async_commit)

    from partyorg.accounts.models import User
    from partyorg.confidence import services
    from partyorg.confidence.models import Conference

    connection.close()
    t0 = time.perf_counter()
    services.conference_count(actor=User.objects.get(pk=world["staff_id"]), conference_id=world["conference_id"])
    count_ms = (time.perf_counter() - t0) * 1000
    conf = Conference.objects.get(pk=world["conference_id"])
    assert conf.collected == cast["cast"], (conf.collected, cast["cast"])

    tally = tally_phase(args.tally_runs, world["commune_path"], world["staff_id"])
    machine["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
    result = {"benchmark": "confidence", "date": started, "machine": machine, "database": database_info(),
              "voters": args.voters, "async_commit_diagnostic": args.async_commit, "subjects": SUBJECTS, "setup_s": round(setup_s, 1),
              "cast": cast, "second_cast_refused": again,
              "count": {"papers": conf.collected, "ms": round(count_ms, 1)}, "tally_2000x30": tally}
    write_result(out_path, result)
    lat = cast["latency_ms"]
    print_table(["measure", "value"], [
        ["casting: ballots", cast["cast"]], ["casting: workers", cast["workers"]],
        ["casting: sustained ballots/s", cast["per_second"]],
        ["casting: latency median / p95 / p99 ms", f"{lat['median_ms']} / {lat['p95_ms']} / {lat['p99_ms']}"],
        ["second cast: refused / attempts", f"{again['refused']} / {again['attempts']}"],
        ["second cast: median / p99 ms", f"{again['latency_ms']['median_ms']} / {again['latency_ms']['p99_ms']}"],
        [f"count ({conf.collected} papers) ms", round(count_ms, 1)],
        ["tally 2000x30 pure: median / p99 ms", f"{tally['pure_ms']['median_ms']} / {tally['pure_ms']['p99_ms']}"],
        ["tally 2000x30 from database: median ms", tally["from_database_ms"]["median_ms"]],
    ])
    print(f"written: {out_path}")


if __name__ == "__main__":
    main()
