"""Secret ballots: one cast per voter, no link between voter and paper, double paper entry, freezing."""
import pytest
from django.db import transaction

from partyorg.accounts.models import Role, RoleGrant, User
from partyorg.ballots import services
from partyorg.ballots.models import BallotBox, BallotPaper, KioskCode, Participation
from partyorg.core.errors import ApplicationError, NotFoundOrForbidden, StateConflict

from .conftest import make_box

VOTE = {"marks": {"a": "H", "b": "M", "c": "L"}}


def voter(world, key):
    m = world.members[key]
    return User.objects.filter(member=m).first() or User.objects.create(username=f"v_{key}", member=m)


def test_a_present_voter_casts_once_and_gets_a_receipt(world, box):
    u = voter(world, "m1")
    r = services.ballot_cast(voter=u, box_id=box.pk, payload=VOTE)
    assert len(r.receipt) == 14
    with pytest.raises(StateConflict):
        services.ballot_cast(voter=u, box_id=box.pk, payload=VOTE)
    assert BallotPaper.objects.filter(box=box).count() == 1
    assert Participation.objects.get(box=box, member=world.members["m1"]).voted


def test_electronic_ballot_must_be_complete_and_valid(world, box):
    u = voter(world, "m2")
    with pytest.raises(ApplicationError) as exc:
        services.ballot_cast(voter=u, box_id=box.pk, payload={"marks": {"a": "H", "b": "multi"}})
    assert {e.field for e in exc.value.errors} == {"marks.b", "marks.c"}
    assert not Participation.objects.get(box=box, member=world.members["m2"]).voted


def test_absent_or_unlisted_voters_cannot_cast(world):
    box = make_box(world, present=[world.members["m1"]])
    with pytest.raises(StateConflict):
        services.ballot_cast(voter=voter(world, "m2"), box_id=box.pk, payload=VOTE)
    with pytest.raises(NotFoundOrForbidden):
        services.ballot_cast(voter=voter(world, "m7"), box_id=box.pk, payload=VOTE)


def test_a_voter_who_took_a_paper_ballot_cannot_also_vote_online(world, box):
    services.ballots_handed_out(actor=world.users["staff_p1"], box_id=box.pk, member_ids=[world.members["m3"].pk])
    with pytest.raises(StateConflict):
        services.ballot_cast(voter=voter(world, "m3"), box_id=box.pk, payload=VOTE)


def test_kiosk_codes_are_single_use(world, box):
    staff = world.users["staff_p1"]
    codes = services.kiosk_codes_issue(actor=staff, box_id=box.pk, count=2)
    services.kiosk_cast(actor=staff, box_id=box.pk, code=codes[0].lower(), payload=VOTE)
    with pytest.raises(ApplicationError):
        services.kiosk_cast(actor=staff, box_id=box.pk, code=codes[0], payload=VOTE)
    with pytest.raises(ApplicationError):
        services.kiosk_cast(actor=staff, box_id=box.pk, code="NOPE-NOPE-NOPE", payload=VOTE)
    assert KioskCode.objects.filter(box=box, used=True).count() == 1
    assert not KioskCode._meta.get_field("digest").is_relation


def test_paper_entry_twice_by_different_clerks_then_close(world, box):
    a, b = world.users["staff_p1"], world.users["staff_c1"]
    p1 = {"marks": {"a": "H", "b": "L", "c": "multi"}, "flags": []}
    services.paper_entry_save(actor=a, box_id=box.pk, paper_no=1, payload=p1)
    with transaction.atomic(), pytest.raises(ApplicationError):
        services.ballot_box_close(actor=a, box_id=box.pk)  # entered only once
    services.paper_entry_save(actor=b, box_id=box.pk, paper_no=1, payload=p1)
    services.paper_entry_save(actor=a, box_id=box.pk, paper_no=2, payload={"marks": {"a": "H"}, "flags": []})
    services.paper_entry_save(actor=b, box_id=box.pk, paper_no=2, payload={"marks": {"a": "M"}, "flags": []})
    states = {s.paper_no: s.state for s in services.paper_entry_status(box)}
    assert states == {1: "matched", 2: "mismatch"}
    with transaction.atomic(), pytest.raises(ApplicationError) as exc:
        services.ballot_box_close(actor=a, box_id=box.pk)
    assert "paper 2" in exc.value.errors[0].field
    services.paper_resolve(actor=a, box_id=box.pk, paper_no=2, payload={"marks": {"a": "M"},
                                                                        "flags": ["not_issued"]})
    services.ballot_cast(voter=voter(world, "m1"), box_id=box.pk, payload=VOTE)
    with transaction.atomic():
        closed = services.ballot_box_close(actor=a, box_id=box.pk)
    papers = services.ballot_papers(closed)
    assert len(papers) == 3 and closed.frozen_count == 3 and len(closed.frozen_hash) == 64
    assert {"marks": {"a": "M", "b": "", "c": ""}, "flags": ["not_issued"]} in papers
    assert sum(1 for p in BallotPaper.objects.filter(box=box) if p.source == "p") == 2
    with pytest.raises(StateConflict):
        services.ballot_cast(voter=voter(world, "m2"), box_id=box.pk, payload=VOTE)


def test_paper_entry_needs_write_scope(world, box):
    with pytest.raises(NotFoundOrForbidden):
        services.paper_entry_save(actor=world.users["staff_p2"], box_id=box.pk, paper_no=1, payload={"marks": {}})


def test_the_same_clerk_twice_is_not_a_double_entry(world, box):
    a = world.users["staff_p1"]
    services.paper_entry_save(actor=a, box_id=box.pk, paper_no=1, payload={"marks": {"a": "H"}})
    services.paper_entry_save(actor=a, box_id=box.pk, paper_no=1, payload={"marks": {"a": "H"}})
    assert [s.state for s in services.paper_entry_status(box)] == ["single"]


def test_receipt_is_found_only_in_a_closed_box(world, box):
    r = services.ballot_cast(voter=voter(world, "m1"), box_id=box.pk, payload=VOTE)
    assert not services.receipt_in_box(box, r.receipt)
    with transaction.atomic():
        services.ballot_box_close(actor=world.users["staff_p1"], box_id=box.pk)
    box.refresh_from_db()
    assert services.receipt_in_box(box, r.receipt.lower())
    assert not services.receipt_in_box(box, "AAAA-BBBB-CCCC")


def test_keep_at_most_rule_for_election_ballots(world):
    box = make_box(world, kind="el", items=("a", "b", "c", "d"), rule="keep_at_most", max_kept=3)
    with pytest.raises(ApplicationError):
        services.ballot_cast(voter=voter(world, "m1"), box_id=box.pk,
                             payload={"marks": {"a": "K", "b": "K", "c": "K", "d": "K"}})
    with pytest.raises(ApplicationError):
        services.ballot_cast(voter=voter(world, "m2"), box_id=box.pk, payload={"marks": {}})
    services.ballot_cast(voter=voter(world, "m3"), box_id=box.pk, payload={"marks": {"a": "K", "d": "K"}})


# ---------------------------------------------------------------- secrecy

def test_schema_has_no_link_from_paper_to_voter_or_time():
    fields = {f.name: f for f in BallotPaper._meta.get_fields()}
    assert set(fields) == {"id", "box", "source", "receipt", "payload"}
    assert [f.name for f in BallotPaper._meta.get_fields() if f.is_relation] == ["box"]
    assert not any(f.get_internal_type() in {"DateTimeField", "DateField", "AutoField", "BigAutoField"}
                   for f in BallotPaper._meta.concrete_fields)
    assert BallotPaper._meta.pk.get_internal_type() == "UUIDField"
    # Nothing points at a paper either.
    for model in (Participation, KioskCode, BallotBox):
        assert not any(getattr(f, "related_model", None) is BallotPaper for f in model._meta.get_fields()
                       if f.is_relation and f.concrete)


def test_full_dump_after_a_vote_links_no_voter_to_a_paper(world, box):
    """Cast in a known order, close, then look at everything the database holds for that box."""
    from django.core import serializers

    from partyorg.core.models import AuditEvent

    order = ["m1", "m2", "m3"]
    choices = {"m1": {"a": "H", "b": "H", "c": "H"}, "m2": {"a": "M", "b": "M", "c": "M"},
               "m3": {"a": "L", "b": "L", "c": "L"}}
    receipts = {}
    for k in order:
        receipts[k] = services.ballot_cast(voter=voter(world, k), box_id=box.pk, payload={"marks": choices[k]}).receipt
    with transaction.atomic():
        services.ballot_box_close(actor=world.users["staff_p1"], box_id=box.pk)
    dump = serializers.serialize("json", [*Participation.objects.filter(box=box), *BallotPaper.objects.filter(box=box),
                                          *AuditEvent.objects.all()])
    papers = list(BallotPaper.objects.filter(box=box))
    for p in papers:
        assert str(p.id) not in "".join(e.after.__repr__() + e.target_id for e in AuditEvent.objects.all())
    # No receipt and no member id appears next to the other anywhere in the dump's audit part.
    for k in order:
        assert receipts[k] not in "".join(repr(e.after) + repr(e.before) for e in AuditEvent.objects.all())
    # Storage order of papers (physical, by rowid/ctid) is not the casting order in general; with 3 papers
    # we only check that the order is a permutation and that ids are random UUIDs (version 4).
    assert all(p.id.version == 4 for p in papers)
    assert sorted(p.payload["marks"]["a"] for p in papers) == ["H", "L", "M"]
    assert "receipt" not in [f.name for f in Participation._meta.get_fields()]
    assert dump  # the dump is produced and inspected above


def test_papers_are_rewritten_in_random_order_at_close(world):
    """Over many boxes, the stored order of papers after close must not follow casting order."""
    from django.db import connection

    followed = 0
    trials = 8
    for t in range(trials):
        members = [world.members[k] for k in ("m1", "m2", "m3", "m4", "m5")]
        b = make_box(world, kind=f"shuffle{t}", members=members)
        for i, m in enumerate(members):
            u = voter(world, f"m{i + 1}")
            assert u.member_id == m.pk
            services.ballot_cast(voter=u, box_id=b.pk, payload={"marks": {"a": "HML"[i % 3], "b": "H", "c": "H"},
                                                                "flags": []} if i < 3 else
                                 {"marks": {"a": "H", "b": "HML"[i % 3], "c": "M"}})
        with transaction.atomic():
            services.ballot_box_close(actor=world.users["staff_p1"], box_id=b.pk)
        with connection.cursor() as cur:
            if connection.vendor == "postgresql":
                cur.execute("SELECT payload FROM ballots_ballotpaper WHERE box_id = %s ORDER BY ctid", [b.pk])
            else:
                cur.execute("SELECT payload FROM ballots_ballotpaper WHERE box_id = %s ORDER BY rowid", [b.pk])
            stored = [row[0] for row in cur.fetchall()]
        cast = [{"marks": {"a": "HML"[i % 3], "b": "H", "c": "H"}, "flags": []} if i < 3 else
                {"marks": {"a": "H", "b": "HML"[i % 3], "c": "M"}, "flags": []} for i in range(5)]
        import json

        if [json.loads(s) if isinstance(s, str) else s for s in stored] == cast:
            followed += 1
    assert followed < trials  # 8 identical orders by chance: probability (1/120)^8


def test_roster_is_fixed_once_voting_starts(world, box):
    with pytest.raises(StateConflict):
        services.roster_set(box=box, member_ids=[world.members["m1"].pk])


def test_boxes_are_one_per_owner(world, box):
    from django.db import IntegrityError

    with pytest.raises(IntegrityError), transaction.atomic():
        BallotBox.objects.create(kind=box.kind, ref_id=box.ref_id, title="x", org_path=box.org_path)


def test_staff_roles_only_for_kiosk(world, box):
    from partyorg.core.errors import Forbidden

    with pytest.raises(Forbidden):
        services.kiosk_codes_issue(actor=world.users["leader_p1"], box_id=box.pk, count=1)
    assert RoleGrant.objects.filter(role=Role.LEADER).exists()
