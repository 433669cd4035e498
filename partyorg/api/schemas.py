from __future__ import annotations

from datetime import date

from ninja import Schema


class OrganizationOut(Schema):
    id: int
    name: str
    short_name: str
    code: str
    org_type: str
    parent_id: int | None
    depth: int
    address: str
    established_on: date | None
    dissolved_on: date | None
    successor_id: int | None


class ChildCountOut(Schema):
    id: int
    name: str
    org_type: str
    members: int
    sub_orgs: int


class MemberOut(Schema):
    id: int
    full_name: str
    date_of_birth: date
    gender: str
    ethnicity: str
    religion: str
    place_of_origin: str
    citizen_id: str
    party_card_number: str | None
    admitted_on: date
    official_on: date | None
    status: str
    cell_id: int
    education_level: str
    theory_level: str


class MemberIn(Schema):
    full_name: str
    date_of_birth: date
    gender: str
    citizen_id: str
    admitted_on: date
    cell_id: int
    official_on: date | None = None
    party_card_number: str | None = None
    ethnicity: str = "Kinh"
    religion: str = "Không"
    place_of_origin: str = ""
    education_level: str = ""
    theory_level: str = ""


class MemberPatch(Schema):
    full_name: str | None = None
    place_of_origin: str | None = None
    education_level: str | None = None
    theory_level: str | None = None
    ethnicity: str | None = None
    religion: str | None = None


class PositionOut(Schema):
    id: int
    member_id: int
    organization_id: int
    title: str
    title_text: str
    term_label: str
    start_on: date
    end_on: date | None
    how_obtained: str
    managing_authority_id: int | None
    decision_ref: str


class ErrorOut(Schema):
    code: str
    message: str
    message_vi: str
    message_en: str
    field: str | None
    errors: list[dict]
