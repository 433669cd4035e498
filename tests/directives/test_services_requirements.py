"""Implementation requirements: DI-4 (addressees by level, type, hand), DI-5 (submissions, statuses,
returns), DI-6 (compliance "submitted / addressed" with drill-down, XLSX, PDF)."""
from __future__ import annotations

import io
from datetime import date

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from partyorg.core.errors import ApplicationError, NotFoundOrForbidden, StateConflict
from partyorg.core.models import AuditEvent
from partyorg.directives import outputs, selectors
from partyorg.directives import services as s
from partyorg.directives.models import Addressee, Attachment
from partyorg.domain.directives import RequirementStatus

from .conftest import PDF, TODAY, issue, submit


def _addressed(req) -> set[str]:
    return set(Addressee.objects.filter(requirement=req).values_list("organization__code", flat=True))


def test_addressees_by_level_type_and_hand_DI_4(world, central_doc):
    """DI-4: subordinates chosen by level (relative to the issuer), by type (both filters apply together)
    or by hand; a requirement is audited with the number addressed."""
    op = world.users["operator"]
    assert _addressed(issue(op, world.root, [central_doc], levels=[1])) == {"P1", "P2"}
    assert _addressed(issue(op, world.root, [central_doc], levels=[2])) == {"C1", "C2", "C3"}
    assert _addressed(issue(op, world.root, [central_doc], org_types=["cell"])) == {"CELL1", "CELL2", "CELL3", "CELL4"}
    assert _addressed(issue(op, world.p1, [central_doc], levels=[2], org_types=["cell"])) == {"CELL1", "CELL2",
                                                                                             "CELL3"}
    assert _addressed(issue(op, world.p1, [central_doc], chosen=[world.c1, world.cell3])) == {"C1", "CELL3"}
    ev = AuditEvent.objects.filter(action="directives.requirement.issue").last()
    assert ev.after["addressed"] == 2 and ev.org_path == world.p1.path


def test_requirement_rules_name_their_fields_DI_4(world, central_doc):
    staff = world.users["staff_p1"]
    with pytest.raises(ApplicationError) as e:
        issue(staff, world.p1, [central_doc], chosen=[world.c3])  # another province: not subordinate
    assert e.value.errors[0].field == "chosen" and "DI-4" in e.value.errors[0].message_vi
    with pytest.raises(ApplicationError) as e:
        issue(staff, world.p1, [central_doc])  # nobody chosen
    assert e.value.errors[0].field == "addressees"
    with pytest.raises(ApplicationError) as e:
        issue(staff, world.p1, [central_doc], levels=[1], deadline=date(2025, 1, 1))
    assert e.value.errors[0].field == "deadline"
    with pytest.raises(ApplicationError) as e:
        issue(staff, world.p1, [], levels=[1])
    assert e.value.errors[0].field == "documents"
    with pytest.raises(ApplicationError):  # staff of P2 cannot issue for P1
        issue(world.users["staff_p2"], world.p1, [central_doc], levels=[1])


def test_statuses_on_time_late_overdue_pending_DI_5(world, central_doc):
    """DI-5: the deadline day itself is on time; after it, late; nothing after the deadline is overdue."""
    op = world.users["operator"]
    req = issue(op, world.p1, [central_doc], chosen=[world.c1, world.c2, world.cell3], deadline=date(2026, 2, 28))
    submit(op, req, world.c1, date(2026, 2, 28))
    submit(op, req, world.c2, date(2026, 3, 3), number="12-KH/ĐU")
    rows = {r.addressee.organization.code: r.status for r in selectors.with_status(
        Addressee.objects.filter(requirement=req).select_related("organization"), req, TODAY)}
    assert rows["C1"].status is RequirementStatus.SUBMITTED_ON_TIME
    assert rows["C2"].status is RequirementStatus.SUBMITTED_LATE and rows["C2"].days_late == 3
    assert rows["CELL3"].status is RequirementStatus.OVERDUE and rows["CELL3"].days_overdue == 20
    before = selectors.with_status(Addressee.objects.filter(requirement=req, organization=world.cell3), req,
                                   date(2026, 2, 1))[0].status
    assert before.status is RequirementStatus.PENDING


def test_submission_validation_and_state_DI_5(world, central_doc):
    op = world.users["operator"]
    req = issue(op, world.p1, [central_doc], chosen=[world.c1])
    with pytest.raises(ApplicationError) as e:
        submit(op, req, world.c1, date(2026, 2, 1), number="not a symbol")
    assert e.value.field == "document_number"
    with pytest.raises(ApplicationError) as e:
        submit(op, req, world.c1, date(2026, 4, 1))  # after today
    assert e.value.field == "submitted_on"
    with pytest.raises(ApplicationError) as e:
        s.requirement_submit(actor=op, requirement_id=req.pk, org_id=world.c1.pk, today=TODAY,
                             data=s.SubmissionInput(submitted_on=date(2026, 2, 1)))
    assert e.value.field == "document_number"
    sub = submit(op, req, world.c1, date(2026, 2, 1), files=[s.FileInput("kh.pdf", PDF)])
    assert sub.addressee.reference == "162-KH/TU ngày 01/02/2026"
    assert Attachment.objects.filter(submission=sub).count() == 1
    with pytest.raises(StateConflict):
        submit(op, req, world.c1, date(2026, 2, 2))
    with pytest.raises(NotFoundOrForbidden):  # not addressed
        submit(op, req, world.c2, date(2026, 2, 2))


def test_only_the_addressed_scope_submits_and_only_the_issuer_returns_DI_5(world, central_doc):
    op = world.users["operator"]
    req = issue(op, world.root, [central_doc], levels=[1])
    with pytest.raises(NotFoundOrForbidden):
        submit(world.users["staff_p2"], req, world.p1, date(2026, 2, 1))
    with pytest.raises(ApplicationError):
        submit(world.users["leader_p1"], req, world.p1, date(2026, 2, 1))
    submit(world.users["staff_p1"], req, world.p1, date(2026, 2, 1))
    with pytest.raises(ApplicationError):  # the addressee cannot return its own submission
        s.requirement_return(actor=world.users["staff_p1"], requirement_id=req.pk, org_id=world.p1.pk,
                             reason="x", today=TODAY)


def test_return_for_rework_then_resubmit_DI_5(world, central_doc):
    """DI-5: the issuer returns a submission with a reason; it counts as missing until submitted again."""
    op = world.users["operator"]
    req = issue(op, world.p1, [central_doc], chosen=[world.c1], deadline=date(2026, 2, 28))
    submit(op, req, world.c1, date(2026, 2, 20))
    with pytest.raises(ApplicationError) as e:
        s.requirement_return(actor=op, requirement_id=req.pk, org_id=world.c1.pk, reason=" ", today=TODAY)
    assert e.value.field == "reason"
    s.requirement_return(actor=op, requirement_id=req.pk, org_id=world.c1.pk, reason="Thiếu nội dung", today=TODAY)
    a = Addressee.objects.get(requirement=req)
    st = selectors.addressee_status(a, req.deadline, TODAY)
    assert st.status is RequirementStatus.RETURNED and st.return_reason == "Thiếu nội dung" and st.days_overdue == 20
    view = selectors.compliance_view(actor=op, requirement=req, node=world.p1, today=TODAY)
    assert view.total.summary.label == "0/1" and view.total.returned == 1
    submit(op, req, world.c1, TODAY, number="163-KH/TU")
    a.refresh_from_db()
    st = selectors.addressee_status(a, req.deadline, TODAY)
    assert st.status is RequirementStatus.SUBMITTED_LATE and a.submissions.count() == 2
    assert AuditEvent.objects.filter(action="directives.requirement.return").count() == 1


def test_compliance_view_and_drilldown_DI_6(world, central_doc):
    """DI-6: "submitted / addressed" over the subtree, one row per child subtree, the missing listed."""
    op = world.users["operator"]
    req = issue(op, world.root, [central_doc], levels=[1, 2, 3])  # 2 provinces, 3 communes, 4 cells
    for org, on in [(world.p1, date(2026, 2, 1)), (world.c1, date(2026, 3, 2)), (world.cell1, date(2026, 2, 2)),
                    (world.cell4, date(2026, 2, 3))]:
        submit(op, req, org, on)
    view = selectors.compliance_view(actor=op, requirement=req, node=world.root, today=TODAY)
    assert view.total.summary.label == "4/9" and view.total.percent == 44
    assert view.total.on_time == 3 and view.total.late == 1 and view.total.overdue == 5
    by_child = {r.org.code: r.counts.summary.label for r in view.children}
    assert by_child == {"P1": "3/6", "P2": "1/3"}
    drill = selectors.compliance_view(actor=op, requirement=req, node=world.p1, today=TODAY)
    assert {r.org.code: r.counts.summary.label for r in drill.children} == {"C1": "2/3", "C2": "0/2"}
    assert drill.node_status.status is RequirementStatus.SUBMITTED_ON_TIME
    missing = selectors.addressee_rows(actor=op, requirement=req, node=world.p1, today=TODAY, only_missing=True)
    assert sorted(a.organization.code for a in missing) == ["C2", "CELL2", "CELL3"]
    counts = selectors.compliance_by_requirement(requirements=[req], actor=op, today=TODAY)[req.pk]
    assert counts.summary.label == "4/9"


def test_addressed_organization_sees_only_its_subtree_DI_6(world, central_doc):
    """An addressed province sees the requirement, its own status and its subtree, never its neighbour."""
    op = world.users["operator"]
    req = issue(op, world.root, [central_doc], levels=[1, 2])
    submit(op, req, world.p2, date(2026, 2, 1))
    staff = world.users["staff_p1"]
    assert selectors.requirement_get(actor=staff, requirement_id=req.pk) == req
    node = selectors.compliance_node(actor=staff, requirement=req, org_id=None)
    assert node == world.p1
    view = selectors.compliance_view(actor=staff, requirement=req, node=node, today=TODAY)
    assert view.total.summary.label == "0/3" and not view.full_view
    assert {a.organization.code for a in selectors.addressee_qs(actor=staff, requirement=req)} == {"P1", "C1", "C2"}
    with pytest.raises(NotFoundOrForbidden):
        selectors.compliance_node(actor=staff, requirement=req, org_id=world.p2.pk)
    counts = selectors.compliance_by_requirement(requirements=[req], actor=staff, today=TODAY)[req.pk]
    assert counts.summary.label == "0/3"
    with pytest.raises(NotFoundOrForbidden):  # not addressed, not issuer
        selectors.requirement_get(actor=world.users["staff_p2"], requirement_id=issue(
            op, world.p1, [central_doc], levels=[1]).pk)


def test_compliance_xlsx_and_pdf_DI_6_DI_11(world, central_doc):
    op = world.users["operator"]
    req = issue(op, world.root, [central_doc], levels=[1], title="Ban hành kế hoạch khắc phục")
    submit(op, req, world.p1, date(2026, 3, 2))
    view = selectors.compliance_view(actor=op, requirement=req, node=world.root, today=TODAY)
    rows = selectors.addressee_rows(actor=op, requirement=req, node=world.root, today=TODAY)
    wb = load_workbook(io.BytesIO(outputs.compliance_xlsx(view, rows, TODAY)))
    summary = list(wb["Tổng hợp"].iter_rows(values_only=True))
    assert summary[1][:3] == ("Trung ương (toàn bộ)", 1, 2)
    detail = list(wb["Chi tiết"].iter_rows(values_only=True))
    assert detail[1][1] == "Đảng bộ tỉnh Alpha" and detail[1][7] == 2 and "muộn" in detail[1][6]
    assert detail[2][1] == "Đảng bộ tỉnh Beta" and detail[2][8] == 20
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(outputs.compliance_pdf(view, rows, TODAY))).pages)
    text = " ".join(text.split())
    for expected in ["ĐẢNG CỘNG SẢN VIỆT NAM", "DANH SÁCH", "Ban hành kế hoạch khắc phục", "Đảng bộ tỉnh Beta",
                     "Quá hạn", "1/2", "Hà Nội, ngày 20 tháng 3 năm 2026"]:
        assert expected in text, expected


def test_close_stops_tracking(world, central_doc):
    op = world.users["operator"]
    req = issue(op, world.p1, [central_doc], chosen=[world.c1])
    s.requirement_close(actor=op, requirement_id=req.pk, today=TODAY)
    with pytest.raises(StateConflict):
        submit(op, req, world.c1, date(2026, 2, 1))
    assert selectors.open_items(actor=world.users["staff_c1"], today=TODAY) == []


def test_follow_up_conference_deliverable_needs_the_conference_DI_5(world, central_doc):
    from .test_services_conferences import conference

    op = world.users["operator"]
    req = issue(op, world.root, [central_doc], chosen=[world.p1], deliverable="follow_up_conference")
    with pytest.raises(ApplicationError) as e:
        submit(op, req, world.p1, date(2026, 2, 1))
    assert e.value.field == "conference"
    other = conference(op, world.p2, [central_doc], mode="in_person")
    with pytest.raises(ApplicationError):
        s.requirement_submit(actor=op, requirement_id=req.pk, org_id=world.p1.pk, today=TODAY,
                             data=s.SubmissionInput(submitted_on=date(2026, 2, 1), conference_id=other.pk))
    own = conference(op, world.p1, [central_doc], mode="in_person")
    sub = s.requirement_submit(actor=op, requirement_id=req.pk, org_id=world.p1.pk, today=TODAY,
                               data=s.SubmissionInput(submitted_on=date(2026, 2, 1), conference_id=own.pk))
    assert sub.addressee.reference.startswith("Hội nghị quán triệt")

