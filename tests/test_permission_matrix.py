"""Permission matrix: every URL of the project, for every role, against objects outside the role's scope.

The matrix is built from the URL configuration itself (``get_resolver().url_patterns``, walked
recursively) and from the django-ninja routers of ``partyorg.api.api.api``, so a new page or API
operation is covered the day it is added:

* every path parameter is filled with the pk of an object OUTSIDE the role's scope (another province,
  a sibling cell, an ancestor, another member of the same cell, another user's import job...). A
  parameter name the matrix does not know makes the suite fail loudly (``test_every_route_parameter_
  is_known`` and a failing case per route), so no future URL can skip the matrix;
* GET must answer 403/404 (405 for a POST-only view) and the body must contain no name, citizen ID
  or import-file content of anything outside the role's scope;
* POST / PATCH must answer 403/404/405 and leave the database exactly as it was (a snapshot of every
  table of the partyorg apps, the audit log included);
* list pages and list endpoints (no path parameter) must not contain out-of-scope rows, with and
  without filters that point at foreign objects;
* anonymous: every page redirects to the login page, every API operation answers 401;
* writes that carry a foreign id in the BODY of an in-scope URL (merge into a foreign cell, move under
  a foreign parent, create a member in a foreign cell through the API or an import...) change nothing;
* positive checks: staff read their subtree, a member sees only their own record, a secretary only
  their cell, a leader reads but cannot write.

The world (tests/conftest.py ``build_world``) is built once per module inside an outer transaction;
each test runs in its own savepoint and is rolled back.
"""
from __future__ import annotations

import contextlib
import importlib
import importlib.util
import io
import json
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pytest
from django.apps import apps
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RegexPattern

from tests.conftest import build_world

# Every test runs in a savepoint inside the module's world transaction (and the mark makes
# pytest-django create the test database at all).
pytestmark = pytest.mark.django_db

# ---------------------------------------------------------------------------------------------
# Enumeration of the project's routes
# ---------------------------------------------------------------------------------------------

PARAM_RE = re.compile(r"<(?:(?P<conv>\w+):)?(?P<name>\w+)>")


@dataclass(frozen=True)
class Route:
    route: str            # Django route text, e.g. "org/<int:org_id>/"
    name: str             # "namespace:name" or the route itself when unnamed
    params: tuple[str, ...]
    regex: bool = False   # a re_path with groups: the matrix cannot fill it (fails loudly)


def _walk(patterns, prefix: str = "", ns: str = ""):
    for p in patterns:
        if isinstance(p, URLResolver):
            sub_ns = f"{ns}:{p.namespace}" if (ns and p.namespace) else (p.namespace or ns)
            yield from _walk(p.url_patterns, prefix + str(p.pattern), sub_ns)
        elif isinstance(p, URLPattern):
            route = prefix + str(p.pattern)
            regex = isinstance(p.pattern, RegexPattern) and bool(p.pattern.regex.groupindex or p.pattern.regex.groups)
            name = f"{ns}:{p.name}" if (ns and p.name) else (p.name or route)
            yield Route(route, name, tuple(m.group("name") for m in PARAM_RE.finditer(route)), regex)


def all_routes() -> list[Route]:
    seen: dict[str, Route] = {}
    for r in _walk(get_resolver().url_patterns):
        seen.setdefault(r.route, r)  # ninja registers one pattern per operation on the same path
    return list(seen.values())


API_PREFIX = "api/v1/"


def api_operations() -> list[tuple[str, str, str]]:
    """(django route, HTTP method, operation name) for every operation of the ninja routers."""
    from partyorg.api.api import api

    ops = []
    for prefix, router in api._routers:
        for path, path_view in router.path_operations.items():
            full = re.sub(r"/+", "/", f"/{prefix}/{path}").lstrip("/")
            full = re.sub(r"\{(?:\w+:)?(\w+)\}", r"<\1>", full)
            for op in path_view.operations:
                for method in op.methods:
                    ops.append((API_PREFIX + full, method.upper(), op.view_func.__name__))
    return ops


def _strip_converters(route: str) -> str:
    return PARAM_RE.sub(lambda m: f"<{m.group('name')}>", route)


ROUTES = all_routes()
API_OPS = api_operations()
API_OP_ROUTES = {_strip_converters(r) for r, _m, _n in API_OPS}
# ninja's own non-operation views: the schema and the docs page carry no data and are public.
API_META_ROUTES = {API_PREFIX + "openapi.json", API_PREFIX + "docs", API_PREFIX}

PAGE_ROUTES = [r for r in ROUTES if not r.route.startswith(API_PREFIX)]

# Object parameters: filled per role with an object outside the role's scope.
OBJECT_PARAMS = {"org_id": "org", "unit_id": "org", "member_id": "member", "job_id": "job",
                 "user_id": "user", "grant_id": "grant", "token_id": "token"}
# Value parameters that select no database object (the import template's kind).
VALUE_PARAMS = {"kind": ["members", "organizations"],    # imports: the template's kind
                "paper_no": [1],                            # ballots: a paper number inside a box
                "period": ["2025"],                         # appraisal: the rating period (a cycle exists)
                "body": ["organization"]}                   # appraisal: which body of a unit is rated


@dataclass(frozen=True)
class ObjectKind:
    """Extension point for the objects of later areas (documents, ballot boxes, votes...).

    ``make(mw)`` creates one object in each organization named in ``homes`` (labels of the test
    world: "cell1", "c1", "p1", "cell4", "c3", "p2"...) and returns ``{home: object}``. Every role is
    then tried against the objects whose home lies outside what it reads (``READS`` below), with
    every route that has the parameter. ``texts(obj)`` gives the texts of an object that must never
    appear to a role outside its scope (a title, a name...). Example::

        EXTRA_PARAMS["document_id"] = ObjectKind(
            "document", ("cell1", "p1", "cell4", "p2"),
            make=lambda mw: {h: make_document(mw.w.users["operator"], mw.orgs[h], f"Văn bản {h}")
                             for h in ("cell1", "p1", "cell4", "p2")},
            texts=lambda d: [d.title])
    """

    kind: str
    homes: tuple[str, ...]
    make: Any
    texts: Any = lambda obj: []


def _make_ballot_boxes(mw) -> dict[str, Any]:
    """An open ballot box in a sibling cell of province Alpha and one in province Beta, each with the
    members of its cell on the roster (member_m1 is on neither: voters may see their own box)."""
    from partyorg.ballots import services
    from partyorg.members.models import Member

    boxes = {}
    for home in BOX_HOMES:
        cell = mw.orgs[home]
        box = services.ballot_box_create(
            kind="matrix", ref_id=f"matrix-{home}", title=f"Hội nghị kín {home}", org_path=cell.path,
            items=[{"id": "a", "label": f"Ứng viên Kín {home}"}, {"id": "b", "label": f"Ứng viên Mật {home}"}],
            mark_choices=[{"code": "H", "key": "1", "label": "Tín nhiệm cao"},
                          {"code": "L", "key": "3", "label": "Tín nhiệm thấp"}])
        ids = list(Member.objects.filter(cell=cell).values_list("pk", flat=True))
        services.roster_set(box=box, member_ids=ids)
        services.attendance_set(box=box, present_member_ids=ids)
        services.ballot_box_open(box=box)
        boxes[home] = box
    return boxes


BOX_HOMES = ("cell2", "cell4")
# Keys: "<first URL segment>/:<parameter>" (the same parameter name can mean different objects in
# different areas: directives/ and confidence/ both have a conference_id).
EXTRA_PARAMS: dict[str, ObjectKind] = {
    "ballots/:box_id": ObjectKind("ballot_box", BOX_HOMES, make=_make_ballot_boxes,
                                  texts=lambda b: [b.title, *(i["label"] for i in b.items)]),
}

# Each area keeps the objects it needs for the matrix in tests/<area>/matrix.py, as a function
# ``<name>(ObjectKind) -> {url parameter: ObjectKind}``. A module that does not exist (yet) is skipped:
# the routes of its area then fail here as routes with unknown parameters.
AREA_MATRICES = [("members/", "tests.members.matrix", "member_kinds"),
                 ("directives/", "tests.directives.matrix", "directive_kinds"),
                 ("confidence/", "tests.confidence.matrix", "confidence_kinds"),
                 ("elections/", "tests.elections.matrix", "election_kinds")]
for _prefix, _module, _function in AREA_MATRICES:
    if importlib.util.find_spec(_module) is None:
        continue
    for _param, _k in getattr(importlib.import_module(_module), _function)(ObjectKind).items():
        EXTRA_PARAMS[f"{_prefix}:{_param}"] = _k


def _open_appraisal_cycles(mw) -> None:
    """2025 rating cycles in every cell, so that the appraisal pages of foreign organizations, members
    and units (period "2025") have real ratings behind them."""
    from partyorg.appraisal import services

    op = mw.w.users["operator"]
    for home in ("cell1", "cell2", "cell3", "cell4"):
        services.cycle_open(actor=op, org_id=mw.orgs[home].pk,
                            data=services.CycleInput(year=2025, meeting_on=date(2025, 12, 10)))


# Data the later areas need in the world before the matrix runs: (name, function(mw)). A failing hook
# fails test_world_hooks_and_extra_objects_were_made (and leaves the rest of the matrix running).
WORLD_HOOKS = [("appraisal cycles 2025", _open_appraisal_cycles)]
OBJECT_PARAMS.update({key: k.kind for key, k in EXTRA_PARAMS.items()})


def kind_of(route: str, param: str) -> str | None:
    """The object kind behind a path parameter of a route (None for value or unknown parameters)."""
    prefix = route.split("/", 1)[0] + "/"
    return OBJECT_PARAMS.get(f"{prefix}:{param}") or OBJECT_PARAMS.get(param)


def is_known(route: str, param: str) -> bool:
    return param in VALUE_PARAMS or kind_of(route, param) is not None



# Routes reachable without logging in (they show no data: checked below).
PUBLIC_ROUTES = {"accounts/login/", "i18n/setlang/", "healthz", *API_META_ROUTES}
# Account plumbing: not POSTed by the matrix (logout would end the session, setlang/login/otp are
# not data); their GET is still checked for foreign data.
NO_POST_ROUTES = {"accounts/login/", "accounts/logout/", "accounts/otp/", "i18n/setlang/"}

# GET of the logout URL only redirects to the login page (logging out is a POST).
REDIRECTING_ROUTES = {"accounts/logout/"}

# Routes whose response is a static file with an example row: its example name ("Nguyễn Văn An")
# happens to equal a member of the test world, so only identifiers are checked there.
IDS_ONLY_ROUTES = {"imports/template/<str:kind>.xlsx"}

# ---------------------------------------------------------------------------------------------
# Roles and the foreign objects each one is tried against
# ---------------------------------------------------------------------------------------------

# operator_p1 is added to the shared world here: an OPERATOR granted on province Alpha only (user
# administration is scoped like everything else).
ROLES = ["staff_p1", "leader_p1", "staff_c1", "secretary_cell1", "member_m1", "staff_p2", "operator_p1", "nobody"]
WRITE_ROLES = ["staff_p1", "staff_c1", "secretary_cell1", "staff_p2", "operator_p1"]

# One object in another subtree (sibling, cousin or the other province) and, where there is one, an
# ANCESTOR of the scope (a scope check written backwards - "the object's path is a prefix of mine" -
# would let it through). Scope checks are one path-prefix test, so more objects of the same kind
# add time, not coverage.
ORG_TARGETS = {
    "staff_p1": ["p2", "root"],
    "leader_p1": ["cell4", "root"],
    "staff_c1": ["cell3", "p1"],
    "secretary_cell1": ["cell2", "c1"],
    "member_m1": ["cell1", "cell4"],          # a member reads no organization, not even their own cell
    "staff_p2": ["cell1", "root"],
    "operator_p1": ["p2", "root"],
    "nobody": ["p1"],
}
MEMBER_TARGETS = {
    "staff_p1": ["m7"],
    "leader_p1": ["m8"],
    "staff_c1": ["m6"],                       # the other commune of the same province
    "secretary_cell1": ["m4"],                # the sibling cell
    "member_m1": ["m2"],                      # same cell, still not their own record
    "staff_p2": ["m1"],
    "operator_p1": ["m7"],
    "nobody": ["m7"],
}
# Per role and extra kind: the first foreign home in the order the kind lists its homes (the areas list a
# sibling first, so a check that is merely too broad - "same province" - is caught).
MAX_EXTRA_TARGETS = 1
# Import jobs belong to the user who uploaded them.
JOB_OWNERS = {"job_p1": "staff_p1", "job_p2": "staff_p2"}
JOB_TARGETS = {role: [j for j, owner in JOB_OWNERS.items() if owner != role] for role in ROLES}
# Accounts (user administration): a user whose role lies in the other province, that user's role grant
# and that user's API token.
USER_TARGETS = {role: ["staff_p1" if role == "staff_p2" else "staff_p2"] for role in ROLES}
# The organizations of the test world each role reads (checked against the real scopes by
# test_reads_table_matches_the_scopes).
READS = {
    "staff_p1": {"p1", "c1", "c2", "cell1", "cell2", "cell3"},
    "leader_p1": {"p1", "c1", "c2", "cell1", "cell2", "cell3"},
    "staff_c1": {"c1", "cell1", "cell2"},
    "secretary_cell1": {"cell1"},
    "member_m1": set(),
    "staff_p2": {"p2", "c3", "cell4"},
    "operator_p1": {"p1", "c1", "c2", "cell1", "cell2", "cell3"},
    "nobody": set(),
}
TARGETS = {"org": ORG_TARGETS, "member": MEMBER_TARGETS, "job": JOB_TARGETS, "user": USER_TARGETS,
           "grant": USER_TARGETS, "token": USER_TARGETS}
for _k in EXTRA_PARAMS.values():
    TARGETS[_k.kind] = {role: [h for h in _k.homes if h not in READS[role]][:MAX_EXTRA_TARGETS] for role in ROLES}

# The role's own objects, used in request bodies (e.g. "merge the foreign cell into MY cell").
OWN = {
    "staff_p1": ("p1", "cell1", "m1"),
    "leader_p1": ("p1", "cell1", "m1"),
    "staff_c1": ("c1", "cell1", "m1"),
    "secretary_cell1": ("cell1", "cell1", "m1"),
    "member_m1": ("cell1", "cell1", "m1"),
    "staff_p2": ("p2", "cell4", "m7"),
    "operator_p1": ("p1", "cell1", "m1"),
    "nobody": ("p1", "cell1", "m1"),
}

DENIED = {403, 404}
FILE_SUFFIXES = (".xlsx", ".pdf", ".docx", ".csv", ".json")
# A page without a path parameter may answer these; 501 is a section whose pages are not built yet.
NO_DATA_STATUSES = {200, 403, 404, 501}
DENIED_OR_METHOD = {403, 404, 405}

JOB_SECRETS = {"job_p1": ("Lý Thị Bảo Mật", "bimat-p1.csv", "CELL1"),
               "job_p2": ("Trịnh Văn Kín", "bimat-p2.csv", "CELL4")}


# ---------------------------------------------------------------------------------------------
# The world, once per module
# ---------------------------------------------------------------------------------------------

@dataclass
class MatrixWorld:
    w: Any
    orgs: dict[str, Any]
    members: dict[str, Any]
    user_pk: dict[str, int]
    tokens: dict[str, str]
    jobs: dict[str, Any]
    extra: dict[str, dict[str, Any]] = field(default_factory=dict)  # kind -> {home: object}
    extra_errors: dict[str, Exception] = field(default_factory=dict)
    foreign: dict[str, list[str]] = field(default_factory=dict)      # role -> forbidden texts
    foreign_ids: dict[str, list[str]] = field(default_factory=dict)  # role -> forbidden identifiers
    clients: dict[tuple[str | None, str], Client] = field(default_factory=dict)

    def user(self, role: str):
        from partyorg.accounts.models import User

        return User.objects.get(pk=self.user_pk[role])

    def obj(self, kind: str, label: str):
        if kind in self.extra_errors:
            pytest.fail(f"the matrix could not create {kind} objects: {self.extra_errors[kind]!r}")
        if kind in self.extra:
            return self.extra[kind][label]
        if kind in {"user", "grant", "token"}:
            from partyorg.accounts.models import ApiToken, RoleGrant

            user = self.user(label)
            return {"user": user, "grant": RoleGrant.objects.filter(user=user).first(),
                    "token": ApiToken.objects.filter(user=user, name="matrix").first()}[kind]
        return {"org": self.orgs, "member": self.members, "job": self.jobs}[kind][label]


def _job_csv(name: str, cccd: str, card: str, cell_code: str) -> bytes:
    header = "Họ và tên,Ngày sinh,Giới tính,Số CCCD,Số thẻ đảng viên,Ngày vào Đảng,Ngày chính thức,Mã chi bộ\n"
    return (header + f"{name},01/02/1990,Nữ,{cccd},{card},03/02/2015,03/02/2016,{cell_code}\n").encode()


def _compute_foreign(mw: MatrixWorld) -> None:
    from partyorg.accounts.models import RoleGrant, User
    from partyorg.core.scopes import scope_for
    from partyorg.domain.tree import ancestor_paths
    from partyorg.members.models import Member
    from partyorg.organizations.models import Organization, OrgType

    type_labels = " ".join(str(label) for _v, label in OrgType.choices)
    for role in ROLES:
        user = mw.user(role)
        scope = scope_for(user)
        visible = set(Member.objects.filter(scope.member_q()).values_list("pk", flat=True))
        allowed_paths = set()
        for p in scope.read_paths:
            allowed_paths.update(ancestor_paths(p))
            allowed_paths.add(p)
        if scope.own_member_id:
            own = Member.objects.get(pk=scope.own_member_id)
            allowed_paths.update(ancestor_paths(own.org_path))
            allowed_paths.add(own.org_path)
        texts, ids = [], []
        for m in Member.objects.exclude(pk__in=visible):
            texts.append(m.full_name)
            ids.append(m.citizen_id)
            if m.party_card_number:
                ids.append(m.party_card_number)
        for o in Organization.objects.all():
            if scope.covers_path(o.path) or o.path in allowed_paths:
                continue
            if o.name not in type_labels:  # "Trung ương" is also part of an organization-type label
                texts.append(o.name)
        # Accounts whose every role lies outside what the role reads (nor above it).
        for u in User.objects.filter(role_grants__isnull=False).distinct():
            paths = list(RoleGrant.objects.filter(user=u).values_list("organization__path", flat=True))
            if all(not scope.covers_path(p) and p not in allowed_paths for p in paths):
                texts.append(u.username)
        for job_label, owner in JOB_OWNERS.items():
            if owner != role:
                secret_name, filename, _code = JOB_SECRETS[job_label]
                texts += [secret_name, filename]
        for k in EXTRA_PARAMS.values():
            for home, obj in mw.extra[k.kind].items():
                if home not in READS[role]:
                    texts += list(k.texts(obj))
        mw.foreign[role] = texts + ids
        mw.foreign_ids[role] = ids


@pytest.fixture(scope="module")
def mw(django_db_setup, django_db_blocker):
    from django.db import connection

    from partyorg.accounts.models import ApiToken
    from partyorg.imports.services import import_job_create, import_job_run
    from partyorg.members.services import position_assign

    with django_db_blocker.unblock():
        name = str(connection.settings_dict["NAME"])
        assert "test" in name or "memory" in name, f"refusing to build the matrix world in {name}"
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            w = build_world()
            orgs = {k: getattr(w, k) for k in ("root", "p1", "p2", "c1", "c2", "c3", "cell1", "cell2", "cell3",
                                               "cell4")}
            op = w.users["operator"]
            from partyorg.accounts.models import Role, RoleGrant
            from tests.conftest import new_user

            w.users["operator_p1"] = new_user("operator_p1")
            RoleGrant.objects.create(user=w.users["operator_p1"], organization=w.p1, role=Role.OPERATOR)
            # Current positions on both sides, so position lists have rows to leak.
            position_assign(actor=op, member_id=w.members["m1"].pk, organization_id=w.cell1.pk, title="bi_thu",
                            start_on=date(2025, 1, 1), how_obtained="elected", term_label="2025-2030")
            position_assign(actor=op, member_id=w.members["m7"].pk, organization_id=w.cell4.pk, title="bi_thu",
                            start_on=date(2025, 1, 1), how_obtained="elected", term_label="2025-2030")
            position_assign(actor=op, member_id=w.members["m6"].pk, organization_id=w.cell3.pk, title="bi_thu",
                            start_on=date(2025, 1, 1), how_obtained="elected", term_label="2025-2030")
            tokens = {}
            for role, user in w.users.items():
                raw = ApiToken.new_raw()
                ApiToken.objects.create(user=user, name="matrix", prefix=raw[:12], digest=ApiToken.digest_of(raw))
                tokens[role] = raw
            jobs = {}
            for i, (label, (secret, filename, code)) in enumerate(JOB_SECRETS.items()):
                owner = w.users[JOB_OWNERS[label]]
                job = import_job_create(actor=owner, kind="members", filename=filename,
                                        content=_job_csv(secret, f"{900000000001 + i:012d}", f"{90000001 + i}", code),
                                        commit=False)
                import_job_run(str(job.pk))
                job.refresh_from_db()
                assert job.status == "previewed", (label, job.status, job.errors)
                jobs[label] = job
            matrix = MatrixWorld(w=w, orgs=orgs, members=dict(w.members),
                                 user_pk={k: u.pk for k, u in w.users.items()}, tokens=tokens, jobs=jobs)
            for name, hook in WORLD_HOOKS:
                try:
                    with transaction.atomic():
                        hook(matrix)
                except Exception as exc:
                    matrix.extra_errors[f"hook: {name}"] = exc
            for k in EXTRA_PARAMS.values():
                try:
                    with transaction.atomic():
                        matrix.extra[k.kind] = k.make(matrix)
                except Exception as exc:  # the tests of that kind fail with it; the rest of the matrix runs
                    matrix.extra_errors[k.kind] = exc
                    matrix.extra[k.kind] = {}
            _compute_foreign(matrix)
            # One client per role, logged in here so that the session rows outlive each test's
            # savepoint (and the middleware chain is built once per client, not once per test).
            matrix.clients[(None, "session")] = Client()
            matrix.clients[("bad-token", "token")] = Client(HTTP_AUTHORIZATION="Bearer po_not-a-real-token")
            for role, user in w.users.items():
                c = Client()
                c.force_login(user)
                matrix.clients[(role, "session")] = c
                matrix.clients[(role, "token")] = Client(HTTP_AUTHORIZATION=f"Bearer {tokens[role]}")
            yield matrix
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


# ---------------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------------

_SNAPSHOT_SQL: list[tuple[str, str]] = []


def _snapshot_queries() -> list[tuple[str, str]]:
    """(label, SELECT) for every table of the partyorg apps, noise columns left out; built once."""
    if not _SNAPSHOT_SQL:
        from django.db import connection

        qn = connection.ops.quote_name
        noise = {"accounts.user": {"last_login"}, "accounts.apitoken": {"last_used_at"}}
        ours = {a.label for a in apps.get_app_configs() if a.name.startswith("partyorg.")}
        for model in apps.get_models(include_auto_created=True):
            if not model.__module__.startswith("partyorg.") and model._meta.app_label not in ours:
                continue
            label = model._meta.label_lower
            cols = [f.column for f in model._meta.concrete_fields if f.attname not in noise.get(label, ())]
            _SNAPSHOT_SQL.append((label, f"SELECT {', '.join(qn(c) for c in cols)} FROM {qn(model._meta.db_table)} "
                                         "ORDER BY 1"))
    return _SNAPSHOT_SQL


def snapshot(exclude_models: tuple[str, ...] = ()) -> dict[str, list[tuple]]:
    """Every row of every table of the partyorg apps (the audit log included), read with plain SQL."""
    from django.db import connection

    data = {}
    with connection.cursor() as cur:
        for label, sql in _snapshot_queries():
            if label not in exclude_models:
                cur.execute(sql)
                data[label] = cur.fetchall()
    return data


def audit_length() -> int:
    from partyorg.core.models import AuditEvent

    return AuditEvent.objects.count()


def assert_unchanged(before: dict, after: dict, what: str) -> None:
    if before == after:
        return
    diffs = []
    for label in sorted(set(before) | set(after)):
        b, a = before.get(label, []), after.get(label, [])
        if b != a:
            diffs.append(f"{label}: {len(b)} -> {len(a)} rows; "
                         f"new/changed: {[r for r in a if r not in b][:3]}")
    pytest.fail(f"{what} changed the database:\n" + "\n".join(diffs))


def body_text(resp) -> str:
    content = b"".join(resp.streaming_content) if getattr(resp, "streaming", False) else resp.content
    ctype = resp.get("Content-Type", "")
    if "spreadsheetml" in ctype or content[:2] == b"PK":
        from openpyxl import load_workbook

        wb = load_workbook(io.BytesIO(content), read_only=True)
        return "\n".join(str(v) for ws in wb.worksheets for row in ws.iter_rows(values_only=True)
                         for v in row if v is not None)
    text = content.decode("utf-8", errors="replace")
    if "json" in ctype:
        with contextlib.suppress(ValueError):
            text += "\n" + json.dumps(json.loads(content), ensure_ascii=False)  # ninja escapes non-ASCII
    return text


def assert_no_foreign(resp, tokens: list[str], what: str, echoed: tuple[str, ...] = ()) -> None:
    """No forbidden text in the body. ``echoed``: values the user typed (a search box shows them back
    in its own value attribute; that is not a leak)."""
    from django.utils.html import escape

    text = body_text(resp)
    for v in echoed:
        text = text.replace(f'value="{escape(v)}"', 'value=""')
    leaked = sorted({t for t in tokens if t and t in text})
    assert not leaked, f"{what}: the response ({resp.status_code}) shows out-of-scope data: {leaked}"


def client_for(mw: MatrixWorld, role: str | None, auth: str = "session") -> Client:
    c = mw.clients[(role, auth)]
    c.cookies.pop("messages", None)  # no flash message from an earlier test
    return c


def fill(route: str, values: dict[str, Any]) -> str:
    return "/" + PARAM_RE.sub(lambda m: str(values[m.group("name")]), route)


def _decision(number: str = "99-QĐ/TU") -> dict[str, str]:
    return {"number": number, "signed_on": "2026-01-05", "effective_on": "2026-01-06", "issuer_name": "Matrix"}


def _member_form(m) -> dict[str, str]:
    return {"full_name": m.full_name, "date_of_birth": m.date_of_birth.isoformat(), "gender": m.gender,
            "ethnicity": m.ethnicity, "religion": m.religion, "place_of_origin": "Bị sửa trái phép",
            "citizen_id": m.citizen_id, "party_card_number": m.party_card_number or "",
            "admitted_on": m.admitted_on.isoformat(), "official_on": m.official_on.isoformat() if m.official_on else "",
            "education_level": m.education_level, "theory_level": m.theory_level}


def post_data(mw: MatrixWorld, role: str, route: str, obj: Any) -> dict[str, str]:
    """A request body that WOULD succeed if the scope check were missing, so 'nothing changed' means
    something. Routes without an entry get an empty body."""
    own_root, own_cell, own_member = (mw.orgs[OWN[role][0]], mw.orgs[OWN[role][1]], mw.members[OWN[role][2]])
    if route == "org/<int:org_id>/new/":
        return {"name": "Chi bộ Xâm Nhập", "code": "HACK-1", "org_type": "cell", "established_on": "2026-01-01"}
    if route == "org/<int:org_id>/rename/":
        return {"new_name": "Tên Bị Đổi Trái Phép", "new_short_name": "", **_decision()}
    if route == "org/<int:org_id>/move/":
        return {"new_parent": str(own_root.pk), **_decision()}  # pull the foreign org into my scope
    if route == "org/<int:org_id>/merge/":
        from partyorg.organizations.models import Organization

        source = obj if obj.parent_id else Organization.objects.filter(parent=obj).order_by("path").first()
        return {"sources": str(source.pk), "target": str(own_cell.pk), **_decision()}  # its members into my cell
    if route == "org/<int:org_id>/dissolve/":
        return _decision()
    if route == "members/<int:member_id>/edit/":
        return _member_form(obj)
    if route == "members/<int:member_id>/status/":
        return {"new_status": "expelled", "effective_on": "2026-01-06", "reason": "matrix"}
    if route == "members/<int:member_id>/transfer/":
        to = own_cell if own_cell.pk != obj.cell_id else mw.orgs["cell2"]
        return {"kind": "official", "to_org": str(to.pk), "start_on": "2026-01-06"}
    if route == "members/<int:member_id>/position/":
        return {"organization": str(obj.cell_id), "title": "chi_uy_vien", "start_on": "2026-01-06",
                "how_obtained": "elected"}
    if route == "members/<int:member_id>/letter/":
        return {"to_org": str(own_root.pk), "number": "GGT-XAM-NHAP", "issued_on": "2026-01-06"}
    if route == "members/letters/<int:letter_id>/":
        return {"action": "receive", "cell": str(own_cell.pk), "received_on": "2026-01-06"}
    if route == "accounts/users/<int:user_id>/":
        return {"organization": str(own_root.pk), "role": "staff"}  # give the foreign user a role here
    if route == "accounts/users/<int:user_id>/active/":
        return {"active": "0"}
    if route == "appraisal/org/<int:org_id>/open/":
        return {"year": "2026", "meeting_on": "2026-12-10"}
    if route == "appraisal/org/<int:org_id>/<str:period>/":
        return {"action": "close"}
    if route == "ballots/<int:box_id>/kiosk/codes/":
        return {"count": "3"}
    if route in {"ballots/<int:box_id>/entry/", "ballots/<int:box_id>/kiosk/", "ballots/<int:box_id>/vote/",
                 "ballots/<int:box_id>/entry/<int:paper_no>/resolve/"}:
        return {"paper_no": "1", "m_a": "1", "m_b": "3", "code": "ABCDEF", "note": "matrix"}
    del own_member
    return {}


def api_body(mw: MatrixWorld, route: str, method: str, obj: Any) -> dict | None:
    if method == "PATCH" and route.startswith(API_PREFIX + "members/"):
        return {"place_of_origin": "Bị sửa qua API", "full_name": "Tên Bị Sửa Qua API"}
    if method == "POST" and route == API_PREFIX + "members/":
        return None  # covered by the body-injection cases
    return {}


# ---------------------------------------------------------------------------------------------
# Case generation
# ---------------------------------------------------------------------------------------------

def _param_kinds(route: Route) -> list[str]:
    return [k for p in route.params if (k := kind_of(route.route, p)) is not None]


def _values_for(mw: MatrixWorld, route: Route, role: str, primary_label: str | None) -> tuple[dict, Any]:
    kinds = _param_kinds(route)
    values: dict[str, Any] = {}
    primary_obj = None
    for p in route.params:
        if p in VALUE_PARAMS:
            values[p] = primary_label if (not kinds and primary_label is not None) else VALUE_PARAMS[p][0]
            continue
        kind = kind_of(route.route, p)
        label = primary_label if kind == kinds[0] else TARGETS[kind][role][0]
        obj = mw.obj(kind, label)
        values[p] = obj.pk
        if kind == kinds[0]:
            primary_obj = obj
    return values, primary_obj


def _foreign_cases():
    cases = []
    for route in PAGE_ROUTES + [r for r in ROUTES if r.route.startswith(API_PREFIX)]:
        unknown = [p for p in route.params if not is_known(route.route, p)]
        if unknown or route.regex:
            cases.append(pytest.param(None, route, "GET", None, "session",
                                      id=f"UNKNOWN-PARAM-{route.route}"))
            continue
        if not route.params:
            continue
        kinds = _param_kinds(route)
        if route.route.startswith(API_PREFIX):
            methods = [(m, a) for r, m, _n in API_OPS if _strip_converters(r) == _strip_converters(route.route)
                       for a in ("session", "token")]
        elif route.route.endswith(FILE_SUFFIXES):
            methods = [("GET", "session")]  # a download: its POST is the same read
        else:
            methods = [("GET", "session"), ("POST", "session")]
        for role in ROLES:
            labels = TARGETS[kinds[0]][role] if kinds else VALUE_PARAMS[route.params[0]]
            for label in labels:
                for method, auth in methods:
                    cases.append(pytest.param(role, route, method, label, auth,
                                              id=f"{role}-{method}-{route.route}-{label}-{auth}"))
    return cases


@pytest.mark.parametrize(("role", "route", "method", "label", "auth"), _foreign_cases())
def test_foreign_object_is_neither_read_nor_changed(mw, role, route, method, label, auth):
    if role is None:
        pytest.fail(f"URL pattern {route.route!r} ({route.name}) has parameters the permission matrix does not "
                    f"know: {[p for p in route.params if not is_known(route.route, p)] or 'regex groups'}. Map them "
                    "in tests/test_permission_matrix.py (OBJECT_PARAMS / VALUE_PARAMS, or an area's "
                    "tests/<area>/matrix.py listed in AREA_MATRICES) so the route is covered.")
    from partyorg.core.scopes import scope_for
    from partyorg.members.models import Member

    values, obj = _values_for(mw, route, role, label)
    # Sanity: the target really is outside the role's scope.
    user = mw.user(role)
    scope = scope_for(user)
    obj_path = getattr(obj, "path", None) or getattr(obj, "org_path", None)
    if isinstance(obj_path, str) and obj_path:
        assert not scope.covers_path(obj_path), f"{label} is inside {role}'s scope: fix the matrix"
    if isinstance(obj, Member):
        assert not Member.objects.filter(scope.member_q(), pk=obj.pk).exists(), f"{label} visible to {role}"

    url = fill(route.route, values)
    is_api = route.route.startswith(API_PREFIX)
    c = client_for(mw, role, auth if is_api else "session")
    tokens = mw.foreign_ids[role] if route.route in IDS_ONLY_ROUTES else mw.foreign[role]
    if method == "GET":
        # A read must not write; the audit log length is the cheap witness (writes all audit).
        n = audit_length()
        resp = c.get(url)
        assert audit_length() == n, f"{role} GET {url} wrote to the audit log"
    else:
        if is_api:
            body = api_body(mw, route.route, method, obj)
            if body is None:
                pytest.skip("covered by the body-injection cases")
        elif route.route in NO_POST_ROUTES:
            pytest.skip("account plumbing")
        before = snapshot()
        if is_api:
            resp = c.generic(method, url, json.dumps(body), content_type="application/json")
        else:
            resp = c.post(url, post_data(mw, role, route.route, obj))
        assert_unchanged(before, snapshot(), f"{role} {method} {url}")

    if route.params and all(p in VALUE_PARAMS for p in route.params):
        # No object behind the URL: any answer is fine as long as it shows nothing foreign.
        assert resp.status_code in {200, 403, 404, 405}, resp.status_code
    else:
        allowed = DENIED if is_api else DENIED_OR_METHOD
        assert resp.status_code in allowed, (
            f"{role} {method} {url}: expected one of {sorted(allowed)} for an object outside the scope, "
            f"got {resp.status_code} {resp.get('Location', '')}")
    assert_no_foreign(resp, tokens, f"{role} {method} {url}")


# ---- list pages and list endpoints ----------------------------------------------------------

def _foreign_org_label(role: str) -> str:
    return ORG_TARGETS[role][0] if role != "member_m1" else "cell4"


# Filters that point at foreign objects, per route; {org}/{member_name}/{org_name} are filled per role.
QUERY_VARIANTS: dict[str, list[dict[str, str]]] = {
    "audit/": [{}, {"type": "organizations.organization", "id": "{org}"}, {"type": "members.member", "id": "{member}"}],
    "org/search/": [{"q": "{org_name}"}, {"q": "chi bo"}],
    "members/": [{}, {"org": "{org}"}, {"q": "{member_name_folded}"}],
    "members/export.xlsx": [{}, {"org": "{org}"}],
    "members/new/": [{"cell": "{org}"}],
    API_PREFIX + "organizations/": [{}, {"parent_id": "{org}"}, {"q": "{org_name}"}],
    API_PREFIX + "members/": [{}, {"org_id": "{org}"}, {"q": "{member_name_folded}"}],
    API_PREFIX + "positions/": [{}, {"org_id": "{org}"}],
}


def _list_cases():
    cases = []
    for route in ROUTES:
        if route.params or route.route in PUBLIC_ROUTES:
            continue
        is_api = route.route.startswith(API_PREFIX)
        if is_api and not any(m == "GET" and _strip_converters(r) == route.route for r, m, _n in API_OPS):
            continue
        for role in ROLES:
            for i, q in enumerate(QUERY_VARIANTS.get(route.route, [{}])):
                # The bearer token must give the same scope as the session: checked on the plain list.
                for auth in (("session", "token") if is_api and i == 0 else ("session",)):
                    cases.append(pytest.param(role, route, q, auth, id=f"{role}-GET-{route.route or '/'}-q{i}-{auth}"))
    return cases


@pytest.mark.parametrize(("role", "route", "query", "auth"), _list_cases())
def test_list_shows_no_out_of_scope_rows(mw, role, route, query, auth):
    from partyorg.domain.names import fold

    org = mw.orgs[_foreign_org_label(role)]
    member = mw.members[MEMBER_TARGETS[role][-1]]
    subst = {"{org}": str(org.pk), "{org_name}": org.name, "{member}": str(member.pk),
             "{member_name}": member.full_name, "{member_name_folded}": fold(member.full_name)}
    params = {k: subst.get(v, v) for k, v in query.items()}
    c = client_for(mw, role, auth)
    n = audit_length()
    resp = c.get("/" + route.route, params)
    assert audit_length() == n, f"{role} GET /{route.route} wrote to the audit log"
    if route.route in REDIRECTING_ROUTES:
        assert resp.status_code == 302, resp.status_code
    else:
        assert resp.status_code in NO_DATA_STATUSES, (route.route, params, resp.status_code, resp.get("Location"))
    assert_no_foreign(resp, mw.foreign[role], f"{role} GET /{route.route} {params}", echoed=tuple(params.values()))


# An empty POST to a page without a path parameter: a writer elsewhere, a reader, a member, nobody.
EMPTY_POST_ROLES = ["staff_p2", "leader_p1", "member_m1", "operator_p1", "nobody"]


def _list_post_cases():
    cases = []
    for route in PAGE_ROUTES:
        if route.params or route.route in PUBLIC_ROUTES or route.route in NO_POST_ROUTES:
            continue
        for role in EMPTY_POST_ROLES:
            cases.append(pytest.param(role, route, id=f"{role}-POST-{route.route or '/'}"))
    return cases


@pytest.mark.parametrize(("role", "route"), _list_post_cases())
def test_empty_post_to_a_page_changes_nothing(mw, role, route):
    c = client_for(mw, role)
    before = snapshot()
    resp = c.post("/" + route.route, {})
    assert_unchanged(before, snapshot(), f"{role} POST /{route.route}")
    assert resp.status_code in NO_DATA_STATUSES | {302, 405}, resp.status_code
    assert_no_foreign(resp, mw.foreign[role], f"{role} POST /{route.route}")


# ---- anonymous ------------------------------------------------------------------------------

def _anon_cases():
    cases = []
    for route in ROUTES:
        if route.route.startswith(API_PREFIX):
            if route.route in API_META_ROUTES:
                cases.append(pytest.param(route, "GET", id=f"anon-GET-{route.route}"))
                continue
            for r, m, _n in API_OPS:
                if _strip_converters(r) == _strip_converters(route.route):
                    cases.append(pytest.param(route, m, id=f"anon-{m}-{route.route}"))
        else:
            cases.append(pytest.param(route, "GET", id=f"anon-GET-{route.route or '/'}"))
            if route.route not in PUBLIC_ROUTES:
                cases.append(pytest.param(route, "POST", id=f"anon-POST-{route.route or '/'}"))
    return cases


@pytest.mark.parametrize(("route", "method"), _anon_cases())
def test_anonymous(mw, route, method):
    # Anonymous requests never reach an object, so any value fits (even for parameters the matrix
    # does not know yet: those fail in the foreign-object cases).
    placeholder = {"int": 1, "uuid": "00000000-0000-0000-0000-000000000001", "slug": "x", "str": "x", "path": "x"}
    values: dict[str, Any] = {}
    for m in PARAM_RE.finditer(route.route):
        p = m.group("name")
        if p in VALUE_PARAMS:
            values[p] = VALUE_PARAMS[p][0]
        elif kind_of(route.route, p) in {"org", "member", "job"}:
            values[p] = {"org": mw.orgs["p1"], "member": mw.members["m1"], "job": mw.jobs["job_p1"]}[
                kind_of(route.route, p)].pk
        else:
            values[p] = placeholder.get(m.group("conv") or "str", "1")
    url = fill(route.route, values)
    all_tokens = mw.foreign["nobody"]
    c = client_for(mw, None)
    before = snapshot()
    if method == "GET":
        resp = c.get(url)
    elif route.route.startswith(API_PREFIX):
        resp = c.generic(method, url, json.dumps({}), content_type="application/json")
    else:
        resp = c.post(url, {})
    assert_unchanged(before, snapshot(), f"anonymous {method} {url}")
    assert_no_foreign(resp, all_tokens, f"anonymous {method} {url}")
    if route.route in PUBLIC_ROUTES:
        assert resp.status_code in {200, 302, 404}, (url, resp.status_code)  # api/v1/ itself is a 404
        return
    if route.route.startswith(API_PREFIX):
        assert resp.status_code == 401, f"anonymous {method} {url}: {resp.status_code}"
        # A made-up bearer token is no better than none.
        bad = mw.clients[("bad-token", "token")].generic(
            method, url, json.dumps({}) if method != "GET" else "", content_type="application/json")
        assert bad.status_code == 401
    else:
        assert resp.status_code == 302, f"anonymous {method} {url}: {resp.status_code}"
        assert resp["Location"].startswith("/accounts/login/"), resp["Location"]


# ---- foreign ids in the body of in-scope requests -------------------------------------------

INJECTION_FOREIGN = {"staff_p1": ("cell4", "c3", "m7"), "operator_p1": ("cell4", "c3", "m7"), "staff_c1": ("cell3", "c2", "m6"),
                     "secretary_cell1": ("cell2", "c1", "m4"), "staff_p2": ("cell1", "c1", "m1")}


def _injection(mw: MatrixWorld, role: str, case: str):
    """(method, url, body, content_type or None, models that may legitimately change)."""
    own_root, own_cell, own_member = (mw.orgs[OWN[role][0]], mw.orgs[OWN[role][1]], mw.members[OWN[role][2]])
    f_cell, f_parent, f_member = (mw.orgs[INJECTION_FOREIGN[role][0]], mw.orgs[INJECTION_FOREIGN[role][1]],
                                  mw.members[INJECTION_FOREIGN[role][2]])
    new_member = {"full_name": "Hồ Thị Cài Cắm", "date_of_birth": "1990-02-01", "gender": "F",
                  "citizen_id": "077190000123", "admitted_on": "2015-02-03", "official_on": "2016-02-03",
                  "party_card_number": "77190123", "ethnicity": "Kinh", "religion": "Không"}
    if case == "page-create-member-in-foreign-cell":
        return "POST", f"/members/new/?cell={f_cell.pk}", {**new_member, "cell": f_cell.pk}, None, ()
    if case == "page-create-member-post-cell-foreign":
        return "POST", "/members/new/", {**new_member, "cell": f_cell.pk}, None, ()
    if case == "api-create-member-in-foreign-cell":
        return "POST", "/api/v1/members/", json.dumps({**new_member, "cell_id": f_cell.pk}), "application/json", ()
    if case == "merge-foreign-source-into-own-cell":
        return "POST", f"/org/{own_root.pk}/merge/", {"sources": str(f_cell.pk), "target": str(own_cell.pk),
                                                       **_decision()}, None, ()
    if case == "merge-own-cell-into-foreign-target":
        return "POST", f"/org/{own_root.pk}/merge/", {"sources": str(own_cell.pk), "target": str(f_cell.pk),
                                                       **_decision()}, None, ()
    if case == "merge-into-new-org-under-foreign-parent":
        return "POST", f"/org/{own_root.pk}/merge/", {"sources": f"{own_cell.pk},{f_cell.pk}", "new_name": "Mới",
                                                       "new_code": "NEW-X", "new_type": "cell", **_decision()}, None, ()
    if case == "move-own-cell-under-foreign-parent":
        return "POST", f"/org/{own_cell.pk}/move/", {"new_parent": str(f_parent.pk), **_decision()}, None, ()
    if case == "position-in-foreign-org":
        return "POST", f"/members/{own_member.pk}/position/", {
            "organization": str(f_cell.pk), "title": "chi_uy_vien", "start_on": "2026-01-06",
            "how_obtained": "elected"}, None, ()
    if case == "position-for-foreign-member-in-own-org":
        return "POST", f"/members/{f_member.pk}/position/", {
            "organization": str(own_cell.pk), "title": "chi_uy_vien", "start_on": "2026-01-06",
            "how_obtained": "elected"}, None, ()
    if case == "import-members-into-foreign-cell":
        content = _job_csv("Hồ Thị Cài Cắm", "077190000124", "77190124", f_cell.code)
        return "POST", "/imports/", {"kind": "members", "commit": "on",
                                     "file": _upload("cai-cam.csv", content)}, None, ("imports.importjob",)
    if case == "import-orgs-under-foreign-parent":
        content = ("Mã tổ chức,Tên tổ chức,Loại tổ chức,Mã tổ chức cấp trên\n"
                   f"HACK-9,Chi bộ Cài Cắm,Chi bộ trực thuộc,{f_parent.code}\n").encode()
        return "POST", "/imports/", {"kind": "organizations", "commit": "on",
                                     "file": _upload("cai-cam-org.csv", content)}, None, ("imports.importjob",)
    raise AssertionError(case)


def _upload(name: str, content: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type="text/csv")


INJECTION_CASES = ["page-create-member-in-foreign-cell", "page-create-member-post-cell-foreign",
                   "api-create-member-in-foreign-cell", "merge-foreign-source-into-own-cell",
                   "merge-own-cell-into-foreign-target", "merge-into-new-org-under-foreign-parent",
                   "move-own-cell-under-foreign-parent", "position-in-foreign-org",
                   "position-for-foreign-member-in-own-org", "import-members-into-foreign-cell",
                   "import-orgs-under-foreign-parent"]


@pytest.mark.parametrize("case", INJECTION_CASES)
@pytest.mark.parametrize("role", WRITE_ROLES)
def test_foreign_id_in_body_changes_nothing(mw, role, case):
    method, url, body, ctype, may_change = _injection(mw, role, case)
    c = client_for(mw, role)
    before = snapshot(exclude_models=may_change)
    if ctype:
        resp = c.generic(method, url, body, content_type=ctype)
    else:
        resp = c.post(url, body)
    assert_unchanged(before, snapshot(exclude_models=may_change), f"{role} {case}")
    assert resp.status_code in {200, 302, 400, 403, 404, 422}, resp.status_code
    if resp.status_code == 302:  # the import page redirects to its job page: the job must show the error
        assert "/imports/jobs/" in resp["Location"], resp["Location"]
        job = c.get(resp["Location"])
        assert "import-errors" in job.content.decode(), "the import reported no error"
    assert_no_foreign(resp, mw.foreign[role], f"{role} {case}")


# ---------------------------------------------------------------------------------------------
# Inside the scope: what each role CAN do
# ---------------------------------------------------------------------------------------------

def _names(mw, *keys):
    return [mw.members[k].full_name for k in keys]


def _api_member_names(c) -> list[str]:
    """The members the API lists, but for those made for the transfer letters (tests/members/matrix.py)."""
    from tests.members.matrix import LETTER_MEMBER_PREFIX

    data = c.get("/api/v1/members/", {"limit": 1000}).json()
    return sorted(r["full_name"] for r in data["items"] if not r["full_name"].startswith(LETTER_MEMBER_PREFIX))


def test_staff_reads_its_own_subtree(mw):
    c = client_for(mw, "staff_p1")
    detail = c.get(f"/org/{mw.orgs['p1'].pk}/")
    assert detail.status_code == 200
    text = detail.content.decode()
    assert "Đảng bộ xã Một" in text and "Đảng bộ xã Hai" in text
    children = c.get(f"/org/{mw.orgs['c1'].pk}/children/", HTTP_HX_REQUEST="true")
    assert children.status_code == 200
    text = children.content.decode()
    assert "Chi bộ Thôn Một" in text and "Chi bộ Thôn Hai" in text and "3 đảng viên" in text
    listing = c.get("/members/", {"org": mw.orgs["p1"].pk}).content.decode()
    for name in _names(mw, "m1", "m2", "m3", "m4", "m5", "m6"):
        assert name in listing
    assert _api_member_names(c) == sorted(_names(mw, "m1", "m2", "m3", "m4", "m5", "m6"))
    assert c.get(f"/members/{mw.members['m6'].pk}/").status_code == 200
    assert c.get(f"/api/v1/organizations/{mw.orgs['cell3'].pk}").status_code == 200
    assert_no_foreign(detail, mw.foreign["staff_p1"], "staff_p1 own province")


def test_staff_of_a_commune_reads_only_that_commune(mw):
    c = client_for(mw, "staff_c1")
    assert _api_member_names(c) == sorted(_names(mw, "m1", "m2", "m3", "m4", "m5"))
    assert c.get(f"/org/{mw.orgs['c1'].pk}/").status_code == 200
    assert c.get(f"/org/{mw.orgs['c2'].pk}/").status_code == 404


def test_member_sees_only_their_own_record(mw):
    c = client_for(mw, "member_m1")
    m1 = mw.members["m1"]
    own = c.get(f"/members/{m1.pk}/")
    assert own.status_code == 200 and m1.full_name in own.content.decode()
    listing = c.get("/members/").content.decode()
    assert m1.full_name in listing
    for name in _names(mw, "m2", "m3", "m4", "m7"):
        assert name not in listing
    assert _api_member_names(c) == [m1.full_name]
    assert c.get(f"/api/v1/members/{m1.pk}").status_code == 200
    assert c.get("/api/v1/organizations/").json()["items"] == []
    assert c.get("/api/v1/positions/").json()["items"] == []
    # ... and cannot change it.
    before = snapshot()
    assert c.post(f"/members/{m1.pk}/edit/", _member_form(m1)).status_code in DENIED
    assert c.patch(f"/api/v1/members/{m1.pk}", json.dumps({"place_of_origin": "x"}),
                   content_type="application/json").status_code in DENIED
    assert_unchanged(before, snapshot(), "member_m1 editing their own record")


def test_secretary_reads_and_writes_only_their_cell(mw):
    c = client_for(mw, "secretary_cell1")
    assert _api_member_names(c) == sorted(_names(mw, "m1", "m2", "m3"))
    assert c.get(f"/org/{mw.orgs['cell1'].pk}/").status_code == 200
    assert c.get(f"/org/{mw.orgs['cell2'].pk}/").status_code == 404
    assert c.get(f"/members/{mw.members['m4'].pk}/").status_code == 404
    m2 = mw.members["m2"]
    resp = c.post(f"/members/{m2.pk}/edit/", _member_form(m2))
    assert resp.status_code == 302, resp.content.decode()[:2000]
    m2.refresh_from_db()
    assert m2.place_of_origin == "Bị sửa trái phép"


def test_staff_p2_reads_its_province(mw):
    c = client_for(mw, "staff_p2")
    assert _api_member_names(c) == sorted(_names(mw, "m7", "m8"))
    assert c.get(f"/org/{mw.orgs['p2'].pk}/").status_code == 200
    assert c.get(f"/members/{mw.members['m8'].pk}/").status_code == 200


def test_operator_reads_both_provinces(mw):
    c = client_for(mw, "operator")
    assert c.get(f"/org/{mw.orgs['p1'].pk}/").status_code == 200
    assert c.get(f"/org/{mw.orgs['p2'].pk}/").status_code == 200
    assert len(_api_member_names(c)) == 8


def test_nobody_sees_nothing(mw):
    c = client_for(mw, "nobody")
    home = c.get("/")
    assert home.status_code == 200 and "chưa được giao vai trò" in home.content.decode()
    assert _api_member_names(c) == []


LEADER_WRITES = [
    ("org/<int:org_id>/new/", "p1"), ("org/<int:org_id>/rename/", "c1"), ("org/<int:org_id>/move/", "cell2"),
    ("org/<int:org_id>/merge/", "c1"), ("org/<int:org_id>/dissolve/", "cell3"),
    ("members/<int:member_id>/edit/", "m1"), ("members/<int:member_id>/status/", "m1"),
    ("members/<int:member_id>/transfer/", "m1"), ("members/<int:member_id>/position/", "m1"),
]


def test_leader_reads_inside_the_scope(mw):
    c = client_for(mw, "leader_p1")
    assert c.get(f"/org/{mw.orgs['p1'].pk}/").status_code == 200
    assert c.get(f"/org/{mw.orgs['c1'].pk}/children/").status_code == 200
    assert c.get(f"/members/{mw.members['m1'].pk}/").status_code == 200
    assert _api_member_names(c) == sorted(_names(mw, "m1", "m2", "m3", "m4", "m5", "m6"))


@pytest.mark.parametrize(("route", "label"), LEADER_WRITES, ids=[r for r, _ in LEADER_WRITES])
def test_leader_cannot_write_inside_the_scope(mw, route, label):
    """A leader can read the object, so the answer may say 'forbidden' (403); the pages answer 404
    because they fetch the object through the write scope. Either way: nothing changes."""
    kind = "member" if "member_id" in route else "org"
    obj = mw.obj(kind, label)
    # move: a target inside the scope; merge: sources inside the scope.
    data = post_data(mw, "leader_p1", route, obj)
    if route == "org/<int:org_id>/merge/":
        data.update({"sources": str(mw.orgs["cell2"].pk), "target": str(mw.orgs["cell1"].pk)})
    if route == "org/<int:org_id>/move/":
        data["new_parent"] = str(mw.orgs["c2"].pk)
    if route == "members/<int:member_id>/transfer/":
        data["to_org"] = str(mw.orgs["cell2"].pk)
    c = client_for(mw, "leader_p1")
    before = snapshot()
    resp = c.post(fill(route, {"org_id": obj.pk, "member_id": obj.pk}), data)
    assert_unchanged(before, snapshot(), f"leader POST {route}")
    assert resp.status_code in DENIED, resp.status_code


def test_leader_cannot_write_through_the_api_or_imports(mw):
    c = client_for(mw, "leader_p1")
    m1 = mw.members["m1"]
    before = snapshot()
    patch = c.patch(f"/api/v1/members/{m1.pk}", json.dumps({"place_of_origin": "x"}), content_type="application/json")
    assert patch.status_code == 403, patch.status_code
    create = c.post("/api/v1/members/", json.dumps({
        "full_name": "Hồ Thị Lãnh", "date_of_birth": "1990-02-01", "gender": "F", "citizen_id": "077190000777",
        "admitted_on": "2015-02-03", "cell_id": mw.orgs["cell1"].pk}), content_type="application/json")
    assert create.status_code == 403, create.status_code
    new_member = c.post(f"/members/new/?cell={mw.orgs['cell1'].pk}", {})
    assert new_member.status_code in DENIED
    imp = c.post("/imports/", {"kind": "members", "commit": "on",
                               "file": _upload("l.csv", _job_csv("Hồ Thị Lãnh", "077190000778", "", "CELL1"))})
    assert imp.status_code == 200 and "không có quyền" in imp.content.decode()
    assert_unchanged(before, snapshot(), "leader writes through the API / imports")


# ---------------------------------------------------------------------------------------------
# The matrix itself must not fall behind the URL configuration
# ---------------------------------------------------------------------------------------------

def test_every_route_parameter_is_known():
    unknown = {r.route: [p for p in r.params if not is_known(r.route, p)] for r in ROUTES
               if any(not is_known(r.route, p) for p in r.params) or r.regex}
    assert not unknown, (f"URL patterns with parameters the permission matrix does not know: {unknown}. "
                         "Map each one to an object kind in OBJECT_PARAMS (with targets per role) or to values "
                         "in VALUE_PARAMS.")


def test_world_hooks_and_extra_objects_were_made(mw):
    assert not mw.extra_errors, f"the matrix world is incomplete: {mw.extra_errors!r}"
    for param, k in EXTRA_PARAMS.items():
        assert set(mw.extra[k.kind]) == set(k.homes), (param, sorted(mw.extra[k.kind]), k.homes)


def test_reads_table_matches_the_scopes(mw):
    from partyorg.core.scopes import scope_for

    for role in ROLES:
        scope = scope_for(mw.user(role))
        actual = {label for label, org in mw.orgs.items() if scope.covers_path(org.path)}
        assert actual == READS[role], (role, actual)


def test_every_api_route_is_an_enumerated_operation():
    django_api = {_strip_converters(r.route) for r in ROUTES if r.route.startswith(API_PREFIX)}
    assert django_api - API_META_ROUTES == API_OP_ROUTES, (django_api, API_OP_ROUTES)
    assert len(API_OPS) >= 8


def test_matrix_covers_the_whole_url_configuration():
    """Sanity on the enumeration: the routes known when the matrix was written are all found."""
    found = {r.route for r in ROUTES}
    for expected in ["", "audit/", "org/<int:org_id>/merge/", "members/<int:member_id>/transfer/",
                     "imports/jobs/<uuid:job_id>/confirm/", API_PREFIX + "members/<member_id>"]:
        assert expected in found, expected


# Management commands of the project and whether they read data by scope. None of them acts for a
# user: they run on the server with the database's own rights. A command that takes a user / actor /
# role / scope option reads data on someone's behalf and must be added to the matrix (it fails here).
COMMANDS = {
    "audit_verify": "operator tool on the server: verifies the hash chain, prints no row content",
    "demo_logins": "operator tool for the demo: prints the demo accounts; no user argument, no scope",
    "load_demo": "operator tool: writes the demo data set",
    "generate_national": "operator tool: generates a large synthetic data set for the benchmarks",
    "flush": "Django's flush (audit triggers lifted for it): empties the database, reads nothing",
    "confidence_tally": "JSON in, JSON out; reads no database",
    "election_tally": "JSON in, JSON out; reads no database",
    "rating_quota": "JSON in, JSON out; reads no database",
    "rating_classify": "JSON in, JSON out; reads no database",
    "seed_documents": "operator tool: registers the documents named in the specs and the report templates",
    "send_directive_digest": "e-mails each subscribed user the open items of their own scope (their selectors)",
}
SCOPED_COMMANDS: dict[str, str] = {}  # name -> the test of the matrix that covers it


def test_no_management_command_reads_data_for_a_user():
    from django.core.management import get_commands, load_command_class

    ours = {name: app for name, app in get_commands().items() if app.startswith("partyorg")}
    for name, app in sorted(ours.items()):
        parser = load_command_class(app, name).create_parser("manage.py", name)
        options = {s for a in parser._actions for s in a.option_strings}
        scoped = {o for o in options if re.search(r"user|actor|as-|role|scope|login", o)}
        assert not scoped or name in SCOPED_COMMANDS, (
            f"management command {name} takes {sorted(scoped)}: it reads data on behalf of someone; add it to "
            "the permission matrix (SCOPED_COMMANDS) with a test that it shows nothing outside that scope")


def test_known_management_commands_exist():
    """The classification above is not stale (a renamed command is noticed)."""
    from django.core.management import get_commands

    ours = {name for name, app in get_commands().items() if app.startswith("partyorg")}
    assert {"audit_verify", "demo_logins", "load_demo"} <= ours


# ---------------------------------------------------------------------------------------------
# Security findings. These tests describe the behaviour the app MUST have and fail today. They are
# marked xfail(strict=True) so that the rest of the suite stays usable meanwhile; the day the bug is
# fixed they XPASS, which fails the run: then delete the marker. ``raises`` keeps any other error
# a real failure.
# ---------------------------------------------------------------------------------------------

def security_bug(reason: str):
    return pytest.mark.xfail(strict=True, raises=(AssertionError, pytest.fail.Exception),
                             reason=f"SECURITY BUG, not fixed yet: {reason}")


@pytest.mark.parametrize("kind", ["official", "temporary"])
@pytest.mark.parametrize("role", ["staff_p1", "staff_c1", "secretary_cell1", "staff_p2"])
def test_transfer_cannot_push_a_member_into_a_cell_outside_the_scope(mw, role, kind):
    """SECURITY: members/services.py member_transfer() looks the destination up with
    ``Organization.objects.filter(pk=to_org_id)`` and never checks it against the actor's scope, so a
    staff member of province Alpha can move one of their members into a cell of province Beta
    (changing Beta's roster, counts and activity records) and can probe which ids of Beta are cells
    (the error messages differ for 'not found' and 'not a cell')."""
    from partyorg.members.models import ActivityRecord, Member

    foreign_cell = mw.orgs[INJECTION_FOREIGN[role][0]]
    own_member = mw.members[OWN[role][2]]
    c = client_for(mw, role)
    before = snapshot()
    resp = c.post(f"/members/{own_member.pk}/transfer/", {"kind": kind, "to_org": str(foreign_cell.pk),
                                                          "start_on": "2026-01-06", "decision_ref": "GGT-1"})
    assert Member.objects.get(pk=own_member.pk).cell_id != foreign_cell.pk, (
        f"{role} moved {own_member.full_name} into {foreign_cell.name}, outside their scope")
    assert not ActivityRecord.objects.filter(member=own_member, organization=foreign_cell).exists(), (
        f"{role} recorded {kind} activity of {own_member.full_name} in {foreign_cell.name}, outside their scope")
    assert_unchanged(before, snapshot(), f"{role} transfer into a foreign cell")
    assert resp.status_code in {200, 403, 404}


def test_api_writes_with_a_session_cookie_need_the_csrf_token(mw):
    """SECURITY: partyorg/api/auth.py SessionOrToken.__call__ accepts the browser session for the JSON
    API without any CSRF check (ninja marks its views csrf_exempt and only APIKeyCookie checks CSRF),
    so a page on another (same-site) origin can PATCH/POST members with the victim's session. Pages
    refuse the same request with 403 (Django's CsrfViewMiddleware)."""
    c = Client(enforce_csrf_checks=True)
    c.force_login(mw.user("staff_p1"))
    m2 = mw.members["m2"]
    before = snapshot()
    resp = c.patch(f"/api/v1/members/{m2.pk}", json.dumps({"place_of_origin": "Giả mạo CSRF"}),
                   content_type="application/json")
    assert resp.status_code == 403, f"PATCH without a CSRF token answered {resp.status_code}"
    assert_unchanged(before, snapshot(), "API PATCH with a session cookie and no CSRF token")


def test_otp_next_parameter_cannot_redirect_off_site(mw, settings):
    """SECURITY (open redirect): partyorg/accounts/views.py otp_view() ends with
    ``redirect(request.GET.get("next") or "core:home")`` without url_has_allowed_host_and_scheme, so
    /accounts/otp/?next=https://evil.example/ sends a user who just passed 2FA to any site."""
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    settings.PARTYORG_REQUIRE_2FA = True
    user = mw.user("staff_p1")
    device = TOTPDevice.objects.create(user=user, name="default", confirmed=True)
    token = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
    c = Client()
    c.force_login(user)
    resp = c.post("/accounts/otp/?next=https://evil.example/", {"token": token})
    assert resp.status_code == 302, resp.content.decode()[:500]
    assert not resp["Location"].startswith(("https://evil.example", "//evil.example")), resp["Location"]
