from __future__ import annotations

import base64

from django import forms
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from partyorg.core.audit import audit_record
from partyorg.core.errors import ApplicationError, NotFoundOrForbidden
from partyorg.core.forms import apply_error
from partyorg.organizations.selectors import organization_suggestions

from . import services
from .forms import GrantForm, TokenForm, UserForm
from .models import ApiToken, RoleGrant


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


class OtpForm(forms.Form):
    token = forms.CharField(label=_("Mã xác thực 6 số"), max_length=6, min_length=6,
                            widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric",
                                                          "autofocus": True}))


@login_required
def otp_view(request):
    """Verify the TOTP code; a user without a confirmed device first sets one up here."""
    device = TOTPDevice.objects.filter(user=request.user, confirmed=True).first()
    setup = device is None
    if setup:
        device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
        if device is None:
            device = TOTPDevice.objects.create(user=request.user, name="default", confirmed=False)
    form = OtpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            with transaction.atomic():
                if setup:
                    device.confirmed = True
                    device.save(update_fields=["confirmed"])
                    audit_record(actor=request.user, action="account.totp_confirmed", target=request.user)
            otp_login(request, device)
            nxt = request.GET.get("next") or ""
            if not url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()},
                                                   require_https=request.is_secure()):
                nxt = "core:home"
            return redirect(nxt)
        form.add_error("token", _("Mã không đúng hoặc đã hết hạn."))
    secret = base64.b32encode(device.bin_key).decode() if setup else ""
    return render(request, "accounts/otp.html", {"form": form, "setup": setup, "secret": secret,
                                                 "otpauth": device.config_url if setup else ""})


def locked_out(request, *args, **kwargs):
    return render(request, "accounts/locked_out.html", status=429)


@login_required
def logout_view(request):
    from django.contrib.auth import logout

    if request.method == "POST":
        logout(request)
        messages.info(request, _("Đã đăng xuất."))
    return redirect("accounts:login")


# ------------------------------------------------------------------ administration



@login_required
def users(request):
    form = UserForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            u = services.user_create(actor=request.user, username=d["username"], full_name=d["full_name"],
                                     password=d["password"], member_id=d.get("member"))
        except ApplicationError as exc:
            apply_error(form, exc)
        else:
            messages.success(request, _("Đã tạo tài khoản."))
            return redirect("accounts:user", user_id=u.pk)
    rows = services.users_in_scope(actor=request.user).prefetch_related("role_grants__organization")
    return render(request, "accounts/users.html", {"rows": rows, "form": form})


def _user_in_scope(request, user_id):
    u = services.users_in_scope(actor=request.user).filter(pk=user_id).first()
    if u is None:
        raise NotFoundOrForbidden()
    return u


@login_required
def user_detail(request, user_id: int):
    u = _user_in_scope(request, user_id)
    form = GrantForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.role_grant(actor=request.user, user_id=u.pk, organization_id=form.cleaned_data["organization"],
                                role=form.cleaned_data["role"])
        except ApplicationError as exc:
            apply_error(form, exc)
        else:
            messages.success(request, _("Đã giao vai trò."))
            return redirect("accounts:user", user_id=u.pk)
    grants = RoleGrant.objects.filter(user=u).select_related("organization")
    return render(request, "accounts/user.html", {"u": u, "grants": grants, "form": form,
                                                  "org_choices": organization_suggestions(actor=request.user)})


@login_required
@require_POST
def grant_revoke(request, grant_id: int):
    grant = RoleGrant.objects.filter(pk=grant_id).first()
    if grant is None:
        raise NotFoundOrForbidden()
    services.role_revoke(actor=request.user, grant_id=grant_id)
    messages.success(request, _("Đã thu hồi vai trò."))
    return redirect("accounts:user", user_id=grant.user_id)


@login_required
@require_POST
def user_active(request, user_id: int):
    u = _user_in_scope(request, user_id)
    services.user_set_active(actor=request.user, user_id=u.pk, active=request.POST.get("active") == "1")
    return redirect("accounts:user", user_id=u.pk)


@login_required
def tokens(request):
    form = TokenForm(request.POST or None)
    raw = None
    if request.method == "POST" and form.is_valid():
        try:
            _token, raw = services.api_token_create(actor=request.user, name=form.cleaned_data["name"])
        except ApplicationError as exc:
            apply_error(form, exc)
    rows = ApiToken.objects.filter(user=request.user).order_by("-created_at")
    return render(request, "accounts/tokens.html", {"form": form, "rows": rows, "raw": raw})


@login_required
@require_POST
def token_revoke(request, token_id: int):
    services.api_token_revoke(actor=request.user, token_id=token_id)
    return redirect("accounts:tokens")

