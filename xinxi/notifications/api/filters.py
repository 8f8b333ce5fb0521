"""Query filters of the notifications API."""

from __future__ import annotations

from django_filters import rest_framework as filters

from xinxi.network.api.filters import StrictBooleanFilter
from xinxi.notifications.models import Notification


class NotificationFilter(filters.FilterSet):
    # unread=true: read_at is null.
    unread = StrictBooleanFilter(field_name="read_at", lookup_expr="isnull", label="true 只看未读；false 只看已读")

    class Meta:
        model = Notification
        fields = ["unread"]
