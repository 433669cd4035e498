"""Rule set QD366-2025: Quy định 366-QĐ/TW with Hướng dẫn 43-HD/BTCTW (§5-§7: AR-14..AR-30)."""

from __future__ import annotations

from .common import (
    Level,
    RatingInputError,
    RuleSet,
    Status,
    SubjectType,
    TaskCounts,
    Trace,
)
from .discipline import Discipline, counts_against_unit, counts_in_period
from .facts import (
    Classification,
    Finding,
    MitigationState,
    RatingContext,
    SubjectFacts,
    TriggerHit,
    excluded,
    mitigation_state,
    not_reviewed,
    reduced_period_flag,
    required_tasks,
)
from .scoring import COMPLETED_MIN_X10, EXCELLENT_MIN_X10, GOOD_MIN_X10, band_of

RULE_SET = RuleSet.QD366


# ---------------------------------------------------------------------------------------------------
# Level conditions (AR-17..AR-20), each ignoring the band; the band is checked apart


def excellent_conditions(facts: SubjectFacts, ctx: RatingContext, tr: Trace) -> bool:
    """AR-17 (+AR-18 for leaders, AR-42 for collectives), without the band and the quota."""
    t = required_tasks(facts)
    ok = True
    if facts.subject_type.is_leader:
        ok &= tr.check("AR-17", "Du == Tu", f"{t.done} == {t.total}", t.done == t.total)
        ok &= tr.check(
            "AR-17", "10*Eu >= 3*Tu", f"{10 * t.exceeded} >= {3 * t.total}", 10 * t.exceeded >= 3 * t.total
        )
        tr.default("AR-18", "htxs_requires_on_time")
        if ctx.defaults.htxs_requires_on_time:
            ok &= tr.check("AR-18", "Ou == Tu", f"{t.on_time} == {t.total}", t.on_time == t.total)
    else:
        ok &= tr.check("AR-17", "O == T", f"{t.on_time} == {t.total}", t.on_time == t.total)
        ok &= tr.check(
            "AR-17", "10*E >= 3*T", f"{10 * t.exceeded} >= {3 * t.total}", 10 * t.exceeded >= 3 * t.total
        )
    if facts.subject_type is SubjectType.COLLECTIVE:
        disciplined = collective_discipline_blocks_excellent(facts, ctx, tr)
        ok &= tr.check(
            "AR-42",
            "no directly subordinate unit and no leadership member disciplined in the period",
            f"{disciplined} disciplined",
            disciplined == 0,
        )
    p = facts.shortcomings
    ok &= tr.check("AR-17", "Pf == P", f"{p.remedied} == {p.found}", p.remedied == p.found)
    return ok


def collective_discipline_blocks_excellent(facts: SubjectFacts, ctx: RatingContext, tr: Trace) -> int:
    """AR-42: how many leadership-member or subordinate-unit disciplines of the period bar HTXS.

    The transfer and "unrelated" exceptions of AR-22(b) do not apply (`htxs_transfer_exception`)."""
    tr.default("AR-42", "htxs_transfer_exception")
    count = 0
    for d in facts.member_disciplines:
        if not counts_in_period(d, ctx.period, tr):
            continue
        if ctx.defaults.htxs_transfer_exception and not (
            counts_against_unit(d, facts.unit, tr) and d.related_to_functions
        ):
            continue
        count += 1
    count += sum(1 for d in facts.subordinate_disciplines if counts_in_period(d, ctx.period, tr))
    return count


def good_conditions(facts: SubjectFacts, ctx: RatingContext, tr: Trace) -> bool:
    """AR-19: O == T (leader: Ou == Tu), without the band."""
    t = required_tasks(facts)
    name = "Ou == Tu" if facts.subject_type.is_leader else "O == T"
    return tr.check("AR-19", name, f"{t.on_time} == {t.total}", t.on_time == t.total)


def completed_conditions(facts: SubjectFacts, ctx: RatingContext, tr: Trace) -> bool:
    """AR-20: D == T and late <= 20%: 5*(D - O) <= T (leader: over Du, Ou, Tu), without the band."""
    t = required_tasks(facts)
    u = "u" if facts.subject_type.is_leader else ""
    ok = tr.check("AR-20", f"D{u} == T{u}", f"{t.done} == {t.total}", t.done == t.total)
    ok &= tr.check("AR-20", f"5*(D{u} - O{u}) <= T{u}", f"{5 * t.late} <= {t.total}", 5 * t.late <= t.total)
    return ok


_CONDITIONS = {
    Level.EXCELLENT: excellent_conditions,
    Level.GOOD: good_conditions,
    Level.COMPLETED: completed_conditions,
}
_BAND_RULE = {
    Level.EXCELLENT: "AR-17",
    Level.GOOD: "AR-19",
    Level.COMPLETED: "AR-20",
    Level.NOT_COMPLETED: "AR-21",
}
_BAND_TEXT = {
    Level.EXCELLENT: f"total_x10 >= {EXCELLENT_MIN_X10}",
    Level.GOOD: f"{GOOD_MIN_X10} <= total_x10 < {EXCELLENT_MIN_X10}",
    Level.COMPLETED: f"{COMPLETED_MIN_X10} <= total_x10 < {GOOD_MIN_X10}",
    Level.NOT_COMPLETED: f"total_x10 < {COMPLETED_MIN_X10}",
}


# ---------------------------------------------------------------------------------------------------
# KHT triggers (AR-22..AR-27)


def _socio_econ_failed(facts: SubjectFacts, ctx: RatingContext, tr: Trace, rule: str) -> bool:
    """AR-27: fires when at least `socio_econ_min_failed` applicable targets are missed."""
    s = facts.socio_economic
    if s is None:
        return False
    tr.default("AR-27", "socio_econ_min_failed")
    need = max(1, ctx.defaults.socio_econ_min_failed)
    return tr.check(
        rule,
        "socio-economic targets failed >= socio_econ_min_failed",
        f"{s.failed} >= {need}",
        s.failed >= need,
    )


def _under_70(t: TaskCounts, tr: Trace, rule: str, u: str) -> bool:
    return tr.check(rule, f"10*D{u} < 7*T{u}", f"{10 * t.done} < {7 * t.total}", 10 * t.done < 7 * t.total)


def _discipline_text(d: Discipline, what: str) -> str:
    return f"{d.form.value} decided {d.decision_date.isoformat()} ({what})"


def collective_triggers_apply(facts: SubjectFacts, ctx: RatingContext, tr: Trace) -> bool:
    """AR-26: AR-22 applies to every collective subject type, party committees included, by default."""
    tr.default("AR-26", "collective_triggers_scope")
    kind = facts.collective_kind
    return not (
        ctx.defaults.collective_triggers_scope == "non_party_committees"
        and kind is not None
        and kind.is_party_committee
    )


def triggers(facts: SubjectFacts, ctx: RatingContext, tr: Trace) -> list[TriggerHit]:
    """Fired KHT triggers with their mitigation state (AR-22..AR-25)."""
    hits: list[TriggerHit] = []

    def fire(code: str, cause: str, detail: str, implicit_claim: bool = False) -> None:
        state = mitigation_state(facts, code, cause, implicit_claim, tr)
        hits.append(TriggerHit(code, cause, detail, state))
        tr.rule(hits[-1].rule)

    def own_disciplines(code: str, what: str) -> None:
        for d in facts.disciplines:
            if counts_in_period(d, ctx.period, tr) and d.at_least_reprimand and d.duty_related:
                fire(code, "discipline", _discipline_text(d, what), d.self_detected_remedied)

    t = required_tasks(facts)
    kind = facts.subject_type
    if kind is SubjectType.COLLECTIVE:
        tr.rule("AR-22")
        if not collective_triggers_apply(facts, ctx, tr):
            return hits
        for f in sorted(facts.findings & _AR22A_FINDINGS, key=lambda f: f.value):
            fire("AR-22a", f.value, f"concluded: {f.value}")
        for d in facts.member_disciplines:
            if not (counts_in_period(d, ctx.period, tr) and d.at_least_reprimand and d.duty_related):
                continue
            here = tr.check(
                "AR-22",
                "act at this unit, not before the member's transfer in",
                f"unit_at_act={d.unit_at_act}",
                counts_against_unit(d, facts.unit, tr),
            )
            related = tr.check(
                "AR-22",
                "related to the collective's functions",
                str(d.related_to_functions),
                d.related_to_functions,
            )
            if here and related:
                fire("AR-22b", "member_discipline", _discipline_text(d, f"member {d.subject or '?'}"))
        if Finding.MEMBER_DEGRADATION in facts.findings:
            fire("AR-22c", "member_degradation", "concluded: member degradation")
        if _under_70(t, tr, "AR-22", ""):
            fire("AR-22d", "tasks_under_70", f"10*D = {10 * t.done} < 7*T = {7 * t.total}")
        if _socio_econ_failed(facts, ctx, tr, "AR-22"):
            fire("AR-22d", "socio_economic_targets", "basic socio-economic targets failed")
    elif kind.is_leader:
        tr.rule("AR-23")
        if _under_70(t, tr, "AR-23", "u"):
            fire("AR-23a", "units_tasks_under_70", f"10*Du = {10 * t.done} < 7*Tu = {7 * t.total}")
        if _socio_econ_failed(facts, ctx, tr, "AR-23"):
            fire("AR-23a", "socio_economic_targets", "basic socio-economic targets failed")
        u = facts.units
        if u is not None and tr.check(
            "AR-23",
            "2*units_kht > units_total",
            f"{2 * u.not_completed} > {u.total}",
            2 * u.not_completed > u.total,
        ):
            fire("AR-23a", "units_not_completed", f"{u.not_completed} of {u.total} units KHT")
        v = facts.confidence_vote
        if v is not None and _low_confidence(v.ballots_collected, v.low, v.low_over_half, tr):
            fire("AR-23b", "low_confidence", "more than half of the ballots low confidence")
        own_disciplines("AR-23c", "duty-related")
        if Finding.DEGRADATION in facts.findings:
            fire("AR-23d", "degradation", "concluded: degradation")
        if Finding.CORRUPTION_UNDER_MANAGEMENT in facts.findings:
            fire(
                "AR-23e",
                "corruption_under_management",
                "concluded: corruption under direct management, disciplined",
            )
    else:
        tr.rule("AR-24")
        for f in (Finding.DEGRADATION, Finding.PROHIBITED_CONDUCT, Finding.ROLE_MODEL_BREACH):
            if f in facts.findings:
                fire("AR-24a", f.value, f"concluded: {f.value}")
        own_disciplines("AR-24a", "related to public-service activity")
        if tr.check("AR-24", "2*(T - D) > T", f"{2 * t.not_done} > {t.total}", 2 * t.not_done > t.total):
            fire("AR-24b", "tasks_not_done_over_half", f"2*(T-D) = {2 * t.not_done} > T = {t.total}")
    return hits


_AR22A_FINDINGS = frozenset(
    {Finding.PERSONNEL_VIOLATION, Finding.DISUNITY, Finding.FACTIONALISM, Finding.BUYING_POSTS}
)


def _low_confidence(collected: int | None, low: int | None, over_half: bool | None, tr: Trace) -> bool:
    """AR-23(b): a confidence vote of the year with 2*low > ballots collected (CV-34)."""
    if collected is not None and low is not None:
        return tr.check("AR-23", "2*low > ballots_collected", f"{2 * low} > {collected}", 2 * low > collected)
    return tr.check("AR-23", "low confidence over half (vote result)", str(bool(over_half)), bool(over_half))


# ---------------------------------------------------------------------------------------------------
# Classification (AR-28, AR-29, AR-30)


def classify(facts: SubjectFacts, ctx: RatingContext) -> Classification:
    """Classify one subject under QD366: exclusion, KHT, band with conditions, quota candidacy."""
    tr = Trace(ctx.defaults)
    tr.default("AR-28", "classification_order")
    reason = excluded(facts, ctx, tr)
    if reason is not None:
        return not_reviewed(facts, ctx, reason, tr)
    flags: list[str] = ["reduced_period"] if reduced_period_flag(facts, ctx, tr) else []
    if facts.score is None:
        raise RatingInputError("score", "cần điểm đánh giá (QĐ 366)", "a score is required (QD366)")
    total = facts.score.total_x10
    tr.rule("AR-14")
    band = band_of(total)
    tr.check(_BAND_RULE[band], _BAND_TEXT[band], f"total_x10 = {total}", True)
    hits = triggers(facts, ctx, tr)

    def result(status: Status, level: Level | None, proposed: Level | None) -> Classification:
        return Classification(
            subject_id=facts.subject_id,
            rule_set=RULE_SET,
            status=status,
            level=level,
            proposed=proposed,
            band=band,
            exclusion=None,
            triggers=tuple(hits),
            checks=tr.checks(),
            flags=tuple(flags),
            rules=tr.rules(),
            defaults_applied=tr.defaults_applied(),
        )

    if band is Level.NOT_COMPLETED:
        return result(Status.RATED, Level.NOT_COMPLETED, Level.NOT_COMPLETED)
    if any(h.mitigation.active for h in hits):
        tr.rule("AR-21")
        return result(Status.RATED, Level.NOT_COMPLETED, Level.NOT_COMPLETED)
    status, proposed = band_outcome(facts, ctx, band, tr)
    if status is Status.GAP:
        flags.append("gap")
    if status is Status.CANDIDATE:
        flags.append("quota_required")
    if any(h.mitigation is MitigationState.PENDING for h in hits):
        tr.rule("AR-21", "AR-25")
        flags.append("mitigation_pending")
        return result(Status.MITIGATION_PENDING, None, proposed)
    return result(status, proposed if status is Status.RATED else None, proposed)


def band_outcome(
    facts: SubjectFacts, ctx: RatingContext, band: Level, tr: Trace
) -> tuple[Status, Level | None]:
    """Step 3 of AR-28, and the gap case (AR-29): never a proposal above the band (AR-30)."""
    if _CONDITIONS[band](facts, ctx, tr):
        if band is Level.EXCELLENT:
            tr.rule("AR-33")
            return Status.CANDIDATE, Level.EXCELLENT
        return Status.RATED, band
    tr.default("AR-29", "gap_proposal")
    tr.rule("AR-30")
    for lower in (Level.GOOD, Level.COMPLETED):
        if lower.rank < band.rank and _CONDITIONS[lower](facts, ctx, tr):
            return Status.GAP, lower
    return Status.GAP, None
