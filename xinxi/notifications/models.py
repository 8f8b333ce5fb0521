"""The notification centre: one path for every app to tell a user that something changed.

A notification is a reference, not a text: the recipient, what happened (``kind``), the
object it is about (``object_id``; the kind names the model), the object's classification
when it was sent, and a few parameters (``detail``). Its text is rendered when it is
read, through the same visibility rules as every page (``xinxi.notifications.render``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from xinxi.lib.choices import Classification


class NotificationKind(models.TextChoices):
    """What happened. Each kind has one renderer, registered in its app's ``notices`` module."""

    # items: the unit's side
    ITEM_SIGNOFF_REQUESTED = "item_signoff_requested", "待签发信息"
    ITEM_SIGNOFF_RETURNED = "item_signoff_returned", "签发人退回"
    ITEM_RECEIVED = "item_received", "新收信息"
    # items: the desk's side
    ENTRY_ASSIGNED = "entry_assigned", "分配信息"
    ENTRY_FORWARDED = "entry_forwarded", "下级转报"
    ENTRY_RETURNED = "entry_returned", "退回修改"
    ENTRY_NOT_ADOPTED = "entry_not_adopted", "未采用"
    ENTRY_VERIFY = "entry_verify", "请求核实"
    ENTRY_COMBINED = "entry_combined", "综合采用"
    ENTRY_FORWARDED_UP = "entry_forwarded_up", "已转报上级"
    ENTRY_ADOPTED = "entry_adopted", "信息采用"
    # publications
    ISSUE_PENDING = "issue_pending", "刊物待签发"
    ISSUE_RETURNED = "issue_returned", "刊物签发退回"
    ISSUE_SIGNED = "issue_signed", "刊物已签发"
    # scoring: circulars
    CIRCULAR_PENDING = "circular_pending", "通报待签发"
    CIRCULAR_RETURNED = "circular_returned", "通报签发退回"
    CIRCULAR_SIGNED = "circular_signed", "通报已签发"
    CIRCULAR_ISSUED = "circular_issued", "通报印发"
    # instructions and supervision
    INSTRUCTION_RECORDED = "instruction_recorded", "领导批示"
    TASK_ASSIGNED = "task_assigned", "督办交办"
    TASK_REPORTED = "task_reported", "办理情况报送"
    TASK_ACCEPTED = "task_accepted", "办理情况认可"
    TASK_RETURNED = "task_returned", "办理情况退回"
    TASK_CLOSED = "task_closed", "督办办结"
    TASK_EXTENDED = "task_extended", "督办期限调整"
    TASK_REMINDER = "task_reminder", "督办提醒"
    # urgent information: clocks, warnings, escalation
    URGENT_INCIDENT = "urgent_incident", "紧急信息报告要求"
    URGENT_WARNING = "urgent_warning", "紧急信息到时提醒"
    URGENT_OVERDUE = "urgent_overdue", "紧急信息超时"
    URGENT_ESCALATION = "urgent_escalation", "紧急信息超时升级"
    # urgent information: findings (迟报/漏报/瞒报/谎报)
    URGENT_FINDING_PROPOSED = "urgent_finding_proposed", "紧急信息报告问题待认定"
    URGENT_FINDING_DECIDED = "urgent_finding_decided", "紧急信息报告问题认定结果"
    # assignments: commissions (约稿)
    COMMISSION_ISSUED = "commission_issued", "约稿通知"
    COMMISSION_REMINDER = "commission_reminder", "约稿到期提醒"
    COMMISSION_DECLINED = "commission_declined", "约稿不能报送说明"
    # 舆论监督与群众意见建议 lists (assignments)
    SUPERVISION_LIST_SENT = "supervision_list_sent", "舆论监督与群众意见建议清单"
    SUPERVISION_ROW_ROUTED = "supervision_row_routed", "舆论监督与群众意见建议交办"
    SUPERVISION_ROW_REPLIED = "supervision_row_replied", "舆论监督与群众意见建议办理结果"
    REMARK_WRITTEN = "remark_written", "信息点评"
    SHARE_RECEIVED = "share_received", "共享信息"
    SUPERVISION_ROW_OVERDUE = "supervision_row_overdue", "舆论监督与群众意见建议逾期未反馈"
    PRIORITIES_PUBLISHED = "priorities_published", "报送要点印发"
    # text snapshots written before notifications became references (see the migration)
    LEGACY = "legacy", "旧通知"


class Notification(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="收件人", on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField("类型", max_length=40, choices=NotificationKind.choices)
    object_id = models.PositiveBigIntegerField("对象编号", null=True, blank=True)
    classification = models.PositiveSmallIntegerField("发送时密级", choices=Classification.choices)
    detail = models.JSONField("参数", default=dict, blank=True)
    url = models.CharField("链接", max_length=200, blank=True)
    created_at = models.DateTimeField("时间", auto_now_add=True)
    read_at = models.DateTimeField("已读时间", null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "通知"
        verbose_name_plural = "通知"
        indexes = [
            models.Index(fields=["user", "read_at", "-created_at"]),
            models.Index(fields=["kind", "object_id"], name="notification_object_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.object_id or '-'}"
