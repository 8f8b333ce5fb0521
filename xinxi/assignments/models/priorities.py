"""报送要点 / 采编要目: a desk's numbered list of priority topics, and the items tagged with them."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class PriorityPeriod(models.TextChoices):
    QUARTER = "quarter", "季度（报送要点）"
    MONTH = "month", "月度（采编要目）"


class PriorityListState(models.TextChoices):
    DRAFT = "draft", "草稿"
    PUBLISHED = "published", "已印发"


class PriorityList(models.Model):
    """One period's list of priority topics of a desk; publishing numbers it (临江信〔2026〕3号)."""

    desk = models.ForeignKey("network.Desk", verbose_name="科室", on_delete=models.PROTECT, related_name="+")
    title = models.CharField("标题", max_length=200)
    period = models.CharField("周期", max_length=10, choices=PriorityPeriod.choices, default=PriorityPeriod.QUARTER)
    starts_on = models.DateField("起始日期")
    ends_on = models.DateField("截止日期")
    state = models.CharField("状态", max_length=10, choices=PriorityListState.choices, default=PriorityListState.DRAFT)
    year = models.PositiveIntegerField("文号年份", null=True, blank=True)
    number = models.PositiveIntegerField("文号序号", null=True, blank=True)
    published_at = models.DateTimeField("印发时间", null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_on", "-id"]
        verbose_name = "报送要点"
        verbose_name_plural = "报送要点"
        constraints = [
            models.UniqueConstraint(fields=["desk", "year", "number"], name="priority_list_number_unique"),
            models.CheckConstraint(condition=models.Q(ends_on__gte=models.F("starts_on")), name="priority_list_dates"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def doc_number(self) -> str:
        """文号: 临江信要〔2026〕3号 (given when published)."""
        if self.number is None:
            return ""
        return f"{self.desk.unit.name[:2]}信要〔{self.year}〕{self.number}号"


class PriorityTopic(models.Model):
    plist = models.ForeignKey(PriorityList, verbose_name="报送要点", on_delete=models.CASCADE, related_name="topics")
    number = models.PositiveSmallIntegerField("序号")
    title = models.CharField("题目", max_length=100)
    description = models.CharField("说明", max_length=500, blank=True)
    keywords = models.CharField("关键词（以逗号或空格分隔）", max_length=200, blank=True)

    class Meta:
        ordering = ["plist", "number"]
        verbose_name = "报送要点题目"
        verbose_name_plural = "报送要点题目"
        constraints = [models.UniqueConstraint(fields=["plist", "number"], name="priority_topic_number_unique")]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"

    def keyword_list(self) -> list[str]:
        import re

        return [k for k in re.split(r"[,，、;；\s]+", self.keywords) if k]


class ItemPriority(models.Model):
    """An item tagged with a priority topic by its reporter."""

    item = models.ForeignKey("items.Item", on_delete=models.CASCADE, related_name="+")
    topic = models.ForeignKey(PriorityTopic, on_delete=models.PROTECT, related_name="taggings")
    tagged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    tagged_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "报送要点标注"
        verbose_name_plural = "报送要点标注"
        constraints = [models.UniqueConstraint(fields=["item", "topic"], name="item_priority_unique")]

    def __str__(self) -> str:
        return f"{self.item_id} → {self.topic}"
