"""Imports of organizations and members: every row is checked first; on any error nothing is written
and the errors are listed by row and column; with no error the whole file is written in one
transaction (all or nothing)."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from partyorg.core.audit import audit_record
from partyorg.core.errors import ErrorList, FieldError
from partyorg.core.scopes import scope_for
from partyorg.domain import members as member_rules
from partyorg.domain import names, tree
from partyorg.members.models import (
    ActivityKind,
    ActivityRecord,
    Member,
    MemberStatus,
    MemberStatusChange,
    TheoryLevel,
)
from partyorg.members.services import search_text_for
from partyorg.organizations.models import CELL_TYPES, Organization, OrganizationVersion, OrgType

from .models import ImportJob, ImportKind, ImportStatus
from .parsing import MEMBER_COLUMNS, ORG_COLUMNS, FileFormatError, Sheet, parse_date, read_table

LABEL = {f: label for f, label, _ in MEMBER_COLUMNS + ORG_COLUMNS}
GENDERS = {"nam": "M", "m": "M", "male": "M", "nu": "F", "f": "F", "female": "F"}
THEORY = {names.fold(str(label)): value for value, label in TheoryLevel.choices}
THEORY.update({v: v for v in TheoryLevel.values})
ORG_TYPES = {names.fold(str(label)): value for value, label in OrgType.choices}
ORG_TYPES.update({v: v for v in OrgType.values})
PROGRESS_EVERY = 1000

# Pure functions of short texts that repeat across rows (names, dates, genders): memoised, so that a
# large file pays for each distinct value once. Failed parses raise and are not cached.
_fold = lru_cache(maxsize=4096)(names.fold)
_parse_date = lru_cache(maxsize=65536)(parse_date)
_normalize_name = lru_cache(maxsize=65536)(names.normalize_name)
_name_sort_key = lru_cache(maxsize=65536)(names.name_sort_key)
_searchable_name = lru_cache(maxsize=65536)(names.searchable)


def _plain_digits(text: str | None) -> bool:
    return bool(text) and text.isascii() and text.isdigit()


def _search_text(full_name: str, citizen_id: str, card: str | None) -> str:
    """``search_text_for`` with the name part memoised: ASCII digits are searched as written, so the
    numbers are only appended (the same text, as ``tests/imports`` checks)."""
    head = _searchable_name(full_name)
    if head and _plain_digits(citizen_id) and (card is None or card == "" or _plain_digits(card)):
        return (f"{head} {citizen_id} {card}" if card else f"{head} {citizen_id}")[:300]
    return search_text_for(full_name, citizen_id, card)


@dataclass
class ImportResult:
    total: int
    errors: list[FieldError]
    preview: list[dict[str, Any]]
    created: int = 0


class _Progress:
    def __init__(self, job: ImportJob | None):
        self.job = job

    def __call__(self, done: int) -> None:
        if self.job is not None and done % PROGRESS_EVERY == 0:
            ImportJob.objects.filter(pk=self.job.pk).update(processed_rows=done)


def _row_dict(sheet: Sheet, row: list[str]) -> dict[str, str]:
    return {f: (row[i] if i < len(row) else "") for i, f in enumerate(sheet.fields) if f}


def _date(d: dict[str, str], field: str, errors: ErrorList, rowno: int, required: bool) -> date | None:
    text = d.get(field, "")
    if not text:
        if required:
            errors.add(LABEL[field], "Bắt buộc phải có.", "Required.", rowno)
        return None
    try:
        return _parse_date(text)
    except ValueError:
        errors.add(LABEL[field], f"Ngày '{text}' không hợp lệ (dạng dd/mm/yyyy).",
                   f"Invalid date '{text}' (use dd/mm/yyyy).", rowno)
        return None


# ---------------------------------------------------------------- members

def _existing_values(field: str, keys: list[str]) -> list[str]:
    """The values of ``keys`` already stored in ``Member.<field>`` (a unique, indexed column)."""
    if connection.vendor == "postgresql":
        # One array parameter instead of thousands of bound values per IN list.
        with connection.cursor() as cur:
            cur.execute(f"SELECT {field} FROM members_member WHERE {field} = ANY(%s)", [keys])  # noqa: S608
            return [r[0] for r in cur.fetchall()]
    found: list[str] = []
    for k in range(0, len(keys), 5000):
        found += Member.objects.filter(**{f"{field}__in": keys[k:k + 5000]}).values_list(field, flat=True)
    return found


def validate_members(*, actor: Any, sheet: Sheet, today: date, progress=None) -> tuple[list[dict], ErrorList]:
    scope = scope_for(actor)
    errors = ErrorList()
    dicts = [_row_dict(sheet, r) for r in sheet.rows]
    codes = {(d.get("cell_code") or "") for d in dicts}
    cells = {o.code: o for o in Organization.objects.filter(code__in=[c for c in codes if c])}
    seen_cccd: dict[str, int] = {}
    seen_card: dict[str, int] = {}
    out: list[dict] = []
    for i, d in enumerate(dicts):
        rowno = sheet.first_row_number + i
        n_before = len(errors.errors)
        full_name = _normalize_name(d.get("full_name", ""))
        if len(full_name.split()) < 2:
            errors.add(LABEL["full_name"], "Cần đủ họ và tên.", "A family and a given name are required.", rowno)
        dob = _date(d, "date_of_birth", errors, rowno, True)
        admitted = _date(d, "admitted_on", errors, rowno, True)
        official = _date(d, "official_on", errors, rowno, False)
        gender = GENDERS.get(_fold(d.get("gender", "")))
        if gender is None:
            errors.add(LABEL["gender"], f"Giới tính '{d.get('gender', '')}' không hợp lệ (Nam/Nữ).",
                       f"Invalid gender '{d.get('gender', '')}' (Nam/Nữ).", rowno)
        theory = THEORY.get(_fold(d.get("theory_level", "")))
        if theory is None:
            errors.add(LABEL["theory_level"], f"Trình độ lý luận '{d.get('theory_level')}' không hợp lệ.",
                       f"Unknown theory level '{d.get('theory_level')}'.", rowno)
        cccd = d.get("citizen_id", "").replace(" ", "")
        p = member_rules.check_citizen_id(cccd)
        if p:
            errors.add(LABEL["citizen_id"], p.message_vi, p.message_en, rowno)
        elif cccd in seen_cccd:
            errors.add(LABEL["citizen_id"], f"Trùng số CCCD với dòng {seen_cccd[cccd]}.",
                       f"Same citizen ID as row {seen_cccd[cccd]}.", rowno)
        else:
            seen_cccd[cccd] = rowno
        card = d.get("party_card_number", "").replace(" ", "") or None
        p = member_rules.check_party_card(card)
        if p:
            errors.add(LABEL["party_card_number"], p.message_vi, p.message_en, rowno)
        elif card and card in seen_card:
            errors.add(LABEL["party_card_number"], f"Trùng số thẻ với dòng {seen_card[card]}.",
                       f"Same party card number as row {seen_card[card]}.", rowno)
        elif card:
            seen_card[card] = rowno
        cell = cells.get(d.get("cell_code", ""))
        if cell is None or not scope.covers_path(cell.path):
            errors.add(LABEL["cell_code"], f"Không có chi bộ mã '{d.get('cell_code', '')}' trong phạm vi quản lý.",
                       f"No party cell with code '{d.get('cell_code', '')}' in your scope.", rowno)
        elif not scope.covers_path(cell.path, write=True):
            errors.add(LABEL["cell_code"], "Bạn không có quyền ghi vào chi bộ này.", "No write access to this cell.",
                       rowno)
        elif cell.org_type not in CELL_TYPES or cell.dissolved_on is not None:
            errors.add(LABEL["cell_code"], f"'{cell.name}' không phải chi bộ đang hoạt động.",
                       f"'{cell.name}' is not an active party cell.", rowno)
        if dob and admitted:
            for prob in member_rules.check_member_dates(date_of_birth=dob, admitted_on=admitted,
                                                        official_on=official, today=today):
                errors.add(LABEL.get(prob.field, prob.field), prob.message_vi, prob.message_en, rowno)
        if len(errors.errors) == n_before:
            out.append({
                "row": rowno, "full_name": full_name, "date_of_birth": dob, "gender": gender,
                "ethnicity": d.get("ethnicity") or "Kinh", "religion": d.get("religion") or "Không",
                "place_of_origin": d.get("place_of_origin", ""), "citizen_id": cccd, "party_card_number": card,
                "admitted_on": admitted, "official_on": official, "cell": cell,
                "education_level": d.get("education_level", ""), "theory_level": theory,
            })
        if progress:
            progress(i + 1)
    # Uniqueness against the database, in batches, for every well-formed number in the file.
    by_cccd = dict(seen_cccd.items())
    by_card = dict(seen_card.items())
    for field, mapping, col in (("citizen_id", by_cccd, "citizen_id"), ("party_card_number", by_card,
                                                                         "party_card_number")):
        for existing in _existing_values(field, list(mapping)):
            errors.add(LABEL[col], f"'{existing}' đã có trong hệ thống.", f"'{existing}' already exists.",
                       mapping[existing])
    if errors:
        bad_rows = {e.row for e in errors.errors}
        out = [r for r in out if r["row"] not in bad_rows]
    errors.errors.sort(key=lambda e: (e.row or 0, e.field))
    return out, errors


_MEMBER_COPY_COLUMNS = ("id", "full_name", "sort_key", "search_text", "date_of_birth", "gender", "ethnicity",
                        "religion", "place_of_origin", "citizen_id", "party_card_number", "admitted_on",
                        "official_on", "status", "cell_id", "org_path", "education_level", "theory_level",
                        "created_at", "updated_at")


def recheck_members(*, rows: list[dict]) -> list[dict] | None:
    """Inside the write transaction, after a clean first pass: re-read only what the first pass took
    from the database (the cells by code, the numbers already stored). The row checks are pure
    functions of the file and the date, so they cannot have changed. Returns the rows (with the cells
    as they are now) when nothing changed, else None: then the caller validates the file again in
    full, which words the errors exactly as before."""
    fresh = {o.code: o for o in Organization.objects.filter(code__in={r["cell"].code for r in rows})}
    for r in rows:
        old, new = r["cell"], fresh.get(r["cell"].code)
        if new is None or (new.pk, new.path, new.org_type, new.dissolved_on, new.name) != (
                old.pk, old.path, old.org_type, old.dissolved_on, old.name):
            return None
    if _existing_values("citizen_id", [r["citizen_id"] for r in rows]) or _existing_values(
            "party_card_number", [r["party_card_number"] for r in rows if r["party_card_number"]]):
        return None
    return [{**r, "cell": fresh[r["cell"].code]} for r in rows]


def _copy_members(rows: list[dict], status_for: list[str]) -> list[int]:
    """PostgreSQL: the member, activity and status rows by COPY (no model instances); returns the ids."""
    now = timezone.now()
    with connection.cursor() as cur:
        cur.execute("SELECT nextval(pg_get_serial_sequence('members_member', 'id')) FROM generate_series(1, %s)",
                    [len(rows)])
        pks = sorted(r[0] for r in cur.fetchall())
        raw = cur.cursor
        with raw.copy(f"COPY members_member ({', '.join(_MEMBER_COPY_COLUMNS)}) FROM STDIN") as cp:
            for pk, r, st in zip(pks, rows, status_for, strict=True):
                name, cell = r["full_name"], r["cell"]
                cp.write_row((pk, name, _name_sort_key(name),
                              _search_text(name, r["citizen_id"], r["party_card_number"]), r["date_of_birth"],
                              r["gender"], r["ethnicity"], r["religion"], r["place_of_origin"], r["citizen_id"],
                              r["party_card_number"], r["admitted_on"], r["official_on"], str(st), cell.pk,
                              cell.path, r["education_level"], r["theory_level"], now, now))
        with raw.copy("COPY members_activityrecord (member_id, organization_id, kind, start_on, end_on, decision_ref, "
                      "note) FROM STDIN") as cp:
            for pk, r in zip(pks, rows, strict=True):
                cp.write_row((pk, r["cell"].pk, ActivityKind.OFFICIAL.value, r["admitted_on"], None, "",
                              "Nhập từ tệp"))
        with raw.copy("COPY members_memberstatuschange (member_id, from_status, to_status, effective_on, reason, "
                      "decision_ref, recorded_at) FROM STDIN") as cp:
            for pk, r, st in zip(pks, rows, status_for, strict=True):
                cp.write_row((pk, "", str(st), r["admitted_on"], "Nhập từ tệp", "", now))
    return pks


def _bulk_create_members(rows: list[dict], status_for: list[str]) -> list[int]:
    objs = [Member(
        full_name=r["full_name"], sort_key=_name_sort_key(r["full_name"]),
        search_text=_search_text(r["full_name"], r["citizen_id"], r["party_card_number"]),
        date_of_birth=r["date_of_birth"], gender=r["gender"], ethnicity=r["ethnicity"], religion=r["religion"],
        place_of_origin=r["place_of_origin"], citizen_id=r["citizen_id"], party_card_number=r["party_card_number"],
        admitted_on=r["admitted_on"], official_on=r["official_on"], status=st, cell=r["cell"],
        org_path=r["cell"].path, education_level=r["education_level"], theory_level=r["theory_level"],
    ) for r, st in zip(rows, status_for, strict=True)]
    Member.objects.bulk_create(objs, batch_size=2000)
    ActivityRecord.objects.bulk_create([
        ActivityRecord(member_id=m.pk, organization_id=m.cell_id, kind=ActivityKind.OFFICIAL, start_on=m.admitted_on,
                       note="Nhập từ tệp") for m in objs], batch_size=5000)
    MemberStatusChange.objects.bulk_create([
        MemberStatusChange(member_id=m.pk, to_status=m.status, effective_on=m.admitted_on, reason="Nhập từ tệp")
        for m in objs], batch_size=5000)
    return [m.pk for m in objs]


def write_members(*, actor: Any, rows: list[dict], job_id: str) -> int:
    """Write validated rows: COPY on PostgreSQL, bulk inserts elsewhere; one audit event for the file."""
    status_for = [MemberStatus.OFFICIAL if r["official_on"] else MemberStatus.PROBATIONARY for r in rows]
    if connection.vendor == "postgresql" and rows:
        pks = _copy_members(rows, status_for)
    else:
        pks = _bulk_create_members(rows, status_for)
    digest = hashlib.sha256("\n".join(f"{pk}:{r['citizen_id']}" for pk, r in zip(pks, rows, strict=True))
                            .encode()).hexdigest()
    paths = tree.covering(list({r["cell"].path for r in rows}))
    audit_record(actor=actor, action="member.import", target_type="imports.importjob", target_id=job_id,
                 target_repr=f"{len(rows)} đảng viên", org_path=paths[0] if len(paths) == 1 else "",
                 after={"count": len(rows), "first_id": pks[0] if pks else None,
                        "last_id": pks[-1] if pks else None, "rows_sha256": digest, "orgs": paths[:50]})
    return len(rows)


# ---------------------------------------------------------------- organizations

def validate_organizations(*, actor: Any, sheet: Sheet, today: date, progress=None) -> tuple[list[dict], ErrorList]:
    scope = scope_for(actor)
    errors = ErrorList()
    dicts = [_row_dict(sheet, r) for r in sheet.rows]
    file_codes: dict[str, int] = {}
    codes = [d.get("code", "") for d in dicts] + [d.get("parent_code", "") for d in dicts]
    existing = {o.code: o for o in Organization.objects.filter(code__in=[c for c in codes if c])}
    out = []
    for i, d in enumerate(dicts):
        rowno = sheet.first_row_number + i
        n_before = len(errors.errors)
        code = d.get("code", "").strip()
        if not code:
            errors.add(LABEL["code"], "Bắt buộc phải có.", "Required.", rowno)
        elif code in existing:
            errors.add(LABEL["code"], f"Mã '{code}' đã có trong hệ thống.", f"Code '{code}' already exists.", rowno)
        elif code in file_codes:
            errors.add(LABEL["code"], f"Trùng mã với dòng {file_codes[code]}.", f"Same code as row {file_codes[code]}.",
                       rowno)
        if not d.get("name", "").strip():
            errors.add(LABEL["name"], "Bắt buộc phải có.", "Required.", rowno)
        org_type = ORG_TYPES.get(names.fold(d.get("org_type", "")))
        if org_type is None:
            errors.add(LABEL["org_type"], f"Loại tổ chức '{d.get('org_type', '')}' không hợp lệ.",
                       f"Unknown organization type '{d.get('org_type', '')}'.", rowno)
        parent_code = d.get("parent_code", "").strip()
        parent = existing.get(parent_code)
        if parent is not None:
            if not scope.covers_path(parent.path, write=True):
                errors.add(LABEL["parent_code"], f"Không có quyền ghi vào '{parent_code}'.",
                           f"No write access to '{parent_code}'.", rowno)
            elif parent.dissolved_on is not None:
                errors.add(LABEL["parent_code"], "Tổ chức cấp trên đã giải thể.", "The parent is dissolved.", rowno)
        elif parent_code not in file_codes:
            errors.add(LABEL["parent_code"], f"Không tìm thấy tổ chức cấp trên mã '{parent_code}' (trong hệ thống "
                       "hoặc ở các dòng phía trên).", f"Parent '{parent_code}' not found (in the system or in "
                       "earlier rows).", rowno)
        est = _date(d, "established_on", errors, rowno, False)
        if code and code not in file_codes:
            file_codes[code] = rowno
        if len(errors.errors) == n_before:
            out.append({"row": rowno, "code": code, "name": d["name"].strip(), "short_name": d.get("short_name", ""),
                        "org_type": org_type, "parent_code": parent_code, "address": d.get("address", ""),
                        "established_on": est})
        if progress:
            progress(i + 1)
    if errors:
        # A row whose parent row failed cannot be created either: say so on that row.
        bad_codes = {dicts[e.row - sheet.first_row_number].get("code") for e in errors.errors if e.row}
        for r in out:
            if r["parent_code"] in bad_codes:
                errors.add(LABEL["parent_code"], "Dòng của tổ chức cấp trên có lỗi.", "The parent's row has errors.",
                           r["row"])
    errors.errors.sort(key=lambda e: (e.row or 0, e.field))
    return out, errors


def write_organizations(*, actor: Any, rows: list[dict], job_id: str) -> int:
    by_code: dict[str, Organization] = {}
    parent_codes = {r["parent_code"] for r in rows}
    for o in Organization.objects.select_for_update().filter(code__in=parent_codes).order_by("path"):
        by_code[o.code] = o
    created = []
    for r in rows:
        parent = by_code[r["parent_code"]]
        parent.children_seq += 1
        org = Organization(
            name=r["name"], short_name=r["short_name"], code=r["code"], org_type=r["org_type"], parent=parent,
            path=tree.child_path(parent.path, parent.children_seq), depth=parent.depth + 1,
            sort_key=names.collation_key(r["name"])[:400],
            search_text=names.searchable(r["name"], r["short_name"], r["code"])[:400],
            address=r["address"], established_on=r["established_on"])
        org.save()
        by_code[org.code] = org
        created.append(org)
    for o in by_code.values():
        Organization.objects.filter(pk=o.pk).update(children_seq=o.children_seq)
    OrganizationVersion.objects.bulk_create([
        OrganizationVersion(organization=o, name=o.name, short_name=o.short_name, org_type=o.org_type,
                            parent_id=o.parent_id, valid_from=o.established_on) for o in created])
    paths = tree.covering([o.path for o in created])
    audit_record(actor=actor, action="organization.import", target_type="imports.importjob", target_id=job_id,
                 target_repr=f"{len(created)} tổ chức", org_path=paths[0] if len(paths) == 1 else "",
                 after={"count": len(created), "codes": [o.code for o in created][:500]})
    return len(created)


# ---------------------------------------------------------------- jobs

VALIDATORS = {ImportKind.MEMBERS: (MEMBER_COLUMNS, validate_members, write_members),
              ImportKind.ORGANIZATIONS: (ORG_COLUMNS, validate_organizations, write_organizations)}
RECHECKERS = {ImportKind.MEMBERS: recheck_members}


def import_file(*, actor: Any, kind: str, filename: str, content: bytes, commit: bool, job: ImportJob | None = None,
                today: date | None = None) -> ImportResult:
    """Validate a whole file; write it (all or nothing) only when ``commit`` and no row has an error."""
    today = today or timezone.localdate()
    columns, validate, write = VALIDATORS[ImportKind(kind)]
    try:
        sheet = read_table(filename, content, columns)
    except FileFormatError as exc:
        return ImportResult(0, [FieldError("", exc.message_vi, exc.message_en, None)], [])
    if job is not None:
        ImportJob.objects.filter(pk=job.pk).update(total_rows=len(sheet.rows))
    rows, errors = validate(actor=actor, sheet=sheet, today=today, progress=_Progress(job))
    preview = [{k: (v.isoformat() if isinstance(v, date) else (v.code if isinstance(v, Organization) else v))
                for k, v in r.items()} for r in rows[:20]]
    if errors or not commit:
        return ImportResult(len(sheet.rows), errors.errors, preview)
    with transaction.atomic():
        # Re-check inside the transaction so that nothing changed between the check and the write: the
        # database facts only when that is enough (members), else the whole file.
        recheck = RECHECKERS.get(ImportKind(kind))
        rechecked = recheck(rows=rows) if recheck is not None else None
        if rechecked is not None:
            rows = rechecked
        else:
            rows, errors = validate(actor=actor, sheet=sheet, today=today)
            if errors:
                return ImportResult(len(sheet.rows), errors.errors, preview)
        created = write(actor=actor, rows=rows, job_id=str(job.pk if job else "direct"))
    return ImportResult(len(sheet.rows), [], preview, created)


def import_job_run(job_id: str) -> None:
    """Run one job (inline, in a thread or in a Celery worker) and store its outcome on the job row."""
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.RUNNING)
    try:
        result = import_file(actor=job.created_by, kind=job.kind, filename=job.filename, content=bytes(job.content),
                             commit=job.commit, job=job)
    except Exception as exc:  # reported on the job page; the transaction has rolled back
        ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.FAILED, message=str(exc)[:2000],
                                                   finished_at=timezone.now())
        raise
    status = (ImportStatus.INVALID if result.errors else ImportStatus.DONE if job.commit else ImportStatus.PREVIEWED)
    ImportJob.objects.filter(pk=job.pk).update(
        status=status, total_rows=result.total, processed_rows=result.total,
        errors=[e.as_dict() for e in result.errors[:5000]], preview=result.preview, created_count=result.created,
        finished_at=timezone.now())


def import_job_create(*, actor: Any, kind: str, filename: str, content: bytes, commit: bool) -> ImportJob:
    if len(content) > settings.PARTYORG_MAX_UPLOAD_BYTES:
        raise FileFormatError("Tệp quá lớn.", "The file is too large.")
    if kind not in ImportKind.values:
        raise FileFormatError("Loại dữ liệu nhập không hợp lệ.", "Unknown import kind.")
    if not scope_for(actor).can_write_anywhere():
        raise FileFormatError("Bạn không có quyền nhập dữ liệu.", "You are not permitted to import.")
    job = ImportJob.objects.create(kind=kind, created_by=actor, filename=filename[:255], content=content,
                                   commit=commit)
    return job


def import_job_dispatch(job: ImportJob, *, rows_hint: int) -> None:
    """Small files run now; large ones in the background (Celery with Redis, else a thread)."""
    if rows_hint <= settings.PARTYORG_IMPORT_BACKGROUND_ROWS:
        import_job_run(str(job.pk))
        return
    if settings.REDIS_URL:
        from .tasks import run_import_task

        transaction.on_commit(lambda: run_import_task.delay(str(job.pk)))
        return
    import threading

    from django.db import connection

    def target():
        try:
            import_job_run(str(job.pk))
        finally:
            connection.close()

    transaction.on_commit(lambda: threading.Thread(target=target, daemon=True).start())
