"""Facts about one subject, and the classification returned for it, shared by every rule set."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import Enum

from .common import (
    DEFAULTS,
    Check,
    CollectiveKind,
    DefaultApplied,
    Defaults,
    Grade,
    Level,
    RatingInputError,
    RuleSet,
    Shortcomings,
    Status,
    SubjectType,
    TaskCounts,
    Trace,
)
from .discipline import Discipline, Period
from .eligibility import (
    ExclusionReason,
    MemberStatus,
    StatusSpan,
    reduced_period,
    reference_date,
    review_eligibility,
)
from .scoring import Score


class Finding(Enum):
    """Conclusions of a competent level that fire KHT triggers (AR-22, AR-23, AR-24)."""

    PERSONNEL_VIOLATION = "personnel_violation"  # AR-22(a)
    DISUNITY = "disunity"  # AR-22(a)
    FACTIONALISM = "factionalism"  # AR-22(a)
    BUYING_POSTS = "buying_posts"  # AR-22(a)
    MEMBER_DEGRADATION = "member_degradation"  # AR-22(c)
    DEGRADATION = "degradation"  # AR-23(d), AR-24(a)
    CORRUPTION_UNDER_MANAGEMENT = "corruption_under_management"  # AR-23(e)
    PROHIBITED_CONDUCT = "prohibited_conduct"  # AR-24(a)
    ROLE_MODEL_BREACH = "role_model_breach"  # AR-24(a)


COLLECTIVE_FINDINGS = frozenset(
    {
        Finding.PERSONNEL_VIOLATION,
        Finding.DISUNITY,
        Finding.FACTIONALISM,
        Finding.BUYING_POSTS,
        Finding.MEMBER_DEGRADATION,
    }
)
LEADER_FINDINGS = frozenset({Finding.DEGRADATION, Finding.CORRUPTION_UNDER_MANAGEMENT})
MEMBER_FINDINGS = frozenset({Finding.DEGRADATION, Finding.PROHIBITED_CONDUCT, Finding.ROLE_MODEL_BREACH})


def findings_allowed(subject_type: SubjectType) -> frozenset[Finding]:
    if subject_type is SubjectType.COLLECTIVE:
        return COLLECTIVE_FINDINGS
    if subject_type.is_leader:
        return LEADER_FINDINGS
    return MEMBER_FINDINGS


class Claim(Enum):
    """Mitigation claims (AR-25)."""

    FORCE_MAJEURE = "force_majeure"
    SELF_DETECTED_REMEDIED = "self_detected_remedied"
    PROACTIVE_REPORTED_REMEDIED = "proactive_reported_remedied"  # leaders only


class MitigationOutcome(Enum):
    CONFIRM_KHT = "confirm_kht"
    SET_ASIDE = "set_aside"


@dataclass(frozen=True)
class Decision:
    """A recorded decision of the competent level: number, date, authority, reason."""

    number: str
    date: dt.date
    authority: str
    reason: str

    def __post_init__(self) -> None:
        for name in ("number", "authority", "reason"):
            if not getattr(self, name).strip():
                raise RatingInputError(f"decision.{name}", "không được để trống", "must not be empty")


@dataclass(frozen=True)
class Mitigation:
    """A mitigation claim on a trigger code (e.g. "AR-24a"), with the competent level's decision if any."""

    trigger: str
    claim: Claim
    decision: Decision | None = None
    outcome: MitigationOutcome | None = None
    cause: str | None = None

    def __post_init__(self) -> None:
        if (self.decision is None) != (self.outcome is None):
            raise RatingInputError(
                "mitigation.decision", "quyết định phải kèm kết quả", "a decision needs an outcome"
            )


class MitigationState(Enum):
    NONE = "none"  # no claim: the trigger is active
    PENDING = "pending"  # claim recorded, no decision yet
    SET_ASIDE = "set_aside"
    CONFIRMED = "confirmed"

    @property
    def active(self) -> bool:
        return self in (MitigationState.NONE, MitigationState.CONFIRMED)


@dataclass(frozen=True)
class ConfidenceVote:
    """A confidence-vote result of the year (CV-34): counts, or the plain "more than half low" answer."""

    ballots_collected: int | None = None
    low: int | None = None
    low_over_half: bool | None = None

    def __post_init__(self) -> None:
        if self.low_over_half is None and (self.ballots_collected is None or self.low is None):
            raise RatingInputError(
                "confidence_vote",
                "cần ballots_collected và low, hoặc low_over_half",
                "needs ballots_collected and low, or low_over_half",
            )
        if self.ballots_collected is not None and self.low is not None:
            if self.ballots_collected < 0 or self.low < 0:
                raise RatingInputError("confidence_vote", "không được âm", "must not be negative")
            if self.low > self.ballots_collected:
                raise RatingInputError(
                    "confidence_vote.low",
                    "không được lớn hơn ballots_collected",
                    "must not exceed ballots_collected",
                )


@dataclass(frozen=True)
class UnitResults:
    """Units a leader is responsible for, and how many of them are rated KHT (AR-23(a))."""

    total: int
    not_completed: int

    def __post_init__(self) -> None:
        if self.total < 0 or not 0 <= self.not_completed <= self.total:
            raise RatingInputError(
                "units", "not_completed phải từ 0 đến total", "not_completed must be between 0 and total"
            )


@dataclass(frozen=True)
class SocioEconomic:
    """Basic socio-economic targets applicable to the title and how many were missed (AR-27)."""

    applicable: int
    failed: int

    def __post_init__(self) -> None:
        if self.applicable < 0 or not 0 <= self.failed <= self.applicable:
            raise RatingInputError(
                "socio_economic",
                "failed phải từ 0 đến applicable",
                "failed must be between 0 and applicable",
            )


@dataclass(frozen=True)
class Qd124Grades:
    """QD124 criterion grades (AR-70): the non-task criteria and the task criterion."""

    criteria: tuple[Grade, ...]
    task: Grade


@dataclass(frozen=True)
class SubjectFacts:
    subject_id: str
    subject_type: SubjectType
    collective_kind: CollectiveKind | None = None
    unit: str | None = None
    score: Score | None = None
    tasks: TaskCounts | None = None
    shortcomings: Shortcomings = Shortcomings()
    units: UnitResults | None = None
    socio_economic: SocioEconomic | None = None
    confidence_vote: ConfidenceVote | None = None
    findings: frozenset[Finding] = frozenset()
    disciplines: tuple[Discipline, ...] = ()  # the subject's own
    member_disciplines: tuple[Discipline, ...] = ()  # collective: its members / leadership members
    subordinate_disciplines: tuple[Discipline, ...] = ()  # collective: directly subordinate units
    mitigations: tuple[Mitigation, ...] = ()
    # eligibility (AR-4, AR-5)
    admitted_on: dt.date | None = None
    status: MemberStatus | None = None
    statuses: tuple[StatusSpan, ...] = ()
    meeting_date: dt.date | None = None
    decision_date: dt.date | None = None
    # reduced period (AR-9)
    sick_leave_days: int = 0
    maternity_leave: bool = False
    # QD124
    grades: Qd124Grades | None = None
    # QD132 (AR-43)
    assessed_level: Level | None = None
    civil_servant: bool = False
    state_level: Level | None = None
    member_levels: tuple[Level, ...] = ()
    level_organizations: tuple[Level, ...] = ()  # state, Front and mass organizations at the cell's level
    subordinate_levels: tuple[Level, ...] = ()

    def __post_init__(self) -> None:
        bad = self.findings - findings_allowed(self.subject_type)
        if bad:
            names = ", ".join(sorted(f.value for f in bad))
            raise RatingInputError(
                "findings",
                f"không áp dụng cho loại đối tượng này: {names}",
                f"not applicable to this subject type: {names}",
            )
        for m in self.mitigations:
            if m.claim is Claim.PROACTIVE_REPORTED_REMEDIED and not self.subject_type.is_leader:
                raise RatingInputError(
                    "mitigations.claim",
                    "chỉ áp dụng cho cán bộ lãnh đạo, quản lý",
                    "applies to leaders only",
                )


@dataclass(frozen=True)
class RatingContext:
    rule_set: RuleSet
    period: Period
    defaults: Defaults = DEFAULTS

    @property
    def year(self) -> int:
        return self.period.end.year

    @classmethod
    def annual(cls, rule_set: RuleSet, year: int, defaults: Defaults = DEFAULTS) -> RatingContext:
        return cls(rule_set, Period.year(year), defaults)


@dataclass(frozen=True)
class TriggerHit:
    code: str  # "AR-24b"
    cause: str
    detail: str
    mitigation: MitigationState = MitigationState.NONE

    @property
    def rule(self) -> str:
        return self.code.rstrip("abcde")


@dataclass(frozen=True)
class Classification:
    subject_id: str
    rule_set: RuleSet
    status: Status
    level: Level | None  # set only when the rules settle it (RATED)
    proposed: Level | None  # what goes to the competent level (never above the band: AR-30)
    band: Level | None
    exclusion: ExclusionReason | None
    triggers: tuple[TriggerHit, ...]
    checks: tuple[Check, ...]
    flags: tuple[str, ...]
    rules: tuple[str, ...]
    defaults_applied: tuple[DefaultApplied, ...]


def excluded(facts: SubjectFacts, ctx: RatingContext, trace: Trace) -> ExclusionReason | None:
    """Step 1 of AR-28: AR-4/AR-5 exclusions for individuals with eligibility facts."""
    if not facts.subject_type.is_individual:
        return None
    if facts.admitted_on is None and not facts.statuses:
        # a plain status is already read on the reference date: no date needed
        if facts.status in (MemberStatus.EXEMPT, MemberStatus.SUSPENDED):
            trace.rule("AR-4")
            return (
                ExclusionReason.EXEMPT if facts.status is MemberStatus.EXEMPT else ExclusionReason.SUSPENDED
            )
        return None
    ref = reference_date(
        year=ctx.year,
        meeting_date=facts.meeting_date,
        decision_date=facts.decision_date,
        defaults=ctx.defaults,
    )
    result = review_eligibility(
        admitted_on=facts.admitted_on,
        reference=ref,
        statuses=facts.statuses,
        status=facts.status,
        defaults=ctx.defaults,
    )
    trace.rule(*result.rules)
    for d in result.defaults_applied:
        trace.default(d.rule, d.name)
    return result.reason


def not_reviewed(
    facts: SubjectFacts, ctx: RatingContext, reason: ExclusionReason, trace: Trace
) -> Classification:
    return Classification(
        subject_id=facts.subject_id,
        rule_set=ctx.rule_set,
        status=Status.NOT_REVIEWED,
        level=None,
        proposed=None,
        band=None,
        exclusion=reason,
        triggers=(),
        checks=trace.checks(),
        flags=(),
        rules=trace.rules(),
        defaults_applied=trace.defaults_applied(),
    )


def mitigation_state(
    facts: SubjectFacts, code: str, cause: str, implicit_claim: bool, trace: Trace
) -> MitigationState:
    """AR-25: a fired trigger with a recorded claim waits for the competent level's decision."""
    for m in facts.mitigations:
        if m.trigger != code or (m.cause is not None and m.cause != cause):
            continue
        trace.default("AR-25", "mitigation_mechanism")
        if m.outcome is MitigationOutcome.SET_ASIDE:
            return MitigationState.SET_ASIDE
        if m.outcome is MitigationOutcome.CONFIRM_KHT:
            return MitigationState.CONFIRMED
        return MitigationState.PENDING
    if implicit_claim:
        trace.default("AR-25", "mitigation_mechanism")
        return MitigationState.PENDING
    return MitigationState.NONE


def reduced_period_flag(facts: SubjectFacts, ctx: RatingContext, trace: Trace) -> bool:
    """AR-9: long sick leave or maternity leave marks the rating "reduced-period" (T is not pro-rated)."""
    if not (facts.sick_leave_days or facts.maternity_leave):
        return False
    flag, _ = reduced_period(
        sick_leave_days=facts.sick_leave_days, maternity_leave=facts.maternity_leave, defaults=ctx.defaults
    )
    trace.default("AR-9", "sick_leave_min_days")
    return flag


@dataclass(frozen=True)
class DecidedLevel:
    level: Level
    overridden: bool
    reason: str | None
    rules: tuple[str, ...]


def decide_level(classification: Classification, decided: Level, reason: str | None = None) -> DecidedLevel:
    """AR-30: the competent level decides; a level unlike the proposal needs a recorded reason and shows as
    `overridden`. AR-29: a gap without proposal always needs a reason. Excluded subjects have no level."""
    if classification.status is Status.NOT_REVIEWED:
        raise RatingInputError("level", "đối tượng không kiểm điểm", "the subject is not reviewed")
    overridden = decided is not classification.proposed
    if overridden and not (reason and reason.strip()):
        raise RatingInputError(
            "reason",
            "mức quyết định khác mức đề xuất: cần ghi lý do",
            "a decided level unlike the proposal needs a recorded reason",
        )
    return DecidedLevel(decided, overridden, reason, ("AR-29", "AR-30"))


def required_tasks(facts: SubjectFacts) -> TaskCounts:
    if facts.tasks is None:
        raise RatingInputError("tasks", "cần số nhiệm vụ", "task counts required")
    return facts.tasks
