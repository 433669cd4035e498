"""Rounds: the box of each round, counting from the closed box, the threshold against D, ties,
further rounds, announcement, approval and positions (EL-29..EL-47)."""
from __future__ import annotations

from datetime import date

import pytest

from partyorg.ballots.models import BallotBox, BoxState
from partyorg.core.errors import ApplicationError, Forbidden, StateConflict
from partyorg.elections import selectors
from partyorg.elections import services as svc
from partyorg.elections.models import ElectionItem, Round
from partyorg.members.models import Position

from .conftest import cand, enter_papers, keep, list_ready, yes_no


def _state(item) -> str:
    return ElectionItem.objects.get(pk=item.pk).state


def test_cell_committee_then_secretary_full_flow(cell):
    """EL-24, EL-28..EL-35, EL-47: 3-seat chi ủy with one extra (EL-20), then the secretary from the
    elected committee on a separate no-surplus ballot, both counted from double-entered papers, approved
    by the higher committee, becoming positions with the term."""
    a, b, c, d = cell.members[0], cell.members[1], cell.members[2], cell.members[3]
    item = list_ready(cell, "cell_committee", 3, [a, b, c, d])
    assert item.state == "list_approved"
    rnd = svc.round_open(actor=cell.staff, item_id=item.pk)
    assert rnd.form.value == "surplus" and rnd.box.state == BoxState.OPEN and rnd.box.max_kept == 3
    # ballot rows in EL-27 order, by given name first: An, Bình, Đức, Hoa
    assert [cand(item, m).pk for m in (a, b, c, d)] == rnd.candidate_ids
    papers = ([keep(rnd, a, b, c)] * 7 + [keep(rnd, a, b, d)] * 3 + [keep(rnd, a, c, d)]
              + [keep(rnd, a, b, c, d)])  # the last keeps 4 of 3: invalid (EL-30)
    enter_papers(cell, rnd, papers)
    rnd = svc.round_count(actor=cell.staff, round_id=rnd.pk)
    assert (rnd.issued, rnd.collected, rnd.valid, rnd.invalid) == (12, 12, 11, 1)
    assert rnd.invalid_reasons == {"more_kept_than_seats": 1}
    assert rnd.roll == 12 and rnd.votes_needed == 7
    votes = {int(k): v for k, v in rnd.votes.items()}
    assert votes[cand(item, a).pk] == 11 and votes[cand(item, b).pk] == 10 and votes[cand(item, c).pk] == 8
    assert votes[cand(item, d).pk] == 4
    assert rnd.elected == [str(cand(item, m).pk) for m in (a, b, c)]
    assert _state(item) == "counted" and BallotBox.objects.get(pk=rnd.box_id).state == BoxState.CLOSED
    svc.round_announce(actor=cell.staff, round_id=rnd.pk)
    assert _state(item) == "announced"

    sec = svc.item_create(actor=cell.staff, congress_id=cell.congress.pk, kind="secretary")
    svc.item_seats_fix(actor=cell.staff, item_id=sec.pk, seats=1, agree=12, disagree=0, attending=12)
    svc.item_nominations_open(actor=cell.staff, item_id=sec.pk)
    svc.candidate_add(actor=cell.staff, item_id=sec.pk, member_id=a.pk, source="convening")
    svc.item_list_propose(actor=cell.staff, item_id=sec.pk)
    svc.item_list_approve(actor=cell.staff, item_id=sec.pk, agree=12, disagree=0, attending=12)
    r2 = svc.round_open(actor=cell.staff, item_id=sec.pk)
    assert r2.form.value == "yes_no"
    enter_papers(cell, r2, [yes_no(r2, {a: "A"})] * 9 + [yes_no(r2, {a: "D"})] * 2 + [yes_no(r2, {a: "B"})])
    r2 = svc.round_count(actor=cell.staff, round_id=r2.pk)
    assert (r2.valid, r2.invalid) == (11, 1) and r2.invalid_reasons == {"one_person_box_count": 1}
    svc.round_announce(actor=cell.staff, round_id=r2.pk)

    for it in (item, sec):
        svc.item_submit(actor=cell.staff, item_id=it.pk, submitted_on=date(2025, 5, 12))
    with pytest.raises(Forbidden):  # the cell's own secretary cannot approve (EL-47)
        svc.item_approve(actor=cell.world.users["secretary_cell1"], item_id=item.pk, approving_body="Đảng ủy xã Một",
                         decision_ref="12-QĐ/ĐU", decided_on=date(2025, 5, 20))
    higher = cell.world.users["staff_c1"]
    svc.item_approve(actor=higher, item_id=item.pk, approving_body="Đảng ủy xã Một", decision_ref="12-QĐ/ĐU",
                     decided_on=date(2025, 5, 20))
    svc.item_approve(actor=higher, item_id=sec.pk, approving_body="Đảng ủy xã Một", decision_ref="13-QĐ/ĐU",
                     decided_on=date(2025, 5, 20))
    assert _state(item) == "approved" and _state(sec) == "approved"
    pos = Position.objects.filter(organization=cell.world.cell1, end_on__isnull=True)
    assert sorted((p.member_id, p.title) for p in pos) == sorted(
        [(a.pk, "chi_uy_vien"), (b.pk, "chi_uy_vien"), (c.pk, "chi_uy_vien"), (a.pk, "bi_thu")])
    assert {p.term_label for p in pos} == {"2025–2030"} and {p.how_obtained for p in pos} == {"elected"}


def test_threshold_is_against_the_adjusted_roll_not_valid_ballots(cell):
    """TC-EL-07 in a cell (EL-34, EL-35, EL-36): with D = 10 (two approved absences), 5 votes of 9 valid
    is more than half of the valid ballots but not of D: not elected; 6 is."""
    staff = cell.staff
    for m in cell.members[3:5]:
        e = cell.entry(m)
        svc.congress_attendance_set(actor=staff, congress_id=cell.congress.pk, present_entry_ids=[
            x.pk for x in cell.congress.roll.all() if x.member_id not in {cell.members[3].pk, cell.members[4].pk}])
        svc.roll_entry_adjust(actor=staff, congress_id=cell.congress.pk, entry_id=e.pk, deduction="absent_approved",
                              reason="Ốm, có đơn")
    assert selectors.roll_summary(cell.congress).roll.roll == 10
    a, b = cell.members[0], cell.members[1]
    item = list_ready(cell, "delegate_official", 1, [a, b], approve=False)
    svc.item_list_approve(actor=staff, item_id=item.pk, agree=10, disagree=0, attending=10, override_warnings=True)
    rnd = svc.round_open(actor=staff, item_id=item.pk)
    enter_papers(cell, rnd, [keep(rnd, a)] * 5 + [keep(rnd, b)] * 4 + [keep(rnd, a, b)])
    rnd = svc.round_count(actor=staff, round_id=rnd.pk)
    assert (rnd.valid, rnd.roll, rnd.votes_needed) == (9, 10, 6)
    assert rnd.elected == [] and rnd.next_step == "further_round"
    svc.round_announce(actor=staff, round_id=rnd.pk)
    assert _state(item) == "next_round_pending"


def test_tie_at_the_cutoff_goes_to_a_revote_among_the_tied(cell):
    """TC-EL-11 (EL-40): S=3, D=12; A 11, B 11, C 7, D 7 (both qualify): A, B elected; C and D re-voted
    for the one remaining seat on a new ballot listing only them; age never decides."""
    a, b, c, d = cell.members[:4]
    item = list_ready(cell, "cell_committee", 3, [a, b, c, d])
    rnd = svc.round_open(actor=cell.staff, item_id=item.pk)
    enter_papers(cell, rnd, [keep(rnd, a, b, c)] * 5 + [keep(rnd, a, b, d)] * 5 + [keep(rnd, a, c, d),
                                                                                   keep(rnd, b, c, d)])
    rnd = svc.round_count(actor=cell.staff, round_id=rnd.pk)
    ids = {m: str(cand(item, m).pk) for m in (a, b, c, d)}
    assert rnd.elected == [ids[a], ids[b]] and rnd.tie_revote == [ids[c], ids[d]] and rnd.next_step == "tie_revote"
    svc.round_announce(actor=cell.staff, round_id=rnd.pk)
    assert _state(item) == "tie_revote"
    r2 = svc.round_open(actor=cell.staff, item_id=item.pk)
    assert (r2.number, r2.kind, r2.seats) == (2, "tie_revote", 1)
    assert r2.candidate_ids == [cand(item, c).pk, cand(item, d).pk] and r2.form.value == "surplus"
    enter_papers(cell, r2, [keep(r2, c)] * 8 + [keep(r2, d)] * 4)
    r2 = svc.round_count(actor=cell.staff, round_id=r2.pk)
    assert r2.elected == [ids[c]]
    svc.round_announce(actor=cell.staff, round_id=r2.pk)
    assert _state(item) == "announced"
    assert [w.member_id for w in selectors.winners(item)] == [a.pk, b.pk, c.pk]


def test_too_few_winners_then_the_congress_decides_a_further_round(cell):
    """TC-EL-13 (EL-35, EL-42): S=3, D=12: A 12, B 10, C 6, D 6 (6 is not more than half of 12): A, B
    elected, NEXT_ROUND_PENDING; the congress holds a further round on the unelected names for one seat,
    with new names allowed (EL-41), and a further-round list is only warned about its surplus."""
    a, b, c, d, e = cell.members[:5]
    item = list_ready(cell, "cell_committee", 3, [a, b, c, d])
    rnd = svc.round_open(actor=cell.staff, item_id=item.pk)
    enter_papers(cell, rnd, [keep(rnd, a, b, c)] * 6 + [keep(rnd, a, b, d)] * 4 + [keep(rnd, a, d)] * 2)
    rnd = svc.round_count(actor=cell.staff, round_id=rnd.pk)
    assert len(rnd.elected) == 2 and rnd.next_step == "further_round"
    svc.round_announce(actor=cell.staff, round_id=rnd.pk)
    assert _state(item) == "next_round_pending"
    with pytest.raises(StateConflict):  # new names only once the congress allows them
        svc.candidate_add(actor=cell.staff, item_id=item.pk, member_id=e.pk, source="convening")
    svc.item_next_round_names(actor=cell.staff, item_id=item.pk, agree=12, disagree=0, attending=12)
    new = svc.candidate_add(actor=cell.staff, item_id=item.pk, member_id=e.pk, source="floor", agree=5, attending=12)
    assert new.admitted and new.from_round == 2
    svc.item_next_round_hold(actor=cell.staff, item_id=item.pk, agree=12, disagree=0, attending=12)
    item.refresh_from_db()
    assert item.state == "list_approved" and item.list_warnings == ["not_one_extra"]  # EL-21, warning (EL-42)
    r2 = svc.round_open(actor=cell.staff, item_id=item.pk)
    assert (r2.kind, r2.seats) == ("further", 1)
    assert set(r2.candidate_ids) == {cand(item, m).pk for m in (c, d, e)}


def test_the_congress_may_leave_seats_vacant(cell):
    """EL-42: NEXT_ROUND_PENDING → CLOSED_UNFILLED; the winners are submitted for approval anyway."""
    a, b, c, d = cell.members[:4]
    item = list_ready(cell, "cell_committee", 3, [a, b, c, d])
    rnd = svc.round_open(actor=cell.staff, item_id=item.pk)
    enter_papers(cell, rnd, [keep(rnd, a, b, c)] * 6 + [keep(rnd, a, b, d)] * 6)
    svc.round_count(actor=cell.staff, round_id=rnd.pk)
    svc.round_announce(actor=cell.staff, round_id=rnd.pk)
    svc.item_close_unfilled(actor=cell.staff, item_id=item.pk, agree=11, disagree=1, attending=12)
    assert _state(item) == "closed_unfilled"
    svc.item_submit(actor=cell.staff, item_id=item.pk, submitted_on=date(2025, 5, 12))
    assert _state(item) == "submitted"


def test_nothing_collected_keeps_the_vote_open(cell):
    """TC-EL-15 (EL-45): a round with no ballot collected cannot be finalised; the box stays open."""
    a, b, c, d = cell.members[:4]
    item = list_ready(cell, "cell_committee", 3, [a, b, c, d])
    rnd = svc.round_open(actor=cell.staff, item_id=item.pk)
    with pytest.raises(StateConflict):
        svc.round_count(actor=cell.staff, round_id=rnd.pk)
    assert BallotBox.objects.get(pk=rnd.box_id).state == BoxState.OPEN
    assert Round.objects.get(pk=rnd.pk).state == "voting"


def test_paper_ballots_must_be_entered_twice_before_counting(cell):
    """Double entry (issue #5): a paper entered once blocks the count."""
    from partyorg.ballots import services as ballots

    a, b, c, d = cell.members[:4]
    item = list_ready(cell, "cell_committee", 3, [a, b, c, d])
    rnd = svc.round_open(actor=cell.staff, item_id=item.pk)
    svc.round_ballots_issue(actor=cell.staff, round_id=rnd.pk)
    ballots.paper_entry_save(actor=cell.staff, box_id=rnd.box_id, paper_no=1, payload=keep(rnd, a, b, c))
    with pytest.raises(ApplicationError):
        svc.round_count(actor=cell.staff, round_id=rnd.pk)
    assert Round.objects.get(pk=rnd.pk).state == "voting"


def test_partly_struck_names_need_the_committees_ruling(cell):
    """EL-33: a partly struck name stops the count until the counting committee's ruling is recorded on
    the paper; a written-in name or an identifying mark makes the ballot invalid; a ballot not issued by
    the committee is invalid (EL-30)."""
    from partyorg.ballots import services as ballots

    a, b, c, d = cell.members[:4]
    item = list_ready(cell, "cell_committee", 3, [a, b, c, d])
    rnd = svc.round_open(actor=cell.staff, item_id=item.pk)
    partial = keep(rnd, a, b)
    partial["marks"][str(cand(item, c).pk)] = "P"
    written = {**keep(rnd, a, b, c), "flags": ["written_in"]}
    forged = {**keep(rnd, a, b, c), "flags": ["not_issued"]}
    enter_papers(cell, rnd, [partial, written, forged] + [keep(rnd, a, b, c)] * 9)
    with pytest.raises(ApplicationError) as exc:
        svc.round_count(actor=cell.staff, round_id=rnd.pk)
    assert "Phiếu số 1" in exc.value.message_vi and "EL-33" in exc.value.message_en
    ruled = {**partial, "flags": ["rule_kept"]}
    for clerk in (cell.staff, cell.clerk2):
        ballots.paper_entry_save(actor=clerk, box_id=rnd.box_id, paper_no=1, payload=ruled)
    rnd = svc.round_count(actor=cell.staff, round_id=rnd.pk)
    assert (rnd.valid, rnd.invalid) == (10, 2)
    assert rnd.invalid_reasons == {"written_in_name": 1, "not_issued_by_committee": 1}
    assert rnd.votes[str(cand(item, c).pk)] == 10  # the partly struck name ruled kept
