"""Benchmark of the elections area: the tally at the size of a national congress, and the keystrokes of the
double paper entry of a provincial count.

    .venv/bin/python bench/bench_elections.py [--database-url postgres://postgres@127.0.0.1:5432/partyorg_bench_elections]
        [--tally-runs 7] [--count-runs 3] [--entry-sample 30] [--no-browser]

The script uses a database of its own (PostgreSQL, created when missing; its name must contain "bench";
or a SQLite URL), migrates it and builds what it needs through the services (bulk inserts only for the
1,600 members and the ballot papers standing for cast ballots).

Measured:

1. **Tally of 1,600 ballots x 200 candidates** (national congress size, 180 seats, every voter striking
   20 to 30 names): (a) the counting path of ``round_count`` without the database: every payload mapped
   to a domain ballot (``services.domain_ballot``), ``count_ballots``, ``decide_round``, ``check_minutes``;
   (b) the whole ``services.round_count`` transaction on a box holding the 1,600 papers: the box closed
   (papers rewritten in random order, hash), the papers read, the tally, the round and the audit entry
   written.
2. **Double entry of a 350-ballot, 55-seat provincial count** (65 names on the list): the keys a clerk
   types per ballot in the entry screen ``/ballots/<id>/entry/``, one key per row (``rows``) or only the
   numbers of the struck names (``numbers``), counted over 350 generated ballots with the screens' rules,
   then checked by driving the real screen in Chromium for ``--entry-sample`` ballots per mode (two
   clerks, one per mode: every entry must match), with the machine time per saved ballot.
   The clerk time for 350 ballots is estimated from the keys with stated typing rates (not measured).

Results go to ``bench/results/elections.json`` (``elections-sqlite.json`` on SQLite); the figures are
recorded in docs/performance.md.
"""
from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import (  # noqa: E402 - the bench directory is put on the path first
    RESULTS,
    allow_test_client,
    database_info,
    ensure_postgres_database,
    machine_info,
    print_table,
    setup_django,
    summarise,
    write_result,
)

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/partyorg_bench_elections"
CONGRESS_DAY = date(2025, 10, 15)
PASSWORD = "Bench-password-2026!"
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý"]
MIDDLE = ["Văn", "Thị", "Hữu", "Minh", "Thanh", "Đức", "Ngọc", "Quang", "Thu", "Hồng"]
GIVEN = ["An", "Bình", "Cường", "Dung", "Đức", "Giang", "Hà", "Hải", "Hùng", "Hương", "Khánh", "Lan", "Long", "Mai",
         "Nam", "Nga", "Phúc", "Quân", "Sơn", "Tâm", "Thảo", "Trung", "Tuấn", "Vân", "Yến"]
# Typing rates used to turn keys into clerk time (assumptions, not measurements): numeric data entry by
# trained operators is usually quoted between 8,000 and 12,000 keystrokes per hour.
KEYS_PER_HOUR = (8_000, 10_000, 12_000)
PAPER_SECONDS = 2.0  # taking the next paper and finding its marks (assumption)


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--database-url", default=os.environ.get("BENCH_ELECTIONS_DATABASE_URL", DEFAULT_URL))
    p.add_argument("--tally-runs", type=int, default=7)
    p.add_argument("--count-runs", type=int, default=3)
    p.add_argument("--entry-sample", type=int, default=30)
    p.add_argument("--no-browser", action="store_true", help="count the keys only, do not drive the screen")
    p.add_argument("--seed", type=int, default=20261123)
    return p.parse_args()


# ---------------------------------------------------------------- set-up

def prepare_database(url: str) -> None:
    if url.startswith("postgres"):
        if "bench" not in url.rsplit("/", 1)[-1]:
            raise SystemExit("the database name must contain 'bench'")
        ensure_postgres_database(url)
    setup_django(url)
    allow_test_client()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def build_people(n_members: int, rng: random.Random) -> dict[str, Any]:
    """A central root, a province, one cell with ``n_members`` official members, an operator and two
    clerks (staff of the province). Reused when the bench database already has them."""
    from partyorg.accounts.models import Role, RoleGrant, User
    from partyorg.domain.names import collation_key, name_sort_key, searchable
    from partyorg.domain.tree import encode_segment
    from partyorg.members.models import Member, MemberStatus
    from partyorg.organizations.models import Organization, OrgType
    from partyorg.organizations.services import organization_create

    root = Organization.objects.filter(code="BENCH-TW").first()
    if root is None:
        root = Organization.objects.create(name="Trung ương (bench)", code="BENCH-TW", org_type=OrgType.CENTRAL,
                                           path=encode_segment(900), depth=1, sort_key=collation_key("Trung ương"))
        op = User.objects.create_user("bench_operator", password=PASSWORD)
        RoleGrant.objects.create(user=op, organization=root, role=Role.OPERATOR)
        prov = organization_create(actor=op, parent_id=root.pk, name="Đảng bộ tỉnh Bench", code="BENCH-P",
                                   org_type=OrgType.PROVINCIAL, established_on=date(2000, 1, 1))
        cell = organization_create(actor=op, parent_id=prov.pk, name="Chi bộ Đại biểu", code="BENCH-CELL",
                                   org_type=OrgType.GRASSROOTS_CELL, established_on=date(2000, 1, 1))
        for name in ("bench_clerk_a", "bench_clerk_b"):
            u = User.objects.create_user(name, password=PASSWORD)
            RoleGrant.objects.create(user=u, organization=prov, role=Role.STAFF)
        rows = []
        for i in range(n_members):
            full = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
            cid, card = f"{880000000000 + i:012d}", f"{88000000 + i}"
            rows.append(Member(full_name=full, sort_key=name_sort_key(full), search_text=searchable(full, cid, card),
                               date_of_birth=date(1960 + i % 30, 1 + i % 12, 1 + i % 27), gender="M" if i % 2 else "F",
                               citizen_id=cid, party_card_number=card, admitted_on=date(2000, 1, 1),
                               official_on=date(2001, 1, 1), status=MemberStatus.OFFICIAL, cell=cell,
                               org_path=cell.path))
        Member.objects.bulk_create(rows, batch_size=2000)
    prov = Organization.objects.get(code="BENCH-P")
    return {"op": User.objects.get(username="bench_operator"), "prov": prov,
            "members": list(Member.objects.filter(org_path__startswith=prov.path).order_by("pk")
                            .values_list("pk", flat=True))}


_SEQ = [0]


def congress_with_round(people: dict[str, Any], *, delegates: int, seats: int, candidates: int) -> Any:
    """A delegates' congress of the province with ``delegates`` present, a committee item of ``seats``
    seats and ``candidates`` names (convening list) approved, and its first round open (paper and
    electronic). Returns the round."""
    from partyorg.elections import services as s
    from partyorg.elections.models import RollEntry

    op, prov, members = people["op"], people["prov"], people["members"]
    _SEQ[0] += 1
    c = s.congress_create(actor=op, data=s.CongressInput(
        org_id=prov.pk, title=f"Đại hội đại biểu bench {time.time_ns()}-{_SEQ[0]}", venue="organisation_congress",
        kind="delegates", term_label="2025–2030", starts_on=CONGRESS_DAY))
    RollEntry.objects.bulk_create([RollEntry(congress=c, member_id=m, present=True) for m in members[:delegates]],
                                  batch_size=2000)
    s.congress_open(actor=op, congress_id=c.pk)
    item = s.item_create(actor=op, congress_id=c.pk, kind="party_committee")
    s.item_seats_fix(actor=op, item_id=item.pk, seats=seats, agree=delegates, disagree=0, attending=delegates)
    s.item_nominations_open(actor=op, item_id=item.pk)
    for m in members[:candidates]:
        s.candidate_add(actor=op, item_id=item.pk, member_id=m, source="convening")
    s.item_list_propose(actor=op, item_id=item.pk)
    s.item_list_approve(actor=op, item_id=item.pk, agree=delegates, disagree=0, attending=delegates,
                        override_warnings=True)
    return s.round_open(actor=op, item_id=item.pk, electronic=True)


# ---------------------------------------------------------------- 1. tally

def strike_payloads(ids: list[str], n: int, lo: int, hi: int, rng: random.Random) -> list[dict[str, Any]]:
    weights = [rng.random() ** 2 for _ in ids]  # some names are struck far more often than others
    out = []
    for _ in range(n):
        k = rng.randint(lo, hi)
        struck: set[str] = set()
        while len(struck) < k:
            struck.add(rng.choices(ids, weights)[0])
        out.append({"marks": {c: ("X" if c in struck else "K") for c in ids}, "flags": []})
    return out


def tally_domain(papers: list[dict[str, Any]], ids: list[str], seats: int, roll: int) -> Any:
    from partyorg.domain import elections as el
    from partyorg.elections.services import domain_ballot

    form = el.ballot_form(seats, len(ids))
    listed = frozenset(ids)
    count = el.count_ballots(candidates=ids, seats=seats, issued=len(papers),
                             ballots=[domain_ballot(p, form=form, candidate_ids=listed) for p in papers])
    result = el.decide_round(candidates=ids, votes=count.votes, seats=seats, roll=roll, valid=count.valid,
                             collected=count.collected)
    el.check_minutes(seats=seats, issued=count.issued, collected=count.collected, valid=count.valid,
                     invalid=count.invalid, votes=count.votes)
    return result


def bench_tally(args, people, rng) -> dict[str, Any]:
    from partyorg.ballots.models import BallotPaper, Participation
    from partyorg.elections import services as s

    voters, seats, n_cand = 1600, 180, 200
    ids = [str(i) for i in range(10_000, 10_000 + n_cand)]
    papers = strike_payloads(ids, voters, 20, 30, rng)
    samples = []
    for _ in range(args.tally_runs + 1):
        t0 = time.perf_counter()
        result = tally_domain(papers, ids, seats, voters)
        samples.append((time.perf_counter() - t0) * 1000)
    domain = summarise(samples[1:])  # the first run warms up
    print(f"domain tally 1,600 x 200: median {domain.median_ms} ms (elected {len(result.elected)})")

    count_samples = []
    for run in range(args.count_runs):
        rnd = congress_with_round(people, delegates=voters, seats=seats, candidates=n_cand)
        cids = [str(i) for i in rnd.candidate_ids]
        db_papers = strike_payloads(cids, voters, 20, 30, rng)
        BallotPaper.objects.bulk_create([BallotPaper(box=rnd.box, source="e", receipt=f"B{run:02d}-{i:05d}",
                                                     payload=p) for i, p in enumerate(db_papers)], batch_size=1000)
        Participation.objects.filter(box=rnd.box).update(voted=True, ballot_issued=True)
        t0 = time.perf_counter()
        counted = s.round_count(actor=people["op"], round_id=rnd.pk)
        count_samples.append((time.perf_counter() - t0) * 1000)
        assert counted.collected == voters and counted.roll == voters
        print(f"round_count run {run + 1}: {count_samples[-1]:.0f} ms (valid {counted.valid}, "
              f"elected {len(counted.elected)})")
    whole = summarise(count_samples)
    return {"ballots": voters, "candidates": n_cand, "seats": seats, "struck_per_ballot": [20, 30],
            "domain_tally": domain.as_dict(), "round_count_with_database": whole.as_dict(),
            "target_ms": 500, "meets_target": domain.median_ms < 500}


# ---------------------------------------------------------------- 2. keystrokes

def provincial_ballots(n: int, n_cand: int, seats: int, rng: random.Random) -> list[list[int]]:
    """Row numbers (1-based) struck on each of ``n`` ballots: at least ``n_cand - seats`` (a valid ballot),
    usually exactly that, sometimes a few more; about 1% strike too few (invalid: too many kept)."""
    need = n_cand - seats
    weights = [rng.random() ** 3 for _ in range(n_cand)]
    out = []
    for _ in range(n):
        r = rng.random()
        k = need - 1 if r < 0.01 else need if r < 0.65 else need + min(8, int(rng.expovariate(0.5)) + 1)
        struck: set[int] = set()
        while len(struck) < k:
            struck.add(rng.choices(range(1, n_cand + 1), weights)[0])
        out.append(sorted(struck))
    return out


def keys_rows(n_cand: int) -> int:
    """One key per row (1 keep / 0 struck), Enter from the paper number to the first row, Enter to save."""
    return 1 + n_cand + 1


def numbers_text(struck: list[int], width: int) -> str:
    """What the clerk types in the numbers mode: each number on ``width`` digits (the screen adds the
    separator), e.g. 03 17 42 -> "031742"."""
    return "".join(f"{n:0{width}d}" for n in struck)


def keys_numbers(struck: list[int], width: int) -> int:
    """Only the struck numbers (width digits each, the separator is automatic), Enter to save; the cursor
    starts in the numbers field and the paper number advances by itself."""
    return len(numbers_text(struck, width)) + 1


def clerk_minutes(keys_per_ballot: float, ballots: int, save_seconds: float, kph: int) -> float:
    return ballots * (keys_per_ballot * 3600 / kph + PAPER_SECONDS + save_seconds) / 60


def drive_entry(args, people, ballots: list[list[int]], n_cand: int, seats: int) -> dict[str, Any]:
    """Two clerks enter the same sample in Chromium: A one key per row, B only the struck numbers."""
    from django.test.testcases import LiveServerThread, _StaticFilesHandler
    from playwright.sync_api import sync_playwright

    from partyorg.ballots import services as ballots_services
    from partyorg.ballots.models import BallotBox
    from partyorg.elections import services as s

    rnd = congress_with_round(people, delegates=350, seats=seats, candidates=n_cand)
    s.round_ballots_issue(actor=people["op"], round_id=rnd.pk)
    server = LiveServerThread("127.0.0.1", _StaticFilesHandler, port=0)
    server.daemon = True
    server.start()
    server.is_ready.wait()
    if server.error:
        raise server.error
    base = f"http://127.0.0.1:{server.port}"
    entry = f"{base}/ballots/{rnd.box_id}/entry/"
    sample = ballots[: args.entry_sample]
    width = len(str(n_cand))
    out: dict[str, Any] = {}
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=[
                "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run", "--disable-quic"])
            for mode, user in (("rows", "bench_clerk_a"), ("numbers", "bench_clerk_b")):
                page = browser.new_context(locale="vi-VN").new_page()
                page.goto(f"{base}/accounts/login/")
                page.fill("input[name=username]", user)
                page.fill("input[name=password]", PASSWORD)
                with page.expect_navigation():
                    page.click("main button[type=submit]")
                page.goto(entry + ("?mode=numbers" if mode == "numbers" else ""))
                presses, seconds, saves = [], [], []
                for no, struck in enumerate(sample, start=1):
                    t0 = time.perf_counter()
                    n = 0
                    if mode == "rows":
                        page.keyboard.press("Enter")
                        n += 1
                        for row in range(1, n_cand + 1):
                            page.keyboard.press("0" if row in struck else "1")
                            n += 1
                    else:
                        for ch in numbers_text(struck, width):
                            page.keyboard.press(ch)
                            n += 1
                    t1 = time.perf_counter()
                    with page.expect_navigation():
                        page.keyboard.press("Enter")
                    n += 1
                    page.get_by_text(f"Đã lưu phiếu số {no}").wait_for()
                    t2 = time.perf_counter()
                    seconds.append(t2 - t0)
                    saves.append(t2 - t1)
                    presses.append(n)
                whole = summarise([x * 1000 for x in seconds])
                save = summarise([x * 1000 for x in saves])
                out[mode] = {"ballots": len(sample), "keys_per_ballot_mean": round(statistics.fmean(presses), 2),
                             "keys_per_ballot_max": max(presses), "robot_ms_per_ballot": whole.as_dict(),
                             "save_and_reload_ms": save.as_dict()}
                print(f"screen, {mode}: {out[mode]['keys_per_ballot_mean']} keys per ballot; robot time per ballot "
                      f"median {whole.median_ms} ms, of which save and reload {save.median_ms} ms")
            browser.close()
    finally:
        server.terminate()
        server.join()
    status = ballots_services.paper_entry_status(BallotBox.objects.get(pk=rnd.box_id))
    states = {st.state for st in status}
    out["all_matched"] = states == {"matched"} and len(status) == len(sample)
    print(f"entries of the two clerks match: {out['all_matched']}")
    return out


def bench_keys(args, people, rng) -> dict[str, Any]:
    n, n_cand, seats = 350, 65, 55
    ballots = provincial_ballots(n, n_cand, seats, rng)
    width = len(str(n_cand))
    rows = [keys_rows(n_cand) for _ in ballots]
    numbers = [keys_numbers(b, width) for b in ballots]
    struck = [len(b) for b in ballots]
    result: dict[str, Any] = {
        "ballots": n, "candidates": n_cand, "seats": seats,
        "struck_per_ballot": {"median": statistics.median(struck), "mean": round(statistics.fmean(struck), 2),
                              "max": max(struck)},
        "keys_per_ballot": {"rows": {"median": statistics.median(rows), "total_350": sum(rows)},
                            "numbers": {"median": statistics.median(numbers), "mean": round(statistics.fmean(numbers), 2),
                                        "total_350": sum(numbers)}},
        "assumptions": {"keys_per_hour": list(KEYS_PER_HOUR), "paper_seconds": PAPER_SECONDS},
    }
    print(f"keys per ballot: rows {statistics.median(rows)}, numbers median {statistics.median(numbers)} "
          f"(struck median {statistics.median(struck)})")
    save_s = {"rows": 0.0, "numbers": 0.0}
    if not args.no_browser:
        screen = drive_entry(args, people, ballots, n_cand, seats)
        result["screen"] = screen
        for mode in ("rows", "numbers"):
            assert screen[mode]["keys_per_ballot_mean"] == round(statistics.fmean(
                (rows if mode == "rows" else numbers)[: args.entry_sample]), 2), mode
        # the machine's share of a clerk's time: the save and the reload of the screen (measured)
        for mode in ("rows", "numbers"):
            save_s[mode] = screen[mode]["save_and_reload_ms"]["median_ms"] / 1000
    estimate = {}
    for mode, keys in (("rows", statistics.fmean(rows)), ("numbers", statistics.fmean(numbers))):
        estimate[mode] = {str(kph): round(clerk_minutes(keys, n, save_s[mode], kph), 1) for kph in KEYS_PER_HOUR}
    result["clerk_minutes_for_350"] = estimate
    print_table(["mode", *[f"{k} keys/h" for k in KEYS_PER_HOUR]],
                [[m, *[f"{estimate[m][str(k)]} min" for k in KEYS_PER_HOUR]] for m in ("rows", "numbers")])
    return result


def main() -> None:
    args = parse_args()
    rng = random.Random(args.seed)
    prepare_database(args.database_url)
    people = build_people(1600, rng)
    payload: dict[str, Any] = {"date": time.strftime("%Y-%m-%d"), "machine": machine_info(),
                               "database": database_info()}
    payload["tally"] = bench_tally(args, people, rng)
    payload["entry"] = bench_keys(args, people, rng)
    name = "elections.json" if payload["database"]["vendor"] == "postgresql" else "elections-sqlite.json"
    path = write_result(RESULTS / name, payload)
    print(f"written {path}")


if __name__ == "__main__":
    main()
