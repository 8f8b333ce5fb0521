"""Pages of 舆论监督与群众意见建议 lists (/assignments/lists/) and 社情民意 reports (/assignments/sentiment/)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from xinxi.assignments import forms_lists as forms
from xinxi.assignments import lists_files, permissions_lists, selectors_lists, services_lists
from xinxi.assignments.models import ListState, RowState, SupervisionList
from xinxi.items.models import DeskEntry
from xinxi.lib.errors import ConflictError, ServiceError, error_text
from xinxi.lib.http import AuthedRequest
from xinxi.network.models import Unit
from xinxi.network.permissions import visible_units

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _status(exc: ServiceError) -> int:
    if isinstance(exc, ConflictError):
        return 409
    return 403 if exc.code == "forbidden" else 400


@login_required
def list_index(request: AuthedRequest) -> HttpResponse:
    """The unit's own lists (and this month's to start), the desk's received lists."""
    user = request.user
    rows = permissions_lists.visible_lists(user).select_related("unit", "desk").order_by("-month", "unit__path")
    own = [lst for lst in rows[:100] if lst.unit_id == user.unit_id] if permissions_lists.is_unit_user(user) else []
    desk = permissions_lists.desk_of(user)
    received = list(rows.filter(desk=desk)[:100]) if desk is not None else []
    this_month = selectors_lists.parse_month("", timezone.localdate())
    context = {
        "own": own, "received": received, "desk": desk,
        "is_unit": permissions_lists.is_unit_user(user),
        "has_this_month": any(lst.month == this_month for lst in own),
        "this_month": this_month,
        "tasks": permissions_lists.task_rows(user).filter(state=RowState.ROUTED).count(),
    }
    return render(request, "assignments/lists_index.html", context)


@login_required
@require_POST
def list_new(request: AuthedRequest) -> HttpResponse:
    month = selectors_lists.parse_month(request.POST.get("month", ""), timezone.localdate())
    if month is None:
        return HttpResponse("月份格式不正确，应为 YYYY-MM。", status=400, content_type="text/plain; charset=utf-8")
    try:
        lst = services_lists.list_create(actor=request.user, month=month)
    except ServiceError as exc:
        messages.error(request, error_text(exc))
        return redirect("assignments:lists") if exc.code != "forbidden" else HttpResponse(
            error_text(exc), status=403, content_type="text/plain; charset=utf-8")
    return redirect("assignments:list_detail", pk=lst.pk)


def _detail_context(request: AuthedRequest, lst: SupervisionList) -> dict[str, Any]:
    user = request.user
    rows = list(lst.rows.select_related("routed_to"))
    today = timezone.localdate()
    for row in rows:
        row.overdue = selectors_lists.is_overdue(row, today)  # type: ignore[attr-defined]
    desk = permissions_lists.desk_of(user)
    can_route = (desk is not None and desk.pk == lst.desk_id and user.has_role(*permissions_lists.EDIT_ROLES)
                 and lst.state == ListState.SENT)
    return {
        "lst": lst, "rows": rows,
        "editable": permissions_lists.can_edit_list(user, lst),
        "can_route": can_route,
        "units": list(visible_units(user).filter(active=True).order_by("path")[:500]) if can_route else [],
        "row_form": forms.RowForm(initial={"date": today}),
        "upload_form": forms.UploadForm(),
        "file_errors": [], "error": "",
        "reply_days": services_lists.REPLY_DAYS,
    }


@login_required
def list_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    lst = permissions_lists.get_list(request.user, pk)
    return render(request, "assignments/lists_detail.html", _detail_context(request, lst))


@login_required
@require_POST
def list_add_row(request: AuthedRequest, pk: int) -> HttpResponse:
    lst = permissions_lists.get_list(request.user, pk)
    form = forms.RowForm(request.POST)
    context = _detail_context(request, lst)
    context["row_form"] = form
    if not form.is_valid():
        return render(request, "assignments/lists_detail.html", context, status=400)
    try:
        services_lists.list_add_row(actor=request.user, lst=lst, fields=form.cleaned_data)
    except ServiceError as exc:
        context["error"] = error_text(exc)
        return render(request, "assignments/lists_detail.html", context, status=_status(exc))
    messages.success(request, "已添加一行。")
    return redirect("assignments:list_detail", pk=lst.pk)


@login_required
@require_POST
def list_upload(request: AuthedRequest, pk: int) -> HttpResponse:
    lst = permissions_lists.get_list(request.user, pk)
    form = forms.UploadForm(request.POST, request.FILES)
    context = _detail_context(request, lst)
    context["upload_form"] = form
    if not form.is_valid():
        return render(request, "assignments/lists_detail.html", context, status=400)
    try:
        made = services_lists.list_upload(actor=request.user, lst=lst, upload=form.cleaned_data["file"])
    except services_lists.ListFileError as exc:
        context["error"] = error_text(exc)
        context["file_errors"] = exc.errors
        return render(request, "assignments/lists_detail.html", context, status=400)
    except ServiceError as exc:
        context["error"] = error_text(exc)
        return render(request, "assignments/lists_detail.html", context, status=_status(exc))
    messages.success(request, f"已从文件导入 {len(made)} 行。")
    return redirect("assignments:list_detail", pk=lst.pk)


@login_required
@require_POST
def list_send(request: AuthedRequest, pk: int) -> HttpResponse:
    lst = permissions_lists.get_list(request.user, pk)
    try:
        services_lists.list_send(actor=request.user, lst=lst)
    except ServiceError as exc:
        context = _detail_context(request, lst)
        context["error"] = error_text(exc)
        return render(request, "assignments/lists_detail.html", context, status=_status(exc))
    messages.success(request, "清单已报送。")
    return redirect("assignments:list_detail", pk=lst.pk)


@login_required
def list_template(request: AuthedRequest) -> HttpResponse:
    response = HttpResponse(lists_files.template(), content_type=XLSX)
    response["Content-Disposition"] = "attachment; filename*=UTF-8''%E6%B8%85%E5%8D%95%E6%A8%A1%E6%9D%BF.xlsx"
    return response


@login_required
def row_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    row = permissions_lists.get_row(request.user, pk)
    return _row_page(request, row, forms.ReplyForm(), "", 200)


def _row_page(request: AuthedRequest, row: Any, form: Any, error: str, status: int) -> HttpResponse:
    user = request.user
    context = {
        "row": row, "form": form, "error": error,
        "can_reply": permissions_lists.can_reply(user, row),
        "whole_list": permissions_lists.sees_whole_list(user, row),
        "overdue": selectors_lists.is_overdue(row),
    }
    return render(request, "assignments/lists_row.html", context, status=status)


@login_required
@require_POST
def row_reply(request: AuthedRequest, pk: int) -> HttpResponse:
    row = permissions_lists.get_row(request.user, pk)
    form = forms.ReplyForm(request.POST)
    if not form.is_valid():
        return _row_page(request, row, form, "", 400)
    try:
        services_lists.row_reply(actor=request.user, row=row, result=form.cleaned_data["result"])
    except ServiceError as exc:
        return _row_page(request, row, form, error_text(exc), _status(exc))
    messages.success(request, "办理结果已反馈。")
    return redirect("assignments:list_row", pk=row.pk)


@login_required
@require_POST
def row_delete(request: AuthedRequest, pk: int) -> HttpResponse:
    row = permissions_lists.get_row(request.user, pk)
    lst = row.list
    try:
        services_lists.list_remove_row(actor=request.user, row=row)
    except ServiceError as exc:
        context = _detail_context(request, lst) if permissions_lists.sees_whole_list(request.user, row) else None
        if context is None:
            return HttpResponse(error_text(exc), status=_status(exc), content_type="text/plain; charset=utf-8")
        context["error"] = error_text(exc)
        return render(request, "assignments/lists_detail.html", context, status=_status(exc))
    messages.success(request, "已删除一行。")
    return redirect("assignments:list_detail", pk=lst.pk)


@login_required
@require_POST
def row_route(request: AuthedRequest, pk: int) -> HttpResponse:
    row = permissions_lists.get_row(request.user, pk)
    form = forms.RouteForm(request.POST)
    lst = row.list
    if not permissions_lists.sees_whole_list(request.user, row):
        raise Http404("未找到该条目")
    context = _detail_context(request, lst)
    if not form.is_valid():
        context["error"] = error_text_of(form)
        return render(request, "assignments/lists_detail.html", context, status=400)
    unit = Unit.objects.filter(pk=form.cleaned_data["unit"]).first()
    try:
        if unit is None:
            raise ServiceError("承办单位不存在。")
        services_lists.row_route(actor=request.user, row=row, unit=unit, note=form.cleaned_data["note"],
                                 due_on=form.cleaned_data["due_on"])
    except ServiceError as exc:
        context["error"] = error_text(exc)
        return render(request, "assignments/lists_detail.html", context, status=_status(exc))
    messages.success(request, f"已交办{unit.name}。")
    return redirect("assignments:list_detail", pk=lst.pk)


def error_text_of(form: Any) -> str:
    return "；".join(str(e) for errors in form.errors.values() for e in errors)


@login_required
def task_list(request: AuthedRequest) -> HttpResponse:
    """Rows routed to the user's unit: open first."""
    rows = list(permissions_lists.task_rows(request.user).select_related("list__unit")
                .order_by("state", "due_on", "-routed_at")[:200])
    today = timezone.localdate()
    for row in rows:
        row.overdue = selectors_lists.is_overdue(row, today)  # type: ignore[attr-defined]
    return render(request, "assignments/lists_tasks.html", {"rows": rows})


@login_required
def desk_overview(request: AuthedRequest) -> HttpResponse:
    """Who has not sent this month's list; open and overdue rows (desk staff)."""
    desk = permissions_lists.desk_of(request.user)
    if desk is None:
        raise Http404("未找到该页面")
    month = selectors_lists.parse_month(request.GET.get("month", ""), timezone.localdate())
    if month is None:
        return render(request, "assignments/lists_overview.html", {"error": "月份格式不正确，应为 YYYY-MM。",
                                                                   "desk": desk}, status=400)
    data = selectors_lists.overview(desk, month)
    return render(request, "assignments/lists_overview.html", {"desk": desk, "o": data,
                                                               "month_value": f"{month:%Y-%m}"})


# --- 社情民意 ---


@login_required
def sentiment(request: AuthedRequest) -> HttpResponse:
    """The quarter's received 社情民意 entries; editors compile the quarterly report from the chosen ones."""
    user = request.user
    desk = permissions_lists.desk_of(user)
    if desk is None:
        raise Http404("未找到该页面")
    raw = request.POST.get("quarter", "") if request.method == "POST" else request.GET.get("quarter", "")
    chosen = selectors_lists.parse_quarter(raw, timezone.localdate())
    if chosen is None:
        return render(request, "assignments/sentiment.html", {"error": "季度格式不正确，应为 2026-Q4。"},
                      status=400)
    year, quarter = chosen
    entries = list(services_lists.quarter_sentiment(user, year, quarter).order_by("-received_at")[:300])
    reports = list(permissions_lists.visible_reports(user).select_related("entry", "created_by")[:40])
    done = next((r for r in reports if r.year == year and r.quarter == quarter), None)
    can_compile = permissions_lists.can_compile(user)
    form = forms.CompileForm(initial={"title": f"{year}年第{quarter}季度社情民意综合报告"})
    status, error = 200, ""
    if request.method == "POST":
        if not can_compile:
            return HttpResponse(services_lists.NOT_ALLOWED, status=403, content_type="text/plain; charset=utf-8")
        form = forms.CompileForm(request.POST)
        ids = {int(i) for i in request.POST.getlist("ids") if i.isdigit() and len(i) < 12}
        picked = [e for e in entries if e.pk in ids]
        status = 400
        if len(picked) != len(ids):
            error = "所选信息不在本季度的社情民意信息中。"
        elif form.is_valid():
            try:
                report = services_lists.sentiment_compile(
                    actor=user, year=year, quarter=quarter, entries=_fresh(picked),
                    title=form.cleaned_data["title"], body=form.cleaned_data["body"])
            except ServiceError as exc:
                error, status = error_text(exc), _status(exc)
            else:
                messages.success(request, f"已汇编{year}年第{quarter}季度社情民意综合报告（{len(picked)} 条来源）。")
                return redirect("desk_entry", pk=report.entry_id)
    context = {
        "entries": entries, "reports": reports, "done": done, "form": form, "error": error,
        "year": year, "quarter": quarter, "quarter_value": f"{year}-Q{quarter}", "can_compile": can_compile,
    }
    return render(request, "assignments/sentiment.html", context, status=status)


def _fresh(entries: list[DeskEntry]) -> list[DeskEntry]:
    by_pk = {e.pk: e for e in DeskEntry.objects.filter(pk__in=[e.pk for e in entries]).select_related("desk")}
    return [by_pk[e.pk] for e in entries]
