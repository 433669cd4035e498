"""Elections objects for the permission matrix (tests/test_permission_matrix.py, ``EXTRA_PARAMS``).

``election_kinds(ObjectKind)`` maps the URL parameters of partyorg/elections/urls.py (congress_id,
item_id, round_id) to objects in cells of the test world: a congress of each cell, with an item whose
list is approved and whose first round is open (its ballot box holds the cell's members). A congress is
visible to the scopes that cover its organization, so the homes are cells: cell2 (a sibling of cell1),
cell3 (another commune) and cell4 (province Beta). Made once, through the services, by the operator.
"""
from __future__ import annotations

from datetime import date
from typing import Any

HOMES = ("cell2", "cell3", "cell4")


def _build(mw) -> dict[str, dict[str, Any]]:
    cached = getattr(mw, "_election_objects", None)
    if cached is not None:
        return cached
    from partyorg.elections import services as s
    from partyorg.elections.models import RollEntry

    op = mw.w.users["operator"]
    out: dict[str, dict[str, Any]] = {"congress": {}, "item": {}, "round": {}}
    for home in HOMES:
        org = mw.orgs[home]
        c = s.congress_create(actor=op, data=s.CongressInput(
            org_id=org.pk, title=f"Đại hội Kín {home}", venue="cell_congress", kind="members",
            term_label="2025–2030", starts_on=date(2025, 5, 10)))
        s.congress_roll_fill(actor=op, congress_id=c.pk)
        entries = list(RollEntry.objects.filter(congress=c).order_by("member_id"))
        s.congress_attendance_set(actor=op, congress_id=c.pk, present_entry_ids=[e.pk for e in entries])
        s.congress_open(actor=op, congress_id=c.pk)
        item = s.item_create(actor=op, congress_id=c.pk, kind="delegate_official", title=f"Đại biểu Kín {home}")
        s.item_seats_fix(actor=op, item_id=item.pk, seats=1, decision_ref="01-QĐ/ĐU")
        s.item_nominations_open(actor=op, item_id=item.pk)
        s.candidate_add(actor=op, item_id=item.pk, member_id=entries[0].member_id, source="convening")
        s.item_list_propose(actor=op, item_id=item.pk)
        n = len(entries)
        s.item_list_approve(actor=op, item_id=item.pk, agree=n, disagree=0, attending=n)
        rnd = s.round_open(actor=op, item_id=item.pk)
        out["congress"][home], out["item"][home], out["round"][home] = c, item, rnd
    mw._election_objects = out
    return out


def election_kinds(object_kind) -> dict[str, Any]:
    return {
        "congress_id": object_kind("election_congress", HOMES, make=lambda mw: _build(mw)["congress"],
                                   texts=lambda c: [c.title]),
        "item_id": object_kind("election_item", HOMES, make=lambda mw: _build(mw)["item"],
                               texts=lambda i: [i.title]),
        "round_id": object_kind("election_round", HOMES, make=lambda mw: _build(mw)["round"],
                                texts=lambda r: [r.item.title]),
    }
