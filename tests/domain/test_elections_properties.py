"""Hypothesis properties of the election count (EL-29..EL-46)."""

from __future__ import annotations

import unicodedata
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from partyorg.domain import elections as el

NAMES = [f"C{i}" for i in range(8)]


@st.composite
def elections(draw):
    """A list, seats and a pile of surplus ballots (some invalid)."""
    size = draw(st.integers(min_value=2, max_value=len(NAMES)))
    candidates = NAMES[:size]
    seats = draw(st.integers(min_value=1, max_value=size - 1))
    ballots = draw(
        st.lists(
            st.builds(
                el.SurplusBallot,
                kept=st.frozensets(st.sampled_from(candidates)),
                issued_by_committee=st.sampled_from([True, True, True, False]),
            ),
            max_size=40,
        )
    )
    roll = draw(st.integers(min_value=0, max_value=60))
    return candidates, seats, ballots, roll


def outcome(candidates, seats, ballots, roll):
    count = el.count_ballots(candidates=candidates, seats=seats, issued=len(ballots), ballots=ballots)
    result = el.decide_round(
        candidates=candidates,
        votes=count.votes,
        seats=seats,
        roll=roll,
        valid=count.valid,
        collected=count.collected,
    )
    return count, result


@given(elections(), st.randoms(use_true_random=False))
@settings(max_examples=75, deadline=None)
def test_el_34_el_39_el_40_ballot_order_never_matters(election, rnd):
    """EL-34, EL-39, EL-40: ballot order never matters."""
    candidates, seats, ballots, roll = election
    shuffled = list(ballots)
    rnd.shuffle(shuffled)
    count_a, result_a = outcome(candidates, seats, ballots, roll)
    count_b, result_b = outcome(candidates, seats, shuffled, roll)
    assert (count_a.valid, count_a.invalid, count_a.votes) == (count_b.valid, count_b.invalid, count_b.votes)
    assert result_a == result_b


@given(elections(), st.data())
@settings(max_examples=75, deadline=None)
def test_el_29_el_35_adding_a_valid_ballot_keeping_c_never_lowers_c(election, data):
    """EL-29, EL-35: adding a valid ballot keeping c never lowers c."""
    candidates, seats, ballots, roll = election
    favourite = data.draw(st.sampled_from(candidates))
    others = data.draw(st.frozensets(st.sampled_from(candidates), max_size=seats - 1))
    extra = el.SurplusBallot(kept=frozenset({favourite}) | others)  # at most `seats` names
    assert el.rule_on_ballot(extra, candidates=candidates, seats=seats).valid
    before, result_before = outcome(candidates, seats, ballots, roll)
    after, result_after = outcome(candidates, seats, [*ballots, extra], roll)
    assert after.votes[favourite] == before.votes[favourite] + 1
    assert all(after.votes[c] >= before.votes[c] for c in candidates)
    row_before = next(r for r in result_before.rows if r.candidate == favourite)
    row_after = next(r for r in result_after.rows if r.candidate == favourite)
    assert row_after.qualifies or not row_before.qualifies  # EL-35 is monotone in votes


@given(elections())
@settings(max_examples=75, deadline=None)
def test_el_39_el_40_el_45_result_invariants(election):
    """EL-39, EL-40, EL-45: result invariants."""
    candidates, seats, ballots, roll = election
    count, result = outcome(candidates, seats, ballots, roll)
    assert count.valid + count.invalid == count.collected  # EL-45
    assert el.check_minutes(
        seats=seats,
        issued=count.issued,
        collected=count.collected,
        valid=count.valid,
        invalid=count.invalid,
        votes=count.votes,
    ).ok == (count.collected > 0)
    assert len(result.elected) <= seats  # EL-39
    assert set(result.elected).isdisjoint(result.tie_revote)  # EL-40
    assert result.seats_unfilled == seats - len(result.elected)
    votes = count.votes
    for name in (*result.elected, *result.tie_revote):
        assert 2 * votes[name] > roll  # EL-35: only qualifying candidates win or are re-voted
    if result.tie_revote:
        assert len({votes[n] for n in result.tie_revote}) == 1
        assert len(result.elected) + len(result.tie_revote) > seats
        assert all(votes[e] > votes[result.tie_revote[0]] for e in result.elected)
    losers = [c for c in candidates if c not in result.elected and c not in result.tie_revote]
    for loser in losers:
        for winner in result.elected:
            assert votes[winner] >= votes[loser]


@given(st.integers(min_value=0, max_value=10**6), st.integers(min_value=0, max_value=10**6))
def test_el_35_el_46_votes_needed_is_the_smallest_majority(votes, roll):
    """EL-35, EL-46: votes needed is the smallest majority."""
    assert (votes >= el.votes_needed(roll)) == el.qualifies(votes, roll)
    assert not el.qualifies(el.votes_needed(roll) - 1, roll)


@given(st.integers(min_value=0, max_value=10**5), st.integers(min_value=1, max_value=10**5))
def test_el_46_percent_matches_exact_round_half_up(votes, base):
    """EL-46: percent matches exact round half up."""
    exact = Fraction(100 * votes, base)
    expected = (Decimal(exact.numerator) / Decimal(exact.denominator)).quantize(
        Decimal("0.01"), ROUND_HALF_UP
    )
    # cross-check with an exact rational rounding: floor(x*100 + 1/2)
    hundredths = (exact * 100 + Fraction(1, 2)).__floor__()
    assert el.percent_of(votes, base) == Decimal(hundredths) / 100
    assert el.percent_of(votes, base) == expected


VI_WORDS = [
    "An",
    "Ân",
    "Anh",
    "Ánh",
    "Bình",
    "Cương",
    "Cường",
    "Dung",
    "Đức",
    "Hùng",
    "Hưng",
    "Thủy",
    "Thúy",
    "Tuân",
    "Tuấn",
]
VI_FAMILIES = ["Nguyễn", "Lê", "Trần", "Đỗ", "Bùi", "Ưng"]


@given(
    st.lists(
        st.tuples(
            st.sampled_from(VI_FAMILIES), st.sampled_from(["Văn", "Thị", ""]), st.sampled_from(VI_WORDS)
        ),
        min_size=1,
        max_size=12,
    ),
    st.randoms(use_true_random=False),
)
def test_el_26_el_27_list_order_ignores_input_order_and_normalisation(parts, rnd):
    """EL-26, EL-27: list order ignores input order and normalisation."""
    names = [" ".join(p for p in part if p) for part in parts]
    candidates = [el.Candidate(str(i), n) for i, n in enumerate(names)]
    shuffled = list(candidates)
    rnd.shuffle(shuffled)
    assert el.list_order(candidates) == el.list_order(shuffled)
    decomposed = [el.Candidate(c.id, unicodedata.normalize("NFD", c.full_name)) for c in candidates]
    assert [c.id for c in el.list_order(decomposed)] == [c.id for c in el.list_order(candidates)]


@given(st.integers(min_value=1, max_value=400))
def test_el_15_el_17_el_19_surplus_arithmetic(seats):
    """EL-15, EL-17, EL-19: surplus arithmetic."""
    lo, hi = el.proposal_band(seats)
    assert 10 * lo >= seats and 10 * (lo - 1) < seats  # 10% rounded up
    assert hi >= lo and (100 * hi <= 15 * seats or hi == lo)
    cap = el.trim_size(seats)
    if seats >= 6:
        assert el.surplus_check(seats, cap).ok  # the trimmed list is within the EL-15 cap
        assert not el.surplus_check(seats, cap + 1).ok
    else:
        assert cap == seats + 1 and el.surplus_check(seats, cap).ok
