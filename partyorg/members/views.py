from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from partyorg.core.errors import ApplicationError
from partyorg.core.forms import apply_error
from partyorg.core.scopes import scope_for
from partyorg.organizations.selectors import organization_get, organization_suggestions

from . import selectors, services, transfers
from .exports import members_xlsx_response
from .forms import (
    LetterCloseForm,
    LetterIssueForm,
    LetterReceiveForm,
    MemberFilterForm,
    MemberForm,
    PositionForm,
    StatusForm,
    TransferForm,
)


def _filters(request) -> tuple[MemberFilterForm, selectors.MemberFilter]:
    form = MemberFilterForm(request.GET or None)
    f = selectors.MemberFilter()
    if form.is_valid():
        d = form.cleaned_data
        f = selectors.MemberFilter(org_id=d.get("org"), query=d.get("q") or "", status=d.get("status") or "",
                                   gender=d.get("gender") or "", theory_level=d.get("theory_level") or "")
    return form, f


@login_required
def member_list(request):
    form, f = _filters(request)
    qs = selectors.member_list(actor=request.user, filters=f)
    source = selectors.member_page_source(actor=request.user, filters=f, qs=qs)  # cheaper counts, see there
    page = Paginator(source, 50).get_page(request.GET.get("page"))
    org = organization_get(actor=request.user, org_id=f.org_id) if f.org_id else None
    template = "members/_rows.html" if request.htmx else "members/list.html"
    return render(request, template, {"form": form, "page": page, "org": org, "querystring": request.GET.urlencode()})


@login_required
def member_export(request):
    _form, f = _filters(request)
    return members_xlsx_response(selectors.member_list(actor=request.user, filters=f))


@login_required
def member_detail(request, member_id: int):
    m = selectors.member_get(actor=request.user, member_id=member_id)
    ctx = {
        "m": m,
        "status_history": m.status_history.all(),
        "activity": m.activity.select_related("organization"),
        "positions": m.positions.select_related("organization"),
        "can_write": scope_for(request.user).covers_path(m.org_path, write=True),
        "letters": transfers.letters_in_scope(actor=request.user).filter(member=m),
    }
    return render(request, "members/detail.html", ctx)


@login_required
@require_http_methods(["GET", "POST"])
def member_create(request):
    cell = organization_get(actor=request.user, org_id=int(request.GET.get("cell") or request.POST.get("cell") or 0),
                            write=True)
    form = MemberForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            m = services.member_create(actor=request.user, data=services.MemberData(cell_id=cell.pk, **dict(form.cleaned_data.items())))
        except ApplicationError as exc:
            apply_error(form, exc)
        else:
            messages.success(request, _("Đã thêm đảng viên %(name)s.") % {"name": m.full_name})
            return redirect("members:detail", member_id=m.pk)
    return render(request, "members/form.html", {"form": form, "cell": cell, "title": _("Thêm đảng viên – %(cell)s") % {"cell": cell.name}})


@login_required
@require_http_methods(["GET", "POST"])
def member_edit(request, member_id: int):
    m = selectors.member_get(actor=request.user, member_id=member_id, write=True)
    initial = {f: getattr(m, f) for f in MemberForm.base_fields}
    form = MemberForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        changes = {k: v for k, v in form.cleaned_data.items() if v != initial.get(k)}
        try:
            services.member_update(actor=request.user, member_id=m.pk, changes=changes)
        except ApplicationError as exc:
            apply_error(form, exc)
        else:
            messages.success(request, _("Đã lưu."))
            return redirect("members:detail", member_id=m.pk)
    return render(request, "members/form.html", {"form": form, "title": _("Sửa hồ sơ – %(name)s") % {"name": m.full_name}, "m": m})


def _member_action(request, member_id, form_class, title, run):
    m = selectors.member_get(actor=request.user, member_id=member_id, write=True)
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            run(m, form.cleaned_data)
        except ApplicationError as exc:
            apply_error(form, exc)
        else:
            messages.success(request, _("Đã ghi nhận."))
            return redirect("members:detail", member_id=m.pk)
    return render(request, "members/form.html", {"form": form, "title": f"{title} – {m.full_name}", "m": m,
                                                 "org_choices": organization_suggestions(actor=request.user, form=form)})


@login_required
@require_http_methods(["GET", "POST"])
def member_status(request, member_id: int):
    return _member_action(request, member_id, StatusForm, _("Thay đổi tình trạng"), lambda m, d: (
        services.member_change_status(actor=request.user, member_id=m.pk, **d)))


@login_required
@require_http_methods(["GET", "POST"])
def member_transfer(request, member_id: int):
    return _member_action(request, member_id, TransferForm, _("Chuyển sinh hoạt đảng"), lambda m, d: (
        services.member_transfer(actor=request.user, member_id=m.pk, to_org_id=d["to_org"], kind=d["kind"],
                                 start_on=d["start_on"], decision_ref=d["decision_ref"], note=d["note"])))


@login_required
@require_http_methods(["GET", "POST"])
def member_position(request, member_id: int):
    return _member_action(request, member_id, PositionForm, _("Giao chức vụ"), lambda m, d: services.position_assign(
        actor=request.user, member_id=m.pk, organization_id=d["organization"], title=d["title"],
        title_text=d["title_text"], term_label=d["term_label"], start_on=d["start_on"],
        how_obtained=d["how_obtained"], managing_authority_id=d["managing_authority"],
        decision_ref=d["decision_ref"]))


@login_required
@require_http_methods(["GET", "POST"])
def member_letter_issue(request, member_id: int):
    """An introduction letter to an organization outside the scope (two-step transfer)."""
    return _member_action(request, member_id, LetterIssueForm, _("Cấp giấy giới thiệu chuyển sinh hoạt"), lambda m, d: (
        transfers.letter_issue(actor=request.user, member_id=m.pk, to_org_id=d["to_org"], number=d["number"],
                               issued_on=d["issued_on"], note=d["note"])))


@login_required
def letter_list(request):
    letters = transfers.letters_in_scope(actor=request.user)
    return render(request, "members/letters.html", {
        "incoming": transfers.letters_incoming(actor=request.user),
        "letters": Paginator(letters, 50).get_page(request.GET.get("page")),
    })


@login_required
@require_http_methods(["GET", "POST"])
def letter_detail(request, letter_id: int):
    letter = transfers.letter_get(actor=request.user, letter_id=letter_id)
    sides = transfers.letter_sides(actor=request.user, letter=letter)
    action = request.POST.get("action", "")
    receive = LetterReceiveForm(request.POST if action == "receive" else None)
    close = LetterCloseForm(request.POST if action in ("return", "cancel") else None)
    form = receive if action == "receive" else close
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            if action == "receive":
                transfers.letter_receive(actor=request.user, letter_id=letter.pk, cell_id=d["cell"],
                                         received_on=d["received_on"])
            elif action == "return":
                transfers.letter_return(actor=request.user, letter_id=letter.pk, on=d["on"], reason=d["reason"])
            else:
                transfers.letter_cancel(actor=request.user, letter_id=letter.pk, on=d["on"], reason=d["reason"])
        except ApplicationError as exc:
            apply_error(form, exc)
        else:
            messages.success(request, _("Đã ghi nhận."))
            return redirect("members:letter", letter_id=letter.pk)
    return render(request, "members/letter.html", {
        "letter": letter, "sides": sides, "receive": receive, "close": close,
        "org_choices": organization_suggestions(actor=request.user, form=receive) if sides["receive"] else []})
