"""The desk's urgent-information settings page (/urgent/settings/): its chief or an administrator."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render

from xinxi.lib.errors import ServiceError
from xinxi.lib.http import AuthedRequest
from xinxi.network.models import Desk
from xinxi.network.permissions import settings_desk
from xinxi.urgent import permissions, services_settings
from xinxi.urgent.forms_settings import SettingsForm
from xinxi.urgent.views_incidents import status_of


def _desk(request: AuthedRequest) -> Desk | None:
    """The user's own desk, or for an administrator the one ``?desk=`` names (None: choose one)."""
    return settings_desk(request.user, request.GET.get("desk", ""), request.method or "GET",
                         permissions.can_edit_settings)


@login_required
def settings_page(request: AuthedRequest) -> HttpResponse:
    user = request.user
    desk = _desk(request)
    desks = Desk.objects.select_related("unit").order_by("unit__path") if user.is_admin else []
    if desk is None:
        return render(request, "urgent/settings.html", {"form": None, "desk": None, "desks": desks})
    form = SettingsForm(request.POST or None, desk=desk)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services_settings.urgent_settings_update(
                    actor=user,
                    desk=desk,
                    limits=form.limit_values(),
                    expected=form.cleaned_data["fingerprint"],
                    **form.values(),
                )
            except ServiceError as exc:
                form.add_error(None, exc.messages[0])
                status = status_of(exc)
            else:
                messages.success(request, "紧急信息设置已保存；新的时限适用于此后登记或更正的事件。")
                url = "/urgent/settings/" + (f"?desk={desk.pk}" if user.is_admin else "")
                return redirect(url)
    return render(request, "urgent/settings.html", {"form": form, "desk": desk, "desks": desks}, status=status)
