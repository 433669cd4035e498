"""Directives domain rules (spec: directives.md, DI-1..DI-11)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from partyorg.domain.directives import (
    BridgePoint,
    Conference,
    ConferenceMode,
    Deliverable,
    DirectiveDefaults,
    DirectiveRuleError,
    DocumentLink,
    DocumentRef,
    DocumentStatus,
    DocumentSystem,
    DocumentType,
    Formula,
    Indicator,
    IndicatorSource,
    ItemKind,
    LinkKind,
    NumberSymbolError,
    Obstacle,
    OpenItem,
    OrgNode,
    Period,
    PeriodicReport,
    PeriodKind,
    ReportState,
    ReportTemplate,
    Requirement,
    RequirementStatus,
    RollupRule,
    Section,
    StatusResult,
    Submission,
    Term,
    answer_obstacle,
    check_conference,
    check_document_link,
    check_docx_font,
    check_not_registered,
    check_obstacle_route,
    check_requirement,
    check_template,
    compliance_drilldown,
    compliance_summary,
    compute_indicators,
    conference_totals,
    document_matches,
    document_status,
    duplicate_key,
    fold_diacritics,
    number_symbol_error,
    obstacle_visible_to,
    parse_number_symbol,
    party_heading,
    period_containing,
    period_deadline,
    periods_in_year,
    place_date_line,
    prefill_from_system,
    recipients_block,
    reminder_digest,
    reminders_for,
    replacement_chain,
    report_reopen,
    report_status,
    report_submit,
    report_update,
    requirement_status,
    return_submission,
    rollup_reports,
    select_addressees,
    signature_block,
    title_block,
    vietnamese_date,
)

P = DocumentSystem.PARTY
S = DocumentSystem.STATE


# ---------------------------------------------------------------------------------------------
# DI-2: number and symbol
# ---------------------------------------------------------------------------------------------

VALID = [
    # text, system, number, year, type abbreviation, issuer, document types
    ("124-QĐ/TW", P, 124, None, "QĐ", "TW", (DocumentType.REGULATION, DocumentType.DECISION)),
    ("25-HD/BTCTW", P, 25, None, "HD", "BTCTW", (DocumentType.GUIDANCE,)),
    ("05-KL/BTCTW", P, 5, None, "KL", "BTCTW", (DocumentType.CONCLUSION,)),
    ("162-KH/TU", P, 162, None, "KH", "TU", (DocumentType.PLAN,)),
    ("12-BC/ĐU", P, 12, None, "BC", "ĐU", (DocumentType.REPORT,)),
    ("35-CT/TW", P, 35, None, "CT", "TW", (DocumentType.DIRECTIVE,)),
    ("21-NQ/TW", P, 21, None, "NQ", "TW", (DocumentType.RESOLUTION,)),
    ("7-TB/VPTW", P, 7, None, "TB", "VPTW", (DocumentType.NOTICE,)),
    ("03-HD/BBT", P, 3, None, "HD", "BBT", (DocumentType.GUIDANCE,)),
    ("15-TTr/ThU", P, 15, None, "TTr", "ThU", (DocumentType.SUBMISSION,)),
    ("24/2010/NĐ-CP", S, 24, 2010, "NĐ", "CP", (DocumentType.DECREE,)),
    ("96/2023/QH15", S, 96, 2023, None, "QH15", (DocumentType.LAW, DocumentType.RESOLUTION, DocumentType.ORDINANCE)),
    ("01/2019/TTLT-BTC-BNV", S, 1, 2019, "TTLT", "BTC-BNV", (DocumentType.JOINT_CIRCULAR,)),
    ("5/2020/QĐ-TTg", S, 5, 2020, "QĐ", "TTg", (DocumentType.DECISION,)),
    ("12/QĐ-UBND", S, 12, None, "QĐ", "UBND", (DocumentType.DECISION,)),
    ("1234/BNV-CCVC", S, 1234, None, None, "BNV-CCVC", (DocumentType.OFFICIAL_LETTER,)),
]


@pytest.mark.parametrize(("text", "system", "number", "year", "typ", "issuer", "types"), VALID, ids=[f"DI-2 {v[0]}" for v in VALID])
def test_di2_valid_number_symbols_parse(text, system, number, year, typ, issuer, types):
    ns = parse_number_symbol(text)
    assert (ns.system, ns.number, ns.year, ns.type_abbreviation, ns.issuer) == (system, number, year, typ, issuer)
    assert ns.document_types == types
    assert ns.text == text
    assert str(ns) == text


def test_di2_document_type_single_or_ambiguous_and_issuer_names():
    assert parse_number_symbol("25-HD/BTCTW").document_type is DocumentType.GUIDANCE
    assert parse_number_symbol("124-QĐ/TW").document_type is None  # QĐ: regulation or decision
    assert parse_number_symbol("25-HD/BTCTW").issuer_name == "Ban Tổ chức Trung ương"
    assert parse_number_symbol("96/2023/QH15").issuer_name == "Quốc hội"
    assert parse_number_symbol("01/2019/TTLT-BTC-BNV").issuer_name == "Bộ Tài chính - Bộ Nội vụ"
    assert parse_number_symbol("1234/BNV-CCVC").issuer_name is None


LOOKALIKES = [
    ("124-QD/TW", "124-QĐ/TW"),
    ("124-qđ/tw", "124-QĐ/TW"),
    ("12-BC/DU", "12-BC/ĐU"),
    ("12-BC/ÐU", "12-BC/ĐU"),  # Icelandic eth
    ("Số 12-BC/ĐU", "12-BC/ĐU"),
    ("Số: 24/2010/NĐ-CP", "24/2010/NĐ-CP"),
    ("  124 - QĐ / TW ", "124-QĐ/TW"),
    ("124–QĐ/TW", "124-QĐ/TW"),  # en dash
    ("24/2010/ND-CP", "24/2010/NĐ-CP"),
    ("96/2023/qh15", "96/2023/QH15"),
    ("5/2020/QĐ-TTG", "5/2020/QĐ-TTg"),
    ("15-TTR/THU", "15-TTr/ThU"),
    ("3-DA/TU", "3-ĐA/TU"),
    ("124-Q\u0110/TW", "124-QĐ/TW"),
    ("124-QĐ/TW".replace("Đ", "D\u0323"), None),  # D + combining dot below is not Đ: unknown type
]


@pytest.mark.parametrize(("text", "canonical"), LOOKALIKES, ids=[f"DI-2 lookalike {t!r}" for t, _ in LOOKALIKES])
def test_di2_lookalikes_are_canonicalised(text, canonical):
    if canonical is None:
        assert number_symbol_error(text) is not None
    else:
        assert parse_number_symbol(text).text == canonical


def test_di2_lookalikes_can_be_switched_off():
    strict = DirectiveDefaults(accept_lookalike_symbols=False)
    assert parse_number_symbol("124-QĐ/TW", defaults=strict).text == "124-QĐ/TW"
    err = number_symbol_error("124-QD/TW", defaults=strict)
    assert err is not None and err.code == "type_unknown"


INVALID = [
    ("", "empty"),
    ("   ", "empty"),
    ("QĐ/TW", "number"),
    ("Quy định 124", "number"),
    ("0-QĐ/TW", "number"),
    ("000/2020/NĐ-CP", "number"),
    ("124-XY/TW", "type_unknown"),
    ("124 QĐ/TW", "shape"),
    ("124-QĐ-TW", "shape"),
    ("124/QĐ/TW", "shape"),
    ("124-QĐ/", "shape"),
    ("24/2010/", "shape"),
    ("24/1929/NĐ-CP", "year"),
    ("24/2100/NĐ-CP", "year"),
    ("24/2010/XX-CP", "type_unknown"),
    ("24-NĐ/CP", "system_mismatch"),
    ("24/2010/KL-CP", "system_mismatch"),
    ("124/QĐ-TW", "system_mismatch"),
    ("12/BC-ĐU", "system_mismatch"),
    ("124-QĐ/TW-X", "issuer"),
    ("124-QĐ/abc", "issuer"),
    ("12/QĐ-1UB", "issuer"),
]


@pytest.mark.parametrize(("text", "code"), INVALID, ids=[f"DI-2 invalid {t!r}" for t, _ in INVALID])
def test_di2_invalid_number_symbols_name_the_problem(text, code):
    with pytest.raises(NumberSymbolError) as exc:
        parse_number_symbol(text)
    err = exc.value
    assert err.code == code
    assert err.rule_id == "DI-2"
    # bilingual: the Vietnamese and the English message are both there
    assert err.vi and err.en and err.vi != err.en
    assert f"{err.vi} / {err.en}" == str(err)


def test_di2_year_boundaries():
    assert parse_number_symbol("1/1930/NĐ-CP").year == 1930
    assert parse_number_symbol("1/2099/NĐ-CP").year == 2099
    assert number_symbol_error("1/1929/NĐ-CP").code == "year"
    assert number_symbol_error("1/2100/NĐ-CP").code == "year"
    assert parse_number_symbol("1-QĐ/TW").number == 1  # smallest number


def test_di2_error_messages_say_what_is_wrong():
    err = number_symbol_error("124-XY/TW")
    assert "XY" in err.vi and "XY" in err.en
    err = number_symbol_error("24-NĐ/CP")
    assert "NĐ" in err.vi and "24/2010/NĐ-CP" in err.en


def test_di2_duplicate_key_same_document_same_body():
    a = parse_number_symbol("05-KL/BTCTW")
    b = parse_number_symbol("5-KL/BTCTW")
    c = parse_number_symbol("05-kl/btctw")
    assert duplicate_key(a, "btctw") == duplicate_key(b, "btctw") == duplicate_key(c, "btctw")
    assert duplicate_key(a, "btctw") != duplicate_key(a, "other-body")
    assert duplicate_key(a, "btctw") != duplicate_key(parse_number_symbol("05-KH/BTCTW"), "btctw")
    assert duplicate_key(parse_number_symbol("24/2010/NĐ-CP"), "cp") != duplicate_key(parse_number_symbol("24/2011/NĐ-CP"), "cp")


def test_di2_duplicate_key_folds_unknown_issuer_lookalikes():
    a = parse_number_symbol("12/QĐ-ĐHQG")
    b = parse_number_symbol("12/QĐ-DHQG")
    assert a.issuer != b.issuer  # unknown issuers are kept as typed
    assert duplicate_key(a, "x") == duplicate_key(b, "x")


def test_di2_second_registration_rejected():
    ns = parse_number_symbol("124-QĐ/TW")
    registered = {duplicate_key(parse_number_symbol("124-QD/TW"), "bct")}
    d = check_not_registered(ns, "bct", registered)
    assert not d.ok and d.error_codes == ("duplicate",) and "DI-2" in d.rule_ids
    assert check_not_registered(ns, "other", registered).ok


SEARCH = [
    ("124", "124-QĐ/TW", "Quy định về đánh giá, xếp loại", True),
    ("12", "124-QĐ/TW", "Quy định về đánh giá, xếp loại", False),
    ("QĐ/TW", "124-QĐ/TW", "x", True),
    ("qd/tw", "124-QĐ/TW", "x", True),
    ("124-qd", "124-QĐ/TW", "x", True),
    ("xếp loại", "124-QĐ/TW", "Quy định về đánh giá, xếp loại", True),
    ("xep loai", "124-QĐ/TW", "Quy định về đánh giá, xếp loại", True),
    ("danh gia", "124-QĐ/TW", "Quy định về đánh giá, xếp loại", True),
    ("kiem diem", "124-QĐ/TW", "Quy định về đánh giá, xếp loại", False),
    ("  ", "124-QĐ/TW", "x", False),
    ("Đảng", "1-HD/TW", "Hướng dẫn công tác đảng viên", True),
]


@pytest.mark.parametrize(("query", "symbol", "title", "hit"), SEARCH, ids=[f"DI-2 search {q!r}" for q, *_ in SEARCH])
def test_di2_search_by_number_symbol_or_title_words(query, symbol, title, hit):
    assert document_matches(query, symbol, title) is hit


def test_di2_fold_diacritics():
    assert fold_diacritics("Quy định ĐẢNG ỦY") == "quy dinh dang uy"


# ---------------------------------------------------------------------------------------------
# DI-1: status and links
# ---------------------------------------------------------------------------------------------


def _doc(doc_id: str, symbol: str, issued: date, expires: date | None = None) -> DocumentRef:
    return DocumentRef(doc_id, issued, parse_number_symbol(symbol), expires)


DOCS = {
    "132": _doc("132", "132-QĐ/TW", date(2018, 3, 8)),
    "124": _doc("124", "124-QĐ/TW", date(2023, 10, 4)),
    "262": _doc("262", "262-QĐ/TW", date(2014, 10, 8)),
    "96": _doc("96", "96-QĐ/TW", date(2023, 2, 2)),
    "244": _doc("244", "244-QĐ/TW", date(2014, 6, 9)),
    "190": _doc("190", "190-QĐ/TW", date(2025, 3, 5)),
    "25": _doc("25", "25-HD/BTCTW", date(2023, 11, 1)),
    "162": _doc("162", "162-KH/TU", date(2023, 12, 1)),
    "old": _doc("old", "1-TB/TU", date(2020, 1, 1), expires=date(2020, 12, 31)),
}

REPLACEMENTS = [("124", "132"), ("96", "262"), ("190", "244")]


@pytest.mark.parametrize(("new", "old"), REPLACEMENTS, ids=[f"DI-1 {n} replaces {o}" for n, o in REPLACEMENTS])
def test_di1_replacing_sets_status_replaced(new, old):
    link = DocumentLink(new, LinkKind.REPLACES, old)
    assert check_document_link(link, DOCS).ok
    st = document_status(DOCS[old], [link], DOCS, today=date(2025, 12, 31))
    assert st.status is DocumentStatus.REPLACED and st.replaced_by == new
    assert document_status(DOCS[new], [link], DOCS, today=date(2025, 12, 31)).status is DocumentStatus.IN_FORCE
    # before the replacing document is issued the old one is still in force
    day_before = DOCS[new].issued_on - timedelta(days=1)
    assert document_status(DOCS[old], [link], DOCS, today=day_before).status is DocumentStatus.IN_FORCE
    assert document_status(DOCS[old], [link], DOCS, today=DOCS[new].issued_on).status is DocumentStatus.REPLACED


def test_di1_guides_and_implements():
    guides = DocumentLink("25", LinkKind.GUIDES, "124")
    d = check_document_link(guides, DOCS)
    assert d.ok and not d.warnings
    implements = DocumentLink("162", LinkKind.IMPLEMENTS, "124")
    assert check_document_link(implements, DOCS).ok
    # a guiding document that is not of type HD only warns
    d = check_document_link(DocumentLink("162", LinkKind.GUIDES, "124"), DOCS)
    assert d.ok and d.warning_codes == ("guides_not_guidance",)
    st = document_status(DOCS["124"], [guides, implements], DOCS, today=date(2024, 1, 1))
    assert st.status is DocumentStatus.IN_FORCE


def test_di1_link_errors():
    assert check_document_link(DocumentLink("132", LinkKind.REPLACES, "124"), DOCS).error_codes == ("replaces_older_only",)
    assert check_document_link(DocumentLink("124", LinkKind.REPLACES, "124"), DOCS).error_codes == ("self_link",)
    assert check_document_link(DocumentLink("124", LinkKind.REPLACES, "nope"), DOCS).error_codes == ("unknown_document",)
    existing = [DocumentLink("124", LinkKind.REPLACES, "132")]
    assert "already_replaced" in check_document_link(DocumentLink("190", LinkKind.REPLACES, "132"), DOCS, existing).error_codes
    assert "duplicate_link" in check_document_link(existing[0], DOCS, existing).error_codes


def test_di1_replacement_cycle_rejected_and_chain():
    docs = {k: DocumentRef(k, date(2024, 1, 1)) for k in "abc"}
    links = [DocumentLink("b", LinkKind.REPLACES, "a"), DocumentLink("c", LinkKind.REPLACES, "b")]
    assert replacement_chain("a", links) == ("a", "b", "c")
    assert "replacement_cycle" in check_document_link(DocumentLink("a", LinkKind.REPLACES, "c"), docs, links).error_codes


def test_di1_expired_and_amended():
    assert document_status(DOCS["old"], [], DOCS, today=date(2020, 12, 31)).status is DocumentStatus.IN_FORCE
    assert document_status(DOCS["old"], [], DOCS, today=date(2021, 1, 1)).status is DocumentStatus.EXPIRED
    docs = dict(DOCS, amd=_doc("amd", "2-QĐ/TW", date(2024, 6, 1)))
    amend = DocumentLink("amd", LinkKind.AMENDS, "124")
    st = document_status(docs["124"], [amend], docs, today=date(2024, 6, 1))
    assert st.status is DocumentStatus.AMENDED and st.amended_by == ("amd",)


# ---------------------------------------------------------------------------------------------
# DI-3: conferences
# ---------------------------------------------------------------------------------------------


def _conf(**kw) -> Conference:
    base = {
        "conference_id": "c1",
        "held_at": datetime(2023, 11, 10, 8, 0),
        "host_org": "btctw",
        "mode": ConferenceMode.ONLINE,
        "documents": ("124",),
        "chair": "Trưởng ban",
        "bridge_points": (BridgePoint("hn", 120), BridgePoint("hcm", 95), BridgePoint("dn", 60)),
    }
    base.update(kw)
    return Conference(**base)


def test_di3_totals_of_bridge_points():
    t = conference_totals(_conf(mode=ConferenceMode.HYBRID, in_person_participants=40))
    assert (t.bridge_points, t.online_participants, t.in_person_participants, t.total_participants) == (3, 275, 40, 315)
    assert "DI-3" in t.rule_ids
    assert conference_totals(_conf(bridge_points=())).total_participants == 0


def test_di3_conference_checks():
    assert check_conference(_conf()).ok
    assert "no_bridge_points" in check_conference(_conf(bridge_points=())).error_codes
    assert "bridge_points_in_person" in check_conference(_conf(mode=ConferenceMode.IN_PERSON)).error_codes
    assert check_conference(_conf(mode=ConferenceMode.IN_PERSON, bridge_points=(), in_person_participants=50)).ok
    assert "no_documents" in check_conference(_conf(documents=())).error_codes
    assert "no_chair" in check_conference(_conf(chair=" ")).error_codes
    dup = _conf(bridge_points=(BridgePoint("hn", 1), BridgePoint("hn", 2)))
    assert "duplicate_bridge_point" in check_conference(dup).error_codes
    assert "negative_participants" in check_conference(_conf(bridge_points=(BridgePoint("hn", -1),))).error_codes


def test_di3_mirrored_conference_follows_central_one():
    central = _conf()
    province = _conf(conference_id="p1", host_org="tu", held_at=datetime(2023, 11, 20, 8, 0), follows="c1")
    assert check_conference(province, central).ok
    early = _conf(conference_id="p1", held_at=datetime(2023, 11, 1), follows="c1")
    assert "follows_earlier" in check_conference(early, central).error_codes
    assert "followed_missing" in check_conference(province, None).error_codes
    other_docs = _conf(conference_id="p1", held_at=datetime(2023, 11, 20), follows="c1", documents=("x",))
    assert check_conference(other_docs, central).warning_codes == ("no_common_document",)


# ---------------------------------------------------------------------------------------------
# DI-4: requirements and addressees
# ---------------------------------------------------------------------------------------------

TREE = [
    OrgNode("tw", None, 0, "central"),
    OrgNode("p1", "tw", 1, "province"),
    OrgNode("p2", "tw", 1, "province"),
    OrgNode("b1", "tw", 1, "bloc"),
    OrgNode("d11", "p1", 2, "district"),
    OrgNode("d12", "p1", 2, "district"),
    OrgNode("d21", "p2", 2, "district"),
]


def test_di4_addressees_by_level_type_and_hand():
    assert select_addressees("tw", TREE, levels={1}).addressed == {"p1", "p2", "b1"}
    assert select_addressees("tw", TREE, levels={1}, org_types={"province"}).addressed == {"p1", "p2"}
    assert select_addressees("tw", TREE, org_types={"district"}).addressed == {"d11", "d12", "d21"}
    assert select_addressees("p1", TREE, chosen={"d11"}).addressed == {"d11"}
    sel = select_addressees("p1", TREE, chosen={"d11", "d21"})
    assert sel.addressed == {"d11"} and sel.decision.error_codes == ("not_subordinate",)
    assert select_addressees("p1", TREE, levels={1}).decision.error_codes == ("no_addressees",)


def test_di4_requirement_checks():
    req = Requirement("r1", "tw", ("124",), Deliverable.IMPLEMENTATION_PLAN, date(2023, 11, 1), date(2023, 12, 31), frozenset({"p1", "p2"}))
    assert check_requirement(req, TREE).ok
    bad = Requirement("r2", "p1", (), Deliverable.REPORT, date(2023, 11, 1), date(2023, 10, 31), frozenset({"p2"}))
    assert set(check_requirement(bad, TREE).error_codes) == {"no_documents", "deadline_before_issue", "not_subordinate"}
    # deadline on the issue day is allowed (boundary)
    same_day = Requirement("r3", "tw", ("124",), Deliverable.REPORT, date(2023, 11, 1), date(2023, 11, 1), frozenset({"p1"}))
    assert check_requirement(same_day, TREE).ok
    assert {d.value for d in Deliverable} == {
        "implementing_document", "implementation_plan", "follow_up_conference", "report", "remediation_plan"
    }


# ---------------------------------------------------------------------------------------------
# DI-5: status per organization
# ---------------------------------------------------------------------------------------------

DEADLINE = date(2024, 3, 31)

STATUS_TABLE = [
    # submitted_on (None = nothing), today, status, days late, days overdue
    (None, date(2024, 3, 30), RequirementStatus.PENDING, 0, 0),
    (None, date(2024, 3, 31), RequirementStatus.PENDING, 0, 0),
    (None, date(2024, 4, 1), RequirementStatus.OVERDUE, 0, 1),
    (None, date(2024, 4, 10), RequirementStatus.OVERDUE, 0, 10),
    (date(2024, 3, 30), date(2024, 4, 5), RequirementStatus.SUBMITTED_ON_TIME, 0, 0),
    (date(2024, 3, 31), date(2024, 4, 5), RequirementStatus.SUBMITTED_ON_TIME, 0, 0),
    (date(2024, 4, 1), date(2024, 4, 5), RequirementStatus.SUBMITTED_LATE, 1, 0),
    (date(2024, 4, 3), date(2024, 4, 5), RequirementStatus.SUBMITTED_LATE, 3, 0),
]


@pytest.mark.parametrize(("submitted", "today", "status", "late", "overdue"), STATUS_TABLE, ids=[f"DI-5 {r[2].value} {r[1]}" for r in STATUS_TABLE])
def test_di5_status_boundaries(submitted, today, status, late, overdue):
    subs = () if submitted is None else (Submission(submitted, "12-KH/ĐU ngày ..."),)
    r = requirement_status(DEADLINE, today, subs)
    assert (r.status, r.days_late, r.days_overdue) == (status, late, overdue)
    assert "DI-5" in r.rule_ids


def test_di5_returned_for_rework_and_resubmitted():
    sub = Submission(date(2024, 3, 20), "12-KH/ĐU")
    returned = return_submission(sub, date(2024, 3, 25), "Thiếu phụ lục")
    r = requirement_status(DEADLINE, date(2024, 3, 28), (returned,))
    assert r.status is RequirementStatus.RETURNED and r.return_reason == "Thiếu phụ lục" and r.days_overdue == 0
    assert requirement_status(DEADLINE, date(2024, 4, 2), (returned,)).days_overdue == 2
    again = Submission(date(2024, 4, 2), "12-KH/ĐU (bổ sung)")
    r = requirement_status(DEADLINE, date(2024, 4, 3), (returned, again))
    assert r.status is RequirementStatus.SUBMITTED_LATE and r.days_late == 2
    with pytest.raises(DirectiveRuleError):
        return_submission(sub, date(2024, 3, 25), "  ")
    with pytest.raises(DirectiveRuleError):
        return_submission(sub, date(2024, 3, 19), "x")


def test_di5_submission_after_today_rejected():
    with pytest.raises(DirectiveRuleError):
        requirement_status(DEADLINE, date(2024, 3, 1), (Submission(date(2024, 3, 2), "x"),))


# ---------------------------------------------------------------------------------------------
# DI-6: compliance summary
# ---------------------------------------------------------------------------------------------


def test_di6_sixty_of_sixty_three():
    statuses: dict[str, StatusResult] = {}
    for i in range(58):
        statuses[f"p{i:02d}"] = StatusResult(RequirementStatus.SUBMITTED_ON_TIME)
    statuses["p58"] = StatusResult(RequirementStatus.SUBMITTED_LATE, days_late=4)
    statuses["p59"] = StatusResult(RequirementStatus.SUBMITTED_LATE, days_late=1)
    statuses["p60"] = StatusResult(RequirementStatus.OVERDUE, days_overdue=7)
    statuses["p61"] = StatusResult(RequirementStatus.RETURNED, days_overdue=2, return_reason="x")
    statuses["p62"] = StatusResult(RequirementStatus.PENDING)
    s = compliance_summary(statuses)
    assert s.label == "60/63"
    assert s.missing == ("p60", "p61", "p62")
    assert s.overdue_days == (("p60", 7), ("p61", 2))
    assert s.late_days == (("p58", 4), ("p59", 1))
    assert s.max_overdue_days == 7
    assert s.permille == 952  # 60000 // 63
    assert compliance_summary({}).permille == 0


def test_di6_drilldown_per_child_subtree():
    statuses = {
        "p1": StatusResult(RequirementStatus.SUBMITTED_ON_TIME),
        "d11": StatusResult(RequirementStatus.OVERDUE, days_overdue=3),
        "d12": StatusResult(RequirementStatus.SUBMITTED_LATE, days_late=1),
        "d21": StatusResult(RequirementStatus.PENDING),
    }
    rows = dict(compliance_drilldown("tw", TREE, statuses))
    assert set(rows) == {"p1", "p2"}  # b1 has nothing addressed
    assert rows["p1"].label == "2/3" and rows["p1"].missing == ("d11",)
    assert rows["p2"].label == "0/1"


# ---------------------------------------------------------------------------------------------
# DI-7: obstacles
# ---------------------------------------------------------------------------------------------


def test_di7_route_up_the_chain_or_to_the_issuer():
    assert check_obstacle_route("d11", "p1", TREE).ok
    assert check_obstacle_route("d11", "tw", TREE).ok
    assert check_obstacle_route("d11", "b1", TREE, requirement_issuer="b1").ok
    assert check_obstacle_route("d11", "p2", TREE).error_codes == ("wrong_recipient",)


def test_di7_visibility_of_questions_and_answers():
    ob = Obstacle("o1", "d11", "tw", "124", "Xếp loại thế nào khi ...?")
    addressed = {"d11", "d12", "d21"}
    assert obstacle_visible_to(ob, "d11", addressed) and obstacle_visible_to(ob, "tw", addressed)
    assert not obstacle_visible_to(ob, "d12", addressed)
    private = answer_obstacle(ob, "Trả lời ...", share_with_addressed=False)
    assert not obstacle_visible_to(private, "d12", addressed)
    shared = answer_obstacle(ob, "Trả lời ...", share_with_addressed=True)
    assert obstacle_visible_to(shared, "d12", addressed)
    assert not obstacle_visible_to(shared, "zz", addressed)
    with pytest.raises(DirectiveRuleError):
        answer_obstacle(ob, " ", share_with_addressed=True)


# ---------------------------------------------------------------------------------------------
# Periods
# ---------------------------------------------------------------------------------------------

PERIODS = [
    (Period(PeriodKind.QUARTER, 2024, 1), date(2024, 1, 1), date(2024, 3, 31), "Quý I năm 2024"),
    (Period(PeriodKind.QUARTER, 2024, 4), date(2024, 10, 1), date(2024, 12, 31), "Quý IV năm 2024"),
    (Period(PeriodKind.HALF_YEAR, 2024, 1), date(2024, 1, 1), date(2024, 6, 30), "6 tháng đầu năm 2024"),
    (Period(PeriodKind.HALF_YEAR, 2024, 2), date(2024, 7, 1), date(2024, 12, 31), "6 tháng cuối năm 2024"),
    (Period(PeriodKind.NINE_MONTHS, 2024), date(2024, 1, 1), date(2024, 9, 30), "9 tháng năm 2024"),
    (Period(PeriodKind.YEAR, 2024), date(2024, 1, 1), date(2024, 12, 31), "Năm 2024"),
]


@pytest.mark.parametrize(("period", "start", "end", "label"), PERIODS, ids=[f"DI-8 period {p[3]}" for p in PERIODS])
def test_di8_period_ranges(period, start, end, label):
    assert (period.start, period.end, period.label_vi) == (start, end, label)
    assert period.contains(start) and period.contains(end)


def test_di9_period_helpers_and_deadline():
    assert period_containing(PeriodKind.QUARTER, date(2024, 5, 15)) == Period(PeriodKind.QUARTER, 2024, 2)
    assert period_containing(PeriodKind.NINE_MONTHS, date(2024, 9, 30)) == Period(PeriodKind.NINE_MONTHS, 2024)
    assert period_containing(PeriodKind.NINE_MONTHS, date(2024, 10, 1)) is None
    assert len(periods_in_year(PeriodKind.QUARTER, 2024)) == 4
    assert Period(PeriodKind.QUARTER, 2023, 1).end == date(2023, 3, 31)
    assert Period(PeriodKind.QUARTER, 2024, 1).label_en == "Q1 2024"
    with pytest.raises(ValueError):
        Period(PeriodKind.QUARTER, 2024, 5)
    dl = period_deadline(Period(PeriodKind.HALF_YEAR, 2024, 1))
    assert dl.due_on == date(2024, 6, 30)
    assert dl.defaults_applied[0].name == "report_due_offset_days" and dl.rule_ids == ("DI-9",)
    dl = period_deadline(Period(PeriodKind.QUARTER, 2024, 4), defaults=DirectiveDefaults(report_due_offset_days=10))
    assert dl.due_on == date(2025, 1, 10)


# ---------------------------------------------------------------------------------------------
# DI-8, DI-9: templates, indicators, rollup
# ---------------------------------------------------------------------------------------------

TEMPLATE = ReportTemplate(
    "q",
    PeriodKind.QUARTER,
    (Section("s1", "Kết quả"),),
    (
        Indicator("members", "Tổng số đảng viên"),
        Indicator("admitted", "Kết nạp", source=IndicatorSource.SYSTEM, source_key="members_admitted"),
        Indicator("excellent", "Đảng viên HTXSNV", source=IndicatorSource.SYSTEM, source_key="members_by_rating:HTXSNV"),
        Indicator(
            "admitted_permille",
            "Tỷ lệ kết nạp (‰)",
            rule=RollupRule.COMPUTED,
            formula=Formula((Term(1, "admitted"),), (Term(1, "members"),), scale=1000),
        ),
        Indicator("total_changes", "Biến động", rule=RollupRule.COMPUTED, formula=Formula((Term(1, "admitted"), Term(-1, "excellent")))),
        Indicator("secretary_note", "Nhận xét của bí thư", rule=RollupRule.NOT_ROLLED_UP),
    ),
)


def test_di8_template_checks():
    assert check_template(TEMPLATE).ok
    bad = ReportTemplate(
        "b",
        PeriodKind.YEAR,
        (),
        (
            Indicator("a", "A"),
            Indicator("a", "A again"),
            Indicator("c", "C", rule=RollupRule.COMPUTED),
            Indicator("d", "D", rule=RollupRule.COMPUTED, formula=Formula((Term(1, "zz"),))),
            Indicator("e", "E", formula=Formula((Term(1, "a"),))),
            Indicator("f", "F", source=IndicatorSource.SYSTEM, source_key="weather"),
            Indicator("g", "G", rule=RollupRule.COMPUTED, formula=Formula((Term(1, "h"),))),
            Indicator("h", "H", rule=RollupRule.COMPUTED, formula=Formula((Term(1, "g"),))),
        ),
    )
    codes = set(check_template(bad).error_codes)
    assert codes == {"duplicate_code", "missing_formula", "unknown_input", "formula_not_computed", "unknown_source", "formula_cycle"}


def test_di8_compute_and_prefill_from_system():
    values = prefill_from_system(TEMPLATE, {"members_admitted": 12, "members_by_rating:HTXSNV": 30})
    assert values["admitted"] == 12 and values["excellent"] == 30 and values["members"] is None
    assert values["admitted_permille"] is None  # members still to be entered by hand
    filled = compute_indicators(TEMPLATE, {**values, "members": 400})
    assert filled["admitted_permille"] == 30  # 12000 // 400
    assert filled["total_changes"] == -18
    assert compute_indicators(TEMPLATE, {"admitted": 1, "members": 0})["admitted_permille"] is None


def test_di9_rollup_carries_included_expected_and_partial():
    children = {
        "d1": {"members": 100, "admitted": 3, "excellent": 10, "secretary_note": 1},
        "d2": {"members": 50, "admitted": 2, "excellent": None},
        "d3": None,  # not submitted
    }
    r = rollup_reports(TEMPLATE, children)
    assert (r.children_included, r.children_expected, r.partial) == (2, 3, True)
    assert r.missing_children == ("d3",)
    assert r.values["members"].value == 150 and r.values["members"].included == 2 and r.values["members"].partial
    assert r.values["excellent"].value == 10 and r.values["excellent"].included == 1
    # computed from the summed inputs, never a sum of the children's ratios
    assert r.values["admitted_permille"].value == 1000 * 5 // 150
    assert r.values["admitted_permille"].included == 2
    assert "secretary_note" not in r.values and r.not_rolled_up == ("secretary_note",)
    assert "DI-9" in r.rule_ids


def test_di9_rollup_complete_is_not_partial_and_empty_is_none():
    r = rollup_reports(TEMPLATE, {"d1": {"members": 1}, "d2": {"members": 2}})
    assert not r.partial and not r.values["members"].partial and r.values["members"].value == 3
    assert r.values["admitted"].value is None and r.values["admitted"].included == 0 and r.values["admitted"].partial
    r = rollup_reports(TEMPLATE, {})
    assert r.children_expected == 0 and not r.partial


def test_di9_report_lock_and_reopen():
    rep = PeriodicReport("d1", Period(PeriodKind.QUARTER, 2024, 1))
    rep = report_update(rep, {"members": 10})
    sub = report_submit(rep, date(2024, 3, 30), "u1")
    assert sub.state is ReportState.SUBMITTED
    with pytest.raises(DirectiveRuleError) as exc:
        report_update(sub, {"members": 11})
    assert exc.value.code == "locked"
    with pytest.raises(DirectiveRuleError):
        report_submit(sub, date(2024, 3, 30), "u1")
    with pytest.raises(DirectiveRuleError):
        report_reopen(sub, date(2024, 4, 2), "u2", "")
    reopened = report_reopen(sub, date(2024, 4, 2), "u2", "Sửa số liệu")
    assert reopened.state is ReportState.DRAFT
    assert [(e.action, e.actor, e.reason) for e in reopened.history] == [("submit", "u1", ""), ("reopen", "u2", "Sửa số liệu")]
    assert report_update(reopened, {"members": 11}).values["members"] == 11
    with pytest.raises(DirectiveRuleError):
        report_reopen(reopened, date(2024, 4, 2), "u2", "x")


def test_di9_which_children_have_submitted():
    q1 = Period(PeriodKind.QUARTER, 2024, 1)
    due = period_deadline(q1).due_on
    on_time = report_submit(PeriodicReport("d1", q1), date(2024, 3, 31), "u")
    late = report_submit(PeriodicReport("d2", q1), date(2024, 4, 2), "u")
    draft = PeriodicReport("d3", q1)
    today = date(2024, 4, 3)
    assert report_status(on_time, due, today).status is RequirementStatus.SUBMITTED_ON_TIME
    assert report_status(late, due, today).status is RequirementStatus.SUBMITTED_LATE
    assert report_status(draft, due, today).status is RequirementStatus.OVERDUE
    assert report_status(None, due, date(2024, 3, 31)).status is RequirementStatus.PENDING
    assert "DI-9" in report_status(None, due, today).rule_ids


# ---------------------------------------------------------------------------------------------
# DI-10: reminders
# ---------------------------------------------------------------------------------------------


def test_di10_open_items_overdue_first():
    today = date(2024, 4, 5)
    items = [
        OpenItem("r1", ItemKind.REQUIREMENT, "Kế hoạch thực hiện QĐ 124", date(2024, 4, 30)),
        OpenItem("r2", ItemKind.REQUIREMENT, "Hội nghị quán triệt", date(2024, 4, 1)),
        OpenItem("q1", ItemKind.REPORT, "Báo cáo quý I", date(2024, 3, 31)),
        OpenItem("r3", ItemKind.REQUIREMENT, "Đã nộp", date(2024, 4, 1), (Submission(date(2024, 3, 30), "x"),)),
        OpenItem("r4", ItemKind.REQUIREMENT, "Hạn hôm nay", date(2024, 4, 5)),
        OpenItem(
            "r5", ItemKind.REQUIREMENT, "Bị trả lại", date(2024, 4, 20),
            (Submission(date(2024, 4, 1), "x", date(2024, 4, 2), "thiếu"),),
        ),
    ]
    rem = reminders_for(items, today)
    assert [r.item_id for r in rem] == ["q1", "r2", "r4", "r5", "r1"]
    assert [r.highlighted for r in rem] == [True, True, False, False, False]
    assert rem[0].days_overdue == 5 and rem[2].days_left == 0 and rem[4].days_left == 25
    assert rem[3].status is RequirementStatus.RETURNED
    assert "DI-10" in rem[0].rule_ids


def test_di10_digest_only_when_opted_in_and_something_open():
    rem = reminders_for([OpenItem("q1", ItemKind.REPORT, "Báo cáo quý I", date(2024, 3, 31))], date(2024, 4, 2))
    assert reminder_digest(rem, opted_in=False, org_name="Đảng ủy xã") is None
    assert reminder_digest((), opted_in=True, org_name="Đảng ủy xã") is None
    d = reminder_digest(rem, opted_in=True, org_name="Đảng ủy xã")
    assert d is not None and "1 quá hạn" in d.subject and "1 overdue" in d.subject
    assert d.lines == ("- QUÁ HẠN 2 ngày / OVERDUE 2 days: Báo cáo quý I (hạn / due 31/03/2024)",)


# ---------------------------------------------------------------------------------------------
# DI-11: Party document layout
# ---------------------------------------------------------------------------------------------


def test_di11_heading_example():
    h = party_heading("Đảng bộ thành phố Hà Nội", "Đảng ủy phường Trúc Bạch", "12-BC/ĐU", "Hà Nội", date(2023, 7, 20))
    assert h.left_lines == ("ĐẢNG BỘ THÀNH PHỐ HÀ NỘI", "ĐẢNG ỦY PHƯỜNG TRÚC BẠCH", "*", "Số 12-BC/ĐU")
    assert h.right_lines == ("ĐẢNG CỘNG SẢN VIỆT NAM", "Hà Nội, ngày 20 tháng 7 năm 2023")
    assert h.issuing_body_bold and h.party_name_underlined and h.place_date_italic
    assert "DI-11" in h.rule_ids
    assert {d.name for d in h.defaults_applied} >= {"layout", "date_leading_zero_months"}


def test_di11_heading_canonicalises_symbol_and_allows_none():
    h = party_heading(None, "Chi bộ Khu phố 3", "5-bc/cb", "Biên Hòa", date(2024, 2, 5))
    assert h.left_lines == ("CHI BỘ KHU PHỐ 3", "*", "Số 5-BC/CB")
    assert h.place_date == "Biên Hòa, ngày 05 tháng 02 năm 2024"
    h = party_heading("Đảng bộ tỉnh", "Chi bộ A", None, "Đồng Nai", date(2024, 1, 1))
    assert h.number_line is None and h.left_lines[-1] == "*"
    with pytest.raises(DirectiveRuleError):
        party_heading(None, "UBND", "12/QĐ-UBND", "Hà Nội", date(2024, 1, 1))
    with pytest.raises(NumberSymbolError):
        party_heading(None, "Chi bộ A", "12 BC", "Hà Nội", date(2024, 1, 1))
    with pytest.raises(DirectiveRuleError):
        party_heading(None, " ", None, "Hà Nội", date(2024, 1, 1))
    with pytest.raises(DirectiveRuleError):
        party_heading(None, "Chi bộ A", None, "", date(2024, 1, 1))


DATES = [
    (date(2024, 2, 5), "ngày 05 tháng 02 năm 2024"),
    (date(2023, 7, 20), "ngày 20 tháng 7 năm 2023"),
    (date(2024, 1, 9), "ngày 09 tháng 01 năm 2024"),
    (date(2024, 1, 10), "ngày 10 tháng 01 năm 2024"),
    (date(2024, 2, 29), "ngày 29 tháng 02 năm 2024"),
    (date(2024, 3, 1), "ngày 01 tháng 3 năm 2024"),
    (date(2024, 9, 9), "ngày 09 tháng 9 năm 2024"),
    (date(2024, 10, 10), "ngày 10 tháng 10 năm 2024"),
    (date(2025, 12, 1), "ngày 01 tháng 12 năm 2025"),
    (date(2025, 12, 31), "ngày 31 tháng 12 năm 2025"),
]


@pytest.mark.parametrize(("on", "text"), DATES, ids=[f"DI-11 {t}" for _, t in DATES])
def test_di11_date_line_leading_zeros(on, text):
    assert vietnamese_date(on) == text
    assert place_date_line("Hà Nội", on) == f"Hà Nội, {text}"


def test_di11_title_signature_recipients_font():
    t = title_block(DocumentType.REPORT, "Kết quả   thực hiện  quý I")
    assert (t.type_line, t.title_line) == ("BÁO CÁO", "Kết quả thực hiện quý I")
    s = signature_block("Ban Thường vụ", "Bí thư", "Nguyễn Văn A")
    assert s.lines == ("T/M BAN THƯỜNG VỤ", "BÍ THƯ", "Nguyễn Văn A")
    assert signature_block("K/T Bí thư", "Phó Bí thư", "B").lines[0] == "K/T BÍ THƯ"
    assert signature_block(None, "Bí thư", "B").lines == ("BÍ THƯ", "B")
    with pytest.raises(DirectiveRuleError):
        signature_block(None, "Bí thư", " ")
    assert recipients_block(["Ban Tổ chức Tỉnh ủy", "Các chi bộ"]) == (
        "Nơi nhận:",
        "- Ban Tổ chức Tỉnh ủy,",
        "- Các chi bộ,",
        "- Lưu Văn phòng.",
    )
    assert check_docx_font("Times New Roman", 13).ok and check_docx_font("Times New Roman", 14).ok
    assert check_docx_font("Times New Roman", 12).error_codes == ("font_size",)
    assert check_docx_font("Times New Roman", 15).error_codes == ("font_size",)
    assert check_docx_font("Arial", 14).error_codes == ("font",)
