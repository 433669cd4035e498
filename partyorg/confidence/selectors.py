"""Reads of the confidence-vote area. Every read takes the actor and applies ``scope_for(actor)``.

Who sees what (CV-46, OP-7):

* staff and leaders whose read scope covers the conference's organization (the organisation office and
  the convening body): everything of the conference, every result row;
* staff whose read scope covers a rated person's managing authority: that person's result row and case;
* a rated person: their own row, once the results are reported (COUNTED -> REPORTED informs them);
* a convened voter: the conference heading, the link to vote and the receipt check; the result table only
  when the conference's publication setting says so (``voters`` after the report, ``public`` for
  NQ 96/2023 sets). Nobody ever sees a voter's choices: only the domain tally of the frozen papers.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, fields
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Any

from django.conf import settings as django_settings
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from partyorg.ballots.models import BallotPaper, BoxState, Participation
from partyorg.core.errors import NotFoundOrForbidden
from partyorg.core.i18n import pick
from partyorg.core.scopes import get_in_scope, scope_for
from partyorg.domain import confidence as cv
from partyorg.organizations.models import Organization

from .models import CaseState, Conference, ConsequenceCase, Publication, State, Subject

COUNTED_STATES = (State.COUNTED, State.REPORTED, State.CLOSED)
BEFORE_VOTING = (State.PLANNED, State.PREPARING, State.DOSSIERS_SENT, State.OPENED, State.POSTPONED)
OPEN_CASE_STATES = [s for s in CaseState.values if s != CaseState.CLOSED]

BAND_LABELS = {
    "NONE": _("Không quá 1/2 phiếu tín nhiệm thấp"),
    "LOW_GT_1_2": _("Trên 1/2 đến dưới 2/3 phiếu tín nhiệm thấp"),
    "LOW_GE_2_3": _("Từ 2/3 phiếu tín nhiệm thấp trở lên"),
}
# Printed in the (Vietnamese) official documents only: not translated.
BAND_SHORT = {"NONE": "Dưới hoặc bằng 1/2", "LOW_GT_1_2": "Trên 1/2", "LOW_GE_2_3": "Từ 2/3"}


# ---------------------------------------------------------------------------------------------------
# Settings (CV-1, CV-5): deployment defaults < conference overrides; frozen at VOTING


def _value_text(value: Any) -> Any:
    if isinstance(value, StrEnum):
        return value.value
    if isinstance(value, tuple):
        return list(value)
    return value


def settings_to_dict(s: cv.ConfidenceSettings) -> dict[str, Any]:
    return {f.name: _value_text(getattr(s, f.name)) for f in fields(s)}


def settings_from_dict(data: dict[str, Any]) -> cv.ConfidenceSettings:
    """Build domain settings from JSON-ish values; unknown keys are ignored. Raises ConfidenceError."""
    kwargs: dict[str, Any] = {}
    for f in fields(cv.ConfidenceSettings):
        if f.name not in data:
            continue
        default = getattr(cv.DEFAULT_SETTINGS, f.name)
        value = data[f.name]
        try:
            if isinstance(default, StrEnum):
                value = type(default)(value)
            elif isinstance(default, bool):
                value = bool(value)
            elif isinstance(default, tuple):
                value = tuple(int(v) for v in value)
            elif isinstance(default, int) or (f.name == "report_deadline_days" and value is not None):
                value = int(value)
        except (TypeError, ValueError):
            raise cv.ConfidenceError("invalid_setting", f"Cấu hình {f.name} không hợp lệ.",
                                     f"Setting {f.name} is invalid.", rules=("CV-1",), field=f.name)
        kwargs[f.name] = value
    return cv.ConfidenceSettings(**kwargs)


def deployment_settings() -> dict[str, Any]:
    """Deployment-wide overrides of the spec's defaults (``PARTYORG_CONFIDENCE_SETTINGS``)."""
    return dict(getattr(django_settings, "PARTYORG_CONFIDENCE_SETTINGS", {}) or {})


def conference_settings(conf: Conference) -> cv.ConfidenceSettings:
    """The settings a conference runs under: frozen ones from VOTING on (CV-5), else current ones."""
    if conf.settings_frozen is not None:
        return settings_from_dict(conf.settings_frozen)
    return settings_from_dict({**deployment_settings(), **(conf.settings_overrides or {})})


def defaults_dicts(items: Any) -> list[dict[str, Any]]:
    return [{"point": d.point, "parameter": d.parameter, "value": d.value, "standard": d.standard} for d in items]


def defaults_applied(conf: Conference) -> list[dict[str, Any]]:
    """CV-1: what every output prints. Frozen lists from VOTING on; before that the current settings."""
    if conf.defaults_applied:
        return conf.defaults_applied
    try:
        return defaults_dicts(cv.merge_defaults(conference_settings(conf).report()))
    except cv.ConfidenceError:
        return []


def rule_set_label(code: str) -> str:
    try:
        return cv.RuleSet(code).label_vi
    except ValueError:
        return code


# ---------------------------------------------------------------------------------------------------
# Conferences


def conference_qs(*, actor: Any, write: bool = False) -> QuerySet[Conference]:
    return Conference.objects.filter(scope_for(actor).q("org_path", write=write))


def conference_get(*, actor: Any, conference_id: int, write: bool = False) -> Conference:
    """A conference inside the actor's (read or write) scope, or 404."""
    return get_in_scope(Conference.objects.select_related("organization", "box"),
                        scope_for(actor).q("org_path", write=write), pk=conference_id)


@dataclass
class Access:
    """What the actor may see of one conference."""

    staff: bool = False           # read scope over the conference's organization
    write: bool = False
    voter: bool = False           # on the roster
    subject_ids: set[int] = field(default_factory=set)    # own rows (a rated person)
    authority_ids: set[int] = field(default_factory=set)  # rows of persons whose authority the actor covers
    all_rows: bool = False        # publication lets the actor see every row

    @property
    def any(self) -> bool:
        return self.staff or self.voter or bool(self.subject_ids) or bool(self.authority_ids) or self.all_rows


def conference_access(*, actor: Any, conf: Conference) -> Access:
    scope = scope_for(actor)
    acc = Access()
    if scope.covers_path(conf.org_path):
        acc.staff = acc.all_rows = True
        acc.write = scope.covers_path(conf.org_path, write=True)
        return acc
    own = getattr(actor, "member_id", None) if getattr(actor, "is_authenticated", False) else None
    if own and conf.box_id:
        acc.voter = Participation.objects.filter(box_id=conf.box_id, member_id=own).exists()
    reported = conf.state in (State.REPORTED, State.CLOSED)
    if own and reported:
        acc.subject_ids = set(Subject.objects.filter(conference=conf, member_id=own, removed=False)
                              .values_list("pk", flat=True))
    if scope.read_paths and conf.state in COUNTED_STATES:
        for s in Subject.objects.filter(conference=conf, removed=False).select_related("managing_authority"):
            if s.managing_authority is not None and scope.covers_path(s.managing_authority.path):
                acc.authority_ids.add(s.pk)
    if reported and (conf.publication == Publication.PUBLIC
                     or (conf.publication == Publication.VOTERS and acc.voter)):
        acc.all_rows = True
    return acc


def conference_for_view(*, actor: Any, conference_id: int) -> tuple[Conference, Access]:
    conf = Conference.objects.select_related("organization", "box").filter(pk=conference_id).first()
    if conf is None:
        raise NotFoundOrForbidden()
    acc = conference_access(actor=actor, conf=conf)
    if not acc.any:
        raise NotFoundOrForbidden()
    return conf, acc


def conference_list(*, actor: Any, state: str = "", org_id: int | None = None) -> QuerySet[Conference]:
    qs = conference_qs(actor=actor).select_related("organization")
    if org_id:
        org = get_in_scope(Organization.objects, scope_for(actor).q("path"), pk=org_id)
        qs = qs.filter(org_path__startswith=org.path)
    if state:
        qs = qs.filter(state=state)
    return qs.order_by("-vote_date", "-id")


@dataclass
class MyVote:
    conference: Conference
    voted: bool
    present: bool
    box_open: bool
    box_closed: bool


def my_votes(*, actor: Any) -> list[MyVote]:
    """Conferences the actor is convened to (as a party member with an account)."""
    own = getattr(actor, "member_id", None)
    if not own:
        return []
    parts = {p.box_id: p for p in Participation.objects.filter(member_id=own, box__kind="confidence")}
    confs = Conference.objects.filter(box_id__in=list(parts)).exclude(state=State.CANCELLED).select_related("box")
    return [MyVote(c, parts[c.box_id].voted, parts[c.box_id].present, c.box.state == BoxState.OPEN,
                   c.box.state == BoxState.CLOSED) for c in confs.order_by("-vote_date", "-id")]


def my_results(*, actor: Any) -> list[Subject]:
    """The actor's own result rows (CV-46: the rated person receives their row, once reported)."""
    own = getattr(actor, "member_id", None)
    if not own:
        return []
    return list(Subject.objects.filter(member_id=own, removed=False, exempt=False,
                                       conference__state__in=[State.REPORTED, State.CLOSED])
                .select_related("conference").order_by("-conference__vote_date"))


def subjects_of(conf: Conference) -> list[Subject]:
    return list(Subject.objects.filter(conference=conf).select_related("member", "managing_authority", "case")
                .order_by("removed", "exempt", "order", "id"))


def ballot_subjects(conf: Conference) -> list[Subject]:
    """The rated persons on the ballot, in the organiser's order (CV-23, OP-14)."""
    return list(Subject.objects.filter(conference=conf, removed=False, exempt=False).order_by("order", "id"))


def visible_rows(*, conf: Conference, acc: Access) -> list[Subject]:
    """Result rows the actor may see (CV-46)."""
    rows = ballot_subjects(conf)
    if acc.all_rows:
        return rows
    allowed = acc.subject_ids | acc.authority_ids
    return [s for s in rows if s.pk in allowed]


@dataclass
class RosterRow:
    member_id: int
    full_name: str
    present: bool
    issued: bool
    voted: bool
    has_account: bool


def roster_of(conf: Conference) -> list[RosterRow]:
    if conf.box_id is None:
        return []
    rows = (Participation.objects.filter(box_id=conf.box_id).select_related("member", "member__user_account")
            .order_by("member__sort_key", "member_id"))
    out = []
    for p in rows:
        has_account = hasattr(p.member, "user_account") and p.member.user_account is not None
        out.append(RosterRow(p.member_id, p.member.full_name, p.present, p.ballot_issued, p.voted, has_account))
    return out


def box_counts(conf: Conference) -> dict[str, int]:
    """Live counts of the conference's box (convened, present, issued, papers so far)."""
    from partyorg.ballots.services import participation_counts

    if conf.box is None:
        return {"convened": 0, "present": 0, "issued": 0, "voted_electronically": 0, "kiosk_codes_used": 0,
                "papers": 0}
    counts = participation_counts(conf.box)
    counts["papers"] = BallotPaper.objects.filter(box_id=conf.box_id).count()
    return counts


def papers_so_far(conf: Conference) -> int:
    """Ballots already in the box or being entered (CV-33: re-hold or cancel only with none)."""
    from partyorg.ballots.models import PaperEntry

    if conf.box_id is None:
        return 0
    entered = PaperEntry.objects.filter(box_id=conf.box_id).values("paper_no").distinct().count()
    return BallotPaper.objects.filter(box_id=conf.box_id).count() + entered


# ---------------------------------------------------------------------------------------------------
# Dossier deadlines and reminders (CV-20, OP-8; CV-44, OP-7)


@dataclass
class DeadlineRow:
    milestone: str
    label: str
    due: date
    days_before: int
    done_on: date | None
    late: bool
    soon: bool


def deadlines_of(conf: Conference, *, today: date) -> list[DeadlineRow]:
    settings = conference_settings(conf)
    done = {k: date.fromisoformat(v) for k, v in (conf.milestones or {}).items() if v}
    out = []
    for d in cv.dossier_deadlines(conf.vote_date, settings):
        got = done.get(d.milestone.value)
        late = (got is not None and got > d.due) or (got is None and today > d.due)
        soon = got is None and today <= d.due <= today + timedelta(days=7)
        out.append(DeadlineRow(d.milestone.value, pick(d.label_vi, d.label_en), d.due, d.days_before, got, late, soon))
    return out


@dataclass
class Reminder:
    conference: Conference
    text: str
    due: date
    late: bool


def reminders(*, actor: Any, today: date, limit: int = 8) -> list[Reminder]:
    """Dossier deadlines due within a week or missed, for conferences not yet voting (home page)."""
    out: list[Reminder] = []
    for conf in conference_qs(actor=actor).filter(state__in=BEFORE_VOTING).order_by("vote_date")[:50]:
        for row in deadlines_of(conf, today=today):
            if row.done_on is None and (row.late or row.soon):
                out.append(Reminder(conf, f"{row.label} (D-{row.days_before})", row.due, row.late))
    out.sort(key=lambda r: (r.due, r.conference.pk))
    return out[:limit]


def dossier_check(s: Subject) -> cv.DossierCheck:
    return cv.check_dossier(cv.DossierFacts(
        self_assessment=s.self_assessment_on is not None,
        declaration_signed_by_declarant=s.declaration_signed_declarant and bool(s.declaration_ref.strip()),
        declaration_signed_by_receiver=s.declaration_signed_receiver and bool(s.declaration_ref.strip()),
        points_raised=s.points_raised, explanatory_report=s.explanation_on is not None))


# Vietnamese (the services build the Vietnamese half of their messages from them); pages translate them.
DOSSIER_ITEM_LABELS = {
    "self_assessment": gettext_noop("Báo cáo tự kiểm điểm, đánh giá"),
    "asset_income_declaration": gettext_noop("Bản kê khai tài sản, thu nhập (có chữ ký người kê khai và người nhận)"),
    "explanatory_report": gettext_noop("Báo cáo giải trình"),
}


# ---------------------------------------------------------------------------------------------------
# Consequence cases


def case_qs(*, actor: Any, write: bool = False) -> QuerySet[ConsequenceCase]:
    scope = scope_for(actor)
    return ConsequenceCase.objects.filter(scope.q("org_path", write=write) | scope.q("authority_path", write=write))


def case_get(*, actor: Any, case_id: int, write: bool = False) -> ConsequenceCase:
    case = case_qs(actor=actor).select_related("conference", "authority").filter(pk=case_id).first()
    if case is None:
        raise NotFoundOrForbidden()
    if write and not case_qs(actor=actor, write=True).filter(pk=case_id).exists():
        from partyorg.core.errors import Forbidden

        raise Forbidden()
    return case


def case_list(*, actor: Any, open_only: bool = False) -> QuerySet[ConsequenceCase]:
    qs = case_qs(actor=actor).select_related("conference", "authority")
    if open_only:
        qs = qs.filter(state__in=OPEN_CASE_STATES)
    return qs.order_by("closed_on", "due_on", "id")


def case_reminder_due(case: ConsequenceCase, *, today: date) -> bool:
    from .services import case_domain

    return cv.case_reminder_due(case_domain(case), today=today, settings=conference_settings(case.conference))


def allowed_case_actions(case: ConsequenceCase) -> tuple[str, ...]:
    from .services import case_domain

    return cv.allowed_case_actions(case_domain(case))


# ---------------------------------------------------------------------------------------------------
# Annual rating hook (AR-23(b) reads it)


def low_confidence_over_half(member_id: int, year: int) -> bool | None:
    """Whether more than half of the ballots collected were "low confidence" for the member in a vote
    held in ``year`` (``2*L > N``, i.e. a band other than NONE, CV-34). None when no counted vote of that
    year rated the member. For a cadre rated in two places (CV-38) the level recorded by the managing
    authority wins once recorded; before that, any place over one half counts."""
    rows = list(Subject.objects.filter(member_id=member_id, removed=False, exempt=False,
                                       conference__vote_date__year=year,
                                       conference__state__in=COUNTED_STATES)
                .exclude(band="").values_list("band", "case_id"))
    if not rows:
        return None
    levels = list(ConsequenceCase.objects.filter(pk__in=[c for _b, c in rows if c])
              .exclude(level="").values_list("level", flat=True))
    if levels:
        return any(lv != cv.Band.NONE.value for lv in levels)
    return any(b != cv.Band.NONE.value for b, _c in rows)


# ---------------------------------------------------------------------------------------------------
# Statistics over a subtree and a period


@dataclass
class Stats:
    org: Organization | None
    date_from: date | None
    date_to: date | None
    votes_held: int = 0
    votes_planned: int = 0
    subjects_rated: int = 0
    exempt: int = 0
    by_band: dict[str, int] = field(default_factory=dict)
    by_rule_set: dict[str, int] = field(default_factory=dict)
    exemption_reasons: dict[str, int] = field(default_factory=dict)
    over_half: list[Subject] = field(default_factory=list)
    open_cases: int = 0


def statistics(*, actor: Any, org_id: int | None = None, date_from: date | None = None,
               date_to: date | None = None) -> Stats:
    scope = scope_for(actor)
    org = None
    qs = conference_qs(actor=actor).exclude(state=State.CANCELLED)
    if org_id:
        org = get_in_scope(Organization.objects, scope.q("path"), pk=org_id)
        qs = qs.filter(org_path__startswith=org.path)
    if date_from:
        qs = qs.filter(vote_date__gte=date_from)
    if date_to:
        qs = qs.filter(vote_date__lte=date_to)
    st = Stats(org, date_from, date_to)
    held = qs.filter(state__in=COUNTED_STATES)
    st.votes_held = held.count()
    st.votes_planned = qs.exclude(state__in=COUNTED_STATES).count()
    st.by_rule_set = dict(Counter(held.values_list("rule_set", flat=True)))
    rated = Subject.objects.filter(conference__in=held, removed=False, exempt=False).exclude(band="")
    st.subjects_rated = rated.count()
    exempt = Subject.objects.filter(conference__in=held, removed=False, exempt=True)
    st.exempt = exempt.count()
    reasons: Counter[str] = Counter()
    for rs in exempt.values_list("exemption_reasons", flat=True):
        reasons.update(rs or [])
    st.exemption_reasons = {pick(cv.ExemptionReason(k).label_vi, cv.ExemptionReason(k).label_en): v for k, v in reasons.items()}
    st.by_band = {b.value: 0 for b in cv.Band}
    st.by_band.update(dict(Counter(rated.values_list("band", flat=True))))
    st.over_half = list(rated.exclude(band=cv.Band.NONE.value).select_related("conference")
                        .order_by("-conference__vote_date", "full_name"))
    st.open_cases = case_qs(actor=actor).filter(state__in=OPEN_CASE_STATES, conference__in=held).count()
    return st


def pct_text(value: Decimal | None, decimals: int = 2) -> str:
    """The displayed percentage (CV-32: stored exact, printed with the conference's decimals)."""
    if value is None:
        return ""
    return f"{value:.{decimals}f}".replace(".", ",")


def writable_orgs(*, actor: Any) -> list[Organization]:
    scope = scope_for(actor)
    return list(Organization.objects.filter(path__in=scope.write_paths).order_by("path"))


def org_choices(*, actor: Any, limit: int = 400) -> list[Organization]:
    """Organizations the actor may hold a conference in (write scope), not dissolved."""
    scope = scope_for(actor)
    if not scope.write_paths:
        return []
    return list(Organization.objects.filter(scope.q("path", write=True), dissolved_on__isnull=True)
                .exclude(org_type__in=["cell", "party_group"]).order_by("path")[:limit])


def member_candidates(*, actor: Any, conf: Conference, query: str = "", limit: int = 300) -> QuerySet:
    """Members the office may convene or name: inside the actor's read scope and the conference's
    organization subtree, filtered by a name query."""
    from partyorg.domain import names
    from partyorg.members.models import ACTIVE_STATUSES, Member

    qs = Member.objects.filter(scope_for(actor).member_q(), org_path__startswith=conf.org_path,
                               status__in=list(ACTIVE_STATUSES))
    for term in names.search_terms(query):
        qs = qs.filter(search_text__contains=term)
    return qs.order_by("sort_key", "id")[:limit]


def positions_holders(conf: Conference) -> QuerySet:
    from partyorg.members.models import Member

    return Member.objects.filter(Q(positions__organization_id=conf.organization_id,
                                   positions__end_on__isnull=True)).distinct().order_by("sort_key", "id")
