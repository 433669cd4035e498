"""A cell congress in a real browser (headless Debian Chromium through Playwright): a cell of 12 members
elects a 3-member cell committee from a list with one extra name (EL-20), then the secretary from among
the elected (EL-24), by paper ballots that two clerks enter independently (one key per row, or only the
numbers of the struck names), a mismatch resolved against the paper, counted against D (EL-35).

Screenshots go to test-artifacts/ (gitignored) for a human look.
"""
from __future__ import annotations

import re

import pytest

from tests.browser.support import login
from tests.conftest import build_world
from tests.elections.conftest import add_cell_members

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world(live_server, transactional_db):
    w = build_world()
    add_cell_members(w)  # CELL1: m1..m3 and nine more = 12 members
    return w


def _submit(page, selector: str = "main button[type=submit]") -> None:
    with page.expect_navigation():
        page.click(selector)


def _press(page, keys: str) -> int:
    for k in keys:
        page.keyboard.press(k)
    return len(keys)


def _enter_rows(page, box_url: str, ballots: list[str]) -> int:
    """Clerk types each ballot in the one-key-per-row screen; returns the keys pressed."""
    page.goto(box_url)
    keys = 0
    for no, marks in enumerate(ballots, start=1):
        assert page.input_value("#paper_no") == str(no)
        page.keyboard.press("Enter")  # paper number -> first row
        keys += 1 + _press(page, marks)
        with page.expect_navigation():
            page.keyboard.press("Enter")
        keys += 1
        page.get_by_text(f"Đã lưu phiếu số {no}").wait_for()
    return keys


def _enter_numbers(page, box_url: str, struck: list[str]) -> int:
    """Clerk types only the numbers of the struck names (fast mode)."""
    page.goto(box_url + "?mode=numbers")
    keys = 0
    for no, numbers in enumerate(struck, start=1):
        assert page.input_value("#paper_no") == str(no)  # focus is already in the numbers field
        keys += _press(page, numbers)
        with page.expect_navigation():
            page.keyboard.press("Enter")
        keys += 1
        page.get_by_text(f"Đã lưu phiếu số {no}").wait_for()
    return keys


def _show_of_hands(page, form: str, agree="12", disagree="0", attending="12", prefix="") -> None:
    page.fill(f"{form} input[name={prefix}agree]", agree)
    page.fill(f"{form} input[name={prefix}disagree]", disagree)
    page.fill(f"{form} input[name={prefix}attending]", attending)


def _prepare_item(page, base: str, congress_url: str, kind: str, seats: str, candidates: list[str]) -> str:
    page.goto(congress_url)
    page.select_option("select[name=kind]", kind)
    _submit(page, "form:has(input[value=item]) button[type=submit]")
    item_url = page.url
    page.fill("#seats-form input[name=seats]", seats)
    _show_of_hands(page, "#seats-form")
    _submit(page, "#seats-form button[type=submit]")
    _submit(page, "#open-nominations")
    for name in candidates:
        page.select_option("#candidate-form select[name=member]", label=name)
        page.select_option("#candidate-form select[name=source]", "convening")
        _submit(page, "#candidate-form button[type=submit]")
    _submit(page, "#propose-list")
    _show_of_hands(page, "#approve-list-form")
    _submit(page, "#approve-list-form button[type=submit]")
    assert page.inner_text("#item-state") == "Đã thông qua danh sách bầu cử", page.inner_text("main")
    _submit(page, "#round-form button[type=submit]")
    assert "/elections/round/" in page.url
    return item_url


def test_cell_congress_elects_committee_then_secretary_with_double_paper_entry(browser, page, live_server, world,
                                                                                artifacts):
    base = live_server.url
    login(page, live_server, "staff_p1")

    # 1. The congress: rule set chosen by date (EL-2).
    page.goto(f"{base}/elections/new/")
    page.select_option("select[name=org]", str(world.cell1.pk))
    page.fill("input[name=title]", "Đại hội Chi bộ Thôn Một nhiệm kỳ 2025–2030")
    page.select_option("select[name=venue]", "cell_congress")
    page.select_option("select[name=kind]", "members")
    page.fill("input[name=starts_on]", "2025-05-10")
    _submit(page, "main form button[type=submit]")
    congress_url = page.url
    assert page.inner_text("#rule-set") == "QD190-2024"

    # 2. Roll from the registry, everyone present: D = 12 (EL-36).
    page.goto(congress_url + "roll/")
    _submit(page, "button[value=fill]")
    assert page.locator("input[name=present]").count() == 12
    page.get_by_role("button", name="Đánh dấu tất cả có mặt").click()
    _submit(page, "#save-attendance")
    assert page.inner_text("#roll-d") == "12"

    # 3. Counting committee by show of hands (EL-6, EL-7): three members who are not candidates.
    page.goto(congress_url + "bodies/")
    page.select_option("#id_counting-members", label=["Dương Thị Quyên", "Lý Văn Sơn", "Trịnh Thị Tâm"])
    page.select_option("#id_counting-head", label="Dương Thị Quyên")
    _show_of_hands(page, "#body-counting", prefix="counting-")
    _submit(page, "#body-counting button[type=submit]")
    page.goto(congress_url)
    _submit(page, "button[value=open]")
    assert page.inner_text("#congress-state") == "Đang họp"

    # 4. The cell committee: 3 seats, 4 names (one extra, EL-20), list in EL-27 order.
    names = ["Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Đức", "Lê Thị Hoa"]
    _prepare_item(page, base, congress_url, "cell_committee", "3", names)
    round_url = page.url
    assert [x.strip() for x in page.locator("ol li").all_inner_texts()] == names
    pdf = page.request.get(round_url + "ballot.pdf")
    assert pdf.ok and pdf.body()[:4] == b"%PDF"
    _submit(page, "#issue-ballots")
    assert page.inner_text("#issued") == "12"
    entry_url = page.locator("#entry-link").get_attribute("href")

    # 5. Clerk 1 types one key per row (1 keep, 0 struck); the last ballot keeps 4 of 3 (invalid, EL-30).
    rows = ["1110"] * 7 + ["1101"] * 3 + ["1011", "1111"]
    keys_rows = _enter_rows(page, base + entry_url, rows)
    assert keys_rows == 12 * (1 + 4 + 1)
    page.screenshot(path=str(artifacts / "elections-entry-rows.png"), full_page=True)

    # 6. Clerk 2 types only the numbers of the struck names, and mistypes paper 5.
    ctx2 = browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 900})
    page2 = ctx2.new_page()
    page2.set_default_timeout(15_000)
    login(page2, live_server, "staff_c1")
    struck = ["4"] * 4 + ["3"] + ["4"] * 2 + ["3"] * 3 + ["2", ""]
    _enter_numbers(page2, base + entry_url, struck)
    page2.screenshot(path=str(artifacts / "elections-entry-numbers.png"), full_page=True)
    assert "lệch: 1" in page2.inner_text("main") or "lệch" in page2.inner_text("main")
    page2.get_by_role("link", name="Phiếu số 5").click()
    page2.wait_for_load_state()
    for i, code in enumerate(["K", "K", "K", "X"]):
        page2.locator("select[name^=m_]").nth(i).select_option(code)
    page2.fill("input[name=note]", "Đối chiếu phiếu giấy: gạch tên số 4")
    _submit(page2, "main button[type=submit]")
    ctx2.close()

    # 7. Count: 12 collected, 11 valid; A 11, B 10, C 8, D 4; D = 12, at least 7 (EL-35).
    page.goto(round_url)
    _submit(page, "#count-button")
    results = page.inner_text("#results")
    assert re.search(r"hợp lệ:\s*11", results) and "Bầu thừa số lượng cần bầu" in results
    assert page.locator("#results tbody tr").count() == 4
    first = page.locator("#results tbody tr").first.inner_text()
    assert "Nguyễn Văn An" in first and "11" in first and "Trúng cử" in first
    assert "Trúng cử" not in page.locator("#results tbody tr").nth(3).inner_text()
    page.screenshot(path=str(artifacts / "elections-count.png"), full_page=True)
    _submit(page, "#announce")
    assert page.inner_text("#round-state") == "Đã công bố"

    # 8. The secretary from among the elected chi ủy, without surplus (Đồng ý / Không đồng ý).
    item_url = _prepare_item(page, base, congress_url, "secretary", "1", ["Nguyễn Văn An"])
    round_url = page.url
    _submit(page, "#issue-ballots")
    entry_url = page.locator("#entry-link").get_attribute("href")
    yes_no = ["1"] * 10 + ["2", "3"]  # 10 agree, 1 disagree, 1 both boxes (invalid, EL-31)
    _enter_rows(page, base + entry_url, yes_no)
    ctx3 = browser.new_context(locale="vi-VN")
    page3 = ctx3.new_page()
    login(page3, live_server, "staff_c1")
    _enter_rows(page3, base + entry_url, yes_no)
    ctx3.close()
    page.goto(round_url)
    _submit(page, "#count-button")
    assert re.search(r"hợp lệ:\s*11", page.inner_text("#results"))
    _submit(page, "#announce")
    page.goto(item_url)
    assert page.inner_text("#winners") == "Nguyễn Văn An"
    page.goto(congress_url)
    page.screenshot(path=str(artifacts / "elections-congress.png"), full_page=True)
    committee_row = page.locator("tr", has_text="Chi ủy").inner_text()
    assert "Nguyễn Văn An, Trần Thị Bình, Lê Văn Đức" in committee_row
