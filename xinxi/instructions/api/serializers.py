"""Serializers of the instructions API: leader instructions, supervision tasks, handling reports.

Output serializers render rows the permission layer has already let through; input
serializers only parse types. Every business rule (who records, tasks, reports or
reviews; lengths; dates; states; file kinds) stays in ``xinxi.instructions.services``
so the pages and the API refuse the same things with the same Chinese messages. Text
is returned exactly as stored: clients must show it as text, never as HTML.

Choice values are rendered as plain strings or numbers next to their Chinese
``*_label``, as in the items API, so the schema's enum names stay unambiguous.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from xinxi.instructions.api.schema import LeaderLevelField
from xinxi.instructions.models import (
    AWAITING_UNIT,
    HandlingReport,
    Instruction,
    ReportAttachment,
    SupervisionTask,
    TaskEvent,
)
from xinxi.instructions.services import MAX_FILES
from xinxi.instructions.workflow import TRANSITIONS
from xinxi.items import permissions as item_permissions
from xinxi.items.models import DeskEntry
from xinxi.lib.choices import Classification
from xinxi.network.api.serializers import MAX_INT, VisibleRelatedField, visible_unit_field
from xinxi.publications import permissions as publication_permissions
from xinxi.publications.models import Issue

TASK_STATE_HELP = "open 待办理；reported 已报办理情况；returned 退回补充；accepted 已认可；closed 已办结"
REPORT_STATE_HELP = "submitted 待审核；accepted 已认可；returned 已退回"
CLASSIFICATION_HELP = "密级：0 公开，1 内部，2 秘密，3 机密"
EVENT_LABELS = {"create": "交办", **{key: t.label for key, t in TRANSITIONS.items()}, "extend": "调整办理期限"}


def _name(user: Any) -> str | None:
    return str(user) if user is not None else None


# --- instructions ---


class InstructionSerializer(serializers.ModelSerializer[Instruction]):
    desk_name = serializers.CharField(source="desk.name", read_only=True)
    target_label = serializers.CharField(read_only=True, help_text="批示的对象：信息标题或刊物期号")
    level = LeaderLevelField(active_only=False, source="level_id", read_only=True)
    level_label = serializers.CharField(source="level.name", read_only=True)
    classification = serializers.IntegerField(read_only=True, help_text=CLASSIFICATION_HELP)
    classification_label = serializers.CharField(source="get_classification_display", read_only=True)
    recorded_by_name = serializers.SerializerMethodField(help_text="录入人")

    class Meta:
        model = Instruction
        fields = [
            "id",
            "desk",
            "desk_name",
            "entry",
            "issue",
            "target_label",
            "leader_name",
            "leader_title",
            "level",
            "level_label",
            "text",
            "instructed_on",
            "classification",
            "classification_label",
            "recorded_by_name",
            "recorded_at",
        ]
        read_only_fields = fields

    def get_recorded_by_name(self, instruction: Instruction) -> str:
        return str(instruction.recorded_by)


class TaskSummarySerializer(serializers.ModelSerializer[SupervisionTask]):
    """A task as an instruction lists it."""

    unit_name = serializers.CharField(source="unit.name", read_only=True)
    state = serializers.CharField(read_only=True, help_text=TASK_STATE_HELP)
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    overdue = serializers.SerializerMethodField(help_text="是否已逾期（承办单位尚未报送，且已过办理期限）")

    class Meta:
        model = SupervisionTask
        fields = ["id", "unit", "unit_name", "due_on", "state", "state_label", "overdue", "version"]
        read_only_fields = fields

    def get_overdue(self, task: SupervisionTask) -> bool:
        return task.state in AWAITING_UNIT and task.due_on < timezone.localdate()


class InstructionDetailSerializer(InstructionSerializer):
    tasks = TaskSummarySerializer(many=True, read_only=True, help_text="本人可见的督办事项（按办理期限）")
    can_supervise = serializers.SerializerMethodField(help_text="当前用户能否据此批示交办督办事项")

    class Meta(InstructionSerializer.Meta):
        fields = [*InstructionSerializer.Meta.fields, "tasks", "can_supervise"]
        read_only_fields = fields

    def get_can_supervise(self, instruction: Instruction) -> bool:
        return bool(self.context.get("can_supervise", False))  # given by the view, from permissions


class InstructionCreateSerializer(serializers.Serializer[Instruction]):
    # Types only; "one of entry or issue", lengths, dates, level and clearance are the service's.

    entry = VisibleRelatedField(
        queryset=DeskEntry.objects.all(),
        visible=item_permissions.visible_entries,
        missing="信息不存在。",
        allow_null=True,
        default=None,
        help_text="批示的收稿编号（本科室的收稿）；与 issue 二选一",
    )
    issue = VisibleRelatedField(
        queryset=Issue.objects.all(),
        visible=publication_permissions.visible_issues,
        missing="刊物期不存在。",
        allow_null=True,
        default=None,
        help_text="批示的刊物期编号（本科室已印发的期）；与 entry 二选一",
    )
    leader_name = serializers.CharField(allow_blank=True, max_length=200, help_text="批示领导姓名（不超过 50 字）")
    leader_title = serializers.CharField(allow_blank=True, max_length=200, help_text="职务，如：市委书记、副省长")
    level = LeaderLevelField(active_only=True, error_messages={"invalid_choice": "请选择批示领导的层级。"})
    text = serializers.CharField(allow_blank=True, trim_whitespace=False, help_text="批示内容（不超过 2000 字）")
    instructed_on = serializers.DateField(help_text="批示日期（不晚于今天），YYYY-MM-DD")
    classification = serializers.ChoiceField(
        choices=Classification.choices,
        allow_null=True,
        default=None,
        help_text=f"{CLASSIFICATION_HELP}；省略时同所批示的信息或刊物，不能低于它，也不能高于本人涉密等级",
    )



# --- supervision tasks ---


class TasksCreateSerializer(serializers.Serializer[SupervisionTask]):
    units = visible_unit_field(
        "单位不存在。", many=True, help_text="承办单位编号（本科室所在单位的下级单位，可多个，每个单位一项督办事项）"
    )
    due_on = serializers.DateField(help_text="办理期限（不早于今天），YYYY-MM-DD")
    requirement = serializers.CharField(
        allow_blank=True, trim_whitespace=False, default="", help_text="督办要求（可选，不超过 2000 字）"
    )


class TaskSerializer(serializers.ModelSerializer[SupervisionTask]):
    instruction_label = serializers.CharField(source="instruction.__str__", read_only=True, help_text="批示")
    leader = serializers.SerializerMethodField(help_text="批示领导（职务和姓名）")
    desk = serializers.IntegerField(source="instruction.desk_id", read_only=True, help_text="交办的信息科室")
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    state = serializers.CharField(read_only=True, help_text=TASK_STATE_HELP)
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    overdue = serializers.SerializerMethodField(help_text="是否已逾期（承办单位尚未报送，且已过办理期限）")
    reported_late = serializers.BooleanField(read_only=True, help_text="首次报送办理情况是否晚于办理期限")
    classification = serializers.IntegerField(
        source="instruction.classification", read_only=True, help_text=CLASSIFICATION_HELP
    )
    created_by_name = serializers.SerializerMethodField(help_text="交办人")

    class Meta:
        model = SupervisionTask
        fields = [
            "id",
            "instruction",
            "instruction_label",
            "leader",
            "desk",
            "unit",
            "unit_name",
            "requirement",
            "due_on",
            "state",
            "state_label",
            "overdue",
            "first_reported_at",
            "reported_late",
            "closed_at",
            "classification",
            "created_by_name",
            "created_at",
            "version",
        ]
        read_only_fields = fields

    def get_leader(self, task: SupervisionTask) -> str:
        return f"{task.instruction.leader_title}{task.instruction.leader_name}"

    def get_overdue(self, task: SupervisionTask) -> bool:
        return task.state in AWAITING_UNIT and task.due_on < timezone.localdate()

    def get_created_by_name(self, task: SupervisionTask) -> str:
        return str(task.created_by)


class TaskEventSerializer(serializers.ModelSerializer[TaskEvent]):
    action_label = serializers.SerializerMethodField()
    from_state = serializers.CharField(read_only=True, help_text=f"原状态（交办时为空）：{TASK_STATE_HELP}")
    to_state = serializers.CharField(read_only=True, help_text="新状态")
    actor_name = serializers.SerializerMethodField()

    class Meta:
        model = TaskEvent
        fields = ["id", "at", "action", "action_label", "from_state", "to_state", "reason", "actor_name"]
        read_only_fields = fields

    def get_action_label(self, event: TaskEvent) -> str:
        return EVENT_LABELS.get(event.action, event.action)

    def get_actor_name(self, event: TaskEvent) -> str:
        return str(event.actor)


class ReportAttachmentSerializer(serializers.ModelSerializer[ReportAttachment]):
    url = serializers.SerializerMethodField(help_text="下载地址（本 API 的相对路径）")

    class Meta:
        model = ReportAttachment
        fields = ["id", "name", "size", "content_type", "url"]
        read_only_fields = fields

    def get_url(self, attachment: ReportAttachment) -> str:
        report = attachment.report
        return reverse(
            "supervision-task-attachment",
            kwargs={"pk": report.task_id, "report_id": report.pk, "attachment_id": attachment.pk},
        )


class HandlingReportSerializer(serializers.ModelSerializer[HandlingReport]):
    state = serializers.CharField(read_only=True, help_text=REPORT_STATE_HELP)
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    submitted_by_name = serializers.SerializerMethodField()
    reviewed_by_name = serializers.SerializerMethodField(help_text="审核人（未审核为空）")
    attachments = ReportAttachmentSerializer(many=True, read_only=True)

    class Meta:
        model = HandlingReport
        fields = [
            "id",
            "task",
            "text",
            "state",
            "state_label",
            "submitted_by_name",
            "submitted_at",
            "review_note",
            "reviewed_by_name",
            "reviewed_at",
            "attachments",
        ]
        read_only_fields = fields

    def get_submitted_by_name(self, report: HandlingReport) -> str:
        return str(report.submitted_by)

    def get_reviewed_by_name(self, report: HandlingReport) -> str | None:
        return _name(report.reviewed_by)


class TaskDetailSerializer(TaskSerializer):
    instruction_detail = InstructionSerializer(source="instruction", read_only=True, help_text="批示")
    events = TaskEventSerializer(many=True, read_only=True, help_text="流转记录，最早的在前")
    reports = HandlingReportSerializer(many=True, read_only=True, help_text="办理情况，最早的在前")
    allowed_actions = serializers.SerializerMethodField(
        help_text="当前用户现在可做的操作：report 报送办理情况；accept 认可；return 退回补充；"
        "close 办结；extend 调整期限"
    )

    class Meta(TaskSerializer.Meta):
        fields = [*TaskSerializer.Meta.fields, "instruction_detail", "events", "reports", "allowed_actions"]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_allowed_actions(self, task: SupervisionTask) -> list[str]:
        return list(self.context.get("allowed_actions", []))  # given by the view, from permissions and workflow


class ReportCreateSerializer(serializers.Serializer[HandlingReport]):
    text = serializers.CharField(allow_blank=True, trim_whitespace=False, help_text="办理情况（不超过 10000 字）")
    files = serializers.ListField(
        child=serializers.FileField(),
        default=list,
        help_text=f"附件（可多个，同名字段重复）：DOCX、PDF、JPG 或 PNG，按内容识别类型；每次最多 {MAX_FILES} 个",
    )
    version = serializers.IntegerField(
        min_value=1, max_value=MAX_INT, required=False, help_text="读取时的版本号（可选）；给出且已过期时返回 409"
    )


class TaskNoteSerializer(serializers.Serializer[Any]):
    note = serializers.CharField(allow_blank=True, max_length=2000, default="", help_text="意见（可选）")
    version = serializers.IntegerField(
        min_value=1, max_value=MAX_INT, required=False, help_text="读取时的版本号（可选）；给出且已过期时返回 409"
    )


class TaskReturnSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField(allow_blank=True, trim_whitespace=False, help_text="退回理由（必填）")
    version = serializers.IntegerField(
        min_value=1, max_value=MAX_INT, required=False, help_text="读取时的版本号（可选）；给出且已过期时返回 409"
    )


class TaskExtendSerializer(serializers.Serializer[Any]):
    due_on = serializers.DateField(help_text="新的办理期限（不早于今天），YYYY-MM-DD")
    reason = serializers.CharField(allow_blank=True, trim_whitespace=False, help_text="调整理由（必填）")
    version = serializers.IntegerField(
        min_value=1, max_value=MAX_INT, help_text="读取时的版本号（必填）；已被他人修改时返回 409，期限不变"
    )
