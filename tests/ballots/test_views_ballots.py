from django.db import transaction

from partyorg.ballots import services
from partyorg.ballots.models import BallotPaper, PaperEntry


def test_vote_page_cast_and_receipt(world, box, client):
    client.force_login(world.users["member_m1"])
    assert "Người A" in client.get(f"/ballots/{box.pk}/vote/").content.decode()
    resp = client.post(f"/ballots/{box.pk}/vote/", {"m_a": "H", "m_b": "M", "m_c": "L"})
    body = resp.content.decode()
    assert 'id="receipt"' in body
    assert BallotPaper.objects.filter(box=box).count() == 1
    again = client.post(f"/ballots/{box.pk}/vote/", {"m_a": "H", "m_b": "M", "m_c": "L"}).content.decode()
    assert "đã bỏ phiếu" in again.lower()
    assert BallotPaper.objects.filter(box=box).count() == 1


def test_entry_screen_maps_keys_to_marks(world, box, client):
    client.force_login(world.users["staff_p1"])
    resp = client.post(f"/ballots/{box.pk}/entry/", {"paper_no": "1", "m_a": "1", "m_b": "3", "m_c": "9"})
    assert resp.status_code == 200
    assert PaperEntry.objects.get().payload == {"marks": {"a": "H", "b": "L", "c": "multi"}, "flags": []}
    assert 'value="2"' in resp.content.decode()  # next paper number proposed


def test_published_list_after_close(world, box, client):
    r = services.ballot_cast(voter=world.users["member_m1"], box_id=box.pk, payload={"marks": {"a": "H", "b": "M",
                                                                                            "c": "L"}})
    with transaction.atomic():
        services.ballot_box_close(actor=world.users["staff_p1"], box_id=box.pk)
    client.force_login(world.users["member_m1"])
    body = client.get(f"/ballots/{box.pk}/published/").content.decode()
    assert r.receipt in body and "Tín nhiệm cao" in body
    assert "✔" in client.get(f"/ballots/{box.pk}/receipt/?code={r.receipt}").content.decode()
    client.force_login(world.users["staff_p2"])
    assert client.get(f"/ballots/{box.pk}/published/").status_code == 404
