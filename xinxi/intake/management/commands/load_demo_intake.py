"""``manage.py load_demo_intake``: a township's mailed-in item in the city desk's queue (idempotent)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from xinxi.network.models import Desk


class Command(BaseCommand):
    help = (
        "加载演示邮件来稿：东城区文化路街道用电子邮件报送的一条信息，在临江市委办公室的邮件收稿队列中待处理"
        "（在 load_demo 之后运行；可重复运行）。"
    )

    def handle(self, *args: Any, **options: Any) -> None:
        from xinxi.intake import demo

        if not Desk.objects.filter(unit__name=demo.CITY).exists():
            raise CommandError("请先运行 manage.py load_demo 加载演示省份。")
        message = demo.load_intake()
        if message is None:
            self.stdout.write("演示邮件来稿已存在，无需改动。")
            return
        self.stdout.write(
            f"演示邮件来稿：“{message.subject}”（{message.get_state_display()}）。用 lj_bj（编辑）或 lj_kz（科长）"
            "打开 /intake/ 确认报送单位并采用，信息即进入收稿箱。"
        )
