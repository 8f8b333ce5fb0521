"""API views of the notification centre: a user's own notifications, never anyone else's."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from xinxi.lib.api_views import ServiceViewSet, acting_user, documented
from xinxi.notifications.api.filters import NotificationFilter
from xinxi.notifications.api.serializers import MarkReadResultSerializer, MarkReadSerializer, NotificationSerializer
from xinxi.notifications.models import Notification
from xinxi.notifications.render import render, shown_to
from xinxi.notifications.services import notifications_mark_read, unread_count


@extend_schema_view(
    list=extend_schema(summary="我的通知", description="新的在前；unread=true 只看未读（count 即未读数）。",
                       responses=documented({200: NotificationSerializer(many=True)}, 400)),
)
class NotificationViewSet(mixins.ListModelMixin, ServiceViewSet[Notification]):
    serializer_class = NotificationSerializer  # type: ignore[assignment]  # it serializes the worded rows
    filterset_class = NotificationFilter

    def get_queryset(self) -> QuerySet[Notification]:
        user = self.request.user
        if not user.is_authenticated:  # the schema generator asks without a user
            return Notification.objects.none()
        return shown_to(user).order_by("-created_at", "-id")

    def paginate_queryset(self, queryset: Any) -> Any:
        """Word the page for the reader: one query per kind on the page, never one per row."""
        page = super().paginate_queryset(queryset)
        return None if page is None else render(self.request.user, page)

    @extend_schema(summary="标为已读", description="只会改动本人的通知；别人的或不存在的编号被忽略。",
                   request=MarkReadSerializer, responses=documented({200: MarkReadResultSerializer}, 400))
    @action(detail=False, methods=["post"], url_path="mark-read", pagination_class=None, filter_backends=[])
    def mark_read(self, request: Request) -> Response:
        user = acting_user(request)
        data = self.parse(MarkReadSerializer)
        marked = notifications_mark_read(user=user, ids=data.get("ids"))
        return Response(MarkReadResultSerializer({"marked": marked, "unread": unread_count(user)}).data)
