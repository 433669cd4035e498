"""``manage.py confidence_tally FILE.json`` (``-`` reads stdin): tally one confidence rating vote.

A thin wrapper: the contract and every edge-case decision live in
:mod:`partyorg.contracts.confidence_tally` (see its docstring) and the rules in
:mod:`partyorg.domain.confidence`. No database access, no system checks.
"""

from __future__ import annotations

from argparse import RawDescriptionHelpFormatter
from typing import IO, Any

from django.core.management.base import CommandParser

from partyorg.contracts.confidence_tally import run_source
from partyorg.core.management.contract_command import ContractCommand

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


class Command(ContractCommand):
    help = (
        "Tính kết quả lấy phiếu tín nhiệm từ tệp JSON (hoặc '-' để đọc stdin). "
        "Tally a confidence rating vote from a JSON file (or '-' for stdin)."
    )
    file_help = "tệp JSON, hoặc '-' cho stdin / JSON input file, or '-' for stdin"

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        kwargs.setdefault("formatter_class", RawDescriptionHelpFormatter)
        kwargs.setdefault("epilog", EPILOG)
        return super().create_parser(prog_name, subcommand, **kwargs)

    def run_contract(self, path: str, stdin: IO[Any]) -> tuple[int, str, str]:
        # The contract reads the input itself (a missing file, non-UTF-8 bytes: exit 2 with its messages);
        # a binary-backed stdin is read as bytes, a text stream (a test's StringIO) as text.
        return run_source(path, getattr(stdin, "buffer", stdin))
