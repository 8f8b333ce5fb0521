"""``manage.py load_demo_assignments``: the demo province's assignments, one loader per area (idempotent)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from xinxi.accounts.models import User


class Command(BaseCommand):
    help = (
        "加载演示约稿与专题数据：临江市委办公室的约稿（一项进行中、部分单位已报送，一项已截止、一个单位逾期报送）、"
        "本月舆论监督与群众意见建议清单、一条点评和一条共享信息、本季度报送要点和调研题目"
        "（在 load_demo、load_demo_items 和 load_demo_scores 之后运行；可重复运行）。"
    )

    def handle(self, *args: Any, **options: Any) -> None:
        from xinxi.assignments import demo_commissions

        if not User.objects.filter(username=demo_commissions.EDITOR).exists():
            raise CommandError("请先运行 manage.py load_demo 加载演示省份。")
        self.commissions()
        self.lists()
        self.remarks()
        self.priorities()

    def commissions(self) -> None:
        from xinxi.assignments import demo_commissions

        made = demo_commissions.load_commissions()
        if made:
            self.stdout.write(
                f"演示约稿：新建 {made} 项。用 {demo_commissions.EDITOR}（编辑）查看 /assignments/commissions/："
                f"“{demo_commissions.OPEN_TOPIC}”进行中，“{demo_commissions.CLOSED_TOPIC}”柳河县逾期报送。"
            )
        else:
            self.stdout.write("演示约稿已存在，无需改动。")

    def lists(self) -> None:
        from xinxi.assignments import demo_lists

        made = demo_lists.load_lists()
        self.stdout.write(
            f"舆论监督与群众意见建议清单：新建 {made} 份。用 {demo_lists.EDITOR}（编辑）查看“清单”页和报送情况，"
            f"用 yjj_xxy 查看交办给{demo_lists.CONCERNED}的事项。" if made else "演示清单已存在，无需改动。"
        )

    def remarks(self) -> None:
        from xinxi.assignments import demo_remarks

        made = demo_remarks.load()
        self.stdout.write(
            f"演示点评和共享：新建 {made} 项。用 dc_xxy 在“我的信息”查看点评，用 xc_xxy 在“共享信息”查看共享。"
            if made else "演示点评和共享已存在，无需改动。"
        )

    def priorities(self) -> None:
        from xinxi.assignments import demo_priorities

        if demo_priorities.load_priorities():
            self.stdout.write(
                f"演示报送要点：临江市委办公室印发“{demo_priorities.this_quarter_title()}”，各单位已标注报送；"
                f"调研题目“{demo_priorities.RESEARCH_TITLE}”。"
                f"用 {demo_priorities.CITY_CHIEF}（科长）查看覆盖情况和调研完成情况。"
            )
        else:
            self.stdout.write("演示报送要点已存在，无需改动。")
