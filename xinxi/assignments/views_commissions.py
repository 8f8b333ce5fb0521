"""Pages of commissions (约稿): the list, issuing one, a commission with its answers, declining.

Who (``permissions_commissions``): the desk's staff see their desk's commissions and the
answer table; its editors and desk chief issue them. A target unit's reporters and
approvers see the commissions addressed to their unit, their own row, the link that opens
the draft form preselected (撰写答复) and the decline form. Anyone else: 404.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from xinxi.assignments import permissions_commissions as permissions
from xinxi.assignments import services_commissions as services
from xinxi.assignments.forms_commissions import CommissionForm, DeclineForm
from xinxi.assignments.models import Commission, CommissionTarget, TargetStatus
from xinxi.items.permissions import can_write_items, desk_entries
from xinxi.lib.errors import ServiceError, error_text
from xinxi.lib.http import AuthedRequest
from xinxi.lib.listing import paginate

PAGE_SIZE = 30


def with_counts(rows: Any) -> Any:
    """Each commission with its number of targets per status (one query)."""
    counts = {
        f"n_{status}": Count("targets", filter=Q(targets__status=status)) for status in TargetStatus.values
    }
    return rows.annotate(n_targets=Count("targets"), **counts)


@login_required
def commission_list(request: AuthedRequest) -> HttpResponse:
    user = request.user
    desk = permissions.staff_desk(user)
    unit_rows = can_write_items(user)
    if desk is None and not unit_rows:
        raise Http404("没有可查看的约稿。")
    context: dict[str, Any] = {"desk": desk, "can_issue": permissions.can_issue(user)}
    if desk is not None:
        rows = with_counts(permissions.desk_commissions(user)).select_related("created_by").order_by("-due_at", "-id")
        context["page"] = paginate(request, rows, PAGE_SIZE)
    else:
        targets = (
            CommissionTarget.objects.filter(unit_id=user.unit_id or 0)
            .select_related("commission", "commission__desk")
            .order_by("-commission__due_at", "-pk")
        )
        context["page"] = paginate(request, targets, PAGE_SIZE)
        context["open"] = permissions.OPEN_STATUSES
    return render(request, "assignments/commissions_list.html", context)


@login_required
def commission_new(request: AuthedRequest) -> HttpResponse:
    user = request.user
    if not permissions.can_issue(user):
        raise PermissionDenied("只有本科室的编辑和科长可以发起约稿。")
    desk = permissions.staff_desk(user)
    assert desk is not None
    form = CommissionForm(request.POST if request.method == "POST" else None, desk=desk, initial={"scored": True})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            commission = services.commission_create(
                actor=user, topic=data["topic"], requirements=data["requirements"], due_at=data["due_at"],
                scored=data["scored"], unit_classes=list(data["unit_classes"]), units=list(data["units"]),
                remind_hours=data["remind_hours"],
            )
        except ServiceError as exc:
            form.add_error(None, error_text(exc))
        else:
            messages.success(request, f"已发起约稿，通知了 {commission.targets.count()} 个单位。")
            return redirect("assignments:commission_detail", pk=commission.pk)
    status = 400 if form.is_bound else 200
    return render(request, "assignments/commissions_new.html", {"form": form, "desk": desk}, status=status)


def _answer_rows(user: Any, commission: Commission) -> list[dict[str, Any]]:
    targets = list(commission.targets.select_related("unit", "declined_by").order_by("unit__path"))
    item_ids = [t.item_id for t in targets if t.item_id and t.answered_at]
    found = desk_entries(user).filter(desk_id=commission.desk_id, item_id__in=item_ids)
    entries = {e.item_id: e for e in found.only("pk", "title", "item_id")}
    rows = []
    for target in targets:
        late = target.late_by
        rows.append({
            "target": target,
            "entry": entries.get(target.item_id) if target.item_id and target.answered_at else None,
            "late": services.describe_delay(late) if late else "",
        })
    return rows


def _detail(request: AuthedRequest, commission: Commission, decline_form: DeclineForm | None = None,
            status: int = 200) -> HttpResponse:
    user = request.user
    context: dict[str, Any] = {"c": commission, "statuses": TargetStatus}
    if permissions.is_desk_staff(user, commission):
        rows = _answer_rows(user, commission)
        context["rows"] = rows
        context["counts"] = {label: sum(1 for r in rows if r["target"].status == code)
                             for code, label in TargetStatus.choices}
    target = permissions.own_target(user, commission)
    if target is not None:
        late = target.late_by
        context["own"] = target
        context["own_late"] = services.describe_delay(late) if late else ""
        context["can_answer"] = target.status in permissions.OPEN_STATUSES
        context["can_decline"] = target.status == TargetStatus.PENDING
        context["decline_form"] = decline_form or DeclineForm()
    return render(request, "assignments/commissions_detail.html", context, status=status)


@login_required
def commission_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    return _detail(request, permissions.get_commission(request.user, pk))


@login_required
@require_POST
def commission_decline(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    commission = permissions.get_commission(user, pk)
    if permissions.own_target(user, commission) is None:
        raise PermissionDenied(services.NOT_TARGETED)
    form = DeclineForm(request.POST)
    if not form.is_valid():
        return _detail(request, commission, form, status=400)
    try:
        services.commission_decline(actor=user, commission=commission, reason=form.cleaned_data["reason"])
    except ServiceError as exc:
        form.add_error(None, error_text(exc))
        return _detail(request, commission, form, status=400)
    messages.success(request, "已向约稿科室说明不能报送的理由。")
    return redirect("assignments:commission_detail", pk=commission.pk)
