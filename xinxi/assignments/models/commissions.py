"""约稿 commissions: a desk asks chosen units for items on a topic by a due time.

A ``Commission`` belongs to the desk that issued it; each target unit has one
``CommissionTarget`` row whose ``status`` says where it stands: 待报送 (pending; a draft
may already be linked), 已报送 (answered on time), 逾期报送 (answered late), 未报送
(missed: the due time passed with no answer), 不能报送 (declined with a reason). An item
answers at most one target (``item`` is one-to-one); the answer counts when the item is
submitted (``answered_at`` = the submission's time). See docs/architecture.md, Commissions.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q

REMIND_HOURS = 24  # the default: remind unanswered targets this many hours before the due time


class TargetStatus(models.TextChoices):
    PENDING = "pending", "待报送"
    ANSWERED = "answered", "已报送"
    LATE = "late", "逾期报送"
    MISSED = "missed", "未报送"
    DECLINED = "declined", "不能报送"


ANSWERED_STATUSES = (TargetStatus.ANSWERED, TargetStatus.LATE)


class Commission(models.Model):
    desk = models.ForeignKey("network.Desk", verbose_name="约稿科室", on_delete=models.PROTECT, related_name="+")
    topic = models.CharField("约稿主题", max_length=200)
    requirements = models.TextField("约稿要求", blank=True)
    due_at = models.DateTimeField("报送截止时间")
    remind_hours = models.PositiveSmallIntegerField("提前提醒（小时）", default=REMIND_HOURS)
    scored = models.BooleanField("计分", default=True)
    unit_classes = models.ManyToManyField("network.UnitClass", verbose_name="按单位类别", blank=True, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="发起人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("发起时间", auto_now_add=True)

    class Meta:
        ordering = ["-due_at", "-id"]
        verbose_name = "约稿"
        verbose_name_plural = "约稿"
        indexes = [models.Index(fields=["desk", "-due_at"], name="commission_desk_due")]

    def __str__(self) -> str:
        return self.topic

    @property
    def remind_at(self) -> dt.datetime:
        return self.due_at - dt.timedelta(hours=self.remind_hours)


class CommissionTarget(models.Model):
    commission = models.ForeignKey(Commission, verbose_name="约稿", on_delete=models.CASCADE, related_name="targets")
    unit = models.ForeignKey("network.Unit", verbose_name="约稿对象", on_delete=models.PROTECT, related_name="+")
    status = models.CharField("状态", max_length=10, choices=TargetStatus.choices, default=TargetStatus.PENDING)
    item = models.OneToOneField(
        "items.Item", verbose_name="答复信息", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="commission_target",
    )
    answered_at = models.DateTimeField("报送时间", null=True, blank=True)
    declined_reason = models.CharField("不能报送的理由", max_length=500, blank=True)
    declined_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="说明人", null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    declined_at = models.DateTimeField("说明时间", null=True, blank=True)
    reminded_at = models.DateTimeField("提醒时间", null=True, blank=True)
    missed_at = models.DateTimeField("记为未报送的时间", null=True, blank=True)

    class Meta:
        ordering = ["commission", "unit__path"]
        verbose_name = "约稿对象"
        verbose_name_plural = "约稿对象"
        constraints = [
            models.UniqueConstraint(fields=["commission", "unit"], name="commission_target_unique"),
            models.CheckConstraint(
                condition=~Q(status__in=["answered", "late"]) | Q(answered_at__isnull=False, item__isnull=False),
                name="commission_answer_has_item",
            ),
        ]
        indexes = [models.Index(fields=["unit", "status"], name="commission_target_unit")]

    def __str__(self) -> str:
        return f"{self.commission} · {self.unit_id}"

    @property
    def late_by(self) -> dt.timedelta | None:
        if self.answered_at is None or self.answered_at <= self.commission.due_at:
            return None
        return self.answered_at - self.commission.due_at
