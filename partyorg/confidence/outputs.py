"""Files of a confidence rating conference: the printable ballot (PDF), the counting minutes (biên bản
kiểm phiếu, DOCX and PDF), the report to the managing authority (DOCX and PDF) and the result table (XLSX).

Minutes and reports use the Party document layout of :mod:`partyorg.core.docs` (DI-11). Every file names
the rule set and prints the rule IDs and the defaults applied (CV-1); the minutes also print the SHA-256
of the frozen ballot set. Percentages are the stored exact values printed with the conference's decimals
(CV-32); nothing here recomputes a band.
"""
from __future__ import annotations

import contextlib
import io
from collections.abc import Sequence
from datetime import date
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone

from partyorg.core import docs
from partyorg.domain import confidence as cv
from partyorg.domain.directives import DocumentType, signature_block, title_block

from . import selectors
from .models import Conference, ConsequenceCase, Subject

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

RESULT_HEADERS = ["STT", "Họ và tên", "Chức vụ", "Phiếu phát ra", "Thu về", "Hợp lệ", "Không hợp lệ",
                  "Cao", "% cao", "Tín nhiệm", "% tín nhiệm", "Thấp", "% thấp", "Mức", "Xử lý theo quy định"]
MINUTES_WIDTHS = (1.0, 4.4, 3.6, 1.4, 1.2, 1.2, 1.5, 1.1, 1.5, 1.4, 1.5, 1.1, 1.5, 2.3)


def _vn_date(d: date | None) -> str:
    return d.strftime("%d/%m/%Y") if d else ""


def _decimals(conf: Conference) -> int:
    return selectors.conference_settings(conf).percent_decimals


def consequence_text(codes: Sequence[str]) -> str:
    out = []
    for c in codes:
        try:
            out.append(cv.Consequence(c).label_vi)
        except ValueError:
            out.append(c)
    return "; ".join(out)


def result_rows(conf: Conference, rows: Sequence[Subject]) -> list[list[Any]]:
    d = _decimals(conf)
    out = []
    for i, s in enumerate(rows, start=1):
        out.append([i, s.full_name, s.position_text, conf.issued, conf.collected, s.valid, s.invalid,
                    s.high, selectors.pct_text(s.high_pct, d), s.medium, selectors.pct_text(s.medium_pct, d),
                    s.low, selectors.pct_text(s.low_pct, d), selectors.BAND_SHORT.get(s.band, ""),
                    consequence_text(s.consequences)])
    return out


def trace_lines(conf: Conference) -> list[str]:
    """CV-1: rule set, rules applied and the defaults (with the ones a deployment changed)."""
    lines = [f"Bộ quy tắc: {conf.rule_set} – {selectors.rule_set_label(conf.rule_set)}"
             + (" (chọn trực tiếp)" if conf.rule_set_explicit else " (theo ngày lấy phiếu)")]
    rules = cv.merge_rules(conf.rule_set_rules, conf.result_rules)
    if rules:
        lines.append("Quy tắc đã áp dụng: " + ", ".join(rules))
    applied = selectors.defaults_applied(conf)
    if applied:
        parts = [f"{d['point']} {d['parameter']}={d['value']}" + ("" if d["standard"] else " (đã thay đổi)")
                 for d in applied]
        lines.append("Giá trị mặc định đã áp dụng: " + "; ".join(parts))
    return lines


# ---------------------------------------------------------------------------------------------------
# Ballot (QD96 Appendix 4 shape): PDF


def ballot_html(conf: Conference, *, copies: int = 1) -> str:
    rows = [{"no": i, "name": it["label"], "position": it["detail"]}
            for i, it in enumerate(conf.box.items if conf.box else
                                   [{"label": s.full_name, "detail": s.position_text}
                                    for s in selectors.ballot_subjects(conf)], start=1)]
    parent = conf.organization.parent
    return render_to_string("confidence/pdf/ballot.html", {
        "conf": conf, "rows": rows, "copies": range(max(1, min(copies, 500))),
        "superior": parent.name if parent else "", "rule_set_label": selectors.rule_set_label(conf.rule_set),
        "font": docs.PDF_FONT})


def ballot_pdf(conf: Conference, *, copies: int = 1) -> bytes:
    from weasyprint import HTML

    return HTML(string=ballot_html(conf, copies=copies)).write_pdf()


# ---------------------------------------------------------------------------------------------------
# Counting minutes and the report to the managing authority (DI-11 layout)


def _heading(conf: Conference, number: str | None, on: date):
    if number:
        with contextlib.suppress(ValueError):  # a number that is not a Party number symbol is left out
            return docs.heading_for(conf.organization, number, on)
    return docs.heading_for(conf.organization, None, on)


def _exempt_table(conf: Conference) -> docs.Table | None:
    rows = []
    for s in Subject.objects.filter(conference=conf).filter(exempt=True, removed=False).order_by("order", "id"):
        reasons = "; ".join(cv.ExemptionReason(r).label_vi for r in s.exemption_reasons)
        rows.append([len(rows) + 1, s.full_name, s.position_text, reasons, ", ".join(s.exemption_rules)])
    if not rows:
        return None
    return docs.Table(["STT", "Họ và tên", "Chức vụ", "Lý do không lấy phiếu", "Quy tắc"], rows,
                      caption="Người không lấy phiếu (miễn theo quy định)")


def minutes_blocks(conf: Conference) -> list[docs.Block]:
    on = conf.counted_on or conf.vote_date
    committee = conf.minutes_signatories or []
    q = conf.quorum or {}
    rows = selectors.ballot_subjects(conf)
    blocks: list[docs.Block] = [
        docs.Paragraph(f"Hôm nay, ngày {on.day:02d} tháng {on.month:02d} năm {on.year}, tại "
                       f"{conf.place or conf.organization.name}, Ban kiểm phiếu hội nghị lấy phiếu tín nhiệm của "
                       f"{conf.voting_body} tiến hành kiểm phiếu và lập biên bản như sau."),
        docs.Heading("I. THÀNH PHẦN"),
        docs.Paragraph(f"Số người được triệu tập: {conf.convened}; số người có mặt: {conf.present} "
                       f"(cần tối thiểu {q.get('required', '')} người, CV-17"
                       f"{'; chỉ ghi nhận theo CV-18' if q.get('mode') == 'record_only' else ''})."),
        docs.Paragraph("Ban kiểm phiếu: " + "; ".join(
            f"{m['full_name']} ({'Trưởng ban' if m['head'] else 'Thành viên'})" for m in committee) + "."),
        docs.Heading("II. KẾT QUẢ KIỂM PHIẾU"),
        docs.Paragraph(f"Số phiếu phát ra: {conf.issued}; số phiếu thu về: {conf.collected}; số phiếu hợp lệ: "
                       f"{(conf.collected or 0) - (conf.whole_ballot_invalid or 0)}; số phiếu không hợp lệ "
                       f"(cả phiếu): {conf.whole_ballot_invalid}."),
        docs.Paragraph("Tỷ lệ phần trăm tính trên tổng số phiếu thu về (CV-27), làm tròn nửa lên "
                       f"{_decimals(conf)} chữ số thập phân (CV-32)."),
        docs.Table(RESULT_HEADERS[:-1], [r[:-1] for r in result_rows(conf, rows)],
                   numeric=(0, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12), caption="Kết quả đối với từng người",
                   widths_cm=MINUTES_WIDTHS),
    ]
    exempt = _exempt_table(conf)
    if exempt is not None:
        blocks.append(exempt)
    blocks += [
        docs.Heading("III. NIÊM PHONG PHIẾU"),
        docs.Paragraph(f"Toàn bộ {conf.collected} phiếu (điện tử và phiếu giấy đã nhập hai lần) đã được khóa và niêm "
                       f"phong. Mã băm SHA-256 của tập phiếu đã niêm phong: {conf.frozen_hash}."),
        docs.Heading("IV. CĂN CỨ ÁP DỤNG"),
        *[docs.Paragraph(line, indent=False, align="left") for line in trace_lines(conf)],
    ]
    if committee:
        blocks.append(docs.Table(["STT", "Họ và tên", "Nhiệm vụ", "Chữ ký"],
                                 [[i, m["full_name"], "Trưởng ban" if m["head"] else "Thành viên", ""]
                                  for i, m in enumerate(committee, start=1)],
                                 caption="Các thành viên Ban kiểm phiếu ký tên", numeric=(0,)))
    return blocks


def _minutes_parts(conf: Conference):
    on = conf.counted_on or conf.vote_date
    head = next((m for m in conf.minutes_signatories or [] if m["head"]), None)
    signature = signature_block("Ban kiểm phiếu", "Trưởng ban", head["full_name"]) if head else None
    title = title_block(DocumentType.MINUTES, "Kiểm phiếu lấy phiếu tín nhiệm đối với cán bộ giữ chức vụ lãnh đạo,"
                        f" quản lý – {conf.voting_body}")
    return _heading(conf, None, on), title, minutes_blocks(conf), signature


def minutes_docx(conf: Conference) -> bytes:
    heading, title, blocks, signature = _minutes_parts(conf)
    return docs.party_docx(heading, title, blocks, signature, landscape=True, font_size=13)


def minutes_pdf(conf: Conference) -> bytes:
    heading, title, blocks, signature = _minutes_parts(conf)
    return docs.party_pdf(heading, title, blocks, signature, landscape=True)


def _case_rows(conf: Conference) -> list[list[Any]]:
    from .models import CaseState

    cases = ConsequenceCase.objects.filter(subjects__conference=conf).distinct().order_by("full_name", "id")
    out = []
    for i, c in enumerate(cases, start=1):
        out.append([i, c.full_name, selectors.BAND_SHORT.get(c.level, "Chờ xác định mức (CV-38)"),
                    consequence_text(c.consequences), str(CaseState(c.state).label), _vn_date(c.due_on),
                    c.authority.name if c.authority else ""])
    return out


def report_blocks(conf: Conference) -> list[docs.Block]:
    rows = selectors.ballot_subjects(conf)
    policy = cv.publication_policy(cv.RuleSet(conf.rule_set), selectors.conference_settings(conf))
    use = cv.result_use(cv.RuleSet(conf.rule_set))
    blocks: list[docs.Block] = [
        docs.Paragraph(f"Thực hiện {selectors.rule_set_label(conf.rule_set)}, ngày {_vn_date(conf.vote_date)}, "
                       f"{conf.voting_body} đã tiến hành lấy phiếu tín nhiệm đối với {len(rows)} đồng chí giữ chức "
                       f"vụ lãnh đạo, quản lý. {conf.organization.name} báo cáo kết quả như sau."),
        docs.Heading("I. KẾT QUẢ LẤY PHIẾU"),
        docs.Paragraph(f"Triệu tập {conf.convened}, có mặt {conf.present}; phiếu phát ra {conf.issued}, thu về "
                       f"{conf.collected}, không hợp lệ cả phiếu {conf.whole_ballot_invalid}."),
        docs.Table(RESULT_HEADERS, result_rows(conf, rows), numeric=(0, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12)),
        docs.Paragraph("Kết quả là căn cứ để đánh giá cán bộ, quy hoạch, điều động, bổ nhiệm, giới thiệu ứng cử, "
                       "miễn nhiệm và thực hiện chế độ, chính sách (CV-35)." if use.basis_for_decisions else
                       "Kết quả là kênh thông tin tham khảo trong đánh giá cán bộ (CV-35, QĐ 262)."),
        docs.Heading("II. CÁC TRƯỜNG HỢP PHẢI XEM XÉT, XỬ LÝ (CV-44)"),
    ]
    cases = _case_rows(conf)
    if cases:
        blocks.append(docs.Table(["STT", "Họ và tên", "Mức", "Việc phải làm", "Tình trạng", "Nhắc hạn",
                                  "Cấp có thẩm quyền"], cases, numeric=(0,)))
    else:
        blocks.append(docs.Paragraph("Không có trường hợp nào phải xem xét, xử lý."))
    blocks += [
        docs.Heading("III. THÔNG BÁO VÀ CÔNG KHAI (CV-46)"),
        docs.Paragraph("Người được lấy phiếu nhận kết quả của mình"
                       + (f" ngày {_vn_date(conf.informed_on)}" if conf.informed_on else "")
                       + "; kết quả được thông báo tại hội nghị"
                       + ("; kết quả được công khai." if policy.public or conf.publication == "public"
                          else "; không công khai rộng rãi.")),
        docs.Heading("IV. CĂN CỨ ÁP DỤNG"),
        *[docs.Paragraph(line, indent=False, align="left") for line in trace_lines(conf)],
        docs.Paragraph(f"Mã băm SHA-256 của tập phiếu đã niêm phong: {conf.frozen_hash}.", indent=False, align="left"),
    ]
    return blocks


def _report_parts(conf: Conference):
    on = conf.report_date or conf.counted_on or timezone.localdate()
    title = title_block(DocumentType.REPORT, f"Kết quả lấy phiếu tín nhiệm năm {conf.vote_date.year}")
    signature = signature_block("Ban Thường vụ", "Bí thư", "…………………………")
    recipients = [conf.report_recipient] if conf.report_recipient else None
    return _heading(conf, conf.report_number or None, on), title, report_blocks(conf), signature, recipients


def report_docx(conf: Conference) -> bytes:
    heading, title, blocks, signature, recipients = _report_parts(conf)
    return docs.party_docx(heading, title, blocks, signature, recipients, landscape=True, font_size=13)


def report_pdf(conf: Conference) -> bytes:
    heading, title, blocks, signature, recipients = _report_parts(conf)
    return docs.party_pdf(heading, title, blocks, signature, recipients, landscape=True)


# ---------------------------------------------------------------------------------------------------
# Result table: XLSX


def results_xlsx(conf: Conference, rows: Sequence[Subject]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    ws.title = "Kết quả"
    ws.append([conf.title])
    ws.append([f"{conf.organization.name} – ngày lấy phiếu {_vn_date(conf.vote_date)}"])
    ws.append([f"Bộ quy tắc: {conf.rule_set} – {selectors.rule_set_label(conf.rule_set)}"])
    ws.append([])
    ws.append(RESULT_HEADERS)
    for cell in ws[5]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    fmt = "0." + "0" * _decimals(conf) if _decimals(conf) else "0"
    for i, s in enumerate(rows, start=1):
        ws.append([i, s.full_name, s.position_text, conf.issued, conf.collected, s.valid, s.invalid, s.high,
                   s.high_pct, s.medium, s.medium_pct, s.low, s.low_pct, selectors.BAND_SHORT.get(s.band, ""),
                   consequence_text(s.consequences)])
        for col in (9, 11, 13):
            ws.cell(row=ws.max_row, column=col).number_format = fmt
    widths = [5, 24, 28, 10, 8, 8, 10, 7, 8, 9, 10, 7, 8, 18, 50]
    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = w
    ws.freeze_panes = "C6"
    meta = wb.create_sheet("Căn cứ")
    meta.append(["Mục", "Giá trị"])
    meta.append(["Bộ quy tắc", f"{conf.rule_set} – {selectors.rule_set_label(conf.rule_set)}"])
    meta.append(["Quy tắc đã áp dụng", ", ".join(cv.merge_rules(conf.rule_set_rules, conf.result_rules))])
    meta.append(["Triệu tập / có mặt", f"{conf.convened} / {conf.present}"])
    meta.append(["Phát ra / thu về / không hợp lệ cả phiếu",
                 f"{conf.issued} / {conf.collected} / {conf.whole_ballot_invalid}"])
    meta.append(["SHA-256 tập phiếu", conf.frozen_hash])
    meta.append([])
    meta.append(["Điểm", "Tham số", "Giá trị", "Mặc định của đặc tả"])
    for d in selectors.defaults_applied(conf):
        meta.append([d["point"], d["parameter"], d["value"], "có" if d["standard"] else "không (đã thay đổi)"])
    meta.column_dimensions["A"].width = 36
    meta.column_dimensions["B"].width = 40
    meta.column_dimensions["C"].width = 40
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
