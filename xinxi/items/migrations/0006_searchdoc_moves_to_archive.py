from django.db import migrations


class Migration(migrations.Migration):
    """The archive's documents move to the ``archive`` app; the table stays (``items_searchdoc``)."""

    dependencies = [
        ("items", "0005_itemevent"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="SearchDoc")],
            database_operations=[],
        ),
    ]
