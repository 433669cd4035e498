"""Lanes of the audit chain (docs/adr/0004). Existing events are lane 1; the hash of every event now
covers its lane. SQLite adds the column by rebuilding the table, which would drop the append-only
triggers: they are lifted around the change and installed again."""
from django.db import migrations, models


def lift(apps, schema_editor):
    from partyorg.core.triggers import remove

    remove(schema_editor.connection)


def put_back(apps, schema_editor):
    from partyorg.core.triggers import install

    install(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("core", "0002_audit_append_only")]

    operations = [
        migrations.RunPython(lift, put_back),
        migrations.AddField(model_name="auditevent", name="lane", field=models.PositiveSmallIntegerField(default=1)),
        migrations.RunPython(put_back, lift),
    ]
