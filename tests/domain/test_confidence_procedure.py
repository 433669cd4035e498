"""Confidence votes: rule sets, who is rated, exemptions, timing, voters, dossiers, ballots and tally.

Rules CV-2..CV-26 of confidence-votes.md, with TC-CV-10..16 and TC-CV-20 (places).
"""

from __future__ import annotations

from datetime import date

import pytest

from partyorg.domain import confidence as cv
from partyorg.domain.confidence import Body, ConfidenceError, Mark, RuleSet

QD96 = RuleSet.QD96_2023
QD262 = RuleSet.QD262_2014
NQ96 = RuleSet.NQ96_2023_QH15
NQ85 = RuleSet.NQ85_2014
NQ35 = RuleSet.NQ35_2012
H, M, L = Mark.HIGH, Mark.MEDIUM, Mark.LOW


# --------------------------------------------------------------------------------------------------
# Rule-set selection (CV-2..CV-4, TC-CV-16)
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("vote_date", "body", "replay", "expected", "rule"),
    [
        pytest.param(date(2023, 2, 1), Body.PARTY, None, QD262, "CV-2", id="TC-CV-16-CV-2-party-2023-02-01"),
        pytest.param(date(2023, 2, 2), Body.PARTY, None, QD96, "CV-2", id="TC-CV-16-CV-2-party-2023-02-02"),
        pytest.param(date(2014, 10, 8), Body.PARTY, None, QD262, "CV-2", id="CV-2-party-2014"),
        pytest.param(date(2026, 5, 1), Body.PARTY, None, QD96, "CV-2", id="CV-2-party-2026"),
        pytest.param(date(2023, 7, 1), Body.ASSEMBLY, None, NQ96, "CV-3", id="TC-CV-16-CV-3-hdnd-2023-07-01"),
        pytest.param(date(2023, 6, 30), Body.ASSEMBLY, NQ85, NQ85, "CV-4", id="TC-CV-16-CV-4-hdnd-2023-06-30-NQ85"),
        pytest.param(date(2013, 6, 10), Body.ASSEMBLY, NQ35, NQ35, "CV-4", id="CV-4-NQ35-replay"),
    ],
)
def test_select_rule_set(vote_date, body, replay, expected, rule):
    selection = cv.select_rule_set(vote_date=vote_date, body=body, replay=replay)
    assert selection.rule_set is expected
    assert selection.rules == (rule,)
    assert selection.explicit is (replay is not None)


@pytest.mark.parametrize(
    ("vote_date", "body", "replay", "code"),
    [
        pytest.param(date(2023, 6, 30), Body.ASSEMBLY, None, "assembly_before_nq96_import_only",
                     id="TC-CV-16-CV-4-no-date-based-replay-choice"),
        pytest.param(date(2023, 6, 30), Body.ASSEMBLY, QD96, "assembly_before_nq96_import_only",
                     id="CV-4-replay-must-be-NQ85-or-NQ35"),
        pytest.param(date(2023, 7, 1), Body.ASSEMBLY, NQ85, "replay_after_nq96", id="CV-3-no-replay-after-NQ96"),
        pytest.param(date(2020, 1, 1), Body.PARTY, NQ85, "replay_not_for_party", id="CV-2-no-replay-for-party"),
    ],
)
def test_select_rule_set_refusals(vote_date, body, replay, code):
    with pytest.raises(ConfidenceError) as err:
        cv.select_rule_set(vote_date=vote_date, body=body, replay=replay)
    assert err.value.code == code
    assert err.value.message_vi and err.value.message_en


def test_replay_choice_reports_cv4_default():
    selection = cv.select_rule_set(vote_date=date(2018, 10, 25), body=Body.ASSEMBLY, replay=NQ85)
    assert [d.point for d in selection.defaults_applied] == ["CV-4"]


@pytest.mark.parametrize(
    ("rule_set", "vote_date", "warned"),
    [
        pytest.param(QD96, date(2022, 5, 1), True, id="CV-2-QD96-before-2023-02-02"),
        pytest.param(QD262, date(2023, 2, 2), True, id="CV-2-QD262-after"),
        pytest.param(QD262, date(2023, 2, 1), False, id="CV-2-QD262-in-period"),
        pytest.param(NQ96, date(2023, 6, 30), True, id="CV-3-NQ96-before-2023-07-01"),
        pytest.param(NQ96, date(2023, 7, 1), False, id="CV-3-NQ96-in-period"),
        pytest.param(NQ85, date(2024, 1, 1), True, id="CV-4-replay-after"),
    ],
)
def test_explicit_rule_set_is_honoured_with_a_warning(rule_set, vote_date, warned):
    selection = cv.explicit_rule_set(rule_set, vote_date)
    assert selection.rule_set is rule_set and selection.explicit
    assert bool(selection.warnings) is warned


def test_rule_set_labels():
    assert "96-QĐ/TW" in QD96.label_vi and "96-QD/TW" in QD96.label_en
    assert NQ85.is_replay and not QD96.is_replay and QD262.is_party and not NQ96.is_party


# --------------------------------------------------------------------------------------------------
# Conference lifecycle and freeze (CV-5, §4)
# --------------------------------------------------------------------------------------------------

S = cv.ConferenceState


@pytest.mark.parametrize(
    ("state", "frozen"),
    [pytest.param(s, s in (S.VOTING, S.COUNTED, S.REPORTED, S.CLOSED), id=f"CV-5-{s.value}") for s in S],
)
def test_parameters_freeze_from_voting_cv5(state, frozen):
    assert cv.parameters_frozen(state) is frozen


def test_conference_path_cv5_cv17_cv31():
    quorum_ok = cv.decide_quorum(rule_set=QD96, convened=30, present=20)
    quorum_no = cv.decide_quorum(rule_set=QD96, convened=30, present=19)
    consistent = cv.check_consistency(present=20, issued=20, collected=20, persons=[])
    assert cv.conference_transition(S.PLANNED, S.PREPARING).target is S.PREPARING
    with pytest.raises(ConfidenceError):
        cv.conference_transition(S.PREPARING, S.DOSSIERS_SENT, dossiers_complete=False)
    cv.conference_transition(S.PREPARING, S.DOSSIERS_SENT, dossiers_complete=True)
    with pytest.raises(ConfidenceError) as err:
        cv.conference_transition(S.DOSSIERS_SENT, S.OPENED, quorum=quorum_no)
    assert "CV-17" in err.value.rules
    cv.conference_transition(S.DOSSIERS_SENT, S.POSTPONED)
    cv.conference_transition(S.POSTPONED, S.DOSSIERS_SENT)
    cv.conference_transition(S.DOSSIERS_SENT, S.OPENED, quorum=quorum_ok)
    to_voting = cv.conference_transition(S.OPENED, S.VOTING)
    assert to_voting.freezes and to_voting.rules == ("CV-5",)
    with pytest.raises(ConfidenceError):
        cv.conference_transition(S.VOTING, S.CANCELLED, collected=20)  # only before VOTING, or N == 0
    bad = cv.check_consistency(present=20, issued=20, collected=21, persons=[])
    with pytest.raises(ConfidenceError) as err:
        cv.conference_transition(S.VOTING, S.COUNTED, consistency=bad, collected=21)
    assert "CV-31" in err.value.rules
    cv.conference_transition(S.VOTING, S.COUNTED, consistency=consistent, collected=20)
    cv.conference_transition(S.COUNTED, S.REPORTED)
    with pytest.raises(ConfidenceError):
        cv.conference_transition(S.REPORTED, S.CLOSED, open_cases=1)
    cv.conference_transition(S.REPORTED, S.CLOSED, open_cases=0)
    with pytest.raises(ConfidenceError):
        cv.conference_transition(S.COUNTED, S.VOTING)
    assert cv.conference_transition(S.OPENED, S.CANCELLED).target is S.CANCELLED


# --------------------------------------------------------------------------------------------------
# Who is rated, exemptions, places (CV-6..CV-10)
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "rated"),
    [
        pytest.param({"holds_leadership_or_management_post": True, "central_level": True}, True, id="CV-6-central"),
        pytest.param({"holds_leadership_or_management_post": True, "unit_has_subordinate_units": True}, True,
                     id="CV-6-level-with-subordinate-units"),
        pytest.param({"holds_leadership_or_management_post": True}, False, id="CV-6-level-without-units"),
        pytest.param({"holds_leadership_or_management_post": False, "central_level": True}, False,
                     id="CV-6-no-leadership-post"),
        pytest.param({"holds_leadership_or_management_post": False,
                          "state_enterprise_role": cv.EnterpriseRole.CHIEF_ACCOUNTANT}, True,
                     id="CV-6-state-corporation-chief-accountant"),
    ],
)
def test_is_rated_post_cv6(kwargs, rated):
    assert cv.is_rated_post(**kwargs).rated is rated


@pytest.mark.parametrize(
    ("facts", "vote_date", "exempt"),
    [
        pytest.param(cv.ExemptionFacts(appointment_effective_on=date(2026, 1, 5)), date(2026, 11, 20), True,
                     id="TC-CV-14-CV-7-appointed-same-year"),
        pytest.param(cv.ExemptionFacts(appointment_effective_on=date(2025, 12, 28)), date(2026, 1, 6), False,
                     id="TC-CV-14-CV-7-appointed-previous-year"),
        pytest.param(cv.ExemptionFacts(retirement_notice_issued=True), date(2026, 11, 20), True,
                     id="TC-CV-14-CV-7-retirement-notice"),
        pytest.param(cv.ExemptionFacts(elected_on=date(2026, 3, 1)), date(2026, 11, 20), True,
                     id="CV-7-elected-same-year"),
        pytest.param(cv.ExemptionFacts(), date(2026, 11, 20), False, id="CV-7-nothing"),
        pytest.param(cv.ExemptionFacts(appointment_signed_on=date(2026, 1, 3)), date(2026, 11, 20), False,
                     id="CV-7-OP-2-signing-date-does-not-count-by-default"),
    ],
)
def test_qd96_exemption_tc_cv_14(facts, vote_date, exempt):
    decision = cv.decide_exemption(rule_set=QD96, facts=facts, vote_date=vote_date)
    assert decision.exempt is exempt
    assert "CV-7" in decision.rules
    assert any(d.point == "OP-2" for d in decision.defaults_applied)


def test_appointment_year_basis_setting_op2():
    """OP-2: the date that counts can be switched to the decision's signing date."""
    facts = cv.ExemptionFacts(appointment_signed_on=date(2025, 12, 20), appointment_effective_on=date(2026, 1, 1))
    assert cv.decide_exemption(rule_set=QD96, facts=facts, vote_date=date(2026, 6, 1)).exempt
    settings = cv.ConfidenceSettings(appointment_year_basis=cv.AppointmentYearBasis.SIGNED_OR_ELECTION_DATE)
    decision = cv.decide_exemption(rule_set=QD96, facts=facts, vote_date=date(2026, 6, 1), settings=settings)
    assert not decision.exempt
    assert any(d.point == "OP-2" and not d.standard for d in decision.defaults_applied)


@pytest.mark.parametrize(
    ("rule_set", "months", "config", "exempt"),
    [
        pytest.param(NQ96, 6, cv.DEFAULT_SETTINGS, True, id="TC-CV-15-CV-8-NQ96-6-months-exempt"),
        pytest.param(NQ96, 5, cv.DEFAULT_SETTINGS, False, id="TC-CV-15-CV-8-NQ96-5-months-rated"),
        pytest.param(QD96, 6, cv.DEFAULT_SETTINGS, False, id="TC-CV-15-OP-4-QD96-6-months-rated"),
        pytest.param(QD96, 5, cv.DEFAULT_SETTINGS, False, id="TC-CV-15-OP-4-QD96-5-months-rated"),
        pytest.param(QD96, 6, cv.ConfidenceSettings(qd96_serious_illness_exemption=True), True,
                     id="OP-4-on-QD96-6-months-exempt"),
    ],
)
def test_serious_illness_exemption(rule_set, months, config, exempt):
    facts = cv.ExemptionFacts(serious_illness_medically_confirmed=True, consecutive_months_not_running_work=months)
    decision = cv.decide_exemption(rule_set=rule_set, facts=facts, vote_date=date(2023, 10, 25), settings=config)
    assert decision.exempt is exempt
    if exempt:
        assert decision.reasons == (cv.ExemptionReason.SERIOUS_ILLNESS_6_MONTHS,)
        assert "CV-8" in decision.rules


def test_illness_without_medical_confirmation_is_rated_cv8():
    facts = cv.ExemptionFacts(consecutive_months_not_running_work=12)
    assert not cv.decide_exemption(rule_set=NQ96, facts=facts, vote_date=date(2024, 1, 1)).exempt


def test_qd262_exemptions_as_qd96_op5():
    facts = cv.ExemptionFacts(retirement_notice_issued=True)
    assert cv.decide_exemption(rule_set=QD262, facts=facts, vote_date=date(2020, 1, 1)).exempt
    none = cv.ConfidenceSettings(qd262_exemptions=cv.Qd262Exemptions.NONE)
    assert not cv.decide_exemption(rule_set=QD262, facts=facts, vote_date=date(2020, 1, 1), settings=none).exempt


def test_replay_exemptions_as_imported_cv4():
    decision = cv.decide_exemption(rule_set=NQ85, facts=cv.ExemptionFacts(imported_exempt=True),
                                   vote_date=date(2018, 10, 25))
    assert decision.exempt and decision.reasons == (cv.ExemptionReason.IMPORTED,)
    assert cv.ExemptionReason.IMPORTED.label_en


def test_at_most_two_places_tc_cv_20_cv9():
    """TC-CV-20, CV-9: a third QD96 rating in one cycle is rejected."""
    assert cv.assign_rating_place(rule_set=QD96, places_already_rated=0).place == 1
    assert cv.assign_rating_place(rule_set=QD96, places_already_rated=1).place == 2
    with pytest.raises(ConfidenceError) as err:
        cv.assign_rating_place(rule_set=QD96, places_already_rated=2)
    assert err.value.rules == ("CV-9",)
    assert cv.assign_rating_place(rule_set=NQ96, places_already_rated=2).place == 3


def test_one_row_for_all_posts_nq96_cv10():
    row = cv.ballot_row(rule_set=NQ96, full_name="Trần Văn C",
                        positions=["Chủ tịch UBND tỉnh", "Phó Bí thư Tỉnh ủy", "Chủ tịch UBND tỉnh"])
    assert row.positions == ("Chủ tịch UBND tỉnh", "Phó Bí thư Tỉnh ủy")
    assert row.position_text == "Chủ tịch UBND tỉnh; Phó Bí thư Tỉnh ủy"
    assert "CV-10" in row.rules
    with pytest.raises(ConfidenceError):
        cv.ballot_row(rule_set=QD96, full_name="Trần Văn C", positions=[])


# --------------------------------------------------------------------------------------------------
# Timing (CV-11..CV-13)
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("vote_date", "month", "warned"),
    [
        pytest.param(date(2022, 10, 14), 24, True, id="CV-12-month-24-warn"),
        pytest.param(date(2022, 10, 15), 25, False, id="CV-11-CV-12-month-25-third-year"),
        pytest.param(date(2023, 10, 14), 36, False, id="CV-12-month-36"),
        pytest.param(date(2023, 10, 15), 37, True, id="CV-12-month-37-warn"),
        pytest.param(date(2020, 10, 15), 1, True, id="CV-12-first-day"),
    ],
)
def test_rating_window_warnings(vote_date, month, warned):
    term_start = date(2020, 10, 15)
    assert cv.month_of_term(term_start, vote_date) == month
    notices = cv.timing_warnings(rule_set=QD96, vote_date=vote_date, term_start=term_start)
    assert bool(notices) is warned
    assert all(n.rule == "CV-12" for n in notices)


def test_second_rating_in_term_warns_op1():
    notices = cv.timing_warnings(rule_set=QD96, vote_date=date(2023, 1, 10), term_start=date(2020, 10, 15),
                                 ratings_already_in_term=1)
    assert [n.code for n in notices] == ["extra_rating_in_term"]
    relaxed = cv.ConfidenceSettings(ratings_per_term=2)
    assert cv.timing_warnings(rule_set=QD96, vote_date=date(2023, 1, 10), term_start=date(2020, 10, 15),
                              ratings_already_in_term=1, settings=relaxed) == ()


@pytest.mark.parametrize(
    ("party", "hdnd", "warned"),
    [
        pytest.param(date(2023, 11, 1), date(2023, 12, 10), True, id="CV-13-party-before-hdnd"),
        pytest.param(date(2023, 12, 20), date(2023, 12, 10), False, id="CV-13-party-after-hdnd"),
        pytest.param(date(2023, 12, 10), date(2023, 12, 10), False, id="CV-13-same-day"),
        pytest.param(date(2023, 12, 10), None, True, id="CV-13-hdnd-not-yet-held"),
    ],
)
def test_cycle_order_cv13(party, hdnd, warned):
    notices = cv.cycle_order_warnings(party_committee_vote_date=party, same_level_hdnd_rating_date=hdnd)
    assert bool(notices) is warned


# --------------------------------------------------------------------------------------------------
# Voter groups (CV-14..CV-16)
# --------------------------------------------------------------------------------------------------


def test_voter_groups_cv14_cv15_cv16():
    assert cv.voter_groups_for("general_secretary").groups == ("central_committee",)
    president = cv.voter_groups_for("president")
    assert president.groups == ("central_committee", "national_assembly") and "CV-15" in president.rules
    assert cv.voter_groups_for("vice_president").groups == ("national_assembly",)
    provincial = cv.voter_groups_for("provincial_standing_committee_member")
    assert "CV-16" in provincial.rules and provincial.defaults_applied
    with pytest.raises(ConfidenceError):
        cv.voter_groups_for("district_department_head")
    configured = cv.voter_groups_for("district_department_head", {"district_department_head": ("district_committee",)})
    assert configured.rules == ("CV-14",)


# --------------------------------------------------------------------------------------------------
# Dossiers (CV-19..CV-21)
# --------------------------------------------------------------------------------------------------


def test_dossier_order_and_completeness_cv19():
    full = cv.DossierFacts(self_assessment=True, declaration_signed_by_declarant=True,
                           declaration_signed_by_receiver=True)
    check = cv.check_dossier(full)
    assert check.complete and check.order == (cv.DossierItem.SELF_ASSESSMENT, cv.DossierItem.ASSET_INCOME_DECLARATION)
    unsigned = cv.DossierFacts(self_assessment=True, declaration_signed_by_declarant=True, points_raised=True)
    check = cv.check_dossier(unsigned)
    assert not check.complete
    assert check.missing == (cv.DossierItem.ASSET_INCOME_DECLARATION, cv.DossierItem.EXPLANATORY_REPORT)
    assert check.order[-1] is cv.DossierItem.EXPLANATORY_REPORT


def test_dossier_deadlines_cv20_op8():
    d = date(2026, 11, 20)
    deadlines = cv.dossier_deadlines(d)
    assert [(x.milestone.value, x.due) for x in deadlines] == [
        ("dossier_to_office", date(2026, 10, 31)), ("dossiers_to_voters", date(2026, 11, 5)),
        ("questions_to_person", date(2026, 11, 10)), ("last_explanation", date(2026, 11, 17))]
    custom = cv.dossier_deadlines(d, cv.ConfidenceSettings(dossier_to_office_days=30))
    assert custom[0].due == date(2026, 10, 21)


def test_missed_deadlines_cv20():
    d = date(2026, 11, 20)
    done = {cv.Milestone.DOSSIER_TO_OFFICE: date(2026, 11, 1), cv.Milestone.DOSSIERS_TO_VOTERS: date(2026, 11, 5)}
    notices = cv.missed_deadlines(vote_date=d, completed_on=done, today=date(2026, 11, 12))
    assert [n.code for n in notices] == ["late_dossier_to_office", "late_questions_to_person"]
    assert all(n.rule == "CV-20" for n in notices)


def test_self_report_criteria_cv21():
    codes = [c[0] for c in cv.self_report_criteria(QD96)]
    assert codes == ["political_qualities", "ethics_lifestyle", "task_results", "anti_corruption", "unity",
                     "family_example"]
    assert cv.self_report_criteria(QD262) == ()


# --------------------------------------------------------------------------------------------------
# Ballot validity (CV-22..CV-26, TC-CV-10..13)
# --------------------------------------------------------------------------------------------------

ABC = ("A", "B", "C")


def paper(a: Mark | None = H, b: Mark | None = H, c: Mark | None = H, **kwargs) -> cv.BallotPaper:
    rows = tuple(cv.BallotRow(pid, frozenset({m}) if m else frozenset()) for pid, m in zip(ABC, (a, b, c), strict=True))
    return cv.BallotPaper(rows, **kwargs)


def test_signed_ballot_is_valid_tc_cv_13_cv23():
    verdict = cv.judge_ballot(rule_set=QD96, ballot=paper(H, M, L, signed=True), listed=ABC)
    assert verdict.whole_ballot_valid
    assert [r.mark for r in verdict.rows] == [H, M, L]
    assert "CV-23" in verdict.rules


@pytest.mark.parametrize(
    ("ballot", "reason"),
    [
        pytest.param(paper(issued_by_counting_committee=False), cv.InvalidityReason.NOT_ISSUED,
                     id="CV-22-CV-24-a-not-issued"),
        pytest.param(paper(written_in_names=("Người ngoài",)), cv.InvalidityReason.WRITTEN_IN_NAME,
                     id="CV-25-written-in-name"),
        pytest.param(cv.BallotPaper(paper().rows + (cv.BallotRow("Z", frozenset({H})),)),
                     cv.InvalidityReason.WRITTEN_IN_NAME, id="CV-25-row-for-unlisted-person"),
    ],
)
def test_whole_ballot_invalid(ballot, reason):
    verdict = cv.judge_ballot(rule_set=QD96, ballot=ballot, listed=ABC)
    assert not verdict.whole_ballot_valid
    assert reason in verdict.whole_ballot_reasons
    assert all(not r.valid for r in verdict.rows)


def test_name_erased_only_that_row_tc_cv_12():
    """TC-CV-12, CV-24 (b), CV-25: C's name erased on one ballot → only C's row is invalid."""
    rows = paper(H, L, M).rows[:2] + (cv.BallotRow("C", frozenset({M}), name_struck_out=True),)
    verdict = cv.judge_ballot(rule_set=QD96, ballot=cv.BallotPaper(rows), listed=ABC)
    assert verdict.whole_ballot_valid
    assert [(r.person_id, r.mark) for r in verdict.rows] == [("A", H), ("B", L), ("C", None)]
    assert verdict.rows[2].reasons == (cv.InvalidityReason.NAME_STRUCK_OUT,)


@pytest.mark.parametrize(
    ("marks", "reason"),
    [
        pytest.param(frozenset(), cv.InvalidityReason.NO_MARK, id="CV-24-c-no-mark"),
        pytest.param(frozenset({H, L}), cv.InvalidityReason.SEVERAL_MARKS, id="CV-24-c-two-marks"),
        pytest.param(frozenset({H, M, L}), cv.InvalidityReason.SEVERAL_MARKS, id="CV-24-c-three-marks"),
    ],
)
def test_row_marks(marks, reason):
    rows = (cv.BallotRow("A", frozenset({H})), cv.BallotRow("B", marks), cv.BallotRow("C", frozenset({L})))
    verdict = cv.judge_ballot(rule_set=QD96, ballot=cv.BallotPaper(rows), listed=ABC)
    assert verdict.whole_ballot_valid
    assert verdict.rows[1].reasons == (reason,)
    assert verdict.rows[0].valid and verdict.rows[2].valid


def test_missing_row_counts_as_no_mark_cv24():
    verdict = cv.judge_ballot(rule_set=QD96, ballot=cv.BallotPaper((cv.BallotRow("A", frozenset({H})),)), listed=ABC)
    assert [r.valid for r in verdict.rows] == [True, False, False]


@pytest.mark.parametrize(
    ("rule_set", "whole_valid"),
    [pytest.param(QD262, False, id="CV-26-QD262-other-content-voids"),
     pytest.param(QD96, True, id="CV-25-QD96-other-content-does-not-void")],
)
def test_other_content(rule_set, whole_valid):
    verdict = cv.judge_ballot(rule_set=rule_set, ballot=paper(other_content=True), listed=ABC)
    assert verdict.whole_ballot_valid is whole_valid


def test_qd262_extra_names_void_cv26():
    verdict = cv.judge_ballot(rule_set=QD262, ballot=paper(written_in_names=("X",)), listed=ABC)
    assert not verdict.whole_ballot_valid and "CV-26" in verdict.rules


def test_malformed_ballots_are_refused():
    with pytest.raises(ConfidenceError):
        cv.judge_ballot(rule_set=QD96, ballot=cv.BallotPaper((cv.BallotRow("A"), cv.BallotRow("A"))), listed=ABC)
    with pytest.raises(ConfidenceError):
        cv.judge_ballot(rule_set=QD96, ballot=paper(), listed=("A", "A"))
    with pytest.raises(ConfidenceError):
        cv.judge_ballot(rule_set=NQ85, ballot=paper(), listed=ABC)


def test_tc_cv_11_row_scope_and_whole_ballot_setting():
    """TC-CV-11, CV-25, OP-3: N = 10; ballot 7 has 2 marks for B → B valid_p 9, invalid_p 1; A, C 10.
    With the whole-ballot setting every person has valid_p 9."""
    ballots = [paper(H, M, L) for _ in range(10)]
    ballots[6] = cv.BallotPaper((cv.BallotRow("A", frozenset({H})), cv.BallotRow("B", frozenset({H, L})),
                                 cv.BallotRow("C", frozenset({L}))))
    tally = cv.tally_ballots(rule_set=QD96, ballots=ballots, listed=ABC)
    assert tally.collected == 10 and tally.whole_ballot_invalid == 0
    assert [(p.person_id, p.valid, p.invalid) for p in tally.persons] == [("A", 10, 0), ("B", 9, 1), ("C", 10, 0)]
    row_b = cv.rate_person(rule_set=QD96, counts=tally.persons[1], collected=tally.collected)
    assert row_b.denominator == 10 and cv.format_percent(row_b.medium_pct) == "90.00"

    whole = cv.ConfidenceSettings(invalidity_scope=cv.InvalidityScope.WHOLE_BALLOT)
    tally = cv.tally_ballots(rule_set=QD96, ballots=ballots, listed=ABC, settings=whole)
    assert tally.whole_ballot_invalid == 1
    assert [(p.valid, p.invalid) for p in tally.persons] == [(9, 1), (9, 1), (9, 1)]
    assert any(d.point == "OP-3" and not d.standard for d in tally.defaults_applied)


def test_tc_cv_10_written_in_names_and_denominator():
    """TC-CV-10, CV-25, CV-27: N = 50, 2 ballots with a written-in name; X has L = 25 on 48 valid ballots →
    NONE (50 > 50 is false), 50.00; dividing by valid ballots would wrongly give LOW_GT_1_2."""
    listed = ("X",)
    ballots = [cv.BallotPaper((cv.BallotRow("X", frozenset({L})),)) for _ in range(25)]
    ballots += [cv.BallotPaper((cv.BallotRow("X", frozenset({H})),)) for _ in range(23)]
    ballots += [cv.BallotPaper((cv.BallotRow("X", frozenset({L})),), written_in_names=("Y",)) for _ in range(2)]
    tally = cv.tally_ballots(rule_set=QD96, ballots=ballots, listed=listed)
    x = tally.persons[0]
    assert (tally.collected, tally.whole_ballot_invalid, x.low, x.valid, x.invalid) == (50, 2, 25, 48, 2)
    row = cv.rate_person(rule_set=QD96, counts=x, collected=tally.collected)
    assert row.band is cv.Band.NONE and cv.format_percent(row.low_pct) == "50.00"
    assert cv.band_for(x.low, x.valid) is cv.Band.LOW_GT_1_2  # the wrong denominator


def test_tally_of_nothing():
    tally = cv.tally_ballots(rule_set=QD96, ballots=[], listed=ABC)
    assert tally.collected == 0 and all(p.valid == 0 and p.invalid == 0 for p in tally.persons)
