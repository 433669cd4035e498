"""Secret-ballot services: roster, casting (account or kiosk code), double paper entry, closing.

Payload of a ballot paper, electronic or paper: ``{"marks": {item_id: code}, "flags": [flag_code]}``.
The owning app (confidence, elections) defines the items, the mark codes and the flags when it creates
the box, and reads the payloads of a closed box to tally them with its domain rules.

Locking policy: casting takes a *shared* lock on the box row (PostgreSQL ``FOR SHARE``: casts do not
wait for each other), closing takes the exclusive lock, so no cast can slip in after the close.
The participation row is flipped with a conditional UPDATE (voted = false -> true); a second cast
finds no row to flip and is refused, whatever the timing.
"""
from __future__ import annotations

import hashlib
import json
import random
import secrets
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from partyorg.core.audit import audit_record
from partyorg.core.errors import ApplicationError, ErrorList, Forbidden, NotFoundOrForbidden, StateConflict
from partyorg.core.scopes import scope_for

from .models import (
    BallotBox,
    BallotPaper,
    BoxState,
    ElectronicRule,
    KioskCode,
    PaperEntry,
    PaperResolution,
    Participation,
)

RECEIPT_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def _receipt() -> str:
    raw = "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def _digest(code: str) -> str:
    return hashlib.sha256(code.strip().upper().replace(" ", "").encode()).hexdigest()


# ------------------------------------------------------------------ set-up (called by owning services)

def ballot_box_create(*, kind: str, ref_id: str, title: str, org_path: str, items: list[dict[str, Any]],
                      mark_choices: list[dict[str, Any]], flag_choices: list[dict[str, Any]] | None = None,
                      electronic_rule: str = ElectronicRule.ONE_PER_ITEM, keep_code: str = "",
                      max_kept: int | None = None, electronic: bool = True) -> BallotBox:
    """Create a box. Must run inside the owning service's transaction (which checks the actor)."""
    ids = [str(i["id"]) for i in items]
    if len(set(ids)) != len(ids) or not ids:
        raise ApplicationError("Danh sách trên phiếu trống hoặc trùng.", "The ballot list is empty or repeats.",
                               field="items")
    return BallotBox.objects.create(
        kind=kind, ref_id=str(ref_id), title=title, org_path=org_path,
        items=[{"id": str(i["id"]), "label": i["label"], "detail": i.get("detail", "")} for i in items],
        mark_choices=mark_choices, flag_choices=flag_choices or [], electronic_rule=electronic_rule,
        keep_code=keep_code, max_kept=max_kept, electronic=electronic)


def ballot_box_set_items(*, box: BallotBox, items: list[dict[str, Any]], max_kept: int | None = None) -> None:
    box = BallotBox.objects.select_for_update().get(pk=box.pk)
    if box.state != BoxState.DRAFT:
        raise StateConflict("Chỉ sửa phiếu khi chưa bắt đầu bỏ phiếu.", "The ballot is fixed once voting starts.")
    box.items = [{"id": str(i["id"]), "label": i["label"], "detail": i.get("detail", "")} for i in items]
    if max_kept is not None:
        box.max_kept = max_kept
    box.save(update_fields=["items", "max_kept"])


def roster_set(*, box: BallotBox, member_ids: list[int]) -> int:
    box = BallotBox.objects.select_for_update().get(pk=box.pk)
    if box.state != BoxState.DRAFT:
        raise StateConflict("Danh sách triệu tập đã khóa.", "The roster is fixed once voting starts.")
    existing = set(Participation.objects.filter(box=box).values_list("member_id", flat=True))
    wanted = set(member_ids)
    Participation.objects.filter(box=box, member_id__in=existing - wanted).delete()
    # Created in member-id order before any vote: their ids say nothing about who voted when.
    Participation.objects.bulk_create([Participation(box=box, member_id=m) for m in sorted(wanted - existing)])
    return len(wanted)


def attendance_set(*, box: BallotBox, present_member_ids: list[int]) -> int:
    box = BallotBox.objects.select_for_update().get(pk=box.pk)
    if box.state == BoxState.CLOSED:
        raise StateConflict("Hòm phiếu đã khóa.", "The ballot box is closed.")
    present = set(present_member_ids)
    rows = Participation.objects.filter(box=box)
    unknown = present - set(rows.values_list("member_id", flat=True))
    if unknown:
        raise ApplicationError("Có người không thuộc danh sách triệu tập.", "Someone is not on the roster.",
                               field="present")
    rows.filter(member_id__in=present).update(present=True)
    rows.exclude(member_id__in=present).filter(voted=False).update(present=False)
    return len(present)


def ballot_box_open(*, box: BallotBox) -> None:
    box = BallotBox.objects.select_for_update().get(pk=box.pk)
    if box.state != BoxState.DRAFT:
        raise StateConflict("Hòm phiếu không ở trạng thái chuẩn bị.", "The box is not in preparation.")
    box.state, box.opened_at = BoxState.OPEN, timezone.now()
    box.save(update_fields=["state", "opened_at"])


def kiosk_codes_issue(*, actor: Any, box_id: int, count: int) -> list[str]:
    """Print ``count`` unnamed one-time codes for voters who use the conference kiosk."""
    with transaction.atomic():
        box = _box_for_staff(actor, box_id, lock=True)
        if box.state == BoxState.CLOSED or not box.electronic:
            raise StateConflict("Không phát mã cho hòm phiếu này.", "No codes for this box.")
        if not 1 <= count <= 2000:
            raise ApplicationError("Số mã từ 1 đến 2000.", "Between 1 and 2000 codes.", field="count")
        codes = [_receipt() for _ in range(count)]
        KioskCode.objects.bulk_create([KioskCode(box=box, digest=_digest(c)) for c in codes])
        audit_record(actor=actor, action="ballot.kiosk_codes", target=box, org_path=box.org_path,
                     after={"count": count})
        return codes


# ------------------------------------------------------------------ validation

def validate_payload(box: BallotBox, payload: Any, *, electronic: bool) -> dict[str, Any]:
    """Check a payload against the box; return it normalised. Electronic ballots must be valid by
    construction; paper entries may record blank rows, several marks and whole-ballot flags."""
    errors = ErrorList()
    if not isinstance(payload, dict) or not isinstance(payload.get("marks", {}), dict):
        raise ApplicationError("Phiếu không đúng dạng.", "Malformed ballot.", field="marks")
    marks = {str(k): str(v) for k, v in payload.get("marks", {}).items()}
    flags = [str(f) for f in payload.get("flags", [])]
    item_ids = box.item_ids
    codes = {c["code"]: c for c in box.mark_choices}
    for k, v in marks.items():
        if k not in item_ids:
            errors.add(f"marks.{k}", "Dòng không có trên phiếu.", "Not on the ballot.")
        elif v and v not in codes:
            errors.add(f"marks.{k}", f"Ký hiệu '{v}' không hợp lệ.", f"Unknown mark '{v}'.")
        elif electronic and codes.get(v, {}).get("paper_only"):
            errors.add(f"marks.{k}", "Lựa chọn không hợp lệ.", "Not a valid choice.")
    flag_codes = {f["code"] for f in box.flag_choices}
    for f in flags:
        if f not in flag_codes or electronic:
            errors.add("flags", f"Đánh dấu '{f}' không hợp lệ.", f"Unknown flag '{f}'.")
    if electronic:
        if box.electronic_rule == ElectronicRule.ONE_PER_ITEM:
            for i in item_ids:
                if not marks.get(i):
                    errors.add(f"marks.{i}", "Chưa chọn mức cho dòng này.", "No choice for this row.")
        else:
            kept = sum(1 for i in item_ids if marks.get(i) == box.keep_code)
            if kept == 0 and len(item_ids) > (box.max_kept or 0):
                errors.add("marks", "Phải giữ lại ít nhất một người.", "Keep at least one name.")
            if box.max_kept is not None and kept > box.max_kept:
                errors.add("marks", f"Giữ lại quá {box.max_kept} người.", f"More than {box.max_kept} names kept.")
    errors.raise_if_any("Phiếu chưa hợp lệ.", "The ballot is not valid.")
    return {"marks": {i: marks.get(i, "") for i in item_ids}, "flags": sorted(set(flags))}


def numbers_entry_available(box: BallotBox) -> bool:
    """Fast paper entry (row numbers) needs a default mark: the keep code of a strike-through list."""
    return bool(box.keep_code) and any(c["code"] == box.keep_code for c in box.mark_choices)


def marks_from_row_numbers(box: BallotBox, numbers: dict[str, str]) -> dict[str, str]:
    """Fast entry of a long strike-through ballot: the clerk types only the row numbers (1-based, separated
    by spaces or commas) of the rows that carry another mark than ``box.keep_code`` (e.g. the struck
    names); every other row gets the keep code. ``numbers`` maps a mark code to the typed text; errors
    name the field ``n_<code>``."""
    errors = ErrorList()
    codes = {c["code"] for c in box.mark_choices}
    item_ids = box.item_ids
    marks = dict.fromkeys(item_ids, box.keep_code)
    seen: dict[int, str] = {}
    for code, text in numbers.items():
        field = f"n_{code}"
        if code not in codes or code == box.keep_code:
            errors.add(field, f"Ký hiệu '{code}' không dùng được ở đây.", f"Mark '{code}' cannot be typed here.")
            continue
        for token in text.replace(",", " ").replace(";", " ").split():
            if not token.isdigit() or not 1 <= int(token) <= len(item_ids):
                errors.add(field, f"'{token}' không phải số thứ tự từ 1 đến {len(item_ids)}.",
                           f"'{token}' is not a row number from 1 to {len(item_ids)}.")
                continue
            n = int(token)
            if n in seen:
                errors.add(field, f"Số thứ tự {n} được nhập hai lần.", f"Row {n} is typed twice.")
                continue
            seen[n] = code
            marks[item_ids[n - 1]] = code
    errors.raise_if_any("Số thứ tự chưa hợp lệ.", "Invalid row numbers.")
    return marks


# ------------------------------------------------------------------ casting

def _lock_box_shared(box_id: int) -> BallotBox:
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("SELECT id FROM ballots_ballotbox WHERE id = %s FOR SHARE", [box_id])
        return BallotBox.objects.get(pk=box_id)
    return BallotBox.objects.select_for_update().get(pk=box_id)


@dataclass(frozen=True)
class CastReceipt:
    box_id: int
    receipt: str


def ballot_cast(*, voter: Any, box_id: int, payload: Any) -> CastReceipt:
    """A present voter casts their own electronic ballot, once."""
    member_id = getattr(voter, "member_id", None)
    if member_id is None:
        raise Forbidden("Tài khoản không gắn với đảng viên nào.", "This account is not a party member's.")
    with transaction.atomic():
        if not BallotBox.objects.filter(pk=box_id).exists():
            raise NotFoundOrForbidden()
        box = _lock_box_shared(box_id)
        part = Participation.objects.filter(box=box, member_id=member_id).first()
        if part is None:
            raise NotFoundOrForbidden()
        if box.state != BoxState.OPEN or not box.electronic:
            raise StateConflict("Hòm phiếu không mở.", "The ballot box is not open.")
        if not part.present:
            raise StateConflict("Chưa được điểm danh có mặt.", "You are not marked present.")
        clean = validate_payload(box, payload, electronic=True)
        flipped = Participation.objects.filter(pk=part.pk, voted=False, ballot_issued=False).update(
            voted=True, ballot_issued=True)
        if flipped != 1:
            raise StateConflict("Bạn đã bỏ phiếu (hoặc đã nhận phiếu giấy).", "You have already voted.")
        receipt = _receipt()
        BallotPaper.objects.create(box=box, source="e", receipt=receipt, payload=clean)
        # The audit entry names the voter and the box, never the paper.
        audit_record(actor=voter, action="ballot.voted", target_type="ballots.participation",
                     target_id=part.pk, target_repr=f"box {box.pk}", org_path=box.org_path)
        return CastReceipt(box.pk, receipt)


def kiosk_cast(*, actor: Any, box_id: int, code: str, payload: Any) -> CastReceipt:
    """A voter at the conference kiosk casts with an unnamed one-time code."""
    with transaction.atomic():
        box = _box_for_staff(actor, box_id, lock=False)
        box = _lock_box_shared(box.pk)
        if box.state != BoxState.OPEN or not box.electronic:
            raise StateConflict("Hòm phiếu không mở.", "The ballot box is not open.")
        clean = validate_payload(box, payload, electronic=True)
        row = KioskCode.objects.filter(box=box, digest=_digest(code)).first()
        if row is None or KioskCode.objects.filter(pk=row.pk, used=False).update(used=True) != 1:
            raise ApplicationError("Mã không đúng hoặc đã dùng.", "Invalid or used code.", field="code")
        receipt = _receipt()
        BallotPaper.objects.create(box=box, source="e", receipt=receipt, payload=clean)
        audit_record(actor=actor, action="ballot.kiosk_vote", target=box, org_path=box.org_path)
        return CastReceipt(box.pk, receipt)


def ballots_handed_out(*, actor: Any, box_id: int, member_ids: list[int]) -> int:
    """Record who received a paper ballot or an unnamed kiosk slip (they cannot then vote from their account)."""
    with transaction.atomic():
        box = _box_for_staff(actor, box_id, lock=True)
        if box.state == BoxState.CLOSED:
            raise StateConflict("Hòm phiếu đã khóa.", "The ballot box is closed.")
        n = Participation.objects.filter(box=box, member_id__in=member_ids, present=True, voted=False,
                                         ballot_issued=False).update(ballot_issued=True)
        audit_record(actor=actor, action="ballot.paper_issued", target=box, org_path=box.org_path,
                     after={"count": n})
        return n


# ------------------------------------------------------------------ paper entry

def _box_for_staff(actor: Any, box_id: int, *, lock: bool) -> BallotBox:
    qs = BallotBox.objects.select_for_update() if lock else BallotBox.objects
    box = qs.filter(pk=box_id).first()
    scope = scope_for(actor)
    if box is None or not scope.covers_path(box.org_path):
        raise NotFoundOrForbidden()
    if not scope.covers_path(box.org_path, write=True):
        raise Forbidden()
    return box


def paper_entry_save(*, actor: Any, box_id: int, paper_no: int, payload: Any) -> PaperEntry:
    """One clerk's entry of a numbered paper ballot (a clerk may correct their own entry until close)."""
    with transaction.atomic():
        box = _box_for_staff(actor, box_id, lock=False)
        if box.state == BoxState.CLOSED:
            raise StateConflict("Hòm phiếu đã khóa.", "The ballot box is closed.")
        if paper_no < 1:
            raise ApplicationError("Số phiếu phải từ 1.", "Paper numbers start at 1.", field="paper_no")
        clean = validate_payload(box, payload, electronic=False)
        entry, created = PaperEntry.objects.update_or_create(box=box, paper_no=paper_no, clerk=actor,
                                                             defaults={"payload": clean})
        audit_record(actor=actor, action="ballot.paper_entry", target=entry, org_path=box.org_path,
                     after={"paper_no": paper_no, "payload": clean, "created": created})
        return entry


@dataclass
class EntryStatus:
    paper_no: int
    entries: int
    clerks: list[int]
    state: str  # "single", "matched", "mismatch", "resolved"
    payloads: list[dict[str, Any]]


def paper_entry_status(box: BallotBox) -> list[EntryStatus]:
    by_no: dict[int, list[PaperEntry]] = defaultdict(list)
    for e in PaperEntry.objects.filter(box=box).order_by("paper_no", "id"):
        by_no[e.paper_no].append(e)
    resolved = set(PaperResolution.objects.filter(box=box).values_list("paper_no", flat=True))
    out = []
    for no, entries in sorted(by_no.items()):
        payloads = [e.payload for e in entries]
        if no in resolved:
            state = "resolved"
        elif len({e.clerk_id for e in entries}) < 2:
            state = "single"
        elif all(p == payloads[0] for p in payloads):
            state = "matched"
        else:
            state = "mismatch"
        out.append(EntryStatus(no, len(entries), [e.clerk_id for e in entries], state, payloads))
    return out


def paper_resolve(*, actor: Any, box_id: int, paper_no: int, payload: Any, note: str = "") -> PaperResolution:
    with transaction.atomic():
        box = _box_for_staff(actor, box_id, lock=True)
        if box.state == BoxState.CLOSED:
            raise StateConflict("Hòm phiếu đã khóa.", "The ballot box is closed.")
        if PaperEntry.objects.filter(box=box, paper_no=paper_no).values("clerk").distinct().count() < 2:
            raise ApplicationError("Phiếu chưa được nhập đủ hai lần.", "The paper has not been entered twice.",
                                   field="paper_no")
        clean = validate_payload(box, payload, electronic=False)
        res, _ = PaperResolution.objects.update_or_create(box=box, paper_no=paper_no, defaults={
            "payload": clean, "resolved_by": actor, "note": note})
        audit_record(actor=actor, action="ballot.paper_resolved", target=res, org_path=box.org_path,
                     after={"paper_no": paper_no, "payload": clean, "note": note})
        return res


# ------------------------------------------------------------------ closing

def frozen_hash(papers: list[tuple[str, dict[str, Any]]]) -> str:
    canonical = json.dumps(sorted(papers, key=lambda p: p[0]), sort_keys=True, ensure_ascii=False,
                           separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def _rewrite_papers(box: BallotBox, rows: list[dict[str, Any]]) -> None:
    """Delete the box's papers and insert them again in the order of ``rows``. On PostgreSQL the rows are
    copied inside the server in that order (a bulk insert would send every payload back through
    psycopg's array quoting, seconds for a national congress's box); elsewhere they are re-inserted."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("CREATE TEMPORARY TABLE ballots_paper_rewrite AS SELECT id, box_id, source, receipt, payload "
                        "FROM ballots_ballotpaper WHERE box_id = %s", [box.pk])
            cur.execute("DELETE FROM ballots_ballotpaper WHERE box_id = %s", [box.pk])
            cur.execute("INSERT INTO ballots_ballotpaper (id, box_id, source, receipt, payload) "
                        "SELECT t.id, t.box_id, t.source, t.receipt, t.payload FROM ballots_paper_rewrite t "
                        "JOIN unnest(%s::uuid[]) WITH ORDINALITY AS o(id, n) ON t.id = o.id ORDER BY o.n",
                        [[r["id"] for r in rows]])
            cur.execute("DROP TABLE ballots_paper_rewrite")
        return
    BallotPaper.objects.filter(box=box).delete()
    BallotPaper.objects.bulk_create([BallotPaper(box=box, **r) for r in rows])


def ballot_box_close(*, actor: Any, box_id: int) -> BallotBox:
    """Freeze the box: every paper ballot must be entered twice with matching entries (or resolved);
    agreed paper ballots join the electronic ones; all papers are rewritten in random order; the
    hash of the frozen set is stored. Must run inside the owning service's transaction."""
    box = BallotBox.objects.select_for_update().get(pk=box_id)
    if box.state != BoxState.OPEN:
        raise StateConflict("Hòm phiếu không ở trạng thái đang bỏ phiếu.", "The box is not open.")
    problems = ErrorList()
    agreed: list[dict[str, Any]] = []
    resolutions = {r.paper_no: r.payload for r in PaperResolution.objects.filter(box=box)}
    for st in paper_entry_status(box):
        if st.state == "single":
            problems.add(f"paper {st.paper_no}", "Phiếu mới được nhập một lần.", "Entered only once.")
        elif st.state == "mismatch":
            problems.add(f"paper {st.paper_no}", "Hai lần nhập không khớp: cần đối chiếu phiếu giấy.",
                         "The two entries differ: check the paper and resolve.")
        else:
            agreed.append(resolutions.get(st.paper_no, st.payloads[0]))
    problems.raise_if_any("Chưa thể khóa hòm phiếu.", "The box cannot be closed yet.")
    for payload in agreed:
        BallotPaper.objects.create(box=box, source="p", payload=payload)
    # Rewrite every paper in random order so that row order and row ids say nothing about casting order.
    rows = list(BallotPaper.objects.filter(box=box).values("id", "source", "receipt", "payload"))
    random.SystemRandom().shuffle(rows)
    _rewrite_papers(box, rows)
    box.frozen_hash = frozen_hash([(str(r["id"]), r["payload"]) for r in rows])
    box.frozen_count = len(rows)
    box.state, box.closed_at = BoxState.CLOSED, timezone.now()
    box.save(update_fields=["frozen_hash", "frozen_count", "state", "closed_at"])
    audit_record(actor=actor, action="ballot.box_closed", target=box, org_path=box.org_path,
                 after={"papers": len(rows), "paper_ballots": len(agreed), "sha256": box.frozen_hash})
    return box


def ballot_papers(box: BallotBox) -> list[dict[str, Any]]:
    """The payloads of a closed box, for the owning app's tally."""
    if box.state != BoxState.CLOSED:
        raise StateConflict("Chỉ kiểm phiếu khi hòm phiếu đã khóa.", "Count only a closed box.")
    return list(BallotPaper.objects.filter(box=box).order_by("id").values_list("payload", flat=True))


def receipt_in_box(box: BallotBox, code: str) -> bool:
    code = code.strip().upper()
    return box.state == BoxState.CLOSED and BallotPaper.objects.filter(box=box, receipt=code).exists()


def participation_counts(box: BallotBox) -> dict[str, int]:
    qs = Participation.objects.filter(box=box)
    return {"convened": qs.count(), "present": qs.filter(present=True).count(),
            "issued": qs.filter(ballot_issued=True).count(), "voted_electronically": qs.filter(voted=True).count(),
            "kiosk_codes_used": KioskCode.objects.filter(box=box, used=True).count()}
