"""Demo 舆论监督与群众意见建议 list for the demo province, built through the services.

This month, 柳河县委办公室 (lh_xxy) has sent its list to the 临江 city desk: three rows, the
first routed by the city editor (lj_bj) to 临江市应急管理局 (yjj_xxy sees it under 承办事项 and
replies there), the others waiting to be routed. 西城区委办公室 (xc_xxy) has started its list but
not sent it, so it shows on the desk's overview (/assignments/lists/desk/) among the units that
have not sent this month's list. Idempotent: a unit that already has this month's list keeps it.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from xinxi.accounts.models import User
from xinxi.assignments import services_lists as services
from xinxi.assignments.models import SupervisionList
from xinxi.network.models import Unit

SENDER, DRAFTER, EDITOR = "lh_xxy", "xc_xxy", "lj_bj"
CONCERNED = "临江市应急管理局"

ROWS = [
    ("media", "临江日报", "报道柳河县孙集镇部分山区道路冬季未设防滑警示标志，存在安全隐患。", CONCERNED,
     "建议在急弯陡坡路段增设警示标志，配备防滑物资。"),
    ("suggestion", "12345市民热线", "柳河镇群众反映城区集贸市场周边早晚高峰占道经营，交通拥堵。",
     "柳河县人民政府办公室", "建议划定临时摊点区域，错峰管理。"),
    ("suggestion", "县长信箱", "安城乡村民建议增开乡村客运班线，方便老人就医。", "柳河县人民政府办公室", ""),
]


@transaction.atomic
def load_lists() -> int:
    """Build the demo lists; returns how many lists were made (0 when they exist)."""
    today = timezone.localdate()
    month = today.replace(day=1)
    sender = User.objects.get(username=SENDER)
    made = 0
    if not SupervisionList.objects.filter(unit=sender.unit, month=month).exists():
        lst = services.list_create(actor=sender, month=month)
        for n, (kind, source, summary, concerned, suggestion) in enumerate(ROWS):
            day = max(month, today - dt.timedelta(days=len(ROWS) - n))
            services.list_add_row(actor=sender, lst=lst, fields={
                "kind": kind, "source": source, "date": day, "summary": summary, "concerned": concerned,
                "suggestion": suggestion})
        services.list_send(actor=sender, lst=lst)
        first = lst.rows.order_by("position").first()
        assert first is not None
        services.row_route(actor=User.objects.get(username=EDITOR), row=first,
                           unit=Unit.objects.get(name=CONCERNED), note="请核实并督促整改，按期反馈。")
        made += 1
    drafter = User.objects.get(username=DRAFTER)
    if not SupervisionList.objects.filter(unit=drafter.unit, month=month).exists():
        services.list_create(actor=drafter, month=month)
        made += 1
    return made
