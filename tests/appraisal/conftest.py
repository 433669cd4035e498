"""Helpers for the appraisal tests: open a cycle, self-assess, appraise and decide with short calls."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from partyorg.appraisal import services
from partyorg.appraisal.models import Rating

MEETING = date(2025, 12, 10)


def open_cycle(actor, org, year: int = 2025, **kw):
    return services.cycle_open(actor=actor, org_id=org.pk,
                               data=services.CycleInput(year=year, meeting_on=kw.pop("meeting_on", MEETING), **kw))


def rating_of(member, period: str = "2025") -> Rating:
    return Rating.objects.get(period_label=period, subject_key=f"m:{member.pk}")


def unit_rating(org, body: str = "organization", period: str = "2025") -> Rating:
    return Rating.objects.get(period_label=period, subject_key=f"o:{org.pk}:{body}")


def points(total: float, *, collective: bool = False) -> dict[str, Decimal]:
    """Criterion points of the default template adding up to ``total`` (general group full at 30)."""
    tasks = Decimal(str(total)) - 30
    if collective:
        return {"politics_ethics": Decimal(15), "innovation": Decimal(5), "self_criticism": Decimal(10),
                "resolutions_targets": min(tasks, Decimal(50)), "subordinate_ratings": max(tasks - 50, Decimal(0))}
    return {"politics_ethics": Decimal(15), "innovation": Decimal(5), "self_criticism": Decimal(10),
            "task_results": tasks}


def self_assess(actor, rating, total: float = 85, *, T=10, D=10, O=10, E=0, level="good", **kw):  # noqa: E741
    data = services.SelfAssessmentInput(
        criteria_points=points(total, collective=rating.is_collective), tasks_total=T, tasks_done=D,
        tasks_on_time=O, tasks_exceeded=E, self_level=level, self_report="Tự kiểm điểm", **kw)
    return services.rating_self_assess(actor=actor, rating_id=rating.pk, data=data)


def appraise(actor, rating, **kw):
    return services.rating_appraise(actor=actor, rating_id=rating.pk, data=services.AppraisalInput(**kw))


def decision(number: str = "15-QĐ/ĐU", signed_on: date = date(2025, 12, 20)) -> services.DecisionInput:
    return services.DecisionInput(number=number, signed_on=signed_on, place="Xã Một", signer_name="Nguyễn Văn Bí",
                                  signer_title="Bí thư", on_behalf_of="Đảng ủy")


def decide(actor, decider, ratings_levels, *, number="15-QĐ/ĐU", signed_on=date(2025, 12, 20), period="2025",
           exception_id=None):
    items = [services.DecidedItem(r.pk, level, reason) for r, level, reason in
             ((x[0], x[1], x[2] if len(x) > 2 else "") for x in ratings_levels)]
    return services.ratings_decide(actor=actor, decider_id=decider.pk, period_label=period,
                                   decision=decision(number, signed_on), items=items, exception_id=exception_id)


@pytest.fixture
def cell1_cycle(world):
    """The 2025 cycle of cell 1 (members m1, m2, m3), opened by the commune committee's staff."""
    return open_cycle(world.users["staff_c1"], world.cell1)
