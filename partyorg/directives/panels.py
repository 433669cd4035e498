"""Home page panel of this area (see core.views.home): the commission's open items, the compliance of
what it issued, overdue children and recent obstacles (DI-6, DI-7, DI-10)."""
from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import timezone

from partyorg.core.scopes import scope_for

from . import selectors


def home_panel(request) -> str | None:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not scope_for(user).read_paths:
        return None
    board = selectors.dashboard(actor=user, today=timezone.localdate(), limit=5)
    return render_to_string("directives/_panel.html", {"board": board}, request=request)
