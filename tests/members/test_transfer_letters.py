"""Two-step official transfers between two commissions' scopes (giấy giới thiệu sinh hoạt đảng)."""
from datetime import date

import pytest
from django.db import connection
from django.test import Client

from partyorg.core.audit import audit_verify_chain
from partyorg.core.errors import ApplicationError, Forbidden, NotFoundOrForbidden, StateConflict
from partyorg.members import counts, selectors
from partyorg.members import transfers as t
from partyorg.members.models import ActivityRecord, LetterStatus, Member


def _issue(world, member="m1", to=None, actor="staff_p1"):
    return t.letter_issue(actor=world.users[actor], member_id=world.members[member].pk,
                          to_org_id=(to or world.p2).pk, number="GGT 12", issued_on=date(2026, 3, 1))


def test_issue_then_receive_moves_the_member_into_the_other_province(world):
    m = world.members["m1"]
    letter = _issue(world)
    m.refresh_from_db()
    assert m.status == "transferred_out" and m.cell_id == world.cell1.pk
    # The receiving province sees the letter (not the member record yet) and takes the member into a cell.
    assert list(t.letters_incoming(actor=world.users["staff_p2"])) == [letter]
    assert list(t.letters_incoming(actor=world.users["staff_p1"])) == []
    with pytest.raises(NotFoundOrForbidden):
        selectors.member_get(actor=world.users["staff_p2"], member_id=m.pk)
    t.letter_receive(actor=world.users["staff_p2"], letter_id=letter.pk, cell_id=world.cell4.pk,
                     received_on=date(2026, 3, 10))
    m.refresh_from_db()
    assert m.cell_id == world.cell4.pk and m.org_path == world.cell4.path and m.status == "official"
    assert selectors.member_get(actor=world.users["staff_p2"], member_id=m.pk) == m
    recs = list(ActivityRecord.objects.filter(member=m, kind="official").order_by("start_on"))
    assert [(r.organization_id, r.end_on) for r in recs] == [(world.cell1.pk, date(2026, 3, 10)),
                                                              (world.cell4.pk, None)]
    assert [s.to_status for s in m.status_history.order_by("id")][-2:] == ["transferred_out", "official"]
    letter.refresh_from_db()
    assert letter.status == LetterStatus.RECEIVED and letter.received_cell_id == world.cell4.pk
    # Both sides keep reading the letter; the sender no longer reads the member.
    assert t.letter_get(actor=world.users["staff_p1"], letter_id=letter.pk) == letter
    with pytest.raises(NotFoundOrForbidden):
        selectors.member_get(actor=world.users["staff_p1"], member_id=m.pk)
    assert counts.drift(connection) == [] and audit_verify_chain().ok


def test_destination_outside_the_scope_must_be_a_committee_under_the_centre(world):
    for dest in (world.c3, world.cell4):  # below province Beta: not named by a letter from Alpha
        with pytest.raises(ApplicationError) as e:
            _issue(world, to=dest)
        assert e.value.field == "to_org"
    with pytest.raises(ApplicationError):
        _issue(world, to=world.p1)  # covers the member's own cell: a transfer within the scope
    assert Member.objects.get(pk=world.members["m1"].pk).status == "official"


def test_one_open_letter_and_only_the_right_side_acts(world):
    letter = _issue(world)
    with pytest.raises((StateConflict, ApplicationError)):
        _issue(world)  # the member is transferred out: no second letter
    with pytest.raises(Forbidden):  # the sender cannot receive into the other province
        t.letter_receive(actor=world.users["staff_p1"], letter_id=letter.pk, cell_id=world.cell4.pk,
                         received_on=date(2026, 3, 10))
    with pytest.raises(ApplicationError) as e:  # the receiver only into its own cells
        t.letter_receive(actor=world.users["staff_p2"], letter_id=letter.pk, cell_id=world.cell3.pk,
                         received_on=date(2026, 3, 10))
    assert e.value.field == "cell"
    with pytest.raises(NotFoundOrForbidden):
        t.letter_get(actor=world.users["staff_c1"].__class__.objects.get(username="nobody"), letter_id=letter.pk)


@pytest.mark.parametrize("how", ["return", "cancel"])
def test_returned_or_cancelled_letter_restores_the_member(world, how):
    m = world.members["m2"]
    letter = _issue(world, member="m2")
    if how == "return":
        t.letter_return(actor=world.users["staff_p2"], letter_id=letter.pk, on=date(2026, 3, 20),
                        reason="Đảng viên không đến")
    else:
        t.letter_cancel(actor=world.users["staff_p1"], letter_id=letter.pk, on=date(2026, 3, 20),
                        reason="Cấp nhầm")
    m.refresh_from_db()
    assert m.status == "official" and m.cell_id == world.cell1.pk
    letter.refresh_from_db()
    assert letter.status == ("returned" if how == "return" else "cancelled")
    with pytest.raises(StateConflict):
        t.letter_receive(actor=world.users["staff_p2"], letter_id=letter.pk, cell_id=world.cell4.pk,
                         received_on=date(2026, 3, 21))


def test_pages_issue_list_and_receive(world):
    sender, receiver = Client(), Client()
    sender.force_login(world.users["staff_p1"])
    receiver.force_login(world.users["staff_p2"])
    m = world.members["m3"]
    resp = sender.post(f"/members/{m.pk}/letter/", {"to_org": "P2", "number": "GGT 7", "issued_on": "2026-04-01"})
    assert resp.status_code == 302
    home = receiver.get("/").content.decode()
    assert "Đảng viên chuyển đến chờ tiếp nhận" in home and m.full_name in home
    letter = m.transfer_letters.get()
    page = receiver.get(f"/members/letters/{letter.pk}/").content.decode()
    assert "Tiếp nhận vào chi bộ" in page and '<option value="CELL4">' in page
    resp = receiver.post(f"/members/letters/{letter.pk}/", {"action": "receive", "cell": "CELL4",
                                                            "received_on": "2026-04-05"})
    assert resp.status_code == 302
    assert Member.objects.get(pk=m.pk).cell_id == world.cell4.pk
    assert "GGT 7" in sender.get("/members/letters/").content.decode()


def test_read_only_roles_get_403_on_write_pages_and_outsiders_404(world):
    leader, outsider = Client(), Client()
    leader.force_login(world.users["leader_p1"])
    outsider.force_login(world.users["staff_p2"])
    m = world.members["m1"]
    assert leader.get(f"/members/{m.pk}/").status_code == 200
    assert leader.get(f"/members/{m.pk}/edit/").status_code == 403  # reads it, may not change it
    assert outsider.get(f"/members/{m.pk}/edit/").status_code == 404  # not told that it exists
    assert leader.get(f"/org/{world.c1.pk}/rename/").status_code == 403
    assert outsider.get(f"/org/{world.c1.pk}/rename/").status_code == 404


def test_sender_is_reminded_of_letters_not_received_after_30_days(world):
    letter = _issue(world)  # issued 2026-03-01
    sender = world.users["staff_p1"]
    assert list(t.letters_unreceived(actor=sender, today=date(2026, 3, 30))) == []
    assert list(t.letters_unreceived(actor=sender, today=date(2026, 3, 31))) == [letter]  # [default] 30 days
    assert list(t.letters_unreceived(actor=world.users["staff_p2"], today=date(2026, 3, 31))) == []
    c = Client()
    c.force_login(sender)
    assert "chưa được tiếp nhận sau 30 ngày" in c.get("/").content.decode()  # today is long after March 2026
