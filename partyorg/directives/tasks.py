"""Background jobs of the directives area (DI-10). With no REDIS_URL Celery runs them inline (eager).

Schedule ``partyorg.directives.tasks.send_directive_digest`` with Celery beat (e.g. every weekday at
07:00) where a worker runs; ``manage.py send_directive_digest`` does the same from cron.
"""
from __future__ import annotations

from datetime import date

from celery import shared_task
from django.utils import timezone

from . import services


@shared_task(name="partyorg.directives.tasks.send_directive_digest")
def send_directive_digest(on: str | None = None) -> int:
    """E-mail the digest of open items to every subscribed user; returns the number of messages."""
    today = date.fromisoformat(on) if on else timezone.localdate()
    return services.digest_send(today=today)
