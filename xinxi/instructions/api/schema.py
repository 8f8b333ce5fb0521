"""The OpenAPI description of the leader level: an enum of the live ``LeaderLevel`` table.

drf-spectacular's enum names are fixed once per process and would go stale when an admin
adds a level; this extension registers the enum component itself, from the table, each
time the schema is generated, so the published enum is always what the server accepts.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.plumbing import ResolvedComponent
from rest_framework import serializers


class LeaderLevelField(serializers.ChoiceField):
    """A leader level code; ``active_only`` for inputs (what may be recorded now)."""

    def __init__(self, *, active_only: bool, **kwargs: Any) -> None:
        self.active_only = active_only
        super().__init__(choices=[], **kwargs)

    def bind(self, field_name: str, parent: Any) -> None:
        # Bound once per serializer instance (never at import): the table as it is now.
        super().bind(field_name, parent)
        self.refresh()

    def refresh(self) -> list[tuple[str, str]]:
        from xinxi.instructions.levels import active_level_choices, all_level_choices

        choices = active_level_choices() if self.active_only else all_level_choices()
        self.choices = choices
        return choices


class LeaderLevelFieldExtension(OpenApiSerializerFieldExtension):
    """Two named enums, ``LeaderLevelEnum`` (every level) and ``ActiveLeaderLevelEnum`` (what may be
    recorded), registered with the live values each time the schema is generated."""

    target_class = LeaderLevelField

    def map_serializer_field(self, auto_schema: Any, direction: Any) -> dict[str, Any]:
        field = self.target
        choices = field.refresh()
        name = "ActiveLeaderLevelEnum" if field.active_only else "LeaderLevelEnum"
        what = "启用的领导层级代码（录入批示时可选）" if field.active_only else "领导层级代码（含已停用的）"
        component = ResolvedComponent(
            name=name,
            type=ResolvedComponent.SCHEMA,
            object=name,
            schema={
                "type": "string",
                "description": f"{what}，取值来自系统管理中的“领导层级”表："
                + ("；".join(f"{code} {label}" for code, label in choices) or "（表中还没有层级）"),
                # OpenAPI forbids an empty enum: with no level at all, the description says so.
                **({"enum": [code for code, _ in choices]} if choices else {}),
            },
        )
        auto_schema.registry.register_on_missing(component)
        return component.ref
