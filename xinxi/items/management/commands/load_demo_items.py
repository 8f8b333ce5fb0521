from typing import Any

from django.core.management.base import BaseCommand, CommandError

from xinxi.accounts.models import User
from xinxi.items import demo


class Command(BaseCommand):
    help = "加载演示信息（在 load_demo 之后运行；可重复运行）。"

    def handle(self, *args: Any, **options: Any) -> None:
        if not User.objects.filter(username="dc_xxy").exists():
            raise CommandError("请先运行 manage.py load_demo 加载演示省份。")
        made = demo.load()
        self.stdout.write(f"演示信息：新建 {made} 条。" if made else "演示信息已存在，无需改动。")
