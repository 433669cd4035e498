"""Dissemination conferences: DI-3 (mode, documents, chair, bridge points with participants and
totals, follow-up conferences)."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest

from partyorg.core.errors import ApplicationError
from partyorg.directives import selectors
from partyorg.directives import services as s
from partyorg.directives.models import BridgePoint

WHEN = datetime(2026, 1, 20, 1, 0, tzinfo=UTC)


def conference(actor, host, docs, *, mode="online", bridge=(), follows=None, when=WHEN, in_person=0,
               title="Hội nghị quán triệt, triển khai"):
    return s.conference_create(actor=actor, host_id=host.pk, data=s.ConferenceInput(
        title=title, held_at=when, mode=mode, chair="Đồng chí Trưởng Ban", document_ids=tuple(d.pk for d in docs),
        bridge_points=tuple(bridge), in_person_participants=in_person, follows_id=follows.pk if follows else None))


def test_online_conference_with_bridge_points_and_totals_DI_3(world, central_doc):
    """DI-3: an online conference lists its bridge points with participants; totals are computed."""
    op = world.users["operator"]
    conf = conference(op, world.root, [central_doc], mode="hybrid", in_person=150,
                      bridge=[(world.root.pk, 150), (world.p1.pk, 320), (world.p2.pk, 280)])
    view = selectors.conference_view(actor=op, conference_id=conf.pk)
    assert view.totals.bridge_points == 3
    assert view.totals.online_participants == 750 and view.totals.total_participants == 900
    assert [d.number_symbol for d in view.documents] == ["124-QĐ/TW"]


@pytest.mark.parametrize(("mode", "bridge", "docs", "field"), [
    ("online", [], True, "bridge_points"),          # online without bridge points
    ("in_person", "p1", True, "mode"),              # in person with bridge points
    ("online", "p1", False, "documents"),           # no document covered
])
def test_conference_rules_name_the_field_DI_3(world, central_doc, mode, bridge, docs, field):
    bps = [(world.p1.pk, 10)] if bridge else []
    with pytest.raises(ApplicationError) as e:
        conference(world.users["operator"], world.root, [central_doc] if docs else [], mode=mode, bridge=bps)
    assert any(err.field == field for err in e.value.errors), e.value.as_dict()


def test_bridge_point_must_be_below_the_host_DI_3(world, central_doc):
    with pytest.raises(ApplicationError) as e:
        conference(world.users["staff_p1"], world.p1, [central_doc], bridge=[(world.c3.pk, 10)])
    assert e.value.field == "bridge_points"


def test_follow_up_conference_links_to_the_central_one_DI_3(world, central_doc):
    """DI-3: a province's follow-up conference mirrors the Central one; it must be held after it."""
    op = world.users["operator"]
    central = conference(op, world.root, [central_doc], bridge=[(world.p1.pk, 300), (world.p2.pk, 250)])
    staff = world.users["staff_p1"]
    follow = conference(staff, world.p1, [central_doc], bridge=[(world.c1.pk, 40), (world.c2.pk, 35)],
                        follows=central, when=datetime(2026, 2, 3, 1, 0, tzinfo=UTC), title="Hội nghị tỉnh Alpha")
    assert follow.follows_id == central.pk
    view = selectors.conference_view(actor=op, conference_id=central.pk)
    assert [c.pk for c in view.follow_ups] == [follow.pk]
    with pytest.raises(ApplicationError) as e:
        conference(staff, world.p1, [central_doc], bridge=[(world.c1.pk, 40)], follows=central,
                   when=datetime(2026, 1, 1, tzinfo=UTC))
    assert e.value.errors[0].field == "held_at"


def test_a_province_sees_the_central_conference_but_only_its_own_bridge_point(world, central_doc):
    op = world.users["operator"]
    central = conference(op, world.root, [central_doc], bridge=[(world.p1.pk, 300), (world.p2.pk, 250)])
    view = selectors.conference_view(actor=world.users["staff_p1"], conference_id=central.pk)
    assert [b.organization.code for b in view.bridge_points] == ["P1"]
    assert view.hidden_bridge_points == 1 and view.totals.total_participants == 550 and not view.can_write


def test_bridge_points_replaced_and_audited_DI_3(world, central_doc):
    op = world.users["operator"]
    conf = conference(op, world.root, [central_doc], bridge=[(world.p1.pk, 300)])
    s.conference_bridge_points_set(actor=op, conference_id=conf.pk,
                                   bridge_points=[(world.p1.pk, 310), (world.p2.pk, 200)])
    assert sorted(BridgePoint.objects.filter(conference=conf).values_list("participants", flat=True)) == [200, 310]
    with pytest.raises(ApplicationError):
        s.conference_bridge_points_set(actor=world.users["staff_p1"], conference_id=conf.pk, bridge_points=[])
