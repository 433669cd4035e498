"""The HTXS quota per peer group (AR-31..AR-37): boundary tables, worked examples, hypothesis properties."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from partyorg.domain.rating import Level, RatingInputError, RuleSet, SubjectType
from partyorg.domain.rating.common import Defaults
from partyorg.domain.rating.quota import (
    Candidate,
    ExceptionDecision,
    RatedEntry,
    apply_quota,
    check_batch,
    check_change,
    excellent_max,
    peer_group_key,
    quota_counts,
    quota_ratio,
    within_quota,
)

R20, R25 = Fraction(1, 5), Fraction(1, 4)


def cands(*scores: int | None) -> list[Candidate]:
    return [Candidate(f"c{i}", None if s is None else Fraction(s)) for i, s in enumerate(scores)]


# ---------------------------------------------------------------------------------------------------
# Worked examples


def test_T15_peer_group_of_30_AR_35():
    """T15: 8 candidates, 18 other HTT, 4 HT: 20% -> 26//6 = 4; 25% -> 26//5 = 5."""
    assert excellent_max(18, 8, R20) == 4
    assert within_quota(4, 22, R20) and not within_quota(5, 21, R20)
    assert excellent_max(18, 8, R25) == 5
    assert within_quota(5, 21, R25) and not within_quota(6, 20, R25)
    out = apply_quota(cands(99, 98, 97, 96, 95, 94, 93, 92), 18, R20)
    assert out.excellent == ("c0", "c1", "c2", "c3") and len(out.moved_to_good) == 4


def test_T16_batch_check_AR_33_AR_34():
    """T16: 25 HTT, 6 HTXS: rejected at 20% (30 > 25), accepted with a 25% decision (600 <= 625)."""
    batch = [RatedEntry(Level.GOOD)] * 25 + [RatedEntry(Level.EXCELLENT)] * 6
    rejected = check_batch(batch, R20)
    assert not rejected.ok and (rejected.htxs, rejected.htt) == (6, 25) and "25" in rejected.message_en
    assert check_batch(batch, quota_ratio(RuleSet.QD366, 25).ratio).ok
    assert 100 * 6 <= 25 * 25


def test_T26_qd124_rejects_the_exception_AR_37():
    """T26: QD124 2024, 12 other HTT, 3 candidates, 25% decision recorded: rejected; 15//6 = 2 HTXS."""
    r = quota_ratio(RuleSet.QD124, 25)
    assert r.exception_rejected and r.ratio == R20 and "AR-37" in r.rules
    assert any(d.name == "qd124_allow_exception" and d.value is False for d in r.defaults_applied)
    assert excellent_max(12, 3, r.ratio) == 2
    allowed = quota_ratio(RuleSet.QD124, 25, defaults=Defaults(qd124_allow_exception=True))
    assert allowed.ratio == R25


# ---------------------------------------------------------------------------------------------------
# Boundaries at the quota edge (AR-33, AR-34, AR-35)


@pytest.mark.parametrize(
    ("htxs", "htt", "ratio", "ok"),
    [(0, 0, R20, True), (1, 4, R20, False), (1, 5, R20, True), (2, 10, R20, True), (2, 9, R20, False),
     (1, 3, R25, False), (1, 4, R25, True), (5, 20, R25, True), (5, 19, R25, False),
     (11, 50, Fraction(22, 100), True), (12, 54, Fraction(22, 100), False)],
)  # fmt: skip
def test_within_quota_edge_AR_33_AR_34(htxs, htt, ratio, ok):
    """Cites AR-33, AR-34."""
    assert within_quota(htxs, htt, ratio) is ok


@pytest.mark.parametrize(
    ("good", "n", "k20", "k25"),
    [(0, 0, 0, 0), (0, 5, 0, 1), (4, 1, 0, 1), (5, 1, 1, 1), (5, 0, 0, 0), (0, 6, 1, 1), (4, 2, 1, 1),
     (10, 2, 2, 2), (10, 3, 2, 2), (23, 1, 1, 1), (24, 6, 5, 6), (0, 1, 0, 0)],
)  # fmt: skip
def test_excellent_max_floor_AR_35(good, n, k20, k25):
    """Cites AR-35."""
    assert excellent_max(good, n, R20) == k20 == min(n, (good + n) // 6)
    assert excellent_max(good, n, R25) == k25 == min(n, (good + n) // 5)


def test_exception_ratio_AR_34():
    """Cites AR-34."""
    assert quota_ratio(RuleSet.QD366).text == "0.20"
    r = quota_ratio(RuleSet.QD366, 25)
    assert r.text == "0.25" and r.exception_applied and "AR-34" in r.rules
    assert quota_ratio(RuleSet.QD366, 22).ratio == Fraction(22, 100)
    for bad in (20, 26, 0):
        with pytest.raises(RatingInputError):
            quota_ratio(RuleSet.QD366, bad)
    decision = ExceptionDecision("5-QĐ/TU", dt.date(2025, 12, 1), "Ban Thường vụ Tỉnh ủy", "Thành tích nổi bật", 25,
                                 ("grassroots-1",))  # fmt: skip
    assert decision.pct == 25
    with pytest.raises(RatingInputError):
        ExceptionDecision("5", dt.date(2025, 12, 1), "BTV", "", 25, ("g",))
    with pytest.raises(RatingInputError):
        ExceptionDecision("5", dt.date(2025, 12, 1), "BTV", "lý do", 30, ("g",))


# ---------------------------------------------------------------------------------------------------
# Ties and unscored candidates (AR-36)


def test_tie_across_the_cut_is_undecided_AR_36():
    """Cites AR-36."""
    # G=10, N=4: k = 14//6 = 2; scores 95, 93, 93, 90 -> tie at the cut
    out = apply_quota(cands(95, 93, 93, 90), 10, R20)
    assert out.excellent_max == 2
    assert out.excellent == ("c0",) and out.undecided == ("c1", "c2") and out.moved_to_good == ("c3",)
    assert "AR-36" in out.rules


def test_tie_not_across_the_cut_is_fine_AR_36():
    """Cites AR-36."""
    out = apply_quota(cands(95, 95, 93, 93), 10, R20)
    assert out.excellent == ("c0", "c1") and out.moved_to_good == ("c2", "c3") and out.undecided == ()


def test_unscored_candidates_are_undecided_when_a_cut_is_needed_AR_36():
    """Cites AR-36."""
    out = apply_quota(cands(None, 95, None, 91), 10, R20)  # k = 2: the scored take the slots
    assert out.excellent == ("c1", "c3") and out.undecided == ("c0", "c2") and out.moved_to_good == ()
    out = apply_quota(cands(None, None, None), 0, R20)  # k = 0
    assert out.excellent == () and out.undecided == ("c0", "c1", "c2")
    out = apply_quota(cands(None, None), 10, R20)  # no cut: k = 2
    assert out.excellent == ("c0", "c1")


def test_no_cut_keeps_everyone_in_score_then_input_order():
    out = apply_quota(cands(91, 99, None), 20, R20)
    assert out.excellent == ("c1", "c0", "c2") and out.moved_to_good == () and out.undecided == ()
    assert "AR-36" not in out.rules


def test_zero_slots_moves_every_scored_candidate():
    out = apply_quota(cands(99, 95), 3, R20)
    assert out.excellent_max == 0 and out.moved_to_good == ("c0", "c1")


def test_duplicate_ids_rejected():
    with pytest.raises(RatingInputError):
        apply_quota([Candidate("a", None), Candidate("a", None)], 5, R20)


# ---------------------------------------------------------------------------------------------------
# Peer groups (AR-31), what counts (AR-32), later changes (AR-33)


def test_peer_group_key_AR_31_AR_37():
    """Cites AR-31, AR-37."""
    key = peer_group_key(RuleSet.QD366, deciding_authority="DU-xa-A", subject_type=SubjectType.NON_LEADER,
                         role_class="member", cell="cb-1")  # fmt: skip
    assert key == ("DU-xa-A", "non_leader", "member")
    per_cell = peer_group_key(RuleSet.QD366, deciding_authority="DU-xa-A", subject_type=SubjectType.NON_LEADER,
                              role_class="member", cell="cb-1", defaults=Defaults(peer_group_scope="cell"))  # fmt: skip
    assert per_cell[-1] == "cb-1"
    legacy = peer_group_key(RuleSet.QD132, deciding_authority="x", subject_type=SubjectType.NON_LEADER,
                            role_class="member", grassroots_org="dbcs-9")  # fmt: skip
    assert legacy[:2] == ("grassroots_org", "dbcs-9")


def test_only_decided_non_cancelled_levels_count_AR_32():
    """Cites AR-32."""
    entries = [RatedEntry(Level.EXCELLENT), RatedEntry(Level.EXCELLENT, decided=False),
               RatedEntry(Level.EXCELLENT, cancelled=True), RatedEntry(Level.GOOD), RatedEntry(Level.COMPLETED)]  # fmt: skip
    assert quota_counts(entries) == (1, 1)


def test_later_single_change_is_checked_on_the_group_AR_33():
    """Cites AR-33."""
    group = [RatedEntry(Level.GOOD)] * 5 + [RatedEntry(Level.EXCELLENT)]
    assert not check_change(group, 0, Level.EXCELLENT, R20).ok  # 2 HTXS, 4 HTT
    assert check_change(group, 5, Level.GOOD, R20).ok


# ---------------------------------------------------------------------------------------------------
# Properties

scores = st.one_of(st.none(), st.integers(min_value=0, max_value=100).map(Fraction))
groups = st.tuples(
    st.lists(scores, max_size=25), st.integers(min_value=0, max_value=60), st.sampled_from([R20, R25, Fraction(22, 100)])
)


@given(groups)
@settings(max_examples=300, deadline=None)
def test_property_never_over_ratio_AR_33_AR_35(g):
    """Cites AR-33, AR-35."""
    raw, good, ratio = g
    out = apply_quota(cands(*raw), good, ratio)
    e = len(out.excellent)
    assert e <= out.excellent_max
    # every non-excellent candidate ends good at worst (moved now, or undecided and cut by the authority)
    assert within_quota(e, good + len(raw) - e, ratio)
    if not out.undecided:
        assert within_quota(e, good + len(out.moved_to_good), ratio)
    assert sorted(out.excellent + out.moved_to_good + out.undecided) == sorted(f"c{i}" for i in range(len(raw)))


@given(st.lists(st.integers(min_value=0, max_value=100), max_size=25, unique=True),
       st.integers(min_value=0, max_value=60), st.sampled_from([R20, R25]))  # fmt: skip
@settings(max_examples=300, deadline=None)
def test_property_feasible_maximum_without_ties_AR_35(raw, good, ratio):
    """Cites AR-35."""
    out = apply_quota(cands(*raw), good, ratio)
    k = len(out.excellent)
    assert k == excellent_max(good, len(raw), ratio)
    assert out.undecided == ()
    # one more would break the ratio (or there is nobody left)
    assert k == len(raw) or not within_quota(k + 1, good + len(raw) - k - 1, ratio)
    # those kept all outrank those moved
    kept = {f"c{i}": s for i, s in enumerate(raw)}
    if out.excellent and out.moved_to_good:
        assert min(kept[i] for i in out.excellent) > max(kept[i] for i in out.moved_to_good)


@given(groups, st.randoms(use_true_random=False))
@settings(max_examples=300, deadline=None)
def test_property_independent_of_input_order_AR_36(g, rnd):
    """Cites AR-36."""
    raw, good, ratio = g
    original = cands(*raw)
    shuffled = list(original)
    rnd.shuffle(shuffled)
    a, b = apply_quota(original, good, ratio), apply_quota(shuffled, good, ratio)
    assert set(a.excellent) == set(b.excellent)
    assert set(a.moved_to_good) == set(b.moved_to_good)
    assert set(a.undecided) == set(b.undecided)


@given(st.integers(min_value=0, max_value=200), st.integers(min_value=0, max_value=200))
def test_property_excellent_max_is_the_largest_feasible_AR_35(good, n):
    """Cites AR-35."""
    for ratio in (R20, R25):
        k = excellent_max(good, n, ratio)
        p, q = ratio.numerator, ratio.denominator
        assert q * k <= p * (good + n - k)
        assert k == n or q * (k + 1) > p * (good + n - k - 1)
