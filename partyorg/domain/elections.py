"""Elections inside the Party (spec: party-elections.md, rules EL-1..EL-50).

Pure Python: plain values in (ints, dates, enums, frozen dataclasses), decisions out. Every decision
carries the rule IDs that produced it (``rules``) and the configurable defaults it used
(``defaults``, parameter -> shown value, EL-1). Integer arithmetic only: the majority test is
``2 * votes > roll``, never a division; percentages are computed exactly and rounded half up.

Overview of the public API (see each docstring):

* rule set and scope: :func:`rule_set_for`, :func:`article`, :func:`in_scope`, :func:`voting_form`
* roll and threshold: :func:`adjusted_roll`, :func:`roll_from_totals`, :func:`votes_needed`,
  :func:`qualifies`, :func:`attendance_warning`
* list building: :func:`seats_fixed_by`, :func:`admit_nominee`, :func:`opinion_poll`,
  :func:`surplus_check`, :func:`proposal_band`, :func:`proposal_surplus_check`,
  :func:`combined_list_action`, :func:`trim_size`, :func:`trim_by_poll`,
  :func:`check_counting_committee`, :func:`check_counting_sequence`
* order of elections: :func:`check_election_order`, :func:`check_leader_candidates`,
  :func:`check_separate_ballots`, :func:`secretary_direct_election`
* names and ballots: :func:`name_key`, :func:`list_order`, :func:`numbered_list`,
  :func:`ballot_layout`, :func:`rule_on_ballot`, :func:`count_ballots`, :func:`check_minutes`
* results and rounds: :func:`percent_of`, :func:`decide_round`, :func:`plan_next_round`,
  :func:`item_outcome`, :func:`rank_alternates`
* after the vote: :func:`approval_outcome`, :func:`complaint_deadline`, :func:`complaint_in_time`,
  :func:`destruction_allowed_from`, :func:`check_destruction`
* lifecycle: :class:`ItemState`, :data:`TRANSITIONS`, :func:`check_transition`,
  :func:`state_after`
"""

from __future__ import annotations

import enum
from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, fields
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from partyorg.domain.names import name_sort_key

# ---------------------------------------------------------------------------------------------
# Vocabulary
# ---------------------------------------------------------------------------------------------


class RuleSet(enum.Enum):
    """Regulation an election is run under (EL-2). Values are the names used in data exchange."""

    QC244_2014 = "QD244-2014"  # Quy chế bầu cử trong Đảng, Quyết định 244-QĐ/TW (09/06/2014)
    QC190_2024 = "QD190-2024"  # Quy chế bầu cử trong Đảng, Quyết định 190-QĐ/TW (10/10/2024)


QC244_EFFECTIVE = date(2014, 6, 9)


class Venue(enum.Enum):
    """Where an election takes place (EL-3)."""

    CELL_CONGRESS = "cell_congress"  # đại hội chi bộ
    ORGANISATION_CONGRESS = "organisation_congress"  # đại hội đảng bộ (members' or delegates')
    EXECUTIVE_COMMITTEE_CONFERENCE = "executive_committee_conference"  # hội nghị BCH
    INSPECTION_COMMITTEE_CONFERENCE = "inspection_committee_conference"  # hội nghị UBKT
    STATE_POST_INTRODUCTION = "state_post_introduction"  # giới thiệu nhân sự Nhà nước, MTTQ, đoàn thể
    NATIONAL_CONGRESS = "national_congress"  # Đại hội toàn quốc: own rules, out of scope


class CongressKind(enum.Enum):
    """Kind of body whose adjusted roll ``D`` is computed (EL-36..38)."""

    MEMBERS = "members"  # đại hội đảng viên
    DELEGATES = "delegates"  # đại hội đại biểu
    COMMITTEE_CONFERENCE = "committee_conference"  # hội nghị cấp ủy
    INSPECTION_CONFERENCE = "inspection_conference"  # hội nghị UBKT


class ItemKind(enum.Enum):
    """The body or post one election item fills."""

    CELL_COMMITTEE = "cell_committee"  # chi ủy
    PARTY_COMMITTEE = "party_committee"  # cấp ủy (ban chấp hành)
    STANDING_COMMITTEE = "standing_committee"  # ban thường vụ
    SECRETARY = "secretary"  # bí thư
    DEPUTY_SECRETARY = "deputy_secretary"  # phó bí thư
    INSPECTION_COMMITTEE = "inspection_committee"  # ủy ban kiểm tra
    INSPECTION_CHAIR = "inspection_chair"  # chủ nhiệm UBKT
    INSPECTION_DEPUTY_CHAIR = "inspection_deputy_chair"  # phó chủ nhiệm UBKT
    DELEGATE_OFFICIAL = "delegate_official"  # đại biểu chính thức dự đại hội cấp trên
    DELEGATE_ALTERNATE = "delegate_alternate"  # đại biểu dự khuyết


COMMITTEE_KINDS = frozenset({ItemKind.CELL_COMMITTEE, ItemKind.PARTY_COMMITTEE, ItemKind.STANDING_COMMITTEE})
DELEGATE_KINDS = frozenset({ItemKind.DELEGATE_OFFICIAL, ItemKind.DELEGATE_ALTERNATE})
FIRST_CONFERENCE_ORDER = (
    ItemKind.STANDING_COMMITTEE,
    ItemKind.SECRETARY,
    ItemKind.DEPUTY_SECRETARY,
    ItemKind.INSPECTION_COMMITTEE,
    ItemKind.INSPECTION_CHAIR,
)


class Matter(enum.Enum):
    """What a congress votes on (EL-5, EL-6)."""

    PARTY_COMMITTEE = "party_committee"
    STANDING_COMMITTEE = "standing_committee"
    SECRETARY = "secretary"
    DEPUTY_SECRETARY = "deputy_secretary"
    INSPECTION_COMMITTEE = "inspection_committee"
    INSPECTION_CHAIR = "inspection_chair"
    INSPECTION_DEPUTY_CHAIR = "inspection_deputy_chair"
    DELEGATES = "delegates"
    OPINION_POLL = "opinion_poll"
    STATE_POST_INTRODUCTION = "state_post_introduction"
    PRESIDIUM = "presidium"
    SECRETARIAT = "secretariat"
    CREDENTIALS_COMMITTEE = "credentials_committee"
    COUNTING_COMMITTEE = "counting_committee"
    NUMBERS = "numbers"  # seats and other numbers
    LIST_APPROVAL = "list_approval"


class VotingForm(enum.Enum):
    SECRET_BALLOT = "secret_ballot"  # bỏ phiếu kín
    SHOW_OF_HANDS = "show_of_hands"  # biểu quyết giơ tay (or Party card)


class Deduction(enum.Enum):
    """Categories subtracted from those convened to give the adjusted roll ``D``."""

    TEMPORARY_ELSEWHERE = "temporary_elsewhere"  # EL-36: introduced for temporary activity elsewhere
    EXEMPTED_ABSENT = "exempted_absent"  # EL-36: exempted from work and activity, and absent
    SUSPENDED_OR_PROSECUTED = "suspended_or_prosecuted"  # EL-36: suspended, prosecuted, indicted, detained
    ABSENT_APPROVED = "absent_approved"  # EL-36 / EL-38: absent throughout with an approved reason
    COMMITTEE_MEMBER_ABSENT = "committee_member_absent"  # EL-37: convening committee member absent throughout
    DELEGATE_ABSENT_UNREPLACED = "delegate_absent_unreplaced"  # EL-37: absent throughout, no alternate


class NominationSource(enum.Enum):
    CONVENING = "convening"  # the convening committee's official nomination list (EL-12)
    FLOOR = "floor"  # đề cử at the congress
    SELF = "self"  # ứng cử


class SeatsSource(enum.Enum):
    SHOW_OF_HANDS = "show_of_hands"
    ALLOCATED = "allocated"  # by the higher committee (delegates)


class ListAction(enum.Enum):
    CONGRESS_DECIDES = "congress_decides"  # EL-18: within the cap
    TRIM_BY_POLL = "trim_by_poll"  # EL-18/19: above the cap


class TieResolution(enum.Enum):
    NONE = "none"
    REPOLL = "repoll"  # EL-19
    HEAD_DECIDES = "head_decides"  # EL-20, OP-13


class TieRule(enum.Enum):
    """OP-1: what happens to a tie at the cut-off."""

    REVOTE_AMONG_TIED = "revote_among_tied"  # EL-40 (default)
    FURTHER_ROUND = "further_round"  # the tied join the further round with every other unelected name


class PercentBase(enum.Enum):
    """OP-7: base of the displayed percentage."""

    VALID = "valid"  # EL-46 (default)
    COLLECTED = "collected"


class CountingDuty(enum.Enum):
    """Counting committee duties, in their order (EL-9)."""

    EXPLAIN_VOTING = "explain_voting"
    SEAL_BOX = "seal_box"
    HAND_OUT_BALLOTS = "hand_out_ballots"
    REPORT_ISSUED_COLLECTED = "report_issued_collected"
    COUNT_VOTES = "count_votes"
    RULE_ON_INVALID = "rule_on_invalid"
    MINUTES_TO_PRESIDIUM = "minutes_to_presidium"
    ANNOUNCE = "announce"
    SIGN_MINUTES = "sign_minutes"
    SEAL_BALLOTS = "seal_ballots"


class BallotForm(enum.Enum):
    SURPLUS = "surplus"  # strike out the names not chosen
    YES_NO = "yes_no"  # no surplus: Đồng ý / Không đồng ý per row


class Mark(enum.Enum):
    """Marks on one row of a ballot without surplus."""

    AGREE = "agree"
    DISAGREE = "disagree"
    BOTH = "both"
    NEITHER = "neither"


class PartialStrikeRuling(enum.Enum):
    """The counting committee's explicit ruling on a partly struck name (EL-33)."""

    STRUCK = "struck"
    KEPT = "kept"
    INVALID = "invalid"


class BallotStatus(enum.Enum):
    VALID = "valid"
    INVALID = "invalid"
    NEEDS_RULING = "needs_ruling"


class NextStep(enum.Enum):
    DONE = "done"  # every seat filled
    TIE_REVOTE = "tie_revote"  # EL-40
    FURTHER_ROUND = "further_round"  # EL-41 / EL-42 (NEXT_ROUND_PENDING)
    RERUN_VOTE = "rerun_vote"  # EL-45: nothing collected, the presidium re-runs the vote


class RoundKind(enum.Enum):
    NORMAL = "normal"
    TIE_REVOTE = "tie_revote"
    FURTHER = "further"
    RERUN = "rerun"


class ApprovalState(enum.Enum):
    APPROVED = "approved"
    PARTLY_APPROVED = "partly_approved"
    ANNULLED = "annulled"


class ItemState(enum.Enum):
    """Lifecycle of one election item (spec §4)."""

    DRAFT = "draft"
    SEATS_FIXED = "seats_fixed"
    NOMINATING = "nominating"
    LIST_PROPOSED = "list_proposed"
    POLLING = "polling"
    LIST_APPROVED = "list_approved"
    VOTING = "voting"
    COUNTED = "counted"
    ANNOUNCED = "announced"
    TIE_REVOTE = "tie_revote"
    NEXT_ROUND_PENDING = "next_round_pending"
    CLOSED_UNFILLED = "closed_unfilled"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    PARTLY_APPROVED = "partly_approved"
    ANNULLED = "annulled"


# ---------------------------------------------------------------------------------------------
# Defaults (EL-1, spec §9)
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Defaults:
    """Every [default] rule and open point of the spec as a setting (EL-1, §9).

    Decisions report the settings they used in their ``defaults`` field so that minutes and
    reports can print them next to the rule set.
    """

    tie_at_cutoff: TieRule = TieRule.REVOTE_AMONG_TIED  # OP-1, EL-40
    conference_deductions: frozenset[Deduction] = frozenset({Deduction.ABSENT_APPROVED})  # OP-2, EL-38
    surplus_required_for: frozenset[ItemKind] = COMMITTEE_KINDS  # OP-3, EL-23
    proposal_surplus_percent: tuple[int, int] = (10, 15)  # OP-4, EL-17 (lo rounded up, hi down)
    alternates_ties_by_name: bool = True  # OP-5, EL-43
    separate_official_alternate_ballots: bool = True  # OP-5, EL-43
    write_in_invalidates: bool = True  # OP-6, EL-33
    identifying_mark_invalidates: bool = True  # OP-6, EL-33
    percent_base: PercentBase = PercentBase.VALID  # OP-7, EL-46
    qc190_effective: date = date(2024, 10, 10)  # OP-8, EL-2
    trim_percent: int = 30  # OP-9, EL-19: keep S + (30*S)//100
    one_extra_below_three_seats: bool = True  # OP-10, EL-21
    later_round_caps_warning_only: bool = True  # OP-10, EL-42
    quorum_warning: bool = True  # OP-11: warn if 3*present < 2*D, never block
    direct_secretary_election: bool = False  # OP-12
    small_body_tie_head_decides: bool = True  # OP-13, EL-20
    holidays: frozenset[date] = frozenset()  # OP-14, EL-50
    counting_committee_guard: bool = True  # EL-8
    complaint_working_days: int = 15  # EL-48, EL-50
    ballot_keep_months: int = 6  # EL-49
    first_conference_order: tuple[ItemKind, ...] = FIRST_CONFERENCE_ORDER  # EL-25


DEFAULTS = Defaults()


def _show(value: object) -> str:
    if isinstance(value, enum.Enum):
        return str(value.value)
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, frozenset):
        return ",".join(sorted(_show(v) for v in value))
    if isinstance(value, tuple):
        return "-".join(_show(v) for v in value)
    return str(value)


def describe_defaults(defaults: Defaults = DEFAULTS) -> dict[str, str]:
    """All settings with their shown values, for printing on minutes and reports (EL-1)."""
    return {f.name: _show(getattr(defaults, f.name)) for f in fields(defaults)}


def _applied(defaults: Defaults, *names: str) -> tuple[tuple[str, str], ...]:
    return tuple((name, _show(getattr(defaults, name))) for name in names)


def rule_ids(*ids: str) -> tuple[str, ...]:
    """Rule IDs without repeats, in numeric order (EL-2 before EL-15)."""
    return tuple(sorted(set(ids), key=lambda r: int(r.split("-")[1])))


# ---------------------------------------------------------------------------------------------
# Results and errors
# ---------------------------------------------------------------------------------------------


class ElectionError(ValueError):
    """Input that no rule can decide on (inconsistent counts, unknown names...)."""

    def __init__(self, code: str, message: str, rules: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.code = code
        self.rules = rules


@dataclass(frozen=True)
class Decision:
    """A yes/no decision. ``blocking`` False means a warning the congress may override."""

    ok: bool
    code: str
    rules: tuple[str, ...]
    defaults: tuple[tuple[str, str], ...] = ()
    subjects: tuple[str, ...] = ()
    blocking: bool = True

    @property
    def warning(self) -> bool:
        return not self.ok and not self.blocking


def _need(condition: bool, code: str, message: str, *rules: str) -> None:
    if not condition:
        raise ElectionError(code, message, rule_ids(*rules) if rules else ())


def _non_negative(value: int, name: str, *rules: str) -> None:
    _need(value >= 0, "negative", f"{name} must not be negative", *rules)


# ---------------------------------------------------------------------------------------------
# Rule set, scope, forms of voting (EL-2..EL-6)
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RuleSetDecision:
    rule_set: RuleSet
    rules: tuple[str, ...]
    defaults: tuple[tuple[str, str], ...]


def rule_set_for(election_date: date, defaults: Defaults = DEFAULTS) -> RuleSetDecision:
    """The regulation in force on the election date (EL-2).

    QC244 from 2014-06-09, QC190 from its effective date (OP-8, default 2024-10-10). Earlier dates
    ran under an older regulation that this system does not model: :class:`ElectionError`.
    """
    _need(
        election_date >= QC244_EFFECTIVE,
        "before_rule_sets",
        f"no rule set covers {election_date.isoformat()} (QC244 applies from 2014-06-09)",
        "EL-2",
    )
    chosen = RuleSet.QC190_2024 if election_date >= defaults.qc190_effective else RuleSet.QC244_2014
    return RuleSetDecision(chosen, ("EL-2",), _applied(defaults, "qc190_effective"))


_ARTICLES: dict[tuple[RuleSet, str], str] = {
    (RuleSet.QC244_2014, "valid_ballots"): "Art. 17",
    (RuleSet.QC190_2024, "valid_ballots"): "Art. 15",
    (RuleSet.QC244_2014, "results"): "Art. 32",
    (RuleSet.QC190_2024, "results"): "Art. 30",
}


def article(rule_set: RuleSet, topic: str) -> str:
    """Article of the regulation for a topic ("valid_ballots" or "results") (EL-2)."""
    try:
        return _ARTICLES[(rule_set, topic)]
    except KeyError:
        raise ElectionError("unknown_topic", f"no article mapped for {topic!r}", ("EL-2",)) from None


def in_scope(venue: Venue) -> Decision:
    """Whether these rules govern elections at the venue (EL-3); results need chuẩn y (EL-4)."""
    if venue is Venue.NATIONAL_CONGRESS:
        return Decision(False, "national_congress_own_rules", ("EL-3",))
    return Decision(True, "in_scope", ("EL-3", "EL-4"))


_SHOW_OF_HANDS = frozenset(
    {
        Matter.PRESIDIUM,
        Matter.SECRETARIAT,
        Matter.CREDENTIALS_COMMITTEE,
        Matter.COUNTING_COMMITTEE,
        Matter.NUMBERS,
        Matter.LIST_APPROVAL,
    }
)


def voting_form(matter: Matter) -> tuple[VotingForm, tuple[str, ...]]:
    """Secret ballot on people, show of hands on bodies of the congress, numbers and lists."""
    if matter in _SHOW_OF_HANDS:
        return VotingForm.SHOW_OF_HANDS, ("EL-6",)
    return VotingForm.SECRET_BALLOT, ("EL-5",)


# ---------------------------------------------------------------------------------------------
# Roll and threshold (EL-35..EL-38, OP-11)
# ---------------------------------------------------------------------------------------------

_DEDUCTIONS: dict[CongressKind, frozenset[Deduction]] = {
    CongressKind.MEMBERS: frozenset(
        {
            Deduction.TEMPORARY_ELSEWHERE,
            Deduction.EXEMPTED_ABSENT,
            Deduction.SUSPENDED_OR_PROSECUTED,
            Deduction.ABSENT_APPROVED,
        }
    ),
    CongressKind.DELEGATES: frozenset(
        {Deduction.COMMITTEE_MEMBER_ABSENT, Deduction.DELEGATE_ABSENT_UNREPLACED}
    ),
}

_ROLL_RULE = {
    CongressKind.MEMBERS: "EL-36",
    CongressKind.DELEGATES: "EL-37",
    CongressKind.COMMITTEE_CONFERENCE: "EL-38",
    CongressKind.INSPECTION_CONFERENCE: "EL-38",
}


@dataclass(frozen=True)
class Roll:
    roll: int
    convened: int
    deductions: tuple[tuple[Deduction, int], ...]
    rules: tuple[str, ...]
    defaults: tuple[tuple[str, str], ...]


def allowed_deductions(congress: CongressKind, defaults: Defaults = DEFAULTS) -> frozenset[Deduction]:
    """Deduction categories of a kind of congress (EL-36, EL-37; EL-38 via OP-2)."""
    if congress in _DEDUCTIONS:
        return _DEDUCTIONS[congress]
    return defaults.conference_deductions


def adjusted_roll(
    congress: CongressKind,
    convened: int,
    deductions: Mapping[Deduction, int],
    defaults: Defaults = DEFAULTS,
) -> Roll:
    """``D`` = convened minus the deduction categories of that kind of congress (EL-36..EL-38).

    ``D`` is the base of the majority (EL-35), never the valid ballots or the attendance.
    """
    rule = _ROLL_RULE[congress]
    allowed = allowed_deductions(congress, defaults)
    _non_negative(convened, "convened", rule)
    for category, count in deductions.items():
        _need(category in allowed, "deduction_not_allowed", f"{category.value} is not deducted here", rule)
        _non_negative(count, category.value, rule)
    total = sum(deductions.values())
    _need(total <= convened, "deductions_exceed_convened", "deductions exceed those convened", rule)
    used = _applied(defaults, "conference_deductions") if rule == "EL-38" else ()
    ordered = tuple((c, deductions[c]) for c in Deduction if c in deductions)
    return Roll(convened - total, convened, ordered, rule_ids(rule, "EL-35"), used)


def roll_from_totals(convened: int, deducted: int) -> int:
    """``D`` from the two totals (EL-36..EL-38)."""
    _non_negative(convened, "convened", "EL-36")
    _non_negative(deducted, "deducted", "EL-36")
    _need(deducted <= convened, "deductions_exceed_convened", "deducted exceeds convened", "EL-36")
    return convened - deducted


def votes_needed(roll: int) -> int:
    """Smallest vote count that is more than half of ``D`` (EL-35, EL-46)."""
    _non_negative(roll, "roll", "EL-35")
    return roll // 2 + 1


def qualifies(votes: int, roll: int) -> bool:
    """A candidate qualifies iff ``2*votes > D`` (EL-35)."""
    return 2 * votes > roll


def attendance_warning(present: int, roll: int, defaults: Defaults = DEFAULTS) -> Decision:
    """OP-11: never blocks; warns when fewer than two thirds of ``D`` attend."""
    used = _applied(defaults, "quorum_warning")
    if defaults.quorum_warning and 3 * present < 2 * roll:
        return Decision(False, "low_attendance", ("EL-35",), used, blocking=False)
    return Decision(True, "attendance_ok", ("EL-35",), used)


# ---------------------------------------------------------------------------------------------
# Seats, nominations, counting committee (EL-7..EL-14)
# ---------------------------------------------------------------------------------------------


def seats_fixed_by(kind: ItemKind) -> tuple[SeatsSource, tuple[str, ...]]:
    """Delegate seats are allocated by the higher committee; others voted by show of hands (EL-10)."""
    if kind in DELEGATE_KINDS:
        return SeatsSource.ALLOCATED, ("EL-10",)
    return SeatsSource.SHOW_OF_HANDS, ("EL-6", "EL-10")


def admit_nominee(
    source: NominationSource,
    *,
    agree: int = 0,
    attending: int = 0,
    meets_standards: bool = True,
) -> Decision:
    """Whether a nominee enters the list (EL-12, EL-13).

    The convening committee's names form the official nomination list (EL-12). A floor nominee or
    self-nominee must meet the standards and needs ``10*agree > 3*attending`` (EL-13).
    """
    if source is NominationSource.CONVENING:
        return Decision(True, "official_nomination", ("EL-12",))
    _non_negative(agree, "agree", "EL-13")
    _need(attending >= 1, "no_attendance", "attending must be at least 1", "EL-13")
    _need(agree <= attending, "agree_exceeds_attending", "agree exceeds attending", "EL-13")
    if not meets_standards:
        return Decision(False, "standards_not_met", ("EL-12", "EL-13"))
    if 10 * agree > 3 * attending:
        return Decision(True, "more_than_30_percent", ("EL-13",))
    return Decision(False, "not_more_than_30_percent", ("EL-13",))


@dataclass(frozen=True)
class PollDecision:
    required: bool
    counted_by: str
    rules: tuple[str, ...]


def opinion_poll(floor_nominees: int) -> PollDecision:
    """EL-14: a secret poll on floor nominees is required; otherwise the presidium decides."""
    _non_negative(floor_nominees, "floor_nominees", "EL-14")
    team = "team including secretariat members"
    if floor_nominees > 0:
        return PollDecision(True, team, ("EL-5", "EL-14"))
    return PollDecision(False, team, ("EL-14",))


def check_counting_committee(
    members: Iterable[str],
    election_list: Iterable[str],
    defaults: Defaults = DEFAULTS,
) -> Decision:
    """Counting committee members cannot be on the list they count (EL-7, EL-8).

    Checked at list approval and on every list change; a violation blocks LIST_APPROVED.
    """
    conflicts = tuple(sorted(set(members) & set(election_list)))
    used = _applied(defaults, "counting_committee_guard")
    if conflicts and defaults.counting_committee_guard:
        return Decision(False, "counting_member_on_list", ("EL-7", "EL-8"), used, conflicts)
    return Decision(True, "counting_committee_ok", ("EL-7", "EL-8"), used)


def check_counting_sequence(done: Sequence[CountingDuty]) -> Decision:
    """The counting committee's duties happen once each, in their order (EL-9)."""
    order = list(CountingDuty)
    if list(done) == order[: len(done)]:
        return Decision(True, "in_order", ("EL-9",))
    position = next(i for i, duty in enumerate(done) if i >= len(order) or duty is not order[i])
    return Decision(False, "out_of_order", ("EL-9",), subjects=(done[position].value,))


# ---------------------------------------------------------------------------------------------
# Surplus (EL-15..EL-23, EL-42)
# ---------------------------------------------------------------------------------------------


def _one_extra_rule(seats: int, kind: ItemKind, defaults: Defaults) -> str | None:
    """Which rule makes a committee list need exactly one extra name (EL-20, EL-21)."""
    if kind not in COMMITTEE_KINDS:
        return None
    if 3 <= seats <= 5:
        return "EL-20"
    if seats <= 2 and defaults.one_extra_below_three_seats:
        return "EL-21"
    return None


def surplus_check(
    seats: int,
    candidates: int,
    kind: ItemKind = ItemKind.PARTY_COMMITTEE,
    *,
    round_kind: RoundKind = RoundKind.NORMAL,
    defaults: Defaults = DEFAULTS,
) -> Decision:
    """Whether the list size ``C`` suits ``S`` seats.

    * cấp ủy, chi ủy, BTV (surplus required, EL-23): ``C > S and 10*(C-S) <= 3*S`` (EL-15);
      3-5 seats exactly one extra (EL-20), also for ``S <= 2`` (EL-21);
    * optional-surplus posts (EL-22, EL-23): ``C == S`` is fine; ``C > S`` over the 30% cap is
      a warning; ``C < S`` is a warning;
    * further rounds and re-runs: every failure is a warning (EL-42); tie re-votes are not checked
      (the tied group is fixed by EL-40).
    """
    _need(seats >= 1, "no_seats", "seats must be at least 1", "EL-10")
    _non_negative(candidates, "candidates", "EL-15")
    surplus = candidates - seats
    if round_kind is RoundKind.TIE_REVOTE:
        return Decision(True, "tie_revote_list", ("EL-40",))
    later = round_kind in (RoundKind.FURTHER, RoundKind.RERUN)
    used: tuple[tuple[str, str], ...] = _applied(defaults, "surplus_required_for")
    rules: tuple[str, ...] = ("EL-23",)
    if later:
        used += _applied(defaults, "later_round_caps_warning_only")
        rules += ("EL-42",)
    blocking = not (later and defaults.later_round_caps_warning_only)

    if kind in defaults.surplus_required_for:
        special = _one_extra_rule(seats, kind, defaults)
        if special is not None:
            if special == "EL-21":
                used += _applied(defaults, "one_extra_below_three_seats")
            ok = surplus == 1
            code = "one_extra" if ok else "not_one_extra"
            return Decision(ok, code, rule_ids(*rules, special), used, blocking=blocking)
        if surplus <= 0:
            return Decision(False, "surplus_required", rule_ids(*rules, "EL-15"), used, blocking=blocking)
        ok = 10 * surplus <= 3 * seats
        code = "within_30_percent" if ok else "over_30_percent"
        return Decision(ok, code, rule_ids(*rules, "EL-15"), used, blocking=blocking)

    if surplus == 0:
        return Decision(True, "no_surplus", rule_ids(*rules, "EL-22"), used)
    if surplus < 0:
        return Decision(False, "fewer_than_seats", rule_ids(*rules, "EL-22"), used, blocking=False)
    ok = 10 * surplus <= 3 * seats
    code = "within_30_percent" if ok else "over_30_percent"
    return Decision(ok, code, rule_ids(*rules, "EL-15"), used, blocking=False)


def proposal_band(seats: int, defaults: Defaults = DEFAULTS) -> tuple[int, int]:
    """Surplus range of the convening committee's own proposal: ``(lo, hi)`` (EL-16, EL-17).

    ``lo`` = 10% rounded up, ``hi`` = max(lo, 15% rounded down) (OP-4).
    """
    _need(seats >= 1, "no_seats", "seats must be at least 1", "EL-17")
    low_pct, high_pct = defaults.proposal_surplus_percent
    lo = (low_pct * seats + 99) // 100
    hi = max(lo, (high_pct * seats) // 100)
    return lo, hi


def proposal_surplus_check(seats: int, candidates: int, defaults: Defaults = DEFAULTS) -> Decision:
    """The convening committee's proposal within 10-15% surplus; a warning only (EL-16, EL-17)."""
    lo, hi = proposal_band(seats, defaults)
    used = _applied(defaults, "proposal_surplus_percent")
    ok = lo <= candidates - seats <= hi
    return Decision(ok, "in_band" if ok else "out_of_band", ("EL-16", "EL-17"), used, blocking=False)


def trim_size(seats: int, kind: ItemKind = ItemKind.PARTY_COMMITTEE, defaults: Defaults = DEFAULTS) -> int:
    """Longest list kept after a trim: ``S + (30*S)//100`` (EL-19), ``S + 1`` for small bodies (EL-20)."""
    _need(seats >= 1, "no_seats", "seats must be at least 1", "EL-19")
    if _one_extra_rule(seats, kind, defaults) is not None:
        return seats + 1
    return seats + (defaults.trim_percent * seats) // 100


def combined_list_action(
    seats: int,
    candidates: int,
    kind: ItemKind = ItemKind.PARTY_COMMITTEE,
    defaults: Defaults = DEFAULTS,
) -> tuple[ListAction, int, tuple[str, ...]]:
    """Combined list within the cap: the congress decides; above it: trim by poll (EL-18, EL-19).

    Returns the action, the list size to keep and the rules.
    """
    limit = trim_size(seats, kind, defaults)
    special = _one_extra_rule(seats, kind, defaults)
    rules = ("EL-18", special) if special else ("EL-18",)
    if candidates <= limit:
        return ListAction.CONGRESS_DECIDES, candidates, rules
    return ListAction.TRIM_BY_POLL, limit, rule_ids(*rules, "EL-19")


@dataclass(frozen=True)
class TrimResult:
    kept: tuple[str, ...]
    tied: tuple[str, ...]
    places_left: int
    resolution: TieResolution
    rules: tuple[str, ...]
    defaults: tuple[tuple[str, str], ...]


def trim_by_poll(
    seats: int,
    poll_votes: Mapping[str, int],
    kind: ItemKind = ItemKind.PARTY_COMMITTEE,
    defaults: Defaults = DEFAULTS,
) -> TrimResult:
    """Keep the top names of the opinion poll (EL-19); a tie at the cut-off is re-polled among the
    tied, or for bodies of 3-5 seats decided by the head of the committee (EL-20, OP-13).
    """
    limit = trim_size(seats, kind, defaults)
    for name, votes in poll_votes.items():
        _non_negative(votes, f"poll votes of {name}", "EL-19")
    ranked = sorted(poll_votes, key=lambda n: -poll_votes[n])
    small = _one_extra_rule(seats, kind, defaults) is not None
    rules = ("EL-19", "EL-20") if small else ("EL-19",)
    used = _applied(defaults, "trim_percent")
    if len(ranked) <= limit or poll_votes[ranked[limit - 1]] != poll_votes[ranked[limit]]:
        return TrimResult(tuple(ranked[:limit]), (), 0, TieResolution.NONE, rules, used)
    cut = poll_votes[ranked[limit - 1]]
    kept = tuple(n for n in ranked if poll_votes[n] > cut)
    tied = tuple(n for n in ranked if poll_votes[n] == cut)
    if small and defaults.small_body_tie_head_decides:
        resolution = TieResolution.HEAD_DECIDES
        used += _applied(defaults, "small_body_tie_head_decides")
    else:
        resolution = TieResolution.REPOLL
    return TrimResult(kept, tied, limit - len(kept), resolution, rules, used)


# ---------------------------------------------------------------------------------------------
# Order of elections (EL-24, EL-25, EL-43, OP-12)
# ---------------------------------------------------------------------------------------------

_CELL_ORDER = (ItemKind.CELL_COMMITTEE, ItemKind.SECRETARY, ItemKind.DEPUTY_SECRETARY)


def election_sequence(
    venue: Venue, *, has_standing_committee: bool = True, defaults: Defaults = DEFAULTS
) -> tuple[ItemKind, ...]:
    """Items in the order they are elected at a venue (EL-24 cell, EL-25 first conference)."""
    if venue is Venue.CELL_CONGRESS:
        return _CELL_ORDER
    if venue is Venue.EXECUTIVE_COMMITTEE_CONFERENCE:
        order = defaults.first_conference_order
        if has_standing_committee:
            return order
        return tuple(k for k in order if k is not ItemKind.STANDING_COMMITTEE)
    return ()


def check_election_order(
    venue: Venue,
    elected_before: Collection[ItemKind],
    item: ItemKind,
    *,
    has_standing_committee: bool = True,
    defaults: Defaults = DEFAULTS,
) -> Decision:
    """Every prerequisite of ``item`` was elected before it (EL-24, EL-25; officials before
    alternates, EL-43). ``subjects`` lists the missing prerequisites.
    """
    sequence = election_sequence(venue, has_standing_committee=has_standing_committee, defaults=defaults)
    rule = "EL-24" if venue is Venue.CELL_CONGRESS else "EL-25"
    missing: tuple[ItemKind, ...] = ()
    rules: tuple[str, ...] = ()
    used: tuple[tuple[str, str], ...] = ()
    if item in sequence:
        missing = tuple(k for k in sequence[: sequence.index(item)] if k not in elected_before)
        rules = (rule,)
        if rule == "EL-25":
            used = _applied(defaults, "first_conference_order")
    if item is ItemKind.DELEGATE_ALTERNATE and defaults.separate_official_alternate_ballots:
        rules += ("EL-43",)
        used += _applied(defaults, "separate_official_alternate_ballots")
        if ItemKind.DELEGATE_OFFICIAL not in elected_before:
            missing += (ItemKind.DELEGATE_OFFICIAL,)
    if missing:
        return Decision(
            False, "prerequisite_missing", rule_ids(*rules), used, tuple(k.value for k in missing)
        )
    return Decision(True, "order_ok", rule_ids(*rules) if rules else ("EL-11",), used)


def check_leader_candidates(
    venue: Venue,
    item: ItemKind,
    candidates: Iterable[str],
    eligible_pool: Iterable[str],
    *,
    has_standing_committee: bool = True,
) -> Decision:
    """Secretary and deputy candidates come from the elected body (EL-24, EL-25).

    At a cell congress the pool is the elected chi ủy; at the first executive committee conference it
    is the BTV, or the cấp ủy where there is no BTV. ``subjects`` lists the ineligible candidates.
    """
    if item not in (ItemKind.SECRETARY, ItemKind.DEPUTY_SECRETARY):
        return Decision(True, "not_a_leader_post", ("EL-24", "EL-25"))
    rule = "EL-24" if venue is Venue.CELL_CONGRESS else "EL-25"
    pool = set(eligible_pool)
    outside = tuple(c for c in candidates if c not in pool)
    if outside:
        return Decision(False, "not_in_elected_body", (rule,), subjects=outside)
    return Decision(True, "from_elected_body", (rule,))


def check_separate_ballots(
    items_on_one_ballot: Collection[ItemKind], defaults: Defaults = DEFAULTS
) -> Decision:
    """One ballot per item: committee, secretary and deputy on separate ballots (EL-24); official
    and alternate delegates on separate ballots (EL-43).
    """
    kinds = set(items_on_one_ballot)
    if len(kinds) <= 1:
        return Decision(True, "one_item", ("EL-24", "EL-43"))
    rules = ["EL-24"]
    if kinds == set(DELEGATE_KINDS):
        rules = ["EL-43"]
        if not defaults.separate_official_alternate_ballots:
            return Decision(
                True,
                "combined_allowed",
                ("EL-43",),
                _applied(defaults, "separate_official_alternate_ballots"),
            )
    subjects = tuple(sorted(k.value for k in kinds))
    return Decision(False, "items_share_a_ballot", rule_ids(*rules), subjects=subjects)


def secretary_direct_election(defaults: Defaults = DEFAULTS) -> Decision:
    """OP-12: the congress electing the secretary directly is off by default; when on it is a
    single-seat item under the majority of ``D`` (EL-35).
    """
    used = _applied(defaults, "direct_secretary_election")
    if defaults.direct_secretary_election:
        return Decision(True, "direct_election_on", ("EL-35",), used)
    return Decision(False, "direct_election_off", ("EL-24", "EL-25"), used)


# ---------------------------------------------------------------------------------------------
# Names, lists and ballots (EL-26..EL-28)
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    id: str
    full_name: str
    date_of_birth: date | None = None


def name_key(full_name: str, date_of_birth: date | None = None) -> tuple[Any, ...]:
    """EL-27 key: given name, family name, middle names (Vietnamese letter and tone order), then
    earlier birth first (unknown birth last). Collation from :mod:`partyorg.domain.names`.
    """
    return (name_sort_key(full_name), date_of_birth or date.max)


def list_order(candidates: Iterable[Candidate]) -> tuple[Candidate, ...]:
    """Candidates in Vietnamese alphabetical order (EL-26, EL-27); the id breaks exact ties."""
    return tuple(sorted(candidates, key=lambda c: (*name_key(c.full_name, c.date_of_birth), c.id)))


def numbered_list(candidates: Iterable[Candidate]) -> tuple[tuple[int, str], ...]:
    """List lines: number and full name, in EL-27 order (EL-26)."""
    return tuple((i, c.full_name) for i, c in enumerate(list_order(candidates), start=1))


@dataclass(frozen=True)
class BallotLayout:
    title: str
    form: BallotForm
    columns: tuple[str, ...]
    rows: tuple[tuple[int, str], ...]
    instruction: str
    stamp: str
    rules: tuple[str, ...]


def ballot_layout(seats: int, candidates: Sequence[Candidate], *, body: str, term: str) -> BallotLayout:
    """Ballot paper: every name in EL-27 order; surplus ballots are struck through, ballots without
    surplus have Đồng ý / Không đồng ý columns (EL-22, EL-28).
    """
    _need(seats >= 1, "no_seats", "seats must be at least 1", "EL-28")
    rows = numbered_list(candidates)
    title = f"PHIẾU BẦU {body} {term}".strip()
    stamp = "convening committee stamp, upper left"
    if len(candidates) > seats:
        instruction = "Gạch ngang cả họ và tên người không bầu / Strike through the whole full name of each person not chosen"
        return BallotLayout(
            title,
            BallotForm.SURPLUS,
            ("STT", "Họ và tên"),
            rows,
            instruction,
            stamp,
            ("EL-26", "EL-27", "EL-28"),
        )
    instruction = "Đánh dấu X vào một ô ở mỗi dòng / Mark one box with an X on each row"
    columns = ("STT", "Họ và tên", "Đồng ý", "Không đồng ý")
    return BallotLayout(
        title, BallotForm.YES_NO, columns, rows, instruction, stamp, ("EL-22", "EL-26", "EL-27", "EL-28")
    )


@dataclass(frozen=True)
class SurplusBallot:
    """A ballot of a list with surplus: ``kept`` are the names not struck through."""

    kept: frozenset[str]
    issued_by_committee: bool = True
    written_in: bool = False
    identifying_mark: bool = False
    partly_struck: frozenset[str] = frozenset()
    ruling: PartialStrikeRuling | None = None


@dataclass(frozen=True)
class YesNoBallot:
    """A ballot of a list without surplus: one mark per row; missing rows count as NEITHER."""

    marks: Mapping[str, Mark]
    issued_by_committee: bool = True
    written_in: bool = False
    identifying_mark: bool = False


Ballot = SurplusBallot | YesNoBallot


@dataclass(frozen=True)
class BallotRuling:
    status: BallotStatus
    reason: str
    counted: frozenset[str]
    rules: tuple[str, ...]
    defaults: tuple[tuple[str, str], ...] = ()

    @property
    def valid(self) -> bool:
        return self.status is BallotStatus.VALID


def ballot_form(seats: int, candidates: int) -> BallotForm:
    """With surplus iff more names than seats (EL-22, EL-28)."""
    return BallotForm.SURPLUS if candidates > seats else BallotForm.YES_NO


def rule_on_ballot(
    ballot: Ballot,
    *,
    candidates: Collection[str],
    seats: int,
    defaults: Defaults = DEFAULTS,
) -> BallotRuling:
    """Validity of one ballot and the names it counts for (EL-29..EL-33).

    Invalid: not issued by the counting committee; a written-in name or identifying writing (OP-6);
    more names kept than seats; every name struck on a surplus list; a one-person ballot without
    surplus with both or neither box marked. A partly struck name without an explicit ruling leaves
    the ballot NEEDS_RULING. A name outside the list in the data is an :class:`ElectionError`
    (record written-in names with ``written_in``).
    """
    listed = set(candidates)
    form = ballot_form(seats, len(listed))
    names = set(ballot.marks) if isinstance(ballot, YesNoBallot) else set(ballot.kept | ballot.partly_struck)
    unknown = sorted(names - listed)
    _need(not unknown, "unknown_candidate", f"names outside the list: {', '.join(unknown)}", "EL-33")
    expected = SurplusBallot if form is BallotForm.SURPLUS else YesNoBallot
    _need(
        isinstance(ballot, expected), "ballot_form_mismatch", f"the list needs a {form.value} ballot", "EL-28"
    )

    if not ballot.issued_by_committee:
        return BallotRuling(BallotStatus.INVALID, "not_issued_by_committee", frozenset(), ("EL-30",))
    if ballot.written_in and defaults.write_in_invalidates:
        used = _applied(defaults, "write_in_invalidates")
        return BallotRuling(BallotStatus.INVALID, "written_in_name", frozenset(), ("EL-33",), used)
    if ballot.identifying_mark and defaults.identifying_mark_invalidates:
        used = _applied(defaults, "identifying_mark_invalidates")
        return BallotRuling(BallotStatus.INVALID, "identifying_mark", frozenset(), ("EL-33",), used)

    if isinstance(ballot, SurplusBallot):
        kept = set(ballot.kept)
        if ballot.partly_struck:
            _need(
                not (ballot.kept & ballot.partly_struck), "kept_and_partly_struck", "a name is both", "EL-33"
            )
            if ballot.ruling is None:
                return BallotRuling(BallotStatus.NEEDS_RULING, "partial_strike", frozenset(), ("EL-33",))
            if ballot.ruling is PartialStrikeRuling.INVALID:
                return BallotRuling(
                    BallotStatus.INVALID, "partial_strike_ruled_invalid", frozenset(), ("EL-33",)
                )
            if ballot.ruling is PartialStrikeRuling.KEPT:
                kept |= ballot.partly_struck
        if len(kept) > seats:
            return BallotRuling(BallotStatus.INVALID, "more_kept_than_seats", frozenset(), ("EL-30",))
        if not kept:
            return BallotRuling(BallotStatus.INVALID, "all_struck", frozenset(), ("EL-30",))
        return BallotRuling(BallotStatus.VALID, "valid", frozenset(kept), ("EL-29",))

    agreed = frozenset(c for c, m in ballot.marks.items() if m is Mark.AGREE)
    if len(listed) == 1:
        (only,) = listed
        mark = ballot.marks.get(only, Mark.NEITHER)
        if mark in (Mark.BOTH, Mark.NEITHER):
            return BallotRuling(BallotStatus.INVALID, "one_person_box_count", frozenset(), ("EL-31",))
        return BallotRuling(BallotStatus.VALID, "valid", agreed, ("EL-31",))
    rules = ("EL-32", "EL-33") if not agreed else ("EL-32",)
    return BallotRuling(BallotStatus.VALID, "valid", agreed, rules)


@dataclass(frozen=True)
class Count:
    """Counting minutes of one round (EL-44)."""

    issued: int
    collected: int
    valid: int
    invalid: int
    votes: Mapping[str, int]
    rulings: tuple[BallotRuling, ...]
    rules: tuple[str, ...]
    defaults: tuple[tuple[str, str], ...]


def _check_candidates(candidates: Sequence[str]) -> None:
    _need(len(candidates) >= 1, "empty_list", "the list has no candidates", "EL-11")
    counts = Counter(candidates)
    duplicates = sorted(c for c, n in counts.items() if n > 1)
    _need(not duplicates, "duplicate_candidate", f"duplicate candidates: {', '.join(duplicates)}", "EL-26")


def count_ballots(
    *,
    candidates: Sequence[str],
    seats: int,
    issued: int,
    ballots: Sequence[Ballot],
    defaults: Defaults = DEFAULTS,
) -> Count:
    """Rule on every collected ballot and count votes on valid ones (EL-29..EL-34, EL-44, EL-45).

    ``collected = len(ballots)`` must not exceed ``issued``; a ballot still needing a ruling on a
    partly struck name stops the count (EL-33).
    """
    _need(seats >= 1, "no_seats", "seats must be at least 1", "EL-10")
    _non_negative(issued, "issued", "EL-45")
    _check_candidates(candidates)
    _need(len(ballots) <= issued, "collected_exceeds_issued", "more ballots collected than issued", "EL-45")
    rulings = tuple(rule_on_ballot(b, candidates=candidates, seats=seats, defaults=defaults) for b in ballots)
    pending = sum(1 for r in rulings if r.status is BallotStatus.NEEDS_RULING)
    _need(pending == 0, "ruling_needed", f"{pending} ballot(s) need a counting-committee ruling", "EL-33")
    votes = dict.fromkeys(candidates, 0)
    for ruling in rulings:
        for name in ruling.counted:
            votes[name] += 1
    valid = sum(1 for r in rulings if r.valid)
    rules = {"EL-34", "EL-44", "EL-45"}
    used: dict[str, str] = {}
    for ruling in rulings:
        rules.update(ruling.rules)
        used.update(ruling.defaults)
    return Count(
        issued,
        len(ballots),
        valid,
        len(ballots) - valid,
        votes,
        rulings,
        rule_ids(*rules),
        tuple(used.items()),
    )


def check_minutes(
    *,
    seats: int,
    issued: int,
    collected: int,
    valid: int,
    invalid: int,
    votes: Mapping[str, int],
) -> Decision:
    """Consistency of the counting minutes (EL-44, EL-45); ``collected == 0`` cannot be finalised."""
    rules = ("EL-44", "EL-45")
    for name, value in (("issued", issued), ("collected", collected), ("valid", valid), ("invalid", invalid)):
        if value < 0:
            return Decision(False, f"negative_{name}", rules)
    if collected > issued:
        return Decision(False, "collected_exceeds_issued", rules)
    if valid + invalid != collected:
        return Decision(False, "valid_plus_invalid_not_collected", rules)
    bad = tuple(c for c, v in votes.items() if not 0 <= v <= valid)
    if bad:
        return Decision(False, "votes_out_of_range", rules, subjects=bad)
    if sum(votes.values()) > seats * valid:
        return Decision(False, "votes_exceed_seats_times_valid", rules)
    if collected == 0:
        return Decision(False, "nothing_collected", rules)
    return Decision(True, "consistent", rules)


# ---------------------------------------------------------------------------------------------
# Results and rounds (EL-34..EL-46)
# ---------------------------------------------------------------------------------------------


def percent_of(votes: int, base: int) -> Decimal:
    """``round_half_up(100*votes/base, 2)`` computed exactly; ``0.00`` when the base is 0 (EL-46)."""
    _non_negative(votes, "votes", "EL-46")
    _non_negative(base, "base", "EL-46")
    if base == 0:
        return Decimal("0.00")
    hundredths = (20000 * votes + base) // (2 * base)
    return Decimal(hundredths).scaleb(-2)


@dataclass(frozen=True)
class CandidateResult:
    candidate: str
    votes: int
    percent: Decimal
    qualifies: bool
    elected: bool
    tied: bool


@dataclass(frozen=True)
class RoundResult:
    seats: int
    roll: int
    votes_needed: int
    valid: int
    collected: int
    rows: tuple[CandidateResult, ...]  # in the order the candidates were given
    elected: tuple[str, ...]  # by votes descending, ties in the given order
    tie_revote: tuple[str, ...]
    seats_unfilled: int
    next_step: NextStep
    rules: tuple[str, ...]
    defaults: tuple[tuple[str, str], ...]


def decide_round(
    *,
    candidates: Sequence[str],
    votes: Mapping[str, int],
    seats: int,
    roll: int,
    valid: int,
    collected: int,
    kind: ItemKind = ItemKind.PARTY_COMMITTEE,
    defaults: Defaults = DEFAULTS,
) -> RoundResult:
    """Winners of one round.

    Only valid ballots count (EL-34); a candidate qualifies iff ``2*votes > D`` (EL-35); more than
    ``S`` qualifying → the top ``S`` by votes (EL-39); a tie at the cut-off → those above it win and
    the tied are re-voted for the remaining seats (EL-40, OP-1), never decided by age; fewer winners
    than seats → a further round (EL-41 delegates, EL-42 others). Nothing collected → no winners,
    the vote is re-run (EL-45). Candidates missing from ``votes`` have 0 votes.
    """
    _need(seats >= 1, "no_seats", "seats must be at least 1", "EL-10")
    _non_negative(roll, "roll", "EL-35")
    _check_candidates(candidates)
    unknown = sorted(set(votes) - set(candidates))
    _need(
        not unknown, "unknown_candidate", f"votes for names outside the list: {', '.join(unknown)}", "EL-44"
    )
    _need(0 <= valid <= collected, "valid_out_of_range", "valid must be between 0 and collected", "EL-45")
    tally = {c: votes.get(c, 0) for c in candidates}
    _need(
        all(0 <= v <= valid for v in tally.values()), "votes_out_of_range", "votes outside 0..valid", "EL-45"
    )
    _need(sum(tally.values()) <= seats * valid, "votes_exceed", "sum of votes exceeds seats x valid", "EL-45")

    base = valid if defaults.percent_base is PercentBase.VALID else collected
    rules = {"EL-34", "EL-35", "EL-45", "EL-46"}
    used = dict(_applied(defaults, "percent_base"))
    elected: tuple[str, ...] = ()
    tied: tuple[str, ...] = ()
    if collected == 0:
        step = NextStep.RERUN_VOTE
    else:
        qualifying = sorted((c for c in candidates if qualifies(tally[c], roll)), key=lambda c: -tally[c])
        if len(qualifying) <= seats:
            elected = tuple(qualifying)
        else:
            rules.add("EL-39")
            cut = tally[qualifying[seats - 1]]
            if tally[qualifying[seats]] == cut:
                rules.add("EL-40")
                used.update(_applied(defaults, "tie_at_cutoff"))
                elected = tuple(c for c in qualifying if tally[c] > cut)
                tied = tuple(c for c in qualifying if tally[c] == cut)
            else:
                elected = tuple(qualifying[:seats])
        if tied and defaults.tie_at_cutoff is TieRule.REVOTE_AMONG_TIED:
            step = NextStep.TIE_REVOTE
        elif len(elected) < seats:
            step = NextStep.FURTHER_ROUND
            rules.add("EL-41" if kind in DELEGATE_KINDS else "EL-42")
        else:
            step = NextStep.DONE
    rows = tuple(
        CandidateResult(
            c,
            tally[c],
            percent_of(tally[c], base),
            qualifies(tally[c], roll),
            c in elected,
            c in tied,
        )
        for c in candidates
    )
    return RoundResult(
        seats=seats,
        roll=roll,
        votes_needed=votes_needed(roll),
        valid=valid,
        collected=collected,
        rows=rows,
        elected=elected,
        tie_revote=tied,
        seats_unfilled=seats - len(elected),
        next_step=step,
        rules=rule_ids(*rules),
        defaults=tuple(used.items()),
    )


@dataclass(frozen=True)
class RoundPlan:
    """What the next round of an item would be (rounds as data)."""

    number: int
    kind: RoundKind
    candidates: tuple[str, ...]
    seats: int
    congress_decides: bool  # whether to hold it (or close with seats vacant)
    may_add_names: bool
    rules: tuple[str, ...]
    defaults: tuple[tuple[str, str], ...]


def plan_next_round(
    result: RoundResult,
    *,
    number: int,
    kind: ItemKind = ItemKind.PARTY_COMMITTEE,
    defaults: Defaults = DEFAULTS,
) -> RoundPlan | None:
    """The round that follows ``result`` (round ``number``), or None when every seat is filled.

    * tie at the cut-off: re-vote among the tied for the remaining seats (EL-40);
    * too few winners: further round for the remaining seats; the list is the unelected candidates
      of the previous round (EL-42); for delegates the congress may add names (EL-41); the congress
      decides whether to hold it or leave the seats vacant (EL-41, EL-42);
    * nothing collected: the same vote is re-run (EL-45).
    """
    _need(number >= 1, "bad_round_number", "round numbers start at 1", "EL-42")
    nxt = number + 1
    all_names = tuple(r.candidate for r in result.rows)
    if result.next_step is NextStep.DONE:
        return None
    if result.next_step is NextStep.RERUN_VOTE:
        return RoundPlan(nxt, RoundKind.RERUN, all_names, result.seats, False, False, ("EL-45",), ())
    if result.next_step is NextStep.TIE_REVOTE:
        used = _applied(defaults, "tie_at_cutoff")
        return RoundPlan(
            nxt,
            RoundKind.TIE_REVOTE,
            result.tie_revote,
            result.seats_unfilled,
            False,
            False,
            ("EL-40",),
            used,
        )
    unelected = tuple(n for n in all_names if n not in result.elected)
    delegates = kind in DELEGATE_KINDS
    rules = ("EL-41", "EL-42") if delegates else ("EL-42",)
    used = _applied(defaults, "later_round_caps_warning_only")
    return RoundPlan(nxt, RoundKind.FURTHER, unelected, result.seats_unfilled, True, delegates, rules, used)


@dataclass(frozen=True)
class Round:
    """One VOTING→ANNOUNCED pass of an item, with its own minutes."""

    number: int
    kind: RoundKind
    result: RoundResult


def item_outcome(seats: int, rounds: Sequence[Round]) -> tuple[tuple[str, ...], int]:
    """Everyone elected over the rounds of an item, in round order, and the seats still unfilled."""
    elected: list[str] = []
    for r in sorted(rounds, key=lambda r: r.number):
        elected.extend(c for c in r.result.elected if c not in elected)
    _need(len(elected) <= seats, "too_many_elected", "rounds elected more people than seats", "EL-39")
    return tuple(elected), seats - len(elected)


def rank_alternates(
    results: Sequence[tuple[Candidate, int]], defaults: Defaults = DEFAULTS
) -> tuple[Candidate, ...]:
    """Elected alternate delegates ranked by votes descending, ties in EL-27 order (EL-43, OP-5)."""
    if defaults.alternates_ties_by_name:
        return tuple(
            c
            for c, _ in sorted(
                results, key=lambda cv: (-cv[1], *name_key(cv[0].full_name, cv[0].date_of_birth))
            )
        )
    return tuple(c for c, _ in sorted(results, key=lambda cv: -cv[1]))


# ---------------------------------------------------------------------------------------------
# Approval, complaints, archive (EL-47..EL-50)
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Approval:
    state: ApprovalState
    approved: tuple[str, ...]
    vacant_seats: int
    rules: tuple[str, ...]


def approval_outcome(
    elected: Sequence[str], refused: Iterable[str] = (), *, annulled: bool = False
) -> Approval:
    """The higher committee's chuẩn y: results take effect only once approved (EL-4, EL-47); a
    refused person leaves the seat vacant; annulment drops everyone (EL-48).
    """
    refused_set = set(refused)
    strangers = sorted(refused_set - set(elected))
    _need(not strangers, "not_elected", f"refused but not elected: {', '.join(strangers)}", "EL-47")
    if annulled:
        return Approval(ApprovalState.ANNULLED, (), len(elected), ("EL-47", "EL-48"))
    approved = tuple(c for c in elected if c not in refused_set)
    state = ApprovalState.PARTLY_APPROVED if refused_set else ApprovalState.APPROVED
    return Approval(state, approved, len(elected) - len(approved), ("EL-4", "EL-47"))


def _working_day(day: date, defaults: Defaults) -> bool:
    return day.weekday() < 5 and day not in defaults.holidays


def complaint_deadline(closed_on: date, defaults: Defaults = DEFAULTS) -> date:
    """Last day for complaints: the 15th working day counted from the day after closing (EL-48, EL-50)."""
    day = closed_on
    left = defaults.complaint_working_days
    while left > 0:
        day += timedelta(days=1)
        if _working_day(day, defaults):
            left -= 1
    return day


def complaint_in_time(closed_on: date, received_on: date, defaults: Defaults = DEFAULTS) -> Decision:
    """A complaint received on or before the deadline is within time (EL-48, EL-50)."""
    used = _applied(defaults, "complaint_working_days", "holidays")
    ok = received_on <= complaint_deadline(closed_on, defaults)
    return Decision(ok, "in_time" if ok else "late", ("EL-48", "EL-50"), used)


def _add_months(day: date, months: int) -> date:
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    for candidate_day in (day.day, 30, 29, 28):
        try:
            return date(year, month, candidate_day)
        except ValueError:
            continue
    raise AssertionError("unreachable")  # pragma: no cover


def destruction_allowed_from(sealed_on: date, defaults: Defaults = DEFAULTS) -> date:
    """First day sealed ballots may be destroyed: the day after six months from sealing (EL-49)."""
    return _add_months(sealed_on, defaults.ballot_keep_months) + timedelta(days=1)


def check_destruction(
    sealed_on: date,
    on: date,
    *,
    complaint_pending: bool,
    defaults: Defaults = DEFAULTS,
) -> Decision:
    """The same-level committee may decide destruction after six months without complaint (EL-49)."""
    used = _applied(defaults, "ballot_keep_months")
    if complaint_pending:
        return Decision(False, "complaint_pending", ("EL-49",), used)
    if on < destruction_allowed_from(sealed_on, defaults):
        return Decision(False, "keep_period_running", ("EL-49",), used)
    return Decision(True, "destruction_allowed", ("EL-49",), used)


# ---------------------------------------------------------------------------------------------
# Lifecycle (§4, EL-11)
# ---------------------------------------------------------------------------------------------

S_ = ItemState
TRANSITIONS: dict[tuple[ItemState, ItemState], tuple[str, ...]] = {
    (S_.DRAFT, S_.SEATS_FIXED): ("EL-10",),
    (S_.SEATS_FIXED, S_.NOMINATING): ("EL-11",),
    (S_.NOMINATING, S_.LIST_PROPOSED): ("EL-12", "EL-13"),
    (S_.LIST_PROPOSED, S_.POLLING): ("EL-14", "EL-18", "EL-19"),
    (S_.POLLING, S_.LIST_PROPOSED): ("EL-14", "EL-18", "EL-19"),
    (S_.LIST_PROPOSED, S_.LIST_APPROVED): (
        "EL-8",
        "EL-15",
        "EL-16",
        "EL-17",
        "EL-18",
        "EL-19",
        "EL-20",
        "EL-21",
        "EL-22",
        "EL-23",
    ),
    (S_.LIST_APPROVED, S_.VOTING): ("EL-26", "EL-27", "EL-28"),
    (S_.VOTING, S_.COUNTED): ("EL-45",),
    (S_.COUNTED, S_.ANNOUNCED): ("EL-9",),
    (S_.ANNOUNCED, S_.TIE_REVOTE): ("EL-40",),
    (S_.TIE_REVOTE, S_.VOTING): ("EL-40",),
    (S_.ANNOUNCED, S_.NEXT_ROUND_PENDING): ("EL-41", "EL-42"),
    (S_.NEXT_ROUND_PENDING, S_.LIST_APPROVED): ("EL-41", "EL-42"),
    (S_.NEXT_ROUND_PENDING, S_.CLOSED_UNFILLED): ("EL-42",),
    (S_.ANNOUNCED, S_.SUBMITTED): ("EL-47",),
    (S_.CLOSED_UNFILLED, S_.SUBMITTED): ("EL-47",),
    (S_.SUBMITTED, S_.APPROVED): ("EL-47",),
    (S_.SUBMITTED, S_.PARTLY_APPROVED): ("EL-47",),
    (S_.SUBMITTED, S_.ANNULLED): ("EL-47", "EL-48"),
}
del S_


def check_transition(current: ItemState, target: ItemState) -> Decision:
    """Whether an item may move from ``current`` to ``target``; ``rules`` are the guards to check
    (spec §4, EL-11). An annulled item is re-elected as a new item in DRAFT.
    """
    guards = TRANSITIONS.get((current, target))
    if guards is None:
        return Decision(False, "transition_not_allowed", ("EL-11",), subjects=(current.value, target.value))
    return Decision(True, "transition_allowed", guards)


def state_after(result: RoundResult) -> ItemState:
    """Where an item goes once a round's result is known."""
    return {
        NextStep.DONE: ItemState.ANNOUNCED,
        NextStep.TIE_REVOTE: ItemState.TIE_REVOTE,
        NextStep.FURTHER_ROUND: ItemState.NEXT_ROUND_PENDING,
        NextStep.RERUN_VOTE: ItemState.VOTING,
    }[result.next_step]
