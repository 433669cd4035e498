"""Ordering, linkage warnings, discipline periods, process and calendar, state caps, re-rating, statistics
(AR-38..AR-69)."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pytest

from partyorg.domain.rating import Defaults, Level, RatingInputError, RuleSet
from partyorg.domain.rating.discipline import (
    Discipline,
    FollowUp,
    Measure,
    Period,
    counts_against_unit,
    counts_in_period,
    link_discipline,
    personnel_follow_up,
)
from partyorg.domain.rating.linkage import level_distribution, linkage_report
from partyorg.domain.rating.ordering import (
    Edge,
    Meeting,
    PartyOrganization,
    Prerequisite,
    decision_edges,
    decision_gate,
    meeting_order_warnings,
    party_organization_panel,
)
from partyorg.domain.rating.process import (
    Action,
    DeadlineKind,
    OrgKind,
    RatingState,
    deadline,
    deciders_for,
    draft_report_notice_ok,
    forms_for,
    member_decider,
    min_meeting_days,
    notification_recipients,
    on_time,
    periodic_evaluation_enabled,
    quarterly_plan,
    transition,
    working_days_between,
)
from partyorg.domain.rating.quota import RatedEntry
from partyorg.domain.rating.rerating import FollowUpKind, Ground, RatingVersion, ReRatingDecision, rerate
from partyorg.domain.rating.state import nd335_level, state_excellent_caps
from partyorg.domain.rating.statistics import StatEntry, rating_statistics, roll_up

D = dt.date
H, T, C, K = Level.EXCELLENT, Level.GOOD, Level.COMPLETED, Level.NOT_COMPLETED


# ---------------------------------------------------------------------------------------------------
# Ordering prerequisites (AR-38..AR-41)

EDGES = decision_edges(
    leadership_members={"bgd-so-x": ["giam-doc", "pho-gd-1"]},
    party_organizations={
        "chi-bo-c": PartyOrganization(committee="chi-uy-c", members=("m1", "m2"), agency_collectives=("bgd-so-x",)),
        "dang-bo-d": PartyOrganization(subordinates=("chi-bo-c",)),
    },
    lower_collectives={"ubnd-tinh": ["ubnd-xa"]},
)


def test_T17_head_before_leadership_collective_is_rejected_AR_38():
    """Cites AR-38."""
    gate = decision_gate("giam-doc", EDGES, decided=set())
    assert not gate.allowed and gate.missing_subjects == ("bgd-so-x",)
    assert gate.missing[0].edge is Edge.LEADERSHIP_BEFORE_MEMBER
    assert "bgd-so-x" in gate.message()[0] and "AR-38" in gate.rules
    assert decision_gate("giam-doc", EDGES, decided={"bgd-so-x"}).allowed


def test_T18_cell_with_one_member_undecided_is_rejected_AR_38_AR_41():
    """Cites AR-38, AR-41."""
    gate = decision_gate("chi-bo-c", EDGES, decided={"chi-uy-c", "m1", "bgd-so-x"})
    assert not gate.allowed and gate.missing_subjects == ("m2",) and "AR-41" in gate.rules
    assert decision_gate("chi-bo-c", EDGES, decided={"chi-uy-c", "m1", "m2", "bgd-so-x"}).allowed


def test_subordinates_and_lower_collectives_first_AR_38():
    """Cites AR-38."""
    assert decision_gate("dang-bo-d", EDGES, decided=set()).missing_subjects == ("chi-bo-c",)
    gate = decision_gate("ubnd-tinh", EDGES, decided=set())
    assert gate.missing[0].edge is Edge.LOWER_BEFORE_UPPER


def test_meeting_order_gives_warnings_only_AR_39():
    """Cites AR-39."""
    order = [
        Prerequisite("bgd-so-x", "giam-doc", Edge.COLLECTIVE_BEFORE_INDIVIDUALS),
        Prerequisite("giam-doc", "pho-gd-1", Edge.HEAD_BEFORE_DEPUTIES),
        Prerequisite("gd-tai-chi-bo", "bgd-so-x", Edge.LEADER_AT_CELL_BEFORE_COLLECTIVE),
    ]
    meetings = [Meeting("gd-tai-chi-bo", D(2025, 12, 1)), Meeting("bgd-so-x", D(2025, 12, 3)),
                Meeting("pho-gd-1", D(2025, 12, 3), 1), Meeting("giam-doc", D(2025, 12, 3), 2)]  # fmt: skip
    warnings = meeting_order_warnings(meetings, order)
    assert [w[0].edge for w in warnings] == [Edge.HEAD_BEFORE_DEPUTIES]
    assert meeting_order_warnings(meetings[:2], order) == []


def test_state_rating_first_for_cbccvc_AR_40():
    """Cites AR-40."""
    gate = decision_gate("m1", [], decided=set(), cbccvc_member=True, state_rating_year=None, period_year=2025)
    assert not gate.allowed and gate.missing[0].edge is Edge.STATE_RATING_BEFORE_PARTY
    assert any(d.rule == "AR-40" and d.value == "block" for d in gate.defaults_applied)
    assert decision_gate("m1", [], decided=set(), cbccvc_member=True, state_rating_year=2025, period_year=2025).allowed
    warn = decision_gate("m1", [], decided=set(), cbccvc_member=True, period_year=2025,
                         defaults=Defaults(state_rating_required="warn"))  # fmt: skip
    assert warn.allowed and warn.warnings


def test_party_organization_panel_shows_parts_AR_41_AR_46():
    """Cites AR-41, AR-46."""
    panel = party_organization_panel({"m1": H, "m2": T, "m3": None, "bgd": T})
    assert panel == {"excellent": 1, "good": 2, "completed": 0, "not_completed": 0, "undecided": 1}
    assert level_distribution([H, T, T, K])[T] == 2


# ---------------------------------------------------------------------------------------------------
# Soft linkage (AR-44..AR-48)


def test_head_above_unit_and_party_above_state_warn_AR_44_AR_45():
    """Cites AR-44, AR-45."""
    r = linkage_report(level=H, led_unit_level=T, state_level=T)
    assert [w.rule for w in r.warnings] == ["AR-44", "AR-45"] and not r.blocked
    assert linkage_report(level=T, led_unit_level=T, state_level=H).warnings == ()


def test_residential_comment_off_by_default_AR_47():
    """Cites AR-47."""
    assert linkage_report(level=T, residential_comment_recorded=False).warnings == ()
    warn = linkage_report(level=T, residential_comment_recorded=False, defaults=Defaults(residential_comment="warn"))
    assert [w.rule for w in warn.warnings] == ["AR-47"] and not warn.blocked
    block = linkage_report(level=T, residential_comment_recorded=False, defaults=Defaults(residential_comment="block"))
    assert block.blocked


def test_year_end_above_every_quarter_warns_AR_48():
    """Cites AR-48."""
    assert [w.rule for w in linkage_report(level=H, quarterly_levels=[T, T, C]).warnings] == ["AR-48"]
    assert linkage_report(level=H, quarterly_levels=[T, H, C]).warnings == ()


# ---------------------------------------------------------------------------------------------------
# Discipline periods (AR-49..AR-53)


def test_T12_counts_in_the_year_of_the_decision_and_once_AR_49_AR_50():
    """Cites AR-49, AR-50."""
    warning = Discipline(Measure.WARNING, D(2025, 3, 10), act_date=D(2024, 9, 1), record_id="kl-7")
    assert counts_in_period(warning, Period.year(2025)) and not counts_in_period(warning, Period.year(2024))
    first = link_discipline(record=warning, subject="m", period=Period.year(2025), existing_links={})
    assert first.accepted and "AR-50" in first.rules
    assert any(d.name == "counted_once_366" for d in first.defaults_applied)
    to_2024 = link_discipline(record=warning, subject="m", period=Period.year(2024), existing_links={})
    assert not to_2024.accepted
    again = link_discipline(record=warning, subject="m", period=Period.year(2025),
                            existing_links={("kl-7", "m"): Period.year(2025)})  # fmt: skip
    assert not again.accepted


def test_T13_counts_against_the_unit_of_the_act_AR_51():
    """Cites AR-51."""
    d = Discipline(Measure.REPRIMAND, D(2025, 9, 1), unit_at_act="A")
    assert counts_against_unit(d, "A") and not counts_against_unit(d, "B")


@pytest.mark.parametrize(
    ("form", "expired", "follow"),
    [(Measure.EXPULSION, False, FollowUp.DECIDE_PROMPTLY), (Measure.REMOVAL_FROM_POST, True, FollowUp.DECIDE_PROMPTLY),
     (Measure.WARNING, False, FollowUp.CASE_BY_CASE), (Measure.REPRIMAND, True, FollowUp.NONE)],
)  # fmt: skip
def test_personnel_follow_up_AR_52(form, expired, follow):
    """Cites AR-52."""
    assert personnel_follow_up(Discipline(form, D(2025, 1, 1)), limitation_expired=expired) is follow


def test_temporary_suspension_is_not_discipline_AR_53():
    """Cites AR-53."""
    s = Discipline(Measure.TEMPORARY_WORK_SUSPENSION, D(2025, 5, 1))
    assert not s.form.is_discipline and not s.at_least_reprimand
    assert not counts_in_period(s, Period.year(2025))


# ---------------------------------------------------------------------------------------------------
# Process and calendar (AR-54..AR-63)


def test_states_and_transitions_AR_54():
    """Cites AR-54."""
    s = RatingState.DRAFT
    for action in (Action.SELF_ASSESS, Action.APPRAISE, Action.CLAIM_MITIGATION, Action.RESOLVE_MITIGATION,
                   Action.DECIDE, Action.ANNOUNCE, Action.CANCEL):  # fmt: skip
        s = transition(s, action)
    assert s is RatingState.CANCELLED
    with pytest.raises(RatingInputError):
        transition(RatingState.DRAFT, Action.DECIDE)


def test_reverification_before_decision_AR_55():
    """Cites AR-55."""
    with pytest.raises(RatingInputError):
        transition(RatingState.APPRAISED, Action.DECIDE, concerns_raised=True)
    s = transition(RatingState.APPRAISED, Action.REQUIRE_REVERIFICATION)
    s = transition(s, Action.COMPLETE_REVERIFICATION)
    assert transition(s, Action.DECIDE, concerns_raised=True, reverification_recorded=True) is RatingState.DECIDED


def test_three_working_days_notice_AR_56():
    """Cites AR-56."""
    # sent Monday 2025-12-01, meeting Friday 12-05: Tue, Wed, Thu strictly between -> 3
    assert working_days_between(D(2025, 12, 1), D(2025, 12, 5)) == 3
    assert draft_report_notice_ok(D(2025, 12, 1), D(2025, 12, 5))
    assert not draft_report_notice_ok(D(2025, 12, 1), D(2025, 12, 5), holidays={D(2025, 12, 3)})
    # Friday -> Wednesday: Mon, Tue only (the weekend does not count)
    assert not draft_report_notice_ok(D(2025, 12, 5), D(2025, 12, 10))


def test_meeting_length_AR_57():
    """Cites AR-57."""
    assert min_meeting_days(provincial_standing_committee=False) == 1
    assert min_meeting_days(provincial_standing_committee=True) == 2
    assert min_meeting_days(provincial_standing_committee=True, set_by_issuer=3) == 3


def test_deciders_AR_58():
    """Cites AR-58."""
    assert deciders_for(OrgKind.SUBORDINATE_CELL, has_section_committee=True).proposer == "section_committee"
    assert deciders_for(OrgKind.GRASSROOTS_CELL).decider == "above_grassroots_standing_committee"
    assert deciders_for(OrgKind.SECTION_ORGANIZATION).decider == "grassroots_committee"
    assert deciders_for(OrgKind.GRASSROOTS_ORGANIZATION, directly_under_province=True).decider == (
        "provincial_standing_committee"
    )
    assert deciders_for(OrgKind.ABOVE_GRASSROOTS_ORGANIZATION).decider == "provincial_standing_committee"
    province = deciders_for(OrgKind.PROVINCE)
    assert (province.adopter, province.appraiser, province.decider) == (
        "provincial_executive_committee", "central_organization_commission", "politburo_secretariat"
    )  # fmt: skip
    assert member_decider() == "grassroots_committee"


def test_notification_AR_59():
    """Cites AR-59."""
    assert notification_recipients("m1", ["dang-uy"], ["so-x", "dang-uy"]) == ("m1", "dang-uy", "so-x")


def test_forms_AR_60():
    """Cites AR-60."""
    assert set(forms_for(RuleSet.QD366)) == {"01", "2A", "2B", "2C", "03", "04", "05", "06"}
    assert "02B" in forms_for(RuleSet.QD124)
    assert forms_for(RuleSet.QD124, {"X": "configured"}) == {"X": "configured"}


def test_T20_deadlines_AR_61():
    """Cites AR-61."""
    assert on_time(D(2025, 12, 10), DeadlineKind.STATE_RATING, 2025)
    assert on_time(D(2025, 12, 28), DeadlineKind.PARTY_RATING, 2025)
    assert on_time(D(2026, 1, 31), DeadlineKind.FORM_04, 2025)
    assert on_time(D(2026, 1, 14), DeadlineKind.SPECIAL_UNIT, 2025)
    assert not on_time(D(2026, 1, 5), DeadlineKind.PARTY_RATING, 2025)
    assert not on_time(D(2025, 12, 31), DeadlineKind.PARTY_RATING, 2025)
    assert on_time(D(2025, 12, 31), DeadlineKind.PARTY_RATING, 2025, defaults=Defaults(deadline_inclusive=True))
    assert deadline(DeadlineKind.REPORT_TO_POLITBURO, 2025) == D(2026, 3, 1)


def test_quarterly_evaluation_AR_62():
    """Cites AR-62."""
    assert not quarterly_plan(2025, 4, managed_by_politburo=True).evaluated
    q1 = quarterly_plan(2026, 1, managed_by_politburo=True)
    assert q1.evaluated and q1.report_before == D(2026, 3, 15)
    assert quarterly_plan(2026, 3, managed_by_politburo=True).report_before == D(2026, 9, 15)
    q4 = quarterly_plan(2026, 4, managed_by_politburo=True)
    assert not q4.evaluated and q4.folds_into_year_end
    assert not quarterly_plan(2026, 2, managed_by_politburo=False).evaluated
    with pytest.raises(RatingInputError):
        quarterly_plan(2026, 5, managed_by_politburo=True)


def test_periodic_other_cadres_off_AR_63():
    """Cites AR-63."""
    assert not periodic_evaluation_enabled(None)
    assert periodic_evaluation_enabled("monthly")


# ---------------------------------------------------------------------------------------------------
# State ratings (AR-64, AR-65)


def test_T22_nd335_bands_AR_64():
    """Cites AR-64."""
    assert nd335_level(270 + 620) is T  # 89 -> HTT
    assert [nd335_level(x) for x in (900, 899, 700, 699, 500, 499)] == [H, T, T, C, C, K]
    assert nd335_level(950, trigger=True) is K


def test_T21_state_caps_AR_65():
    """Cites AR-65."""
    caps = state_excellent_caps(party_htxs=6, party_rated=40, state_total=50, state_htt=30)
    assert (caps.nd90_48_max, caps.nd335_max, caps.binding) == (7, 6, 6)
    exc = state_excellent_caps(state_htt=30, nd335_exception_pct=25)
    assert exc.nd335_max == 7 and any(d.rule == "AR-65" for d in exc.defaults_applied)
    with pytest.raises(RatingInputError):
        state_excellent_caps(state_htt=30, nd335_exception_pct=30)


# ---------------------------------------------------------------------------------------------------
# Re-rating (AR-66..AR-68)


def _decision() -> ReRatingDecision:
    return ReRatingDecision("03-QĐ/ĐU", D(2026, 3, 2), "Đảng ủy phường", "Kê khai không trung thực", Ground.DISHONESTY)


def test_T23_rerating_creates_a_version_and_cancels_the_old_AR_66_AR_67_AR_68():
    """Cites AR-66, AR-67, AR-68."""
    v1 = RatingVersion(1, H, RuleSet.QD366)
    out = rerate([v1], subject="m1", new_level=C, decision=_decision(), period_rule_set=RuleSet.QD366,
                 decided_parent="chi-bo-c", dependent_leaders=["bi-thu"], statistics_reported=True)  # fmt: skip
    assert [(v.number, v.level, v.cancelled) for v in out.versions] == [(1, H, True), (2, C, False)]
    assert out.current.decision == _decision() and out.current.rule_set is RuleSet.QD366
    kinds = [f.kind for f in out.follow_ups]
    assert FollowUpKind.PARENT_FLAGGED in kinds and FollowUpKind.LEADER_FLAGGED in kinds
    assert FollowUpKind.STATISTICS_SUPERSEDED in kinds and FollowUpKind.PLANNING_TRIGGER in kinds
    assert {"AR-66", "AR-67", "AR-68"} <= set(out.rules)


def test_rerating_needs_a_recorded_decision_AR_66():
    """Cites AR-66."""
    with pytest.raises(RatingInputError):
        ReRatingDecision("", D(2026, 3, 2), "Đảng ủy", "lý do", Ground.REPORTS)


def test_rerating_to_excellent_rechecks_the_quota_AR_68():
    """Cites AR-68."""
    group = [RatedEntry(T)] * 5 + [RatedEntry(H)]
    v1 = RatingVersion(1, T, RuleSet.QD366)
    with pytest.raises(RatingInputError):
        rerate([v1], subject="m", new_level=H, decision=_decision(), period_rule_set=RuleSet.QD366,
               peer_group=group, subject_index=0, ratio=Fraction(1, 5))  # fmt: skip
    ok = rerate([v1], subject="m", new_level=H, decision=_decision(), period_rule_set=RuleSet.QD366,
                peer_group=[RatedEntry(T)] * 11, subject_index=0, ratio=Fraction(1, 5))  # fmt: skip
    assert ok.current.level is H and ok.follow_ups[0].kind is FollowUpKind.QUOTA_RECHECKED


# ---------------------------------------------------------------------------------------------------
# Statistics (AR-69)


def test_statistics_counts_and_permille_AR_69():
    """Cites AR-69."""
    entries = [StatEntry(H), StatEntry(T), StatEntry(T), StatEntry(None, gap=True), StatEntry(None, "exempt"),
               StatEntry(None, "admitted_under_6_months"), StatEntry(K, mitigation=True), StatEntry(T, quota_cut=True)]  # fmt: skip
    s = rating_statistics(entries, exception_decision="5-QĐ/TU")
    assert (s.eligible, s.reviewed, s.undecided) == (8, 6, 1)
    assert s.not_reviewed["exempt"] == 1 and s.not_reviewed["admitted_under_6_months"] == 1
    assert s.htxs_htt == (1, 3)
    assert s.permille_of_reviewed[T] == 500 and s.permille_of_reviewed[H] == 167  # 1/6 = 166.7 -> 167
    assert (s.gaps, s.mitigations, s.quota_cuts) == (1, 1, 1)
    up = roll_up([s, rating_statistics([StatEntry(T), StatEntry(None, "suspended")])])
    assert up.children == 2 and up.levels[T] == 4 and up.not_reviewed["suspended"] == 1
    assert up.permille_of_reviewed[T] == 571  # 4/7
