"""Demo scoring: two desks' 计分办法 and three months of history, built through the services.

The province desk (东海省委办公厅) adds up several adoptions of one item; the 临江 city
desk counts only the highest, pays quarterly base points and multiplies upward
adoptions by k per level. The history runs from November of the year before the demo
January to the end of that January (the latest January that is over), so the province
desk's January ranking shows each city with its share and its change against December.

Items are submitted, opened, adopted, marked 不采用, forwarded, instructed, penalised and
one adoption withdrawn (a reversal) through the same services people use; only the
submission timestamps are moved back to the history's days (the services stamp "now").
Then the period sweeps settle November, December, the fourth quarter, the year and
January. Idempotent: nothing is done when the province desk has the demo rule set.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from xinxi.accounts.models import User
from xinxi.instructions import services as instruction_services
from xinxi.items import desk_services
from xinxi.items import services as item_services
from xinxi.items.models import DeskEntry, Item, Submission
from xinxi.network.models import Desk, Unit
from xinxi.scoring import services, services_circulars, sweeps
from xinxi.scoring.models import RuleSet

PROVINCE, CITY = "东海省委办公厅", "临江市委办公室"
PROVINCE_RULES = "东海省委办公厅信息工作计分办法"
CITY_RULES = "临江市委办公室信息工作计分办法"


def demo_january(today: dt.date | None = None) -> dt.date:
    """The January the demo history ends with: this year's once it is over, else last year's."""
    today = today or timezone.localdate()
    year = today.year if today >= dt.date(today.year, 2, 1) else today.year - 1
    return dt.date(year, 1, 1)


def _line(kind: str, points: str, label: str = "", **conditions: str) -> dict[str, Any]:
    return {"kind": kind, "points": points, "label": label, **conditions}


PROVINCE_LINES = [
    _line("adoption", "10", "《东海信息》等省委办公厅刊物采用"),
    _line("adoption_level", "30", "国办采用", level="guoban"),
    _line("adoption_level", "50", "中办采用", level="zhongban"),
    _line("unadopted", "0.5", "报送合格、未采用"),
    _line("instruction", "20", "省委主要领导批示", leader_level="province_main"),
    _line("instruction", "10", "其他领导批示"),
    _line("commission_on_time", "3", "约稿按时报送"),
    _line("commission_late", "1", "约稿逾期报送"),
    _line("commission_missed", "-3", "约稿未报送"),
    _line("false_item", "-10", "信息失实"),
    _line("circular_error", "-5", "通报差错"),
    _line("late_report", "-5", "紧急信息迟报"),
    _line("missed_report", "-10", "紧急信息漏报"),
    _line("concealed_report", "-20", "紧急信息瞒报"),
    _line("false_report", "-20", "紧急信息谎报"),
]
CITY_LINES = [
    _line("adoption", "5", "《临江信息》等市委办公室刊物采用"),
    _line("adoption_level", "20", "省委办公厅采用", level="province"),
    _line("forwarded", "2", "被市委办公室转报省委办公厅"),
    _line("unadopted", "0.5", "报送合格、未采用"),
    _line("instruction", "10", "领导批示"),
    _line("false_item", "-5", "信息失实"),
    _line("late_report", "-2", "紧急信息迟报"),
    _line("missed_report", "-5", "紧急信息漏报"),
    _line("concealed_report", "-10", "紧急信息瞒报"),
    _line("false_report", "-10", "紧急信息谎报"),
    _line("quota_shortfall", "-0.1", "报送数量不足，每少一条"),
    _line("rate_floor", "-2", "季度采用率低于20%"),
]


@dataclass(frozen=True)
class Story:
    writer: str
    title: str
    body: str
    category: str = "news"
    tone: str = "positive"


STORIES = {
    "bh_heating": Story(
        "bh_xxy", "白河市提前半个月启动城区集中供暖",
        "受冷空气提前影响，白河市于11月1日启动城区集中供暖，比往年提前半个月。全市供热面积4200万平方米，"
        "市供热办开通24小时服务热线，对低温户实行“接诉后4小时上门”，首周处理群众诉求316件。",
    ),
    "qs_tourism": Story(
        "qs_xxy", "青山市推出冬季文旅消费季活动",
        "青山市整合全市28家A级景区、46家星级酒店推出冬季文旅消费季，发放文旅消费券500万元，开通景区直通车"
        "6条。活动首月接待游客86万人次，旅游收入7.2亿元，分别比上年同期增长12%和15%。",
    ),
    "dc_parking": Story(
        "dc_xxy", "东城区挖潜老旧小区停车位1800个",
        "东城区通过错时共享、边角地改造、立体车库建设等方式，为老旧小区新增停车位1800个，缓解停车难问题。"
        "其中机关企事业单位夜间向居民开放车位620个，群众满意率达到92%。",
    ),
    "lh_cotton": Story(
        "lh_xxy", "柳河县棉花收购进度过九成",
        "截至11月18日，柳河县已收购籽棉3.1万吨，占预计产量的92%，平均收购价每公斤7.6元，比上年提高0.4元。"
        "县里组织12家轧花企业开足产能，确保棉农及时售棉、尽快回款。",
    ),
    "dc_elderly": Story(
        "dc_xxy", "关于东城区社区嵌入式养老服务的调研报告",
        "东城区在63个社区建成嵌入式养老服务站，提供助餐、助浴、日间照料等服务，日均服务老人4100人次。"
        "调研发现，服务站运营普遍依赖政府补贴，护理人员流动性大，部分服务站利用率不足40%。建议完善"
        "运营补贴与服务绩效挂钩机制，推动医养结合，培育专业化连锁运营主体。",
        category="research",
    ),
    "bh_port": Story(
        "bh_xxy", "白河港集装箱吞吐量首次突破百万标箱",
        "12月5日，白河港年集装箱吞吐量首次突破100万标准箱，比上年增长18.6%。今年新开通外贸航线5条，"
        "“海铁联运”班列增至每周14列，辐射内陆城市12个。",
    ),
    "bh_fire": Story(
        "bh_xxy", "白河市开展高层建筑消防安全专项整治",
        "白河市对全市612栋高层建筑开展消防安全专项整治，排查消防通道堵塞、设施损坏等隐患1390处，"
        "已整改1262处，对拒不整改的17家物业企业依法立案查处。",
    ),
    "qs_grain": Story(
        "qs_xxy", "青山市新建高标准农田12万亩通过验收",
        "青山市今年新建高标准农田12万亩，全部通过省级验收。项目区灌溉水利用系数提高到0.65，"
        "亩均增产粮食60公斤以上，带动土地流转4.3万亩。",
    ),
    "xc_waste": Story(
        "xc_xxy", "西城区生活垃圾分类居民参与率达到85%",
        "西城区在全区推行“定时定点、桶前值守”垃圾分类模式，配备桶前值守员1200名，居民参与率由年初的"
        "52%提高到85%，厨余垃圾分出量日均达到180吨。",
    ),
    "yjj_drill": Story(
        "yjj_xxy", "市应急局开展危化品事故应急演练",
        "市应急管理局在临江化工园区组织危险化学品泄漏事故应急演练，消防、公安、卫健等9个部门和5家企业"
        "参演，检验了预警发布、人员疏散、现场处置等环节。",
    ),
    "dc_lifecircle": Story(
        "dc_xxy", "东城区“一刻钟便民生活圈”覆盖全部社区",
        "东城区以社区为单元补齐菜市场、便利店、家政维修、养老托育等服务网点1260个，实现“一刻钟便民生活圈”"
        "全覆盖。区里建立网点“缺什么补什么”清单，对新开设的社区食堂给予租金补贴，居民步行15分钟可满足"
        "日常生活需求的比例达到96%。",
    ),
    "qs_jobs": Story(
        "qs_xxy", "青山市“春风行动”提前对接返乡务工人员",
        "青山市人社部门提前摸排返乡务工人员3.6万人，建立就业需求台账，组织线上线下招聘会22场，"
        "提供岗位4.8万个，已达成就业意向1.1万人。",
    ),
    "qs_roads": Story(
        "qs_xxy", "青山市完成农村公路冬季养护",
        "青山市完成农村公路冬季养护1860公里，修补坑槽2.3万平方米，增设防护栏42公里，确保冬季农村群众出行安全。",
    ),
    "bh_fishery": Story(
        "bh_xxy", "白河市推进海洋牧场建设",
        "白河市已建成省级以上海洋牧场9处，投放人工鱼礁36万空方，带动渔民增收1.2亿元。",
    ),
    "dc_snow_sched": Story(
        "dc_xxy", "东城区转发省简报关于冬季清雪工作的做法",
        "东城区学习借鉴省简报介绍的冬季清雪工作做法，明确各街道责任路段和机械调度方案。",
    ),
    "xc_clinic": Story(
        "xc_xxy", "西城区社区卫生服务中心开设夜间门诊",
        "西城区8家社区卫生服务中心开设夜间门诊，工作日延长服务至晚8点，首月接诊3200人次，方便上班族就医。",
    ),
    "qs_smog": Story(
        "qs_xxy", "部分企业冬季错峰生产落实不到位",
        "近期检查发现，青山市部分工业企业冬季错峰生产措施落实不到位，个别企业夜间偷排现象仍有发生。",
        tone="problem",
    ),
}


def _user(username: str) -> User:
    return User.objects.get(username=username)


def _day(month: dt.date, day: int) -> dt.date:
    return month.replace(day=day)


def _moment(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(9, 30), tzinfo=timezone.get_current_timezone())


def _submit(key: str, on: dt.date) -> Item:
    """Write and submit a story, then date its submission and entries back to ``on``."""
    story = STORIES[key]
    writer = _user(story.writer)
    item = item_services.item_create(
        actor=writer, title=story.title, body=story.body, category=story.category, tone=story.tone
    )
    item_services.item_submit(actor=writer, item=item, idempotency_key=f"demo-score-{key}")
    moment = _moment(on)
    DeskEntry.objects.filter(item=item).update(received_at=moment)
    Submission.objects.filter(item=item).update(submitted_at=moment)
    Item.objects.filter(pk=item.pk).update(created_at=moment, submitted_at=moment)
    return item


def _opened(item: Item, desk: str, editor: User) -> DeskEntry:
    entry = DeskEntry.objects.select_related("desk__unit").get(item=item, desk__unit__name=desk, forwarded_from=None)
    return desk_services.entry_open(actor=editor, entry=entry)


def _forward(entry: DeskEntry, editor: User, on: dt.date) -> DeskEntry:
    upper = desk_services.entry_forward(actor=editor, entry=entry, note="建议省委办公厅采用")
    DeskEntry.objects.filter(pk=entry.pk).update(forwarded_at=_moment(on))
    DeskEntry.objects.filter(pk=upper.pk).update(received_at=_moment(on))
    return DeskEntry.objects.select_related("desk__unit").get(pk=upper.pk)


def _adopt(entry: DeskEntry, editor: User, on: dt.date, publication: str, number: int, **extra: Any) -> Any:
    return desk_services.adoption_record(
        actor=editor, entry=entry, publication=publication, issue_no=f"{on.year}年第{number}期",
        adopted_on=on, kind="full", **extra,
    )


def _rules(chief: User, desk: Desk, name: str, valid_from: dt.date, **fields: Any) -> RuleSet:
    draft = services.rule_set_create(actor=chief, desk=desk, name=name, valid_from=valid_from, **fields)
    return services.rule_set_publish(actor=chief, rule_set=draft)


@transaction.atomic
def load() -> int:
    """Create the demo rule sets and history if missing; returns how many ledger entries the sweeps posted."""
    province = Desk.objects.select_related("unit").get(unit__name=PROVINCE)
    city = Desk.objects.select_related("unit").get(unit__name=CITY)
    if RuleSet.objects.filter(desk=province, name=PROVINCE_RULES).exists():
        return -1
    jan = demo_january()
    dec, nov = dt.date(jan.year - 1, 12, 1), dt.date(jan.year - 1, 11, 1)
    sheng_kz, sheng_bj, lj_kz, lj_bj = (_user(n) for n in ("sheng_kz", "sheng_bj", "lj_kz", "lj_bj"))
    _rules(
        sheng_kz, province, PROVINCE_RULES, nov, lines=PROVINCE_LINES,
        multi_adoption="add", joint="split", upward="level_lines",
        threshold_items=3, threshold_points="10", zeroing_misses=3, month_floor="10",
        note="演示：多个刊物采用累加计分；年度采用满3条加10分；全年约稿未报送3次清零；月度得分低于10分为不达标。",
    )
    _rules(
        lj_kz, city, CITY_RULES, nov, lines=CITY_LINES, multipliers=[{"target": "research", "factor": "2"}],
        multi_adoption="highest", joint="full", upward="times_k", upward_k="2",
        base_points="6", base_period="quarter", rate_floor="20",
        note="演示：一条信息多次采用只计最高分；被上级采用按本级分值每高一级乘2；调研报告乘2；每季度基础分6分。",
    )
    # November: the province adopts 白河's item and declines 青山's; the city adopts 东城's, declines 柳河's.
    item = _submit("bh_heating", _day(nov, 6))
    _adopt(_opened(item, PROVINCE, sheng_bj), sheng_bj, _day(nov, 12), "东海信息", 61)
    item = _submit("qs_tourism", _day(nov, 10))
    desk_services.entry_not_adopt(actor=sheng_bj, entry=_opened(item, PROVINCE, sheng_bj), reason="内容已有报道")
    item = _submit("dc_parking", _day(nov, 14))
    _adopt(_opened(item, CITY, lj_bj), lj_bj, _day(nov, 18), "临江信息", 101)
    item = _submit("lh_cotton", _day(nov, 20))  # 合格未采用; 柳河's quarter ends under the rate floor
    desk_services.entry_not_adopt(actor=lj_bj, entry=_opened(item, CITY, lj_bj), reason="时效性不强，暂不采用")
    # December: a research report adopted by the city, forwarded and adopted by the province.
    item = _submit("dc_elderly", _day(dec, 3))
    entry = _opened(item, CITY, lj_bj)
    _adopt(entry, lj_bj, _day(dec, 5), "信息专报", 12)
    upper = _forward(entry, lj_bj, _day(dec, 6))
    desk_services.entry_open(actor=sheng_bj, entry=upper)
    _adopt(upper, sheng_bj, _day(dec, 10), "东海信息", 66)
    for key, received, adopted, number in (("bh_port", 8, 11, 67), ("bh_fire", 15, 18, 69)):
        item = _submit(key, _day(dec, received))
        _adopt(_opened(item, PROVINCE, sheng_bj), sheng_bj, _day(dec, adopted), "东海信息", number)
    item = _submit("qs_grain", _day(dec, 9))
    _adopt(_opened(item, PROVINCE, sheng_bj), sheng_bj, _day(dec, 16), "东海信息", 68)
    item = _submit("xc_waste", _day(dec, 12))  # 西城区 is also a province point: both desks adopt it
    _adopt(_opened(item, CITY, lj_bj), lj_bj, _day(dec, 15), "临江信息", 108)
    _adopt(_opened(item, PROVINCE, sheng_bj), sheng_bj, _day(dec, 19), "东海信息", 70)
    item = _submit("yjj_drill", _day(dec, 20))
    desk_services.entry_not_adopt(actor=sheng_bj, entry=_opened(item, PROVINCE, sheng_bj), reason="常规工作，暂不采用")
    # January: 东城's item goes to the province, then to 国办, and the 省委书记 instructs on it.
    item = _submit("dc_lifecircle", _day(jan, 6))
    entry = _opened(item, CITY, lj_bj)
    _adopt(entry, lj_bj, _day(jan, 8), "临江信息", 3)
    upper = _forward(entry, lj_bj, _day(jan, 9))
    desk_services.entry_open(actor=sheng_bj, entry=upper)
    _adopt(upper, sheng_bj, _day(jan, 13), "东海信息", 4)
    _adopt(upper, sheng_bj, _day(jan, 22), "国务院办公厅《政务信息》", 15, external_level="guoban")
    instruction_services.instruction_record(
        actor=sheng_bj, entry=upper, leader_name="王建民", leader_title="省委书记", level="province_main",
        text="便民生活圈是民生实事，请省商务厅总结推广东城区的做法。", instructed_on=_day(jan, 20),
    )
    for key, received, adopted, number in (("qs_jobs", 7, 9, 2), ("qs_roads", 14, 16, 5), ("bh_fishery", 8, 12, 3)):
        item = _submit(key, _day(jan, received))
        _adopt(_opened(item, PROVINCE, sheng_bj), sheng_bj, _day(jan, adopted), "东海信息", number)
    item = _submit("dc_snow_sched", _day(jan, 10))  # adopted by mistake, then withdrawn: a reversal
    entry = _opened(item, CITY, lj_bj)
    [wrong] = _adopt(entry, lj_bj, _day(jan, 12), "临江信息", 2)
    desk_services.adoption_withdraw(actor=lj_bj, entry=entry, adoption=wrong, reason="误录：该条为转发省简报内容")
    item = _submit("xc_clinic", _day(jan, 15))
    _adopt(_opened(item, CITY, lj_bj), lj_bj, _day(jan, 19), "临江信息", 5)
    item = _submit("qs_smog", _day(jan, 20))
    desk_services.entry_not_adopt(actor=sheng_bj, entry=_opened(item, PROVINCE, sheng_bj), reason="请核实后再报")
    services.penalty_record(
        actor=lj_kz, desk=city, unit=Unit.objects.get(name="江北区委办公室"), kind="false_item", on=_day(jan, 21),
        reason="12月报送的“江北区冬季用电负荷”信息中数据与供电部门统计不符，经核实失实。",
    )
    # The sweeps settle the history (the worker settles the months after it on its first run).
    posted = 0
    for desk in (province, city):
        for period in sweeps.periods_between(nov, dt.date(jan.year, 1, 31)):
            posted += services.period_sweep(actor=None, desk=desk, period=period).total
    # The province desk's January circular as a draft: to edit, sign and issue (issuing closes January).
    services_circulars.circular_generate(actor=sheng_bj, desk=province, kind="month", start=jan)
    return posted

