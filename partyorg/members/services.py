"""Writes to member records, transfers and positions."""
from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from partyorg.core.audit import audit_record, changed, model_snapshot
from partyorg.core.errors import ApplicationError, ErrorList, Forbidden, NotFoundOrForbidden
from partyorg.core.scopes import scope_for
from partyorg.domain import members as rules
from partyorg.domain import names
from partyorg.organizations.models import Organization

from .models import (
    ActivityKind,
    ActivityRecord,
    Gender,
    HowObtained,
    Member,
    MemberStatus,
    MemberStatusChange,
    Position,
    PositionTitle,
    TheoryLevel,
)


@dataclass
class MemberData:
    full_name: str
    date_of_birth: date
    gender: str
    citizen_id: str
    admitted_on: date
    cell_id: int
    official_on: date | None = None
    party_card_number: str | None = None
    ethnicity: str = "Kinh"
    religion: str = "Không"
    place_of_origin: str = ""
    education_level: str = ""
    theory_level: str = ""
    status: str | None = None


def search_text_for(full_name: str, citizen_id: str, card: str | None) -> str:
    return names.searchable(full_name, citizen_id, card or "")[:300]


def validate_member_data(data: MemberData, *, today: date, errors: ErrorList, row: int | None = None,
                         exclude_pk: int | None = None, check_unique: bool = True) -> None:
    """All field checks of a member record, collected (not stopping at the first)."""
    if not names.normalize_name(data.full_name) or len(data.full_name.split()) < 2:
        errors.add("full_name", "Họ và tên phải có ít nhất họ và tên.", "Full name needs a family and a given name.",
                   row)
    if data.gender not in Gender.values:
        errors.add("gender", "Giới tính phải là Nam hoặc Nữ.", "Gender must be M or F.", row)
    if data.theory_level not in TheoryLevel.values:
        errors.add("theory_level", "Trình độ lý luận không hợp lệ.", "Unknown political theory level.", row)
    for p in filter(None, [rules.check_citizen_id(data.citizen_id), rules.check_party_card(data.party_card_number)]):
        errors.add(p.field, p.message_vi, p.message_en, row)
    for p in rules.check_member_dates(date_of_birth=data.date_of_birth, admitted_on=data.admitted_on,
                                      official_on=data.official_on, today=today):
        errors.add(p.field, p.message_vi, p.message_en, row)
    if data.status is not None and data.status not in MemberStatus.values:
        errors.add("status", "Tình trạng không hợp lệ.", "Unknown status.", row)
    if data.status == MemberStatus.OFFICIAL and data.official_on is None:
        errors.add("official_on", "Đảng viên chính thức phải có ngày chính thức.",
                   "An official member needs the official date.", row)
    if check_unique:
        if Member.objects.filter(citizen_id=data.citizen_id).exclude(pk=exclude_pk).exists():
            errors.add("citizen_id", f"Số CCCD {data.citizen_id} đã có trong hệ thống.",
                       f"Citizen ID {data.citizen_id} already exists.", row)
        if data.party_card_number and Member.objects.filter(
                party_card_number=data.party_card_number).exclude(pk=exclude_pk).exists():
            errors.add("party_card_number", f"Số thẻ {data.party_card_number} đã có trong hệ thống.",
                       f"Party card {data.party_card_number} already exists.", row)


def _writable_cell(actor: Any, cell_id: int) -> Organization:
    cell = Organization.objects.select_for_update().filter(pk=cell_id).first()
    scope = scope_for(actor)
    if cell is None or not scope.covers_path(cell.path):
        raise NotFoundOrForbidden()
    if not scope.covers_path(cell.path, write=True):
        raise Forbidden()
    if not cell.is_cell or cell.dissolved_on is not None:
        raise ApplicationError("Đảng viên chỉ sinh hoạt ở chi bộ đang hoạt động.",
                               "Members belong to an active party cell.", field="cell")
    return cell


def _locked_member(actor: Any, member_id: int) -> Member:
    m = Member.objects.select_for_update().filter(pk=member_id).first()
    scope = scope_for(actor)
    if m is None or not (scope.covers_path(m.org_path) or m.pk == scope.own_member_id):
        raise NotFoundOrForbidden()
    if not scope.covers_path(m.org_path, write=True):
        raise Forbidden()
    return m


def member_create(*, actor: Any, data: MemberData, today: date | None = None) -> Member:
    today = today or timezone.localdate()
    errors = ErrorList()
    validate_member_data(data, today=today, errors=errors)
    errors.raise_if_any()
    with transaction.atomic():
        cell = _writable_cell(actor, data.cell_id)
        status = data.status or (MemberStatus.OFFICIAL if data.official_on else MemberStatus.PROBATIONARY)
        member = Member(
            full_name=names.normalize_name(data.full_name), date_of_birth=data.date_of_birth, gender=data.gender,
            citizen_id=data.citizen_id, party_card_number=data.party_card_number or None,
            admitted_on=data.admitted_on, official_on=data.official_on, status=status, cell=cell,
            org_path=cell.path, ethnicity=data.ethnicity, religion=data.religion,
            place_of_origin=data.place_of_origin, education_level=data.education_level,
            theory_level=data.theory_level,
        )
        member.sort_key = names.name_sort_key(member.full_name)
        member.search_text = search_text_for(member.full_name, member.citizen_id, member.party_card_number)
        try:
            with transaction.atomic():
                member.save()
        except IntegrityError:
            raise ApplicationError("Số CCCD hoặc số thẻ đảng viên đã tồn tại.",
                                   "The citizen ID or party card number already exists.", field="citizen_id")
        ActivityRecord.objects.create(member=member, organization=cell, kind=ActivityKind.OFFICIAL,
                                      start_on=data.admitted_on)
        MemberStatusChange.objects.create(member=member, to_status=status, effective_on=data.admitted_on,
                                          reason="Khởi tạo hồ sơ")
        audit_record(actor=actor, action="member.create", target=member, org_path=cell.path,
                     after=model_snapshot(member))
        return member


EDITABLE = {f.name for f in fields(MemberData)} - {"cell_id", "status"}


def member_update(*, actor: Any, member_id: int, changes: dict[str, Any], today: date | None = None) -> Member:
    """Edit personal data (cell and status change through transfers and status changes)."""
    today = today or timezone.localdate()
    unknown = set(changes) - EDITABLE
    if unknown:
        raise ApplicationError(f"Không sửa được trường: {', '.join(sorted(unknown))}.",
                               f"Fields not editable here: {', '.join(sorted(unknown))}.")
    with transaction.atomic():
        m = _locked_member(actor, member_id)
        before = model_snapshot(m)
        current = {f.name: getattr(m, f.name) for f in fields(MemberData) if f.name not in {"cell_id", "status"}}
        current.update(changes)
        data = MemberData(cell_id=m.cell_id, status=None, **current)
        errors = ErrorList()
        validate_member_data(data, today=today, errors=errors, exclude_pk=m.pk)
        errors.raise_if_any()
        for k, v in changes.items():
            setattr(m, k, v)
        m.full_name = names.normalize_name(m.full_name)
        m.party_card_number = m.party_card_number or None
        m.sort_key = names.name_sort_key(m.full_name)
        m.search_text = search_text_for(m.full_name, m.citizen_id, m.party_card_number)
        m.save()
        b, a = changed(before, model_snapshot(m))
        audit_record(actor=actor, action="member.update", target=m, org_path=m.org_path, before=b, after=a)
        return m


def record_status(m: Member, new_status: str, effective_on: date, reason: str, decision_ref: str,
                  also_saved: tuple[str, ...] = ()) -> None:
    """Write a status change and its history row (the caller has checked it and audits it)."""
    MemberStatusChange.objects.create(member=m, from_status=m.status, to_status=new_status,
                                      effective_on=effective_on, reason=reason, decision_ref=decision_ref)
    m.status = new_status
    m.save(update_fields=["status", *also_saved, "updated_at"])


def member_change_status(*, actor: Any, member_id: int, new_status: str, effective_on: date, reason: str = "",
                         decision_ref: str = "") -> Member:
    with transaction.atomic():
        m = _locked_member(actor, member_id)
        problem = rules.check_status_transition(m.status, new_status)
        if problem:
            raise ApplicationError(problem.message_vi, problem.message_en, field=problem.field)
        if new_status == MemberStatus.OFFICIAL and m.official_on is None:
            m.official_on = effective_on
            for p in rules.check_member_dates(date_of_birth=m.date_of_birth, admitted_on=m.admitted_on,
                                              official_on=effective_on, today=max(effective_on, timezone.localdate())):
                raise ApplicationError(p.message_vi, p.message_en, field="effective_on")
        old = m.status
        record_status(m, new_status, effective_on, reason, decision_ref, also_saved=("official_on",))
        audit_record(actor=actor, action="member.status", target=m, org_path=m.org_path,
                     before={"status": old}, after={"status": new_status, "effective_on": effective_on.isoformat(),
                                                    "reason": reason, "decision_ref": decision_ref})
        return m


def member_transfer(*, actor: Any, member_id: int, to_org_id: int, kind: str, start_on: date,
                    decision_ref: str = "", note: str = "") -> ActivityRecord:
    """Transfer of party activity. OFFICIAL moves the member's cell (the sending side records it);
    TEMPORARY adds a temporary-activity record and keeps the official cell."""
    if kind not in ActivityKind.values:
        raise ApplicationError("Loại chuyển sinh hoạt không hợp lệ.", "Unknown transfer kind.", field="kind")
    with transaction.atomic():
        m = _locked_member(actor, member_id)
        dest = Organization.objects.filter(pk=to_org_id).first()
        # A destination outside the actor's write scope is reported exactly like a missing one: the
        # actor may neither change another subtree's roster nor learn which of its ids are cells.
        # Transfers between two subtrees are made by the commission whose scope covers both.
        if dest is None or not scope_for(actor).covers_path(dest.path, write=True):
            raise ApplicationError("Không tìm thấy tổ chức nhận trong phạm vi quản lý của bạn.",
                                   "Destination not found within your scope.", field="to_org")
        if not dest.is_cell or dest.dissolved_on is not None:
            raise ApplicationError("Tổ chức nhận phải là chi bộ đang hoạt động.",
                                   "The destination must be an active party cell.", field="to_org")
        if dest.pk == m.cell_id:
            raise ApplicationError("Đảng viên đang sinh hoạt tại chi bộ này.", "Already in this cell.",
                                   field="to_org")
        if kind == ActivityKind.OFFICIAL:
            open_rec = ActivityRecord.objects.filter(member=m, kind=ActivityKind.OFFICIAL, end_on__isnull=True).first()
            if open_rec and start_on < open_rec.start_on:
                raise ApplicationError("Ngày chuyển phải sau ngày bắt đầu sinh hoạt hiện tại.",
                                       "The transfer date must be after the current activity began.",
                                       field="start_on")
            ActivityRecord.objects.filter(member=m, kind=ActivityKind.OFFICIAL, end_on__isnull=True).update(
                end_on=start_on)
            ActivityRecord.objects.filter(member=m, kind=ActivityKind.TEMPORARY, end_on__isnull=True,
                                          organization=dest).update(end_on=start_on)
            old = {"cell_id": m.cell_id, "org_path": m.org_path}
            m.cell, m.org_path = dest, dest.path
            m.save(update_fields=["cell", "org_path", "updated_at"])
        else:
            ActivityRecord.objects.filter(member=m, kind=ActivityKind.TEMPORARY, end_on__isnull=True).update(
                end_on=start_on)
            old = {}
        rec = ActivityRecord.objects.create(member=m, organization=dest, kind=kind, start_on=start_on,
                                            decision_ref=decision_ref, note=note)
        audit_record(actor=actor, action=f"member.transfer.{kind}", target=m, org_path=old.get("org_path", m.org_path),
                     before=old, after={"to_org": dest.pk, "kind": kind, "start_on": start_on.isoformat(),
                                        "decision_ref": decision_ref})
        return rec


def member_end_temporary(*, actor: Any, member_id: int, end_on: date) -> None:
    with transaction.atomic():
        m = _locked_member(actor, member_id)
        n = ActivityRecord.objects.filter(member=m, kind=ActivityKind.TEMPORARY, end_on__isnull=True).update(
            end_on=end_on)
        if not n:
            raise ApplicationError("Không có sinh hoạt tạm thời đang mở.", "No open temporary activity.")
        audit_record(actor=actor, action="member.temporary_end", target=m, org_path=m.org_path,
                     after={"end_on": end_on.isoformat()})


def position_assign(*, actor: Any, member_id: int, organization_id: int, title: str, start_on: date,
                    how_obtained: str, title_text: str = "", term_label: str = "",
                    managing_authority_id: int | None = None, decision_ref: str = "") -> Position:
    errors = ErrorList()
    if title not in PositionTitle.values:
        errors.add("title", "Chức vụ không hợp lệ.", "Unknown position title.")
    if how_obtained not in HowObtained.values:
        errors.add("how_obtained", "Hình thức không hợp lệ (bầu, bổ nhiệm, chỉ định).",
                   "How obtained must be elected, appointed or designated.")
    errors.raise_if_any()
    with transaction.atomic():
        org = Organization.objects.select_for_update().filter(pk=organization_id).first()
        scope = scope_for(actor)
        if org is None or not scope.covers_path(org.path):
            raise NotFoundOrForbidden()
        if not scope.covers_path(org.path, write=True):
            raise Forbidden()
        member = Member.objects.filter(pk=member_id).first()
        if member is None or not scope.covers_path(member.org_path):
            raise NotFoundOrForbidden()
        single = {PositionTitle.SECRETARY, PositionTitle.ORG_COMMISSION_HEAD, PositionTitle.INSPECTION_HEAD}
        if title in single and Position.objects.filter(organization=org, title=title, end_on__isnull=True).exists():
            raise ApplicationError("Chức vụ này đang có người giữ: hãy kết thúc nhiệm kỳ trước.",
                                   "This post is held: end the current term first.", field="title")
        pos = Position.objects.create(
            member=member, organization=org, org_path=org.path, title=title, title_text=title_text,
            term_label=term_label, start_on=start_on, how_obtained=how_obtained,
            managing_authority_id=managing_authority_id, decision_ref=decision_ref)
        audit_record(actor=actor, action="position.assign", target=pos, org_path=org.path, after=model_snapshot(pos))
        return pos


def position_end(*, actor: Any, position_id: int, end_on: date, decision_ref: str = "") -> Position:
    with transaction.atomic():
        pos = Position.objects.select_for_update().filter(pk=position_id).first()
        scope = scope_for(actor)
        if pos is None or not scope.covers_path(pos.org_path):
            raise NotFoundOrForbidden()
        if not scope.covers_path(pos.org_path, write=True):
            raise Forbidden()
        if pos.end_on is not None:
            raise ApplicationError("Nhiệm kỳ đã kết thúc.", "The term has already ended.")
        if end_on < pos.start_on:
            raise ApplicationError("Ngày kết thúc trước ngày bắt đầu.", "End date before start date.", field="end_on")
        pos.end_on = end_on
        if decision_ref:
            pos.decision_ref = decision_ref
        pos.save()
        audit_record(actor=actor, action="position.end", target=pos, org_path=pos.org_path,
                     after={"end_on": end_on.isoformat(), "decision_ref": decision_ref})
        return pos
