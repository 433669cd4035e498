"""Property tests of the cadre rules (CA-4, CA-5, CA-7, CA-13, CA-21, CA-30, CA-34)."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from partyorg.domain.cadres import (
    DecisionRef,
    NecessaryReason,
    PlanningEntry,
    PlanningState,
    RuleSet,
    SuspensionGround,
    TermKind,
    add_months,
    add_working_days,
    check_position_capacity,
    check_positions_per_cadre,
    confidence_planning_effect,
    full_months,
    is_working_day,
    planning_term,
    suspension_decide,
    vote_step_passed,
    working_days_between,
)

dates = st.dates(date(2000, 1, 1), date(2060, 12, 31))
holidays = st.frozensets(st.dates(date(2026, 1, 1), date(2026, 12, 31)), max_size=20)
TERM = planning_term("t", date(2026, 7, 1), TermKind.NEXT)


@given(dates, dates)
def test_ca7_property_full_months_is_the_largest_fitting_count(a: date, b: date) -> None:
    """CA-7: add_months(start, m) <= end < add_months(start, m + 1)."""
    start, end = min(a, b), max(a, b)
    m = full_months(start, end)
    assert add_months(start, m) <= end < add_months(start, m + 1)


@given(st.dates(date(2026, 1, 1), date(2026, 11, 30)), st.integers(1, 40), holidays)
def test_ca34_property_add_then_count_working_days(base: date, n: int, hol: frozenset[date]) -> None:
    """CA-34: the n-th working day after ``base`` is a working day and exactly n working days away."""
    end = add_working_days(base, n, hol)
    assert is_working_day(end, hol)
    assert working_days_between(base, end, hol) == n


@given(st.dates(date(2025, 10, 8), date(2026, 11, 30)), st.integers(1, 15), holidays, st.booleans())
def test_ca30_property_necessary_period_never_exceeds_limit(decided: date, days: int, hol: frozenset[date], count_day: bool) -> None:
    """CA-30, CA-34: the period holds exactly the requested working days (counting the decision day when configured)."""
    from partyorg.domain.cadres import CadreDefaults

    r = suspension_decide(
        cadre_id="x",
        ground=SuspensionGround.NECESSARY,
        decided_on=decided,
        working_days=days,
        reason=NecessaryReason.DELAYING_DUTIES,
        defaults=CadreDefaults(holidays=hol, count_decision_day=count_day),
    )
    s = r.suspension
    assert s is not None and s.start <= s.end
    counted = working_days_between(decided, s.end, hol) + (1 if count_day and is_working_day(decided, hol) else 0)
    assert counted == days


@given(st.integers(0, 300), st.integers(0, 300))
def test_ca13_property_bands_and_monotonicity(a: int, b: int) -> None:
    """CA-13: removal iff more than half low, relief iff at least two thirds; relief implies removal; more low never helps."""
    low, collected = min(a, b), max(a, b)
    e = confidence_planning_effect(low, collected)
    assert e.removal_required is (2 * low > collected)
    assert e.relief_proposal is (collected > 0 and 3 * low >= 2 * collected)
    assert not e.relief_proposal or e.removal_required
    if low < collected:
        more = confidence_planning_effect(low + 1, collected)
        assert more.removal_required >= e.removal_required and more.relief_proposal >= e.relief_proposal


@given(st.integers(0, 300), st.integers(0, 300))
def test_ca21_property_vote_more_than_half(a: int, b: int) -> None:
    """CA-21: passed iff 2*yes > members convened."""
    yes, convened = min(a, b), max(a, b)
    assert vote_step_passed(yes, convened).passed is (2 * yes > convened)


@given(st.lists(st.sampled_from(["c1", "c2", "c3", "c4", "c5", "c6"]), max_size=12))
def test_ca4_property_sequential_additions_never_exceed_three(cadres: list[str]) -> None:
    """CA-4: adding entries one by one under the check never puts more than 3 cadres on one position."""
    accepted: list[PlanningEntry] = []
    for i, c in enumerate(cadres):
        if check_position_capacity("pos", TERM.term_id, accepted).ok:
            accepted.append(PlanningEntry(f"e{i}", c, "pos", "province", 5, TERM, DecisionRef("1", date(2026, 7, 1)), RuleSet.QD377))
    assert len(accepted) == min(3, len(cadres))


@given(st.lists(st.tuples(st.sampled_from(["province", "central", "district"]), st.sampled_from(list(PlanningState))), max_size=10))
def test_ca5_property_count_per_level(existing: list[tuple[str, PlanningState]]) -> None:
    """CA-5: a new entry is allowed iff fewer than 3 entries in planning at the same level."""
    entries = [
        PlanningEntry(f"e{i}", "x", f"p{i}", level, 5, TERM, DecisionRef("1", date(2026, 7, 1)), RuleSet.QD377, state)
        for i, (level, state) in enumerate(existing)
    ]
    for level in ("province", "central", "district"):
        n = sum(1 for lv, st_ in existing if lv == level and st_ in (PlanningState.ACTIVE, PlanningState.REMOVAL_REQUIRED))
        assert check_positions_per_cadre("x", TERM.term_id, level, entries).ok is (n < 3)
