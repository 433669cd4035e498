"""Writes of the annual review and rating (spec: annual-rating.md).

Every use case is one function ``<entity>_<action>(*, actor, ...)`` that opens one transaction, fetches what
it changes inside the actor's scope with the rows locked, asks the rating domain (partyorg.domain.rating)
for every decision, writes, and appends the audit event in the same transaction.

Who may do what (scopes: a role on an organization covers its subtree):

* open or close a cycle, set its meeting date: writers covering the cycle's organization;
* self-assess: the member themself, or writers covering the unit where the subject is reviewed;
* appraise and propose: writers covering the unit (the cell secretary for the cell's members); for a
  collective, writers covering the deciding authority (its advisory body);
* decide, announce, resolve mitigation, record re-verification, re-rate, record a quota exception:
  writers covering the deciding authority (AR-58).
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone

from partyorg.core.audit import audit_record
from partyorg.core.errors import (
    ErrorList,
    Forbidden,
    NotFoundOrForbidden,
    StateConflict,
    ValidationFailed,
)
from partyorg.core.scopes import scope_for
from partyorg.domain.directives import (
    DirectiveRuleError,
    DocumentSystem,
    NumberSymbolError,
    parse_number_symbol,
)
from partyorg.domain.rating import (
    DEFAULTS,
    Candidate,
    Classification,
    CollectiveKind,
    Defaults,
    Level,
    PeriodKind,
    RatingContext,
    RatingInputError,
    RuleSet,
    Status,
    SubjectType,
    apply_quota,
    classify,
    decide_level,
    ruleset_for_period,
)
from partyorg.domain.rating.eligibility import (
    MemberStatus as DomainMemberStatus,
)
from partyorg.domain.rating.eligibility import (
    StatusSpan,
    committee_review,
    cycle_can_close,
    reference_date,
    review_eligibility,
)
from partyorg.domain.rating.ordering import PartyOrganization, Prerequisite, decision_edges, decision_gate
from partyorg.domain.rating.process import (
    Action,
    DeadlineKind,
    RatingState,
    deadline,
    notification_recipients,
    on_time,
    quarterly_plan,
    transition,
)
from partyorg.domain.rating.quota import (
    RatedEntry,
    check_batch,
    peer_group_key,
    quota_ratio,
)
from partyorg.domain.rating.rerating import Ground, rerate
from partyorg.domain.rating.rerating import RatingVersion as DomainVersion
from partyorg.domain.rating.rerating import ReRatingDecision as DomainReRating
from partyorg.domain.rating.scoring import (
    Group,
    default_template,
    score_by_template,
    template_problems,
)
from partyorg.members.models import (
    ACTIVE_STATUSES,
    LEADERSHIP_TITLES,
    Member,
    MemberStatus,
    MemberStatusChange,
    Position,
)
from partyorg.organizations.models import Organization, OrgType

from . import facts as io
from .models import (
    Body,
    CriteriaTemplate,
    DisciplineForm,
    DisciplineRecord,
    LevelChoice,
    QuotaException,
    Rating,
    RatingCycle,
    RatingDecision,
    RatingTally,
    RatingVersion,
    ReRatingDecision,
    State,
    StatsReport,
    SubjectTypeChoice,
)

DECIDED_STATES = (State.DECIDED, State.ANNOUNCED)


def rating_defaults() -> Defaults:
    """The §18 defaults, with any overrides from ``settings.PARTYORG_RATING_DEFAULTS`` (a dict)."""
    overrides = getattr(settings, "PARTYORG_RATING_DEFAULTS", None) or {}
    return replace(DEFAULTS, **overrides) if overrides else DEFAULTS


def _err(exc: RatingInputError, prefix: str = "") -> ValidationFailed:
    name = f"{prefix}{exc.field}" if prefix else exc.field
    return ValidationFailed(f"{name}: {exc.message_vi}", f"{name}: {exc.message_en}", field=name)


def _now() -> dt.datetime:
    return timezone.now()


def _today(today: dt.date | None) -> dt.date:
    return today or timezone.localdate()


# ---------------------------------------------------------------------------------------------------
# Confidence votes (AR-23(b)): read the confidence-vote module when it exists, else the manual entry


@dataclass(frozen=True)
class LowConfidence:
    value: bool | None
    source: str


def low_confidence_for(*, member_id: int | None, year: int, manual: bool | None = None,
                       source: str = "") -> LowConfidence:
    """Whether more than half of the ballots of the member's confidence vote in ``year`` were low
    (CV-34, used by AR-23(b)). Reads ``partyorg.confidence.selectors.low_confidence_over_half`` when that
    module exists and knows a vote; otherwise the manual entry with its noted source."""
    if member_id is not None:
        try:
            from partyorg.confidence.selectors import (  # type: ignore[import-not-found]
                low_confidence_over_half,
            )
        except ImportError:
            low_confidence_over_half = None
        if low_confidence_over_half is not None:
            value = low_confidence_over_half(member_id, year)
            if value is not None:
                return LowConfidence(bool(value), "Kết quả lấy phiếu tín nhiệm (phân hệ tín nhiệm)")
    return LowConfidence(manual, source.strip() if manual is not None else "")


# ---------------------------------------------------------------------------------------------------
# Access


def _visible(actor: Any, r: Rating) -> bool:
    scope = scope_for(actor)
    return scope.covers_path(r.org_path) or (r.member_id is not None and r.member_id == scope.own_member_id)


def _require(actor: Any, r: Rating, path: str) -> None:
    if not _visible(actor, r):
        raise NotFoundOrForbidden()
    if not scope_for(actor).covers_path(path, write=True):
        raise Forbidden()


def _lock_rating(actor: Any, rating_id: int) -> Rating:
    r = Rating.objects.select_for_update().filter(pk=rating_id).first()
    if r is None or not _visible(actor, r):
        raise NotFoundOrForbidden()
    return r


def can_self_assess(actor: Any, r: Rating) -> bool:
    scope = scope_for(actor)
    own = r.member_id is not None and r.member_id == scope.own_member_id
    return own or scope.covers_path(r.org_path, write=True)


def appraiser_path(r: Rating) -> str:
    """Individuals are appraised and proposed where they are reviewed (the cell); a collective by the
    advisory body of its deciding authority."""
    return r.decider_path if r.is_collective else r.org_path


def _org_for_write(actor: Any, org_id: int) -> Organization:
    org = Organization.objects.filter(pk=org_id).first()
    scope = scope_for(actor)
    if org is None or not scope.covers_path(org.path):
        raise NotFoundOrForbidden()
    if not scope.covers_path(org.path, write=True):
        raise Forbidden()
    return org


def _period(label: str) -> io.PeriodRef:
    ref = io.parse_period(label)
    if ref is None:
        raise ValidationFailed("Kỳ đánh giá không hợp lệ (vd 2025 hoặc 2026-Q1).",
                               "Invalid period (e.g. 2025 or 2026-Q1).", field="period")
    return ref


def _transition(r: Rating, action: Action, **kw: Any) -> str:
    try:
        return transition(RatingState(r.state), action, **kw).value
    except RatingInputError as exc:
        raise StateConflict(f"{r.name}: {exc.message_vi}", f"{r.name}: {exc.message_en}", field=exc.field)


def _snapshot(r: Rating) -> dict[str, Any]:
    return {"state": r.state, "proposed": r.proposed, "level": r.level, "class_status": r.class_status,
            "score_total_x10": r.score_total_x10, "version": r.current_version}


# ---------------------------------------------------------------------------------------------------
# Criteria templates (AR-15, AR-16)


@dataclass(frozen=True)
class CriterionInput:
    code: str
    group: str  # "general" | "tasks"
    max_points: Decimal
    title: str


def _criteria_json(items: Sequence[CriterionInput]) -> list[dict[str, Any]]:
    out = []
    for c in items:
        tenths = Decimal(c.max_points) * 10
        out.append({"code": c.code.strip(), "group": c.group, "max_x10": int(tenths), "title": c.title.strip()})
    return out


def _default_template(subject_type: str) -> CriteriaTemplate:
    """The system default (AR-16), stored once with an empty issuer."""
    existing = CriteriaTemplate.objects.filter(issuer_path="", subject_type=subject_type).order_by("-version").first()
    if existing is not None:
        return existing
    t = default_template(SubjectType(subject_type), issuer="default")
    criteria = [{"code": c.code, "group": c.group.value, "max_x10": c.max_x10, "title": c.title_vi}
                for c in t.criteria]
    try:
        with transaction.atomic():
            return CriteriaTemplate.objects.create(
                issuer=None, issuer_path="", subject_type=subject_type, version=1, form=t.form,
                title=f"Khung tiêu chí mặc định – {SubjectTypeChoice(subject_type).label}", criteria=criteria)
    except IntegrityError:  # created concurrently
        return CriteriaTemplate.objects.get(issuer_path="", subject_type=subject_type, version=1)


def template_for(org_path: str, subject_type: str) -> CriteriaTemplate:
    """The latest template of the nearest issuing committee above or at ``org_path``, else the default."""
    from partyorg.domain.tree import ancestor_paths

    paths = [*ancestor_paths(org_path), org_path]
    rows = list(CriteriaTemplate.objects.filter(issuer_path__in=paths, subject_type=subject_type)
                .order_by("-issuer_path", "-version")[:1])
    return rows[0] if rows else _default_template(subject_type)


def template_create(*, actor: Any, issuer_id: int, subject_type: str, title: str,
                    criteria: Sequence[CriterionInput]) -> CriteriaTemplate:
    """AR-15: a new version of an issuing committee's template; maxima must sum to exactly 30 and 70."""
    if subject_type not in SubjectTypeChoice.values:
        raise ValidationFailed("Loại đối tượng không hợp lệ.", "Unknown subject type.", field="subject_type")
    errors = ErrorList()
    if not title.strip():
        errors.add("title", "Cần tên mẫu tiêu chí.", "The template needs a title.")
    for i, c in enumerate(criteria):
        if c.group not in ("general", "tasks"):
            errors.add(f"criteria[{i}].group", "Nhóm phải là chung hoặc kết quả nhiệm vụ.",
                       "Group must be general or tasks.")
        if not c.code.strip() or not c.title.strip():
            errors.add(f"criteria[{i}]", "Mỗi tiêu chí cần mã và nội dung.", "Each criterion needs a code and a title.")
        try:
            if (Decimal(c.max_points) * 10) % 1:
                errors.add(f"criteria[{i}].max_points", "Tối đa một chữ số thập phân.", "At most one decimal.")
        except InvalidOperation:
            errors.add(f"criteria[{i}].max_points", "Phải là số.", "Must be a number.")
    errors.raise_if_any()
    data = _criteria_json(criteria)
    problems = template_problems(io.template_domain(data))
    if problems:
        raise ValidationFailed(
            "Mẫu tiêu chí không hợp lệ (AR-15): nhóm tiêu chí chung phải đúng 30 điểm, nhóm kết quả nhiệm vụ "
            "đúng 70 điểm, mã không trùng. " + "; ".join(problems),
            "Invalid template (AR-15): " + "; ".join(problems), field="criteria")
    form = default_template(SubjectType(subject_type)).form
    with transaction.atomic():
        issuer = _org_for_write(actor, issuer_id)
        Organization.objects.select_for_update().filter(pk=issuer.pk).first()
        last = CriteriaTemplate.objects.filter(issuer_path=issuer.path, subject_type=subject_type).order_by(
            "-version").first()
        t = CriteriaTemplate.objects.create(
            issuer=issuer, issuer_path=issuer.path, subject_type=subject_type, version=(last.version + 1) if last else 1,
            form=form, title=title.strip(), criteria=data, created_by_id=getattr(actor, "pk", None))
        audit_record(actor=actor, action="appraisal.template.create", target=t, org_path=issuer.path,
                     after={"subject_type": subject_type, "version": t.version, "criteria": data})
        return t


# ---------------------------------------------------------------------------------------------------
# Registry -> subjects (AR-3, AR-4, AR-5, AR-7, AR-8, AR-13, AR-31, AR-58)

GRASSROOTS_TYPES = {OrgType.GRASSROOTS_COMMITTEE, OrgType.GRASSROOTS_CELL}
COMMITTEE_TYPES = {OrgType.PROVINCIAL, OrgType.DISTRICT, OrgType.GRASSROOTS_COMMITTEE, OrgType.PARTIAL_COMMITTEE}
LEADERSHIP_TYPES = {OrgType.PARTY_DELEGATION, OrgType.CADRE_AFFAIRS}


def collective_bodies(org: Organization, full_members: int) -> list[tuple[str, CollectiveKind]]:
    """The collectives of one organization that are reviewed (AR-3, AR-8)."""
    t = org.org_type
    if t == OrgType.CENTRAL:
        return [(Body.STANDING, CollectiveKind.POLITBURO_SECRETARIAT)]
    if t == OrgType.PROVINCIAL:
        return [(Body.ORGANIZATION, CollectiveKind.PROVINCIAL_STANDING_COMMITTEE),
                (Body.STANDING, CollectiveKind.PROVINCIAL_STANDING_COMMITTEE)]
    if t == OrgType.DISTRICT:
        return [(Body.ORGANIZATION, CollectiveKind.ABOVE_GRASSROOTS_STANDING_COMMITTEE),
                (Body.STANDING, CollectiveKind.ABOVE_GRASSROOTS_STANDING_COMMITTEE)]
    if t in (OrgType.GRASSROOTS_COMMITTEE, OrgType.PARTIAL_COMMITTEE):
        return [(Body.ORGANIZATION, CollectiveKind.GRASSROOTS_EXECUTIVE_COMMITTEE),
                (Body.COMMITTEE, CollectiveKind.GRASSROOTS_EXECUTIVE_COMMITTEE)]
    if t in (OrgType.GRASSROOTS_CELL, OrgType.CELL):
        kind = CollectiveKind.GRASSROOTS_CELL if t == OrgType.GRASSROOTS_CELL else CollectiveKind.SUBORDINATE_CELL
        bodies = [(Body.ORGANIZATION, kind)]
        if committee_review(is_cell=True, full_members=full_members).committee_is_subject:
            bodies.append((Body.COMMITTEE, kind))
        return bodies
    if t == OrgType.CADRE_AFFAIRS:
        return [(Body.LEADERSHIP, CollectiveKind.STATE_BODY)]
    if t == OrgType.PARTY_DELEGATION:
        return [(Body.LEADERSHIP, CollectiveKind.MASS_ORGANIZATION)]
    return []  # party groups (tổ đảng) are not reviewed as collectives


def _body_label(body: str, org: Organization) -> str:
    if body == Body.ORGANIZATION:
        return org.name
    if body == Body.COMMITTEE:
        return f"{'Chi ủy' if org.is_cell else 'Ban Chấp hành'} {org.name}"
    if body == Body.STANDING:
        return f"Ban Thường vụ {org.name}" if org.org_type != OrgType.CENTRAL else "Bộ Chính trị, Ban Bí thư"
    return f"Tập thể lãnh đạo {org.name}"


class _Tree:
    """Organizations by path, for deciders (AR-58) and grassroots organizations."""

    def __init__(self, orgs: Iterable[Organization]) -> None:
        self.by_path = {o.path: o for o in orgs}

    def ancestors(self, org: Organization) -> list[Organization]:
        from partyorg.domain.tree import ancestor_paths

        missing = [p for p in ancestor_paths(org.path) if p not in self.by_path]
        if missing:
            for o in Organization.objects.filter(path__in=missing):
                self.by_path[o.path] = o
        return [self.by_path[p] for p in reversed(ancestor_paths(org.path)) if p in self.by_path]

    def grassroots_of(self, org: Organization) -> Organization:
        for o in [org, *self.ancestors(org)]:
            if o.org_type in GRASSROOTS_TYPES:
                return o
        parents = self.ancestors(org)
        return parents[0] if parents else org

    def decider_of_collective(self, org: Organization) -> Organization:
        """AR-58: a subordinate cell and a section organization -> the grassroots committee; a grassroots
        organization -> the standing committee directly above; above grassroots -> the province; a province
        -> the Politburo/Secretariat (the central level); the central level reviews itself."""
        parents = self.ancestors(org)
        if not parents:
            return org
        if org.org_type in (OrgType.CELL, OrgType.PARTIAL_COMMITTEE):
            for o in parents:
                if o.org_type in GRASSROOTS_TYPES:
                    return o
        return parents[0]


def _status_spans(history: list[MemberStatusChange]) -> tuple[StatusSpan, ...]:
    mapping = {MemberStatus.EXEMPTED: DomainMemberStatus.EXEMPT, MemberStatus.SUSPENDED: DomainMemberStatus.SUSPENDED}
    spans = []
    ordered = sorted(history, key=lambda h: (h.effective_on, h.pk))
    for i, h in enumerate(ordered):
        status = mapping.get(h.to_status, DomainMemberStatus.ACTIVE)
        end = ordered[i + 1].effective_on - dt.timedelta(days=1) if i + 1 < len(ordered) else None
        spans.append(StatusSpan(status, h.effective_on, end))
    return tuple(spans)


def _group_key(rule_set: RuleSet, *, decider: Organization, subject_type: str, role_class: str,
               cell: Organization | None, grassroots: Organization | None, defaults: Defaults) -> str:
    key = peer_group_key(rule_set, deciding_authority=str(decider.pk), subject_type=SubjectType(subject_type),
                         role_class=role_class, cell=str(cell.pk) if cell else None,
                         grassroots_org=str(grassroots.pk) if grassroots else None, defaults=defaults)
    return "|".join(key)


@dataclass
class CycleInput:
    year: int
    meeting_on: dt.date
    quarter: int | None = None
    legacy_qd132: bool = False
    special_unit: bool = False
    deadline_rating: dt.date | None = None


def _deadlines(ref: io.PeriodRef, data: CycleInput, defaults: Defaults) -> dict[str, dt.date | None]:
    """AR-61 (annual) and AR-62 (quarterly) dates D of "before D"."""
    if ref.quarter is not None:
        plan = quarterly_plan(ref.year, ref.quarter, managed_by_politburo=True, defaults=defaults)
        return {"deadline_rating": data.deadline_rating or plan.report_before, "deadline_special": None,
                "deadline_form04": None, "deadline_state": None}
    return {
        "deadline_rating": data.deadline_rating or deadline(DeadlineKind.PARTY_RATING, ref.year),
        "deadline_special": deadline(DeadlineKind.SPECIAL_UNIT, ref.year),
        "deadline_form04": deadline(DeadlineKind.FORM_04, ref.year),
        "deadline_state": deadline(DeadlineKind.STATE_RATING, ref.year),
    }


def cycle_open(*, actor: Any, org_id: int, data: CycleInput) -> RatingCycle:
    """Open the cycle of one organization's subtree for one period and generate its subjects from the
    registry: collectives (AR-3, AR-8), members and leaders (AR-4, AR-13) with the excluded ones listed
    with their reasons (AR-4, AR-5). The rule set follows the period (AR-1) and is stored."""
    defaults = rating_defaults()
    ref = io.PeriodRef(data.year, data.quarter)
    errors = ErrorList()
    if data.quarter is not None and data.quarter not in (1, 2, 3, 4):
        errors.add("quarter", "Quý phải từ 1 đến 4.", "The quarter must be 1 to 4.")
    errors.raise_if_any()
    if data.legacy_qd132:
        if not 2018 <= data.year <= 2022 or data.quarter is not None:
            raise ValidationFailed("Bộ quy tắc QĐ 132 chỉ dùng cho dữ liệu cuối năm 2018–2022 (AR-1).",
                                   "QD132 applies to annual data of 2018-2022 only (AR-1).", field="legacy_qd132")
        defaults = replace(defaults, qd132_enabled=True)
    try:
        if ref.quarter is None:
            choice = ruleset_for_period(PeriodKind.ANNUAL, ref.year, defaults=defaults)
        else:
            plan = quarterly_plan(ref.year, ref.quarter, managed_by_politburo=True, defaults=defaults)
            if not plan.evaluated:
                raise ValidationFailed(
                    f"Quý {ref.quarter}/{ref.year} không đánh giá riêng: quý IV gộp vào đánh giá cuối năm, và đánh "
                    f"giá hằng quý bắt đầu từ {defaults.quarterly_start} (AR-62).",
                    f"Q{ref.quarter} {ref.year} is not evaluated on its own: Q4 folds into the year-end rating and "
                    f"quarterly evaluation starts at {defaults.quarterly_start} (AR-62).", field="quarter")
            choice = ruleset_for_period(PeriodKind.QUARTERLY, ref.year, start=ref.period.start, defaults=defaults)
    except RatingInputError as exc:
        raise _err(exc, "")
    with transaction.atomic():
        org = _org_for_write(actor, org_id)
        Organization.objects.select_for_update().filter(pk=org.pk).first()
        if org.dissolved_on is not None:
            raise ValidationFailed("Tổ chức đã giải thể.", "The organization is dissolved.", field="org")
        same = RatingCycle.objects.filter(period_label=ref.label)
        if same.filter(organization=org).exists():
            raise StateConflict(f"Đã có đợt đánh giá {ref.label} của {org.name}.",
                                f"{org.name} already has a {ref.label} cycle.", field="period")
        from partyorg.domain.tree import ancestor_paths

        above = same.filter(org_path__in=ancestor_paths(org.path)).select_related("organization").first()
        if above is not None:
            raise StateConflict(
                f"{org.name} đã thuộc đợt đánh giá {ref.label} của {above.organization.name} (AR-13: mỗi đối tượng "
                "chỉ có một lần xếp loại trong một kỳ).",
                f"{org.name} is already covered by the {ref.label} cycle of {above.organization.name} (AR-13).",
                field="period")
        covered = list(same.filter(org_path__startswith=org.path).values_list("org_path", flat=True))
        dl = _deadlines(ref, data, defaults)
        cycle = RatingCycle.objects.create(
            organization=org, org_path=org.path, kind=RatingCycle.Kind.ANNUAL if ref.quarter is None
            else RatingCycle.Kind.QUARTERLY, year=ref.year, quarter=ref.quarter, period_label=ref.label,
            rule_set=choice.rule_set.value,
            rule_set_trace={"rules": list(choice.rules), "defaults_applied": [
                {"rule": d.rule, "name": d.name, "value": d.value} for d in choice.defaults_applied]},
            meeting_on=data.meeting_on, special_unit=data.special_unit, opened_by_id=getattr(actor, "pk", None),
            **dl)
        summary = _generate_subjects(cycle, org, covered, defaults)
        cycle.generation = summary
        cycle.save(update_fields=["generation", "templates"])
        audit_record(actor=actor, action="appraisal.cycle.open", target=cycle, org_path=org.path,
                     after={"period": ref.label, "rule_set": cycle.rule_set, **summary})
        return cycle


def _generate_subjects(cycle: RatingCycle, root: Organization, covered: list[str], defaults: Defaults) -> dict:
    rule_set = RuleSet(cycle.rule_set)
    quarterly = cycle.quarter is not None
    orgs = [o for o in Organization.objects.filter(path__startswith=root.path, dissolved_on__isnull=True)
            .order_by("path") if not any(o.path.startswith(c) for c in covered)]
    tree = _Tree(orgs)
    existing = set(Rating.objects.filter(period_label=cycle.period_label).values_list("subject_key", flat=True))
    full_counts = dict(Member.objects.filter(org_path__startswith=root.path, status=MemberStatus.OFFICIAL)
                       .values("cell_id").annotate(n=Count("id")).values_list("cell_id", "n"))
    templates: dict[str, int] = {}

    def template_id(subject_type: str) -> int:
        if subject_type not in templates:
            templates[subject_type] = template_for(root.path, subject_type).pk
        return templates[subject_type]

    rows: list[Rating] = []
    skipped: list[str] = []

    def add(r: Rating) -> None:
        if r.subject_key in existing:
            skipped.append(r.name)
            return
        existing.add(r.subject_key)
        rows.append(r)

    if not quarterly:
        for o in orgs:
            for body, kind in collective_bodies(o, full_counts.get(o.pk, 0)):
                decider = tree.decider_of_collective(o)
                role_class = f"{body}:{kind.value}"
                add(Rating(
                    cycle=cycle, period_label=cycle.period_label, rule_set=cycle.rule_set,
                    subject_key=f"o:{o.pk}:{body}", unit=o, body=body, name=_body_label(body, o),
                    sort_key=f"0{o.path}{body}", org_path=o.path, subject_type=SubjectTypeChoice.COLLECTIVE,
                    collective_kind=kind.value, role_class=role_class, decider=decider, decider_path=decider.path,
                    peer_group=_group_key(rule_set, decider=decider, subject_type="collective", role_class=role_class,
                                          cell=None, grassroots=tree.grassroots_of(o), defaults=defaults),
                    template_id=template_id(SubjectTypeChoice.COLLECTIVE)))
    # individuals
    org_by_id = {o.pk: o for o in orgs}
    members = Member.objects.filter(org_path__startswith=root.path, status__in=ACTIVE_STATUSES, cell_id__in=list(org_by_id))
    positions: dict[int, list[Position]] = defaultdict(list)
    for p in (Position.objects.filter(end_on__isnull=True, member__org_path__startswith=root.path)
              .select_related("managing_authority")):
        positions[p.member_id].append(p)
    histories: dict[int, list[MemberStatusChange]] = defaultdict(list)
    flagged = set(MemberStatusChange.objects.filter(
        member__org_path__startswith=root.path,
        to_status__in=[MemberStatus.EXEMPTED, MemberStatus.SUSPENDED]).values_list("member_id", flat=True))
    for h in MemberStatusChange.objects.filter(member_id__in=flagged):
        histories[h.member_id].append(h)
    ref_day = reference_date(year=cycle.year, meeting_date=cycle.meeting_on, decision_date=cycle.meeting_on,
                             defaults=defaults)
    excluded_counts: dict[str, int] = defaultdict(int)
    for m in members.iterator(chunk_size=2000):
        cell = org_by_id[m.cell_id]
        held = positions.get(m.pk, [])
        central = any(p.managing_authority is not None and p.managing_authority.org_type == OrgType.CENTRAL
                      for p in held)
        if quarterly and not central:
            continue
        leader = central or any(p.title in LEADERSHIP_TITLES for p in held)
        subject_type = (SubjectTypeChoice.LEADER_CENTRAL if central else
                        SubjectTypeChoice.LEADER if leader else SubjectTypeChoice.NON_LEADER)
        role_class = "leader" if leader else "member"
        spans = _status_spans(histories.get(m.pk, [])) if m.pk in histories else ()
        status = None
        if not spans and m.status in (MemberStatus.EXEMPTED, MemberStatus.SUSPENDED):
            status = DomainMemberStatus.EXEMPT if m.status == MemberStatus.EXEMPTED else DomainMemberStatus.SUSPENDED
        elig = review_eligibility(admitted_on=m.admitted_on, reference=ref_day, statuses=spans, status=status,
                                  defaults=defaults)
        if elig.reason is not None:
            excluded_counts[elig.reason.value] += 1
        grassroots = tree.grassroots_of(cell)
        decider = grassroots
        add(Rating(
            cycle=cycle, period_label=cycle.period_label, rule_set=cycle.rule_set, subject_key=f"m:{m.pk}",
            member=m, unit=cell, name=m.full_name, sort_key=f"1{cell.path}{m.sort_key}", org_path=cell.path,
            subject_type=subject_type, role_class=role_class, decider=decider, decider_path=decider.path,
            peer_group=_group_key(rule_set, decider=decider, subject_type=subject_type, role_class=role_class,
                                  cell=cell, grassroots=grassroots, defaults=defaults),
            excluded=elig.reason.value if elig.reason else "",
            exclusion_trace={"reference_date": elig.reference_date.isoformat(), "rules": list(elig.rules),
                             "defaults_applied": [{"rule": d.rule, "name": d.name, "value": d.value}
                                                  for d in elig.defaults_applied]},
            template_id=template_id(subject_type)))
    Rating.objects.bulk_create(rows, batch_size=2000)
    cycle.templates = dict(templates)
    tally_refresh(cycle.period_label, {r.unit_id for r in rows})
    return {"subjects": len(rows), "collectives": sum(1 for r in rows if r.member_id is None),
            "individuals": sum(1 for r in rows if r.member_id is not None), "excluded": dict(excluded_counts),
            "skipped_other_cycle": skipped[:50], "skipped_count": len(skipped), "covered_by_other_cycles": covered,
            "reference_date": ref_day.isoformat()}


def cycle_set_meeting_date(*, actor: Any, cycle_id: int, meeting_on: dt.date) -> RatingCycle:
    """Change the reference meeting date (AR-5) and re-read every undecided member's eligibility on it."""
    defaults = rating_defaults()
    with transaction.atomic():
        cycle = RatingCycle.objects.select_for_update().filter(pk=cycle_id).first()
        if cycle is None or not scope_for(actor).covers_path(cycle.org_path):
            raise NotFoundOrForbidden()
        _org_for_write(actor, cycle.organization_id)
        if cycle.status != RatingCycle.Status.OPEN:
            raise StateConflict("Đợt đánh giá đã kết thúc.", "The cycle is closed.")
        old = cycle.meeting_on
        cycle.meeting_on = meeting_on
        cycle.save(update_fields=["meeting_on"])
        ref_day = reference_date(year=cycle.year, meeting_date=meeting_on, decision_date=meeting_on, defaults=defaults)
        ratings = list(Rating.objects.select_for_update().filter(cycle=cycle, member__isnull=False)
                       .exclude(state__in=DECIDED_STATES).select_related("member"))
        ids = [r.member_id for r in ratings]
        histories: dict[int, list[MemberStatusChange]] = defaultdict(list)
        for h in MemberStatusChange.objects.filter(member_id__in=ids):
            histories[h.member_id].append(h)
        changed = 0
        for r in ratings:
            elig = review_eligibility(admitted_on=r.member.admitted_on, reference=ref_day,
                                      statuses=_status_spans(histories.get(r.member_id, [])), defaults=defaults)
            value = elig.reason.value if elig.reason else ""
            if value != r.excluded:
                r.excluded = value
                r.exclusion_trace = {"reference_date": ref_day.isoformat(), "rules": list(elig.rules),
                                     "defaults_applied": [{"rule": d.rule, "name": d.name, "value": d.value}
                                                          for d in elig.defaults_applied]}
                r.save(update_fields=["excluded", "exclusion_trace", "updated_at"])
                changed += 1
        tally_refresh(cycle.period_label, {r.unit_id for r in ratings})
        audit_record(actor=actor, action="appraisal.cycle.meeting_date", target=cycle, org_path=cycle.org_path,
                     before={"meeting_on": old.isoformat()},
                     after={"meeting_on": meeting_on.isoformat(), "eligibility_changed": changed})
        return cycle


def cycle_close(*, actor: Any, cycle_id: int) -> RatingCycle:
    """AR-6: a cycle closes only when every reviewed subject has a decided level."""
    with transaction.atomic():
        cycle = RatingCycle.objects.select_for_update().filter(pk=cycle_id).first()
        if cycle is None or not scope_for(actor).covers_path(cycle.org_path):
            raise NotFoundOrForbidden()
        _org_for_write(actor, cycle.organization_id)
        if cycle.status == RatingCycle.Status.CLOSED:
            raise StateConflict("Đợt đánh giá đã kết thúc.", "The cycle is already closed.")
        decided = {r.name + f" #{r.pk}": (Level(r.level) if r.state in DECIDED_STATES and r.level else None)
                   for r in Rating.objects.filter(cycle=cycle, excluded="").only("pk", "name", "state", "level")}
        check = cycle_can_close(decided)
        if not check.ok:
            shown = ", ".join(x.rsplit(" #", 1)[0] for x in check.undecided[:10])
            more = f" (và {len(check.undecided) - 10} đối tượng khác)" if len(check.undecided) > 10 else ""
            raise StateConflict(f"Chưa thể kết thúc đợt (AR-6): còn {len(check.undecided)} đối tượng chưa có quyết "
                                f"định xếp loại: {shown}{more}.",
                                f"Cannot close (AR-6): {len(check.undecided)} subjects undecided.")
        cycle.status = RatingCycle.Status.CLOSED
        cycle.closed_at = _now()
        cycle.save(update_fields=["status", "closed_at"])
        audit_record(actor=actor, action="appraisal.cycle.close", target=cycle, org_path=cycle.org_path,
                     after={"status": "closed", "rules": list(check.rules)})
        return cycle


def rating_set_subject_type(*, actor: Any, rating_id: int, subject_type: str) -> Rating:
    """Correct an individual's subject type (leader, non-leader, outside the political system) before the
    self-assessment; the frame, template and peer group follow (AR-7, AR-31)."""
    if subject_type not in SubjectTypeChoice.values or subject_type == SubjectTypeChoice.COLLECTIVE:
        raise ValidationFailed("Loại đối tượng không hợp lệ.", "Unknown subject type.", field="subject_type")
    with transaction.atomic():
        r = _lock_rating(actor, rating_id)
        _require(actor, r, r.org_path)
        if r.member_id is None:
            raise ValidationFailed("Chỉ đổi loại cho cá nhân.", "Only individuals change type.", field="subject_type")
        if r.state != State.DRAFT:
            raise StateConflict("Chỉ đổi loại đối tượng khi chưa tự đánh giá.",
                                "The type changes only before the self-assessment.", field="subject_type")
        old = r.subject_type
        role_class = "leader" if subject_type in (SubjectTypeChoice.LEADER, SubjectTypeChoice.LEADER_CENTRAL) else "member"
        tree = _Tree([])
        r.subject_type, r.role_class = subject_type, role_class
        r.peer_group = _group_key(RuleSet(r.rule_set), decider=r.decider, subject_type=subject_type,
                                  role_class=role_class, cell=r.unit, grassroots=tree.grassroots_of(r.unit),
                                  defaults=rating_defaults())
        r.template = template_for(r.cycle.org_path, subject_type)
        r.save()
        tally_refresh(r.period_label, {r.unit_id})
        audit_record(actor=actor, action="appraisal.rating.subject_type", target=r, org_path=r.org_path,
                     before={"subject_type": old}, after={"subject_type": subject_type, "peer_group": r.peer_group})
        return r


# ---------------------------------------------------------------------------------------------------
# Self-assessment (Mẫu 01, 2A, 2B, 2C)


@dataclass
class SelfAssessmentInput:
    criteria_points: dict[str, Decimal] = field(default_factory=dict)  # QD366: code -> points (one decimal)
    grades: dict[str, str] = field(default_factory=dict)  # QD124: code -> grade, "task" -> grade
    assessed_level: str = ""  # QD132
    tasks_total: int | None = None
    tasks_done: int | None = None
    tasks_on_time: int | None = None
    tasks_exceeded: int | None = None
    shortcomings_found: int = 0
    shortcomings_remedied: int = 0
    self_level: str = ""
    self_report: str = ""
    report_shared_on: dt.date | None = None
    review_meeting_on: dt.date | None = None


def _points_x10(value: Decimal, name: str) -> int:
    try:
        tenths = Decimal(value) * 10
    except InvalidOperation:
        raise ValidationFailed(f"{name}: phải là số.", f"{name}: must be a number.", field=name)
    if tenths != tenths.to_integral_value():
        raise ValidationFailed(f"{name}: tối đa một chữ số thập phân.", f"{name}: at most one decimal place.",
                               field=name)
    return int(tenths)


def rating_self_assess(*, actor: Any, rating_id: int, data: SelfAssessmentInput) -> Rating:
    """Record (or correct, until appraised) the self-assessment: scores per criterion of the template
    (AR-14, AR-15), task counts (T, D, O, E), remedied shortcomings (P, Pf), proposed level, report."""
    with transaction.atomic():
        r = _lock_rating(actor, rating_id)
        if not can_self_assess(actor, r):
            raise Forbidden()
        if r.excluded:
            raise StateConflict("Đối tượng không thuộc diện kiểm điểm (AR-4).", "The subject is not reviewed (AR-4).")
        if r.state not in (State.DRAFT, State.SELF_ASSESSED):
            raise StateConflict(f"Không thể tự đánh giá khi đang ở trạng thái «{State(r.state).label}».",
                                f"Cannot self-assess in state '{r.state}'.", field="state")
        before = _snapshot(r)
        errors = ErrorList()
        if data.self_level and data.self_level not in LevelChoice.values:
            errors.add("self_level", "Mức tự xếp loại không hợp lệ.", "Unknown level.")
        for name in ("tasks_total", "tasks_done", "tasks_on_time", "tasks_exceeded"):
            value = getattr(data, name)
            if r.rule_set != RuleSet.QD132.value and value is None:
                errors.add(name, "Bắt buộc.", "Required.")
            if value is not None and value < 0:
                errors.add(name, "Không được âm.", "Must not be negative.")
        errors.raise_if_any()
        try:
            from partyorg.domain.rating import Shortcomings, TaskCounts

            if data.tasks_total is not None:
                TaskCounts(data.tasks_total, data.tasks_done or 0, data.tasks_on_time or 0, data.tasks_exceeded or 0)
            Shortcomings(data.shortcomings_found, data.shortcomings_remedied)
        except RatingInputError as exc:
            raise _err(exc)
        r.criteria_scores, r.grades, r.assessed_level = {}, {}, ""
        if r.rule_set == RuleSet.QD366.value:
            template = r.template or template_for(r.org_path, r.subject_type)
            points = {code: _points_x10(v, f"criteria.{code}") for code, v in data.criteria_points.items()}
            try:
                score = score_by_template(io.template_domain(template.criteria), points)
            except RatingInputError as exc:
                raise _err(exc)
            r.criteria_scores = points
            r.score_general_x10, r.score_tasks_x10, r.score_total_x10 = (score.general_x10, score.tasks_x10,
                                                                         score.total_x10)
        elif r.rule_set == RuleSet.QD124.value:
            allowed = {"excellent", "good", "average", "poor"}
            template = r.template or template_for(r.org_path, r.subject_type)
            codes = [c["code"] for c in template.criteria if c["group"] == Group.GENERAL.value] + ["task"]
            for code in codes:
                if data.grades.get(code) not in allowed:
                    errors.add(f"grades.{code}", "Cần xếp loại tiêu chí (Xuất sắc, Tốt, Trung bình, Kém).",
                               "A grade is required (excellent, good, average, poor).")
            errors.raise_if_any()
            r.grades = {code: data.grades[code] for code in codes}
            r.score_general_x10 = r.score_tasks_x10 = r.score_total_x10 = None
        else:
            if data.assessed_level not in LevelChoice.values:
                raise ValidationFailed("Cần mức đánh giá theo tiêu chí (QĐ 132).",
                                       "The assessed level is required (QD132).", field="assessed_level")
            r.assessed_level = data.assessed_level
        r.tasks_total, r.tasks_done, r.tasks_on_time, r.tasks_exceeded = (
            data.tasks_total, data.tasks_done, data.tasks_on_time, data.tasks_exceeded)
        r.shortcomings_found, r.shortcomings_remedied = data.shortcomings_found, data.shortcomings_remedied
        r.self_level, r.self_report = data.self_level, data.self_report.strip()
        if r.is_collective:
            r.report_shared_on, r.review_meeting_on = data.report_shared_on, data.review_meeting_on
        if r.state == State.DRAFT:
            r.state = _transition(r, Action.SELF_ASSESS)
        r.self_assessed_at, r.self_assessed_by_id = _now(), getattr(actor, "pk", None)
        r.save()
        tally_refresh(r.period_label, {r.unit_id})
        audit_record(actor=actor, action="appraisal.rating.self_assess", target=r, org_path=r.org_path,
                     before=before, after={**_snapshot(r), "tasks": [r.tasks_total, r.tasks_done, r.tasks_on_time,
                                                                      r.tasks_exceeded],
                                           "self_level": r.self_level})
        return r


# ---------------------------------------------------------------------------------------------------
# Classification (AR-28): facts of a rating with its disciplines


def _discipline_inputs(r: Rating, ctx: RatingContext) -> io.DisciplineInputs:
    """The discipline records that concern this subject, counted in the period by the domain (AR-49..AR-51).

    Individual: the member's own decisions. Collective 'organization': its members' decisions (counted
    against the unit where the act took place: any unit inside this organization is "here") and the
    decisions on its directly subordinate organizations. A committee or leadership collective: the
    decisions on the members holding posts in it (its leadership members)."""
    years = {ctx.period.start.year, ctx.period.end.year}
    if r.member_id is not None:
        own = DisciplineRecord.objects.filter(member_id=r.member_id, counted_year__in=years)
        return io.DisciplineInputs(own=tuple(io.discipline_domain(d) for d in own))
    unit = r.unit
    if r.body == Body.ORGANIZATION:
        recs = (DisciplineRecord.objects.filter(member__isnull=False, counted_year__in=years)
                .filter(Q(member__org_path__startswith=unit.path) | Q(unit_at_act__path__startswith=unit.path))
                .select_related("unit_at_act", "member"))
    else:
        holders = Position.objects.filter(organization=unit, end_on__isnull=True).values_list("member_id", flat=True)
        recs = (DisciplineRecord.objects.filter(member_id__in=list(holders), counted_year__in=years)
                .select_related("unit_at_act", "member"))
    members = []
    for d in recs:
        inside = d.unit_at_act is None or d.unit_at_act.path.startswith(unit.path)
        key = str(unit.pk) if inside else str(d.unit_at_act_id)
        members.append(io.discipline_domain(d, unit_key=key, subject=d.member.full_name))
    subs = DisciplineRecord.objects.filter(organization__parent=unit, counted_year__in=years)
    return io.DisciplineInputs(members=tuple(members),
                               subordinates=tuple(io.discipline_domain(d) for d in subs))


def rating_context(r: Rating) -> RatingContext:
    ref = io.parse_period(r.period_label)
    assert ref is not None
    return RatingContext(RuleSet(r.rule_set), ref.period, rating_defaults())


def classify_rating(r: Rating) -> tuple[Classification, Any]:
    """Classify one stored rating with the domain of its rule set; returns (classification, facts)."""
    ctx = rating_context(r)
    low = None
    if SubjectType(r.subject_type).is_leader:
        low = low_confidence_for(member_id=r.member_id, year=ctx.year, manual=r.low_confidence,
                                 source=r.low_confidence_source).value
    try:
        f = io.subject_facts(r, _discipline_inputs(r, ctx), low_confidence=low)
        return classify(f, ctx), f
    except RatingInputError as exc:
        raise _err(exc)


def _store_classification(r: Rating, c: Classification) -> None:
    r.class_status = c.status.value
    r.proposed = c.proposed.value if c.proposed else ""
    r.band = c.band.value if c.band else ""
    r.flags = list(c.flags)
    r.classification = io.classification_json(c)


# ---------------------------------------------------------------------------------------------------
# Appraisal and proposal


@dataclass
class MitigationClaimInput:
    trigger: str
    claim: str
    cause: str = ""


@dataclass
class AppraisalInput:
    findings: list[str] = field(default_factory=list)
    units_total: int | None = None
    units_not_completed: int | None = None
    socio_applicable: int | None = None
    socio_failed: int | None = None
    low_confidence: bool | None = None
    low_confidence_source: str = ""
    sick_leave_days: int = 0
    maternity_leave: bool = False
    cbccvc: bool = False
    state_level: str = ""
    state_rated_on: dt.date | None = None
    state_body: str = ""
    concerns_raised: bool = False
    note: str = ""
    claims: list[MitigationClaimInput] = field(default_factory=list)


def rating_appraise(*, actor: Any, rating_id: int, data: AppraisalInput) -> Rating:
    """Appraisal and proposal by the advisory body (AR-54): record the facts, classify (AR-28) and store the
    proposal with the rules applied. A fired trigger with a mitigation claim goes to ``mitigation_pending``
    (AR-25); complaints or reports send the rating to re-verification (AR-55)."""
    errors = ErrorList()
    if data.low_confidence is not None and not data.low_confidence_source.strip():
        errors.add("low_confidence_source", "Ghi rõ nguồn kết quả lấy phiếu tín nhiệm.",
                   "Note the source of the confidence-vote result.")
    if data.state_level and data.state_level not in LevelChoice.values:
        errors.add("state_level", "Mức xếp loại công chức, viên chức không hợp lệ.", "Unknown state level.")
    if data.state_level and data.state_rated_on is None:
        errors.add("state_rated_on", "Cần ngày xếp loại công chức, viên chức.", "The state rating date is required.")
    errors.raise_if_any()
    with transaction.atomic():
        r = _lock_rating(actor, rating_id)
        _require(actor, r, appraiser_path(r))
        if r.state not in (State.SELF_ASSESSED, State.APPRAISED):
            raise StateConflict(f"{r.name}: chỉ thẩm định sau khi tự đánh giá và trước khi quyết định "
                                f"(trạng thái hiện tại: «{State(r.state).label}»).",
                                f"{r.name}: appraisal follows the self-assessment and precedes the decision "
                                f"(current state '{r.state}').", field="state")
        before = _snapshot(r)
        r.findings = sorted(set(data.findings))
        r.units_total, r.units_not_completed = data.units_total, data.units_not_completed
        r.socio_applicable, r.socio_failed = data.socio_applicable, data.socio_failed
        r.low_confidence = data.low_confidence
        r.low_confidence_source = data.low_confidence_source.strip() if data.low_confidence is not None else ""
        r.sick_leave_days, r.maternity_leave = data.sick_leave_days, data.maternity_leave
        r.cbccvc = data.cbccvc
        r.state_level, r.state_rated_on, r.state_body = data.state_level, data.state_rated_on, data.state_body.strip()
        r.concerns_raised = data.concerns_raised
        r.appraisal_note = data.note.strip()
        known = {(m["trigger"], m.get("cause") or "") for m in r.mitigations}
        for claim in data.claims:
            if (claim.trigger, claim.cause) not in known:
                r.mitigations = [*r.mitigations, {"trigger": claim.trigger, "claim": claim.claim,
                                                  "cause": claim.cause or None}]
        c, _f = classify_rating(r)
        _store_classification(r, c)
        if r.state == State.SELF_ASSESSED:
            r.state = _transition(r, Action.APPRAISE)
        if c.status is Status.MITIGATION_PENDING:
            r.state = _transition(r, Action.CLAIM_MITIGATION)
        elif r.concerns_raised and not r.reverification_ref:
            r.state = _transition(r, Action.REQUIRE_REVERIFICATION)
        r.appraised_at, r.appraised_by_id = _now(), getattr(actor, "pk", None)
        r.save()
        tally_refresh(r.period_label, {r.unit_id})
        audit_record(actor=actor, action="appraisal.rating.appraise", target=r, org_path=r.org_path, before=before,
                     after={**_snapshot(r), "rules": r.classification.get("rules", []),
                            "findings": r.findings, "low_confidence_source": r.low_confidence_source})
        return r


def rating_resolve_mitigation(*, actor: Any, rating_id: int, trigger: str, outcome: str, number: str,
                              signed_on: dt.date, authority: str, reason: str, cause: str = "") -> Rating:
    """AR-25: the competent level records its decision on a mitigation claim (confirm KHT or set the trigger
    aside); the rating returns to ``appraised`` and is classified again."""
    if outcome not in ("confirm_kht", "set_aside"):
        raise ValidationFailed("Kết luận phải là giữ mức Không hoàn thành hoặc không áp dụng căn cứ.",
                               "The outcome must be confirm_kht or set_aside.", field="outcome")
    errors = ErrorList()
    for name, value in (("number", number), ("authority", authority), ("reason", reason)):
        if not value.strip():
            errors.add(name, "Bắt buộc.", "Required.")
    errors.raise_if_any()
    with transaction.atomic():
        r = _lock_rating(actor, rating_id)
        _require(actor, r, r.decider_path)
        if r.state != State.MITIGATION_PENDING:
            raise StateConflict("Không có tình tiết đang chờ xem xét.", "No mitigation claim is pending.",
                                field="state")
        before = _snapshot(r)
        found = False
        updated = []
        for m in r.mitigations:
            if m["trigger"] == trigger and (not cause or (m.get("cause") or "") == cause) and not m.get("decision"):
                m = {**m, "decision": {"number": number.strip(), "date": signed_on.isoformat(),
                                       "authority": authority.strip(), "reason": reason.strip(), "outcome": outcome}}
                found = True
            updated.append(m)
        if not found:
            raise ValidationFailed(f"Không có đề nghị xem xét tình tiết cho căn cứ {trigger}.",
                                   f"No pending claim on trigger {trigger}.", field="trigger")
        r.mitigations = updated
        c, _f = classify_rating(r)
        _store_classification(r, c)
        if c.status is not Status.MITIGATION_PENDING:
            r.state = _transition(r, Action.RESOLVE_MITIGATION)
        r.save()
        tally_refresh(r.period_label, {r.unit_id})
        audit_record(actor=actor, action="appraisal.rating.mitigation", target=r, org_path=r.org_path, before=before,
                     after={**_snapshot(r), "trigger": trigger, "outcome": outcome, "decision": number})
        return r


def rating_record_reverification(*, actor: Any, rating_id: int, reference: str, on: dt.date) -> Rating:
    """AR-55: record the re-verification directed by the directly superior committee."""
    if not reference.strip():
        raise ValidationFailed("Cần số văn bản kết luận thẩm tra, xác minh.", "The reference is required.",
                               field="reference")
    with transaction.atomic():
        r = _lock_rating(actor, rating_id)
        _require(actor, r, r.decider_path)
        before = _snapshot(r)
        r.reverification_ref, r.reverified_on = reference.strip(), on
        if r.state == State.REVERIFICATION:
            r.state = _transition(r, Action.COMPLETE_REVERIFICATION)
        elif r.state not in (State.APPRAISED, State.MITIGATION_PENDING):
            raise StateConflict("Chỉ ghi nhận thẩm tra, xác minh trước khi quyết định.",
                                "Re-verification is recorded before the decision.", field="state")
        r.save()
        audit_record(actor=actor, action="appraisal.rating.reverification", target=r, org_path=r.org_path,
                     before=before, after={**_snapshot(r), "reference": r.reverification_ref,
                                           "on": on.isoformat()})
        return r


# ---------------------------------------------------------------------------------------------------
# Ordering prerequisites (AR-38, AR-40, AR-41)


@dataclass(frozen=True)
class GateResult:
    allowed: bool
    missing_names: tuple[str, ...]
    missing_total: int
    warnings: tuple[str, ...]
    rules: tuple[str, ...]
    defaults_applied: tuple[dict[str, Any], ...]


_MISSING_SHOWN = 20
_COMMITTEE_BODIES = (Body.COMMITTEE, Body.STANDING, Body.LEADERSHIP)


def prerequisites_of(r: Rating, decided_keys: set[str] | frozenset[str] = frozenset()) -> GateResult:
    """The decision gate of one rating: which prerequisite subjects are still undecided (AR-38, AR-41), and
    the state rating of a CBCCVC member (AR-40). ``decided_keys`` count as decided (the same batch)."""
    base = Rating.objects.filter(period_label=r.period_label, excluded="").exclude(state__in=DECIDED_STATES)
    if decided_keys:
        base = base.exclude(subject_key__in=decided_keys)
    names: dict[str, str] = {}
    edges: list[Prerequisite] = []
    total_extra = 0
    if r.member_id is not None:
        units = list(Position.objects.filter(member_id=r.member_id, end_on__isnull=True)
                     .values_list("organization_id", flat=True))
        rows = list(base.filter(unit_id__in=units, body__in=_COMMITTEE_BODIES).values_list("subject_key", "name"))
        names.update(rows)
        edges += decision_edges(leadership_members={k: [r.subject_key] for k, _n in rows})
    elif r.body == Body.ORGANIZATION:
        unit = r.unit
        committees = list(base.filter(unit=unit, body__in=_COMMITTEE_BODIES).values_list("subject_key", "name"))
        subs = list(base.filter(unit__parent=unit, body=Body.ORGANIZATION).values_list("subject_key", "name"))
        agency = list(base.filter(unit__parent=unit, body=Body.LEADERSHIP).values_list("subject_key", "name"))
        member_q = base.filter(member__isnull=False, org_path__startswith=unit.path)
        members = list(member_q.order_by("sort_key").values_list("subject_key", "name")[:_MISSING_SHOWN])
        if len(members) == _MISSING_SHOWN:
            total_extra = member_q.count() - _MISSING_SHOWN
        for rows in (committees, subs, agency, members):
            names.update(rows)
        for key, _n in committees or [(None, None)]:
            edges += decision_edges(party_organizations={r.subject_key: PartyOrganization(
                committee=key, subordinates=tuple(k for k, _ in subs), members=tuple(k for k, _ in members),
                agency_collectives=tuple(k for k, _ in agency))})
    elif r.body in _COMMITTEE_BODIES:
        lowers = list(base.filter(unit__parent=r.unit, body=r.body).values_list("subject_key", "name"))
        names.update(lowers)
        edges += decision_edges(lower_collectives={r.subject_key: [k for k, _ in lowers]})
    state_year = r.state_rated_on.year if (r.state_level and r.state_rated_on) else None
    ref = io.parse_period(r.period_label)
    gate = decision_gate(r.subject_key, edges, decided=set(), cbccvc_member=r.cbccvc,
                         state_rating_year=state_year, period_year=ref.year if ref else None,
                         defaults=rating_defaults())
    missing = []
    for p in gate.missing:
        if p.before.startswith("state_rating:"):
            missing.append("kết quả xếp loại công chức, viên chức cùng năm (AR-40)")
        else:
            missing.append(names.get(p.before, p.before))
    missing = list(dict.fromkeys(missing))
    return GateResult(gate.allowed, tuple(missing), len(missing) + max(total_extra, 0), gate.warnings, gate.rules,
                      tuple({"rule": d.rule, "name": d.name, "value": d.value} for d in gate.defaults_applied))


# ---------------------------------------------------------------------------------------------------
# Decision by the competent level (AR-29, AR-30, AR-33..AR-38, AR-61)


@dataclass
class DecisionInput:
    number: str
    signed_on: dt.date
    place: str
    signer_name: str
    signer_title: str
    on_behalf_of: str = ""


@dataclass
class DecidedItem:
    rating_id: int
    level: str
    reason: str = ""


def _check_party_number(number: str, field_name: str = "number") -> str:
    try:
        symbol = parse_number_symbol(number)
    except (NumberSymbolError, DirectiveRuleError) as exc:
        raise ValidationFailed(f"Số quyết định: {exc.vi}", f"Decision number: {exc.en}", field=field_name)
    if symbol.system is not DocumentSystem.PARTY:
        raise ValidationFailed("Số quyết định của Đảng phải có dạng số-QĐ/cơ quan, ví dụ 15-QĐ/ĐU (DI-11).",
                               "A Party decision number looks like 15-QĐ/ĐU (DI-11).", field=field_name)
    return symbol.text


def _validate_decision(d: DecisionInput) -> str:
    errors = ErrorList()
    for name in ("place", "signer_name", "signer_title"):
        if not getattr(d, name).strip():
            errors.add(name, "Bắt buộc.", "Required.")
    errors.raise_if_any()
    return _check_party_number(d.number)


def _ratio_for(rule_set: RuleSet, group: str, exception: QuotaException | None):
    pct = exception.pct if exception is not None and group in (exception.peer_groups or []) else None
    return quota_ratio(rule_set, pct, defaults=rating_defaults())


COLLECTIVE_KIND_VI = {
    "politburo_secretariat": "Bộ Chính trị, Ban Bí thư",
    "provincial_standing_committee": "cấp tỉnh",
    "commune_standing_committee": "cấp xã",
    "above_grassroots_standing_committee": "cấp trên cơ sở",
    "grassroots_executive_committee": "cơ sở",
    "grassroots_cell": "chi bộ cơ sở",
    "subordinate_cell": "chi bộ trực thuộc",
    "party_advisory_body": "cơ quan tham mưu của Đảng",
    "state_body": "cơ quan nhà nước",
    "fatherland_front": "Mặt trận Tổ quốc",
    "mass_organization": "đoàn thể",
    "public_service_unit": "đơn vị sự nghiệp",
    "state_enterprise": "doanh nghiệp nhà nước",
}


def group_label(r: Rating) -> str:
    """A peer group's name (AR-31): what is rated and who decides."""
    what = str(SubjectTypeChoice(r.subject_type).label)
    if r.is_collective:
        what = f"{Body(r.body).label} – {COLLECTIVE_KIND_VI.get(r.collective_kind, r.collective_kind)}"
    return f"{what} – do {r.decider.name} quyết định"


def quota_candidate(r: Rating) -> Candidate:
    return Candidate(str(r.pk), io.score_fraction(r.score_total_x10))


def ratings_decide(*, actor: Any, decider_id: int, period_label: str, decision: DecisionInput,
                   items: Sequence[DecidedItem], exception_id: int | None = None,
                   today: dt.date | None = None) -> RatingDecision:
    """The competent level decides a batch of appraised subjects in one decision.

    Checked, all under a lock on every peer group touched: the state (AR-54, AR-55), the ordering
    prerequisites (AR-38, AR-40, AR-41), the level against the proposal (a level unlike it needs a reason:
    AR-29, AR-30; candidates cut by the quota fall back to HTT without one: AR-36) and the HTXS quota of
    each whole peer group (AR-33, with an exception decision AR-34; none under QD124: AR-37). A decision
    after the deadline is marked late, never refused (AR-61)."""
    ref = _period(period_label)
    number = _validate_decision(decision)
    if not items:
        raise ValidationFailed("Chưa chọn đối tượng nào để quyết định.", "No subject selected.", field="items")
    ids = [i.rating_id for i in items]
    if len(set(ids)) != len(ids):
        raise ValidationFailed("Một đối tượng được chọn hai lần.", "A subject is listed twice.", field="items")
    chosen = {i.rating_id: i for i in items}
    errors = ErrorList()
    for i in items:
        if i.level not in LevelChoice.values:
            errors.add(f"level_{i.rating_id}", "Mức xếp loại không hợp lệ.", "Unknown level.")
    errors.raise_if_any()
    with transaction.atomic():
        decider = _org_for_write(actor, decider_id)
        ratings = list(Rating.objects.select_for_update().filter(pk__in=ids).order_by("pk")
                       .select_related("decider", "unit", "cycle"))
        if len(ratings) != len(ids) or any(r.period_label != ref.label or r.decider_id != decider.pk for r in ratings):
            raise NotFoundOrForbidden()
        rule_sets = {r.rule_set for r in ratings}
        if len(rule_sets) != 1:
            raise ValidationFailed("Các đối tượng thuộc các bộ quy tắc khác nhau.", "Mixed rule sets.", field="items")
        rule_set = RuleSet(rule_sets.pop())
        exception = None
        if exception_id:
            exception = QuotaException.objects.filter(pk=exception_id, decider=decider, period_label=ref.label).first()
            if exception is None:
                raise ValidationFailed("Không tìm thấy quyết định tỷ lệ ngoại lệ.", "Exception decision not found.",
                                       field="exception")
        batch_keys = {r.subject_key for r in ratings}
        classified: dict[int, tuple[Classification, Any]] = {}
        problems = ErrorList()
        for r in ratings:
            if r.excluded:
                problems.add(f"level_{r.pk}", f"{r.name}: không thuộc diện kiểm điểm (AR-4).",
                             f"{r.name}: not reviewed (AR-4).")
                continue
            try:
                transition(RatingState(r.state), Action.DECIDE, concerns_raised=r.concerns_raised,
                           reverification_recorded=bool(r.reverification_ref))
            except RatingInputError as exc:
                problems.add(f"level_{r.pk}", f"{r.name}: {exc.message_vi} (trạng thái «{State(r.state).label}»)",
                             f"{r.name}: {exc.message_en}")
                continue
            gate = prerequisites_of(r, batch_keys)
            if not gate.allowed:
                more = gate.missing_total - len(gate.missing_names)
                shown = ", ".join(gate.missing_names) + (f" và {more} đối tượng khác" if more > 0 else "")
                problems.add(f"level_{r.pk}", f"{r.name}: chưa xếp loại {shown} (AR-38)",
                             f"{r.name}: not yet decided: {shown} (AR-38)")
                continue
            c, f = classify_rating(r)
            if c.status in (Status.MITIGATION_PENDING, Status.NOT_REVIEWED):
                problems.add(f"level_{r.pk}", f"{r.name}: còn chờ quyết định về tình tiết (AR-25)",
                             f"{r.name}: a mitigation claim awaits a decision (AR-25)")
                continue
            classified[r.pk] = (c, f)
        problems.raise_if_any("Chưa thể quyết định.", "Cannot decide yet.")
        # the quota, per whole peer group, under a lock
        groups = sorted({r.peer_group for r in ratings})
        group_rows = list(Rating.objects.select_for_update().filter(period_label=ref.label, peer_group__in=groups)
                          .order_by("pk").select_related("decider"))
        by_group: dict[str, list[Rating]] = defaultdict(list)
        for g in group_rows:
            by_group[g.peer_group].append(g)
        quota_cut: dict[int, bool] = {}
        trace_rules: set[str] = set()
        trace_defaults: list[dict[str, Any]] = []
        for group in groups:
            rows = by_group[group]
            ratio = _ratio_for(rule_set, group, exception)
            trace_rules.update(ratio.rules)
            trace_defaults += [{"rule": d.rule, "name": d.name, "value": d.value} for d in ratio.defaults_applied]
            if ratio.exception_rejected:
                raise ValidationFailed(
                    "Theo Quy định 124 không áp dụng tỷ lệ ngoại lệ 25% (AR-37).",
                    "QD124 allows no 25% exception (AR-37).", field="exception")
            entries = []
            for g in rows:
                if g.pk in chosen:
                    entries.append(RatedEntry(Level(chosen[g.pk].level), True, False))
                elif g.state in DECIDED_STATES and g.level:
                    entries.append(RatedEntry(Level(g.level), True, False))
            check = check_batch(entries, ratio.ratio)
            if not check.ok:
                sample = next(g for g in rows if g.pk in chosen)
                good = sum(1 for g in rows if g.class_status in ("rated", "gap") and g.proposed == "good"
                           and g.state not in DECIDED_STATES) + sum(
                    1 for g in rows if g.state in DECIDED_STATES and g.level == "good")
                cands = [quota_candidate(g) for g in rows if (g.class_status == "candidate" and g.state not in DECIDED_STATES)
                         or (g.state in DECIDED_STATES and g.level == "excellent")]
                outcome = apply_quota(cands, good, ratio.ratio, defaults=rating_defaults())
                raise ValidationFailed(
                    f"Vượt tỷ lệ hoàn thành xuất sắc nhiệm vụ (AR-33) ở nhóm «{group_label(sample)}»: "
                    f"{check.htxs} hoàn thành xuất sắc so với {check.htt} hoàn thành tốt, tối đa "
                    f"{ratio.text.replace('0.', '')}% (tối đa được {outcome.excellent_max} người theo AR-35). "
                    "Quyết định không được lưu.",
                    f"Over the excellent quota (AR-33) in group '{group_label(sample)}': {check.htxs} excellent "
                    f"against {check.htt} good (ratio {ratio.text}; admissible {outcome.excellent_max}). "
                    "Nothing was saved.", field="items")
            cands = [quota_candidate(g) for g in rows if g.pk in classified and classified[g.pk][0].status is Status.CANDIDATE]
            cands += [quota_candidate(g) for g in rows if g.pk not in chosen and g.state in DECIDED_STATES
                      and g.level == "excellent"]
            good = sum(1 for g in rows if (g.pk in classified and classified[g.pk][0].proposed is Level.GOOD
                                           and classified[g.pk][0].status is not Status.CANDIDATE)
                       or (g.pk not in chosen and g.state in DECIDED_STATES and g.level == "good"))
            outcome = apply_quota(cands, good, ratio.ratio, defaults=rating_defaults())
            trace_rules.update(outcome.rules)
            for cid in (*outcome.moved_to_good, *outcome.undecided):
                quota_cut[int(cid)] = True
        # levels against proposals
        problems = ErrorList()
        decided_levels: dict[int, Any] = {}
        for r in ratings:
            c, _f = classified[r.pk]
            item = chosen[r.pk]
            level = Level(item.level)
            if c.status is Status.CANDIDATE and level is Level.GOOD and quota_cut.get(r.pk):
                c = replace(c, proposed=Level.GOOD)  # AR-36: cut by the quota, proposed HTT
            try:
                decided_levels[r.pk] = decide_level(c, level, item.reason or None)
            except RatingInputError as exc:
                problems.add(f"reason_{r.pk}", f"{r.name}: {exc.message_vi} (AR-30)", f"{r.name}: {exc.message_en}")
        problems.raise_if_any("Chưa thể quyết định.", "Cannot decide yet.")
        cycle = ratings[0].cycle
        kind = DeadlineKind.SPECIAL_UNIT if cycle.special_unit else DeadlineKind.PARTY_RATING
        if ref.quarter is None:
            late = not on_time(decision.signed_on, kind, ref.year, defaults=rating_defaults())
        else:
            late = cycle.deadline_rating is not None and decision.signed_on >= cycle.deadline_rating
        rd = RatingDecision.objects.create(
            decider=decider, decider_path=decider.path, period_label=ref.label, rule_set=rule_set.value,
            number=number, signed_on=decision.signed_on, place=decision.place.strip(),
            signer_name=decision.signer_name.strip(), signer_title=decision.signer_title.strip(),
            on_behalf_of=decision.on_behalf_of.strip(), exception=exception, late=late,
            trace={"rules": sorted(trace_rules | {"AR-29", "AR-30", "AR-38", "AR-61"}),
                   "defaults_applied": trace_defaults + [{"rule": "AR-61", "name": "deadline_inclusive",
                                                          "value": rating_defaults().deadline_inclusive}]},
            created_by_id=getattr(actor, "pk", None))
        for r in ratings:
            c, f = classified[r.pk]
            dl = decided_levels[r.pk]
            before = _snapshot(r)
            cut = bool(quota_cut.get(r.pk)) and dl.level is Level.GOOD
            number_v = r.current_version + 1
            RatingVersion.objects.create(
                rating=r, number=number_v, rule_set=r.rule_set, level=dl.level.value,
                proposed=c.proposed.value if c.proposed else "", class_status=c.status.value,
                score_total_x10=r.score_total_x10, overridden=dl.overridden and not cut,
                override_reason=dl.reason or "", quota_cut=cut, facts=io.facts_json(f),
                classification={**io.classification_json(c), "decision_rules": list(dl.rules)},
                decision=rd, decided_on=decision.signed_on, decided_by_id=getattr(actor, "pk", None))
            _store_classification(r, c)
            r.state = _transition(r, Action.DECIDE, concerns_raised=r.concerns_raised,
                                  reverification_recorded=bool(r.reverification_ref))
            r.level, r.current_version = dl.level.value, number_v
            r.overridden, r.quota_cut, r.decided_late = dl.overridden and not cut, cut, late
            r.save()
            audit_record(actor=actor, action="appraisal.rating.decide", target=r, org_path=r.org_path, before=before,
                         after={**_snapshot(r), "decision": number, "overridden": r.overridden, "quota_cut": cut,
                                "reason": dl.reason or "", "late": late})
        tally_refresh(ref.label, {r.unit_id for r in ratings})
        audit_record(actor=actor, action="appraisal.decision.create", target=rd, org_path=decider.path,
                     after={"number": number, "period": ref.label, "subjects": len(ratings), "late": late,
                            "exception": exception.number if exception else None})
        return rd


def quota_exception_record(*, actor: Any, decider_id: int, period_label: str, number: str, signed_on: dt.date,
                           authority: str, reason: str, pct: int, peer_groups: Sequence[str]) -> QuotaException:
    """AR-34: record the competent level's decision raising the ratio to 20 < pct <= 25 for named peer groups
    (QD366 only; rejected under QD124 and QD132: AR-37)."""
    from partyorg.domain.rating.quota import ExceptionDecision

    ref = _period(period_label)
    try:
        ExceptionDecision(number, signed_on, authority, reason, pct, tuple(peer_groups))
    except RatingInputError as exc:
        raise _err(exc)
    with transaction.atomic():
        decider = _org_for_write(actor, decider_id)
        rows = Rating.objects.filter(period_label=ref.label, decider=decider, peer_group__in=list(peer_groups))
        found = set(rows.values_list("peer_group", flat=True))
        unknown = [g for g in peer_groups if g not in found]
        if unknown:
            raise ValidationFailed("Nhóm đối tượng không thuộc cấp quyết định này.", "Unknown peer group.",
                                   field="peer_groups")
        rule_set = RuleSet(rows.values_list("rule_set", flat=True).first())
        ratio = quota_ratio(rule_set, pct, defaults=rating_defaults())
        if ratio.exception_rejected:
            raise ValidationFailed("Quy định 124 không cho phép nâng tỷ lệ lên quá 20% (AR-37).",
                                   "QD124 allows no exception above 20% (AR-37).", field="pct")
        exc = QuotaException.objects.create(
            decider=decider, decider_path=decider.path, period_label=ref.label, rule_set=rule_set.value,
            number=_check_party_number(number), signed_on=signed_on, authority=authority.strip(),
            reason=reason.strip(), pct=pct, peer_groups=list(peer_groups), created_by_id=getattr(actor, "pk", None))
        audit_record(actor=actor, action="appraisal.quota_exception.create", target=exc, org_path=decider.path,
                     after={"number": exc.number, "pct": pct, "peer_groups": list(peer_groups),
                            "rules": list(ratio.rules)})
        return exc


def ratings_announce(*, actor: Any, decider_id: int, period_label: str,
                     rating_ids: Sequence[int] | None = None) -> int:
    """AR-59: notify the decided comments and level to the subject and to the bodies that manage and use
    it. Returns how many results were announced."""
    ref = _period(period_label)
    with transaction.atomic():
        decider = _org_for_write(actor, decider_id)
        qs = Rating.objects.select_for_update().filter(period_label=ref.label, decider=decider, state=State.DECIDED)
        if rating_ids is not None:
            qs = qs.filter(pk__in=list(rating_ids))
        rows = list(qs.order_by("pk").select_related("unit"))
        for r in rows:
            r.state = _transition(r, Action.ANNOUNCE)
            r.announced_at = _now()
            r.recipients = list(notification_recipients(r.name, [decider.name], [r.unit.name]))
            r.save(update_fields=["state", "announced_at", "recipients", "updated_at"])
            audit_record(actor=actor, action="appraisal.rating.announce", target=r, org_path=r.org_path,
                         before={"state": State.DECIDED.value},
                         after={"state": r.state, "recipients": r.recipients, "rules": ["AR-59"]})
        tally_refresh(ref.label, {r.unit_id for r in rows})
        return len(rows)


# ---------------------------------------------------------------------------------------------------
# Cancellation and re-rating (Mẫu 03: AR-66..AR-68)


@dataclass
class ReRatingInput:
    number: str
    signed_on: dt.date
    authority: str
    reason: str
    ground: str
    new_level: str
    place: str
    signer_name: str
    signer_title: str
    corrected_score: Decimal | None = None
    corrected_tasks: tuple[int, int, int, int] | None = None


def rating_rerate(*, actor: Any, rating_id: int, data: ReRatingInput) -> ReRatingDecision:
    """AR-66: only a re-rating decision changes a decided result. AR-67: version n+1 is created from the
    corrected facts, linked to the decision, and version n is marked cancelled; both stay visible. AR-68:
    a new HTXS must pass the peer-group quota; the decided parent organization and leaders whose unit
    rating depends on it are flagged for review (never changed); statistics sent up are superseded."""
    errors = ErrorList()
    if data.ground not in [g.value for g in Ground]:
        errors.add("ground", "Căn cứ đánh giá lại không hợp lệ.", "Unknown ground.")
    if data.new_level not in LevelChoice.values:
        errors.add("new_level", "Mức xếp loại không hợp lệ.", "Unknown level.")
    for name in ("authority", "reason", "place", "signer_name", "signer_title"):
        if not getattr(data, name).strip():
            errors.add(name, "Bắt buộc.", "Required.")
    errors.raise_if_any()
    number = _check_party_number(data.number)
    with transaction.atomic():
        r = _lock_rating(actor, rating_id)
        _require(actor, r, r.decider_path)
        if r.state not in DECIDED_STATES:
            raise StateConflict("Chỉ đánh giá lại kết quả đã có quyết định (AR-66).",
                                "Only a decided result can be re-rated (AR-66).", field="state")
        versions = list(RatingVersion.objects.select_for_update().filter(rating=r).order_by("number"))
        current = next(v for v in versions if not v.cancelled)
        before = _snapshot(r)
        if data.corrected_score is not None:
            total = _points_x10(data.corrected_score, "corrected_score")
            r.score_total_x10, r.score_general_x10, r.score_tasks_x10 = total, None, None
        if data.corrected_tasks is not None:
            r.tasks_total, r.tasks_done, r.tasks_on_time, r.tasks_exceeded = data.corrected_tasks
        c, f = classify_rating(r)
        group = list(Rating.objects.select_for_update().filter(period_label=r.period_label, peer_group=r.peer_group)
                     .order_by("pk"))
        entries = [RatedEntry(Level(g.level), g.state in DECIDED_STATES, False) if g.level
                   else RatedEntry(Level.COMPLETED, False, False) for g in group]
        index = next(i for i, g in enumerate(group) if g.pk == r.pk)
        exception = next((e for e in QuotaException.objects.filter(decider_id=r.decider_id,
                                                                   period_label=r.period_label)
                          if r.peer_group in (e.peer_groups or [])), None)
        ratio = _ratio_for(RuleSet(r.rule_set), r.peer_group, exception)
        parent = None
        if r.member_id is not None:
            parent = Rating.objects.filter(period_label=r.period_label, unit=r.unit, body=Body.ORGANIZATION,
                                           state__in=DECIDED_STATES).first()
        elif r.unit.parent_id is not None:
            parent = Rating.objects.filter(period_label=r.period_label, unit_id=r.unit.parent_id,
                                           body=Body.ORGANIZATION, state__in=DECIDED_STATES).first()
        leaders = []
        if r.is_collective:
            holders = Position.objects.filter(organization=r.unit, end_on__isnull=True).values_list("member_id", flat=True)
            leaders = list(Rating.objects.filter(period_label=r.period_label, member_id__in=list(holders),
                                                 subject_type__in=[SubjectTypeChoice.LEADER,
                                                                   SubjectTypeChoice.LEADER_CENTRAL],
                                                 state__in=DECIDED_STATES))
        reports = list(StatsReport.objects.select_for_update().filter(period_label=r.period_label,
                                                                       superseded_at__isnull=True))
        reports = [s for s in reports if r.org_path.startswith(s.org_path)]
        domain_decision = DomainReRating(number, data.signed_on, data.authority.strip(), data.reason.strip(),
                                         Ground(data.ground))
        try:
            outcome = rerate(
                [DomainVersion(v.number, Level(v.level), RuleSet(v.rule_set), v.cancelled) for v in versions],
                subject=r.subject_key, new_level=Level(data.new_level), decision=domain_decision,
                period_rule_set=RuleSet(r.rule_set), peer_group=entries, subject_index=index, ratio=ratio.ratio,
                decided_parent=parent.subject_key if parent else None,
                dependent_leaders=[x.subject_key for x in leaders], statistics_reported=bool(reports),
                defaults=rating_defaults())
        except RatingInputError as exc:
            raise ValidationFailed(f"{exc.message_vi} (AR-33, AR-68). Quyết định không được lưu.",
                                   f"{exc.message_en} (AR-33, AR-68). Nothing was saved.", field=exc.field)
        follow = [{"kind": x.kind.value, "target": x.target} for x in outcome.follow_ups]
        after_check = check_batch([RatedEntry(Level(data.new_level), True, False) if i == index else e
                                   for i, e in enumerate(entries)], ratio.ratio)
        if not after_check.ok:
            follow.append({"kind": "group_over_quota", "target": r.peer_group,
                           "detail": f"{after_check.htxs} HTXS / {after_check.htt} HTT"})
        rr = ReRatingDecision.objects.create(
            rating=r, decider_id=r.decider_id, number=number, signed_on=data.signed_on,
            authority=data.authority.strip(), reason=data.reason.strip(), ground=data.ground, place=data.place.strip(),
            signer_name=data.signer_name.strip(), signer_title=data.signer_title.strip(), old_level=current.level,
            new_level=data.new_level, follow_ups=follow,
            trace={"rules": sorted(set(outcome.rules) | {"AR-66", "AR-67", "AR-68"}),
                   "defaults_applied": [{"rule": d.rule, "name": d.name, "value": d.value}
                                        for d in outcome.defaults_applied]},
            created_by_id=getattr(actor, "pk", None))
        now = _now()
        RatingVersion.objects.filter(pk=current.pk, cancelled=False).update(cancelled=True, cancelled_at=now,
                                                                           cancelled_by=rr)
        new_number = outcome.current.number
        RatingVersion.objects.create(
            rating=r, number=new_number, rule_set=r.rule_set, level=data.new_level,
            proposed=c.proposed.value if c.proposed else "", class_status=c.status.value,
            score_total_x10=r.score_total_x10, overridden=False, facts=io.facts_json(f),
            classification={**io.classification_json(c), "rerating_rules": list(outcome.rules)},
            rerating=rr, decided_on=data.signed_on, decided_by_id=getattr(actor, "pk", None))
        _store_classification(r, c)
        r.level, r.current_version, r.rerated, r.state = data.new_level, new_number, True, State.DECIDED
        r.overridden = r.quota_cut = False
        r.save()
        flag = f"Đánh giá lại {r.name} theo Quyết định {number}: cần xem xét lại (AR-68)"
        for x in [parent, *leaders]:
            if x is not None:
                Rating.objects.filter(pk=x.pk).update(review_flag=flag[:300])
        for s in reports:
            s.superseded_at = now
            s.superseded_note = f"Điều chỉnh do Quyết định đánh giá lại {number} ({r.name})"[:300]
            s.save(update_fields=["superseded_at", "superseded_note"])
        tally_refresh(r.period_label, {r.unit_id})
        audit_record(actor=actor, action="appraisal.rating.rerate", target=r, org_path=r.org_path, before=before,
                     after={**_snapshot(r), "decision": number, "ground": data.ground, "follow_ups": follow,
                            "cancelled_version": current.number})
        return rr


# ---------------------------------------------------------------------------------------------------
# Disciplinary decisions (AR-49..AR-53)


@dataclass
class DisciplineInput:
    form: str
    decision_number: str
    decision_date: dt.date
    member_id: int | None = None
    organization_id: int | None = None
    authority: str = ""
    act_date: dt.date | None = None
    unit_at_act_id: int | None = None
    duty_related: bool = True
    related_to_functions: bool = True
    self_detected_remedied: bool = False
    effect_end: dt.date | None = None
    note: str = ""


def discipline_record(*, actor: Any, data: DisciplineInput) -> DisciplineRecord:
    """Record a disciplinary decision. It counts in the period of its decision date, also for an act in an
    earlier period (AR-49), once per subject (AR-50: a second record of the same decision is refused).
    A temporary suspension from work is kept but never counts as discipline (AR-53)."""
    from partyorg.domain.rating.discipline import (
        Discipline,
        Measure,
        Period,
        counts_in_period,
        link_discipline,
    )

    errors = ErrorList()
    if data.form not in DisciplineForm.values:
        errors.add("form", "Hình thức kỷ luật không hợp lệ.", "Unknown disciplinary form.")
    if (data.member_id is None) == (data.organization_id is None):
        errors.add("member", "Chọn một đảng viên hoặc một tổ chức đảng.", "Choose a member or an organization.")
    if not data.decision_number.strip():
        errors.add("decision_number", "Bắt buộc.", "Required.")
    if data.act_date and data.act_date > data.decision_date:
        errors.add("act_date", "Ngày vi phạm sau ngày quyết định.", "The act date is after the decision date.")
    errors.raise_if_any()
    with transaction.atomic():
        scope = scope_for(actor)
        if data.member_id is not None:
            m = Member.objects.filter(pk=data.member_id).first()
            if m is None or not scope.covers_path(m.org_path):
                raise NotFoundOrForbidden()
            path = m.org_path
        else:
            o = Organization.objects.filter(pk=data.organization_id).first()
            if o is None or not scope.covers_path(o.path):
                raise NotFoundOrForbidden()
            path = o.path
        if not scope.covers_path(path, write=True):
            raise Forbidden()
        if data.unit_at_act_id is not None and not Organization.objects.filter(pk=data.unit_at_act_id).exists():
            raise ValidationFailed("Không tìm thấy đơn vị nơi vi phạm.", "Unit not found.", field="unit_at_act")
        year = data.decision_date.year
        subject = f"m:{data.member_id}" if data.member_id else f"o:{data.organization_id}"
        number_key = data.decision_number.strip()
        existing = DisciplineRecord.objects.filter(decision_number=number_key)
        existing = existing.filter(member_id=data.member_id) if data.member_id else existing.filter(
            organization_id=data.organization_id)
        # the decision is identified by its number: already recorded for this subject = already linked
        first = existing.first()
        links = {(number_key, subject): Period.year(first.counted_year)} if first else {}
        record = Discipline(form=Measure(data.form), decision_date=data.decision_date, act_date=data.act_date,
                            duty_related=data.duty_related, self_detected_remedied=data.self_detected_remedied,
                            related_to_functions=data.related_to_functions, effect_end=data.effect_end,
                            record_id=number_key)
        period = Period.year(year)
        link = link_discipline(record=record, subject=subject, period=period, existing_links=links,
                               defaults=rating_defaults())
        if not record.form.is_discipline:  # AR-53: kept for the record, never linked to a rating period
            link = replace(link, accepted=not links, reason_vi="quyết định đã được ghi nhận",
                           reason_en="the decision is already recorded")
        if not link.accepted:
            raise ValidationFailed(f"{link.reason_vi} (AR-50).", f"{link.reason_en} (AR-50).", field="decision_number")
        counts = counts_in_period(record, period)
        rec = DisciplineRecord.objects.create(
            member_id=data.member_id, organization_id=data.organization_id, org_path=path, form=data.form,
            decision_number=data.decision_number.strip(), authority=data.authority.strip(),
            decision_date=data.decision_date, act_date=data.act_date, unit_at_act_id=data.unit_at_act_id,
            duty_related=data.duty_related, related_to_functions=data.related_to_functions,
            self_detected_remedied=data.self_detected_remedied, effect_end=data.effect_end, counted_year=year,
            note=data.note.strip(), created_by_id=getattr(actor, "pk", None))
        audit_record(actor=actor, action="appraisal.discipline.create", target=rec, org_path=path,
                     after={"form": data.form, "decision_date": data.decision_date.isoformat(), "counted_year": year,
                            "counts_as_discipline": counts, "rules": list(link.rules)})
        return rec


# ---------------------------------------------------------------------------------------------------
# Statistics (AR-69): per-unit tallies, refreshed in the transaction that changes the unit's ratings


_TALLY_SQL = """
WITH g AS (
    SELECT unit_id, org_path, subject_type, peer_group,
           CASE WHEN excluded <> '' THEN excluded
                WHEN state IN ('decided', 'announced') AND level <> '' THEN level
                ELSE 'undecided' END AS cat,
           CASE WHEN class_status = 'gap' THEN 1 ELSE 0 END AS f_gap,
           CASE WHEN overridden THEN 1 ELSE 0 END AS f_over,
           CASE WHEN state = 'mitigation_pending' OR class_status = 'mitigation_pending' THEN 1 ELSE 0 END AS f_mit,
           CASE WHEN quota_cut THEN 1 ELSE 0 END AS f_cut,
           CASE WHEN rerated THEN 1 ELSE 0 END AS f_rer,
           CASE WHEN decided_late THEN 1 ELSE 0 END AS f_late,
           COUNT(*) AS n
    FROM appraisal_rating
    WHERE period_label = %s {units}
    GROUP BY unit_id, org_path, subject_type, peer_group, cat, f_gap, f_over, f_mit, f_cut, f_rer, f_late
)
INSERT INTO appraisal_ratingtally (period_label, unit_id, org_path, subject_type, peer_group, category, n)
SELECT %s, unit_id, org_path, subject_type, peer_group, cat, SUM(n) FROM (
    SELECT unit_id, org_path, subject_type, peer_group, cat, n FROM g
    UNION ALL SELECT unit_id, org_path, subject_type, peer_group, 'flag:gap', n FROM g WHERE f_gap = 1
    UNION ALL SELECT unit_id, org_path, subject_type, peer_group, 'flag:overridden', n FROM g WHERE f_over = 1
    UNION ALL SELECT unit_id, org_path, subject_type, peer_group, 'flag:mitigation', n FROM g WHERE f_mit = 1
    UNION ALL SELECT unit_id, org_path, subject_type, peer_group, 'flag:quota_cut', n FROM g WHERE f_cut = 1
    UNION ALL SELECT unit_id, org_path, subject_type, peer_group, 'flag:rerated', n FROM g WHERE f_rer = 1
    UNION ALL SELECT unit_id, org_path, subject_type, peer_group, 'flag:late', n FROM g WHERE f_late = 1
) x
GROUP BY unit_id, org_path, subject_type, peer_group, cat
"""


def tally_refresh(period_label: str, unit_ids: Iterable[int] | None) -> None:
    """Recompute the tallies of the given units (all units of the period when None) from their ratings,
    in the caller's transaction: one grouped INSERT ... SELECT per 500 units."""
    from django.db import connection

    with connection.cursor() as cur:
        if unit_ids is None:
            RatingTally.objects.filter(period_label=period_label).delete()
            cur.execute(_TALLY_SQL.format(units=""), [period_label, period_label])
            return
        ids = sorted(set(unit_ids))
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            marks = ", ".join(["%s"] * len(chunk))
            RatingTally.objects.filter(period_label=period_label, unit_id__in=chunk).delete()
            sql = _TALLY_SQL.format(units=f"AND unit_id IN ({marks})")  # placeholders only
            cur.execute(sql, [period_label, *chunk, period_label])


def stats_send_up(*, actor: Any, org_id: int, period_label: str) -> StatsReport:
    """Record the statistics of a subtree as sent to the level above; a later re-rating inside the subtree
    marks it superseded with a correction (AR-68)."""
    from .selectors import rating_stats

    ref = _period(period_label)
    with transaction.atomic():
        org = _org_for_write(actor, org_id)
        stats = rating_stats(actor=actor, org_id=org.pk, period_label=ref.label)
        report = StatsReport.objects.create(organization=org, org_path=org.path, period_label=ref.label,
                                            totals=stats.as_json(), sent_by_id=getattr(actor, "pk", None))
        audit_record(actor=actor, action="appraisal.stats.send", target=report, org_path=org.path,
                     after={"period": ref.label, "eligible": stats.total.eligible, "reviewed": stats.total.reviewed})
        return report


