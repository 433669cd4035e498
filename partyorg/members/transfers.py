"""Official transfers of party activity to an organization outside the sending commission's scope
(giấy giới thiệu sinh hoạt đảng): issue, receive, return, cancel. Services write (one transaction, rows
locked, audited); the selectors read what the actor's scope covers at either end of a letter.

Within one commission's scope ``services.member_transfer`` moves a member at once. Between two scopes
the sending side cannot write into the receiving subtree, so the move takes two steps, as on paper: the
sending commission issues the letter to a party committee directly under the Centre (a province, a
central bloc: the addressees a letter names; no organization of another subtree is revealed below that
level) and the member is "transferred out"; the receiving commission picks the cell. A returned or
cancelled letter puts the member back as they were.
"""
from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.db.models import QuerySet

from partyorg.core.audit import audit_record
from partyorg.core.errors import ApplicationError, ErrorList, Forbidden, NotFoundOrForbidden, StateConflict
from partyorg.core.scopes import scope_for
from partyorg.organizations.models import Organization

from .models import (
    ACTIVE_STATUSES,
    ActivityKind,
    ActivityRecord,
    LetterStatus,
    Member,
    MemberStatus,
    TransferLetter,
)
from .services import _locked_member, record_status

# Addressees a letter may name outside the sender's scope: the Centre and the committees directly under it.
MAX_FOREIGN_DEPTH = 2


def letter_issue(*, actor: Any, member_id: int, to_org_id: int, number: str, issued_on: date,
                 note: str = "") -> TransferLetter:
    errors = ErrorList()
    if not number.strip():
        errors.add("number", "Nhập số giấy giới thiệu.", "Enter the letter's number.")
    errors.raise_if_any()
    with transaction.atomic():
        m = _locked_member(actor, member_id)
        scope = scope_for(actor)
        dest = Organization.objects.filter(pk=to_org_id, dissolved_on__isnull=True).first()
        if dest is None or not (scope.covers_path(dest.path, write=True) or dest.depth <= MAX_FOREIGN_DEPTH):
            raise ApplicationError("Không tìm thấy tổ chức nhận trong phạm vi quản lý của bạn hoặc trong các đảng bộ "
                                   "trực thuộc Trung ương.", "Destination not found within your scope or among the "
                                   "committees directly under the Centre.", field="to_org")
        if m.cell.path.startswith(dest.path):
            raise ApplicationError("Tổ chức nhận đang quản lý chi bộ của đảng viên: dùng chuyển sinh hoạt trong phạm "
                                   "vi.", "The destination already covers the member's cell: use a transfer within "
                                   "the scope.", field="to_org")
        if m.status not in ACTIVE_STATUSES:
            raise ApplicationError("Chỉ cấp giấy giới thiệu cho đảng viên đang sinh hoạt.",
                                   "Letters are issued only for members in activity.", field="member")
        if TransferLetter.objects.filter(member=m, status=LetterStatus.ISSUED).exists():
            raise StateConflict("Đảng viên đã có giấy giới thiệu đang chờ nơi nhận.",
                                "The member already has a letter awaiting the destination.")
        letter = TransferLetter.objects.create(member=m, from_cell=m.cell, from_path=m.cell.path, to_org=dest,
                                               to_path=dest.path, number=number.strip(), issued_on=issued_on,
                                               note=note, previous_status=m.status)
        record_status(m, MemberStatus.TRANSFERRED_OUT, issued_on, f"Giấy giới thiệu đến {dest.name}", letter.number)
        audit_record(actor=actor, action="member.letter_issue", target=letter, org_path=m.org_path,
                     after={"member": m.pk, "to_org": dest.pk, "number": letter.number,
                            "issued_on": issued_on.isoformat()})
        return letter


def _locked_letter(actor: Any, letter_id: int, *, end: str) -> TransferLetter:
    letter = TransferLetter.objects.select_for_update().filter(pk=letter_id).first()
    scope = scope_for(actor)
    if letter is None or not (scope.covers_path(letter.from_path) or scope.covers_path(letter.to_path)):
        raise NotFoundOrForbidden()
    path = letter.to_path if end == "to" else letter.from_path
    if not scope.covers_path(path, write=True):
        raise Forbidden("Chỉ nơi nhận (hoặc nơi cấp, để hủy) được xử lý giấy giới thiệu này.",
                        "Only the receiving side (or the issuing side, to cancel) acts on this letter.")
    if letter.status != LetterStatus.ISSUED:
        raise StateConflict("Giấy giới thiệu đã được xử lý.", "The letter has already been dealt with.")
    return letter


def letter_receive(*, actor: Any, letter_id: int, cell_id: int, received_on: date) -> TransferLetter:
    with transaction.atomic():
        letter = _locked_letter(actor, letter_id, end="to")
        cell = Organization.objects.filter(pk=cell_id).first()
        scope = scope_for(actor)
        if cell is None or not scope.covers_path(cell.path, write=True) or not cell.path.startswith(letter.to_path):
            raise ApplicationError("Chi bộ nhận phải thuộc tổ chức ghi trên giấy giới thiệu và trong phạm vi của bạn.",
                                   "The receiving cell must lie under the letter's addressee and in your scope.",
                                   field="cell")
        if not cell.is_cell or cell.dissolved_on is not None:
            raise ApplicationError("Tổ chức nhận phải là chi bộ đang hoạt động.",
                                   "The destination must be an active party cell.", field="cell")
        if received_on < letter.issued_on:
            raise ApplicationError("Ngày tiếp nhận không thể trước ngày cấp giấy.",
                                   "The date received cannot precede the letter's date.", field="received_on")
        m = Member.objects.select_for_update().get(pk=letter.member_id)
        before = {"cell_id": m.cell_id, "org_path": m.org_path}
        ActivityRecord.objects.filter(member=m, end_on__isnull=True).update(end_on=received_on)
        ActivityRecord.objects.create(member=m, organization=cell, kind=ActivityKind.OFFICIAL, start_on=received_on,
                                      decision_ref=letter.number)
        m.cell, m.org_path = cell, cell.path
        m.save(update_fields=["cell", "org_path", "updated_at"])
        record_status(m, letter.previous_status, received_on, f"Tiếp nhận theo giấy giới thiệu {letter.number}",
                    letter.number)
        letter.status, letter.received_cell, letter.closed_on = LetterStatus.RECEIVED, cell, received_on
        letter.save(update_fields=["status", "received_cell", "closed_on"])
        audit_record(actor=actor, action="member.letter_receive", target=letter, org_path=cell.path, before=before,
                     after={"cell_id": cell.pk, "org_path": cell.path, "received_on": received_on.isoformat()})
        return letter


def _undo(actor: Any, letter_id: int, *, end: str, on: date, reason: str) -> TransferLetter:
    if not reason.strip():
        raise ApplicationError("Nhập lý do.", "Enter the reason.", field="reason")
    with transaction.atomic():
        letter = _locked_letter(actor, letter_id, end=end)
        m = Member.objects.select_for_update().get(pk=letter.member_id)
        record_status(m, letter.previous_status, on, reason, letter.number)
        letter.status = LetterStatus.RETURNED if end == "to" else LetterStatus.CANCELLED
        letter.closed_on, letter.close_reason = on, reason.strip()
        letter.save(update_fields=["status", "closed_on", "close_reason"])
        audit_record(actor=actor, action=f"member.letter_{letter.status}", target=letter,
                     org_path=letter.to_path if end == "to" else letter.from_path,
                     after={"reason": letter.close_reason, "on": on.isoformat()})
        return letter


def letter_return(*, actor: Any, letter_id: int, on: date, reason: str) -> TransferLetter:
    """The receiving side sends the letter back (wrong addressee, the member never came...)."""
    return _undo(actor, letter_id, end="to", on=on, reason=reason)


def letter_cancel(*, actor: Any, letter_id: int, on: date, reason: str) -> TransferLetter:
    """The issuing side withdraws a letter not yet received."""
    return _undo(actor, letter_id, end="from", on=on, reason=reason)


def letters_in_scope(*, actor: Any) -> QuerySet[TransferLetter]:
    scope = scope_for(actor)
    return (TransferLetter.objects.filter(scope.q("from_path") | scope.q("to_path"))
            .select_related("member", "from_cell", "to_org", "received_cell"))


def letter_get(*, actor: Any, letter_id: int) -> TransferLetter:
    letter = letters_in_scope(actor=actor).filter(pk=letter_id).first()
    if letter is None:
        raise NotFoundOrForbidden()
    return letter


def letters_incoming(*, actor: Any) -> QuerySet[TransferLetter]:
    """Letters waiting for the actor's side to receive them."""
    scope = scope_for(actor)
    return letters_in_scope(actor=actor).filter(scope.q("to_path", write=True), status=LetterStatus.ISSUED)


LETTER_REMINDER_DAYS = 30  # [default] a letter not received after this many days is shown to the sender


def letters_unreceived(*, actor: Any, today: date, days: int = LETTER_REMINDER_DAYS) -> QuerySet[TransferLetter]:
    """The actor's own letters still not received ``days`` after they were issued (the member may never
    have presented it): for the sending commission to follow up."""
    scope = scope_for(actor)
    return letters_in_scope(actor=actor).filter(scope.q("from_path", write=True), status=LetterStatus.ISSUED,
                                                issued_on__lte=today - timedelta(days=days))


def letter_sides(*, actor: Any, letter: TransferLetter) -> dict[str, bool]:
    scope = scope_for(actor)
    return {"receive": scope.covers_path(letter.to_path, write=True),
            "cancel": scope.covers_path(letter.from_path, write=True)}
