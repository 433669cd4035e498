"""Contract of ``manage.py election_tally`` through ``run(text)``, plus one real command run."""

from __future__ import annotations

import copy
import json
import pathlib
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
