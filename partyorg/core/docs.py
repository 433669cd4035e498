"""Party documents (spec directives.md DI-11) as DOCX and PDF: one layout, two writers.

Every document the system produces for a Party body (minutes, decisions, reports, lists) goes
through this module, so the layout of Hướng dẫn 36-HD/VPTW lives in one place. The texts of the
layout come from the pure helpers of :mod:`partyorg.domain.directives`; this module only typesets.

API (all arguments are plain values; the results are bytes ready for an ``HttpResponse``)::

    from datetime import date
    from partyorg.core import docs
    from partyorg.domain.directives import DocumentType, party_heading, signature_block, title_block

    heading = party_heading("Tỉnh ủy Alpha", "Ban Tổ chức Tỉnh ủy", "12-BC/BTCTU", "Hà Nội", date(2023, 7, 20))
    title = title_block(DocumentType.REPORT, "Kết quả công tác tổ chức xây dựng Đảng quý III năm 2023")
    blocks = [
        docs.Heading("I. TÌNH HÌNH CHUNG"),
        docs.Paragraph("Nội dung ..."),                  # a plain ``str`` is a Paragraph too
        docs.Table(["Chỉ tiêu", "Số lượng"], [["Kết nạp đảng viên", 12]], numeric=(1,)),
    ]
    signature = signature_block("Ban Thường vụ", "Bí thư", "Nguyễn Văn A")
    recipients = ["Ban Tổ chức Trung ương", "Các huyện ủy, thị ủy"]

    data = docs.party_docx(heading, title, blocks, signature, recipients)   # DOCX bytes
    data = docs.party_pdf(heading, title, blocks, signature, recipients)    # PDF bytes
    html = docs.party_html(heading, title, blocks, signature, recipients)   # the printable HTML of the PDF

* ``heading``: a :class:`~partyorg.domain.directives.PartyHeading` from ``party_heading(superior, issuer,
  number_symbol, place, on)``: superior body, issuing body, star line and "Số ..." on the left;
  "ĐẢNG CỘNG SẢN VIỆT NAM" (bold, underlined) and the italic place-and-date line on the right.
* ``title``: a :class:`~partyorg.domain.directives.TitleBlock` from ``title_block(type, title)``, or
  None for a document without a type line.
* ``blocks``: the body, in order: :class:`Paragraph` (or ``str``), :class:`Heading`, :class:`Table`.
* ``signature``: a :class:`~partyorg.domain.directives.SignatureBlock` from ``signature_block(...)``,
  or None (e.g. an unsigned list).
* ``recipients``: the recipients' names; the "Nơi nhận:" block with "- Lưu ..." last is built by
  ``recipients_block`` (``archive`` names the archive line). None or empty: no recipients block.
* DOCX: Times New Roman, ``font_size`` 14 (or 13) for every run, A4 with the 36-HD margins.
  PDF: WeasyPrint with DejaVu Sans (full Vietnamese coverage); ``pypdf`` reads the diacritics back.
* ``landscape=True`` turns the page for wide tables.
* ``heading_for(org, number_symbol, on)`` builds the heading of a document issued by an organization of
  the tree (its parent as the superior body; the place from its address or its name).
"""
from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from html import escape
from typing import Any

from partyorg.domain.directives import (
    DOCX_FONT,
    PartyHeading,
    SignatureBlock,
    TitleBlock,
    check_docx_font,
    party_heading,
    recipients_block,
)

__all__ = ["Heading", "Paragraph", "Table", "Block", "party_docx", "party_pdf", "party_html", "heading_for",
           "place_of", "PDF_FONT"]

PDF_FONT = "DejaVu Sans"
_ALIGNS = ("left", "center", "right", "justify")


@dataclass(frozen=True)
class Paragraph:
    """A body paragraph: justified with a first-line indent unless told otherwise."""

    text: str
    bold: bool = False
    italic: bool = False
    align: str = "justify"
    indent: bool = True

    def __post_init__(self) -> None:
        if self.align not in _ALIGNS:
            raise ValueError(f"align must be one of {_ALIGNS}")


@dataclass(frozen=True)
class Heading:
    """A section heading inside the body (bold, left, no indent): "I. TÌNH HÌNH CHUNG"."""

    text: str


@dataclass(frozen=True)
class Table:
    """A bordered table. ``numeric``: indexes of right-aligned columns; ``widths_cm`` optional widths;
    ``bold_rows``: indexes of rows set in bold (totals)."""

    headers: Sequence[str]
    rows: Sequence[Sequence[object]]
    numeric: Sequence[int] = ()
    widths_cm: Sequence[float] = ()
    caption: str = ""
    bold_rows: Sequence[int] = field(default_factory=tuple)


Block = Paragraph | Heading | Table | str


_PLACE_PREFIXES = ("đảng bộ", "chi bộ", "tỉnh ủy", "thành ủy", "huyện ủy", "quận ủy", "thị ủy", "đảng ủy",
                   "tỉnh", "thành phố", "huyện", "quận", "thị xã", "xã", "phường", "thị trấn", "cơ sở", "bộ phận")


def place_of(org: Any) -> str:
    """The place name of an organization for the date line: the first part of its address, else its name
    without the organizational words ("Đảng bộ tỉnh Alpha" -> "Alpha"); the Central level is "Hà Nội"."""
    address = (getattr(org, "address", "") or "").strip()
    if address:
        return address.split(",")[0].strip()
    if getattr(org, "parent_id", None) is None:
        return "Hà Nội"
    name = " ".join(str(getattr(org, "name", "")).split())
    changed = True
    while changed:
        changed = False
        for prefix in _PLACE_PREFIXES:
            if name.lower().startswith(prefix + " "):
                name, changed = name[len(prefix) + 1:], True
    return name or "Hà Nội"


def heading_for(org: Any, number_symbol: str | None, on: date, *, place: str | None = None) -> PartyHeading:
    """The DI-11 heading of a document issued by an organization of the tree: its parent as the superior
    body, its name as the issuing body, ``place`` (default :func:`place_of`) and ``on`` in the date line."""
    parent = getattr(org, "parent", None)
    return party_heading(parent.name if parent is not None else None, org.name, number_symbol,
                         place or place_of(org), on)


def _blocks(blocks: Sequence[Block]) -> list[Paragraph | Heading | Table]:
    out: list[Paragraph | Heading | Table] = []
    for b in blocks:
        if isinstance(b, str):
            out.append(Paragraph(b))
        elif isinstance(b, Paragraph | Heading | Table):
            out.append(b)
        else:
            raise TypeError(f"unknown block {type(b).__name__}: use Paragraph, Heading, Table or str")
    return out


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "x" if value else ""
    if isinstance(value, int):
        return f"{value:,}".replace(",", ".")  # Vietnamese thousands separator
    return str(value)


def _recipient_lines(recipients: Sequence[str] | None, archive: str) -> tuple[str, ...]:
    if not recipients:
        return ()
    return recipients_block(recipients, archive=archive)


# ---------------------------------------------------------------------------------------------
# DOCX
# ---------------------------------------------------------------------------------------------


def party_docx(
    heading: PartyHeading,
    title: TitleBlock | None,
    blocks: Sequence[Block],
    signature: SignatureBlock | None = None,
    recipients: Sequence[str] | None = None,
    *,
    archive: str = "Lưu Văn phòng",
    font_size: int = 14,
    landscape: bool = False,
) -> bytes:
    """The document as DOCX bytes (python-docx), Times New Roman ``font_size`` pt throughout (DI-11)."""
    decision = check_docx_font(DOCX_FONT, font_size)
    if not decision.ok:
        raise ValueError(str(decision.errors[0]))
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    align = {"left": WD_ALIGN_PARAGRAPH.LEFT, "center": WD_ALIGN_PARAGRAPH.CENTER,
             "right": WD_ALIGN_PARAGRAPH.RIGHT, "justify": WD_ALIGN_PARAGRAPH.JUSTIFY}
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Cm(29.7), Cm(21)
    section.top_margin, section.bottom_margin = Cm(2), Cm(2)
    section.left_margin, section.right_margin = Cm(3), Cm(1.5)
    usable = (29.7 if landscape else 21) - 4.5

    normal = doc.styles["Normal"]
    normal.font.name = DOCX_FONT
    normal.font.size = Pt(font_size)
    rfonts = normal.element.get_or_add_rPr().get_or_add_rFonts()
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        rfonts.set(qn(attr), DOCX_FONT)
    normal.paragraph_format.space_after = Pt(0)

    def run(par, text: str, *, bold: bool = False, italic: bool = False, underline: bool = False,
            size: int = font_size):
        r = par.add_run(text)
        r.font.name = DOCX_FONT
        r.font.size = Pt(size)
        r.bold, r.italic, r.underline = bold, italic, underline
        r._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), DOCX_FONT)
        return r

    def para(container, text: str = "", *, how: str = "center", space_after: float = 0, **fmt):
        p = container.add_paragraph()
        p.alignment = align[how]
        p.paragraph_format.space_after = Pt(space_after)
        if text:
            run(p, text, **fmt)
        return p

    def no_borders(table) -> None:
        from docx.oxml import OxmlElement

        tbl_pr = table._tbl.tblPr
        borders = OxmlElement("w:tblBorders")
        for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
            el = OxmlElement(f"w:{edge}")
            el.set(qn("w:val"), "nil")
            borders.append(el)
        tbl_pr.append(borders)

    # Heading block: two borderless columns.
    left_w, right_w = 7.0, usable - 7.0
    head = doc.add_table(rows=1, cols=2)
    head.alignment = WD_TABLE_ALIGNMENT.CENTER
    head.autofit = False
    no_borders(head)
    lcell, rcell = head.rows[0].cells
    lcell.width, rcell.width = Cm(left_w), Cm(right_w)
    lines: list[tuple[str, dict]] = []
    if heading.superior_body:
        lines.append((heading.superior_body, {}))
    lines.append((heading.issuing_body, {"bold": heading.issuing_body_bold}))
    lines.append((heading.star_line, {}))
    if heading.number_line:
        lines.append((heading.number_line, {}))
    p = lcell.paragraphs[0]
    p.alignment = align["center"]
    for i, (text, fmt) in enumerate(lines):
        target = p if i == 0 else para(lcell)
        target.alignment = align["center"]
        run(target, text, **fmt)
    p = rcell.paragraphs[0]
    p.alignment = align["center"]
    run(p, heading.party_name, bold=heading.party_name_bold, underline=heading.party_name_underlined)
    p = para(rcell, space_after=0)
    p.paragraph_format.space_before = Pt(6)
    run(p, heading.place_date, italic=heading.place_date_italic)

    para(doc, "")
    if title is not None:
        para(doc, title.type_line, bold=True)
        para(doc, title.title_line, bold=True, space_after=12)

    for block in _blocks(blocks):
        if isinstance(block, Heading):
            p = para(doc, block.text, how="left", bold=True, space_after=6)
            p.paragraph_format.space_before = Pt(6)
        elif isinstance(block, Paragraph):
            p = para(doc, block.text, how=block.align, bold=block.bold, italic=block.italic, space_after=6)
            if block.indent and block.align == "justify":
                p.paragraph_format.first_line_indent = Cm(1)
        else:
            if block.caption:
                para(doc, block.caption, how="left", bold=True, space_after=3)
            ncols = len(block.headers)
            t = doc.add_table(rows=1, cols=ncols)
            t.style = doc.styles["Table Grid"]
            t.alignment = WD_TABLE_ALIGNMENT.CENTER
            for i, h in enumerate(block.headers):
                cp = t.rows[0].cells[i].paragraphs[0]
                cp.alignment = align["center"]
                run(cp, str(h), bold=True)
            for ri, row in enumerate(block.rows):
                cells = t.add_row().cells
                for i, value in enumerate(row):
                    cp = cells[i].paragraphs[0]
                    cp.alignment = align["right"] if i in block.numeric else align["left"]
                    run(cp, _cell_text(value), bold=ri in block.bold_rows)
            if block.widths_cm:
                for row_ in t.rows:
                    for i, w in enumerate(block.widths_cm[:ncols]):
                        row_.cells[i].width = Cm(w)
            para(doc, "", space_after=6)

    rec_lines = _recipient_lines(recipients, archive)
    if signature is not None or rec_lines:
        foot = doc.add_table(rows=1, cols=2)
        foot.autofit = False
        no_borders(foot)
        lcell, rcell = foot.rows[0].cells
        lcell.width, rcell.width = Cm(usable / 2), Cm(usable / 2)
        if rec_lines:
            p = lcell.paragraphs[0]
            p.alignment = align["left"]
            run(p, rec_lines[0], bold=True, underline=True)
            for line in rec_lines[1:]:
                run(para(lcell, how="left"), line)
        if signature is not None:
            sig_lines = signature.lines
            p = rcell.paragraphs[0]
            p.alignment = align["center"]
            for i, text in enumerate(sig_lines[:-1]):
                target = p if i == 0 else para(rcell)
                target.alignment = align["center"]
                run(target, text, bold=True)
            for _ in range(3):
                para(rcell)
            run(para(rcell), sig_lines[-1], bold=True)

    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


# ---------------------------------------------------------------------------------------------
# HTML and PDF
# ---------------------------------------------------------------------------------------------

_CSS = """
@page { size: A4 %(orient)s; margin: 20mm 15mm 20mm 30mm;
        @bottom-center { content: counter(page); font-family: "%(font)s"; font-size: 9pt; } }
body { font-family: "%(font)s", sans-serif; font-size: 11pt; line-height: 1.4; color: #000; }
table.party-head, table.party-foot { width: 100%%; border-collapse: collapse; }
table.party-head td, table.party-foot td { border: 0; vertical-align: top; padding: 0; }
table.party-head td.left { width: 42%%; text-align: center; }
table.party-head td.right { text-align: center; }
.party-name { font-weight: bold; text-decoration: underline; }
.place-date { font-style: italic; margin-top: 6pt; }
.issuer { font-weight: bold; }
.title { text-align: center; font-weight: bold; margin: 0; }
.title.type { margin-top: 18pt; }
.title.name { margin-bottom: 12pt; }
p.body { text-align: justify; text-indent: 1cm; margin: 0 0 6pt; }
p.body.noindent { text-indent: 0; }
h2.section { font-size: 11pt; margin: 8pt 0 4pt; }
table.grid { width: 100%%; border-collapse: collapse; margin: 4pt 0 8pt; font-size: 9.5pt; }
table.grid th, table.grid td { border: 0.6pt solid #000; padding: 2pt 4pt; vertical-align: top; }
table.grid th { text-align: center; font-weight: bold; }
table.grid td.num { text-align: right; }
table.grid tr.bold td { font-weight: bold; }
.caption { font-weight: bold; margin: 6pt 0 2pt; }
table.party-foot td.recipients { width: 50%%; font-size: 9.5pt; }
.recipients .label { font-weight: bold; text-decoration: underline; font-size: 11pt; }
table.party-foot td.sign { text-align: center; font-weight: bold; }
.sign .name { margin-top: 48pt; }
"""


def party_html(
    heading: PartyHeading,
    title: TitleBlock | None,
    blocks: Sequence[Block],
    signature: SignatureBlock | None = None,
    recipients: Sequence[str] | None = None,
    *,
    archive: str = "Lưu Văn phòng",
    landscape: bool = False,
) -> str:
    """The document as a standalone printable HTML page (the source of :func:`party_pdf`)."""
    e = escape
    left = []
    if heading.superior_body:
        left.append(f"<div>{e(heading.superior_body)}</div>")
    left.append(f'<div class="issuer">{e(heading.issuing_body)}</div>')
    left.append(f"<div>{e(heading.star_line)}</div>")
    if heading.number_line:
        left.append(f"<div>{e(heading.number_line)}</div>")
    parts = [
        '<table class="party-head"><tr>',
        f'<td class="left">{"".join(left)}</td>',
        f'<td class="right"><div class="party-name">{e(heading.party_name)}</div>'
        f'<div class="place-date">{e(heading.place_date)}</div></td>',
        "</tr></table>",
    ]
    if title is not None:
        parts.append(f'<p class="title type">{e(title.type_line)}</p>')
        parts.append(f'<p class="title name">{e(title.title_line)}</p>')
    for block in _blocks(blocks):
        if isinstance(block, Heading):
            parts.append(f'<h2 class="section">{e(block.text)}</h2>')
        elif isinstance(block, Paragraph):
            cls = "body" if block.indent and block.align == "justify" else "body noindent"
            style = []
            if block.align != "justify":
                style.append(f"text-align:{block.align}")
            if block.bold:
                style.append("font-weight:bold")
            if block.italic:
                style.append("font-style:italic")
            style_attr = f' style="{";".join(style)}"' if style else ""
            parts.append(f'<p class="{cls}"{style_attr}>{e(block.text)}</p>')
        else:
            if block.caption:
                parts.append(f'<div class="caption">{e(block.caption)}</div>')
            parts.append('<table class="grid"><thead><tr>')
            for i, h in enumerate(block.headers):
                width = f' style="width:{block.widths_cm[i]}cm"' if i < len(block.widths_cm) else ""
                parts.append(f"<th{width}>{e(str(h))}</th>")
            parts.append("</tr></thead><tbody>")
            for ri, row in enumerate(block.rows):
                parts.append('<tr class="bold">' if ri in block.bold_rows else "<tr>")
                for i, value in enumerate(row):
                    cls = ' class="num"' if i in block.numeric else ""
                    parts.append(f"<td{cls}>{e(_cell_text(value))}</td>")
                parts.append("</tr>")
            parts.append("</tbody></table>")
    rec_lines = _recipient_lines(recipients, archive)
    if signature is not None or rec_lines:
        parts.append('<table class="party-foot"><tr><td class="recipients">')
        if rec_lines:
            parts.append(f'<div class="label">{e(rec_lines[0])}</div>')
            parts.extend(f"<div>{e(line)}</div>" for line in rec_lines[1:])
        parts.append('</td><td class="sign">')
        if signature is not None:
            lines = signature.lines
            parts.extend(f"<div>{e(line)}</div>" for line in lines[:-1])
            parts.append(f'<div class="name">{e(lines[-1])}</div>')
        parts.append("</td></tr></table>")
    css = _CSS % {"font": PDF_FONT, "orient": "landscape" if landscape else "portrait"}
    doc_title = e(title.title_line if title is not None else heading.issuing_body)
    return (f'<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>{doc_title}</title>'
            f"<style>{css}</style></head><body>{''.join(parts)}</body></html>")


def party_pdf(
    heading: PartyHeading,
    title: TitleBlock | None,
    blocks: Sequence[Block],
    signature: SignatureBlock | None = None,
    recipients: Sequence[str] | None = None,
    *,
    archive: str = "Lưu Văn phòng",
    landscape: bool = False,
) -> bytes:
    """The document as PDF bytes (WeasyPrint, DejaVu Sans) in the DI-11 layout."""
    from weasyprint import HTML

    html = party_html(heading, title, blocks, signature, recipients, archive=archive, landscape=landscape)
    return HTML(string=html).write_pdf()
