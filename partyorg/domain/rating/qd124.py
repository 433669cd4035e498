"""Rule set QD124-2023: Quy định 124-QĐ/TW with Hướng dẫn 25-HD/BTCTW, periods 2023-2024 (§16: AR-70..AR-73).

Criteria are graded, not scored. Conditions the spec leaves open (individual HTT/HT, a leader's conditions
on the unit) are empty until configured (AR-73): a subject needing them is flagged `gap` with no proposal.
"""

from __future__ import annotations

from .common import Grade, Level, RatingInputError, RuleSet, Status, SubjectType, Trace
from .discipline import Discipline, counts_in_period
from .facts import (
    Classification,
    Qd124Grades,
    RatingContext,
    SubjectFacts,
    TriggerHit,
    excluded,
    not_reviewed,
    reduced_period_flag,
    required_tasks,
)

RULE_SET = RuleSet.QD124


def _grades(facts: SubjectFacts) -> Qd124Grades:
    if facts.grades is None:
        raise RatingInputError(
            "grades", "cần xếp loại các tiêu chí (QĐ 124)", "criterion grades required (QD124)"
        )
    return facts.grades


def _all_at_least(grades: Qd124Grades, floor: Grade) -> bool:
    return all(g.rank >= floor.rank for g in grades.criteria)


def individual_excellent(facts: SubjectFacts, tr: Trace) -> bool:
    """AR-70: all criteria >= Tốt, task criterion Xuất sắc, O == T, 2*E >= T."""
    g = _grades(facts)
    t = required_tasks(facts)
    ok = tr.check(
        "AR-70", "all criteria >= good", ",".join(x.value for x in g.criteria), _all_at_least(g, Grade.GOOD)
    )
    ok &= tr.check("AR-70", "task criterion == excellent", g.task.value, g.task is Grade.EXCELLENT)
    ok &= tr.check("AR-70", "O == T", f"{t.on_time} == {t.total}", t.on_time == t.total)
    ok &= tr.check("AR-70", "2*E >= T", f"{2 * t.exceeded} >= {t.total}", 2 * t.exceeded >= t.total)
    return ok


def _counted(records: tuple[Discipline, ...], ctx: RatingContext, tr: Trace) -> list[Discipline]:
    return [d for d in records if counts_in_period(d, ctx.period, tr)]


def classify(facts: SubjectFacts, ctx: RatingContext) -> Classification:
    tr = Trace(ctx.defaults)
    tr.default("AR-28", "classification_order")
    reason = excluded(facts, ctx, tr)
    if reason is not None:
        return not_reviewed(facts, ctx, reason, tr)
    flags: list[str] = ["reduced_period"] if reduced_period_flag(facts, ctx, tr) else []
    hits: list[TriggerHit] = []
    g = _grades(facts)

    def result(status: Status, level: Level | None, proposed: Level | None) -> Classification:
        if status is Status.GAP:
            flags.append("gap")
        if status is Status.CANDIDATE:
            flags.append("quota_required")
        return Classification(
            subject_id=facts.subject_id,
            rule_set=RULE_SET,
            status=status,
            level=level,
            proposed=proposed,
            band=None,
            exclusion=None,
            triggers=tuple(hits),
            checks=tr.checks(),
            flags=tuple(flags),
            rules=tr.rules(),
            defaults_applied=tr.defaults_applied(),
        )

    if facts.subject_type is SubjectType.COLLECTIVE:
        blocking = _counted(facts.member_disciplines, ctx, tr) + _counted(
            facts.subordinate_disciplines, ctx, tr
        )
        ok = tr.check("AR-71", "task criterion == excellent", g.task.value, g.task is Grade.EXCELLENT)
        ok &= tr.check(
            "AR-71",
            "no subordinate organization or leadership member disciplined",
            f"{len(blocking)} disciplined",
            not blocking,
        )
        if ok:
            tr.rule("AR-33", "AR-37")
            return result(Status.CANDIDATE, None, Level.EXCELLENT)
        unremedied = [
            d for d in blocking + _counted(facts.disciplines, ctx, tr) if not d.self_detected_remedied
        ]
        good = tr.check(
            "AR-71",
            "all criteria >= average",
            ",".join(x.value for x in g.criteria),
            _all_at_least(g, Grade.AVERAGE),
        )
        good &= tr.check("AR-71", "task criterion >= good", g.task.value, g.task.rank >= Grade.GOOD.rank)
        good &= tr.check(
            "AR-71",
            "no discipline unless self-detected and remedied",
            f"{len(unremedied)} not self-detected",
            not unremedied,
        )
        if good:
            return result(Status.RATED, Level.GOOD, Level.GOOD)
        tr.default("AR-73", "qd124_conditions")
        return result(Status.GAP, None, None)

    own = _counted(facts.disciplines, ctx, tr)
    unremedied = [d for d in own if not d.self_detected_remedied]
    tr.check(
        "AR-72",
        "not disciplined in the year unless self-detected and remedied",
        f"{len(own)} disciplined, {len(unremedied)} not self-detected",
        not unremedied,
    )
    if unremedied:
        for d in unremedied:
            hits.append(
                TriggerHit("AR-72", "discipline", f"{d.form.value} decided {d.decision_date.isoformat()}")
            )
        return result(Status.RATED, Level.NOT_COMPLETED, Level.NOT_COMPLETED)
    excellent = individual_excellent(facts, tr)
    if facts.subject_type.is_leader:
        tr.default("AR-73", "qd124_conditions")
        flags.append("qd124_leader_conditions_unconfigured")
        return result(Status.GAP, None, None)
    if excellent:
        tr.rule("AR-33", "AR-37")
        return result(Status.CANDIDATE, None, Level.EXCELLENT)
    tr.default("AR-73", "qd124_conditions")
    return result(Status.GAP, None, None)
