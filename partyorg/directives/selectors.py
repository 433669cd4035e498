"""Reads of the directives area, always through the actor's scope (``scope_for``).

Who sees what:

* documents, report templates and conferences belong to an organization (``owner_path`` /
  ``host_path``); they are visible to that organization's subtree and to its ancestors, so the
  Central register is read by every province, and a province's register by its districts and by
  the Central commission, but not by another province;
* a requirement is visible to the issuer's scope and to the scopes of its addressed organizations;
  an addressed organization sees its own submissions and those of its subtree, never its
  neighbours' (the totals "submitted / addressed" of its own subtree only);
* a conference's bridge points outside the viewer's scope are counted in the totals, not listed;
* an obstacle is visible to the asker's and the recipient's scopes and, once answered and shared,
  to the addressed organizations (without the asker's name);
* periodic reports are visible to the scope containing their organization.

Statuses that depend on the date come from the domain rules (DI-1, DI-5, DI-9, DI-10) with ``today``.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import FieldError
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Substr

from partyorg.core.errors import NotFoundOrForbidden
from partyorg.core.i18n import pick
from partyorg.core.scopes import Scope, get_in_scope, scope_for
from partyorg.domain import directives as rules
from partyorg.domain.names import fold, search_terms
from partyorg.domain.tree import PATH_STEP, ancestor_paths
from partyorg.organizations.models import CELL_TYPES, Organization, OrgType

from .models import (
    Addressee,
    AddresseeState,
    Attachment,
    BridgePoint,
    Conference,
    Document,
    DocumentLink,
    Obstacle,
    PeriodicReport,
    ReportState,
    ReportTemplate,
    Requirement,
)

# ---------------------------------------------------------------------------------------------
# Scope helpers
# ---------------------------------------------------------------------------------------------


def _ancestors_of_scope(scope: Scope) -> list[str]:
    return sorted({a for p in scope.read_paths for a in ancestor_paths(p)})


def up_or_down_q(scope: Scope, path_field: str) -> Q:
    """Rows of an organization inside the scope or above it (an ancestor of a scope root)."""
    q = scope.q(path_field)
    ups = _ancestors_of_scope(scope)
    if ups:
        q |= Q(**{f"{path_field}__in": ups})
    return q


def read_roots(*, actor: Any) -> list[Organization]:
    """The organizations the actor's roles are on (the top of its scope)."""
    return list(Organization.objects.filter(path__in=scope_for(actor).read_paths).order_by("sort_key"))


def write_roots(*, actor: Any) -> list[Organization]:
    return list(Organization.objects.filter(path__in=scope_for(actor).write_paths).order_by("sort_key"))


def org_in_scope(*, actor: Any, org_id: int, write: bool = False) -> Organization:
    return get_in_scope(Organization.objects.all(), scope_for(actor).q("path", write=write), pk=org_id)


def org_nodes(orgs) -> list[rules.OrgNode]:
    """Domain tree nodes (level counts from the root, 0) of organization rows or value dicts."""
    out = []
    for o in orgs:
        if isinstance(o, dict):
            out.append(rules.OrgNode(str(o["pk"]), str(o["parent_id"]) if o["parent_id"] else None,
                                     o["depth"] - 1, o["org_type"]))
        else:
            out.append(rules.OrgNode(str(o.pk), str(o.parent_id) if o.parent_id else None, o.depth - 1, o.org_type))
    return out


def chain_nodes(org: Organization) -> list[rules.OrgNode]:
    """``org`` and its ancestors as domain nodes (for the DI-7 route rule)."""
    rows = Organization.objects.filter(path__in=[*ancestor_paths(org.path), org.path])
    return org_nodes(rows)


# ---------------------------------------------------------------------------------------------
# Documents (DI-1, DI-2)
# ---------------------------------------------------------------------------------------------


def document_qs(*, actor: Any) -> QuerySet[Document]:
    return Document.objects.filter(up_or_down_q(scope_for(actor), "owner_path"))


def document_get(*, actor: Any, document_id: int, write: bool = False) -> Document:
    scope = scope_for(actor)
    q = scope.q("owner_path", write=True) if write else up_or_down_q(scope, "owner_path")
    return get_in_scope(Document.objects.all(), q, pk=document_id)


@dataclass
class DocumentFilter:
    query: str = ""
    doc_type: str = ""
    system: str = ""
    year: int | None = None


def document_search(*, actor: Any, filters: DocumentFilter | None = None) -> list[Document]:
    """DI-2: the register, filtered; a query finds a document by number ("124"), by symbol ("QĐ/TW",
    "124-qd") or by title words with or without diacritics. The database narrows the candidates with
    the folded words; the domain rule ``document_matches`` decides."""
    f = filters or DocumentFilter()
    qs = document_qs(actor=actor)
    if f.doc_type:
        qs = qs.filter(doc_type=f.doc_type)
    if f.system:
        qs = qs.filter(system=f.system)
    if f.year:
        qs = qs.filter(issued_on__year=f.year)
    query = f.query.strip()
    if not query:
        return list(qs.order_by("-issued_on", "-id"))
    if query.isdigit():
        qs = qs.filter(number=int(query))
    else:
        for term in search_terms(query):
            qs = qs.filter(search_text__contains=fold(term))
    return [d for d in qs.order_by("-issued_on", "-id")
            if rules.document_matches(query, d.number_symbol, d.title)]


def _ref(d: Document) -> rules.DocumentRef:
    return rules.DocumentRef(str(d.pk), d.issued_on, expires_on=d.expires_on)


def document_statuses(*, docs: list[Document], today: date) -> dict[int, rules.DocumentStatusResult]:
    """DI-1: the status of each document on ``today`` (replaced, expired, amended, in force)."""
    ids = [d.pk for d in docs]
    links = list(DocumentLink.objects.filter(target_id__in=ids).select_related("source"))
    refs = {str(d.pk): _ref(d) for d in docs}
    for link in links:
        refs.setdefault(str(link.source_id), _ref(link.source))
    domain_links = [rules.DocumentLink(str(x.source_id), rules.LinkKind(x.kind), str(x.target_id)) for x in links]
    return {d.pk: rules.document_status(refs[str(d.pk)], domain_links, refs, today) for d in docs}


@dataclass
class DocumentView:
    doc: Document
    status: rules.DocumentStatusResult
    links_out: list[DocumentLink]
    links_in: list[DocumentLink]
    attachments: list[Attachment]
    conferences: list[Conference]
    requirements: list[Requirement]
    obstacles: list[ObstacleRow]
    can_write: bool


def document_view(*, actor: Any, document_id: int, today: date) -> DocumentView:
    doc = document_get(actor=actor, document_id=document_id)
    visible = document_qs(actor=actor)
    scope = scope_for(actor)
    return DocumentView(
        doc=doc,
        status=document_statuses(docs=[doc], today=today)[doc.pk],
        links_out=list(doc.links_out.filter(target__in=visible).select_related("target")),
        links_in=list(doc.links_in.filter(source__in=visible).select_related("source")),
        attachments=list(doc.attachments.defer("content")),
        conferences=list(conference_qs(actor=actor).filter(documents=doc).select_related("host")),
        requirements=list(requirement_qs(actor=actor).filter(documents=doc).select_related("issuer")),
        obstacles=obstacle_rows(actor=actor, qs=obstacle_qs(actor=actor).filter(document=doc)),
        can_write=scope.covers_path(doc.owner_path, write=True),
    )


# ---------------------------------------------------------------------------------------------
# Attachments
# ---------------------------------------------------------------------------------------------


def attachment_get(*, actor: Any, attachment_id: int) -> Attachment:
    """An attachment is readable by whoever reads its document, submission or conference."""
    att = Attachment.objects.filter(pk=attachment_id).defer("content").first()
    if att is None:
        raise NotFoundOrForbidden()
    if att.document_id is not None:
        document_get(actor=actor, document_id=att.document_id)
    elif att.conference_id is not None:
        conference_get(actor=actor, conference_id=att.conference_id)
    else:
        addressee = att.submission.addressee
        visible = addressee_qs(actor=actor, requirement=addressee.requirement).filter(pk=addressee.pk)
        if not visible.exists():
            raise NotFoundOrForbidden()
    return att


def attachment_content(att: Attachment) -> bytes:
    return bytes(Attachment.objects.filter(pk=att.pk).values_list("content", flat=True).get())


# ---------------------------------------------------------------------------------------------
# Conferences (DI-3)
# ---------------------------------------------------------------------------------------------


def conference_qs(*, actor: Any) -> QuerySet[Conference]:
    scope = scope_for(actor)
    bridged = BridgePoint.objects.filter(conference=OuterRef("pk")).filter(scope.q("org_path"))
    return Conference.objects.filter(up_or_down_q(scope, "host_path") | Q(Exists(bridged)))


def conference_get(*, actor: Any, conference_id: int, write: bool = False) -> Conference:
    scope = scope_for(actor)
    if write:
        return get_in_scope(Conference.objects.select_related("host"), scope.q("host_path", write=True),
                            pk=conference_id)
    conf = conference_qs(actor=actor).select_related("host", "follows").filter(pk=conference_id).first()
    if conf is None:
        raise NotFoundOrForbidden()
    return conf


def domain_conference(conf: Conference, bridge_points: list[BridgePoint] | None = None,
                      document_ids: list[int] | None = None) -> rules.Conference:
    bps = bridge_points if bridge_points is not None else list(conf.bridge_points.all())
    docs = document_ids if document_ids is not None else list(conf.documents.values_list("pk", flat=True))
    return rules.Conference(
        conference_id=str(conf.pk), held_at=conf.held_at, host_org=str(conf.host_id),
        mode=rules.ConferenceMode(conf.mode), documents=tuple(str(d) for d in docs), chair=conf.chair,
        bridge_points=tuple(rules.BridgePoint(str(b.organization_id), b.participants) for b in bps),
        in_person_participants=conf.in_person_participants,
        follows=str(conf.follows_id) if conf.follows_id else None,
    )


@dataclass
class ConferenceView:
    conf: Conference
    totals: rules.ConferenceTotals
    bridge_points: list[BridgePoint]      # those the actor may see
    hidden_bridge_points: int             # counted in the totals, not listed
    documents: list[Document]
    follow_ups: list[Conference]
    attachments: list[Attachment]
    can_write: bool


def conference_view(*, actor: Any, conference_id: int) -> ConferenceView:
    conf = conference_get(actor=actor, conference_id=conference_id)
    scope = scope_for(actor)
    all_bps = list(conf.bridge_points.select_related("organization"))
    full = scope.covers_path(conf.host_path) or scope.operator
    shown = all_bps if full else [b for b in all_bps if scope.covers_path(b.org_path)]
    return ConferenceView(
        conf=conf,
        totals=rules.conference_totals(domain_conference(conf, all_bps)),
        bridge_points=shown,
        hidden_bridge_points=len(all_bps) - len(shown),
        documents=list(document_qs(actor=actor).filter(conferences=conf)),
        follow_ups=list(conference_qs(actor=actor).filter(follows=conf).select_related("host")),
        attachments=list(conf.attachments.defer("content")),
        can_write=scope.covers_path(conf.host_path, write=True),
    )


# ---------------------------------------------------------------------------------------------
# Requirements, submissions and compliance (DI-4, DI-5, DI-6)
# ---------------------------------------------------------------------------------------------


def requirement_qs(*, actor: Any) -> QuerySet[Requirement]:
    scope = scope_for(actor)
    addressed = Addressee.objects.filter(requirement=OuterRef("pk")).filter(scope.q("org_path"))
    return Requirement.objects.filter(scope.q("issuer_path") | Q(Exists(addressed)))


def requirement_get(*, actor: Any, requirement_id: int, write: bool = False) -> Requirement:
    """``write``: the issuer's side (return a submission, close the requirement)."""
    if write:
        return get_in_scope(Requirement.objects.select_related("issuer"),
                            scope_for(actor).q("issuer_path", write=True), pk=requirement_id)
    req = requirement_qs(actor=actor).select_related("issuer").filter(pk=requirement_id).first()
    if req is None:
        raise NotFoundOrForbidden()
    return req


def addressee_qs(*, actor: Any, requirement: Requirement) -> QuerySet[Addressee]:
    """The addressed organizations the actor may see: all of them on the issuer's side, else its subtree."""
    scope = scope_for(actor)
    qs = Addressee.objects.filter(requirement=requirement)
    if scope.covers_path(requirement.issuer_path):
        return qs
    return qs.filter(scope.q("org_path"))


def _submission(submitted_on: date | None, returned_on: date | None = None, reason: str = "",
                reference: str = "") -> tuple[rules.Submission, ...]:
    if submitted_on is None:
        return ()
    return (rules.Submission(submitted_on, reference, returned_on, reason),)


def addressee_status(a: Addressee, deadline: date, today: date) -> rules.StatusResult:
    """DI-5: the status of one addressed organization from its latest submission."""
    returned = a.returned_on if a.state == AddresseeState.RETURNED else None
    return rules.requirement_status(deadline, today, _submission(a.submitted_on, returned, a.return_reason))


def _group_status(state: str, late: bool, deadline: date, today: date) -> rules.StatusResult:
    """The domain status shared by every addressee of one (state, late) group: a representative
    submission stands for the group (submitted on the deadline, or the day after it when late)."""
    if state == AddresseeState.OPEN:
        return rules.requirement_status(deadline, today, ())
    day = deadline + timedelta(days=1) if late else min(deadline, today)
    returned = day if state == AddresseeState.RETURNED else None
    return rules.requirement_status(deadline, today, (rules.Submission(day, "", returned, "x" if returned else ""),))


@dataclass
class Counts:
    """Counts of one subtree by DI-5 status; ``summary`` is the domain's "submitted / addressed" (DI-6)."""

    by_status: dict[rules.RequirementStatus, int] = field(default_factory=dict)
    overdue_days: int = 0

    def add(self, status: rules.StatusResult, n: int) -> None:
        self.by_status[status.status] = self.by_status.get(status.status, 0) + n
        self.overdue_days = max(self.overdue_days, status.days_overdue)

    def merge(self, other: Counts) -> None:
        for status, n in other.by_status.items():
            self.by_status[status] = self.by_status.get(status, 0) + n
        self.overdue_days = max(self.overdue_days, other.overdue_days)

    @property
    def addressed(self) -> int:
        return sum(self.by_status.values())

    @property
    def submitted(self) -> int:
        return sum(n for s, n in self.by_status.items()
                   if s in (rules.RequirementStatus.SUBMITTED_ON_TIME, rules.RequirementStatus.SUBMITTED_LATE))

    @property
    def summary(self) -> rules.ComplianceSummary:
        return rules.ComplianceSummary(self.submitted, self.addressed, (), (), ())

    def n(self, status: str) -> int:
        return self.by_status.get(rules.RequirementStatus(status), 0)

    # the same counts by name, for templates
    on_time = property(lambda self: self.n("submitted_on_time"))
    late = property(lambda self: self.n("submitted_late"))
    overdue = property(lambda self: self.n("overdue"))
    returned = property(lambda self: self.n("returned"))
    pending = property(lambda self: self.n("pending"))

    @property
    def percent(self) -> int:
        return self.summary.permille // 10


def _late_flag(deadline: date):
    return Case(When(submitted_on__gt=deadline, then=Value(1)), default=Value(0), output_field=IntegerField())


def grouped_counts(qs: QuerySet[Addressee], deadline: date, today: date, group: Any = None) -> dict[Any, Counts]:
    """One grouped query: counts by (group, state, late); each group's status comes from the domain."""
    rows = qs.annotate(late=_late_flag(deadline))
    if group is not None:
        rows = rows.annotate(g=group).values("g", "state", "late")
    else:
        rows = rows.annotate(g=Value("")).values("g", "state", "late")
    out: dict[Any, Counts] = defaultdict(Counts)
    cache: dict[tuple[str, int], rules.StatusResult] = {}
    for row in rows.annotate(n=Count("id")).order_by():
        key = (row["state"], row["late"])
        if key not in cache:
            cache[key] = _group_status(row["state"], bool(row["late"]), deadline, today)
        out[row["g"]].add(cache[key], row["n"])
    return out


@dataclass
class ChildRow:
    org: Organization
    counts: Counts


@dataclass
class ComplianceView:
    requirement: Requirement
    node: Organization
    total: Counts
    node_row: Addressee | None
    node_status: rules.StatusResult | None
    children: list[ChildRow]
    full_view: bool            # the issuer's side: the whole requirement
    ancestors: list[Organization]


def compliance_node(*, actor: Any, requirement: Requirement, org_id: int | None) -> Organization:
    """The organization whose subtree the compliance view shows: the chosen one if the actor may see it
    and it lies under the issuer, else the issuer (issuer's side) or the actor's top organization."""
    scope = scope_for(actor)
    full = scope.covers_path(requirement.issuer_path)
    if org_id is not None:
        org = get_in_scope(Organization.objects.all(), scope.q("path"), pk=org_id)
        if not org.path.startswith(requirement.issuer_path):
            raise NotFoundOrForbidden()
        return org
    if full:
        return requirement.issuer
    roots = [o for o in read_roots(actor=actor) if o.path.startswith(requirement.issuer_path)]
    for root in roots:
        if Addressee.objects.filter(requirement=requirement, org_path__startswith=root.path).exists():
            return root
    raise NotFoundOrForbidden()


def compliance_view(*, actor: Any, requirement: Requirement, node: Organization, today: date) -> ComplianceView:
    """DI-6: "submitted / addressed" of ``node``'s subtree, with one row per child subtree (drill-down).
    One grouped query whatever the number of addressed organizations."""
    scope = scope_for(actor)
    deadline = requirement.deadline
    sub = Addressee.objects.filter(requirement=requirement, org_path__startswith=node.path)
    cut = len(node.path) + PATH_STEP
    # One grouped query: the node's own row groups under its own (shorter) path, every other row under
    # the child subtree it lies in; the total is their sum.
    by_child = grouped_counts(sub, deadline, today, Substr("org_path", 1, cut))
    total = Counts()
    for c in by_child.values():
        total.merge(c)
    by_child.pop(node.path, None)
    children = {o.path: o for o in Organization.objects.filter(path__in=list(by_child))}
    rows = [ChildRow(children[p], c) for p, c in by_child.items() if p in children]
    rows.sort(key=lambda r: r.org.sort_key)
    node_row = sub.filter(org_path=node.path).first()
    ups = [o for o in Organization.objects.filter(path__in=ancestor_paths(node.path)).order_by("path")
           if scope.covers_path(o.path) and o.path.startswith(requirement.issuer_path)]
    return ComplianceView(
        requirement=requirement, node=node, total=total, node_row=node_row,
        node_status=addressee_status(node_row, deadline, today) if node_row else None,
        children=rows, full_view=scope.covers_path(requirement.issuer_path), ancestors=ups,
    )


@dataclass
class AddresseeRow:
    addressee: Addressee
    status: rules.StatusResult


def addressee_rows(*, actor: Any, requirement: Requirement, node: Organization, today: date,
                   only_missing: bool = False) -> QuerySet[Addressee]:
    """The addressed organizations of ``node``'s subtree (the missing ones first when asked)."""
    qs = (addressee_qs(actor=actor, requirement=requirement).filter(org_path__startswith=node.path)
          .select_related("organization"))
    if only_missing:
        qs = qs.exclude(state=AddresseeState.SUBMITTED)
    return qs.order_by("org_path")


def with_status(addressees, requirement: Requirement, today: date) -> list[AddresseeRow]:
    return [AddresseeRow(a, addressee_status(a, requirement.deadline, today)) for a in addressees]


def requirement_list(*, actor: Any, issued: bool | None = None, open_only: bool = False) -> QuerySet[Requirement]:
    scope = scope_for(actor)
    qs = requirement_qs(actor=actor).select_related("issuer")
    if issued is True:
        qs = qs.filter(scope.q("issuer_path"))
    elif issued is False:
        qs = qs.exclude(scope.q("issuer_path"))
    if open_only:
        qs = qs.filter(closed_on__isnull=True)
    return qs.order_by("-issued_on", "-id")


def compliance_by_requirement(*, requirements: list[Requirement], actor: Any, today: date) -> dict[int, Counts]:
    """DI-6 for a page of requirements: one grouped query (the actor's visible addressees only)."""
    scope = scope_for(actor)
    out: dict[int, Counts] = {}
    full_ids = [r.pk for r in requirements if scope.covers_path(r.issuer_path)]
    part_ids = [r.pk for r in requirements if r.pk not in full_ids]
    by_id = {r.pk: r for r in requirements}
    for ids, extra in ((full_ids, Q()), (part_ids, scope.q("org_path"))):
        if not ids:
            continue
        # one deadline per requirement: group by requirement first, then ask the domain per group
        rows = (Addressee.objects.filter(requirement_id__in=ids).filter(extra)
                .values("requirement_id", "state", "submitted_on").annotate(n=Count("id")).order_by())
        for row in rows:
            req = by_id[row["requirement_id"]]
            late = row["submitted_on"] is not None and row["submitted_on"] > req.deadline
            status = _group_status(row["state"], late, req.deadline, today)
            out.setdefault(req.pk, Counts()).add(status, row["n"])
    return out


def submissions_of(addressee: Addressee) -> list:
    return list(addressee.submissions.select_related("conference").prefetch_related(
        Prefetch("attachments", queryset=Attachment.objects.defer("content"))).order_by("submitted_on", "id"))


# ---------------------------------------------------------------------------------------------
# Obstacles (DI-7)
# ---------------------------------------------------------------------------------------------


def obstacle_qs(*, actor: Any) -> QuerySet[Obstacle]:
    scope = scope_for(actor)
    addressed = Addressee.objects.filter(requirement=OuterRef("requirement_id")).filter(scope.q("org_path"))
    ups = _ancestors_of_scope(scope)
    shared = Q(shared=True, answered_on__isnull=False) & (
        Q(requirement__isnull=False) & Q(Exists(addressed))
        | Q(requirement__isnull=True, recipient_path__in=ups)
    )
    return Obstacle.objects.filter(scope.q("asker_path") | scope.q("recipient_path") | shared)


def obstacle_get(*, actor: Any, obstacle_id: int, write: bool = False) -> Obstacle:
    """``write``: the recipient's side (answer, forward)."""
    if write:
        return get_in_scope(Obstacle.objects.select_related("document", "asker", "recipient", "requirement"),
                            scope_for(actor).q("recipient_path", write=True), pk=obstacle_id)
    ob = obstacle_qs(actor=actor).select_related("document", "asker", "recipient", "requirement").filter(
        pk=obstacle_id).first()
    if ob is None:
        raise NotFoundOrForbidden()
    return ob


@dataclass
class ObstacleRow:
    obstacle: Obstacle
    asker_name: str          # empty when the viewer only sees the shared answer
    can_answer: bool


def obstacle_rows(*, actor: Any, qs: QuerySet[Obstacle]) -> list[ObstacleRow]:
    scope = scope_for(actor)
    out = []
    for ob in qs.select_related("asker", "recipient", "document", "requirement"):
        party = scope.covers_path(ob.asker_path) or scope.covers_path(ob.recipient_path)
        out.append(ObstacleRow(ob, ob.asker.name if party else "",
                               scope.covers_path(ob.recipient_path, write=True)))
    return out


# ---------------------------------------------------------------------------------------------
# Periodic reports (DI-8, DI-9)
# ---------------------------------------------------------------------------------------------


def template_qs(*, actor: Any) -> QuerySet[ReportTemplate]:
    return ReportTemplate.objects.filter(up_or_down_q(scope_for(actor), "owner_path"))


def template_get(*, actor: Any, template_id: int) -> ReportTemplate:
    return get_in_scope(ReportTemplate.objects.all(), up_or_down_q(scope_for(actor), "owner_path"), pk=template_id)


def domain_template(t: ReportTemplate) -> rules.ReportTemplate:
    def terms(raw) -> tuple[rules.Term, ...]:
        return tuple(rules.Term(int(c), str(code)) for c, code in raw or ())

    indicators = []
    for i in t.indicators:
        f = i.get("formula")
        formula = rules.Formula(terms(f.get("numerator")), terms(f.get("denominator")), int(f.get("scale", 1))) \
            if f else None
        indicators.append(rules.Indicator(
            code=i["code"], label_vi=i["label_vi"], label_en=i.get("label_en", ""),
            rule=rules.RollupRule(i.get("rule", "sum")), formula=formula,
            source=rules.IndicatorSource(i.get("source", "manual")), source_key=i.get("source_key")))
    return rules.ReportTemplate(
        template_id=str(t.pk), period_kind=rules.PeriodKind(t.period_kind),
        sections=tuple(rules.Section(s["code"], s["title_vi"], s.get("title_en", "")) for s in t.sections),
        indicators=tuple(indicators),
    )


def template_applies_to(t: ReportTemplate, org: Organization) -> bool:
    """Which organizations report on a template: its types, or every committee (not cells and groups)."""
    if t.reporting_types:
        return org.org_type in t.reporting_types
    return org.org_type not in CELL_TYPES and org.org_type != OrgType.PARTY_GROUP


def period_of(report: PeriodicReport) -> rules.Period:
    return rules.Period(rules.PeriodKind(report.template.period_kind), report.year, report.index)


def period_deadline(t: ReportTemplate, period: rules.Period) -> rules.PeriodDeadline:
    """DI-9: due ``due_offset_days`` after the period's last day (the template's setting of the default)."""
    return rules.period_deadline(period, defaults=rules.DirectiveDefaults(report_due_offset_days=t.due_offset_days))


def report_qs(*, actor: Any) -> QuerySet[PeriodicReport]:
    return PeriodicReport.objects.filter(scope_for(actor).q("org_path"))


def report_get(*, actor: Any, report_id: int, write: bool = False) -> PeriodicReport:
    return get_in_scope(PeriodicReport.objects.select_related("template", "organization"),
                        scope_for(actor).q("org_path", write=write), pk=report_id)


def active_children(org: Organization) -> list[Organization]:
    return list(Organization.objects.filter(parent=org, dissolved_on__isnull=True).order_by("sort_key")
                .only("id", "name", "short_name", "code", "org_type", "path", "sort_key", "parent_id", "depth",
                      "dissolved_on"))


def reporting_children(t: ReportTemplate, org: Organization,
                       children: list[Organization] | None = None) -> list[Organization]:
    """The direct children expected to report to ``org`` on this template (active ones); ``children``:
    the org's active children when the caller already has them."""
    return [c for c in (active_children(org) if children is None else children) if template_applies_to(t, c)]


@dataclass
class ChildReport:
    org: Organization
    report: PeriodicReport | None
    status: rules.StatusResult


@dataclass
class RollupView:
    rollup: rules.Rollup
    children: list[ChildReport]


def report_rollup(*, template: ReportTemplate, org: Organization, year: int, index: int, today: date,
                  children: list[Organization] | None = None) -> RollupView:
    """DI-9: the children's reports of one period and the sums of their indicators (with how many
    children each sum includes; a partial sum is labelled as such)."""
    period = rules.Period(rules.PeriodKind(template.period_kind), year, index)
    due = period_deadline(template, period).due_on
    kids = reporting_children(template, org, children)
    reports = {r.organization_id: r for r in PeriodicReport.objects.filter(
        template=template, year=year, index=index, organization_id__in=[k.pk for k in kids]).only(
        "id", "template_id", "organization_id", "year", "index", "state", "submitted_on", "values")}
    rows, values = [], {}
    for c in kids:
        r = reports.get(c.pk)
        submitted = r is not None and r.state == ReportState.SUBMITTED
        dom = rules.PeriodicReport(str(c.pk), period, r.values if r else {},
                                   rules.ReportState.SUBMITTED if submitted else rules.ReportState.DRAFT,
                                   r.submitted_on if submitted else None)
        rows.append(ChildReport(c, r, rules.report_status(dom, due, today)))
        values[str(c.pk)] = r.values if submitted else None
    return RollupView(rules.rollup_reports(domain_template(template), values), rows)


def system_figures(*, org: Organization, period: rules.Period) -> dict[str, int]:
    """DI-8: the figures the system holds for ``org``'s subtree in ``period``. A figure whose app has no
    data yet is left out, so its indicator is filled by hand."""
    from partyorg.members.models import Member
    from partyorg.organizations.models import RestructuringKind, RestructuringLink

    start, end = period.start, period.end
    out = {
        "members_admitted": Member.objects.filter(org_path__startswith=org.path,
                                                  admitted_on__gte=start, admitted_on__lte=end).count(),
        "organizations_merged": RestructuringLink.objects.filter(
            decision__kind=RestructuringKind.MERGE, decision__effective_on__gte=start,
            decision__effective_on__lte=end, source__path__startswith=org.path,
        ).exclude(source_id=F("target_id")).values("source_id").distinct().count(),
    }
    out.update(_optional_figures(org, start, end))
    return out


def _table_ready(model) -> bool:
    from django.db import connection

    return model._meta.db_table in connection.introspection.table_names()


def _optional_figures(org: Organization, start: date, end: date) -> dict[str, int]:
    """Figures of the apps built separately: confidence votes held (counted) and members by their decided
    annual rating level. An app that is missing, or whose tables are not there yet, contributes nothing
    ("no system data: fill by hand")."""
    out: dict[str, int] = {}
    try:
        from partyorg.confidence.models import Conference as Vote
        from partyorg.confidence.models import State as VoteState

        if _table_ready(Vote):
            out["confidence_votes_held"] = Vote.objects.filter(
                org_path__startswith=org.path, vote_date__gte=start, vote_date__lte=end,
                state__in=[VoteState.COUNTED, VoteState.REPORTED, VoteState.CLOSED]).count()
    except (ImportError, AttributeError, LookupError, FieldError):
        pass
    if start.month == 1 and end.month == 12:  # ratings are annual
        try:
            from partyorg.appraisal.models import LevelChoice, Rating, RatingCycle

            if _table_ready(Rating):
                levels = dict(Rating.objects.filter(
                    org_path__startswith=org.path, member__isnull=False, cycle__kind=RatingCycle.Kind.ANNUAL,
                    cycle__year=start.year).exclude(level="").values("level").annotate(n=Count("id"))
                    .values_list("level", "n"))
                if levels:  # no decided rating yet: the figures are filled by hand
                    for level in LevelChoice.values:
                        out[f"members_by_rating:{level}"] = levels.get(level, 0)
        except (ImportError, AttributeError, LookupError, FieldError):
            pass
    return out


# ---------------------------------------------------------------------------------------------
# Home page and reminders (DI-10)
# ---------------------------------------------------------------------------------------------


def open_items(*, actor: Any, today: date, orgs: list[Organization] | None = None) -> list[rules.Reminder]:
    """DI-10: open requirements addressed to the actor's organizations and their reports due, most
    overdue first (the domain decides what is open and what is highlighted)."""
    roots = orgs if orgs is not None else read_roots(actor=actor)
    if not roots:
        return []
    items: list[rules.OpenItem] = []
    rows = (Addressee.objects.filter(organization__in=roots, requirement__closed_on__isnull=True)
            .exclude(state=AddresseeState.SUBMITTED).select_related("requirement", "organization"))
    for a in rows:
        returned = a.returned_on if a.state == AddresseeState.RETURNED else None
        items.append(rules.OpenItem(f"req:{a.requirement_id}:{a.organization_id}", rules.ItemKind.REQUIREMENT,
                                    f"{a.requirement.title} – {a.organization.name}", a.requirement.deadline,
                                    _submission(a.submitted_on, returned, a.return_reason)))
    for org, t, period, due in _due_reports(actor=actor, roots=roots, today=today):
        r = PeriodicReport.objects.filter(template=t, organization=org, year=period.year, index=period.index).first()
        subs = _submission(r.submitted_on) if r is not None and r.state == ReportState.SUBMITTED else ()
        items.append(rules.OpenItem(f"rep:{t.pk}:{org.pk}:{period.year}:{period.index}", rules.ItemKind.REPORT,
                                    f"{t.name} {pick(period.label_vi, period.label_en)} – {org.name}", due, subs))
    return list(rules.reminders_for(items, today))


def _due_reports(*, actor: Any, roots: list[Organization], today: date):
    """(org, template, period, due date): the current period and the previous one of each template that
    applies to each root organization."""
    templates = list(template_qs(actor=actor).filter(active=True))
    for org in roots:
        for t in templates:
            if not template_applies_to(t, org) or not org.path.startswith(t.owner_path) or org.path == t.owner_path:
                continue
            kind = rules.PeriodKind(t.period_kind)
            for period in recent_periods(kind, today):
                yield org, t, period, period_deadline(t, period).due_on


def recent_periods(kind: rules.PeriodKind, today: date) -> list[rules.Period]:
    """The period containing ``today`` (if any) and the latest one that has ended."""
    years = (today.year - 1, today.year)
    periods = [p for y in years for p in rules.periods_in_year(kind, y) if p.start <= today]
    ended = [p for p in periods if p.end < today]
    out = ended[-1:]
    current = rules.period_containing(kind, today)
    if current is not None:
        out.append(current)
    return out


@dataclass
class IssuedRow:
    requirement: Requirement
    counts: Counts


@dataclass
class Dashboard:
    reminders: list[rules.Reminder]
    issued: list[IssuedRow]
    overdue: list[AddresseeRow]
    obstacles: list[ObstacleRow]
    open_obstacles: int
    report_rows: list[tuple[Organization, ReportTemplate, rules.Period, RollupView]]


def dashboard(*, actor: Any, today: date, limit: int = 6) -> Dashboard:
    """DI-10: what a commission sees first: its open items, the compliance of what it issued, overdue
    children, recent obstacles, and which children have sent the latest periodic reports."""
    roots = read_roots(actor=actor)
    scope = scope_for(actor)
    issued = list(requirement_list(actor=actor, issued=True, open_only=True)
                  .filter(issuer__in=roots)[:limit]) if roots else []
    counts = compliance_by_requirement(requirements=issued, actor=actor, today=today)
    overdue_qs = (Addressee.objects.filter(requirement__in=[r.pk for r in issued], requirement__deadline__lt=today)
                  .exclude(state=AddresseeState.SUBMITTED).select_related("organization", "requirement")
                  .order_by("requirement__deadline", "org_path")[:10])
    overdue = [AddresseeRow(a, addressee_status(a, a.requirement.deadline, today)) for a in overdue_qs]
    obstacles_qs = obstacle_qs(actor=actor).filter(scope.q("recipient_path")).order_by("answered_on", "-raised_on")
    report_rows = []
    templates = list(template_qs(actor=actor).filter(active=True))
    for org in roots:
        kids = active_children(org)
        for t in templates:
            if not org.path.startswith(t.owner_path) or not reporting_children(t, org, kids):
                continue
            ended = [p for p in recent_periods(rules.PeriodKind(t.period_kind), today) if p.end < today]
            for p in ended:
                report_rows.append((org, t, p, report_rollup(template=t, org=org, year=p.year, index=p.index,
                                                             today=today, children=kids)))
    return Dashboard(
        reminders=open_items(actor=actor, today=today, orgs=roots),
        issued=[IssuedRow(r, counts.get(r.pk, Counts())) for r in issued],
        overdue=overdue,
        obstacles=obstacle_rows(actor=actor, qs=obstacles_qs[:limit]),
        open_obstacles=obstacles_qs.filter(answered_on__isnull=True).count(),
        report_rows=report_rows[:limit],
    )
