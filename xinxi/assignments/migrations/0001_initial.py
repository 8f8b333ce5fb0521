from django.db import migrations


class Migration(migrations.Migration):
    """The app's root: each area's first migration depends on this one."""

    initial = True
    dependencies: list[tuple[str, str]] = []
    operations: list[migrations.operations.base.Operation] = []
