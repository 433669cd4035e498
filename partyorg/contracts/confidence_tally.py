"""Contract of ``manage.py confidence_tally FILE.json`` (or ``-`` for stdin): pure, no Django.

Input (unknown keys are ignored; a contract key given twice in one object is bad input)::

    {"vote_date": "YYYY-MM-DD", "rule_set": "auto" | "QD262-2014" | "QD96-2023" | "NQ96-2023-QH15",
     "convened": int, "present": int, "ballots_issued": int, "ballots_collected": int,
     "subjects": [{"id": str, "full_name": str, "position": str,
                   "high": int, "confidence": int, "low": int}]}

A subject's invalid count is ``ballots_collected - high - confidence - low``.

Output (keys in this order; the keys after ``subjects`` and after ``rules`` are extras)::

    {"rule_set": str,
     "quorum": {"convened", "present", "required", "met", "mode", "two_thirds_present"},
     "ballots": {"issued", "collected"},
     "subjects": [{"id", "high", "confidence", "low", "invalid", "high_pct", "confidence_pct",
                   "low_pct", "band", "consequences", "rules",
                   "full_name", "position", "valid", "consequence_labels"}],
     "vote_date", "rule_set_selection", "void", "countable", "rules", "defaults_applied", "warnings"}

Exit status: 0 for a result; 3 when the vote is void for lack of quorum (the JSON is still printed,
``met`` false, every ``band`` null); 2 for bad input, with one line per problem in Vietnamese and
English on stderr naming the field (``subjects[2].low``) and nothing on stdout.

Decisions where the contract leaves room (every rule lives in :mod:`partyorg.domain.confidence`):

* ``"auto"`` is the Party-side choice by date (CV-2): ``QD262-2014`` before 2023-02-02, else
  ``QD96-2023``. It never picks ``NQ96-2023-QH15``: the input cannot say that the body is the
  National Assembly or an HĐND, so NQ 96/2023 (CV-3) must be named explicitly.
* An explicit rule set is honoured whatever the date (replays and corrections need it); when the
  date is outside the set's period a notice is added to ``warnings`` and the exit status stays 0.
  Only the four names above are accepted: the replay sets NQ85/NQ35 need ``T`` (CV-30), which the
  contract has no field for.
* CV-2 has no lower bound: a Party-side date before QD 262 was issued (2014-10-08) is tallied under
  ``QD262-2014`` with a ``before_qd262`` notice in ``warnings`` (exit status 0).
* ``required`` = smallest r with ``3*r >= 2*convened`` (CV-17). ``met`` means "the quorum does not
  stop the vote": for QD96 and QD262 it is ``3*present >= 2*convened`` (CV-17, CV-18); for
  NQ96/2023 attendance is recorded only (CV-18, OP-6), so ``met`` is always true and the arithmetic
  comparison is reported in ``two_thirds_present``. ``met`` false is exactly exit status 3.
* A void vote (exit 3) still prints the counts and the percentages as a record, but every ``band``
  is null and ``consequences`` is empty.
* ``ballots_collected == 0`` (CV-33): every percentage and ``band`` is null, ``consequences`` is
  empty, ``countable`` is false (the conference cannot be COUNTED: re-hold or cancel). It is a
  valid result: exit status 0 (or 3 when the quorum also fails).
* Percentages divide by ballots collected (CV-27..CV-29), never by valid ballots, and are rounded
  half up to two decimals from exact integer arithmetic (CV-32): ``"40.43"``.
* ``band`` is the CV-34 band for every rule set: ``"none"``, ``"over_half_low"`` (``2*L > N``),
  ``"two_thirds_low"`` (``3*L >= 2*N``). Under QD262 the band is reported the same way but its only
  consequence is the optional CV-39 consideration, for both bands.
* ``consequences`` (stable codes): QD96 over half → ``remove_from_planning_higher_posts``,
  ``consider_relief_reassignment_resignation_or_no_confidence_vote`` (CV-36); QD96 two thirds →
  ``relieve_from_post_assign_lower_work`` (CV-37); QD262 over half (either band) →
  ``consider_planning_removal`` (CV-39); NQ96/2023 over half → ``may_resign_else_no_confidence_vote``;
  two thirds → ``introducing_body_submits_dismissal`` (CV-40). Band none → ``[]``.
* Bad input (exit 2): invalid JSON or UTF-8, a non-object document, a missing key, a wrong type
  (``true`` is not an integer, ``3.0`` is not an integer, ``"3"`` is not an integer), a negative
  count, an unparseable or non ``YYYY-MM-DD`` date, an unknown rule set, an empty or repeated
  subject id, ``present > convened``, ``ballots_issued > present``, ``ballots_collected >
  ballots_issued`` (CV-31), and ``high + confidence + low > ballots_collected`` (named at the first
  of ``high``, ``confidence``, ``low`` whose running sum exceeds N). An empty subject list is valid.
  CV-31 messages also quote the numbers and every contract field involved
  (``ballots_collected = 49 > ballots_issued = 48``).
* ``rules`` (per subject) lists the rule IDs applied, numerically sorted: rule-set choice (CV-2 or
  CV-3), quorum (CV-17 and/or CV-18), consistency (CV-31), denominator (CV-27/28/29), CV-32, CV-34 or
  CV-33, and the consequence rules.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import IO, Any

from partyorg.domain import confidence as cv

EXIT_OK = 0
EXIT_BAD_INPUT = 2
EXIT_VOID = 3

AUTO = "auto"
#: Quy định 262-QĐ/TW issued (spec §1); CV-2 itself has no lower bound.
QD262_ISSUED = date(2014, 10, 8)
RULE_SETS: dict[str, cv.RuleSet] = {
    cv.RuleSet.QD262_2014.value: cv.RuleSet.QD262_2014,
    cv.RuleSet.QD96_2023.value: cv.RuleSet.QD96_2023,
    cv.RuleSet.NQ96_2023_QH15.value: cv.RuleSet.NQ96_2023_QH15,
}
BAND_CODES: dict[cv.Band, str] = {
    cv.Band.NONE: "none",
    cv.Band.LOW_GT_1_2: "over_half_low",
    cv.Band.LOW_GE_2_3: "two_thirds_low",
}

_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_COUNT_FIELDS = ("convened", "present", "ballots_issued", "ballots_collected")
_MARK_FIELDS = ("high", "confidence", "low")
_TOP_FIELDS = ("vote_date", "rule_set", *_COUNT_FIELDS, "subjects")
_SUBJECT_FIELDS = ("id", "full_name", "position", *_MARK_FIELDS)
# Domain field names (check_consistency) → contract field names.
_FIELD_NAMES = {"convened": "convened", "present": "present", "issued": "ballots_issued",
                "collected": "ballots_collected", "high": "high", "medium": "confidence", "low": "low",
                "invalid": "invalid", "person_id": "id"}


@dataclass(frozen=True)
class Problem:
    """One bad-input finding: the field (contract name) and the message in both languages."""

    field: str
    message_vi: str
    message_en: str

    def line(self) -> str:
        return f"{self.field}: {self.message_vi} / {self.message_en}"


class BadInput(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(p.line() for p in problems))
        self.problems = problems


@dataclass(frozen=True)
class Subject:
    id: str
    full_name: str
    position: str
    high: int
    confidence: int
    low: int


@dataclass(frozen=True)
class TallyInput:
    vote_date: date
    rule_set: str
    convened: int
    present: int
    ballots_issued: int
    ballots_collected: int
    subjects: tuple[Subject, ...]


def _stderr(problems: list[Problem]) -> str:
    head = "Dữ liệu đầu vào không hợp lệ / Invalid input:"
    return "\n".join([head, *("- " + p.line() for p in problems)]) + "\n"


class _Object(dict[str, Any]):
    """A JSON object that remembers the keys it was given more than once (reported as bad input
    with their full path, e.g. ``subjects[1].low``)."""

    duplicates: tuple[str, ...] = ()


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> _Object:
    out = _Object()
    repeated: list[str] = []
    for key, value in pairs:
        if key in out and key not in repeated:
            repeated.append(key)
        out[key] = value
    out.duplicates = tuple(repeated)
    return out


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not allowed")


def _load(text: str) -> Any:
    try:
        return json.loads(text, object_pairs_hook=_no_duplicate_keys, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        raise BadInput([Problem("$", f"JSON không hợp lệ (dòng {exc.lineno}, cột {exc.colno}).",
                                f"Invalid JSON (line {exc.lineno}, column {exc.colno}): {exc.msg}.")])
    except ValueError as exc:
        raise BadInput([Problem("$", "JSON không hợp lệ (NaN/Infinity không được phép).",
                                f"Invalid JSON: {exc}.")])


def _type_name(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    return {int: "integer", float: "number", str: "string", list: "array", dict: "object"}.get(
        type(value), type(value).__name__)


class _Reader:
    """Collects every problem of the document instead of stopping at the first one."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, field: str, vi: str, en: str) -> None:
        self.problems.append(Problem(field, vi, en))

    def duplicates(self, obj: dict[str, Any], prefix: str, known: tuple[str, ...]) -> None:
        """A contract key given twice is bad input; an extra key given twice is ignored like any extra."""
        for key in getattr(obj, "duplicates", ()):
            if key not in known:
                continue
            self.add(prefix + key, "Khóa bị lặp lại trong cùng một đối tượng JSON.",
                     "The key appears twice in one JSON object.")

    def get(self, obj: dict[str, Any], key: str, where: str, check: Callable[[str, Any], Any]) -> Any:
        if key not in obj:
            self.add(where, "Thiếu trường bắt buộc.", "Required field is missing.")
            return None
        return check(where, obj[key])

    def count(self, where: str, value: Any) -> int | None:
        if type(value) is not int:  # bool is a subclass of int: refused on purpose
            self.add(where, f"Phải là số nguyên (nhận được {_type_name(value)}).",
                     f"Must be an integer (got {_type_name(value)}).")
            return None
        if value < 0:
            self.add(where, "Không được âm.", "Must not be negative.")
            return None
        return value

    def string(self, where: str, value: Any) -> str | None:
        if not isinstance(value, str):
            self.add(where, f"Phải là chuỗi (nhận được {_type_name(value)}).",
                     f"Must be a string (got {_type_name(value)}).")
            return None
        return value

    def vote_date(self, where: str, value: Any) -> date | None:
        text = self.string(where, value)
        if text is None:
            return None
        try:
            if not _DATE.fullmatch(text):
                raise ValueError(text)
            return date.fromisoformat(text)
        except ValueError:
            self.add(where, f"Ngày không hợp lệ '{text}' (định dạng YYYY-MM-DD).",
                     f"Invalid date '{text}' (format YYYY-MM-DD).")
            return None

    def rule_set(self, where: str, value: Any) -> str | None:
        text = self.string(where, value)
        if text is None:
            return None
        if text != AUTO and text not in RULE_SETS:
            allowed = ", ".join([AUTO, *RULE_SETS])
            self.add(where, f"Bộ quy tắc không được hỗ trợ '{text}' (chọn: {allowed}).",
                     f"Unknown rule set '{text}' (one of: {allowed}).")
            return None
        return text

    def subjects(self, where: str, value: Any) -> list[Subject | None] | None:
        if not isinstance(value, list):
            self.add(where, f"Phải là mảng (nhận được {_type_name(value)}).",
                     f"Must be an array (got {_type_name(value)}).")
            return None
        out: list[Subject | None] = []
        first_index: dict[str, int] = {}
        for i, item in enumerate(value):
            at = f"{where}[{i}]"
            if not isinstance(item, dict):
                self.add(at, f"Phải là đối tượng (nhận được {_type_name(item)}).",
                         f"Must be an object (got {_type_name(item)}).")
                out.append(None)
                continue
            self.duplicates(item, f"{at}.", _SUBJECT_FIELDS)
            sid = self.get(item, "id", f"{at}.id", self.string)
            if sid is not None and not sid.strip():
                self.add(f"{at}.id", "Mã người được lấy phiếu không được để trống.", "The id must not be empty.")
                sid = None
            elif sid is not None and sid in first_index:
                self.add(f"{at}.id", f"Mã '{sid}' trùng với {where}[{first_index[sid]}].",
                         f"Id '{sid}' repeats {where}[{first_index[sid]}].")
                sid = None
            elif sid is not None:
                first_index[sid] = i
            name = self.get(item, "full_name", f"{at}.full_name", self.string)
            position = self.get(item, "position", f"{at}.position", self.string)
            marks = [self.get(item, key, f"{at}.{key}", self.count) for key in _MARK_FIELDS]
            if sid is None or name is None or position is None or None in marks:
                out.append(None)
            else:
                out.append(Subject(sid, name, position, marks[0], marks[1], marks[2]))
        return out


def parse(text: str) -> TallyInput:
    """Parse and check the input document; raises :class:`BadInput` with every problem found."""
    doc = _load(text)
    if not isinstance(doc, dict):
        raise BadInput([Problem("$", f"Tài liệu phải là một đối tượng JSON (nhận được {_type_name(doc)}).",
                                f"The document must be a JSON object (got {_type_name(doc)}).")])
    r = _Reader()
    r.duplicates(doc, "", _TOP_FIELDS)
    vote_date = r.get(doc, "vote_date", "vote_date", r.vote_date)
    rule_set = r.get(doc, "rule_set", "rule_set", r.rule_set)
    counts = {name: r.get(doc, name, name, r.count) for name in _COUNT_FIELDS}
    subjects = r.get(doc, "subjects", "subjects", r.subjects)
    if r.problems:
        raise BadInput(r.problems)
    data = TallyInput(vote_date, rule_set, counts["convened"], counts["present"], counts["ballots_issued"],
                      counts["ballots_collected"], tuple(s for s in subjects if s is not None))
    report = cv.check_consistency(
        convened=data.convened, present=data.present, issued=data.ballots_issued,
        collected=data.ballots_collected, persons=_persons(data),
    )
    if not report.ok:
        problems = []
        for v in report.violations:
            detail = _detail(v, data)
            problems.append(Problem(_contract_field(v.field), f"{v.message_vi} ({v.rule}{detail})",
                                    f"{v.message_en} ({v.rule}{detail})"))
        raise BadInput(problems)
    return data


def _detail(violation: cv.Violation, data: TallyInput) -> str:
    """The numbers behind a CV-31 violation, with every contract field involved named."""
    pairs = {
        "present_gt_convened": ("present", data.present, "convened", data.convened),
        "issued_gt_present": ("ballots_issued", data.ballots_issued, "present", data.present),
        "collected_gt_issued": ("ballots_collected", data.ballots_collected, "ballots_issued", data.ballots_issued),
    }
    if violation.code in pairs:
        left, lv, right, rv = pairs[violation.code]
        return f": {left} = {lv} > {right} = {rv}"
    match = re.fullmatch(r"persons\[(\d+)\]\.\w+", violation.field)
    if match and violation.code == "marks_gt_collected":
        s = data.subjects[int(match.group(1))]
        total = s.high + s.confidence + s.low
        return (f": id '{s.id}', high + confidence + low = {s.high} + {s.confidence} + {s.low} = {total}"
                f" > ballots_collected = {data.ballots_collected}")
    return ""


def _contract_field(domain_field: str) -> str:
    match = re.fullmatch(r"persons\[(\d+)\]\.(\w+)", domain_field)
    if match:
        return f"subjects[{match.group(1)}].{_FIELD_NAMES.get(match.group(2), match.group(2))}"
    return _FIELD_NAMES.get(domain_field, domain_field)


def _persons(data: TallyInput) -> list[cv.PersonCounts]:
    n = data.ballots_collected
    return [cv.PersonCounts(s.id, s.high, s.confidence, s.low, n - s.high - s.confidence - s.low)
            for s in data.subjects]


def _pct(value: Decimal | None) -> str | None:
    return cv.format_percent(value, cv.DEFAULT_SETTINGS.percent_decimals)


def _before_qd262(rule_set: cv.RuleSet, vote_date: date) -> tuple[cv.Notice, ...]:
    """CV-2 maps every Party-side date before 2023-02-02 to QD262-2014 (no lower bound), so such a
    date is tallied under QD262; a notice says that QD 262 was only issued on 2014-10-08."""
    if rule_set is not cv.RuleSet.QD262_2014 or vote_date >= QD262_ISSUED:
        return ()
    return (cv.Notice(
        "before_qd262", "CV-2",
        f"Ngày {vote_date.isoformat()} trước ngày ban hành Quy định 262-QĐ/TW (08/10/2014); kết quả được"
        " tính theo QD262-2014 (CV-2).",
        f"{vote_date.isoformat()} is before Regulation 262-QD/TW was issued (2014-10-08); the result is"
        " tallied under QD262-2014 (CV-2).",
    ),)


def tally(data: TallyInput) -> tuple[int, dict[str, Any]]:
    """Compute the output document and its exit status from checked input."""
    if data.rule_set == AUTO:
        selection = cv.select_rule_set(vote_date=data.vote_date, body=cv.Body.PARTY)
    else:
        selection = cv.explicit_rule_set(RULE_SETS[data.rule_set], data.vote_date)
    warnings = [*selection.warnings, *_before_qd262(selection.rule_set, data.vote_date)]
    result = cv.compute_results(
        rule_set=selection.rule_set, convened=data.convened, present=data.present,
        issued=data.ballots_issued, collected=data.ballots_collected, persons=_persons(data),
    )
    conference_rules = cv.merge_rules(selection.rules, result.rules)
    subjects: list[dict[str, Any]] = []
    for subject, row in zip(data.subjects, result.persons, strict=True):
        subjects.append({
            "id": subject.id,
            "high": row.counts.high,
            "confidence": row.counts.medium,
            "low": row.counts.low,
            "invalid": row.counts.invalid,
            "high_pct": _pct(row.high_pct),
            "confidence_pct": _pct(row.medium_pct),
            "low_pct": _pct(row.low_pct),
            "band": None if row.band is None else BAND_CODES[row.band],
            "consequences": [c.value for c in row.consequences],
            "rules": list(cv.merge_rules(conference_rules, row.rules)),
            "full_name": subject.full_name,
            "position": subject.position,
            "valid": row.counts.valid,
            "consequence_labels": [{"code": c.value, "vi": c.label_vi, "en": c.label_en}
                                   for c in row.consequences],
        })
    quorum = result.quorum
    applied = cv.merge_defaults(selection.defaults_applied, result.defaults_applied,
                           *(row.defaults_applied for row in result.persons))
    out: dict[str, Any] = {
        "rule_set": selection.rule_set.value,
        "quorum": {
            "convened": quorum.convened,
            "present": quorum.present,
            "required": quorum.required,
            "met": quorum.may_proceed,
            "mode": quorum.mode.value,
            "two_thirds_present": quorum.reached,
        },
        "ballots": {"issued": result.issued, "collected": result.collected},
        "subjects": subjects,
        "vote_date": data.vote_date.isoformat(),
        "rule_set_selection": "explicit" if selection.explicit else "auto",
        "void": result.void,
        "countable": result.countable,
        "rules": list(conference_rules),
        "defaults_applied": [
            {"point": d.point, "parameter": d.parameter, "value": d.value, "standard": d.standard}
            for d in applied
        ],
        "warnings": [
            {"code": w.code, "rule": w.rule, "message_vi": w.message_vi, "message_en": w.message_en}
            for w in warnings
        ],
    }
    return (EXIT_VOID if result.void else EXIT_OK), out


def run(text: str) -> tuple[int, str, str]:
    """Run the contract on the input text: ``(exit status, stdout text, stderr text)``."""
    try:
        data = parse(text)
    except BadInput as exc:
        return EXIT_BAD_INPUT, "", _stderr(exc.problems)
    code, out = tally(data)
    return code, json.dumps(out, ensure_ascii=False, indent=2) + "\n", ""


def run_source(source: str, stdin: IO[bytes] | IO[str]) -> tuple[int, str, str]:
    """Read ``source`` (a path, or ``-`` for ``stdin``) as UTF-8 and :func:`run` it.
    ``stdin`` may be a binary stream (decoded as UTF-8, BOM allowed) or a text stream.
    An unreadable file or non-UTF-8 bytes are bad input (exit 2)."""
    try:
        raw: bytes | str
        if source == "-":
            raw = stdin.read()
        else:
            with open(source, "rb") as handle:
                raw = handle.read()
        text = raw.decode("utf-8-sig") if isinstance(raw, bytes) else raw.removeprefix("\ufeff")
    except FileNotFoundError:
        return EXIT_BAD_INPUT, "", _stderr([Problem(source, "Không tìm thấy tệp.", "File not found.")])
    except OSError as exc:
        return EXIT_BAD_INPUT, "", _stderr([Problem(source, f"Không đọc được tệp ({exc.strerror}).",
                                                    f"Cannot read the file ({exc.strerror}).")])
    except UnicodeDecodeError:
        return EXIT_BAD_INPUT, "", _stderr([Problem(source, "Nội dung không phải văn bản UTF-8.",
                                                    "The content is not UTF-8 text.")])
    return run(text)
