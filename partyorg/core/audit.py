"""The audit log: ``audit_record`` appends one chained event inside the caller's transaction.

The chain has ``PARTYORG_AUDIT_LANES`` lanes (docs/adr/0004): each event links to the previous event of
its lane, and a transaction writes all its events into the one lane whose head row it has locked. With
one lane (SQLite, whose writers are serialized anyway) this is a single linear chain; on PostgreSQL
several lanes let concurrent transactions (e.g. ballots cast at a conference) commit in parallel
instead of queueing on one head row until each commit has flushed."""
from __future__ import annotations

import hashlib
import json
import random
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
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
    fields = {
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
    if ev.lane != 1:  # lane 1 hashes as before lanes existed, so that older chains still verify
        fields["lane"] = ev.lane
    return fields


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
    head = _lock_lane()
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
        lane=head.pk,
        prev_hash=head.last_hash,
    )
    ev.hash = compute_hash(ev)
    ev.save(force_insert=True)
    head.last_hash = ev.hash
    head.last_id = ev.pk
    head.save(update_fields=["last_hash", "last_id"])
    return ev


def audit_lanes() -> int:
    conn = transaction.get_connection()
    if conn.vendor != "postgresql":
        return 1
    return max(1, int(getattr(settings, "PARTYORG_AUDIT_LANES", 1)))


def _lock_lane() -> AuditChainHead:
    """Lock the head of a lane for the rest of the transaction.

    The lane this connection used last is tried first: a transaction that already holds it gets it
    again at once, so a transaction never holds two lanes (and lanes cannot deadlock). Otherwise any
    lane no other transaction holds (SKIP LOCKED); when every lane is busy, wait for a random one
    (creating it if it does not exist yet: heads are created on first use)."""
    lanes = audit_lanes()
    heads = AuditChainHead.objects.select_for_update
    if lanes == 1:
        head, _ = heads().get_or_create(pk=1)
        return head
    conn = transaction.get_connection()
    preferred = getattr(conn, "_partyorg_audit_lane", None)
    head = None
    if preferred is not None and preferred <= lanes:
        head = heads(skip_locked=True).filter(pk=preferred).first()
    if head is None:
        head = heads(skip_locked=True).filter(pk__lte=lanes).order_by("?").first()
    if head is None:  # every existing lane is held by another transaction (or none exists yet)
        existing = set(AuditChainHead.objects.filter(pk__lte=lanes).values_list("pk", flat=True))
        missing = [n for n in range(1, lanes + 1) if n not in existing]
        lane = missing[0] if missing else random.randint(1, lanes)  # noqa: S311 - not a secret
        head, _ = heads().get_or_create(pk=lane)
    conn._partyorg_audit_lane = head.pk
    return head


@dataclass(frozen=True)
class ChainReport:
    checked: int
    broken_at: int | None
    reason: str

    @property
    def ok(self) -> bool:
        return self.broken_at is None


def audit_verify_chain(batch: int = 5000) -> ChainReport:
    """Walk every lane in id order; report the first event whose link or content does not match, or a
    lane whose head does not name its last event (events removed from the end)."""
    prev: dict[int, str] = {}
    last: dict[int, int] = {}
    checked = 0
    last_id = 0
    while True:
        rows = list(AuditEvent.objects.filter(id__gt=last_id).order_by("id")[:batch])
        if not rows:
            break
        for ev in rows:
            if ev.prev_hash != prev.get(ev.lane, GENESIS):
                return ChainReport(checked, ev.pk, "prev_hash does not match the previous event's hash")
            if compute_hash(ev) != ev.hash:
                return ChainReport(checked, ev.pk, "content does not match its hash")
            prev[ev.lane] = ev.hash
            last[ev.lane] = ev.pk
            checked += 1
            last_id = ev.pk
    for head in AuditChainHead.objects.order_by("pk"):
        if head.last_hash != prev.get(head.pk, GENESIS):
            return ChainReport(checked, head.last_id or None,
                               f"the last event of lane {head.pk} is missing (chain head differs)")
    for lane in prev:
        if not AuditChainHead.objects.filter(pk=lane).exists():
            return ChainReport(checked, last[lane], f"the head of lane {lane} is missing")
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
