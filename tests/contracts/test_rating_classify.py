"""Contract of `manage.py rating_classify` (docs/rating-classify.md): run() for each exit code, and the command."""

from __future__ import annotations

import json
import pathlib
import subprocess
import sys

import pytest

from partyorg.contracts.rating_classify import run

ROOT = pathlib.Path(__file__).resolve().parents[2]
RESULT_KEYS = ["id", "type", "status", "level", "proposed", "band", "exclusion", "flags", "triggers", "checks",
               "rules", "defaults_applied"]  # fmt: skip


def tasks(t: int, d: int, o: int, e: int = 0) -> dict:
    return {"total": t, "done": d, "on_time": o, "exceeded": e}


def classify(subjects: list[dict], period: str = "2025", **extra: object) -> dict:
    code, out, err = run(json.dumps({"rule_set": "auto", "period": period, "subjects": subjects, **extra}))
    assert (code, err) == (0, ""), err
    return json.loads(out)


def one(subject: dict, period: str = "2025", **extra: object) -> dict:
    return classify([{"id": "s", **subject}], period, **extra)["results"][0]


# ---------------------------------------------------------------------------------------------------
# Worked examples of §17 through the contract

WORKED = [
    ("T1", {"type": "non_leader", "score": 92, "tasks": tasks(10, 10, 10, 3)}, "candidate", None, "excellent"),
    ("T2", {"type": "non_leader", "score": 92, "tasks": tasks(10, 10, 10, 2)}, "gap", None, "good"),
    ("T3", {"type": "non_leader", "score": 85, "tasks": tasks(10, 10, 8)}, "gap", None, "completed"),
    ("T4", {"type": "non_leader", "score": 65, "tasks": tasks(10, 10, 8)}, "rated", "completed", "completed"),
    ("T5", {"type": "non_leader", "score": 65, "tasks": tasks(10, 10, 7)}, "gap", None, None),
    ("T6", {"type": "non_leader", "score": 75, "tasks": tasks(10, 4, 4)}, "rated", "not_completed", "not_completed"),
    ("T7", {"type": "non_leader", "score": 88, "tasks": tasks(10, 10, 10),
            "disciplines": [{"form": "reprimand", "decision_date": "2025-05-05"}]},
     "rated", "not_completed", "not_completed"),
    ("T7-claim", {"type": "non_leader", "score": 88, "tasks": tasks(10, 10, 10),
                  "disciplines": [{"form": "reprimand", "decision_date": "2025-05-05",
                                   "self_detected_remedied": True}]},
     "mitigation_pending", None, "good"),
    ("T8", {"type": "leader", "score": 91, "tasks": tasks(20, 20, 20, 7),
            "confidence_vote": {"ballots_collected": 25, "low": 15}}, "rated", "not_completed", "not_completed"),
    ("T9", {"type": "leader", "score": 80, "tasks": tasks(25, 17, 17)}, "rated", "not_completed", "not_completed"),
    ("T10", {"type": "leader", "score": 80, "tasks": tasks(10, 10, 10), "units": {"total": 5, "not_completed": 3}},
     "rated", "not_completed", "not_completed"),
    ("T11", {"type": "collective", "score": 93, "tasks": tasks(10, 10, 10, 4), "unit": "dept-x",
             "member_disciplines": [{"member": "m1", "form": "reprimand", "decision_date": "2025-04-01",
                                     "unit_at_act": "previous-agency"}]}, "gap", None, "good"),
    ("T19", {"type": "non_leader", "admitted_on": "2025-07-01", "meeting_date": "2025-12-15"},
     "not_reviewed", None, None),
]  # fmt: skip


@pytest.mark.parametrize(("case", "subject", "status", "level", "proposed"), WORKED, ids=[w[0] for w in WORKED])
def test_worked_examples_through_the_contract(case, subject, status, level, proposed):
    """§17 T1-T11, T19 (AR-4, AR-17, AR-19..AR-25, AR-29, AR-42)."""
    r = one(subject)
    assert list(r) == RESULT_KEYS
    assert (r["status"], r["level"], r["proposed"]) == (status, level, proposed)


def test_T19_with_dec_31_reference_AR_5():
    """T19 (AR-5): admitted 2025-06-30 is reviewed with dec_31, not with the meeting date."""
    subject = {"type": "non_leader", "admitted_on": "2025-06-30", "meeting_date": "2025-12-15", "score": 75,
               "tasks": tasks(10, 10, 10)}  # fmt: skip
    assert one(subject)["exclusion"] == "admitted_under_6_months"
    r = one(subject, defaults={"six_months_reference": "dec_31"})
    assert r["status"] == "rated" and r["level"] == "good"
    assert {"rule": "AR-5", "name": "six_months_reference", "value": "dec_31"} in r["defaults_applied"]


def test_T24_T25_T27_under_qd124_AR_70_AR_71_AR_72():
    """T24, T25, T27 (AR-70, AR-71, AR-72) with the rule set chosen from the period (AR-1)."""
    out = classify([
        {"id": "T24", "type": "non_leader", "grades": {"criteria": ["good", "excellent"], "task": "excellent"},
         "tasks": tasks(10, 10, 10, 5)},
        {"id": "T24-E4", "type": "non_leader", "grades": {"criteria": ["good"], "task": "excellent"},
         "tasks": tasks(10, 10, 10, 4)},
        {"id": "T25", "type": "non_leader", "grades": {"criteria": ["good"], "task": "good"}, "tasks": tasks(5, 5, 5),
         "disciplines": [{"form": "reprimand", "decision_date": "2024-08-08"}]},
        {"id": "T27", "type": "collective", "grades": {"criteria": ["good"], "task": "excellent"},
         "member_disciplines": [{"form": "warning", "decision_date": "2024-03-01"}]},
    ], period="2024")  # fmt: skip
    assert out["rule_set"] == "QD124-2023" and "AR-1" in out["rules"]
    got = {r["id"]: (r["status"], r["level"], r["proposed"]) for r in out["results"]}
    assert got["T24"] == ("candidate", None, "excellent")
    assert got["T24-E4"][0] == "gap"
    assert got["T25"] == ("rated", "not_completed", "not_completed")
    assert got["T27"][2] != "excellent"


def test_mitigation_decision_through_the_contract_AR_25():
    """AR-25: a recorded decision setting the trigger aside lets the band decide."""
    subject = {"type": "non_leader", "score": 85, "tasks": tasks(10, 10, 10), "findings": ["degradation"],
               "mitigations": [{"trigger": "AR-24a", "claim": "force_majeure",
                                "decision": {"number": "12-QĐ/ĐU", "date": "2025-12-20", "authority": "Đảng ủy xã",
                                             "reason": "Bất khả kháng", "outcome": "set_aside"}}]}  # fmt: skip
    r = one(subject)
    assert (r["status"], r["level"]) == ("rated", "good")
    assert r["triggers"] == [{"code": "AR-24a", "cause": "degradation", "detail": "concluded: degradation",
                              "mitigation": "set_aside"}]  # fmt: skip


def test_score_groups_and_checks_AR_14():
    """AR-14: a score given by groups; checks show the integer comparisons."""
    r = one({"type": "non_leader", "score": {"general": 27.5, "tasks": 62}, "tasks": tasks(10, 10, 10)})
    assert r["band"] == "good" and r["level"] == "good"
    assert {"rule": "AR-19", "condition": "700 <= total_x10 < 900", "values": "total_x10 = 895", "holds": True} in (
        r["checks"]
    )


def test_summary_and_top_level_keys_AR_69():
    """AR-69 (batch counts): per status, per level, not reviewed per reason."""
    out = classify([{"id": w[0], **w[1]} for w in WORKED])
    assert list(out) == ["rule_set", "period", "results", "summary", "rules"]
    s = out["summary"]
    assert s["subjects"] == len(WORKED) and s["reviewed"] == len(WORKED) - 1
    assert s["not_reviewed"]["admitted_under_6_months"] == 1
    assert s["status"]["gap"] == 4 and s["levels"]["not_completed"] == 5
    assert [r["id"] for r in out["results"]] == [w[0] for w in WORKED]


def test_exempt_member_needs_no_score_AR_4():
    r = one({"type": "member_outside", "status": "exempt"})
    assert (r["status"], r["exclusion"]) == ("not_reviewed", "exempt")


def test_empty_subjects_ok():
    out = classify([])
    assert out["results"] == [] and out["summary"]["subjects"] == 0


# ---------------------------------------------------------------------------------------------------
# Bad input: exit 2, nothing on stdout, both languages, the field named

NL = {"id": "a", "type": "non_leader", "score": 80, "tasks": tasks(10, 10, 10)}
BAD = [
    ("not json", "{", "(json)"),
    ("period", {"period": "2025-12", "subjects": []}, "period"),
    ("auto before 2023", {"period": "2021", "subjects": []}, "period"),
    ("rule set", {"rule_set": "QD366", "period": "2025", "subjects": []}, "rule_set"),
    ("subjects missing", {"period": "2025"}, "subjects"),
    ("type", {"period": "2025", "subjects": [{**NL, "type": "member"}]}, "subjects[0].type"),
    ("duplicate id", {"period": "2025", "subjects": [NL, NL]}, "subjects[1].id"),
    ("score missing", {"period": "2025", "subjects": [{**NL, "score": None}]}, "subjects[0].score"),
    ("score above 100", {"period": "2025", "subjects": [{**NL, "score": 100.5}]}, "subjects[0].score"),
    ("score two decimals", {"period": "2025", "subjects": [{**NL, "score": 80.25}]}, "subjects[0].score"),
    ("score bool", {"period": "2025", "subjects": [{**NL, "score": True}]}, "subjects[0].score"),
    ("general above 30", {"period": "2025", "subjects": [{**NL, "score": {"general": 31, "tasks": 60}}]},
     "subjects[0].score.general"),
    ("tasks above 70", {"period": "2025", "subjects": [{**NL, "score": {"general": 20, "tasks": 71}}]},
     "subjects[0].score.tasks"),
    ("done above total", {"period": "2025", "subjects": [{**NL, "tasks": tasks(5, 6, 5)}]}, "subjects[0].tasks.done"),
    ("late mismatch", {"period": "2025", "subjects": [{**NL, "tasks": {**tasks(10, 10, 8), "late": 1}}]},
     "subjects[0].tasks.late"),
    ("negative count", {"period": "2025", "subjects": [{**NL, "tasks": tasks(-1, 0, 0)}]}, "subjects[0].tasks.total"),
    ("tasks missing", {"period": "2025", "subjects": [{**NL, "tasks": None}]}, "subjects[0].tasks"),
    ("leader-only field", {"period": "2025", "subjects": [{**NL, "units": {"total": 3, "not_completed": 0}}]},
     "subjects[0].units"),
    ("collective-only field", {"period": "2025", "subjects": [{**NL, "member_disciplines": []}]},
     "subjects[0].member_disciplines"),
    ("individual-only field", {"period": "2025", "subjects": [{**NL, "type": "collective", "admitted_on": "2020-01-01"}]},
     "subjects[0].admitted_on"),
    ("finding of a collective", {"period": "2025", "subjects": [{**NL, "findings": ["disunity"]}]},
     "subjects[0].findings"),
    ("unknown finding", {"period": "2025", "subjects": [{**NL, "findings": ["laziness"]}]}, "subjects[0].findings[0]"),
    ("bad date", {"period": "2025", "subjects": [{**NL, "disciplines": [{"form": "warning", "decision_date": "2025-02-30"}]}]},
     "subjects[0].disciplines[0].decision_date"),
    ("unknown form", {"period": "2025", "subjects": [{**NL, "disciplines": [{"form": "fine", "decision_date": "2025-02-03"}]}]},
     "subjects[0].disciplines[0].form"),
    ("trigger code", {"period": "2025", "subjects": [{**NL, "mitigations": [{"trigger": "AR-99", "claim": "force_majeure"}]}]},
     "subjects[0].mitigations[0].trigger"),
    ("proactive claim by a member", {"period": "2025", "subjects": [{**NL, "mitigations": [
        {"trigger": "AR-24a", "claim": "proactive_reported_remedied"}]}]}, "subjects[0].mitigations[0].claim"),
    ("decision without outcome", {"period": "2025", "subjects": [{**NL, "mitigations": [
        {"trigger": "AR-24a", "claim": "force_majeure",
         "decision": {"number": "1", "date": "2025-12-01", "authority": "ĐU", "reason": "x"}}]}]},
     "subjects[0].mitigations[0].decision.outcome"),
    ("vote low above collected", {"period": "2025", "subjects": [{**NL, "type": "leader",
                                  "confidence_vote": {"ballots_collected": 3, "low": 4}}]},
     "subjects[0].confidence_vote.low"),
    ("meeting date missing", {"period": "2025", "subjects": [{**NL, "admitted_on": "2025-01-01"}]},
     "subjects[0].meeting_date"),
    ("grades missing under QD124", {"period": "2024", "subjects": [NL]}, "subjects[0].grades"),
    ("unknown grade", {"period": "2024", "subjects": [{**NL, "grades": {"criteria": ["great"], "task": "good"}}]},
     "subjects[0].grades.criteria[0]"),
    ("unknown default", {"period": "2025", "defaults": {"quota_rounding": "ceil"}, "subjects": []},
     "defaults.quota_rounding"),
    ("default value", {"period": "2025", "defaults": {"six_months_reference": "jan_1"}, "subjects": []},
     "defaults.six_months_reference"),
    ("socio-economic minimum 0 (AR-27)", {"period": "2025", "defaults": {"socio_econ_min_failed": 0}, "subjects": []},
     "defaults.socio_econ_min_failed"),
    ("score rounded by 28-digit decimals (AR-14)", '{"period": "2025", "subjects": [{"id": "a", "type": "non_leader", '
     '"score": 89.99999999999999999999999999999, "tasks": {"total": 1, "done": 1, "on_time": 1}}]}', "subjects[0].score"),
    ("score tiny exponent (AR-14)", '{"period": "2025", "subjects": [{"id": "a", "type": "non_leader", '
     '"score": 1e-999999999, "tasks": {"total": 1, "done": 1, "on_time": 1}}]}', "subjects[0].score"),
    ("group score two decimals (AR-14)", {"period": "2025", "subjects": [{**NL, "score": {"general": 29.99, "tasks": 60}}]},
     "subjects[0].score.general"),
    ("huge integer count", '{"period": "2025", "subjects": [{"id": "a", "type": "non_leader", "score": 80, '
     '"tasks": {"total": 1' + "0" * 5000 + ', "done": 1, "on_time": 1}}]}', "subjects[0].tasks.total"),
    ("lone surrogate id", '{"period": "2025", "subjects": [{"id": "\\udc00", "type": "non_leader"}]}', "subjects[0].id"),
    ("blank id", {"period": "2025", "subjects": [{**NL, "id": " "}]}, "subjects[0].id"),
    ("grades checked under QD366", {"period": "2025", "subjects": [{**NL, "grades": {"criteria": ["x"], "task": "good"}}]},
     "subjects[0].grades.criteria[0]"),
    ("score checked under QD124", {"period": "2024", "subjects": [{**NL, "score": 12.34,
                                   "grades": {"criteria": ["good"], "task": "good"}}]}, "subjects[0].score"),
]  # fmt: skip


@pytest.mark.parametrize(("case", "payload", "field"), BAD, ids=[b[0] for b in BAD])
def test_bad_input_exit_2_names_the_field(case, payload, field):
    text = payload if isinstance(payload, str) else json.dumps(payload)
    code, out, err = run(text)
    assert code == 2 and out == "", out
    assert f"'{field}'" in err, err
    assert "Lỗi dữ liệu đầu vào" in err and "Invalid input" in err


@pytest.mark.skipif(not (ROOT / "manage.py").exists() or not (ROOT / "config" / "settings.py").exists(),
                    reason="manage.py or config/settings.py not there yet")  # fmt: skip
def test_command_reads_a_file(tmp_path):
    python = ROOT / ".venv" / "bin" / "python"
    exe = str(python) if python.exists() else sys.executable
    path = tmp_path / "in.json"
    path.write_text(json.dumps({"period": "2025", "subjects": [NL]}), encoding="utf-8")
    ok = subprocess.run([exe, "manage.py", "rating_classify", str(path)], cwd=ROOT, capture_output=True, timeout=120)
    assert ok.returncode == 0, ok.stderr.decode()
    assert json.loads(ok.stdout.decode())["results"][0]["level"] == "good"
    missing = subprocess.run([exe, "manage.py", "rating_classify", str(tmp_path / "none.json")], cwd=ROOT,
                             capture_output=True, timeout=120)  # fmt: skip
    assert missing.returncode == 2 and missing.stdout == b""


# ---------------------------------------------------------------------------------------------------
# The documentation and the code agree (docs/rating-classify.md)

DOC = ROOT / "docs" / "rating-classify.md"


def doc_json_blocks(section: str) -> list[str]:
    text = DOC.read_text(encoding="utf-8")
    part = text.split(section, 1)[1]
    return [block.split("```", 1)[0] for block in part.split("```json\n")[1:]]


def agrees(documented: object, actual: object) -> bool:
    """Equal, except that a list holding "..." lists only some of the actual items (shortened)."""
    if isinstance(documented, list) and "..." in documented:
        return isinstance(actual, list) and all(
            any(agrees(d, a) for a in actual) for d in documented if d != "..."
        )
    if isinstance(documented, list):
        return (isinstance(actual, list) and len(documented) == len(actual)
                and all(agrees(d, a) for d, a in zip(documented, actual, strict=True)))  # fmt: skip
    if isinstance(documented, dict):
        return (isinstance(actual, dict) and list(documented) == list(actual)
                and all(agrees(documented[k], actual[k]) for k in documented))  # fmt: skip
    return documented == actual


def test_documented_example_is_what_the_command_prints_AR_14_AR_17_AR_23_AR_28_AR_29():
    """The first example of the doc, input and output, through run() (AR-1, AR-17, AR-23, AR-29, AR-30)."""
    blocks = doc_json_blocks("## Examples")
    code, out, err = run(blocks[0])
    assert (code, err) == (0, "")
    assert agrees(json.loads(blocks[1]), json.loads(out))


def test_documented_mitigation_example_AR_25():
    """The doc's second example: the set-aside mitigation leaves the band to decide (AR-25)."""
    subject = json.loads(doc_json_blocks("## Examples")[2])
    r = classify([subject])["results"][0]
    assert (r["status"], r["level"]) == ("rated", "good")
    assert [(t["code"], t["mitigation"]) for t in r["triggers"]] == [("AR-24a", "set_aside")]


def test_documented_overridable_defaults_are_the_code_s():
    """The `defaults` row of the input table names exactly the overridable defaults."""
    from partyorg.contracts.rating_classify import OVERRIDABLE

    row = next(line for line in DOC.read_text(encoding="utf-8").splitlines() if line.startswith("| `defaults`"))
    for name in OVERRIDABLE:
        assert f"`{name}`" in row
    # AR-27: socio_econ_min_failed is at least 1; 1 is accepted and reported
    r = one({"type": "leader", "score": 80, "tasks": tasks(10, 10, 10), "socio_economic": {"applicable": 3, "failed": 1}},
            defaults={"socio_econ_min_failed": 1})  # fmt: skip
    assert r["level"] == "not_completed"
    assert {"rule": "AR-27", "name": "socio_econ_min_failed", "value": 1} in r["defaults_applied"]


# ---------------------------------------------------------------------------------------------------
# Documented edge cases


def test_score_is_exact_in_tenths_AR_14_AR_17():
    """AR-14: 89.9 is the good band, 90 and 90.0 and 9.0e1 the excellent band; 0E-5 is 0 (KHT band)."""
    for score, band in ((89.9, "good"), (90, "excellent"), ("90.0", "excellent"), ("9.0e1", "excellent"),
                        ("0E-5", "not_completed"), ("100.000000000000000000000000000000000", "excellent")):  # fmt: skip
        text = ('{"period": "2025", "subjects": [{"id": "a", "type": "non_leader", "score": ' + str(score)
                + ', "tasks": {"total": 10, "done": 10, "on_time": 10}}]}')  # fmt: skip
        code, out, err = run(text)
        assert code == 0, err
        assert json.loads(out)["results"][0]["band"] == band


def test_qd124_tasks_not_needed_once_ar_72_applies_and_leaders_AR_72_AR_73():
    """AR-72: a disciplined member is KHT without task counts; a leader too; otherwise a leader is a gap (AR-73)."""
    disc = [{"form": "reprimand", "decision_date": "2024-05-05"}]
    grades = {"criteria": ["good"], "task": "excellent"}
    out = classify([
        {"id": "m", "type": "non_leader", "grades": grades, "disciplines": disc},
        {"id": "l", "type": "leader", "grades": grades, "disciplines": disc},
        {"id": "l2", "type": "leader", "grades": grades, "tasks": tasks(10, 10, 10, 5)},
        {"id": "m2", "type": "non_leader", "grades": grades, "tasks": tasks(10, 10, 10, 5),
         "disciplines": [{**disc[0], "self_detected_remedied": True}],
         "mitigations": [{"trigger": "AR-24a", "claim": "force_majeure"}]},  # unused under QD124
    ], period="2024")  # fmt: skip
    got = {r["id"]: r for r in out["results"]}
    assert (got["m"]["status"], got["m"]["level"]) == ("rated", "not_completed")
    assert [t["code"] for t in got["m"]["triggers"]] == ["AR-72"]
    assert (got["l"]["status"], got["l"]["level"]) == ("rated", "not_completed")
    assert got["l2"]["status"] == "gap" and "qd124_leader_conditions_unconfigured" in got["l2"]["flags"]
    assert got["m2"]["status"] == "candidate" and got["m2"]["triggers"] == []
    code, _, err = run(json.dumps({"period": "2024", "subjects": [{"id": "x", "type": "non_leader", "grades": grades}]}))
    assert code == 2 and "'subjects[0].tasks'" in err


def test_grades_unused_under_qd366():
    r = one({**{k: v for k, v in NL.items() if k != "id"}, "grades": {"criteria": ["poor"], "task": "poor"}})
    assert (r["status"], r["level"]) == ("rated", "good")
