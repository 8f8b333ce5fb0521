"""``manage.py load_demo_assignments``: the demo's assignments (here: a remark and a share; idempotent)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from xinxi.accounts.models import User


class Command(BaseCommand):
    help = "加载演示点评和共享信息（在 load_demo、load_demo_items 之后运行；可重复运行）。"

    def handle(self, *args: Any, **options: Any) -> None:
        from xinxi.assignments import demo_remarks

        if not User.objects.filter(username=demo_remarks.EDITOR).exists():
            raise CommandError("请先运行 manage.py load_demo 和 load_demo_items 加载演示数据。")
        made = demo_remarks.load()
        self.stdout.write(
            f"演示点评和共享：新建 {made} 项。用 dc_xxy 在“我的信息”查看点评，用 xc_xxy 在“共享信息”查看共享。"
            if made else "演示点评和共享已存在，无需改动。"
        )
