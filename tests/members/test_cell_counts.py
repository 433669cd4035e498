"""The per-cell member counts (members.counts) stay equal to the members whatever writes them: services,
import (COPY on PostgreSQL), restructuring, bulk updates and deletes; the tree's counts come from them."""
from datetime import date

from django.db import connection
from django.db.models import Count

from partyorg.imports.services import import_file
from partyorg.members import counts, services
from partyorg.members.models import ACTIVE_STATUSES, CellStatusCount, Member
from partyorg.organizations import selectors as org_selectors
from partyorg.organizations import services as org_services
from tests.conftest import make_member
from tests.imports.test_imports import GOOD1, GOOD2, csv_bytes

DEC = org_services.DecisionInput(number="7-QĐ/TU", signed_on=date(2025, 6, 20), effective_on=date(2025, 7, 1))


def _actual() -> dict[tuple[int, str], int]:
    return {(c, s): n for c, s, n in Member.objects.values_list("cell_id", "status").annotate(n=Count("id"))}


def _kept() -> dict[tuple[int, str], int]:
    return {(c, s): n for c, s, n in CellStatusCount.objects.exclude(n=0).values_list("cell_id", "status", "n")}


def test_counts_follow_every_kind_of_write(world):
    assert counts.drift(connection) == [] and _kept() == _actual() and _kept()
    staff, op = world.users["staff_p1"], world.users["operator"]
    make_member(staff, world.cell2, "Mai Văn Tư", 900000000001)
    services.member_change_status(actor=staff, member_id=world.members["m1"].pk, new_status="deceased",
                                  effective_on=date(2026, 1, 5), reason="Từ trần")
    services.member_transfer(actor=op, member_id=world.members["m2"].pk, to_org_id=world.cell4.pk,
                             kind="official", start_on=date(2026, 2, 1))
    assert counts.drift(connection) == []
    res = import_file(actor=staff, kind="members", filename="a.csv", content=csv_bytes(GOOD1, GOOD2), commit=True)
    assert res.created == 2 and counts.drift(connection) == []
    org_services.organizations_merge(
        actor=staff, source_ids=[world.cell1.pk, world.cell2.pk], decision=DEC,
        new_target={"parent_id": world.c1.pk, "name": "Chi bộ Hợp Nhất", "code": "CELL12", "org_type": "cell"})
    assert counts.drift(connection) == []
    Member.objects.filter(cell=world.cell3).update(status="exempted")  # one statement, many rows
    Member.objects.filter(full_name="Mai Văn Tư").delete()
    assert counts.drift(connection) == [] and _kept() == _actual()


def test_drift_is_found_and_rebuild_repairs_it(world):
    CellStatusCount.objects.filter(cell=world.cell1).update(n=99)
    assert counts.drift(connection)
    counts.rebuild(connection)
    assert counts.drift(connection) == [] and _kept() == _actual()


def test_children_counts_equal_a_direct_count_of_active_members(world):
    services.member_change_status(actor=world.users["staff_p1"], member_id=world.members["m3"].pk,
                                  new_status="expelled", effective_on=date(2026, 1, 5), reason="Kỷ luật")
    rows = org_selectors.organization_children(actor=world.users["operator"], parent=world.root)
    for row in rows:
        direct = Member.objects.filter(org_path__startswith=row.org.path, status__in=ACTIVE_STATUSES).count()
        assert row.members == direct
    assert {r.org.code: r.members for r in rows} == {"P1": 5, "P2": 2}


def test_member_list_counts_come_from_the_cell_counts_and_match_the_rows(world):
    from partyorg.members.selectors import MemberFilter, member_list, member_page_source

    staff = world.users["staff_p1"]
    services.member_change_status(actor=staff, member_id=world.members["m1"].pk, new_status="deceased",
                                  effective_on=date(2026, 1, 5), reason="Từ trần")
    for status in ("", "official", "deceased", "expelled"):
        f = MemberFilter(org_id=world.c1.pk, status=status)
        qs = member_list(actor=staff, filters=f)
        source = member_page_source(actor=staff, filters=f, qs=qs)
        assert source.count() == qs.count() == len(list(qs)), status
