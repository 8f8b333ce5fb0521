"""Serializers of the notifications API."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from xinxi.notifications.models import Notification

MAX_IDS = 500


class NotificationSerializer(serializers.ModelSerializer[Notification]):
    read = serializers.SerializerMethodField(help_text="是否已读")

    class Meta:
        model = Notification
        fields = ["id", "text", "url", "created_at", "read", "read_at"]
        read_only_fields = fields

    def get_read(self, notification: Notification) -> bool:
        return notification.read_at is not None


class MarkReadSerializer(serializers.Serializer[Any]):
    ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**63 - 1), required=False, allow_null=True,
        max_length=MAX_IDS, help_text=f"要标为已读的通知编号（最多 {MAX_IDS} 个）；省略或为空值时全部标为已读",
    )


class MarkReadResultSerializer(serializers.Serializer[Any]):
    marked = serializers.IntegerField(help_text="本次标为已读的条数")
    unread = serializers.IntegerField(help_text="剩余未读条数")
