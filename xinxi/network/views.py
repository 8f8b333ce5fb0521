"""Pages of the network: the tree, unit cards, and managing units and staff."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from xinxi.accounts.models import User
from xinxi.lib.errors import ServiceError
from xinxi.lib.http import AuthedRequest
from xinxi.lib.listing import text_param
from xinxi.network import permissions, selectors, services
from xinxi.network.calendar import CalendarYearMissing
from xinxi.network.forms import MoveForm, ReasonForm, StaffForm, UnitForm
from xinxi.network.models import Desk, DirectPoint, StaffMember, StaffRole, Unit


def _with_child_counts(units: QuerySet[Unit], visible: QuerySet[Unit]) -> QuerySet[Unit]:
    children = visible.filter(parent=OuterRef("pk")).order_by().values("parent").annotate(n=Count("pk")).values("n")
    return units.select_related("desk", "unit_class").annotate(child_count=Coalesce(Subquery(children), 0))


def _attach_crumbs(units: list[Unit]) -> None:
    """Set ``unit.crumbs`` (ancestor names) on each unit, in one query."""
    ids = {i for u in units for i in u.ancestor_ids}
    names = dict(Unit.objects.filter(pk__in=ids).values_list("pk", "name"))
    for unit in units:
        unit.crumbs = [names[i] for i in unit.ancestor_ids if i in names]  # type: ignore[attr-defined]


@login_required
def tree(request: AuthedRequest) -> HttpResponse:
    visible = permissions.visible_units(request.user)
    q = text_param(request)
    show_inactive = request.GET.get("inactive") == "1"
    base = visible if show_inactive else visible.filter(active=True)
    context: dict[str, object] = {"q": q, "show_inactive": show_inactive, "total": base.count()}
    if q:
        results = list(
            _with_child_counts(base.filter(Q(name__icontains=q) | Q(region_code__startswith=q)), base).order_by("path")[
                :200
            ]
        )
        _attach_crumbs(results)
        context["results"] = results
    else:
        roots = base.exclude(parent__in=base)
        context["nodes"] = _with_child_counts(roots, base).order_by("level", "sort_order", "name")
    context["can_manage"] = permissions.can_manage_network(request.user)
    return render(request, "network/tree.html", context)


@login_required
def children(request: AuthedRequest, pk: int) -> HttpResponse:
    """A tree node as a partial, expanded (with its visible children) or collapsed."""
    permissions.get_visible_unit(request.user, pk)
    visible = permissions.visible_units(request.user)
    show_inactive = request.GET.get("inactive") == "1"
    base = visible if show_inactive else visible.filter(active=True)
    unit = _with_child_counts(visible.filter(pk=pk), base).get()
    expanded = request.GET.get("expand") == "1"
    kids = _with_child_counts(base.filter(parent=unit), base).order_by("sort_order", "name") if expanded else []
    return render(
        request,
        "network/_node.html",
        {
            "unit": unit,
            "children": kids,
            "expanded": expanded,
            "show_inactive": show_inactive,
        },
    )


@login_required
def unit_card(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    unit = permissions.get_visible_unit(user, pk)
    today = timezone.localdate()
    desk = Desk.objects.filter(unit=unit).first()
    quotas = []
    month_start, month_end = selectors.month_bounds(today)
    for quota in selectors.unit_quotas(unit, today):
        try:
            expected = f"{selectors.expected_items(quota, month_start, month_end)} 条"
        except CalendarYearMissing as exc:
            expected = exc.messages[0]
        quotas.append({"quota": quota, "expected_month": expected})
    visible = permissions.visible_units(user)
    context = {
        "unit": unit,
        "crumbs": Unit.objects.filter(pk__in=unit.ancestor_ids).filter(pk__in=visible.values("pk")),
        "desk": desk,
        "parent_desk": services.parent_desk(unit),
        "staff": unit.staff.select_related("user").order_by("-active", "role", "name"),
        "points": DirectPoint.objects.filter(unit=unit).select_related(
            "desk", "desk__unit", "admitted_by", "revoked_by"
        ),
        "desk_points": (
            DirectPoint.objects.filter(desk=desk, revoked_on__isnull=True).select_related("unit") if desk else []
        ),
        "quotas": quotas,
        "children": visible.filter(parent=unit).order_by("-active", "sort_order", "name"),
        "can_manage": permissions.can_manage_unit(user, unit),
        "can_manage_desk": desk is not None and permissions.managed_desks(user).filter(pk=desk.pk).exists(),
        "users": User.objects.filter(unit=unit).prefetch_related("role_grants")
        if permissions.can_manage_unit(user, unit)
        else [],
    }
    return render(request, "network/unit_card.html", context)


def _unit_initial(unit: Unit) -> dict[str, object]:
    return {
        "name": unit.name,
        "kind": unit.kind,
        "level": unit.level,
        "region_code": unit.region_code,
        "unit_class": unit.unit_class,
        "sort_order": unit.sort_order,
        "requires_signoff": unit.requires_signoff,
        "version": unit.version,
    }


@login_required
def unit_new(request: AuthedRequest) -> HttpResponse:
    parent = None
    parent_id = request.GET.get("parent") or request.POST.get("parent")
    if parent_id:
        parent = permissions.get_managed_unit(request.user, parent_id)
    elif not request.user.is_admin:
        raise Http404
    initial = {}
    if parent is not None:
        initial = {"level": min(parent.level + 1, 4), "region_code": parent.region_code, "unit_class": None}
    form = UnitForm(request.POST or None, initial=initial)
    form.fields["version"].required = False  # a new unit has no version yet
    if request.method == "POST" and form.is_valid():
        try:
            unit = services.unit_create(
                actor=request.user, parent=parent, **services.unit_fields_from(form.cleaned_data)
            )
        except ServiceError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"已新建单位“{unit.name}”。")
            return redirect("unit_card", pk=unit.pk)
    return render(request, "network/unit_form.html", {"form": form, "parent": parent, "unit": None})


@login_required
def unit_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    unit = permissions.get_managed_unit(request.user, pk)
    form = UnitForm(request.POST or None, initial=_unit_initial(unit))
    if request.method == "POST" and form.is_valid():
        try:
            services.unit_update(
                actor=request.user,
                unit=unit,
                version=form.cleaned_data.get("version"),
                **services.unit_fields_from(form.cleaned_data),
            )
        except ServiceError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "单位信息已保存。")
            return redirect("unit_card", pk=unit.pk)
    return render(request, "network/unit_form.html", {"form": form, "parent": unit.parent, "unit": unit})


@login_required
def unit_move(request: AuthedRequest, pk: int) -> HttpResponse:
    unit = permissions.get_managed_unit(request.user, pk)
    parents = (
        permissions.manageable_units(request.user)
        .filter(active=True, level__lte=unit.level)
        .exclude(path__startswith=unit.path)
        .order_by("path")
    )
    form = MoveForm(request.POST or None, parents=parents, initial={"new_parent": unit.parent, "version": unit.version})
    if request.method == "POST" and form.is_valid():
        try:
            services.unit_move(
                actor=request.user,
                unit=unit,
                new_parent=form.cleaned_data["new_parent"],
                version=form.cleaned_data.get("version"),
            )
        except ServiceError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"已移动“{unit.name}”。")
            return redirect("unit_card", pk=unit.pk)
    return render(request, "network/unit_move.html", {"form": form, "unit": unit})


@login_required
def unit_deactivate(request: AuthedRequest, pk: int) -> HttpResponse:
    unit = permissions.get_managed_unit(request.user, pk)
    form = ReasonForm(request.POST or None, initial={"version": unit.version})
    if request.method == "POST" and form.is_valid():
        try:
            services.unit_deactivate(
                actor=request.user,
                unit=unit,
                reason=form.cleaned_data["reason"],
                version=form.cleaned_data.get("version"),
            )
        except ServiceError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"已停用“{unit.name}”。")
            return redirect("unit_card", pk=unit.pk)
    return render(request, "network/unit_deactivate.html", {"form": form, "unit": unit})


@login_required
@require_POST
def unit_reactivate(request: AuthedRequest, pk: int) -> HttpResponse:
    unit = permissions.get_managed_unit(request.user, pk)
    try:
        services.unit_reactivate(actor=request.user, unit=unit)
    except ServiceError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, f"已启用“{unit.name}”。")
    return redirect("unit_card", pk=unit.pk)


@login_required
def staff_new(request: AuthedRequest, pk: int) -> HttpResponse:
    unit = permissions.get_managed_unit(request.user, pk)
    form = StaffForm(request.POST or None, initial={"role": StaffRole.PARTTIME, "active": True})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.staff_add(
                actor=request.user,
                unit=unit,
                name=data["name"],
                role=data["role"],
                title=data["title"],
                phone=data["phone"],
                mobile=data["mobile"],
            )
        except ServiceError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"已添加“{data['name']}”。")
            return redirect("unit_card", pk=unit.pk)
    return render(request, "network/staff_form.html", {"form": form, "unit": unit, "member": None})


def _managed_member(request: AuthedRequest, pk: int) -> StaffMember:
    member = StaffMember.objects.filter(pk=pk, unit__in=permissions.manageable_units(request.user)).first()
    if member is None:
        raise Http404
    return member


@login_required
def staff_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    member = _managed_member(request, pk)
    initial = {k: getattr(member, k) for k in ("name", "role", "title", "phone", "mobile", "active")}
    form = StaffForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.staff_update(actor=request.user, member=member, **form.cleaned_data)
        except ServiceError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "人员信息已保存。")
            return redirect("unit_card", pk=member.unit_id)
    return render(request, "network/staff_form.html", {"form": form, "unit": member.unit, "member": member})


@login_required
@require_POST
def staff_remove(request: AuthedRequest, pk: int) -> HttpResponse:
    member = _managed_member(request, pk)
    services.staff_remove(actor=request.user, member=member)
    messages.success(request, f"已移除“{member.name}”。")
    return redirect("unit_card", pk=member.unit_id)
