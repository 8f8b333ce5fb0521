"""``manage.py urgent_sweep``: run the urgent-information warning sweep once, now.

The worker runs it every minute; this is for an operator (after a restore, or to check
what is due). It sends only what the worker would send and never anything twice.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from xinxi.urgent import warnings


class Command(BaseCommand):
    help = "立即执行一次紧急信息到时提醒与超时升级（与后台任务每半分钟执行的相同，不会重复发送）。"

    def handle(self, *args: Any, **options: Any) -> None:
        result = warnings.sweep()
        self.stdout.write(str(result))
        if options["verbosity"] > 1:
            for deadline_id, stage in result.stages:
                self.stdout.write(f"  时限 {deadline_id}：{stage}")
