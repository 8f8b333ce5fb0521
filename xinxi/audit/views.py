from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render

from xinxi.audit.models import ACTION_LABELS, AuditEvent
from xinxi.lib.http import AuthedRequest


@login_required
def audit_list(request: AuthedRequest) -> HttpResponse:
    """The audit log, for admins only."""
    if not request.user.is_admin:
        raise Http404
    events = AuditEvent.objects.all()
    action = request.GET.get("action", "")
    if action in ACTION_LABELS:
        events = events.filter(action=action)
    who = request.GET.get("who", "").strip()
    if who:
        events = events.filter(actor_name__icontains=who)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "audit/audit_list.html",
        {
            "page": page,
            "actions": sorted(ACTION_LABELS.items()),
            "action": action,
            "who": who,
        },
    )
