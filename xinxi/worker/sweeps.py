"""Periodic sweeps: which background tasks run every period, and enqueueing each once.

A sweep is a task (Django's tasks API, run by the database-backed worker) that takes
the period key it was enqueued for. ``enqueue_due`` is called by every worker on every
tick: for each sweep it writes the ``SweepRun`` of the current period and enqueues the
task in the same transaction, so a period's sweep is enqueued exactly once even with
several workers. The sweeps themselves work from the state of the data (e.g. "tasks
whose reminder is due and not yet sent"), never from "what happened this hour", so a
worker that was stopped for a day catches up on its first tick and misses nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from xinxi.worker.models import SweepRun


def half_minutely(now: dt.datetime) -> str:
    local = timezone.localtime(now)
    return f"{local:%Y-%m-%dT%H:%M}:{local.second // 30 * 30:02d}"


def hourly(now: dt.datetime) -> str:
    return timezone.localtime(now).strftime("%Y-%m-%dT%H")


def every_5_minutes(now: dt.datetime) -> str:
    local = timezone.localtime(now)
    return f"{local:%Y-%m-%dT%H}:{local.minute // 5 * 5:02d}"


def daily(now: dt.datetime) -> str:
    return timezone.localtime(now).strftime("%Y-%m-%d")


@dataclass(frozen=True)
class Sweep:
    name: str
    label: str
    task: str  # import path of a django.tasks Task taking ``period``
    period: Callable[[dt.datetime], str]
    quiet: bool = False  # every minute: the worker says nothing when it ran and did nothing


SWEEPS: tuple[Sweep, ...] = (
    # Every half minute: a warning due at any second goes out within about 30 s (plus the
    # sweep's own time, a few seconds in the 08:00 / 17:00 burst), inside the 60 s promised.
    Sweep("urgent_warnings", "紧急信息到时提醒与超时升级", "xinxi.urgent.tasks.urgent_warnings", half_minutely,
          quiet=True),
    Sweep("supervision_reminders", "督办到期与逾期提醒", "xinxi.instructions.tasks.supervision_reminders", hourly),
    Sweep("scoring_sweeps", "计分周期结算", "xinxi.scoring.tasks.scoring_sweeps", daily),
    Sweep("urgent_late_findings", "紧急信息迟报核查", "xinxi.urgent.tasks_findings.propose_late_findings",
          every_5_minutes, quiet=True),
    Sweep("commission_sweep", "约稿到期提醒与未报送记录", "xinxi.assignments.tasks_commissions.commission_sweep",
          every_5_minutes, quiet=True),
    Sweep("intake_mail", "收取各科室来稿邮箱", "xinxi.intake.tasks.intake_mail", every_5_minutes, quiet=True),
    Sweep("supervision_list_overdue", "舆论监督与群众意见建议逾期提醒",
          "xinxi.assignments.tasks_lists.lists_overdue_reminders", daily),
    Sweep("prune_task_results", "清理 30 天前的后台任务记录", "xinxi.worker.tasks.prune_task_results", daily),
    Sweep("prune_signatures", "清理 45 天前的相似度特征", "xinxi.items.tasks.prune_signatures", daily),
)


def pause(interval: float, now: dt.datetime | None = None) -> float:
    """Seconds to sleep before the next tick: ``interval``, but never past the next half minute.

    The half-minute sweep (urgent warnings) then runs within a second of each :00 and :30,
    so a warning due on the minute goes out within seconds rather than up to a tick later.
    """
    now = now or timezone.now()
    to_next_half = 30 - now.second % 30 - now.microsecond / 1_000_000 + MINUTE_SLACK
    return max(0.0, min(interval, to_next_half))


MINUTE_SLACK = 0.2  # seconds after the half minute's start: past it on every clock the worker may read


def enqueue_due(now: dt.datetime | None = None) -> list[str]:
    """Enqueue every sweep whose current period has not been enqueued yet; returns their names."""
    now = now or timezone.now()
    started = []
    for sweep in SWEEPS:
        period = sweep.period(now)
        try:
            with transaction.atomic():
                run = SweepRun.objects.create(name=sweep.name, period=period)
                result = import_string(sweep.task).enqueue(period=period)
                SweepRun.objects.filter(pk=run.pk).update(task_id=str(result.id))
        except IntegrityError:  # this period's sweep is already enqueued (by us or another worker)
            continue
        started.append(sweep.name)
    return started
