"""Incident pages (/urgent/incidents/…): the list, one incident, and the forms that change it.

Thin views: reads through ``permissions`` and ``board``, writes through ``services``. What
a user may not see is a 404 like a missing incident; a refusal is shown on the page with
the input kept (400, 403 without the right, 409 for a stale form or a second click).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import IntegrityError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from xinxi.accounts.models import Role
from xinxi.items.models import ItemState
from xinxi.lib.errors import ConflictError, ServiceError
from xinxi.lib.http import AuthedRequest
from xinxi.lib.listing import choice_param, int_param, paginate
from xinxi.network.models import Desk
from xinxi.urgent import board, clocks, forms, permissions, services
from xinxi.urgent.models import (
    Incident,
    IncidentClass,
    IncidentReport,
    IncidentState,
    PhoneReport,
    ReportKind,
    Severity,
)

PAGE_SIZE = 30
REPEAT_WINDOW = dt.timedelta(minutes=10)  # an identical form posted again this soon is a second click


def status_of(exc: ServiceError) -> int:
    if isinstance(exc, ConflictError):
        return 409
    return 403 if exc.code == "forbidden" else 400


def recording_desk(user: Any) -> Desk | None:
    """The user's desk if the user may record incidents there."""
    desk = permissions.desk_of(user)
    return desk if desk is not None and permissions.can_record(user, desk) else None


# --- the list ---

STATE_FILTERS = {"open": "处置中", "closed": "已终报", "all": "全部"}


@login_required
def incident_list(request: AuthedRequest) -> HttpResponse:
    user = request.user
    visible = permissions.visible_incidents(user)
    state = choice_param(request, "state", STATE_FILTERS, "open")
    rows = visible
    if state != "all":
        rows = rows.filter(state=IncidentState.OPEN if state == "open" else IncidentState.CLOSED)
    severity = int_param(request, "severity")
    if severity in Severity.values:
        rows = rows.filter(severity=severity)
    cls = choice_param(request, "class", IncidentClass.values)
    if cls:
        rows = rows.filter(incident_class=cls)
    page = paginate(request, rows.select_related("desk").order_by("-occurred_at", "-id"), PAGE_SIZE)
    return render(
        request,
        "urgent/incident_list.html",
        {
            "page": page,
            "state": state,
            "states": STATE_FILTERS,
            "severity": severity,
            "severities": Severity.choices,
            "cls": cls,
            "classes": IncidentClass.choices,
            "can_record": recording_desk(user) is not None,
            "has_desk": permissions.desk_of(user) is not None,
        },
    )


# --- recording ---


def _repeat_incident(user: Any, desk: Desk, facts: dict[str, Any]) -> Incident | None:
    """The incident this very form recorded a moment ago (a double click), if any."""
    return (
        Incident.objects.filter(
            desk=desk,
            recorded_by=user,
            title=facts["title"],
            occurred_at=facts["occurred_at"],
            recorded_at__gte=timezone.now() - REPEAT_WINDOW,
        )
        .order_by("-id")
        .first()
    )


@login_required
def incident_new(request: AuthedRequest) -> HttpResponse:
    user = request.user
    desk = recording_desk(user)
    if desk is None:
        raise Http404
    form = forms.IncidentForm(request.POST or None, units=permissions.reporting_units(desk), clearance=user.clearance)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            facts = form.facts()
            repeat = _repeat_incident(user, desk, facts)
            if repeat is not None:
                messages.info(request, "该事件刚才已登记，未重复登记。")
                return redirect("urgent:incident_detail", pk=repeat.pk)
            try:
                incident = services.incident_record(
                    actor=user, desk=desk, units=list(form.cleaned_data["units"]), **facts
                )
            except ServiceError as exc:
                form.add_error(None, exc.messages[0])
                status = status_of(exc)
            else:
                messages.success(request, "事件已登记，各责任单位的报告时限已从发生时间起算。")
                return redirect("urgent:incident_detail", pk=incident.pk)
    return render(request, "urgent/incident_form.html", {"form": form, "desk": desk}, status=status)


def _param(request: AuthedRequest, name: str) -> str:
    """A field of the facts form, with or without the board's ``new-`` prefix."""
    return (request.GET.get(name) or request.GET.get(f"new-{name}") or "").strip()


@login_required
def severity_hint(request: AuthedRequest) -> HttpResponse:
    """The suggested severity for the casualties and loss typed so far (htmx, on change)."""
    if permissions.desk_of(request.user) is None:
        raise Http404
    values: dict[str, int] = {}
    for name in ("deaths", "injured", "missing"):
        raw = _param(request, name)
        values[name] = min(int(raw), 1_000_000) if raw.isdigit() else 0
    try:
        loss = Decimal(_param(request, "loss") or 0)
    except InvalidOperation:
        loss = Decimal(0)
    if not loss.is_finite() or loss < 0:
        loss = Decimal(0)
    suggestion = None
    if _param(request, "incident_class") == IncidentClass.ACCIDENT:
        suggestion = clocks.suggest_severity(
            deaths=values["deaths"], injured=values["injured"], missing=values["missing"], loss=loss
        )
    return render(request, "urgent/_severity_hint.html", {"suggestion": suggestion})


# --- one incident ---


def _detail_context(request: AuthedRequest, incident: Incident) -> dict[str, Any]:
    user = request.user
    now = timezone.now()
    desk = permissions.acting_desk(user, incident)
    desk_side = desk is not None
    deadlines = list(
        incident.deadlines.filter(cancelled=False).select_related("unit", "desk", "desk__unit", "met_by_report")
    )
    reports = list(
        incident.reports.select_related("unit", "item", "filed_by", "signed_off_by").order_by("filed_at", "id")
    )
    phones = list(incident.phone_reports.select_related("unit", "desk", "recorded_by"))
    if not desk_side:  # a unit's user: the unit's own clocks and reports
        deadlines = [d for d in deadlines if d.unit_id == user.unit_id]
        reports = [r for r in reports if r.unit_id == user.unit_id]
        phones = [p for p in phones if p.unit_id == user.unit_id]
    amber = board.amber_minutes(desk or incident.desk)
    can_record = desk is not None and permissions.can_record(user, desk)
    can_file = permissions.can_file_report(user, incident)
    own_reports = [r for r in reports if r.unit_id == user.unit_id]
    links = board.report_links(user, reports)
    for r in reports:
        r.link = links.get(r.pk, "")  # type: ignore[attr-defined]
    return {
        "incident": incident,
        "desk_side": desk_side,
        "now": now,
        "amber": amber,
        "statuses": board.statuses(deadlines, now, amber),
        "reports": reports,
        "pending_final": next(
            (r for r in own_reports if r.kind == ReportKind.FINAL and r.item.state == ItemState.PENDING_SIGNOFF), None
        ),
        "phones": phones,
        "events": incident.events.select_related("actor").order_by("at", "id")[:200] if desk_side else [],
        "can_record": can_record,
        "can_file": can_file,
        "is_reporter_only": not user.has_role(Role.APPROVER),
        "own_count": len(own_reports),
        "responsible": incident.unit_rows.select_related("unit").order_by("unit__path"),
    }


def _render_detail(
    request: AuthedRequest, incident: Incident, *, bound: dict[str, Any] | None = None, status: int = 200
) -> HttpResponse:
    context = _detail_context(request, incident)
    bound = bound or {}
    if context["can_record"]:
        context["correct_form"] = bound.get("correct_form") or forms.CorrectForm(initial={"version": incident.version})
        candidates = (
            permissions.reporting_units(incident.desk)
            .exclude(pk__in=incident.unit_rows.values("unit_id"))
            .order_by("path")
        )
        context["add_unit_form"] = bound.get("add_unit_form") or forms.AddUnitForm(units=candidates)
    if context["can_file"]:
        kinds = board.allowed_kinds(incident, request.user.unit_id)
        context["kinds"] = kinds
        if kinds:
            context["report_form"] = bound.get("report_form") or forms.ReportForm(
                kinds=kinds,
                initial={"seen": context["own_count"], "kind": kinds[0][0], "title": f"关于{incident.title}的情况报告"},
            )
    context["open_form"] = next(iter(bound), "")
    return render(request, "urgent/incident_detail.html", context, status=status)


@login_required
def incident_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    incident = permissions.get_incident(request.user, pk)
    return _render_detail(request, incident)


def _recordable(request: AuthedRequest, pk: int) -> Incident:
    incident = permissions.get_incident(request.user, pk, what="事件操作")
    desk = permissions.acting_desk(request.user, incident)
    if desk is None or not permissions.can_record(request.user, desk):
        raise Http404
    return incident


@login_required
@require_POST
def incident_correct(request: AuthedRequest, pk: int) -> HttpResponse:
    incident = _recordable(request, pk)
    form = forms.CorrectForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.incident_correct(
                actor=request.user,
                incident=incident,
                version=data["version"],
                reason=data["reason"],
                severity=data["severity"],
                occurred_at=data["occurred_at"],
            )
        except ServiceError as exc:
            form.add_error(None, exc.messages[0])
            return _render_detail(request, incident, bound={"correct_form": form}, status=status_of(exc))
        messages.success(request, "已更正，各报告时限已按更正后的情况重新计算。")
        return redirect("urgent:incident_detail", pk=incident.pk)
    return _render_detail(request, incident, bound={"correct_form": form}, status=400)


@login_required
@require_POST
def incident_add_unit(request: AuthedRequest, pk: int) -> HttpResponse:
    incident = _recordable(request, pk)
    form = forms.AddUnitForm(request.POST, units=permissions.reporting_units(incident.desk))
    if form.is_valid():
        unit = form.cleaned_data["unit"]
        try:
            services.incident_add_unit(actor=request.user, incident=incident, unit=unit)
        except ServiceError as exc:
            form.add_error(None, exc.messages[0])
            return _render_detail(request, incident, bound={"add_unit_form": form}, status=status_of(exc))
        messages.success(request, f"已增加责任单位“{unit.name}”，其报告时限同样从发生时间起算。")
        return redirect("urgent:incident_detail", pk=incident.pk)
    return _render_detail(request, incident, bound={"add_unit_form": form}, status=400)


@login_required
@require_POST
def report_file(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    incident = permissions.get_incident(user, pk, what="填报紧急信息")
    if not permissions.can_file_report(user, incident):
        raise Http404
    kinds = board.allowed_kinds(incident, user.unit_id)
    form = forms.ReportForm(request.POST, kinds=kinds)
    if form.is_valid():
        data = form.cleaned_data
        seen = IncidentReport.objects.filter(incident=incident, unit=user.unit).count()
        if data["seen"] != seen:
            form.add_error(None, "本单位的报告已有更新（可能是重复提交或他人刚报送），请核对后再报送。")
            return _render_detail(request, incident, bound={"report_form": form}, status=409)
        try:
            report = services.report_file(
                actor=user, incident=incident, kind=data["kind"], title=data["title"], body=data["body"]
            )
        except IntegrityError:
            form.add_error(None, "本单位的报告已有更新（可能是重复提交），请核对后再报送。")
            return _render_detail(request, incident, bound={"report_form": form}, status=409)
        except ServiceError as exc:
            form.add_error(None, exc.messages[0])
            return _render_detail(request, incident, bound={"report_form": form}, status=status_of(exc))
        if report.submitted_at is None:
            messages.success(request, f"{report.label}已提交本单位领导签发，签发后即报送。")
        else:
            messages.success(request, f"{report.label}已报送。")
        return redirect("urgent:incident_detail", pk=incident.pk)
    return _render_detail(request, incident, bound={"report_form": form}, status=400)


def repeat_phone(user: Any, desk: Desk, data: dict[str, Any]) -> PhoneReport | None:
    """The phone report this very form recorded a moment ago (a double click), if any."""
    return (
        PhoneReport.objects.filter(
            desk=desk,
            recorded_by=user,
            unit=data["unit"],
            caller=data["caller"].strip(),
            received_at=data["received_at"],
            content=data["content"].strip(),
            recorded_at__gte=timezone.now() - REPEAT_WINDOW,
        )
        .order_by("-id")
        .first()
    )
