"""Benchmark of the directives area on the national synthetic tree (PostgreSQL).

    createdb -h 127.0.0.1 -U postgres partyorg_bench            # or reuse one made by generate_national
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/partyorg_bench
    .venv/bin/python manage.py migrate
    .venv/bin/python manage.py generate_national --members 5500000 --orgs 53000   # once
    .venv/bin/python bench/bench_directives.py [--runs 7] [--json out.json]

Setup (idempotent, kept in the database for later runs):
* the document register is seeded (``seed_documents``) and one requirement is issued by the top
  organization to every organization below it (about 53,000), through the service;
* about 70 % of the addressees are marked as submitted (80 % of them on time, some returned), written in
  bulk (the setup only: the pages read the same columns the submit service writes);
* the quarterly report template gets one submitted report per reporting organization (about 90 %).

Measured, for a staff user of sample organizations at every level (the top, the largest provinces,
grassroots committees, cells), through the Django test client (middleware, selectors, templates):
the requirement page with its compliance view and drill-down, its "missing only" page, the
requirement list, the directives dashboard, the organization's report page (children's sums) and the
template page (which children reported). Medians of ``--runs`` runs after one warm-up.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ["PARTYORG_REQUIRE_2FA"] = "0"

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402

from partyorg.accounts.models import Role, RoleGrant, User  # noqa: E402
from partyorg.directives import selectors, services  # noqa: E402
from partyorg.directives.models import (  # noqa: E402
    Addressee,
    PeriodicReport,
    ReportTemplate,
    Requirement,
    Submission,
)
from partyorg.domain import directives as rules  # noqa: E402
from partyorg.organizations.models import Organization  # noqa: E402

TITLE = "Bench: ban hành kế hoạch khắc phục sau kiểm điểm"


def log(msg: str) -> None:
    print(msg, flush=True)


def machine() -> dict:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kb = int(next(x for x in Path("/proc/meminfo").read_text().splitlines() if x.startswith("MemTotal")).split()[1])
        mem = f"{kb / 1024 / 1024:.1f} GiB"
    except (OSError, StopIteration, ValueError):
        pass
    with connection.cursor() as cur:
        cur.execute("select version()")
        pg = cur.fetchone()[0].split(",")[0]
    return {"nproc": os.cpu_count(), "cpu": cpu, "memory": mem, "python": platform.python_version(), "db": pg,
            "date": date.today().isoformat()}


def bench_user(org: Organization) -> User:
    name = f"bench_dir_{org.pk}"
    user = User.objects.filter(username=name).first()
    if user is None:
        user = User.objects.create(username=name, password="!", full_name=f"Bench {org.name}"[:200])
        RoleGrant.objects.create(user=user, organization=org, role=Role.STAFF)
    return user


def setup(top: Organization, today: date) -> tuple[Requirement, ReportTemplate, rules.Period, dict]:
    timings: dict[str, float] = {}
    staff = bench_user(top)
    if not ReportTemplate.objects.filter(owner=top, period_kind="quarter").exists():
        call_command("seed_documents", "--owner-code", top.code)
    req = Requirement.objects.filter(title=TITLE, issuer=top).first()
    if req is None:
        doc = selectors.document_qs(actor=staff).get(number_symbol="366-QĐ/TW")
        t0 = time.perf_counter()
        req = services.requirement_issue(actor=staff, issuer_id=top.pk, data=services.RequirementInput(
            title=TITLE, document_ids=(doc.pk,), deliverable="remediation_plan", issued_on=today - timedelta(days=40),
            deadline=today - timedelta(days=10), levels=(1, 2, 3, 4, 5, 6)))
        timings["requirement_issue_s"] = round(time.perf_counter() - t0, 2)
        log(f"issued the requirement to {req.addressees.count():,} organizations in "
            f"{timings['requirement_issue_s']} s")
        _bulk_submissions(req, today)
    template = ReportTemplate.objects.filter(owner=top, period_kind="quarter").order_by("pk").first()
    ended = [p for p in selectors.recent_periods(rules.PeriodKind.QUARTER, today) if p.end < today][-1]
    if not PeriodicReport.objects.filter(template=template, year=ended.year, index=ended.index).exists():
        _bulk_reports(template, ended)
    if connection.vendor == "postgresql":  # what autovacuum would do after the bulk setup
        with connection.cursor() as cur:
            cur.execute("ANALYZE directives_addressee, directives_submission, directives_periodicreport")
    return req, template, ended, timings


def _bulk_submissions(req: Requirement, today: date) -> None:
    rng = random.Random(20261123)
    ids = list(Addressee.objects.filter(requirement=req).values_list("pk", flat=True))
    rng.shuffle(ids)
    n = len(ids)
    on_time, late, returned = ids[: n * 56 // 100], ids[n * 56 // 100: n * 70 // 100], ids[n * 70 // 100: n * 72 // 100]
    d_on, d_late = req.deadline - timedelta(days=3), req.deadline + timedelta(days=4)
    t0 = time.perf_counter()
    with transaction.atomic():
        for group, state, day in ((on_time, "submitted", d_on), (late, "submitted", d_late), (returned, "returned", d_on)):
            for i in range(0, len(group), 10_000):
                chunk = group[i:i + 10_000]
                Addressee.objects.filter(pk__in=chunk).update(state=state, submitted_on=day,
                                                              reference=f"{i % 900 + 1}-KH/ĐU ngày {day:%d/%m/%Y}")
                Submission.objects.bulk_create([Submission(
                    addressee_id=a, submitted_on=day, document_number=f"{i % 900 + 1}-KH/ĐU", document_date=day,
                    returned_on=today - timedelta(days=1) if state == "returned" else None,
                    return_reason="Chưa đủ nội dung" if state == "returned" else "") for a in chunk], batch_size=5000)
        Addressee.objects.filter(pk__in=returned).update(returned_on=today - timedelta(days=1),
                                                         return_reason="Chưa đủ nội dung")
    log(f"bulk submissions: {len(on_time):,} on time, {len(late):,} late, {len(returned):,} returned "
        f"({time.perf_counter() - t0:.1f} s)")


def _bulk_reports(template: ReportTemplate, period: rules.Period) -> None:
    rng = random.Random(7)
    due = selectors.period_deadline(template, period).due_on
    orgs = [o for o in Organization.objects.filter(dissolved_on__isnull=True).only("pk", "path", "org_type")
            if selectors.template_applies_to(template, o)]
    codes = [i["code"] for i in template.indicators]
    rows = []
    for o in orgs:
        if rng.random() < 0.9:
            rows.append(PeriodicReport(template=template, organization_id=o.pk, org_path=o.path, year=period.year,
                                       index=period.index, due_on=due, state="submitted", submitted_on=due,
                                       values={c: rng.randint(0, 40) for c in codes},
                                       sources={c: {"kind": "manual"} for c in codes}))
    t0 = time.perf_counter()
    PeriodicReport.objects.bulk_create(rows, batch_size=5000)
    log(f"bulk reports: {len(rows):,} of {len(orgs):,} reporting organizations ({time.perf_counter() - t0:.1f} s)")


def samples(top: Organization) -> list[tuple[str, Organization]]:
    """The top, the two largest provinces, the largest grassroots committees, cells and a party group."""
    out = [("top (Central)", top)]
    provinces = list(Organization.objects.filter(parent=top).annotate(k=Count("children")).order_by("-k")[:2])
    out += [(f"province ({p.k} children)", p) for p in provinces]
    committees = list(Organization.objects.filter(org_type="grassroots_committee").annotate(k=Count("children"))
                      .order_by("-k")[:2])
    out += [(f"grassroots committee ({c.k} children)", c) for c in committees]
    out += [("cell", Organization.objects.filter(org_type="cell").order_by("path").first())]
    out += [("grassroots cell", Organization.objects.filter(org_type="grassroots_cell").order_by("path").first())]
    return out


def measure(client: Client, url: str, runs: int, **extra) -> float:
    resp = client.get(url, **extra)
    assert resp.status_code == 200, (url, resp.status_code)
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        resp = client.get(url, **extra)
        times.append(time.perf_counter() - t0)
        assert resp.status_code == 200, (url, resp.status_code)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--json")
    args = ap.parse_args()
    if connection.vendor != "postgresql":
        log("warning: this benchmark is meant for PostgreSQL")
    setup_test_environment()
    top = Organization.objects.filter(depth=1, dissolved_on__isnull=True).order_by("path").first()
    n_orgs = Organization.objects.filter(path__startswith=top.path).count()
    today = timezone.localdate()
    req, template, period, timings = setup(top, today)
    addressed = req.addressees.count()
    log(f"{n_orgs:,} organizations; requirement #{req.pk} addressed to {addressed:,}; template #{template.pk}, "
        f"reports of {period.label_en}: {PeriodicReport.objects.filter(template=template).count():,}")
    results = []
    for label, org in samples(top):
        user = bench_user(org)
        client = Client()
        client.force_login(user)
        report = PeriodicReport.objects.filter(template=template, organization=org, year=period.year,
                                               index=period.index).first()
        if report is None and selectors.template_applies_to(template, org):
            report = services.report_open(actor=user, template_id=template.pk, org_id=org.pk, year=period.year,
                                          index=period.index, today=today)
        node_counts = selectors.compliance_view(actor=user, requirement=req, node=org, today=today).total
        row = {"sample": label, "org": org.name, "depth": org.depth, "subtree_addressed": node_counts.addressed,
               "submitted": node_counts.summary.label}
        pages = {
            "requirement page (compliance, drill-down)": f"/directives/requirements/{req.pk}/",
            "requirement page, missing only": f"/directives/requirements/{req.pk}/?missing=1",
            "requirement list": "/directives/requirements/",
            "directives dashboard": "/directives/",
            "template page (children reported)":
                f"/directives/reports/templates/{template.pk}/?year={period.year}&index={period.index}",
        }
        if report is not None:
            pages["report page (children's sums)"] = f"/directives/reports/{report.pk}/"
        for name, url in pages.items():
            row[name] = round(measure(client, url, args.runs) * 1000, 1)
        results.append(row)
        log(json.dumps(row, ensure_ascii=False))
    # One-off exports at the top: every addressee in the XLSX, the PDF capped at its row limit.
    client = Client()
    client.force_login(bench_user(top))
    for name, url in (("compliance.xlsx (all addressees)", f"/directives/requirements/{req.pk}/compliance.xlsx"),
                      ("compliance.pdf (summary + first 400 rows)",
                       f"/directives/requirements/{req.pk}/compliance.pdf")):
        t0 = time.perf_counter()
        resp = client.get(url)
        assert resp.status_code == 200
        timings[name] = round(time.perf_counter() - t0, 2)
        log(f"{name}: {timings[name]} s, {len(resp.content):,} bytes")
    out = {"machine": machine(), "organizations": n_orgs, "addressed": addressed, "runs": args.runs,
           "one_off_seconds": timings, "pages_ms": results}
    if args.json:
        Path(args.json).write_text(json.dumps(out, ensure_ascii=False, indent=1), encoding="utf-8")
    log(json.dumps(out["machine"], ensure_ascii=False))


if __name__ == "__main__":
    main()
