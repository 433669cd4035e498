from django import forms
from django.utils.translation import gettext_lazy as _

from partyorg.core.forms import DecisionForm

from .fields import OrganizationRefField, OrganizationRefsField
from .models import OrgType


class OrganizationForm(forms.Form):
    name = forms.CharField(label=_("Tên tổ chức"), max_length=255)
    short_name = forms.CharField(label=_("Tên viết tắt"), max_length=100, required=False)
    code = forms.CharField(label=_("Mã"), max_length=40)
    org_type = forms.ChoiceField(label=_("Loại tổ chức"), choices=OrgType.choices)
    address = forms.CharField(label=_("Địa chỉ"), max_length=300, required=False)
    established_on = forms.DateField(label=_("Ngày thành lập"), required=False,
                                     widget=forms.DateInput(attrs={"type": "date"}))


class RenameForm(DecisionForm):
    new_name = forms.CharField(label=_("Tên mới"), max_length=255)
    new_short_name = forms.CharField(label=_("Tên viết tắt mới"), max_length=100, required=False)


class MoveForm(DecisionForm):
    new_parent = OrganizationRefField(label=_("Tổ chức cấp trên mới"))


class MergeForm(DecisionForm):
    sources = OrganizationRefsField(label=_("Các tổ chức bị hợp nhất (mã hoặc ID, cách nhau bởi dấu phẩy)"))
    target = OrganizationRefField(label=_("Hợp nhất vào tổ chức có sẵn"), required=False)
    new_name = forms.CharField(label=_("…hoặc tên tổ chức mới"), max_length=255, required=False)
    new_code = forms.CharField(label=_("Mã tổ chức mới"), max_length=40, required=False)
    new_type = forms.ChoiceField(label=_("Loại tổ chức mới"), choices=[("", "—"), *OrgType.choices], required=False)


class DissolveForm(DecisionForm):
    pass


class AsOfForm(forms.Form):
    on = forms.DateField(label=_("Xem cây tổ chức tại ngày"), widget=forms.DateInput(attrs={"type": "date"}))
