"""Cancellation and re-rating (§14: AR-66..AR-68) as pure decisions over immutable versions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace
from enum import Enum
from fractions import Fraction

from .common import DEFAULTS, DefaultApplied, Defaults, Level, RatingInputError, RuleSet, Trace
from .quota import RatedEntry, check_change


class Ground(Enum):
    """Why a decided result is re-rated (Mẫu 03)."""

    SHORTCOMINGS = "shortcomings"
    UNMET_CONDITIONS = "unmet_conditions"
    DISHONESTY = "dishonesty"
    REPORTS = "reports"


@dataclass(frozen=True)
class ReRatingDecision:
    """AR-66: a re-rating decision of the competent level: number, date, authority, reason."""

    number: str
    date: dt.date
    authority: str
    reason: str
    ground: Ground

    def __post_init__(self) -> None:
        for name in ("number", "authority", "reason"):
            if not getattr(self, name).strip():
                raise RatingInputError(f"decision.{name}", "không được để trống", "must not be empty")


@dataclass(frozen=True)
class RatingVersion:
    number: int
    level: Level
    rule_set: RuleSet
    cancelled: bool = False
    decision: ReRatingDecision | None = None  # the re-rating decision that created it


class FollowUpKind(Enum):
    QUOTA_RECHECKED = "quota_rechecked"
    PARENT_FLAGGED = "parent_organization_flagged_for_review"
    LEADER_FLAGGED = "leader_unit_trigger_flagged_for_review"
    EMULATION_RECHECK = "emulation_eligibility_recheck"
    PLANNING_TRIGGER = "planning_trigger_recheck"  # cadres.md CA-14
    STATISTICS_SUPERSEDED = "statistics_superseded"


@dataclass(frozen=True)
class FollowUp:
    kind: FollowUpKind
    target: str


@dataclass(frozen=True)
class ReRatingOutcome:
    versions: tuple[RatingVersion, ...]
    follow_ups: tuple[FollowUp, ...]
    rules: tuple[str, ...]
    defaults_applied: tuple[DefaultApplied, ...]

    @property
    def current(self) -> RatingVersion:
        return self.versions[-1]


def rerate(
    versions: Sequence[RatingVersion],
    *,
    subject: str,
    new_level: Level,
    decision: ReRatingDecision,
    period_rule_set: RuleSet,
    peer_group: Sequence[RatedEntry] = (),
    subject_index: int | None = None,
    ratio: Fraction | None = None,
    decided_parent: str | None = None,
    dependent_leaders: Sequence[str] = (),
    statistics_reported: bool = False,
    defaults: Defaults = DEFAULTS,
) -> ReRatingOutcome:
    """AR-66: only a recorded re-rating decision changes a decided result.
    AR-67: version n+1 is created, linked to the decision; version n is marked cancelled; both stay;
    the period's stored rule set applies.
    AR-68: a new HTXS must pass the peer-group quota (rejected otherwise); a decided parent organization and
    leaders whose unit trigger depends on it are flagged for review (never changed); emulation and planning
    (CA-14) are rechecked; reported statistics are superseded."""
    tr = Trace(defaults)
    tr.rule("AR-66")
    tr.default("AR-67", "versioned_ratings")
    tr.default("AR-68", "rerating_follow_up")
    active = [v for v in versions if not v.cancelled]
    if len(active) != 1:
        raise RatingInputError(
            "versions", "cần đúng một phiên bản đang hiệu lực", "exactly one active version is required"
        )
    current = active[0]
    follow: list[FollowUp] = []
    if new_level is Level.EXCELLENT and current.level is not Level.EXCELLENT:
        if ratio is None or subject_index is None:
            raise RatingInputError(
                "peer_group",
                "cần nhóm đối tượng để kiểm tra tỷ lệ",
                "the peer group is needed to check the quota",
            )
        check = check_change(peer_group, subject_index, new_level, ratio)
        tr.rule("AR-33")
        if not check.ok:
            raise RatingInputError("new_level", check.message_vi, check.message_en)
        follow.append(FollowUp(FollowUpKind.QUOTA_RECHECKED, subject))
    new = RatingVersion(current.number + 1, new_level, period_rule_set, False, decision)
    updated = tuple(replace(v, cancelled=True) if v is current else v for v in versions) + (new,)
    if decided_parent is not None:
        follow.append(FollowUp(FollowUpKind.PARENT_FLAGGED, decided_parent))
    follow += [FollowUp(FollowUpKind.LEADER_FLAGGED, leader) for leader in dependent_leaders]
    follow.append(FollowUp(FollowUpKind.EMULATION_RECHECK, subject))
    follow.append(FollowUp(FollowUpKind.PLANNING_TRIGGER, subject))
    if statistics_reported:
        follow.append(FollowUp(FollowUpKind.STATISTICS_SUPERSEDED, subject))
    return ReRatingOutcome(updated, tuple(follow), tr.rules(), tr.defaults_applied())
