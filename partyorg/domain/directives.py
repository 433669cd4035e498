"""Directives, dissemination, implementation and periodic reports (spec: directives.md, DI-1..DI-11).

Pure Python: plain values in, decisions out. No Django, no clock (``today`` is always an argument),
integer arithmetic only. Every decision names the rule IDs that produced it; values taken from
:class:`DirectiveDefaults` (the open points of the spec) are listed in ``defaults_applied``.

Decisions documented here (open points of the spec):

* Number and symbol (DI-2). Two systems are recognised:

  - Party (Hướng dẫn 36-HD/VPTW): ``<number>-<type>/<issuer>``, e.g. ``124-QĐ/TW``, ``25-HD/BTCTW``;
  - State: ``<number>/<year>/<type>-<issuer>`` (``24/2010/NĐ-CP``), ``<number>/<year>/<issuer>``
    (laws, resolutions and ordinances of the National Assembly: ``96/2023/QH15``) and
    ``<number>/<type>-<issuer>`` or ``<number>/<issuer>-<unit>`` (administrative documents and
    official letters without a year: ``12/QĐ-UBND``, ``1234/BNV-CCVC``).

  Lookalike input is accepted and canonicalised (``accept_lookalike_symbols``): Unicode NFC,
  the Icelandic eth ``Ð``/``ð`` read as ``Đ``/``đ``, typographic dashes read as ``-``, spaces around
  separators dropped, a leading ``Số``/``Số:`` dropped, and an abbreviation typed with plain ``D`` or in
  the wrong case (``QD``, ``qđ``, ``du``) matched to the one known abbreviation it can stand for
  (``QĐ``, ``QĐ``, ``ĐU``). The canonical form always keeps ``Đ``. The known lists contain no pair that
  differs only by ``Đ``/``D``, so this matching is never ambiguous; an unknown issuer is kept as typed.
  The number keeps its leading zeros as written (``05-KL/BTCTW``), but duplicate detection compares the
  integer value, so ``5-KL/BTCTW`` and ``05-KL/BTCTW`` of the same body are the same document.

* Periods (DI-8, DI-9): calendar quarters, the first half-year (index 1, Jan-Jun; index 2 is Jul-Dec),
  the first nine months (Jan-Sep) and the calendar year. A period's report is due
  ``report_due_offset_days`` days after its last day (default 0: on the last day).

* Party document date line (DI-11, Hướng dẫn 36-HD/VPTW): days below 10 and the months January and
  February are written with a leading zero, other months without: ``ngày 05 tháng 02 năm 2024``,
  ``ngày 20 tháng 7 năm 2023``, ``ngày 01 tháng 12 năm 2025``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from enum import Enum

# ---------------------------------------------------------------------------------------------
# Decisions, messages, defaults
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DefaultApplied:
    """A configurable default that a decision used: rule ID, setting name and the value applied."""

    rule_id: str
    name: str
    value: str


@dataclass(frozen=True)
class Message:
    """A bilingual finding (Vietnamese first, English second) tied to one rule."""

    rule_id: str
    code: str
    vi: str
    en: str

    def __str__(self) -> str:
        return f"{self.rule_id}: {self.vi} / {self.en}"


@dataclass(frozen=True)
class Decision:
    """Outcome of a check: ``ok`` is False when there is at least one error; warnings never block."""

    ok: bool
    rule_ids: tuple[str, ...]
    errors: tuple[Message, ...] = ()
    warnings: tuple[Message, ...] = ()
    defaults_applied: tuple[DefaultApplied, ...] = ()

    @property
    def error_codes(self) -> tuple[str, ...]:
        return tuple(m.code for m in self.errors)

    @property
    def warning_codes(self) -> tuple[str, ...]:
        return tuple(m.code for m in self.warnings)


class DirectiveRuleError(ValueError):
    """An input that breaks a rule outright (e.g. editing a locked report)."""

    def __init__(self, rule_id: str, code: str, vi: str, en: str) -> None:
        super().__init__(f"{rule_id}: {vi} / {en}")
        self.rule_id = rule_id
        self.code = code
        self.vi = vi
        self.en = en


@dataclass(frozen=True)
class DirectiveDefaults:
    """Open points of directives.md, each a configurable default."""

    accept_lookalike_symbols: bool = True  # DI-2: QD -> QĐ, Ð -> Đ, dashes, case
    report_due_offset_days: int = 0  # DI-9: days after the period's last day
    date_leading_zero_months: frozenset[int] = frozenset({1, 2})  # DI-11
    date_leading_zero_day_below: int = 10  # DI-11


DEFAULTS = DirectiveDefaults()


class _Acc:
    """Collects rule IDs, findings and applied defaults while a decision is built."""

    def __init__(self, *rule_ids: str) -> None:
        self.rules: list[str] = []
        self.errors: list[Message] = []
        self.warnings: list[Message] = []
        self.defaults: list[DefaultApplied] = []
        self.rule(*rule_ids)

    def rule(self, *rule_ids: str) -> None:
        for r in rule_ids:
            if r not in self.rules:
                self.rules.append(r)

    def default(self, rule_id: str, name: str, value: object) -> None:
        self.rule(rule_id)
        d = DefaultApplied(rule_id, name, _show(value))
        if d not in self.defaults:
            self.defaults.append(d)

    def error(self, rule_id: str, code: str, vi: str, en: str) -> None:
        self.rule(rule_id)
        self.errors.append(Message(rule_id, code, vi, en))

    def warn(self, rule_id: str, code: str, vi: str, en: str) -> None:
        self.rule(rule_id)
        self.warnings.append(Message(rule_id, code, vi, en))

    def decision(self) -> Decision:
        return Decision(
            ok=not self.errors,
            rule_ids=tuple(self.rules),
            errors=tuple(self.errors),
            warnings=tuple(self.warnings),
            defaults_applied=tuple(self.defaults),
        )


def _show(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (frozenset, set)):
        return ",".join(sorted(_show(v) for v in value))
    if isinstance(value, Enum):
        return str(value.value)
    return str(value)


# ---------------------------------------------------------------------------------------------
# DI-1, DI-2: document types, number and symbol
# ---------------------------------------------------------------------------------------------


class DocumentSystem(Enum):
    PARTY = "party"
    STATE = "state"


class DocumentType(Enum):
    RESOLUTION = "resolution"
    REGULATION = "regulation"
    DECISION = "decision"
    DIRECTIVE = "directive"
    CONCLUSION = "conclusion"
    GUIDANCE = "guidance"
    PLAN = "plan"
    NOTICE = "notice"
    REPORT = "report"
    RULES = "rules"
    INSTRUCTION = "instruction"
    SUBMISSION = "submission"
    PROGRAMME = "programme"
    SCHEME = "scheme"
    MINUTES = "minutes"
    OFFICIAL_LETTER = "official_letter"
    DISPATCH = "dispatch"
    DECREE = "decree"
    CIRCULAR = "circular"
    JOINT_CIRCULAR = "joint_circular"
    JOINT_RESOLUTION = "joint_resolution"
    LAW = "law"
    ORDINANCE = "ordinance"


DOCUMENT_TYPE_NAMES_VI: Mapping[DocumentType, str] = {
    DocumentType.RESOLUTION: "Nghị quyết",
    DocumentType.REGULATION: "Quy định",
    DocumentType.DECISION: "Quyết định",
    DocumentType.DIRECTIVE: "Chỉ thị",
    DocumentType.CONCLUSION: "Kết luận",
    DocumentType.GUIDANCE: "Hướng dẫn",
    DocumentType.PLAN: "Kế hoạch",
    DocumentType.NOTICE: "Thông báo",
    DocumentType.REPORT: "Báo cáo",
    DocumentType.RULES: "Quy chế",
    DocumentType.INSTRUCTION: "Thông tri",
    DocumentType.SUBMISSION: "Tờ trình",
    DocumentType.PROGRAMME: "Chương trình",
    DocumentType.SCHEME: "Đề án",
    DocumentType.MINUTES: "Biên bản",
    DocumentType.OFFICIAL_LETTER: "Công văn",
    DocumentType.DISPATCH: "Công điện",
    DocumentType.DECREE: "Nghị định",
    DocumentType.CIRCULAR: "Thông tư",
    DocumentType.JOINT_CIRCULAR: "Thông tư liên tịch",
    DocumentType.JOINT_RESOLUTION: "Nghị quyết liên tịch",
    DocumentType.LAW: "Luật",
    DocumentType.ORDINANCE: "Pháp lệnh",
}

_T = DocumentType

#: Type abbreviations of Party documents (Hướng dẫn 36-HD/VPTW). ``QĐ`` is both Quy định and Quyết định.
PARTY_TYPES: Mapping[str, tuple[DocumentType, ...]] = {
    "NQ": (_T.RESOLUTION,),
    "QĐ": (_T.REGULATION, _T.DECISION),
    "CT": (_T.DIRECTIVE,),
    "KL": (_T.CONCLUSION,),
    "QC": (_T.RULES,),
    "HD": (_T.GUIDANCE,),
    "TB": (_T.NOTICE,),
    "TT": (_T.INSTRUCTION,),
    "BC": (_T.REPORT,),
    "KH": (_T.PLAN,),
    "TTr": (_T.SUBMISSION,),
    "CTr": (_T.PROGRAMME,),
    "ĐA": (_T.SCHEME,),
    "BB": (_T.MINUTES,),
    "CV": (_T.OFFICIAL_LETTER,),
}

#: Type abbreviations of State documents (Nghị định 30/2020/NĐ-CP, Luật ban hành VBQPPL).
STATE_TYPES: Mapping[str, tuple[DocumentType, ...]] = {
    "NĐ": (_T.DECREE,),
    "QĐ": (_T.DECISION,),
    "TT": (_T.CIRCULAR,),
    "TTLT": (_T.JOINT_CIRCULAR,),
    "NQ": (_T.RESOLUTION,),
    "NQLT": (_T.JOINT_RESOLUTION,),
    "CT": (_T.DIRECTIVE,),
    "KH": (_T.PLAN,),
    "TB": (_T.NOTICE,),
    "BC": (_T.REPORT,),
    "HD": (_T.GUIDANCE,),
    "TTr": (_T.SUBMISSION,),
    "CTr": (_T.PROGRAMME,),
    "ĐA": (_T.SCHEME,),
    "CĐ": (_T.DISPATCH,),
    "BB": (_T.MINUTES,),
}

#: ``<number>/<year>/<issuer>`` without a type: a law, a resolution or an ordinance.
UNTYPED_NORMATIVE_TYPES: tuple[DocumentType, ...] = (_T.LAW, _T.RESOLUTION, _T.ORDINANCE)

PARTY_ISSUERS: Mapping[str, str] = {
    "TW": "Ban Chấp hành Trung ương Đảng (Bộ Chính trị, Ban Bí thư)",
    "BBT": "Ban Bí thư",
    "BTCTW": "Ban Tổ chức Trung ương",
    "VPTW": "Văn phòng Trung ương Đảng",
    "UBKTTW": "Ủy ban Kiểm tra Trung ương",
    "BTGTW": "Ban Tuyên giáo Trung ương",
    "BTGDVTW": "Ban Tuyên giáo và Dân vận Trung ương",
    "BDVTW": "Ban Dân vận Trung ương",
    "BNCTW": "Ban Nội chính Trung ương",
    "BKTTW": "Ban Kinh tế Trung ương",
    "TU": "Tỉnh ủy, Thành ủy",
    "BTCTU": "Ban Tổ chức Tỉnh ủy, Thành ủy",
    "HU": "Huyện ủy",
    "QU": "Quận ủy",
    "ThU": "Thị ủy",
    "ĐU": "Đảng ủy",
    "CB": "Chi bộ",
}

STATE_ISSUERS: Mapping[str, str] = {
    "CP": "Chính phủ",
    "TTg": "Thủ tướng Chính phủ",
    "QH": "Quốc hội",
    "UBTVQH": "Ủy ban Thường vụ Quốc hội",
    "CTN": "Chủ tịch nước",
    "VPCP": "Văn phòng Chính phủ",
    "BNV": "Bộ Nội vụ",
    "BTC": "Bộ Tài chính",
    "UBND": "Ủy ban nhân dân",
    "HĐND": "Hội đồng nhân dân",
}

_YEAR_MIN = 1930
_YEAR_MAX = 2099


class NumberSymbolError(ValueError):
    """An invalid number and symbol; ``vi`` and ``en`` say what is wrong (rule DI-2)."""

    rule_id = "DI-2"

    def __init__(self, code: str, text: str, vi: str, en: str) -> None:
        super().__init__(f"{vi} / {en}")
        self.code = code
        self.text = text
        self.vi = vi
        self.en = en


@dataclass(frozen=True)
class NumberSymbol:
    """A parsed number and symbol (DI-2). ``text`` is the canonical form."""

    system: DocumentSystem
    number_text: str
    type_abbreviation: str | None
    issuer: str
    year: int | None = None

    @property
    def number(self) -> int:
        return int(self.number_text)

    @property
    def text(self) -> str:
        if self.system is DocumentSystem.PARTY:
            return f"{self.number_text}-{self.type_abbreviation}/{self.issuer}"
        tail = self.issuer if self.type_abbreviation is None else f"{self.type_abbreviation}-{self.issuer}"
        if self.year is not None:
            return f"{self.number_text}/{self.year}/{tail}"
        return f"{self.number_text}/{tail}"

    @property
    def document_types(self) -> tuple[DocumentType, ...]:
        """The document types the abbreviation stands for (``QĐ`` of the Party: regulation, decision)."""
        if self.system is DocumentSystem.PARTY:
            return PARTY_TYPES[self.type_abbreviation or ""]
        if self.type_abbreviation is not None:
            return STATE_TYPES[self.type_abbreviation]
        if self.year is not None:
            return UNTYPED_NORMATIVE_TYPES
        return (DocumentType.OFFICIAL_LETTER,)

    @property
    def document_type(self) -> DocumentType | None:
        """The single document type, or None when the abbreviation is ambiguous (``QĐ``)."""
        types = self.document_types
        return types[0] if len(types) == 1 else None

    @property
    def issuer_name(self) -> str | None:
        table = PARTY_ISSUERS if self.system is DocumentSystem.PARTY else STATE_ISSUERS
        names = []
        for part in self.issuer.split("-"):
            name = table.get(part) or table.get(part.rstrip("0123456789"))
            if name is None:
                return None
            names.append(name)
        return " - ".join(names)

    def __str__(self) -> str:
        return self.text


_LOOKALIKES = str.maketrans(
    {
        "\u00d0": "\u0110",  # Ð (eth) -> Đ
        "\u00f0": "\u0111",  # ð -> đ
        "\u0189": "\u0110",  # Ɖ (African D) -> Đ
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2212": "-",
        "\uff0d": "-",
        "\uff0f": "/",
        "\u2215": "/",
        "\u00a0": " ",
    }
)


def _fold_d(text: str) -> str:
    return text.upper().replace("Đ", "D")


def _match_abbreviation(token: str, table: Collection[str], lookalikes: bool) -> tuple[str | None, tuple[str, ...]]:
    """Return (canonical, ambiguous candidates) for ``token`` against the known abbreviations."""
    if token in table:
        return token, ()
    if not lookalikes:
        return None, ()
    by_case = [k for k in table if k.casefold() == token.casefold()]
    if len(by_case) == 1:
        return by_case[0], ()
    by_fold = sorted(k for k in table if _fold_d(k) == _fold_d(token))
    if len(by_fold) == 1:
        return by_fold[0], ()
    return None, tuple(by_fold)


_ISSUER_PART = re.compile(r"^[A-ZĐ][A-Za-zĐđ]*[0-9]*$")


def _clean(text: str, lookalikes: bool) -> str:
    s = unicodedata.normalize("NFC", text)
    if lookalikes:
        s = s.translate(_LOOKALIKES)
    s = s.strip()
    s = re.sub(r"^(?:số|Số|SỐ|so|So|SO)\s*[:.]?\s*(?=\d)", "", s)
    s = re.sub(r"\s*([-/])\s*", r"\1", s)
    return s


_PARTY_RE = re.compile(r"^(?P<num>\d+)-(?P<type>[^/\-\s]+)/(?P<issuer>[^/\s]+)$")
_STATE_YEAR_RE = re.compile(r"^(?P<num>\d+)/(?P<year>\d{4})/(?P<rest>[^/\s]+)$")
_STATE_RE = re.compile(r"^(?P<num>\d+)/(?P<rest>[^/\s]+)$")


def _shape_error(text: str) -> NumberSymbolError:
    return NumberSymbolError(
        "shape",
        text,
        f"Số, ký hiệu “{text}” không đúng dạng: văn bản của Đảng viết như 124-QĐ/TW, "
        "văn bản nhà nước viết như 24/2010/NĐ-CP hoặc 12/QĐ-UBND",
        f"“{text}” is not a valid number and symbol: Party documents are written like 124-QĐ/TW, "
        "State documents like 24/2010/NĐ-CP or 12/QĐ-UBND",
    )


def _check_number(text: str, num: str) -> None:
    if int(num) == 0:
        raise NumberSymbolError(
            "number", text, "Số văn bản phải lớn hơn 0", "The document number must be greater than 0"
        )


def _canonical_issuer(
    text: str, issuer: str, system: DocumentSystem, lookalikes: bool
) -> str:
    own = PARTY_ISSUERS if system is DocumentSystem.PARTY else STATE_ISSUERS
    other = STATE_ISSUERS if system is DocumentSystem.PARTY else PARTY_ISSUERS
    parts = issuer.split("-")
    if system is DocumentSystem.PARTY and len(parts) > 1:
        raise NumberSymbolError(
            "issuer",
            text,
            f"Ký hiệu cơ quan ban hành “{issuer}” không hợp lệ: văn bản của Đảng không có dấu gạch nối sau dấu /",
            f"Invalid issuer abbreviation “{issuer}”: a Party symbol has no hyphen after the slash",
        )
    out: list[str] = []
    for part in parts:
        digits = re.search(r"[0-9]*$", part)
        suffix = digits.group(0) if digits else ""
        stem = part[: len(part) - len(suffix)] if suffix else part
        canon, _ = _match_abbreviation(stem, own.keys(), lookalikes)
        if canon is None:
            foreign, _ = _match_abbreviation(stem, other.keys(), lookalikes)
            if foreign is not None and foreign not in own:
                if system is DocumentSystem.STATE:
                    raise NumberSymbolError(
                        "system_mismatch",
                        text,
                        f"“{foreign}” là cơ quan của Đảng: văn bản của Đảng viết dạng số-loại/cơ quan, ví dụ 124-QĐ/TW",
                        f"“{foreign}” is a Party body: Party documents are written number-type/issuer, e.g. 124-QĐ/TW",
                    )
                raise NumberSymbolError(
                    "system_mismatch",
                    text,
                    f"“{foreign}” là cơ quan nhà nước: văn bản nhà nước viết dạng số/năm/loại-cơ quan, "
                    "ví dụ 24/2010/NĐ-CP",
                    f"“{foreign}” is a State body: State documents are written number/year/type-issuer, "
                    "e.g. 24/2010/NĐ-CP",
                )
            canon = stem
            if not stem or not _ISSUER_PART.match(part):
                raise NumberSymbolError(
                    "issuer",
                    text,
                    f"Ký hiệu cơ quan ban hành “{part}” không hợp lệ: phải là chữ viết tắt bắt đầu bằng chữ in hoa",
                    f"Invalid issuer abbreviation “{part}”: it must be an abbreviation starting with a capital letter",
                )
        out.append(canon + suffix)
    return "-".join(out)


def _canonical_type(text: str, token: str, system: DocumentSystem, lookalikes: bool) -> str:
    table = PARTY_TYPES if system is DocumentSystem.PARTY else STATE_TYPES
    other = STATE_TYPES if system is DocumentSystem.PARTY else PARTY_TYPES
    canon, ambiguous = _match_abbreviation(token, table.keys(), lookalikes)
    if canon is not None:
        return canon
    foreign, _ = _match_abbreviation(token, other.keys(), lookalikes)
    if foreign is not None:
        if system is DocumentSystem.PARTY:
            raise NumberSymbolError(
                "system_mismatch",
                text,
                f"“{foreign}” là loại văn bản nhà nước: văn bản nhà nước viết dạng số/năm/loại-cơ quan, "
                "ví dụ 24/2010/NĐ-CP",
                f"“{foreign}” is a State document type: State documents are written number/year/type-issuer, "
                "e.g. 24/2010/NĐ-CP",
            )
        raise NumberSymbolError(
            "system_mismatch",
            text,
            f"“{foreign}” là loại văn bản của Đảng: văn bản của Đảng viết dạng số-loại/cơ quan, ví dụ 05-KL/BTCTW",
            f"“{foreign}” is a Party document type: Party documents are written number-type/issuer, e.g. 05-KL/BTCTW",
        )
    if ambiguous:
        alts = " hoặc ".join(ambiguous)
        alts_en = " or ".join(ambiguous)
        raise NumberSymbolError(
            "type_ambiguous",
            text,
            f"Loại văn bản viết tắt “{token}” có thể là {alts}; hãy gõ đúng chữ Đ hoặc D",
            f"Document type abbreviation “{token}” could be {alts_en}; type Đ or D exactly",
        )
    raise NumberSymbolError(
        "type_unknown",
        text,
        f"Không rõ loại văn bản viết tắt “{token}” (ví dụ hợp lệ: QĐ, HD, KL, CT, NQ, KH, TB, BC)",
        f"Unknown document type abbreviation “{token}” (valid examples: QĐ, HD, KL, CT, NQ, KH, TB, BC)",
    )


def parse_number_symbol(text: str, *, defaults: DirectiveDefaults = DEFAULTS) -> NumberSymbol:
    """Parse and validate a number and symbol (DI-2); raise :class:`NumberSymbolError` if invalid."""
    lookalikes = defaults.accept_lookalike_symbols
    s = _clean(text, lookalikes)
    if not s:
        raise NumberSymbolError(
            "empty", text, "Chưa nhập số, ký hiệu văn bản", "The number and symbol is empty"
        )
    if not s[0].isdigit():
        raise NumberSymbolError(
            "number",
            text,
            f"Số, ký hiệu “{s}” phải bắt đầu bằng số văn bản, ví dụ 124-QĐ/TW",
            f"“{s}” must start with the document number, e.g. 124-QĐ/TW",
        )
    m = _PARTY_RE.match(s)
    if m:
        _check_number(text, m["num"])
        typ = _canonical_type(text, m["type"], DocumentSystem.PARTY, lookalikes)
        issuer = _canonical_issuer(text, m["issuer"], DocumentSystem.PARTY, lookalikes)
        return NumberSymbol(DocumentSystem.PARTY, m["num"], typ, issuer)
    m = _STATE_YEAR_RE.match(s)
    year: int | None = None
    if m:
        year = int(m["year"])
        if not _YEAR_MIN <= year <= _YEAR_MAX:
            raise NumberSymbolError(
                "year",
                text,
                f"Năm ban hành {year} không hợp lệ (phải từ {_YEAR_MIN} đến {_YEAR_MAX})",
                f"Year of issue {year} is not valid (must be {_YEAR_MIN} to {_YEAR_MAX})",
            )
    else:
        m = _STATE_RE.match(s)
    if not m:
        raise _shape_error(s)
    _check_number(text, m["num"])
    rest: str = m["rest"]
    head, sep, tail = rest.partition("-")
    typ_state: str | None = None
    if sep:
        canon, _ = _match_abbreviation(head, STATE_TYPES.keys(), lookalikes)
        if canon is not None:
            typ_state, rest = canon, tail
        elif year is not None:
            _canonical_type(text, head, DocumentSystem.STATE, lookalikes)  # raises type_unknown / ambiguous
    if not rest:
        raise _shape_error(s)
    issuer = _canonical_issuer(text, rest, DocumentSystem.STATE, lookalikes)
    return NumberSymbol(DocumentSystem.STATE, m["num"], typ_state, issuer, year)


def number_symbol_error(text: str, *, defaults: DirectiveDefaults = DEFAULTS) -> NumberSymbolError | None:
    """The validation error for ``text`` (DI-2), or None when it is a valid number and symbol."""
    try:
        parse_number_symbol(text, defaults=defaults)
    except NumberSymbolError as exc:
        return exc
    return None


def duplicate_key(symbol: NumberSymbol, issuing_body_id: str) -> str:
    """Normalised key of (number and symbol, issuing body) used to refuse a second registration (DI-2).

    The number is compared as an integer and the abbreviations folded (case, Đ/D), so lookalike
    spellings of the same document collide.
    """
    return "|".join(
        (
            issuing_body_id,
            symbol.system.value,
            str(symbol.number),
            "" if symbol.year is None else str(symbol.year),
            _fold_d(symbol.type_abbreviation or ""),
            _fold_d(symbol.issuer),
        )
    )


def check_not_registered(
    symbol: NumberSymbol, issuing_body_id: str, registered_keys: Collection[str]
) -> Decision:
    """DI-2: the same number and symbol from the same issuing body cannot be registered twice."""
    acc = _Acc("DI-2")
    if duplicate_key(symbol, issuing_body_id) in registered_keys:
        acc.error(
            "DI-2",
            "duplicate",
            f"Văn bản số {symbol.text} của cơ quan này đã được đăng ký",
            f"Document {symbol.text} of this issuing body is already registered",
        )
    return acc.decision()


def fold_diacritics(text: str) -> str:
    """Lower-case text without Vietnamese diacritics (``Quy định`` -> ``quy dinh``), for search (DI-2)."""
    decomposed = unicodedata.normalize("NFD", text.translate(_LOOKALIKES).replace("Đ", "D").replace("đ", "d"))
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return unicodedata.normalize("NFC", stripped).casefold()


def document_matches(query: str, number_symbol: str, title: str) -> bool:
    """DI-2 search: by number ("124"), by symbol ("QĐ/TW", "124-qd"), or by title words with or without diacritics."""
    q = " ".join(fold_diacritics(query).split())
    if not q:
        return False
    sym = fold_diacritics(number_symbol).replace(" ", "")
    if q.isdigit():
        lead = re.match(r"\d+", sym)
        return lead is not None and int(lead.group(0)) == int(q)
    if q.replace(" ", "") in sym:
        return True
    words = re.findall(r"\w+", fold_diacritics(title))
    return all(any(t.startswith(w) for t in words) for w in q.split())


# ---------------------------------------------------------------------------------------------
# DI-1: document status and links
# ---------------------------------------------------------------------------------------------


class DocumentStatus(Enum):
    IN_FORCE = "in_force"
    AMENDED = "amended"
    REPLACED = "replaced"
    EXPIRED = "expired"


class LinkKind(Enum):
    REPLACES = "replaces"
    AMENDS = "amends"
    GUIDES = "guides"
    IMPLEMENTS = "implements"


@dataclass(frozen=True)
class DocumentRef:
    """What the link and status rules need to know about a registered document."""

    doc_id: str
    issued_on: date
    symbol: NumberSymbol | None = None
    expires_on: date | None = None


@dataclass(frozen=True)
class DocumentLink:
    """``source`` <kind> ``target``: e.g. 124-QĐ/TW replaces 132-QĐ/TW."""

    source: str
    kind: LinkKind
    target: str


@dataclass(frozen=True)
class DocumentStatusResult:
    status: DocumentStatus
    replaced_by: str | None
    amended_by: tuple[str, ...]
    rule_ids: tuple[str, ...] = ("DI-1",)


def check_document_link(
    link: DocumentLink, documents: Mapping[str, DocumentRef], existing: Sequence[DocumentLink] = ()
) -> Decision:
    """DI-1: validate a new link between two registered documents."""
    acc = _Acc("DI-1")
    src = documents.get(link.source)
    tgt = documents.get(link.target)
    if src is None or tgt is None:
        acc.error("DI-1", "unknown_document", "Văn bản liên kết chưa được đăng ký", "A linked document is not registered")
        return acc.decision()
    if link.source == link.target:
        acc.error("DI-1", "self_link", "Văn bản không thể liên kết với chính nó", "A document cannot link to itself")
        return acc.decision()
    if link in existing:
        acc.error("DI-1", "duplicate_link", "Liên kết này đã có", "This link already exists")
    if link.kind is LinkKind.REPLACES:
        if src.issued_on < tgt.issued_on:
            acc.error(
                "DI-1",
                "replaces_older_only",
                "Văn bản thay thế phải ban hành cùng ngày hoặc sau văn bản bị thay thế",
                "A replacing document must be issued on or after the document it replaces",
            )
        other = [x for x in existing if x.kind is LinkKind.REPLACES and x.target == link.target and x.source != link.source]
        if other:
            acc.error(
                "DI-1",
                "already_replaced",
                f"Văn bản này đã được thay thế bởi {other[0].source}",
                f"This document is already replaced by {other[0].source}",
            )
        if link.target in replacement_chain(link.source, existing):
            acc.error(
                "DI-1",
                "replacement_cycle",
                "Liên kết thay thế tạo thành vòng lặp",
                "The replacement link would create a cycle",
            )
    if link.kind is LinkKind.GUIDES and src.symbol is not None and DocumentType.GUIDANCE not in src.symbol.document_types:
        acc.warn(
            "DI-1",
            "guides_not_guidance",
            "Văn bản hướng dẫn thường là loại Hướng dẫn (HD)",
            "A guiding document is normally of type Guidance (HD)",
        )
    if link.kind in (LinkKind.GUIDES, LinkKind.IMPLEMENTS, LinkKind.AMENDS) and src.issued_on < tgt.issued_on:
        acc.warn(
            "DI-1",
            "issued_before_target",
            "Văn bản này ban hành trước văn bản mà nó hướng dẫn, thực hiện hoặc sửa đổi",
            "This document is issued before the document it guides, implements or amends",
        )
    return acc.decision()


def replacement_chain(doc_id: str, links: Iterable[DocumentLink]) -> tuple[str, ...]:
    """``doc_id`` followed by its replacing document, that one's replacement, and so on (DI-1)."""
    by_target: dict[str, str] = {}
    for link in links:
        if link.kind is LinkKind.REPLACES:
            by_target.setdefault(link.target, link.source)
    chain = [doc_id]
    while chain[-1] in by_target and by_target[chain[-1]] not in chain:
        chain.append(by_target[chain[-1]])
    return tuple(chain)


def document_status(doc: DocumentRef, links: Iterable[DocumentLink], documents: Mapping[str, DocumentRef], today: date) -> DocumentStatusResult:
    """DI-1: replaced (a replacing document issued by ``today``), expired, amended, or in force."""
    replaced_by: str | None = None
    amended: list[str] = []
    for link in links:
        if link.target != doc.doc_id:
            continue
        src = documents.get(link.source)
        if src is None or src.issued_on > today:
            continue
        if link.kind is LinkKind.REPLACES and replaced_by is None:
            replaced_by = link.source
        elif link.kind is LinkKind.AMENDS:
            amended.append(link.source)
    if replaced_by is not None:
        status = DocumentStatus.REPLACED
    elif doc.expires_on is not None and doc.expires_on < today:
        status = DocumentStatus.EXPIRED
    elif amended:
        status = DocumentStatus.AMENDED
    else:
        status = DocumentStatus.IN_FORCE
    return DocumentStatusResult(status, replaced_by, tuple(amended))


# ---------------------------------------------------------------------------------------------
# DI-3: dissemination conferences
# ---------------------------------------------------------------------------------------------


class ConferenceMode(Enum):
    IN_PERSON = "in_person"
    ONLINE = "online"
    HYBRID = "hybrid"


@dataclass(frozen=True)
class BridgePoint:
    org_id: str
    participants: int


@dataclass(frozen=True)
class Conference:
    conference_id: str
    held_at: datetime
    host_org: str
    mode: ConferenceMode
    documents: tuple[str, ...]
    chair: str
    bridge_points: tuple[BridgePoint, ...] = ()
    in_person_participants: int = 0
    follows: str | None = None


@dataclass(frozen=True)
class ConferenceTotals:
    bridge_points: int
    online_participants: int
    in_person_participants: int
    total_participants: int
    rule_ids: tuple[str, ...] = ("DI-3",)


def conference_totals(conference: Conference) -> ConferenceTotals:
    """DI-3: totals of bridge points and participants."""
    online = sum(b.participants for b in conference.bridge_points)
    return ConferenceTotals(
        bridge_points=len(conference.bridge_points),
        online_participants=online,
        in_person_participants=conference.in_person_participants,
        total_participants=online + conference.in_person_participants,
    )


def check_conference(conference: Conference, followed: Conference | None = None) -> Decision:
    """DI-3: what a conference record must contain; a mirrored conference follows its Central one."""
    acc = _Acc("DI-3")
    if not conference.documents:
        acc.error("DI-3", "no_documents", "Hội nghị phải ghi các văn bản được quán triệt", "A conference must list the documents it covers")
    if not conference.chair.strip():
        acc.error("DI-3", "no_chair", "Chưa ghi người chủ trì hội nghị", "The chair of the conference is missing")
    if not conference.host_org:
        acc.error("DI-3", "no_host", "Chưa ghi tổ chức chủ trì", "The host organization is missing")
    online = conference.mode in (ConferenceMode.ONLINE, ConferenceMode.HYBRID)
    if online and not conference.bridge_points:
        acc.error(
            "DI-3",
            "no_bridge_points",
            "Hội nghị trực tuyến phải ghi các điểm cầu và số người dự tại mỗi điểm cầu",
            "An online conference must list its bridge points with the participants at each",
        )
    if conference.mode is ConferenceMode.IN_PERSON and conference.bridge_points:
        acc.error(
            "DI-3",
            "bridge_points_in_person",
            "Hội nghị trực tiếp không có điểm cầu; hãy chọn hình thức trực tuyến hoặc kết hợp",
            "An in-person conference has no bridge points; choose online or hybrid",
        )
    seen: set[str] = set()
    for b in conference.bridge_points:
        if b.org_id in seen:
            acc.error("DI-3", "duplicate_bridge_point", f"Điểm cầu {b.org_id} bị ghi hai lần", f"Bridge point {b.org_id} is listed twice")
        seen.add(b.org_id)
        if b.participants < 0:
            acc.error("DI-3", "negative_participants", "Số người dự không được âm", "Participants cannot be negative")
    if conference.in_person_participants < 0:
        acc.error("DI-3", "negative_participants", "Số người dự không được âm", "Participants cannot be negative")
    if conference.follows is not None:
        if followed is None or followed.conference_id != conference.follows:
            acc.error("DI-3", "followed_missing", "Không tìm thấy hội nghị được tiếp nối", "The followed conference is not found")
        else:
            if conference.held_at < followed.held_at:
                acc.error(
                    "DI-3",
                    "follows_earlier",
                    "Hội nghị tiếp nối phải tổ chức sau hội nghị mà nó tiếp nối",
                    "A follow-up conference must take place after the one it follows",
                )
            if not set(conference.documents) & set(followed.documents):
                acc.warn(
                    "DI-3",
                    "no_common_document",
                    "Hội nghị tiếp nối không có văn bản chung với hội nghị Trung ương",
                    "The follow-up conference shares no document with the conference it follows",
                )
    return acc.decision()


# ---------------------------------------------------------------------------------------------
# DI-4: implementation requirements and addressees
# ---------------------------------------------------------------------------------------------


class Deliverable(Enum):
    IMPLEMENTING_DOCUMENT = "implementing_document"
    IMPLEMENTATION_PLAN = "implementation_plan"
    FOLLOW_UP_CONFERENCE = "follow_up_conference"
    REPORT = "report"
    REMEDIATION_PLAN = "remediation_plan"


@dataclass(frozen=True)
class OrgNode:
    """An organization of the party tree: ``level`` counts from the root (0), ``org_type`` is free text."""

    org_id: str
    parent_id: str | None
    level: int
    org_type: str = ""


def _children_map(orgs: Iterable[OrgNode]) -> dict[str, list[str]]:
    children: dict[str, list[str]] = {}
    for o in orgs:
        if o.parent_id is not None:
            children.setdefault(o.parent_id, []).append(o.org_id)
    return children


def descendants(org_id: str, orgs: Iterable[OrgNode]) -> frozenset[str]:
    """All organizations below ``org_id`` (not itself)."""
    children = _children_map(orgs)
    out: set[str] = set()
    stack = list(children.get(org_id, ()))
    while stack:
        o = stack.pop()
        if o not in out:
            out.add(o)
            stack.extend(children.get(o, ()))
    return frozenset(out)


@dataclass(frozen=True)
class AddresseeSelection:
    addressed: frozenset[str]
    decision: Decision


def select_addressees(
    issuer_id: str,
    orgs: Sequence[OrgNode],
    *,
    levels: Collection[int] = (),
    org_types: Collection[str] = (),
    chosen: Collection[str] = (),
) -> AddresseeSelection:
    """DI-4: subordinates chosen by level and/or type (both filters apply when both are given), plus by hand."""
    acc = _Acc("DI-4")
    below = descendants(issuer_id, orgs)
    picked: set[str] = set()
    if levels or org_types:
        for o in orgs:
            if o.org_id not in below:
                continue
            if levels and o.level not in levels:
                continue
            if org_types and o.org_type not in org_types:
                continue
            picked.add(o.org_id)
    for org_id in chosen:
        if org_id in below:
            picked.add(org_id)
        else:
            acc.error(
                "DI-4",
                "not_subordinate",
                f"{org_id} không phải tổ chức cấp dưới của đơn vị ban hành yêu cầu",
                f"{org_id} is not subordinate to the issuing organization",
            )
    if not picked:
        acc.error("DI-4", "no_addressees", "Yêu cầu chưa có tổ chức nào được giao", "The requirement has no addressed organization")
    return AddresseeSelection(frozenset(picked), acc.decision())


@dataclass(frozen=True)
class Requirement:
    requirement_id: str
    issuer_id: str
    documents: tuple[str, ...]
    deliverable: Deliverable
    issued_on: date
    deadline: date
    addressed: frozenset[str]


def check_requirement(requirement: Requirement, orgs: Sequence[OrgNode]) -> Decision:
    """DI-4: an implementation requirement names documents, a deliverable, a deadline and subordinates."""
    acc = _Acc("DI-4")
    if not requirement.documents:
        acc.error("DI-4", "no_documents", "Yêu cầu phải gắn với ít nhất một văn bản", "A requirement must concern at least one document")
    if requirement.deadline < requirement.issued_on:
        acc.error("DI-4", "deadline_before_issue", "Hạn nộp trước ngày ban hành yêu cầu", "The deadline is before the issue date")
    if not requirement.addressed:
        acc.error("DI-4", "no_addressees", "Yêu cầu chưa có tổ chức nào được giao", "The requirement has no addressed organization")
    outside = sorted(requirement.addressed - descendants(requirement.issuer_id, orgs))
    for org_id in outside:
        acc.error(
            "DI-4",
            "not_subordinate",
            f"{org_id} không phải tổ chức cấp dưới của đơn vị ban hành yêu cầu",
            f"{org_id} is not subordinate to the issuing organization",
        )
    return acc.decision()


# ---------------------------------------------------------------------------------------------
# DI-5, DI-6: status per organization and compliance
# ---------------------------------------------------------------------------------------------


class RequirementStatus(Enum):
    PENDING = "pending"
    SUBMITTED_ON_TIME = "submitted_on_time"
    SUBMITTED_LATE = "submitted_late"
    OVERDUE = "overdue"
    RETURNED = "returned"


STATUS_LABELS: Mapping[RequirementStatus, tuple[str, str]] = {
    RequirementStatus.PENDING: ("Chưa đến hạn", "Pending"),
    RequirementStatus.SUBMITTED_ON_TIME: ("Đã nộp đúng hạn", "Submitted on time"),
    RequirementStatus.SUBMITTED_LATE: ("Đã nộp muộn", "Submitted late"),
    RequirementStatus.OVERDUE: ("Quá hạn", "Overdue"),
    RequirementStatus.RETURNED: ("Trả lại để làm lại", "Returned for rework"),
}


@dataclass(frozen=True)
class Submission:
    """A deliverable submitted by an addressed organization (``reference``: number and date, or conference)."""

    submitted_on: date
    reference: str
    returned_on: date | None = None
    return_reason: str = ""


def return_submission(submission: Submission, on: date, reason: str) -> Submission:
    """DI-5: the issuing organization returns a submission for rework; a reason is required."""
    if not reason.strip():
        raise DirectiveRuleError("DI-5", "return_reason", "Phải ghi lý do trả lại", "A reason for returning is required")
    if on < submission.submitted_on:
        raise DirectiveRuleError("DI-5", "return_before_submission", "Ngày trả lại trước ngày nộp", "Returned before it was submitted")
    return replace(submission, returned_on=on, return_reason=reason.strip())


@dataclass(frozen=True)
class StatusResult:
    status: RequirementStatus
    days_late: int = 0
    days_overdue: int = 0
    return_reason: str = ""
    rule_ids: tuple[str, ...] = ("DI-5",)

    @property
    def submitted(self) -> bool:
        return self.status in (RequirementStatus.SUBMITTED_ON_TIME, RequirementStatus.SUBMITTED_LATE)

    @property
    def label(self) -> str:
        vi, en = STATUS_LABELS[self.status]
        return f"{vi} / {en}"


def requirement_status(deadline: date, today: date, submissions: Sequence[Submission] = ()) -> StatusResult:
    """DI-5: status of one addressed organization. The deadline day itself is on time.

    The latest submission counts; if it was returned, the status is ``returned`` (with the overdue days
    when the deadline has passed) until a new submission arrives.
    """
    if any(s.submitted_on > today for s in submissions):
        raise DirectiveRuleError("DI-5", "future_submission", "Ngày nộp sau ngày hôm nay", "A submission is dated after today")
    overdue = max(0, (today - deadline).days)
    if not submissions:
        if today > deadline:
            return StatusResult(RequirementStatus.OVERDUE, days_overdue=overdue)
        return StatusResult(RequirementStatus.PENDING)
    last = max(submissions, key=lambda s: s.submitted_on)
    if last.returned_on is not None and last.returned_on <= today:
        return StatusResult(RequirementStatus.RETURNED, days_overdue=overdue, return_reason=last.return_reason)
    if last.submitted_on <= deadline:
        return StatusResult(RequirementStatus.SUBMITTED_ON_TIME)
    return StatusResult(RequirementStatus.SUBMITTED_LATE, days_late=(last.submitted_on - deadline).days)


@dataclass(frozen=True)
class ComplianceSummary:
    """DI-6: "submitted / addressed" with the missing organizations and their overdue days."""

    submitted: int
    addressed: int
    missing: tuple[str, ...]
    overdue_days: tuple[tuple[str, int], ...]
    late_days: tuple[tuple[str, int], ...]
    rule_ids: tuple[str, ...] = ("DI-6", "DI-5")

    @property
    def label(self) -> str:
        return f"{self.submitted}/{self.addressed}"

    @property
    def permille(self) -> int:
        """Submitted share in permille, rounded down (0 when nothing is addressed)."""
        return 1000 * self.submitted // self.addressed if self.addressed else 0

    @property
    def max_overdue_days(self) -> int:
        return max((d for _, d in self.overdue_days), default=0)


def compliance_summary(statuses: Mapping[str, StatusResult]) -> ComplianceSummary:
    """DI-6: count submitted (on time or late) among the addressed; returned ones are missing again."""
    missing = sorted(o for o, s in statuses.items() if not s.submitted)
    overdue = sorted(
        ((o, s.days_overdue) for o, s in statuses.items() if not s.submitted and s.days_overdue > 0),
        key=lambda x: (-x[1], x[0]),
    )
    late = sorted(
        ((o, s.days_late) for o, s in statuses.items() if s.status is RequirementStatus.SUBMITTED_LATE),
        key=lambda x: (-x[1], x[0]),
    )
    return ComplianceSummary(
        submitted=sum(1 for s in statuses.values() if s.submitted),
        addressed=len(statuses),
        missing=tuple(missing),
        overdue_days=tuple(overdue),
        late_days=tuple(late),
    )


def compliance_drilldown(
    parent_id: str, orgs: Sequence[OrgNode], statuses: Mapping[str, StatusResult]
) -> tuple[tuple[str, ComplianceSummary], ...]:
    """DI-6 drill-down: one summary per direct child of ``parent_id``, over the addressed orgs in its subtree."""
    out: list[tuple[str, ComplianceSummary]] = []
    for child in sorted(o.org_id for o in orgs if o.parent_id == parent_id):
        subtree = descendants(child, orgs) | {child}
        part = {o: s for o, s in statuses.items() if o in subtree}
        if part:
            out.append((child, compliance_summary(part)))
    return tuple(out)


# ---------------------------------------------------------------------------------------------
# DI-7: obstacles and recommendations
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Obstacle:
    obstacle_id: str
    asker_org: str
    addressed_to: str
    document_id: str
    question: str
    answer: str | None = None
    shared_with_addressed: bool = False


def ancestors(org_id: str, orgs: Iterable[OrgNode]) -> tuple[str, ...]:
    """The chain above ``org_id``, nearest first."""
    parent = {o.org_id: o.parent_id for o in orgs}
    out: list[str] = []
    cur = parent.get(org_id)
    while cur is not None and cur not in out:
        out.append(cur)
        cur = parent.get(cur)
    return tuple(out)


def check_obstacle_route(
    asker_org: str, to_org: str, orgs: Sequence[OrgNode], requirement_issuer: str | None = None
) -> Decision:
    """DI-7: an obstacle goes to the organization that issued the requirement, or up the asker's chain."""
    acc = _Acc("DI-7")
    if to_org != requirement_issuer and to_org not in ancestors(asker_org, orgs):
        acc.error(
            "DI-7",
            "wrong_recipient",
            "Khó khăn, vướng mắc chỉ gửi tới tổ chức ban hành yêu cầu hoặc cấp trên của mình",
            "An obstacle goes only to the organization that issued the requirement or up one's own chain",
        )
    return acc.decision()


def answer_obstacle(obstacle: Obstacle, answer: str, *, share_with_addressed: bool) -> Obstacle:
    """DI-7: the receiving organization answers; it may share the answer with all addressed organizations."""
    if not answer.strip():
        raise DirectiveRuleError("DI-7", "empty_answer", "Nội dung trả lời trống", "The answer is empty")
    return replace(obstacle, answer=answer.strip(), shared_with_addressed=share_with_addressed)


def obstacle_visible_to(obstacle: Obstacle, viewer_org: str, addressed_orgs: Collection[str]) -> bool:
    """DI-7: asker and recipient always see it; the addressed organizations once a shared answer exists."""
    if viewer_org in (obstacle.asker_org, obstacle.addressed_to):
        return True
    return obstacle.answer is not None and obstacle.shared_with_addressed and viewer_org in addressed_orgs


# ---------------------------------------------------------------------------------------------
# Periods (DI-8, DI-9)
# ---------------------------------------------------------------------------------------------


class PeriodKind(Enum):
    QUARTER = "quarter"
    HALF_YEAR = "half_year"
    NINE_MONTHS = "nine_months"
    YEAR = "year"


_PERIOD_COUNT: Mapping[PeriodKind, int] = {
    PeriodKind.QUARTER: 4,
    PeriodKind.HALF_YEAR: 2,
    PeriodKind.NINE_MONTHS: 1,
    PeriodKind.YEAR: 1,
}

_ROMAN = ("I", "II", "III", "IV")


def _month_end(year: int, month: int) -> date:
    if month == 12:
        return date(year, 12, 31)
    return date(year, month + 1, 1) - timedelta(days=1)


@dataclass(frozen=True)
class Period:
    """A reporting period: quarter 1-4, half-year 1-2, the first nine months, or the year."""

    kind: PeriodKind
    year: int
    index: int = 1

    def __post_init__(self) -> None:
        if not 1 <= self.index <= _PERIOD_COUNT[self.kind]:
            raise ValueError(f"period index {self.index} out of range for {self.kind.value}")

    @property
    def first_month(self) -> int:
        if self.kind is PeriodKind.QUARTER:
            return 3 * self.index - 2
        if self.kind is PeriodKind.HALF_YEAR:
            return 6 * self.index - 5
        return 1

    @property
    def last_month(self) -> int:
        if self.kind is PeriodKind.QUARTER:
            return 3 * self.index
        if self.kind is PeriodKind.HALF_YEAR:
            return 6 * self.index
        if self.kind is PeriodKind.NINE_MONTHS:
            return 9
        return 12

    @property
    def start(self) -> date:
        return date(self.year, self.first_month, 1)

    @property
    def end(self) -> date:
        return _month_end(self.year, self.last_month)

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end

    @property
    def label_vi(self) -> str:
        if self.kind is PeriodKind.QUARTER:
            return f"Quý {_ROMAN[self.index - 1]} năm {self.year}"
        if self.kind is PeriodKind.HALF_YEAR:
            return f"6 tháng {'đầu' if self.index == 1 else 'cuối'} năm {self.year}"
        if self.kind is PeriodKind.NINE_MONTHS:
            return f"9 tháng năm {self.year}"
        return f"Năm {self.year}"

    @property
    def label_en(self) -> str:
        if self.kind is PeriodKind.QUARTER:
            return f"Q{self.index} {self.year}"
        if self.kind is PeriodKind.HALF_YEAR:
            return f"{'First' if self.index == 1 else 'Second'} half of {self.year}"
        if self.kind is PeriodKind.NINE_MONTHS:
            return f"First nine months of {self.year}"
        return f"Year {self.year}"


def periods_in_year(kind: PeriodKind, year: int) -> tuple[Period, ...]:
    return tuple(Period(kind, year, i) for i in range(1, _PERIOD_COUNT[kind] + 1))


def period_containing(kind: PeriodKind, day: date) -> Period | None:
    """The period of ``kind`` that contains ``day`` (None for a day after September and ``NINE_MONTHS``)."""
    for p in periods_in_year(kind, day.year):
        if p.contains(day):
            return p
    return None


@dataclass(frozen=True)
class PeriodDeadline:
    period: Period
    due_on: date
    rule_ids: tuple[str, ...]
    defaults_applied: tuple[DefaultApplied, ...]


def period_deadline(period: Period, *, defaults: DirectiveDefaults = DEFAULTS) -> PeriodDeadline:
    """DI-9: the report of ``period`` is due ``report_due_offset_days`` after its last day [default]."""
    return PeriodDeadline(
        period,
        period.end + timedelta(days=defaults.report_due_offset_days),
        ("DI-9",),
        (DefaultApplied("DI-9", "report_due_offset_days", str(defaults.report_due_offset_days)),),
    )


# ---------------------------------------------------------------------------------------------
# DI-8, DI-9: report templates, indicators, rollup, locking
# ---------------------------------------------------------------------------------------------


class RollupRule(Enum):
    SUM = "sum"
    COMPUTED = "computed"
    NOT_ROLLED_UP = "not_rolled_up"


class IndicatorSource(Enum):
    MANUAL = "manual"
    SYSTEM = "system"


#: Figures the system can fill itself (DI-8); ``members_by_rating:<level>`` takes a rating level code.
SYSTEM_SOURCES: frozenset[str] = frozenset(
    {"members_admitted", "members_by_rating", "organizations_merged", "confidence_votes_held"}
)


@dataclass(frozen=True)
class Term:
    coefficient: int
    code: str


@dataclass(frozen=True)
class Formula:
    """``scale * sum(numerator) // sum(denominator)`` (rounded down), or just ``sum(numerator)``."""

    numerator: tuple[Term, ...]
    denominator: tuple[Term, ...] = ()
    scale: int = 1

    @property
    def codes(self) -> frozenset[str]:
        return frozenset(t.code for t in self.numerator + self.denominator)


@dataclass(frozen=True)
class Indicator:
    code: str
    label_vi: str
    label_en: str = ""
    rule: RollupRule = RollupRule.SUM
    formula: Formula | None = None
    source: IndicatorSource = IndicatorSource.MANUAL
    source_key: str | None = None


@dataclass(frozen=True)
class Section:
    code: str
    title_vi: str
    title_en: str = ""


@dataclass(frozen=True)
class ReportTemplate:
    template_id: str
    period_kind: PeriodKind
    sections: tuple[Section, ...]
    indicators: tuple[Indicator, ...]

    def indicator(self, code: str) -> Indicator:
        for i in self.indicators:
            if i.code == code:
                return i
        raise KeyError(code)


def _computed_order(template: ReportTemplate) -> tuple[list[str], list[str]]:
    """Topological order of computed indicators, and the codes caught in a cycle."""
    computed = {i.code: i for i in template.indicators if i.rule is RollupRule.COMPUTED and i.formula is not None}
    order: list[str] = []
    state: dict[str, int] = {}
    cyclic: list[str] = []

    def visit(code: str) -> None:
        if state.get(code) == 2:
            return
        if state.get(code) == 1:
            if code not in cyclic:
                cyclic.append(code)
            return
        state[code] = 1
        formula = computed[code].formula
        for dep in sorted(formula.codes if formula else ()):
            if dep in computed:
                visit(dep)
        state[code] = 2
        order.append(code)

    for code in computed:
        visit(code)
    return order, cyclic


def check_template(template: ReportTemplate) -> Decision:
    """DI-8: unique codes, each computed indicator has a formula over existing indicators, no cycles."""
    acc = _Acc("DI-8")
    codes = [i.code for i in template.indicators]
    for dup in sorted({c for c in codes if codes.count(c) > 1}):
        acc.error("DI-8", "duplicate_code", f"Mã chỉ tiêu {dup} bị trùng", f"Indicator code {dup} is duplicated")
    known = set(codes)
    for ind in template.indicators:
        if ind.rule is RollupRule.COMPUTED:
            if ind.formula is None or not ind.formula.numerator:
                acc.error("DI-8", "missing_formula", f"Chỉ tiêu {ind.code} tính toán nhưng chưa có công thức", f"Computed indicator {ind.code} has no formula")
            else:
                for dep in sorted(ind.formula.codes - known):
                    acc.error("DI-8", "unknown_input", f"Công thức của {ind.code} dùng chỉ tiêu không có: {dep}", f"Formula of {ind.code} uses unknown indicator {dep}")
                if ind.code in ind.formula.codes:
                    acc.error("DI-8", "formula_cycle", f"Công thức của {ind.code} dùng chính nó", f"Formula of {ind.code} refers to itself")
        elif ind.formula is not None:
            acc.error("DI-8", "formula_not_computed", f"Chỉ tiêu {ind.code} không phải loại tính toán nhưng có công thức", f"Indicator {ind.code} is not computed but has a formula")
        if ind.source is IndicatorSource.SYSTEM:
            base = (ind.source_key or "").split(":")[0]
            if base not in SYSTEM_SOURCES:
                acc.error("DI-8", "unknown_source", f"Nguồn dữ liệu của {ind.code} không có trong hệ thống", f"Data source of {ind.code} is not available in the system")
    _, cyclic = _computed_order(template)
    for code in cyclic:
        acc.error("DI-8", "formula_cycle", f"Công thức của {code} tạo vòng lặp", f"Formula of {code} is part of a cycle")
    return acc.decision()


def _eval(formula: Formula, values: Mapping[str, int | None]) -> int | None:
    def total(terms: tuple[Term, ...]) -> int | None:
        acc = 0
        for t in terms:
            v = values.get(t.code)
            if v is None:
                return None
            acc += t.coefficient * v
        return acc

    num = total(formula.numerator)
    if num is None:
        return None
    if not formula.denominator:
        return formula.scale * num
    den = total(formula.denominator)
    if den is None or den == 0:
        return None
    return formula.scale * num // den


def compute_indicators(template: ReportTemplate, values: Mapping[str, int | None]) -> dict[str, int | None]:
    """DI-8: fill the computed indicators from the others (integer arithmetic, ratios rounded down)."""
    out: dict[str, int | None] = {i.code: values.get(i.code) for i in template.indicators}
    order, _ = _computed_order(template)
    for code in order:
        formula = template.indicator(code).formula
        if formula is not None:
            out[code] = _eval(formula, out)
    return out


def prefill_from_system(template: ReportTemplate, system_data: Mapping[str, int]) -> dict[str, int | None]:
    """DI-8: indicators with a system source take the system's figure; the others stay empty for hand entry."""
    values: dict[str, int | None] = {}
    for ind in template.indicators:
        if ind.source is IndicatorSource.SYSTEM and ind.source_key is not None:
            values[ind.code] = system_data.get(ind.source_key)
        else:
            values[ind.code] = None
    return compute_indicators(template, values)


@dataclass(frozen=True)
class RolledValue:
    """A rolled-up figure with how many children it includes out of how many are expected (DI-9)."""

    value: int | None
    included: int
    expected: int

    @property
    def partial(self) -> bool:
        return self.included < self.expected


@dataclass(frozen=True)
class Rollup:
    values: Mapping[str, RolledValue]
    children_included: int
    children_expected: int
    missing_children: tuple[str, ...]
    not_rolled_up: tuple[str, ...]
    rule_ids: tuple[str, ...] = ("DI-9", "DI-8")

    @property
    def partial(self) -> bool:
        return self.children_included < self.children_expected


def rollup_reports(template: ReportTemplate, children: Mapping[str, Mapping[str, int | None] | None]) -> Rollup:
    """DI-9: pre-fill a parent's report from its children's reports.

    ``children`` maps every expected child to its submitted values, or None when it has not submitted.
    Sums add the children's values; computed indicators are recomputed from the summed inputs (never
    summed themselves); "not rolled up" indicators are left out. Each value carries included/expected.
    """
    expected = len(children)
    submitted = {c: v for c, v in children.items() if v is not None}
    values: dict[str, RolledValue] = {}
    for ind in template.indicators:
        if ind.rule is RollupRule.SUM:
            present = [v[ind.code] for v in submitted.values() if v.get(ind.code) is not None]
            total = sum(x for x in present if x is not None) if present else None
            values[ind.code] = RolledValue(total, len(present), expected)
    order, _ = _computed_order(template)
    for code in order:
        formula = template.indicator(code).formula
        if formula is None:
            continue
        inputs = [values[c] for c in formula.codes if c in values]
        if len(inputs) < len(formula.codes):
            values[code] = RolledValue(None, 0, expected)
            continue
        plain = {c: rv.value for c, rv in values.items()}
        values[code] = RolledValue(_eval(formula, plain), min((rv.included for rv in inputs), default=0), expected)
    return Rollup(
        values=values,
        children_included=len(submitted),
        children_expected=expected,
        missing_children=tuple(sorted(c for c, v in children.items() if v is None)),
        not_rolled_up=tuple(i.code for i in template.indicators if i.rule is RollupRule.NOT_ROLLED_UP),
    )


class ReportState(Enum):
    DRAFT = "draft"
    SUBMITTED = "submitted"


@dataclass(frozen=True)
class ReportEvent:
    on: date
    actor: str
    action: str
    reason: str = ""


@dataclass(frozen=True)
class PeriodicReport:
    org_id: str
    period: Period
    values: Mapping[str, int | None] = field(default_factory=dict)
    state: ReportState = ReportState.DRAFT
    submitted_on: date | None = None
    history: tuple[ReportEvent, ...] = ()


def report_update(report: PeriodicReport, values: Mapping[str, int | None]) -> PeriodicReport:
    """DI-9: a submitted report is locked; edit only a draft (or a reopened one)."""
    if report.state is ReportState.SUBMITTED:
        raise DirectiveRuleError(
            "DI-9", "locked", "Báo cáo đã nộp bị khóa; cần mở lại trước khi sửa", "A submitted report is locked; reopen it first"
        )
    merged = dict(report.values)
    merged.update(values)
    return replace(report, values=merged)


def report_submit(report: PeriodicReport, on: date, actor: str) -> PeriodicReport:
    """DI-9: submit and lock."""
    if report.state is ReportState.SUBMITTED:
        raise DirectiveRuleError("DI-9", "already_submitted", "Báo cáo đã được nộp", "The report is already submitted")
    return replace(
        report,
        state=ReportState.SUBMITTED,
        submitted_on=on,
        history=(*report.history, ReportEvent(on, actor, "submit")),
    )


def report_reopen(report: PeriodicReport, on: date, actor: str, reason: str) -> PeriodicReport:
    """DI-9: reopening a submitted report is recorded with who, when and why."""
    if report.state is not ReportState.SUBMITTED:
        raise DirectiveRuleError("DI-9", "not_submitted", "Chỉ mở lại báo cáo đã nộp", "Only a submitted report can be reopened")
    if not reason.strip():
        raise DirectiveRuleError("DI-9", "reopen_reason", "Phải ghi lý do mở lại báo cáo", "A reason for reopening is required")
    return replace(
        report,
        state=ReportState.DRAFT,
        history=(*report.history, ReportEvent(on, actor, "reopen", reason.strip())),
    )


def report_status(report: PeriodicReport | None, deadline: date, today: date) -> StatusResult:
    """DI-9: which children have submitted their report, using the DI-5 statuses."""
    if report is None or report.state is not ReportState.SUBMITTED or report.submitted_on is None:
        subs: tuple[Submission, ...] = ()
    else:
        subs = (Submission(report.submitted_on, report.period.label_vi),)
    result = requirement_status(deadline, today, subs)
    return replace(result, rule_ids=("DI-9", "DI-5"))


# ---------------------------------------------------------------------------------------------
# DI-10: reminders
# ---------------------------------------------------------------------------------------------


class ItemKind(Enum):
    REQUIREMENT = "requirement"
    REPORT = "report"


@dataclass(frozen=True)
class OpenItem:
    item_id: str
    kind: ItemKind
    title: str
    deadline: date
    submissions: tuple[Submission, ...] = ()


@dataclass(frozen=True)
class Reminder:
    item_id: str
    kind: ItemKind
    title: str
    deadline: date
    status: RequirementStatus
    days_left: int
    days_overdue: int
    rule_ids: tuple[str, ...] = ("DI-10", "DI-5")

    @property
    def highlighted(self) -> bool:
        return self.days_overdue > 0


_OPEN = (RequirementStatus.PENDING, RequirementStatus.OVERDUE, RequirementStatus.RETURNED)


def reminders_for(items: Iterable[OpenItem], today: date) -> tuple[Reminder, ...]:
    """DI-10: the open items (pending, overdue, returned) of an organization, most overdue first."""
    out: list[Reminder] = []
    for item in items:
        st = requirement_status(item.deadline, today, item.submissions)
        if st.status not in _OPEN:
            continue
        out.append(
            Reminder(
                item.item_id,
                item.kind,
                item.title,
                item.deadline,
                st.status,
                days_left=max(0, (item.deadline - today).days),
                days_overdue=st.days_overdue,
            )
        )
    out.sort(key=lambda r: (-r.days_overdue, r.deadline, r.item_id))
    return tuple(out)


@dataclass(frozen=True)
class Digest:
    subject: str
    lines: tuple[str, ...]
    rule_ids: tuple[str, ...] = ("DI-10",)


def reminder_digest(reminders: Sequence[Reminder], *, opted_in: bool, org_name: str) -> Digest | None:
    """DI-10: the optional e-mail digest; nothing is sent when not opted in or nothing is open."""
    if not opted_in or not reminders:
        return None
    overdue = sum(1 for r in reminders if r.highlighted)
    subject = (
        f"[PartyOrg] {org_name}: {len(reminders)} việc đang mở, {overdue} quá hạn / "
        f"{len(reminders)} open items, {overdue} overdue"
    )
    lines = []
    for r in reminders:
        when = r.deadline.strftime("%d/%m/%Y")
        if r.highlighted:
            lines.append(f"- QUÁ HẠN {r.days_overdue} ngày / OVERDUE {r.days_overdue} days: {r.title} (hạn / due {when})")
        else:
            lines.append(f"- {r.title} (hạn / due {when}, còn / left {r.days_left} ngày / days)")
    return Digest(subject, tuple(lines))


# ---------------------------------------------------------------------------------------------
# DI-11: Party document layout (Hướng dẫn 36-HD/VPTW)
# ---------------------------------------------------------------------------------------------

PARTY_NAME = "ĐẢNG CỘNG SẢN VIỆT NAM"
STAR_LINE = "*"
DOCX_FONT = "Times New Roman"
DOCX_FONT_SIZES_PT: tuple[int, ...] = (13, 14)


def vietnamese_date(on: date, *, defaults: DirectiveDefaults = DEFAULTS) -> str:
    """``ngày 05 tháng 02 năm 2024``: days below 10 and months 1, 2 take a leading zero (DI-11)."""
    day = f"{on.day:02d}" if on.day < defaults.date_leading_zero_day_below else str(on.day)
    month = f"{on.month:02d}" if on.month in defaults.date_leading_zero_months else str(on.month)
    return f"ngày {day} tháng {month} năm {on.year}"


def place_date_line(place: str, on: date, *, defaults: DirectiveDefaults = DEFAULTS) -> str:
    """``Hà Nội, ngày 20 tháng 7 năm 2023`` (DI-11; set in italics)."""
    if not place.strip():
        raise DirectiveRuleError("DI-11", "place", "Chưa ghi địa danh", "The place is missing")
    return f"{place.strip()}, {vietnamese_date(on, defaults=defaults)}"


@dataclass(frozen=True)
class PartyHeading:
    """The heading block of a Party document (DI-11), as texts plus the styling each one takes.

    Left column, top to bottom: superior body (capitals), issuing body (capitals, bold), star line,
    number line. Right column: party name (capitals, bold, underlined), place and date (italics).
    """

    superior_body: str | None
    issuing_body: str
    star_line: str
    number_line: str | None
    party_name: str
    place_date: str
    number_symbol: NumberSymbol | None
    rule_ids: tuple[str, ...]
    defaults_applied: tuple[DefaultApplied, ...]
    issuing_body_bold: bool = True
    party_name_bold: bool = True
    party_name_underlined: bool = True
    place_date_italic: bool = True

    @property
    def left_lines(self) -> tuple[str, ...]:
        lines = [self.superior_body] if self.superior_body else []
        lines += [self.issuing_body, self.star_line]
        if self.number_line:
            lines.append(self.number_line)
        return tuple(lines)

    @property
    def right_lines(self) -> tuple[str, ...]:
        return (self.party_name, self.place_date)


def _upper_vi(text: str) -> str:
    return unicodedata.normalize("NFC", " ".join(text.split())).upper()


def party_heading(
    superior: str | None,
    issuer: str,
    number_symbol: str | NumberSymbol | None,
    place: str,
    on: date,
    *,
    defaults: DirectiveDefaults = DEFAULTS,
) -> PartyHeading:
    """DI-11 [default]: the heading block texts of a Party document.

    ``number_symbol`` must be a Party form (``12-BC/ĐU``); it is canonicalised (``12-BC/DU`` -> ``12-BC/ĐU``).
    Pass None for documents without a number (e.g. draft minutes).
    """
    if not issuer.strip():
        raise DirectiveRuleError("DI-11", "issuer", "Chưa ghi tên cơ quan ban hành", "The issuing body is missing")
    symbol: NumberSymbol | None
    if number_symbol is None:
        symbol = None
    elif isinstance(number_symbol, NumberSymbol):
        symbol = number_symbol
    else:
        symbol = parse_number_symbol(number_symbol, defaults=defaults)
    if symbol is not None and symbol.system is not DocumentSystem.PARTY:
        raise DirectiveRuleError(
            "DI-11",
            "state_symbol",
            f"Văn bản của Đảng phải có số, ký hiệu dạng 12-BC/ĐU, không phải {symbol.text}",
            f"A Party document needs a number and symbol like 12-BC/ĐU, not {symbol.text}",
        )
    return PartyHeading(
        superior_body=_upper_vi(superior) if superior and superior.strip() else None,
        issuing_body=_upper_vi(issuer),
        star_line=STAR_LINE,
        number_line=f"Số {symbol.text}" if symbol else None,
        party_name=PARTY_NAME,
        place_date=place_date_line(place, on, defaults=defaults),
        number_symbol=symbol,
        rule_ids=("DI-11", "DI-2") if symbol else ("DI-11",),
        defaults_applied=(
            DefaultApplied("DI-11", "layout", "Hướng dẫn 36-HD/VPTW"),
            DefaultApplied("DI-11", "date_leading_zero_months", _show(defaults.date_leading_zero_months)),
            DefaultApplied("DI-11", "date_leading_zero_day_below", str(defaults.date_leading_zero_day_below)),
        ),
    )


@dataclass(frozen=True)
class TitleBlock:
    """Document type (capitals, bold, centred) and title (bold, centred)."""

    type_line: str
    title_line: str
    rule_ids: tuple[str, ...] = ("DI-11",)


def title_block(document_type: DocumentType | str, title: str) -> TitleBlock:
    name = DOCUMENT_TYPE_NAMES_VI[document_type] if isinstance(document_type, DocumentType) else document_type
    return TitleBlock(_upper_vi(name), " ".join(title.split()))


@dataclass(frozen=True)
class SignatureBlock:
    """``T/M BAN THƯỜNG VỤ`` / title / (signature) / name; the first two in capitals, the name bold."""

    on_behalf: str | None
    title: str
    name: str
    rule_ids: tuple[str, ...] = ("DI-11",)

    @property
    def lines(self) -> tuple[str, ...]:
        head = [self.on_behalf] if self.on_behalf else []
        return (*head, self.title, self.name)


def signature_block(on_behalf_of: str | None, title: str, name: str) -> SignatureBlock:
    """DI-11: e.g. ``signature_block("Ban Thường vụ", "Bí thư", "Nguyễn Văn A")`` -> T/M BAN THƯỜNG VỤ / BÍ THƯ."""
    if not name.strip() or not title.strip():
        raise DirectiveRuleError("DI-11", "signature", "Chưa ghi chức vụ hoặc họ tên người ký", "The signer's title or name is missing")
    behalf = None
    if on_behalf_of and on_behalf_of.strip():
        body = _upper_vi(on_behalf_of)
        behalf = body if body.startswith(("T/M", "T/L", "K/T", "T/U")) else f"T/M {body}"
    return SignatureBlock(behalf, _upper_vi(title), " ".join(name.split()))


def recipients_block(recipients: Sequence[str], *, archive: str = "Lưu Văn phòng") -> tuple[str, ...]:
    """DI-11: ``Nơi nhận:`` then one ``- ...,`` line per recipient and ``- Lưu ...`` last."""
    items = [" ".join(r.split()) for r in recipients if r.strip()]
    lines = ["Nơi nhận:"]
    lines += [f"- {r}," for r in items]
    lines.append(f"- {archive}.")
    return tuple(lines)


def check_docx_font(font: str, size_pt: int) -> Decision:
    """DI-11: DOCX body text in Times New Roman, 13-14 pt."""
    acc = _Acc("DI-11")
    if font != DOCX_FONT:
        acc.error("DI-11", "font", f"Phông chữ phải là {DOCX_FONT}", f"The font must be {DOCX_FONT}")
    if size_pt not in DOCX_FONT_SIZES_PT:
        acc.error("DI-11", "font_size", "Cỡ chữ phải từ 13 đến 14", "The font size must be 13 to 14 pt")
    return acc.decision()
