"""API views of leader instructions (批示) and supervision (督办).

Parse the request, call the service, render. Every queryset starts from
``xinxi.instructions.permissions``: an instruction or task of another desk or unit, or
one above the user's clearance, answers 404 exactly like a missing one and is absent
from lists and counts. A service's refusal for lack of rights on a visible record is
403 (a desk editor filing the unit's handling report, a leader tasking units), its
other refusals 400 with the Chinese message (a future date, a file that is not what
its name says), a stale ``version`` 409.
"""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from xinxi.accounts.models import User
from xinxi.instructions import permissions, services, workflow
from xinxi.instructions.api.filters import InstructionFilter, TaskFilter
from xinxi.instructions.api.serializers import (
    HandlingReportSerializer,
    InstructionCreateSerializer,
    InstructionDetailSerializer,
    InstructionSerializer,
    ReportCreateSerializer,
    TaskDetailSerializer,
    TaskExtendSerializer,
    TaskNoteSerializer,
    TaskReturnSerializer,
    TasksCreateSerializer,
    TaskSerializer,
)
from xinxi.instructions.models import (
    HandlingReport,
    Instruction,
    ReportAttachment,
    SupervisionTask,
    TaskEvent,
    TaskState,
)
from xinxi.items.attachments import ALLOWED
from xinxi.lib.api_views import AnyAccept, ServiceViewSet, acting_user, documented

ATTACHMENT_PATH = r"reports/(?P<report_id>[0-9]{1,18})/attachments/(?P<attachment_id>[0-9]{1,18})"
ATTACHMENT_FILE = OpenApiResponse(OpenApiTypes.BINARY, "附件文件（作为附件下载，文件名为上传时的文件名）。")
VERSION_409 = "version 过期（他人已处理）时返回 409，什么也不改变。"


def _path_id(name: str, description: str) -> OpenApiParameter:
    return OpenApiParameter(name, OpenApiTypes.INT, OpenApiParameter.PATH, description=description)


# --- instructions ---


@extend_schema_view(
    list=extend_schema(
        summary="可见的领导批示",
        description="信息科室人员：本科室录入的批示；单位的信息员、签发人：对本单位信息（及刊载它的已印发期）的批示，"
        "和交办给本单位的批示。高于本人涉密等级的不列出、不计数。按批示日期从新到旧。",
        responses=documented({200: InstructionSerializer(many=True)}, 400),
    ),
)
class InstructionViewSet(mixins.ListModelMixin, ServiceViewSet[Instruction]):
    filterset_class = InstructionFilter

    def get_queryset(self) -> QuerySet[Instruction]:
        rows = permissions.visible_instructions(self.request.user).select_related(
            "desk", "entry", "issue__periodical", "recorded_by", "level"
        )
        if self.action == "list":
            return rows
        tasks = permissions.visible_tasks(self.request.user).select_related("unit")
        return rows.prefetch_related(Prefetch("tasks", queryset=tasks))

    def get_serializer_class(self) -> type[InstructionSerializer]:
        return InstructionSerializer if self.action == "list" else InstructionDetailSerializer

    def _render(self, instruction: Instruction, code: int = status.HTTP_200_OK) -> Response:
        context = {"can_supervise": permissions.can_supervise(acting_user(self.request), instruction)}
        return Response(InstructionDetailSerializer(instruction, context=context).data, status=code)

    @extend_schema(
        summary="批示详情（含督办事项）",
        description="督办事项只列本人可见的：科室人员见全部，承办单位见本单位的。秘密及以上的批示每次读取都记入审计日志。",
        responses=documented({200: InstructionDetailSerializer}, 404),
    )
    def retrieve(self, request: Request, pk: str | None = None) -> Response:
        user = acting_user(request)
        instruction = permissions.instruction_for_reading(user, pk, what="api", rows=self.get_queryset())
        return self._render(instruction)

    @extend_schema(
        summary="录入领导批示（编辑、科长、领导）",
        description="批示录入在本科室的一条收稿（entry）或本科室刊物已印发的一期（issue）上，二者给出其一；"
        "本人看不到的编号与不存在的一样答 400。密级不低于所批示的信息或刊物。"
        "报送单位（综合信息为各来源单位）的信息员、签发人会收到通知。",
        request=InstructionCreateSerializer,
        responses=documented({201: InstructionDetailSerializer}, 400),
    )
    def create(self, request: Request) -> Response:
        instruction = services.instruction_record(actor=acting_user(request), **self.parse(InstructionCreateSerializer))
        return self._render(self.get_queryset().get(pk=instruction.pk), status.HTTP_201_CREATED)

    @extend_schema(
        summary="交办督办事项（编辑、科长）",
        description="每个承办单位一项督办事项，同一批示不能重复交办给同一单位；承办单位须在本科室所在单位之下且在用。"
        "承办单位的信息员、签发人会收到通知。",
        request=TasksCreateSerializer,
        responses=documented({201: TaskSerializer(many=True)}, 400, 404),
    )
    @action(detail=True, methods=["post"], pagination_class=None, filter_backends=[])
    def tasks(self, request: Request, pk: str | None = None) -> Response:
        instruction = self.get_object()
        data = self.parse(TasksCreateSerializer)
        units = list(dict.fromkeys(data["units"]))
        created = services.tasks_create(
            actor=acting_user(request),
            instruction=instruction,
            units=units,
            due_on=data["due_on"],
            requirement=data["requirement"],
        )
        rows = _task_rows(SupervisionTask.objects.filter(pk__in=[t.pk for t in created]))
        return Response(TaskSerializer(rows, many=True).data, status=status.HTTP_201_CREATED)


# --- supervision tasks ---


def _task_rows(rows: QuerySet[SupervisionTask]) -> QuerySet[SupervisionTask]:
    return rows.select_related("instruction", "unit", "created_by")


def allowed_actions(user: User, task: SupervisionTask) -> list[str]:
    """What the user may do with the task now: the workflow's table and the permissions functions."""
    actions = ["report"] if permissions.can_report(user, task) else []
    if permissions.can_review(user, task):
        actions += [name for name in ("accept", "return", "close") if workflow.allowed(name, task.state)]
        if task.state != TaskState.CLOSED:
            actions.append("extend")
    return actions


@extend_schema_view(
    list=extend_schema(
        summary="可见的督办事项",
        description="信息科室人员：本科室交办的；单位的人员：交办给本单位的。高于本人涉密等级的不列出、不计数。"
        "按办理期限从早到晚。",
        responses=documented({200: TaskSerializer(many=True)}, 400),
    ),
)
class SupervisionTaskViewSet(mixins.ListModelMixin, ServiceViewSet[SupervisionTask]):
    filterset_class = TaskFilter

    def get_queryset(self) -> QuerySet[SupervisionTask]:
        rows = _task_rows(permissions.visible_tasks(self.request.user))
        if self.action == "list":
            return rows
        reports = HandlingReport.objects.select_related("submitted_by", "reviewed_by").prefetch_related("attachments")
        return rows.select_related(
            "instruction__desk", "instruction__entry", "instruction__issue__periodical", "instruction__recorded_by"
        ).prefetch_related(
            Prefetch("events", queryset=TaskEvent.objects.select_related("actor")),
            Prefetch("reports", queryset=reports),
        )

    def get_serializer_class(self) -> type[TaskSerializer]:
        return TaskSerializer if self.action == "list" else TaskDetailSerializer

    def _render(self, task: SupervisionTask, code: int = status.HTTP_200_OK) -> Response:
        context = {"allowed_actions": allowed_actions(acting_user(self.request), task)}
        return Response(TaskDetailSerializer(task, context=context).data, status=code)

    def _detail(self, task: SupervisionTask, code: int = status.HTTP_200_OK) -> Response:
        return self._render(self.get_queryset().get(pk=task.pk), code)

    @extend_schema(
        summary="督办事项详情（含流转记录、办理情况和附件）",
        description="allowed_actions 列出当前用户现在可做的操作。秘密及以上的督办事项每次读取都记入审计日志。",
        responses=documented({200: TaskDetailSerializer}, 404),
    )
    def retrieve(self, request: Request, pk: str | None = None) -> Response:
        task = permissions.task_for_reading(acting_user(request), pk, what="api", rows=self.get_queryset())
        return self._render(task)

    @extend_schema(
        summary="报送办理情况（承办单位的信息员、签发人）",
        description="multipart/form-data：text 为办理情况，files 为附件（可重复）。待办理或退回补充时可报送；"
        "任何一个附件不合格时整次报送不保存。交办人会收到通知。" + VERSION_409,
        request={"multipart/form-data": ReportCreateSerializer},
        responses=documented({201: HandlingReportSerializer}, 400, 404, 409),
    )
    @action(
        detail=True,
        methods=["post"],
        parser_classes=[MultiPartParser, FormParser],
        pagination_class=None,
        filter_backends=[],
    )
    def reports(self, request: Request, pk: str | None = None) -> Response:
        task = self.get_object()
        data = self.parse(ReportCreateSerializer)
        report = services.report_submit(
            actor=acting_user(request), task=task, text=data["text"], files=data["files"], version=data.get("version")
        )
        fresh = HandlingReport.objects.select_related("submitted_by", "reviewed_by").get(pk=report.pk)
        return Response(HandlingReportSerializer(fresh).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="认可办理情况（编辑、科长）",
        description="认可最新一份待审核的办理情况；承办单位会收到通知。" + VERSION_409,
        request=TaskNoteSerializer,
        responses=documented({200: TaskDetailSerializer}, 400, 404, 409),
    )
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk: str | None = None) -> Response:
        task = self.get_object()
        data = self.parse(TaskNoteSerializer)
        services.report_accept(actor=acting_user(request), task=task, note=data["note"], version=data.get("version"))
        return self._detail(task)

    @extend_schema(
        summary="退回补充（编辑、科长）",
        description="须写明理由；承办单位补充后重新报送。" + VERSION_409,
        request=TaskReturnSerializer,
        responses=documented({200: TaskDetailSerializer}, 400, 404, 409),
    )
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_(self, request: Request, pk: str | None = None) -> Response:
        task = self.get_object()
        data = self.parse(TaskReturnSerializer)
        services.report_return(
            actor=acting_user(request), task=task, reason=data["reason"], version=data.get("version")
        )
        return self._detail(task)

    @extend_schema(
        summary="办结（编辑、科长）",
        description="办理情况已认可的督办事项才能办结；承办单位和被批示信息的报送单位会收到通知。" + VERSION_409,
        request=TaskNoteSerializer,
        responses=documented({200: TaskDetailSerializer}, 400, 404, 409),
    )
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: str | None = None) -> Response:
        task = self.get_object()
        data = self.parse(TaskNoteSerializer)
        services.task_close(actor=acting_user(request), task=task, note=data["note"], version=data.get("version"))
        return self._detail(task)

    @extend_schema(
        summary="调整办理期限（编辑、科长）",
        description="未办结的督办事项可调整期限，须写明理由；提醒按新期限重新计算。"
        "version 必填，过期（他人已处理）时返回 409，期限不变。",
        request=TaskExtendSerializer,
        responses=documented({200: TaskDetailSerializer}, 400, 404, 409),
    )
    @action(detail=True, methods=["post"])
    def extend(self, request: Request, pk: str | None = None) -> Response:
        task = self.get_object()
        data = self.parse(TaskExtendSerializer)
        services.task_extend(
            actor=acting_user(request), task=task, due_on=data["due_on"], reason=data["reason"], version=data["version"]
        )
        return self._detail(task)

    @extend_schema(
        summary="下载办理情况的附件",
        description="能看到该督办事项的人都可下载；看不到的与不存在的一样答 404。"
        "秘密及以上的督办事项每次下载都记入审计日志。",
        parameters=[_path_id("report_id", "办理情况编号"), _path_id("attachment_id", "附件编号")],
        responses={**{(200, kind): ATTACHMENT_FILE for kind in sorted(set(ALLOWED.values()))}, **documented({}, 404)},
    )
    @action(
        detail=True,
        methods=["get"],
        url_path=ATTACHMENT_PATH,
        url_name="attachment",
        filter_backends=[],
        pagination_class=None,
        content_negotiation_class=AnyAccept,
    )
    def attachment(
        self, request: Request, pk: str | None = None, report_id: str = "", attachment_id: str = ""
    ) -> FileResponse:
        user = acting_user(request)
        task = permissions.task_for_reading(user, pk, what=f"attachment #{attachment_id}", rows=self.get_queryset())
        attachment = get_object_or_404(
            ReportAttachment.objects.select_related("report"),
            report__task=task,
            report_id=int(report_id),
            pk=int(attachment_id),
        )
        try:
            handle = attachment.file.open("rb")
        except OSError:
            raise Http404("附件文件已丢失，请联系系统管理员。") from None
        return FileResponse(handle, as_attachment=True, filename=attachment.name, content_type=attachment.content_type)
