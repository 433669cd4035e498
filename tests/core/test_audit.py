from datetime import date

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from partyorg.core.audit import audit_record, audit_verify_chain
from partyorg.core.models import AuditEvent
from partyorg.members.services import member_update


def test_every_change_is_audited_with_before_and_after(world):
    m = world.members["m1"]
    member_update(actor=world.users["staff_p1"], member_id=m.pk, changes={"place_of_origin": "Xã Mới"})
    ev = AuditEvent.objects.order_by("-id").first()
    assert ev.action == "member.update" and ev.target_id == str(m.pk)
    assert ev.before == {"place_of_origin": ""} and ev.after["place_of_origin"] == "Xã Mới"
    assert ev.actor_repr == "staff_p1" and ev.org_path == world.cell1.path


def test_audit_must_be_inside_a_transaction(db):
    with pytest.raises(RuntimeError):
        # Outside atomic(): pytest-django wraps tests in a transaction, so leave it explicitly.
        connection.in_atomic_block = False
        try:
            audit_record(actor=None, action="x", target_type="t", target_id=1)
        finally:
            connection.in_atomic_block = True


def test_audit_rows_cannot_be_updated_or_deleted(world):
    ev = AuditEvent.objects.first()
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=ev.pk).update(action="tampered")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=ev.pk).delete()


def _tamper(sql: str, params: list) -> None:
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("ALTER TABLE core_auditevent DISABLE TRIGGER USER")
            cur.execute(sql, params)
            cur.execute("ALTER TABLE core_auditevent ENABLE TRIGGER USER")
        else:
            cur.execute("DROP TRIGGER audit_no_update")
            cur.execute(sql, params)


def test_verify_finds_the_first_broken_link(world, capsys):
    assert audit_verify_chain().ok
    victim = AuditEvent.objects.order_by("id")[3]
    _tamper("UPDATE core_auditevent SET target_repr = %s WHERE id = %s", ["đã sửa", victim.pk])
    report = audit_verify_chain()
    assert not report.ok and report.broken_at == victim.pk
    with pytest.raises(SystemExit):
        call_command("audit_verify")
    assert f"#{victim.pk}" in capsys.readouterr().out


def test_chain_links_each_event_to_the_previous(world):
    evs = list(AuditEvent.objects.order_by("id"))
    assert evs[0].prev_hash == "0" * 64
    assert all(b.prev_hash == a.hash for a, b in zip(evs, evs[1:], strict=False))
    assert date.today()  # noqa: DTZ011
