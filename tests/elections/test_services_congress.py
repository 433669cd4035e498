"""Congress: rule set by date, roll from the registry, attendance and adjustments giving D, bodies
elected by show of hands, session states, scope (EL-1, EL-2, EL-6..EL-8, EL-36..EL-38)."""
from __future__ import annotations

from datetime import date

import pytest

from partyorg.core.errors import ApplicationError, Forbidden, NotFoundOrForbidden, StateConflict
from partyorg.core.models import AuditEvent
from partyorg.elections import selectors
from partyorg.elections import services as svc
from partyorg.elections.models import RollEntry
from partyorg.members.services import member_change_status

from .conftest import build_cell_congress


def _congress(world, starts_on, actor="staff_p1", org=None, **kw):
    return svc.congress_create(actor=world.users[actor], data=svc.CongressInput(
        org_id=(org or world.cell1).pk, title="Đại hội thử", venue=kw.pop("venue", "cell_congress"),
        kind=kw.pop("kind", "members"), term_label="2025–2030", starts_on=starts_on, **kw))


@pytest.mark.parametrize(("day", "rule_set"), [(date(2024, 10, 9), "QD244-2014"), (date(2024, 10, 10), "QD190-2024")])
def test_rule_set_is_chosen_by_date_and_recorded_with_its_defaults(world, day, rule_set):
    """TC-EL-22 (EL-1, EL-2)."""
    c = _congress(world, day)
    assert c.rule_set == rule_set
    assert c.defaults_applied["qc190_effective"] == "2024-10-10" and "tie_at_cutoff" in c.defaults_applied
    ev = AuditEvent.objects.filter(action="election.congress_create").last()
    assert ev.after["rule_set"] == rule_set and ev.after["rules"] == ["EL-2"]


def test_no_rule_set_before_2014(world):
    """EL-2: before QĐ 244 took effect no rule set of the system applies."""
    with pytest.raises(ApplicationError) as exc:
        _congress(world, date(2014, 6, 8))
    assert exc.value.field == "starts_on"


def test_scope_and_venue_checks(world):
    with pytest.raises(NotFoundOrForbidden):
        _congress(world, date(2025, 5, 1), actor="staff_p2")
    with pytest.raises(Forbidden):
        _congress(world, date(2025, 5, 1), actor="leader_p1")
    with pytest.raises(ApplicationError) as exc:
        _congress(world, date(2025, 5, 1), org=world.c1)  # a cell congress at a commune committee
    assert exc.value.field == "venue"
    with pytest.raises(ApplicationError):
        _congress(world, date(2025, 5, 1), kind="committee_conference")


def test_roll_from_the_registry_deducts_suspended_members(world):
    """EL-36: suspended members are convened but deducted from D; probationary members are not convened."""
    op = world.users["operator"]
    member_change_status(actor=op, member_id=world.members["m3"].pk, new_status="suspended",
                         effective_on=date(2025, 1, 1), reason="Kỷ luật")
    c = _congress(world, date(2025, 5, 1))
    assert svc.congress_roll_fill(actor=world.users["staff_p1"], congress_id=c.pk) == 3
    summary = selectors.roll_summary(c)
    assert (summary.convened, summary.roll.roll) == (3, 2)
    assert summary.components[0][0] == "suspended_or_prosecuted" and summary.roll.rules == ("EL-35", "EL-36")
    assert selectors.voters(c)[0] == [world.members["m1"].pk, world.members["m2"].pk]


def test_ex9_approved_absence_changes_d(world):
    """EX-9 (EL-35, EL-36): 12 convened, one absent. Absence not approved: D=12; approved: D=11. An absent
    exempted member is deducted automatically; if they attend they count."""
    cell = build_cell_congress(world, open_session=False, counting=False)
    staff, c = cell.staff, cell.congress
    absent = cell.entry(cell.members[5])
    everyone = [e.pk for e in RollEntry.objects.filter(congress=c)]
    svc.congress_attendance_set(actor=staff, congress_id=c.pk, present_entry_ids=[p for p in everyone if p != absent.pk])
    assert selectors.roll_summary(c).roll.roll == 12
    svc.roll_entry_adjust(actor=staff, congress_id=c.pk, entry_id=absent.pk, deduction="absent_approved", reason="Ốm")
    s = selectors.roll_summary(c)
    assert (s.roll.roll, s.votes_needed, s.present) == (11, 6, 11)
    # present again: the absence deduction no longer applies
    svc.congress_attendance_set(actor=staff, congress_id=c.pk, present_entry_ids=everyone)
    assert selectors.roll_summary(c).roll.roll == 12
    # exempted members: deducted only while absent
    RollEntry.objects.filter(pk=absent.pk).update(exempted=True)
    svc.congress_attendance_set(actor=staff, congress_id=c.pk, present_entry_ids=[p for p in everyone if p != absent.pk])
    assert RollEntry.objects.get(pk=absent.pk).deduction == "exempted_absent"
    assert selectors.roll_summary(c).roll.roll == 11


def test_absence_deductions_need_an_absent_person_and_the_right_kind(world):
    """EL-36..EL-38: categories belong to a kind of congress; absence categories need an absentee."""
    cell = build_cell_congress(world, open_session=False, counting=False)
    e = cell.entry(cell.members[0])
    with pytest.raises(ApplicationError) as exc:
        svc.roll_entry_adjust(actor=cell.staff, congress_id=cell.congress.pk, entry_id=e.pk,
                              deduction="absent_approved")
    assert exc.value.field == "deduction" and "EL-36" in exc.value.message_vi
    with pytest.raises(ApplicationError) as exc:
        svc.roll_entry_adjust(actor=cell.staff, congress_id=cell.congress.pk, entry_id=e.pk,
                              deduction="delegate_absent_unreplaced")
    assert "EL-36" in exc.value.message_en
    svc.roll_entry_adjust(actor=cell.staff, congress_id=cell.congress.pk, entry_id=e.pk,
                          deduction="temporary_elsewhere", reason="Giấy giới thiệu 12")
    assert selectors.roll_summary(cell.congress).roll.roll == 11


def test_delegates_congress_roll_with_alternates(world):
    """TC-EL-07 roll (EL-37): officials convened minus those absent throughout with no alternate; an
    alternate who replaces an absent delegate votes and the delegate is not deducted."""
    staff = world.users["staff_p1"]
    c = _congress(world, date(2025, 6, 1), org=world.c1, venue="organisation_congress", kind="delegates")
    with pytest.raises(ApplicationError):
        svc.congress_roll_fill(actor=staff, congress_id=c.pk)
    cards = [world.members[k].party_card_number for k in ("m1", "m2", "m3", "m4")]
    assert svc.congress_roll_add(actor=staff, congress_id=c.pk, identifiers=cards, standing="official") == 4
    assert svc.congress_roll_add(actor=staff, congress_id=c.pk, identifiers=[world.members["m5"].citizen_id],
                                 standing="alternate") == 1
    with pytest.raises(ApplicationError) as exc:  # outside the scope or unknown
        svc.congress_roll_add(actor=staff, congress_id=c.pk, identifiers=[world.members["m7"].party_card_number],
                              standing="official")
    assert exc.value.errors[0].row == 1
    rows = {e.member_id: e for e in RollEntry.objects.filter(congress=c)}
    m1, m4, m5 = (world.members[k].pk for k in ("m1", "m4", "m5"))
    svc.congress_attendance_set(actor=staff, congress_id=c.pk, present_entry_ids=[
        rows[world.members[k].pk].pk for k in ("m2", "m3", "m5")])
    svc.roll_entry_adjust(actor=staff, congress_id=c.pk, entry_id=rows[m1].pk, deduction="delegate_absent_unreplaced")
    svc.roll_alternate_replace(actor=staff, congress_id=c.pk, alternate_id=rows[m5].pk, official_id=rows[m4].pk)
    s = selectors.roll_summary(c)
    assert (s.convened, s.roll.roll, s.voters_present) == (4, 3, 3)
    assert s.roll.rules == ("EL-35", "EL-37")
    with pytest.raises(ApplicationError):  # replaced: not deducted
        svc.roll_entry_adjust(actor=staff, congress_id=c.pk, entry_id=rows[m4].pk,
                              deduction="delegate_absent_unreplaced")


def test_bodies_by_show_of_hands_and_the_counting_committee(world):
    """EL-6, EL-7: the counting committee is elected by show of hands from officials on the roll."""
    cell = build_cell_congress(world, open_session=False, counting=False)
    staff, c = cell.staff, cell.congress
    with pytest.raises(ApplicationError) as exc:
        svc.congress_body_record(actor=staff, congress_id=c.pk, kind="presidium", member_ids=[cell.members[0].pk],
                                 head_id=None, agree=13, disagree=0, attending=12)
    assert exc.value.field == "attending"
    with pytest.raises(ApplicationError):
        svc.congress_body_record(actor=staff, congress_id=c.pk, kind="counting",
                                 member_ids=[world.members["m7"].pk], head_id=None, agree=12, disagree=0, attending=12)
    body = svc.congress_body_record(actor=staff, congress_id=c.pk, kind="presidium", member_ids=[
        cell.members[0].pk, cell.members[1].pk], head_id=cell.members[0].pk, agree=11, disagree=1, attending=12)
    assert body.members.count() == 2 and body.agree == 11
    ev = AuditEvent.objects.filter(action="election.body_record").last()
    assert ev.after["rules"] == ["EL-6"] and ev.after["agree"] == 11


def test_session_states(world):
    cell = build_cell_congress(world, open_session=False)
    staff, c = cell.staff, cell.congress
    with pytest.raises(StateConflict):
        svc.congress_close(actor=staff, congress_id=c.pk)
    svc.congress_open(actor=staff, congress_id=c.pk)
    with pytest.raises(StateConflict):
        svc.congress_open(actor=staff, congress_id=c.pk)
    with pytest.raises(StateConflict):  # the roll is fixed once the session opens
        svc.congress_roll_fill(actor=staff, congress_id=c.pk)
    svc.congress_close(actor=staff, congress_id=c.pk, ends_on=date(2025, 5, 11))
    c.refresh_from_db()
    assert c.state == "closed" and c.ends_on == date(2025, 5, 11)


def test_selectors_filter_by_scope(world):
    cell = build_cell_congress(world, open_session=False, counting=False)
    assert list(selectors.congress_list(actor=world.users["staff_p1"])) == [cell.congress]
    assert list(selectors.congress_list(actor=world.users["leader_p1"])) == [cell.congress]
    assert list(selectors.congress_list(actor=world.users["staff_p2"])) == []
    assert list(selectors.congress_list(actor=world.users["member_m1"])) == []
    with pytest.raises(NotFoundOrForbidden):
        selectors.congress_get(actor=world.users["staff_p2"], congress_id=cell.congress.pk)
    with pytest.raises(Forbidden):
        selectors.congress_get(actor=world.users["leader_p1"], congress_id=cell.congress.pk, write=True)
