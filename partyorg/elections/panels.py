"""Home page panel of this area (see core.views.home): congresses in progress in the user's scope, and the
electronic ballots the user may cast now."""
from __future__ import annotations

from django.template.loader import render_to_string

from .selectors import panel_data


def home_panel(request):
    if not request.user.is_authenticated:
        return None
    data = panel_data(actor=request.user)
    if not data.congresses and not data.ballots:
        return None
    return render_to_string("elections/_panel.html", {"d": data}, request=request)
