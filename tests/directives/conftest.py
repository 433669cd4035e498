"""Helpers for the directives tests: documents, requirements and files built through the services."""
from __future__ import annotations

import io
from datetime import date

import pytest

from partyorg.directives import services as s

PDF = b"%PDF-1.4\n% test\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
TODAY = date(2026, 3, 20)


def docx_bytes(text: str = "Kế hoạch") -> bytes:
    from docx import Document

    d = Document()
    d.add_paragraph(text)
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def register(actor, owner, symbol: str, *, title: str = "Quy định về kiểm điểm, đánh giá", body: str = "",
             issued_on: date = date(2023, 10, 4), doc_type: str = ""):
    return s.document_register(actor=actor, owner_id=owner.pk, data=s.DocumentInput(
        number_symbol=symbol, issued_on=issued_on, title=title, issuing_body=body, doc_type=doc_type))


def issue(actor, issuer, docs, *, chosen=(), levels=(), org_types=(), deadline=date(2026, 2, 28),
          deliverable="implementation_plan", title="Xây dựng kế hoạch thực hiện"):
    return s.requirement_issue(actor=actor, issuer_id=issuer.pk, data=s.RequirementInput(
        title=title, document_ids=tuple(d.pk for d in docs), deliverable=deliverable, issued_on=date(2026, 1, 10),
        deadline=deadline, levels=tuple(levels), org_types=tuple(org_types), chosen_ids=tuple(o.pk for o in chosen)))


def submit(actor, req, org, on: date, *, number="162-KH/TU", today=TODAY, files=()):
    return s.requirement_submit(actor=actor, requirement_id=req.pk, org_id=org.pk, today=today, files=files,
                                data=s.SubmissionInput(submitted_on=on, document_number=number, document_date=on))


@pytest.fixture
def central_doc(world):
    return register(world.users["operator"], world.root, "124-QĐ/TW", doc_type="regulation",
                    body="Bộ Chính trị")
