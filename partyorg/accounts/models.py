from __future__ import annotations

import hashlib
import secrets

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A person who logs in. ``member`` links a party member to their own record (role MEMBER)."""

    full_name = models.CharField(_("Họ và tên"), max_length=200, blank=True)
    member = models.OneToOneField(
        "members.Member", null=True, blank=True, on_delete=models.SET_NULL, related_name="user_account"
    )

    def __str__(self) -> str:
        return self.full_name or self.username


class Role(models.TextChoices):
    OPERATOR = "operator", _("Quản trị hệ thống")
    STAFF = "staff", _("Cán bộ ban tổ chức")
    LEADER = "leader", _("Lãnh đạo cấp ủy (xem)")
    SECRETARY = "secretary", _("Bí thư chi bộ")
    MEMBER = "member", _("Đảng viên")


WRITE_ROLES = {Role.OPERATOR, Role.STAFF, Role.SECRETARY}
SECOND_FACTOR_ROLES = {Role.OPERATOR, Role.STAFF, Role.LEADER, Role.SECRETARY}


class RoleGrant(models.Model):
    """A role on an organization, covering its whole subtree (MEMBER: only the user's own record)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_grants")
    organization = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=20, choices=Role.choices)
    granted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "organization", "role"], name="uniq_role_grant")]

    def __str__(self) -> str:
        return f"{self.user} {self.role} @ {self.organization_id}"


class ApiToken(models.Model):
    """Bearer token for the JSON API; only its SHA-256 is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=12, db_index=True)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def digest_of(raw: str) -> str:
        return hashlib.sha256(raw.encode()).hexdigest()

    @classmethod
    def new_raw(cls) -> str:
        return "po_" + secrets.token_urlsafe(32)
