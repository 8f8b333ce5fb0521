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
        # Periodicals, their first issue, and the instructions on it come after the items they use.
        from xinxi.instructions import demo as instruction_demo
        from xinxi.publications import demo as publication_demo

        periodicals = publication_demo.load()
        if periodicals:
            self.stdout.write(f"演示刊物：新建 {periodicals} 种，并签发第一期。")
        instructions = instruction_demo.load()
        if instructions:
            self.stdout.write(f"演示领导批示：新建 {instructions} 条，含督办事项。")
