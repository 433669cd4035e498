"""``manage.py rating_quota FILE.json`` (``-`` reads stdin): apply the HTXS quota to one peer group.

A thin wrapper: the contract lives in :mod:`partyorg.contracts.rating_quota` and the rules in
:mod:`partyorg.domain.rating`. No database access, no system checks.
"""

from __future__ import annotations

from partyorg.contracts.rating_quota import run
from partyorg.core.management.contract_command import ContractCommand


class Command(ContractCommand):
    help = "Áp dụng tỷ lệ hoàn thành xuất sắc nhiệm vụ cho một nhóm đối tượng từ tệp JSON (hoặc '-' để đọc stdin). Apply the excellent-rating quota to one peer group from a JSON file (or '-' for stdin)."
    contract = staticmethod(run)
