"""Reading CSV and XLSX files into rows of text keyed by field, with header matching that ignores
case and diacritics ("Ho va ten", "HỌ VÀ TÊN" and "full_name" all find the name column)."""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime

from partyorg.domain.names import fold

MEMBER_COLUMNS: list[tuple[str, str, bool]] = [
    # (field, Vietnamese header, required)
    ("full_name", "Họ và tên", True),
    ("date_of_birth", "Ngày sinh", True),
    ("gender", "Giới tính", True),
    ("ethnicity", "Dân tộc", False),
    ("religion", "Tôn giáo", False),
    ("place_of_origin", "Quê quán", False),
    ("citizen_id", "Số CCCD", True),
    ("party_card_number", "Số thẻ đảng viên", False),
    ("admitted_on", "Ngày vào Đảng", True),
    ("official_on", "Ngày chính thức", False),
    ("cell_code", "Mã chi bộ", True),
    ("education_level", "Trình độ chuyên môn", False),
    ("theory_level", "Lý luận chính trị", False),
]

ORG_COLUMNS: list[tuple[str, str, bool]] = [
    ("code", "Mã tổ chức", True),
    ("name", "Tên tổ chức", True),
    ("short_name", "Tên viết tắt", False),
    ("org_type", "Loại tổ chức", True),
    ("parent_code", "Mã tổ chức cấp trên", True),
    ("address", "Địa chỉ", False),
    ("established_on", "Ngày thành lập", False),
]


class FileFormatError(Exception):
    def __init__(self, message_vi: str, message_en: str):
        super().__init__(message_en)
        self.message_vi, self.message_en = message_vi, message_en


@dataclass
class Sheet:
    fields: list[str]          # field per column (or "" for an unknown column)
    rows: list[list[str]]      # cell texts, header excluded
    first_row_number: int = 2  # spreadsheet row number of rows[0]


def header_map(columns: list[tuple[str, str, bool]]) -> dict[str, str]:
    m = {}
    for field, label, _req in columns:
        m[fold(label)] = field
        m[field] = field
    return m


def _cell_text(v) -> str:
    if v is None:
        return ""
    if isinstance(v, datetime):
        return v.date().isoformat()
    if isinstance(v, date):
        return v.isoformat()
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v).strip()


def read_table(filename: str, content: bytes, columns: list[tuple[str, str, bool]]) -> Sheet:
    lower = filename.lower()
    if lower.endswith(".xlsx"):
        from openpyxl import load_workbook

        try:
            wb = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        except Exception:
            raise FileFormatError("Không đọc được tệp Excel (.xlsx).", "The XLSX file cannot be read.")
        ws = wb.worksheets[0]
        it = ws.iter_rows(values_only=True)
        raw_rows = [[_cell_text(v) for v in r] for r in it]
        wb.close()
    elif lower.endswith(".csv"):
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise FileFormatError("Tệp CSV phải mã hóa UTF-8.", "The CSV file must be UTF-8 encoded.")
        first = text.split("\n", 1)[0]
        delim = ";" if first.count(";") > first.count(",") else ","
        raw_rows = [[c.strip() for c in r] for r in csv.reader(io.StringIO(text), delimiter=delim)]
    else:
        raise FileFormatError("Chỉ nhận tệp .xlsx hoặc .csv.", "Only .xlsx and .csv files are accepted.")
    raw_rows = [r for r in raw_rows if any(c for c in r)]
    if not raw_rows:
        raise FileFormatError("Tệp không có dữ liệu.", "The file is empty.")
    hm = header_map(columns)
    header = raw_rows[0]
    fields = [hm.get(fold(h).strip(" *"), "") for h in header]
    missing = [label for field, label, req in columns if req and field not in fields]
    if missing:
        raise FileFormatError(f"Thiếu cột bắt buộc: {', '.join(missing)}.",
                              f"Required columns missing: {', '.join(missing)}.")
    return Sheet(fields=fields, rows=raw_rows[1:])


def parse_date(text: str) -> date:
    """dd/mm/yyyy (the Vietnamese form), d/m/yyyy, dd-mm-yyyy or ISO yyyy-mm-dd."""
    t = text.strip()
    for fmt in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return datetime.strptime(t, fmt).date()  # noqa: DTZ007 - a calendar date, no time zone
        except ValueError:
            continue
    raise ValueError(t)
