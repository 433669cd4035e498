"""Members per (cell, status), kept by triggers (partyorg/members/counts.py) and filled from the members."""
import django.db.models.deletion
from django.db import migrations, models


def up(apps, schema_editor):
    from partyorg.members import counts

    counts.install(schema_editor.connection)
    counts.rebuild(schema_editor.connection)


def down(apps, schema_editor):
    from partyorg.members import counts

    counts.remove(schema_editor.connection)


class Migration(migrations.Migration):

    dependencies = [
        ('members', '0002_search_trigram'),
        ('organizations', '0001_initial'),
    ]

    operations = [
        migrations.CreateModel(
            name='CellStatusCount',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('status', models.CharField(max_length=20)),
                ('n', models.BigIntegerField(default=0)),
                ('cell', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='organizations.organization')),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('cell', 'status'), name='cellcount_cell_status_uniq')],
            },
        ),
        migrations.RunPython(up, down),
    ]
