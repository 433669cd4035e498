"""Reads of the organization tree, always through the actor's scope."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Substr

from partyorg.core.scopes import get_for_write, get_in_scope, scope_for
from partyorg.domain import names

from .models import Organization, OrganizationVersion, RestructuringLink


def organization_qs(*, actor: Any, write: bool = False) -> QuerySet[Organization]:
    return Organization.objects.filter(scope_for(actor).q("path", write=write))


def organization_get(*, actor: Any, org_id: int, write: bool = False) -> Organization:
    scope, qs = scope_for(actor), Organization.objects.select_related("parent", "successor")
    if write:
        return get_for_write(qs, scope.q("path"), scope.q("path", write=True), pk=org_id)
    return get_in_scope(qs, scope.q("path"), pk=org_id)


def organization_roots(*, actor: Any) -> list[Organization]:
    """The top organizations of the actor's scope."""
    paths = scope_for(actor).read_paths
    return list(Organization.objects.filter(path__in=paths).order_by("sort_key"))


def organization_ancestors(*, actor: Any, org: Organization) -> list[Organization]:
    """Breadcrumb: the ancestors the actor may see."""
    from partyorg.domain.tree import ancestor_paths

    paths = ancestor_paths(org.path)
    return list(organization_qs(actor=actor).filter(path__in=paths).order_by("path"))


@dataclass
class ChildRow:
    org: Organization
    members: int
    sub_orgs: int


def organization_children(*, actor: Any, parent: Organization, include_dissolved: bool = False) -> list[ChildRow]:
    """Direct children with the member count of each child's whole subtree: two grouped queries."""
    from partyorg.members.models import ACTIVE_STATUSES, CellStatusCount

    scope = scope_for(actor)
    children = Organization.objects.filter(parent=parent).filter(scope.q("path"))
    if not include_dissolved:
        children = children.filter(dissolved_on__isnull=True)
    children = list(children.order_by("sort_key"))
    if not children:
        return []
    cut = len(parent.path) + len(children[0].path) - len(parent.path)
    # Sums of the per-cell counts kept by triggers (members.counts): at most one row per cell and status
    # instead of every member of the subtree. A member's org_path is its cell's path.
    member_counts = dict(
        CellStatusCount.objects.filter(cell__path__startswith=parent.path, status__in=ACTIVE_STATUSES)
        .exclude(cell__path=parent.path)
        .annotate(child=Substr("cell__path", 1, cut)).values("child").annotate(total=Sum("n"))
        .values_list("child", "total")
    )
    sub_counts = dict(
        Organization.objects.filter(path__startswith=parent.path, dissolved_on__isnull=True)
        .exclude(path=parent.path)
        .annotate(child=Substr("path", 1, cut)).values("child").annotate(n=Count("id"))
        .values_list("child", "n")
    )
    return [ChildRow(c, member_counts.get(c.path, 0), sub_counts.get(c.path, 1) - 1) for c in children]


def member_counts_by_child(*, actor: Any, org_id: int) -> dict[int, int]:
    """Active members per direct child of an organization (for reports and the benchmark)."""
    parent = organization_get(actor=actor, org_id=org_id)
    return {row.org.pk: row.members for row in organization_children(actor=actor, parent=parent)}


def organization_search(*, actor: Any, query: str, limit: int = 20) -> list[Organization]:
    qs = organization_qs(actor=actor)
    for term in names.search_terms(query):
        qs = qs.filter(search_text__contains=term)
    return list(qs.order_by("depth", "sort_key")[:limit])


def children_as_of(*, actor: Any, parent: Organization, on: date) -> list[OrganizationVersion]:
    """The children of ``parent`` as the tree stood on ``on``, with the names they had then."""
    scope = scope_for(actor)
    qs = (OrganizationVersion.objects.filter(parent=parent)
          .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=on))
          .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=on))
          .filter(Q(organization__established_on__isnull=True) | Q(organization__established_on__lte=on))
          .select_related("organization"))
    rows = [v for v in qs if scope.covers_path(v.organization.path)]
    return sorted(rows, key=lambda v: names.collation_key(v.name))


def organization_history(*, actor: Any, org: Organization) -> dict[str, Any]:
    versions = list(OrganizationVersion.objects.filter(organization=org).select_related("parent", "decision")
                    .order_by("valid_from", "id"))
    links = list(RestructuringLink.objects.filter(Q(source=org) | Q(target=org))
                 .select_related("decision", "source", "target").order_by("decision__effective_on", "id"))
    return {"versions": versions, "links": links, "predecessors": list(org.predecessors.all().order_by("sort_key"))}


SUGGESTIONS_LIMIT = 2000


def organization_suggestions(*, actor: Any, form: Any = None, limit: int = SUGGESTIONS_LIMIT) -> list[tuple[str, str]]:
    """(code, name) of the active organizations the actor may write to, in tree order, for the
    ``<datalist>`` behind organization fields; none for a form without such a field, and none when the
    scope holds more than ``limit`` (a national scope: the user types the code)."""
    from .fields import OrganizationRefField, OrganizationRefsField

    if form is not None and not any(isinstance(f, OrganizationRefField | OrganizationRefsField)
                                    for f in form.fields.values()):
        return []
    qs = (Organization.objects.filter(scope_for(actor).q("path", write=True), dissolved_on__isnull=True)
          .order_by("path").values_list("code", "name"))
    rows = list(qs[:limit + 1])
    return [] if len(rows) > limit else rows
