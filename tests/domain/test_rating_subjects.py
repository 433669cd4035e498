"""Rule sets, levels, subjects and exclusions, score templates (AR-1..AR-16)."""

from __future__ import annotations

import datetime as dt

import pytest

from partyorg.domain.rating import (
    CollectiveKind,
    Defaults,
    ExclusionReason,
    Level,
    MemberStatus,
    PeriodKind,
    RatingInputError,
    RuleSet,
    SubjectType,
    add_months,
    ruleset_change_allowed,
    ruleset_for_period,
)
from partyorg.domain.rating.discipline import Period
from partyorg.domain.rating.eligibility import (
    Post,
    StatusSpan,
    collective_is_reviewed,
    committee_review,
    cycle_can_close,
    frame_for,
    one_rating_per_period,
    reduced_period,
    reference_date,
    review_eligibility,
    review_places,
    review_window,
    small_collective_schedulable,
    temporary_activity_requirements,
)
from partyorg.domain.rating.scoring import (
    Criterion,
    Group,
    Template,
    default_template,
    score_by_template,
    template_problems,
)
from partyorg.domain.rating.state import Employment, StateRuleSet, state_ruleset_for

D = dt.date


# ---------------------------------------------------------------------------------------------------
# Levels and rule sets (AR-1, AR-2)


def test_levels_have_vietnamese_labels_and_codes():
    assert [lv.code for lv in Level] == ["HTXS", "HTT", "HT", "KHT"]
    assert Level.EXCELLENT.label_vi == "Hoàn thành xuất sắc nhiệm vụ"
    assert Level.NOT_COMPLETED.label_vi == "Không hoàn thành nhiệm vụ"
    assert Level.GOOD.is_above(Level.COMPLETED) and not Level.GOOD.is_above(Level.EXCELLENT)
    assert SubjectType.LEADER_CENTRAL.is_leader and not SubjectType.COLLECTIVE.is_individual


@pytest.mark.parametrize(
    ("year", "expected"),
    [(2023, RuleSet.QD124), (2024, RuleSet.QD124), (2025, RuleSet.QD366), (2030, RuleSet.QD366)],
)
def test_rule_set_by_annual_period_AR_1(year, expected):
    """Cites AR-1."""
    choice = ruleset_for_period(PeriodKind.ANNUAL, year)
    assert choice.rule_set is expected
    assert "AR-1" in choice.rules and choice.defaults_applied[0].name == "ruleset_mapping"


def test_legacy_qd132_only_when_enabled_AR_1():
    """Cites AR-1."""
    with pytest.raises(RatingInputError):
        ruleset_for_period(PeriodKind.ANNUAL, 2020)
    enabled = Defaults(qd132_enabled=True)
    assert ruleset_for_period(PeriodKind.ANNUAL, 2018, defaults=enabled).rule_set is RuleSet.QD132
    assert ruleset_for_period(PeriodKind.ANNUAL, 2022, defaults=enabled).rule_set is RuleSet.QD132
    with pytest.raises(RatingInputError):
        ruleset_for_period(PeriodKind.ANNUAL, 2017, defaults=enabled)


def test_term_quarterly_ad_hoc_from_30_8_2025_AR_1():
    """Cites AR-1."""
    for kind in (PeriodKind.TERM, PeriodKind.QUARTERLY, PeriodKind.AD_HOC):
        assert ruleset_for_period(kind, 2025, start=D(2025, 8, 30)).rule_set is RuleSet.QD366
        with pytest.raises(RatingInputError):
            ruleset_for_period(kind, 2025, start=D(2025, 8, 29))


def test_rule_set_frozen_once_decided_AR_1():
    """Cites AR-1."""
    assert ruleset_change_allowed(0) and not ruleset_change_allowed(1)


def test_state_rule_set_AR_2():
    """Cites AR-2."""
    assert state_ruleset_for(Employment.CIVIL_SERVANT, 2026) is StateRuleSet.ND335
    assert state_ruleset_for(Employment.CIVIL_SERVANT, 2025) is StateRuleSet.ND90_48
    assert state_ruleset_for(Employment.PUBLIC_EMPLOYEE, 2026) is StateRuleSet.ND90_48
    assert state_ruleset_for(Employment.CADRE, 2027) is StateRuleSet.ND90_48


# ---------------------------------------------------------------------------------------------------
# Subjects and exclusions (AR-3..AR-13)


def test_every_collective_kind_is_reviewed_AR_3():
    """Cites AR-3."""
    assert all(collective_is_reviewed(k) for k in CollectiveKind)
    assert CollectiveKind.GRASSROOTS_CELL.is_party_committee
    assert not CollectiveKind.STATE_ENTERPRISE.is_party_committee


@pytest.mark.parametrize(
    ("status", "reason"),
    [(MemberStatus.EXEMPT, ExclusionReason.EXEMPT), (MemberStatus.SUSPENDED, ExclusionReason.SUSPENDED),
     (MemberStatus.ACTIVE, None)],
)  # fmt: skip
def test_exempt_and_suspended_are_not_reviewed_AR_4(status, reason):
    """Cites AR-4."""
    e = review_eligibility(admitted_on=D(2010, 1, 1), reference=D(2025, 12, 15), status=status)
    assert e.reason is reason and e.reviewed is (reason is None) and "AR-4" in e.rules


def test_status_read_on_the_reference_date_AR_5():
    """Cites AR-5."""
    spans = (StatusSpan(MemberStatus.SUSPENDED, D(2025, 3, 1), D(2025, 11, 30)),)
    assert review_eligibility(admitted_on=None, reference=D(2025, 12, 15), statuses=spans).reviewed
    assert not review_eligibility(admitted_on=None, reference=D(2025, 11, 30), statuses=spans).reviewed


def test_T19_six_months_reference_AR_5():
    """Cites AR-5."""
    meeting = D(2025, 12, 15)
    late = D(2025, 7, 1)
    assert add_months(late, 6) == D(2026, 1, 1)
    for reference in ("meeting_date", "dec_31"):
        d = Defaults(six_months_reference=reference)
        ref = reference_date(year=2025, meeting_date=meeting, decision_date=None, defaults=d)
        e = review_eligibility(admitted_on=late, reference=ref, defaults=d)
        assert e.reason is ExclusionReason.ADMITTED_UNDER_6_MONTHS
    early = D(2025, 6, 30)
    by_meeting = review_eligibility(admitted_on=early, reference=meeting)
    assert not by_meeting.reviewed
    assert by_meeting.defaults_applied[0].value == "meeting_date"
    dec31 = Defaults(six_months_reference="dec_31")
    ref = reference_date(year=2025, meeting_date=meeting, decision_date=None, defaults=dec31)
    assert review_eligibility(admitted_on=early, reference=ref, defaults=dec31).reviewed


def test_add_months_clamps_to_month_end_AR_5():
    """Cites AR-5."""
    assert add_months(D(2025, 8, 31), 6) == D(2026, 2, 28)
    assert add_months(D(2023, 8, 31), 6) == D(2024, 2, 29)
    assert add_months(D(2025, 6, 15), 6) == D(2025, 12, 15)
    ok = review_eligibility(admitted_on=D(2025, 6, 15), reference=D(2025, 12, 15))
    assert ok.reviewed  # exactly six months: reviewed
    assert not review_eligibility(admitted_on=D(2025, 6, 16), reference=D(2025, 12, 15)).reviewed


def test_reference_date_needs_its_input_AR_5():
    """Cites AR-5."""
    with pytest.raises(RatingInputError):
        reference_date(year=2025, meeting_date=None, decision_date=None)
    d = Defaults(six_months_reference="decision_date")
    assert reference_date(year=2025, meeting_date=None, decision_date=D(2025, 12, 20), defaults=d) == D(2025, 12, 20)


def test_cycle_closes_only_when_all_decided_AR_6():
    """Cites AR-6."""
    assert cycle_can_close({"a": Level.GOOD, "b": Level.EXCELLENT}).ok
    check = cycle_can_close({"a": Level.GOOD, "b": None, "c": None})
    assert not check.ok and check.undecided == ("b", "c") and check.rules == ("AR-6",)


def test_frame_and_form_per_subject_type_AR_7():
    """Cites AR-7."""
    assert [(frame_for(t).appendix, frame_for(t).form) for t in SubjectType] == [
        (1, "01"), (2, "2A"), (3, "2A"), (4, "2B"), (5, "2C")
    ]  # fmt: skip


def test_cell_without_committee_under_9_members_AR_8():
    """Cites AR-8."""
    small = committee_review(is_cell=True, full_members=8)
    assert not small.committee_is_subject and small.secretary_and_deputy_at_cell
    assert committee_review(is_cell=True, full_members=9).committee_is_subject
    assert committee_review(is_cell=False, full_members=3).committee_is_subject


def test_reduced_period_AR_9():
    """Cites AR-9."""
    assert reduced_period(sick_leave_days=90, maternity_leave=False)[0]
    assert not reduced_period(sick_leave_days=89, maternity_leave=False)[0]
    assert reduced_period(sick_leave_days=0, maternity_leave=True)[0]
    with pytest.raises(RatingInputError):
        reduced_period(sick_leave_days=-1, maternity_leave=False)


def test_temporary_party_activity_AR_10():
    """Cites AR-10."""
    ok = temporary_activity_requirements(in_temporary_activity=True, deciding_at_official_cell=True,
                                         temporary_cell_comments=True)  # fmt: skip
    assert ok.ok
    bad = temporary_activity_requirements(in_temporary_activity=True, deciding_at_official_cell=False,
                                          temporary_cell_comments=False)  # fmt: skip
    assert bad.missing == ("official_cell", "temporary_cell_comments") and bad.rules == ("AR-10",)


def test_committee_suspension_window_AR_11():
    """Cites AR-11."""
    year = Period.year(2025)
    assert review_window(year, None) == year
    assert review_window(year, D(2025, 7, 1)) == Period(D(2025, 1, 1), D(2025, 6, 30))
    assert review_window(year, D(2026, 2, 1)) == year


def test_small_leadership_collective_needs_a_link_AR_12():
    """Cites AR-12."""
    assert not small_collective_schedulable(members=2, linked_review_org=None).ok
    assert small_collective_schedulable(members=2, linked_review_org="chi-bo-co-quan").ok
    assert small_collective_schedulable(members=3, linked_review_org=None).ok


def test_review_places_AR_13():
    """Cites AR-13."""
    places = review_places(cell="cb-1", posts=[Post("bgd-so", 30), Post("dang-uy", 70)])
    assert places.places == ("cb-1", "bgd-so", "dang-uy") and places.main_place == "dang-uy"
    assert review_places(cell="cb-1", posts=[]).main_place == "cb-1"
    assert one_rating_per_period(0) and not one_rating_per_period(1)


# ---------------------------------------------------------------------------------------------------
# Score templates (AR-14..AR-16)


@pytest.mark.parametrize("kind", list(SubjectType))
def test_default_templates_are_valid_AR_15_AR_16(kind):
    """Cites AR-15, AR-16."""
    t = default_template(kind)
    assert template_problems(t) == []
    assert t.group_max_x10(Group.GENERAL) == 300 and t.group_max_x10(Group.TASKS) == 700
    assert t.form == frame_for(kind).form


def test_collective_default_task_group_AR_16():
    """Cites AR-16."""
    codes = [c.code for c in default_template(SubjectType.COLLECTIVE).criteria if c.group is Group.TASKS]
    assert codes == ["resolutions_targets", "subordinate_ratings"]


def test_template_maxima_must_sum_to_30_and_70_AR_15():
    """Cites AR-15."""
    bad = Template("Tỉnh ủy X", 2, "2B", (Criterion("g", Group.GENERAL, 290), Criterion("t", Group.TASKS, 700)))
    assert template_problems(bad) == ["general group maxima sum to 290 tenths, not 300"]
    dup = Template("X", 1, "2B", (Criterion("a", Group.GENERAL, 300), Criterion("a", Group.TASKS, 700)))
    assert "criterion codes are not unique" in template_problems(dup)


def test_score_by_template_AR_14_AR_15():
    """Cites AR-14, AR-15."""
    t = default_template(SubjectType.NON_LEADER)
    s = score_by_template(t, {"politics_ethics": 140, "innovation": 40, "self_criticism": 90, "task_results": 620})
    assert (s.general_x10, s.tasks_x10, s.total_x10) == (270, 620, 890)
    with pytest.raises(RatingInputError):
        score_by_template(t, {"politics_ethics": 151, "innovation": 40, "self_criticism": 90, "task_results": 620})
    with pytest.raises(RatingInputError):
        score_by_template(t, {"politics_ethics": 140})
