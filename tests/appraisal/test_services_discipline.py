"""Disciplinary decisions and the period they count in, through the app (AR-49..AR-53, AR-22, AR-42)."""
from datetime import date

import pytest

from partyorg.appraisal import services
from partyorg.appraisal.models import DisciplineRecord
from partyorg.core.errors import Forbidden, NotFoundOrForbidden, ValidationFailed
from partyorg.members.services import member_transfer
from tests.appraisal.conftest import appraise, open_cycle, rating_of, self_assess, unit_rating


def _record(actor, **kw):
    data = {"form": "warning", "decision_number": "09-QĐ/UBKT", "decision_date": date(2025, 3, 10), **kw}
    return services.discipline_record(actor=actor, data=services.DisciplineInput(**data))


def test_a_decision_counts_in_the_period_of_its_date_and_once(world):
    """T12 / AR-49: an act of 2024 with a warning decided 2025-03-10 counts in 2025; AR-50: recording the same
    decision for the same member again is refused."""
    staff = world.users["staff_c1"]
    rec = _record(staff, member_id=world.members["m2"].pk, act_date=date(2024, 11, 2))
    assert rec.counted_year == 2025
    with pytest.raises(ValidationFailed) as exc:
        _record(staff, member_id=world.members["m2"].pk, decision_date=date(2024, 12, 1))
    assert "AR-50" in exc.value.message_vi
    assert DisciplineRecord.objects.count() == 1
    open_cycle(staff, world.cell1, year=2024)
    grades = {"politics_ethics": "good", "innovation": "good", "self_criticism": "good", "task": "excellent"}
    r24 = services.rating_self_assess(actor=staff, rating_id=rating_of(world.members["m2"], "2024").pk,
                                      data=services.SelfAssessmentInput(grades=grades, tasks_total=10, tasks_done=10,
                                                                        tasks_on_time=10, tasks_exceeded=5))
    r24 = appraise(staff, r24)
    assert r24.classification["triggers"] == [] and r24.proposed == "excellent"  # AR-72: not in 2024


def test_temporary_suspension_is_not_discipline(world, cell1_cycle):
    """AR-53: a temporary suspension from work is kept but never counts as discipline."""
    staff = world.users["staff_c1"]
    _record(staff, member_id=world.members["m3"].pk, form="temporary_work_suspension", decision_date=date(2025, 5, 1))
    r = appraise(staff, self_assess(staff, rating_of(world.members["m3"]), 85))
    assert (r.class_status, r.proposed) == ("rated", "good")
    assert "AR-53" in r.classification["rules"]


def test_discipline_counts_against_the_unit_where_the_act_took_place(world):
    """T13 / AR-51: a member moved from cell 2 to cell 1 in May, act at cell 2, disciplined in September: it
    counts in his own rating (AR-24a) and against cell 2 (AR-22b), not cell 1; cell 1 still cannot be HTXS
    (AR-42: no transfer exception), so its 93 points give a gap proposed HTT (T11)."""
    staff = world.users["staff_c1"]
    m4 = world.members["m4"]
    member_transfer(actor=staff, member_id=m4.pk, to_org_id=world.cell1.pk, kind="official",
                    start_on=date(2025, 5, 2))
    _record(staff, member_id=m4.pk, decision_number="21-QĐ/ĐU", form="reprimand", act_date=date(2025, 4, 1),
            decision_date=date(2025, 9, 15), unit_at_act_id=world.cell2.pk)
    open_cycle(staff, world.c1)
    own = appraise(staff, self_assess(staff, rating_of(m4), 88))
    assert [t["code"] for t in own.classification["triggers"]] == ["AR-24a"]
    cell2 = appraise(staff, self_assess(staff, unit_rating(world.cell2), 88))
    assert "AR-22b" in [t["code"] for t in cell2.classification["triggers"]]
    assert cell2.proposed == "not_completed"
    cell1 = appraise(staff, self_assess(staff, unit_rating(world.cell1), 93, E=4))
    assert "AR-22b" not in [t["code"] for t in cell1.classification["triggers"]]
    assert (cell1.class_status, cell1.proposed) == ("gap", "good")
    assert any(c["rule"] == "AR-42" and not c["holds"] for c in cell1.classification["checks"])


def test_scope_of_recording(world):
    with pytest.raises(NotFoundOrForbidden):
        _record(world.users["secretary_cell1"], member_id=world.members["m4"].pk)
    with pytest.raises(Forbidden):
        _record(world.users["leader_p1"], member_id=world.members["m4"].pk)
    with pytest.raises(ValidationFailed):
        _record(world.users["staff_c1"], member_id=world.members["m4"].pk, organization_id=world.cell2.pk)
    with pytest.raises(ValidationFailed) as exc:
        _record(world.users["staff_c1"], member_id=world.members["m4"].pk, act_date=date(2025, 4, 1),
                decision_date=date(2025, 3, 1))
    assert exc.value.errors[0].field == "act_date"
