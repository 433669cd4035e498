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


@settings(max_examples=80)
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
