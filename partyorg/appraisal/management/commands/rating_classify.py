"""``manage.py rating_classify FILE.json`` (``-`` reads stdin): classify subjects from their facts.

A thin wrapper: the contract lives in :mod:`partyorg.contracts.rating_classify` and the rules in
:mod:`partyorg.domain.rating`. No database access, no system checks.
"""

from __future__ import annotations

from partyorg.contracts.rating_classify import run
from partyorg.core.management.contract_command import ContractCommand


class Command(ContractCommand):
    help = "Phân loại chất lượng các đối tượng từ dữ kiện trong tệp JSON (hoặc '-' để đọc stdin). Classify subjects to a quality level from their facts in a JSON file (or '-' for stdin)."
    contract = staticmethod(run)
