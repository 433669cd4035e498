"""Confidence rating votes (lấy phiếu tín nhiệm): every rule of ``confidence-votes.md`` as pure functions.

Pure Python: no Django, no database, no clock (dates are arguments). Arithmetic on counts is
integer-only (``3*low >= 2*collected``); displayed percentages are :class:`~decimal.Decimal` values
rounded half up from exact integer arithmetic (CV-32). Every decision carries ``rules`` (the rule IDs
that produced it, sorted) and ``defaults_applied`` (the [default] rules and open points it relied
on, CV-1). [default] values live in :class:`ConfidenceSettings`; callers may override them and the
override shows up as ``AppliedDefault.standard == False``.

Map of the module (rule → function):

==========================  =====================================================================
CV-1                        :class:`ConfidenceSettings`, :meth:`ConfidenceSettings.report`
CV-2..CV-4                  :func:`select_rule_set`, :func:`explicit_rule_set` (confidence_rulesets)
CV-5                        :func:`parameters_frozen`, :func:`conference_transition`
CV-6                        :func:`is_rated_post`
CV-7, CV-8, OP-2, OP-4      :func:`decide_exemption`
CV-9, CV-10                 :func:`assign_rating_place`, :func:`ballot_row`
CV-11, CV-12, CV-13         :func:`month_of_term`, :func:`timing_warnings`, :func:`cycle_order_warnings`
CV-14..CV-16                :func:`voter_groups_for`
CV-17, CV-18                :func:`quorum_required`, :func:`decide_quorum`
CV-19..CV-21                :func:`check_dossier`, :func:`dossier_deadlines`, :func:`missed_deadlines`,
                            :func:`self_report_criteria`
CV-22..CV-26, OP-3          :func:`judge_ballot`, :func:`tally_ballots`
CV-27..CV-30                :func:`denominator_for`
CV-31                       :func:`check_consistency`
CV-32                       :func:`percent`, :func:`format_percent`
CV-33, CV-34                :func:`band_for`
CV-35                       :func:`result_use`
CV-36..CV-40, CV-43         :func:`decide_consequences`
CV-41, CV-42                :func:`no_confidence_vote_triggers`, :func:`decide_no_confidence_vote`
(all of the above)          :func:`rate_person`, :func:`compute_results`
CV-38, CV-44, CV-45         :func:`open_case` and the ``record_*`` / :func:`close_case` transitions
CV-46                       :func:`publication_policy`
==========================  =====================================================================

Consequence codes (:class:`Consequence`, stable strings used in reports and the JSON contract):

* ``remove_from_planning_higher_posts`` — QD96 ``LOW_GT_1_2`` (CV-36 a)
* ``consider_relief_reassignment_resignation_or_no_confidence_vote`` — QD96 ``LOW_GT_1_2`` (CV-36 b)
* ``relieve_from_post_assign_lower_work`` — QD96 ``LOW_GE_2_3`` (CV-37)
* ``consider_planning_removal`` — QD262 ``2*L > N`` (CV-39, optional outcome)
* ``may_resign_else_no_confidence_vote`` — NQ96/2023 ``LOW_GT_1_2`` (CV-40)
* ``introducing_body_submits_dismissal`` — NQ96/2023 ``LOW_GE_2_3`` (CV-40)
* ``may_resign_else_dismissal_submitted`` — a passed vote of no confidence (CV-42)
* ``may_resign`` — NQ85/2014 replay ``2*L > T`` (CV-43)
* ``no_confidence_vote`` — NQ85/2014 replay ``3*L >= 2*T``; NQ35/2012 ``3*L > 2*T`` or two
  consecutive years over one half (CV-43)
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields, replace
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum

from partyorg.domain.confidence_rulesets import (
    NQ96_IN_FORCE,
    QD96_IN_FORCE,
    REPLAY_RULE_SETS,
    AppliedDefault,
    Body,
    ConfidenceError,
    Notice,
    RuleSet,
    RuleSetSelection,
    explicit_rule_set,
    rule_set_period_warnings,
    select_rule_set,
)

__all__ = [
    "DEFAULT_SETTINGS",
    "NQ96_IN_FORCE",
    "QD96_IN_FORCE",
    "REPLAY_RULE_SETS",
    "AppliedDefault",
    "AppointmentYearBasis",
    "Assembly",
    "Band",
    "BallotPaper",
    "BallotRow",
    "BallotRowSpec",
    "BallotVerdict",
    "Body",
    "CaseKind",
    "CaseState",
    "ConferenceResult",
    "ConferenceState",
    "ConfidenceError",
    "ConfidenceSettings",
    "Consequence",
    "ConsequenceCase",
    "ConsequenceDecision",
    "ConsistencyError",
    "ConsistencyReport",
    "Deadline",
    "DecisionRef",
    "Denominator",
    "DenominatorDecision",
    "DossierCheck",
    "DossierFacts",
    "DossierItem",
    "EnterpriseRole",
    "ExemptionDecision",
    "ExemptionFacts",
    "ExemptionReason",
    "InvalidityReason",
    "InvalidityScope",
    "Mark",
    "Milestone",
    "NoConfidenceGround",
    "NoConfidenceVoteDecision",
    "Notice",
    "PersonCounts",
    "PersonResult",
    "PlaceAssignment",
    "PlaceResult",
    "PublicationPolicy",
    "Qd262Exemptions",
    "Qd96Option",
    "QuorumDecision",
    "QuorumMode",
    "RatedPostDecision",
    "ResultUse",
    "RowVerdict",
    "RuleSet",
    "RuleSetSelection",
    "Tally",
    "TransitionDecision",
    "TriggerDecision",
    "TwoPlaceConsolidation",
    "Violation",
    "VoterGroupDecision",
    "allowed_case_actions",
    "assign_rating_place",
    "ballot_row",
    "band_for",
    "case_reminder_due",
    "check_consistency",
    "check_dossier",
    "close_case",
    "compute_results",
    "conference_transition",
    "cycle_order_warnings",
    "decide_consequences",
    "decide_exemption",
    "decide_no_confidence_vote",
    "decide_quorum",
    "denominator_for",
    "dossier_deadlines",
    "explicit_rule_set",
    "format_percent",
    "is_rated_post",
    "judge_ballot",
    "merge_defaults",
    "merge_rules",
    "missed_deadlines",
    "month_of_term",
    "no_confidence_vote_triggers",
    "open_case",
    "parameters_frozen",
    "percent",
    "publication_policy",
    "quorum_required",
    "rate_person",
    "record_consideration",
    "record_consolidated_level",
    "record_dismissal",
    "record_dismissal_submission",
    "record_no_confidence_vote",
    "record_planning_removal",
    "record_qd96_option",
    "record_relief_to_lower_post",
    "record_resignation",
    "record_retained",
    "result_use",
    "rule_set_period_warnings",
    "select_rule_set",
    "self_report_criteria",
    "tally_ballots",
    "timing_warnings",
    "voter_groups_for",
]


# ---------------------------------------------------------------------------------------------------
# Settings: every [default] rule and open point (spec §9) — CV-1
# ---------------------------------------------------------------------------------------------------


class InvalidityScope(StrEnum):
    """OP-3: how far a row defect (CV-24 b, c) reaches."""

    PER_ROW = "per_row"
    """CV-25 (default): only that person's row is invalid."""
    WHOLE_BALLOT = "whole_ballot"
    """Any defect invalidates the whole ballot."""


class QuorumMode(StrEnum):
    """CV-18, OP-6: whether the two-thirds attendance blocks the vote."""

    BLOCKING = "blocking"
    RECORD_ONLY = "record_only"


class Denominator(StrEnum):
    """What percentages and bands divide by (CV-27..CV-30)."""

    BALLOTS_COLLECTED = "ballots_collected"
    MEMBERS_CONVENED = "members_convened"
    TOTAL_DEPUTIES = "total_deputies"


class AppointmentYearBasis(StrEnum):
    """OP-2: which date counts for "appointed or elected in the year of the vote" (CV-7)."""

    EFFECTIVE_OR_ELECTION_DATE = "effective_or_election_date"
    """Default: effective date of the appointment decision, or the election date."""
    SIGNED_OR_ELECTION_DATE = "signed_or_election_date"
    """Signing date of the appointment decision, or the election date."""


class Qd262Exemptions(StrEnum):
    """OP-5: exemptions applied to QD262 votes."""

    AS_QD96 = "as_qd96"
    NONE = "none"


class TwoPlaceConsolidation(StrEnum):
    """OP-9: how a cadre rated in two places gets one level (CV-38)."""

    AUTHORITY_ENTERS_LEVEL = "authority_enters_level"
    """Default: the authority enters the level; the worse band is shown as provisional."""
    WORSE_BAND = "worse_band"
    """The worse of the two bands is taken as the level at once."""


@dataclass(frozen=True)
class ConfidenceSettings:
    """The [default] points of the spec, overridable per deployment or per conference.

    Field → point: ``ratings_per_term``, ``rating_window_months`` (OP-1, CV-12);
    ``appointment_year_basis`` (OP-2); ``invalidity_scope`` (OP-3, CV-25);
    ``qd96_serious_illness_exemption`` (OP-4); ``qd262_denominator`` (OP-5, CV-29);
    ``qd262_exemptions`` (OP-5); ``qd262_quorum`` (CV-18); ``nq96_quorum`` (OP-6, CV-18);
    ``case_reminder_days`` (OP-7, CV-44); ``report_deadline_days`` (OP-7);
    ``dossier_*_days`` (OP-8, CV-20); ``two_place_consolidation`` (OP-9);
    ``allow_qd96_retained_after_consideration`` (OP-10); ``planning_hold_on_counted`` (OP-11, CV-44);
    ``percent_decimals`` (CV-32). OP-12 (no high-confidence threshold), OP-13 (Appendix 1 below
    central level is configuration) and OP-14 (ballot row order) need no setting here.
    """

    ratings_per_term: int = 1
    rating_window_months: tuple[int, int] = (25, 36)
    appointment_year_basis: AppointmentYearBasis = AppointmentYearBasis.EFFECTIVE_OR_ELECTION_DATE
    invalidity_scope: InvalidityScope = InvalidityScope.PER_ROW
    qd96_serious_illness_exemption: bool = False
    qd262_denominator: Denominator = Denominator.BALLOTS_COLLECTED
    qd262_exemptions: Qd262Exemptions = Qd262Exemptions.AS_QD96
    qd262_quorum: QuorumMode = QuorumMode.BLOCKING
    nq96_quorum: QuorumMode = QuorumMode.RECORD_ONLY
    case_reminder_days: int = 30
    report_deadline_days: int | None = None
    dossier_to_office_days: int = 20
    dossiers_to_voters_days: int = 15
    questions_to_person_days: int = 10
    last_explanation_days: int = 3
    two_place_consolidation: TwoPlaceConsolidation = TwoPlaceConsolidation.AUTHORITY_ENTERS_LEVEL
    allow_qd96_retained_after_consideration: bool = False
    planning_hold_on_counted: bool = True
    percent_decimals: int = 2

    def __post_init__(self) -> None:
        low, high = self.rating_window_months
        problems: list[tuple[str, str, str]] = []
        if self.ratings_per_term < 1:
            problems.append(("ratings_per_term", "phải ≥ 1", "must be ≥ 1"))
        if not 1 <= low <= high:
            problems.append(("rating_window_months", "khoảng tháng không hợp lệ", "invalid month window"))
        if self.case_reminder_days < 1:
            problems.append(("case_reminder_days", "phải ≥ 1", "must be ≥ 1"))
        if self.report_deadline_days is not None and self.report_deadline_days < 1:
            problems.append(("report_deadline_days", "phải ≥ 1", "must be ≥ 1"))
        if self.qd262_denominator is Denominator.TOTAL_DEPUTIES:
            problems.append(("qd262_denominator", "không áp dụng cho QĐ 262", "not applicable to QD262"))
        if not 0 <= self.percent_decimals <= 6:
            problems.append(("percent_decimals", "phải trong khoảng 0..6", "must be within 0..6"))
        for name in ("dossier_to_office_days", "dossiers_to_voters_days", "questions_to_person_days",
                     "last_explanation_days"):
            if getattr(self, name) < 0:
                problems.append((name, "không được âm", "must not be negative"))
        if problems:
            name, vi, en = problems[0]
            raise ConfidenceError("invalid_setting", f"Cấu hình {name}: {vi}.", f"Setting {name}: {en}.",
                                  rules=("CV-1",), field=name)

    def report(self) -> tuple[AppliedDefault, ...]:
        """Every setting with its open point and whether it is the spec's default (CV-1)."""
        return tuple(_default(self, _POINTS[f.name][0], f.name) for f in fields(self))


_POINTS: dict[str, tuple[str, ...]] = {
    "ratings_per_term": ("OP-1", "CV-12"),
    "rating_window_months": ("OP-1", "CV-12"),
    "appointment_year_basis": ("OP-2", "CV-7"),
    "invalidity_scope": ("OP-3", "CV-25"),
    "qd96_serious_illness_exemption": ("OP-4", "CV-8"),
    "qd262_denominator": ("OP-5", "CV-29"),
    "qd262_exemptions": ("OP-5",),
    "qd262_quorum": ("CV-18",),
    "nq96_quorum": ("OP-6", "CV-18"),
    "case_reminder_days": ("OP-7", "CV-44"),
    "report_deadline_days": ("OP-7",),
    "dossier_to_office_days": ("OP-8", "CV-20"),
    "dossiers_to_voters_days": ("OP-8", "CV-20"),
    "questions_to_person_days": ("OP-8", "CV-20"),
    "last_explanation_days": ("OP-8", "CV-20"),
    "two_place_consolidation": ("OP-9", "CV-38"),
    "allow_qd96_retained_after_consideration": ("OP-10", "CV-45"),
    "planning_hold_on_counted": ("OP-11", "CV-44"),
    "percent_decimals": ("CV-32",),
}

DEFAULT_SETTINGS = ConfidenceSettings()


def _text(value: object) -> str:
    if isinstance(value, StrEnum):
        return value.value
    if isinstance(value, bool):
        return "on" if value else "off"
    if value is None:
        return "none"
    if isinstance(value, tuple):
        return "-".join(_text(v) for v in value)
    return str(value)


def _default(settings: ConfidenceSettings, point: str, name: str) -> AppliedDefault:
    value: object = getattr(settings, name)
    standard: bool = value == getattr(DEFAULT_SETTINGS, name)
    return AppliedDefault(point, name, _text(value), standard)


def _fixed(point: str, parameter: str, value: str) -> AppliedDefault:
    """A [default] rule that has no setting (the spec's value is the only one implemented)."""
    return AppliedDefault(point, parameter, value, True)


_CV31 = _fixed("CV-31", "consistency_violations", "block_minutes")
_CV32 = _fixed("CV-32", "percent_rounding", "round_half_up_decimal")
_CV33 = _fixed("CV-33", "zero_collected", "no_percent_no_band_no_counted")
_CV5 = _fixed("CV-5", "freeze_point", "VOTING")
_CV44 = _fixed("CV-44", "case_opening", "on_counted_one_case_per_person_never_deferred")
_CV45 = _fixed("CV-45", "qd96_low_gt_1_2_case_closing", "removal_decision_plus_one_option")
_CV46 = _fixed("CV-46", "publication", "person_own_row_voters_at_conference_nq96_public")


_RULE_ID = re.compile(r"^([A-Z]+)-(\d+)$")


def _rule_key(rule: str) -> tuple[int, str, int]:
    match = _RULE_ID.match(rule)
    if match is None:
        return (2, rule, 0)
    return (0 if match.group(1) == "CV" else 1, match.group(1), int(match.group(2)))


def merge_rules(*groups: Iterable[str]) -> tuple[str, ...]:
    """Merge rule IDs, deduplicated and sorted (CV before OP, numerically)."""
    return tuple(sorted({r for g in groups for r in g}, key=_rule_key))


def merge_defaults(*groups: Iterable[AppliedDefault]) -> tuple[AppliedDefault, ...]:
    seen: dict[tuple[str, str], AppliedDefault] = {}
    for group in groups:
        for item in group:
            seen.setdefault((item.point, item.parameter), item)
    return tuple(sorted(seen.values(), key=lambda d: (_rule_key(d.point), d.parameter)))


def _non_negative(name: str, value: int, rule: str) -> None:
    if value < 0:
        raise ConfidenceError("negative", f"{name} không được âm.", f"{name} must not be negative.",
                              rules=(rule,), field=name)


# ---------------------------------------------------------------------------------------------------
# Core enums
# ---------------------------------------------------------------------------------------------------


class Band(StrEnum):
    """Low-confidence band of one result row (CV-34)."""

    NONE = "NONE"
    LOW_GT_1_2 = "LOW_GT_1_2"
    LOW_GE_2_3 = "LOW_GE_2_3"

    @property
    def severity(self) -> int:
        """0, 1, 2: a larger number is a worse band."""
        return _BAND_ORDER.index(self)


_BAND_ORDER = (Band.NONE, Band.LOW_GT_1_2, Band.LOW_GE_2_3)


class Mark(StrEnum):
    """A box on the ballot row (CV-23)."""

    HIGH = "H"
    MEDIUM = "M"
    LOW = "L"


class Consequence(StrEnum):
    """Required follow-up actions (CV-36..CV-43). Values are stable codes; see the module docstring."""

    REMOVE_FROM_PLANNING_HIGHER_POSTS = "remove_from_planning_higher_posts"
    CONSIDER_RELIEF_REASSIGNMENT_RESIGNATION_OR_NO_CONFIDENCE_VOTE = (
        "consider_relief_reassignment_resignation_or_no_confidence_vote"
    )
    RELIEVE_FROM_POST_ASSIGN_LOWER_WORK = "relieve_from_post_assign_lower_work"
    CONSIDER_PLANNING_REMOVAL = "consider_planning_removal"
    MAY_RESIGN_ELSE_NO_CONFIDENCE_VOTE = "may_resign_else_no_confidence_vote"
    INTRODUCING_BODY_SUBMITS_DISMISSAL = "introducing_body_submits_dismissal"
    MAY_RESIGN_ELSE_DISMISSAL_SUBMITTED = "may_resign_else_dismissal_submitted"
    MAY_RESIGN = "may_resign"
    NO_CONFIDENCE_VOTE = "no_confidence_vote"

    @property
    def label_vi(self) -> str:
        return _CONSEQUENCE_LABELS[self][0]

    @property
    def label_en(self) -> str:
        return _CONSEQUENCE_LABELS[self][1]


_CONSEQUENCE_LABELS: dict[Consequence, tuple[str, str]] = {
    Consequence.REMOVE_FROM_PLANNING_HIGHER_POSTS: (
        "Đưa ra khỏi quy hoạch chức danh cao hơn",
        "Remove from planning for higher posts",
    ),
    Consequence.CONSIDER_RELIEF_REASSIGNMENT_RESIGNATION_OR_NO_CONFIDENCE_VOTE: (
        "Xem xét cho thôi giữ chức vụ, bố trí công tác khác, cho từ chức hoặc bỏ phiếu tín nhiệm,"
        " không chờ hết nhiệm kỳ, hết thời hạn bổ nhiệm",
        "Consider relief from post, reassignment, resignation or a vote of no confidence, without"
        " waiting for the end of term or appointment period",
    ),
    Consequence.RELIEVE_FROM_POST_ASSIGN_LOWER_WORK: (
        "Cho thôi giữ chức vụ đang đảm nhiệm, bố trí công tác thấp hơn, không chờ hết nhiệm kỳ",
        "Relieve from the current post and assign lower work, without waiting for the end of term",
    ),
    Consequence.CONSIDER_PLANNING_REMOVAL: (
        "Xem xét đưa ra khỏi quy hoạch chức danh cao hơn",
        "Consider removal from planning for higher posts",
    ),
    Consequence.MAY_RESIGN_ELSE_NO_CONFIDENCE_VOTE: (
        "Có thể xin từ chức; nếu không, Ủy ban Thường vụ Quốc hội / Thường trực HĐND trình bỏ phiếu tín"
        " nhiệm tại kỳ họp đó hoặc kỳ họp gần nhất",
        "May resign; if not, the NA Standing Committee / HĐND Standing Body submits a vote of no"
        " confidence at that sitting or the next",
    ),
    Consequence.INTRODUCING_BODY_SUBMITS_DISMISSAL: (
        "Cơ quan hoặc người đã giới thiệu trình miễn nhiệm tại kỳ họp đó hoặc kỳ họp gần nhất",
        "The introducing body submits dismissal at that sitting or the next",
    ),
    Consequence.MAY_RESIGN_ELSE_DISMISSAL_SUBMITTED: (
        "Có thể xin từ chức; nếu không, cơ quan đã giới thiệu trình miễn nhiệm (hoặc phê chuẩn đề nghị"
        " miễn nhiệm)",
        "May resign; if not, the introducing body submits dismissal (or approval of the dismissal"
        " proposal)",
    ),
    Consequence.MAY_RESIGN: ("Có thể xin từ chức", "May resign"),
    Consequence.NO_CONFIDENCE_VOTE: ("Bỏ phiếu tín nhiệm", "Vote of no confidence"),
}


# ---------------------------------------------------------------------------------------------------
# Conference lifecycle (§4) and CV-5
# ---------------------------------------------------------------------------------------------------


class ConferenceState(StrEnum):
    """States of a rating conference (§4 lifecycle)."""

    PLANNED = "PLANNED"
    PREPARING = "PREPARING"
    DOSSIERS_SENT = "DOSSIERS_SENT"
    OPENED = "OPENED"
    POSTPONED = "POSTPONED"
    VOTING = "VOTING"
    COUNTED = "COUNTED"
    REPORTED = "REPORTED"
    CLOSED = "CLOSED"
    CANCELLED = "CANCELLED"


_FROZEN_STATES = frozenset(
    {ConferenceState.VOTING, ConferenceState.COUNTED, ConferenceState.REPORTED, ConferenceState.CLOSED}
)
_BEFORE_VOTING = frozenset(
    {ConferenceState.PLANNED, ConferenceState.PREPARING, ConferenceState.DOSSIERS_SENT,
     ConferenceState.OPENED, ConferenceState.POSTPONED}
)


def parameters_frozen(state: ConferenceState) -> bool:
    """CV-5 [default]: rule set and parameters are frozen from VOTING on (never altered afterwards)."""
    return state in _FROZEN_STATES


@dataclass(frozen=True)
class TransitionDecision:
    """An allowed conference transition; ``freezes`` is True when it freezes the parameters (CV-5)."""

    source: ConferenceState
    target: ConferenceState
    freezes: bool
    rules: tuple[str, ...]
    defaults_applied: tuple[AppliedDefault, ...] = ()


def _refuse(code: str, vi: str, en: str, rules: tuple[str, ...], field: str | None = None) -> ConfidenceError:
    return ConfidenceError(code, vi, en, rules=rules, field=field)


def conference_transition(
    source: ConferenceState,
    target: ConferenceState,
    *,
    quorum: QuorumDecision | None = None,
    consistency: ConsistencyReport | None = None,
    collected: int | None = None,
    dossiers_complete: bool | None = None,
    open_cases: int | None = None,
) -> TransitionDecision:
    """Check one conference transition of the §4 lifecycle and its guard.

    Guards: DOSSIERS_SENT needs ``dossiers_complete`` (CV-19, CV-20); OPENED needs a ``quorum``
    that may proceed (CV-17, CV-18); VOTING freezes the parameters (CV-5); COUNTED needs a clean
    ``consistency`` report (CV-31) and ``collected > 0`` (CV-33); VOTING → POSTPONED/CANCELLED is only
    for a vote with nothing collected (CV-33: re-hold or cancel); CLOSED needs ``open_cases == 0``.
    Raises :class:`ConfidenceError` when the transition or its guard fails.
    """
    S = ConferenceState
    edges: dict[tuple[ConferenceState, ConferenceState], tuple[str, ...]] = {
        (S.PLANNED, S.PREPARING): ("CV-6", "CV-7", "CV-9", "CV-14"),
        (S.PREPARING, S.DOSSIERS_SENT): ("CV-19", "CV-20"),
        (S.DOSSIERS_SENT, S.OPENED): ("CV-17", "CV-18"),
        (S.DOSSIERS_SENT, S.POSTPONED): ("CV-17",),
        (S.POSTPONED, S.DOSSIERS_SENT): ("CV-17",),
        (S.OPENED, S.VOTING): ("CV-5",),
        (S.VOTING, S.COUNTED): ("CV-31", "CV-33"),
        (S.VOTING, S.POSTPONED): ("CV-33",),
        (S.VOTING, S.CANCELLED): ("CV-33",),
        (S.COUNTED, S.REPORTED): ("CV-35", "CV-46"),
        (S.REPORTED, S.CLOSED): ("CV-44",),
    }
    if target is S.CANCELLED and source in _BEFORE_VOTING:
        return TransitionDecision(source, target, False, ())
    rules = edges.get((source, target))
    if rules is None:
        raise _refuse("transition_not_allowed",
                      f"Không thể chuyển hội nghị từ {source.value} sang {target.value}.",
                      f"A conference cannot move from {source.value} to {target.value}.", ())
    if target is S.DOSSIERS_SENT and source is S.PREPARING and dossiers_complete is not True:
        raise _refuse("dossiers_incomplete", "Hồ sơ người được lấy phiếu chưa đầy đủ.",
                      "The rated persons' dossiers are not complete.", rules)
    if target is S.OPENED and (quorum is None or not quorum.may_proceed):
        raise _refuse("quorum_not_met", "Không đủ hai phần ba số người được triệu tập có mặt.",
                      "Fewer than two thirds of those convened are present.", rules, "present")
    if target is S.COUNTED:
        if collected is None or collected <= 0:
            raise _refuse("nothing_collected",
                          "Không thu về phiếu nào: không tính tỷ lệ, không xếp mức; tổ chức lại hoặc hủy.",
                          "No ballot collected: no percentages, no band; re-hold or cancel.", rules,
                          "collected")
        if consistency is None or not consistency.ok:
            raise _refuse("inconsistent_counts", "Số liệu kiểm phiếu không khớp; không thể ký biên bản.",
                          "The counts are inconsistent; the minutes cannot be signed.", rules)
    if source is S.VOTING and target in (S.POSTPONED, S.CANCELLED) and collected != 0:
        raise _refuse("voting_in_progress",
                      "Chỉ tổ chức lại hoặc hủy khi không thu về phiếu nào.",
                      "Only a vote with no ballot collected can be re-held or cancelled.", rules)
    if target is S.CLOSED and open_cases != 0:
        raise _refuse("cases_open", "Còn trường hợp xử lý kết quả chưa kết thúc.",
                      "Consequence cases are still open.", rules)
    applied = (_CV5,) if target is S.VOTING else ((_CV33,) if "CV-33" in rules else ())
    return TransitionDecision(source, target, target is S.VOTING, merge_rules(rules), applied)


# ---------------------------------------------------------------------------------------------------
# CV-6: who is rated
# ---------------------------------------------------------------------------------------------------


class EnterpriseRole(StrEnum):
    """Rated posts in State groups and corporations (CV-6)."""

    MEMBERS_COUNCIL_OR_BOARD_CHAIR = "members_council_or_board_chair"
    GENERAL_DIRECTOR = "general_director"
    DEPUTY_GENERAL_DIRECTOR = "deputy_general_director"
    SUPERVISORY_BOARD_HEAD = "supervisory_board_head"
    CHIEF_ACCOUNTANT = "chief_accountant"


@dataclass(frozen=True)
class RatedPostDecision:
    rated: bool
    rules: tuple[str, ...]


def is_rated_post(
    *,
    holds_leadership_or_management_post: bool,
    central_level: bool = False,
    unit_has_subordinate_units: bool = False,
    state_enterprise_role: EnterpriseRole | None = None,
) -> RatedPostDecision:
    """CV-6: a leadership/management post is rated at central level and at any level with
    subordinate units; in State groups and corporations the listed enterprise roles are rated."""
    rated = state_enterprise_role is not None or (
        holds_leadership_or_management_post and (central_level or unit_has_subordinate_units)
    )
    return RatedPostDecision(rated, ("CV-6",))


# ---------------------------------------------------------------------------------------------------
# CV-7, CV-8: exemptions
# ---------------------------------------------------------------------------------------------------


class ExemptionReason(StrEnum):
    RETIREMENT_NOTICE = "retirement_notice"
    APPOINTED_OR_ELECTED_THIS_YEAR = "appointed_or_elected_this_year"
    SERIOUS_ILLNESS_6_MONTHS = "serious_illness_6_months"
    IMPORTED = "imported"

    @property
    def label_vi(self) -> str:
        return _EXEMPTION_LABELS[self][0]

    @property
    def label_en(self) -> str:
        return _EXEMPTION_LABELS[self][1]


_EXEMPTION_LABELS: dict[ExemptionReason, tuple[str, str]] = {
    ExemptionReason.RETIREMENT_NOTICE: ("Đã có thông báo nghỉ hưu", "Retirement notice issued"),
    ExemptionReason.APPOINTED_OR_ELECTED_THIS_YEAR: (
        "Được bầu, bổ nhiệm, phê chuẩn trong năm lấy phiếu",
        "Elected, appointed or approved in the year of the vote",
    ),
    ExemptionReason.SERIOUS_ILLNESS_6_MONTHS: (
        "Nghỉ điều trị bệnh hiểm nghèo có xác nhận của cơ quan y tế, từ 6 tháng liên tục trở lên",
        "Off for serious illness with medical confirmation, 6 or more consecutive months",
    ),
    ExemptionReason.IMPORTED: ("Miễn theo dữ liệu lịch sử", "Exempt in the imported record"),
}


@dataclass(frozen=True)
class ExemptionFacts:
    """What the office knows about one rated post holder on the vote date.

    ``consecutive_months_not_running_work`` is counted up to the opening of the sitting (CV-8).
    ``imported_exempt`` is only read for replay rule sets (exemptions "as imported").
    """

    retirement_notice_issued: bool = False
    appointment_effective_on: date | None = None
    appointment_signed_on: date | None = None
    elected_on: date | None = None
    serious_illness_medically_confirmed: bool = False
    consecutive_months_not_running_work: int = 0
    imported_exempt: bool = False


@dataclass(frozen=True)
class ExemptionDecision:
    """``exempt`` persons are not on the ballot; ``reasons`` is the stored reason (CV-7)."""

    exempt: bool
    reasons: tuple[ExemptionReason, ...]
    rules: tuple[str, ...]
    defaults_applied: tuple[AppliedDefault, ...] = ()

    @property
    def on_ballot(self) -> bool:
        return not self.exempt


def decide_exemption(
    *, rule_set: RuleSet, facts: ExemptionFacts, vote_date: date, settings: ConfidenceSettings = DEFAULT_SETTINGS
) -> ExemptionDecision:
    """Whether a post holder is left off the ballot.

    * QD96 (CV-7): retirement notice issued, or appointed/elected in the year of the vote. The date
      that counts is chosen by OP-2 (default: effective date of the appointment decision, or the
      election date; the latest such date counts).
    * QD262: as QD96 by default (OP-5); ``Qd262Exemptions.NONE`` disables exemptions.
    * NQ96/2023 (CV-8): CV-7 grounds, plus serious illness with medical confirmation together with
      ``consecutive_months_not_running_work >= 6``. QD96 applies that ground only when OP-4 is on.
    * Replay sets: as imported (CV-4).
    """
    _non_negative("consecutive_months_not_running_work", facts.consecutive_months_not_running_work, "CV-8")
    if rule_set.is_replay:
        reasons = (ExemptionReason.IMPORTED,) if facts.imported_exempt else ()
        return ExemptionDecision(bool(reasons), reasons, ("CV-4",))

    applied: list[AppliedDefault] = [_default(settings, "OP-2", "appointment_year_basis")]
    rules: list[str] = ["CV-7"]
    if rule_set is RuleSet.QD262_2014:
        applied.append(_default(settings, "OP-5", "qd262_exemptions"))
        if settings.qd262_exemptions is Qd262Exemptions.NONE:
            return ExemptionDecision(False, (), ("CV-7",), merge_defaults(applied))

    found: list[ExemptionReason] = []
    if facts.retirement_notice_issued:
        found.append(ExemptionReason.RETIREMENT_NOTICE)
    if settings.appointment_year_basis is AppointmentYearBasis.EFFECTIVE_OR_ELECTION_DATE:
        candidates = (facts.appointment_effective_on, facts.elected_on)
    else:
        candidates = (facts.appointment_signed_on, facts.elected_on)
    known = [d for d in candidates if d is not None]
    if known and max(known).year == vote_date.year:
        found.append(ExemptionReason.APPOINTED_OR_ELECTED_THIS_YEAR)

    illness_applies = rule_set is RuleSet.NQ96_2023_QH15
    if rule_set is RuleSet.QD96_2023:
        applied.append(_default(settings, "OP-4", "qd96_serious_illness_exemption"))
        illness_applies = settings.qd96_serious_illness_exemption
    if illness_applies:
        rules.append("CV-8")
        if facts.serious_illness_medically_confirmed and facts.consecutive_months_not_running_work >= 6:
            found.append(ExemptionReason.SERIOUS_ILLNESS_6_MONTHS)
    elif rule_set is RuleSet.QD96_2023:
        rules.append("OP-4")
    return ExemptionDecision(bool(found), tuple(found), merge_rules(rules), merge_defaults(applied))


# ---------------------------------------------------------------------------------------------------
# CV-9, CV-10: places and ballot rows
# ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlaceAssignment:
    place: int
    rules: tuple[str, ...]


def assign_rating_place(*, rule_set: RuleSet, places_already_rated: int) -> PlaceAssignment:
    """CV-9: under QD96 a cadre is rated in at most 2 places per cycle (workplace and place of Party
    activity); the third is refused. Other rule sets have no such limit (NQ96 uses one row, CV-10).
    Returns the 1-based place number of the new rating."""
    _non_negative("places_already_rated", places_already_rated, "CV-9")
    if rule_set is RuleSet.QD96_2023 and places_already_rated >= 2:
        raise ConfidenceError(
            "third_rating_place",
            "Một cán bộ chỉ được lấy phiếu tín nhiệm ở tối đa 2 nơi trong một đợt (nơi công tác và nơi"
            " sinh hoạt đảng).",
            "A cadre is rated in at most 2 places per cycle (workplace and place of Party activity).",
            rules=("CV-9",),
            field="place",
        )
    return PlaceAssignment(places_already_rated + 1, ("CV-9",) if rule_set is RuleSet.QD96_2023 else ())


@dataclass(frozen=True)
class BallotRowSpec:
    """One printed ballot row: full name and the positions it lists (CV-23)."""

    full_name: str
    positions: tuple[str, ...]
    rules: tuple[str, ...]

    @property
    def position_text(self) -> str:
        return "; ".join(self.positions)


def ballot_row(*, rule_set: RuleSet, full_name: str, positions: Sequence[str]) -> BallotRowSpec:
    """The ballot row of one person (CV-23). Under NQ96/2023 a person holding several rated posts
    gets one row listing all of them (CV-10); repeated positions are listed once."""
    unique = tuple(dict.fromkeys(p.strip() for p in positions if p.strip()))
    if not full_name.strip() or not unique:
        raise ConfidenceError("empty_row", "Dòng phiếu cần họ tên và chức vụ.",
                              "A ballot row needs a full name and a position.", rules=("CV-23",))
    rules = ("CV-10", "CV-23") if rule_set is RuleSet.NQ96_2023_QH15 else ("CV-23",)
    return BallotRowSpec(full_name.strip(), unique, rules)


# ---------------------------------------------------------------------------------------------------
# CV-11..CV-13: timing warnings
# ---------------------------------------------------------------------------------------------------


def month_of_term(term_start: date, on: date) -> int:
    """1-based month of the term that ``on`` falls in (the term's first month is month 1)."""
    elapsed = (on.year - term_start.year) * 12 + (on.month - term_start.month) - (on.day < term_start.day)
    return elapsed + 1


def timing_warnings(
    *,
    rule_set: RuleSet,
    vote_date: date,
    term_start: date,
    ratings_already_in_term: int = 0,
    settings: ConfidenceSettings = DEFAULT_SETTINGS,
) -> tuple[Notice, ...]:
    """CV-11/CV-12 (OP-1): warn, never block, when the vote is outside months 25–36 of the term
    (the third year) or when the term already had ``ratings_per_term`` ratings. Replay sets: none."""
    if rule_set.is_replay:
        return ()
    notices: list[Notice] = []
    first, last = settings.rating_window_months
    month = month_of_term(term_start, vote_date)
    if not first <= month <= last:
        notices.append(Notice(
            "outside_rating_window", "CV-12",
            f"Ngày lấy phiếu rơi vào tháng thứ {month} của nhiệm kỳ, ngoài khoảng tháng {first}–{last}"
            " (năm thứ ba).",
            f"The vote falls in month {month} of the term, outside months {first}–{last} (third year).",
        ))
    if ratings_already_in_term >= settings.ratings_per_term:
        notices.append(Notice(
            "extra_rating_in_term", "CV-12",
            f"Nhiệm kỳ này đã lấy phiếu {ratings_already_in_term} lần (quy định: {settings.ratings_per_term}).",
            f"This term already had {ratings_already_in_term} rating(s) (setting: {settings.ratings_per_term}).",
        ))
    return tuple(notices)


def cycle_order_warnings(*, party_committee_vote_date: date, same_level_hdnd_rating_date: date | None) -> tuple[
    Notice, ...
]:
    """CV-13: local Party committee leaders are rated after the same-level HĐND rated its posts.
    Warns when the Party conference comes first or the HĐND rating is not yet held (None)."""
    if same_level_hdnd_rating_date is not None and party_committee_vote_date >= same_level_hdnd_rating_date:
        return ()
    return (Notice(
        "party_before_hdnd", "CV-13",
        "Hội nghị lấy phiếu của cấp ủy địa phương diễn ra trước khi HĐND cùng cấp lấy phiếu tín nhiệm.",
        "The local Party committee rating precedes the same-level HĐND rating.",
    ),)


# ---------------------------------------------------------------------------------------------------
# CV-14..CV-16: voter groups (configuration data)
# ---------------------------------------------------------------------------------------------------

#: Default post type → voter groups. Central entries follow CV-14 and CV-15; the provincial entry
#: is the CV-16 default. Other levels come from configuration (OP-13, Appendix 1).
DEFAULT_VOTER_GROUPS: Mapping[str, tuple[str, ...]] = {
    "general_secretary": ("central_committee",),
    "secretariat_standing_member": ("central_committee",),
    "politburo_member": ("central_committee",),
    "secretariat_member": ("central_committee",),
    "president": ("central_committee", "national_assembly"),
    "national_assembly_chair": ("central_committee", "national_assembly"),
    "national_assembly_vice_chair_politburo_or_secretariat": ("central_committee", "national_assembly"),
    "vice_president": ("national_assembly",),
    "provincial_standing_committee_member": ("provincial_party_executive_committee",),
}


@dataclass(frozen=True)
class VoterGroupDecision:
    """Each voter group is a separate conference with its own result row (CV-15)."""

    post_type: str
    groups: tuple[str, ...]
    rules: tuple[str, ...]
    defaults_applied: tuple[AppliedDefault, ...] = ()


def voter_groups_for(post_type: str, table: Mapping[str, tuple[str, ...]] | None = None) -> VoterGroupDecision:
    """Voter groups of a post type from the configured table (CV-14; default :data:`DEFAULT_VOTER_GROUPS`)."""
    source = DEFAULT_VOTER_GROUPS if table is None else table
    groups = source.get(post_type)
    if not groups:
        raise ConfidenceError("unknown_post_type",
                              f"Chưa cấu hình thành phần tham gia lấy phiếu cho chức danh {post_type}.",
                              f"No voter group is configured for post type {post_type}.",
                              rules=("CV-14",), field="post_type")
    rules = ["CV-14"] + (["CV-15"] if len(groups) > 1 else [])
    applied: list[AppliedDefault] = []
    if table is None and post_type == "provincial_standing_committee_member":
        rules.append("CV-16")
        applied.append(_fixed("CV-16", "provincial_voter_group", "provincial_party_executive_committee"))
    return VoterGroupDecision(post_type, tuple(groups), merge_rules(rules), tuple(applied))


# ---------------------------------------------------------------------------------------------------
# CV-17, CV-18: quorum
# ---------------------------------------------------------------------------------------------------


def quorum_required(convened: int) -> int:
    """Smallest ``r`` with ``3*r >= 2*convened`` (ceil(2/3 of those convened), CV-17)."""
    _non_negative("convened", convened, "CV-17")
    return (2 * convened + 2) // 3


@dataclass(frozen=True)
class QuorumDecision:
    """Attendance decision.

    ``reached`` is the arithmetic ``3*present >= 2*convened``. ``mode`` is BLOCKING (QD96, QD262) or
    RECORD_ONLY (NQ96/2023 by default, replay sets). ``may_proceed`` is ``reached`` when blocking and
    always True when record-only.
    """

    convened: int
    present: int
    required: int
    reached: bool
    mode: QuorumMode
    may_proceed: bool
    rules: tuple[str, ...]
    defaults_applied: tuple[AppliedDefault, ...] = ()


def decide_quorum(
    *, rule_set: RuleSet, convened: int, present: int, settings: ConfidenceSettings = DEFAULT_SETTINGS
) -> QuorumDecision:
    """CV-17: QD96 proceeds only if ``3*present >= 2*convened``. CV-18 [default]: QD262 uses CV-17;
    NQ96/2023 records attendance without blocking (OP-6). Replay sets record only (imported).
    Raises :class:`ConfidenceError` for negative counts or ``present > convened``."""
    _non_negative("convened", convened, "CV-17")
    _non_negative("present", present, "CV-17")
    if present > convened:
        raise ConfidenceError("present_gt_convened", "Số người có mặt lớn hơn số người được triệu tập.",
                              "More present than convened.", rules=("CV-17",), field="present")
    reached = 3 * present >= 2 * convened
    applied: tuple[AppliedDefault, ...] = ()
    rules: tuple[str, ...]
    if rule_set is RuleSet.QD96_2023:
        mode, rules = QuorumMode.BLOCKING, ("CV-17",)
    elif rule_set is RuleSet.QD262_2014:
        mode, rules = settings.qd262_quorum, ("CV-17", "CV-18")
        applied = (_default(settings, "CV-18", "qd262_quorum"),)
    elif rule_set is RuleSet.NQ96_2023_QH15:
        mode, rules = settings.nq96_quorum, ("CV-18",)
        applied = (_default(settings, "OP-6", "nq96_quorum"),)
    else:
        mode, rules = QuorumMode.RECORD_ONLY, ("CV-4",)
    may_proceed = reached or mode is QuorumMode.RECORD_ONLY
    return QuorumDecision(convened, present, quorum_required(convened), reached, mode, may_proceed, rules, applied)


# ---------------------------------------------------------------------------------------------------
# CV-19..CV-21: dossiers and deadlines
# ---------------------------------------------------------------------------------------------------


class DossierItem(StrEnum):
    """Dossier items in their required order (CV-19)."""

    SELF_ASSESSMENT = "self_assessment"
    ASSET_INCOME_DECLARATION = "asset_income_declaration"
    EXPLANATORY_REPORT = "explanatory_report"


@dataclass(frozen=True)
class DossierFacts:
    self_assessment: bool = False
    declaration_signed_by_declarant: bool = False
    declaration_signed_by_receiver: bool = False
    points_raised: bool = False
    explanatory_report: bool = False


@dataclass(frozen=True)
class DossierCheck:
    """``order`` is the items the dossier must hold, in order; ``missing`` what it lacks."""

    complete: bool
    order: tuple[DossierItem, ...]
    missing: tuple[DossierItem, ...]
    rules: tuple[str, ...]


def check_dossier(facts: DossierFacts) -> DossierCheck:
    """CV-19: (1) self-assessment; (2) asset and income declaration signed by declarant and receiver;
    (3) explanatory report on points raised, only if points were raised."""
    order = [DossierItem.SELF_ASSESSMENT, DossierItem.ASSET_INCOME_DECLARATION]
    missing: list[DossierItem] = []
    if not facts.self_assessment:
        missing.append(DossierItem.SELF_ASSESSMENT)
    if not (facts.declaration_signed_by_declarant and facts.declaration_signed_by_receiver):
        missing.append(DossierItem.ASSET_INCOME_DECLARATION)
    if facts.points_raised:
        order.append(DossierItem.EXPLANATORY_REPORT)
        if not facts.explanatory_report:
            missing.append(DossierItem.EXPLANATORY_REPORT)
    return DossierCheck(not missing, tuple(order), tuple(missing), ("CV-19",))


class Milestone(StrEnum):
    DOSSIER_TO_OFFICE = "dossier_to_office"
    DOSSIERS_TO_VOTERS = "dossiers_to_voters"
    QUESTIONS_TO_PERSON = "questions_to_person"
    LAST_EXPLANATION = "last_explanation"


_MILESTONES: tuple[tuple[Milestone, str, str, str], ...] = (
    (Milestone.DOSSIER_TO_OFFICE, "dossier_to_office_days", "Nộp hồ sơ cho cơ quan tham mưu tổ chức",
     "Dossier to the organisation office"),
    (Milestone.DOSSIERS_TO_VOTERS, "dossiers_to_voters_days", "Gửi hồ sơ cho người tham gia lấy phiếu",
     "Dossiers to the voters"),
    (Milestone.QUESTIONS_TO_PERSON, "questions_to_person_days", "Gửi câu hỏi cho người được lấy phiếu",
     "Questions to the rated person"),
    (Milestone.LAST_EXPLANATION, "last_explanation_days", "Hạn cuối giải trình bổ sung",
     "Last supplementary explanation"),
)


@dataclass(frozen=True)
class Deadline:
    milestone: Milestone
    days_before: int
    due: date
    label_vi: str
    label_en: str


def dossier_deadlines(vote_date: date, settings: ConfidenceSettings = DEFAULT_SETTINGS) -> tuple[Deadline, ...]:
    """CV-20 / OP-8: the preparation deadlines before vote day D (default D-20, D-15, D-10, D-3)."""
    out: list[Deadline] = []
    for milestone, name, vi, en in _MILESTONES:
        days: int = getattr(settings, name)
        out.append(Deadline(milestone, days, vote_date - timedelta(days=days), vi, en))
    return tuple(out)


def missed_deadlines(
    *,
    vote_date: date,
    completed_on: Mapping[Milestone, date],
    today: date,
    settings: ConfidenceSettings = DEFAULT_SETTINGS,
) -> tuple[Notice, ...]:
    """CV-20: notices for milestones done late, or not done and already past due on ``today``."""
    out: list[Notice] = []
    for d in dossier_deadlines(vote_date, settings):
        done = completed_on.get(d.milestone)
        if (done is not None and done > d.due) or (done is None and today > d.due):
            out.append(Notice(
                f"late_{d.milestone.value}", "CV-20",
                f"{d.label_vi}: quá hạn {d.due.isoformat()} (D-{d.days_before}).",
                f"{d.label_en}: past the deadline {d.due.isoformat()} (D-{d.days_before}).",
            ))
    return tuple(out)


#: CV-21: QD96 self-report criteria (code, Vietnamese, English).
QD96_SELF_REPORT_CRITERIA: tuple[tuple[str, str, str], ...] = (
    ("political_qualities", "Phẩm chất chính trị", "Political qualities"),
    ("ethics_lifestyle", "Đạo đức, lối sống", "Ethics and lifestyle"),
    ("task_results", "Kết quả thực hiện chức trách, nhiệm vụ", "Task results"),
    ("anti_corruption", "Trách nhiệm phòng, chống tham nhũng, tiêu cực", "Anti-corruption"),
    ("unity", "Đoàn kết nội bộ", "Unity"),
    ("family_example", "Vợ (chồng), con gương mẫu chấp hành pháp luật", "Spouse and children obey the law"),
)


def self_report_criteria(rule_set: RuleSet) -> tuple[tuple[str, str, str], ...]:
    """CV-21: the QD96 self-report criteria; other rule sets' criteria are not in the spec (empty)."""
    return QD96_SELF_REPORT_CRITERIA if rule_set is RuleSet.QD96_2023 else ()


# ---------------------------------------------------------------------------------------------------
# CV-22..CV-26: ballot validity and the tally
# ---------------------------------------------------------------------------------------------------


class InvalidityReason(StrEnum):
    NOT_ISSUED = "not_issued_by_counting_committee"  # CV-22, CV-24 (a)
    WRITTEN_IN_NAME = "written_in_name"  # CV-25, CV-26
    OTHER_CONTENT = "other_content"  # CV-26 (QD262)
    NAME_STRUCK_OUT = "name_struck_out"  # CV-24 (b)
    NO_MARK = "no_mark"  # CV-24 (c)
    SEVERAL_MARKS = "several_marks"  # CV-24 (c)
    WHOLE_BALLOT_INVALID = "whole_ballot_invalid"  # a row of a ballot that is invalid as a whole


@dataclass(frozen=True)
class BallotRow:
    """What a voter did on one row. A listed person without a row counts as 0 marks."""

    person_id: str
    marks: frozenset[Mark] = frozenset()
    name_struck_out: bool = False


@dataclass(frozen=True)
class BallotPaper:
    """One collected ballot paper, with no link to its voter (secret ballot, CV-22).

    ``written_in_names`` are names added outside the printed list; a row whose ``person_id`` is not
    listed is treated the same way. ``other_content`` is other writing (only QD262 voids for it,
    CV-26). ``signed`` never invalidates (CV-23).
    """

    rows: tuple[BallotRow, ...]
    issued_by_counting_committee: bool = True
    written_in_names: tuple[str, ...] = ()
    other_content: bool = False
    signed: bool = False


@dataclass(frozen=True)
class RowVerdict:
    person_id: str
    mark: Mark | None
    reasons: tuple[InvalidityReason, ...]

    @property
    def valid(self) -> bool:
        return self.mark is not None


@dataclass(frozen=True)
class BallotVerdict:
    whole_ballot_valid: bool
    whole_ballot_reasons: tuple[InvalidityReason, ...]
    rows: tuple[RowVerdict, ...]
    rules: tuple[str, ...]
    defaults_applied: tuple[AppliedDefault, ...] = ()


def _unique_listed(listed: Sequence[str]) -> tuple[str, ...]:
    out = tuple(listed)
    if len(set(out)) != len(out):
        raise ConfidenceError("duplicate_person", "Danh sách người được lấy phiếu có người lặp lại.",
                              "The list of rated persons repeats a person.", rules=("CV-23",), field="listed")
    return out


def judge_ballot(
    *,
    rule_set: RuleSet,
    ballot: BallotPaper,
    listed: Sequence[str],
    settings: ConfidenceSettings = DEFAULT_SETTINGS,
) -> BallotVerdict:
    """Validity of one ballot paper, per row and as a whole.

    Whole ballot invalid (CV-22, CV-24 a, CV-25): not issued by the counting committee; a written-in
    name outside the list. QD262 (CV-26): extra names or any other content. Row invalid (CV-24 b, c):
    printed name struck out or erased; 0 or 2–3 boxes marked. Scope (OP-3): per row by default
    (CV-25), or the whole ballot. A signature never invalidates (CV-23). Rows are returned in
    ``listed`` order. NQ96/2023 uses the QD96 rules; replay sets only import counts (refused).
    """
    if rule_set.is_replay:
        raise ConfidenceError("replay_has_no_ballots", "Bộ quy tắc phát lại chỉ nhập số liệu, không kiểm phiếu.",
                              "Replay rule sets import counts; ballots are not judged.", rules=("CV-4",))
    order = _unique_listed(listed)
    listed_set = set(order)
    by_person: dict[str, BallotRow] = {}
    strangers = False
    for row in ballot.rows:
        if row.person_id in by_person:
            raise ConfidenceError("duplicate_row", "Phiếu có hai dòng cho cùng một người.",
                                  "The ballot has two rows for one person.", rules=("CV-23",), field="rows")
        by_person[row.person_id] = row
        strangers = strangers or row.person_id not in listed_set

    qd262 = rule_set is RuleSet.QD262_2014
    rules: list[str] = ["CV-22", "CV-23", "CV-24", "CV-26" if qd262 else "CV-25"]
    whole: list[InvalidityReason] = []
    if not ballot.issued_by_counting_committee:
        whole.append(InvalidityReason.NOT_ISSUED)
    if ballot.written_in_names or strangers:
        whole.append(InvalidityReason.WRITTEN_IN_NAME)
    if qd262 and ballot.other_content:
        whole.append(InvalidityReason.OTHER_CONTENT)

    row_reasons: dict[str, list[InvalidityReason]] = {}
    for pid in order:
        row = by_person.get(pid, BallotRow(pid))
        reasons: list[InvalidityReason] = []
        if row.name_struck_out:
            reasons.append(InvalidityReason.NAME_STRUCK_OUT)
        if not row.marks:
            reasons.append(InvalidityReason.NO_MARK)
        elif len(row.marks) > 1:
            reasons.append(InvalidityReason.SEVERAL_MARKS)
        row_reasons[pid] = reasons

    applied = (_default(settings, "OP-3", "invalidity_scope"),)
    if settings.invalidity_scope is InvalidityScope.WHOLE_BALLOT:
        rules.append("OP-3")
        for reasons in row_reasons.values():
            whole.extend(reasons)
    verdicts: list[RowVerdict] = []
    for pid in order:
        reasons = row_reasons[pid] + ([InvalidityReason.WHOLE_BALLOT_INVALID] if whole else [])
        mark = None if reasons else next(iter(by_person[pid].marks))
        verdicts.append(RowVerdict(pid, mark, tuple(reasons)))
    return BallotVerdict(not whole, tuple(dict.fromkeys(whole)), tuple(verdicts), merge_rules(rules), applied)


@dataclass(frozen=True)
class PersonCounts:
    """Counted marks of one rated person: ``high`` (cao), ``medium`` (tín nhiệm), ``low`` (thấp), and
    ``invalid`` rows. ``valid = high + medium + low``."""

    person_id: str
    high: int
    medium: int
    low: int
    invalid: int

    @property
    def valid(self) -> int:
        return self.high + self.medium + self.low


@dataclass(frozen=True)
class Tally:
    """Counts from ballot papers: ``collected`` papers (N), of which ``whole_ballot_invalid``."""

    collected: int
    whole_ballot_invalid: int
    persons: tuple[PersonCounts, ...]
    rules: tuple[str, ...]
    defaults_applied: tuple[AppliedDefault, ...] = ()


def tally_ballots(
    *,
    rule_set: RuleSet,
    ballots: Iterable[BallotPaper],
    listed: Sequence[str],
    settings: ConfidenceSettings = DEFAULT_SETTINGS,
) -> Tally:
    """Count ballot papers into per-person H/M/L/invalid counts (in ``listed`` order).

    Every collected paper counts in ``collected`` (N), valid or not (CV-27). The result is a sum,
    so it does not depend on the order of the papers.
    """
    order = _unique_listed(listed)
    high = dict.fromkeys(order, 0)
    medium = dict.fromkeys(order, 0)
    low = dict.fromkeys(order, 0)
    invalid = dict.fromkeys(order, 0)
    collected = whole_invalid = 0
    rules: tuple[str, ...] = ()
    applied: tuple[AppliedDefault, ...] = (_default(settings, "OP-3", "invalidity_scope"),)
    for paper in ballots:
        verdict = judge_ballot(rule_set=rule_set, ballot=paper, listed=order, settings=settings)
        rules = verdict.rules
        collected += 1
        whole_invalid += not verdict.whole_ballot_valid
        for row in verdict.rows:
            if row.mark is Mark.HIGH:
                high[row.person_id] += 1
            elif row.mark is Mark.MEDIUM:
                medium[row.person_id] += 1
            elif row.mark is Mark.LOW:
                low[row.person_id] += 1
            else:
                invalid[row.person_id] += 1
    persons = tuple(PersonCounts(p, high[p], medium[p], low[p], invalid[p]) for p in order)
    return Tally(collected, whole_invalid, persons, merge_rules(rules, ("CV-27",)), applied)


# ---------------------------------------------------------------------------------------------------
# CV-27..CV-31: denominators and consistency
# ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DenominatorDecision:
    value: int
    basis: Denominator
    rules: tuple[str, ...]
    defaults_applied: tuple[AppliedDefault, ...] = ()


def denominator_for(
    *,
    rule_set: RuleSet,
    collected: int,
    total_deputies: int | None = None,
    convened: int | None = None,
    settings: ConfidenceSettings = DEFAULT_SETTINGS,
) -> DenominatorDecision:
    """What every percentage and band of a row divides by.

    QD96: ballots collected (CV-27), never members convened nor valid ballots. NQ96/2023: ballots
    collected (CV-28). QD262: ballots collected by default (CV-29, OP-5). Replay NQ35/NQ85: ``T`` =
    total number of deputies (CV-30).
    """
    _non_negative("collected", collected, "CV-27")
    if rule_set.is_replay:
        if total_deputies is None or total_deputies < 0:
            raise ConfidenceError("total_deputies_required", "Cần tổng số đại biểu (T) cho dữ liệu phát lại.",
                                  "Replay rule sets need the total number of deputies (T).",
                                  rules=("CV-30",), field="total_deputies")
        return DenominatorDecision(total_deputies, Denominator.TOTAL_DEPUTIES, ("CV-30",))
    if rule_set is RuleSet.QD96_2023:
        return DenominatorDecision(collected, Denominator.BALLOTS_COLLECTED, ("CV-27",))
    if rule_set is RuleSet.NQ96_2023_QH15:
        return DenominatorDecision(collected, Denominator.BALLOTS_COLLECTED, ("CV-28",))
    applied = (_default(settings, "OP-5", "qd262_denominator"),)
    if settings.qd262_denominator is Denominator.MEMBERS_CONVENED:
        if convened is None or convened < 0:
            raise ConfidenceError("convened_required", "Cần số người được triệu tập.",
                                  "The number convened is needed.", rules=("CV-29",), field="convened")
        return DenominatorDecision(convened, Denominator.MEMBERS_CONVENED, ("CV-29",), applied)
    return DenominatorDecision(collected, Denominator.BALLOTS_COLLECTED, ("CV-29",), applied)


@dataclass(frozen=True)
class Violation:
    """One consistency violation; ``field`` uses the domain names (``issued``, ``persons[2].low``)."""

    field: str
    code: str
    rule: str
    message_vi: str
    message_en: str


@dataclass(frozen=True)
class ConsistencyReport:
    violations: tuple[Violation, ...]
    rules: tuple[str, ...] = ("CV-31",)
    defaults_applied: tuple[AppliedDefault, ...] = (_CV31,)

    @property
    def ok(self) -> bool:
        return not self.violations


class ConsistencyError(ConfidenceError):
    """Counts that violate CV-31; ``violations`` lists each one."""

    def __init__(self, violations: tuple[Violation, ...]) -> None:
        first = violations[0]
        super().__init__("inconsistent_counts", first.message_vi, first.message_en, rules=("CV-31",),
                         field=first.field)
        self.violations = violations


_PERSON_FIELDS_VI = {"high": "tín nhiệm cao", "medium": "tín nhiệm", "low": "tín nhiệm thấp",
                     "invalid": "không hợp lệ"}


def check_consistency(
    *,
    present: int,
    issued: int,
    collected: int,
    persons: Sequence[PersonCounts],
    convened: int | None = None,
    total_deputies: int | None = None,
) -> ConsistencyReport:
    """CV-31 [default]: ``collected <= issued <= present`` (and ``present <= convened``,
    ``collected <= total_deputies`` when given); per person ``valid_p + invalid_p == N`` and
    ``H + M + L == valid_p``. ``valid_p < N`` is legal. Reports every violation, never raises.

    For each person the marks are checked cumulatively against N (``high``, then ``high+medium``,
    then ``high+medium+low``) so the report names the first field that overflows.
    """
    out: list[Violation] = []

    def add(name: str, code: str, vi: str, en: str) -> None:
        out.append(Violation(name, code, "CV-31", vi, en))

    totals = {"convened": convened, "present": present, "issued": issued, "collected": collected,
              "total_deputies": total_deputies}
    for name, value in totals.items():
        if value is not None and value < 0:
            add(name, "negative", f"{name} không được âm.", f"{name} must not be negative.")
    if convened is not None and present > convened >= 0:
        add("present", "present_gt_convened", "Số người có mặt lớn hơn số người được triệu tập.",
            "More present than convened.")
    if issued > present >= 0:
        add("issued", "issued_gt_present", "Số phiếu phát ra lớn hơn số người có mặt.",
            "More ballots issued than persons present.")
    if collected > issued >= 0:
        add("collected", "collected_gt_issued", "Số phiếu thu về lớn hơn số phiếu phát ra.",
            "More ballots collected than issued.")
    if total_deputies is not None and collected > total_deputies >= 0:
        add("collected", "collected_gt_total", "Số phiếu thu về lớn hơn tổng số đại biểu.",
            "More ballots collected than deputies.")
    seen: set[str] = set()
    for i, p in enumerate(persons):
        prefix = f"persons[{i}]"
        if p.person_id in seen:
            add(f"{prefix}.person_id", "duplicate_person", "Người được lấy phiếu bị lặp lại.",
                "The rated person appears twice.")
        seen.add(p.person_id)
        negative = False
        for name in ("high", "medium", "low"):
            if getattr(p, name) < 0:
                negative = True
                add(f"{prefix}.{name}", "negative", f"Số phiếu {_PERSON_FIELDS_VI[name]} không được âm.",
                    f"{name} must not be negative.")
        if negative or collected < 0:
            continue
        running = 0
        for name in ("high", "medium", "low"):
            running += getattr(p, name)
            if running > collected:
                add(f"{prefix}.{name}", "marks_gt_collected",
                    "Tổng số phiếu cao, tín nhiệm, thấp lớn hơn số phiếu thu về.",
                    "More marks than ballots collected.")
                break
        else:
            if p.invalid < 0:
                add(f"{prefix}.invalid", "negative", "Số phiếu không hợp lệ không được âm.",
                    "invalid must not be negative.")
            elif p.valid + p.invalid != collected:
                add(f"{prefix}.invalid", "rows_ne_collected",
                    "Số phiếu hợp lệ cộng không hợp lệ phải bằng số phiếu thu về.",
                    "Valid plus invalid must equal ballots collected.")
    return ConsistencyReport(tuple(out))


# ---------------------------------------------------------------------------------------------------
# CV-32..CV-34: percentages and bands
# ---------------------------------------------------------------------------------------------------


def percent(count: int, denominator: int, *, decimals: int = 2) -> Decimal | None:
    """CV-32: ``round_half_up(100*count/denominator, decimals)`` as an exact Decimal, from integer
    arithmetic only. ``None`` when the denominator is 0 (CV-33: no percentage)."""
    if count < 0 or denominator < 0:
        raise ConfidenceError("negative", "Số phiếu không được âm.", "Counts must not be negative.",
                              rules=("CV-32",))
    if denominator == 0:
        return None
    scale = 100 * 10**decimals
    scaled = (2 * scale * count + denominator) // (2 * denominator)
    return Decimal(scaled).scaleb(-decimals)


def format_percent(value: Decimal | None, decimals: int = 2) -> str | None:
    """``"40.43"``: exactly ``decimals`` digits after the point; None stays None."""
    return None if value is None else f"{value:.{decimals}f}"


def band_for(low: int, denominator: int) -> Band | None:
    """CV-34: ``LOW_GE_2_3`` if ``3*L >= 2*N``; else ``LOW_GT_1_2`` if ``2*L > N``; else ``NONE``.
    Exactly one half is NONE; exactly two thirds is LOW_GE_2_3. ``None`` when ``N == 0`` (CV-33).
    Never uses rounded values (CV-32)."""
    if low < 0 or denominator < 0:
        raise ConfidenceError("negative", "Số phiếu không được âm.", "Counts must not be negative.",
                              rules=("CV-34",))
    if denominator == 0:
        return None
    if 3 * low >= 2 * denominator:
        return Band.LOW_GE_2_3
    if 2 * low > denominator:
        return Band.LOW_GT_1_2
    return Band.NONE


# ---------------------------------------------------------------------------------------------------
# CV-35..CV-43: use of results and consequences
# ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ResultUse:
    """CV-35: every row goes to the managing authority; ``basis_for_decisions`` is False where the
    result was only a reference channel (QD262)."""

    sent_to_managing_authority: bool
    basis_for_decisions: bool
    rules: tuple[str, ...]


def result_use(rule_set: RuleSet) -> ResultUse:
    """CV-35: QD96 (and NQ96/2023) results are a basis for planning, transfer, appointment, nomination,
    dismissal and entitlements; QD262 results were a reference channel only."""
    return ResultUse(True, rule_set is not RuleSet.QD262_2014, ("CV-35",))


@dataclass(frozen=True)
class ConsequenceDecision:
    """Required follow-ups of one row. ``mandatory`` is False for QD262's optional consideration;
    ``opens_case`` is True when CV-44 opens a consequence case (not for replayed history)."""

    band: Band | None
    consequences: tuple[Consequence, ...]
    mandatory: bool
    opens_case: bool
    rules: tuple[str, ...]
    defaults_applied: tuple[AppliedDefault, ...] = ()


def decide_consequences(
    *,
    rule_set: RuleSet,
    low: int,
    denominator: int,
    previous_rating_low_over_half: bool = False,
) -> ConsequenceDecision:
    """Consequences of ``low`` low-confidence votes out of ``denominator`` (N, or T for replays).

    * QD96: ``LOW_GT_1_2`` → remove from planning for higher posts + consider relief, reassignment,
      resignation or a vote of no confidence (CV-36); ``LOW_GE_2_3`` → relieve and assign lower work
      (CV-37).
    * QD262: ``2*L > N`` → *consider* planning removal, optional, for both bands (CV-39).
    * NQ96/2023: ``LOW_GT_1_2`` → may resign, else vote of no confidence (CV-40, CV-41);
      ``LOW_GE_2_3`` → introducing body submits dismissal (CV-40).
    * NQ85 replay: ``3*L >= 2*T`` → vote of no confidence; else ``2*L > T`` → may resign (CV-43).
    * NQ35 replay: ``3*L > 2*T``, or ``2*L > T`` in this and the previous annual rating
      (``previous_rating_low_over_half``) → vote of no confidence (CV-43).
    * ``denominator == 0`` → no band, no consequence (CV-33).
    """
    band = band_for(low, denominator)
    if band is None:
        return ConsequenceDecision(None, (), False, False, ("CV-33",), (_CV33,))
    C = Consequence
    rules: tuple[str, ...]
    out: tuple[Consequence, ...] = ()
    mandatory = True
    if rule_set is RuleSet.QD96_2023:
        if band is Band.LOW_GE_2_3:
            out, rules = (C.RELIEVE_FROM_POST_ASSIGN_LOWER_WORK,), ("CV-34", "CV-37")
        elif band is Band.LOW_GT_1_2:
            out = (C.REMOVE_FROM_PLANNING_HIGHER_POSTS,
                   C.CONSIDER_RELIEF_REASSIGNMENT_RESIGNATION_OR_NO_CONFIDENCE_VOTE)
            rules = ("CV-34", "CV-36")
        else:
            rules = ("CV-34",)
    elif rule_set is RuleSet.QD262_2014:
        mandatory = False
        rules = ("CV-34", "CV-39")
        if 2 * low > denominator:
            out = (C.CONSIDER_PLANNING_REMOVAL,)
    elif rule_set is RuleSet.NQ96_2023_QH15:
        if band is Band.LOW_GE_2_3:
            out, rules = (C.INTRODUCING_BODY_SUBMITS_DISMISSAL,), ("CV-34", "CV-40")
        elif band is Band.LOW_GT_1_2:
            out, rules = (C.MAY_RESIGN_ELSE_NO_CONFIDENCE_VOTE,), ("CV-34", "CV-40", "CV-41")
        else:
            rules = ("CV-34",)
    elif rule_set is RuleSet.NQ85_2014:
        rules = ("CV-34", "CV-43")
        if 3 * low >= 2 * denominator:
            out = (C.NO_CONFIDENCE_VOTE,)
        elif 2 * low > denominator:
            out = (C.MAY_RESIGN,)
    else:
        rules = ("CV-34", "CV-43")
        over_half = 2 * low > denominator
        if 3 * low > 2 * denominator or (over_half and previous_rating_low_over_half):
            out = (C.NO_CONFIDENCE_VOTE,)
    opens = bool(out) and not rule_set.is_replay
    return ConsequenceDecision(band, out, mandatory and bool(out), opens, merge_rules(rules))


class Assembly(StrEnum):
    NATIONAL_ASSEMBLY = "national_assembly"
    PEOPLES_COUNCIL = "peoples_council"


class NoConfidenceGround(StrEnum):
    STANDING_COMMITTEE_PROPOSAL = "standing_committee_proposal"
    ETHNIC_COUNCIL_OR_COMMITTEE_RECOMMENDATION = "ethnic_council_or_committee_recommendation"
    DEPUTIES_REQUEST = "deputies_request"
    FATHERLAND_FRONT_RECOMMENDATION = "fatherland_front_recommendation"
    LOW_RATING = "low_rating"


@dataclass(frozen=True)
class TriggerDecision:
    triggered: bool
    grounds: tuple[NoConfidenceGround, ...]
    rules: tuple[str, ...]


def no_confidence_vote_triggers(
    *,
    assembly: Assembly,
    total_deputies: int,
    requesting_deputies: int = 0,
    standing_committee_proposal: bool = False,
    ethnic_council_or_committee_recommendation: bool = False,
    fatherland_front_recommendation: bool = False,
    rating_band: Band | None = None,
) -> TriggerDecision:
    """CV-41: grounds for an NQ96/2023 vote of no confidence.

    NA: UBTVQH proposal; Ethnic Council or NA committee recommendation; written request with
    ``5*requesting >= total_deputies``; a ``LOW_GT_1_2`` rating. HĐND: ``3*requesting >=
    total_deputies``; same-level Fatherland Front recommendation; a ``LOW_GT_1_2`` rating.
    A ground that does not exist for the assembly is refused (caller error).
    """
    _non_negative("total_deputies", total_deputies, "CV-41")
    _non_negative("requesting_deputies", requesting_deputies, "CV-41")
    if requesting_deputies > total_deputies:
        raise ConfidenceError("requesting_gt_total", "Số đại biểu kiến nghị lớn hơn tổng số đại biểu.",
                              "More requesting deputies than deputies.", rules=("CV-41",),
                              field="requesting_deputies")
    G = NoConfidenceGround
    grounds: list[NoConfidenceGround] = []
    na = assembly is Assembly.NATIONAL_ASSEMBLY
    if na and fatherland_front_recommendation:
        raise ConfidenceError("ground_not_for_na", "Kiến nghị của Mặt trận không là căn cứ tại Quốc hội.",
                              "A Fatherland Front recommendation is not a ground at the NA.", rules=("CV-41",))
    if not na and (standing_committee_proposal or ethnic_council_or_committee_recommendation):
        raise ConfidenceError("ground_not_for_hdnd", "Căn cứ này chỉ áp dụng tại Quốc hội.",
                              "This ground exists only at the National Assembly.", rules=("CV-41",))
    if standing_committee_proposal:
        grounds.append(G.STANDING_COMMITTEE_PROPOSAL)
    if ethnic_council_or_committee_recommendation:
        grounds.append(G.ETHNIC_COUNCIL_OR_COMMITTEE_RECOMMENDATION)
    if requesting_deputies > 0 and (
        (na and 5 * requesting_deputies >= total_deputies) or (not na and 3 * requesting_deputies >= total_deputies)
    ):
        grounds.append(G.DEPUTIES_REQUEST)
    if fatherland_front_recommendation:
        grounds.append(G.FATHERLAND_FRONT_RECOMMENDATION)
    if rating_band is Band.LOW_GT_1_2:
        grounds.append(G.LOW_RATING)
    return TriggerDecision(bool(grounds), tuple(grounds), ("CV-41",))


@dataclass(frozen=True)
class NoConfidenceVoteDecision:
    """CV-42: two-level vote of no confidence, ``N`` = ballots collected, ``K`` = no-confidence votes."""

    issued: int | None
    collected: int
    no_confidence: int
    passed: bool
    no_confidence_pct: Decimal | None
    consequences: tuple[Consequence, ...]
    rules: tuple[str, ...]


def decide_no_confidence_vote(*, collected: int, no_confidence: int, issued: int | None = None) -> NoConfidenceVoteDecision:
    """CV-42: ``2*K > N`` → the person may resign; if not, the introducing body submits dismissal.
    Otherwise no consequence. ``N`` is ballots collected (CV-28)."""
    _non_negative("collected", collected, "CV-42")
    _non_negative("no_confidence", no_confidence, "CV-42")
    if no_confidence > collected:
        raise ConfidenceError("votes_gt_collected", "Số phiếu không tín nhiệm lớn hơn số phiếu thu về.",
                              "More no-confidence votes than ballots collected.", rules=("CV-42",),
                              field="no_confidence")
    if issued is not None and collected > issued:
        raise ConfidenceError("collected_gt_issued", "Số phiếu thu về lớn hơn số phiếu phát ra.",
                              "More ballots collected than issued.", rules=("CV-42",), field="collected")
    passed = 2 * no_confidence > collected
    out = (Consequence.MAY_RESIGN_ELSE_DISMISSAL_SUBMITTED,) if passed else ()
    return NoConfidenceVoteDecision(issued, collected, no_confidence, passed, percent(no_confidence, collected),
                                    out, ("CV-28", "CV-42"))


# ---------------------------------------------------------------------------------------------------
# Whole results
# ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PersonResult:
    """One result row: counts, the three displayed percentages (CV-32), band and consequences.

    ``high_pct`` etc. are None when the denominator is 0 (CV-33). ``band`` is None then, and also
    when the vote is void for lack of quorum (CV-17); consequences are empty in both cases.
    For QD262 the reported band is the CV-34 band; its consequence is CV-39's.
    """

    person_id: str
    counts: PersonCounts
    denominator: int
    high_pct: Decimal | None
    medium_pct: Decimal | None
    low_pct: Decimal | None
    band: Band | None
    consequences: tuple[Consequence, ...]
    rules: tuple[str, ...]
    defaults_applied: tuple[AppliedDefault, ...] = ()


def rate_person(
    *,
    rule_set: RuleSet,
    counts: PersonCounts,
    collected: int,
    total_deputies: int | None = None,
    convened: int | None = None,
    previous_rating_low_over_half: bool = False,
    void: bool = False,
    settings: ConfidenceSettings = DEFAULT_SETTINGS,
) -> PersonResult:
    """The result row of one person (CV-27..CV-43). ``void`` marks a vote without quorum (CV-17):
    percentages are kept as a record, but there is no band and no consequence. Counts are assumed
    consistent (see :func:`check_consistency`)."""
    denom = denominator_for(rule_set=rule_set, collected=collected, total_deputies=total_deputies,
                            convened=convened, settings=settings)
    d = settings.percent_decimals
    pcts = (percent(counts.high, denom.value, decimals=d), percent(counts.medium, denom.value, decimals=d),
            percent(counts.low, denom.value, decimals=d))
    pct_applied = (_CV32, _default(settings, "CV-32", "percent_decimals"))
    if void:
        return PersonResult(counts.person_id, counts, denom.value, *pcts, None, (),
                            merge_rules(denom.rules, ("CV-17", "CV-32")), merge_defaults(denom.defaults_applied, pct_applied))
    cons = decide_consequences(rule_set=rule_set, low=counts.low, denominator=denom.value,
                               previous_rating_low_over_half=previous_rating_low_over_half)
    return PersonResult(
        counts.person_id, counts, denom.value, *pcts, cons.band, cons.consequences,
        merge_rules(denom.rules, ("CV-32",), cons.rules),
        merge_defaults(denom.defaults_applied, pct_applied, cons.defaults_applied),
    )


@dataclass(frozen=True)
class ConferenceResult:
    """The counted result of one conference.

    ``void`` is True when the quorum blocks the vote (CV-17). ``countable`` is False when void or
    nothing was collected (CV-33): such a conference cannot reach COUNTED.
    """

    rule_set: RuleSet
    quorum: QuorumDecision
    issued: int
    collected: int
    void: bool
    countable: bool
    persons: tuple[PersonResult, ...]
    rules: tuple[str, ...]
    defaults_applied: tuple[AppliedDefault, ...] = ()


def compute_results(
    *,
    rule_set: RuleSet,
    convened: int,
    present: int,
    issued: int,
    collected: int,
    persons: Sequence[PersonCounts],
    total_deputies: int | None = None,
    previous_low_over_half: frozenset[str] = frozenset(),
    settings: ConfidenceSettings = DEFAULT_SETTINGS,
) -> ConferenceResult:
    """Quorum (CV-17/18), consistency (CV-31) and every row (CV-27..CV-43) of one conference.

    ``previous_low_over_half`` names persons whose previous annual rating was over one half low
    (NQ35 replay only, CV-43). Raises :class:`ConsistencyError` when the counts violate CV-31.
    """
    report = check_consistency(convened=convened, present=present, issued=issued, collected=collected,
                               persons=persons, total_deputies=total_deputies)
    if not report.ok:
        raise ConsistencyError(report.violations)
    quorum = decide_quorum(rule_set=rule_set, convened=convened, present=present, settings=settings)
    void = not quorum.may_proceed
    rows = tuple(
        rate_person(rule_set=rule_set, counts=p, collected=collected, total_deputies=total_deputies,
                    convened=convened, previous_rating_low_over_half=p.person_id in previous_low_over_half,
                    void=void, settings=settings)
        for p in persons
    )
    countable = not void and collected > 0
    extra: tuple[AppliedDefault, ...] = () if collected > 0 else (_CV33,)
    return ConferenceResult(
        rule_set, quorum, issued, collected, void, countable, rows,
        merge_rules(quorum.rules, report.rules, () if collected > 0 else ("CV-33",)),
        merge_defaults(quorum.defaults_applied, report.defaults_applied, extra),
    )


# ---------------------------------------------------------------------------------------------------
# CV-38, CV-44, CV-45: consequence cases
# ---------------------------------------------------------------------------------------------------


class CaseState(StrEnum):
    """States of a consequence case (§4)."""

    OPEN = "OPEN"
    PLANNING_REMOVED = "PLANNING_REMOVED"
    DECIDED = "DECIDED"
    CONSIDERED = "CONSIDERED"
    RESIGNED = "RESIGNED"
    NO_CONFIDENCE_VOTE = "NO_CONFIDENCE_VOTE"
    DISMISSAL_SUBMITTED = "DISMISSAL_SUBMITTED"
    DISMISSED = "DISMISSED"
    RETAINED = "RETAINED"
    CLOSED = "CLOSED"


class CaseKind(StrEnum):
    """Which §4 path a case follows, from its rule set and (consolidated) band."""

    QD96_AWAITING_LEVEL = "qd96_awaiting_level"
    QD96_NO_CONSEQUENCE = "qd96_no_consequence"
    QD96_LOW_GT_1_2 = "qd96_low_gt_1_2"
    QD96_LOW_GE_2_3 = "qd96_low_ge_2_3"
    QD262_CONSIDER = "qd262_consider"
    NQ96_LOW_GT_1_2 = "nq96_low_gt_1_2"
    NQ96_LOW_GE_2_3 = "nq96_low_ge_2_3"


class Qd96Option(StrEnum):
    """The four CV-36 (b) options; RETAINED_AFTER_CONSIDERATION only when OP-10 allows it."""

    RELIEF_FROM_POST = "relief_from_post"
    REASSIGNMENT = "reassignment"
    RESIGNATION = "resignation"
    NO_CONFIDENCE_VOTE = "no_confidence_vote"
    RETAINED_AFTER_CONSIDERATION = "retained_after_consideration"


@dataclass(frozen=True)
class DecisionRef:
    """A recorded decision (number and date) of the managing authority or another body."""

    number: str
    decided_on: date

    def __post_init__(self) -> None:
        if not self.number.strip():
            raise ConfidenceError("decision_number_required", "Cần số quyết định.",
                                  "A decision number is required.", rules=("CV-44",), field="number")


@dataclass(frozen=True)
class PlaceResult:
    """The band of one place (1 or 2, CV-9) that feeds a case."""

    place: int
    band: Band


@dataclass(frozen=True)
class ConsequenceCase:
    """One consequence case per person (CV-44). Immutable: each transition returns a new value.

    ``results`` holds one entry per place; with two places ``level`` stays None until the authority
    records the consolidated level (CV-38, OP-9) and ``provisional_band`` shows the worse band.
    """

    rule_set: RuleSet
    results: tuple[PlaceResult, ...]
    level: Band | None
    state: CaseState
    opened_on: date
    planning_hold: bool
    level_decision: DecisionRef | None = None
    removal_decision: DecisionRef | None = None
    option: Qd96Option | None = None
    decision: DecisionRef | None = None
    new_post: str | None = None
    planning_removed: bool | None = None
    no_confidence_vote: NoConfidenceVoteDecision | None = None
    closed_on: date | None = None
    rules: tuple[str, ...] = ()
    defaults_applied: tuple[AppliedDefault, ...] = ()

    @property
    def provisional_band(self) -> Band:
        """The worse band of the places (OP-9: shown as provisional)."""
        return max((r.band for r in self.results), key=lambda b: b.severity)

    @property
    def awaiting_level(self) -> bool:
        return self.level is None

    @property
    def kind(self) -> CaseKind:
        K = CaseKind
        if self.rule_set is RuleSet.QD262_2014:
            return K.QD262_CONSIDER
        if self.rule_set is RuleSet.NQ96_2023_QH15:
            return K.NQ96_LOW_GE_2_3 if self.level is Band.LOW_GE_2_3 else K.NQ96_LOW_GT_1_2
        if self.level is None:
            return K.QD96_AWAITING_LEVEL
        return {Band.NONE: K.QD96_NO_CONSEQUENCE, Band.LOW_GT_1_2: K.QD96_LOW_GT_1_2,
                Band.LOW_GE_2_3: K.QD96_LOW_GE_2_3}[self.level]


_OUTCOMES: dict[CaseKind, frozenset[CaseState]] = {
    CaseKind.QD96_AWAITING_LEVEL: frozenset(),
    CaseKind.QD96_NO_CONSEQUENCE: frozenset({CaseState.OPEN}),
    CaseKind.QD96_LOW_GT_1_2: frozenset({CaseState.DECIDED}),
    CaseKind.QD96_LOW_GE_2_3: frozenset({CaseState.DECIDED}),
    CaseKind.QD262_CONSIDER: frozenset({CaseState.CONSIDERED}),
    CaseKind.NQ96_LOW_GT_1_2: frozenset(
        {CaseState.RESIGNED, CaseState.DISMISSAL_SUBMITTED, CaseState.DISMISSED, CaseState.RETAINED}
    ),
    CaseKind.NQ96_LOW_GE_2_3: frozenset({CaseState.DISMISSED}),
}


_LEVELLED_KINDS = frozenset(CaseKind) - {CaseKind.QD96_AWAITING_LEVEL}


def _case_error(case: ConsequenceCase, action: str, vi: str, en: str, rules: tuple[str, ...]) -> ConfidenceError:
    return ConfidenceError(
        f"case_{action}_not_allowed",
        f"{vi} (trường hợp {case.kind.value}, trạng thái {case.state.value}).",
        f"{en} (case {case.kind.value}, state {case.state.value}).",
        rules=rules,
    )


def _require(case: ConsequenceCase, action: str, kinds: Iterable[CaseKind], states: Iterable[CaseState],
             rules: tuple[str, ...]) -> None:
    if case.state is CaseState.CLOSED:
        raise _case_error(case, action, "Trường hợp đã kết thúc", "The case is closed", rules)
    kinds = frozenset(kinds)
    if case.kind is CaseKind.QD96_AWAITING_LEVEL and case.kind not in kinds:
        raise _case_error(case, action, "Cấp có thẩm quyền phải xác định mức tín nhiệm từ kết quả hai nơi"
                          " trước", "The authority must first record the level from both places",
                          ("CV-38", "OP-9"))
    if case.kind not in kinds or case.state not in frozenset(states):
        raise _case_error(case, action, "Thao tác không hợp lệ ở bước này", "Action not allowed here", rules)


def _advance(case: ConsequenceCase, rules: Iterable[str], **changes: object) -> ConsequenceCase:
    new = replace(case, **changes)  # type: ignore[arg-type]
    return replace(new, rules=merge_rules(case.rules, rules))


def open_case(
    *,
    rule_set: RuleSet,
    results: Sequence[PlaceResult],
    opened_on: date,
    settings: ConfidenceSettings = DEFAULT_SETTINGS,
) -> ConsequenceCase | None:
    """CV-44: open one case per person whose band is not NONE when the conference is COUNTED.

    ``results`` has one entry per place (QD96 allows two, CV-9/CV-38: one case holds both, the
    authority records the level; with OP-9 = WORSE_BAND the worse band is taken at once). Returns
    None when no place has a band other than NONE, and for replay sets (history: no cases).
    A QD96 ``LOW_GT_1_2`` case sets a planning hold at once (OP-11) until the removal decision.
    """
    if not results:
        raise ConfidenceError("no_results", "Cần ít nhất một kết quả.", "At least one result is needed.",
                              rules=("CV-44",))
    places = [r.place for r in results]
    if len(set(places)) != len(places) or any(p not in (1, 2) for p in places):
        raise ConfidenceError("bad_places", "Chỉ có nơi thứ 1 và thứ 2, mỗi nơi một kết quả.",
                              "Only places 1 and 2, one result each.", rules=("CV-9",), field="results")
    if len(results) > 1 and rule_set is not RuleSet.QD96_2023:
        raise ConfidenceError("two_places_qd96_only", "Chỉ QĐ 96 có lấy phiếu ở hai nơi.",
                              "Only QD96 rates in two places.", rules=("CV-9", "CV-38"), field="results")
    if rule_set.is_replay or all(r.band is Band.NONE for r in results):
        return None
    rules: list[str] = ["CV-44"]
    applied: list[AppliedDefault] = [_CV44, _default(settings, "OP-7", "case_reminder_days")]
    worse = max((r.band for r in results), key=lambda b: b.severity)
    level: Band | None = worse
    if len(results) > 1:
        rules.append("CV-38")
        applied.append(_default(settings, "OP-9", "two_place_consolidation"))
        if settings.two_place_consolidation is TwoPlaceConsolidation.AUTHORITY_ENTERS_LEVEL:
            level = None
    hold = False
    if rule_set is RuleSet.QD96_2023:
        applied.append(_default(settings, "OP-11", "planning_hold_on_counted"))
        hold = settings.planning_hold_on_counted and worse is Band.LOW_GT_1_2
        rules.append("CV-36" if worse is Band.LOW_GT_1_2 else "CV-37")
    elif rule_set is RuleSet.QD262_2014:
        rules.append("CV-39")
    else:
        rules.append("CV-40")
    return ConsequenceCase(rule_set, tuple(results), level, CaseState.OPEN, opened_on, hold,
                           rules=merge_rules(rules), defaults_applied=merge_defaults(applied))


def record_consolidated_level(case: ConsequenceCase, *, level: Band, decision: DecisionRef,
                              settings: ConfidenceSettings = DEFAULT_SETTINGS) -> ConsequenceCase:
    """CV-38 / OP-9: the authority records one level weighing both places. A NONE level leaves a case
    that may be closed at once; the planning hold follows the level (OP-11)."""
    _require(case, "level", (CaseKind.QD96_AWAITING_LEVEL,), (CaseState.OPEN,), ("CV-38",))
    hold = settings.planning_hold_on_counted and level is Band.LOW_GT_1_2
    return _advance(case, ("CV-38",), level=level, level_decision=decision, planning_hold=hold)


def record_planning_removal(case: ConsequenceCase, *, decision: DecisionRef) -> ConsequenceCase:
    """CV-36 (a): QD96 ``LOW_GT_1_2``, OPEN → PLANNING_REMOVED; the planning hold ends."""
    _require(case, "planning_removal", (CaseKind.QD96_LOW_GT_1_2,), (CaseState.OPEN,), ("CV-36", "CV-45"))
    return _advance(case, ("CV-36",), state=CaseState.PLANNING_REMOVED, removal_decision=decision,
                    planning_hold=False, planning_removed=True)


def record_qd96_option(
    case: ConsequenceCase,
    *,
    option: Qd96Option,
    decision: DecisionRef,
    new_post: str | None = None,
    no_confidence_vote: NoConfidenceVoteDecision | None = None,
    settings: ConfidenceSettings = DEFAULT_SETTINGS,
) -> ConsequenceCase:
    """CV-36 (b), CV-45: QD96 ``LOW_GT_1_2``, PLANNING_REMOVED → DECIDED with one of the four
    options. The removal decision must come first. A vote of no confidence must be recorded and is
    judged by CV-42. "Retained after consideration" is refused unless OP-10 allows it."""
    if case.kind is CaseKind.QD96_LOW_GT_1_2 and case.state is CaseState.OPEN:
        raise _case_error(case, "option", "Phải có quyết định đưa ra khỏi quy hoạch trước khi chọn hình thức xử"
                          " lý", "The planning removal decision must be recorded before an option",
                          ("CV-36", "CV-45"))
    _require(case, "option", (CaseKind.QD96_LOW_GT_1_2,), (CaseState.PLANNING_REMOVED,), ("CV-45",))
    if option is Qd96Option.RETAINED_AFTER_CONSIDERATION and not settings.allow_qd96_retained_after_consideration:
        raise _case_error(case, "retained", "Không được kết thúc với lý do \"giữ nguyên sau khi xem xét\"",
                          "Closing as \"retained after consideration\" is not allowed", ("CV-45", "OP-10"))
    if option is Qd96Option.NO_CONFIDENCE_VOTE and no_confidence_vote is None:
        raise _case_error(case, "option", "Cần ghi kết quả bỏ phiếu tín nhiệm", "The vote of no confidence"
                          " result must be recorded", ("CV-42", "CV-45"))
    rules = ("CV-36", "CV-45") + (("CV-42",) if no_confidence_vote is not None else ()) + (
        ("OP-10",) if option is Qd96Option.RETAINED_AFTER_CONSIDERATION else ())
    out = _advance(case, rules, state=CaseState.DECIDED, option=option, decision=decision,
                   new_post=new_post, no_confidence_vote=no_confidence_vote)
    return replace(out, defaults_applied=merge_defaults(case.defaults_applied, (
        _CV45, _default(settings, "OP-10", "allow_qd96_retained_after_consideration"))))


def record_relief_to_lower_post(case: ConsequenceCase, *, decision: DecisionRef, new_post: str) -> ConsequenceCase:
    """CV-37: QD96 ``LOW_GE_2_3``, OPEN → DECIDED with the relief decision and the lower post."""
    _require(case, "relief", (CaseKind.QD96_LOW_GE_2_3,), (CaseState.OPEN,), ("CV-37",))
    if not new_post.strip():
        raise _case_error(case, "relief", "Cần ghi vị trí công tác thấp hơn", "The lower post is required",
                          ("CV-37",))
    return _advance(case, ("CV-37",), state=CaseState.DECIDED, option=Qd96Option.RELIEF_FROM_POST,
                    decision=decision, new_post=new_post.strip(), planning_hold=False)


def record_consideration(case: ConsequenceCase, *, removed_from_planning: bool,
                         decision: DecisionRef | None = None) -> ConsequenceCase:
    """CV-39: QD262, OPEN → CONSIDERED; removal from planning is optional (a decision if removed)."""
    _require(case, "consideration", (CaseKind.QD262_CONSIDER,), (CaseState.OPEN,), ("CV-39",))
    if removed_from_planning and decision is None:
        raise _case_error(case, "consideration", "Cần số quyết định đưa ra khỏi quy hoạch",
                          "The planning removal decision is required", ("CV-39",))
    return _advance(case, ("CV-39",), state=CaseState.CONSIDERED, planning_removed=removed_from_planning,
                    removal_decision=decision if removed_from_planning else None, decision=decision)


def record_resignation(case: ConsequenceCase, *, decision: DecisionRef) -> ConsequenceCase:
    """CV-40, CV-42: NQ96/2023 ``LOW_GT_1_2``: OPEN → RESIGNED, or after a passed vote of no
    confidence NO_CONFIDENCE_VOTE → RESIGNED."""
    _require(case, "resignation", (CaseKind.NQ96_LOW_GT_1_2,), (CaseState.OPEN, CaseState.NO_CONFIDENCE_VOTE),
             ("CV-40", "CV-42"))
    if case.state is CaseState.NO_CONFIDENCE_VOTE:
        _require_vote(case, passed=True)
    return _advance(case, ("CV-40",), state=CaseState.RESIGNED, decision=decision)


def _require_vote(case: ConsequenceCase, *, passed: bool) -> None:
    vote = case.no_confidence_vote
    if vote is None or vote.passed is not passed:
        if passed:
            raise _case_error(case, "vote", "Bỏ phiếu tín nhiệm không quá một nửa: không có hậu quả",
                              "The vote of no confidence did not pass: no consequence", ("CV-42",))
        raise _case_error(case, "vote", "Quá một nửa số phiếu không tín nhiệm: phải từ chức hoặc trình miễn"
                          " nhiệm", "The vote of no confidence passed: resignation or dismissal is required",
                          ("CV-42",))


def record_no_confidence_vote(case: ConsequenceCase, *, vote: NoConfidenceVoteDecision) -> ConsequenceCase:
    """CV-40, CV-42: NQ96/2023 ``LOW_GT_1_2`` without resignation, OPEN → NO_CONFIDENCE_VOTE."""
    _require(case, "vote", (CaseKind.NQ96_LOW_GT_1_2,), (CaseState.OPEN,), ("CV-40", "CV-42"))
    return _advance(case, ("CV-40", "CV-42"), state=CaseState.NO_CONFIDENCE_VOTE, no_confidence_vote=vote)


def record_retained(case: ConsequenceCase) -> ConsequenceCase:
    """CV-42: the vote of no confidence did not pass (``2*K <= N``): NO_CONFIDENCE_VOTE → RETAINED."""
    _require(case, "retained", (CaseKind.NQ96_LOW_GT_1_2,), (CaseState.NO_CONFIDENCE_VOTE,), ("CV-42",))
    _require_vote(case, passed=False)
    return _advance(case, ("CV-42",), state=CaseState.RETAINED)


def record_dismissal_submission(case: ConsequenceCase, *, decision: DecisionRef) -> ConsequenceCase:
    """CV-40, CV-42: NQ96/2023 ``LOW_GE_2_3`` OPEN → DISMISSAL_SUBMITTED; or ``LOW_GT_1_2`` after a
    passed vote of no confidence without resignation."""
    if case.kind is CaseKind.NQ96_LOW_GT_1_2:
        _require(case, "dismissal_submission", (CaseKind.NQ96_LOW_GT_1_2,), (CaseState.NO_CONFIDENCE_VOTE,),
                 ("CV-42",))
        _require_vote(case, passed=True)
        rules: tuple[str, ...] = ("CV-42",)
    else:
        _require(case, "dismissal_submission", (CaseKind.NQ96_LOW_GE_2_3,), (CaseState.OPEN,), ("CV-40",))
        rules = ("CV-40",)
    return _advance(case, rules, state=CaseState.DISMISSAL_SUBMITTED, decision=decision)


def record_dismissal(case: ConsequenceCase, *, decision: DecisionRef) -> ConsequenceCase:
    """NQ96/2023: the NA or HĐND dismisses, DISMISSAL_SUBMITTED → DISMISSED (CV-40)."""
    _require(case, "dismissal", (CaseKind.NQ96_LOW_GT_1_2, CaseKind.NQ96_LOW_GE_2_3),
             (CaseState.DISMISSAL_SUBMITTED,), ("CV-40",))
    return _advance(case, ("CV-40",), state=CaseState.DISMISSED, decision=decision)


def close_case(case: ConsequenceCase, *, closed_on: date) -> ConsequenceCase:
    """outcome → CLOSED (CV-44). Refused before an outcome of the case's path: in particular a QD96
    ``LOW_GT_1_2`` case closes only with the removal decision plus one option (CV-45, OP-10), and a
    two-place case only after the authority's level (CV-38). The planning hold ends."""
    _require(case, "close", _LEVELLED_KINDS, CaseState, ("CV-44",))
    if case.kind is CaseKind.QD96_LOW_GT_1_2 and case.state is not CaseState.DECIDED:
        raise _case_error(case, "close", "Chỉ kết thúc khi đã có quyết định đưa ra khỏi quy hoạch và một trong"
                          " bốn hình thức xử lý", "Closing needs the planning removal decision plus one of the"
                          " four options", ("CV-45", "OP-10"))
    if case.state not in _OUTCOMES[case.kind]:
        raise _case_error(case, "close", "Chưa có kết quả xử lý để kết thúc", "No outcome recorded to close",
                          ("CV-44",))
    if closed_on < case.opened_on:
        raise _case_error(case, "close", "Ngày kết thúc trước ngày mở", "Closing date before opening date",
                          ("CV-44",))
    return _advance(case, ("CV-44",), state=CaseState.CLOSED, closed_on=closed_on, planning_hold=False)


def allowed_case_actions(case: ConsequenceCase) -> tuple[str, ...]:
    """Names of the ``record_*``/``close_case`` functions allowed now (for pages and reports)."""
    K, S = CaseKind, CaseState
    kind, state = case.kind, case.state
    if state is S.CLOSED:
        return ()
    if kind is K.QD96_AWAITING_LEVEL:
        return ("record_consolidated_level",)
    table: dict[tuple[CaseKind, CaseState], tuple[str, ...]] = {
        (K.QD96_LOW_GT_1_2, S.OPEN): ("record_planning_removal",),
        (K.QD96_LOW_GT_1_2, S.PLANNING_REMOVED): ("record_qd96_option",),
        (K.QD96_LOW_GE_2_3, S.OPEN): ("record_relief_to_lower_post",),
        (K.QD262_CONSIDER, S.OPEN): ("record_consideration",),
        (K.NQ96_LOW_GT_1_2, S.OPEN): ("record_resignation", "record_no_confidence_vote"),
        (K.NQ96_LOW_GE_2_3, S.OPEN): ("record_dismissal_submission",),
        (K.NQ96_LOW_GT_1_2, S.DISMISSAL_SUBMITTED): ("record_dismissal",),
        (K.NQ96_LOW_GE_2_3, S.DISMISSAL_SUBMITTED): ("record_dismissal",),
    }
    actions = list(table.get((kind, state), ()))
    if kind is K.NQ96_LOW_GT_1_2 and state is S.NO_CONFIDENCE_VOTE and case.no_confidence_vote is not None:
        actions += (["record_resignation", "record_dismissal_submission"] if case.no_confidence_vote.passed
                    else ["record_retained"])
    if state in _OUTCOMES[kind]:
        actions.append("close_case")
    return tuple(actions)


def case_reminder_due(case: ConsequenceCase, *, today: date, settings: ConfidenceSettings = DEFAULT_SETTINGS) -> bool:
    """CV-44 / OP-7: a case open for ``case_reminder_days`` (default 30) or more needs a reminder."""
    return case.state is not CaseState.CLOSED and (today - case.opened_on).days >= settings.case_reminder_days


# ---------------------------------------------------------------------------------------------------
# CV-46: publication
# ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PublicationPolicy:
    """Who learns a result row (CV-46, OP-7)."""

    rated_person_receives_own_row: bool
    voters_hear_results_at_conference: bool
    public: bool
    report_deadline_days: int | None
    rules: tuple[str, ...]
    defaults_applied: tuple[AppliedDefault, ...] = ()


def publication_policy(rule_set: RuleSet, settings: ConfidenceSettings = DEFAULT_SETTINGS) -> PublicationPolicy:
    """CV-46 [default]: the rated person receives their row; voters hear the results at the
    conference; no wider publication for Party sets; NQ96/2023 rows are public (and so are the
    replayed NA/HĐND records, which were published at the time)."""
    public = not rule_set.is_party
    return PublicationPolicy(True, True, public, settings.report_deadline_days, ("CV-46",),
                             (_CV46, _default(settings, "OP-7", "report_deadline_days")))
