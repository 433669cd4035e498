"""Files: the ballot (PDF), the counting and election minutes (DOCX/PDF), the results (XLSX), opened back
(EL-1, EL-26..EL-28, EL-44..EL-46)."""
from __future__ import annotations

import io
from datetime import date

import pytest
from docx import Document
from openpyxl import load_workbook
from pypdf import PdfReader

from partyorg.elections import outputs
from partyorg.elections import services as svc
from partyorg.elections.models import ElectionItem

from .conftest import enter_papers, keep, list_ready, yes_no


def pdf_text(data: bytes) -> str:
    return " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages).split())


def docx_text(data: bytes) -> str:
    doc = Document(io.BytesIO(data))
    parts = [p.text for p in doc.paragraphs]
    for t in doc.tables:
        for row in t.rows:
            parts.extend(c.text for c in row.cells)
    return "\n".join(parts)


@pytest.fixture
def counted(cell):
    a, b, c, d = cell.members[:4]
    item = list_ready(cell, "cell_committee", 3, [a, b, c, d])
    rnd = svc.round_open(actor=cell.staff, item_id=item.pk)
    enter_papers(cell, rnd, [keep(rnd, a, b, c)] * 9 + [keep(rnd, a, b, d)] * 2 + [keep(rnd, a, b, c, d)])
    rnd = svc.round_count(actor=cell.staff, round_id=rnd.pk)
    svc.round_announce(actor=cell.staff, round_id=rnd.pk)
    rnd.refresh_from_db()
    return cell, ElectionItem.objects.get(pk=item.pk), rnd


def test_surplus_ballot_pdf(counted):
    """EL-26..EL-28: stamp area of the convening committee (a cell under a grassroots committee uses the
    committee's stamp), title, instruction to strike the whole name, names in EL-27 order."""
    cell, item, rnd = counted
    text = pdf_text(outputs.ballot_pdf(rnd))
    assert "PHIẾU BẦU CHI ỦY NHIỆM KỲ 2025–2030" in text
    assert "Dấu của Đảng bộ xã Một" in text and "ĐẢNG CỘNG SẢN VIỆT NAM" in text
    assert "Gạch ngang cả họ và tên người không bầu" in text
    names = ["Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Đức", "Lê Thị Hoa"]
    positions = [text.index(n) for n in names]
    assert positions == sorted(positions)
    assert "Đồng ý" not in text and "QD190-2024" in text


def test_yes_no_ballot_pdf(counted):
    """EL-22, EL-28: a list without surplus has the Đồng ý / Không đồng ý columns."""
    cell, item, rnd = counted
    a = cell.members[0]
    sec = list_ready(cell, "secretary", 1, [a])
    r2 = svc.round_open(actor=cell.staff, item_id=sec.pk)
    text = pdf_text(outputs.ballot_pdf(r2))
    assert "PHIẾU BẦU BÍ THƯ NHIỆM KỲ 2025–2030" in text and "Không đồng ý" in text and "Đồng ý" in text
    assert "Đánh dấu X vào một ô ở mỗi dòng" in text
    enter_papers(cell, r2, [yes_no(r2, {a: "A"})] * 12)
    svc.round_count(actor=cell.staff, round_id=r2.pk)


@pytest.mark.parametrize("fmt", ["docx", "pdf"])
def test_counting_minutes(counted, fmt):
    """EL-44..EL-46, spec §7: issued, collected, valid, invalid, each candidate's votes and %, D and the
    minimum vote, rule set and defaults, who is elected; Times New Roman in the DOCX."""
    cell, item, rnd = counted
    data = outputs.counting_minutes(rnd, fmt)
    text = docx_text(data) if fmt == "docx" else pdf_text(data)
    assert "BIÊN BẢN" in text and "Kiểm phiếu bầu Chi ủy" in text
    assert "Bầu thừa số lượng cần bầu" in text  # the one invalid ballot's reason
    assert "QD190-2024" in text and "Điều 15" in text and "Điều 30" in text
    assert "(D): 12" in text and "quá một nửa D" in text
    assert "Nguyễn Văn An" in text and "100,00" in text and "81,82" in text  # 9/11 for Lê Văn Đức
    assert "tie_at_cutoff" in text or "percent_base" in text
    assert "TRƯỞNG BAN" in text and "Dương Thị Quyên" in text
    if fmt == "docx":
        fonts = {r.font.name for p in Document(io.BytesIO(data)).paragraphs for r in p.runs}
        assert fonts == {"Times New Roman"}


@pytest.mark.parametrize("fmt", ["docx", "pdf"])
def test_election_minutes(counted, fmt):
    cell, item, rnd = counted
    svc.item_submit(actor=cell.staff, item_id=item.pk, submitted_on=date(2025, 5, 12))
    svc.item_approve(actor=cell.world.users["staff_c1"], item_id=item.pk, approving_body="Đảng ủy xã Một",
                     decision_ref="12-QĐ/ĐU", decided_on=date(2025, 5, 20))
    item.refresh_from_db()
    data = outputs.election_minutes(item, fmt)
    text = docx_text(data) if fmt == "docx" else pdf_text(data)
    for needle in ("Bầu Chi ủy", "DANH SÁCH BẦU CỬ", "Cấp ủy triệu tập giới thiệu", "NGƯỜI TRÚNG CỬ",
                   "12-QĐ/ĐU", "EL-47", "Thời hạn khiếu nại", "Lê Văn Đức", "xếp theo vần"):
        assert needle in text, needle


def test_results_xlsx(counted):
    cell, item, rnd = counted
    wb = load_workbook(io.BytesIO(outputs.results_xlsx(cell.congress, [item])))
    ws = wb["Chi ủy"]
    rows = list(ws.iter_rows(values_only=True))
    header = rows.index(tuple(outputs.RESULT_COLUMNS))
    body = rows[header + 1:]
    assert [r[2] for r in body][:2] == ["Nguyễn Văn An", "Trần Thị Bình"]
    assert body[0][3] == 11 and body[0][4] == 100.0 and body[0][5] == 7 and body[0][7] == "x"
    assert body[-1][2] == "Lê Thị Hoa" and not body[-1][7]
    assert "Mặc định áp dụng" in wb.sheetnames
