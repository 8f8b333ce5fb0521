"""Urgent information (紧急信息): incidents, their reports, the clocks that run from occurred-at.

- ``Incident`` (突发事件): what happened, when (``occurred_at``: every clock counts from it),
  where, how bad (severity Ⅰ–Ⅳ), who must report it (``IncidentUnit``) and which desks it
  has reached (``IncidentDesk``).
- ``PhoneReport``: a call the duty room took and wrote down (caller, unit, time, content).
- ``IncidentReport``: a written report of a responsible unit, in order — 预报, 首报,
  续报一/二/…, 终报 — each one an ``items.Item`` of category 紧急 that travels the ordinary
  submission and forwarding paths.
- ``ClockLimit`` / ``UrgentSettings``: the desk's rule table (limits by severity and channel,
  warnings, follow-up cadence) — data, edited by the desk chief.
- ``Deadline``: one clock, stored when the incident is recorded (recomputed, with an
  ``IncidentEvent``, when severity or occurred-at is corrected): who owes which desk what by
  when, and when it was met.
- ``DeadlineWarning``: a warning or escalation that was sent, unique per (deadline, stage), so
  the worker's sweeps are idempotent.
- ``IncidentEvent``: the incident's history (recorded, phone report, report filed,
  corrected, forwarded, closed).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from xinxi.lib.choices import Classification


class IncidentClass(models.TextChoices):
    NATURAL = "natural", "自然灾害"
    ACCIDENT = "accident", "事故灾难"
    HEALTH = "health", "公共卫生事件"
    SOCIAL = "social", "社会安全事件"


# Subtypes per class: (code, label). The code is stored; the class is checked against it.
SUBTYPES: dict[str, list[tuple[str, str]]] = {
    IncidentClass.NATURAL: [
        ("flood", "洪涝灾害"),
        ("drought", "干旱灾害"),
        ("weather", "气象灾害"),
        ("earthquake", "地震灾害"),
        ("geological", "地质灾害"),
        ("forest_fire", "森林草原火灾"),
        ("natural_other", "其他自然灾害"),
    ],
    IncidentClass.ACCIDENT: [
        ("mine", "矿山事故"),
        ("fire", "火灾"),
        ("road", "道路交通事故"),
        ("production", "工矿商贸生产安全事故"),
        ("hazardous", "危险化学品事故"),
        ("building", "建筑施工事故"),
        ("utility", "水电气等公共设施事故"),
        ("environment", "环境污染和生态破坏事件"),
        ("accident_other", "其他事故灾难"),
    ],
    IncidentClass.HEALTH: [
        ("epidemic", "传染病疫情"),
        ("food", "食品安全事件"),
        ("poisoning", "群体性中毒"),
        ("animal_epidemic", "动物疫情"),
        ("health_other", "其他公共卫生事件"),
    ],
    IncidentClass.SOCIAL: [
        ("petition", "群体性上访"),
        ("blocking", "堵塞交通（道路、铁路）"),
        ("storming", "冲击党政机关"),
        ("gathering", "群体性聚集"),
        ("criminal", "重大刑事案件"),
        ("terror", "恐怖袭击事件"),
        ("social_other", "其他社会安全事件"),
    ],
}
SUBTYPE_LABELS = {code: label for rows in SUBTYPES.values() for code, label in rows}
SUBTYPE_CLASS = {code: cls for cls, rows in SUBTYPES.items() for code, _ in rows}
SUBTYPE_CHOICES = [(code, label) for rows in SUBTYPES.values() for code, label in rows]


class Severity(models.IntegerChoices):
    """分级: a smaller number is more severe."""

    I = 1, "Ⅰ级（特别重大）"  # noqa: E741
    II = 2, "Ⅱ级（重大）"
    III = 3, "Ⅲ级（较大）"
    IV = 4, "Ⅳ级（一般）"


class Source(models.TextChoices):
    """How the desk first learned of the incident."""

    UNIT_REPORT = "unit_report", "单位报告"
    PHONE = "phone", "电话报告"
    MEDIA = "media", "媒体报道"
    DEPARTMENT = "department", "其他部门通报"
    HIGHER = "higher", "上级交办或询问"


class IncidentState(models.TextChoices):
    OPEN = "open", "处置中"
    CLOSED = "closed", "已终报"


class Incident(models.Model):
    desk = models.ForeignKey(
        "network.Desk", verbose_name="登记科室", on_delete=models.PROTECT, related_name="incidents"
    )
    title = models.CharField("事件名称", max_length=200)
    incident_class = models.CharField("事件类别", max_length=20, choices=IncidentClass.choices)
    subtype = models.CharField("事件类型", max_length=30, choices=SUBTYPE_CHOICES)
    severity = models.PositiveSmallIntegerField("事件分级", choices=Severity.choices)
    severity_suggested = models.PositiveSmallIntegerField(
        "按伤亡损失建议的分级", choices=Severity.choices, null=True, blank=True
    )
    occurred_at = models.DateTimeField("发生时间")
    place = models.CharField("发生地点", max_length=200)
    deaths = models.PositiveIntegerField("死亡人数", default=0)
    injured = models.PositiveIntegerField("受伤人数", default=0)
    missing = models.PositiveIntegerField("失踪人数", default=0)
    loss = models.DecimalField("直接经济损失（万元）", max_digits=12, decimal_places=2, default=0)
    summary = models.TextField("基本情况", blank=True)
    source = models.CharField("获知渠道", max_length=20, choices=Source.choices)
    classification = models.PositiveSmallIntegerField(
        "密级", choices=Classification.choices, default=Classification.INTERNAL
    )
    state = models.CharField("状态", max_length=10, choices=IncidentState.choices, default=IncidentState.OPEN)
    closed_at = models.DateTimeField("终报时间", null=True, blank=True)
    units = models.ManyToManyField(
        "network.Unit", through="IncidentUnit", verbose_name="责任单位", related_name="incidents"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField("登记时间", auto_now_add=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        verbose_name = "突发事件"
        verbose_name_plural = "突发事件"
        indexes = [models.Index(fields=["state", "-occurred_at"])]

    def __str__(self) -> str:
        return self.title

    @property
    def subtype_label(self) -> str:
        return SUBTYPE_LABELS.get(self.subtype, self.subtype)


class IncidentUnit(models.Model):
    """A unit that must report the incident (责任单位)."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="unit_rows")
    unit = models.ForeignKey("network.Unit", on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["incident", "unit"], name="incident_unit_unique")]


    def __str__(self) -> str:
        return f"{self.incident_id} {self.unit_id}"


class IncidentDesk(models.Model):
    """A desk the incident has reached (recorded there, or forwarded to it)."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="desk_rows")
    desk = models.ForeignKey("network.Desk", on_delete=models.PROTECT, related_name="+")
    reached_at = models.DateTimeField()
    via = models.ForeignKey(
        "network.Desk", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        help_text="the desk that forwarded it here (empty: recorded here)",
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["incident", "desk"], name="incident_desk_unique")]
        indexes = [models.Index(fields=["desk", "incident"])]


    def __str__(self) -> str:
        return f"{self.incident_id} → {self.desk_id}"


class PhoneReport(models.Model):
    """电话报告: a call taken by the duty room."""

    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="phone_reports")
    desk = models.ForeignKey("network.Desk", verbose_name="受理科室", on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey("network.Unit", verbose_name="来电单位", on_delete=models.PROTECT, related_name="+")
    caller = models.CharField("来电人", max_length=50)
    caller_phone = models.CharField("来电号码", max_length=30, blank=True)
    received_at = models.DateTimeField("接报时间")
    content = models.TextField("报告内容")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="记录人", on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["received_at", "id"]
        verbose_name = "电话报告"
        verbose_name_plural = "电话报告"


    def __str__(self) -> str:
        return f"{self.caller} {self.received_at:%Y-%m-%d %H:%M}"


class ReportKind(models.TextChoices):
    PRE = "pre", "预报"
    FIRST = "first", "首报"
    FOLLOWUP = "followup", "续报"
    FINAL = "final", "终报"


class IncidentReport(models.Model):
    """A responsible unit's written report: an item of category 紧急."""

    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="reports")
    unit = models.ForeignKey("network.Unit", verbose_name="报告单位", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField("报告类型", max_length=10, choices=ReportKind.choices)
    number = models.PositiveSmallIntegerField("续报序号", default=0)
    item = models.OneToOneField(
        "items.Item", verbose_name="信息", on_delete=models.PROTECT, related_name="incident_report"
    )
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="填报人", on_delete=models.PROTECT, related_name="+"
    )
    filed_at = models.DateTimeField("填报时间", auto_now_add=True)
    submitted_at = models.DateTimeField("报送时间", null=True, blank=True)
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="签发领导", null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["incident", "unit", "filed_at", "id"]
        verbose_name = "紧急信息报告"
        verbose_name_plural = "紧急信息报告"
        constraints = [
            models.UniqueConstraint(
                fields=["incident", "unit", "kind", "number"], name="incident_report_order_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        if self.kind == ReportKind.FOLLOWUP:
            return f"续报{chinese_number(self.number)}"
        return ReportKind(self.kind).label


def chinese_number(n: int) -> str:
    """1 → 一, 12 → 十二, 21 → 二十一 (续报 numbers)."""
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    if n < 20:
        return "十" + (digits[n % 10] if n % 10 else "")
    if n < 100:
        return digits[n // 10] + "十" + (digits[n % 10] if n % 10 else "")
    return str(n)


class Channel(models.TextChoices):
    PHONE = "phone", "电话报告"
    WRITTEN = "written", "书面报告"
    FOLLOWUP = "followup", "续报"


class ClockLimit(models.Model):
    """时限: how long after occurred-at a report must reach this desk, by severity and channel."""

    desk = models.ForeignKey("network.Desk", verbose_name="科室", on_delete=models.CASCADE, related_name="clock_limits")
    severity = models.PositiveSmallIntegerField("事件分级", choices=Severity.choices)
    channel = models.CharField(
        "报告方式", max_length=10, choices=[(Channel.PHONE, "电话报告"), (Channel.WRITTEN, "书面报告")]
    )
    minutes = models.PositiveIntegerField("时限（分钟）")

    class Meta:
        ordering = ["desk", "severity", "channel"]
        verbose_name = "紧急信息报告时限"
        verbose_name_plural = "紧急信息报告时限"
        constraints = [
            models.UniqueConstraint(fields=["desk", "severity", "channel"], name="clock_limit_unique"),
            models.CheckConstraint(condition=Q(minutes__gte=1), name="clock_limit_positive"),
        ]


    def __str__(self) -> str:
        return f"{self.get_severity_display()} {self.get_channel_display()} {self.minutes} 分钟"


class UrgentSettings(models.Model):
    """A desk's urgent-information settings beyond the limit table."""

    desk = models.OneToOneField("network.Desk", on_delete=models.CASCADE, related_name="urgent_settings")
    warn_before = models.CharField(
        "到时前提醒（分钟，逗号分隔）", max_length=50, default="30,10",
        help_text="例如 30,10：到时前 30 分钟和 10 分钟各提醒一次",
    )
    escalate_after = models.PositiveIntegerField(
        "超时后再次升级（分钟）", default=30,
        help_text="超时后这么多分钟仍未报告，再向单位领导和科长升级提醒",
    )
    followup_times = models.CharField(
        "续报时点（每日，逗号分隔）", max_length=50, default="08:00,17:00",
    )
    followup_max_severity = models.PositiveSmallIntegerField(
        "须按时续报的分级（含以上）", choices=Severity.choices, default=Severity.III,
    )
    receive_max_severity = models.PositiveSmallIntegerField(
        "本科室接收的分级（含以上）", choices=Severity.choices, default=Severity.IV,
        help_text="下级科室须向本科室报告的事件分级；低于此分级的事件不计下级对本科室的时限",
    )
    both_offices_max_severity = models.PositiveSmallIntegerField(
        "须同时报党委、政府办公室的分级（含以上）", choices=Severity.choices, default=Severity.III,
    )

    class Meta:
        verbose_name = "紧急信息设置"
        verbose_name_plural = "紧急信息设置"


    def __str__(self) -> str:
        return f"紧急信息设置（{self.desk_id}）"


class Deadline(models.Model):
    """One clock: ``unit`` owes ``desk`` a report of ``channel`` by ``due_at``."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="deadlines")
    unit = models.ForeignKey("network.Unit", verbose_name="报告单位", on_delete=models.PROTECT, related_name="+")
    desk = models.ForeignKey("network.Desk", verbose_name="报告至", on_delete=models.PROTECT, related_name="+")
    channel = models.CharField("报告方式", max_length=10, choices=Channel.choices)
    limit_minutes = models.PositiveIntegerField("时限（分钟）", null=True, blank=True)
    due_at = models.DateTimeField("截止时间")
    met_at = models.DateTimeField("报告时间", null=True, blank=True)
    met_by_report = models.ForeignKey(
        IncidentReport, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    met_by_phone = models.ForeignKey(PhoneReport, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    cancelled = models.BooleanField("已撤销", default=False)

    class Meta:
        ordering = ["due_at", "id"]
        verbose_name = "报告时限"
        verbose_name_plural = "报告时限"
        indexes = [
            models.Index(
                fields=["due_at"], condition=Q(met_at__isnull=True, cancelled=False), name="deadline_open_due"
            ),
            models.Index(fields=["incident", "unit", "desk", "channel"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {self.due_at:%Y-%m-%d %H:%M}"

    @property
    def late_minutes(self) -> int | None:
        """Minutes past due when it was met (0 if on time), None if not met yet."""
        if self.met_at is None:
            return None
        return max(0, int((self.met_at - self.due_at).total_seconds() // 60))


class DeadlineWarning(models.Model):
    """A warning or escalation sent for one deadline; unique per stage (idempotent sweeps)."""

    deadline = models.ForeignKey(Deadline, on_delete=models.CASCADE, related_name="warnings")
    stage = models.CharField(max_length=30)  # "before:30", "before:10", "passed", "escalate"
    sent_at = models.DateTimeField()
    skipped = models.BooleanField(default=False, help_text="superseded by a later stage during catch-up")
    recipients = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["deadline", "stage"], name="deadline_warning_unique")]


    def __str__(self) -> str:
        return f"{self.deadline_id} {self.stage}"


class IncidentEvent(models.Model):
    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(max_length=30)
    text = models.CharField(max_length=500, blank=True)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]


    def __str__(self) -> str:
        return f"{self.action} {self.at:%Y-%m-%d %H:%M}"


# --- findings (迟报 / 漏报 / 瞒报 / 谎报) ---


class FindingKind(models.TextChoices):
    LATE = "late", "迟报"
    MISSED = "missed", "漏报"
    CONCEALED = "concealed", "瞒报"
    FALSE = "false", "谎报"


class FindingState(models.TextChoices):
    PROPOSED = "proposed", "待认定"
    CONFIRMED = "confirmed", "已认定"
    DISMISSED = "dismissed", "不予认定"


class Finding(models.Model):
    """A reporting failure of a unit on one incident, proposed or recorded at a desk and decided by its chief.

    A 迟报 is proposed by the system from a passed ``deadline`` (``proposed_by`` empty), with
    the measured delay; 漏报/瞒报/谎报 are recorded by the desk's staff with evidence. The
    desk chief confirms (posting ``penalty`` to the scoring ledger) or dismisses, with a reason.
    """

    incident = models.ForeignKey(Incident, verbose_name="事件", on_delete=models.PROTECT, related_name="findings")
    unit = models.ForeignKey("network.Unit", verbose_name="责任单位", on_delete=models.PROTECT, related_name="+")
    desk = models.ForeignKey("network.Desk", verbose_name="认定科室", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField("问题类型", max_length=10, choices=FindingKind.choices)
    deadline = models.ForeignKey(
        Deadline, verbose_name="报告时限", null=True, blank=True, on_delete=models.PROTECT, related_name="findings"
    )
    delay_minutes = models.PositiveIntegerField("迟报时长（分钟）", null=True, blank=True)
    person = models.CharField("责任人", max_length=100, blank=True)
    evidence = models.TextField("事实和证据", blank=True)
    state = models.CharField("状态", max_length=10, choices=FindingState.choices, default=FindingState.PROPOSED)
    reason = models.TextField("认定意见", blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="认定人", null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField("认定时间", null=True, blank=True)
    penalty = models.OneToOneField(
        "scoring.Penalty", verbose_name="扣分记录", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="提出人", null=True, blank=True, on_delete=models.PROTECT,
        related_name="+", help_text="空为系统按报告时限提出（迟报）",
    )
    proposed_at = models.DateTimeField("提出时间")
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-proposed_at", "-id"]
        verbose_name = "紧急信息报告问题"
        verbose_name_plural = "紧急信息报告问题"
        constraints = [
            # One 迟报 per deadline: the worker's sweep may run any number of times.
            models.UniqueConstraint(
                fields=["deadline"], condition=Q(deadline__isnull=False), name="finding_once_per_deadline"
            ),
        ]
        indexes = [models.Index(fields=["desk", "state", "-proposed_at"]), models.Index(fields=["unit", "state"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.incident_id}"

    @property
    def classification(self) -> int:
        return int(self.incident.classification)


class FindingEvidence(models.Model):
    """An attachment proving a finding (a screenshot, a record, a document), checked by content."""

    finding = models.ForeignKey(Finding, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField("文件", upload_to="findings/%Y/%m/")
    name = models.CharField("文件名", max_length=200)
    size = models.PositiveIntegerField("大小（字节）")
    content_type = models.CharField("类型", max_length=100)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = "问题证据"
        verbose_name_plural = "问题证据"

    def __str__(self) -> str:
        return self.name
