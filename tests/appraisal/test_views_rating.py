"""The pages: thin views over the services, scoped, errors shown on the named field in Vietnamese."""
from datetime import date

import pytest
from django.test import Client

from partyorg.appraisal.models import Rating, RatingCycle, State
from tests.appraisal.conftest import appraise, rating_of, self_assess, unit_rating


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_open_a_cycle_from_the_page(world):
    c = client_for(world.users["staff_c1"])
    page = c.get(f"/appraisal/org/{world.c1.pk}/open/")
    assert page.status_code == 200 and "Chi bộ Thôn Một" in page.content.decode()
    resp = c.post(f"/appraisal/org/{world.cell1.pk}/open/", {"year": "2025", "meeting_on": "2025-12-10"})
    assert resp.status_code == 302 and resp["Location"] == f"/appraisal/org/{world.cell1.pk}/2025/"
    text = c.get(resp["Location"]).content.decode()
    assert "QD366-2025" in text and "Nguyễn Văn An" in text and "AR-1" in text
    again = c.post(f"/appraisal/org/{world.cell1.pk}/open/", {"year": "2025", "meeting_on": "2025-12-10"})
    assert again.status_code == 200 and "Đã có đợt đánh giá 2025" in again.content.decode()
    assert RatingCycle.objects.count() == 1


def test_member_self_assesses_on_the_page_and_sees_only_their_own(world, cell1_cycle):
    me = client_for(world.users["member_m1"])
    m1, m2 = world.members["m1"], world.members["m2"]
    url = f"/appraisal/2025/member/{m1.pk}/"
    page = me.get(url).content.decode()
    assert "Tự đánh giá" in page and "Thẩm định và đề xuất" not in page
    form = {"action": "self_assess", "c_politics_ethics": "15", "c_innovation": "5", "c_self_criticism": "10",
            "c_task_results": "65", "tasks_total": "10", "tasks_done": "10", "tasks_on_time": "10",
            "tasks_exceeded": "1", "shortcomings_found": "0", "shortcomings_remedied": "0", "self_level": "excellent"}
    bad = me.post(url, {**form, "c_task_results": "71"})
    assert bad.status_code == 200 and "criteria.task_results" in bad.content.decode()
    assert me.post(url, form).status_code == 302
    r = rating_of(m1)
    assert (r.state, r.score_total_x10) == (State.SELF_ASSESSED, 950)
    assert me.get(f"/appraisal/2025/member/{m2.pk}/").status_code == 404
    assert me.post(f"/appraisal/2025/member/{m2.pk}/", form).status_code == 404
    assert me.get(f"/appraisal/org/{world.cell1.pk}/2025/").status_code == 404
    assert me.get(f"/appraisal/org/{world.c1.pk}/2025/decide/").status_code == 404
    home = me.get("/appraisal/").content.decode()
    assert "Kiểm điểm của tôi" in home and "Trần Thị Bình" not in home


def test_secretary_proposes_and_committee_decides_on_the_pages(world, cell1_cycle):
    staff, sec = world.users["staff_c1"], world.users["secretary_cell1"]
    for key, total, e in (("m1", 95, 4), ("m2", 85, 0), ("m3", 82, 0)):
        self_assess(sec, rating_of(world.members[key]), total, E=e)
    s = client_for(sec)
    for key in ("m1", "m2", "m3"):
        url = f"/appraisal/2025/member/{world.members[key].pk}/"
        assert s.post(url, {"action": "appraise", "sick_leave_days": "0", "note": "Đề xuất"}).status_code == 302
    assert s.get(f"/appraisal/org/{world.c1.pk}/2025/decide/").status_code == 404
    c = client_for(staff)
    page = c.get(f"/appraisal/org/{world.c1.pk}/2025/decide/").content.decode()
    assert "Tối đa được xếp xuất sắc" in page and "→ HTT" in page
    rs = [rating_of(world.members[k]) for k in ("m1", "m2", "m3")]
    post = {"action": "decide", "number": "15-QĐ/ĐU", "signed_on": "2025-12-20", "place": "Xã Một",
            "signer_name": "Nguyễn Văn Bí", "signer_title": "Bí thư", "on_behalf_of": "Đảng ủy"}
    for r in rs:
        post[f"pick_{r.pk}"] = "on"
        post[f"level_{r.pk}"] = "good"
    over = c.post(f"/appraisal/org/{world.c1.pk}/2025/decide/", {**post, f"level_{rs[0].pk}": "excellent"})
    assert over.status_code == 200 and "Vượt tỷ lệ hoàn thành xuất sắc" in over.content.decode()
    assert not Rating.objects.filter(state=State.DECIDED).exists()
    ok = c.post(f"/appraisal/org/{world.c1.pk}/2025/decide/", post)
    assert ok.status_code == 302
    assert set(Rating.objects.filter(pk__in=[r.pk for r in rs]).values_list("level", flat=True)) == {"good"}
    page = c.get(f"/appraisal/org/{world.c1.pk}/2025/decide/").content.decode()
    assert "15-QĐ/ĐU" in page and "DOCX" in page
    assert c.post(f"/appraisal/org/{world.c1.pk}/2025/decide/", {"action": "announce"}).status_code == 302
    assert Rating.objects.filter(state=State.ANNOUNCED).count() == 3


def test_statistics_page_with_chart_and_htmx_partial(world, cell1_cycle):
    staff = world.users["staff_c1"]
    r = appraise(staff, self_assess(staff, rating_of(world.members["m1"]), 80))
    del r
    c = client_for(staff)
    page = c.get(f"/appraisal/org/{world.c1.pk}/2025/stats/").content.decode()
    assert "<svg" in page and "Theo đơn vị trực thuộc" in page and "AR-69" in page
    part = c.get(f"/appraisal/org/{world.c1.pk}/2025/stats/", HTTP_HX_REQUEST="true").content.decode()
    assert part.startswith('<div id="stats-body">') and "<html" not in part
    assert c.post(f"/appraisal/org/{world.c1.pk}/2025/stats/").status_code == 302
    leader = client_for(world.users["leader_p1"])
    assert leader.get(f"/appraisal/org/{world.c1.pk}/2025/stats/").status_code == 200
    assert client_for(world.users["staff_p2"]).get(f"/appraisal/org/{world.c1.pk}/2025/stats/").status_code == 404


def test_home_panel_shows_open_cycles_with_deadlines(world, cell1_cycle):
    text = client_for(world.users["staff_c1"]).get("/").content.decode()
    assert "Đánh giá, xếp loại chất lượng" in text and "31/12/2025" in text
    mine = client_for(world.users["member_m1"]).get("/").content.decode()
    assert "Kiểm điểm của tôi" in mine
    assert "Đánh giá, xếp loại chất lượng" not in client_for(world.users["staff_p2"]).get("/").content.decode()


def test_collective_page_and_prerequisites_shown(world, cell1_cycle):
    staff, sec = world.users["staff_c1"], world.users["secretary_cell1"]
    cell = appraise(staff, self_assess(sec, unit_rating(world.cell1), 85, report_shared_on=date(2025, 12, 1),
                                       review_meeting_on=date(2025, 12, 10)))
    page = client_for(staff).get(f"/appraisal/2025/unit/{world.cell1.pk}/organization/").content.decode()
    assert "AR-38" in page and "Nguyễn Văn An" in page and "Chưa thể quyết định" in page
    assert cell.state == State.APPRAISED
    assert client_for(staff).get(f"/appraisal/2025/unit/{world.cell1.pk}/nonsense/").status_code == 404


@pytest.mark.parametrize("url", ["/appraisal/org/{c1}/discipline/", "/appraisal/org/{c1}/criteria/"])
def test_discipline_and_criteria_pages(world, url):
    c = client_for(world.users["staff_c1"])
    assert c.get(url.format(c1=world.c1.pk)).status_code == 200
    assert c.get(url.format(c1=world.c2.pk)).status_code == 404
