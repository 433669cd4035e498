"""Reads of the elections area, always through the actor's scope, and the derived views of a congress
(adjusted roll, the election list with its checks, the results of each round).

The checks of a list are computed here, from the domain decisions, so that the item page shows the
same messages the services raise when they refuse a transition.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet

from partyorg.core.errors import Forbidden, NotFoundOrForbidden
from partyorg.core.i18n import pick
from partyorg.core.scopes import scope_for
from partyorg.domain import elections as el
from partyorg.organizations.models import Organization

from .models import (
    ABSENCE_DEDUCTIONS,
    DEDUCTION_LABELS,
    ITEM_KIND_LABELS,
    BodyKind,
    Candidate,
    Congress,
    CongressBody,
    CongressState,
    ElectionItem,
    RollEntry,
    Round,
    RoundState,
    Standing,
)

# Items whose winners have been announced: they count as "elected before" for EL-24, EL-25, EL-43.
DONE_STATES = {el.ItemState.ANNOUNCED, el.ItemState.SUBMITTED, el.ItemState.APPROVED,
               el.ItemState.PARTLY_APPROVED, el.ItemState.CLOSED_UNFILLED}
TERMINAL_STATES = {el.ItemState.APPROVED, el.ItemState.PARTLY_APPROVED, el.ItemState.ANNULLED}


# ---------------------------------------------------------------------------------------------
# Scoped fetches


def congress_qs(*, actor: Any, write: bool = False) -> QuerySet[Congress]:
    return Congress.objects.filter(scope_for(actor).q("org_path", write=write))


def _check(actor: Any, path: str, write: bool) -> None:
    scope = scope_for(actor)
    if not scope.covers_path(path):
        raise NotFoundOrForbidden()
    if write and not scope.covers_path(path, write=True):
        raise Forbidden()


def congress_get(*, actor: Any, congress_id: int, write: bool = False) -> Congress:
    c = Congress.objects.select_related("organization", "organization__parent").filter(pk=congress_id).first()
    if c is None:
        raise NotFoundOrForbidden()
    _check(actor, c.org_path, write)
    return c


def item_get(*, actor: Any, item_id: int, write: bool = False) -> ElectionItem:
    item = ElectionItem.objects.select_related("congress", "congress__organization").filter(pk=item_id).first()
    if item is None:
        raise NotFoundOrForbidden()
    _check(actor, item.congress.org_path, write)
    return item


def round_get(*, actor: Any, round_id: int, write: bool = False) -> Round:
    rnd = Round.objects.select_related("item", "item__congress", "item__congress__organization", "box").filter(
        pk=round_id).first()
    if rnd is None:
        raise NotFoundOrForbidden()
    _check(actor, rnd.item.congress.org_path, write)
    return rnd


def congress_list(*, actor: Any, include_closed: bool = True) -> QuerySet[Congress]:
    qs = congress_qs(actor=actor).select_related("organization")
    if not include_closed:
        qs = qs.exclude(state=CongressState.CLOSED)
    return qs


def organizations_for_congress(*, actor: Any, limit: int = 2000) -> list[Organization]:
    """Active organizations the actor may convene a congress for (write scope), tree order."""
    return list(Organization.objects.filter(scope_for(actor).q("path", write=True), dissolved_on__isnull=True)
                .order_by("path")[:limit])


def writable_organizations(*, actor: Any) -> list[Organization]:
    scope = scope_for(actor)
    return list(Organization.objects.filter(path__in=scope.write_paths).order_by("sort_key"))


# ---------------------------------------------------------------------------------------------
# Roll (EL-35..EL-38, OP-11)


@dataclass
class RollSummary:
    convened: int
    present: int
    voters: int
    voters_present: int
    roll: el.Roll | None
    error: str = ""
    components: list[tuple[str, str, int]] = field(default_factory=list)  # (code, label, count)
    attendance: el.Decision | None = None

    @property
    def votes_needed(self) -> int | None:
        return el.votes_needed(self.roll.roll) if self.roll is not None else None


def roll_entries(congress: Congress) -> list[RollEntry]:
    return list(RollEntry.objects.filter(congress=congress).select_related("member", "replaces__member")
                .order_by("standing", "member__sort_key", "member_id"))


def congress_roll(congress: Congress, entries: Iterable[RollEntry] | None = None) -> el.Roll:
    """``D`` of the congress from its roll (EL-36 members, EL-37 delegates, EL-38 conferences):
    official members or delegates convened, minus the deductions recorded on their rows."""
    rows = list(entries) if entries is not None else list(RollEntry.objects.filter(congress=congress))
    officials = [e for e in rows if e.standing == Standing.OFFICIAL]
    deductions: dict[el.Deduction, int] = {}
    for e in officials:
        if e.deduction:
            d = el.Deduction(e.deduction)
            deductions[d] = deductions.get(d, 0) + 1
    return el.adjusted_roll(congress.kind_enum, len(officials), deductions)


def roll_summary(congress: Congress, entries: list[RollEntry] | None = None) -> RollSummary:
    rows = entries if entries is not None else roll_entries(congress)
    officials = [e for e in rows if e.standing == Standing.OFFICIAL]
    voters = [e for e in rows if e.votes_here]
    summary = RollSummary(convened=len(officials), present=sum(1 for e in rows if e.present),
                          voters=len(voters), voters_present=sum(1 for e in voters if e.present), roll=None)
    try:
        summary.roll = congress_roll(congress, rows)
    except el.ElectionError as exc:
        summary.error = str(exc)
        return summary
    summary.components = [(d.value, str(DEDUCTION_LABELS[d]), n) for d, n in summary.roll.deductions]
    summary.attendance = el.attendance_warning(summary.voters_present, summary.roll.roll)
    return summary


def voters(congress: Congress) -> tuple[list[int], list[int]]:
    """Member ids entitled to a ballot, and those of them present."""
    rows = [e for e in RollEntry.objects.filter(congress=congress) if e.votes_here]
    return [e.member_id for e in rows], [e.member_id for e in rows if e.present]


def body_members(congress: Congress, kind: str) -> list[Any]:
    body = CongressBody.objects.filter(congress=congress, kind=kind).first()
    return list(body.members.all()) if body else []


def bodies(congress: Congress) -> list[CongressBody]:
    order = {k: i for i, k in enumerate(BodyKind.values)}
    rows = list(CongressBody.objects.filter(congress=congress).select_related("head").prefetch_related("members"))
    return sorted(rows, key=lambda b: order[b.kind])


# ---------------------------------------------------------------------------------------------
# Candidates and the election list (EL-8, EL-12..EL-27)


def domain_candidate(c: Candidate) -> el.Candidate:
    return el.Candidate(str(c.pk), c.member.full_name, c.member.date_of_birth)


def ordered(candidates: Iterable[Candidate]) -> list[Candidate]:
    """Candidates in Vietnamese alphabetical order (EL-26, EL-27)."""
    by_id = {str(c.pk): c for c in candidates}
    return [by_id[d.id] for d in el.list_order(domain_candidate(c) for c in by_id.values())]


def candidates_of(item: ElectionItem) -> list[Candidate]:
    return ordered(Candidate.objects.filter(item=item).select_related("member"))


def election_list(item: ElectionItem) -> list[Candidate]:
    """The names on the list: admitted and not withdrawn, in EL-27 order."""
    return [c for c in candidates_of(item) if c.on_list]


def elected_before(congress: Congress) -> set[el.ItemKind]:
    kinds = set()
    for item in ElectionItem.objects.filter(congress=congress):
        if item.state_enum in DONE_STATES and winners(item):
            kinds.add(item.kind_enum)
    return kinds


def winners(item: ElectionItem) -> list[Candidate]:
    """Everyone elected over the announced rounds of an item, in round then vote order (item_outcome)."""
    ids: list[str] = []
    for rnd in Round.objects.filter(item=item, state=RoundState.ANNOUNCED).order_by("number"):
        ids.extend(i for i in rnd.elected if i not in ids)
    by_id = {str(c.pk): c for c in Candidate.objects.filter(item=item).select_related("member")}
    return [by_id[i] for i in ids if i in by_id]


def leader_pool(congress: Congress, kind: el.ItemKind) -> list[int] | None:
    """Member ids a secretary or deputy must come from (EL-24, EL-25), or None where no pool applies.

    Cell congress: the elected cell committee. First committee conference: the elected standing
    committee, or the committee itself (the conference's roll) where there is no standing committee.
    """
    if kind not in (el.ItemKind.SECRETARY, el.ItemKind.DEPUTY_SECRETARY):
        return None
    venue = congress.venue_enum
    if venue is el.Venue.CELL_CONGRESS:
        body_kind = el.ItemKind.CELL_COMMITTEE
    elif venue is el.Venue.EXECUTIVE_COMMITTEE_CONFERENCE:
        if not congress.has_standing_committee:
            return list(RollEntry.objects.filter(congress=congress, standing=Standing.OFFICIAL)
                        .values_list("member_id", flat=True))
        body_kind = el.ItemKind.STANDING_COMMITTEE
    else:
        return None
    pool: list[int] = []
    for item in ElectionItem.objects.filter(congress=congress, kind=body_kind.value):
        if item.state_enum in DONE_STATES:
            pool.extend(c.member_id for c in winners(item))
    return pool


@dataclass(frozen=True)
class Check:
    """One check of a list, with its message in both languages (from a domain decision)."""

    ok: bool
    blocking: bool
    code: str
    rules: tuple[str, ...]
    message_vi: str
    message_en: str
    field: str = "candidates"

    @property
    def message(self) -> str:
        """The message in the current language."""
        return pick(self.message_vi, self.message_en)

    @property
    def warning(self) -> bool:
        return not self.ok and not self.blocking

    @property
    def error(self) -> bool:
        return not self.ok and self.blocking


def _names(candidates: Iterable[Candidate], ids: Iterable[str]) -> str:
    by_id = {str(c.pk): c.member.full_name for c in candidates}
    return ", ".join(by_id.get(i, i) for i in ids)


def surplus_messages(decision: el.Decision, seats: int, count: int) -> tuple[str, str]:
    surplus = count - seats
    texts = {
        "within_30_percent": (f"Số dư {surplus} người trên {seats} chỉ tiêu, không quá 30% "
                              f"(10×{surplus} ≤ 3×{seats}).",
                              f"Surplus of {surplus} for {seats} seats, within 30%."),
        "over_30_percent": (f"Số dư vượt quá 30%: {count} người cho {seats} chỉ tiêu "
                            f"(10×{surplus} > 3×{seats}); tối đa {seats + (3 * seats) // 10} người.",
                            f"Surplus over 30%: {count} names for {seats} seats; at most "
                            f"{seats + (3 * seats) // 10}."),
        "surplus_required": (f"Bầu cấp ủy, ban thường vụ phải có số dư: cần nhiều hơn {seats} người "
                             f"(hiện có {count}).",
                             f"A committee list needs a surplus: more than {seats} names (now {count})."),
        "one_extra": (f"Cơ cấu {seats} ủy viên: danh sách có đúng {seats + 1} người (dư 1).",
                      f"{seats} seats: exactly {seats + 1} names (one extra)."),
        "not_one_extra": (f"Cơ cấu {seats} ủy viên: danh sách phải có đúng {seats + 1} người (dư 1), "
                          f"hiện có {count}.",
                          f"{seats} seats: the list must have exactly {seats + 1} names, not {count}."),
        "no_surplus": (f"Bầu không có số dư: {count} người cho {seats} chỉ tiêu (phiếu Đồng ý / Không đồng ý).",
                       f"No surplus: {count} names for {seats} seats (agree/disagree ballot)."),
        "fewer_than_seats": (f"Danh sách ({count} người) ít hơn số lượng cần bầu ({seats}).",
                             f"The list ({count}) is shorter than the seats ({seats})."),
        "tie_revote_list": ("Danh sách bầu lại gồm những người bằng phiếu.", "Re-vote among the tied."),
    }
    return texts.get(decision.code, (decision.code, decision.code))


def list_checks(item: ElectionItem, candidates: list[Candidate] | None = None, *,
                round_kind: el.RoundKind = el.RoundKind.NORMAL, seats: int | None = None) -> list[Check]:
    """Every check of the list of an item before it is approved or voted on."""
    congress = item.congress
    everyone = candidates if candidates is not None else candidates_of(item)
    names = [c for c in everyone if c.on_list]
    kind = item.kind_enum
    seats = seats if seats is not None else item.seats
    checks: list[Check] = []
    if not names:
        return [Check(False, True, "empty_list", ("EL-11",), "Danh sách bầu cử chưa có ai.",
                      "The election list is empty.")]
    if seats:
        surplus = el.surplus_check(seats, len(names), kind, round_kind=round_kind)
        vi, en = surplus_messages(surplus, seats, len(names))
        checks.append(Check(surplus.ok, surplus.blocking, surplus.code, surplus.rules, vi, en))
        if round_kind is el.RoundKind.NORMAL:
            action, keep, rules = el.combined_list_action(seats, len(names), kind)
            if action is el.ListAction.TRIM_BY_POLL:
                checks.append(Check(False, False, "trim_by_poll", rules,
                                    f"Danh sách vượt số dư tối đa: đại hội lấy phiếu thăm dò để giữ lại {keep} người.",
                                    f"The combined list is over the cap: poll to keep {keep} names."))
            convening = sum(1 for c in names if c.source == el.NominationSource.CONVENING.value)
            if kind in el.COMMITTEE_KINDS and convening:
                band = el.proposal_surplus_check(seats, convening)
                lo, hi = el.proposal_band(seats)
                if not band.ok:
                    checks.append(Check(False, False, band.code, band.rules,
                                        f"Danh sách cấp ủy triệu tập giới thiệu có {convening} người: số dư nên từ "
                                        f"{lo} đến {hi} người (10–15%).",
                                        f"The convening committee proposes {convening} names: its surplus should "
                                        f"be {lo} to {hi} (10-15%)."))
    counting = [str(m.pk) for m in body_members(congress, BodyKind.COUNTING)]
    member_ids = {str(c.member_id): c for c in names}
    guard = el.check_counting_committee(counting, member_ids)
    if not guard.ok:
        who = ", ".join(member_ids[m].member.full_name for m in guard.subjects)
        checks.append(Check(False, True, guard.code, guard.rules,
                            f"Thành viên Ban Kiểm phiếu không được có tên trong danh sách bầu cử: {who}.",
                            f"Counting committee members cannot be on the list: {who}."))
    pool = leader_pool(congress, kind)
    if pool is not None:
        leader = el.check_leader_candidates(congress.venue_enum, kind, [str(c.member_id) for c in names],
                                            [str(m) for m in pool],
                                            has_standing_committee=congress.has_standing_committee)
        if not leader.ok:
            who = ", ".join(member_ids[m].member.full_name for m in leader.subjects)
            body = "chi ủy" if congress.venue_enum is el.Venue.CELL_CONGRESS else (
                "Ban Thường vụ" if congress.has_standing_committee else "Ban Chấp hành")
            checks.append(Check(False, True, leader.code, leader.rules,
                                f"Người ứng cử {ITEM_KIND_LABELS[kind]} phải là ủy viên {body} vừa trúng cử: {who}.",
                                f"Candidates for {kind.value} must come from the elected body: {who}."))
    return checks


def order_check(item: ElectionItem) -> Check | None:
    """EL-24 (cell), EL-25 (first conference), EL-43 (officials before alternates): checked when the vote
    opens (the lists may be prepared and approved before)."""
    congress = item.congress
    decision = el.check_election_order(congress.venue_enum, elected_before(congress), item.kind_enum,
                                       has_standing_committee=congress.has_standing_committee)
    if decision.ok:
        return None
    missing = ", ".join(str(ITEM_KIND_LABELS[el.ItemKind(k)]) for k in decision.subjects)
    return Check(False, True, decision.code, decision.rules,
                 f"Phải bầu xong {missing} trước khi bầu {ITEM_KIND_LABELS[item.kind_enum]}.",
                 f"Elect {', '.join(decision.subjects)} before {item.kind}.", field="kind")


# ---------------------------------------------------------------------------------------------
# Rounds and results


def round_result(rnd: Round) -> el.RoundResult | None:
    """The domain decision of a counted round, recomputed from what the round stored (deterministic)."""
    if rnd.valid is None or rnd.roll is None:
        return None
    ids = [str(i) for i in rnd.candidate_ids]
    return el.decide_round(candidates=ids, votes={k: int(v) for k, v in rnd.votes.items()}, seats=rnd.seats,
                           roll=rnd.roll, valid=rnd.valid, collected=rnd.collected or 0,
                           kind=rnd.item.kind_enum)


@dataclass
class ResultRow:
    rank: int
    candidate: Candidate
    votes: int
    percent: str
    qualifies: bool
    elected: bool
    tied: bool


def result_rows(rnd: Round) -> list[ResultRow]:
    """Rows of a counted round by votes descending, equal votes in EL-27 order (spec §7)."""
    if not rnd.rows:
        return []
    cands = {str(c.pk): c for c in Candidate.objects.filter(pk__in=rnd.candidate_ids).select_related("member")}
    position = {str(i): n for n, i in enumerate(rnd.candidate_ids)}
    rows = sorted(rnd.rows, key=lambda r: (-r["votes"], position[r["candidate"]]))
    return [ResultRow(i, cands[r["candidate"]], r["votes"], r["percent"], r["qualifies"], r["elected"], r["tied"])
            for i, r in enumerate(rows, start=1)]


def ballot_rows(rnd: Round) -> list[Candidate]:
    cands = {c.pk: c for c in Candidate.objects.filter(pk__in=rnd.candidate_ids).select_related("member")}
    return [cands[i] for i in rnd.candidate_ids]


def rounds_of(item: ElectionItem) -> list[Round]:
    return list(Round.objects.filter(item=item).select_related("box").order_by("number"))


def next_round_plan(item: ElectionItem) -> el.RoundPlan | None:
    last = Round.objects.filter(item=item, state=RoundState.ANNOUNCED).order_by("-number").first()
    if last is None:
        return None
    result = round_result(last)
    if result is None:
        return None
    return el.plan_next_round(result, number=last.number, kind=item.kind_enum)


def absence_deduction(code: str) -> bool:
    return code in ABSENCE_DEDUCTIONS


# ---------------------------------------------------------------------------------------------
# Home panel


@dataclass
class PanelData:
    congresses: list[Congress]
    ballots: list[tuple[Round, Any]]


def panel_data(*, actor: Any) -> PanelData:
    """Open congresses in the actor's scope; open electronic ballots the actor may cast."""
    from partyorg.ballots.models import BoxState, Participation

    congresses = list(congress_list(actor=actor, include_closed=False)[:6]) if scope_for(actor).read_paths else []
    mine: list[tuple[Round, Any]] = []
    member_id = getattr(actor, "member_id", None)
    if member_id:
        box_ids = set(Participation.objects.filter(member_id=member_id, voted=False, ballot_issued=False,
                                                   present=True, box__kind="election",
                                                   box__state=BoxState.OPEN, box__electronic=True)
                      .values_list("box_id", flat=True))
        for rnd in Round.objects.filter(box_id__in=box_ids).select_related("item", "box"):
            mine.append((rnd, rnd.box))
    return PanelData(congresses, mine)


def member_by_identifier(*, actor: Any, identifier: str) -> int | None:
    """A member in the actor's scope by party card number or citizen ID."""
    from django.db.models import Q

    from partyorg.members.models import Member

    key = identifier.strip()
    if not key:
        return None
    m = Member.objects.filter(scope_for(actor).q("org_path")).filter(Q(party_card_number=key) | Q(citizen_id=key)).first()
    return m.pk if m else None


def roll_people(congress: Congress) -> list[Any]:
    """Members on the roll of the congress, in name order (choices of the forms)."""
    return [e.member for e in roll_entries(congress)]
