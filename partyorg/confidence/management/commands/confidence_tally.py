"""``manage.py confidence_tally FILE.json`` (``-`` reads stdin): tally one confidence rating vote.

A thin wrapper: the contract and every edge-case decision live in
:mod:`partyorg.contracts.confidence_tally` (see its docstring) and the rules in
:mod:`partyorg.domain.confidence`. No database access, no system checks.
"""

from __future__ import annotations

import contextlib
import io
import sys
from argparse import ArgumentParser, RawDescriptionHelpFormatter
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from partyorg.contracts.confidence_tally import run_source

EPILOG = """\
Đầu ra / Output: JSON (rule_set, quorum, ballots, subjects[...]) trên stdout.
Mã thoát / Exit status:
  0  kết quả hợp lệ / a valid result
  3  không đủ 2/3 số người được triệu tập có mặt, phiếu không có giá trị (JSON vẫn được in,
     "met": false, mọi "band" là null) / void for lack of quorum (JSON still printed, "met": false,
     every "band" null)
  2  dữ liệu sai (thông báo Việt-Anh trên stderr, nêu tên trường) / bad input (Vietnamese and
     English message on stderr naming the field; nothing on stdout)
Quy ước / Decisions:
  - "auto": QD262-2014 trước 02/02/2023, QD96-2023 từ ngày đó (CV-2); NQ96-2023-QH15 phải chọn rõ
    vì đầu vào không cho biết cơ quan là Quốc hội/HĐND / "auto" never picks NQ96-2023-QH15: name it.
  - required = ceil(2*convened/3); NQ96-2023-QH15 chỉ ghi nhận sĩ số (CV-18): "met" luôn true,
    phép so sánh 2/3 ở "two_thirds_present" / NQ96 records attendance only: "met" is always true.
  - ballots_collected = 0 (CV-33): không tính tỷ lệ, không xếp mức (null), mã thoát 0 /
    no percentages, no band (null), exit 0.
  - Tỷ lệ chia cho số phiếu thu về, làm tròn nửa lên 2 chữ số / percentages over ballots collected,
    rounded half up to 2 decimals. "band" theo CV-34 cho mọi bộ quy tắc; QD262 chỉ có hậu quả CV-39.
"""


class Command(BaseCommand):
    help = (
        "Tính kết quả lấy phiếu tín nhiệm từ tệp JSON (hoặc '-' để đọc stdin). "
        "Tally a confidence rating vote from a JSON file (or '-' for stdin)."
    )
    requires_system_checks: list[str] = []
    requires_migrations_checks = False
    # ``call_command("confidence_tally", "-", stdin=io.StringIO(...))`` may pass the input stream.
    stealth_options = ("stdin",)

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        kwargs.setdefault("formatter_class", RawDescriptionHelpFormatter)
        kwargs.setdefault("epilog", EPILOG)
        return super().create_parser(prog_name, subcommand, **kwargs)

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", help="tệp JSON, hoặc '-' cho stdin / JSON input file, or '-' for stdin")

    def handle(self, *args: Any, **options: Any) -> None:
        stdin = options.get("stdin") or sys.stdin
        # Real binary-backed stdin is read as bytes (UTF-8, BOM allowed); a text stream (a test's
        # StringIO, a replaced sys.stdin) is read as text.
        source = getattr(stdin, "buffer", stdin)
        code, out, err = run_source(options["file"], source)
        _utf8(self.stdout._out, self.stderr._out)
        if out:
            self.stdout.write(out, ending="")
            self.stdout.flush()
        if err:
            self.stderr.write(err, ending="")
            self.stderr.flush()
        if code:
            # 2 (bad input) or 3 (void for lack of quorum). A valid result returns normally (exit 0),
            # so ``call_command`` does not raise for it.
            sys.exit(code)


def _utf8(*streams: Any) -> None:
    """Write the process's own stdout/stderr as UTF-8 whatever the locale (PYTHONIOENCODING=latin-1,
    LANG=C...): the JSON keeps Vietnamese names unescaped and must never fail half-way."""
    for stream in streams:
        if isinstance(stream, io.TextIOWrapper) and (stream.encoding or "").lower().replace("_", "-") != "utf-8":
            with contextlib.suppress(ValueError, io.UnsupportedOperation):
                stream.reconfigure(encoding="utf-8")
