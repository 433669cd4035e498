"""User administration: operators create accounts and grant roles inside their own scope."""
from __future__ import annotations

from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from partyorg.core.audit import audit_record
from partyorg.core.errors import ApplicationError, ErrorList, Forbidden, NotFoundOrForbidden
from partyorg.core.scopes import reset_scope_cache, scope_for
from partyorg.domain.tree import PATH_STEP as ROOT_PATH_LEN
from partyorg.organizations.models import Organization

from .models import ApiToken, Role, RoleGrant, User


def _require_operator(actor: Any, org: Organization | None = None) -> None:
    scope = scope_for(actor)
    if not scope.operator:
        raise Forbidden("Chỉ quản trị hệ thống được quản lý tài khoản.", "Only operators manage accounts.")
    if org is not None and not scope.covers_path(org.path, write=True):
        raise NotFoundOrForbidden()


def user_create(*, actor: Any, username: str, full_name: str, password: str, member_id: int | None = None) -> User:
    _require_operator(actor)
    errors = ErrorList()
    username = username.strip()
    if not username or not username.replace(".", "").replace("_", "").isalnum():
        errors.add("username", "Tên đăng nhập chỉ gồm chữ, số, dấu chấm, gạch dưới.",
                   "Usernames use letters, digits, dots and underscores.")
    try:
        validate_password(password)
    except ValidationError as exc:
        errors.add("password", " ".join(exc.messages), " ".join(exc.messages))
    errors.raise_if_any()
    with transaction.atomic():
        if member_id is not None:
            from partyorg.members.models import Member

            m = Member.objects.filter(pk=member_id).first()
            if m is None or not scope_for(actor).covers_path(m.org_path):
                raise NotFoundOrForbidden()
        try:
            with transaction.atomic():
                user = User.objects.create_user(username, password=password, full_name=full_name.strip(),
                                                member_id=member_id)
        except IntegrityError:
            raise ApplicationError("Tên đăng nhập hoặc đảng viên đã có tài khoản.",
                                   "The username or the member already has an account.", field="username")
        audit_record(actor=actor, action="account.create", target=user,
                     after={"username": user.username, "full_name": user.full_name, "member_id": member_id})
        return user


def role_grant(*, actor: Any, user_id: int, organization_id: int, role: str) -> RoleGrant:
    if role not in Role.values:
        raise ApplicationError("Vai trò không hợp lệ.", "Unknown role.", field="role")
    with transaction.atomic():
        org = Organization.objects.filter(pk=organization_id).first()
        if org is None:
            raise NotFoundOrForbidden()
        _require_operator(actor, org)
        user = User.objects.select_for_update().filter(pk=user_id).first()
        if user is None:
            raise NotFoundOrForbidden()
        if role == Role.MEMBER and user.member_id is None:
            raise ApplicationError("Vai trò đảng viên cần tài khoản gắn với hồ sơ đảng viên.",
                                   "The member role needs an account linked to a member record.", field="role")
        grant, created = RoleGrant.objects.get_or_create(user=user, organization=org, role=role)
        if not created:
            raise ApplicationError("Vai trò này đã được giao.", "This role is already granted.", field="role")
        audit_record(actor=actor, action="account.role_grant", target=grant, org_path=org.path,
                     after={"user": user.username, "role": role, "organization": org.code})
        reset_scope_cache(user)
        return grant


def role_revoke(*, actor: Any, grant_id: int) -> None:
    _require_operator(actor)  # first: a non-operator learns nothing about which grant ids exist
    with transaction.atomic():
        grant = RoleGrant.objects.select_for_update().select_related("organization", "user").filter(pk=grant_id).first()
        if grant is None:
            raise NotFoundOrForbidden()
        _require_operator(actor, grant.organization)
        if grant.user_id == actor.pk and grant.role == Role.OPERATOR:
            raise ApplicationError("Không tự thu hồi quyền quản trị của mình.", "You cannot revoke your own operator "
                                   "role.", field="role")
        audit_record(actor=actor, action="account.role_revoke", target=grant, org_path=grant.organization.path,
                     before={"user": grant.user.username, "role": grant.role, "organization": grant.organization.code})
        grant.delete()


def user_set_active(*, actor: Any, user_id: int, active: bool) -> User:
    _require_operator(actor)
    with transaction.atomic():
        user = User.objects.select_for_update().filter(pk=user_id).first()
        if user is None or user.pk == actor.pk:
            raise NotFoundOrForbidden()
        scope = scope_for(actor)
        paths = list(RoleGrant.objects.filter(user=user).values_list("organization__path", flat=True))
        if paths and not all(scope.covers_path(p, write=True) for p in paths):
            raise NotFoundOrForbidden()
        user.is_active = active
        user.save(update_fields=["is_active"])
        audit_record(actor=actor, action="account.activate" if active else "account.deactivate", target=user,
                     after={"is_active": active})
        return user


def api_token_create(*, actor: Any, name: str) -> tuple[ApiToken, str]:
    """A new API token for the actor; the raw token is returned once and only its digest is stored."""
    if not name.strip():
        raise ApplicationError("Cần đặt tên cho khóa.", "Give the token a name.", field="name")
    raw = ApiToken.new_raw()
    with transaction.atomic():
        token = ApiToken.objects.create(user=actor, name=name.strip()[:100], prefix=raw[:10],
                                        digest=ApiToken.digest_of(raw))
        audit_record(actor=actor, action="account.token_create", target=token, after={"name": token.name,
                                                                                      "prefix": token.prefix})
    return token, raw


def api_token_revoke(*, actor: Any, token_id: int) -> None:
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().filter(pk=token_id, user=actor).first()
        if token is None:
            raise NotFoundOrForbidden()
        token.revoked = True
        token.save(update_fields=["revoked"])
        audit_record(actor=actor, action="account.token_revoke", target=token,
                     after={"revoked_at": timezone.now().isoformat()})


def users_in_scope(*, actor: Any):
    """Operators see the accounts that hold a role inside their scope, and accounts with no role yet."""
    _require_operator(actor)
    scope = scope_for(actor)
    in_scope = RoleGrant.objects.filter(scope.q("organization__path")).values_list("user_id", flat=True)
    # Accounts with no role yet: those of members inside the scope; accounts tied to no member only for
    # operators of a top-level organization (they could belong to anyone).
    no_role = User.objects.filter(role_grants__isnull=True)
    top = any(len(p) <= ROOT_PATH_LEN for p in scope.write_paths)
    no_role = no_role.filter(scope.member_q(path_field="member__org_path", pk_field="member_id")
                             | (Q(member__isnull=True) if top else Q(pk__in=[])))
    return User.objects.filter(Q(pk__in=in_scope) | Q(pk__in=no_role.values("pk"))).order_by("username")
