"""The reporting network: units in a tree, desks, direct points, roster, quotas, calendar."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q


class UnitKind(models.TextChoices):
    PARTY_OFFICE = "party_office", "党委办公室"
    GOV_OFFICE = "gov_office", "政府办公室"
    DEPARTMENT = "department", "部门/委办局"
    TOWNSHIP = "township", "乡镇/街道"
    OFFICE_ABROAD = "office_abroad", "驻外办事处"
    ENTERPRISE = "enterprise", "企业"
    UNIVERSITY = "university", "高校"
    CORRESPONDENT = "correspondent", "特约信息员点（人大代表/政协委员）"
    OTHER = "other", "其他"


class Level(models.IntegerChoices):
    """行政层级. A smaller number is a higher level."""

    PROVINCE = 1, "省级"
    CITY = 2, "市级"
    COUNTY = 3, "县级"
    TOWNSHIP = 4, "乡级"


# How many leading digits of a region code a level's territory shares.
REGION_PREFIX = {Level.PROVINCE: 2, Level.CITY: 4, Level.COUNTY: 6, Level.TOWNSHIP: 9}

region_code_validator = RegexValidator(r"^(\d{6}|\d{9}|\d{12})$", "行政区划代码应为 6、9 或 12 位数字")


class UnitClass(models.Model):
    """A class of units used by quotas, statistics and rankings (e.g. 县（市、区）)."""

    name = models.CharField("类别名称", max_length=50, unique=True)
    description = models.CharField("说明", max_length=200, blank=True)
    sort_order = models.PositiveIntegerField("排序", default=0)

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = "单位类别"
        verbose_name_plural = "单位类别"

    def __str__(self) -> str:
        return self.name


class Unit(models.Model):
    """A reporting unit. ``parent`` is the office whose desk it reports to."""

    name = models.CharField("单位名称", max_length=100)
    kind = models.CharField("单位类型", max_length=20, choices=UnitKind.choices)
    level = models.PositiveSmallIntegerField("层级", choices=Level.choices)
    region_code = models.CharField("行政区划代码", max_length=12, validators=[region_code_validator])
    parent = models.ForeignKey(
        "self",
        verbose_name="上级单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    # Materialized path of ids, "/1/7/42/": subtree = path startswith.
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    unit_class = models.ForeignKey(
        UnitClass,
        verbose_name="单位类别",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="units",
    )
    sort_order = models.PositiveIntegerField("排序", default=0)
    requires_signoff = models.BooleanField("信息报送前须经本单位签发", default=False)
    active = models.BooleanField("在用", default=True)
    deactivated_reason = models.CharField("停用原因", max_length=200, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["path"]
        verbose_name = "单位"
        verbose_name_plural = "单位"
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="unit_name_unique_under_parent"),
            models.UniqueConstraint(
                fields=["name"],
                condition=Q(parent__isnull=True),
                name="unit_root_name_unique",
            ),
        ]
        indexes = [models.Index(fields=["region_code"])]

    def __str__(self) -> str:
        return self.name

    @property
    def ancestor_ids(self) -> list[int]:
        """Ids from the root down to the parent (excluding this unit)."""
        ids = [int(p) for p in self.path.strip("/").split("/") if p]
        return ids[:-1]

    @property
    def region_prefix(self) -> str:
        return self.region_code[: REGION_PREFIX[Level(self.level)]]


class Desk(models.Model):
    """An information section (信息科/处) of a unit: it receives items."""

    unit = models.OneToOneField(Unit, verbose_name="所属单位", on_delete=models.PROTECT, related_name="desk")
    name = models.CharField("信息科室名称", max_length=100)
    active = models.BooleanField("在用", default=True)
    urgent_phone_limit_minutes = models.PositiveIntegerField("紧急信息电话报告时限（分钟）", default=30)
    urgent_written_limit_minutes = models.PositiveIntegerField("紧急信息书面报告时限（分钟）", default=120)
    supervision_due_days = models.PositiveIntegerField("督办默认办理期限（天）", default=10)
    supervision_remind_days = models.PositiveIntegerField("督办到期前提醒（提前天数）", default=2)
    supervision_repeat_days = models.PositiveIntegerField("督办逾期后再次提醒间隔（天）", default=3)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["unit__path"]
        verbose_name = "信息科室（收稿台）"
        verbose_name_plural = "信息科室（收稿台）"

    def __str__(self) -> str:
        return self.name


class DirectPoint(models.Model):
    """A unit's status as a direct reporting point (信息直报点) of a higher desk.

    One row per admission; revoking closes the row, re-admitting adds a new one, so
    the rows of a (unit, desk) pair are its history.
    """

    unit = models.ForeignKey(Unit, verbose_name="直报点单位", on_delete=models.PROTECT, related_name="points")
    desk = models.ForeignKey(Desk, verbose_name="直报至", on_delete=models.PROTECT, related_name="points")
    admitted_on = models.DateField("确定日期")
    admitted_reason = models.CharField("确定理由", max_length=300)
    admitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="确定人",
        on_delete=models.PROTECT,
        related_name="+",
    )
    revoked_on = models.DateField("撤销日期", null=True, blank=True)
    revoked_reason = models.CharField("撤销理由", max_length=300, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="撤销人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["-admitted_on", "-id"]
        verbose_name = "直报点"
        verbose_name_plural = "直报点"
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "desk"],
                condition=Q(revoked_on__isnull=True),
                name="one_active_point_per_unit_desk",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} → {self.desk}"

    @property
    def is_active(self) -> bool:
        return self.revoked_on is None


class StaffRole(models.TextChoices):
    LEADER = "leader", "分管领导"
    FULLTIME = "fulltime", "专职信息员"
    PARTTIME = "parttime", "兼职信息员"


class StaffMember(models.Model):
    """A person on a unit's information roster (not necessarily a system user)."""

    unit = models.ForeignKey(Unit, verbose_name="单位", on_delete=models.PROTECT, related_name="staff")
    name = models.CharField("姓名", max_length=50)
    role = models.CharField("身份", max_length=10, choices=StaffRole.choices)
    title = models.CharField("职务", max_length=50, blank=True)
    phone = models.CharField("办公电话", max_length=30, blank=True)
    mobile = models.CharField("手机", max_length=20, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="系统账号",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="staff_entries",
    )
    active = models.BooleanField("在岗", default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["unit__path", "role", "name"]
        verbose_name = "信息工作人员"
        verbose_name_plural = "信息工作人员"

    def __str__(self) -> str:
        return f"{self.name}（{self.get_role_display()}）"


class QuotaFrequency(models.TextChoices):
    WORKING_DAY = "working_day", "每个工作日"
    WEEK = "week", "每周"
    MONTH = "month", "每月"
    YEAR = "year", "每年"


class Quota(models.Model):
    """A desk's reporting quota (报送频次) for one unit or a class of units.

    Versioned by date: the row valid on a day applies; a unit's own row beats its
    class's row.
    """

    desk = models.ForeignKey(Desk, verbose_name="下达科室", on_delete=models.CASCADE, related_name="quotas")
    unit = models.ForeignKey(
        Unit,
        verbose_name="单位",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="quotas",
    )
    unit_class = models.ForeignKey(
        UnitClass,
        verbose_name="单位类别",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="quotas",
    )
    frequency = models.CharField("频次", max_length=12, choices=QuotaFrequency.choices)
    count = models.PositiveIntegerField("条数", default=1)
    research_per_quarter = models.PositiveIntegerField("每季度调研报告（篇）", default=0)
    valid_from = models.DateField("生效日期")
    valid_to = models.DateField("失效日期", null=True, blank=True)
    note = models.CharField("备注", max_length=200, blank=True)

    class Meta:
        ordering = ["desk", "-valid_from"]
        verbose_name = "报送频次"
        verbose_name_plural = "报送频次"
        constraints = [
            models.CheckConstraint(
                condition=(Q(unit__isnull=False) & Q(unit_class__isnull=True))
                | (Q(unit__isnull=True) & Q(unit_class__isnull=False)),
                name="quota_targets_unit_or_class",
            ),
            models.CheckConstraint(condition=Q(count__gte=1), name="quota_count_positive"),
        ]

    def __str__(self) -> str:
        target = self.unit or self.unit_class
        return f"{target}：{self.describe()}"

    def describe(self) -> str:
        if self.frequency == QuotaFrequency.WORKING_DAY:
            text = "每个工作日" + (f" {self.count} 条" if self.count > 1 else "")
        else:
            text = f"{self.get_frequency_display()} {self.count} 条"
        if self.research_per_quarter:
            text += f"，每季度调研 {self.research_per_quarter} 篇"
        return text


class CalendarYear(models.Model):
    """A year whose holidays and make-up workdays an admin has entered in full.

    Years that ``chinese-calendar`` covers need no row; later years must have one
    before working days can be counted in them.
    """

    year = models.PositiveIntegerField("年份", unique=True)
    note = models.CharField("依据（如国务院办公厅通知）", max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year"]
        verbose_name = "已维护的日历年度"
        verbose_name_plural = "已维护的日历年度"

    def __str__(self) -> str:
        return f"{self.year}年"


class CalendarDayKind(models.TextChoices):
    HOLIDAY = "holiday", "放假"
    WORKDAY = "workday", "调休上班"


class CalendarDay(models.Model):
    """An exception to the Monday-to-Friday rule: a holiday or a make-up workday."""

    date = models.DateField("日期", unique=True)
    kind = models.CharField("类型", max_length=10, choices=CalendarDayKind.choices)
    name = models.CharField("节日/说明", max_length=50, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = "节假日与调休"
        verbose_name_plural = "节假日与调休"

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()} {self.name}"
