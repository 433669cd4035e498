"""Party meetings: regular, thematic, online and party-group meetings (spec: party-meetings.md, PM-1..PM-36).

Pure Python: plain values in, decisions out; no Django, no clock (``today``/``as_of`` are arguments),
integer and ``Fraction`` arithmetic only. Every result names the rule IDs that produced it, and every
configurable default it consulted is listed in ``defaults_applied`` (see :class:`MeetingDefaults`).

Interpretations documented here:

* Frequency (PM-3, PM-4, PM-5): a subordinate or grassroots cell meets monthly and holds a thematic
  meeting each calendar quarter; a cell committee and a grassroots committee meet monthly; a
  grassroots party organization holds a whole-membership meeting in each half of the year (its
  "twice a year"). The congress of a cell (PM-9) is due 30 months after the previous one.
* Compliance (PM-7): a month, quarter or half-year is due when the organization existed for the whole
  of it (``created_on`` on or before its first day, ``dissolved_on`` - the first day it no longer
  exists - after its last day) and, when ``as_of`` is given, the period has ended before ``as_of``.
  ``held`` counts due periods with a counting meeting, so ``held <= due``.
* PM-8: an extraordinary meeting counts for the month when it covered the regular agenda, or always
  when ``extraordinary_counts_as_regular`` is set.
* Quorum and adoption (PM-12, PM-13) compare integers: ``den*present >= num*convened`` and
  ``den*yes > num*convened``; a meeting with nobody convened is never valid.
* Attendance rate (PM-34) is integer permille rounded down.
* Party-group pilot (PM-30): "already divided into groups" means at least ``group_pilot_min_groups``
  (default 2) groups.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from enum import Enum
from fractions import Fraction

from partyorg.domain.directives import (
    NumberSymbolError,
    Period,
    PeriodKind,
    parse_number_symbol,
    period_deadline,
    periods_in_year,
)

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


class MeetingRuleError(ValueError):
    """An input that breaks a rule outright (e.g. correcting minutes without a reason)."""

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

    def decision(self) -> Decision:
        return Decision(not self.errors, tuple(self.rules), tuple(self.errors), tuple(self.warnings), tuple(self.defaults))


# ---------------------------------------------------------------------------------------------
# Enumerations and defaults
# ---------------------------------------------------------------------------------------------


class ContentKind(Enum):
    """What an agenda item is about; the non-ordinary kinds are candidates for PM-24 / PM-33."""

    ORDINARY = "ordinary"
    CONGRESS_ELECTION = "congress_election"
    ADMISSION = "admission"
    FULL_MEMBERSHIP_RECOGNITION = "full_membership_recognition"
    DISCIPLINE = "discipline"
    PERSONNEL = "personnel"
    STATE_SECRET = "state_secret"


CONTENT_LABELS: Mapping[ContentKind, tuple[str, str]] = {
    ContentKind.ORDINARY: ("Nội dung thường", "Ordinary content"),
    ContentKind.CONGRESS_ELECTION: ("Đại hội, bầu cử", "Congress and elections"),
    ContentKind.ADMISSION: ("Kết nạp đảng viên", "Admission of members"),
    ContentKind.FULL_MEMBERSHIP_RECOGNITION: ("Công nhận đảng viên chính thức", "Recognition of full membership"),
    ContentKind.DISCIPLINE: ("Kỷ luật", "Discipline"),
    ContentKind.PERSONNEL: ("Công tác nhân sự", "Personnel matters"),
    ContentKind.STATE_SECRET: ("Nội dung thuộc bí mật nhà nước", "State-secret content"),
}


@dataclass(frozen=True)
class MeetingDefaults:
    """The [default] values of party-meetings.md; the rule that each one belongs to is in the comment."""

    thematic_with_regular: bool = True  # PM-6
    extraordinary_counts_as_regular: bool = False  # PM-8
    quorum: Fraction = Fraction(2, 3)  # PM-12
    adoption_share: Fraction = Fraction(1, 2)  # PM-13: yes must exceed this share of full members convened
    online_counts_as_present: bool = True  # PM-14
    unexcused_flag_months: int = 3  # PM-15
    online_base_includes_probationary: bool = True  # PM-19
    special_circumstances: frozenset[str] = frozenset({"natural_disaster", "epidemic", "declared_emergency"})  # PM-21
    online_excluded_content: frozenset[ContentKind] = frozenset(
        {
            ContentKind.CONGRESS_ELECTION,
            ContentKind.ADMISSION,
            ContentKind.FULL_MEMBERSHIP_RECOGNITION,
            ContentKind.DISCIPLINE,
            ContentKind.PERSONNEL,
            ContentKind.STATE_SECRET,
        }
    )  # PM-24
    approved_platforms: frozenset[str] = frozenset()  # PM-25 (set by the province)
    online_max_per_year: int | None = None  # PM-26
    group_pilot_min_members: int = 50  # PM-30
    group_pilot_min_groups: int = 2  # PM-30
    group_meetings_max_per_year: int = 3  # PM-31
    pilot_report_cadence: PeriodKind = PeriodKind.QUARTER  # PM-36


DEFAULTS = MeetingDefaults()


# ---------------------------------------------------------------------------------------------
# PM-1, PM-2: the pilot guidance and its per-province setting
# ---------------------------------------------------------------------------------------------

PILOT_GUIDANCE = "03-HD/TW"
PILOT_GUIDANCE_ALIASES: tuple[str, ...] = ("03-HD/BBT",)
PILOT_GUIDANCE_ISSUED = date(2022, 12, 27)
PILOT_CONTINUATION = "50-CT/TW"  # Chỉ thị 50-CT/TW, 23/7/2025


def is_pilot_guidance(symbol: str) -> bool:
    """PM-1: ``03-HD/TW`` and its alias ``03-HD/BBT`` (any spelling the DI-2 parser accepts)."""
    try:
        parsed = parse_number_symbol(symbol)
    except NumberSymbolError:
        return False
    return parsed.text in (PILOT_GUIDANCE, *PILOT_GUIDANCE_ALIASES) or (
        parsed.number == 3 and parsed.type_abbreviation == "HD" and parsed.issuer in ("TW", "BBT")
    )


@dataclass(frozen=True)
class PilotSetting:
    """PM-2: the online / party-group pilot enabled for one province, with its legal basis."""

    province: str
    legal_basis: tuple[str, ...]
    enabled_from: date
    closed_on: date | None = None
    replaced_by: str | None = None


def pilot_enabled(setting: PilotSetting, on: date) -> Decision:
    """PM-2: the pilot features are usable on ``on`` only inside the setting's open interval."""
    acc = _Acc("PM-2")
    if not setting.legal_basis:
        acc.error("PM-2", "no_legal_basis", "Chưa ghi căn cứ pháp lý của thí điểm", "The pilot's legal basis is missing")
    if on < setting.enabled_from:
        acc.error("PM-2", "not_yet_enabled", "Thí điểm chưa được bật ở tỉnh vào ngày này", "The pilot is not yet enabled on this date")
    if setting.closed_on is not None and on >= setting.closed_on:
        acc.error(
            "PM-2",
            "pilot_closed",
            f"Thí điểm đã kết thúc ngày {setting.closed_on:%d/%m/%Y} (thay bằng {setting.replaced_by})",
            f"The pilot closed on {setting.closed_on:%d/%m/%Y} (replaced by {setting.replaced_by})",
        )
    return acc.decision()


def close_pilot(setting: PilotSetting, closed_on: date, replaced_by: str) -> PilotSetting:
    """PM-2: closing the pilot records the date and the replacing document."""
    if not replaced_by.strip():
        raise MeetingRuleError("PM-2", "replacing_document", "Phải ghi văn bản thay thế", "The replacing document is required")
    if closed_on < setting.enabled_from:
        raise MeetingRuleError("PM-2", "close_before_open", "Ngày kết thúc trước ngày bật thí điểm", "Closed before it was enabled")
    return replace(setting, closed_on=closed_on, replaced_by=replaced_by.strip())


# ---------------------------------------------------------------------------------------------
# PM-3..PM-9: meeting kinds, frequency, compliance
# ---------------------------------------------------------------------------------------------


class OrgKind(Enum):
    SUBORDINATE_CELL = "subordinate_cell"  # chi bộ trực thuộc
    CELL_COMMITTEE = "cell_committee"  # chi ủy
    GRASSROOTS_CELL = "grassroots_cell"  # chi bộ cơ sở
    GRASSROOTS_COMMITTEE = "grassroots_committee"  # đảng ủy cơ sở
    GRASSROOTS_ORGANIZATION = "grassroots_organization"  # đảng bộ cơ sở (whole membership)


class MeetingKind(Enum):
    REGULAR = "regular"
    THEMATIC = "thematic"
    EXTRAORDINARY = "extraordinary"
    WHOLE_MEMBERSHIP = "whole_membership"


class MeetingMode(Enum):
    IN_PERSON = "in_person"
    ONLINE = "online"


class Cadence(Enum):
    MONTH = "month"
    QUARTER = "quarter"
    HALF_YEAR = "half_year"


_SLOTS: Mapping[Cadence, int] = {Cadence.MONTH: 12, Cadence.QUARTER: 4, Cadence.HALF_YEAR: 2}
_SLOT_MONTHS: Mapping[Cadence, int] = {Cadence.MONTH: 1, Cadence.QUARTER: 3, Cadence.HALF_YEAR: 6}


@dataclass(frozen=True)
class MeetingRequirement:
    kind: MeetingKind
    cadence: Cadence
    rule_id: str


def required_meetings(org_kind: OrgKind) -> tuple[MeetingRequirement, ...]:
    """PM-3, PM-4, PM-5: which meetings an organization of ``org_kind`` must hold, and how often."""
    regular = MeetingRequirement(MeetingKind.REGULAR, Cadence.MONTH, "PM-3")
    if org_kind is OrgKind.SUBORDINATE_CELL:
        return (regular, MeetingRequirement(MeetingKind.THEMATIC, Cadence.QUARTER, "PM-5"))
    if org_kind is OrgKind.CELL_COMMITTEE:
        return (regular,)
    if org_kind is OrgKind.GRASSROOTS_CELL:
        return (
            MeetingRequirement(MeetingKind.REGULAR, Cadence.MONTH, "PM-4"),
            MeetingRequirement(MeetingKind.THEMATIC, Cadence.QUARTER, "PM-5"),
        )
    if org_kind is OrgKind.GRASSROOTS_COMMITTEE:
        return (MeetingRequirement(MeetingKind.REGULAR, Cadence.MONTH, "PM-4"),)
    return (MeetingRequirement(MeetingKind.WHOLE_MEMBERSHIP, Cadence.HALF_YEAR, "PM-4"),)


def _add_months(day: date, months: int) -> date:
    total = day.year * 12 + day.month - 1 + months
    year, month = divmod(total, 12)
    month += 1
    last = _month_last_day(year, month)
    return date(year, month, min(day.day, last))


def _month_last_day(year: int, month: int) -> int:
    nxt = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
    return (nxt - timedelta(days=1)).day


def slot_range(year: int, cadence: Cadence, index: int) -> tuple[date, date]:
    """First and last day of month / quarter / half-year ``index`` (1-based) of ``year``."""
    if not 1 <= index <= _SLOTS[cadence]:
        raise ValueError(f"slot {index} out of range for {cadence.value}")
    first_month = (index - 1) * _SLOT_MONTHS[cadence] + 1
    last_month = first_month + _SLOT_MONTHS[cadence] - 1
    return date(year, first_month, 1), date(year, last_month, _month_last_day(year, last_month))


def cell_congress_due(last_congress_on: date) -> date:
    """PM-9: a cell congress is convened twice every five years, i.e. 30 months after the previous one."""
    return _add_months(last_congress_on, 30)


@dataclass(frozen=True)
class HeldMeeting:
    """A meeting of the organization itself (not of a party group)."""

    held_on: date
    kind: MeetingKind
    minutes_finalized: bool
    mode: MeetingMode = MeetingMode.IN_PERSON
    online_approved: bool = False
    also_thematic: bool = False  # a regular meeting that also held the thematic content (PM-6)
    covers_regular_agenda: bool = False  # an extraordinary meeting that also covered the regular agenda (PM-8)


@dataclass(frozen=True)
class GroupMeeting:
    """A meeting of one party group (PM-32)."""

    group_id: str
    held_on: date
    full_present: int
    full_convened: int
    minutes_finalized: bool


@dataclass(frozen=True)
class CadenceCompliance:
    kind: MeetingKind
    cadence: Cadence
    held: int
    due: int
    missing: tuple[int, ...]
    rule_ids: tuple[str, ...]

    @property
    def label(self) -> str:
        return f"{self.held}/{self.due}"


@dataclass(frozen=True)
class MeetingCompliance:
    year: int
    items: tuple[CadenceCompliance, ...]
    months_held_by_groups: tuple[int, ...]
    rule_ids: tuple[str, ...]
    defaults_applied: tuple[DefaultApplied, ...]

    def of(self, kind: MeetingKind) -> CadenceCompliance | None:
        for item in self.items:
            if item.kind is kind:
                return item
        return None


def _counts_as(meeting: HeldMeeting, kind: MeetingKind, defaults: MeetingDefaults) -> bool:
    if not meeting.minutes_finalized:
        return False
    if meeting.mode is MeetingMode.ONLINE and not meeting.online_approved:
        return False  # PM-22, PM-27
    if kind is MeetingKind.REGULAR:
        if meeting.kind is MeetingKind.REGULAR:
            return True
        return meeting.kind is MeetingKind.EXTRAORDINARY and (
            meeting.covers_regular_agenda or defaults.extraordinary_counts_as_regular
        )
    if kind is MeetingKind.THEMATIC:
        if meeting.kind is MeetingKind.THEMATIC:
            return True
        return meeting.kind is MeetingKind.REGULAR and meeting.also_thematic and defaults.thematic_with_regular
    return meeting.kind is kind


def _slot_due(start: date, end: date, created_on: date | None, dissolved_on: date | None, as_of: date | None) -> bool:
    if created_on is not None and created_on > start:
        return False
    if dissolved_on is not None and dissolved_on <= end:
        return False
    return as_of is None or end < as_of


def meeting_compliance(
    org_kind: OrgKind,
    year: int,
    meetings: Iterable[HeldMeeting],
    *,
    created_on: date | None = None,
    dissolved_on: date | None = None,
    as_of: date | None = None,
    group_ids: Collection[str] = (),
    group_meetings: Sequence[GroupMeeting] = (),
    defaults: MeetingDefaults = DEFAULTS,
) -> MeetingCompliance:
    """PM-7: ``held/due`` per calendar month (regular), quarter (thematic) or half-year (whole membership).

    Only meetings with finalized minutes count; approved online meetings count like in-person ones
    (PM-27); a thematic meeting combined with the regular one counts for both (PM-6); an extraordinary
    meeting counts only under PM-8; a month whose every group met validly counts as held (PM-32).
    """
    acc = _Acc("PM-7")
    acc.default("PM-7", "due_only_whole_periods_with_finalized_minutes", True)
    meetings = list(meetings)
    items: list[CadenceCompliance] = []
    by_groups: list[int] = []
    for req in required_meetings(org_kind):
        acc.rule(req.rule_id)
        if req.kind is MeetingKind.REGULAR:
            acc.default("PM-8", "extraordinary_counts_as_regular", defaults.extraordinary_counts_as_regular)
            acc.rule("PM-27")
        if req.kind is MeetingKind.THEMATIC:
            acc.default("PM-6", "thematic_with_regular", defaults.thematic_with_regular)
            acc.rule("PM-27")
        held = 0
        due = 0
        missing: list[int] = []
        for idx in range(1, _SLOTS[req.cadence] + 1):
            start, end = slot_range(year, req.cadence, idx)
            if not _slot_due(start, end, created_on, dissolved_on, as_of):
                continue
            due += 1
            ok = any(start <= m.held_on <= end and _counts_as(m, req.kind, defaults) for m in meetings)
            if not ok and req.kind is MeetingKind.REGULAR and group_ids:
                month = month_held_by_groups(group_ids, group_meetings, year, idx, defaults=defaults)
                acc.rule("PM-32")
                if month.held:
                    ok = True
                    by_groups.append(idx)
            if ok:
                held += 1
            else:
                missing.append(idx)
        items.append(CadenceCompliance(req.kind, req.cadence, held, due, tuple(missing), ("PM-7", req.rule_id)))
    return MeetingCompliance(year, tuple(items), tuple(by_groups), tuple(acc.rules), tuple(acc.defaults))


def check_extraordinary_meeting(convened_by: str, reason: str, *, defaults: MeetingDefaults = DEFAULTS) -> Decision:
    """PM-8: an extraordinary meeting records who convened it and why."""
    acc = _Acc("PM-8")
    acc.default("PM-8", "extraordinary_counts_as_regular", defaults.extraordinary_counts_as_regular)
    if not convened_by.strip():
        acc.error("PM-8", "convened_by", "Chưa ghi người triệu tập họp bất thường", "Who convened the extraordinary meeting is missing")
    if not reason.strip():
        acc.error("PM-8", "reason", "Chưa ghi lý do họp bất thường", "The reason for the extraordinary meeting is missing")
    return acc.decision()


# ---------------------------------------------------------------------------------------------
# PM-10..PM-15: convening, attendance, quorum, votes
# ---------------------------------------------------------------------------------------------


class Standing(Enum):
    FULL = "full"
    PROBATIONARY = "probationary"
    GUEST = "guest"


class AttendanceStatus(Enum):
    PRESENT_IN_PERSON = "present_in_person"
    PRESENT_ONLINE = "present_online"
    ABSENT_EXCUSED = "absent_excused"
    ABSENT_UNEXCUSED = "absent_unexcused"
    NOT_CONVENED = "not_convened"


class NotConvenedReason(Enum):
    EXEMPT = "exempt"
    SUSPENDED = "suspended"
    TEMPORARY_ELSEWHERE = "temporary_elsewhere"


@dataclass(frozen=True)
class RosterMember:
    """A member on the cell's roster on the meeting date (PM-11)."""

    member_id: str
    standing: Standing = Standing.FULL
    exempt: bool = False
    suspended: bool = False
    temporary_elsewhere: bool = False

    @property
    def not_convened_reason(self) -> NotConvenedReason | None:
        if self.exempt:
            return NotConvenedReason.EXEMPT
        if self.suspended:
            return NotConvenedReason.SUSPENDED
        if self.temporary_elsewhere:
            return NotConvenedReason.TEMPORARY_ELSEWHERE
        return None


@dataclass(frozen=True)
class AttendanceRow:
    member_id: str
    standing: Standing
    status: AttendanceStatus
    reason: str = ""
    not_convened_reason: NotConvenedReason | None = None


def full_members_convened(full_members: int, exempt: int, suspended: int, temporary_elsewhere: int) -> int:
    """PM-11: full members minus the exempt, the suspended and those in temporary activity elsewhere."""
    if min(full_members, exempt, suspended, temporary_elsewhere) < 0:
        raise ValueError("counts cannot be negative")
    convened = full_members - exempt - suspended - temporary_elsewhere
    if convened < 0:
        raise ValueError("more members removed than on the roster")
    return convened


@dataclass(frozen=True)
class QuorumDecision:
    valid: bool
    full_present: int
    full_convened: int
    comparison: str
    rule_ids: tuple[str, ...]
    defaults_applied: tuple[DefaultApplied, ...]


def meeting_quorum(full_present: int, full_convened: int, *, defaults: MeetingDefaults = DEFAULTS) -> QuorumDecision:
    """PM-12: valid when ``3*full_present >= 2*full_convened`` (quorum 2/3); nobody convened is never valid."""
    if full_present < 0 or full_convened < 0:
        raise ValueError("counts cannot be negative")
    if full_present > full_convened:
        raise ValueError("more full members present than convened")
    q = defaults.quorum
    lhs = q.denominator * full_present
    rhs = q.numerator * full_convened
    valid = full_convened > 0 and lhs >= rhs
    sign = ">=" if lhs >= rhs else "<"
    return QuorumDecision(
        valid,
        full_present,
        full_convened,
        f"{lhs} {sign} {rhs}",
        ("PM-12",),
        (DefaultApplied("PM-12", "quorum", str(q)),),
    )


@dataclass(frozen=True)
class VoteCount:
    yes: int
    no: int = 0
    abstain: int = 0

    @property
    def total(self) -> int:
        return self.yes + self.no + self.abstain


@dataclass(frozen=True)
class AdoptionDecision:
    adopted: bool
    comparison: str
    rule_ids: tuple[str, ...]
    defaults_applied: tuple[DefaultApplied, ...]
    reason: Message | None = None


def resolution_adoption(
    votes: VoteCount,
    full_convened: int,
    *,
    full_present: int | None = None,
    meeting_valid: bool = True,
    defaults: MeetingDefaults = DEFAULTS,
) -> AdoptionDecision:
    """PM-13: adopted when ``2*yes > full_convened``; only full members present vote; an invalid meeting adopts nothing (PM-12)."""
    if min(votes.yes, votes.no, votes.abstain, full_convened) < 0:
        raise ValueError("counts cannot be negative")
    voters = full_convened if full_present is None else full_present
    if votes.total > voters:
        raise MeetingRuleError(
            "PM-13",
            "too_many_votes",
            "Số phiếu vượt số đảng viên chính thức có mặt",
            "More votes than full members present",
        )
    share = defaults.adoption_share
    lhs = share.denominator * votes.yes
    rhs = share.numerator * full_convened
    applied = (DefaultApplied("PM-13", "adoption_share", f">{share}"),)
    comparison = f"{lhs} {'>' if lhs > rhs else '<='} {rhs}"
    if not meeting_valid:
        msg = Message("PM-12", "meeting_not_valid", "Cuộc họp không đủ số lượng nên nghị quyết không được thông qua", "The meeting is not valid, so no resolution is adopted")
        return AdoptionDecision(False, comparison, ("PM-13", "PM-12"), applied, msg)
    return AdoptionDecision(lhs > rhs, comparison, ("PM-13",), applied)


@dataclass(frozen=True)
class AttendanceCounts:
    full_convened: int
    full_present_in_person: int
    full_present_online: int
    full_absent_excused: int
    full_absent_unexcused: int
    probationary_present: int
    guests: int

    @property
    def full_present(self) -> int:
        return self.full_present_in_person + self.full_present_online


@dataclass(frozen=True)
class AttendanceResult:
    decision: Decision
    counts: AttendanceCounts
    quorum: QuorumDecision


def attendance_check(
    roster: Sequence[RosterMember],
    rows: Sequence[AttendanceRow],
    *,
    online_meeting_approved: bool = False,
    defaults: MeetingDefaults = DEFAULTS,
) -> AttendanceResult:
    """PM-10, PM-11, PM-14 then PM-12: one row per roster member, reasons where required, counts and quorum."""
    acc = _Acc("PM-10", "PM-11")
    acc.default("PM-10", "attendance_statuses", "present_in_person,present_online,absent_excused,absent_unexcused,not_convened")
    by_member: dict[str, list[AttendanceRow]] = {}
    for row in rows:
        by_member.setdefault(row.member_id, []).append(row)
    roster_ids = {m.member_id for m in roster}
    for member in roster:
        got = by_member.get(member.member_id, [])
        if len(got) != 1:
            acc.error(
                "PM-10",
                "one_row_per_member",
                f"Đảng viên {member.member_id} phải có đúng một dòng điểm danh",
                f"Member {member.member_id} must have exactly one attendance row",
            )
            continue
        row = got[0]
        expected = member.not_convened_reason if member.standing is Standing.FULL else None
        if row.status is AttendanceStatus.NOT_CONVENED:
            if row.not_convened_reason is None:
                acc.error("PM-10", "not_convened_reason", f"Chưa ghi lý do không triệu tập {member.member_id}", f"No reason why {member.member_id} was not convened")
            elif expected is not None and row.not_convened_reason is not expected:
                acc.error("PM-11", "not_convened_mismatch", f"Lý do không triệu tập {member.member_id} khác với danh sách", f"The not-convened reason of {member.member_id} differs from the roster")
            elif expected is None and member.standing is Standing.FULL:
                acc.error("PM-11", "should_be_convened", f"Đảng viên {member.member_id} phải được triệu tập", f"Member {member.member_id} must be convened")
        elif expected is not None:
            acc.error("PM-11", "must_not_be_convened", f"Đảng viên {member.member_id} không thuộc diện triệu tập ({expected.value})", f"Member {member.member_id} is not convened ({expected.value})")
        if row.status is AttendanceStatus.ABSENT_EXCUSED and not row.reason.strip():
            acc.error("PM-10", "absence_reason", f"Chưa ghi lý do vắng của {member.member_id}", f"The reason for {member.member_id}'s absence is missing")
        if row.standing is not member.standing:
            acc.error("PM-10", "standing_mismatch", f"Tư cách đảng viên của {member.member_id} khác với danh sách", f"The standing of {member.member_id} differs from the roster")
    for member_id, got in by_member.items():
        if member_id not in roster_ids and any(r.standing is not Standing.GUEST for r in got):
            acc.error("PM-10", "not_on_roster", f"{member_id} không có trong danh sách chi bộ; chỉ ghi là khách mời", f"{member_id} is not on the roster; record as a guest")
    online_rows = [r for r in rows if r.status is AttendanceStatus.PRESENT_ONLINE]
    if online_rows:
        acc.rule("PM-14")
        acc.default("PM-14", "online_counts_as_present", defaults.online_counts_as_present)
        if not online_meeting_approved:
            acc.error(
                "PM-14",
                "online_not_approved",
                "Chỉ ghi dự trực tuyến trong cuộc sinh hoạt trực tuyến đã được phê duyệt",
                "Online presence is accepted only in an approved online meeting",
            )
    full_rows = [r for r in rows if r.standing is Standing.FULL and r.member_id in roster_ids]
    convened = sum(1 for m in roster if m.standing is Standing.FULL and m.not_convened_reason is None)
    in_person = sum(1 for r in full_rows if r.status is AttendanceStatus.PRESENT_IN_PERSON)
    online = sum(1 for r in full_rows if r.status is AttendanceStatus.PRESENT_ONLINE)
    online_counted = online if (online_meeting_approved and defaults.online_counts_as_present) else 0
    counts = AttendanceCounts(
        full_convened=convened,
        full_present_in_person=in_person,
        full_present_online=online_counted,
        full_absent_excused=sum(1 for r in full_rows if r.status is AttendanceStatus.ABSENT_EXCUSED),
        full_absent_unexcused=sum(1 for r in full_rows if r.status is AttendanceStatus.ABSENT_UNEXCUSED),
        probationary_present=sum(
            1 for r in rows if r.standing is Standing.PROBATIONARY and r.status in (AttendanceStatus.PRESENT_IN_PERSON, AttendanceStatus.PRESENT_ONLINE)
        ),
        guests=sum(1 for r in rows if r.standing is Standing.GUEST),
    )
    present = min(counts.full_present, convened)
    quorum = meeting_quorum(present, convened, defaults=defaults)
    return AttendanceResult(acc.decision(), counts, quorum)


@dataclass(frozen=True)
class AbsenceFlag:
    member_id: str
    flagged: bool
    months: tuple[int, ...]
    automatic_action: None
    rule_ids: tuple[str, ...]
    defaults_applied: tuple[DefaultApplied, ...]


def unexcused_absence_flag(
    member_id: str, unexcused_regular_absences: Iterable[date], year: int, *, defaults: MeetingDefaults = DEFAULTS
) -> AbsenceFlag:
    """PM-15: flagged for the cell's consideration with unexcused absences in 3+ months of the year; nothing automatic."""
    months = tuple(sorted({d.month for d in unexcused_regular_absences if d.year == year}))
    return AbsenceFlag(
        member_id,
        len(months) >= defaults.unexcused_flag_months,
        months,
        None,
        ("PM-15",),
        (DefaultApplied("PM-15", "unexcused_flag_months", str(defaults.unexcused_flag_months)),),
    )


# ---------------------------------------------------------------------------------------------
# PM-16..PM-18: agenda and minutes
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AgendaItem:
    title_vi: str
    title_en: str = ""
    content: ContentKind = ContentKind.ORDINARY
    classified: bool = False  # contains state-secret material (PM-24)
    decides: bool = False  # the item ends in a decision / resolution of the cell (PM-33)

    @property
    def content_kinds(self) -> frozenset[ContentKind]:
        kinds = {self.content}
        if self.classified:
            kinds.add(ContentKind.STATE_SECRET)
        return frozenset(kinds)


@dataclass(frozen=True)
class AgendaTemplate:
    version: int
    items: tuple[AgendaItem, ...]
    rule_ids: tuple[str, ...] = ("PM-16",)


def default_regular_agenda(*, combined_thematic: bool = False) -> AgendaTemplate:
    """PM-16 [default]: the six-part agenda of a regular meeting (part 5 only when combined, PM-6)."""
    items = [
        AgendaItem("Điểm danh, lý do vắng mặt, kiểm tra số lượng", "Attendance, reasons for absence, quorum check"),
        AgendaItem("Kết quả thực hiện nghị quyết tháng trước", "Results of the previous month's resolution"),
        AgendaItem("Nhiệm vụ tháng tới", "Tasks for the coming month"),
        AgendaItem(
            "Công tác xây dựng Đảng (đảng viên, đảng phí, chuẩn bị kết nạp)",
            "Party-building matters (members, dues, admissions in preparation)",
        ),
    ]
    if combined_thematic:
        items.append(AgendaItem("Sinh hoạt chuyên đề", "Thematic content"))
    items.append(AgendaItem("Kết luận, biểu quyết nghị quyết", "Conclusion and resolution with vote", decides=True))
    return AgendaTemplate(1, tuple(items))


def revise_agenda_template(template: AgendaTemplate, items: Sequence[AgendaItem]) -> AgendaTemplate:
    """PM-16: a cell edits its template; each edit is a new version (the meeting stores the version it used)."""
    if not items:
        raise MeetingRuleError("PM-16", "empty_agenda", "Chương trình sinh hoạt không được trống", "The agenda cannot be empty")
    return AgendaTemplate(template.version + 1, tuple(items))


@dataclass(frozen=True)
class Absentee:
    name: str
    reason: str = ""
    excused: bool = True


@dataclass(frozen=True)
class Minutes:
    """The minutes of one meeting (PM-17), with the thematic fields of PM-18."""

    kind: MeetingKind
    held_on: date | None = None
    start_time: time | None = None
    end_time: time | None = None
    place_or_platform: str = ""
    chair: str = ""
    recorder: str = ""
    full_convened: int | None = None
    full_present: int | None = None
    absentees: tuple[Absentee, ...] = ()
    probationary_and_guests: tuple[str, ...] = ()
    agenda_items: tuple[str, ...] = ()
    speakers: tuple[str, ...] = ()
    conclusions: str = ""
    resolution_text: str = ""
    votes: VoteCount | None = None
    topic: str = ""
    presenter: str = ""
    linked_documents: tuple[str, ...] = ()
    agenda_template_version: int | None = None
    chair_signed: bool = False
    recorder_signed: bool = False
    signed_scan_attached: bool = False
    finalized: bool = False
    version: int = 1
    correction_reason: str = ""


def minutes_missing(minutes: Minutes) -> tuple[str, ...]:
    """PM-17, PM-18: the fields still missing before the minutes can be finalized."""
    missing: list[str] = []
    if minutes.held_on is None:
        missing.append("held_on")
    if minutes.start_time is None:
        missing.append("start_time")
    if minutes.end_time is None:
        missing.append("end_time")
    elif minutes.start_time is not None and minutes.end_time <= minutes.start_time:
        missing.append("end_after_start")
    for name in ("place_or_platform", "chair", "recorder", "conclusions"):
        if not str(getattr(minutes, name)).strip():
            missing.append(name)
    if minutes.full_convened is None or minutes.full_present is None:
        missing.append("attendance_counts")
    elif minutes.full_present > minutes.full_convened:
        missing.append("attendance_counts_consistent")
    elif minutes.full_convened - minutes.full_present != len(minutes.absentees):
        missing.append("absentees_named")
    if any(a.excused and not a.reason.strip() for a in minutes.absentees):
        missing.append("absence_reasons")
    if not minutes.agenda_items:
        missing.append("agenda_items")
    if minutes.resolution_text.strip() and minutes.votes is None:
        missing.append("vote_counts")
    if minutes.kind is MeetingKind.THEMATIC:
        for name in ("topic", "presenter"):
            if not str(getattr(minutes, name)).strip():
                missing.append(name)
    return tuple(missing)


def minutes_finalize(minutes: Minutes) -> Minutes:
    """PM-17: finalized (then locked) when complete and signed by chair and recorder, or a signed scan is attached."""
    if minutes.finalized:
        raise MeetingRuleError("PM-17", "locked", "Biên bản đã hoàn tất và bị khóa", "The minutes are finalized and locked")
    missing = list(minutes_missing(minutes))
    if not ((minutes.chair_signed and minutes.recorder_signed) or minutes.signed_scan_attached):
        missing.append("signatures")
    if missing:
        raise MeetingRuleError(
            "PM-17",
            "incomplete",
            "Biên bản còn thiếu: " + ", ".join(missing),
            "The minutes are missing: " + ", ".join(missing),
        )
    return replace(minutes, finalized=True)


def minutes_correct(minutes: Minutes, reason: str, **changes: object) -> Minutes:
    """PM-17: finalized minutes are never edited; a correction is a new unsigned version with its reason."""
    if not minutes.finalized:
        raise MeetingRuleError("PM-17", "not_finalized", "Biên bản chưa hoàn tất: hãy sửa trực tiếp", "The minutes are not finalized: edit them directly")
    if not reason.strip():
        raise MeetingRuleError("PM-17", "correction_reason", "Phải ghi lý do đính chính", "A reason for the correction is required")
    forbidden = {"finalized", "version", "correction_reason", "chair_signed", "recorder_signed", "signed_scan_attached"}
    bad = sorted(set(changes) & forbidden)
    if bad:
        raise MeetingRuleError("PM-17", "protected_fields", "Không sửa trực tiếp: " + ", ".join(bad), "Cannot set directly: " + ", ".join(bad))
    new = replace(minutes, **changes)  # type: ignore[arg-type]
    return replace(
        new,
        version=minutes.version + 1,
        correction_reason=reason.strip(),
        finalized=False,
        chair_signed=False,
        recorder_signed=False,
        signed_scan_attached=False,
    )


# ---------------------------------------------------------------------------------------------
# PM-19..PM-27: online meetings
# ---------------------------------------------------------------------------------------------


class SpecialCharacteristic(Enum):
    """PM-20 reason codes; the letter is the group of HD 03: (a) dispersed, (b) mobile, (c) on duty."""

    A_WIDE_AREA = "a_wide_area"
    A_ABROAD = "a_abroad"
    A_ACROSS_PROVINCES = "a_across_provinces"
    B_MIGRANT_WORKER = "b_migrant_worker"
    B_STUDENT_BREAK = "b_student_break"
    B_NOT_AT_ONE_PLACE = "b_not_at_one_place"
    C_ARMED_FORCES = "c_armed_forces"
    C_HEALTH = "c_health"
    C_FOREST_RANGER = "c_forest_ranger"
    C_SHIP_CREW = "c_ship_crew"
    C_OFFSHORE = "c_offshore"
    C_ISLAND = "c_island"

    @property
    def group(self) -> str:
        return self.value[0]


@dataclass(frozen=True)
class UnableReason:
    """Why a member cannot meet in person: exactly one of a special characteristic or a special circumstance."""

    characteristic: SpecialCharacteristic | None = None
    circumstance: str | None = None

    @property
    def code(self) -> str:
        if self.characteristic is not None:
            return self.characteristic.value
        return f"circumstance:{self.circumstance}"


def check_unable_reason(reason: UnableReason, *, defaults: MeetingDefaults = DEFAULTS) -> Decision:
    """PM-20, PM-21: a reason is one special characteristic, or one circumstance from the configured list."""
    acc = _Acc("PM-20")
    if (reason.characteristic is None) == (reason.circumstance is None):
        acc.error("PM-20", "one_reason", "Mỗi đảng viên ghi đúng một lý do", "Give exactly one reason per member")
    elif reason.circumstance is not None:
        acc.default("PM-21", "special_circumstances", defaults.special_circumstances)
        if reason.circumstance not in defaults.special_circumstances:
            acc.error(
                "PM-21",
                "unknown_circumstance",
                f"“{reason.circumstance}” không thuộc danh sách hoàn cảnh đặc biệt",
                f"“{reason.circumstance}” is not a listed special circumstance",
            )
    return acc.decision()


@dataclass(frozen=True)
class OnlineRosterEntry:
    member_id: str
    probationary: bool = False
    exempt: bool = False
    suspended: bool = False
    unable: UnableReason | None = None


@dataclass(frozen=True)
class OnlineEligibility:
    eligible: bool
    members: int
    exempt: int
    suspended: int
    base: int
    unable: int
    comparison: str
    invalid_reasons: tuple[str, ...]
    unable_by_reason: tuple[tuple[str, int], ...]
    rule_ids: tuple[str, ...]
    defaults_applied: tuple[DefaultApplied, ...]


def online_eligibility_counts(members: int, exempt: int, suspended: int, unable: int) -> OnlineEligibility:
    """PM-19: ``base = members - exempt - suspended``; eligible iff ``2*unable > base``."""
    if min(members, exempt, suspended, unable) < 0:
        raise ValueError("counts cannot be negative")
    base = members - exempt - suspended
    if base < 0 or unable > base:
        raise ValueError("inconsistent counts")
    lhs = 2 * unable
    return OnlineEligibility(
        eligible=lhs > base,
        members=members,
        exempt=exempt,
        suspended=suspended,
        base=base,
        unable=unable,
        comparison=f"{lhs} {'>' if lhs > base else '<='} {base}",
        invalid_reasons=(),
        unable_by_reason=(),
        rule_ids=("PM-19",),
        defaults_applied=(),
    )


def online_eligibility(roster: Sequence[OnlineRosterEntry], *, defaults: MeetingDefaults = DEFAULTS) -> OnlineEligibility:
    """PM-19, PM-20, PM-21: eligibility from the roster; an "unable" member counts only with a valid reason."""
    entries = [e for e in roster if defaults.online_base_includes_probationary or not e.probationary]
    exempt = sum(1 for e in entries if e.exempt)
    suspended = sum(1 for e in entries if e.suspended and not e.exempt)
    invalid: list[str] = []
    by_reason: dict[str, int] = {}
    unable = 0
    used_circumstance = False
    for e in entries:
        if e.exempt or e.suspended or e.unable is None:
            continue
        used_circumstance = used_circumstance or e.unable.circumstance is not None
        if check_unable_reason(e.unable, defaults=defaults).ok:
            unable += 1
            by_reason[e.unable.code] = by_reason.get(e.unable.code, 0) + 1
        else:
            invalid.append(e.member_id)
    base = online_eligibility_counts(len(entries), exempt, suspended, unable)
    applied = [DefaultApplied("PM-19", "online_base_includes_probationary", _show(defaults.online_base_includes_probationary))]
    if used_circumstance:
        applied.append(DefaultApplied("PM-21", "special_circumstances", _show(defaults.special_circumstances)))
    return replace(
        base,
        invalid_reasons=tuple(invalid),
        unable_by_reason=tuple(sorted(by_reason.items())),
        rule_ids=("PM-19", "PM-20", "PM-21") if used_circumstance else ("PM-19", "PM-20"),
        defaults_applied=tuple(applied),
    )


class PilotKind(Enum):
    ONLINE = "online"
    PARTY_GROUP = "party_group"


@dataclass(frozen=True)
class PilotApproval:
    """PM-22: written approval of the directly superior committee (scope None = the whole organization)."""

    number: str
    issued_on: date
    issuer: str
    valid_from: date
    valid_until: date
    cells: frozenset[str] | None = None
    pilot: PilotKind = PilotKind.ONLINE


def approval_in_force(approval: PilotApproval, cell_id: str, on: date, pilot: PilotKind = PilotKind.ONLINE) -> bool:
    """PM-22: the approval covers ``cell_id`` for ``pilot`` on ``on``."""
    return (
        approval.pilot is pilot
        and bool(approval.number.strip())
        and approval.valid_from <= on <= approval.valid_until
        and (approval.cells is None or cell_id in approval.cells)
    )


@dataclass(frozen=True)
class OnlineMeetingRequest:
    cell_id: str
    on: date
    kind: MeetingKind
    agenda: tuple[AgendaItem, ...]
    platform: str
    online_meetings_this_year: int = 0


def check_online_agenda(agenda: Sequence[AgendaItem], *, defaults: MeetingDefaults = DEFAULTS) -> Decision:
    """PM-24: an online meeting whose agenda holds excluded content (admission, discipline, secrets...) is rejected."""
    acc = _Acc("PM-24")
    acc.default("PM-24", "online_excluded_content", defaults.online_excluded_content)
    for item in agenda:
        for kind in sorted(item.content_kinds & defaults.online_excluded_content, key=lambda k: k.value):
            vi, en = CONTENT_LABELS[kind]
            acc.error(
                "PM-24",
                f"excluded_{kind.value}",
                f"Không sinh hoạt trực tuyến nội dung “{item.title_vi}” ({vi})",
                f"“{item.title_en or item.title_vi}” cannot be held online ({en})",
            )
    return acc.decision()


def check_online_meeting(
    request: OnlineMeetingRequest, approvals: Sequence[PilotApproval], *, defaults: MeetingDefaults = DEFAULTS
) -> Decision:
    """Scheduling an online meeting: approval in force (PM-22), content (PM-24), platform (PM-25), cap (PM-26)."""
    acc = _Acc("PM-22")
    acc.default("PM-22", "approval_by", "directly superior committee, written")
    if not any(approval_in_force(a, request.cell_id, request.on) for a in approvals):
        acc.error(
            "PM-22",
            "no_approval",
            f"Không có văn bản chấp thuận sinh hoạt trực tuyến còn hiệu lực ngày {request.on:%d/%m/%Y}",
            f"No written approval for online meetings in force on {request.on:%Y-%m-%d}",
        )
    agenda = check_online_agenda(request.agenda, defaults=defaults)
    for r in agenda.rule_ids:
        acc.rule(r)
    acc.errors.extend(agenda.errors)
    acc.defaults.extend(agenda.defaults_applied)
    acc.default("PM-25", "approved_platforms", defaults.approved_platforms)
    if request.platform not in defaults.approved_platforms:
        acc.error(
            "PM-25",
            "platform_not_approved",
            f"Nền tảng “{request.platform}” không có trong danh sách được phép của tỉnh",
            f"Platform “{request.platform}” is not on the province's approved list",
        )
    acc.default("PM-26", "online_max_per_year", defaults.online_max_per_year)
    cap = defaults.online_max_per_year
    if cap is not None and request.online_meetings_this_year >= cap:
        acc.error("PM-26", "annual_cap", f"Đã đủ {cap} cuộc sinh hoạt trực tuyến trong năm", f"The annual cap of {cap} online meetings is reached")
    return acc.decision()


def approval_roster_warning(eligibility: OnlineEligibility, approval: PilotApproval) -> Decision:
    """PM-23: when PM-19 no longer holds, warn the unit and its approver; the approval stays in force."""
    acc = _Acc("PM-23", "PM-19")
    acc.default("PM-23", "revoke_automatically", False)
    if not eligibility.eligible:
        acc.warn(
            "PM-23",
            "no_longer_eligible",
            f"Đơn vị không còn đủ điều kiện sinh hoạt trực tuyến ({eligibility.comparison}); "
            f"văn bản {approval.number} chưa bị thu hồi",
            f"The unit no longer meets the online condition ({eligibility.comparison}); "
            f"approval {approval.number} is not revoked",
        )
    return acc.decision()


@dataclass(frozen=True)
class ConnectionLog:
    member_id: str
    joined_at: datetime
    left_at: datetime | None


def check_online_minutes(
    platform: str,
    present_online: Collection[str],
    logs: Sequence[ConnectionLog],
    *,
    defaults: MeetingDefaults = DEFAULTS,
) -> Decision:
    """PM-25: the minutes of an online meeting record an approved platform and a join/leave log per participant."""
    acc = _Acc("PM-25")
    acc.default("PM-25", "approved_platforms", defaults.approved_platforms)
    if platform not in defaults.approved_platforms:
        acc.error("PM-25", "platform_not_approved", f"Nền tảng “{platform}” không được phép", f"Platform “{platform}” is not approved")
    logged = {log.member_id for log in logs}
    for member_id in sorted(set(present_online) - logged):
        acc.error("PM-25", "no_connection_log", f"Thiếu nhật ký vào/ra của {member_id}", f"No join/leave log for {member_id}")
    for log in logs:
        if log.left_at is None:
            acc.error("PM-25", "no_leave_time", f"Thiếu giờ rời phòng của {log.member_id}", f"No leave time for {log.member_id}")
        elif log.left_at < log.joined_at:
            acc.error("PM-25", "leave_before_join", f"Giờ rời trước giờ vào của {log.member_id}", f"{log.member_id} left before joining")
    return acc.decision()


# ---------------------------------------------------------------------------------------------
# PM-28..PM-33: party groups
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PartyGroup:
    group_id: str
    members: frozenset[str]
    leader: str | None
    deputy: str | None = None


def check_party_groups(groups: Sequence[PartyGroup], cell_members: Collection[str]) -> Decision:
    """PM-28: each group elects a leader (and maybe a deputy) among its members; one group per member."""
    acc = _Acc("PM-28")
    seen: dict[str, str] = {}
    for g in groups:
        if g.leader is None or g.leader not in g.members:
            acc.error("PM-28", "leader", f"Tổ {g.group_id} phải bầu tổ trưởng là thành viên của tổ", f"Group {g.group_id} must elect a leader among its members")
        if g.deputy is not None and (g.deputy not in g.members or g.deputy == g.leader):
            acc.error("PM-28", "deputy", f"Tổ phó của tổ {g.group_id} không hợp lệ", f"The deputy leader of group {g.group_id} is not valid")
        for m in sorted(g.members):
            if m not in cell_members:
                acc.error("PM-28", "not_in_cell", f"{m} không thuộc chi bộ", f"{m} is not a member of the cell")
            if m in seen:
                acc.error("PM-28", "two_groups", f"{m} thuộc hai tổ {seen[m]} và {g.group_id}", f"{m} belongs to two groups, {seen[m]} and {g.group_id}")
            else:
                seen[m] = g.group_id
    return acc.decision()


class CellLeadership(Enum):
    SECRETARY = "secretary"
    COMMITTEE = "committee"


CELL_MIN_FULL_MEMBERS = 3
CELL_COMMITTEE_FROM = 9


@dataclass(frozen=True)
class CellStructure:
    expected: CellLeadership
    decision: Decision


def cell_structure(full_members: int, current: CellLeadership) -> CellStructure:
    """PM-29: at least 3 full members; below 9 a secretary, from 9 a cell committee; warn on mismatch."""
    acc = _Acc("PM-29")
    expected = CellLeadership.COMMITTEE if full_members >= CELL_COMMITTEE_FROM else CellLeadership.SECRETARY
    if full_members < CELL_MIN_FULL_MEMBERS:
        acc.warn(
            "PM-29",
            "below_minimum",
            f"Chi bộ chỉ có {full_members} đảng viên chính thức (tối thiểu 3)",
            f"The cell has only {full_members} full members (minimum 3)",
        )
    if current is not expected:
        if expected is CellLeadership.COMMITTEE:
            acc.warn("PM-29", "needs_committee", "Chi bộ có từ 9 đảng viên chính thức phải bầu chi ủy", "A cell with 9 or more full members elects a cell committee")
        else:
            acc.warn("PM-29", "needs_secretary", "Chi bộ dưới 9 đảng viên chính thức bầu bí thư, không bầu chi ủy", "A cell with fewer than 9 full members elects a secretary, not a committee")
    return CellStructure(expected, acc.decision())


def group_pilot_eligibility(
    full_members: int,
    probationary_members: int,
    group_count: int,
    approval_in_force: bool,
    *,
    defaults: MeetingDefaults = DEFAULTS,
) -> Decision:
    """PM-30: at least 50 members (full + probationary), already divided into groups, approved by the superior committee."""
    acc = _Acc("PM-30")
    acc.default("PM-30", "group_pilot_min_members", defaults.group_pilot_min_members)
    acc.default("PM-30", "count", "full+probationary")
    members = full_members + probationary_members
    if members < defaults.group_pilot_min_members:
        acc.error(
            "PM-30",
            "too_few_members",
            f"Chi bộ có {members} đảng viên, chưa đủ {defaults.group_pilot_min_members} để thí điểm sinh hoạt theo tổ",
            f"The cell has {members} members, fewer than {defaults.group_pilot_min_members} required for the group pilot",
        )
    acc.default("PM-30", "group_pilot_min_groups", defaults.group_pilot_min_groups)
    if group_count < defaults.group_pilot_min_groups:
        acc.error("PM-30", "not_divided", "Chi bộ chưa chia tổ đảng", "The cell is not yet divided into party groups")
    acc.rule("PM-22")
    if not approval_in_force:
        acc.error("PM-22", "no_approval", "Chưa có văn bản chấp thuận của cấp ủy cấp trên trực tiếp", "No approval of the directly superior committee")
    return acc.decision()


def check_group_meeting_month(
    scheduled_months: Collection[int], month: int, *, defaults: MeetingDefaults = DEFAULTS
) -> Decision:
    """PM-31: group meetings replace the whole-cell meeting at most 3 times a calendar year."""
    acc = _Acc("PM-31")
    acc.default("PM-31", "group_meetings_max_per_year", defaults.group_meetings_max_per_year)
    if not 1 <= month <= 12:
        raise ValueError("month must be 1..12")
    already = set(scheduled_months) - {month}
    if month not in scheduled_months and len(already) >= defaults.group_meetings_max_per_year:
        acc.error(
            "PM-31",
            "annual_cap",
            f"Đã có {len(already)} tháng sinh hoạt theo tổ trong năm (tối đa {defaults.group_meetings_max_per_year}); "
            f"tháng {month} sinh hoạt toàn chi bộ",
            f"{len(already)} group-meeting months already this year (max {defaults.group_meetings_max_per_year}); "
            f"month {month} is a whole-cell meeting",
        )
    return acc.decision()


@dataclass(frozen=True)
class GroupMeetingPlan:
    by_groups: tuple[int, ...]
    whole_cell: tuple[int, ...]
    decision: Decision


def plan_group_meetings(months: Sequence[int], *, defaults: MeetingDefaults = DEFAULTS) -> GroupMeetingPlan:
    """PM-31: accept planned group-meeting months in order up to the cap; the rest stay whole-cell meetings."""
    acc = _Acc("PM-31")
    accepted: list[int] = []
    for month in months:
        d = check_group_meeting_month(accepted, month, defaults=defaults)
        acc.defaults.extend(x for x in d.defaults_applied if x not in acc.defaults)
        if d.ok:
            if month not in accepted:
                accepted.append(month)
        else:
            acc.errors.extend(d.errors)
    whole = tuple(m for m in range(1, 13) if m not in accepted)
    return GroupMeetingPlan(tuple(sorted(accepted)), whole, acc.decision())


@dataclass(frozen=True)
class GroupMonth:
    held: bool
    groups_met: tuple[str, ...]
    groups_missing: tuple[str, ...]
    rule_ids: tuple[str, ...] = ("PM-32", "PM-12")


def month_held_by_groups(
    group_ids: Collection[str],
    meetings: Sequence[GroupMeeting],
    year: int,
    month: int,
    *,
    defaults: MeetingDefaults = DEFAULTS,
) -> GroupMonth:
    """PM-32: held by groups only when every group held a valid (PM-12) meeting with finalized minutes that month."""
    met = sorted(
        {
            m.group_id
            for m in meetings
            if m.group_id in group_ids
            and m.held_on.year == year
            and m.held_on.month == month
            and m.minutes_finalized
            and meeting_quorum(m.full_present, m.full_convened, defaults=defaults).valid
        }
    )
    missing = sorted(set(group_ids) - set(met))
    return GroupMonth(bool(group_ids) and not missing, tuple(met), tuple(missing))


def check_group_agenda(agenda: Sequence[AgendaItem], *, defaults: MeetingDefaults = DEFAULTS) -> Decision:
    """PM-33: a group meeting decides nothing that needs the whole cell; it records opinions for the cell."""
    acc = _Acc("PM-33")
    acc.default("PM-33", "whole_cell_content", defaults.online_excluded_content)
    for item in agenda:
        if not item.decides:
            continue
        if item.content_kinds & defaults.online_excluded_content:
            acc.error(
                "PM-33",
                "whole_cell_content",
                f"“{item.title_vi}” phải do toàn chi bộ quyết định; tổ đảng chỉ ghi ý kiến",
                f"“{item.title_en or item.title_vi}” must be decided by the whole cell; the group records opinions",
            )
        else:
            acc.error(
                "PM-33",
                "cell_resolution",
                f"Tổ đảng không ra nghị quyết của chi bộ (“{item.title_vi}”); chỉ ghi ý kiến",
                f"A party group does not adopt cell resolutions (“{item.title_en or item.title_vi}”); it records opinions",
            )
    return acc.decision()


# ---------------------------------------------------------------------------------------------
# PM-34..PM-36: statistics, evidence, pilot reports
# ---------------------------------------------------------------------------------------------


def attendance_permille(present: int, convened: int) -> int:
    """PM-34: integer permille rounded down; 0 when nobody was convened."""
    if present < 0 or convened < 0:
        raise ValueError("counts cannot be negative")
    return 1000 * present // convened if convened else 0


@dataclass(frozen=True)
class MeetingStatistics:
    """PM-34 figures of one organization for one period (add them up the tree with :func:`statistics_rollup`)."""

    cells: int = 0
    regular_held: int = 0
    regular_due: int = 0
    thematic_held: int = 0
    thematic_due: int = 0
    valid_meetings: int = 0
    invalid_meetings: int = 0
    full_convened: int = 0
    present_in_person: int = 0
    present_online: int = 0
    flagged_members: int = 0
    online_units_approved: int = 0
    group_units_approved: int = 0
    meetings_online: int = 0
    meetings_by_group: int = 0
    unable_by_reason: tuple[tuple[str, int], ...] = ()
    problems_reported: int = 0

    @property
    def in_person_permille(self) -> int:
        return attendance_permille(self.present_in_person, self.full_convened)

    @property
    def online_permille(self) -> int:
        return attendance_permille(self.present_online, self.full_convened)

    @property
    def attendance_permille(self) -> int:
        return attendance_permille(self.present_in_person + self.present_online, self.full_convened)


_STAT_INT_FIELDS = (
    "cells",
    "regular_held",
    "regular_due",
    "thematic_held",
    "thematic_due",
    "valid_meetings",
    "invalid_meetings",
    "full_convened",
    "present_in_person",
    "present_online",
    "flagged_members",
    "online_units_approved",
    "group_units_approved",
    "meetings_online",
    "meetings_by_group",
    "problems_reported",
)


@dataclass(frozen=True)
class StatisticsRollup:
    totals: MeetingStatistics
    children_included: int
    children_expected: int
    rule_ids: tuple[str, ...] = ("PM-34",)

    @property
    def partial(self) -> bool:
        return self.children_included < self.children_expected


def statistics_rollup(
    children: Mapping[str, MeetingStatistics | None], own: MeetingStatistics | None = None
) -> StatisticsRollup:
    """PM-34: sum the children's figures (None = not reported) with the count of children included."""
    parts = [s for s in children.values() if s is not None]
    if own is not None:
        parts.append(own)
    sums = {name: sum(int(getattr(p, name)) for p in parts) for name in _STAT_INT_FIELDS}
    reasons: dict[str, int] = {}
    for p in parts:
        for code, n in p.unable_by_reason:
            reasons[code] = reasons.get(code, 0) + n
    totals = MeetingStatistics(**sums, unable_by_reason=tuple(sorted(reasons.items())))
    return StatisticsRollup(totals, sum(1 for s in children.values() if s is not None), len(children))


@dataclass(frozen=True)
class AttendanceEvidence:
    """PM-35: offered as evidence in the annual self-review (AR-7); never changes the rating."""

    year: int
    attended: int
    convened: int
    text_vi: str
    text_en: str
    affects_rating: bool = False
    rule_ids: tuple[str, ...] = ("PM-35",)


def annual_attendance_evidence(regular_attendance: Iterable[tuple[date, AttendanceStatus]], year: int) -> AttendanceEvidence:
    """PM-35: regular meetings attended / convened for one member and year."""
    rows = [(d, s) for d, s in regular_attendance if d.year == year]
    convened = sum(1 for _, s in rows if s is not AttendanceStatus.NOT_CONVENED)
    attended = sum(1 for _, s in rows if s in (AttendanceStatus.PRESENT_IN_PERSON, AttendanceStatus.PRESENT_ONLINE))
    return AttendanceEvidence(
        year,
        attended,
        convened,
        f"Năm {year} dự {attended}/{convened} buổi sinh hoạt chi bộ thường kỳ",
        f"Attended {attended}/{convened} regular cell meetings in {year}",
    )


@dataclass(frozen=True)
class PilotReportDue:
    period: Period
    reporter: str  # "piloting_unit" or "approving_committee"
    recipient: str  # "approving_committee" or "superior_committee"
    due_on: date


@dataclass(frozen=True)
class PilotReportSchedule:
    items: tuple[PilotReportDue, ...]
    rule_ids: tuple[str, ...]
    defaults_applied: tuple[DefaultApplied, ...]


def pilot_report_schedule(year: int, *, defaults: MeetingDefaults = DEFAULTS) -> PilotReportSchedule:
    """PM-36: each piloting unit reports to its approver every period of ``pilot_report_cadence``; the approver reports yearly upward.

    Periods and deadlines come from the directives module's periodic reports (DI-8, DI-9).
    """
    items: list[PilotReportDue] = []
    applied: list[DefaultApplied] = [DefaultApplied("PM-36", "pilot_report_cadence", defaults.pilot_report_cadence.value)]
    for p in periods_in_year(defaults.pilot_report_cadence, year):
        dl = period_deadline(p)
        for x in dl.defaults_applied:
            mine = DefaultApplied(x.rule_id, x.name, x.value)
            if mine not in applied:
                applied.append(mine)
        items.append(PilotReportDue(p, "piloting_unit", "approving_committee", dl.due_on))
    year_period = periods_in_year(PeriodKind.YEAR, year)[0]
    items.append(PilotReportDue(year_period, "approving_committee", "superior_committee", period_deadline(year_period).due_on))
    return PilotReportSchedule(tuple(items), ("PM-36", "DI-8", "DI-9"), tuple(applied))
