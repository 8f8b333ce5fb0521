"""``manage.py load_demo_assignments``: the demo province's assigned work (idempotent)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from xinxi.accounts.models import User


class Command(BaseCommand):
    help = "加载演示约稿、报送要点和调研（在 load_demo 之后运行；可重复运行）。"

    def handle(self, *args: Any, **options: Any) -> None:
        from xinxi.assignments import demo_priorities

        if not User.objects.filter(username=demo_priorities.CITY_CHIEF).exists():
            raise CommandError("请先运行 manage.py load_demo 加载演示省份。")
        if demo_priorities.load_priorities():
            self.stdout.write(
                f"演示报送要点：临江市委办公室印发“{demo_priorities.this_quarter_title()}”，各单位已标注报送；"
                f"调研题目“{demo_priorities.RESEARCH_TITLE}”。"
                f"用 {demo_priorities.CITY_CHIEF}（科长）查看覆盖情况和调研完成情况。"
            )
        else:
            self.stdout.write("演示报送要点已存在，无需改动。")
