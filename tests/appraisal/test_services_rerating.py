"""Cancellation and re-rating (Mẫu 03): immutable versions, quota re-check, follow-ups, statistics.
Rule IDs in each docstring."""
from datetime import date
from decimal import Decimal

import pytest

from partyorg.appraisal import selectors, services
from partyorg.appraisal.models import Rating, RatingVersion, ReRatingDecision, State, StatsReport
from partyorg.core.errors import Forbidden, StateConflict, ValidationFailed
from partyorg.core.models import AuditEvent
from tests.appraisal.conftest import appraise, decide, open_cycle, rating_of, self_assess, unit_rating
from tests.conftest import make_member


def _rerate(actor, rating, level, **kw):
    return services.rating_rerate(actor=actor, rating_id=rating.pk, data=services.ReRatingInput(
        number=kw.pop("number", "40-QĐ/ĐU"), signed_on=kw.pop("signed_on", date(2026, 3, 10)),
        authority="Đảng ủy xã Một", reason=kw.pop("reason", "Báo cáo kết quả không trung thực"),
        ground=kw.pop("ground", "dishonesty"), new_level=level, place="Xã Một", signer_name="Nguyễn Văn Bí",
        signer_title="Bí thư", **kw))


@pytest.fixture
def decided(world):
    """C1's 2025 cycle: m1 decided HTXS with five HTT in the group (5*1 <= 5), cell 1 decided, statistics of
    C1 sent up."""
    staff = world.users["staff_c1"]
    world.members["x"] = make_member(staff, world.cell2, "Đặng Văn Tư", 555300000001)
    open_cycle(staff, world.c1)
    rs = {}
    for key, total, e in (("m1", 95, 4), ("m2", 85, 0), ("m3", 85, 0), ("m4", 84, 0), ("m5", 80, 0), ("x", 80, 0)):
        rs[key] = appraise(staff, self_assess(staff, rating_of(world.members[key]), total, E=e))
    cell = appraise(staff, self_assess(staff, unit_rating(world.cell1), 85))
    decide(staff, world.c1, [(rs["m1"], "excellent")] + [(rs[k], "good") for k in ("m2", "m3", "m4", "m5", "x")]
           + [(cell, "good")])
    services.stats_send_up(actor=staff, org_id=world.c1.pk, period_label="2025")
    return rs


def test_rerating_creates_a_new_version_and_keeps_the_old_one_cancelled(world, decided):
    """T23 / AR-66, AR-67: Mẫu 03 creates version 2 from the corrected facts, linked to the decision, and
    marks version 1 cancelled; both stay. AR-68: the decided cell is flagged for review (never changed), the
    statistics sent up are superseded, the tallies follow."""
    staff = world.users["staff_c1"]
    m1 = decided["m1"]
    n = AuditEvent.objects.count()
    rr = _rerate(staff, m1, "completed", corrected_tasks=(10, 10, 8, 2), corrected_score=Decimal("68"))
    v1, v2 = RatingVersion.objects.filter(rating=m1).order_by("number")
    assert (v1.level, v1.cancelled, v1.cancelled_by) == ("excellent", True, rr)
    assert (v2.level, v2.cancelled, v2.rerating) == ("completed", False, rr)
    assert v2.facts["tasks"] == {"T": 10, "D": 10, "O": 8, "E": 2} and v2.score_total_x10 == 680
    m1.refresh_from_db()
    assert (m1.level, m1.current_version, m1.rerated, m1.state) == ("completed", 2, True, State.DECIDED)
    assert {"AR-66", "AR-67", "AR-68"} <= set(rr.trace["rules"])
    kinds = {f["kind"] for f in rr.follow_ups}
    assert {"parent_organization_flagged_for_review", "statistics_superseded"} <= kinds
    cell = unit_rating(world.cell1)
    assert cell.level == "good" and "AR-68" in cell.review_flag
    report = StatsReport.objects.get()
    assert report.superseded_at is not None and "40-QĐ/ĐU" in report.superseded_note
    stats = selectors.rating_stats(actor=staff, org_id=world.c1.pk, period_label="2025")
    assert stats.total.reratings == 1
    assert AuditEvent.objects.count() == n + 1
    with pytest.raises(Exception):  # noqa: B017 - one active version per rating (database constraint)
        from django.db import transaction

        with transaction.atomic():
            RatingVersion.objects.filter(pk=v1.pk).update(cancelled=False)


def test_a_new_excellent_must_pass_the_quota(world, decided):
    """AR-68 / AR-33: after m1 leaves HTXS, re-rating m3 to HTXS with four other HTT (5 > 4) is refused."""
    staff = world.users["staff_c1"]
    _rerate(staff, decided["m1"], "completed", ground="unmet_conditions", reason="Không đủ điều kiện")
    with pytest.raises(ValidationFailed) as exc:
        _rerate(staff, decided["m3"], "excellent", number="41-QĐ/ĐU", ground="reports", reason="Xác minh lại")
    assert "AR-33" in exc.value.message_vi
    assert ReRatingDecision.objects.count() == 1
    assert Rating.objects.get(pk=decided["m3"].pk).level == "good"


def test_only_the_deciding_level_rerates_a_decided_result(world, decided):
    """AR-66: only a decided result changes, only by the competent level's decision."""
    with pytest.raises(Forbidden):
        _rerate(world.users["secretary_cell1"], decided["m1"], "good")
    staff = world.users["staff_c1"]
    open_cycle(world.users["staff_p1"], world.c2)
    undecided = rating_of(world.members["m6"])
    with pytest.raises(StateConflict):
        _rerate(world.users["staff_p1"], undecided, "good")
    with pytest.raises(ValidationFailed) as exc:
        _rerate(staff, decided["m1"], "good", number="40/QĐ-UBND")
    assert exc.value.field == "number"
