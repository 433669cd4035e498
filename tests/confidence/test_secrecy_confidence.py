"""Secret ballot after a whole confidence vote through the services (CV-22): a full ``dumpdata`` of the
database links no voter to a ballot paper, no paper row is stored or ordered like the casting order,
and no audit entry carries a paper id or a receipt."""
from __future__ import annotations

import io
import json
import re

from django.core.management import call_command

from partyorg.ballots import services as ballots
from partyorg.ballots.models import BallotPaper
from partyorg.confidence import services
from tests.conftest import make_member

from .conftest import account, count, enter_paper, items, to_voting

CHOICES = [("H", "H"), ("H", "M"), ("H", "L"), ("M", "H"), ("M", "M"), ("M", "L"), ("L", "H"), ("L", "M"),
           ("L", "L")]


def test_full_dump_after_a_confidence_vote_links_no_voter_to_a_paper(world):
    op = world.users["operator"]
    extra = [make_member(op, world.cell1, f"Đinh Văn Cử Tri {i}", 200000000000 + i) for i in range(7)]
    voters = [world.members[k] for k in ("m1", "m2", "m3", "m4", "m5")] + extra
    for i, m in enumerate(extra):
        world.members[f"x{i}"] = m
    keys = ["m1", "m2", "m3", "m4", "m5"] + [f"x{i}" for i in range(7)]
    conf = to_voting(world, present=keys, voters=keys)
    by_name = items(conf)
    a, b = by_name[world.members["m1"].full_name], by_name[world.members["m2"].full_name]
    cast_order: list[dict] = []
    receipts: list[str] = []
    # Nine electronic voters cast in a known order, each a different ballot.
    for k, (x, y) in zip(keys[:9], CHOICES, strict=True):
        r = ballots.ballot_cast(voter=account(world, k), box_id=conf.box_id, payload={"marks": {a: x, b: y}})
        receipts.append(r.receipt)
        cast_order.append({"marks": {a: x, b: y}, "flags": []})
    # One voter at the kiosk with an unnamed code, two on paper (entered twice).
    staff = world.users["staff_c1"]
    services.paper_ballots_issue(actor=staff, conference_id=conf.pk,
                                 member_ids=[world.members[k].pk for k in keys[9:]])
    code = services.kiosk_codes_issue(actor=staff, conference_id=conf.pk, count=1)[0]
    receipts.append(ballots.kiosk_cast(actor=staff, box_id=conf.box_id, code=code,
                                       payload={"marks": {a: "H", b: "H"}}).receipt)
    cast_order.append({"marks": {a: "H", b: "H"}, "flags": []})
    enter_paper(world, conf, 1, {"m1": "multi", "m2": "H"})
    enter_paper(world, conf, 2, {"m1": "blank", "m2": "L"}, flags=["written_in"])
    conf = count(world, conf)
    assert conf.collected == 12

    out = io.StringIO()
    call_command("dumpdata", format="json", stdout=out, exclude=["sessions", "contenttypes", "auth.permission"])
    dump_text = out.getvalue()
    dump = json.loads(dump_text)
    papers = [o for o in dump if o["model"] == "ballots.ballotpaper"]
    assert len(papers) == 12

    # 1. A paper row holds its box, its source, the receipt (electronic only) and the marks: nothing else.
    voter_ids = {str(m.pk) for m in voters}
    usernames = {account(world, k).username for k in keys[:9]}
    user_ids = {str(account(world, k).pk) for k in keys[:9]}
    item_ids = set(conf.box.item_ids)
    for p in papers:
        assert set(p["fields"]) == {"box", "source", "receipt", "payload"}
        assert set(p["fields"]["payload"]) == {"marks", "flags"}
        assert set(p["fields"]["payload"]["marks"]) == item_ids
        row_text = json.dumps({k: v for k, v in p["fields"].items() if k != "payload"})
        assert not any(re.search(rf"\b{u}\b", row_text) for u in usernames | user_ids | voter_ids - {str(
            p["fields"]["box"])})
    # 2. Nothing anywhere points at a paper: each paper id appears exactly once in the whole dump.
    for p in papers:
        assert dump_text.count(p["pk"]) == 1, p["pk"]
    # 3. Each receipt appears once, in its paper row: never next to a participation, a user or an audit entry.
    for r in receipts:
        assert dump_text.count(r) == 1, r
    # 4. Audit entries never carry a paper id, a receipt or the marks of an electronic ballot.
    audit = [o for o in dump if o["model"] == "core.auditevent"]
    audit_text = json.dumps(audit, ensure_ascii=False)
    assert not any(p["pk"] in audit_text for p in papers) and not any(r in audit_text for r in receipts)
    for ev in audit:
        if ev["fields"]["action"] in ("ballot.voted", "ballot.kiosk_vote"):
            assert ev["fields"]["after"] is None and ev["fields"]["before"] is None
    # 5. Neither the dump order (by id) nor the physical order follows the casting order.
    electronic = [p["fields"]["payload"] for p in papers if p["fields"]["source"] == "e"]
    assert electronic != cast_order
    from django.db import connection

    with connection.cursor() as cur:
        order_by = "ctid" if connection.vendor == "postgresql" else "rowid"
        cur.execute(f"SELECT payload, source FROM ballots_ballotpaper WHERE box_id = %s ORDER BY {order_by}",
                    [conf.box_id])
        stored = [json.loads(pl) if isinstance(pl, str) else pl for pl, src in cur.fetchall() if src == "e"]
    assert stored != cast_order
    assert all(__import__("uuid").UUID(p["pk"]).version == 4 for p in papers)
    # 6. The participation rows say who was convened, present, issued a ballot, voted: no receipt, no time.
    parts = [o for o in dump if o["model"] == "ballots.participation" and o["fields"]["box"] == conf.box_id]
    assert set(parts[0]["fields"]) == {"box", "member", "present", "ballot_issued", "voted"}
    assert [p["fields"]["member"] for p in parts] == sorted(p["fields"]["member"] for p in parts)
    # 7. The confidence tables hold only counts: the subject rows sum to the tally, nothing per voter.
    rows = [o for o in dump if o["model"] == "confidence.subject" and o["fields"]["conference"] == conf.pk
            and not o["fields"]["exempt"]]
    assert sum(r["fields"]["high"] + r["fields"]["medium"] + r["fields"]["low"] + r["fields"]["invalid"]
               for r in rows) == 12 * len(rows)
    assert BallotPaper.objects.filter(box_id=conf.box_id).count() == 12
