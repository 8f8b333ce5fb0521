"""Serializers of the periodicals API.

Output serializers render rows the permission layer has already let through; input
serializers only parse types. Every business rule (who composes or signs, states,
numbering, lengths of titles, columns of another periodical) stays in
``xinxi.publications.services`` so the pages and the API refuse the same things with
the same Chinese messages. Text is returned exactly as stored: clients show it as text.

Choice values are rendered as plain strings or numbers next to their Chinese
``*_label``, as in the items API, so the schema's enum names stay unambiguous.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from xinxi.items import permissions as item_permissions
from xinxi.items.models import AdoptionKind, DeskEntry
from xinxi.lib.api_history import StateEventSerializer
from xinxi.lib.choices import Classification, Urgency
from xinxi.network.api.serializers import MAX_INT, VisibleRelatedField, visible_unit_field
from xinxi.publications import permissions
from xinxi.publications.forms import MAX_COPIES
from xinxi.publications.models import Column, Frequency, Issue, IssueItem, IssueRead, IssueState, Periodical
from xinxi.publications.views import number_line

MAX_ADD = 200  # entries added in one request
TEXT_MAX = 2000  # 报/送/发 and 编者按, as on the pages' forms
ISSUE_STATE_HELP = "draft 编辑中；pending 待签发；issued 已印发"
KIND_HELP = "full 单独/全文采用；combined 综合采用；brief 摘编/简讯"


def _text(help_text: str, max_length: int = TEXT_MAX) -> serializers.CharField:
    return serializers.CharField(allow_blank=True, max_length=max_length, required=False, help_text=help_text)


# --- periodicals ---


class ColumnSerializer(serializers.ModelSerializer[Column]):
    class Meta:
        model = Column
        fields = ["id", "name", "sort_order"]
        read_only_fields = fields


class PeriodicalSerializer(serializers.ModelSerializer[Periodical]):
    desk_name = serializers.CharField(source="desk.name", read_only=True)
    frequency = serializers.CharField(
        read_only=True, help_text="daily 每日；weekly 每周若干期；monthly 每月若干期；as_needed 不定期"
    )
    frequency_label = serializers.CharField(source="get_frequency_display", read_only=True)
    default_classification = serializers.IntegerField(
        read_only=True, help_text="默认密级：0 公开，1 内部，2 秘密，3 机密"
    )
    default_classification_label = serializers.CharField(source="get_default_classification_display", read_only=True)
    default_urgency = serializers.IntegerField(read_only=True, help_text="默认紧急程度：0 平急，1 加急，2 特急")
    default_urgency_label = serializers.CharField(source="get_default_urgency_display", read_only=True)
    columns = ColumnSerializer(many=True, read_only=True, help_text="栏目，按刊出顺序")
    readers = serializers.SerializerMethodField(help_text="可在线阅读已印发期的单位编号")

    class Meta:
        model = Periodical
        fields = [
            "id",
            "desk",
            "desk_name",
            "name",
            "frequency",
            "frequency_label",
            "per_period",
            "running_total",
            "total_offset",
            "default_classification",
            "default_classification_label",
            "default_urgency",
            "default_urgency_label",
            "default_to_leaders",
            "default_to_units",
            "default_distribute",
            "default_copies",
            "active",
            "columns",
            "readers",
        ]
        read_only_fields = fields

    def get_readers(self, periodical: Periodical) -> list[int]:
        return sorted(unit.pk for unit in periodical.readers.all())  # prefetched


class PeriodicalWriteSerializer(serializers.Serializer[Periodical]):
    # Types only; the name's emptiness and uniqueness, column lengths and who may save are the service's.

    name = serializers.CharField(max_length=50, help_text="刊物名称，不含书名号，如：临江信息")
    frequency = serializers.ChoiceField(choices=Frequency.choices, required=False, help_text="出刊频次")
    per_period = serializers.IntegerField(min_value=0, max_value=32767, required=False, help_text="每周期期数")
    running_total = serializers.BooleanField(required=False, help_text="是否显示总期号（总第N期）")
    total_offset = serializers.IntegerField(
        min_value=0, max_value=MAX_INT, required=False, help_text="启用系统前的总期数"
    )
    default_classification = serializers.ChoiceField(
        choices=Classification.choices, required=False, help_text="默认密级：0 公开，1 内部，2 秘密，3 机密"
    )
    default_urgency = serializers.ChoiceField(
        choices=Urgency.choices, required=False, help_text="默认紧急程度：0 平急，1 加急，2 特急"
    )
    default_to_leaders = _text("默认“报”送范围")
    default_to_units = _text("默认“送”范围")
    default_distribute = _text("默认“发”范围")
    default_copies = serializers.IntegerField(
        min_value=0, max_value=MAX_COPIES, required=False, help_text="默认印数（份）"
    )
    active = serializers.BooleanField(required=False, help_text="是否在用（停刊后不能新建期）")
    columns = serializers.ListField(
        child=serializers.CharField(max_length=100, allow_blank=True),
        required=False,
        max_length=100,
        help_text="栏目名称，按刊出顺序；修改时给出完整列表，已用于已印发期的栏目不能删除；省略则不变",
    )
    readers = visible_unit_field(
        "单位不存在。", many=True, required=False, help_text="可在线阅读已印发期的单位编号（完整列表）；省略则不变"
    )


# --- issues ---


class IssueSerializer(serializers.ModelSerializer[Issue]):
    periodical_name = serializers.CharField(source="periodical.name", read_only=True)
    label = serializers.CharField(read_only=True, help_text="期号，如“2026年第12期”；签发前为“（未编号）”")  # type: ignore[assignment]
    number_line = serializers.SerializerMethodField(help_text="期号行，如“2026年第12期（总第418期）”")
    state = serializers.CharField(read_only=True, help_text=ISSUE_STATE_HELP)
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    classification = serializers.IntegerField(read_only=True, help_text="密级：0 公开，1 内部，2 秘密，3 机密")
    classification_label = serializers.CharField(source="get_classification_display", read_only=True)
    urgency = serializers.IntegerField(read_only=True, help_text="紧急程度：0 平急，1 加急，2 特急")
    urgency_label = serializers.CharField(source="get_urgency_display", read_only=True)
    editor_name = serializers.SerializerMethodField(help_text="编辑")
    signer_name = serializers.SerializerMethodField(help_text="签发人（签发前为空）")
    item_count = serializers.SerializerMethodField(help_text="本期信息条数")

    class Meta:
        model = Issue
        fields = [
            "id",
            "periodical",
            "periodical_name",
            "supplement",
            "year",
            "number",
            "total_number",
            "label",
            "number_line",
            "state",
            "state_label",
            "classification",
            "classification_label",
            "urgency",
            "urgency_label",
            "editor",
            "editor_name",
            "signer",
            "signer_name",
            "signed_on",
            "corrects",
            "item_count",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_number_line(self, issue: Issue) -> str:
        return number_line(issue)

    def get_editor_name(self, issue: Issue) -> str:
        return str(issue.editor)

    def get_signer_name(self, issue: Issue) -> str | None:
        return str(issue.signer) if issue.signer is not None else None

    def get_item_count(self, issue: Issue) -> int:
        count = getattr(issue, "n_items", None)  # annotated in lists
        return int(count) if count is not None else len(issue.items.all())


class IssueItemSerializer(serializers.ModelSerializer[IssueItem]):
    column_name = serializers.CharField(source="column.name", read_only=True, allow_null=True)
    kind = serializers.CharField(read_only=True, help_text=KIND_HELP)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = IssueItem
        fields = [
            "id",
            "entry",
            "sort_order",
            "column",
            "column_name",
            "title",
            "body",
            "source_label",
            "editor_note",
            "kind",
            "kind_label",
        ]
        read_only_fields = fields


class IssueDetailSerializer(IssueSerializer):
    items = IssueItemSerializer(many=True, read_only=True, help_text="本期信息，按刊出顺序")
    corrections = serializers.SerializerMethodField(help_text="更正本期的期（本人可见的）")
    read_count = serializers.SerializerMethodField(help_text="在线阅读过本期的人数（只对本刊科室人员给出，其他人为空）")
    can_compose = serializers.SerializerMethodField(help_text="当前用户能否编辑本刊的期（编辑、科长）")
    can_sign = serializers.SerializerMethodField(help_text="当前用户能否签发本刊的期（科长）")
    history = serializers.SerializerMethodField(help_text="流转记录（送签、退回、签发），早在前；只对本刊科室人员给出")

    class Meta(IssueSerializer.Meta):
        fields = [
            *IssueSerializer.Meta.fields,
            "editor_note",
            "to_leaders",
            "to_units",
            "distribute",
            "copies",
            "items",
            "corrections",
            "read_count",
            "can_compose",
            "can_sign",
            "history",
        ]
        read_only_fields = fields

    def get_corrections(self, issue: Issue) -> list[int]:
        return list(self.context.get("corrections", []))  # given by the view, from visible_issues

    def get_read_count(self, issue: Issue) -> int | None:
        count = self.context.get("read_count")
        return int(count) if count is not None else None

    def get_can_compose(self, issue: Issue) -> bool:
        return bool(self.context.get("can_compose", False))

    def get_can_sign(self, issue: Issue) -> bool:
        return bool(self.context.get("can_sign", False))

    @extend_schema_field(StateEventSerializer(many=True))
    def get_history(self, issue: Issue) -> Any:
        return StateEventSerializer(self.context.get("history", []), many=True).data


class IssueCreateSerializer(serializers.Serializer[Issue]):
    periodical = VisibleRelatedField(
        queryset=Periodical.objects.all(),
        visible=permissions.desk_periodicals,
        missing="刊物不存在。",
        help_text="本科室刊物的编号",
    )
    supplement = serializers.BooleanField(default=False, help_text="是否增刊（增刊单独编号）")
    corrects = VisibleRelatedField(
        queryset=Issue.objects.all(),
        visible=permissions.visible_issues,
        missing="要更正的期不存在。",
        allow_null=True,
        default=None,
        help_text="更正期：被更正的已印发期的编号（须为同一刊物）",
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        # As the page's 编发更正期 button: only an issued issue is corrected, in its own periodical.
        corrects: Issue | None = attrs.get("corrects")
        if corrects is not None and corrects.state != IssueState.ISSUED:
            raise serializers.ValidationError({"corrects": ["只有已印发的期才能编发更正期。"]})
        if corrects is not None and corrects.periodical_id != attrs["periodical"].pk:
            raise serializers.ValidationError({"corrects": ["更正期须与被更正的期属于同一刊物。"]})
        return attrs


class IssueUpdateSerializer(serializers.Serializer[Issue]):
    classification = serializers.ChoiceField(
        choices=Classification.choices,
        required=False,
        help_text="密级：0 公开，1 内部，2 秘密，3 机密（不能低于所刊信息的最高密级）",
    )
    urgency = serializers.ChoiceField(
        choices=Urgency.choices, required=False, help_text="紧急程度：0 平急，1 加急，2 特急"
    )
    editor_note = _text("编者按（本期）")
    to_leaders = _text("报")
    to_units = _text("送")
    distribute = _text("发")
    copies = serializers.IntegerField(min_value=1, max_value=MAX_COPIES, required=False, help_text="印数（份）")
    version = serializers.IntegerField(
        min_value=1, max_value=MAX_INT, help_text="读取时的版本号；已被他人修改时返回 409"
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if "version" not in attrs:  # PATCH leaves every other field optional, never this one
            raise serializers.ValidationError({"version": ["请提供版本号（version），以免覆盖他人的修改。"]})
        return attrs


class AddEntriesSerializer(serializers.Serializer[Any]):
    entries = VisibleRelatedField(
        queryset=DeskEntry.objects.all(),
        visible=item_permissions.desk_entries,
        missing="信息不存在。",
        many=True,
        allow_empty=False,
        help_text=f"本科室收稿的编号（一次最多 {MAX_ADD} 条），按给出的顺序排在本期末尾",
    )
    kind = serializers.ChoiceField(
        choices=AdoptionKind.choices, default=AdoptionKind.FULL, help_text="采用方式（每条可再单独修改）"
    )

    def to_internal_value(self, data: Any) -> dict[str, Any]:
        # Checked before the ids are looked up one by one.
        raw = data.get("entries") if hasattr(data, "get") else None
        if isinstance(raw, list) and len(raw) > MAX_ADD:
            raise serializers.ValidationError({"entries": [f"一次最多编入 {MAX_ADD} 条信息。"]})
        return dict(super().to_internal_value(data))


def _desk_columns(user: Any) -> QuerySet[Column]:
    return Column.objects.filter(periodical__in=permissions.desk_periodicals(user))


class IssueItemUpdateSerializer(serializers.Serializer[IssueItem]):
    # Omitted fields keep their value; title and body rules are the service's (as for a submission).

    title = serializers.CharField(allow_blank=True, trim_whitespace=False, required=False, help_text="刊用标题")
    body = serializers.CharField(allow_blank=True, trim_whitespace=False, required=False, help_text="刊用正文")
    editor_note = _text("编者按（本条）")
    kind = serializers.ChoiceField(choices=AdoptionKind.choices, required=False, help_text="采用方式")
    column = VisibleRelatedField(
        queryset=Column.objects.all(),
        visible=_desk_columns,
        missing="栏目不存在。",
        allow_null=True,
        required=False,
        help_text="本刊栏目的编号；为空表示不设栏目",
    )


class MoveSerializer(serializers.Serializer[Any]):
    direction = serializers.ChoiceField(
        choices=[("up", "上移"), ("down", "下移")], help_text="up 上移一位；down 下移一位"
    )


class ReturnReasonSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField(allow_blank=True, max_length=300, help_text="退回理由（必填）")


class IssueReadSerializer(serializers.ModelSerializer[IssueRead]):
    user_name = serializers.SerializerMethodField()
    unit_name = serializers.CharField(source="user.unit.name", read_only=True, allow_null=True)

    class Meta:
        model = IssueRead
        fields = ["user", "user_name", "unit_name", "first_at", "last_at", "times"]
        read_only_fields = fields

    def get_user_name(self, read: IssueRead) -> str:
        return str(read.user)
