"""The audit log page and its XLSX export: system administrators only (others get 404)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from xinxi.audit.exports import audit_log_xlsx
from xinxi.audit.forms import AuditFilterForm, action_choices
from xinxi.audit.models import AuditEvent
from xinxi.audit.selectors import filter_events, may_read_audit
from xinxi.lib.http import AuthedRequest

PAGE_SIZE = 50
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _filters(request: AuthedRequest) -> tuple[AuditFilterForm, dict[str, Any] | None]:
    if not may_read_audit(request.user):
        raise Http404
    form = AuditFilterForm(request.GET)
    return form, (dict(form.cleaned_data) if form.is_valid() else None)


@login_required
@require_GET
def audit_list(request: AuthedRequest) -> HttpResponse:
    """The log, newest first, filtered by person, action and period."""
    form, filters = _filters(request)
    events = filter_events(**filters) if filters is not None else AuditEvent.objects.none()
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "actions": action_choices(), "export_query": query.urlencode()}
    return render(request, "audit/audit_list.html", context, status=200 if filters is not None else 400)


@login_required
@require_GET
def audit_export(request: AuthedRequest) -> HttpResponse:
    """The same rows as the page, as an XLSX workbook (导出审计日志, itself audited)."""
    form, filters = _filters(request)
    if filters is None:
        page = Paginator(AuditEvent.objects.none(), PAGE_SIZE).get_page(1)
        context = {"form": form, "page": page, "actions": action_choices()}
        return render(request, "audit/audit_list.html", context, status=400)
    data = audit_log_xlsx(user=request.user, filters=filters)
    response = HttpResponse(data, content_type=XLSX_TYPE)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="audit-{stamp}.xlsx"'
    response["Cache-Control"] = "private, no-store"
    return response
