"""Contract of ``manage.py confidence_tally``: ``run(text) -> (exit, stdout, stderr)`` and the real command.

Rules: CV-2, CV-3, CV-17, CV-18, CV-27..CV-34, CV-36, CV-37, CV-39, CV-40 (see the contract's docstring).
"""

from __future__ import annotations

import io
import json
import pathlib
import subprocess
import sys
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from partyorg.contracts.confidence_tally import run, run_source

ROOT = pathlib.Path(__file__).resolve().parents[2]


def doc(**overrides: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "vote_date": "2024-11-20",
        "rule_set": "auto",
        "convened": 50,
        "present": 48,
        "ballots_issued": 48,
        "ballots_collected": 48,
        "subjects": [
            {"id": "a", "full_name": "Nguyễn Văn An", "position": "Bí thư", "high": 40, "confidence": 8, "low": 0},
            {"id": "b", "full_name": "Trần Thị Bình", "position": "Phó Bí thư", "high": 10, "confidence": 14,
             "low": 24},
            {"id": "c", "full_name": "Lê Văn Cường", "position": "Ủy viên", "high": 5, "confidence": 10, "low": 25},
        ],
    }
    base.update(overrides)
    return base


def subject(sid: str, high: int, confidence: int, low: int) -> dict[str, Any]:
    return {"id": sid, "full_name": f"Người {sid}", "position": "Chức vụ", "high": high, "confidence": confidence,
            "low": low}


def ok(payload: dict[str, Any], expected_code: int = 0) -> dict[str, Any]:
    code, out, err = run(json.dumps(payload, ensure_ascii=False))
    assert (code, err) == (expected_code, ""), err
    return json.loads(out)


def bad(payload: Any) -> str:
    text = payload if isinstance(payload, str) else json.dumps(payload, ensure_ascii=False)
    code, out, err = run(text)
    assert code == 2
    assert out == ""
    assert "không hợp lệ" in err and "Invalid input" in err  # Vietnamese and English
    return err


# --------------------------------------------------------------------------------------------------
# Shape
# --------------------------------------------------------------------------------------------------


def test_output_shape_and_key_order():
    result = ok(doc())
    assert list(result)[:4] == ["rule_set", "quorum", "ballots", "subjects"]
    assert list(result["quorum"])[:4] == ["convened", "present", "required", "met"]
    assert list(result["ballots"]) == ["issued", "collected"]
    assert list(result["subjects"][0])[:11] == ["id", "high", "confidence", "low", "invalid", "high_pct",
                                                "confidence_pct", "low_pct", "band", "consequences", "rules"]
    assert result["ballots"] == {"issued": 48, "collected": 48}
    assert [s["id"] for s in result["subjects"]] == ["a", "b", "c"]


def test_output_keeps_vietnamese_text_unescaped():
    code, out, _ = run(json.dumps(doc()))
    assert code == 0
    assert "Nguyễn Văn An" in out and "\\u" not in out


def test_subject_rows_cv27_cv32_cv34_cv36():
    """QD96 (auto, 2024): % over ballots collected, rounded half up; bands and consequences (CV-36)."""
    a, b, c = ok(doc())["subjects"]
    assert (a["invalid"], a["high_pct"], a["confidence_pct"], a["low_pct"], a["band"], a["consequences"]) == (
        0, "83.33", "16.67", "0.00", "none", [])
    assert (b["invalid"], b["low_pct"], b["band"], b["consequences"]) == (0, "50.00", "none", [])
    assert (c["invalid"], c["high_pct"], c["low_pct"], c["band"]) == (8, "10.42", "52.08", "over_half_low")
    assert c["consequences"] == ["remove_from_planning_higher_posts",
                                 "consider_relief_reassignment_resignation_or_no_confidence_vote"]
    for rule in ("CV-2", "CV-17", "CV-27", "CV-31", "CV-32", "CV-34", "CV-36"):
        assert rule in c["rules"]


def test_ex1_through_the_contract_cv28_cv40():
    """EX-1: NQ96/2023, N = 47, 19/2/25 → 40.43 / 4.26 / 53.19, over half, may resign else vote."""
    payload = doc(vote_date="2023-12-13", rule_set="NQ96-2023-QH15", convened=50, present=47, ballots_issued=47,
                  ballots_collected=47, subjects=[subject("vp", 19, 2, 25)])
    result = ok(payload)
    row = result["subjects"][0]
    assert result["rule_set"] == "NQ96-2023-QH15"
    assert (row["invalid"], row["high_pct"], row["confidence_pct"], row["low_pct"]) == (1, "40.43", "4.26", "53.19")
    assert row["band"] == "over_half_low"
    assert row["consequences"] == ["may_resign_else_no_confidence_vote"]
    assert "CV-3" in row["rules"] and "CV-40" in row["rules"]


@pytest.mark.parametrize(
    ("rule_set", "vote_date", "low", "band", "consequences"),
    [
        pytest.param("QD96-2023", "2024-01-10", 32, "two_thirds_low", ["relieve_from_post_assign_lower_work"],
                     id="CV-37-QD96-exactly-two-thirds"),
        pytest.param("QD96-2023", "2024-01-10", 31, "over_half_low",
                     ["remove_from_planning_higher_posts",
                      "consider_relief_reassignment_resignation_or_no_confidence_vote"],
                     id="CV-36-QD96-one-below-two-thirds"),
        pytest.param("QD96-2023", "2024-01-10", 24, "none", [], id="CV-34-QD96-exactly-half"),
        pytest.param("QD96-2023", "2024-01-10", 25, "over_half_low",
                     ["remove_from_planning_higher_posts",
                      "consider_relief_reassignment_resignation_or_no_confidence_vote"], id="CV-34-QD96-one-above-half"),
        pytest.param("QD262-2014", "2020-06-01", 32, "two_thirds_low", ["consider_planning_removal"],
                     id="CV-39-QD262-two-thirds-only-consideration"),
        pytest.param("QD262-2014", "2020-06-01", 25, "over_half_low", ["consider_planning_removal"],
                     id="CV-39-QD262-over-half"),
        pytest.param("QD262-2014", "2020-06-01", 24, "none", [], id="CV-39-QD262-half"),
        pytest.param("NQ96-2023-QH15", "2024-05-01", 32, "two_thirds_low", ["introducing_body_submits_dismissal"],
                     id="CV-40-NQ96-two-thirds"),
        pytest.param("NQ96-2023-QH15", "2024-05-01", 25, "over_half_low", ["may_resign_else_no_confidence_vote"],
                     id="CV-40-NQ96-over-half"),
    ],
)
def test_bands_and_consequences_per_rule_set(rule_set, vote_date, low, band, consequences):
    payload = doc(rule_set=rule_set, vote_date=vote_date, subjects=[subject("x", 48 - low, 0, low)])
    row = ok(payload)["subjects"][0]
    assert row["band"] == band
    assert row["consequences"] == consequences


def test_tc_cv_07_rounded_display_does_not_decide_band_cv32():
    payload = doc(convened=20000, present=20000, ballots_issued=20000, ballots_collected=20000,
                  subjects=[subject("x", 6667, 0, 13333)])
    row = ok(payload)["subjects"][0]
    assert (row["low_pct"], row["band"]) == ("66.67", "over_half_low")


def test_percent_half_up_cv32():
    payload = doc(convened=800, present=800, ballots_issued=800, ballots_collected=800,
                  subjects=[subject("x", 799, 0, 1)])
    row = ok(payload)["subjects"][0]
    assert (row["high_pct"], row["low_pct"]) == ("99.88", "0.13")


def test_valid_less_than_collected_divides_by_collected_tc_cv_10():
    """TC-CV-10, CV-27: N = 50, valid_p 48, L = 25 → 50.00 and NONE."""
    payload = doc(convened=50, present=50, ballots_issued=50, ballots_collected=50, subjects=[subject("x", 23, 0, 25)])
    row = ok(payload)["subjects"][0]
    assert (row["invalid"], row["low_pct"], row["band"]) == (2, "50.00", "none")


# --------------------------------------------------------------------------------------------------
# Rule set choice (CV-2, CV-3)
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("vote_date", "expected"),
    [
        pytest.param("2023-02-01", "QD262-2014", id="TC-CV-16-CV-2-auto-before"),
        pytest.param("2023-02-02", "QD96-2023", id="TC-CV-16-CV-2-auto-on-the-day"),
        pytest.param("2015-01-01", "QD262-2014", id="CV-2-auto-2015"),
        pytest.param("2023-07-01", "QD96-2023", id="CV-3-auto-never-picks-NQ96"),
    ],
)
def test_auto_rule_set(vote_date, expected):
    result = ok(doc(vote_date=vote_date))
    assert result["rule_set"] == expected
    assert result["rule_set_selection"] == "auto"
    assert "auto" not in json.dumps(result["subjects"])


def test_explicit_rule_set_outside_its_period_is_honoured_with_a_warning_cv2():
    result = ok(doc(vote_date="2022-05-01", rule_set="QD96-2023"))
    assert result["rule_set"] == "QD96-2023"
    assert [w["code"] for w in result["warnings"]] == ["rule_set_outside_period"]
    assert ok(doc(vote_date="2024-05-01", rule_set="QD96-2023"))["warnings"] == []


# --------------------------------------------------------------------------------------------------
# Quorum (CV-17, CV-18) and exit status 3
# --------------------------------------------------------------------------------------------------


def test_ex7_quorum_blocks_with_exit_3_cv17():
    payload = doc(convened=47, present=31, ballots_issued=31, ballots_collected=31,
                  subjects=[subject("x", 0, 0, 31), subject("y", 31, 0, 0)])
    result = ok(payload, expected_code=3)
    assert result["quorum"] == {"convened": 47, "present": 31, "required": 32, "met": False, "mode": "blocking",
                                "two_thirds_present": False}
    assert all(s["band"] is None and s["consequences"] == [] for s in result["subjects"])
    assert result["subjects"][0]["low_pct"] == "100.00"  # the record stays
    assert "CV-17" in result["subjects"][0]["rules"]
    payload["present"] = 32
    result = ok(payload)
    assert result["quorum"]["met"] is True and result["subjects"][0]["band"] == "two_thirds_low"


@pytest.mark.parametrize(
    ("convened", "present", "code"),
    [
        pytest.param(30, 20, 0, id="TC-CV-08-CV-17-30-20"),
        pytest.param(30, 19, 3, id="TC-CV-08-CV-17-30-19"),
        pytest.param(31, 21, 0, id="TC-CV-08-CV-17-31-21"),
        pytest.param(31, 20, 3, id="TC-CV-08-CV-17-31-20"),
        pytest.param(0, 0, 0, id="CV-17-nobody-convened"),
    ],
)
def test_quorum_table(convened, present, code):
    payload = doc(convened=convened, present=present, ballots_issued=present, ballots_collected=present,
                  subjects=[subject("x", present, 0, 0)])
    result = ok(payload, expected_code=code)
    assert result["quorum"]["required"] == -(-2 * convened // 3)
    assert result["quorum"]["met"] is (code == 0)


def test_qd262_quorum_blocks_cv18():
    payload = doc(vote_date="2020-01-01", convened=47, present=31, ballots_issued=31, ballots_collected=31,
                  subjects=[subject("x", 31, 0, 0)])
    assert ok(payload, expected_code=3)["rule_set"] == "QD262-2014"


def test_nq96_records_attendance_only_cv18():
    payload = doc(rule_set="NQ96-2023-QH15", convened=47, present=31, ballots_issued=31, ballots_collected=31,
                  subjects=[subject("x", 0, 0, 31)])
    result = ok(payload)
    assert result["quorum"] == {"convened": 47, "present": 31, "required": 32, "met": True, "mode": "record_only",
                                "two_thirds_present": False}
    assert result["subjects"][0]["band"] == "two_thirds_low"


# --------------------------------------------------------------------------------------------------
# Nothing collected (CV-33)
# --------------------------------------------------------------------------------------------------


def test_zero_collected_has_null_percentages_and_band_tc_cv_09():
    payload = doc(ballots_issued=0, ballots_collected=0, subjects=[subject("x", 0, 0, 0)])
    result = ok(payload)
    row = result["subjects"][0]
    assert [row[k] for k in ("high_pct", "confidence_pct", "low_pct", "band")] == [None, None, None, None]
    assert row["consequences"] == [] and row["invalid"] == 0
    assert "CV-33" in row["rules"]
    assert result["countable"] is False


def test_zero_collected_without_quorum_is_void_cv33():
    payload = doc(convened=10, present=0, ballots_issued=0, ballots_collected=0, subjects=[subject("x", 0, 0, 0)])
    assert ok(payload, expected_code=3)["subjects"][0]["band"] is None


def test_no_subjects_is_valid():
    assert ok(doc(subjects=[]))["subjects"] == []


# --------------------------------------------------------------------------------------------------
# Bad input (exit 2)
# --------------------------------------------------------------------------------------------------


def _without(key: str) -> dict[str, Any]:
    payload = doc()
    del payload[key]
    return payload


def _subject_patch(index: int, **changes: Any) -> dict[str, Any]:
    payload = doc()
    payload["subjects"][index] = {**payload["subjects"][index], **changes}
    return payload


def _subject_without(index: int, key: str) -> dict[str, Any]:
    payload = doc()
    del payload["subjects"][index][key]
    return payload


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        pytest.param("{", "$", id="invalid-json"),
        pytest.param("", "$", id="empty-input"),
        pytest.param("[]", "$", id="not-an-object"),
        pytest.param('{"vote_date": NaN}', "$", id="nan"),
        pytest.param(_without("vote_date"), "vote_date", id="missing-vote-date"),
        pytest.param(_without("subjects"), "subjects", id="missing-subjects"),
        pytest.param(_without("ballots_collected"), "ballots_collected", id="missing-collected"),
        pytest.param(doc(vote_date="2023-2-1"), "vote_date", id="date-format"),
        pytest.param(doc(vote_date="2023-02-30"), "vote_date", id="date-impossible"),
        pytest.param(doc(vote_date="20230201"), "vote_date", id="date-compact"),
        pytest.param(doc(vote_date=20230201), "vote_date", id="date-number"),
        pytest.param(doc(rule_set="NQ85-2014"), "rule_set", id="rule-set-replay-not-in-contract"),
        pytest.param(doc(rule_set="qd96-2023"), "rule_set", id="rule-set-case"),
        pytest.param(doc(rule_set=None), "rule_set", id="rule-set-null"),
        pytest.param(doc(convened=True), "convened", id="bool-is-not-int"),
        pytest.param(doc(present=48.0), "present", id="float-is-not-int"),
        pytest.param(doc(ballots_issued="48"), "ballots_issued", id="string-is-not-int"),
        pytest.param(doc(convened=-1), "convened", id="negative"),
        pytest.param(json.dumps(doc()).replace('"convened": 50', '"convened": 1e400'), "convened", id="huge-float"),
        pytest.param(doc(present=51), "present", id="CV-31-present-gt-convened"),
        pytest.param(doc(ballots_issued=49), "ballots_issued", id="CV-31-issued-gt-present"),
        pytest.param(doc(ballots_issued=47), "ballots_collected", id="TC-CV-24-CV-31-collected-gt-issued"),
        pytest.param(doc(subjects={}), "subjects", id="subjects-not-array"),
        pytest.param(doc(subjects=[1]), "subjects[0]", id="subject-not-object"),
        pytest.param(_subject_patch(1, id="a"), "subjects[1].id", id="duplicate-id"),
        pytest.param(_subject_patch(0, id=""), "subjects[0].id", id="empty-id"),
        pytest.param(_subject_patch(0, id=7), "subjects[0].id", id="id-number"),
        pytest.param(_subject_without(2, "full_name"), "subjects[2].full_name", id="missing-full-name"),
        pytest.param(_subject_patch(1, position=None), "subjects[1].position", id="position-null"),
        pytest.param(_subject_patch(2, low=34), "subjects[2].low", id="CV-31-marks-gt-collected-low"),
        pytest.param(_subject_patch(0, high=49), "subjects[0].high", id="CV-31-high-gt-collected"),
        pytest.param(_subject_patch(0, confidence=9), "subjects[0].confidence", id="CV-31-confidence-overflow"),
        pytest.param(_subject_patch(0, low=-1), "subjects[0].low", id="negative-low"),
        pytest.param(_subject_patch(0, high=False), "subjects[0].high", id="bool-high"),
        pytest.param('{"vote_date": "2024-01-01", "vote_date": "2024-01-02"}', "vote_date", id="duplicate-key"),
    ],
)
def test_bad_input_names_the_field(payload, field):
    err = bad(payload)
    assert f"{field}:" in err


def test_bad_input_reports_every_problem():
    payload = doc(convened=True, vote_date="x")
    payload["subjects"][1]["low"] = "many"
    err = bad(payload)
    for field in ("vote_date", "convened", "subjects[1].low"):
        assert f"{field}:" in err


def test_bad_input_message_is_bilingual():
    err = bad(_subject_patch(2, low=34))
    assert "lớn hơn số phiếu thu về" in err and "More marks than ballots collected" in err


# --------------------------------------------------------------------------------------------------
# Reading the source (file, stdin)
# --------------------------------------------------------------------------------------------------


def test_run_source_reads_a_file_and_stdin(tmp_path):
    path = tmp_path / "vote.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(doc(), ensure_ascii=False).encode("utf-8"))
    code, out, err = run_source(str(path), io.BytesIO(b""))
    assert (code, err) == (0, "") and json.loads(out)["rule_set"] == "QD96-2023"
    code, out, _ = run_source("-", io.BytesIO(json.dumps(doc()).encode()))
    assert code == 0 and json.loads(out)["subjects"]


def test_run_source_missing_file_and_bad_bytes(tmp_path):
    code, out, err = run_source(str(tmp_path / "nope.json"), io.BytesIO(b""))
    assert (code, out) == (2, "") and "Không tìm thấy tệp" in err and "File not found" in err
    code, out, err = run_source("-", io.BytesIO(b"\xff\xfe{"))
    assert (code, out) == (2, "") and "UTF-8" in err
    code, out, err = run_source(str(tmp_path), io.BytesIO(b""))
    assert (code, out) == (2, "")


# --------------------------------------------------------------------------------------------------
# Property: any consistent input gives a coherent document
# --------------------------------------------------------------------------------------------------


@st.composite
def valid_documents(draw):
    convened = draw(st.integers(0, 200))
    present = draw(st.integers(0, convened))
    issued = draw(st.integers(0, present))
    collected = draw(st.integers(0, issued))
    subjects = []
    for i in range(draw(st.integers(0, 4))):
        high = draw(st.integers(0, collected))
        confidence = draw(st.integers(0, collected - high))
        low = draw(st.integers(0, collected - high - confidence))
        subjects.append(subject(f"s{i}", high, confidence, low))
    return doc(convened=convened, present=present, ballots_issued=issued, ballots_collected=collected,
               subjects=subjects, rule_set=draw(st.sampled_from(["auto", "QD262-2014", "QD96-2023", "NQ96-2023-QH15"])),
               vote_date=draw(st.sampled_from(["2020-03-01", "2023-02-01", "2023-02-02", "2025-09-09"])))


@settings(max_examples=80, deadline=None)
@given(valid_documents())
def test_valid_documents_cv17_cv31_cv32_cv34(payload):
    code, out, err = run(json.dumps(payload))
    assert err == "" and code in (0, 3)
    result = json.loads(out)
    assert result["rule_set"] != "auto"
    assert (code == 3) is (result["quorum"]["met"] is False)
    n = payload["ballots_collected"]
    for given_row, row in zip(payload["subjects"], result["subjects"], strict=True):
        assert row["invalid"] == n - given_row["high"] - given_row["confidence"] - given_row["low"] >= 0
        if code == 3 or n == 0:
            assert row["band"] is None and row["consequences"] == []
        else:
            low = row["low"]
            expected = "two_thirds_low" if 3 * low >= 2 * n else ("over_half_low" if 2 * low > n else "none")
            assert row["band"] == expected
        for key in ("high_pct", "confidence_pct", "low_pct"):
            if n == 0:
                assert row[key] is None
            else:
                whole, dec = row[key].split(".")
                assert len(dec) == 2 and 0 <= float(row[key]) <= 100


# --------------------------------------------------------------------------------------------------
# The real command
# --------------------------------------------------------------------------------------------------

needs_project = pytest.mark.skipif(
    not (ROOT / "manage.py").exists() or not (ROOT / "config" / "settings.py").exists(),
    reason="manage.py or config/settings.py not there yet",
)


def _command(args: list[str], stdin: str = "") -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "manage.py", "confidence_tally", *args], cwd=ROOT,
                          input=stdin.encode("utf-8"), capture_output=True, timeout=120)


@needs_project
def test_command_reads_stdin_cv17_cv34():
    proc = _command(["-"], json.dumps(doc(), ensure_ascii=False))
    assert proc.returncode == 0, proc.stderr.decode()
    result = json.loads(proc.stdout.decode("utf-8"))
    assert result["subjects"][2]["band"] == "over_half_low"
    assert "Nguyễn Văn An" in proc.stdout.decode("utf-8")

    void = doc(convened=47, present=31, ballots_issued=31, ballots_collected=31, subjects=[subject("x", 31, 0, 0)])
    proc = _command(["-"], json.dumps(void))
    assert proc.returncode == 3 and json.loads(proc.stdout)["quorum"]["met"] is False


@needs_project
def test_command_bad_input_and_missing_file(tmp_path):
    proc = _command(["-"], json.dumps(_subject_patch(2, low=34)))
    assert proc.returncode == 2 and proc.stdout == b""
    assert "subjects[2].low" in proc.stderr.decode("utf-8")
    proc = _command([str(tmp_path / "missing.json")])
    assert proc.returncode == 2 and proc.stdout == b""
    assert "File not found" in proc.stderr.decode("utf-8")
    path = tmp_path / "vote.json"
    path.write_text(json.dumps(doc()), encoding="utf-8")
    assert _command([str(path)]).returncode == 0


# --------------------------------------------------------------------------------------------------
# Audit additions: boundaries, rounding, rule-set dates, bad input, the command's streams
# --------------------------------------------------------------------------------------------------


def _n(n: int, *subjects: dict[str, Any], **overrides: Any) -> dict[str, Any]:
    """A document where everybody convened is present and every ballot is issued and collected."""
    return doc(convened=n, present=n, ballots_issued=n, ballots_collected=n, subjects=list(subjects), **overrides)


@pytest.mark.parametrize(
    ("n", "count", "pct"),
    [
        pytest.param(800, 1, "0.13", id="CV-32-0.125-up"),
        pytest.param(800, 7, "0.88", id="CV-32-0.875-up"),
        pytest.param(1600, 3, "0.19", id="CV-32-0.1875"),
        pytest.param(1600, 5, "0.31", id="CV-32-0.3125"),
        pytest.param(32, 1, "3.13", id="CV-32-3.125-up"),
        pytest.param(32, 3, "9.38", id="CV-32-9.375-up"),
        pytest.param(8000, 1, "0.01", id="CV-32-0.0125-down"),
        pytest.param(400, 1, "0.25", id="CV-32-exact"),
        pytest.param(3, 1, "33.33", id="CV-32-third"),
        pytest.param(3, 2, "66.67", id="CV-32-two-thirds"),
        pytest.param(6, 1, "16.67", id="CV-32-sixth"),
        pytest.param(7, 7, "100.00", id="CV-32-all"),
        pytest.param(7, 0, "0.00", id="CV-32-none"),
        pytest.param(200000, 1, "0.00", id="CV-32-0.0005-down"),
        pytest.param(40000, 1, "0.00", id="CV-32-0.0025-down"),
        pytest.param(20000, 1, "0.01", id="CV-32-0.005-half-up"),
    ],
)
def test_percentages_round_half_up_on_ballots_collected_cv27_cv32(n, count, pct):
    """CV-32: round_half_up(100*count/N, 2) — x.xx5 goes up (float formatting would give 0.12 for 0.125)."""
    for key, marks in (("high_pct", (count, 0, 0)), ("confidence_pct", (0, count, 0)), ("low_pct", (0, 0, count))):
        row = ok(_n(n, subject("x", *marks)))["subjects"][0]
        assert row[key] == pct


@pytest.mark.parametrize("rule_set", ["QD96-2023", "QD262-2014", "NQ96-2023-QH15"])
@pytest.mark.parametrize(
    ("n", "low", "band"),
    [
        pytest.param(48, 24, "none", id="TC-CV-01-half-even"),
        pytest.param(48, 25, "over_half_low", id="TC-CV-02"),
        pytest.param(48, 31, "over_half_low", id="TC-CV-04"),
        pytest.param(48, 32, "two_thirds_low", id="TC-CV-03-two-thirds-exact"),
        pytest.param(47, 23, "none", id="TC-CV-05-23"),
        pytest.param(47, 24, "over_half_low", id="TC-CV-05-24"),
        pytest.param(47, 31, "over_half_low", id="TC-CV-05-31"),
        pytest.param(47, 32, "two_thirds_low", id="TC-CV-05-32"),
        pytest.param(1, 1, "two_thirds_low", id="TC-CV-06-1-1"),
        pytest.param(2, 1, "none", id="TC-CV-06-2-1"),
        pytest.param(3, 2, "two_thirds_low", id="TC-CV-06-3-2"),
        pytest.param(3, 1, "none", id="TC-CV-06-3-1"),
        pytest.param(6, 4, "two_thirds_low", id="CV-34-6-4"),
        pytest.param(6, 3, "none", id="CV-34-6-3-half"),
        pytest.param(20000, 13333, "over_half_low", id="TC-CV-07-66.67-not-two-thirds"),
        pytest.param(20000, 13334, "two_thirds_low", id="CV-34-20000-13334"),
    ],
)
def test_band_thresholds_for_every_rule_set_cv34(rule_set, n, low, band):
    """CV-34 for every rule set: exactly 1/2 is none (2*L > N), exactly 2/3 is two_thirds_low (3*L >= 2*N)."""
    vote_date = "2020-06-01" if rule_set == "QD262-2014" else "2024-06-01"
    row = ok(_n(n, subject("x", n - low, 0, low), rule_set=rule_set, vote_date=vote_date))["subjects"][0]
    assert row["band"] == band
    assert "CV-34" in row["rules"]
    assert (row["consequences"] == []) is (band == "none")


@pytest.mark.parametrize(
    ("rule_set", "vote_date", "low", "consequences", "rule"),
    [
        pytest.param("QD96-2023", "2023-02-02", 24, [], None, id="CV-34-QD96-none"),
        pytest.param("QD96-2023", "2023-02-02", 25, ["remove_from_planning_higher_posts",
                     "consider_relief_reassignment_resignation_or_no_confidence_vote"], "CV-36", id="CV-36"),
        pytest.param("QD96-2023", "2023-02-02", 32, ["relieve_from_post_assign_lower_work"], "CV-37", id="CV-37"),
        pytest.param("QD262-2014", "2023-02-01", 25, ["consider_planning_removal"], "CV-39", id="CV-39-over-half"),
        pytest.param("QD262-2014", "2023-02-01", 48, ["consider_planning_removal"], "CV-39", id="CV-39-no-relief"),
        pytest.param("NQ96-2023-QH15", "2023-07-01", 25, ["may_resign_else_no_confidence_vote"], "CV-40",
                     id="CV-40-over-half"),
        pytest.param("NQ96-2023-QH15", "2023-07-01", 32, ["introducing_body_submits_dismissal"], "CV-40",
                     id="CV-40-two-thirds"),
    ],
)
def test_consequences_and_rule_ids_per_rule_set(rule_set, vote_date, low, consequences, rule):
    """CV-36, CV-37, CV-39, CV-40: the consequence codes of each band under each rule set, with the rule cited."""
    result = ok(_n(48, subject("x", 48 - low, 0, low), rule_set=rule_set, vote_date=vote_date))
    row = result["subjects"][0]
    assert result["warnings"] == []
    assert row["consequences"] == consequences
    if rule:
        assert rule in row["rules"]
    assert all(isinstance(r, str) and r.startswith(("CV-", "OP-")) for r in row["rules"])


@pytest.mark.parametrize(
    ("vote_date", "rule_set", "expected", "warning"),
    [
        pytest.param("2023-02-01", "auto", "QD262-2014", None, id="CV-2-day-before-QD96"),
        pytest.param("2023-02-02", "auto", "QD96-2023", None, id="CV-2-QD96-in-force"),
        pytest.param("2014-10-08", "auto", "QD262-2014", None, id="CV-2-QD262-issued"),
        pytest.param("2014-10-07", "auto", "QD262-2014", "before_qd262", id="CV-2-before-QD262-issued"),
        pytest.param("2001-01-01", "QD262-2014", "QD262-2014", "before_qd262", id="CV-2-explicit-before-QD262"),
        pytest.param("2023-06-30", "auto", "QD96-2023", None, id="CV-3-auto-stays-party"),
        pytest.param("2023-06-30", "NQ96-2023-QH15", "NQ96-2023-QH15", "rule_set_outside_period",
                     id="CV-3-explicit-before-in-force"),
        pytest.param("2023-07-01", "NQ96-2023-QH15", "NQ96-2023-QH15", None, id="CV-3-in-force"),
        pytest.param("2023-02-02", "QD262-2014", "QD262-2014", "rule_set_outside_period", id="CV-2-explicit-QD262-late"),
        pytest.param("2023-02-01", "QD96-2023", "QD96-2023", "rule_set_outside_period", id="CV-2-explicit-QD96-early"),
    ],
)
def test_rule_set_by_date_and_explicit_cv2_cv3(vote_date, rule_set, expected, warning):
    """CV-2, CV-3: "auto" resolves by date on the Party side and is never printed; explicit names are kept."""
    code, out, err = run(json.dumps(doc(vote_date=vote_date, rule_set=rule_set)))
    assert (code, err) == (0, "")
    result = json.loads(out)
    assert result["rule_set"] == expected
    assert '"auto"' not in json.dumps({k: result[k] for k in ("rule_set", "quorum", "ballots", "subjects")})
    assert [w["code"] for w in result["warnings"]] == ([warning] if warning else [])
    assert ("CV-3" if expected == "NQ96-2023-QH15" else "CV-2") in result["subjects"][0]["rules"]


@pytest.mark.parametrize("rule_set", ["auto", "QD262-2014", "QD96-2023"])
def test_void_vote_prints_record_with_null_bands_cv17_cv18(rule_set):
    """CV-17/CV-18: without quorum the JSON is printed, met false, every band null, no consequence, exit 3."""
    payload = doc(rule_set=rule_set, vote_date="2022-01-01" if rule_set != "QD96-2023" else "2024-01-01",
                  convened=30, present=19, ballots_issued=19, ballots_collected=19,
                  subjects=[subject("a", 0, 0, 19), subject("b", 10, 5, 2)])
    code, out, err = run(json.dumps(payload))
    assert (code, err) == (3, "")
    result = json.loads(out)
    assert result["quorum"]["met"] is False and result["quorum"]["required"] == 20
    assert [s["band"] for s in result["subjects"]] == [None, None]
    assert [s["consequences"] for s in result["subjects"]] == [[], []]
    assert result["subjects"][1]["invalid"] == 2 and result["subjects"][1]["high_pct"] == "52.63"


@pytest.mark.parametrize(
    ("convened", "present", "required", "met"),
    [
        pytest.param(3, 2, 2, True, id="CV-17-3-2-exact"),
        pytest.param(3, 1, 2, False, id="CV-17-3-1"),
        pytest.param(47, 32, 32, True, id="EX-7-32"),
        pytest.param(47, 31, 32, False, id="EX-7-31"),
        pytest.param(1, 1, 1, True, id="CV-17-1-1"),
        pytest.param(1, 0, 1, False, id="CV-17-1-0"),
        pytest.param(2, 2, 2, True, id="CV-17-2-2"),
        pytest.param(2, 1, 2, False, id="CV-17-2-1"),
        pytest.param(99, 66, 66, True, id="CV-17-99-66"),
        pytest.param(99, 65, 66, False, id="CV-17-99-65"),
    ],
)
def test_quorum_integer_arithmetic_cv17(convened, present, required, met):
    """CV-17: required is the smallest r with 3*r >= 2*convened; no floats involved."""
    payload = doc(convened=convened, present=present, ballots_issued=present, ballots_collected=present,
                  subjects=[subject("x", present, 0, 0)])
    result = ok(payload, expected_code=0 if met else 3)
    assert result["quorum"] == {**result["quorum"], "convened": convened, "present": present,
                                "required": required, "met": met}


def test_output_is_exactly_one_json_document_with_contract_types():
    """Output contract: stdout holds one JSON object and nothing else; field types as in the issue."""
    code, out, err = run(json.dumps(doc()))
    assert code == 0 and err == ""
    result = json.loads(out)  # would fail on any extra text
    assert out.endswith("}\n")
    q = result["quorum"]
    assert all(type(q[k]) is int for k in ("convened", "present", "required")) and type(q["met"]) is bool
    assert all(type(v) is int for v in result["ballots"].values())
    for row in result["subjects"]:
        assert type(row["id"]) is str
        assert all(type(row[k]) is int for k in ("high", "confidence", "low", "invalid"))
        for key in ("high_pct", "confidence_pct", "low_pct"):
            assert type(row[key]) is str and len(row[key].split(".")[1]) == 2
        assert row["band"] in ("none", "over_half_low", "two_thirds_low")
        assert all(type(c) is str for c in row["consequences"]) and all(type(r) is str for r in row["rules"])


def test_extra_fields_are_allowed_and_subject_order_is_kept():
    payload = doc(comment="kiểm tra", conference={"id": 7}, subjects=[
        {**subject("z", 10, 0, 38), "note": "x", "place": 2}, subject("a", 48, 0, 0), subject("m", 0, 48, 0)])
    result = ok(payload)
    assert [s["id"] for s in result["subjects"]] == ["z", "a", "m"]
    assert "note" not in result["subjects"][0]


def test_repeated_extra_key_is_ignored_but_a_repeated_contract_key_is_named():
    text = json.dumps(doc()).replace('"vote_date"', '"note": 1, "note": 2, "vote_date"', 1)
    assert run(text)[0] == 0
    text = json.dumps(doc()).replace('"low": 0}', '"low": 0, "low": 1}', 1)
    assert "subjects[0].low:" in bad(text)


@pytest.mark.parametrize(
    ("payload", "fields"),
    [
        pytest.param(doc(present=51), ("present", "convened"), id="CV-31-present-gt-convened"),
        pytest.param(doc(ballots_issued=49), ("ballots_issued", "present"), id="CV-31-issued-gt-present"),
        pytest.param(doc(ballots_collected=49), ("ballots_collected", "ballots_issued"),
                     id="TC-CV-24-collected-gt-issued"),
        pytest.param(_subject_patch(1, high=20, confidence=20, low=20), ("subjects[1]", "ballots_collected", "'b'"),
                     id="TC-CV-24-marks-gt-collected"),
        pytest.param(doc(ballots_collected=0, ballots_issued=0), ("subjects[0].high", "ballots_collected"),
                     id="CV-31-marks-with-zero-collected"),
    ],
)
def test_consistency_messages_name_every_field_involved_cv31(payload, fields):
    err = bad(payload)
    for field in fields:
        assert field in err
    assert "CV-31" in err


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        pytest.param(doc(convened=None), "convened", id="null-count"),
        pytest.param(doc(present=[48]), "present", id="array-count"),
        pytest.param(doc(ballots_collected={"n": 48}), "ballots_collected", id="object-count"),
        pytest.param(doc(present=-1), "present", id="negative-present"),
        pytest.param(doc(ballots_issued=-48), "ballots_issued", id="negative-issued"),
        pytest.param(_subject_patch(0, high=1.5), "subjects[0].high", id="float-mark"),
        pytest.param(_subject_patch(0, confidence="8"), "subjects[0].confidence", id="string-mark"),
        pytest.param(_subject_patch(0, low=True), "subjects[0].low", id="bool-mark"),
        pytest.param(_subject_patch(0, high=-1, confidence=9), "subjects[0].high", id="negative-mark"),
        pytest.param(_subject_patch(0, full_name=5), "subjects[0].full_name", id="number-name"),
        pytest.param(_subject_without(0, "id"), "subjects[0].id", id="missing-id"),
        pytest.param(_subject_without(1, "confidence"), "subjects[1].confidence", id="missing-confidence"),
        pytest.param(_subject_without(2, "position"), "subjects[2].position", id="missing-position"),
        pytest.param(_without("rule_set"), "rule_set", id="missing-rule-set"),
        pytest.param(_without("present"), "present", id="missing-present"),
        pytest.param(doc(rule_set="QD96"), "rule_set", id="unknown-rule-set"),
        pytest.param(doc(rule_set="AUTO"), "rule_set", id="rule-set-case-auto"),
        pytest.param(doc(rule_set="NQ35-2012"), "rule_set", id="rule-set-replay-nq35"),
        pytest.param(doc(vote_date="2024/01/10"), "vote_date", id="date-slashes"),
        pytest.param(doc(vote_date="10-01-2024"), "vote_date", id="date-dmy"),
        pytest.param(doc(vote_date="2024-01-10T00:00:00"), "vote_date", id="date-time"),
        pytest.param(doc(vote_date="2023-02-29"), "vote_date", id="date-not-leap"),
        pytest.param(doc(vote_date=""), "vote_date", id="date-empty"),
        pytest.param(doc(subjects="a,b"), "subjects", id="subjects-string"),
        pytest.param(doc(subjects=None), "subjects", id="subjects-null"),
        pytest.param("null", "$", id="document-null"),
        pytest.param('"text"', "$", id="document-string"),
        pytest.param("[{}]", "$", id="document-array-of-objects"),
        pytest.param("{'vote_date': '2024-01-10'}", "$", id="python-not-json"),
    ],
)
def test_more_bad_input_names_the_field(payload, field):
    """Exit 2, nothing on stdout, a Vietnamese and English line naming the field."""
    err = bad(payload)
    assert f"{field}:" in err


def test_leap_day_is_a_valid_date():
    assert ok(doc(vote_date="2024-02-29"))["vote_date"] == "2024-02-29"


def test_zero_subjects_and_zero_ballots_cv33():
    """CV-33: nothing collected and nobody listed is still a valid (if not countable) result."""
    result = ok(doc(ballots_issued=0, ballots_collected=0, subjects=[]))
    assert result["subjects"] == [] and result["countable"] is False


@st.composite
def consistent_rows(draw):
    n = draw(st.integers(1, 3000))
    high = draw(st.integers(0, n))
    confidence = draw(st.integers(0, n - high))
    low = draw(st.integers(0, n - high - confidence))
    return n, high, confidence, low


@settings(max_examples=150, deadline=None)
@given(consistent_rows(), st.sampled_from(["QD262-2014", "QD96-2023", "NQ96-2023-QH15"]))
def test_percentages_match_decimal_half_up_and_one_more_low_never_helps_cv32_cv34(row, rule_set):
    """CV-32: each percentage is Decimal(100*c/N) quantized ROUND_HALF_UP; CV-34: moving one vote to
    low never gives a better band."""
    from decimal import ROUND_HALF_UP, Decimal

    n, high, confidence, low = row
    result = ok(_n(n, subject("x", high, confidence, low), rule_set=rule_set, vote_date="2024-01-01"))["subjects"][0]
    for key, count in (("high_pct", high), ("confidence_pct", confidence), ("low_pct", low)):
        expected = (Decimal(100 * count) / Decimal(n)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        assert result[key] == str(expected)
    order = ["none", "over_half_low", "two_thirds_low"]
    if low < n:  # one vote moves to low from high, else from confidence, else from the invalid rows
        if high:
            moved = subject("x", high - 1, confidence, low + 1)
        elif confidence:
            moved = subject("x", high, confidence - 1, low + 1)
        else:
            moved = subject("x", high, confidence, low + 1)
        worse = ok(_n(n, moved, rule_set=rule_set, vote_date="2024-01-01"))["subjects"][0]
        assert order.index(worse["band"]) >= order.index(result["band"])


def test_command_through_call_command_file_and_stdin(tmp_path, monkeypatch):
    """call_command: exit 0 returns normally; stdin may be a text stream ("-"); 3 and 2 raise SystemExit."""
    from django.core.management import call_command

    path = tmp_path / "vote.json"
    path.write_text(json.dumps(doc(), ensure_ascii=False), encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    call_command("confidence_tally", str(path), stdout=out, stderr=err)
    assert json.loads(out.getvalue())["subjects"][2]["band"] == "over_half_low" and err.getvalue() == ""

    out = io.StringIO()
    call_command("confidence_tally", "-", stdin=io.StringIO(json.dumps(doc())), stdout=out)
    assert json.loads(out.getvalue())["rule_set"] == "QD96-2023"

    monkeypatch.setattr(sys, "stdin", io.StringIO(json.dumps(doc(vote_date="2020-01-01"))))
    out = io.StringIO()
    call_command("confidence_tally", "-", stdout=out)
    assert json.loads(out.getvalue())["rule_set"] == "QD262-2014"

    void = doc(convened=47, present=31, ballots_issued=31, ballots_collected=31, subjects=[subject("x", 31, 0, 0)])
    path.write_text(json.dumps(void), encoding="utf-8")
    out = io.StringIO()
    with pytest.raises(SystemExit) as exit_info:
        call_command("confidence_tally", str(path), stdout=out, stderr=io.StringIO())
    assert exit_info.value.code == 3 and json.loads(out.getvalue())["quorum"]["met"] is False

    path.write_text(json.dumps(doc(present=51)), encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(SystemExit) as exit_info:
        call_command("confidence_tally", str(path), stdout=out, stderr=err)
    assert exit_info.value.code == 2 and out.getvalue() == "" and "present:" in err.getvalue()


@needs_project
def test_command_output_is_utf8_json_even_under_a_latin1_locale(tmp_path):
    """stdout is UTF-8 JSON whatever the locale (it used to crash with UnicodeEncodeError, exit 1)."""
    import os

    env = {**os.environ, "LANG": "C", "LC_ALL": "C", "PYTHONIOENCODING": "latin-1"}
    proc = subprocess.run([sys.executable, "manage.py", "confidence_tally", "-"], cwd=ROOT, env=env,
                          input=json.dumps(doc(), ensure_ascii=False).encode("utf-8"), capture_output=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr.decode("utf-8", "replace")
    assert json.loads(proc.stdout.decode("utf-8"))["subjects"][0]["full_name"] == "Nguyễn Văn An"
    proc = subprocess.run([sys.executable, "manage.py", "confidence_tally", "-"], cwd=ROOT, env=env,
                          input=b"[]", capture_output=True, timeout=120)
    assert proc.returncode == 2 and proc.stdout == b""
    assert "Invalid input" in proc.stderr.decode("utf-8") and "không hợp lệ" in proc.stderr.decode("utf-8")
