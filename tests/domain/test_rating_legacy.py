"""Rule sets QD124-2023 (AR-70..AR-73, T24-T27) and legacy QD132-2018 (AR-43)."""

from __future__ import annotations

import datetime as dt

import pytest

from partyorg.domain.rating import (
    Discipline,
    Grade,
    Level,
    Measure,
    Qd124Grades,
    RatingContext,
    RatingInputError,
    RuleSet,
    Status,
    SubjectFacts,
    SubjectType,
    TaskCounts,
    classify,
)
from partyorg.domain.rating.qd132 import cell_cap, member_excellent_allowed

CTX124 = RatingContext.annual(RuleSet.QD124, 2024)
CTX132 = RatingContext.annual(RuleSet.QD132, 2020)
X, G, A, P = Grade.EXCELLENT, Grade.GOOD, Grade.AVERAGE, Grade.POOR


def member(task: Grade = X, criteria=(G, G, X), t=10, o=10, e=5, **kw):
    return SubjectFacts("m", SubjectType.NON_LEADER, grades=Qd124Grades(tuple(criteria), task),
                        tasks=TaskCounts(t, t, o, e), **kw)  # fmt: skip


def reprimand(day="2024-05-01", **kw):
    return Discipline(Measure.REPRIMAND, dt.date.fromisoformat(day), **kw)


def test_T24_individual_excellent_needs_half_exceeded_AR_70():
    """Cites AR-70."""
    c = classify(member(e=5), CTX124)
    assert c.status is Status.CANDIDATE and c.proposed is Level.EXCELLENT and "AR-70" in c.rules
    assert any(k.condition == "2*E >= T" and k.values == "10 >= 10" for k in c.checks)
    not_yet = classify(member(e=4), CTX124)  # 366 would accept 30%
    assert not_yet.status is Status.GAP and not_yet.proposed is None


@pytest.mark.parametrize(
    ("task", "criteria", "o", "ok"),
    [(X, (G, G), 10, True), (G, (G, G), 10, False), (X, (A, X), 10, False), (X, (X, X), 9, False)],
)
def test_individual_excellent_conditions_AR_70(task, criteria, o, ok):
    """Cites AR-70."""
    c = classify(member(task, criteria, o=o), CTX124)
    assert (c.status is Status.CANDIDATE) is ok


def test_T25_reprimanded_not_self_detected_is_KHT_AR_72():
    """Cites AR-72."""
    c = classify(member(disciplines=(reprimand(),)), CTX124)
    assert c.level is Level.NOT_COMPLETED and [h.code for h in c.triggers] == ["AR-72"]
    detected = classify(member(disciplines=(reprimand(self_detected_remedied=True),)), CTX124)
    assert detected.status is Status.CANDIDATE
    other_year = classify(member(disciplines=(reprimand("2023-12-30"),)), CTX124)
    assert other_year.status is Status.CANDIDATE


def test_unconfigured_conditions_are_gap_AR_73():
    """Cites AR-73."""
    c = classify(member(task=G), CTX124)
    assert c.status is Status.GAP and "gap" in c.flags
    assert any(d.rule == "AR-73" and d.value == "empty" for d in c.defaults_applied)
    leader = SubjectFacts("l", SubjectType.LEADER, grades=Qd124Grades((X,), X), tasks=TaskCounts(4, 4, 4, 2))
    lc = classify(leader, CTX124)
    assert lc.status is Status.GAP and "qd124_leader_conditions_unconfigured" in lc.flags


def collective(task: Grade = X, criteria=(G, A), **kw):
    return SubjectFacts("c", SubjectType.COLLECTIVE, grades=Qd124Grades(tuple(criteria), task), **kw)


def test_collective_excellent_and_good_AR_71():
    """Cites AR-71."""
    assert classify(collective(), CTX124).status is Status.CANDIDATE
    good = classify(collective(task=G), CTX124)
    assert good.status is Status.RATED and good.level is Level.GOOD
    assert classify(collective(task=G, criteria=(P,)), CTX124).status is Status.GAP


def test_T27_collective_with_a_warned_leadership_member_AR_71():
    """Cites AR-71."""
    warned = Discipline(Measure.WARNING, dt.date(2024, 6, 1), subject="pho-giam-doc")
    c = classify(collective(member_disciplines=(warned,)), CTX124)
    assert c.status is not Status.CANDIDATE and c.proposed is not Level.EXCELLENT
    remedied = Discipline(Measure.WARNING, dt.date(2024, 6, 1), self_detected_remedied=True)
    c2 = classify(collective(member_disciplines=(remedied,)), CTX124)
    assert c2.level is Level.GOOD  # not HTXS, but HTT: self-detected and remedied


def test_qd124_needs_grades():
    with pytest.raises(RatingInputError) as err:
        classify(SubjectFacts("m", SubjectType.NON_LEADER, tasks=TaskCounts(1, 1, 1)), CTX124)
    assert err.value.field == "grades"


# ---------------------------------------------------------------------------------------------------
# QD132 linkage (AR-43)

H, T_, C, K = Level.EXCELLENT, Level.GOOD, Level.COMPLETED, Level.NOT_COMPLETED


@pytest.mark.parametrize(
    ("members", "orgs", "best", "forced"),
    [
        ((T_, T_, C, C), (), H, False),  # 2*2 >= 4
        ((T_, C, C, C), (), C, False),  # 2*1 < 4
        ((H, T_, T_, T_, K), (), C, False),  # a member KHT: not HTT; 5*1 > 5 false
        ((T_, T_, K, K, C, C, C, C, C, C), (), C, False),  # exactly 20% KHT: 10 > 10 false
        ((T_, T_, T_, T_, K, K), (), K, True),  # 10 > 6
        ((T_, T_), (K,), C, False),  # mass organization KHT
    ],
)
def test_qd132_cell_cap_AR_43(members, orgs, best, forced):
    """Cites AR-43."""
    cap = cell_cap(member_levels=members, level_organizations=orgs)
    assert (cap.best, cap.forced_kht) == (best, forced)


def test_qd132_subordinate_organizations_force_KHT_AR_43():
    """Cites AR-43."""
    assert cell_cap(member_levels=(T_,), subordinate_levels=(K, K, C)).forced_kht


def test_qd132_member_excellent_needs_civil_service_excellent_AR_43():
    """Cites AR-43."""
    assert member_excellent_allowed(civil_servant=False, state_level=None)
    assert not member_excellent_allowed(civil_servant=True, state_level=T_)
    f = SubjectFacts("m", SubjectType.NON_LEADER, assessed_level=H, civil_servant=True, state_level=T_)
    c = classify(f, CTX132)
    assert c.level is T_ and "linkage_capped" in c.flags and "AR-43" in c.rules
    ok = SubjectFacts("m", SubjectType.NON_LEADER, assessed_level=H, civil_servant=True, state_level=H)
    assert classify(ok, CTX132).status is Status.CANDIDATE


def test_qd132_cell_classification_AR_43():
    """Cites AR-43."""
    f = SubjectFacts("cell", SubjectType.COLLECTIVE, assessed_level=H, member_levels=(T_, C, C, C))
    c = classify(f, CTX132)
    assert c.level is C and "linkage_capped" in c.flags
