"""Demo commissions (约稿) of the 临江 city desk, built through the services, relative to now.

After ``load_demo`` and ``load_demo_scores`` (the city's 计分办法), the city desk's editor
(lj_bj) finds on ``/assignments/commissions/``:

- **an open commission** "今冬明春安全生产工作进展" to the 县（市、区） of its network, due in
  two days: 西城区 has answered (on time), the others have not yet;
- **a closed one** "冬季供暖和民生保障情况" to 东城区 and 柳河县, due yesterday at 17:00:
  东城区 answered on time, 柳河县 answered today, late (逾期报送), so its points drop in the
  ranking (约稿逾期报送 −1 against 东城区's +3).

The city's rules get the commission lines first (if they lack them): a correction of the
active version (``rule_set_correct`` → ``rule_set_update`` → ``rule_set_publish``) adding
约稿按时报送 +3, 约稿逾期报送 −1, 约稿未报送 −3 and a ×1.5 multiplier for commissioned items.
The closed commission is made through the services with a future due time, answered by
东城区, then dated back (the commission's times and 东城区's submission: the only direct
writes, as the other demos date their submissions back), and then 柳河县 answers, late.
Idempotent: nothing is done when the open commission's topic exists at the city desk.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from xinxi.accounts.models import User
from xinxi.assignments import services_commissions as services
from xinxi.assignments.models import Commission, CommissionTarget
from xinxi.items import services as item_services
from xinxi.items.models import DeskEntry, Item, Submission
from xinxi.network.models import Desk, Unit, UnitClass
from xinxi.scoring import ledger
from xinxi.scoring import services as scoring
from xinxi.scoring.models import EventKind

CITY = "临江市委办公室"
EDITOR, CHIEF = "lj_bj", "lj_kz"
OPEN_TOPIC = "今冬明春安全生产工作进展"
CLOSED_TOPIC = "冬季供暖和民生保障情况"
COUNTY_CLASS = "县（市、区）"
COMMISSION_LINES = [
    {"kind": "commission_on_time", "points": "3", "label": "约稿按时报送"},
    {"kind": "commission_late", "points": "-1", "label": "约稿逾期报送"},
    {"kind": "commission_missed", "points": "-3", "label": "约稿未报送"},
]

ANSWERS = {
    "xc_xxy": ("西城区开展冬季安全生产“百日攻坚”行动",
               "西城区自11月起开展冬季安全生产“百日攻坚”行动，聚焦燃气、消防、危化品和建筑施工四个领域，"
               "组织暗查暗访组8个，已检查企业760家，发现隐患1380处、整改1205处，约谈企业负责人26人，"
               "对13家企业依法立案查处。"),
    "dc_xxy": ("东城区“暖心热线”24小时响应供暖诉求",
               "东城区开通供暖“暖心热线”，实行接诉后2小时响应、24小时办结，入冬以来受理供暖诉求1820件，"
               "办结率98.6%；对全区236户独居老人、困难家庭逐户入户测温，室温不达标的全部完成整改。"),
    "lh_xxy": ("柳河县多措并举保障农村群众温暖过冬",
               "柳河县摸排农村困难群众取暖需求，发放取暖补贴380万元，惠及6200户；完成“煤改电”“煤改气”"
               "改造1.1万户，组织电力、燃气部门开展入户安全检查，排除隐患430处。"),
}


def _user(username: str) -> User:
    return User.objects.get(username=username)


def _answer(username: str, commission: Commission) -> Item:
    writer = _user(username)
    title, body = ANSWERS[username]
    item = item_services.item_create(actor=writer, title=title, body=body)
    services.commission_link(actor=writer, commission=commission, item=item)
    item_services.item_submit(actor=writer, item=item, idempotency_key=f"demo-commission-{username}-{commission.pk}")
    return item


def ensure_commission_lines(desk: Desk) -> bool:
    """Add the commission lines to the desk's active rules (a published correction); False if present."""
    current = ledger.rule_set_on(desk, timezone.localdate())
    if current is None or any(line.kind == EventKind.COMMISSION_ON_TIME for line in current.lines.all()):
        return False
    chief = _user(CHIEF)
    draft = scoring.rule_set_correct(actor=chief, rule_set=current)
    kept = ["kind", "points", "label", "periodical", "column", "adoption_kind", "issue_kind", "level", "leader_level"]
    lines: list[dict[str, Any]] = [
        {name: getattr(line, "periodical_id" if name == "periodical" else name) for name in kept}
        for line in draft.lines.order_by("sort_order", "pk")
    ]
    multipliers = [{"target": m.target, "factor": str(m.factor)} for m in draft.multipliers.all()]
    draft = scoring.rule_set_update(
        actor=chief, rule_set=draft, version=draft.version, lines=[*lines, *COMMISSION_LINES],
        multipliers=[*multipliers, {"target": "commissioned", "factor": "1.5"}],
    )
    scoring.rule_set_publish(actor=chief, rule_set=draft)
    return True


@transaction.atomic
def load_commissions() -> int:
    """Create the demo commissions if missing; returns how many were made (0 when already there)."""
    desk = Desk.objects.select_related("unit").get(unit__name=CITY)
    if Commission.objects.filter(desk=desk, topic=OPEN_TOPIC).exists():
        return 0
    ensure_commission_lines(desk)
    editor = _user(EDITOR)
    now = timezone.now()
    local = timezone.localtime(now)
    counties = list(UnitClass.objects.filter(name=COUNTY_CLASS))
    open_one = services.commission_create(
        actor=editor, topic=OPEN_TOPIC, due_at=(local + dt.timedelta(days=2)).replace(hour=17, minute=0, second=0,
                                                                                     microsecond=0),
        requirements="请围绕冬季安全生产大检查、隐患整改和应急值守，报送本地的主要做法、工作成效和典型经验，"
                     "数据截至报送前一日。篇幅1000字以内。",
        unit_classes=counties,
    )
    _answer("xc_xxy", open_one)
    closed = services.commission_create(
        actor=editor, topic=CLOSED_TOPIC, due_at=now + dt.timedelta(hours=6),
        requirements="请报送供暖保障、困难群众救助和民生商品保供情况，突出问题和建议。",
        units=list(Unit.objects.filter(name__in=["东城区委办公室", "柳河县委办公室"])),
    )
    on_time = _answer("dc_xxy", closed)
    due = (local - dt.timedelta(days=1)).replace(hour=17, minute=0, second=0, microsecond=0)
    answered = due - dt.timedelta(hours=7)
    Commission.objects.filter(pk=closed.pk).update(due_at=due, created_at=due - dt.timedelta(days=3))
    CommissionTarget.objects.filter(commission=closed, item=on_time).update(answered_at=answered)
    Submission.objects.filter(item=on_time).update(submitted_at=answered)
    DeskEntry.objects.filter(item=on_time).update(received_at=answered)
    Item.objects.filter(pk=on_time.pk).update(created_at=answered, submitted_at=answered)
    closed.refresh_from_db()
    _answer("lh_xxy", closed)
    return 2
