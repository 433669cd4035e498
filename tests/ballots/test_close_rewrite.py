"""Closing a box rewrites its papers in the shuffled order: on PostgreSQL inside the server (no payload
goes back through the client), elsewhere by re-inserting them. Ids, receipts and payloads are kept."""
from django.db import connection, transaction

from partyorg.ballots import services
from partyorg.ballots.models import BallotPaper

from .conftest import make_box


class _Reverse:
    def shuffle(self, rows):
        rows.reverse()


def _stored(box):
    with connection.cursor() as cur:
        order = "ctid" if connection.vendor == "postgresql" else "rowid"
        cur.execute(f"SELECT id FROM ballots_ballotpaper WHERE box_id = %s ORDER BY {order}", [box.pk])  # noqa: S608
        return [str(r[0]).replace("-", "") for r in cur.fetchall()]


def test_close_keeps_every_paper_and_stores_them_in_the_shuffled_order(world, monkeypatch):
    box = make_box(world, kind="rewrite", items=("a", "b"), rule="keep_at_most", max_kept=1)
    for i in range(6):
        BallotPaper.objects.create(box=box, source="e", receipt=f"R{i}", payload={"marks": {"a": "K" if i % 2 else "X",
                                                                                        "b": "K"}, "flags": []})
    before = {str(p.id): (p.receipt, p.payload) for p in BallotPaper.objects.filter(box=box)}
    inserted = _stored(box)
    monkeypatch.setattr(services.random, "SystemRandom", _Reverse)
    read_order = [str(r).replace("-", "") for r in BallotPaper.objects.filter(box=box).values_list("id", flat=True)]
    with transaction.atomic():
        closed = services.ballot_box_close(actor=world.users["staff_p1"], box_id=box.pk)
    after = {str(p.id): (p.receipt, p.payload) for p in BallotPaper.objects.filter(box=box)}
    assert after == before and closed.frozen_count == 6
    assert _stored(box) == list(reversed(read_order))
    assert sorted(inserted) == sorted(_stored(box))
    rows = [(str(p.id), p.payload) for p in BallotPaper.objects.filter(box=box)]
    assert closed.frozen_hash == services.frozen_hash(rows)
