from __future__ import annotations

from django.db import models


class AuditEvent(models.Model):
    """Append-only, hash-chained record of every change.

    Database triggers (see migration 0002) refuse UPDATE and DELETE; each row's hash covers its
    content and the previous row's hash, so an edit made behind the triggers' back is detected by
    ``manage.py audit_verify``. The actor is kept as a plain id and a text so that nothing ever has
    to update this table.
    """

    at = models.DateTimeField()
    actor_id = models.BigIntegerField(null=True, blank=True)
    actor_repr = models.CharField(max_length=200, blank=True)
    action = models.CharField(max_length=80, db_index=True)
    target_type = models.CharField(max_length=80)
    target_id = models.CharField(max_length=64)
    target_repr = models.CharField(max_length=300, blank=True)
    org_path = models.CharField(max_length=255, blank=True, db_index=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    lane = models.PositiveSmallIntegerField(default=1)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["target_type", "target_id"], name="audit_target_idx")]

    def __str__(self) -> str:
        return f"#{self.pk} {self.action} {self.target_type}:{self.target_id}"


class AuditChainHead(models.Model):
    """The head of one lane of the audit chain (pk = lane number). A writer locks one lane's head for its
    whole transaction, so each lane stays linear; see ``core.audit`` and docs/adr/0004."""

    last_hash = models.CharField(max_length=64, default="0" * 64)
    last_id = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"audit head #{self.last_id}"
