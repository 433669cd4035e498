from __future__ import annotations

import io

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from openpyxl import Workbook
from openpyxl.styles import Font

from partyorg.core.errors import NotFoundOrForbidden
from partyorg.core.i18n import pick

from .models import ImportJob, ImportKind, ImportStatus
from .parsing import MEMBER_COLUMNS, ORG_COLUMNS, FileFormatError
from .services import import_job_create, import_job_dispatch


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("Loại dữ liệu"), choices=ImportKind.choices)
    file = forms.FileField(label=_("Tệp (.xlsx hoặc .csv)"))
    commit = forms.BooleanField(label=_("Ghi ngay nếu không có lỗi (bỏ chọn để chỉ kiểm tra thử)"), required=False)


def _rows_hint(content: bytes) -> int:
    return content.count(b"\n") if content[:2] != b"PK" else len(content) // 60


@login_required
def home(request):
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        f = form.cleaned_data["file"]
        content = f.read()
        try:
            job = import_job_create(actor=request.user, kind=form.cleaned_data["kind"], filename=f.name,
                                    content=content, commit=form.cleaned_data["commit"])
        except FileFormatError as exc:
            form.add_error("file", pick(exc.message_vi, exc.message_en))
        else:
            import_job_dispatch(job, rows_hint=_rows_hint(content))
            return redirect("imports:job", job_id=job.pk)
    jobs = ImportJob.objects.filter(created_by=request.user).defer("content")[:10]
    return render(request, "imports/home.html", {"form": form, "jobs": jobs})


def _own_job(request, job_id) -> ImportJob:
    job = ImportJob.objects.filter(pk=job_id, created_by=request.user).defer("content").first()
    if job is None:
        raise NotFoundOrForbidden()
    return job


@login_required
def job(request, job_id):
    j = _own_job(request, job_id)
    template = "imports/_job.html" if request.htmx else "imports/job.html"
    return render(request, template, {"job": j, "Status": ImportStatus})


@login_required
@require_POST
def confirm(request, job_id):
    """Write a previewed file: a new job over the same content, with commit on."""
    j = ImportJob.objects.filter(pk=job_id, created_by=request.user, status=ImportStatus.PREVIEWED).first()
    if j is None:
        raise NotFoundOrForbidden()
    new = import_job_create(actor=request.user, kind=j.kind, filename=j.filename, content=bytes(j.content),
                            commit=True)
    import_job_dispatch(new, rows_hint=j.total_rows)
    return redirect("imports:job", job_id=new.pk)


@login_required
def template(request, kind: str):
    """Downloadable template: the header row, one example row and a sheet of instructions."""
    columns = MEMBER_COLUMNS if kind == ImportKind.MEMBERS else ORG_COLUMNS
    example = (["Nguyễn Văn An", "15/03/1985", "Nam", "Kinh", "Không", "Xã Hòa Bình, tỉnh Mẫu", "001085012345",
                "12345678", "19/05/2010", "19/05/2011", "CB-0001", "Đại học", "Trung cấp"]
               if kind == ImportKind.MEMBERS else
               ["CB-9999", "Chi bộ Thôn 1", "CB Thôn 1", "Chi bộ trực thuộc", "DBX-0001", "Thôn 1", "01/01/2020"])
    wb = Workbook()
    ws = wb.active
    ws.title = "Dữ liệu"
    ws.append([label + (" *" if req else "") for _f, label, req in columns])
    for c in ws[1]:
        c.font = Font(bold=True)
    ws.append(example)
    for i, _col in enumerate(columns):
        ws.column_dimensions[chr(65 + i)].width = 22
    help_ws = wb.create_sheet("Hướng dẫn")
    help_ws.append(["Cột", "Bắt buộc", "Ghi chú"])
    notes = {"Ngày sinh": "dd/mm/yyyy", "Ngày vào Đảng": "dd/mm/yyyy", "Ngày chính thức": "dd/mm/yyyy, để trống nếu dự bị",
             "Giới tính": "Nam hoặc Nữ", "Số CCCD": "đúng 12 chữ số", "Mã chi bộ": "mã tổ chức trong hệ thống",
             "Lý luận chính trị": "Sơ cấp, Trung cấp, Cao cấp, Cử nhân hoặc để trống",
             "Loại tổ chức": "Chi bộ cơ sở, Chi bộ trực thuộc, Đảng bộ cơ sở, Đảng bộ bộ phận, Tổ đảng...",
             "Mã tổ chức cấp trên": "đã có trong hệ thống hoặc ở dòng phía trên"}
    for _f, label, req in columns:
        help_ws.append([label, "Có" if req else "", notes.get(label, "")])
    buf = io.BytesIO()
    wb.save(buf)
    resp = HttpResponse(buf.getvalue(),
                        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    resp["Content-Disposition"] = f'attachment; filename="mau-nhap-{kind}.xlsx"'
    return resp
