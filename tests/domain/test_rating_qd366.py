"""QD366 classification: worked examples of §17, bands, conditions, triggers, mitigation and gap cases."""

from __future__ import annotations

import datetime as dt

import pytest

from partyorg.domain.rating import (
    Claim,
    CollectiveKind,
    ConfidenceVote,
    Decision,
    Defaults,
    Discipline,
    Finding,
    Level,
    Measure,
    Mitigation,
    MitigationOutcome,
    MitigationState,
    RatingContext,
    RatingInputError,
    RuleSet,
    Score,
    Shortcomings,
    SocioEconomic,
    Status,
    SubjectFacts,
    SubjectType,
    TaskCounts,
    UnitResults,
    classify,
    decide_level,
    rules_for,
)

CTX = RatingContext.annual(RuleSet.QD366, 2025)
NL, LEADER, COLL = SubjectType.NON_LEADER, SubjectType.LEADER, SubjectType.COLLECTIVE


def facts(kind: SubjectType, score: float, t: int, d: int, o: int, e: int = 0, **kw: object) -> SubjectFacts:
    return SubjectFacts(
        "s", kind, score=Score(round(score * 10)), tasks=TaskCounts(t, d, o, e), **kw  # type: ignore[arg-type]
    )


def run(f: SubjectFacts, ctx: RatingContext = CTX):
    return classify(f, ctx)


def reprimand(day: str = "2025-06-01", **kw: object) -> Discipline:
    return Discipline(Measure.REPRIMAND, dt.date.fromisoformat(day), **kw)  # type: ignore[arg-type]


# ---------------------------------------------------------------------------------------------------
# §17 worked examples (QD366, no trigger unless stated)

WORKED = [
    # id, facts, status, level, proposed
    ("T1", facts(NL, 92, 10, 10, 10, 3), Status.CANDIDATE, None, Level.EXCELLENT),
    ("T2", facts(NL, 92, 10, 10, 10, 2), Status.GAP, None, Level.GOOD),
    ("T3", facts(NL, 85, 10, 10, 8), Status.GAP, None, Level.COMPLETED),
    ("T4", facts(NL, 65, 10, 10, 8), Status.RATED, Level.COMPLETED, Level.COMPLETED),
    ("T5", facts(NL, 65, 10, 10, 7), Status.GAP, None, None),
    ("T6", facts(NL, 75, 10, 4, 4), Status.RATED, Level.NOT_COMPLETED, Level.NOT_COMPLETED),
    ("T6-D5", facts(NL, 75, 10, 5, 5), Status.GAP, None, None),
    ("T7", facts(NL, 88, 10, 10, 10, disciplines=(reprimand("2025-05-05"),)), Status.RATED, Level.NOT_COMPLETED,
     Level.NOT_COMPLETED),
    ("T7-claim", facts(NL, 88, 10, 10, 10, disciplines=(reprimand("2025-05-05", self_detected_remedied=True),)),
     Status.MITIGATION_PENDING, None, Level.GOOD),
    ("T8", facts(LEADER, 91, 20, 20, 20, 7, confidence_vote=ConfidenceVote(25, 15)), Status.RATED,
     Level.NOT_COMPLETED, Level.NOT_COMPLETED),
    ("T9", facts(LEADER, 80, 25, 17, 17), Status.RATED, Level.NOT_COMPLETED, Level.NOT_COMPLETED),
    ("T10", facts(LEADER, 80, 10, 10, 10, units=UnitResults(5, 3)), Status.RATED, Level.NOT_COMPLETED,
     Level.NOT_COMPLETED),
    ("T10-4units", facts(LEADER, 80, 10, 10, 10, units=UnitResults(4, 2)), Status.RATED, Level.GOOD, Level.GOOD),
    ("T11", facts(COLL, 93, 10, 10, 10, 4, unit="dept-x",
                  member_disciplines=(reprimand("2025-03-01", unit_at_act="previous-agency", subject="m1"),)),
     Status.GAP, None, Level.GOOD),
    ("T14", facts(NL, 75, 10, 10, 10, sick_leave_days=120), Status.RATED, Level.GOOD, Level.GOOD),
]  # fmt: skip


@pytest.mark.parametrize(("case", "f", "status", "level", "proposed"), WORKED, ids=[w[0] for w in WORKED])
def test_worked_examples_AR_17_to_AR_30(case, f, status, level, proposed):
    """§17 T1-T11, T14 (AR-17, AR-19, AR-20, AR-21, AR-23, AR-24, AR-25, AR-29, AR-42, AR-9)."""
    c = run(f)
    assert (c.status, c.level, c.proposed) == (status, level, proposed)


def test_T1_candidate_waits_for_quota_AR_17_AR_33():
    """Cites AR-17, AR-33."""
    c = run(facts(NL, 92, 10, 10, 10, 3))
    assert "AR-33" in c.rules and "quota_required" in c.flags
    assert any(k.condition == "10*E >= 3*T" and k.values == "30 >= 30" and k.holds for k in c.checks)


def test_T6_trigger_is_AR_24b_and_D5_is_not():
    """Cites AR-24."""
    assert [h.code for h in run(facts(NL, 75, 10, 4, 4)).triggers] == ["AR-24b"]
    assert run(facts(NL, 75, 10, 5, 5)).triggers == ()


def test_T8_low_confidence_AR_23b_and_plain_vote_result():
    """Cites AR-23."""
    c = run(facts(LEADER, 91, 20, 20, 20, 7, confidence_vote=ConfidenceVote(25, 15)))
    assert [h.code for h in c.triggers] == ["AR-23b"]
    assert run(facts(LEADER, 91, 20, 20, 20, 7, confidence_vote=ConfidenceVote(24, 12))).status is Status.CANDIDATE
    plain = run(facts(LEADER, 91, 20, 20, 20, 7, confidence_vote=ConfidenceVote(low_over_half=True)))
    assert plain.level is Level.NOT_COMPLETED


def test_T9_T10_leader_unit_triggers_AR_23a():
    """Cites AR-23."""
    assert [h.cause for h in run(facts(LEADER, 80, 25, 17, 17)).triggers] == ["units_tasks_under_70"]
    assert [h.cause for h in run(facts(LEADER, 80, 10, 10, 10, units=UnitResults(5, 3))).triggers] == [
        "units_not_completed"
    ]


def test_T11_transfer_exception_AR_22b_AR_42_AR_51():
    """Cites AR-22, AR-42, AR-51."""
    c = run(next(w[1] for w in WORKED if w[0] == "T11"))
    assert c.triggers == ()  # AR-22(b) not fired: act at the previous agency (AR-51)
    assert any(k.rule == "AR-42" and not k.holds for k in c.checks)
    assert {"AR-22", "AR-42", "AR-51"} <= set(c.rules)
    assert any(d.name == "htxs_transfer_exception" and d.value is False for d in c.defaults_applied)


def test_T14_reduced_period_AR_9():
    """Cites AR-9."""
    c = run(facts(NL, 75, 10, 10, 10, sick_leave_days=120))
    assert "reduced_period" in c.flags and "AR-9" in c.rules
    assert "reduced_period" not in run(facts(NL, 75, 10, 10, 10, sick_leave_days=89)).flags
    assert "reduced_period" in run(facts(NL, 75, 10, 10, 10, sick_leave_days=90)).flags
    assert "reduced_period" in run(facts(NL, 75, 10, 10, 10, maternity_leave=True)).flags


# ---------------------------------------------------------------------------------------------------
# Score bands at 50, 70, 90 (AR-14, AR-17, AR-19, AR-20, AR-21)

BANDS = [
    (49.9, Level.NOT_COMPLETED), (50.0, Level.COMPLETED), (50.1, Level.COMPLETED),
    (69.9, Level.COMPLETED), (70.0, Level.GOOD), (70.1, Level.GOOD),
    (89.9, Level.GOOD), (90.0, Level.EXCELLENT), (90.1, Level.EXCELLENT), (0, Level.NOT_COMPLETED),
    (100, Level.EXCELLENT),
]  # fmt: skip


@pytest.mark.parametrize(("score", "band"), BANDS)
def test_band_boundaries_AR_17_AR_19_AR_20_AR_21(score, band):
    """Cites AR-17, AR-19, AR-20, AR-21."""
    c = run(facts(NL, score, 10, 10, 10, 3))  # every condition holds
    assert c.band is band
    expected = Status.CANDIDATE if band is Level.EXCELLENT else Status.RATED
    assert c.status is expected
    assert c.proposed is band


def test_score_under_50_is_KHT_whatever_the_tasks_AR_21():
    """Cites AR-21."""
    c = run(facts(NL, 49.9, 10, 10, 10, 10))
    assert c.level is Level.NOT_COMPLETED and "AR-21" in c.rules


def test_score_framework_rejects_out_of_range_AR_14():
    """Cites AR-14."""
    assert Score.of_groups(270, 620).total_x10 == 890  # T22's groups
    for bad in (lambda: Score.of_groups(301, 600), lambda: Score.of_groups(200, 701), lambda: Score(1001),
                lambda: Score(-1), lambda: Score(800, 300, 400)):  # fmt: skip
        with pytest.raises(RatingInputError):
            bad()


def test_score_required_under_qd366():
    with pytest.raises(RatingInputError) as err:
        run(SubjectFacts("s", NL, tasks=TaskCounts(1, 1, 1)))
    assert err.value.field == "score"


# ---------------------------------------------------------------------------------------------------
# Task-share boundaries: 20% late (AR-20), 30% exceeded (AR-17), 50% not done (AR-24b), 70% done (AR-22d, AR-23a)


@pytest.mark.parametrize(
    ("t", "o", "holds"), [(10, 8, True), (10, 7, False), (5, 4, True), (5, 3, False), (7, 6, True), (7, 5, False),
                          (0, 0, True)]
)  # fmt: skip
def test_late_share_20_percent_AR_20(t, o, holds):
    """Cites AR-20."""
    c = run(facts(NL, 65, t, t, o))
    assert (c.status is Status.RATED) is holds


@pytest.mark.parametrize(
    ("t", "e", "holds"), [(10, 3, True), (10, 2, False), (20, 6, True), (20, 5, False), (7, 3, True), (7, 2, False),
                          (0, 0, True)]
)  # fmt: skip
def test_exceeded_share_30_percent_AR_17(t, e, holds):
    """Cites AR-17."""
    c = run(facts(NL, 95, t, t, t, e))
    assert (c.status is Status.CANDIDATE) is holds


@pytest.mark.parametrize(("t", "d", "fires"), [(10, 5, False), (10, 4, True), (9, 5, False), (9, 4, True), (1, 0, True),
                                               (0, 0, False)])  # fmt: skip
def test_not_done_share_50_percent_AR_24b(t, d, fires):
    """Cites AR-24."""
    c = run(facts(NL, 75, t, d, d))
    assert any(h.code == "AR-24b" for h in c.triggers) is fires


@pytest.mark.parametrize(("t", "d", "fires"), [(10, 7, False), (10, 6, True), (25, 17, True), (25, 18, False),
                                               (3, 2, True), (0, 0, False)])  # fmt: skip
def test_done_share_70_percent_leader_AR_23a_and_collective_AR_22d(t, d, fires):
    """Cites AR-23, AR-22."""
    leader = run(facts(LEADER, 75, t, d, d))
    collective = run(facts(COLL, 75, t, d, d))
    assert any(h.code == "AR-23a" for h in leader.triggers) is fires
    assert any(h.code == "AR-22d" for h in collective.triggers) is fires


# ---------------------------------------------------------------------------------------------------
# Level conditions per subject type


def test_leader_excellent_needs_done_and_30_percent_AR_17_and_on_time_AR_18():
    """Cites AR-17, AR-18."""
    assert run(facts(LEADER, 95, 20, 20, 20, 6)).status is Status.CANDIDATE
    late = facts(LEADER, 95, 20, 20, 19, 6)
    c = run(late)
    assert c.status is Status.GAP and c.proposed is Level.COMPLETED  # HTT needs Ou == Tu too
    relaxed = RatingContext.annual(RuleSet.QD366, 2025, Defaults(htxs_requires_on_time=False))
    assert run(late, relaxed).status is Status.CANDIDATE
    assert any(d.rule == "AR-18" and d.value is True for d in c.defaults_applied)


def test_leader_gap_proposal_is_highest_lower_level_AR_29():
    """Cites AR-29."""
    c = run(facts(LEADER, 95, 20, 20, 19, 6))
    assert c.proposed is Level.COMPLETED  # HTXS fails on Ou; HTT fails on Ou; HT holds (5*1 <= 20)


def test_shortcomings_must_all_be_remedied_for_excellent_AR_17():
    """Cites AR-17."""
    c = run(facts(NL, 95, 10, 10, 10, 3, shortcomings=Shortcomings(2, 1)))
    assert c.status is Status.GAP and c.proposed is Level.GOOD
    assert run(facts(NL, 95, 10, 10, 10, 3, shortcomings=Shortcomings(2, 2))).status is Status.CANDIDATE


def test_collective_excellent_blocked_by_subordinate_discipline_AR_42():
    """Cites AR-42."""
    sub = Discipline(Measure.WARNING, dt.date(2025, 2, 1), subject="cell-3")
    c = run(facts(COLL, 95, 10, 10, 10, 3, subordinate_disciplines=(sub,)))
    assert c.status is Status.GAP and c.proposed is Level.GOOD
    earlier = Discipline(Measure.WARNING, dt.date(2024, 12, 31))
    assert run(facts(COLL, 95, 10, 10, 10, 3, subordinate_disciplines=(earlier,))).status is Status.CANDIDATE


def test_gap_never_proposes_above_band_AR_30():
    """Cites AR-30."""
    c = run(facts(NL, 75, 10, 10, 9, 5))  # HTT band, O != T: only HT can hold
    assert c.status is Status.GAP and c.proposed is Level.COMPLETED
    assert c.proposed.rank <= c.band.rank
    assert "AR-30" in c.rules


def test_decided_level_unlike_proposal_needs_reason_AR_30():
    """Cites AR-30."""
    c = run(facts(NL, 92, 10, 10, 10, 2))
    assert decide_level(c, Level.GOOD).overridden is False
    with pytest.raises(RatingInputError):
        decide_level(c, Level.COMPLETED)
    d = decide_level(c, Level.COMPLETED, "Cấp có thẩm quyền quyết định")
    assert d.overridden and "AR-30" in d.rules


# ---------------------------------------------------------------------------------------------------
# Triggers (AR-22..AR-27) and mitigation (AR-25)


def test_collective_triggers_AR_22_a_b_c():
    """Cites AR-22."""
    for finding, code in ((Finding.PERSONNEL_VIOLATION, "AR-22a"), (Finding.FACTIONALISM, "AR-22a"),
                          (Finding.MEMBER_DEGRADATION, "AR-22c")):  # fmt: skip
        c = run(facts(COLL, 85, 10, 10, 10, findings=frozenset({finding})))
        assert c.level is Level.NOT_COMPLETED and [h.code for h in c.triggers] == [code]
    here = reprimand("2025-09-01", unit_at_act="u1", subject="m")
    c = run(facts(COLL, 85, 10, 10, 10, unit="u1", member_disciplines=(here,)))
    assert [h.code for h in c.triggers] == ["AR-22b"]
    unrelated = reprimand("2025-09-01", unit_at_act="u1", related_to_functions=False)
    assert run(facts(COLL, 85, 10, 10, 10, unit="u1", member_disciplines=(unrelated,))).level is Level.GOOD
    not_duty = reprimand("2025-09-01", unit_at_act="u1", duty_related=False)
    assert run(facts(COLL, 85, 10, 10, 10, unit="u1", member_disciplines=(not_duty,))).level is Level.GOOD


def test_T13_discipline_counts_at_the_unit_of_the_act_AR_51():
    """Cites AR-51."""
    moved = reprimand("2025-09-15", unit_at_act="A", subject="m")
    at_a = run(facts(COLL, 85, 10, 10, 10, unit="A", member_disciplines=(moved,)))
    at_b = run(facts(COLL, 85, 10, 10, 10, unit="B", member_disciplines=(moved,)))
    assert at_a.level is Level.NOT_COMPLETED and at_b.level is Level.GOOD


def test_collective_triggers_scope_AR_26():
    """Cites AR-26."""
    f = facts(COLL, 85, 10, 10, 10, collective_kind=CollectiveKind.GRASSROOTS_CELL,
              findings=frozenset({Finding.DISUNITY}))  # fmt: skip
    c = run(f)
    assert c.level is Level.NOT_COMPLETED
    assert any(d.rule == "AR-26" and d.value == "all" for d in c.defaults_applied)
    narrow = RatingContext.annual(RuleSet.QD366, 2025, Defaults(collective_triggers_scope="non_party_committees"))
    assert run(f, narrow).level is Level.GOOD


def test_socio_economic_targets_AR_27():
    """Cites AR-27."""
    assert run(facts(LEADER, 85, 10, 10, 10, socio_economic=SocioEconomic(5, 1))).level is Level.NOT_COMPLETED
    assert run(facts(LEADER, 85, 10, 10, 10, socio_economic=SocioEconomic(5, 0))).level is Level.GOOD
    two = RatingContext.annual(RuleSet.QD366, 2025, Defaults(socio_econ_min_failed=2))
    c = run(facts(COLL, 85, 10, 10, 10, socio_economic=SocioEconomic(5, 1)), two)
    assert c.level is Level.GOOD
    assert any(d.rule == "AR-27" and d.value == 2 for d in c.defaults_applied)


def test_leader_triggers_AR_23_c_d_e():
    """Cites AR-23."""
    assert [h.code for h in run(facts(LEADER, 85, 10, 10, 10, disciplines=(reprimand(),))).triggers] == ["AR-23c"]
    for finding, code in ((Finding.DEGRADATION, "AR-23d"), (Finding.CORRUPTION_UNDER_MANAGEMENT, "AR-23e")):
        assert [h.code for h in run(facts(LEADER, 85, 10, 10, 10, findings=frozenset({finding}))).triggers] == [code]


def test_member_triggers_AR_24a():
    """Cites AR-24."""
    for finding in (Finding.DEGRADATION, Finding.PROHIBITED_CONDUCT, Finding.ROLE_MODEL_BREACH):
        c = run(facts(SubjectType.MEMBER_OUTSIDE, 85, 10, 10, 10, findings=frozenset({finding})))
        assert [h.code for h in c.triggers] == ["AR-24a"]


def test_findings_must_fit_the_subject_type():
    with pytest.raises(RatingInputError):
        facts(NL, 85, 10, 10, 10, findings=frozenset({Finding.PERSONNEL_VIOLATION}))


def test_temporary_work_suspension_is_not_a_trigger_AR_53():
    """Cites AR-53."""
    s = Discipline(Measure.TEMPORARY_WORK_SUSPENSION, dt.date(2025, 3, 1))
    c = run(facts(LEADER, 85, 10, 10, 10, disciplines=(s,)))
    assert c.triggers == () and "AR-53" in c.rules


def test_discipline_of_another_year_does_not_fire_AR_49():
    """Cites AR-49."""
    c = run(facts(NL, 85, 10, 10, 10, disciplines=(reprimand("2024-12-20"),)))
    assert c.level is Level.GOOD


def _decision() -> Decision:
    return Decision("12-QĐ/ĐU", dt.date(2025, 12, 20), "Đảng ủy xã", "Tự phát hiện, khắc phục kịp thời")


def test_mitigation_pending_then_decided_AR_25():
    """Cites AR-25."""
    base = {"findings": frozenset({Finding.DEGRADATION})}
    claim = Mitigation("AR-24a", Claim.FORCE_MAJEURE)
    pending = run(facts(NL, 85, 10, 10, 10, mitigations=(claim,), **base))
    assert pending.status is Status.MITIGATION_PENDING and pending.proposed is Level.GOOD
    assert pending.triggers[0].mitigation is MitigationState.PENDING
    aside = Mitigation("AR-24a", Claim.FORCE_MAJEURE, _decision(), MitigationOutcome.SET_ASIDE)
    c = run(facts(NL, 85, 10, 10, 10, mitigations=(aside,), **base))
    assert c.status is Status.RATED and c.level is Level.GOOD
    confirm = Mitigation("AR-24a", Claim.FORCE_MAJEURE, _decision(), MitigationOutcome.CONFIRM_KHT)
    assert run(facts(NL, 85, 10, 10, 10, mitigations=(confirm,), **base)).level is Level.NOT_COMPLETED
    assert any(d.rule == "AR-25" for d in c.defaults_applied)


def test_mitigation_does_not_cover_an_unclaimed_trigger_AR_25():
    """Cites AR-25."""
    claim = Mitigation("AR-24a", Claim.FORCE_MAJEURE)
    c = run(facts(NL, 85, 10, 4, 4, mitigations=(claim,), findings=frozenset({Finding.DEGRADATION})))
    assert c.level is Level.NOT_COMPLETED  # AR-24b has no claim


def test_proactive_claim_is_for_leaders_only_AR_25():
    """Cites AR-25."""
    with pytest.raises(RatingInputError):
        facts(NL, 85, 10, 10, 10, mitigations=(Mitigation("AR-24a", Claim.PROACTIVE_REPORTED_REMEDIED),))
    with pytest.raises(RatingInputError):
        Mitigation("AR-24a", Claim.FORCE_MAJEURE, _decision(), None)


def test_order_exclusion_first_AR_28():
    """Cites AR-28."""
    f = facts(NL, 40, 10, 0, 0, admitted_on=dt.date(2025, 9, 1), meeting_date=dt.date(2025, 12, 10))
    c = run(f)
    assert c.status is Status.NOT_REVIEWED and c.level is None
    assert any(d.rule == "AR-28" for d in c.defaults_applied)


def test_interface_dispatches_per_rule_set():
    assert rules_for(RuleSet.QD366).rule_set is RuleSet.QD366
    assert rules_for(RuleSet.QD366).classify(facts(NL, 92, 10, 10, 10, 3), CTX).rule_set is RuleSet.QD366
