"""Classification and quota of a whole period at national scale (PostgreSQL).

``classify_period`` classifies every appraised, reviewed subject of a period (optionally one subtree)
with the domain of its rule set (AR-28) and applies the peer-group quota (AR-33..AR-36) to every group,
in parallel worker processes that each read their share of the peer groups with COPY, and writes the
compact results (status, proposal, band, flags) of the rows whose result changes back with COPY into
staging tables and one UPDATE.

No rule lives here. The classification of a subject is a pure function of its facts, so equal facts are
classified once per worker: each row is read slim (identity, group, score, and the fields
``facts.subject_facts`` reads as one text: PostgreSQL's output of the row value), keyed by that text, the
confidence answer and the discipline records that concern it; only the first row of each key is read in
full, and its facts are built with the same ``facts.subject_facts`` the services use. The per-row trace
(checks, rules, defaults) is not stored by the batch: the subject page recomputes it from the stored facts.
Disciplinary decisions are read as the services read them (AR-49..AR-51). Each worker reads in one
REPEATABLE READ snapshot, so the rows it classifies in full are the rows it keyed.
"""
from __future__ import annotations

import json
import multiprocessing
import os
import time
from collections import defaultdict
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from partyorg.domain.rating import Candidate, RuleSet, apply_quota, classify
from partyorg.domain.rating.quota import quota_ratio

from . import facts as io

# Columns read per rating: everything ``facts.subject_facts`` reads, plus identity and grouping.
COLUMNS = ("id", "member_id", "unit_id", "org_path", "peer_group", "rule_set", "subject_key", "subject_type",
           "collective_kind", "body", "score_general_x10", "score_tasks_x10", "score_total_x10", "tasks_total",
           "tasks_done", "tasks_on_time", "tasks_exceeded", "shortcomings_found", "shortcomings_remedied",
           "units_total", "units_not_completed", "socio_applicable", "socio_failed", "low_confidence",
           "low_confidence_source", "findings", "mitigations", "sick_leave_days", "maternity_leave", "grades",
           "assessed_level", "cbccvc", "state_level")
_JSON = {"findings", "mitigations", "grades"}
_INT = {"id", "member_id", "unit_id", "score_general_x10", "score_tasks_x10", "score_total_x10", "tasks_total",
        "tasks_done", "tasks_on_time", "tasks_exceeded", "shortcomings_found", "shortcomings_remedied",
        "units_total", "units_not_completed", "socio_applicable", "socio_failed", "sick_leave_days"}
_BOOL = {"low_confidence", "maternity_leave", "cbccvc"}
_KEY_FIELDS = tuple(c for c in COLUMNS if c not in {"id", "member_id", "unit_id", "org_path", "peer_group",
                                                     "subject_key", "low_confidence_source", "body"})
_I = {name: i for i, name in enumerate(COLUMNS)}


@dataclass
class BatchReport:
    period_label: str
    rows: int = 0
    distinct_facts: int = 0
    groups: int = 0
    candidates: int = 0
    admitted: int = 0
    moved: int = 0
    undecided_ties: int = 0
    statuses: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    workers: int = 1
    written: int = 0
    updated: int = 0


def _parse(row: tuple[str | None, ...]) -> tuple[Any, ...]:
    out: list[Any] = []
    for name, value in zip(COLUMNS, row, strict=True):
        if value is None:
            out.append(None)
        elif name in _INT:
            out.append(int(value))
        elif name in _BOOL:
            out.append(value == "t")
        else:
            out.append(value)
    return tuple(out)


def _namespace(row: tuple[Any, ...]) -> SimpleNamespace:
    data = dict(zip(COLUMNS, row, strict=True))
    for name in _JSON:
        data[name] = json.loads(data[name]) if data[name] else ([] if name != "grades" else {})
    data["is_collective"] = data["subject_type"] == "collective"
    return SimpleNamespace(**data)


# ---------------------------------------------------------------------------------------------------
# Disciplines, read once (AR-49..AR-51), as services._discipline_inputs reads them


@dataclass
class DisciplineIndex:
    by_member: dict[int, list[Any]]
    by_path: dict[str, list[tuple[Any, str]]]  # every ancestor path of the act's unit/member's cell
    by_org_parent: dict[int, list[Any]]
    holders: dict[int, list[int]]  # organization -> members holding a current post in it
    path_of: dict[int, str]


def load_disciplines(cur: Any, years: set[int]) -> DisciplineIndex:
    from partyorg.domain.tree import ancestor_paths

    cur.execute("""
        SELECT d.id, d.member_id, d.organization_id, d.form, d.decision_date, d.act_date, d.unit_at_act_id,
               d.duty_related, d.related_to_functions, d.self_detected_remedied, d.effect_end,
               m.org_path, u.path, o.parent_id
        FROM appraisal_disciplinerecord d
        LEFT JOIN members_member m ON m.id = d.member_id
        LEFT JOIN organizations_organization u ON u.id = d.unit_at_act_id
        LEFT JOIN organizations_organization o ON o.id = d.organization_id
        WHERE d.counted_year = ANY(%s)""", [sorted(years)])
    index = DisciplineIndex(defaultdict(list), defaultdict(list), defaultdict(list), defaultdict(list), {})
    for (pk, member_id, _org_id, form, decision_date, act_date, unit_id, duty, related, remedied, effect_end,
         member_path, unit_path, org_parent) in cur.fetchall():
        rec = SimpleNamespace(pk=pk, form=form, decision_date=decision_date, act_date=act_date,
                              unit_at_act_id=unit_id, duty_related=duty, related_to_functions=related,
                              self_detected_remedied=remedied, effect_end=effect_end,
                              unit_path=unit_path, member_path=member_path, member_id=member_id)
        if member_id is not None:
            index.by_member[member_id].append(rec)
            paths = set()
            for base in filter(None, (member_path, unit_path)):
                paths.update([*ancestor_paths(base), base])
            for p in paths:
                index.by_path[p].append((rec, p))
        elif org_parent is not None:
            index.by_org_parent[org_parent].append(rec)
    if index.by_member:
        cur.execute("SELECT organization_id, member_id FROM members_position WHERE end_on IS NULL "
                    "AND member_id = ANY(%s)", [list(index.by_member)])
        for org_id, member_id in cur.fetchall():
            index.holders[org_id].append(member_id)
    return index


def _disciplines(ns: SimpleNamespace, index: DisciplineIndex, period: io.Period) -> io.DisciplineInputs:
    del period  # the domain counts them in the period (AR-49)
    if ns.member_id is not None:
        return io.DisciplineInputs(own=tuple(io.discipline_domain(d) for d in index.by_member.get(ns.member_id, ())))
    unit_key = str(ns.unit_id)
    members = []
    if ns.body == "organization":
        seen = set()
        for rec, _p in index.by_path.get(ns.org_path, ()):
            if rec.pk in seen:
                continue
            seen.add(rec.pk)
            inside = rec.unit_path is None or rec.unit_path.startswith(ns.org_path)
            members.append(io.discipline_domain(rec, unit_key=unit_key if inside else str(rec.unit_at_act_id)))
    else:
        for member_id in index.holders.get(ns.unit_id, ()):
            for rec in index.by_member.get(member_id, ()):
                inside = rec.unit_path is None or rec.unit_path.startswith(ns.org_path)
                members.append(io.discipline_domain(rec, unit_key=unit_key if inside else str(rec.unit_at_act_id)))
    subs = tuple(io.discipline_domain(d) for d in index.by_org_parent.get(ns.unit_id, ()))
    return io.DisciplineInputs(members=tuple(members), subordinates=subs)


def _discipline_signature(member_id: int | None, unit_id: int, org_path: str, body: str,
                          index: DisciplineIndex) -> tuple[Any, ...]:
    """The discipline records ``_disciplines`` gives this subject, as a memo key: a member's own records; a
    collective's records depend on its unit and its body (the organization: its members' records; a
    committee or leadership: the records of the holders of its posts), so both are part of the key."""
    if member_id is not None:
        recs = index.by_member.get(member_id)
        return () if not recs else tuple(sorted(r.pk for r in recs))
    if body == "organization":
        found = [r.pk for r, _p in index.by_path.get(org_path, ())]
    else:
        found = [r.pk for holder in index.holders.get(unit_id, ()) for r in index.by_member.get(holder, ())]
    found += [r.pk for r in index.by_org_parent.get(unit_id, ())]
    return () if not found else (unit_id, body, tuple(sorted(set(found))))


# ---------------------------------------------------------------------------------------------------
# The worker: read a share of the peer groups, classify, apply the quota, stage the results


_STATUS = {"rated": "rated", "candidate": "candidate", "gap": "gap", "mitigation_pending": "mitigation_pending",
           "not_reviewed": "not_reviewed"}


def confidence_answers(year: int) -> dict[int, bool]:
    """AR-23(b): the confidence-vote module's answer for every member it knows a vote of in ``year``, read
    once in the parent (Django). Calls ``low_confidence_over_half`` only for members that have a rated
    subject in a vote of that year (every other member's answer is None by that function's contract)."""
    try:
        from partyorg.confidence.selectors import low_confidence_over_half  # type: ignore[import-not-found]
    except ImportError:
        return {}
    try:
        from partyorg.confidence.models import Subject  # type: ignore[import-not-found]

        candidates = set(Subject.objects.filter(conference__vote_date__year=year, member_id__isnull=False)
                         .values_list("member_id", flat=True))
    except Exception:  # noqa: BLE001 - the module's models changed: fall back to no answers
        return {}
    out = {}
    for member_id in candidates:
        value = low_confidence_over_half(member_id, year)
        if value is not None:
            out[member_id] = bool(value)
    return out


_ANSWERS: dict[int, bool] = {}
_NO_ANSWER = object()

# First pass: identity and grouping, and the facts of ``_KEY_FIELDS`` as one text (PostgreSQL's output of
# the row value, which is equal for two rows exactly when their key fields are equal)
_SLIM = ("id", "member_id", "unit_id", "org_path", "body", "peer_group", "rule_set", "score_total_x10")
_SLIM_TYPES = ("int8", "int8", "int8", "text", "text", "text", "text", "int4", "text", "text")
_FACTS_TEXT = f"ROW({', '.join(_KEY_FIELDS)})::text"
# the stored result, compared with the new one so that only changed rows are staged and written back
_STORED_TEXT = "concat_ws('|', class_status, proposed, band, flags::text)"
_STAGE_ROWS = "appraisal_batch_row"
_STAGE_OUTCOMES = "appraisal_batch_outcome"


def _work(args: tuple[str, str, str, int, int, bool]) -> dict[str, Any]:
    """One worker's share of the peer groups, in one REPEATABLE READ snapshot: (1) read every row's identity,
    group, score and facts text with COPY and give it the number of its distinct facts (facts text,
    confidence answer, discipline signature), remembering the first row of each; (2) read those first rows in
    full and classify each once (AR-28); (3) apply the quota to every peer group (AR-33..AR-36); (4) stage the
    distinct outcomes and one (id, outcome number) line per row with COPY."""
    dsn, period_label, path_prefix, part, parts, write = args
    import psycopg

    t0 = time.perf_counter()
    cpu0 = time.process_time()
    ref = io.parse_period(period_label)
    assert ref is not None
    period = ref.period
    with psycopg.connect(dsn) as conn, conn.cursor() as cur:
        conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        index = load_disciplines(cur, {period.start.year, period.end.year})
        where = "period_label = %s AND excluded = '' AND state = 'appraised'"
        params: list[Any] = [period_label]
        if path_prefix:
            where += " AND org_path LIKE %s"
            params.append(path_prefix + "%")
        if parts > 1:  # every row of a peer group in the same worker; hashtext is int4, shifted to >= 0
            where += " AND mod(hashtext(peer_group)::bigint + 2147483648, %s) = %s"
            params += [parts, part]
        # (1) one slim row per subject
        number: dict[tuple[Any, ...], int] = {}
        first: list[int] = []  # first row id of each distinct facts number
        by_group: dict[str, list[tuple[int, int, int | None, int]]] = {}
        in_order: list[tuple[int, int, int | None, int]] = []  # every row as read: the table's physical order
        stored_number: dict[str, int] = {}  # distinct stored results
        rule_set_of: dict[str, str] = {}
        answers = _ANSWERS
        by_member = index.by_member
        collective_discipline = bool(index.by_member or index.by_org_parent)
        rows = 0
        sql = (f"COPY (SELECT {', '.join(_SLIM)}, {_FACTS_TEXT}, {_STORED_TEXT} "  # noqa: S608 - constants
               f"FROM appraisal_rating WHERE {where}) TO STDOUT")
        with cur.copy(sql, params) as copy:
            copy.set_types(list(_SLIM_TYPES))
            for pk, member_id, unit_id, org_path, body, group, rule_set, score, facts_text, stored in copy.rows():
                rows += 1
                if member_id is not None:
                    answer = answers.get(member_id, _NO_ANSWER) if answers else _NO_ANSWER
                    recs = by_member.get(member_id)
                    sig: tuple[Any, ...] = () if not recs else tuple(sorted(r.pk for r in recs))
                else:
                    answer = _NO_ANSWER
                    sig = (_discipline_signature(None, unit_id, org_path, body, index)
                           if collective_discipline else ())
                key = (facts_text, answer, sig)
                k = number.get(key)
                if k is None:
                    k = number[key] = len(first)
                    first.append(pk)
                members = by_group.get(group)
                if members is None:
                    members = by_group[group] = []
                    rule_set_of[group] = rule_set
                was = stored_number.get(stored)
                if was is None:
                    was = stored_number[stored] = len(stored_number)
                item = (pk, k, score, was)
                members.append(item)
                in_order.append(item)
        t_read = time.perf_counter()
        # (2) classify each distinct facts once, from its first row read in full
        outcomes: list[tuple[str, str, str, str]] = [("", "", "", "")] * len(first)
        k_of = {pk: k for k, pk in enumerate(first)}
        contexts: dict[str, Any] = {}
        if first:
            sql = f"COPY (SELECT {', '.join(COLUMNS)} FROM appraisal_rating WHERE id = ANY(%s)) TO STDOUT"  # noqa: S608
            with cur.copy(sql, [first]) as copy:
                for raw in copy.rows():
                    row = _parse(raw)
                    low = row[_I["low_confidence"]]
                    if _ANSWERS and row[_I["member_id"]] in _ANSWERS:
                        low = _ANSWERS[row[_I["member_id"]]]
                    ns = _namespace(row)
                    ctx = contexts.get(ns.rule_set)
                    if ctx is None:
                        ctx = contexts[ns.rule_set] = io.context_for(ns.rule_set, period_label)
                    f = io.subject_facts(ns, _disciplines(ns, index, period),
                                         low_confidence=low if ns.subject_type in ("leader", "leader_central")
                                         else None)
                    c = classify(f, ctx)
                    outcomes[k_of[row[0]]] = (_STATUS[c.status.value], c.proposed.value if c.proposed else "",
                                              c.band.value if c.band else "", json.dumps(list(c.flags)))
        statuses: dict[str, int] = defaultdict(int)
        t_class = time.perf_counter()
        # (3) the quota of every peer group
        groups = []
        candidate = [o[0] == "candidate" for o in outcomes]
        good_other = [o[1] == "good" and o[0] != "candidate" for o in outcomes]
        fractions: dict[int | None, Any] = {}
        cut_outcome: dict[int, int] = {}  # outcome number -> the same outcome with the "quota_cut" flag
        cut_rows: dict[int, int] = {}  # row id -> its cut outcome number
        for key, members in by_group.items():
            cands = []
            good = 0
            for pk, k, score, _c in members:
                if candidate[k]:
                    frac = fractions.get(score)
                    if frac is None:
                        frac = fractions[score] = io.score_fraction(score)
                    cands.append(Candidate(str(pk), frac))
                elif good_other[k]:
                    good += 1
            if not cands:
                continue
            ratio = quota_ratio(RuleSet(rule_set_of[key]))
            outcome = apply_quota(cands, good, ratio.ratio)
            if outcome.moved_to_good:
                k_by_pk = {pk: k for pk, k, _s, _c in members}
                for x in outcome.moved_to_good:
                    pk = int(x)
                    k = k_by_pk[pk]
                    cut = cut_outcome.get(k)
                    if cut is None:
                        st, proposed, band, flags = outcomes[k]
                        cut = cut_outcome[k] = len(outcomes)
                        outcomes.append((st, proposed, band, json.dumps([*json.loads(flags), "quota_cut"])))
                    cut_rows[pk] = cut
            groups.append((key, good, len(cands), outcome.excellent_max, len(outcome.moved_to_good),
                           len(outcome.undecided)))
        counts = [0] * len(outcomes)
        for _pk, k, _s, _c in in_order:
            counts[k] += 1
        for k, n in enumerate(counts[:len(first)]):
            statuses[outcomes[k][0]] += n
        t_quota = time.perf_counter()
        # (4) stage the distinct outcomes, then (id, outcome) for every row whose result changes, in the order
        # read (the table's physical order: the final UPDATE then visits the table's pages in order)
        written = 0
        if write:
            stored_of = {was: text for text, was in stored_number.items()}
            texts = ["|".join(o) for o in outcomes]
            same: dict[tuple[int, int], bool] = {}  # (outcome, stored result) -> unchanged
            with cur.copy(f"COPY {_STAGE_OUTCOMES} (part, k, class_status, proposed, band, flags) "
                          "FROM STDIN") as copy:
                for k, (st, proposed, band, flags) in enumerate(outcomes):
                    copy.write_row((part, k, st, proposed, band, flags))
            with cur.copy(f"COPY {_STAGE_ROWS} (part, id, k) FROM STDIN") as copy:
                for start in range(0, len(in_order), 100_000):
                    lines = []
                    for pk, k, _s, was in in_order[start:start + 100_000]:
                        if cut_rows:
                            k = cut_rows.get(pk, k)
                        unchanged = same.get((k, was))
                        if unchanged is None:
                            unchanged = same[(k, was)] = texts[k] == stored_of[was]
                        if not unchanged:
                            lines.append(f"{part}\t{pk}\t{k}\n")
                    copy.write("".join(lines))
                    written += len(lines)
        conn.commit()
        t_write = time.perf_counter()
    return {"rows": rows, "distinct": len(first), "statuses": dict(statuses), "groups": groups,
            "written": written, "seconds": {"read": t_read - t0, "classify": t_class - t_read,
                                            "quota": t_quota - t_class, "stage": t_write - t_quota,
                                            "cpu": time.process_time() - cpu0}}


def classify_period(*, dsn: str, period_label: str, path_prefix: str = "", workers: int | None = None,
                    write: bool = True) -> BatchReport:
    """Classify and apply the quota to every appraised subject of a period (PostgreSQL only)."""
    import psycopg

    workers = workers or max(1, os.cpu_count() or 1)
    report = BatchReport(period_label=period_label, workers=workers)
    t0 = time.perf_counter()
    if write:
        with psycopg.connect(dsn, autocommit=True) as conn:
            # the staging tables of this run (unlogged, outside the models), dropped after the write-back;
            # appraisal_batch_stage was the staging table of an earlier version of this module
            conn.execute(f"DROP TABLE IF EXISTS {_STAGE_ROWS}, {_STAGE_OUTCOMES}, appraisal_batch_stage")
            conn.execute(f"CREATE UNLOGGED TABLE {_STAGE_ROWS} (part int, id bigint, k int)")
            conn.execute(f"CREATE UNLOGGED TABLE {_STAGE_OUTCOMES} (part int, k int, class_status text, "
                         "proposed text, band text, flags jsonb, PRIMARY KEY (part, k))")
    ref = io.parse_period(period_label)
    assert ref is not None
    _ANSWERS.clear()
    _ANSWERS.update(confidence_answers(ref.period.end.year))
    from django.db import connections

    connections.close_all()  # never share the parent's database connection with the forked workers
    args = [(dsn, period_label, path_prefix, k, workers, write) for k in range(workers)]
    if workers == 1:
        parts = [_work(args[0])]
    else:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            parts = pool.map(_work, args)
    t_work = time.perf_counter()
    for p in parts:
        report.rows += p["rows"]
        report.distinct_facts += p["distinct"]
        report.written += p["written"]
        for k, v in p["statuses"].items():
            report.statuses[k] = report.statuses.get(k, 0) + v
        for _key, _good, n, _kmax, moved, undecided in p["groups"]:
            report.groups += 1
            report.candidates += n
            report.admitted += n - moved - undecided
            report.moved += moved
            report.undecided_ties += undecided
        for k, v in p["seconds"].items():
            report.seconds[f"worker_{k}_max"] = round(max(report.seconds.get(f"worker_{k}_max", 0), v), 2)
    report.seconds["workers"] = round(t_work - t0, 2)
    if write:
        with psycopg.connect(dsn) as conn, conn.cursor() as cur:
            cur.execute(f"ANALYZE {_STAGE_ROWS}, {_STAGE_OUTCOMES}")
            # the join hashes the rating ids (about 250 MB for the nation): in memory, not in batches on disk
            cur.execute("SET LOCAL work_mem = '256MB'")
            cur.execute(f"""
                UPDATE appraisal_rating r SET class_status = o.class_status, proposed = o.proposed, band = o.band,
                       flags = o.flags, classification = '{{}}'::jsonb, updated_at = now()
                FROM {_STAGE_ROWS} s JOIN {_STAGE_OUTCOMES} o ON o.part = s.part AND o.k = s.k
                WHERE r.id = s.id AND (r.class_status, r.proposed, r.band, r.flags)
                      IS DISTINCT FROM (o.class_status, o.proposed, o.band, o.flags)""")  # noqa: S608
            report.updated = cur.rowcount
            cur.execute(f"DROP TABLE {_STAGE_ROWS}, {_STAGE_OUTCOMES}")
            conn.commit()
        report.seconds["update"] = round(time.perf_counter() - t_work, 2)
    report.seconds["total"] = round(time.perf_counter() - t0, 2)
    return report
