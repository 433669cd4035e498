from datetime import date

import pytest

from partyorg.core.audit import audit_verify_chain
from partyorg.core.errors import ApplicationError, Forbidden, NotFoundOrForbidden
from partyorg.members.models import ActivityRecord, Member, Position
from partyorg.organizations import selectors, services
from partyorg.organizations.models import Organization, OrgType, RestructuringLink
from tests.conftest import make_member

DEC = services.DecisionInput(number="12-QĐ/TU", signed_on=date(2025, 6, 20), effective_on=date(2025, 7, 1))


def test_create_child_allocates_a_path_under_the_parent(world):
    org = services.organization_create(actor=world.users["staff_p1"], parent_id=world.c1.pk, name="Chi bộ Mới",
                                       code="NEW", org_type=OrgType.CELL)
    assert org.path.startswith(world.c1.path) and org.depth == world.c1.depth + 1
    assert org.versions.count() == 1


def test_create_outside_scope_is_refused(world):
    with pytest.raises(NotFoundOrForbidden):
        services.organization_create(actor=world.users["staff_p1"], parent_id=world.c3.pk, name="X", code="X",
                                     org_type=OrgType.CELL)
    with pytest.raises(Forbidden):
        services.organization_create(actor=world.users["leader_p1"], parent_id=world.c1.pk, name="X", code="X",
                                     org_type=OrgType.CELL)


def test_duplicate_code_names_the_field(world):
    with pytest.raises(ApplicationError) as exc:
        services.organization_create(actor=world.users["staff_p1"], parent_id=world.c1.pk, name="X", code="CELL1",
                                     org_type=OrgType.CELL)
    assert exc.value.errors[0].field == "code"
    assert "CELL1" in exc.value.errors[0].message_vi


def test_merge_into_new_organization_moves_members_positions_and_keeps_history(world):
    staff = world.users["staff_p1"]
    make_member(staff, world.cell2, "Mai Văn Tư", 900000000001)
    from partyorg.members.services import position_assign

    pos = position_assign(actor=staff, member_id=world.members["m4"].pk, organization_id=world.cell2.pk,
                          title="bi_thu", start_on=date(2025, 1, 1), how_obtained="elected")
    target = services.organizations_merge(
        actor=staff, source_ids=[world.cell1.pk, world.cell2.pk], decision=DEC,
        new_target={"parent_id": world.c1.pk, "name": "Chi bộ Thôn Hợp Nhất", "code": "CELL12", "org_type": "cell"})
    assert Member.objects.filter(cell=target).count() == 6
    assert not Member.objects.filter(cell__in=[world.cell1, world.cell2]).exists()
    assert all(m.org_path == target.path for m in Member.objects.filter(cell=target))
    pos.refresh_from_db()
    assert pos.organization_id == target.pk and pos.org_path == target.path
    for src in (world.cell1, world.cell2):
        src.refresh_from_db()
        assert src.dissolved_on == date(2025, 7, 1) and src.successor_id == target.pk
    assert RestructuringLink.objects.filter(target=target).count() == 2
    # Activity history: the old official record is closed on the effective date, a new one opened.
    m1 = world.members["m1"]
    recs = list(ActivityRecord.objects.filter(member=m1, kind="official").order_by("start_on"))
    assert recs[0].organization_id == world.cell1.pk and recs[0].end_on == date(2025, 7, 1)
    assert recs[1].organization_id == target.pk and recs[1].end_on is None
    # The tree as of a date before the merge shows the old cells; after, the new one.
    before = [v.organization_id for v in selectors.children_as_of(actor=staff, parent=world.c1, on=date(2025, 6, 30))]
    after = [v.organization_id for v in selectors.children_as_of(actor=staff, parent=world.c1, on=date(2025, 7, 1))]
    assert set(before) == {world.cell1.pk, world.cell2.pk}
    assert after == [target.pk]
    assert audit_verify_chain().ok


def test_merge_committees_moves_their_cells_and_rewrites_paths(world):
    staff = world.users["staff_p1"]
    target = services.organizations_merge(actor=staff, source_ids=[world.c2.pk], target_id=world.c1.pk, decision=DEC)
    world.cell3.refresh_from_db()
    assert world.cell3.parent_id == target.pk and world.cell3.path.startswith(target.path)
    m6 = Member.objects.get(pk=world.members["m6"].pk)
    assert m6.org_path == world.cell3.path
    counts = selectors.member_counts_by_child(actor=staff, org_id=world.p1.pk)
    assert counts == {world.c1.pk: 6}


def test_merge_is_all_or_nothing(world):
    staff = world.users["staff_p1"]
    n_before = Organization.objects.count()
    with pytest.raises(ApplicationError):
        services.organizations_merge(actor=staff, source_ids=[world.cell1.pk, world.cell2.pk], decision=DEC,
                                     new_target={"parent_id": world.c1.pk, "name": "X", "code": "CELL3",
                                                 "org_type": "cell"})  # duplicate code
    assert Organization.objects.count() == n_before
    assert Member.objects.filter(cell=world.cell1).count() == 3


def test_merge_across_scope_is_refused(world):
    with pytest.raises(NotFoundOrForbidden):
        services.organizations_merge(actor=world.users["staff_p1"], source_ids=[world.cell1.pk, world.cell4.pk],
                                     decision=DEC, new_target={"parent_id": world.c1.pk, "name": "X", "code": "X",
                                                               "org_type": "cell"})


def test_move_rejects_moving_under_own_subtree(world):
    with pytest.raises(ApplicationError):
        services.organization_move(actor=world.users["staff_p1"], org_id=world.c1.pk, new_parent_id=world.cell1.pk,
                                   decision=DEC)


def test_move_rewrites_subtree_paths(world):
    op = world.users["operator"]
    services.organization_move(actor=op, org_id=world.c1.pk, new_parent_id=world.p2.pk, decision=DEC)
    world.c1.refresh_from_db()
    world.cell1.refresh_from_db()
    assert world.c1.path.startswith(world.p2.path) and world.cell1.path.startswith(world.c1.path)
    assert world.cell1.depth == world.c1.depth + 1
    assert Member.objects.get(pk=world.members["m1"].pk).org_path == world.cell1.path
    # Staff of the first province no longer sees it.
    with pytest.raises(NotFoundOrForbidden):
        selectors.organization_get(actor=world.users["staff_p1"], org_id=world.c1.pk)


def test_rename_keeps_old_name_in_history(world):
    services.organization_rename(actor=world.users["staff_p1"], org_id=world.cell1.pk, new_name="Chi bộ Khu Một",
                                 new_short_name="", decision=DEC)
    names = [v.name for v in world.cell1.versions.order_by("id")]
    assert names == ["Chi bộ Thôn Một", "Chi bộ Khu Một"]
    old = selectors.children_as_of(actor=world.users["staff_p1"], parent=world.c1, on=date(2025, 6, 1))
    assert "Chi bộ Thôn Một" in [v.name for v in old]


def test_split_requires_every_member_assigned(world):
    staff = world.users["staff_p1"]
    m = [world.members[k].pk for k in ("m1", "m2", "m3")]
    with pytest.raises(ApplicationError):
        services.organization_split(actor=staff, source_id=world.cell1.pk, decision=DEC, parts=[
            {"name": "A", "code": "SA", "org_type": "cell", "member_ids": m[:1]},
            {"name": "B", "code": "SB", "org_type": "cell", "member_ids": m[1:2]}])
    parts = services.organization_split(actor=staff, source_id=world.cell1.pk, decision=DEC, parts=[
        {"name": "A", "code": "SA", "org_type": "cell", "member_ids": m[:1]},
        {"name": "B", "code": "SB", "org_type": "cell", "member_ids": m[1:]}])
    assert [Member.objects.filter(cell=p).count() for p in parts] == [1, 2]
    world.cell1.refresh_from_db()
    assert world.cell1.dissolved_on == DEC.effective_on


def test_dissolve_requires_empty_organization(world):
    staff = world.users["staff_p1"]
    with pytest.raises(ApplicationError):
        services.organization_dissolve(actor=staff, org_id=world.cell1.pk, decision=DEC)
    empty = services.organization_create(actor=staff, parent_id=world.c1.pk, name="Chi bộ Trống", code="EMPTY",
                                         org_type=OrgType.CELL)
    services.organization_dissolve(actor=staff, org_id=empty.pk, decision=DEC)
    empty.refresh_from_db()
    assert empty.dissolved_on == DEC.effective_on


def test_children_counts_are_per_subtree(world):
    rows = selectors.organization_children(actor=world.users["staff_p1"], parent=world.p1)
    assert {r.org.code: (r.members, r.sub_orgs) for r in rows} == {"C1": (5, 2), "C2": (1, 1)}


def test_decision_dates_are_checked(world):
    bad = services.DecisionInput(number="1", signed_on=date(2025, 7, 2), effective_on=date(2025, 7, 1))
    with pytest.raises(ApplicationError) as exc:
        services.organization_rename(actor=world.users["staff_p1"], org_id=world.cell1.pk, new_name="Y",
                                     new_short_name="", decision=bad)
    assert exc.value.errors[0].field == "effective_on"
    world.cell1.refresh_from_db()
    assert world.cell1.name == "Chi bộ Thôn Một"


def test_positions_are_unaffected_outside_the_merge(world):
    assert Position.objects.count() == 0
