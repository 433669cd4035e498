"""Secret ballots, shared by confidence votes and elections.

*Who* voted (``Participation``) and *what* was voted (``BallotPaper``) live in two tables with no key,
timestamp or ordering that links them:

- a ballot paper has a random UUID id, no voter, no time, and is rewritten in random order when the
  box closes (so insertion order and row ids say nothing about casting order);
- a participation row is created with the roster, before voting, so its id says nothing either;
- kiosk codes are printed and handed out unnamed; a code row records only that it was used.

Both tables are written in one transaction when a vote is cast, and a conditional update on the
participation row makes a second cast impossible even under concurrent requests.
"""
from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class BoxState(models.TextChoices):
    DRAFT = "draft", _("Chuẩn bị")
    OPEN = "open", _("Đang bỏ phiếu")
    CLOSED = "closed", _("Đã khóa hòm phiếu")


class ElectronicRule(models.TextChoices):
    ONE_PER_ITEM = "one_per_item", _("Mỗi dòng đánh dấu đúng một ô")
    KEEP_AT_MOST = "keep_at_most", _("Giữ lại không quá số lượng cần bầu")


class BallotBox(models.Model):
    kind = models.CharField(max_length=20)  # "confidence", "election"
    ref_id = models.CharField(max_length=64)
    title = models.CharField(max_length=300)
    org_path = models.CharField(max_length=255, db_index=True)
    items = models.JSONField(default=list)          # [{"id", "label", "detail"}] in ballot order
    mark_choices = models.JSONField(default=list)   # [{"code", "key", "label"}]
    flag_choices = models.JSONField(default=list)   # whole-ballot flags for paper entry
    electronic_rule = models.CharField(max_length=20, choices=ElectronicRule.choices,
                                       default=ElectronicRule.ONE_PER_ITEM)
    keep_code = models.CharField(max_length=10, blank=True)
    max_kept = models.PositiveIntegerField(null=True, blank=True)
    electronic = models.BooleanField(default=True)
    state = models.CharField(max_length=10, choices=BoxState.choices, default=BoxState.DRAFT)
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    frozen_hash = models.CharField(max_length=64, blank=True)
    frozen_count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "ref_id"], name="uniq_box_per_ref")]

    def __str__(self) -> str:
        return self.title

    @property
    def item_ids(self) -> list[str]:
        return [str(i["id"]) for i in self.items]


class Participation(models.Model):
    """Who is on the roster, who was present, who received a ballot, who voted electronically."""

    box = models.ForeignKey(BallotBox, on_delete=models.PROTECT, related_name="participations")
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="+")
    present = models.BooleanField(default=False)
    ballot_issued = models.BooleanField(default=False)
    voted = models.BooleanField(default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["box", "member"], name="uniq_participation")]

    def __str__(self) -> str:
        return f"{self.box_id}:{self.member_id}"


class BallotPaper(models.Model):
    """What was voted. No voter, no time. ``receipt`` is known only to the voter who cast it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    box = models.ForeignKey(BallotBox, on_delete=models.PROTECT, related_name="papers")
    source = models.CharField(max_length=1)  # "e" electronic, "p" paper (double-entered)
    receipt = models.CharField(max_length=20, blank=True, db_index=True)
    payload = models.JSONField()

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return str(self.id)


class KioskCode(models.Model):
    """A one-time code printed on an unnamed slip and handed to a present voter."""

    box = models.ForeignKey(BallotBox, on_delete=models.PROTECT, related_name="kiosk_codes")
    digest = models.CharField(max_length=64, unique=True)
    used = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"{self.box_id}:{self.digest[:8]}"


class PaperEntry(models.Model):
    """One clerk's entry of one numbered paper ballot; every paper is entered by two clerks."""

    box = models.ForeignKey(BallotBox, on_delete=models.PROTECT, related_name="paper_entries")
    paper_no = models.PositiveIntegerField()
    clerk = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    payload = models.JSONField()
    entered_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["box", "paper_no", "clerk"], name="uniq_entry_per_clerk")]
        ordering = ["paper_no", "id"]

    def __str__(self) -> str:
        return f"{self.box_id}#{self.paper_no} by {self.clerk_id}"


class PaperResolution(models.Model):
    """The counting committee's ruling on a paper whose two entries differ (after looking at the sheet)."""

    box = models.ForeignKey(BallotBox, on_delete=models.PROTECT, related_name="resolutions")
    paper_no = models.PositiveIntegerField()
    payload = models.JSONField()
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["box", "paper_no"], name="uniq_resolution")]

    def __str__(self) -> str:
        return f"{self.box_id}#{self.paper_no} resolved"
