"""舆论监督与群众意见建议 (monthly lists routed for handling) and 社情民意 quarterly reports.

- ``SupervisionList``: one unit's monthly list to its desk (draft → 已报送).
- ``SupervisionRow``: a row of a list (source, date, summary, concerned unit, suggestion);
  the desk routes it to a concerned unit of its network (交办), that unit replies with
  its handling result (办理结果), which goes back to the sender.
- ``SentimentReport``: which quarter's 社情民意 comprehensive report a desk compiled, and the
  combined entry (``items.DeskEntry`` from ``entry_combine``) that holds it and its credits.

Lists and rows are not classified (they carry what media and the public said openly):
``classification`` is 公开 for the notifications' clearance check.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from xinxi.lib.choices import Classification


class ListState(models.TextChoices):
    DRAFT = "draft", "草稿"
    SENT = "sent", "已报送"


class RowKind(models.TextChoices):
    MEDIA = "media", "舆论监督"
    SUGGESTION = "suggestion", "群众意见建议"


class RowState(models.TextChoices):
    NEW = "new", "待交办"
    ROUTED = "routed", "已交办"
    REPLIED = "replied", "已反馈"


class SupervisionList(models.Model):
    unit = models.ForeignKey("network.Unit", verbose_name="报送单位", on_delete=models.PROTECT, related_name="+")
    desk = models.ForeignKey("network.Desk", verbose_name="报送科室", on_delete=models.PROTECT, related_name="+")
    month = models.DateField("月份", help_text="该月的第一天")
    state = models.CharField("状态", max_length=10, choices=ListState.choices, default=ListState.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="填报人", on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="报送人", null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+")
    sent_at = models.DateTimeField("报送时间", null=True, blank=True)

    class Meta:
        ordering = ["-month", "unit_id"]
        verbose_name = "舆论监督与群众意见建议清单"
        verbose_name_plural = "舆论监督与群众意见建议清单"
        constraints = [models.UniqueConstraint(fields=["unit", "desk", "month"], name="one_supervision_list_a_month")]
        indexes = [models.Index(fields=["desk", "month", "state"])]

    classification = Classification.PUBLIC

    def __str__(self) -> str:
        return f"{self.month:%Y年%m月}舆论监督与群众意见建议清单"

    @property
    def month_label(self) -> str:
        return f"{self.month.year}年{self.month.month}月"


class SupervisionRow(models.Model):
    list = models.ForeignKey(SupervisionList, verbose_name="清单", on_delete=models.CASCADE, related_name="rows")
    position = models.PositiveIntegerField("序号")
    kind = models.CharField("类型", max_length=12, choices=RowKind.choices)
    source = models.CharField("来源（媒体、渠道）", max_length=100)
    date = models.DateField("日期")
    summary = models.TextField("内容摘要")
    concerned = models.CharField("涉及单位", max_length=100)
    suggestion = models.TextField("意见建议", blank=True)
    state = models.CharField("状态", max_length=10, choices=RowState.choices, default=RowState.NEW)
    routed_to = models.ForeignKey("network.Unit", verbose_name="承办单位", null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    routed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="交办人", null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    routed_at = models.DateTimeField("交办时间", null=True, blank=True)
    route_note = models.CharField("交办要求", max_length=300, blank=True)
    due_on = models.DateField("反馈期限", null=True, blank=True)
    result = models.TextField("办理结果", blank=True)
    replied_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="反馈人", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    replied_at = models.DateTimeField("反馈时间", null=True, blank=True)
    # set when the overdue reminder went out for the current routing; routing again clears it
    overdue_reminded_at = models.DateTimeField("逾期提醒时间", null=True, blank=True)

    class Meta:
        ordering = ["list_id", "position", "id"]
        verbose_name = "清单条目"
        verbose_name_plural = "清单条目"
        constraints = [
            models.UniqueConstraint(fields=["list", "position"], name="supervision_row_position_unique"),
            models.CheckConstraint(
                condition=models.Q(state="new") | models.Q(routed_to__isnull=False, due_on__isnull=False),
                name="supervision_row_routed_has_unit",
            ),
        ]
        indexes = [models.Index(fields=["routed_to", "state"])]

    classification = Classification.PUBLIC

    def __str__(self) -> str:
        return self.summary[:30]

    @property
    def title(self) -> str:
        return self.summary if len(self.summary) <= 40 else self.summary[:40] + "…"


class SentimentReport(models.Model):
    desk = models.ForeignKey("network.Desk", verbose_name="科室", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField("年度")
    quarter = models.PositiveSmallIntegerField("季度", choices=[(q, f"第{q}季度") for q in (1, 2, 3, 4)])
    entry = models.OneToOneField("items.DeskEntry", verbose_name="综合信息", on_delete=models.PROTECT,
                                 related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="汇编人", on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField("汇编时间", auto_now_add=True)

    class Meta:
        ordering = ["-year", "-quarter"]
        verbose_name = "社情民意季度综合报告"
        verbose_name_plural = "社情民意季度综合报告"
        constraints = [
            models.UniqueConstraint(fields=["desk", "year", "quarter"], name="one_sentiment_report_a_quarter"),
        ]

    def __str__(self) -> str:
        return f"{self.year}年第{self.quarter}季度社情民意综合报告"

    @property
    def classification(self) -> int:
        return int(self.entry.classification)
