"""Scoring (计分): rule sets as data, and the append-only ledger of points.

A desk's 计分办法 is a ``RuleSet`` version valid from a date: point lines (an event kind
and conditions → points), multipliers, and the policies that differ between offices.
Points are ``ScoreEntry`` rows, appended by the services that create the events (and by
period sweeps); a correction is a reversal entry (``reverses``) plus a new entry, never
an update. See docs/architecture.md, Scoring.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models

from xinxi.items.models import AdoptionKind, Category
from xinxi.lib.workflow import StateEvent


class EventKind(models.TextChoices):
    """What a point line (or a policy) scores."""

    ADOPTION = "adoption", "本级采用"
    ADOPTION_LEVEL = "adoption_level", "上级或系统外采用"
    FORWARDED = "forwarded", "报上级（被转报）"
    UNADOPTED = "unadopted", "合格未采用"
    INSTRUCTION = "instruction", "领导批示"
    COMMISSION_ON_TIME = "commission_on_time", "约稿按时报送"
    COMMISSION_LATE = "commission_late", "约稿逾期报送"
    COMMISSION_MISSED = "commission_missed", "约稿未报送"
    LATE_REPORT = "late_report", "紧急信息迟报"
    MISSED_REPORT = "missed_report", "紧急信息漏报"
    CONCEALED_REPORT = "concealed_report", "紧急信息瞒报"
    FALSE_REPORT = "false_report", "紧急信息谎报"
    FALSE_ITEM = "false_item", "信息失实"
    CIRCULAR_ERROR = "circular_error", "通报差错"
    QUOTA_SHORTFALL = "quota_shortfall", "报送数量不足（每少一条）"
    RATE_FLOOR = "rate_floor", "采用率低于下限"
    # Posted by the policies of a rule set, not by lines:
    BASE = "base", "基础分"
    THRESHOLD = "threshold", "年度达标分"
    ZEROING = "zeroing", "年度清零"


LINE_KINDS = [k for k in EventKind if k not in {EventKind.BASE, EventKind.THRESHOLD, EventKind.ZEROING}]
PENALTY_KINDS = [
    EventKind.LATE_REPORT,
    EventKind.MISSED_REPORT,
    EventKind.CONCEALED_REPORT,
    EventKind.FALSE_REPORT,
    EventKind.FALSE_ITEM,
    EventKind.CIRCULAR_ERROR,
]
ADOPTION_KINDS = {EventKind.ADOPTION, EventKind.ADOPTION_LEVEL}


class ReachedLevel(models.TextChoices):
    """Where an adoption happened, seen from the desk that scores it."""

    OWN = "own", "本级"
    UPPER = "upper", "上级"
    PROVINCE = "province", "省办"
    GUOBAN = "guoban", "国办"
    ZHONGBAN = "zhongban", "中办"


class IssueKind(models.TextChoices):
    REGULAR = "regular", "正刊"
    SUPPLEMENT = "supplement", "增刊"


class RuleSetState(models.TextChoices):
    DRAFT = "draft", "草稿"
    ACTIVE = "active", "生效"
    SUPERSEDED = "superseded", "已被更正版本取代"


class MultiAdoption(models.TextChoices):
    ADD = "add", "累加计分"
    HIGHEST = "highest", "只计最高分"


class JointPolicy(models.TextChoices):
    SPLIT = "split", "各单位平分"
    FULL = "full", "各单位均得全分"
    FIXED = "fixed", "各单位得固定分"


class UpwardPolicy(models.TextChoices):
    LEVEL_LINES = "level_lines", "按本办法“上级或系统外采用”各条计分"
    UPPER_POINTS = "upper_points", "按采用科室的计分办法计分"
    TIMES_K = "times_k", "按本级采用分值乘以系数（每高一级乘一次）"


class BasePeriod(models.TextChoices):
    NONE = "none", "不设基础分"
    MONTH = "month", "每月"
    QUARTER = "quarter", "每季度"


class RuleSet(models.Model):
    """One version of a desk's 计分办法, valid from a date until the next active version."""

    desk = models.ForeignKey(
        "network.Desk", verbose_name="信息科室", on_delete=models.PROTECT, related_name="rule_sets"
    )
    name = models.CharField("名称", max_length=100, help_text="如：2027年度信息工作计分办法")
    valid_from = models.DateField("生效日期")
    state = models.CharField("状态", max_length=12, choices=RuleSetState.choices, default=RuleSetState.DRAFT)
    supersedes = models.ForeignKey(
        "self",
        verbose_name="更正的版本",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="corrections",
    )
    note = models.TextField("说明", blank=True)
    multi_adoption = models.CharField(
        "一条信息被多个刊物采用", max_length=10, choices=MultiAdoption.choices, default=MultiAdoption.ADD
    )
    joint = models.CharField("联合报送或综合采用", max_length=10, choices=JointPolicy.choices, default=JointPolicy.FULL)
    joint_fixed_points = models.DecimalField("综合采用每单位固定分", max_digits=7, decimal_places=2, default=Decimal(0))
    upward = models.CharField(
        "转报后被上级采用", max_length=12, choices=UpwardPolicy.choices, default=UpwardPolicy.LEVEL_LINES
    )
    upward_k = models.DecimalField("每高一级的系数", max_digits=5, decimal_places=2, default=Decimal(2))
    base_points = models.DecimalField("基础分", max_digits=7, decimal_places=2, default=Decimal(0))
    base_period = models.CharField("基础分周期", max_length=10, choices=BasePeriod.choices, default=BasePeriod.NONE)
    threshold_items = models.PositiveIntegerField("年度达标：采用条数（0 为不设）", default=0)
    threshold_points = models.DecimalField("年度达标分", max_digits=7, decimal_places=2, default=Decimal(0))
    zeroing_misses = models.PositiveIntegerField("全年未报约稿达到几次清零（0 为不设）", default=0)
    month_floor = models.DecimalField(
        "每月达标分（低于为不达标，0 为不设）", max_digits=7, decimal_places=2, default=Decimal(0)
    )
    rate_floor = models.DecimalField(
        "季度采用率下限（%，0 为不设）", max_digits=5, decimal_places=2, default=Decimal(0)
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField("生效操作时间", null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["desk", "-valid_from", "-id"]
        verbose_name = "计分办法"
        verbose_name_plural = "计分办法"
        indexes = [models.Index(fields=["desk", "state", "-valid_from"])]

    def __str__(self) -> str:
        return f"{self.name}（{self.valid_from:%Y-%m-%d}起）"


class RuleLine(models.Model):
    """Points for one kind of event; blank conditions match anything, the most specific line wins."""

    rule_set = models.ForeignKey(RuleSet, on_delete=models.CASCADE, related_name="lines")
    kind = models.CharField("计分事项", max_length=20, choices=[(k.value, k.label) for k in LINE_KINDS])
    label = models.CharField("说明", max_length=100, blank=True)
    periodical = models.ForeignKey(
        "publications.Periodical",
        verbose_name="刊物",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    column = models.CharField("栏目", max_length=30, blank=True)
    adoption_kind = models.CharField("采用方式", max_length=10, choices=AdoptionKind.choices, blank=True)
    issue_kind = models.CharField("正刊/增刊", max_length=12, choices=IssueKind.choices, blank=True)
    level = models.CharField("采用层级", max_length=10, choices=ReachedLevel.choices, blank=True)
    leader_level = models.CharField("批示领导层级（代码）", max_length=20, blank=True)
    points = models.DecimalField("分值", max_digits=7, decimal_places=2)
    sort_order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        ordering = ["rule_set", "sort_order", "id"]
        verbose_name = "计分条目"
        verbose_name_plural = "计分条目"

    def __str__(self) -> str:
        return self.label or self.get_kind_display()

    def conditions(self) -> int:
        """How specific the line is: the number of conditions set."""
        return sum(
            bool(v)
            for v in (
                self.periodical_id,
                self.column,
                self.adoption_kind,
                self.issue_kind,
                self.level,
                self.leader_level,
            )
        )


COMMISSIONED = "commissioned"
MULTIPLIER_TARGETS = [(c.value, f"类别：{c.label}") for c in Category] + [(COMMISSIONED, "约稿信息")]


class RuleMultiplier(models.Model):
    """A factor on adoption points: by item category (调研 ×2) or for commissioned items."""

    rule_set = models.ForeignKey(RuleSet, on_delete=models.CASCADE, related_name="multipliers")
    target = models.CharField("适用于", max_length=20, choices=MULTIPLIER_TARGETS)
    factor = models.DecimalField("系数", max_digits=5, decimal_places=2)

    class Meta:
        ordering = ["rule_set", "target"]
        verbose_name = "计分系数"
        verbose_name_plural = "计分系数"
        constraints = [models.UniqueConstraint(fields=["rule_set", "target"], name="multiplier_once_per_target")]

    def __str__(self) -> str:
        return f"{self.get_target_display()} ×{self.factor}"


class Penalty(models.Model):
    """A confirmed penalty (迟报, 失实 …) against a unit; its points are a ledger entry."""

    desk = models.ForeignKey("network.Desk", verbose_name="信息科室", on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey("network.Unit", verbose_name="单位", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField("扣分事项", max_length=20, choices=[(k.value, k.label) for k in PENALTY_KINDS])
    on = models.DateField("发生日期")
    reason = models.CharField("事实和理由", max_length=500)
    item = models.ForeignKey(
        "items.Item", verbose_name="涉及信息", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="空为系统按规则确认（如紧急信息迟报）",
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-on", "-id"]
        verbose_name = "扣分记录"
        verbose_name_plural = "扣分记录"

    def __str__(self) -> str:
        return f"{self.get_kind_display()}（{self.on:%Y-%m-%d}）"


class ScoreEntry(models.Model):
    """One posting of points: appended, never updated or deleted.

    ``key`` names the event (``adoption:12:unit:7``); with ``serial`` it is unique per
    desk, which makes posting the same event twice post once. A reversal has its own key
    and ``reverses`` the entry it cancels; a re-posting after a reversal takes the next
    serial. ``facts`` are what the rule engine was given, so a corrected rule version can
    rescore exactly the entries it changes.
    """

    desk = models.ForeignKey("network.Desk", verbose_name="信息科室", on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey("network.Unit", verbose_name="单位", on_delete=models.PROTECT, related_name="+")
    on = models.DateField("计入日期")
    points = models.DecimalField("分值", max_digits=9, decimal_places=2)
    kind = models.CharField("计分事项", max_length=20, choices=EventKind.choices)
    rule_set = models.ForeignKey(
        RuleSet, verbose_name="计分办法", null=True, blank=True, on_delete=models.PROTECT, related_name="entries"
    )
    rule_line = models.ForeignKey(
        RuleLine, verbose_name="计分条目", null=True, blank=True, on_delete=models.PROTECT, related_name="entries"
    )
    key = models.CharField("事项标识", max_length=120)
    serial = models.PositiveSmallIntegerField(default=0)
    reverses = models.OneToOneField(
        "self", verbose_name="冲销", null=True, blank=True, on_delete=models.PROTECT, related_name="reversal"
    )
    item = models.ForeignKey("items.Item", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    entry = models.ForeignKey("items.DeskEntry", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    adoption = models.ForeignKey("items.Adoption", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    instruction = models.ForeignKey(
        "instructions.Instruction", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    penalty = models.ForeignKey(Penalty, null=True, blank=True, on_delete=models.PROTECT, related_name="entries")
    classification = models.PositiveSmallIntegerField("所涉信息密级", default=0)
    reason = models.CharField("说明", max_length=300, blank=True)
    facts = models.JSONField(default=dict, blank=True)
    # Copied from ``facts`` by ``ledger.post`` so that the rankings count adoptions by kind
    # and reached level from the covering index, without reading the JSON.
    adoption_kind = models.CharField("采用方式", max_length=10, choices=AdoptionKind.choices, blank=True, default="")
    reached_level = models.CharField("采用层级", max_length=10, choices=ReachedLevel.choices, blank=True, default="")
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    posted_at = models.DateTimeField("记账时间", auto_now_add=True)

    class Meta:
        ordering = ["-on", "-id"]
        verbose_name = "积分记录"
        verbose_name_plural = "积分记录"
        constraints = [models.UniqueConstraint(fields=["desk", "key", "serial"], name="score_posted_once")]
        indexes = [
            models.Index(fields=["desk", "on", "unit"], name="score_desk_on_unit"),
            models.Index(fields=["unit", "on"], name="score_unit_on"),
            # Rankings: the per-unit-and-kind aggregate reads only the index (figures.ledger_rows).
            models.Index(
                fields=["desk", "on", "unit", "kind", "reverses", "points", "adoption_kind", "reached_level"],
                name="score_rank_cover",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.points:+}"


class PeriodKind(models.TextChoices):
    MONTH = "month", "月度"
    QUARTER = "quarter", "季度"
    YEAR = "year", "年度"


class PeriodClose(models.Model):
    """A desk's period frozen when its circular was issued: later postings land after it."""

    desk = models.ForeignKey("network.Desk", verbose_name="信息科室", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField("周期", max_length=10, choices=PeriodKind.choices)
    start = models.DateField("起")
    end = models.DateField("止")
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    closed_at = models.DateTimeField(auto_now_add=True)
    reason = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        ordering = ["desk", "-end"]
        verbose_name = "已关账周期"
        verbose_name_plural = "已关账周期"
        constraints = [models.UniqueConstraint(fields=["desk", "kind", "start"], name="period_closed_once")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.start:%Y-%m-%d}—{self.end:%Y-%m-%d}"


# --- appraisal ---


class AppraisalDecision(models.TextChoices):
    COMMEND = "commend", "表扬"
    REVOKE = "revoke", "撤销直报点资格"


class Appraisal(models.Model):
    """A desk's confirmed yearly direct-point appraisal (考评): once per desk and year.

    The proposal is computed from the ledger (``scoring.appraisal``); the desk chief's
    confirmation records the commended and revoked points here (``AppraisalLine``) and
    revokes the points through the network's ``point_revoke``.
    """

    desk = models.ForeignKey("network.Desk", verbose_name="信息科室", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField("考评年度")
    top_n = models.PositiveSmallIntegerField("表扬前几名")
    threshold = models.DecimalField("撤销门槛（年度积分低于）", max_digits=7, decimal_places=2)
    reason = models.CharField("说明", max_length=200, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="确认人", on_delete=models.PROTECT, related_name="+"
    )
    confirmed_at = models.DateTimeField("确认时间", auto_now_add=True)

    class Meta:
        ordering = ["desk", "-year"]
        verbose_name = "直报点年度考评"
        verbose_name_plural = "直报点年度考评"
        constraints = [models.UniqueConstraint(fields=["desk", "year"], name="appraisal_once_per_desk_year")]

    def __str__(self) -> str:
        return f"{self.year}年度直报点考评"


class AppraisalLine(models.Model):
    """One confirmed decision: a point commended or revoked, with its figures at confirmation."""

    appraisal = models.ForeignKey(Appraisal, on_delete=models.CASCADE, related_name="lines")
    decision = models.CharField("决定", max_length=10, choices=AppraisalDecision.choices)
    point = models.ForeignKey(
        "network.DirectPoint", verbose_name="直报点", on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey("network.Unit", verbose_name="单位", on_delete=models.PROTECT, related_name="+")
    rank = models.PositiveIntegerField("名次")
    points = models.DecimalField("年度积分", max_digits=9, decimal_places=2)
    adopted = models.IntegerField("采用条数", default=0)
    submitted = models.IntegerField("报送条数", default=0)

    class Meta:
        ordering = ["appraisal", "decision", "rank", "id"]
        verbose_name = "考评决定"
        verbose_name_plural = "考评决定"
        constraints = [
            models.UniqueConstraint(fields=["appraisal", "point"], name="appraisal_decides_a_point_once")
        ]

    def __str__(self) -> str:
        return f"{self.get_decision_display()}：{self.unit}"


# --- sweeps ---


class PeriodSweep(models.Model):
    """A period a desk's sweeps have settled (base points, quotas, thresholds …).

    The worker sweeps each finished period once: a settled period is not swept again by
    the daily run (so a unit admitted later earns nothing for months before it), while
    ``manage.py scoring_sweep --period`` may run it again (the ledger keys post nothing
    twice). A run that could not finish (a year without calendar data) is not recorded,
    so the next run tries again.
    """

    desk = models.ForeignKey("network.Desk", verbose_name="信息科室", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField("周期", max_length=10, choices=PeriodKind.choices)
    start = models.DateField("起")
    end = models.DateField("止")
    posted = models.PositiveIntegerField("记账条数", default=0)
    swept_at = models.DateTimeField("结算时间", auto_now_add=True)

    class Meta:
        ordering = ["desk", "-end", "kind"]
        verbose_name = "已结算周期"
        verbose_name_plural = "已结算周期"
        constraints = [models.UniqueConstraint(fields=["desk", "kind", "start"], name="period_swept_once")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.start:%Y-%m-%d}—{self.end:%Y-%m-%d}"


# --- circulars ---


class CircularState(models.TextChoices):
    DRAFT = "draft", "草稿"
    PENDING = "pending", "待签发"
    SIGNED = "signed", "已签发"
    ISSUED = "issued", "已印发"


class Circular(models.Model):
    """通报: a desk's circular of its figures for a month, quarter or year.

    Generated as a draft from ``figures.ranking`` (the figures are kept as a JSON
    snapshot, so the document says what the desk signed even after later corrections),
    edited by the desk's editors, signed by the desk chief (who gives it its 文号, numbered
    per desk and year without gaps) and issued to the network, which closes the period.
    """

    desk = models.ForeignKey("network.Desk", verbose_name="信息科室", on_delete=models.PROTECT, related_name="+")
    period_kind = models.CharField("周期", max_length=10, choices=PeriodKind.choices)
    start = models.DateField("起")
    end = models.DateField("止")
    title = models.CharField("标题", max_length=200)
    body = models.TextField("正文", help_text="每段一行")
    state = models.CharField("状态", max_length=10, choices=CircularState.choices, default=CircularState.DRAFT)
    year = models.PositiveIntegerField("文号年份", null=True, blank=True)
    number = models.PositiveIntegerField("文号序号", null=True, blank=True)
    figures = models.JSONField("生成时的统计数据", default=dict, blank=True)
    recipients = models.ManyToManyField("network.Unit", verbose_name="印发单位", blank=True, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        help_text="empty: drafted by the worker when the period ended",
    )
    created_at = models.DateTimeField("生成时间", auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField("送签时间", null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    signed_at = models.DateTimeField("签发时间", null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    issued_at = models.DateTimeField("印发时间", null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["desk", "-start", "-id"]
        verbose_name = "通报"
        verbose_name_plural = "通报"
        constraints = [
            models.UniqueConstraint(
                fields=["desk", "year", "number"],
                condition=models.Q(number__isnull=False),
                name="circular_number_unique",
            ),
        ]
        indexes = [models.Index(fields=["desk", "period_kind", "start"], name="circular_desk_period")]

    def __str__(self) -> str:
        return self.title

    @property
    def doc_number(self) -> str:
        """文号: 信通〔2026〕3号 (given when signed)."""
        if self.number is None:
            return ""
        return f"信通〔{self.year}〕{self.number}号"

    @property
    def classification(self) -> int:
        """A circular names units and numbers, never classified item titles: it is 公开/内部 at most."""
        return 0

    def paragraphs(self) -> list[str]:
        return [line.strip() for line in self.body.splitlines() if line.strip()]


class CircularEvent(StateEvent):
    """One row per change of a circular's state (送签, 退回, 签发, 印发): who, when, why."""

    circular = models.ForeignKey(Circular, on_delete=models.CASCADE, related_name="events")
    from_state = models.CharField("原状态", max_length=10, choices=CircularState.choices, blank=True)
    to_state = models.CharField("新状态", max_length=10, choices=CircularState.choices)

    class Meta(StateEvent.Meta):
        verbose_name = "通报的流转记录"
        verbose_name_plural = "通报的流转记录"


class CircularRead(models.Model):
    """Who read an issued circular in the app, and when (first and latest)."""

    circular = models.ForeignKey(Circular, on_delete=models.CASCADE, related_name="reads")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    first_at = models.DateTimeField("首次阅读", auto_now_add=True)
    last_at = models.DateTimeField("最近阅读", auto_now=True)
    times = models.PositiveIntegerField("次数", default=1)

    class Meta:
        ordering = ["-last_at"]
        verbose_name = "通报阅读记录"
        verbose_name_plural = "通报阅读记录"
        constraints = [models.UniqueConstraint(fields=["circular", "user"], name="circular_read_unique")]

    def __str__(self) -> str:
        return f"{self.user_id} 阅 {self.circular_id}"
