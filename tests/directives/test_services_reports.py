"""Periodic reports: DI-8 (templates, indicators, rollup rules, system figures), DI-9 (deadline,
children's sums labelled partial, locking, reopening), DI-11 (DOCX in the Party layout), XLSX."""
from __future__ import annotations

import io
from datetime import date

import pytest
from docx import Document as Docx
from openpyxl import load_workbook

from partyorg.core.errors import ApplicationError, Forbidden, StateConflict
from partyorg.core.models import AuditEvent
from partyorg.directives import outputs, selectors
from partyorg.directives import services as s
from partyorg.directives.models import ReportEvent
from partyorg.domain.directives import RequirementStatus
from tests.conftest import make_member

TODAY = date(2026, 4, 10)
SECTIONS = [{"code": "general", "title_vi": "Tình hình chung"}, {"code": "next", "title_vi": "Nhiệm vụ quý tới"}]
INDICATORS = [
    {"code": "admitted", "label_vi": "Số đảng viên mới kết nạp", "rule": "sum", "source": "system",
     "source_key": "members_admitted"},
    {"code": "merged", "label_vi": "Số tổ chức đảng được hợp nhất", "rule": "sum", "source": "system",
     "source_key": "organizations_merged"},
    {"code": "target", "label_vi": "Chỉ tiêu kết nạp", "rule": "sum"},
    {"code": "conferences", "label_vi": "Số hội nghị quán triệt", "rule": "sum"},
    {"code": "rate", "label_vi": "Tỷ lệ hoàn thành chỉ tiêu (%)", "rule": "computed",
     "formula": {"numerator": [[1, "admitted"]], "denominator": [[1, "target"]], "scale": 100}},
    {"code": "score", "label_vi": "Điểm tự đánh giá", "rule": "not_rolled_up"},
]


@pytest.fixture
def template(world):
    return s.report_template_create(actor=world.users["operator"], owner_id=world.root.pk,
                                    name="Báo cáo công tác tổ chức xây dựng Đảng", period_kind="quarter",
                                    sections=SECTIONS, indicators=INDICATORS, due_offset_days=5)


def test_template_rules_DI_8(world):
    op = world.users["operator"]
    bad = [*INDICATORS[:1], {"code": "x", "label_vi": "X", "rule": "computed",
                             "formula": {"numerator": [[1, "missing"]], "denominator": [], "scale": 1}}]
    with pytest.raises(ApplicationError) as e:
        s.report_template_create(actor=op, owner_id=world.root.pk, name="Sai", period_kind="quarter",
                                 sections=SECTIONS, indicators=bad)
    assert e.value.errors[0].field == "indicators" and "DI-8" in e.value.errors[0].message_vi
    with pytest.raises(ApplicationError):
        s.report_template_create(actor=op, owner_id=world.root.pk, name="Sai nguồn", period_kind="quarter",
                                 sections=SECTIONS, indicators=[{"code": "a", "label_vi": "A", "rule": "sum",
                                                                 "source": "system", "source_key": "weather"}])


def test_report_prefilled_from_system_data_DI_8(world, template):
    """DI-8: members admitted in the period and organizations merged come from the system's own data;
    the due date is the template's offset after the period (DI-9)."""
    op = world.users["operator"]
    make_member(op, world.cell1, "Ngô Văn Mới", 200000000001, admitted_on=date(2026, 2, 10), official_on=None)
    make_member(op, world.cell1, "Lý Thị Cũ", 200000000002, admitted_on=date(2025, 12, 31), official_on=None)
    from partyorg.organizations.services import DecisionInput, organizations_merge

    organizations_merge(actor=op, source_ids=[world.cell2.pk], target_id=world.cell1.pk, decision=DecisionInput(
        number="12-QĐ/ĐU", signed_on=date(2026, 2, 1), effective_on=date(2026, 2, 15)))
    report = s.report_open(actor=world.users["staff_c1"], template_id=template.pk, org_id=world.c1.pk, year=2026,
                           index=1, today=TODAY)
    assert report.values["admitted"] == 1 and report.values["merged"] == 1
    assert report.sources["admitted"] == {"kind": "system"}
    assert report.values["target"] is None and report.values["rate"] is None  # filled by hand
    assert report.due_on == date(2026, 4, 5)
    again = s.report_open(actor=world.users["staff_c1"], template_id=template.pk, org_id=world.c1.pk, year=2026,
                          index=1, today=TODAY)
    assert again.pk == report.pk


def test_parent_report_sums_children_with_partial_label_DI_9(world, template):
    """DI-9: the parent's report is pre-filled with its children's sums, each with the count of children
    included; computed indicators are recomputed, "not rolled up" ones are left out."""
    staff_c1, staff_p1 = world.users["staff_c1"], world.users["staff_p1"]
    c1 = s.report_open(actor=staff_c1, template_id=template.pk, org_id=world.c1.pk, year=2026, index=1, today=TODAY)
    s.report_save(actor=staff_c1, report_id=c1.pk, values={"target": 4, "conferences": 2, "score": 90,
                                                           "admitted": 2},
                  texts={"general": "Tình hình ổn định.", "next": "Tiếp tục."}, today=TODAY)
    c1 = s.report_submit(actor=staff_c1, report_id=c1.pk, today=TODAY)
    assert c1.values["rate"] == 50  # 100 * 2 // 4
    c2 = s.report_open(actor=staff_p1, template_id=template.pk, org_id=world.c2.pk, year=2026, index=1, today=TODAY)
    p1 = s.report_open(actor=staff_p1, template_id=template.pk, org_id=world.p1.pk, year=2026, index=1, today=TODAY)
    assert p1.values["conferences"] == 2 and p1.sources["conferences"] == {"kind": "rollup", "included": 1,
                                                                          "expected": 2}
    assert outputs.source_label(p1, "conferences") == "Tổng hợp 1/2 đơn vị – chưa đủ"
    assert p1.values["score"] is None  # not rolled up
    roll = selectors.report_rollup(template=template, org=world.p1, year=2026, index=1, today=TODAY)
    assert roll.rollup.partial and roll.rollup.children_included == 1 and roll.rollup.children_expected == 2
    statuses = {c.org.code: c.status.status for c in roll.children}
    assert statuses == {"C1": RequirementStatus.SUBMITTED_LATE, "C2": RequirementStatus.OVERDUE}
    # C2 submits: a refill takes the full sum; the hand-entered target of P1 is kept
    s.report_save(actor=staff_p1, report_id=c2.pk, values={"conferences": 3, "target": 6}, texts={}, today=TODAY)
    s.report_submit(actor=staff_p1, report_id=c2.pk, today=TODAY)
    s.report_save(actor=staff_p1, report_id=p1.pk, values={"target": 20}, texts={}, today=TODAY)
    p1 = s.report_refill(actor=staff_p1, report_id=p1.pk, today=TODAY)
    assert p1.values["conferences"] == 5 and p1.sources["conferences"]["included"] == 2
    assert p1.values["target"] == 20 and p1.sources["target"] == {"kind": "manual"}
    assert outputs.source_label(p1, "conferences") == "Tổng hợp 2/2 đơn vị"


def test_submitted_report_is_locked_and_reopening_is_recorded_DI_9(world, template):
    staff_c1, staff_p1 = world.users["staff_c1"], world.users["staff_p1"]
    r = s.report_open(actor=staff_c1, template_id=template.pk, org_id=world.c1.pk, year=2026, index=1, today=TODAY)
    s.report_submit(actor=staff_c1, report_id=r.pk, today=TODAY)
    with pytest.raises(StateConflict) as e:
        s.report_save(actor=staff_c1, report_id=r.pk, values={"target": 1}, texts={}, today=TODAY)
    assert "DI-9" in e.value.message_vi
    with pytest.raises(StateConflict):
        s.report_submit(actor=staff_c1, report_id=r.pk, today=TODAY)
    with pytest.raises(Forbidden):  # the reporting level does not reopen its own report
        s.report_reopen(actor=staff_c1, report_id=r.pk, reason="Sửa số liệu", today=TODAY)
    with pytest.raises(ApplicationError) as e:
        s.report_reopen(actor=staff_p1, report_id=r.pk, reason="  ", today=TODAY)
    assert e.value.field == "reason"
    r = s.report_reopen(actor=staff_p1, report_id=r.pk, reason="Sửa số liệu kết nạp", today=TODAY)
    assert r.state == "draft"
    ev = ReportEvent.objects.filter(report=r, action="reopen").get()
    assert ev.reason == "Sửa số liệu kết nạp" and ev.actor_id == staff_p1.pk
    assert AuditEvent.objects.filter(action="directives.report.reopen", target_id=str(r.pk)).exists()
    s.report_save(actor=staff_c1, report_id=r.pk, values={"target": 1}, texts={}, today=TODAY)


def test_report_docx_in_the_party_layout_DI_11(world, template):
    from partyorg.members.services import position_assign

    op = world.users["operator"]
    position_assign(actor=op, member_id=world.members["m1"].pk, organization_id=world.c1.pk, title="bi_thu",
                    start_on=date(2025, 1, 1), how_obtained="elected", term_label="2025-2030")
    r = s.report_open(actor=op, template_id=template.pk, org_id=world.c1.pk, year=2026, index=1, today=TODAY)
    s.report_save(actor=op, report_id=r.pk, values={"target": 4, "conferences": 2},
                  texts={"general": "Đảng bộ đã quán triệt đầy đủ.\nKhông có vướng mắc lớn."}, today=TODAY)
    r = s.report_submit(actor=op, report_id=r.pk, today=TODAY)
    doc = Docx(io.BytesIO(outputs.report_docx(r, TODAY)))
    left, right = doc.tables[0].rows[0].cells
    assert [p.text for p in left.paragraphs] == ["ĐẢNG BỘ TỈNH ALPHA", "ĐẢNG BỘ XÃ MỘT", "*"]
    assert right.paragraphs[0].text == "ĐẢNG CỘNG SẢN VIỆT NAM"
    assert right.paragraphs[1].text == "Một, ngày 10 tháng 4 năm 2026"
    texts = [p.text for p in doc.paragraphs]
    assert "BÁO CÁO" in texts and "Báo cáo công tác tổ chức xây dựng Đảng Quý I năm 2026" in texts
    assert "I. TÌNH HÌNH CHUNG" in texts and "Không có vướng mắc lớn." in texts and "III. BẢNG CHỈ TIÊU" in texts
    table = [[c.text for c in row.cells] for row in doc.tables[1].rows]
    assert table[0] == ["STT", "Chỉ tiêu", "Số liệu", "Nguồn"]
    assert ["4", "Số hội nghị quán triệt", "2", "Nhập tay"] in table
    sign = [p.text for p in doc.tables[2].rows[0].cells[1].paragraphs if p.text]
    assert sign == ["T/M BAN THƯỜNG VỤ", "BÍ THƯ", "Nguyễn Văn An"]


def test_indicator_xlsx_marks_partial_sums_DI_9(world, template):
    op = world.users["operator"]
    c1 = s.report_open(actor=op, template_id=template.pk, org_id=world.c1.pk, year=2026, index=1, today=TODAY)
    s.report_save(actor=op, report_id=c1.pk, values={"conferences": 2}, texts={}, today=TODAY)
    s.report_submit(actor=op, report_id=c1.pk, today=TODAY)
    p1 = s.report_open(actor=op, template_id=template.pk, org_id=world.p1.pk, year=2026, index=1, today=TODAY)
    roll = selectors.report_rollup(template=template, org=world.p1, year=2026, index=1, today=TODAY)
    wb = load_workbook(io.BytesIO(outputs.report_xlsx(p1, roll)))
    rows = {r[1]: r for r in wb["Chỉ tiêu"].iter_rows(min_row=2, values_only=True)}
    assert rows["conferences"][4] == 2 and rows["conferences"][6:9] == (2, 1, 2)
    assert rows["conferences"][9] == "Tổng hợp chưa đủ (một phần)"
    assert rows["score"][3] == "Không tổng hợp"


def test_template_applies_to_committees_and_the_owner_subtree(world, template):
    with pytest.raises(ApplicationError) as e:
        s.report_open(actor=world.users["operator"], template_id=template.pk, org_id=world.cell1.pk, year=2026,
                      index=1, today=TODAY)
    assert e.value.field == "template"
    with pytest.raises(ApplicationError):
        s.report_open(actor=world.users["operator"], template_id=template.pk, org_id=world.c1.pk, year=2026,
                      index=5, today=TODAY)
