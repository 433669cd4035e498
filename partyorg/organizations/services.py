"""Writes to the organization tree. One transaction per use case; nodes are locked in path order."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr

from partyorg.core.audit import audit_record, model_snapshot
from partyorg.core.errors import ApplicationError, ErrorList, Forbidden, NotFoundOrForbidden
from partyorg.core.scopes import scope_for
from partyorg.domain import names, tree

from .models import (
    CELL_TYPES,
    Organization,
    OrganizationVersion,
    OrgType,
    RestructuringDecision,
    RestructuringKind,
    RestructuringLink,
)


@dataclass(frozen=True)
class DecisionInput:
    number: str
    signed_on: date
    effective_on: date
    issuer_id: int | None = None
    issuer_name: str = ""
    note: str = ""


def _lock(ids: list[int]) -> dict[int, Organization]:
    """Lock organizations in a fixed order (by path) so concurrent restructurings cannot deadlock."""
    rows = list(Organization.objects.select_for_update().filter(pk__in=ids).order_by("path"))
    found = {o.pk: o for o in rows}
    if len(found) != len(set(ids)):
        raise NotFoundOrForbidden()
    return found


def _require_write(actor: Any, *orgs: Organization) -> None:
    scope = scope_for(actor)
    for org in orgs:
        if not scope.covers_path(org.path, write=True):
            if scope.covers_path(org.path):
                raise Forbidden()
            raise NotFoundOrForbidden()


def _search_text(name: str, short_name: str, code: str) -> str:
    return names.searchable(name, short_name, code)[:400]


def _decision(actor: Any, kind: str, d: DecisionInput) -> RestructuringDecision:
    problems = ErrorList()
    if not d.number.strip():
        problems.add("decision_number", "Cần số quyết định.", "The decision number is required.")
    if d.effective_on < d.signed_on:
        problems.add("effective_on", "Ngày hiệu lực không được trước ngày ký.",
                     "The effective date cannot be before the signing date.")
    problems.raise_if_any()
    dec = RestructuringDecision.objects.create(
        kind=kind, number=d.number.strip(), signed_on=d.signed_on, effective_on=d.effective_on,
        issuer_id=d.issuer_id, issuer_name=d.issuer_name, note=d.note, created_by_id=getattr(actor, "pk", None),
    )
    return dec


def _open_version(org: Organization, valid_from: date | None, decision: RestructuringDecision | None) -> None:
    OrganizationVersion.objects.create(
        organization=org, name=org.name, short_name=org.short_name, org_type=org.org_type,
        parent_id=org.parent_id, valid_from=valid_from, decision=decision,
    )


def _close_version(org: Organization, valid_to: date) -> None:
    OrganizationVersion.objects.filter(organization=org, valid_to__isnull=True).update(valid_to=valid_to)


def _next_child_path(parent: Organization | None) -> tuple[str, int]:
    if parent is None:
        last = (Organization.objects.select_for_update().filter(depth=1).order_by("-path")
                .values_list("path", flat=True).first())
        n = int(last, 36) + 1 if last else 1
        return tree.encode_segment(n), 1
    parent.children_seq += 1
    Organization.objects.filter(pk=parent.pk).update(children_seq=parent.children_seq)
    return tree.child_path(parent.path, parent.children_seq), parent.depth + 1


def _validate_org_fields(*, name: str, code: str, org_type: str, parent: Organization | None,
                         exclude_pk: int | None = None) -> None:
    problems = ErrorList()
    if not name.strip():
        problems.add("name", "Tên tổ chức là bắt buộc.", "The name is required.")
    if not code.strip():
        problems.add("code", "Mã tổ chức là bắt buộc.", "The code is required.")
    elif Organization.objects.filter(code=code.strip()).exclude(pk=exclude_pk).exists():
        problems.add("code", f"Mã '{code}' đã được dùng.", f"The code '{code}' is already used.")
    if org_type not in OrgType.values:
        problems.add("org_type", "Loại tổ chức không hợp lệ.", "Unknown organization type.")
    if parent is not None and parent.org_type in {OrgType.PARTY_GROUP}:
        problems.add("parent", "Tổ đảng không có tổ chức trực thuộc.", "A party group cannot have sub-organizations.")
    if parent is not None and parent.dissolved_on is not None:
        problems.add("parent", "Tổ chức cấp trên đã giải thể.", "The parent organization is dissolved.")
    problems.raise_if_any()


def organization_create(
    *, actor: Any, parent_id: int | None, name: str, code: str, org_type: str, short_name: str = "",
    address: str = "", established_on: date | None = None,
) -> Organization:
    with transaction.atomic():
        parent = None
        if parent_id is not None:
            parent = _lock([parent_id])[parent_id]
            _require_write(actor, parent)
        elif not scope_for(actor).operator:
            raise Forbidden()
        _validate_org_fields(name=name, code=code, org_type=org_type, parent=parent)
        path, depth = _next_child_path(parent)
        org = Organization.objects.create(
            name=name.strip(), short_name=short_name.strip(),
            code=code.strip(), org_type=org_type, parent=parent, path=path, depth=depth,
            sort_key=names.collation_key(name)[:400], search_text=_search_text(name, short_name, code),
            address=address, established_on=established_on,
        )
        _open_version(org, established_on, None)
        audit_record(actor=actor, action="organization.create", target=org, org_path=org.path,
                     after=model_snapshot(org))
        return org


def organization_update(*, actor: Any, org_id: int, short_name: str, code: str, address: str,
                        established_on: date | None) -> Organization:
    """Edit the non-historical fields (renames and moves are decisions: see below)."""
    with transaction.atomic():
        org = _lock([org_id])[org_id]
        _require_write(actor, org)
        _validate_org_fields(name=org.name, code=code, org_type=org.org_type, parent=None, exclude_pk=org.pk)
        before = model_snapshot(org)
        org.short_name, org.code, org.address, org.established_on = short_name, code.strip(), address, established_on
        org.search_text = _search_text(org.name, short_name, org.code)
        org.save()
        audit_record(actor=actor, action="organization.update", target=org, org_path=org.path,
                     before=before, after=model_snapshot(org))
        return org


def organization_rename(*, actor: Any, org_id: int, new_name: str, new_short_name: str,
                        decision: DecisionInput) -> Organization:
    with transaction.atomic():
        org = _lock([org_id])[org_id]
        _require_write(actor, org)
        if not new_name.strip():
            raise ApplicationError("Tên mới là bắt buộc.", "The new name is required.", field="name")
        dec = _decision(actor, RestructuringKind.RENAME, decision)
        before = model_snapshot(org, ["name", "short_name"])
        _close_version(org, decision.effective_on)
        org.name, org.short_name = new_name.strip(), new_short_name.strip()
        org.sort_key = names.collation_key(org.name)[:400]
        org.search_text = _search_text(org.name, org.short_name, org.code)
        org.save()
        _open_version(org, decision.effective_on, dec)
        RestructuringLink.objects.create(decision=dec, source=org, target=org)
        audit_record(actor=actor, action="organization.rename", target=org, org_path=org.path,
                     before=before, after={**model_snapshot(org, ["name", "short_name"]), "decision": dec.number})
        return org


def _rebase_subtree(old_prefix: str, new_prefix: str, depth_delta: int) -> None:
    """Rewrite the paths of a subtree and of its members and positions in three bulk updates."""
    from partyorg.members.models import Member, Position

    cut = len(old_prefix) + 1
    Organization.objects.filter(path__startswith=old_prefix).update(
        path=Concat(Value(new_prefix), Substr("path", cut)), depth=F("depth") + depth_delta)
    Member.objects.filter(org_path__startswith=old_prefix).update(
        org_path=Concat(Value(new_prefix), Substr("org_path", cut)))
    Position.objects.filter(org_path__startswith=old_prefix).update(
        org_path=Concat(Value(new_prefix), Substr("org_path", cut)))


def _move_under(org: Organization, new_parent: Organization) -> str:
    if new_parent.path.startswith(org.path):
        raise ApplicationError("Không thể chuyển một tổ chức vào trực thuộc chính nó hoặc cấp dưới của nó.",
                               "An organization cannot be moved under itself or its own subtree.",
                               field="new_parent")
    old_path = org.path
    new_path, new_depth = _next_child_path(new_parent)
    _rebase_subtree(old_path, new_path, new_depth - org.depth)
    Organization.objects.filter(pk=org.pk).update(parent=new_parent)
    org.refresh_from_db()
    return new_path


def organization_move(*, actor: Any, org_id: int, new_parent_id: int, decision: DecisionInput) -> Organization:
    with transaction.atomic():
        locked = _lock([org_id, new_parent_id])
        org, new_parent = locked[org_id], locked[new_parent_id]
        _require_write(actor, org, new_parent)
        if org.parent_id == new_parent.pk:
            raise ApplicationError("Tổ chức đã trực thuộc tổ chức này.", "Already under this parent.",
                                   field="new_parent")
        dec = _decision(actor, RestructuringKind.MOVE, decision)
        old = {"parent_id": org.parent_id, "path": org.path}
        _close_version(org, decision.effective_on)
        _move_under(org, new_parent)
        _open_version(org, decision.effective_on, dec)
        RestructuringLink.objects.create(decision=dec, source=org, target=new_parent)
        audit_record(actor=actor, action="organization.move", target=org, org_path=org.path, before=old,
                     after={"parent_id": org.parent_id, "path": org.path, "decision": dec.number})
        return org


def _transfer_contents(source: Organization, target: Organization, dec: RestructuringDecision,
                       effective_on: date, member_ids: list[int] | None = None) -> int:
    """Move members (official activity), current positions and direct children of ``source`` to ``target``."""
    from partyorg.members.models import ActivityKind, ActivityRecord, Member, Position

    members = Member.objects.filter(cell=source)
    if member_ids is not None:
        members = members.filter(pk__in=member_ids)
    ids = list(members.values_list("pk", flat=True))
    if ids:
        if not target.is_cell:
            raise ApplicationError(
                f"'{target.name}' không phải chi bộ nên không nhận đảng viên.",
                f"'{target.name}' is not a party cell and cannot receive members.", field="target")
        ActivityRecord.objects.filter(member_id__in=ids, kind=ActivityKind.OFFICIAL, end_on__isnull=True).update(
            end_on=effective_on)
        ActivityRecord.objects.bulk_create([
            ActivityRecord(member_id=i, organization=target, kind=ActivityKind.OFFICIAL, start_on=effective_on,
                           decision_ref=dec.number, note=f"{dec.get_kind_display()}: {source.name}")
            for i in ids])
        Member.objects.filter(pk__in=ids).update(cell=target, org_path=target.path)
    if member_ids is None:
        Position.objects.filter(organization=source, end_on__isnull=True).update(
            organization=target, org_path=target.path)
        for child in Organization.objects.filter(parent=source, dissolved_on__isnull=True).order_by("path"):
            _close_version(child, effective_on)
            _move_under(child, target)
            _open_version(child, effective_on, dec)
    return len(ids)


def _dissolve(org: Organization, on: date, successor: Organization | None) -> None:
    _close_version(org, on)
    Organization.objects.filter(pk=org.pk).update(dissolved_on=on, successor=successor)


def organizations_merge(
    *, actor: Any, source_ids: list[int], decision: DecisionInput, target_id: int | None = None,
    new_target: dict[str, Any] | None = None,
) -> Organization:
    """Merge several organizations into an existing one or into a new one created under ``parent_id``.

    Members, current positions and sub-organizations move to the target; the sources are dissolved on
    the effective date with the target as successor and stay visible in history.
    """
    if (target_id is None) == (new_target is None):
        raise ApplicationError("Chọn tổ chức nhận hoặc khai báo tổ chức mới.",
                               "Give either an existing target or a new one.", field="target")
    if len(set(source_ids)) < 1 or (target_id is None and len(set(source_ids)) < 2):
        raise ApplicationError("Cần ít nhất hai tổ chức để hợp nhất.", "At least two organizations are needed.",
                               field="sources")
    if target_id is not None and target_id in source_ids:
        raise ApplicationError("Tổ chức nhận không được nằm trong danh sách bị sáp nhập.",
                               "The target cannot be one of the sources.", field="target")
    with transaction.atomic():
        lock_ids = list(source_ids) + ([target_id] if target_id else [new_target["parent_id"]])
        locked = _lock(lock_ids)
        sources = [locked[i] for i in source_ids]
        _require_write(actor, *locked.values())
        for s in sources:
            if s.dissolved_on is not None:
                raise ApplicationError(f"'{s.name}' đã giải thể.", f"'{s.name}' is already dissolved.",
                                       field="sources")
        dec = _decision(actor, RestructuringKind.MERGE, decision)
        if target_id is not None:
            target = locked[target_id]
        else:
            parent = locked[new_target["parent_id"]]
            _validate_org_fields(name=new_target["name"], code=new_target["code"],
                                 org_type=new_target["org_type"], parent=parent)
            path, depth = _next_child_path(parent)
            target = Organization.objects.create(
                name=new_target["name"].strip(), short_name=new_target.get("short_name", ""),
                code=new_target["code"].strip(), org_type=new_target["org_type"], parent=parent, path=path,
                depth=depth, sort_key=names.collation_key(new_target["name"])[:400],
                search_text=_search_text(new_target["name"], new_target.get("short_name", ""), new_target["code"]),
                address=new_target.get("address", ""), established_on=decision.effective_on,
            )
            _open_version(target, decision.effective_on, dec)
            audit_record(actor=actor, action="organization.create", target=target, org_path=target.path,
                         after={**model_snapshot(target), "decision": dec.number})
        for s in sorted(sources, key=lambda o: o.path):
            s.refresh_from_db()
            moved = _transfer_contents(s, target, dec, decision.effective_on)
            _dissolve(s, decision.effective_on, target)
            RestructuringLink.objects.create(decision=dec, source=s, target=target, members_moved=moved)
            audit_record(actor=actor, action="organization.merge", target=s, org_path=s.path,
                         before={"dissolved_on": None},
                         after={"dissolved_on": decision.effective_on.isoformat(), "successor_id": target.pk,
                                "members_moved": moved, "decision": dec.number})
        target.refresh_from_db()
        return target


def organization_split(*, actor: Any, source_id: int, parts: list[dict[str, Any]],
                       decision: DecisionInput) -> list[Organization]:
    """Split one organization into new ones under the same parent.

    Each part: name, code, org_type, member_ids (list), child_ids (list). Every member and active child of
    the source must be assigned to exactly one part.
    """
    from partyorg.members.models import Member

    if len(parts) < 2:
        raise ApplicationError("Chia tách cần ít nhất hai tổ chức mới.", "A split needs at least two parts.",
                               field="parts")
    with transaction.atomic():
        source = _lock([source_id])[source_id]
        parent = _lock([source.parent_id])[source.parent_id] if source.parent_id else None
        _require_write(actor, source, *([parent] if parent else []))
        all_members = set(Member.objects.filter(cell=source).values_list("pk", flat=True))
        all_children = set(Organization.objects.filter(parent=source, dissolved_on__isnull=True)
                           .values_list("pk", flat=True))
        seen_m: set[int] = set()
        seen_c: set[int] = set()
        problems = ErrorList()
        for i, part in enumerate(parts):
            for mid in part.get("member_ids", []):
                if mid not in all_members or mid in seen_m:
                    problems.add(f"parts[{i}].member_ids", f"Đảng viên {mid} không thuộc tổ chức hoặc bị gán hai lần.",
                                 f"Member {mid} is not in the source or is assigned twice.")
                seen_m.add(mid)
            for cid in part.get("child_ids", []):
                if cid not in all_children or cid in seen_c:
                    problems.add(f"parts[{i}].child_ids", f"Tổ chức {cid} không trực thuộc hoặc bị gán hai lần.",
                                 f"Organization {cid} is not a child of the source or is assigned twice.")
                seen_c.add(cid)
        if seen_m != all_members:
            problems.add("parts", f"Còn {len(all_members - seen_m)} đảng viên chưa được phân về tổ chức mới.",
                         f"{len(all_members - seen_m)} members are not assigned to a part.")
        if seen_c != all_children:
            problems.add("parts", "Còn tổ chức trực thuộc chưa được phân về tổ chức mới.",
                         "Some sub-organizations are not assigned to a part.")
        problems.raise_if_any()
        dec = _decision(actor, RestructuringKind.SPLIT, decision)
        created: list[Organization] = []
        for part in parts:
            _validate_org_fields(name=part["name"], code=part["code"], org_type=part["org_type"], parent=parent)
            path, depth = _next_child_path(parent)
            new = Organization.objects.create(
                name=part["name"].strip(), code=part["code"].strip(), org_type=part["org_type"], parent=parent,
                path=path, depth=depth, sort_key=names.collation_key(part["name"])[:400],
                search_text=_search_text(part["name"], "", part["code"]), established_on=decision.effective_on)
            _open_version(new, decision.effective_on, dec)
            moved = _transfer_contents(source, new, dec, decision.effective_on, member_ids=part.get("member_ids", []))
            for cid in part.get("child_ids", []):
                child = Organization.objects.get(pk=cid)
                _close_version(child, decision.effective_on)
                _move_under(child, new)
                _open_version(child, decision.effective_on, dec)
            RestructuringLink.objects.create(decision=dec, source=source, target=new, members_moved=moved)
            audit_record(actor=actor, action="organization.split_part", target=new, org_path=new.path,
                         after={**model_snapshot(new), "from": source.pk, "members_moved": moved,
                                "decision": dec.number})
            created.append(new)
        from partyorg.members.models import Position
        Position.objects.filter(organization=source, end_on__isnull=True).update(end_on=decision.effective_on)
        _dissolve(source, decision.effective_on, None)
        audit_record(actor=actor, action="organization.split", target=source, org_path=source.path,
                     after={"dissolved_on": decision.effective_on.isoformat(), "into": [o.pk for o in created],
                            "decision": dec.number})
        return created


def organization_dissolve(*, actor: Any, org_id: int, decision: DecisionInput) -> Organization:
    from partyorg.members.models import ACTIVE_STATUSES, Member

    with transaction.atomic():
        org = _lock([org_id])[org_id]
        _require_write(actor, org)
        if org.dissolved_on is not None:
            raise ApplicationError("Tổ chức đã giải thể.", "Already dissolved.")
        if Organization.objects.filter(parent=org, dissolved_on__isnull=True).exists():
            raise ApplicationError("Còn tổ chức trực thuộc: hãy chuyển hoặc giải thể trước.",
                                   "It still has sub-organizations: move or dissolve them first.")
        if Member.objects.filter(cell=org, status__in=ACTIVE_STATUSES).exists():
            raise ApplicationError("Còn đảng viên sinh hoạt: hãy chuyển sinh hoạt trước.",
                                   "It still has active members: transfer them first.")
        dec = _decision(actor, RestructuringKind.DISSOLVE, decision)
        _dissolve(org, decision.effective_on, None)
        RestructuringLink.objects.create(decision=dec, source=org, target=None)
        audit_record(actor=actor, action="organization.dissolve", target=org, org_path=org.path,
                     after={"dissolved_on": decision.effective_on.isoformat(), "decision": dec.number})
        org.refresh_from_db()
        return org


__all__ = [
    "CELL_TYPES", "DecisionInput", "organization_create", "organization_dissolve", "organization_move",
    "organization_rename", "organization_split", "organization_update", "organizations_merge",
]
