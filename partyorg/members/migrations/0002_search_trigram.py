"""PostgreSQL: trigram index so that substring search over millions of names uses an index."""
from django.db import migrations


def up(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute("CREATE INDEX IF NOT EXISTS member_search_trgm ON members_member "
                          "USING gin (search_text gin_trgm_ops)")
    schema_editor.execute("CREATE INDEX IF NOT EXISTS org_search_trgm ON organizations_organization "
                          "USING gin (search_text gin_trgm_ops)")


def down(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS member_search_trgm")
    schema_editor.execute("DROP INDEX IF EXISTS org_search_trgm")


class Migration(migrations.Migration):
    dependencies = [("members", "0001_initial"), ("organizations", "0001_initial")]
    operations = [migrations.RunPython(up, down)]
