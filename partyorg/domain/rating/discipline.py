"""Disciplinary decisions and the period they count in (§11: AR-49..AR-53)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum

from .common import DEFAULTS, DefaultApplied, Defaults, RuleSet, Trace


class Measure(Enum):
    """Disciplinary forms, mildest first, plus temporary work suspension, which is not discipline."""

    REPRIMAND = "reprimand"  # khiển trách
    WARNING = "warning"  # cảnh cáo
    REMOVAL_FROM_POST = "removal_from_post"  # cách chức
    EXPULSION = "expulsion"  # khai trừ
    DISSOLUTION = "dissolution"  # giải tán (organizations)
    TEMPORARY_WORK_SUSPENSION = "temporary_work_suspension"  # tạm đình chỉ công tác: not discipline

    @property
    def is_discipline(self) -> bool:
        """AR-53: temporary suspension from work is never discipline."""
        return self is not Measure.TEMPORARY_WORK_SUSPENSION

    @property
    def severity(self) -> int:
        return _SEVERITY[self]


_SEVERITY = {
    Measure.TEMPORARY_WORK_SUSPENSION: -1,
    Measure.REPRIMAND: 0,
    Measure.WARNING: 1,
    Measure.REMOVAL_FROM_POST: 2,
    Measure.EXPULSION: 3,
    Measure.DISSOLUTION: 3,
}


@dataclass(frozen=True)
class Discipline:
    """A discipline record (AR-49)."""

    form: Measure
    decision_date: dt.date
    act_date: dt.date | None = None
    unit_at_act: str | None = None
    duty_related: bool = True
    self_detected_remedied: bool = False
    related_to_functions: bool = True  # for AR-22(b): related to the collective's functions
    effect_end: dt.date | None = None
    subject: str | None = None
    record_id: str | None = None

    @property
    def at_least_reprimand(self) -> bool:
        return self.form.is_discipline and self.form.severity >= Measure.REPRIMAND.severity


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(dt.date(year, 1, 1), dt.date(year, 12, 31))

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end


def counts_in_period(record: Discipline, period: Period, trace: Trace | None = None) -> bool:
    """AR-49: a decision counts in the period containing its decision date, whatever the act date.

    AR-53: a temporary work suspension never counts.
    """
    if trace is not None:
        trace.rule("AR-49")
    if not record.form.is_discipline:
        if trace is not None:
            trace.rule("AR-53")
        return False
    return period.contains(record.decision_date)


def counts_against_unit(record: Discipline, unit: str | None, trace: Trace | None = None) -> bool:
    """AR-51: for a collective rating a discipline counts against the unit where the act took place.

    A record without `unit_at_act` counts against the collective it is reported under.
    """
    if trace is not None:
        trace.rule("AR-51")
    return record.unit_at_act is None or unit is None or record.unit_at_act == unit


@dataclass(frozen=True)
class LinkDecision:
    accepted: bool
    reason_vi: str
    reason_en: str
    rules: tuple[str, ...]
    defaults_applied: tuple[DefaultApplied, ...] = ()


def link_discipline(
    *,
    record: Discipline,
    subject: str,
    period: Period,
    existing_links: Mapping[tuple[str, str], Period],
    rule_set: RuleSet = RuleSet.QD366,
    defaults: Defaults = DEFAULTS,
) -> LinkDecision:
    """Link a decision to one rating period of one subject (AR-49, AR-50).

    `existing_links` maps (record_id, subject) to the period it is already linked to. A decision counts
    once: a second link is rejected; a link outside the decision date's period is rejected.
    """
    tr = Trace(defaults)
    tr.rule("AR-49", "AR-50")
    if rule_set is RuleSet.QD366:
        tr.default("AR-50", "counted_once_366")
    key = (record.record_id or "", subject)
    if not counts_in_period(record, period, tr):
        return LinkDecision(
            False,
            "quyết định kỷ luật được tính vào kỳ có ngày quyết định",
            "a decision counts in the period containing its decision date",
            tr.rules(),
            tr.defaults_applied(),
        )
    once = rule_set is not RuleSet.QD366 or defaults.counted_once_366
    if once and key in existing_links:
        return LinkDecision(
            False,
            "quyết định kỷ luật đã được tính vào một kỳ khác",
            "the decision is already linked to a rating period",
            tr.rules(),
            tr.defaults_applied(),
        )
    return LinkDecision(True, "", "", tr.rules(), tr.defaults_applied())


class FollowUp(Enum):
    DECIDE_PROMPTLY = "decide_promptly"
    CASE_BY_CASE = "case_by_case"
    NONE = "none"


def personnel_follow_up(record: Discipline, *, limitation_expired: bool) -> FollowUp:
    """AR-52: expulsion or removal from post -> the managing level decides personnel consequences
    promptly; reprimand or warning -> a case-by-case task unless the limitation period has expired."""
    if record.form in (Measure.EXPULSION, Measure.REMOVAL_FROM_POST):
        return FollowUp.DECIDE_PROMPTLY
    if record.form in (Measure.REPRIMAND, Measure.WARNING) and not limitation_expired:
        return FollowUp.CASE_BY_CASE
    return FollowUp.NONE
