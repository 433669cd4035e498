from django import forms

from .models import Role


class UserForm(forms.Form):
    username = forms.CharField(label="Tên đăng nhập", max_length=150)
    full_name = forms.CharField(label="Họ và tên", max_length=200)
    password = forms.CharField(label="Mật khẩu ban đầu", widget=forms.PasswordInput, min_length=10)
    member = forms.IntegerField(label="Gắn với đảng viên (ID, nếu có)", required=False)


class GrantForm(forms.Form):
    organization = forms.IntegerField(label="Tổ chức (ID)")
    role = forms.ChoiceField(label="Vai trò", choices=Role.choices)


class TokenForm(forms.Form):
    name = forms.CharField(label="Tên khóa (vd: phần mềm thống kê)", max_length=100)
