from django import forms
from django.utils.translation import gettext_lazy as _

from partyorg.organizations.fields import OrganizationRefField

from .models import Role


class UserForm(forms.Form):
    username = forms.CharField(label=_("Tên đăng nhập"), max_length=150)
    full_name = forms.CharField(label=_("Họ và tên"), max_length=200)
    password = forms.CharField(label=_("Mật khẩu ban đầu"), widget=forms.PasswordInput, min_length=10)
    member = forms.IntegerField(label=_("Gắn với đảng viên (ID, nếu có)"), required=False)


class GrantForm(forms.Form):
    organization = OrganizationRefField(label=_("Tổ chức"))
    role = forms.ChoiceField(label=_("Vai trò"), choices=Role.choices)


class TokenForm(forms.Form):
    name = forms.CharField(label=_("Tên khóa (vd: phần mềm thống kê)"), max_length=100)
