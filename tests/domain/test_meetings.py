"""Party meetings domain rules (spec: party-meetings.md, PM-1..PM-36, worked examples PM-X1..PM-X13)."""

from __future__ import annotations

from datetime import date, datetime, time
from fractions import Fraction

import pytest

from partyorg.domain.directives import PeriodKind
from partyorg.domain.meetings import (
    Absentee,
    AgendaItem,
    AttendanceRow,
    AttendanceStatus,
    CellLeadership,
    ConnectionLog,
    ContentKind,
    GroupMeeting,
    HeldMeeting,
    MeetingDefaults,
    MeetingKind,
    MeetingMode,
    MeetingRuleError,
    MeetingStatistics,
    Minutes,
    NotConvenedReason,
    OnlineMeetingRequest,
    OnlineRosterEntry,
    OrgKind,
    PartyGroup,
    PilotApproval,
    PilotKind,
    PilotSetting,
    RosterMember,
    SpecialCharacteristic,
    Standing,
    UnableReason,
    VoteCount,
    annual_attendance_evidence,
    approval_in_force,
    approval_roster_warning,
    attendance_check,
    attendance_permille,
    cell_congress_due,
    cell_structure,
    check_extraordinary_meeting,
    check_group_agenda,
    check_group_meeting_month,
    check_online_agenda,
    check_online_meeting,
    check_online_minutes,
    check_party_groups,
    check_unable_reason,
    close_pilot,
    default_regular_agenda,
    full_members_convened,
    group_pilot_eligibility,
    is_pilot_guidance,
    meeting_compliance,
    meeting_quorum,
    minutes_correct,
    minutes_finalize,
    minutes_missing,
    month_held_by_groups,
    online_eligibility,
    online_eligibility_counts,
    pilot_enabled,
    pilot_report_schedule,
    plan_group_meetings,
    required_meetings,
    resolution_adoption,
    revise_agenda_template,
    statistics_rollup,
    unexcused_absence_flag,
)

PLATFORMS = MeetingDefaults(approved_platforms=frozenset({"Zoom-Dang", "VNPT-Meet"}))


def regulars(year: int, months, **kw) -> list[HeldMeeting]:
    return [HeldMeeting(date(year, m, 10), MeetingKind.REGULAR, True, **kw) for m in months]


# ---------------------------------------------------------------------------------------------
# PM-1, PM-2: the pilot guidance and setting
# ---------------------------------------------------------------------------------------------

GUIDANCE = [("03-HD/TW", True), ("03-HD/BBT", True), ("3-HD/TW", True), ("03-hd/tw", True), ("04-HD/TW", False), ("03-KL/TW", False), ("03-HD/TU", False), ("rubbish", False)]


@pytest.mark.parametrize(("symbol", "ok"), GUIDANCE, ids=[f"PM-1 {s}" for s, _ in GUIDANCE])
def test_pm1_pilot_guidance_and_alias(symbol, ok):
    """PM-1: pilot guidance and alias."""
    assert is_pilot_guidance(symbol) is ok


def test_pm2_pilot_setting_open_interval_and_closing():
    """PM-2: pilot setting open interval and closing."""
    s = PilotSetting("Đồng Nai", ("03-HD/TW", "50-CT/TW", "15-HD/BTCTU"), date(2023, 6, 1))
    assert not pilot_enabled(s, date(2023, 5, 31)).ok
    assert pilot_enabled(s, date(2023, 6, 1)).ok
    closed = close_pilot(s, date(2026, 1, 1), "99-HD/TW")
    assert closed.replaced_by == "99-HD/TW"
    assert pilot_enabled(closed, date(2025, 12, 31)).ok
    d = pilot_enabled(closed, date(2026, 1, 1))
    assert d.error_codes == ("pilot_closed",) and "PM-2" in d.rule_ids
    with pytest.raises(MeetingRuleError):
        close_pilot(s, date(2026, 1, 1), " ")
    assert "no_legal_basis" in pilot_enabled(PilotSetting("X", (), date(2023, 1, 1)), date(2024, 1, 1)).error_codes


# ---------------------------------------------------------------------------------------------
# PM-3..PM-9: frequency and compliance
# ---------------------------------------------------------------------------------------------


def test_pm3_pm4_pm5_required_meetings_by_organization_kind():
    """PM-3, PM-4, PM-5: required meetings by organization kind."""
    kinds = {k: [(r.kind, r.cadence.value, r.rule_id) for r in required_meetings(k)] for k in OrgKind}
    assert kinds[OrgKind.SUBORDINATE_CELL] == [(MeetingKind.REGULAR, "month", "PM-3"), (MeetingKind.THEMATIC, "quarter", "PM-5")]
    assert kinds[OrgKind.CELL_COMMITTEE] == [(MeetingKind.REGULAR, "month", "PM-3")]
    assert kinds[OrgKind.GRASSROOTS_CELL] == [(MeetingKind.REGULAR, "month", "PM-4"), (MeetingKind.THEMATIC, "quarter", "PM-5")]
    assert kinds[OrgKind.GRASSROOTS_COMMITTEE] == [(MeetingKind.REGULAR, "month", "PM-4")]
    assert kinds[OrgKind.GRASSROOTS_ORGANIZATION] == [(MeetingKind.WHOLE_MEMBERSHIP, "half_year", "PM-4")]


def test_pm_x5_ordinary_cell_year_12_regular_4_thematic_combined_counts_pm6():
    """PM-X5: 12 regular due, 4 thematic, each may sit with a regular meeting (PM-6)."""
    meetings = regulars(2026, range(1, 13))
    meetings = [replace_thematic(m) if m.held_on.month in (3, 6, 9, 12) else m for m in meetings]
    c = meeting_compliance(OrgKind.SUBORDINATE_CELL, 2026, meetings)
    assert c.of(MeetingKind.REGULAR).label == "12/12"
    assert c.of(MeetingKind.THEMATIC).label == "4/4"
    assert any(d.rule_id == "PM-6" and d.value == "true" for d in c.defaults_applied)
    # with the default switched off a combined sitting counts only as the regular meeting
    c = meeting_compliance(OrgKind.SUBORDINATE_CELL, 2026, meetings, defaults=MeetingDefaults(thematic_with_regular=False))
    assert c.of(MeetingKind.THEMATIC).label == "0/4" and c.of(MeetingKind.REGULAR).label == "12/12"


def replace_thematic(m: HeldMeeting) -> HeldMeeting:
    return HeldMeeting(m.held_on, m.kind, m.minutes_finalized, also_thematic=True)


def test_pm_x10_missing_july_is_listed_pm7():
    """PM-X10: no regular meeting with finalized minutes in July -> 11/12, July listed."""
    meetings = regulars(2026, [m for m in range(1, 13) if m != 7])
    meetings.append(HeldMeeting(date(2026, 7, 10), MeetingKind.REGULAR, minutes_finalized=False))
    c = meeting_compliance(OrgKind.SUBORDINATE_CELL, 2026, meetings)
    reg = c.of(MeetingKind.REGULAR)
    assert reg.label == "11/12" and reg.missing == (7,)
    assert "PM-7" in c.rule_ids and "PM-3" in c.rule_ids


def test_pm_x13_cell_created_mid_march_pm7():
    """PM-X13: created 2026-03-15 -> regular due from April (9); Q1 thematic not due."""
    c = meeting_compliance(OrgKind.SUBORDINATE_CELL, 2026, [], created_on=date(2026, 3, 15))
    assert c.of(MeetingKind.REGULAR).due == 9
    assert c.of(MeetingKind.REGULAR).missing == tuple(range(4, 13))
    assert c.of(MeetingKind.THEMATIC).due == 3 and c.of(MeetingKind.THEMATIC).missing == (2, 3, 4)
    # a meeting held in March (not a due month) is not counted
    c = meeting_compliance(OrgKind.SUBORDINATE_CELL, 2026, regulars(2026, [3]), created_on=date(2026, 3, 15))
    assert c.of(MeetingKind.REGULAR).held == 0


EXISTENCE = [
    # created_on, dissolved_on, as_of, regular due
    (date(2026, 3, 1), None, None, 10),  # created on the first day: March is due
    (date(2026, 3, 2), None, None, 9),  # one day later: March is not
    (date(2026, 2, 28), None, None, 10),
    (None, date(2026, 11, 1), None, 10),  # dissolved on 1 November: November not due
    (None, date(2026, 12, 31), None, 11),  # dissolved on the last day of December: December not whole
    (None, None, date(2026, 7, 1), 6),  # as of 1 July: Jan-Jun ended
    (None, None, date(2026, 6, 30), 5),  # June has not ended yet
]


@pytest.mark.parametrize(("created", "dissolved", "as_of", "due"), EXISTENCE, ids=[f"PM-7 due {e}" for e in EXISTENCE])
def test_pm7_due_only_for_whole_elapsed_months(created, dissolved, as_of, due):
    """PM-7: due only for whole elapsed months."""
    c = meeting_compliance(OrgKind.CELL_COMMITTEE, 2026, [], created_on=created, dissolved_on=dissolved, as_of=as_of)
    assert c.of(MeetingKind.REGULAR).due == due


def test_pm7_grassroots_organization_whole_membership_twice_a_year_pm4():
    """PM-7, PM-4: grassroots organization whole membership twice a year (PM-4)."""
    m = [HeldMeeting(date(2026, 6, 20), MeetingKind.WHOLE_MEMBERSHIP, True)]
    c = meeting_compliance(OrgKind.GRASSROOTS_ORGANIZATION, 2026, m)
    assert c.of(MeetingKind.WHOLE_MEMBERSHIP).label == "1/2" and c.of(MeetingKind.WHOLE_MEMBERSHIP).missing == (2,)
    assert "PM-4" in c.rule_ids


def test_pm8_extraordinary_meeting_counts_only_with_regular_agenda():
    """PM-8: extraordinary meeting counts only with regular agenda."""
    base = [m for m in regulars(2026, range(1, 13)) if m.held_on.month != 5]
    extra = HeldMeeting(date(2026, 5, 20), MeetingKind.EXTRAORDINARY, True)
    c = meeting_compliance(OrgKind.CELL_COMMITTEE, 2026, [*base, extra])
    assert c.of(MeetingKind.REGULAR).missing == (5,)
    assert any(d.name == "extraordinary_counts_as_regular" and d.value == "false" for d in c.defaults_applied)
    covering = HeldMeeting(date(2026, 5, 20), MeetingKind.EXTRAORDINARY, True, covers_regular_agenda=True)
    assert meeting_compliance(OrgKind.CELL_COMMITTEE, 2026, [*base, covering]).of(MeetingKind.REGULAR).label == "12/12"
    lenient = MeetingDefaults(extraordinary_counts_as_regular=True)
    assert meeting_compliance(OrgKind.CELL_COMMITTEE, 2026, [*base, extra], defaults=lenient).of(MeetingKind.REGULAR).label == "12/12"
    d = check_extraordinary_meeting("Bí thư chi bộ", "Phòng chống bão")
    assert d.ok and "PM-8" in d.rule_ids
    assert set(check_extraordinary_meeting("", " ").error_codes) == {"convened_by", "reason"}


def test_pm9_cell_congress_due_thirty_months_later():
    """PM-9: cell congress due thirty months later."""
    assert cell_congress_due(date(2022, 6, 15)) == date(2024, 12, 15)
    assert cell_congress_due(date(2024, 8, 31)) == date(2027, 2, 28)  # month end clamps


def test_pm27_approved_online_meeting_counts_like_in_person():
    """PM-27: approved online meeting counts like in person."""
    online_ok = HeldMeeting(date(2026, 1, 10), MeetingKind.REGULAR, True, mode=MeetingMode.ONLINE, online_approved=True)
    online_no = HeldMeeting(date(2026, 2, 10), MeetingKind.REGULAR, True, mode=MeetingMode.ONLINE, online_approved=False)
    thematic_online = HeldMeeting(date(2026, 1, 20), MeetingKind.THEMATIC, True, mode=MeetingMode.ONLINE, online_approved=True)
    c = meeting_compliance(OrgKind.SUBORDINATE_CELL, 2026, [online_ok, online_no, thematic_online], as_of=date(2026, 3, 1))
    assert c.of(MeetingKind.REGULAR).label == "1/2" and c.of(MeetingKind.REGULAR).missing == (2,)
    assert "PM-27" in c.rule_ids


# ---------------------------------------------------------------------------------------------
# PM-10..PM-15: convening, quorum, votes
# ---------------------------------------------------------------------------------------------


def test_pm11_full_members_convened_pm_x6():
    """PM-11: full members convened (PM-X6)."""
    assert full_members_convened(20, 1, 0, 1) == 18
    assert full_members_convened(20, 0, 0, 0) == 20
    with pytest.raises(ValueError):
        full_members_convened(2, 1, 1, 1)
    with pytest.raises(ValueError):
        full_members_convened(-1, 0, 0, 0)


QUORUM = [
    # present, convened, valid, comparison
    (12, 18, True, "36 >= 36"),  # PM-X6
    (11, 18, False, "33 < 36"),  # PM-X6
    (13, 18, True, "39 >= 36"),
    (2, 3, True, "6 >= 6"),
    (1, 3, False, "3 < 6"),
    (3, 4, True, "9 >= 8"),
    (2, 4, False, "6 < 8"),
    (5, 7, True, "15 >= 14"),
    (4, 7, False, "12 < 14"),
    (0, 0, False, "0 >= 0"),  # nobody convened: never valid
]


@pytest.mark.parametrize(("present", "convened", "valid", "cmp"), QUORUM, ids=[f"PM-12 {p}/{c}" for p, c, *_ in QUORUM])
def test_pm12_quorum_two_thirds(present, convened, valid, cmp):
    """PM-12: quorum two thirds."""
    q = meeting_quorum(present, convened)
    assert (q.valid, q.comparison) == (valid, cmp)
    assert q.rule_ids == ("PM-12",) and q.defaults_applied[0].value == "2/3"


def test_pm12_quorum_configurable_and_input_errors():
    """PM-12: quorum configurable and input errors."""
    assert meeting_quorum(10, 18, defaults=MeetingDefaults(quorum=Fraction(1, 2))).valid
    assert not meeting_quorum(8, 18, defaults=MeetingDefaults(quorum=Fraction(1, 2))).valid
    with pytest.raises(ValueError):
        meeting_quorum(19, 18)
    with pytest.raises(ValueError):
        meeting_quorum(-1, 18)


ADOPTION = [
    (10, 18, True, "20 > 18"),  # PM-X7
    (9, 18, False, "18 <= 18"),  # PM-X7
    (8, 18, False, "16 <= 18"),
    (0, 18, False, "0 <= 18"),
    (11, 18, True, "22 > 18"),
    (4, 7, True, "8 > 7"),
    (3, 7, False, "6 <= 7"),
]


@pytest.mark.parametrize(("yes", "convened", "adopted", "cmp"), ADOPTION, ids=[f"PM-13 {y}/{c}" for y, c, *_ in ADOPTION])
def test_pm13_resolution_adopted_by_more_than_half_of_convened(yes, convened, adopted, cmp):
    """PM-13: resolution adopted by more than half of convened."""
    r = resolution_adoption(VoteCount(yes, convened - yes), convened)
    assert (r.adopted, r.comparison) == (adopted, cmp)
    assert "PM-13" in r.rule_ids


def test_pm13_invalid_meeting_adopts_nothing_and_vote_counts_checked():
    """PM-13: invalid meeting adopts nothing and vote counts checked."""
    r = resolution_adoption(VoteCount(11), 18, full_present=11, meeting_valid=False)
    assert not r.adopted and r.reason is not None and r.reason.rule_id == "PM-12"
    with pytest.raises(MeetingRuleError):
        resolution_adoption(VoteCount(10, 2, 1), 18, full_present=12)  # 13 votes, 12 present


def _roster() -> list[RosterMember]:
    members = [RosterMember(f"m{i:02d}") for i in range(18)]
    members.append(RosterMember("ex", exempt=True))
    members.append(RosterMember("tmp", temporary_elsewhere=True))
    members.append(RosterMember("pb", standing=Standing.PROBATIONARY))
    return members


def _rows(present: int, online: int = 0) -> list[AttendanceRow]:
    rows = []
    for i in range(18):
        if i < present - online:
            st = AttendanceStatus.PRESENT_IN_PERSON
        elif i < present:
            st = AttendanceStatus.PRESENT_ONLINE
        else:
            st = AttendanceStatus.ABSENT_EXCUSED
        rows.append(AttendanceRow(f"m{i:02d}", Standing.FULL, st, reason="Ốm" if st is AttendanceStatus.ABSENT_EXCUSED else ""))
    rows.append(AttendanceRow("ex", Standing.FULL, AttendanceStatus.NOT_CONVENED, not_convened_reason=NotConvenedReason.EXEMPT))
    rows.append(AttendanceRow("tmp", Standing.FULL, AttendanceStatus.NOT_CONVENED, not_convened_reason=NotConvenedReason.TEMPORARY_ELSEWHERE))
    rows.append(AttendanceRow("pb", Standing.PROBATIONARY, AttendanceStatus.PRESENT_IN_PERSON))
    rows.append(AttendanceRow("guest1", Standing.GUEST, AttendanceStatus.PRESENT_IN_PERSON))
    return rows


def test_pm10_pm11_attendance_rows_and_counts_pm_x6():
    """PM-10, PM-11: attendance rows and counts (PM-X6)."""
    res = attendance_check(_roster(), _rows(12))
    assert res.decision.ok
    c = res.counts
    assert (c.full_convened, c.full_present, c.full_absent_excused, c.probationary_present, c.guests) == (18, 12, 6, 1, 1)
    assert res.quorum.valid and res.quorum.comparison == "36 >= 36"
    res = attendance_check(_roster(), _rows(11))
    assert res.decision.ok and not res.quorum.valid


def test_pm10_attendance_errors():
    """PM-10: attendance errors."""
    rows = _rows(12)
    rows[12] = AttendanceRow("m12", Standing.FULL, AttendanceStatus.ABSENT_EXCUSED, reason="")
    assert "absence_reason" in attendance_check(_roster(), rows).decision.error_codes
    rows = _rows(12)[:-3]  # drop rows of tmp, pb, guest1
    assert "one_row_per_member" in attendance_check(_roster(), rows).decision.error_codes
    rows = _rows(12)
    rows[18] = AttendanceRow("ex", Standing.FULL, AttendanceStatus.PRESENT_IN_PERSON)
    assert "must_not_be_convened" in attendance_check(_roster(), rows).decision.error_codes
    rows = _rows(12)
    rows[0] = AttendanceRow("m00", Standing.FULL, AttendanceStatus.NOT_CONVENED, not_convened_reason=NotConvenedReason.SUSPENDED)
    assert "should_be_convened" in attendance_check(_roster(), rows).decision.error_codes
    rows = _rows(12)
    rows[19] = AttendanceRow("tmp", Standing.FULL, AttendanceStatus.NOT_CONVENED, not_convened_reason=NotConvenedReason.EXEMPT)
    assert "not_convened_mismatch" in attendance_check(_roster(), rows).decision.error_codes
    rows = [*_rows(12), AttendanceRow("stranger", Standing.FULL, AttendanceStatus.PRESENT_IN_PERSON)]
    assert "not_on_roster" in attendance_check(_roster(), rows).decision.error_codes


def test_pm14_online_presence_only_in_an_approved_online_meeting():
    """PM-14: online presence only in an approved online meeting."""
    rows = _rows(12, online=4)
    res = attendance_check(_roster(), rows, online_meeting_approved=True)
    assert res.decision.ok and res.counts.full_present_online == 4 and res.quorum.valid
    assert "PM-14" in res.decision.rule_ids
    res = attendance_check(_roster(), rows, online_meeting_approved=False)
    assert res.decision.error_codes == ("online_not_approved",)
    assert not res.quorum.valid  # the online members do not count: 8 present of 18
    res = attendance_check(_roster(), rows, online_meeting_approved=True, defaults=MeetingDefaults(online_counts_as_present=False))
    assert res.counts.full_present == 8 and not res.quorum.valid


ABSENCES = [
    ([date(2026, 3, 5), date(2026, 6, 5), date(2026, 10, 5)], True),  # PM-X11
    ([date(2026, 3, 5), date(2026, 6, 5)], False),
    ([date(2026, 3, 5), date(2026, 3, 20), date(2026, 6, 5)], False),  # same month twice
    ([date(2025, 12, 5), date(2026, 3, 5), date(2026, 6, 5)], False),  # other year
    ([date(2026, m, 5) for m in (1, 2, 3, 4)], True),
]


@pytest.mark.parametrize(("dates", "flagged"), ABSENCES, ids=[f"PM-15 {len(d)} absences" for d, _ in ABSENCES])
def test_pm15_unexcused_absence_flag(dates, flagged):
    """PM-15: unexcused absence flag."""
    f = unexcused_absence_flag("m1", dates, 2026)
    assert f.flagged is flagged and f.automatic_action is None
    assert f.defaults_applied[0].value == "3"


# ---------------------------------------------------------------------------------------------
# PM-16..PM-18: agenda and minutes
# ---------------------------------------------------------------------------------------------


def test_pm16_default_agenda_and_versions():
    """PM-16: default agenda and versions."""
    t = default_regular_agenda()
    assert len(t.items) == 5 and t.version == 1 and t.items[-1].decides
    assert t.items[0].title_vi.startswith("Điểm danh")
    combined = default_regular_agenda(combined_thematic=True)
    assert len(combined.items) == 6 and combined.items[4].title_en == "Thematic content"
    edited = revise_agenda_template(t, [*t.items, AgendaItem("Góp ý", "Opinions")])
    assert edited.version == 2 and len(edited.items) == 6
    with pytest.raises(MeetingRuleError):
        revise_agenda_template(t, [])


def _minutes(**kw) -> Minutes:
    base = {
        "kind": MeetingKind.REGULAR,
        "held_on": date(2026, 4, 10),
        "start_time": time(8, 0),
        "end_time": time(10, 0),
        "place_or_platform": "Hội trường",
        "chair": "Bí thư",
        "recorder": "Đ/c B",
        "full_convened": 18,
        "full_present": 16,
        "absentees": (Absentee("Đ/c C", "Ốm"), Absentee("Đ/c D", "Công tác")),
        "agenda_items": ("Nhiệm vụ tháng 5",),
        "conclusions": "Thống nhất",
        "resolution_text": "Nghị quyết tháng 5",
        "votes": VoteCount(16),
        "chair_signed": True,
        "recorder_signed": True,
        "agenda_template_version": 2,
    }
    base.update(kw)
    return Minutes(**base)


def test_pm17_minutes_finalize_lock_and_correct():
    """PM-17: minutes finalize lock and correct."""
    m = _minutes()
    assert minutes_missing(m) == ()
    final = minutes_finalize(m)
    assert final.finalized
    with pytest.raises(MeetingRuleError):
        minutes_finalize(final)
    corrected = minutes_correct(final, "Sai giờ kết thúc", end_time=time(10, 30))
    assert corrected.version == 2 and not corrected.finalized and corrected.correction_reason == "Sai giờ kết thúc"
    assert corrected.end_time == time(10, 30) and not corrected.chair_signed
    assert final.end_time == time(10, 0)  # the finalized version is untouched
    with pytest.raises(MeetingRuleError):
        minutes_correct(final, " ")
    with pytest.raises(MeetingRuleError):
        minutes_correct(m, "x")
    with pytest.raises(MeetingRuleError):
        minutes_correct(final, "x", finalized=True)


def test_pm17_minutes_missing_fields_and_signatures():
    """PM-17: minutes missing fields and signatures."""
    with pytest.raises(MeetingRuleError) as exc:
        minutes_finalize(_minutes(chair_signed=False))
    assert "signatures" in exc.value.en
    assert minutes_finalize(_minutes(chair_signed=False, recorder_signed=False, signed_scan_attached=True)).finalized
    assert "vote_counts" in minutes_missing(_minutes(votes=None))
    assert "absentees_named" in minutes_missing(_minutes(absentees=()))
    assert "absence_reasons" in minutes_missing(_minutes(absentees=(Absentee("C", ""), Absentee("D", "x"))))
    assert "end_after_start" in minutes_missing(_minutes(end_time=time(7, 0)))
    assert {"chair", "recorder", "place_or_platform"} <= set(minutes_missing(_minutes(chair="", recorder="", place_or_platform="")))


def test_pm18_thematic_minutes_need_topic_and_presenter():
    """PM-18: thematic minutes need topic and presenter."""
    m = _minutes(kind=MeetingKind.THEMATIC)
    assert set(minutes_missing(m)) == {"topic", "presenter"}
    m = _minutes(kind=MeetingKind.THEMATIC, topic="Học tập tư tưởng Hồ Chí Minh", presenter="Đ/c A", linked_documents=("05-CT/TW",))
    assert minutes_missing(m) == ()


# ---------------------------------------------------------------------------------------------
# PM-19..PM-27: online meetings
# ---------------------------------------------------------------------------------------------

ELIGIBILITY = [
    # members, exempt, suspended, unable, eligible, comparison
    (30, 2, 1, 14, True, "28 > 27"),  # PM-X1
    (30, 2, 1, 13, False, "26 <= 27"),  # PM-X2
    (30, 2, 1, 15, True, "30 > 27"),
    (10, 0, 0, 5, False, "10 <= 10"),  # exactly half is not more than half
    (10, 0, 0, 6, True, "12 > 10"),
    (10, 0, 0, 4, False, "8 <= 10"),
]


@pytest.mark.parametrize(("members", "exempt", "susp", "unable", "eligible", "cmp"), ELIGIBILITY, ids=[f"PM-19 {r[3]} of {r[0]}" for r in ELIGIBILITY])
def test_pm19_online_eligibility_counts(members, exempt, susp, unable, eligible, cmp):
    """PM-19: online eligibility counts."""
    e = online_eligibility_counts(members, exempt, susp, unable)
    assert (e.base, e.eligible, e.comparison) == (members - exempt - susp, eligible, cmp)


def _ship_roster(unable: int, probationary_unable: int = 0) -> list[OnlineRosterEntry]:
    ship = UnableReason(characteristic=SpecialCharacteristic.C_SHIP_CREW)
    roster = [OnlineRosterEntry("e1", exempt=True), OnlineRosterEntry("e2", exempt=True), OnlineRosterEntry("s1", suspended=True)]
    for i in range(27):
        prob = i < probationary_unable
        roster.append(OnlineRosterEntry(f"m{i}", probationary=prob, unable=ship if i < unable else None))
    return roster


def test_pm19_pm_x1_x2_from_the_roster_with_probationary_default():
    """PM-19: (PM-X1, PM-X2) from the roster with probationary default."""
    e = online_eligibility(_ship_roster(14))
    assert e.eligible and e.base == 27 and e.comparison == "28 > 27"
    assert e.unable_by_reason == (("c_ship_crew", 14),)
    assert any(d.name == "online_base_includes_probationary" for d in e.defaults_applied)
    assert not online_eligibility(_ship_roster(13)).eligible
    # without probationary members: 2 probationary unable leave 12 of a base of 25
    strict = MeetingDefaults(online_base_includes_probationary=False)
    e = online_eligibility(_ship_roster(14, probationary_unable=2), defaults=strict)
    assert (e.base, e.unable, e.eligible) == (25, 12, False)


def test_pm20_pm21_reasons_are_codes_or_listed_circumstances():
    """PM-20, PM-21: reasons are codes or listed circumstances."""
    assert check_unable_reason(UnableReason(characteristic=SpecialCharacteristic.A_ABROAD)).ok
    assert SpecialCharacteristic.B_STUDENT_BREAK.group == "b" and SpecialCharacteristic.C_OFFSHORE.group == "c"
    assert check_unable_reason(UnableReason(circumstance="epidemic")).ok
    d = check_unable_reason(UnableReason(circumstance="wedding"))
    assert d.error_codes == ("unknown_circumstance",) and "PM-21" in d.rule_ids
    assert check_unable_reason(UnableReason()).error_codes == ("one_reason",)
    both = UnableReason(characteristic=SpecialCharacteristic.C_HEALTH, circumstance="epidemic")
    assert check_unable_reason(both).error_codes == ("one_reason",)
    # a member with an invalid reason is not counted as unable
    roster = [OnlineRosterEntry("a", unable=UnableReason(circumstance="wedding")), OnlineRosterEntry("b")]
    e = online_eligibility(roster)
    assert e.unable == 0 and e.invalid_reasons == ("a",) and "PM-21" in e.rule_ids


APPROVAL = PilotApproval("12-QĐ/ĐU", date(2025, 4, 1), "Đảng ủy phường", date(2025, 5, 1), date(2026, 4, 30), frozenset({"c1", "c2"}))


def _request(**kw) -> OnlineMeetingRequest:
    base = {
        "cell_id": "c1",
        "on": date(2026, 4, 10),
        "kind": MeetingKind.REGULAR,
        "agenda": default_regular_agenda().items,
        "platform": "Zoom-Dang",
    }
    base.update(kw)
    return OnlineMeetingRequest(**base)


def test_pm22_online_meeting_needs_approval_in_force_pm_x8():
    """PM-22: online meeting needs approval in force (PM-X8)."""
    assert check_online_meeting(_request(), [APPROVAL], defaults=PLATFORMS).ok
    d = check_online_meeting(_request(on=date(2026, 5, 10)), [APPROVAL], defaults=PLATFORMS)  # PM-X8
    assert d.error_codes == ("no_approval",) and "PM-22" in d.rule_ids
    assert check_online_meeting(_request(on=date(2026, 4, 30)), [APPROVAL], defaults=PLATFORMS).ok  # last valid day
    assert not check_online_meeting(_request(on=date(2026, 5, 1)), [APPROVAL], defaults=PLATFORMS).ok  # one day after
    assert check_online_meeting(_request(on=date(2025, 5, 1)), [APPROVAL], defaults=PLATFORMS).ok  # first valid day
    assert not check_online_meeting(_request(on=date(2025, 4, 30)), [APPROVAL], defaults=PLATFORMS).ok
    assert not check_online_meeting(_request(cell_id="c3"), [APPROVAL], defaults=PLATFORMS).ok
    assert not check_online_meeting(_request(), [], defaults=PLATFORMS).ok
    whole = PilotApproval("13-QĐ/ĐU", date(2025, 4, 1), "Đảng ủy", date(2025, 5, 1), date(2026, 4, 30))
    assert approval_in_force(whole, "c9", date(2026, 1, 1))
    assert not approval_in_force(whole, "c9", date(2026, 1, 1), PilotKind.PARTY_GROUP)


def test_pm23_roster_change_warns_but_keeps_approval():
    """PM-23: roster change warns but keeps approval."""
    d = approval_roster_warning(online_eligibility(_ship_roster(13)), APPROVAL)
    assert d.ok and d.warning_codes == ("no_longer_eligible",)
    assert any(x.name == "revoke_automatically" and x.value == "false" for x in d.defaults_applied)
    assert not approval_roster_warning(online_eligibility(_ship_roster(14)), APPROVAL).warnings


EXCLUDED = [
    (AgendaItem("Kết nạp đảng viên mới", "Admission of a new member", content=ContentKind.ADMISSION), "excluded_admission"),  # PM-X9
    (AgendaItem("Xét công nhận đảng viên chính thức", content=ContentKind.FULL_MEMBERSHIP_RECOGNITION), "excluded_full_membership_recognition"),
    (AgendaItem("Thi hành kỷ luật", content=ContentKind.DISCIPLINE), "excluded_discipline"),
    (AgendaItem("Bầu cử chi ủy", content=ContentKind.CONGRESS_ELECTION), "excluded_congress_election"),
    (AgendaItem("Nhân sự", content=ContentKind.PERSONNEL), "excluded_personnel"),
    (AgendaItem("Tình hình quốc phòng", classified=True), "excluded_state_secret"),
]


@pytest.mark.parametrize(("item", "code"), EXCLUDED, ids=[f"PM-24 {c}" for _, c in EXCLUDED])
def test_pm24_excluded_content_rejects_online_meeting(item, code):
    """PM-24: excluded content rejects online meeting."""
    d = check_online_meeting(_request(agenda=(*default_regular_agenda().items, item)), [APPROVAL], defaults=PLATFORMS)
    assert d.error_codes == (code,) and "PM-24" in d.rule_ids
    assert check_online_agenda([item]).error_codes == (code,)


def test_pm24_excluded_list_is_configurable():
    """PM-24: excluded list is configurable."""
    d = check_online_agenda([EXCLUDED[0][0]], defaults=MeetingDefaults(online_excluded_content=frozenset({ContentKind.DISCIPLINE})))
    assert d.ok and any(x.rule_id == "PM-24" for x in d.defaults_applied)


def test_pm25_platform_and_connection_log():
    """PM-25: platform and connection log."""
    d = check_online_meeting(_request(platform="Random-Chat"), [APPROVAL], defaults=PLATFORMS)
    assert d.error_codes == ("platform_not_approved",)
    assert not check_online_meeting(_request(), [APPROVAL]).ok  # no platform approved by default
    logs = [
        ConnectionLog("m1", datetime(2026, 4, 10, 8, 0), datetime(2026, 4, 10, 10, 0)),
        ConnectionLog("m2", datetime(2026, 4, 10, 8, 5), None),
        ConnectionLog("m3", datetime(2026, 4, 10, 8, 5), datetime(2026, 4, 10, 8, 0)),
    ]
    d = check_online_minutes("Zoom-Dang", {"m1", "m2", "m3", "m4"}, logs, defaults=PLATFORMS)
    assert set(d.error_codes) == {"no_connection_log", "no_leave_time", "leave_before_join"}
    assert check_online_minutes("Zoom-Dang", {"m1"}, logs[:1], defaults=PLATFORMS).ok


def test_pm26_no_annual_cap_by_default():
    """PM-26: no annual cap by default."""
    d = check_online_meeting(_request(online_meetings_this_year=500), [APPROVAL], defaults=PLATFORMS)
    assert d.ok and any(x.rule_id == "PM-26" and x.value == "none" for x in d.defaults_applied)
    capped = MeetingDefaults(approved_platforms=PLATFORMS.approved_platforms, online_max_per_year=6)
    assert check_online_meeting(_request(online_meetings_this_year=5), [APPROVAL], defaults=capped).ok
    assert check_online_meeting(_request(online_meetings_this_year=6), [APPROVAL], defaults=capped).error_codes == ("annual_cap",)


# ---------------------------------------------------------------------------------------------
# PM-28..PM-33: party groups
# ---------------------------------------------------------------------------------------------


def test_pm28_groups_leaders_and_single_membership():
    """PM-28: groups leaders and single membership."""
    cell = {f"m{i}" for i in range(10)}
    ok = [PartyGroup("g1", frozenset({"m0", "m1", "m2"}), "m0", "m1"), PartyGroup("g2", frozenset({"m3", "m4"}), "m3")]
    assert check_party_groups(ok, cell).ok
    bad = [PartyGroup("g1", frozenset({"m0", "m1"}), "m0"), PartyGroup("g2", frozenset({"m1", "m2"}), "m9", "m2")]
    assert set(check_party_groups(bad, cell).error_codes) == {"two_groups", "leader"}
    assert check_party_groups([PartyGroup("g1", frozenset({"m0", "x"}), "m0", "m0")], cell).error_codes == ("deputy", "not_in_cell")


STRUCTURE = [
    (2, CellLeadership.SECRETARY, CellLeadership.SECRETARY, ("below_minimum",)),
    (3, CellLeadership.SECRETARY, CellLeadership.SECRETARY, ()),
    (8, CellLeadership.SECRETARY, CellLeadership.SECRETARY, ()),
    (8, CellLeadership.COMMITTEE, CellLeadership.SECRETARY, ("needs_secretary",)),
    (9, CellLeadership.SECRETARY, CellLeadership.COMMITTEE, ("needs_committee",)),
    (9, CellLeadership.COMMITTEE, CellLeadership.COMMITTEE, ()),
    (10, CellLeadership.COMMITTEE, CellLeadership.COMMITTEE, ()),
]


@pytest.mark.parametrize(("full", "current", "expected", "warnings"), STRUCTURE, ids=[f"PM-29 {r[0]} {r[1].value}" for r in STRUCTURE])
def test_pm29_cell_structure_thresholds(full, current, expected, warnings):
    """PM-29: cell structure thresholds."""
    s = cell_structure(full, current)
    assert s.expected is expected and s.decision.warning_codes == warnings and s.decision.ok


PILOT = [
    (45, 0, 4, True, ("too_few_members",)),  # PM-X4
    (49, 0, 4, True, ("too_few_members",)),
    (50, 0, 4, True, ()),
    (45, 5, 4, True, ()),  # probationary members count
    (51, 0, 4, True, ()),
    (55, 0, 1, True, ("not_divided",)),
    (55, 0, 4, False, ("no_approval",)),
]


@pytest.mark.parametrize(("full", "prob", "groups", "approved", "errors"), PILOT, ids=[f"PM-30 {r[0]}+{r[1]}" for r in PILOT])
def test_pm30_group_pilot_eligibility(full, prob, groups, approved, errors):
    """PM-30: group pilot eligibility."""
    d = group_pilot_eligibility(full, prob, groups, approved)
    assert d.error_codes == errors
    assert any(x.name == "group_pilot_min_members" and x.value == "50" for x in d.defaults_applied)


def test_pm31_pm_x3_at_most_three_group_months():
    """PM-31: (PM-X3) at most three group months."""
    plan = plan_group_meetings([3, 6, 9, 11])  # PM-X3
    assert plan.by_groups == (3, 6, 9)
    assert 11 in plan.whole_cell and len(plan.whole_cell) == 9
    assert plan.decision.error_codes == ("annual_cap",) and "PM-31" in plan.decision.rule_ids
    assert check_group_meeting_month({3, 6}, 9).ok
    assert not check_group_meeting_month({3, 6, 9}, 11).ok
    assert check_group_meeting_month({3, 6, 9}, 9).ok  # re-scheduling an accepted month
    assert check_group_meeting_month({3, 6, 9}, 11, defaults=MeetingDefaults(group_meetings_max_per_year=4)).ok


def test_pm32_pm_x12_month_held_by_groups_only_when_every_group_met():
    """PM-32: (PM-X12) month held by groups only when every group met."""
    groups = {"g1", "g2", "g3", "g4"}
    april = [GroupMeeting(g, date(2026, 4, 12), 10, 12, True) for g in ("g1", "g2", "g3")]
    m = month_held_by_groups(groups, april, 2026, 4)
    assert not m.held and m.groups_missing == ("g4",)  # PM-X12
    april.append(GroupMeeting("g4", date(2026, 4, 15), 8, 12, True))
    assert month_held_by_groups(groups, april, 2026, 4).held
    invalid = [*april[:3], GroupMeeting("g4", date(2026, 4, 15), 7, 12, True)]  # 21 < 24: not valid (PM-12)
    assert not month_held_by_groups(groups, invalid, 2026, 4).held
    unfinished = [*april[:3], GroupMeeting("g4", date(2026, 4, 15), 12, 12, False)]
    assert not month_held_by_groups(groups, unfinished, 2026, 4).held
    # in compliance the month counts for the regular meeting
    others = regulars(2026, [m for m in range(1, 13) if m != 4])
    c = meeting_compliance(OrgKind.SUBORDINATE_CELL, 2026, others, group_ids=groups, group_meetings=april)
    assert c.of(MeetingKind.REGULAR).label == "12/12" and c.months_held_by_groups == (4,)
    assert "PM-32" in c.rule_ids


def test_pm33_group_records_opinions_decides_nothing():
    """PM-33: group records opinions decides nothing."""
    opinions = [AgendaItem("Góp ý dự thảo nghị quyết"), AgendaItem("Chuẩn bị kết nạp", content=ContentKind.ADMISSION)]
    assert check_group_agenda(opinions).ok
    d = check_group_agenda([AgendaItem("Biểu quyết kết nạp", content=ContentKind.ADMISSION, decides=True)])
    assert d.error_codes == ("whole_cell_content",)
    d = check_group_agenda([AgendaItem("Thông qua nghị quyết tháng", decides=True)])
    assert d.error_codes == ("cell_resolution",) and "PM-33" in d.rule_ids


# ---------------------------------------------------------------------------------------------
# PM-34..PM-36: statistics, evidence, pilot reports
# ---------------------------------------------------------------------------------------------

PERMILLE = [(12, 18, 666), (18, 18, 1000), (0, 18, 0), (1, 3, 333), (2, 3, 666), (1, 1000, 1), (0, 0, 0)]


@pytest.mark.parametrize(("present", "convened", "pm"), PERMILLE, ids=[f"PM-34 {p}/{c}" for p, c, _ in PERMILLE])
def test_pm34_attendance_permille_rounded_down(present, convened, pm):
    """PM-34: attendance permille rounded down."""
    assert attendance_permille(present, convened) == pm


def test_pm34_statistics_rollup_with_children_included():
    """PM-34: statistics rollup with children included."""
    a = MeetingStatistics(cells=3, regular_held=34, regular_due=36, full_convened=100, present_in_person=80, present_online=10, unable_by_reason=(("c_ship_crew", 4),))
    b = MeetingStatistics(cells=2, regular_held=24, regular_due=24, full_convened=50, present_in_person=45, unable_by_reason=(("a_abroad", 1), ("c_ship_crew", 2)))
    r = statistics_rollup({"a": a, "b": b, "c": None})
    assert (r.children_included, r.children_expected, r.partial) == (2, 3, True)
    t = r.totals
    assert (t.cells, t.regular_held, t.regular_due, t.full_convened) == (5, 58, 60, 150)
    assert t.unable_by_reason == (("a_abroad", 1), ("c_ship_crew", 6))
    assert (t.in_person_permille, t.online_permille, t.attendance_permille) == (833, 66, 900)
    assert not statistics_rollup({"a": a}).partial
    assert "PM-34" in r.rule_ids


def test_pm35_attendance_evidence_has_no_effect_on_rating():
    """PM-35: attendance evidence has no effect on rating."""
    rows = [(date(2026, m, 10), AttendanceStatus.PRESENT_IN_PERSON) for m in range(1, 10)]
    rows += [(date(2026, 10, 10), AttendanceStatus.ABSENT_EXCUSED), (date(2026, 11, 10), AttendanceStatus.NOT_CONVENED)]
    rows += [(date(2026, 12, 10), AttendanceStatus.PRESENT_ONLINE), (date(2025, 12, 10), AttendanceStatus.PRESENT_IN_PERSON)]
    ev = annual_attendance_evidence(rows, 2026)
    assert (ev.attended, ev.convened) == (10, 11)
    assert ev.affects_rating is False and "10/11" in ev.text_vi and "PM-35" in ev.rule_ids


def test_pm36_pilot_reports_quarterly_to_approver_yearly_upward():
    """PM-36: pilot reports quarterly to approver yearly upward."""
    s = pilot_report_schedule(2026)
    quarterly = [i for i in s.items if i.reporter == "piloting_unit"]
    assert [i.due_on for i in quarterly] == [date(2026, 3, 31), date(2026, 6, 30), date(2026, 9, 30), date(2026, 12, 31)]
    assert all(i.recipient == "approving_committee" for i in quarterly)
    yearly = [i for i in s.items if i.reporter == "approving_committee"]
    assert len(yearly) == 1 and yearly[0].recipient == "superior_committee" and yearly[0].period.kind is PeriodKind.YEAR
    assert "PM-36" in s.rule_ids and "DI-8" in s.rule_ids
    assert s.defaults_applied[0].value == "quarter"
    half = pilot_report_schedule(2026, defaults=MeetingDefaults(pilot_report_cadence=PeriodKind.HALF_YEAR))
    assert len([i for i in half.items if i.reporter == "piloting_unit"]) == 2
