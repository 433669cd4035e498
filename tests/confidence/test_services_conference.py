"""Services of a confidence rating conference, PLANNED -> VOTING (spec §4, CV rule IDs per test)."""
from __future__ import annotations

from datetime import date

import pytest

from partyorg.ballots.models import BallotBox
from partyorg.confidence import selectors, services
from partyorg.confidence.models import Conference, State, Subject
from partyorg.core.errors import ApplicationError, Forbidden, NotFoundOrForbidden, StateConflict
from partyorg.core.models import AuditEvent

from .conftest import atomic_raises, complete_dossiers, give_positions, make_conference, to_voting


def staff(world):
    return world.users["staff_c1"]


@pytest.mark.parametrize(("vote_date", "body", "expected"), [
    (date(2023, 2, 1), "party", "QD262-2014"), (date(2023, 2, 2), "party", "QD96-2023"),
    (date(2023, 7, 1), "assembly", "NQ96-2023-QH15")])
def test_rule_set_chosen_by_date_and_recorded(world, vote_date, body, expected):
    """CV-2, CV-3: the rule set follows the vote date and the body, and is stored with its rules."""
    conf = make_conference(world, vote_date=vote_date, body_kind=body, term_start=None)
    assert conf.rule_set == expected
    assert conf.rule_set_rules == (["CV-2"] if body == "party" else ["CV-3"])
    assert not conf.rule_set_explicit


def test_assembly_rating_before_nq96_is_import_only(world):
    """CV-4: an NA/HĐND rating before 2023-07-01 cannot be chosen by date."""
    with atomic_raises(ApplicationError) as exc:
        make_conference(world, vote_date=date(2023, 6, 30), body_kind="assembly", term_start=None)
    assert exc.value.field == "rule_set" and "CV-4" in exc.value.message_vi


def test_explicit_rule_set_is_honoured_with_a_warning(world):
    """CV-2: an explicit QD262 after 2023-02-02 is kept, with a non-blocking notice; the publication
    default follows CV-46 (Party sets are not public, NQ96 rows are)."""
    conf = make_conference(world, rule_set="QD262-2014")
    assert conf.rule_set == "QD262-2014" and conf.rule_set_explicit
    assert any(w["code"] == "rule_set_outside_period" for w in conf.warnings)
    assert conf.publication == "restricted"
    nq = make_conference(world, body_kind="assembly", title="HĐND")
    assert nq.publication == "public"


def test_timing_warning_outside_the_third_year(world):
    """CV-12: a vote outside months 25-36 of the term warns, never blocks."""
    conf = make_conference(world, term_start=date(2025, 10, 1))
    assert [w["rule"] for w in conf.warnings] == ["CV-12"]


def test_subjects_come_from_the_positions_registry_with_exemptions(world):
    """CV-6, CV-7, CV-10, CV-23: current leadership posts of the commune committee; one row per person;
    the standing member appointed in the vote's year is exempt with the reason stored."""
    give_positions(world)
    conf = make_conference(world)
    assert services.subjects_generate(actor=staff(world), conference_id=conf.pk) == 3
    rows = {s.member_id: s for s in Subject.objects.filter(conference=conf)}
    m = world.members
    assert rows[m["m1"].pk].positions == ["Bí thư"] and not rows[m["m1"].pk].exempt
    assert rows[m["m3"].pk].exempt and rows[m["m3"].pk].exemption_reasons == ["appointed_or_elected_this_year"]
    assert "CV-7" in rows[m["m3"].pk].exemption_rules
    assert [s.full_name for s in selectors.ballot_subjects(conf)] == [m["m1"].full_name, m["m2"].full_name]
    # Running it again adds nobody and keeps the order.
    assert services.subjects_generate(actor=staff(world), conference_id=conf.pk) == 0


def test_retirement_notice_exempts_and_hand_adjustments_need_a_reason(world):
    """CV-7 (retirement notice); subjects adjustable by hand with a reason."""
    give_positions(world)
    conf = make_conference(world)
    services.subjects_generate(actor=staff(world), conference_id=conf.pk)
    s1 = Subject.objects.get(conference=conf, member=world.members["m1"])
    s1 = services.subject_facts_update(actor=staff(world), conference_id=conf.pk, subject_id=s1.pk,
                                       data=services.FactsInput(retirement_notice=True, elected_on=s1.elected_on))
    assert s1.exempt and s1.exemption_reasons == ["retirement_notice"]
    with atomic_raises(ApplicationError) as exc:
        services.subject_add(actor=staff(world), conference_id=conf.pk, member_id=world.members["m5"].pk,
                             position="Chủ tịch Ủy ban MTTQ xã", reason=" ")
    assert exc.value.errors[0].field == "reason"
    added = services.subject_add(actor=staff(world), conference_id=conf.pk, member_id=world.members["m5"].pk,
                                 position="Chủ tịch Ủy ban MTTQ xã", reason="Chức danh do Ban Thường vụ quản lý")
    assert added.source == "manual" and not added.exempt
    s2 = Subject.objects.get(conference=conf, member=world.members["m2"])
    with atomic_raises(ApplicationError):
        services.subject_remove(actor=staff(world), conference_id=conf.pk, subject_id=s2.pk, reason="")
    services.subject_remove(actor=staff(world), conference_id=conf.pk, subject_id=s2.pk, reason="Đã chuyển công tác")
    assert [s.member_id for s in selectors.ballot_subjects(conf)] == [world.members["m5"].pk]


def test_cell_level_posts_are_not_rated(world):
    """CV-6: a unit without subordinate units has no rated posts from the registry."""
    from partyorg.members.services import position_assign

    position_assign(actor=world.users["operator"], member_id=world.members["m1"].pk, organization_id=world.cell1.pk,
                    title="bi_thu", start_on=date(2021, 1, 1), how_obtained="elected")
    conf = services.conference_create(actor=staff(world), org_id=world.cell1.pk, data=services.ConferenceInput(
        title="Chi bộ", voting_body="Chi bộ Thôn Một", vote_date=date(2026, 11, 20)))
    with atomic_raises(ApplicationError) as exc:
        services.subjects_generate(actor=staff(world), conference_id=conf.pk)
    assert "CV-6" in exc.value.message_vi


@pytest.mark.parametrize(("rule_set", "months", "exempt"), [
    ("NQ96-2023-QH15", 6, True), ("NQ96-2023-QH15", 5, False), ("QD96-2023", 6, False)])
def test_long_illness_exemption_only_under_nq96(world, rule_set, months, exempt):
    """CV-8, OP-4, TC-CV-15: 6 consecutive months off with medical confirmation exempts under NQ96 only."""
    give_positions(world)
    body = "assembly" if rule_set.startswith("NQ") else "party"
    conf = make_conference(world, body_kind=body)
    services.subjects_generate(actor=staff(world), conference_id=conf.pk)
    s = Subject.objects.get(conference=conf, member=world.members["m2"])
    s = services.subject_facts_update(actor=staff(world), conference_id=conf.pk, subject_id=s.pk, data=services.FactsInput(
        elected_on=s.elected_on, serious_illness=True, months_off=months))
    assert s.exempt is exempt
    assert ("serious_illness_6_months" in s.exemption_reasons) is exempt


def test_counting_committee_members_cannot_be_rated(world):
    """CV-22 / §3: the counting committee counts; none of its members is a rated person."""
    give_positions(world)
    conf = make_conference(world)
    services.subjects_generate(actor=staff(world), conference_id=conf.pk)
    with atomic_raises(ApplicationError) as exc:
        services.committee_set(actor=staff(world), conference_id=conf.pk,
                               member_ids=[world.members["m1"].pk, world.members["m4"].pk],
                               head_id=world.members["m4"].pk)
    assert "Nguyễn Văn An" in exc.value.errors[0].message_vi
    services.committee_set(actor=staff(world), conference_id=conf.pk, member_ids=[world.members["m4"].pk],
                           head_id=world.members["m4"].pk)
    with atomic_raises(ApplicationError):
        services.subject_add(actor=staff(world), conference_id=conf.pk, member_id=world.members["m4"].pk,
                             position="Ủy viên", reason="x")


def test_prepare_creates_the_ballot_box_in_the_organisers_order(world):
    """CV-23, OP-14: the box lists the persons on the ballot (exempt ones left off) in the chosen order."""
    give_positions(world)
    conf = make_conference(world)
    services.subjects_generate(actor=staff(world), conference_id=conf.pk)
    ids = list(Subject.objects.filter(conference=conf).order_by("-order").values_list("pk", flat=True))
    services.subjects_reorder(actor=staff(world), conference_id=conf.pk, subject_ids=ids)
    conf = services.conference_prepare(actor=staff(world), conference_id=conf.pk)
    box = BallotBox.objects.get(pk=conf.box_id)
    assert [i["label"] for i in box.items] == [world.members["m2"].full_name, world.members["m1"].full_name]
    assert box.items[0]["detail"] == "Phó Bí thư"
    assert {c["code"] for c in box.mark_choices} >= {"H", "M", "L"}
    assert conf.state == State.PREPARING
    with atomic_raises(StateConflict):
        services.subjects_generate(actor=staff(world), conference_id=conf.pk)


def test_dossiers_must_be_complete_before_they_are_sent(world):
    """CV-19, CV-20: every rated person's dossier is complete before PREPARING -> DOSSIERS_SENT; the
    deadlines are D-20, D-15, D-10, D-3 by default (OP-8)."""
    give_positions(world)
    conf = make_conference(world)
    services.subjects_generate(actor=staff(world), conference_id=conf.pk)
    services.conference_prepare(actor=staff(world), conference_id=conf.pk)
    services.roster_update(actor=staff(world), conference_id=conf.pk, member_ids=[world.members["m1"].pk])
    with atomic_raises(ApplicationError) as exc:
        services.conference_send_dossiers(actor=staff(world), conference_id=conf.pk)
    assert len(exc.value.errors) == 2 and "CV-19" in exc.value.errors[0].message_vi
    complete_dossiers(staff(world), conf)
    conf = services.conference_send_dossiers(actor=staff(world), conference_id=conf.pk, today=date(2026, 11, 5))
    assert conf.state == State.DOSSIERS_SENT and conf.milestones == {"dossiers_to_voters": "2026-11-05"}
    rows = selectors.deadlines_of(conf, today=date(2026, 11, 1))
    assert [(r.days_before, r.due) for r in rows] == [(20, date(2026, 10, 31)), (15, date(2026, 11, 5)),
                                                      (10, date(2026, 11, 10)), (3, date(2026, 11, 17))]
    assert rows[0].late and not rows[1].late


def test_quorum_blocks_opening_then_postpone_and_reschedule(world):
    """CV-17, EX-7 shape: 5 convened, 3 present (9 < 10) blocks; POSTPONED -> DOSSIERS_SENT; 4 present opens."""
    give_positions(world)
    conf = make_conference(world)
    services.subjects_generate(actor=staff(world), conference_id=conf.pk)
    services.conference_prepare(actor=staff(world), conference_id=conf.pk)
    services.roster_update(actor=staff(world), conference_id=conf.pk,
                           member_ids=[world.members[k].pk for k in ("m1", "m2", "m3", "m4", "m5")])
    complete_dossiers(staff(world), conf)
    services.conference_send_dossiers(actor=staff(world), conference_id=conf.pk)
    services.attendance_update(actor=staff(world), conference_id=conf.pk,
                               present_ids=[world.members[k].pk for k in ("m1", "m2", "m3")])
    with atomic_raises(StateConflict) as exc:
        services.conference_open(actor=staff(world), conference_id=conf.pk)
    assert exc.value.field == "present" and "CV-17" in exc.value.message_vi
    services.conference_postpone(actor=staff(world), conference_id=conf.pk, reason="Không đủ 2/3")
    services.conference_reschedule(actor=staff(world), conference_id=conf.pk, vote_date=date(2026, 11, 27))
    conf.refresh_from_db()
    assert conf.state == State.DOSSIERS_SENT and conf.vote_date == date(2026, 11, 27)
    services.attendance_update(actor=staff(world), conference_id=conf.pk,
                               present_ids=[world.members[k].pk for k in ("m1", "m2", "m3", "m4")])
    conf = services.conference_open(actor=staff(world), conference_id=conf.pk)
    assert conf.state == State.OPENED and conf.quorum["required"] == 4 and conf.quorum["reached"]


def test_nq96_records_attendance_without_blocking(world):
    """CV-18, OP-6: under NQ 96/2023 the two-thirds check is recorded, not blocking."""
    conf = to_voting(world, present=("m1", "m2"), body_kind="assembly")
    assert conf.state == State.VOTING
    assert conf.quorum["reached"] is False and conf.quorum["mode"] == "record_only"


def test_voting_needs_a_counting_committee(world):
    """CV-22: ballots are issued by the counting committee, so it must exist (with a head)."""
    give_positions(world)
    conf = make_conference(world)
    services.subjects_generate(actor=staff(world), conference_id=conf.pk)
    services.conference_prepare(actor=staff(world), conference_id=conf.pk)
    services.roster_update(actor=staff(world), conference_id=conf.pk,
                           member_ids=[world.members[k].pk for k in ("m1", "m2", "m4")])
    complete_dossiers(staff(world), conf)
    services.conference_send_dossiers(actor=staff(world), conference_id=conf.pk)
    services.attendance_update(actor=staff(world), conference_id=conf.pk,
                               present_ids=[world.members[k].pk for k in ("m1", "m2", "m4")])
    services.conference_open(actor=staff(world), conference_id=conf.pk)
    with atomic_raises(ApplicationError) as exc:
        services.conference_start_voting(actor=staff(world), conference_id=conf.pk)
    assert exc.value.field == "committee"


def test_rule_set_and_parameters_freeze_at_voting(world):
    """CV-5, CV-1: at VOTING the settings are frozen and recorded with the defaults applied; later
    edits are refused and later configuration changes do not reach the conference."""
    conf = to_voting(world, settings={"case_reminder_days": 45})
    assert conf.settings_frozen["case_reminder_days"] == 45
    points = {(d["point"], d["parameter"]): d for d in conf.defaults_applied}
    assert points[("CV-5", "freeze_point")]["value"] == "VOTING"
    assert points[("OP-7", "case_reminder_days")]["standard"] is False
    data = services.ConferenceInput(title="x", voting_body="y", vote_date=conf.vote_date)
    with atomic_raises(StateConflict) as exc:
        services.conference_update(actor=staff(world), conference_id=conf.pk, data=data)
    assert "CV-5" in exc.value.message_vi
    Conference.objects.filter(pk=conf.pk).update(settings_overrides={"case_reminder_days": 10})
    conf.refresh_from_db()
    assert selectors.conference_settings(conf).case_reminder_days == 45


def test_every_transition_is_checked_and_audited(world):
    """§4: no skipping states; each transition writes an audit event in its transaction."""
    give_positions(world)
    conf = make_conference(world)
    services.subjects_generate(actor=staff(world), conference_id=conf.pk)
    with atomic_raises(StateConflict):
        services.conference_open(actor=staff(world), conference_id=conf.pk)
    with atomic_raises(StateConflict):
        services.conference_start_voting(actor=staff(world), conference_id=conf.pk)
    services.conference_prepare(actor=staff(world), conference_id=conf.pk)
    actions = list(AuditEvent.objects.filter(target_type="confidence.conference", target_id=str(conf.pk))
                   .order_by("id").values_list("action", flat=True))
    assert actions == ["confidence.create", "confidence.subjects_generate", "confidence.prepare"]
    services.conference_cancel(actor=staff(world), conference_id=conf.pk, reason="Thay đổi kế hoạch")
    conf.refresh_from_db()
    assert conf.state == State.CANCELLED and set(conf.state_times) == {"PLANNED", "PREPARING", "CANCELLED"}


def test_writes_need_write_scope_and_foreign_staff_see_nothing(world):
    """Scopes: a leader reads but cannot write; staff of another province get 'not found'."""
    give_positions(world)
    conf = make_conference(world)
    with atomic_raises(Forbidden):
        services.subjects_generate(actor=world.users["leader_p1"], conference_id=conf.pk)
    with atomic_raises(NotFoundOrForbidden):
        services.subjects_generate(actor=world.users["staff_p2"], conference_id=conf.pk)
    with atomic_raises(NotFoundOrForbidden):
        services.conference_create(actor=world.users["staff_p2"], org_id=world.c1.pk, data=services.ConferenceInput(
            title="x", voting_body="y", vote_date=date(2026, 11, 20)))
    assert selectors.conference_get(actor=world.users["leader_p1"], conference_id=conf.pk) == conf
    with atomic_raises(NotFoundOrForbidden):
        selectors.conference_get(actor=world.users["staff_p2"], conference_id=conf.pk)
    assert not selectors.conference_list(actor=world.users["member_m1"]).exists()
