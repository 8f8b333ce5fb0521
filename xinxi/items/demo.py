"""Demo items for the demo province: a realistic inbox, built through the services.

Every step goes through the same service functions people use (submit, return, edit,
combine, forward, adopt), so the demo holds nothing the product would refuse. Loading
is idempotent: an item whose title a demo writer already has is left alone.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from xinxi.accounts.models import User
from xinxi.items import desk_services, services
from xinxi.items.models import DeskEntry, Item
from xinxi.lib.choices import Classification


@dataclass(frozen=True)
class DemoItem:
    key: str
    writer: str
    title: str
    body: str
    category: str = "news"
    tone: str = "positive"
    classification: int = Classification.PUBLIC
    major_event: bool = False
    tags: tuple[str, ...] = field(default_factory=tuple)
    submit: bool = True


ITEMS = [
    DemoItem(
        "hotline", "dc_xxy", "东城区“接诉即办”平台上线三个月办结群众诉求1.2万件",
        "今年8月，东城区整合12345热线、网格巡查、领导信箱等渠道，上线“接诉即办”平台。三个月来，平台共受理群众诉求"
        "12630件，办结12018件，办结率95.2%，群众满意率91.6%。主要做法：一是一口受理，诉求统一编号、限时派单；二是"
        "分级办理，一般诉求3个工作日内办结，复杂诉求由区领导领办；三是回访评价，办结后24小时内电话回访，不满意的重新"
        "派单。下一步，区里将把高频诉求纳入年度民生实事，推动从“办好一件事”向“解决一类事”转变。",
        tags=("接诉即办", "民生"),
    ),
    DemoItem(
        "gas", "dc_xxy", "东城区排查老旧小区燃气管道隐患217处 已整改196处",
        "入冬以来，东城区组织住建、应急、燃气企业组成8个检查组，对辖区63个老旧小区开展燃气安全专项排查，累计入户"
        "检查1.8万户，发现管道锈蚀、软管老化、违规改装等隐患217处，已整改196处，剩余21处已制定方案，计划12月15日"
        "前全部完成。同时为独居老人家庭免费安装燃气报警器1200台。排查中发现，部分小区产权单位已注销，管网维护责任"
        "主体不清，建议市级层面明确无主管网的移交和维护办法。",
        category="experience", tags=("安全生产", "燃气"),
    ),
    DemoItem(
        "winter_check", "yjj_xxy", "市应急局部署冬季安全生产大检查 首轮检查企业862家",
        "11月以来，市应急管理局牵头开展为期三个月的冬季安全生产大检查，聚焦燃气、危化品、建筑施工、人员密集场所"
        "等重点领域。首轮检查企业862家，发现一般隐患1356项，整改1172项；约谈企业负责人23人，责令停产整顿5家。"
        "市应急局同步建立“隐患清单、整改清单、责任清单”，实行销号管理，对逾期未整改的企业依法从严查处。",
        tags=("安全生产",),
    ),
    DemoItem(
        "care_home", "dc_xxy", "部分农村敬老院冬季取暖设施老化 存在安全隐患",
        "近期，东城区在走访中发现，辖区部分敬老院取暖设施使用年限较长，存在锅炉老化、电暖器线路裸露等问题，"
        "冬季用火用电安全风险较高。同时，部分敬老院护理人员年龄偏大，消防器材使用培训不足。建议对敬老院取暖设施"
        "开展专项检查，分批更新改造。",
        category="problem", tone="problem", tags=("养老", "安全生产"),
    ),
    DemoItem(
        "xc_gas", "xc_xxy", "西城区完成1.1万户燃气入户安全检查",
        "11月以来，西城区组织燃气企业和社区网格员对辖区老旧小区开展燃气入户安全检查，共检查居民1.1万户，"
        "排查出软管老化、私接乱改等隐患158处，现场整改131处，其余27处已下达整改通知书，限期一个月内完成。"
        "检查中还向居民发放安全用气手册2万余份，帮助独居老人更换燃气软管600余根。",
        tags=("安全生产", "燃气"),
    ),
    DemoItem(
        "flood_plan", "yjj_xxy", "我市完成2026年度防汛应急预案修订",
        "市应急管理局会同水利、自然资源、气象等12个部门，完成2026年度市级防汛应急预案修订。新预案细化了暴雨、"
        "山洪、城市内涝等6类情形的响应标准，将预警信息发布时间由1小时压缩到30分钟，明确了27个易涝点的责任单位和"
        "处置措施，并新增地下空间人员转移避险条款。预案修订后，全市将于明年3月前组织一次全要素实战演练。",
        tags=("防汛",),
    ),
    DemoItem(
        "alleys", "xc_xxy", "西城区推行“街巷长制” 背街小巷环境明显改善",
        "今年以来，西城区在全区286条背街小巷推行“街巷长制”，由街道科级干部担任街巷长，每周巡查不少于2次，"
        "发现问题当天交办。截至10月底，累计解决私搭乱建、堆物堆料、路面破损等问题1940个，群众满意率由年初的78%"
        "提高到93%。西城区将把街巷长履职情况纳入年度考核。",
        category="experience", tags=("城市管理",),
    ),
    DemoItem(
        "wheat", "lh_xxy", "柳河县小麦播种面积稳定在42.6万亩",
        "截至11月15日，柳河县秋种工作基本结束，小麦播种面积42.6万亩，与上年持平，其中良种覆盖率达到98%，"
        "宽幅精播、种肥同播等技术推广面积31万亩。针对今秋墒情偏差，县农业农村局组织120名技术人员下沉到村，"
        "指导农户造墒播种，确保苗全苗匀苗壮。",
        tags=("农业",),
    ),
    DemoItem(
        "snow_dc", "dc_xxy", "东城区积极应对强降雪天气 出动铲雪人员1200人次",
        "11月18日夜间至19日，东城区出现今冬首场强降雪，平均降雪量11毫米。区里提前启动应急预案，连夜出动环卫、"
        "城管、街道干部和志愿者1200人次、机械设备86台，重点清理主次干道、学校医院周边和桥梁坡道积雪，19日早高峰前"
        "主干道全部通行，未发生因雪致灾的安全事故。",
        tags=("降雪", "应急"),
    ),
    DemoItem(
        "snow_xc", "xc_xxy", "西城区全力做好降雪天气道路保障",
        "受冷空气影响，19日凌晨我区普降大雪。区城管委、各街道组织清雪队伍连夜作业，出动人员900余人次、"
        "除雪机械52台，撒布融雪剂60吨，优先保障学校、医院周边和主干道通行。截至19日7时，主干道积雪已基本清除，"
        "强降雪期间全区未发生交通拥堵和安全事故。",
        tags=("降雪", "应急"),
    ),
    DemoItem(
        "permit", "yjj_xxy", "关于一化工企业安全生产许可证即将到期仍未申请延续的情况",
        "经排查，我市一家危险化学品生产企业的安全生产许可证将于12月31日到期，企业至今未提交延续申请，"
        "且近期存在停产检修、人员流失等情况。市应急局已约谈企业负责人，要求其限期提交材料，并将对其开展专项检查。",
        category="problem", tone="problem", classification=Classification.INTERNAL, tags=("安全生产",),
    ),
    DemoItem(
        "heating_draft", "dc_xxy", "东城区开展冬季供暖“访民问暖”活动",
        "区供热办组织工作人员入户测温……（草稿，待补充数据）", submit=False,
    ),
]


def _days_ago(n: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=n)


def _user(username: str) -> User:
    return User.objects.get(username=username)


def _entry(item: Item, desk_unit: str) -> DeskEntry:
    return DeskEntry.objects.select_related("desk").get(item=item, desk__unit__name=desk_unit)


@transaction.atomic
def load() -> int:
    """Create the demo items that are missing; returns how many were created."""
    made: dict[str, Item] = {}
    for spec in ITEMS:
        writer = _user(spec.writer)
        if Item.objects.filter(created_by=writer, title=spec.title).exists():
            continue
        item = services.item_create(
            actor=writer, title=spec.title, body=spec.body, category=spec.category, tone=spec.tone,
            classification=spec.classification, major_event=spec.major_event, tags=list(spec.tags),
        )
        if spec.submit:
            services.item_submit(actor=writer, item=item, idempotency_key=f"demo-{spec.key}")
        made[spec.key] = item
    if len(made) == len(ITEMS):
        _work_the_desks(made)
    return len(made)


def _work_the_desks(items: dict[str, Item]) -> None:
    """What the city and province desks did with the items: every kind of outcome once."""
    city_editor, city_chief, province_editor = _user("lj_bj"), _user("lj_kz"), _user("sheng_bj")
    city = "临江市委办公室"
    desk_services.entry_assign(actor=city_chief, entry=_entry(items["hotline"], city), editor=city_editor)
    desk_services.entry_return(
        actor=city_editor, entry=_entry(items["care_home"], city),
        reason="请补充涉及敬老院的数量、隐患的具体情况和已采取的措施。",
    )
    alleys = _entry(items["alleys"], city)
    desk_services.entry_open(actor=city_editor, entry=alleys)
    desk_services.adoption_record(
        actor=city_editor, entry=alleys, publication="临江信息", issue_no="2026年第88期",
        adopted_on=_days_ago(3), kind="full",
    )
    gas = _entry(items["gas"], city)
    desk_services.entry_preadopt(actor=city_editor, entry=gas)
    desk_services.entry_edit(
        actor=city_editor, entry=gas, version=gas.version, title="东城区燃气安全排查整改隐患196处",
        body=gas.body, note="标题精炼",
    )
    combined = desk_services.entry_combine(
        actor=city_editor, entries=[_entry(items["gas"], city), _entry(items["xc_gas"], city)],
        title="我市城区开展燃气安全入户排查 整改隐患300余处",
        body=(
            "入冬以来，我市城区聚焦老旧小区燃气安全开展入户排查。东城区组织8个检查组对63个老旧小区入户检查1.8万户，"
            "发现隐患217处，已整改196处，并为独居老人家庭免费安装燃气报警器1200台；西城区检查居民1.1万户，排查隐患"
            "158处，现场整改131处。排查中发现部分小区产权单位已注销、管网维护责任主体不清，建议市级层面明确无主燃气"
            "管网的移交和维护办法。"
        ),
    )
    upper = desk_services.entry_forward(actor=city_editor, entry=combined, note="建议省委办公厅采用")
    desk_services.entry_open(actor=province_editor, entry=upper)
    desk_services.adoption_record(
        actor=province_editor, entry=upper, publication="东海信息", issue_no="2026年第45期",
        adopted_on=_days_ago(1), kind="full",
    )
