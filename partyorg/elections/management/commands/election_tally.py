"""``manage.py election_tally FILE.json`` (``-`` reads stdin): tally one election round.

A thin wrapper: the contract and every decision live in :mod:`partyorg.contracts.election_tally`
and :mod:`partyorg.domain.elections`. No database access, no system checks.

Exit status 0 with the JSON on stdout (``handle`` returns normally, so ``call_command`` works too),
or 2 with a message in Vietnamese and English on stderr and nothing on stdout (``SystemExit(2)``).
Both streams are written as UTF-8 whatever the locale of the terminal.
"""

from __future__ import annotations

from partyorg.contracts.election_tally import run
from partyorg.core.management.contract_command import ContractCommand


class Command(ContractCommand):
    help = (
        "Kiểm phiếu một vòng bầu cử trong Đảng từ tệp JSON (hoặc '-' để đọc stdin). "
        "Tally one round of a Party election from a JSON file (or '-' for stdin)."
    )
    contract = staticmethod(run)

    def read_error(self, path: str, exc: OSError | UnicodeDecodeError) -> str:
        if isinstance(exc, UnicodeDecodeError):
            return f"Tệp '{path}' không phải văn bản UTF-8.\nFile '{path}' is not UTF-8 text.\n"
        reason = exc.strerror or str(exc)
        return f"Không đọc được tệp '{path}': {reason}\nCannot read file '{path}': {reason}\n"
