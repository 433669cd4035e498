"""The directives flow in a real browser (headless Debian Chromium through Playwright), DI-1..DI-10:
the Central commission registers a regulation and holds an online conference with three bridge points;
it issues a requirement to three provinces; two submit (one late); the compliance view shows 2/3 with
the missing one; a province raises an obstacle and gets an answer; the quarterly reports roll up.
"""
from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.browser.support import logged_in_page
from tests.conftest import build_world, new_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world(live_server, transactional_db):
    """The test world plus a third province and a Central commission staff account, committed."""
    from partyorg.accounts.models import Role, RoleGrant
    from partyorg.organizations.models import OrgType
    from partyorg.organizations.services import organization_create

    w = build_world()
    w.p3 = organization_create(actor=w.users["operator"], parent_id=w.root.pk, name="Đảng bộ tỉnh Gamma",
                               code="P3", org_type=OrgType.PROVINCIAL)
    for username, org in (("staff_tw", w.root), ("staff_p3", w.p3)):
        u = new_user(username)
        RoleGrant.objects.create(user=u, organization=org, role=Role.STAFF)
        w.users[username] = u
    return w


def _as(browser, live_server, username):
    p = logged_in_page(browser, live_server, username)
    return p.context, p


def test_central_regulation_conference_requirement_compliance_obstacle_reports(
        browser, live_server, world, artifacts):
    from partyorg.directives.models import Document, Requirement
    from partyorg.domain.directives import PeriodKind, period_containing

    url = live_server.url
    today = timezone.localdate()
    deadline = today - timedelta(days=10)

    # DI-1, DI-2: the Central commission registers a regulation (typed with a plain D).
    ctx, page = _as(browser, live_server, "staff_tw")
    page.goto(f"{url}/directives/documents/new/")
    page.fill("input[name=number_symbol]", "366-QD/TW")
    page.select_option("select[name=doc_type]", "regulation")
    page.fill("input[name=issued_on]", "2025-08-30")
    page.fill("input[name=issuing_body]", "Bộ Chính trị")
    page.fill("textarea[name=title]", "Quy định về kiểm điểm, đánh giá, xếp loại chất lượng")
    page.click("main button[type=submit]")
    page.wait_for_url(f"{url}/directives/documents/*/")
    assert "366-QĐ/TW" in page.inner_text("h1")
    doc = Document.objects.get(number_symbol="366-QĐ/TW")
    page.goto(f"{url}/directives/documents/?q=danh+gia")
    assert "366-QĐ/TW" in page.inner_text("#rows")

    # DI-3: an online conference with three bridge points; totals computed.
    page.goto(f"{url}/directives/conferences/new/")
    page.fill("input[name=title]", "Hội nghị toàn quốc quán triệt Quy định 366")
    page.fill("input[name=held_at]", "2025-09-10T08:00")
    page.select_option("select[name=mode]", "online")
    page.fill("input[name=chair]", "Trưởng Ban Tổ chức Trung ương")
    page.select_option("select[name=documents]", [str(doc.pk)])
    for org, n in ((world.p1, 320), (world.p2, 280), (world.p3, 150)):
        page.fill(f"input[name=bp_{org.pk}]", str(n))
    page.click("main form button[type=submit]")
    page.wait_for_url(f"{url}/directives/conferences/*/")
    totals = page.inner_text("#totals")
    assert "3 điểm cầu" in totals and "750 người dự" in totals

    # DI-4: a requirement to the three provinces (level 1), deadline ten days ago.
    page.goto(f"{url}/directives/requirements/new/?document={doc.pk}")
    page.fill("input[name=title]", "Ban hành kế hoạch thực hiện Quy định 366")
    page.select_option("select[name=deliverable]", "implementation_plan")
    page.fill("input[name=issued_on]", (today - timedelta(days=30)).isoformat())
    page.fill("input[name=deadline]", deadline.isoformat())
    page.check("input[name=levels][value='1']")
    page.click("main form button[type=submit]")
    page.wait_for_url(f"{url}/directives/requirements/*/")
    req = Requirement.objects.get(title="Ban hành kế hoạch thực hiện Quy định 366")
    assert req.addressees.count() == 3
    ctx.close()

    # DI-5: two provinces submit, one on time and one late.
    for username, org, number, on in (("staff_p1", world.p1, "162-KH/TU", deadline - timedelta(days=2)),
                                      ("staff_p2", world.p2, "95-KH/TU", today)):
        ctx, page = _as(browser, live_server, username)
        page.goto(f"{url}/directives/requirements/{req.pk}/")
        page.click(f"a[href$='submit/?org={org.pk}']")
        page.fill("input[name=submitted_on]", on.isoformat())
        page.fill("input[name=document_number]", number)
        page.fill("input[name=document_date]", on.isoformat())
        page.click("main form button[type=submit]")
        page.wait_for_url(f"{url}/directives/requirements/{req.pk}/")
        assert "Đã nộp" in page.inner_text(".messages")
        ctx.close()

    # DI-6: the compliance view shows 2/3 and the missing province, with a chart.
    ctx, page = _as(browser, live_server, "staff_tw")
    page.goto(f"{url}/directives/requirements/{req.pk}/")
    assert page.inner_text("#compliance-label") == "2/3"
    assert page.locator("svg.bar").count() >= 1
    rows = page.inner_text("#addressees")
    assert "Đã nộp đúng hạn" in rows and "Đã nộp muộn" in rows
    page.click("text=Chỉ xem đơn vị chưa nộp")
    page.wait_for_function("document.querySelector('#addressees').innerText.indexOf('Alpha') < 0")
    missing = page.inner_text("#addressees")
    assert "Đảng bộ tỉnh Gamma" in missing and "Quá hạn" in missing and "Đảng bộ tỉnh Beta" not in missing
    page.screenshot(path=str(artifacts / "directives-compliance.png"), full_page=True)
    ctx.close()

    # DI-7: a province raises an obstacle about the regulation; the Central commission answers it.
    ctx, page = _as(browser, live_server, "staff_p3")
    page.goto(f"{url}/directives/documents/{doc.pk}/obstacle/")
    page.fill("textarea[name=question]", "Đề nghị hướng dẫn cách xếp loại đảng viên mới chuyển đến")
    page.click("main form button[type=submit]")
    page.wait_for_url(f"{url}/directives/obstacles/*/")
    obstacle_url = page.url
    ctx.close()
    ctx, page = _as(browser, live_server, "staff_tw")
    page.goto(f"{url}/")
    assert "Đề nghị hướng dẫn cách xếp loại" in page.inner_text("main")  # the home panel
    page.goto(obstacle_url)
    page.fill("textarea[name=answer]", "Xếp loại tại nơi sinh hoạt từ đủ 6 tháng trở lên")
    page.check("input[name=share]")
    page.click("main form button[type=submit]")
    ctx.close()
    ctx, page = _as(browser, live_server, "staff_p3")
    page.goto(obstacle_url)
    assert "Xếp loại tại nơi sinh hoạt từ đủ 6 tháng trở lên" in page.inner_text("main")
    ctx.close()

    # DI-8, DI-9: the quarterly report template; two provinces report; the Central report rolls up 2/3.
    ctx, page = _as(browser, live_server, "staff_tw")
    page.goto(f"{url}/directives/reports/templates/new/")
    page.fill("input[name=name]", "Báo cáo công tác tổ chức xây dựng Đảng")
    page.select_option("select[name=period_kind]", "quarter")
    page.fill("textarea[name=sections]", "general | Tình hình chung\nnext | Nhiệm vụ quý tới")
    page.fill("textarea[name=indicators]", "conferences | Số hội nghị quán triệt | sum\n"
                                           "admitted | Số đảng viên mới kết nạp | sum | | members_admitted")
    page.click("main form button[type=submit]")
    page.wait_for_url(f"{url}/directives/reports/templates/*/")
    template_id = page.url.rstrip("/").rsplit("/", 1)[-1]
    ctx.close()
    period = period_containing(PeriodKind.QUARTER, today)
    for username, org, n in (("staff_p1", world.p1, "4"), ("staff_p2", world.p2, "3")):
        ctx, page = _as(browser, live_server, username)
        page.goto(f"{url}/directives/reports/open/")
        page.select_option("select[name=template]", template_id)
        page.select_option("select[name=org]", str(org.pk))
        page.fill("input[name=year]", str(period.year))
        page.fill("input[name=index]", str(period.index))
        page.click("main form button[type=submit]")
        page.wait_for_url(f"{url}/directives/reports/*/")
        page.fill("input[name=i_conferences]", n)
        page.click("main form.stack button[type=submit]")
        page.wait_for_url(f"{url}/directives/reports/*/")
        page.click("#submit-report")
        page.wait_for_selector("#report-state:has-text('Đã nộp')")
        ctx.close()
    ctx, page = _as(browser, live_server, "staff_tw")
    page.goto(f"{url}/directives/reports/open/")
    page.select_option("select[name=template]", template_id)
    page.select_option("select[name=org]", str(world.root.pk))
    page.fill("input[name=year]", str(period.year))
    page.fill("input[name=index]", str(period.index))
    page.click("main form button[type=submit]")
    page.wait_for_url(f"{url}/directives/reports/*/")
    assert page.inner_text("#children-included") == "2/3"
    body = page.inner_text("main")
    assert "chưa đủ" in body
    row = page.inner_text("#indicators tr:has-text('Số hội nghị quán triệt')")
    assert "7" in row and "2/3" in row
    page.screenshot(path=str(artifacts / "directives-report.png"), full_page=True)
    with page.expect_download() as dl:
        page.click("text=Tải DOCX")
    assert dl.value.suggested_filename.endswith(".docx")
    ctx.close()
