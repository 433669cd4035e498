"""Confidence votes: hypothesis properties (CV-24, CV-25, CV-31, CV-32, CV-34, CV-36..CV-40)."""

from __future__ import annotations

from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from partyorg.domain import confidence as cv
from partyorg.domain.confidence import Band, Mark, RuleSet

PARTY_AND_NA = [RuleSet.QD96_2023, RuleSet.QD262_2014, RuleSet.NQ96_2023_QH15]
ALL = list(RuleSet)
LISTED = ("A", "B", "C")

n_and_low = st.integers(min_value=1, max_value=5000).flatmap(
    lambda n: st.tuples(st.just(n), st.integers(min_value=0, max_value=n)))


@given(n_and_low)
def test_one_more_low_never_improves_the_band_cv34(case):
    """CV-34: with N fixed, one more low vote never gives a better band."""
    n, low = case
    if low < n:
        assert cv.band_for(low + 1, n).severity >= cv.band_for(low, n).severity


@given(n_and_low)
def test_band_matches_exact_fractions_cv34(case):
    n, low = case
    share = Fraction(low, n)
    band = cv.band_for(low, n)
    assert (band is Band.LOW_GE_2_3) is (share >= Fraction(2, 3))
    assert (band is Band.LOW_GT_1_2) is (Fraction(1, 2) < share < Fraction(2, 3))


@given(n_and_low, st.sampled_from(ALL), st.booleans())
def test_one_more_low_never_removes_a_consequence(case, rule_set, previous):
    """CV-36..CV-43: more low votes never lead to fewer required follow-ups (never to none)."""
    n, low = case
    if low < n:
        before = cv.decide_consequences(rule_set=rule_set, low=low, denominator=n, previous_rating_low_over_half=previous)
        after = cv.decide_consequences(rule_set=rule_set, low=low + 1, denominator=n,
                                       previous_rating_low_over_half=previous)
        assert not (before.consequences and not after.consequences)


@given(n_and_low)
def test_percent_in_range_and_within_half_a_unit_cv32(case):
    """CV-32: 0 <= % <= 100, at most 0.005 from the exact value, ties rounded up."""
    n, count = case
    value = cv.percent(count, n)
    assert value is not None and 0 <= value <= 100
    exact = Fraction(100 * count, n)
    shown = Fraction(value)
    assert -Fraction(1, 200) < shown - exact <= Fraction(1, 200)
    assert cv.format_percent(value).count(".") == 1 and len(cv.format_percent(value).split(".")[1]) == 2


marks = st.frozensets(st.sampled_from(list(Mark)), max_size=3)
rows = st.tuples(*(st.builds(cv.BallotRow, st.just(pid), marks, st.booleans()) for pid in LISTED))
papers = st.builds(cv.BallotPaper, rows, st.booleans(), st.sampled_from([(), ("X",)]), st.booleans(), st.booleans())
ballot_lists = st.lists(papers, max_size=40)


@settings(max_examples=60)
@given(ballot_lists, st.randoms(use_true_random=False), st.sampled_from(list(cv.InvalidityScope)),
       st.sampled_from(PARTY_AND_NA))
def test_tally_does_not_depend_on_ballot_order(ballots, rnd, scope, rule_set):
    """CV-24, CV-25: the tally is the same in any order; totals are preserved (CV-31)."""
    config = cv.ConfidenceSettings(invalidity_scope=scope)
    first = cv.tally_ballots(rule_set=rule_set, ballots=ballots, listed=LISTED, settings=config)
    shuffled = list(ballots)
    rnd.shuffle(shuffled)
    second = cv.tally_ballots(rule_set=rule_set, ballots=shuffled, listed=LISTED, settings=config)
    assert first == second
    assert first.collected == len(ballots)
    for person in first.persons:
        assert person.valid + person.invalid == first.collected
    report = cv.check_consistency(present=len(ballots), issued=len(ballots), collected=first.collected,
                                  persons=first.persons)
    assert report.ok


@settings(max_examples=60)
@given(ballot_lists)
def test_whole_ballot_scope_never_has_more_valid_rows_op3(ballots):
    """OP-3: the whole-ballot setting never counts more valid rows than the per-row default (CV-25)."""
    per_row = cv.tally_ballots(rule_set=RuleSet.QD96_2023, ballots=ballots, listed=LISTED)
    whole = cv.tally_ballots(rule_set=RuleSet.QD96_2023, ballots=ballots, listed=LISTED,
                             settings=cv.ConfidenceSettings(invalidity_scope=cv.InvalidityScope.WHOLE_BALLOT))
    for a, b in zip(per_row.persons, whole.persons, strict=True):
        assert b.valid <= a.valid


counts_strategy = st.integers(min_value=0, max_value=300).flatmap(
    lambda n: st.tuples(
        st.just(n),
        st.integers(min_value=0, max_value=n).flatmap(
            lambda h: st.integers(min_value=0, max_value=n - h).flatmap(
                lambda m: st.tuples(st.just(h), st.just(m), st.integers(min_value=0, max_value=n - h - m)))),
    ))


@given(counts_strategy, st.sampled_from(PARTY_AND_NA))
def test_rows_keep_counts_and_use_collected_cv27(case, rule_set):
    """CV-27..CV-29: every row divides by ballots collected; no band and no % when N == 0 (CV-33)."""
    n, (h, m, low) = case
    person = cv.PersonCounts("p", h, m, low, n - h - m - low)
    result = cv.compute_results(rule_set=rule_set, convened=n, present=n, issued=n, collected=n, persons=[person])
    row = result.persons[0]
    assert row.counts == person and row.denominator == n
    if n == 0:
        assert row.band is None and row.low_pct is None
    else:
        assert row.band is cv.band_for(low, n)
        assert row.high_pct is not None and row.medium_pct is not None and row.low_pct is not None
        assert row.high_pct + row.medium_pct + row.low_pct <= 100 + Fraction(3, 200)
