"""Stored rows <-> the plain values of the rating domain (partyorg.domain.rating).

No rule lives here: this module only translates a ``Rating`` row (and the discipline records that concern
it) into ``SubjectFacts``, and a ``Classification`` back into JSON for storage and display.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from partyorg.domain.rating import (
    Claim,
    Classification,
    CollectiveKind,
    ConfidenceVote,
    Decision,
    Discipline,
    Finding,
    Grade,
    Level,
    Measure,
    Mitigation,
    MitigationOutcome,
    Period,
    Qd124Grades,
    RatingContext,
    RuleSet,
    Score,
    Shortcomings,
    SocioEconomic,
    SubjectFacts,
    SubjectType,
    TaskCounts,
    UnitResults,
)
from partyorg.domain.rating.scoring import Criterion, Group, Template

# ---------------------------------------------------------------------------------------------------
# Periods: "2025" (annual) or "2026-Q1" (quarterly, KL 198)


@dataclass(frozen=True)
class PeriodRef:
    year: int
    quarter: int | None = None

    @property
    def label(self) -> str:
        return f"{self.year}" if self.quarter is None else f"{self.year}-Q{self.quarter}"

    @property
    def label_vi(self) -> str:
        return f"năm {self.year}" if self.quarter is None else f"quý {self.quarter} năm {self.year}"

    @property
    def period(self) -> Period:
        if self.quarter is None:
            return Period.year(self.year)
        first = 3 * (self.quarter - 1) + 1
        last_month = first + 2
        end = (dt.date(self.year + 1, 1, 1) if last_month == 12 else dt.date(self.year, last_month + 1, 1))
        return Period(dt.date(self.year, first, 1), end - dt.timedelta(days=1))


def parse_period(label: str) -> PeriodRef | None:
    """``"2025"`` or ``"2026-Q1"``; None for anything else."""
    text = (label or "").strip().upper()
    year_text, _, q = text.partition("-Q")
    if len(year_text) != 4 or not year_text.isdigit():
        return None
    year = int(year_text)
    if not 1990 <= year <= 2100:
        return None
    if not _:
        return PeriodRef(year)
    if q not in {"1", "2", "3", "4"}:
        return None
    return PeriodRef(year, int(q))


# ---------------------------------------------------------------------------------------------------
# Enum conversions


def level_of(value: str | None) -> Level | None:
    return Level(value) if value else None


def rule_set_of(value: str) -> RuleSet:
    return RuleSet(value)


def context_for(rule_set: str, period_label: str) -> RatingContext:
    ref = parse_period(period_label)
    if ref is None:  # pragma: no cover - labels are written by the services only
        raise ValueError(period_label)
    return RatingContext(rule_set_of(rule_set), ref.period)


def template_domain(criteria: list[dict[str, Any]], *, issuer: str = "", version: int = 1,
                    form: str = "") -> Template:
    return Template(issuer, version, form, tuple(
        Criterion(str(c["code"]), Group(c["group"]), int(c["max_x10"]), str(c.get("title", "")))
        for c in criteria))


# ---------------------------------------------------------------------------------------------------
# Discipline records


def discipline_domain(record: Any, *, unit_key: str | None = None, subject: str | None = None) -> Discipline:
    """A DisciplineRecord as the domain sees it. ``unit_key`` replaces the unit where the act took place
    (used to say "inside this collective's subtree": AR-51)."""
    unit_at_act = unit_key if unit_key is not None else (
        str(record.unit_at_act_id) if record.unit_at_act_id else None)
    return Discipline(
        form=Measure(record.form),
        decision_date=record.decision_date,
        act_date=record.act_date,
        unit_at_act=unit_at_act,
        duty_related=record.duty_related,
        self_detected_remedied=record.self_detected_remedied,
        related_to_functions=record.related_to_functions,
        effect_end=record.effect_end,
        subject=subject,
        record_id=str(record.pk),
    )


# ---------------------------------------------------------------------------------------------------
# Facts of one rating


@dataclass
class DisciplineInputs:
    own: tuple[Discipline, ...] = ()
    members: tuple[Discipline, ...] = ()
    subordinates: tuple[Discipline, ...] = ()


def _tasks(r: Any) -> TaskCounts | None:
    if r.tasks_total is None:
        return None
    return TaskCounts(total=r.tasks_total, done=r.tasks_done or 0, on_time=r.tasks_on_time or 0,
                      exceeded=r.tasks_exceeded or 0)


def _score(r: Any) -> Score | None:
    if r.score_total_x10 is None:
        return None
    if r.score_general_x10 is not None and r.score_tasks_x10 is not None:
        return Score.of_groups(r.score_general_x10, r.score_tasks_x10)
    return Score(r.score_total_x10)


def _grades(r: Any) -> Qd124Grades | None:
    g = r.grades or {}
    if not g or "task" not in g:
        return None
    criteria = tuple(Grade(v) for k, v in sorted(g.items()) if k != "task")
    return Qd124Grades(criteria=criteria, task=Grade(g["task"]))


def _mitigations(r: Any) -> tuple[Mitigation, ...]:
    out = []
    for m in r.mitigations or []:
        decision = outcome = None
        if m.get("decision"):
            d = m["decision"]
            decision = Decision(d["number"], dt.date.fromisoformat(d["date"]), d["authority"], d["reason"])
            outcome = MitigationOutcome(d["outcome"])
        out.append(Mitigation(m["trigger"], Claim(m["claim"]), decision, outcome, m.get("cause") or None))
    return tuple(out)


def subject_facts(r: Any, disciplines: DisciplineInputs | None = None, *,
                  low_confidence: bool | None = None) -> SubjectFacts:
    """The domain facts of a Rating row (eligibility is settled when the cycle is opened, AR-4)."""
    d = disciplines or DisciplineInputs()
    kind = SubjectType(r.subject_type)
    leader = kind.is_leader
    collective = kind is SubjectType.COLLECTIVE
    units = None
    if leader and r.units_total is not None:
        units = UnitResults(r.units_total, r.units_not_completed or 0)
    socio = None
    if (leader or collective) and r.socio_applicable is not None:
        socio = SocioEconomic(r.socio_applicable, r.socio_failed or 0)
    vote = None
    if leader and low_confidence is not None:
        vote = ConfidenceVote(low_over_half=low_confidence)
    return SubjectFacts(
        subject_id=r.subject_key,
        subject_type=kind,
        collective_kind=CollectiveKind(r.collective_kind) if r.collective_kind else None,
        unit=str(r.unit_id) if collective else None,
        score=_score(r),
        tasks=_tasks(r),
        shortcomings=Shortcomings(r.shortcomings_found, r.shortcomings_remedied),
        units=units,
        socio_economic=socio,
        confidence_vote=vote,
        findings=frozenset(Finding(f) for f in (r.findings or [])),
        disciplines=d.own,
        member_disciplines=d.members if collective else (),
        subordinate_disciplines=d.subordinates if collective else (),
        mitigations=_mitigations(r),
        sick_leave_days=r.sick_leave_days if not collective else 0,
        maternity_leave=r.maternity_leave if not collective else False,
        grades=_grades(r),
        assessed_level=level_of(r.assessed_level),
        civil_servant=r.cbccvc,
        state_level=level_of(r.state_level),
    )


def facts_json(f: SubjectFacts) -> dict[str, Any]:
    """A readable snapshot of the facts a version was decided on (AR-67)."""
    t = f.tasks
    return {
        "subject_type": f.subject_type.value,
        "score_x10": None if f.score is None else f.score.total_x10,
        "general_x10": None if f.score is None else f.score.general_x10,
        "tasks_x10": None if f.score is None else f.score.tasks_x10,
        "tasks": None if t is None else {"T": t.total, "D": t.done, "O": t.on_time, "E": t.exceeded},
        "shortcomings": {"P": f.shortcomings.found, "Pf": f.shortcomings.remedied},
        "units": None if f.units is None else {"total": f.units.total, "kht": f.units.not_completed},
        "socio_economic": None if f.socio_economic is None else {
            "applicable": f.socio_economic.applicable, "failed": f.socio_economic.failed},
        "low_confidence": None if f.confidence_vote is None else f.confidence_vote.low_over_half,
        "findings": sorted(x.value for x in f.findings),
        "disciplines": [_disc_json(x) for x in f.disciplines],
        "member_disciplines": [_disc_json(x) for x in f.member_disciplines],
        "subordinate_disciplines": [_disc_json(x) for x in f.subordinate_disciplines],
        "mitigations": [{"trigger": m.trigger, "claim": m.claim.value,
                         "outcome": None if m.outcome is None else m.outcome.value} for m in f.mitigations],
        "grades": None if f.grades is None else {
            "criteria": [g.value for g in f.grades.criteria], "task": f.grades.task.value},
        "assessed_level": None if f.assessed_level is None else f.assessed_level.value,
        "sick_leave_days": f.sick_leave_days,
        "maternity_leave": f.maternity_leave,
    }


def _disc_json(d: Discipline) -> dict[str, Any]:
    return {"form": d.form.value, "decision_date": d.decision_date.isoformat(), "unit_at_act": d.unit_at_act,
            "duty_related": d.duty_related, "self_detected_remedied": d.self_detected_remedied,
            "record": d.record_id}


def classification_json(c: Classification) -> dict[str, Any]:
    """Everything a page or an output shows about one classification: status, levels, the triggers, the
    checks with their values, the rules applied and the defaults used (AR-28)."""
    return {
        "rule_set": c.rule_set.value,
        "status": c.status.value,
        "level": None if c.level is None else c.level.value,
        "proposed": None if c.proposed is None else c.proposed.value,
        "band": None if c.band is None else c.band.value,
        "exclusion": None if c.exclusion is None else c.exclusion.value,
        "flags": list(c.flags),
        "triggers": [{"code": h.code, "cause": h.cause, "detail": h.detail, "mitigation": h.mitigation.value}
                     for h in c.triggers],
        "checks": [{"rule": k.rule, "condition": k.condition, "values": k.values, "holds": k.holds}
                   for k in c.checks],
        "rules": list(c.rules),
        "defaults_applied": [{"rule": d.rule, "name": d.name, "value": d.value} for d in c.defaults_applied],
    }


def score_fraction(score_total_x10: int | None) -> Fraction | None:
    return None if score_total_x10 is None else Fraction(score_total_x10, 10)
