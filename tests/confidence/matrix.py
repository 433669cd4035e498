"""Confidence-vote objects for the permission matrix (tests/test_permission_matrix.py, ``EXTRA_PARAMS``).

``confidence_kinds(ObjectKind)`` maps the URL parameters of partyorg/confidence/urls.py
(``conference_id``, ``subject_id``, ``case_id``) to objects made in "homes" of the test world. Each
home holds one COUNTED conference (one rated member of that home, one paper ballot entered twice, all
"low"), so every page of a conference has data behind it and each conference has a consequence case.
A conference and its rows are read by the scopes covering its organization; a case also by the scope of
its managing authority, which defaults to the parent organization (inside the same reads here).
"""
from __future__ import annotations

from datetime import date
from typing import Any

HOMES = ("cell2", "c2", "c3", "p2")
# home -> (rated member, committee member, second clerk with write scope on the home)
CAST = {"cell2": ("m4", "m5", "staff_c1"), "c2": ("m6", "m4", "staff_p1"), "c3": ("m7", "m8", "staff_p2"),
        "p2": ("m8", "m7", "staff_p2")}


def _build(mw) -> dict[str, dict[str, Any]]:
    cached = getattr(mw, "_confidence_objects", None)
    if cached is not None:
        return cached
    from partyorg.ballots import services as ballots
    from partyorg.confidence import services as s
    from partyorg.confidence.models import ConsequenceCase

    op = mw.w.users["operator"]
    out: dict[str, dict[str, Any]] = {"conference": {}, "subject": {}, "case": {}}
    for home in HOMES:
        rated, committee, clerk = (mw.members[CAST[home][0]], mw.members[CAST[home][1]],
                                   mw.w.users[CAST[home][2]])
        conf = s.conference_create(actor=op, org_id=mw.orgs[home].pk, data=s.ConferenceInput(
            title=f"Hội nghị tín nhiệm kín {home}", voting_body=f"Ban Chấp hành kín {home}",
            vote_date=date(2026, 11, 20)))
        subject = s.subject_add(actor=op, conference_id=conf.pk, member_id=rated.pk, position=f"Bí thư {home}",
                                reason="matrix")
        s.committee_set(actor=op, conference_id=conf.pk, member_ids=[committee.pk], head_id=committee.pk)
        s.conference_prepare(actor=op, conference_id=conf.pk)
        s.roster_update(actor=op, conference_id=conf.pk, member_ids=[rated.pk])
        s.dossier_update(actor=op, conference_id=conf.pk, subject_id=subject.pk, data=s.DossierInput(
            self_assessment_on=date(2026, 10, 30), declaration_ref="KK", declaration_signed_declarant=True,
            declaration_signed_receiver=True))
        s.conference_send_dossiers(actor=op, conference_id=conf.pk)
        s.attendance_update(actor=op, conference_id=conf.pk, present_ids=[rated.pk])
        s.conference_open(actor=op, conference_id=conf.pk)
        s.conference_start_voting(actor=op, conference_id=conf.pk)
        s.paper_ballots_issue(actor=op, conference_id=conf.pk, member_ids=[rated.pk])
        conf.refresh_from_db()
        for u in (op, clerk):
            ballots.paper_entry_save(actor=u, box_id=conf.box_id, paper_no=1,
                                     payload={"marks": {str(subject.pk): "L"}, "flags": []})
        s.conference_count(actor=op, conference_id=conf.pk, today=date(2026, 11, 20))
        conf.refresh_from_db()
        subject.refresh_from_db()
        out["conference"][home] = conf
        out["subject"][home] = subject
        out["case"][home] = ConsequenceCase.objects.get(pk=subject.case_id)
    mw._confidence_objects = out
    return out


def confidence_kinds(object_kind: Any) -> dict[str, Any]:
    """``{url parameter: ObjectKind}`` for the confidence area."""
    return {
        "conference_id": object_kind("cv_conference", HOMES, make=lambda mw: _build(mw)["conference"],
                                     texts=lambda c: [c.title, c.voting_body]),
        "subject_id": object_kind("cv_subject", HOMES, make=lambda mw: _build(mw)["subject"],
                                  texts=lambda x: [x.full_name, x.position_text]),
        "case_id": object_kind("cv_case", HOMES, make=lambda mw: _build(mw)["case"],
                               texts=lambda c: [c.full_name]),
    }
