"""Pages of the findings (迟报/漏报/瞒报/谎报): the list, a finding with its decision, recording, the circular.

Who (``permissions_findings``): the desk's staff see their desk's findings; the desk chief
confirms or dismisses (others see the page read-only); duty officers, editors and the
chief record 漏报/瞒报/谎报 on an incident that reached their desk. A unit's reporters and
approvers see their unit's decided findings and its record. Another desk's finding is
missing (404). Views parse, call a service, render.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Case, IntegerField, Value, When
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from xinxi.lib.errors import ConflictError, ServiceError
from xinxi.lib.http import AuthedRequest
from xinxi.network.models import Unit
from xinxi.urgent import findings_documents as documents
from xinxi.urgent import forms_findings as forms
from xinxi.urgent import permissions, selectors_findings
from xinxi.urgent import services_findings as services
from xinxi.urgent.models import Finding, FindingKind, FindingState, Incident
from xinxi.urgent.permissions_findings import get_finding, is_desk_staff, visible_findings

LIST_LIMIT = 200
FLAG_INCIDENTS = 200


def _status(exc: ServiceError) -> int:
    if isinstance(exc, ConflictError):
        return 409
    return 403 if exc.code == "forbidden" else 400


def proposed_first(rows: Any) -> Any:
    order = Case(When(state=FindingState.PROPOSED, then=Value(0)), default=Value(1), output_field=IntegerField())
    return rows.annotate(_pending=order).order_by("_pending", "-proposed_at", "-id")


@login_required
def finding_list(request: AuthedRequest) -> HttpResponse:
    user = request.user
    rows = visible_findings(user).select_related("incident", "unit", "desk", "deadline")
    state, kind = request.GET.get("state", ""), request.GET.get("kind", "")
    if state in FindingState.values:
        rows = rows.filter(state=state)
    if kind in FindingKind.values:
        rows = rows.filter(kind=kind)
    incident_id = request.GET.get("incident", "")
    if incident_id.isdigit():
        rows = rows.filter(incident_id=int(incident_id))
    desk = permissions.desk_of(user)
    flags: list[selectors_findings.OfficeFlag] = []
    if desk is not None:
        recent = list(permissions.visible_incidents(user).filter(desk_rows__desk=desk)
                      .order_by("-occurred_at")[:FLAG_INCIDENTS])
        flags = selectors_findings.office_flags(recent)
        titles = {i.pk: i.title for i in recent}
        flags_shown = [(f, titles[f.incident_id]) for f in flags]
    else:
        flags_shown = []
    context = {
        "findings": list(proposed_first(rows)[:LIST_LIMIT]),
        "state": state, "kind": kind,
        "states": FindingState.choices, "kinds": FindingKind.choices,
        "flags": flags_shown,
        "unit_id": user.unit_id if user.has_role(*permissions.UNIT_ROLES) else None,
    }
    return render(request, "urgent/finding_list.html", context)


def _detail_context(request: AuthedRequest, finding: Finding, **extra: Any) -> dict[str, Any]:
    user = request.user
    chief = permissions.can_decide_findings(user, finding.desk) and finding.state == FindingState.PROPOSED
    initial = {"version": finding.version}
    return {
        "finding": finding,
        "facts": documents.facts(finding),
        "points": documents.penalty_points(finding),
        "files": list(finding.attachments.all()) if is_desk_staff(user, finding) else [],
        "can_decide": chief,
        "confirm_form": extra.pop("confirm_form", None) or forms.DecideForm(initial=initial, prefix="confirm"),
        "dismiss_form": extra.pop("dismiss_form", None) or forms.DismissForm(initial=initial, prefix="dismiss"),
        "staff": is_desk_staff(user, finding),
        **extra,
    }


@login_required
def finding_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    finding = get_finding(request.user, pk)
    return render(request, "urgent/finding_detail.html", _detail_context(request, finding))


def _decide(request: AuthedRequest, pk: int, which: str) -> HttpResponse:
    finding = get_finding(request.user, pk)
    form = (forms.DecideForm if which == "confirm" else forms.DismissForm)(request.POST, prefix=which)
    status = 400
    if form.is_valid():
        call = services.finding_confirm if which == "confirm" else services.finding_dismiss
        try:
            call(actor=request.user, finding=finding, version=form.cleaned_data["version"],
                 reason=form.cleaned_data["reason"])
        except ServiceError as exc:
            form.add_error(None, exc)
            status = _status(exc)
        else:
            messages.success(request, "已认定，扣分已记入计分台账。" if which == "confirm" else "已不予认定。")
            return redirect("urgent:finding_detail", pk=finding.pk)
    finding = get_finding(request.user, pk, what="紧急信息报告问题（认定）")
    return render(request, "urgent/finding_detail.html",
                  _detail_context(request, finding, **{f"{which}_form": form}), status=status)


@login_required
@require_POST
def finding_confirm(request: AuthedRequest, pk: int) -> HttpResponse:
    return _decide(request, pk, "confirm")


@login_required
@require_POST
def finding_dismiss(request: AuthedRequest, pk: int) -> HttpResponse:
    return _decide(request, pk, "dismiss")


@login_required
@require_GET
def finding_circular(request: AuthedRequest, pk: int) -> HttpResponse:
    finding = get_finding(request.user, pk, what="一事一通报")
    if finding.state != FindingState.CONFIRMED:
        raise Http404("该问题尚未认定，没有通报。")
    return download(finding)


def download(finding: Finding) -> HttpResponse:
    response = HttpResponse(documents.finding_docx(finding), content_type=documents.DOCX_TYPE)
    stem = documents.filename_stem(finding)
    response["Content-Disposition"] = (
        f"attachment; filename=\"{documents.ascii_filename(finding)}\"; filename*=UTF-8''{quote(f'{stem}.docx')}"
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def finding_evidence(request: AuthedRequest, pk: int, file_pk: int) -> FileResponse:
    finding = get_finding(request.user, pk, what="紧急信息报告问题证据")
    if not is_desk_staff(request.user, finding):
        raise Http404("未找到该文件")
    row = finding.attachments.filter(pk=file_pk).first()
    if row is None:
        raise Http404("未找到该文件")
    response = FileResponse(row.file.open("rb"), content_type=row.content_type, as_attachment=True,
                            filename=row.name)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _units(incident: Incident, desk: Any) -> Any:
    ids = set(incident.unit_rows.values_list("unit_id", flat=True))
    ids |= set(incident.deadlines.filter(desk=desk).values_list("unit_id", flat=True))
    return Unit.objects.filter(pk__in=ids).order_by("path")


@login_required
def finding_record(request: AuthedRequest, incident_pk: int) -> HttpResponse:
    user = request.user
    incident = permissions.get_incident(user, incident_pk, what="记录紧急信息报告问题")
    desk = permissions.acting_desk(user, incident)
    if desk is None or not permissions.can_record(user, desk):
        return render(request, "403.html", {"reason": "只有本科室的值班员、编辑和科长可以记录漏报、瞒报、谎报。"},
                      status=403)
    units = _units(incident, desk)
    form = forms.RecordForm(request.POST or None, request.FILES or None, units=units)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                finding = services.finding_record(
                    actor=user, incident=incident, unit=data["unit"], kind=data["kind"], person=data["person"],
                    evidence=data["evidence"], files=data["evidence_files"],
                )
            except ServiceError as exc:
                form.add_error(None, exc)
                status = _status(exc)
            else:
                messages.success(request, f"已记录{finding.get_kind_display()}，待科长认定。")
                return redirect("urgent:finding_detail", pk=finding.pk)
    return render(request, "urgent/finding_record.html", {"incident": incident, "form": form}, status=status)


@login_required
def unit_findings(request: AuthedRequest, unit_pk: int) -> HttpResponse:
    """A unit's record: its confirmed findings (its own people see all desks'; desk staff their desk's)."""
    user = request.user
    rows = selectors_findings.unit_record(visible_findings(user), Unit(pk=unit_pk))
    unit = Unit.objects.filter(pk=unit_pk).first()
    if unit is None or (user.unit_id != unit.pk and not rows.exists()
                        and not visible_findings(user).filter(unit_id=unit.pk).exists()):
        raise Http404("未找到该单位的记录")
    findings = list(rows[:LIST_LIMIT])
    points = documents.points_by_penalty([f.penalty_id for f in findings if f.penalty_id])
    for finding in findings:
        finding.points = points.get(finding.penalty_id or 0)  # type: ignore[attr-defined]
    return render(request, "urgent/finding_unit.html", {"unit": unit, "findings": findings})
