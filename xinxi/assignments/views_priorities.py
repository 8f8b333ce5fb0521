"""Pages of 报送要点 (/assignments/priorities/) and 调研 (/assignments/research/).

Desk staff see their desk's lists (drafts too); editors and the desk chief create them and the
chief publishes (numbered notice, DOCX). A unit's users see the published lists of the desks
they report to. Coverage and quota pages are for the desk's staff; others get 404.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any
from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST
from openpyxl import Workbook

from xinxi.assignments import documents_priorities as documents
from xinxi.assignments import selectors_priorities as selectors
from xinxi.assignments import services_priorities as services
from xinxi.assignments.models.priorities import PriorityList, PriorityListState, PriorityPeriod
from xinxi.assignments.models.research import ResearchPeriod
from xinxi.lib.charts import BarChart, Series
from xinxi.lib.errors import ServiceError
from xinxi.lib.http import AuthedRequest

MAX_BARS = 20
QUARTER_PARAM = re.compile(r"(20[0-9]{2})-Q([1-4])")


def _date(raw: str, label: str) -> dt.date:
    try:
        return dt.date.fromisoformat((raw or "").strip())
    except ValueError:
        raise ServiceError(f"{label}格式不正确，应为 年-月-日。") from None


@login_required
def priority_list(request: AuthedRequest) -> HttpResponse:
    user = request.user
    lists = selectors.visible_lists(user).select_related("desk__unit").order_by("-starts_on", "-id")[:100]
    return render(request, "assignments/priorities_list.html", {
        "lists": lists, "can_manage": selectors.can_manage(user), "is_staff": selectors.staff_desk(user) is not None,
    })


@login_required
@require_http_methods(["GET", "POST"])
def priority_create(request: AuthedRequest) -> HttpResponse:
    if not selectors.can_manage(request.user):
        raise Http404("未找到该页面")
    today = timezone.localdate()
    start, end, quarter = selectors.quarter_bounds(today)
    data: dict[str, Any] = {"title": f"{today.year}年第{quarter}季度信息报送要点", "period": PriorityPeriod.QUARTER,
                            "starts_on": start.isoformat(), "ends_on": end.isoformat(), "topics": ""}
    error = ""
    if request.method == "POST":
        data = {k: request.POST.get(k, "") for k in data}
        try:
            plist = services.priority_list_create(
                actor=request.user, title=data["title"], period=data["period"],
                starts_on=_date(data["starts_on"], "起始日期"), ends_on=_date(data["ends_on"], "截止日期"),
                topics=services.parse_topics(data["topics"]),
            )
            return redirect("assignments:priority_detail", pk=plist.pk)
        except ServiceError as exc:
            error = exc.messages[0]
    return render(request, "assignments/priorities_form.html",
                  {"data": data, "error": error, "periods": PriorityPeriod.choices},
                  status=400 if error else 200)


@login_required
def priority_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    plist = selectors.get_list(request.user, pk)
    own = selectors.staff_desk(request.user)
    is_own_staff = own is not None and own.pk == plist.desk_id
    return render(request, "assignments/priorities_detail.html", {
        "plist": plist, "topics": plist.topics.all(), "is_own_staff": is_own_staff or request.user.is_admin,
        "can_publish": is_own_staff and selectors.can_publish(request.user) and plist.state == PriorityListState.DRAFT,
        "error": request.GET.get("error", "")[:200],
    })


@login_required
@require_POST
def priority_publish(request: AuthedRequest, pk: int) -> HttpResponse:
    plist = selectors.get_managed_list(request.user, pk)
    try:
        services.priority_list_publish(actor=request.user, plist=plist)
    except ServiceError as exc:
        plist.refresh_from_db()
        return render(request, "assignments/priorities_detail.html", {
            "plist": plist, "topics": plist.topics.all(), "is_own_staff": True, "can_publish": False,
            "error": exc.messages[0]}, status=409)
    return redirect("assignments:priority_detail", pk=plist.pk)


def _attachment(content: bytes, content_type: str, stem: str, extension: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = (
        f"attachment; filename=\"priorities.{extension}\"; filename*=UTF-8''{quote(f'{stem}.{extension}')}"
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def priority_docx(request: AuthedRequest, pk: int) -> HttpResponse:
    plist = selectors.get_list(request.user, pk)
    return _attachment(documents.priorities_docx(plist), documents.DOCX_TYPE, documents.filename_stem(plist), "docx")


def coverage_chart(data: dict[str, Any]) -> BarChart:
    topics = data["topics"]
    return BarChart("各题目标注报送情况", [f"{t['topic'].number}. {t['topic'].title}" for t in topics],
                    [Series("标注报送", [t["tagged"] for t in topics]), Series("采用", [t["adopted"] for t in topics])],
                    unit="条")


def unit_chart(data: dict[str, Any]) -> BarChart:
    units = data["units"][:MAX_BARS]
    return BarChart("各单位报送要点覆盖情况", [u["unit"] for u in units],
                    [Series("本期收到", [u["received"] for u in units]),
                     Series("标注要点", [u["tagged"] for u in units]),
                     Series("标注且采用", [u["adopted"] for u in units])], unit="条")


def _own_list(request: AuthedRequest, pk: int) -> PriorityList:
    plist = selectors.get_list(request.user, pk)
    own = selectors.staff_desk(request.user)
    if not request.user.is_admin and (own is None or own.pk != plist.desk_id):
        raise Http404("未找到该报送要点")
    return plist


@login_required
def priority_coverage(request: AuthedRequest, pk: int) -> HttpResponse:
    plist = _own_list(request, pk)
    data = selectors.coverage(request.user, plist)
    if request.GET.get("format") == "xlsx":
        return _attachment(coverage_xlsx(plist, data),
                           "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                           f"{plist.title}覆盖情况", "xlsx")
    return render(request, "assignments/priorities_coverage.html", {
        "plist": plist, "data": data, "topic_chart": coverage_chart(data), "unit_chart": unit_chart(data),
    })


def coverage_xlsx(plist: PriorityList, data: dict[str, Any]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "按题目"
    sheet.append(["序号", "题目", "标注报送（条）", "采用（条）"])
    for t in data["topics"]:
        sheet.append([t["topic"].number, t["topic"].title, t["tagged"], t["adopted"]])
    units = book.create_sheet("按单位")
    units.append(["单位", "本期收到（条）", "标注要点（条）", "标注且采用（条）", "覆盖题目数"])
    for u in data["units"]:
        units.append([u["unit"], u["received"], u["tagged"], u["adopted"], u["topics"]])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# --- research ---


@login_required
@require_http_methods(["GET", "POST"])
def research_home(request: AuthedRequest) -> HttpResponse:
    user = request.user
    desk = selectors.staff_desk(user)
    if desk is None and user.unit_id is None:
        raise Http404("未找到该页面")
    today = timezone.localdate()
    error = ""
    if request.method == "POST":
        if not selectors.can_manage(user):
            raise Http404("未找到该页面")
        try:
            year = int(request.POST.get("year", "") or 0)
            quarter_raw = request.POST.get("quarter", "")
            services.research_topic_create(
                actor=user, title=request.POST.get("title", ""), description=request.POST.get("description", ""),
                period=request.POST.get("period", ""), year=year,
                quarter=int(quarter_raw) if quarter_raw.isdigit() else None,
            )
            return redirect("assignments:research_home")
        except (ServiceError, ValueError) as exc:
            error = exc.messages[0] if isinstance(exc, ServiceError) else "年度或季度不正确。"
    status = None
    status_error = ""
    on = today
    match = QUARTER_PARAM.fullmatch(request.GET.get("quarter", ""))
    if match:
        on = dt.date(int(match[1]), 3 * int(match[2]) - 2, 1)
    elif request.GET.get("quarter"):
        status_error = "季度参数格式应为 2026-Q4。"
    if desk is not None and not status_error:
        try:
            status = selectors.quota_status(user, desk, on, today)
        except ServiceError as exc:
            status_error = exc.messages[0]
    topics = selectors.visible_research_topics(user).select_related("desk").order_by("-year", "-quarter", "id")[:50]
    return render(request, "assignments/research_home.html", {
        "topics": topics, "status": status, "status_error": status_error, "can_manage": selectors.can_manage(user),
        "error": error, "periods": ResearchPeriod.choices, "year": today.year,
        "quarter": (today.month - 1) // 3 + 1,
    }, status=400 if error else 200)
