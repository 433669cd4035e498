"""Contract of `manage.py rating_quota` (AR-1, AR-33..AR-37): run() for each exit code, and the command."""

from __future__ import annotations

import json
import pathlib
import random
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from partyorg.contracts.rating_quota import run

ROOT = pathlib.Path(__file__).resolve().parents[2]
KEYS = ["rule_set", "ratio", "good", "excellent_candidates", "excellent_max", "excellent", "moved_to_good",
        "undecided", "rules"]  # fmt: skip


def call(payload: object) -> tuple[int, dict, str]:
    code, out, err = run(json.dumps(payload, ensure_ascii=False))
    return code, (json.loads(out) if out else {}), err


def group(good: int, scores: list[float | int | None], period: str = "2025", **extra: object) -> dict:
    members = [{"id": f"g{i}", "proposed": "good", "score": 80} for i in range(good)]
    members += [{"id": f"c{i}", "proposed": "excellent", "score": s} for i, s in enumerate(scores)]
    return {"rule_set": "auto", "period": period, "exception_25": False, "members": members, **extra}


def test_T15_at_20_and_25_percent_AR_35():
    """T15 (AR-35): 8 candidates, 18 other HTT, 4 HT."""
    payload = group(18, [99, 98, 97, 96, 95, 94, 93, 92])
    payload["members"] += [{"id": f"h{i}", "proposed": "completed", "score": 60} for i in range(4)]
    code, out, err = call(payload)
    assert (code, err) == (0, "")
    assert list(out) == KEYS
    assert out["rule_set"] == "QD366-2025" and out["ratio"] == "0.20"
    assert (out["good"], out["excellent_candidates"], out["excellent_max"]) == (18, 8, 4)
    assert out["excellent"] == ["c0", "c1", "c2", "c3"]
    assert out["moved_to_good"] == ["c4", "c5", "c6", "c7"] and out["undecided"] == []
    assert out["rules"] == ["AR-1", "AR-33", "AR-35", "AR-36"]
    payload["exception_25"] = True
    code, out, _ = call(payload)
    assert out["ratio"] == "0.25" and out["excellent_max"] == 5 and len(out["excellent"]) == 5
    assert "AR-34" in out["rules"]


def test_T26_qd124_exception_rejected_AR_37():
    """T26 (AR-37): QD124 2024, 12 other HTT, 3 candidates, 25% decision recorded -> 2 HTXS at 20%."""
    code, out, _ = call(group(12, [95, 94, 93], period="2024", exception_25=True))
    assert code == 0 and out["rule_set"] == "QD124-2023" and out["ratio"] == "0.20"
    assert out["excellent_max"] == 2 and out["excellent"] == ["c0", "c1"] and out["moved_to_good"] == ["c2"]
    assert "AR-37" in out["rules"] and "AR-34" not in out["rules"]


def test_no_cut_needed_everyone_excellent_AR_33():
    code, out, _ = call(group(10, [91, None]))
    assert out["excellent_max"] == 2 and out["excellent"] == ["c0", "c1"]
    assert out["moved_to_good"] == [] and out["undecided"] == [] and "AR-36" not in out["rules"]


def test_tie_at_cut_off_is_undecided_AR_36():
    code, out, _ = call(group(10, [93, 95, 93, 90]))  # k = 14 // 6 = 2
    assert out["excellent"] == ["c1"] and out["undecided"] == ["c0", "c2"] and out["moved_to_good"] == ["c3"]


def test_unscored_candidates_undecided_when_cut_AR_36():
    code, out, _ = call(group(10, [None, 92.5, 91, None]))  # k = 2: scored first
    assert out["excellent"] == ["c1", "c2"] and out["undecided"] == ["c0", "c3"] and out["moved_to_good"] == []


def test_decimal_scores_compared_exactly():
    code, out, _ = call(group(4, [90.1, 90.10000000000001]))  # k = 1
    assert out["excellent"] == ["c1"] and out["moved_to_good"] == ["c0"]
    goods = ", ".join(f'{{"id": "g{i}", "proposed": "good", "score": null}}' for i in range(4))
    text = (f'{{"period": "2025", "members": [{goods}, {{"id": "a", "proposed": "excellent", "score": 90.10}}, '
            '{"id": "b", "proposed": "excellent", "score": 90.1}]}')  # fmt: skip
    code, out, _ = run(text)
    assert json.loads(out)["undecided"] == ["a", "b"]  # 90.10 == 90.1: a tie at the cut (k = 1)


def test_quota_edge_one_more_good_opens_a_slot_AR_35():
    assert call(group(5, [95, 94]))[1]["excellent_max"] == 1  # 7 // 6
    assert call(group(4, [95, 94]))[1]["excellent_max"] == 1  # 6 // 6
    assert call(group(3, [95, 94]))[1]["excellent_max"] == 0  # 5 // 6
    assert call(group(10, [95, 94]))[1]["excellent_max"] == 2  # 12 // 6
    assert call(group(9, [95, 94]))[1]["excellent_max"] == 1  # 11 // 6


def test_explicit_rule_set_and_defaults():
    code, out, _ = run(json.dumps({"rule_set": "QD124-2023", "period": "2025", "members": []}))
    assert code == 0 and json.loads(out)["rule_set"] == "QD124-2023" and "AR-1" not in json.loads(out)["rules"]
    code, out, _ = run('{"period": "2023", "members": [{"id": "x", "proposed": "excellent"}]}')
    # no slot (k = 0), and an unscored candidate is never ranked: the competent level decides
    assert code == 0 and json.loads(out)["rule_set"] == "QD124-2023" and json.loads(out)["undecided"] == ["x"]


def test_vietnamese_ids_kept_unescaped():
    code, out, _ = run(json.dumps({"period": "2025", "members": [{"id": "Nguyễn Văn Á", "proposed": "excellent",
                                                                 "score": 95}]}))  # fmt: skip
    assert code == 0 and "Nguyễn Văn Á" in out


BAD = [
    ("not json", "{", "(json)"),
    ("not an object", "[]", "(root)"),
    ("NaN", '{"period": "2025", "members": [{"id": "a", "proposed": "good", "score": NaN}]}', "(json)"),
    ("rule set", {"rule_set": "QD132-2018", "period": "2020", "members": []}, "rule_set"),
    ("auto before 2023", {"rule_set": "auto", "period": "2022", "members": []}, "period"),
    ("period digits", {"period": "25", "members": []}, "period"),
    ("period number", {"period": 2025, "members": []}, "period"),
    ("period missing", {"members": []}, "period"),
    ("exception not bool", {"period": "2025", "exception_25": "yes", "members": []}, "exception_25"),
    ("exception int", {"period": "2025", "exception_25": 1, "members": []}, "exception_25"),
    ("members missing", {"period": "2025"}, "members"),
    ("member not object", {"period": "2025", "members": ["a"]}, "members[0]"),
    ("id missing", {"period": "2025", "members": [{"proposed": "good"}]}, "members[0].id"),
    ("id number", {"period": "2025", "members": [{"id": 7, "proposed": "good"}]}, "members[0].id"),
    ("duplicate id", {"period": "2025", "members": [{"id": "a", "proposed": "good"},
                                                    {"id": "a", "proposed": "good"}]}, "members[1].id"),
    ("unknown proposed", {"period": "2025", "members": [{"id": "a", "proposed": "great"}]}, "members[0].proposed"),
    ("score bool", {"period": "2025", "members": [{"id": "a", "proposed": "good", "score": True}]},
     "members[0].score"),
    ("score string", {"period": "2025", "members": [{"id": "a", "proposed": "good", "score": "90"}]},
     "members[0].score"),
    ("score negative", {"period": "2025", "members": [{"id": "a", "proposed": "good", "score": -1}]},
     "members[0].score"),
    ("score above 100", {"period": "2025", "members": [{"id": "a", "proposed": "good", "score": 100.5}]},
     "members[0].score"),
]  # fmt: skip


@pytest.mark.parametrize(("case", "payload", "field"), BAD, ids=[b[0] for b in BAD])
def test_bad_input_exit_2_names_the_field(case, payload, field):
    text = payload if isinstance(payload, str) else json.dumps(payload)
    code, out, err = run(text)
    assert code == 2 and out == ""
    assert f"'{field}'" in err
    assert "Lỗi dữ liệu đầu vào" in err and "Invalid input" in err


def test_boundary_scores_accepted():
    code, out, _ = call(group(0, [0, 100]))
    assert code == 0


@given(st.lists(st.one_of(st.none(), st.integers(0, 100)), max_size=15), st.integers(0, 40), st.booleans(),
       st.integers(0, 2**32))  # fmt: skip
@settings(max_examples=150, deadline=None)
def test_property_results_independent_of_input_order_AR_36(scores, good, exception, seed):
    payload = group(good, scores, exception_25=exception)
    code, a, _ = call(payload)
    random.Random(seed).shuffle(payload["members"])
    _, b, _ = call(payload)
    assert code == 0
    for key in ("excellent", "moved_to_good", "undecided"):
        assert set(a[key]) == set(b[key])
    assert a["excellent_max"] == b["excellent_max"]
    p, q = (1, 4) if exception else (1, 5)
    e = len(a["excellent"])
    assert q * e <= p * (good + len(scores) - e)


@pytest.mark.skipif(not (ROOT / "manage.py").exists() or not (ROOT / "config" / "settings.py").exists(),
                    reason="manage.py or config/settings.py not there yet")  # fmt: skip
def test_command_reads_stdin_and_exits_with_run_code():
    python = ROOT / ".venv" / "bin" / "python"
    exe = str(python) if python.exists() else sys.executable
    text = json.dumps(group(18, [99, 98, 97, 96, 95, 94, 93, 92]), ensure_ascii=False)
    ok = subprocess.run([exe, "manage.py", "rating_quota", "-"], input=text.encode(), cwd=ROOT,
                        capture_output=True, timeout=120)  # fmt: skip
    assert ok.returncode == 0, ok.stderr.decode()
    assert json.loads(ok.stdout.decode())["excellent_max"] == 4
    bad = subprocess.run([exe, "manage.py", "rating_quota", "-"], input=b'{"period": "x", "members": []}',
                         cwd=ROOT, capture_output=True, timeout=120)  # fmt: skip
    assert bad.returncode == 2 and bad.stdout == b""
    assert "'period'" in bad.stderr.decode()
