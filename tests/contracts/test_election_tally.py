"""Contract of ``manage.py election_tally`` through ``run(text)``, plus one real command run."""

from __future__ import annotations

import copy
import io
import json
import os
import pathlib
import random
import subprocess
import sys

import pytest

from partyorg.contracts.election_tally import run

ROOT = pathlib.Path(__file__).resolve().parents[2]

OUTPUT_KEYS = [
    "rule_set",
    "list",
    "ballots",
    "threshold",
    "candidates",
    "elected",
    "tie_revote",
    "seats_unfilled",
    "rules",
]


def doc(votes: dict[str, int] | None = None, **overrides):
    """An input document; ``votes`` become single-name ballots (seats 1) unless ballots are given."""
    names = list(votes or {"A": 0, "B": 0})
    ballots = [{"kept": [name]} for name, n in (votes or {}).items() for _ in range(n)]
    base = {
        "election_date": "2025-03-01",
        "rule_set": "auto",
        "seats": 1,
        "roll": {"convened": 20, "deducted": 0},
        "candidates": [{"id": n, "full_name": f"Nguyễn Văn {n}"} for n in names],
        "ballots_issued": max(len(ballots), 20),
        "ballots": ballots,
    }
    base.update(overrides)
    return base


def ok(document) -> dict:
    code, out, err = run(json.dumps(document, ensure_ascii=False))
    assert (code, err) == (0, ""), err
    result = json.loads(out)
    assert list(result) == OUTPUT_KEYS
    return result


def bad(document_or_text) -> str:
    text = document_or_text if isinstance(document_or_text, str) else json.dumps(document_or_text)
    code, out, err = run(text)
    assert code == 2 and out == ""
    assert "Lỗi dữ liệu đầu vào" in err and "Invalid input" in err
    return err


def surplus_ballots(kept_lists, *, not_issued=0):
    ballots = [{"kept": k} for k in kept_lists]
    ballots += [
        {"kept": kept_lists[0] if kept_lists else [], "issued_by_committee": False} for _ in range(not_issued)
    ]
    return ballots


# --- exit 0 -----------------------------------------------------------------------------------


def test_tc_el_10_el_39_full_output():
    """TC-EL-10, EL-39: full output."""
    names = ["A", "B", "C", "D", "E"]
    kept = (
        [["A", "B", "C"]] * 9
        + [["A", "B", "D"]] * 3
        + [["A", "D", "E"]] * 3
        + [["B", "C", "D"]] * 5
        + [["E"]] * 6
    )
    document = doc(
        seats=3,
        roll={"convened": 22, "deducted": 2},
        candidates=[{"id": n, "full_name": f"Lê Văn {n}"} for n in names],
        ballots_issued=30,
        ballots=surplus_ballots(kept, not_issued=1),
        congress="extra fields are ignored",
    )
    result = ok(document)
    assert result["rule_set"] == "QD190-2024"
    assert result["list"] == {"seats": 3, "candidates": 5, "surplus": 2, "surplus_ok": False}  # EL-20
    assert result["ballots"] == {"issued": 30, "collected": 27, "valid": 26, "invalid": 1}
    assert result["threshold"] == {"roll": 20, "votes_needed": 11}
    by_id = {c["id"]: c for c in result["candidates"]}
    assert [c["id"] for c in result["candidates"]] == names  # input order
    assert {n: by_id[n]["votes"] for n in names} == {"A": 15, "B": 17, "C": 14, "D": 11, "E": 9}
    assert by_id["B"]["pct_of_valid"] == "65.38"  # 17/26
    assert [n for n in names if by_id[n]["above_threshold"]] == ["A", "B", "C", "D"]
    assert result["elected"] == ["B", "A", "C"]  # votes descending
    assert [n for n in names if by_id[n]["elected"]] == ["A", "B", "C"]
    assert result["tie_revote"] == [] and result["seats_unfilled"] == 0
    assert {"EL-2", "EL-29", "EL-30", "EL-35", "EL-39", "EL-46"} <= set(result["rules"])
    assert list(result["list"]) == ["seats", "candidates", "surplus", "surplus_ok"]
    assert list(result["ballots"]) == ["issued", "collected", "valid", "invalid"]
    assert list(result["candidates"][0]) == ["id", "votes", "pct_of_valid", "above_threshold", "elected"]


@pytest.mark.parametrize(
    ("day", "rule_set", "expected"),
    [
        ("2024-10-09", "auto", "QD244-2014"),  # TC-EL-22
        ("2024-10-10", "auto", "QD190-2024"),  # TC-EL-22
        ("2014-06-09", "auto", "QD244-2014"),
        ("2025-01-01", "QD244-2014", "QD244-2014"),  # explicit rule set taken as given
        ("2010-01-01", "QD244-2014", "QD244-2014"),
        ("2020-01-01", "QD190-2024", "QD190-2024"),
    ],
)
def test_el_2_rule_set(day, rule_set, expected):
    """EL-2: rule set."""
    assert ok(doc(election_date=day, rule_set=rule_set))["rule_set"] == expected


def test_el_2_auto_before_any_rule_set_is_bad_input():
    """EL-2: auto before any rule set is bad input."""
    err = bad(doc(election_date="2014-06-08"))
    assert "election_date" in err and "rule_set" in err


def test_tc_el_07_el_34_el_35_exactly_half_of_the_roll_is_not_enough():
    """TC-EL-07, EL-34, EL-35: exactly half of the roll is not enough."""
    # roll 48 (50 convened, 2 deducted); 45 valid + 3 invalid; X has 24 (more than half of valid)
    ballots = (
        [{"kept": ["X"]}] * 24 + [{"kept": ["Y"]}] * 21 + [{"kept": ["X"], "issued_by_committee": False}] * 3
    )
    result = ok(
        doc({"X": 0, "Y": 0}, roll={"convened": 50, "deducted": 2}, ballots=ballots, ballots_issued=48)
    )
    x = result["candidates"][0]
    assert result["threshold"] == {"roll": 48, "votes_needed": 25}
    assert (x["votes"], x["above_threshold"], x["elected"]) == (24, False, False)
    assert result["elected"] == [] and result["seats_unfilled"] == 1
    ballots = (
        [{"kept": ["X"]}] * 25 + [{"kept": ["Y"]}] * 20 + [{"kept": ["X"], "issued_by_committee": False}] * 3
    )
    result = ok(
        doc({"X": 0, "Y": 0}, roll={"convened": 50, "deducted": 2}, ballots=ballots, ballots_issued=48)
    )
    assert result["elected"] == ["X"]


@pytest.mark.parametrize(
    ("roll", "votes", "above"), [(10, 5, False), (10, 6, True), (11, 5, False), (11, 6, True)]
)
def test_tc_el_01_el_35_threshold_boundary(roll, votes, above):
    """TC-EL-01, EL-35: threshold boundary."""
    result = ok(doc({"A": votes, "B": 0}, roll={"convened": roll, "deducted": 0}))
    assert result["candidates"][0]["above_threshold"] is above
    assert result["threshold"]["votes_needed"] == roll // 2 + 1


def test_tc_el_11_el_40_tie_at_the_last_seat():
    """TC-EL-11, EL-40: tie at the last seat."""
    # A15 B14 C12 D12 E5 for 3 seats; roll 22 so that 12 votes qualify (24 > 22)
    names = ["A", "B", "C", "D", "E"]
    kept = (
        [["A", "B", "C"]] * 10
        + [["A", "B", "D"]] * 4
        + [["A", "D", "E"]]
        + [["C", "D", "E"]] * 2
        + [["D", "E"]] * 2
        + [["D"]] * 3
    )
    result = ok(
        doc(
            seats=3,
            candidates=[{"id": n, "full_name": n} for n in names],
            ballots=surplus_ballots(kept),
            ballots_issued=22,
            roll={"convened": 22, "deducted": 0},
        )
    )
    assert {c["id"]: c["votes"] for c in result["candidates"]} == {"A": 15, "B": 14, "C": 12, "D": 12, "E": 5}
    assert result["threshold"]["votes_needed"] == 12
    assert result["elected"] == ["A", "B"]
    assert result["tie_revote"] == ["C", "D"]
    assert result["seats_unfilled"] == 1


def test_el_40_tie_revote_not_elected_and_seats_unfilled():
    """EL-40: tie revote not elected and seats unfilled."""
    names = ["A", "B", "C", "D"]
    kept = [["A", "B", "C"]] * 12 + [["A", "B", "D"]] * 12 + [["C", "D"]] * 2
    result = ok(
        doc(
            seats=3,
            candidates=[{"id": n, "full_name": n} for n in names],
            ballots=surplus_ballots(kept),
            ballots_issued=26,
            roll={"convened": 26, "deducted": 0},
        )
    )
    assert {c["id"]: c["votes"] for c in result["candidates"]} == {"A": 24, "B": 24, "C": 14, "D": 14}
    assert result["elected"] == ["A", "B"]
    assert result["tie_revote"] == ["C", "D"]
    assert result["seats_unfilled"] == 1
    assert not any(c["elected"] for c in result["candidates"] if c["id"] in ("C", "D"))
    assert "EL-40" in result["rules"]


def test_tc_el_12_el_40_tie_that_fits_is_elected():
    """TC-EL-12, EL-40: tie that fits is elected."""
    names = ["A", "B", "C", "D"]
    kept = [["A", "B", "C"]] * 12 + [["A"]] * 3 + [["D"]] * 5
    result = ok(
        doc(seats=3, candidates=[{"id": n, "full_name": n} for n in names], ballots=surplus_ballots(kept))
    )
    assert result["elected"] == ["A", "B", "C"] and result["tie_revote"] == []


@pytest.mark.parametrize(
    ("seats", "count", "surplus_ok"),
    [
        (10, 13, True),  # exactly 30% (EL-15)
        (10, 14, False),
        (20, 26, True),
        (6, 7, True),
        (6, 8, False),
        (3, 4, True),  # EL-20
        (3, 5, False),
        (5, 6, True),
        (5, 7, False),
        (2, 3, True),  # EL-21
        (1, 2, True),
        (1, 1, False),
        (4, 4, False),
        (4, 3, False),
    ],
)
def test_el_15_el_20_el_21_surplus_is_reported_and_the_count_proceeds(seats, count, surplus_ok):
    """EL-15, EL-20, EL-21: surplus is reported and the count proceeds."""
    names = [f"N{i}" for i in range(count)]
    result = ok(doc(seats=seats, candidates=[{"id": n, "full_name": n} for n in names], ballots=[]))
    assert result["list"] == {
        "seats": seats,
        "candidates": count,
        "surplus": count - seats,
        "surplus_ok": surplus_ok,
    }


def test_ex_13_el_29_el_30_surplus_ballot_validity():
    """EX-13, EL-29, EL-30: surplus ballot validity."""
    names = [f"N{i:02d}" for i in range(11)]
    ballots = [{"kept": names[:10]}, {"kept": names[:9]}, {"kept": names[:1]}, {"kept": []}]
    result = ok(doc(seats=9, candidates=[{"id": n, "full_name": n} for n in names], ballots=ballots))
    assert result["ballots"] == {"issued": 20, "collected": 4, "valid": 2, "invalid": 2}
    assert result["candidates"][0]["votes"] == 2


def test_el_30_not_issued_by_the_committee_is_invalid_and_kept_may_be_omitted():
    """EL-30: not issued by the committee is invalid and kept may be omitted."""
    ballots = [{"kept": ["A"], "issued_by_committee": False}, {"issued_by_committee": False}, {"kept": ["B"]}]
    result = ok(doc(ballots=ballots))
    assert result["ballots"] == {"issued": 20, "collected": 3, "valid": 1, "invalid": 2}
    assert [c["votes"] for c in result["candidates"]] == [0, 1]


def test_el_22_el_33_no_surplus_list_nothing_kept_is_a_valid_ballot():
    """EL-22, EL-33: no surplus list nothing kept is a valid ballot."""
    # C == S: kept are the rows marked Đồng ý; nothing kept = all Không đồng ý, still valid
    names = ["A", "B", "C"]
    ballots = [{"kept": names}] * 6 + [{"kept": ["A", "C"]}] + [{"kept": []}] * 3
    result = ok(
        doc(
            seats=3,
            candidates=[{"id": n, "full_name": n} for n in names],
            ballots=ballots,
            roll={"convened": 10, "deducted": 0},
        )
    )
    assert result["ballots"]["valid"] == 10 and result["ballots"]["invalid"] == 0
    assert [c["votes"] for c in result["candidates"]] == [7, 6, 7]
    assert result["elected"] == ["A", "C", "B"]
    assert result["list"]["surplus_ok"] is False  # a committee list needs surplus; reported only


def test_el_31_one_person_list_without_surplus():
    """EL-31: one person list without surplus."""
    ballots = [{"kept": ["A"]}] * 6 + [{"kept": []}] * 4
    result = ok(doc({"A": 0}, ballots=ballots, roll={"convened": 10, "deducted": 0}))
    assert result["ballots"]["valid"] == 10
    assert result["candidates"][0]["pct_of_valid"] == "60.00"
    assert result["elected"] == ["A"]


def test_every_ballot_invalid_el_45_el_46():
    """EL-45, EL-46: every ballot invalid."""
    ballots = [{"kept": ["A", "B"]}] * 4 + [{"kept": []}] * 2
    result = ok(doc(ballots=ballots))
    assert result["ballots"] == {"issued": 20, "collected": 6, "valid": 0, "invalid": 6}
    assert all(c["pct_of_valid"] == "0.00" and c["votes"] == 0 for c in result["candidates"])
    assert result["elected"] == [] and result["seats_unfilled"] == 1


def test_tc_el_15_el_45_nothing_collected():
    """TC-EL-15, EL-45: nothing collected."""
    result = ok(doc(seats=2, candidates=[{"id": n, "full_name": n} for n in "ABC"], ballots=[]))
    assert result["ballots"] == {"issued": 20, "collected": 0, "valid": 0, "invalid": 0}
    assert result["elected"] == [] and result["seats_unfilled"] == 2 and "EL-45" in result["rules"]


def test_el_46_pct_of_valid_round_half_up():
    """EL-46: pct of valid round half up."""
    ballots = [{"kept": ["A"]}] * 1 + [{"kept": ["B"]}] * 7  # 12.5% exactly -> 12.50; 87.5 -> 87.50
    result = ok(doc(ballots=ballots))
    assert [c["pct_of_valid"] for c in result["candidates"]] == ["12.50", "87.50"]
    ballots = [{"kept": ["A"]}] * 1 + [{"kept": ["B"]}] * 2
    result = ok(doc(ballots=ballots))
    assert [c["pct_of_valid"] for c in result["candidates"]] == ["33.33", "66.67"]


def test_el_26_ids_and_output_keep_vietnamese_text():
    """EL-26: ids and output keep vietnamese text."""
    document = doc({"Đức": 12, "Ánh": 3})
    code, out, _ = run(json.dumps(document, ensure_ascii=False))
    assert code == 0 and '"Đức"' in out  # ensure_ascii=False
    assert json.loads(out)["elected"] == ["Đức"]


# --- exit 2 -----------------------------------------------------------------------------------

VALID = doc({"A": 3, "B": 2})


def without(path: list[str | int]) -> dict:
    document = copy.deepcopy(VALID)
    target = document
    for key in path[:-1]:
        target = target[key]
    del target[path[-1]]
    return document


def replaced(path: list[str | int], value) -> dict:
    document = copy.deepcopy(VALID)
    target = document
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return document


@pytest.mark.parametrize(
    ("document", "field"),
    [
        (without(["election_date"]), "election_date"),
        (without(["rule_set"]), "rule_set"),
        (without(["seats"]), "seats"),
        (without(["roll"]), "roll"),
        (without(["roll", "convened"]), "roll.convened"),
        (without(["roll", "deducted"]), "roll.deducted"),
        (without(["candidates"]), "candidates"),
        (without(["candidates", 0, "id"]), "candidates[0].id"),
        (without(["candidates", 1, "full_name"]), "candidates[1].full_name"),
        (without(["ballots_issued"]), "ballots_issued"),
        (without(["ballots"]), "ballots"),
        (without(["ballots", 0, "kept"]), "ballots[0].kept"),
        (replaced(["election_date"], "2025-02-30"), "election_date"),
        (replaced(["election_date"], "2025-3-01"), "election_date"),
        (replaced(["election_date"], "20250301"), "election_date"),
        (replaced(["election_date"], 20250301), "election_date"),
        (replaced(["rule_set"], "QC190_2024"), "rule_set"),
        (replaced(["rule_set"], None), "rule_set"),
        (replaced(["seats"], 0), "seats"),
        (replaced(["seats"], -1), "seats"),
        (replaced(["seats"], True), "seats"),
        (replaced(["seats"], 2.0), "seats"),
        (replaced(["seats"], "2"), "seats"),
        (replaced(["roll"], [20, 0]), "roll"),
        (replaced(["roll", "convened"], -1), "roll.convened"),
        (replaced(["roll", "deducted"], -1), "roll.deducted"),
        (replaced(["roll", "deducted"], 21), "roll.deducted"),
        (replaced(["roll", "deducted"], False), "roll.deducted"),
        (replaced(["candidates"], []), "candidates"),
        (replaced(["candidates"], {"A": "x"}), "candidates"),
        (replaced(["candidates", 1], {"id": "A", "full_name": "Lê Văn A"}), "candidates[1].id"),
        (replaced(["candidates", 0, "id"], 1), "candidates[0].id"),
        (replaced(["candidates", 0, "full_name"], " "), "candidates[0].full_name"),
        (replaced(["ballots_issued"], 4), "ballots"),  # 5 ballots collected, 4 issued (EL-45)
        (replaced(["ballots_issued"], -1), "ballots_issued"),
        (replaced(["ballots_issued"], True), "ballots_issued"),
        (replaced(["ballots"], {"kept": []}), "ballots"),
        (replaced(["ballots", 1], ["A"]), "ballots[1]"),
        (replaced(["ballots", 2, "kept"], ["Z"]), "ballots[2].kept[0]"),
        (replaced(["ballots", 2, "kept"], ["A", "A"]), "ballots[2].kept[1]"),
        (replaced(["ballots", 2, "kept"], "A"), "ballots[2].kept"),
        (replaced(["ballots", 2, "kept"], [1]), "ballots[2].kept[0]"),
        (replaced(["ballots", 2, "issued_by_committee"], "yes"), "ballots[2].issued_by_committee"),
        (replaced(["ballots", 2, "issued_by_committee"], None), "ballots[2].issued_by_committee"),
        (replaced(["ballots", 2, "issued_by_committee"], 0), "ballots[2].issued_by_committee"),
    ],
)
def test_el_45_bad_input_exits_2_naming_the_field(document, field):
    """EL-45: bad input exits 2 naming the field."""
    err = bad(document)
    assert f"'{field}'" in err


@pytest.mark.parametrize("text", ["", "[1", "[]", "null", '"x"', '{"seats": NaN}', "{" * 100000])
def test_bad_json_exits_2(text):
    bad(text)


def test_unknown_candidate_in_a_ballot_not_issued_is_still_bad_input():
    err = bad(replaced(["ballots", 0], {"kept": ["Z"], "issued_by_committee": False}))
    assert "ballots[0].kept[0]" in err and "'Z'" in err


# --- the management command -------------------------------------------------------------------

needs_django = pytest.mark.skipif(
    not (ROOT / "manage.py").exists() or not (ROOT / "config" / "settings.py").exists(),
    reason="manage.py or config/settings.py not there yet",
)


def manage(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    python = ROOT / ".venv" / "bin" / "python"
    return subprocess.run(
        [str(python if python.exists() else sys.executable), "manage.py", "election_tally", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=False,
    )


@needs_django
def test_command_reads_stdin_el_35():
    """EL-35: command reads stdin."""
    proc = manage("-", stdin=json.dumps(VALID))
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    result = json.loads(proc.stdout)
    assert list(result) == OUTPUT_KEYS
    assert result["threshold"] == {"roll": 20, "votes_needed": 11}
    bad_proc = manage("-", stdin=json.dumps(replaced(["seats"], 0)))
    assert bad_proc.returncode == 2 and bad_proc.stdout == "" and "'seats'" in bad_proc.stderr


@needs_django
def test_command_reads_a_file(tmp_path):
    path = tmp_path / "round.json"
    path.write_text(json.dumps(VALID, ensure_ascii=False), encoding="utf-8")
    proc = manage(str(path))
    assert proc.returncode == 0 and json.loads(proc.stdout)["ballots"]["collected"] == 5
    missing = manage(str(tmp_path / "missing.json"))
    assert missing.returncode == 2 and missing.stdout == "" and "missing.json" in missing.stderr


# --- audit additions: worked examples and boundaries of the spec -------------------------------


def named(*ids: str) -> list[dict[str, str]]:
    return [{"id": n, "full_name": f"Trần Văn {n}"} for n in ids]


def by_id(result: dict) -> dict[str, dict]:
    return {c["id"]: c for c in result["candidates"]}


def test_el_46_pct_of_valid_rounds_half_up_not_half_even():
    """EL-46: 1/32 = 3.125% -> "3.13" and 31/32 = 96.875% -> "96.88" (Decimal half up, not banker's or float)."""
    ballots = [{"kept": ["A"]}] + [{"kept": ["B"]}] * 31
    result = ok(
        doc({"A": 0, "B": 0}, ballots=ballots, ballots_issued=32, roll={"convened": 32, "deducted": 0})
    )
    assert [c["pct_of_valid"] for c in result["candidates"]] == ["3.13", "96.88"]
    ballots = [{"kept": ["A"]}] + [{"kept": ["B"]}] * 799  # 0.125% -> "0.13"; 99.875% -> "99.88"
    result = ok(doc({"A": 0, "B": 0}, ballots=ballots, ballots_issued=800))
    assert [c["pct_of_valid"] for c in result["candidates"]] == ["0.13", "99.88"]


def test_el_46_pct_of_valid_is_of_valid_ballots_not_collected():
    """EL-34, EL-46: the percentage base is the valid ballots; invalid ones are left out."""
    ballots = [{"kept": ["A"]}] * 3 + [{"kept": ["B"]}] + [{"kept": ["A"], "issued_by_committee": False}] * 4
    result = ok(doc({"A": 0, "B": 0}, ballots=ballots))
    assert result["ballots"] == {"issued": 20, "collected": 8, "valid": 4, "invalid": 4}
    assert [c["pct_of_valid"] for c in result["candidates"]] == ["75.00", "25.00"]


@pytest.mark.parametrize(("agree", "elected"), [(6, True), (5, False)])
def test_el_22_el_31_single_seat_without_surplus_reads_kept_as_agree(agree, elected):
    """EL-22, EL-31, EL-35: one name for one seat; kept [A] = Đồng ý, kept [] = Không đồng ý (both valid)."""
    ballots = [{"kept": ["A"]}] * agree + [{"kept": []}] * (10 - agree)
    result = ok(doc({"A": 0}, ballots=ballots, ballots_issued=10, roll={"convened": 10, "deducted": 0}))
    assert result["ballots"] == {"issued": 10, "collected": 10, "valid": 10, "invalid": 0}
    a = result["candidates"][0]
    assert (a["votes"], a["above_threshold"], a["elected"]) == (agree, elected, elected)
    assert result["elected"] == (["A"] if elected else [])
    assert result["seats_unfilled"] == (0 if elected else 1)
    assert result["list"] == {"seats": 1, "candidates": 1, "surplus": 0, "surplus_ok": False}  # EL-21
    assert {"EL-22", "EL-31"} <= set(result["rules"])


def test_tc_el_08_el_32_el_33_no_surplus_all_disagree_is_valid():
    """TC-EL-08, EL-32, EL-33: S=3, list 3, 10 ballots; one keeps nobody (all Không đồng ý): still valid."""
    ballots = [{"kept": ["A", "B", "C"]}] * 3 + [{"kept": ["A", "C"]}] + [{"kept": ["A", "B", "C"]}] * 4
    ballots += [{"kept": []}, {"kept": ["A", "B", "C"]}]
    result = ok(
        doc(
            seats=3,
            candidates=named("A", "B", "C"),
            ballots=ballots,
            ballots_issued=10,
            roll={"convened": 10, "deducted": 0},
        )
    )
    assert result["ballots"] == {"issued": 10, "collected": 10, "valid": 10, "invalid": 0}
    assert [c["votes"] for c in result["candidates"]] == [9, 8, 9]
    assert {"EL-22", "EL-32", "EL-33"} <= set(result["rules"])


@pytest.mark.parametrize(("deducted", "roll"), [(0, 11), (1, 10)])
@pytest.mark.parametrize(("votes", "elected"), [(5, False), (6, True)])
def test_ex_9_el_35_el_36_adjusted_roll_either_way(deducted, roll, votes, elected):
    """EX-9, EL-35, EL-36: 11 official, 1 absent (approved or not): 5 votes never, 6 always."""
    ballots = [{"kept": ["A"]}] * votes + [{"kept": []}] * (10 - votes)
    result = ok(
        doc({"A": 0}, ballots=ballots, ballots_issued=10, roll={"convened": 11, "deducted": deducted})
    )
    assert result["threshold"] == {"roll": roll, "votes_needed": 6}
    assert result["candidates"][0]["elected"] is elected


@pytest.mark.parametrize(("roll", "needed"), [(486, 244), (485, 243), (0, 1), (1, 1), (2, 2), (3, 2)])
def test_tc_el_02_el_35_votes_needed_is_smallest_majority_of_the_roll(roll, needed):
    """TC-EL-02, EL-35, EL-46: votes_needed = D//2 + 1, from convened - deducted."""
    result = ok(doc(roll={"convened": roll + 7, "deducted": 7}))
    assert result["threshold"] == {"roll": roll, "votes_needed": needed}


def test_el_35_threshold_is_the_roll_not_the_valid_ballots():
    """EL-35: 8 of 9 valid ballots (89%) do not elect when the adjusted roll is 20 (needs 11)."""
    ballots = [{"kept": ["A"]}] * 8 + [{"kept": ["B"]}]
    result = ok(doc({"A": 0, "B": 0}, ballots=ballots))
    assert result["candidates"][0]["pct_of_valid"] == "88.89"
    assert result["candidates"][0]["above_threshold"] is False and result["elected"] == []


def test_ex_8_el_44_el_46_unanimous_candidates_show_100():
    """EX-8, EL-44..EL-46: 486 issued = collected = valid, S=69; 18 names on every ballot show 100.00."""
    ids = [f"K{i:03d}" for i in range(80)]
    always, rest = ids[:18], ids[18:]
    ballots = [{"kept": always + [rest[(b + k) % 62] for k in range(51)]} for b in range(486)]
    result = ok(
        doc(
            seats=69,
            candidates=named(*ids),
            ballots=ballots,
            ballots_issued=486,
            roll={"convened": 486, "deducted": 0},
        )
    )
    assert result["ballots"] == {"issued": 486, "collected": 486, "valid": 486, "invalid": 0}
    rows = by_id(result)
    assert all(rows[c]["votes"] == 486 and rows[c]["pct_of_valid"] == "100.00" for c in always)
    assert result["threshold"] == {"roll": 486, "votes_needed": 244}
    assert result["list"]["surplus_ok"] is True  # 110 <= 207 (EL-15)


def test_tc_el_13_el_42_tie_below_the_threshold_is_not_a_tie_revote():
    """TC-EL-13, EL-35, EL-40, EL-42: A15 B14 C10 D10, S=3, D=20: C and D do not qualify (20 is not
    more than 20), so there is no re-vote: A and B elected, one seat to a further round."""
    kept = [["A", "B", "C"]] * 10 + [["A", "B", "D"]] * 4 + [["A", "D"]] + [["D"]] * 5
    result = ok(doc(seats=3, candidates=named("A", "B", "C", "D"), ballots=surplus_ballots(kept)))
    assert {c["id"]: c["votes"] for c in result["candidates"]} == {"A": 15, "B": 14, "C": 10, "D": 10}
    assert [c["above_threshold"] for c in result["candidates"]] == [True, True, False, False]
    assert result["elected"] == ["A", "B"] and result["tie_revote"] == [] and result["seats_unfilled"] == 1
    assert "EL-42" in result["rules"] and "EL-40" not in result["rules"]


def test_el_40_single_seat_tie_below_the_threshold_elects_nobody():
    """EL-35, EL-40: S=1, A5 B5 with D=10: nobody qualifies, nobody is re-voted."""
    result = ok(doc({"A": 5, "B": 5}, roll={"convened": 10, "deducted": 0}, ballots_issued=10))
    assert result["elected"] == [] and result["tie_revote"] == [] and result["seats_unfilled"] == 1


def test_el_40_single_seat_tie_above_the_threshold_goes_to_revote():
    """EL-40: S=1, D=11, A6 B6 (both qualify, 12 > 11): tie at the only seat, both re-voted, none elected."""
    result = ok(doc({"A": 6, "B": 6}, roll={"convened": 11, "deducted": 0}, ballots_issued=12))
    assert [c["above_threshold"] for c in result["candidates"]] == [True, True]
    assert result["elected"] == [] and result["tie_revote"] == ["A", "B"] and result["seats_unfilled"] == 1
    assert not any(c["elected"] for c in result["candidates"])


def test_el_40_whole_qualifying_group_tied_for_two_seats():
    """EL-40: S=2, A=B=C=6 with D=10: the three are re-voted for both seats; nobody elected yet."""
    kept = [["A", "B"]] * 3 + [["A", "C"]] * 3 + [["B", "C"]] * 3
    result = ok(
        doc(
            seats=2,
            candidates=named("A", "B", "C"),
            ballots=surplus_ballots(kept),
            ballots_issued=10,
            roll={"convened": 10, "deducted": 0},
        )
    )
    assert (
        result["elected"] == [] and result["tie_revote"] == ["A", "B", "C"] and result["seats_unfilled"] == 2
    )


def test_el_39_above_threshold_beyond_the_seats_is_not_elected_nor_revoted():
    """EL-39: S=2, D=20, A15 B13 C12 (all qualify): C is above the threshold but not elected."""
    kept = [["A", "B"]] * 8 + [["A", "C"]] * 5 + [["B", "C"]] * 5 + [["A", "C"]] * 2
    result = ok(doc(seats=2, candidates=named("A", "B", "C"), ballots=surplus_ballots(kept)))
    rows = by_id(result)
    assert {k: v["votes"] for k, v in rows.items()} == {"A": 15, "B": 13, "C": 12}
    assert (rows["C"]["above_threshold"], rows["C"]["elected"]) == (True, False)
    assert result["elected"] == ["A", "B"] and result["tie_revote"] == [] and result["seats_unfilled"] == 0
    assert "EL-39" in result["rules"]


def test_tc_el_12_el_39_tie_above_the_cut_off_is_irrelevant():
    """TC-EL-12, EL-39: S=3, D=20, A15 B15 C12 D9: A, B, C elected, no re-vote."""
    kept = [["A", "B", "C"]] * 12 + [["A", "B", "D"]] * 3 + [["D"]] * 6
    result = ok(
        doc(seats=3, candidates=named("A", "B", "C", "D"), ballots=surplus_ballots(kept), ballots_issued=21)
    )
    assert {c["id"]: c["votes"] for c in result["candidates"]} == {"A": 15, "B": 15, "C": 12, "D": 9}
    assert (
        result["elected"] == ["A", "B", "C"] and result["tie_revote"] == [] and result["seats_unfilled"] == 0
    )


def test_el_39_elected_by_votes_descending_candidates_in_input_order():
    """EL-39: ``elected`` lists winners by votes (announcement order); ``candidates`` keep the input order."""
    result = ok(doc({"A": 0, "B": 14, "C": 0}, ballots_issued=20))
    assert [c["id"] for c in result["candidates"]] == ["A", "B", "C"]
    assert result["elected"] == ["B"]


def test_tc_el_14_el_42_too_few_winners_leaves_seats_unfilled():
    """TC-EL-14, EL-42: S=5, D=20; 15, 12, 10, 10, 9, 3: two elected, three seats unfilled."""
    kept = (
        [["A", "B", "C", "D", "E"]] * 3
        + [["A", "B", "C", "D"]] * 7
        + [["A", "B", "E"]] * 2
        + [["A", "E"]] * 3
        + [["F"]] * 3
        + [["E"]]
    )
    result = ok(doc(seats=5, candidates=named(*"ABCDEF"), ballots=surplus_ballots(kept)))
    assert [c["votes"] for c in result["candidates"]] == [15, 12, 10, 10, 9, 3]
    assert result["elected"] == ["A", "B"] and result["tie_revote"] == [] and result["seats_unfilled"] == 3


def test_every_ballot_invalid_on_a_surplus_list_el_30():
    """EL-30: not issued, more kept than seats, nothing kept: valid 0, every pct 0.00, nobody elected."""
    ballots = [
        {"kept": ["A"], "issued_by_committee": False},
        {"kept": ["A", "B", "C"]},
        {"kept": []},
        {"issued_by_committee": False},
    ]
    result = ok(doc(seats=2, candidates=named("A", "B", "C"), ballots=ballots))
    assert result["ballots"] == {"issued": 20, "collected": 4, "valid": 0, "invalid": 4}
    assert all(c["votes"] == 0 and c["pct_of_valid"] == "0.00" for c in result["candidates"])
    assert not any(c["above_threshold"] for c in result["candidates"])
    assert result["elected"] == [] and result["tie_revote"] == [] and result["seats_unfilled"] == 2


def test_el_45_nothing_issued_nothing_collected_exits_0():
    """EL-45: zero ballots issued and collected is a round to re-run, not bad input."""
    result = ok(doc(ballots_issued=0, ballots=[]))
    assert result["ballots"] == {"issued": 0, "collected": 0, "valid": 0, "invalid": 0}
    assert result["elected"] == [] and result["seats_unfilled"] == 1


def test_el_29_issued_by_committee_defaults_to_true():
    """EL-29: a ballot without ``issued_by_committee`` is a committee ballot; explicit true is the same."""
    ballots = [{"kept": ["A"]}, {"kept": ["A"], "issued_by_committee": True}]
    result = ok(doc({"A": 0, "B": 0}, ballots=ballots))
    assert result["ballots"]["valid"] == 2 and result["candidates"][0]["votes"] == 2


def test_el_2_extra_fields_are_allowed_everywhere():
    """EL-2: unknown fields at every level are ignored."""
    document = doc({"A": 12, "B": 3}, note="x", congress={"id": 7})
    document["roll"]["present"] = 18
    document["candidates"][0]["date_of_birth"] = "1970-01-01"
    document["ballots"][0]["serial"] = 1
    assert ok(document) == ok(doc({"A": 12, "B": 3}))


@pytest.mark.parametrize("rule_set", ["QD244-2014", "QD190-2024"])
@pytest.mark.parametrize(
    ("seats", "count", "surplus_ok"),
    [
        (180, 220, True),  # EX-10: 400 <= 540
        (20, 26, True),  # EX-10: 60 <= 60
        (20, 27, False),  # EX-10: 70 > 60
        (15, 20, False),  # EX-11
        (15, 19, True),  # EX-11
        (5, 6, True),  # EX-12, EL-20
        (5, 7, False),  # EX-12
        (5, 5, False),  # EX-12
        (10, 13, True),  # TC-EL-03
        (10, 14, False),
        (7, 9, True),
        (7, 10, False),
        (6, 7, True),
        (6, 8, False),
        (3, 4, True),  # TC-EL-04
        (3, 3, False),
        (3, 5, False),
        (4, 5, True),
        (2, 3, True),  # EL-21
        (2, 4, False),
        (1, 3, False),
    ],
)
def test_el_2_el_15_el_20_el_21_surplus_same_under_both_rule_sets(rule_set, seats, count, surplus_ok):
    """EL-2 (same arithmetic in QC244 and QC190), EL-15, EL-20, EL-21: the spec's surplus examples."""
    result = ok(doc(rule_set=rule_set, seats=seats, candidates=named(*(f"N{i}" for i in range(count)))))
    assert result["rule_set"] == rule_set
    assert result["list"] == {
        "seats": seats,
        "candidates": count,
        "surplus": count - seats,
        "surplus_ok": surplus_ok,
    }


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        ("2014-06-09", "QD244-2014"),
        ("2024-10-09", "QD244-2014"),
        ("2024-10-10", "QD190-2024"),
        ("2099-12-31", "QD190-2024"),
        ("2020-02-29", "QD244-2014"),
    ],
)
def test_el_2_auto_is_resolved_and_never_printed(day, expected):
    """EL-2, TC-EL-22: "auto" follows the election date; the output never says "auto"."""
    code, out, _ = run(json.dumps(doc(election_date=day, rule_set="auto")))
    assert code == 0 and json.loads(out)["rule_set"] == expected and "auto" not in out
    assert "EL-2" in json.loads(out)["rules"]


def test_el_28_ballot_form_rule_is_listed():
    """EL-22, EL-28: the ballot form that decides how ``kept`` is read is in ``rules``."""
    surplus = ok(doc({"A": 3, "B": 2}))
    assert "EL-28" in surplus["rules"] and "EL-22" not in surplus["rules"]
    no_surplus = ok(doc({"A": 3}))
    assert {"EL-22", "EL-28"} <= set(no_surplus["rules"])


@pytest.mark.parametrize(
    ("document", "field"),
    [
        (replaced(["rule_set"], "AUTO"), "rule_set"),
        (replaced(["rule_set"], ""), "rule_set"),
        (replaced(["rule_set"], "QD190"), "rule_set"),
        (replaced(["election_date"], "2025-13-01"), "election_date"),
        (replaced(["election_date"], None), "election_date"),
        (replaced(["election_date"], "01/03/2025"), "election_date"),
        (replaced(["election_date"], "2025-03-01T00:00:00"), "election_date"),
        (replaced(["roll", "convened"], 1.5), "roll.convened"),
        (replaced(["roll", "convened"], "20"), "roll.convened"),
        (replaced(["roll", "convened"], None), "roll.convened"),
        (replaced(["ballots_issued"], 2.0), "ballots_issued"),
        (replaced(["ballots_issued"], None), "ballots_issued"),
        (replaced(["candidates", 0], "A"), "candidates[0]"),
        (replaced(["candidates", 0, "full_name"], None), "candidates[0].full_name"),
        (replaced(["ballots", 0, "kept"], None), "ballots[0].kept"),
        (replaced(["ballots", 0, "kept"], ["A", "B", "A"]), "ballots[0].kept[2]"),
        (replaced(["ballots", 0], {"kept": ["Z"], "issued_by_committee": False}), "ballots[0].kept[0]"),
        (replaced(["ballots", 0], {"kept": ["A", "A"], "issued_by_committee": False}), "ballots[0].kept[1]"),
    ],
)
def test_el_45_more_bad_input_exits_2_naming_the_field(document, field):
    """EL-45: wrong types, bad dates, unknown rule sets, unknown or repeated kept ids: exit 2."""
    err = bad(document)
    assert f"'{field}'" in err


def test_el_45_more_ballots_than_issued_names_both_fields():
    """EL-45: collected > issued names ``ballots`` and ``ballots_issued`` in both languages."""
    err = bad(replaced(["ballots_issued"], 4))
    assert "'ballots'" in err and "ballots_issued" in err
    assert "nhiều hơn số phiếu phát ra" in err and "more ballots collected (5)" in err


def test_el_36_deducted_above_convened_is_bad_input_but_equal_is_a_zero_roll():
    """EL-36: deducted == convened gives roll 0 (votes_needed 1); deducted > convened is bad input."""
    assert ok(doc(roll={"convened": 5, "deducted": 5}))["threshold"] == {"roll": 0, "votes_needed": 1}
    err = bad(doc(roll={"convened": 5, "deducted": 6}))
    assert "'roll.deducted'" in err


def test_el_30_order_of_ballots_and_of_kept_never_matters():
    """EL-29, EL-30, EL-39, EL-40: shuffling the ballots and the names within ``kept`` changes nothing."""
    rnd = random.Random(5)
    ids = [f"C{i}" for i in range(9)]
    kept = [rnd.sample(ids, rnd.randint(0, 8)) for _ in range(60)]
    ballots = [{"kept": k, "issued_by_committee": rnd.random() > 0.1} for k in kept]
    base = doc(
        seats=7,
        candidates=named(*ids),
        ballots=ballots,
        ballots_issued=60,
        roll={"convened": 60, "deducted": 6},
    )
    expected = ok(base)
    for _ in range(5):
        shuffled = copy.deepcopy(base)
        rnd.shuffle(shuffled["ballots"])
        for b in shuffled["ballots"]:
            rnd.shuffle(b["kept"])
        assert ok(shuffled) == expected


# --- the management command (audit additions) ---------------------------------------------------


@needs_django
def test_command_writes_utf8_whatever_the_locale(tmp_path):
    """The output holds Vietnamese ids: written as UTF-8 even when Python's stdout encoding is ASCII."""
    path = tmp_path / "round.json"
    path.write_text(json.dumps(doc({"Đức": 12, "Ánh": 3}), ensure_ascii=False), encoding="utf-8")
    python = ROOT / ".venv" / "bin" / "python"
    env = {**os.environ, "PYTHONIOENCODING": "ascii"}
    proc = subprocess.run(
        [str(python if python.exists() else sys.executable), "manage.py", "election_tally", str(path)],
        capture_output=True,
        cwd=ROOT,
        timeout=120,
        check=False,
        env=env,
    )
    assert proc.returncode == 0, proc.stderr.decode("utf-8", "replace")
    assert json.loads(proc.stdout.decode("utf-8"))["elected"] == ["Đức"]
    path.write_text("{", encoding="utf-8")
    proc = subprocess.run(
        [str(python if python.exists() else sys.executable), "manage.py", "election_tally", str(path)],
        capture_output=True,
        cwd=ROOT,
        timeout=120,
        check=False,
        env=env,
    )
    assert proc.returncode == 2 and proc.stdout == b""
    assert "Lỗi dữ liệu đầu vào" in proc.stderr.decode("utf-8")


@needs_django
def test_command_through_call_command(tmp_path):
    """call_command: success returns normally with the JSON; bad input raises SystemExit(2), stdout empty."""
    from django.core.management import call_command

    path = tmp_path / "round.json"
    path.write_text(json.dumps(VALID), encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    call_command("election_tally", str(path), stdout=out, stderr=err)
    assert json.loads(out.getvalue())["ballots"]["collected"] == 5 and err.getvalue() == ""
    path.write_text(json.dumps(replaced(["seats"], 0)), encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(SystemExit) as exit_info:
        call_command("election_tally", str(path), stdout=out, stderr=err)
    assert exit_info.value.code == 2 and out.getvalue() == "" and "'seats'" in err.getvalue()


@needs_django
def test_command_bad_utf8_and_directory_exit_2(tmp_path):
    """Non-UTF-8 bytes and a directory instead of a file: exit 2, nothing on stdout."""
    path = tmp_path / "latin1.json"
    path.write_bytes(b'{"x": "\xe9"}')
    for target in (str(path), str(tmp_path)):
        proc = manage(target)
        assert proc.returncode == 2 and proc.stdout == "" and proc.stderr.strip()
