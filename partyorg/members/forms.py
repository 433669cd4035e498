from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from partyorg.organizations.fields import OrganizationRefField

from .models import ActivityKind, Gender, HowObtained, MemberStatus, PositionTitle, TheoryLevel

DATE = forms.DateInput(attrs={"type": "date"})


class MemberForm(forms.Form):
    full_name = forms.CharField(label=_("Họ và tên"), max_length=120)
    date_of_birth = forms.DateField(label=_("Ngày sinh"), widget=DATE)
    gender = forms.ChoiceField(label=_("Giới tính"), choices=Gender.choices)
    ethnicity = forms.CharField(label=_("Dân tộc"), max_length=50, initial="Kinh")
    religion = forms.CharField(label=_("Tôn giáo"), max_length=50, initial="Không", required=False)
    place_of_origin = forms.CharField(label=_("Quê quán"), max_length=255, required=False)
    citizen_id = forms.CharField(label=_("Số CCCD (12 số)"), max_length=12)
    party_card_number = forms.CharField(label=_("Số thẻ đảng viên"), max_length=20, required=False)
    admitted_on = forms.DateField(label=_("Ngày vào Đảng"), widget=DATE)
    official_on = forms.DateField(label=_("Ngày chính thức"), widget=DATE, required=False)
    education_level = forms.CharField(label=_("Trình độ chuyên môn"), max_length=100, required=False)
    theory_level = forms.ChoiceField(label=_("Lý luận chính trị"), choices=TheoryLevel.choices, required=False)


class MemberFilterForm(forms.Form):
    q = forms.CharField(label=_("Tìm (có dấu hoặc không dấu)"), required=False,
                        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("vd: nguyen van an")}))
    org = forms.IntegerField(required=False, widget=forms.HiddenInput)
    status = forms.ChoiceField(label=_("Tình trạng"), choices=[("", _("Tất cả")), *MemberStatus.choices], required=False)
    gender = forms.ChoiceField(label=_("Giới tính"), choices=[("", _("Tất cả")), *Gender.choices], required=False)
    theory_level = forms.ChoiceField(label=_("Lý luận chính trị"), choices=[("", _("Tất cả")), *TheoryLevel.choices[1:]],
                                     required=False)


class StatusForm(forms.Form):
    new_status = forms.ChoiceField(label=_("Tình trạng mới"), choices=MemberStatus.choices)
    effective_on = forms.DateField(label=_("Từ ngày"), widget=DATE)
    reason = forms.CharField(label=_("Lý do"), max_length=300, required=False)
    decision_ref = forms.CharField(label=_("Số quyết định"), max_length=100, required=False)


class TransferForm(forms.Form):
    kind = forms.ChoiceField(label=_("Loại"), choices=ActivityKind.choices)
    to_org = OrganizationRefField(label=_("Chi bộ nhận"))
    start_on = forms.DateField(label=_("Từ ngày"), widget=DATE)
    decision_ref = forms.CharField(label=_("Số giấy giới thiệu"), max_length=100, required=False)
    note = forms.CharField(label=_("Ghi chú"), max_length=300, required=False)


class PositionForm(forms.Form):
    organization = OrganizationRefField(label=_("Tổ chức"))
    title = forms.ChoiceField(label=_("Chức vụ"), choices=PositionTitle.choices)
    title_text = forms.CharField(label=_("Tên chức vụ cụ thể"), max_length=200, required=False)
    term_label = forms.CharField(label=_("Nhiệm kỳ (vd 2025-2030)"), max_length=40, required=False)
    start_on = forms.DateField(label=_("Từ ngày"), widget=DATE)
    how_obtained = forms.ChoiceField(label=pgettext_lazy("how a position was obtained", "Hình thức"),
                                     choices=HowObtained.choices)
    managing_authority = OrganizationRefField(label=_("Cấp quản lý cán bộ"), required=False)
    decision_ref = forms.CharField(label=_("Số quyết định"), max_length=100, required=False)


class LetterIssueForm(forms.Form):
    to_org = OrganizationRefField(label=_("Chuyển đến (đảng bộ nhận)"),
                                  help_text=_("Mã của tổ chức trong phạm vi của bạn, hoặc của đảng bộ trực thuộc "
                                              "Trung ương nơi đảng viên chuyển đến."))
    number = forms.CharField(label=_("Số giấy giới thiệu"), max_length=100)
    issued_on = forms.DateField(label=_("Ngày cấp"), widget=DATE)
    note = forms.CharField(label=_("Ghi chú"), max_length=300, required=False)


class LetterReceiveForm(forms.Form):
    cell = OrganizationRefField(label=_("Chi bộ tiếp nhận"))
    received_on = forms.DateField(label=_("Ngày tiếp nhận"), widget=DATE)


class LetterCloseForm(forms.Form):
    on = forms.DateField(label=_("Ngày"), widget=DATE)
    reason = forms.CharField(label=_("Lý do"), max_length=300)
