"""A Party organisation congress and the first conference of its new committee (EL-25), delegates to the
higher congress (EL-41, EL-43), and electronic ballots through the shared secret-ballot app."""
from __future__ import annotations

from datetime import date

import pytest

from partyorg.accounts.models import User
from partyorg.ballots import services as ballots
from partyorg.ballots.models import BallotPaper, Participation
from partyorg.core.errors import ApplicationError
from partyorg.elections import selectors
from partyorg.elections import services as svc
from partyorg.elections.models import RollEntry

from .conftest import add_cell_members, cand, enter_papers, keep


def _approve(staff, item, n):
    svc.item_list_propose(actor=staff, item_id=item.pk)
    svc.item_list_approve(actor=staff, item_id=item.pk, agree=n, disagree=0, attending=n, override_warnings=True)


def _item(staff, congress, kind, seats, members, *, allocated=False):
    item = svc.item_create(actor=staff, congress_id=congress.pk, kind=kind)
    if allocated:
        svc.item_seats_fix(actor=staff, item_id=item.pk, seats=seats, decision_ref="09-QĐ/TU")
    else:
        n = RollEntry.objects.filter(congress=congress).count()
        svc.item_seats_fix(actor=staff, item_id=item.pk, seats=seats, agree=n, disagree=0, attending=n)
    svc.item_nominations_open(actor=staff, item_id=item.pk)
    for m in members:
        svc.candidate_add(actor=staff, item_id=item.pk, member_id=m.pk, source="convening")
    return item


@pytest.fixture
def commune(world):
    """A members' congress of commune committee C1 (CELL1 and CELL2: 5 + 9 = 14 members), in session."""
    staff = world.users["staff_p1"]
    extra = add_cell_members(world)
    c = svc.congress_create(actor=staff, data=svc.CongressInput(
        org_id=world.c1.pk, title="Đại hội Đảng bộ xã Một", venue="organisation_congress", kind="members",
        term_label="2025–2030", starts_on=date(2025, 6, 1)))
    svc.congress_roll_fill(actor=staff, congress_id=c.pk)
    svc.congress_attendance_set(actor=staff, congress_id=c.pk,
                                present_entry_ids=list(RollEntry.objects.filter(congress=c).values_list("pk", flat=True)))
    svc.congress_open(actor=staff, congress_id=c.pk)
    people = [world.members[k] for k in ("m1", "m2", "m3", "m4", "m5")] + extra
    return staff, c, people


def _elect(world, staff, rnd, papers):
    class Cell:  # enter_papers needs the two clerks
        pass
    cell = Cell()
    cell.staff, cell.clerk2 = staff, world.users["staff_c1"]
    enter_papers(cell, rnd, papers)
    svc.round_count(actor=staff, round_id=rnd.pk)
    svc.round_announce(actor=staff, round_id=rnd.pk)


def test_first_committee_conference_elects_standing_committee_then_secretary(world, commune):
    """EL-25: at the first conference the standing committee comes before the secretary, and the secretary
    is one of its members; the conference's roll is the committee the congress elected (EL-38)."""
    staff, congress, people = commune
    committee = _item(staff, congress, "party_committee", 5, people[:6])
    _approve(staff, committee, 14)
    rnd = svc.round_open(actor=staff, item_id=committee.pk)
    _elect(world, staff, rnd, [keep(rnd, *people[:5])] * 14)
    elected = [c.member for c in selectors.winners(committee)]
    assert len(elected) == 5

    conf = svc.congress_create(actor=staff, data=svc.CongressInput(
        org_id=world.c1.pk, title="Hội nghị lần thứ nhất Ban Chấp hành Đảng bộ xã Một khóa mới",
        venue="executive_committee_conference", kind="committee_conference", term_label="2025–2030",
        starts_on=date(2025, 6, 2), parent_id=congress.pk))
    assert svc.congress_roll_fill(actor=staff, congress_id=conf.pk) == 5
    svc.congress_attendance_set(actor=staff, congress_id=conf.pk, present_entry_ids=list(
        RollEntry.objects.filter(congress=conf).values_list("pk", flat=True)))
    svc.congress_open(actor=staff, congress_id=conf.pk)
    assert selectors.roll_summary(conf).roll.rules == ("EL-35", "EL-38")

    sec = _item(staff, conf, "secretary", 1, elected[:1])
    svc.item_list_propose(actor=staff, item_id=sec.pk)
    with pytest.raises(ApplicationError) as exc:
        svc.item_list_approve(actor=staff, item_id=sec.pk, agree=5, disagree=0, attending=5)
    assert "EL-25" in " ".join(e.message_en for e in exc.value.errors)

    btv = _item(staff, conf, "standing_committee", 2, elected[:3])
    _approve(staff, btv, 5)
    rnd = svc.round_open(actor=staff, item_id=btv.pk)
    _elect(world, staff, rnd, [keep(rnd, *elected[:2])] * 5)
    assert [c.member for c in selectors.winners(btv)] == elected[:2]
    svc.item_list_approve(actor=staff, item_id=sec.pk, agree=5, disagree=0, attending=5)
    rnd = svc.round_open(actor=staff, item_id=sec.pk)
    assert rnd.form.value == "yes_no"


def test_alternates_after_officials_and_further_rounds_for_delegates(world, commune):
    """EL-43: alternate delegates only after the officials are elected; EL-41: too few official delegates
    leads to a further round for delegates too."""
    staff, congress, people = commune
    alt = _item(staff, congress, "delegate_alternate", 1, people[6:8], allocated=True)
    _approve(staff, alt, 14)
    with pytest.raises(ApplicationError) as exc:
        svc.round_open(actor=staff, item_id=alt.pk)
    assert "EL-43" in exc.value.message_en
    off = _item(staff, congress, "delegate_official", 2, people[:3], allocated=True)
    _approve(staff, off, 14)
    rnd = svc.round_open(actor=staff, item_id=off.pk)
    _elect(world, staff, rnd, [keep(rnd, people[0], people[1])] * 8 + [keep(rnd, people[0], people[2])] * 6)
    rnd.refresh_from_db()
    assert rnd.elected == [str(cand(off, people[0]).pk), str(cand(off, people[1]).pk)]
    svc.round_open(actor=staff, item_id=alt.pk)  # the officials are elected: alternates may follow


def test_electronic_and_paper_ballots_share_one_box_and_one_count(world, commune):
    """Issue #5: the electronic ballot uses the shared secret-ballot app (same guarantees as the confidence
    votes): who voted and what was voted are apart; account, paper and kiosk ballots are counted together."""
    staff, congress, people = commune
    item = _item(staff, congress, "party_committee", 3, people[:4])
    _approve(staff, item, 14)
    rnd = svc.round_open(actor=staff, item_id=item.pk, electronic=True)
    assert rnd.box.electronic and rnd.box.electronic_rule == "keep_at_most"
    a, b, c, d = people[:4]
    voter = world.users["member_m1"]
    receipt = ballots.ballot_cast(voter=voter, box_id=rnd.box_id, payload=keep(rnd, a, b, c))
    with pytest.raises(ApplicationError):  # four kept of three: refused on the electronic ballot (EL-30)
        ballots.ballot_cast(voter=User.objects.create(username="v_m2", member=world.members["m2"]), box_id=rnd.box_id,
                            payload=keep(rnd, a, b, c, d))
    svc.round_ballots_issue(actor=staff, round_id=rnd.pk, member_ids=[people[1].pk])  # an unnamed kiosk slip
    codes = ballots.kiosk_codes_issue(actor=staff, box_id=rnd.box_id, count=1)
    ballots.kiosk_cast(actor=staff, box_id=rnd.box_id, code=codes[0], payload=keep(rnd, a, b, d))
    svc.round_ballots_issue(actor=staff, round_id=rnd.pk, member_ids=[m.pk for m in people[2:14]])
    for no in range(1, 13):
        for clerk in (staff, world.users["staff_c1"]):
            ballots.paper_entry_save(actor=clerk, box_id=rnd.box_id, paper_no=no, payload=keep(rnd, a, b, c))
    counted = svc.round_count(actor=staff, round_id=rnd.pk)
    assert counted.collected == 14 and counted.valid == 14
    assert counted.votes[str(cand(item, a).pk)] == 14 and counted.votes[str(cand(item, d).pk)] == 1
    assert not any(f.is_relation and f.name != "box" for f in BallotPaper._meta.get_fields())
    assert Participation.objects.get(box_id=rnd.box_id, member=world.members["m1"]).voted
    assert ballots.receipt_in_box(counted.box, receipt.receipt)
