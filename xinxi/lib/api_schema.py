"""How the OpenAPI schema stays exact: shared rules every endpoint inherits.

- ``AutoSchema`` (settings ``DEFAULT_SCHEMA_CLASS``) documents the refusals every operation
  can give even when a view names none: 403 always (not signed in, or not allowed), 404 for
  an operation on an object of the path and for a list page past the last, 400 for an
  operation that takes input (a body, query filters or paging), 409 for every write.
- 400 means "not what the schema says"; a well-formed request that the data refuses (a
  service's rule, the object's state, a stale version, a referenced object that does not
  exist) is a 409 (``xinxi.lib.api.exception_handler``).
- ``StrictFilterExtension`` writes each query filter's own limits into its parameter:
  ``minimum``/``maximum`` of number filters, ``maxLength`` of text filters, the allowed
  values of ``ordering``. A value outside them is a 400 naming the parameter (django-filter's
  form), so schema and validation agree. A choice filter lists its values (read when the
  schema is made, so a table such as the leader levels is current); a filter that is not
  free text has ``minLength: 1`` (an empty value is refused, ``lib.api_filters``).
- A decimal input is a string with the exact pattern a JSON body is held to
  (``lib.api_views.decimal_pattern``: digits, decimals, sign and limits).

The fuzz test ``xinxi/core/tests/test_api_fuzz.py`` holds the server to the result.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.core.validators import RegexValidator
from django_filters import filters
from drf_spectacular.contrib.django_filters import DjangoFilterExtension
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from rest_framework import serializers

from xinxi.lib.api_filters import free_text
from xinxi.lib.api_views import ERRORS, decimal_pattern


class AutoSchema(SpectacularAutoSchema):
    def _get_response_bodies(self, direction: Any = "response") -> dict[str, Any]:
        responses: dict[str, Any] = super()._get_response_bodies(direction)
        codes = {403}
        if "{" in self.path:
            codes.add(404)
        if self.method in {"POST", "PUT", "PATCH"} and self.get_request_serializer() is not None:
            codes.add(400)
        if not (self.method == "GET" and self._is_list_view()):
            codes.add(409)  # a service's rule or the object's state refuses a well-formed request
        if self.method == "GET" and self._is_list_view() and self._get_paginator() is not None:
            codes |= {400, 404}  # a filter or paging value out of range; a page past the last
        if self.method == "GET" and self.get_filter_backends():
            codes.add(400)
        for code in sorted(codes):
            if str(code) not in responses:
                responses[str(code)] = self._get_response_for_code(ERRORS[code], str(code), direction=direction)
        return responses


    def _map_serializer_field(self, field: Any, direction: Any, bypass_extensions: bool = False) -> Any:
        """Text that may not be blank needs a non-space character; a list that may not be empty an item;
        a decimal the exact pattern of its digits and limits (``api_views.decimal_pattern``); a
        read-only choice of a model field that may be blank lists the blank value."""
        if (isinstance(field, serializers.ChoiceField) and field.read_only and not field.allow_blank
                and _model_field(field) is not None and getattr(_model_field(field), "blank", False)):
            field.allow_blank = True  # DRF drops allow_blank from read-only model fields; the value may be ""
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        if direction == "request" and isinstance(schema, dict):
            if isinstance(field, serializers.DecimalField) and schema.get("type") == "string":
                schema["pattern"] = decimal_pattern(field)  # what a JSON body is held to (api_views)
            patterns = [getattr(v.regex, "pattern", v.regex) for v in field.validators if isinstance(v, RegexValidator)]
            if isinstance(field, serializers.RegexField) and patterns and schema.get("type") == "string":
                schema["pattern"] = patterns[0]  # a query parameter read by a serializer keeps its pattern too
            if (isinstance(field, serializers.CharField) and not field.allow_blank
                    and schema.get("type") == "string" and "enum" not in schema):
                schema.setdefault("minLength", 1)
                schema.setdefault("pattern", r"\S")
            if (isinstance(field, serializers.ListField | serializers.ManyRelatedField)
                    and not field.allow_empty and schema.get("type") == "array"):
                schema.setdefault("minItems", 1)
        return schema


def _model_field(field: Any) -> Any:
    """The model field a ModelSerializer's field reads, if it reads one directly."""
    model = getattr(getattr(field.parent, "Meta", None), "model", None)
    if model is None or not field.source or "." in field.source:
        return None
    try:
        return model._meta.get_field(field.source)
    except FieldDoesNotExist:  # a property or a method
        return None


def version_stays_required(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """A partial update still names the version it read (else 400): so says the schema."""
    versioned = set()
    for name, component in result.get("components", {}).get("schemas", {}).items():
        if name.startswith("Patched") and "version" in component.get("properties", {}):
            component["required"] = sorted({*component.get("required", []), "version"})
            versioned.add(f"#/components/schemas/{name}")
    for operations in result.get("paths", {}).values():
        body = operations.get("patch", {}).get("requestBody")
        if body and any(media.get("schema", {}).get("$ref") in versioned for media in body["content"].values()):
            body["required"] = True
    return result


class StrictFilterExtension(DjangoFilterExtension):
    priority = 1

    def resolve_filter_field(
        self, auto_schema: Any, model: Any, filterset_class: Any, field_name: str, filter_field: Any
    ) -> list[dict[str, Any]]:
        parameters: list[dict[str, Any]] = super().resolve_filter_field(
            auto_schema, model, filterset_class, field_name, filter_field
        )
        extra = filter_field.extra
        for parameter in parameters:
            schema = parameter["schema"]
            if isinstance(filter_field, filters.OrderingFilter):
                allowed = [value for value, _label in filter_field.extra.get("choices", []) if value]
                schema["items"] = {"type": "string", "enum": allowed}
                continue
            if isinstance(filter_field, filters.ChoiceFilter) and "enum" not in schema:
                # Choices read when the schema is made (a callable: a table such as the leader levels).
                choices = extra.get("choices", [])
                values = [value for value, _label in (choices() if callable(choices) else choices) if value != ""]
                if values:
                    schema["enum"] = values if schema.get("type") == "integer" else [str(v) for v in values]
            if schema.get("type") == "string" and not free_text(filter_field):
                schema["minLength"] = 1  # an empty value is refused (StrictFilterBackend)
            if schema.get("type") in {"integer", "number"}:
                if extra.get("min_value") is not None:
                    schema["minimum"] = extra["min_value"]
                if extra.get("max_value") is not None:
                    schema["maximum"] = extra["max_value"]
            if schema.get("type") == "string" and "enum" not in schema and extra.get("max_length"):
                schema["maxLength"] = extra["max_length"]
        return parameters
