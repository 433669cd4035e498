"""Who is reviewed, where, on which frame (§4: AR-3..AR-13)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import Enum

from .common import (
    DEFAULTS,
    CollectiveKind,
    DefaultApplied,
    Defaults,
    Level,
    RatingInputError,
    SubjectType,
    Trace,
    add_months,
)
from .discipline import Period


def collective_is_reviewed(kind: CollectiveKind) -> bool:
    """AR-3: every collective kind of 366 Art. 5.1 is reviewed (party committees at every level and the
    leadership collectives of advisory, state, Front, mass, public-service and enterprise bodies)."""
    return kind in CollectiveKind


class MemberStatus(Enum):
    ACTIVE = "active"
    EXEMPT = "exempt"  # miễn công tác và sinh hoạt đảng
    SUSPENDED = "suspended"  # đình chỉ sinh hoạt đảng


class ExclusionReason(Enum):
    EXEMPT = "exempt"
    SUSPENDED = "suspended"
    ADMITTED_UNDER_6_MONTHS = "admitted_under_6_months"

    @property
    def label_vi(self) -> str:
        return {
            ExclusionReason.EXEMPT: "Được miễn công tác và sinh hoạt đảng",
            ExclusionReason.SUSPENDED: "Đang bị đình chỉ sinh hoạt đảng",
            ExclusionReason.ADMITTED_UNDER_6_MONTHS: "Kết nạp chưa đủ 6 tháng",
        }[self]


@dataclass(frozen=True)
class StatusSpan:
    """A status held from `start` to `end` (inclusive; open when None)."""

    status: MemberStatus
    start: dt.date
    end: dt.date | None = None

    def covers(self, day: dt.date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)


@dataclass(frozen=True)
class Eligibility:
    reviewed: bool
    reason: ExclusionReason | None
    reference_date: dt.date
    rules: tuple[str, ...]
    defaults_applied: tuple[DefaultApplied, ...]


def reference_date(
    *,
    year: int,
    meeting_date: dt.date | None,
    decision_date: dt.date | None,
    defaults: Defaults = DEFAULTS,
) -> dt.date:
    """AR-5: the reference date for the 6 months and the exclusion statuses (`six_months_reference`)."""
    choice = defaults.six_months_reference
    if choice == "dec_31":
        return dt.date(year, 12, 31)
    if choice == "decision_date":
        if decision_date is None:
            raise RatingInputError("decision_date", "cần ngày quyết định", "decision date required")
        return decision_date
    if meeting_date is None:
        raise RatingInputError(
            "meeting_date", "cần ngày họp kiểm điểm của chi bộ", "cell meeting date required"
        )
    return meeting_date


def review_eligibility(
    *,
    admitted_on: dt.date | None,
    reference: dt.date,
    statuses: Sequence[StatusSpan] = (),
    status: MemberStatus | None = None,
    defaults: Defaults = DEFAULTS,
) -> Eligibility:
    """AR-4, AR-5: exempt, suspended and admitted-less-than-6-months members are not reviewed.

    Statuses are read on the reference date: from `statuses` spans, or a plain `status` already read on it.
    Reviewed iff add_months(admitted_on, 6) <= reference.
    """
    tr = Trace(defaults)
    tr.rule("AR-4")
    tr.default("AR-5", "six_months_reference")
    held = {span.status for span in statuses if span.covers(reference)}
    if status is not None:
        held.add(status)
    reason: ExclusionReason | None = None
    if MemberStatus.EXEMPT in held:
        reason = ExclusionReason.EXEMPT
    elif MemberStatus.SUSPENDED in held:
        reason = ExclusionReason.SUSPENDED
    elif admitted_on is not None and add_months(admitted_on, 6) > reference:
        reason = ExclusionReason.ADMITTED_UNDER_6_MONTHS
    return Eligibility(reason is None, reason, reference, tr.rules(), tr.defaults_applied())


@dataclass(frozen=True)
class CloseCheck:
    ok: bool
    undecided: tuple[str, ...]
    rules: tuple[str, ...] = ("AR-6",)


def cycle_can_close(decided: Mapping[str, Level | None]) -> CloseCheck:
    """AR-6: a cycle closes only when every reviewed subject has a decided level."""
    missing = tuple(sorted(subject for subject, level in decided.items() if level is None))
    return CloseCheck(not missing, missing)


@dataclass(frozen=True)
class Frame:
    appendix: int
    form: str


def frame_for(subject_type: SubjectType) -> Frame:
    """AR-7: criteria frame (appendix of 366) and self-review form (HD 43) per subject type."""
    return {
        SubjectType.COLLECTIVE: Frame(1, "01"),
        SubjectType.LEADER_CENTRAL: Frame(2, "2A"),
        SubjectType.LEADER: Frame(3, "2A"),
        SubjectType.NON_LEADER: Frame(4, "2B"),
        SubjectType.MEMBER_OUTSIDE: Frame(5, "2C"),
    }[subject_type]


CELL_COMMITTEE_MIN_FULL_MEMBERS = 9


@dataclass(frozen=True)
class CommitteeReview:
    committee_is_subject: bool
    secretary_and_deputy_at_cell: bool


def committee_review(*, is_cell: bool, full_members: int) -> CommitteeReview:
    """AR-8: grassroots, section and cell committees are subjects; a cell with fewer than 9 full members
    has no committee, and its secretary and deputy are reviewed at the cell."""
    if is_cell and full_members < CELL_COMMITTEE_MIN_FULL_MEMBERS:
        return CommitteeReview(committee_is_subject=False, secretary_and_deputy_at_cell=True)
    return CommitteeReview(committee_is_subject=True, secretary_and_deputy_at_cell=False)


def reduced_period(
    *, sick_leave_days: int, maternity_leave: bool, defaults: Defaults = DEFAULTS
) -> tuple[bool, Trace]:
    """AR-9: sick leave totalling 3 months or more (`sick_leave_min_days`), or maternity leave, marks the
    rating "reduced-period": the subject is rated on the work actually done; T is never pro-rated."""
    tr = Trace(defaults)
    tr.default("AR-9", "sick_leave_min_days")
    if sick_leave_days < 0:
        raise RatingInputError("sick_leave_days", "không được âm", "must not be negative")
    return (maternity_leave or sick_leave_days >= defaults.sick_leave_min_days), tr


@dataclass(frozen=True)
class Requirement:
    ok: bool
    missing: tuple[str, ...]
    rules: tuple[str, ...]


def temporary_activity_requirements(
    *, in_temporary_activity: bool, deciding_at_official_cell: bool, temporary_cell_comments: bool
) -> Requirement:
    """AR-10: a member in temporary party activity is rated at the official cell, with the written
    comments of the temporary cell."""
    missing: list[str] = []
    if in_temporary_activity:
        if not deciding_at_official_cell:
            missing.append("official_cell")
        if not temporary_cell_comments:
            missing.append("temporary_cell_comments")
    return Requirement(not missing, tuple(missing), ("AR-10",))


def review_window(period: Period, committee_suspended_on: dt.date | None) -> Period:
    """AR-11: a committee member suspended from committee activity is reviewed for the part of the period
    before the suspension."""
    if committee_suspended_on is None or committee_suspended_on > period.end:
        return period
    if committee_suspended_on <= period.start:
        return Period(period.start, period.start)
    return Period(period.start, committee_suspended_on - dt.timedelta(days=1))


SMALL_COLLECTIVE_MAX = 2


def small_collective_schedulable(*, members: int, linked_review_org: str | None) -> Requirement:
    """AR-12: a leadership collective of fewer than 3 members is reviewed with the committee or cell of its
    agency (or a unit of similar function) recorded by the competent level; no link, no schedule."""
    if members <= SMALL_COLLECTIVE_MAX and not linked_review_org:
        return Requirement(False, ("linked_review_org",), ("AR-12",))
    return Requirement(True, (), ("AR-12",))


@dataclass(frozen=True)
class Post:
    collective: str
    working_share: int  # share of working time, any integer unit


@dataclass(frozen=True)
class ReviewPlaces:
    places: tuple[str, ...]
    main_place: str


def review_places(*, cell: str, posts: Sequence[Post]) -> ReviewPlaces:
    """AR-13: a member is reviewed at the cell; a leader also at each leadership collective of a post;
    with concurrent posts, mainly where more working time is spent (ties: the first post listed)."""
    places = [cell]
    for post in posts:
        if post.collective not in places:
            places.append(post.collective)
    if not posts:
        return ReviewPlaces(tuple(places), cell)
    main = max(posts, key=lambda p: p.working_share)  # max keeps the first of equal shares
    return ReviewPlaces(tuple(places), main.collective)


def one_rating_per_period(existing_ratings: int) -> bool:
    """AR-13: one rating per subject and period: a second active rating is refused."""
    return existing_ratings == 0
