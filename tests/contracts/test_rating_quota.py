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


# ---------------------------------------------------------------------------------------------------
# excellent_max: the largest k <= C with k <= ratio * (G + C - k) (AR-33, AR-34, AR-35)


def brute_max(good: int, c: int, p: int, q: int) -> int:
    """The issue's definition, by search: the most excellent that stay within p/q of the final good."""
    return max(k for k in range(c + 1) if q * k <= p * (good + c - k))


@pytest.mark.parametrize(
    ("good", "c", "k20", "k25"),
    [(0, 0, 0, 0),  # empty group
     (0, 1, 0, 0), (0, 5, 0, 1), (0, 6, 1, 1), (0, 10, 1, 2),  # G = 0: the cut candidates are the good
     (5, 0, 0, 0),  # E = 0
     (4, 1, 0, 1), (5, 1, 1, 1),  # the 20% edge: 5 // 6 = 0, 6 // 6 = 1; 25%: 5 // 5 = 1
     (20, 1, 1, 1), (100, 3, 3, 3),  # E <= max: never above the candidates, nobody moves
     (18, 8, 4, 5), (12, 3, 2, 3), (24, 6, 5, 6), (23, 6, 4, 5)],
)  # fmt: skip
def test_excellent_max_table_through_the_contract_AR_35(good, c, k20, k25):
    """AR-35: `k*(100 + pct) <= pct*(G + C)`, floored, never above C; 25% only by exception (AR-34)."""
    payload = group(good, list(range(100, 100 - c, -1)))
    out = call(payload)[1]
    assert out["excellent_max"] == k20 == brute_max(good, c, 1, 5) == min(c, (good + c) // 6)
    assert len(out["excellent"]) == k20 and len(out["moved_to_good"]) == c - k20
    assert ("AR-36" in out["rules"]) is (c > k20)
    out = call({**payload, "exception_25": True})[1]
    assert out["ratio"] == "0.25" and "AR-34" in out["rules"]
    assert out["excellent_max"] == k25 == brute_max(good, c, 1, 4) == min(c, (good + c) // 5)


def test_T15_final_counts_stay_within_the_ratio_AR_33_AR_35():
    """T15: 4 HTXS and 22 HTT at 20% (`20 <= 22`); 5 would give `25 > 21`."""
    out = call(group(18, [99, 98, 97, 96, 95, 94, 93, 92]))[1]
    e, good_final = len(out["excellent"]), out["good"] + len(out["moved_to_good"])
    assert (e, good_final) == (4, 22) and 5 * e <= good_final and not 5 * (e + 1) <= good_final - 1


def test_exception_ratio_needs_the_flag_and_qd366_AR_34_AR_37():
    """AR-34: 25% only with exception_25 (missing = false) under QD366; AR-37: never under QD124."""
    base = group(15, [99, 98, 97, 96])  # 19 // 6 = 3; 19 // 5 = 3
    assert call({k: v for k, v in base.items() if k != "exception_25"})[1]["ratio"] == "0.20"
    explicit = call({**base, "rule_set": "QD366-2025", "period": "2024", "exception_25": True})[1]
    assert explicit["rule_set"] == "QD366-2025" and explicit["ratio"] == "0.25"  # explicit set taken as given
    for period in ("2023", "2024"):
        out = call({**base, "period": period, "exception_25": True})[1]
        assert out["rule_set"] == "QD124-2023" and out["ratio"] == "0.20"
        assert "AR-37" in out["rules"] and "AR-34" not in out["rules"] and "AR-1" in out["rules"]
    out = call({**base, "rule_set": "QD124-2023", "period": "2026", "exception_25": True})[1]
    assert out["ratio"] == "0.20" and "AR-1" not in out["rules"]


@pytest.mark.parametrize(("period", "rule_set"), [("2023", "QD124-2023"), ("2024", "QD124-2023"),
                                                  ("2025", "QD366-2025"), ("2026", "QD366-2025"),
                                                  ("2099", "QD366-2025")])  # fmt: skip
def test_auto_follows_the_period_AR_1(period, rule_set):
    """AR-1: 2023-2024 -> QD124-2023, 2025 on -> QD366-2025; "auto" is never echoed."""
    out = call({"rule_set": "auto", "period": period, "members": []})[1]
    assert out["rule_set"] == rule_set and out["rules"][0] == "AR-1"


def test_only_good_counts_and_other_levels_are_ignored_AR_35():
    """AR-35: G counts those proposed good; completed / not_completed take no part."""
    payload = group(10, [95, 94, 93])
    payload["members"] += [{"id": f"h{i}", "proposed": p, "score": 60}
                           for i, p in enumerate(["completed", "not_completed"] * 20)]  # fmt: skip
    out = call(payload)[1]
    assert (out["good"], out["excellent_candidates"], out["excellent_max"]) == (10, 3, 2)
    assert not {f"h{i}" for i in range(40)} & set(out["excellent"] + out["moved_to_good"] + out["undecided"])


# ---------------------------------------------------------------------------------------------------
# Ties, missing scores, decimals (AR-36)


def test_all_tied_when_a_cut_is_needed_are_undecided_AR_36():
    """AR-36: 3 tied for 1 slot (G = 3: 6 // 6 = 1): all three go to the authority, none is chosen."""
    out = call(group(3, [90, 90, 90]))[1]
    assert out["excellent_max"] == 1
    assert (out["excellent"], out["moved_to_good"], out["undecided"]) == ([], [], ["c0", "c1", "c2"])


def test_ties_not_across_the_cut_are_settled_AR_36():
    """AR-36: only a tie across the cut line is flagged; ties wholly above or below are not."""
    out = call(group(12, [95, 95, 90]))[1]  # k = 15 // 6 = 2: both 95 kept
    assert (out["excellent"], out["moved_to_good"], out["undecided"]) == (["c0", "c1"], ["c2"], [])
    out = call(group(6, [95, 90, 90]))[1]  # k = 9 // 6 = 1: both 90 cut
    assert (out["excellent"], out["moved_to_good"], out["undecided"]) == (["c0"], ["c1", "c2"], [])
    out = call(group(0, [90, 90]))[1]  # k = 0: nothing to share, both cut
    assert (out["excellent"], out["moved_to_good"], out["undecided"]) == ([], ["c0", "c1"], [])


def test_tie_with_slots_left_for_the_authority_AR_36():
    """AR-36: k = 3 (G = 15), scores 99, 95, 95, 95, 80: 99 kept, the three 95 share 2 slots, 80 cut."""
    out = call(group(15, [99, 95, 95, 95, 80]))[1]
    assert out["excellent_max"] == 3
    assert out["excellent"] == ["c0"] and out["undecided"] == ["c1", "c2", "c3"] and out["moved_to_good"] == ["c4"]


def test_missing_scores_matter_only_when_a_cut_is_needed_AR_36():
    """AR-36: without a cut unscored candidates are excellent (listed last); with a cut they are undecided."""
    out = call(group(30, [None, 91, None]))[1]  # k = 33 // 6 = 5 >= 3
    assert out["excellent"] == ["c1", "c0", "c2"] and out["undecided"] == [] and "AR-36" not in out["rules"]
    out = call(group(10, [None, 95, None]))[1]  # k = 2: the scored one keeps a slot, the unscored share one
    assert out["excellent"] == ["c1"] and out["undecided"] == ["c0", "c2"] and out["moved_to_good"] == []
    out = call(group(3, [None, 95, 80]))[1]  # k = 1: 95 kept, 80 cut, the unscored one undecided
    assert (out["excellent"], out["moved_to_good"], out["undecided"]) == (["c1"], ["c2"], ["c0"])
    out = call(group(0, [None, 95]))[1]  # k = 0: scored cut, unscored still listed for the authority
    assert (out["excellent"], out["moved_to_good"], out["undecided"]) == ([], ["c1"], ["c0"])
    absent = {"period": "2025", "members": [{"id": "a", "proposed": "excellent"},
                                            {"id": "b", "proposed": "excellent", "score": None}]}  # fmt: skip
    assert call(absent)[1]["undecided"] == ["a", "b"]  # absent and null score are the same


def test_float_scores_rank_exactly_AR_36():
    """AR-36: 95.5 outranks 95 and 95.49; 95.5 and 95.50 tie."""
    out = call(group(4, [95, 95.5, 95.49]))[1]  # k = 7 // 6 = 1
    assert out["excellent"] == ["c1"] and out["moved_to_good"] == ["c2", "c0"]  # by score: 95.49, 95
    text = ('{"period": "2025", "members": [' + ", ".join(f'{{"id": "g{i}", "proposed": "good"}}' for i in range(4))
            + ', {"id": "x", "proposed": "excellent", "score": 95.50},'
            ' {"id": "y", "proposed": "excellent", "score": 95.5}, {"id": "z", "proposed": "excellent", "score": 9.55e1}]}')  # fmt: skip
    code, out_text, _ = run(text)
    assert code == 0 and json.loads(out_text)["undecided"] == ["x", "y", "z"]


def test_tiny_exponents_are_cheap_and_exact():
    """A score like 1e-999999999 is above 0 and below 0.1, decided at once (no huge integers)."""
    text = ('{"period": "2025", "members": [{"id": "a", "proposed": "excellent", "score": 1e-999999999},'
            ' {"id": "b", "proposed": "excellent", "score": 0}, {"id": "c", "proposed": "excellent", "score": 0.1},'
            ' ' + ", ".join(f'{{"id": "g{i}", "proposed": "good"}}' for i in range(16)) + "]}")  # fmt: skip
    code, out, _ = run(text)  # k = 19 // 6 = 3: no cut
    assert code == 0 and json.loads(out)["excellent"] == ["c", "a", "b"]
    code, out, _ = run(text.replace('"g15", "proposed": "good"', '"g15", "proposed": "completed"'))
    assert code == 0  # 15 good: k = 18 // 6 = 3, no cut either
    code, out, _ = run(text.replace(', "proposed": "good"', ', "proposed": "completed"'))
    assert code == 0 and json.loads(out)["moved_to_good"] == ["c", "a", "b"]  # k = 0: ranked exactly


# ---------------------------------------------------------------------------------------------------
# Order of the output (AR-36): a function of the members, not of their order


def test_ties_are_listed_by_id_whatever_the_input_order():
    payload = group(3, [90, 90, 90])
    payload["members"].reverse()
    assert call(payload)[1]["undecided"] == ["c0", "c1", "c2"]


@given(st.lists(st.one_of(st.none(), st.integers(0, 20), st.sampled_from([90.5, 95.25, 100])), max_size=14),
       st.integers(0, 30), st.booleans(), st.integers(0, 2**32))  # fmt: skip
@settings(max_examples=150, deadline=None)
def test_property_whole_output_independent_of_input_order_AR_33_AR_35_AR_36(scores, good, exception, seed):
    """The whole output (lists included) is the same for any order of the members; the kept never exceed
    excellent_max, which is the issue's maximum; the candidates are partitioned; kept outrank moved."""
    payload = group(good, scores, exception_25=exception)
    payload["members"] += [{"id": "h", "proposed": "completed", "score": None}]
    code, a, _ = call(payload)
    random.Random(seed).shuffle(payload["members"])
    _, b, _ = call(payload)
    assert code == 0 and a == b
    p, q = (1, 4) if exception else (1, 5)
    assert a["excellent_max"] == brute_max(good, len(scores), p, q)
    lists = a["excellent"] + a["moved_to_good"] + a["undecided"]
    assert sorted(lists) == sorted(f"c{i}" for i in range(len(scores)))
    assert len(a["excellent"]) <= a["excellent_max"]
    if not a["undecided"]:
        assert len(a["excellent"]) == a["excellent_max"]
    score = {f"c{i}": s for i, s in enumerate(scores)}
    if a["excellent"] and a["moved_to_good"]:
        assert min(score[i] for i in a["excellent"]) > max(score[i] for i in a["moved_to_good"])
    for key in ("excellent", "moved_to_good", "undecided"):
        ranked = [(score[i] is None, -(score[i] or 0), i) for i in a[key]]
        assert ranked == sorted(ranked)


# ---------------------------------------------------------------------------------------------------
# Input checks (exit 2, field named, nothing on stdout) and what is accepted


def test_extra_fields_are_allowed():
    payload = {**group(10, [95, 94]), "group": "chi bộ 3", "note": None}
    for m in payload["members"]:
        m["name"] = "Nguyễn Văn A"
    code, out, err = call(payload)
    assert code == 0 and err == "" and list(out) == KEYS


MORE_BAD = [
    ("huge integer", '{"period": "2025", "members": [{"id": "a", "proposed": "good", "score": 1' + "0" * 5000 + "}]}",
     "members[0].score"),
    ("lone surrogate id", '{"period": "2025", "members": [{"id": "\\ud800", "proposed": "good"}]}', "members[0].id"),
    ("blank id", {"period": "2025", "members": [{"id": "  ", "proposed": "good"}]}, "members[0].id"),
    ("proposed null", {"period": "2025", "members": [{"id": "a", "proposed": None}]}, "members[0].proposed"),
    ("proposed missing", {"period": "2025", "members": [{"id": "a"}]}, "members[0].proposed"),
    ("proposed Vietnamese", {"period": "2025", "members": [{"id": "a", "proposed": "HTXS"}]}, "members[0].proposed"),
    ("score of a completed member", {"period": "2025", "members": [{"id": "a", "proposed": "completed",
                                                                    "score": "x"}]}, "members[0].score"),
    ("score infinity", '{"period": "2025", "members": [{"id": "a", "proposed": "excellent", "score": Infinity}]}',
     "(json)"),
    ("period with a space", {"period": "2025 ", "members": []}, "period"),
    ("period full-width digits", {"period": "２０２５", "members": []}, "period"),
    ("period five digits", {"period": "20250", "members": []}, "period"),
    ("period null", {"period": None, "members": []}, "period"),
    ("rule set null", {"rule_set": None, "period": "2025", "members": []}, "rule_set"),
    ("rule set case", {"rule_set": "qd366-2025", "period": "2025", "members": []}, "rule_set"),
    ("exception null", {"period": "2025", "exception_25": None, "members": []}, "exception_25"),
    ("members object", {"period": "2025", "members": {"a": "good"}}, "members"),
    ("member null", {"period": "2025", "members": [None]}, "members[0]"),
    ("duplicate across levels", {"period": "2025", "members": [{"id": "a", "proposed": "good"},
                                                               {"id": "a", "proposed": "excellent"}]}, "members[1].id"),
]  # fmt: skip


@pytest.mark.parametrize(("case", "payload", "field"), MORE_BAD, ids=[b[0] for b in MORE_BAD])
def test_more_bad_input_exit_2_names_the_field(case, payload, field):
    text = payload if isinstance(payload, str) else json.dumps(payload, ensure_ascii=False)
    code, out, err = run(text)
    assert code == 2 and out == ""
    assert f"'{field}'" in err
    assert "Lỗi dữ liệu đầu vào" in err and "Invalid input" in err


def test_stdout_is_one_json_document():
    code, out, err = run(json.dumps(group(18, [99, 98, 97, 96, 95, 94, 93, 92])))
    assert code == 0 and err == "" and out.endswith("\n") and out.count("\n") == 1
    assert isinstance(json.loads(out)["ratio"], str)


@pytest.mark.skipif(not (ROOT / "manage.py").exists() or not (ROOT / "config" / "settings.py").exists(),
                    reason="manage.py or config/settings.py not there yet")  # fmt: skip
def test_command_reads_a_file_and_refuses_a_missing_one(tmp_path):
    python = ROOT / ".venv" / "bin" / "python"
    exe = str(python) if python.exists() else sys.executable
    path = tmp_path / "nhóm.json"
    path.write_text("\ufeff" + json.dumps(group(3, [90, 90, 90]), ensure_ascii=False), encoding="utf-8")
    ok = subprocess.run([exe, "manage.py", "rating_quota", str(path)], cwd=ROOT, capture_output=True, timeout=120)
    assert ok.returncode == 0, ok.stderr.decode()
    assert json.loads(ok.stdout.decode())["undecided"] == ["c0", "c1", "c2"]
    missing = subprocess.run([exe, "manage.py", "rating_quota", str(tmp_path / "none.json")], cwd=ROOT,
                             capture_output=True, timeout=120)  # fmt: skip
    assert missing.returncode == 2 and missing.stdout == b"" and "none.json" in missing.stderr.decode()
