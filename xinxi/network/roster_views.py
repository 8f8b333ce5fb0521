"""Pages for the roster: import an Excel file, download the template, export the roster."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header

from xinxi.lib.http import AuthedRequest
from xinxi.network import permissions, roster
from xinxi.network.forms import ImportForm

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _xlsx(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX_TYPE)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    response["Cache-Control"] = "no-store"
    return response


def _require_manager(request: AuthedRequest) -> None:
    if not permissions.can_manage_network(request.user):
        raise Http404


@login_required
def roster_import(request: AuthedRequest) -> HttpResponse:
    _require_manager(request)
    # An empty POST (no file chosen) must still be a bound form that reports it.
    form = ImportForm(request.POST, request.FILES) if request.method == "POST" else ImportForm()
    form.fields["file"].widget.attrs["accept"] = f".xlsx,{XLSX_TYPE}"
    result = None
    if form.is_bound and form.is_valid():
        result = roster.roster_import(actor=request.user, upload=form.cleaned_data["file"])
        if result.ok:
            messages.success(request, f"导入完成：{result.summary()}。")
            return redirect("roster_import")
    return render(request, "network/import.html", {
        "form": form, "result": result, "max_rows": roster.MAX_ROWS, "shown_errors": 500,
    })


@login_required
def roster_template(request: AuthedRequest) -> HttpResponse:
    _require_manager(request)
    return _xlsx(roster.roster_template(), "信息网络花名册导入模板.xlsx")


@login_required
def roster_export(request: AuthedRequest) -> HttpResponse:
    content = roster.roster_export(user=request.user)
    return _xlsx(content, f"信息网络花名册-{timezone.localdate():%Y%m%d}.xlsx")
