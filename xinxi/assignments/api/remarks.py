"""The remarks API (点评): ``/api/v1/remarks/`` and ``/api/v1/remarks/counts/``.

The same permission functions as the pages (``permissions_remarks``): the desk's staff see
the remarks written at their desk, the sender's unit the remarks on its items; anything
else is a 404. Writing on an entry outside the user's desk is a 409 naming the entry as
missing; a desk member who may not remark (duty officer, leader) gets 403.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from xinxi.assignments import permissions_remarks as permissions
from xinxi.assignments import selectors_remarks as selectors
from xinxi.assignments import services_remarks as services
from xinxi.assignments.models import Remark, RemarkRating, RemarkTag
from xinxi.items.models import DeskEntry
from xinxi.items.permissions import desk_entries, desk_of
from xinxi.lib.api_filters import QuerySerializer
from xinxi.lib.api_views import ServiceViewSet, acting_user, documented
from xinxi.network.api.filters import WholeNumberFilter
from xinxi.network.api.serializers import MAX_INT, VisibleRelatedField
from xinxi.scoring import figures
from xinxi.scoring.api.rankings import PeriodSerializer

RATING_HELP = "excellent 优；good 良；fair 一般；poor 差；空为不评级"
TAG_HELP = "timely 时效；angle 角度；data 数据；writing 文字；title 标题"
RATINGS = [("", "不评级"), *RemarkRating.choices]


def _name(user: Any) -> str:
    return (getattr(user, "full_name", "") or user.username) if user is not None else ""


class RemarkSerializer(serializers.ModelSerializer[Remark]):
    entry_title = serializers.CharField(source="entry.received_title", read_only=True, help_text="收到时的标题")
    desk_name = serializers.CharField(source="desk.name", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    reporter_name = serializers.SerializerMethodField(help_text="报送人（信息的录入人）")
    author_name = serializers.SerializerMethodField(help_text="点评人")
    rating = serializers.ChoiceField(choices=RATINGS, read_only=True, help_text=RATING_HELP)
    rating_label = serializers.CharField(source="get_rating_display", read_only=True)
    tags = serializers.ListField(child=serializers.ChoiceField(choices=RemarkTag.choices), read_only=True,
                                 help_text=TAG_HELP)

    class Meta:
        model = Remark
        fields = ["id", "entry", "entry_title", "item", "desk", "desk_name", "unit", "unit_name", "reporter",
                  "reporter_name", "author_name", "text", "rating", "rating_label", "tags", "created_at",
                  "updated_at", "version"]
        read_only_fields = fields

    def get_reporter_name(self, remark: Remark) -> str:
        return _name(remark.reporter)

    def get_author_name(self, remark: Remark) -> str:
        return _name(remark.author)


class RemarkFieldsSerializer(serializers.Serializer[Any]):
    text = serializers.CharField(max_length=services.TEXT_MAX, help_text="点评意见：好在哪里、不足在哪里")
    rating = serializers.ChoiceField(choices=RATINGS, required=False, allow_blank=True, help_text=RATING_HELP)
    tags = serializers.ListField(child=serializers.ChoiceField(choices=RemarkTag.choices), required=False,
                                 max_length=len(RemarkTag.values), help_text=TAG_HELP)


class RemarkCreateSerializer(RemarkFieldsSerializer):
    entry = VisibleRelatedField(queryset=DeskEntry.objects.all(), visible=desk_entries, missing="信息不存在。",
                                help_text="本科室收稿编号")


class RemarkUpdateSerializer(RemarkFieldsSerializer):
    version = serializers.IntegerField(min_value=1, max_value=MAX_INT, help_text="读取时的版本号（过期为 409）")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if "version" not in attrs:  # PATCH leaves every other field optional, never this one
            raise serializers.ValidationError({"version": ["请提供版本号（version），以免覆盖他人的修改。"]})
        return attrs


class RemarkFilter(filters.FilterSet):
    item = WholeNumberFilter(field_name="item", label="信息编号")
    entry = WholeNumberFilter(field_name="entry", label="科室收稿编号")
    rating = filters.ChoiceFilter(choices=RemarkRating.choices, label=RATING_HELP.removesuffix("；空为不评级"))

    class Meta:
        model = Remark
        fields = ["item", "entry", "rating"]


class RemarkCountsQuerySerializer(QuerySerializer):
    period = serializers.RegexField(selectors.PERIOD_PATTERN, required=False, max_length=7,
                                    help_text="统计周期：月份 2026-11，季度 2026-Q4，年度 2026（1970—2099 年）；"
                                    "不给为本月")


class CountRowSerializer(serializers.Serializer[Any]):
    reporter_id = serializers.IntegerField(read_only=True, help_text="报送人编号")
    reporter = serializers.CharField(read_only=True, help_text="报送人")
    unit = serializers.CharField(read_only=True, help_text="单位")
    total = serializers.IntegerField(read_only=True, help_text="点评数")
    excellent = serializers.IntegerField(read_only=True, help_text="优")
    good = serializers.IntegerField(read_only=True, help_text="良")
    fair = serializers.IntegerField(read_only=True, help_text="一般")
    poor = serializers.IntegerField(read_only=True, help_text="差")
    unrated = serializers.IntegerField(read_only=True, help_text="未评级")


class RemarkCountsSerializer(serializers.Serializer[Any]):
    period = PeriodSerializer(read_only=True)
    rows = CountRowSerializer(many=True, read_only=True)


@extend_schema_view(
    list=extend_schema(summary="点评", description="本科室写的点评，以及本单位信息收到的点评；新的在前。",
                       responses=documented({200: RemarkSerializer(many=True)}, 400)),
    retrieve=extend_schema(summary="点评详情", responses=documented({200: RemarkSerializer}, 404)),
)
class RemarkViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ServiceViewSet[Remark]):
    serializer_class = RemarkSerializer
    filterset_class = RemarkFilter

    def get_queryset(self) -> QuerySet[Remark]:
        return permissions.visible_remarks(self.request.user).select_related(
            "entry", "desk", "unit", "reporter", "author").order_by("-created_at", "-id")

    def _render(self, remark: Remark, code: int = status.HTTP_200_OK) -> Response:
        return Response(RemarkSerializer(self.get_queryset().get(pk=remark.pk)).data, status=code)

    @extend_schema(summary="点评一条收稿（本科室编辑、科长）",
                   description="每条收稿一条点评（已有时 409，请修改）；报送人收到通知。本科室综合信息不能点评。",
                   request=RemarkCreateSerializer, responses=documented({201: RemarkSerializer}, 400, 409))
    def create(self, request: Request) -> Response:
        data = self.parse(RemarkCreateSerializer)
        remark = services.remark_write(actor=acting_user(request), entry=data["entry"], text=data["text"],
                                       rating=data.get("rating", ""), tags=data.get("tags", []))
        return self._render(remark, status.HTTP_201_CREATED)

    @extend_schema(summary="修改点评（本科室编辑、科长；version 必填）",
                   description="未给出的字段保持不变；version 过期时 409。",
                   request=RemarkUpdateSerializer, responses=documented({200: RemarkSerializer}, 400, 404, 409))
    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        remark = self.get_object()
        data = self.parse(RemarkUpdateSerializer, partial=True)
        services.remark_update(actor=acting_user(request), remark=remark, version=data["version"],
                               text=data.get("text", remark.text), rating=data.get("rating", remark.rating),
                               tags=data.get("tags", remark.tags))
        return self._render(remark)

    @extend_schema(summary="撤回点评（本科室编辑、科长）", responses=documented({204: None}, 404, 409))
    def destroy(self, request: Request, pk: str | None = None) -> Response:
        services.remark_delete(actor=acting_user(request), remark=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(summary="点评统计（按报送人）",
                   description="本科室在统计期内写的点评，按报送人（信息的录入人）和评价计数，供人员考核；"
                   "只给科室人员，其他人 403。",
                   parameters=[RemarkCountsQuerySerializer], responses=documented({200: RemarkCountsSerializer}, 400))
    @action(detail=False, methods=["get"], filter_backends=[], pagination_class=None)
    def counts(self, request: Request) -> Response:
        user = acting_user(request)
        if desk_of(user) is None:
            raise PermissionDenied("只有信息科室人员可以查看点评统计。")
        query = RemarkCountsQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        try:
            period = selectors.read_period(query.validated_data.get("period"))
        except figures.PeriodError as exc:
            raise ValidationError({exc.param: [exc.message]}) from None
        rows = [{"reporter_id": r.reporter_id, "reporter": r.reporter, "unit": r.unit, "total": r.total,
                 **r.by_rating, "unrated": r.unrated} for r in selectors.reporter_counts(user, period)]
        return Response(RemarkCountsSerializer({"period": period, "rows": rows}).data)


ROUTES: list[tuple[str, Any, str]] = [("remarks", RemarkViewSet, "remark")]
