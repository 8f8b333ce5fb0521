"""``manage.py load_demo``: the fictional province 东海省 and its demo logins (idempotent)."""

from __future__ import annotations

import unicodedata
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from xinxi.network import demo


def width(text: str) -> int:
    """Columns a string takes in a terminal (CJK characters take two)."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def table(rows: list[tuple[str, ...]]) -> list[str]:
    widths = [max(width(row[i]) for row in rows) for i in range(len(rows[0]))]
    return ["  ".join(cell + " " * (w - width(cell)) for cell, w in zip(row, widths, strict=True)).rstrip()
            for row in rows]


class Command(BaseCommand):
    help = "加载演示数据：虚构的东海省信息网络与各角色的演示账号。可重复运行，已有的数据不变。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--force", action="store_true", help="库中已有演示以外的单位时仍然加载")

    def handle(self, *args: Any, force: bool = False, **options: Any) -> None:
        others = demo.foreign_roots()
        if others and not force:
            raise CommandError(
                f"数据库中已有演示以外的单位（{'、'.join(others[:3])}），不加载演示数据以免混入正式数据。"
                "确需加载请加 --force。"
            )
        with tqdm(total=len(demo.STEPS), desc="加载演示数据", unit="步", leave=False, disable=None) as bar:

            def progress(label: str) -> None:
                bar.set_postfix_str(label)
                bar.update()

            result = demo.load(progress)
        added = "，".join(f"{name} {n}" for name, n in result.added.items() if n)
        self.stdout.write(f"演示数据“东海省”已就绪：{len(result.units)} 个单位。"
                          + (f"本次新增：{added}。" if added else "无需改动。"))
        self.stdout.write("")
        for line in table([("用户名", "角色", "单位", "密码"), *demo.login_rows()]):
            self.stdout.write(line)
