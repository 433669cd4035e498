"""The national synthetic-data generator at a small scale: the invariants the application relies on."""
from __future__ import annotations

from collections import Counter
from datetime import date

import pytest
from django.core.management import CommandError, call_command

from partyorg.core.audit import audit_verify_chain
from partyorg.core.models import AuditEvent
from partyorg.core.synthetic import Generator, NotEmptyError, generate
from partyorg.domain import members as member_rules
from partyorg.domain import names
from partyorg.domain.tree import PATH_STEP
from partyorg.members.models import ACTIVE_STATUSES, ActivityRecord, Member, MemberStatusChange, Position
from partyorg.members.services import search_text_for
from partyorg.organizations.models import CELL_TYPES, Organization, OrganizationVersion

TODAY = date(2026, 11, 23)


def quiet(_line: str) -> None:
    pass


def check_tree(generated: str = "") -> dict[int, Organization]:
    """Paths, depths and child counters of the whole tree; names of the generated part (path prefix)."""
    orgs = {o.pk: o for o in Organization.objects.all()}
    children = Counter(o.parent_id for o in orgs.values() if o.parent_id)
    for o in orgs.values():
        assert len(o.path) == PATH_STEP * o.depth
        if o.parent_id is None:
            assert o.depth == 1 and o.org_type == "central"
        else:
            parent = orgs[o.parent_id]
            assert o.path[:-PATH_STEP] == parent.path and o.depth == parent.depth + 1
            assert int(o.path[-PATH_STEP:], 36) <= parent.children_seq
        assert o.children_seq == children[o.pk]
        if not o.path.startswith(generated):
            continue
        assert o.sort_key == names.collation_key(o.name)[:400]
        assert o.search_text == names.searchable(o.name, o.short_name, o.code)[:400]
    assert OrganizationVersion.objects.count() == len(orgs)
    return orgs


def check_members(orgs: dict[int, Organization], generated: str = "") -> list[Member]:
    ms = list(Member.objects.all())
    assert len({m.citizen_id for m in ms}) == len(ms)
    cards = [m.party_card_number for m in ms if m.party_card_number]
    assert len(set(cards)) == len(cards)
    for m in ms:
        cell = orgs[m.cell_id]
        assert cell.org_type in CELL_TYPES
        assert m.org_path == cell.path
        if not m.org_path.startswith(generated):
            continue
        assert member_rules.check_citizen_id(m.citizen_id) is None
        assert member_rules.check_party_card(m.party_card_number) is None
        assert m.sort_key == names.name_sort_key(m.full_name)
        assert m.search_text == search_text_for(m.full_name, m.citizen_id, m.party_card_number)
        assert names.normalize_name(m.full_name) == m.full_name and len(m.full_name.split()) >= 3
        assert member_rules.check_member_dates(date_of_birth=m.date_of_birth, admitted_on=m.admitted_on,
                                               official_on=m.official_on, today=TODAY) == []
        assert (m.status == "probationary") == (m.official_on is None)
        assert (m.party_card_number is None) == (m.status == "probationary")
        century = "01" if m.date_of_birth.year < 2000 else "23"
        assert m.citizen_id[3] == century[m.gender == "F"] and m.citizen_id[4:6] == f"{m.date_of_birth.year % 100:02d}"
    return ms


@pytest.mark.django_db
def test_small_national_tree_keeps_every_invariant():
    report = generate(members=2000, orgs=120, seed=7, log=quiet)
    assert report.members == 2000 and Member.objects.count() == 2000
    orgs = check_tree()
    assert len(orgs) == report.organizations and 100 <= len(orgs) <= 120
    kinds = Counter(o.org_type for o in orgs.values())
    assert kinds["central"] == 1 and kinds["provincial"] >= 2
    assert kinds["grassroots_committee"] > 0 and kinds["cell"] > kinds["grassroots_committee"]
    ms = check_members(orgs)
    statuses = Counter(m.status for m in ms)
    assert statuses["official"] > 0.7 * len(ms) and statuses["probationary"] > 0
    assert sum(statuses[s] for s in ACTIVE_STATUSES) > 0.95 * len(ms)
    assert Counter(m.gender for m in ms)["F"] > 0.25 * len(ms)
    # Positions: every cell with two members has a secretary and a deputy; holders are official members.
    by_id = {m.pk: m for m in ms}
    positions = list(Position.objects.all())
    assert len(positions) == report.positions > 0
    for p in positions:
        assert p.org_path == orgs[p.organization_id].path
        assert by_id[p.member_id].status == "official"
        assert by_id[p.member_id].org_path.startswith(p.org_path) or orgs[p.organization_id].org_type == "party_group"
    held = {(p.organization_id, p.title) for p in positions}
    for o in orgs.values():
        if o.org_type in CELL_TYPES and Member.objects.filter(cell=o).count() >= 2:
            assert (o.pk, "bi_thu") in held and (o.pk, "pho_bi_thu") in held
    # Report, audit and the audit chain.
    tops = sum(t["members"] for t in report.tops)
    assert tops == 2000
    ev = AuditEvent.objects.get(action="synthetic.generate")
    assert ev.after["members"] == 2000 and ev.after["seed"] == 7
    assert audit_verify_chain().ok
    assert not ActivityRecord.objects.exists()


@pytest.mark.django_db
def test_history_rows_and_refusal_of_a_non_empty_database():
    generate(members=300, orgs=40, seed=3, with_history=True, log=quiet)
    assert ActivityRecord.objects.filter(kind="official", end_on=None).count() == 300
    assert MemberStatusChange.objects.count() == 300
    rec = ActivityRecord.objects.select_related("member").first()
    assert rec.organization_id == rec.member.cell_id and rec.start_on == rec.member.admitted_on
    with pytest.raises(NotEmptyError):
        generate(members=10, orgs=10, log=quiet)
    with pytest.raises(CommandError):
        call_command("generate_national", members=10, orgs=10, stdout=None)


def test_append_next_to_existing_data_keeps_ids_unique(world):
    before = Member.objects.count()
    report = generate(members=500, orgs=60, seed=11, append=True, log=quiet)
    assert Member.objects.count() == before + 500
    roots = Organization.objects.filter(parent=None).order_by("path")
    assert roots.count() == 2 and roots[1].pk == report.root_id
    assert roots[1].code.startswith("S2-") and roots[1].path == "00002"
    check_tree(generated=roots[1].path)
    check_members({o.pk: o for o in Organization.objects.all()}, generated=roots[1].path)


def test_same_seed_same_people():
    def first_rows(seed: int) -> list[tuple]:
        g = Generator(members=500, orgs=40, seed=seed)
        g.build_tree()
        return next(g.member_chunks())[:50]

    assert first_rows(5) == first_rows(5)
    assert first_rows(5) != first_rows(6)


@pytest.mark.django_db
def test_command_runs_on_the_test_database(capsys):
    call_command("generate_national", members=200, orgs=30, seed=1)
    assert "200 members" in capsys.readouterr().out
    assert Member.objects.count() == 200


@pytest.mark.django_db
def test_postgres_copy_with_indexes_dropped_and_rebuilt(is_postgres):
    """PostgreSQL: the COPY path with the member indexes and constraints dropped and rebuilt."""
    if not is_postgres:
        pytest.skip("PostgreSQL only")
    from django.db import connection

    def schema() -> tuple[set, set]:
        with connection.cursor() as cur:
            cur.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'members_member'")
            idx = set(cur.fetchall())
            cur.execute("SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                        "WHERE conrelid = 'members_member'::regclass")
            return idx, set(cur.fetchall())

    before = schema()
    assert any("gin_trgm_ops" in d for _n, d in before[0])
    generate(members=1500, orgs=80, seed=2, suspend_indexes=True, log=quiet)
    assert schema() == before
    check_members(check_tree())
    # The sequences continue after the explicit ids.
    from tests.conftest import new_user

    u = new_user("after")
    assert u.pk
    m = Member.objects.order_by("-id").first()
    Member.objects.filter(pk=m.pk).update(full_name=m.full_name)
    from partyorg.organizations.models import OrgType

    cell = Organization.objects.filter(org_type=OrgType.CELL).first()
    o = Organization.objects.create(name="X", code="X-NEW", org_type=OrgType.CELL, parent=cell.parent,
                                    path=cell.parent.path + "zzzzz", depth=cell.depth)
    assert o.pk > max(Organization.objects.exclude(pk=o.pk).values_list("pk", flat=True))


@pytest.mark.django_db
@pytest.mark.parametrize("mode", ["index", "scan"])
def test_member_search_on_generated_data_matches_a_plain_filter(mode, monkeypatch, client):
    """The list selector's two PostgreSQL strategies (trigram index or subtree scan) and the one-pass
    search results give exactly the rows a plain filter gives, in name order."""
    from partyorg.accounts.models import Role, RoleGrant
    from partyorg.members import selectors
    from tests.conftest import new_user

    generate(members=2000, orgs=100, seed=5, log=quiet)
    if mode == "scan":
        monkeypatch.setattr(selectors, "GIN_ITEMS_PER_ROW", 0)
    else:
        monkeypatch.setattr(selectors, "SEARCH_SCAN_BELOW", 0)
    province = Organization.objects.filter(org_type="provincial").order_by("path").first()
    staff = new_user("staff_synthetic")
    RoleGrant.objects.create(user=staff, organization=province, role=Role.STAFF)
    mine = sorted((m for m in Member.objects.filter(org_path__startswith=province.path)),
                  key=lambda m: (m.sort_key, m.pk))
    for query in ["nguyen van an", "Nguyễn", "thị", "an", "khuê", "0"]:
        terms = names.search_terms(query)
        expected = [m.pk for m in mine if all(t in m.search_text for t in terms)]
        for org_id in (None, province.pk):
            qs = selectors.member_list(actor=staff, filters=selectors.MemberFilter(org_id=org_id, query=query))
            assert [m.pk for m in qs] == expected, (query, org_id)
            results = selectors.SearchResults(qs, exact_up_to=7)
            assert results.count() == len(expected)
            assert [m.pk for m in results[0:5]] == expected[:5]
            assert [m.pk for m in results[5:10]] == expected[5:10]
    # The list page's count of an organization's members (through its cells) is the list's length.
    for org in Organization.objects.filter(path__startswith=province.path).order_by("path")[:25]:
        f = selectors.MemberFilter(org_id=org.pk)
        source = selectors.member_page_source(actor=staff, filters=f,
                                              qs=selectors.member_list(actor=staff, filters=f))
        assert source.count() == len(list(selectors.member_list(actor=staff, filters=f)))
    client.force_login(staff)
    page = client.get("/members/", {"org": province.pk, "q": "nguyen van"})
    n = sum(1 for m in mine if all(t in m.search_text for t in ["nguyen", "van"]))
    assert page.status_code == 200 and f"{n:,}".replace(",", ".") in page.content.decode()


# ---------------------------------------------------------------- the validated import path on generated data

def _import_csv(rows: list[str]) -> bytes:
    from partyorg.imports.parsing import MEMBER_COLUMNS

    return ("\n".join([",".join(label for _f, label, _r in MEMBER_COLUMNS), *rows]) + "\n").encode()


@pytest.mark.django_db
def test_import_validates_once_and_rechecks_the_database_facts(monkeypatch):
    from partyorg.accounts.models import Role, RoleGrant
    from partyorg.imports import services
    from tests.conftest import new_user

    generate(members=300, orgs=40, seed=9, log=quiet)
    province = Organization.objects.filter(org_type="provincial").order_by("path").first()
    cells = list(Organization.objects.filter(org_type="cell", path__startswith=province.path).order_by("path")[:2])
    staff = new_user("importer")
    RoleGrant.objects.create(user=staff, organization=province, role=Role.STAFF)
    rows = [f"Nguyễn Văn Tư,01/02/1980,Nam,Kinh,Không,,098{i:09d},98{i:08d},03/03/2005,04/04/2006,{cells[i % 2].code},,"
            for i in range(40)]
    calls = []
    real = services.validate_members
    monkeypatch.setitem(services.VALIDATORS, "members", (services.MEMBER_COLUMNS, lambda **kw: (
        calls.append(1), real(**kw))[1], services.write_members))
    res = services.import_file(actor=staff, kind="members", filename="a.csv", content=_import_csv(rows), commit=True)
    assert res.errors == [] and res.created == 40 and len(calls) == 1
    m = Member.objects.get(citizen_id="098000000001")
    assert m.org_path == cells[1].path and m.sort_key == names.name_sort_key(m.full_name)
    assert m.search_text == search_text_for(m.full_name, m.citizen_id, m.party_card_number)
    assert ActivityRecord.objects.filter(member=m, end_on=None, organization=cells[1]).count() == 1
    assert MemberStatusChange.objects.get(member=m).to_status == "official"

    # A cell dissolved between the first pass and the write: the file is validated again, nothing written.
    def dissolving(**kw):
        calls.append(1)
        out = real(**kw)
        if len(calls) == 2:
            Organization.objects.filter(pk=cells[0].pk).update(dissolved_on=date(2026, 11, 1))
        return out

    monkeypatch.setitem(services.VALIDATORS, "members", (services.MEMBER_COLUMNS, dissolving, services.write_members))
    more = [r.replace(",098", ",097").replace(",98", ",97") for r in rows]
    n = Member.objects.count()
    res = services.import_file(actor=staff, kind="members", filename="b.csv", content=_import_csv(more), commit=True)
    assert len(calls) == 3 and res.created == 0 and Member.objects.count() == n
    assert {e.row for e in res.errors} == {i + 2 for i in range(0, 40, 2)}
