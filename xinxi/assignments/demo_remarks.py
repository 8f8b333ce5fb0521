"""Demo remarks and sharing: the city desk remarks on a district's item and shares it (idempotent).

Run by ``manage.py load_demo_assignments`` after ``load_demo`` and ``load_demo_items``: the
city editor 王雪梅 (lj_bj) remarks on 东城区's “接诉即办” item for its reporter 张文静 (dc_xxy), who
sees it in 我的信息, and shares the desk's version with 西城区 and the city's emergency bureau
(their reporters xc_xxy and yjj_xxy find it under 共享信息).
"""

from __future__ import annotations

from django.db import transaction

from xinxi.accounts.models import User
from xinxi.assignments import permissions_remarks as permissions
from xinxi.assignments import services_remarks, services_sharing
from xinxi.assignments.models import Remark, Share
from xinxi.items.models import DeskEntry

EDITOR = "lj_bj"
TITLE = "东城区“接诉即办”平台上线三个月办结群众诉求1.2万件"
DESK_UNIT = "临江市委办公室"
TARGETS = ("西城区委办公室", "临江市应急管理局")
REMARK = ("标题一句话点明成效，数据完整（受理、办结、满意率），做法分三条清楚。"
          "不足：下一步打算较空，建议写明高频诉求有哪些、纳入哪些民生实事。")
NOTE = "东城区“接诉即办”的做法可供各区县和部门参考，可结合本地实际借鉴。"


@transaction.atomic
def load() -> int:
    """The remark and the share, where missing; returns how many were made (0 when both exist)."""
    entry = DeskEntry.objects.filter(item__title=TITLE, desk__unit__name=DESK_UNIT).select_related("desk").first()
    if entry is None:
        return 0
    editor = User.objects.get(username=EDITOR)
    made = 0
    if not Remark.objects.filter(entry=entry).exists():
        services_remarks.remark_write(actor=editor, entry=entry, text=REMARK, rating="excellent",
                                      tags=["data", "writing"])
        made += 1
    if not Share.objects.filter(entry=entry).exists():
        units = list(permissions.share_targets(editor).filter(name__in=TARGETS))
        if units:
            services_sharing.share_create(actor=editor, entry=entry, units=units, note=NOTE)
            made += 1
    return made
