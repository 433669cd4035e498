"""Database triggers that make the audit log append-only (UPDATE, DELETE and TRUNCATE are refused)."""
from django.db import migrations


def up(apps, schema_editor):
    from partyorg.core.triggers import install

    install(schema_editor.connection)


def down(apps, schema_editor):
    from partyorg.core.triggers import remove

    remove(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(up, down)]
