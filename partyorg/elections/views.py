"""Pages of congresses and in-party elections. Each view parses, calls one service or selector, renders;
refusals come back as the service's bilingual message on the form field it names."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods

from partyorg.ballots import services as ballot_services
from partyorg.core.errors import ApplicationError
from partyorg.core.forms import apply_error
from partyorg.core.scopes import scope_for
from partyorg.domain import elections as el

from . import forms as f
from . import outputs, selectors, services
from .models import (
    DEDUCTION_LABELS,
    ITEM_KIND_LABELS,
    BodyKind,
    Congress,
    CongressState,
    RollEntry,
    RoundKindChoice,
    RoundState,
    SourceChoice,
    Standing,
)

S = el.ItemState


def _run(request, form, call: Callable[[dict[str, Any]], Any], success: str) -> bool:
    """Validate ``form``, call the service; on refusal show it on the form (and as a message)."""
    if not form.is_valid():
        return False
    try:
        call(form.cleaned_data)
    except ApplicationError as exc:
        apply_error(form, exc)
        messages.error(request, exc.message)
        return False
    if success:
        messages.success(request, success)
    return True


def _bound(request, action: str, name: str):
    return request.POST if request.method == "POST" and action == name else None


# ---------------------------------------------------------------------------------------------
# Home and congress


@login_required
@require_GET
def home(request):
    return render(request, "elections/home.html", {
        "congresses": selectors.congress_list(actor=request.user),
        "can_create": bool(selectors.writable_organizations(actor=request.user))})


@login_required
@require_http_methods(["GET", "POST"])
def congress_new(request):
    parents = selectors.congress_qs(actor=request.user, write=True).exclude(venue__endswith="conference")
    form = f.CongressForm(request.POST or None, orgs=selectors.organizations_for_congress(actor=request.user),
                          parents=parents)
    created: list[Congress] = []

    def call(d):
        created.append(services.congress_create(actor=request.user, data=services.CongressInput(
            org_id=d["org"], title=d["title"], venue=d["venue"], kind=d["kind"], term_label=d["term_label"],
            starts_on=d["starts_on"], ends_on=d["ends_on"], has_standing_committee=d["has_standing_committee"],
            parent_id=d["parent"])))

    if request.method == "POST" and _run(request, form, call, ""):
        c = created[0]
        messages.success(request, _("Đã tạo %(title)s; quy chế áp dụng: %(rule_set)s (EL-2).")
                         % {"title": c.title, "rule_set": c.rule_set})
        return redirect("elections:congress", congress_id=c.pk)
    return render(request, "elections/congress_form.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def congress(request, congress_id: int):
    c = selectors.congress_get(actor=request.user, congress_id=congress_id)
    action = request.POST.get("action", "")
    kinds = [(k.value, ITEM_KIND_LABELS[k]) for k in services.ITEMS_BY_VENUE[c.venue_enum]]
    item_form = f.ItemCreateForm(_bound(request, action, "item"), kinds=kinds)
    if request.method == "POST":
        done = False
        if action == "item":
            made: list[Any] = []
            done = _run(request, item_form, lambda d: made.append(services.item_create(
                actor=request.user, congress_id=c.pk, kind=d["kind"], title=d["title"])), _("Đã thêm cuộc bầu."))
            if done:
                return redirect("elections:item", item_id=made[0].pk)
        elif action in ("open", "close"):
            try:
                if action == "open":
                    services.congress_open(actor=request.user, congress_id=c.pk)
                    messages.success(request, _("Đại hội đã khai mạc."))
                else:
                    services.congress_close(actor=request.user, congress_id=c.pk)
                    messages.success(request, _("Đại hội đã bế mạc."))
                done = True
            except ApplicationError as exc:
                messages.error(request, exc.message)
        if done:
            return redirect("elections:congress", congress_id=c.pk)
    items = list(c.items.order_by("id"))
    return render(request, "elections/congress.html", {
        "c": c, "summary": selectors.roll_summary(c), "bodies": selectors.bodies(c), "items": items,
        "winners": {i.pk: selectors.winners(i) for i in items}, "item_form": item_form,
        "can_write": scope_for(request.user).covers_path(c.org_path, write=True)})


@login_required
@require_http_methods(["GET", "POST"])
def roll(request, congress_id: int):
    c = selectors.congress_get(actor=request.user, congress_id=congress_id)
    action = request.POST.get("action", "")
    add_form = f.RollAddForm(_bound(request, action, "add"))
    if request.method == "POST":
        done = False
        if action == "fill":
            try:
                n = services.congress_roll_fill(actor=request.user, congress_id=c.pk)
                messages.success(request, ngettext("Đã thêm %(n)d người từ hồ sơ đảng viên.",
                                                    "Đã thêm %(n)d người từ hồ sơ đảng viên.", n) % {"n": n})
                done = True
            except ApplicationError as exc:
                messages.error(request, exc.message)
        elif action == "add":
            done = _run(request, add_form, lambda d: services.congress_roll_add(
                actor=request.user, congress_id=c.pk, identifiers=d["identifiers"].splitlines(),
                standing=d["standing"]), _("Đã thêm vào danh sách triệu tập."))
        elif action == "attendance":
            try:
                present = [int(x) for x in request.POST.getlist("present")]
                services.congress_attendance_set(actor=request.user, congress_id=c.pk, present_entry_ids=present)
                messages.success(request, ngettext("Đã điểm danh: %(n)d người có mặt.", "Đã điểm danh: %(n)d người có mặt.",
                                                    len(present)) % {"n": len(present)})
                done = True
            except (ApplicationError, ValueError) as exc:
                messages.error(request, getattr(exc, "message", str(exc)))
        elif action == "adjust":
            form = f.AdjustForm(request.POST)
            done = _run(request, form, lambda d: services.roll_entry_adjust(
                actor=request.user, congress_id=c.pk, entry_id=d["entry"], deduction=d["deduction"],
                reason=d["reason"]), _("Đã ghi điều chỉnh."))
            if request.htmx:
                return _roll_row(request, c, form)
        elif action == "replace":
            form = f.ReplaceForm(request.POST)
            form.fields["official"].choices = [("", "—")] + [
                (e.pk, e.member.full_name) for e in RollEntry.objects.filter(congress=c, standing=Standing.OFFICIAL)]
            done = _run(request, form, lambda d: services.roll_alternate_replace(
                actor=request.user, congress_id=c.pk, alternate_id=d["alternate"], official_id=d["official"]),
                _("Đã ghi đại biểu dự khuyết thay thế."))
        elif action == "remove":
            try:
                services.congress_roll_remove(actor=request.user, congress_id=c.pk,
                                              entry_id=int(request.POST.get("entry") or 0))
                done = True
            except (ApplicationError, ValueError) as exc:
                messages.error(request, getattr(exc, "message", str(exc)))
        if done:
            return redirect("elections:roll", congress_id=c.pk)
    return render(request, "elections/roll.html", _roll_context(c, add_form))


def _roll_context(c: Congress, add_form=None) -> dict[str, Any]:
    entries = selectors.roll_entries(c)
    allowed = el.allowed_deductions(c.kind_enum)
    return {"c": c, "entries": entries, "summary": selectors.roll_summary(c, entries), "add_form": add_form,
            "deductions": [(d.value, DEDUCTION_LABELS[d]) for d in el.Deduction if d in allowed],
            "officials": [e for e in entries if e.standing == Standing.OFFICIAL],
            "editable": c.state != CongressState.CLOSED, "preparing": c.state == CongressState.PREPARING}


def _roll_row(request, c: Congress, form):
    """htmx: the changed row and, out of band, the new D."""
    ctx = _roll_context(c)
    entry_id = request.POST.get("entry", "")
    entry = next((e for e in ctx["entries"] if str(e.pk) == entry_id), None)
    errors = [str(e) for e in form.errors.get("__all__", [])] + [str(e) for e in form.errors.get("deduction", [])]
    return render(request, "elections/_roll_row.html", {**ctx, "e": entry, "row_errors": errors, "oob": True})


@login_required
@require_http_methods(["GET", "POST"])
def bodies(request, congress_id: int):
    c = selectors.congress_get(actor=request.user, congress_id=congress_id)
    people = selectors.roll_people(c)
    posted = request.POST.get("kind") if request.method == "POST" else None
    existing = {b.kind: b for b in selectors.bodies(c)}
    forms_by_kind = {}
    for kind, label in BodyKind.choices:
        b = existing.get(kind)
        initial = {"kind": kind}
        if b is not None:
            initial.update(members=[m.pk for m in b.members.all()], head=b.head_id, agree=b.agree,
                           disagree=b.disagree, attending=b.attending)
        forms_by_kind[kind] = (label, f.BodyForm(request.POST if posted == kind else None, people=people,
                                                 initial=initial, prefix=kind))
    if posted in forms_by_kind:
        form = forms_by_kind[posted][1]
        if _run(request, form, lambda d: services.congress_body_record(
                actor=request.user, congress_id=c.pk, kind=posted, member_ids=d["members"], head_id=d["head"],
                agree=d["agree"], disagree=d["disagree"], attending=d["attending"]), _("Đã ghi kết quả biểu quyết.")):
            return redirect("elections:bodies", congress_id=c.pk)
    return render(request, "elections/bodies.html", {"c": c, "forms": forms_by_kind.values(), "existing": existing})


@login_required
@require_GET
def results_file(request, congress_id: int):
    c = selectors.congress_get(actor=request.user, congress_id=congress_id)
    data = outputs.results_xlsx(c, list(c.items.order_by("id")))
    return outputs.file_response(data, f"ket-qua-bau-cu-{c.pk}.xlsx", outputs.XLSX)


# ---------------------------------------------------------------------------------------------
# Election item


ITEM_ACTIONS = ("seats", "nominate", "candidate", "withdraw", "propose", "poll_open", "poll", "approve_list",
                "round", "names", "hold", "close_unfilled", "submit", "approve", "reelect")


@login_required
@require_http_methods(["GET", "POST"])
def item(request, item_id: int):
    it = selectors.item_get(actor=request.user, item_id=item_id)
    c = it.congress
    action = request.POST.get("action", "") if request.method == "POST" else ""
    cands = selectors.candidates_of(it)
    on_list = [x for x in cands if x.on_list]
    winners = selectors.winners(it)
    sources = SourceChoice.choices if it.state_enum in (S.NOMINATING, S.NEXT_ROUND_PENDING) else [
        (SourceChoice.CONVENING.value, SourceChoice.CONVENING.label)]
    fs = {
        "seats": f.SeatsForm(_bound(request, action, "seats"), initial={"seats": it.seats}),
        "candidate": f.CandidateForm(_bound(request, action, "candidate"), people=selectors.roll_people(c),
                                     sources=sources),
        "withdraw": f.WithdrawForm(_bound(request, action, "withdraw")),
        "poll": f.PollForm(_bound(request, action, "poll"), candidates=on_list),
        "approve_list": f.ListApproveForm(_bound(request, action, "approve_list")),
        "round": f.RoundOpenForm(_bound(request, action, "round")),
        "names": f.ShowOfHandsForm(_bound(request, action, "names"), prefix="names"),
        "hold": f.ShowOfHandsForm(_bound(request, action, "hold"), prefix="hold"),
        "close_unfilled": f.ShowOfHandsForm(_bound(request, action, "close_unfilled"), prefix="close"),
        "submit": f.SubmitForm(_bound(request, action, "submit")),
        "approve": f.ApproveForm(_bound(request, action, "approve"), winners=winners),
    }
    if action in ITEM_ACTIONS:
        done = _item_action(request, it, action, fs)
        if done:
            if action == "round" and done is not True:
                return redirect("elections:round", round_id=done.pk)
            if action == "reelect" and done is not True:
                return redirect("elections:item", item_id=done.pk)
            return redirect("elections:item", item_id=it.pk)
    plan = selectors.next_round_plan(it)
    checks = selectors.list_checks(it, cands) if it.seats and it.state_enum in (
        S.NOMINATING, S.LIST_PROPOSED, S.POLLING) else []
    return render(request, "elections/item.html", {
        "it": it, "c": c, "candidates": cands, "on_list": on_list, "winners": winners, "checks": checks,
        "rounds": selectors.rounds_of(it), "plan": plan, "f": fs, "state": it.state,
        "plan_label": RoundKindChoice(plan.kind.value).label if plan else "",
        "order": selectors.order_check(it) if it.state_enum in (S.LIST_APPROVED, S.LIST_PROPOSED) else None,
        "can_write": scope_for(request.user).covers_path(c.org_path, write=True)})


def _item_action(request, it, action: str, fs: dict[str, Any]) -> Any:
    """Call the one service of the posted action; returns a truthy value when done."""
    user = request.user
    if action in ("nominate", "propose", "poll_open", "reelect"):
        try:
            if action == "nominate":
                services.item_nominations_open(actor=user, item_id=it.pk)
            elif action == "propose":
                checks = services.item_list_propose(actor=user, item_id=it.pk)
                for ch in checks:
                    if not ch.ok:
                        messages.warning(request, f"{ch.message} ({', '.join(ch.rules)})")
            elif action == "poll_open":
                services.item_poll_open(actor=user, item_id=it.pk)
            else:
                return services.item_reelect(actor=user, item_id=it.pk)
        except ApplicationError as exc:
            messages.error(request, exc.message)
            return False
        return True
    form = fs.get(action if action != "approve_list" else "approve_list")
    result: list[Any] = []
    calls: dict[str, Callable[[dict[str, Any]], Any]] = {
        "seats": lambda d: services.item_seats_fix(
            actor=user, item_id=it.pk, seats=d["seats"], agree=d["agree"], disagree=d["disagree"],
            attending=d["attending"], decision_ref=d["decision_ref"]),
        "candidate": lambda d: services.candidate_add(
            actor=user, item_id=it.pk,
            member_id=d["member"] or selectors.member_by_identifier(actor=user, identifier=d["identifier"]) or 0,
            source=d["source"], agree=d["agree"], attending=d["attending"], meets_standards=d["meets_standards"]),
        "withdraw": lambda d: services.candidate_withdraw(actor=user, candidate_id=d["candidate"], reason=d["reason"]),
        "poll": lambda d: services.item_poll_record(actor=user, item_id=it.pk, votes=fs["poll"].votes()),
        "approve_list": lambda d: services.item_list_approve(
            actor=user, item_id=it.pk, agree=d["agree"], disagree=d["disagree"], attending=d["attending"],
            override_warnings=d["override_warnings"]),
        "round": lambda d: result.append(services.round_open(actor=user, item_id=it.pk, electronic=d["electronic"])),
        "names": lambda d: services.item_next_round_names(actor=user, item_id=it.pk, **d),
        "hold": lambda d: services.item_next_round_hold(actor=user, item_id=it.pk, **d),
        "close_unfilled": lambda d: services.item_close_unfilled(actor=user, item_id=it.pk, **d),
        "submit": lambda d: services.item_submit(actor=user, item_id=it.pk, submitted_on=d["submitted_on"]),
        "approve": lambda d: services.item_approve(
            actor=user, item_id=it.pk, approving_body=d["approving_body"], decision_ref=d["decision_ref"],
            decided_on=d["decided_on"], refused_ids=d["refused"], annulled=d["annulled"]),
    }
    texts = {"seats": _("Đã ghi số lượng cần bầu."), "candidate": _("Đã ghi tên vào danh sách."),
             "withdraw": _("Đã rút tên."), "poll": _("Đã ghi kết quả thăm dò."),
             "approve_list": _("Đại hội đã thông qua danh sách bầu cử."), "round": _("Đã mở hòm phiếu."),
             "names": _("Đại hội cho phép bổ sung tên ở lần bầu tiếp."), "hold": _("Đại hội quyết định bầu tiếp."),
             "close_unfilled": _("Đại hội quyết định không bầu tiếp."), "submit": _("Đã trình chuẩn y."),
             "approve": _("Đã ghi quyết định của cấp ủy cấp trên.")}
    if not _run(request, form, calls[action], texts[action]):
        return False
    return result[0] if result else True


@login_required
@require_GET
def item_minutes(request, item_id: int, fmt: str):
    it = selectors.item_get(actor=request.user, item_id=item_id)
    data = outputs.election_minutes(it, fmt)
    return outputs.file_response(data, f"bien-ban-bau-cu-{it.pk}.{fmt}", outputs.DOCX if fmt == "docx" else outputs.PDF)


# ---------------------------------------------------------------------------------------------
# Round


@login_required
@require_http_methods(["GET", "POST"])
def round_view(request, round_id: int):
    rnd = selectors.round_get(actor=request.user, round_id=round_id)
    action = request.POST.get("action", "") if request.method == "POST" else ""
    count_form = f.CountForm(_bound(request, action, "count"))
    if action == "issue":
        try:
            n = services.round_ballots_issue(actor=request.user, round_id=rnd.pk)
            messages.success(request, ngettext("Đã ghi phát phiếu cho %(n)d người.", "Đã ghi phát phiếu cho %(n)d người.",
                                                n) % {"n": n})
        except ApplicationError as exc:
            messages.error(request, exc.message)
        return redirect("elections:round", round_id=rnd.pk)
    if action == "announce":
        try:
            services.round_announce(actor=request.user, round_id=rnd.pk)
            messages.success(request, _("Đã công bố kết quả."))
        except ApplicationError as exc:
            messages.error(request, exc.message)
        return redirect("elections:round", round_id=rnd.pk)
    if action == "count" and _run(request, count_form, lambda d: services.round_count(
            actor=request.user, round_id=rnd.pk, signed_by=d["signed_by"]), _("Đã kiểm phiếu.")):
        return redirect("elections:round", round_id=rnd.pk)
    box = rnd.box
    box.refresh_from_db()
    status = ballot_services.paper_entry_status(box) if rnd.state == RoundState.VOTING else []
    entries = {k: sum(1 for s in status if s.state == k) for k in ("single", "matched", "mismatch", "resolved")}
    return render(request, "elections/round.html", {
        "rnd": rnd, "it": rnd.item, "c": rnd.item.congress, "box": box, "rows": selectors.result_rows(rnd),
        "candidates": selectors.ballot_rows(rnd), "counts": ballot_services.participation_counts(box),
        "entries": entries, "count_form": count_form, "invalid": [
            (_(outputs.INVALID_REASONS[k]) if k in outputs.INVALID_REASONS else k, v)
            for k, v in rnd.invalid_reasons.items()],
        "next_step": _(outputs.NEXT_STEPS[rnd.next_step]) if rnd.next_step in outputs.NEXT_STEPS else "",
        "can_write": scope_for(request.user).covers_path(rnd.item.congress.org_path, write=True)})


@login_required
@require_GET
def ballot_file(request, round_id: int):
    rnd = selectors.round_get(actor=request.user, round_id=round_id)
    return outputs.file_response(outputs.ballot_pdf(rnd), f"phieu-bau-{rnd.item_id}-{rnd.number}.pdf", outputs.PDF)


@login_required
@require_GET
def counting_file(request, round_id: int, fmt: str):
    rnd = selectors.round_get(actor=request.user, round_id=round_id)
    if rnd.valid is None:
        messages.error(request, _("Vòng bầu chưa kiểm phiếu."))
        return redirect("elections:round", round_id=rnd.pk)
    data = outputs.counting_minutes(rnd, fmt)
    return outputs.file_response(data, f"bien-ban-kiem-phieu-{rnd.item_id}-{rnd.number}.{fmt}",
                                 outputs.DOCX if fmt == "docx" else outputs.PDF)
