"""Obstacles and recommendations: DI-7 (route to the issuer or up the chain, answer, sharing)."""
from __future__ import annotations

from datetime import date

import pytest

from partyorg.core.errors import ApplicationError, NotFoundOrForbidden, StateConflict
from partyorg.directives import selectors
from partyorg.directives import services as s

from .conftest import TODAY, issue


def _visible(user, ob) -> bool:
    return selectors.obstacle_qs(actor=user).filter(pk=ob.pk).exists()


def test_obstacle_to_the_issuer_answered_and_shared_DI_7(world, central_doc):
    """DI-7: a commune raises an obstacle about a document to the province that issued the requirement;
    the answer is visible to the asker, and to every addressed organization once shared - without the
    asker's name."""
    op = world.users["operator"]
    req = issue(op, world.p1, [central_doc], chosen=[world.c1, world.c2])
    ob = s.obstacle_raise(actor=world.users["staff_c1"], asker_id=world.c1.pk, document_id=central_doc.pk,
                          question="Chưa rõ cách tính tỷ lệ", today=TODAY, requirement_id=req.pk)
    assert ob.recipient == world.p1
    c2_user = _user_on(world.c2)
    assert _visible(world.users["staff_p1"], ob) and _visible(world.users["staff_c1"], ob)
    assert not _visible(c2_user, ob) and not _visible(world.users["staff_p2"], ob)
    with pytest.raises(ApplicationError):  # the asker cannot answer its own question
        s.obstacle_answer(actor=world.users["staff_c1"], obstacle_id=ob.pk, answer="x", share=True, today=TODAY)
    with pytest.raises(ApplicationError) as e:
        s.obstacle_answer(actor=world.users["staff_p1"], obstacle_id=ob.pk, answer=" ", share=True, today=TODAY)
    assert e.value.field == "answer"
    s.obstacle_answer(actor=world.users["staff_p1"], obstacle_id=ob.pk, answer="Tính trên số đảng viên chính thức",
                      share=False, today=TODAY)
    assert not _visible(c2_user, ob)
    s.obstacle_answer(actor=world.users["staff_p1"], obstacle_id=ob.pk, answer="Tính trên số đảng viên chính thức",
                      share=True, today=TODAY)
    assert _visible(c2_user, ob) and not _visible(world.users["staff_p2"], ob)
    row = selectors.obstacle_rows(actor=c2_user, qs=selectors.obstacle_qs(actor=c2_user))[0]
    assert row.asker_name == "" and not row.can_answer
    own = selectors.obstacle_rows(actor=world.users["staff_c1"], qs=selectors.obstacle_qs(
        actor=world.users["staff_c1"]))[0]
    assert own.asker_name == "Đảng bộ xã Một"


def _user_on(org):
    from partyorg.accounts.models import Role, RoleGrant
    from tests.conftest import new_user

    u = new_user(f"staff_{org.code.lower()}")
    RoleGrant.objects.create(user=u, organization=org, role=Role.STAFF)
    return u


def test_obstacle_goes_only_to_the_issuer_or_up_the_chain_DI_7(world, central_doc):
    staff = world.users["staff_c1"]
    with pytest.raises(ApplicationError) as e:
        s.obstacle_raise(actor=staff, asker_id=world.c1.pk, document_id=central_doc.pk, question="?", today=TODAY,
                         recipient_id=world.c2.pk)
    assert e.value.errors[0].field == "recipient" and "DI-7" in e.value.errors[0].message_vi
    up = s.obstacle_raise(actor=staff, asker_id=world.c1.pk, document_id=central_doc.pk, question="?", today=TODAY,
                          recipient_id=world.root.pk)  # up the chain, skipping a level
    assert up.recipient == world.root
    default = s.obstacle_raise(actor=staff, asker_id=world.c1.pk, document_id=central_doc.pk, question="?",
                               today=TODAY)
    assert default.recipient == world.p1  # the parent by default
    with pytest.raises(NotFoundOrForbidden):  # cannot ask on behalf of another organization
        s.obstacle_raise(actor=staff, asker_id=world.c2.pk, document_id=central_doc.pk, question="?", today=TODAY)


def test_forward_up_the_chain_DI_7(world, central_doc):
    ob = s.obstacle_raise(actor=world.users["staff_c1"], asker_id=world.c1.pk, document_id=central_doc.pk,
                          question="Cần Trung ương hướng dẫn", today=TODAY)
    s.obstacle_forward(actor=world.users["staff_p1"], obstacle_id=ob.pk)
    ob.refresh_from_db()
    assert ob.recipient == world.root and ob.recipient_path == world.root.path
    s.obstacle_answer(actor=world.users["operator"], obstacle_id=ob.pk, answer="Đã hướng dẫn", share=True,
                      today=date(2026, 3, 21))
    with pytest.raises(StateConflict):
        s.obstacle_forward(actor=world.users["operator"], obstacle_id=ob.pk)
    # shared without a requirement: visible to the recipient's subtree
    assert _visible(world.users["staff_p2"], ob)
