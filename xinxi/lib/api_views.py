"""Shared base of the API views: error documentation, the acting user, service errors.

Kept apart from ``xinxi.lib.api``, which settings name (pagination, exception handler)
and which must therefore not import DRF's views.
"""

from __future__ import annotations

import re
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

    def filter_queryset(self, queryset: Any) -> Any:
        """The query-parameter filters narrow lists, where the schema documents them; an object's
        own routes (detail, and its actions) look it up among all the user may see."""
        if getattr(self, "detail", False):
            return queryset
        return super().filter_queryset(queryset)

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
                       "id": "编号应为整数。", "array": "应为列表。", "object": "应为对象。"}


def _json_type(field: Any) -> str | None:
    if isinstance(field, serializers.ListSerializer):
        return "objects"
    if isinstance(field, serializers.Serializer):
        return "object"
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
    if isinstance(field, serializers.DecimalField):
        return "decimal"
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
    if kind == "object":
        return isinstance(value, dict)
    return isinstance(value, list)


def _value_errors(field: Any, value: Any) -> Any:
    """What is wrong with one JSON value against the type its field's schema states, or None."""
    kind = _json_type(field)
    if kind is None or value is None:
        return None  # null: the field says whether it may be null
    if kind == "decimal":
        return None if isinstance(value, str) and decimal_format(field).fullmatch(value) else [decimal_message(field)]
    if not _has_json_type(value, kind):
        return [_JSON_TYPE_MESSAGES["array" if kind == "objects" else kind]]
    if kind == "object":
        return json_type_errors(field, value) or None
    if kind == "objects":  # a list of objects: DRF's form, one entry per item
        items = [_value_errors(field.child, item) for item in value]
        return [item or {} for item in items] if any(items) else None
    if kind == "array":
        child = getattr(field, "child_relation", None) or getattr(field, "child", None)
        child_kind = _json_type(child)
        if child_kind and any(v is None or _value_errors(child, v) for v in value):
            return [f"每一项{_JSON_TYPE_MESSAGES.get(child_kind, '格式不对。')}"]
    return None


def json_type_errors(serializer: Serializer[Any], data: dict[str, Any]) -> dict[str, Any]:
    """A JSON body held to the types of the schema, nested objects and lists included."""
    errors: dict[str, Any] = {}
    for name, field in serializer.fields.items():
        if field.read_only or name not in data:
            continue
        problem = _value_errors(field, data[name])
        if problem:
            errors[name] = problem
    return errors


# --- decimals ---
# A decimal travels as a JSON string (drf-spectacular's default). DRF would also read a
# number, " 1.5 ", "1e2" or "007", with a range the schema cannot state; the one pattern
# below is both what the schema publishes (``lib.api_schema.AutoSchema``) and what a JSON
# body is held to: digits, an optional sign where negatives are allowed, at most
# ``decimal_places`` decimals, and ``min_value``/``max_value`` (whole numbers) in the pattern.


def _up_to(bound: int) -> str:
    """A pattern of the whole numbers 0…bound, written without leading zeros."""
    text = str(bound)
    width = len(text)
    if text == "9" * width:  # any number of at most ``width`` digits
        return "0|[1-9]" + (f"[0-9]{{0,{width - 1}}}" if width > 1 else "")
    if width == 1:
        return f"[0-{bound}]" if bound else "0"
    options = ["0", "[1-9]" if width == 2 else f"[1-9][0-9]{{0,{width - 2}}}"]  # fewer digits than bound
    for i, ch in enumerate(text):  # as many digits: a prefix of bound, a smaller digit, then any digits
        low, digit = (1 if i == 0 else 0), int(ch)
        if digit > low:
            rest = width - i - 1
            smaller = f"[{low}-{digit - 1}]" if digit - 1 > low else str(low)
            options.append(text[:i] + smaller + {0: "", 1: "[0-9]"}.get(rest, f"[0-9]{{{rest}}}"))
    options.append(text)
    return "|".join(options)


def _side(bound: Any, whole_digits: int, places: int) -> str:
    """Numbers from 0 up to ``bound`` (a whole number, or None: as many digits as allowed)."""
    fraction = f"(?:\\.[0-9]{{1,{places}}})?" if places else ""
    cap = 10**whole_digits
    if bound is None or bound >= cap:
        return f"(?:{_up_to(cap - 1)}){fraction}"
    if bound != int(bound):
        raise ValueError(f"a decimal limit must be a whole number in the schema: {bound}")
    top = int(bound)
    zeros = f"(?:\\.0{{1,{places}}})?" if places else ""
    if top == 0:
        return f"0{zeros}"
    return f"(?:{_up_to(top - 1)}){fraction}|{top}{zeros}"


def decimal_pattern(field: serializers.DecimalField) -> str:
    """The schema's pattern of a decimal input (ECMA and Python alike)."""
    places = field.decimal_places or 0
    whole = (field.max_digits or 20) - places
    low, high = field.min_value, field.max_value
    positive = _side(high, whole, places)
    if low is not None and low > 0:
        raise ValueError(f"a decimal's lower limit above 0 cannot be a pattern: {low}; check it in the service")
    if low is not None and low == 0:
        return f"^(?:{positive})$"
    return f"^(?:{positive}|-(?:{_side(None if low is None else -low, whole, places)}))$"


def decimal_format(field: serializers.DecimalField) -> re.Pattern[str]:
    return re.compile(decimal_pattern(field)[1:-1])


def decimal_message(field: serializers.DecimalField) -> str:
    places = field.decimal_places or 0
    whole = (field.max_digits or 20) - places
    low = f"，不小于 {field.min_value}" if field.min_value is not None else ""
    high = f"，不大于 {field.max_value}" if field.max_value is not None else ""
    return f"应为写成字符串的数（如 \"12.5\"），整数部分最多 {whole} 位、最多 {places} 位小数{low}{high}。"


class AnyAccept(BaseContentNegotiation):
    """A download answers whatever the client accepts; its refusals are JSON (the first renderer)."""

    def select_parser(self, request: Request, parsers: Any) -> BaseParser | None:
        return parsers[0] if parsers else None

    def select_renderer(
        self, request: Request, renderers: Any, format_suffix: str | None = None
    ) -> tuple[BaseRenderer, str]:
        return renderers[0], renderers[0].media_type
