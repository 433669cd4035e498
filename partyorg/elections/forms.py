"""Forms of the elections pages: they parse input only; every rule lives in the services and the domain."""
from __future__ import annotations

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .models import DeductionChoice, KindChoice, Standing, VenueChoice

DATE = forms.DateInput(attrs={"type": "date"})


def _count(label: str, required: bool = True) -> forms.IntegerField:
    return forms.IntegerField(label=label, min_value=0, required=required,
                              widget=forms.NumberInput(attrs={"style": "min-width:0;width:7em"}))


class CongressForm(forms.Form):
    org = forms.TypedChoiceField(label=_("Tổ chức đảng"), coerce=int)
    title = forms.CharField(label=_("Tên đại hội / hội nghị"), max_length=300)
    venue = forms.ChoiceField(label=_("Loại hình"), choices=VenueChoice.choices)
    kind = forms.ChoiceField(label=_("Thành phần"), choices=KindChoice.choices)
    term_label = forms.CharField(label=_("Nhiệm kỳ"), max_length=40, initial="2025–2030")
    starts_on = forms.DateField(label=_("Ngày khai mạc"), widget=DATE)
    ends_on = forms.DateField(label=_("Ngày bế mạc"), widget=DATE, required=False)
    has_standing_committee = forms.BooleanField(label=_("Cấp ủy có Ban Thường vụ"), required=False, initial=True)
    parent = forms.TypedChoiceField(label=_("Đại hội đã bầu ra cấp ủy (với hội nghị lần thứ nhất)"), coerce=int,
                                    required=False, empty_value=None)

    def __init__(self, *args, orgs=(), parents=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].choices = [(o.pk, o.name) for o in orgs]
        self.fields["parent"].choices = [("", "—")] + [(c.pk, c.title) for c in parents]


class ShowOfHandsForm(forms.Form):
    """A vote by show of hands, recorded as counts (EL-6)."""

    agree = _count(_("Số đồng ý"))
    disagree = _count(_("Số không đồng ý"))
    attending = _count(_("Số có mặt biểu quyết"))


class ListApproveForm(ShowOfHandsForm):
    override_warnings = forms.BooleanField(label=_("Đại hội đã quyết định vẫn tiến hành (bỏ qua cảnh báo)"),
                                           required=False)


class RollAddForm(forms.Form):
    identifiers = forms.CharField(label=_("Số thẻ đảng viên hoặc số CCCD (mỗi dòng một người)"),
                                  widget=forms.Textarea(attrs={"rows": 4}))
    standing = forms.ChoiceField(label=_("Tư cách"), choices=Standing.choices)


class AdjustForm(forms.Form):
    entry = forms.IntegerField(widget=forms.HiddenInput)
    deduction = forms.ChoiceField(label=_("Điều chỉnh"), choices=[("", "—")] + list(DeductionChoice.choices),
                                  required=False)
    reason = forms.CharField(label=_("Lý do"), max_length=300, required=False)


class ReplaceForm(forms.Form):
    alternate = forms.IntegerField(widget=forms.HiddenInput)
    official = forms.TypedChoiceField(label=_("Thay đại biểu"), coerce=int, required=False, empty_value=None)


class BodyForm(ShowOfHandsForm):
    kind = forms.CharField(widget=forms.HiddenInput)
    members = forms.TypedMultipleChoiceField(label=_("Thành viên"), coerce=int,
                                             widget=forms.SelectMultiple(attrs={"size": 6}))
    head = forms.TypedChoiceField(label=_("Trưởng ban / chủ trì"), coerce=int, required=False, empty_value=None)

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(m.pk, m.full_name) for m in people]
        self.fields["members"].choices = choices
        self.fields["head"].choices = [("", "—")] + choices


class ItemCreateForm(forms.Form):
    kind = forms.ChoiceField(label=_("Bầu"))
    title = forms.CharField(label=_("Tên (không bắt buộc)"), max_length=200, required=False)

    def __init__(self, *args, kinds=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = list(kinds)


class SeatsForm(forms.Form):
    seats = forms.IntegerField(label=_("Số lượng cần bầu"), min_value=1)
    agree = _count(_("Số đồng ý"), required=False)
    disagree = _count(_("Số không đồng ý"), required=False)
    attending = _count(_("Số có mặt biểu quyết"), required=False)
    decision_ref = forms.CharField(label=_("Văn bản phân bổ (bầu đại biểu)"), max_length=100, required=False)


class CandidateForm(forms.Form):
    member = forms.TypedChoiceField(label=_("Đảng viên"), coerce=int, required=False, empty_value=None)
    identifier = forms.CharField(label=_("hoặc số thẻ đảng viên / số CCCD"), max_length=20, required=False)
    source = forms.ChoiceField(label=_("Nguồn"))
    agree = _count(_("Số đồng ý đưa vào danh sách"), required=False)
    attending = _count(_("Số có mặt"), required=False)
    meets_standards = forms.BooleanField(label=_("Đủ tiêu chuẩn"), required=False, initial=True)

    def __init__(self, *args, people=(), sources=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].choices = [("", "—")] + [(m.pk, m.full_name) for m in people]
        self.fields["source"].choices = list(sources)

    def clean(self):
        data = super().clean()
        if not data.get("member") and not (data.get("identifier") or "").strip():
            self.add_error("member", gettext("Chọn đảng viên hoặc nhập số thẻ / số CCCD."))
        return data


class WithdrawForm(forms.Form):
    candidate = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Lý do rút tên"), max_length=300)


class PollForm(forms.Form):
    def __init__(self, *args, candidates=(), **kwargs):
        super().__init__(*args, **kwargs)
        for c in candidates:
            self.fields[f"poll_{c.pk}"] = _count(c.member.full_name, required=False)

    def votes(self) -> dict[int, int]:
        return {int(k.removeprefix("poll_")): v for k, v in self.cleaned_data.items() if v is not None}


class RoundOpenForm(forms.Form):
    electronic = forms.BooleanField(label=_("Cho phép bỏ phiếu điện tử (bỏ phiếu kín qua tài khoản hoặc máy tại "
                                          "hội trường)"), required=False)


class CountForm(forms.Form):
    signed_by = forms.CharField(label=_("Các thành viên Ban Kiểm phiếu ký biên bản"), max_length=500, required=False)


class SubmitForm(forms.Form):
    submitted_on = forms.DateField(label=_("Ngày trình chuẩn y"), widget=DATE)


class ApproveForm(forms.Form):
    approving_body = forms.CharField(label=_("Cấp ủy chuẩn y"), max_length=255)
    decision_ref = forms.CharField(label=_("Số quyết định"), max_length=100)
    decided_on = forms.DateField(label=_("Ngày quyết định"), widget=DATE)
    refused = forms.TypedMultipleChoiceField(label=_("Không chuẩn y (nếu có)"), coerce=int, required=False,
                                             widget=forms.CheckboxSelectMultiple)
    annulled = forms.BooleanField(label=_("Hủy kết quả bầu cử, chỉ đạo bầu lại"), required=False)

    def __init__(self, *args, winners=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["refused"].choices = [(c.pk, c.member.full_name) for c in winners]
