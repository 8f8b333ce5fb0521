"""Warnings and escalation (到时提醒、超时升级): who hears about a clock, and the half-minute sweep.

Each open deadline (not met, not cancelled, its incident open) has stages, timed from its
due time with the receiving desk's ``UrgentSettings``:

- ``before:<m>`` for each minute count of ``warn_before`` (30 and 10 by default): to the
  owing side (``URGENT_WARNING``);
- ``passed`` at the due time: to the receiving desk's duty officers and the owing side
  (``URGENT_OVERDUE``);
- ``escalate`` at due + ``escalate_after``: to the owing side's leaders and the receiving
  desk's chief (``URGENT_ESCALATION``).

The owing side is the unit's reporters and approvers (its leaders: the approvers, who sign
its reports off); when the owing unit has a desk of its own (a city office owing the
province), it is that desk's duty officers and chief (its leaders: the chief and the
leaders). Every notification goes through ``notify``, so a recipient who may not see the
incident (clearance, need to know) gets nothing.

``sweep`` is idempotent: a stage is sent once per deadline, because its ``DeadlineWarning``
row (unique per deadline and stage) is inserted in the transaction that writes its
notifications, and a conflict undoes both (then the sweep goes clock by clock, where each
row is inserted first and the notifications follow only if the insert succeeded). After
downtime several stages may be due at once: only the latest is sent, the earlier ones are
recorded as ``skipped`` (never sent twice, no stale warning). Queries are bounded: the open
deadlines in one indexed scan (``deadline_open_due``), settings and staff prefetched once
per sweep, the recipients' visibility in three queries (``visible_incidents_of``), then one
insert each for the notifications, their audit rows and the stages.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import DateTimeField, Exists, ExpressionWrapper, OuterRef, Q
from django.utils import timezone

from xinxi.accounts.models import DESK_ROLES, Role, RoleGrant
from xinxi.lib.errors import ServiceError
from xinxi.network.models import Desk, Unit
from xinxi.notifications.models import NotificationKind as K
from xinxi.notifications.services import Send, notify, notify_many
from xinxi.urgent import clocks
from xinxi.urgent.models import Channel, Deadline, DeadlineWarning, Incident, IncidentState, UrgentSettings

logger = logging.getLogger(__name__)

DEFAULT_WARN = [30, 10]
PASSED = "passed"
ESCALATE = "escalate"

UNIT_SIDE = (Role.REPORTER, Role.APPROVER)
DESK_SIDE = (Role.DUTY_OFFICER, Role.DESK_CHIEF)
UNIT_LEADERS = (Role.APPROVER,)
DESK_LEADERS = (Role.DESK_CHIEF, Role.LEADER)


def incident_url(incident: Incident | int) -> str:
    pk = incident if isinstance(incident, int) else incident.pk
    return f"/urgent/incidents/{pk}/"


# --- who hears ---


class Staff:
    """The active users of some units with their roles, fetched in two queries for a whole sweep."""

    def __init__(self, unit_ids: Iterable[int]) -> None:
        ids = set(unit_ids)
        desks = {d.unit_id: d for d in Desk.objects.filter(unit_id__in=ids, active=True).select_related("unit")}
        self.desk_units = set(desks)
        roles: dict[int, set[str]] = defaultdict(set)
        users: dict[int, Any] = {}
        for grant in RoleGrant.objects.filter(user__unit_id__in=ids, user__is_active=True).select_related("user"):
            users[grant.user_id] = grant.user
            roles[grant.user_id].add(grant.role)
        self.by_unit: dict[int, list[tuple[Any, frozenset[str]]]] = defaultdict(list)
        for pk, user in users.items():
            codes = frozenset(roles[pk]) | ({Role.ADMIN} if user.is_superuser else set())
            user.__dict__["roles"] = codes  # the ``User.roles`` cached property, primed
            if codes & DESK_ROLES:  # and ``network.permissions.user_desk``'s cache: no query per recipient
                user.__dict__["_xinxi_desk"] = desks.get(user.unit_id)
            self.by_unit[user.unit_id].append((user, codes))

    def with_roles(self, unit_id: int, roles: Iterable[str]) -> list[Any]:
        wanted = set(roles)
        return [user for user, codes in self.by_unit.get(unit_id, []) if codes & wanted]

    def owing_side(self, unit_id: int) -> list[Any]:
        """Who must report for this unit: its reporters and approvers, or its desk's duty officers and chief."""
        roles = UNIT_SIDE + DESK_SIDE if unit_id in self.desk_units else UNIT_SIDE
        return self.with_roles(unit_id, roles)

    def owing_leaders(self, unit_id: int) -> list[Any]:
        roles = UNIT_LEADERS + DESK_LEADERS if unit_id in self.desk_units else UNIT_LEADERS
        return self.with_roles(unit_id, roles)


def tell_responsible(incident: Incident, units: Iterable[Unit]) -> int:
    """URGENT_INCIDENT: tell each responsible unit's side its phone and written limits.

    Called by ``services.incident_record`` / ``incident_add_unit`` in their transaction.
    A unit without clocks (no desk above it receives this severity) is told nothing.
    """
    chosen = {unit.pk: unit for unit in units}
    rows = Deadline.objects.filter(
        incident=incident, unit_id__in=list(chosen), cancelled=False, channel__in=[Channel.PHONE, Channel.WRITTEN]
    ).select_related("desk").order_by("due_at", "id")
    clocks_of: dict[int, dict[str, Deadline]] = defaultdict(dict)
    desk_of: dict[int, int] = {}
    for row in rows:  # the desk of the unit's earliest clock (its nearest desk), both channels there
        if desk_of.setdefault(row.unit_id, row.desk_id) == row.desk_id:
            clocks_of[row.unit_id].setdefault(row.channel, row)
    staff = Staff(clocks_of)
    told = 0
    for unit_id, found in clocks_of.items():
        phone, written = found.get(Channel.PHONE), found.get(Channel.WRITTEN)
        desk = (written or phone).desk  # type: ignore[union-attr]
        told += notify(
            users=staff.owing_side(unit_id),
            kind=K.URGENT_INCIDENT,
            obj=incident,
            url=incident_url(incident),
            detail={
                "desk": desk.name,
                "unit": chosen[unit_id].name,
                "phone_due": phone.due_at.isoformat() if phone else "",
                "written_due": written.due_at.isoformat() if written else "",
            },
        )
    return told


# --- stages ---


@dataclass(frozen=True)
class Stage:
    name: str
    at: dt.datetime
    kind: str


def warn_minutes(settings: UrgentSettings) -> list[int]:
    try:
        return clocks.parse_minutes(settings.warn_before)
    except ServiceError:  # a bad value saved by hand: fall back rather than stop the sweep
        return list(DEFAULT_WARN)


def stages(due_at: dt.datetime, settings: UrgentSettings) -> list[Stage]:
    """Every stage of a clock, in time order (passed before escalate at the same time)."""
    return timed_stages(due_at, warn_minutes(settings), settings.escalate_after)


def timed_stages(due_at: dt.datetime, warn: list[int], escalate_after: int) -> list[Stage]:
    found = [Stage(f"before:{m}", due_at - dt.timedelta(minutes=m), K.URGENT_WARNING) for m in warn]
    found.append(Stage(PASSED, due_at, K.URGENT_OVERDUE))
    found.append(Stage(ESCALATE, due_at + dt.timedelta(minutes=escalate_after), K.URGENT_ESCALATION))
    return sorted(found, key=lambda s: s.at)


def due_now(all_stages: list[Stage], recorded: set[str], now: dt.datetime) -> tuple[list[Stage], list[Stage]]:
    """(to send, to record as skipped): the latest stages due and not recorded; earlier ones are skipped.

    A stage that comes before one already recorded is skipped too (the settings changed since).
    """
    last = max((i for i, s in enumerate(all_stages) if s.name in recorded), default=-1)
    pending = [(i, s) for i, s in enumerate(all_stages) if s.at <= now and s.name not in recorded]
    if not pending:
        return [], []
    latest = max(s.at for _, s in pending)
    send = [s for i, s in pending if s.at == latest and i > last]
    skip = [s for _, s in pending if s not in send]
    return send, skip


# --- the sweep ---

# What sending a stage reads of its clock (``_recipients``, ``_detail``, ``notify``): a burst
# loads thousands of clocks, so not the incidents' whole rows.
SENT_FIELDS = (
    "incident_id", "unit_id", "desk_id", "channel", "due_at",
    "incident__classification", "unit__name", "desk__name", "desk__unit_id",
)


@dataclass
class SweepResult:
    sent: int = 0
    skipped: int = 0
    notified: int = 0
    stages: list[tuple[int, str]] = field(default_factory=list)

    def __str__(self) -> str:
        return f"发送提醒 {self.sent} 次（通知 {self.notified} 人次），跳过过时提醒 {self.skipped} 次"


def _settings_by_desk() -> tuple[dict[int, UrgentSettings], list[int]]:
    """Every desk's settings, and the union of their stage offsets (minutes from due), ascending."""
    found = {row.desk_id: row for row in UrgentSettings.objects.all()}
    default = UrgentSettings()
    offsets = {0, default.escalate_after, *(-m for m in DEFAULT_WARN)}
    for row in found.values():
        offsets |= {row.escalate_after, *(-m for m in warn_minutes(row))}
    return found, sorted(offsets)


def open_deadlines(now: dt.datetime, offsets: list[int]) -> Any:
    """Open clocks (incident open) with a stage that may be due and not yet handled.

    A sweep that records anything for a clock handles every stage due at its ``now`` (the
    latest sent, the earlier skipped) and stamps the rows ``sent_at = now``. So a clock has
    work iff no row was stamped at or after its latest stage due now (and it was not
    escalated: the last stage). With ``offsets`` the union over all desks (a superset of any
    desk's stages) this is never too narrow; the sweep checks each candidate exactly. Each
    clock falls in one due-time band, so one ``EXISTS`` probe runs per clock, on the rows of
    the partial index ``deadline_open_due``.
    """
    bands = Q(pk__in=[])
    for i, offset in enumerate(offsets):
        band = Q(due_at__lte=now - dt.timedelta(minutes=offset))
        if i + 1 < len(offsets):
            band &= Q(due_at__gt=now - dt.timedelta(minutes=offsets[i + 1]))
        stamp = ExpressionWrapper(OuterRef("due_at") + dt.timedelta(minutes=offset), output_field=DateTimeField())
        handled = DeadlineWarning.objects.filter(Q(sent_at__gte=stamp) | Q(stage=ESCALATE), deadline=OuterRef("pk"))
        bands |= band & Q(~Exists(handled))
    return Deadline.objects.filter(
        bands, met_at__isnull=True, cancelled=False, incident__state=IncidentState.OPEN,
    )


def candidates(now: dt.datetime, offsets: list[int]) -> list[tuple[int, int, dt.datetime]]:
    """``open_deadlines`` as (id, desk, due_at). On PostgreSQL without JIT: the planner's
    estimate for the per-clock probes is high enough to switch JIT on, whose compiling
    costs a second where the query itself takes tens of milliseconds."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL jit = off")
        return list(open_deadlines(now, offsets).values_list("pk", "desk_id", "due_at"))


def sweep(now: dt.datetime | None = None) -> SweepResult:
    """Send every warning and escalation due at ``now`` that has not been sent (see the module doc).

    Queries: the settings, the candidate clocks (``open_deadlines``: ids and due times only),
    the stages recorded for those; then, only when something is to be sent, those clocks with
    their incident, unit and desk, and the staff of their units.
    """
    now = now or timezone.now()
    result = SweepResult()
    settings, offsets = _settings_by_desk()
    rules: dict[int, tuple[list[int], int]] = {}
    work: list[tuple[int, list[Stage]]] = []
    for pk, desk_id, due_at in candidates(now, offsets):
        if desk_id not in rules:
            found = settings.get(desk_id) or UrgentSettings(desk_id=desk_id)
            rules[desk_id] = (warn_minutes(found), found.escalate_after)
        timed = timed_stages(due_at, *rules[desk_id])
        if timed[0].at <= now:
            work.append((pk, timed))
    if not work:
        return result
    recorded: dict[int, set[str]] = defaultdict(set)
    for deadline_id, stage in DeadlineWarning.objects.filter(deadline_id__in=[pk for pk, _ in work]).values_list(
        "deadline_id", "stage"
    ):
        recorded[deadline_id].add(stage)
    plans = [(pk, *due_now(timed, recorded[pk], now)) for pk, timed in work]
    plans = [plan for plan in plans if plan[1] or plan[2]]
    if not plans:
        return result
    clocks_by_id = Deadline.objects.select_related("incident", "unit", "desk").only(*SENT_FIELDS).in_bulk(
        [pk for pk, _, _ in plans]
    )
    staff = Staff({d.unit_id for d in clocks_by_id.values()} | {d.desk.unit_id for d in clocks_by_id.values()})
    work_list = [(clocks_by_id[pk], send, skip) for pk, send, skip in plans]
    with transaction.atomic():
        try:
            with transaction.atomic():
                _all_at_once(work_list, staff, now, result)
        except Exception:  # another worker raced us on some clock, or one clock fails: clock by clock
            result.sent = result.skipped = result.notified = 0
            result.stages.clear()
            for deadline, send, skip in work_list:
                _one(deadline, send, skip, staff, now, result)
    return result


def _all_at_once(work: list[tuple[Deadline, list[Stage], list[Stage]]], staff: Staff, now: dt.datetime,
                 result: SweepResult) -> None:
    """The usual minute: every row in one insert (a conflict undoes all and the caller goes clock by clock)."""
    sent = [(deadline, stage) for deadline, send, _ in work for stage in send]
    counts = notify_many(sends=[
        Send(_recipients(deadline, stage, staff), stage.kind, deadline.incident, incident_url(deadline.incident_id),
             _detail(deadline, stage, now))
        for deadline, stage in sent
    ])
    # After the notifications, in the same transaction: a conflict (another worker recorded a
    # stage) undoes them too, and their delivery to the channels, which waits for the commit.
    DeadlineWarning.objects.bulk_create(
        [DeadlineWarning(deadline=deadline, stage=stage.name, sent_at=now, recipients=told)
         for (deadline, stage), told in zip(sent, counts, strict=True)]
        + [DeadlineWarning(deadline=d, stage=s.name, sent_at=now, skipped=True) for d, _, skip in work for s in skip],
        batch_size=2000,
    )
    result.sent += len(sent)
    result.skipped += sum(len(skip) for _, _, skip in work)
    result.notified += sum(counts)
    result.stages += [(deadline.pk, stage.name) for deadline, stage in sent]


def _one(deadline: Deadline, send: list[Stage], skip: list[Stage], staff: Staff, now: dt.datetime,
         result: SweepResult) -> None:
    try:
        with transaction.atomic():
            made = [DeadlineWarning.objects.create(deadline=deadline, stage=s.name, sent_at=now) for s in send]
            if skip:
                DeadlineWarning.objects.bulk_create(
                    [DeadlineWarning(deadline=deadline, stage=s.name, sent_at=now, skipped=True) for s in skip],
                    ignore_conflicts=True,
                )
            notified = 0
            for row, stage in zip(made, send, strict=True):
                told = notify(
                    users=_recipients(deadline, stage, staff), kind=stage.kind, obj=deadline.incident,
                    url=incident_url(deadline.incident_id), detail=_detail(deadline, stage, now),
                )
                if told:
                    DeadlineWarning.objects.filter(pk=row.pk).update(recipients=told)
                notified += told
    except IntegrityError:  # another worker recorded this stage just now: it sent it
        return
    except Exception:  # one bad clock must not stop the others' warnings
        logger.exception("urgent warning for deadline %s failed", deadline.pk)
        return
    result.sent += len(send)
    result.skipped += len(skip)
    result.notified += notified
    result.stages += [(deadline.pk, stage.name) for stage in send]


def _recipients(deadline: Deadline, stage: Stage, staff: Staff) -> list[Any]:
    level = deadline.incident.classification
    receiving = deadline.desk.unit_id
    if stage.name == PASSED:
        users = staff.with_roles(receiving, [Role.DUTY_OFFICER]) + staff.owing_side(deadline.unit_id)
    elif stage.name == ESCALATE:
        users = staff.owing_leaders(deadline.unit_id) + staff.with_roles(receiving, [Role.DESK_CHIEF])
    else:
        users = staff.owing_side(deadline.unit_id)
    return [u for u in users if u.clearance >= level]  # notify checks visibility itself; this saves its queries


def _detail(deadline: Deadline, stage: Stage, now: dt.datetime) -> dict[str, Any]:
    seconds = (deadline.due_at - now).total_seconds()
    if stage.name == ESCALATE:
        minutes = max(0, math.floor(-seconds / 60))
    elif stage.name == PASSED:
        minutes = 0
    else:
        minutes = max(1, math.ceil(seconds / 60))
    return {
        "stage": stage.name,
        "channel": deadline.channel,
        "due": deadline.due_at.isoformat(),
        "desk": deadline.desk.name,
        "unit": deadline.unit.name,
        "minutes": minutes,
    }
