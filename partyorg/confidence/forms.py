"""Forms of the confidence-vote pages: parsing only; every rule is checked by the services."""
from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from partyorg.domain import confidence as cv

from . import selectors
from .models import BodyKind, Publication, RuleSetChoice

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _date(label: str, required: bool = True) -> forms.DateField:
    return forms.DateField(label=label, required=required, widget=DATE)


class ConferenceForm(forms.Form):
    organization = forms.TypedChoiceField(label=_("Tổ chức đảng tổ chức lấy phiếu"), coerce=int)
    title = forms.CharField(label=_("Tên hội nghị"), max_length=300)
    voting_body = forms.CharField(label=_("Thành phần tham gia lấy phiếu"), max_length=300,
                                  help_text=_("Ví dụ: Ban Chấp hành Đảng bộ xã (CV-14, CV-16)"))
    voter_group = forms.CharField(label=_("Nhóm theo Phụ lục 1 (nếu có)"), max_length=200, required=False)
    vote_date = _date(_("Ngày lấy phiếu"))
    place = forms.CharField(label=_("Địa điểm"), max_length=200, required=False)
    term_label = forms.CharField(label=_("Nhiệm kỳ"), max_length=40, required=False)
    term_start = _date(_("Ngày bắt đầu nhiệm kỳ"), required=False)
    body_kind = forms.ChoiceField(label=_("Loại chức danh"), choices=BodyKind.choices)
    rule_set = forms.ChoiceField(label=_("Bộ quy tắc"), required=False,
                                 choices=[("", _("Tự động theo ngày lấy phiếu (CV-2, CV-3)")), *RuleSetChoice.choices])
    publication = forms.ChoiceField(label=_("Công khai kết quả (CV-46)"), required=False,
                                    choices=[("", _("Mặc định theo bộ quy tắc")), *Publication.choices])
    # Per-conference parameters (CV-1): only what differs from the deployment's defaults is stored.
    invalidity_scope = forms.ChoiceField(label=_("Phạm vi phiếu không hợp lệ (OP-3)"), choices=[
        ("per_row", _("Chỉ dòng có lỗi không hợp lệ (CV-25)")), ("whole_ballot", _("Cả phiếu không hợp lệ"))])
    qd96_serious_illness_exemption = forms.BooleanField(
        label=_("Miễn lấy phiếu người nghỉ điều trị bệnh hiểm nghèo theo QĐ 96 (OP-4)"), required=False)
    nq96_quorum = forms.ChoiceField(label=_("Sĩ số theo NQ 96/2023 (OP-6)"), choices=[
        ("record_only", _("Chỉ ghi nhận")), ("blocking", _("Phải đủ 2/3"))])
    planning_hold_on_counted = forms.BooleanField(label=_("Tạm dừng quy hoạch ngay khi kiểm phiếu (OP-11)"),
                                                  required=False)
    case_reminder_days = forms.IntegerField(label=_("Nhắc xử lý sau (ngày, OP-7)"), min_value=1, max_value=365)
    dossier_to_office_days = forms.IntegerField(label=_("Nộp hồ sơ: D-"), min_value=0, max_value=120)
    dossiers_to_voters_days = forms.IntegerField(label=_("Gửi hồ sơ: D-"), min_value=0, max_value=120)
    questions_to_person_days = forms.IntegerField(label=_("Gửi câu hỏi: D-"), min_value=0, max_value=120)
    last_explanation_days = forms.IntegerField(label=_("Giải trình cuối: D-"), min_value=0, max_value=120)

    SETTINGS = ("invalidity_scope", "qd96_serious_illness_exemption", "nq96_quorum", "planning_hold_on_counted",
                "case_reminder_days", "dossier_to_office_days", "dossiers_to_voters_days",
                "questions_to_person_days", "last_explanation_days")

    def __init__(self, *args: Any, org_choices: list | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if org_choices is None:
            del self.fields["organization"]
        else:
            self.fields["organization"].choices = [(o.pk, o.name) for o in org_choices]
        base = selectors.settings_from_dict(selectors.deployment_settings())
        for name in self.SETTINGS:
            self.fields[name].initial = selectors.settings_to_dict(base)[name]

    @staticmethod
    def initial_for(conf: Any) -> dict[str, Any]:
        data = {name: getattr(conf, name) for name in ("title", "voting_body", "voter_group", "vote_date", "place",
                                                       "term_label", "term_start", "body_kind", "publication")}
        data["rule_set"] = conf.rule_set if conf.rule_set_explicit else ""
        data.update({k: v for k, v in selectors.settings_to_dict(selectors.conference_settings(conf)).items()
                     if k in ConferenceForm.SETTINGS})
        return data

    def overrides(self) -> dict[str, Any]:
        """The parameters that differ from the deployment's defaults."""
        base = selectors.settings_to_dict(selectors.settings_from_dict(selectors.deployment_settings()))
        return {n: self.cleaned_data[n] for n in self.SETTINGS if self.cleaned_data[n] != base[n]}


class SubjectAddForm(forms.Form):
    member = forms.IntegerField(widget=forms.HiddenInput)
    position = forms.CharField(label=_("Chức vụ in trên phiếu"), max_length=200)
    reason = forms.CharField(label=_("Lý do bổ sung"), max_length=300)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Lý do"), max_length=300)


class FactsForm(forms.Form):
    positions = forms.CharField(label=_("Chức vụ (mỗi dòng một chức vụ)"), widget=forms.Textarea(attrs={"rows": 2}))
    retirement_notice = forms.BooleanField(label=_("Đã có thông báo nghỉ hưu (CV-7)"), required=False)
    appointed_on = _date(_("Ngày hiệu lực quyết định bổ nhiệm gần nhất (OP-2)"), required=False)
    elected_on = _date(_("Ngày được bầu gần nhất"), required=False)
    serious_illness = forms.BooleanField(label=_("Nghỉ điều trị bệnh hiểm nghèo có xác nhận của cơ quan y tế (CV-8)"),
                                         required=False)
    months_off = forms.IntegerField(label=_("Số tháng liên tục không điều hành công việc"), min_value=0, initial=0)


class DossierForm(forms.Form):
    self_assessment_on = _date(_("Ngày nhận báo cáo tự kiểm điểm, đánh giá"), required=False)
    declaration_ref = forms.CharField(label=_("Bản kê khai tài sản, thu nhập (số, ngày)"), max_length=120,
                                      required=False)
    declaration_signed_declarant = forms.BooleanField(label=_("Người kê khai đã ký"), required=False)
    declaration_signed_receiver = forms.BooleanField(label=_("Người nhận bản kê khai đã ký"), required=False)
    points_raised = forms.BooleanField(label=_("Có vấn đề cần giải trình"), required=False)
    questions = forms.CharField(label=_("Câu hỏi, vấn đề được nêu"), required=False,
                                widget=forms.Textarea(attrs={"rows": 2}))
    explanation_on = _date(_("Ngày nhận báo cáo giải trình"), required=False)
    dossier_note = forms.CharField(label=_("Ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class MilestoneForm(forms.Form):
    milestone = forms.ChoiceField(choices=[(m.value, m.value) for m in cv.Milestone])
    done_on = _date(_("Ngày thực hiện"), required=False)


class DateForm(forms.Form):
    vote_date = _date(_("Ngày lấy phiếu mới"))


class ReportForm(forms.Form):
    recipient = forms.CharField(label=_("Cấp có thẩm quyền quản lý cán bộ nhận báo cáo"), max_length=300)
    number = forms.CharField(label=_("Số báo cáo"), max_length=60)
    report_date = _date(_("Ngày báo cáo"))
    informed_on = _date(_("Ngày thông báo kết quả cho người được lấy phiếu"), required=False)
    publication = forms.ChoiceField(label=_("Công khai kết quả (CV-46)"), choices=Publication.choices)


class KioskForm(forms.Form):
    count = forms.IntegerField(label=_("Số mã cần in"), min_value=1, max_value=2000)


# ----------------------------------------------------------------------- consequence cases

class DecisionForm(forms.Form):
    number = forms.CharField(label=_("Số quyết định / văn bản"), max_length=60)
    decided_on = _date(_("Ngày quyết định"))


class LevelForm(DecisionForm):
    level = forms.ChoiceField(label=_("Mức tín nhiệm do cấp có thẩm quyền xác định (CV-38)"), choices=[
        (b.value, selectors.BAND_LABELS[b.value]) for b in cv.Band])


class OptionForm(DecisionForm):
    option = forms.ChoiceField(label=_("Hình thức xử lý (CV-36 b)"), choices=[
        ("relief_from_post", _("Cho thôi giữ chức vụ")), ("reassignment", _("Bố trí công tác khác")),
        ("resignation", _("Cho từ chức")), ("no_confidence_vote", _("Bỏ phiếu tín nhiệm")),
        ("retained_after_consideration", _("Giữ nguyên sau khi xem xét (chỉ khi OP-10 cho phép)"))])
    new_post = forms.CharField(label=_("Vị trí công tác mới (nếu có)"), max_length=200, required=False)
    vote_issued = forms.IntegerField(label=_("Bỏ phiếu tín nhiệm: phiếu phát ra"), min_value=0, required=False)
    vote_collected = forms.IntegerField(label=_("Phiếu thu về"), min_value=0, required=False)
    vote_no_confidence = forms.IntegerField(label=_("Phiếu không tín nhiệm"), min_value=0, required=False)


class ReliefForm(DecisionForm):
    new_post = forms.CharField(label=_("Vị trí công tác thấp hơn (CV-37)"), max_length=200)


class ConsiderationForm(forms.Form):
    removed_from_planning = forms.BooleanField(label=_("Đưa ra khỏi quy hoạch chức danh cao hơn"), required=False)
    number = forms.CharField(label=_("Số quyết định (nếu đưa ra khỏi quy hoạch)"), max_length=60, required=False)
    decided_on = _date(_("Ngày quyết định"), required=False)


class VoteForm(forms.Form):
    issued = forms.IntegerField(label=_("Phiếu phát ra"), min_value=0, required=False)
    collected = forms.IntegerField(label=_("Phiếu thu về (N)"), min_value=0)
    no_confidence = forms.IntegerField(label=_("Phiếu không tín nhiệm (K)"), min_value=0)


class CloseForm(forms.Form):
    closed_on = _date(_("Ngày kết thúc"))


class StatsForm(forms.Form):
    org = forms.TypedChoiceField(label=_("Tổ chức"), coerce=int, required=False)
    date_from = _date(_("Từ ngày"), required=False)
    date_to = _date(_("Đến ngày"), required=False)

    def __init__(self, *args: Any, orgs: list | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org"].choices = [("", gettext("Toàn bộ phạm vi"))] + [(o.pk, o.name) for o in orgs or []]
