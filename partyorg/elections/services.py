"""Writes of the elections area: one service per transition of a congress, an election item or a round.

Every service opens one transaction, fetches the row it changes with the actor's write scope and a
row lock, checks the current state (``el.check_transition`` for items, spec §4), asks
:mod:`partyorg.domain.elections` for every decision, writes, and appends the audit event in the same
transaction. Secret ballots go through the shared app :mod:`partyorg.ballots` (one box per round);
counting reads only the papers of the closed box and maps each payload to a domain ballot in one
function, :func:`domain_ballot`.

Locking order: congress, then item, then round (then the ballot box, inside the ballots services).
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_noop

from partyorg.ballots import services as ballots
from partyorg.ballots.models import BoxState, ElectronicRule, PaperResolution
from partyorg.core.audit import audit_record
from partyorg.core.errors import ApplicationError, ErrorList, Forbidden, NotFoundOrForbidden, StateConflict
from partyorg.core.scopes import scope_for
from partyorg.domain import elections as el
from partyorg.members.models import (
    ActivityKind,
    ActivityRecord,
    Member,
    MemberStatus,
    Position,
    PositionTitle,
)
from partyorg.organizations.models import Organization

from . import selectors
from .models import (
    ABSENCE_DEDUCTIONS,
    ITEM_KIND_LABELS,
    BodyKind,
    Candidate,
    Congress,
    CongressBody,
    CongressState,
    ElectionItem,
    KindChoice,
    RollEntry,
    Round,
    RoundState,
    Standing,
    VenueChoice,
)

S = el.ItemState

# Items that may be elected at each venue (EL-3, EL-24, EL-25; delegates at congresses).
ITEMS_BY_VENUE: dict[el.Venue, tuple[el.ItemKind, ...]] = {
    el.Venue.CELL_CONGRESS: (el.ItemKind.CELL_COMMITTEE, el.ItemKind.SECRETARY, el.ItemKind.DEPUTY_SECRETARY,
                             el.ItemKind.DELEGATE_OFFICIAL, el.ItemKind.DELEGATE_ALTERNATE),
    el.Venue.ORGANISATION_CONGRESS: (el.ItemKind.PARTY_COMMITTEE, el.ItemKind.DELEGATE_OFFICIAL,
                                     el.ItemKind.DELEGATE_ALTERNATE),
    el.Venue.EXECUTIVE_COMMITTEE_CONFERENCE: (el.ItemKind.STANDING_COMMITTEE, el.ItemKind.SECRETARY,
                                              el.ItemKind.DEPUTY_SECRETARY, el.ItemKind.INSPECTION_COMMITTEE,
                                              el.ItemKind.INSPECTION_CHAIR),
    el.Venue.INSPECTION_COMMITTEE_CONFERENCE: (el.ItemKind.INSPECTION_CHAIR, el.ItemKind.INSPECTION_DEPUTY_CHAIR),
}
# The kinds of roll each venue has (EL-36..EL-38).
KINDS_BY_VENUE: dict[el.Venue, tuple[el.CongressKind, ...]] = {
    el.Venue.CELL_CONGRESS: (el.CongressKind.MEMBERS, el.CongressKind.DELEGATES),
    el.Venue.ORGANISATION_CONGRESS: (el.CongressKind.MEMBERS, el.CongressKind.DELEGATES),
    el.Venue.EXECUTIVE_COMMITTEE_CONFERENCE: (el.CongressKind.COMMITTEE_CONFERENCE,),
    el.Venue.INSPECTION_COMMITTEE_CONFERENCE: (el.CongressKind.INSPECTION_CONFERENCE,),
}
# Positions in the registry that elected members take once approved (delegates take none).
POSITION_OF: dict[el.ItemKind, tuple[str, str]] = {
    el.ItemKind.CELL_COMMITTEE: (PositionTitle.CELL_COMMITTEE_MEMBER, ""),
    el.ItemKind.PARTY_COMMITTEE: (PositionTitle.COMMITTEE_MEMBER, ""),
    el.ItemKind.STANDING_COMMITTEE: (PositionTitle.STANDING_MEMBER, ""),
    el.ItemKind.SECRETARY: (PositionTitle.SECRETARY, ""),
    el.ItemKind.DEPUTY_SECRETARY: (PositionTitle.DEPUTY_SECRETARY, ""),
    el.ItemKind.INSPECTION_COMMITTEE: (PositionTitle.OTHER, "Ủy viên Ủy ban Kiểm tra"),
    el.ItemKind.INSPECTION_CHAIR: (PositionTitle.INSPECTION_HEAD, ""),
    el.ItemKind.INSPECTION_DEPUTY_CHAIR: (PositionTitle.OTHER, "Phó Chủ nhiệm Ủy ban Kiểm tra"),
}

# Ballot marks (the generic payload of partyorg.ballots: {"marks": {candidate id: code}, "flags": [...]}).
# The box stores the Vietnamese labels; the ballot pages translate them (gettext_noop only marks them).
KEEP, STRUCK, PARTLY = "K", "X", "P"
AGREE, DISAGREE, BOTH, NEITHER = "A", "D", "B", "N"
SURPLUS_MARKS = [
    {"code": KEEP, "key": "1", "label": gettext_noop("Giữ lại")},
    {"code": STRUCK, "key": "0", "label": gettext_noop("Gạch tên")},
    {"code": PARTLY, "key": "5", "label": gettext_noop("Gạch một phần (cần Ban kiểm phiếu kết luận)"), "paper_only": True},
]
YES_NO_MARKS = [
    {"code": AGREE, "key": "1", "label": gettext_noop("Đồng ý")},
    {"code": DISAGREE, "key": "2", "label": gettext_noop("Không đồng ý")},
    {"code": BOTH, "key": "3", "label": gettext_noop("Đánh cả hai ô"), "paper_only": True},
    {"code": NEITHER, "key": "0", "label": gettext_noop("Không đánh ô nào"), "paper_only": True},
]
COMMON_FLAGS = [
    {"code": "not_issued", "key": "x", "label": gettext_noop("Không phải phiếu do Ban Kiểm phiếu phát ra")},
    {"code": "written_in", "key": "v", "label": gettext_noop("Ghi thêm tên ngoài danh sách")},
    {"code": "identifying_mark", "key": "k", "label": gettext_noop("Có chữ ký hoặc dấu hiệu riêng")},
]
RULING_FLAGS = [
    {"code": "rule_kept", "key": "g", "label": gettext_noop("Kết luận: tên gạch một phần được tính là giữ lại")},
    {"code": "rule_struck", "key": "h", "label": gettext_noop("Kết luận: tên gạch một phần được tính là gạch")},
    {"code": "rule_invalid", "key": "j", "label": gettext_noop("Kết luận: phiếu gạch một phần không hợp lệ")},
]
_RULINGS = {"rule_kept": el.PartialStrikeRuling.KEPT, "rule_struck": el.PartialStrikeRuling.STRUCK,
            "rule_invalid": el.PartialStrikeRuling.INVALID}
_YES_NO = {AGREE: el.Mark.AGREE, DISAGREE: el.Mark.DISAGREE, BOTH: el.Mark.BOTH, NEITHER: el.Mark.NEITHER,
           "": el.Mark.NEITHER}

# Vietnamese texts of the domain's refusals (its own messages are English).
_DOMAIN_VI = {
    "collected_exceeds_issued": "Số phiếu thu vào nhiều hơn số phiếu phát ra",
    "ruling_needed": "Có phiếu gạch một phần tên chưa được Ban Kiểm phiếu kết luận",
    "deductions_exceed_convened": "Số trừ lớn hơn số được triệu tập",
    "deduction_not_allowed": "Loại trừ này không áp dụng cho loại đại hội này",
    "votes_out_of_range": "Số phiếu bầu ngoài khoảng 0..số phiếu hợp lệ",
    "votes_exceed": "Tổng số phiếu bầu vượt quá số lượng cần bầu × số phiếu hợp lệ",
    "empty_list": "Danh sách bầu cử trống",
    "no_seats": "Số lượng cần bầu phải từ 1",
    "before_rule_sets": "Trước ngày 09/06/2014 không có quy chế nào của hệ thống áp dụng",
    "kept_and_partly_struck": "Một tên vừa giữ lại vừa gạch một phần",
    "too_many_elected": "Số người trúng cử vượt số lượng cần bầu",
}


def _domain_error(exc: el.ElectionError, field: str | None = None) -> ApplicationError:
    vi = _DOMAIN_VI.get(exc.code, str(exc))
    rules = f" ({', '.join(exc.rules)})" if exc.rules else ""
    return ApplicationError(f"{vi}{rules}.", f"{exc}{rules}.", field=field, code=exc.code)


# ---------------------------------------------------------------------------------------------
# Fetch with scope and lock


def _congress(actor: Any, congress_id: int, *, lock: bool = True) -> Congress:
    qs = Congress.objects.select_for_update() if lock else Congress.objects
    congress = qs.filter(pk=congress_id).first()
    scope = scope_for(actor)
    if congress is None or not scope.covers_path(congress.org_path):
        raise NotFoundOrForbidden()
    if not scope.covers_path(congress.org_path, write=True):
        raise Forbidden()
    return congress


def _item(actor: Any, item_id: int) -> ElectionItem:
    item = ElectionItem.objects.select_for_update().filter(pk=item_id).first()
    if item is None:
        raise NotFoundOrForbidden()
    _congress(actor, item.congress_id, lock=False)
    item.congress = Congress.objects.select_related("organization").get(pk=item.congress_id)
    return item


def _round(actor: Any, round_id: int) -> Round:
    rnd = Round.objects.filter(pk=round_id).first()
    if rnd is None:
        raise NotFoundOrForbidden()
    item = _item(actor, rnd.item_id)
    rnd = Round.objects.select_for_update().select_related("box").get(pk=round_id)
    rnd.item = item
    return rnd


def _session(congress: Congress, *states: str) -> None:
    if congress.state not in states:
        raise StateConflict(f"Đại hội đang ở trạng thái “{congress.get_state_display()}”: không thực hiện được.",
                            f"The congress is {congress.state}: not possible now.")


def _transition(item: ElectionItem, target: el.ItemState) -> tuple[str, ...]:
    """Check the item may move to ``target`` (spec §4) and return the guards to apply."""
    decision = el.check_transition(item.state_enum, target)
    if not decision.ok:
        raise StateConflict(
            f"Không thể chuyển “{item.title}” từ “{item.get_state_display()}” sang “{target.value}” (EL-11).",
            f"“{item.title}” cannot go from {item.state} to {target.value} (EL-11).")
    return decision.rules


def _move(actor: Any, item: ElectionItem, target: el.ItemState, action: str, after: dict | None = None) -> None:
    rules = _transition(item, target)
    before = item.state
    item.state = target.value
    item.save(update_fields=["state"])
    audit_record(actor=actor, action=f"election.{action}", target=item, org_path=item.congress.org_path,
                 before={"state": before}, after={"state": item.state, "rules": list(rules), **(after or {})})


def _show_of_hands(agree: int | None, disagree: int | None, attending: int | None, *, field: str) -> None:
    """A vote by show of hands (``field``: what was voted on) is recorded as counts (EL-6); they must fit
    the attendance. Errors name the count: agree, disagree, attending."""
    errors = ErrorList()
    for name, value in (("agree", agree), ("disagree", disagree), ("attending", attending)):
        if value is None or value < 0:
            errors.add(name, "Phải là số không âm.", "Must be a non-negative number.")
    errors.raise_if_any("Số liệu biểu quyết chưa hợp lệ.", "Invalid show-of-hands counts.")
    if agree + disagree > attending:  # type: ignore[operator]
        raise ApplicationError(f"Số đồng ý và không đồng ý ({agree} + {disagree}) vượt số có mặt ({attending}).",
                               f"Agree plus disagree ({agree} + {disagree}) exceeds attending ({attending}).",
                               field="attending", code=f"{field}_counts")


def _raise_checks(checks: Iterable[selectors.Check], *, override_warnings: bool = False) -> list[str]:
    """Refuse on a blocking check; on warnings unless the congress decided to go on. Returns the
    codes of the warnings overridden."""
    errors = ErrorList()
    overridden = []
    for c in checks:
        if c.error:
            errors.add(c.field, f"{c.message_vi} ({', '.join(c.rules)})", f"{c.message_en} ({', '.join(c.rules)})")
        elif c.warning:
            if override_warnings:
                overridden.append(c.code)
            else:
                errors.add(c.field, f"{c.message_vi} ({', '.join(c.rules)}) Nếu đại hội quyết định vẫn tiến hành, "
                                    "hãy đánh dấu “Đại hội đã quyết định”.",
                           f"{c.message_en} ({', '.join(c.rules)}) Tick “The congress decided” to go on.")
    errors.raise_if_any("Danh sách bầu cử chưa đạt yêu cầu.", "The election list does not pass its checks.")
    return overridden


# ---------------------------------------------------------------------------------------------
# Congress: creation, roll, attendance, adjustments, bodies, session


@dataclass
class CongressInput:
    org_id: int
    title: str
    venue: str
    kind: str
    term_label: str
    starts_on: date
    ends_on: date | None = None
    has_standing_committee: bool = True
    parent_id: int | None = None


def congress_create(*, actor: Any, data: CongressInput) -> Congress:
    """A congress in PREPARING, with the rule set of its opening date (EL-1, EL-2)."""
    errors = ErrorList()
    if not data.title.strip():
        errors.add("title", "Chưa ghi tên đại hội.", "The title is missing.")
    if not data.term_label.strip():
        errors.add("term_label", "Chưa ghi nhiệm kỳ.", "The term is missing.")
    if data.venue not in VenueChoice.values:
        errors.add("venue", "Loại hình không hợp lệ.", "Unknown venue.")
    elif data.kind not in [k.value for k in KINDS_BY_VENUE[el.Venue(data.venue)]]:
        errors.add("kind", "Thành phần không phù hợp với loại hình.", "The kind does not fit the venue.")
    if data.ends_on and data.ends_on < data.starts_on:
        errors.add("ends_on", "Ngày bế mạc trước ngày khai mạc.", "Closing before opening.")
    try:
        rule_set = el.rule_set_for(data.starts_on)
    except el.ElectionError as exc:
        raise _domain_error(exc, "starts_on") from None
    errors.raise_if_any()
    with transaction.atomic():
        org = Organization.objects.select_for_update().filter(pk=data.org_id).first()
        scope = scope_for(actor)
        if org is None or not scope.covers_path(org.path):
            raise NotFoundOrForbidden()
        if not scope.covers_path(org.path, write=True):
            raise Forbidden()
        if org.dissolved_on is not None:
            raise ApplicationError("Tổ chức đảng đã giải thể.", "The organization is dissolved.", field="org")
        if data.venue == el.Venue.CELL_CONGRESS.value and not org.is_cell:
            raise ApplicationError("Đại hội chi bộ chỉ tổ chức ở chi bộ.", "A cell congress is held by a cell.",
                                   field="venue")
        parent = None
        if data.parent_id:
            parent = Congress.objects.filter(pk=data.parent_id, organization=org).first()
            if parent is None:
                raise ApplicationError("Không tìm thấy đại hội đã bầu ra cấp ủy.", "Unknown parent congress.",
                                       field="parent")
        congress = Congress.objects.create(
            organization=org, org_path=org.path, parent=parent, title=" ".join(data.title.split()),
            venue=data.venue, kind=data.kind, term_label=data.term_label.strip(), starts_on=data.starts_on,
            ends_on=data.ends_on, has_standing_committee=data.has_standing_committee,
            rule_set=rule_set.rule_set.value, defaults_applied=el.describe_defaults())
        audit_record(actor=actor, action="election.congress_create", target=congress, org_path=org.path,
                     after={"rule_set": congress.rule_set, "rules": list(rule_set.rules), "venue": congress.venue,
                            "kind": congress.kind, "term": congress.term_label})
        return congress


def _roll_editable(congress: Congress) -> None:
    _session(congress, CongressState.PREPARING, CongressState.IN_SESSION)
    if Round.objects.filter(item__congress=congress, state=RoundState.VOTING).exists():
        raise StateConflict("Đang bỏ phiếu: chưa sửa danh sách triệu tập.", "A vote is open: the roll is fixed.")


def congress_roll_fill(*, actor: Any, congress_id: int) -> int:
    """Fill the roll from the registry: a members' congress convenes the official members of the
    organization (suspended ones and those in temporary activity elsewhere deducted, EL-36); the first
    conference of a committee convenes the committee its congress elected (EL-38)."""
    with transaction.atomic():
        congress = _congress(actor, congress_id)
        _session(congress, CongressState.PREPARING)
        existing = set(RollEntry.objects.filter(congress=congress).values_list("member_id", flat=True))
        new: list[RollEntry] = []
        if congress.kind == KindChoice.MEMBERS:
            members = Member.objects.filter(org_path__startswith=congress.org_path, status__in=[
                MemberStatus.OFFICIAL, MemberStatus.EXEMPTED, MemberStatus.SUSPENDED]).exclude(pk__in=existing)
            elsewhere = set(ActivityRecord.objects.filter(
                kind=ActivityKind.TEMPORARY, end_on__isnull=True, member__in=members).exclude(
                organization__path__startswith=congress.org_path).values_list("member_id", flat=True))
            for m in members:
                deduction = ""
                if m.status == MemberStatus.SUSPENDED:
                    deduction = el.Deduction.SUSPENDED_OR_PROSECUTED.value
                elif m.pk in elsewhere:
                    deduction = el.Deduction.TEMPORARY_ELSEWHERE.value
                new.append(RollEntry(congress=congress, member=m, exempted=m.status == MemberStatus.EXEMPTED,
                                     deduction=deduction))
        elif congress.parent_id and congress.kind == KindChoice.COMMITTEE_CONFERENCE:
            for item in ElectionItem.objects.filter(congress_id=congress.parent_id,
                                                    kind__in=[el.ItemKind.PARTY_COMMITTEE.value,
                                                              el.ItemKind.CELL_COMMITTEE.value]):
                for c in selectors.winners(item):
                    if c.member_id not in existing:
                        existing.add(c.member_id)
                        new.append(RollEntry(congress=congress, member_id=c.member_id))
        else:
            raise ApplicationError("Danh sách đại biểu được nhập theo số thẻ đảng viên hoặc số CCCD.",
                                   "Enter the delegates by party card or citizen ID.", field="roll")
        RollEntry.objects.bulk_create(new)
        audit_record(actor=actor, action="election.roll_fill", target=congress, org_path=congress.org_path,
                     after={"added": len(new)})
        return len(new)


def congress_roll_add(*, actor: Any, congress_id: int, identifiers: list[str], standing: str) -> int:
    """Add people to the roll by party card number or citizen ID (delegates, alternates)."""
    if standing not in Standing.values:
        raise ApplicationError("Tư cách không hợp lệ.", "Unknown standing.", field="standing")
    with transaction.atomic():
        congress = _congress(actor, congress_id)
        _roll_editable(congress)
        if standing == Standing.ALTERNATE and congress.kind != KindChoice.DELEGATES:
            raise ApplicationError("Chỉ đại hội đại biểu có đại biểu dự khuyết.",
                                   "Only a delegates' congress has alternates.", field="standing")
        scope = scope_for(actor)
        errors = ErrorList()
        members = []
        for n, raw in enumerate(identifiers, start=1):
            key = raw.strip()
            if not key:
                continue
            m = Member.objects.filter(Q(party_card_number=key) | Q(citizen_id=key)).first()
            if m is None or not scope.covers_path(m.org_path):
                errors.add("identifiers", f"Không tìm thấy đảng viên “{key}” trong phạm vi quản lý.",
                           f"No member “{key}” in your scope.", row=n)
            else:
                members.append(m)
        errors.raise_if_any("Có mã không tìm thấy.", "Some identifiers were not found.")
        existing = set(RollEntry.objects.filter(congress=congress).values_list("member_id", flat=True))
        new = [RollEntry(congress=congress, member=m, standing=standing, exempted=m.status == MemberStatus.EXEMPTED)
               for m in {m.pk: m for m in members}.values() if m.pk not in existing]
        RollEntry.objects.bulk_create(new)
        audit_record(actor=actor, action="election.roll_add", target=congress, org_path=congress.org_path,
                     after={"added": [e.member_id for e in new], "standing": standing})
        return len(new)


def congress_roll_remove(*, actor: Any, congress_id: int, entry_id: int) -> None:
    with transaction.atomic():
        congress = _congress(actor, congress_id)
        _session(congress, CongressState.PREPARING)
        entry = RollEntry.objects.filter(congress=congress, pk=entry_id).first()
        if entry is None:
            raise NotFoundOrForbidden()
        audit_record(actor=actor, action="election.roll_remove", target=congress, org_path=congress.org_path,
                     before={"member": entry.member_id, "standing": entry.standing})
        entry.delete()


def congress_attendance_set(*, actor: Any, congress_id: int, present_entry_ids: Iterable[int]) -> int:
    """Attendance from the credentials committee. Someone present loses an absence deduction; an
    exempted member who is absent is deducted (EL-36: counted only if they attend)."""
    present = set(present_entry_ids)
    with transaction.atomic():
        congress = _congress(actor, congress_id)
        _roll_editable(congress)
        entries = list(RollEntry.objects.select_for_update().filter(congress=congress))
        unknown = present - {e.pk for e in entries}
        if unknown:
            raise ApplicationError("Có người không thuộc danh sách triệu tập.", "Someone is not on the roll.",
                                   field="present")
        changed = []
        for e in entries:
            was = (e.present, e.deduction)
            e.present = e.pk in present
            if e.present and e.deduction in ABSENCE_DEDUCTIONS:
                e.deduction, e.deduction_reason = "", ""
            if (not e.present and e.exempted and not e.deduction
                    and el.Deduction.EXEMPTED_ABSENT in el.allowed_deductions(congress.kind_enum)):
                e.deduction = el.Deduction.EXEMPTED_ABSENT.value
            if e.present and e.deduction == el.Deduction.EXEMPTED_ABSENT.value:
                e.deduction = ""
            if (e.present, e.deduction) != was:
                changed.append(e)
        RollEntry.objects.bulk_update(changed, ["present", "deduction", "deduction_reason"])
        summary = selectors.roll_summary(congress)
        audit_record(actor=actor, action="election.attendance", target=congress, org_path=congress.org_path,
                     after={"present": len(present), "changed": len(changed),
                            "roll": summary.roll.roll if summary.roll else None})
        return len(present)


def roll_entry_adjust(*, actor: Any, congress_id: int, entry_id: int, deduction: str, reason: str = "") -> RollEntry:
    """Record (or clear, with "") the adjustment that takes someone out of ``D`` (EL-36..EL-38)."""
    with transaction.atomic():
        congress = _congress(actor, congress_id)
        _roll_editable(congress)
        entry = RollEntry.objects.select_for_update().filter(congress=congress, pk=entry_id).first()
        if entry is None:
            raise NotFoundOrForbidden()
        if deduction:
            try:
                category = el.Deduction(deduction)
            except ValueError:
                raise ApplicationError("Loại điều chỉnh không hợp lệ.", "Unknown deduction.", field="deduction") from None
            rule = {el.CongressKind.MEMBERS: "EL-36", el.CongressKind.DELEGATES: "EL-37"}.get(
                congress.kind_enum, "EL-38")
            if category not in el.allowed_deductions(congress.kind_enum):
                raise ApplicationError(f"Loại trừ này không áp dụng cho {congress.get_kind_display()} ({rule}).",
                                       f"This deduction does not apply to a {congress.kind} ({rule}).",
                                       field="deduction")
            if entry.standing != Standing.OFFICIAL:
                raise ApplicationError("Chỉ trừ đảng viên, đại biểu chính thức.", "Only officials are deducted.",
                                       field="deduction")
            if deduction in ABSENCE_DEDUCTIONS and entry.present:
                raise ApplicationError(f"{entry.member.full_name} đang được ghi có mặt: loại trừ này chỉ áp dụng "
                                       f"cho người vắng mặt cả đại hội ({rule}).",
                                       f"{entry.member.full_name} is present: this deduction is for absentees ({rule}).",
                                       field="deduction")
            if deduction == el.Deduction.DELEGATE_ABSENT_UNREPLACED.value and hasattr(entry, "replaced_by"):
                raise ApplicationError("Đại biểu này đã có đại biểu dự khuyết thay thế (EL-37).",
                                       "An alternate replaces this delegate (EL-37).", field="deduction")
        before = {"deduction": entry.deduction, "reason": entry.deduction_reason}
        entry.deduction, entry.deduction_reason = deduction, reason.strip()[:300]
        entry.save(update_fields=["deduction", "deduction_reason"])
        try:
            roll = selectors.congress_roll(congress)
        except el.ElectionError as exc:
            raise _domain_error(exc, "deduction") from None
        audit_record(actor=actor, action="election.roll_adjust", target=congress, org_path=congress.org_path,
                     before=before, after={"member": entry.member_id, "deduction": deduction, "reason": reason,
                                           "roll": roll.roll, "rules": list(roll.rules)})
        return entry


def roll_alternate_replace(*, actor: Any, congress_id: int, alternate_id: int, official_id: int | None) -> None:
    """An alternate delegate replaces an official delegate absent throughout (EL-37), or stops doing so."""
    with transaction.atomic():
        congress = _congress(actor, congress_id)
        _roll_editable(congress)
        alt = RollEntry.objects.select_for_update().filter(congress=congress, pk=alternate_id,
                                                           standing=Standing.ALTERNATE).first()
        if alt is None:
            raise NotFoundOrForbidden()
        official = None
        if official_id:
            official = RollEntry.objects.select_for_update().filter(congress=congress, pk=official_id,
                                                                    standing=Standing.OFFICIAL).first()
            if official is None:
                raise NotFoundOrForbidden()
            if official.present:
                raise ApplicationError("Đại biểu chính thức này đang có mặt.", "That delegate is present.",
                                       field="official")
            if RollEntry.objects.filter(replaces=official).exclude(pk=alt.pk).exists():
                raise ApplicationError("Đã có người thay đại biểu này.", "Already replaced.", field="official")
            if official.deduction == el.Deduction.DELEGATE_ABSENT_UNREPLACED.value:
                official.deduction = ""
                official.save(update_fields=["deduction"])
        alt.replaces = official
        alt.save(update_fields=["replaces"])
        audit_record(actor=actor, action="election.alternate_replace", target=congress, org_path=congress.org_path,
                     after={"alternate": alt.member_id, "replaces": official.member_id if official else None})


def congress_body_record(*, actor: Any, congress_id: int, kind: str, member_ids: list[int], head_id: int | None,
                         agree: int, disagree: int, attending: int) -> CongressBody:
    """Presidium, secretariat, credentials or counting committee, elected by show of hands (EL-6)
    and recorded with the counts; counting committee members are official members or delegates
    not on any list they count (EL-7, EL-8)."""
    if kind not in BodyKind.values:
        raise ApplicationError("Loại ban không hợp lệ.", "Unknown body.", field="kind")
    _show_of_hands(agree, disagree, attending, field="vote")
    members = list(dict.fromkeys(member_ids))
    if not members:
        raise ApplicationError("Chưa chọn thành viên.", "No members chosen.", field="members")
    if head_id is not None and head_id not in members:
        raise ApplicationError("Trưởng ban phải là thành viên của ban.", "The head must be a member.", field="head")
    with transaction.atomic():
        congress = _congress(actor, congress_id)
        _session(congress, CongressState.PREPARING, CongressState.IN_SESSION)
        roll = {e.member_id: e for e in RollEntry.objects.filter(congress=congress)}
        outside = [m for m in members if m not in roll]
        if outside:
            raise ApplicationError("Thành viên phải có tên trong danh sách triệu tập.",
                                   "Members must be on the roll.", field="members")
        if kind == BodyKind.COUNTING:
            not_official = [roll[m].member.full_name for m in members if roll[m].standing != Standing.OFFICIAL]
            if not_official:
                raise ApplicationError(f"Ban Kiểm phiếu gồm đại biểu, đảng viên chính thức (EL-7): "
                                       f"{', '.join(not_official)}.",
                                       f"The counting committee is made of officials (EL-7): "
                                       f"{', '.join(not_official)}.", field="members")
            live = ElectionItem.objects.filter(congress=congress, state__in=[
                S.LIST_APPROVED.value, S.VOTING.value, S.COUNTED.value, S.TIE_REVOTE.value])
            clash = Candidate.objects.filter(item__in=live, member_id__in=members, admitted=True, withdrawn=False)
            if clash.exists():
                who = ", ".join(sorted({c.member.full_name for c in clash.select_related("member")}))
                raise ApplicationError(f"Thành viên Ban Kiểm phiếu không được có tên trong danh sách bầu cử: {who} "
                                       "(EL-8).", f"Counting committee members cannot be on a list: {who} (EL-8).",
                                       field="members")
        body, created = CongressBody.objects.update_or_create(
            congress=congress, kind=kind, defaults={"head_id": head_id, "agree": agree, "disagree": disagree,
                                                    "attending": attending})
        body.members.set(members)
        audit_record(actor=actor, action="election.body_record", target=congress, org_path=congress.org_path,
                     after={"kind": kind, "members": members, "head": head_id, "agree": agree,
                            "disagree": disagree, "attending": attending, "rules": ["EL-6"]})
        return body


def congress_open(*, actor: Any, congress_id: int) -> Congress:
    """PREPARING → IN_SESSION: the congress opens with its roll."""
    with transaction.atomic():
        congress = _congress(actor, congress_id)
        _session(congress, CongressState.PREPARING)
        if not RollEntry.objects.filter(congress=congress, standing=Standing.OFFICIAL).exists():
            raise ApplicationError("Chưa có danh sách triệu tập.", "The roll is empty.", field="roll")
        congress.state = CongressState.IN_SESSION
        congress.save(update_fields=["state"])
        summary = selectors.roll_summary(congress)
        audit_record(actor=actor, action="election.congress_open", target=congress, org_path=congress.org_path,
                     before={"state": CongressState.PREPARING}, after={
                         "state": congress.state, "convened": summary.convened, "present": summary.present,
                         "roll": summary.roll.roll if summary.roll else None})
        return congress


def congress_close(*, actor: Any, congress_id: int, ends_on: date | None = None) -> Congress:
    """IN_SESSION → CLOSED once no vote is open or waiting for the congress's decision."""
    with transaction.atomic():
        congress = _congress(actor, congress_id)
        _session(congress, CongressState.IN_SESSION)
        busy = ElectionItem.objects.filter(congress=congress, state__in=[
            S.POLLING.value, S.VOTING.value, S.COUNTED.value, S.TIE_REVOTE.value, S.NEXT_ROUND_PENDING.value])
        if busy.exists():
            raise StateConflict(f"Còn cuộc bầu chưa kết thúc: {', '.join(i.title for i in busy)}.",
                                f"Elections still running: {', '.join(i.title for i in busy)}.")
        congress.state = CongressState.CLOSED
        congress.ends_on = ends_on or congress.ends_on or timezone.localdate()
        congress.save(update_fields=["state", "ends_on"])
        audit_record(actor=actor, action="election.congress_close", target=congress, org_path=congress.org_path,
                     before={"state": CongressState.IN_SESSION}, after={"state": congress.state,
                                                                       "ends_on": congress.ends_on.isoformat()})
        return congress


# ---------------------------------------------------------------------------------------------
# Items: seats, nominations, list


def item_create(*, actor: Any, congress_id: int, kind: str, title: str = "") -> ElectionItem:
    """A new item in DRAFT (spec §4)."""
    try:
        kind_enum = el.ItemKind(kind)
    except ValueError:
        raise ApplicationError("Nội dung bầu không hợp lệ.", "Unknown item kind.", field="kind") from None
    with transaction.atomic():
        congress = _congress(actor, congress_id)
        _session(congress, CongressState.PREPARING, CongressState.IN_SESSION)
        if kind_enum not in ITEMS_BY_VENUE[congress.venue_enum]:
            raise ApplicationError(f"Không bầu {ITEM_KIND_LABELS[kind_enum]} tại {congress.get_venue_display()} "
                                   "(EL-3, EL-24, EL-25).", f"{kind} is not elected at a {congress.venue}.",
                                   field="kind")
        if ElectionItem.objects.filter(congress=congress, kind=kind).exclude(state=S.ANNULLED.value).exists():
            raise ApplicationError("Đại hội đã có cuộc bầu này.", "This item already exists.", field="kind")
        item = ElectionItem.objects.create(congress=congress, kind=kind,
                                           title=" ".join(title.split()) or str(ITEM_KIND_LABELS[kind_enum]))
        audit_record(actor=actor, action="election.item_create", target=item, org_path=congress.org_path,
                     after={"kind": kind, "state": item.state})
        return item


def item_seats_fix(*, actor: Any, item_id: int, seats: int, agree: int | None = None, disagree: int | None = None,
                   attending: int | None = None, decision_ref: str = "") -> ElectionItem:
    """DRAFT → SEATS_FIXED: the congress votes the number by show of hands; delegate numbers are
    allocated by the higher committee (EL-10)."""
    if not isinstance(seats, int) or seats < 1:
        raise ApplicationError("Số lượng cần bầu phải từ 1 (EL-10).", "Seats must be at least 1 (EL-10).",
                               field="seats")
    with transaction.atomic():
        item = _item(actor, item_id)
        source, rules = el.seats_fixed_by(item.kind_enum)
        if source is el.SeatsSource.ALLOCATED:
            if not decision_ref.strip():
                raise ApplicationError("Ghi số văn bản phân bổ số lượng đại biểu của cấp ủy cấp trên (EL-10).",
                                       "Give the higher committee's allocation reference (EL-10).",
                                       field="decision_ref")
        else:
            _show_of_hands(agree, disagree, attending, field="seats")
        item.seats, item.seats_source = seats, source.value
        item.seats_agree, item.seats_disagree, item.seats_attending = agree, disagree, attending
        item.seats_decision_ref = decision_ref.strip()
        item.save(update_fields=["seats", "seats_source", "seats_agree", "seats_disagree", "seats_attending",
                                 "seats_decision_ref"])
        _move(actor, item, S.SEATS_FIXED, "item_seats", {"seats": seats, "source": source.value,
                                                         "agree": agree, "attending": attending,
                                                         "decision_ref": decision_ref, "how": list(rules)})
        return item


def item_nominations_open(*, actor: Any, item_id: int) -> ElectionItem:
    """SEATS_FIXED → NOMINATING (EL-11)."""
    with transaction.atomic():
        item = _item(actor, item_id)
        _session(item.congress, CongressState.IN_SESSION)
        _move(actor, item, S.NOMINATING, "item_nominations_open")
        return item


def candidate_add(*, actor: Any, item_id: int, member_id: int, source: str, agree: int | None = None,
                  attending: int | None = None, meets_standards: bool = True) -> Candidate:
    """A name for the list: the convening committee's names form the official nomination list (EL-12);
    a floor nominee or self-nominee enters it only with more than 30% of those attending (EL-13).
    A nominee who does not reach it is recorded, not admitted."""
    try:
        src = el.NominationSource(source)
    except ValueError:
        raise ApplicationError("Nguồn giới thiệu không hợp lệ.", "Unknown source.", field="source") from None
    with transaction.atomic():
        item = _item(actor, item_id)
        state = item.state_enum
        allowed = {S.DRAFT, S.SEATS_FIXED, S.NOMINATING} if src is el.NominationSource.CONVENING else {S.NOMINATING}
        later = state is S.NEXT_ROUND_PENDING and item.new_names_allowed
        if state not in allowed and not later:
            raise StateConflict(
                "Chỉ bổ sung tên khi đang đề cử, ứng cử (danh sách của cấp ủy triệu tập: trước đó)"
                + (" hoặc khi đại hội cho bổ sung tên ở lần bầu tiếp (EL-41)." if state is S.NEXT_ROUND_PENDING else "."),
                "Names are added while nominating (the convening list before), or for a further round the "
                "congress opened to new names (EL-41).")
        member = Member.objects.filter(pk=member_id).first()
        scope = scope_for(actor)
        if member is None or not scope.covers_path(member.org_path):
            raise ApplicationError("Không tìm thấy đảng viên trong phạm vi quản lý.", "No such member in scope.",
                                   field="member")
        if Candidate.objects.filter(item=item, member=member).exists():
            raise ApplicationError(f"{member.full_name} đã có trong danh sách.", f"{member.full_name} is already "
                                   "listed.", field="member")
        if member.status not in (MemberStatus.OFFICIAL, MemberStatus.EXEMPTED):
            raise ApplicationError(f"{member.full_name} không phải đảng viên chính thức.",
                                   f"{member.full_name} is not an official member.", field="member")
        if src is not el.NominationSource.CONVENING and (agree is None or attending is None):
            raise ApplicationError("Ghi số đại biểu đồng ý và số có mặt khi biểu quyết (EL-13).",
                                   "Give the agreeing and attending counts (EL-13).", field="agree")
        try:
            decision = el.admit_nominee(src, agree=agree or 0, attending=attending or 0,
                                        meets_standards=meets_standards)
        except el.ElectionError as exc:
            vi = {"agree_exceeds_attending": "Số đồng ý lớn hơn số có mặt",
                  "no_attendance": "Số có mặt phải từ 1"}.get(exc.code, str(exc))
            raise ApplicationError(f"{vi} (EL-13).", f"{exc} (EL-13).", field="agree") from None
        number = Round.objects.filter(item=item).count() + 1 if later else 1
        cand = Candidate.objects.create(item=item, member=member, source=src.value, agree=agree, attending=attending,
                                        meets_standards=meets_standards, admitted=decision.ok,
                                        admission_rules=list(decision.rules), from_round=number)
        audit_record(actor=actor, action="election.candidate_add", target=item, org_path=item.congress.org_path,
                     after={"member": member.pk, "source": src.value, "agree": agree, "attending": attending,
                            "admitted": decision.ok, "code": decision.code, "rules": list(decision.rules)})
        return cand


def candidate_withdraw(*, actor: Any, candidate_id: int, reason: str) -> Candidate:
    """A name leaves the list (xin rút, or the congress agrees to withdraw it) before approval."""
    if not reason.strip():
        raise ApplicationError("Ghi lý do rút tên.", "Give the reason.", field="reason")
    cand = Candidate.objects.filter(pk=candidate_id).first()
    if cand is None:
        raise NotFoundOrForbidden()
    with transaction.atomic():
        item = _item(actor, cand.item_id)
        cand = Candidate.objects.select_for_update().get(pk=candidate_id)
        if item.state_enum not in (S.DRAFT, S.SEATS_FIXED, S.NOMINATING, S.LIST_PROPOSED, S.NEXT_ROUND_PENDING):
            raise StateConflict("Danh sách đã được thông qua: không rút tên được nữa.",
                                "The list is approved: no more withdrawals.")
        if cand.withdrawn:
            raise StateConflict("Đã rút tên.", "Already withdrawn.")
        cand.withdrawn, cand.withdrawal_reason = True, reason.strip()[:300]
        cand.save(update_fields=["withdrawn", "withdrawal_reason"])
        audit_record(actor=actor, action="election.candidate_withdraw", target=item, org_path=item.congress.org_path,
                     after={"member": cand.member_id, "reason": cand.withdrawal_reason})
        return cand


def item_list_propose(*, actor: Any, item_id: int) -> list[selectors.Check]:
    """NOMINATING → LIST_PROPOSED: the presidium compiles the list (EL-12, EL-13); returns its checks."""
    with transaction.atomic():
        item = _item(actor, item_id)
        _transition(item, S.LIST_PROPOSED)
        names = selectors.election_list(item)
        if not names:
            raise ApplicationError("Danh sách bầu cử chưa có ai.", "The election list is empty.", field="candidates")
        checks = selectors.list_checks(item)
        _move(actor, item, S.LIST_PROPOSED, "item_list_propose", {
            "candidates": [c.member_id for c in names], "checks": [c.code for c in checks if not c.ok]})
        return checks


def item_poll_open(*, actor: Any, item_id: int) -> ElectionItem:
    """LIST_PROPOSED → POLLING: a secret opinion poll on the list (EL-14, EL-18, EL-19)."""
    with transaction.atomic():
        item = _item(actor, item_id)
        _move(actor, item, S.POLLING, "item_poll_open", {"rules": list(el.opinion_poll(
            sum(1 for c in selectors.election_list(item) if c.source != el.NominationSource.CONVENING.value)).rules)})
        return item


def item_poll_record(*, actor: Any, item_id: int, votes: Mapping[int, int]) -> el.TrimResult:
    """POLLING → LIST_PROPOSED: record the poll and trim the list to its top names (EL-19); a tie at the
    cut-off keeps the tied on the list for a re-poll among them (or, in a body of 3-5, the head's
    choice, EL-20, OP-13): the next poll is recorded for the tied names only."""
    with transaction.atomic():
        item = _item(actor, item_id)
        _transition(item, S.LIST_PROPOSED)
        names = selectors.election_list(item)
        polled = {c.pk: c for c in names if c.pk in votes}
        if not polled:
            raise ApplicationError("Chưa nhập kết quả thăm dò.", "No poll votes entered.", field="votes")
        for pk, n in votes.items():
            if pk not in polled or n is None or n < 0:
                raise ApplicationError("Số phiếu thăm dò không hợp lệ.", "Invalid poll votes.", field=f"poll_{pk}")
        rest = [c for c in names if c.pk not in polled]
        # A re-poll among the tied: the names above the tie keep their place (they rank above any tied name).
        top = max(votes.values()) + 1
        poll = {str(c.pk): top for c in rest}
        poll.update({str(pk): int(n) for pk, n in votes.items()})
        trim = el.trim_by_poll(item.seats or 1, poll, item.kind_enum)
        keep = set(trim.kept) | set(trim.tied)
        for c in names:
            if c.pk in polled:
                c.poll_votes = votes[c.pk]
            if str(c.pk) not in keep:
                c.withdrawn, c.withdrawal_reason = True, "Không được giữ lại sau thăm dò (EL-19)"
            c.save(update_fields=["poll_votes", "withdrawn", "withdrawal_reason"])
        _move(actor, item, S.LIST_PROPOSED, "item_poll_record", {
            "votes": {str(k): v for k, v in votes.items()}, "kept": list(trim.kept), "tied": list(trim.tied),
            "resolution": trim.resolution.value, "rules": list(trim.rules)})
        return trim


def item_list_approve(*, actor: Any, item_id: int, agree: int, disagree: int, attending: int,
                      override_warnings: bool = False) -> ElectionItem:
    """LIST_PROPOSED → LIST_APPROVED by show of hands (EL-6), once the list passes its checks: surplus
    (EL-15, EL-20..EL-23), counting committee not on it (EL-8), leaders from the elected body and the
    order of elections (EL-24, EL-25, EL-43). Warnings pass only if the congress decided so."""
    _show_of_hands(agree, disagree, attending, field="list")
    with transaction.atomic():
        item = _item(actor, item_id)
        _session(item.congress, CongressState.IN_SESSION)
        guards = _transition(item, S.LIST_APPROVED)
        checks = selectors.list_checks(item)
        overridden = _raise_checks(checks, override_warnings=override_warnings)
        item.list_agree, item.list_disagree, item.list_attending = agree, disagree, attending
        item.list_warnings = overridden
        item.save(update_fields=["list_agree", "list_disagree", "list_attending", "list_warnings"])
        _move(actor, item, S.LIST_APPROVED, "item_list_approve", {
            "agree": agree, "disagree": disagree, "attending": attending, "overridden": overridden,
            "guards": list(guards), "candidates": [c.member_id for c in selectors.election_list(item)]})
        return item


# ---------------------------------------------------------------------------------------------
# Rounds: open, hand out, count, announce


def _box_setup(rnd: Round, candidates: list[Candidate], electronic: bool) -> Any:
    item, congress = rnd.item, rnd.item.congress
    form = el.ballot_form(rnd.seats, len(candidates))
    surplus = form is el.BallotForm.SURPLUS
    box = ballots.ballot_box_create(
        kind="election", ref_id=f"round-{item.pk}-{rnd.number}",
        title=f"{item.title} – {congress.title} – lần bầu {rnd.number}", org_path=congress.org_path,
        items=[{"id": str(c.pk), "label": c.member.full_name} for c in candidates],
        mark_choices=SURPLUS_MARKS if surplus else YES_NO_MARKS,
        flag_choices=COMMON_FLAGS + (RULING_FLAGS if surplus else []),
        electronic_rule=ElectronicRule.KEEP_AT_MOST if surplus else ElectronicRule.ONE_PER_ITEM,
        keep_code=KEEP if surplus else "", max_kept=rnd.seats if surplus else None, electronic=electronic)
    roster, present = selectors.voters(congress)
    ballots.roster_set(box=box, member_ids=roster)
    ballots.attendance_set(box=box, present_member_ids=present)
    ballots.ballot_box_open(box=box)
    box.refresh_from_db()
    return box


def round_open(*, actor: Any, item_id: int, electronic: bool = False) -> Round:
    """LIST_APPROVED or TIE_REVOTE → VOTING: a new round with its own secret-ballot box whose rows are
    the list in EL-27 order (EL-26..EL-28): the approved list (round 1), the tied names for the
    remaining seats (EL-40), or the unelected names plus any new ones (EL-41, EL-42)."""
    with transaction.atomic():
        item = _item(actor, item_id)
        congress = item.congress
        _session(congress, CongressState.IN_SESSION)
        guards = _transition(item, S.VOTING)
        order = selectors.order_check(item)
        if order is not None:
            raise ApplicationError(f"{order.message_vi} ({', '.join(order.rules)})",
                                   f"{order.message_en} ({', '.join(order.rules)})", field="kind")
        plan = selectors.next_round_plan(item)
        number = Round.objects.filter(item=item).count() + 1
        if plan is None:
            kind, seats = el.RoundKind.NORMAL, item.seats
            candidates = selectors.election_list(item)
        else:
            kind, seats = plan.kind, plan.seats
            ids = {int(i) for i in plan.candidates}
            extra = set()
            if plan.kind is el.RoundKind.FURTHER and item.new_names_allowed:
                extra = {c.pk for c in Candidate.objects.filter(item=item, from_round=number, admitted=True,
                                                                withdrawn=False)}
            candidates = selectors.ordered(Candidate.objects.filter(item=item, pk__in=ids | extra)
                                           .select_related("member"))
            candidates = [c for c in candidates if not c.withdrawn]
        if not candidates or not seats:
            raise ApplicationError("Không có ai để bầu.", "Nobody to vote on.", field="candidates")
        if not selectors.voters(congress)[1]:
            raise ApplicationError("Chưa điểm danh đại biểu có mặt.", "Nobody is marked present.", field="present")
        rnd = Round(item=item, number=number, kind=kind.value, seats=seats,
                    candidate_ids=[c.pk for c in candidates], electronic=electronic)
        rnd.box = _box_setup(rnd, candidates, electronic)
        rnd.save()
        _move(actor, item, S.VOTING, "round_open", {
            "round": number, "kind": kind.value, "seats": seats, "candidates": rnd.candidate_ids,
            "form": rnd.form.value, "box": rnd.box.pk, "electronic": electronic,
            "guards": list(guards) + list(plan.rules if plan else ())})
        return rnd


def round_ballots_issue(*, actor: Any, round_id: int, member_ids: list[int] | None = None) -> int:
    """The counting committee hands out paper ballots (or kiosk slips) to those present (EL-9); the
    attendance of the box is brought up to date first. None: everyone present not yet served."""
    with transaction.atomic():
        rnd = _round(actor, round_id)
        if rnd.state != RoundState.VOTING:
            raise StateConflict("Vòng bầu không còn mở.", "The round is not open.")
        roster, present = selectors.voters(rnd.item.congress)
        ballots.attendance_set(box=rnd.box, present_member_ids=present)
        wanted = present if member_ids is None else [m for m in member_ids if m in set(present)]
        n = ballots.ballots_handed_out(actor=actor, box_id=rnd.box.pk, member_ids=wanted)
        audit_record(actor=actor, action="election.ballots_issue", target=rnd, org_path=rnd.item.congress.org_path,
                     after={"count": n, "rules": ["EL-9"]})
        return n


def domain_ballot(payload: Mapping[str, Any], *, form: el.BallotForm, candidate_ids: Collection[str]) -> el.Ballot:
    """THE mapping of a ballot payload (partyorg.ballots) to a domain ballot (EL-28..EL-33).

    Surplus list: rows marked K are kept, P partly struck (with the committee's ruling flag), anything
    else struck. No surplus: A agree, D disagree, B both, N or blank neither. Flags: not issued by the
    counting committee, a written-in name, identifying writing.
    """
    marks = payload.get("marks", {})
    flags = set(payload.get("flags", []))
    common = {"issued_by_committee": "not_issued" not in flags, "written_in": "written_in" in flags,
              "identifying_mark": "identifying_mark" in flags}
    if form is el.BallotForm.SURPLUS:
        listed = candidate_ids if isinstance(candidate_ids, frozenset | set) else frozenset(candidate_ids)
        kept, partly = [], []
        for c, code in marks.items():
            if code == KEEP:
                kept.append(c)
            elif code == PARTLY:
                partly.append(c)
        ruling = next((_RULINGS[f] for f in _RULINGS if f in flags), None)
        return el.SurplusBallot(kept=frozenset(c for c in kept if c in listed),
                                partly_struck=frozenset(c for c in partly if c in listed), ruling=ruling, **common)
    return el.YesNoBallot(marks={c: _YES_NO.get(marks.get(c, ""), el.Mark.NEITHER) for c in candidate_ids}, **common)


def _unruled_papers(rnd: Round, form: el.BallotForm) -> list[int]:
    """Paper numbers whose agreed entry has a partly struck name and no ruling (EL-33)."""
    if form is not el.BallotForm.SURPLUS:
        return []
    out = []
    for st in ballots.paper_entry_status(rnd.box):
        payload = st.payloads[0] if st.state == "matched" else None
        if st.state == "resolved":
            payload = PaperResolution.objects.get(box=rnd.box, paper_no=st.paper_no).payload
        if payload and PARTLY in payload.get("marks", {}).values() and not set(payload.get("flags", [])) & set(_RULINGS):
            out.append(st.paper_no)
    return out


def round_count(*, actor: Any, round_id: int, signed_by: str = "") -> Round:
    """VOTING → COUNTED: close the box (every paper ballot entered twice and agreed), rule on every
    ballot and count (EL-29..EL-34, EL-44), take ``D`` from the roll (EL-35..EL-38), decide the round
    (EL-39..EL-42) and check the minutes (EL-45). Nothing collected: the vote goes on (EL-45)."""
    with transaction.atomic():
        rnd = _round(actor, round_id)
        item, congress = rnd.item, rnd.item.congress
        if rnd.state != RoundState.VOTING or rnd.box.state != BoxState.OPEN:
            raise StateConflict("Vòng bầu này đã kiểm phiếu.", "This round has been counted.")
        guards = _transition(item, S.COUNTED)
        form = rnd.form
        ids = [str(i) for i in rnd.candidate_ids]
        pending = _unruled_papers(rnd, form)
        if pending:
            raise ApplicationError(
                f"Phiếu số {', '.join(map(str, pending))} có tên bị gạch một phần: Ban Kiểm phiếu phải kết luận "
                "(đánh dấu kết luận trên cả hai lần nhập hoặc đối chiếu) (EL-33).",
                f"Papers {', '.join(map(str, pending))} have a partly struck name: record the counting "
                "committee's ruling (EL-33).", field="paper_no")
        issued = ballots.participation_counts(rnd.box)["issued"]
        listed = frozenset(ids)
        box = ballots.ballot_box_close(actor=actor, box_id=rnd.box.pk)
        rnd.box = box
        papers = ballots.ballot_papers(box)
        if not papers:
            raise StateConflict("Chưa thu được phiếu nào: không thể kết thúc vòng bầu, tiếp tục bỏ phiếu (EL-45).",
                                "Nothing collected: the round cannot be finalised; the vote goes on (EL-45).")
        try:
            count = el.count_ballots(candidates=ids, seats=rnd.seats, issued=issued,
                                     ballots=[domain_ballot(p, form=form, candidate_ids=listed) for p in papers])
            roll = selectors.congress_roll(congress)
            result = el.decide_round(candidates=ids, votes=count.votes, seats=rnd.seats, roll=roll.roll,
                                     valid=count.valid, collected=count.collected, kind=item.kind_enum)
        except el.ElectionError as exc:
            raise _domain_error(exc) from None
        minutes = el.check_minutes(seats=rnd.seats, issued=count.issued, collected=count.collected, valid=count.valid,
                                   invalid=count.invalid, votes=count.votes)
        if not minutes.ok:
            raise ApplicationError(f"Biên bản kiểm phiếu không khớp: {minutes.code} (EL-45).",
                                   f"The counting minutes are inconsistent: {minutes.code} (EL-45).")
        rnd.issued, rnd.collected, rnd.valid, rnd.invalid = count.issued, count.collected, count.valid, count.invalid
        rnd.invalid_reasons = dict(Counter(r.reason for r in count.rulings if not r.valid))
        rnd.votes = dict(count.votes)
        rnd.roll, rnd.votes_needed = result.roll, result.votes_needed
        rnd.roll_components = {"convened": roll.convened, "deductions": {d.value: n for d, n in roll.deductions},
                               "rules": list(roll.rules)}
        rnd.rows = [{"candidate": r.candidate, "votes": r.votes, "percent": str(r.percent), "qualifies": r.qualifies,
                     "elected": r.elected, "tied": r.tied} for r in result.rows]
        rnd.elected, rnd.tie_revote = list(result.elected), list(result.tie_revote)
        rnd.next_step = result.next_step.value
        rnd.rules = list(el.rule_ids(*count.rules, *result.rules, *roll.rules, *minutes.rules))
        rnd.defaults = {**dict(count.defaults), **dict(result.defaults), **dict(roll.defaults)}
        rnd.signed_by = signed_by.strip()[:500] or ", ".join(
            m.full_name for m in selectors.body_members(congress, BodyKind.COUNTING))
        rnd.state, rnd.counted_at = RoundState.COUNTED, timezone.now()
        rnd.save()
        _move(actor, item, S.COUNTED, "round_count", {
            "round": rnd.number, "issued": rnd.issued, "collected": rnd.collected, "valid": rnd.valid,
            "invalid": rnd.invalid, "votes": rnd.votes, "roll": rnd.roll, "elected": rnd.elected,
            "tie_revote": rnd.tie_revote, "next_step": rnd.next_step, "rules": rnd.rules,
            "box_sha256": box.frozen_hash, "guards": list(guards)})
        return rnd


def round_announce(*, actor: Any, round_id: int) -> Round:
    """COUNTED → ANNOUNCED by the head of the counting committee; then, by the decision of the round,
    a re-vote among those tied at the cut-off (EL-40) or, with too few winners, the congress's decision
    on a further round (EL-41, EL-42)."""
    with transaction.atomic():
        rnd = _round(actor, round_id)
        item = rnd.item
        if rnd.state != RoundState.COUNTED:
            raise StateConflict("Vòng bầu chưa kiểm phiếu hoặc đã công bố.", "Not counted, or already announced.")
        rnd.state, rnd.announced_at = RoundState.ANNOUNCED, timezone.now()
        rnd.save(update_fields=["state", "announced_at"])
        _move(actor, item, S.ANNOUNCED, "round_announce", {"round": rnd.number, "elected": rnd.elected})
        result = selectors.round_result(rnd)
        after = el.state_after(result) if result is not None else S.ANNOUNCED
        if after is not S.ANNOUNCED:
            _move(actor, item, after, "round_next", {"round": rnd.number, "next_step": rnd.next_step,
                                                     "tie_revote": rnd.tie_revote,
                                                     "seats_unfilled": result.seats_unfilled if result else None})
        return rnd


def item_next_round_names(*, actor: Any, item_id: int, agree: int, disagree: int, attending: int) -> ElectionItem:
    """The congress decides (show of hands) that the further round may add new names (EL-41)."""
    _show_of_hands(agree, disagree, attending, field="names")
    with transaction.atomic():
        item = _item(actor, item_id)
        if item.state_enum is not S.NEXT_ROUND_PENDING:
            raise StateConflict("Chỉ khi đang chờ đại hội quyết định bầu tiếp.", "Only while a further round is "
                                "pending.")
        item.new_names_allowed = True
        item.save(update_fields=["new_names_allowed"])
        audit_record(actor=actor, action="election.next_round_names", target=item, org_path=item.congress.org_path,
                     after={"agree": agree, "disagree": disagree, "attending": attending, "rules": ["EL-41"]})
        return item


def item_next_round_hold(*, actor: Any, item_id: int, agree: int, disagree: int, attending: int) -> ElectionItem:
    """NEXT_ROUND_PENDING → LIST_APPROVED: the congress decides to elect the remaining seats (EL-41,
    EL-42); the surplus caps are only warnings in later rounds."""
    _show_of_hands(agree, disagree, attending, field="hold")
    with transaction.atomic():
        item = _item(actor, item_id)
        _session(item.congress, CongressState.IN_SESSION)
        guards = _transition(item, S.LIST_APPROVED)
        plan = selectors.next_round_plan(item)
        if plan is None or plan.kind is not el.RoundKind.FURTHER:
            raise StateConflict("Không có lần bầu tiếp nào để tổ chức.", "No further round to hold.")
        number = Round.objects.filter(item=item).count() + 1
        ids = {int(i) for i in plan.candidates}
        names = [c for c in Candidate.objects.filter(item=item).select_related("member")
                 if (c.pk in ids or (item.new_names_allowed and c.from_round == number)) and c.on_list]
        checks = selectors.list_checks(item, names, round_kind=el.RoundKind.FURTHER, seats=plan.seats)
        errors = [c for c in checks if c.error]
        _raise_checks(errors)
        item.list_agree, item.list_disagree, item.list_attending = agree, disagree, attending
        item.list_warnings = [c.code for c in checks if c.warning]
        item.save(update_fields=["list_agree", "list_disagree", "list_attending", "list_warnings"])
        _move(actor, item, S.LIST_APPROVED, "next_round_hold", {
            "round": number, "seats": plan.seats, "candidates": [c.member_id for c in names],
            "warnings": item.list_warnings, "guards": list(guards) + list(plan.rules)})
        return item


def item_close_unfilled(*, actor: Any, item_id: int, agree: int, disagree: int, attending: int) -> ElectionItem:
    """NEXT_ROUND_PENDING → CLOSED_UNFILLED: the congress decides to leave the seats vacant (EL-42)."""
    _show_of_hands(agree, disagree, attending, field="close")
    with transaction.atomic():
        item = _item(actor, item_id)
        _move(actor, item, S.CLOSED_UNFILLED, "item_close_unfilled", {
            "agree": agree, "disagree": disagree, "attending": attending,
            "elected": [c.member_id for c in selectors.winners(item)]})
        return item


# ---------------------------------------------------------------------------------------------
# Approval by the higher committee (chuẩn y) and positions


def item_submit(*, actor: Any, item_id: int, submitted_on: date) -> ElectionItem:
    """ANNOUNCED or CLOSED_UNFILLED → SUBMITTED: the request for chuẩn y (EL-47)."""
    with transaction.atomic():
        item = _item(actor, item_id)
        if not selectors.winners(item):
            raise ApplicationError("Chưa có ai trúng cử để trình chuẩn y.", "Nobody elected to submit.")
        item.submitted_on = submitted_on
        item.save(update_fields=["submitted_on"])
        _move(actor, item, S.SUBMITTED, "item_submit", {"submitted_on": submitted_on.isoformat()})
        return item


def _higher_write(actor: Any, congress: Congress) -> None:
    """Chuẩn y is the higher committee's: write scope over the parent organization (EL-47)."""
    org = congress.organization
    parent = Organization.objects.filter(pk=org.parent_id).first() if org.parent_id else None
    path = parent.path if parent is not None else org.path
    if not scope_for(actor).covers_path(path, write=True):
        raise Forbidden("Chỉ cấp ủy cấp trên chuẩn y kết quả bầu cử (EL-47).",
                        "Only the higher committee approves the results (EL-47).")


def item_approve(*, actor: Any, item_id: int, approving_body: str, decision_ref: str, decided_on: date,
                 refused_ids: Iterable[int] = (), annulled: bool = False) -> ElectionItem:
    """SUBMITTED → APPROVED, PARTLY_APPROVED or ANNULLED (EL-47, EL-48). Those approved become
    positions in the registry for the congress's term, starting on the decision date; the positions of
    the previous term with the same title end the day before."""
    errors = ErrorList()
    if not decision_ref.strip():
        errors.add("decision_ref", "Ghi số quyết định chuẩn y.", "Give the decision number.")
    if not approving_body.strip():
        errors.add("approving_body", "Ghi cấp ủy chuẩn y.", "Give the approving body.")
    errors.raise_if_any()
    with transaction.atomic():
        item = _item(actor, item_id)
        congress = item.congress
        _higher_write(actor, congress)
        elected = selectors.winners(item)
        refused = {int(i) for i in refused_ids}
        unknown = refused - {c.pk for c in elected}
        if unknown:
            raise ApplicationError("Người không chuẩn y phải là người trúng cử.", "Refused people must be elected.",
                                   field="refused")
        outcome = el.approval_outcome([str(c.pk) for c in elected], [str(i) for i in refused], annulled=annulled)
        target = {el.ApprovalState.APPROVED: S.APPROVED, el.ApprovalState.PARTLY_APPROVED: S.PARTLY_APPROVED,
                  el.ApprovalState.ANNULLED: S.ANNULLED}[outcome.state]
        _transition(item, target)
        item.approving_body, item.decision_ref = approving_body.strip()[:255], decision_ref.strip()[:100]
        item.decided_on, item.refused = decided_on, sorted(refused)
        item.save(update_fields=["approving_body", "decision_ref", "decided_on", "refused"])
        positions = _positions_for(actor, item, [c for c in elected if str(c.pk) in outcome.approved], decided_on)
        _move(actor, item, target, "item_approve", {
            "approved": [int(i) for i in outcome.approved], "refused": sorted(refused),
            "vacant_seats": outcome.vacant_seats, "decision_ref": item.decision_ref, "positions": positions,
            "rules": list(outcome.rules)})
        return item


def _positions_for(actor: Any, item: ElectionItem, approved: list[Candidate], start_on: date) -> list[int]:
    from partyorg.members.services import position_assign, position_end

    spec = POSITION_OF.get(item.kind_enum)
    if spec is None or not approved:
        return []
    title, title_text = spec
    congress = item.congress
    old = Position.objects.filter(organization=congress.organization, title=title,
                                  end_on__isnull=True).exclude(term_label=congress.term_label)
    if title_text:
        old = old.filter(title_text=title_text)
    for pos in old:
        position_end(actor=actor, position_id=pos.pk, end_on=max(pos.start_on, start_on - timedelta(days=1)),
                     decision_ref=item.decision_ref)
    made = []
    for c in approved:
        pos = position_assign(actor=actor, member_id=c.member_id, organization_id=congress.organization_id,
                              title=title, title_text=title_text, start_on=start_on, how_obtained="elected",
                              term_label=congress.term_label, decision_ref=item.decision_ref)
        made.append(pos.pk)
    return made


def item_reelect(*, actor: Any, item_id: int) -> ElectionItem:
    """ANNULLED → a new item in DRAFT: the re-election ordered by the higher committee (spec §4)."""
    with transaction.atomic():
        item = _item(actor, item_id)
        if item.state_enum is not S.ANNULLED:
            raise StateConflict("Chỉ bầu lại khi kết quả đã bị hủy.", "Only an annulled item is re-elected.")
        if hasattr(item, "reelection"):
            raise StateConflict("Đã tổ chức bầu lại.", "Already re-elected.")
        new = ElectionItem.objects.create(congress=item.congress, kind=item.kind, title=item.title, replaces=item)
        audit_record(actor=actor, action="election.item_reelect", target=new, org_path=item.congress.org_path,
                     after={"replaces": item.pk, "state": new.state, "rules": ["EL-48"]})
        return new
