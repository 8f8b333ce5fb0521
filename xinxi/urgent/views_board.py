"""The duty board (值班, /urgent/): every open incident of the desk with its clocks.

The page has two parts: the clocks (``#board-data``), which htmx reloads every 30 seconds
from ``board_data``, and the phone-report form, which sits outside that region so a refresh
never touches what the duty officer is typing. ``board.js`` counts down from the ISO due
times in ``data-due`` attributes against the server's clock (``data-now`` of the region).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from xinxi.lib.errors import ServiceError
from xinxi.lib.http import AuthedRequest
from xinxi.network.models import Desk
from xinxi.urgent import board, forms, permissions, services
from xinxi.urgent.models import Incident, IncidentState
from xinxi.urgent.views_incidents import recording_desk, repeat_phone, status_of


def _data(user: Any, desk: Desk) -> dict[str, Any]:
    now = timezone.now()
    return {
        "rows": board.board(permissions.visible_incidents(user), desk, now),
        "now": now,
        "desk": desk,
        "amber": board.amber_minutes(desk),
    }


def _open_incidents(user: Any, desk: Desk) -> list[Incident]:
    return list(
        permissions.visible_incidents(user)
        .filter(state=IncidentState.OPEN, desk_rows__desk=desk)
        .order_by("-occurred_at", "-id")[: board.BOARD_MAX]
    )


def _phone_forms(user: Any, desk: Desk, data: Any = None) -> tuple[forms.PhoneForm, forms.FactsForm]:
    phone = forms.PhoneForm(
        data,
        units=permissions.reporting_units(desk).order_by("path"),
        incidents=_open_incidents(user, desk),
        prefix="phone",
    )
    facts = forms.FactsForm(data, clearance=user.clearance, prefix="new")
    return phone, facts


def _render(
    request: AuthedRequest, desk: Desk, *, phone: Any = None, facts: Any = None, status: int = 200
) -> HttpResponse:
    user = request.user
    context = _data(user, desk)
    context["can_record"] = permissions.can_record(user, desk)
    context["perms_settings"] = permissions.can_edit_settings(user, desk)
    if context["can_record"]:
        default_phone, default_facts = _phone_forms(user, desk)
        context["phone_form"] = phone or default_phone
        context["facts_form"] = facts or default_facts
        context["phone_open"] = phone is not None
    return render(request, "urgent/board.html", context, status=status)


@login_required
def board_page(request: AuthedRequest) -> HttpResponse:
    desk = permissions.desk_of(request.user)
    if desk is None:
        return redirect("urgent:incident_list")  # a unit's users: their incidents
    return _render(request, desk)


@login_required
def board_data(request: AuthedRequest) -> HttpResponse:
    """The board's clocks alone (htmx polls this)."""
    desk = permissions.desk_of(request.user)
    if desk is None:
        raise Http404
    return render(request, "urgent/_board_data.html", _data(request.user, desk))


@login_required
@require_POST
def phone_report(request: AuthedRequest) -> HttpResponse:
    user = request.user
    desk = recording_desk(user)
    if desk is None:
        raise Http404
    phone, facts = _phone_forms(user, desk, request.POST)
    if not phone.is_valid():
        return _render(request, desk, phone=phone, facts=facts, status=400)
    data = phone.cleaned_data
    incident = None
    new_incident = None
    if data["incident"] is not None:
        incident = next((i for i in _open_incidents(user, desk) if i.pk == data["incident"]), None)
        if incident is None:
            phone.add_error("incident", "所选事件不在本科室的处置中事件内，请刷新后重选。")
            return _render(request, desk, phone=phone, facts=facts, status=400)
    else:
        if not facts.is_valid():
            phone.add_error(None, "登记新事件，请填写下方“新事件情况”。")
            return _render(request, desk, phone=phone, facts=facts, status=400)
        new_incident = facts.facts()
    repeat = repeat_phone(user, desk, data)
    if repeat is not None and (incident is None or repeat.incident_id == incident.pk):
        messages.info(request, "这条电话报告刚才已登记，未重复登记。")
        return redirect("urgent:incident_detail", pk=repeat.incident_id)
    try:
        record = services.phone_report_record(
            actor=user,
            desk=desk,
            unit=data["unit"],
            caller=data["caller"],
            caller_phone=data["caller_phone"],
            received_at=data["received_at"],
            content=data["content"],
            incident=incident,
            new_incident=new_incident,
        )
    except ServiceError as exc:
        phone.add_error(None, exc.messages[0])
        return _render(request, desk, phone=phone, facts=facts, status=status_of(exc))
    if new_incident is not None:
        messages.success(request, "电话报告已登记，并已登记新事件；各级报告时限从发生时间起算。")
    else:
        messages.success(request, "电话报告已登记。")
    return redirect(f"/urgent/#incident-{record.incident_id}")
