"""Confidence rating votes: worked examples, test cases and boundary tables of confidence-votes.md.

Each test names the rules it checks (CV-*, EX-*, TC-CV-*). No database: pure domain functions.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest

from partyorg.domain import confidence as cv
from partyorg.domain.confidence import Band, ConfidenceError, RuleSet

QD96 = RuleSet.QD96_2023
QD262 = RuleSet.QD262_2014
NQ96 = RuleSet.NQ96_2023_QH15
NQ85 = RuleSet.NQ85_2014
NQ35 = RuleSet.NQ35_2012


def counts(pid: str, high: int, medium: int, low: int, n: int) -> cv.PersonCounts:
    return cv.PersonCounts(pid, high, medium, low, n - high - medium - low)


def pct(count: int, n: int) -> str | None:
    return cv.format_percent(cv.percent(count, n))


# --------------------------------------------------------------------------------------------------
# Worked examples EX-1..EX-7
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rule_set", "n", "high", "medium", "low", "expected_pcts", "band", "consequences"),
    [
        pytest.param(NQ96, 47, 19, 2, 25, ("40.43", "4.26", "53.19"), Band.LOW_GT_1_2,
                     (cv.Consequence.MAY_RESIGN_ELSE_NO_CONFIDENCE_VOTE,), id="EX-1-CV-28-CV-34-CV-40"),
        pytest.param(QD96, 47, 40, 7, 0, ("85.11", "14.89", "0.00"), Band.NONE, (), id="EX-6-A-CV-34"),
        pytest.param(QD96, 47, 15, 26, 6, ("31.91", "55.32", "12.77"), Band.NONE, (), id="EX-6-B-CV-34"),
    ],
)
def test_worked_examples_rows(rule_set, n, high, medium, low, expected_pcts, band, consequences):
    """EX-1 (valid_p 46 < N = 47 is legal, CV-31) and EX-6."""
    row = cv.rate_person(rule_set=rule_set, counts=counts("p", high, medium, low, n), collected=n)
    assert tuple(cv.format_percent(p) for p in (row.high_pct, row.medium_pct, row.low_pct)) == expected_pcts
    assert row.band is band
    assert row.consequences == consequences
    assert "CV-34" in row.rules


def test_ex1_band_arithmetic_cv34():
    """EX-1: 2*25 = 50 > 47 and 3*25 = 75 < 94 → LOW_GT_1_2."""
    assert cv.band_for(25, 47) is Band.LOW_GT_1_2


@pytest.mark.parametrize(
    ("rule_set", "high", "valid", "expected"),
    [
        pytest.param(QD96, 52, 52, "100.00", id="EX-2-chair-CV-27"),
        pytest.param(QD96, 46, 51, "88.46", id="EX-2-vice-chair-CV-27"),
        pytest.param(NQ96, 46, 51, "88.46", id="EX-2-vice-chair-CV-28"),
    ],
)
def test_ex2_denominator_is_ballots_collected(rule_set, high, valid, expected):
    """EX-2, CV-27, CV-28: divide by N = 52 collected, not by 51 valid (which would give 90.20)."""
    row = cv.rate_person(rule_set=rule_set, counts=cv.PersonCounts("p", high, valid - high, 0, 52 - valid),
                         collected=52)
    assert cv.format_percent(row.high_pct) == expected
    assert pct(46, 51) == "90.20"  # the wrong denominator, for contrast


def test_ex3_na_exemptions_and_differing_valid_counts_cv8_cv31():
    """EX-3 (CV-8, CV-31): 5 post-holders elected/approved in 2023 are exempt at the 25/10/2023 sitting;
    the rated rows have different valid_p under one N = 481, all NONE."""
    sitting = date(2023, 10, 25)
    for elected in (date(2023, 4, 8), date(2023, 6, 12), date(2023, 1, 5), date(2023, 3, 2), date(2023, 9, 30)):
        decision = cv.decide_exemption(rule_set=NQ96, facts=cv.ExemptionFacts(elected_on=elected), vote_date=sitting)
        assert decision.exempt and not decision.on_ballot
        assert cv.ExemptionReason.APPOINTED_OR_ELECTED_THIS_YEAR in decision.reasons
    n = 481
    rows = [(448, 481), (437, 480), (426, 478), (414, 481), (410, 481)]
    persons = [cv.PersonCounts(f"p{i}", h, 0, valid - h, n - valid) for i, (h, valid) in enumerate(rows)]
    assert max(p.low for p in persons) <= 71
    report = cv.check_consistency(present=490, issued=n, collected=n, persons=persons)
    assert report.ok, report.violations
    result = cv.compute_results(rule_set=NQ96, convened=494, present=490, issued=n, collected=n, persons=persons)
    assert all(r.band is Band.NONE for r in result.persons)
    assert all(r.denominator == n for r in result.persons)


@pytest.mark.parametrize(
    ("rule_set", "t", "high", "medium", "low", "expected", "band"),
    [
        pytest.param(NQ85, 485, 437, 34, 4, ("90.10", "7.01", "0.82"), Band.NONE, id="EX-4-CV-30-NQ85"),
        pytest.param(NQ35, 497, 390, 0, 0, ("78.47", "0.00", "0.00"), Band.NONE, id="EX-5-CV-30-NQ35"),
    ],
)
def test_replay_denominator_is_total_deputies(rule_set, t, high, medium, low, expected, band):
    """EX-4, EX-5, CV-30: replay sets divide by T (total deputies), not by ballots collected."""
    collected = high + medium + low
    row = cv.rate_person(rule_set=rule_set, counts=cv.PersonCounts("p", high, medium, low, 0), collected=collected,
                         total_deputies=t)
    assert row.denominator == t
    assert tuple(cv.format_percent(p) for p in (row.high_pct, row.medium_pct, row.low_pct)) == expected
    assert row.band is band
    assert "CV-30" in row.rules


def test_replay_needs_total_deputies_cv30():
    with pytest.raises(ConfidenceError) as err:
        cv.denominator_for(rule_set=NQ85, collected=400)
    assert err.value.rules == ("CV-30",)


@pytest.mark.parametrize(
    ("convened", "present", "proceeds"),
    [
        pytest.param(47, 31, False, id="EX-7-CV-17-31-blocked-93<94"),
        pytest.param(47, 32, True, id="EX-7-CV-17-32-proceeds"),
        pytest.param(30, 20, True, id="TC-CV-08-CV-17-30-20"),
        pytest.param(30, 19, False, id="TC-CV-08-CV-17-30-19"),
        pytest.param(31, 21, True, id="TC-CV-08-CV-17-31-21"),
        pytest.param(31, 20, False, id="TC-CV-08-CV-17-31-20"),
        pytest.param(0, 0, True, id="CV-17-nobody-convened"),
        pytest.param(1, 0, False, id="CV-17-1-0"),
        pytest.param(1, 1, True, id="CV-17-1-1"),
        pytest.param(2, 1, False, id="CV-17-2-1"),
        pytest.param(3, 2, True, id="CV-17-3-2-exactly-two-thirds"),
    ],
)
def test_quorum_qd96(convened, present, proceeds):
    """EX-7, TC-CV-08, CV-17: proceed only if 3*present >= 2*convened; required = ceil(2c/3)."""
    decision = cv.decide_quorum(rule_set=QD96, convened=convened, present=present)
    assert decision.may_proceed is proceeds
    assert decision.reached is proceeds
    assert decision.required == -(-2 * convened // 3)
    assert (present >= decision.required) is proceeds
    assert decision.rules == ("CV-17",)


def test_quorum_required_table_cv17():
    assert [cv.quorum_required(c) for c in range(0, 10)] == [0, 1, 2, 2, 3, 4, 4, 5, 6, 6]
    assert cv.quorum_required(47) == 32


def test_quorum_refuses_bad_counts_cv17():
    with pytest.raises(ConfidenceError):
        cv.decide_quorum(rule_set=QD96, convened=10, present=11)
    with pytest.raises(ConfidenceError):
        cv.decide_quorum(rule_set=QD96, convened=-1, present=0)


@pytest.mark.parametrize(
    ("rule_set", "config", "mode", "proceeds"),
    [
        pytest.param(QD262, cv.DEFAULT_SETTINGS, cv.QuorumMode.BLOCKING, False, id="CV-18-QD262-uses-CV-17"),
        pytest.param(NQ96, cv.DEFAULT_SETTINGS, cv.QuorumMode.RECORD_ONLY, True, id="CV-18-OP-6-NQ96-record-only"),
        pytest.param(NQ96, cv.ConfidenceSettings(nq96_quorum=cv.QuorumMode.BLOCKING), cv.QuorumMode.BLOCKING,
                     False, id="CV-18-OP-6-NQ96-overridden-blocking"),
    ],
)
def test_quorum_per_rule_set_cv18(rule_set, config, mode, proceeds):
    decision = cv.decide_quorum(rule_set=rule_set, convened=47, present=31, settings=config)
    assert decision.mode is mode
    assert decision.reached is False
    assert decision.may_proceed is proceeds
    assert "CV-18" in decision.rules
    assert decision.defaults_applied


# --------------------------------------------------------------------------------------------------
# Bands: TC-CV-01..07 and boundary tables (CV-32, CV-33, CV-34)
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("n", "low", "band", "low_pct"),
    [
        pytest.param(48, 24, Band.NONE, "50.00", id="TC-CV-01-CV-34-exactly-half-is-none"),
        pytest.param(48, 25, Band.LOW_GT_1_2, "52.08", id="TC-CV-02-CV-34-over-half"),
        pytest.param(48, 32, Band.LOW_GE_2_3, "66.67", id="TC-CV-03-CV-34-exactly-two-thirds"),
        pytest.param(48, 31, Band.LOW_GT_1_2, "64.58", id="TC-CV-04-CV-34-one-below-two-thirds"),
        pytest.param(47, 23, Band.NONE, "48.94", id="TC-CV-05-CV-34-odd-23"),
        pytest.param(47, 24, Band.LOW_GT_1_2, "51.06", id="TC-CV-05-CV-34-odd-24"),
        pytest.param(47, 31, Band.LOW_GT_1_2, "65.96", id="TC-CV-05-CV-34-odd-31"),
        pytest.param(47, 32, Band.LOW_GE_2_3, "68.09", id="TC-CV-05-CV-34-odd-32"),
        pytest.param(1, 1, Band.LOW_GE_2_3, "100.00", id="TC-CV-06-CV-34-1-1"),
        pytest.param(2, 1, Band.NONE, "50.00", id="TC-CV-06-CV-34-2-1"),
        pytest.param(3, 2, Band.LOW_GE_2_3, "66.67", id="TC-CV-06-CV-34-3-2"),
        pytest.param(3, 1, Band.NONE, "33.33", id="TC-CV-06-CV-34-3-1"),
        pytest.param(20000, 13333, Band.LOW_GT_1_2, "66.67", id="TC-CV-07-CV-32-CV-34-rounded-shows-2-3"),
        pytest.param(20000, 13334, Band.LOW_GE_2_3, "66.67", id="CV-34-20000-13334"),
        pytest.param(48, 33, Band.LOW_GE_2_3, "68.75", id="CV-34-one-above-two-thirds-even"),
        pytest.param(48, 23, Band.NONE, "47.92", id="CV-34-one-below-half-even"),
        pytest.param(1, 0, Band.NONE, "0.00", id="CV-34-1-0"),
        pytest.param(2, 2, Band.LOW_GE_2_3, "100.00", id="CV-34-2-2"),
        pytest.param(6, 4, Band.LOW_GE_2_3, "66.67", id="CV-34-6-4-exactly-two-thirds"),
        pytest.param(6, 3, Band.NONE, "50.00", id="CV-34-6-3-exactly-half"),
        pytest.param(9, 5, Band.LOW_GT_1_2, "55.56", id="CV-34-9-5"),
        pytest.param(9, 6, Band.LOW_GE_2_3, "66.67", id="CV-34-9-6"),
    ],
)
def test_band_table(n, low, band, low_pct):
    """TC-CV-01..07: integer thresholds; the displayed % never decides the band (CV-32)."""
    assert cv.band_for(low, n) is band
    assert pct(low, n) == low_pct


def test_band_matches_fraction_oracle_for_every_small_n_cv34():
    """CV-34 for every N in 1..120 (odd and even) and every L in 0..N, against exact fractions."""
    for n in range(1, 121):
        for low in range(0, n + 1):
            share = Fraction(low, n)
            expected = Band.LOW_GE_2_3 if share >= Fraction(2, 3) else (
                Band.LOW_GT_1_2 if share > Fraction(1, 2) else Band.NONE)
            assert cv.band_for(low, n) is expected, (n, low)


@pytest.mark.parametrize(
    ("count", "n", "shown"),
    [
        pytest.param(1, 800, "0.13", id="CV-32-half-up-not-half-even-0.125"),
        pytest.param(3, 800, "0.38", id="CV-32-half-up-0.375"),
        pytest.param(1, 1600, "0.06", id="CV-32-0.0625-down"),
        pytest.param(1, 3, "33.33", id="CV-32-1-3"),
        pytest.param(2, 3, "66.67", id="CV-32-2-3"),
        pytest.param(1, 6, "16.67", id="CV-32-1-6"),
        pytest.param(0, 7, "0.00", id="CV-32-zero-count"),
        pytest.param(7, 7, "100.00", id="CV-32-all"),
        pytest.param(13333, 20000, "66.67", id="CV-32-TC-CV-07"),
        pytest.param(1, 200000, "0.00", id="CV-32-0.0005-down"),
        pytest.param(1, 20000, "0.01", id="CV-32-0.005-up"),
    ],
)
def test_percent_round_half_up(count, n, shown):
    """CV-32: Decimal, round half up, exactly two decimals."""
    value = cv.percent(count, n)
    assert isinstance(value, Decimal)
    assert cv.format_percent(value) == shown
    assert str(value) == shown


def test_percent_other_precision_cv32():
    assert cv.format_percent(cv.percent(1, 3, decimals=0), 0) == "33"
    assert cv.format_percent(cv.percent(1, 8, decimals=1), 1) == "12.5"
    assert cv.format_percent(cv.percent(1, 16, decimals=1), 1) == "6.3"


def test_zero_collected_has_no_percent_and_no_band_tc_cv_09():
    """TC-CV-09, CV-33: quorum met, collected 0 → no %, no band; COUNTED refused."""
    assert cv.percent(0, 0) is None
    assert cv.band_for(0, 0) is None
    result = cv.compute_results(rule_set=QD96, convened=10, present=9, issued=9, collected=0,
                                persons=[cv.PersonCounts("a", 0, 0, 0, 0)])
    row = result.persons[0]
    assert (row.high_pct, row.medium_pct, row.low_pct, row.band, row.consequences) == (None, None, None, None, ())
    assert "CV-33" in row.rules and "CV-33" in result.rules
    assert result.void is False and result.countable is False
    report = cv.check_consistency(present=9, issued=9, collected=0, persons=[cv.PersonCounts("a", 0, 0, 0, 0)])
    with pytest.raises(ConfidenceError) as err:
        cv.conference_transition(cv.ConferenceState.VOTING, cv.ConferenceState.COUNTED, consistency=report,
                                 collected=0)
    assert "CV-33" in err.value.rules
    # CV-33: re-hold or cancel instead
    assert cv.conference_transition(cv.ConferenceState.VOTING, cv.ConferenceState.CANCELLED, collected=0)
    assert cv.conference_transition(cv.ConferenceState.VOTING, cv.ConferenceState.POSTPONED, collected=0)


def test_zero_denominator_has_no_consequence_cv33():
    decision = cv.decide_consequences(rule_set=QD96, low=0, denominator=0)
    assert decision.band is None and decision.consequences == () and not decision.opens_case


# --------------------------------------------------------------------------------------------------
# Consequences (CV-35..CV-43)
# --------------------------------------------------------------------------------------------------

C = cv.Consequence


@pytest.mark.parametrize(
    ("rule_set", "n", "low", "band", "expected", "mandatory"),
    [
        pytest.param(QD96, 48, 24, Band.NONE, (), False, id="CV-34-QD96-none"),
        pytest.param(QD96, 48, 25, Band.LOW_GT_1_2, (C.REMOVE_FROM_PLANNING_HIGHER_POSTS,
                     C.CONSIDER_RELIEF_REASSIGNMENT_RESIGNATION_OR_NO_CONFIDENCE_VOTE), True, id="CV-36-QD96-gt-1-2"),
        pytest.param(QD96, 48, 32, Band.LOW_GE_2_3, (C.RELIEVE_FROM_POST_ASSIGN_LOWER_WORK,), True,
                     id="CV-37-QD96-ge-2-3"),
        pytest.param(QD262, 40, 21, Band.LOW_GT_1_2, (C.CONSIDER_PLANNING_REMOVAL,), False,
                     id="TC-CV-17-CV-39-QD262-L21"),
        pytest.param(QD262, 40, 27, Band.LOW_GE_2_3, (C.CONSIDER_PLANNING_REMOVAL,), False,
                     id="TC-CV-17-CV-39-QD262-L27-no-relief"),
        pytest.param(QD262, 40, 20, Band.NONE, (), False, id="CV-39-QD262-exactly-half"),
        pytest.param(NQ96, 47, 25, Band.LOW_GT_1_2, (C.MAY_RESIGN_ELSE_NO_CONFIDENCE_VOTE,), True,
                     id="CV-40-NQ96-gt-1-2"),
        pytest.param(NQ96, 47, 32, Band.LOW_GE_2_3, (C.INTRODUCING_BODY_SUBMITS_DISMISSAL,), True,
                     id="CV-40-NQ96-ge-2-3"),
        pytest.param(NQ35, 497, 332, Band.LOW_GE_2_3, (C.NO_CONFIDENCE_VOTE,), True, id="TC-CV-23-CV-43-NQ35-332"),
        pytest.param(NQ35, 497, 331, Band.LOW_GT_1_2, (), False, id="TC-CV-23-CV-43-NQ35-331"),
        pytest.param(NQ85, 485, 243, Band.LOW_GT_1_2, (C.MAY_RESIGN,), True, id="TC-CV-23-CV-43-NQ85-243"),
        pytest.param(NQ85, 485, 324, Band.LOW_GE_2_3, (C.NO_CONFIDENCE_VOTE,), True, id="TC-CV-23-CV-43-NQ85-324"),
        pytest.param(NQ85, 485, 242, Band.NONE, (), False, id="CV-43-NQ85-242"),
        pytest.param(NQ85, 485, 323, Band.LOW_GT_1_2, (C.MAY_RESIGN,), True, id="CV-43-NQ85-323"),
    ],
)
def test_consequences_per_rule_set(rule_set, n, low, band, expected, mandatory):
    decision = cv.decide_consequences(rule_set=rule_set, low=low, denominator=n)
    assert decision.band is band
    assert decision.consequences == expected
    assert decision.mandatory is mandatory
    assert decision.opens_case is (bool(expected) and not rule_set.is_replay)


def test_qd262_never_relieves_cv39():
    """CV-39: QD262 has no mandatory relief at any level; the outcome is optional."""
    for low in range(0, 41):
        decision = cv.decide_consequences(rule_set=QD262, low=low, denominator=40)
        assert C.RELIEVE_FROM_POST_ASSIGN_LOWER_WORK not in decision.consequences
        assert decision.mandatory is False
        assert (decision.consequences == (C.CONSIDER_PLANNING_REMOVAL,)) is (2 * low > 40)


def test_nq35_two_consecutive_years_over_half_cv43():
    """TC-CV-23, CV-43: NQ35 L=331 of 497 → vote only if the previous annual rating was also > 1/2."""
    decision = cv.decide_consequences(rule_set=NQ35, low=331, denominator=497, previous_rating_low_over_half=True)
    assert decision.consequences == (C.NO_CONFIDENCE_VOTE,)
    # exactly one half this year is not "over one half" even with last year's
    decision = cv.decide_consequences(rule_set=NQ35, low=248, denominator=496, previous_rating_low_over_half=True)
    assert decision.consequences == ()
    # NQ35: strict 3L > 2T: exactly two thirds without last year is no vote
    assert cv.decide_consequences(rule_set=NQ35, low=2, denominator=3).consequences == ()


def test_consequence_labels_are_bilingual_cv36():
    for code in C:
        assert code.label_vi and code.label_en and code.label_vi != code.label_en
    assert C.REMOVE_FROM_PLANNING_HIGHER_POSTS.label_vi.startswith("Đưa ra khỏi quy hoạch")


@pytest.mark.parametrize(
    ("rule_set", "basis"),
    [pytest.param(QD96, True, id="CV-35-QD96-basis"), pytest.param(QD262, False, id="CV-35-QD262-reference"),
     pytest.param(NQ96, True, id="CV-35-NQ96")],
)
def test_result_use_cv35(rule_set, basis):
    use = cv.result_use(rule_set)
    assert use.sent_to_managing_authority is True
    assert use.basis_for_decisions is basis
    assert use.rules == ("CV-35",)


@pytest.mark.parametrize(
    ("collected", "k", "passed"),
    [
        pytest.param(480, 240, False, id="TC-CV-21-CV-42-exactly-half-none"),
        pytest.param(480, 241, True, id="TC-CV-21-CV-42-over-half"),
        pytest.param(479, 240, True, id="CV-42-odd-over-half"),
        pytest.param(479, 239, False, id="CV-42-odd-under-half"),
        pytest.param(0, 0, False, id="CV-42-nothing-collected"),
    ],
)
def test_no_confidence_vote_cv42(collected, k, passed):
    decision = cv.decide_no_confidence_vote(collected=collected, no_confidence=k, issued=480)
    assert decision.passed is passed
    assert decision.consequences == ((C.MAY_RESIGN_ELSE_DISMISSAL_SUBMITTED,) if passed else ())
    assert "CV-42" in decision.rules


def test_no_confidence_vote_refuses_bad_counts_cv42():
    with pytest.raises(ConfidenceError):
        cv.decide_no_confidence_vote(collected=10, no_confidence=11)
    with pytest.raises(ConfidenceError):
        cv.decide_no_confidence_vote(collected=11, no_confidence=1, issued=10)


@pytest.mark.parametrize(
    ("assembly", "total", "requesting", "triggered"),
    [
        pytest.param(cv.Assembly.NATIONAL_ASSEMBLY, 480, 96, True, id="TC-CV-22-CV-41-NA-96"),
        pytest.param(cv.Assembly.NATIONAL_ASSEMBLY, 480, 95, False, id="TC-CV-22-CV-41-NA-95"),
        pytest.param(cv.Assembly.PEOPLES_COUNCIL, 50, 17, True, id="TC-CV-22-CV-41-HDND-17"),
        pytest.param(cv.Assembly.PEOPLES_COUNCIL, 50, 16, False, id="TC-CV-22-CV-41-HDND-16"),
        pytest.param(cv.Assembly.PEOPLES_COUNCIL, 51, 17, True, id="CV-41-HDND-exactly-one-third"),
        pytest.param(cv.Assembly.NATIONAL_ASSEMBLY, 481, 96, False, id="CV-41-NA-481-96"),
    ],
)
def test_no_confidence_triggers_by_request(assembly, total, requesting, triggered):
    decision = cv.no_confidence_vote_triggers(assembly=assembly, total_deputies=total,
                                              requesting_deputies=requesting)
    assert decision.triggered is triggered
    assert decision.rules == ("CV-41",)


def test_no_confidence_other_grounds_cv41():
    na, hdnd = cv.Assembly.NATIONAL_ASSEMBLY, cv.Assembly.PEOPLES_COUNCIL
    G = cv.NoConfidenceGround
    assert cv.no_confidence_vote_triggers(assembly=na, total_deputies=480, rating_band=Band.LOW_GT_1_2).grounds == (
        G.LOW_RATING,)
    # a two-thirds band goes to dismissal (CV-40), not to a vote
    assert not cv.no_confidence_vote_triggers(assembly=na, total_deputies=480, rating_band=Band.LOW_GE_2_3).triggered
    assert cv.no_confidence_vote_triggers(assembly=na, total_deputies=480, standing_committee_proposal=True).triggered
    assert cv.no_confidence_vote_triggers(assembly=na, total_deputies=480,
                                          ethnic_council_or_committee_recommendation=True).triggered
    assert cv.no_confidence_vote_triggers(assembly=hdnd, total_deputies=50,
                                          fatherland_front_recommendation=True).triggered
    with pytest.raises(ConfidenceError):
        cv.no_confidence_vote_triggers(assembly=na, total_deputies=480, fatherland_front_recommendation=True)
    with pytest.raises(ConfidenceError):
        cv.no_confidence_vote_triggers(assembly=hdnd, total_deputies=50, standing_committee_proposal=True)
    with pytest.raises(ConfidenceError):
        cv.no_confidence_vote_triggers(assembly=hdnd, total_deputies=50, requesting_deputies=51)


# --------------------------------------------------------------------------------------------------
# Consistency (CV-31)
# --------------------------------------------------------------------------------------------------


def test_consistency_tc_cv_24():
    """TC-CV-24, CV-31: H+M+L = 47 with valid_p 46 is rejected; collected 51 > issued 50 is rejected."""
    # N = 47, valid_p stated 46 → invalid_p 1, but the marks add up to 47
    report = cv.check_consistency(present=50, issued=50, collected=47, persons=[cv.PersonCounts("x", 20, 7, 20, 1)])
    assert not report.ok
    assert [v.field for v in report.violations] == ["persons[0].invalid"]
    report = cv.check_consistency(present=50, issued=50, collected=51, persons=[])
    assert [(v.field, v.code) for v in report.violations] == [("collected", "collected_gt_issued")]
    with pytest.raises(cv.ConsistencyError) as err:
        cv.compute_results(rule_set=QD96, convened=60, present=50, issued=50, collected=51, persons=[])
    assert err.value.rules == ("CV-31",)


@pytest.mark.parametrize(
    ("kwargs", "fields"),
    [
        pytest.param({"convened": 10, "present": 11, "issued": 5, "collected": 5}, ["present"], id="CV-31-present-gt-convened"),
        pytest.param({"present": 5, "issued": 6, "collected": 5}, ["issued"], id="CV-31-issued-gt-present"),
        pytest.param({"present": 5, "issued": 5, "collected": 6}, ["collected"], id="CV-31-collected-gt-issued"),
        pytest.param({"present": -1, "issued": 0, "collected": 0}, ["present"], id="CV-31-negative"),
        pytest.param({"present": 5, "issued": 5, "collected": 5}, [], id="CV-31-equal-is-fine"),
        pytest.param({"present": 5, "issued": 4, "collected": 3}, [], id="CV-31-less-is-fine"),
        pytest.param({"present": 5, "issued": 5, "collected": 5, "total_deputies": 4}, ["collected"],
                     id="CV-31-collected-gt-total-deputies"),
    ],
)
def test_consistency_totals(kwargs, fields):
    report = cv.check_consistency(persons=[], **kwargs)
    assert [v.field for v in report.violations] == fields
    assert report.ok is (not fields)


@pytest.mark.parametrize(
    ("person", "field"),
    [
        pytest.param(cv.PersonCounts("x", 11, 0, 0, 0), "persons[0].high", id="CV-31-high-gt-N"),
        pytest.param(cv.PersonCounts("x", 5, 6, 0, 0), "persons[0].medium", id="CV-31-high-medium-gt-N"),
        pytest.param(cv.PersonCounts("x", 5, 5, 1, 0), "persons[0].low", id="CV-31-marks-gt-N"),
        pytest.param(cv.PersonCounts("x", 5, 5, 0, 1), "persons[0].invalid", id="CV-31-rows-ne-N"),
        pytest.param(cv.PersonCounts("x", 5, 4, 0, 0), "persons[0].invalid", id="CV-31-rows-lt-N"),
        pytest.param(cv.PersonCounts("x", -1, 4, 0, 7), "persons[0].high", id="CV-31-negative-mark"),
        pytest.param(cv.PersonCounts("x", 3, 4, 0, 3), None, id="CV-31-valid-lt-N-is-legal"),
        pytest.param(cv.PersonCounts("x", 5, 5, 1, -1), "persons[0].low", id="CV-31-overflow-named-before-invalid"),
        pytest.param(cv.PersonCounts("x", 5, 4, 0, -1), "persons[0].invalid", id="CV-31-negative-invalid"),
    ],
)
def test_consistency_per_person(person, field):
    report = cv.check_consistency(present=10, issued=10, collected=10, persons=[person])
    assert [v.field for v in report.violations] == ([field] if field else [])


def test_consistency_duplicate_person_cv31():
    report = cv.check_consistency(present=1, issued=1, collected=1,
                                  persons=[cv.PersonCounts("x", 1, 0, 0, 0), cv.PersonCounts("x", 1, 0, 0, 0)])
    assert [v.field for v in report.violations] == ["persons[1].person_id"]


# --------------------------------------------------------------------------------------------------
# Whole conference results (CV-17 void, CV-27)
# --------------------------------------------------------------------------------------------------


def test_void_vote_has_no_band_cv17():
    persons = [cv.PersonCounts("a", 0, 0, 31, 0)]
    result = cv.compute_results(rule_set=QD96, convened=47, present=31, issued=31, collected=31, persons=persons)
    assert result.void and not result.countable
    row = result.persons[0]
    assert row.band is None and row.consequences == ()
    assert cv.format_percent(row.low_pct) == "100.00"
    assert "CV-17" in row.rules
    # NQ96 records attendance only: the same numbers are counted
    result = cv.compute_results(rule_set=NQ96, convened=47, present=31, issued=31, collected=31, persons=persons)
    assert not result.void and result.persons[0].band is Band.LOW_GE_2_3


def test_qd262_denominator_setting_cv29_op5():
    """CV-29 / OP-5: QD262 divides by ballots collected by default; the setting can switch it."""
    row = cv.rate_person(rule_set=QD262, counts=counts("a", 10, 9, 21, 40), collected=40, convened=50)
    assert row.denominator == 40 and row.band is Band.LOW_GT_1_2
    assert any(d.point == "OP-5" and d.standard for d in row.defaults_applied)
    assert "CV-29" in row.rules
    settings = cv.ConfidenceSettings(qd262_denominator=cv.Denominator.MEMBERS_CONVENED)
    row = cv.rate_person(rule_set=QD262, counts=counts("a", 10, 9, 21, 40), collected=40, convened=50,
                         settings=settings)
    assert row.denominator == 50 and row.band is Band.NONE
    assert any(d.point == "OP-5" and not d.standard for d in row.defaults_applied)


def test_denominator_rules_cv27_cv28():
    assert cv.denominator_for(rule_set=QD96, collected=52, convened=60).value == 52
    assert cv.denominator_for(rule_set=QD96, collected=52).rules == ("CV-27",)
    assert cv.denominator_for(rule_set=NQ96, collected=480, total_deputies=499).value == 480
    assert cv.denominator_for(rule_set=NQ96, collected=480).rules == ("CV-28",)


# --------------------------------------------------------------------------------------------------
# Settings and defaults (CV-1)
# --------------------------------------------------------------------------------------------------


def test_settings_report_every_default_cv1():
    """CV-1: every [default] setting is reported with its open point; an override is flagged."""
    report = cv.DEFAULT_SETTINGS.report()
    points = {d.point for d in report}
    assert {"OP-1", "OP-2", "OP-3", "OP-4", "OP-5", "OP-6", "OP-7", "OP-8", "OP-9", "OP-10", "OP-11"} <= points
    assert all(d.standard for d in report)
    changed = cv.ConfidenceSettings(invalidity_scope=cv.InvalidityScope.WHOLE_BALLOT).report()
    flagged = [d for d in changed if not d.standard]
    assert [(d.point, d.parameter, d.value) for d in flagged] == [("OP-3", "invalidity_scope", "whole_ballot")]


def test_settings_validation_cv1():
    with pytest.raises(ConfidenceError):
        cv.ConfidenceSettings(rating_window_months=(30, 20))
    with pytest.raises(ConfidenceError):
        cv.ConfidenceSettings(case_reminder_days=0)
    with pytest.raises(ConfidenceError):
        cv.ConfidenceSettings(qd262_denominator=cv.Denominator.TOTAL_DEPUTIES)


def test_decisions_carry_defaults_applied_cv1():
    decision = cv.decide_quorum(rule_set=NQ96, convened=10, present=5)
    assert [(d.point, d.parameter, d.value) for d in decision.defaults_applied] == [
        ("OP-6", "nq96_quorum", "record_only")]
    row = cv.rate_person(rule_set=QD96, counts=counts("a", 1, 0, 0, 1), collected=1)
    assert any(d.point == "CV-32" for d in row.defaults_applied)


def test_merge_rules_sorts_numerically():
    assert cv.merge_rules(("CV-34", "CV-2"), ("OP-3", "CV-17", "CV-2")) == ("CV-2", "CV-17", "CV-34", "OP-3")
