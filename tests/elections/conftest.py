"""Builders for election tests: a cell congress of 12 members of CELL1 (m1..m3 of the world plus nine
more), its roll, attendance and counting committee, and helpers to drive an item to a vote."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pytest

from partyorg.ballots import services as ballots
from partyorg.elections import services as svc
from partyorg.elections.models import Candidate, Congress, ElectionItem, RollEntry, Round
from tests.conftest import make_member

EXTRA_NAMES = ["Lê Thị Hoa", "Phạm Văn Khang", "Đặng Thị Mai", "Bùi Văn Nam", "Hồ Thị Oanh", "Ngô Văn Phúc",
               "Dương Thị Quyên", "Lý Văn Sơn", "Trịnh Thị Tâm"]


@dataclass
class Cell:
    world: object
    congress: Congress
    members: list  # the 12 members, world m1..m3 first
    staff: object
    clerk2: object
    counting: list = field(default_factory=list)

    def entry(self, member) -> RollEntry:
        return RollEntry.objects.get(congress=self.congress, member=member)


def add_cell_members(world, n: int = 9, start: int = 500):
    op = world.users["operator"]
    return [make_member(op, world.cell1, EXTRA_NAMES[i % len(EXTRA_NAMES)] + ("" if i < len(EXTRA_NAMES) else f" {i}"),
                        start + i) for i in range(n)]


def build_cell_congress(world, *, starts_on=date(2025, 5, 10), open_session=True, counting=True) -> Cell:
    staff = world.users["staff_p1"]
    extra = add_cell_members(world)
    members = [world.members["m1"], world.members["m2"], world.members["m3"], *extra]
    congress = svc.congress_create(actor=staff, data=svc.CongressInput(
        org_id=world.cell1.pk, title="Đại hội Chi bộ Thôn Một nhiệm kỳ 2025–2030", venue="cell_congress",
        kind="members", term_label="2025–2030", starts_on=starts_on))
    svc.congress_roll_fill(actor=staff, congress_id=congress.pk)
    entries = RollEntry.objects.filter(congress=congress)
    svc.congress_attendance_set(actor=staff, congress_id=congress.pk, present_entry_ids=[e.pk for e in entries])
    cell = Cell(world, congress, members, staff, world.users["staff_c1"])
    if counting:
        cell.counting = members[-3:]
        svc.congress_body_record(actor=staff, congress_id=congress.pk, kind="counting",
                                 member_ids=[m.pk for m in cell.counting], head_id=cell.counting[0].pk, agree=12,
                                 disagree=0, attending=12)
    if open_session:
        svc.congress_open(actor=staff, congress_id=congress.pk)
    return cell


def list_ready(cell: Cell, kind: str, seats: int, member_list, *, approve=True, override=False) -> ElectionItem:
    staff = cell.staff
    item = svc.item_create(actor=staff, congress_id=cell.congress.pk, kind=kind)
    if kind.startswith("delegate"):
        svc.item_seats_fix(actor=staff, item_id=item.pk, seats=seats, decision_ref="05-QĐ/ĐU")
    else:
        svc.item_seats_fix(actor=staff, item_id=item.pk, seats=seats, agree=12, disagree=0, attending=12)
    svc.item_nominations_open(actor=staff, item_id=item.pk)
    for m in member_list:
        svc.candidate_add(actor=staff, item_id=item.pk, member_id=m.pk, source="convening")
    svc.item_list_propose(actor=staff, item_id=item.pk)
    if approve:
        svc.item_list_approve(actor=staff, item_id=item.pk, agree=12, disagree=0, attending=12,
                              override_warnings=override)
    item.refresh_from_db()
    return item


def cand(item, member) -> Candidate:
    return Candidate.objects.get(item=item, member=member)


def enter_papers(cell: Cell, rnd: Round, payloads: list[dict], *, issue=True) -> None:
    """Both clerks enter every paper ballot identically."""
    if issue:
        svc.round_ballots_issue(actor=cell.staff, round_id=rnd.pk)
    for no, p in enumerate(payloads, start=1):
        for clerk in (cell.staff, cell.clerk2):
            ballots.paper_entry_save(actor=clerk, box_id=rnd.box_id, paper_no=no, payload=p)


def keep(rnd: Round, *members) -> dict:
    ids = {c.member_id: str(c.pk) for c in Candidate.objects.filter(pk__in=rnd.candidate_ids)}
    kept = {ids[m.pk] for m in members}
    return {"marks": {i: ("K" if i in kept else "X") for i in ids.values()}, "flags": []}


def yes_no(rnd: Round, marks: dict) -> dict:
    """marks: member -> code (A, D, B, N)."""
    ids = {c.member_id: str(c.pk) for c in Candidate.objects.filter(pk__in=rnd.candidate_ids)}
    return {"marks": {ids[m.pk]: code for m, code in marks.items()}, "flags": []}


@pytest.fixture
def cell(world) -> Cell:
    return build_cell_congress(world)
