"""JSON API v1. Every endpoint goes through the same selectors and services as the pages."""
from __future__ import annotations

from django.http import HttpRequest
from ninja import NinjaAPI, Router
from ninja.pagination import LimitOffsetPagination, paginate

from partyorg.core.errors import ApplicationError
from partyorg.members import selectors as member_selectors
from partyorg.members import services as member_services
from partyorg.organizations import selectors as org_selectors

from .auth import SessionOrToken
from .schemas import ChildCountOut, ErrorOut, MemberIn, MemberOut, MemberPatch, OrganizationOut, PositionOut

api = NinjaAPI(title="PartyOrg API", version="1", urls_namespace="api", auth=SessionOrToken(),
               openapi_url="/openapi.json", docs_url="/docs")


@api.exception_handler(ApplicationError)
def application_error(request: HttpRequest, exc: ApplicationError):
    return api.create_response(request, exc.as_dict(), status=exc.status)


orgs = Router(tags=["organizations"])
members = Router(tags=["members"])
positions = Router(tags=["positions"])


@orgs.get("/", response=list[OrganizationOut])
@paginate(LimitOffsetPagination)
def list_organizations(request, q: str = "", parent_id: int | None = None):
    qs = org_selectors.organization_qs(actor=request.auth)
    if parent_id is not None:
        parent = org_selectors.organization_get(actor=request.auth, org_id=parent_id)
        qs = qs.filter(parent=parent)
    if q:
        from partyorg.domain.names import search_terms

        for t in search_terms(q):
            qs = qs.filter(search_text__contains=t)
    return qs.order_by("path")


@orgs.get("/{org_id}", response={200: OrganizationOut, 404: ErrorOut})
def get_organization(request, org_id: int):
    return org_selectors.organization_get(actor=request.auth, org_id=org_id)


@orgs.get("/{org_id}/children", response={200: list[ChildCountOut], 404: ErrorOut})
def organization_children(request, org_id: int):
    parent = org_selectors.organization_get(actor=request.auth, org_id=org_id)
    return [ChildCountOut(id=r.org.pk, name=r.org.name, org_type=r.org.org_type, members=r.members,
                          sub_orgs=r.sub_orgs)
            for r in org_selectors.organization_children(actor=request.auth, parent=parent)]


@members.get("/", response=list[MemberOut])
@paginate(LimitOffsetPagination)
def list_members(request, org_id: int | None = None, q: str = "", status: str = "", gender: str = ""):
    f = member_selectors.MemberFilter(org_id=org_id, query=q, status=status, gender=gender)
    return member_selectors.member_list(actor=request.auth, filters=f)


@members.get("/{member_id}", response={200: MemberOut, 404: ErrorOut})
def get_member(request, member_id: int):
    return member_selectors.member_get(actor=request.auth, member_id=member_id)


@members.post("/", response={201: MemberOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut})
def create_member(request, payload: MemberIn):
    m = member_services.member_create(actor=request.auth, data=member_services.MemberData(**payload.dict()))
    return 201, m


@members.patch("/{member_id}", response={200: MemberOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut,
                                          422: ErrorOut})
def update_member(request, member_id: int, payload: MemberPatch):
    changes = {k: v for k, v in payload.dict().items() if v is not None}
    return member_services.member_update(actor=request.auth, member_id=member_id, changes=changes)


@positions.get("/", response=list[PositionOut])
@paginate(LimitOffsetPagination)
def list_positions(request, org_id: int | None = None, current: bool = True):
    return member_selectors.position_list(actor=request.auth, org_id=org_id, current_only=current)


api.add_router("/organizations", orgs)
api.add_router("/members", members)
api.add_router("/positions", positions)
