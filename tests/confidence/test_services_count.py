"""VOTING -> COUNTED: closing the box, the domain tally over electronic and paper ballots, consistency."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from partyorg.ballots import services as ballots
from partyorg.ballots.models import BallotBox, BoxState
from partyorg.confidence import selectors, services
from partyorg.confidence.models import State, Subject
from partyorg.core.errors import ApplicationError, StateConflict, ValidationFailed

from .conftest import atomic_raises, count, enter_paper, to_voting, vote


def row(world, conf, key):
    return Subject.objects.get(conference=conf, member=world.members[key])


def test_electronic_and_paper_ballots_are_tallied_together(world):
    """CV-22..CV-27, CV-31, CV-32, CV-34: two electronic ballots and two paper ballots (one with two
    marks for m2, CV-24 c: only that row invalid, CV-25); percentages divide by ballots collected."""
    conf = to_voting(world)
    vote(world, conf, "m1", {"m1": "H", "m2": "M"})
    vote(world, conf, "m2", {"m1": "H", "m2": "L"})
    services.paper_ballots_issue(actor=world.users["staff_c1"], conference_id=conf.pk,
                                 member_ids=[world.members["m3"].pk, world.members["m4"].pk])
    enter_paper(world, conf, 1, {"m1": "M", "m2": "multi"})
    enter_paper(world, conf, 2, {"m1": "L", "m2": "L"})
    conf = count(world, conf)
    assert conf.state == State.COUNTED
    assert (conf.convened, conf.present, conf.issued, conf.collected, conf.whole_ballot_invalid) == (5, 4, 4, 4, 0)
    a, b = row(world, conf, "m1"), row(world, conf, "m2")
    assert (a.high, a.medium, a.low, a.invalid, a.valid) == (2, 1, 1, 0, 4)
    assert (b.high, b.medium, b.low, b.invalid, b.valid) == (0, 1, 2, 1, 3)
    assert b.low_pct == Decimal("50.00") and b.band == "NONE"      # 2*2 > 4 is false: exactly one half
    assert a.high_pct == Decimal("50.00") and a.band == "NONE"
    assert len(conf.frozen_hash) == 64 and conf.sealed
    assert "CV-27" in conf.result_rules and "CV-31" in conf.result_rules
    assert BallotBox.objects.get(pk=conf.box_id).state == BoxState.CLOSED
    assert conf.minutes_signatories[0] == {"full_name": world.members["m4"].full_name, "head": True}


def test_whole_ballot_invalid_still_counts_in_n(world):
    """CV-22, CV-24 a, CV-25, CV-27, TC-CV-10 shape: a paper not issued by the counting committee is
    invalid as a whole but still counts in N (ballots collected)."""
    conf = to_voting(world)
    vote(world, conf, "m1", {"m1": "L", "m2": "H"})
    services.paper_ballots_issue(actor=world.users["staff_c1"], conference_id=conf.pk,
                                 member_ids=[world.members["m3"].pk, world.members["m4"].pk])
    enter_paper(world, conf, 1, {"m1": "L", "m2": "H"}, flags=["not_issued"])
    enter_paper(world, conf, 2, {"m1": "erased", "m2": "blank"})
    conf = count(world, conf)
    assert conf.collected == 3 and conf.whole_ballot_invalid == 1
    a, b = row(world, conf, "m1"), row(world, conf, "m2")
    assert (a.low, a.invalid, a.valid) == (1, 2, 1)   # erased name (CV-24 b) and the void ballot
    assert (b.high, b.invalid) == (1, 2)
    assert a.low_pct == Decimal("33.33")


def test_other_content_voids_a_qd262_ballot_only(world):
    """CV-26: writing other content voids the whole ballot under QD262, not under QD96."""
    for rule_set, invalid in (("QD262-2014", 1), ("QD96-2023", 0)):
        conf = to_voting(world, rule_set=rule_set, title=f"Hội nghị {rule_set}")
        services.paper_ballots_issue(actor=world.users["staff_c1"], conference_id=conf.pk,
                                     member_ids=[world.members["m1"].pk])
        enter_paper(world, conf, 1, {"m1": "H", "m2": "H"}, flags=["other_content"])
        conf = count(world, conf)
        assert conf.whole_ballot_invalid == invalid, rule_set
        from partyorg.members.models import Position

        Position.objects.all().delete()   # let the next round register the same posts again


def test_paper_ballots_must_be_entered_twice_and_agree(world):
    """Double entry: a paper entered once, or twice differently, blocks the count until resolved; the
    failed attempt changes nothing (the box stays open)."""
    conf = to_voting(world)
    services.paper_ballots_issue(actor=world.users["staff_c1"], conference_id=conf.pk,
                                 member_ids=[world.members["m1"].pk])
    enter_paper(world, conf, 1, {"m1": "H", "m2": "M"}, clerks=("staff_c1",))
    with atomic_raises(ApplicationError) as exc:
        services.conference_count(actor=world.users["staff_c1"], conference_id=conf.pk)
    assert exc.value.errors[0].field == "paper 1"
    enter_paper(world, conf, 1, {"m1": "H", "m2": "L"}, clerks=("staff_p1",))
    with atomic_raises(ApplicationError):
        services.conference_count(actor=world.users["staff_c1"], conference_id=conf.pk)
    conf.refresh_from_db()
    assert conf.state == State.VOTING and BallotBox.objects.get(pk=conf.box_id).state == BoxState.OPEN
    ballots.paper_resolve(actor=world.users["staff_c1"], box_id=conf.box_id, paper_no=1,
                          payload={"marks": {str(row(world, conf, "m1").pk): "H", str(row(world, conf, "m2").pk): "L"}})
    conf = count(world, conf)
    assert row(world, conf, "m2").low == 1


def test_more_ballots_collected_than_issued_blocks_the_minutes(world):
    """CV-31, TC-CV-24: collected <= issued; a paper entered without a ballot handed out is refused
    with the field named, and nothing is frozen."""
    conf = to_voting(world)
    enter_paper(world, conf, 1, {"m1": "H", "m2": "H"})
    with atomic_raises(ValidationFailed) as exc:
        services.conference_count(actor=world.users["staff_c1"], conference_id=conf.pk)
    assert exc.value.errors[0].field == "collected" and "CV-31" in exc.value.errors[0].message_vi
    assert BallotBox.objects.get(pk=conf.box_id).state == BoxState.OPEN


def test_nothing_collected_cannot_be_counted_then_rehold(world):
    """CV-33, TC-CV-09: no ballot collected -> COUNTED refused; VOTING -> POSTPONED is allowed only then,
    and the re-held conference gets a fresh box with the same roster."""
    conf = to_voting(world)
    with atomic_raises(StateConflict) as exc:
        services.conference_count(actor=world.users["staff_c1"], conference_id=conf.pk)
    assert "CV-33" in exc.value.message_vi
    old_box = conf.box_id
    services.conference_postpone(actor=world.users["staff_c1"], conference_id=conf.pk, reason="Mất điện")
    conf = services.conference_reschedule(actor=world.users["staff_c1"], conference_id=conf.pk,
                                          vote_date=date(2026, 11, 27))
    assert conf.box_id != old_box and conf.box_round == 2
    assert len(selectors.roster_of(conf)) == 5 and not any(r.present for r in selectors.roster_of(conf))


def test_postpone_during_the_vote_is_refused_once_a_ballot_is_in(world):
    """CV-33: re-hold or cancel only while nothing is collected."""
    conf = to_voting(world)
    vote(world, conf, "m1", {"m1": "H", "m2": "H"})
    with atomic_raises(StateConflict):
        services.conference_postpone(actor=world.users["staff_c1"], conference_id=conf.pk, reason="x")
    with atomic_raises(StateConflict):
        services.conference_cancel(actor=world.users["staff_c1"], conference_id=conf.pk, reason="x")


def test_results_reach_the_annual_rating(world):
    """CV-34 -> AR-23(b): the "more than half low" answer for a year, None when no vote rated the person."""
    conf = to_voting(world, present=("m1", "m2", "m3", "m4", "m5"))
    for k in ("m1", "m2", "m3"):
        vote(world, conf, k, {"m1": "L", "m2": "H"})
    services.paper_ballots_issue(actor=world.users["staff_c1"], conference_id=conf.pk,
                                 member_ids=[world.members["m4"].pk, world.members["m5"].pk])
    enter_paper(world, conf, 1, {"m1": "H", "m2": "H"})
    enter_paper(world, conf, 2, {"m1": "M", "m2": "L"})
    count(world, conf)
    assert selectors.low_confidence_over_half(world.members["m1"].pk, 2026) is True    # 3 of 5
    assert selectors.low_confidence_over_half(world.members["m2"].pk, 2026) is False
    assert selectors.low_confidence_over_half(world.members["m1"].pk, 2025) is None
    assert selectors.low_confidence_over_half(world.members["m3"].pk, 2026) is None     # exempt
    from partyorg.appraisal.services import low_confidence_for

    assert low_confidence_for(member_id=world.members["m1"].pk, year=2026).value is True
