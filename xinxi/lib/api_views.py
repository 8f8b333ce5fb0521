"""Shared base of the API views: error documentation, the acting user, service errors.

Kept apart from ``xinxi.lib.api``, which settings name (pagination, exception handler)
and which must therefore not import DRF's views.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar, cast

from django.db.models import Model
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers, viewsets
from rest_framework.exceptions import NotAuthenticated, PermissionDenied, ValidationError
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.parsers import BaseParser
from rest_framework.renderers import BaseRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import Serializer

from xinxi.lib.errors import ServiceError

if TYPE_CHECKING:
    from xinxi.accounts.models import User

M = TypeVar("M", bound=Model)


class ErrorSerializer(serializers.Serializer[Any]):
    # The body of a refusal: 403 and 404.

    detail = serializers.CharField(help_text="中文错误说明")


ERRORS: dict[int, OpenApiResponse] = {
    400: OpenApiResponse(
        OpenApiTypes.OBJECT,
        "请求不符合本接口的格式（缺少字段、类型、长度、取值范围）：字段错误为 {字段: [消息]}，其余为 {detail: 消息}。",
    ),
    403: OpenApiResponse(ErrorSerializer, "未登录，或无权进行此操作。"),
    404: OpenApiResponse(ErrorSerializer, "不存在，或无权查看（两者不作区分）。"),
    409: OpenApiResponse(
        OpenApiTypes.OBJECT,
        "请求格式正确，但数据的现状不允许：业务规则不允许、当前状态不能进行此操作、记录已被他人修改（版本号已过期）、"
        "所引用的对象不存在或无权查看。{detail: 消息}，或按字段 {字段: [消息]}。",
    ),
}


def documented(ok: dict[int, Any], *codes: int) -> dict[int, Any]:
    """Success responses plus the listed refusals; 403 (not logged in) is always possible."""
    return {**ok, **{code: ERRORS[code] for code in sorted({403, *codes})}}


def acting_user(request: Request) -> User:
    user = request.user
    if not getattr(user, "is_authenticated", False):  # the permission classes let no anonymous user get here
        raise NotAuthenticated()
    return cast("User", user)


class ServiceViewSet(viewsets.GenericViewSet[M]):
    """Shared plumbing: input parsing and the 403 for a service's ``forbidden``."""

    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, ServiceError) and getattr(exc, "code", None) == "forbidden":
            exc = PermissionDenied(exc.messages[0])
        return super().handle_exception(exc)

    def parse(self, serializer_class: type[Serializer[Any]], *, partial: bool = False) -> dict[str, Any]:
        serializer = serializer_class(data=self.request.data, partial=partial, context=self.get_serializer_context())
        if isinstance(self.request.data, dict) and not hasattr(self.request.data, "getlist"):  # a JSON body
            errors = json_type_errors(serializer, self.request.data)
            if errors:
                raise ValidationError(errors)
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)


# --- JSON types as the schema states them ---
# DRF reads 0 as the text "0" and as false, "12" as the number 12: lenient for forms, but
# the schema promises a string, a boolean, an integer. A JSON body is held to it.

_JSON_TYPE_MESSAGES = {"string": "应为字符串。", "boolean": "应为 true 或 false。", "integer": "应为整数。",
                       "id": "编号应为整数。", "array": "应为列表。"}


def _json_type(field: Any) -> str | None:
    if isinstance(field, serializers.ManyRelatedField | serializers.ListField):
        return "array"
    if isinstance(field, serializers.BooleanField):
        return "boolean"
    if isinstance(field, serializers.ChoiceField | serializers.FileField):
        return None  # choices are checked against their values; files come only as multipart
    if isinstance(field, serializers.PrimaryKeyRelatedField):
        return "id"
    if isinstance(field, serializers.IntegerField):
        return "integer"
    if isinstance(field, serializers.CharField | serializers.DateField | serializers.DateTimeField):
        return "string"
    return None


def _has_json_type(value: Any, kind: str) -> bool:
    if kind == "string":
        return isinstance(value, str)
    if kind == "boolean":
        return isinstance(value, bool)
    if kind in {"integer", "id"}:
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, list)


def json_type_errors(serializer: Serializer[Any], data: dict[str, Any]) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for name, field in serializer.fields.items():
        if field.read_only or name not in data or data[name] is None:
            continue
        kind = _json_type(field)
        if kind is None:
            continue
        value = data[name]
        if not _has_json_type(value, kind):
            errors[name] = [_JSON_TYPE_MESSAGES[kind]]
            continue
        if kind == "array":
            child = getattr(field, "child_relation", None) or getattr(field, "child", None)
            child_kind = _json_type(child)
            if child_kind and any(v is None or not _has_json_type(v, child_kind) for v in value):
                errors[name] = [f"每一项{_JSON_TYPE_MESSAGES[child_kind]}"]
    return errors


class AnyAccept(BaseContentNegotiation):
    """A download answers whatever the client accepts; its refusals are JSON (the first renderer)."""

    def select_parser(self, request: Request, parsers: Any) -> BaseParser | None:
        return parsers[0] if parsers else None

    def select_renderer(
        self, request: Request, renderers: Any, format_suffix: str | None = None
    ) -> tuple[BaseRenderer, str]:
        return renderers[0], renderers[0].media_type
