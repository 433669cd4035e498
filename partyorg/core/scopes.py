"""Permission scopes: the one place that turns a user's role grants into query filters.

A role granted on an organization covers that organization's subtree (its materialized-path
prefix). MEMBER covers only the user's own member record. Every selector and service filters its
queries through ``Scope.q`` / ``Scope.member_q`` and fetches single objects with ``get_in_scope``,
which reports an object outside the scope exactly like a missing one.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet

from partyorg.domain.tree import covering

from .errors import Forbidden, NotFoundOrForbidden


@dataclass(frozen=True)
class Scope:
    read_paths: tuple[str, ...] = ()
    write_paths: tuple[str, ...] = ()
    own_member_id: int | None = None
    roles: frozenset[str] = field(default_factory=frozenset)
    operator: bool = False

    def paths(self, write: bool) -> tuple[str, ...]:
        return self.write_paths if write else self.read_paths

    def q(self, path_field: str = "path", *, write: bool = False) -> Q:
        """Q for rows whose ``path_field`` lies inside the scope."""
        paths = self.paths(write)
        if not paths:
            return Q(pk__in=[])
        q = Q()
        for p in paths:
            q |= Q(**{f"{path_field}__startswith": p})
        return q

    def member_q(self, *, write: bool = False, path_field: str = "org_path", pk_field: str = "pk") -> Q:
        q = self.q(path_field, write=write)
        if self.own_member_id is not None and not write:
            q |= Q(**{pk_field: self.own_member_id})
        return q

    def covers_path(self, path: str, *, write: bool = False) -> bool:
        return any(path.startswith(p) for p in self.paths(write))

    def can_write_anywhere(self) -> bool:
        return bool(self.write_paths)

    @property
    def is_member_only(self) -> bool:
        return not self.read_paths


def scope_for(user: Any) -> Scope:
    """The scope of a user, cached on the user object for the request."""
    if user is None or not getattr(user, "is_authenticated", False):
        return Scope()
    cached = getattr(user, "_partyorg_scope", None)
    if cached is not None:
        return cached
    from partyorg.accounts.models import WRITE_ROLES, Role, RoleGrant

    read: list[str] = []
    write: list[str] = []
    roles: set[str] = set()
    own: int | None = None
    for grant in RoleGrant.objects.filter(user=user).select_related("organization"):
        roles.add(grant.role)
        if grant.role == Role.MEMBER:
            own = user.member_id
            continue
        read.append(grant.organization.path)
        if grant.role in WRITE_ROLES:
            write.append(grant.organization.path)
    scope = Scope(
        read_paths=tuple(covering(read)),
        write_paths=tuple(covering(write)),
        own_member_id=own or (user.member_id if roles else None),
        roles=frozenset(roles),
        operator=Role.OPERATOR in roles,
    )
    user._partyorg_scope = scope
    return scope


def reset_scope_cache(user: Any) -> None:
    if hasattr(user, "_partyorg_scope"):
        del user._partyorg_scope


def get_in_scope(qs: QuerySet, scope_q: Q, **lookup: Any) -> Any:
    """Fetch one row inside the scope or raise NotFoundOrForbidden (HTTP 404)."""
    obj = qs.filter(scope_q).filter(**lookup).first()
    if obj is None:
        raise NotFoundOrForbidden()
    return obj


def get_for_write(qs: QuerySet, read_q: Q, write_q: Q, **lookup: Any) -> Any:
    """Fetch one row the actor may change: 404 when it lies outside what they read (nothing is revealed),
    403 when they read it but may not change it (a leader, a member on their own record)."""
    obj = get_in_scope(qs, read_q, **lookup)
    if not qs.filter(write_q).filter(pk=obj.pk).exists():
        raise Forbidden()
    return obj
