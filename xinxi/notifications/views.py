"""The notification centre: a user's own notifications, newest first."""

from __future__ import annotations

import re
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from xinxi.items import desk_services, permissions
from xinxi.lib.http import AuthedRequest
from xinxi.notifications.render import render as render_notifications
from xinxi.notifications.render import render_one, shown_to
from xinxi.notifications.services import notifications_mark_read

PAGE_SIZE = 30
POPOVER_SIZE = 5
DESK_ENTRY_URL = re.compile(r"^/desk/entries/(\d+)/$")


@login_required
def notification_list(request: AuthedRequest) -> HttpResponse:
    rows = shown_to(request.user)
    unread_only = request.GET.get("unread") == "1"
    if unread_only:
        rows = rows.filter(read_at__isnull=True)
    page = Paginator(rows.order_by("-created_at", "-id"), PAGE_SIZE).get_page(request.GET.get("page"))
    shown = render_notifications(request.user, page.object_list)
    return render(request, "notifications/list.html", {"page": page, "shown": shown, "unread_only": unread_only})


@login_required
def notification_popover(request: AuthedRequest) -> HttpResponse:
    """The top bar's drop-down: the newest unread notifications, worded like the centre."""
    rows = shown_to(request.user).filter(read_at__isnull=True).order_by("-created_at", "-id")[:POPOVER_SIZE]
    shown = render_notifications(request.user, rows)
    return render(request, "notifications/_popover.html", {"shown": shown})


@require_POST
@login_required
def notification_open(request: AuthedRequest, pk: int) -> HttpResponse:
    """Mark one notification read and go where it points."""
    notification = get_object_or_404(shown_to(request.user), pk=pk)
    notifications_mark_read(user=request.user, ids=[notification.pk])
    return redirect(_target(request, render_one(request.user, notification).url))


@require_POST
@login_required
def notification_read_all(request: AuthedRequest) -> HttpResponse:
    count = notifications_mark_read(user=request.user)
    messages.success(request, f"已将 {count} 条通知标为已读。" if count else "没有未读通知。")
    return redirect("notification_list")


def _target(request: AuthedRequest, url: str) -> str:
    """A local address to follow; a desk entry seen by its sending unit opens the unit's feedback page."""
    if not url or not url.startswith("/") or not url_has_allowed_host_and_scheme(url, allowed_hosts=None):
        return "/notifications/"
    match = DESK_ENTRY_URL.match(url)
    if match and permissions.desk_of(request.user) is None and permissions.can_write_items(request.user):
        return _feedback_url(request.user, int(match.group(1))) or url
    return url


def _feedback_url(user: Any, entry_pk: int) -> str | None:
    entry = permissions.visible_entries(user).select_related("item").filter(pk=entry_pk).first()
    if entry is None:
        return None
    for item, unit in desk_services.credited_items(entry):
        if unit.pk == user.unit_id:
            return f"/items/{item.pk}/"
    return "/items/"
