"""Pages of instructions (批示) and supervision (督办).

Thin views: reads go through ``instructions.permissions`` / ``selectors`` (what a user may
not see is a 404, like a missing record), writes through ``instructions.services``; a
refusal is shown on the page with the user's input kept (400, 403 without the right,
409 for a stale form or a second click).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from xinxi.instructions import forms, permissions, selectors, services
from xinxi.instructions.models import AWAITING_UNIT, Instruction, SupervisionTask, TaskState
from xinxi.items import permissions as item_permissions
from xinxi.lib.errors import ConflictError, ServiceError
from xinxi.lib.http import AuthedRequest
from xinxi.lib.listing import paginate
from xinxi.publications import permissions as pub_permissions

PAGE_SIZE = 30


def _status(exc: ServiceError) -> int:
    if isinstance(exc, ConflictError):
        return 409
    return 403 if exc.code == "forbidden" else 400


# --- lists ---


@login_required
def task_list(request: AuthedRequest) -> HttpResponse:
    user = request.user
    today = timezone.localdate()
    window = selectors.due_soon_window(user)
    visible = permissions.visible_tasks(user)
    desk_side = permissions.recording_desk(user) is not None or user.has_role("duty_officer")
    default = "review" if desk_side else "open"
    due = request.GET.get("due", default)
    if due not in selectors.DUE_FILTERS:
        due = default
    rows = (
        selectors.filter_tasks(visible, due, today=today, window_days=window)
        .select_related("unit", "instruction", "instruction__desk")
        .order_by("due_on", "id")
    )
    page = paginate(request, rows, PAGE_SIZE)
    for task in page:
        task.days_left = (task.due_on - today).days  # type: ignore[attr-defined]
        task.overdue = task.state in AWAITING_UNIT and task.due_on < today  # type: ignore[attr-defined]
        task.overdue_days = -task.days_left  # type: ignore[attr-defined]
    context = {
        "page": page,
        "due": due,
        "tabs": [
            (key, label, n)
            for (key, label), n in zip(
                selectors.DUE_FILTERS.items(),
                selectors.task_counts(visible, today=today, window_days=window).values(),
                strict=True,
            )
        ],
        "window": window,
        "tally": selectors.unit_tally(visible, today=today) if desk_side else [],
        "instructions": permissions.visible_instructions(user)
        .select_related("entry", "issue__periodical")
        .order_by("-instructed_on", "-id")[:10],
    }
    return render(request, "instructions/task_list.html", context)


# --- instructions ---


def _record(request: AuthedRequest, target: dict[str, Any], back: str, label: str) -> HttpResponse:
    form = forms.InstructionForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            instruction = services.instruction_record(actor=request.user, **target, **form.cleaned_data)
        except ServiceError as exc:
            form.add_error(None, exc.messages[0])
            status = _status(exc)
        else:
            messages.success(request, "批示已录入，报送单位会收到通知。可在下方交办督办事项。")
            return redirect("instruction_detail", pk=instruction.pk)
    elif request.method == "POST":
        status = 400
    return render(
        request, "instructions/instruction_form.html", {"form": form, "back": back, "label": label}, status=status
    )


@login_required
def record_on_entry(request: AuthedRequest, entry_pk: int) -> HttpResponse:
    entry = item_permissions.get_desk_entry(request.user, entry_pk)
    if not permissions.can_record_on_entry(request.user, entry):
        raise Http404
    return _record(request, {"entry": entry}, f"/desk/entries/{entry.pk}/", f"信息“{entry.title}”")


@login_required
def record_on_issue(request: AuthedRequest, issue_pk: int) -> HttpResponse:
    issue = pub_permissions.get_issue(request.user, issue_pk)
    if not permissions.can_record_on_issue(request.user, issue):
        raise Http404
    return _record(request, {"issue": issue}, f"/publications/issues/{issue.pk}/", str(issue))


def _target_url(user: Any, instruction: Instruction) -> str:
    """Where the instructed item or issue can be opened by this user, if anywhere."""
    if instruction.issue_id is not None:
        return f"/publications/issues/{instruction.issue_id}/"
    entry = instruction.entry
    if entry is None:
        return ""
    if item_permissions.desk_entries(user).filter(pk=entry.pk).exists():
        return f"/desk/entries/{entry.pk}/"
    if item_permissions.visible_items(user).filter(pk=entry.item_id).exists():
        return f"/items/{entry.item_id}/"
    return ""


@login_required
def instruction_detail(request: AuthedRequest, pk: int, task_form: forms.TaskForm | None = None) -> HttpResponse:
    user = request.user
    instruction = permissions.instruction_for_reading(user, pk, what="page")
    can_supervise = permissions.can_supervise(user, instruction)
    rows = instruction.tasks.select_related("unit").order_by("unit__path")
    if not permissions.is_desk_side_of(user, instruction):
        rows = rows.filter(unit=user.unit)
    today = timezone.localdate()
    tasks = list(rows)
    for task in tasks:
        task.overdue = task.state in AWAITING_UNIT and task.due_on < today  # type: ignore[attr-defined]
    form = task_form
    if form is None and can_supervise:
        form = forms.TaskForm(
            units=permissions.taskable_units(instruction.desk),
            initial={"due_on": timezone.localdate() + dt.timedelta(days=instruction.desk.supervision_due_days)},
        )
    context = {
        "instruction": instruction,
        "target_url": _target_url(user, instruction),
        "tasks": tasks,
        "can_supervise": can_supervise,
        "form": form,
    }
    return render(request, "instructions/instruction_detail.html", context, status=400 if task_form else 200)


@login_required
@require_POST
def tasks_create(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    instruction = permissions.get_instruction(user, pk)
    if not permissions.can_supervise(user, instruction):
        raise Http404
    form = forms.TaskForm(request.POST, units=permissions.taskable_units(instruction.desk))
    if form.is_valid():
        try:
            tasks = services.tasks_create(actor=user, instruction=instruction, **form.cleaned_data)
        except ServiceError as exc:
            form.add_error(None, exc.messages[0])
        else:
            messages.success(request, f"已向 {len(tasks)} 个单位交办，承办单位会收到通知。")
            return redirect("instruction_detail", pk=instruction.pk)
    return instruction_detail(request, pk, task_form=form)


# --- tasks ---


def _task_page(
    request: AuthedRequest,
    task: SupervisionTask,
    status: int = 200,
    error: str = "",
    bound: dict[str, forms.VersionForm] | None = None,
) -> HttpResponse:
    forms_ = bound or {}
    user = request.user
    desk_side = permissions.is_desk_side(user, task)
    can_review = permissions.can_review(user, task)
    initial = {"version": task.version}
    today = timezone.localdate()
    task_forms: dict[str, forms.VersionForm] = {
        "report_form": forms_.get("report_form") or forms.ReportForm(initial=initial),
        "accept_form": forms_.get("accept_form") or forms.NoteForm(initial=initial),
        "return_form": forms_.get("return_form") or forms.ReasonForm(initial=initial),
        "close_form": forms_.get("close_form") or forms.NoteForm(initial=initial),
        "extend_form": forms_.get("extend_form") or forms.ExtendForm(initial=initial),
    }
    for key, form in task_forms.items():
        # Several of these forms share the page and field names: keep their ids and labels apart.
        form.auto_id = f"id_{key.removesuffix('_form')}_%s"
    context = {
        "task": task,
        "instruction": task.instruction,
        "target_url": _target_url(user, task.instruction),
        "events": task.events.select_related("actor"),
        "reports": task.reports.select_related("submitted_by", "reviewed_by").prefetch_related("attachments"),
        "desk_side": desk_side,
        "can_report": permissions.can_report(user, task),
        "can_review": can_review and task.state == TaskState.REPORTED,
        "can_close": can_review and task.state == TaskState.ACCEPTED,
        "can_extend": can_review and task.state != TaskState.CLOSED,
        **task_forms,
        "days_left": (task.due_on - today).days,
        "overdue": task.state in AWAITING_UNIT and task.due_on < today,
        "error": error,
    }
    return render(request, "instructions/task_detail.html", context, status=status)


@login_required
def task_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    task = permissions.task_for_reading(request.user, pk, what="page")
    return _task_page(request, task)


@login_required
@require_POST
def task_report(request: AuthedRequest, pk: int) -> HttpResponse:
    task = permissions.get_task(request.user, pk)
    form = forms.ReportForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.report_submit(
                actor=request.user, task=task, text=data["text"], files=data["attachments"], version=data["version"]
            )
        except ServiceError as exc:
            form.add_error(None, exc.messages[0])
            task = permissions.get_task(request.user, pk)
            return _task_page(request, task, _status(exc), exc.messages[0], {"report_form": form})
        messages.success(request, "办理情况已报送，督办科室会收到通知。")
        return redirect("task_detail", pk=task.pk)
    return _task_page(request, task, 400, bound={"report_form": form})


def _desk_action(request: AuthedRequest, pk: int, form_class: type[forms.VersionForm], key: str) -> HttpResponse:
    task = permissions.get_task(request.user, pk)
    form = form_class(request.POST)
    if form.is_valid():
        data = dict(form.cleaned_data)
        try:
            if key == "accept_form":
                services.report_accept(actor=request.user, task=task, **data)
                done = "已认可办理情况；确认无误后可办结。"
            elif key == "return_form":
                services.report_return(actor=request.user, task=task, **data)
                done = "已退回补充，承办单位会收到通知。"
            elif key == "close_form":
                services.task_close(actor=request.user, task=task, **data)
                done = "督办事项已办结。"
            else:
                services.task_extend(actor=request.user, task=task, **data)
                done = "办理期限已调整。"
        except ServiceError as exc:
            form.add_error(None, exc.messages[0])
            task = permissions.get_task(request.user, pk)
            return _task_page(request, task, _status(exc), exc.messages[0], {key: form})
        messages.success(request, done)
        return redirect("task_detail", pk=task.pk)
    return _task_page(request, task, 400, bound={key: form})


@login_required
@require_POST
def task_accept(request: AuthedRequest, pk: int) -> HttpResponse:
    return _desk_action(request, pk, forms.NoteForm, "accept_form")


@login_required
@require_POST
def task_return(request: AuthedRequest, pk: int) -> HttpResponse:
    return _desk_action(request, pk, forms.ReasonForm, "return_form")


@login_required
@require_POST
def task_close(request: AuthedRequest, pk: int) -> HttpResponse:
    return _desk_action(request, pk, forms.NoteForm, "close_form")


@login_required
@require_POST
def task_extend(request: AuthedRequest, pk: int) -> HttpResponse:
    return _desk_action(request, pk, forms.ExtendForm, "extend_form")


@login_required
def attachment_download(request: AuthedRequest, pk: int, attachment_pk: int) -> FileResponse:
    task = permissions.task_for_reading(request.user, pk, what=f"attachment #{attachment_pk}")
    from xinxi.instructions.models import ReportAttachment

    attachment = get_object_or_404(ReportAttachment, pk=attachment_pk, report__task=task)
    try:
        handle = attachment.file.open("rb")
    except OSError:
        raise Http404("附件文件不存在") from None
    return FileResponse(handle, as_attachment=True, filename=attachment.name, content_type=attachment.content_type)
