"""``manage.py election_tally FILE.json`` (``-`` reads stdin): tally one election round.

A thin wrapper: the contract and every decision live in :mod:`partyorg.contracts.election_tally`
and :mod:`partyorg.domain.elections`. No database access, no system checks.

Exit status 0 with the JSON on stdout (``handle`` returns normally, so ``call_command`` works too),
or 2 with a message in Vietnamese and English on stderr and nothing on stdout (``SystemExit(2)``).
Both streams are written as UTF-8 whatever the locale of the terminal.
"""

from __future__ import annotations

import sys
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, OutputWrapper

from partyorg.contracts.election_tally import run


def _emit(stream: OutputWrapper, text: str) -> None:
    """Write ``text`` as UTF-8 bytes when the stream has a byte buffer (a real file or terminal),
    as text otherwise (``call_command(stdout=StringIO())``)."""
    if not text:
        return
    buffer = getattr(stream, "buffer", None)
    if buffer is not None:
        stream.flush()
        buffer.write(text.encode("utf-8"))
        buffer.flush()
    else:
        stream.write(text, ending="")
        stream.flush()


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
            reason = exc.strerror or str(exc)
            code, out, err = (
                2,
                "",
                f"Không đọc được tệp '{path}': {reason}\nCannot read file '{path}': {reason}\n",
            )
        except UnicodeDecodeError:
            code, out, err = (
                2,
                "",
                f"Tệp '{path}' không phải văn bản UTF-8.\nFile '{path}' is not UTF-8 text.\n",
            )
        else:
            code, out, err = run(text)
        _emit(self.stdout, out)
        _emit(self.stderr, err)
        if code != 0:
            sys.exit(code)
