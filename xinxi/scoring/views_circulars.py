"""Pages of circulars (通报): the list, the generate form, the circular with its actions, downloads.

Who: a desk's staff see their desk's circulars in every state (``permissions_circulars``);
the units of the network see the issued circulars sent to them, and opening one records
the read. Editors and the desk chief generate and edit; the desk chief returns, signs and
issues. Another desk's circular, or one not issued to the user's unit, is missing (404);
an action on a circular the user sees but may not act on is 403. Views parse, call a
service, render.
"""

from __future__ import annotations

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Exists, OuterRef
from django.forms import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from xinxi.lib.errors import ConflictError, ServiceError
from xinxi.lib.http import AuthedRequest
from xinxi.scoring import circulars_documents as documents
from xinxi.scoring import forms_circulars as forms
from xinxi.scoring import permissions_circulars as permissions
from xinxi.scoring import services_circulars as services
from xinxi.scoring import workflow_circulars as workflow
from xinxi.scoring.charts_circulars import circular_charts
from xinxi.scoring.circulars_documents import rank_rows
from xinxi.scoring.models import Circular, CircularRead, CircularState

LIST_LIMIT = 200


def _status(exc: ServiceError) -> int:
    if isinstance(exc, ConflictError):
        return 409
    return 403 if exc.code == "forbidden" else 400


def _forbidden(request: AuthedRequest, text: str) -> HttpResponse:
    return render(request, "scoring/circulars/forbidden.html", {"reason": text}, status=403)


@login_required
def circular_list(request: AuthedRequest) -> HttpResponse:
    user = request.user
    read = CircularRead.objects.filter(circular=OuterRef("pk"), user=user)
    rows = (
        permissions.visible_circulars(user)
        .select_related("desk")
        .annotate(read_by_me=Exists(read))
        .order_by("-start", "-id")[:LIST_LIMIT]
    )
    context = {"circulars": rows, "can_generate": permissions.draft_desks(user).exists()}
    return render(request, "scoring/circulars/list.html", context)


@login_required
def circular_generate(request: AuthedRequest) -> HttpResponse:
    desk = permissions.draft_desks(request.user).select_related("unit").first()
    if desk is None:
        return _forbidden(request, "只有信息科室的编辑和科长可以生成通报。")
    form = forms.GenerateForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                circular = services.circular_generate(
                    actor=request.user, desk=desk, kind=form.cleaned_data["kind"], start=form.start()
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            except ServiceError as exc:
                form.add_error(None, exc)
                status = _status(exc)
            else:
                messages.success(request, f"已生成通报草稿：{circular.title}。")
                return redirect("scoring:circular_detail", pk=circular.pk)
    return render(request, "scoring/circulars/generate.html", {"form": form, "desk": desk}, status=status)


def _detail_context(request: AuthedRequest, circular: Circular) -> dict[str, object]:
    user = request.user
    staff = permissions.is_desk_staff(user, circular.desk_id)
    actions = set(workflow.allowed_actions(circular, user))
    if not permissions.can_draft(user, circular.desk_id):
        actions -= {"submit"}
    if not permissions.can_sign(user, circular.desk_id):
        actions -= {"return", "sign", "issue"}
    data = circular.figures
    context: dict[str, object] = {
        "circular": circular,
        "data": data,
        "rows": rank_rows(data),
        "headers": documents.RANK_HEADERS,
        "staff": staff,
        "actions": actions,
        "can_edit": circular.state == CircularState.DRAFT and permissions.can_draft(user, circular.desk_id),
        "return_form": forms.ReturnForm(),
        "charts": circular_charts(data),
    }
    if staff:
        context["events"] = workflow.history(circular.events.select_related("actor").order_by("at", "id"))
        context["reads"] = circular.reads.select_related("user", "user__unit").order_by("-last_at", "-id")[:500]
        context["recipients"] = circular.recipients.count()
    return context


@login_required
def circular_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    circular = permissions.get_circular(request.user, pk)
    services.circular_read(user=request.user, circular=circular)
    return render(request, "scoring/circulars/detail.html", _detail_context(request, circular))


@login_required
def circular_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    circular = permissions.get_circular(request.user, pk)
    if not permissions.can_draft(request.user, circular.desk_id):
        return _forbidden(request, "只有本科室的编辑和科长可以修改通报。")
    if circular.state != CircularState.DRAFT:
        messages.error(request, f"该通报{circular.get_state_display()}，不能修改。")
        return redirect("scoring:circular_detail", pk=circular.pk)
    initial = {"title": circular.title, "body": circular.body, "version": circular.version}
    form = forms.EditForm(request.POST if request.method == "POST" else None, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.circular_update(actor=request.user, circular=circular, **form.cleaned_data)
            except ServiceError as exc:
                form.add_error(None, exc)
                status = _status(exc)
            else:
                messages.success(request, "已保存通报。")
                return redirect("scoring:circular_detail", pk=circular.pk)
    return render(request, "scoring/circulars/edit.html", {"circular": circular, "form": form}, status=status)


def _act(request: AuthedRequest, pk: int, done: str, call: object) -> HttpResponse:
    circular = permissions.get_circular(request.user, pk)
    try:
        call(circular)  # type: ignore[operator]
    except ServiceError as exc:
        if exc.code == "forbidden":
            return _forbidden(request, exc.messages[0])
        context = _detail_context(request, circular)
        context["error"] = "；".join(exc.messages)
        return render(request, "scoring/circulars/detail.html", context, status=_status(exc))
    messages.success(request, done)
    return redirect("scoring:circular_detail", pk=circular.pk)


@login_required
@require_POST
def circular_submit(request: AuthedRequest, pk: int) -> HttpResponse:
    version = request.POST.get("version")
    seen = int(version) if version and version.isdigit() else None
    return _act(request, pk, "已送科长签发。",
                lambda c: services.circular_submit(actor=request.user, circular=c, version=seen))


@login_required
@require_POST
def circular_return(request: AuthedRequest, pk: int) -> HttpResponse:
    reason = request.POST.get("reason", "")
    return _act(request, pk, "已退回修改。",
                lambda c: services.circular_return(actor=request.user, circular=c, reason=reason))


@login_required
@require_POST
def circular_sign(request: AuthedRequest, pk: int) -> HttpResponse:
    return _act(request, pk, "已签发。", lambda c: services.circular_sign(actor=request.user, circular=c))


@login_required
@require_POST
def circular_issue(request: AuthedRequest, pk: int) -> HttpResponse:
    return _act(request, pk, "已印发，本周期已关账。",
                lambda c: services.circular_issue(actor=request.user, circular=c))


def download(circular: Circular, data: bytes, content_type: str, extension: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    stem = documents.filename_stem(circular)
    fallback = documents.ascii_filename(circular, extension)
    response["Content-Disposition"] = (
        f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(f'{stem}.{extension}')}"
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def circular_docx(request: AuthedRequest, pk: int) -> HttpResponse:
    circular = permissions.get_circular(request.user, pk)
    return download(circular, documents.circular_docx(circular), documents.DOCX_TYPE, "docx")


@login_required
@require_GET
def circular_xlsx(request: AuthedRequest, pk: int) -> HttpResponse:
    circular = permissions.get_circular(request.user, pk)
    return download(circular, documents.circular_xlsx(circular), documents.XLSX_TYPE, "xlsx")
