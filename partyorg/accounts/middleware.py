"""Staff roles must pass a TOTP second factor before reaching any page (unless the demo setting is off)."""
from __future__ import annotations

from django.conf import settings
from django.shortcuts import redirect

OPEN_PREFIXES = ("/accounts/", "/static/", "/i18n/", "/api/", "/healthz")


def needs_second_factor(user) -> bool:
    if not settings.PARTYORG_REQUIRE_2FA or not user.is_authenticated:
        return False
    from .models import SECOND_FACTOR_ROLES

    cached = getattr(user, "_needs_2fa", None)
    if cached is None:
        cached = user.is_superuser or user.role_grants.filter(role__in=list(SECOND_FACTOR_ROLES)).exists()
        user._needs_2fa = cached
    return cached


class SecondFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (user.is_authenticated and not request.path.startswith(OPEN_PREFIXES)
                and needs_second_factor(user) and not user.is_verified()):
            return redirect("accounts:otp")
        return self.get_response(request)
