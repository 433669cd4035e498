"""The base of the counting-committee commands (``confidence_tally``, ``election_tally``, ``rating_quota``,
``rating_classify``): each reads a JSON file (or ``-``: standard input), hands the text to its pure
contract in :mod:`partyorg.contracts`, and prints what the contract returns.

Shared here: reading the input as UTF-8 (a byte-order mark allowed; ``call_command(..., stdin=...)`` may
pass a text stream), writing stdout and stderr as UTF-8 whatever the terminal's locale (the output holds
Vietnamese names), and the exit status: 0 returns normally, so ``call_command`` does not raise; any other
status leaves through ``SystemExit``. No database access, no system checks.
"""
from __future__ import annotations

import sys
from argparse import ArgumentParser
from collections.abc import Callable
from typing import IO, Any

from django.core.management.base import BaseCommand, OutputWrapper


def read_input(path: str, stdin: IO[Any]) -> str:
    """The text of ``path``, or of ``stdin`` for ``-``. Raises OSError or UnicodeDecodeError."""
    if path == "-":
        raw = getattr(stdin, "buffer", stdin).read()
    else:
        with open(path, "rb") as handle:
            raw = handle.read()
    return raw.decode("utf-8-sig") if isinstance(raw, bytes) else raw.removeprefix("\ufeff")


def emit_utf8(stream: OutputWrapper, text: str) -> None:
    """Write ``text`` as UTF-8 bytes when the stream has a byte buffer (a real file or terminal), as text
    otherwise (``call_command(stdout=StringIO())``)."""
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


class ContractCommand(BaseCommand):
    requires_system_checks: list[str] = []
    requires_migrations_checks = False
    # ``call_command(name, "-", stdin=io.StringIO(...))`` may pass the input stream.
    stealth_options = ("stdin",)
    file_help = "JSON input file, or '-' for standard input"
    #: The contract: input text -> (exit status, stdout text, stderr text); set as ``staticmethod(run)``.
    contract: Callable[[str], tuple[int, str, str]]

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", help=self.file_help)

    def read_error(self, path: str, exc: OSError | UnicodeDecodeError) -> str:
        """The stderr text when the input cannot be read (exit status 2)."""
        vi, en = ("đầu vào chuẩn", "standard input") if path == "-" else (f"tệp '{path}'", f"file '{path}'")
        return f"Lỗi: không đọc được {vi} ({exc})\nError: cannot read {en} ({exc})\n"

    def run_contract(self, path: str, stdin: IO[Any]) -> tuple[int, str, str]:
        """(exit status, stdout text, stderr text) for the input at ``path``."""
        try:
            text = read_input(path, stdin)
        except (OSError, UnicodeDecodeError) as exc:
            return 2, "", self.read_error(path, exc)
        return self.contract(text)

    def handle(self, *args: Any, **options: Any) -> None:
        code, out, err = self.run_contract(options["file"], options.get("stdin") or sys.stdin)
        emit_utf8(self.stdout, out)
        emit_utf8(self.stderr, err)
        if code:
            sys.exit(code)
