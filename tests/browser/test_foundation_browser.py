"""The foundation's user flows in a real browser (headless Debian Chromium through Playwright):
log in, browse the tree with lazily loaded children, search a member without diacritics, import a
CSV with a bad row, merge two organizations and read the history, switch the language, print.

Screenshots of the tree and of the member list go to test-artifacts/ (gitignored) for a human look.
"""
from __future__ import annotations

import re

import pytest

from tests.browser.support import login
from tests.conftest import build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world(live_server, transactional_db):
    """The shared test world, committed so that the live server thread sees it."""
    return build_world()


def test_login_shows_the_home_page_of_the_scope(page, live_server, world):
    login(page, live_server, "staff_p1")
    assert page.locator("h1").inner_text().startswith("Xin chào")
    scope_card = page.locator(".card", has_text="Phạm vi quản lý")
    assert "Đảng bộ tỉnh Alpha" in scope_card.inner_text()
    assert "Đảng bộ tỉnh Beta" not in page.content()


def test_wrong_password_stays_on_the_login_page(page, live_server, world):
    login_url = f"{live_server.url}/accounts/login/"
    page.goto(login_url)
    page.fill("input[name=username]", "staff_p1")
    page.fill("input[name=password]", "not-the-password")
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    assert page.url.startswith(login_url)
    assert page.locator("input[name=password]").is_visible()


def _open_tree(page, live_server, artifacts=None):
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url) if "/children/" in r.url else None)
    page.goto(f"{live_server.url}/org/")
    page.wait_for_load_state("networkidle")
    if artifacts is not None:
        page.screenshot(path=str(artifacts / "tree-initial.png"), full_page=True)
    return page.locator("#tree-root"), requests


def test_tree_root_loads_its_children_without_a_click(page, live_server, world, artifacts):
    login(page, live_server, "staff_p1")
    tree, requests = _open_tree(page, live_server, artifacts)
    tree.locator("summary", has_text="Đảng bộ xã Một").wait_for(timeout=5_000)
    assert "Đang tải" not in tree.inner_text()


def test_tree_expands_a_node_lazily_with_counts(page, live_server, world, artifacts):
    login(page, live_server, "staff_p1")
    tree, requests = _open_tree(page, live_server)
    # The children of the root arrive by htmx with their counts.
    summary = tree.locator("summary", has_text="Đảng bộ xã Một")
    summary.wait_for()
    assert re.search(r"5 đảng viên\s*·\s*2 tổ chức", summary.inner_text()), summary.inner_text()
    assert re.search(r"1 đảng viên\s*·\s*1 tổ chức",
                     tree.locator("summary", has_text="Đảng bộ xã Hai").inner_text())
    assert f"/org/{world.p1.pk}/children/" in " ".join(requests)
    # The cells of the commune are not in the page until the node is opened.
    assert tree.get_by_text("Chi bộ Thôn Một").count() == 0
    summary.locator(".badge").click()  # on the summary, not on the link inside it
    leaf = "li:not(:has(li))"  # a cell: a tree item with no sub-items
    cell = tree.locator(leaf, has_text="Chi bộ Thôn Một")
    cell.wait_for()
    assert f"/org/{world.c1.pk}/children/" in " ".join(requests)
    assert "3 đảng viên" in cell.inner_text()
    assert "2 đảng viên" in tree.locator(leaf, has_text="Chi bộ Thôn Hai").inner_text()
    assert "Đảng bộ tỉnh Beta" not in page.content()
    page.screenshot(path=str(artifacts / "tree.png"), full_page=True)


def test_member_search_without_diacritics(page, live_server, world, artifacts):
    login(page, live_server, "staff_p1")
    page.goto(f"{live_server.url}/members/")
    rows = page.locator("#rows tbody tr")
    assert rows.count() == 6  # the six members of province Alpha, none of Beta
    assert "Đỗ Văn Hùng" not in page.locator("#rows").inner_text()
    page.screenshot(path=str(artifacts / "member-list.png"), full_page=True)
    with page.expect_response(lambda r: "/members/" in r.url and "q=" in r.url):
        page.fill("#id_q", "nguyen van an")
    page.wait_for_function("document.querySelectorAll('#rows tbody tr').length === 1")
    assert "Nguyễn Văn An" in page.locator("#rows tbody").inner_text()
    assert "Trần Thị Bình" not in page.locator("#rows").inner_text()
    assert "q=nguyen" in page.url  # hx-push-url keeps the search in the address bar
    page.screenshot(path=str(artifacts / "member-search.png"), full_page=True)


def test_import_with_one_bad_row_writes_nothing(page, live_server, world, artifacts, tmp_path):
    from partyorg.members.models import Member

    before = Member.objects.count()
    csv = tmp_path / "dang-vien.csv"
    csv.write_text(
        "Họ và tên,Ngày sinh,Giới tính,Số CCCD,Ngày vào Đảng,Ngày chính thức,Mã chi bộ\n"
        "Phan Văn Khải,01/02/1990,Nam,001090000001,03/02/2015,03/02/2016,CELL1\n"
        "Tạ Thị Mai,05/06/1992,Nữ,12345,07/08/2016,07/08/2017,CELL1\n"
        "Lương Văn Nam,09/10/1988,Nam,001088000003,11/12/2014,11/12/2015,CELL2\n",
        encoding="utf-8")
    login(page, live_server, "staff_p1")
    page.goto(f"{live_server.url}/imports/")
    page.select_option("select[name=kind]", "members")
    page.set_input_files("input[name=file]", str(csv))
    page.check("input[name=commit]")
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r"/imports/jobs/[0-9a-f-]+/$"))
    errors = page.locator("#import-errors")
    errors.wait_for()
    rows = errors.locator("tbody tr")
    assert rows.count() == 1, errors.inner_text()
    cells = rows.first.locator("td")
    assert cells.nth(0).inner_text().strip() == "3"  # the header is row 1
    assert cells.nth(1).inner_text().strip() == "Số CCCD"
    assert "12 chữ số" in cells.nth(2).inner_text()
    assert "không ghi dữ liệu nào" in page.locator("h2[role=alert]").inner_text()
    page.screenshot(path=str(artifacts / "import-errors.png"), full_page=True)
    assert Member.objects.count() == before
    assert not Member.objects.filter(full_name__in=["Phan Văn Khải", "Tạ Thị Mai", "Lương Văn Nam"]).exists()


def test_merge_two_cells_and_read_the_history(page, live_server, world, artifacts):
    login(page, live_server, "staff_p1")
    page.goto(f"{live_server.url}/org/{world.c1.pk}/")
    page.click("text=Hợp nhất tổ chức trực thuộc")
    page.wait_for_url(f"{live_server.url}/org/{world.c1.pk}/merge/")
    page.fill("input[name=number]", "12-QĐ/ĐU")
    page.fill("input[name=signed_on]", "2026-03-01")
    page.fill("input[name=effective_on]", "2026-03-15")
    page.fill("input[name=issuer_name]", "Đảng ủy xã Một")
    page.fill("input[name=sources]", f"{world.cell1.pk},{world.cell2.pk}")
    page.fill("input[name=new_name]", "Chi bộ Thôn Một Hai")
    page.fill("input[name=new_code]", "CELL12")
    page.select_option("select[name=new_type]", "cell")
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r"/org/\d+/$"))
    assert page.locator("h1").inner_text().startswith("Chi bộ Thôn Một Hai")
    assert "Đã ghi nhận quyết định" in page.locator(".messages").inner_text()
    merged_from = page.locator("p", has_text="Hợp nhất từ")
    assert "Chi bộ Thôn Một" in merged_from.inner_text() and "Chi bộ Thôn Hai" in merged_from.inner_text()
    history = page.locator("#history")
    assert "12-QĐ/ĐU" in history.inner_text()
    assert "15/03/2026" in history.inner_text()
    links = page.locator("table", has_text="Đảng viên chuyển")
    assert links.locator("tbody tr").count() == 2
    assert "12-QĐ/ĐU" in links.inner_text()
    page.screenshot(path=str(artifacts / "merge-target.png"), full_page=True)
    # The target now has the five members of both cells.
    assert "5" in page.locator("tr", has_text="Tổng số đảng viên").inner_text()
    # The sources are dissolved, with the target as successor.
    merged_from.get_by_role("link", name="Chi bộ Thôn Hai").click()
    page.wait_for_url(f"{live_server.url}/org/{world.cell2.pk}/")
    assert "Đã giải thể 15/03/2026" in page.locator("h1").inner_text()
    assert "Chi bộ Thôn Một Hai" in page.locator("p", has_text="Tổ chức kế thừa").inner_text()
    page.goto(f"{live_server.url}/org/{world.c1.pk}/")
    row = page.locator("tr", has_text="Chi bộ Thôn Một").filter(has_not_text="Hai").first
    assert "Giải thể" in row.inner_text()


def test_language_switch_to_english(page, live_server, world):
    login(page, live_server, "staff_p1")
    page.goto(f"{live_server.url}/org/")
    assert page.locator("html").get_attribute("lang") == "vi"
    with page.expect_navigation():
        page.select_option("#lang", "en")
    assert page.url == f"{live_server.url}/org/"
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("#lang").input_value() == "en"
    # The choice is remembered on the next page.
    page.goto(f"{live_server.url}/members/")
    assert page.locator("html").get_attribute("lang") == "en"
    # ...and can be switched back.
    with page.expect_navigation():
        page.select_option("#lang", "vi")
    assert page.locator("html").get_attribute("lang") == "vi"


def test_english_pages_are_in_english(page, live_server, world):
    login(page, live_server, "staff_p1")
    page.goto(f"{live_server.url}/org/")
    with page.expect_navigation():
        page.select_option("#lang", "en")
    nav = page.locator("header.top nav").inner_text()
    assert "Party members" in nav and "Đảng viên" not in nav


def test_print_hides_the_navigation(page, live_server, world, artifacts):
    login(page, live_server, "staff_p1")
    page.goto(f"{live_server.url}/org/{world.p1.pk}/")
    assert page.locator("header.top nav").is_visible()
    assert page.locator(".actions").is_visible()
    page.emulate_media(media="print")
    assert not page.locator("header.top").is_visible()
    assert not page.locator("header.top nav").is_visible()
    assert not page.locator(".actions").is_visible()
    assert page.locator("h1").is_visible() and page.locator("#history").is_visible()
    page.screenshot(path=str(artifacts / "org-print.png"), full_page=True)
    pdf = page.pdf(format="A4")
    assert pdf[:4] == b"%PDF"
    page.emulate_media(media="screen")
    assert page.locator("header.top nav").is_visible()


def test_member_sees_only_their_own_record_in_the_browser(page, live_server, world):
    login(page, live_server, "member_m1")
    assert "Hồ sơ của tôi" in page.content()
    page.goto(f"{live_server.url}/members/")
    text = page.locator("#rows").inner_text()
    assert "Nguyễn Văn An" in text and "Trần Thị Bình" not in text
    resp = page.goto(f"{live_server.url}/members/{world.members['m2'].pk}/")
    assert resp.status == 404
    assert "Trần Thị Bình" not in page.content()
