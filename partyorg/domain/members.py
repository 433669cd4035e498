"""Member record rules (pure): identity numbers, dates, status transitions.

Rule references are to the Party Statute (Điều lệ Đảng) and the foundation issue; each check returns
field errors in Vietnamese and English, naming the field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

CITIZEN_ID = re.compile(r"^\d{12}$")
PARTY_CARD = re.compile(r"^\d{6,12}$")
PROBATION_MONTHS = 12  # Điều lệ Đảng, Điều 5: thời kỳ dự bị 12 tháng


@dataclass(frozen=True)
class FieldProblem:
    field: str
    message_vi: str
    message_en: str


def add_months(d: date, months: int) -> date:
    y, m = divmod(d.month - 1 + months, 12)
    year, month = d.year + y, m + 1
    days = [31, 29 if (year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)) else 28, 31, 30, 31, 30,
            31, 31, 30, 31, 30, 31][month - 1]
    return date(year, month, min(d.day, days))


def check_citizen_id(value: str) -> FieldProblem | None:
    if not CITIZEN_ID.match(value or ""):
        return FieldProblem("citizen_id", "Số CCCD phải gồm đúng 12 chữ số.",
                            "The citizen ID (CCCD) must be exactly 12 digits.")
    return None


def check_party_card(value: str | None) -> FieldProblem | None:
    if value and not PARTY_CARD.match(value):
        return FieldProblem("party_card_number", "Số thẻ đảng viên chỉ gồm 6–12 chữ số.",
                            "The party card number must be 6 to 12 digits.")
    return None


def check_member_dates(
    *, date_of_birth: date, admitted_on: date, official_on: date | None, today: date
) -> list[FieldProblem]:
    problems: list[FieldProblem] = []
    if date_of_birth >= today:
        problems.append(FieldProblem("date_of_birth", "Ngày sinh phải trước ngày hôm nay.",
                                     "The date of birth must be in the past."))
    if add_months(date_of_birth, 18 * 12) > admitted_on:
        problems.append(FieldProblem("admitted_on", "Người vào Đảng phải đủ 18 tuổi.",
                                     "A member must be at least 18 years old when admitted."))
    if admitted_on > today:
        problems.append(FieldProblem("admitted_on", "Ngày vào Đảng không được ở tương lai.",
                                     "The admission date cannot be in the future."))
    if official_on is not None:
        if official_on <= admitted_on:
            problems.append(FieldProblem("official_on", "Ngày chính thức phải sau ngày vào Đảng.",
                                         "The official date must be after the admission date."))
        elif official_on < add_months(admitted_on, PROBATION_MONTHS):
            problems.append(FieldProblem(
                "official_on", "Ngày chính thức phải sau ngày vào Đảng ít nhất 12 tháng (thời kỳ dự bị).",
                "The official date must be at least 12 months after admission (probation period)."))
        if official_on > today:
            problems.append(FieldProblem("official_on", "Ngày chính thức không được ở tương lai.",
                                         "The official date cannot be in the future."))
    return problems


# Allowed status transitions (from -> set of to).
TRANSITIONS: dict[str, frozenset[str]] = {
    "probationary": frozenset({"official", "expelled", "transferred_out", "deceased", "suspended"}),
    "official": frozenset({"exempted", "suspended", "transferred_out", "deceased", "expelled"}),
    "exempted": frozenset({"official", "transferred_out", "deceased", "expelled"}),
    "suspended": frozenset({"official", "probationary", "expelled", "transferred_out", "deceased"}),
    "transferred_out": frozenset({"official", "probationary"}),
    "deceased": frozenset(),
    "expelled": frozenset(),
}


def check_status_transition(current: str, new: str) -> FieldProblem | None:
    if new == current:
        return FieldProblem("status", "Tình trạng mới trùng tình trạng hiện tại.", "The status is unchanged.")
    if new not in TRANSITIONS.get(current, frozenset()):
        return FieldProblem("status", f"Không thể chuyển tình trạng từ '{current}' sang '{new}'.",
                            f"Cannot change status from '{current}' to '{new}'.")
    return None
