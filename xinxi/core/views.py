"""The home page: one view, with a panel for each of the user's roles."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from xinxi.accounts.models import DESK_ROLES, Role, User
from xinxi.assignments import panels_commissions
from xinxi.instructions import permissions as instruction_permissions
from xinxi.instructions import selectors as instruction_selectors
from xinxi.lib.http import AuthedRequest
from xinxi.network import calendar, permissions, selectors, services
from xinxi.network.models import Desk, DirectPoint, StaffMember, Unit
from xinxi.urgent import board as urgent_board
from xinxi.urgent import permissions as urgent_permissions


@login_required
def home(request: AuthedRequest) -> HttpResponse:
    user = request.user
    today = timezone.localdate()
    context: dict[str, object] = {"today": today, "roles": user.role_labels()}
    unit = user.unit
    if unit is not None and user.has_role(Role.REPORTER, Role.APPROVER):
        month_start, month_end = selectors.month_bounds(today)
        quotas = []
        for quota in selectors.unit_quotas(unit, today):
            try:
                expected = f"{selectors.expected_items(quota, month_start, month_end)} 条"
            except calendar.CalendarYearMissing as exc:
                expected = exc.messages[0]
            quotas.append({"quota": quota, "expected": expected})
        context["unit_panel"] = {
            "parent_desk": services.parent_desk(unit),
            "point_desks": Desk.objects.filter(points__unit=unit, points__revoked_on__isnull=True).select_related(
                "unit"
            ),
            "quotas": quotas,
        }
    desk = permissions.user_desk(user)
    if desk is not None and user.has_role(*DESK_ROLES):
        visible = permissions.visible_units(user)
        context["desk_panel"] = {
            "desk": desk,
            "units": visible.filter(active=True).count(),
            "points": DirectPoint.objects.filter(desk=desk, revoked_on__isnull=True).count(),
            "staff": StaffMember.objects.filter(unit__in=visible, active=True).count(),
        }
    if desk is not None and user.has_role(Role.DUTY_OFFICER):
        contacts = (
            StaffMember.objects.filter(active=True, unit__in=Unit.objects.filter(parent=desk.unit, active=True))
            .select_related("unit")
            .order_by("unit__sort_order", "unit__name", "role")[:100]
        )
        context["contacts"] = contacts
    if user.is_admin:
        next_year = today.year + 1
        context["admin_panel"] = {
            "units": Unit.objects.filter(active=True).count(),
            "desks": Desk.objects.filter(active=True).count(),
            "users": User.objects.filter(is_active=True).count(),
            "locked": User.objects.filter(locked_until__gt=timezone.now()).count(),
            "next_year": next_year,
            "next_year_ready": calendar.year_has_data(next_year),
        }
    tasks = instruction_permissions.visible_tasks(user)
    if user.unit_id is not None and tasks.exists():
        window = instruction_selectors.due_soon_window(user)
        context["supervision_panel"] = instruction_selectors.task_counts(tasks, today=today, window_days=window)
    if desk is not None and user.has_role(*DESK_ROLES):
        context["urgent_panel"] = {
            "deadlines": urgent_board.nearest_deadlines(urgent_permissions.visible_incidents(user), desk),
            "now": timezone.now(),
            "amber": urgent_board.amber_minutes(desk),
        }
    context["commission_panel"] = panels_commissions.home_panel(user)
    context["can_manage"] = permissions.can_manage_network(user)
    context["managed_desks"] = permissions.managed_desks(user).select_related("unit")[:20]
    return render(request, "core/home.html", context)
