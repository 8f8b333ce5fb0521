"""``manage.py load_demo_assignments``: the demo's commissions and the desk's other assignments (idempotent)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from xinxi.accounts.models import User


class Command(BaseCommand):
    help = (
        "加载演示约稿等：临江市委办公室的一项进行中的约稿（部分单位已报送）和一项已截止的约稿（一个单位逾期报送）"
        "（在 load_demo 和 load_demo_scores 之后运行；可重复运行）。"
    )

    def handle(self, *args: Any, **options: Any) -> None:
        from xinxi.assignments import demo, demo_commissions

        if not User.objects.filter(username=demo_commissions.EDITOR).exists():
            raise CommandError("请先运行 manage.py load_demo 加载演示省份。")
        made = demo.load_commissions()
        if made:
            self.stdout.write(
                f"演示约稿：新建 {made} 项。用 {demo_commissions.EDITOR}（编辑）查看 /assignments/commissions/："
                f"“{demo_commissions.OPEN_TOPIC}”进行中，“{demo_commissions.CLOSED_TOPIC}”柳河县逾期报送。"
            )
        else:
            self.stdout.write("演示约稿已存在，无需改动。")
