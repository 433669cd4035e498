"""Writes of the directives area (DI-1..DI-10).

One transaction per use case; the rows a use case changes are fetched through the actor's write scope
and locked (``select_for_update``); the domain rules of ``partyorg.domain.directives`` decide; each
change appends its audit event in the same transaction. Errors are ``ApplicationError`` with a
Vietnamese and an English text and the field at fault.
"""
from __future__ import annotations

import hashlib
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction

from partyorg.core.audit import audit_record, changed, model_snapshot
from partyorg.core.errors import ApplicationError, ErrorList, Forbidden, NotFoundOrForbidden, StateConflict
from partyorg.core.scopes import scope_for
from partyorg.domain import directives as rules
from partyorg.domain.names import fold, searchable
from partyorg.organizations.models import Organization

from . import selectors
from .models import (
    Addressee,
    AddresseeState,
    Attachment,
    BridgePoint,
    Conference,
    DigestSubscription,
    Document,
    DocumentLink,
    Obstacle,
    PeriodicReport,
    ReportEvent,
    ReportState,
    ReportTemplate,
    Requirement,
    Submission,
)

DOC_FIELDS = ["number_symbol", "doc_type", "issued_on", "issuing_body", "title", "summary", "effective_on",
              "expires_on", "owner_id"]


def _rule_error(exc: rules.DirectiveRuleError | rules.NumberSymbolError, field: str | None = None) -> ApplicationError:
    rule = getattr(exc, "rule_id", "DI")
    return ApplicationError(f"{exc.vi} ({rule})", f"{exc.en} ({rule})", field=field, code=exc.code)


def _raise_decision(decision: rules.Decision, field_of: dict[str, str] | str = "") -> None:
    """Turn the errors of a domain decision into one ApplicationError naming the fields (by error code,
    or one field for all)."""
    if decision.ok:
        return
    errors = ErrorList()
    for m in decision.errors:
        name = field_of if isinstance(field_of, str) else field_of.get(m.code, "")
        errors.add(name, f"{m.vi} ({m.rule_id})", f"{m.en} ({m.rule_id})")
    errors.raise_if_any("Dữ liệu chưa hợp lệ.", "The data is not valid.")


def _writable_org(actor: Any, org_id: int, *, lock: bool = False) -> Organization:
    qs = Organization.objects.select_for_update() if lock else Organization.objects
    org = qs.filter(pk=org_id).first()
    scope = scope_for(actor)
    if org is None or not scope.covers_path(org.path):
        raise NotFoundOrForbidden()
    if not scope.covers_path(org.path, write=True):
        raise Forbidden()
    if org.dissolved_on is not None:
        raise ApplicationError("Tổ chức đã giải thể.", "The organization is dissolved.", field="organization")
    return org


def _require_write(actor: Any, path: str) -> None:
    scope = scope_for(actor)
    if not scope.covers_path(path, write=True):
        if scope.covers_path(path):
            raise Forbidden()
        raise NotFoundOrForbidden()


def _visible_documents(actor: Any, ids: Iterable[int], field: str = "documents") -> list[Document]:
    wanted = sorted(set(ids))
    docs = list(selectors.document_qs(actor=actor).filter(pk__in=wanted))
    if len(docs) != len(wanted):
        raise ApplicationError("Có văn bản không tìm thấy hoặc không được phép dùng.",
                               "A document is not found or not permitted.", field=field)
    return docs


# ---------------------------------------------------------------------------------------------
# Document register (DI-1, DI-2)
# ---------------------------------------------------------------------------------------------

#: Party Congress terms (khóa): Party documents are numbered afresh in each term, so "16-HD/BTCTW" of
#: 2018 and of 2022 are two documents. Each entry is the closing day of the Congress that opened it.
PARTY_TERMS: tuple[tuple[date, str], ...] = (
    (date(1996, 7, 1), "VIII"), (date(2001, 4, 22), "IX"), (date(2006, 4, 25), "X"), (date(2011, 1, 19), "XI"),
    (date(2016, 1, 28), "XII"), (date(2021, 2, 1), "XIII"), (date(2026, 1, 23), "XIV"),
)

#: Issuer abbreviations shared by many bodies (every province has a "TU", every commune an "UBND"):
#: for these the issuing body's name tells the documents apart.
LOCAL_ISSUERS = frozenset({"TU", "BTCTU", "HU", "QU", "ThU", "ĐU", "CB", "UBND", "HĐND"})


def party_term(on: date) -> str:
    term = "VII"
    for start, name in PARTY_TERMS:
        if on >= start:
            term = name
    return term


def issuing_body_key(symbol: rules.NumberSymbol, issuing_body: str, issued_on: date) -> str:
    """DI-2 [default]: what "the same issuing body" means for duplicate detection.

    Central bodies are named by their abbreviation (so "Bộ Chính trị" and "BCH Trung ương" typed for
    124-QĐ/TW collide); local bodies by their folded name. The numbering period is the Party Congress
    term for Party documents and the year for State documents without a year in the symbol.
    """
    parts = symbol.issuer.split("-")
    local = any(p.rstrip("0123456789") in LOCAL_ISSUERS for p in parts)
    body = fold(issuing_body) if local else symbol.issuer.upper()
    if symbol.system is rules.DocumentSystem.PARTY:
        period = party_term(issued_on)
    else:
        period = "" if symbol.year is not None else str(issued_on.year)
    return f"{body}|{period}"


@dataclass(frozen=True)
class DocumentInput:
    number_symbol: str
    issued_on: date
    title: str
    issuing_body: str = ""
    doc_type: str = ""          # empty: taken from the symbol when it names one type
    summary: str = ""
    effective_on: date | None = None
    expires_on: date | None = None


def _document_fields(data: DocumentInput) -> dict[str, Any]:
    errors = ErrorList()
    try:
        symbol = rules.parse_number_symbol(data.number_symbol)
    except rules.NumberSymbolError as exc:
        raise _rule_error(exc, "number_symbol")
    types = symbol.document_types
    doc_type = data.doc_type or (symbol.document_type.value if symbol.document_type else "")
    if not doc_type:
        names = " / ".join(rules.DOCUMENT_TYPE_NAMES_VI[t] for t in types)
        errors.add("doc_type", f"Ký hiệu {symbol.type_abbreviation} có thể là {names}: hãy chọn loại văn bản (DI-2).",
                   f"The abbreviation {symbol.type_abbreviation} stands for several types: choose one (DI-2).")
    elif rules.DocumentType(doc_type) not in types:
        errors.add("doc_type", f"Loại văn bản không khớp với ký hiệu {symbol.text} (DI-2).",
                   f"The document type does not match the symbol {symbol.text} (DI-2).")
    body = " ".join(data.issuing_body.split()) or (symbol.issuer_name or "")
    if not body:
        errors.add("issuing_body", "Cần ghi cơ quan ban hành.", "The issuing body is required.")
    if not data.title.strip():
        errors.add("title", "Cần ghi trích yếu nội dung văn bản.", "The title is required.")
    if data.expires_on and data.expires_on < data.issued_on:
        errors.add("expires_on", "Ngày hết hiệu lực trước ngày ban hành.", "The expiry date is before the issue date.")
    if data.effective_on and data.effective_on < data.issued_on:
        errors.add("effective_on", "Ngày hiệu lực trước ngày ban hành.", "The effective date is before the issue date.")
    errors.raise_if_any()
    body_id = issuing_body_key(symbol, body, data.issued_on)
    return {
        "system": symbol.system.value, "doc_type": doc_type, "number_symbol": symbol.text, "number": symbol.number,
        "dedup_key": rules.duplicate_key(symbol, body_id),
        "issued_on": data.issued_on, "issuing_body": body, "title": " ".join(data.title.split()),
        "summary": data.summary.strip(), "effective_on": data.effective_on, "expires_on": data.expires_on,
        "search_text": searchable(symbol.text, data.title, body)[:1500],
        "_symbol": symbol, "_body_id": body_id,
    }


def _check_unique(fields: dict[str, Any], exclude_pk: int | None = None) -> None:
    """DI-2: the same number and symbol from the same issuing body is registered once."""
    registered = set(Document.objects.filter(dedup_key=fields["dedup_key"]).exclude(pk=exclude_pk)
                     .values_list("dedup_key", flat=True))
    _raise_decision(rules.check_not_registered(fields["_symbol"], fields["_body_id"], registered),
                    {"duplicate": "number_symbol"})


def document_register(*, actor: Any, owner_id: int, data: DocumentInput) -> Document:
    """DI-1, DI-2: register a document in ``owner``'s register."""
    fields = _document_fields(data)
    with transaction.atomic():
        owner = _writable_org(actor, owner_id)
        _check_unique(fields)
        fields = {k: v for k, v in fields.items() if not k.startswith("_")}
        doc = Document(owner=owner, owner_path=owner.path, created_by_id=getattr(actor, "pk", None), **fields)
        try:
            with transaction.atomic():
                doc.save()
        except IntegrityError:
            raise ApplicationError(f"Văn bản số {doc.number_symbol} của cơ quan này đã được đăng ký (DI-2).",
                                   f"Document {doc.number_symbol} of this issuing body is already registered (DI-2).",
                                   field="number_symbol", code="duplicate")
        audit_record(actor=actor, action="directives.document.register", target=doc, org_path=owner.path,
                     after=model_snapshot(doc, DOC_FIELDS))
        return doc


def document_update(*, actor: Any, document_id: int, data: DocumentInput) -> Document:
    fields = _document_fields(data)
    with transaction.atomic():
        doc = Document.objects.select_for_update().filter(pk=document_id).first()
        if doc is None:
            raise NotFoundOrForbidden()
        _require_write(actor, doc.owner_path)
        _check_unique(fields, exclude_pk=doc.pk)
        fields = {k: v for k, v in fields.items() if not k.startswith("_")}
        before = model_snapshot(doc, DOC_FIELDS)
        for k, v in fields.items():
            setattr(doc, k, v)
        try:
            with transaction.atomic():
                doc.save()
        except IntegrityError:
            raise ApplicationError(f"Văn bản số {doc.number_symbol} của cơ quan này đã được đăng ký (DI-2).",
                                   f"Document {doc.number_symbol} of this issuing body is already registered (DI-2).",
                                   field="number_symbol", code="duplicate")
        b, a = changed(before, model_snapshot(doc, DOC_FIELDS))
        audit_record(actor=actor, action="directives.document.update", target=doc, org_path=doc.owner_path,
                     before=b, after=a)
        return doc


def document_link_add(*, actor: Any, source_id: int, target_id: int, kind: str) -> DocumentLink:
    """DI-1: ``source`` replaces / amends / guides / implements ``target`` (the owner of ``source`` links)."""
    try:
        link_kind = rules.LinkKind(kind)
    except ValueError:
        raise ApplicationError("Quan hệ giữa hai văn bản không hợp lệ.", "Unknown link kind.", field="kind")
    with transaction.atomic():
        source = Document.objects.select_for_update().filter(pk=source_id).first()
        if source is None:
            raise NotFoundOrForbidden()
        _require_write(actor, source.owner_path)
        target = selectors.document_qs(actor=actor).filter(pk=target_id).first()
        if target is None:
            raise ApplicationError("Không tìm thấy văn bản được liên kết.", "The linked document is not found.",
                                   field="target")
        existing = list(DocumentLink.objects.filter(target__in=[target, source]) | DocumentLink.objects.filter(
            source__in=[target, source]))
        chain_links = list(DocumentLink.objects.filter(kind=rules.LinkKind.REPLACES.value))
        refs = {str(d.pk): rules.DocumentRef(str(d.pk), d.issued_on, _symbol_of(d)) for d in (source, target)}
        domain_existing = [rules.DocumentLink(str(x.source_id), rules.LinkKind(x.kind), str(x.target_id))
                           for x in {*existing, *chain_links}]
        link = rules.DocumentLink(str(source.pk), link_kind, str(target.pk))
        _raise_decision(rules.check_document_link(link, refs, domain_existing), "target")
        row = DocumentLink.objects.create(source=source, target=target, kind=link_kind.value)
        audit_record(actor=actor, action="directives.document.link", target=source, org_path=source.owner_path,
                     after={"kind": link_kind.value, "target": target.number_symbol, "target_id": target.pk})
        return row


def _symbol_of(doc: Document) -> rules.NumberSymbol | None:
    try:
        return rules.parse_number_symbol(doc.number_symbol)
    except rules.NumberSymbolError:
        return None


# ---------------------------------------------------------------------------------------------
# Attachments: PDF or DOCX, size and type checked by their bytes, kept in the database
# ---------------------------------------------------------------------------------------------

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@dataclass(frozen=True)
class FileInput:
    filename: str
    content: bytes


def check_file(upload: FileInput) -> tuple[str, str]:
    """(safe file name, content type) of an upload, or an error naming the field ``files``.

    The type is read from the bytes: ``%PDF-`` for PDF; a ZIP holding ``word/document.xml`` and
    ``[Content_Types].xml`` for DOCX (only the ZIP directory is read, nothing is decompressed).
    """
    limit = settings.PARTYORG_MAX_UPLOAD_BYTES
    size = len(upload.content)
    if size == 0:
        raise ApplicationError(f"Tệp {upload.filename} rỗng.", f"The file {upload.filename} is empty.", field="files")
    if size > limit:
        raise ApplicationError(f"Tệp {upload.filename} vượt quá {limit // (1024 * 1024)} MB.",
                               f"The file {upload.filename} exceeds {limit // (1024 * 1024)} MB.", field="files")
    ctype, ext = None, None
    if upload.content.startswith(b"%PDF-"):
        ctype, ext = PDF, ".pdf"
    elif upload.content.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(upload.content)) as z:
                names = set(z.namelist())
        except (zipfile.BadZipFile, ValueError):
            names = set()
        if {"word/document.xml", "[Content_Types].xml"} <= names:
            ctype, ext = DOCX, ".docx"
    if ctype is None:
        raise ApplicationError(f"Tệp {upload.filename}: chỉ nhận tệp PDF hoặc DOCX.",
                               f"The file {upload.filename}: only PDF or DOCX files are accepted.", field="files")
    return _safe_filename(upload.filename, ext), ctype


def _safe_filename(name: str, ext: str) -> str:
    base = unicodedata.normalize("NFC", name.replace("\\", "/").rsplit("/", 1)[-1])
    base = re.sub(r"[\x00-\x1f\x7f\"<>:|?*;]", "", base).strip(" .") or "tep"
    stem = base[: -len(ext)] if base.lower().endswith(ext) else base.rsplit(".", 1)[0] if "." in base else base
    return f"{stem[:180] or 'tep'}{ext}"


def _store_files(actor: Any, files: Sequence[FileInput], **owner: Any) -> list[Attachment]:
    out = []
    for f in files:
        filename, ctype = check_file(f)
        out.append(Attachment.objects.create(
            filename=filename, content_type=ctype, size=len(f.content), sha256=hashlib.sha256(f.content).hexdigest(),
            content=f.content, uploaded_by_id=getattr(actor, "pk", None), **owner))
    return out


def attachment_add(*, actor: Any, files: Sequence[FileInput], document_id: int | None = None,
                   conference_id: int | None = None) -> list[Attachment]:
    """Attach PDF or DOCX files to a document (its owner) or a conference (its host)."""
    if not files:
        raise ApplicationError("Chưa chọn tệp.", "No file chosen.", field="files")
    with transaction.atomic():
        if document_id is not None:
            doc = Document.objects.select_for_update().filter(pk=document_id).first()
            if doc is None:
                raise NotFoundOrForbidden()
            _require_write(actor, doc.owner_path)
            atts = _store_files(actor, files, document=doc)
            path, target = doc.owner_path, doc
        else:
            conf = Conference.objects.select_for_update().filter(pk=conference_id).first()
            if conf is None:
                raise NotFoundOrForbidden()
            _require_write(actor, conf.host_path)
            atts = _store_files(actor, files, conference=conf)
            path, target = conf.host_path, conf
        audit_record(actor=actor, action="directives.attachment.add", target=target, org_path=path,
                     after={"files": [{"name": a.filename, "size": a.size, "sha256": a.sha256} for a in atts]})
        return atts


# ---------------------------------------------------------------------------------------------
# Dissemination conferences (DI-3)
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ConferenceInput:
    title: str
    held_at: datetime
    mode: str
    chair: str
    document_ids: tuple[int, ...]
    bridge_points: tuple[tuple[int, int], ...] = ()   # (organization id, participants)
    location: str = ""
    in_person_participants: int = 0
    follows_id: int | None = None
    notes: str = ""


CONFERENCE_FIELDS = {"no_documents": "documents", "no_chair": "chair", "no_bridge_points": "bridge_points",
                     "bridge_points_in_person": "mode", "duplicate_bridge_point": "bridge_points",
                     "negative_participants": "bridge_points", "followed_missing": "follows",
                     "follows_earlier": "held_at"}


def conference_create(*, actor: Any, host_id: int, data: ConferenceInput) -> Conference:
    """DI-3: record a dissemination conference with its documents and bridge points."""
    if not data.title.strip():
        raise ApplicationError("Cần ghi tên hội nghị.", "The title is required.", field="title")
    try:
        mode = rules.ConferenceMode(data.mode)
    except ValueError:
        raise ApplicationError("Hình thức hội nghị không hợp lệ.", "Unknown conference mode.", field="mode")
    with transaction.atomic():
        host = _writable_org(actor, host_id)
        docs = _visible_documents(actor, data.document_ids)
        followed = None
        if data.follows_id is not None:
            followed = selectors.conference_qs(actor=actor).filter(pk=data.follows_id).first()
            if followed is None:
                raise ApplicationError("Không tìm thấy hội nghị được tiếp nối.", "The followed conference is not found.",
                                       field="follows")
        bp_orgs = {o.pk: o for o in Organization.objects.filter(pk__in=[o for o, _ in data.bridge_points])}
        for org_id, _n in data.bridge_points:
            org = bp_orgs.get(org_id)
            if org is None or not org.path.startswith(host.path):
                raise ApplicationError("Điểm cầu phải là tổ chức chủ trì hoặc tổ chức cấp dưới của nó.",
                                       "A bridge point must be the host or one of its subordinate organizations.",
                                       field="bridge_points")
        conf = Conference(host=host, host_path=host.path, title=data.title.strip(), held_at=data.held_at,
                          mode=mode.value, location=data.location.strip(), chair=data.chair.strip(),
                          in_person_participants=data.in_person_participants, follows=followed,
                          notes=data.notes.strip(), created_by_id=getattr(actor, "pk", None))
        bps = [BridgePoint(organization_id=o, org_path=bp_orgs[o].path, participants=n) for o, n in data.bridge_points]
        domain_conf = selectors.domain_conference(conf, bps, [d.pk for d in docs])
        domain_conf = rules.Conference(**{**domain_conf.__dict__, "conference_id": "new", "host_org": str(host.pk)})
        followed_dom = selectors.domain_conference(followed) if followed else None
        _raise_decision(rules.check_conference(domain_conf, followed_dom), CONFERENCE_FIELDS)
        conf.save()
        conf.documents.set(docs)
        for bp in bps:
            bp.conference = conf
        BridgePoint.objects.bulk_create(bps)
        totals = rules.conference_totals(selectors.domain_conference(conf, bps, [d.pk for d in docs]))
        audit_record(actor=actor, action="directives.conference.create", target=conf, org_path=host.path,
                     after={"title": conf.title, "held_at": conf.held_at, "mode": conf.mode,
                            "documents": [d.number_symbol for d in docs], "bridge_points": totals.bridge_points,
                            "participants": totals.total_participants, "follows": conf.follows_id})
        return conf


def conference_bridge_points_set(*, actor: Any, conference_id: int,
                                 bridge_points: Sequence[tuple[int, int]]) -> Conference:
    """DI-3: replace the bridge points of a conference (the host's side)."""
    with transaction.atomic():
        conf = Conference.objects.select_for_update().filter(pk=conference_id).first()
        if conf is None:
            raise NotFoundOrForbidden()
        _require_write(actor, conf.host_path)
        orgs = {o.pk: o for o in Organization.objects.filter(pk__in=[o for o, _ in bridge_points])}
        if any(o not in orgs or not orgs[o].path.startswith(conf.host_path) for o, _ in bridge_points):
            raise ApplicationError("Điểm cầu phải là tổ chức chủ trì hoặc tổ chức cấp dưới của nó.",
                                   "A bridge point must be the host or one of its subordinate organizations.",
                                   field="bridge_points")
        before = rules.conference_totals(selectors.domain_conference(conf))
        bps = [BridgePoint(conference=conf, organization_id=o, org_path=orgs[o].path, participants=n)
               for o, n in bridge_points]
        dom = selectors.domain_conference(conf, bps)
        _raise_decision(rules.check_conference(dom, selectors.domain_conference(conf.follows) if conf.follows else None),
                        CONFERENCE_FIELDS)
        conf.bridge_points.all().delete()
        BridgePoint.objects.bulk_create(bps)
        after = rules.conference_totals(dom)
        audit_record(actor=actor, action="directives.conference.bridge_points", target=conf, org_path=conf.host_path,
                     before={"bridge_points": before.bridge_points, "participants": before.total_participants},
                     after={"bridge_points": after.bridge_points, "participants": after.total_participants})
        return conf


# ---------------------------------------------------------------------------------------------
# Implementation requirements and submissions (DI-4, DI-5)
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RequirementInput:
    title: str
    document_ids: tuple[int, ...]
    deliverable: str
    issued_on: date
    deadline: date
    description: str = ""
    levels: tuple[int, ...] = ()        # relative to the issuer: 1 = its direct subordinates
    org_types: tuple[str, ...] = ()
    chosen_ids: tuple[int, ...] = ()


REQUIREMENT_FIELDS = {"no_documents": "documents", "deadline_before_issue": "deadline",
                      "no_addressees": "addressees", "not_subordinate": "chosen"}


def requirement_issue(*, actor: Any, issuer_id: int, data: RequirementInput) -> Requirement:
    """DI-4: issue a requirement about documents to subordinates chosen by level, type or by hand."""
    try:
        deliverable = rules.Deliverable(data.deliverable)
    except ValueError:
        raise ApplicationError("Sản phẩm phải nộp không hợp lệ.", "Unknown deliverable.", field="deliverable")
    if not data.title.strip():
        raise ApplicationError("Cần ghi nội dung yêu cầu.", "The title is required.", field="title")
    with transaction.atomic():
        issuer = _writable_org(actor, issuer_id, lock=True)
        docs = _visible_documents(actor, data.document_ids)
        rows = list(Organization.objects.filter(path__startswith=issuer.path, dissolved_on__isnull=True)
                    .values("pk", "parent_id", "depth", "org_type", "path"))
        nodes = selectors.org_nodes(rows)
        base = issuer.depth - 1
        selection = rules.select_addressees(
            str(issuer.pk), nodes, levels={base + n for n in data.levels}, org_types=set(data.org_types),
            chosen={str(i) for i in data.chosen_ids})
        _raise_decision(selection.decision, REQUIREMENT_FIELDS)
        domain_req = rules.Requirement("new", str(issuer.pk), tuple(str(d.pk) for d in docs), deliverable,
                                       data.issued_on, data.deadline, selection.addressed)
        _raise_decision(rules.check_requirement(domain_req, nodes), REQUIREMENT_FIELDS)
        req = Requirement.objects.create(
            issuer=issuer, issuer_path=issuer.path, title=data.title.strip(), deliverable=deliverable.value,
            description=data.description.strip(), issued_on=data.issued_on, deadline=data.deadline,
            selection={"levels": sorted(data.levels), "org_types": sorted(data.org_types),
                       "chosen": sorted(data.chosen_ids)},
            created_by_id=getattr(actor, "pk", None))
        req.documents.set(docs)
        paths = {str(r["pk"]): r["path"] for r in rows}
        Addressee.objects.bulk_create(
            [Addressee(requirement=req, organization_id=int(o), org_path=paths[o]) for o in sorted(selection.addressed)],
            batch_size=5000)
        audit_record(actor=actor, action="directives.requirement.issue", target=req, org_path=issuer.path,
                     after={"title": req.title, "deliverable": req.deliverable, "deadline": req.deadline,
                            "documents": [d.number_symbol for d in docs], "addressed": len(selection.addressed),
                            "selection": req.selection})
        return req


@dataclass(frozen=True)
class SubmissionInput:
    submitted_on: date
    document_number: str = ""
    document_date: date | None = None
    conference_id: int | None = None
    note: str = ""


def requirement_submit(*, actor: Any, requirement_id: int, org_id: int, data: SubmissionInput, today: date,
                       files: Sequence[FileInput] = ()) -> Submission:
    """DI-5: an addressed organization submits its deliverable (its document's number and date, or the
    conference it held), with files. A returned submission may be submitted again."""
    errors = ErrorList()
    reference = ""
    if data.document_number.strip():
        try:
            symbol = rules.parse_number_symbol(data.document_number)
        except rules.NumberSymbolError as exc:
            raise _rule_error(exc, "document_number")
        if data.document_date is None:
            errors.add("document_date", "Cần ghi ngày của văn bản.", "The document's date is required.")
        else:
            reference = f"{symbol.text} ngày {data.document_date:%d/%m/%Y}"
    errors.raise_if_any()
    with transaction.atomic():
        a = (Addressee.objects.select_for_update().select_related("requirement", "organization")
             .filter(requirement_id=requirement_id, organization_id=org_id).first())
        if a is None:
            raise NotFoundOrForbidden()
        _require_write(actor, a.org_path)
        req = a.requirement
        if req.closed_on is not None:
            raise StateConflict("Yêu cầu đã kết thúc theo dõi.", "The requirement is closed.")
        if a.state == AddresseeState.SUBMITTED:
            raise StateConflict("Tổ chức đã nộp; chỉ nộp lại khi bị trả lại (DI-5).",
                                "Already submitted; submit again only after it is returned (DI-5).")
        conf = None
        if data.conference_id is not None:
            conf = Conference.objects.filter(pk=data.conference_id, host_path__startswith=a.org_path).first()
            if conf is None:
                raise ApplicationError("Hội nghị phải do tổ chức được giao (hoặc cấp dưới) tổ chức.",
                                       "The conference must be held by the addressed organization.",
                                       field="conference")
            held = f"{conf.title} ngày {conf.held_at:%d/%m/%Y}"
            reference = f"{reference}; {held}" if reference else held
        if req.deliverable == rules.Deliverable.FOLLOW_UP_CONFERENCE.value and conf is None:
            raise ApplicationError("Yêu cầu này cần nộp hội nghị đã tổ chức (DI-5).",
                                   "This requirement asks for the conference held (DI-5).", field="conference")
        if not reference:
            raise ApplicationError("Cần ghi số, ngày văn bản hoặc hội nghị đã tổ chức (DI-5).",
                                   "Give the document's number and date, or the conference held (DI-5).",
                                   field="document_number")
        try:
            status = rules.requirement_status(req.deadline, today, (rules.Submission(data.submitted_on, reference),))
        except rules.DirectiveRuleError as exc:
            raise _rule_error(exc, "submitted_on")
        sub = Submission.objects.create(
            addressee=a, submitted_on=data.submitted_on, document_number=data.document_number.strip(),
            document_date=data.document_date, conference=conf, note=data.note.strip(),
            submitted_by_id=getattr(actor, "pk", None))
        _store_files(actor, files, submission=sub)
        before = {"state": a.state, "submitted_on": a.submitted_on}
        a.state, a.submitted_on, a.reference = AddresseeState.SUBMITTED, data.submitted_on, reference[:400]
        a.returned_on, a.return_reason = None, ""
        a.save(update_fields=["state", "submitted_on", "reference", "returned_on", "return_reason"])
        audit_record(actor=actor, action="directives.requirement.submit", target=req, org_path=a.org_path,
                     target_repr=f"{req.title} – {a.organization.name}", before=before,
                     after={"state": a.state, "submitted_on": a.submitted_on, "reference": a.reference,
                            "status": status.status.value, "days_late": status.days_late,
                            "files": len(files)})
        return sub


def requirement_return(*, actor: Any, requirement_id: int, org_id: int, reason: str, today: date) -> Addressee:
    """DI-5: the issuing organization returns a submission for rework, with a reason."""
    with transaction.atomic():
        a = (Addressee.objects.select_for_update().select_related("requirement", "organization")
             .filter(requirement_id=requirement_id, organization_id=org_id).first())
        if a is None:
            raise NotFoundOrForbidden()
        req = a.requirement
        scope = scope_for(actor)
        if not scope.covers_path(req.issuer_path, write=True):
            raise Forbidden() if scope.covers_path(a.org_path) else NotFoundOrForbidden()
        if a.state != AddresseeState.SUBMITTED:
            raise StateConflict("Chỉ trả lại bản đã nộp (DI-5).", "Only a submitted deliverable can be returned (DI-5).")
        last = a.submissions.select_for_update().order_by("-submitted_on", "-id").first()
        try:
            returned = rules.return_submission(rules.Submission(last.submitted_on, a.reference), today, reason)
        except rules.DirectiveRuleError as exc:
            raise _rule_error(exc, "reason")
        last.returned_on, last.return_reason = returned.returned_on, returned.return_reason
        last.returned_by_id = getattr(actor, "pk", None)
        last.save(update_fields=["returned_on", "return_reason", "returned_by_id"])
        a.state, a.returned_on, a.return_reason = AddresseeState.RETURNED, returned.returned_on, returned.return_reason
        a.save(update_fields=["state", "returned_on", "return_reason"])
        audit_record(actor=actor, action="directives.requirement.return", target=req, org_path=a.org_path,
                     target_repr=f"{req.title} – {a.organization.name}", before={"state": AddresseeState.SUBMITTED},
                     after={"state": a.state, "reason": a.return_reason})
        return a


def requirement_close(*, actor: Any, requirement_id: int, today: date) -> Requirement:
    """The issuer stops tracking a requirement (it leaves the reminders; its record stays)."""
    with transaction.atomic():
        req = Requirement.objects.select_for_update().filter(pk=requirement_id).first()
        if req is None:
            raise NotFoundOrForbidden()
        _require_write(actor, req.issuer_path)
        if req.closed_on is not None:
            raise StateConflict("Yêu cầu đã kết thúc theo dõi.", "The requirement is already closed.")
        req.closed_on = today
        req.save(update_fields=["closed_on"])
        audit_record(actor=actor, action="directives.requirement.close", target=req, org_path=req.issuer_path,
                     after={"closed_on": today})
        return req


# ---------------------------------------------------------------------------------------------
# Obstacles and recommendations (DI-7)
# ---------------------------------------------------------------------------------------------


def obstacle_raise(*, actor: Any, asker_id: int, document_id: int, question: str, today: date,
                   requirement_id: int | None = None, recipient_id: int | None = None) -> Obstacle:
    """DI-7: raise an obstacle about a document to the issuer of a requirement, or up one's own chain
    (the parent by default)."""
    if not question.strip():
        raise ApplicationError("Cần ghi nội dung khó khăn, vướng mắc.", "The question is empty.", field="question")
    with transaction.atomic():
        asker = _writable_org(actor, asker_id)
        doc = _visible_documents(actor, [document_id], field="document")[0]
        req = None
        if requirement_id is not None:
            req = selectors.requirement_qs(actor=actor).filter(pk=requirement_id).first()
            if req is None:
                raise ApplicationError("Không tìm thấy yêu cầu.", "The requirement is not found.", field="requirement")
        if recipient_id is None:
            recipient_id = req.issuer_id if req is not None else asker.parent_id
        recipient = Organization.objects.filter(pk=recipient_id).first() if recipient_id else None
        if recipient is None:
            raise ApplicationError("Cần chọn nơi nhận.", "Choose the recipient.", field="recipient")
        decision = rules.check_obstacle_route(str(asker.pk), str(recipient.pk), selectors.chain_nodes(asker),
                                              str(req.issuer_id) if req else None)
        _raise_decision(decision, {"wrong_recipient": "recipient"})
        ob = Obstacle.objects.create(
            document=doc, requirement=req, asker=asker, asker_path=asker.path, recipient=recipient,
            recipient_path=recipient.path, question=question.strip(), raised_on=today,
            raised_by_id=getattr(actor, "pk", None))
        audit_record(actor=actor, action="directives.obstacle.raise", target=ob, org_path=asker.path,
                     after={"document": doc.number_symbol, "recipient": recipient.pk, "question": ob.question})
        return ob


def obstacle_answer(*, actor: Any, obstacle_id: int, answer: str, share: bool, today: date) -> Obstacle:
    """DI-7: the recipient answers; it may share the answer with all addressed organizations."""
    with transaction.atomic():
        ob = Obstacle.objects.select_for_update().filter(pk=obstacle_id).first()
        if ob is None:
            raise NotFoundOrForbidden()
        _require_write(actor, ob.recipient_path)
        dom = rules.Obstacle(str(ob.pk), str(ob.asker_id), str(ob.recipient_id), str(ob.document_id), ob.question,
                             ob.answer or None, ob.shared)
        try:
            answered = rules.answer_obstacle(dom, answer, share_with_addressed=share)
        except rules.DirectiveRuleError as exc:
            raise _rule_error(exc, "answer")
        before = {"answer": ob.answer, "shared": ob.shared}
        ob.answer, ob.shared = answered.answer or "", answered.shared_with_addressed
        ob.answered_on, ob.answered_by_id = today, getattr(actor, "pk", None)
        ob.save(update_fields=["answer", "shared", "answered_on", "answered_by_id"])
        audit_record(actor=actor, action="directives.obstacle.answer", target=ob, org_path=ob.recipient_path,
                     before=before, after={"answer": ob.answer, "shared": ob.shared})
        return ob


def obstacle_forward(*, actor: Any, obstacle_id: int) -> Obstacle:
    """DI-7: the recipient passes an unanswered obstacle up its own chain (to its parent)."""
    with transaction.atomic():
        ob = Obstacle.objects.select_for_update().select_related("asker", "recipient").filter(pk=obstacle_id).first()
        if ob is None:
            raise NotFoundOrForbidden()
        _require_write(actor, ob.recipient_path)
        if ob.answered_on is not None:
            raise StateConflict("Đã trả lời; không chuyển lên cấp trên.", "Already answered; it is not forwarded.")
        up = ob.recipient.parent
        if up is None:
            raise ApplicationError("Không có cấp trên để chuyển.", "There is no higher level.", field="recipient")
        _raise_decision(rules.check_obstacle_route(str(ob.asker_id), str(up.pk), selectors.chain_nodes(ob.asker)),
                        {"wrong_recipient": "recipient"})
        before = {"recipient": ob.recipient_id}
        ob.recipient, ob.recipient_path = up, up.path
        ob.save(update_fields=["recipient", "recipient_path"])
        audit_record(actor=actor, action="directives.obstacle.forward", target=ob, org_path=up.path,
                     before=before, after={"recipient": up.pk})
        return ob


# ---------------------------------------------------------------------------------------------
# Periodic reports (DI-8, DI-9)
# ---------------------------------------------------------------------------------------------


def report_template_create(*, actor: Any, owner_id: int, name: str, period_kind: str, sections: list[dict],
                           indicators: list[dict], reporting_types: Sequence[str] = (),
                           due_offset_days: int = 0) -> ReportTemplate:
    """DI-8: a template of text sections and indicators, each with its rollup rule (checked by the domain)."""
    if not name.strip():
        raise ApplicationError("Cần ghi tên mẫu báo cáo.", "The name is required.", field="name")
    if period_kind not in {k.value for k in rules.PeriodKind}:
        raise ApplicationError("Kỳ báo cáo không hợp lệ.", "Unknown period.", field="period_kind")
    with transaction.atomic():
        owner = _writable_org(actor, owner_id)
        t = ReportTemplate(owner=owner, owner_path=owner.path, name=name.strip(), period_kind=period_kind,
                           sections=sections, indicators=indicators, reporting_types=list(reporting_types),
                           due_offset_days=due_offset_days, created_by_id=getattr(actor, "pk", None))
        try:
            dom = selectors.domain_template(t)
        except (KeyError, ValueError, TypeError):
            raise ApplicationError("Mẫu báo cáo không đúng cấu trúc (DI-8).", "The template is malformed (DI-8).",
                                   field="indicators")
        _raise_decision(rules.check_template(dom), "indicators")
        try:
            with transaction.atomic():
                t.save()
        except IntegrityError:
            raise ApplicationError("Đã có mẫu báo cáo cùng tên và kỳ.", "A template with this name and period exists.",
                                   field="name")
        audit_record(actor=actor, action="directives.template.create", target=t, org_path=owner.path,
                     after={"name": t.name, "period_kind": t.period_kind, "indicators": [i["code"] for i in indicators]})
        return t


def _fill(report: PeriodicReport, org: Organization, *, today: date, overwrite: bool) -> None:
    """DI-8, DI-9: system figures for system indicators, children's sums for the summed ones, then the
    computed ones; ``sources`` says where each value came from and how many children a sum includes."""
    t = report.template
    dom = selectors.domain_template(t)
    period = selectors.period_of(report)
    system = rules.prefill_from_system(dom, selectors.system_figures(org=org, period=period))
    roll = selectors.report_rollup(template=t, org=org, year=report.year, index=report.index, today=today)
    values = dict(report.values)
    sources = dict(report.sources)
    for ind in dom.indicators:
        current = values.get(ind.code)
        if not overwrite and current is not None and sources.get(ind.code, {}).get("kind") == "manual":
            continue
        if ind.source is rules.IndicatorSource.SYSTEM and system.get(ind.code) is not None:
            values[ind.code] = system[ind.code]
            sources[ind.code] = {"kind": "system"}
        elif ind.rule is rules.RollupRule.SUM and roll.rollup.children_expected:
            rv = roll.rollup.values[ind.code]
            values[ind.code] = rv.value
            sources[ind.code] = {"kind": "rollup", "included": rv.included, "expected": rv.expected}
    for ind in dom.indicators:
        if ind.rule is rules.RollupRule.COMPUTED:
            sources[ind.code] = {"kind": "computed"}
    report.values, report.sources = rules.compute_indicators(dom, values), sources


def _domain_report(r: PeriodicReport) -> rules.PeriodicReport:
    return rules.PeriodicReport(str(r.organization_id), selectors.period_of(r), dict(r.values),
                                rules.ReportState(r.state), r.submitted_on)


def report_open(*, actor: Any, template_id: int, org_id: int, year: int, index: int, today: date) -> PeriodicReport:
    """DI-9: the organization's report of one period: created pre-filled on first opening."""
    t = selectors.template_get(actor=actor, template_id=template_id)
    try:
        period = rules.Period(rules.PeriodKind(t.period_kind), year, index)
    except ValueError:
        raise ApplicationError("Kỳ báo cáo không hợp lệ.", "The period is not valid.", field="index")
    with transaction.atomic():
        org = _writable_org(actor, org_id, lock=True)
        if not org.path.startswith(t.owner_path) or not selectors.template_applies_to(t, org):
            raise ApplicationError("Mẫu báo cáo này không áp dụng cho tổ chức.",
                                   "This template does not apply to the organization.", field="template")
        existing = PeriodicReport.objects.filter(template=t, organization=org, year=year, index=index).first()
        if existing is not None:
            return existing
        report = PeriodicReport(template=t, organization=org, org_path=org.path, year=year, index=index,
                                due_on=selectors.period_deadline(t, period).due_on)
        _fill(report, org, today=today, overwrite=True)
        report.save()
        ReportEvent.objects.create(report=report, action="create", on=today, actor_id=getattr(actor, "pk", None),
                                   actor_repr=str(actor))
        audit_record(actor=actor, action="directives.report.open", target=report, org_path=org.path,
                     target_repr=f"{t.name} {period.label_vi} – {org.name}",
                     after={"values": report.values, "due_on": report.due_on})
        return report


def _locked_report(actor: Any, report_id: int) -> PeriodicReport:
    r = PeriodicReport.objects.select_for_update().filter(pk=report_id).first()
    if r is None:
        raise NotFoundOrForbidden()
    _require_write(actor, r.org_path)
    return PeriodicReport.objects.select_related("template", "organization").get(pk=r.pk)


def report_save(*, actor: Any, report_id: int, values: dict[str, int | None], texts: dict[str, str],
                today: date) -> PeriodicReport:
    """DI-9: edit a draft (a submitted report is locked: the domain refuses)."""
    with transaction.atomic():
        r = _locked_report(actor, report_id)
        dom_t = selectors.domain_template(r.template)
        codes = {i.code for i in dom_t.indicators}
        manual = {c: v for c, v in values.items() if c in codes
                  and dom_t.indicator(c).rule is not rules.RollupRule.COMPUTED}
        try:
            updated = rules.report_update(_domain_report(r), manual)
        except rules.DirectiveRuleError as exc:
            raise StateConflict(f"{exc.vi} ({exc.rule_id})", f"{exc.en} ({exc.rule_id})")
        before = {"values": r.values, "texts": r.texts}
        sources = dict(r.sources)
        for c, v in manual.items():
            if r.values.get(c) != v:
                sources[c] = {"kind": "manual"}
        r.values = rules.compute_indicators(dom_t, dict(updated.values))
        r.sources = sources
        section_codes = {s.code for s in dom_t.sections}
        r.texts = {**r.texts, **{k: v.strip() for k, v in texts.items() if k in section_codes}}
        r.save(update_fields=["values", "texts", "sources", "updated_at"])
        b, a = changed(before, {"values": r.values, "texts": r.texts})
        audit_record(actor=actor, action="directives.report.save", target=r, org_path=r.org_path, before=b, after=a)
        return r


def report_refill(*, actor: Any, report_id: int, today: date, overwrite: bool = False) -> PeriodicReport:
    """DI-8, DI-9: take the system's figures and the children's sums again (hand-entered values are kept
    unless ``overwrite``)."""
    with transaction.atomic():
        r = _locked_report(actor, report_id)
        if r.state == ReportState.SUBMITTED:
            raise StateConflict("Báo cáo đã nộp bị khóa; cần mở lại trước khi sửa (DI-9).",
                                "A submitted report is locked; reopen it first (DI-9).")
        before = dict(r.values)
        _fill(r, r.organization, today=today, overwrite=overwrite)
        r.save(update_fields=["values", "sources", "updated_at"])
        b, a = changed(before, r.values)
        audit_record(actor=actor, action="directives.report.refill", target=r, org_path=r.org_path, before=b, after=a)
        return r


def report_submit(*, actor: Any, report_id: int, today: date) -> PeriodicReport:
    """DI-9: submit and lock."""
    with transaction.atomic():
        r = _locked_report(actor, report_id)
        try:
            done = rules.report_submit(_domain_report(r), today, str(actor))
        except rules.DirectiveRuleError as exc:
            raise StateConflict(f"{exc.vi} ({exc.rule_id})", f"{exc.en} ({exc.rule_id})")
        r.state, r.submitted_on, r.submitted_by_id = done.state.value, done.submitted_on, getattr(actor, "pk", None)
        r.save(update_fields=["state", "submitted_on", "submitted_by_id", "updated_at"])
        ReportEvent.objects.create(report=r, action="submit", on=today, actor_id=getattr(actor, "pk", None),
                                   actor_repr=str(actor))
        status = rules.report_status(done, r.due_on, today)
        audit_record(actor=actor, action="directives.report.submit", target=r, org_path=r.org_path,
                     before={"state": ReportState.DRAFT},
                     after={"state": r.state, "submitted_on": today, "status": status.status.value})
        return r


def report_reopen(*, actor: Any, report_id: int, reason: str, today: date) -> PeriodicReport:
    """DI-9: the level that received a report (write scope over the report's parent) reopens it; the
    reopening is recorded with who, when and why."""
    with transaction.atomic():
        r = PeriodicReport.objects.select_for_update().filter(pk=report_id).first()
        if r is None:
            raise NotFoundOrForbidden()
        r = PeriodicReport.objects.select_related("template", "organization").get(pk=r.pk)
        parent = r.organization.parent
        scope = scope_for(actor)
        if not scope.covers_path(r.org_path):
            raise NotFoundOrForbidden()
        if not ((parent is not None and scope.covers_path(parent.path, write=True)) or scope.operator):
            raise Forbidden("Chỉ cấp nhận báo cáo được mở lại báo cáo đã nộp (DI-9).",
                            "Only the level that received the report can reopen it (DI-9).")
        try:
            reopened = rules.report_reopen(_domain_report(r), today, str(actor), reason)
        except rules.DirectiveRuleError as exc:
            if exc.code == "reopen_reason":
                raise _rule_error(exc, "reason")
            raise StateConflict(f"{exc.vi} ({exc.rule_id})", f"{exc.en} ({exc.rule_id})")
        event = reopened.history[-1]
        r.state, r.submitted_on = reopened.state.value, None
        r.save(update_fields=["state", "submitted_on", "updated_at"])
        ReportEvent.objects.create(report=r, action="reopen", on=today, actor_id=getattr(actor, "pk", None),
                                   actor_repr=str(actor), reason=event.reason)
        audit_record(actor=actor, action="directives.report.reopen", target=r, org_path=r.org_path,
                     before={"state": ReportState.SUBMITTED}, after={"state": r.state, "reason": event.reason})
        return r


# ---------------------------------------------------------------------------------------------
# E-mail digest (DI-10)
# ---------------------------------------------------------------------------------------------


def digest_subscribe(*, actor: Any, active: bool, email: str = "") -> DigestSubscription:
    """DI-10: switch the optional e-mail digest on or off for oneself."""
    address = email.strip() or getattr(actor, "email", "")
    if active and not address:
        raise ApplicationError("Cần địa chỉ e-mail để nhận bản tin.", "An e-mail address is needed.", field="email")
    with transaction.atomic():
        sub, _ = DigestSubscription.objects.select_for_update().get_or_create(user=actor)
        before = {"active": sub.active, "email": sub.email}
        sub.active, sub.email = active, email.strip()
        sub.save(update_fields=["active", "email"])
        roots = selectors.read_roots(actor=actor)
        audit_record(actor=actor, action="directives.digest.subscribe", target=sub,
                     org_path=roots[0].path if roots else "", before=before,
                     after={"active": sub.active, "email": sub.email})
        return sub


def digest_send(*, today: date, connection: Any = None) -> int:
    """DI-10: e-mail each subscribed user the open items of their organizations (nothing when none is
    open). Returns the number of messages sent."""
    from django.core.mail import EmailMessage

    sent = 0
    for sub in DigestSubscription.objects.filter(active=True).select_related("user").order_by("pk"):
        user = sub.user
        if not user.is_active:
            continue
        roots = selectors.read_roots(actor=user)
        reminders = selectors.open_items(actor=user, today=today, orgs=roots)
        org_name = ", ".join(o.short_name or o.name for o in roots)
        digest = rules.reminder_digest(reminders, opted_in=True, org_name=org_name)
        address = sub.email or user.email
        if digest is None or not address:
            continue
        body = "\n".join([*digest.lines, "", "PartyOrg – Văn bản, chỉ đạo / Directives"])
        EmailMessage(digest.subject, body, settings.DEFAULT_FROM_EMAIL, [address], connection=connection).send()
        DigestSubscription.objects.filter(pk=sub.pk).update(last_sent_on=today)
        sent += 1
    return sent
