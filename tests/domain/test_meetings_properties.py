"""Property tests of the party-meetings rules (PM-7, PM-12, PM-13, PM-19, PM-31, PM-34)."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from partyorg.domain.meetings import (
    HeldMeeting,
    MeetingKind,
    MeetingStatistics,
    OrgKind,
    VoteCount,
    meeting_compliance,
    meeting_quorum,
    online_eligibility_counts,
    plan_group_meetings,
    resolution_adoption,
    statistics_rollup,
)


@given(st.integers(0, 500), st.integers(0, 500))
def test_pm12_property_quorum_matches_fraction_and_is_monotone(a: int, b: int) -> None:
    """PM-12: valid iff present/convened >= 2/3 (convened > 0); one more present never invalidates."""
    present, convened = min(a, b), max(a, b)
    q = meeting_quorum(present, convened)
    assert q.valid is (convened > 0 and 3 * present >= 2 * convened)
    if present < convened:
        assert meeting_quorum(present + 1, convened).valid or not q.valid


@given(st.integers(0, 300), st.integers(0, 300))
def test_pm13_property_adoption_more_than_half(a: int, b: int) -> None:
    """PM-13: adopted iff yes > convened/2; one more yes never loses the vote."""
    yes, convened = min(a, b), max(a, b)
    r = resolution_adoption(VoteCount(yes), convened)
    assert r.adopted is (2 * yes > convened)
    if yes < convened:
        assert resolution_adoption(VoteCount(yes + 1), convened).adopted or not r.adopted


@given(st.integers(0, 200), st.integers(0, 20), st.integers(0, 20), st.data())
def test_pm19_property_eligibility_more_than_half_of_base(members: int, exempt: int, suspended: int, data: st.DataObject) -> None:
    """PM-19: eligible iff unable is a strict majority of the base."""
    if exempt + suspended > members:
        return
    base = members - exempt - suspended
    unable = data.draw(st.integers(0, base))
    e = online_eligibility_counts(members, exempt, suspended, unable)
    assert e.base == base
    assert e.eligible is (unable * 2 > base)


@given(
    st.lists(st.tuples(st.integers(1, 12), st.sampled_from(list(MeetingKind)), st.booleans(), st.booleans()), max_size=30),
    st.one_of(st.none(), st.dates(date(2025, 6, 1), date(2027, 1, 1))),
    st.one_of(st.none(), st.dates(date(2026, 1, 1), date(2027, 6, 1))),
)
def test_pm7_property_held_plus_missing_is_due(meetings: list[tuple[int, MeetingKind, bool, bool]], created: date | None, as_of: date | None) -> None:
    """PM-7: held <= due, held + missing = due, and more meetings never lower ``held``."""
    held = [HeldMeeting(date(2026, m, 15), k, fin, also_thematic=th) for m, k, fin, th in meetings]
    c = meeting_compliance(OrgKind.SUBORDINATE_CELL, 2026, held, created_on=created, as_of=as_of)
    more = meeting_compliance(OrgKind.SUBORDINATE_CELL, 2026, [*held, HeldMeeting(date(2026, 5, 2), MeetingKind.REGULAR, True)], created_on=created, as_of=as_of)
    for item, item_more in zip(c.items, more.items, strict=True):
        assert 0 <= item.held <= item.due
        assert item.held + len(item.missing) == item.due
        assert item_more.held >= item.held


@given(st.lists(st.integers(1, 12), max_size=12))
def test_pm31_property_never_more_than_three_group_months(months: list[int]) -> None:
    """PM-31: the plan accepts at most 3 group months; the others stay whole-cell meetings."""
    plan = plan_group_meetings(months)
    assert len(plan.by_groups) <= 3
    assert set(plan.by_groups) <= set(months)
    assert sorted(plan.by_groups + plan.whole_cell) == list(range(1, 13))
    assert plan.decision.ok is (len(set(months)) <= 3)


stats = st.builds(
    MeetingStatistics,
    cells=st.integers(0, 50),
    regular_held=st.integers(0, 600),
    full_convened=st.integers(0, 5000),
    present_in_person=st.integers(0, 5000),
    unable_by_reason=st.lists(st.tuples(st.sampled_from(["a_abroad", "c_ship_crew", "b_student_break"]), st.integers(0, 9)), max_size=3).map(
        lambda xs: tuple(sorted(dict(xs).items()))
    ),
)


@given(st.dictionaries(st.text(min_size=1, max_size=3), st.one_of(st.none(), stats), max_size=8))
def test_pm34_property_rollup_preserves_totals(children: dict[str, MeetingStatistics | None]) -> None:
    """PM-34: totals are the sums over the reporting children; the count of children included is shown."""
    r = statistics_rollup(children)
    got = [s for s in children.values() if s is not None]
    assert r.totals.cells == sum(s.cells for s in got)
    assert r.totals.full_convened == sum(s.full_convened for s in got)
    assert sum(n for _, n in r.totals.unable_by_reason) == sum(n for s in got for _, n in s.unable_by_reason)
    assert r.children_included == len(got) and r.children_expected == len(children)
    assert r.partial is (len(got) < len(children))
