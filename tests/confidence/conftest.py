"""Confidence-vote fixtures on top of the shared ``world`` (tests/conftest.py).

Commune committee C1 (it has cells, so its leadership posts are rated, CV-6) holds the conference:
m1 secretary and m2 deputy secretary (elected 2021), m3 standing member appointed in 2026 (exempt in a
2026 vote, CV-7). The five members of C1's cells are convened; m4 heads the counting committee with m5.
"""
from __future__ import annotations

from datetime import date

import pytest
from django.db import transaction

from partyorg.accounts.models import User
from partyorg.confidence import services
from partyorg.members.services import position_assign

VOTE_DATE = date(2026, 11, 20)


def give_positions(world) -> None:
    op = world.users["operator"]
    m = world.members
    position_assign(actor=op, member_id=m["m1"].pk, organization_id=world.c1.pk, title="bi_thu",
                    start_on=date(2021, 5, 1), how_obtained="elected", term_label="2020-2025")
    position_assign(actor=op, member_id=m["m2"].pk, organization_id=world.c1.pk, title="pho_bi_thu",
                    start_on=date(2021, 5, 1), how_obtained="elected", managing_authority_id=world.p1.pk)
    position_assign(actor=op, member_id=m["m3"].pk, organization_id=world.c1.pk, title="uv_btv",
                    start_on=date(2026, 2, 1), how_obtained="appointed")


def account(world, key: str) -> User:
    m = world.members[key]
    return User.objects.filter(member=m).first() or User.objects.create(username=f"voter_{key}", member=m)


def make_conference(world, *, actor=None, vote_date=VOTE_DATE, **kw):
    actor = actor or world.users["staff_c1"]
    data = services.ConferenceInput(title=kw.pop("title", "Hội nghị lấy phiếu tín nhiệm Đảng ủy xã Một"),
                                    voting_body=kw.pop("voting_body", "Ban Chấp hành Đảng bộ xã Một"),
                                    vote_date=vote_date, place="Hội trường xã Một", term_label="2025-2030",
                                    term_start=kw.pop("term_start", date(2025, 1, 1)), **kw)
    return services.conference_create(actor=actor, org_id=world.c1.pk, data=data)


def complete_dossiers(actor, conf) -> None:
    for s in conf.subjects.filter(removed=False, exempt=False):
        services.dossier_update(actor=actor, conference_id=conf.pk, subject_id=s.pk, data=services.DossierInput(
            self_assessment_on=date(2026, 10, 25), declaration_ref="KK-2025", declaration_signed_declarant=True,
            declaration_signed_receiver=True))


VOTERS = ("m1", "m2", "m3", "m4", "m5")


def to_voting(world, *, present=("m1", "m2", "m3", "m4"), voters=VOTERS, generate=True, **kw):
    """A conference from PLANNED to VOTING through the services."""
    give_positions(world)
    actor = world.users["staff_c1"]
    conf = make_conference(world, **kw)
    if generate:
        services.subjects_generate(actor=actor, conference_id=conf.pk)
    services.committee_set(actor=actor, conference_id=conf.pk, member_ids=[world.members["m4"].pk,
                                                                          world.members["m5"].pk],
                           head_id=world.members["m4"].pk)
    services.conference_prepare(actor=actor, conference_id=conf.pk)
    services.roster_update(actor=actor, conference_id=conf.pk, member_ids=[world.members[k].pk for k in voters])
    complete_dossiers(actor, conf)
    services.conference_send_dossiers(actor=actor, conference_id=conf.pk, today=date(2026, 11, 5))
    services.attendance_update(actor=actor, conference_id=conf.pk, present_ids=[world.members[k].pk for k in present])
    services.conference_open(actor=actor, conference_id=conf.pk)
    services.conference_start_voting(actor=actor, conference_id=conf.pk)
    conf.refresh_from_db()
    return conf


def items(conf) -> dict[str, str]:
    """full name -> item id on the ballot."""
    return {i["label"]: i["id"] for i in conf.box.items}


def vote(world, conf, key: str, marks: dict[str, str]):
    from partyorg.ballots import services as ballots

    by_name = items(conf)
    payload = {"marks": {by_name[world.members[k].full_name]: v for k, v in marks.items()}}
    return ballots.ballot_cast(voter=account(world, key), box_id=conf.box_id, payload=payload)


def enter_paper(world, conf, no: int, marks: dict[str, str], flags=(), clerks=("staff_c1", "staff_p1")):
    from partyorg.ballots import services as ballots

    by_name = items(conf)
    payload = {"marks": {by_name[world.members[k].full_name]: v for k, v in marks.items()}, "flags": list(flags)}
    for c in clerks:
        ballots.paper_entry_save(actor=world.users[c], box_id=conf.box_id, paper_no=no, payload=payload)


def count(world, conf, today=date(2026, 11, 20)):
    services.conference_count(actor=world.users["staff_c1"], conference_id=conf.pk, today=today)
    conf.refresh_from_db()
    return conf


@pytest.fixture
def voting(world):
    return to_voting(world)


def atomic_raises(exc):
    """pytest.raises inside a savepoint, so a failed service leaves the test transaction usable."""
    import contextlib

    @contextlib.contextmanager
    def _cm():
        with pytest.raises(exc) as info, transaction.atomic():
            yield info
    return _cm()
