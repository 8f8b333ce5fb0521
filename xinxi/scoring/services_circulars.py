"""Circulars' business writes: generate a draft, edit it, send it for sign-off, return, sign, issue, read.

Each takes the acting user, runs in one transaction, writes an audit record, and moves
the state only through ``workflow_circulars``. Signing gives the 文号: the desk's row is
locked and the next number of the desk's year taken, so two signatures at once never
share a number and leave no gap. Issuing sends the circular to the desk's network (its
units read it in the app, their users are notified) and closes the period
(``services.period_close``): later postings dated in it land in the next open period.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone

from xinxi.accounts.models import Role, User
from xinxi.audit.services import audit_record
from xinxi.lib.errors import ConflictError, ServiceError
from xinxi.network.models import Desk
from xinxi.notifications.models import NotificationKind as K
from xinxi.notifications.services import notify
from xinxi.scoring import circulars, figures, services
from xinxi.scoring import permissions_circulars as permissions
from xinxi.scoring import workflow_circulars as workflow
from xinxi.scoring.models import (
    Circular,
    CircularRead,
    CircularState,
    PeriodClose,
    PeriodKind,
    RuleSet,
    RuleSetState,
)

NOT_ALLOWED = "您没有权限进行此操作。"
TITLE_LIMIT = 200
BODY_LIMIT = 20000


def _require(allowed: bool) -> None:
    if not allowed:
        raise ServiceError(NOT_ALLOWED, code="forbidden")


def _url(circular: Circular) -> str:
    return f"/scoring/circulars/{circular.pk}/"


def _locked(circular: Circular) -> Circular:
    return Circular.objects.select_for_update().select_related("desk__unit").get(pk=circular.pk)


SYSTEM = "系统（通报草稿）"


@transaction.atomic
def circular_generate(*, actor: User | None, desk: Desk, kind: str, start: dt.date) -> Circular:
    """A draft circular of the desk for the month, quarter or year starting on ``start``.

    ``actor`` None is the worker drafting a finished period's circular (``circulars_draft_due``).
    """
    if actor is not None:
        _require(permissions.can_draft(actor, desk))
    if kind not in PeriodKind.values:
        raise ServiceError("周期应为月度、季度或年度。")
    try:
        end = circulars.period_end(kind, start)
    except ValueError as exc:
        raise ServiceError(str(exc)) from None
    if start > timezone.localdate():
        raise ServiceError("该周期尚未开始，不能生成通报。")
    label = circulars.period_label(kind, start)
    if PeriodClose.objects.filter(desk=desk, kind=kind, start=start).exists():
        raise ServiceError(f"{label}已关账（通报已印发），不能再生成通报。")
    open_one = Circular.objects.filter(desk=desk, period_kind=kind, start=start).exclude(state=CircularState.ISSUED)
    existing = open_one.first()
    if existing is not None:
        raise ServiceError(f"{label}已有一份{existing.get_state_display()}的通报，请在原稿上修改。")
    data = circulars.snapshot(desk, kind, start, end)
    circular = Circular.objects.create(
        desk=desk,
        period_kind=kind,
        start=start,
        end=end,
        title=circulars.title_for(data),
        body="\n".join(circulars.draft_text(data)),
        figures=data,
        created_by=actor,
    )
    workflow.machine.record(circular, actor, workflow.GENERATED, "", CircularState.DRAFT)
    audit_record(
        actor=actor, action="circular_generate", obj=circular, detail={"period": [kind, start.isoformat()]},
        actor_name="" if actor is not None else SYSTEM,
    )
    return circular


def circulars_draft_due(*, today: dt.date | None = None) -> list[Circular]:
    """The worker's drafts: for each desk with published rules, the circular of the month
    (and the quarter and year) that ended last, when that period has no circular yet and
    is not closed. Only the latest finished period of each kind: an office that skipped a
    month does not get a backlog of drafts. Each draft is ``circular_generate`` as the system.
    """
    today = today or timezone.localdate()
    last_month_end = today.replace(day=1) - dt.timedelta(days=1)
    month_start = last_month_end.replace(day=1)
    starts = [(PeriodKind.MONTH, month_start)]
    if last_month_end.month % 3 == 0:
        starts.append((PeriodKind.QUARTER, dt.date(last_month_end.year, last_month_end.month - 2, 1)))
    if last_month_end.month == 12:
        starts.append((PeriodKind.YEAR, dt.date(last_month_end.year, 1, 1)))
    made: list[Circular] = []
    ruled = RuleSet.objects.filter(state=RuleSetState.ACTIVE, valid_from__lte=last_month_end).values("desk_id")
    for desk in Desk.objects.filter(active=True, pk__in=ruled).select_related("unit").order_by("unit__path"):
        for kind, start in starts:
            if Circular.objects.filter(desk=desk, period_kind=kind, start=start).exists():
                continue
            if PeriodClose.objects.filter(desk=desk, kind=kind, start=start).exists():
                continue
            made.append(circular_generate(actor=None, desk=desk, kind=kind, start=start))
    return made


def _clean_body(value: str) -> str:
    lines = [" ".join(line.split()) for line in str(value or "").replace("\r\n", "\n").split("\n")]
    return "\n".join(line for line in lines if line)


@transaction.atomic
def circular_update(*, actor: User, circular: Circular, version: int | None, title: str, body: str) -> Circular:
    """The editor's changes to a draft's title and text; a stale form (old version) is refused."""
    circular = _locked(circular)
    _require(permissions.can_draft(actor, circular.desk_id))
    if circular.state != CircularState.DRAFT:
        raise ServiceError(f"该通报{circular.get_state_display()}，不能修改；如需修改，请签发人先退回。")
    if version is not None and version != circular.version:
        raise ConflictError("该通报已被他人修改或状态已变化，请刷新后再操作。")
    title = " ".join(str(title or "").split())
    body = _clean_body(body)
    if not title:
        raise ServiceError("请填写通报标题。")
    if len(title) > TITLE_LIMIT:
        raise ServiceError(f"通报标题不能超过 {TITLE_LIMIT} 字。")
    if not body:
        raise ServiceError("请填写通报正文。")
    if len(body) > BODY_LIMIT:
        raise ServiceError(f"通报正文不能超过 {BODY_LIMIT} 字。")
    changed = sorted(name for name, value in (("title", title), ("body", body)) if getattr(circular, name) != value)
    updated = Circular.objects.filter(pk=circular.pk, version=circular.version).update(
        title=title, body=body, version=F("version") + 1, updated_at=timezone.now()
    )
    if not updated:
        raise ConflictError("该通报已被他人修改或状态已变化，请刷新后再操作。")
    circular.title, circular.body, circular.version = title, body, circular.version + 1
    audit_record(actor=actor, action="circular_update", obj=circular, detail={"fields": changed})
    return circular


def _chiefs(desk: Desk) -> Any:
    return User.objects.filter(unit_id=desk.unit_id, role_grants__role=Role.DESK_CHIEF, is_active=True)


@transaction.atomic
def circular_submit(*, actor: User, circular: Circular, version: int | None = None) -> Circular:
    """送签: the draft goes to the desk chief, who is notified."""
    circular = _locked(circular)
    _require(permissions.can_draft(actor, circular.desk_id))
    workflow.transition(circular, "submit", actor, version=version, submitted_by=actor, submitted_at=timezone.now())
    audit_record(actor=actor, action="circular_submit", obj=circular)
    notify(users=_chiefs(circular.desk), kind=K.CIRCULAR_PENDING, obj=circular, url=_url(circular))
    return circular


@transaction.atomic
def circular_return(*, actor: User, circular: Circular, reason: str) -> Circular:
    """退回: back to draft with the chief's reason; the editor who sent it is notified."""
    circular = _locked(circular)
    _require(permissions.can_sign(actor, circular.desk_id))
    reason = " ".join(str(reason or "").split())[:300]
    if not reason:
        raise ServiceError("退回须填写理由。")
    workflow.transition(circular, "return", actor, reason=reason)
    audit_record(actor=actor, action="circular_return", obj=circular, detail={"reason": reason})
    notify(
        users=[circular.submitted_by, circular.created_by], kind=K.CIRCULAR_RETURNED, obj=circular,
        url=_url(circular), detail={"reason": reason},
    )
    return circular


@transaction.atomic
def circular_sign(*, actor: User, circular: Circular) -> Circular:
    """签发: the desk chief signs; the circular takes the next 文号 of the desk's year."""
    Desk.objects.select_for_update().filter(pk=circular.desk_id).first()  # numbers are taken one at a time
    circular = _locked(circular)
    _require(permissions.can_sign(actor, circular.desk_id))
    refusal = workflow.machine.refusal(circular, "sign", actor)
    if refusal is not None:
        raise refusal
    now = timezone.now()
    year = timezone.localdate().year
    taken = Circular.objects.filter(desk_id=circular.desk_id, year=year).aggregate(m=Max("number"))["m"]
    workflow.transition(
        circular, "sign", actor, year=year, number=(taken or 0) + 1, signed_by=actor, signed_at=now
    )
    audit_record(actor=actor, action="circular_sign", obj=circular, detail={"number": circular.doc_number})
    notify(
        users=[circular.submitted_by, circular.created_by], kind=K.CIRCULAR_SIGNED, obj=circular, url=_url(circular)
    )
    return circular


@transaction.atomic
def circular_issue(*, actor: User, circular: Circular) -> Circular:
    """印发: the circular goes to the desk's network and its period is closed."""
    circular = _locked(circular)
    _require(permissions.can_sign(actor, circular.desk_id))
    refusal = workflow.machine.refusal(circular, "issue", actor)
    if refusal is not None:
        raise refusal
    desk = circular.desk
    units = set(figures.network_units(desk, circular.end).values_list("pk", flat=True))
    units |= {int(r["unit_id"]) for r in circular.figures.get("rows", [])}
    workflow.transition(circular, "issue", actor, issued_by=actor, issued_at=timezone.now())
    circular.recipients.set(sorted(units))
    closed = services.period_close(
        actor=actor, desk=desk, kind=circular.period_kind, start=circular.start, end=circular.end,
        reason=f"{circular.doc_number}印发",
    )
    audit_record(
        actor=actor, action="circular_issue", obj=circular, detail={"units": len(units), "period_close": closed.pk}
    )
    readers = User.objects.filter(unit_id__in=units, is_active=True)
    notify(users=readers, kind=K.CIRCULAR_ISSUED, obj=circular, url=_url(circular))
    return circular


@transaction.atomic
def circular_read(*, user: User, circular: Circular) -> CircularRead | None:
    """Record that the user opened an issued circular (first and latest time, how often)."""
    if circular.state != CircularState.ISSUED:
        return None
    if not permissions.visible_circulars(user).filter(pk=circular.pk).exists():
        return None
    updated = CircularRead.objects.filter(circular=circular, user=user).update(
        times=F("times") + 1, last_at=timezone.now()
    )
    if not updated:
        CircularRead.objects.create(circular=circular, user=user)
    audit_record(actor=user, action="circular_read", obj=circular)
    return CircularRead.objects.get(circular=circular, user=user)
