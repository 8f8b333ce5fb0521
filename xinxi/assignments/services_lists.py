"""Writes for 舆论监督与群众意见建议 lists and 社情民意 quarterly reports.

A unit writes its monthly list (rows by form or file), sends it to its desk
(``network.services.parent_desk``); the desk routes rows to the units concerned
(交办, with a reply due ``REPLY_DAYS`` calendar days later); the unit replies with its
handling result (办理结果), which goes back to the sender's reporters and approvers.
The desk compiles a quarter's 社情民意 entries into one combined entry through
``items.desk_services.entry_combine`` (so the sources are credited as every combined
item's are) and the quarter is recorded in ``SentimentReport``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from xinxi.accounts.models import Role, User
from xinxi.assignments import lists_files, permissions_lists
from xinxi.assignments.models import (
    ListState,
    RowState,
    SentimentReport,
    SupervisionList,
    SupervisionRow,
)
from xinxi.audit.services import audit_record
from xinxi.items import desk_services, text
from xinxi.items.models import Category, DeskEntry
from xinxi.lib.errors import ConflictError, ServiceError
from xinxi.network.models import Unit
from xinxi.network.permissions import visible_units
from xinxi.network.services import parent_desk
from xinxi.notifications.models import NotificationKind as K
from xinxi.notifications.services import notify

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

REPLY_DAYS = 15  # calendar days a concerned unit has to reply after routing (documented)
NOTE_MAX = 300
RESULT_MAX = 5000
NOT_ALLOWED = "您没有权限进行此操作。"


class ListFileError(ServiceError):
    """A file with problems: nothing saved; ``errors`` lists each row and column."""

    def __init__(self, message: str, errors: Sequence[lists_files.RowError] = ()) -> None:
        super().__init__(message, code="invalid_file")
        self.errors = list(errors)


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def quarter_of(day: dt.date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


def quarter_bounds(year: int, quarter: int) -> tuple[dt.date, dt.date]:
    """First day of the quarter and first day of the next."""
    start = dt.date(year, 3 * quarter - 2, 1)
    end = dt.date(year + 1, 1, 1) if quarter == 4 else dt.date(year, 3 * quarter + 1, 1)
    return start, end


def _unit_people(unit_id: int) -> Any:
    return User.objects.filter(unit_id=unit_id, role_grants__role__in=permissions_lists.UNIT_ROLES,
                               is_active=True).distinct()


def _desk_editors(desk_id: int) -> Any:
    return User.objects.filter(unit__desk__pk=desk_id, role_grants__role__in=[Role.EDITOR, Role.DESK_CHIEF],
                               is_active=True).distinct()


def _list_url(lst: SupervisionList) -> str:
    return reverse("assignments:list_detail", args=[lst.pk])


def _row_url(row: SupervisionRow) -> str:
    return reverse("assignments:list_row", args=[row.pk])


def _require_editable(actor: User, lst: SupervisionList) -> None:
    if not permissions_lists.is_unit_user(actor) or lst.unit_id != actor.unit_id:
        raise ServiceError(NOT_ALLOWED, code="forbidden")
    if lst.state != ListState.DRAFT:
        raise ServiceError("清单已报送，不能再修改。")


# --- the unit's list ---


@transaction.atomic
def list_create(*, actor: User, month: dt.date) -> SupervisionList:
    """A draft list of ``month`` for the actor's unit, addressed to its parent desk."""
    if not permissions_lists.is_unit_user(actor):
        raise ServiceError("只有本单位信息员、签发人可以填报清单。", code="forbidden")
    month = month_start(month)
    if month > month_start(timezone.localdate()):
        raise ServiceError("不能填报以后月份的清单。")
    if month.year < 2000:
        raise ServiceError("月份过早，请检查。")
    unit = actor.unit
    assert unit is not None
    desk = parent_desk(unit)
    if desk is None:
        raise ServiceError("本单位没有上级信息科室，无需报送清单。")
    if SupervisionList.objects.filter(unit=unit, desk=desk, month=month).exists():
        raise ServiceError(f"本单位{month.year}年{month.month}月的清单已经建立，请在原清单中填写。")
    try:
        with transaction.atomic():
            lst = SupervisionList.objects.create(unit=unit, desk=desk, month=month, created_by=actor)
    except IntegrityError:
        raise ConflictError("本月清单刚刚已由他人建立，请刷新页面。") from None
    audit_record(actor=actor, action="supervision_list_create", obj=lst, detail={"month": f"{month:%Y-%m}"})
    return lst


def _next_position(lst: SupervisionList) -> int:
    return int(lst.rows.aggregate(n=Max("position"))["n"] or 0) + 1


def row_fields(values: dict[str, Any]) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """Form/API input (kind, source, date, summary, concerned, suggestion) → checked fields and problems."""
    by_label = dict(zip(lists_files.COLUMNS, (values.get(k) for k in
                                              ("kind", "source", "date", "summary", "concerned", "suggestion")),
                        strict=True))
    return lists_files.check_row(by_label, timezone.localdate())


@transaction.atomic
def list_add_row(*, actor: User, lst: SupervisionList, fields: dict[str, Any]) -> SupervisionRow:
    lst = SupervisionList.objects.select_for_update().get(pk=lst.pk)
    _require_editable(actor, lst)
    row, problems = row_fields(fields)
    if problems:
        raise ServiceError("；".join(f"{column}：{message}" for column, message in problems))
    if lst.rows.count() >= lists_files.MAX_ROWS:
        raise ServiceError(f"一份清单最多 {lists_files.MAX_ROWS} 行。")
    made = SupervisionRow.objects.create(list=lst, position=_next_position(lst), **row)
    audit_record(actor=actor, action="supervision_row_add", obj=lst, detail={"row": made.pk})
    return made


@transaction.atomic
def list_remove_row(*, actor: User, row: SupervisionRow) -> None:
    lst = SupervisionList.objects.select_for_update().get(pk=row.list_id)
    _require_editable(actor, lst)
    audit_record(actor=actor, action="supervision_row_remove", obj=lst, detail={"row": row.pk})
    row.delete()


@transaction.atomic
def list_upload(*, actor: User, lst: SupervisionList, upload: UploadedFile) -> list[SupervisionRow]:
    """Add the rows of an XLSX/CSV file to a draft list: all or nothing (``ListFileError`` names each problem)."""
    lst = SupervisionList.objects.select_for_update().get(pk=lst.pk)
    _require_editable(actor, lst)
    size = upload.size or 0
    if size > lists_files.MAX_BYTES:
        raise ListFileError(f"文件过大：清单文件不能超过 {lists_files.MAX_BYTES // 1024 // 1024} MB。")
    data = upload.read(lists_files.MAX_BYTES + 1)
    try:
        parsed = lists_files.read(data, upload.name or "", timezone.localdate())
    except lists_files.FileRefused as exc:
        raise ListFileError(exc.message) from None
    if parsed.errors:
        raise ListFileError(f"文件中有 {len(parsed.errors)} 处错误，整个文件未导入，请改正后重新上传。",
                            parsed.errors)
    if lst.rows.count() + len(parsed.rows) > lists_files.MAX_ROWS:
        raise ListFileError(f"一份清单最多 {lists_files.MAX_ROWS} 行。")
    start = _next_position(lst)
    made = SupervisionRow.objects.bulk_create(
        [SupervisionRow(list=lst, position=start + i, **row) for i, row in enumerate(parsed.rows)]
    )
    audit_record(actor=actor, action="supervision_list_upload", obj=lst,
                 detail={"rows": len(made), "file": (upload.name or "")[:100]})
    return made


@transaction.atomic
def list_send(*, actor: User, lst: SupervisionList) -> SupervisionList:
    """Send the draft to the desk (an empty list means "nothing this month" and counts as sent)."""
    lst = SupervisionList.objects.select_for_update().get(pk=lst.pk)
    _require_editable(actor, lst)
    lst.state, lst.sent_by, lst.sent_at = ListState.SENT, actor, timezone.now()
    lst.save(update_fields=["state", "sent_by", "sent_at"])
    count = lst.rows.count()
    audit_record(actor=actor, action="supervision_list_send", obj=lst, detail={"rows": count})
    notify(users=_desk_editors(lst.desk_id), kind=K.SUPERVISION_LIST_SENT, obj=lst, url=_list_url(lst),
           detail={"unit": lst.unit.name, "rows": count})
    return lst


# --- the desk routes, the concerned unit replies ---


@transaction.atomic
def row_route(*, actor: User, row: SupervisionRow, unit: Unit, note: str = "",
              due_on: dt.date | None = None) -> SupervisionRow:
    """Route a row to a concerned unit of the desk's network; routing again re-routes an unanswered row."""
    row = SupervisionRow.objects.select_for_update().select_related("list", "list__unit").get(pk=row.pk)
    if not permissions_lists.can_route(actor, row):
        if row.state == RowState.REPLIED and permissions_lists.desk_of(actor) is not None:
            raise ServiceError("该条目已反馈办理结果，不能再交办。")
        raise ServiceError(NOT_ALLOWED, code="forbidden")
    if not unit.active or not visible_units(actor).filter(pk=unit.pk).exists():
        raise ServiceError("承办单位不存在。")
    today = timezone.localdate()
    due_on = due_on or today + dt.timedelta(days=REPLY_DAYS)
    if due_on < today:
        raise ServiceError("反馈期限不能早于今天。")
    note = text.clean_title(note)
    if len(note) > NOTE_MAX:
        raise ServiceError(f"交办要求不能超过 {NOTE_MAX} 字。")
    row.state, row.routed_to, row.routed_by = RowState.ROUTED, unit, actor
    row.routed_at, row.route_note, row.due_on, row.overdue_reminded_at = timezone.now(), note, due_on, None
    row.save(update_fields=["state", "routed_to", "routed_by", "routed_at", "route_note", "due_on",
                            "overdue_reminded_at"])
    audit_record(actor=actor, action="supervision_row_route", obj=row.list,
                 detail={"row": row.pk, "unit": unit.pk, "due_on": str(due_on)})
    notify(users=_unit_people(unit.pk), kind=K.SUPERVISION_ROW_ROUTED, obj=row, url=_row_url(row),
           detail={"due_on": str(due_on)})
    return row


@transaction.atomic
def row_reply(*, actor: User, row: SupervisionRow, result: str) -> SupervisionRow:
    """The concerned unit's handling result; the sender's people and the router are told."""
    row = SupervisionRow.objects.select_for_update().select_related("list", "list__unit").get(pk=row.pk)
    if not permissions_lists.can_reply(actor, row):
        if row.state == RowState.REPLIED and row.routed_to_id == getattr(actor, "unit_id", None):
            raise ServiceError("已反馈过办理结果。")
        raise ServiceError(NOT_ALLOWED, code="forbidden")
    result = text.clean_body(result)
    if not result:
        raise ServiceError("办理结果不能为空。")
    if len(result) > RESULT_MAX:
        raise ServiceError(f"办理结果不能超过 {RESULT_MAX} 字。")
    row.state, row.result, row.replied_by, row.replied_at = RowState.REPLIED, result, actor, timezone.now()
    row.save(update_fields=["state", "result", "replied_by", "replied_at"])
    audit_record(actor=actor, action="supervision_row_reply", obj=row.list, detail={"row": row.pk})
    told = list(_unit_people(row.list.unit_id))
    if row.routed_by is not None:
        told.append(row.routed_by)
    notify(users=told, kind=K.SUPERVISION_ROW_REPLIED, obj=row, url=_row_url(row),
           detail={"unit": actor.unit.name if actor.unit else ""})
    return row


def remind_overdue(*, today: dt.date | None = None) -> int:
    """Tell the concerned unit and the router once that a routed row is past its reply date.

    Safe to run any number of times and by several workers: each row is claimed with a
    conditional update in the transaction that notifies; routing again clears the mark.
    """
    today = today or timezone.localdate()
    rows = list(SupervisionRow.objects.filter(state=RowState.ROUTED, due_on__lt=today,
                                              overdue_reminded_at__isnull=True)
                .select_related("routed_to", "routed_by", "list").order_by("id")[:1000])
    sent = 0
    for row in rows:
        with transaction.atomic():
            claimed = SupervisionRow.objects.filter(pk=row.pk, state=RowState.ROUTED,
                                                    overdue_reminded_at__isnull=True).update(
                overdue_reminded_at=timezone.now())
            if not claimed or row.routed_to is None:
                continue
            told = list(_unit_people(row.routed_to.pk))
            if row.routed_by is not None:
                told.append(row.routed_by)
            notify(users=told, kind=K.SUPERVISION_ROW_OVERDUE, obj=row, url=_row_url(row),
                   detail={"unit": row.routed_to.name, "due_on": str(row.due_on)})
            audit_record(actor=None, action="supervision_row_overdue", obj=row.list,
                         detail={"row": row.pk, "due_on": str(row.due_on)})
        sent += 1
    return sent


# --- 社情民意: the quarterly comprehensive report ---


def quarter_sentiment(user: User, year: int, quarter: int) -> Any:
    """The 社情民意 entries the user's desk received in the quarter (within the user's clearance)."""
    desk = permissions_lists.desk_of(user)
    if desk is None:
        return DeskEntry.objects.none()
    start, end = quarter_bounds(year, quarter)
    tz = timezone.get_current_timezone()
    return DeskEntry.objects.filter(
        desk=desk, category=Category.SENTIMENT, classification__lte=user.clearance,
        received_at__gte=dt.datetime.combine(start, dt.time(), tz),
        received_at__lt=dt.datetime.combine(end, dt.time(), tz),
    ).select_related("origin_unit")


@transaction.atomic
def sentiment_compile(*, actor: User, year: int, quarter: int, entries: Sequence[DeskEntry], title: str,
                      body: str) -> SentimentReport:
    """Combine the chosen entries of the quarter (``entry_combine``) and record the quarter's report."""
    if not permissions_lists.can_compile(actor):
        raise ServiceError(NOT_ALLOWED, code="forbidden")
    if quarter not in (1, 2, 3, 4) or not 2000 <= year <= 2100:
        raise ServiceError("季度不正确。")
    desk = permissions_lists.desk_of(actor)
    assert desk is not None
    if SentimentReport.objects.filter(desk=desk, year=year, quarter=quarter).exists():
        raise ServiceError(f"{year}年第{quarter}季度的社情民意综合报告已经汇编。")
    allowed = set(quarter_sentiment(actor, year, quarter).values_list("pk", flat=True))
    if any(e.pk not in allowed for e in entries):
        raise ServiceError(f"只能汇编本科室{year}年第{quarter}季度收到的社情民意信息。")
    combined = desk_services.entry_combine(actor=actor, entries=list(entries), title=title, body=body)
    try:
        with transaction.atomic():
            report = SentimentReport.objects.create(desk=desk, year=year, quarter=quarter, entry=combined,
                                                    created_by=actor)
    except IntegrityError:
        raise ConflictError(f"{year}年第{quarter}季度的社情民意综合报告刚刚已由他人汇编。") from None
    audit_record(actor=actor, action="sentiment_compile", obj=report,
                 detail={"entry": combined.pk, "sources": [e.pk for e in entries]})
    return report
