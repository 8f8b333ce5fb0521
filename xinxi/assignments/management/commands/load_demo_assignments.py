"""``manage.py load_demo_assignments``: the demo province's assignments (idempotent)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from xinxi.accounts.models import User


class Command(BaseCommand):
    help = "加载演示约稿与专题数据：本月舆论监督与群众意见建议清单（在 load_demo 之后运行；可重复运行）。"

    def handle(self, *args: Any, **options: Any) -> None:
        from xinxi.assignments import demo_lists

        if not User.objects.filter(username=demo_lists.SENDER).exists():
            raise CommandError("请先运行 manage.py load_demo 加载演示省份。")
        made = demo_lists.load_lists()
        self.stdout.write(
            f"舆论监督与群众意见建议清单：新建 {made} 份。用 {demo_lists.EDITOR}（编辑）查看“清单”页和报送情况，"
            f"用 yjj_xxy 查看交办给{demo_lists.CONCERNED}的事项。" if made else "演示清单已存在，无需改动。"
        )
