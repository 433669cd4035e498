"""Consequence cases (§4 lifecycle): CV-36..CV-40, CV-42, CV-44, CV-45, CV-46, OP-9..OP-11."""

from __future__ import annotations

from datetime import date

import pytest

from partyorg.domain import confidence as cv
from partyorg.domain.confidence import Band, CaseState, ConfidenceError, RuleSet

QD96 = RuleSet.QD96_2023
QD262 = RuleSet.QD262_2014
NQ96 = RuleSet.NQ96_2023_QH15
OPENED = date(2026, 12, 1)
DEC = cv.DecisionRef("12-QĐ/TU", date(2026, 12, 20))


def one(rule_set: RuleSet, band: Band, settings: cv.ConfidenceSettings = cv.DEFAULT_SETTINGS) -> cv.ConsequenceCase:
    case = cv.open_case(rule_set=rule_set, results=[cv.PlaceResult(1, band)], opened_on=OPENED, settings=settings)
    assert case is not None
    return case


def test_no_case_for_band_none_or_replay_cv44():
    assert cv.open_case(rule_set=QD96, results=[cv.PlaceResult(1, Band.NONE)], opened_on=OPENED) is None
    assert cv.open_case(rule_set=RuleSet.NQ85_2014, results=[cv.PlaceResult(1, Band.LOW_GE_2_3)],
                        opened_on=OPENED) is None


def test_tc_cv_18_qd96_over_half_case():
    """TC-CV-18, CV-36, CV-44, CV-45, OP-10, OP-11: case OPEN with a planning hold; closing without the
    removal decision plus an option is refused."""
    case = one(QD96, Band.LOW_GT_1_2)
    assert case.state is CaseState.OPEN and case.planning_hold
    assert case.kind is cv.CaseKind.QD96_LOW_GT_1_2
    assert {"CV-36", "CV-44"} <= set(case.rules)
    with pytest.raises(ConfidenceError) as err:
        cv.close_case(case, closed_on=date(2026, 12, 2))
    assert "CV-45" in err.value.rules
    assert "trạng thái OPEN" in err.value.message_vi and "state OPEN" in err.value.message_en
    with pytest.raises(ConfidenceError):  # option before the removal decision
        cv.record_qd96_option(case, option=cv.Qd96Option.REASSIGNMENT, decision=DEC)
    removed = cv.record_planning_removal(case, decision=DEC)
    assert removed.state is CaseState.PLANNING_REMOVED and not removed.planning_hold
    with pytest.raises(ConfidenceError) as err:
        cv.close_case(removed, closed_on=date(2026, 12, 21))
    assert "CV-45" in err.value.rules
    with pytest.raises(ConfidenceError) as err:  # OP-10: "retained after consideration" not allowed
        cv.record_qd96_option(removed, option=cv.Qd96Option.RETAINED_AFTER_CONSIDERATION, decision=DEC)
    assert "OP-10" in err.value.rules
    decided = cv.record_qd96_option(removed, option=cv.Qd96Option.REASSIGNMENT, decision=DEC, new_post="Chuyên viên")
    assert decided.state is CaseState.DECIDED
    closed = cv.close_case(decided, closed_on=date(2026, 12, 22))
    assert closed.state is CaseState.CLOSED and closed.closed_on == date(2026, 12, 22)
    with pytest.raises(ConfidenceError):
        cv.close_case(closed, closed_on=date(2026, 12, 23))
    assert case.state is CaseState.OPEN  # transitions never mutate


def test_op10_retained_after_consideration_when_allowed():
    settings = cv.ConfidenceSettings(allow_qd96_retained_after_consideration=True)
    removed = cv.record_planning_removal(one(QD96, Band.LOW_GT_1_2, settings), decision=DEC)
    decided = cv.record_qd96_option(removed, option=cv.Qd96Option.RETAINED_AFTER_CONSIDERATION, decision=DEC,
                                    settings=settings)
    assert decided.state is CaseState.DECIDED and "OP-10" in decided.rules


def test_cv45_no_confidence_option_is_judged_by_cv42():
    removed = cv.record_planning_removal(one(QD96, Band.LOW_GT_1_2), decision=DEC)
    with pytest.raises(ConfidenceError):
        cv.record_qd96_option(removed, option=cv.Qd96Option.NO_CONFIDENCE_VOTE, decision=DEC)
    vote = cv.decide_no_confidence_vote(collected=30, no_confidence=16)
    decided = cv.record_qd96_option(removed, option=cv.Qd96Option.NO_CONFIDENCE_VOTE, decision=DEC,
                                    no_confidence_vote=vote)
    assert decided.no_confidence_vote is not None and decided.no_confidence_vote.passed
    assert "CV-42" in decided.rules


def test_op11_planning_hold_setting():
    case = one(QD96, Band.LOW_GT_1_2, cv.ConfidenceSettings(planning_hold_on_counted=False))
    assert not case.planning_hold
    assert any(d.point == "OP-11" and not d.standard for d in case.defaults_applied)


def test_tc_cv_19_qd96_two_thirds_case():
    """TC-CV-19, CV-37: the case requires the relief decision and the lower post."""
    case = one(QD96, Band.LOW_GE_2_3)
    assert case.kind is cv.CaseKind.QD96_LOW_GE_2_3 and not case.planning_hold
    assert cv.allowed_case_actions(case) == ("record_relief_to_lower_post",)
    with pytest.raises(ConfidenceError):
        cv.record_relief_to_lower_post(case, decision=DEC, new_post="  ")
    with pytest.raises(ConfidenceError):
        cv.close_case(case, closed_on=OPENED)
    with pytest.raises(ConfidenceError):
        cv.record_planning_removal(case, decision=DEC)
    decided = cv.record_relief_to_lower_post(case, decision=DEC, new_post="Phó Trưởng phòng")
    assert decided.new_post == "Phó Trưởng phòng" and "CV-37" in decided.rules
    assert cv.close_case(decided, closed_on=date(2027, 1, 5)).state is CaseState.CLOSED


def test_tc_cv_20_two_places_one_case_cv38_op9():
    """TC-CV-20, CV-38, OP-9: place 1 LOW_GT_1_2, place 2 NONE → one case with both results; it awaits the
    authority's level, the worse band is shown as provisional."""
    case = cv.open_case(rule_set=QD96, results=[cv.PlaceResult(1, Band.LOW_GT_1_2), cv.PlaceResult(2, Band.NONE)],
                        opened_on=OPENED)
    assert case is not None
    assert len(case.results) == 2 and case.awaiting_level
    assert case.provisional_band is Band.LOW_GT_1_2
    assert case.kind is cv.CaseKind.QD96_AWAITING_LEVEL and case.planning_hold
    assert cv.allowed_case_actions(case) == ("record_consolidated_level",)
    with pytest.raises(ConfidenceError) as err:
        cv.record_planning_removal(case, decision=DEC)
    assert "CV-38" in err.value.rules
    with pytest.raises(ConfidenceError):
        cv.close_case(case, closed_on=OPENED)
    leveled = cv.record_consolidated_level(case, level=Band.NONE, decision=DEC)
    assert leveled.kind is cv.CaseKind.QD96_NO_CONSEQUENCE and not leveled.planning_hold
    assert cv.close_case(leveled, closed_on=date(2026, 12, 21)).state is CaseState.CLOSED
    leveled = cv.record_consolidated_level(case, level=Band.LOW_GT_1_2, decision=DEC)
    assert leveled.kind is cv.CaseKind.QD96_LOW_GT_1_2 and leveled.planning_hold
    # a third place is refused (CV-9)
    with pytest.raises(ConfidenceError):
        cv.open_case(rule_set=QD96, results=[cv.PlaceResult(1, Band.NONE), cv.PlaceResult(2, Band.NONE),
                                             cv.PlaceResult(3, Band.NONE)], opened_on=OPENED)


def test_two_places_worse_band_setting_op9():
    settings = cv.ConfidenceSettings(two_place_consolidation=cv.TwoPlaceConsolidation.WORSE_BAND)
    case = cv.open_case(rule_set=QD96, results=[cv.PlaceResult(1, Band.NONE), cv.PlaceResult(2, Band.LOW_GE_2_3)],
                        opened_on=OPENED, settings=settings)
    assert case is not None and case.level is Band.LOW_GE_2_3 and case.kind is cv.CaseKind.QD96_LOW_GE_2_3


def test_two_places_only_qd96_cv38():
    with pytest.raises(ConfidenceError):
        cv.open_case(rule_set=NQ96, results=[cv.PlaceResult(1, Band.LOW_GT_1_2), cv.PlaceResult(2, Band.NONE)],
                     opened_on=OPENED)


def test_tc_cv_17_qd262_considered_case_cv39():
    """TC-CV-17, CV-39: an optional "consider planning removal" case; no relief."""
    case = one(QD262, Band.LOW_GE_2_3)
    assert case.kind is cv.CaseKind.QD262_CONSIDER and not case.planning_hold
    with pytest.raises(ConfidenceError):
        cv.record_relief_to_lower_post(case, decision=DEC, new_post="x")
    with pytest.raises(ConfidenceError):
        cv.record_consideration(case, removed_from_planning=True)
    kept = cv.record_consideration(case, removed_from_planning=False)
    assert kept.state is CaseState.CONSIDERED and kept.planning_removed is False
    assert cv.close_case(kept, closed_on=OPENED).state is CaseState.CLOSED


def test_nq96_over_half_resigns_cv40():
    case = one(NQ96, Band.LOW_GT_1_2)
    assert set(cv.allowed_case_actions(case)) == {"record_resignation", "record_no_confidence_vote"}
    resigned = cv.record_resignation(case, decision=DEC)
    assert resigned.state is CaseState.RESIGNED
    assert cv.close_case(resigned, closed_on=OPENED).state is CaseState.CLOSED


@pytest.mark.parametrize(
    ("k", "passed"),
    [pytest.param(240, False, id="TC-CV-21-CV-42-240-retained"), pytest.param(241, True, id="TC-CV-21-CV-42-241")],
)
def test_nq96_no_confidence_vote_path_cv42(k, passed):
    case = one(NQ96, Band.LOW_GT_1_2)
    vote = cv.decide_no_confidence_vote(issued=480, collected=480, no_confidence=k)
    voted = cv.record_no_confidence_vote(case, vote=vote)
    assert voted.state is CaseState.NO_CONFIDENCE_VOTE
    with pytest.raises(ConfidenceError):
        cv.close_case(voted, closed_on=OPENED)
    if passed:
        with pytest.raises(ConfidenceError):
            cv.record_retained(voted)
        submitted = cv.record_dismissal_submission(voted, decision=DEC)
        assert submitted.state is CaseState.DISMISSAL_SUBMITTED
        assert cv.record_resignation(voted, decision=DEC).state is CaseState.RESIGNED
        dismissed = cv.record_dismissal(submitted, decision=DEC)
        assert cv.close_case(dismissed, closed_on=OPENED).state is CaseState.CLOSED
    else:
        with pytest.raises(ConfidenceError):
            cv.record_dismissal_submission(voted, decision=DEC)
        with pytest.raises(ConfidenceError):
            cv.record_resignation(voted, decision=DEC)
        retained = cv.record_retained(voted)
        assert retained.state is CaseState.RETAINED
        assert cv.close_case(retained, closed_on=OPENED).state is CaseState.CLOSED


def test_nq96_two_thirds_dismissal_path_cv40():
    case = one(NQ96, Band.LOW_GE_2_3)
    assert case.kind is cv.CaseKind.NQ96_LOW_GE_2_3
    with pytest.raises(ConfidenceError):
        cv.record_no_confidence_vote(case, vote=cv.decide_no_confidence_vote(collected=10, no_confidence=9))
    submitted = cv.record_dismissal_submission(case, decision=DEC)
    with pytest.raises(ConfidenceError):
        cv.close_case(submitted, closed_on=OPENED)
    dismissed = cv.record_dismissal(submitted, decision=DEC)
    assert dismissed.state is CaseState.DISMISSED
    assert cv.close_case(dismissed, closed_on=OPENED).state is CaseState.CLOSED


def test_case_reminder_after_30_days_cv44_op7():
    case = one(QD96, Band.LOW_GE_2_3)
    assert not cv.case_reminder_due(case, today=date(2026, 12, 30))
    assert cv.case_reminder_due(case, today=date(2026, 12, 31))
    assert not cv.case_reminder_due(case, today=date(2026, 12, 31), settings=cv.ConfidenceSettings(case_reminder_days=60))


def test_decision_ref_needs_number_cv44():
    with pytest.raises(ConfidenceError):
        cv.DecisionRef(" ", OPENED)


def test_close_before_open_refused_cv44():
    decided = cv.record_relief_to_lower_post(one(QD96, Band.LOW_GE_2_3), decision=DEC, new_post="x")
    with pytest.raises(ConfidenceError):
        cv.close_case(decided, closed_on=date(2026, 11, 30))


@pytest.mark.parametrize(
    ("rule_set", "public"),
    [pytest.param(QD96, False, id="CV-46-QD96-not-public"), pytest.param(QD262, False, id="CV-46-QD262"),
     pytest.param(NQ96, True, id="CV-46-NQ96-public")],
)
def test_publication_cv46(rule_set, public):
    policy = cv.publication_policy(rule_set)
    assert policy.rated_person_receives_own_row and policy.voters_hear_results_at_conference
    assert policy.public is public
    assert policy.report_deadline_days is None  # OP-7: no deadline
    assert policy.rules == ("CV-46",)
