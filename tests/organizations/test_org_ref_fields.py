"""Organizations named by code (or id) in forms; the datalist offers only what the actor may write to,
and an organization outside the scope reads exactly like one that does not exist."""
from django.test import Client

from partyorg.members.models import Member
from partyorg.organizations.fields import OrganizationRefField, OrganizationRefsField
from partyorg.organizations.selectors import organization_suggestions


def test_code_or_id_resolves_to_the_organization(world):
    f = OrganizationRefField()
    assert f.clean("CELL2") == world.cell2.pk
    assert f.clean("cell2") == world.cell2.pk  # as typed, any case
    assert f.clean(str(world.cell2.pk)) == world.cell2.pk
    assert OrganizationRefsField().clean("CELL1, CELL2;CELL1") == [world.cell1.pk, world.cell2.pk]


def test_suggestions_are_the_writable_scope_in_tree_order(world):
    codes = [c for c, _n in organization_suggestions(actor=world.users["staff_c1"])]
    assert codes == ["C1", "CELL1", "CELL2"]
    assert organization_suggestions(actor=world.users["leader_p1"]) == []  # read-only role: nothing to offer


def _post_transfer(client, member, to_org):
    return client.post(f"/members/{member.pk}/transfer/", {"kind": "official", "to_org": to_org,
                                                           "start_on": "2026-03-01", "decision_ref": "GGT 1"})


def test_transfer_form_by_code_and_the_same_answer_outside_the_scope(world):
    c = Client()
    c.force_login(world.users["staff_p1"])
    m = world.members["m1"]
    page = c.get(f"/members/{m.pk}/transfer/").content.decode()
    assert '<option value="CELL3">' in page and "CELL4" not in page  # Beta's cell is not offered
    foreign = _post_transfer(c, m, "CELL4").content.decode()
    missing = _post_transfer(c, m, "NO-SUCH-CELL").content.decode()
    assert "trong phạm vi quản lý của bạn" in foreign and "trong phạm vi quản lý của bạn" in missing
    assert Member.objects.get(pk=m.pk).cell_id == world.cell1.pk
    resp = _post_transfer(c, m, "cell3")
    assert resp.status_code == 302
    assert Member.objects.get(pk=m.pk).cell_id == world.cell3.pk
