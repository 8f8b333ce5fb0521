"""Items and their journey: drafts, submissions, desk entries, versions, adoption, feedback.

- ``Item`` is the unit's working copy while it is a draft (or returned for revision).
- ``Submission`` is what the unit sent, one row per round: immutable, it is "the
  sender's original" every desk refers to.
- ``DeskEntry`` is the item at one desk: its own state, editor, edited versions and
  history. Forwarding creates an entry at the parent desk pointing back down
  (``forwarded_from``), so feedback from any level reaches every desk below.
- ``Adoption`` records that an item was used (adopted) somewhere, crediting a unit.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.db.models import Q

from xinxi.lib.choices import Classification, Urgency
from xinxi.lib.workflow import StateEvent

if TYPE_CHECKING:
    from xinxi.network.models import Desk


class Category(models.TextChoices):
    NEWS = "news", "动态"
    EXPERIENCE = "experience", "经验"
    PROBLEM = "problem", "问题建议"
    COMPREHENSIVE = "comprehensive", "综合"
    RESEARCH = "research", "调研"
    SENTIMENT = "sentiment", "社情民意"
    SUPERVISION = "supervision", "舆论监督与群众意见建议"
    URGENT = "urgent", "紧急"


class Tone(models.TextChoices):
    POSITIVE = "positive", "喜"
    PROBLEM = "problem", "忧"


class ItemState(models.TextChoices):
    DRAFT = "draft", "草稿"
    PENDING_SIGNOFF = "pending_signoff", "待签发"
    SIGNOFF_RETURNED = "signoff_returned", "签发退回"
    SUBMITTED = "submitted", "已报送"
    RETURNED = "returned", "退回修改"


# Where a unit may still edit and send its item from: a draft, one its approver returned,
# one a desk returned (the item state table, ``workflow.ITEM_TRANSITIONS``, starts there).
EDITABLE_STATES = frozenset({ItemState.DRAFT, ItemState.SIGNOFF_RETURNED, ItemState.RETURNED})


# The fields of a draft a unit writes (forms, services and the API take these).
DRAFT_FIELDS = (
    "title",
    "body",
    "category",
    "tone",
    "classification",
    "urgency",
    "writer_name",
    "writer_phone",
    "event_time",
    "major_event",
)


class Tag(models.Model):
    name = models.CharField("标签", max_length=30, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "标签"
        verbose_name_plural = "标签"

    def __str__(self) -> str:
        return self.name


class Item(models.Model):
    unit = models.ForeignKey("network.Unit", verbose_name="报送单位", on_delete=models.PROTECT, related_name="items")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="录入人", on_delete=models.PROTECT, related_name="items"
    )
    title = models.CharField("标题", max_length=200, blank=True)
    body = models.TextField("正文", blank=True)
    category = models.CharField("类别", max_length=20, choices=Category.choices, default=Category.NEWS)
    tone = models.CharField("基调", max_length=10, choices=Tone.choices, default=Tone.POSITIVE)
    classification = models.PositiveSmallIntegerField(
        "密级", choices=Classification.choices, default=Classification.PUBLIC
    )
    urgency = models.PositiveSmallIntegerField("紧急程度", choices=Urgency.choices, default=Urgency.ROUTINE)
    writer_name = models.CharField("执笔人", max_length=50, blank=True)
    writer_phone = models.CharField("执笔人电话", max_length=30, blank=True)
    event_time = models.DateTimeField("事件发生时间", null=True, blank=True)
    major_event = models.BooleanField("涉及重大事件", default=False)
    tags = models.ManyToManyField(Tag, verbose_name="标签", blank=True, related_name="items")
    state = models.CharField("状态", max_length=20, choices=ItemState.choices, default=ItemState.DRAFT)
    # Combined items (综合信息) are written by a desk from several entries.
    combined_at = models.ForeignKey(
        "network.Desk", verbose_name="综合科室", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    signoff_reason = models.CharField("签发退回理由", max_length=300, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("修改时间", auto_now=True)
    submitted_at = models.DateTimeField("首次报送时间", null=True, blank=True)

    class Meta:
        ordering = ["-updated_at", "-id"]
        verbose_name = "信息"
        verbose_name_plural = "信息"
        indexes = [models.Index(fields=["unit", "state", "-updated_at"])]

    def __str__(self) -> str:
        return self.title or "（无标题）"

    @property
    def is_editable(self) -> bool:
        return self.state in EDITABLE_STATES


class Attachment(models.Model):
    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField("文件", upload_to="attachments/%Y/%m/")
    name = models.CharField("文件名", max_length=200)
    size = models.PositiveIntegerField("大小（字节）")
    content_type = models.CharField("类型", max_length=100)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = "附件"
        verbose_name_plural = "附件"

    def __str__(self) -> str:
        return self.name


class Submission(models.Model):
    """One round of an item as its unit sent it: immutable, acknowledged by a receipt number."""

    # Not a field: the desks this round was just sent to, set by ``item_submit`` for the receipt.
    reached_desks: list[Desk] | None = None

    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="submissions")
    round = models.PositiveIntegerField("轮次")
    receipt_no = models.CharField("回执号", max_length=40, unique=True)
    title = models.CharField("标题", max_length=200)
    body = models.TextField("正文")
    category = models.CharField("类别", max_length=20, choices=Category.choices)
    tone = models.CharField("基调", max_length=10, choices=Tone.choices)
    classification = models.PositiveSmallIntegerField("密级", choices=Classification.choices)
    urgency = models.PositiveSmallIntegerField("紧急程度", choices=Urgency.choices)
    writer_name = models.CharField("执笔人", max_length=50, blank=True)
    writer_phone = models.CharField("执笔人电话", max_length=30, blank=True)
    event_time = models.DateTimeField("事件发生时间", null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="签发人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    submitted_at = models.DateTimeField("报送时间", auto_now_add=True)
    idempotency_key = models.CharField(max_length=80, null=True, blank=True)

    class Meta:
        ordering = ["item", "round"]
        verbose_name = "报送记录"
        verbose_name_plural = "报送记录"
        constraints = [
            models.UniqueConstraint(fields=["item", "round"], name="submission_round_unique"),
            models.UniqueConstraint(
                fields=["submitted_by", "idempotency_key"],
                condition=Q(idempotency_key__isnull=False),
                name="submission_idempotency_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.receipt_no} {self.title}"


class EntryState(models.TextChoices):
    NEW = "new", "待处理"
    READ = "read", "处理中"
    RETURNED = "returned", "退回修改"
    PREADOPTED = "preadopted", "预采用"
    NOT_ADOPTED = "not_adopted", "不采用"
    DUPLICATE = "duplicate", "重复"
    COMBINED = "combined", "已综合"
    ADOPTED = "adopted", "已采用"


class EntrySource(models.TextChoices):
    DIRECT = "direct", "本级报送"
    POINT = "point", "直报"
    FORWARDED = "forwarded", "下级转报"
    COMBINED = "combined", "本科室综合"


class DeskEntry(models.Model):
    desk = models.ForeignKey("network.Desk", verbose_name="科室", on_delete=models.PROTECT, related_name="entries")
    item = models.ForeignKey(Item, verbose_name="信息", on_delete=models.PROTECT, related_name="entries")
    submission = models.ForeignKey(Submission, on_delete=models.PROTECT, related_name="entries", null=True)
    origin_unit = models.ForeignKey("network.Unit", verbose_name="原报单位", on_delete=models.PROTECT, related_name="+")
    source = models.CharField("来源", max_length=10, choices=EntrySource.choices)
    forwarded_from = models.ForeignKey(
        "self", verbose_name="转报自", null=True, blank=True, on_delete=models.PROTECT, related_name="forwarded_to"
    )
    state = models.CharField("状态", max_length=12, choices=EntryState.choices, default=EntryState.NEW)
    # The text as it reached this desk (the submission, or the lower desk's edited version).
    received_title = models.CharField("收到时标题", max_length=200)
    received_body = models.TextField("收到时正文")
    # This desk's current text: the latest version, or the received text.
    title = models.CharField("标题", max_length=200)
    body = models.TextField("正文")
    classification = models.PositiveSmallIntegerField("密级", choices=Classification.choices)
    urgency = models.PositiveSmallIntegerField("紧急程度", choices=Urgency.choices)
    category = models.CharField("类别", max_length=20, choices=Category.choices)
    tone = models.CharField("基调", max_length=10, choices=Tone.choices)
    major_event = models.BooleanField("涉及重大事件", default=False)
    version = models.PositiveIntegerField("版本", default=0)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="责任编辑",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    duplicate_of = models.ForeignKey(
        "self", verbose_name="重复于", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    received_at = models.DateTimeField("收到时间")
    forwarded_at = models.DateTimeField("转报时间", null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = "科室收稿"
        verbose_name_plural = "科室收稿"
        constraints = [
            models.UniqueConstraint(fields=["desk", "item"], name="one_entry_per_desk_item"),
        ]
        indexes = [
            models.Index(fields=["desk", "-received_at"]),
            # Covers the inbox's state tabs under the clearance filter without reading rows.
            models.Index(fields=["desk", "state", "-received_at", "classification"], name="entry_desk_state_recv_cls"),
            # The inbox sorted by urgency walks this index instead of sorting the desk's entries.
            models.Index(fields=["desk", "-urgency", "-received_at"], name="entry_desk_urgency_recv"),
            # The state counts under a category, tone or unit (class) filter read only these.
            models.Index(fields=["desk", "category", "state", "classification"], name="entry_desk_cat_state_cls"),
            models.Index(fields=["desk", "tone", "state", "classification"], name="entry_desk_tone_state_cls"),
            models.Index(fields=["desk", "origin_unit", "state", "classification"], name="entry_desk_unit_state_cls"),
        ]

    def __str__(self) -> str:
        return self.title


def received_text(source: Submission | DeskEntry) -> dict[str, Any]:
    """What an entry takes from what reaches its desk (a round, or an entry forwarded from below).

    The text as received and the desk's working text start equal.
    """
    return {
        "received_title": source.title,
        "received_body": source.body,
        "title": source.title,
        "body": source.body,
        "classification": source.classification,
        "urgency": source.urgency,
        "category": source.category,
        "tone": source.tone,
    }


class EntryEvent(models.Model):
    """One row per action on an entry: who, when, from which state to which, why."""

    entry = models.ForeignKey(DeskEntry, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    action = models.CharField("操作", max_length=30)
    from_state = models.CharField(max_length=12, choices=EntryState.choices, blank=True)
    to_state = models.CharField(max_length=12, choices=EntryState.choices, blank=True)
    reason = models.CharField("理由/说明", max_length=500, blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = "处理记录"
        verbose_name_plural = "处理记录"

    def __str__(self) -> str:
        return f"{self.action} {self.from_state}→{self.to_state}"


class ItemEvent(StateEvent):
    """One row per change of an item's own state (送签, 签发退回, 报送, 退回修改): who, when, why."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="events")
    from_state = models.CharField("原状态", max_length=20, choices=ItemState.choices, blank=True)
    to_state = models.CharField("新状态", max_length=20, choices=ItemState.choices)

    class Meta(StateEvent.Meta):
        verbose_name = "信息流转记录"
        verbose_name_plural = "信息流转记录"


class EntryRead(models.Model):
    """Who at the desk has opened the entry (read marks)."""

    entry = models.ForeignKey(DeskEntry, on_delete=models.CASCADE, related_name="reads")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["entry", "user"], name="entry_read_unique")]

    def __str__(self) -> str:
        return f"{self.user_id} 已读 {self.entry_id}"


class EntryVersion(models.Model):
    """An edited version of an entry's text at its desk (version 1, 2, …)."""

    entry = models.ForeignKey(DeskEntry, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField("版本号")
    title = models.CharField("标题", max_length=200)
    body = models.TextField("正文")
    note = models.CharField("修改说明", max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["entry", "number"]
        verbose_name = "编辑版本"
        verbose_name_plural = "编辑版本"
        constraints = [models.UniqueConstraint(fields=["entry", "number"], name="entry_version_unique")]

    def __str__(self) -> str:
        return f"第 {self.number} 版 {self.title}"


class CombinedSource(models.Model):
    """A source entry of a combined item (综合信息): each source unit is credited."""

    combined = models.ForeignKey(DeskEntry, on_delete=models.CASCADE, related_name="sources")
    source = models.ForeignKey(DeskEntry, on_delete=models.PROTECT, related_name="combined_into")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["combined", "source"], name="combined_source_unique")]

    def __str__(self) -> str:
        return f"{self.source_id} → {self.combined_id}"


class VerificationMethod(models.TextChoices):
    SENDER = "sender", "向报送单位核实"
    RELATED = "related", "向相关单位核实"
    ON_SITE = "on_site", "实地核实"


class VerificationOutcome(models.TextChoices):
    OPEN = "open", "核实中"
    CONFIRMED = "confirmed", "属实"
    CORRECTED = "corrected", "部分属实（已更正）"
    FALSE = "false", "失实"


class Verification(models.Model):
    entry = models.ForeignKey(DeskEntry, on_delete=models.CASCADE, related_name="verifications")
    method = models.CharField("核实方式", max_length=10, choices=VerificationMethod.choices)
    related_unit = models.ForeignKey(
        "network.Unit", verbose_name="核实单位", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    question = models.CharField("核实内容", max_length=500)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    outcome = models.CharField(
        "核实结果", max_length=10, choices=VerificationOutcome.choices, default=VerificationOutcome.OPEN
    )
    outcome_note = models.CharField("结果说明", max_length=500, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["requested_at", "id"]
        verbose_name = "核实"
        verbose_name_plural = "核实"

    def __str__(self) -> str:
        return f"{self.get_method_display()}：{self.get_outcome_display()}"


class AdoptionKind(models.TextChoices):
    FULL = "full", "单独/全文采用"
    COMBINED = "combined", "综合采用"
    BRIEF = "brief", "摘编/简讯"


class AdoptionLevel(models.TextChoices):
    ZHONGBAN = "zhongban", "中办"
    GUOBAN = "guoban", "国办"
    CENTRAL = "central", "中央（国办/中办）"
    PROVINCE = "province", "省级"
    CITY = "city", "市级"
    COUNTY = "county", "县级"


class Adoption(models.Model):
    """A use of an item in a publication, crediting one unit (one per source for 综合采用)."""

    entry = models.ForeignKey(DeskEntry, verbose_name="采用的收稿", on_delete=models.PROTECT, related_name="adoptions")
    item = models.ForeignKey(Item, verbose_name="被采用信息", on_delete=models.PROTECT, related_name="adoptions")
    unit = models.ForeignKey(
        "network.Unit", verbose_name="计分单位", on_delete=models.PROTECT, related_name="adoptions"
    )
    desk = models.ForeignKey(
        "network.Desk",
        verbose_name="采用科室",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="adoptions",
    )
    level = models.CharField("采用层级", max_length=10, choices=AdoptionLevel.choices)
    publication = models.CharField("刊物", max_length=100)
    issue_no = models.CharField("期号", max_length=50, blank=True)
    adopted_on = models.DateField("采用日期")
    kind = models.CharField("采用方式", max_length=10, choices=AdoptionKind.choices)
    external = models.BooleanField("系统外采用（手工录入）", default=False)
    issue = models.ForeignKey(
        "publications.Issue", verbose_name="刊用的期", null=True, blank=True, on_delete=models.PROTECT,
        related_name="adoptions",
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    withdrawn_at = models.DateTimeField("撤销时间", null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    withdrawn_reason = models.CharField("撤销理由", max_length=300, blank=True)

    class Meta:
        ordering = ["-adopted_on", "-id"]
        verbose_name = "采用记录"
        verbose_name_plural = "采用记录"
        indexes = [models.Index(fields=["unit", "-adopted_on"])]

    def __str__(self) -> str:
        return f"{self.publication} {self.issue_no} {self.get_kind_display()}"


class TextSignature(models.Model):
    """A near-duplicate signature (``similarity.signature``) kept for every process.

    Keyed by a digest of the text it was computed from (title and the body's head), so it
    never goes stale: an edited text has another digest. Written when a page first needs
    it, read by every worker instead of segmenting the text again; pruned after
    ``signature_store.KEEP_DAYS`` by a daily sweep.
    """

    digest = models.CharField(max_length=40, primary_key=True)
    weights = models.JSONField()
    figures = models.JSONField()
    created = models.DateField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "相似度特征"
        verbose_name_plural = "相似度特征"

    def __str__(self) -> str:
        return self.digest
