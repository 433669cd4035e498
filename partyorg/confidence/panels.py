"""Home page panel of this area (see core.views.home): votes the user is convened to, dossier deadlines
due within a week or missed (CV-20, OP-8), and open consequence cases with their reminders (CV-44, OP-7)."""
from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import timezone

from . import selectors
from .models import State


def home_panel(request) -> str | None:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    today = timezone.localdate()
    votes = [v for v in selectors.my_votes(actor=user) if v.box_open or v.conference.state in selectors.BEFORE_VOTING]
    reminders = selectors.reminders(actor=user, today=today, limit=5)
    cases = []
    for c in selectors.case_list(actor=user, open_only=True)[:20]:
        due = selectors.case_reminder_due(c, today=today)
        cases.append({"c": c, "due": due, "days": (today - c.opened_on).days})
    cases.sort(key=lambda r: (not r["due"], r["c"].opened_on))
    active = selectors.conference_qs(actor=user).filter(
        state__in=[*selectors.BEFORE_VOTING, State.VOTING]).count() if selectors.conference_qs(actor=user).exists() else 0
    if not (votes or reminders or cases or active):
        return None
    return render_to_string("confidence/_panel.html", {"votes": votes, "reminders": reminders, "cases": cases[:5],
                                                       "active": active}, request=request)
