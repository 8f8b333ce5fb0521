"""Remark pages: write or change an entry's remark, and the counts per reporter (with XLSX).

- ``/assignments/remarks/entry/<entry>/``: the desk's staff read the remark on an entry at
  their desk; its editors and chief write, change or withdraw it (others at the desk: 403).
- ``/assignments/remarks/counts/`` and ``counts.xlsx``: remarks per reporter in a period
  (``?period=2026-11`` / ``2026-Q4`` / ``2026``; the current month by default), desk staff only.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from xinxi.assignments import permissions_remarks as permissions
from xinxi.assignments import selectors_remarks as selectors
from xinxi.assignments import services_remarks as services
from xinxi.assignments.forms_remarks import RemarkForm
from xinxi.assignments.models import Remark, RemarkRating
from xinxi.items.permissions import desk_of
from xinxi.lib.errors import ServiceError, error_text
from xinxi.lib.http import AuthedRequest
from xinxi.scoring import figures


@login_required
def remark_entry(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    entry = permissions.get_remark_entry(user, pk)
    remark = Remark.objects.filter(entry=entry).select_related("author").first()
    can_write = permissions.can_remark(user, entry)
    status = 200
    if request.method == "POST":
        if not can_write:
            raise PermissionDenied("只有本科室的编辑和科长可以点评本科室收到的信息。")
        if request.POST.get("action") == "delete" and remark is not None:
            services.remark_delete(actor=user, remark=remark)
            messages.success(request, "点评已撤回。")
            return redirect("desk_entry", entry.pk)
        form = RemarkForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                if remark is None:
                    services.remark_write(actor=user, entry=entry, text=data["text"], rating=data["rating"],
                                          tags=data["tags"])
                    messages.success(request, "点评已发送给报送单位。")
                else:
                    services.remark_update(actor=user, remark=remark, text=data["text"], rating=data["rating"],
                                           tags=data["tags"])
                    messages.success(request, "点评已修改。")
                return redirect("desk_entry", entry.pk)
            except ServiceError as exc:
                form.add_error(None, error_text(exc))
        status = 400
    elif remark is not None:
        form = RemarkForm(initial={"text": remark.text, "rating": remark.rating, "tags": remark.tags})
    else:
        form = RemarkForm()
    return render(request, "assignments/remark_entry.html", {
        "entry": entry, "remark": remark, "form": form, "can_write": can_write,
    }, status=status)


def _period(request: AuthedRequest) -> tuple[figures.Period, str]:
    try:
        return selectors.read_period(request.GET.get("period")), ""
    except figures.PeriodError as exc:
        return selectors.read_period(None), exc.message


@login_required
def remark_counts(request: AuthedRequest) -> HttpResponse:
    if desk_of(request.user) is None:
        raise Http404("未找到该页面")
    period, error = _period(request)
    rows = selectors.reporter_counts(request.user, period)
    return render(request, "assignments/remark_counts.html", {
        "period": period, "rows": rows, "error": error, "ratings": RemarkRating.choices,
        "total": sum(r.total for r in rows),
        "xlsx": f"{reverse('assignments:remark_counts_xlsx')}?period={period.value}",
    }, status=400 if error else 200)


@login_required
def remark_counts_xlsx(request: AuthedRequest) -> HttpResponse:
    if desk_of(request.user) is None:
        raise Http404("未找到该页面")
    period, error = _period(request)
    if error:
        return HttpResponse(f"period：{error}", status=400, content_type="text/plain; charset=utf-8")
    data = selectors.counts_xlsx(selectors.reporter_counts(request.user, period), period.label)
    response = HttpResponse(data, content_type=selectors.XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="remarks-{period.value}.xlsx"'
    response["Cache-Control"] = "private, no-store"
    return response
