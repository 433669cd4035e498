"""Cadres: planning, appointment, temporary suspension, refresher training (spec: cadres.md, CA-1..CA-41).

Pure Python: plain values in, decisions out; no Django, no clock (``today`` is an argument), integer
arithmetic only. Every result names its rule IDs; every configurable default it used is listed in
``defaults_applied`` (see :class:`CadreDefaults`).

The spec asks for one module per rule set under ``partyorg/domain/cadres/``; this module keeps the rule
sets in one place as data (:class:`RuleSet`, :func:`ruleset_for`) and branches on them where they
differ (CA-8 first-time planning under ``QD50``, CA-30 durations under ``QD377``), because so far the
rule sets differ only in those few values. Split it when a rule set grows its own logic.

Interpretations documented here:

* Full months (CA-7): the largest ``m`` with ``add_months(start, m) <= end`` (month ends clamp, so
  31 Jan + 1 month = 28/29 Feb).
* A planning term (CA-2) runs from its start to the day before ``add_months(start, term_months)``;
  an appointment (CA-23) likewise, its last day being the day before the same date 60 months later.
* "Active planning" for the count limits (CA-4, CA-5) counts entries in ``active`` and
  ``removal_required`` (the latter are still in planning until the removal is decided).
* Working days (CA-34): Monday-Friday minus the configured public holidays; counting starts the day
  after the decision (or after the effective date if later); with ``count_decision_day`` the decision
  (or effective) day itself is day 1 when it is a working day.
* Age tiers (CA-10): ages at the reference date, grouped in bands of ``age_tier_years`` from the
  youngest; three tiers means at least three distinct bands.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from enum import Enum, IntEnum
from fractions import Fraction

# ---------------------------------------------------------------------------------------------
# Decisions, messages
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DefaultApplied:
    """A configurable default that a decision used: rule ID, setting name and the value applied."""

    rule_id: str
    name: str
    value: str


@dataclass(frozen=True)
class Message:
    """A bilingual finding (Vietnamese, English) tied to one rule."""

    rule_id: str
    code: str
    vi: str
    en: str

    def __str__(self) -> str:
        return f"{self.rule_id}: {self.vi} / {self.en}"


@dataclass(frozen=True)
class Decision:
    """``ok`` is False when there is at least one error; warnings never block."""

    ok: bool
    rule_ids: tuple[str, ...]
    errors: tuple[Message, ...] = ()
    warnings: tuple[Message, ...] = ()
    defaults_applied: tuple[DefaultApplied, ...] = ()

    @property
    def error_codes(self) -> tuple[str, ...]:
        return tuple(m.code for m in self.errors)

    @property
    def warning_codes(self) -> tuple[str, ...]:
        return tuple(m.code for m in self.warnings)


class CadreRuleError(ValueError):
    """An input that breaks a rule outright."""

    def __init__(self, rule_id: str, code: str, vi: str, en: str) -> None:
        super().__init__(f"{rule_id}: {vi} / {en}")
        self.rule_id = rule_id
        self.code = code
        self.vi = vi
        self.en = en


def _show(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "none"
    if isinstance(value, (frozenset, set)):
        return ",".join(sorted(_show(v) for v in value))
    if isinstance(value, Enum):
        return str(value.value)
    return str(value)


class _Acc:
    def __init__(self, *rule_ids: str) -> None:
        self.rules: list[str] = []
        self.errors: list[Message] = []
        self.warnings: list[Message] = []
        self.defaults: list[DefaultApplied] = []
        self.rule(*rule_ids)

    def rule(self, *rule_ids: str) -> None:
        for r in rule_ids:
            if r not in self.rules:
                self.rules.append(r)

    def default(self, rule_id: str, name: str, value: object) -> None:
        self.rule(rule_id)
        d = DefaultApplied(rule_id, name, _show(value))
        if d not in self.defaults:
            self.defaults.append(d)

    def error(self, rule_id: str, code: str, vi: str, en: str) -> None:
        self.rule(rule_id)
        self.errors.append(Message(rule_id, code, vi, en))

    def warn(self, rule_id: str, code: str, vi: str, en: str) -> None:
        self.rule(rule_id)
        self.warnings.append(Message(rule_id, code, vi, en))

    def merge(self, d: Decision) -> None:
        self.rule(*d.rule_ids)
        self.errors.extend(d.errors)
        self.warnings.extend(d.warnings)
        for x in d.defaults_applied:
            if x not in self.defaults:
                self.defaults.append(x)

    def decision(self) -> Decision:
        return Decision(not self.errors, tuple(self.rules), tuple(self.errors), tuple(self.warnings), tuple(self.defaults))


# ---------------------------------------------------------------------------------------------
# Defaults
# ---------------------------------------------------------------------------------------------


class TrainingGroup(IntEnum):
    """CA-36: Group 1 key and senior leaders; Group 2 Politburo/Secretariat-managed; Group 3 the rest."""

    GROUP_1 = 1
    GROUP_2 = 2
    GROUP_3 = 3


@dataclass(frozen=True)
class CadreDefaults:
    """The [default] values of cadres.md; the rule each belongs to is in the comment."""

    term_months: int = 60  # CA-2, CA-7
    max_cadres_per_position: int = 3  # CA-4 (confirmed value, configurable)
    max_positions_per_cadre: int = 3  # CA-5 (confirmed value, configurable)
    min_terms_remaining: int = 2  # CA-7
    min_terms_remaining_current: int = 1  # CA-8
    female_required_levels: frozenset[str] | None = None  # CA-10: None = every level
    age_tier_years: int = 5  # CA-10
    planning_review_due: tuple[int, int] = (3, 31)  # CA-12: (month, day) of year Y+1
    kht_removes_from_planning: bool = True  # CA-14
    appointment_vote_threshold: Fraction = Fraction(1, 2)  # CA-21: yes must exceed this share of members convened
    planning_required: str = "warn"  # CA-22: "warn" | "block"
    appointment_term_months: int = 60  # CA-23
    reappointment_reminder_days: int = 90  # CA-23
    necessary_max_working_days: int = 15  # CA-30
    necessary_extension_max_working_days: int = 15  # CA-30
    necessary_max_extensions: int = 1  # CA-30
    advise_within_working_days: int = 2  # CA-33
    count_decision_day: bool = False  # CA-34
    holidays: frozenset[date] = frozenset()  # CA-34: the configurable public-holiday calendar
    training_min_courses: tuple[tuple[TrainingGroup, int], ...] = (
        (TrainingGroup.GROUP_1, 1),
        (TrainingGroup.GROUP_2, 1),
        (TrainingGroup.GROUP_3, 1),
    )  # CA-40
    training_min_hours: tuple[tuple[TrainingGroup, int], ...] = ()  # CA-40: optional

    def min_courses(self, group: TrainingGroup) -> int:
        return dict(self.training_min_courses).get(group, 0)

    def min_hours(self, group: TrainingGroup) -> int | None:
        return dict(self.training_min_hours).get(group)


DEFAULTS = CadreDefaults()


# ---------------------------------------------------------------------------------------------
# CA-1: rule sets by decision date
# ---------------------------------------------------------------------------------------------


class RuleSet(Enum):
    QD377 = "QD377"
    QD50 = "QD50"
    QD148 = "QD148"
    QD80 = "QD80"  # label for older appointment records
    QD41 = "QD41"  # label for older relief / resignation records
    QD145 = "QD145"
    LEGACY = "legacy"  # records older than every rule set in this system


class RecordKind(Enum):
    PLANNING = "planning"
    APPOINTMENT = "appointment"  # also re-appointment and nomination
    RELIEF = "relief"  # relief from post, resignation, dismissal
    SUSPENSION = "suspension"
    TRAINING = "training"


QD377_FROM = date(2025, 10, 8)
QD50_FROM = date(2021, 12, 27)
QD148_FROM = date(2024, 5, 23)
QD145_FROM = date(2024, 5, 10)


def ruleset_for(kind: RecordKind, decision_date: date) -> RuleSet:
    """CA-1: the rule set in force for a record of ``kind`` decided on ``decision_date``."""
    if kind is RecordKind.TRAINING:
        return RuleSet.QD145 if decision_date >= QD145_FROM else RuleSet.LEGACY
    if decision_date >= QD377_FROM:
        return RuleSet.QD377
    if kind is RecordKind.PLANNING:
        return RuleSet.QD50 if decision_date >= QD50_FROM else RuleSet.LEGACY
    if kind is RecordKind.SUSPENSION:
        return RuleSet.QD148 if decision_date >= QD148_FROM else RuleSet.LEGACY
    if kind is RecordKind.APPOINTMENT:
        return RuleSet.QD80
    return RuleSet.QD41


def ruleset_for_change(record_ruleset: RuleSet, change_date: date) -> RuleSet:
    """CA-1: a record keeps its rule set, but any change made from 08/10/2025 is checked under QD377."""
    if record_ruleset is RuleSet.QD145:
        return record_ruleset
    return RuleSet.QD377 if change_date >= QD377_FROM else record_ruleset


# ---------------------------------------------------------------------------------------------
# Date helpers: months, working days
# ---------------------------------------------------------------------------------------------


def _last_day(year: int, month: int) -> int:
    nxt = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
    return (nxt - timedelta(days=1)).day


def add_months(day: date, months: int) -> date:
    """``day`` plus ``months`` calendar months, clamped to the month's last day."""
    total = day.year * 12 + day.month - 1 + months
    year, month0 = divmod(total, 12)
    return date(year, month0 + 1, min(day.day, _last_day(year, month0 + 1)))


def full_months(start: date, end: date) -> int:
    """CA-7: complete months from ``start`` to ``end`` (0 when ``end`` is before ``start``)."""
    if end < start:
        return 0
    m = (end.year - start.year) * 12 + (end.month - start.month)
    while m > 0 and add_months(start, m) > end:
        m -= 1
    return m


def full_years(birth: date, on: date) -> int:
    """Age in completed years on ``on``."""
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def is_working_day(day: date, holidays: Collection[date] = frozenset()) -> bool:
    """CA-34: Monday to Friday and not a configured public holiday."""
    return day.weekday() < 5 and day not in holidays


def add_working_days(base: date, n: int, holidays: Collection[date] = frozenset(), *, include_base: bool = False) -> date:
    """CA-34: the ``n``-th working day counted from the day after ``base`` (or from ``base`` itself)."""
    if n < 1:
        raise ValueError("n must be at least 1")
    day = base if include_base else base + timedelta(days=1)
    counted = 0
    while True:
        if is_working_day(day, holidays):
            counted += 1
            if counted == n:
                return day
        day += timedelta(days=1)


def working_days_between(after: date, until: date, holidays: Collection[date] = frozenset()) -> int:
    """CA-34: working days ``d`` with ``after < d <= until``."""
    count = 0
    day = after + timedelta(days=1)
    while day <= until:
        if is_working_day(day, holidays):
            count += 1
        day += timedelta(days=1)
    return count


@dataclass(frozen=True)
class DecisionRef:
    """A recorded decision: number, date and the authority that issued it."""

    number: str
    decided_on: date
    authority: str = ""

    @property
    def recorded(self) -> bool:
        return bool(self.number.strip())


# ---------------------------------------------------------------------------------------------
# CA-2..CA-18: planning
# ---------------------------------------------------------------------------------------------


class TermKind(Enum):
    NEXT = "next"
    CURRENT = "current"


@dataclass(frozen=True)
class PlanningTerm:
    term_id: str
    start: date
    end: date
    kind: TermKind


def planning_term(term_id: str, start: date, kind: TermKind, *, defaults: CadreDefaults = DEFAULTS) -> PlanningTerm:
    """CA-2: a planning term lasts ``term_months`` (default 60) from its start."""
    return PlanningTerm(term_id, start, add_months(start, defaults.term_months) - timedelta(days=1), kind)


class PlanningState(Enum):
    ACTIVE = "active"
    REMOVAL_REQUIRED = "removal_required"
    REMOVED = "removed"
    FULFILLED = "fulfilled"
    CLOSED = "closed"


_OCCUPYING = (PlanningState.ACTIVE, PlanningState.REMOVAL_REQUIRED)


class PlanningTrigger(Enum):
    LOW_CONFIDENCE = "low_confidence"  # CA-13
    KHT_RATING = "kht_rating"  # CA-14
    DISCIPLINE = "discipline"  # CA-15
    AGE_LOST = "age_lost"  # CA-15


_TRIGGER_RULE: Mapping[PlanningTrigger, str] = {
    PlanningTrigger.LOW_CONFIDENCE: "CA-13",
    PlanningTrigger.KHT_RATING: "CA-14",
    PlanningTrigger.DISCIPLINE: "CA-15",
    PlanningTrigger.AGE_LOST: "CA-15",
}


@dataclass(frozen=True)
class PlanningChange:
    """CA-18: who changed a planning entry, when and by which decision."""

    version: int
    changed_by: str
    changed_on: date
    decision_number: str
    change: str
    ruleset: RuleSet


@dataclass(frozen=True)
class PlanningEntry:
    entry_id: str
    cadre_id: str
    position_id: str
    level: str
    planned_rank: int
    term: PlanningTerm
    decision: DecisionRef
    ruleset: RuleSet
    state: PlanningState = PlanningState.ACTIVE
    triggers: frozenset[PlanningTrigger] = frozenset()
    kept_reason: str = ""
    history: tuple[PlanningChange, ...] = ()

    @property
    def version(self) -> int:
        """The number of the latest history line (1 for an entry without history)."""
        return max(1, len(self.history))


def check_higher_position(planned_rank: int, current_rank: int | None) -> Decision:
    """CA-3: a cadre is planned only for a position ranked above the one held (higher rank = higher post)."""
    acc = _Acc("CA-3")
    if current_rank is not None and planned_rank <= current_rank:
        acc.error(
            "CA-3",
            "not_higher",
            "Chỉ quy hoạch vào chức danh cao hơn chức danh đang đảm nhiệm",
            "Planning is only for a position higher than the one currently held",
        )
    return acc.decision()


def check_position_capacity(
    position_id: str, term_id: str, existing: Iterable[PlanningEntry], *, defaults: CadreDefaults = DEFAULTS
) -> Decision:
    """CA-4: at most 3 cadres in active planning for one position in one term."""
    acc = _Acc("CA-4")
    acc.default("CA-4", "max_cadres_per_position", defaults.max_cadres_per_position)
    n = sum(1 for e in existing if e.position_id == position_id and e.term.term_id == term_id and e.state in _OCCUPYING)
    if n >= defaults.max_cadres_per_position:
        acc.error(
            "CA-4",
            "position_full",
            f"Chức danh đã có {n} người trong quy hoạch (tối đa {defaults.max_cadres_per_position})",
            f"The position already has {n} cadres in planning (max {defaults.max_cadres_per_position})",
        )
    return acc.decision()


def check_positions_per_cadre(
    cadre_id: str, term_id: str, level: str, existing: Iterable[PlanningEntry], *, defaults: CadreDefaults = DEFAULTS
) -> Decision:
    """CA-5: one cadre in planning for at most 3 positions of the same level in one term."""
    acc = _Acc("CA-5")
    acc.default("CA-5", "max_positions_per_cadre", defaults.max_positions_per_cadre)
    n = sum(
        1
        for e in existing
        if e.cadre_id == cadre_id and e.term.term_id == term_id and e.level == level and e.state in _OCCUPYING
    )
    if n + 1 > defaults.max_positions_per_cadre:
        acc.error(
            "CA-5",
            "cadre_full",
            f"Cán bộ đã được quy hoạch {n} chức danh cùng cấp (tối đa {defaults.max_positions_per_cadre})",
            f"The cadre is already planned for {n} positions at this level (max {defaults.max_positions_per_cadre})",
        )
    return acc.decision()


class ProposalKind(Enum):
    APPOINTMENT = "appointment"
    NOMINATION = "nomination"


@dataclass(frozen=True)
class PersonnelProposal:
    cadre_id: str
    kind: ProposalKind
    is_open: bool
    decision_number: str = ""


def check_no_concurrent_proposal(
    cadre_id: str, decision_number: str, proposals: Iterable[PersonnelProposal]
) -> Decision:
    """CA-6: no planning while an appointment/nomination proposal for the person is open, nor in the same decision."""
    acc = _Acc("CA-6")
    for p in proposals:
        if p.cadre_id != cadre_id:
            continue
        if p.is_open:
            acc.error(
                "CA-6",
                "open_proposal",
                "Đang có đề xuất bổ nhiệm hoặc giới thiệu ứng cử người này; không quy hoạch cùng lúc",
                "An appointment or nomination proposal for this person is open; planning cannot run at the same time",
            )
        elif decision_number.strip() and p.decision_number.strip() == decision_number.strip():
            acc.error(
                "CA-6",
                "same_decision",
                "Quy hoạch và bổ nhiệm hoặc giới thiệu cùng một người không nằm trong cùng một quyết định",
                "Planning and appointment or nomination of the same person cannot be in the same decision",
            )
    return acc.decision()


@dataclass(frozen=True)
class AgeCheck:
    ok: bool
    months_left: int
    months_required: int
    comparison: str
    decision: Decision


def check_age_condition(
    term: PlanningTerm,
    retirement_date: date,
    *,
    ruleset: RuleSet = RuleSet.QD377,
    first_time: bool = True,
    exception_decision: DecisionRef | None = None,
    defaults: CadreDefaults = DEFAULTS,
) -> AgeCheck:
    """CA-7, CA-8: full months from the term start to retirement must cover the required number of terms.

    Next term: ``min_terms_remaining`` (2) terms; current term: ``min_terms_remaining_current`` (1). Under
    ``QD50`` first-time planning needs 2 terms, or 1 with a recorded exception decision.
    """
    acc = _Acc("CA-7")
    acc.default("CA-7", "term_months", defaults.term_months)
    acc.default("CA-7", "reference_date", "term start")
    if term.kind is TermKind.NEXT:
        terms = defaults.min_terms_remaining
        acc.default("CA-7", "min_terms_remaining", terms)
    else:
        terms = defaults.min_terms_remaining_current
        acc.default("CA-8", "min_terms_remaining_current", terms)
    if ruleset is RuleSet.QD50 and first_time:
        acc.rule("CA-8")
        terms = 1 if exception_decision is not None and exception_decision.recorded else 2
    required = terms * defaults.term_months
    left = full_months(term.start, retirement_date)
    ok = left >= required
    comparison = f"{left} {'>=' if ok else '<'} {required}"
    if not ok:
        acc.error(
            "CA-7",
            "age",
            f"Không đủ tuổi công tác {terms} nhiệm kỳ từ ngày bắt đầu nhiệm kỳ ({comparison} tháng)",
            f"Not enough working age for {terms} term(s) from the term start ({comparison} months)",
        )
    return AgeCheck(ok, left, required, comparison, acc.decision())


class ViolationKind(Enum):
    SHORTCOMING = "shortcoming"  # khuyết điểm
    NOT_DISCIPLINED = "not_disciplined"  # considered, but no discipline (decided so, or limitation period expired)
    DISCIPLINE = "discipline"  # kỷ luật
    UNDER_INVESTIGATION = "under_investigation"


class DisciplineForm(Enum):
    REPRIMAND = "reprimand"  # khiển trách
    WARNING = "warning"  # cảnh cáo
    REMOVAL_FROM_POST = "removal_from_post"  # cách chức
    OTHER = "other"


class Responsibility(Enum):
    DIRECT = "direct"
    HEAD = "head"
    JOINT = "joint"
    OTHER = "other"


@dataclass(frozen=True)
class ViolationRecord:
    """A violation, shortcoming or investigation on file (CA-9). A suspension is never one (CA-26)."""

    record_id: str
    kind: ViolationKind
    handled_by_review_only: bool = False  # case 1: handled by review and lessons without discipline
    form: DisciplineForm | None = None  # the form decided (DISCIPLINE) or that would have applied (NOT_DISCIPLINED)
    responsibility: Responsibility | None = None
    remediation_complete: bool = False
    effect_end: date | None = None  # end of the discipline's effect period


def planning_case(record: ViolationRecord, decision_date: date) -> int | None:
    """CA-9: which of the three permitted cases the record falls in (1, 2, 3), or None if it blocks planning."""
    if record.kind is ViolationKind.SHORTCOMING:
        return 1 if record.handled_by_review_only else None
    if record.kind is ViolationKind.NOT_DISCIPLINED:
        if (
            record.form is DisciplineForm.REPRIMAND
            and record.responsibility in (Responsibility.DIRECT, Responsibility.HEAD, Responsibility.JOINT)
            and record.remediation_complete
        ):
            return 2
        return None
    if record.kind is ViolationKind.DISCIPLINE:
        if (
            record.form in (DisciplineForm.REPRIMAND, DisciplineForm.WARNING)
            and record.effect_end is not None
            and record.effect_end < decision_date
        ):
            return 3
        return None
    return None


def check_violations(records: Iterable[ViolationRecord], decision_date: date) -> Decision:
    """CA-9: every record must fall in one of the three cases; otherwise the entry is rejected, naming it."""
    acc = _Acc("CA-9")
    for r in records:
        if planning_case(r, decision_date) is None:
            acc.error(
                "CA-9",
                "blocking_record",
                f"Hồ sơ {r.record_id} ({r.kind.value}) không thuộc ba trường hợp được xem xét quy hoạch",
                f"Record {r.record_id} ({r.kind.value}) is not one of the three cases that allow planning",
            )
    return acc.decision()


@dataclass(frozen=True)
class CandidateProfile:
    cadre_id: str
    birth_date: date
    female: bool = False
    ethnic_minority: bool = False
    sci_tech: bool = False


@dataclass(frozen=True)
class CompositionTargets:
    """CA-10 targets of one planning list, in permille (configured per level)."""

    young_max_age: int
    young_permille: int = 0
    female_permille: int = 0
    ethnic_minority_permille: int = 0
    sci_tech_permille: int = 0


@dataclass(frozen=True)
class CompositionReport:
    count: int
    ages: tuple[int, ...]
    age_tiers: int
    young_permille: int
    female_permille: int
    ethnic_minority_permille: int
    sci_tech_permille: int
    shortfalls: tuple[str, ...]
    decision: Decision


def planning_list_composition(
    profiles: Sequence[CandidateProfile],
    reference_date: date,
    targets: CompositionTargets,
    *,
    level: str,
    leadership_list: bool,
    defaults: CadreDefaults = DEFAULTS,
) -> CompositionReport:
    """CA-10: age tiers and shares of young, female, ethnic-minority and sci-tech cadres against targets."""
    acc = _Acc("CA-10")
    n = len(profiles)

    def pm(k: int) -> int:
        return 1000 * k // n if n else 0

    ages = tuple(sorted(full_years(p.birth_date, reference_date) for p in profiles))
    acc.default("CA-10", "age_tier_years", defaults.age_tier_years)
    tiers = len({(a - ages[0]) // defaults.age_tier_years for a in ages}) if ages else 0
    young = pm(sum(1 for a in ages if a <= targets.young_max_age))
    female = pm(sum(1 for p in profiles if p.female))
    ethnic = pm(sum(1 for p in profiles if p.ethnic_minority))
    sci = pm(sum(1 for p in profiles if p.sci_tech))
    shortfalls = []
    if tiers < 3:
        shortfalls.append("age_tiers")
    for name, got, want in (
        ("young", young, targets.young_permille),
        ("female", female, targets.female_permille),
        ("ethnic_minority", ethnic, targets.ethnic_minority_permille),
        ("sci_tech", sci, targets.sci_tech_permille),
    ):
        if got < want:
            shortfalls.append(name)
    acc.default("CA-10", "female_required_levels", "every level" if defaults.female_required_levels is None else defaults.female_required_levels)
    required_here = defaults.female_required_levels is None or level in defaults.female_required_levels
    if leadership_list and required_here and not any(p.female for p in profiles):
        acc.warn(
            "CA-10",
            "no_female",
            "Danh sách quy hoạch cấp ủy, lãnh đạo chưa có cán bộ nữ",
            "The planning list for committee or leadership positions has no female cadre",
        )
    return CompositionReport(n, ages, tiers, young, female, ethnic, sci, tuple(shortfalls), acc.decision())


@dataclass(frozen=True)
class PlanningProposal:
    """An addition to planning (CA-18), checked on its decision date."""

    cadre_id: str
    position_id: str
    level: str
    planned_rank: int
    current_rank: int | None
    term: PlanningTerm
    decision: DecisionRef
    retirement_date: date
    first_time: bool = True
    exception_decision: DecisionRef | None = None
    violations: tuple[ViolationRecord, ...] = ()


def check_planning_addition(
    proposal: PlanningProposal,
    *,
    existing: Sequence[PlanningEntry] = (),
    proposals: Sequence[PersonnelProposal] = (),
    composition: tuple[Sequence[CandidateProfile], CompositionTargets, bool] | None = None,
    defaults: CadreDefaults = DEFAULTS,
) -> Decision:
    """CA-18: an addition passes CA-3..CA-10 on its decision date (under the rule set of that date, CA-1).

    ``composition`` = (the list after the addition, its targets, whether it is a leadership list) adds the
    CA-10 warnings.
    """
    acc = _Acc("CA-18", "CA-1")
    ruleset = ruleset_for(RecordKind.PLANNING, proposal.decision.decided_on)
    if not proposal.decision.recorded:
        acc.error("CA-18", "decision", "Chưa ghi số quyết định phê duyệt quy hoạch", "The approving decision number is missing")
    acc.merge(check_higher_position(proposal.planned_rank, proposal.current_rank))
    acc.merge(check_position_capacity(proposal.position_id, proposal.term.term_id, existing, defaults=defaults))
    acc.merge(check_positions_per_cadre(proposal.cadre_id, proposal.term.term_id, proposal.level, existing, defaults=defaults))
    acc.merge(check_no_concurrent_proposal(proposal.cadre_id, proposal.decision.number, proposals))
    age = check_age_condition(
        proposal.term,
        proposal.retirement_date,
        ruleset=ruleset,
        first_time=proposal.first_time,
        exception_decision=proposal.exception_decision,
        defaults=defaults,
    )
    acc.merge(age.decision)
    acc.merge(check_violations(proposal.violations, proposal.decision.decided_on))
    if composition is not None:
        profiles, targets, leadership = composition
        rep = planning_list_composition(
            profiles, proposal.term.start, targets, level=proposal.level, leadership_list=leadership, defaults=defaults
        )
        acc.merge(rep.decision)
    return acc.decision()


def planning_entry_from(proposal: PlanningProposal, entry_id: str, *, actor: str) -> PlanningEntry:
    """CA-1, CA-18: a new entry records the rule set of its decision date and its first history line."""
    ruleset = ruleset_for(RecordKind.PLANNING, proposal.decision.decided_on)
    return PlanningEntry(
        entry_id=entry_id,
        cadre_id=proposal.cadre_id,
        position_id=proposal.position_id,
        level=proposal.level,
        planned_rank=proposal.planned_rank,
        term=proposal.term,
        decision=proposal.decision,
        ruleset=ruleset,
        history=(PlanningChange(1, actor, proposal.decision.decided_on, proposal.decision.number, "added", ruleset),),
    )


@dataclass(frozen=True)
class PlanningTransition:
    entry: PlanningEntry
    changed: bool
    decision: Decision


def _record(entry: PlanningEntry, *, actor: str, on: date, decision_number: str, change: str, **fields: object) -> PlanningEntry:
    ruleset = ruleset_for_change(entry.ruleset, on)
    line = PlanningChange(len(entry.history) + 1, actor, on, decision_number, change, ruleset)
    new = replace(entry, **fields)  # type: ignore[arg-type]
    return replace(new, history=(*entry.history, line))


def planning_apply_trigger(
    entry: PlanningEntry, trigger: PlanningTrigger, *, actor: str, on: date, defaults: CadreDefaults = DEFAULTS
) -> PlanningTransition:
    """CA-13, CA-14, CA-15: a trigger puts an active entry in ``removal_required`` (KHT only if configured)."""
    rule = _TRIGGER_RULE[trigger]
    acc = _Acc(rule)
    if trigger is PlanningTrigger.KHT_RATING:
        acc.default("CA-14", "kht_removes_from_planning", defaults.kht_removes_from_planning)
        if not defaults.kht_removes_from_planning:
            return PlanningTransition(entry, False, acc.decision())
    if trigger in (PlanningTrigger.DISCIPLINE, PlanningTrigger.AGE_LOST):
        acc.default("CA-15", "trigger", trigger.value)
    if entry.state not in _OCCUPYING:
        return PlanningTransition(entry, False, acc.decision())
    new = _record(
        entry,
        actor=actor,
        on=on,
        decision_number="",
        change=f"trigger:{trigger.value}",
        state=PlanningState.REMOVAL_REQUIRED,
        triggers=entry.triggers | {trigger},
        kept_reason="",
    )
    return PlanningTransition(new, True, acc.decision())


def planning_cancel_trigger(entry: PlanningEntry, trigger: PlanningTrigger, *, actor: str, on: date) -> PlanningTransition:
    """CA-14: a KHT rating cancelled by re-rating before the removal is decided returns the entry to ``active``."""
    acc = _Acc(_TRIGGER_RULE[trigger])
    if entry.state is not PlanningState.REMOVAL_REQUIRED or trigger not in entry.triggers:
        return PlanningTransition(entry, False, acc.decision())
    left = entry.triggers - {trigger}
    new = _record(
        entry,
        actor=actor,
        on=on,
        decision_number="",
        change=f"trigger_cancelled:{trigger.value}",
        triggers=left,
        state=PlanningState.REMOVAL_REQUIRED if left else PlanningState.ACTIVE,
    )
    return PlanningTransition(new, True, acc.decision())


class RemovalGround(Enum):
    """CA-11: grounds for the annual review to remove an entry."""

    NO_LONGER_MEETS_STANDARDS = "no_longer_meets_standards"
    TASKS_NOT_COMPLETED = "tasks_not_completed"
    VIOLATION = "violation"


def planning_remove(
    entry: PlanningEntry, decision: DecisionRef | None, *, actor: str, ground: RemovalGround | None = None
) -> PlanningTransition:
    """CA-17 (and CA-11): ``removed`` only with a recorded decision (number, date); an active entry needs a ground."""
    acc = _Acc("CA-17")
    if decision is None or not decision.recorded:
        acc.error("CA-17", "decision_required", "Đưa ra khỏi quy hoạch phải có quyết định (số, ngày)", "Removal from planning needs a recorded decision (number, date)")
    if entry.state is PlanningState.ACTIVE:
        acc.rule("CA-11")
        if ground is None:
            acc.error("CA-11", "ground_required", "Phải ghi căn cứ đưa ra khỏi quy hoạch", "A ground for removal is required")
    elif entry.state is not PlanningState.REMOVAL_REQUIRED:
        acc.error("CA-17", "not_in_planning", "Mục quy hoạch không còn hiệu lực", "The planning entry is no longer in planning")
    d = acc.decision()
    if not d.ok or decision is None:
        return PlanningTransition(entry, False, d)
    new = _record(
        entry,
        actor=actor,
        on=decision.decided_on,
        decision_number=decision.number,
        change=f"removed:{ground.value if ground else ','.join(sorted(t.value for t in entry.triggers))}",
        state=PlanningState.REMOVED,
    )
    return PlanningTransition(new, True, d)


def planning_keep(entry: PlanningEntry, reason: str, decision: DecisionRef, *, actor: str) -> PlanningTransition:
    """CA-17: for CA-14/CA-15 triggers the competent level may keep the entry with a reason; never after CA-13."""
    acc = _Acc("CA-17")
    if entry.state is not PlanningState.REMOVAL_REQUIRED:
        acc.error("CA-17", "not_removal_required", "Mục quy hoạch không ở trạng thái phải đưa ra", "The entry is not awaiting removal")
    if PlanningTrigger.LOW_CONFIDENCE in entry.triggers:
        acc.error(
            "CA-13",
            "low_confidence_cannot_keep",
            "Cán bộ có trên 50% phiếu tín nhiệm thấp phải đưa ra khỏi quy hoạch; không được giữ lại",
            "A cadre with more than half low-confidence ballots must be removed from planning; the entry cannot be kept",
        )
    if not reason.strip():
        acc.error("CA-17", "reason_required", "Phải ghi lý do giữ lại trong quy hoạch", "A reason for keeping the entry is required")
    if not decision.recorded:
        acc.error("CA-17", "decision_required", "Phải ghi quyết định của cấp có thẩm quyền", "The competent level's decision is required")
    d = acc.decision()
    if not d.ok:
        return PlanningTransition(entry, False, d)
    new = _record(
        entry,
        actor=actor,
        on=decision.decided_on,
        decision_number=decision.number,
        change="kept",
        state=PlanningState.ACTIVE,
        triggers=frozenset(),
        kept_reason=reason.strip(),
    )
    return PlanningTransition(new, True, d)


class PlanningEvent(Enum):
    APPOINTED_TO_PLANNED_POSITION = "appointed"
    ELECTED_TO_PLANNED_POSITION = "elected"
    RETIRED = "retired"
    TRANSFERRED_OUT = "transferred_out"
    EXPELLED = "expelled"
    DIED = "died"


def planning_event(entry: PlanningEntry, event: PlanningEvent, *, actor: str, on: date) -> PlanningTransition:
    """CA-16: appointed or elected to the planned position -> ``fulfilled``; retirement, transfer, expulsion, death -> ``closed``."""
    acc = _Acc("CA-16")
    if entry.state not in _OCCUPYING:
        return PlanningTransition(entry, False, acc.decision())
    if event in (PlanningEvent.APPOINTED_TO_PLANNED_POSITION, PlanningEvent.ELECTED_TO_PLANNED_POSITION):
        if entry.state is PlanningState.REMOVAL_REQUIRED:
            acc.error(
                "CA-17",
                "removal_required",
                "Mục quy hoạch đang phải đưa ra nên không làm căn cứ bổ nhiệm",
                "An entry awaiting removal cannot be the basis of an appointment",
            )
            return PlanningTransition(entry, False, acc.decision())
        new = _record(entry, actor=actor, on=on, decision_number="", change=event.value, state=PlanningState.FULFILLED)
    else:
        new = _record(entry, actor=actor, on=on, decision_number="", change=event.value, state=PlanningState.CLOSED)
    return PlanningTransition(new, True, acc.decision())


def planning_close_finished_term(entry: PlanningEntry, today: date, *, actor: str = "system") -> PlanningTransition:
    """CA-2: entries of a finished term close automatically."""
    acc = _Acc("CA-2")
    if entry.state in _OCCUPYING and today > entry.term.end:
        new = _record(entry, actor=actor, on=today, decision_number="", change="term_ended", state=PlanningState.CLOSED)
        return PlanningTransition(new, True, acc.decision())
    return PlanningTransition(entry, False, acc.decision())


@dataclass(frozen=True)
class ConfidenceEffect:
    """CA-13: effect of a confidence vote on planning (bands of confidence-votes.md, CV-34/36/37/44)."""

    removal_required: bool
    relief_proposal: bool
    keep_allowed: bool
    comparison: str
    rule_ids: tuple[str, ...] = ("CA-13",)


def confidence_planning_effect(low: int, ballots_collected: int) -> ConfidenceEffect:
    """CA-13: ``2*low > collected`` -> removal required (cannot be kept); ``3*low >= 2*collected`` -> relief too."""
    if low < 0 or ballots_collected < 0 or low > ballots_collected:
        raise ValueError("inconsistent ballot counts")
    removal = 2 * low > ballots_collected
    relief = ballots_collected > 0 and 3 * low >= 2 * ballots_collected
    comparison = f"{2 * low} {'>' if removal else '<='} {ballots_collected}"
    if relief:
        comparison += f"; {3 * low} >= {2 * ballots_collected}"
    return ConfidenceEffect(removal, relief, not removal, comparison)


def apply_confidence_vote(
    entries: Sequence[PlanningEntry], cadre_id: str, low: int, ballots_collected: int, *, actor: str, on: date
) -> tuple[ConfidenceEffect, tuple[PlanningTransition, ...]]:
    """CA-13: put every active planning entry of the cadre in ``removal_required`` when more than half is low."""
    effect = confidence_planning_effect(low, ballots_collected)
    if not effect.removal_required:
        return effect, ()
    out = tuple(
        planning_apply_trigger(e, PlanningTrigger.LOW_CONFIDENCE, actor=actor, on=on)
        for e in entries
        if e.cadre_id == cadre_id and e.state in _OCCUPYING
    )
    return effect, out


# ---------------------------------------------------------------------------------------------
# CA-11, CA-12: annual review
# ---------------------------------------------------------------------------------------------


class ReviewStatus(Enum):
    NOT_OPEN = "not_open"
    OPEN = "open"
    OVERDUE = "overdue"
    COMPLETED = "completed"
    COMPLETED_LATE = "completed_late"


@dataclass(frozen=True)
class ReviewWindow:
    year: int
    opens_on: date | None
    due_on: date
    rule_ids: tuple[str, ...]
    defaults_applied: tuple[DefaultApplied, ...]


def annual_review_window(year: int, ratings_decided_on: date | None, *, defaults: CadreDefaults = DEFAULTS) -> ReviewWindow:
    """CA-12: the review of year Y opens when the level's ratings for Y are decided; due by 31 March of Y+1."""
    month, day = defaults.planning_review_due
    return ReviewWindow(
        year,
        ratings_decided_on,
        date(year + 1, month, day),
        ("CA-12", "CA-11"),
        (DefaultApplied("CA-12", "planning_review_due", f"{month:02d}-{day:02d}"),),
    )


def annual_review_status(window: ReviewWindow, today: date, completed_on: date | None = None) -> ReviewStatus:
    """CA-12: not open / open / overdue / completed (late when after the due date)."""
    if completed_on is not None:
        return ReviewStatus.COMPLETED if completed_on <= window.due_on else ReviewStatus.COMPLETED_LATE
    if window.opens_on is None or today < window.opens_on:
        return ReviewStatus.OVERDUE if today > window.due_on else ReviewStatus.NOT_OPEN
    return ReviewStatus.OVERDUE if today > window.due_on else ReviewStatus.OPEN


class ReviewAction(Enum):
    KEEP = "keep"
    REMOVE = "remove"  # must be removed (CA-13)
    REMOVE_OR_KEEP = "remove_or_keep"  # competent level decides (CA-14, CA-15)


@dataclass(frozen=True)
class ReviewItem:
    entry_id: str
    cadre_id: str
    triggers: frozenset[PlanningTrigger]
    proposed: ReviewAction
    rule_ids: tuple[str, ...]


def annual_review_items(
    entries: Iterable[PlanningEntry], findings: Mapping[str, frozenset[PlanningTrigger]] | None = None
) -> tuple[ReviewItem, ...]:
    """CA-12: every active entry with its triggers (from the entry and from this year's ``findings`` per cadre)."""
    findings = findings or {}
    out: list[ReviewItem] = []
    for e in entries:
        if e.state not in _OCCUPYING:
            continue
        triggers = e.triggers | findings.get(e.cadre_id, frozenset())
        if PlanningTrigger.LOW_CONFIDENCE in triggers:
            action = ReviewAction.REMOVE
        elif triggers:
            action = ReviewAction.REMOVE_OR_KEEP
        else:
            action = ReviewAction.KEEP
        rules = ("CA-12", "CA-11", *sorted({_TRIGGER_RULE[t] for t in triggers}))
        out.append(ReviewItem(e.entry_id, e.cadre_id, triggers, action, rules))
    return tuple(out)


# ---------------------------------------------------------------------------------------------
# CA-19..CA-25: appointment and re-appointment
# ---------------------------------------------------------------------------------------------


class WorkflowKind(Enum):
    APPOINTMENT = "appointment"
    REAPPOINTMENT = "reappointment"
    NOMINATION = "nomination"
    RELIEF = "relief"
    RESIGNATION = "resignation"
    DISMISSAL = "dismissal"


class WorkflowStep(Enum):
    SELF_REVIEW = "self_review"
    PROPOSAL = "proposal"
    LEADERSHIP_VOTE = "leadership_vote"
    VERIFICATION = "verification"
    DECISION = "decision"
    ANNOUNCEMENT = "announcement"


STEP_LABELS: Mapping[WorkflowStep, tuple[str, str]] = {
    WorkflowStep.SELF_REVIEW: ("Cán bộ tự kiểm điểm nhiệm kỳ", "Cadre's self-review of the term"),
    WorkflowStep.PROPOSAL: ("Đề xuất", "Proposal"),
    WorkflowStep.LEADERSHIP_VOTE: ("Tập thể lãnh đạo thảo luận, biểu quyết", "Leadership discussion and vote"),
    WorkflowStep.VERIFICATION: ("Thẩm định, xác minh", "Verification"),
    WorkflowStep.DECISION: ("Quyết định", "Decision"),
    WorkflowStep.ANNOUNCEMENT: ("Công bố", "Announcement"),
}


def default_workflow(kind: WorkflowKind) -> tuple[WorkflowStep, ...]:
    """CA-20 [default]: proposal -> vote -> verification -> decision -> announcement; re-appointment starts with the self-review."""
    base = (
        WorkflowStep.PROPOSAL,
        WorkflowStep.LEADERSHIP_VOTE,
        WorkflowStep.VERIFICATION,
        WorkflowStep.DECISION,
        WorkflowStep.ANNOUNCEMENT,
    )
    if kind is WorkflowKind.REAPPOINTMENT:
        return (WorkflowStep.SELF_REVIEW, *base)
    return base


@dataclass(frozen=True)
class VoteResult:
    passed: bool
    comparison: str
    rule_ids: tuple[str, ...]
    defaults_applied: tuple[DefaultApplied, ...]


def vote_step_passed(yes: int, members_convened: int, *, defaults: CadreDefaults = DEFAULTS) -> VoteResult:
    """CA-21: a vote step passes when ``2*yes > members_convened``."""
    if yes < 0 or members_convened < 0 or yes > members_convened:
        raise ValueError("inconsistent vote counts")
    t = defaults.appointment_vote_threshold
    lhs, rhs = t.denominator * yes, t.numerator * members_convened
    return VoteResult(
        lhs > rhs,
        f"{lhs} {'>' if lhs > rhs else '<='} {rhs}",
        ("CA-21",),
        (DefaultApplied("CA-21", "appointment_vote_threshold", f">{t}"),),
    )


@dataclass(frozen=True)
class StepRecord:
    """CA-19: a workflow step with its date, actors, vote counts and documents (HD 45 forms)."""

    step: WorkflowStep
    on: date
    actors: tuple[str, ...]
    documents: tuple[str, ...] = ()
    yes: int | None = None
    members_convened: int | None = None


def check_workflow_step(
    kind: WorkflowKind,
    done: Sequence[StepRecord],
    new: StepRecord,
    *,
    steps: Sequence[WorkflowStep] | None = None,
    defaults: CadreDefaults = DEFAULTS,
) -> Decision:
    """CA-19, CA-20, CA-21: the next step in order, dated not before the previous one, after a passed vote."""
    acc = _Acc("CA-19", "CA-1")
    if ruleset_for(RecordKind.APPOINTMENT, new.on) is RuleSet.QD377:
        acc.default("CA-19", "governing_rule_set", RuleSet.QD377)
    flow = tuple(steps) if steps is not None else default_workflow(kind)
    if steps is None:
        acc.default("CA-20", "steps", "-".join(s.value for s in flow))
    if len(done) >= len(flow):
        acc.error("CA-20", "finished", "Quy trình đã hoàn thành", "The workflow is already finished")
        return acc.decision()
    expected = flow[len(done)]
    if new.step is not expected:
        vi, en = STEP_LABELS[expected]
        acc.error("CA-20", "out_of_order", f"Bước tiếp theo phải là: {vi}", f"The next step must be: {en}")
    if done and new.on < done[-1].on:
        acc.error("CA-19", "date_order", "Ngày của bước trước ngày của bước trước đó", "The step is dated before the previous step")
    if not new.actors:
        acc.error("CA-19", "actors", "Chưa ghi người thực hiện bước", "The actors of the step are missing")
    if new.step is WorkflowStep.LEADERSHIP_VOTE and (new.yes is None or new.members_convened is None):
        acc.error("CA-21", "vote_counts", "Bước biểu quyết phải ghi số phiếu", "A vote step must record the vote counts")
    for prev in done:
        if prev.step is WorkflowStep.LEADERSHIP_VOTE and prev.yes is not None and prev.members_convened is not None:
            vote = vote_step_passed(prev.yes, prev.members_convened, defaults=defaults)
            acc.rule("CA-21")
            acc.defaults.extend(x for x in vote.defaults_applied if x not in acc.defaults)
            if not vote.passed:
                acc.error("CA-21", "vote_failed", f"Biểu quyết không đạt ({vote.comparison}); không thể tiếp tục", f"The vote did not pass ({vote.comparison}); the workflow cannot continue")
    return acc.decision()


def check_appointment(
    *,
    active_suspension: bool,
    planning_state: PlanningState | None,
    planning_exception: bool = False,
    defaults: CadreDefaults = DEFAULTS,
) -> Decision:
    """CA-22, CA-35: rejected under an active suspension; no planning (without exception) or a ``removal_required`` entry warns (or blocks)."""
    acc = _Acc("CA-22")
    if active_suspension:
        acc.rule("CA-35")
        acc.error("CA-22", "suspended", "Cán bộ đang bị tạm đình chỉ công tác; không bổ nhiệm", "The cadre is temporarily suspended; no appointment")
    acc.default("CA-22", "planning_required", defaults.planning_required)
    block = defaults.planning_required == "block"
    problems: list[tuple[str, str, str, str]] = []
    if planning_state is None and not planning_exception:
        problems.append(("CA-22", "no_planning", "Cán bộ chưa có trong quy hoạch chức danh này", "The cadre is not in planning for this position"))
    elif planning_state is PlanningState.REMOVAL_REQUIRED:
        problems.append(("CA-17", "removal_required", "Mục quy hoạch đang phải đưa ra khỏi quy hoạch", "The planning entry is awaiting removal"))
    for rule, code, vi, en in problems:
        if block:
            acc.error(rule, code, vi, en)
        else:
            acc.warn(rule, code, vi, en)
    return acc.decision()


@dataclass(frozen=True)
class AppointmentTerm:
    start: date
    last_day: date
    reminder_opens_on: date
    rule_ids: tuple[str, ...]
    defaults_applied: tuple[DefaultApplied, ...]

    def reminder_open(self, today: date) -> bool:
        return self.reminder_opens_on <= today <= self.last_day

    def expired(self, today: date) -> bool:
        return today > self.last_day


def appointment_term(start: date, *, defaults: CadreDefaults = DEFAULTS) -> AppointmentTerm:
    """CA-23: an appointment lasts 60 months; the re-appointment reminder opens 90 days before its last day."""
    last = add_months(start, defaults.appointment_term_months) - timedelta(days=1)
    return AppointmentTerm(
        start,
        last,
        last - timedelta(days=defaults.reappointment_reminder_days),
        ("CA-23",),
        (
            DefaultApplied("CA-23", "appointment_term_months", str(defaults.appointment_term_months)),
            DefaultApplied("CA-23", "reappointment_reminder_days", str(defaults.reappointment_reminder_days)),
        ),
    )


class RatingLevel(Enum):
    EXCELLENT = "HTXSNV"
    GOOD = "HTTNV"
    COMPLETED = "HTNV"
    NOT_COMPLETED = "KHTNV"


class CadreDecisionKind(Enum):
    PLANNING = "planning"
    TRAINING = "training"
    APPOINTMENT = "appointment"
    REPLACEMENT = "replacement"
    SUSPENSION = "suspension"
    DISMISSAL = "dismissal"


@dataclass(frozen=True)
class RatingRecord:
    year: int
    level: RatingLevel
    decided_on: date
    quarter: int | None = None  # None = the annual rating


@dataclass(frozen=True)
class RatingBasis:
    kind: CadreDecisionKind
    ratings: tuple[RatingRecord, ...]
    rule_ids: tuple[str, ...] = ("CA-24",)


def rating_basis(kind: CadreDecisionKind, ratings: Iterable[RatingRecord], decision_date: date) -> RatingBasis:
    """CA-24: annual and quarterly ratings decided by the decision date, most recent first, on every cadre decision."""
    shown = sorted(
        (r for r in ratings if r.decided_on <= decision_date),
        key=lambda r: (r.year, r.quarter or 5, r.decided_on),
        reverse=True,
    )
    return RatingBasis(kind, tuple(shown))


@dataclass(frozen=True)
class KhtProposal:
    proposal: bool
    years: tuple[int, int] | None
    rule_ids: tuple[str, ...] = ("CA-25",)


def consecutive_kht(annual: Mapping[int, RatingLevel]) -> KhtProposal:
    """CA-25: rated KHT in two consecutive years -> a dismissal / removal-from-duty proposal (latest pair)."""
    years = sorted(y for y, lvl in annual.items() if lvl is RatingLevel.NOT_COMPLETED)
    pairs = [(a, b) for a, b in zip(years, years[1:], strict=False) if b == a + 1]
    return KhtProposal(bool(pairs), pairs[-1] if pairs else None)


# ---------------------------------------------------------------------------------------------
# CA-26..CA-35: temporary suspension
# ---------------------------------------------------------------------------------------------


class CadreRecordKind(Enum):
    DISCIPLINE = "discipline"
    SUSPENSION = "suspension"


@dataclass(frozen=True)
class CadreRecord:
    kind: CadreRecordKind
    on: date
    form: DisciplineForm | None = None


def counts_as_discipline(kind: CadreRecordKind) -> bool:
    """CA-26: a temporary suspension is not a disciplinary form."""
    return kind is CadreRecordKind.DISCIPLINE


def discipline_records(records: Iterable[CadreRecord], year: int | None = None) -> tuple[CadreRecord, ...]:
    """CA-26: the records that count as discipline (for ratings, planning and statistics); suspensions never do."""
    return tuple(r for r in records if counts_as_discipline(r.kind) and (year is None or r.on.year == year))


class SuspensionGround(Enum):
    NECESSARY = "necessary"  # 148 Art. 4
    SERIOUS_VIOLATION = "serious_violation"  # 148 Art. 5


class NecessaryReason(Enum):
    """CA-28 reason codes of the necessary case."""

    ETHICS_PUBLIC_OUTRAGE = "ethics_public_outrage"
    DELAYING_DUTIES = "delaying_duties"
    HARASSING_CITIZENS = "harassing_citizens"
    OBSTRUCTING_HANDLING = "obstructing_handling"
    DISCIPLINED_AWAITING_ADMINISTRATIVE = "disciplined_awaiting_administrative"
    OTHER = "other"


class RecommendingBodyKind(Enum):
    PROCEEDINGS = "proceedings"  # cơ quan tiến hành tố tụng
    INSPECTION = "inspection"  # thanh tra
    PARTY_INSPECTION = "party_inspection"  # kiểm tra
    AUDIT = "audit"  # kiểm toán
    ENFORCEMENT = "enforcement"  # thi hành án


@dataclass(frozen=True)
class RecommendingDocument:
    number: str
    issued_on: date
    body: str
    body_kind: RecommendingBodyKind


@dataclass(frozen=True)
class Suspension:
    cadre_id: str
    ground: SuspensionGround
    decided_on: date
    start: date
    end: date
    ruleset: RuleSet
    reason: NecessaryReason | None = None
    reason_text: str = ""
    recommending_document: RecommendingDocument | None = None
    extensions: int = 0
    lifted_on: date | None = None
    lift_decision: DecisionRef | None = None


@dataclass(frozen=True)
class SuspensionResult:
    decision: Decision
    suspension: Suspension | None


def _counting_base(decided_on: date, effective_on: date | None) -> date:
    return max(decided_on, effective_on) if effective_on is not None else decided_on


def suspension_decide(
    *,
    cadre_id: str,
    ground: SuspensionGround,
    decided_on: date,
    effective_on: date | None = None,
    working_days: int | None = None,
    reason: NecessaryReason | None = None,
    reason_text: str = "",
    recommending_document: RecommendingDocument | None = None,
    recommended_end: date | None = None,
    grounds_established_on: date | None = None,
    defaults: CadreDefaults = DEFAULTS,
) -> SuspensionResult:
    """CA-27..CA-31, CA-33, CA-34: decide a temporary suspension and compute its period.

    Necessary case: at most 15 working days counted from the day after the decision (CA-30, CA-34).
    Serious violation: the end date recommended by the named body's document (CA-31).
    """
    acc = _Acc("CA-27", "CA-1")
    ruleset = ruleset_for(RecordKind.SUSPENSION, decided_on)
    base = _counting_base(decided_on, effective_on)
    acc.default("CA-34", "count_decision_day", defaults.count_decision_day)
    acc.default("CA-34", "holidays", f"{len(defaults.holidays)} configured")
    start = base if defaults.count_decision_day and is_working_day(base, defaults.holidays) else base + timedelta(days=1)
    end: date | None = None
    if ruleset is RuleSet.LEGACY:
        acc.warn("CA-1", "legacy", "Quyết định trước ngày 23/5/2024: ghi nhận theo quy định cũ", "Decided before 23/5/2024: recorded under the older rules")
    if ground is SuspensionGround.NECESSARY:
        acc.rule("CA-28", "CA-30")
        if ruleset is not RuleSet.QD148:
            acc.default("CA-30", "necessary_max_working_days", defaults.necessary_max_working_days)
        if reason is None:
            acc.error("CA-28", "reason", "Chưa chọn lý do của trường hợp cần thiết", "The reason of the necessary case is missing")
        elif reason is NecessaryReason.OTHER and not reason_text.strip():
            acc.error("CA-28", "reason_text", "Lý do khác phải ghi rõ nội dung", "An 'other' reason needs a text")
        days = defaults.necessary_max_working_days if working_days is None else working_days
        if not 1 <= days <= defaults.necessary_max_working_days:
            acc.error(
                "CA-30",
                "too_long",
                f"Thời hạn tạm đình chỉ trường hợp cần thiết tối đa {defaults.necessary_max_working_days} ngày làm việc",
                f"A necessary-case suspension lasts at most {defaults.necessary_max_working_days} working days",
            )
        else:
            end = add_working_days(base, days, defaults.holidays, include_base=defaults.count_decision_day)
    else:
        acc.rule("CA-31")
        doc = recommending_document
        if doc is None or not doc.number.strip() or not doc.body.strip():
            acc.error(
                "CA-31",
                "recommendation_required",
                "Tạm đình chỉ do có dấu hiệu vi phạm nghiêm trọng phải có văn bản kiến nghị (số, ngày, cơ quan)",
                "A serious-violation suspension needs the recommending body's document (number, date, body)",
            )
        elif doc.issued_on > decided_on:
            acc.error("CA-31", "recommendation_after_decision", "Văn bản kiến nghị ban hành sau quyết định", "The recommendation is dated after the decision")
        if recommended_end is None:
            acc.error("CA-31", "end_required", "Chưa ghi ngày kết thúc theo kiến nghị", "The end date of the recommendation is missing")
        elif recommended_end < start:
            acc.error("CA-31", "end_before_start", "Ngày kết thúc trước ngày bắt đầu", "The end date is before the start")
        else:
            end = recommended_end
    if grounds_established_on is not None:
        acc.merge(advice_timeliness(grounds_established_on, decided_on, defaults=defaults))
    d = acc.decision()
    if not d.ok or end is None:
        return SuspensionResult(d, None)
    s = Suspension(
        cadre_id,
        ground,
        decided_on,
        start,
        end,
        ruleset,
        reason,
        reason_text.strip(),
        recommending_document,
    )
    return SuspensionResult(d, s)


def suspension_extend(
    suspension: Suspension,
    *,
    decided_on: date,
    working_days: int | None = None,
    recommending_document: RecommendingDocument | None = None,
    recommended_end: date | None = None,
    defaults: CadreDefaults = DEFAULTS,
) -> SuspensionResult:
    """CA-30: one extension of at most 15 working days from the day after the current end; a second is rejected.

    A serious-violation suspension changes only with a new recommendation and end date (CA-31).
    """
    acc = _Acc("CA-30", "CA-34")
    if decided_on > suspension.end:
        acc.error("CA-30", "already_ended", "Thời hạn tạm đình chỉ đã hết; không gia hạn", "The suspension has already ended; it cannot be extended")
    if suspension.lifted_on is not None:
        acc.error("CA-32", "lifted", "Tạm đình chỉ đã được bãi bỏ", "The suspension was lifted")
    new_end: date | None = None
    if suspension.ground is SuspensionGround.NECESSARY:
        acc.default("CA-30", "necessary_max_extensions", defaults.necessary_max_extensions)
        if suspension.extensions >= defaults.necessary_max_extensions:
            acc.error("CA-30", "second_extension", "Chỉ được gia hạn một lần", "Only one extension is allowed")
        days = defaults.necessary_extension_max_working_days if working_days is None else working_days
        if not 1 <= days <= defaults.necessary_extension_max_working_days:
            acc.error(
                "CA-30",
                "extension_too_long",
                f"Gia hạn tối đa {defaults.necessary_extension_max_working_days} ngày làm việc",
                f"An extension lasts at most {defaults.necessary_extension_max_working_days} working days",
            )
        else:
            new_end = add_working_days(suspension.end, days, defaults.holidays)
    else:
        acc.rule("CA-31")
        if recommending_document is None or not recommending_document.number.strip() or recommended_end is None:
            acc.error("CA-31", "recommendation_required", "Gia hạn phải có văn bản kiến nghị mới và ngày kết thúc", "An extension needs a new recommendation and end date")
        elif recommended_end <= suspension.end:
            acc.error("CA-31", "end_not_later", "Ngày kết thúc mới phải sau ngày kết thúc cũ", "The new end date must be after the current one")
        else:
            new_end = recommended_end
    d = acc.decision()
    if not d.ok or new_end is None:
        return SuspensionResult(d, None)
    return SuspensionResult(d, replace(suspension, end=new_end, extensions=suspension.extensions + 1))


class SuspensionStatus(Enum):
    NOT_STARTED = "not_started"
    ACTIVE = "active"
    EXPIRED = "expired"
    LIFTED = "lifted"


def suspension_status(suspension: Suspension, today: date) -> SuspensionStatus:
    """CA-32: expires by itself after its last day, with no decision; lifted earlier only by a recorded decision."""
    if suspension.lifted_on is not None and today >= suspension.lifted_on:
        return SuspensionStatus.LIFTED
    if today < suspension.start:
        return SuspensionStatus.NOT_STARTED
    if today <= suspension.end:
        return SuspensionStatus.ACTIVE
    return SuspensionStatus.EXPIRED


def suspension_lift(suspension: Suspension, on: date, decision: DecisionRef | None) -> SuspensionResult:
    """CA-32: lifting before the end needs a recorded decision."""
    acc = _Acc("CA-32")
    acc.default("CA-32", "lifting_needs_decision", True)
    if decision is None or not decision.recorded:
        acc.error("CA-32", "decision_required", "Bãi bỏ tạm đình chỉ trước hạn phải có quyết định", "Lifting a suspension early needs a recorded decision")
    if on > suspension.end:
        acc.error("CA-32", "already_expired", "Tạm đình chỉ đã tự hết hiệu lực", "The suspension has already expired by itself")
    if suspension.lifted_on is not None:
        acc.error("CA-32", "already_lifted", "Tạm đình chỉ đã được bãi bỏ", "The suspension was already lifted")
    d = acc.decision()
    if not d.ok:
        return SuspensionResult(d, None)
    return SuspensionResult(d, replace(suspension, lifted_on=on, lift_decision=decision))


def advice_timeliness(
    grounds_established_on: date, decided_on: date, *, defaults: CadreDefaults = DEFAULTS
) -> Decision:
    """CA-33: the decision follows within 2 working days after the grounds are established, else a "late" warning."""
    acc = _Acc("CA-33", "CA-34")
    n = working_days_between(grounds_established_on, decided_on, defaults.holidays)
    if n > defaults.advise_within_working_days:
        acc.warn(
            "CA-33",
            "late",
            f"Quyết định ban hành sau {n} ngày làm việc kể từ khi đủ căn cứ (quá {defaults.advise_within_working_days} ngày)",
            f"Decided {n} working days after the grounds were established (more than {defaults.advise_within_working_days})",
        )
    return acc.decision()


@dataclass(frozen=True)
class SuspensionAuthorityActor:
    position: str
    politburo_or_secretariat: bool = False
    heads_appointing_level_of_target: bool = False


class SpecialStatus(Enum):
    ELECTED_COMMITTEE_MEMBER = "elected_committee_member"
    ELECTED_DEPUTY = "elected_deputy"
    JUDICIAL_TITLE = "judicial_title"


@dataclass(frozen=True)
class SuspensionTarget:
    position: str
    managed_by_politburo_secretariat: bool = False
    special_status: SpecialStatus | None = None


def check_suspension_authority(
    actor: SuspensionAuthorityActor, target: SuspensionTarget, table: Mapping[str, Collection[str]]
) -> Decision:
    """CA-29: who may suspend whom (configured table; the head of the appointing level outside it; Politburo/Secretariat for their cadres)."""
    acc = _Acc("CA-29")
    if target.special_status is not None:
        acc.error(
            "CA-29",
            "special_procedure",
            "Cấp ủy viên, đại biểu dân cử, chức danh tư pháp: tạm đình chỉ theo quy định của Đảng, pháp luật và điều lệ",
            "Elected committee members, deputies and judicial titles are suspended under Party rules, law and charters",
        )
        return acc.decision()
    if target.managed_by_politburo_secretariat:
        if not actor.politburo_or_secretariat:
            acc.error("CA-29", "politburo_secretariat", "Cán bộ do Bộ Chính trị, Ban Bí thư quản lý: chỉ Bộ Chính trị, Ban Bí thư quyết định", "Politburo/Secretariat-managed cadre: only those bodies decide")
        return acc.decision()
    in_table = any(target.position in subs for subs in table.values())
    if in_table:
        if target.position not in table.get(actor.position, ()):
            acc.error("CA-29", "no_authority", f"{actor.position} không có thẩm quyền tạm đình chỉ {target.position}", f"{actor.position} has no authority to suspend {target.position}")
    elif not actor.heads_appointing_level_of_target:
        acc.error("CA-29", "no_authority", "Chỉ người đứng đầu cấp bổ nhiệm hoặc quản lý cán bộ được quyết định", "Only the head of the appointing or managing level may decide")
    return acc.decision()


@dataclass(frozen=True)
class SuspensionEffects:
    duties_suspended: bool
    appointments_blocked: bool
    planning_warning: bool
    rating_runs: bool = True
    counts_as_discipline: bool = False
    rule_ids: tuple[str, ...] = ("CA-35", "CA-26")


def suspension_effects(status: SuspensionStatus) -> SuspensionEffects:
    """CA-35: while active, duties are suspended, appointments blocked, planning entries warned; the rating still runs."""
    active = status is SuspensionStatus.ACTIVE
    return SuspensionEffects(active, active, active)


# ---------------------------------------------------------------------------------------------
# CA-36..CA-41: refresher training (QĐ 145-QĐ/TW)
# ---------------------------------------------------------------------------------------------


def training_group(position: str, *, key_positions: Collection[str], managed_by_politburo_secretariat: bool) -> TrainingGroup:
    """CA-36: Group 1 for configured key and senior positions, Group 2 for Politburo/Secretariat-managed, else Group 3."""
    if position in key_positions:
        return TrainingGroup.GROUP_1
    if managed_by_politburo_secretariat:
        return TrainingGroup.GROUP_2
    return TrainingGroup.GROUP_3


class CourseKind(Enum):
    REFRESHER = "refresher"
    PROFESSIONAL = "professional"
    STATE_MANAGEMENT = "state_management"
    TITLE_STANDARD = "title_standard"
    PRE_APPOINTMENT = "pre_appointment"
    DEFENCE_SECURITY = "defence_security"
    RESOLUTION_DISSEMINATION = "resolution_dissemination"


def counts_as_refresher(kind: CourseKind) -> bool:
    """CA-38: only refresher courses count; professional, state-management, title, pre-appointment, defence courses and dissemination conferences do not."""
    return kind is CourseKind.REFRESHER


class Organizer(Enum):
    CENTRAL = "central"
    MANAGING_COMMITTEE = "managing_committee"


@dataclass(frozen=True)
class Course:
    cadre_id: str
    completed_on: date
    kind: CourseKind
    organizer: Organizer
    hours: int = 0


def check_course_organizer(group: TrainingGroup, organizer: Organizer) -> Decision:
    """CA-39: Groups 1-2 are trained by central bodies, Group 3 by the managing committees; a mismatch warns."""
    acc = _Acc("CA-39")
    expected = Organizer.CENTRAL if group in (TrainingGroup.GROUP_1, TrainingGroup.GROUP_2) else Organizer.MANAGING_COMMITTEE
    if organizer is not expected:
        acc.warn(
            "CA-39",
            "organizer_mismatch",
            f"Nhóm {int(group)} do {'Trung ương' if expected is Organizer.CENTRAL else 'cấp ủy quản lý'} bồi dưỡng",
            f"Group {int(group)} is trained by {'central bodies' if expected is Organizer.CENTRAL else 'the managing committee'}",
        )
    return acc.decision()


def refresher_training_required(is_leader_or_manager: bool) -> Decision:
    """CA-37: refresher training is mandatory for leaders and managers (and a criterion in their evaluation)."""
    acc = _Acc("CA-37")
    if is_leader_or_manager:
        acc.warn(
            "CA-37",
            "mandatory",
            "Bồi dưỡng, cập nhật kiến thức, kỹ năng là bắt buộc và là tiêu chí đánh giá cán bộ",
            "Refresher training is mandatory and is a criterion in evaluating the cadre",
        )
    return acc.decision()


@dataclass(frozen=True)
class TrainingRow:
    cadre_id: str
    group: TrainingGroup
    refresher_courses: int
    hours: int
    minimum_courses: int
    minimum_hours: int | None
    below_minimum: bool
    excluded_courses: int


@dataclass(frozen=True)
class TrainingCompliance:
    year: int
    rows: tuple[TrainingRow, ...]
    rule_ids: tuple[str, ...]
    defaults_applied: tuple[DefaultApplied, ...]

    @property
    def below_minimum(self) -> tuple[str, ...]:
        return tuple(r.cadre_id for r in self.rows if r.below_minimum)


def training_compliance(
    cadres: Mapping[str, TrainingGroup], courses: Iterable[Course], year: int, *, defaults: CadreDefaults = DEFAULTS
) -> TrainingCompliance:
    """CA-40 (with CA-37, CA-38): refresher courses per cadre and calendar year against the group's minimum.

    Only courses completed from 10/05/2024 (QD145, CA-1) count.
    """
    if year < QD145_FROM.year:
        raise CadreRuleError("CA-1", "not_in_force", "Quy định 145-QĐ/TW áp dụng từ 10/5/2024", "Regulation 145-QĐ/TW applies from 10/5/2024")
    courses = [c for c in courses if c.completed_on.year == year and c.completed_on >= QD145_FROM]
    rows: list[TrainingRow] = []
    for cadre_id in sorted(cadres):
        group = cadres[cadre_id]
        mine = [c for c in courses if c.cadre_id == cadre_id]
        counted = [c for c in mine if counts_as_refresher(c.kind)]
        hours = sum(c.hours for c in counted)
        min_c = defaults.min_courses(group)
        min_h = defaults.min_hours(group)
        below = len(counted) < min_c or (min_h is not None and hours < min_h)
        rows.append(TrainingRow(cadre_id, group, len(counted), hours, min_c, min_h, below, len(mine) - len(counted)))
    applied = (
        DefaultApplied("CA-40", "training_min_courses", ",".join(f"G{int(g)}:{n}" for g, n in defaults.training_min_courses)),
        DefaultApplied(
            "CA-40", "training_min_hours", ",".join(f"G{int(g)}:{n}" for g, n in defaults.training_min_hours) or "none"
        ),
    )
    return TrainingCompliance(year, tuple(rows), ("CA-40", "CA-38", "CA-37", "CA-1"), applied)


@dataclass(frozen=True)
class TrainingEvidence:
    """CA-41: shown in the general-criteria part of the annual self-review; changes no score or level."""

    cadre_id: str
    year: int
    text_vi: str
    text_en: str
    affects_score: bool = False
    rule_ids: tuple[str, ...] = ("CA-41",)


def training_evidence(row: TrainingRow, year: int) -> TrainingEvidence:
    return TrainingEvidence(
        row.cadre_id,
        year,
        f"Năm {year} hoàn thành {row.refresher_courses} khóa bồi dưỡng, cập nhật kiến thức (tối thiểu {row.minimum_courses})",
        f"Completed {row.refresher_courses} refresher course(s) in {year} (minimum {row.minimum_courses})",
    )

