from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods

from partyorg.core.errors import ApplicationError, NotFoundOrForbidden
from partyorg.core.scopes import scope_for

from . import services
from .models import BallotBox, BallotPaper, BoxState, Participation


def _payload_from_post(box: BallotBox, post) -> dict:
    return {"marks": {i: post.get(f"m_{i}", "").strip() for i in box.item_ids},
            "flags": [f["code"] for f in box.flag_choices if post.get(f"f_{f['code']}")]}


def _box_readable(request, box_id: int) -> BallotBox:
    box = BallotBox.objects.filter(pk=box_id).first()
    if box is None:
        raise NotFoundOrForbidden()
    scope = scope_for(request.user)
    if scope.covers_path(box.org_path):
        return box
    if request.user.member_id and Participation.objects.filter(box=box, member_id=request.user.member_id).exists():
        return box
    raise NotFoundOrForbidden()


def _box_writable(request, box_id: int) -> BallotBox:
    box = BallotBox.objects.filter(pk=box_id).first()
    if box is None or not scope_for(request.user).covers_path(box.org_path):
        raise NotFoundOrForbidden()
    if not scope_for(request.user).covers_path(box.org_path, write=True):
        from partyorg.core.errors import Forbidden

        raise Forbidden()
    return box


def _shown(choices: list[dict]) -> list[dict]:
    """Mark or flag choices with their label in the page's language: a box keeps the Vietnamese labels it was
    created with (marked for translation where the areas define them)."""
    return [{**c, "label": gettext(c["label"]) if c.get("label") else ""} for c in choices]


def _electronic_choices(box: BallotBox) -> list[dict]:
    return _shown([c for c in box.mark_choices if not c.get("paper_only")])


@login_required
@require_http_methods(["GET", "POST"])
def vote(request, box_id: int):
    """The voter's own electronic ballot."""
    box = BallotBox.objects.filter(pk=box_id).first()
    part = None
    if box is not None and request.user.member_id:
        part = Participation.objects.filter(box=box, member_id=request.user.member_id).first()
    if part is None:
        raise NotFoundOrForbidden()
    error = None
    if request.method == "POST":
        try:
            receipt = services.ballot_cast(voter=request.user, box_id=box.pk, payload=_payload_from_post(box,
                                                                                                     request.POST))
        except ApplicationError as exc:
            error = exc
        else:
            return render(request, "ballots/receipt.html", {"box": box, "receipt": receipt.receipt})
    return render(request, "ballots/vote.html", {"box": box, "part": part, "error": error,
                                                 "choices": _electronic_choices(box), "kiosk": False})


@login_required
@require_http_methods(["GET", "POST"])
def kiosk(request, box_id: int):
    """Conference kiosk: a voter types the one-time code from their slip and votes."""
    box = _box_writable(request, box_id)
    error = None
    if request.method == "POST":
        try:
            receipt = services.kiosk_cast(actor=request.user, box_id=box.pk, code=request.POST.get("code", ""),
                                          payload=_payload_from_post(box, request.POST))
        except ApplicationError as exc:
            error = exc
        else:
            return render(request, "ballots/receipt.html", {"box": box, "receipt": receipt.receipt, "kiosk": True})
    return render(request, "ballots/vote.html", {"box": box, "error": error, "choices": _electronic_choices(box),
                                                 "kiosk": True})


@login_required
@require_http_methods(["GET", "POST"])
def kiosk_codes(request, box_id: int):
    box = _box_writable(request, box_id)
    codes, error = [], None
    if request.method == "POST":
        try:
            codes = services.kiosk_codes_issue(actor=request.user, box_id=box.pk,
                                               count=int(request.POST.get("count") or 0))
        except (ApplicationError, ValueError) as exc:
            error = exc
    return render(request, "ballots/kiosk_codes.html", {"box": box, "codes": codes, "error": error})


@login_required
def receipt_check(request, box_id: int):
    box = _box_readable(request, box_id)
    code = request.GET.get("code", "")
    found = services.receipt_in_box(box, code) if code else None
    return render(request, "ballots/receipt_check.html", {"box": box, "code": code, "found": found})


@login_required
def published(request, box_id: int):
    """The frozen ballot list: choices without receipts, and the receipts without choices."""
    box = _box_readable(request, box_id)
    if box.state != BoxState.CLOSED:
        raise NotFoundOrForbidden()
    papers = list(BallotPaper.objects.filter(box=box).order_by("id").values_list("payload", flat=True))
    receipts = sorted(r for r in BallotPaper.objects.filter(box=box).values_list("receipt", flat=True) if r)
    labels = {c["code"]: c["label"] for c in _shown(box.mark_choices)}
    return render(request, "ballots/published.html", {"box": box, "papers": papers, "receipts": receipts,
                                                      "labels": labels})


@login_required
@require_http_methods(["GET", "POST"])
def entry(request, box_id: int):
    """Keyboard-only entry of numbered paper ballots: type the number, one key per row, Enter."""
    box = _box_writable(request, box_id)
    error, saved = None, None
    # "numbers": the clerk types only the row numbers of the rows that are not kept (long lists).
    numbers = (request.POST.get("mode") or request.GET.get("mode")) == "numbers" and \
        services.numbers_entry_available(box)
    if request.method == "POST":
        try:
            no = int(request.POST.get("paper_no") or 0)
            payload = _payload_from_post(box, request.POST)
            if numbers:
                payload["marks"] = services.marks_from_row_numbers(box, {
                    c["code"]: request.POST.get(f"n_{c['code']}", "") for c in box.mark_choices
                    if c["code"] != box.keep_code})
            else:
                by_key = {c["key"]: c["code"] for c in box.mark_choices}
                payload["marks"] = {k: by_key.get(v, v) for k, v in payload["marks"].items()}
            services.paper_entry_save(actor=request.user, box_id=box.pk, paper_no=no, payload=payload)
            saved = no
        except ValueError:
            error = ApplicationError("Số phiếu không hợp lệ.", "Invalid paper number.", field="paper_no")
        except ApplicationError as exc:
            error = exc
    status = services.paper_entry_status(box)
    mine = {s.paper_no for s in status if request.user.pk in s.clerks}
    next_no = (max(mine) + 1) if mine else 1
    if error is not None:
        next_no = request.POST.get("paper_no") or next_no
    summary = {k: sum(1 for s in status if s.state == k) for k in ("single", "matched", "mismatch", "resolved")}
    return render(request, "ballots/entry.html", {
        "box": box, "error": error, "saved": saved, "next_no": next_no, "summary": summary,
        "mismatches": [s for s in status if s.state == "mismatch"], "choices": _shown(box.mark_choices),
        "mine": len(mine), "numbers": numbers, "numbers_available": services.numbers_entry_available(box),
        "typed_choices": _shown([c for c in box.mark_choices if c["code"] != box.keep_code]),
        "flag_choices": _shown(box.flag_choices),
        "number_width": len(str(len(box.items)))})


@login_required
@require_http_methods(["GET", "POST"])
def resolve(request, box_id: int, paper_no: int):
    box = _box_writable(request, box_id)
    status = next((s for s in services.paper_entry_status(box) if s.paper_no == paper_no), None)
    if status is None:
        raise NotFoundOrForbidden()
    error = None
    if request.method == "POST":
        try:
            payload = _payload_from_post(box, request.POST)
            services.paper_resolve(actor=request.user, box_id=box.pk, paper_no=paper_no, payload=payload,
                                   note=request.POST.get("note", ""))
        except ApplicationError as exc:
            error = exc
        else:
            return redirect("ballots:entry", box_id=box.pk)
    return render(request, "ballots/resolve.html", {"box": box, "status": status, "error": error,
                                                    "choices": _shown(box.mark_choices),
                                                    "flag_choices": _shown(box.flag_choices)})
