"""Contract of ``manage.py rating_quota FILE.json`` (or ``-`` for stdin): pure, no Django.

Input (extra fields are ignored)::

    {"rule_set": "auto" | "QD124-2023" | "QD366-2025", "period": "YYYY", "exception_25": bool,
     "members": [{"id": str, "proposed": "excellent" | "good" | "completed" | "not_completed",
                  "score": number | null}]}

Output (keys in this order, ``ensure_ascii=False``)::

    {"rule_set": str, "ratio": "0.20" | "0.25", "good": int, "excellent_candidates": int,
     "excellent_max": int, "excellent": [id], "moved_to_good": [id], "undecided": [id], "rules": [str]}

Exit status 0 with the JSON on stdout, or 2 with a message in Vietnamese and English on stderr naming the
field (nothing on stdout).

Decisions (rules in :mod:`partyorg.domain.rating.quota`):

* ``rule_set`` defaults to "auto", which follows the period (AR-1): 2023 and 2024 -> QD124-2023; 2025 and
  later -> QD366-2025; earlier years are bad input (QD132 is not part of this contract). An explicit rule
  set is taken as given, whatever the period (replays use the period's stored rule set). ``period`` is
  required in every case and must be four digits.
* ``exception_25`` defaults to false. Under QD366 it sets the ratio to 25% (AR-34). Under QD124 the
  exception decision is rejected (AR-37, ``qd124_allow_exception = false``): the ratio stays 20% and
  ``rules`` cites AR-37; the exit status is still 0.
* ``good`` counts the members proposed good; the candidates are the members proposed excellent;
  "completed" and "not_completed" take no part. With G good, C candidates and ratio p/q,
  ``excellent_max`` is the largest E <= C with ``q*E <= p*(G + C - E)`` (AR-35, rounding down).
* C <= excellent_max: every candidate is excellent, nobody moves. Otherwise (AR-36) scored candidates are
  ranked by score, highest first, and take the slots: when the cut line falls between two equal scores,
  every candidate with that score goes to ``undecided`` (neither excellent nor moved), those strictly
  above stay excellent and those strictly below move to good. A candidate without a score (null or
  absent) cannot be ranked: when a cut is needed it always goes to ``undecided``, whatever the scored
  candidates do (they are ranked first), even when excellent_max is 0. When no cut is needed scores do
  not matter. The authority may make at most ``excellent_max - len(excellent)`` of the ``undecided``
  excellent; the others fall back to good (AR-36).
* ``excellent_max`` never exceeds C: with G = 0 and C = 0 it is 0; with C <= ``(G + C) // 6`` (20%) or
  ``(G + C) // 5`` (25%) it is C and nobody moves. ``len(excellent) <= excellent_max`` always, with
  equality unless some candidates are ``undecided``; ``excellent + moved_to_good + undecided`` are exactly
  the candidates; at 25%, ``4*len(excellent) <= good + C - len(excellent)`` (20%: ``5*...``).
* Each list is ordered by score, highest first, candidates without a score last, equal scores by id
  (code point order). The output is therefore a function of the set of members: it does not depend on
  the input order at all, lists included.
* Validation (exit 2): text that is not JSON or not an object; ``rule_set`` not one of the names;
  ``period`` not a string of four digits; ``exception_25`` not a boolean; ``members`` not a list; a member
  not an object; ``id`` not a non-empty string or repeated; ``proposed`` not one of the four values;
  ``score`` not a number (a boolean is not a number; NaN and Infinity are refused) or outside 0..100
  (the score of a member proposed completed/not_completed is checked too, though unused); a string
  holding a lone surrogate escape (it could not be printed back as UTF-8). Scores are compared exactly
  (decimal, no float rounding: 90.10 ties 90.1, 90.1 is below 90.10000000000001).
* ``rules`` lists the IDs of the rules applied in numeric order: AR-1 when "auto" chose the rule set,
  AR-33 and AR-35 always, AR-34 with the 25% exception, AR-36 when a cut was needed, AR-37 under QD124.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from decimal import Decimal
from fractions import Fraction
from typing import Any

from partyorg.domain.rating.common import (
    PeriodKind,
    RatingInputError,
    RuleSet,
    rule_sort_key,
    ruleset_for_period,
)
from partyorg.domain.rating.quota import Candidate, apply_quota, quota_ratio

CONTRACT_RULE_SETS = {"auto": None, RuleSet.QD124.value: RuleSet.QD124, RuleSet.QD366.value: RuleSet.QD366}
PROPOSED = ("excellent", "good", "completed", "not_completed")
_PERIOD = re.compile(r"[0-9]{4}")


class BadInput(Exception):
    """Input the command refuses; carries the field and a message in both languages."""

    def __init__(self, field: str, vi: str, en: str) -> None:
        super().__init__(f"{field}: {en}")
        self.field = field
        self.vi = vi
        self.en = en

    def message(self) -> str:
        return (
            f"Lỗi dữ liệu đầu vào, trường '{self.field}': {self.vi}\n"
            f"Invalid input, field '{self.field}': {self.en}\n"
        )

    @classmethod
    def of(cls, err: RatingInputError, prefix: str = "") -> BadInput:
        name = f"{prefix}.{err.field}" if prefix else err.field
        return cls(name, err.message_vi, err.message_en)


# ---------------------------------------------------------------------------------------------------
# JSON helpers shared with rating_classify


def _refuse_constant(name: str) -> Any:
    raise BadInput("(json)", f"giá trị {name} không hợp lệ", f"{name} is not a valid value")


def _parse_int(digits: str) -> int | Decimal:
    """Integers as ints, except those too long for int() (Python's 4300-digit limit): kept as a Decimal,
    so the field that holds one is refused by name (not an integer / out of range) instead of crashing."""
    return int(digits) if len(digits) <= 4000 else Decimal(digits)


def _unencodable(data: object) -> str | None:
    """The path of the first string (key or value) that cannot be written as UTF-8: a lone surrogate
    escape such as "\\ud800" parses, but could not be printed back."""
    stack: list[tuple[object, str]] = [(data, "")]
    while stack:
        value, path = stack.pop()
        if isinstance(value, str):
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                return path or "(root)"
        elif isinstance(value, dict):
            for key, item in value.items():
                sub = f"{path}.{key}" if path else str(key)
                try:
                    key.encode("utf-8")
                except UnicodeEncodeError:
                    return path or "(root)"
                stack.append((item, sub))
        elif isinstance(value, list):
            stack.extend((item, f"{path}[{i}]") for i, item in enumerate(value))
    return None


def load_object(text: str) -> dict[str, Any]:
    """Parse the input text: floats as exact decimals, NaN/Infinity refused, an object required."""
    try:
        data = json.loads(
            text.removeprefix("\ufeff"),
            parse_float=Decimal,
            parse_int=_parse_int,
            parse_constant=_refuse_constant,
        )
    except json.JSONDecodeError as exc:
        raise BadInput(
            "(json)",
            f"không phải JSON hợp lệ ({exc.msg}, dòng {exc.lineno})",
            f"not valid JSON ({exc.msg}, line {exc.lineno})",
        ) from None
    except RecursionError:
        raise BadInput("(json)", "JSON lồng quá sâu", "JSON nested too deeply") from None
    except ValueError as exc:  # e.g. a number the decoder cannot convert
        raise BadInput("(json)", f"không phải JSON hợp lệ ({exc})", f"not valid JSON ({exc})") from None
    bad = _unencodable(data)
    if bad is not None:
        raise BadInput(
            bad,
            "chứa ký tự không hợp lệ (surrogate đơn lẻ)",
            "contains an invalid character (a lone surrogate escape)",
        )
    if not isinstance(data, dict):
        raise BadInput("(root)", "phải là một đối tượng JSON", "must be a JSON object")
    return data


def is_number(value: object) -> bool:
    return isinstance(value, (int, Decimal)) and not isinstance(value, bool)


def get_bool(obj: Mapping[str, Any], key: str, path: str, default: bool | None = None) -> bool:
    if key not in obj and default is not None:
        return default
    value = obj.get(key)
    if not isinstance(value, bool):
        raise BadInput(path, "phải là true hoặc false", "must be true or false")
    return value


def get_list(obj: Mapping[str, Any], key: str, path: str, *, required: bool = True) -> list[Any]:
    if key not in obj and not required:
        return []
    value = obj.get(key)
    if not isinstance(value, list):
        raise BadInput(path, "phải là một danh sách", "must be a list")
    return value


def get_object(value: object, path: str) -> Mapping[str, Any]:
    if not isinstance(value, dict):
        raise BadInput(path, "phải là một đối tượng", "must be an object")
    return value


def get_id(obj: Mapping[str, Any], path: str) -> str:
    value = obj.get("id")
    if not isinstance(value, str) or not value.strip():
        raise BadInput(path, "phải là chuỗi không rỗng", "must be a non-empty string")
    return value


def get_period(obj: Mapping[str, Any]) -> int:
    value = obj.get("period")
    if not isinstance(value, str) or not _PERIOD.fullmatch(value):
        raise BadInput(
            "period", 'phải là năm gồm 4 chữ số, ví dụ "2025"', 'must be a year of four digits, e.g. "2025"'
        )
    return int(value)


def get_rule_set(obj: Mapping[str, Any], year: int, rules: list[str]) -> RuleSet:
    """`rule_set` ("auto" by default): AR-1 picks QD124 for 2023-2024 and QD366 from 2025."""
    name = obj.get("rule_set", "auto")
    if not isinstance(name, str) or name not in CONTRACT_RULE_SETS:
        allowed = ", ".join(f'"{n}"' for n in CONTRACT_RULE_SETS)
        raise BadInput("rule_set", f"phải là một trong {allowed}", f"must be one of {allowed}")
    chosen = CONTRACT_RULE_SETS[name]
    if chosen is not None:
        return chosen
    try:
        choice = ruleset_for_period(PeriodKind.ANNUAL, year)
    except RatingInputError:
        choice = None
    if choice is None or choice.rule_set not in CONTRACT_RULE_SETS.values():
        raise BadInput(
            "period",
            f"không có bộ quy tắc tự động cho năm {year} (chỉ từ 2023)",
            f"no automatic rule set for {year} (2023 onwards only)",
        )
    rules += choice.rules
    return choice.rule_set


def sorted_rules(rules: Sequence[str]) -> list[str]:
    return sorted(set(rules), key=rule_sort_key)


def dump(payload: Mapping[str, Any]) -> str:
    return json.dumps(payload, ensure_ascii=False) + "\n"


# ---------------------------------------------------------------------------------------------------
# The contract


def _score(member: Mapping[str, Any], path: str) -> Decimal | None:
    value = member.get("score")
    if value is None:
        return None
    if not is_number(value):
        raise BadInput(path, "phải là số từ 0 đến 100 hoặc null", "must be a number from 0 to 100, or null")
    if not 0 <= value <= 100:  # compared before any conversion: huge exponents stay cheap
        raise BadInput(path, "phải từ 0 đến 100", "must be between 0 and 100")
    return Decimal(value)


def _ranks(scores: Sequence[Decimal | None]) -> list[Fraction | None]:
    """Each score replaced by its dense rank among the distinct scores (0 = lowest), as a Fraction.

    The quota only compares scores (order and ties), so ranks give the same outcome as the scores while
    staying exact and cheap: a score such as 1e-999999999 would make Fraction() build a huge integer.
    Decimal comparison is exact (90.10 == 90.1)."""
    distinct = sorted({s for s in scores if s is not None})
    index = {s: i for i, s in enumerate(distinct)}
    return [None if s is None else Fraction(index[s]) for s in scores]


def _ordered(ids: Sequence[str], rank: Mapping[str, Fraction | None]) -> list[str]:
    """Output order of every list: score descending, unscored last, equal scores by id (code points).

    A pure function of the members, so the output does not depend on the input order at all."""

    def key(ident: str) -> tuple[bool, Fraction, str]:
        r = rank[ident]
        return (r is None, -(r if r is not None else Fraction(0)), ident)

    return sorted(ids, key=key)


def compute(data: Mapping[str, Any]) -> dict[str, Any]:
    year = get_period(data)
    rules: list[str] = []
    rule_set = get_rule_set(data, year, rules)
    exception = get_bool(data, "exception_25", "exception_25", default=False)
    members = get_list(data, "members", "members")
    seen: set[str] = set()
    good = 0
    candidate_ids: list[str] = []
    candidate_scores: list[Decimal | None] = []
    for i, raw in enumerate(members):
        path = f"members[{i}]"
        member = get_object(raw, path)
        ident = get_id(member, f"{path}.id")
        if ident in seen:
            raise BadInput(f"{path}.id", f"mã '{ident}' bị trùng", f"duplicate id '{ident}'")
        seen.add(ident)
        proposed = member.get("proposed")
        if not isinstance(proposed, str) or proposed not in PROPOSED:
            allowed = ", ".join(f'"{p}"' for p in PROPOSED)
            raise BadInput(f"{path}.proposed", f"phải là một trong {allowed}", f"must be one of {allowed}")
        score = _score(member, f"{path}.score")
        if proposed == "good":
            good += 1
        elif proposed == "excellent":
            candidate_ids.append(ident)
            candidate_scores.append(score)
    rank = dict(zip(candidate_ids, _ranks(candidate_scores), strict=True))
    candidates = [Candidate(ident, rank[ident]) for ident in candidate_ids]
    ratio = quota_ratio(rule_set, 25 if exception else None)
    outcome = apply_quota(candidates, good, ratio.ratio)
    rules += ratio.rules + outcome.rules
    if rule_set is RuleSet.QD124:
        rules.append("AR-37")  # same 20% per peer group, no exception
    return {
        "rule_set": rule_set.value,
        "ratio": ratio.text,
        "good": good,
        "excellent_candidates": len(candidates),
        "excellent_max": outcome.excellent_max,
        "excellent": _ordered(outcome.excellent, rank),
        "moved_to_good": _ordered(outcome.moved_to_good, rank),
        "undecided": _ordered(outcome.undecided, rank),
        "rules": sorted_rules(rules),
    }


def run(text: str) -> tuple[int, str, str]:
    """Exit code, stdout, stderr for the command's input text."""
    try:
        payload = compute(load_object(text))
    except BadInput as exc:
        return 2, "", exc.message()
    return 0, dump(payload), ""
