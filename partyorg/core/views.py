from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Sum
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.module_loading import import_string

from partyorg.core.models import AuditEvent
from partyorg.core.scopes import scope_for
from partyorg.members.models import ACTIVE_STATUSES, CellStatusCount, Member
from partyorg.organizations.selectors import organization_roots


@login_required
def home(request):
    scope = scope_for(request.user)
    roots = organization_roots(actor=request.user)
    own = None
    if scope.own_member_id:
        own = Member.objects.filter(pk=scope.own_member_id).select_related("cell").first()
    stats = None
    if roots:
        by_status = dict(CellStatusCount.objects.filter(scope.q("cell__path")).values("status")
                         .annotate(total=Sum("n")).values_list("status", "total"))
        by_status = {k: v for k, v in by_status.items() if v}
        stats = {"active": sum(v for k, v in by_status.items() if k in ACTIVE_STATUSES), "by_status": by_status}
    panels = [html for html in (import_string(path)(request) for path in settings.PARTYORG_HOME_PANELS) if html]
    recent = AuditEvent.objects.filter(scope.q("org_path")).order_by("-id")[:8] if scope.read_paths else []
    return render(request, "core/home.html", {"roots": roots, "own": own, "stats": stats, "recent": recent,
                                              "panels": panels})


@login_required
def audit_list(request):
    """The audit trail of objects in the actor's scope (staff and leaders)."""
    scope = scope_for(request.user)
    qs = AuditEvent.objects.filter(scope.q("org_path")).order_by("-id")
    target_type = request.GET.get("type", "")
    target_id = request.GET.get("id", "")
    if target_type and target_id:
        qs = qs.filter(target_type=target_type, target_id=target_id)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "core/audit.html", {"page": page, "target_type": target_type, "target_id": target_id})


def healthz(request):
    return HttpResponse("ok", content_type="text/plain")


@login_required
def not_built(request):
    """An area whose pages are not built yet says so plainly."""
    return render(request, "core/not_built.html", status=501)
