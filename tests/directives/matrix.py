"""Directives objects for the permission matrix (tests/test_permission_matrix.py, ``EXTRA_PARAMS``).

``directive_kinds(ObjectKind)`` maps each URL parameter of partyorg/directives/urls.py to an object
kind whose objects live in "homes" of the test world. The homes are chosen so that a role that does not
read a home cannot see the object there: documents, templates and conferences are also visible BELOW
their organization (the Central register is read by every province), so none lives in an ancestor of
a role's scope (root, p1, c1) - except requirements and reports, which are visible only to the issuer's
and the addressees' scopes and to the reporting organization's scope.

All objects are made once, through the services, by the operator, and shared by the kinds.
"""
from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

PDF = b"%PDF-1.4\n% matrix\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"

DOC_HOMES = ("cell2", "c2", "c3", "p2")
CONF_HOMES = ("cell2", "c2", "p2")
REQ_HOMES = {"c1": "cell2", "c2": "cell3", "p2": "c3"}       # issuer -> the one addressed organization
OBSTACLE_HOMES = {"cell2": "c1", "c2": "p1", "c3": "p2"}     # asker -> recipient (its parent)
TEMPLATE_HOMES = ("c2", "p2")
REPORT_HOMES = {"c1": "p1", "c2": "p1", "c3": "p2"}          # reporting org -> owner of its template


def _build(mw) -> dict[str, dict[str, Any]]:
    cached = getattr(mw, "_directives_objects", None)
    if cached is not None:
        return cached
    from partyorg.directives import services as s
    from partyorg.directives.models import Attachment

    op = mw.w.users["operator"]
    orgs = mw.orgs
    today = date(2026, 3, 20)
    out: dict[str, dict[str, Any]] = {k: {} for k in ("document", "attachment", "conference", "requirement",
                                                      "obstacle", "template", "report")}
    for n, home in enumerate(DOC_HOMES, start=1):
        d = s.document_register(actor=op, owner_id=orgs[home].pk, data=s.DocumentInput(
            number_symbol=f"{70 + n}-KH/ĐU", issued_on=date(2026, 1, 10), title=f"Kế hoạch mật {home}",
            issuing_body=f"Đảng ủy {home}"))
        s.attachment_add(actor=op, document_id=d.pk, files=[s.FileInput(f"tep-mat-{home}.pdf", PDF)])
        out["document"][home] = d
        out["attachment"][home] = Attachment.objects.filter(document=d).defer("content").get()
    for home in CONF_HOMES:
        out["conference"][home] = s.conference_create(actor=op, host_id=orgs[home].pk, data=s.ConferenceInput(
            title=f"Hội nghị mật {home}", held_at=datetime(2026, 1, 20, 1, 0, tzinfo=UTC), mode="online",
            chair="Bí thư", document_ids=(out["document"][home].pk,), bridge_points=((orgs[home].pk, 30),)))
    for issuer, addressed in REQ_HOMES.items():
        doc = s.document_register(actor=op, owner_id=orgs[issuer].pk, data=s.DocumentInput(
            number_symbol=f"9{len(out['requirement']) + 1}-KH/ĐU", issued_on=date(2026, 1, 12),
            title=f"Kế hoạch giao việc {issuer}", issuing_body=f"Cấp ủy {issuer}"))
        req = s.requirement_issue(actor=op, issuer_id=orgs[issuer].pk, data=s.RequirementInput(
            title=f"Yêu cầu mật {issuer}", document_ids=(doc.pk,), deliverable="implementation_plan",
            issued_on=date(2026, 1, 15), deadline=date(2026, 2, 28), chosen_ids=(orgs[addressed].pk,)))
        s.requirement_submit(actor=op, requirement_id=req.pk, org_id=orgs[addressed].pk, today=today,
                             data=s.SubmissionInput(submitted_on=date(2026, 2, 20), document_number="15-KH/ĐU",
                                                    document_date=date(2026, 2, 19)),
                             files=[s.FileInput(f"nop-mat-{addressed}.pdf", PDF)])
        out["requirement"][issuer] = req
    for asker, recipient in OBSTACLE_HOMES.items():
        out["obstacle"][asker] = s.obstacle_raise(actor=op, asker_id=orgs[asker].pk,
                                                  document_id=out["document"][asker].pk,
                                                  question=f"Vướng mắc mật {asker}", today=today,
                                                  recipient_id=orgs[recipient].pk)
    sections = [{"code": "general", "title_vi": "Tình hình chung"}]
    indicators = [{"code": "admitted", "label_vi": "Kết nạp", "rule": "sum", "source": "system",
                   "source_key": "members_admitted"}]
    owners = {h: s.report_template_create(actor=op, owner_id=orgs[h].pk, name=f"Mẫu báo cáo mật {h}",
                                          period_kind="quarter", sections=sections, indicators=indicators)
              for h in sorted({*TEMPLATE_HOMES, *REPORT_HOMES.values()})}
    out["template"] = {h: owners[h] for h in TEMPLATE_HOMES}
    for org, owner in REPORT_HOMES.items():
        out["report"][org] = s.report_open(actor=op, template_id=owners[owner].pk, org_id=orgs[org].pk,
                                           year=2026, index=1, today=today)
    mw._directives_objects = out
    return out


def directive_kinds(object_kind) -> dict[str, Any]:
    """``{URL parameter: ObjectKind}`` for the matrix's ``EXTRA_PARAMS``."""
    def kind(name: str, homes, texts):
        return object_kind(f"directives_{name}", tuple(homes), make=lambda mw: _build(mw)[name], texts=texts)

    return {
        "document_id": kind("document", DOC_HOMES, lambda d: [d.title]),
        "attachment_id": kind("attachment", DOC_HOMES, lambda a: [a.filename]),
        "conference_id": kind("conference", CONF_HOMES, lambda c: [c.title]),
        "requirement_id": kind("requirement", REQ_HOMES, lambda r: [r.title]),
        "obstacle_id": kind("obstacle", OBSTACLE_HOMES, lambda o: [o.question]),
        "template_id": kind("template", TEMPLATE_HOMES, lambda t: [t.name]),
        "report_id": kind("report", REPORT_HOMES, lambda r: []),
    }
