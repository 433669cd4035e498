"""The national batch (PostgreSQL): the same classification and quota as the services, row for row."""
from datetime import date

import pytest

from partyorg.appraisal import services
from partyorg.appraisal.batch import classify_period
from partyorg.appraisal.models import Rating
from tests.appraisal.conftest import appraise, open_cycle, rating_of, self_assess, unit_rating

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _dsn() -> str:
    from django.db import connection

    s = connection.settings_dict
    parts = {"dbname": s["NAME"], "user": s.get("USER"), "host": s.get("HOST"), "port": s.get("PORT"),
             "password": s.get("PASSWORD")}
    return " ".join(f"{k}={v}" for k, v in parts.items() if v)


def test_batch_agrees_with_the_services(world, is_postgres):
    """AR-28, AR-33..AR-36 at scale: the batch gives every appraised subject the status, proposal and band
    the services give it; cut candidates are flagged; disciplines count the same way (AR-49)."""
    if not is_postgres:
        pytest.skip("the national batch reads and writes with PostgreSQL's COPY")
    staff = world.users["staff_c1"]
    services.discipline_record(actor=staff, data=services.DisciplineInput(
        form="reprimand", decision_number="05-QĐ/ĐU", decision_date=date(2025, 6, 1),
        member_id=world.members["m5"].pk))
    open_cycle(staff, world.c1)
    cases = {"m1": (95, 4), "m2": (92, 3), "m3": (85, 0), "m4": (65, 0), "m5": (88, 0)}
    for key, (total, e) in cases.items():
        appraise(staff, self_assess(staff, rating_of(world.members[key]), total, E=e))
    appraise(staff, self_assess(staff, unit_rating(world.cell1), 93, E=4))
    expected = {r.pk: (r.class_status, r.proposed, r.band) for r in Rating.objects.filter(state="appraised")}
    assert len(expected) == 6
    Rating.objects.update(class_status="", proposed="", band="", flags=[])
    report = classify_period(dsn=_dsn(), period_label="2025", workers=2)
    assert report.rows == 6 and report.written == 6
    got = {r.pk: (r.class_status, r.proposed, r.band) for r in Rating.objects.filter(state="appraised")}
    assert got == expected
    assert report.statuses == {"candidate": 3, "rated": 3}
    # members: (G=1 + N=2) // 6 = 0 admitted; the cell alone in its group: (0 + 1) // 6 = 0
    assert (report.groups, report.candidates, report.admitted, report.moved) == (2, 3, 0, 3)
    flags = dict(Rating.objects.filter(member__isnull=False).values_list("member_id", "flags"))
    assert "quota_cut" in flags[world.members["m1"].pk]
    assert rating_of(world.members["m5"]).proposed == "not_completed"  # AR-24a, as the service said
