"""Writes for instructions and supervision: record, task, report, accept, return, close, extend, remind.

Each function takes the acting user, runs in one transaction, leaves an audit record
and notifies through ``xinxi.notifications``. Task transitions follow
``xinxi.instructions.workflow`` and leave a ``TaskEvent``; a stale ``version`` (a
second click, a form open in two tabs) is a ConflictError and changes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from pathlib import PurePath
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from xinxi.accounts.models import User
from xinxi.audit.services import audit_record
from xinxi.instructions import hooks, permissions, workflow
from xinxi.instructions.levels import is_active_level
from xinxi.instructions.models import (
    AWAITING_UNIT,
    HandlingReport,
    Instruction,
    Reminder,
    ReportAttachment,
    ReportState,
    SupervisionTask,
    TaskEvent,
    TaskState,
)
from xinxi.items.attachments import ALLOWED, check_size, detect_kind
from xinxi.items.models import CombinedSource, DeskEntry, EntrySource
from xinxi.items.text import clean_body
from xinxi.lib.choices import Classification
from xinxi.lib.errors import ConflictError, ServiceError
from xinxi.network.models import Unit
from xinxi.notifications.models import NotificationKind as K
from xinxi.notifications.services import notify
from xinxi.publications.models import Issue, IssueState

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

NOT_ALLOWED = "您没有权限进行此操作。"
TEXT_MAX = 2000
REPORT_MAX = 10000
MAX_FILES = 10


def _require(allowed: bool) -> None:
    if not allowed:
        raise ServiceError(NOT_ALLOWED, code="forbidden")


def _short(text: str, field: str, limit: int) -> str:
    value = " ".join((text or "").split())
    if not value:
        raise ServiceError(f"请填写{field}。")
    if len(value) > limit:
        raise ServiceError(f"{field}不能超过 {limit} 字（现有 {len(value)} 字）。")
    return value


def _long(text: str, field: str, limit: int) -> str:
    value = clean_body(text or "")
    if not value:
        raise ServiceError(f"请填写{field}。")
    if len(value) > limit:
        raise ServiceError(f"{field}不能超过 {limit} 字（现有 {len(value)} 字）。")
    return value


def unit_staff(unit_ids: Iterable[int], classification: int) -> list[User]:
    """The reporters and approvers of these units cleared for ``classification``: who hears about tasks."""
    return list(
        User.objects.filter(
            unit_id__in=set(unit_ids),
            is_active=True,
            clearance__gte=classification,
            role_grants__role__in=permissions.REPORT_ROLES,
        ).distinct()
    )


def _entry_source_units(entries: Iterable[DeskEntry]) -> set[int]:
    """The units credited for these entries: the item's unit, or each source's for a combined item."""
    units: set[int] = set()
    combined: list[int] = []
    for entry in entries:
        if entry.source == EntrySource.COMBINED:
            combined.append(entry.pk)
        else:
            units.add(entry.item.unit_id)
    if combined:
        units |= set(
            CombinedSource.objects.filter(combined_id__in=combined).values_list("source__item__unit_id", flat=True)
        )
    return units


def source_units(instruction: Instruction) -> set[int]:
    if instruction.entry_id is not None:
        return _entry_source_units([instruction.entry])  # type: ignore[list-item]
    entries = DeskEntry.objects.filter(issue_items__issue=instruction.issue).select_related("item")
    return _entry_source_units(entries)


# --- instructions ---


@transaction.atomic
def instruction_record(
    *,
    actor: User,
    entry: DeskEntry | None = None,
    issue: Issue | None = None,
    leader_name: str,
    leader_title: str,
    level: str,
    text: str,
    instructed_on: dt.date,
    classification: int | None = None,
) -> Instruction:
    """Record a leader's instruction on an entry of the actor's desk or on one of its issued issues."""
    if (entry is None) == (issue is None):
        raise ServiceError("批示应录入在一条信息或一期刊物上。")
    if entry is not None:
        _require(permissions.can_record_on_entry(actor, entry))
        desk_id, floor = entry.desk_id, entry.classification
    else:
        assert issue is not None
        desk = permissions.recording_desk(actor)
        _require(desk is not None and issue.periodical.desk_id == desk.pk and issue.classification <= actor.clearance)
        if issue.state != IssueState.ISSUED:
            raise ServiceError("只能对已印发的期录入批示。")
        desk_id, floor = issue.periodical.desk_id, issue.classification
    if not isinstance(level, str) or not is_active_level(level):
        raise ServiceError("请选择批示领导的层级。")
    if instructed_on > timezone.localdate():
        raise ServiceError("批示日期不能晚于今天。")
    level_of_secret = floor if classification is None else max(floor, int(classification))
    if level_of_secret not in Classification.values:
        raise ServiceError("密级无效。")
    if level_of_secret > actor.clearance:
        raise ServiceError("批示的密级高于您的涉密等级。")
    instruction = Instruction.objects.create(
        desk_id=desk_id,
        entry=entry,
        issue=issue,
        leader_name=_short(leader_name, "批示领导姓名", 50),
        leader_title=_short(leader_title, "领导职务", 100),
        level_id=level,
        text=_long(text, "批示内容", TEXT_MAX),
        instructed_on=instructed_on,
        classification=level_of_secret,
        recorded_by=actor,
    )
    audit_record(actor=actor, action="instruction_record", obj=instruction)
    hooks.INSTRUCTION_RECORDED.fire(actor=actor, instruction=instruction)
    notify(
        users=unit_staff(source_units(instruction), instruction.classification),
        kind=K.INSTRUCTION_RECORDED,
        obj=instruction,
        url=f"/supervision/instructions/{instruction.pk}/",
    )
    return instruction


# --- tasks ---


def _event(task: SupervisionTask, actor: User, action: str, before: str, reason: str = "") -> None:
    TaskEvent.objects.create(
        task=task, action=action, from_state=before, to_state=task.state, actor=actor, reason=reason
    )


def _move(task: SupervisionTask, action: str, *, version: int | None, **fields: Any) -> str:
    """Apply a transition with an optimistic check on version and state; returns the state before."""
    transition = workflow.TRANSITIONS[action]
    before = task.state
    if before not in transition.sources:
        raise ServiceError(f"该督办事项{task.get_state_display()}，不能{transition.label}。")
    expected = task.version if version is None else version
    updated = SupervisionTask.objects.filter(pk=task.pk, version=expected, state=before).update(
        state=transition.target, version=F("version") + 1, **fields
    )
    if not updated:
        raise ConflictError("该督办事项已被他人处理或已变化，请刷新后再操作。")
    task.state = transition.target
    task.version = expected + 1
    for key, value in fields.items():
        setattr(task, key, value)
    return before


@transaction.atomic
def tasks_create(
    *, actor: User, instruction: Instruction, units: Sequence[Unit], due_on: dt.date, requirement: str = ""
) -> list[SupervisionTask]:
    """Task named units with handling the instruction by ``due_on``; each unit is told."""
    _require(permissions.can_supervise(actor, instruction))
    units = list({unit.pk: unit for unit in units}.values())  # the same unit twice is tasked once
    if not units:
        raise ServiceError("请选择承办单位。")
    if due_on < timezone.localdate():
        raise ServiceError("办理期限不能早于今天。")
    allowed = set(
        permissions.taskable_units(instruction.desk).filter(pk__in=[u.pk for u in units]).values_list("pk", flat=True)
    )
    outside = [u.name for u in units if u.pk not in allowed]
    if outside:
        raise ServiceError(f"不能向本级以外或已停用的单位交办：{'、'.join(outside)}。")
    already = set(instruction.tasks.filter(unit__in=units).values_list("unit__name", flat=True))
    if already:
        raise ServiceError(f"已向以下单位交办过此批示：{'、'.join(sorted(already))}。")
    requirement = clean_body(requirement or "")
    if len(requirement) > TEXT_MAX:
        raise ServiceError(f"督办要求不能超过 {TEXT_MAX} 字。")
    tasks = []
    for unit in units:
        task = SupervisionTask.objects.create(
            instruction=instruction, unit=unit, due_on=due_on, requirement=requirement, created_by=actor
        )
        _event(task, actor, "create", "", requirement)
        tasks.append(task)
    audit_record(
        actor=actor,
        action="supervision_create",
        obj=instruction,
        detail={"units": [u.pk for u in units], "due_on": str(due_on)},
    )
    staff_by_unit: dict[int, list[User]] = defaultdict(list)
    for user in unit_staff([u.pk for u in units], instruction.classification):
        staff_by_unit[user.unit_id].append(user)  # type: ignore[index]
    for task in tasks:
        notify(
            users=staff_by_unit[task.unit_id],
            kind=K.TASK_ASSIGNED,
            obj=task,
            url=f"/supervision/tasks/{task.pk}/",
            detail={"due": due_on.isoformat()},
        )
    return tasks


def _store(report: HandlingReport, upload: UploadedFile) -> ReportAttachment:
    check_size(upload)
    suffix = detect_kind(upload)
    name = PurePath(upload.name or f"附件{suffix}").name[:200]
    attachment = ReportAttachment(report=report, name=name, size=upload.size or 0, content_type=ALLOWED[suffix])
    attachment.file.save(f"{report.task_id}-{report.pk}{suffix}", upload, save=False)
    attachment.save()
    return attachment


@transaction.atomic
def report_submit(
    *,
    actor: User,
    task: SupervisionTask,
    text: str,
    files: Sequence[UploadedFile] = (),
    version: int | None = None,
) -> HandlingReport:
    """The tasked unit reports how it handled the instruction (with attachments)."""
    if not (actor.unit_id == task.unit_id and actor.has_role(*permissions.REPORT_ROLES)):
        raise ServiceError("只有承办单位的信息员或签发人可以报送办理情况。", code="forbidden")
    if task.state not in AWAITING_UNIT:
        raise ServiceError(f"该督办事项{task.get_state_display()}，不能再报送办理情况。")
    _require(permissions.can_report(actor, task))
    body = _long(text, "办理情况", REPORT_MAX)
    if len(files) > MAX_FILES:
        raise ServiceError(f"每次最多上传 {MAX_FILES} 个附件。")
    for upload in files:  # check every file before writing anything
        check_size(upload)
        detect_kind(upload)
    now = timezone.now()
    before = _move(task, "report", version=version, first_reported_at=task.first_reported_at or now)
    report = HandlingReport.objects.create(task=task, text=body, submitted_by=actor)
    for upload in files:
        _store(report, upload)
    _event(task, actor, "report", before)
    audit_record(actor=actor, action="handling_report", obj=task, detail={"report": report.pk, "files": len(files)})
    notify(
        users=[task.created_by],
        kind=K.TASK_REPORTED,
        obj=task,
        url=f"/supervision/tasks/{task.pk}/",
    )
    return report


def _pending_report(task: SupervisionTask) -> HandlingReport:
    report = task.reports.filter(state=ReportState.SUBMITTED).order_by("-submitted_at", "-id").first()
    if report is None:
        raise ServiceError("没有待审核的办理情况。")
    return report


@transaction.atomic
def report_accept(*, actor: User, task: SupervisionTask, note: str = "", version: int | None = None) -> HandlingReport:
    _require(permissions.can_review(actor, task))
    report = _pending_report(task)
    note = clean_body(note or "")[:TEXT_MAX]
    before = _move(task, "accept", version=version)
    HandlingReport.objects.filter(pk=report.pk).update(
        state=ReportState.ACCEPTED, review_note=note, reviewed_by=actor, reviewed_at=timezone.now()
    )
    report.refresh_from_db()
    _event(task, actor, "accept", before, note)
    audit_record(actor=actor, action="handling_accept", obj=task, detail={"report": report.pk})
    notify(
        users=unit_staff([task.unit_id], task.instruction.classification),
        kind=K.TASK_ACCEPTED,
        obj=task,
        url=f"/supervision/tasks/{task.pk}/",
    )
    return report


@transaction.atomic
def report_return(*, actor: User, task: SupervisionTask, reason: str, version: int | None = None) -> HandlingReport:
    _require(permissions.can_review(actor, task))
    reason = _long(reason, "退回理由", TEXT_MAX)
    report = _pending_report(task)
    before = _move(task, "return", version=version)
    HandlingReport.objects.filter(pk=report.pk).update(
        state=ReportState.RETURNED, review_note=reason, reviewed_by=actor, reviewed_at=timezone.now()
    )
    report.refresh_from_db()
    _event(task, actor, "return", before, reason)
    audit_record(actor=actor, action="handling_return", obj=task, detail={"report": report.pk})
    notify(
        users=unit_staff([task.unit_id], task.instruction.classification),
        kind=K.TASK_RETURNED,
        obj=task,
        url=f"/supervision/tasks/{task.pk}/",
        detail={"reason": reason[:60]},
    )
    return report


@transaction.atomic
def task_close(*, actor: User, task: SupervisionTask, note: str = "", version: int | None = None) -> SupervisionTask:
    """Close an accepted task; the tasked unit and the units whose item was instructed are told."""
    _require(permissions.can_review(actor, task))
    note = clean_body(note or "")[:TEXT_MAX]
    before = _move(task, "close", version=version, closed_at=timezone.now())
    _event(task, actor, "close", before, note)
    audit_record(actor=actor, action="supervision_close", obj=task)
    instruction = task.instruction
    notify(
        users=unit_staff({task.unit_id} | source_units(instruction), instruction.classification),
        kind=K.TASK_CLOSED,
        obj=instruction,
        url=f"/supervision/instructions/{instruction.pk}/",
        detail={"unit": task.unit.name},
    )
    return task


@transaction.atomic
def task_extend(
    *, actor: User, task: SupervisionTask, due_on: dt.date, reason: str, version: int | None = None
) -> SupervisionTask:
    """Move an unfinished task's due date (reminders then follow the new date)."""
    _require(permissions.can_review(actor, task))
    if task.state == TaskState.CLOSED:
        raise ServiceError("该督办事项已办结，不能调整办理期限。")
    if due_on < timezone.localdate():
        raise ServiceError("办理期限不能早于今天。")
    if due_on == task.due_on:
        raise ServiceError("新的办理期限与原期限相同。")
    reason = _long(reason, "调整理由", TEXT_MAX)
    expected = task.version if version is None else version
    old = task.due_on
    if not SupervisionTask.objects.filter(pk=task.pk, version=expected).update(due_on=due_on, version=F("version") + 1):
        raise ConflictError("该督办事项已被他人处理或已变化，请刷新后再操作。")
    task.due_on, task.version = due_on, expected + 1
    _event(task, actor, "extend", task.state, f"期限由 {old:%Y-%m-%d} 调整为 {due_on:%Y-%m-%d}：{reason}")
    audit_record(actor=actor, action="supervision_extend", obj=task, detail={"from": str(old), "to": str(due_on)})
    notify(
        users=unit_staff([task.unit_id], task.instruction.classification),
        kind=K.TASK_EXTENDED,
        obj=task,
        url=f"/supervision/tasks/{task.pk}/",
        detail={"due": due_on.isoformat()},
    )
    return task


# --- reminders (run by the worker's sweep) ---


def reminder_key(task: SupervisionTask, today: dt.date) -> tuple[str, str] | None:
    """Which reminder (key, text) is due for the task today, if any.

    Before the due date: one reminder once the desk's lead time is reached. After it:
    one on the first overdue day and one every ``supervision_repeat_days`` after. The
    due date is part of the key, so moving the date starts the reminders afresh.
    """
    desk = task.instruction.desk
    if task.state not in AWAITING_UNIT:
        return None
    about = f"{task.instruction.leader_title}{task.instruction.leader_name}批示的办理情况"
    if today <= task.due_on:
        if (task.due_on - today).days <= desk.supervision_remind_days:
            left = (task.due_on - today).days
            when = "今天" if left == 0 else f"{left} 天后"
            return f"before:{task.due_on}", f"督办提醒：{about}{when}（{task.due_on:%m月%d日}）到期，请按时报送"
        return None
    late = (today - task.due_on).days
    round_ = (late - 1) // max(1, desk.supervision_repeat_days)
    return f"overdue:{task.due_on}:{round_}", f"督办逾期：{about}已超过办理期限 {late} 天，请尽快报送"


def send_reminders(*, today: dt.date | None = None) -> int:
    """Send every reminder due today that has not been sent; returns how many were sent.

    Safe to run any number of times and by several workers at once: a reminder is
    written with its unique key in the same transaction as its notifications, so a
    second run (or a second worker) finds the key and sends nothing.
    """
    today = today or timezone.localdate()
    tasks = list(
        SupervisionTask.objects.filter(state__in=AWAITING_UNIT)
        .select_related("instruction", "instruction__desk", "unit", "created_by")
        .order_by("id")
    )
    due = [(task, found) for task in tasks if (found := reminder_key(task, today)) is not None]
    if not due:
        return 0
    sent_keys = set(Reminder.objects.filter(task_id__in=[t.pk for t, _ in due]).values_list("task_id", "key"))
    staff: dict[int, list[User]] = defaultdict(list)
    for user in unit_staff({t.unit_id for t, _ in due}, Classification.PUBLIC):
        staff[user.unit_id].append(user)  # type: ignore[index]
    sent = 0
    for task, (key, text) in due:
        if (task.pk, key) in sent_keys:
            continue
        try:
            with transaction.atomic():
                Reminder.objects.create(task=task, key=key)
                readers = [u for u in staff[task.unit_id] if u.clearance >= task.instruction.classification]
                if key.startswith("overdue"):
                    readers.append(task.created_by)
                    text = f"{text}（{task.unit.name}）"
                notify(
                    users=readers, kind=K.TASK_REMINDER, obj=task, url=f"/supervision/tasks/{task.pk}/",
                    detail={"text": text},
                )
                audit_record(actor=None, action="supervision_remind", obj=task, detail={"key": key})
        except IntegrityError:  # another worker sent it just now
            continue
        sent += 1
    return sent
