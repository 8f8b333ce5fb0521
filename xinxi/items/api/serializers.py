"""Serializers of the items API.

Output serializers render rows the permission layer has already let through; input
serializers only parse types. Every business rule (lengths, clearance, states, who may
act) stays in ``xinxi.items.services`` and ``xinxi.items.desk_services`` so the pages
and the API refuse the same things with the same Chinese messages. Text is returned
exactly as stored: clients must show it as text, never as HTML.

Choice values are rendered as plain strings or numbers next to their Chinese
``*_label``: several models share field names (``state``, ``level``, ``kind``) with
different choices, and plain fields keep the schema's enum names unambiguous.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from xinxi.accounts.models import User
from xinxi.archive.models import SearchDocKind
from xinxi.archive.search import QUERY_HELP
from xinxi.instructions.api.serializers import InstructionSerializer
from xinxi.items import permissions
from xinxi.items.desk_views import EVENT_LABELS
from xinxi.items.models import (
    Adoption,
    AdoptionKind,
    AdoptionLevel,
    Attachment,
    Category,
    DeskEntry,
    EntryEvent,
    EntryVersion,
    Item,
    Submission,
    Tone,
    Verification,
    VerificationMethod,
    VerificationOutcome,
)
from xinxi.items.workflow import allowed_actions, item_machine
from xinxi.lib.api_filters import QuerySerializer
from xinxi.lib.api_history import StateEventSerializer
from xinxi.lib.choices import Classification, Urgency
from xinxi.network.api.serializers import MAX_INT, VisibleRelatedField, visible_unit_field


def _name(user: User | None) -> str | None:
    return str(user) if user is not None else None


# --- shared pieces ---


class AttachmentSerializer(serializers.ModelSerializer[Attachment]):
    uploaded_by_name = serializers.SerializerMethodField()

    class Meta:
        model = Attachment
        fields = ["id", "name", "size", "content_type", "uploaded_at", "uploaded_by_name"]
        read_only_fields = fields

    def get_uploaded_by_name(self, attachment: Attachment) -> str:
        return str(attachment.uploaded_by)


class SubmissionSerializer(serializers.ModelSerializer[Submission]):
    """One round as the unit sent it (the sender's original, never changed)."""

    category_label = serializers.CharField(source="get_category_display", read_only=True)
    tone_label = serializers.CharField(source="get_tone_display", read_only=True)
    classification_label = serializers.CharField(source="get_classification_display", read_only=True)
    urgency_label = serializers.CharField(source="get_urgency_display", read_only=True)
    submitted_by_name = serializers.SerializerMethodField()
    signed_off_by_name = serializers.SerializerMethodField(help_text="签发人（未经签发为空）")

    class Meta:
        model = Submission
        fields = ["id", "item", "round", "receipt_no", "title", "body", "category", "category_label", "tone",
                  "tone_label", "classification", "classification_label", "urgency", "urgency_label",
                  "writer_name", "writer_phone", "event_time", "submitted_at", "submitted_by_name",
                  "signed_off_by_name"]
        read_only_fields = fields

    def get_submitted_by_name(self, submission: Submission) -> str:
        return str(submission.submitted_by)

    def get_signed_off_by_name(self, submission: Submission) -> str | None:
        return _name(submission.signed_off_by)


_DATETIME = serializers.DateTimeField()  # DRF's own formatting: the settings' format, the local time zone


class ReceiptSerializer(SubmissionSerializer):
    """The acknowledgement of a submission: the round, its receipt number, the desks reached.

    Every submission answers with one, so it is written directly rather than field by field
    (DRF builds and copies the fields and inspects each label's method: ≈ 1.5 ms, a tenth
    of a submission). The fields stay declared for the schema; a test holds the two equal.
    """

    desks = serializers.SerializerMethodField(help_text="收到本轮报送的信息科室")

    class Meta(SubmissionSerializer.Meta):
        fields = [*SubmissionSerializer.Meta.fields, "desks"]
        read_only_fields = fields

    def get_desks(self, submission: Submission) -> list[str]:
        return list(self.context.get("desks", []))

    def to_representation(self, instance: Submission) -> dict[str, Any]:
        s = instance
        return {
            "id": s.pk, "item": s.item_id, "round": s.round, "receipt_no": s.receipt_no, "title": s.title,
            "body": s.body, "category": s.category, "category_label": s.get_category_display(), "tone": s.tone,
            "tone_label": s.get_tone_display(), "classification": s.classification,
            "classification_label": s.get_classification_display(), "urgency": s.urgency,
            "urgency_label": s.get_urgency_display(), "writer_name": s.writer_name, "writer_phone": s.writer_phone,
            "event_time": None if s.event_time is None else _DATETIME.to_representation(s.event_time),
            "submitted_at": _DATETIME.to_representation(s.submitted_at),
            "submitted_by_name": self.get_submitted_by_name(s), "signed_off_by_name": self.get_signed_off_by_name(s),
            "desks": self.get_desks(s),
        }


class AdoptionSerializer(serializers.ModelSerializer[Adoption]):
    item_title = serializers.CharField(source="item.title", read_only=True, help_text="被采用信息（报送单位的标题）")
    entry_title = serializers.CharField(source="entry.title", read_only=True, help_text="采用时科室的标题")
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    desk_name = serializers.CharField(source="desk.name", read_only=True, allow_null=True)
    level = serializers.CharField(read_only=True, help_text="central 中央；province 省级；city 市级；county 县级")
    level_label = serializers.CharField(source="get_level_display", read_only=True)
    kind = serializers.CharField(read_only=True, help_text="full 单独/全文采用；combined 综合采用；brief 摘编/简讯")
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = Adoption
        fields = ["id", "entry", "entry_title", "item", "item_title", "unit", "unit_name", "desk", "desk_name",
                  "level", "level_label", "publication", "issue_no", "adopted_on", "kind", "kind_label",
                  "external", "created_at", "withdrawn_at", "withdrawn_reason"]
        read_only_fields = fields


# --- items (the unit's side) ---


class ItemSerializer(serializers.ModelSerializer[Item]):
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    created_by_name = serializers.SerializerMethodField()
    category_label = serializers.CharField(source="get_category_display", read_only=True)
    tone_label = serializers.CharField(source="get_tone_display", read_only=True)
    classification_label = serializers.CharField(source="get_classification_display", read_only=True)
    urgency_label = serializers.CharField(source="get_urgency_display", read_only=True)
    state = serializers.CharField(
        read_only=True,
        help_text="draft 草稿；pending_signoff 待签发；signoff_returned 签发退回；submitted 已报送；returned 退回修改",
    )
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    tags = serializers.SerializerMethodField(help_text="标签")

    class Meta:
        model = Item
        fields = ["id", "unit", "unit_name", "title", "category", "category_label", "tone", "tone_label",
                  "classification", "classification_label", "urgency", "urgency_label", "state", "state_label",
                  "tags", "version", "created_by_name", "created_at", "updated_at", "submitted_at"]
        read_only_fields = fields

    def get_created_by_name(self, item: Item) -> str:
        return str(item.created_by)

    def get_tags(self, item: Item) -> list[str]:
        return [tag.name for tag in item.tags.all()]  # prefetched


class ItemDetailSerializer(ItemSerializer):
    attachments = AttachmentSerializer(many=True, read_only=True)
    submissions = SubmissionSerializer(many=True, read_only=True, help_text="每一轮报送的原稿，第 1 轮在前")
    history = serializers.SerializerMethodField(help_text="流转记录（送签、签发退回、报送、退回修改），早的在前")

    class Meta(ItemSerializer.Meta):
        fields = [*ItemSerializer.Meta.fields, "body", "writer_name", "writer_phone", "event_time", "major_event",
                  "signoff_reason", "attachments", "submissions", "history"]
        read_only_fields = fields

    @extend_schema_field(StateEventSerializer(many=True))
    def get_history(self, item: Item) -> Any:
        events = item_machine.history(item.events.select_related("actor"))
        return StateEventSerializer(events, many=True).data


class ItemFieldsSerializer(serializers.Serializer[Item]):
    # Lengths and clearance are checked by the service, with the Chinese message the page shows.

    title = serializers.CharField(allow_blank=True, trim_whitespace=False, required=False, help_text="标题")
    body = serializers.CharField(allow_blank=True, trim_whitespace=False, required=False, help_text="正文")
    category = serializers.ChoiceField(choices=Category.choices, required=False, help_text="类别")
    tone = serializers.ChoiceField(choices=Tone.choices, required=False, help_text="基调：喜或忧")
    classification = serializers.ChoiceField(choices=Classification.choices, required=False,
                                              help_text="密级：0 公开，1 内部，2 秘密，3 机密（不能高于本人涉密等级）")
    urgency = serializers.ChoiceField(choices=Urgency.choices, required=False,
                                      help_text="紧急程度：0 平急，1 加急，2 特急")
    writer_name = serializers.CharField(allow_blank=True, max_length=50, required=False, help_text="执笔人")
    writer_phone = serializers.CharField(allow_blank=True, max_length=30, required=False, help_text="执笔人电话")
    event_time = serializers.DateTimeField(allow_null=True, required=False, help_text="事件发生时间")
    major_event = serializers.BooleanField(required=False, help_text="是否涉及重大事件")
    tags = serializers.ListField(child=serializers.CharField(max_length=30), required=False, max_length=50,
                                 help_text="标签（最多 10 个）")


class ItemUpdateSerializer(ItemFieldsSerializer):
    version = serializers.IntegerField(min_value=1, max_value=MAX_INT,
                                       help_text="读取时的版本号；已被他人修改时返回 409")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if "version" not in attrs:  # PATCH leaves every other field optional, never this one
            raise serializers.ValidationError({"version": ["请提供版本号（version），以免覆盖他人的修改。"]})
        return attrs


class VersionSerializer(serializers.Serializer[Item]):
    version = serializers.IntegerField(min_value=1, max_value=MAX_INT, required=False,
                                       help_text="读取时的版本号（可选）；给出且已过期时返回 409")


class SubmitSerializer(VersionSerializer):
    idempotency_key = serializers.CharField(
        max_length=80, required=False, allow_blank=True,
        help_text="幂等键，也可用请求头 Idempotency-Key 传递；同一用户重试时用同一个键",
    )


class ItemSubmitNewSerializer(ItemFieldsSerializer):
    idempotency_key = serializers.CharField(
        max_length=80, required=False, allow_blank=True,
        help_text="幂等键，也可用请求头 Idempotency-Key 传递；重试时用同一个键，不会新建第二条信息",
    )


class ReasonSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField(allow_blank=True, max_length=500, help_text="理由")


class AttachmentUploadSerializer(serializers.Serializer[Attachment]):
    file = serializers.FileField(help_text="附件：DOCX、PDF、JPG 或 PNG，按内容识别类型")


# --- feedback (反馈) ---


class EventSerializer(serializers.ModelSerializer[EntryEvent]):
    action_label = serializers.SerializerMethodField()
    actor_name = serializers.SerializerMethodField()
    from_state = serializers.CharField(read_only=True)
    to_state = serializers.CharField(read_only=True)

    class Meta:
        model = EntryEvent
        fields = ["id", "at", "action", "action_label", "from_state", "to_state", "reason", "actor_name"]
        read_only_fields = fields

    def get_action_label(self, event: EntryEvent) -> str:
        return EVENT_LABELS.get(event.action, event.action)

    def get_actor_name(self, event: EntryEvent) -> str | None:
        return _name(event.actor)


class FeedbackEventSerializer(serializers.Serializer[Any]):
    # One (label, event) pair of the 我的信息 page's history of an entry.

    at = serializers.DateTimeField()
    action = serializers.CharField()
    action_label = serializers.CharField()
    reason = serializers.CharField(help_text="理由或说明（退回、不采用的理由等）")


class EntryRefSerializer(serializers.ModelSerializer[DeskEntry]):
    class Meta:
        model = DeskEntry
        fields = ["id", "title"]
        read_only_fields = fields


class DeskStepSerializer(serializers.ModelSerializer[DeskEntry]):
    """The item at one desk, as the 我的信息 page shows it (``xinxi.items.views._feedback_entries``)."""

    entry = serializers.IntegerField(source="pk", read_only=True, help_text="该科室收稿的编号")
    desk_name = serializers.CharField(source="desk.name", read_only=True)
    source = serializers.CharField(read_only=True, help_text="direct 本级报送；point 直报；forwarded 下级转报；"  # type: ignore[assignment]
                                                              "combined 本科室综合")
    source_label = serializers.CharField(source="get_source_display", read_only=True)
    state = serializers.CharField(read_only=True, help_text="该科室的处理状态")
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    edited = serializers.SerializerMethodField(help_text="该科室的稿子与报送的原稿是否不同")
    combined_item = serializers.SerializerMethodField(help_text="是否为用本信息综合成的综合信息")
    combined_into = serializers.SerializerMethodField(help_text="本收稿综合进的综合信息")
    events = serializers.SerializerMethodField(help_text="收到、退回、不采用、综合、转报、采用等经过及理由")
    adoptions = serializers.SerializerMethodField(help_text="在该科室的采用记录")

    class Meta:
        model = DeskEntry
        fields = ["entry", "desk", "desk_name", "source", "source_label", "state", "state_label", "received_at",
                  "forwarded_at", "title", "body", "edited", "combined_item", "combined_into", "events",
                  "adoptions"]
        read_only_fields = fields

    def get_edited(self, entry: DeskEntry) -> bool:
        return bool(getattr(entry, "edited", False))

    def get_combined_item(self, entry: DeskEntry) -> bool:
        return bool(getattr(entry, "is_combined_item", False))

    @extend_schema_field(EntryRefSerializer(many=True))
    def get_combined_into(self, entry: DeskEntry) -> Any:
        return EntryRefSerializer(getattr(entry, "combined_into_entries", []), many=True).data

    @extend_schema_field(FeedbackEventSerializer(many=True))
    def get_events(self, entry: DeskEntry) -> Any:
        rows = []
        # (label, reason shown to the unit, event): the page hides some desk-internal reasons.
        for label, *shown_reason, event in getattr(entry, "shown_events", []):
            reason = shown_reason[0] if shown_reason else event.reason
            rows.append({"at": event.at, "action": event.action, "action_label": label, "reason": reason})
        return FeedbackEventSerializer(rows, many=True).data

    @extend_schema_field(AdoptionSerializer(many=True))
    def get_adoptions(self, entry: DeskEntry) -> Any:
        rows = [a for a in self.context.get("adoptions", []) if a.entry_id == entry.pk]
        return AdoptionSerializer(rows, many=True).data


class FeedbackSerializer(serializers.Serializer[Any]):
    item = ItemSerializer()
    submissions = SubmissionSerializer(many=True, help_text="每一轮报送的原稿，第 1 轮在前")
    desks = DeskStepSerializer(many=True, help_text="信息在每一级科室的情况，按收到时间从早到晚")
    adoptions = AdoptionSerializer(many=True, help_text="本信息的全部采用记录（含系统外采用）")
    instructions = InstructionSerializer(
        many=True, help_text="领导对本信息（或刊载它的已印发刊物）的批示，本人可见的；督办见 /api/v1/supervision-tasks/"
    )


# --- desk entries (the desk's side) ---


def desk_colleagues(user: Any) -> QuerySet[User]:
    """Who an entry can be assigned to: active users of the acting user's desk unit."""
    desk = permissions.desk_of(user)
    if desk is None:
        return User.objects.none()
    return User.objects.filter(unit_id=desk.unit_id, is_active=True)


class EntrySerializer(serializers.ModelSerializer[DeskEntry]):
    desk_name = serializers.CharField(source="desk.name", read_only=True)
    origin_unit_name = serializers.CharField(source="origin_unit.name", read_only=True)
    source = serializers.CharField(read_only=True, help_text="direct 本级报送；point 直报；forwarded 下级转报；"  # type: ignore[assignment]
                                                              "combined 本科室综合")
    source_label = serializers.CharField(source="get_source_display", read_only=True)
    state = serializers.CharField(
        read_only=True,
        help_text="new 待处理；read 处理中；returned 退回修改；preadopted 预采用；not_adopted 不采用；"
                  "duplicate 重复；combined 已综合；adopted 已采用",
    )
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    category_label = serializers.CharField(source="get_category_display", read_only=True)
    tone_label = serializers.CharField(source="get_tone_display", read_only=True)
    classification_label = serializers.CharField(source="get_classification_display", read_only=True)
    urgency_label = serializers.CharField(source="get_urgency_display", read_only=True)
    assignee_name = serializers.SerializerMethodField()
    tags = serializers.SerializerMethodField(help_text="报送单位加的标签")
    read = serializers.SerializerMethodField(help_text="当前用户是否已读")

    class Meta:
        model = DeskEntry
        fields = ["id", "desk", "desk_name", "item", "origin_unit", "origin_unit_name", "source", "source_label",
                  "state", "state_label", "title", "category", "category_label", "tone", "tone_label",
                  "classification", "classification_label", "urgency", "urgency_label", "major_event", "version",
                  "assignee", "assignee_name", "duplicate_of", "forwarded_from", "received_at", "forwarded_at",
                  "tags", "read"]
        read_only_fields = fields

    def get_assignee_name(self, entry: DeskEntry) -> str | None:
        return _name(entry.assignee)

    def get_tags(self, entry: DeskEntry) -> list[str]:
        return [tag.name for tag in entry.item.tags.all()]  # prefetched

    def get_read(self, entry: DeskEntry) -> bool:
        return bool(getattr(entry, "is_read", False))


class EntryVersionSerializer(serializers.ModelSerializer[EntryVersion]):
    created_by_name = serializers.SerializerMethodField()

    class Meta:
        model = EntryVersion
        fields = ["number", "title", "body", "note", "created_by_name", "created_at"]
        read_only_fields = fields

    def get_created_by_name(self, version: EntryVersion) -> str:
        return str(version.created_by)


class VerificationSerializer(serializers.ModelSerializer[Verification]):
    method = serializers.CharField(read_only=True, help_text="sender 向报送单位；related 向相关单位；on_site 实地")
    method_label = serializers.CharField(source="get_method_display", read_only=True)
    outcome = serializers.CharField(read_only=True,
                                    help_text="open 核实中；confirmed 属实；corrected 部分属实；false 失实")
    outcome_label = serializers.CharField(source="get_outcome_display", read_only=True)
    related_unit_name = serializers.CharField(source="related_unit.name", read_only=True, allow_null=True)
    requested_by_name = serializers.SerializerMethodField()
    closed_by_name = serializers.SerializerMethodField()

    class Meta:
        model = Verification
        fields = ["id", "entry", "method", "method_label", "question", "related_unit", "related_unit_name",
                  "requested_by_name", "requested_at", "outcome", "outcome_label", "outcome_note", "closed_by_name",
                  "closed_at"]
        read_only_fields = fields

    def get_requested_by_name(self, verification: Verification) -> str:
        return str(verification.requested_by)

    def get_closed_by_name(self, verification: Verification) -> str | None:
        return _name(verification.closed_by)


class ChainEntrySerializer(serializers.ModelSerializer[DeskEntry]):
    """An entry of the same item at another desk of the chain."""

    desk_name = serializers.CharField(source="desk.name", read_only=True)
    state = serializers.CharField(read_only=True)
    state_label = serializers.CharField(source="get_state_display", read_only=True)

    class Meta:
        model = DeskEntry
        fields = ["id", "desk", "desk_name", "state", "state_label", "title", "version", "received_at",
                  "forwarded_at"]
        read_only_fields = fields


class SourceSerializer(serializers.ModelSerializer[DeskEntry]):
    origin_unit_name = serializers.CharField(source="origin_unit.name", read_only=True)

    class Meta:
        model = DeskEntry
        fields = ["id", "title", "origin_unit", "origin_unit_name"]
        read_only_fields = fields


class EntryDetailSerializer(EntrySerializer):
    original_title = serializers.CharField(source="submission.title", read_only=True, allow_null=True,
                                           help_text="报送单位的原稿标题（不会被改动）")
    original_body = serializers.CharField(source="submission.body", read_only=True, allow_null=True)
    receipt_no = serializers.CharField(source="submission.receipt_no", read_only=True, allow_null=True)
    round = serializers.IntegerField(source="submission.round", read_only=True, allow_null=True,
                                     help_text="报送轮次（退回修改后重报为第 2 轮……）")
    events = EventSerializer(many=True, read_only=True)
    versions = EntryVersionSerializer(many=True, read_only=True)
    verifications = VerificationSerializer(many=True, read_only=True)
    adoptions = AdoptionSerializer(many=True, read_only=True)
    chain = serializers.SerializerMethodField(
        help_text="转报链：该信息在各级科室的收稿，最下一级在前，含本收稿（高于本人涉密等级的不列）"
    )
    sources = serializers.SerializerMethodField(help_text="综合信息的来源收稿")
    combined_into = serializers.SerializerMethodField(help_text="本收稿综合进的综合信息")
    allowed_actions = serializers.SerializerMethodField(help_text="当前状态下允许的状态操作（工作流）")

    class Meta(EntrySerializer.Meta):
        fields = [*EntrySerializer.Meta.fields, "body", "received_title", "received_body", "original_title",
                  "original_body", "receipt_no", "round", "events", "versions", "verifications", "adoptions",
                  "chain", "sources", "combined_into", "allowed_actions"]
        read_only_fields = fields

    @extend_schema_field(ChainEntrySerializer(many=True))
    def get_chain(self, entry: DeskEntry) -> Any:
        return ChainEntrySerializer(self.context.get("chain", []), many=True).data  # given by the view

    @extend_schema_field(SourceSerializer(many=True))
    def get_sources(self, entry: DeskEntry) -> Any:
        return SourceSerializer([link.source for link in entry.sources.all()], many=True).data

    @extend_schema_field(EntryRefSerializer(many=True))
    def get_combined_into(self, entry: DeskEntry) -> Any:
        return EntryRefSerializer([link.combined for link in entry.combined_into.all()], many=True).data

    def get_allowed_actions(self, entry: DeskEntry) -> list[str]:
        return allowed_actions(entry)


class AssignSerializer(serializers.Serializer[Any]):
    editor = VisibleRelatedField(queryset=User.objects.all(), visible=desk_colleagues, missing="编辑不存在。",
                                 allow_null=True, help_text="责任编辑的用户编号；为空表示取消分配")


class DuplicateSerializer(serializers.Serializer[Any]):
    of = VisibleRelatedField(queryset=DeskEntry.objects.all(), visible=permissions.desk_entries,
                             missing="信息不存在。", help_text="本科室另一条收稿的编号")
    reason = serializers.CharField(allow_blank=True, max_length=500, default="", help_text="说明（可选）")


class MajorEventSerializer(serializers.Serializer[Any]):
    major = serializers.BooleanField(help_text="是否涉及重大事件（涉及时核实办结前不能采用或转报）")


class EditSerializer(serializers.Serializer[Any]):
    version = serializers.IntegerField(min_value=0, max_value=MAX_INT,
                                       help_text="读取时的版本号（收到时为 0）；已被他人修改时返回 409")
    title = serializers.CharField(allow_blank=True, trim_whitespace=False, help_text="标题")
    body = serializers.CharField(allow_blank=True, trim_whitespace=False, help_text="正文")
    note = serializers.CharField(allow_blank=True, max_length=200, default="", help_text="修改说明")


class NoteSerializer(serializers.Serializer[Any]):
    note = serializers.CharField(allow_blank=True, max_length=500, default="", help_text="说明（可选）")


class AdoptionCreateSerializer(serializers.Serializer[Any]):
    publication = serializers.CharField(allow_blank=True, max_length=100, help_text="刊物名称，如《东海信息》")
    issue_no = serializers.CharField(allow_blank=True, max_length=50, default="", help_text="期号，如 2026年第12期")
    adopted_on = serializers.DateField(help_text="采用日期（不晚于今天）")
    kind = serializers.ChoiceField(choices=AdoptionKind.choices, help_text="采用方式（综合信息一律记为综合采用）")
    external_level = serializers.ChoiceField(
        choices=AdoptionLevel.choices, allow_null=True, default=None,
        help_text="系统外采用（国办/中办/省办等）时填写层级；本科室刊物采用时为空",
    )


class WithdrawAdoptionSerializer(serializers.Serializer[Any]):
    adoption = serializers.IntegerField(min_value=1, max_value=2**31 - 1, help_text="本条收稿的采用记录编号")
    reason = serializers.CharField(allow_blank=True, max_length=300, help_text="撤销理由（必填）")


class VerificationCreateSerializer(serializers.Serializer[Any]):
    method = serializers.ChoiceField(choices=VerificationMethod.choices, help_text="核实方式")
    question = serializers.CharField(allow_blank=True, max_length=500, help_text="需要核实的内容")
    related_unit = visible_unit_field("核实单位不存在。", allow_null=True, default=None,
                                      help_text="向相关单位核实时的单位编号")


CLOSING_OUTCOMES = [(v, label) for v, label in VerificationOutcome.choices if v != VerificationOutcome.OPEN]


class VerificationCloseSerializer(serializers.Serializer[Any]):
    outcome = serializers.ChoiceField(choices=CLOSING_OUTCOMES, help_text="核实结果")
    note = serializers.CharField(allow_blank=True, max_length=500, default="", help_text="结果说明")


class CombineSerializer(serializers.Serializer[Any]):
    entries = VisibleRelatedField(queryset=DeskEntry.objects.all(), visible=permissions.desk_entries,
                                  missing="信息不存在。", many=True, help_text="本科室要综合的收稿编号（至少两条）")
    title = serializers.CharField(allow_blank=True, trim_whitespace=False, help_text="综合信息标题")
    body = serializers.CharField(allow_blank=True, trim_whitespace=False, help_text="综合信息正文")


# --- the archive (资料信息库) ---


class SearchQuerySerializer(QuerySerializer):
    q = serializers.CharField(max_length=100, required=False, allow_blank=True, default="",
                              error_messages={"max_length": "检索词最多 100 个字，请精简。"},
                              help_text=f"检索词。{QUERY_HELP}")
    unit = serializers.IntegerField(min_value=1, max_value=MAX_INT, required=False,
                                    help_text="报送单位编号（含其下级单位）")
    desk = serializers.IntegerField(min_value=1, max_value=MAX_INT, required=False, help_text="科室编号")
    category = serializers.ChoiceField(choices=Category.choices, required=False, help_text="类别")
    tone = serializers.ChoiceField(choices=Tone.choices, required=False, help_text="基调")
    kind = serializers.ChoiceField(choices=SearchDocKind.choices, required=False,
                                   help_text="稿件：s 原稿（报送单位所发）；e 科室稿（各级科室的收稿及改稿）")
    date_from = serializers.DateField(required=False, help_text="日期自（含），YYYY-MM-DD")
    date_to = serializers.DateField(required=False, help_text="日期至（含），YYYY-MM-DD")
    periodical = serializers.IntegerField(min_value=1, max_value=MAX_INT, required=False,
                                          help_text="刊物编号：只列出该刊物已印发、本人可阅读的期所刊用的信息")
    issue_year = serializers.IntegerField(min_value=2000, max_value=2100, required=False,
                                          help_text="刊期年份：只列出该年已印发、本人可阅读的期所刊用的信息（可与刊物同用）")
    order = serializers.ChoiceField(choices=[("newest", "最新在前"), ("relevance", "相关度")], default="newest",
                                    help_text="排序")
    page = serializers.IntegerField(min_value=1, max_value=10_000, default=1, help_text="页码（每页 20 条）")

    def validate_periodical(self, value: int) -> int:
        if value not in self.context["readable"]:
            raise serializers.ValidationError("刊物不存在。", code="does_not_exist")
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        start, end = attrs.get("date_from"), attrs.get("date_to")
        if start and end and start > end:
            raise serializers.ValidationError({"date_to": ["截止日期不能早于起始日期。"]})
        return attrs


class SearchIssueLinkSerializer(serializers.Serializer[Any]):
    issue_id = serializers.IntegerField(help_text="期的编号（/api/v1/issues/{id}/）")
    issue_label = serializers.CharField(source="label", help_text="如“《临江信息》2026年第12期”")
    url = serializers.CharField(help_text="页面地址")


class SearchIssueItemSerializer(serializers.Serializer[Any]):
    title_html = serializers.CharField(source="title", help_text="刊用标题：已转义的 HTML，只含 <mark>")
    source_label = serializers.CharField(source="source", help_text="来源署名")


class SearchIssueSerializer(serializers.Serializer[Any]):
    issue_id = serializers.IntegerField()
    issue_label = serializers.CharField(source="label", help_text="如“《临江信息》2026年第12期”")
    url = serializers.CharField(help_text="页面地址")
    date = serializers.DateField(allow_null=True, help_text="签发日期")
    classification_label = serializers.CharField()
    items = SearchIssueItemSerializer(many=True, help_text="本期中含检索词的信息（最多 3 条）")
    more_items = serializers.IntegerField(help_text="本期中另有几条含检索词的信息")
    snippet_html = serializers.CharField(source="snippet", help_text="摘要：已转义的 HTML，只含 <mark>")


class SearchHitSerializer(serializers.Serializer[Any]):
    doc_id = serializers.IntegerField()
    kind = serializers.CharField(help_text="s 原稿；e 科室稿")
    kind_label = serializers.CharField()
    title_html = serializers.CharField(source="title", help_text="标题：已转义的 HTML，只含标出检索词的 <mark>")
    snippet_html = serializers.CharField(source="snippet", help_text="正文摘要：已转义的 HTML，只含 <mark>")
    unit_name = serializers.CharField(help_text="报送单位")
    desk_name = serializers.CharField(help_text="科室（原稿为空）")
    date = serializers.DateTimeField()
    state_label = serializers.CharField()
    category_label = serializers.CharField()
    classification_label = serializers.CharField()
    url = serializers.CharField(help_text="页面地址（无权打开时为空）")
    issues = SearchIssueLinkSerializer(many=True, help_text="刊发于：刊用过这条信息、本人可阅读的已印发的期")


class SearchResultSerializer(serializers.Serializer[Any]):
    count = serializers.IntegerField(help_text="结果数（条信息：同一条信息的原稿和各科室稿只算一条）：1000 以内精确；"
                                     "更多时为 1000，且 more 为 true")
    count_label = serializers.CharField(help_text="显示用的结果数，如“37”或“1000+”")
    more = serializers.BooleanField(help_text="是否超过 1000 条")
    page = serializers.IntegerField()
    pages = serializers.IntegerField()
    terms = serializers.ListField(child=serializers.CharField(), help_text="检索词切分出的词")
    results = SearchHitSerializer(source="hits", many=True)
    issues = SearchIssueSerializer(many=True, help_text="期刊：刊用文字含有检索词、本人可阅读的已印发的期，最新的 10 期"
                                   "（只在第 1 页、有检索词且未按单位/科室/类别/基调/稿件/日期筛选时）")
    issue_count = serializers.IntegerField(help_text="找到的期数")
    issue_count_label = serializers.CharField(help_text="显示用的期数，如“3”或“120+”")
