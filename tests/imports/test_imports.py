import io

import pytest
from openpyxl import Workbook, load_workbook

from partyorg.core.models import AuditEvent
from partyorg.imports.models import ImportJob, ImportStatus
from partyorg.imports.parsing import MEMBER_COLUMNS
from partyorg.imports.services import import_file, import_job_create, import_job_dispatch, import_job_run
from partyorg.members.models import Member
from partyorg.organizations.models import Organization

HEADER = ",".join(label for _f, label, _r in MEMBER_COLUMNS)


def csv_bytes(*rows: str) -> bytes:
    return ("\ufeff" + HEADER + "\n" + "\n".join(rows) + "\n").encode("utf-8")


GOOD1 = "Đinh Văn Tám,15/03/1985,Nam,Kinh,Không,Xã A,001085000001,22000001,19/05/2010,19/05/2011,CELL1,Đại học,Trung cấp"
GOOD2 = "Lương Thị Chín,01/02/1990,Nữ,Tày,Không,Xã B,001090000002,,03/02/2020,,CELL2,,"
BAD_CCCD = "Tạ Văn Mười,01/02/1990,Nam,Kinh,Không,Xã C,12345,,03/02/2020,,CELL1,,"


def test_valid_csv_is_written_all_at_once(world):
    n = Member.objects.count()
    res = import_file(actor=world.users["staff_p1"], kind="members", filename="a.csv", content=csv_bytes(GOOD1, GOOD2),
                      commit=True)
    assert res.errors == [] and res.created == 2
    assert Member.objects.count() == n + 2
    m = Member.objects.get(citizen_id="001090000002")
    assert m.full_name == "Lương Thị Chín" and m.gender == "F" and m.status == "probationary"
    assert m.org_path == world.cell2.path
    assert AuditEvent.objects.filter(action="member.import").count() == 1


def test_one_bad_row_writes_nothing_and_names_row_and_column(world):
    n = Member.objects.count()
    res = import_file(actor=world.users["staff_p1"], kind="members", filename="a.csv",
                      content=csv_bytes(GOOD1, BAD_CCCD, GOOD2), commit=True)
    assert Member.objects.count() == n
    assert [(e.row, e.field) for e in res.errors] == [(3, "Số CCCD")]
    assert "12 chữ số" in res.errors[0].message_vi and "12 digits" in res.errors[0].message_en


def test_every_error_is_listed_not_only_the_first(world):
    rows = [
        "Đinh Văn Tám,31/02/1985,Nam,Kinh,Không,Xã A,001085000001,22000001,19/05/2010,19/05/2011,CELL1,,",
        "Đinh Văn Tám,15/03/1985,X,Kinh,Không,Xã A,001085000001,,19/05/2010,,CELL4,,Tiến sĩ",
        "Một,15/03/1985,Nam,Kinh,Không,Xã A,100000000001,,19/05/2010,10/05/2010,NOPE,,",
    ]
    res = import_file(actor=world.users["staff_p1"], kind="members", filename="a.csv", content=csv_bytes(*rows),
                      commit=False)
    got = {(e.row, e.field) for e in res.errors}
    assert (2, "Ngày sinh") in got
    assert {(3, "Giới tính"), (3, "Mã chi bộ"), (3, "Lý luận chính trị")} <= got  # CELL4 is outside the scope
    assert (4, "Họ và tên") in got and (4, "Mã chi bộ") in got and (4, "Ngày chính thức") in got
    assert (4, "Số CCCD") in got  # already in the database (member m1)


def test_duplicates_inside_the_file(world):
    res = import_file(actor=world.users["staff_p1"], kind="members", filename="a.csv",
                      content=csv_bytes(GOOD1, GOOD1.replace("22000001", "22000009")), commit=False)
    assert [(e.row, e.field) for e in res.errors] == [(3, "Số CCCD")]


def test_dry_run_previews_without_writing(world):
    n = Member.objects.count()
    res = import_file(actor=world.users["staff_p1"], kind="members", filename="a.csv", content=csv_bytes(GOOD1),
                      commit=False)
    assert res.errors == [] and res.created == 0 and res.preview[0]["full_name"] == "Đinh Văn Tám"
    assert Member.objects.count() == n


def test_xlsx_with_vietnamese_headers_and_dates(world):
    wb = Workbook()
    ws = wb.active
    ws.append([label for _f, label, _r in MEMBER_COLUMNS])
    import datetime as dt

    ws.append(["Đinh Văn Tám", dt.datetime(1985, 3, 15), "Nam", "Kinh", "Không", "", "001085000001", 22000001,
               "19/05/2010", "19/05/2011", "CELL1", "", ""])
    buf = io.BytesIO()
    wb.save(buf)
    res = import_file(actor=world.users["staff_p1"], kind="members", filename="x.xlsx", content=buf.getvalue(),
                      commit=True)
    assert res.errors == [] and res.created == 1
    assert Member.objects.get(citizen_id="001085000001").party_card_number == "22000001"


def test_missing_required_column_and_wrong_file_type(world):
    res = import_file(actor=world.users["staff_p1"], kind="members", filename="a.csv",
                      content="Họ và tên,Ngày sinh\nA B,01/01/1990\n".encode(), commit=False)
    assert "Số CCCD" in res.errors[0].message_vi
    res = import_file(actor=world.users["staff_p1"], kind="members", filename="a.pdf", content=b"%PDF", commit=False)
    assert ".xlsx" in res.errors[0].message_vi


def test_organizations_import_with_parents_in_the_file(world):
    content = ("Mã tổ chức,Tên tổ chức,Tên viết tắt,Loại tổ chức,Mã tổ chức cấp trên,Địa chỉ,Ngày thành lập\n"
               "X1,Đảng bộ xã Mới,,Đảng bộ cơ sở,P1,,01/07/2025\n"
               "X1-C1,Chi bộ Thôn Mới,,Chi bộ trực thuộc,X1,,\n").encode()
    res = import_file(actor=world.users["staff_p1"], kind="organizations", filename="o.csv", content=content,
                      commit=True)
    assert res.errors == [] and res.created == 2
    child = Organization.objects.get(code="X1-C1")
    assert child.parent.code == "X1" and child.path.startswith(world.p1.path)


def test_organizations_import_errors(world):
    content = ("Mã tổ chức,Tên tổ chức,Loại tổ chức,Mã tổ chức cấp trên\n"
               "X1,Đảng bộ xã Mới,Loại lạ,P1\n"
               "X2,Chi bộ,Chi bộ trực thuộc,P2\n"
               "X3,Chi bộ con,Chi bộ trực thuộc,X1\n").encode()
    n = Organization.objects.count()
    res = import_file(actor=world.users["staff_p1"], kind="organizations", filename="o.csv", content=content,
                      commit=True)
    assert {(e.row, e.field) for e in res.errors} == {(2, "Loại tổ chức"), (3, "Mã tổ chức cấp trên"),
                                                     (4, "Mã tổ chức cấp trên")}
    assert Organization.objects.count() == n


@pytest.mark.django_db(transaction=True)
def test_large_file_runs_as_a_background_job_with_progress(settings):
    from tests.conftest import build_world

    w = build_world()
    settings.PARTYORG_IMPORT_BACKGROUND_ROWS = 5
    rows = [f"Đinh Văn Tám,15/03/1985,Nam,Kinh,Không,,0010850{i:05d},,19/05/2010,19/05/2011,CELL1,," for i in range(30)]
    content = csv_bytes(*rows)
    job = import_job_create(actor=w.users["staff_p1"], kind="members", filename="big.csv", content=content, commit=True)
    import threading

    from django.db import transaction

    before = set(threading.enumerate())
    with transaction.atomic():
        import_job_dispatch(job, rows_hint=30)
    workers = [t for t in threading.enumerate() if t not in before]
    assert workers, "the job did not start a background worker"
    for t in workers:
        t.join(timeout=300)  # a bound for a hung worker, not a speed requirement
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE and job.created_count == 30 and job.processed_rows == 30


def test_job_page_shows_row_errors(world, client):
    client.force_login(world.users["staff_p1"])
    job = import_job_create(actor=world.users["staff_p1"], kind="members", filename="a.csv",
                            content=csv_bytes(GOOD1, BAD_CCCD), commit=True)
    import_job_run(str(job.pk))
    job.refresh_from_db()
    assert job.status == ImportStatus.INVALID
    body = client.get(f"/imports/jobs/{job.pk}/").content.decode()
    assert "Số CCCD" in body and "không ghi dữ liệu" in body
    # Another user cannot see the job.
    client.force_login(world.users["staff_p2"])
    assert client.get(f"/imports/jobs/{job.pk}/").status_code == 404


def test_template_download_is_a_real_workbook(world, client):
    client.force_login(world.users["staff_p1"])
    resp = client.get("/imports/template/members.xlsx")
    wb = load_workbook(io.BytesIO(resp.content))
    assert [c.value for c in wb["Dữ liệu"][1]][0] == "Họ và tên *"
    assert "Hướng dẫn" in wb.sheetnames


def test_upload_through_the_page(world, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(world.users["staff_p1"])
    resp = client.post("/imports/", {"kind": "members", "commit": "on",
                                     "file": SimpleUploadedFile("a.csv", csv_bytes(GOOD1))})
    assert resp.status_code == 302
    job = ImportJob.objects.get()
    assert job.status == ImportStatus.DONE and Member.objects.filter(citizen_id="001085000001").exists()


def test_export_xlsx_of_a_filtered_list(world, client):
    client.force_login(world.users["staff_p1"])
    resp = client.get("/members/export.xlsx?q=van")
    wb = load_workbook(io.BytesIO(b"".join(resp.streaming_content)))
    names = [r[1] for r in wb.active.iter_rows(min_row=2, values_only=True)]
    assert names == ["Nguyễn Văn An", "Lê Văn Đức", "Hoàng Văn Em"]
