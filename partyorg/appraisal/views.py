"""Pages of the annual review and rating. Each view parses, calls one service or selector, renders."""
from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from partyorg.core.errors import ApplicationError, Forbidden, NotFoundOrForbidden
from partyorg.core.forms import apply_error
from partyorg.core.scopes import scope_for
from partyorg.domain.rating import SubjectType
from partyorg.domain.rating.eligibility import frame_for
from partyorg.organizations.models import Organization

from . import forms as f
from . import outputs, selectors, services
from .models import LEVEL_CODES, Body, Exclusion, LevelChoice, State, SubjectTypeChoice


def _subject_url(r) -> str:
    if r.member_id is not None:
        return reverse("appraisal:member_subject", args=[r.period_label, r.member_id])
    return reverse("appraisal:unit_subject", args=[r.period_label, r.unit_id, r.body])


def _reraise_access(exc: ApplicationError) -> None:
    """Scope refusals are never shown as a form error: they go to the one error mapping (403/404)."""
    if isinstance(exc, (Forbidden, NotFoundOrForbidden)):
        raise exc


def _file(data: bytes, content_type: str, filename: str) -> HttpResponse:
    resp = HttpResponse(data, content_type=content_type)
    resp["Content-Disposition"] = f'attachment; filename="{filename}"'
    return resp


# ---------------------------------------------------------------------------------------------------
# Home, opening a cycle, the period page


@login_required
@require_GET
def home(request):
    scope = scope_for(request.user)
    roots = list(Organization.objects.filter(path__in=scope.read_paths).order_by("sort_key"))
    writable = [o for o in roots if scope.covers_path(o.path, write=True)]
    return render(request, "appraisal/home.html", {
        "cycles": selectors.cycle_list(actor=request.user), "mine": selectors.my_ratings(actor=request.user),
        "roots": roots, "writable": writable})


@login_required
@require_http_methods(["GET", "POST"])
def cycle_open(request, org_id: int):
    org = selectors.org_in_scope(actor=request.user, org_id=org_id, write=True)
    form = f.CycleOpenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            cycle = services.cycle_open(actor=request.user, org_id=org.pk, data=services.CycleInput(
                year=d["year"], quarter=d["quarter"], meeting_on=d["meeting_on"], legacy_qd132=d["legacy_qd132"],
                special_unit=d["special_unit"], deadline_rating=d["deadline_rating"]))
        except ApplicationError as exc:
            _reraise_access(exc)
            apply_error(form, exc)
        else:
            messages.success(request, f"Đã mở đợt đánh giá {cycle.period_label}: {cycle.generation['subjects']} "
                                      f"đối tượng, bộ quy tắc {cycle.rule_set}.")
            return redirect("appraisal:period", org_id=org.pk, period=cycle.period_label)
    children = Organization.objects.filter(path__startswith=org.path, dissolved_on__isnull=True).exclude(
        pk=org.pk).order_by("path")[:200]
    return render(request, "appraisal/open.html", {"form": form, "org": org, "children": children})


@login_required
@require_http_methods(["GET", "POST"])
def period(request, org_id: int, period: str):
    view = selectors.period_overview(actor=request.user, org_id=org_id, period_label=period,
                                     state=request.GET.get("state", ""),
                                     subject_type=request.GET.get("type", ""), query=request.GET.get("q", ""))
    meeting_form = f.MeetingDateForm(request.POST if request.POST.get("action") == "meeting_date" else None,
                                     initial={"meeting_on": view.cycle.meeting_on if view.cycle else None})
    if request.method == "POST" and view.cycle is not None:
        action = request.POST.get("action")
        try:
            if action == "meeting_date" and meeting_form.is_valid():
                services.cycle_set_meeting_date(actor=request.user, cycle_id=view.cycle.pk,
                                                meeting_on=meeting_form.cleaned_data["meeting_on"])
                messages.success(request, "Đã cập nhật ngày họp và rà soát lại diện kiểm điểm.")
                return redirect(request.path)
            if action == "close":
                services.cycle_close(actor=request.user, cycle_id=view.cycle.pk)
                messages.success(request, "Đã kết thúc đợt đánh giá.")
                return redirect(request.path)
        except ApplicationError as exc:
            _reraise_access(exc)
            messages.error(request, exc.message)
            apply_error(meeting_form, exc)
    page = Paginator(view.ratings, 100).get_page(request.GET.get("page"))
    return render(request, "appraisal/period.html", {
        "v": view, "page": page, "meeting_form": meeting_form, "states": State.choices,
        "types": SubjectTypeChoice.choices, "exclusion_labels": dict(Exclusion.choices),
        "subject_url": _subject_url, "querystring": request.GET.urlencode()})


# ---------------------------------------------------------------------------------------------------
# One subject


def _subject_forms(request, r, action: str | None) -> dict[str, Any]:
    post = request.POST if request.method == "POST" else None

    def bound(name: str):
        return post if action == name else None

    sa_initial = {"tasks_total": r.tasks_total, "tasks_done": r.tasks_done, "tasks_on_time": r.tasks_on_time,
                  "tasks_exceeded": r.tasks_exceeded, "shortcomings_found": r.shortcomings_found,
                  "shortcomings_remedied": r.shortcomings_remedied, "self_level": r.self_level,
                  "self_report": r.self_report, "report_shared_on": r.report_shared_on,
                  "review_meeting_on": r.review_meeting_on, "assessed_level": r.assessed_level}
    for code, v in (r.criteria_scores or {}).items():
        sa_initial[f"c_{code}"] = Decimal(v) / 10
    for code, v in (r.grades or {}).items():
        sa_initial[f"g_{code}"] = v
    ap_initial = {"findings": r.findings, "units_total": r.units_total, "units_not_completed": r.units_not_completed,
                  "socio_applicable": r.socio_applicable, "socio_failed": r.socio_failed,
                  "low_confidence": {True: "yes", False: "no"}.get(r.low_confidence, ""),
                  "low_confidence_source": r.low_confidence_source, "sick_leave_days": r.sick_leave_days,
                  "maternity_leave": r.maternity_leave, "cbccvc": r.cbccvc, "state_level": r.state_level,
                  "state_rated_on": r.state_rated_on, "state_body": r.state_body,
                  "concerns_raised": r.concerns_raised, "note": r.appraisal_note}
    return {
        "type_form": f.SubjectTypeForm(bound("subject_type"), initial={"subject_type": r.subject_type}),
        "sa_form": f.SelfAssessmentForm(bound("self_assess"), rating=r, initial=sa_initial),
        "ap_form": f.AppraisalForm(bound("appraise"), rating=r, initial=ap_initial),
        "mit_form": f.MitigationForm(bound("mitigation")),
        "rev_form": f.ReverificationForm(bound("reverification")),
        "dec_form": f.SingleDecisionForm(bound("decide"), initial={"level": r.proposed or None,
                                                                     "place": "", "on_behalf_of": ""}),
        "rr_form": f.ReRatingForm(bound("rerate")),
    }


def _run_subject_action(request, r, action: str, forms: dict[str, Any]) -> bool:
    """Call the one service of the posted action; False (with the error on its form) when refused."""
    user = request.user
    name = {"subject_type": "type_form", "self_assess": "sa_form", "appraise": "ap_form", "mitigation": "mit_form",
            "reverification": "rev_form", "decide": "dec_form", "rerate": "rr_form"}.get(action)
    if name is None:
        return False
    form = forms[name]
    if not form.is_valid():
        return False
    d = form.cleaned_data
    try:
        if action == "subject_type":
            services.rating_set_subject_type(actor=user, rating_id=r.pk, subject_type=d["subject_type"])
        elif action == "self_assess":
            services.rating_self_assess(actor=user, rating_id=r.pk, data=services.SelfAssessmentInput(
                criteria_points=form.criteria_points(), grades=form.grades(),
                assessed_level=d.get("assessed_level") or "", tasks_total=d["tasks_total"],
                tasks_done=d["tasks_done"], tasks_on_time=d["tasks_on_time"], tasks_exceeded=d["tasks_exceeded"],
                shortcomings_found=d["shortcomings_found"] or 0, shortcomings_remedied=d["shortcomings_remedied"] or 0,
                self_level=d["self_level"], self_report=d["self_report"],
                report_shared_on=d.get("report_shared_on"), review_meeting_on=d.get("review_meeting_on")))
        elif action == "appraise":
            claims = []
            if d.get("claim_trigger") and d.get("claim"):
                trigger, _, cause = d["claim_trigger"].partition("|")
                claims.append(services.MitigationClaimInput(trigger, d["claim"], cause))
            services.rating_appraise(actor=user, rating_id=r.pk, data=services.AppraisalInput(
                findings=d.get("findings") or [], units_total=d.get("units_total"),
                units_not_completed=d.get("units_not_completed"), socio_applicable=d.get("socio_applicable"),
                socio_failed=d.get("socio_failed"), low_confidence=d.get("low_confidence"),
                low_confidence_source=d.get("low_confidence_source") or "",
                sick_leave_days=d.get("sick_leave_days") or 0, maternity_leave=bool(d.get("maternity_leave")),
                cbccvc=bool(d.get("cbccvc")), state_level=d.get("state_level") or "",
                state_rated_on=d.get("state_rated_on"), state_body=d.get("state_body") or "",
                concerns_raised=bool(d.get("concerns_raised")), note=d.get("note") or "", claims=claims))
        elif action == "mitigation":
            trigger, _, cause = d["trigger"].partition("|")
            services.rating_resolve_mitigation(actor=user, rating_id=r.pk, trigger=trigger, cause=cause,
                                               outcome=d["outcome"], number=d["number"], signed_on=d["signed_on"],
                                               authority=d["authority"], reason=d["reason"])
        elif action == "reverification":
            services.rating_record_reverification(actor=user, rating_id=r.pk, reference=d["reference"], on=d["on"])
        elif action == "decide":
            services.ratings_decide(
                actor=user, decider_id=r.decider_id, period_label=r.period_label,
                decision=services.DecisionInput(d["number"], d["signed_on"], d["place"], d["signer_name"],
                                                d["signer_title"], d.get("on_behalf_of") or ""),
                items=[services.DecidedItem(r.pk, d["level"], d.get("reason") or "")])
        elif action == "rerate":
            services.rating_rerate(actor=user, rating_id=r.pk, data=services.ReRatingInput(
                number=d["number"], signed_on=d["signed_on"], authority=d["authority"], reason=d["reason"],
                ground=d["ground"], new_level=d["new_level"], place=d["place"], signer_name=d["signer_name"],
                signer_title=d["signer_title"], corrected_score=d.get("corrected_score"),
                corrected_tasks=form.corrected_tasks()))
    except ApplicationError as exc:
        _reraise_access(exc)
        apply_error(form, exc)
        for e in exc.errors:
            if e.field.startswith(("level_", "reason_")):
                form.add_error(None, e.text())
        return False
    return True


@login_required
@require_http_methods(["GET", "POST"])
def subject(request, period: str, member_id: int | None = None, unit_id: int | None = None, body: str = ""):
    r = selectors.rating_get(actor=request.user, period_label=period, member_id=member_id, unit_id=unit_id,
                             body=body)
    action = request.POST.get("action") if request.method == "POST" else None
    forms = _subject_forms(request, r, action)
    if action and _run_subject_action(request, r, action, forms):
        messages.success(request, "Đã ghi nhận.")
        return redirect(_subject_url(r))
    page = selectors.subject_page(actor=request.user, r=r)
    return render(request, "appraisal/subject.html", {
        "p": page, "r": r, "action": action, **forms, "level_codes": LEVEL_CODES,
        "state_label": State(r.state).label, "levels": dict(LevelChoice.choices),
        "exclusion_label": Exclusion(r.excluded).label if r.excluded else "",
        "body_label": Body(r.body).label if r.body else ""})


# ---------------------------------------------------------------------------------------------------
# The deciding authority: calibration, batch decision, exception, announcement


@login_required
@require_http_methods(["GET", "POST"])
def decide(request, org_id: int, period: str):
    cal = selectors.calibration(actor=request.user, decider_id=org_id, period_label=period)
    rows = [row for g in cal.groups for row in g.rows if row.r.state == State.APPRAISED]
    action = request.POST.get("action") if request.method == "POST" else None
    batch = f.BatchDecisionForm(request.POST if action == "decide" else None, rows=rows, exceptions=cal.exceptions,
                                initial={"place": "", "on_behalf_of": "Đảng ủy"})
    exc_form = f.ExceptionForm(request.POST if action == "exception" else None, groups=cal.groups)
    try:
        if action == "decide" and batch.is_valid():
            d = batch.cleaned_data
            missing = [pk for pk, level, _r in batch.items() if not level]
            if missing:
                batch.add_error(None, "Chọn mức xếp loại cho mọi đối tượng được chọn.")
            else:
                decision = services.ratings_decide(
                    actor=request.user, decider_id=cal.decider.pk, period_label=cal.ref.label,
                    decision=services.DecisionInput(d["number"], d["signed_on"], d["place"], d["signer_name"],
                                                    d["signer_title"], d.get("on_behalf_of") or ""),
                    items=[services.DecidedItem(pk, level, reason) for pk, level, reason in batch.items()],
                    exception_id=d.get("exception"))
                messages.success(request, f"Đã ban hành Quyết định {decision.number}.")
                return redirect(request.path)
        elif action == "exception" and exc_form.is_valid():
            d = exc_form.cleaned_data
            services.quota_exception_record(actor=request.user, decider_id=cal.decider.pk,
                                            period_label=cal.ref.label, number=d["number"], signed_on=d["signed_on"],
                                            authority=d["authority"], reason=d["reason"], pct=d["pct"],
                                            peer_groups=d["peer_groups"])
            messages.success(request, "Đã ghi nhận quyết định tỷ lệ ngoại lệ (AR-34).")
            return redirect(request.path)
        elif action == "announce":
            n = services.ratings_announce(actor=request.user, decider_id=cal.decider.pk, period_label=cal.ref.label)
            messages.success(request, f"Đã thông báo kết quả cho {n} tập thể, cá nhân (AR-59).")
            return redirect(request.path)
    except ApplicationError as exc:
        _reraise_access(exc)
        target = batch if action == "decide" else exc_form
        apply_error(target, exc)
        for e in exc.errors:
            target.add_error(None, e.text())
        if action == "announce":
            messages.error(request, exc.message)
    return render(request, "appraisal/decide.html", {
        "cal": cal, "batch": batch, "exc_form": exc_form, "level_codes": LEVEL_CODES,
        "subject_url": _subject_url, "levels": LevelChoice.choices})


@login_required
@require_GET
def decision_file(request, org_id: int, period: str, fmt: str):
    d = selectors.decision_get(actor=request.user, decider_id=org_id, period_label=period,
                               decision_id=_int(request.GET.get("d")))
    content = outputs.decision_content(d, selectors.decision_rows(d))
    name = f"quyet-dinh-xep-loai-{d.period_label}-{d.pk}"
    if fmt == "pdf":
        return _file(outputs.document_pdf(content), outputs.PDF, f"{name}.pdf")
    return _file(outputs.document_docx(content), outputs.DOCX, f"{name}.docx")


@login_required
@require_GET
def rerating_file(request, org_id: int, period: str, fmt: str):
    rr = selectors.rerating_get(actor=request.user, decider_id=org_id, period_label=period,
                                rerating_id=_int(request.GET.get("r")))
    content = outputs.rerating_content(rr)
    name = f"mau-03-danh-gia-lai-{rr.pk}"
    if fmt == "pdf":
        return _file(outputs.document_pdf(content), outputs.PDF, f"{name}.pdf")
    return _file(outputs.document_docx(content), outputs.DOCX, f"{name}.docx")


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


# ---------------------------------------------------------------------------------------------------
# Records (Mẫu 04) and statistics


@login_required
@require_GET
def records_file(request, org_id: int, period: str):
    org, ref, qs = selectors.records(actor=request.user, org_id=org_id, period_label=period)
    ratings = list(qs)
    frames = {t: frame_for(SubjectType(t)).form for t in SubjectTypeChoice.values}
    data = outputs.records_xlsx(org, ref, ratings, selectors.versions_by_rating([r.pk for r in ratings]), frames)
    return _file(data, outputs.XLSX, f"mau-04-ho-so-xep-loai-{ref.label}.xlsx")


@login_required
@require_http_methods(["GET", "POST"])
def stats(request, org_id: int, period: str):
    if request.method == "POST":
        try:
            services.stats_send_up(actor=request.user, org_id=org_id, period_label=period)
        except ApplicationError as exc:
            _reraise_access(exc)
            messages.error(request, exc.message)
        else:
            messages.success(request, "Đã ghi nhận báo cáo số liệu gửi cấp trên.")
        return redirect(request.path)
    view = selectors.rating_stats(actor=request.user, org_id=org_id, period_label=period,
                                  all_groups=request.GET.get("groups") == "all")
    template = "appraisal/_stats_body.html" if request.htmx else "appraisal/stats.html"
    return render(request, template, {
        "s": view, "bars": selectors.chart_bars(view.total), "can_send": scope_for(request.user).covers_path(
            view.org.path, write=True),
        "type_bars": [(label, selectors.chart_bars(st)) for label, st in view.by_type]})


@login_required
@require_GET
def stats_file(request, org_id: int, period: str, fmt: str):
    view = selectors.rating_stats(actor=request.user, org_id=org_id, period_label=period, all_groups=True)
    if fmt == "docx":
        return _file(outputs.stats_docx(view), outputs.DOCX, f"thong-ke-xep-loai-{view.ref.label}.docx")
    return _file(outputs.stats_xlsx(view), outputs.XLSX, f"thong-ke-xep-loai-{view.ref.label}.xlsx")


# ---------------------------------------------------------------------------------------------------
# Disciplinary decisions and criteria templates


@login_required
@require_http_methods(["GET", "POST"])
def discipline(request, org_id: int):
    org, qs = selectors.discipline_list(actor=request.user, org_id=org_id)
    form = f.DisciplineRecordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.discipline_record(actor=request.user, data=services.DisciplineInput(
                form=d["form"], decision_number=d["decision_number"], decision_date=d["decision_date"],
                member_id=d.get("member"), organization_id=d.get("organization"), authority=d.get("authority") or "",
                act_date=d.get("act_date"), unit_at_act_id=d.get("unit_at_act"), duty_related=d["duty_related"],
                related_to_functions=d["related_to_functions"],
                self_detected_remedied=d["self_detected_remedied"], note=d.get("note") or ""))
        except ApplicationError as exc:
            _reraise_access(exc)
            apply_error(form, exc)
        else:
            messages.success(request, "Đã ghi nhận quyết định kỷ luật.")
            return redirect(request.path)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "appraisal/discipline.html", {
        "org": org, "page": page, "form": form,
        "can_write": scope_for(request.user).covers_path(org.path, write=True)})


@login_required
@require_http_methods(["GET", "POST"])
def criteria(request, org_id: int):
    org, own, inherited = selectors.template_list(actor=request.user, org_id=org_id)
    form = f.TemplateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        items = form.criteria_items()
        if items is not None:
            d = form.cleaned_data
            try:
                services.template_create(
                    actor=request.user, issuer_id=org.pk, subject_type=d["subject_type"], title=d["title"],
                    criteria=[services.CriterionInput(code, group, Decimal(pts) if _decimal(pts) else Decimal(-1),
                                                      title) for code, group, pts, title in items])
            except ApplicationError as exc:
                _reraise_access(exc)
                apply_error(form, exc)
            else:
                messages.success(request, "Đã ban hành phiên bản mới của mẫu tiêu chí.")
                return redirect(request.path)
    return render(request, "appraisal/criteria.html", {
        "org": org, "own": own, "inherited": inherited, "form": form,
        "can_write": scope_for(request.user).covers_path(org.path, write=True),
        "type_labels": dict(SubjectTypeChoice.choices)})


def _decimal(text: str) -> bool:
    try:
        Decimal(text)
    except ArithmeticError:
        return False
    return True
