"""``manage.py load_demo_urgent``: the demo province's urgent information, relative to now (idempotent)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from xinxi.accounts.models import User


class Command(BaseCommand):
    help = (
        "加载演示紧急信息：临江市委办公室值班板上一起正在计时的事件、一起书面报告超时的事件、"
        "一起已终报的事件（在 load_demo 之后运行；可重复运行）。"
    )

    def handle(self, *args: Any, **options: Any) -> None:
        from xinxi.urgent import demo

        if not User.objects.filter(username=demo.DUTY_OFFICER).exists():
            raise CommandError("请先运行 manage.py load_demo 加载演示省份。")
        made = demo.load()
        if not made:
            self.stdout.write("演示紧急信息已存在，无需改动。")
            return
        self.stdout.write(
            f"演示紧急信息：新登记 {made} 起突发事件。用 {demo.DUTY_OFFICER}（值班员）查看临江市委办公室的值班板："
            f"“{demo.RUNNING}”正在计时，“{demo.LATE}”首报超时，“{demo.CLOSED}”已终报。"
        )
