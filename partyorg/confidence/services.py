"""Confidence rating votes: one service per use case and per lifecycle transition (spec §4).

Every service opens one transaction, fetches the conference (or case) inside the actor's WRITE scope with
its row locked, asks :mod:`partyorg.domain.confidence` for the decision (``conference_transition`` for
every state change, ``decide_exemption``, ``decide_quorum``, ``tally_ballots``, ``compute_results``,
``open_case`` and the ``record_*`` case transitions), writes, and appends an audit event in the same
transaction. Views never set ``state``.

Ballots are handled by the shared secret-ballot app (:mod:`partyorg.ballots`): the conference's box is
created when the list of rated persons is fixed (PLANNED -> PREPARING), its participation rows are the
roster, it opens at OPENED -> VOTING and closes (freezing the papers) at VOTING -> COUNTED, whose tally
comes only from the domain function over ``ballot_papers(box)``, electronic and paper together.

Locking: the conference row (``select_for_update``) is locked first, then the ballot box (inside the
ballots services), then consequence cases. Audit entries never carry a ballot paper id or a receipt.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from partyorg.ballots import services as ballots
from partyorg.ballots.models import BallotBox, BoxState, Participation
from partyorg.core.audit import audit_record
from partyorg.core.errors import (
    ApplicationError,
    ErrorList,
    FieldError,
    Forbidden,
    NotFoundOrForbidden,
    StateConflict,
    ValidationFailed,
)
from partyorg.core.scopes import scope_for
from partyorg.domain import confidence as cv
from partyorg.members.models import LEADERSHIP_TITLES, HowObtained, Member, Position, PositionTitle
from partyorg.organizations.models import Organization, OrgType

from . import selectors
from .models import (
    BodyKind,
    CaseState,
    CommitteeMember,
    Conference,
    ConsequenceCase,
    Publication,
    State,
    Subject,
    SubjectSource,
)

BOX_KIND = "confidence"

#: Marks of a confidence ballot row. H/M/L are the three boxes (CV-23); the paper-only codes let the
#: counting committee type what a paper row shows (CV-24 b, c). The box stores the Vietnamese labels;
#: the ballot pages translate them (gettext_noop only marks them for the catalogue).
MARK_CHOICES: list[dict[str, Any]] = [
    {"code": "H", "key": "1", "label": gettext_noop("Tín nhiệm cao")},
    {"code": "M", "key": "2", "label": gettext_noop("Tín nhiệm")},
    {"code": "L", "key": "3", "label": gettext_noop("Tín nhiệm thấp")},
    {"code": "blank", "key": "0", "label": gettext_noop("Không đánh dấu ô nào"), "paper_only": True},
    {"code": "erased", "key": "8", "label": gettext_noop("Tên bị gạch, xóa"), "paper_only": True},
    {"code": "multi", "key": "9", "label": gettext_noop("Đánh từ hai ô trở lên"), "paper_only": True},
]
#: Whole-ballot findings on a paper (CV-22, CV-24 a, CV-25, CV-26).
FLAG_CHOICES: list[dict[str, Any]] = [
    {"code": "not_issued", "key": "x", "label": gettext_noop("Không phải phiếu do Ban kiểm phiếu phát ra")},
    {"code": "written_in", "key": "t", "label": gettext_noop("Ghi thêm tên ngoài danh sách")},
    {"code": "other_content", "key": "k", "label": gettext_noop("Ghi thêm nội dung khác")},
]

#: The organiser's default position order on the ballot (OP-14).
TITLE_ORDER = [PositionTitle.SECRETARY, PositionTitle.DEPUTY_SECRETARY, PositionTitle.CHAIR_PEOPLES_COUNCIL,
               PositionTitle.CHAIR_PEOPLES_COMMITTEE, PositionTitle.STANDING_MEMBER,
               PositionTitle.ORG_COMMISSION_HEAD, PositionTitle.INSPECTION_HEAD,
               PositionTitle.ORG_COMMISSION_DEPUTY]

#: Per-conference settings the office may change before VOTING (the rest is deployment configuration).
EDITABLE_SETTINGS = ("invalidity_scope", "qd96_serious_illness_exemption", "nq96_quorum", "case_reminder_days",
                     "dossier_to_office_days", "dossiers_to_voters_days", "questions_to_person_days",
                     "last_explanation_days", "planning_hold_on_counted")

_STATE_CODES = {"transition_not_allowed", "quorum_not_met", "nothing_collected", "voting_in_progress",
                "cases_open", "dossiers_incomplete"}


# ---------------------------------------------------------------------------------------------------
# Helpers


def app_error(exc: cv.ConfidenceError) -> ApplicationError:
    """A domain refusal as an application error: bilingual, naming the field and the rule IDs."""
    rules = f" ({', '.join(exc.rules)})" if exc.rules else ""
    vi = exc.message_vi.rstrip(". ") + rules + "."
    en = exc.message_en.rstrip(". ") + rules + "."
    if isinstance(exc, cv.ConsistencyError):
        return ValidationFailed(vi, en, code=exc.code, errors=[
            FieldError(v.field, f"{v.message_vi} ({v.rule})", f"{v.message_en} ({v.rule})") for v in exc.violations])
    cls = StateConflict if exc.code in _STATE_CODES else ApplicationError
    return cls(vi, en, field=exc.field, code=exc.code)


def _today(today: date | None) -> date:
    return today or timezone.localdate()


def _conference(actor: Any, conference_id: int, *, lock: bool = True) -> Conference:
    """Fetch a conference in the actor's WRITE scope, row locked (404 outside the read scope)."""
    qs = Conference.objects.select_for_update() if lock else Conference.objects
    conf = qs.filter(pk=conference_id).first()
    scope = scope_for(actor)
    if conf is None or not scope.covers_path(conf.org_path):
        raise NotFoundOrForbidden()
    if not scope.covers_path(conf.org_path, write=True):
        raise Forbidden()
    return conf


def _require_state(conf: Conference, *states: str, what: str = "") -> None:
    if conf.state not in states:
        labels = ", ".join(str(State(s).label) for s in states)
        raise StateConflict(f"Chỉ {what or 'thực hiện'} khi hội nghị ở bước: {labels} (hiện tại: "
                            f"{State(conf.state).label}).",
                            f"Only allowed in state(s) {', '.join(states)} (now {conf.state}).", field="state")


def _move(conf: Conference, target: str, **guards: Any) -> cv.TransitionDecision:
    """Check the §4 transition with the domain and apply it to the (locked) row; the caller saves."""
    try:
        decision = cv.conference_transition(cv.ConferenceState(conf.state), cv.ConferenceState(target), **guards)
    except cv.ConfidenceError as exc:
        raise app_error(exc)
    conf.state = target
    conf.state_times = {**(conf.state_times or {}), target: timezone.now().isoformat(timespec="seconds")}
    return decision


def _audit(actor: Any, conf: Conference, action: str, *, before: Any = None, after: Any = None) -> None:
    audit_record(actor=actor, action=f"confidence.{action}", target=conf, org_path=conf.org_path,
                 before=before, after=after)


def _notice_dicts(notices: Sequence[cv.Notice]) -> list[dict[str, str]]:
    return [{"code": n.code, "rule": n.rule, "message_vi": n.message_vi, "message_en": n.message_en}
            for n in notices]


# ---------------------------------------------------------------------------------------------------
# Creating and editing a conference (PLANNED)


@dataclass
class ConferenceInput:
    title: str
    voting_body: str
    vote_date: date
    body_kind: str = BodyKind.PARTY
    rule_set: str = ""                 # "" = chosen by date (CV-2, CV-3)
    voter_group: str = ""
    place: str = ""
    term_label: str = ""
    term_start: date | None = None
    publication: str = ""              # "" = the rule set's default (CV-46)
    settings: dict[str, Any] = field(default_factory=dict)


def _select_rule_set(data: ConferenceInput) -> cv.RuleSetSelection:
    try:
        if data.rule_set:
            return cv.explicit_rule_set(cv.RuleSet(data.rule_set), data.vote_date)
        return cv.select_rule_set(vote_date=data.vote_date, body=cv.Body(data.body_kind))
    except ValueError as exc:
        if isinstance(exc, cv.ConfidenceError):
            raise app_error(exc)
        raise ApplicationError("Bộ quy tắc không hợp lệ.", "Unknown rule set.", field="rule_set")


def _validate_input(data: ConferenceInput) -> None:
    errors = ErrorList()
    if not data.title.strip():
        errors.add("title", "Chưa nhập tên hội nghị.", "The title is required.")
    if not data.voting_body.strip():
        errors.add("voting_body", "Chưa nhập thành phần tham gia lấy phiếu (CV-14).",
                   "The voting body is required (CV-14).")
    if data.body_kind not in BodyKind.values:
        errors.add("body_kind", "Loại chức danh không hợp lệ.", "Unknown body kind.")
    if data.publication and data.publication not in Publication.values:
        errors.add("publication", "Chế độ công khai không hợp lệ.", "Unknown publication setting.")
    unknown = set(data.settings) - set(EDITABLE_SETTINGS)
    if unknown:
        errors.add("settings", f"Tham số không được sửa: {', '.join(sorted(unknown))}.",
                   f"Settings not editable here: {', '.join(sorted(unknown))}.")
    errors.raise_if_any()


def _check_settings(overrides: dict[str, Any]) -> cv.ConfidenceSettings:
    try:
        return selectors.settings_from_dict({**selectors.deployment_settings(), **overrides})
    except cv.ConfidenceError as exc:
        raise app_error(exc)


def _warnings(conf: Conference, selection: cv.RuleSetSelection, settings: cv.ConfidenceSettings) -> list[dict]:
    notices = list(selection.warnings)
    if conf.term_start is not None:
        earlier = Conference.objects.filter(organization_id=conf.organization_id, term_start=conf.term_start,
                                            voting_body=conf.voting_body).exclude(pk=conf.pk).exclude(
            state=State.CANCELLED).count()
        notices += cv.timing_warnings(rule_set=selection.rule_set, vote_date=conf.vote_date,
                                      term_start=conf.term_start, ratings_already_in_term=earlier, settings=settings)
    return _notice_dicts(notices)


def _apply_input(conf: Conference, data: ConferenceInput) -> cv.RuleSetSelection:
    selection = _select_rule_set(data)
    settings = _check_settings(data.settings)
    for name in ("title", "voting_body", "voter_group", "place", "term_label"):
        setattr(conf, name, " ".join(str(getattr(data, name)).split()))
    conf.body_kind, conf.vote_date, conf.term_start = data.body_kind, data.vote_date, data.term_start
    conf.rule_set = selection.rule_set.value
    conf.rule_set_explicit = selection.explicit
    conf.rule_set_rules = list(selection.rules)
    conf.settings_overrides = dict(data.settings)
    policy = cv.publication_policy(selection.rule_set, settings)
    conf.publication = data.publication or (Publication.PUBLIC if policy.public else Publication.RESTRICTED)
    conf.warnings = _warnings(conf, selection, settings)
    return selection


def conference_create(*, actor: Any, org_id: int, data: ConferenceInput) -> Conference:
    """– -> PLANNED (office): the rule set is chosen by date or named explicitly (CV-2..CV-4)."""
    _validate_input(data)
    with transaction.atomic():
        org = Organization.objects.select_for_update().filter(pk=org_id).first()
        scope = scope_for(actor)
        if org is None or not scope.covers_path(org.path):
            raise NotFoundOrForbidden()
        if not scope.covers_path(org.path, write=True):
            raise Forbidden()
        if org.dissolved_on is not None:
            raise ApplicationError("Tổ chức đã giải thể hoặc sáp nhập.", "The organization is dissolved.",
                                   field="organization")
        conf = Conference(organization=org, org_path=org.path, state=State.PLANNED)
        selection = _apply_input(conf, data)
        conf.state_times = {State.PLANNED: timezone.now().isoformat(timespec="seconds")}
        conf.save()
        _audit(actor, conf, "create", after={"title": conf.title, "rule_set": conf.rule_set,
                                             "rules": list(selection.rules), "vote_date": conf.vote_date})
        return conf


def conference_update(*, actor: Any, conference_id: int, data: ConferenceInput) -> Conference:
    """Edit a conference before VOTING. The rule set and parameters freeze at VOTING (CV-5)."""
    _validate_input(data)
    with transaction.atomic():
        conf = _conference(actor, conference_id)
        if cv.parameters_frozen(cv.ConferenceState(conf.state)) or conf.state == State.CANCELLED:
            raise StateConflict("Bộ quy tắc và tham số đã cố định từ khi bắt đầu bỏ phiếu (CV-5).",
                                "The rule set and parameters are frozen from VOTING on (CV-5).", field="rule_set")
        before = {"rule_set": conf.rule_set, "vote_date": conf.vote_date, "settings": conf.settings_overrides}
        old_rule_set = conf.rule_set
        if conf.state != State.PLANNED and data.vote_date != conf.vote_date and conf.state != State.POSTPONED:
            raise StateConflict("Chỉ đổi ngày lấy phiếu khi lập kế hoạch hoặc khi hoãn hội nghị.",
                                "The vote date changes only while planning or when postponed.", field="vote_date")
        _apply_input(conf, data)
        if conf.state != State.PLANNED and conf.rule_set != old_rule_set:
            raise StateConflict("Danh sách đã cố định: không đổi bộ quy tắc sau bước lập kế hoạch.",
                                "The list is fixed: the rule set cannot change after planning.", field="rule_set")
        conf.save()
        if conf.state == State.PLANNED:
            _refresh_exemptions(conf)
        _audit(actor, conf, "update", before=before, after={"rule_set": conf.rule_set, "vote_date": conf.vote_date,
                                                            "settings": conf.settings_overrides})
        return conf


# ---------------------------------------------------------------------------------------------------
# Rated persons and exemptions (PLANNED): CV-6..CV-10


def _exemption(conf: Conference, s: Subject, settings: cv.ConfidenceSettings) -> None:
    facts = cv.ExemptionFacts(retirement_notice_issued=s.retirement_notice, appointment_effective_on=s.appointed_on,
                              elected_on=s.elected_on, serious_illness_medically_confirmed=s.serious_illness,
                              consecutive_months_not_running_work=s.months_off)
    try:
        d = cv.decide_exemption(rule_set=cv.RuleSet(conf.rule_set), facts=facts, vote_date=conf.vote_date,
                                settings=settings)
    except cv.ConfidenceError as exc:
        raise app_error(exc)
    s.exempt = d.exempt
    s.exemption_reasons = [r.value for r in d.reasons]
    s.exemption_rules = list(d.rules)


def _other_places(s: Subject, conf: Conference) -> int:
    return (Subject.objects.filter(member_id=s.member_id, removed=False, exempt=False,
                                   conference__vote_date__year=conf.vote_date.year)
            .exclude(conference_id=conf.pk).exclude(conference__state=State.CANCELLED)
            .values("conference_id").distinct().count())


def _refresh_exemptions(conf: Conference) -> None:
    settings = selectors.conference_settings(conf)
    for s in Subject.objects.filter(conference=conf):
        _exemption(conf, s, settings)
        s.other_places = _other_places(s, conf)
        s.save(update_fields=["exempt", "exemption_reasons", "exemption_rules", "other_places"])


def _title_rank(title: str) -> int:
    return TITLE_ORDER.index(title) if title in TITLE_ORDER else len(TITLE_ORDER)


def subjects_generate(*, actor: Any, conference_id: int) -> int:
    """Take the rated persons from the positions registry (CV-6): current holders, on the vote date, of a
    leadership or management title in the conference's organization, if that organization's posts are
    rated (central level or a unit with subordinate units). One row per person listing all their posts
    (CV-10, CV-23). Rows added or removed by hand are kept. Returns the number of persons added."""
    with transaction.atomic():
        conf = _conference(actor, conference_id)
        _require_state(conf, State.PLANNED, what="lấy danh sách từ hồ sơ chức vụ")
        org = conf.organization
        has_children = Organization.objects.filter(parent=org, dissolved_on__isnull=True).exists()
        rated = cv.is_rated_post(holds_leadership_or_management_post=True, central_level=org.org_type == OrgType.CENTRAL,
                                 unit_has_subordinate_units=has_children)
        if not rated.rated:
            raise ApplicationError(
                "Tổ chức này không có đơn vị trực thuộc: chức danh lãnh đạo ở đây không thuộc diện lấy phiếu"
                " (CV-6). Có thể bổ sung thủ công kèm lý do.",
                "This organization has no subordinate units: its posts are not rated (CV-6). Add persons by hand"
                " with a reason if needed.", field="organization")
        positions = (Position.objects.filter(organization=org, end_on__isnull=True, start_on__lte=conf.vote_date,
                                             title__in=[t.value for t in LEADERSHIP_TITLES])
                     .select_related("member").order_by("start_on", "id"))
        by_member: dict[int, list[Position]] = {}
        for p in positions:
            by_member.setdefault(p.member_id, []).append(p)
        existing = {s.member_id: s for s in Subject.objects.filter(conference=conf)}
        next_order = max([s.order for s in existing.values()], default=0)
        ranked = sorted(by_member.items(), key=lambda kv: (min(_title_rank(p.title) for p in kv[1]),
                                                           kv[1][0].member.sort_key))
        added = 0
        settings = selectors.conference_settings(conf)
        for member_id, held in ranked:
            held.sort(key=lambda p: _title_rank(p.title))
            s = existing.get(member_id)
            if s is None:
                next_order += 1
                s = Subject(conference=conf, member=held[0].member, order=next_order, source=SubjectSource.REGISTRY)
                added += 1
            elif s.source != SubjectSource.REGISTRY:
                continue
            s.full_name = held[0].member.full_name
            s.positions = list(dict.fromkeys(p.display_title for p in held))
            s.position_ids = [p.pk for p in held]
            s.managing_authority_id = next((p.managing_authority_id for p in held if p.managing_authority_id), None)
            elected = [p.start_on for p in held if p.how_obtained == HowObtained.ELECTED]
            appointed = [p.start_on for p in held if p.how_obtained != HowObtained.ELECTED]
            s.elected_on = max(elected) if elected else None
            s.appointed_on = max(appointed) if appointed else None
            _exemption(conf, s, settings)
            s.other_places = _other_places(s, conf)
            s.save()
        _audit(actor, conf, "subjects_generate", after={"added": added, "registry_persons": len(by_member),
                                                        "rules": list(rated.rules)})
        return added


def subject_add(*, actor: Any, conference_id: int, member_id: int, position: str, reason: str) -> Subject:
    """Add a rated person by hand (not from the registry), with a reason."""
    errors = ErrorList()
    if not position.strip():
        errors.add("position", "Cần ghi chức vụ để in trên phiếu (CV-23).", "The position is required (CV-23).")
    if not reason.strip():
        errors.add("reason", "Cần ghi lý do bổ sung.", "A reason is required.")
    errors.raise_if_any()
    with transaction.atomic():
        conf = _conference(actor, conference_id)
        _require_state(conf, State.PLANNED, what="bổ sung người được lấy phiếu")
        member = Member.objects.filter(scope_for(actor).member_q(), pk=member_id).first()
        if member is None:
            raise ApplicationError("Không tìm thấy đảng viên trong phạm vi quản lý.", "Member not found in scope.",
                                   field="member")
        if Subject.objects.filter(conference=conf, member=member).exists():
            raise ApplicationError("Người này đã có trong danh sách.", "Already on the list.", field="member")
        if CommitteeMember.objects.filter(conference=conf, member=member).exists():
            raise ApplicationError("Thành viên Ban kiểm phiếu không được là người được lấy phiếu.",
                                   "A counting committee member cannot be rated.", field="member")
        order = (Subject.objects.filter(conference=conf).order_by("-order").values_list("order", flat=True)
                 .first() or 0) + 1
        s = Subject(conference=conf, member=member, full_name=member.full_name, positions=[position.strip()],
                    order=order, source=SubjectSource.MANUAL, adjust_reason=reason.strip())
        _exemption(conf, s, selectors.conference_settings(conf))
        s.other_places = _other_places(s, conf)
        s.save()
        _audit(actor, conf, "subject_add", after={"member_id": member.pk, "position": s.positions,
                                                  "reason": s.adjust_reason})
        return s


def _subject(conf: Conference, subject_id: int) -> Subject:
    s = Subject.objects.select_for_update().filter(conference=conf, pk=subject_id).first()
    if s is None:
        raise NotFoundOrForbidden()
    return s


def subject_remove(*, actor: Any, conference_id: int, subject_id: int, reason: str, restore: bool = False) -> Subject:
    """Take a person off the list by hand, with a reason (or put them back)."""
    if not restore and not reason.strip():
        raise ApplicationError("Cần ghi lý do đưa ra khỏi danh sách.", "A reason is required.", field="reason")
    with transaction.atomic():
        conf = _conference(actor, conference_id)
        _require_state(conf, State.PLANNED, what="điều chỉnh danh sách")
        s = _subject(conf, subject_id)
        s.removed = not restore
        s.adjust_reason = reason.strip()
        s.save(update_fields=["removed", "adjust_reason"])
        _audit(actor, conf, "subject_restore" if restore else "subject_remove",
               after={"member_id": s.member_id, "reason": s.adjust_reason})
        return s


@dataclass
class FactsInput:
    retirement_notice: bool = False
    appointed_on: date | None = None
    elected_on: date | None = None
    serious_illness: bool = False
    months_off: int = 0
    positions: list[str] | None = None


def subject_facts_update(*, actor: Any, conference_id: int, subject_id: int, data: FactsInput) -> Subject:
    """Record the exemption facts of a person and decide the exemption (CV-7, CV-8, OP-2, OP-4)."""
    if data.months_off < 0:
        raise ApplicationError("Số tháng không được âm.", "Months must not be negative.", field="months_off")
    with transaction.atomic():
        conf = _conference(actor, conference_id)
        _require_state(conf, State.PLANNED, what="sửa căn cứ miễn lấy phiếu")
        s = _subject(conf, subject_id)
        before = {"exempt": s.exempt, "reasons": s.exemption_reasons}
        s.retirement_notice, s.appointed_on, s.elected_on = data.retirement_notice, data.appointed_on, data.elected_on
        s.serious_illness, s.months_off = data.serious_illness, data.months_off
        if data.positions is not None:
            titles = [p.strip() for p in data.positions if p.strip()]
            if not titles:
                raise ApplicationError("Cần ít nhất một chức vụ (CV-23).", "At least one position (CV-23).",
                                       field="positions")
            s.positions = titles
        _exemption(conf, s, selectors.conference_settings(conf))
        s.save()
        _audit(actor, conf, "subject_facts", before=before,
               after={"member_id": s.member_id, "exempt": s.exempt, "reasons": s.exemption_reasons,
                      "rules": s.exemption_rules})
        return s


def subjects_reorder(*, actor: Any, conference_id: int, subject_ids: list[int]) -> None:
    """The organiser's order of the rows on the ballot (OP-14)."""
    with transaction.atomic():
        conf = _conference(actor, conference_id)
        _require_state(conf, State.PLANNED, what="sắp xếp thứ tự trên phiếu")
        rows = {s.pk: s for s in Subject.objects.select_for_update().filter(conference=conf)}
        if set(subject_ids) != set(rows) or len(subject_ids) != len(rows):
            raise ApplicationError("Thứ tự phải gồm đủ và không lặp mọi người trong danh sách.",
                                   "The order must list every person once.", field="order")
        for i, pk in enumerate(subject_ids, start=1):
            if rows[pk].order != i:
                rows[pk].order = i
                rows[pk].save(update_fields=["order"])
        _audit(actor, conf, "subjects_reorder", after={"order": subject_ids})


def committee_set(*, actor: Any, conference_id: int, member_ids: list[int], head_id: int | None) -> int:
    """The counting committee (elected by show of hands, OP-14). Its members cannot be rated persons."""
    with transaction.atomic():
        conf = _conference(actor, conference_id)
        _require_state(conf, *selectors.BEFORE_VOTING, what="lập Ban kiểm phiếu")
        ids = list(dict.fromkeys(int(m) for m in member_ids))
        errors = ErrorList()
        if not ids:
            errors.add("members", "Ban kiểm phiếu cần ít nhất một thành viên.", "The committee needs a member.")
        if head_id is not None and head_id not in ids:
            errors.add("head", "Trưởng ban phải là thành viên Ban kiểm phiếu.", "The head must be a member.")
        members = {m.pk: m for m in Member.objects.filter(scope_for(actor).member_q(), pk__in=ids)}
        for m in ids:
            if m not in members:
                errors.add("members", f"Không tìm thấy đảng viên #{m} trong phạm vi.", f"Member #{m} not in scope.")
        rated = dict(Subject.objects.filter(conference=conf, member_id__in=ids, removed=False)
                     .values_list("member_id", "full_name"))
        for _mid, name in rated.items():
            errors.add("members", f"{name} là người được lấy phiếu, không được ở Ban kiểm phiếu.",
                       f"{name} is rated and cannot sit on the counting committee.")
        errors.raise_if_any("Ban kiểm phiếu chưa hợp lệ.", "The counting committee is not valid.")
        CommitteeMember.objects.filter(conference=conf).delete()
        CommitteeMember.objects.bulk_create([CommitteeMember(conference=conf, member=members[m],
                                                             full_name=members[m].full_name,
                                                             is_head=(m == head_id)) for m in ids])
        _audit(actor, conf, "committee_set", after={"members": ids, "head": head_id})
        return len(ids)


# ---------------------------------------------------------------------------------------------------
# PLANNED -> PREPARING: the list is fixed and the ballot box created


def _box_items(conf: Conference) -> list[dict[str, Any]]:
    items = []
    rule_set = cv.RuleSet(conf.rule_set)
    for s in selectors.ballot_subjects(conf):
        try:
            row = cv.ballot_row(rule_set=rule_set, full_name=s.full_name, positions=s.positions)
        except cv.ConfidenceError as exc:
            raise ApplicationError(f"{s.full_name}: {exc.message_vi}", f"{s.full_name}: {exc.message_en}",
                                   field="positions")
        items.append({"id": str(s.pk), "label": row.full_name, "detail": row.position_text})
    return items


def _new_box(conf: Conference) -> BallotBox:
    conf.box_round += 1
    ref = str(conf.pk) if conf.box_round == 1 else f"{conf.pk}-{conf.box_round}"
    return ballots.ballot_box_create(kind=BOX_KIND, ref_id=ref, title=conf.title, org_path=conf.org_path,
                                     items=_box_items(conf), mark_choices=MARK_CHOICES, flag_choices=FLAG_CHOICES)


def conference_prepare(*, actor: Any, conference_id: int) -> Conference:
    """PLANNED -> PREPARING: fix the rated persons and exemptions (CV-6..CV-10), assign each person's
    place (CV-9: a third place in one cycle is refused) and create the ballot box."""
    with transaction.atomic():
        conf = _conference(actor, conference_id)
        on_ballot = selectors.ballot_subjects(conf)
        if conf.state == State.PLANNED and not on_ballot:
            raise ApplicationError("Chưa có người nào trên phiếu.", "Nobody is on the ballot.", field="subjects")
        decision = _move(conf, State.PREPARING)
        _refresh_exemptions(conf)
        on_ballot = selectors.ballot_subjects(conf)
        errors = ErrorList()
        rule_set = cv.RuleSet(conf.rule_set)
        for s in on_ballot:
            fixed_elsewhere = (Subject.objects.filter(member_id=s.member_id, removed=False, exempt=False,
                                                      conference__vote_date__year=conf.vote_date.year)
                               .exclude(conference_id=conf.pk)
                               .exclude(conference__state__in=[State.PLANNED, State.CANCELLED])
                               .values("conference_id").distinct().count())
            try:
                s.place = cv.assign_rating_place(rule_set=rule_set, places_already_rated=fixed_elsewhere).place
            except cv.ConfidenceError as exc:
                errors.add("subjects", f"{s.full_name}: {exc.message_vi} ({', '.join(exc.rules)})",
                           f"{s.full_name}: {exc.message_en} ({', '.join(exc.rules)})")
                continue
            s.save(update_fields=["place"])
        errors.raise_if_any("Danh sách người được lấy phiếu chưa hợp lệ.", "The list of rated persons is not valid.")
        conf.box = _new_box(conf)
        conf.save()
        _audit(actor, conf, "prepare", before={"state": State.PLANNED},
               after={"state": conf.state, "on_ballot": len(on_ballot), "rules": list(decision.rules)})
        return conf


def roster_update(*, actor: Any, conference_id: int, member_ids: list[int]) -> int:
    """Fix who is convened (CV-14): the box's roster, before the vote starts."""
    with transaction.atomic():
        conf = _conference(actor, conference_id)
        _require_state(conf, State.PREPARING, State.DOSSIERS_SENT, State.POSTPONED, what="lập danh sách triệu tập")
        ids = list(dict.fromkeys(int(m) for m in member_ids))
        found = set(Member.objects.filter(scope_for(actor).member_q(), pk__in=ids).values_list("pk", flat=True))
        missing = [m for m in ids if m not in found]
        if missing:
            raise ApplicationError("Có người không thuộc phạm vi quản lý.", "Someone is outside your scope.",
                                   field="members")
        n = ballots.roster_set(box=conf.box, member_ids=ids)
        _audit(actor, conf, "roster", after={"convened": n})
        return n


@dataclass
class DossierInput:
    self_assessment_on: date | None = None
    declaration_ref: str = ""
    declaration_signed_declarant: bool = False
    declaration_signed_receiver: bool = False
    points_raised: bool = False
    questions: str = ""
    explanation_on: date | None = None
    dossier_note: str = ""


def dossier_update(*, actor: Any, conference_id: int, subject_id: int, data: DossierInput) -> Subject:
    """A rated person's dossier (CV-19): self-assessment, asset declaration, explanations."""
    with transaction.atomic():
        conf = _conference(actor, conference_id)
        _require_state(conf, State.PLANNED, State.PREPARING, State.DOSSIERS_SENT, State.POSTPONED,
                       what="cập nhật hồ sơ")
        s = _subject(conf, subject_id)
        for name in ("self_assessment_on", "declaration_signed_declarant", "declaration_signed_receiver",
                     "points_raised", "explanation_on"):
            setattr(s, name, getattr(data, name))
        s.declaration_ref = data.declaration_ref.strip()
        s.questions = data.questions.strip()
        s.dossier_note = data.dossier_note.strip()
        s.save()
        check = selectors.dossier_check(s)
        _audit(actor, conf, "dossier", after={"member_id": s.member_id, "complete": check.complete,
                                              "missing": [m.value for m in check.missing]})
        return s


def milestone_record(*, actor: Any, conference_id: int, milestone: str, done_on: date | None) -> Conference:
    """Record when a CV-20 preparation milestone was done (None clears it)."""
    if milestone not in {m.value for m in cv.Milestone}:
        raise ApplicationError("Mốc không hợp lệ.", "Unknown milestone.", field="milestone")
    with transaction.atomic():
        conf = _conference(actor, conference_id)
        _require_state(conf, *selectors.BEFORE_VOTING, what="ghi mốc chuẩn bị")
        ms = dict(conf.milestones or {})
        if done_on is None:
            ms.pop(milestone, None)
        else:
            ms[milestone] = done_on.isoformat()
        conf.milestones = ms
        conf.save(update_fields=["milestones", "updated_at"])
        _audit(actor, conf, "milestone", after={"milestone": milestone, "done_on": done_on})
        return conf


def conference_send_dossiers(*, actor: Any, conference_id: int, today: date | None = None) -> Conference:
    """PREPARING -> DOSSIERS_SENT: every dossier complete (CV-19) and the voters known; records the
    "dossiers to voters" milestone (CV-20)."""
    with transaction.atomic():
        conf = _conference(actor, conference_id)
        errors = ErrorList()
        for i, s in enumerate(selectors.ballot_subjects(conf)):
            check = selectors.dossier_check(s)
            if not check.complete:
                missing = ", ".join(selectors.DOSSIER_ITEM_LABELS[m.value] for m in check.missing)
                errors.add(f"subjects[{i}]", f"{s.full_name}: thiếu {missing} (CV-19)",
                           f"{s.full_name}: missing {', '.join(m.value for m in check.missing)} (CV-19)")
        if conf.box is None or not Participation.objects.filter(box=conf.box).exists():
            errors.add("roster", "Chưa có danh sách người được triệu tập (CV-14).", "Nobody is convened (CV-14).")
        if conf.state == State.PREPARING and errors:
            errors.raise_if_any("Hồ sơ chưa đầy đủ, chưa thể gửi (CV-19).", "Dossiers incomplete (CV-19).")
        decision = _move(conf, State.DOSSIERS_SENT, dossiers_complete=not errors)
        ms = dict(conf.milestones or {})
        ms.setdefault(cv.Milestone.DOSSIERS_TO_VOTERS.value, _today(today).isoformat())
        conf.milestones = ms
        conf.save()
        _audit(actor, conf, "send_dossiers", before={"state": State.PREPARING},
               after={"state": conf.state, "rules": list(decision.rules)})
        return conf


# ---------------------------------------------------------------------------------------------------
# The conference: attendance, quorum, postponing (CV-17, CV-18)


def attendance_update(*, actor: Any, conference_id: int, present_ids: list[int]) -> int:
    with transaction.atomic():
        conf = _conference(actor, conference_id)
        _require_state(conf, State.DOSSIERS_SENT, State.POSTPONED, State.OPENED, what="điểm danh")
        n = ballots.attendance_set(box=conf.box, present_member_ids=[int(m) for m in present_ids])
        _audit(actor, conf, "attendance", after={"present": n})
        return n


def _quorum(conf: Conference) -> cv.QuorumDecision:
    counts = ballots.participation_counts(conf.box)
    try:
        return cv.decide_quorum(rule_set=cv.RuleSet(conf.rule_set), convened=counts["convened"],
                                present=counts["present"], settings=selectors.conference_settings(conf))
    except cv.ConfidenceError as exc:
        raise app_error(exc)


def _quorum_dict(q: cv.QuorumDecision) -> dict[str, Any]:
    return {"convened": q.convened, "present": q.present, "required": q.required, "reached": q.reached,
            "mode": q.mode.value, "may_proceed": q.may_proceed, "rules": list(q.rules)}


def conference_open(*, actor: Any, conference_id: int) -> Conference:
    """DOSSIERS_SENT -> OPENED (chair): blocked without two thirds present (CV-17); NQ 96/2023 records
    attendance only (CV-18, OP-6)."""
    with transaction.atomic():
        conf = _conference(actor, conference_id)
        if conf.state == State.DOSSIERS_SENT and ballots.participation_counts(conf.box)["convened"] == 0:
            raise ApplicationError("Chưa có danh sách người được triệu tập (CV-14).", "Nobody is convened (CV-14).",
                                   field="roster")
        quorum = _quorum(conf) if conf.box is not None else None
        decision = _move(conf, State.OPENED, quorum=quorum)
        conf.quorum = _quorum_dict(quorum) if quorum else {}
        conf.save()
        _audit(actor, conf, "open", before={"state": State.DOSSIERS_SENT},
               after={"state": conf.state, "quorum": conf.quorum, "rules": list(decision.rules)})
        return conf


def conference_postpone(*, actor: Any, conference_id: int, reason: str) -> Conference:
    """DOSSIERS_SENT -> POSTPONED (quorum failed), or VOTING -> POSTPONED with no ballot collected (CV-33):
    the empty box is closed and a new one is made when the conference is rescheduled."""
    if not reason.strip():
        raise ApplicationError("Cần ghi lý do hoãn.", "A reason is required.", field="reason")
    with transaction.atomic():
        conf = _conference(actor, conference_id)
        before = conf.state
        collected = selectors.papers_so_far(conf) if conf.state == State.VOTING else None
        decision = _move(conf, State.POSTPONED, collected=collected)
        if before == State.VOTING:
            ballots.ballot_box_close(actor=actor, box_id=conf.box_id)
        conf.status_note = reason.strip()
        conf.save()
        _audit(actor, conf, "postpone", before={"state": before},
               after={"state": conf.state, "reason": conf.status_note, "rules": list(decision.rules)})
        return conf


def conference_reschedule(*, actor: Any, conference_id: int, vote_date: date) -> Conference:
    """POSTPONED -> DOSSIERS_SENT with a new date; attendance is taken again. A conference postponed
    during the vote gets a fresh ballot box with the same roster."""
    with transaction.atomic():
        conf = _conference(actor, conference_id)
        decision = _move(conf, State.DOSSIERS_SENT)
        if conf.rule_set_explicit:
            selection = cv.explicit_rule_set(cv.RuleSet(conf.rule_set), vote_date)
        else:
            try:
                selection = cv.select_rule_set(vote_date=vote_date, body=cv.Body(conf.body_kind))
            except cv.ConfidenceError as exc:
                raise app_error(exc)
        if selection.rule_set.value != conf.rule_set:
            raise ApplicationError("Ngày mới làm thay đổi bộ quy tắc: hãy hủy và lập hội nghị mới.",
                                   "The new date changes the rule set: cancel and plan a new conference.",
                                   field="vote_date")
        old_date, conf.vote_date = conf.vote_date, vote_date
        box = BallotBox.objects.select_for_update().get(pk=conf.box_id)
        roster = list(Participation.objects.filter(box=box).values_list("member_id", flat=True))
        if box.state == BoxState.CLOSED:
            conf.box = _new_box(conf)
            ballots.roster_set(box=conf.box, member_ids=roster)
        else:
            ballots.attendance_set(box=box, present_member_ids=[])
        conf.quorum = {}
        conf.save()
        _audit(actor, conf, "reschedule", before={"state": State.POSTPONED, "vote_date": old_date},
               after={"state": conf.state, "vote_date": vote_date, "rules": list(decision.rules)})
        return conf


def conference_cancel(*, actor: Any, conference_id: int, reason: str) -> Conference:
    """Before VOTING -> CANCELLED (convening body); VOTING -> CANCELLED only with nothing collected (CV-33)."""
    if not reason.strip():
        raise ApplicationError("Cần ghi lý do hủy.", "A reason is required.", field="reason")
    with transaction.atomic():
        conf = _conference(actor, conference_id)
        before = conf.state
        collected = selectors.papers_so_far(conf) if conf.state == State.VOTING else None
        decision = _move(conf, State.CANCELLED, collected=collected)
        if conf.box_id is not None and BallotBox.objects.filter(pk=conf.box_id, state=BoxState.OPEN).exists():
            ballots.ballot_box_close(actor=actor, box_id=conf.box_id)
        conf.status_note = reason.strip()
        conf.save()
        _audit(actor, conf, "cancel", before={"state": before},
               after={"state": conf.state, "reason": conf.status_note, "rules": list(decision.rules)})
        return conf


# ---------------------------------------------------------------------------------------------------
# OPENED -> VOTING: ballots issued, parameters frozen (CV-5)


def conference_start_voting(*, actor: Any, conference_id: int) -> Conference:
    """OPENED -> VOTING (counting committee issues the ballots). The rule set and every parameter are
    frozen now (CV-5) and recorded with the defaults applied (CV-1); the ballot box opens."""
    with transaction.atomic():
        conf = _conference(actor, conference_id)
        if conf.state == State.OPENED:
            committee = list(CommitteeMember.objects.filter(conference=conf))
            if not committee or not any(c.is_head for c in committee):
                raise ApplicationError("Chưa lập Ban kiểm phiếu (có Trưởng ban) (CV-22).",
                                       "The counting committee (with a head) is not set (CV-22).", field="committee")
            quorum = _quorum(conf)
            if not quorum.may_proceed:
                raise StateConflict("Không đủ hai phần ba số người được triệu tập có mặt (CV-17).",
                                    "Fewer than two thirds of those convened are present (CV-17).", field="present")
        settings = selectors.conference_settings(conf)
        decision = _move(conf, State.VOTING)
        conf.settings_frozen = selectors.settings_to_dict(settings)
        selection_defaults = ((cv.AppliedDefault("CV-4", "assembly_ratings_before_2023_07_01",
                                                 "import_only_explicit_replay_set"),)
                              if conf.rule_set in {r.value for r in cv.REPLAY_RULE_SETS} else ())
        conf.defaults_applied = selectors.defaults_dicts(cv.merge_defaults(
            settings.report(), decision.defaults_applied, selection_defaults))
        conf.quorum = _quorum_dict(_quorum(conf))
        conf.save()
        ballots.ballot_box_open(box=conf.box)
        _audit(actor, conf, "start_voting", before={"state": State.OPENED},
               after={"state": conf.state, "frozen": True, "rules": list(decision.rules)})
        return conf


def paper_ballots_issue(*, actor: Any, conference_id: int, member_ids: list[int]) -> int:
    """Record the present voters who received a paper ballot or an unnamed kiosk slip (CV-22)."""
    with transaction.atomic():
        conf = _conference(actor, conference_id, lock=False)
        _require_state(conf, State.VOTING, what="phát phiếu")
        return ballots.ballots_handed_out(actor=actor, box_id=conf.box_id, member_ids=[int(m) for m in member_ids])


def kiosk_codes_issue(*, actor: Any, conference_id: int, count: int) -> list[str]:
    with transaction.atomic():
        conf = _conference(actor, conference_id, lock=False)
        _require_state(conf, State.VOTING, State.OPENED, what="in mã bỏ phiếu")
        return ballots.kiosk_codes_issue(actor=actor, box_id=conf.box_id, count=count)


# ---------------------------------------------------------------------------------------------------
# VOTING -> COUNTED: freeze the papers, tally with the domain, open the consequence cases


_PAPER_MARKS = {"H": cv.Mark.HIGH, "M": cv.Mark.MEDIUM, "L": cv.Mark.LOW}


class PaperReader:
    """Maps ballot-box payloads to the domain's ballot papers (CV-22..CV-26).

    Row codes: H/M/L one box; ``blank`` (or empty) no box; ``multi`` several boxes; ``erased`` the
    printed name struck out. Flags: ``not_issued`` (not issued by the counting committee),
    ``written_in`` (a name added outside the list), ``other_content`` (other writing; QD262 only).
    Rows are immutable values, so one instance per (person, code) is shared by every paper."""

    def __init__(self, listed: Sequence[str]) -> None:
        self.listed = tuple(listed)
        self._rows: dict[tuple[str, str], cv.BallotRow] = {}

    def _row(self, pid: str, code: str) -> cv.BallotRow:
        key = (pid, code)
        row = self._rows.get(key)
        if row is None:
            if code in _PAPER_MARKS:
                row = cv.BallotRow(pid, frozenset({_PAPER_MARKS[code]}))
            elif code == "multi":
                row = cv.BallotRow(pid, frozenset({cv.Mark.HIGH, cv.Mark.LOW}))
            elif code == "erased":
                row = cv.BallotRow(pid, frozenset(), name_struck_out=True)
            else:
                row = cv.BallotRow(pid)
            self._rows[key] = row
        return row

    def paper(self, payload: dict[str, Any]) -> cv.BallotPaper:
        marks = payload.get("marks", {}) or {}
        flags = payload.get("flags", ()) or ()
        return cv.BallotPaper(tuple(self._row(pid, marks.get(pid, "")) for pid in self.listed),
                              issued_by_counting_committee="not_issued" not in flags,
                              written_in_names=("?",) if "written_in" in flags else (),
                              other_content="other_content" in flags)


def paper_from_payload(payload: dict[str, Any], listed: Sequence[str]) -> cv.BallotPaper:
    """One payload as a domain ballot paper (see :class:`PaperReader`)."""
    return PaperReader(listed).paper(payload)


def tally_papers(*, rule_set: str, listed: Sequence[str], payloads: Sequence[dict[str, Any]],
                 settings: cv.ConfidenceSettings) -> cv.Tally:
    """The domain tally (CV-22..CV-27) of the frozen papers of a box; ``listed`` = the box's items."""
    try:
        reader = PaperReader(listed)
        return cv.tally_ballots(rule_set=cv.RuleSet(rule_set), ballots=(reader.paper(p) for p in payloads),
                                listed=listed, settings=settings)
    except cv.ConfidenceError as exc:
        raise app_error(exc)


def conference_count(*, actor: Any, conference_id: int, today: date | None = None) -> Conference:
    """VOTING -> COUNTED (counting committee signs the minutes).

    Closes the box (every paper ballot entered twice and agreed; papers frozen in random order with a
    hash), tallies ``ballot_papers(box)`` with the domain function, checks consistency (CV-31) and
    ``collected > 0`` (CV-33), stores one result row per rated person (CV-27..CV-34) and opens the
    consequence cases (CV-44). Any refusal rolls the whole step back, the box included."""
    with transaction.atomic():
        conf = _conference(actor, conference_id)
        _require_state(conf, State.VOTING, what="kiểm phiếu")
        settings = selectors.conference_settings(conf)
        box = ballots.ballot_box_close(actor=actor, box_id=conf.box_id)
        payloads = ballots.ballot_papers(box)
        tally = tally_papers(rule_set=conf.rule_set, listed=box.item_ids, payloads=payloads, settings=settings)
        counts = ballots.participation_counts(box)
        report = cv.check_consistency(convened=counts["convened"], present=counts["present"],
                                      issued=counts["issued"], collected=tally.collected, persons=tally.persons)
        if not report.ok:
            raise app_error(cv.ConsistencyError(report.violations))
        decision = _move(conf, State.COUNTED, consistency=report, collected=tally.collected)
        try:
            result = cv.compute_results(rule_set=cv.RuleSet(conf.rule_set), convened=counts["convened"],
                                        present=counts["present"], issued=counts["issued"],
                                        collected=tally.collected, persons=tally.persons, settings=settings)
        except cv.ConfidenceError as exc:
            raise app_error(exc)
        if not result.countable:
            raise StateConflict("Hội nghị không đủ điều kiện kiểm phiếu (CV-17, CV-33).",
                                "The conference cannot be counted (CV-17, CV-33).", field="present")
        by_id = {s.pk: s for s in Subject.objects.select_for_update().filter(conference=conf)}
        for row in result.persons:
            s = by_id[int(row.person_id)]
            c = row.counts
            s.high, s.medium, s.low, s.invalid, s.valid = c.high, c.medium, c.low, c.invalid, c.valid
            s.high_pct, s.medium_pct, s.low_pct = row.high_pct, row.medium_pct, row.low_pct
            s.band = row.band.value if row.band is not None else ""
            s.consequences = [x.value for x in row.consequences]
            s.result_rules = list(row.rules)
            s.save()
        conf.convened, conf.present, conf.issued = counts["convened"], counts["present"], counts["issued"]
        conf.collected, conf.whole_ballot_invalid = tally.collected, tally.whole_ballot_invalid
        conf.quorum = _quorum_dict(result.quorum)
        conf.frozen_hash = box.frozen_hash
        conf.counted_on = _today(today)
        conf.result_rules = list(cv.merge_rules(result.rules, tally.rules, decision.rules,
                                                *(r.rules for r in result.persons)))
        conf.defaults_applied = selectors.defaults_dicts(cv.merge_defaults(
            [cv.AppliedDefault(**d) for d in conf.defaults_applied], tally.defaults_applied,
            result.defaults_applied, decision.defaults_applied, *(r.defaults_applied for r in result.persons)))
        conf.minutes_signatories = [{"full_name": m.full_name, "head": m.is_head}
                                    for m in CommitteeMember.objects.filter(conference=conf)]
        conf.sealed = True
        conf.save()
        opened = _open_cases(actor, conf, settings, conf.counted_on)
        _audit(actor, conf, "count", before={"state": State.VOTING}, after={
            "state": conf.state, "issued": conf.issued, "collected": conf.collected,
            "whole_ballot_invalid": conf.whole_ballot_invalid, "sha256": conf.frozen_hash, "cases_opened": opened,
            "rules": conf.result_rules})
        return conf


# ---------------------------------------------------------------------------------------------------
# Consequence cases (CV-36..CV-45)


def _dref(data: dict[str, Any] | None) -> cv.DecisionRef | None:
    if not data:
        return None
    return cv.DecisionRef(data["number"], date.fromisoformat(data["decided_on"]))


def _dref_dict(ref: cv.DecisionRef | None) -> dict[str, str] | None:
    return None if ref is None else {"number": ref.number, "decided_on": ref.decided_on.isoformat()}


def case_domain(c: ConsequenceCase) -> cv.ConsequenceCase:
    """The stored case as the domain value (every transition goes through the domain functions)."""
    vote = None
    if c.no_confidence_vote:
        v = c.no_confidence_vote
        vote = cv.decide_no_confidence_vote(collected=v["collected"], no_confidence=v["no_confidence"],
                                            issued=v.get("issued"))
    return cv.ConsequenceCase(
        rule_set=cv.RuleSet(c.rule_set),
        results=tuple(cv.PlaceResult(r["place"], cv.Band(r["band"])) for r in c.results),
        level=cv.Band(c.level) if c.level else None, state=cv.CaseState(c.state), opened_on=c.opened_on,
        planning_hold=c.planning_hold, level_decision=_dref(c.level_decision),
        removal_decision=_dref(c.removal_decision), option=cv.Qd96Option(c.option) if c.option else None,
        decision=_dref(c.decision), new_post=c.new_post or None, planning_removed=c.planning_removed,
        no_confidence_vote=vote, closed_on=c.closed_on, rules=tuple(c.rules),
        defaults_applied=tuple(cv.AppliedDefault(**d) for d in c.defaults_applied))


def _case_store(c: ConsequenceCase, d: cv.ConsequenceCase) -> None:
    c.results = [{**(c.results[i] if i < len(c.results) else {}), "place": r.place, "band": r.band.value}
                 for i, r in enumerate(d.results)]
    c.level = d.level.value if d.level is not None else ""
    c.state = d.state.value
    c.planning_hold = d.planning_hold
    c.level_decision = _dref_dict(d.level_decision)
    c.removal_decision = _dref_dict(d.removal_decision)
    c.option = d.option.value if d.option is not None else ""
    c.decision = _dref_dict(d.decision)
    c.new_post = d.new_post or ""
    c.planning_removed = d.planning_removed
    v = d.no_confidence_vote
    c.no_confidence_vote = None if v is None else {"issued": v.issued, "collected": v.collected,
                                                   "no_confidence": v.no_confidence}
    c.closed_on = d.closed_on
    c.rules = list(d.rules)
    c.defaults_applied = selectors.defaults_dicts(d.defaults_applied)


def _case_snapshot(c: ConsequenceCase) -> dict[str, Any]:
    return {"state": c.state, "level": c.level, "planning_hold": c.planning_hold, "option": c.option,
            "decision": c.decision, "removal_decision": c.removal_decision, "closed_on": c.closed_on}


def _authority(conf: Conference, s: Subject) -> Organization:
    if s.managing_authority_id:
        return s.managing_authority
    org = conf.organization
    return org.parent if org.parent_id else org


def _open_cases(actor: Any, conf: Conference, settings: cv.ConfidenceSettings, today: date) -> int:
    """CV-44: one case per person with a band other than NONE; a QD96 cadre rated in two places in the
    cycle gets one case with both results (CV-38, OP-9). Replay sets open none."""
    rule_set = cv.RuleSet(conf.rule_set)
    year = conf.vote_date.year
    opened = 0
    for s in Subject.objects.filter(conference=conf, removed=False, exempt=False).exclude(band="").select_related(
            "managing_authority"):
        rows = [s]
        existing = None
        if rule_set is cv.RuleSet.QD96_2023:
            rows += list(Subject.objects.filter(member_id=s.member_id, removed=False, exempt=False,
                                                conference__rule_set=rule_set.value, conference__vote_date__year=year,
                                                conference__state__in=selectors.COUNTED_STATES)
                         .exclude(pk=s.pk).exclude(band="").order_by("place", "id")[:1])
            existing = (ConsequenceCase.objects.select_for_update()
                        .filter(member_id=s.member_id, cycle_year=year, rule_set=rule_set.value).first())
        if all(r.band == cv.Band.NONE.value for r in rows) and existing is None:
            continue
        rows.sort(key=lambda r: (r.place, r.pk))
        places = [r.place for r in rows]
        if len(set(places)) != len(places) or not set(places) <= {1, 2}:   # defensive
            places = list(range(1, len(rows) + 1))
        results = [cv.PlaceResult(p, cv.Band(r.band)) for p, r in zip(places, rows, strict=True)]
        refs = [{"subject_id": r.pk, "conference_id": r.conference_id} for r in rows]
        if existing is not None and existing.state == CaseState.OPEN and not (
                existing.level_decision or existing.removal_decision or existing.decision):
            d = cv.open_case(rule_set=rule_set, results=results, opened_on=existing.opened_on, settings=settings)
            if d is not None:
                _case_store(existing, d)
                existing.results = [{**ref, "place": r.place, "band": r.band.value} for ref, r in zip(refs, results,
                                                                                                     strict=True)]
                existing.consequences = sorted({*existing.consequences, *s.consequences})
                existing.save()
            Subject.objects.filter(pk__in=[r.pk for r in rows]).update(case=existing)
            continue
        if existing is not None:
            # The case has moved on: keep its decisions, add this place's result for the authority.
            if not any(r.get("subject_id") == s.pk for r in existing.results):
                existing.results = [*existing.results, {"subject_id": s.pk, "conference_id": conf.pk,
                                                        "place": s.place, "band": s.band}]
                existing.note = "Có thêm kết quả nơi thứ hai sau khi đã có quyết định (CV-38)."
                existing.save()
            Subject.objects.filter(pk=s.pk).update(case=existing)
            continue
        d = cv.open_case(rule_set=rule_set, results=results, opened_on=today, settings=settings)
        if d is None:
            continue
        authority = _authority(conf, s)
        case = ConsequenceCase(member_id=s.member_id, full_name=s.full_name, conference=conf, org_path=conf.org_path,
                               authority=authority, authority_path=authority.path, cycle_year=year,
                               rule_set=rule_set.value, consequences=list(s.consequences), opened_on=today,
                               due_on=today + timedelta(days=settings.case_reminder_days))
        _case_store(case, d)
        case.results = [{**ref, "place": r.place, "band": r.band.value} for ref, r in zip(refs, results, strict=True)]
        case.save()
        Subject.objects.filter(pk__in=[r.pk for r in rows]).update(case=case)
        audit_record(actor=actor, action="confidence.case.open", target=case, org_path=case.org_path,
                     after={**_case_snapshot(case), "rules": case.rules})
        opened += 1
    return opened


def _case_for_write(actor: Any, case_id: int) -> ConsequenceCase:
    scope = scope_for(actor)
    case = ConsequenceCase.objects.select_for_update().filter(pk=case_id).first()
    if case is None or not (scope.covers_path(case.org_path) or
                            (case.authority_path and scope.covers_path(case.authority_path))):
        raise NotFoundOrForbidden()
    if not (scope.covers_path(case.org_path, write=True) or
            (case.authority_path and scope.covers_path(case.authority_path, write=True))):
        raise Forbidden()
    return case


def _case_act(*, actor: Any, case_id: int, action: str,
              apply: Callable[[cv.ConsequenceCase, cv.ConfidenceSettings], cv.ConsequenceCase]) -> ConsequenceCase:
    with transaction.atomic():
        case = _case_for_write(actor, case_id)
        before = _case_snapshot(case)
        settings = selectors.conference_settings(case.conference)
        try:
            new = apply(case_domain(case), settings)
        except cv.ConfidenceError as exc:
            raise app_error(exc)
        _case_store(case, new)
        case.save()
        audit_record(actor=actor, action=f"confidence.case.{action}", target=case, org_path=case.org_path,
                     before=before, after={**_case_snapshot(case), "rules": case.rules})
        if case.state == CaseState.CLOSED:
            _close_finished_conferences(case)
        return case


def _ref(number: str, decided_on: date | None) -> cv.DecisionRef:
    if decided_on is None:
        raise cv.ConfidenceError("decision_date_required", "Cần ngày quyết định.", "The decision date is required.",
                                 rules=("CV-44",), field="decided_on")
    return cv.DecisionRef(number.strip(), decided_on)


def case_record_level(*, actor: Any, case_id: int, level: str, number: str, decided_on: date | None) -> ConsequenceCase:
    """CV-38, OP-9: the authority records one level weighing both places."""
    def apply(c: cv.ConsequenceCase, st: cv.ConfidenceSettings) -> cv.ConsequenceCase:
        try:
            band = cv.Band(level)
        except ValueError:
            raise cv.ConfidenceError("bad_level", "Mức không hợp lệ.", "Unknown level.", rules=("CV-38",), field="level")
        return cv.record_consolidated_level(c, level=band, decision=_ref(number, decided_on), settings=st)
    return _case_act(actor=actor, case_id=case_id, action="level", apply=apply)


def case_record_planning_removal(*, actor: Any, case_id: int, number: str, decided_on: date | None) -> ConsequenceCase:
    """CV-36 (a): the removal from planning for higher posts (ends the planning hold)."""
    return _case_act(actor=actor, case_id=case_id, action="planning_removal", apply=lambda c, st:
                     cv.record_planning_removal(c, decision=_ref(number, decided_on)))


@dataclass
class VoteInput:
    collected: int
    no_confidence: int
    issued: int | None = None


def _vote(v: VoteInput) -> cv.NoConfidenceVoteDecision:
    return cv.decide_no_confidence_vote(collected=v.collected, no_confidence=v.no_confidence, issued=v.issued)


def case_record_option(*, actor: Any, case_id: int, option: str, number: str, decided_on: date | None,
                       new_post: str = "", vote: VoteInput | None = None) -> ConsequenceCase:
    """CV-36 (b), CV-45: relief, reassignment, resignation or a vote of no confidence (judged by CV-42)."""
    def apply(c: cv.ConsequenceCase, st: cv.ConfidenceSettings) -> cv.ConsequenceCase:
        try:
            opt = cv.Qd96Option(option)
        except ValueError:
            raise cv.ConfidenceError("bad_option", "Hình thức xử lý không hợp lệ.", "Unknown option.",
                                     rules=("CV-36",), field="option")
        return cv.record_qd96_option(c, option=opt, decision=_ref(number, decided_on), new_post=new_post.strip() or None,
                                     no_confidence_vote=_vote(vote) if vote is not None else None, settings=st)
    return _case_act(actor=actor, case_id=case_id, action="option", apply=apply)


def case_record_relief(*, actor: Any, case_id: int, number: str, decided_on: date | None,
                       new_post: str) -> ConsequenceCase:
    """CV-37: relief from the current post and a lower post."""
    return _case_act(actor=actor, case_id=case_id, action="relief", apply=lambda c, st:
                     cv.record_relief_to_lower_post(c, decision=_ref(number, decided_on), new_post=new_post))


def case_record_consideration(*, actor: Any, case_id: int, removed_from_planning: bool, number: str = "",
                              decided_on: date | None = None) -> ConsequenceCase:
    """CV-39 (QD262): considered; removal from planning optional."""
    return _case_act(actor=actor, case_id=case_id, action="consideration", apply=lambda c, st:
                     cv.record_consideration(c, removed_from_planning=removed_from_planning,
                                             decision=_ref(number, decided_on) if number.strip() else None))


def case_record_resignation(*, actor: Any, case_id: int, number: str, decided_on: date | None) -> ConsequenceCase:
    return _case_act(actor=actor, case_id=case_id, action="resignation", apply=lambda c, st:
                     cv.record_resignation(c, decision=_ref(number, decided_on)))


def case_record_no_confidence_vote(*, actor: Any, case_id: int, vote: VoteInput) -> ConsequenceCase:
    return _case_act(actor=actor, case_id=case_id, action="no_confidence_vote", apply=lambda c, st:
                     cv.record_no_confidence_vote(c, vote=_vote(vote)))


def case_record_retained(*, actor: Any, case_id: int) -> ConsequenceCase:
    return _case_act(actor=actor, case_id=case_id, action="retained", apply=lambda c, st: cv.record_retained(c))


def case_record_dismissal_submission(*, actor: Any, case_id: int, number: str,
                                     decided_on: date | None) -> ConsequenceCase:
    return _case_act(actor=actor, case_id=case_id, action="dismissal_submission", apply=lambda c, st:
                     cv.record_dismissal_submission(c, decision=_ref(number, decided_on)))


def case_record_dismissal(*, actor: Any, case_id: int, number: str, decided_on: date | None) -> ConsequenceCase:
    return _case_act(actor=actor, case_id=case_id, action="dismissal", apply=lambda c, st:
                     cv.record_dismissal(c, decision=_ref(number, decided_on)))


def case_close(*, actor: Any, case_id: int, closed_on: date | None = None) -> ConsequenceCase:
    """outcome -> CLOSED (CV-44, CV-45); the last closed case of a reported conference closes it."""
    return _case_act(actor=actor, case_id=case_id, action="close", apply=lambda c, st:
                     cv.close_case(c, closed_on=_today(closed_on)))


def _open_case_count(conf: Conference) -> int:
    return (ConsequenceCase.objects.filter(subjects__conference=conf).exclude(state=CaseState.CLOSED)
            .distinct().count())


def _close_finished_conferences(case: ConsequenceCase) -> None:
    """REPORTED -> CLOSED (system) for every conference whose last case just closed."""
    conf_ids = {case.conference_id, *Subject.objects.filter(case=case).values_list("conference_id", flat=True)}
    for conf in Conference.objects.select_for_update().filter(pk__in=conf_ids, state=State.REPORTED):
        if _open_case_count(conf) == 0:
            decision = _move(conf, State.CLOSED, open_cases=0)
            conf.save()
            _audit(None, conf, "close", before={"state": State.REPORTED},
                   after={"state": conf.state, "rules": list(decision.rules)})


# ---------------------------------------------------------------------------------------------------
# COUNTED -> REPORTED (CV-35, CV-46)


@dataclass
class ReportInput:
    recipient: str
    number: str
    report_date: date
    informed_on: date | None = None
    publication: str = ""


def conference_report(*, actor: Any, conference_id: int, data: ReportInput) -> Conference:
    """COUNTED -> REPORTED: results sent to the managing authority (CV-35), persons informed (CV-46).
    With no open consequence case the conference closes at once (REPORTED -> CLOSED, system)."""
    errors = ErrorList()
    if not data.recipient.strip():
        errors.add("recipient", "Cần ghi cấp có thẩm quyền nhận báo cáo (CV-35).",
                   "The managing authority is required (CV-35).")
    if not data.number.strip():
        errors.add("number", "Cần ghi số báo cáo.", "The report number is required.")
    if data.publication and data.publication not in Publication.values:
        errors.add("publication", "Chế độ công khai không hợp lệ.", "Unknown publication setting.")
    errors.raise_if_any()
    with transaction.atomic():
        conf = _conference(actor, conference_id)
        if conf.counted_on and data.report_date < conf.counted_on:
            raise ApplicationError("Ngày báo cáo trước ngày kiểm phiếu.", "Report date before the count.",
                                   field="report_date")
        decision = _move(conf, State.REPORTED)
        conf.report_recipient, conf.report_number = data.recipient.strip(), data.number.strip()
        conf.report_date, conf.informed_on = data.report_date, data.informed_on or data.report_date
        if data.publication:
            conf.publication = data.publication
        conf.save()
        _audit(actor, conf, "report", before={"state": State.COUNTED}, after={
            "state": conf.state, "recipient": conf.report_recipient, "number": conf.report_number,
            "publication": conf.publication, "rules": list(decision.rules)})
        if _open_case_count(conf) == 0:
            closing = _move(conf, State.CLOSED, open_cases=0)
            conf.save()
            _audit(None, conf, "close", before={"state": State.REPORTED},
                   after={"state": conf.state, "rules": list(closing.rules)})
        return conf


def decimal_or_none(value: Any) -> Decimal | None:
    return None if value is None else Decimal(value)
