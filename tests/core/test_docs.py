"""DI-11: the shared Party document writers (partyorg/core/docs.py), opened back by their own libraries."""
from __future__ import annotations

import io
from datetime import date

import pytest
from docx import Document
from pypdf import PdfReader

from partyorg.core import docs
from partyorg.domain.directives import (
    DOCX_FONT,
    DocumentType,
    check_docx_font,
    party_heading,
    signature_block,
    title_block,
)

HEADING = party_heading("Tỉnh ủy Alpha", "Ban Tổ chức Tỉnh ủy", "12-BC/BTCTU", "Hà Nội", date(2023, 7, 20))
TITLE = title_block(DocumentType.REPORT, "Kết quả công tác tổ chức xây dựng Đảng quý III năm 2023")
SIGNATURE = signature_block("Ban Thường vụ", "Bí thư", "Nguyễn Văn Ấn")
BLOCKS = [
    docs.Heading("I. TÌNH HÌNH CHUNG"),
    "Đảng bộ đã quán triệt đầy đủ các văn bản của cấp trên; khó khăn, vướng mắc được tháo gỡ kịp thời.",
    docs.Paragraph("Ghi chú in nghiêng.", italic=True, align="left", indent=False),
    docs.Table(["Chỉ tiêu", "Số lượng"], [["Kết nạp đảng viên mới", 1234], ["Cộng", 1240]],
               numeric=(1,), bold_rows=(1,), caption="Bảng chỉ tiêu"),
]
RECIPIENTS = ["Ban Tổ chức Trung ương", "Các huyện ủy, thị ủy"]


def _docx() -> Document:
    return Document(io.BytesIO(docs.party_docx(HEADING, TITLE, BLOCKS, SIGNATURE, RECIPIENTS)))


def _all_runs(doc):
    for p in doc.paragraphs:
        yield from p.runs
    for t in doc.tables:
        for row in t.rows:
            for cell in row.cells:
                for p in cell.paragraphs:
                    yield from p.runs


def test_docx_heading_block_left_and_right_DI_11():
    """DI-11: superior body, issuing body (bold), star line, number on the left; party name (bold, underlined)
    and the italic place-and-date line on the right."""
    doc = _docx()
    head = doc.tables[0]
    left, right = head.rows[0].cells
    assert [p.text for p in left.paragraphs] == ["TỈNH ỦY ALPHA", "BAN TỔ CHỨC TỈNH ỦY", "*", "Số 12-BC/BTCTU"]
    assert left.paragraphs[1].runs[0].bold
    party, place = right.paragraphs[0].runs[0], right.paragraphs[1].runs[0]
    assert party.text == "ĐẢNG CỘNG SẢN VIỆT NAM" and party.bold and party.underline
    assert place.text == "Hà Nội, ngày 20 tháng 7 năm 2023" and place.italic


def test_docx_title_body_table_signature_recipients_DI_11():
    doc = _docx()
    texts = [p.text for p in doc.paragraphs]
    i = texts.index("BÁO CÁO")
    assert texts[i + 1] == "Kết quả công tác tổ chức xây dựng Đảng quý III năm 2023"
    assert doc.paragraphs[i].alignment == 1 and doc.paragraphs[i].runs[0].bold  # centred, bold
    assert "I. TÌNH HÌNH CHUNG" in texts and any("tháo gỡ kịp thời" in t for t in texts)
    grid = doc.tables[1]
    assert [c.text for c in grid.rows[0].cells] == ["Chỉ tiêu", "Số lượng"]
    assert [c.text for c in grid.rows[1].cells] == ["Kết nạp đảng viên mới", "1.234"]
    foot = doc.tables[2]
    rec, sign = foot.rows[0].cells
    assert [p.text for p in rec.paragraphs] == ["Nơi nhận:", "- Ban Tổ chức Trung ương,", "- Các huyện ủy, thị ủy,",
                                                "- Lưu Văn phòng."]
    sign_texts = [p.text for p in sign.paragraphs if p.text]
    assert sign_texts == ["T/M BAN THƯỜNG VỤ", "BÍ THƯ", "Nguyễn Văn Ấn"]


def test_docx_font_is_times_new_roman_13_to_14_pt_DI_11():
    doc = _docx()
    runs = list(_all_runs(doc))
    assert runs
    for r in runs:
        assert r.font.name == DOCX_FONT
        assert check_docx_font(r.font.name, int(r.font.size.pt)).ok, (r.text, r.font.size.pt)
    assert doc.styles["Normal"].font.name == DOCX_FONT


def test_docx_font_size_13_is_allowed_and_12_refused_DI_11():
    doc = Document(io.BytesIO(docs.party_docx(HEADING, TITLE, ["Nội dung"], font_size=13)))
    assert {int(r.font.size.pt) for r in _all_runs(doc)} == {13}
    with pytest.raises(ValueError, match="13"):
        docs.party_docx(HEADING, TITLE, ["Nội dung"], font_size=12)


def test_pdf_text_keeps_its_diacritics_DI_11():
    """DI-11: the PDF font covers Vietnamese; pypdf reads every diacritic back."""
    data = docs.party_pdf(HEADING, TITLE, BLOCKS, SIGNATURE, RECIPIENTS)
    assert data.startswith(b"%PDF")
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages).split())
    for expected in ["ĐẢNG CỘNG SẢN VIỆT NAM", "Hà Nội, ngày 20 tháng 7 năm 2023", "TỈNH ỦY ALPHA",
                     "BAN TỔ CHỨC TỈNH ỦY", "Số 12-BC/BTCTU", "BÁO CÁO", "quý III năm 2023",
                     "Kết nạp đảng viên mới", "1.234", "Nơi nhận:", "T/M BAN THƯỜNG VỤ", "Nguyễn Văn Ấn",
                     "khó khăn, vướng mắc được tháo gỡ"]:
        assert expected in text, expected


def test_pdf_uses_the_dejavu_font_DI_11():
    reader = PdfReader(io.BytesIO(docs.party_pdf(HEADING, None, ["Ấn Độ Dương"])))
    fonts = set()
    for page in reader.pages:
        for f in page["/Resources"]["/Font"].values():
            fonts.add(str(f.get_object()["/BaseFont"]))
    assert any("DejaVu" in f for f in fonts), fonts


def test_html_escapes_and_has_no_signature_when_none():
    html = docs.party_html(HEADING, None, ["<script>x</script>"])
    assert "<script>x" not in html and "&lt;script&gt;" in html
    assert 'class="party-foot"' not in html


def test_heading_without_number_and_superior_DI_11():
    heading = party_heading(None, "Chi bộ Thôn Một", None, "Xã Một", date(2024, 2, 5))
    doc = Document(io.BytesIO(docs.party_docx(heading, None, ["Biên bản"])))
    left, right = doc.tables[0].rows[0].cells
    assert [p.text for p in left.paragraphs] == ["CHI BỘ THÔN MỘT", "*"]
    assert right.paragraphs[1].text == "Xã Một, ngày 05 tháng 02 năm 2024"


def test_unknown_block_type_is_refused():
    with pytest.raises(TypeError):
        docs.party_docx(HEADING, TITLE, [42])  # type: ignore[list-item]
