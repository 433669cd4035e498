"""Property tests of the directives rules (DI-2 parsing, DI-5/DI-6 statuses, DI-9 rollup, DI-11 dates)."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from partyorg.domain.directives import (
    PARTY_ISSUERS,
    PARTY_TYPES,
    STATE_ISSUERS,
    STATE_TYPES,
    DocumentSystem,
    Indicator,
    NumberSymbol,
    PeriodKind,
    ReportTemplate,
    RequirementStatus,
    Submission,
    compliance_summary,
    duplicate_key,
    parse_number_symbol,
    requirement_status,
    rollup_reports,
    vietnamese_date,
)


def _fold(s: str) -> str:
    return s.upper().replace("Đ", "D")


_KNOWN_FOLDED = {_fold(k) for k in (*PARTY_ISSUERS, *STATE_ISSUERS, *PARTY_TYPES, *STATE_TYPES)}

numbers = st.one_of(st.integers(1, 99999).map(str), st.integers(1, 9).map(lambda n: f"0{n}"))
new_abbrev = st.text(alphabet="ABCEGHKLMNPQRSTUVXY", min_size=2, max_size=6).filter(lambda s: _fold(s) not in _KNOWN_FOLDED)
party_issuer = st.one_of(st.sampled_from(sorted(PARTY_ISSUERS)), new_abbrev)
state_issuer = st.one_of(
    st.sampled_from(sorted(STATE_ISSUERS)),
    st.sampled_from(["QH", "UBTVQH"]).flatmap(lambda s: st.integers(11, 16).map(lambda n: f"{s}{n}")),
    new_abbrev,
)

party_symbols = st.builds(
    NumberSymbol, st.just(DocumentSystem.PARTY), numbers, st.sampled_from(sorted(PARTY_TYPES)), party_issuer, st.none()
)
state_normative = st.builds(
    NumberSymbol,
    st.just(DocumentSystem.STATE),
    numbers,
    st.sampled_from(sorted(STATE_TYPES)),
    st.lists(state_issuer, min_size=1, max_size=3).map("-".join),
    st.integers(1930, 2099),
)
state_untyped = st.builds(NumberSymbol, st.just(DocumentSystem.STATE), numbers, st.none(), state_issuer, st.integers(1930, 2099))
state_admin = st.builds(
    NumberSymbol,
    st.just(DocumentSystem.STATE),
    numbers,
    st.one_of(st.none(), st.sampled_from(sorted(STATE_TYPES))),
    st.lists(state_issuer, min_size=1, max_size=2).map("-".join),
    st.none(),
)
symbols = st.one_of(party_symbols, state_normative, state_untyped, state_admin)


@given(symbols)
def test_di2_property_format_then_parse_round_trips(ns: NumberSymbol) -> None:
    """DI-2: formatting a valid number and symbol and parsing it back gives the same value."""
    assert parse_number_symbol(ns.text) == ns
    assert parse_number_symbol(f"Số {ns.text}") == ns


known_party = st.builds(
    NumberSymbol,
    st.just(DocumentSystem.PARTY),
    numbers,
    st.sampled_from(sorted(PARTY_TYPES)),
    st.sampled_from(sorted(PARTY_ISSUERS)),
    st.none(),
)


@given(known_party, st.sampled_from(["lower", "upper", "d", "spaces", "eth"]))
def test_di2_property_lookalike_spellings_parse_to_the_canonical_form(ns: NumberSymbol, how: str) -> None:
    """DI-2: lower/upper case, D for Đ, spaces around separators and Ð all canonicalise to the same symbol."""
    text = ns.text
    variant = {
        "lower": text.lower(),
        "upper": text.upper(),
        "d": text.replace("Đ", "D"),
        "spaces": text.replace("-", " - ").replace("/", " / "),
        "eth": text.replace("Đ", "Ð"),
    }[how]
    parsed = parse_number_symbol(variant)
    assert parsed == ns
    assert duplicate_key(parsed, "body") == duplicate_key(ns, "body")


@given(st.dates(date(2000, 1, 1), date(2099, 12, 31)))
def test_di11_property_date_line_format(on: date) -> None:
    """DI-11: two-digit days below 10, two-digit months only for January and February."""
    text = vietnamese_date(on)
    _, day, _, month, _, year = text.split(" ")
    assert int(day) == on.day and int(month) == on.month and int(year) == on.year
    assert len(day) == 2
    assert len(month) == (2 if on.month in (1, 2) or on.month >= 10 else 1)


@given(
    st.dates(date(2024, 1, 1), date(2024, 12, 31)),
    st.one_of(st.none(), st.dates(date(2024, 1, 1), date(2024, 12, 31))),
    st.integers(0, 400),
)
def test_di5_property_status_is_consistent(deadline: date, submitted: date | None, later: int) -> None:
    """DI-5: statuses agree with the deadline; a submitted status never changes as days pass."""
    today = max(deadline, submitted or deadline)
    subs = () if submitted is None else (Submission(submitted, "x"),)
    r = requirement_status(deadline, today, subs)
    r_later = requirement_status(deadline, today + timedelta(days=later), subs)
    if submitted is None:
        assert r.status is RequirementStatus.PENDING
        assert r_later.status is (RequirementStatus.OVERDUE if later > 0 else RequirementStatus.PENDING)
        assert r_later.days_overdue == later
    else:
        assert r == r_later
        assert r.status is (RequirementStatus.SUBMITTED_ON_TIME if submitted <= deadline else RequirementStatus.SUBMITTED_LATE)
        assert r.days_late == max(0, (submitted - deadline).days)


@given(st.lists(st.sampled_from(list(RequirementStatus)), max_size=80))
def test_di6_property_submitted_plus_missing_is_addressed(statuses: list[RequirementStatus]) -> None:
    """DI-6: every addressed organization is either counted as submitted or listed as missing."""
    from partyorg.domain.directives import StatusResult

    s = compliance_summary({f"o{i}": StatusResult(x) for i, x in enumerate(statuses)})
    assert s.submitted + len(s.missing) == s.addressed == len(statuses)
    assert 0 <= s.permille <= 1000


# --- DI-9: rolling up a tree of reports ----------------------------------------------------------

TEMPLATE = ReportTemplate(
    "t", PeriodKind.YEAR, (), (Indicator("a", "A"), Indicator("b", "B"))
)


@st.composite
def report_trees(draw: st.DrawFn, depth: int = 0) -> dict[str, object]:
    """A node is either a leaf with values or an internal node with children."""
    if depth >= 3 or draw(st.booleans()):
        return {"a": draw(st.integers(0, 10_000)), "b": draw(st.one_of(st.none(), st.integers(0, 500)))}
    return {"children": draw(st.lists(report_trees(depth + 1), min_size=1, max_size=4))}


def _rolled(node: dict[str, object]) -> dict[str, int | None]:
    if "children" not in node:
        return {"a": node["a"], "b": node["b"]}  # type: ignore[dict-item]
    kids = node["children"]
    assert isinstance(kids, list)
    r = rollup_reports(TEMPLATE, {str(i): _rolled(k) for i, k in enumerate(kids)})
    assert r.children_included == r.children_expected == len(kids) and not r.partial
    return {code: rv.value for code, rv in r.values.items()}


def _leaves(node: dict[str, object]) -> list[dict[str, object]]:
    if "children" not in node:
        return [node]
    kids = node["children"]
    assert isinstance(kids, list)
    return [leaf for k in kids for leaf in _leaves(k)]


@settings(max_examples=150)
@given(report_trees())
def test_di9_property_rollup_of_rollups_equals_sum_of_leaves(tree: dict[str, object]) -> None:
    """DI-9: summing level by level gives the total of the leaves (None only when no leaf has a value)."""
    top = _rolled(tree)
    leaves = _leaves(tree)
    assert top["a"] == sum(int(leaf["a"]) for leaf in leaves)  # type: ignore[call-overload]
    bs = [leaf["b"] for leaf in leaves if leaf["b"] is not None]
    assert top["b"] == (sum(bs) if bs else None)  # type: ignore[arg-type]


@given(st.lists(st.one_of(st.none(), st.integers(0, 1000)), min_size=1, max_size=30))
def test_di9_property_partial_flag_tracks_missing_children(values: list[int | None]) -> None:
    """DI-9: a rollup never passes a partial sum off as a total."""
    children = {f"c{i}": (None if v is None else {"a": v}) for i, v in enumerate(values)}
    r = rollup_reports(TEMPLATE, children)
    submitted = [v for v in values if v is not None]
    assert r.children_included == len(submitted) and r.children_expected == len(values)
    assert r.partial is (len(submitted) < len(values))
    assert r.values["a"].partial is r.partial
    assert r.values["a"].value == (sum(submitted) if submitted else None)
