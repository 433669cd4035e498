"""Self-assessment, appraisal and classification through the app: who may do what, the rules applied and
stored with each proposal, the KHT triggers, mitigation and re-verification. Rule IDs in each docstring."""
import sys
import types
from datetime import date

import pytest

from partyorg.appraisal import services
from partyorg.appraisal.models import State
from partyorg.core.errors import Forbidden, NotFoundOrForbidden, StateConflict, ValidationFailed
from partyorg.core.models import AuditEvent
from partyorg.members.services import position_assign
from tests.appraisal.conftest import appraise, decide, open_cycle, rating_of, self_assess, unit_rating


def test_member_self_assesses_only_their_own_rating(world, cell1_cycle):
    """AR-54: the subject assesses themself (or the cell on their behalf); nobody else outside the scope."""
    me = world.users["member_m1"]
    n = AuditEvent.objects.count()
    r = self_assess(me, rating_of(world.members["m1"]), 88)
    assert r.state == State.SELF_ASSESSED and r.self_assessed_by_id == me.pk
    assert AuditEvent.objects.count() == n + 1
    with pytest.raises(NotFoundOrForbidden):
        self_assess(me, rating_of(world.members["m2"]), 88)
    with pytest.raises(NotFoundOrForbidden):
        self_assess(world.users["staff_p2"], rating_of(world.members["m2"]), 88)
    with pytest.raises(Forbidden):
        self_assess(world.users["leader_p1"], rating_of(world.members["m2"]), 88)
    r2 = self_assess(world.users["secretary_cell1"], rating_of(world.members["m2"]), 80)
    assert r2.state == State.SELF_ASSESSED


def test_appraisal_stores_the_proposal_with_rules_and_defaults(world, cell1_cycle):
    """AR-17, AR-28, AR-33: 92 points, O == T and 10*E >= 3*T -> HTXS candidate for the quota (T1); the
    rules and the defaults applied are stored with the proposal."""
    sec = world.users["secretary_cell1"]
    r = self_assess(sec, rating_of(world.members["m1"]), 92, T=10, D=10, O=10, E=3)
    with pytest.raises(Forbidden):  # the member does not appraise
        appraise(world.users["member_m1"], r)
    r = appraise(sec, r)
    assert r.state == State.APPRAISED
    assert (r.class_status, r.proposed, r.band) == ("candidate", "excellent", "excellent")
    assert {"AR-17", "AR-28", "AR-33"} <= set(r.classification["rules"])
    assert {"rule": "AR-28", "name": "classification_order", "value": "exclusion,kht,band,quota"} in \
        r.classification["defaults_applied"]
    assert any(c["condition"] == "10*E >= 3*T" and c["values"] == "30 >= 30" for c in r.classification["checks"])


@pytest.mark.parametrize(("total", "tasks", "status", "proposed", "rule"), [
    (92, (10, 10, 10, 2), "gap", "good", "AR-29"),  # T2
    (85, (10, 10, 8, 0), "gap", "completed", "AR-29"),  # T3
    (65, (10, 10, 8, 0), "rated", "completed", "AR-20"),  # T4
    (65, (10, 10, 7, 0), "gap", "", "AR-29"),  # T5: no proposal
    (75, (10, 4, 4, 0), "rated", "not_completed", "AR-24"),  # T6
    (75, (10, 5, 5, 0), "gap", "", "AR-29"),  # T6, D=5: no trigger; HT fails (D != T)
    (49.9, (10, 10, 10, 0), "rated", "not_completed", "AR-21"),
])
def test_worked_examples_through_the_app(world, cell1_cycle, total, tasks, status, proposed, rule):
    """T2..T6 of the spec through the services: AR-29 gap cases propose the highest lower level whose
    conditions hold, or nothing; AR-24(b) `2*(T - D) > T`; AR-21 below 50 points."""
    sec = world.users["secretary_cell1"]
    T, D, O, E = tasks  # noqa: E741 - the spec's notation
    r = appraise(sec, self_assess(sec, rating_of(world.members["m2"]), total, T=T, D=D, O=O, E=E))
    assert (r.class_status, r.proposed) == (status, proposed)
    assert rule in r.classification["rules"]
    if status == "gap":
        assert "gap" in r.flags


def test_discipline_fires_kht_and_a_claim_waits_for_the_competent_level(world, cell1_cycle):
    """T7 / AR-24(a): reprimanded in 2025 for a public-service violation -> KHT. AR-25: with a recorded
    self-detected claim the rating is `mitigation_pending` until the competent level decides; set aside ->
    classified again on the band."""
    staff, sec = world.users["staff_c1"], world.users["secretary_cell1"]
    m2 = world.members["m2"]
    services.discipline_record(actor=staff, data=services.DisciplineInput(
        form="reprimand", decision_number="05-QĐ/ĐU", decision_date=date(2025, 6, 1), member_id=m2.pk,
        act_date=date(2025, 3, 1)))
    r = appraise(sec, self_assess(sec, rating_of(m2), 88, T=10, D=10, O=10))
    assert (r.class_status, r.proposed) == ("rated", "not_completed")
    assert [t["code"] for t in r.classification["triggers"]] == ["AR-24a"]
    r = appraise(sec, r, claims=[services.MitigationClaimInput("AR-24a", "self_detected_remedied", "discipline")])
    assert r.state == State.MITIGATION_PENDING and r.class_status == "mitigation_pending"
    assert "AR-25" in r.classification["rules"]
    with pytest.raises(ValidationFailed):  # cannot be decided while pending
        decide(staff, world.c1, [(r, "good")])
    with pytest.raises(Forbidden):  # the cell does not decide
        services.rating_resolve_mitigation(actor=sec, rating_id=r.pk, trigger="AR-24a", outcome="set_aside",
                                           number="07-QĐ/ĐU", signed_on=date(2025, 12, 1), authority="Đảng ủy xã",
                                           reason="Tự phát hiện, khắc phục")
    r = services.rating_resolve_mitigation(actor=staff, rating_id=r.pk, trigger="AR-24a", outcome="set_aside",
                                           number="07-QĐ/ĐU", signed_on=date(2025, 12, 1), authority="Đảng ủy xã",
                                           reason="Tự phát hiện, khắc phục")
    assert r.state == State.APPRAISED and (r.class_status, r.proposed) == ("rated", "good")


def test_leader_low_confidence_from_the_manual_entry(world):
    """T8 / AR-23(b): a leader with more than half low-confidence ballots is KHT; the manual entry needs its
    source, which is stored."""
    op = world.users["operator"]
    position_assign(actor=op, member_id=world.members["m1"].pk, organization_id=world.cell1.pk, title="bi_thu",
                    start_on=date(2024, 1, 1), how_obtained="elected")
    open_cycle(world.users["staff_c1"], world.cell1)
    sec = world.users["secretary_cell1"]
    r = rating_of(world.members["m1"])
    assert r.subject_type == "leader" and r.template.form == "2A"
    r = self_assess(sec, r, 91, T=20, D=20, O=20, E=7)
    with pytest.raises(ValidationFailed) as exc:
        appraise(sec, r, low_confidence=True)
    assert exc.value.errors[0].field == "low_confidence_source"
    r = appraise(sec, r, low_confidence=True, low_confidence_source="Biên bản kiểm phiếu ngày 10/10/2025")
    assert (r.class_status, r.proposed) == ("rated", "not_completed")
    assert [t["code"] for t in r.classification["triggers"]] == ["AR-23b"]
    assert r.low_confidence_source == "Biên bản kiểm phiếu ngày 10/10/2025"


def test_confidence_module_is_read_when_it_exists(world, monkeypatch):
    """AR-23(b): when partyorg.confidence.selectors.low_confidence_over_half exists and knows a vote, its answer
    wins over the manual entry."""
    calls = []

    def low_confidence_over_half(member_id, year):
        calls.append((member_id, year))
        return True

    fake = types.ModuleType("partyorg.confidence.selectors")
    fake.low_confidence_over_half = low_confidence_over_half
    monkeypatch.setitem(sys.modules, "partyorg.confidence.selectors", fake)
    got = services.low_confidence_for(member_id=7, year=2025, manual=False, source="nhập tay")
    assert got.value is True and "phân hệ" in got.source and calls == [(7, 2025)]
    fake.low_confidence_over_half = lambda member_id, year: None
    got = services.low_confidence_for(member_id=7, year=2025, manual=False, source="nhập tay")
    assert (got.value, got.source) == (False, "nhập tay")


def test_concerns_need_reverification_before_the_decision(world, cell1_cycle):
    """AR-55: with complaints or reports the decision needs a recorded re-verification."""
    staff, sec = world.users["staff_c1"], world.users["secretary_cell1"]
    r = appraise(sec, self_assess(sec, rating_of(world.members["m3"]), 80), concerns_raised=True)
    assert r.state == State.REVERIFICATION
    with pytest.raises(ValidationFailed) as exc:
        decide(staff, world.c1, [(r, "good")])
    assert "Lê Văn Đức" in exc.value.errors[0].message_vi
    r = services.rating_record_reverification(actor=staff, rating_id=r.pk, reference="12-KL/HU", on=date(2025, 12, 5))
    assert r.state == State.APPRAISED
    for other in ("m1", "m2"):
        appraise(sec, self_assess(sec, rating_of(world.members[other]), 80))
    d = decide(staff, world.c1, [(rating_of(world.members[k]), "good") for k in ("m1", "m2", "m3")])
    assert d.versions.count() == 3


def test_state_rating_required_for_civil_servants(world, cell1_cycle):
    """AR-40 (block by default): a CBCCVC member's party decision needs the state rating of the same year."""
    staff, sec = world.users["staff_c1"], world.users["secretary_cell1"]
    r = appraise(sec, self_assess(sec, rating_of(world.members["m1"]), 80), cbccvc=True)
    with pytest.raises(ValidationFailed) as exc:
        decide(staff, world.c1, [(r, "good")])
    assert "AR-40" in exc.value.errors[0].message_vi
    r = appraise(sec, r, cbccvc=True, state_level="good", state_rated_on=date(2025, 12, 10), state_body="UBND xã")
    decide(staff, world.c1, [(r, "good")])
    r.refresh_from_db()
    assert r.level == "good"


def test_collective_is_appraised_by_the_deciding_level(world, cell1_cycle):
    """AR-54, AR-58: the cell assesses itself; the grassroots committee's advisory body appraises; the draft
    report sent fewer than 3 working days before the meeting is kept with a warning (AR-56)."""
    staff, sec = world.users["staff_c1"], world.users["secretary_cell1"]
    cell = unit_rating(world.cell1)
    cell = self_assess(sec, cell, 86, report_shared_on=date(2025, 12, 8), review_meeting_on=date(2025, 12, 10))
    with pytest.raises(Forbidden):
        appraise(sec, cell)
    cell = appraise(staff, cell)
    assert cell.state == State.APPRAISED and "AR-22" in cell.classification["rules"]
    from partyorg.appraisal.selectors import subject_page

    page = subject_page(actor=staff, r=cell)
    assert any(w.startswith("AR-56") for w in page.warnings)


def test_state_machine_refuses_out_of_order_steps(world, cell1_cycle):
    """AR-54: appraisal follows the self-assessment; a self-assessment cannot change an appraised rating."""
    sec = world.users["secretary_cell1"]
    r = rating_of(world.members["m1"])
    with pytest.raises(StateConflict):
        appraise(sec, r)
    r = appraise(sec, self_assess(sec, r, 80))
    with pytest.raises(StateConflict):
        self_assess(sec, r, 85)
