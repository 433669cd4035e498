"""Files, opened back by their own libraries: decisions and Mẫu 03 (DOCX, PDF: DI-11 layout, Times New Roman
13-14 pt, diacritics intact), Mẫu 04 and statistics (XLSX), the statistics summary (DOCX)."""
import io
from datetime import date

import pytest
from django.test import Client
from docx import Document
from openpyxl import load_workbook
from pypdf import PdfReader

from partyorg.appraisal import services
from partyorg.domain.directives import check_docx_font
from tests.appraisal.conftest import appraise, decide, open_cycle, rating_of, self_assess


@pytest.fixture
def done(world):
    """Cell 1: three members decided HTT by 15-QĐ/ĐU, then m1 re-rated HT by 40-QĐ/ĐU (Mẫu 03)."""
    staff = world.users["staff_c1"]
    open_cycle(staff, world.cell1)
    rs = [appraise(staff, self_assess(staff, rating_of(world.members[k]), 85)) for k in ("m1", "m2", "m3")]
    decision = decide(staff, world.c1, [(r, "good") for r in rs])
    rr = services.rating_rerate(actor=staff, rating_id=rs[0].pk, data=services.ReRatingInput(
        number="40-QĐ/ĐU", signed_on=date(2026, 3, 10), authority="Đảng ủy xã Một", reason="Kê khai sai kết quả",
        ground="dishonesty", new_level="completed", place="Xã Một", signer_name="Nguyễn Văn Bí", signer_title="Bí thư"))
    client = Client()
    client.force_login(staff)
    return {"decision": decision, "rerating": rr, "client": client, "base": f"/appraisal/org/{world.c1.pk}/2025"}


def _docx_text(data: bytes) -> tuple[Document, str]:
    doc = Document(io.BytesIO(data))
    parts = [p.text for p in doc.paragraphs]
    for t in doc.tables:
        for row in t.rows:
            parts += [c.text for c in row.cells]
    return doc, "\n".join(parts)


def test_decision_docx_follows_the_party_layout(done):
    """DI-11: heading block (superior and issuing body, star, number; party name; place and date), title,
    signature, recipients; Times New Roman 13-14 pt; the rule set and rules applied are shown."""
    resp = done["client"].get(f"{done['base']}/decision.docx?d={done['decision'].pk}")
    assert resp.status_code == 200 and "wordprocessingml" in resp["Content-Type"]
    doc, text = _docx_text(resp.content)
    for expected in ("ĐẢNG ỦY TỈNH ALPHA", "ĐẢNG ỦY XÃ MỘT", "Số 15-QĐ/ĐU", "ĐẢNG CỘNG SẢN VIỆT NAM",
                     "Xã Một, ngày 20 tháng 12 năm 2025", "QUYẾT ĐỊNH", "Nguyễn Văn An", "Hoàn thành tốt nhiệm vụ",
                     "T/M ĐẢNG ỦY", "Nơi nhận:", "Bộ quy tắc: QD366-2025", "AR-33"):
        assert expected in text, expected
    runs = [r for p in doc.paragraphs for r in p.runs if r.text.strip()]
    runs += [r for t in doc.tables for row in t.rows for c in row.cells for p in c.paragraphs for r in p.runs]
    sizes = {int(r.font.size.pt) for r in runs if r.font.size}
    body = [r for r in runs if r.text.startswith(("Điều 1", "- Căn cứ"))]
    assert body and all(check_docx_font(r.font.name, int(r.font.size.pt)).ok for r in body)
    assert {13, 14} <= sizes
    party = next(r for t in doc.tables for c in t.rows[0].cells for p in c.paragraphs for r in p.runs
                 if r.text == "ĐẢNG CỘNG SẢN VIỆT NAM")
    assert party.bold and party.underline


def test_decision_pdf_keeps_the_diacritics(done):
    resp = done["client"].get(f"{done['base']}/decision.pdf?d={done['decision'].pk}")
    assert resp.status_code == 200 and resp["Content-Type"] == "application/pdf"
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(resp.content)).pages)
    for expected in ("ĐẢNG CỘNG SẢN VIỆT NAM", "Đảng ủy xã Một".upper(), "Trần Thị Bình", "Lê Văn Đức",
                     "Hoàn thành tốt", "QD366-2025"):
        assert expected in text, expected


def test_rerating_decision_form_03(done):
    """AR-66, AR-67: Mẫu 03 names the cancelled result and its decision, and the new level."""
    for fmt in ("docx", "pdf"):
        resp = done["client"].get(f"{done['base']}/rerating.{fmt}?r={done['rerating'].pk}")
        assert resp.status_code == 200
        if fmt == "docx":
            _doc, text = _docx_text(resp.content)
        else:
            text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(resp.content)).pages).replace("\n", " ")
        for expected in ("Mẫu 03", "Số 40-QĐ/ĐU", "Nguyễn Văn An", "15-QĐ/ĐU", "Hoàn thành nhiệm vụ", "AR-67"):
            assert expected in text, (fmt, expected)


def test_records_form_04_lists_every_version(done):
    """Mẫu 04: one row per decided version, the cancelled one kept and marked; the rule set in the heading;
    rules applied per row."""
    resp = done["client"].get(f"{done['base']}/records.xlsx")
    ws = load_workbook(io.BytesIO(resp.content)).active
    rows = [list(row) for row in ws.iter_rows(values_only=True)]
    assert any("MẪU 04" in str(r[0]) for r in rows if r[0])
    assert any("QD366-2025" in str(r[0]) for r in rows if r[0])
    an = [r for r in rows if r[1] == "Nguyễn Văn An"]
    assert [(r[10], r[11], r[12], r[14]) for r in an] == [(1, "HTT", "15-QĐ/ĐU", "Đã hủy"),
                                                         (2, "HT", "40-QĐ/ĐU", "Hiệu lực")]
    assert "AR-28" in an[0][17]
    assert any(r[1] == "Chi bộ Thôn Một" for r in rows)  # the collective, not decided yet


def test_statistics_xlsx_and_docx(done):
    resp = done["client"].get(f"{done['base']}/stats.xlsx")
    wb = load_workbook(io.BytesIO(resp.content))
    assert wb.sheetnames == ["Tổng hợp", "Theo đơn vị", "Tỷ lệ theo nhóm", "Báo cáo đã gửi"]
    rows = list(wb["Tổng hợp"].iter_rows(values_only=True))
    total = next(r for r in rows if r[0] == "Tổng cộng")
    header = next(r for r in rows if r[0] == "Đối tượng / đơn vị")
    assert total[header.index("HTT")] == 2 and total[header.index("HT")] == 1
    assert total[header.index("Đánh giá lại")] == 1
    _doc, text = _docx_text(done["client"].get(f"{done['base']}/stats.docx").content)
    assert "BÁO CÁO" in text and "Tổng cộng" in text and "ĐẢNG CỘNG SẢN VIỆT NAM" in text


def test_files_are_scoped(world, done):
    other = Client()
    other.force_login(world.users["staff_p2"])
    for suffix in ("decision.docx", "decision.pdf", "records.xlsx", "stats.xlsx", "rerating.pdf"):
        assert other.get(f"{done['base']}/{suffix}").status_code == 404
    member = Client()
    member.force_login(world.users["member_m1"])
    assert member.get(f"{done['base']}/decision.pdf").status_code == 404
