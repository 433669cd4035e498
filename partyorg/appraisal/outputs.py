"""Files of the annual rating: decisions and re-rating decisions (Mẫu 03) as DOCX and PDF in the Party
document layout (DI-11: heading block, place and date line, title, signature, recipients), the list of
records (Mẫu 04) and the statistics as XLSX, and a DOCX summary table of the statistics.

DOCX: python-docx, Times New Roman 14 pt (tables 13 pt). PDF: WeasyPrint with DejaVu Sans, which covers
Vietnamese. Every file shows the rule set of the period, and the rule IDs and defaults applied.
"""
from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone
from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from partyorg.domain.directives import (
    DOCX_FONT,
    PartyHeading,
    party_heading,
    recipients_block,
    signature_block,
    title_block,
)
from partyorg.domain.rating import LEVELS_BEST_FIRST

from .models import (
    LEVEL_CODES,
    Exclusion,
    LevelChoice,
    RatingDecision,
    ReRatingDecision,
    State,
    SubjectTypeChoice,
)
from .selectors import RULE_SET_DOCS, StatsView

BODY_PT = 14
TABLE_PT = 13
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF = "application/pdf"

GROUNDS_VI = {
    "shortcomings": "phát hiện khuyết điểm, vi phạm",
    "unmet_conditions": "không đủ điều kiện, tiêu chuẩn của mức đã xếp loại",
    "dishonesty": "thiếu trung thực trong tự đánh giá, báo cáo",
    "reports": "có đơn thư, phản ánh được xác minh",
}


def issuing_body(org: Any) -> str:
    """The issuing body of a decision of an organization: its committee ("Đảng bộ xã X" -> "Đảng ủy xã X")."""
    name = " ".join(org.name.split())
    if name.lower().startswith("đảng bộ "):
        return "Đảng ủy " + name[len("Đảng bộ "):]
    return name


def _heading(org: Any, number: str | None, place: str, on) -> PartyHeading:
    superior = issuing_body(org.parent) if org.parent_id else None
    return party_heading(superior, issuing_body(org), number, place, on)


def level_label(value: str) -> str:
    return str(LevelChoice(value).label) if value else ""


def _trace_lines(rule_set: str, rules: Iterable[str], defaults: Iterable[dict[str, Any]]) -> list[str]:
    lines = [f"Bộ quy tắc: {rule_set} – {RULE_SET_DOCS.get(rule_set, '')}"]
    rules = sorted(set(rules), key=_rule_key)
    if rules:
        lines.append("Quy tắc đã áp dụng: " + ", ".join(rules))
    seen = []
    for d in defaults:
        text = f"{d['rule']} {d['name']} = {d['value']}"
        if text not in seen:
            seen.append(text)
    if seen:
        lines.append("Giá trị mặc định đã áp dụng: " + "; ".join(seen))
    return lines


def _rule_key(rule: str) -> tuple[str, int]:
    prefix, _, rest = rule.partition("-")
    digits = "".join(ch for ch in rest if ch.isdigit())
    return prefix, int(digits) if digits else 0


# ---------------------------------------------------------------------------------------------------
# Document content shared by DOCX and PDF


def decision_content(d: RatingDecision, versions: Sequence[Any]) -> dict[str, Any]:
    org = d.decider
    heading = _heading(org, d.number, d.place, d.signed_on)
    period = d.period_label
    year_text = f"năm {period}" if "-Q" not in period else f"quý {period[-1]} năm {period[:4]}"
    title = title_block("Quyết định", f"về việc công nhận kết quả đánh giá, xếp loại chất lượng tổ chức đảng, "
                                      f"đảng viên {year_text}")
    rows = []
    counts = dict.fromkeys([lv.value for lv in LEVELS_BEST_FIRST], 0)
    rules: set[str] = set(d.trace.get("rules", []))
    defaults: list[dict[str, Any]] = list(d.trace.get("defaults_applied", []))
    for i, v in enumerate(versions, start=1):
        r = v.rating
        counts[v.level] += 1
        notes = []
        if v.quota_cut:
            notes.append("theo tỷ lệ (AR-36)")
        if v.overridden:
            notes.append(f"khác mức đề xuất: {v.override_reason} (AR-30)")
        if v.class_status == "gap":
            notes.append("trường hợp chưa khớp khung (AR-29)")
        rules.update(v.classification.get("rules", []))
        defaults += v.classification.get("defaults_applied", [])
        score = "" if v.score_total_x10 is None else f"{v.score_total_x10 / 10:g}"
        rows.append([str(i), r.name, r.unit.name if r.member_id else str(SubjectTypeChoice(r.subject_type).label),
                     score, level_label(v.level), "; ".join(notes)])
    summary = ", ".join(f"{level_label(k)}: {n}" for k, n in counts.items() if n)
    body = [
        "Căn cứ Điều lệ Đảng Cộng sản Việt Nam;",
        f"Căn cứ {RULE_SET_DOCS.get(d.rule_set, d.rule_set)};",
        "Xét đề nghị của các tổ chức đảng trực thuộc và kết quả thẩm định của cơ quan tham mưu,",
        f"{issuing_body(org).upper()} QUYẾT ĐỊNH:",
    ]
    articles = [
        f"Điều 1. Công nhận kết quả đánh giá, xếp loại chất lượng {year_text} đối với {len(rows)} tập thể, cá "
        f"nhân có tên trong danh sách dưới đây ({summary}).",
        "Điều 2. Kết quả được thông báo đến tập thể, cá nhân được đánh giá và cơ quan, tổ chức quản lý, sử dụng "
        "(AR-59), lưu hồ sơ theo quy định.",
        "Điều 3. Các tổ chức đảng trực thuộc, các tập thể, cá nhân có tên tại Điều 1 chịu trách nhiệm thi hành "
        "quyết định này.",
    ]
    if d.exception_id:
        articles.insert(1, f"Tỷ lệ hoàn thành xuất sắc nhiệm vụ áp dụng {d.exception.pct}% theo Quyết định số "
                           f"{d.exception.number} (AR-34).")
    if d.late:
        articles.append("Ghi chú: quyết định ban hành sau thời hạn (AR-61).")
    signature = signature_block(d.on_behalf_of or issuing_body(org), d.signer_title, d.signer_name)
    recipients = recipients_block(["Như Điều 3", f"{issuing_body(org.parent)} (để báo cáo)" if org.parent_id
                                   else "Cấp ủy cấp trên (để báo cáo)"])
    return {"heading": heading, "title": title, "body": body, "articles": articles,
            "table_headers": ["STT", "Tên tập thể, cá nhân", "Nơi sinh hoạt / loại", "Điểm", "Mức xếp loại",
                              "Ghi chú"],
            "rows": rows, "signature": signature, "recipients": recipients,
            "trace": _trace_lines(d.rule_set, rules, defaults), "rule_set": d.rule_set}


def rerating_content(rr: ReRatingDecision) -> dict[str, Any]:
    r = rr.rating
    org = rr.decider
    heading = _heading(org, rr.number, rr.place, rr.signed_on)
    period = r.period_label
    title = title_block("Quyết định", f"về việc đánh giá, xếp loại lại chất lượng năm {period} đối với {r.name}")
    cancelled = rr.cancelled_versions.select_related("decision").first()
    source = ""
    if cancelled is not None and cancelled.decision is not None:
        source = f" tại Quyết định số {cancelled.decision.number} ngày {cancelled.decision.signed_on:%d/%m/%Y}"
    body = [
        "Căn cứ Điều lệ Đảng Cộng sản Việt Nam;",
        f"Căn cứ {RULE_SET_DOCS.get(r.rule_set, r.rule_set)};",
        f"Xét {GROUNDS_VI.get(rr.ground, rr.ground)}: {rr.reason},",
        f"{issuing_body(org).upper()} QUYẾT ĐỊNH:",
    ]
    articles = [
        f"Điều 1. Hủy kết quả xếp loại «{level_label(rr.old_level)}» năm {period} của {r.name} đã công nhận"
        f"{source} (phiên bản {cancelled.number if cancelled else ''}, giữ lại và đánh dấu đã hủy: AR-67).",
        f"Điều 2. Đánh giá, xếp loại lại {r.name}: «{level_label(rr.new_level)}».",
        "Điều 3. Các tổ chức, cá nhân liên quan chịu trách nhiệm thi hành quyết định này; tỷ lệ của nhóm đối "
        "tượng, tổ chức đảng cấp trên và số liệu thống kê đã báo cáo được rà soát lại (AR-68).",
    ]
    follow = [f"{f['kind']}: {f['target']}" + (f" ({f['detail']})" if f.get("detail") else "")
              for f in rr.follow_ups]
    signature = signature_block(issuing_body(org), rr.signer_title, rr.signer_name)
    recipients = recipients_block([r.name, r.unit.name])
    return {"heading": heading, "title": title, "body": body, "articles": articles, "table_headers": [],
            "rows": [], "signature": signature, "recipients": recipients, "follow_ups": follow,
            "trace": _trace_lines(r.rule_set, rr.trace.get("rules", []), rr.trace.get("defaults_applied", [])),
            "rule_set": r.rule_set, "form": "Mẫu 03"}


# ---------------------------------------------------------------------------------------------------
# DOCX


def _set_font(run, size: int, *, bold: bool = False, italic: bool = False, underline: bool = False) -> None:
    run.font.name = DOCX_FONT
    run.font.size = Pt(size)
    run.bold, run.italic, run.underline = bold, italic, underline
    rpr = run._element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), DOCX_FONT)


def _new_document():
    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = DOCX_FONT
    style.font.size = Pt(BODY_PT)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), DOCX_FONT)
    for section in doc.sections:
        section.page_height, section.page_width = Cm(29.7), Cm(21)
        section.left_margin, section.right_margin = Cm(3), Cm(2)
        section.top_margin, section.bottom_margin = Cm(2), Cm(2)
    return doc


def _para(container, text: str, *, size: int = BODY_PT, bold=False, italic=False, underline=False,
          align=None, space_after: int = 4):
    p = container.add_paragraph()
    if align is not None:
        p.alignment = align
    p.paragraph_format.space_after = Pt(space_after)
    _set_font(p.add_run(text), size, bold=bold, italic=italic, underline=underline)
    return p


def _docx_heading(doc, h: PartyHeading) -> None:
    table = doc.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    left, right = table.rows[0].cells
    for i, line in enumerate(h.left_lines):
        p = left.paragraphs[0] if i == 0 else left.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _set_font(p.add_run(line), BODY_PT, bold=line == h.issuing_body and h.issuing_body_bold)
    p = right.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _set_font(p.add_run(h.party_name), BODY_PT + 1, bold=h.party_name_bold, underline=h.party_name_underlined)
    p = right.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _set_font(p.add_run(h.place_date), BODY_PT, italic=h.place_date_italic)


def _docx_table(doc, headers: list[str], rows: list[list[str]]) -> None:
    table = doc.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        cell.paragraphs[0].text = ""
        _set_font(cell.paragraphs[0].add_run(text), TABLE_PT, bold=True)
    for row in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, row, strict=True):
            cell.paragraphs[0].text = ""
            _set_font(cell.paragraphs[0].add_run(str(text)), TABLE_PT)


def _docx_signature_and_recipients(doc, content: dict[str, Any]) -> None:
    table = doc.add_table(rows=1, cols=2)
    left, right = table.rows[0].cells
    for i, line in enumerate(content["recipients"]):
        p = left.paragraphs[0] if i == 0 else left.add_paragraph()
        _set_font(p.add_run(line), 12, bold=(i == 0), italic=(i == 0))
    lines = content["signature"].lines
    for i, line in enumerate(lines):
        if i == len(lines) - 1:  # room for the signature above the name
            right.add_paragraph()
            right.add_paragraph()
        p = right.paragraphs[0] if i == 0 else right.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _set_font(p.add_run(line), BODY_PT, bold=True)


def document_docx(content: dict[str, Any]) -> bytes:
    doc = _new_document()
    _docx_heading(doc, content["heading"])
    if content.get("form"):
        _para(doc, content["form"], size=12, italic=True, align=WD_ALIGN_PARAGRAPH.RIGHT)
    _para(doc, content["title"].type_line, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=0)
    _para(doc, content["title"].title_line, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=2)
    _para(doc, "-----", align=WD_ALIGN_PARAGRAPH.CENTER)
    for line in content["body"]:
        bold = line.endswith("QUYẾT ĐỊNH:")
        _para(doc, line if bold else f"- {line}", bold=bold,
              align=WD_ALIGN_PARAGRAPH.CENTER if bold else WD_ALIGN_PARAGRAPH.JUSTIFY)
    for line in content["articles"]:
        _para(doc, line, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    if content["rows"]:
        _docx_table(doc, content["table_headers"], content["rows"])
        _para(doc, "")
    _docx_signature_and_recipients(doc, content)
    _para(doc, "")
    for line in content.get("follow_ups", []):
        _para(doc, f"Việc cần rà soát lại (AR-68): {line}", size=11, italic=True)
    for line in content["trace"]:
        _para(doc, line, size=11, italic=True)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


# ---------------------------------------------------------------------------------------------------
# PDF


def document_pdf(content: dict[str, Any], *, template: str = "appraisal/pdf/document.html") -> bytes:
    from weasyprint import HTML

    html = render_to_string(template, content)
    return HTML(string=html).write_pdf()


# ---------------------------------------------------------------------------------------------------
# XLSX: Mẫu 04 and statistics


def _sheet_heading(ws, lines: list[str], width: int) -> int:
    for i, line in enumerate(lines, start=1):
        ws.cell(row=i, column=1, value=line).font = Font(name=DOCX_FONT, bold=(i <= 3), size=12)
        ws.merge_cells(start_row=i, start_column=1, end_row=i, end_column=width)
        ws.cell(row=i, column=1).alignment = Alignment(horizontal="center")
    return len(lines) + 2


def _header_row(ws, row: int, headers: list[str]) -> None:
    for col, h in enumerate(headers, start=1):
        c = ws.cell(row=row, column=col, value=h)
        c.font = Font(bold=True)
        c.alignment = Alignment(wrap_text=True, vertical="center")


def _widths(ws, widths: list[int]) -> None:
    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = w


RECORD_HEADERS = ["STT", "Tên tập thể, cá nhân", "Loại đối tượng", "Mẫu", "Nơi kiểm điểm", "Cấp quyết định",
                  "Trạng thái", "Điểm tự chấm", "Mức tự xếp loại", "Mức đề xuất", "Phiên bản", "Mức quyết định",
                  "Số quyết định", "Ngày quyết định", "Hiệu lực", "Không kiểm điểm (lý do)", "Cờ",
                  "Quy tắc áp dụng", "Mặc định áp dụng"]


def records_xlsx(org: Any, ref: Any, ratings, versions: dict[int, list[Any]], frames: dict[str, str]) -> bytes:
    """Mẫu 04: the list of review and rating records, one row per decided version (cancelled ones kept and
    marked), plus one row per subject not yet decided or not reviewed."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Mẫu 04"
    h = party_heading(issuing_body(org.parent) if org.parent_id else None, issuing_body(org), None,
                      "Nơi lập", timezone.localdate())
    rule_sets = sorted({r.rule_set for r in ratings})
    top = [*h.left_lines[:2], h.party_name,
           f"DANH MỤC HỒ SƠ KIỂM ĐIỂM, ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG {ref.label_vi.upper()} (MẪU 04)",
           f"Tổ chức: {org.name}. Bộ quy tắc: {', '.join(rule_sets) or '-'}"]
    row = _sheet_heading(ws, top, len(RECORD_HEADERS))
    _header_row(ws, row, RECORD_HEADERS)
    _widths(ws, [6, 32, 22, 6, 26, 26, 18, 10, 14, 14, 8, 14, 14, 12, 10, 20, 22, 40, 40])
    n = 0
    for r in ratings:
        vs = versions.get(r.pk, [])
        classification = r.classification or {}
        defaults = "; ".join(f"{d['rule']} {d['name']}={d['value']}" for d in classification.get(
            "defaults_applied", []))
        base = [r.name, str(SubjectTypeChoice(r.subject_type).label), frames.get(r.subject_type, ""), r.unit.name,
                r.decider.name, str(State(r.state).label),
                "" if r.score_total_x10 is None else r.score_total_x10 / 10, LEVEL_CODES.get(r.self_level, ""),
                LEVEL_CODES.get(r.proposed, "")]
        if r.excluded:
            n += 1
            ws.append([n, *base, "", "", "", "", "", str(Exclusion(r.excluded).label), "",
                       ", ".join(r.exclusion_trace.get("rules", [])), ""])
            continue
        if not vs:
            n += 1
            ws.append([n, *base, "", "", "", "", "", "", ", ".join(r.flags or []),
                       ", ".join(classification.get("rules", [])), defaults])
            continue
        for v in vs:
            n += 1
            number = v.decision.number if v.decision_id else (v.rerating.number if v.rerating_id else "")
            flags = [f for f, on in (("quota_cut", v.quota_cut), ("overridden", v.overridden)) if on]
            ws.append([n, *base, v.number, LEVEL_CODES.get(v.level, ""), number, v.decided_on,
                       "Đã hủy" if v.cancelled else "Hiệu lực", "", ", ".join(flags),
                       ", ".join(v.classification.get("rules", [])),
                       "; ".join(f"{d['rule']} {d['name']}={d['value']}"
                                 for d in v.classification.get("defaults_applied", []))])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _stats_row(label: str, s) -> list[Any]:
    levels = [s.levels[lv] for lv in LEVELS_BEST_FIRST]
    shares = [s.permille_of_reviewed.get(lv, 0) / 10 for lv in LEVELS_BEST_FIRST]
    nr = s.not_reviewed
    return [label, s.eligible, s.reviewed, nr["exempt"], nr["suspended"], nr["admitted_under_6_months"],
            nr["other"], *[x for pair in zip(levels, shares, strict=True) for x in pair], s.undecided, s.gaps,
            s.overrides, s.mitigations, s.quota_cuts, s.reratings]


STATS_HEADERS = ["Đối tượng / đơn vị", "Tổng số", "Được kiểm điểm", "Miễn sinh hoạt", "Đình chỉ sinh hoạt",
                 "Kết nạp dưới 6 tháng", "Khác", "HTXS", "% HTXS", "HTT", "% HTT", "HT", "% HT", "KHT", "% KHT",
                 "Chưa quyết định", "Chưa khớp khung (AR-29)", "Khác đề xuất (AR-30)", "Chờ xem xét tình tiết",
                 "Cắt theo tỷ lệ (AR-36)", "Đánh giá lại"]


def stats_xlsx(view: StatsView) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "Tổng hợp"
    row = _sheet_heading(ws, [
        f"THỐNG KÊ KẾT QUẢ ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG {view.ref.label_vi.upper()}",
        f"{view.org.name}. Bộ quy tắc: {', '.join(view.rule_sets) or '-'} (AR-69)"], len(STATS_HEADERS))
    _header_row(ws, row, STATS_HEADERS)
    _widths(ws, [34] + [11] * (len(STATS_HEADERS) - 1))
    for label, s in view.by_type:
        ws.append(_stats_row(label, s))
    ws.append(_stats_row("Tổng cộng", view.total))
    ws.append([])
    ws.append([f"Số đơn vị trực thuộc được tổng hợp: {view.total.children}; quyết định muộn (AR-61): {view.late}; "
               f"nhóm đối tượng: {view.groups_total}, vượt tỷ lệ: {view.groups_over}"])
    ws2 = wb.create_sheet("Theo đơn vị")
    _header_row(ws2, 1, STATS_HEADERS)
    _widths(ws2, [34] + [11] * (len(STATS_HEADERS) - 1))
    if view.own_unit is not None:
        ws2.append(_stats_row(f"{view.org.name} (trực tiếp)", view.own_unit))
    for child, s in view.by_child:
        ws2.append(_stats_row(child.name, s))
    ws3 = wb.create_sheet("Tỷ lệ theo nhóm")
    _header_row(ws3, 1, ["Nhóm đối tượng", "HTXS", "HTT", "Tỷ lệ tối đa", "Quyết định ngoại lệ (AR-34)",
                         "Trong tỷ lệ (AR-33)"])
    _widths(ws3, [60, 10, 10, 12, 24, 14])
    for g in view.groups:
        ws3.append([g.label, g.htxs, g.htt, g.ratio_text, g.exception or "", "Có" if g.within else "VƯỢT"])
    ws4 = wb.create_sheet("Báo cáo đã gửi")
    _header_row(ws4, 1, ["Thời điểm gửi", "Tình trạng", "Ghi chú điều chỉnh"])
    for rep in view.reports:
        ws4.append([timezone.localtime(rep.sent_at).strftime("%d/%m/%Y %H:%M"),
                    "Đã được điều chỉnh (AR-68)" if rep.superseded_at else "Hiệu lực", rep.superseded_note])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def stats_docx(view: StatsView, *, place: str = "") -> bytes:
    """A summary table of the statistics as a Party report (DI-11 layout, no number)."""
    org = view.org
    heading = _heading(org, None, place or "Nơi lập", timezone.localdate())
    content = {
        "heading": heading,
        "title": title_block("Báo cáo", f"tổng hợp kết quả đánh giá, xếp loại chất lượng {view.ref.label_vi}"),
        "body": [], "articles": [
            f"Tổng số đối tượng: {view.total.eligible}; được kiểm điểm: {view.total.reviewed}; không kiểm điểm: "
            f"{view.total.eligible - view.total.reviewed}; chưa có quyết định: {view.total.undecided}; đánh giá "
            f"lại: {view.total.reratings}. Nhóm đối tượng: {view.groups_total}, vượt tỷ lệ (AR-33): "
            f"{view.groups_over}."],
        "table_headers": ["Đối tượng", "Tổng số", "Kiểm điểm", "HTXS", "HTT", "HT", "KHT", "Chưa QĐ"],
        "rows": [[label, str(s.eligible), str(s.reviewed), *[
            f"{s.levels[lv]} ({s.permille_of_reviewed.get(lv, 0) / 10:g}%)" for lv in LEVELS_BEST_FIRST],
            str(s.undecided)] for label, s in [*view.by_type, ("Tổng cộng", view.total)]],
        "signature": signature_block(issuing_body(org), "Người lập biểu", "(ký, ghi rõ họ tên)"),
        "recipients": recipients_block([f"{issuing_body(org.parent)} (để báo cáo)" if org.parent_id
                                        else "Lưu hồ sơ"]),
        "trace": [f"Bộ quy tắc: {', '.join(view.rule_sets) or '-'}",
                  "Quy tắc: AR-69 (thống kê), AR-33 (tỷ lệ), AR-61 (thời hạn)"],
    }
    return document_docx(content)

