"""Pages of the directives area. Each view parses, calls one service (or selectors), renders."""
from __future__ import annotations

import contextlib

from django import forms as djforms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from partyorg.core.errors import ApplicationError
from partyorg.core.forms import apply_error
from partyorg.core.scopes import scope_for
from partyorg.domain import directives as rules
from partyorg.domain.tree import ancestor_paths
from partyorg.organizations.models import Organization

from . import forms, outputs, selectors, services
from .models import ROLLUP_LABELS, STATUS_LABELS, DigestSubscription, ReportState


def _today():
    return timezone.localdate()


def _files(form) -> list[services.FileInput]:
    return [services.FileInput(f.name, f.read()) for f in form.cleaned_data.get("files") or []]


def _try(form, run):
    """Run a service; show its error on the form. Returns the result or None."""
    try:
        return run()
    except ApplicationError as exc:
        apply_error(form, exc)
    except djforms.ValidationError as exc:
        form.add_error(None, exc)
    return None


# ---------------------------------------------------------------------------------------------
# Home of the area and the e-mail digest (DI-10)
# ---------------------------------------------------------------------------------------------


@login_required
def home(request):
    board = selectors.dashboard(actor=request.user, today=_today())
    sub = DigestSubscription.objects.filter(user=request.user).first()
    digest_form = forms.DigestForm(initial={"active": "on" if sub and sub.active else "off",
                                            "email": sub.email if sub else ""})
    return render(request, "directives/home.html", {"board": board, "digest_form": digest_form, "today": _today(),
                                                    "can_write": scope_for(request.user).can_write_anywhere()})


@login_required
@require_http_methods(["GET", "POST"])
def digest(request):
    """DI-10: switch the e-mail digest on or off for oneself."""
    sub = DigestSubscription.objects.filter(user=request.user).first()
    form = forms.DigestForm(request.POST or None, initial={"active": "on" if sub and sub.active else "off",
                                                           "email": sub.email if sub else ""})
    if request.method == "POST" and form.is_valid():
        sub = _try(form, lambda: services.digest_subscribe(actor=request.user, active=form.cleaned_data["active"],
                                                           email=form.cleaned_data.get("email") or ""))
        if sub is not None:
            messages.success(request, _("Đã bật bản tin nhắc việc.") if sub.active else _("Đã tắt bản tin nhắc việc."))
            return redirect("directives:home")
    return render(request, "directives/form.html", {"form": form, "title": _("Bản tin nhắc việc qua e-mail"),
                                                    "back": reverse("directives:home")})


# ---------------------------------------------------------------------------------------------
# Document register (DI-1, DI-2)
# ---------------------------------------------------------------------------------------------


def _document_filter(request) -> tuple[forms.DocumentFilterForm, selectors.DocumentFilter]:
    form = forms.DocumentFilterForm(request.GET or None)
    f = selectors.DocumentFilter()
    if form.is_valid():
        d = form.cleaned_data
        f = selectors.DocumentFilter(query=d.get("q") or "", doc_type=d.get("doc_type") or "",
                                     system=d.get("system") or "", year=d.get("year"))
    return form, f


@login_required
def documents(request):
    form, f = _document_filter(request)
    found = selectors.document_search(actor=request.user, filters=f)
    page = Paginator(found, 50).get_page(request.GET.get("page"))
    statuses = selectors.document_statuses(docs=list(page.object_list), today=_today())
    rows = [(d, STATUS_LABELS[statuses[d.pk].status], statuses[d.pk].status.value) for d in page.object_list]
    ctx = {"form": form, "page": page, "rows": rows, "querystring": request.GET.urlencode(),
           "can_write": bool(selectors.write_roots(actor=request.user))}
    template = "directives/documents/_rows.html" if request.htmx else "directives/documents/list.html"
    return render(request, template, ctx)


@login_required
def documents_xlsx(request):
    _form, f = _document_filter(request)
    data = outputs.register_xlsx(selectors.document_search(actor=request.user, filters=f), _today())
    return outputs.file_response(data, f"so-van-ban-{_today():%Y%m%d}.xlsx", outputs.XLSX)


@login_required
@require_http_methods(["GET", "POST"])
def document_new(request):
    owners = selectors.write_roots(actor=request.user)
    if not owners:
        raise Http404
    form = forms.DocumentForm(request.POST or None, owners=owners)
    if request.method == "POST" and form.is_valid():
        doc = _try(form, lambda: services.document_register(actor=request.user, owner_id=form.cleaned_data["owner"],
                                                            data=form.document_input()))
        if doc is not None:
            messages.success(request, _("Đã vào sổ văn bản %(number)s.") % {"number": doc.number_symbol})
            return redirect("directives:document_detail", document_id=doc.pk)
    return render(request, "directives/form.html", {"form": form, "title": _("Vào sổ văn bản"),
                                                    "back": reverse("directives:documents")})


@login_required
def document_detail(request, document_id: int):
    view = selectors.document_view(actor=request.user, document_id=document_id, today=_today())
    ctx = {"v": view, "status_label": STATUS_LABELS[view.status.status],
           "upload_form": forms.UploadForm() if view.can_write else None}
    if view.can_write:
        targets = selectors.document_qs(actor=request.user).exclude(pk=view.doc.pk).order_by("-issued_on")[:300]
        ctx["link_form"] = forms.LinkForm(targets=targets)
    ctx["can_raise"] = bool(selectors.write_roots(actor=request.user))
    return render(request, "directives/documents/detail.html", ctx)


@login_required
@require_http_methods(["GET", "POST"])
def document_edit(request, document_id: int):
    doc = selectors.document_get(actor=request.user, document_id=document_id, write=True)
    initial = {k: getattr(doc, k) for k in ("number_symbol", "doc_type", "issued_on", "issuing_body", "title",
                                            "summary", "effective_on", "expires_on")}
    initial["owner"] = doc.owner_id
    form = forms.DocumentForm(request.POST or None, initial=initial, owners=[doc.owner])
    if request.method == "POST" and form.is_valid():
        saved = _try(form, lambda: services.document_update(actor=request.user, document_id=doc.pk,
                                                            data=form.document_input()))
        if saved is not None:
            messages.success(request, _("Đã lưu."))
            return redirect("directives:document_detail", document_id=doc.pk)
    return render(request, "directives/form.html", {"form": form, "title": _("Sửa văn bản %(number)s") % {"number": doc.number_symbol},
                                                    "back": reverse("directives:document_detail", args=[doc.pk])})


@login_required
@require_POST
def document_link(request, document_id: int):
    doc = selectors.document_get(actor=request.user, document_id=document_id, write=True)
    targets = selectors.document_qs(actor=request.user).exclude(pk=doc.pk)
    form = forms.LinkForm(request.POST, targets=targets)
    if form.is_valid():
        try:
            services.document_link_add(actor=request.user, source_id=doc.pk, target_id=form.cleaned_data["target"],
                                       kind=form.cleaned_data["kind"])
        except ApplicationError as exc:
            messages.error(request, "; ".join(e.text() for e in exc.errors) or exc.message)
        else:
            messages.success(request, _("Đã thêm liên kết."))
    else:
        messages.error(request, _("Chọn quan hệ và văn bản liên kết."))
    return redirect("directives:document_detail", document_id=doc.pk)


def _upload(request, redirect_to, **owner):
    form = forms.UploadForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            atts = services.attachment_add(actor=request.user, files=_files(form), **owner)
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, ngettext("Đã đính kèm %(n)d tệp.", "Đã đính kèm %(n)d tệp.", len(atts)) % {"n": len(atts)})
    else:
        messages.error(request, _("Chưa chọn tệp."))
    return redirect_to


@login_required
@require_POST
def document_files(request, document_id: int):
    doc = selectors.document_get(actor=request.user, document_id=document_id, write=True)
    return _upload(request, redirect("directives:document_detail", document_id=doc.pk), document_id=doc.pk)


@login_required
def file_download(request, attachment_id: int):
    """Attachments are served only here: scope checked, as a download, never sniffed."""
    att = selectors.attachment_get(actor=request.user, attachment_id=attachment_id)
    resp = HttpResponse(selectors.attachment_content(att), content_type=att.content_type)
    resp["Content-Disposition"] = content_disposition_header(True, att.filename)
    resp["X-Content-Type-Options"] = "nosniff"
    resp["Cache-Control"] = "private, no-store"
    return resp


# ---------------------------------------------------------------------------------------------
# Obstacles (DI-7)
# ---------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def obstacle_new(request, document_id: int):
    doc = selectors.document_get(actor=request.user, document_id=document_id)
    askers = selectors.write_roots(actor=request.user)
    if not askers:
        raise Http404
    reqs = list(selectors.requirement_list(actor=request.user, issued=False).filter(documents=doc))
    ups = Organization.objects.filter(path__in={a for o in askers for a in ancestor_paths(o.path)}).order_by("path")
    form = forms.ObstacleForm(request.POST or None, askers=askers, requirements=reqs, recipients=ups,
                              initial={"requirement": reqs[0].pk if reqs else None})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        ob = _try(form, lambda: services.obstacle_raise(
            actor=request.user, asker_id=d["asker"], document_id=doc.pk, question=d["question"], today=_today(),
            requirement_id=d.get("requirement"), recipient_id=d.get("recipient")))
        if ob is not None:
            messages.success(request, _("Đã gửi khó khăn, vướng mắc."))
            return redirect("directives:obstacle_detail", obstacle_id=ob.pk)
    return render(request, "directives/form.html", {
        "form": form, "title": _("Nêu khó khăn, vướng mắc về văn bản %(number)s") % {"number": doc.number_symbol},
        "back": reverse("directives:document_detail", args=[doc.pk])})


@login_required
def obstacles(request):
    scope = scope_for(request.user)
    qs = selectors.obstacle_qs(actor=request.user).order_by("-raised_on", "-id")
    which = request.GET.get("which", "")
    if which == "received":
        qs = qs.filter(scope.q("recipient_path"))
    elif which == "open":
        qs = qs.filter(scope.q("recipient_path"), answered_on__isnull=True)
    elif which == "asked":
        qs = qs.filter(scope.q("asker_path"))
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    rows = selectors.obstacle_rows(actor=request.user, qs=qs.filter(pk__in=[o.pk for o in page.object_list]))
    return render(request, "directives/obstacles/list.html", {"page": page, "rows": rows, "which": which})


@login_required
@require_http_methods(["GET", "POST"])
def obstacle_detail(request, obstacle_id: int):
    ob = selectors.obstacle_get(actor=request.user, obstacle_id=obstacle_id)
    row = selectors.obstacle_rows(actor=request.user, qs=selectors.obstacle_qs(actor=request.user).filter(pk=ob.pk))[0]
    form = None
    if row.can_answer:
        form = forms.AnswerForm(request.POST or None, initial={"answer": ob.answer, "share": ob.shared})
        if request.method == "POST" and form.is_valid():
            done = _try(form, lambda: services.obstacle_answer(
                actor=request.user, obstacle_id=ob.pk, answer=form.cleaned_data["answer"],
                share=form.cleaned_data["share"], today=_today()))
            if done is not None:
                messages.success(request, _("Đã trả lời."))
                return redirect("directives:obstacle_detail", obstacle_id=ob.pk)
    elif request.method == "POST":
        raise Http404
    return render(request, "directives/obstacles/detail.html", {"row": row, "ob": ob, "form": form})


@login_required
@require_POST
def obstacle_forward(request, obstacle_id: int):
    ob = selectors.obstacle_get(actor=request.user, obstacle_id=obstacle_id, write=True)
    try:
        services.obstacle_forward(actor=request.user, obstacle_id=ob.pk)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Đã chuyển lên cấp trên."))
    return redirect("directives:obstacles")


# ---------------------------------------------------------------------------------------------
# Conferences (DI-3)
# ---------------------------------------------------------------------------------------------


@login_required
def conferences(request):
    qs = selectors.conference_qs(actor=request.user).select_related("host").order_by("-held_at", "-id")
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    return render(request, "directives/conferences/list.html", {
        "page": page, "can_write": bool(selectors.write_roots(actor=request.user))})


def _conference_form(request, hosts):
    host_id = request.POST.get("host") or request.GET.get("host") or (hosts[0].pk if hosts else None)
    host = next((h for h in hosts if str(h.pk) == str(host_id)), hosts[0])
    bridge_orgs = [host, *Organization.objects.filter(parent=host, dissolved_on__isnull=True).order_by("sort_key")]
    docs = selectors.document_qs(actor=request.user).order_by("-issued_on")[:300]
    confs = selectors.conference_qs(actor=request.user).exclude(host=host).order_by("-held_at")[:100]
    return forms.ConferenceForm(request.POST or None, hosts=hosts, documents=docs, conferences=confs,
                                bridge_orgs=bridge_orgs, initial={"host": host.pk, "follows": request.GET.get("follows")})


@login_required
@require_http_methods(["GET", "POST"])
def conference_new(request):
    hosts = selectors.write_roots(actor=request.user)
    if not hosts:
        raise Http404
    form = _conference_form(request, hosts)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data

        def run():
            host = selectors.org_in_scope(actor=request.user, org_id=d["host"], write=True)
            bps = form.bridge_points(lambda code: Organization.objects.filter(
                code=code, path__startswith=host.path).first())
            return services.conference_create(actor=request.user, host_id=host.pk, data=services.ConferenceInput(
                title=d["title"], held_at=d["held_at"], mode=d["mode"], chair=d["chair"],
                document_ids=tuple(d["documents"]), bridge_points=tuple(bps), location=d.get("location") or "",
                in_person_participants=d.get("in_person_participants") or 0, follows_id=d.get("follows"),
                notes=d.get("notes") or ""))

        conf = _try(form, run)
        if conf is not None:
            messages.success(request, _("Đã ghi nhận hội nghị."))
            return redirect("directives:conference_detail", conference_id=conf.pk)
    return render(request, "directives/conferences/form.html", {"form": form})


@login_required
def conference_detail(request, conference_id: int):
    view = selectors.conference_view(actor=request.user, conference_id=conference_id)
    return render(request, "directives/conferences/detail.html", {
        "v": view, "upload_form": forms.UploadForm() if view.can_write else None,
        "can_follow": bool(selectors.write_roots(actor=request.user)) and not view.can_write})


@login_required
@require_POST
def conference_files(request, conference_id: int):
    conf = selectors.conference_get(actor=request.user, conference_id=conference_id, write=True)
    return _upload(request, redirect("directives:conference_detail", conference_id=conf.pk), conference_id=conf.pk)


# ---------------------------------------------------------------------------------------------
# Requirements, submissions, compliance (DI-4, DI-5, DI-6)
# ---------------------------------------------------------------------------------------------


@login_required
def requirements(request):
    which = request.GET.get("which", "")
    issued = {"issued": True, "received": False}.get(which)
    qs = selectors.requirement_list(actor=request.user, issued=issued)
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    counts = selectors.compliance_by_requirement(requirements=list(page.object_list), actor=request.user,
                                                 today=_today())
    rows = [(r, counts.get(r.pk, selectors.Counts())) for r in page.object_list]
    return render(request, "directives/requirements/list.html", {
        "page": page, "rows": rows, "which": which, "today": _today(),
        "can_write": bool(selectors.write_roots(actor=request.user))})


@login_required
@require_http_methods(["GET", "POST"])
def requirement_new(request):
    issuers = selectors.write_roots(actor=request.user)
    if not issuers:
        raise Http404
    issuer_id = request.POST.get("issuer") or request.GET.get("issuer") or issuers[0].pk
    issuer = next((o for o in issuers if str(o.pk) == str(issuer_id)), issuers[0])
    children = Organization.objects.filter(parent=issuer, dissolved_on__isnull=True).order_by("sort_key")
    docs = selectors.document_qs(actor=request.user).order_by("-issued_on")[:300]
    initial = {"issuer": issuer.pk}
    if request.GET.get("document"):
        initial["documents"] = [request.GET["document"]]
    form = forms.RequirementForm(request.POST or None, issuers=issuers, documents=docs, children=children,
                                 initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data

        def run():
            chosen = list(d.get("chosen") or [])
            for code in form.codes():
                org = Organization.objects.filter(code=code, path__startswith=issuer.path).first()
                if org is None:
                    raise ApplicationError(f"Không có tổ chức mã {code} trực thuộc đơn vị giao.",
                                           f"No organization {code} under the issuer.", field="chosen_codes")
                chosen.append(org.pk)
            return services.requirement_issue(actor=request.user, issuer_id=d["issuer"], data=services.RequirementInput(
                title=d["title"], document_ids=tuple(d["documents"]), deliverable=d["deliverable"],
                issued_on=d["issued_on"], deadline=d["deadline"], description=d.get("description") or "",
                levels=tuple(d.get("levels") or ()), org_types=tuple(d.get("org_types") or ()),
                chosen_ids=tuple(chosen)))

        req = _try(form, run)
        if req is not None:
            n = req.addressees.count()
            messages.success(request, ngettext("Đã giao yêu cầu cho %(n)d tổ chức.", "Đã giao yêu cầu cho %(n)d tổ chức.", n)
                             % {"n": n})
            return redirect("directives:requirement_detail", requirement_id=req.pk)
    return render(request, "directives/requirements/form.html", {"form": form, "issuer": issuer})


def _compliance(request, requirement_id: int):
    req = selectors.requirement_get(actor=request.user, requirement_id=requirement_id)
    org_id = request.GET.get("org")
    node = selectors.compliance_node(actor=request.user, requirement=req,
                                     org_id=int(org_id) if org_id and org_id.isdigit() else None)
    return req, node, selectors.compliance_view(actor=request.user, requirement=req, node=node, today=_today())


@login_required
def requirement_detail(request, requirement_id: int):
    req, node, view = _compliance(request, requirement_id)
    only_missing = request.GET.get("missing") == "1"
    qs = selectors.addressee_rows(actor=request.user, requirement=req, node=node, today=_today(),
                                  only_missing=only_missing)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    scope = scope_for(request.user)
    own = list(selectors.addressee_qs(actor=request.user, requirement=req)
           .filter(organization__in=selectors.write_roots(actor=request.user)).select_related("organization"))
    ctx = {
        "req": req, "view": view, "page": page, "today": _today(), "only_missing": only_missing,
        "rows": selectors.with_status(page.object_list, req, _today()),
        "documents": list(selectors.document_qs(actor=request.user).filter(requirements=req)),
        "can_issue": scope.covers_path(req.issuer_path, write=True),
        "own": selectors.with_status(own, req, _today()),
        "return_form": forms.ReasonForm(),
        "querystring": f"org={node.pk}&missing={'1' if only_missing else ''}",
    }
    template = "directives/requirements/_compliance.html" if request.htmx else "directives/requirements/detail.html"
    return render(request, template, ctx)


@login_required
def requirement_xlsx(request, requirement_id: int):
    req, node, view = _compliance(request, requirement_id)
    qs = selectors.addressee_rows(actor=request.user, requirement=req, node=node, today=_today())
    data = outputs.compliance_xlsx(view, qs.iterator(chunk_size=5000), _today())
    return outputs.file_response(data, f"tinh-hinh-thuc-hien-{req.pk}.xlsx", outputs.XLSX)


@login_required
def requirement_pdf(request, requirement_id: int):
    req, node, view = _compliance(request, requirement_id)
    qs = selectors.addressee_rows(actor=request.user, requirement=req, node=node, today=_today(),
                                  only_missing=request.GET.get("missing") == "1")
    data = outputs.compliance_pdf(view, qs.iterator(chunk_size=5000), _today())
    return outputs.file_response(data, f"tinh-hinh-thuc-hien-{req.pk}.pdf", outputs.PDF)


@login_required
@require_http_methods(["GET", "POST"])
def requirement_submit(request, requirement_id: int):
    req = selectors.requirement_get(actor=request.user, requirement_id=requirement_id)
    org_id = request.GET.get("org") or request.POST.get("org") or ""
    addressee = (selectors.addressee_qs(actor=request.user, requirement=req)
                 .filter(organization_id=int(org_id) if org_id.isdigit() else 0).select_related("organization").first())
    if addressee is None or not scope_for(request.user).covers_path(addressee.org_path, write=True):
        raise Http404
    confs = selectors.conference_qs(actor=request.user).filter(host_path__startswith=addressee.org_path)
    form = forms.SubmitForm(request.POST or None, request.FILES or None, conferences=confs[:100])
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        sub = _try(form, lambda: services.requirement_submit(
            actor=request.user, requirement_id=req.pk, org_id=addressee.organization_id, today=_today(),
            data=services.SubmissionInput(submitted_on=d["submitted_on"], document_number=d.get("document_number") or "",
                                          document_date=d.get("document_date"), conference_id=d.get("conference"),
                                          note=d.get("note") or ""),
            files=_files(form)))
        if sub is not None:
            st = selectors.addressee_status(sub.addressee, req.deadline, _today())
            messages.success(request, _("Đã nộp: %(status)s.") % {"status": st.label})
            return redirect("directives:requirement_detail", requirement_id=req.pk)
    return render(request, "directives/requirements/submit.html", {
        "form": form, "req": req, "addressee": addressee,
        "history": selectors.submissions_of(addressee),
        "status": selectors.addressee_status(addressee, req.deadline, _today())})


@login_required
@require_POST
def requirement_return(request, requirement_id: int):
    req = selectors.requirement_get(actor=request.user, requirement_id=requirement_id, write=True)
    form = forms.ReasonForm(request.POST)
    org_id = request.POST.get("org", "")
    if not form.is_valid() or not org_id.isdigit():
        messages.error(request, _("Phải ghi lý do trả lại (DI-5)."))
    else:
        try:
            services.requirement_return(actor=request.user, requirement_id=req.pk, org_id=int(org_id),
                                        reason=form.cleaned_data["reason"], today=_today())
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Đã trả lại để làm lại."))
    return redirect(reverse("directives:requirement_detail", args=[req.pk]) + f"?org={request.POST.get('node', '')}")


@login_required
@require_POST
def requirement_close(request, requirement_id: int):
    req = selectors.requirement_get(actor=request.user, requirement_id=requirement_id, write=True)
    try:
        services.requirement_close(actor=request.user, requirement_id=req.pk, today=_today())
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Đã kết thúc theo dõi yêu cầu."))
    return redirect("directives:requirement_detail", requirement_id=req.pk)


# ---------------------------------------------------------------------------------------------
# Periodic reports (DI-8, DI-9)
# ---------------------------------------------------------------------------------------------


@login_required
def reports(request):
    writable = selectors.write_roots(actor=request.user)
    templates = list(selectors.template_qs(actor=request.user).filter(active=True))
    qs = selectors.report_qs(actor=request.user).select_related("template", "organization")
    page = Paginator(qs.order_by("-year", "-index", "org_path"), 30).get_page(request.GET.get("page"))
    open_form = forms.ReportOpenForm(templates=templates, orgs=writable) if writable and templates else None
    return render(request, "directives/reports/list.html", {
        "templates": templates, "page": page, "open_form": open_form, "can_write": bool(writable)})


@login_required
@require_http_methods(["GET", "POST"])
def report_open(request):
    """DI-9: open (create pre-filled on first opening) an organization's report of one period."""
    writable = selectors.write_roots(actor=request.user)
    templates = list(selectors.template_qs(actor=request.user).filter(active=True))
    form = forms.ReportOpenForm(request.POST or None, templates=templates, orgs=writable)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        report = _try(form, lambda: services.report_open(actor=request.user, template_id=d["template"],
                                                         org_id=d["org"], year=d["year"], index=d["index"],
                                                         today=_today()))
        if report is not None:
            return redirect("directives:report_detail", report_id=report.pk)
    return render(request, "directives/form.html", {"form": form, "title": _("Lập báo cáo định kỳ"),
                                                    "back": reverse("directives:reports")})


@login_required
@require_http_methods(["GET", "POST"])
def template_new(request):
    owners = selectors.write_roots(actor=request.user)
    if not owners:
        raise Http404
    form = forms.TemplateForm(request.POST or None, owners=owners)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        t = _try(form, lambda: services.report_template_create(
            actor=request.user, owner_id=d["owner"], name=d["name"], period_kind=d["period_kind"],
            sections=d["sections"], indicators=d["indicators"], reporting_types=d.get("reporting_types") or (),
            due_offset_days=d.get("due_offset_days") or 0))
        if t is not None:
            messages.success(request, _("Đã tạo mẫu báo cáo."))
            return redirect("directives:template_detail", template_id=t.pk)
    return render(request, "directives/form.html", {"form": form, "title": _("Mẫu báo cáo định kỳ mới"),
                                                    "back": reverse("directives:reports")})


@login_required
def template_detail(request, template_id: int):
    t = selectors.template_get(actor=request.user, template_id=template_id)
    kind = rules.PeriodKind(t.period_kind)
    today = _today()
    periods = [p for y in (today.year - 1, today.year) for p in rules.periods_in_year(kind, y) if p.start <= today]
    chosen = periods[-1] if periods else rules.periods_in_year(kind, today.year)[0]
    y, i = request.GET.get("year", ""), request.GET.get("index", "")
    if y.isdigit() and i.isdigit():
        with contextlib.suppress(ValueError):
            chosen = rules.Period(kind, int(y), int(i))
    rows = []
    for org in selectors.read_roots(actor=request.user):
        if org.path.startswith(t.owner_path):
            rows.append((org, selectors.report_rollup(template=t, org=org, year=chosen.year, index=chosen.index,
                                                      today=today)))
    return render(request, "directives/reports/template.html", {
        "t": t, "dom": selectors.domain_template(t), "period": chosen, "periods": periods, "rows": rows,
        "due": selectors.period_deadline(t, chosen).due_on, "rollup_labels": {k.value: v for k, v in ROLLUP_LABELS.items()}})


@login_required
@require_http_methods(["GET", "POST"])
def report_detail(request, report_id: int):
    report = selectors.report_get(actor=request.user, report_id=report_id)
    scope = scope_for(request.user)
    can_write = scope.covers_path(report.org_path, write=True)
    locked = report.state == ReportState.SUBMITTED or not can_write
    dom = selectors.domain_template(report.template)
    initial = {f"i_{k}": v for k, v in report.values.items()}
    initial.update({f"s_{k}": v for k, v in report.texts.items()})
    form = forms.ReportForm(request.POST or None, initial=initial, template=dom, locked=locked)
    if request.method == "POST":
        if locked:
            raise Http404
        if form.is_valid():
            done = _try(form, lambda: services.report_save(actor=request.user, report_id=report.pk,
                                                           values=form.values(), texts=form.texts(), today=_today()))
            if done is not None:
                messages.success(request, _("Đã lưu báo cáo."))
                return redirect("directives:report_detail", report_id=report.pk)
    rollup = selectors.report_rollup(template=report.template, org=report.organization, year=report.year,
                                     index=report.index, today=_today())
    period = selectors.period_of(report)
    dom_report = rules.PeriodicReport(str(report.organization_id), period, report.values,
                                      rules.ReportState(report.state), report.submitted_on)
    parent = report.organization.parent
    rows = []
    for ind in dom.indicators:
        rows.append({"ind": ind, "field": form[f"i_{ind.code}"], "source": outputs.source_label(report, ind.code),
                     "roll": rollup.rollup.values.get(ind.code)})
    return render(request, "directives/reports/detail.html", {
        "report": report, "form": form, "rows": rows, "rollup": rollup, "period": period, "locked": locked,
        "can_write": can_write, "sections": [form[f"s_{s.code}"] for s in dom.sections],
        "status": rules.report_status(dom_report, report.due_on, _today()),
        "can_reopen": report.state == ReportState.SUBMITTED and (
            scope.operator or (parent is not None and scope.covers_path(parent.path, write=True))),
        "events": report.events.all(), "reason_form": forms.ReasonForm()})


def _report_action(request, report_id: int, run, ok: str):
    report = selectors.report_get(actor=request.user, report_id=report_id)
    try:
        run(report)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, ok)
    return redirect("directives:report_detail", report_id=report.pk)


@login_required
@require_POST
def report_refill(request, report_id: int):
    selectors.report_get(actor=request.user, report_id=report_id, write=True)
    return _report_action(request, report_id, lambda r: services.report_refill(
        actor=request.user, report_id=r.pk, today=_today(), overwrite=request.POST.get("overwrite") == "1"),
        _("Đã cập nhật số liệu từ hệ thống và từ báo cáo cấp dưới."))


@login_required
@require_POST
def report_submit(request, report_id: int):
    selectors.report_get(actor=request.user, report_id=report_id, write=True)
    return _report_action(request, report_id, lambda r: services.report_submit(
        actor=request.user, report_id=r.pk, today=_today()), _("Đã nộp báo cáo; báo cáo đã khóa."))


@login_required
@require_POST
def report_reopen(request, report_id: int):
    selectors.report_get(actor=request.user, report_id=report_id)
    form = forms.ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    return _report_action(request, report_id, lambda r: services.report_reopen(
        actor=request.user, report_id=r.pk, reason=reason, today=_today()), _("Đã mở lại báo cáo."))


@login_required
def report_docx(request, report_id: int):
    report = selectors.report_get(actor=request.user, report_id=report_id)
    data = outputs.report_docx(report, _today())
    return outputs.file_response(data, f"bao-cao-{report.pk}.docx", outputs.DOCX)


@login_required
def report_xlsx(request, report_id: int):
    report = selectors.report_get(actor=request.user, report_id=report_id)
    rollup = selectors.report_rollup(template=report.template, org=report.organization, year=report.year,
                                     index=report.index, today=_today())
    return outputs.file_response(outputs.report_xlsx(report, rollup), f"chi-tieu-{report.pk}.xlsx", outputs.XLSX)

