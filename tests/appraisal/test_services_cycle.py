"""Cycles: rule set by period, subjects from the registry with exclusions, deciders, peer groups, templates,
closing. Rule IDs are cited in each docstring (AR-*)."""
from datetime import date
from decimal import Decimal

import pytest

from partyorg.appraisal import services
from partyorg.appraisal.models import CriteriaTemplate, Rating, RatingCycle, State
from partyorg.core.errors import Forbidden, NotFoundOrForbidden, StateConflict, ValidationFailed
from partyorg.core.models import AuditEvent
from partyorg.members.services import member_change_status, position_assign
from tests.appraisal.conftest import appraise, decide, open_cycle, rating_of, self_assess, unit_rating
from tests.conftest import make_member


def test_open_generates_collectives_and_members_with_deciders_and_audit(world):
    """AR-1 QD366 from 2025, stored with its trace; AR-3 collectives; AR-8 a cell under 9 full members has
    no committee subject; AR-13 one rating per subject; AR-58 deciders; AR-31 peer group per grassroots
    committee; audit in the same transaction."""
    n = AuditEvent.objects.count()
    cycle = open_cycle(world.users["staff_c1"], world.c1)
    assert cycle.rule_set == "QD366-2025" and cycle.period_label == "2025"
    assert "AR-1" in cycle.rule_set_trace["rules"]
    keys = set(Rating.objects.filter(cycle=cycle).values_list("subject_key", flat=True))
    c1, cell1, cell2 = world.c1, world.cell1, world.cell2
    assert {f"o:{c1.pk}:organization", f"o:{c1.pk}:committee", f"o:{cell1.pk}:organization",
            f"o:{cell2.pk}:organization"} <= keys
    assert f"o:{cell1.pk}:committee" not in keys  # AR-8: 3 full members
    assert {f"m:{world.members[k].pk}" for k in ("m1", "m2", "m3", "m4", "m5")} <= keys
    assert f"m:{world.members['m6'].pk}" not in keys  # another commune
    assert unit_rating(c1).decider_id == world.p1.pk  # grassroots organization -> the level above
    assert unit_rating(cell1).decider_id == c1.pk  # subordinate cell -> grassroots committee
    m1, m4 = rating_of(world.members["m1"]), rating_of(world.members["m4"])
    assert m1.decider_id == c1.pk and m1.peer_group == m4.peer_group == f"{c1.pk}|non_leader|member"
    assert m1.template is not None and m1.template.form == "2B"  # AR-7
    assert AuditEvent.objects.filter(action="appraisal.cycle.open").count() == 1
    assert AuditEvent.objects.count() == n + 1
    assert cycle.deadline_rating == date(2025, 12, 31) and cycle.deadline_form04 == date(2026, 2, 1)  # AR-61


def test_rule_set_follows_the_period(world):
    """AR-1: 2024 -> QD124-2023; 2020 only as the legacy QD132 option; 2017 has none."""
    assert open_cycle(world.users["staff_p1"], world.cell1, year=2024).rule_set == "QD124-2023"
    legacy = open_cycle(world.users["staff_p1"], world.cell2, year=2020, legacy_qd132=True)
    assert legacy.rule_set == "QD132-2018"
    assert "qd132_enabled" in {d["name"] for d in legacy.rule_set_trace["defaults_applied"]}
    with pytest.raises(ValidationFailed):
        open_cycle(world.users["staff_p1"], world.cell3, year=2020)
    with pytest.raises(ValidationFailed):
        open_cycle(world.users["staff_p1"], world.cell3, year=2024, legacy_qd132=True)


def test_exclusions_are_listed_with_reasons(world):
    """AR-4, AR-5: exempt, suspended and admitted less than 6 months before the cell meeting are not reviewed,
    each with its reason and reference date. T19: admitted 2025-06-30 is reviewed with dec_31 but not with
    the meeting date 2025-12-15 (add_months(2025-06-30, 6) = 2025-12-30)."""
    staff = world.users["staff_c1"]
    member_change_status(actor=staff, member_id=world.members["m2"].pk, new_status="exempted",
                         effective_on=date(2025, 3, 1), reason="Tuổi cao")
    member_change_status(actor=staff, member_id=world.members["m3"].pk, new_status="suspended",
                         effective_on=date(2025, 11, 1))
    young = make_member(staff, world.cell1, "Ngô Thị Mới", 555100000001, admitted_on=date(2025, 6, 30),
                        official_on=None)
    open_cycle(staff, world.cell1, meeting_on=date(2025, 12, 15))
    assert rating_of(world.members["m2"]).excluded == "exempt"
    assert rating_of(world.members["m3"]).excluded == "suspended"
    r = rating_of(young)
    assert r.excluded == "admitted_under_6_months"
    assert r.exclusion_trace["reference_date"] == "2025-12-15"
    assert "AR-5" in {d["rule"] for d in r.exclusion_trace["defaults_applied"]}
    assert rating_of(world.members["m1"]).excluded == ""
    with pytest.raises(StateConflict):  # AR-4: not reviewed, so no self-assessment
        self_assess(staff, rating_of(world.members["m2"]))


def test_meeting_date_change_rereads_eligibility(world):
    """AR-5: moving the meeting date re-reads the 6 months on the new reference date."""
    staff = world.users["staff_c1"]
    young = make_member(staff, world.cell1, "Ngô Thị Mới", 555100000002, admitted_on=date(2025, 6, 20),
                        official_on=None)
    cycle = open_cycle(staff, world.cell1, meeting_on=date(2025, 12, 15))
    assert rating_of(young).excluded == "admitted_under_6_months"
    services.cycle_set_meeting_date(actor=staff, cycle_id=cycle.pk, meeting_on=date(2025, 12, 22))
    assert rating_of(young).excluded == ""


def test_overlapping_cycles(world):
    """AR-13: one rating per subject and period. A cycle under an ancestor's cycle is refused; an ancestor
    opened after a descendant leaves the descendant's subjects where they are."""
    cell_cycle = open_cycle(world.users["staff_c1"], world.cell1)
    commune = open_cycle(world.users["staff_c1"], world.c1)
    assert rating_of(world.members["m1"]).cycle_id == cell_cycle.pk
    assert rating_of(world.members["m4"]).cycle_id == commune.pk
    assert world.cell1.path in commune.generation["covered_by_other_cycles"]
    with pytest.raises(StateConflict) as exc:
        open_cycle(world.users["staff_c1"], world.cell2)
    assert "AR-13" in exc.value.message_vi
    with pytest.raises(StateConflict):
        open_cycle(world.users["staff_c1"], world.c1)


def test_scope_of_opening(world):
    with pytest.raises(NotFoundOrForbidden):
        open_cycle(world.users["staff_p2"], world.cell1)
    with pytest.raises(Forbidden):
        open_cycle(world.users["leader_p1"], world.cell1)
    with pytest.raises(NotFoundOrForbidden):
        open_cycle(world.users["secretary_cell1"], world.c1)
    assert not RatingCycle.objects.exists()


def test_quarterly_cycles_for_central_cadres_only(world):
    """AR-62: quarters 1-3 from 2026-Q1 for cadres managed by the Politburo/Secretariat; Q4 folds into the
    year-end rating; earlier quarters are not evaluated."""
    op = world.users["operator"]
    position_assign(actor=op, member_id=world.members["m1"].pk, organization_id=world.p1.pk, title="bi_thu",
                    start_on=date(2025, 1, 1), how_obtained="elected", managing_authority_id=world.root.pk)
    with pytest.raises(ValidationFailed):
        open_cycle(world.users["staff_p1"], world.p1, year=2026, quarter=4)
    with pytest.raises(ValidationFailed):
        open_cycle(world.users["staff_p1"], world.p1, year=2025, quarter=3)
    cycle = open_cycle(world.users["staff_p1"], world.p1, year=2026, quarter=1, meeting_on=date(2026, 3, 5))
    rows = list(Rating.objects.filter(cycle=cycle))
    assert [r.member_id for r in rows] == [world.members["m1"].pk]
    assert rows[0].subject_type == "leader_central" and rows[0].period_label == "2026-Q1"
    assert cycle.deadline_rating == date(2026, 3, 15)


def test_close_needs_every_reviewed_subject_decided(world):
    """AR-6: a cycle cannot close while a reviewed subject has no decided level; excluded ones do not count."""
    staff, sec = world.users["staff_c1"], world.users["secretary_cell1"]
    member_change_status(actor=staff, member_id=world.members["m3"].pk, new_status="exempted",
                         effective_on=date(2025, 1, 1))
    cycle = open_cycle(staff, world.cell1)
    with pytest.raises(StateConflict) as exc:
        services.cycle_close(actor=staff, cycle_id=cycle.pk)
    assert "AR-6" in exc.value.message_vi and "Nguyễn Văn An" in exc.value.message_vi
    r1, r2 = rating_of(world.members["m1"]), rating_of(world.members["m2"])
    for r in (r1, r2):
        self_assess(sec, r, 80)
        appraise(sec, r)
    cell = unit_rating(world.cell1)
    self_assess(sec, cell, 80)
    appraise(staff, cell)
    decide(staff, world.c1, [(r1, "good"), (r2, "good"), (cell, "good")])
    closed = services.cycle_close(actor=staff, cycle_id=cycle.pk)
    assert closed.status == "closed"


def test_templates_are_versioned_and_validated(world):
    """AR-15: a template's maxima sum to exactly 30 and 70; a new version does not change the version a cycle
    already uses; AR-14/AR-16 the default template splits 30 + 70."""
    staff = world.users["staff_p1"]
    bad = [services.CriterionInput("a", "general", Decimal(20), "A"),
           services.CriterionInput("b", "tasks", Decimal(70), "B")]
    with pytest.raises(ValidationFailed) as exc:
        services.template_create(actor=staff, issuer_id=world.p1.pk, subject_type="non_leader", title="Sai",
                                 criteria=bad)
    assert exc.value.field == "criteria" and "AR-15" in exc.value.message_vi
    good = [services.CriterionInput("chinh_tri", "general", Decimal("20"), "Chính trị, tư tưởng"),
            services.CriterionInput("dao_duc", "general", Decimal("10"), "Đạo đức, lối sống"),
            services.CriterionInput("nhiem_vu", "tasks", Decimal("70"), "Kết quả nhiệm vụ")]
    t1 = services.template_create(actor=staff, issuer_id=world.p1.pk, subject_type="non_leader",
                                  title="Khung tỉnh Alpha", criteria=good)
    assert t1.version == 1
    open_cycle(world.users["staff_c1"], world.cell1)
    r = rating_of(world.members["m1"])
    assert r.template_id == t1.pk
    t2 = services.template_create(actor=staff, issuer_id=world.p1.pk, subject_type="non_leader",
                                  title="Khung tỉnh Alpha sửa đổi", criteria=good)
    assert t2.version == 2
    r.refresh_from_db()
    assert r.template_id == t1.pk
    with pytest.raises(Forbidden):
        services.template_create(actor=world.users["leader_p1"], issuer_id=world.p1.pk, subject_type="non_leader",
                                 title="X", criteria=good)
    default = CriteriaTemplate.objects.get(issuer_path="", subject_type="collective")
    assert sum(c["max_x10"] for c in default.criteria if c["group"] == "general") == 300
    assert sum(c["max_x10"] for c in default.criteria if c["group"] == "tasks") == 700


def test_self_assessment_uses_the_template_scores(world):
    """AR-14: total = general (0-30) + tasks (0-70); a score above a criterion's maximum names the field."""
    cycle = open_cycle(world.users["staff_c1"], world.cell1)
    r = Rating.objects.get(cycle=cycle, member=world.members["m1"])
    with pytest.raises(ValidationFailed) as exc:
        self_assess(world.users["member_m1"], r, 101)
    assert exc.value.field == "criteria.task_results"
    r = self_assess(world.users["member_m1"], r, 92.5, E=3)
    assert (r.score_general_x10, r.score_tasks_x10, r.score_total_x10) == (300, 625, 925)
    assert r.state == State.SELF_ASSESSED
