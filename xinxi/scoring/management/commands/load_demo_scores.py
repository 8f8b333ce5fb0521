"""``manage.py load_demo_scores``: the demo desks' 计分办法 and three months of points (idempotent)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from xinxi.accounts.models import User


class Command(BaseCommand):
    help = (
        "加载演示计分数据：省委办公厅和临江市委办公室的计分办法及三个月的积分记录"
        "（在 load_demo_items 之后运行；可重复运行）。"
    )

    def handle(self, *args: Any, **options: Any) -> None:
        from xinxi.scoring import demo

        if not User.objects.filter(username="qs_xxy").exists() or not User.objects.filter(username="lj_bj").exists():
            raise CommandError("请先运行 manage.py load_demo 和 load_demo_items。")
        started = time.monotonic()
        posted = demo.load()
        if posted < 0:
            self.stdout.write("演示计分数据已存在，无需改动。")
            return
        january = demo.demo_january()
        self.stdout.write(
            f"演示计分数据：两个科室的计分办法和 {january.year - 1}年11月至{january.year}年1月的积分记录"
            f"（周期结算记账 {posted} 条，用时 {time.monotonic() - started:.1f} 秒）。"
            f"用 sheng_kz 查看省委办公厅{january.year}年1月的排名，用 lj_kz 查看临江市委办公室的排名；"
            f"省委办公厅{january.year}年1月的通报草稿在“通报”页面，可修改后签发、印发。"
        )
