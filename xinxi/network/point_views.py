"""Pages for direct reporting points, desk settings and the working-day calendar."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from xinxi.lib.errors import ServiceError
from xinxi.lib.http import AuthedRequest
from xinxi.network import calendar, permissions, services
from xinxi.network.forms import DeskSettingsForm, PointAdmitForm, PointRevokeForm
from xinxi.network.models import CalendarDay, DirectPoint, Unit


@login_required
def point_list(request: AuthedRequest) -> HttpResponse:
    """Direct points the user may see; desk chiefs and admins admit and revoke here."""
    desks = permissions.managed_desks(request.user).select_related("unit")
    points = (
        permissions.visible_points(request.user)
        .select_related("unit", "desk", "desk__unit", "admitted_by", "revoked_by")
        .order_by("desk__unit__path", "revoked_on", "unit__path", "-admitted_on")
    )
    status = request.GET.get("status", "active")
    if status == "active":
        points = points.filter(revoked_on__isnull=True)
    elif status == "revoked":
        points = points.filter(revoked_on__isnull=False)
    candidates = Unit.objects.filter(active=True, pk__in=permissions.visible_units(request.user).values("pk"))
    form = None
    desk_list = list(desks)
    if desk_list:
        form = PointAdmitForm(
            request.POST or None,
            desks=desks,
            units=candidates.filter(level__gte=min(d.unit.level for d in desk_list)).order_by("path"),
        )
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                services.point_admit(
                    actor=request.user,
                    unit=data["unit"],
                    desk=data["desk"],
                    admitted_on=data["admitted_on"],
                    reason=data["reason"],
                )
            except ServiceError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, f"已确定“{data['unit'].name}”为直报点。")
                return redirect("point_list")
    elif request.method == "POST":
        raise Http404
    return render(
        request,
        "network/point_list.html",
        {
            "points": points[:500],
            "form": form,
            "status": status,
            "managed_desk_ids": {d.pk for d in desk_list},
        },
    )


@login_required
def point_revoke(request: AuthedRequest, pk: int) -> HttpResponse:
    point = (
        DirectPoint.objects.filter(pk=pk, desk__in=permissions.managed_desks(request.user))
        .select_related("unit", "desk")
        .first()
    )
    if point is None:
        raise Http404
    form = PointRevokeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.point_revoke(
                actor=request.user,
                point=point,
                revoked_on=form.cleaned_data["revoked_on"],
                reason=form.cleaned_data["reason"],
            )
        except ServiceError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"已撤销“{point.unit.name}”的直报点资格。")
            return redirect("point_list")
    return render(request, "network/point_revoke.html", {"form": form, "point": point})


@login_required
def desk_settings(request: AuthedRequest, pk: int) -> HttpResponse:
    desk = permissions.managed_desks(request.user).filter(pk=pk).select_related("unit").first()
    if desk is None:
        raise Http404
    form = DeskSettingsForm(
        request.POST or None,
        initial={
            "name": desk.name,
            "urgent_phone_limit_minutes": desk.urgent_phone_limit_minutes,
            "urgent_written_limit_minutes": desk.urgent_written_limit_minutes,
            "supervision_due_days": desk.supervision_due_days,
            "supervision_remind_days": desk.supervision_remind_days,
            "supervision_repeat_days": desk.supervision_repeat_days,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.desk_update_settings(actor=request.user, desk=desk, **form.cleaned_data)
        except ServiceError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "科室设置已保存。")
            return redirect("unit_card", pk=desk.unit_id)
    return render(request, "network/desk_settings.html", {"form": form, "desk": desk})


@login_required
def calendar_view(request: AuthedRequest) -> HttpResponse:
    """A year's working days month by month, or the admin-facing error for a year without data."""
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year", today.year))
    except ValueError:
        year = today.year
    year = max(1990, min(year, 2100))
    context: dict[str, object] = {"year": year, "today": today, "is_admin": request.user.is_admin}
    try:
        workdays = set(calendar.working_days(dt.date(year, 1, 1), dt.date(year, 12, 31)))
    except calendar.CalendarYearMissing as exc:
        context["error"] = exc.messages[0]
        return render(request, "network/calendar.html", context, status=200)
    names = dict(CalendarDay.objects.filter(date__year=year).values_list("date", "name"))
    months = []
    for month in range(1, 13):
        first = dt.date(year, month, 1)
        days = []
        day = first
        while day.month == month:
            weekend = day.weekday() >= 5
            working = day in workdays
            label = names.get(day) or (calendar.holiday_name(day) if not working and not weekend else "")
            days.append({"date": day, "working": working, "special": working == weekend, "label": label})
            day += dt.timedelta(days=1)
        months.append(
            {
                "month": month,
                "lead": range(first.weekday()),
                "days": days,
                "count": sum(1 for d in days if d["working"]),
            }
        )
    context.update(months=months, total=len(workdays))
    return render(request, "network/calendar.html", context)
