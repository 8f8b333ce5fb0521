"""调研: research topics a desk sets per quarter or year, and the reports (items of category 调研) on them."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ResearchPeriod(models.TextChoices):
    QUARTER = "quarter", "季度"
    YEAR = "year", "年度"


class ResearchTopic(models.Model):
    desk = models.ForeignKey("network.Desk", verbose_name="科室", on_delete=models.PROTECT, related_name="+")
    title = models.CharField("调研题目", max_length=200)
    description = models.TextField("调研要求", blank=True)
    period = models.CharField("周期", max_length=10, choices=ResearchPeriod.choices, default=ResearchPeriod.QUARTER)
    year = models.PositiveIntegerField("年度")
    quarter = models.PositiveSmallIntegerField("季度", null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year", "-quarter", "id"]
        verbose_name = "调研题目"
        verbose_name_plural = "调研题目"

    def __str__(self) -> str:
        return self.title

    @property
    def period_label(self) -> str:
        return f"{self.year}年第{self.quarter}季度" if self.quarter else f"{self.year}年度"


class ItemResearch(models.Model):
    """The research topic a 调研 item answers (one per item)."""

    item = models.OneToOneField("items.Item", on_delete=models.CASCADE, related_name="+")
    topic = models.ForeignKey(ResearchTopic, on_delete=models.PROTECT, related_name="reports")
    linked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    linked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "调研报告关联"
        verbose_name_plural = "调研报告关联"

    def __str__(self) -> str:
        return f"{self.item_id} → {self.topic}"
