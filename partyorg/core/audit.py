"""The audit log: ``audit_record`` appends one chained event inside the caller's transaction."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from .models import AuditChainHead, AuditEvent

GENESIS = "0" * 64
NOISE = {"updated_at", "created_at"}


def _jsonable(value: Any) -> Any:
    if value is None:
        return None
    return json.loads(json.dumps(value, default=str, ensure_ascii=False))


def _canonical(fields: dict[str, Any]) -> str:
    return json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def _hash_fields(ev: AuditEvent) -> dict[str, Any]:
    at = ev.at.astimezone(UTC).isoformat(timespec="microseconds")
    return {
        "at": at,
        "actor_id": ev.actor_id,
        "actor_repr": ev.actor_repr,
        "action": ev.action,
        "target_type": ev.target_type,
        "target_id": ev.target_id,
        "target_repr": ev.target_repr,
        "org_path": ev.org_path,
        "before": ev.before,
        "after": ev.after,
        "prev_hash": ev.prev_hash,
    }


def compute_hash(ev: AuditEvent) -> str:
    return hashlib.sha256(_canonical(_hash_fields(ev)).encode("utf-8")).hexdigest()


def audit_record(
    *,
    actor: Any,
    action: str,
    target: Any = None,
    target_type: str | None = None,
    target_id: Any = None,
    target_repr: str | None = None,
    org_path: str = "",
    before: Any = None,
    after: Any = None,
) -> AuditEvent:
    """Append an audit event. Must run inside the transaction of the change it records."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_record must be called inside the change's transaction")
    head, _ = AuditChainHead.objects.select_for_update().get_or_create(pk=1)
    if target is not None:
        target_type = target_type or target._meta.label_lower
        target_id = target.pk if target_id is None else target_id
        target_repr = str(target) if target_repr is None else target_repr
    actor_id = getattr(actor, "pk", None) if actor is not None else None
    actor_repr = getattr(actor, "username", "") if actor is not None else "system"
    ev = AuditEvent(
        at=timezone.now().astimezone(UTC).replace(tzinfo=UTC),
        actor_id=actor_id,
        actor_repr=str(actor_repr)[:200],
        action=action,
        target_type=target_type or "",
        target_id=str(target_id if target_id is not None else ""),
        target_repr=(target_repr or "")[:300],
        org_path=org_path or "",
        before=_jsonable(before),
        after=_jsonable(after),
        prev_hash=head.last_hash,
    )
    ev.hash = compute_hash(ev)
    ev.save(force_insert=True)
    head.last_hash = ev.hash
    head.last_id = ev.pk
    head.save(update_fields=["last_hash", "last_id"])
    return ev


@dataclass(frozen=True)
class ChainReport:
    checked: int
    broken_at: int | None
    reason: str

    @property
    def ok(self) -> bool:
        return self.broken_at is None


def audit_verify_chain(batch: int = 5000) -> ChainReport:
    """Walk the chain in id order; report the first event whose link or content does not match."""
    prev = GENESIS
    checked = 0
    last_id = 0
    while True:
        rows = list(AuditEvent.objects.filter(id__gt=last_id).order_by("id")[:batch])
        if not rows:
            break
        for ev in rows:
            if ev.prev_hash != prev:
                return ChainReport(checked, ev.pk, "prev_hash does not match the previous event's hash")
            if compute_hash(ev) != ev.hash:
                return ChainReport(checked, ev.pk, "content does not match its hash")
            prev = ev.hash
            checked += 1
            last_id = ev.pk
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is not None and head.last_hash != prev:
        return ChainReport(checked, head.last_id or None, "the last event is missing (chain head differs)")
    return ChainReport(checked, None, "")


def model_snapshot(obj: Any, fields: list[str] | None = None) -> dict[str, Any]:
    """A JSON-able dict of a model instance's concrete fields (foreign keys as ids)."""
    data: dict[str, Any] = {}
    for f in obj._meta.concrete_fields:
        if fields is not None and f.name not in fields:
            continue
        data[f.attname] = getattr(obj, f.attname)
    return _jsonable(data)


def changed(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Only the keys whose value changed, for compact audit entries."""
    keys = [k for k in after if before.get(k) != after.get(k) and k not in NOISE]
    return {k: before.get(k) for k in keys}, {k: after.get(k) for k in keys}


def now_utc() -> datetime:
    return timezone.now()
