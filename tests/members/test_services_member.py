from datetime import date

import pytest

from partyorg.core.errors import ApplicationError, Forbidden, NotFoundOrForbidden, ValidationFailed
from partyorg.core.models import AuditEvent
from partyorg.members import selectors, services
from partyorg.members.models import ActivityRecord, Member
from tests.conftest import make_member


def test_create_writes_member_activity_status_and_audit(world):
    n = AuditEvent.objects.count()
    m = make_member(world.users["secretary_cell1"], world.cell1, "  hồ   thị  xuân ", 555000000001)
    assert m.full_name == "Hồ Thị Xuân"
    assert m.org_path == world.cell1.path
    assert ActivityRecord.objects.filter(member=m, kind="official", end_on__isnull=True).count() == 1
    assert m.status_history.count() == 1
    assert AuditEvent.objects.count() == n + 1


def test_validation_names_every_bad_field_in_both_languages(world):
    data = services.MemberData(full_name="An", date_of_birth=date(1990, 1, 1), gender="X", citizen_id="123",
                               admitted_on=date(2020, 1, 1), official_on=date(2019, 1, 1), cell_id=world.cell1.pk)
    with pytest.raises(ValidationFailed) as exc:
        services.member_create(actor=world.users["staff_p1"], data=data, today=date(2026, 11, 23))
    fields = {e.field for e in exc.value.errors}
    assert fields == {"full_name", "gender", "citizen_id", "official_on"}
    assert all(e.message_vi and e.message_en for e in exc.value.errors)
    assert not Member.objects.filter(citizen_id="123").exists()


def test_duplicate_citizen_id_is_refused(world):
    with pytest.raises(ValidationFailed) as exc:
        make_member(world.users["staff_p1"], world.cell1, "Ngô Văn Mới", 100000000001, party_card_number="77777777")
    assert [e.field for e in exc.value.errors] == ["citizen_id"]


def test_member_only_in_a_cell(world):
    with pytest.raises(ApplicationError) as exc:
        make_member(world.users["staff_p1"], world.c1, "Ngô Văn Mới", 555000000002)
    assert exc.value.field == "cell"


def test_scope_of_writes(world):
    with pytest.raises(NotFoundOrForbidden):
        make_member(world.users["staff_p1"], world.cell4, "Ngô Văn Mới", 555000000003)
    with pytest.raises(Forbidden):
        make_member(world.users["leader_p1"], world.cell1, "Ngô Văn Mới", 555000000004)
    with pytest.raises(NotFoundOrForbidden):
        services.member_update(actor=world.users["secretary_cell1"], member_id=world.members["m4"].pk,
                               changes={"place_of_origin": "X"})


def test_transfer_outside_the_actors_scope_is_refused_like_a_missing_cell(world):
    m = world.members["m1"]
    before = ActivityRecord.objects.count()
    for to_org_id in (world.cell4.pk, 987654):  # a cell of province Beta, an id that does not exist
        with pytest.raises(ApplicationError) as e:
            services.member_transfer(actor=world.users["staff_p1"], member_id=m.pk, to_org_id=to_org_id,
                                     kind="official", start_on=date(2026, 3, 1), decision_ref="GGT 15")
        assert e.value.field == "to_org"
        assert e.value.message_en == "Destination not found within your scope."
    m.refresh_from_db()
    assert m.cell_id == world.cell1.pk and ActivityRecord.objects.count() == before


def test_official_transfer_moves_cell_and_keeps_history(world):
    # Between two provinces: made by the commission whose scope covers both (here the operator at the top).
    m = world.members["m1"]
    services.member_transfer(actor=world.users["operator"], member_id=m.pk, to_org_id=world.cell4.pk,
                             kind="official", start_on=date(2026, 3, 1), decision_ref="GGT 15")
    m.refresh_from_db()
    assert m.cell_id == world.cell4.pk and m.org_path == world.cell4.path
    recs = list(ActivityRecord.objects.filter(member=m, kind="official").order_by("start_on"))
    assert [r.organization_id for r in recs] == [world.cell1.pk, world.cell4.pk]
    assert recs[0].end_on == date(2026, 3, 1) and recs[1].end_on is None
    # After the transfer the sending province no longer sees the member.
    with pytest.raises(NotFoundOrForbidden):
        selectors.member_get(actor=world.users["staff_p1"], member_id=m.pk)


def test_temporary_activity_keeps_the_official_cell(world):
    m = world.members["m2"]
    services.member_transfer(actor=world.users["staff_p1"], member_id=m.pk, to_org_id=world.cell3.pk,
                             kind="temporary", start_on=date(2026, 2, 1))
    m.refresh_from_db()
    assert m.cell_id == world.cell1.pk
    assert ActivityRecord.objects.filter(member=m, kind="temporary", end_on__isnull=True).count() == 1
    assert ActivityRecord.objects.filter(member=m, kind="official", end_on__isnull=True).count() == 1


def test_status_change_follows_allowed_transitions(world):
    m = world.members["m3"]
    services.member_change_status(actor=world.users["staff_c1"], member_id=m.pk, new_status="exempted",
                                  effective_on=date(2026, 1, 1), reason="Tuổi cao")
    with pytest.raises(ApplicationError):
        services.member_change_status(actor=world.users["staff_c1"], member_id=m.pk, new_status="probationary",
                                      effective_on=date(2026, 2, 1))
    m.refresh_from_db()
    assert m.status == "exempted"
    assert [s.to_status for s in m.status_history.all()] == ["official", "exempted"]


def test_positions_single_holder_and_end(world):
    staff = world.users["staff_p1"]
    p = services.position_assign(actor=staff, member_id=world.members["m1"].pk, organization_id=world.cell1.pk,
                                 title="bi_thu", start_on=date(2025, 5, 1), how_obtained="elected")
    with pytest.raises(ApplicationError):
        services.position_assign(actor=staff, member_id=world.members["m2"].pk, organization_id=world.cell1.pk,
                                 title="bi_thu", start_on=date(2025, 6, 1), how_obtained="elected")
    services.position_end(actor=staff, position_id=p.pk, end_on=date(2026, 1, 1))
    services.position_assign(actor=staff, member_id=world.members["m2"].pk, organization_id=world.cell1.pk,
                             title="bi_thu", start_on=date(2026, 1, 1), how_obtained="elected")
    assert selectors.position_list(actor=staff, org_id=world.cell1.pk).count() == 1


def test_search_without_diacritics_and_vietnamese_order(world):
    staff = world.users["staff_p1"]
    make_member(staff, world.cell1, "Nguyễn Văn Ánh", 555000000010)
    make_member(staff, world.cell1, "Nguyễn Văn Anh", 555000000011)
    found = [m.full_name for m in selectors.member_list(
        actor=staff, filters=selectors.MemberFilter(query="nguyen van an"))]
    assert found == ["Nguyễn Văn An", "Nguyễn Văn Anh", "Nguyễn Văn Ánh"]
    assert [m.full_name for m in selectors.member_list(
        actor=staff, filters=selectors.MemberFilter(query="NGUYỄN ánh"))] == ["Nguyễn Văn Ánh"]
    everyone = [m.full_name for m in selectors.member_list(actor=staff)]
    assert everyone.index("Trần Thị Bình") < everyone.index("Lê Văn Đức") < everyone.index("Hoàng Văn Em")


def test_member_role_sees_only_own_record(world):
    me = world.users["member_m1"]
    assert [m.pk for m in selectors.member_list(actor=me)] == [world.members["m1"].pk]
    with pytest.raises(NotFoundOrForbidden):
        selectors.member_get(actor=me, member_id=world.members["m2"].pk)
