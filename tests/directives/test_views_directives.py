"""The pages of the directives area: every page renders for the roles that read it, forms call the
services and show their errors on the named field, files come back as downloads."""
from __future__ import annotations

import io
from datetime import UTC, date, datetime

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from partyorg.directives import services as s
from partyorg.directives.models import Addressee, Conference, Document, Obstacle, PeriodicReport, Requirement

from .conftest import PDF, TODAY, issue, submit


@pytest.fixture
def data(world, central_doc):
    op = world.users["operator"]
    conf = s.conference_create(actor=op, host_id=world.root.pk, data=s.ConferenceInput(
        title="Hội nghị toàn quốc quán triệt Quy định 124", held_at=datetime(2026, 1, 20, 1, tzinfo=UTC),
        mode="online", chair="Trưởng Ban Tổ chức Trung ương", document_ids=(central_doc.pk,),
        bridge_points=((world.p1.pk, 300), (world.p2.pk, 200))))
    s.attachment_add(actor=op, conference_id=conf.pk, files=[s.FileInput("bien-ban.pdf", PDF)])
    req = issue(op, world.root, [central_doc], levels=[1, 2], title="Ban hành kế hoạch thực hiện 124")
    submit(op, req, world.p1, date(2026, 2, 10))
    ob = s.obstacle_raise(actor=op, asker_id=world.p1.pk, document_id=central_doc.pk, question="Vướng mắc tỷ lệ",
                          today=TODAY, requirement_id=req.pk)
    tpl = s.report_template_create(actor=op, owner_id=world.root.pk, name="Báo cáo quý", period_kind="quarter",
                                   sections=[{"code": "general", "title_vi": "Tình hình chung"}],
                                   indicators=[{"code": "admitted", "label_vi": "Kết nạp", "rule": "sum",
                                                "source": "system", "source_key": "members_admitted"}])
    rep = s.report_open(actor=op, template_id=tpl.pk, org_id=world.p1.pk, year=2026, index=1, today=TODAY)
    return {"doc": central_doc, "conf": conf, "req": req, "ob": ob, "tpl": tpl, "rep": rep}


def _pages(d):
    return [
        reverse("directives:home"), reverse("directives:documents"), reverse("directives:document_new"),
        reverse("directives:document_detail", args=[d["doc"].pk]), reverse("directives:obstacle_new",
                                                                           args=[d["doc"].pk]),
        reverse("directives:conferences"), reverse("directives:conference_new"),
        reverse("directives:conference_detail", args=[d["conf"].pk]), reverse("directives:requirements"),
        reverse("directives:requirement_new"), reverse("directives:requirement_detail", args=[d["req"].pk]),
        reverse("directives:obstacles"), reverse("directives:obstacle_detail", args=[d["ob"].pk]),
        reverse("directives:reports"), reverse("directives:report_open"), reverse("directives:template_new"),
        reverse("directives:template_detail", args=[d["tpl"].pk]),
        reverse("directives:report_detail", args=[d["rep"].pk]), reverse("directives:digest"),
    ]


@pytest.mark.parametrize("role", ["operator", "staff_p1"])
def test_every_page_renders(world, data, client, role):
    client.force_login(world.users[role])
    for url in _pages(data):
        resp = client.get(url)
        assert resp.status_code == 200, (url, resp.status_code)
        assert "Văn bản, chỉ đạo" in resp.content.decode()


def test_core_home_shows_the_panel(world, data, client):
    client.force_login(world.users["staff_p1"])
    html = client.get("/").content.decode()
    assert "Văn bản, chỉ đạo" in html and "Ban hành kế hoạch thực hiện 124" in html


def test_province_reads_the_central_requirement_and_its_own_part(world, data, client):
    client.force_login(world.users["staff_p1"])
    html = client.get(reverse("directives:requirement_detail", args=[data["req"].pk])).content.decode()
    assert "Đảng bộ tỉnh Alpha" in html and "Đảng bộ tỉnh Beta" not in html
    assert 'id="compliance-label">1/3<' in html  # P1 and its two communes
    frag = client.get(reverse("directives:requirement_detail", args=[data["req"].pk]),
                      {"org": world.c1.pk}, HTTP_HX_REQUEST="true")
    assert frag.status_code == 200 and "<html" not in frag.content.decode()
    assert client.get(reverse("directives:requirement_detail", args=[data["req"].pk]),
                      {"org": world.c3.pk}).status_code == 404


def test_register_form_shows_the_error_on_the_field(world, client):
    client.force_login(world.users["staff_p1"])
    resp = client.post(reverse("directives:document_new"), {
        "owner": world.p1.pk, "number_symbol": "162/KH/TU", "issued_on": "2024-03-01", "title": "Kế hoạch"})
    assert resp.status_code == 200
    form = resp.context["form"]
    assert "number_symbol" in form.errors and "DI-2" in form.errors["number_symbol"][0]
    resp = client.post(reverse("directives:document_new"), {
        "owner": world.p1.pk, "number_symbol": "162-KH/TU", "issued_on": "2024-03-01", "title": "Kế hoạch",
        "issuing_body": "Tỉnh ủy Alpha"})
    doc = Document.objects.get(number_symbol="162-KH/TU")
    assert resp.status_code == 302 and doc.owner == world.p1


def test_search_htmx_and_register_xlsx(world, data, client):
    client.force_login(world.users["staff_c1"])
    rows = client.get(reverse("directives:documents"), {"q": "danh gia"}, HTTP_HX_REQUEST="true")
    assert "124-QĐ/TW" in rows.content.decode() and "<html" not in rows.content.decode()
    resp = client.get(reverse("directives:documents_xlsx"))
    wb = load_workbook(io.BytesIO(resp.content))
    assert [r[1] for r in wb.active.iter_rows(min_row=2, values_only=True)] == ["124-QĐ/TW"]
    assert resp["Content-Disposition"].startswith("attachment")


def test_issue_submit_return_through_the_pages(world, data, client):
    client.force_login(world.users["staff_p1"])
    resp = client.post(reverse("directives:requirement_new"), {
        "issuer": world.p1.pk, "title": "Tổ chức hội nghị triển khai", "documents": [data["doc"].pk],
        "deliverable": "implementation_plan", "issued_on": "2026-03-01", "deadline": "2026-03-31",
        "chosen": [world.c1.pk], "chosen_codes": "C2"})
    assert resp.status_code == 302, resp.context["form"].errors
    req = Requirement.objects.get(title="Tổ chức hội nghị triển khai")
    assert Addressee.objects.filter(requirement=req).count() == 2
    client.force_login(world.users["staff_c1"])
    url = reverse("directives:requirement_submit", args=[req.pk]) + f"?org={world.c1.pk}"
    assert client.get(url).status_code == 200
    from django.core.files.uploadedfile import SimpleUploadedFile

    resp = client.post(url, {"org": world.c1.pk, "submitted_on": TODAY.isoformat(), "document_number": "15-KH/ĐU",
                             "document_date": TODAY.isoformat(),
                             "files": [SimpleUploadedFile("ke-hoach.pdf", PDF, "application/pdf")]})
    assert resp.status_code == 302
    assert client.get(reverse("directives:requirement_submit", args=[req.pk]) + f"?org={world.c2.pk}"
                      ).status_code == 404
    client.force_login(world.users["staff_p1"])
    resp = client.post(reverse("directives:requirement_return", args=[req.pk]),
                       {"org": world.c1.pk, "reason": "Thiếu phụ lục"})
    assert resp.status_code == 302
    assert Addressee.objects.get(requirement=req, organization=world.c1).state == "returned"
    pdf = client.get(reverse("directives:requirement_pdf", args=[req.pk]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    xlsx = client.get(reverse("directives:requirement_xlsx", args=[req.pk]))
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"


def test_conference_form_with_bridge_points(world, data, client):
    client.force_login(world.users["staff_p1"])
    resp = client.post(reverse("directives:conference_new"), {
        "host": world.p1.pk, "title": "Hội nghị tỉnh Alpha", "held_at": "2026-02-03T08:00", "mode": "online",
        "chair": "Bí thư Tỉnh ủy", "documents": [data["doc"].pk], "in_person_participants": 0,
        "follows": data["conf"].pk, f"bp_{world.p1.pk}": 120, f"bp_{world.c1.pk}": 40,
        "other_bridge_points": "CELL3: 12"})
    assert resp.status_code == 302, resp.context["form"].errors
    conf = Conference.objects.get(title="Hội nghị tỉnh Alpha")
    assert conf.follows == data["conf"] and conf.bridge_points.count() == 3
    page = client.get(reverse("directives:conference_detail", args=[conf.pk])).content.decode()
    assert "172" in page
    resp = client.post(reverse("directives:conference_new"), {
        "host": world.p1.pk, "title": "Trực tuyến thiếu điểm cầu", "held_at": "2026-02-03T08:00", "mode": "online",
        "chair": "Bí thư", "documents": [data["doc"].pk], "in_person_participants": 0})
    assert resp.status_code == 200 and "điểm cầu" in str(resp.context["form"].errors)


def test_obstacle_pages_and_answer(world, data, client):
    client.force_login(world.users["operator"])
    resp = client.post(reverse("directives:obstacle_detail", args=[data["ob"].pk]),
                       {"answer": "Tính theo số đảng viên chính thức", "share": "on"})
    assert resp.status_code == 302
    data["ob"].refresh_from_db()
    assert data["ob"].shared and data["ob"].answered_on
    client.force_login(world.users["staff_p2"])  # addressed: reads the shared answer without the asker
    html = client.get(reverse("directives:obstacle_detail", args=[data["ob"].pk])).content.decode()
    assert "Tính theo số đảng viên chính thức" in html and "Đảng bộ tỉnh Alpha" not in html
    assert client.post(reverse("directives:obstacle_detail", args=[data["ob"].pk]),
                       {"answer": "sửa trái phép"}).status_code == 404


def test_report_pages_submit_reopen_and_files(world, data, client):
    rep = data["rep"]
    client.force_login(world.users["staff_p1"])
    resp = client.post(reverse("directives:report_detail", args=[rep.pk]),
                       {"i_admitted": "7", "s_general": "Ổn định"})
    assert resp.status_code == 302
    assert client.post(reverse("directives:report_submit", args=[rep.pk])).status_code == 302
    rep.refresh_from_db()
    assert rep.state == "submitted" and rep.values["admitted"] == 7
    html = client.get(reverse("directives:report_detail", args=[rep.pk])).content.decode()
    assert "báo cáo đã nộp bị khóa" in html and "Mở lại" not in html
    docx = client.get(reverse("directives:report_docx", args=[rep.pk]))
    assert docx.status_code == 200 and docx.content[:2] == b"PK"
    assert client.get(reverse("directives:report_xlsx", args=[rep.pk])).status_code == 200
    client.force_login(world.users["operator"])
    client.post(reverse("directives:report_reopen", args=[rep.pk]), {"reason": "Sửa số liệu"})
    rep.refresh_from_db()
    assert rep.state == "draft"


def test_template_form_parses_formulas(world, client):
    client.force_login(world.users["staff_p1"])
    resp = client.post(reverse("directives:template_new"), {
        "owner": world.p1.pk, "name": "Báo cáo 6 tháng", "period_kind": "half_year", "due_offset_days": 10,
        "sections": "general | Tình hình chung\nnext | Nhiệm vụ",
        "indicators": "admitted | Kết nạp | sum | | members_admitted\ntarget | Chỉ tiêu\n"
                      "rate | Tỷ lệ | computed | 100 * admitted / target |"})
    assert resp.status_code == 302, resp.context["form"].errors
    resp = client.post(reverse("directives:template_new"), {
        "owner": world.p1.pk, "name": "Sai", "period_kind": "quarter", "sections": "a | A",
        "indicators": "rate | Tỷ lệ | computed | 100 * x / y |"})
    assert resp.status_code == 200 and "indicators" in resp.context["form"].errors


def test_empty_and_foreign_posts_change_nothing(world, data, client):
    client.force_login(world.users["staff_p2"])
    counts = (Document.objects.count(), PeriodicReport.objects.count(), Obstacle.objects.count())
    for name in ["document_new", "conference_new", "requirement_new", "report_open", "template_new", "digest"]:
        assert client.post(reverse(f"directives:{name}"), {}).status_code in (200, 404)
    assert client.post(reverse("directives:report_submit", args=[data["rep"].pk])).status_code == 404
    assert client.post(reverse("directives:requirement_close", args=[data["req"].pk])).status_code == 404
    assert (Document.objects.count(), PeriodicReport.objects.count(), Obstacle.objects.count()) == counts
