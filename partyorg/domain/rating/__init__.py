"""Annual review and quality rating (spec: annual-rating.md, rules AR-*).

One module per rule set behind one interface:

- `qd366` (QD366-2025, Quy định 366 with Hướng dẫn 43: annual from 2025, term/quarterly/ad hoc periods),
- `qd124` (QD124-2023, Quy định 124 with Hướng dẫn 25: annual 2023 and 2024),
- `qd132` (QD132-2018, legacy, annual 2018-2022 only when enabled).

`rules_for(rule_set).classify(facts, ctx)` classifies one subject; `ruleset_for_period` picks the rule set
(AR-1); `quota` applies the peer-group quota. Pure Python, integer and Fraction arithmetic only; every
result lists the rule IDs applied and the defaults (§18, `Defaults`) it used.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from . import qd124, qd132, qd366
from .common import (
    DEFAULTS,
    LEVELS_BEST_FIRST,
    Check,
    CollectiveKind,
    DefaultApplied,
    Defaults,
    Grade,
    Level,
    PeriodKind,
    RatingInputError,
    RuleSet,
    RuleSetChoice,
    Shortcomings,
    Status,
    SubjectType,
    TaskCounts,
    add_months,
    ruleset_change_allowed,
    ruleset_for_period,
)
from .discipline import Discipline, Measure, Period
from .eligibility import ExclusionReason, MemberStatus
from .facts import (
    Claim,
    Classification,
    ConfidenceVote,
    Decision,
    Finding,
    Mitigation,
    MitigationOutcome,
    MitigationState,
    Qd124Grades,
    RatingContext,
    SocioEconomic,
    SubjectFacts,
    TriggerHit,
    UnitResults,
    decide_level,
)
from .quota import Candidate, QuotaOutcome, apply_quota, excellent_max, quota_ratio, within_quota
from .scoring import Score, band_of


@dataclass(frozen=True)
class RuleSetRules:
    """What every rule set module offers."""

    rule_set: RuleSet
    classify: Callable[[SubjectFacts, RatingContext], Classification]


_RULES = {
    RuleSet.QD366: RuleSetRules(RuleSet.QD366, qd366.classify),
    RuleSet.QD124: RuleSetRules(RuleSet.QD124, qd124.classify),
    RuleSet.QD132: RuleSetRules(RuleSet.QD132, qd132.classify),
}


def rules_for(rule_set: RuleSet) -> RuleSetRules:
    return _RULES[rule_set]


def classify(facts: SubjectFacts, ctx: RatingContext) -> Classification:
    """Classify one subject under the context's rule set (AR-28)."""
    return _RULES[ctx.rule_set].classify(facts, ctx)


__all__ = [
    "DEFAULTS",
    "LEVELS_BEST_FIRST",
    "Candidate",
    "Check",
    "Claim",
    "Classification",
    "CollectiveKind",
    "ConfidenceVote",
    "Decision",
    "DefaultApplied",
    "Defaults",
    "Discipline",
    "ExclusionReason",
    "Finding",
    "Grade",
    "Level",
    "Measure",
    "MemberStatus",
    "Mitigation",
    "MitigationOutcome",
    "MitigationState",
    "Period",
    "PeriodKind",
    "Qd124Grades",
    "QuotaOutcome",
    "RatingContext",
    "RatingInputError",
    "RuleSet",
    "RuleSetChoice",
    "RuleSetRules",
    "Score",
    "Shortcomings",
    "SocioEconomic",
    "Status",
    "SubjectFacts",
    "SubjectType",
    "TaskCounts",
    "TriggerHit",
    "UnitResults",
    "add_months",
    "apply_quota",
    "band_of",
    "classify",
    "decide_level",
    "excellent_max",
    "quota_ratio",
    "rules_for",
    "ruleset_change_allowed",
    "ruleset_for_period",
    "within_quota",
]
