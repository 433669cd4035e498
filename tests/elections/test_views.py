"""Pages: thin views over the services; refusals shown on the field they name; files served."""
from __future__ import annotations

import pytest

from partyorg.elections import services as svc
from partyorg.elections.models import Congress, ElectionItem, RollEntry, Round

from .conftest import build_cell_congress, enter_papers, keep, list_ready


@pytest.fixture
def staff(client, world):
    client.force_login(world.users["staff_p1"])
    return client


def test_home_and_create_congress(world, staff):
    assert staff.get("/elections/").status_code == 200
    page = staff.get("/elections/new/").content.decode()
    assert "Chi bộ Thôn Một" in page
    resp = staff.post("/elections/new/", {"org": world.cell1.pk, "title": "Đại hội Chi bộ Thôn Một", "venue":
                                          "cell_congress", "kind": "members", "term_label": "2025–2030",
                                          "starts_on": "2024-10-09", "has_standing_committee": "on"})
    c = Congress.objects.get()
    assert resp.status_code == 302 and resp["Location"] == f"/elections/{c.pk}/"
    assert c.rule_set == "QD244-2014"
    body = staff.get(f"/elections/{c.pk}/").content.decode()
    assert "QD244-2014" in body and "tie_at_cutoff" in body


def test_create_congress_error_names_the_field(world, staff):
    resp = staff.post("/elections/new/", {"org": world.c1.pk, "title": "X", "venue": "cell_congress",
                                          "kind": "members", "term_label": "2025–2030", "starts_on": "2025-01-01"})
    assert resp.status_code == 200 and "venue" in resp.content.decode() or "chi bộ" in resp.content.decode()
    assert not Congress.objects.exists()


def test_roll_page_fill_attendance_and_htmx_adjustment(world, staff):
    cell = build_cell_congress(world, open_session=False, counting=False)
    c = cell.congress
    page = staff.get(f"/elections/{c.pk}/roll/").content.decode()
    assert "Nguyễn Văn An" in page and "D = <strong id=\"roll-d\">12</strong>" in page
    e = RollEntry.objects.get(congress=c, member=cell.members[4])
    ids = [str(x.pk) for x in RollEntry.objects.filter(congress=c) if x.pk != e.pk]
    staff.post(f"/elections/{c.pk}/roll/", {"action": "attendance", "present": ids})
    resp = staff.post(f"/elections/{c.pk}/roll/", {"action": "adjust", "entry": e.pk, "deduction": "absent_approved",
                                                   "reason": "Công tác"}, HTTP_HX_REQUEST="true")
    body = resp.content.decode()
    assert resp.status_code == 200 and body.startswith("<tr") and 'hx-swap-oob="true"' in body
    assert '<strong id="roll-d">11</strong>' in body
    bad = staff.post(f"/elections/{c.pk}/roll/", {"action": "adjust", "entry": ids[0], "deduction": "absent_approved"},
                     HTTP_HX_REQUEST="true").content.decode()
    assert "EL-36" in bad and 'role="alert"' in bad


def test_item_page_walks_the_states(world, staff):
    cell = build_cell_congress(world)
    c = cell.congress
    resp = staff.post(f"/elections/{c.pk}/", {"action": "item", "kind": "cell_committee", "title": ""})
    item = ElectionItem.objects.get()
    assert resp["Location"] == f"/elections/item/{item.pk}/"
    url = f"/elections/item/{item.pk}/"
    staff.post(url, {"action": "seats", "seats": "3", "agree": "12", "disagree": "0", "attending": "12"})
    staff.post(url, {"action": "nominate"})
    for m in cell.members[:3]:
        staff.post(url, {"action": "candidate", "member": m.pk, "source": "convening", "meets_standards": "on"})
    staff.post(url, {"action": "candidate", "identifier": cell.members[3].party_card_number, "source": "floor",
                     "agree": "3", "attending": "12", "meets_standards": "on"})
    staff.post(url, {"action": "propose"})
    body = staff.get(url).content.decode()
    assert "Không quá 30% đồng ý (EL-13)" in body and "phải có đúng 4 người" in body
    refused = staff.post(url, {"action": "approve_list", "agree": "12", "disagree": "0", "attending": "12"})
    text = refused.content.decode()
    assert refused.status_code == 200 and "candidates:" in text and "EL-20" in text
    assert ElectionItem.objects.get().state == "list_proposed"


def test_round_page_count_announce_and_files(world, staff):
    cell = build_cell_congress(world)
    a, b, c_, d = cell.members[:4]
    item = list_ready(cell, "cell_committee", 3, [a, b, c_, d])
    resp = staff.post(f"/elections/item/{item.pk}/", {"action": "round"})
    rnd = Round.objects.get()
    assert resp["Location"] == f"/elections/round/{rnd.pk}/"
    page = staff.get(f"/elections/round/{rnd.pk}/").content.decode()
    assert f"/ballots/{rnd.box_id}/entry/" in page and "mode=numbers" in page
    pdf = staff.get(f"/elections/round/{rnd.pk}/ballot.pdf")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content[:4] == b"%PDF"
    staff.post(f"/elections/round/{rnd.pk}/", {"action": "issue"})
    assert "id=\"issued\">12<" in staff.get(f"/elections/round/{rnd.pk}/").content.decode()
    enter_papers(cell, rnd, [keep(rnd, a, b, c_)] * 12, issue=False)
    staff.post(f"/elections/round/{rnd.pk}/", {"action": "count", "signed_by": ""})
    page = staff.get(f"/elections/round/{rnd.pk}/").content.decode()
    assert "Trúng cử" in page and "100.00" in page
    staff.post(f"/elections/round/{rnd.pk}/", {"action": "announce"})
    assert ElectionItem.objects.get().state == "announced"
    for url, ctype in ((f"/elections/round/{rnd.pk}/counting.docx", "wordprocessingml"),
                       (f"/elections/round/{rnd.pk}/counting.pdf", "pdf"),
                       (f"/elections/item/{item.pk}/minutes.docx", "wordprocessingml"),
                       (f"/elections/item/{item.pk}/minutes.pdf", "pdf"),
                       (f"/elections/{cell.congress.pk}/results.xlsx", "spreadsheetml")):
        r = staff.get(url)
        assert r.status_code == 200 and ctype in r["Content-Type"], url


def test_bodies_page(world, staff):
    cell = build_cell_congress(world, open_session=False, counting=False)
    url = f"/elections/{cell.congress.pk}/bodies/"
    assert "Ban Kiểm phiếu" in staff.get(url).content.decode()
    m = cell.members
    resp = staff.post(url, {"kind": "presidium", "presidium-kind": "presidium", "presidium-members": [m[0].pk, m[1].pk],
                            "presidium-head": m[0].pk, "presidium-agree": "12", "presidium-disagree": "0",
                            "presidium-attending": "12"})
    assert resp.status_code == 302
    bad = staff.post(url, {"kind": "counting", "counting-kind": "counting", "counting-members": [m[0].pk],
                           "counting-agree": "20", "counting-disagree": "0", "counting-attending": "12"})
    assert bad.status_code == 200 and "vượt số có mặt (12)" in bad.content.decode()


def test_reads_and_writes_follow_the_scope(world, client):
    cell = build_cell_congress(world)
    item = list_ready(cell, "cell_committee", 3, cell.members[:4])
    client.force_login(world.users["staff_p2"])
    for url in (f"/elections/{cell.congress.pk}/", f"/elections/{cell.congress.pk}/roll/", f"/elections/item/{item.pk}/",
                f"/elections/{cell.congress.pk}/results.xlsx"):
        assert client.get(url).status_code == 404, url
    client.force_login(world.users["leader_p1"])
    assert client.get(f"/elections/item/{item.pk}/").status_code == 200
    resp = client.post(f"/elections/item/{item.pk}/", {"action": "round"})
    assert resp.status_code in (200, 403) and not Round.objects.exists()


def test_panel_lists_open_congresses_and_electronic_ballots(world, client):
    cell = build_cell_congress(world)
    item = list_ready(cell, "cell_committee", 3, cell.members[:4])
    rnd = svc.round_open(actor=cell.staff, item_id=item.pk, electronic=True)
    client.force_login(world.users["member_m1"])
    home = client.get("/").content.decode()
    assert f"/ballots/{rnd.box_id}/vote/" in home
    client.force_login(world.users["staff_p1"])
    assert cell.congress.title in client.get("/").content.decode()
