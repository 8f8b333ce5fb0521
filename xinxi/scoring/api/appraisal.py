"""API of scoring: appraisal (考评). ``PATHS`` are added under /api/v1/.

- ``GET appraisal/{desk}/``: the proposals for a year (direct points to commend and to
  revoke, two-yearly excellent units, staff and items), each with its figures, and the
  confirmed record if there is one;
- ``POST appraisal/{desk}/confirm/``: the desk chief's confirmation (201; 200 when the same
  lists were confirmed already);
- ``GET appraisal/{desk}/export/xlsx/`` and ``…/export/docx/``: the same as files.

The desk is in the path: another desk's (or none of the user's) is 404, like a missing
one; a desk the user reads but may not confirm for is 403. The query parameters are
validated (a bad one is a 400 naming it); the rules of confirming stay in
``services_appraisal`` (409 with its Chinese message).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.http import HttpResponse
from django.urls import URLPattern, path
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from xinxi.lib.api_views import AnyAccept, acting_user, documented, json_type_errors
from xinxi.lib.errors import ServiceError
from xinxi.network.models import Desk
from xinxi.scoring import appraisal, exports_appraisal, permissions, services_appraisal
from xinxi.scoring.models import Appraisal, AppraisalDecision

MAX_YEAR = 2100
MAX_LIST = 1000


def _decimal(help_text: str, **kwargs: Any) -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=11, decimal_places=2, help_text=help_text, **kwargs)


# --- input ---


class TermsSerializer(serializers.Serializer[Any]):
    year = serializers.IntegerField(min_value=appraisal.FIRST_YEAR, max_value=MAX_YEAR, required=False,
                                    help_text="考评年度（不晚于今年；缺省：12月为今年，其余月份为上一年）")
    top = serializers.IntegerField(min_value=1, max_value=appraisal.MAX_TOP, required=False,
                                   help_text=f"表扬年度积分前几名（并列的一并列入；缺省 {appraisal.DEFAULT_TOP}）")
    threshold = serializers.DecimalField(max_digits=7, decimal_places=2, min_value=Decimal(0),
                                         max_value=Decimal(10000), required=False,
                                         help_text=f"年度积分低于此分的建议撤销（缺省 {appraisal.DEFAULT_THRESHOLD}）")
    size = serializers.IntegerField(min_value=1, max_value=appraisal.MAX_SIZE, required=False,
                                    help_text=f"两年期优秀名单各列前几名（缺省 {appraisal.DEFAULT_SIZE}）")

    def validate_year(self, value: int) -> int:
        if value > timezone.localdate().year:
            raise serializers.ValidationError(f"考评年度应在 {appraisal.FIRST_YEAR} 年到今年之间。")
        return value


class ConfirmSerializer(serializers.Serializer[Any]):
    year = serializers.IntegerField(min_value=appraisal.FIRST_YEAR, max_value=MAX_YEAR, help_text="考评年度")
    top = serializers.IntegerField(min_value=1, max_value=appraisal.MAX_TOP, help_text="表扬名额（前 N 名）")
    threshold = serializers.DecimalField(max_digits=7, decimal_places=2, min_value=Decimal(0),
                                         max_value=Decimal(10000), help_text="撤销门槛（年度积分低于）")
    commend = serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=2**31 - 1),
                                    max_length=MAX_LIST, help_text="确认表扬的直报点编号（可为空列表）")
    revoke = serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=2**31 - 1),
                                   max_length=MAX_LIST, help_text="确认撤销的直报点编号（须低于门槛；可为空列表）")
    reason = serializers.CharField(max_length=200, allow_blank=True, required=False,
                                   help_text="说明（写入撤销理由）")


# --- output ---


class PointRowSerializer(serializers.Serializer[Any]):
    point = serializers.IntegerField(help_text="直报点编号")
    unit = serializers.IntegerField(help_text="单位编号")
    unit_name = serializers.CharField()
    admitted_on = serializers.DateField(help_text="确定为直报点的日期")
    revoked_on = serializers.DateField(allow_null=True, help_text="撤销日期（未撤销为空）")
    rank = serializers.IntegerField(help_text="名次（并列同名次）")
    points = _decimal("年度积分")
    adopted = serializers.IntegerField(help_text="本级采用条数（冲销后净数）")
    submitted = serializers.IntegerField(help_text="报送条数")
    rate = _decimal("采用率（%）；未报送为空", allow_null=True)
    instructions = serializers.IntegerField(help_text="领导批示次数")
    proposal = serializers.CharField(help_text="建议：commend 表扬；revoke 撤销直报点资格；空为无")


class UnitRowSerializer(serializers.Serializer[Any]):
    rank = serializers.IntegerField()
    unit = serializers.IntegerField()
    unit_name = serializers.CharField()
    points = _decimal("两年积分")
    adopted = serializers.IntegerField()
    submitted = serializers.IntegerField()
    rate = _decimal("采用率（%）；未报送为空", allow_null=True)
    instructions = serializers.IntegerField()


class StaffRowSerializer(serializers.Serializer[Any]):
    rank = serializers.IntegerField()
    name = serializers.CharField(help_text="执笔人")
    unit = serializers.IntegerField()
    unit_name = serializers.CharField()
    items = serializers.IntegerField(help_text="报送到本科室的信息条数")
    adopted = serializers.IntegerField(help_text="被采用的信息条数")
    points = _decimal("所写信息在本科室的积分")


class ItemRowSerializer(serializers.Serializer[Any]):
    rank = serializers.IntegerField()
    item = serializers.IntegerField(help_text="信息编号")
    title = serializers.CharField(help_text="标题；密级高于本人涉密等级的为“（涉密信息）”")
    unit = serializers.IntegerField()
    unit_name = serializers.CharField()
    writer = serializers.CharField(help_text="执笔人")
    level = serializers.CharField(help_text="最高采用层级：县级、市级、省级、国办、中办")
    instructions = serializers.IntegerField()
    adoptions = serializers.IntegerField(help_text="采用次数")
    points = _decimal("在本科室的积分")


class ConfirmedSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    year = serializers.IntegerField()
    top = serializers.IntegerField()
    threshold = _decimal("撤销门槛")
    reason = serializers.CharField()
    confirmed_by_name = serializers.CharField()
    confirmed_at = serializers.DateTimeField()
    commended = serializers.ListField(child=serializers.IntegerField(), help_text="确认表扬的直报点编号")
    revoked = serializers.ListField(child=serializers.IntegerField(), help_text="确认撤销的直报点编号")


class AppraisalSerializer(serializers.Serializer[Any]):
    desk = serializers.IntegerField()
    desk_name = serializers.CharField()
    year = serializers.IntegerField()
    top = serializers.IntegerField()
    threshold = _decimal("撤销门槛")
    size = serializers.IntegerField()
    period_start = serializers.DateField(help_text="两年期评选的起始日")
    period_end = serializers.DateField(help_text="两年期评选的截止日")
    points = PointRowSerializer(many=True, help_text="年末的全部直报点，按年度积分排名")
    commend = serializers.ListField(child=serializers.IntegerField(), help_text="建议表扬的直报点编号")
    revoke = serializers.ListField(child=serializers.IntegerField(), help_text="建议撤销的直报点编号")
    excellent_units = UnitRowSerializer(many=True)
    excellent_staff = StaffRowSerializer(many=True)
    excellent_items = ItemRowSerializer(many=True)
    confirmed = ConfirmedSerializer(allow_null=True, help_text="已确认的考评（未确认为空）")


def confirmed_body(record: Appraisal) -> dict[str, Any]:
    lines = list(record.lines.all())
    return {
        "id": record.pk, "year": record.year, "top": record.top_n, "threshold": record.threshold,
        "reason": record.reason, "confirmed_by_name": str(record.confirmed_by),
        "confirmed_at": record.confirmed_at,
        "commended": sorted(x.point_id for x in lines if x.decision == AppraisalDecision.COMMEND),
        "revoked": sorted(x.point_id for x in lines if x.decision == AppraisalDecision.REVOKE),
    }


def body(view: appraisal.AppraisalView) -> dict[str, Any]:
    ex = view.excellence
    return {
        "desk": view.desk.pk, "desk_name": view.desk.name, "year": view.year, "top": view.points.top_n,
        "threshold": view.points.threshold, "size": ex.size, "period_start": ex.start, "period_end": ex.end,
        "points": [
            {"point": r.point.pk, "unit": r.unit.pk, "unit_name": r.unit.name, "admitted_on": r.point.admitted_on,
             "revoked_on": r.point.revoked_on, "rank": r.rank, "points": r.points, "adopted": r.figures.adopted,
             "submitted": r.figures.submitted, "rate": r.figures.rate, "instructions": r.figures.instructions,
             "proposal": "commend" if r.commend else "revoke" if r.revoke else ""}
            for r in view.points.rows
        ],
        "commend": [r.point.pk for r in view.points.commend],
        "revoke": [r.point.pk for r in view.points.revoke],
        "excellent_units": [
            {"rank": r.rank, "unit": r.unit.pk, "unit_name": r.unit.name, "points": r.figures.points,
             "adopted": r.figures.adopted, "submitted": r.figures.submitted, "rate": r.figures.rate,
             "instructions": r.figures.instructions}
            for r in ex.units
        ],
        "excellent_staff": [
            {"rank": r.rank, "name": r.name, "unit": r.unit.pk, "unit_name": r.unit.name, "items": r.items,
             "adopted": r.adopted, "points": r.points}
            for r in ex.staff
        ],
        "excellent_items": [
            {"rank": r.rank, "item": r.item.pk, "title": r.title, "unit": r.unit.pk, "unit_name": r.unit.name,
             "writer": r.writer, "level": r.level, "instructions": r.instructions, "adoptions": r.adoptions,
             "points": r.points}
            for r in ex.items
        ],
        "confirmed": confirmed_body(view.confirmed) if view.confirmed is not None else None,
    }


# --- views ---


class _AppraisalView(APIView):
    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, ServiceError) and getattr(exc, "code", None) == "forbidden":
            exc = PermissionDenied(exc.messages[0])
        return super().handle_exception(exc)

    def desk(self, request: Request, desk: int) -> Desk:
        return permissions.get_scoring_desk(acting_user(request), desk)

    def appraisal(self, request: Request, desk: int) -> appraisal.AppraisalView:
        found = self.desk(request, desk)
        names: list[str] = list(TermsSerializer().fields)
        empty = {name: ["不能为空。"] for name in names if request.query_params.get(name) == ""}
        if empty:  # an empty value is refused, not read as "the default"
            raise ValidationError(empty)
        query = TermsSerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        terms = query.validated_data
        return appraisal.appraisal_view(
            found,
            terms.get("year", appraisal.default_year()),
            top_n=terms.get("top", appraisal.DEFAULT_TOP),
            threshold=terms.get("threshold", appraisal.DEFAULT_THRESHOLD),
            size=terms.get("size", appraisal.DEFAULT_SIZE),
            user=acting_user(request),
        )


class AppraisalProposalView(_AppraisalView):
    @extend_schema(
        summary="考评建议名单（科室人员）",
        description="按本科室积分台账计算：该年末的直报点按年度积分排名，前 N 名（并列的一并列入）建议表扬，"
        "年度积分低于门槛的建议撤销直报点资格；两年期（该年及上一年）优秀信息单位、优秀信息工作者（按所写信息）、"
        "优秀信息（按最高采用层级、批示、采用次数、积分），各附数字。已确认的年度按确认时的 N 和门槛计算。",
        parameters=[TermsSerializer],
        responses=documented({200: AppraisalSerializer}, 400, 404),
    )
    def get(self, request: Request, desk: int) -> Response:
        return Response(AppraisalSerializer(body(self.appraisal(request, desk))).data)


class AppraisalConfirmView(_AppraisalView):
    @extend_schema(
        summary="确认考评（科长、管理员）",
        description="记录确认表扬和撤销的直报点，撤销的直报点通过信息网络的撤销直报点办理（理由写明年度积分和门槛）。"
        "每个科室每年只确认一次：再次提交相同名单返回已有记录（200），不同名单为 409。",
        request=ConfirmSerializer,
        responses=documented({201: ConfirmedSerializer, 200: ConfirmedSerializer}, 400, 404),
    )
    def post(self, request: Request, desk: int) -> Response:
        actor = acting_user(request)
        found = self.desk(request, desk)
        if not permissions.can_manage_rules(actor, found):
            raise PermissionDenied("只有本科室科长或系统管理员可以确认考评。")
        serializer = ConfirmSerializer(data=request.data)
        if isinstance(request.data, dict) and not hasattr(request.data, "getlist"):
            errors = json_type_errors(serializer, request.data)
            if errors:
                raise ValidationError(errors)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        existed = Appraisal.objects.filter(desk=found, year=data["year"]).exists()
        record = services_appraisal.appraisal_confirm(
            actor=actor, desk=found, year=data["year"], top_n=data["top"], threshold=data["threshold"],
            commend=data["commend"], revoke=data["revoke"], reason=data.get("reason", ""),
        )
        record = Appraisal.objects.select_related("confirmed_by").prefetch_related("lines").get(pk=record.pk)
        code = status.HTTP_200_OK if existed else status.HTTP_201_CREATED
        return Response(ConfirmedSerializer(confirmed_body(record)).data, status=code)


XLSX_FILE = OpenApiResponse(OpenApiTypes.BINARY, "Excel 文件（作为附件下载）：直报点考评、优秀信息单位、"
                                                 "优秀信息工作者、优秀信息各一张表，另有“说明”表。")
DOCX_FILE = OpenApiResponse(OpenApiTypes.BINARY, "Word 文件（作为附件下载），版式同刊物（GB/T 9704）。")


class AppraisalXlsxView(_AppraisalView):
    content_negotiation_class = AnyAccept

    @extend_schema(summary="导出考评名单 Excel（XLSX）", parameters=[TermsSerializer],
                   responses={(200, exports_appraisal.XLSX_TYPE): XLSX_FILE, **documented({}, 400, 404)})
    def get(self, request: Request, desk: int) -> HttpResponse:
        view = self.appraisal(request, desk)
        data = exports_appraisal.appraisal_xlsx(view, user=acting_user(request))
        return exports_appraisal.download(view, data, exports_appraisal.XLSX_TYPE, "xlsx")


class AppraisalDocxView(_AppraisalView):
    content_negotiation_class = AnyAccept

    @extend_schema(summary="导出考评名单 Word（DOCX）", parameters=[TermsSerializer],
                   responses={(200, exports_appraisal.DOCX_TYPE): DOCX_FILE, **documented({}, 400, 404)})
    def get(self, request: Request, desk: int) -> HttpResponse:
        view = self.appraisal(request, desk)
        data = exports_appraisal.appraisal_docx(view, user=acting_user(request))
        return exports_appraisal.download(view, data, exports_appraisal.DOCX_TYPE, "docx")


ROUTES: list[tuple[str, Any, str]] = []  # (prefix, viewset, basename)
PATHS: list[URLPattern] = [
    path("appraisal/<int:desk>/", AppraisalProposalView.as_view(), name="appraisal"),
    path("appraisal/<int:desk>/confirm/", AppraisalConfirmView.as_view(), name="appraisal-confirm"),
    path("appraisal/<int:desk>/export/xlsx/", AppraisalXlsxView.as_view(), name="appraisal-xlsx"),
    path("appraisal/<int:desk>/export/docx/", AppraisalDocxView.as_view(), name="appraisal-docx"),
]
