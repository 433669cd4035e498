"""Files of the elections area: the printable ballot (PDF, EL-26..EL-28), the counting minutes of a round
and the election minutes of an item (DOCX/PDF in the Party layout DI-11 through ``partyorg.core.docs``,
EL-44..EL-46, spec §7) and the results of a congress (XLSX).

Every figure comes from what the round stored when it was counted by the domain; the minutes print the
rule set and the defaults applied (EL-1) and the rule IDs of the decision.
"""
from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date
from html import escape
from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_noop
from openpyxl import Workbook
from openpyxl.styles import Font

from partyorg.core import docs
from partyorg.domain import elections as el
from partyorg.domain.directives import party_heading, signature_block, title_block, vietnamese_date
from partyorg.organizations.models import Organization, OrgType

from . import selectors
from .models import DEDUCTION_LABELS, BodyKind, Congress, ElectionItem, Round, RoundState

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF = "application/pdf"

RULE_SET_NAMES = {
    el.RuleSet.QC244_2014.value: "Quy chế bầu cử trong Đảng ban hành kèm theo Quyết định số 244-QĐ/TW ngày 09/6/2014",
    el.RuleSet.QC190_2024.value: "Quy chế bầu cử trong Đảng ban hành kèm theo Quyết định số 190-QĐ/TW ngày 10/10/2024",
}
INVALID_REASONS = {
    "not_issued_by_committee": gettext_noop("Không phải phiếu do Ban Kiểm phiếu phát ra"),
    "written_in_name": gettext_noop("Ghi thêm tên người ngoài danh sách"),
    "identifying_mark": gettext_noop("Có chữ ký hoặc dấu hiệu riêng"),
    "more_kept_than_seats": gettext_noop("Bầu thừa số lượng cần bầu"),
    "all_struck": gettext_noop("Gạch hết tên trong danh sách"),
    "partial_strike_ruled_invalid": gettext_noop("Gạch một phần tên, Ban Kiểm phiếu kết luận không hợp lệ"),
    "one_person_box_count": gettext_noop("Bầu một người: đánh cả hai ô hoặc không đánh ô nào"),
}
NEXT_STEPS = {
    el.NextStep.DONE.value: gettext_noop("Đã bầu đủ số lượng."),
    el.NextStep.TIE_REVOTE.value: gettext_noop("Có người bằng phiếu ở vị trí cuối: bầu lại giữa những người bằng phiếu (EL-40)."),
    el.NextStep.FURTHER_ROUND.value: gettext_noop("Chưa bầu đủ số lượng: đại hội quyết định có bầu tiếp hay không (EL-41, EL-42)."),
    el.NextStep.RERUN_VOTE.value: gettext_noop("Không thu được phiếu: tổ chức bỏ phiếu lại (EL-45)."),
}


def file_response(data: bytes, filename: str, content_type: str) -> HttpResponse:
    resp = HttpResponse(data, content_type=content_type)
    resp["Content-Disposition"] = f'attachment; filename="{filename}"'
    resp["X-Content-Type-Options"] = "nosniff"
    return resp


def _pct(text: str) -> str:
    return text.replace(".", ",")


def _upper(text: str) -> str:
    return " ".join(text.split()).upper()


def _place(org: Organization) -> str:
    place_of = getattr(docs, "place_of", None)
    if place_of is not None:
        return place_of(org)
    return (org.address or "").split(",")[0].strip() or org.name


def _heading(congress: Congress, on: date) -> Any:
    org = congress.organization
    parent = org.parent
    return party_heading(parent.name if parent is not None else None, org.name, None, _place(org), on)


def stamp_owner(org: Organization) -> Organization:
    """Whose stamp goes on the ballot (EL-28): the convening committee; a cell (or a partial committee)
    under a grassroots committee uses that committee's stamp."""
    node = org
    while node.org_type in (OrgType.CELL, OrgType.PARTIAL_COMMITTEE) and node.parent is not None:
        node = node.parent
    return node


def _rule_set_line(congress: Congress) -> str:
    rs = el.RuleSet(congress.rule_set)
    valid, results = (el.article(rs, t).replace("Art.", "Điều") for t in ("valid_ballots", "results"))
    return f"Quy chế áp dụng: {RULE_SET_NAMES[rs.value]} ({rs.value}; phiếu hợp lệ: {valid}, kết quả bầu cử: {results})."


def _defaults_line(defaults: dict[str, str]) -> str:
    return "; ".join(f"{k} = {v}" for k, v in defaults.items())


# ---------------------------------------------------------------------------------------------
# Ballot (EL-26..EL-28)


_BALLOT_CSS = """
@page { size: A5 portrait; margin: 12mm 12mm 14mm 14mm; }
body { font-family: "%(font)s", sans-serif; font-size: 10.5pt; color: #000; }
table.head { width: 100%%; border-collapse: collapse; }
table.head td { vertical-align: top; text-align: center; border: 0; }
.stamp { width: 30mm; height: 30mm; border: 1pt dashed #555; border-radius: 50%%; margin: 0 auto; font-size: 7pt;
         color: #555; display: flex; align-items: center; justify-content: center; padding: 3mm; }
.party { font-weight: bold; text-decoration: underline; }
h1 { font-size: 14pt; text-align: center; margin: 8mm 0 1mm; }
.congress { text-align: center; font-weight: bold; margin: 0; }
.sub { text-align: center; font-style: italic; margin: 1mm 0 3mm; }
.instruction { font-style: italic; margin: 2mm 0; }
table.names { width: 100%%; border-collapse: collapse; }
table.names th, table.names td { border: 0.7pt solid #000; padding: 2.2mm 2mm; }
table.names td.no { width: 10mm; text-align: center; }
table.names td.box { width: 20mm; }
.foot { font-size: 7.5pt; color: #444; margin-top: 4mm; }
"""


def ballot_html(rnd: Round) -> str:
    item, congress = rnd.item, rnd.item.congress
    candidates = selectors.ballot_rows(rnd)
    layout = el.ballot_layout(rnd.seats, [selectors.domain_candidate(c) for c in candidates],
                              body=_upper(item.title), term=f"NHIỆM KỲ {congress.term_label}")
    e = escape
    stamp = stamp_owner(congress.organization)
    parts = ['<table class="head"><tr>',
             f'<td style="width:45%"><div class="stamp">Dấu của {e(stamp.name)}</div></td>',
             f'<td><div class="party">{e("ĐẢNG CỘNG SẢN VIỆT NAM")}</div></td></tr></table>',
             f'<p class="congress">{e(_upper(congress.title))}</p>',
             f"<h1>{e(layout.title)}</h1>"]
    if rnd.kind == el.RoundKind.TIE_REVOTE.value:
        parts.append(f'<p class="sub">Bầu lại giữa những người bằng phiếu – {rnd.seats} người</p>')
    elif rnd.kind == el.RoundKind.FURTHER.value:
        parts.append(f'<p class="sub">Bầu tiếp (lần {rnd.number}) – {rnd.seats} người</p>')
    parts.append(f'<p class="sub">Số lượng cần bầu: {rnd.seats} · Danh sách: {len(candidates)} người</p>')
    parts.append(f'<p class="instruction">{e(layout.instruction.split(" / ")[0])}.</p>')
    parts.append('<table class="names"><thead><tr>')
    parts.extend(f"<th>{e(col)}</th>" for col in layout.columns)
    parts.append("</tr></thead><tbody>")
    for number, name in layout.rows:
        parts.append(f'<tr><td class="no">{number}</td><td>{e(name)}</td>')
        if layout.form is el.BallotForm.YES_NO:
            parts.append('<td class="box"></td><td class="box"></td>')
        parts.append("</tr>")
    parts.append("</tbody></table>")
    parts.append(f'<p class="foot">{e(_rule_set_line(congress))} ({", ".join(layout.rules)})</p>')
    css = _BALLOT_CSS % {"font": docs.PDF_FONT}
    return (f'<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>{e(layout.title)}</title>'
            f"<style>{css}</style></head><body>{''.join(parts)}</body></html>")


def ballot_pdf(rnd: Round) -> bytes:
    from weasyprint import HTML

    return HTML(string=ballot_html(rnd)).write_pdf()


# ---------------------------------------------------------------------------------------------
# Counting minutes of a round (EL-44..EL-46)


def _roll_blocks(rnd: Round) -> list[docs.Block]:
    comp = rnd.roll_components or {}
    deductions = comp.get("deductions", {})
    lines = [f"Số được triệu tập: {comp.get('convened', '')}."]
    for code, n in deductions.items():
        lines.append(f"Trừ: {DEDUCTION_LABELS[el.Deduction(code)]}: {n}.")
    lines.append(f"Số dùng để tính kết quả (D): {rnd.roll}; số phiếu tối thiểu để trúng cử (quá một nửa D, "
                 f"EL-35, EL-46): {rnd.votes_needed}.")
    return [docs.Paragraph(" ".join(lines))]


def _counting_blocks(rnd: Round) -> list[docs.Block]:
    item, congress = rnd.item, rnd.item.congress
    counting = selectors.body_members(congress, BodyKind.COUNTING)
    body = next((b for b in selectors.bodies(congress) if b.kind == BodyKind.COUNTING), None)
    head = body.head if body else None
    members = ", ".join(m.full_name + (" (Trưởng ban)" if head and m.pk == head.pk else "") for m in counting)
    blocks: list[docs.Block] = [
        docs.Paragraph(f"Tại {congress.title}, Ban Kiểm phiếu gồm: {members or '(chưa ghi)'}, đã kiểm phiếu bầu "
                       f"{item.title}, lần bầu thứ {rnd.number} ({rnd.get_kind_display().lower()})."),
        docs.Paragraph(_rule_set_line(congress)),
        docs.Paragraph(f"Số lượng cần bầu: {rnd.seats}. Số người trong danh sách bầu cử: {len(rnd.candidate_ids)}."),
        *_roll_blocks(rnd),
        docs.Heading("I. KẾT QUẢ KIỂM PHIẾU"),
        docs.Table(["Số phiếu phát ra", "Số phiếu thu vào", "Số phiếu hợp lệ", "Số phiếu không hợp lệ"],
                   [[rnd.issued, rnd.collected, rnd.valid, rnd.invalid]], numeric=(0, 1, 2, 3)),
    ]
    if rnd.invalid_reasons:
        blocks.append(docs.Table(["Lý do phiếu không hợp lệ", "Số phiếu"],
                                 [[INVALID_REASONS.get(k, k), v] for k, v in rnd.invalid_reasons.items()],
                                 numeric=(1,)))
    blocks.append(docs.Heading("II. SỐ PHIẾU BẦU CHO TỪNG NGƯỜI"))
    rows = [[r.rank, r.candidate.member.full_name, r.votes, _pct(r.percent), "x" if r.qualifies else "",
             "x" if r.elected else "", "x" if r.tied else ""] for r in selectors.result_rows(rnd)]
    blocks.append(docs.Table(["STT", "Họ và tên", "Số phiếu", "Tỷ lệ % (trên phiếu hợp lệ)", "Quá 1/2 D",
                              "Trúng cử", "Bằng phiếu"], rows, numeric=(0, 2, 3),
                             widths_cm=(1.2, 6.0, 2.0, 2.6, 1.8, 1.8, 1.8)))
    elected = [r.candidate.member.full_name for r in selectors.result_rows(rnd) if r.elected]
    blocks.append(docs.Heading("III. KẾT QUẢ"))
    blocks.append(docs.Paragraph("Những người trúng cử (theo thứ tự số phiếu): " + (", ".join(elected) or "không có")
                                 + ". " + NEXT_STEPS.get(rnd.next_step, "")))
    blocks.append(docs.Paragraph(f"Căn cứ: {', '.join(rnd.rules)}. Các mặc định áp dụng (EL-1): "
                                 f"{_defaults_line(rnd.defaults) or 'không'}.", italic=True))
    if rnd.signed_by:
        blocks.append(docs.Paragraph(f"Các thành viên Ban Kiểm phiếu ký biên bản: {rnd.signed_by}.", indent=False,
                                     align="left"))
    return blocks


def _counted_on(rnd: Round) -> date:
    return timezone.localtime(rnd.counted_at).date() if rnd.counted_at else rnd.item.congress.starts_on


def counting_minutes(rnd: Round, fmt: str) -> bytes:
    congress = rnd.item.congress
    body = next((b for b in selectors.bodies(congress) if b.kind == BodyKind.COUNTING), None)
    head = body.head.full_name if body and body.head else "………………"
    title = title_block("Biên bản", f"Kiểm phiếu bầu {rnd.item.title} – lần bầu thứ {rnd.number}")
    args = (_heading(congress, _counted_on(rnd)), title, _counting_blocks(rnd),
            signature_block("Ban Kiểm phiếu", "Trưởng ban", head))
    return docs.party_docx(*args) if fmt == "docx" else docs.party_pdf(*args)


# ---------------------------------------------------------------------------------------------
# Election minutes of an item (spec §7: announcement and request for chuẩn y)


def _item_blocks(item: ElectionItem) -> list[docs.Block]:
    congress = item.congress
    summary = selectors.roll_summary(congress)
    blocks: list[docs.Block] = [
        docs.Paragraph(f"{congress.title} ({congress.get_kind_display().lower()}, nhiệm kỳ {congress.term_label}), "
                       f"khai mạc {vietnamese_date(congress.starts_on)}."),
        docs.Paragraph(_rule_set_line(congress)),
        docs.Paragraph(f"Số được triệu tập: {summary.convened}; có mặt: {summary.present}; số dùng để tính kết quả "
                       f"(D): {summary.roll.roll if summary.roll else '—'}."),
    ]
    if item.seats_source == el.SeatsSource.ALLOCATED.value:
        seats = f"Số lượng cần bầu: {item.seats}, do cấp ủy cấp trên phân bổ ({item.seats_decision_ref}) (EL-10)."
    else:
        seats = (f"Số lượng cần bầu: {item.seats}, đại hội biểu quyết {item.seats_agree}/{item.seats_attending} "
                 "đồng ý (EL-10).")
    blocks.append(docs.Paragraph(seats))
    blocks.append(docs.Heading("I. DANH SÁCH BẦU CỬ"))
    rows = []
    for n, c in enumerate(selectors.candidates_of(item), start=1):
        note = c.withdrawal_reason if c.withdrawn else ("" if c.admitted else "Không quá 30% đồng ý (EL-13)")
        agree = f"{c.agree}/{c.attending}" if c.agree is not None else ""
        rows.append([n, c.member.full_name, c.get_source_display(), agree,
                     "" if c.poll_votes is None else c.poll_votes, "x" if c.on_list else "", note])
    blocks.append(docs.Table(["STT", "Họ và tên", "Nguồn", "Đồng ý đề cử", "Thăm dò", "Trong danh sách",
                              "Ghi chú"], rows, numeric=(0, 4)))
    if item.list_agree is not None:
        blocks.append(docs.Paragraph(f"Đại hội biểu quyết thông qua danh sách bầu cử: {item.list_agree}/"
                                     f"{item.list_attending} đồng ý.")
                      )
    blocks.append(docs.Heading("II. KẾT QUẢ TỪNG LẦN BẦU"))
    for rnd in selectors.rounds_of(item):
        if rnd.state == RoundState.VOTING:
            continue
        blocks.append(docs.Paragraph(
            f"Lần bầu thứ {rnd.number} ({rnd.get_kind_display().lower()}), {rnd.seats} người cần bầu: phát ra "
            f"{rnd.issued}, thu vào {rnd.collected}, hợp lệ {rnd.valid}, không hợp lệ {rnd.invalid}; D = {rnd.roll}, "
            f"cần ít nhất {rnd.votes_needed} phiếu.", bold=True))
        blocks.append(docs.Table(
            ["STT", "Họ và tên", "Số phiếu", "Tỷ lệ %", "Trúng cử"],
            [[r.rank, r.candidate.member.full_name, r.votes, _pct(r.percent), "x" if r.elected else ""]
             for r in selectors.result_rows(rnd)], numeric=(0, 2, 3)))
    winners = selectors.winners(item)
    blocks.append(docs.Heading("III. NGƯỜI TRÚNG CỬ"))
    blocks.append(docs.Paragraph("Theo thứ tự số phiếu: " + (", ".join(c.member.full_name for c in winners)
                                                              or "không có") + "."))
    if item.seats and len(winners) < item.seats:
        blocks.append(docs.Paragraph(f"Còn thiếu {item.seats - len(winners)} người so với số lượng cần bầu."))
    blocks.append(docs.Paragraph(f"{item.title} nhiệm kỳ {congress.term_label} (xếp theo vần A, B, C): "
                                 + (", ".join(c.member.full_name for c in selectors.ordered(winners)) or "—") + "."))
    blocks.append(docs.Heading("IV. CHUẨN Y"))
    if item.decision_ref:
        refused = {int(i) for i in item.refused}
        names = ", ".join(c.member.full_name for c in winners if c.pk in refused)
        blocks.append(docs.Paragraph(f"{item.approving_body}: quyết định {item.decision_ref} "
                                     f"{vietnamese_date(item.decided_on)}: {item.get_state_display().lower()}"
                                     + (f"; không chuẩn y: {names}" if names else "") + " (EL-47)."))
    else:
        blocks.append(docs.Paragraph("Kết quả bầu cử có hiệu lực sau khi cấp ủy cấp trên chuẩn y (EL-47)"
                                     + (f"; đã trình ngày {item.submitted_on:%d/%m/%Y}." if item.submitted_on else ".")))
    closed = congress.ends_on or congress.starts_on
    blocks.append(docs.Paragraph(f"Thời hạn khiếu nại (15 ngày làm việc, EL-48, EL-50): đến hết "
                                 f"{vietnamese_date(el.complaint_deadline(closed))}. Phiếu bầu được niêm phong, "
                                 f"lưu giữ 6 tháng; được tiêu hủy từ {vietnamese_date(el.destruction_allowed_from(closed))} "
                                 "nếu không có khiếu nại (EL-49).", italic=True))
    blocks.append(docs.Paragraph(f"Các mặc định áp dụng (EL-1): {_defaults_line(congress.defaults_applied)}.",
                                 italic=True))
    return blocks


def election_minutes(item: ElectionItem, fmt: str) -> bytes:
    congress = item.congress
    presidium = next((b for b in selectors.bodies(congress) if b.kind == BodyKind.PRESIDIUM), None)
    head = presidium.head.full_name if presidium and presidium.head else "………………"
    on = congress.ends_on or congress.starts_on
    title = title_block("Biên bản", f"Bầu {item.title} – {congress.title}")
    args = (_heading(congress, on), title, _item_blocks(item), signature_block("Đoàn Chủ tịch", "Chủ trì", head))
    return docs.party_docx(*args) if fmt == "docx" else docs.party_pdf(*args)


# ---------------------------------------------------------------------------------------------
# Results of a congress (XLSX, spec §7 result table)


RESULT_COLUMNS = ["Lần bầu", "Hạng", "Họ và tên", "Số phiếu", "Tỷ lệ % phiếu hợp lệ", "Số phiếu tối thiểu để trúng cử",
                  "Quá 1/2 D", "Trúng cử", "Bằng phiếu"]


def _sheet_title(title: str, used: set[str]) -> str:
    base = "".join(ch for ch in title if ch not in "[]:*?/\\")[:28] or "Sheet"
    name, n = base, 2
    while name in used:
        name, n = f"{base[:25]} ({n})", n + 1
    used.add(name)
    return name


def results_xlsx(congress: Congress, items: Sequence[ElectionItem]) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    used: set[str] = set()
    bold = Font(bold=True)
    for item in items:
        ws = wb.create_sheet(_sheet_title(item.title, used))
        ws.append([congress.title])
        ws.append([f"{item.title} – nhiệm kỳ {congress.term_label} – {item.get_state_display()}"])
        ws.append([f"Quy chế: {congress.rule_set}", f"Số lượng cần bầu: {item.seats or ''}"])
        ws.append([])
        ws.append(RESULT_COLUMNS)
        for cell in ws[ws.max_row]:
            cell.font = bold
        for rnd in selectors.rounds_of(item):
            for r in selectors.result_rows(rnd):
                ws.append([rnd.number, r.rank, r.candidate.member.full_name, r.votes, float(r.percent),
                           rnd.votes_needed, "x" if r.qualifies else "", "x" if r.elected else "",
                           "x" if r.tied else ""])
        ws.column_dimensions["C"].width = 30
    if not items:
        wb.create_sheet("Kết quả").append(["Chưa có cuộc bầu nào."])
    ws = wb.create_sheet("Mặc định áp dụng")
    ws.append(["Tham số", "Giá trị"])
    for k, v in congress.defaults_applied.items():
        ws.append([k, v])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
