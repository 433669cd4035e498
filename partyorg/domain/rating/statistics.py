"""Statistics of a rating period (§15: AR-69): counts and integer permille shares, with roll-ups."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from .common import LEVELS_BEST_FIRST, Level, permille

NOT_REVIEWED_REASONS = ("exempt", "suspended", "admitted_under_6_months", "other")


@dataclass(frozen=True)
class StatEntry:
    """One subject's outcome as statistics see it."""

    level: Level | None  # decided level; None when not reviewed or undecided
    not_reviewed_reason: str | None = None  # one of NOT_REVIEWED_REASONS
    gap: bool = False
    overridden: bool = False
    mitigation: bool = False
    quota_cut: bool = False
    rerated: bool = False


@dataclass(frozen=True)
class Stats:
    eligible: int
    reviewed: int
    not_reviewed: dict[str, int]
    levels: dict[Level, int]
    undecided: int
    gaps: int
    overrides: int
    mitigations: int
    quota_cuts: int
    reratings: int
    children: int = 0
    exception_decision: str | None = None
    permille_of_reviewed: dict[Level, int] = field(default_factory=dict)

    @property
    def htxs_htt(self) -> tuple[int, int]:
        return self.levels[Level.EXCELLENT], self.levels[Level.GOOD]


def _finish(stats: Stats) -> Stats:
    shares = {lv: permille(stats.levels[lv], stats.reviewed) for lv in LEVELS_BEST_FIRST}
    return Stats(**{**stats.__dict__, "permille_of_reviewed": shares})


def rating_statistics(entries: Iterable[StatEntry], *, exception_decision: str | None = None) -> Stats:
    """AR-69: eligible, reviewed, not reviewed by reason, count and permille per level, htxs:htt with any
    exception decision, gap/override/mitigation/quota-cut counts and re-ratings."""
    items = list(entries)
    not_reviewed = dict.fromkeys(NOT_REVIEWED_REASONS, 0)
    levels = dict.fromkeys(LEVELS_BEST_FIRST, 0)
    undecided = 0
    for e in items:
        if e.not_reviewed_reason is not None:
            reason = e.not_reviewed_reason if e.not_reviewed_reason in not_reviewed else "other"
            not_reviewed[reason] += 1
        elif e.level is None:
            undecided += 1
        else:
            levels[e.level] += 1
    reviewed = len(items) - sum(not_reviewed.values())
    return _finish(
        Stats(
            eligible=len(items),
            reviewed=reviewed,
            not_reviewed=not_reviewed,
            levels=levels,
            undecided=undecided,
            gaps=sum(e.gap for e in items),
            overrides=sum(e.overridden for e in items),
            mitigations=sum(e.mitigation for e in items),
            quota_cuts=sum(e.quota_cut for e in items),
            reratings=sum(e.rerated for e in items),
            exception_decision=exception_decision,
        )
    )


def roll_up(children: Sequence[Stats]) -> Stats:
    """AR-69: a tree roll-up sums its children and records how many were included."""
    return _finish(
        Stats(
            eligible=sum(c.eligible for c in children),
            reviewed=sum(c.reviewed for c in children),
            not_reviewed={r: sum(c.not_reviewed[r] for c in children) for r in NOT_REVIEWED_REASONS},
            levels={lv: sum(c.levels[lv] for c in children) for lv in LEVELS_BEST_FIRST},
            undecided=sum(c.undecided for c in children),
            gaps=sum(c.gaps for c in children),
            overrides=sum(c.overrides for c in children),
            mitigations=sum(c.mitigations for c in children),
            quota_cuts=sum(c.quota_cuts for c in children),
            reratings=sum(c.reratings for c in children),
            children=len(children),
        )
    )
