"""The archive's documents (资料信息库).

Written only by ``xinxi.archive.index``; the searchable text sits beside these rows in a
database-specific structure (an FTS5 table on SQLite, a ``tsvector`` column with a GIN
index on PostgreSQL) that ``schema.ensure_schema`` creates after every migrate.

The tables keep the names they had when search lived in ``items`` (``items_searchdoc``,
``items_search_fts``, ``items_issue_fts``, ``items_issuesearch``): the move changed the
code's owner, not the data. The foreign keys name the indexed models by string, so this
app imports no domain app; each domain app registers what it indexes (``registry``).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q


class SearchDocKind(models.TextChoices):
    ORIGINAL = "s", "原稿"
    ENTRY = "e", "科室稿"


class SearchDoc(models.Model):
    """One searchable document: a round the unit sent (原稿), or a desk's current text of an entry.

    Every document belongs to an item (``item``): results, counts and pages are in items.
    The id orders the archive newest first: documents are added as items arrive, and
    ``manage.py reindex`` rebuilds them in date order.
    """

    kind = models.CharField("类型", max_length=1, choices=SearchDocKind.choices)
    submission = models.OneToOneField(
        "items.Submission", null=True, blank=True, on_delete=models.CASCADE, related_name="search_doc"
    )
    entry = models.OneToOneField(
        "items.DeskEntry", null=True, blank=True, on_delete=models.CASCADE, related_name="search_doc"
    )
    item = models.ForeignKey("items.Item", on_delete=models.CASCADE, related_name="+")
    date = models.DateTimeField("日期", db_index=True)

    class Meta:
        db_table = "items_searchdoc"
        verbose_name = "检索文档"
        verbose_name_plural = "检索文档"
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="s", submission__isnull=False, entry__isnull=True)
                | Q(kind="e", entry__isnull=False, submission__isnull=True),
                name="searchdoc_one_source",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.submission_id or self.entry_id}"


class RebuildMark(models.Model):
    """How far a ``manage.py reindex`` got: the last planned source of its last committed batch.

    One row while a rebuild is under way, written in each batch's own transaction (so it
    never runs ahead of what was written), deleted when the rebuild finishes. Running
    ``reindex`` again after an interruption continues after this source.
    """

    started_at = models.DateTimeField("开始时间")
    updated_at = models.DateTimeField("更新时间")
    date = models.DateTimeField("已重建至")
    kind = models.CharField("类型", max_length=1, choices=SearchDocKind.choices)
    source_id = models.BigIntegerField("来源编号")
    done = models.PositiveIntegerField("已重建篇数", default=0)
    planned = models.PositiveIntegerField("计划篇数", default=0)

    class Meta:
        verbose_name = "索引重建进度"
        verbose_name_plural = "索引重建进度"

    def __str__(self) -> str:
        return f"{self.done}/{self.planned}"
