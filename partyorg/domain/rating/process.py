"""Process, states, deciders, forms and calendar (§12: AR-54..AR-63)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from enum import Enum

from .common import DEFAULTS, Defaults, RatingInputError, RuleSet

# ---------------------------------------------------------------------------------------------------
# States (AR-54, AR-55)


class RatingState(Enum):
    DRAFT = "draft"
    SELF_ASSESSED = "self_assessed"
    APPRAISED = "appraised"
    DECIDED = "decided"
    ANNOUNCED = "announced"
    MITIGATION_PENDING = "mitigation_pending"
    REVERIFICATION = "reverification"
    CANCELLED = "cancelled"


class Action(Enum):
    SELF_ASSESS = "self_assess"
    APPRAISE = "appraise"
    CLAIM_MITIGATION = "claim_mitigation"
    RESOLVE_MITIGATION = "resolve_mitigation"
    REQUIRE_REVERIFICATION = "require_reverification"
    COMPLETE_REVERIFICATION = "complete_reverification"
    DECIDE = "decide"
    ANNOUNCE = "announce"
    CANCEL = "cancel"


_TRANSITIONS: dict[tuple[RatingState, Action], RatingState] = {
    (RatingState.DRAFT, Action.SELF_ASSESS): RatingState.SELF_ASSESSED,
    (RatingState.SELF_ASSESSED, Action.APPRAISE): RatingState.APPRAISED,
    (RatingState.APPRAISED, Action.CLAIM_MITIGATION): RatingState.MITIGATION_PENDING,
    (RatingState.MITIGATION_PENDING, Action.RESOLVE_MITIGATION): RatingState.APPRAISED,
    (RatingState.APPRAISED, Action.REQUIRE_REVERIFICATION): RatingState.REVERIFICATION,
    (RatingState.REVERIFICATION, Action.COMPLETE_REVERIFICATION): RatingState.APPRAISED,
    (RatingState.APPRAISED, Action.DECIDE): RatingState.DECIDED,
    (RatingState.DECIDED, Action.ANNOUNCE): RatingState.ANNOUNCED,
    (RatingState.DECIDED, Action.CANCEL): RatingState.CANCELLED,
    (RatingState.ANNOUNCED, Action.CANCEL): RatingState.CANCELLED,
}


def transition(
    state: RatingState,
    action: Action,
    *,
    concerns_raised: bool = False,
    reverification_recorded: bool = False,
) -> RatingState:
    """AR-54: self-assessment -> appraisal -> decision -> announcement, with the side states; one service
    per transition. AR-55: with complaints, denunciations, reports or signs of disunity, deciding needs a
    recorded re-verification directed by the directly superior committee."""
    target = _TRANSITIONS.get((state, action))
    if target is None:
        raise RatingInputError(
            "state",
            f"không thể '{action.value}' khi đang ở trạng thái '{state.value}'",
            f"cannot '{action.value}' from state '{state.value}'",
        )
    if action is Action.DECIDE and concerns_raised and not reverification_recorded:
        raise RatingInputError(
            "reverification",
            "cần kết quả thẩm tra, xác minh do cấp ủy cấp trên trực tiếp chỉ đạo",
            "a recorded re-verification directed by the directly superior committee is required",
        )
    return target


# ---------------------------------------------------------------------------------------------------
# Meetings (AR-56, AR-57)


def working_days_between(sent: dt.date, meeting: dt.date, holidays: Collection[dt.date] = ()) -> int:
    """Working days strictly between sending and the meeting (Monday-Friday, minus holidays)."""
    days = 0
    day = sent + dt.timedelta(days=1)
    while day < meeting:
        if day.weekday() < 5 and day not in holidays:
            days += 1
        day += dt.timedelta(days=1)
    return days


MIN_NOTICE_WORKING_DAYS = 3


def draft_report_notice_ok(sent: dt.date, meeting: dt.date, holidays: Collection[dt.date] = ()) -> bool:
    """AR-56: the draft collective report (Mẫu 01) reaches participants at least 3 working days before
    the meeting (strictly between; holiday calendar configurable); otherwise a warning."""
    return working_days_between(sent, meeting, holidays) >= MIN_NOTICE_WORKING_DAYS


def min_meeting_days(*, provincial_standing_committee: bool, set_by_issuer: int | None = None) -> int:
    """AR-57: at least 1 day for a collective and its individuals, 2 for provincial standing committees,
    or as set by the level that issued the review suggestions."""
    if set_by_issuer is not None:
        return set_by_issuer
    return 2 if provincial_standing_committee else 1


# ---------------------------------------------------------------------------------------------------
# Who decides (AR-58), notification (AR-59), forms (AR-60)


class OrgKind(Enum):
    SUBORDINATE_CELL = "subordinate_cell"
    GRASSROOTS_CELL = "grassroots_cell"
    SECTION_ORGANIZATION = "section_organization"
    GRASSROOTS_ORGANIZATION = "grassroots_organization"
    ABOVE_GRASSROOTS_ORGANIZATION = "above_grassroots_organization"
    PROVINCE = "province"


@dataclass(frozen=True)
class Deciders:
    decider: str
    proposer: str | None = None
    appraiser: str | None = None
    adopter: str | None = None


def deciders_for(
    kind: OrgKind, *, has_section_committee: bool = False, directly_under_province: bool = False
) -> Deciders:
    """AR-58: who proposes and who decides a party organization's rating (HD 43 §3)."""
    if kind is OrgKind.SUBORDINATE_CELL:
        return Deciders(
            "grassroots_committee", proposer="section_committee" if has_section_committee else None
        )
    if kind is OrgKind.GRASSROOTS_CELL:
        return Deciders("above_grassroots_standing_committee")
    if kind is OrgKind.SECTION_ORGANIZATION:
        return Deciders("grassroots_committee")
    if kind is OrgKind.GRASSROOTS_ORGANIZATION:
        above = (
            "provincial_standing_committee"
            if directly_under_province
            else "above_grassroots_standing_committee"
        )
        return Deciders(above)
    if kind is OrgKind.ABOVE_GRASSROOTS_ORGANIZATION:
        return Deciders("provincial_standing_committee")
    return Deciders(
        "politburo_secretariat",
        appraiser="central_organization_commission",
        adopter="provincial_executive_committee",
    )


def member_decider(defaults: Defaults = DEFAULTS) -> str:
    """AR-58: members are decided by the grassroots committee of their cell (`member_decider`)."""
    return defaults.member_decider


def notification_recipients(subject: str, managing: Iterable[str], using: Iterable[str]) -> tuple[str, ...]:
    """AR-59: the decided comments and level go to the subject and to the bodies that manage and use it."""
    return tuple(dict.fromkeys([subject, *managing, *using]))


_FORMS_366 = {
    "01": "Báo cáo kiểm điểm tập thể",
    "2A": "Bản kiểm điểm cá nhân cán bộ lãnh đạo, quản lý",
    "2B": "Bản kiểm điểm cá nhân không giữ chức vụ lãnh đạo, quản lý",
    "2C": "Bản kiểm điểm đảng viên không làm việc trong hệ thống chính trị",
    "03": "Quyết định đánh giá, xếp loại lại",
    "04": "Danh mục hồ sơ kiểm điểm gửi Ban Tổ chức Trung ương",
    "05": "Bản tự đánh giá, xếp loại cá nhân (quý, năm)",
    "06": "Tổng hợp đánh giá quý/năm, đề xuất xếp loại (diện Bộ Chính trị, Ban Bí thư quản lý)",
}
_FORMS_124 = {
    "01": "Báo cáo kiểm điểm tập thể (HD 25)",
    "02A": "Bản kiểm điểm cá nhân cán bộ lãnh đạo, quản lý (HD 25)",
    "02B": "Bản kiểm điểm cá nhân đảng viên (HD 25)",
}


def forms_for(rule_set: RuleSet, configured: dict[str, str] | None = None) -> dict[str, str]:
    """AR-60: the HD 43 forms under QD366; HD 25 templates (configurable) under QD124."""
    if configured is not None:
        return dict(configured)
    if rule_set is RuleSet.QD366:
        return dict(_FORMS_366)
    return dict(_FORMS_124)


# ---------------------------------------------------------------------------------------------------
# Deadlines (AR-61), quarterly (AR-62), periodic (AR-63)


class DeadlineKind(Enum):
    PARTY_RATING = "party_rating"  # before 31/12 of the year
    SPECIAL_UNIT = "special_unit"  # before 15/1 of the next year
    FORM_04 = "form_04"  # before 1/2 of the next year
    REPORT_TO_POLITBURO = "report_to_politburo"  # before 1/3 of the next year
    STATE_RATING = "state_rating"  # before 15/12 of the year


def deadline(kind: DeadlineKind, year: int) -> dt.date:
    """AR-61: the date D of "before D" for the rating of `year`."""
    return {
        DeadlineKind.PARTY_RATING: dt.date(year, 12, 31),
        DeadlineKind.SPECIAL_UNIT: dt.date(year + 1, 1, 15),
        DeadlineKind.FORM_04: dt.date(year + 1, 2, 1),
        DeadlineKind.REPORT_TO_POLITBURO: dt.date(year + 1, 3, 1),
        DeadlineKind.STATE_RATING: dt.date(year, 12, 15),
    }[kind]


def on_time(done: dt.date, kind: DeadlineKind, year: int, *, defaults: Defaults = DEFAULTS) -> bool:
    """AR-61: "before D" means on or before D - 1 unless `deadline_inclusive`; lateness marks, never blocks."""
    d = deadline(kind, year)
    return done <= d if defaults.deadline_inclusive else done < d


@dataclass(frozen=True)
class QuarterPlan:
    evaluated: bool
    folds_into_year_end: bool
    report_before: dt.date | None


def _quarter_start(defaults: Defaults) -> tuple[int, int]:
    year, _, q = defaults.quarterly_start.partition("-Q")
    return int(year), int(q)


def quarterly_plan(
    year: int, quarter: int, *, managed_by_politburo: bool, defaults: Defaults = DEFAULTS
) -> QuarterPlan:
    """AR-62: Politburo/Secretariat-managed cadres are evaluated for Q1-Q3 (Mẫu 05), reports before the
    15th of the quarter's last month; Q4 folds into the year-end rating; from `quarterly_start` (2026-Q1)."""
    if not 1 <= quarter <= 4:
        raise RatingInputError("quarter", "phải từ 1 đến 4", "must be 1 to 4")
    if not managed_by_politburo or (year, quarter) < _quarter_start(defaults):
        return QuarterPlan(False, False, None)
    if quarter == 4:
        return QuarterPlan(False, True, None)
    return QuarterPlan(True, False, dt.date(year, 3 * quarter, 15))


def periodic_evaluation_enabled(issuer_frequency: str | None, *, defaults: Defaults = DEFAULTS) -> bool:
    """AR-63: periodic evaluation of other cadres is off unless an issuing committee enables it with a
    frequency (`periodic_other_cadres`)."""
    if issuer_frequency:
        return True
    return defaults.periodic_other_cadres != "off"
