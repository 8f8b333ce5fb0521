"""Serializers of the notifications API."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from xinxi.notifications.models import NotificationKind
from xinxi.notifications.render import Shown

MAX_IDS = 500


class NotificationSerializer(serializers.Serializer[Shown]):
    """A notification as its recipient reads it (worded by ``notifications.render``)."""

    id = serializers.IntegerField(source="pk", read_only=True)
    kind = serializers.ChoiceField(
        source="notification.kind", choices=NotificationKind.choices, read_only=True, help_text="通知类型"
    )
    text = serializers.CharField(read_only=True, help_text="内容；对象已不可见时只说明类型，不含标题")
    url = serializers.CharField(read_only=True, help_text="链接；对象已不可见时为空")
    available = serializers.BooleanField(read_only=True, help_text="所涉对象当前是否可见")
    created_at = serializers.DateTimeField(read_only=True)
    read = serializers.SerializerMethodField(help_text="是否已读")
    read_at = serializers.DateTimeField(read_only=True, allow_null=True)

    def get_read(self, shown: Shown) -> bool:
        return shown.read_at is not None


class MarkReadSerializer(serializers.Serializer[Any]):
    ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**63 - 1), required=False, allow_null=True,
        max_length=MAX_IDS, help_text=f"要标为已读的通知编号（最多 {MAX_IDS} 个）；省略或为空值时全部标为已读",
    )


class MarkReadResultSerializer(serializers.Serializer[Any]):
    marked = serializers.IntegerField(help_text="本次标为已读的条数")
    unread = serializers.IntegerField(help_text="剩余未读条数")
