"""Consequence cases (CV-36..CV-45) opened at COUNTED and driven through the domain transitions."""
from __future__ import annotations

from datetime import date

import pytest

from partyorg.confidence import selectors, services
from partyorg.confidence.models import CaseState, ConsequenceCase, State, Subject
from partyorg.core.errors import ApplicationError, NotFoundOrForbidden

from .conftest import atomic_raises, count, enter_paper, to_voting, vote

FIVE = ("m1", "m2", "m3", "m4", "m5")


def vote_lows(world, conf, lows_for_m1: int, lows_for_m2: int = 0):
    """Five ballots (three electronic, two paper): the first ``lows_for_m1`` rate m1 low."""
    services.paper_ballots_issue(actor=world.users["staff_c1"], conference_id=conf.pk,
                                 member_ids=[world.members["m4"].pk, world.members["m5"].pk])
    for i, k in enumerate(("m1", "m2", "m3", "p1", "p2")):
        marks = {"m1": "L" if i < lows_for_m1 else "H", "m2": "L" if i < lows_for_m2 else "M"}
        if k.startswith("p"):
            enter_paper(world, conf, int(k[1]), marks)
        else:
            vote(world, conf, k, marks)
    return count(world, conf)


def case_of(world, key="m1") -> ConsequenceCase:
    return ConsequenceCase.objects.get(member=world.members[key])


def staff(world):
    return world.users["staff_c1"]


def test_qd96_over_half_opens_a_case_with_planning_hold(world):
    """CV-34, CV-36, CV-44, CV-45, TC-CV-18: 3 of 5 low -> LOW_GT_1_2; case OPEN with planning hold;
    closing without the removal decision and an option is refused; the case then closes and the
    reported conference closes with it (REPORTED -> CLOSED, system)."""
    conf = vote_lows(world, to_voting(world, present=FIVE), 3)
    s = Subject.objects.get(conference=conf, member=world.members["m1"])
    assert s.band == "LOW_GT_1_2" and s.low_pct == 60
    assert s.consequences == ["remove_from_planning_higher_posts",
                              "consider_relief_reassignment_resignation_or_no_confidence_vote"]
    case = case_of(world)
    assert s.case_id == case.pk and case.state == CaseState.OPEN and case.planning_hold
    assert case.due_on == date(2026, 12, 20) and case.authority == world.p1    # parent of C1 by default
    assert not ConsequenceCase.objects.filter(member=world.members["m2"]).exists()
    with atomic_raises(ApplicationError) as exc:
        services.case_close(actor=staff(world), case_id=case.pk, closed_on=date(2026, 12, 1))
    assert "CV-45" in exc.value.message_vi
    with atomic_raises(ApplicationError) as exc:
        services.case_record_option(actor=staff(world), case_id=case.pk, option="reassignment", number="5-QĐ/TU",
                                    decided_on=date(2026, 12, 2))
    assert "CV-36" in exc.value.message_vi
    services.conference_report(actor=staff(world), conference_id=conf.pk, data=services.ReportInput(
        recipient="Ban Thường vụ Tỉnh ủy Alpha", number="12-BC/ĐU", report_date=date(2026, 11, 25)))
    conf.refresh_from_db()
    assert conf.state == State.REPORTED
    case = services.case_record_planning_removal(actor=world.users["staff_p1"], case_id=case.pk, number="4-QĐ/TU",
                                                 decided_on=date(2026, 12, 1))
    assert case.state == CaseState.PLANNING_REMOVED and not case.planning_hold
    with atomic_raises(ApplicationError) as exc:
        services.case_record_option(actor=staff(world), case_id=case.pk, option="retained_after_consideration",
                                    number="5-QĐ/TU", decided_on=date(2026, 12, 2))
    assert "OP-10" in exc.value.message_vi
    services.case_record_option(actor=staff(world), case_id=case.pk, option="reassignment", number="5-QĐ/TU",
                                decided_on=date(2026, 12, 2), new_post="Chuyên viên Ban Tổ chức")
    case = services.case_close(actor=staff(world), case_id=case.pk, closed_on=date(2026, 12, 3))
    assert case.state == CaseState.CLOSED and "CV-45" in case.rules
    conf.refresh_from_db()
    assert conf.state == State.CLOSED


def test_qd96_two_thirds_needs_relief_and_a_lower_post(world):
    """CV-37, TC-CV-19: 4 of 5 low -> LOW_GE_2_3; the case needs the relief decision and a lower post."""
    conf = vote_lows(world, to_voting(world, present=FIVE), 4)
    case = case_of(world)
    assert case.level == "LOW_GE_2_3" and not case.planning_hold
    with atomic_raises(ApplicationError):
        services.case_record_relief(actor=staff(world), case_id=case.pk, number="6-QĐ/TU",
                                    decided_on=date(2026, 12, 1), new_post=" ")
    services.case_record_relief(actor=staff(world), case_id=case.pk, number="6-QĐ/TU", decided_on=date(2026, 12, 1),
                                new_post="Phó Chủ tịch Hội Nông dân xã")
    assert case_of(world).state == CaseState.DECIDED
    services.conference_report(actor=staff(world), conference_id=conf.pk, data=services.ReportInput(
        recipient="Ban Thường vụ Tỉnh ủy", number="13-BC/ĐU", report_date=date(2026, 11, 25)))
    services.case_close(actor=staff(world), case_id=case.pk, closed_on=date(2026, 12, 5))
    conf.refresh_from_db()
    assert conf.state == State.CLOSED


def test_qd262_only_considers_planning_removal(world):
    """CV-39, TC-CV-17: QD262 over one half -> an optional consideration, no mandatory relief."""
    vote_lows(world, to_voting(world, present=FIVE, rule_set="QD262-2014"), 4)
    case = case_of(world)
    assert case.consequences == ["consider_planning_removal"] and "CV-39" in case.rules
    services.case_record_consideration(actor=staff(world), case_id=case.pk, removed_from_planning=False)
    assert services.case_close(actor=staff(world), case_id=case.pk, closed_on=date(2026, 12, 1)).state == "CLOSED"


@pytest.mark.parametrize(("k", "expected"), [(2, "RETAINED"), (3, "DISMISSAL_SUBMITTED")])
def test_nq96_vote_of_no_confidence_path(world, k, expected):
    """CV-40, CV-42: NQ 96/2023 over one half -> may resign, else a vote of no confidence; 2*K > N passes."""
    vote_lows(world, to_voting(world, present=FIVE, body_kind="assembly"), 3)
    case = case_of(world)
    assert case.consequences == ["may_resign_else_no_confidence_vote"]
    services.case_record_no_confidence_vote(actor=staff(world), case_id=case.pk,
                                            vote=services.VoteInput(collected=5, no_confidence=k, issued=5))
    if expected == "RETAINED":
        with atomic_raises(ApplicationError):
            services.case_record_dismissal_submission(actor=staff(world), case_id=case.pk, number="1/TTr",
                                                      decided_on=date(2026, 12, 1))
        case = services.case_record_retained(actor=staff(world), case_id=case.pk)
    else:
        case = services.case_record_dismissal_submission(actor=staff(world), case_id=case.pk, number="1/TTr",
                                                         decided_on=date(2026, 12, 1))
    assert case.state == expected


def test_rated_in_two_places_one_case_and_no_third_place(world):
    """CV-9, CV-38, TC-CV-20: m1 rated at C1 (over one half low) and at C2 (none): one case holding both
    results, awaiting the authority's level; a third place in the cycle is refused."""
    vote_lows(world, to_voting(world, present=FIVE), 3)
    staff_p1 = world.users["staff_p1"]
    second = services.conference_create(actor=staff_p1, org_id=world.c2.pk, data=services.ConferenceInput(
        title="Hội nghị xã Hai", voting_body="Ban Chấp hành Đảng bộ xã Hai", vote_date=date(2026, 11, 25)))
    s = services.subject_add(actor=staff_p1, conference_id=second.pk, member_id=world.members["m1"].pk,
                             position="Bí thư Đảng ủy (nơi sinh hoạt)", reason="Lấy phiếu nơi sinh hoạt đảng (CV-9)")
    assert s.other_places == 1
    services.committee_set(actor=staff_p1, conference_id=second.pk, member_ids=[world.members["m6"].pk],
                           head_id=world.members["m6"].pk)
    services.conference_prepare(actor=staff_p1, conference_id=second.pk)
    assert Subject.objects.get(pk=s.pk).place == 2
    services.roster_update(actor=staff_p1, conference_id=second.pk, member_ids=[world.members["m6"].pk])
    from .conftest import complete_dossiers

    complete_dossiers(staff_p1, second)
    services.conference_send_dossiers(actor=staff_p1, conference_id=second.pk)
    services.attendance_update(actor=staff_p1, conference_id=second.pk, present_ids=[world.members["m6"].pk])
    services.conference_open(actor=staff_p1, conference_id=second.pk)
    services.conference_start_voting(actor=staff_p1, conference_id=second.pk)
    services.paper_ballots_issue(actor=staff_p1, conference_id=second.pk, member_ids=[world.members["m6"].pk])
    second.refresh_from_db()
    from partyorg.ballots import services as ballots

    for clerk in ("staff_p1", "operator"):
        ballots.paper_entry_save(actor=world.users[clerk], box_id=second.box_id, paper_no=1,
                                 payload={"marks": {str(s.pk): "H"}})
    services.conference_count(actor=staff_p1, conference_id=second.pk, today=date(2026, 11, 25))
    assert ConsequenceCase.objects.filter(member=world.members["m1"]).count() == 1
    case = case_of(world)
    assert sorted((r["place"], r["band"]) for r in case.results) == [(1, "LOW_GT_1_2"), (2, "NONE")]
    assert case.level == "" and "CV-38" in case.rules
    assert selectors.allowed_case_actions(case) == ("record_consolidated_level",)
    with atomic_raises(ApplicationError) as exc:
        services.case_record_planning_removal(actor=staff_p1, case_id=case.pk, number="1", decided_on=date(2026, 12, 1))
    assert "CV-38" in exc.value.message_vi
    case = services.case_record_level(actor=staff_p1, case_id=case.pk, level="LOW_GT_1_2", number="7-QĐ/TU",
                                      decided_on=date(2026, 12, 1))
    assert case.level == "LOW_GT_1_2" and case.planning_hold
    assert selectors.low_confidence_over_half(world.members["m1"].pk, 2026) is True
    third = services.conference_create(actor=world.users["operator"], org_id=world.c3.pk, data=services.ConferenceInput(
        title="Nơi thứ ba", voting_body="Ban Chấp hành Đảng bộ xã Ba", vote_date=date(2026, 12, 1)))
    services.subject_add(actor=world.users["operator"], conference_id=third.pk, member_id=world.members["m1"].pk,
                         position="Ủy viên", reason="thử")
    with atomic_raises(ApplicationError) as exc:
        services.conference_prepare(actor=world.users["operator"], conference_id=third.pk)
    assert "CV-9" in exc.value.errors[0].message_vi


def test_case_scope_and_reminders(world):
    """CV-44, OP-7: a case is visible to the conference's office and the managing authority, nobody else;
    a reminder is due after 30 days open."""
    vote_lows(world, to_voting(world, present=FIVE), 3)
    case = case_of(world)
    assert selectors.case_get(actor=world.users["staff_p1"], case_id=case.pk) == case
    with atomic_raises(NotFoundOrForbidden):
        selectors.case_get(actor=world.users["staff_p2"], case_id=case.pk)
    with atomic_raises(NotFoundOrForbidden):
        services.case_record_planning_removal(actor=world.users["staff_p2"], case_id=case.pk, number="1",
                                              decided_on=date(2026, 12, 1))
    assert not selectors.case_reminder_due(case, today=date(2026, 12, 19))
    assert selectors.case_reminder_due(case, today=date(2026, 12, 20))
