"""Concurrent casting through a confidence vote (PostgreSQL): many threads for one voter, exactly one
ballot; several voters at once all counted; the count closes with the right N."""
from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from partyorg.ballots import services as ballots
from partyorg.ballots.models import BallotPaper, Participation
from partyorg.confidence import services
from partyorg.core.errors import ApplicationError

from .conftest import account, items, to_voting


@pytest.mark.django_db(transaction=True)
def test_many_threads_for_one_voter_one_ballot_then_count():
    if connection.vendor != "postgresql":
        pytest.skip("row-level concurrency is exercised on PostgreSQL (SQLite serializes writers)")
    from tests.conftest import build_world

    world = build_world()
    conf = to_voting(world, present=("m1", "m2", "m3", "m4", "m5"))
    by_name = items(conf)
    a, b = by_name[world.members["m1"].full_name], by_name[world.members["m2"].full_name]
    users = {k: account(world, k) for k in ("m1", "m2", "m3", "m4", "m5")}
    n = 24
    barrier = threading.Barrier(n)
    ok: list[str] = []
    refused: list[str] = []
    other: list[str] = []

    def attempt(i: int) -> None:
        # 20 threads for m1 at once, and one thread each for m2..m5.
        key = "m1" if i < 20 else ("m2", "m3", "m4", "m5")[i - 20]
        try:
            barrier.wait()
            ballots.ballot_cast(voter=users[key], box_id=conf.box_id, payload={"marks": {a: "H", b: "L"}})
            ok.append(key)
        except ApplicationError:
            refused.append(key)
        except Exception as exc:  # pragma: no cover - reported below
            other.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert other == []
    assert sorted(ok) == ["m1", "m2", "m3", "m4", "m5"] and refused == ["m1"] * 19
    assert BallotPaper.objects.filter(box_id=conf.box_id).count() == 5
    assert Participation.objects.filter(box_id=conf.box_id, voted=True).count() == 5
    services.conference_count(actor=world.users["staff_c1"], conference_id=conf.pk)
    conf.refresh_from_db()
    assert (conf.issued, conf.collected) == (5, 5)
    assert conf.subjects.get(member=world.members["m2"]).low == 5
