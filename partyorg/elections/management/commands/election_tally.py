"""``manage.py election_tally FILE.json`` (``-`` reads stdin): tally one election round.

A thin wrapper: the contract and every decision live in :mod:`partyorg.contracts.election_tally`
and :mod:`partyorg.domain.elections`. No database access, no system checks.
"""

from __future__ import annotations

import sys
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from partyorg.contracts.election_tally import run


class Command(BaseCommand):
    help = (
        "Kiểm phiếu một vòng bầu cử trong Đảng từ tệp JSON (hoặc '-' để đọc stdin). "
        "Tally one round of a Party election from a JSON file (or '-' for stdin)."
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", help="JSON input file, or '-' for standard input")

    def handle(self, *args: Any, **options: Any) -> None:
        path = options["file"]
        try:
            if path == "-":
                data = sys.stdin.buffer.read()
            else:
                with open(path, "rb") as handle:
                    data = handle.read()
            text = data.decode("utf-8-sig")
        except OSError as exc:
            code, out, err = (
                2,
                "",
                (f"Không đọc được tệp '{path}': {exc.strerror}\nCannot read file '{path}': {exc.strerror}\n"),
            )
        except UnicodeDecodeError:
            code, out, err = (
                2,
                "",
                (f"Tệp '{path}' không phải văn bản UTF-8.\nFile '{path}' is not UTF-8 text.\n"),
            )
        else:
            code, out, err = run(text)
        if out:
            self.stdout.write(out, ending="")
            self.stdout.flush()
        if err:
            self.stderr.write(err, ending="")
            self.stderr.flush()
        sys.exit(code)
