"""Template context: the unread count shown in the top bar on every page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from xinxi.notifications.services import unread_count


def unread(request: HttpRequest) -> dict[str, Any]:
    # A request refused before authentication (a Host header not allowed) has no user.
    user = getattr(request, "user", None)
    return {"unread_notifications": unread_count(user) if user is not None else 0}
