"""The whole confidence vote in a real browser (headless Debian Chromium through Playwright), with a
handful of voters: the office plans the vote under QD96 (chosen by date, CV-2), takes the rated persons
from the positions registry (one exempt, CV-7), sets the counting committee, fixes the list, convenes five
members, completes the dossiers (CV-19) and sends them; attendance with three present is refused at the
opening (CV-17), four open it; two members vote electronically from their own accounts and get receipts;
two paper ballots are entered twice with the keyboard only by two clerks; the count closes the box and
the minutes are downloaded as DOCX and PDF and read back; a voter then finds their receipt in the
published list.
"""
from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

from tests.browser.support import logged_in_page, login
from tests.conftest import build_world, new_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world(live_server, transactional_db):
    """The test world with C1's leadership posts and accounts for the convened members, committed."""
    from tests.confidence.conftest import give_positions

    w = build_world()
    give_positions(w)
    for k in ("m2", "m3", "m4", "m5"):
        w.users[f"voter_{k}"] = new_user(f"voter_{k}", member=w.members[k])
    return w


def _as(browser, live_server, username):
    p = logged_in_page(browser, live_server, username)
    return p.context, p


def _post(page, button_text: str) -> None:
    page.click(f"button:has-text('{button_text}')")
    page.wait_for_load_state()


def _vote(browser, live_server, username, box_id, choices):
    ctx, p = _as(browser, live_server, username)
    p.goto(f"{live_server.url}/confidence/")
    p.click("text=Bỏ phiếu")
    assert f"/ballots/{box_id}/vote/" in p.url
    for item_id, code in choices.items():
        p.check(f"input[name='m_{item_id}'][value='{code}']")
    p.click("button:has-text('Bỏ phiếu')")
    receipt = p.locator("#receipt").inner_text().strip()
    ctx.close()
    return receipt


def _enter_papers(browser, live_server, username, box_id, papers):
    """Keyboard only: the paper number, Enter, one key per row (1 cao, 2 tín nhiệm, 3 thấp, 9 nhiều ô), Enter."""
    ctx, p = _as(browser, live_server, username)
    p.goto(f"{live_server.url}/ballots/{box_id}/entry/")
    for no, keys in papers:
        p.locator("#paper_no").wait_for()
        p.focus("#paper_no")
        p.keyboard.press("Control+A")
        p.keyboard.type(str(no))
        p.keyboard.press("Enter")
        for k in keys:
            p.keyboard.press(k)
        with p.expect_navigation():
            p.keyboard.press("Enter")
        assert f"Đã lưu phiếu số {no}" in p.content()
    ctx.close()


def test_whole_confidence_vote_in_the_browser(page, live_server, world, browser, artifacts):
    from partyorg.confidence.models import Conference, Subject

    base = live_server.url
    login(page, live_server, "staff_c1")
    # Plan: QD96 is chosen by the date (CV-2).
    page.goto(f"{base}/confidence/new/?org={world.c1.pk}")
    page.fill("input[name=vote_date]", "2026-11-20")
    page.fill("input[name=place]", "Hội trường xã Một")
    page.click("main button[type=submit]")
    page.wait_for_url(re.compile(r"/confidence/\d+/$"))
    assert page.locator("#rule-set").inner_text() == "QD96-2023"
    conf = Conference.objects.get()
    # Rated persons from the registry: m3 (appointed in 2026) is exempt (CV-7).
    page.goto(f"{base}/confidence/{conf.pk}/subjects/")
    _post(page, "Lấy danh sách từ hồ sơ chức vụ")
    row = page.locator("tr", has_text=world.members["m3"].full_name)
    assert "Miễn" in row.inner_text() and "CV-7" in row.inner_text()
    # Counting committee: m4 (head) and m5.
    page.goto(f"{base}/confidence/{conf.pk}/committee/")
    for k in ("m4", "m5"):
        page.check(f"input[name=member][value='{world.members[k].pk}']")
    page.check(f"input[name=head][value='{world.members['m4'].pk}']")
    _post(page, "Lưu Ban kiểm phiếu")
    page.goto(f"{base}/confidence/{conf.pk}/")
    _post(page, "Chốt danh sách, tạo hòm phiếu")
    assert "Chuẩn bị" in page.locator("h1").inner_text()
    # Convene five members.
    page.goto(f"{base}/confidence/{conf.pk}/roster/")
    for k in ("m1", "m2", "m3", "m4", "m5"):
        page.check(f"input[name=member][value='{world.members[k].pk}']")
    _post(page, "Lưu danh sách triệu tập")
    # Dossiers (CV-19).
    for s in Subject.objects.filter(conference=conf, exempt=False):
        page.goto(f"{base}/confidence/{conf.pk}/subjects/{s.pk}/")
        page.fill("input[name=self_assessment_on]", "2026-10-28")
        page.fill("input[name=declaration_ref]", "Bản kê khai 2025")
        page.check("input[name=declaration_signed_declarant]")
        page.check("input[name=declaration_signed_receiver]")
        _post(page, "Lưu hồ sơ")
        assert "Hồ sơ đủ" in page.content()
    page.goto(f"{base}/confidence/{conf.pk}/")
    _post(page, "Gửi hồ sơ cho người tham gia")
    # Attendance: three of five present is refused at the opening (9 < 10, CV-17).
    page.goto(f"{base}/confidence/{conf.pk}/roster/")
    for k in ("m1", "m2", "m3"):
        page.check(f"input[name=present][value='{world.members[k].pk}']")
    _post(page, "Lưu điểm danh")
    assert "Chưa đủ 2/3" in page.locator("#quorum").inner_text()
    page.goto(f"{base}/confidence/{conf.pk}/")
    _post(page, "Khai mạc")
    assert "CV-17" in page.content()
    page.goto(f"{base}/confidence/{conf.pk}/roster/")
    page.check(f"input[name=present][value='{world.members['m4'].pk}']")
    _post(page, "Lưu điểm danh")
    assert "Đủ 2/3" in page.locator("#quorum").inner_text()
    page.goto(f"{base}/confidence/{conf.pk}/")
    _post(page, "Khai mạc")
    _post(page, "Phát phiếu, bắt đầu bỏ phiếu")
    assert "Đang bỏ phiếu" in page.locator("h1").inner_text()
    conf.refresh_from_db()
    ids = {i["label"]: i["id"] for i in conf.box.items}
    a, b = ids[world.members["m1"].full_name], ids[world.members["m2"].full_name]
    # Two electronic votes from the members' own accounts.
    receipt_m1 = _vote(browser, live_server, "member_m1", conf.box_id, {a: "H", b: "M"})
    _vote(browser, live_server, "voter_m2", conf.box_id, {a: "L", b: "H"})
    # Two paper ballots handed out to m3 and m4, entered twice by two clerks, keyboard only.
    page.goto(f"{base}/confidence/{conf.pk}/voting/")
    for k in ("m3", "m4"):
        page.check(f"input[name=member][value='{world.members[k].pk}']")
    _post(page, "Ghi nhận đã phát phiếu")
    papers = [(1, ["1", "3"]), (2, ["9", "2"])]
    _enter_papers(browser, live_server, "staff_c1", conf.box_id, papers)
    _enter_papers(browser, live_server, "staff_p1", conf.box_id, papers)
    page.goto(f"{base}/confidence/{conf.pk}/voting/")
    assert page.locator("#papers").inner_text() == "2"
    page.screenshot(path=str(artifacts / "confidence-voting.png"), full_page=True)
    # Count: the box closes, the domain tallies the four ballots.
    page.goto(f"{base}/confidence/{conf.pk}/")
    _post(page, "Khóa hòm phiếu, kiểm phiếu, lập biên bản")
    assert "Đã kiểm phiếu" in page.locator("h1").inner_text()
    conf.refresh_from_db()
    assert (conf.issued, conf.collected) == (4, 4)
    page.goto(f"{base}/confidence/{conf.pk}/results/")
    text = page.locator("#results").inner_text()
    assert world.members["m1"].full_name in text and "50,00" in text
    page.screenshot(path=str(artifacts / "confidence-results.png"), full_page=True)
    # Minutes downloaded and read back.
    page.goto(f"{base}/confidence/{conf.pk}/")
    with page.expect_download() as dl:
        page.click("#minutes-docx")
    from docx import Document

    doc = Document(dl.value.path())
    body = "\n".join([p.text for p in doc.paragraphs] + [c.text for t in doc.tables for r in t.rows for c in r.cells])
    assert "BIÊN BẢN" in body and world.members["m2"].full_name in body and conf.frozen_hash in body
    assert "Số phiếu phát ra: 4; số phiếu thu về: 4" in body
    with page.expect_download() as dl:
        page.click("#minutes-pdf")
    from pypdf import PdfReader

    pdf_bytes = Path(dl.value.path()).read_bytes()
    pdf = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(pdf_bytes)).pages)
    assert "BIÊN BẢN" in pdf and "Phạm Thị Dung" in pdf and "QD96-2023" in pdf
    # The voter finds their receipt in the published list, without anyone's choices attached to it.
    ctx, p = _as(browser, live_server, "member_m1")
    p.goto(f"{base}/ballots/{conf.box_id}/receipt/?code={receipt_m1}")
    assert "✔" in p.content()
    ctx.close()
