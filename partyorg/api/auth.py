from __future__ import annotations

from django.middleware.csrf import CsrfViewMiddleware
from django.utils import timezone
from ninja.errors import HttpError
from ninja.security import HttpBearer

from partyorg.accounts.models import ApiToken


class TokenAuth(HttpBearer):
    """Bearer tokens; only their SHA-256 digest is stored, so a database leak reveals no usable token."""

    def authenticate(self, request, token):
        if not token:
            return None
        row = (ApiToken.objects.select_related("user").filter(digest=ApiToken.digest_of(token), revoked=False)
               .first())
        if row is None or not row.user.is_active:
            return None
        ApiToken.objects.filter(pk=row.pk).update(last_used_at=timezone.now())
        request.user = row.user
        return row.user


class SessionOrToken(TokenAuth):
    """Logged-in browser sessions (same scopes) or a bearer token."""

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            from partyorg.accounts.middleware import needs_second_factor

            if not needs_second_factor(user) or user.is_verified():
                _check_csrf(request)
                return user
        return super().__call__(request)


def _check_csrf(request) -> None:
    """A browser session writes through the API only with Django's CSRF token (header X-CSRFToken), as
    pages do; ninja marks its views csrf_exempt, so the check is made here. Bearer tokens need none."""
    if request.method in ("GET", "HEAD", "OPTIONS", "TRACE"):
        return
    mw = CsrfViewMiddleware(lambda r: None)  # type: ignore[arg-type, return-value]
    mw.process_request(request)
    if mw.process_view(request, None, (), {}) is not None:  # type: ignore[arg-type]
        raise HttpError(403, "Thiếu hoặc sai mã CSRF. / CSRF token missing or incorrect.")
