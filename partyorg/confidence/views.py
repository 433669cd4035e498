"""Pages of the confidence rating votes. Each view parses, calls one service or selector, renders.

Objects outside the actor's scope answer 404 (the middleware maps NotFoundOrForbidden/Forbidden); a
refused service call is shown on the page with its bilingual message naming the field and the rule.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from partyorg.ballots.models import BoxState, Participation
from partyorg.core.errors import ApplicationError, Forbidden, NotFoundOrForbidden
from partyorg.core.forms import apply_error
from partyorg.core.i18n import pick
from partyorg.domain import confidence as cv
from partyorg.members.selectors import MemberFilter, member_list

from . import forms as f
from . import outputs, selectors, services
from .models import CaseState, CommitteeMember, State, Subject

PERMISSION_ERRORS = (NotFoundOrForbidden, Forbidden)


def _file(data: bytes, content_type: str, filename: str) -> HttpResponse:
    resp = HttpResponse(data, content_type=content_type)
    resp["Content-Disposition"] = f'attachment; filename="{filename}"'
    return resp


def _run(request, call: Callable[[], Any], ok: str, form=None) -> bool:
    """Call one service; show its refusal (never hide a permission error: the middleware maps it)."""
    try:
        call()
    except PERMISSION_ERRORS:
        raise
    except ApplicationError as exc:
        if form is not None:
            apply_error(form, exc)
        messages.error(request, exc.message)
        for e in exc.errors:
            messages.error(request, e.text())
        return False
    if ok:
        messages.success(request, ok)
    return True


def _conf(request, conference_id: int, *, write: bool = False):
    return selectors.conference_get(actor=request.user, conference_id=conference_id, write=write)


def _ctx(conf, section: str, **extra: Any) -> dict[str, Any]:
    return {"conf": conf, "section": section, "State": State, "today": timezone.localdate(), **extra}


# ---------------------------------------------------------------------------------------------------
# Home, list, create


@login_required
@require_GET
def home(request):
    state = request.GET.get("state", "")
    confs = selectors.conference_list(actor=request.user, state=state if state in State.values else "")
    page = Paginator(confs, 30).get_page(request.GET.get("page"))
    return render(request, "confidence/home.html", {
        "page": page, "state": state, "states": State.choices, "my_votes": selectors.my_votes(actor=request.user),
        "my_results": selectors.my_results(actor=request.user), "can_create": bool(selectors.org_choices(
            actor=request.user, limit=1)),
        "open_cases": selectors.case_list(actor=request.user, open_only=True).count(),
        "reminders": selectors.reminders(actor=request.user, today=timezone.localdate())})


@login_required
@require_http_methods(["GET", "POST"])
def create(request):
    orgs = selectors.org_choices(actor=request.user)
    if not orgs:
        raise NotFoundOrForbidden()
    initial: dict[str, Any] = {"vote_date": timezone.localdate()}
    wanted = request.GET.get("org", "")
    if wanted.isdigit() and any(o.pk == int(wanted) for o in orgs):
        org = next(o for o in orgs if o.pk == int(wanted))
        initial.update(organization=org.pk, title=f"Hội nghị lấy phiếu tín nhiệm – {org.name}",
                       voting_body=f"Ban Chấp hành {org.name}")
    form = f.ConferenceForm(request.POST or None, org_choices=orgs, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        holder: dict[str, Any] = {}

        def call() -> None:
            holder["conf"] = services.conference_create(actor=request.user, org_id=d["organization"],
                                                        data=_conference_input(form))
        if _run(request, call, _("Đã lập kế hoạch hội nghị lấy phiếu tín nhiệm."), form):
            return redirect("confidence:detail", conference_id=holder["conf"].pk)
    return render(request, "confidence/form.html", {"form": form, "conf": None})


def _conference_input(form: f.ConferenceForm) -> services.ConferenceInput:
    d = form.cleaned_data
    return services.ConferenceInput(
        title=d["title"], voting_body=d["voting_body"], vote_date=d["vote_date"], body_kind=d["body_kind"],
        rule_set=d["rule_set"], voter_group=d["voter_group"], place=d["place"], term_label=d["term_label"],
        term_start=d["term_start"], publication=d["publication"], settings=form.overrides())


@login_required
@require_http_methods(["GET", "POST"])
def edit(request, conference_id: int):
    conf = _conf(request, conference_id, write=True)
    form = f.ConferenceForm(request.POST or None, initial=f.ConferenceForm.initial_for(conf))
    if request.method == "POST" and form.is_valid() and _run(
            request, lambda: services.conference_update(actor=request.user, conference_id=conf.pk,
                                                        data=_conference_input(form)), _("Đã lưu."), form):
        return redirect("confidence:detail", conference_id=conf.pk)
    return render(request, "confidence/form.html", _ctx(conf, "detail", form=form))


# ---------------------------------------------------------------------------------------------------
# One conference: overview and state transitions


def _transition(request, conf, action: str) -> bool:
    """One POSTed lifecycle action -> one service."""
    u, pk, post = request.user, conf.pk, request.POST
    if action == "prepare":
        return _run(request, lambda: services.conference_prepare(actor=u, conference_id=pk),
                    _("Đã chốt danh sách người được lấy phiếu và tạo hòm phiếu."))
    if action == "send_dossiers":
        return _run(request, lambda: services.conference_send_dossiers(actor=u, conference_id=pk),
                    _("Đã gửi hồ sơ cho người tham gia lấy phiếu."))
    if action == "open":
        return _run(request, lambda: services.conference_open(actor=u, conference_id=pk), _("Đã khai mạc hội nghị."))
    if action == "start_voting":
        return _run(request, lambda: services.conference_start_voting(actor=u, conference_id=pk),
                    _("Đã phát phiếu: bắt đầu bỏ phiếu. Bộ quy tắc và tham số đã cố định (CV-5)."))
    if action == "count":
        return _run(request, lambda: services.conference_count(actor=u, conference_id=pk),
                    _("Đã kiểm phiếu, lập biên bản và mở các trường hợp phải xử lý."))
    if action in ("postpone", "cancel"):
        form = f.ReasonForm(post)
        if not form.is_valid():
            messages.error(request, _("Cần ghi lý do."))
            return False
        svc = services.conference_postpone if action == "postpone" else services.conference_cancel
        return _run(request, lambda: svc(actor=u, conference_id=pk, reason=form.cleaned_data["reason"]),
                    _("Đã hoãn hội nghị.") if action == "postpone" else _("Đã hủy hội nghị."))
    if action == "reschedule":
        form = f.DateForm(post)
        if not form.is_valid():
            messages.error(request, _("Ngày lấy phiếu không hợp lệ."))
            return False
        return _run(request, lambda: services.conference_reschedule(actor=u, conference_id=pk,
                                                                    vote_date=form.cleaned_data["vote_date"]),
                    _("Đã định lại ngày lấy phiếu."))
    if action == "report":
        form = f.ReportForm(post)
        if not form.is_valid():
            messages.error(request, _("Thông tin báo cáo chưa đủ."))
            return False
        d = form.cleaned_data
        return _run(request, lambda: services.conference_report(actor=u, conference_id=pk, data=services.ReportInput(
            recipient=d["recipient"], number=d["number"], report_date=d["report_date"], informed_on=d["informed_on"],
            publication=d["publication"])), _("Đã báo cáo kết quả cho cấp có thẩm quyền."))
    if action == "milestone":
        form = f.MilestoneForm(post)
        if not form.is_valid():
            messages.error(request, _("Mốc không hợp lệ."))
            return False
        return _run(request, lambda: services.milestone_record(actor=u, conference_id=pk,
                                                               milestone=form.cleaned_data["milestone"],
                                                               done_on=form.cleaned_data["done_on"]), _("Đã ghi mốc."))
    messages.error(request, _("Thao tác không hợp lệ."))
    return False


@login_required
@require_http_methods(["GET", "POST"])
def detail(request, conference_id: int):
    if request.method == "POST":
        conf = _conf(request, conference_id, write=True)
        _transition(request, conf, request.POST.get("action", ""))
        return redirect("confidence:detail", conference_id=conf.pk)
    conf, acc = selectors.conference_for_view(actor=request.user, conference_id=conference_id)
    if not acc.staff:
        return _participant(request, conf, acc)
    today = timezone.localdate()
    subjects = selectors.subjects_of(conf)
    report_initial = {"report_date": today, "informed_on": today, "publication": conf.publication,
                      "recipient": next((s.managing_authority.name for s in subjects if s.managing_authority), "")}
    return render(request, "confidence/detail.html", _ctx(
        conf, "detail", acc=acc, subjects=subjects, on_ballot=[s for s in subjects if s.on_ballot],
        deadlines=selectors.deadlines_of(conf, today=today), counts=selectors.box_counts(conf),
        committee=list(CommitteeMember.objects.filter(conference=conf)),
        defaults=selectors.defaults_applied(conf), rule_set_label=selectors.rule_set_label(conf.rule_set),
        frozen=cv.parameters_frozen(cv.ConferenceState(conf.state)), report_form=f.ReportForm(initial=report_initial),
        date_form=f.DateForm(initial={"vote_date": conf.vote_date}),
        cases=list(selectors.case_list(actor=request.user).filter(subjects__conference=conf).distinct()),
        milestone_labels={d.milestone.value: pick(d.label_vi, d.label_en) for d in cv.dossier_deadlines(conf.vote_date)}))


def _participant(request, conf, acc):
    part = None
    if conf.box_id and request.user.member_id:
        part = Participation.objects.filter(box_id=conf.box_id, member_id=request.user.member_id).first()
    rows = selectors.visible_rows(conf=conf, acc=acc) if conf.state in selectors.COUNTED_STATES else []
    return render(request, "confidence/participant.html", _ctx(
        conf, "detail", acc=acc, part=part, rows=rows, box_open=bool(conf.box and conf.box.state == BoxState.OPEN),
        box_closed=bool(conf.box and conf.box.state == BoxState.CLOSED), decimals=2))


# ---------------------------------------------------------------------------------------------------
# Rated persons, exemptions, dossiers


@login_required
@require_http_methods(["GET", "POST"])
def subjects(request, conference_id: int):
    if request.method == "POST":
        conf = _conf(request, conference_id, write=True)
        u, pk, post = request.user, conf.pk, request.POST
        action = post.get("action", "")
        if action == "generate":
            _run(request, lambda: services.subjects_generate(actor=u, conference_id=pk),
                 _("Đã lấy danh sách từ hồ sơ chức vụ."))
        elif action == "add":
            form = f.SubjectAddForm(post)
            if form.is_valid():
                d = form.cleaned_data
                _run(request, lambda: services.subject_add(actor=u, conference_id=pk, member_id=d["member"],
                                                           position=d["position"], reason=d["reason"]),
                     _("Đã bổ sung người được lấy phiếu."))
            else:
                messages.error(request, _("Cần chọn người, ghi chức vụ và lý do."))
        elif action in ("remove", "restore"):
            sid = int(post.get("subject") or 0)
            _run(request, lambda: services.subject_remove(actor=u, conference_id=pk, subject_id=sid,
                                                          reason=post.get("reason", ""), restore=action == "restore"),
                 _("Đã cập nhật danh sách."))
        elif action in ("up", "down"):
            ids = list(Subject.objects.filter(conference=conf).order_by("order", "id").values_list("pk", flat=True))
            sid = int(post.get("subject") or 0)
            if sid in ids:
                i = ids.index(sid)
                j = i - 1 if action == "up" else i + 1
                if 0 <= j < len(ids):
                    ids[i], ids[j] = ids[j], ids[i]
            _run(request, lambda: services.subjects_reorder(actor=u, conference_id=pk, subject_ids=ids), "")
        else:
            messages.error(request, _("Thao tác không hợp lệ."))
        return redirect("confidence:subjects", conference_id=conf.pk)
    conf = _conf(request, conference_id)
    q = request.GET.get("q", "").strip()
    candidates = []
    if q and conf.state == State.PLANNED:
        taken = set(Subject.objects.filter(conference=conf).values_list("member_id", flat=True))
        candidates = [m for m in member_list(actor=request.user, filters=MemberFilter(query=q))[:20]
                      if m.pk not in taken]
    tpl = "confidence/_candidates.html" if request.htmx and q else "confidence/subjects.html"
    return render(request, tpl, _ctx(conf, "subjects", subjects=selectors.subjects_of(conf), q=q,
                                     candidates=candidates, planned=conf.state == State.PLANNED))


@login_required
@require_http_methods(["GET", "POST"])
def subject(request, conference_id: int, subject_id: int):
    conf = _conf(request, conference_id, write=request.method == "POST")
    s = Subject.objects.filter(conference=conf, pk=subject_id).select_related("member").first()
    if s is None:
        raise NotFoundOrForbidden()
    action = request.POST.get("action") if request.method == "POST" else None
    facts = f.FactsForm(request.POST if action == "facts" else None, initial={
        "positions": "\n".join(s.positions), "retirement_notice": s.retirement_notice, "appointed_on": s.appointed_on,
        "elected_on": s.elected_on, "serious_illness": s.serious_illness, "months_off": s.months_off})
    dossier = f.DossierForm(request.POST if action == "dossier" else None, initial={
        n: getattr(s, n) for n in f.DossierForm.base_fields})
    if action == "facts" and facts.is_valid():
        d = facts.cleaned_data
        data = services.FactsInput(retirement_notice=d["retirement_notice"], appointed_on=d["appointed_on"],
                                   elected_on=d["elected_on"], serious_illness=d["serious_illness"],
                                   months_off=d["months_off"], positions=d["positions"].splitlines())
        if _run(request, lambda: services.subject_facts_update(actor=request.user, conference_id=conf.pk,
                                                               subject_id=s.pk, data=data), _("Đã lưu."), facts):
            return redirect("confidence:subject", conference_id=conf.pk, subject_id=s.pk)
    elif action == "dossier" and dossier.is_valid():
        data = services.DossierInput(**dossier.cleaned_data)
        if _run(request, lambda: services.dossier_update(actor=request.user, conference_id=conf.pk, subject_id=s.pk,
                                                         data=data), _("Đã lưu hồ sơ."), dossier):
            return redirect("confidence:subject", conference_id=conf.pk, subject_id=s.pk)
    check = selectors.dossier_check(s)
    return render(request, "confidence/subject.html", _ctx(
        conf, "subjects", s=s, facts=facts, dossier=dossier, check=check,
        missing=[_(selectors.DOSSIER_ITEM_LABELS[m.value]) for m in check.missing],
        reasons=[pick(cv.ExemptionReason(r).label_vi, cv.ExemptionReason(r).label_en) for r in s.exemption_reasons],
        criteria=cv.self_report_criteria(cv.RuleSet(conf.rule_set))))


# ---------------------------------------------------------------------------------------------------
# Roster, attendance, counting committee


def _ids(post, name: str) -> list[int]:
    return [int(v) for v in post.getlist(name) if str(v).isdigit()]


@login_required
@require_http_methods(["GET", "POST"])
def roster(request, conference_id: int):
    if request.method == "POST":
        conf = _conf(request, conference_id, write=True)
        u, pk, post = request.user, conf.pk, request.POST
        action = post.get("action", "")
        current = {r.member_id for r in selectors.roster_of(conf)}
        if action == "roster":
            shown = set(_ids(post, "shown"))
            wanted = (current - shown) | set(_ids(post, "member"))
            _run(request, lambda: services.roster_update(actor=u, conference_id=pk, member_ids=sorted(wanted)),
                 _("Đã cập nhật danh sách triệu tập."))
        elif action == "positions":
            wanted = current | set(selectors.positions_holders(conf).values_list("pk", flat=True))
            _run(request, lambda: services.roster_update(actor=u, conference_id=pk, member_ids=sorted(wanted)),
                 _("Đã triệu tập những người đang giữ chức vụ của tổ chức."))
        elif action == "attendance":
            _run(request, lambda: services.attendance_update(actor=u, conference_id=pk,
                                                             present_ids=_ids(post, "present")), _("Đã điểm danh."))
        else:
            messages.error(request, _("Thao tác không hợp lệ."))
        return redirect("confidence:roster", conference_id=conf.pk)
    conf = _conf(request, conference_id)
    rows = selectors.roster_of(conf)
    on_roster = {r.member_id for r in rows}
    q = request.GET.get("q", "").strip()
    candidates = [m for m in selectors.member_candidates(actor=request.user, conf=conf, query=q, limit=200)
                  if m.pk not in on_roster]
    quorum = None
    if rows:
        present = sum(1 for r in rows if r.present)
        quorum = cv.decide_quorum(rule_set=cv.RuleSet(conf.rule_set), convened=len(rows), present=present,
                                  settings=selectors.conference_settings(conf))
    return render(request, "confidence/roster.html", _ctx(
        conf, "roster", rows=rows, candidates=candidates, q=q, quorum=quorum,
        can_roster=conf.state in (State.PREPARING, State.DOSSIERS_SENT, State.POSTPONED),
        can_attend=conf.state in (State.DOSSIERS_SENT, State.POSTPONED, State.OPENED)))


@login_required
@require_http_methods(["GET", "POST"])
def committee(request, conference_id: int):
    if request.method == "POST":
        conf = _conf(request, conference_id, write=True)
        head = request.POST.get("head", "")
        _run(request, lambda: services.committee_set(actor=request.user, conference_id=conf.pk,
                                                     member_ids=_ids(request.POST, "member"),
                                                     head_id=int(head) if head.isdigit() else None),
             _("Đã lập Ban kiểm phiếu."))
        return redirect("confidence:committee", conference_id=conf.pk)
    conf = _conf(request, conference_id)
    members = list(CommitteeMember.objects.filter(conference=conf))
    chosen = {m.member_id for m in members}
    rated = set(Subject.objects.filter(conference=conf, removed=False).values_list("member_id", flat=True))
    pool: dict[int, str] = {r.member_id: r.full_name for r in selectors.roster_of(conf)}
    for m in selectors.member_candidates(actor=request.user, conf=conf, query=request.GET.get("q", ""), limit=100):
        pool.setdefault(m.pk, m.full_name)
    for m in members:
        pool.setdefault(m.member_id, m.full_name)
    options = [{"id": k, "name": v, "chosen": k in chosen, "rated": k in rated,
                "head": any(m.member_id == k and m.is_head for m in members)} for k, v in pool.items()]
    options.sort(key=lambda o: (not o["chosen"], o["rated"], o["name"]))
    return render(request, "confidence/committee.html", _ctx(
        conf, "committee", members=members, options=options, q=request.GET.get("q", ""),
        editable=conf.state in selectors.BEFORE_VOTING))


# ---------------------------------------------------------------------------------------------------
# Voting desk


@login_required
@require_http_methods(["GET", "POST"])
def voting(request, conference_id: int):
    if request.method == "POST":
        conf = _conf(request, conference_id, write=True)
        action = request.POST.get("action", "")
        if action == "issue":
            _run(request, lambda: services.paper_ballots_issue(actor=request.user, conference_id=conf.pk,
                                                               member_ids=_ids(request.POST, "member")),
                 _("Đã ghi nhận phát phiếu giấy / phiếu mã."))
        elif action == "kiosk":
            form = f.KioskForm(request.POST)
            if form.is_valid():
                holder: dict[str, Any] = {}

                def call() -> None:
                    holder["codes"] = services.kiosk_codes_issue(actor=request.user, conference_id=conf.pk,
                                                                 count=form.cleaned_data["count"])
                if _run(request, call, ""):
                    return render(request, "confidence/kiosk_codes.html", _ctx(conf, "voting",
                                                                                codes=holder["codes"]))
            else:
                messages.error(request, _("Số mã từ 1 đến 2000."))
        else:
            messages.error(request, _("Thao tác không hợp lệ."))
        return redirect("confidence:voting", conference_id=conf.pk)
    conf = _conf(request, conference_id)
    counts = selectors.box_counts(conf)
    if request.htmx and request.GET.get("part") == "counts":
        return render(request, "confidence/_counts.html", {"conf": conf, "counts": counts})
    rows = selectors.roster_of(conf)
    return render(request, "confidence/voting.html", _ctx(
        conf, "voting", counts=counts, to_issue=[r for r in rows if r.present and not r.issued and not r.voted],
        rows=rows, box_open=bool(conf.box and conf.box.state == BoxState.OPEN), kiosk_form=f.KioskForm()))


# ---------------------------------------------------------------------------------------------------
# Files and results


@login_required
@require_GET
def ballot_pdf(request, conference_id: int):
    conf = _conf(request, conference_id)
    try:
        copies = int(request.GET.get("copies", "1"))
    except ValueError:
        copies = 1
    return _file(outputs.ballot_pdf(conf, copies=copies), outputs.PDF, f"phieu-tin-nhiem-{conf.pk}.pdf")


def _counted(request, conference_id: int):
    conf = _conf(request, conference_id)
    if conf.state not in selectors.COUNTED_STATES:
        raise Http404
    return conf


@login_required
@require_GET
def minutes_docx(request, conference_id: int):
    conf = _counted(request, conference_id)
    return _file(outputs.minutes_docx(conf), outputs.DOCX, f"bien-ban-kiem-phieu-{conf.pk}.docx")


@login_required
@require_GET
def minutes_pdf(request, conference_id: int):
    conf = _counted(request, conference_id)
    return _file(outputs.minutes_pdf(conf), outputs.PDF, f"bien-ban-kiem-phieu-{conf.pk}.pdf")


@login_required
@require_GET
def report_docx(request, conference_id: int):
    conf = _counted(request, conference_id)
    return _file(outputs.report_docx(conf), outputs.DOCX, f"bao-cao-tin-nhiem-{conf.pk}.docx")


@login_required
@require_GET
def report_pdf(request, conference_id: int):
    conf = _counted(request, conference_id)
    return _file(outputs.report_pdf(conf), outputs.PDF, f"bao-cao-tin-nhiem-{conf.pk}.pdf")


def _result_rows(request, conference_id: int):
    conf, acc = selectors.conference_for_view(actor=request.user, conference_id=conference_id)
    if conf.state not in selectors.COUNTED_STATES:
        raise Http404
    rows = selectors.visible_rows(conf=conf, acc=acc)
    if not rows and not acc.staff:
        raise NotFoundOrForbidden()
    return conf, acc, rows


@login_required
@require_GET
def results(request, conference_id: int):
    conf, acc, rows = _result_rows(request, conference_id)
    d = selectors.conference_settings(conf).percent_decimals
    table = [{"s": s, "high": selectors.pct_text(s.high_pct, d), "medium": selectors.pct_text(s.medium_pct, d),
              "low": selectors.pct_text(s.low_pct, d), "band": selectors.BAND_LABELS.get(s.band, ""),
              "consequences": outputs.consequence_text(s.consequences)} for s in rows]
    return render(request, "confidence/results.html", _ctx(
        conf, "results", acc=acc, table=table, rule_set_label=selectors.rule_set_label(conf.rule_set),
        defaults=selectors.defaults_applied(conf), trace=outputs.trace_lines(conf)))


@login_required
@require_GET
def results_xlsx(request, conference_id: int):
    conf, _acc, rows = _result_rows(request, conference_id)
    return _file(outputs.results_xlsx(conf, rows), outputs.XLSX, f"ket-qua-tin-nhiem-{conf.pk}.xlsx")


# ---------------------------------------------------------------------------------------------------
# Consequence cases


@login_required
@require_GET
def cases(request):
    open_only = request.GET.get("open", "1") != "0"
    today = timezone.localdate()
    rows = [{"c": c, "due": selectors.case_reminder_due(c, today=today)}
            for c in selectors.case_list(actor=request.user, open_only=open_only)[:500]]
    return render(request, "confidence/cases.html", {"rows": rows, "open_only": open_only, "section": "cases"})


def _decision(form) -> tuple[str, Any]:
    return form.cleaned_data.get("number", "") or "", form.cleaned_data.get("decided_on")


def _case_action(request, case, action: str):
    """One POSTed case action -> one service (the domain decides whether it is allowed)."""
    u, pk, post = request.user, case.pk, request.POST
    forms_by_action = {"record_consolidated_level": f.LevelForm, "record_planning_removal": f.DecisionForm,
                       "record_qd96_option": f.OptionForm, "record_relief_to_lower_post": f.ReliefForm,
                       "record_consideration": f.ConsiderationForm, "record_resignation": f.DecisionForm,
                       "record_no_confidence_vote": f.VoteForm, "record_retained": None,
                       "record_dismissal_submission": f.DecisionForm, "record_dismissal": f.DecisionForm,
                       "close_case": f.CloseForm}
    if action not in forms_by_action:
        messages.error(request, _("Thao tác không hợp lệ."))
        return None
    form_cls = forms_by_action[action]
    form = form_cls(post) if form_cls else None
    if form is not None and not form.is_valid():
        return form
    d = form.cleaned_data if form is not None else {}
    number, decided_on = _decision(form) if form is not None else ("", None)
    calls: dict[str, Callable[[], Any]] = {
        "record_consolidated_level": lambda: services.case_record_level(
            actor=u, case_id=pk, level=d["level"], number=number, decided_on=decided_on),
        "record_planning_removal": lambda: services.case_record_planning_removal(
            actor=u, case_id=pk, number=number, decided_on=decided_on),
        "record_qd96_option": lambda: services.case_record_option(
            actor=u, case_id=pk, option=d["option"], number=number, decided_on=decided_on, new_post=d["new_post"],
            vote=services.VoteInput(collected=d["vote_collected"], no_confidence=d["vote_no_confidence"] or 0,
                                    issued=d["vote_issued"]) if d.get("vote_collected") is not None else None),
        "record_relief_to_lower_post": lambda: services.case_record_relief(
            actor=u, case_id=pk, number=number, decided_on=decided_on, new_post=d["new_post"]),
        "record_consideration": lambda: services.case_record_consideration(
            actor=u, case_id=pk, removed_from_planning=d["removed_from_planning"], number=number,
            decided_on=decided_on),
        "record_resignation": lambda: services.case_record_resignation(
            actor=u, case_id=pk, number=number, decided_on=decided_on),
        "record_no_confidence_vote": lambda: services.case_record_no_confidence_vote(
            actor=u, case_id=pk, vote=services.VoteInput(collected=d["collected"], no_confidence=d["no_confidence"],
                                                         issued=d["issued"])),
        "record_retained": lambda: services.case_record_retained(actor=u, case_id=pk),
        "record_dismissal_submission": lambda: services.case_record_dismissal_submission(
            actor=u, case_id=pk, number=number, decided_on=decided_on),
        "record_dismissal": lambda: services.case_record_dismissal(
            actor=u, case_id=pk, number=number, decided_on=decided_on),
        "close_case": lambda: services.case_close(actor=u, case_id=pk, closed_on=d["closed_on"]),
    }
    if _run(request, calls[action], _("Đã ghi nhận."), form):
        return None
    return form


CASE_ACTION_LABELS = {
    "record_consolidated_level": gettext_lazy("Xác định mức tín nhiệm từ kết quả hai nơi (CV-38)"),
    "record_planning_removal": gettext_lazy("Quyết định đưa ra khỏi quy hoạch chức danh cao hơn (CV-36 a)"),
    "record_qd96_option": gettext_lazy("Hình thức xử lý (CV-36 b)"),
    "record_relief_to_lower_post": gettext_lazy("Cho thôi giữ chức vụ, bố trí công tác thấp hơn (CV-37)"),
    "record_consideration": gettext_lazy("Kết quả xem xét (CV-39)"),
    "record_resignation": gettext_lazy("Từ chức (CV-40)"),
    "record_no_confidence_vote": gettext_lazy("Kết quả bỏ phiếu tín nhiệm (CV-42)"),
    "record_retained": gettext_lazy("Tiếp tục giữ chức vụ (bỏ phiếu tín nhiệm không quá nửa, CV-42)"),
    "record_dismissal_submission": gettext_lazy("Trình miễn nhiệm (CV-40)"),
    "record_dismissal": gettext_lazy("Quyết định miễn nhiệm"),
    "close_case": gettext_lazy("Kết thúc trường hợp (CV-44)"),
}


@login_required
@require_http_methods(["GET", "POST"])
def case(request, case_id: int):
    bad_form, bad_action = None, None
    if request.method == "POST":
        c = selectors.case_get(actor=request.user, case_id=case_id, write=True)
        bad_action = request.POST.get("action", "")
        bad_form = _case_action(request, c, bad_action)
        if bad_form is None:
            return redirect("confidence:case", case_id=c.pk)
    c = selectors.case_get(actor=request.user, case_id=case_id)
    today = timezone.localdate()
    forms_by_action = {"record_consolidated_level": f.LevelForm, "record_planning_removal": f.DecisionForm,
                       "record_qd96_option": f.OptionForm, "record_relief_to_lower_post": f.ReliefForm,
                       "record_consideration": f.ConsiderationForm, "record_resignation": f.DecisionForm,
                       "record_no_confidence_vote": f.VoteForm, "record_dismissal_submission": f.DecisionForm,
                       "record_dismissal": f.DecisionForm, "close_case": f.CloseForm}
    actions = []
    for name in selectors.allowed_case_actions(c):
        cls = forms_by_action.get(name)
        form = bad_form if name == bad_action and bad_form is not None else (
            cls(initial={"decided_on": today, "closed_on": today}) if cls else None)
        actions.append({"name": name, "label": CASE_ACTION_LABELS[name], "form": form})
    subjects_ = list(Subject.objects.filter(case=c).select_related("conference"))
    return render(request, "confidence/case.html", {
        "c": c, "actions": actions, "subjects": subjects_, "section": "cases",
        "state_label": CaseState(c.state).label, "consequences": outputs.consequence_text(c.consequences),
        "band_labels": selectors.BAND_LABELS, "due": selectors.case_reminder_due(c, today=today),
        "can_write": selectors.case_qs(actor=request.user, write=True).filter(pk=c.pk).exists()})


# ---------------------------------------------------------------------------------------------------
# Statistics


@login_required
@require_GET
def stats(request):
    from partyorg.core.scopes import scope_for
    from partyorg.organizations.models import Organization

    scope = scope_for(request.user)
    orgs = list(Organization.objects.filter(scope.q("path"), dissolved_on__isnull=True)
                .exclude(org_type__in=["cell", "party_group"]).order_by("path")[:300])
    form = f.StatsForm(request.GET or None, orgs=orgs)
    st = None
    if scope.read_paths:
        d = form.cleaned_data if form.is_valid() else {}
        st = selectors.statistics(actor=request.user, org_id=d.get("org") or None, date_from=d.get("date_from"),
                                  date_to=d.get("date_to"))
    return render(request, "confidence/stats.html", {"form": form, "st": st, "section": "stats",
                                                     "band_labels": selectors.BAND_LABELS})
