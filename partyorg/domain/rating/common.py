"""Shared vocabulary of the annual rating rules (spec: annual-rating.md).

Pure Python: plain values in, decisions out, each decision carrying the rule IDs that produced it
and the configurable defaults (§18) that were applied. Integer arithmetic only.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from enum import Enum


class RatingInputError(ValueError):
    """Input that no rule can be applied to; `field` names the offending input."""

    def __init__(self, field_name: str, message_vi: str, message_en: str) -> None:
        super().__init__(f"{field_name}: {message_en}")
        self.field = field_name
        self.message_vi = message_vi
        self.message_en = message_en


class Level(Enum):
    """The four quality levels (366 Art. 11), best first."""

    EXCELLENT = "excellent"
    GOOD = "good"
    COMPLETED = "completed"
    NOT_COMPLETED = "not_completed"

    @property
    def code(self) -> str:
        return _LEVEL_CODES[self]

    @property
    def label_vi(self) -> str:
        return _LEVEL_LABELS_VI[self]

    @property
    def label_en(self) -> str:
        return _LEVEL_LABELS_EN[self]

    @property
    def rank(self) -> int:
        """Higher is better: EXCELLENT 3 ... NOT_COMPLETED 0."""
        return _LEVEL_RANK[self]

    def is_above(self, other: Level) -> bool:
        return self.rank > other.rank


_LEVEL_CODES = {
    Level.EXCELLENT: "HTXS",
    Level.GOOD: "HTT",
    Level.COMPLETED: "HT",
    Level.NOT_COMPLETED: "KHT",
}
_LEVEL_LABELS_VI = {
    Level.EXCELLENT: "Hoàn thành xuất sắc nhiệm vụ",
    Level.GOOD: "Hoàn thành tốt nhiệm vụ",
    Level.COMPLETED: "Hoàn thành nhiệm vụ",
    Level.NOT_COMPLETED: "Không hoàn thành nhiệm vụ",
}
_LEVEL_LABELS_EN = {
    Level.EXCELLENT: "Excellently completed tasks",
    Level.GOOD: "Well completed tasks",
    Level.COMPLETED: "Completed tasks",
    Level.NOT_COMPLETED: "Did not complete tasks",
}
_LEVEL_RANK = {Level.EXCELLENT: 3, Level.GOOD: 2, Level.COMPLETED: 1, Level.NOT_COMPLETED: 0}
LEVELS_BEST_FIRST: tuple[Level, ...] = (Level.EXCELLENT, Level.GOOD, Level.COMPLETED, Level.NOT_COMPLETED)


class SubjectType(Enum):
    """Subject types and their frames (AR-7)."""

    COLLECTIVE = "collective"
    LEADER_CENTRAL = "leader_central"  # leader managed by the Politburo/Secretariat
    LEADER = "leader"
    NON_LEADER = "non_leader"
    MEMBER_OUTSIDE = "member_outside"  # member outside the political system

    @property
    def is_leader(self) -> bool:
        return self in (SubjectType.LEADER, SubjectType.LEADER_CENTRAL)

    @property
    def is_individual(self) -> bool:
        return self is not SubjectType.COLLECTIVE

    @property
    def label_vi(self) -> str:
        return _SUBJECT_LABELS_VI[self]


_SUBJECT_LABELS_VI = {
    SubjectType.COLLECTIVE: "Tập thể",
    SubjectType.LEADER_CENTRAL: "Cán bộ lãnh đạo, quản lý thuộc diện Bộ Chính trị, Ban Bí thư quản lý",
    SubjectType.LEADER: "Cán bộ lãnh đạo, quản lý",
    SubjectType.NON_LEADER: "Cá nhân không giữ chức vụ lãnh đạo, quản lý",
    SubjectType.MEMBER_OUTSIDE: "Đảng viên không làm việc trong hệ thống chính trị",
}


class CollectiveKind(Enum):
    """Collectives reviewed (AR-3, 366 Art. 5.1)."""

    POLITBURO_SECRETARIAT = "politburo_secretariat"
    PROVINCIAL_STANDING_COMMITTEE = "provincial_standing_committee"
    COMMUNE_STANDING_COMMITTEE = "commune_standing_committee"
    ABOVE_GRASSROOTS_STANDING_COMMITTEE = "above_grassroots_standing_committee"
    GRASSROOTS_EXECUTIVE_COMMITTEE = "grassroots_executive_committee"
    GRASSROOTS_CELL = "grassroots_cell"
    SUBORDINATE_CELL = "subordinate_cell"
    PARTY_ADVISORY_BODY = "party_advisory_body"
    STATE_BODY = "state_body"
    FATHERLAND_FRONT = "fatherland_front"
    MASS_ORGANIZATION = "mass_organization"
    PUBLIC_SERVICE_UNIT = "public_service_unit"
    STATE_ENTERPRISE = "state_enterprise"

    @property
    def is_party_committee(self) -> bool:
        """Party committees and cells, as opposed to leadership collectives of agencies and units."""
        return self in _PARTY_COMMITTEES


_PARTY_COMMITTEES = frozenset(
    {
        CollectiveKind.POLITBURO_SECRETARIAT,
        CollectiveKind.PROVINCIAL_STANDING_COMMITTEE,
        CollectiveKind.COMMUNE_STANDING_COMMITTEE,
        CollectiveKind.ABOVE_GRASSROOTS_STANDING_COMMITTEE,
        CollectiveKind.GRASSROOTS_EXECUTIVE_COMMITTEE,
        CollectiveKind.GRASSROOTS_CELL,
        CollectiveKind.SUBORDINATE_CELL,
    }
)


class RuleSet(Enum):
    """Party rule sets (AR-1)."""

    QD132 = "QD132-2018"
    QD124 = "QD124-2023"
    QD366 = "QD366-2025"


class PeriodKind(Enum):
    ANNUAL = "annual"
    TERM = "term"
    QUARTERLY = "quarterly"
    AD_HOC = "ad_hoc"


class Grade(Enum):
    """QD124 criterion grades (AR-70): Xuất sắc / Tốt / Trung bình / Kém."""

    EXCELLENT = "excellent"
    GOOD = "good"
    AVERAGE = "average"
    POOR = "poor"

    @property
    def rank(self) -> int:
        return {Grade.EXCELLENT: 3, Grade.GOOD: 2, Grade.AVERAGE: 1, Grade.POOR: 0}[self]


class Status(Enum):
    """Outcome of classifying one subject."""

    NOT_REVIEWED = "not_reviewed"  # excluded (AR-4)
    RATED = "rated"  # a level follows from the rules (AR-19, AR-20, AR-21)
    CANDIDATE = "candidate"  # excellent, pending the peer-group quota (AR-17, AR-33)
    GAP = "gap"  # band and conditions disagree: the competent level decides (AR-29)
    MITIGATION_PENDING = "mitigation_pending"  # a trigger with a mitigation claim awaits a decision (AR-25)


# ---------------------------------------------------------------------------------------------------
# Defaults (§18): every value a result used is reported back as (rule, setting, value)


@dataclass(frozen=True)
class DefaultApplied:
    rule: str
    name: str
    value: str | int | bool


@dataclass(frozen=True)
class Defaults:
    """Configurable defaults of the spec's open points (§18), with the rule each belongs to."""

    qd132_enabled: bool = False  # AR-1
    ruleset_mapping: str = "annual_by_year"  # AR-1
    nd335_from_year: int = 2026  # AR-2 state_ruleset_map
    nd335_scope: str = "civil_servants"  # AR-2
    six_months_reference: str = "meeting_date"  # AR-5: meeting_date | dec_31 | decision_date
    sick_leave_min_days: int = 90  # AR-9: "3 months" counted as 90 calendar days
    htxs_requires_on_time: bool = True  # AR-18
    mitigation_mechanism: str = "pending_until_decision"  # AR-25
    collective_triggers_scope: str = "all"  # AR-26: all | non_party_committees
    socio_econ_min_failed: int = 1  # AR-27
    classification_order: str = "exclusion,kht,band,quota"  # AR-28
    gap_proposal: str = "highest_lower_level"  # AR-29
    override_needs_reason: bool = True  # AR-30
    peer_group_scope: str = "grassroots_committee"  # AR-31: grassroots_committee | cell
    quota_counts_decided_only: bool = True  # AR-32
    quota_rounding: str = "floor"  # AR-35
    quota_cut_level: str = "good"  # AR-36
    qd124_allow_exception: bool = False  # AR-37
    meeting_order: str = "warn"  # AR-39
    state_rating_required: str = "block"  # AR-40: block | warn
    htxs_transfer_exception: bool = False  # AR-42
    head_above_unit: str = "warn"  # AR-44
    party_above_state: str = "warn"  # AR-45
    party_org_member_link: str = "display"  # AR-46
    residential_comment: str = "off"  # AR-47: off | warn | block
    year_above_quarters: str = "warn"  # AR-48
    counted_once_366: bool = True  # AR-50
    rating_states: str = "draft,self_assessed,appraised,decided,announced"  # AR-54
    working_day_counting: str = "strictly_between"  # AR-56
    member_decider: str = "grassroots_committee"  # AR-58
    deadline_inclusive: bool = False  # AR-61
    quarterly_start: str = "2026-Q1"  # AR-62
    periodic_other_cadres: str = "off"  # AR-63
    nd335_exception_max_pct: int = 25  # AR-65
    versioned_ratings: bool = True  # AR-67
    rerating_follow_up: str = "flag_never_change"  # AR-68
    permille_rounding: str = "half_up"  # AR-69
    qd124_conditions: str = "empty"  # AR-73

    def applied(self, rule: str, name: str) -> DefaultApplied:
        value = getattr(self, name)
        if not isinstance(value, (str, int, bool)):  # pragma: no cover - all fields are scalars
            raise TypeError(name)
        return DefaultApplied(rule=rule, name=name, value=value)

    @classmethod
    def field_names(cls) -> frozenset[str]:
        return frozenset(f.name for f in fields(cls))


DEFAULTS = Defaults()


# ---------------------------------------------------------------------------------------------------
# Traces: which rules and defaults a decision used


@dataclass(frozen=True)
class Check:
    """One condition evaluated, e.g. AR-17 `10*E >= 3*T` with `30 >= 30` -> holds."""

    rule: str
    condition: str
    values: str
    holds: bool


def rule_sort_key(rule_id: str) -> tuple[str, int, str]:
    prefix, _, rest = rule_id.partition("-")
    digits = "".join(ch for ch in rest if ch.isdigit())
    return (prefix, int(digits) if digits else 0, rest)


@dataclass
class Trace:
    """Collects the rule IDs, defaults and checks of one decision (mutable while deciding)."""

    defaults: Defaults = DEFAULTS
    _rules: list[str] = field(default_factory=list)
    _defaults: list[DefaultApplied] = field(default_factory=list)
    _checks: list[Check] = field(default_factory=list)

    def rule(self, *rule_ids: str) -> None:
        for rule_id in rule_ids:
            if rule_id not in self._rules:
                self._rules.append(rule_id)

    def default(self, rule: str, name: str) -> None:
        self.rule(rule)
        applied = self.defaults.applied(rule, name)
        if applied not in self._defaults:
            self._defaults.append(applied)

    def check(self, rule: str, condition: str, values: str, holds: bool) -> bool:
        self.rule(rule)
        self._checks.append(Check(rule, condition, values, holds))
        return holds

    def rules(self) -> tuple[str, ...]:
        return tuple(sorted(self._rules, key=rule_sort_key))

    def defaults_applied(self) -> tuple[DefaultApplied, ...]:
        return tuple(sorted(self._defaults, key=lambda d: (rule_sort_key(d.rule), d.name)))

    def checks(self) -> tuple[Check, ...]:
        return tuple(self._checks)


# ---------------------------------------------------------------------------------------------------
# Facts


@dataclass(frozen=True)
class TaskCounts:
    """T, D, O, E of §1 (for a leader: Tu, Du, Ou, Eu over the subject units)."""

    total: int
    done: int
    on_time: int
    exceeded: int = 0

    def __post_init__(self) -> None:
        for name in ("total", "done", "on_time", "exceeded"):
            if getattr(self, name) < 0:
                raise RatingInputError(f"tasks.{name}", "không được âm", "must not be negative")
        if self.done > self.total:
            raise RatingInputError("tasks.done", "không được lớn hơn total", "must not exceed total")
        if self.on_time > self.done:
            raise RatingInputError("tasks.on_time", "không được lớn hơn done", "must not exceed done")
        if self.exceeded > self.done:
            raise RatingInputError("tasks.exceeded", "không được lớn hơn done", "must not exceed done")

    @property
    def late(self) -> int:
        return self.done - self.on_time

    @property
    def not_done(self) -> int:
        return self.total - self.done


@dataclass(frozen=True)
class Shortcomings:
    """P shortcomings found at the previous review, Pf of them remedied."""

    found: int = 0
    remedied: int = 0

    def __post_init__(self) -> None:
        if self.found < 0 or self.remedied < 0:
            raise RatingInputError("shortcomings", "không được âm", "must not be negative")
        if self.remedied > self.found:
            raise RatingInputError(
                "shortcomings.remedied", "không được lớn hơn previous", "must not exceed previous"
            )


# ---------------------------------------------------------------------------------------------------
# Rule set selection (AR-1)

QD366_SIGNED = dt.date(2025, 8, 30)


@dataclass(frozen=True)
class RuleSetChoice:
    rule_set: RuleSet
    rules: tuple[str, ...]
    defaults_applied: tuple[DefaultApplied, ...]


def ruleset_for_period(
    kind: PeriodKind,
    year: int,
    *,
    start: dt.date | None = None,
    defaults: Defaults = DEFAULTS,
) -> RuleSetChoice:
    """The party rule set of a period (AR-1).

    Annual 2018-2022 -> QD132 (only if `qd132_enabled`); 2023-2024 -> QD124; 2025 on -> QD366.
    Term, quarterly and ad hoc periods -> QD366 when they start on or after 30/8/2025.
    Raises RatingInputError when no rule set applies.
    """
    tr = Trace(defaults)
    tr.default("AR-1", "ruleset_mapping")
    if kind is PeriodKind.ANNUAL:
        if year >= 2025:
            chosen = RuleSet.QD366
        elif year >= 2023:
            chosen = RuleSet.QD124
        elif year >= 2018 and defaults.qd132_enabled:
            tr.default("AR-1", "qd132_enabled")
            chosen = RuleSet.QD132
        else:
            raise RatingInputError(
                "period",
                f"không có bộ quy tắc cho năm {year} (QĐ 132 chưa bật hoặc trước 2018)",
                f"no rule set for year {year} (QD132 not enabled or before 2018)",
            )
    else:
        if start is None or start < QD366_SIGNED:
            raise RatingInputError(
                "period",
                "kỳ nhiệm kỳ, quý, đột xuất chỉ áp dụng từ 30/8/2025",
                "term, quarterly and ad hoc periods apply from 30/8/2025 only",
            )
        chosen = RuleSet.QD366
    return RuleSetChoice(chosen, tr.rules(), tr.defaults_applied())


def ruleset_change_allowed(decided_ratings: int) -> bool:
    """AR-1: the period's rule set is frozen once any rating of the period is decided."""
    return decided_ratings == 0


# ---------------------------------------------------------------------------------------------------
# Small helpers


def add_months(day: dt.date, months: int) -> dt.date:
    """Calendar months, the day clamped to the end of the target month (AR-5)."""
    index = day.year * 12 + (day.month - 1) + months
    year, month0 = divmod(index, 12)
    last = calendar.monthrange(year, month0 + 1)[1]
    return dt.date(year, month0 + 1, min(day.day, last))


def permille(part: int, whole: int) -> int:
    """Integer permille, rounded half up (AR-69); 0 when the whole is 0."""
    if whole <= 0:
        return 0
    return (2000 * part + whole) // (2 * whole)


def count_levels(levels: Iterable[Level]) -> dict[Level, int]:
    counts = dict.fromkeys(LEVELS_BEST_FIRST, 0)
    for level in levels:
        counts[level] += 1
    return counts
