"""Home page panel of this area (see core.views.home): open rating cycles with their deadlines, and the
member's own ratings waiting for a self-assessment or announced."""
from __future__ import annotations

from django.template.loader import render_to_string

from .selectors import panel_data


def home_panel(request):
    if not request.user.is_authenticated:
        return None
    cycles, mine = panel_data(actor=request.user)
    if not cycles and not mine:
        return None
    return render_to_string("appraisal/_panel.html", {"cycles": cycles, "mine": mine}, request=request)
