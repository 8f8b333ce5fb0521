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
from rest_framework.exceptions import NotAuthenticated, PermissionDenied
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
    # The body of a refusal: 403, 404, 409, and 400 when a business rule refuses.

    detail = serializers.CharField(help_text="中文错误说明")


ERRORS: dict[int, OpenApiResponse] = {
    400: OpenApiResponse(
        OpenApiTypes.OBJECT, "输入有误或业务规则不允许：字段错误为 {字段: [消息]}，其余为 {detail: 消息}。"
    ),
    403: OpenApiResponse(ErrorSerializer, "未登录，或无权进行此操作。"),
    404: OpenApiResponse(ErrorSerializer, "不存在，或无权查看（两者不作区分）。"),
    409: OpenApiResponse(ErrorSerializer, "记录已被他人修改（版本号已过期），请重新读取后再操作。"),
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
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)


class AnyAccept(BaseContentNegotiation):
    """A download answers whatever the client accepts; its refusals are JSON (the first renderer)."""

    def select_parser(self, request: Request, parsers: Any) -> BaseParser | None:
        return parsers[0] if parsers else None

    def select_renderer(
        self, request: Request, renderers: Any, format_suffix: str | None = None
    ) -> tuple[BaseRenderer, str]:
        return renderers[0], renderers[0].media_type
