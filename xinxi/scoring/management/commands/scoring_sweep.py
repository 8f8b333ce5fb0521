"""``manage.py scoring_sweep``: settle finished periods now (what the worker does daily)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from xinxi.lib.errors import ServiceError, error_text
from xinxi.network.models import Desk
from xinxi.scoring import services, sweeps
from xinxi.scoring.models import EventKind


class Command(BaseCommand):
    help = (
        "计分周期结算：基础分、报送数量不足、合格未采用、采用率下限、年度达标分和清零。"
        "不带参数时结算各科室尚未结算的已结束周期（与后台任务相同）；可重复运行，不会重复记分。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--desk", help="只结算一个科室：科室编号或所在单位名称（如 临江市委办公室）")
        parser.add_argument("--period", help="只结算一个周期（已结算的也重新检查）：2026-01、2026-Q1 或 2026")
        parser.add_argument("--until", help="结算到此日期为止已结束的周期（默认昨天），格式 2026-11-30")

    def handle(self, *args: Any, desk: str | None, period: str | None, until: str | None, **options: Any) -> None:
        try:
            chosen = self._desk(desk) if desk else None
            end = self._date(until) if until else None
            if end is not None and end > sweeps.default_until():
                raise CommandError("--until 不能晚于昨天：只结算已结束的周期。")
            work = sweeps.plan(desk=chosen, until=end, period=sweeps.parse_period(period) if period else None)
            total = sweeps.Result()
            for d, p in tqdm(work, desc="计分周期结算", unit="期", leave=False, disable=None):
                done = services.period_sweep(actor=None, desk=d, period=p)
                for kind, n in done.posted.items():
                    total.posted[kind] = total.posted.get(kind, 0) + n
                total.warnings += [w for w in done.warnings if w not in total.warnings]
        except ServiceError as error:
            raise CommandError(error_text(error)) from None
        labels = dict(EventKind.choices)
        detail = "，".join(f"{labels[k]} {n} 条" for k, n in sorted(total.posted.items()))
        summary = f"结算 {len(work)} 个科室周期，记账 {total.total} 条"
        self.stdout.write(summary + (f"（{detail}）。" if detail else "。"))
        for warning in total.warnings:
            self.stderr.write(f"未完成：{warning}")

    def _desk(self, value: str) -> Desk:
        found = Desk.objects.filter(pk=int(value)) if value.isdigit() else Desk.objects.filter(unit__name=value)
        desk = found.select_related("unit").first()
        if desk is None:
            raise CommandError(f"没有找到科室“{value}”。")
        return desk

    def _date(self, value: str) -> dt.date:
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise CommandError(f"日期“{value}”无效，格式应为 2026-11-30。") from None
