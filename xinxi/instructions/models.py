"""Leader instructions (批示) and the supervision (督办) they start.

An instruction is recorded by a desk on one of its entries (an item as the desk holds
it) or on one of its periodical's issues. It may create supervision tasks for named
units, each with a due date; a tasked unit answers with handling reports (办理情况),
which the desk accepts or returns, and the desk closes the task. Every transition of
a task leaves a ``TaskEvent``; every reminder the worker sends leaves a ``Reminder``
whose key makes sending it twice impossible.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from xinxi.lib.choices import Classification


class LeaderLevel(models.Model):
    """A level of instructing leader (市领导, 省主要领导…): a rule table admins extend in Django admin.

    Instructions point at it by ``code``, which the scoring rules will key points on; an
    inactive level stays on the instructions that have it but is no longer offered. A
    level in use cannot be deleted (``PROTECT``): deactivate it instead.
    """

    code = models.SlugField(
        "代码", max_length=20, unique=True, help_text="英文字母、数字、连字符或下划线，如 city_main；录入后不要修改"
    )
    name = models.CharField("名称", max_length=30, unique=True, help_text="如：市主要领导")
    order = models.PositiveSmallIntegerField("排序", default=100, help_text="小的在前（层级高的在前）")
    active = models.BooleanField("启用", default=True, help_text="停用后录入批示时不再可选，已录入的批示不变")

    class Meta:
        ordering = ["order", "code"]
        verbose_name = "领导层级"
        verbose_name_plural = "领导层级"

    def __str__(self) -> str:
        return self.name


class Instruction(models.Model):
    desk = models.ForeignKey(
        "network.Desk", verbose_name="录入科室", on_delete=models.PROTECT, related_name="instructions"
    )
    entry = models.ForeignKey(
        "items.DeskEntry",
        verbose_name="批示的信息",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="instructions",
    )
    issue = models.ForeignKey(
        "publications.Issue",
        verbose_name="批示的刊物",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="instructions",
    )
    leader_name = models.CharField("批示领导", max_length=50)
    leader_title = models.CharField("职务", max_length=100, help_text="如：市委书记、副省长")
    level = models.ForeignKey(
        LeaderLevel,
        verbose_name="领导层级",
        to_field="code",
        db_column="level",
        on_delete=models.PROTECT,
        related_name="instructions",
    )
    text = models.TextField("批示内容")
    instructed_on = models.DateField("批示日期")
    classification = models.PositiveSmallIntegerField("密级", choices=Classification.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="录入人", on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField("录入时间", auto_now_add=True)

    class Meta:
        ordering = ["-instructed_on", "-id"]
        verbose_name = "领导批示"
        verbose_name_plural = "领导批示"
        constraints = [
            models.CheckConstraint(
                condition=Q(entry__isnull=False, issue__isnull=True) | Q(entry__isnull=True, issue__isnull=False),
                name="instruction_on_entry_or_issue",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.leader_title}{self.leader_name}批示（{self.instructed_on:%Y-%m-%d}）"

    @property
    def target_label(self) -> str:
        if self.issue_id is not None:
            return str(self.issue)
        return f"“{self.entry.title}”" if self.entry is not None else ""


class TaskState(models.TextChoices):
    OPEN = "open", "待办理"
    REPORTED = "reported", "已报办理情况"
    RETURNED = "returned", "退回补充"
    ACCEPTED = "accepted", "已认可"
    CLOSED = "closed", "已办结"


# States in which the unit still owes a report: the due date applies to them.
AWAITING_UNIT = (TaskState.OPEN, TaskState.RETURNED)
UNFINISHED = (TaskState.OPEN, TaskState.REPORTED, TaskState.RETURNED, TaskState.ACCEPTED)


class SupervisionTask(models.Model):
    instruction = models.ForeignKey(Instruction, verbose_name="批示", on_delete=models.PROTECT, related_name="tasks")
    unit = models.ForeignKey(
        "network.Unit", verbose_name="承办单位", on_delete=models.PROTECT, related_name="supervision_tasks"
    )
    requirement = models.TextField("督办要求", blank=True)
    due_on = models.DateField("办理期限")
    state = models.CharField("状态", max_length=10, choices=TaskState.choices, default=TaskState.OPEN)
    first_reported_at = models.DateTimeField("首次报送办理情况时间", null=True, blank=True)
    closed_at = models.DateTimeField("办结时间", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="交办人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("交办时间", auto_now_add=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = "督办事项"
        verbose_name_plural = "督办事项"
        constraints = [
            models.UniqueConstraint(fields=["instruction", "unit"], name="one_task_per_unit_per_instruction"),
        ]
        indexes = [models.Index(fields=["state", "due_on"]), models.Index(fields=["unit", "state"])]

    def __str__(self) -> str:
        return f"{self.unit}：{self.instruction}"

    @property
    def reported_late(self) -> bool:
        """Counted as overdue handling: the first report came after the due date (or has not come)."""
        if self.first_reported_at is None:
            return False
        from django.utils import timezone

        return timezone.localtime(self.first_reported_at).date() > self.due_on


EVENT_LABELS = {
    "create": "交办",
    "report": "报送办理情况",
    "accept": "认可办理情况",
    "return": "退回补充",
    "close": "办结",
    "extend": "调整办理期限",
}


class TaskEvent(models.Model):
    """One transition of a supervision task: who, when, from, to, why."""

    task = models.ForeignKey(SupervisionTask, on_delete=models.CASCADE, related_name="events")
    action = models.CharField("操作", max_length=20)
    from_state = models.CharField("原状态", max_length=10, choices=TaskState.choices, blank=True)
    to_state = models.CharField("新状态", max_length=10, choices=TaskState.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="操作人", on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField("说明", blank=True)
    at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = "督办流转记录"
        verbose_name_plural = "督办流转记录"

    def __str__(self) -> str:
        return f"{self.get_action_label()}: {self.from_state} → {self.to_state}"

    def get_action_label(self) -> str:
        return EVENT_LABELS.get(self.action, self.action)


class ReportState(models.TextChoices):
    SUBMITTED = "submitted", "待审核"
    ACCEPTED = "accepted", "已认可"
    RETURNED = "returned", "已退回"


class HandlingReport(models.Model):
    task = models.ForeignKey(SupervisionTask, verbose_name="督办事项", on_delete=models.PROTECT, related_name="reports")
    text = models.TextField("办理情况")
    state = models.CharField("审核", max_length=10, choices=ReportState.choices, default=ReportState.SUBMITTED)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="报送人", on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField("报送时间", auto_now_add=True)
    review_note = models.TextField("审核意见", blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="审核人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True)

    class Meta:
        ordering = ["submitted_at", "id"]
        verbose_name = "办理情况"
        verbose_name_plural = "办理情况"

    def __str__(self) -> str:
        return f"办理情况（{self.get_state_display()}）"


class ReportAttachment(models.Model):
    report = models.ForeignKey(HandlingReport, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField("文件", upload_to="handling/%Y/%m/")
    name = models.CharField("文件名", max_length=200)
    size = models.PositiveIntegerField("大小（字节）")
    content_type = models.CharField("类型", max_length=100)

    class Meta:
        ordering = ["id"]
        verbose_name = "办理情况附件"
        verbose_name_plural = "办理情况附件"

    def __str__(self) -> str:
        return self.name


class Reminder(models.Model):
    """A reminder sent for a task; the unique key makes every reminder go out once."""

    task = models.ForeignKey(SupervisionTask, on_delete=models.CASCADE, related_name="reminders")
    key = models.CharField("提醒键", max_length=40, help_text="如 before:2026-11-30、overdue:2026-11-30:1")
    sent_at = models.DateTimeField("发送时间", auto_now_add=True)

    class Meta:
        ordering = ["sent_at", "id"]
        verbose_name = "督办提醒"
        verbose_name_plural = "督办提醒"
        constraints = [models.UniqueConstraint(fields=["task", "key"], name="reminder_once_per_key")]

    def __str__(self) -> str:
        return self.key
