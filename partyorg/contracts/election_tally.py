"""Contract of ``manage.py election_tally FILE.json`` (or ``-`` for stdin): pure, no Django.

Input (extra fields are ignored)::

    {"election_date": "YYYY-MM-DD", "rule_set": "auto" | "QD244-2014" | "QD190-2024",
     "seats": int, "roll": {"convened": int, "deducted": int},
     "candidates": [{"id": str, "full_name": str}], "ballots_issued": int,
     "ballots": [{"kept": [candidate id], "issued_by_committee": bool (default true)}]}

Output (keys in this order)::

    {"rule_set": str, "list": {"seats", "candidates", "surplus", "surplus_ok"},
     "ballots": {"issued", "collected", "valid", "invalid"}, "threshold": {"roll", "votes_needed"},
     "candidates": [{"id", "votes", "pct_of_valid", "above_threshold", "elected"}],
     "elected": [id], "tie_revote": [id], "seats_unfilled": int, "rules": [rule id]}

Exit status 0 with the JSON on stdout, or 2 with a message in Vietnamese and English on stderr naming
the field (nothing on stdout).

Decisions where the contract leaves room (all rules in :mod:`partyorg.domain.elections`):

* ``rule_set`` "auto" follows the election date (EL-2): QD190-2024 from 2024-10-10, QD244-2014 from
  2014-06-09; an earlier date is bad input (those elections ran under an older regulation, which
  this system does not model), unless the rule set is given explicitly. An explicit rule set is
  taken as given whatever the date; the arithmetic of both is the same.
* roll = convened - deducted (EL-36..EL-38); ``votes_needed`` = roll // 2 + 1, the smallest count
  that is more than half of the roll (EL-35, EL-46); ``above_threshold`` iff 2*votes > roll.
* The list is an election of a Party committee (cấp ủy, EL-23): ``surplus_ok`` follows EL-15
  (C > S and 10*(C-S) <= 3*S), with exactly one extra name for 3..5 seats (EL-20) and, by default,
  for 1..2 seats (EL-21). It is reported only: the count proceeds and the exit status is 0.
* Ballot form: with surplus when C > S, where ``kept`` are the names not struck through; when
  C <= S the ballot has Đồng ý / Không đồng ý rows and ``kept`` are the rows marked Đồng ý, every
  other row is read as Không đồng ý (EL-28, spec notation ``kept(b)``).
* Validity (EL-29..EL-33): ``issued_by_committee`` false -> invalid; more names kept than seats ->
  invalid; nothing kept on a list with surplus -> invalid (every name struck); nothing kept on a
  list without surplus -> valid, votes for nobody (all Không đồng ý, EL-31, EL-33).
* The same id twice in one ballot's ``kept`` is bad input (exit 2): a paper ballot cannot keep a
  name twice, so it is a data-entry error, not a voter's choice. A kept id outside the candidates is
  bad input too (the contract has no way to mark a written-in name).
* ``collected`` = number of ballots; more ballots than ``ballots_issued`` is bad input (EL-45).
  Nothing collected gives exit 0 with no winners and every seat unfilled (EL-45: the vote is re-run).
* ``pct_of_valid`` = round_half_up(100*votes/valid, 2), exact integer arithmetic, "0.00" when no
  ballot is valid (EL-46).
* ``candidates`` in the output keep the input order. ``elected`` are the candidates above the
  threshold by votes descending (equal votes in input order), up to the seats (EL-39); when the
  candidates tied at the cut-off would exceed the seats they go to ``tie_revote`` and are not
  elected (EL-40); ``seats_unfilled`` = seats - elected (tie re-vote and further round seats).
* ``rules`` lists the IDs of the rules applied, in numeric order (EL-28 always: the ballot form
  decides how ``kept`` is read; EL-22 for a list without surplus).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import date
from typing import Any

from partyorg.domain import elections as el

_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_RULE_SETS = ("auto", el.RuleSet.QC244_2014.value, el.RuleSet.QC190_2024.value)


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


def run(text: str) -> tuple[int, str, str]:
    """Tally one election round described by ``text``; returns (exit status, stdout, stderr)."""
    try:
        output = tally(parse(text))
    except BadInput as exc:
        return 2, "", exc.message()
    return 0, json.dumps(output, ensure_ascii=False, indent=2) + "\n", ""


# ---------------------------------------------------------------------------------------------
# Parsing
# ---------------------------------------------------------------------------------------------


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not allowed")


def _field(obj: Mapping[str, Any], key: str, path: str) -> Any:
    if key not in obj:
        raise BadInput(path, "thiếu trường bắt buộc.", "required field is missing.")
    return obj[key]


def _int(value: Any, path: str, minimum: int) -> int:
    # bool is a subclass of int in Python but not a number in this contract
    if isinstance(value, bool) or not isinstance(value, int):
        raise BadInput(path, "phải là số nguyên.", "must be an integer.")
    if value < minimum:
        raise BadInput(path, f"phải lớn hơn hoặc bằng {minimum}.", f"must be at least {minimum}.")
    return value


def _str(value: Any, path: str) -> str:
    if not isinstance(value, str):
        raise BadInput(path, "phải là chuỗi ký tự.", "must be a string.")
    if not value.strip():
        raise BadInput(path, "không được để trống.", "must not be empty.")
    return value


def _object(value: Any, path: str) -> Mapping[str, Any]:
    if not isinstance(value, dict):
        raise BadInput(path, "phải là một đối tượng JSON.", "must be a JSON object.")
    return value


def _list(value: Any, path: str) -> list[Any]:
    if not isinstance(value, list):
        raise BadInput(path, "phải là một danh sách.", "must be a list.")
    return value


class Request:
    """The validated input."""

    def __init__(
        self,
        *,
        election_date: date,
        rule_set: str,
        seats: int,
        convened: int,
        deducted: int,
        candidates: list[tuple[str, str]],
        ballots_issued: int,
        ballots: list[tuple[frozenset[str], bool]],
    ) -> None:
        self.election_date = election_date
        self.rule_set = rule_set
        self.seats = seats
        self.convened = convened
        self.deducted = deducted
        self.candidates = candidates
        self.ballots_issued = ballots_issued
        self.ballots = ballots


def parse(text: str) -> Request:
    """Validate the input document; :class:`BadInput` names the first offending field."""
    try:
        doc = json.loads(text, parse_constant=_reject_constant)
    except (ValueError, RecursionError) as exc:
        raise BadInput("(JSON)", f"không phải JSON hợp lệ ({exc}).", f"not valid JSON ({exc}).") from None
    root = _object(doc, "(gốc / root)")

    raw_date = _field(root, "election_date", "election_date")
    if not isinstance(raw_date, str) or not _DATE.fullmatch(raw_date):
        raise BadInput("election_date", "phải có dạng YYYY-MM-DD.", "must be a date written YYYY-MM-DD.")
    try:
        election_date = date.fromisoformat(raw_date)
    except ValueError:
        raise BadInput("election_date", "không phải ngày có thật.", "is not a real calendar date.") from None

    rule_set = _field(root, "rule_set", "rule_set")
    if not isinstance(rule_set, str) or rule_set not in _RULE_SETS:
        allowed = ", ".join(_RULE_SETS)
        raise BadInput("rule_set", f"phải là một trong: {allowed}.", f"must be one of: {allowed}.")

    seats = _int(_field(root, "seats", "seats"), "seats", 1)

    roll = _object(_field(root, "roll", "roll"), "roll")
    convened = _int(_field(roll, "convened", "roll.convened"), "roll.convened", 0)
    deducted = _int(_field(roll, "deducted", "roll.deducted"), "roll.deducted", 0)
    if deducted > convened:
        raise BadInput(
            "roll.deducted",
            f"số trừ ({deducted}) lớn hơn số được triệu tập ({convened}).",
            f"deductions ({deducted}) exceed those convened ({convened}).",
        )

    raw_candidates = _list(_field(root, "candidates", "candidates"), "candidates")
    if not raw_candidates:
        raise BadInput("candidates", "danh sách bầu cử không có ai.", "the election list is empty.")
    candidates: list[tuple[str, str]] = []
    seen: set[str] = set()
    for i, raw in enumerate(raw_candidates):
        path = f"candidates[{i}]"
        entry = _object(raw, path)
        cid = _str(_field(entry, "id", f"{path}.id"), f"{path}.id")
        name = _str(_field(entry, "full_name", f"{path}.full_name"), f"{path}.full_name")
        if cid in seen:
            raise BadInput(f"{path}.id", f"mã ứng viên '{cid}' bị trùng.", f"duplicate candidate id '{cid}'.")
        seen.add(cid)
        candidates.append((cid, name))

    ballots_issued = _int(_field(root, "ballots_issued", "ballots_issued"), "ballots_issued", 0)

    raw_ballots = _list(_field(root, "ballots", "ballots"), "ballots")
    ballots: list[tuple[frozenset[str], bool]] = []
    for i, raw in enumerate(raw_ballots):
        path = f"ballots[{i}]"
        entry = _object(raw, path)
        issued_by_committee = entry.get("issued_by_committee", True)
        if not isinstance(issued_by_committee, bool):
            raise BadInput(
                f"{path}.issued_by_committee",
                "phải là true hoặc false.",
                "must be true or false.",
            )
        if "kept" in entry or issued_by_committee:
            raw_kept = _list(_field(entry, "kept", f"{path}.kept"), f"{path}.kept")
        else:
            raw_kept = []  # a ballot not issued by the committee is invalid whatever it keeps
        kept: set[str] = set()
        for j, cid in enumerate(raw_kept):
            kpath = f"{path}.kept[{j}]"
            if not isinstance(cid, str):
                raise BadInput(kpath, "phải là mã ứng viên (chuỗi).", "must be a candidate id (string).")
            if cid not in seen:
                raise BadInput(
                    kpath,
                    f"'{cid}' không có trong danh sách ứng viên.",
                    f"'{cid}' is not a candidate on the list.",
                )
            if cid in kept:
                raise BadInput(
                    kpath,
                    f"'{cid}' xuất hiện hai lần trên cùng một phiếu.",
                    f"'{cid}' appears twice on the same ballot.",
                )
            kept.add(cid)
        ballots.append((frozenset(kept), issued_by_committee))

    if len(ballots) > ballots_issued:
        raise BadInput(
            "ballots",
            f"số phiếu thu vào ({len(ballots)}) nhiều hơn số phiếu phát ra "
            f"(ballots_issued = {ballots_issued}).",
            f"more ballots collected ({len(ballots)}) than issued (ballots_issued = {ballots_issued}).",
        )

    return Request(
        election_date=election_date,
        rule_set=rule_set,
        seats=seats,
        convened=convened,
        deducted=deducted,
        candidates=candidates,
        ballots_issued=ballots_issued,
        ballots=ballots,
    )


# ---------------------------------------------------------------------------------------------
# Tally
# ---------------------------------------------------------------------------------------------


def _resolve_rule_set(request: Request) -> tuple[el.RuleSet, tuple[str, ...]]:
    if request.rule_set != "auto":
        return el.RuleSet(request.rule_set), ("EL-2",)
    try:
        decision = el.rule_set_for(request.election_date)
    except el.ElectionError:
        raise BadInput(
            "election_date",
            "trước ngày 09/06/2014 không có quy chế nào của hệ thống áp dụng; hãy ghi rõ rule_set.",
            "no rule set of this system applies before 2014-06-09; give rule_set explicitly.",
        ) from None
    return decision.rule_set, decision.rules


def tally(request: Request) -> dict[str, Any]:
    """Count the ballots and decide the round; the output document in contract key order."""
    rule_set, rule_set_rules = _resolve_rule_set(request)
    ids = [cid for cid, _ in request.candidates]
    seats = request.seats
    try:
        roll = el.roll_from_totals(request.convened, request.deducted)
        surplus = el.surplus_check(seats, len(ids), el.ItemKind.PARTY_COMMITTEE)
        with_surplus = el.ballot_form(seats, len(ids)) is el.BallotForm.SURPLUS
        ballots: list[el.Ballot] = []
        for kept, issued_by_committee in request.ballots:
            if with_surplus:
                ballots.append(el.SurplusBallot(kept=kept, issued_by_committee=issued_by_committee))
            else:
                marks = {cid: el.Mark.AGREE if cid in kept else el.Mark.DISAGREE for cid in ids}
                ballots.append(el.YesNoBallot(marks=marks, issued_by_committee=issued_by_committee))
        count = el.count_ballots(candidates=ids, seats=seats, issued=request.ballots_issued, ballots=ballots)
        result = el.decide_round(
            candidates=ids,
            votes=count.votes,
            seats=seats,
            roll=roll,
            valid=count.valid,
            collected=count.collected,
        )
    except el.ElectionError as exc:  # parse() rules these out; kept as a safety net
        raise BadInput(
            "(input)", f"dữ liệu không nhất quán ({exc}).", f"inconsistent data ({exc})."
        ) from None

    # EL-28: the ballot form decides how ``kept`` is read; EL-22: Đồng ý / Không đồng ý rows
    form_rules = ("EL-28",) if with_surplus else ("EL-22", "EL-28")
    rules = el.rule_ids(*rule_set_rules, *surplus.rules, *form_rules, *count.rules, *result.rules)
    return {
        "rule_set": rule_set.value,
        "list": {
            "seats": seats,
            "candidates": len(ids),
            "surplus": len(ids) - seats,
            "surplus_ok": surplus.ok,
        },
        "ballots": {
            "issued": count.issued,
            "collected": count.collected,
            "valid": count.valid,
            "invalid": count.invalid,
        },
        "threshold": {"roll": result.roll, "votes_needed": result.votes_needed},
        "candidates": [
            {
                "id": row.candidate,
                "votes": row.votes,
                "pct_of_valid": str(row.percent),
                "above_threshold": row.qualifies,
                "elected": row.elected,
            }
            for row in result.rows
        ],
        "elected": list(result.elected),
        "tie_revote": list(result.tie_revote),
        "seats_unfilled": result.seats_unfilled,
        "rules": list(rules),
    }
