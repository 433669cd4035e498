import pytest

from partyorg.accounts import services
from partyorg.accounts.models import ApiToken, Role, RoleGrant, User
from partyorg.core.errors import ApplicationError, Forbidden, NotFoundOrForbidden
from partyorg.core.models import AuditEvent
from partyorg.core.scopes import scope_for


@pytest.fixture
def op_p1(world):
    """An operator of province Alpha only."""
    u = User.objects.create(username="op_p1")
    RoleGrant.objects.create(user=u, organization=world.p1, role=Role.OPERATOR)
    return u


def test_operator_creates_user_and_grants_role_in_scope(world, op_p1):
    u = services.user_create(actor=op_p1, username="can.bo_xa", full_name="Cán bộ xã", password="Mat-khau-dai-2026")
    assert u.password.startswith("argon2")
    services.role_grant(actor=op_p1, user_id=u.pk, organization_id=world.c1.pk, role=Role.STAFF)
    assert scope_for(u).covers_path(world.cell1.path, write=True)
    with pytest.raises(NotFoundOrForbidden):
        services.role_grant(actor=op_p1, user_id=u.pk, organization_id=world.c3.pk, role=Role.STAFF)
    assert AuditEvent.objects.filter(action__in=["account.create", "account.role_grant"]).count() == 2


def test_only_operators_manage_accounts(world):
    with pytest.raises(Forbidden):
        services.user_create(actor=world.users["staff_p1"], username="x", full_name="X", password="Mat-khau-dai-2026")
    with pytest.raises(Forbidden):
        services.role_grant(actor=world.users["staff_p1"], user_id=world.users["nobody"].pk,
                            organization_id=world.cell1.pk, role=Role.STAFF)


def test_weak_password_and_bad_username_are_named(world, op_p1):
    with pytest.raises(ApplicationError) as exc:
        services.user_create(actor=op_p1, username="bad name!", full_name="X", password="123")
    assert {e.field for e in exc.value.errors} == {"username", "password"}


def test_member_role_requires_a_linked_member(world, op_p1):
    with pytest.raises(ApplicationError):
        services.role_grant(actor=op_p1, user_id=world.users["nobody"].pk, organization_id=world.cell1.pk,
                            role=Role.MEMBER)


def test_revoke_and_deactivate(world, op_p1):
    grant = RoleGrant.objects.get(user=world.users["staff_c1"])
    services.role_revoke(actor=op_p1, grant_id=grant.pk)
    assert not RoleGrant.objects.filter(pk=grant.pk).exists()
    services.user_set_active(actor=op_p1, user_id=world.users["leader_p1"].pk, active=False)
    assert not User.objects.get(pk=world.users["leader_p1"].pk).is_active
    with pytest.raises(NotFoundOrForbidden):  # holds a role in province Beta
        services.user_set_active(actor=op_p1, user_id=world.users["staff_p2"].pk, active=False)


def test_api_token_shown_once_stored_hashed_and_revocable(world, client):
    token, raw = services.api_token_create(actor=world.users["staff_p1"], name="thống kê")
    assert token.digest == ApiToken.digest_of(raw) and raw not in token.prefix + token.digest
    assert client.get("/api/v1/organizations/", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200
    services.api_token_revoke(actor=world.users["staff_p1"], token_id=token.pk)
    assert client.get("/api/v1/organizations/", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401
    with pytest.raises(NotFoundOrForbidden):
        services.api_token_revoke(actor=world.users["staff_p2"], token_id=token.pk)


def test_admin_pages(world, op_p1, client):
    client.force_login(op_p1)
    body = client.get("/accounts/users/").content.decode()
    assert "staff_p1" in body and "staff_p2" not in body
    resp = client.post("/accounts/users/", {"username": "moi", "full_name": "Người Mới", "password": "Mat-khau-dai-2026"})
    assert resp.status_code == 302
    client.force_login(world.users["staff_p1"])
    assert client.get("/accounts/users/").status_code == 403
    assert "raw-token" in client.post("/accounts/tokens/", {"name": "t"}).content.decode()
