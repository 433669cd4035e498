"""Files of the directives area: the document register and the compliance table as XLSX, the compliance
table as PDF, the periodic report as DOCX (DI-11 layout, through ``partyorg.core.docs``) and its
indicator table as XLSX."""
from __future__ import annotations

import io
from collections.abc import Iterable
from datetime import date
from typing import Any

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from partyorg.core import docs
from partyorg.domain import directives as rules

from . import selectors
from .models import ROLLUP_LABELS, STATUS_LABELS, Document, PeriodicReport, Requirement

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF = "application/pdf"
PDF_ROW_LIMIT = 400  # the PDF lists at most this many organizations (WeasyPrint: ~20 ms a row); the XLSX has all


def file_response(data: bytes, filename: str, content_type: str) -> HttpResponse:
    resp = HttpResponse(data, content_type=content_type)
    resp["Content-Disposition"] = f'attachment; filename="{filename}"'
    resp["X-Content-Type-Options"] = "nosniff"
    return resp


def _sheet(wb: Workbook, title: str, headers: list[str]):
    ws = wb.create_sheet(title[:31])
    row = []
    for h in headers:
        c = WriteOnlyCell(ws, value=h)
        c.font = Font(bold=True)
        row.append(c)
    ws.append(row)
    return ws


def _save(wb: Workbook) -> bytes:
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


# ---------------------------------------------------------------------------------------------
# Document register (DI-1, DI-2)
# ---------------------------------------------------------------------------------------------


def register_xlsx(documents: list[Document], today: date) -> bytes:
    statuses = selectors.document_statuses(docs=documents, today=today)
    wb = Workbook(write_only=True)
    ws = _sheet(wb, "Sổ văn bản", ["STT", "Số, ký hiệu", "Loại", "Ngày ban hành", "Cơ quan ban hành", "Trích yếu",
                                   "Tình trạng", "Ngày hiệu lực", "Ngày hết hiệu lực"])
    for n, d in enumerate(documents, start=1):
        ws.append([n, d.number_symbol, d.get_doc_type_display(), d.issued_on, d.issuing_body, d.title,
                   str(STATUS_LABELS[statuses[d.pk].status]), d.effective_on, d.expires_on])
    return _save(wb)


# ---------------------------------------------------------------------------------------------
# Compliance (DI-6)
# ---------------------------------------------------------------------------------------------

COMPLIANCE_HEADERS = ["STT", "Tổ chức", "Mã", "Sản phẩm", "Số, ngày văn bản / hội nghị", "Ngày nộp", "Tình trạng",
                      "Số ngày muộn", "Số ngày quá hạn", "Lý do trả lại"]


def _compliance_row(n: int, row: selectors.AddresseeRow, deliverable: str) -> list[Any]:
    a, st = row.addressee, row.status
    return [n, a.organization.name, a.organization.code, deliverable, a.reference, a.submitted_on,
            st.label, st.days_late or None, st.days_overdue or None, st.return_reason]


def compliance_xlsx(view: selectors.ComplianceView, addressees: Iterable[Any], today: date) -> bytes:
    req = view.requirement
    wb = Workbook(write_only=True)
    ws = _sheet(wb, "Tổng hợp", ["Đơn vị", "Đã nộp", "Được giao", "Tỷ lệ %", "Nộp đúng hạn", "Nộp muộn",
                                 "Quá hạn", "Trả lại", "Chưa đến hạn"])
    for label, c in [(view.node.name + " (toàn bộ)", view.total), *[(r.org.name, r.counts) for r in view.children]]:
        ws.append([label, c.submitted, c.addressed, c.percent, c.n("submitted_on_time"), c.n("submitted_late"),
                   c.n("overdue"), c.n("returned"), c.n("pending")])
    ws2 = _sheet(wb, "Chi tiết", COMPLIANCE_HEADERS)
    deliverable = req.get_deliverable_display()
    for n, a in enumerate(addressees, start=1):
        ws2.append(_compliance_row(n, selectors.AddresseeRow(a, selectors.addressee_status(a, req.deadline, today)),
                                   deliverable))
    return _save(wb)


def compliance_pdf(view: selectors.ComplianceView, addressees: Iterable[Any], today: date) -> bytes:
    req: Requirement = view.requirement
    heading = docs.heading_for(view.node, None, today)
    title = rules.title_block("Danh sách", f"Tình hình thực hiện: {req.title}")
    c = view.total
    blocks: list[docs.Block] = [
        docs.Paragraph(f"Văn bản: {', '.join(d.number_symbol for d in req.documents.all())}. "
                       f"Sản phẩm phải nộp: {req.get_deliverable_display()}. Hạn nộp: {req.deadline:%d/%m/%Y}.",
                       indent=False),
        docs.Paragraph(f"Đã nộp {c.summary.label} tổ chức được giao ({c.percent}%): đúng hạn "
                       f"{c.n('submitted_on_time')}, muộn {c.n('submitted_late')}; quá hạn {c.n('overdue')}, "
                       f"trả lại {c.n('returned')}, chưa đến hạn {c.n('pending')}.", indent=False),
    ]
    if view.children:
        blocks.append(docs.Table(
            ["Đơn vị", "Đã nộp / được giao", "Tỷ lệ %", "Quá hạn"],
            [[r.org.name, r.counts.summary.label, r.counts.percent, r.counts.n("overdue")] for r in view.children],
            numeric=(1, 2, 3), caption="Tổng hợp theo đơn vị trực thuộc"))
    rows, more = [], 0
    for n, a in enumerate(addressees, start=1):
        if n > PDF_ROW_LIMIT:
            more += 1
            continue
        st = selectors.addressee_status(a, req.deadline, today)
        rows.append([n, a.organization.name, a.reference, a.submitted_on.strftime("%d/%m/%Y") if a.submitted_on else "",
                     st.label.split(" / ")[0], st.days_late or st.days_overdue or ""])
    blocks.append(docs.Table(["STT", "Tổ chức", "Số, ngày văn bản / hội nghị", "Ngày nộp", "Tình trạng",
                              "Số ngày muộn / quá hạn"], rows, numeric=(0, 5), caption="Chi tiết"))
    if more:
        blocks.append(docs.Paragraph(f"… và {more} tổ chức khác: xem tệp Excel.", italic=True, indent=False))
    return docs.party_pdf(heading, title, blocks, None, None, landscape=True)


# ---------------------------------------------------------------------------------------------
# Periodic reports (DI-8, DI-9, DI-11)
# ---------------------------------------------------------------------------------------------

_ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")


def source_label(report: PeriodicReport, code: str) -> str:
    src = report.sources.get(code) or {}
    kind = src.get("kind", "manual")
    if kind == "rollup":
        partial = " – chưa đủ" if src.get("included", 0) < src.get("expected", 0) else ""
        return f"Tổng hợp {src.get('included', 0)}/{src.get('expected', 0)} đơn vị{partial}"
    return {"system": "Số liệu hệ thống", "computed": "Tính toán", "manual": "Nhập tay"}.get(kind, kind)


def indicator_rows(report: PeriodicReport) -> list[tuple[rules.Indicator, int | None, str]]:
    dom = selectors.domain_template(report.template)
    return [(i, report.values.get(i.code), source_label(report, i.code)) for i in dom.indicators]


def _signer(org: Any) -> tuple[str, str, str]:
    """(on behalf of, title, name) for the signature block: the organization's current secretary."""
    from partyorg.members.models import Position, PositionTitle

    pos = (Position.objects.filter(organization=org, title=PositionTitle.SECRETARY, end_on__isnull=True)
           .select_related("member").order_by("-start_on").first())
    body = "Chi ủy" if org.is_cell else "Ban Thường vụ"
    return body, "Bí thư", pos.member.full_name if pos else "(ký, ghi rõ họ tên)"


def report_docx(report: PeriodicReport, today: date) -> bytes:
    """DI-11: the periodic report in the Party layout: heading, sections, indicator table, signature."""
    org = report.organization
    period = selectors.period_of(report)
    heading = docs.heading_for(org, None, report.submitted_on or today)
    title = rules.title_block(rules.DocumentType.REPORT, f"{report.template.name} {period.label_vi}")
    dom = selectors.domain_template(report.template)
    blocks: list[docs.Block] = []
    for n, sec in enumerate(dom.sections):
        blocks.append(docs.Heading(f"{_ROMAN[n % len(_ROMAN)]}. {sec.title_vi.upper()}"))
        text = (report.texts.get(sec.code) or "").strip()
        blocks.extend(docs.Paragraph(p) for p in text.splitlines() if p.strip())
        if not text:
            blocks.append(docs.Paragraph("(Không có nội dung)", italic=True))
    blocks.append(docs.Heading(f"{_ROMAN[len(dom.sections) % len(_ROMAN)]}. BẢNG CHỈ TIÊU"))
    blocks.append(docs.Table(["STT", "Chỉ tiêu", "Số liệu", "Nguồn"],
                             [[n, i.label_vi, v, src] for n, (i, v, src) in enumerate(indicator_rows(report), 1)],
                             numeric=(0, 2), widths_cm=(1.2, 8.3, 2.5, 4.5)))
    on_behalf, sign_title, name = _signer(org)
    recipients = [org.parent.name] if org.parent else []
    return docs.party_docx(heading, title, blocks, rules.signature_block(on_behalf, sign_title, name), recipients)


def report_xlsx(report: PeriodicReport, rollup: selectors.RollupView | None) -> bytes:
    """The indicator table, with the children's sums and how many children each one includes."""
    wb = Workbook(write_only=True)
    period = selectors.period_of(report)
    ws = _sheet(wb, "Chỉ tiêu", ["STT", "Mã", "Chỉ tiêu", "Cách tổng hợp", "Số liệu", "Nguồn",
                                 "Tổng hợp cấp dưới", "Số đơn vị đã tổng hợp", "Số đơn vị phải báo cáo", "Ghi chú"])
    for n, (ind, value, src) in enumerate(indicator_rows(report), start=1):
        rv = rollup.rollup.values.get(ind.code) if rollup else None
        note = "Tổng hợp chưa đủ (một phần)" if rv is not None and rv.partial else ""
        ws.append([n, ind.code, ind.label_vi, str(ROLLUP_LABELS[ind.rule]), value, src,
                   rv.value if rv else None, rv.included if rv else None, rv.expected if rv else None, note])
    ws2 = _sheet(wb, "Thông tin", ["Mục", "Nội dung"])
    for k, v in [("Tổ chức", report.organization.name), ("Mẫu báo cáo", report.template.name),
                 ("Kỳ", period.label_vi), ("Hạn nộp", report.due_on), ("Tình trạng", report.get_state_display()),
                 ("Ngày nộp", report.submitted_on)]:
        ws2.append([k, v])
    return _save(wb)
