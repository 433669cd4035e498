"""Contract of ``manage.py rating_classify FILE.json`` (or ``-`` for stdin): pure, no Django.

Classifies each subject of the input from its facts to a level, or to a flag for the competent level,
with the rules applied. The full contract, with examples, is in ``docs/rating-classify.md``.

Input (extra fields are ignored)::

    {"rule_set": "auto" | "QD124-2023" | "QD366-2025", "period": "YYYY",
     "defaults": {name: value},            # optional overrides of the §18 defaults listed in the docs
     "subjects": [{"id": str, "type": "collective" | "leader_central" | "leader" | "non_leader"
                   | "member_outside", ...facts}]}

Output (keys in this order)::

    {"rule_set": str, "period": "YYYY",
     "results": [{"id", "type", "status", "level", "proposed", "band", "exclusion", "flags", "triggers",
                  "checks", "rules", "defaults_applied"}],
     "summary": {"subjects", "reviewed", "not_reviewed", "status", "levels"},
     "rules": [str]}

Exit status 0 with the JSON on stdout, or 2 with a message in Vietnamese and English on stderr naming the
field (nothing on stdout). Rule set selection and the error conventions are those of ``rating_quota``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import replace
from decimal import Decimal
from typing import Any

from partyorg.domain.rating import classify as classify_subject
from partyorg.domain.rating.common import (
    DEFAULTS,
    Defaults,
    Grade,
    Level,
    RatingInputError,
    Shortcomings,
    Status,
    SubjectType,
    TaskCounts,
)
from partyorg.domain.rating.common import CollectiveKind as Kind
from partyorg.domain.rating.discipline import Discipline, Measure, Period
from partyorg.domain.rating.eligibility import ExclusionReason, MemberStatus
from partyorg.domain.rating.facts import (
    Claim,
    Classification,
    ConfidenceVote,
    Decision,
    Finding,
    Mitigation,
    MitigationOutcome,
    Qd124Grades,
    RatingContext,
    SocioEconomic,
    SubjectFacts,
    UnitResults,
)
from partyorg.domain.rating.scoring import Score

from .rating_quota import (
    BadInput,
    dump,
    get_bool,
    get_id,
    get_list,
    get_object,
    get_period,
    get_rule_set,
    is_number,
    load_object,
    sorted_rules,
)

TRIGGER_CODES = (
    "AR-22a", "AR-22b", "AR-22c", "AR-22d",
    "AR-23a", "AR-23b", "AR-23c", "AR-23d", "AR-23e",
    "AR-24a", "AR-24b",
)  # fmt: skip

# §18 defaults a caller may override here, with the values each accepts (None: any of the type).
OVERRIDABLE: dict[str, tuple[str, ...] | None] = {
    "six_months_reference": ("meeting_date", "dec_31", "decision_date"),
    "sick_leave_min_days": None,
    "htxs_requires_on_time": None,
    "collective_triggers_scope": ("all", "non_party_committees"),
    "socio_econ_min_failed": None,
    "htxs_transfer_exception": None,
}

# Smallest value of the integer defaults (socio_econ_min_failed: "at least 0 targets missed" would fire
# on every subject with targets, so the domain reads anything below 1 as 1; refused here instead).
OVERRIDABLE_MIN = {"socio_econ_min_failed": 1}

_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_LEADER_ONLY = ("units", "confidence_vote")
_COLLECTIVE_ONLY = ("collective_kind", "unit", "member_disciplines", "subordinate_disciplines")
_INDIVIDUAL_ONLY = ("status", "admitted_on", "meeting_date", "decision_date", "disciplines",
                    "sick_leave_days", "maternity_leave")  # fmt: skip


# ---------------------------------------------------------------------------------------------------
# Field readers


def _enum(value: object, enum: Any, path: str) -> Any:
    allowed = [m.value for m in enum]
    if not isinstance(value, str) or value not in allowed:
        names = ", ".join(f'"{a}"' for a in allowed)
        raise BadInput(path, f"phải là một trong {names}", f"must be one of {names}")
    return enum(value)


def _date(value: object, path: str) -> dt.date:
    if isinstance(value, str) and _DATE.fullmatch(value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise BadInput(path, "phải là ngày dạng YYYY-MM-DD", "must be a date YYYY-MM-DD")


def _opt_date(obj: Mapping[str, Any], key: str, path: str) -> dt.date | None:
    value = obj.get(key)
    return None if value is None else _date(value, f"{path}.{key}")


def _int(obj: Mapping[str, Any], key: str, path: str, default: int | None = None) -> int:
    if key not in obj and default is not None:
        return default
    value = obj.get(key)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise BadInput(f"{path}.{key}", "phải là số nguyên không âm", "must be a non-negative integer")
    return value


def _points_x10(value: object, path: str) -> int:
    """A score in points with at most one decimal, as integer tenths."""
    if not is_number(value):
        raise BadInput(path, "phải là một số", "must be a number")
    if not 0 <= value <= 100:  # type: ignore[operator]
        raise BadInput(path, "phải từ 0 đến 100", "must be between 0 and 100")
    tenths = _exact_tenths(Decimal(value))  # type: ignore[arg-type]
    if tenths is None:
        raise BadInput(path, "tối đa một chữ số thập phân", "at most one decimal place")
    return tenths


def _exact_tenths(value: Decimal) -> int | None:
    """`value * 10` as an int when it is whole, else None; exact for any number of digits.

    (Decimal arithmetic rounds to 28 significant digits: `89.99999999999999999999999999999 * 10` would
    come out as 900, i.e. 90 points and the excellent band.) The caller has checked 0 <= value <= 100."""
    sign, digits, exponent = value.as_tuple()
    if not isinstance(exponent, int):  # NaN and infinities never get here (refused by the parser)
        return None
    if not any(digits):
        return 0
    kept = list(digits)
    while exponent < -1 and kept[-1] == 0:
        kept.pop()
        exponent += 1
    if exponent < -1:
        return None
    tenths = int("".join(map(str, kept)) + "0" * (exponent + 1))  # exponent + 1 >= 0 here
    return -tenths if sign else tenths


def _score(value: object, path: str) -> Score:
    if isinstance(value, dict):
        for key in ("general", "tasks"):
            if key not in value:
                raise BadInput(f"{path}.{key}", "bắt buộc", "required")
        return Score.of_groups(
            _points_x10(value["general"], f"{path}.general"), _points_x10(value["tasks"], f"{path}.tasks")
        )
    return Score(_points_x10(value, path))


def _tasks(value: object, path: str) -> TaskCounts:
    obj = get_object(value, path)
    counts = TaskCounts(
        total=_int(obj, "total", path),
        done=_int(obj, "done", path),
        on_time=_int(obj, "on_time", path),
        exceeded=_int(obj, "exceeded", path, default=0),
    )
    if "late" in obj and _int(obj, "late", path) != counts.late:
        raise BadInput(f"{path}.late", "phải bằng done - on_time", "must equal done - on_time")
    return counts


def _discipline(value: object, path: str, *, member: bool) -> Discipline:
    obj = get_object(value, path)
    subject = obj.get("member" if member else "unit")
    if subject is not None and not isinstance(subject, str):
        raise BadInput(f"{path}.{'member' if member else 'unit'}", "phải là chuỗi", "must be a string")
    unit_at_act = obj.get("unit_at_act")
    if unit_at_act is not None and not isinstance(unit_at_act, str):
        raise BadInput(f"{path}.unit_at_act", "phải là chuỗi", "must be a string")
    if "decision_date" not in obj:
        raise BadInput(f"{path}.decision_date", "bắt buộc", "required")
    return Discipline(
        form=_enum(obj.get("form"), Measure, f"{path}.form"),
        decision_date=_date(obj["decision_date"], f"{path}.decision_date"),
        act_date=_opt_date(obj, "act_date", path),
        unit_at_act=unit_at_act,
        duty_related=get_bool(obj, "duty_related", f"{path}.duty_related", default=True),
        self_detected_remedied=get_bool(
            obj, "self_detected_remedied", f"{path}.self_detected_remedied", default=False
        ),
        related_to_functions=get_bool(
            obj, "related_to_functions", f"{path}.related_to_functions", default=True
        ),
        subject=subject,
    )


def _text(obj: Mapping[str, Any], key: str, path: str) -> str:
    value = obj.get(key)
    if not isinstance(value, str) or not value.strip():
        raise BadInput(f"{path}.{key}", "phải là chuỗi không rỗng", "must be a non-empty string")
    return value


def _mitigation(value: object, path: str, kind: SubjectType) -> Mitigation:
    obj = get_object(value, path)
    trigger = obj.get("trigger")
    if trigger not in TRIGGER_CODES:
        names = ", ".join(TRIGGER_CODES)
        raise BadInput(f"{path}.trigger", f"phải là một trong {names}", f"must be one of {names}")
    cause = obj.get("cause")
    if cause is not None and not isinstance(cause, str):
        raise BadInput(f"{path}.cause", "phải là chuỗi", "must be a string")
    claim = _enum(obj.get("claim"), Claim, f"{path}.claim")
    if claim is Claim.PROACTIVE_REPORTED_REMEDIED and not kind.is_leader:
        raise BadInput(f"{path}.claim", "chỉ áp dụng cho cán bộ lãnh đạo, quản lý", "applies to leaders only")
    decision: Decision | None = None
    outcome: MitigationOutcome | None = None
    if obj.get("decision") is not None:
        dpath = f"{path}.decision"
        d = get_object(obj["decision"], dpath)
        if "date" not in d:
            raise BadInput(f"{dpath}.date", "bắt buộc", "required")
        decision = Decision(
            _text(d, "number", dpath),
            _date(d["date"], f"{dpath}.date"),
            _text(d, "authority", dpath),
            _text(d, "reason", dpath),
        )
        outcome = _enum(d.get("outcome"), MitigationOutcome, f"{dpath}.outcome")
    return Mitigation(str(trigger), claim, decision, outcome, cause)


def _confidence(value: object, path: str) -> ConfidenceVote:
    obj = get_object(value, path)
    if "low_over_half" in obj and "ballots_collected" not in obj:
        return ConfidenceVote(low_over_half=get_bool(obj, "low_over_half", f"{path}.low_over_half"))
    return ConfidenceVote(ballots_collected=_int(obj, "ballots_collected", path), low=_int(obj, "low", path))


def _grades(value: object, path: str) -> Qd124Grades:
    obj = get_object(value, path)
    criteria = get_list(obj, "criteria", f"{path}.criteria")
    return Qd124Grades(
        criteria=tuple(_enum(g, Grade, f"{path}.criteria[{i}]") for i, g in enumerate(criteria)),
        task=_enum(obj.get("task"), Grade, f"{path}.task"),
    )


def _defaults(data: Mapping[str, Any]) -> Defaults:
    if "defaults" not in data:
        return DEFAULTS
    obj = get_object(data["defaults"], "defaults")
    changes: dict[str, Any] = {}
    for name, value in obj.items():
        path = f"defaults.{name}"
        if name not in OVERRIDABLE:
            names = ", ".join(OVERRIDABLE)
            raise BadInput(
                path, f"không thể thay đổi ở đây; chỉ: {names}", f"cannot be set here; only: {names}"
            )
        current = getattr(DEFAULTS, name)
        if isinstance(current, bool):
            ok = isinstance(value, bool)
        elif isinstance(current, int):
            least = OVERRIDABLE_MIN.get(name, 0)
            ok = isinstance(value, int) and not isinstance(value, bool) and value >= least
        else:
            allowed = OVERRIDABLE[name] or ()
            ok = isinstance(value, str) and value in allowed
        if not ok:
            raise BadInput(
                path, f"giá trị không hợp lệ (mặc định: {current!r})", f"invalid value (default: {current!r})"
            )
        changes[name] = value
    return replace(DEFAULTS, **changes)


# ---------------------------------------------------------------------------------------------------
# Subjects


def _facts(raw: object, path: str) -> SubjectFacts:
    obj = get_object(raw, path)
    ident = get_id(obj, f"{path}.id")
    kind: SubjectType = _enum(obj.get("type"), SubjectType, f"{path}.type")
    present = {k for k, v in obj.items() if v is not None}
    misplaced: list[tuple[tuple[str, ...], bool, str, str]] = [
        (
            _COLLECTIVE_ONLY,
            kind is SubjectType.COLLECTIVE,
            "chỉ dùng cho tập thể",
            "applies to collectives only",
        ),
        (_INDIVIDUAL_ONLY, kind.is_individual, "chỉ dùng cho cá nhân", "applies to individuals only"),
        (_LEADER_ONLY, kind.is_leader, "chỉ dùng cho cán bộ lãnh đạo, quản lý", "applies to leaders only"),
    ]
    for names, allowed, vi, en in misplaced:
        for name in names:
            if name in present and not allowed:
                raise BadInput(f"{path}.{name}", vi, en)
    if "socio_economic" in present and not (kind is SubjectType.COLLECTIVE or kind.is_leader):
        raise BadInput(
            f"{path}.socio_economic",
            "chỉ dùng cho tập thể và cán bộ lãnh đạo, quản lý",
            "applies to collectives and leaders only",
        )

    def opt(key: str, reader: Any) -> Any:
        return reader(obj[key], f"{path}.{key}") if key in present else None

    findings = get_list(obj, "findings", f"{path}.findings", required=False)
    shortcomings = (
        get_object(obj["shortcomings"], f"{path}.shortcomings") if "shortcomings" in present else {}
    )
    units = opt("units", get_object)
    socio = opt("socio_economic", get_object)
    unit = obj.get("unit")
    if unit is not None and not isinstance(unit, str):
        raise BadInput(f"{path}.unit", "phải là chuỗi", "must be a string")
    return SubjectFacts(
        subject_id=ident,
        subject_type=kind,
        collective_kind=opt("collective_kind", lambda v, p: _enum(v, Kind, p)),
        unit=unit,
        score=opt("score", _score),
        tasks=opt("tasks", _tasks),
        shortcomings=Shortcomings(
            _int(shortcomings, "previous", f"{path}.shortcomings", default=0),
            _int(shortcomings, "remedied", f"{path}.shortcomings", default=0),
        ),
        units=None
        if units is None
        else UnitResults(
            _int(units, "total", f"{path}.units"), _int(units, "not_completed", f"{path}.units")
        ),
        socio_economic=None
        if socio is None
        else SocioEconomic(
            _int(socio, "applicable", f"{path}.socio_economic"),
            _int(socio, "failed", f"{path}.socio_economic"),
        ),
        confidence_vote=opt("confidence_vote", _confidence),
        findings=frozenset(_enum(f, Finding, f"{path}.findings[{i}]") for i, f in enumerate(findings)),
        disciplines=tuple(
            _discipline(d, f"{path}.disciplines[{i}]", member=False)
            for i, d in enumerate(get_list(obj, "disciplines", f"{path}.disciplines", required=False))
        ),
        member_disciplines=tuple(
            _discipline(d, f"{path}.member_disciplines[{i}]", member=True)
            for i, d in enumerate(
                get_list(obj, "member_disciplines", f"{path}.member_disciplines", required=False)
            )
        ),
        subordinate_disciplines=tuple(
            _discipline(d, f"{path}.subordinate_disciplines[{i}]", member=False)
            for i, d in enumerate(
                get_list(obj, "subordinate_disciplines", f"{path}.subordinate_disciplines", required=False)
            )
        ),
        mitigations=tuple(
            _mitigation(m, f"{path}.mitigations[{i}]", kind)
            for i, m in enumerate(get_list(obj, "mitigations", f"{path}.mitigations", required=False))
        ),
        admitted_on=_opt_date(obj, "admitted_on", path),
        status=opt("status", lambda v, p: _enum(v, MemberStatus, p)),
        meeting_date=_opt_date(obj, "meeting_date", path),
        decision_date=_opt_date(obj, "decision_date", path),
        sick_leave_days=_int(obj, "sick_leave_days", path) if "sick_leave_days" in present else 0,
        maternity_leave="maternity_leave" in present
        and get_bool(obj, "maternity_leave", f"{path}.maternity_leave"),
        grades=opt("grades", _grades),
    )


def _level(level: Level | None) -> str | None:
    return None if level is None else level.value


def _result(kind: SubjectType, c: Classification) -> dict[str, Any]:
    return {
        "id": c.subject_id,
        "type": kind.value,
        "status": c.status.value,
        "level": _level(c.level),
        "proposed": _level(c.proposed),
        "band": _level(c.band),
        "exclusion": None if c.exclusion is None else c.exclusion.value,
        "flags": list(c.flags),
        "triggers": [
            {"code": h.code, "cause": h.cause, "detail": h.detail, "mitigation": h.mitigation.value}
            for h in c.triggers
        ],
        "checks": [
            {"rule": k.rule, "condition": k.condition, "values": k.values, "holds": k.holds} for k in c.checks
        ],
        "rules": list(c.rules),
        "defaults_applied": [{"rule": d.rule, "name": d.name, "value": d.value} for d in c.defaults_applied],
    }


def _summary(results: list[Classification]) -> dict[str, Any]:
    """Counts per status, exclusion reason and rated level (AR-69, for this batch)."""
    not_reviewed = {r.value: 0 for r in ExclusionReason}
    status = {s.value: 0 for s in Status}
    levels = {lv.value: 0 for lv in Level}
    for c in results:
        status[c.status.value] += 1
        if c.exclusion is not None:
            not_reviewed[c.exclusion.value] += 1
        if c.level is not None:
            levels[c.level.value] += 1
    return {
        "subjects": len(results),
        "reviewed": len(results) - sum(not_reviewed.values()),
        "not_reviewed": not_reviewed,
        "status": status,
        "levels": levels,
    }


def compute(data: Mapping[str, Any]) -> dict[str, Any]:
    year = get_period(data)
    rules: list[str] = []
    rule_set = get_rule_set(data, year, rules)
    defaults = _defaults(data)
    ctx = RatingContext(rule_set, Period.year(year), defaults)
    subjects = get_list(data, "subjects", "subjects")
    seen: set[str] = set()
    out: list[dict[str, Any]] = []
    results: list[Classification] = []
    for i, raw in enumerate(subjects):
        path = f"subjects[{i}]"
        try:
            facts = _facts(raw, path)
            if facts.subject_id in seen:
                raise BadInput(
                    f"{path}.id", f"mã '{facts.subject_id}' bị trùng", f"duplicate id '{facts.subject_id}'"
                )
            seen.add(facts.subject_id)
            c = classify_subject(facts, ctx)
        except RatingInputError as err:
            raise BadInput.of(err, path) from None
        results.append(c)
        rules += c.rules
        out.append(_result(facts.subject_type, c))
    return {
        "rule_set": rule_set.value,
        "period": f"{year:04d}",
        "results": out,
        "summary": _summary(results),
        "rules": sorted_rules(rules),
    }


def run(text: str) -> tuple[int, str, str]:
    """Exit code, stdout, stderr for the command's input text."""
    try:
        payload = compute(load_object(text))
    except BadInput as exc:
        return 2, "", exc.message()
    return 0, dump(payload), ""
