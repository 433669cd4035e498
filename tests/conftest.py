"""Shared fixtures: a small party tree with two provinces, and one user per role.

    TW (central)
    ├── P1 province "Đảng bộ tỉnh Alpha"
    │   ├── C1 commune committee
    │   │   ├── CELL1 (members m1..m3)
    │   │   └── CELL2 (members m4..m5)
    │   └── C2 commune committee
    │       └── CELL3 (member m6)
    └── P2 province "Đảng bộ tỉnh Beta"
        └── C3 commune committee
            └── CELL4 (members m7..m8)
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date

import pytest
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from partyorg.accounts.models import Role, RoleGrant, User

PASSWORD = "Test-password-2026!"

# Property tests must not depend on the machine's speed (no per-example deadline, no "too slow" health
# check: CI machines are shared) and must give the same verdict on every run (derandomized).
hypothesis_settings.register_profile("partyorg", deadline=None, derandomize=True,
                                     suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "partyorg"))
_HASH: list[str] = []


def new_user(username: str, **kw) -> User:
    """A user with the test password; the argon2 hash is computed once per session (it is slow by design)."""
    if not _HASH:
        from django.contrib.auth.hashers import make_password

        _HASH.append(make_password(PASSWORD))
    return User.objects.create(username=username, password=_HASH[0], **kw)


@dataclass
class World:
    root: object
    p1: object
    p2: object
    c1: object
    c2: object
    c3: object
    cell1: object
    cell2: object
    cell3: object
    cell4: object
    members: dict
    users: dict


def make_member(actor, cell, name: str, n: int, **kw):
    from partyorg.members.services import MemberData, member_create

    data = MemberData(full_name=name, date_of_birth=kw.pop("date_of_birth", date(1980, 1, 1 + n % 27)),
                      gender=kw.pop("gender", "M"), citizen_id=f"{n:012d}", admitted_on=kw.pop("admitted_on",
                                                                                              date(2005, 5, 19)),
                      official_on=kw.pop("official_on", date(2006, 5, 19)), cell_id=cell.pk,
                      party_card_number=kw.pop("party_card_number", f"{10000000 + n}"), **kw)
    return member_create(actor=actor, data=data, today=date(2026, 11, 23))


def build_world() -> World:
    from partyorg.domain.names import collation_key
    from partyorg.domain.tree import encode_segment
    from partyorg.organizations.models import Organization, OrganizationVersion, OrgType
    from partyorg.organizations.services import organization_create

    op = new_user("operator")
    root = Organization.objects.create(name="Trung ương", code="TW", org_type=OrgType.CENTRAL,
                                       path=encode_segment(1), depth=1, sort_key=collation_key("Trung ương"))
    OrganizationVersion.objects.create(organization=root, name=root.name, org_type=root.org_type)
    RoleGrant.objects.create(user=op, organization=root, role=Role.OPERATOR)

    def mk(parent, name, code, t):
        return organization_create(actor=op, parent_id=parent.pk, name=name, code=code, org_type=t,
                                   established_on=date(2000, 1, 1))

    p1 = mk(root, "Đảng bộ tỉnh Alpha", "P1", OrgType.PROVINCIAL)
    p2 = mk(root, "Đảng bộ tỉnh Beta", "P2", OrgType.PROVINCIAL)
    c1 = mk(p1, "Đảng bộ xã Một", "C1", OrgType.GRASSROOTS_COMMITTEE)
    c2 = mk(p1, "Đảng bộ xã Hai", "C2", OrgType.GRASSROOTS_COMMITTEE)
    c3 = mk(p2, "Đảng bộ xã Ba", "C3", OrgType.GRASSROOTS_COMMITTEE)
    cell1 = mk(c1, "Chi bộ Thôn Một", "CELL1", OrgType.CELL)
    cell2 = mk(c1, "Chi bộ Thôn Hai", "CELL2", OrgType.CELL)
    cell3 = mk(c2, "Chi bộ Thôn Ba", "CELL3", OrgType.CELL)
    cell4 = mk(c3, "Chi bộ Thôn Bốn", "CELL4", OrgType.CELL)
    names = ["Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Đức", "Phạm Thị Dung", "Hoàng Văn Em", "Vũ Thị Giang",
             "Đỗ Văn Hùng", "Bùi Thị Lan"]
    cells = [cell1, cell1, cell1, cell2, cell2, cell3, cell4, cell4]
    members = {f"m{i + 1}": make_member(op, c, n, 100000000000 + i + 1) for i, (n, c) in enumerate(zip(names, cells, strict=False))}
    users = {"operator": op}
    for username, role, org, member in [
        ("staff_p1", Role.STAFF, p1, None), ("leader_p1", Role.LEADER, p1, None),
        ("staff_c1", Role.STAFF, c1, None), ("secretary_cell1", Role.SECRETARY, cell1, None),
        ("member_m1", Role.MEMBER, cell1, members["m1"]), ("staff_p2", Role.STAFF, p2, None),
    ]:
        u = new_user(username, member=member)
        RoleGrant.objects.create(user=u, organization=org, role=role)
        users[username] = u
    users["nobody"] = new_user("nobody")
    return World(root, p1, p2, c1, c2, c3, cell1, cell2, cell3, cell4, members, users)


@pytest.fixture
def world(db) -> World:
    return build_world()


@pytest.fixture(autouse=True)
def _no_2fa_by_default(settings):
    settings.PARTYORG_REQUIRE_2FA = False


@pytest.fixture(scope="module")
def browser():
    """Headless Debian Chromium for one test module (Playwright's sync API: one instance per thread).

    Playwright's sync API keeps an asyncio loop running in the test thread; Django would then refuse
    database access from that thread as "async-unsafe", so that is allowed while the module runs and
    restored afterwards (the test thread never shares a connection with the loop)."""
    from playwright.sync_api import sync_playwright

    from tests.browser.support import CHROMIUM, CHROMIUM_ARGS

    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium package (never `playwright install`)")
    before = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as p:
            b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            yield b
            b.close()
    finally:
        if before is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = before


@pytest.fixture
def page(browser):
    """A fresh browser context (no cookies, no storage) per test."""
    from tests.browser.support import new_page

    p = new_page(browser)
    yield p
    p.context.close()


@pytest.fixture
def artifacts():
    from tests.browser.support import ARTIFACTS

    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture
def is_postgres() -> bool:
    from django.db import connection

    return connection.vendor == "postgresql"


def pytest_collection_modifyitems(config, items):
    if os.environ.get("PARTYORG_SKIP_BROWSER"):
        skip = pytest.mark.skip(reason="PARTYORG_SKIP_BROWSER set")
        for item in items:
            if "browser" in item.keywords:
                item.add_marker(skip)
