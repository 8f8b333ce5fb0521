"""Demo 报送要点 and 调研 for the demo province, built through the services, relative to today.

The 临江 city desk's chief (lj_kz) publishes this quarter's priorities (numbered notice); the
reporters of 东城区, 西城区 and 柳河县 send items tagged with them (one of
东城区's is adopted), so the coverage page shows coverage by unit and topic. The desk sets a
research topic for the quarter; 东城区 sends a research report on it, so the quota page
(每季度调研 1 篇 for the counties, from the network demo's quotas) shows who is still short.

Idempotent: a desk that already has a list titled like this quarter's is left alone.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from xinxi.accounts.models import User
from xinxi.assignments import selectors_priorities as selectors
from xinxi.assignments import services_priorities as services
from xinxi.assignments.models.priorities import PriorityList
from xinxi.items import services as item_services
from xinxi.items.models import Category, DeskEntry, EntryState
from xinxi.network.models import Desk

CITY_CHIEF = "lj_kz"
TOPICS = [
    {"title": "优化营商环境", "description": "惠企政策落地、审批服务提速、民营经济发展中的新情况",
     "keywords": "营商环境,惠企,审批,民营经济"},
    {"title": "乡村振兴", "description": "特色产业、农村改革、人才下乡的做法和成效",
     "keywords": "乡村振兴,农业,农村,产业"},
    {"title": "安全生产和防灾减灾", "description": "隐患排查整治、冬季安全、应急处置",
     "keywords": "安全生产,隐患,应急,消防"},
    {"title": "民生保障", "description": "就业、教育、医疗、养老、冬季供暖中群众关心的事",
     "keywords": "民生,就业,养老,供暖,医疗"},
    {"title": "基层治理", "description": "网格化管理、矛盾纠纷化解的经验", "keywords": "基层治理,网格,矛盾纠纷"},
]
# (reporter, title, topic numbers, adopted)
ITEMS = [
    ("dc_xxy", "东城区“一窗通办”让企业开办时间压缩至半个工作日", [1], True),
    ("dc_xxy", "东城区开展冬季燃气安全隐患大排查", [3], False),
    ("dc_xxy", "东城区社区养老服务中心实现街道全覆盖", [4], False),
    ("xc_xxy", "西城区网格员“敲门行动”化解矛盾纠纷120余起", [5], True),
    ("xc_xxy", "西城区惠企政策“免申即享”兑现资金3200万元", [1], False),
    ("lh_xxy", "柳河县发展特色农业产业带动农民增收", [2], False),
    ("lh_xxy", "柳河县部署岁末年初安全生产工作", [3], False),
]
RESEARCH_TITLE = "县域经济高质量发展情况调研"
RESEARCH_BODY = (
    "一、基本情况\n东城区今年以来地区生产总值同比增长6.2%，新增市场主体3100户。\n\n"
    "二、分析\n产业结构偏重，创新能力不足，部分企业融资难问题仍较突出。\n\n"
    "三、意见建议\n加快培育新兴产业，完善政银企对接机制，强化人才支撑。"
)


def this_quarter_title() -> str:
    today = timezone.localdate()
    return f"{today.year}年第{(today.month - 1) // 3 + 1}季度信息报送要点"


@transaction.atomic
def load_priorities() -> int:
    """Returns how many lists it published (0 when the demo is already there)."""
    chief = User.objects.get(username=CITY_CHIEF)
    desk = Desk.objects.get(unit=chief.unit)
    title = this_quarter_title()
    if PriorityList.objects.filter(desk=desk, title=title).exists():
        return 0
    start, end, quarter = selectors.quarter_bounds(timezone.localdate())
    plist = services.priority_list_create(actor=chief, title=title, period="quarter", starts_on=start, ends_on=end,
                                          topics=TOPICS)
    plist = services.priority_list_publish(actor=chief, plist=plist)
    topics = {t.number: t for t in plist.topics.all()}
    for username, item_title, numbers, adopted in ITEMS:
        reporter = User.objects.get(username=username)
        body = f"{item_title}。" + "近期，该项工作取得阶段性成效，群众和企业反映良好。" * 3
        item = item_services.item_create(actor=reporter, title=item_title, body=body, category=Category.NEWS)
        services.item_set_priorities(actor=reporter, item=item, topics=[topics[n] for n in numbers])
        item_services.item_submit(actor=reporter, item=item)
        if adopted:
            # The demo marks the entry adopted directly; the items demo shows the full adoption path.
            DeskEntry.objects.filter(desk=desk, item=item).update(state=EntryState.ADOPTED)
    topic = services.research_topic_create(actor=chief, title=RESEARCH_TITLE, description=(
        "围绕县域经济发展现状、存在问题和对策建议开展调研，每个县（市、区）本季度至少报送1篇。"),
        period="quarter", year=start.year, quarter=quarter)
    reporter = User.objects.get(username="dc_xxy")
    report = item_services.item_create(actor=reporter, title="关于东城区县域经济发展情况的调研报告",
                                       body=RESEARCH_BODY, category=Category.RESEARCH)
    services.item_set_research_topic(actor=reporter, item=report, topic=topic)
    item_services.item_submit(actor=reporter, item=report)
    return 1
