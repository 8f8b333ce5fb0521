"""Shared pieces of the REST API: pagination and the error format."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views import defaults
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from xinxi.lib.errors import ServiceError


class Pagination(PageNumberPagination):
    """Pages of 50 by default. ``page`` and ``page_size`` are whole numbers in range, or a 400
    naming the parameter (DRF would silently fall back to the default); a page past the
    last is a 404."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    max_page = 10**9

    def _whole_number(self, request: Any, name: str, maximum: int) -> int | None:
        raw = request.query_params.get(name)
        if raw is None:
            return None
        try:
            value = int(raw) if raw.strip().isdigit() else None
        except ValueError:
            value = None
        if value is None or not 1 <= value <= maximum:
            raise ValidationError({name: [f"应为 1 到 {maximum} 之间的整数。"]})
        return value

    def get_page_size(self, request: Any) -> int:
        size = self._whole_number(request, self.page_size_query_param, self.max_page_size)
        return size if size is not None else self.page_size

    def paginate_queryset(self, queryset: Any, request: Any, view: Any = None) -> Any:
        self._whole_number(request, self.page_query_param, self.max_page)
        return super().paginate_queryset(queryset, request, view)

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        parameters: list[dict[str, Any]] = super().get_schema_operation_parameters(view)
        limits = {self.page_query_param: self.max_page, self.page_size_query_param: self.max_page_size}
        for parameter in parameters:
            parameter["schema"].update({"minimum": 1, "maximum": limits[parameter["name"]]})
        return parameters


# Field errors that no schema can express: a referenced object that does not exist (or that
# the user may not see: the two are not told apart) or a rule on the data as it stands.
RULE_CODES = frozenset({"does_not_exist", "conflict", "rule"})


def _codes(detail: Any) -> list[str]:
    if isinstance(detail, dict):
        return [code for value in detail.values() for code in _codes(value)]
    if isinstance(detail, list):
        return [code for value in detail for code in _codes(value)]
    return [str(detail)]


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """400 means the request does not match the schema; 409 that it does, but the data as it
    stands refuses it (a business rule of a service, a state that does not allow the action,
    a stale version, a referenced object that does not exist). Messages are Chinese."""
    if isinstance(exc, ServiceError) and not hasattr(exc, "error_dict"):
        return Response({"detail": "；".join(exc.messages)}, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, DjangoValidationError):
        body: Any
        if hasattr(exc, "error_dict"):
            body = {k: [str(m) for m in v] for k, v in exc.message_dict.items()}
        else:
            body = {"detail": "；".join(exc.messages)}
        code = status.HTTP_409_CONFLICT if isinstance(exc, ServiceError) else status.HTTP_400_BAD_REQUEST
        return Response(body, status=code)
    if isinstance(exc, Http404):
        return Response({"detail": "未找到。"}, status=status.HTTP_404_NOT_FOUND)
    response = drf_exception_handler(exc, context)
    if isinstance(exc, ValidationError) and response is not None:
        codes = _codes(exc.get_codes())
        if codes and set(codes) <= RULE_CODES:
            response.status_code = status.HTTP_409_CONFLICT
    return response


# --- Django's own refusals under /api/ ---
# A path the router does not match (``/api/v1/items/0.5/``), a request Django refuses before
# any view (too many form fields, a bad host) or a crash answers JSON like every API refusal,
# never the HTML error page. ``xinxi.urls`` names these as Django's error handlers.

API_PREFIX = "/api/"


def _json_refusal(status_code: int, detail: str) -> JsonResponse:
    return JsonResponse({"detail": detail}, status=status_code, json_dumps_params={"ensure_ascii": False})


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    if request.path.startswith(API_PREFIX):
        return _json_refusal(400, "请求有误，服务器无法理解。")
    return defaults.bad_request(request, exception)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    if request.path.startswith(API_PREFIX):
        return _json_refusal(403, "无权进行此操作。")
    return defaults.permission_denied(request, exception)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if request.path.startswith(API_PREFIX):
        return _json_refusal(404, "未找到。")
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    if request.path.startswith(API_PREFIX):
        return _json_refusal(500, "服务器内部错误，已记录，请稍后重试。")
    return defaults.server_error(request)
