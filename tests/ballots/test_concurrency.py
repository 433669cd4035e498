"""Many threads casting for the same voter at once: exactly one succeeds (PostgreSQL)."""
import threading

import pytest
from django.db import connection, connections

from partyorg.accounts.models import User
from partyorg.ballots import services
from partyorg.ballots.models import BallotPaper, Participation
from partyorg.core.errors import ApplicationError

from .conftest import make_box


@pytest.mark.django_db(transaction=True)
def test_concurrent_casts_for_one_voter_exactly_one_succeeds():
    if connection.vendor != "postgresql":
        pytest.skip("row-level concurrency is exercised on PostgreSQL (SQLite serializes writers)")
    from tests.conftest import build_world

    world = build_world()
    box = make_box(world)
    u = User.objects.get(member=world.members["m1"])
    n = 16
    barrier = threading.Barrier(n)
    ok, refused, other = [], [], []

    def attempt():
        try:
            barrier.wait()
            services.ballot_cast(voter=u, box_id=box.pk, payload={"marks": {"a": "H", "b": "H", "c": "L"}})
            ok.append(1)
        except ApplicationError:
            refused.append(1)
        except Exception as exc:  # pragma: no cover - reported in the assertion
            other.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert other == []
    assert len(ok) == 1 and len(refused) == n - 1
    assert BallotPaper.objects.filter(box=box).count() == 1
    assert Participation.objects.filter(box=box, voted=True).count() == 1
