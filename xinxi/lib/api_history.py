"""The API form of a state machine's history rows (``lib.workflow``): who, when, from, to, why."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers


class StateEventSerializer(serializers.Serializer[Any]):
    """One history row as ``StateMachine.history`` labels it."""

    at = serializers.DateTimeField(read_only=True, help_text="时间")
    action = serializers.CharField(read_only=True, help_text="操作（状态表中的名称）")
    action_label = serializers.CharField(source="label", read_only=True, help_text="操作的中文名")
    from_state = serializers.CharField(read_only=True, help_text="原状态（创建时为空）")
    to_state = serializers.CharField(read_only=True, help_text="新状态")
    reason = serializers.CharField(read_only=True, help_text="理由或说明")
    actor_name = serializers.SerializerMethodField(help_text="操作人（已删除的用户为空）")

    def get_actor_name(self, event: Any) -> str | None:
        actor = event.actor
        return None if actor is None else (actor.full_name or actor.username)
