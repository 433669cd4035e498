"""Cadre domain rules (spec: cadres.md, CA-1..CA-41, worked examples CA-X1..CA-X14)."""

from __future__ import annotations

from datetime import date, timedelta
from fractions import Fraction

import pytest

from partyorg.domain.cadres import (
    CadreDecisionKind,
    CadreDefaults,
    CadreRecord,
    CadreRecordKind,
    CadreRuleError,
    CandidateProfile,
    CompositionTargets,
    Course,
    CourseKind,
    DecisionRef,
    DisciplineForm,
    NecessaryReason,
    Organizer,
    PersonnelProposal,
    PlanningEntry,
    PlanningEvent,
    PlanningProposal,
    PlanningState,
    PlanningTrigger,
    ProposalKind,
    RatingLevel,
    RatingRecord,
    RecommendingBodyKind,
    RecommendingDocument,
    RecordKind,
    RemovalGround,
    Responsibility,
    ReviewAction,
    ReviewStatus,
    RuleSet,
    SpecialStatus,
    StepRecord,
    SuspensionAuthorityActor,
    SuspensionGround,
    SuspensionStatus,
    SuspensionTarget,
    TermKind,
    TrainingGroup,
    ViolationKind,
    ViolationRecord,
    WorkflowKind,
    WorkflowStep,
    add_months,
    add_working_days,
    advice_timeliness,
    annual_review_items,
    annual_review_status,
    annual_review_window,
    apply_confidence_vote,
    appointment_term,
    check_age_condition,
    check_appointment,
    check_course_organizer,
    check_higher_position,
    check_no_concurrent_proposal,
    check_planning_addition,
    check_position_capacity,
    check_positions_per_cadre,
    check_suspension_authority,
    check_violations,
    check_workflow_step,
    confidence_planning_effect,
    consecutive_kht,
    counts_as_discipline,
    counts_as_refresher,
    default_workflow,
    discipline_records,
    full_months,
    planning_apply_trigger,
    planning_cancel_trigger,
    planning_case,
    planning_close_finished_term,
    planning_entry_from,
    planning_event,
    planning_keep,
    planning_list_composition,
    planning_remove,
    planning_term,
    rating_basis,
    refresher_training_required,
    ruleset_for,
    ruleset_for_change,
    suspension_decide,
    suspension_effects,
    suspension_extend,
    suspension_lift,
    suspension_status,
    training_compliance,
    training_evidence,
    training_group,
    vote_step_passed,
    working_days_between,
)

TERM = planning_term("2026-2031", date(2026, 7, 1), TermKind.NEXT)
DEC = DecisionRef("15-QĐ/TU", date(2026, 7, 15), "Ban Thường vụ Tỉnh ủy")


def entry(entry_id: str, cadre: str, position: str, level: str = "province", state: PlanningState = PlanningState.ACTIVE, **kw) -> PlanningEntry:
    return PlanningEntry(entry_id, cadre, position, level, 5, kw.pop("term", TERM), DEC, RuleSet.QD377, state, **kw)


def proposal(**kw) -> PlanningProposal:
    base = {
        "cadre_id": "x",
        "position_id": "deputy_director",
        "level": "province",
        "planned_rank": 5,
        "current_rank": 4,
        "term": TERM,
        "decision": DEC,
        "retirement_date": date(2040, 1, 1),
    }
    base.update(kw)
    return PlanningProposal(**base)


# ---------------------------------------------------------------------------------------------
# CA-1: rule sets
# ---------------------------------------------------------------------------------------------

RULESETS = [
    (RecordKind.PLANNING, date(2025, 10, 8), RuleSet.QD377),
    (RecordKind.PLANNING, date(2025, 10, 7), RuleSet.QD50),
    (RecordKind.PLANNING, date(2021, 12, 27), RuleSet.QD50),
    (RecordKind.PLANNING, date(2021, 12, 26), RuleSet.LEGACY),
    (RecordKind.SUSPENSION, date(2025, 10, 8), RuleSet.QD377),
    (RecordKind.SUSPENSION, date(2025, 10, 7), RuleSet.QD148),
    (RecordKind.SUSPENSION, date(2024, 5, 23), RuleSet.QD148),
    (RecordKind.SUSPENSION, date(2024, 5, 22), RuleSet.LEGACY),
    (RecordKind.APPOINTMENT, date(2025, 10, 7), RuleSet.QD80),
    (RecordKind.APPOINTMENT, date(2025, 10, 8), RuleSet.QD377),
    (RecordKind.RELIEF, date(2024, 1, 1), RuleSet.QD41),
    (RecordKind.RELIEF, date(2026, 1, 1), RuleSet.QD377),
    (RecordKind.TRAINING, date(2024, 5, 10), RuleSet.QD145),
    (RecordKind.TRAINING, date(2024, 5, 9), RuleSet.LEGACY),
]


@pytest.mark.parametrize(("kind", "on", "ruleset"), RULESETS, ids=[f"CA-1 {k.value} {d}" for k, d, _ in RULESETS])
def test_ca1_ruleset_by_decision_date(kind, on, ruleset):
    """CA-1: the rule set in force on the decision date (boundaries of §2)."""
    assert ruleset_for(kind, on) is ruleset


def test_ca1_ca_x14_old_entry_keeps_qd50_change_checked_under_qd377():
    """CA-1, CA-X14: planning decided 2025-06-01 shows QD50; a change on 2025-11-01 is checked under QD377."""
    p = proposal(decision=DecisionRef("9-QĐ/TU", date(2025, 6, 1)), term=planning_term("t", date(2025, 7, 1), TermKind.CURRENT))
    e = planning_entry_from(p, "e1", actor="u1")
    assert e.ruleset is RuleSet.QD50 and e.history[0].ruleset is RuleSet.QD50
    assert ruleset_for_change(e.ruleset, date(2025, 11, 1)) is RuleSet.QD377
    assert ruleset_for_change(e.ruleset, date(2025, 10, 7)) is RuleSet.QD50
    changed = planning_apply_trigger(e, PlanningTrigger.KHT_RATING, actor="u2", on=date(2025, 11, 1)).entry
    assert changed.ruleset is RuleSet.QD50 and changed.history[-1].ruleset is RuleSet.QD377


# ---------------------------------------------------------------------------------------------
# CA-2..CA-10: planning conditions
# ---------------------------------------------------------------------------------------------


def test_ca2_term_length_and_automatic_close():
    """CA-2: a term lasts 60 months; entries of a finished term close automatically."""
    t = planning_term("2026-2031", date(2026, 7, 1), TermKind.NEXT)
    assert t.end == date(2031, 6, 30)
    assert planning_term("x", date(2026, 7, 1), TermKind.NEXT, defaults=CadreDefaults(term_months=30)).end == date(2028, 12, 31)
    e = entry("e1", "x", "p")
    assert not planning_close_finished_term(e, date(2031, 6, 30)).changed
    closed = planning_close_finished_term(e, date(2031, 7, 1))
    assert closed.changed and closed.entry.state is PlanningState.CLOSED and "CA-2" in closed.decision.rule_ids


RANKS = [(5, 4, True), (5, 5, False), (4, 5, False), (6, 5, True), (3, None, True)]


@pytest.mark.parametrize(("planned", "current", "ok"), RANKS, ids=[f"CA-3 {p} over {c}" for p, c, _ in RANKS])
def test_ca3_only_higher_positions(planned, current, ok):
    """CA-3 (CA-X3: head of department planned for head of department is rejected)."""
    assert check_higher_position(planned, current).ok is ok


CAPACITY = [(2, True), (3, False), (4, False), (0, True)]


@pytest.mark.parametrize(("n", "ok"), CAPACITY, ids=[f"CA-4 {n} existing" for n, _ in CAPACITY])
def test_ca4_at_most_three_per_position_ca_x1(n, ok):
    """CA-4, CA-X1: a fourth cadre for deputy director in 2026-2031 is rejected."""
    existing = [entry(f"e{i}", f"c{i}", "deputy_director") for i in range(n)]
    d = check_position_capacity("deputy_director", TERM.term_id, existing)
    assert d.ok is ok and d.defaults_applied[0].value == "3"


def test_ca4_removed_entries_and_other_terms_do_not_count():
    """CA-4: only entries in planning (active or removal_required) of the same position and term count."""
    other_term = planning_term("2031-2036", date(2031, 7, 1), TermKind.NEXT)
    existing = [
        entry("e1", "c1", "deputy_director", state=PlanningState.REMOVED),
        entry("e2", "c2", "deputy_director", state=PlanningState.FULFILLED),
        entry("e3", "c3", "deputy_director", term=other_term),
        entry("e4", "c4", "deputy_director", state=PlanningState.REMOVAL_REQUIRED),
        entry("e5", "c5", "director"),
        entry("e6", "c6", "deputy_director"),
    ]
    assert check_position_capacity("deputy_director", TERM.term_id, existing).ok
    assert not check_position_capacity("deputy_director", TERM.term_id, [*existing, entry("e7", "c7", "deputy_director")]).ok


def test_ca5_ca_x2_three_positions_per_level():
    """CA-5, CA-X2: a fourth provincial position is rejected; a central-level one is accepted."""
    existing = [entry(f"e{i}", "x", f"pos{i}", level="province") for i in range(3)]
    assert check_positions_per_cadre("x", TERM.term_id, "province", existing).error_codes == ("cadre_full",)
    assert check_positions_per_cadre("x", TERM.term_id, "central", existing).ok
    assert check_positions_per_cadre("x", TERM.term_id, "province", existing[:2]).ok
    assert check_positions_per_cadre("y", TERM.term_id, "province", existing).ok


def test_ca6_ca_x4_no_planning_while_appointment_open():
    """CA-6, CA-X4: an open appointment proposal for X blocks a planning entry for X."""
    open_p = [PersonnelProposal("x", ProposalKind.APPOINTMENT, is_open=True)]
    assert check_no_concurrent_proposal("x", "15-QĐ/TU", open_p).error_codes == ("open_proposal",)
    assert check_no_concurrent_proposal("y", "15-QĐ/TU", open_p).ok
    same = [PersonnelProposal("x", ProposalKind.NOMINATION, is_open=False, decision_number="15-QĐ/TU")]
    assert check_no_concurrent_proposal("x", "15-QĐ/TU", same).error_codes == ("same_decision",)
    assert check_no_concurrent_proposal("x", "16-QĐ/TU", same).ok


AGE = [
    (date(2040, 6, 30), False, "116 < 120"),  # CA-X5
    (date(2040, 10, 1), True, "120 >= 120"),  # CA-X5
    (date(2040, 9, 30), False, "119 < 120"),
    (date(2040, 10, 2), True, "120 >= 120"),
    (date(2040, 11, 1), True, "121 >= 120"),
]


@pytest.mark.parametrize(("retire", "ok", "cmp"), AGE, ids=[f"CA-7 retire {r}" for r, *_ in AGE])
def test_ca7_ca_x5_two_terms_of_working_age_from_term_start(retire, ok, cmp):
    """CA-7, CA-X5: next term starts 2030-10-01; 120 full months required."""
    term = planning_term("2030-2035", date(2030, 10, 1), TermKind.NEXT)
    a = check_age_condition(term, retire)
    assert (a.ok, a.comparison) == (ok, cmp)
    assert {d.name for d in a.decision.defaults_applied} >= {"term_months", "min_terms_remaining"}


def test_ca7_full_months_helper():
    """CA-7: full months with month-end clamping."""
    assert full_months(date(2030, 10, 1), date(2040, 6, 30)) == 116
    assert full_months(date(2024, 1, 31), date(2024, 2, 29)) == 1
    assert full_months(date(2024, 1, 31), date(2024, 2, 28)) == 0
    assert full_months(date(2024, 5, 1), date(2024, 4, 30)) == 0
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)


def test_ca8_current_term_one_term_and_qd50_first_time_rule():
    """CA-8: current term needs 1 term; under QD50 first-time planning needs 2, or 1 with an exception decision."""
    cur = planning_term("c", date(2026, 1, 1), TermKind.CURRENT)
    assert check_age_condition(cur, date(2031, 1, 1)).ok  # 60 >= 60
    assert not check_age_condition(cur, date(2030, 12, 31)).ok  # 59
    assert any(d.rule_id == "CA-8" for d in check_age_condition(cur, date(2031, 1, 1)).decision.defaults_applied)
    a = check_age_condition(cur, date(2031, 1, 1), ruleset=RuleSet.QD50, first_time=True)
    assert not a.ok and a.months_required == 120
    exc = DecisionRef("3-QĐ/TU", date(2025, 1, 1))
    assert check_age_condition(cur, date(2031, 1, 1), ruleset=RuleSet.QD50, first_time=True, exception_decision=exc).ok
    assert check_age_condition(cur, date(2031, 1, 1), ruleset=RuleSet.QD50, first_time=False).ok


D = date(2026, 2, 15)
CASES = [
    (ViolationRecord("r1", ViolationKind.SHORTCOMING, handled_by_review_only=True), 1),
    (ViolationRecord("r2", ViolationKind.SHORTCOMING), None),
    (ViolationRecord("r3", ViolationKind.NOT_DISCIPLINED, form=DisciplineForm.REPRIMAND, responsibility=Responsibility.HEAD, remediation_complete=True), 2),
    (ViolationRecord("r4", ViolationKind.NOT_DISCIPLINED, form=DisciplineForm.REPRIMAND, responsibility=Responsibility.DIRECT, remediation_complete=False), None),
    (ViolationRecord("r5", ViolationKind.NOT_DISCIPLINED, form=DisciplineForm.WARNING, responsibility=Responsibility.JOINT, remediation_complete=True), None),
    (ViolationRecord("r6", ViolationKind.NOT_DISCIPLINED, form=DisciplineForm.REPRIMAND, responsibility=Responsibility.OTHER, remediation_complete=True), None),
    (ViolationRecord("r7", ViolationKind.DISCIPLINE, form=DisciplineForm.WARNING, effect_end=date(2026, 2, 14)), 3),
    (ViolationRecord("r8", ViolationKind.DISCIPLINE, form=DisciplineForm.WARNING, effect_end=date(2026, 2, 15)), None),
    (ViolationRecord("r9", ViolationKind.DISCIPLINE, form=DisciplineForm.REMOVAL_FROM_POST, effect_end=date(2020, 1, 1)), None),
    (ViolationRecord("r10", ViolationKind.UNDER_INVESTIGATION), None),
]


@pytest.mark.parametrize(("record", "case"), CASES, ids=[f"CA-9 {r.record_id}" for r, _ in CASES])
def test_ca9_three_permitted_cases(record, case):
    """CA-9: each record falls in case 1, 2, 3, or blocks planning (effect must end before the decision date)."""
    assert planning_case(record, D) == case
    d = check_violations([record], D)
    assert d.ok is (case is not None)
    if case is None:
        assert record.record_id in d.errors[0].vi and record.record_id in d.errors[0].en


def test_ca9_ca_x6_reprimand_effect_period():
    """CA-9, CA-X6: reprimand effective until 2026-03-01: decision 2026-02-15 rejected, 2026-04-01 accepted."""
    r = ViolationRecord("k1", ViolationKind.DISCIPLINE, form=DisciplineForm.REPRIMAND, effect_end=date(2026, 3, 1))
    assert not check_violations([r], date(2026, 2, 15)).ok
    assert not check_violations([r], date(2026, 3, 1)).ok
    assert check_violations([r], date(2026, 3, 2)).ok
    assert check_violations([r], date(2026, 4, 1)).ok


def test_ca10_composition_report_and_female_warning():
    """CA-10: age tiers about 5 years apart, shares against targets, warning for a list without a female cadre."""
    ref = date(2026, 7, 1)
    profiles = [
        CandidateProfile("a", date(1986, 1, 1), female=True),  # 40
        CandidateProfile("b", date(1981, 1, 1), ethnic_minority=True),  # 45
        CandidateProfile("c", date(1976, 1, 1), sci_tech=True),  # 50
    ]
    targets = CompositionTargets(young_max_age=40, young_permille=300, female_permille=300, ethnic_minority_permille=400, sci_tech_permille=0)
    r = planning_list_composition(profiles, ref, targets, level="province", leadership_list=True)
    assert r.ages == (40, 45, 50) and r.age_tiers == 3
    assert (r.young_permille, r.female_permille, r.ethnic_minority_permille) == (333, 333, 333)
    assert r.shortfalls == ("ethnic_minority",)
    assert r.decision.ok and not r.decision.warnings
    no_women = [CandidateProfile("b", date(1981, 1, 1)), CandidateProfile("c", date(1978, 1, 1))]
    r = planning_list_composition(no_women, ref, targets, level="province", leadership_list=True)
    assert r.decision.warning_codes == ("no_female",) and r.age_tiers == 1 and "age_tiers" in r.shortfalls
    only_central = CadreDefaults(female_required_levels=frozenset({"central"}))
    assert not planning_list_composition(no_women, ref, targets, level="province", leadership_list=True, defaults=only_central).decision.warnings
    assert not planning_list_composition(no_women, ref, targets, level="province", leadership_list=False).decision.warnings


# ---------------------------------------------------------------------------------------------
# CA-11..CA-18: review, triggers, removal
# ---------------------------------------------------------------------------------------------


def test_ca12_annual_review_window_and_status():
    """CA-12: opens when ratings of year Y are decided; due 31 March of Y+1."""
    w = annual_review_window(2025, date(2026, 1, 20))
    assert w.due_on == date(2026, 3, 31) and w.defaults_applied[0].value == "03-31"
    assert annual_review_status(w, date(2026, 1, 19)) is ReviewStatus.NOT_OPEN
    assert annual_review_status(w, date(2026, 1, 20)) is ReviewStatus.OPEN
    assert annual_review_status(w, date(2026, 3, 31)) is ReviewStatus.OPEN
    assert annual_review_status(w, date(2026, 4, 1)) is ReviewStatus.OVERDUE
    assert annual_review_status(w, date(2026, 4, 5), completed_on=date(2026, 3, 31)) is ReviewStatus.COMPLETED
    assert annual_review_status(w, date(2026, 4, 5), completed_on=date(2026, 4, 1)) is ReviewStatus.COMPLETED_LATE
    assert annual_review_status(annual_review_window(2025, None), date(2026, 4, 1)) is ReviewStatus.OVERDUE


def test_ca11_ca12_review_lists_entries_with_triggers_and_actions():
    """CA-11, CA-12: every active entry with its triggers and a proposed action."""
    entries = [
        entry("e1", "a", "p1"),
        entry("e2", "b", "p1", state=PlanningState.REMOVAL_REQUIRED, triggers=frozenset({PlanningTrigger.LOW_CONFIDENCE})),
        entry("e3", "c", "p1"),
        entry("e4", "d", "p2", state=PlanningState.REMOVED),
    ]
    items = {i.entry_id: i for i in annual_review_items(entries, {"c": frozenset({PlanningTrigger.KHT_RATING})})}
    assert set(items) == {"e1", "e2", "e3"}
    assert items["e1"].proposed is ReviewAction.KEEP
    assert items["e2"].proposed is ReviewAction.REMOVE and "CA-13" in items["e2"].rule_ids
    assert items["e3"].proposed is ReviewAction.REMOVE_OR_KEEP and "CA-14" in items["e3"].rule_ids


CONFIDENCE = [
    (13, 25, True, False, "26 > 25"),  # CA-X7
    (12, 25, False, False, "24 <= 25"),  # CA-X7
    (17, 25, True, True, "34 > 25; 51 >= 50"),  # CA-X7
    (16, 25, True, False, "32 > 25"),  # 48 < 50
    (10, 20, False, False, "20 <= 20"),
    (11, 20, True, False, "22 > 20"),
    (14, 21, True, True, "28 > 21; 42 >= 42"),
    (0, 0, False, False, "0 <= 0"),
]


@pytest.mark.parametrize(("low", "collected", "removal", "relief", "cmp"), CONFIDENCE, ids=[f"CA-13 {lo}/{c}" for lo, c, *_ in CONFIDENCE])
def test_ca13_ca_x7_confidence_vote_effect(low, collected, removal, relief, cmp):
    """CA-13, CA-X7: more than half low -> removal required (cannot be kept); two thirds -> relief too."""
    e = confidence_planning_effect(low, collected)
    assert (e.removal_required, e.relief_proposal, e.comparison) == (removal, relief, cmp)
    assert e.keep_allowed is (not removal)


def test_ca13_low_confidence_puts_all_entries_in_removal_required_and_cannot_be_kept():
    """CA-13, CA-17: every entry of the cadre goes to removal_required; keeping it is rejected."""
    entries = [entry("e1", "x", "p1"), entry("e2", "x", "p2", level="central"), entry("e3", "y", "p1")]
    effect, transitions = apply_confidence_vote(entries, "x", 13, 25, actor="u", on=date(2026, 5, 1))
    assert effect.removal_required and len(transitions) == 2
    assert all(t.entry.state is PlanningState.REMOVAL_REQUIRED for t in transitions)
    kept = planning_keep(transitions[0].entry, "Có thành tích", DecisionRef("1", date(2026, 5, 2)), actor="u")
    assert not kept.changed and "low_confidence_cannot_keep" in kept.decision.error_codes
    assert apply_confidence_vote(entries, "x", 12, 25, actor="u", on=date(2026, 5, 1))[1] == ()


def test_ca14_ca_x8_kht_then_rerated_returns_to_active():
    """CA-14, CA-X8: KHT for 2025 -> removal_required; re-rated HT in 2026-02 before the review decided -> active."""
    e = entry("e1", "x", "p1")
    t = planning_apply_trigger(e, PlanningTrigger.KHT_RATING, actor="u", on=date(2026, 1, 15))
    assert t.entry.state is PlanningState.REMOVAL_REQUIRED
    assert any(d.name == "kht_removes_from_planning" for d in t.decision.defaults_applied)
    back = planning_cancel_trigger(t.entry, PlanningTrigger.KHT_RATING, actor="u", on=date(2026, 2, 10))
    assert back.entry.state is PlanningState.ACTIVE and not back.entry.triggers
    assert [h.change for h in back.entry.history] == ["trigger:kht_rating", "trigger_cancelled:kht_rating"]
    # another pending trigger keeps the entry in removal_required
    both = planning_apply_trigger(t.entry, PlanningTrigger.AGE_LOST, actor="u", on=date(2026, 1, 20)).entry
    assert planning_cancel_trigger(both, PlanningTrigger.KHT_RATING, actor="u", on=date(2026, 2, 10)).entry.state is PlanningState.REMOVAL_REQUIRED
    # with the default switched off a KHT rating changes nothing
    off = planning_apply_trigger(e, PlanningTrigger.KHT_RATING, actor="u", on=date(2026, 1, 15), defaults=CadreDefaults(kht_removes_from_planning=False))
    assert not off.changed and off.entry.state is PlanningState.ACTIVE


def test_ca15_discipline_or_age_lost_and_keep_with_reason():
    """CA-15, CA-17: new discipline or lost age condition -> removal_required; the competent level may keep with a reason."""
    e = entry("e1", "x", "p1")
    t = planning_apply_trigger(e, PlanningTrigger.DISCIPLINE, actor="u", on=date(2026, 3, 1))
    assert t.entry.state is PlanningState.REMOVAL_REQUIRED and "CA-15" in t.decision.rule_ids
    kept = planning_keep(t.entry, "Kỷ luật do trách nhiệm liên đới", DecisionRef("22-QĐ/TU", date(2026, 3, 20)), actor="u")
    assert kept.changed and kept.entry.state is PlanningState.ACTIVE and kept.entry.kept_reason.startswith("Kỷ luật")
    assert "reason_required" in planning_keep(t.entry, " ", DecisionRef("22", date(2026, 3, 20)), actor="u").decision.error_codes
    age = planning_apply_trigger(e, PlanningTrigger.AGE_LOST, actor="u", on=date(2026, 3, 1))
    assert age.entry.triggers == {PlanningTrigger.AGE_LOST}


def test_ca16_fulfilled_or_closed():
    """CA-16: appointed/elected -> fulfilled; retirement, transfer, expulsion, death -> closed."""
    e = entry("e1", "x", "p1")
    for ev in (PlanningEvent.APPOINTED_TO_PLANNED_POSITION, PlanningEvent.ELECTED_TO_PLANNED_POSITION):
        assert planning_event(e, ev, actor="u", on=date(2027, 1, 1)).entry.state is PlanningState.FULFILLED
    for ev in (PlanningEvent.RETIRED, PlanningEvent.TRANSFERRED_OUT, PlanningEvent.EXPELLED, PlanningEvent.DIED):
        assert planning_event(e, ev, actor="u", on=date(2027, 1, 1)).entry.state is PlanningState.CLOSED
    removed = entry("e2", "x", "p1", state=PlanningState.REMOVED)
    assert not planning_event(removed, PlanningEvent.RETIRED, actor="u", on=date(2027, 1, 1)).changed


def test_ca17_removal_needs_decision_and_blocks_appointment_basis():
    """CA-17: removed only with a recorded decision; removal_required cannot be the basis of an appointment."""
    rr = entry("e1", "x", "p1", state=PlanningState.REMOVAL_REQUIRED, triggers=frozenset({PlanningTrigger.KHT_RATING}))
    assert planning_remove(rr, None, actor="u").decision.error_codes == ("decision_required",)
    assert planning_remove(rr, DecisionRef(" ", date(2026, 3, 1)), actor="u").decision.error_codes == ("decision_required",)
    done = planning_remove(rr, DecisionRef("30-QĐ/TU", date(2026, 3, 1)), actor="u")
    assert done.entry.state is PlanningState.REMOVED and done.entry.history[-1].decision_number == "30-QĐ/TU"
    blocked = planning_event(rr, PlanningEvent.APPOINTED_TO_PLANNED_POSITION, actor="u", on=date(2026, 3, 1))
    assert not blocked.changed and blocked.decision.error_codes == ("removal_required",)


def test_ca11_removing_an_active_entry_needs_a_ground():
    """CA-11: the annual review removes with a ground (standards, tasks not completed, violation)."""
    e = entry("e1", "x", "p1")
    assert planning_remove(e, DecisionRef("1", date(2026, 3, 1)), actor="u").decision.error_codes == ("ground_required",)
    ok = planning_remove(e, DecisionRef("1", date(2026, 3, 1)), actor="u", ground=RemovalGround.TASKS_NOT_COMPLETED)
    assert ok.entry.state is PlanningState.REMOVED and "CA-11" in ok.decision.rule_ids


def test_ca18_addition_runs_ca3_to_ca10_and_records_history():
    """CA-18: an addition passes CA-3..CA-10 on its decision date; entries are versioned with who, when, decision."""
    assert check_planning_addition(proposal()).ok
    bad = proposal(
        current_rank=5,
        retirement_date=date(2030, 1, 1),
        violations=(ViolationRecord("v1", ViolationKind.UNDER_INVESTIGATION),),
        decision=DecisionRef("", date(2026, 7, 15)),
    )
    existing = [entry(f"e{i}", f"c{i}", "deputy_director") for i in range(3)]
    d = check_planning_addition(bad, existing=existing, proposals=[PersonnelProposal("x", ProposalKind.APPOINTMENT, True)])
    assert set(d.error_codes) == {"decision", "not_higher", "position_full", "open_proposal", "age", "blocking_record"}
    assert {"CA-3", "CA-4", "CA-6", "CA-7", "CA-9", "CA-18"} <= set(d.rule_ids)
    targets = CompositionTargets(young_max_age=40)
    d = check_planning_addition(proposal(), composition=([CandidateProfile("x", date(1980, 1, 1))], targets, True))
    assert d.ok and d.warning_codes == ("no_female",)
    e = planning_entry_from(proposal(), "e9", actor="staff1")
    assert e.version == 1 and e.history[0].changed_by == "staff1" and e.history[0].decision_number == "15-QĐ/TU"
    e2 = planning_apply_trigger(e, PlanningTrigger.AGE_LOST, actor="staff2", on=date(2027, 1, 1)).entry
    assert e2.version == 2 and e2.history[-1].changed_by == "staff2" and e2.history[-1].version == 2


# ---------------------------------------------------------------------------------------------
# CA-19..CA-25: appointment
# ---------------------------------------------------------------------------------------------


def test_ca20_default_steps():
    """CA-20: proposal -> vote -> verification -> decision -> announcement; re-appointment adds the self-review."""
    assert default_workflow(WorkflowKind.APPOINTMENT) == (
        WorkflowStep.PROPOSAL, WorkflowStep.LEADERSHIP_VOTE, WorkflowStep.VERIFICATION, WorkflowStep.DECISION, WorkflowStep.ANNOUNCEMENT,
    )
    assert default_workflow(WorkflowKind.REAPPOINTMENT)[0] is WorkflowStep.SELF_REVIEW
    assert len(default_workflow(WorkflowKind.REAPPOINTMENT)) == 6


def test_ca19_ca21_workflow_steps_order_dates_and_vote():
    """CA-19, CA-21: steps recorded in order with date and actors; the vote must pass before continuing."""
    k = WorkflowKind.APPOINTMENT
    p = StepRecord(WorkflowStep.PROPOSAL, date(2026, 1, 5), ("Giám đốc",), ("Tờ trình 1",))
    d = check_workflow_step(k, [], p)
    assert d.ok and any(x.value == "QD377" for x in d.defaults_applied)
    vote = StepRecord(WorkflowStep.LEADERSHIP_VOTE, date(2026, 1, 10), ("Ban giám đốc",), yes=4, members_convened=7)
    assert check_workflow_step(k, [p], vote).ok
    ver = StepRecord(WorkflowStep.VERIFICATION, date(2026, 1, 15), ("Phòng TCCB",))
    assert check_workflow_step(k, [p, vote], ver).ok
    failed = StepRecord(WorkflowStep.LEADERSHIP_VOTE, date(2026, 1, 10), ("Ban giám đốc",), yes=3, members_convened=7)
    assert check_workflow_step(k, [p, failed], ver).error_codes == ("vote_failed",)
    assert check_workflow_step(k, [p], ver).error_codes == ("out_of_order",)
    early = StepRecord(WorkflowStep.LEADERSHIP_VOTE, date(2026, 1, 1), ("Ban giám đốc",), yes=4, members_convened=7)
    assert check_workflow_step(k, [p], early).error_codes == ("date_order",)
    no_counts = StepRecord(WorkflowStep.LEADERSHIP_VOTE, date(2026, 1, 10), ("Ban giám đốc",))
    assert check_workflow_step(k, [p], no_counts).error_codes == ("vote_counts",)
    assert check_workflow_step(k, [], StepRecord(WorkflowStep.PROPOSAL, date(2026, 1, 5), ())).error_codes == ("actors",)
    custom = (WorkflowStep.PROPOSAL, WorkflowStep.DECISION)
    dec = StepRecord(WorkflowStep.DECISION, date(2026, 1, 6), ("Giám đốc",))
    assert check_workflow_step(k, [p], dec, steps=custom).ok
    assert check_workflow_step(k, [p, dec], dec, steps=custom).error_codes == ("finished",)


VOTES = [(4, 7, True, "8 > 7"), (3, 7, False, "6 <= 7"), (5, 10, False, "10 <= 10"), (6, 10, True, "12 > 10"), (1, 1, True, "2 > 1")]


@pytest.mark.parametrize(("yes", "convened", "passed", "cmp"), VOTES, ids=[f"CA-21 {y}/{c}" for y, c, *_ in VOTES])
def test_ca21_vote_step_more_than_half_of_convened(yes, convened, passed, cmp):
    """CA-21: a vote step passes when 2*yes > members convened."""
    v = vote_step_passed(yes, convened)
    assert (v.passed, v.comparison) == (passed, cmp)
    assert v.defaults_applied[0].name == "appointment_vote_threshold"


def test_ca21_threshold_configurable():
    """CA-21: the threshold is a setting."""
    assert vote_step_passed(5, 7, defaults=CadreDefaults(appointment_vote_threshold=Fraction(2, 3))).passed is True  # 15 > 14
    assert vote_step_passed(4, 6, defaults=CadreDefaults(appointment_vote_threshold=Fraction(2, 3))).passed is False  # 12 > 12 false


def test_ca22_ca35_appointment_checks():
    """CA-22, CA-35: suspension rejects; no planning or removal_required warns (or blocks when configured)."""
    d = check_appointment(active_suspension=True, planning_state=PlanningState.ACTIVE)
    assert d.error_codes == ("suspended",) and "CA-35" in d.rule_ids
    assert check_appointment(active_suspension=False, planning_state=PlanningState.ACTIVE).ok
    d = check_appointment(active_suspension=False, planning_state=None)
    assert d.ok and d.warning_codes == ("no_planning",)
    assert not check_appointment(active_suspension=False, planning_state=None, planning_exception=True).warnings
    d = check_appointment(active_suspension=False, planning_state=PlanningState.REMOVAL_REQUIRED)
    assert d.ok and d.warning_codes == ("removal_required",)
    block = CadreDefaults(planning_required="block")
    assert check_appointment(active_suspension=False, planning_state=None, defaults=block).error_codes == ("no_planning",)


def test_ca23_term_and_reappointment_reminder():
    """CA-23: 60 months; reminder opens 90 days before expiry."""
    t = appointment_term(date(2026, 1, 1))
    assert t.last_day == date(2030, 12, 31) and t.reminder_opens_on == date(2030, 10, 2)
    assert not t.reminder_open(date(2030, 10, 1)) and t.reminder_open(date(2030, 10, 2)) and t.reminder_open(date(2030, 12, 31))
    assert not t.expired(date(2030, 12, 31)) and t.expired(date(2031, 1, 1))
    assert {d.name for d in t.defaults_applied} == {"appointment_term_months", "reappointment_reminder_days"}


def test_ca24_ratings_shown_on_every_cadre_decision():
    """CA-24: annual and quarterly ratings decided by the decision date, most recent first, for each decision kind."""
    ratings = [
        RatingRecord(2024, RatingLevel.GOOD, date(2025, 1, 10)),
        RatingRecord(2025, RatingLevel.EXCELLENT, date(2026, 1, 12)),
        RatingRecord(2026, RatingLevel.COMPLETED, date(2026, 4, 5), quarter=1),
        RatingRecord(2026, RatingLevel.GOOD, date(2026, 7, 5), quarter=2),
    ]
    for kind in CadreDecisionKind:
        b = rating_basis(kind, ratings, date(2026, 5, 1))
        assert [(r.year, r.quarter) for r in b.ratings] == [(2026, 1), (2025, None), (2024, None)]
        assert b.rule_ids == ("CA-24",)


KHT = [
    ({2024: RatingLevel.NOT_COMPLETED, 2025: RatingLevel.NOT_COMPLETED}, True, (2024, 2025)),
    ({2023: RatingLevel.NOT_COMPLETED, 2025: RatingLevel.NOT_COMPLETED}, False, None),
    ({2024: RatingLevel.NOT_COMPLETED, 2025: RatingLevel.COMPLETED}, False, None),
    ({2022: RatingLevel.NOT_COMPLETED, 2023: RatingLevel.NOT_COMPLETED, 2024: RatingLevel.NOT_COMPLETED}, True, (2023, 2024)),
    ({}, False, None),
]


@pytest.mark.parametrize(("ratings", "proposal_", "years"), KHT, ids=[f"CA-25 case {i}" for i in range(len(KHT))])
def test_ca25_two_consecutive_kht_years(ratings, proposal_, years):
    """CA-25: KHT in two consecutive years -> dismissal or removal-from-duty proposal."""
    r = consecutive_kht(ratings)
    assert (r.proposal, r.years) == (proposal_, years)


# ---------------------------------------------------------------------------------------------
# CA-26..CA-35: temporary suspension
# ---------------------------------------------------------------------------------------------


def test_ca26_ca_x10_suspension_is_not_discipline():
    """CA-26, CA-X10: suspended in 2025, not disciplined -> no discipline trigger for 2025."""
    records = [CadreRecord(CadreRecordKind.SUSPENSION, date(2025, 6, 1))]
    assert discipline_records(records, 2025) == ()
    assert not counts_as_discipline(CadreRecordKind.SUSPENSION) and counts_as_discipline(CadreRecordKind.DISCIPLINE)
    with_discipline = [*records, CadreRecord(CadreRecordKind.DISCIPLINE, date(2025, 9, 1), DisciplineForm.REPRIMAND)]
    assert len(discipline_records(with_discipline, 2025)) == 1 and discipline_records(with_discipline, 2024) == ()
    assert suspension_effects(SuspensionStatus.ACTIVE).counts_as_discipline is False


def _necessary(**kw):
    base = {"cadre_id": "x", "ground": SuspensionGround.NECESSARY, "decided_on": date(2026, 3, 2), "reason": NecessaryReason.DELAYING_DUTIES}
    base.update(kw)
    return suspension_decide(**base)


def test_ca27_ca28_ground_and_reasons():
    """CA-27, CA-28: one ground; the necessary case needs a reason code, 'other' needs a text."""
    assert _necessary().decision.ok
    assert _necessary(reason=None).decision.error_codes == ("reason",)
    assert _necessary(reason=NecessaryReason.OTHER).decision.error_codes == ("reason_text",)
    assert _necessary(reason=NecessaryReason.OTHER, reason_text="Lý do khác").decision.ok
    assert {r.value for r in NecessaryReason} >= {"ethics_public_outrage", "harassing_citizens", "obstructing_handling", "disciplined_awaiting_administrative"}
    assert {g.value for g in SuspensionGround} == {"necessary", "serious_violation"}
    assert "CA-27" in _necessary().decision.rule_ids


def test_ca30_ca34_ca_x9_periods_and_one_extension():
    """CA-30, CA-34, CA-X9: decided Mon 2026-03-02 -> ends Mon 2026-03-23 (Fri 03-20 with count_decision_day); extension to Mon 04-13; a second rejected."""
    s = _necessary().suspension
    assert (s.start, s.end, s.ruleset) == (date(2026, 3, 3), date(2026, 3, 23), RuleSet.QD377)
    assert _necessary(defaults=CadreDefaults(count_decision_day=True)).suspension.end == date(2026, 3, 20)
    ext = suspension_extend(s, decided_on=date(2026, 3, 20))
    assert ext.decision.ok and ext.suspension.end == date(2026, 4, 13) and ext.suspension.extensions == 1
    again = suspension_extend(ext.suspension, decided_on=date(2026, 4, 1))
    assert again.decision.error_codes == ("second_extension",) and again.suspension is None


DURATIONS = [(15, True), (16, False), (14, True), (1, True), (0, False)]


@pytest.mark.parametrize(("days", "ok"), DURATIONS, ids=[f"CA-30 {d} working days" for d, _ in DURATIONS])
def test_ca30_necessary_case_at_most_15_working_days(days, ok):
    """CA-30: at most 15 working days; QD377 uses the QD148 value as a default."""
    r = _necessary(working_days=days)
    assert r.decision.ok is ok
    assert any(d.name == "necessary_max_working_days" for d in r.decision.defaults_applied)  # QD377 date


def test_ca30_extension_boundaries_and_qd148_has_no_default():
    """CA-30: the extension is at most 15 working days; under QD148 the durations are not a default."""
    s = _necessary().suspension
    assert suspension_extend(s, decided_on=date(2026, 3, 10), working_days=15).decision.ok
    assert suspension_extend(s, decided_on=date(2026, 3, 10), working_days=16).decision.error_codes == ("extension_too_long",)
    assert suspension_extend(s, decided_on=date(2026, 3, 24)).decision.error_codes == ("already_ended",)
    old = _necessary(decided_on=date(2025, 3, 3))
    assert old.suspension.ruleset is RuleSet.QD148
    assert not any(d.name == "necessary_max_working_days" for d in old.decision.defaults_applied)


def test_ca34_working_days_skip_weekends_and_holidays():
    """CA-34: counted from the day after the decision, skipping Saturdays, Sundays and configured holidays."""
    holidays = frozenset({date(2026, 4, 30), date(2026, 5, 1)})
    assert add_working_days(date(2026, 4, 29), 1, holidays) == date(2026, 5, 4)
    assert add_working_days(date(2026, 3, 6), 1) == date(2026, 3, 9)  # Friday -> Monday
    assert add_working_days(date(2026, 3, 7), 1, include_base=True) == date(2026, 3, 9)  # Saturday base
    assert working_days_between(date(2026, 3, 6), date(2026, 3, 9)) == 1
    s = _necessary(decided_on=date(2026, 4, 28), defaults=CadreDefaults(holidays=holidays)).suspension
    assert s.end == add_working_days(date(2026, 4, 28), 15, holidays) == date(2026, 5, 21)
    later = _necessary(effective_on=date(2026, 3, 4))
    assert later.suspension.start == date(2026, 3, 5)
    with pytest.raises(ValueError):
        add_working_days(date(2026, 3, 2), 0)


def _doc(**kw) -> RecommendingDocument:
    base = {"number": "15/KN-VKS", "issued_on": date(2026, 3, 1), "body": "Viện kiểm sát tỉnh", "body_kind": RecommendingBodyKind.PROCEEDINGS}
    base.update(kw)
    return RecommendingDocument(**base)


def test_ca31_ca_x12_serious_violation_needs_the_recommendation():
    """CA-31, CA-X12: without the recommending body's document the suspension is rejected; the end date follows it."""
    r = suspension_decide(cadre_id="x", ground=SuspensionGround.SERIOUS_VIOLATION, decided_on=date(2026, 3, 2), recommended_end=date(2026, 6, 30))
    assert r.decision.error_codes == ("recommendation_required",) and r.suspension is None
    r = suspension_decide(
        cadre_id="x", ground=SuspensionGround.SERIOUS_VIOLATION, decided_on=date(2026, 3, 2), recommending_document=_doc(), recommended_end=date(2026, 6, 30)
    )
    assert r.decision.ok and r.suspension.end == date(2026, 6, 30)
    r = suspension_decide(cadre_id="x", ground=SuspensionGround.SERIOUS_VIOLATION, decided_on=date(2026, 3, 2), recommending_document=_doc())
    assert r.decision.error_codes == ("end_required",)
    r = suspension_decide(
        cadre_id="x", ground=SuspensionGround.SERIOUS_VIOLATION, decided_on=date(2026, 3, 2), recommending_document=_doc(issued_on=date(2026, 3, 3)), recommended_end=date(2026, 6, 30)
    )
    assert r.decision.error_codes == ("recommendation_after_decision",)
    s = suspension_decide(
        cadre_id="x", ground=SuspensionGround.SERIOUS_VIOLATION, decided_on=date(2026, 3, 2), recommending_document=_doc(), recommended_end=date(2026, 6, 30)
    ).suspension
    assert suspension_extend(s, decided_on=date(2026, 6, 1)).decision.error_codes == ("recommendation_required",)
    assert suspension_extend(s, decided_on=date(2026, 6, 1), recommending_document=_doc(number="16"), recommended_end=date(2026, 8, 31)).suspension.end == date(2026, 8, 31)


def test_ca32_automatic_expiry_and_early_lift():
    """CA-32: expires by itself after the last day; lifting earlier needs a recorded decision."""
    s = _necessary().suspension
    assert suspension_status(s, date(2026, 3, 2)) is SuspensionStatus.NOT_STARTED
    assert suspension_status(s, date(2026, 3, 3)) is SuspensionStatus.ACTIVE
    assert suspension_status(s, date(2026, 3, 23)) is SuspensionStatus.ACTIVE
    assert suspension_status(s, date(2026, 3, 24)) is SuspensionStatus.EXPIRED
    assert suspension_lift(s, date(2026, 3, 10), None).decision.error_codes == ("decision_required",)
    lifted = suspension_lift(s, date(2026, 3, 10), DecisionRef("40-QĐ/TU", date(2026, 3, 10))).suspension
    assert suspension_status(lifted, date(2026, 3, 10)) is SuspensionStatus.LIFTED
    assert suspension_status(lifted, date(2026, 3, 9)) is SuspensionStatus.ACTIVE
    assert suspension_lift(s, date(2026, 3, 24), DecisionRef("1", date(2026, 3, 24))).decision.error_codes == ("already_expired",)


ADVICE = [(date(2026, 3, 4), ()), (date(2026, 3, 5), ("late",)), (date(2026, 3, 3), ()), (date(2026, 3, 2), ())]


@pytest.mark.parametrize(("decided", "warnings"), ADVICE, ids=[f"CA-33 decided {d}" for d, _ in ADVICE])
def test_ca33_ca_x11_decision_within_two_working_days(decided, warnings):
    """CA-33, CA-X11: grounds Mon 2026-03-02, decision Thu 03-05 -> 3 working days -> late warning."""
    d = advice_timeliness(date(2026, 3, 2), decided)
    assert d.warning_codes == warnings and d.ok


def test_ca33_late_warning_on_the_suspension_decision():
    """CA-33: the warning does not block the decision."""
    r = _necessary(decided_on=date(2026, 3, 5), grounds_established_on=date(2026, 3, 2))
    assert r.decision.ok and r.decision.warning_codes == ("late",)
    # a weekend in between does not count: grounds Fri 03-06, decision Tue 03-10 -> 2 working days
    assert not advice_timeliness(date(2026, 3, 6), date(2026, 3, 10)).warnings


TABLE = {"provincial_secretary": {"department_head", "district_secretary"}, "department_head": {"deputy_department_head"}}
AUTHORITY = [
    (SuspensionAuthorityActor("provincial_secretary"), SuspensionTarget("department_head"), ()),
    (SuspensionAuthorityActor("department_head"), SuspensionTarget("deputy_department_head"), ()),
    (SuspensionAuthorityActor("department_head"), SuspensionTarget("district_secretary"), ("no_authority",)),
    (SuspensionAuthorityActor("x", heads_appointing_level_of_target=True), SuspensionTarget("specialist"), ()),
    (SuspensionAuthorityActor("x"), SuspensionTarget("specialist"), ("no_authority",)),
    (SuspensionAuthorityActor("provincial_secretary"), SuspensionTarget("minister", managed_by_politburo_secretariat=True), ("politburo_secretariat",)),
    (SuspensionAuthorityActor("politburo", politburo_or_secretariat=True), SuspensionTarget("minister", managed_by_politburo_secretariat=True), ()),
    (SuspensionAuthorityActor("provincial_secretary"), SuspensionTarget("department_head", special_status=SpecialStatus.ELECTED_DEPUTY), ("special_procedure",)),
]


@pytest.mark.parametrize(("actor", "target", "errors"), AUTHORITY, ids=[f"CA-29 {a.position}->{t.position}" for a, t, _ in AUTHORITY])
def test_ca29_authority_table(actor, target, errors):
    """CA-29: configured table; head of the appointing level outside it; Politburo/Secretariat; special procedures."""
    assert check_suspension_authority(actor, target, TABLE).error_codes == errors


def test_ca35_effects_while_active():
    """CA-35: duties suspended, appointments blocked, planning warned; the rating still runs."""
    on = suspension_effects(SuspensionStatus.ACTIVE)
    assert (on.duties_suspended, on.appointments_blocked, on.planning_warning, on.rating_runs) == (True, True, True, True)
    off = suspension_effects(SuspensionStatus.EXPIRED)
    assert (off.duties_suspended, off.appointments_blocked, off.planning_warning, off.rating_runs) == (False, False, False, True)


# ---------------------------------------------------------------------------------------------
# CA-36..CA-41: refresher training
# ---------------------------------------------------------------------------------------------


def test_ca36_training_groups():
    """CA-36: Group 1 configured key positions, Group 2 Politburo/Secretariat-managed, Group 3 the rest."""
    key = {"provincial_secretary"}
    assert training_group("provincial_secretary", key_positions=key, managed_by_politburo_secretariat=True) is TrainingGroup.GROUP_1
    assert training_group("vice_minister", key_positions=key, managed_by_politburo_secretariat=True) is TrainingGroup.GROUP_2
    assert training_group("department_head", key_positions=key, managed_by_politburo_secretariat=False) is TrainingGroup.GROUP_3


def test_ca37_mandatory_for_leaders_and_managers():
    """CA-37: refresher training is mandatory and an evaluation criterion for leaders and managers."""
    assert refresher_training_required(True).warning_codes == ("mandatory",)
    assert refresher_training_required(False).warning_codes == ()


@pytest.mark.parametrize("kind", list(CourseKind), ids=[f"CA-38 {k.value}" for k in CourseKind])
def test_ca38_only_refresher_courses_count(kind):
    """CA-38: professional, state-management, title, pre-appointment, defence courses and dissemination do not count."""
    assert counts_as_refresher(kind) is (kind is CourseKind.REFRESHER)


ORGANIZERS = [
    (TrainingGroup.GROUP_1, Organizer.CENTRAL, ()),
    (TrainingGroup.GROUP_2, Organizer.CENTRAL, ()),
    (TrainingGroup.GROUP_3, Organizer.MANAGING_COMMITTEE, ()),
    (TrainingGroup.GROUP_1, Organizer.MANAGING_COMMITTEE, ("organizer_mismatch",)),
    (TrainingGroup.GROUP_3, Organizer.CENTRAL, ("organizer_mismatch",)),
]


@pytest.mark.parametrize(("group", "org", "warnings"), ORGANIZERS, ids=[f"CA-39 G{int(g)} {o.value}" for g, o, _ in ORGANIZERS])
def test_ca39_organizer_matches_group(group, org, warnings):
    """CA-39: mismatching organizer only warns."""
    d = check_course_organizer(group, org)
    assert d.ok and d.warning_codes == warnings


def test_ca40_ca38_ca_x13_minimum_per_year():
    """CA-40, CA-38, CA-X13: a Group 3 cadre whose only 2026 course is pre-appointment is below the minimum."""
    courses = [
        Course("a", date(2026, 5, 1), CourseKind.PRE_APPOINTMENT, Organizer.MANAGING_COMMITTEE, 40),
        Course("b", date(2026, 6, 1), CourseKind.REFRESHER, Organizer.MANAGING_COMMITTEE, 16),
        Course("c", date(2025, 6, 1), CourseKind.REFRESHER, Organizer.CENTRAL, 16),
    ]
    groups = {"a": TrainingGroup.GROUP_3, "b": TrainingGroup.GROUP_3, "c": TrainingGroup.GROUP_1}
    tc = training_compliance(groups, courses, 2026)
    rows = {r.cadre_id: r for r in tc.rows}
    assert rows["a"].refresher_courses == 0 and rows["a"].excluded_courses == 1 and rows["a"].below_minimum
    assert not rows["b"].below_minimum and rows["b"].hours == 16
    assert rows["c"].below_minimum  # the 2025 course does not count for 2026
    assert tc.below_minimum == ("a", "c")
    assert tc.defaults_applied[0].value == "G1:1,G2:1,G3:1"
    hours = CadreDefaults(training_min_hours=((TrainingGroup.GROUP_3, 20),))
    assert training_compliance(groups, courses, 2026, defaults=hours).below_minimum == ("a", "b", "c")


def test_ca40_qd145_start_date():
    """CA-40, CA-1: only courses from 10/05/2024 count; years before 2024 have no QD145."""
    courses = [Course("a", date(2024, 5, 9), CourseKind.REFRESHER, Organizer.CENTRAL), Course("b", date(2024, 5, 10), CourseKind.REFRESHER, Organizer.CENTRAL)]
    tc = training_compliance({"a": TrainingGroup.GROUP_1, "b": TrainingGroup.GROUP_1}, courses, 2024)
    assert tc.below_minimum == ("a",)
    with pytest.raises(CadreRuleError):
        training_compliance({}, [], 2023)


def test_ca41_training_evidence_changes_no_score():
    """CA-41: completion is evidence in the self-review's general criteria; no automatic score."""
    tc = training_compliance({"b": TrainingGroup.GROUP_3}, [Course("b", date(2026, 6, 1), CourseKind.REFRESHER, Organizer.MANAGING_COMMITTEE)], 2026)
    ev = training_evidence(tc.rows[0], 2026)
    assert ev.affects_score is False and "1" in ev.text_vi and ev.rule_ids == ("CA-41",)


def test_ca30_ca34_end_is_always_a_working_day_after_start():
    """CA-30, CA-34: for every decision day of a month the period ends on a working day, 15 working days in."""
    for offset in range(31):
        decided = date(2026, 3, 1) + timedelta(days=offset)
        s = _necessary(decided_on=decided).suspension
        assert s.end.weekday() < 5
        assert working_days_between(decided, s.end) == 15
