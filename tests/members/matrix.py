"""Transfer letters for the permission matrix (tests/test_permission_matrix.py, ``EXTRA_PARAMS``).

A letter is read by the scopes of both its ends, so each home's letter goes to a cell made here beside
its home cell, read by exactly the same roles: cell2 -> a second cell of commune Một, cell4 -> a second
cell of commune Ba. Each letter is for a member made for it (named ``LETTER_MEMBER_PREFIX`` ...), so the
other members of the test world keep their status; the matrix's exact member lists leave them out."""
from __future__ import annotations

from datetime import date
from typing import Any

HOMES = ("cell2", "cell4")
LETTER_MEMBER_PREFIX = "Phan Văn Chuyển"


def _build(mw) -> dict[str, Any]:
    cached = getattr(mw, "_letters", None)
    if cached is not None:
        return cached
    from partyorg.members import transfers
    from partyorg.organizations.models import OrgType
    from partyorg.organizations.services import organization_create
    from tests.conftest import make_member

    op = mw.w.users["operator"]
    out = {}
    for n, (home, commune) in enumerate((("cell2", "c1"), ("cell4", "c3"))):
        to = organization_create(actor=op, parent_id=mw.orgs[commune].pk, name=f"Chi bộ Thôn Mới {home}",
                                 code=f"NEW-{home}", org_type=OrgType.CELL, established_on=date(2000, 1, 1))
        m = make_member(op, mw.orgs[home], f"{LETTER_MEMBER_PREFIX} {home}", 700000000001 + n)
        out[home] = transfers.letter_issue(actor=op, member_id=m.pk, to_org_id=to.pk, number=f"GGT-KIN-{home}",
                                           issued_on=date(2026, 1, 5))
    mw._letters = out
    return out


def member_kinds(object_kind: Any) -> dict[str, Any]:
    return {"letter_id": object_kind("transfer_letter", HOMES, make=_build,
                                     texts=lambda letter: [letter.number, letter.member.full_name])}
