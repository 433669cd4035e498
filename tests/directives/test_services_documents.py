"""Document register: DI-1 (types, statuses, links), DI-2 (number and symbol, duplicates, search),
attachments stored safely, the seed command."""
from __future__ import annotations

from datetime import date

import pytest
from django.core.management import call_command

from partyorg.core.errors import ApplicationError, NotFoundOrForbidden
from partyorg.core.models import AuditEvent
from partyorg.directives import selectors
from partyorg.directives import services as s
from partyorg.directives.models import Attachment, Document, DocumentLink
from partyorg.domain.directives import DocumentStatus

from .conftest import PDF, TODAY, docx_bytes, register


def _field_errors(exc: ApplicationError) -> dict[str, str]:
    out = {e.field: e.message_vi for e in exc.errors}
    if exc.field:
        out[exc.field] = exc.message_vi
    return out


def test_register_canonicalises_the_symbol_and_audits_DI_2(world):
    """DI-2: "124-QD/TW" typed with a plain D is stored as 124-QĐ/TW; the change is audited."""
    op = world.users["operator"]
    doc = register(op, world.root, "Số 124-QD/TW", doc_type="regulation", body="Bộ Chính trị")
    assert doc.number_symbol == "124-QĐ/TW" and doc.number == 124 and doc.system == "party"
    ev = AuditEvent.objects.filter(action="directives.document.register").get()
    assert ev.target_id == str(doc.pk) and ev.org_path == world.root.path


@pytest.mark.parametrize("symbol", ["QĐ/TW", "124-XYZ/TW", "0-QĐ/TW", "24/2010/CP-NĐ", "124-QĐ-TW", ""])
def test_invalid_number_and_symbol_names_the_field_DI_2(world, symbol):
    with pytest.raises(ApplicationError) as e:
        register(world.users["operator"], world.root, symbol)
    assert "number_symbol" in _field_errors(e.value)
    assert "DI-2" in e.value.message_vi and "DI-2" in e.value.message_en


def test_ambiguous_qd_needs_a_type_and_type_must_match_DI_1_DI_2(world):
    """DI-1: QĐ of the Party is a regulation or a decision: the user chooses; a type that does not match
    the symbol is refused."""
    op = world.users["operator"]
    with pytest.raises(ApplicationError) as e:
        register(op, world.root, "124-QĐ/TW")
    assert "doc_type" in _field_errors(e.value)
    with pytest.raises(ApplicationError) as e:
        register(op, world.root, "25-HD/BTCTW", doc_type="regulation")
    assert "doc_type" in _field_errors(e.value)
    guidance = register(op, world.root, "25-HD/BTCTW", issued_on=date(2023, 11, 10))
    assert guidance.doc_type == "guidance" and guidance.issuing_body == "Ban Tổ chức Trung ương"
    state = register(op, world.root, "24/2010/NĐ-CP", issued_on=date(2010, 3, 15))
    assert state.system == "state" and state.doc_type == "decree" and state.issuing_body == "Chính phủ"


def test_same_symbol_same_body_cannot_be_registered_twice_DI_2(world):
    """DI-2: a duplicate is refused even when typed differently (5 vs 05, QD vs QĐ, another body name
    for a Central issuer); a new Party Congress term numbers afresh."""
    op = world.users["operator"]
    register(op, world.root, "05-KL/BTCTW", issued_on=date(2023, 5, 5))
    with pytest.raises(ApplicationError) as e:
        register(op, world.p1, "5-KL/BTCTW", issued_on=date(2024, 1, 2), body="BTC TW")
    assert "number_symbol" in _field_errors(e.value) and "đã được đăng ký" in e.value.errors[0].message_vi
    # 16-HD/BTCTW of 2018 (term XII) and of 2022 (term XIII) are two documents.
    register(op, world.root, "16-HD/BTCTW", issued_on=date(2018, 5, 1))
    register(op, world.root, "16-HD/BTCTW", issued_on=date(2022, 2, 15))
    # Provincial plans with the same symbol from two provinces are two documents.
    register(op, world.p1, "162-KH/TU", body="Tỉnh ủy Alpha", issued_on=date(2024, 3, 1))
    register(op, world.p2, "162-KH/TU", body="Tỉnh ủy Beta", issued_on=date(2024, 3, 1))
    assert Document.objects.filter(number_symbol="162-KH/TU").count() == 2
    assert s.party_term(date(2021, 1, 31)) == "XII" and s.party_term(date(2021, 2, 1)) == "XIII"


def test_links_and_status_replaced_guided_DI_1(world, central_doc):
    """DI-1: 124-QĐ/TW replaces 132-QĐ/TW (status "replaced" with the link); 25-HD/BTCTW guides 124."""
    op = world.users["operator"]
    old = register(op, world.root, "132-QĐ/TW", doc_type="regulation", issued_on=date(2018, 3, 8))
    guide = register(op, world.root, "25-HD/BTCTW", issued_on=date(2023, 11, 10))
    s.document_link_add(actor=op, source_id=central_doc.pk, target_id=old.pk, kind="replaces")
    s.document_link_add(actor=op, source_id=guide.pk, target_id=central_doc.pk, kind="guides")
    st = selectors.document_statuses(docs=[old, central_doc], today=TODAY)
    assert st[old.pk].status is DocumentStatus.REPLACED and st[old.pk].replaced_by == str(central_doc.pk)
    assert st[central_doc.pk].status is DocumentStatus.IN_FORCE
    view = selectors.document_view(actor=op, document_id=central_doc.pk, today=TODAY)
    assert [x.kind for x in view.links_out] == ["replaces"] and [x.kind for x in view.links_in] == ["guides"]


def test_link_rules_refuse_cycles_older_replacements_and_duplicates_DI_1(world, central_doc):
    op = world.users["operator"]
    old = register(op, world.root, "132-QĐ/TW", doc_type="regulation", issued_on=date(2018, 3, 8))
    with pytest.raises(ApplicationError) as e:
        s.document_link_add(actor=op, source_id=old.pk, target_id=central_doc.pk, kind="replaces")
    assert "target" in _field_errors(e.value)  # an older document cannot replace a newer one
    s.document_link_add(actor=op, source_id=central_doc.pk, target_id=old.pk, kind="replaces")
    with pytest.raises(ApplicationError):
        s.document_link_add(actor=op, source_id=central_doc.pk, target_id=old.pk, kind="replaces")
    with pytest.raises(ApplicationError):
        s.document_link_add(actor=op, source_id=central_doc.pk, target_id=central_doc.pk, kind="guides")
    assert DocumentLink.objects.count() == 1


def test_expired_and_amended_status_DI_1(world):
    op = world.users["operator"]
    base = s.document_register(actor=op, owner_id=world.root.pk, data=s.DocumentInput(
        number_symbol="90/2020/NĐ-CP", issued_on=date(2020, 8, 13), title="Nghị định về đánh giá",
        expires_on=date(2025, 12, 31)))
    amend = register(op, world.root, "48/2023/NĐ-CP", issued_on=date(2023, 7, 17), title="Sửa đổi")
    s.document_link_add(actor=op, source_id=amend.pk, target_id=base.pk, kind="amends")
    assert selectors.document_statuses(docs=[base], today=date(2024, 1, 1))[base.pk].status is DocumentStatus.AMENDED
    assert selectors.document_statuses(docs=[base], today=TODAY)[base.pk].status is DocumentStatus.EXPIRED


def test_search_by_number_symbol_and_title_with_or_without_diacritics_DI_2(world, central_doc):
    op = world.users["operator"]
    register(op, world.root, "25-HD/BTCTW", issued_on=date(2023, 11, 10), title="Hướng dẫn một số nội dung")
    register(op, world.root, "1124-QĐ/TW", doc_type="decision", issued_on=date(2023, 12, 1), title="Quyết định khác")

    def find(q):
        return sorted(d.number_symbol for d in selectors.document_search(
            actor=op, filters=selectors.DocumentFilter(query=q)))

    assert find("124") == ["124-QĐ/TW"]                     # by number: not 1124
    assert find("QĐ/TW") == ["1124-QĐ/TW", "124-QĐ/TW"]     # by symbol
    assert find("124-qd") == ["1124-QĐ/TW", "124-QĐ/TW"]    # symbol typed without Đ
    assert find("danh gia") == ["124-QĐ/TW"]                # title words without diacritics
    assert find("đánh giá") == ["124-QĐ/TW"]                # and with them
    assert find("huong dan") == ["25-HD/BTCTW"]
    assert find("không có") == []


def test_register_is_read_below_and_above_not_sideways(world, central_doc):
    """Scopes: the Central register is read by the provinces; a province's register by its communes and
    by the Central level, not by another province; only the owner's scope writes."""
    op = world.users["operator"]
    p1_doc = register(op, world.p1, "162-KH/TU", body="Tỉnh ủy Alpha", issued_on=date(2024, 3, 1))
    visible = {u: {d.pk for d in selectors.document_qs(actor=world.users[u])} for u in
               ("staff_p1", "staff_c1", "secretary_cell1", "staff_p2", "member_m1", "nobody")}
    assert visible["staff_p1"] == visible["staff_c1"] == visible["secretary_cell1"] == {central_doc.pk, p1_doc.pk}
    assert visible["staff_p2"] == {central_doc.pk}
    assert visible["member_m1"] == visible["nobody"] == set()
    with pytest.raises(NotFoundOrForbidden):
        selectors.document_get(actor=world.users["staff_p2"], document_id=p1_doc.pk)
    with pytest.raises(ApplicationError):  # reads the Central register, cannot edit it
        s.document_update(actor=world.users["staff_p1"], document_id=central_doc.pk, data=s.DocumentInput(
            number_symbol="124-QĐ/TW", issued_on=date(2023, 10, 4), title="Sửa", doc_type="regulation"))
    with pytest.raises(ApplicationError):  # a leader reads but does not write
        register(world.users["leader_p1"], world.p1, "163-KH/TU", body="Tỉnh ủy Alpha")


def test_attachments_checked_by_their_bytes_and_size(world, central_doc, settings):
    op = world.users["operator"]
    atts = s.attachment_add(actor=op, document_id=central_doc.pk, files=[
        s.FileInput("../../etc/Quy định 124.pdf", PDF), s.FileInput("hd.docx", docx_bytes())])
    assert [a.filename for a in atts] == ["Quy định 124.pdf", "hd.docx"]
    assert [a.content_type for a in atts] == ["application/pdf", s.DOCX]
    for name, content in [("virus.pdf", b"MZ\x90\x00"), ("fake.docx", b"PK\x03\x04not a zip"),
                          ("empty.pdf", b""), ("sheet.docx", _zip_without_word())]:
        with pytest.raises(ApplicationError) as e:
            s.attachment_add(actor=op, document_id=central_doc.pk, files=[s.FileInput(name, content)])
        assert e.value.field == "files", name
    settings.PARTYORG_MAX_UPLOAD_BYTES = 20
    with pytest.raises(ApplicationError) as e:
        s.attachment_add(actor=op, document_id=central_doc.pk, files=[s.FileInput("big.pdf", PDF)])
    assert "MB" in e.value.message_vi
    assert Attachment.objects.count() == 2
    with pytest.raises(ApplicationError):  # a province does not attach to the Central register
        s.attachment_add(actor=world.users["staff_p1"], document_id=central_doc.pk, files=[s.FileInput("a.pdf", PDF)])


def _zip_without_word() -> bytes:
    import io
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", "<x/>")
        z.writestr("xl/workbook.xml", "<x/>")
    return buf.getvalue()


def test_download_is_scoped_and_served_as_attachment(world, client):
    op = world.users["operator"]
    p1_doc = register(op, world.p1, "162-KH/TU", body="Tỉnh ủy Alpha", issued_on=date(2024, 3, 1))
    att = s.attachment_add(actor=op, document_id=p1_doc.pk, files=[s.FileInput("kế hoạch.pdf", PDF)])[0]
    client.force_login(world.users["staff_c1"])
    resp = client.get(f"/directives/files/{att.pk}/")
    assert resp.status_code == 200 and resp.content == PDF
    assert resp["Content-Disposition"].startswith("attachment;") and resp["X-Content-Type-Options"] == "nosniff"
    client.force_login(world.users["staff_p2"])
    assert client.get(f"/directives/files/{att.pk}/").status_code == 404
    assert client.get("/directives/files/999999/").status_code == 404


def test_seed_documents_registers_the_spec_documents_with_links_DI_1(world, capsys):
    call_command("seed_documents")
    symbols = set(Document.objects.values_list("number_symbol", flat=True))
    for sym in ["96-QĐ/TW", "262-QĐ/TW", "124-QĐ/TW", "132-QĐ/TW", "366-QĐ/TW", "25-HD/BTCTW", "43-HD/BTCTW",
                "190-QĐ/TW", "244-QĐ/TW", "03-HD/TW", "377-QĐ/TW", "145-QĐ/TW", "96/2023/QH15"]:
        assert sym in symbols, sym
    by = {d.number_symbol: d for d in Document.objects.all()}
    st = selectors.document_statuses(docs=list(by.values()), today=TODAY)
    for replaced, by_sym in [("262-QĐ/TW", "96-QĐ/TW"), ("132-QĐ/TW", "124-QĐ/TW"), ("124-QĐ/TW", "366-QĐ/TW"),
                             ("244-QĐ/TW", "190-QĐ/TW"), ("50-QĐ/TW", "377-QĐ/TW")]:
        assert st[by[replaced].pk].status is DocumentStatus.REPLACED, replaced
        assert st[by[replaced].pk].replaced_by == str(by[by_sym].pk)
    assert DocumentLink.objects.filter(source=by["25-HD/BTCTW"], target=by["124-QĐ/TW"], kind="guides").exists()
    assert st[by["366-QĐ/TW"].pk].status is DocumentStatus.IN_FORCE
    capsys.readouterr()
    call_command("seed_documents")
    assert "0 registered" in capsys.readouterr().out
