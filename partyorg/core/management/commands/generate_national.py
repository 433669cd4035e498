"""``manage.py generate_national``: national-scale synthetic data (see ``partyorg.core.synthetic``).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/partyorg_bench \\
        .venv/bin/python manage.py migrate && \\
        .venv/bin/python manage.py generate_national --members 5500000 --orgs 53000

Refuses a database that already has organizations or members unless ``--append`` (a second
national tree next to the data present, with its own codes and new citizen IDs) or ``--force``
(empties the whole database first, like ``manage.py flush``) is given.
"""
from __future__ import annotations

import json
import time

from django.core.management.base import BaseCommand, CommandError

from partyorg.core.synthetic import NotEmptyError, generate


class Command(BaseCommand):
    help = ("Sinh dữ liệu mô phỏng cấp toàn quốc / Generate national-scale synthetic data "
            "(PostgreSQL: COPY; other databases: slow inserts, for small sizes).")

    def add_arguments(self, parser):
        parser.add_argument("--members", type=int, default=5_500_000)
        parser.add_argument("--orgs", type=int, default=53_000, help="organizations, all levels (about)")
        parser.add_argument("--seed", type=int, default=20261123)
        parser.add_argument("--with-history", action="store_true",
                            help="also write one ActivityRecord and one MemberStatusChange per member "
                                 "(as the file import does); about doubles the time")
        mode = parser.add_mutually_exclusive_group()
        mode.add_argument("--append", action="store_true", help="add a second tree to a non-empty database")
        mode.add_argument("--force", action="store_true", help="EMPTY THE WHOLE DATABASE first, then generate")
        idx = parser.add_mutually_exclusive_group()
        idx.add_argument("--keep-indexes", action="store_true", help="never drop indexes around the load")
        idx.add_argument("--drop-indexes", action="store_true", help="always drop/rebuild indexes (PostgreSQL)")
        parser.add_argument("--report-json", help="write the timings and counts to this file")

    def handle(self, *args, **opts):
        from django.db import connection

        if opts["members"] > 200_000 and connection.vendor != "postgresql":
            self.stderr.write("Warning: large sizes are meant for PostgreSQL (COPY); this will be slow.")
        suspend = True if opts["drop_indexes"] else False if opts["keep_indexes"] else None
        t0 = time.perf_counter()
        try:
            report = generate(members=opts["members"], orgs=opts["orgs"], seed=opts["seed"], force=opts["force"],
                              append=opts["append"], with_history=opts["with_history"], suspend_indexes=suspend,
                              log=lambda s: (self.stdout.write(s), self.stdout.flush()))
        except NotEmptyError as exc:
            raise CommandError(str(exc))
        wall = time.perf_counter() - t0
        self.stdout.write(self.style.SUCCESS(
            f"Done: {report.organizations:,} organizations, {report.members:,} members, {report.positions:,} "
            f"positions in {wall:.1f} s ({', '.join(f'{k} {v:.1f}' for k, v in report.seconds.items())})"))
        if opts["report_json"]:
            with open(opts["report_json"], "w", encoding="utf-8") as fh:
                json.dump({**report.as_dict(), "wall_seconds": round(wall, 2)}, fh, ensure_ascii=False, indent=1)
