"""Reads of the annual review and rating, always through the actor's scope.

Staff and leaders read the ratings whose unit lies in their subtree; a member reads only their own
rating. A row outside the scope is reported exactly like a missing one (HTTP 404).
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from django.db.models import Case, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Substr

from partyorg.core.errors import NotFoundOrForbidden
from partyorg.core.i18n import pick
from partyorg.core.scopes import get_in_scope, scope_for
from partyorg.domain.rating import LEVELS_BEST_FIRST, Level, RuleSet, apply_quota, within_quota
from partyorg.domain.rating.common import permille
from partyorg.domain.rating.eligibility import frame_for
from partyorg.domain.rating.linkage import level_distribution, linkage_report
from partyorg.domain.rating.process import draft_report_notice_ok, forms_for
from partyorg.domain.rating.quota import QuotaOutcome, quota_ratio
from partyorg.domain.rating.statistics import NOT_REVIEWED_REASONS, Stats, roll_up
from partyorg.domain.tree import PATH_STEP, ancestor_paths
from partyorg.organizations.models import Organization

from . import facts as io
from .models import (
    LEVEL_CODES,
    Body,
    CriteriaTemplate,
    DisciplineRecord,
    Exclusion,
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
from .services import (
    DECIDED_STATES,
    appraiser_path,
    can_self_assess,
    classify_rating,
    group_label,
    prerequisites_of,
    quota_candidate,
    rating_defaults,
)

RULE_SET_DOCS = {
    "QD366-2025": "Quy định số 366-QĐ/TW ngày 30/8/2025 của Bộ Chính trị; Hướng dẫn số 43-HD/BTCTW ngày "
                  "31/10/2025 của Ban Tổ chức Trung ương",
    "QD124-2023": "Quy định số 124-QĐ/TW ngày 04/10/2023 của Bộ Chính trị; Hướng dẫn số 25-HD/BTCTW ngày "
                  "10/11/2023 của Ban Tổ chức Trung ương",
    "QD132-2018": "Quy định số 132-QĐ/TW ngày 08/3/2018 của Bộ Chính trị (áp dụng cho dữ liệu cũ)",
}


def parse_period_or_404(label: str) -> io.PeriodRef:
    ref = io.parse_period(label)
    if ref is None:
        raise NotFoundOrForbidden()
    return ref


def org_in_scope(*, actor: Any, org_id: int, write: bool = False) -> Organization:
    return get_in_scope(Organization.objects.select_related("parent"), scope_for(actor).q("path", write=write),
                        pk=org_id)


def rating_qs(*, actor: Any) -> QuerySet[Rating]:
    scope = scope_for(actor)
    q = scope.q("org_path")
    if scope.own_member_id is not None:
        q |= Q(member_id=scope.own_member_id)
    return Rating.objects.filter(q)


# ---------------------------------------------------------------------------------------------------
# Cycles


def cycle_list(*, actor: Any) -> list[tuple[RatingCycle, Organization]]:
    """Cycles inside the actor's subtrees, and the cycles of ancestors that cover them; each with the
    organization whose period page the actor may open (the cycle's own, or the actor's root below it)."""
    scope = scope_for(actor)
    if not scope.read_paths:
        return []
    above = {a for p in scope.read_paths for a in ancestor_paths(p)}
    qs = RatingCycle.objects.filter(scope.q("org_path") | Q(org_path__in=above)).select_related("organization")
    roots = {o.path: o for o in Organization.objects.filter(path__in=scope.read_paths)}
    out = []
    for c in qs.order_by("-year", "-quarter", "org_path")[:200]:
        if scope.covers_path(c.org_path):
            out.append((c, c.organization))
        else:
            out += [(c, o) for p, o in sorted(roots.items()) if p.startswith(c.org_path)]
    return out


def covering_cycle(org: Organization, period_label: str) -> RatingCycle | None:
    paths = [*ancestor_paths(org.path), org.path]
    return (RatingCycle.objects.filter(period_label=period_label, org_path__in=paths)
            .select_related("organization").order_by("-org_path").first())


@dataclass
class PeriodOverview:
    org: Organization
    ref: io.PeriodRef
    cycle: RatingCycle | None
    descendant_cycles: list[RatingCycle]
    ratings: QuerySet[Rating]
    counts: dict[str, int]
    excluded: list[Rating]
    deciders: list[tuple[Organization, int]]
    can_manage: bool


def period_overview(*, actor: Any, org_id: int, period_label: str, state: str = "", subject_type: str = "",
                    query: str = "") -> PeriodOverview:
    org = org_in_scope(actor=actor, org_id=org_id)
    ref = parse_period_or_404(period_label)
    scope = scope_for(actor)
    cycle = covering_cycle(org, ref.label)
    below = list(RatingCycle.objects.filter(period_label=ref.label, org_path__startswith=org.path)
                 .exclude(org_path=org.path).select_related("organization").order_by("org_path")[:100])
    base = Rating.objects.filter(period_label=ref.label, org_path__startswith=org.path)
    counts: dict[str, int] = {}
    for st, n in base.filter(excluded="").values("state").annotate(n=_count()).values_list("state", "n"):
        counts[st] = n
    counts["excluded"] = base.exclude(excluded="").count()
    rows = base.filter(excluded="")
    if state:
        rows = rows.filter(state=state)
    if subject_type:
        rows = rows.filter(subject_type=subject_type)
    if query:
        from partyorg.domain.names import fold

        rows = rows.filter(name__icontains=query) if not fold(query) else rows.filter(
            Q(name__icontains=query) | Q(member__search_text__contains=fold(query)))
    deciders = list(base.filter(excluded="").values("decider").annotate(n=_count()).order_by("decider")
                    .values_list("decider", "n"))
    dec_orgs = {o.pk: o for o in Organization.objects.filter(pk__in=[d for d, _ in deciders])}
    visible_deciders = [(dec_orgs[d], n) for d, n in deciders if scope.covers_path(dec_orgs[d].path)]
    return PeriodOverview(
        org=org, ref=ref, cycle=cycle, descendant_cycles=below,
        ratings=rows.select_related("unit", "decider").order_by("sort_key", "pk"), counts=counts,
        excluded=list(base.exclude(excluded="").select_related("unit").order_by("sort_key")[:500]),
        deciders=visible_deciders,
        can_manage=cycle is not None and cycle.org_path == org.path and scope.covers_path(org.path, write=True))


def _count():
    from django.db.models import Count

    return Count("id")


# ---------------------------------------------------------------------------------------------------
# One subject


def rating_get(*, actor: Any, period_label: str, member_id: int | None = None, unit_id: int | None = None,
               body: str = "") -> Rating:
    """The rating of one subject in one period, if the actor may read it."""
    ref = parse_period_or_404(period_label)
    if member_id is not None:
        key = f"m:{member_id}"
    else:
        if body not in Body.values or not body:
            raise NotFoundOrForbidden()
        key = f"o:{unit_id}:{body}"
    r = (rating_qs(actor=actor).filter(period_label=ref.label, subject_key=key)
         .select_related("cycle", "unit", "decider", "member", "template").first())
    if r is None:
        raise NotFoundOrForbidden()
    return r


@dataclass
class SubjectPage:
    r: Rating
    versions: list[RatingVersion]
    reratings: list[ReRatingDecision]
    frame: Any
    form_title: str
    template: CriteriaTemplate | None
    criteria: list[dict[str, Any]]
    preview: dict[str, Any] | None
    trace: dict[str, Any]
    gate: Any
    warnings: list[str]
    distribution: dict[str, int] | None
    can_self_assess: bool
    can_appraise: bool
    can_decide: bool
    is_own: bool
    staff: bool
    show_result: bool
    rule_set_docs: str
    disciplines: list[DisciplineRecord]


def subject_page(*, actor: Any, r: Rating) -> SubjectPage:
    scope = scope_for(actor)
    is_own = r.member_id is not None and r.member_id == scope.own_member_id
    staff = scope.covers_path(r.org_path)
    versions = list(RatingVersion.objects.filter(rating=r).select_related("decision", "rerating", "cancelled_by")
                    .order_by("number"))
    from partyorg.domain.rating import SubjectType

    frame = frame_for(SubjectType(r.subject_type))
    forms = forms_for(RuleSet(r.rule_set))
    form_title = forms.get(frame.form) or forms.get("0" + frame.form, "")
    template = r.template
    scores = r.criteria_scores or {}
    criteria = []
    for c in (template.criteria if template else []):
        criteria.append({**c, "max": c["max_x10"] / 10, "value": (scores[c["code"]] / 10) if c["code"] in scores
                         else None, "grade": (r.grades or {}).get(c["code"], "")})
    preview = None
    if staff and r.state in (State.SELF_ASSESSED,) and not r.excluded:
        try:
            c, _f = classify_rating(r)
            preview = io.classification_json(c)
        except Exception:  # noqa: BLE001 - a preview never breaks the page; the services report errors
            preview = None
    trace = r.classification or {}
    if staff and not trace and r.class_status and not r.excluded:
        # the national batch stores the outcome without the trace: it is a pure function of the facts
        c, _f = classify_rating(r)
        trace = io.classification_json(c)
    gate = None
    if staff and r.state in (State.APPRAISED, State.REVERIFICATION, State.MITIGATION_PENDING) and not r.excluded:
        gate = prerequisites_of(r)
    warnings: list[str] = []
    if r.is_collective and r.report_shared_on and r.review_meeting_on and not draft_report_notice_ok(
            r.report_shared_on, r.review_meeting_on):
        warnings.append("AR-56: dự thảo báo cáo kiểm điểm tập thể gửi chưa đủ 3 ngày làm việc trước cuộc họp.")
    level = r.level or r.proposed
    if level and r.member_id is not None:
        led = (Rating.objects.filter(period_label=r.period_label, body=Body.ORGANIZATION,
                                     unit__positions__member_id=r.member_id,
                                     unit__positions__title="bi_thu", unit__positions__end_on__isnull=True)
               .exclude(level="").values_list("level", flat=True).first())
        quarters = [Level(x) for x in Rating.objects.filter(member_id=r.member_id,
                                                             period_label__startswith=f"{r.period_label}-Q")
                    .exclude(level="").values_list("level", flat=True)] if "-Q" not in r.period_label else []
        rep = linkage_report(level=Level(level), led_unit_level=Level(led) if led else None,
                             state_level=Level(r.state_level) if r.state_level else None,
                             quarterly_levels=quarters, defaults=rating_defaults())
        warnings += [f"{w.rule}: {pick(w.message_vi, w.message_en)}" for w in rep.warnings]
    distribution = None
    if r.body == Body.ORGANIZATION:
        levels = [Level(x) for x in Rating.objects.filter(period_label=r.period_label, member__isnull=False,
                                                           org_path__startswith=r.unit.path)
                  .exclude(level="").values_list("level", flat=True)]
        distribution = {LEVEL_CODES[k.value]: v for k, v in level_distribution(levels).items()}
    disciplines = []
    if staff and r.member_id is not None:
        disciplines = list(DisciplineRecord.objects.filter(member_id=r.member_id).order_by("-decision_date"))
    return SubjectPage(
        r=r, versions=versions, reratings=list(r.reratings.order_by("signed_on", "pk")), frame=frame,
        form_title=form_title, template=template, criteria=criteria, preview=preview, trace=trace, gate=gate,
        warnings=warnings, distribution=distribution,
        can_self_assess=can_self_assess(actor, r) and r.state in (State.DRAFT, State.SELF_ASSESSED)
        and not r.excluded,
        can_appraise=scope.covers_path(appraiser_path(r), write=True) and r.state in (
            State.SELF_ASSESSED, State.APPRAISED) and not r.excluded,
        can_decide=scope.covers_path(r.decider_path, write=True),
        is_own=is_own, staff=staff, show_result=staff or r.state == State.ANNOUNCED,
        rule_set_docs=RULE_SET_DOCS.get(r.rule_set, r.rule_set), disciplines=disciplines)


def my_ratings(*, actor: Any) -> list[Rating]:
    own = scope_for(actor).own_member_id
    if own is None:
        return []
    return list(Rating.objects.filter(member_id=own).select_related("unit").order_by("-period_label"))


# ---------------------------------------------------------------------------------------------------
# Calibration for the deciding authority (AR-31..AR-37)


@dataclass
class CalibrationRow:
    r: Rating
    candidate: bool
    outcome: str  # excellent | moved | undecided | ""
    suggested: str
    score: Fraction | None
    decided: bool


@dataclass
class GroupCalibration:
    key: str
    label: str
    rule_set: str
    ratio_text: str
    ratio_rules: tuple[str, ...]
    exception: QuotaException | None
    exception_rejected: bool
    rows: list[CalibrationRow]
    good: int
    candidates: int
    outcome: QuotaOutcome | None
    decided_htxs: int
    decided_htt: int
    within: bool
    pending: int

    @property
    def excellent_max(self) -> int | None:
        return None if self.outcome is None else self.outcome.excellent_max


@dataclass
class Calibration:
    decider: Organization
    ref: io.PeriodRef
    groups: list[GroupCalibration]
    decisions: list[RatingDecision]
    exceptions: list[QuotaException]
    reratings: list[ReRatingDecision]
    can_decide: bool
    rule_set_docs: str
    deadline: dt.date | None
    decided_undelivered: int = 0
    other: list[Rating] = field(default_factory=list)


def calibration(*, actor: Any, decider_id: int, period_label: str) -> Calibration:
    """The peer groups decided by one authority in one period: candidates ranked by score, the maximum
    admissible (AR-35), who would move to HTT (AR-36), the ratio with any exception (AR-33, AR-34, AR-37)."""
    decider = org_in_scope(actor=actor, org_id=decider_id)
    ref = parse_period_or_404(period_label)
    scope = scope_for(actor)
    ratings = list(Rating.objects.filter(period_label=ref.label, decider=decider, excluded="")
                   .select_related("unit", "decider").order_by("peer_group", "sort_key"))
    exceptions = list(QuotaException.objects.filter(decider=decider, period_label=ref.label))
    by_group: dict[str, list[Rating]] = defaultdict(list)
    for r in ratings:
        by_group[r.peer_group].append(r)
    groups = []
    defaults = rating_defaults()
    for key, rows in by_group.items():
        rule_set = RuleSet(rows[0].rule_set)
        exc = next((e for e in exceptions if key in (e.peer_groups or [])), None)
        ratio = quota_ratio(rule_set, exc.pct if exc else None, defaults=defaults)
        decided = [r for r in rows if r.state in DECIDED_STATES]
        d_htxs = sum(1 for r in decided if r.level == "excellent")
        d_htt = sum(1 for r in decided if r.level == "good")
        open_rows = [r for r in rows if r.state == State.APPRAISED]
        cands = [r for r in open_rows if r.class_status == "candidate"]
        good = d_htt + sum(1 for r in open_rows if r.proposed == "good" and r.class_status != "candidate")
        cand_list = [quota_candidate(r) for r in cands] + [quota_candidate(r) for r in decided if r.level == "excellent"]
        outcome = apply_quota(cand_list, good, ratio.ratio, defaults=defaults) if cand_list else None
        status = {}
        if outcome is not None:
            status.update(dict.fromkeys(outcome.excellent, "excellent"))
            status.update(dict.fromkeys(outcome.moved_to_good, "moved"))
            status.update(dict.fromkeys(outcome.undecided, "undecided"))
        calib_rows = []
        for r in rows:
            st = status.get(str(r.pk), "")
            if r.class_status == "candidate" and r.state == State.APPRAISED:
                suggested = "good" if st in ("moved", "undecided") else "excellent"
            else:
                suggested = r.proposed
            calib_rows.append(CalibrationRow(r, r.class_status == "candidate", st, suggested,
                                             io.score_fraction(r.score_total_x10), r.state in DECIDED_STATES))
        calib_rows.sort(key=lambda c: (not c.candidate, c.decided, -(c.score or 0), c.r.sort_key))
        groups.append(GroupCalibration(
            key=key, label=group_label(rows[0]), rule_set=rule_set.value, ratio_text=ratio.text,
            ratio_rules=ratio.rules, exception=exc if ratio.exception_applied else None,
            exception_rejected=ratio.exception_rejected, rows=calib_rows, good=good, candidates=len(cand_list),
            outcome=outcome, decided_htxs=d_htxs, decided_htt=d_htt,
            within=within_quota(d_htxs, d_htt, ratio.ratio), pending=len(open_rows)))
    groups.sort(key=lambda g: g.label)
    cycle = covering_cycle(decider, ref.label)
    return Calibration(
        decider=decider, ref=ref, groups=groups,
        decisions=list(RatingDecision.objects.filter(decider=decider, period_label=ref.label)),
        exceptions=exceptions,
        reratings=list(ReRatingDecision.objects.filter(decider=decider, rating__period_label=ref.label)
                       .select_related("rating")),
        can_decide=scope.covers_path(decider.path, write=True),
        rule_set_docs=RULE_SET_DOCS.get(ratings[0].rule_set if ratings else "", ""),
        deadline=cycle.deadline_rating if cycle else None,
        decided_undelivered=sum(1 for r in ratings if r.state == State.DECIDED))


def decision_get(*, actor: Any, decider_id: int, period_label: str, decision_id: int | None) -> RatingDecision:
    decider = org_in_scope(actor=actor, org_id=decider_id)
    ref = parse_period_or_404(period_label)
    qs = RatingDecision.objects.filter(decider=decider, period_label=ref.label).select_related("decider",
                                                                                               "exception")
    d = qs.filter(pk=decision_id).first() if decision_id else qs.first()
    if d is None:
        raise NotFoundOrForbidden()
    return d


def decision_rows(d: RatingDecision) -> list[RatingVersion]:
    return list(RatingVersion.objects.filter(decision=d).select_related("rating", "rating__unit")
                .order_by("rating__sort_key", "rating_id"))


def rerating_get(*, actor: Any, decider_id: int, period_label: str, rerating_id: int | None) -> ReRatingDecision:
    decider = org_in_scope(actor=actor, org_id=decider_id)
    ref = parse_period_or_404(period_label)
    qs = ReRatingDecision.objects.filter(decider=decider, rating__period_label=ref.label).select_related(
        "rating", "rating__unit", "decider")
    d = qs.filter(pk=rerating_id).first() if rerating_id else qs.first()
    if d is None:
        raise NotFoundOrForbidden()
    return d


# ---------------------------------------------------------------------------------------------------
# Records (Mẫu 04) and statistics (AR-69)


def records(*, actor: Any, org_id: int, period_label: str):
    """Every rating of the subtree with its versions, for the list of records (Mẫu 04)."""
    org = org_in_scope(actor=actor, org_id=org_id)
    ref = parse_period_or_404(period_label)
    qs = (Rating.objects.filter(period_label=ref.label, org_path__startswith=org.path)
          .select_related("unit", "decider").order_by("sort_key", "pk"))
    return org, ref, qs


def versions_by_rating(rating_ids: list[int]) -> dict[int, list[RatingVersion]]:
    out: dict[int, list[RatingVersion]] = defaultdict(list)
    for v in (RatingVersion.objects.filter(rating_id__in=rating_ids)
              .select_related("decision", "rerating").order_by("rating_id", "number")):
        out[v.rating_id].append(v)
    return out


def _stats(counts: dict[str, int]) -> Stats:
    levels = {lv: counts.get(lv.value, 0) for lv in LEVELS_BEST_FIRST}
    not_reviewed = {r: counts.get(r, 0) for r in NOT_REVIEWED_REASONS}
    undecided = counts.get("undecided", 0)
    reviewed = sum(levels.values()) + undecided
    return Stats(
        eligible=reviewed + sum(not_reviewed.values()), reviewed=reviewed, not_reviewed=not_reviewed,
        levels=levels, undecided=undecided, gaps=counts.get("flag:gap", 0),
        overrides=counts.get("flag:overridden", 0), mitigations=counts.get("flag:mitigation", 0),
        quota_cuts=counts.get("flag:quota_cut", 0), reratings=counts.get("flag:rerated", 0),
        permille_of_reviewed={lv: permille(levels[lv], reviewed) for lv in LEVELS_BEST_FIRST})


@dataclass
class GroupUse:
    key: str
    label: str
    htxs: int
    htt: int
    ratio_text: str
    exception: str | None
    within: bool
    stats: Stats


@dataclass
class StatsView:
    org: Organization
    ref: io.PeriodRef
    total: Stats
    by_type: list[tuple[str, Stats]]
    by_child: list[tuple[Organization, Stats]]
    own_unit: Stats | None
    groups: list[GroupUse]
    groups_total: int
    groups_over: int
    late: int
    rule_sets: list[str]
    reports: list[StatsReport] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        def one(s: Stats) -> dict[str, Any]:
            return {"eligible": s.eligible, "reviewed": s.reviewed, "not_reviewed": s.not_reviewed,
                    "levels": {k.value: v for k, v in s.levels.items()}, "undecided": s.undecided,
                    "permille": {k.value: v for k, v in s.permille_of_reviewed.items()}, "gaps": s.gaps,
                    "overrides": s.overrides, "mitigations": s.mitigations, "quota_cuts": s.quota_cuts,
                    "reratings": s.reratings, "children": s.children}

        return {"org": self.org.name, "period": self.ref.label, "rule_sets": self.rule_sets,
                "total": one(self.total), "by_type": {k: one(v) for k, v in self.by_type},
                "groups_total": self.groups_total, "groups_over": self.groups_over}


GROUPS_ON_PAGE = 300


def rating_stats(*, actor: Any, org_id: int, period_label: str, all_groups: bool = False) -> StatsView:
    """Statistics of a subtree and period (AR-69), summed from the per-unit tallies with one indexed prefix
    match: totals, per subject type, per direct child (roll-up with the number of children), per peer group
    with the quota use (AR-33), re-ratings, late decisions."""
    org = org_in_scope(actor=actor, org_id=org_id)
    ref = parse_period_or_404(period_label)
    base = RatingTally.objects.filter(period_label=ref.label, org_path__startswith=org.path)
    # one pass over the subtree's tallies: per subject type, direct child ('' for the organization's own
    # unit) and category; totals per type, per child, of the own unit and of late decisions are summed here
    cut = len(org.path) + PATH_STEP
    by_type: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    child_counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    own: dict[str, int] = defaultdict(int)
    late = 0
    for st, child, cat, n in (base.annotate(child=Case(When(org_path=org.path, then=Value("")),
                                                       default=Substr("org_path", 1, cut)))
                              .values("subject_type", "child", "category").annotate(s=Sum("n"))
                              .values_list("subject_type", "child", "category", "s")):
        by_type[st][cat] += n
        if child:
            child_counts[child][cat] += n
        else:
            own[cat] += n
        if cat == "flag:late":
            late += n
    type_stats = [(str(SubjectTypeChoice(k).label), _stats(dict(v))) for k, v in sorted(by_type.items())]
    children = {o.path: o for o in Organization.objects.filter(path__in=list(child_counts))}
    by_child = sorted(((children[p], _stats(dict(c))) for p, c in child_counts.items() if p in children),
                      key=lambda x: x[0].sort_key)
    own_stats = _stats(own) if own else None
    total = roll_up([s for _o, s in by_child] + ([own_stats] if own_stats else []))
    groups_total = base.values("peer_group").distinct().count()
    groups: list[GroupUse] = []
    over = 0
    if all_groups or groups_total <= GROUPS_ON_PAGE:
        group_counts: dict[str, dict[str, int]] = defaultdict(dict)
        for key, cat, n in base.values("peer_group", "category").annotate(s=Sum("n")).values_list(
                "peer_group", "category", "s"):
            group_counts[key][cat] = n
        sample = _samples(ref.label, group_counts)
        exceptions = list(QuotaException.objects.filter(period_label=ref.label))
        for key, counts in group_counts.items():
            r = sample.get(key)
            rule_set = RuleSet(r.rule_set) if r else RuleSet.QD366
            exc = next((e for e in exceptions if key in (e.peer_groups or [])), None)
            ratio = quota_ratio(rule_set, exc.pct if exc else None, defaults=rating_defaults())
            htxs, htt = counts.get("excellent", 0), counts.get("good", 0)
            ok = within_quota(htxs, htt, ratio.ratio)
            over += 0 if ok else 1
            groups.append(GroupUse(key, group_label(r) if r else key, htxs, htt, ratio.text,
                                   exc.number if exc and ratio.exception_applied else None, ok, _stats(counts)))
        groups.sort(key=lambda g: g.label)
    # a sample of the subtree's rows, unordered: Rating's default ordering (sort_key) would sort the whole
    # subtree first (5.5 million rows at the root) to take 1,000
    rule_sets = sorted(set(Rating.objects.filter(period_label=ref.label, org_path__startswith=org.path)
                           .order_by().values_list("rule_set", flat=True)[:1000]))
    reports = list(StatsReport.objects.filter(org_path=org.path, period_label=ref.label)[:20])
    return StatsView(org=org, ref=ref, total=total, by_type=type_stats, by_child=by_child, own_unit=own_stats,
                     groups=groups, groups_total=groups_total, groups_over=over, late=late, rule_sets=rule_sets,
                     reports=reports)


def _samples(period_label: str, keys) -> dict[str, Rating]:
    """One rating of each peer group (its label and rule set)."""
    from django.db.models import Min

    firsts = (Rating.objects.filter(period_label=period_label, peer_group__in=list(keys)).values("peer_group")
              .annotate(first=Min("pk")).values_list("first", flat=True))
    return {r.peer_group: r for r in Rating.objects.filter(pk__in=list(firsts)).select_related("decider")}


CHART_COLORS = {"excellent": "#1b5e20", "good": "#43a047", "completed": "#f9a825", "not_completed": "#b71c1c",
                "undecided": "#9e9e9e"}


def chart_bars(stats: Stats) -> list[dict[str, Any]]:
    """Bars of the server-rendered SVG level chart: count, permille of the reviewed, geometry."""
    top = max([stats.levels[lv] for lv in LEVELS_BEST_FIRST] + [stats.undecided, 1])
    items = [(LEVEL_CODES[lv.value], str(LevelChoice(lv.value).label), stats.levels[lv],
              stats.permille_of_reviewed.get(lv, 0), lv.value) for lv in LEVELS_BEST_FIRST]
    items.append(("Chưa QĐ", "Chưa có quyết định", stats.undecided, permille(stats.undecided, stats.reviewed),
                  "undecided"))
    return [{"code": code, "label": label, "n": n, "permille": pm, "key": key, "y": 30 * i,
             "w": 330 * n // top, "color": CHART_COLORS[key]} for i, (code, label, n, pm, key) in enumerate(items)]


# ---------------------------------------------------------------------------------------------------
# Disciplinary records, templates, home panel


def discipline_list(*, actor: Any, org_id: int) -> tuple[Organization, QuerySet[DisciplineRecord]]:
    org = org_in_scope(actor=actor, org_id=org_id)
    qs = (DisciplineRecord.objects.filter(org_path__startswith=org.path)
          .select_related("member", "organization", "unit_at_act").order_by("-decision_date", "-pk"))
    return org, qs


def template_list(*, actor: Any, org_id: int) -> tuple[Organization, list[CriteriaTemplate], list[CriteriaTemplate]]:
    """Templates issued by this organization, and the ones it inherits (nearest issuer above, or default)."""
    org = org_in_scope(actor=actor, org_id=org_id)
    own = list(CriteriaTemplate.objects.filter(issuer_path=org.path).order_by("subject_type", "-version"))
    from .services import template_for

    inherited = [template_for(org.path, t) for t in SubjectTypeChoice.values]
    return org, own, inherited


@dataclass
class PanelCycle:
    cycle: RatingCycle
    org: Organization
    undecided: int
    total: int


def panel_data(*, actor: Any) -> tuple[list[PanelCycle], list[Rating]]:
    scope = scope_for(actor)
    out = []
    if scope.read_paths:
        above = {a for p in scope.read_paths for a in ancestor_paths(p)}
        cycles = (RatingCycle.objects.filter(status=RatingCycle.Status.OPEN)
                  .filter(scope.q("org_path") | Q(org_path__in=above)).select_related("organization")
                  .order_by("deadline_rating")[:6])
        for c in cycles:
            view_org = c.organization if scope.covers_path(c.org_path) else None
            if view_org is None:
                root = next((p for p in scope.read_paths if p.startswith(c.org_path)), None)
                view_org = Organization.objects.filter(path=root).first()
            if view_org is None:
                continue
            counts = RatingTally.objects.filter(period_label=c.period_label, org_path__startswith=view_org.path)
            total = counts.exclude(category__startswith="flag:").exclude(
                category__in=[e for e in Exclusion.values if e]).aggregate(s=Sum("n"))["s"] or 0
            undecided = counts.filter(category="undecided").aggregate(s=Sum("n"))["s"] or 0
            out.append(PanelCycle(c, view_org, undecided, total))
    mine = [r for r in my_ratings(actor=actor) if r.state in (State.DRAFT, State.SELF_ASSESSED, State.ANNOUNCED)]
    return out, mine[:5]
