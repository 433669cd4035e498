"""XLSX export of any filtered member list (streamed row by row, write-only workbook)."""
from __future__ import annotations

import tempfile

from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Font

HEADERS = [gettext_lazy("STT"), gettext_lazy("Họ và tên"), gettext_lazy("Ngày sinh"), gettext_lazy("Giới tính"),
           gettext_lazy("Dân tộc"), gettext_lazy("Tôn giáo"), gettext_lazy("Quê quán"), gettext_lazy("Số CCCD"),
           gettext_lazy("Số thẻ đảng viên"), gettext_lazy("Ngày vào Đảng"), gettext_lazy("Ngày chính thức"),
           gettext_lazy("Tình trạng"), gettext_lazy("Chi bộ"), gettext_lazy("Trình độ chuyên môn"),
           gettext_lazy("Lý luận chính trị")]


def write_members_xlsx(qs, fh) -> int:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(_("Danh sách đảng viên"))
    from openpyxl.cell import WriteOnlyCell

    header = []
    for h in HEADERS:
        c = WriteOnlyCell(ws, value=str(h))
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
