"""Reminders, the home panel and the e-mail digest: DI-10."""
from __future__ import annotations

from datetime import date

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import RequestFactory

from partyorg.core.errors import ApplicationError
from partyorg.directives import panels, selectors
from partyorg.directives import services as s
from partyorg.directives.models import DigestSubscription
from partyorg.directives.tasks import send_directive_digest
from partyorg.domain.directives import ItemKind

from .conftest import TODAY, issue, submit


@pytest.fixture
def setup(world, central_doc):
    op = world.users["operator"]
    late = issue(op, world.root, [central_doc], levels=[1], deadline=date(2026, 3, 1), title="Kế hoạch khắc phục")
    soon = issue(op, world.root, [central_doc], levels=[1], deadline=date(2026, 4, 15), title="Báo cáo sơ kết")
    done = issue(op, world.root, [central_doc], levels=[1], deadline=date(2026, 4, 15), title="Đã xong")
    submit(op, done, world.p1, date(2026, 3, 10))
    return late, soon, done


def test_open_items_most_overdue_first_DI_10(world, setup):
    """DI-10: an addressed organization sees its open requirements with deadlines; overdue ones first and
    highlighted; submitted ones are gone."""
    items = selectors.open_items(actor=world.users["staff_p1"], today=TODAY)
    assert [(r.kind, r.highlighted) for r in items] == [(ItemKind.REQUIREMENT, True), (ItemKind.REQUIREMENT, False)]
    assert items[0].title.startswith("Kế hoạch khắc phục") and items[0].days_overdue == 19
    assert items[1].days_left == 26


def test_open_items_include_reports_due_DI_10(world):
    s.report_template_create(actor=world.users["operator"], owner_id=world.root.pk, name="Báo cáo quý",
                             period_kind="quarter", sections=[{"code": "a", "title_vi": "A"}],
                             indicators=[{"code": "x", "label_vi": "X", "rule": "sum"}])
    items = selectors.open_items(actor=world.users["staff_p1"], today=TODAY)
    assert [(r.kind, r.deadline) for r in items] == [(ItemKind.REPORT, date(2025, 12, 31)),
                                                     (ItemKind.REPORT, date(2026, 3, 31))]
    assert items[0].highlighted and "Quý IV năm 2025" in items[0].title


def test_home_panel_for_the_commission_DI_6_DI_10(world, setup, rf: RequestFactory, monkeypatch):
    monkeypatch.setattr(panels.timezone, "localdate", lambda: TODAY)
    request = rf.get("/")
    request.user = world.users["operator"]
    html = panels.home_panel(request)
    assert "Kế hoạch khắc phục" in html and "1/2" in html and "0/2" in html
    request.user = world.users["staff_p1"]
    html = panels.home_panel(request)
    assert "quá hạn 19 ngày" in html
    request.user = world.users["member_m1"]
    assert panels.home_panel(request) is None


def test_dashboard_lists_overdue_children_and_obstacles_DI_10(world, setup, central_doc):
    late, _soon, _done = setup
    s.obstacle_raise(actor=world.users["staff_p1"], asker_id=world.p1.pk, document_id=central_doc.pk,
                     question="Đề nghị gia hạn", today=TODAY, requirement_id=late.pk)
    board = selectors.dashboard(actor=world.users["operator"], today=TODAY)
    assert {(r.addressee.organization.code, r.status.days_overdue) for r in board.overdue} == {("P1", 19), ("P2", 19)}
    assert board.open_obstacles == 1 and board.obstacles[0].asker_name == "Đảng bộ tỉnh Alpha"
    assert {row.requirement.title: row.counts.summary.label for row in board.issued}["Đã xong"] == "1/2"


def test_digest_sent_through_the_mail_api_DI_10(world, setup, settings):
    """DI-10: the optional digest goes only to users who opted in, and only when something is open."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with pytest.raises(ApplicationError) as e:
        s.digest_subscribe(actor=world.users["staff_p1"], active=True)  # no address on the account
    assert e.value.field == "email"
    s.digest_subscribe(actor=world.users["staff_p1"], active=True, email="btc.alpha@example.vn")
    s.digest_subscribe(actor=world.users["staff_c1"], active=True, email="xa.mot@example.vn")  # nothing open
    s.digest_subscribe(actor=world.users["staff_p2"], active=False, email="beta@example.vn")
    assert s.digest_send(today=TODAY) == 1
    assert len(mail.outbox) == 1
    msg = mail.outbox[0]
    assert msg.to == ["btc.alpha@example.vn"] and "2 việc đang mở, 1 quá hạn" in msg.subject
    assert "QUÁ HẠN 19 ngày" in msg.body and "Kế hoạch khắc phục" in msg.body
    assert DigestSubscription.objects.get(user=world.users["staff_p1"]).last_sent_on == TODAY


def test_digest_task_and_command_DI_10(world, setup, settings, capsys):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    s.digest_subscribe(actor=world.users["staff_p1"], active=True, email="btc.alpha@example.vn")
    assert send_directive_digest.delay(TODAY.isoformat()).get() == 1  # eager without REDIS_URL
    call_command("send_directive_digest", "--date", TODAY.isoformat())
    assert "sent: 1" in capsys.readouterr().out
    assert len(mail.outbox) == 2
