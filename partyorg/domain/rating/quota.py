"""The HTXS quota per peer group (§8: AR-31..AR-37). Exact integer arithmetic on Fraction ratios."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction

from .common import (
    DEFAULTS,
    DefaultApplied,
    Defaults,
    Level,
    RatingInputError,
    RuleSet,
    SubjectType,
    Trace,
)

BASE_PCT = 20
EXCEPTION_MAX_PCT = 25


# ---------------------------------------------------------------------------------------------------
# Peer groups (AR-31) and what counts (AR-32)


def peer_group_key(
    rule_set: RuleSet,
    *,
    deciding_authority: str,
    subject_type: SubjectType,
    role_class: str,
    cell: str | None = None,
    grassroots_org: str | None = None,
    defaults: Defaults = DEFAULTS,
) -> tuple[str, ...]:
    """AR-31: (deciding authority, subject type, role class); members' groups may be split per cell
    (`peer_group_scope`). AR-37: under QD132 the member peer group is the grassroots party organization."""
    individual_member = subject_type in (SubjectType.NON_LEADER, SubjectType.MEMBER_OUTSIDE)
    if rule_set is RuleSet.QD132 and individual_member:
        if grassroots_org is None:
            raise RatingInputError(
                "grassroots_org", "cần tổ chức cơ sở đảng", "grassroots organization required"
            )
        return ("grassroots_org", grassroots_org, subject_type.value, role_class)
    key = (deciding_authority, subject_type.value, role_class)
    if individual_member and defaults.peer_group_scope == "cell":
        if cell is None:
            raise RatingInputError("cell", "cần chi bộ", "cell required")
        return (*key, cell)
    return key


@dataclass(frozen=True)
class RatedEntry:
    level: Level
    decided: bool = True
    cancelled: bool = False


def quota_counts(entries: Iterable[RatedEntry]) -> tuple[int, int]:
    """AR-32: only decided, non-cancelled levels count. Returns (htxs, htt)."""
    htxs = htt = 0
    for e in entries:
        if not e.decided or e.cancelled:
            continue
        if e.level is Level.EXCELLENT:
            htxs += 1
        elif e.level is Level.GOOD:
            htt += 1
    return htxs, htt


# ---------------------------------------------------------------------------------------------------
# Ratio (AR-33, AR-34, AR-37)


@dataclass(frozen=True)
class ExceptionDecision:
    """AR-34: a recorded decision raising the ratio to 20 < pct <= 25 for named peer groups."""

    number: str
    date: dt.date
    authority: str
    reason: str
    pct: int
    peer_groups: tuple[str, ...]

    def __post_init__(self) -> None:
        for name in ("number", "authority", "reason"):
            if not getattr(self, name).strip():
                raise RatingInputError(f"exception.{name}", "không được để trống", "must not be empty")
        if not BASE_PCT < self.pct <= EXCEPTION_MAX_PCT:
            raise RatingInputError(
                "exception.pct", "phải lớn hơn 20 và không quá 25", "must be above 20 and at most 25"
            )
        if not self.peer_groups:
            raise RatingInputError("exception.peer_groups", "cần ít nhất một nhóm", "at least one group")


@dataclass(frozen=True)
class QuotaRatio:
    ratio: Fraction
    exception_applied: bool
    exception_rejected: bool
    rules: tuple[str, ...]
    defaults_applied: tuple[DefaultApplied, ...]

    @property
    def text(self) -> str:
        """ "0.20" / "0.25": the ratio with two decimals (exact for whole percentages)."""
        pct = self.ratio * 100
        whole = pct.numerator // pct.denominator
        return f"0.{whole:02d}" if pct.denominator == 1 and whole < 100 else str(float(self.ratio))


def quota_ratio(
    rule_set: RuleSet, exception_pct: int | None = None, *, defaults: Defaults = DEFAULTS
) -> QuotaRatio:
    """AR-33: HTXS <= 20% of HTT. AR-34 (QD366 only): a recorded exception raises it to pct (20 < pct <= 25).
    AR-37: QD124 (and the legacy QD132) reject an exception (`qd124_allow_exception = false`)."""
    tr = Trace(defaults)
    tr.rule("AR-33")
    if exception_pct is None:
        return QuotaRatio(Fraction(BASE_PCT, 100), False, False, tr.rules(), tr.defaults_applied())
    if not BASE_PCT < exception_pct <= EXCEPTION_MAX_PCT:
        raise RatingInputError(
            "exception.pct", "phải lớn hơn 20 và không quá 25", "must be above 20 and at most 25"
        )
    if rule_set is RuleSet.QD366 or (rule_set is RuleSet.QD124 and defaults.qd124_allow_exception):
        tr.rule("AR-34")
        if rule_set is RuleSet.QD124:
            tr.default("AR-37", "qd124_allow_exception")
        return QuotaRatio(Fraction(exception_pct, 100), True, False, tr.rules(), tr.defaults_applied())
    tr.default("AR-37", "qd124_allow_exception")
    return QuotaRatio(Fraction(BASE_PCT, 100), False, True, tr.rules(), tr.defaults_applied())


def within_quota(htxs: int, htt: int, ratio: Fraction) -> bool:
    """AR-33/AR-34: `q*htxs <= p*htt` for ratio p/q (20%: `5*htxs <= htt`; 25%: `4*htxs <= htt`)."""
    return ratio.denominator * htxs <= ratio.numerator * htt


@dataclass(frozen=True)
class QuotaCheck:
    ok: bool
    htxs: int
    htt: int
    message_vi: str
    message_en: str


def check_batch(entries: Iterable[RatedEntry], ratio: Fraction) -> QuotaCheck:
    """AR-33: a peer group's batch of decided levels is rejected when HTXS exceeds the ratio of HTT."""
    htxs, htt = quota_counts(entries)
    if within_quota(htxs, htt, ratio):
        return QuotaCheck(True, htxs, htt, "", "")
    pct = ratio * 100
    return QuotaCheck(
        False,
        htxs,
        htt,
        f"Số hoàn thành xuất sắc ({htxs}) vượt quá {pct}% số hoàn thành tốt ({htt})",
        f"Excellent ({htxs}) exceeds {pct}% of good ({htt})",
    )


def check_change(entries: Sequence[RatedEntry], index: int, new_level: Level, ratio: Fraction) -> QuotaCheck:
    """AR-33: a later single change (e.g. re-rating, AR-68) is checked on the whole group."""
    changed = list(entries)
    changed[index] = RatedEntry(new_level, True, False)
    return check_batch(changed, ratio)


# ---------------------------------------------------------------------------------------------------
# Applying the quota to candidates (AR-35, AR-36)


def excellent_max(good: int, candidates: int, ratio: Fraction) -> int:
    """AR-35: the largest k <= N with `q*k <= p*(G + N - k)`, i.e. `k*(p+q) <= p*(G+N)`, rounded down.

    20%: `(G + N) // 6`; 25%: `(G + N) // 5`. Cut candidates fall back to HTT and count as good."""
    if good < 0 or candidates < 0:
        raise ValueError("counts must not be negative")
    p, q = ratio.numerator, ratio.denominator
    return min(candidates, p * (good + candidates) // (p + q))


@dataclass(frozen=True)
class Candidate:
    id: str
    score: Fraction | None  # total, exact; None when unknown (e.g. QD124 grades)


@dataclass(frozen=True)
class QuotaOutcome:
    good: int
    candidates: int
    excellent_max: int
    excellent: tuple[str, ...]
    moved_to_good: tuple[str, ...]
    undecided: tuple[str, ...]
    rules: tuple[str, ...]
    defaults_applied: tuple[DefaultApplied, ...]


def ranking(candidates: Sequence[Candidate]) -> list[tuple[int, Candidate]]:
    """Score descending, unscored last, then input order (AR-36)."""
    indexed = list(enumerate(candidates))
    return sorted(indexed, key=lambda ic: (ic[1].score is None, -(ic[1].score or 0), ic[0]))


def apply_quota(
    candidates: Sequence[Candidate], good: int, ratio: Fraction, *, defaults: Defaults = DEFAULTS
) -> QuotaOutcome:
    """AR-35, AR-36: keep the best `excellent_max` candidates, cut the rest to HTT.

    - No cut needed (N <= k_max): every candidate stays excellent, nobody moves.
    - Otherwise scored candidates are ranked by score, highest first. If the cut line falls between two
      equal scores, every candidate at that score is `undecided` (for the competent level); those strictly
      above stay excellent, those strictly below move to good.
    - A candidate without a score cannot be ranked: when a cut is needed it is always `undecided`; scored
      candidates take the slots first.
    Each list is ordered by score (highest first, unscored last), then input order.
    """
    ids = [c.id for c in candidates]
    if len(set(ids)) != len(ids):
        raise RatingInputError("candidates.id", "trùng mã", "duplicate id")
    tr = Trace(defaults)
    tr.rule("AR-33")
    tr.default("AR-35", "quota_rounding")
    n = len(candidates)
    k = excellent_max(good, n, ratio)
    ranked = [c for _, c in ranking(candidates)]
    if n <= k:
        return QuotaOutcome(
            good, n, k, tuple(c.id for c in ranked), (), (), tr.rules(), tr.defaults_applied()
        )
    tr.default("AR-36", "quota_cut_level")
    scored = [c for c in ranked if c.score is not None]
    unscored = [c for c in ranked if c.score is None]
    excellent: list[Candidate] = []
    moved: list[Candidate] = []
    undecided: list[Candidate] = []
    if k >= len(scored):
        excellent = scored
    elif k == 0:
        moved = scored
    else:
        cut_score = scored[k - 1].score
        if scored[k].score == cut_score:  # a tie across the cut line
            excellent = [
                c for c in scored if c.score is not None and cut_score is not None and c.score > cut_score
            ]
            undecided = [c for c in scored if c.score == cut_score]
            moved = [
                c for c in scored if c.score is not None and cut_score is not None and c.score < cut_score
            ]
        else:
            excellent, moved = scored[:k], scored[k:]
    undecided += unscored
    return QuotaOutcome(
        good,
        n,
        k,
        tuple(c.id for c in excellent),
        tuple(c.id for c in moved),
        tuple(c.id for c in undecided),
        tr.rules(),
        tr.defaults_applied(),
    )
