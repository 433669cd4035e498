"""Legacy rule set QD132-2018: Quy định 132-QĐ/TW (annual 2018-2022, only if enabled).

Only the linkage rules the spec keeps for it are computed (AR-43): the level assessed on the criteria is an
input, and the linkage caps it. The peer group of members is the grassroots party organization (AR-37).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .common import Level, RatingInputError, RuleSet, Status, SubjectType, Trace, count_levels
from .facts import Classification, RatingContext, SubjectFacts, excluded, not_reviewed

RULE_SET = RuleSet.QD132


@dataclass(frozen=True)
class CellCap:
    """The best level the linkage allows a cell, and whether it forces KHT."""

    best: Level
    forced_kht: bool


def cell_cap(
    *,
    member_levels: Sequence[Level],
    level_organizations: Sequence[Level] = (),
    subordinate_levels: Sequence[Level] = (),
    trace: Trace | None = None,
) -> CellCap:
    """AR-43: a cell is KHT if `5*members_kht > members_rated` (likewise over subordinate organizations);
    HTT or better only if all members are HT or better, `2*members_htt_or_better >= members_rated`, and
    the state, Front and mass organizations at its level are HT or better."""
    tr = trace or Trace()
    for name, levels in (("members", member_levels), ("subordinate organizations", subordinate_levels)):
        counts = count_levels(levels)
        rated = len(levels)
        kht = counts[Level.NOT_COMPLETED]
        if rated and tr.check(
            "AR-43", f"5*{name}_kht > {name}_rated", f"{5 * kht} > {rated}", 5 * kht > rated
        ):
            return CellCap(Level.NOT_COMPLETED, True)
    counts = count_levels(member_levels)
    rated = len(member_levels)
    good_or_better = counts[Level.EXCELLENT] + counts[Level.GOOD]
    ok = tr.check(
        "AR-43",
        "all members HT or better",
        f"{counts[Level.NOT_COMPLETED]} KHT",
        counts[Level.NOT_COMPLETED] == 0,
    )
    ok &= tr.check(
        "AR-43",
        "2*members_htt_or_better >= members_rated",
        f"{2 * good_or_better} >= {rated}",
        2 * good_or_better >= rated,
    )
    ok &= tr.check(
        "AR-43",
        "organizations at its level HT or better",
        ",".join(x.code for x in level_organizations),
        all(x is not Level.NOT_COMPLETED for x in level_organizations),
    )
    return CellCap(Level.EXCELLENT if ok else Level.COMPLETED, False)


def member_excellent_allowed(*, civil_servant: bool, state_level: Level | None) -> bool:
    """AR-43: under QD132 a civil-servant member is HTXS only if rated HTXS as a civil servant."""
    return not civil_servant or state_level is Level.EXCELLENT


def classify(facts: SubjectFacts, ctx: RatingContext) -> Classification:
    tr = Trace(ctx.defaults)
    tr.default("AR-1", "qd132_enabled")
    reason = excluded(facts, ctx, tr)
    if reason is not None:
        return not_reviewed(facts, ctx, reason, tr)
    if facts.assessed_level is None:
        raise RatingInputError(
            "assessed_level",
            "cần mức đánh giá theo tiêu chí (QĐ 132)",
            "the level assessed on the criteria is required (QD132)",
        )
    level = facts.assessed_level
    flags: list[str] = []
    if facts.subject_type is SubjectType.COLLECTIVE:
        cap = cell_cap(
            member_levels=facts.member_levels,
            level_organizations=facts.level_organizations,
            subordinate_levels=facts.subordinate_levels,
            trace=tr,
        )
        if cap.forced_kht or level.is_above(cap.best):
            flags.append("linkage_capped")
            level = cap.best
    else:
        allowed = member_excellent_allowed(civil_servant=facts.civil_servant, state_level=facts.state_level)
        tr.check(
            "AR-43",
            "HTXS only if HTXS as a civil servant",
            f"civil_servant={facts.civil_servant}, state={facts.state_level.code if facts.state_level else '-'}",
            allowed,
        )
        if level is Level.EXCELLENT and not allowed:
            flags.append("linkage_capped")
            level = Level.GOOD
    if level is Level.EXCELLENT:
        tr.rule("AR-33", "AR-37")
        flags.append("quota_required")
        status, final = Status.CANDIDATE, None
    else:
        status, final = Status.RATED, level
    return Classification(
        subject_id=facts.subject_id,
        rule_set=RULE_SET,
        status=status,
        level=final,
        proposed=level,
        band=None,
        exclusion=None,
        triggers=(),
        checks=tr.checks(),
        flags=tuple(flags),
        rules=tr.rules(),
        defaults_applied=tr.defaults_applied(),
    )
