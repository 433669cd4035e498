"""Send the e-mail digest of open requirements and reports (DI-10) through the Celery task."""
from __future__ import annotations

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from partyorg.directives.tasks import send_directive_digest


class Command(BaseCommand):
    help = "E-mail each subscribed user the open requirements and reports of their organizations (DI-10)."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="the day the digest is for (YYYY-MM-DD; default: today)")
        parser.add_argument("--queue", action="store_true",
                            help="hand the job to the Celery workers instead of running it here")

    def handle(self, *args, **opts):
        on = opts.get("date")
        if on:
            try:
                date.fromisoformat(on)
            except ValueError:
                raise CommandError("--date must be YYYY-MM-DD")
        if opts.get("queue"):
            result = send_directive_digest.delay(on)
            self.stdout.write(f"queued: {result.id}")
            return
        sent = send_directive_digest(on)
        self.stdout.write(f"sent: {sent}")
