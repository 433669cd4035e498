"""Home page panel: introduction letters waiting for the user's side to receive them."""
from __future__ import annotations

from django.template.loader import render_to_string

from .transfers import letters_incoming


def home_panel(request):
    if not request.user.is_authenticated:
        return None
    letters = list(letters_incoming(actor=request.user)[:10])
    if not letters:
        return None
    return render_to_string("members/_letters_panel.html", {"letters": letters}, request=request)
