"""XLSX export of any filtered member list (streamed row by row, write-only workbook)."""
from __future__ import annotations

import tempfile

from django.http import FileResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font

HEADERS = ["STT", "Họ và tên", "Ngày sinh", "Giới tính", "Dân tộc", "Tôn giáo", "Quê quán", "Số CCCD",
           "Số thẻ đảng viên", "Ngày vào Đảng", "Ngày chính thức", "Tình trạng", "Chi bộ", "Trình độ chuyên môn",
           "Lý luận chính trị"]


def write_members_xlsx(qs, fh) -> int:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Danh sách đảng viên")
    from openpyxl.cell import WriteOnlyCell

    header = []
    for h in HEADERS:
        c = WriteOnlyCell(ws, value=h)
        c.font = Font(bold=True)
        header.append(c)
    ws.append(header)
    n = 0
    for n, m in enumerate(qs.iterator(chunk_size=2000), start=1):
        ws.append([n, m.full_name, m.date_of_birth, m.get_gender_display(), m.ethnicity, m.religion,
                   m.place_of_origin, m.citizen_id, m.party_card_number or "", m.admitted_on, m.official_on,
                   m.get_status_display(), m.cell.name, m.education_level, m.get_theory_level_display()])
    wb.save(fh)
    return n


def members_xlsx_response(qs) -> FileResponse:
    tmp = tempfile.TemporaryFile()  # noqa: SIM115 - closed by FileResponse
    write_members_xlsx(qs, tmp)
    tmp.seek(0)
    name = f"dang-vien-{timezone.localdate():%Y%m%d}.xlsx"
    return FileResponse(tmp, as_attachment=True, filename=name,
                        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
