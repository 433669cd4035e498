"""Home page panel: introduction letters waiting for the user's side to receive them, and the user's own
letters still not received after ``LETTER_REMINDER_DAYS`` days."""
from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import timezone

from .transfers import LETTER_REMINDER_DAYS, letters_incoming, letters_unreceived


def home_panel(request):
    if not request.user.is_authenticated:
        return None
    letters = list(letters_incoming(actor=request.user)[:10])
    late = list(letters_unreceived(actor=request.user, today=timezone.localdate())[:10])
    if not letters and not late:
        return None
    return render_to_string("members/_letters_panel.html", {"letters": letters, "late": late,
                                                            "days": LETTER_REMINDER_DAYS}, request=request)
