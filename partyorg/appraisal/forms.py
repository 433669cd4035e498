"""Forms of the rating pages. They parse and type the input; every rule is checked by the services."""
from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from partyorg.domain.rating.facts import Claim, findings_allowed
from partyorg.domain.rating.rerating import Ground

from .models import DisciplineForm as DisciplineKind
from .models import LevelChoice, Rating, SubjectTypeChoice

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
LEVELS = [("", "—"), *LevelChoice.choices]
GRADES = [("", "—"), ("excellent", "Xuất sắc"), ("good", "Tốt"), ("average", "Trung bình"), ("poor", "Kém")]
FINDINGS_VI = {
    "personnel_violation": "Vi phạm trong công tác cán bộ (AR-22a)",
    "disunity": "Mất đoàn kết nội bộ (AR-22a)",
    "factionalism": "Cục bộ, bè phái (AR-22a)",
    "buying_posts": "Chạy chức, chạy quyền (AR-22a)",
    "member_degradation": "Có thành viên suy thoái, «tự diễn biến», «tự chuyển hóa» (AR-22c)",
    "degradation": "Suy thoái, «tự diễn biến», «tự chuyển hóa» (AR-23d, AR-24a)",
    "corruption_under_management": "Tham nhũng, lãng phí, tiêu cực trong phạm vi quản lý trực tiếp (AR-23e)",
    "prohibited_conduct": "Vi phạm những điều đảng viên không được làm (AR-24a)",
    "role_model_breach": "Vi phạm trách nhiệm nêu gương, ảnh hưởng uy tín (AR-24a)",
}
CLAIMS_VI = {
    "force_majeure": "Nguyên nhân khách quan, bất khả kháng",
    "self_detected_remedied": "Tự phát hiện và khắc phục kịp thời",
    "proactive_reported_remedied": "Chủ động phát hiện, báo cáo, khắc phục (cán bộ lãnh đạo)",
}
GROUNDS = [(g.value, {"shortcomings": "Phát hiện khuyết điểm, vi phạm", "unmet_conditions": "Không đủ điều kiện",
                      "dishonesty": "Thiếu trung thực", "reports": "Đơn thư, phản ánh được xác minh"}[g.value])
           for g in Ground]


class CycleOpenForm(forms.Form):
    year = forms.IntegerField(label="Năm", min_value=2018, max_value=2100)
    quarter = forms.TypedChoiceField(label="Kỳ", choices=[("", "Cuối năm"), ("1", "Quý I"), ("2", "Quý II"),
                                                         ("3", "Quý III")], coerce=int, empty_value=None,
                                     required=False,
                                     help_text="Quý: chỉ cán bộ thuộc diện Bộ Chính trị, Ban Bí thư quản lý "
                                               "(Kết luận 198-KL/TW, AR-62).")
    meeting_on = forms.DateField(label="Ngày họp kiểm điểm của chi bộ (mốc tính 6 tháng, AR-5)", widget=DATE)
    deadline_rating = forms.DateField(label="Hạn hoàn thành (để trống: theo lịch AR-61)", widget=DATE,
                                      required=False)
    special_unit = forms.BooleanField(label="Đơn vị có chức năng đặc thù (hạn 15/01 năm sau)", required=False)
    legacy_qd132 = forms.BooleanField(label="Dữ liệu cũ 2018–2022 theo Quy định 132 (AR-1)", required=False)


class MeetingDateForm(forms.Form):
    meeting_on = forms.DateField(label="Ngày họp kiểm điểm (mốc tính 6 tháng)", widget=DATE)


class SubjectTypeForm(forms.Form):
    subject_type = forms.ChoiceField(label="Loại đối tượng (khung tiêu chí, AR-7)",
                                     choices=[c for c in SubjectTypeChoice.choices if c[0] != "collective"])


class SelfAssessmentForm(forms.Form):
    """Mẫu 01, 2A, 2B, 2C: scores per criterion of the template (QĐ 366), grades (QĐ 124) or the level
    assessed on the criteria (QĐ 132); task counts; shortcomings; proposed level; report."""

    tasks_total = forms.IntegerField(label="Tổng số nhiệm vụ được giao (T)", min_value=0, required=False)
    tasks_done = forms.IntegerField(label="Số hoàn thành (D)", min_value=0, required=False)
    tasks_on_time = forms.IntegerField(label="Hoàn thành đúng hạn, bảo đảm chất lượng (O)", min_value=0,
                                       required=False)
    tasks_exceeded = forms.IntegerField(label="Hoàn thành vượt mức (E)", min_value=0, required=False)
    shortcomings_found = forms.IntegerField(label="Hạn chế, khuyết điểm đã chỉ ra kỳ trước (P)", min_value=0,
                                            initial=0)
    shortcomings_remedied = forms.IntegerField(label="Số đã khắc phục (Pf)", min_value=0, initial=0)
    self_level = forms.ChoiceField(label="Tự nhận mức xếp loại", choices=LEVELS, required=False)
    self_report = forms.CharField(label="Nội dung tự kiểm điểm (ưu điểm, hạn chế, nguyên nhân, hướng khắc phục)",
                                  widget=forms.Textarea(attrs={"rows": 5}), required=False)

    def __init__(self, *args: Any, rating: Rating, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rating = rating
        criteria = rating.template.criteria if rating.template else []
        self.criteria_fields: list[str] = []
        if rating.rule_set == "QD366-2025":
            for c in criteria:
                name = f"c_{c['code']}"
                group = "Nhóm tiêu chí chung" if c["group"] == "general" else "Nhóm kết quả thực hiện nhiệm vụ"
                self.fields[name] = forms.DecimalField(
                    label=f"{c['title']} ({group}, tối đa {c['max_x10'] / 10:g} điểm)", min_value=Decimal(0),
                    max_digits=4, decimal_places=1)
                self.criteria_fields.append(name)
        elif rating.rule_set == "QD124-2023":
            for c in criteria:
                if c["group"] != "general":
                    continue
                name = f"g_{c['code']}"
                self.fields[name] = forms.ChoiceField(label=c["title"], choices=GRADES)
                self.criteria_fields.append(name)
            self.fields["g_task"] = forms.ChoiceField(label="Kết quả thực hiện nhiệm vụ", choices=GRADES)
            self.criteria_fields.append("g_task")
        else:
            self.fields["assessed_level"] = forms.ChoiceField(label="Mức đánh giá theo tiêu chí (QĐ 132)",
                                                              choices=LEVELS)
            self.criteria_fields.append("assessed_level")
        if rating.is_collective:
            self.fields["report_shared_on"] = forms.DateField(
                label="Ngày gửi dự thảo báo cáo (Mẫu 01) đến người dự họp (AR-56)", widget=DATE, required=False)
            self.fields["review_meeting_on"] = forms.DateField(label="Ngày họp kiểm điểm", widget=DATE,
                                                               required=False)

    def criteria_points(self) -> dict[str, Decimal]:
        return {k[2:]: v for k, v in self.cleaned_data.items() if k.startswith("c_") and v is not None}

    def grades(self) -> dict[str, str]:
        return {k[2:]: v for k, v in self.cleaned_data.items() if k.startswith("g_") and v}


class AppraisalForm(forms.Form):
    findings = forms.MultipleChoiceField(label="Kết luận của cấp có thẩm quyền", required=False,
                                         widget=forms.CheckboxSelectMultiple)
    units_total = forms.IntegerField(label="Số đơn vị phụ trách", min_value=0, required=False)
    units_not_completed = forms.IntegerField(label="Số đơn vị xếp loại Không hoàn thành", min_value=0,
                                             required=False)
    socio_applicable = forms.IntegerField(label="Số chỉ tiêu kinh tế – xã hội cơ bản được giao", min_value=0,
                                          required=False)
    socio_failed = forms.IntegerField(label="Số chỉ tiêu không đạt", min_value=0, required=False)
    low_confidence = forms.TypedChoiceField(
        label="Lấy phiếu tín nhiệm trong năm: trên 1/2 phiếu tín nhiệm thấp (AR-23b)",
        choices=[("", "Chưa có / không áp dụng"), ("yes", "Có"), ("no", "Không")], required=False,
        coerce=lambda v: {"yes": True, "no": False}.get(v), empty_value=None)
    low_confidence_source = forms.CharField(label="Nguồn kết quả lấy phiếu (số biên bản, ngày)", required=False,
                                            max_length=300)
    sick_leave_days = forms.IntegerField(label="Số ngày nghỉ ốm trong năm (AR-9)", min_value=0, initial=0)
    maternity_leave = forms.BooleanField(label="Nghỉ chế độ thai sản (AR-9)", required=False)
    cbccvc = forms.BooleanField(label="Là cán bộ, công chức, viên chức (AR-40)", required=False)
    state_level = forms.ChoiceField(label="Mức xếp loại công chức, viên chức cùng năm", choices=LEVELS,
                                    required=False)
    state_rated_on = forms.DateField(label="Ngày xếp loại công chức, viên chức", widget=DATE, required=False)
    state_body = forms.CharField(label="Cơ quan xếp loại", max_length=200, required=False)
    concerns_raised = forms.BooleanField(label="Có đơn thư, phản ánh, dấu hiệu mất đoàn kết (AR-55)",
                                         required=False)
    note = forms.CharField(label="Ý kiến thẩm định, đề xuất", widget=forms.Textarea(attrs={"rows": 3}),
                           required=False)
    claim_trigger = forms.ChoiceField(label="Đề nghị xem xét tình tiết cho căn cứ", required=False, choices=[])
    claim = forms.ChoiceField(label="Tình tiết", required=False,
                              choices=[("", "—"), *[(c.value, CLAIMS_VI[c.value]) for c in Claim]])

    def __init__(self, *args: Any, rating: Rating, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from partyorg.domain.rating import SubjectType

        kind = SubjectType(rating.subject_type)
        self.fields["findings"].choices = [(f.value, FINDINGS_VI[f.value])
                                           for f in sorted(findings_allowed(kind), key=lambda f: f.value)]
        triggers = (rating.classification or {}).get("triggers", [])
        self.fields["claim_trigger"].choices = [("", "—"), *[
            (f"{t['code']}|{t['cause']}", f"{t['code']}: {t['detail']}") for t in triggers]]
        if not kind.is_leader:
            for name in ("units_total", "units_not_completed", "low_confidence", "low_confidence_source"):
                del self.fields[name]
        if not (kind.is_leader or rating.is_collective):
            del self.fields["socio_applicable"], self.fields["socio_failed"]
        if rating.is_collective:
            for name in ("sick_leave_days", "maternity_leave", "cbccvc", "state_level", "state_rated_on",
                         "state_body"):
                del self.fields[name]


class MitigationForm(forms.Form):
    trigger = forms.CharField(widget=forms.HiddenInput)
    outcome = forms.ChoiceField(label="Kết luận", choices=[("confirm_kht", "Giữ mức Không hoàn thành nhiệm vụ"),
                                                           ("set_aside", "Không áp dụng căn cứ này")])
    number = forms.CharField(label="Số văn bản", max_length=60)
    signed_on = forms.DateField(label="Ngày", widget=DATE)
    authority = forms.CharField(label="Cấp có thẩm quyền", max_length=200)
    reason = forms.CharField(label="Lý do", widget=forms.Textarea(attrs={"rows": 2}))


class ReverificationForm(forms.Form):
    reference = forms.CharField(label="Văn bản kết luận thẩm tra, xác minh của cấp ủy cấp trên trực tiếp",
                                max_length=200)
    on = forms.DateField(label="Ngày", widget=DATE)


class DecisionFields(forms.Form):
    number = forms.CharField(label="Số quyết định (vd 15-QĐ/ĐU)", max_length=60)
    signed_on = forms.DateField(label="Ngày ký", widget=DATE)
    place = forms.CharField(label="Địa danh", max_length=100)
    signer_name = forms.CharField(label="Người ký", max_length=120)
    signer_title = forms.CharField(label="Chức vụ người ký", max_length=120, initial="Bí thư")
    on_behalf_of = forms.CharField(label="Thay mặt (vd Đảng ủy)", max_length=120, required=False)


class BatchDecisionForm(DecisionFields):
    exception = forms.TypedChoiceField(label="Quyết định tỷ lệ ngoại lệ (AR-34)", required=False, coerce=int,
                                       empty_value=None, choices=[])

    def __init__(self, *args: Any, rows: list[Any], exceptions: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["exception"].choices = [("", "Không"), *[(e.pk, f"{e.number} ({e.pct}%)") for e in exceptions]]
        self.row_ids: list[int] = []
        for row in rows:
            r = row.r
            self.fields[f"pick_{r.pk}"] = forms.BooleanField(required=False, initial=True)
            self.fields[f"level_{r.pk}"] = forms.ChoiceField(choices=LEVELS, required=False,
                                                             initial=row.suggested or "")
            self.fields[f"reason_{r.pk}"] = forms.CharField(required=False, max_length=500)
            self.row_ids.append(r.pk)

    def decision_fields(self) -> list[Any]:
        return [self[name] for name in ("number", "signed_on", "place", "signer_name", "signer_title",
                                        "on_behalf_of", "exception")]

    def items(self) -> list[tuple[int, str, str]]:
        d = self.cleaned_data
        return [(pk, d.get(f"level_{pk}") or "", d.get(f"reason_{pk}") or "") for pk in self.row_ids
                if d.get(f"pick_{pk}")]


class SingleDecisionForm(DecisionFields):
    level = forms.ChoiceField(label="Mức xếp loại", choices=LevelChoice.choices)
    reason = forms.CharField(label="Lý do nếu khác mức đề xuất (AR-30)", required=False, max_length=500)


class ExceptionForm(forms.Form):
    number = forms.CharField(label="Số quyết định (vd 20-QĐ/ĐU)", max_length=60)
    signed_on = forms.DateField(label="Ngày ký", widget=DATE)
    authority = forms.CharField(label="Cấp quyết định", max_length=200)
    reason = forms.CharField(label="Lý do (thành tích nổi trội)", widget=forms.Textarea(attrs={"rows": 2}))
    pct = forms.IntegerField(label="Tỷ lệ tối đa (%)", min_value=21, max_value=25, initial=25)
    peer_groups = forms.MultipleChoiceField(label="Áp dụng cho nhóm", choices=[],
                                            widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args: Any, groups: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["peer_groups"].choices = [(g.key, g.label) for g in groups]


class ReRatingForm(DecisionFields):
    authority = forms.CharField(label="Cấp có thẩm quyền", max_length=200)
    ground = forms.ChoiceField(label="Căn cứ (Mẫu 03)", choices=GROUNDS)
    reason = forms.CharField(label="Lý do", widget=forms.Textarea(attrs={"rows": 2}))
    new_level = forms.ChoiceField(label="Mức xếp loại lại", choices=LevelChoice.choices)
    corrected_score = forms.DecimalField(label="Tổng điểm sau khi điều chỉnh (nếu có)", required=False,
                                         min_value=Decimal(0), max_value=Decimal(100), max_digits=4, decimal_places=1)
    corrected_total = forms.IntegerField(label="T điều chỉnh", min_value=0, required=False)
    corrected_done = forms.IntegerField(label="D điều chỉnh", min_value=0, required=False)
    corrected_on_time = forms.IntegerField(label="O điều chỉnh", min_value=0, required=False)
    corrected_exceeded = forms.IntegerField(label="E điều chỉnh", min_value=0, required=False)

    def corrected_tasks(self) -> tuple[int, int, int, int] | None:
        d = self.cleaned_data
        values = [d.get(k) for k in ("corrected_total", "corrected_done", "corrected_on_time", "corrected_exceeded")]
        if all(v is None for v in values):
            return None
        return tuple(v or 0 for v in values)  # type: ignore[return-value]


class DisciplineRecordForm(forms.Form):
    member = forms.IntegerField(label="Đảng viên (mã)", required=False)
    organization = forms.IntegerField(label="hoặc tổ chức đảng (mã)", required=False)
    form = forms.ChoiceField(label="Hình thức", choices=DisciplineKind.choices)
    decision_number = forms.CharField(label="Số quyết định kỷ luật", max_length=60)
    authority = forms.CharField(label="Cấp quyết định", max_length=200, required=False)
    decision_date = forms.DateField(label="Ngày quyết định (tính vào kỳ của ngày này, AR-49)", widget=DATE)
    act_date = forms.DateField(label="Ngày vi phạm", widget=DATE, required=False)
    unit_at_act = forms.IntegerField(label="Đơn vị nơi vi phạm (mã tổ chức, AR-51)", required=False)
    duty_related = forms.BooleanField(label="Vi phạm liên quan đến thực thi nhiệm vụ", required=False, initial=True)
    related_to_functions = forms.BooleanField(label="Liên quan chức năng, nhiệm vụ của tập thể", required=False,
                                              initial=True)
    self_detected_remedied = forms.BooleanField(label="Tự phát hiện, khắc phục", required=False)
    note = forms.CharField(label="Ghi chú", required=False, max_length=300)


class TemplateForm(forms.Form):
    subject_type = forms.ChoiceField(label="Loại đối tượng", choices=SubjectTypeChoice.choices)
    title = forms.CharField(label="Tên mẫu", max_length=300)
    criteria = forms.CharField(
        label="Tiêu chí: mỗi dòng «mã | chung hoặc nhiệm vụ | điểm tối đa | nội dung»",
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="Nhóm tiêu chí chung cộng đúng 30 điểm, nhóm kết quả thực hiện nhiệm vụ đúng 70 điểm (AR-14, "
                  "AR-15).")

    def criteria_items(self) -> list[tuple[str, str, str, str]] | None:
        out = []
        for i, line in enumerate(self.cleaned_data["criteria"].splitlines(), start=1):
            if not line.strip():
                continue
            parts = [p.strip() for p in line.split("|")]
            if len(parts) != 4:
                self.add_error("criteria", f"Dòng {i}: cần 4 phần cách nhau bởi «|».")
                return None
            group = {"chung": "general", "general": "general", "nhiệm vụ": "tasks", "nhiem vu": "tasks",
                     "tasks": "tasks"}.get(parts[1].lower())
            if group is None:
                self.add_error("criteria", f"Dòng {i}: nhóm phải là «chung» hoặc «nhiệm vụ».")
                return None
            out.append((parts[0], group, parts[2].replace(",", "."), parts[3]))
        return out


class StatsFilterForm(forms.Form):
    all_groups = forms.BooleanField(required=False)

