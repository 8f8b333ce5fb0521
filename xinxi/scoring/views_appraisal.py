"""Pages of 考评: the proposals for a desk and year, the desk chief's confirmation, the exports.

Who: the desk's staff read (``permissions.scoring_desks``; admins choose the desk with
``?desk=``); the desk chief and admins confirm (``permissions.can_manage_rules``); another
desk is missing (404). Views parse, call ``appraisal`` / ``services_appraisal``, render.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from xinxi.lib.errors import ServiceError
from xinxi.lib.http import AuthedRequest
from xinxi.network.models import Desk
from xinxi.scoring import appraisal, exports_appraisal, permissions, services_appraisal
from xinxi.scoring.forms_appraisal import ConfirmForm, TermsForm
from xinxi.scoring.views_rules import _forbidden, chosen_desk

FORBIDDEN = "只有本科室科长或系统管理员可以确认考评。"


def _page_url(desk: Desk, terms: dict[str, Any]) -> str:
    query: dict[str, Any] = {"desk": desk.pk}
    query.update({k: terms[k] for k in ("year", "top", "threshold", "size") if k in terms})
    return f"{reverse('scoring:appraisal')}?{urlencode(query)}"


def _view(request: AuthedRequest, desk: Desk, terms: dict[str, Any]) -> appraisal.AppraisalView:
    return appraisal.appraisal_view(desk, terms["year"], top_n=terms["top"], threshold=terms["threshold"],
                                    size=terms["size"], user=request.user)


def _render(request: AuthedRequest, desk: Desk, terms: TermsForm, confirm: ConfirmForm | None = None,
            status: int = 200) -> HttpResponse:
    view = _view(request, desk, terms.cleaned_data) if terms.is_valid() else None
    can_confirm = permissions.can_manage_rules(request.user, desk)
    if view is not None and confirm is None and view.confirmed is None and can_confirm:
        confirm = ConfirmForm(
            initial={"year": view.year, "top": view.points.top_n, "threshold": view.points.threshold,
                     "commend": [r.point.pk for r in view.points.commend],
                     "revoke": [r.point.pk for r in view.points.revoke]},
            points=[(r.point.pk, r.unit.name) for r in view.points.rows],
        )
    context = {
        "desk": desk,
        "desks": permissions.scoring_desks(request.user).select_related("unit").order_by("unit__path", "pk"),
        "is_admin": request.user.is_admin,
        "terms": terms,
        "view": view,
        "confirm": confirm,
        "can_confirm": can_confirm,
        "query": urlencode({"desk": desk.pk, **terms.cleaned_data})
        if view is not None else "",
    }
    return render(request, "scoring/appraisal/page.html", context, status=status if view else 400)


@login_required
def appraisal_page(request: AuthedRequest) -> HttpResponse:
    desk = chosen_desk(request)
    return _render(request, desk, TermsForm(request.GET))


@login_required
@require_POST
def appraisal_confirm(request: AuthedRequest) -> HttpResponse:
    desk = chosen_desk(request)
    if not permissions.can_manage_rules(request.user, desk):
        return _forbidden(request, FORBIDDEN)
    terms = TermsForm(request.POST)
    if not terms.is_valid():
        return _render(request, desk, terms)
    view = _view(request, desk, terms.cleaned_data)
    form = ConfirmForm(request.POST, points=[(r.point.pk, r.unit.name) for r in view.points.rows])
    if not form.is_valid():
        return _render(request, desk, terms, form, status=400)
    data = form.cleaned_data
    try:
        record = services_appraisal.appraisal_confirm(
            actor=request.user, desk=desk, year=data["year"], top_n=data["top"], threshold=data["threshold"],
            commend=data["commend"], revoke=data["revoke"], reason=data["reason"],
        )
    except ServiceError as exc:
        form.add_error(None, "；".join(exc.messages))
        return _render(request, desk, terms, form, status=403 if getattr(exc, "code", None) == "forbidden" else 400)
    revoked = record.lines.filter(decision="revoke").count()
    messages.success(request, f"已确认{record.year}年度直报点考评：表扬 {record.lines.count() - revoked} 个，"
                              f"撤销直报点资格 {revoked} 个。")
    return redirect(_page_url(desk, terms.cleaned_data))


def _export(request: AuthedRequest, fmt: str) -> HttpResponse:
    desk = chosen_desk(request)
    terms = TermsForm(request.GET)
    if not terms.is_valid():
        return _render(request, desk, terms)
    view = _view(request, desk, terms.cleaned_data)
    if fmt == "xlsx":
        data = exports_appraisal.appraisal_xlsx(view, user=request.user)
        return exports_appraisal.download(view, data, exports_appraisal.XLSX_TYPE, "xlsx")
    data = exports_appraisal.appraisal_docx(view, user=request.user)
    return exports_appraisal.download(view, data, exports_appraisal.DOCX_TYPE, "docx")


@login_required
def appraisal_export_xlsx(request: AuthedRequest) -> HttpResponse:
    return _export(request, "xlsx")


@login_required
def appraisal_export_docx(request: AuthedRequest) -> HttpResponse:
    return _export(request, "docx")
