"""Periodicals (刊物) and their issues (期): composed from desk entries, signed, issued, read.

An issue's number is given only when the desk chief signs it off, inside the signing
transaction, so numbers have no gaps and no duplicates. Issuing creates the adoption
records (``items.Adoption``) for every entry it carries and freezes the issue.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from xinxi.items.models import AdoptionKind
from xinxi.lib.choices import Classification, Urgency
from xinxi.lib.workflow import StateEvent


class Frequency(models.TextChoices):
    DAILY = "daily", "每日"
    WEEKLY = "weekly", "每周若干期"
    MONTHLY = "monthly", "每月若干期"
    AS_NEEDED = "as_needed", "不定期"


class Periodical(models.Model):
    desk = models.ForeignKey(
        "network.Desk", verbose_name="主办科室", on_delete=models.PROTECT, related_name="periodicals"
    )
    name = models.CharField("刊物名称", max_length=50, help_text="不含书名号，如：临江信息")
    frequency = models.CharField("出刊频次", max_length=10, choices=Frequency.choices, default=Frequency.AS_NEEDED)
    per_period = models.PositiveSmallIntegerField("每周期期数", default=1)
    running_total = models.BooleanField("显示总期号（总第N期）", default=False)
    total_offset = models.PositiveIntegerField("启用系统前的总期数", default=0)
    default_classification = models.PositiveSmallIntegerField(
        "默认密级", choices=Classification.choices, default=Classification.INTERNAL
    )
    default_urgency = models.PositiveSmallIntegerField("默认紧急程度", choices=Urgency.choices, default=Urgency.ROUTINE)
    default_to_leaders = models.TextField("默认“报”送范围", blank=True)
    default_to_units = models.TextField("默认“送”范围", blank=True)
    default_distribute = models.TextField("默认“发”范围", blank=True)
    default_copies = models.PositiveIntegerField("默认印数（份）", default=30)
    readers = models.ManyToManyField(
        "network.Unit", verbose_name="可在线阅读的单位", blank=True, related_name="readable_periodicals"
    )
    active = models.BooleanField("在用", default=True)

    class Meta:
        ordering = ["desk", "name"]
        verbose_name = "信息刊物"
        verbose_name_plural = "信息刊物"
        constraints = [models.UniqueConstraint(fields=["desk", "name"], name="periodical_name_unique_per_desk")]

    def __str__(self) -> str:
        return f"《{self.name}》"


# A periodical's settings a desk chief edits (the form and the service take these).
PERIODICAL_FIELDS = (
    "name",
    "frequency",
    "per_period",
    "running_total",
    "total_offset",
    "default_classification",
    "default_urgency",
    "default_to_leaders",
    "default_to_units",
    "default_distribute",
    "default_copies",
    "active",
)


class Column(models.Model):
    periodical = models.ForeignKey(Periodical, on_delete=models.CASCADE, related_name="columns")
    name = models.CharField("栏目名称", max_length=30)
    sort_order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        ordering = ["periodical", "sort_order", "name"]
        verbose_name = "栏目"
        verbose_name_plural = "栏目"
        constraints = [models.UniqueConstraint(fields=["periodical", "name"], name="column_name_unique")]

    def __str__(self) -> str:
        return self.name


class IssueState(models.TextChoices):
    DRAFT = "draft", "编辑中"
    PENDING = "pending", "待签发"
    ISSUED = "issued", "已印发"


class Issue(models.Model):
    periodical = models.ForeignKey(Periodical, verbose_name="刊物", on_delete=models.PROTECT, related_name="issues")
    supplement = models.BooleanField("增刊", default=False)
    year = models.PositiveIntegerField("年份", null=True, blank=True)
    number = models.PositiveIntegerField("期号", null=True, blank=True)
    total_number = models.PositiveIntegerField("总期号", null=True, blank=True)
    state = models.CharField("状态", max_length=10, choices=IssueState.choices, default=IssueState.DRAFT)
    classification = models.PositiveSmallIntegerField("密级", choices=Classification.choices)
    urgency = models.PositiveSmallIntegerField("紧急程度", choices=Urgency.choices)
    editor_note = models.TextField("编者按（本期）", blank=True)
    to_leaders = models.TextField("报", blank=True)
    to_units = models.TextField("送", blank=True)
    distribute = models.TextField("发", blank=True)
    copies = models.PositiveIntegerField("印数（份）", default=30)
    editor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="编辑", on_delete=models.PROTECT, related_name="+"
    )
    signer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="签发人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    signed_on = models.DateField("签发日期", null=True, blank=True)
    corrects = models.ForeignKey(
        "self", verbose_name="更正的期", null=True, blank=True, on_delete=models.PROTECT, related_name="corrections"
    )
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-year", "-number", "-id"]
        verbose_name = "期"
        verbose_name_plural = "期"
        constraints = [
            models.UniqueConstraint(
                fields=["periodical", "supplement", "year", "number"],
                condition=Q(number__isnull=False),
                name="issue_number_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.periodical}{self.label}"

    @property
    def label(self) -> str:
        if self.number is None:
            return "（未编号）"
        kind = "增刊" if self.supplement else ""
        return f"{self.year}年{kind}第{self.number}期"

    @property
    def is_frozen(self) -> bool:
        return self.state == IssueState.ISSUED


class IssueEvent(StateEvent):
    """One row per change of an issue's state (送签, 退回, 签发): who, when, why."""

    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="events")
    from_state = models.CharField("原状态", max_length=10, choices=IssueState.choices, blank=True)
    to_state = models.CharField("新状态", max_length=10, choices=IssueState.choices)

    class Meta(StateEvent.Meta):
        verbose_name = "期的流转记录"
        verbose_name_plural = "期的流转记录"


class IssueItem(models.Model):
    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="items")
    entry = models.ForeignKey(
        "items.DeskEntry", verbose_name="信息", on_delete=models.PROTECT, related_name="issue_items"
    )
    sort_order = models.PositiveSmallIntegerField("顺序", default=0)
    column = models.ForeignKey(Column, verbose_name="栏目", null=True, blank=True, on_delete=models.SET_NULL)
    title = models.CharField("刊用标题", max_length=200)
    body = models.TextField("刊用正文")
    source_label = models.CharField("来源署名", max_length=100, help_text="如：某县委办公室")
    editor_note = models.TextField("编者按", blank=True)
    kind = models.CharField("采用方式", max_length=10, choices=AdoptionKind.choices, default=AdoptionKind.FULL)

    class Meta:
        ordering = ["issue", "sort_order", "id"]
        verbose_name = "本期信息"
        verbose_name_plural = "本期信息"
        constraints = [models.UniqueConstraint(fields=["issue", "entry"], name="issue_entry_unique")]

    def __str__(self) -> str:
        return self.title


class IssueRead(models.Model):
    """Who read an issued issue online, and when (first and latest)."""

    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="reads")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    first_at = models.DateTimeField(auto_now_add=True)
    last_at = models.DateTimeField(auto_now=True)
    times = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-last_at"]
        verbose_name = "阅读记录"
        verbose_name_plural = "阅读记录"
        constraints = [models.UniqueConstraint(fields=["issue", "user"], name="issue_read_unique")]

    def __str__(self) -> str:
        return f"{self.user_id} 阅 {self.issue_id}"
