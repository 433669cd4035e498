"""``flush`` empties every table, the audit log included: the append-only triggers are lifted for that
one statement and put back at once. Nothing else may delete audit rows."""
from django.core.management.commands.flush import Command as DjangoFlush
from django.db import DEFAULT_DB_ALIAS, connections

from partyorg.core.triggers import lifted_for_flush


class Command(DjangoFlush):
    def handle(self, **options):
        with lifted_for_flush(connections[options.get("database") or DEFAULT_DB_ALIAS]):
            return super().handle(**options)
