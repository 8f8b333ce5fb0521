"""The API of 报送要点 and 调研, through the same selectors and services as the pages.

- ``/api/v1/priorities/`` (list, create a draft, retrieve), ``{id}/publish/`` (the desk chief),
  ``{id}/coverage/`` (the desk's staff), ``tag/`` (a unit's reporter tags an item).
- ``/api/v1/research/topics/`` (list, create) and ``/api/v1/research/quota/`` (the desk's staff).
A list another desk keeps (or a draft, for a unit) is 404; a rule refusal (already published,
a topic not in force for the item's unit, not the chief) is 409 with its Chinese message.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.urls import URLPattern, path
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from xinxi.assignments import selectors_priorities as selectors
from xinxi.assignments import services_priorities as services
from xinxi.assignments.models.priorities import PriorityList, PriorityPeriod, PriorityTopic
from xinxi.assignments.models.research import ResearchPeriod, ResearchTopic
from xinxi.items.models import Item
from xinxi.items.permissions import visible_items
from xinxi.lib.api_filters import QuerySerializer
from xinxi.lib.api_views import ServiceViewSet, acting_user, documented
from xinxi.network.api.serializers import MAX_INT, VisibleRelatedField


class TopicSerializer(serializers.ModelSerializer[PriorityTopic]):
    class Meta:
        model = PriorityTopic
        fields = ["id", "number", "title", "description", "keywords"]
        read_only_fields = fields


class PriorityListSerializer(serializers.ModelSerializer[PriorityList]):
    desk_name = serializers.CharField(source="desk.name", read_only=True)
    period = serializers.CharField(read_only=True, help_text="quarter 季度（报送要点）；month 月度（采编要目）")
    state = serializers.CharField(read_only=True, help_text="draft 草稿；published 已印发")
    doc_number = serializers.CharField(read_only=True, help_text="文号（印发后给出，草稿为空）")
    topics = TopicSerializer(many=True, read_only=True)

    class Meta:
        model = PriorityList
        fields = ["id", "desk", "desk_name", "title", "period", "starts_on", "ends_on", "state", "doc_number",
                  "published_at", "topics"]
        read_only_fields = fields


class TopicInputSerializer(serializers.Serializer[Any]):
    title = serializers.CharField(max_length=100, help_text="题目")
    description = serializers.CharField(max_length=500, required=False, allow_blank=True, help_text="说明")
    keywords = serializers.CharField(max_length=200, required=False, allow_blank=True,
                                     help_text="关键词，以逗号或空格分隔（用于推荐）")


class PriorityCreateSerializer(serializers.Serializer[Any]):
    title = serializers.CharField(max_length=200)
    period = serializers.ChoiceField(choices=PriorityPeriod.choices)
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    topics = serializers.ListField(child=TopicInputSerializer(), allow_empty=False, max_length=services.MAX_TOPICS,
                                   help_text="题目，按顺序编号")


class TopicCoverageSerializer(serializers.Serializer[Any]):
    topic = TopicSerializer(read_only=True)
    tagged = serializers.IntegerField(read_only=True, help_text="标注本题目并已报至本科室的信息条数")
    adopted = serializers.IntegerField(read_only=True, help_text="其中本科室已采用")


class UnitCoverageSerializer(serializers.Serializer[Any]):
    unit_id = serializers.IntegerField(read_only=True)
    unit = serializers.CharField(read_only=True)
    received = serializers.IntegerField(read_only=True, help_text="本期本科室收到该单位的信息条数")
    tagged = serializers.IntegerField(read_only=True, help_text="其中标注了报送要点")
    adopted = serializers.IntegerField(read_only=True, help_text="标注且已采用")
    topics = serializers.IntegerField(read_only=True, help_text="覆盖的题目数")


class CoverageSerializer(serializers.Serializer[Any]):
    total = serializers.IntegerField(read_only=True, help_text="标注了本报送要点的信息条数（本人密级以内）")
    topics = TopicCoverageSerializer(many=True, read_only=True)
    units = UnitCoverageSerializer(many=True, read_only=True)


class TagSerializer(serializers.Serializer[Any]):
    item = VisibleRelatedField(queryset=Item.objects.all(), visible=visible_items, missing="信息不存在。",
                               help_text="本单位信息的编号")
    topics = serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=MAX_INT),
                                   max_length=services.MAX_TOPICS, help_text="报送要点题目编号（空列表为取消标注）")


class TagResultSerializer(serializers.Serializer[Any]):
    item = serializers.IntegerField(read_only=True)
    topics = TopicSerializer(many=True, read_only=True)


@extend_schema_view(
    list=extend_schema(summary="报送要点", description="本科室的（含草稿），以及本单位所报送科室已印发的。",
                       responses=documented({200: PriorityListSerializer(many=True)}, 400)),
    retrieve=extend_schema(summary="报送要点详情", responses=documented({200: PriorityListSerializer}, 404)),
)
class PriorityViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ServiceViewSet[PriorityList]):
    serializer_class = PriorityListSerializer

    def get_queryset(self) -> QuerySet[PriorityList]:
        return selectors.visible_lists(self.request.user).select_related("desk__unit").prefetch_related(
            "topics").order_by("-starts_on", "-id")

    def _render(self, plist: PriorityList, code: int = status.HTTP_200_OK) -> Response:
        return Response(PriorityListSerializer(self.get_queryset().get(pk=plist.pk)).data, status=code)

    @extend_schema(summary="新建报送要点（草稿，本科室编辑、科长）", request=PriorityCreateSerializer,
                   responses=documented({201: PriorityListSerializer}, 400, 409))
    def create(self, request: Request) -> Response:
        data = self.parse(PriorityCreateSerializer)
        plist = services.priority_list_create(
            actor=acting_user(request), title=data["title"], period=data["period"], starts_on=data["starts_on"],
            ends_on=data["ends_on"], topics=[dict(t) for t in data["topics"]])
        return self._render(plist, status.HTTP_201_CREATED)

    @extend_schema(summary="印发（科长）", description="取得本科室本年度下一个文号；已印发为 409。", request=None,
                   responses=documented({200: PriorityListSerializer}, 404, 409))
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, pk: str | None = None) -> Response:
        plist = self.get_object()
        return self._render(services.priority_list_publish(actor=acting_user(request), plist=plist))

    @extend_schema(summary="覆盖情况（本科室人员）", description="按题目、按单位；超出本人密级的信息不计入。",
                   responses=documented({200: CoverageSerializer}, 404))
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def coverage(self, request: Request, pk: str | None = None) -> Response:
        plist = self.get_object()
        own = selectors.staff_desk(request.user)
        if not acting_user(request).is_admin and (own is None or own.pk != plist.desk_id):
            raise Http404("未找到该报送要点")
        return Response(CoverageSerializer(selectors.coverage(request.user, plist)).data)

    @extend_schema(summary="标注信息的报送要点（本单位信息员）",
                   description="替换该信息的全部标注；题目须是本单位所报送科室当前已印发的报送要点，否则 409。",
                   request=TagSerializer, responses=documented({200: TagResultSerializer}, 400, 409))
    # An item or topic that does not exist (or is not visible) is a 409, as everywhere (lib.api).
    @action(detail=False, methods=["post"], filter_backends=[], pagination_class=None)
    def tag(self, request: Request) -> Response:
        data = self.parse(TagSerializer)
        ids = set(data["topics"])
        topics = list(PriorityTopic.objects.filter(pk__in=ids).select_related("plist"))
        if len(topics) != len(ids):
            raise serializers.ValidationError({"topics": ["报送要点题目不存在。"]}, code="does_not_exist")
        chosen = services.item_set_priorities(actor=acting_user(request), item=data["item"], topics=topics)
        return Response({"item": data["item"].pk,
                         "topics": TopicSerializer(sorted(chosen, key=lambda t: t.pk), many=True).data})


# --- research ---


class ResearchTopicSerializer(serializers.ModelSerializer[ResearchTopic]):
    desk_name = serializers.CharField(source="desk.name", read_only=True)
    period = serializers.CharField(read_only=True, help_text="quarter 季度；year 年度")
    period_label = serializers.CharField(read_only=True)

    class Meta:
        model = ResearchTopic
        fields = ["id", "desk", "desk_name", "title", "description", "period", "year", "quarter", "period_label"]
        read_only_fields = fields


class ResearchCreateSerializer(serializers.Serializer[Any]):
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    period = serializers.ChoiceField(choices=ResearchPeriod.choices)
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    quarter = serializers.IntegerField(min_value=1, max_value=4, required=False, allow_null=True,
                                       help_text="季度题目必填（1–4）；年度题目不填")


@extend_schema_view(
    list=extend_schema(summary="调研题目", description="本科室的，以及本单位所报送科室的。",
                       responses=documented({200: ResearchTopicSerializer(many=True)}, 400)),
)
class ResearchTopicViewSet(mixins.ListModelMixin, ServiceViewSet[ResearchTopic]):
    serializer_class = ResearchTopicSerializer

    def get_queryset(self) -> QuerySet[ResearchTopic]:
        return selectors.visible_research_topics(self.request.user).select_related("desk").order_by(
            "-year", "id")

    @extend_schema(summary="新增调研题目（本科室编辑、科长）", request=ResearchCreateSerializer,
                   responses=documented({201: ResearchTopicSerializer}, 400, 409))
    def create(self, request: Request) -> Response:
        data = self.parse(ResearchCreateSerializer)
        topic = services.research_topic_create(
            actor=acting_user(request), title=data["title"], description=data.get("description", ""),
            period=data["period"], year=data["year"], quarter=data.get("quarter"))
        return Response(ResearchTopicSerializer(topic).data, status=status.HTTP_201_CREATED)


class QuotaRowSerializer(serializers.Serializer[Any]):
    unit_id = serializers.IntegerField(read_only=True)
    unit = serializers.CharField(read_only=True)
    quota = serializers.IntegerField(read_only=True, help_text="本季度应报调研报告（篇）")
    received = serializers.IntegerField(read_only=True, help_text="本科室已收到（篇，本人密级以内）")
    short = serializers.IntegerField(read_only=True, help_text="差额（篇）")


class QuotaStatusSerializer(serializers.Serializer[Any]):
    year = serializers.IntegerField(read_only=True)
    quarter = serializers.IntegerField(read_only=True)
    start = serializers.DateField(read_only=True)
    end = serializers.DateField(read_only=True)
    deadline = serializers.DateField(read_only=True, help_text="截止日：本季度最后一个工作日")
    working_days = serializers.IntegerField(read_only=True)
    working_days_left = serializers.IntegerField(read_only=True)
    overdue = serializers.BooleanField(read_only=True)
    rows = QuotaRowSerializer(many=True, read_only=True)


class QuotaQuerySerializer(QuerySerializer):
    quarter = serializers.RegexField(r"^20[0-9]{2}-Q[1-4]$", required=False, max_length=7,
                                     help_text="季度，如 2026-Q4；不给为本季度")


class QuotaView(APIView):
    @extend_schema(summary="调研报告完成情况（本科室人员）", parameters=[QuotaQuerySerializer],
                   responses=documented({200: QuotaStatusSerializer}, 400, 404, 409))
    def get(self, request: Request) -> Response:
        query = QuotaQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        desk = selectors.staff_desk(request.user)
        if desk is None:
            raise Http404("本人不在信息科室。")
        raw = query.validated_data.get("quarter")
        on = dt.date(int(raw[:4]), 3 * int(raw[-1]) - 2, 1) if raw else None
        status_ = selectors.quota_status(request.user, desk, on)
        status_["rows"] = [{"unit_id": r["unit"].pk, "unit": r["unit"].name, "quota": r["required"],
                            "received": r["received"], "short": r["short"]} for r in status_["rows"]]
        return Response(QuotaStatusSerializer(status_).data)


ROUTES: list[tuple[str, Any, str]] = [
    ("priorities", PriorityViewSet, "priority"),
    ("research/topics", ResearchTopicViewSet, "research-topic"),
]
PATHS: list[URLPattern] = [path("research/quota/", QuotaView.as_view(), name="api_research_quota")]
