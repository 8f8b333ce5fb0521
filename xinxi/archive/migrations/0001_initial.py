import django.db.models.deletion
from django.db import migrations, models


def ensure_engine_schema(apps, schema_editor):
    """The engine structures beside the table (idempotent: a database migrated before the move has them)."""
    from xinxi.archive.schema import ensure_schema

    ensure_schema(schema_editor.connection.alias)


class Migration(migrations.Migration):
    """``SearchDoc`` comes from ``items`` with its table (``items_searchdoc``): no data moves."""

    initial = True

    dependencies = [
        ("items", "0006_searchdoc_moves_to_archive"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="SearchDoc",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("kind", models.CharField(choices=[("s", "原稿"), ("e", "科室稿")], max_length=1, verbose_name="类型")),
                        ("date", models.DateTimeField(db_index=True, verbose_name="日期")),
                        ("entry", models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name="search_doc", to="items.deskentry")),
                        ("item", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+", to="items.item")),
                        ("submission", models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name="search_doc", to="items.submission")),
                    ],
                    options={
                        "verbose_name": "检索文档",
                        "verbose_name_plural": "检索文档",
                        "db_table": "items_searchdoc",
                        "constraints": [models.CheckConstraint(condition=models.Q(models.Q(("entry__isnull", True), ("kind", "s"), ("submission__isnull", False)), models.Q(("entry__isnull", False), ("kind", "e"), ("submission__isnull", True)), _connector="OR"), name="searchdoc_one_source")],
                    },
                ),
            ],
            database_operations=[
                migrations.RunPython(ensure_engine_schema, migrations.RunPython.noop),
            ],
        ),
    ]
