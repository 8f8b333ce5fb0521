"""Sharing pages: share an entry, 共享给我的 / 本科室共享的, and the shared item's page.

- ``/assignments/shares/``: shares the user's unit received (``?box=sent``: what the
  user's desk shared), newest first, 20 a page, in a bounded number of queries.
- ``/assignments/shares/new/<entry>/``: the desk's editors and chief choose units and a note.
- ``/assignments/shares/<pk>/``: the shared text with the original sender credited; a
  recipient's visit writes their read record, the sharing desk sees who read it.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, OuterRef, QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect, render

from xinxi.assignments import permissions_remarks as permissions
from xinxi.assignments import services_sharing as services
from xinxi.assignments.forms_remarks import ShareForm
from xinxi.assignments.models import ShareRead
from xinxi.items.permissions import desk_of
from xinxi.lib.errors import ServiceError, error_text
from xinxi.lib.http import AuthedRequest
from xinxi.lib.listing import choice_param, paginate

PAGE_SIZE = 20


@login_required
def share_list(request: AuthedRequest) -> HttpResponse:
    user = request.user
    is_desk = desk_of(user) is not None
    rows: QuerySet[Any]
    box = choice_param(request, "box", ["received", "sent"]) or "received"
    if box == "sent" and is_desk:
        rows = permissions.sent_shares(user).annotate(read_count=Count("reads", distinct=True))
    else:
        box = "received"
        rows = permissions.received_shares(user).annotate(
            read=Exists(ShareRead.objects.filter(share=OuterRef("pk"), user=user)))
    page = paginate(request, rows.select_related("desk", "origin_unit").order_by("-shared_at", "-id"), PAGE_SIZE)
    return render(request, "assignments/share_list.html", {"page": page, "box": box, "is_desk": is_desk})


@login_required
def share_new(request: AuthedRequest, entry: int) -> HttpResponse:
    user = request.user
    found = permissions.get_remark_entry(user, entry)
    if not permissions.can_share(user, found):
        raise PermissionDenied("只有本科室的编辑和科长可以共享本科室收到的信息。")
    targets = permissions.share_targets(user)
    status = 200
    if request.method == "POST":
        form = ShareForm(request.POST, targets=targets)
        if form.is_valid():
            try:
                share = services.share_create(actor=user, entry=found, units=list(form.cleaned_data["units"]),
                                              note=form.cleaned_data["note"])
                messages.success(request, f"已共享给 {share.recipients.count()} 个单位。")
                return redirect("assignments:share_detail", share.pk)
            except ServiceError as exc:
                form.add_error(None, error_text(exc))
        status = 400
    else:
        form = ShareForm(targets=targets)
    return render(request, "assignments/share_new.html", {"entry": found, "form": form}, status=status)


@login_required
def share_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    share = permissions.share_for_reading(user, pk, what="page")
    if permissions.is_recipient(user, share):
        services.share_mark_read(actor=user, share=share)
    sharer = permissions.is_sharer(user, share)
    reads = list(share.reads.select_related("user", "user__unit")) if sharer else []
    recipients = list(share.recipients.select_related("unit")) if sharer else []
    return render(request, "assignments/share_detail.html", {
        "share": share, "sharer": sharer, "reads": reads, "recipients": recipients,
    })
