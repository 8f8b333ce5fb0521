"""Remarks (点评): an editor tells the sender what made a received item good or weak.

A remark belongs to one desk entry (the item as received at the editor's desk), one per
entry; the desk's editors and chief may rewrite or withdraw it. The sender's unit sees it
on the item's page and in 我的信息; it is counted per reporter (the item's creating
user) for staff appraisal.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class RemarkRating(models.TextChoices):
    EXCELLENT = "excellent", "优"
    GOOD = "good", "良"
    FAIR = "fair", "一般"
    POOR = "poor", "差"


class RemarkTag(models.TextChoices):
    TIMELY = "timely", "时效"
    ANGLE = "angle", "角度"
    DATA = "data", "数据"
    WRITING = "writing", "文字"
    TITLE = "title", "标题"


class Remark(models.Model):
    entry = models.OneToOneField(
        "items.DeskEntry", verbose_name="科室收稿", on_delete=models.CASCADE, related_name="remark"
    )
    desk = models.ForeignKey("network.Desk", verbose_name="点评科室", on_delete=models.PROTECT, related_name="+")
    item = models.ForeignKey("items.Item", verbose_name="信息", on_delete=models.PROTECT, related_name="remarks")
    unit = models.ForeignKey("network.Unit", verbose_name="报送单位", on_delete=models.PROTECT, related_name="+")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="报送人", on_delete=models.PROTECT, related_name="+"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="点评人", on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField("点评意见")
    rating = models.CharField("评价", max_length=10, choices=RemarkRating.choices, blank=True)
    tags = models.JSONField("方面", default=list, blank=True)
    created_at = models.DateTimeField("点评时间")
    updated_at = models.DateTimeField("修改时间")
    version = models.PositiveIntegerField("版本", default=1)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "点评"
        verbose_name_plural = "点评"
        indexes = [models.Index(fields=["desk", "created_at"]), models.Index(fields=["unit", "-created_at"])]

    def __str__(self) -> str:
        return f"点评 #{self.pk}"

    @property
    def classification(self) -> int:
        return int(self.entry.classification)

    @property
    def tag_labels(self) -> list[str]:
        return [RemarkTag(t).label for t in self.tags if t in RemarkTag.values]
