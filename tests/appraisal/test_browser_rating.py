"""The December review in a real browser (headless Debian Chromium through Playwright): the commune's
organization commission opens the cycle of a cell, three members assess themselves, the cell secretary
proposes, the grassroots committee decides and hits the quota limit, one result is re-rated (Mẫu 03) and
the statistics follow. Screenshots go to test-artifacts/ for a human look."""
from __future__ import annotations

import re

import pytest

from tests.browser.support import logged_in_page
from tests.conftest import build_world, new_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

@pytest.fixture
def world(live_server, transactional_db):
    from partyorg.accounts.models import Role, RoleGrant

    w = build_world()
    for key in ("m2", "m3"):
        u = new_user(f"member_{key}", member=w.members[key])
        RoleGrant.objects.create(user=u, organization=w.cell1, role=Role.MEMBER)
        w.users[f"member_{key}"] = u
    return w


def as_user(browser, live_server, username: str):
    return logged_in_page(browser, live_server, username)


def self_assess(page, live_server, total_tasks: str, exceeded: str, level: str) -> None:
    page.goto(f"{live_server.url}/appraisal/")
    page.locator(".card", has_text="Kiểm điểm của tôi").get_by_role("link", name="2025").click()
    form = page.locator("#self-assess-form")
    for name, value in (("c_politics_ethics", "15"), ("c_innovation", "5"), ("c_self_criticism", "10"),
                        ("c_task_results", total_tasks), ("tasks_total", "10"), ("tasks_done", "10"),
                        ("tasks_on_time", "10"), ("tasks_exceeded", exceeded)):
        form.locator(f"input[name={name}]").fill(value)
    form.locator("select[name=self_level]").select_option(level)
    form.locator("textarea[name=self_report]").fill("Hoàn thành tốt các nhiệm vụ được chi bộ phân công.")
    form.get_by_role("button", name="Lưu bản tự đánh giá").click()
    page.wait_for_load_state()
    assert "Đã ghi nhận" in page.content()
    assert page.locator("#state").inner_text() == "Đã tự đánh giá"


def test_december_review_of_a_cell(browser, live_server, world, artifacts):
    base = live_server.url
    # 1. The commune's commission opens the cycle of cell 1.
    staff = as_user(browser, live_server, "staff_c1")
    staff.goto(f"{base}/appraisal/")
    staff.get_by_role("link", name="Mở đợt đánh giá").click()
    staff.get_by_role("link", name="Chi bộ Thôn Một").click()
    staff.fill("input[name=year]", "2025")
    staff.fill("input[name=meeting_on]", "2025-12-10")
    staff.get_by_role("button", name="Mở đợt").click()
    staff.wait_for_url(re.compile(r".*/appraisal/org/\d+/2025/$"))
    assert "QD366-2025" in staff.content()
    subjects = staff.locator("#subjects")
    for name in ("Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Đức", "Chi bộ Thôn Một"):
        assert name in subjects.inner_text()
    staff.screenshot(path=str(artifacts / "appraisal-period.png"), full_page=True)

    # 2. Three members assess themselves.
    for username, tasks, exceeded, level in (("member_m1", "65", "4", "excellent"), ("member_m2", "62", "3",
                                             "excellent"), ("member_m3", "55", "0", "good")):
        member = as_user(browser, live_server, username)
        self_assess(member, live_server, tasks, exceeded, level)
        if username == "member_m1":
            assert "Trần Thị Bình" not in member.content()
            member.screenshot(path=str(artifacts / "appraisal-self-assessment.png"), full_page=True)
        member.context.close()

    # 3. The cell secretary appraises and proposes.
    sec = as_user(browser, live_server, "secretary_cell1")
    sec.goto(staff.url)
    for name in ("Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Đức"):
        sec.locator("#subjects").get_by_role("link", name=name).click()
        form = sec.locator("#appraise-form")
        form.locator("textarea[name=note]").fill("Chi bộ đề xuất theo kết quả tự đánh giá.")
        form.get_by_role("button", name="Lưu thẩm định, đề xuất").click()
        sec.wait_for_load_state()
        assert sec.locator("#state").inner_text() == "Đã thẩm định, đề xuất"
        assert "Quy tắc đã áp dụng" in sec.content()
        sec.go_back()
        sec.go_back()
    sec.context.close()

    # 4. The grassroots committee decides and hits the quota limit.
    staff.goto(f"{base}/appraisal/")
    staff.get_by_role("link", name="Mở").first.click()
    staff.get_by_role("link", name="Đảng bộ xã Một").click()
    group = staff.locator(".group", has_text="Đảng viên không giữ chức vụ")
    assert group.locator(".kmax").inner_text() == "0"
    assert group.inner_text().count("→ HTT") == 2
    staff.screenshot(path=str(artifacts / "appraisal-calibration.png"), full_page=True)
    batch = staff.locator("#batch-form")
    batch.get_by_label("Mức Nguyễn Văn An").select_option("excellent")
    batch.locator("input[name=number]").fill("15-QĐ/ĐU")
    batch.locator("input[name=signed_on]").fill("2025-12-20")
    batch.locator("input[name=place]").fill("Xã Một")
    batch.locator("input[name=signer_name]").fill("Nguyễn Văn Bí")
    batch.get_by_role("button", name="Ban hành quyết định").click()
    staff.wait_for_load_state()
    errors = staff.locator("#decide-errors")
    assert "Vượt tỷ lệ hoàn thành xuất sắc nhiệm vụ (AR-33)" in errors.inner_text()
    assert "Quyết định đã ban hành" not in staff.content()
    batch = staff.locator("#batch-form")
    batch.get_by_label("Mức Nguyễn Văn An").select_option("good")
    batch.get_by_role("button", name="Ban hành quyết định").click()
    staff.wait_for_load_state()
    assert "Đã ban hành Quyết định 15-QĐ/ĐU" in staff.content()
    with staff.expect_download() as download:
        staff.get_by_role("link", name="PDF").first.click()
    assert download.value.suggested_filename.endswith(".pdf")

    # 5. Statistics before the re-rating.
    staff.goto(staff.url.replace("/decide/", "/stats/"))
    assert staff.locator("#levels tr[data-level=good] td").first.inner_text() == "3"
    assert staff.locator("#reratings").inner_text() == "0"

    # 6. One result is re-rated (Mẫu 03); the old version stays, cancelled.
    staff.goto(f"{base}/appraisal/")
    staff.get_by_role("link", name="Mở").first.click()
    staff.locator("#subjects").get_by_role("link", name="Trần Thị Bình").click()
    staff.get_by_text("Hủy kết quả, đánh giá xếp loại lại (Mẫu 03)").click()
    form = staff.locator("#rerate-form")
    form.locator("input[name=number]").fill("40-QĐ/ĐU")
    form.locator("input[name=signed_on]").fill("2026-03-10")
    form.locator("input[name=place]").fill("Xã Một")
    form.locator("input[name=signer_name]").fill("Nguyễn Văn Bí")
    form.locator("input[name=authority]").fill("Đảng ủy xã Một")
    form.locator("select[name=ground]").select_option("dishonesty")
    form.locator("textarea[name=reason]").fill("Kê khai kết quả không trung thực")
    form.locator("select[name=new_level]").select_option("completed")
    form.get_by_role("button", name="Ban hành quyết định đánh giá lại").click()
    staff.wait_for_load_state()
    versions = staff.locator("#versions").inner_text()
    assert "Đã hủy" in versions and "40-QĐ/ĐU" in versions
    assert staff.locator("#current-level").inner_text() == "Hoàn thành nhiệm vụ"
    staff.screenshot(path=str(artifacts / "appraisal-rerated.png"), full_page=True)

    # 7. The statistics follow.
    staff.goto(f"{base}/appraisal/")
    staff.get_by_role("link", name="Thống kê").first.click()
    assert staff.locator("#levels tr[data-level=good] td").first.inner_text() == "2"
    assert staff.locator("#levels tr[data-level=completed] td").first.inner_text() == "1"
    assert staff.locator("#reratings").inner_text() == "1"
    assert staff.locator("svg.chart").count() == 1
    staff.screenshot(path=str(artifacts / "appraisal-stats.png"), full_page=True)
