"""The adoption kind and reached level of a ledger entry as columns, in the rankings' covering index.

``backfill`` copies them from each existing entry's ``facts`` (what ``ledger.post`` now
does when it appends an entry), in batches of primary keys, one UPDATE per distinct pair
in a batch. The index is rebuilt after the backfill, so the updates do not maintain it.
"""

from collections import defaultdict
from typing import Any

from django.db import migrations, models

BATCH = 2000


def splits_of(facts: Any) -> tuple[str, str]:
    """As ``ledger.splits_of`` at the time of this migration: ``adoption_kind`` and the first of ``levels``."""
    if not isinstance(facts, dict):
        return "", ""
    levels = facts.get("levels") or ()
    return str(facts.get("adoption_kind") or ""), str(levels[0]) if levels else ""


def backfill(apps: Any, schema_editor: Any) -> None:
    ScoreEntry = apps.get_model("scoring", "ScoreEntry")
    last = 0
    while True:
        rows = list(ScoreEntry.objects.filter(pk__gt=last).order_by("pk").values_list("pk", "facts")[:BATCH])
        if not rows:
            return
        last = rows[-1][0]
        by_split: dict[tuple[str, str], list[int]] = defaultdict(list)
        for pk, facts in rows:
            split = splits_of(facts)
            if split != ("", ""):
                by_split[split].append(pk)
        for (adoption_kind, reached_level), pks in by_split.items():
            ScoreEntry.objects.filter(pk__in=pks).update(adoption_kind=adoption_kind, reached_level=reached_level)


class Migration(migrations.Migration):
    dependencies = [
        ("scoring", "0005_circulars"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="scoreentry",
            name="score_rank_cover",
        ),
        migrations.AddField(
            model_name="scoreentry",
            name="adoption_kind",
            field=models.CharField(
                blank=True,
                choices=[("full", "单独/全文采用"), ("combined", "综合采用"), ("brief", "摘编/简讯")],
                default="",
                max_length=10,
                verbose_name="采用方式",
            ),
        ),
        migrations.AddField(
            model_name="scoreentry",
            name="reached_level",
            field=models.CharField(
                blank=True,
                choices=[
                    ("own", "本级"),
                    ("upper", "上级"),
                    ("province", "省办"),
                    ("guoban", "国办"),
                    ("zhongban", "中办"),
                ],
                default="",
                max_length=10,
                verbose_name="采用层级",
            ),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="scoreentry",
            index=models.Index(
                fields=["desk", "on", "unit", "kind", "reverses", "points", "adoption_kind", "reached_level"],
                name="score_rank_cover",
            ),
        ),
    ]
