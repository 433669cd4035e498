"""The competent level's decision: the quota of the whole peer group under a lock, the exception, cut
candidates, overrides, ordering prerequisites, deadlines, announcement. Rule IDs in each docstring."""
from datetime import date

import pytest

from partyorg.appraisal import selectors, services
from partyorg.appraisal.models import Rating, RatingDecision, RatingVersion, State
from partyorg.core.errors import Forbidden, NotFoundOrForbidden, ValidationFailed
from partyorg.core.models import AuditEvent
from partyorg.members.services import position_assign
from tests.appraisal.conftest import appraise, decide, open_cycle, rating_of, self_assess, unit_rating


@pytest.fixture
def c1(world):
    """The 2025 cycle of the commune committee C1: cells 1 and 2, members m1..m5 in one peer group."""
    return open_cycle(world.users["staff_c1"], world.c1)


def _appraised(world, scores: dict[str, tuple[float, int]]):
    """Self-assess and appraise members: key -> (total, E) with T=D=O=10."""
    staff = world.users["staff_c1"]
    out = {}
    for key, (total, exceeded) in scores.items():
        r = self_assess(staff, rating_of(world.members[key]), total, E=exceeded,
                        level="excellent" if total >= 90 else "good")
        out[key] = appraise(staff, r)
    return out


def test_over_quota_is_refused_and_nothing_is_saved(world, c1):
    """AR-33: 5*htxs <= htt over the whole peer group. Two candidates and three good: AR-35 admits
    (3 + 2) // 6 = 0, so one HTXS (5 > 4) is refused and nothing is written; AR-36 the cut candidates are
    decided HTT without a reason and flagged quota_cut."""
    rs = _appraised(world, {"m1": (95, 4), "m2": (92, 3), "m3": (85, 0), "m4": (84, 0), "m5": (80, 0)})
    staff = world.users["staff_c1"]
    n_audit = AuditEvent.objects.count()
    with pytest.raises(ValidationFailed) as exc:
        decide(staff, world.c1, [(rs["m1"], "excellent"), (rs["m2"], "good"), (rs["m3"], "good"),
                                 (rs["m4"], "good"), (rs["m5"], "good")])
    assert "AR-33" in exc.value.message_vi and "Đảng bộ xã Một" in exc.value.message_vi
    assert "tối đa được 0" in exc.value.message_vi
    assert not RatingDecision.objects.exists() and not RatingVersion.objects.exists()
    assert AuditEvent.objects.count() == n_audit
    cal = selectors.calibration(actor=staff, decider_id=world.c1.pk, period_label="2025")
    group = next(g for g in cal.groups if g.key.endswith("|non_leader|member"))
    assert (group.good, group.candidates, group.excellent_max) == (3, 2, 0)
    assert {row.r.name: row.outcome for row in group.rows if row.candidate} == {
        "Nguyễn Văn An": "moved", "Trần Thị Bình": "moved"}
    assert [row.r.name for row in group.rows][:2] == ["Nguyễn Văn An", "Trần Thị Bình"]  # ranked by score
    d = decide(staff, world.c1, [(rs[k], "good") for k in ("m1", "m2", "m3", "m4", "m5")])
    v1 = RatingVersion.objects.get(rating=rs["m1"])
    assert v1.quota_cut and not v1.overridden and v1.decision == d
    assert not RatingVersion.objects.get(rating=rs["m3"]).quota_cut
    assert AuditEvent.objects.filter(action="appraisal.rating.decide").count() == 5


def test_admissible_maximum_and_ranking(world):
    """AR-35: with 7 HTT and 2 candidates, (7 + 2) // 6 = 1 HTXS; AR-36 the higher score keeps it and the cut
    one is decided HTT without a reason; the batch passes (5*1 <= 8)."""
    from tests.conftest import make_member

    staff = world.users["staff_c1"]
    for i, name in enumerate(["Đặng Văn Tư", "Đinh Thị Năm", "Mai Văn Sáu", "Lý Thị Bảy"]):
        world.members[f"x{i}"] = make_member(staff, world.cell2, name, 555200000000 + i)
    open_cycle(staff, world.c1)
    scores = {"m1": (95, 4), "m2": (91, 3), "m3": (85, 0), "m4": (84, 0), "m5": (80, 0)}
    scores.update({f"x{i}": (82, 0) for i in range(4)})
    rs = _appraised(world, scores)
    cal = selectors.calibration(actor=staff, decider_id=world.c1.pk, period_label="2025")
    group = next(g for g in cal.groups if g.key.endswith("|non_leader|member"))
    assert (group.good, group.candidates, group.excellent_max) == (7, 2, 1)
    assert group.outcome.excellent == (str(rs["m1"].pk),) and group.outcome.moved_to_good == (str(rs["m2"].pk),)
    suggested = {row.r.pk: row.suggested for row in group.rows}
    assert (suggested[rs["m1"].pk], suggested[rs["m2"].pk]) == ("excellent", "good")
    decide(staff, world.c1, [(r, suggested[r.pk]) for r in rs.values()])
    assert Rating.objects.get(pk=rs["m1"].pk).level == "excellent"
    assert Rating.objects.get(pk=rs["m2"].pk).quota_cut


def test_exception_decision_raises_the_ratio_to_25_percent(world, c1):
    """AR-34 (T16 in small): one candidate and four good: 5 > 4 is refused at 20%; a recorded exception
    decision for the group raises it to 25% (4 <= 4) and the decision passes."""
    rs = _appraised(world, {"m1": (95, 4), "m2": (88, 0), "m3": (85, 0), "m4": (84, 0), "m5": (80, 0)})
    staff = world.users["staff_c1"]
    items = [(rs["m1"], "excellent")] + [(rs[k], "good") for k in ("m2", "m3", "m4", "m5")]
    with pytest.raises(ValidationFailed):
        decide(staff, world.c1, items)
    group = rs["m1"].peer_group
    exc = services.quota_exception_record(actor=staff, decider_id=world.c1.pk, period_label="2025",
                                          number="20-QĐ/ĐU", signed_on=date(2025, 12, 15), authority="Đảng ủy xã Một",
                                          reason="Đơn vị có thành tích nổi trội", pct=25, peer_groups=[group])
    d = decide(staff, world.c1, items, exception_id=exc.pk)
    assert d.exception == exc and "AR-34" in d.trace["rules"]
    assert Rating.objects.get(pk=rs["m1"].pk).level == "excellent"
    with pytest.raises(ValidationFailed):
        services.quota_exception_record(actor=staff, decider_id=world.c1.pk, period_label="2025", number="21-QĐ/ĐU",
                                        signed_on=date(2025, 12, 15), authority="X", reason="Y", pct=30,
                                        peer_groups=[group])


def test_qd124_refuses_the_exception(world):
    """AR-37: under QD124 (2024) the 25% exception decision is rejected."""
    staff = world.users["staff_c1"]
    open_cycle(staff, world.cell1, year=2024)
    group = rating_of(world.members["m1"], "2024").peer_group
    with pytest.raises(ValidationFailed) as exc:
        services.quota_exception_record(actor=staff, decider_id=world.c1.pk, period_label="2024",
                                        number="20-QĐ/ĐU", signed_on=date(2024, 12, 15), authority="Đảng ủy",
                                        reason="Thành tích", pct=25, peer_groups=[group])
    assert "AR-37" in exc.value.message_vi


def test_qd124_grades_through_the_app(world):
    """AR-70 (T24): QD124 individual HTXS candidate with criteria >= Tốt, task Xuất sắc, O == T, 2*E >= T;
    E = 4 of 10 is not (AR-73: no configured lower level -> gap without proposal)."""
    staff = world.users["staff_c1"]
    open_cycle(staff, world.cell1, year=2024)
    grades = {"politics_ethics": "good", "innovation": "excellent", "self_criticism": "good", "task": "excellent"}
    r = rating_of(world.members["m1"], "2024")
    r = services.rating_self_assess(actor=staff, rating_id=r.pk, data=services.SelfAssessmentInput(
        grades=grades, tasks_total=10, tasks_done=10, tasks_on_time=10, tasks_exceeded=5))
    r = appraise(staff, r)
    assert (r.class_status, r.proposed) == ("candidate", "excellent") and "AR-70" in r.classification["rules"]
    r2 = rating_of(world.members["m2"], "2024")
    r2 = services.rating_self_assess(actor=staff, rating_id=r2.pk, data=services.SelfAssessmentInput(
        grades=grades, tasks_total=10, tasks_done=10, tasks_on_time=10, tasks_exceeded=4))
    r2 = appraise(staff, r2)
    assert (r2.class_status, r2.proposed) == ("gap", "")
    with pytest.raises(ValidationFailed) as exc:
        services.rating_self_assess(actor=staff, rating_id=rating_of(world.members["m3"], "2024").pk,
                                    data=services.SelfAssessmentInput(grades={"task": "good"}, tasks_total=1,
                                                                      tasks_done=1, tasks_on_time=1, tasks_exceeded=0))
    assert {e.field for e in exc.value.errors} >= {"grades.politics_ethics"}


def test_a_level_unlike_the_proposal_needs_a_reason(world, c1):
    """AR-30: deciding HT for a proposed HTT needs a recorded reason and shows as overridden; AR-29 a gap
    without proposal always needs one."""
    rs = _appraised(world, {"m3": (85, 0)})
    staff = world.users["staff_c1"]
    with pytest.raises(ValidationFailed) as exc:
        decide(staff, world.c1, [(rs["m3"], "completed")])
    assert exc.value.errors[0].field == f"reason_{rs['m3'].pk}"
    decide(staff, world.c1, [(rs["m3"], "completed", "Chưa hoàn thành đúng hạn báo cáo quý")])
    v = RatingVersion.objects.get(rating=rs["m3"])
    assert v.overridden and v.override_reason.startswith("Chưa hoàn thành")
    assert Rating.objects.get(pk=rs["m3"].pk).overridden


def test_ordering_prerequisites_name_the_missing_subjects(world):
    """AR-38 (T17, T18): the cell waits for all its members; a leader waits for the leadership collective
    of his post, decided by the level above."""
    op, staff, staff_p1 = world.users["operator"], world.users["staff_c1"], world.users["staff_p1"]
    position_assign(actor=op, member_id=world.members["m1"].pk, organization_id=world.c1.pk, title="bi_thu",
                    start_on=date(2024, 1, 1), how_obtained="elected")
    open_cycle(staff, world.c1)
    m1 = rating_of(world.members["m1"])
    assert m1.subject_type == "leader"
    for key in ("m1", "m2", "m3"):
        appraise(staff, self_assess(staff, rating_of(world.members[key]), 80))
    cell = appraise(staff, self_assess(world.users["secretary_cell1"], unit_rating(world.cell1), 80))
    with pytest.raises(ValidationFailed) as exc:
        decide(staff, world.c1, [(cell, "good")])
    text = exc.value.errors[0].message_vi
    assert "AR-38" in text and "Trần Thị Bình" in text and "Lê Văn Đức" in text
    with pytest.raises(ValidationFailed) as exc:
        decide(staff, world.c1, [(m1, "good")])
    assert "Ban Chấp hành Đảng bộ xã Một" in exc.value.errors[0].message_vi
    committee = appraise(staff_p1, self_assess(staff, unit_rating(world.c1, "committee"), 80))
    with pytest.raises(NotFoundOrForbidden):  # the commune does not decide its own committee
        decide(staff, world.p1, [(committee, "good")])
    decide(staff_p1, world.p1, [(committee, "good")], number="30-QĐ/TU")
    m2, m3 = rating_of(world.members["m2"]), rating_of(world.members["m3"])
    decide(staff, world.c1, [(m1, "good"), (m2, "good"), (m3, "good"), (cell, "good")])  # one batch
    assert Rating.objects.get(pk=cell.pk).state == State.DECIDED


def test_late_decisions_are_marked_never_refused(world, cell1_cycle):
    """AR-61: "before 31/12" means on or before 30/12 (deadline_inclusive = false); later is late."""
    staff = world.users["staff_c1"]
    r1 = appraise(staff, self_assess(staff, rating_of(world.members["m1"]), 80))
    r2 = appraise(staff, self_assess(staff, rating_of(world.members["m2"]), 80))
    d1 = decide(staff, world.c1, [(r1, "good")], signed_on=date(2025, 12, 30))
    d2 = decide(staff, world.c1, [(r2, "good")], number="16-QĐ/ĐU", signed_on=date(2025, 12, 31))
    assert (d1.late, d2.late) == (False, True)
    assert Rating.objects.get(pk=r2.pk).decided_late


def test_decision_number_and_scope(world, cell1_cycle):
    """DI-2/DI-11: a Party decision number; AR-58: only the deciding authority's writers decide."""
    staff = world.users["staff_c1"]
    r = appraise(staff, self_assess(staff, rating_of(world.members["m1"]), 80))
    with pytest.raises(ValidationFailed) as exc:
        decide(staff, world.c1, [(r, "good")], number="15/QĐ-UBND")
    assert exc.value.field == "number"
    with pytest.raises(NotFoundOrForbidden):
        decide(world.users["secretary_cell1"], world.c1, [(r, "good")])
    with pytest.raises(NotFoundOrForbidden):
        decide(world.users["staff_p2"], world.c1, [(r, "good")])
    with pytest.raises(Forbidden):
        decide(world.users["leader_p1"], world.c1, [(r, "good")])
    with pytest.raises(NotFoundOrForbidden):  # a rating of another decider cannot ride along
        decide(world.users["staff_p1"], world.p1, [(r, "good")])


def test_announcement_reaches_subject_and_managing_bodies(world, cell1_cycle):
    """AR-59: announced results list the subject and the bodies that manage and use it; the member then
    sees the result."""
    staff = world.users["staff_c1"]
    r = appraise(staff, self_assess(staff, rating_of(world.members["m1"]), 80))
    decide(staff, world.c1, [(r, "good")])
    me = world.users["member_m1"]
    page = selectors.subject_page(actor=me, r=Rating.objects.get(pk=r.pk))
    assert not page.show_result
    assert services.ratings_announce(actor=staff, decider_id=world.c1.pk, period_label="2025") == 1
    r.refresh_from_db()
    assert r.state == State.ANNOUNCED
    assert r.recipients == ["Nguyễn Văn An", "Đảng bộ xã Một", "Chi bộ Thôn Một"]
    assert selectors.subject_page(actor=me, r=r).show_result
