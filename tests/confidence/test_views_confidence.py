"""Pages and files of the confidence votes: every page renders in its state, files open back with their
Vietnamese text, scopes and publication (CV-46) decide who sees which result rows."""
from __future__ import annotations

import io
from datetime import date

import pytest

from partyorg.confidence import services
from partyorg.confidence.models import Conference, State, Subject

from .conftest import VOTE_DATE, count, enter_paper, give_positions, make_conference, to_voting, vote

FIVE = ("m1", "m2", "m3", "m4", "m5")


def pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    return " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(data)).pages)


def docx_text(data: bytes) -> str:
    from docx import Document

    doc = Document(io.BytesIO(data))
    parts = [p.text for p in doc.paragraphs]
    for t in doc.tables:
        for r in t.rows:
            parts.extend(c.text for c in r.cells)
    return "\n".join(parts)


@pytest.fixture
def counted(world):
    conf = to_voting(world, present=FIVE)
    vote(world, conf, "m1", {"m1": "L", "m2": "H"})
    vote(world, conf, "m2", {"m1": "L", "m2": "M"})
    vote(world, conf, "m3", {"m1": "L", "m2": "H"})
    services.paper_ballots_issue(actor=world.users["staff_c1"], conference_id=conf.pk,
                                 member_ids=[world.members["m4"].pk, world.members["m5"].pk])
    enter_paper(world, conf, 1, {"m1": "H", "m2": "multi"})
    enter_paper(world, conf, 2, {"m1": "M", "m2": "H"})
    return count(world, conf)


def test_pages_of_a_planned_conference(world, client):
    give_positions(world)
    client.force_login(world.users["staff_c1"])
    resp = client.get("/confidence/new/", {"org": world.c1.pk})
    assert resp.status_code == 200 and "Ban Chấp hành Đảng bộ xã Một" in resp.content.decode()
    resp = client.post("/confidence/new/", {
        "organization": world.c1.pk, "title": "Lấy phiếu 2026", "voting_body": "Ban Chấp hành Đảng bộ xã Một",
        "vote_date": "2026-11-20", "body_kind": "party", "rule_set": "", "publication": "",
        "invalidity_scope": "per_row", "nq96_quorum": "record_only", "planning_hold_on_counted": "on",
        "case_reminder_days": "30", "dossier_to_office_days": "20", "dossiers_to_voters_days": "15",
        "questions_to_person_days": "10", "last_explanation_days": "3"})
    assert resp.status_code == 302
    conf = Conference.objects.get(title="Lấy phiếu 2026")
    assert conf.rule_set == "QD96-2023" and conf.settings_overrides == {}
    page = client.get(f"/confidence/{conf.pk}/").content.decode()
    assert "QD96-2023" in page and "Quy định 96-QĐ/TW" in page and "D-20" in page
    client.post(f"/confidence/{conf.pk}/subjects/", {"action": "generate"})
    page = client.get(f"/confidence/{conf.pk}/subjects/").content.decode()
    assert "Nguyễn Văn An" in page and "Miễn" in page and "CV-7" in page
    found = client.get(f"/confidence/{conf.pk}/subjects/", {"q": "Hoàng"}, HTTP_HX_REQUEST="true").content.decode()
    assert "Hoàng Văn Em" in found and "<html" not in found
    s = Subject.objects.get(conference=conf, member=world.members["m1"])
    assert client.get(f"/confidence/{conf.pk}/subjects/{s.pk}/").status_code == 200
    assert client.get(f"/confidence/{conf.pk}/committee/").status_code == 200
    assert client.get(f"/confidence/{conf.pk}/edit/").status_code == 200
    pdf = client.get(f"/confidence/{conf.pk}/ballot.pdf")
    text = pdf_text(pdf.content)
    assert "PHIẾU TÍN NHIỆM" in text and "Nguyễn Văn An" in text and "Tín nhiệm thấp" in text
    assert "Ban kiểm phiếu" in text and "Bí thư" in text and "Hoàng" not in text


def test_refused_transition_is_shown_with_the_rule(world, client):
    """Bilingual errors naming the rule: opening without quorum stays on the page with CV-17."""
    give_positions(world)
    client.force_login(world.users["staff_c1"])
    conf = make_conference(world)
    services.subjects_generate(actor=world.users["staff_c1"], conference_id=conf.pk)
    resp = client.post(f"/confidence/{conf.pk}/", {"action": "open"}, follow=True)
    assert "PLANNED" in resp.content.decode() or "Không thể chuyển" in resp.content.decode()
    conf.refresh_from_db()
    assert conf.state == State.PLANNED


def test_voting_desk_and_roster_pages(world, client):
    conf = to_voting(world)
    client.force_login(world.users["staff_c1"])
    page = client.get(f"/confidence/{conf.pk}/voting/").content.decode()
    assert "Nhập phiếu giấy" in page and f"/ballots/{conf.box_id}/entry/" in page
    part = client.get(f"/confidence/{conf.pk}/voting/", {"part": "counts"}, HTTP_HX_REQUEST="true").content.decode()
    assert 'id="counts"' in part and "<html" not in part
    roster = client.get(f"/confidence/{conf.pk}/roster/").content.decode()
    assert "4/5" in roster and "Đủ 2/3" in roster
    resp = client.post(f"/confidence/{conf.pk}/voting/", {"action": "issue", "member": [world.members["m3"].pk]})
    assert resp.status_code == 302
    from partyorg.ballots.models import Participation

    assert Participation.objects.get(box_id=conf.box_id, member=world.members["m3"]).ballot_issued


def test_minutes_and_results_files_read_back(world, client, counted):
    """Minutes DOCX (Times New Roman) and PDF, the report and the XLSX: counts, percentages over N,
    the rule set, the defaults applied and the hash of the frozen ballots (CV-1, CV-27, CV-31)."""
    client.force_login(world.users["staff_c1"])
    docx = client.get(f"/confidence/{counted.pk}/minutes.docx")
    assert docx.status_code == 200
    text = docx_text(docx.content)
    assert "BIÊN BẢN" in text and "Nguyễn Văn An" in text and "60,00" in text
    assert counted.frozen_hash in text and "QD96-2023" in text and "OP-3 invalidity_scope=per_row" in text
    from docx import Document

    assert Document(io.BytesIO(docx.content)).styles["Normal"].font.name == "Times New Roman"
    pdf = pdf_text(client.get(f"/confidence/{counted.pk}/minutes.pdf").content)
    assert "BIÊN BẢN" in pdf and "Trần Thị Bình" in pdf and "Số phiếu phát ra: 5" in pdf
    assert "Trưởng ban" in pdf and "Phạm Thị Dung" in pdf
    report = docx_text(client.get(f"/confidence/{counted.pk}/report.docx").content)
    assert "BÁO CÁO" in report and "Đưa ra khỏi quy hoạch" in report
    assert "BÁO CÁO" in pdf_text(client.get(f"/confidence/{counted.pk}/report.pdf").content)
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(client.get(f"/confidence/{counted.pk}/results.xlsx").content))
    ws = wb["Kết quả"]
    header = [c.value for c in ws[5]]
    assert header[:4] == ["STT", "Họ và tên", "Chức vụ", "Phiếu phát ra"]
    first = [c.value for c in ws[6]]
    assert first[1] == "Nguyễn Văn An" and first[11] == 3 and float(first[12]) == 60.0
    assert any(r[0].value == "SHA-256 tập phiếu" and r[1].value == counted.frozen_hash for r in wb["Căn cứ"].iter_rows())
    page = client.get(f"/confidence/{counted.pk}/results/").content.decode()
    assert "60,00" in page and "Trên 1/2 đến dưới 2/3" in page


def test_who_sees_which_result_rows(world, client, counted):
    """CV-46: the office sees every row; a rated person sees only their own row once reported; a voter
    sees no row under a Party rule set; another province sees nothing; no page shows a choice."""
    m1 = world.users["member_m1"]     # m1 is rated, and convened
    client.force_login(m1)
    assert client.get(f"/confidence/{counted.pk}/results/").status_code == 404   # not yet reported
    page = client.get(f"/confidence/{counted.pk}/").content.decode()
    assert "Kiểm tra mã biên nhận" in page
    services.conference_report(actor=world.users["staff_c1"], conference_id=counted.pk, data=services.ReportInput(
        recipient="Ban Thường vụ Tỉnh ủy Alpha", number="12-BC/ĐU", report_date=date(2026, 11, 25)))
    own = client.get(f"/confidence/{counted.pk}/results/").content.decode()
    assert "Nguyễn Văn An" in own and "Trần Thị Bình" not in own
    home = client.get("/confidence/").content.decode()
    assert "Kết quả lấy phiếu của tôi" in home
    from .conftest import account

    client.force_login(account(world, "m4"))      # a voter, not rated
    assert client.get(f"/confidence/{counted.pk}/results/").status_code == 404
    Conference.objects.filter(pk=counted.pk).update(publication="voters")
    assert "Trần Thị Bình" in client.get(f"/confidence/{counted.pk}/results/").content.decode()
    client.force_login(world.users["staff_p2"])
    for url in ("", "results/", "minutes.pdf", "roster/", "voting/", "ballot.pdf"):
        assert client.get(f"/confidence/{counted.pk}/{url}").status_code == 404, url
    client.force_login(world.users["staff_p1"])     # managing authority of m2 and the province office
    assert client.get(f"/confidence/{counted.pk}/results/").status_code == 200


def test_case_pages_record_decisions(world, client, counted):
    """CV-36, CV-44: the case page offers the domain's allowed actions and records them."""
    from partyorg.confidence.models import ConsequenceCase

    case = ConsequenceCase.objects.get(member=world.members["m1"])
    client.force_login(world.users["staff_p1"])
    page = client.get(f"/confidence/cases/{case.pk}/").content.decode()
    assert "Quyết định đưa ra khỏi quy hoạch" in page and "tạm dừng quy hoạch" in page
    assert "Nguyễn Văn An" in client.get("/confidence/cases/").content.decode()
    resp = client.post(f"/confidence/cases/{case.pk}/", {"action": "close_case", "closed_on": "2026-12-01"})
    assert resp.status_code == 200 and "CV-45" in resp.content.decode()
    resp = client.post(f"/confidence/cases/{case.pk}/", {"action": "record_planning_removal", "number": "4-QĐ/TU",
                                                        "decided_on": "2026-12-01"})
    assert resp.status_code == 302
    case.refresh_from_db()
    assert case.state == "PLANNING_REMOVED"
    client.force_login(world.users["staff_p2"])
    assert client.get(f"/confidence/cases/{case.pk}/").status_code == 404
    assert "Nguyễn Văn An" not in client.get("/confidence/cases/").content.decode()


def test_home_panel_shows_deadlines_cases_and_votes(world, client, counted):
    """Home page: dossier deadlines (CV-20), open cases (CV-44), an open vote for a convened member."""
    from partyorg.confidence.panels import home_panel

    give = make_conference(world, title="Hội nghị tháng Mười Hai", vote_date=date(2026, 12, 10))
    assert give.state == State.PLANNED
    client.force_login(world.users["staff_c1"])
    body = client.get("/").content.decode()
    assert "Lấy phiếu tín nhiệm" in body and "Nguyễn Văn An" in body
    from django.test import RequestFactory

    req = RequestFactory().get("/")
    req.user = world.users["staff_p2"]
    assert home_panel(req) is None
    assert VOTE_DATE.year == 2026


def test_statistics_over_a_subtree(world, client, counted):
    client.force_login(world.users["staff_p1"])
    page = client.get("/confidence/stats/", {"org": world.p1.pk, "date_from": "2026-01-01",
                                             "date_to": "2026-12-31"}).content.decode()
    assert 'id="votes-held">1<' in page and "Nguyễn Văn An" in page
    client.force_login(world.users["staff_p2"])
    page = client.get("/confidence/stats/").content.decode()
    assert 'id="votes-held">0<' in page and "Nguyễn Văn An" not in page
