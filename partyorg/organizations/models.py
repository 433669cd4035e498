from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

PATH_STEP = 5  # base-36 characters per tree level


class OrgType(models.TextChoices):
    CENTRAL = "central", _("Cấp Trung ương")
    PROVINCIAL = "provincial", _("Đảng bộ trực thuộc Trung ương")
    DISTRICT = "district", _("Đảng bộ cấp huyện")
    GRASSROOTS_COMMITTEE = "grassroots_committee", _("Đảng bộ cơ sở")
    PARTIAL_COMMITTEE = "partial_committee", _("Đảng bộ bộ phận")
    GRASSROOTS_CELL = "grassroots_cell", _("Chi bộ cơ sở")
    CELL = "cell", _("Chi bộ trực thuộc")
    PARTY_GROUP = "party_group", _("Tổ đảng")
    PARTY_DELEGATION = "party_delegation", _("Đảng đoàn")
    CADRE_AFFAIRS = "cadre_affairs", _("Ban cán sự đảng")


CELL_TYPES = {OrgType.GRASSROOTS_CELL, OrgType.CELL}


class Organization(models.Model):
    """A party organization. ``path`` is the materialized path: a subtree is one prefix match."""

    name = models.CharField(_("Tên"), max_length=255)
    short_name = models.CharField(_("Tên viết tắt"), max_length=100, blank=True)
    code = models.CharField(_("Mã"), max_length=40, unique=True)
    org_type = models.CharField(_("Loại"), max_length=30, choices=OrgType.choices)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    path = models.CharField(max_length=255, unique=True)
    depth = models.PositiveSmallIntegerField(default=1)
    children_seq = models.PositiveIntegerField(default=0)
    sort_key = models.CharField(max_length=400, db_index=True, default="")
    search_text = models.CharField(max_length=400, default="")
    address = models.CharField(_("Địa chỉ"), max_length=300, blank=True)
    established_on = models.DateField(_("Ngày thành lập"), null=True, blank=True)
    dissolved_on = models.DateField(_("Ngày giải thể / sáp nhập"), null=True, blank=True)
    successor = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="predecessors")

    class Meta:
        ordering = ["path"]
        indexes = [
            models.Index(fields=["path"], name="org_path_like_idx", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["parent", "sort_key"], name="org_parent_sort_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.dissolved_on is None

    @property
    def is_cell(self) -> bool:
        return self.org_type in CELL_TYPES


class RestructuringKind(models.TextChoices):
    CREATE = "create", _("Thành lập")
    MERGE = "merge", _("Hợp nhất / sáp nhập")
    SPLIT = "split", _("Chia tách")
    MOVE = "move", _("Điều chuyển trực thuộc")
    RENAME = "rename", _("Đổi tên")
    DISSOLVE = "dissolve", _("Giải thể")


class RestructuringDecision(models.Model):
    """The decision (number, date, issuing organization) behind a change of the tree."""

    kind = models.CharField(max_length=20, choices=RestructuringKind.choices)
    number = models.CharField(_("Số quyết định"), max_length=60)
    signed_on = models.DateField(_("Ngày ký"))
    effective_on = models.DateField(_("Ngày hiệu lực"))
    issuer = models.ForeignKey(Organization, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    issuer_name = models.CharField(_("Cơ quan ban hành"), max_length=255, blank=True)
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-effective_on", "-id"]

    def __str__(self) -> str:
        return f"{self.number} ({self.get_kind_display()})"


class RestructuringLink(models.Model):
    """One edge of a restructuring: source organization -> target organization."""

    decision = models.ForeignKey(RestructuringDecision, on_delete=models.PROTECT, related_name="links")
    source = models.ForeignKey(Organization, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    target = models.ForeignKey(Organization, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    members_moved = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.source_id} -> {self.target_id}"


class OrganizationVersion(models.Model):
    """What an organization was called and where it sat, from ``valid_from`` to ``valid_to``.

    The tree "as of" a date is read from these rows.
    """

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="versions")
    name = models.CharField(max_length=255)
    short_name = models.CharField(max_length=100, blank=True)
    org_type = models.CharField(max_length=30, choices=OrgType.choices)
    parent = models.ForeignKey(Organization, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)  # exclusive
    decision = models.ForeignKey(RestructuringDecision, null=True, blank=True, on_delete=models.PROTECT)

    class Meta:
        ordering = ["organization_id", "valid_from"]
        indexes = [models.Index(fields=["parent", "valid_from", "valid_to"], name="orgver_parent_idx")]

    def __str__(self) -> str:
        return f"{self.name} [{self.valid_from}..{self.valid_to})"
