"""Elections inside the Party: worked examples (spec §8) and boundary tables, by rule ID."""

from __future__ import annotations

import unicodedata
from datetime import date
from decimal import Decimal

import pytest

from partyorg.domain import elections as el
from partyorg.domain.elections import (
    BallotStatus,
    CongressKind,
    Deduction,
    ItemKind,
    Mark,
    NextStep,
    SurplusBallot,
    Venue,
    YesNoBallot,
)

PC = ItemKind.PARTY_COMMITTEE


def decide(votes: dict[str, int], *, seats: int, roll: int, valid: int | None = None, kind: ItemKind = PC):
    valid = roll if valid is None else valid
    return el.decide_round(
        candidates=list(votes), votes=votes, seats=seats, roll=roll, valid=valid, collected=valid, kind=kind
    )


# --- EL-1 defaults are settings, reported where applied --------------------------------------


def test_el_1_every_default_is_described_with_its_value():
    """EL-1: every default is described with its value."""
    shown = el.describe_defaults()
    assert shown["tie_at_cutoff"] == "revote_among_tied"  # OP-1
    assert shown["conference_deductions"] == "absent_approved"  # OP-2
    assert shown["surplus_required_for"] == "cell_committee,party_committee,standing_committee"  # OP-3
    assert shown["proposal_surplus_percent"] == "10-15"  # OP-4
    assert shown["percent_base"] == "valid"  # OP-7
    assert shown["qc190_effective"] == "2024-10-10"  # OP-8
    assert shown["quorum_warning"] == "on"  # OP-11
    assert shown["direct_secretary_election"] == "off"  # OP-12


def test_el_1_decisions_report_the_defaults_they_used_and_follow_a_changed_setting():
    """EL-1: decisions report the defaults they used and follow a changed setting."""
    decision = el.proposal_surplus_check(15, 17)
    assert ("proposal_surplus_percent", "10-15") in decision.defaults
    wider = el.Defaults(proposal_surplus_percent=(10, 20))
    assert el.proposal_band(15, wider) == (2, 3)
    assert ("proposal_surplus_percent", "10-20") in el.proposal_surplus_check(15, 18, wider).defaults


# --- EL-2 rule set by date --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2014, 6, 9), el.RuleSet.QC244_2014),
        (date(2024, 10, 9), el.RuleSet.QC244_2014),  # TC-EL-22
        (date(2024, 10, 10), el.RuleSet.QC190_2024),  # TC-EL-22
        (date(2025, 3, 1), el.RuleSet.QC190_2024),
    ],
)
def test_el_2_rule_set_by_election_date(day, expected):
    """EL-2: rule set by election date."""
    decision = el.rule_set_for(day)
    assert decision.rule_set is expected
    assert decision.rules == ("EL-2",)
    assert decision.defaults == (("qc190_effective", "2024-10-10"),)


def test_el_2_no_rule_set_before_qc244_and_articles_map():
    """EL-2: no rule set before qc244 and articles map."""
    with pytest.raises(el.ElectionError) as exc:
        el.rule_set_for(date(2014, 6, 8))
    assert exc.value.code == "before_rule_sets"
    assert el.article(el.RuleSet.QC244_2014, "valid_ballots") == "Art. 17"
    assert el.article(el.RuleSet.QC190_2024, "valid_ballots") == "Art. 15"
    assert el.article(el.RuleSet.QC244_2014, "results") == "Art. 32"
    assert el.article(el.RuleSet.QC190_2024, "results") == "Art. 30"
    with pytest.raises(el.ElectionError):
        el.article(el.RuleSet.QC190_2024, "quorum")


def test_el_2_op_8_effective_date_is_a_setting():
    """EL-2, OP-8: effective date is a setting."""
    later = el.Defaults(qc190_effective=date(2024, 12, 31))
    assert el.rule_set_for(date(2024, 10, 10), later).rule_set is el.RuleSet.QC244_2014


# --- EL-3..EL-6 scope and forms of voting ------------------------------------------------------


@pytest.mark.parametrize("venue", [v for v in Venue if v is not Venue.NATIONAL_CONGRESS])
def test_el_3_el_4_scope_and_approval(venue):
    """EL-3, EL-4: scope and approval."""
    decision = el.in_scope(venue)
    assert decision.ok and decision.rules == ("EL-3", "EL-4")


def test_el_3_national_congress_has_its_own_rules():
    """EL-3: national congress has its own rules."""
    assert not el.in_scope(Venue.NATIONAL_CONGRESS).ok


@pytest.mark.parametrize(
    ("matter", "form", "rule"),
    [
        (el.Matter.PARTY_COMMITTEE, el.VotingForm.SECRET_BALLOT, "EL-5"),
        (el.Matter.SECRETARY, el.VotingForm.SECRET_BALLOT, "EL-5"),
        (el.Matter.INSPECTION_CHAIR, el.VotingForm.SECRET_BALLOT, "EL-5"),
        (el.Matter.DELEGATES, el.VotingForm.SECRET_BALLOT, "EL-5"),
        (el.Matter.OPINION_POLL, el.VotingForm.SECRET_BALLOT, "EL-5"),
        (el.Matter.STATE_POST_INTRODUCTION, el.VotingForm.SECRET_BALLOT, "EL-5"),
        (el.Matter.PRESIDIUM, el.VotingForm.SHOW_OF_HANDS, "EL-6"),
        (el.Matter.COUNTING_COMMITTEE, el.VotingForm.SHOW_OF_HANDS, "EL-6"),
        (el.Matter.NUMBERS, el.VotingForm.SHOW_OF_HANDS, "EL-6"),
        (el.Matter.LIST_APPROVAL, el.VotingForm.SHOW_OF_HANDS, "EL-6"),
    ],
)
def test_el_5_el_6_voting_form(matter, form, rule):
    """EL-5, EL-6: voting form."""
    assert el.voting_form(matter) == (form, (rule,))


# --- EL-7..EL-9 counting committee -------------------------------------------------------------


def test_tc_el_16_el_7_el_8_counting_member_on_the_list_blocks_approval():
    """TC-EL-16, EL-7, EL-8: counting member on the list blocks approval."""
    decision = el.check_counting_committee({"X", "Y"}, ["A", "B", "X"])
    assert not decision.ok and decision.blocking
    assert decision.subjects == ("X",)
    assert decision.rules == ("EL-7", "EL-8")
    # X leaves the committee, or the list: approval unblocked
    assert el.check_counting_committee({"Y"}, ["A", "B", "X"]).ok
    assert el.check_counting_committee({"X", "Y"}, ["A", "B"]).ok
    # the guard is one of the guards of LIST_PROPOSED -> LIST_APPROVED
    assert "EL-8" in el.check_transition(el.ItemState.LIST_PROPOSED, el.ItemState.LIST_APPROVED).rules


def test_el_9_counting_duties_in_order():
    """EL-9: counting duties in order."""
    duties = list(el.CountingDuty)
    assert duties.index(el.CountingDuty.REPORT_ISSUED_COLLECTED) < duties.index(el.CountingDuty.COUNT_VOTES)
    assert el.check_counting_sequence(duties[:5]).ok
    assert el.check_counting_sequence(duties).ok
    wrong = [el.CountingDuty.EXPLAIN_VOTING, el.CountingDuty.SEAL_BOX, el.CountingDuty.COUNT_VOTES]
    decision = el.check_counting_sequence(wrong)
    assert not decision.ok and decision.subjects == ("count_votes",) and decision.rules == ("EL-9",)


# --- EL-10..EL-14 seats, nominations, polls ----------------------------------------------------


def test_el_10_delegate_seats_are_allocated_others_voted():
    """EL-10: delegate seats are allocated others voted."""
    assert el.seats_fixed_by(ItemKind.DELEGATE_OFFICIAL)[0] is el.SeatsSource.ALLOCATED
    assert el.seats_fixed_by(ItemKind.PARTY_COMMITTEE)[0] is el.SeatsSource.SHOW_OF_HANDS
    assert "EL-10" in el.check_transition(el.ItemState.DRAFT, el.ItemState.SEATS_FIXED).rules


def test_el_11_steps_follow_the_lifecycle():
    """EL-11: steps follow the lifecycle."""
    path = [
        el.ItemState.DRAFT,
        el.ItemState.SEATS_FIXED,
        el.ItemState.NOMINATING,
        el.ItemState.LIST_PROPOSED,
        el.ItemState.POLLING,
        el.ItemState.LIST_PROPOSED,
        el.ItemState.LIST_APPROVED,
        el.ItemState.VOTING,
        el.ItemState.COUNTED,
        el.ItemState.ANNOUNCED,
        el.ItemState.SUBMITTED,
        el.ItemState.APPROVED,
    ]
    assert all(el.check_transition(a, b).ok for a, b in zip(path, path[1:], strict=False))
    skipped = el.check_transition(el.ItemState.NOMINATING, el.ItemState.VOTING)
    assert not skipped.ok and skipped.rules == ("EL-11",)


def test_el_12_convening_list_is_the_official_nomination():
    """EL-12: convening list is the official nomination."""
    decision = el.admit_nominee(el.NominationSource.CONVENING)
    assert decision.ok and decision.rules == ("EL-12",)
    assert not el.admit_nominee(el.NominationSource.FLOOR, agree=90, attending=100, meets_standards=False).ok


@pytest.mark.parametrize(
    ("attending", "agree", "enters"),
    [
        (100, 30, False),  # TC-EL-06: exactly 30% is not more than 30%
        (100, 31, True),
        (47, 14, False),  # 140 <= 141
        (47, 15, True),  # 150 > 141
        (10, 3, False),
        (10, 4, True),
        (1, 0, False),
        (1, 1, True),
    ],
)
@pytest.mark.parametrize("source", [el.NominationSource.FLOOR, el.NominationSource.SELF])
def test_tc_el_06_el_13_floor_and_self_nominees_need_more_than_30_percent(source, attending, agree, enters):
    """TC-EL-06, EL-13: floor and self nominees need more than 30 percent."""
    decision = el.admit_nominee(source, agree=agree, attending=attending)
    assert decision.ok is enters
    assert decision.rules == ("EL-13",)


def test_el_13_counts_are_checked():
    """EL-13: counts are checked."""
    with pytest.raises(el.ElectionError):
        el.admit_nominee(el.NominationSource.FLOOR, agree=5, attending=4)
    with pytest.raises(el.ElectionError):
        el.admit_nominee(el.NominationSource.SELF, agree=0, attending=0)


def test_el_14_poll_on_floor_nominees():
    """EL-14: poll on floor nominees."""
    assert el.opinion_poll(2).required
    assert not el.opinion_poll(0).required  # the presidium decides
    assert "secretariat" in el.opinion_poll(1).counted_by


# --- EL-15..EL-23 surplus -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("seats", "candidates", "ok", "example"),
    [
        (180, 220, True, "EX-10"),  # 400 <= 540
        (20, 26, True, "EX-10"),  # 60 <= 60: exactly 30%
        (20, 27, False, "EX-10"),  # 70 > 60
        (15, 20, False, "EX-11"),  # 50 > 45
        (15, 19, True, "EX-11"),  # 40 <= 45
        (10, 13, True, "TC-EL-03"),  # exactly 30%
        (10, 14, False, "TC-EL-03"),
        (7, 9, True, "TC-EL-03"),
        (7, 10, False, "TC-EL-03"),  # 30 > 21
        (6, 7, True, "TC-EL-03"),
        (6, 8, False, "TC-EL-03"),  # 20 > 18
        (10, 10, False, "no surplus"),
        (10, 9, False, "fewer than seats"),
    ],
)
def test_el_15_surplus_cap_for_committees(seats, candidates, ok, example):
    """EL-15: surplus cap for committees."""
    decision = el.surplus_check(seats, candidates, PC)
    assert decision.ok is ok, example
    assert "EL-15" in decision.rules
    assert decision.blocking


@pytest.mark.parametrize(
    ("seats", "candidates", "ok", "rule"),
    [
        (5, 6, True, "EL-20"),  # EX-12
        (5, 7, False, "EL-20"),
        (5, 5, False, "EL-20"),
        (3, 4, True, "EL-20"),  # TC-EL-04
        (3, 3, False, "EL-20"),
        (3, 5, False, "EL-20"),
        (4, 5, True, "EL-20"),
        (2, 3, True, "EL-21"),  # TC-EL-04
        (2, 4, False, "EL-21"),
        (1, 2, True, "EL-21"),
        (1, 1, False, "EL-21"),
    ],
)
@pytest.mark.parametrize(
    "kind", [ItemKind.PARTY_COMMITTEE, ItemKind.STANDING_COMMITTEE, ItemKind.CELL_COMMITTEE]
)
def test_el_20_el_21_small_bodies_have_exactly_one_extra(kind, seats, candidates, ok, rule):
    """EL-20, EL-21: small bodies have exactly one extra."""
    decision = el.surplus_check(seats, candidates, kind)
    assert decision.ok is ok
    assert rule in decision.rules and "EL-15" not in decision.rules


def test_el_21_is_a_default_setting():
    """EL-21: is a default setting."""
    off = el.Defaults(one_extra_below_three_seats=False)
    decision = el.surplus_check(2, 3, PC, defaults=off)
    assert not decision.ok and "EL-15" in decision.rules  # 10 > 6 under the plain 30% cap
    assert ("one_extra_below_three_seats", "on") in el.surplus_check(2, 3, PC).defaults


@pytest.mark.parametrize(
    ("seats", "lo", "hi", "example"),
    [
        (9, 1, 1, "TC-EL-05"),
        (20, 2, 3, "TC-EL-05"),
        (6, 1, 1, "TC-EL-05"),
        (15, 2, 2, "EX-11"),
        (100, 10, 15, ""),
    ],
)
def test_el_16_el_17_proposal_band(seats, lo, hi, example):
    """EL-16, EL-17: proposal band."""
    assert el.proposal_band(seats) == (lo, hi), example
    assert el.proposal_surplus_check(seats, seats + lo).ok
    assert el.proposal_surplus_check(seats, seats + hi).ok
    outside = el.proposal_surplus_check(seats, seats + hi + 1)
    assert outside.warning and outside.rules == ("EL-16", "EL-17")
    assert el.proposal_surplus_check(seats, seats + lo - 1).warning


def test_tc_el_05_proposal_candidates():
    """TC-EL-05: proposal candidates."""
    assert [c for c in range(9, 15) if el.proposal_surplus_check(9, c).ok] == [10]
    assert [c for c in range(20, 30) if el.proposal_surplus_check(20, c).ok] == [22, 23]
    assert [c for c in range(6, 10) if el.proposal_surplus_check(6, c).ok] == [7]
    assert [c for c in range(15, 22) if el.proposal_surplus_check(15, c).ok] == [17]  # EX-11


def test_tc_el_20_el_18_el_19_combined_list_trim():
    """TC-EL-20, EL-18, EL-19: combined list trim."""
    assert el.combined_list_action(10, 16) == (el.ListAction.TRIM_BY_POLL, 13, ("EL-18", "EL-19"))
    assert el.combined_list_action(10, 13) == (el.ListAction.CONGRESS_DECIDES, 13, ("EL-18",))
    assert el.combined_list_action(5, 7)[:2] == (el.ListAction.TRIM_BY_POLL, 6)  # EL-20 small body
    poll = {f"N{i:02d}": 100 - i for i in range(16)}
    clear = el.trim_by_poll(10, poll)
    assert clear.kept == tuple(f"N{i:02d}" for i in range(13))
    assert clear.resolution is el.TieResolution.NONE
    poll["N13"] = poll["N12"]  # tie 13th / 14th
    tied = el.trim_by_poll(10, poll)
    assert tied.resolution is el.TieResolution.REPOLL
    assert tied.kept == tuple(f"N{i:02d}" for i in range(12))
    assert tied.tied == ("N12", "N13") and tied.places_left == 1


def test_el_20_small_body_tie_head_of_committee_decides():
    """EL-20: small body tie head of committee decides."""
    poll = {"A": 9, "B": 8, "C": 7, "D": 6, "E": 6, "F": 1}
    result = el.trim_by_poll(3, poll)  # keep 4
    assert result.resolution is el.TieResolution.HEAD_DECIDES
    assert result.kept == ("A", "B", "C") and result.tied == ("D", "E")
    assert ("small_body_tie_head_decides", "on") in result.defaults


@pytest.mark.parametrize("kind", [ItemKind.SECRETARY, ItemKind.DEPUTY_SECRETARY, ItemKind.INSPECTION_CHAIR])
def test_el_22_no_surplus_allowed_for_single_posts(kind):
    """EL-22: no surplus allowed for single posts."""
    decision = el.surplus_check(1, 1, kind)
    assert decision.ok and "EL-22" in decision.rules
    layout = el.ballot_layout(1, [el.Candidate("a", "Nguyễn Văn An")], body="BÍ THƯ", term="2025-2030")
    assert layout.form is el.BallotForm.YES_NO
    assert layout.columns == ("STT", "Họ và tên", "Đồng ý", "Không đồng ý")


def test_el_23_surplus_required_or_optional():
    """EL-23: surplus required or optional."""
    required = el.surplus_check(9, 9, ItemKind.PARTY_COMMITTEE)
    assert not required.ok and required.blocking and required.code == "surplus_required"
    optional = el.surplus_check(9, 9, ItemKind.INSPECTION_COMMITTEE)
    assert optional.ok and "EL-23" in optional.rules
    over = el.surplus_check(10, 14, ItemKind.DELEGATE_OFFICIAL)
    assert over.warning and over.code == "over_30_percent"
    # OP-3: the set of posts needing surplus is a setting
    strict = el.Defaults(surplus_required_for=frozenset({ItemKind.INSPECTION_COMMITTEE}))
    assert el.surplus_check(9, 9, ItemKind.INSPECTION_COMMITTEE, defaults=strict).blocking


def test_el_42_caps_are_warnings_in_later_rounds():
    """EL-42: caps are warnings in later rounds."""
    later = el.surplus_check(10, 14, PC, round_kind=el.RoundKind.FURTHER)
    assert later.warning and "EL-42" in later.rules
    assert el.surplus_check(3, 2, PC, round_kind=el.RoundKind.FURTHER).warning
    assert el.surplus_check(5, 2, PC, round_kind=el.RoundKind.TIE_REVOTE).ok


# --- EL-24, EL-25, EL-43 order of elections -----------------------------------------------------


def test_tc_el_17_el_24_cell_elects_committee_then_secretary_separately():
    """TC-EL-17, EL-24: cell elects committee then secretary separately."""
    on_one_ballot = el.check_separate_ballots({ItemKind.CELL_COMMITTEE, ItemKind.SECRETARY})
    assert not on_one_ballot.ok and on_one_ballot.rules == ("EL-24",)
    outsider = el.check_leader_candidates(Venue.CELL_CONGRESS, ItemKind.SECRETARY, ["X"], {"A", "B", "C"})
    assert not outsider.ok and outsider.subjects == ("X",) and outsider.rules == ("EL-24",)
    assert el.check_leader_candidates(Venue.CELL_CONGRESS, ItemKind.SECRETARY, ["A"], {"A", "B"}).ok
    too_early = el.check_election_order(Venue.CELL_CONGRESS, set(), ItemKind.SECRETARY)
    assert not too_early.ok and too_early.subjects == ("cell_committee",)
    deputy = el.check_election_order(
        Venue.CELL_CONGRESS, {ItemKind.CELL_COMMITTEE}, ItemKind.DEPUTY_SECRETARY
    )
    assert deputy.subjects == ("secretary",)
    done = {ItemKind.CELL_COMMITTEE, ItemKind.SECRETARY}
    assert el.check_election_order(Venue.CELL_CONGRESS, done, ItemKind.DEPUTY_SECRETARY).ok


def test_el_25_first_conference_order_and_pool():
    """EL-25: first conference order and pool."""
    venue = Venue.EXECUTIVE_COMMITTEE_CONFERENCE
    assert el.election_sequence(venue) == (
        ItemKind.STANDING_COMMITTEE,
        ItemKind.SECRETARY,
        ItemKind.DEPUTY_SECRETARY,
        ItemKind.INSPECTION_COMMITTEE,
        ItemKind.INSPECTION_CHAIR,
    )
    chair = el.check_election_order(
        venue, {ItemKind.STANDING_COMMITTEE, ItemKind.SECRETARY}, ItemKind.INSPECTION_CHAIR
    )
    assert not chair.ok and chair.subjects == ("deputy_secretary", "inspection_committee")
    assert chair.rules == ("EL-25",)
    assert chair.defaults == (("first_conference_order", el.describe_defaults()["first_conference_order"]),)
    no_btv = el.check_election_order(venue, set(), ItemKind.SECRETARY, has_standing_committee=False)
    assert no_btv.ok
    pool = el.check_leader_candidates(venue, ItemKind.DEPUTY_SECRETARY, ["A", "Z"], {"A", "B"})
    assert not pool.ok and pool.subjects == ("Z",) and pool.rules == ("EL-25",)


def test_el_43_officials_before_alternates_on_separate_ballots():
    """EL-43: officials before alternates on separate ballots."""
    early = el.check_election_order(Venue.ORGANISATION_CONGRESS, set(), ItemKind.DELEGATE_ALTERNATE)
    assert not early.ok and early.subjects == ("delegate_official",) and "EL-43" in early.rules
    assert el.check_election_order(
        Venue.ORGANISATION_CONGRESS, {ItemKind.DELEGATE_OFFICIAL}, ItemKind.DELEGATE_ALTERNATE
    ).ok
    together = el.check_separate_ballots({ItemKind.DELEGATE_OFFICIAL, ItemKind.DELEGATE_ALTERNATE})
    assert not together.ok and together.rules == ("EL-43",)


def test_el_43_alternates_ranked_by_votes_then_name_order():
    """EL-43: alternates ranked by votes then name order."""
    a = el.Candidate("a", "Trần Thị Ánh")
    b = el.Candidate("b", "Nguyễn Văn An")
    c = el.Candidate("c", "Lê Văn Bình")
    assert el.rank_alternates([(a, 30), (c, 41), (b, 30)]) == (c, b, a)


def test_op_12_direct_secretary_election_is_off_by_default():
    """OP-12: direct secretary election is off by default."""
    assert not el.secretary_direct_election().ok
    assert el.secretary_direct_election(el.Defaults(direct_secretary_election=True)).ok


# --- EL-26..EL-28 names and ballots ------------------------------------------------------------

TC_EL_18_INPUT = [
    "Nguyễn Văn An",
    "Trần Thị Ánh",
    "Lê Văn Anh",
    "Phạm Thị Ân",
    "Đỗ Văn Bình",
    "Bùi Thị Ba",
    "Hoàng Văn Đức",
    "Vũ Thị Dung",
    "Lê Thị Anh",
    "Lê Anh",
]
TC_EL_18_EXPECTED = [
    "Nguyễn Văn An",
    "Lê Anh",
    "Lê Thị Anh",
    "Lê Văn Anh",
    "Trần Thị Ánh",
    "Phạm Thị Ân",
    "Bùi Thị Ba",
    "Đỗ Văn Bình",
    "Vũ Thị Dung",
    "Hoàng Văn Đức",
]


def test_tc_el_18_el_26_el_27_list_order():
    """TC-EL-18, EL-26, EL-27: list order."""
    candidates = [el.Candidate(str(i), n) for i, n in enumerate(TC_EL_18_INPUT)]
    assert [c.full_name for c in el.list_order(candidates)] == TC_EL_18_EXPECTED
    assert el.numbered_list(candidates)[:2] == ((1, "Nguyễn Văn An"), (2, "Lê Anh"))


def test_el_27_decomposed_input_sorts_the_same():
    """EL-27: decomposed input sorts the same."""
    nfd = [el.Candidate(str(i), unicodedata.normalize("NFD", n)) for i, n in enumerate(TC_EL_18_INPUT)]
    ordered = [unicodedata.normalize("NFC", c.full_name) for c in el.list_order(nfd)]
    assert ordered == TC_EL_18_EXPECTED


@pytest.mark.parametrize(
    ("first", "second"),
    [("Cương", "Cường"), ("Hùng", "Hưng"), ("Thủy", "Thúy"), ("Tuân", "Tuấn"), ("Dung", "Đức")],
)
def test_tc_el_19_el_27_given_name_pairs(first, second):
    """TC-EL-19, EL-27: given name pairs."""
    assert el.name_key(f"Nguyễn Văn {first}") < el.name_key(f"Nguyễn Văn {second}")
    assert el.name_key(f"Trần {second}") > el.name_key(f"Võ Thị {first}")


def test_tc_el_19_el_27_identical_names_earlier_birth_first():
    """TC-EL-19, EL-27: identical names earlier birth first."""
    young = el.Candidate("y", "Nguyễn Văn An", date(1990, 1, 1))
    old = el.Candidate("o", "Nguyễn Văn An", date(1970, 1, 1))
    assert el.list_order([young, old]) == (old, young)


def test_el_28_surplus_ballot_layout():
    """EL-28: surplus ballot layout."""
    names = [
        el.Candidate("1", "Lê Văn Bình"),
        el.Candidate("2", "Nguyễn Văn An"),
        el.Candidate("3", "Phạm Thị Ân"),
    ]
    layout = el.ballot_layout(2, names, body="BAN CHẤP HÀNH ĐẢNG BỘ", term="NHIỆM KỲ 2025-2030")
    assert layout.form is el.BallotForm.SURPLUS
    assert layout.title == "PHIẾU BẦU BAN CHẤP HÀNH ĐẢNG BỘ NHIỆM KỲ 2025-2030"
    assert layout.rows == ((1, "Nguyễn Văn An"), (2, "Phạm Thị Ân"), (3, "Lê Văn Bình"))
    assert "Gạch" in layout.instruction and layout.columns == ("STT", "Họ và tên")
    assert "EL-28" in layout.rules and "upper left" in layout.stamp


# --- EL-29..EL-33 validity ---------------------------------------------------------------------

LIST_11 = [f"C{i:02d}" for i in range(11)]


@pytest.mark.parametrize(
    ("kept", "status", "rule"),
    [
        (10, BallotStatus.INVALID, "EL-30"),
        (9, BallotStatus.VALID, "EL-29"),
        (1, BallotStatus.VALID, "EL-29"),
        (0, BallotStatus.INVALID, "EL-30"),
    ],
)
def test_ex_13_el_29_el_30_surplus_ballot_validity(kept, status, rule):
    """EX-13, EL-29, EL-30: surplus ballot validity."""
    ruling = el.rule_on_ballot(SurplusBallot(frozenset(LIST_11[:kept])), candidates=LIST_11, seats=9)
    assert ruling.status is status
    assert ruling.rules == (rule,)
    assert len(ruling.counted) == (kept if status is BallotStatus.VALID else 0)


def test_el_30_not_issued_by_the_counting_committee_is_invalid():
    """EL-30: not issued by the counting committee is invalid."""
    ruling = el.rule_on_ballot(
        SurplusBallot(frozenset(LIST_11[:3]), issued_by_committee=False), candidates=LIST_11, seats=9
    )
    assert ruling.status is BallotStatus.INVALID and ruling.reason == "not_issued_by_committee"


@pytest.mark.parametrize(
    ("mark", "status"),
    [
        (Mark.BOTH, BallotStatus.INVALID),
        (Mark.NEITHER, BallotStatus.INVALID),
        (Mark.AGREE, BallotStatus.VALID),
        (Mark.DISAGREE, BallotStatus.VALID),
    ],
)
def test_tc_el_09_el_31_one_person_ballot(mark, status):
    """TC-EL-09, EL-31: one person ballot."""
    ruling = el.rule_on_ballot(YesNoBallot({"A": mark}), candidates=["A"], seats=1)
    assert ruling.status is status and ruling.rules == ("EL-31",)
    assert ruling.counted == (frozenset({"A"}) if mark is Mark.AGREE else frozenset())


def test_tc_el_09_el_31_unmarked_row_is_neither():
    """TC-EL-09, EL-31: unmarked row is neither."""
    assert el.rule_on_ballot(YesNoBallot({}), candidates=["A"], seats=1).status is BallotStatus.INVALID


def test_tc_el_09_el_33_written_in_name_or_signature_invalidates():
    """TC-EL-09, EL-33: written in name or signature invalidates."""
    for ballot in (
        YesNoBallot({"A": Mark.AGREE}, written_in=True),
        YesNoBallot({"A": Mark.AGREE}, identifying_mark=True),
        SurplusBallot(frozenset({"A"}), written_in=True),
    ):
        candidates = ["A"] if isinstance(ballot, YesNoBallot) else ["A", "B"]
        ruling = el.rule_on_ballot(ballot, candidates=candidates, seats=1)
        assert ruling.status is BallotStatus.INVALID and ruling.rules == ("EL-33",)
    lenient = el.Defaults(write_in_invalidates=False)
    ruling = el.rule_on_ballot(
        SurplusBallot(frozenset({"A"}), written_in=True), candidates=["A", "B"], seats=1, defaults=lenient
    )
    assert ruling.valid


def test_tc_el_08_el_32_el_33_multi_person_ballot_without_surplus():
    """TC-EL-08, EL-32, EL-33: multi person ballot without surplus."""
    names = ["A", "B", "C"]
    ballots: list[el.Ballot] = [YesNoBallot(dict.fromkeys(names, Mark.AGREE)) for _ in range(10)]
    ballots[3] = YesNoBallot({"A": Mark.AGREE, "B": Mark.BOTH, "C": Mark.AGREE})  # ballot 4
    ballots[8] = YesNoBallot(dict.fromkeys(names, Mark.DISAGREE))  # ballot 9
    count = el.count_ballots(candidates=names, seats=3, issued=10, ballots=ballots)
    assert (count.valid, count.invalid) == (10, 0)
    assert count.votes == {"A": 9, "B": 8, "C": 9}
    assert count.rulings[3].counted == frozenset({"A", "C"}) and "EL-32" in count.rulings[3].rules
    assert count.rulings[8].counted == frozenset() and "EL-33" in count.rulings[8].rules


def test_el_33_partly_struck_name_needs_an_explicit_ruling():
    """EL-33: partly struck name needs an explicit ruling."""
    names = ["A", "B", "C"]
    pending = SurplusBallot(frozenset({"A"}), partly_struck=frozenset({"B"}))
    assert el.rule_on_ballot(pending, candidates=names, seats=2).status is BallotStatus.NEEDS_RULING
    with pytest.raises(el.ElectionError) as exc:
        el.count_ballots(candidates=names, seats=2, issued=1, ballots=[pending])
    assert exc.value.code == "ruling_needed"
    kept = SurplusBallot(frozenset({"A"}), partly_struck=frozenset({"B"}), ruling=el.PartialStrikeRuling.KEPT)
    assert el.rule_on_ballot(kept, candidates=names, seats=2).counted == frozenset({"A", "B"})
    struck = SurplusBallot(
        frozenset({"A"}), partly_struck=frozenset({"B"}), ruling=el.PartialStrikeRuling.STRUCK
    )
    assert el.rule_on_ballot(struck, candidates=names, seats=2).counted == frozenset({"A"})
    void = SurplusBallot(
        frozenset({"A"}), partly_struck=frozenset({"B"}), ruling=el.PartialStrikeRuling.INVALID
    )
    assert el.rule_on_ballot(void, candidates=names, seats=2).status is BallotStatus.INVALID


def test_el_28_ballot_form_must_match_the_list_and_names_must_be_listed():
    """EL-28: ballot form must match the list and names must be listed."""
    with pytest.raises(el.ElectionError) as exc:
        el.rule_on_ballot(YesNoBallot({"A": Mark.AGREE}), candidates=["A", "B"], seats=1)
    assert exc.value.code == "ballot_form_mismatch"
    with pytest.raises(el.ElectionError) as exc:
        el.rule_on_ballot(SurplusBallot(frozenset({"Z"})), candidates=["A", "B"], seats=1)
    assert exc.value.code == "unknown_candidate"


# --- EL-34..EL-38 roll and threshold ----------------------------------------------------------


@pytest.mark.parametrize(
    ("roll", "votes", "qualifies"),
    [
        (10, 5, False),
        (10, 6, True),
        (11, 5, False),
        (11, 6, True),
        (20, 10, False),
        (20, 11, True),
        (0, 0, False),
        (1, 1, True),
    ],
)
def test_tc_el_01_el_35_majority_of_the_roll(roll, votes, qualifies):
    """TC-EL-01, EL-35: majority of the roll."""
    assert el.qualifies(votes, roll) is qualifies
    assert (votes >= el.votes_needed(roll)) is qualifies


@pytest.mark.parametrize(
    ("roll", "needed"), [(486, 244), (485, 243), (48, 25), (20, 11), (11, 6), (10, 6), (1, 1), (0, 1)]
)
def test_tc_el_02_el_35_el_46_minimum_winning_vote(roll, needed):
    """TC-EL-02, EL-35, EL-46: minimum winning vote."""
    assert el.votes_needed(roll) == needed


def test_ex_9_el_35_el_36_members_congress_roll():
    """EX-9, EL-35, EL-36: members congress roll."""
    # 11 official members, one absent; (a) absence not approved, (b) approved
    a = el.adjusted_roll(CongressKind.MEMBERS, 11, {})
    b = el.adjusted_roll(CongressKind.MEMBERS, 11, {Deduction.ABSENT_APPROVED: 1})
    assert (a.roll, b.roll) == (11, 10)
    assert "EL-36" in b.rules
    for roll in (a.roll, b.roll):
        assert not el.qualifies(5, roll)  # 10 is not more than 10 or 11
        assert el.qualifies(6, roll)


def test_el_36_members_deduction_categories():
    """EL-36: members deduction categories."""
    roll = el.adjusted_roll(
        CongressKind.MEMBERS,
        40,
        {
            Deduction.TEMPORARY_ELSEWHERE: 2,
            Deduction.EXEMPTED_ABSENT: 3,
            Deduction.SUSPENDED_OR_PROSECUTED: 1,
            Deduction.ABSENT_APPROVED: 4,
        },
    )
    assert roll.roll == 30
    with pytest.raises(el.ElectionError) as exc:
        el.adjusted_roll(CongressKind.MEMBERS, 40, {Deduction.DELEGATE_ABSENT_UNREPLACED: 1})
    assert exc.value.code == "deduction_not_allowed"
    with pytest.raises(el.ElectionError):
        el.adjusted_roll(CongressKind.MEMBERS, 3, {Deduction.ABSENT_APPROVED: 4})
    with pytest.raises(el.ElectionError):
        el.adjusted_roll(CongressKind.MEMBERS, 3, {Deduction.ABSENT_APPROVED: -1})


def test_tc_el_07_el_34_el_35_el_37_threshold_is_the_roll_not_valid_ballots():
    """TC-EL-07, EL-34, EL-35, EL-37: threshold is the roll not valid ballots."""
    roll = el.adjusted_roll(CongressKind.DELEGATES, 50, {Deduction.DELEGATE_ABSENT_UNREPLACED: 2})
    assert roll.roll == 48 and "EL-37" in roll.rules
    for x_votes, elected in ((24, False), (25, True)):
        ballots = [SurplusBallot(frozenset({"X"})) for _ in range(x_votes)]
        ballots += [SurplusBallot(frozenset({"Y"})) for _ in range(45 - x_votes)]
        ballots += [SurplusBallot(frozenset({"X"}), issued_by_committee=False) for _ in range(3)]
        count = el.count_ballots(candidates=["X", "Y"], seats=1, issued=48, ballots=ballots)
        assert (count.collected, count.valid, count.invalid) == (48, 45, 3)
        assert count.votes["X"] == x_votes  # invalid ballots keeping X do not count (EL-34)
        result = el.decide_round(
            candidates=["X", "Y"], votes=count.votes, seats=1, roll=roll.roll, valid=count.valid, collected=48
        )
        assert ("X" in result.elected) is elected
    assert 2 * 24 > 45  # more than half of the valid ballots, still not elected


def test_el_37_delegates_roll_committee_members_absent():
    """EL-37: delegates roll committee members absent."""
    roll = el.adjusted_roll(
        CongressKind.DELEGATES,
        200,
        {Deduction.COMMITTEE_MEMBER_ABSENT: 1, Deduction.DELEGATE_ABSENT_UNREPLACED: 3},
    )
    assert roll.roll == 196
    with pytest.raises(el.ElectionError):
        el.adjusted_roll(CongressKind.DELEGATES, 200, {Deduction.ABSENT_APPROVED: 3})


def test_el_38_committee_conference_roll_is_a_default():
    """EL-38: committee conference roll is a default."""
    roll = el.adjusted_roll(CongressKind.COMMITTEE_CONFERENCE, 15, {Deduction.ABSENT_APPROVED: 2})
    assert roll.roll == 13 and "EL-38" in roll.rules
    assert roll.defaults == (("conference_deductions", "absent_approved"),)
    with pytest.raises(el.ElectionError):
        el.adjusted_roll(CongressKind.INSPECTION_CONFERENCE, 7, {Deduction.TEMPORARY_ELSEWHERE: 1})


def test_op_11_attendance_only_warns():
    """OP-11: attendance only warns."""
    assert el.attendance_warning(13, 20).warning  # 39 < 40
    assert el.attendance_warning(14, 20).ok


# --- EL-39..EL-42 winners, ties, further rounds --------------------------------------------------


def test_tc_el_10_el_39_top_seats_among_the_qualifying():
    """TC-EL-10, EL-39: top seats among the qualifying."""
    result = decide({"A": 15, "B": 14, "C": 12, "D": 11, "E": 9}, seats=3, roll=20, valid=21)
    assert [r.candidate for r in result.rows if r.qualifies] == ["A", "B", "C", "D"]
    assert result.votes_needed == 11
    assert result.elected == ("A", "B", "C")
    assert result.next_step is NextStep.DONE and result.seats_unfilled == 0
    assert "EL-39" in result.rules


def test_tc_el_11_el_40_tie_at_the_cut_off_is_revoted():
    """TC-EL-11, EL-40: tie at the cut off is revoted."""
    result = decide({"A": 15, "B": 14, "C": 12, "D": 12, "E": 5}, seats=3, roll=20)
    assert result.elected == ("A", "B")
    assert result.tie_revote == ("C", "D")
    assert result.seats_unfilled == 1
    assert result.next_step is NextStep.TIE_REVOTE
    assert "EL-40" in result.rules and ("tie_at_cutoff", "revote_among_tied") in result.defaults
    plan = el.plan_next_round(result, number=1)
    assert plan is not None
    assert (plan.kind, plan.candidates, plan.seats) == (el.RoundKind.TIE_REVOTE, ("C", "D"), 1)
    # the re-vote still needs a majority of the roll; a new tie repeats
    again = decide({"C": 10, "D": 10}, seats=1, roll=20)
    assert again.elected == () and again.next_step is NextStep.FURTHER_ROUND  # neither qualifies
    tie_again = decide({"C": 11, "D": 11}, seats=1, roll=20, valid=22)
    assert tie_again.tie_revote == ("C", "D") and tie_again.next_step is NextStep.TIE_REVOTE
    winner = decide({"C": 11, "D": 9}, seats=1, roll=20)
    assert winner.elected == ("C",)


def test_tc_el_12_el_39_el_40_ties_that_do_not_cross_the_cut_off():
    """TC-EL-12, EL-39, EL-40: ties that do not cross the cut off."""
    above = decide({"A": 15, "B": 15, "C": 12, "D": 9}, seats=3, roll=20)
    assert above.elected == ("A", "B", "C") and above.tie_revote == ()
    fits = decide({"A": 15, "B": 12, "C": 12, "D": 8}, seats=3, roll=20)
    assert fits.elected == ("A", "B", "C") and fits.tie_revote == ()


def test_el_40_tie_at_the_last_seat_with_everyone_tied():
    """EL-40: tie at the last seat with everyone tied."""
    result = decide({"A": 12, "B": 12, "C": 12, "D": 12}, seats=3, roll=20, valid=20)
    assert result.elected == () and result.tie_revote == ("A", "B", "C", "D") and result.seats_unfilled == 3


def test_el_40_op_1_tie_rule_setting():
    """EL-40, OP-1: tie rule setting."""
    setting = el.Defaults(tie_at_cutoff=el.TieRule.FURTHER_ROUND)
    result = el.decide_round(
        candidates=["A", "B", "C", "D"],
        votes={"A": 15, "B": 14, "C": 12, "D": 12},
        seats=3,
        roll=20,
        valid=20,
        collected=20,
        defaults=setting,
    )
    assert result.next_step is NextStep.FURTHER_ROUND and result.tie_revote == ("C", "D")
    plan = el.plan_next_round(result, number=1, defaults=setting)
    assert plan is not None and plan.candidates == ("C", "D") and plan.kind is el.RoundKind.FURTHER


def test_tc_el_13_el_35_el_42_too_few_winners():
    """TC-EL-13, EL-35, EL-42: too few winners."""
    result = decide({"A": 15, "B": 14, "C": 10, "D": 10}, seats=3, roll=20)
    assert result.elected == ("A", "B")
    assert not any(r.qualifies for r in result.rows if r.candidate in ("C", "D"))
    assert result.next_step is NextStep.FURTHER_ROUND and result.seats_unfilled == 1
    assert el.state_after(result) is el.ItemState.NEXT_ROUND_PENDING
    assert "EL-42" in result.rules
    plan = el.plan_next_round(result, number=1)
    assert plan is not None
    assert (plan.number, plan.kind, plan.candidates, plan.seats) == (2, el.RoundKind.FURTHER, ("C", "D"), 1)
    assert plan.congress_decides and not plan.may_add_names
    # seats may stay vacant
    assert el.check_transition(el.ItemState.NEXT_ROUND_PENDING, el.ItemState.CLOSED_UNFILLED).ok


def test_tc_el_14_el_41_delegates_further_round_may_add_names():
    """TC-EL-14, EL-41: delegates further round may add names."""
    votes = {"A": 15, "B": 12, "C": 10, "D": 10, "E": 9, "F": 3}
    result = decide(votes, seats=5, roll=20, kind=ItemKind.DELEGATE_OFFICIAL)
    assert result.elected == ("A", "B") and result.seats_unfilled == 3
    assert "EL-41" in result.rules
    plan = el.plan_next_round(result, number=1, kind=ItemKind.DELEGATE_OFFICIAL)
    assert plan is not None and plan.seats == 3 and plan.may_add_names and plan.congress_decides
    assert plan.candidates == ("C", "D", "E", "F")


def test_el_42_rounds_as_data():
    """EL-42: rounds as data."""
    first = decide({"A": 15, "B": 14, "C": 10, "D": 10}, seats=3, roll=20)
    second = decide({"C": 12, "D": 8}, seats=1, roll=20)
    rounds = [el.Round(2, el.RoundKind.FURTHER, second), el.Round(1, el.RoundKind.NORMAL, first)]
    assert el.item_outcome(3, rounds) == (("A", "B", "C"), 0)
    assert el.plan_next_round(second, number=2) is None


# --- EL-44..EL-46 minutes -------------------------------------------------------------------------


def test_ex_8_el_44_el_45_el_46_thanh_hoa_minutes():
    """EX-8, EL-44, EL-45, EL-46: thanh hoa minutes."""
    votes = {f"U{i:02d}": 486 for i in range(18)}
    votes.update({f"V{i:02d}": 400 for i in range(51)})
    assert el.check_minutes(seats=69, issued=486, collected=486, valid=486, invalid=0, votes=votes).ok
    result = el.decide_round(
        candidates=list(votes), votes=votes, seats=69, roll=486, valid=486, collected=486
    )
    full = [r for r in result.rows if r.votes == 486]
    assert len(full) == 18 and all(
        r.percent == Decimal("100.00") and str(r.percent) == "100.00" for r in full
    )
    assert result.votes_needed == 244 and len(result.elected) == 69


def test_tc_el_15_el_45_nothing_collected():
    """TC-EL-15, EL-45: nothing collected."""
    assert (
        el.check_minutes(seats=3, issued=20, collected=0, valid=0, invalid=0, votes={"A": 0}).code
        == "nothing_collected"
    )
    result = el.decide_round(candidates=["A", "B"], votes={}, seats=1, roll=20, valid=0, collected=0)
    assert result.elected == () and result.next_step is NextStep.RERUN_VOTE
    assert el.state_after(result) is el.ItemState.VOTING
    plan = el.plan_next_round(result, number=1)
    assert plan is not None and plan.kind is el.RoundKind.RERUN and plan.rules == ("EL-45",)


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"issued": 10, "collected": 11, "valid": 11, "invalid": 0, "votes": {}}, "collected_exceeds_issued"),
        (
            {"issued": 10, "collected": 10, "valid": 8, "invalid": 1, "votes": {}},
            "valid_plus_invalid_not_collected",
        ),
        ({"issued": 10, "collected": 10, "valid": 8, "invalid": 2, "votes": {"A": 9}}, "votes_out_of_range"),
        (
            {"issued": 10, "collected": 10, "valid": 8, "invalid": 2, "votes": {"A": 8, "B": 8, "C": 1}},
            "votes_exceed_seats_times_valid",
        ),
        ({"issued": 10, "collected": 10, "valid": 8, "invalid": 2, "votes": {"A": -1}}, "votes_out_of_range"),
    ],
)
def test_tc_el_21_el_45_inconsistent_minutes_rejected(kwargs, code):
    """TC-EL-21, EL-45: inconsistent minutes rejected."""
    decision = el.check_minutes(seats=2, **kwargs)
    assert not decision.ok and decision.code == code and decision.rules == ("EL-44", "EL-45")


def test_tc_el_21_el_45_decide_round_refuses_inconsistent_counts():
    """TC-EL-21, EL-45: decide round refuses inconsistent counts."""
    with pytest.raises(el.ElectionError):
        el.decide_round(candidates=["A"], votes={"A": 11}, seats=1, roll=20, valid=10, collected=10)
    with pytest.raises(el.ElectionError):
        el.decide_round(
            candidates=["A", "B"], votes={"A": 10, "B": 10}, seats=1, roll=20, valid=10, collected=10
        )
    with pytest.raises(el.ElectionError):
        el.count_ballots(
            candidates=["A", "B"], seats=1, issued=1, ballots=[SurplusBallot(frozenset({"A"}))] * 2
        )


@pytest.mark.parametrize(
    ("votes", "base", "shown"),
    [
        (1, 3, "33.33"),
        (2, 3, "66.67"),
        (1, 8, "12.50"),
        (1, 200, "0.50"),
        (1, 400, "0.25"),
        (1, 800, "0.13"),
        (0, 5, "0.00"),
        (0, 0, "0.00"),
        (7, 7, "100.00"),
    ],
)
def test_el_46_percent_round_half_up(votes, base, shown):
    """EL-46: percent round half up."""
    assert str(el.percent_of(votes, base)) == shown


def test_el_46_op_7_percent_base_setting():
    """EL-46, OP-7: percent base setting."""
    setting = el.Defaults(percent_base=el.PercentBase.COLLECTED)
    result = el.decide_round(
        candidates=["A"], votes={"A": 5}, seats=1, roll=9, valid=8, collected=10, defaults=setting
    )
    assert str(result.rows[0].percent) == "50.00"
    assert ("percent_base", "collected") in result.defaults


def test_every_ballot_invalid_boundary():
    ballots = [SurplusBallot(frozenset({"A"}), issued_by_committee=False) for _ in range(5)]
    ballots += [SurplusBallot(frozenset()) for _ in range(3)]
    count = el.count_ballots(candidates=["A", "B", "C"], seats=2, issued=8, ballots=ballots)
    assert (count.valid, count.invalid) == (0, 8)
    result = el.decide_round(
        candidates=["A", "B", "C"], votes=count.votes, seats=2, roll=8, valid=0, collected=8
    )
    assert result.elected == () and result.seats_unfilled == 2 and result.next_step is NextStep.FURTHER_ROUND
    assert all(str(r.percent) == "0.00" for r in result.rows)


@pytest.mark.parametrize("seats", [3, 5])
def test_small_body_full_count(seats):
    names = [f"N{i}" for i in range(seats + 1)]
    assert el.surplus_check(seats, len(names)).ok
    ballots = [SurplusBallot(frozenset(names[:seats])) for _ in range(7)]
    ballots += [SurplusBallot(frozenset(names[1:])) for _ in range(3)]
    count = el.count_ballots(candidates=names, seats=seats, issued=10, ballots=ballots)
    result = el.decide_round(
        candidates=names, votes=count.votes, seats=seats, roll=10, valid=count.valid, collected=10
    )
    assert result.elected == tuple(names[1:seats]) + (names[0],)
    assert names[seats] not in result.elected  # 3 votes, 6 needed


# --- EL-47..EL-50 approval, complaints, archive --------------------------------------------------


def test_tc_el_24_el_47_one_person_refused():
    """TC-EL-24, EL-47: one person refused."""
    approval = el.approval_outcome(["A", "B", "C"], refused=["B"])
    assert approval.state is el.ApprovalState.PARTLY_APPROVED
    assert approval.approved == ("A", "C") and approval.vacant_seats == 1
    assert el.approval_outcome(["A", "B"]).state is el.ApprovalState.APPROVED
    with pytest.raises(el.ElectionError):
        el.approval_outcome(["A"], refused=["Z"])


def test_el_48_annulment():
    """EL-48: annulment."""
    approval = el.approval_outcome(["A", "B"], annulled=True)
    assert approval.state is el.ApprovalState.ANNULLED and approval.approved == ()
    assert "EL-48" in el.check_transition(el.ItemState.SUBMITTED, el.ItemState.ANNULLED).rules


def test_tc_el_23_el_48_el_50_complaint_deadline():
    """TC-EL-23, EL-48, EL-50: complaint deadline."""
    closed = date(2025, 3, 3)  # Monday
    assert el.complaint_deadline(closed) == date(2025, 3, 24)
    assert el.complaint_in_time(closed, date(2025, 3, 24)).ok
    late = el.complaint_in_time(closed, date(2025, 3, 25))
    assert not late.ok and late.rules == ("EL-48", "EL-50")
    holiday = el.Defaults(holidays=frozenset({date(2025, 3, 10)}))
    assert el.complaint_deadline(closed, holiday) == date(2025, 3, 25)
    assert el.complaint_deadline(date(2025, 3, 7)) == date(2025, 3, 28)  # closed on a Friday


def test_tc_el_25_el_49_ballot_destruction():
    """TC-EL-25, EL-49: ballot destruction."""
    sealed = date(2025, 3, 3)
    assert el.destruction_allowed_from(sealed) == date(2025, 9, 4)
    assert not el.check_destruction(sealed, date(2025, 9, 3), complaint_pending=False).ok
    assert el.check_destruction(sealed, date(2025, 9, 4), complaint_pending=False).ok
    assert el.check_destruction(sealed, date(2026, 1, 1), complaint_pending=True).code == "complaint_pending"
    assert el.destruction_allowed_from(date(2025, 8, 31)) == date(2026, 3, 1)  # Feb has no 31st
