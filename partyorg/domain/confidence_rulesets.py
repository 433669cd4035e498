"""Which rule set governs a confidence rating vote (spec ``confidence-votes.md``, CV-2..CV-4).

Pure Python: no Django, no clock. The vote date is always an argument.

* Party and political-system ratings (``Body.PARTY``) are chosen by date (CV-2):
  ``QD262_2014`` before 2023-02-02, ``QD96_2023`` from that day.
* Ratings of posts that the National Assembly or a People's Council elects or approves
  (``Body.ASSEMBLY``) use ``NQ96_2023_QH15`` from 2023-07-01 (CV-3). Earlier ones are
  import-only and the importer names ``NQ85_2014`` or ``NQ35_2012`` explicitly (CV-4, [default]).

The module also holds the few value types shared by every confidence rule
(:class:`ConfidenceError`, :class:`AppliedDefault`, :class:`Notice`), so that
:mod:`partyorg.domain.confidence` can import them without a cycle.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

__all__ = [
    "NQ96_IN_FORCE",
    "QD96_IN_FORCE",
    "REPLAY_RULE_SETS",
    "AppliedDefault",
    "Body",
    "ConfidenceError",
    "Notice",
    "RuleSet",
    "RuleSetSelection",
    "explicit_rule_set",
    "rule_set_period_warnings",
    "select_rule_set",
]

#: Quy định 96-QĐ/TW signed and in force (CV-2).
QD96_IN_FORCE = date(2023, 2, 2)
#: Nghị quyết 96/2023/QH15 in force (CV-3).
NQ96_IN_FORCE = date(2023, 7, 1)


class ConfidenceError(ValueError):
    """A request the confidence rules refuse.

    ``code`` is a stable machine code, ``message_vi``/``message_en`` are shown to users,
    ``rules`` names the rule IDs (or open points) that refuse it and ``field`` the input at fault.
    """

    def __init__(
        self,
        code: str,
        message_vi: str,
        message_en: str,
        *,
        rules: tuple[str, ...] = (),
        field: str | None = None,
    ) -> None:
        super().__init__(f"{message_vi} / {message_en}")
        self.code = code
        self.message_vi = message_vi
        self.message_en = message_en
        self.rules = rules
        self.field = field


@dataclass(frozen=True)
class AppliedDefault:
    """One [default] rule or open point that a decision relied on (CV-1).

    ``point`` is the rule or open-point ID (``"CV-29"``, ``"OP-6"``), ``parameter`` the setting's
    name and ``value`` its value as text. ``standard`` is False when a caller overrode the spec's
    default.
    """

    point: str
    parameter: str
    value: str
    standard: bool = True


@dataclass(frozen=True)
class Notice:
    """A warning that does not block (CV-12, CV-13, a rule set chosen outside its period)."""

    code: str
    rule: str
    message_vi: str
    message_en: str


class RuleSet(StrEnum):
    """The regulation a vote is run (or replayed) under. Values are the contract names."""

    QD262_2014 = "QD262-2014"
    QD96_2023 = "QD96-2023"
    NQ96_2023_QH15 = "NQ96-2023-QH15"
    NQ85_2014 = "NQ85-2014"
    NQ35_2012 = "NQ35-2012"

    @property
    def is_replay(self) -> bool:
        """NQ 85/2014 and NQ 35/2012: historical imports only (CV-4, CV-30, CV-43)."""
        return self in REPLAY_RULE_SETS

    @property
    def is_party(self) -> bool:
        """Party-side rule sets (QD262, QD96)."""
        return self in (RuleSet.QD262_2014, RuleSet.QD96_2023)

    @property
    def label_vi(self) -> str:
        return _LABELS[self][0]

    @property
    def label_en(self) -> str:
        return _LABELS[self][1]


REPLAY_RULE_SETS = frozenset({RuleSet.NQ85_2014, RuleSet.NQ35_2012})

_LABELS: dict[RuleSet, tuple[str, str]] = {
    RuleSet.QD262_2014: ("Quy định 262-QĐ/TW (08/10/2014)", "Regulation 262-QD/TW (2014)"),
    RuleSet.QD96_2023: ("Quy định 96-QĐ/TW (02/02/2023)", "Regulation 96-QD/TW (2023)"),
    RuleSet.NQ96_2023_QH15: ("Nghị quyết 96/2023/QH15", "Resolution 96/2023/QH15"),
    RuleSet.NQ85_2014: ("Nghị quyết 85/2014/QH13 (dữ liệu lịch sử)", "Resolution 85/2014/QH13 (replay)"),
    RuleSet.NQ35_2012: ("Nghị quyết 35/2012/QH13 (dữ liệu lịch sử)", "Resolution 35/2012/QH13 (replay)"),
}


class Body(StrEnum):
    """Who holds the rating: decides between the Party and the NA/HĐND families (CV-2, CV-3)."""

    PARTY = "party"
    """Party and political-system posts (cấp ủy, cơ quan, Mặt trận, đoàn thể)."""
    ASSEMBLY = "assembly"
    """Posts elected or approved by the National Assembly or a People's Council (HĐND)."""


@dataclass(frozen=True)
class RuleSetSelection:
    """The chosen rule set with the rules that chose it.

    ``explicit`` is True when the caller named the rule set instead of letting the date decide.
    ``warnings`` lists non-blocking notices (an explicit set used outside its period).
    """

    rule_set: RuleSet
    explicit: bool
    rules: tuple[str, ...]
    defaults_applied: tuple[AppliedDefault, ...] = ()
    warnings: tuple[Notice, ...] = ()


_CV4_DEFAULT = AppliedDefault("CV-4", "assembly_ratings_before_2023_07_01", "import_only_explicit_replay_set")


def select_rule_set(*, vote_date: date, body: Body, replay: RuleSet | None = None) -> RuleSetSelection:
    """Choose the rule set for a rating held on ``vote_date`` by ``body``.

    * ``Body.PARTY``: CV-2, by date; ``replay`` must be None.
    * ``Body.ASSEMBLY`` on or after 2023-07-01: ``NQ96_2023_QH15`` (CV-3); ``replay`` must be None.
    * ``Body.ASSEMBLY`` before 2023-07-01: import-only; ``replay`` must name ``NQ85_2014`` or
      ``NQ35_2012`` (CV-4, [default]). No date-based choice between the two is made.

    Raises :class:`ConfidenceError` when the combination is not allowed.
    """
    if body is Body.PARTY:
        if replay is not None:
            raise ConfidenceError(
                "replay_not_for_party",
                "Bộ quy tắc phát lại (NQ 85/2014, NQ 35/2012) chỉ dùng cho chức danh do Quốc hội, HĐND bầu"
                " hoặc phê chuẩn.",
                "Replay rule sets (NQ 85/2014, NQ 35/2012) apply only to posts elected or approved by the"
                " National Assembly or a People's Council.",
                rules=("CV-2", "CV-4"),
                field="rule_set",
            )
        chosen = RuleSet.QD262_2014 if vote_date < QD96_IN_FORCE else RuleSet.QD96_2023
        return RuleSetSelection(rule_set=chosen, explicit=False, rules=("CV-2",))

    if vote_date >= NQ96_IN_FORCE:
        if replay is not None:
            raise ConfidenceError(
                "replay_after_nq96",
                "Từ ngày 01/07/2023 việc lấy phiếu tín nhiệm tại Quốc hội, HĐND áp dụng Nghị quyết"
                " 96/2023/QH15; không dùng bộ quy tắc phát lại.",
                "From 2023-07-01 NA/HĐND ratings use Resolution 96/2023/QH15; replay rule sets are"
                " not allowed.",
                rules=("CV-3", "CV-4"),
                field="rule_set",
            )
        return RuleSetSelection(rule_set=RuleSet.NQ96_2023_QH15, explicit=False, rules=("CV-3",))

    if replay is None or not replay.is_replay:
        raise ConfidenceError(
            "assembly_before_nq96_import_only",
            "Kết quả lấy phiếu tại Quốc hội, HĐND trước ngày 01/07/2023 chỉ được nhập làm dữ liệu lịch"
            " sử; hãy chọn rõ NQ 85/2014 hoặc NQ 35/2012.",
            "NA/HĐND ratings before 2023-07-01 are import-only; name NQ 85/2014 or NQ 35/2012"
            " explicitly.",
            rules=("CV-4",),
            field="rule_set",
        )
    return RuleSetSelection(rule_set=replay, explicit=True, rules=("CV-4",), defaults_applied=(_CV4_DEFAULT,))


def rule_set_period_warnings(rule_set: RuleSet, vote_date: date) -> tuple[Notice, ...]:
    """Warn (never block) when ``rule_set`` is named for a date outside its own period.

    QD262 after 2023-02-02, QD96 before it, NQ96/2023 before 2023-07-01, replay sets on or after
    2023-07-01. An explicit choice is honoured: historical corrections and replays need it.
    """
    outside = (
        (rule_set is RuleSet.QD262_2014 and vote_date >= QD96_IN_FORCE)
        or (rule_set is RuleSet.QD96_2023 and vote_date < QD96_IN_FORCE)
        or (rule_set is RuleSet.NQ96_2023_QH15 and vote_date < NQ96_IN_FORCE)
        or (rule_set.is_replay and vote_date >= NQ96_IN_FORCE)
    )
    if not outside:
        return ()
    rule = "CV-2" if rule_set.is_party else ("CV-3" if rule_set is RuleSet.NQ96_2023_QH15 else "CV-4")
    return (
        Notice(
            "rule_set_outside_period",
            rule,
            f"Bộ quy tắc {rule_set.value} được chọn cho ngày {vote_date.isoformat()}, ngoài thời gian"
            " áp dụng của nó.",
            f"Rule set {rule_set.value} was chosen for {vote_date.isoformat()}, outside its period.",
        ),
    )


def explicit_rule_set(rule_set: RuleSet, vote_date: date) -> RuleSetSelection:
    """Accept a rule set named by the caller (an importer, a replay, an NA/HĐND conference).

    The choice is honoured; :func:`rule_set_period_warnings` adds a notice when the date is outside
    the rule set's period. The rules cited are the ones that define the set's period.
    """
    if rule_set.is_party:
        rules: tuple[str, ...] = ("CV-2",)
        applied: tuple[AppliedDefault, ...] = ()
    elif rule_set is RuleSet.NQ96_2023_QH15:
        rules, applied = ("CV-3",), ()
    else:
        rules, applied = ("CV-4",), (_CV4_DEFAULT,)
    return RuleSetSelection(
        rule_set=rule_set,
        explicit=True,
        rules=rules,
        defaults_applied=applied,
        warnings=rule_set_period_warnings(rule_set, vote_date),
    )
