from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from partyorg.core.errors import ApplicationError
from partyorg.core.forms import apply_error
from partyorg.core.scopes import scope_for
from partyorg.members.models import Member
from partyorg.members.selectors import position_list

from . import selectors, services
from .forms import AsOfForm, DissolveForm, MergeForm, MoveForm, OrganizationForm, RenameForm


@login_required
def tree(request):
    return render(request, "organizations/tree.html", {"roots": selectors.organization_roots(actor=request.user)})


@login_required
def children(request, org_id: int):
    """htmx fragment: the children of one node with counts (lazy loading)."""
    parent = selectors.organization_get(actor=request.user, org_id=org_id)
    rows = selectors.organization_children(actor=request.user, parent=parent)
    return render(request, "organizations/_children.html", {"rows": rows, "parent": parent})


@login_required
def detail(request, org_id: int):
    org = selectors.organization_get(actor=request.user, org_id=org_id)
    rows = selectors.organization_children(actor=request.user, parent=org, include_dissolved=True)
    direct_members = Member.objects.filter(cell=org).count() if org.is_cell else None
    ctx = {
        "org": org,
        "rows": rows,
        "ancestors": selectors.organization_ancestors(actor=request.user, org=org),
        "positions": position_list(actor=request.user, org_id=org.pk),
        "history": selectors.organization_history(actor=request.user, org=org),
        "direct_members": direct_members,
        "can_write": scope_for(request.user).covers_path(org.path, write=True),
        "total_members": sum(r.members for r in rows) + (direct_members or 0),
    }
    return render(request, "organizations/detail.html", ctx)


@login_required
def as_of(request, org_id: int):
    org = selectors.organization_get(actor=request.user, org_id=org_id)
    form = AsOfForm(request.GET or None)
    versions = None
    if form.is_valid():
        versions = selectors.children_as_of(actor=request.user, parent=org, on=form.cleaned_data["on"])
    return render(request, "organizations/as_of.html", {"org": org, "form": form, "versions": versions})


@login_required
@require_http_methods(["GET", "POST"])
def create_child(request, org_id: int):
    parent = selectors.organization_get(actor=request.user, org_id=org_id, write=True)
    form = OrganizationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            org = services.organization_create(actor=request.user, parent_id=parent.pk, **form.cleaned_data)
        except ApplicationError as exc:
            apply_error(form, exc)
        else:
            messages.success(request, _("Đã tạo %(name)s.") % {"name": org.name})
            return redirect("organizations:detail", org_id=org.pk)
    return render(request, "organizations/form.html", {"form": form, "org": parent,
                                                       "title": _("Thêm tổ chức trực thuộc %(parent)s") % {"parent": parent.name}})


def _restructure(request, org_id: int, form_class, title: str, run):
    org = selectors.organization_get(actor=request.user, org_id=org_id, write=True)
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            result = run(org, form)
        except ApplicationError as exc:
            apply_error(form, exc)
        else:
            messages.success(request, _("Đã ghi nhận quyết định."))
            return redirect("organizations:detail", org_id=result.pk)
    return render(request, "organizations/form.html", {"form": form, "org": org, "title": title,
                                                       "org_choices": selectors.organization_suggestions(
                                                           actor=request.user, form=form)})


@login_required
@require_http_methods(["GET", "POST"])
def rename(request, org_id: int):
    return _restructure(request, org_id, RenameForm, _("Đổi tên tổ chức"), lambda org, f: services.organization_rename(
        actor=request.user, org_id=org.pk, new_name=f.cleaned_data["new_name"],
        new_short_name=f.cleaned_data["new_short_name"], decision=f.decision()))


@login_required
@require_http_methods(["GET", "POST"])
def move(request, org_id: int):
    return _restructure(request, org_id, MoveForm, _("Điều chuyển trực thuộc"), lambda org, f: services.organization_move(
        actor=request.user, org_id=org.pk, new_parent_id=f.cleaned_data["new_parent"], decision=f.decision()))


@login_required
@require_http_methods(["GET", "POST"])
def merge(request, org_id: int):
    """Merge organizations under ``org_id`` (the common parent)."""
    def run(org, f):
        d = f.cleaned_data
        new_target = None
        if not d.get("target"):
            new_target = {"parent_id": org.pk, "name": d.get("new_name", ""), "code": d.get("new_code", ""),
                          "org_type": d.get("new_type", "")}
        return services.organizations_merge(actor=request.user, source_ids=d["sources"], decision=f.decision(),
                                            target_id=d.get("target"), new_target=new_target)
    return _restructure(request, org_id, MergeForm, _("Hợp nhất / sáp nhập tổ chức"), run)


@login_required
@require_http_methods(["GET", "POST"])
def dissolve(request, org_id: int):
    return _restructure(request, org_id, DissolveForm, _("Giải thể tổ chức"), lambda org, f: services.organization_dissolve(
        actor=request.user, org_id=org.pk, decision=f.decision()))


@login_required
def search(request):
    q = request.GET.get("q", "")
    results = selectors.organization_search(actor=request.user, query=q) if q else []
    return render(request, "organizations/_search.html", {"results": results, "q": q})
