"""``manage.py worker``: the one background worker (periodic sweeps + the task queue).

Every tick it enqueues the sweeps whose period has come (``xinxi.worker.sweeps``) and
then runs every queued task with django-tasks-db's worker in batch mode. Several
workers may run at once (PostgreSQL: ``SKIP LOCKED``); each task runs once.
"""

from __future__ import annotations

import time
from argparse import ArgumentParser
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils import timezone

from xinxi.worker.sweeps import SWEEPS, enqueue_due, pause

TASK_LABELS = {sweep.task: sweep.label for sweep in SWEEPS}
QUIET = {sweep.name for sweep in SWEEPS if sweep.quiet}
QUIET_TASKS = {sweep.task for sweep in SWEEPS if sweep.quiet}


class Command(BaseCommand):
    help = "运行后台任务：按周期触发例行任务（督办提醒等）并执行任务队列。"

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--once", action="store_true", help="只运行一轮（触发到期的例行任务并执行完队列）后退出")
        parser.add_argument(
            "--interval", type=float, default=30.0, help="两轮之间的最长间隔秒数（默认 30；另在每半分钟开始时检查一次）"
        )

    def handle(self, *args: Any, once: bool, interval: float, verbosity: int, **options: Any) -> None:
        if interval <= 0:
            interval = 30.0
        labels = {sweep.name: sweep.label for sweep in SWEEPS}
        if verbosity:
            self.stdout.write(f"后台任务已启动（每 {interval:g} 秒检查一次；Ctrl+C 停止）。")
        while True:
            started = timezone.now()
            for name in enqueue_due():
                if verbosity and name not in QUIET:
                    self.stdout.write(f"{timezone.localtime():%Y-%m-%d %H:%M:%S} 触发：{labels[name]}")
            call_command(
                "db_worker",
                batch=True,
                queue_name="*",
                startup_delay=False,
                reload=False,
                verbosity=max(0, verbosity - 1),
                stdout=self.stdout,
            )
            if verbosity:
                self._report(started)
            if once:
                return
            time.sleep(pause(interval))

    def _report(self, since: Any) -> None:
        """One line per task finished in this round: what ran and what it returned (or why it failed)."""
        from django_tasks_db.models import DBTaskResult

        for result in DBTaskResult.objects.filter(finished_at__gte=since).order_by("finished_at"):
            label = TASK_LABELS.get(result.task_path, result.task_path)
            when = f"{timezone.localtime(result.finished_at):%Y-%m-%d %H:%M:%S}"
            if result.status == "SUCCESSFUL" and result.task_path in QUIET_TASKS and not result.return_value:
                continue  # a half-minute sweep that found nothing to do
            if result.status == "SUCCESSFUL":
                self.stdout.write(f"{when} 完成：{label}：{result.return_value}")
            else:
                self.stderr.write(f"{when} 失败：{label}：{result.exception_class_path}\n{result.traceback}")
