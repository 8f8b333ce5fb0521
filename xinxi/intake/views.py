"""E-mail intake pages: the queue (/intake/), one message (/intake/<pk>/), the mailbox (/intake/mailbox/).

The queue and the messages are for the desk's editors and desk chief (404 for anyone else);
the mailbox settings for the desk chief or an administrator (``?desk=`` chooses the desk).
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from xinxi.intake import permissions, services
from xinxi.intake.models import OPEN_STATES, IntakeMessage, IntakeState, Mailbox, Security
from xinxi.lib.errors import ConflictError, ServiceError
from xinxi.lib.http import AuthedRequest
from xinxi.lib.listing import choice_param, paginate, query_without
from xinxi.network.models import Desk, Unit
from xinxi.network.permissions import settings_desk

PER_PAGE = 30


def _status(exc: ServiceError) -> int:
    if isinstance(exc, ConflictError):
        return 409
    return 403 if exc.code == "forbidden" else 400


@login_required
def queue(request: AuthedRequest) -> HttpResponse:
    desk = permissions.desk_of(request.user)
    if desk is None:
        raise Http404
    rows = permissions.visible_messages(request.user).select_related("unit", "decided_by")
    state = choice_param(request, "state", [*IntakeState.values, "open", "all"], "open")
    counts = dict.fromkeys(IntakeState.values, 0)
    for value in rows.values_list("state", flat=True).order_by():
        counts[value] += 1
    if state == "open":
        rows = rows.filter(state__in=OPEN_STATES)
    elif state != "all":
        rows = rows.filter(state=state)
    page = paginate(request, rows.defer("raw", "body"), PER_PAGE)
    tabs = [("open", "待处理和隔离", counts[IntakeState.QUEUED] + counts[IntakeState.QUARANTINED]),
            *((s, label, counts[s]) for s, label in IntakeState.choices), ("all", "全部", sum(counts.values()))]
    mailbox = Mailbox.objects.filter(desk=desk).first()
    return render(request, "intake/queue.html", {
        "desk": desk, "page": page, "state": state, "tabs": tabs, "query": query_without(request, "page", "state"),
        "mailbox": mailbox, "can_edit_mailbox": permissions.can_edit_mailbox(request.user, desk),
    })


class AcceptForm(forms.Form):
    unit = forms.TypedChoiceField(label="报送单位", coerce=int, required=True)
    title = forms.CharField(label="标题", max_length=200)
    body = forms.CharField(label="正文", widget=forms.Textarea(attrs={"rows": 14}), max_length=20_000)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: object, units: list[Unit], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        unit_field: forms.TypedChoiceField = self.fields["unit"]  # type: ignore[assignment]
        unit_field.choices = [("", "—— 请选择 ——"), *((u.pk, u.name) for u in units)]
        self.fields["unit"].error_messages["invalid_choice"] = "请选择本科室的下级单位或直报点。"


def _detail(request: AuthedRequest, message: IntakeMessage, form: AcceptForm | None = None,
            reject_error: str = "", status: int = 200) -> HttpResponse:
    units = permissions.reaching_units(message.desk)
    if form is None:
        form = AcceptForm(units=units, initial={
            "unit": message.unit_id or "", "title": message.subject, "body": message.body, "version": message.version,
        })
    return render(request, "intake/detail.html", {
        "message": message, "form": form, "reject_error": reject_error,
        "attachments": message.attachments, "raw_size": len(bytes(message.raw)),
    }, status=status)


@login_required
def detail(request: AuthedRequest, pk: int) -> HttpResponse:
    return _detail(request, permissions.get_message(request.user, pk))


@login_required
@require_POST
def accept(request: AuthedRequest, pk: int) -> HttpResponse:
    message = permissions.get_message(request.user, pk)
    form = AcceptForm(request.POST, units=permissions.reaching_units(message.desk))
    if not form.is_valid():
        return _detail(request, message, form, status=400)
    data = form.cleaned_data
    try:
        item = services.intake_accept(
            actor=request.user, message=message, unit=Unit.objects.get(pk=data["unit"]), title=data["title"],
            body=data["body"], version=data["version"],
        )
    except ServiceError as exc:
        form.add_error(None, str(exc.messages[0]))
        return _detail(request, message, form, status=_status(exc))
    messages.success(request, f"已采用：“{item.title}”已作为{item.unit.name}的来稿进入本科室收稿箱。")
    return redirect("intake:queue")


@login_required
@require_POST
def reject(request: AuthedRequest, pk: int) -> HttpResponse:
    message = permissions.get_message(request.user, pk)
    version = request.POST.get("version", "")
    try:
        services.intake_reject(actor=request.user, message=message, reason=request.POST.get("reason", ""),
                               version=int(version) if version.isdigit() else None)
    except ServiceError as exc:
        return _detail(request, message, reject_error=str(exc.messages[0]), status=_status(exc))
    messages.success(request, "已退回该邮件" + ("，并已邮件告知发件人。" if message.sender_user_id else "。"))
    return redirect("intake:queue")


@login_required
@require_POST
def discard(request: AuthedRequest, pk: int) -> HttpResponse:
    message = permissions.get_message(request.user, pk)
    version = request.POST.get("version", "")
    try:
        services.intake_discard(actor=request.user, message=message,
                                version=int(version) if version.isdigit() else None)
    except ServiceError as exc:
        return _detail(request, message, reject_error=str(exc.messages[0]), status=_status(exc))
    messages.success(request, "已丢弃该隔离邮件（原始邮件仍保存在系统中）。")
    return redirect("intake:queue")


class MailboxForm(forms.Form):
    host = forms.CharField(label="IMAP 服务器", max_length=200)
    port = forms.IntegerField(label="端口", min_value=1, max_value=65535, initial=993)
    security = forms.ChoiceField(label="加密方式", choices=Security.choices, initial=Security.SSL)
    username = forms.CharField(label="用户名", max_length=200)
    password = forms.CharField(label="密码", max_length=200, required=False,
                               widget=forms.PasswordInput(render_value=False),
                               help_text="已保存的密码不会显示；留空则保留原密码。")
    folder = forms.CharField(label="文件夹", max_length=200, initial="INBOX")
    active = forms.BooleanField(label="启用自动收取（每 5 分钟）", required=False, initial=True)


def _mailbox_desk(request: AuthedRequest) -> Desk | None:
    return settings_desk(request.user, request.GET.get("desk", ""), request.method or "GET",
                         permissions.can_edit_mailbox)


@login_required
def mailbox_page(request: AuthedRequest) -> HttpResponse:
    user = request.user
    desk = _mailbox_desk(request)
    desks = Desk.objects.select_related("unit").order_by("unit__path") if user.is_admin else []
    if desk is None:
        return render(request, "intake/mailbox.html", {"form": None, "desk": None, "desks": desks})
    mailbox = Mailbox.objects.filter(desk=desk).first()
    initial = {f: getattr(mailbox, f) for f in ("host", "port", "security", "username", "folder", "active")} \
        if mailbox else {}
    form = MailboxForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.mailbox_save(actor=user, desk=desk, values=form.cleaned_data)
            except ServiceError as exc:
                form.add_error(None, str(exc.messages[0]))
                status = _status(exc)
            else:
                messages.success(request, "收稿邮箱已保存；工作进程每 5 分钟收取一次新邮件。")
                return redirect("/intake/mailbox/" + (f"?desk={desk.pk}" if user.is_admin else ""))
    return render(request, "intake/mailbox.html", {
        "form": form, "desk": desk, "desks": desks, "mailbox": mailbox,
        "has_password": bool(mailbox and mailbox.password),
    }, status=status)

