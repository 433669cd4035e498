"""``manage.py rating_quota FILE.json`` (``-`` reads stdin): apply the HTXS quota to one peer group.

A thin wrapper: the contract lives in :mod:`partyorg.contracts.rating_quota` and the rules in
:mod:`partyorg.domain.rating`. No database access, no system checks.
"""

from __future__ import annotations

import sys
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from partyorg.contracts.rating_quota import run


class Command(BaseCommand):
    help = "Áp dụng tỷ lệ hoàn thành xuất sắc nhiệm vụ cho một nhóm đối tượng từ tệp JSON (hoặc '-' để đọc stdin). Apply the excellent-rating quota to one peer group from a JSON file (or '-' for stdin)."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", help="JSON input file, or '-' for standard input")

    def handle(self, *args: Any, **options: Any) -> None:
        path = options["file"]
        try:
            data = sys.stdin.buffer.read() if path == "-" else _read(path)
            text = data.decode("utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            vi, en = (
                ("đầu vào chuẩn", "standard input") if path == "-" else (f"tệp '{path}'", f"file '{path}'")
            )
            _emit(sys.stderr, f"Lỗi: không đọc được {vi} ({exc})\nError: cannot read {en} ({exc})\n")
            sys.exit(2)
        code, out, err = run(text)
        _emit(sys.stdout, out)
        _emit(sys.stderr, err)
        sys.exit(code)


def _read(path: str) -> bytes:
    with open(path, "rb") as handle:
        return handle.read()


def _emit(stream: Any, text: str) -> None:
    """Write UTF-8 whatever the locale of the terminal (the output holds Vietnamese text)."""
    buffer = getattr(stream, "buffer", None)
    if buffer is not None:
        buffer.write(text.encode("utf-8"))
        buffer.flush()
    else:
        stream.write(text)
