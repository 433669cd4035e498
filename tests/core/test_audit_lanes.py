"""Lanes of the audit chain (docs/adr/0004): concurrent transactions write into different lanes, each
lane stays a linear hash chain, and audit_verify checks every lane (PostgreSQL; SQLite has one lane)."""
import threading
import time

import pytest
from django.db import connection, connections, transaction

from partyorg.core.audit import audit_lanes, audit_record, audit_verify_chain
from partyorg.core.models import AuditChainHead, AuditEvent

pytestmark = pytest.mark.django_db(transaction=True)


def _tamper(sql: str, params: list) -> None:
    with connection.cursor() as cur:
        cur.execute("ALTER TABLE core_auditevent DISABLE TRIGGER USER")
        cur.execute(sql, params)
        cur.execute("ALTER TABLE core_auditevent ENABLE TRIGGER USER")


def _concurrent_writers(n: int, events_each: int) -> None:
    """n threads, each holding its transaction open a moment so that the others must take other lanes."""
    barrier = threading.Barrier(n)
    errors: list[str] = []

    def work(k: int) -> None:
        try:
            barrier.wait()
            for i in range(events_each):
                with transaction.atomic():
                    audit_record(actor=None, action="test.lane", target_type="t", target_id=f"{k}-{i}")
                    audit_record(actor=None, action="test.lane.second", target_type="t", target_id=f"{k}-{i}")
                    time.sleep(0.01)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(k,)) for k in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []


def test_sqlite_keeps_one_linear_chain(settings):
    if connection.vendor == "postgresql":
        pytest.skip("SQLite only")
    settings.PARTYORG_AUDIT_LANES = 8
    assert audit_lanes() == 1
    with transaction.atomic():
        for i in range(3):
            audit_record(actor=None, action="test", target_type="t", target_id=i)
    assert set(AuditEvent.objects.values_list("lane", flat=True)) == {1}
    assert audit_verify_chain().ok


def test_concurrent_transactions_use_several_lanes_each_linear(settings):
    if connection.vendor != "postgresql":
        pytest.skip("row locks with SKIP LOCKED: PostgreSQL")
    settings.PARTYORG_AUDIT_LANES = 4
    _concurrent_writers(n=6, events_each=5)
    events = list(AuditEvent.objects.order_by("id"))
    assert len(events) == 6 * 5 * 2
    assert len({e.lane for e in events}) > 1 and {e.lane for e in events} <= {1, 2, 3, 4}
    # The two events of one transaction share its lane, next to each other in that lane's chain.
    by_target = {}
    for e in events:
        by_target.setdefault(e.target_id, []).append(e)
    for pair in by_target.values():
        assert pair[0].lane == pair[1].lane and pair[1].prev_hash == pair[0].hash
    report = audit_verify_chain()
    assert report.ok and report.checked == len(events)
    for head in AuditChainHead.objects.all():
        last = AuditEvent.objects.filter(lane=head.pk).order_by("-id").first()
        assert head.last_hash == last.hash


def test_verify_finds_tampering_and_a_removed_tail_in_any_lane(settings):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL")
    settings.PARTYORG_AUDIT_LANES = 4
    _concurrent_writers(n=4, events_each=3)
    lane = AuditEvent.objects.exclude(lane=1).values_list("lane", flat=True).first() or 1
    victim = AuditEvent.objects.filter(lane=lane).order_by("id")[1]
    _tamper("UPDATE core_auditevent SET target_repr = %s WHERE id = %s", ["sửa", victim.pk])
    report = audit_verify_chain()
    assert not report.ok and report.broken_at == victim.pk
    _tamper("UPDATE core_auditevent SET target_repr = %s WHERE id = %s", [victim.target_repr, victim.pk])
    assert audit_verify_chain().ok
    # Moving an event to another lane breaks its hash; removing a lane's last event breaks the head.
    _tamper("UPDATE core_auditevent SET lane = %s WHERE id = %s", [lane % 4 + 1, victim.pk])
    assert not audit_verify_chain().ok
    _tamper("UPDATE core_auditevent SET lane = %s WHERE id = %s", [lane, victim.pk])
    tail = AuditEvent.objects.filter(lane=lane).order_by("-id").first()
    _tamper("DELETE FROM core_auditevent WHERE id = %s", [tail.pk])
    report = audit_verify_chain()
    assert not report.ok and f"lane {lane}" in report.reason
