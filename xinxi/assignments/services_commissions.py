"""The business writes of commissions (约稿): issue, link an answer, decline, remind, miss.

Each takes the acting user (the sweep and the submission hook act as the system), runs in
one transaction and writes an audit record. An answer counts when its item is submitted
(``on_item_submitted``, on ``items.hooks.ITEM_SUBMITTED``): on time when the submission is
at or before the due time, else late. The sweep (``commission_sweep``) reminds unanswered
targets ``remind_hours`` before the due time (once each) and records the misses when the
due time has passed. When the commission is scored, answers, lateness and misses post to
the desk's ledger through ``scoring.events`` (a late answer after a recorded miss reverses
the miss).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from xinxi.accounts.models import Role, User
from xinxi.assignments import permissions_commissions as permissions
from xinxi.assignments.models import Commission, CommissionTarget, TargetStatus
from xinxi.audit.services import audit_record
from xinxi.items.models import Item, ItemState
from xinxi.lib.compiled import Compiled
from xinxi.lib.errors import ServiceError
from xinxi.network.models import Unit, UnitClass
from xinxi.notifications.models import NotificationKind as K
from xinxi.notifications.services import Send, notify, notify_many
from xinxi.scoring import events
from xinxi.scoring.figures import network_units
from xinxi.scoring.models import EventKind

TOPIC_MAX = 200
REQUIREMENTS_MAX = 5000
REASON_MAX = 500
REMIND_MAX = 24 * 14
NOT_ALLOWED = "您没有权限进行此操作。"
NOT_TARGETED = "本单位不在该约稿的约稿对象中，不能答复。"


def _forbidden() -> ServiceError:
    return ServiceError(NOT_ALLOWED, code="forbidden")


def _text(value: Any, label: str, limit: int, *, required: bool = False) -> str:
    text = str(value or "").strip()
    if required and not text:
        raise ServiceError(f"请填写{label}。")
    if len(text) > limit:
        raise ServiceError(f"{label}不能超过 {limit} 字。")
    return text


def unit_users(unit_ids: Iterable[int]) -> list[User]:
    """The reporters and approvers of these units: who hears about commissions."""
    return list(
        User.objects.filter(
            unit_id__in=set(unit_ids), is_active=True, role_grants__role__in=(Role.REPORTER, Role.APPROVER)
        ).distinct()
    )


def url_of(commission: Commission) -> str:
    return f"/assignments/commissions/{commission.pk}/"


def _targets(desk: Any, classes: Sequence[UnitClass], units: Sequence[Unit]) -> list[Unit]:
    network = {u.pk: u for u in network_units(desk, timezone.localdate()).order_by("path")}
    for unit in units:
        if unit.pk not in network:
            raise ServiceError(f"“{unit.name}”不在本科室的信息网络中，不能作为约稿对象。")
    class_ids = {c.pk for c in classes}
    chosen = {u.pk for u in units} | {pk for pk, u in network.items() if u.unit_class_id in class_ids}
    if not chosen:
        raise ServiceError("请选择约稿对象：单位类别或具体单位（所选类别在本科室信息网络中没有单位）。")
    return [u for pk, u in network.items() if pk in chosen]


@transaction.atomic
def commission_create(
    *,
    actor: User,
    topic: str,
    due_at: dt.datetime,
    requirements: str = "",
    scored: bool = True,
    unit_classes: Sequence[UnitClass] = (),
    units: Sequence[Unit] = (),
    remind_hours: int | None = None,
) -> Commission:
    """发起约稿: the desk asks the units (all units of the chosen classes in its network, or chosen units)."""
    if not permissions.can_issue(actor):
        raise _forbidden()
    desk = permissions.staff_desk(actor)
    assert desk is not None
    topic = _text(topic, "约稿主题", TOPIC_MAX, required=True)
    requirements = _text(requirements, "约稿要求", REQUIREMENTS_MAX)
    if timezone.is_naive(due_at):
        raise ServiceError("截止时间须带时区。")
    if due_at <= timezone.now():
        raise ServiceError("报送截止时间须晚于现在。")
    hours = Commission._meta.get_field("remind_hours").default if remind_hours is None else remind_hours
    if not 0 <= hours <= REMIND_MAX:
        raise ServiceError(f"提前提醒的小时数应在 0 到 {REMIND_MAX} 之间（0 为不提醒）。")
    targets = _targets(desk, unit_classes, units)
    commission = Commission.objects.create(
        desk=desk, topic=topic, requirements=requirements, due_at=due_at, scored=scored, remind_hours=hours,
        created_by=actor,
    )
    commission.unit_classes.set(unit_classes)
    CommissionTarget.objects.bulk_create(CommissionTarget(commission=commission, unit=u) for u in targets)
    audit_record(actor=actor, action="commission_create", obj=commission,
                 detail={"targets": [u.pk for u in targets], "due_at": due_at.isoformat(), "scored": scored})
    notify(users=unit_users(u.pk for u in targets), kind=K.COMMISSION_ISSUED, obj=commission, url=url_of(commission),
           detail={"due": due_at.isoformat(), "desk": desk.name})
    return commission


def _check_answerer(actor: User, commission: Commission, item: Item) -> CommissionTarget:
    if not permissions.can_write_items(actor) or item.unit_id != actor.unit_id:
        raise _forbidden()
    target = CommissionTarget.objects.select_for_update().filter(commission=commission, unit_id=item.unit_id).first()
    if target is None:
        raise ServiceError(NOT_TARGETED)
    if target.status == TargetStatus.DECLINED:
        raise ServiceError("本单位已说明不能报送该约稿。")
    if target.status in (TargetStatus.ANSWERED, TargetStatus.LATE) and target.item_id != item.pk:
        raise ServiceError("本单位已答复该约稿。")
    other = CommissionTarget.objects.filter(item=item).exclude(pk=target.pk).select_related("commission").first()
    if other is not None:
        raise ServiceError(f"该信息已答复约稿“{other.commission.topic}”，一条信息只能答复一次。")
    return target


@transaction.atomic
def commission_link(*, actor: User, commission: Commission, item: Item) -> CommissionTarget:
    """以信息答复约稿: link an item of the actor's unit; a draft counts when it is submitted, a sent item now."""
    target = _check_answerer(actor, commission, item)
    if target.item_id == item.pk:
        return target
    target.item = item
    target.save(update_fields=["item"])
    audit_record(actor=actor, action="commission_link", obj=commission, detail={"unit": item.unit_id, "item": item.pk})
    if item.state == ItemState.SUBMITTED:
        _answer(target, at=timezone.now(), actor=actor)
    return target


@transaction.atomic
def commission_unlink(*, actor: User, item: Item) -> bool:
    """取消关联: a draft no longer answers the commission it was linked to (not once it counted)."""
    if not permissions.can_write_items(actor) or item.unit_id != actor.unit_id:
        raise _forbidden()
    target = CommissionTarget.objects.select_for_update().filter(item=item).first()
    if target is None:
        return False
    if target.answered_at is not None:
        raise ServiceError("该信息已作为约稿答复报送，不能取消关联。")
    target.item = None
    target.save(update_fields=["item"])
    audit_record(actor=actor, action="commission_unlink", obj=target.commission, detail={"item": item.pk})
    return True


def _key(target: CommissionTarget, what: str) -> str:
    return f"commission:{target.commission_id}:unit:{target.unit_id}:{what}"


def _answer(target: CommissionTarget, *, at: dt.datetime, actor: Any) -> None:
    commission = target.commission
    missed = target.status == TargetStatus.MISSED
    on_time = at <= commission.due_at
    target.status = TargetStatus.ANSWERED if on_time else TargetStatus.LATE
    target.answered_at = at
    target.save(update_fields=["status", "answered_at"])
    audit_record(actor=actor, action="commission_answer", obj=commission,
                 detail={"unit": target.unit_id, "item": target.item_id, "status": target.status})
    if not commission.scored:
        return
    if missed:
        events.event_reverse(actor=actor, desk=commission.desk_id, key=_key(target, "missed"),
                             reason=f"约稿“{commission.topic}”已逾期报送，改按逾期报送计分")
    late = "" if on_time else f"，逾期{describe_delay(at - commission.due_at)}"
    events.event_post(
        actor=actor, desk=commission.desk_id, unit=target.unit_id,
        kind=EventKind.COMMISSION_ON_TIME if on_time else EventKind.COMMISSION_LATE,
        on=timezone.localdate(at), key=_key(target, "answer"), reason=f"约稿“{commission.topic}”{late}",
        item_id=target.item_id, classification=target.item.classification if target.item else 0,
    )


def describe_delay(delta: dt.timedelta) -> str:
    """逾期时长 in words: "2天3小时", "5小时", "40分钟"."""
    minutes = int(delta.total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return f"{days}天{hours}小时" if hours else f"{days}天"
    if hours:
        return f"{hours}小时{mins}分钟" if mins else f"{hours}小时"
    return f"{max(mins, 1)}分钟"


# Compiled once per process (``lib.compiled``): every submission of a saved draft asks it.
_open_target_of = Compiled(
    CommissionTarget,
    lambda item_id: CommissionTarget.objects.filter(item_id=item_id, answered_at__isnull=True)
    .exclude(status=TargetStatus.DECLINED).order_by("pk")[:1],
    warm=[(0,)],
)


def on_item_submitted(*, actor: Any, item: Item, submission: Any, fresh: bool = False, **_: Any) -> None:
    """``ITEM_SUBMITTED``: a linked item's first submission is the answer (on time or late).

    ``fresh``: the item was created in the same transaction, so no commission links it yet.
    """
    if fresh:
        return
    if not _open_target_of(item.pk):  # nearly every item: one compiled read, no lock
        return
    target = (
        CommissionTarget.objects.select_for_update()
        .filter(item=item, answered_at__isnull=True)
        .exclude(status=TargetStatus.DECLINED)
        .select_related("commission", "item")
        .first()
    )
    if target is not None:
        _answer(target, at=submission.submitted_at, actor=actor)


@transaction.atomic
def commission_decline(*, actor: User, commission: Commission, reason: str) -> CommissionTarget:
    """说明不能报送: a target unit declines with a reason (before it has answered)."""
    if not permissions.can_write_items(actor):
        raise _forbidden()
    target = permissions.own_target(actor, commission)
    if target is None:
        raise ServiceError(NOT_TARGETED)
    target = CommissionTarget.objects.select_for_update().get(pk=target.pk)
    reason = _text(reason, "不能报送的理由", REASON_MAX, required=True)
    if target.status in (TargetStatus.ANSWERED, TargetStatus.LATE):
        raise ServiceError("本单位已答复该约稿，不能再说明不能报送。")
    if target.status == TargetStatus.DECLINED:
        raise ServiceError("本单位已说明不能报送该约稿。")
    if target.status == TargetStatus.MISSED:
        raise ServiceError("约稿已过截止时间并记为未报送，不能再说明不能报送；如有信息仍可逾期报送。")
    target.status = TargetStatus.DECLINED
    target.declined_reason, target.declined_by, target.declined_at = reason, actor, timezone.now()
    target.item = None
    target.save(update_fields=["status", "declined_reason", "declined_by", "declined_at", "item"])
    audit_record(actor=actor, action="commission_decline", obj=commission, detail={"unit": target.unit_id})
    notify(users=[commission.created_by], kind=K.COMMISSION_DECLINED, obj=commission, url=url_of(commission),
           detail={"unit": actor.unit.name if actor.unit else "", "reason": reason})
    return target


@dataclass(frozen=True)
class SweepResult:
    reminded: int = 0
    missed: int = 0

    def __str__(self) -> str:
        return f"约稿提醒 {self.reminded} 个单位，记为未报送 {self.missed} 个单位"


def commission_sweep(*, now: dt.datetime | None = None) -> SweepResult:
    """Remind the targets whose reminder is due (once each) and record the misses past the due time.

    Works from the state of the rows, so a second run does nothing and a worker stopped for
    days catches up on its first run: each row is claimed by a conditional ``UPDATE``.
    """
    now = now or timezone.now()
    return SweepResult(reminded=_remind(now), missed=_miss(now))


def _remind(now: dt.datetime) -> int:
    due = list(
        CommissionTarget.objects.filter(
            status=TargetStatus.PENDING, reminded_at__isnull=True, commission__due_at__gt=now,
            commission__remind_hours__gt=0,
        )
        .select_related("commission")
        .order_by("pk")
    )
    due = [t for t in due if t.commission.remind_at <= now]
    if not due:
        return 0
    sent = 0
    with transaction.atomic():
        staff: dict[int, list[User]] = {}
        for user in unit_users({t.unit_id for t in due}):
            staff.setdefault(user.unit_id or 0, []).append(user)
        sends = []
        for target in due:
            if not CommissionTarget.objects.filter(pk=target.pk, reminded_at__isnull=True).update(reminded_at=now):
                continue  # another worker reminded it just now
            commission = target.commission
            sends.append(Send(staff.get(target.unit_id, []), K.COMMISSION_REMINDER, commission, url_of(commission),
                              {"due": commission.due_at.isoformat()}))
            audit_record(actor=None, action="commission_remind", obj=commission, detail={"unit": target.unit_id})
            sent += 1
        if sends:
            notify_many(sends=sends)
    return sent


def _miss(now: dt.datetime) -> int:
    due = list(
        CommissionTarget.objects.filter(status=TargetStatus.PENDING, commission__due_at__lte=now)
        .select_related("commission")
        .order_by("pk")
    )
    missed = 0
    for target in due:
        with transaction.atomic():
            claimed = CommissionTarget.objects.filter(pk=target.pk, status=TargetStatus.PENDING).update(
                status=TargetStatus.MISSED, missed_at=now
            )
            if not claimed:
                continue
            commission = target.commission
            audit_record(actor=None, action="commission_miss", obj=commission, detail={"unit": target.unit_id})
            if commission.scored:
                events.event_post(
                    actor=None, desk=commission.desk_id, unit=target.unit_id, kind=EventKind.COMMISSION_MISSED,
                    on=timezone.localdate(commission.due_at), key=_key(target, "missed"),
                    reason=f"约稿“{commission.topic}”截止时未报送",
                )
            missed += 1
    return missed
