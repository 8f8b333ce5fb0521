"""Near-duplicate detection: one event reported by several units shows as one group with a figure."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from xinxi.items import permissions, services
from xinxi.items import similarity as module
from xinxi.items.models import DeskEntry
from xinxi.items.similarity import group_similar, similar_entries, similarity, text_signature
from xinxi.network.testing import make_user

# One event, told by two units in their own words: different titles, shared facts.
SAFETY = (
    "东城区排查企业126家整改隐患38处",
    "11月20日，东城区召开安全生产专题会议，部署冬季安全生产大检查。全区共排查企业126家，发现隐患43处，"
    "已整改38处，其余5处限期12月前完成整改。",
)
SAFETY_OTHER_UNIT = (
    "临江市应急管理局：东城区冬季安全大检查查出隐患43处",
    "临江市应急管理局报告，11月下旬以来，东城区组织力量对辖区126家生产经营单位开展安全隐患拉网式排查，"
    "共查出各类问题隐患43处，截至目前已完成整改38处，剩余5处要求12月底前整改到位。",
)
FLOOD = (
    "柳河县孙集镇遭遇强降雨 转移群众215人",
    "7月12日凌晨，柳河县孙集镇遭遇短时强降雨，最大小时降雨量达86.5毫米，造成3个村庄农田受淹约1200亩，"
    "镇里连夜转移群众215人，无人员伤亡。目前积水正在排除，受灾群众已妥善安置。",
)
FLOOD_OTHER_UNIT = (
    "孙集镇暴雨致1200余亩农田受淹",
    "受强对流天气影响，12日凌晨柳河县孙集镇普降暴雨，1小时最大降雨86.5毫米。镇村干部组织转移安置群众215名，"
    "全镇受淹农田1200余亩，未接到人员伤亡报告，排涝和生产自救工作正在进行。",
)
PETITION = (
    "云台市开展领导干部接访下访 化解信访积案27件",
    "今年3月以来，云台市组织市级领导干部开展接访下访活动，共接待群众来访412批次，化解信访积案27件，"
    "一批群众反映强烈的征地拆迁、劳动保障问题得到解决。",
)
PETITION_OTHER_UNIT = (
    "云台市领导干部下访化解积案27件",
    "云台市委办公室报：3月份以来，云台市市级领导带头接访下访，累计接待来访群众412批次，"
    "推动解决征地拆迁、劳动社保等方面突出问题，27件信访积案得到化解。",
)
FIRE = (
    "江北区一居民楼发生火灾 疏散群众63人",
    "5月8日14时许，江北区北园街道明湖小区一居民楼3楼住户家中起火，区消防救援大队接警后5分钟到场处置，"
    "15时10分明火被扑灭，共疏散楼内群众63人，无人员伤亡。起火原因初步判断为电动自行车电池充电时起火，"
    "具体原因正在调查。",
)
FIRE_OTHER_UNIT = (
    "北园街道明湖小区火情处置情况",
    "8日下午，北园街道明湖小区8号楼发生火情。街道立即启动应急预案，会同消防、公安、社区力量疏散居民63名，"
    "火势于15时10分被扑灭，过火面积约20平方米，未造成人员伤亡。经初步勘查，系住户在室内为电动自行车电池"
    "充电引发。街道已组织全辖区开展电动自行车违规充电专项整治。",
)
WAGES = (
    "安宁县建筑工地农民工讨薪事件已妥善处置",
    "9月3日上午，安宁县古城镇一在建住宅项目40余名农民工聚集在项目部门口，反映被拖欠工资约156万元。"
    "县人社局、住建局和古城镇政府第一时间赶到现场，督促施工企业当日垫付工资98万元，剩余部分承诺9月10日前结清，"
    "聚集人员已散去。",
)
WAGES_OTHER_UNIT = (
    "古城镇农民工欠薪聚集事件处置情况",
    "3日，古城镇某住宅小区项目工地发生农民工聚集讨要工资事件，涉及42人、欠薪156万元。接报后，安宁县人社、"
    "住建部门会同镇党委政府赶赴现场做好疏导，约谈施工总包单位，现已兑付98万元，余款限期于10日前付清，"
    "现场秩序恢复正常。",
)
INVESTMENT = (
    "临江市一季度重点项目完成投资86.3亿元",
    "今年一季度，临江市148个市级重点项目完成投资86.3亿元，占年度计划的27.4%，同比增长12.6%。"
    "其中新开工项目39个，竣工项目11个。",
)
INVESTMENT_OTHER_UNIT = (
    "一季度临江市重点项目建设开局良好",
    "临江市发展和改革委员会报送：一季度全市市级重点项目建设进展顺利，148个项目累计完成投资86.3亿元，"
    "完成年度计划27.4%，较去年同期增长12.6%，新开工39个、建成投产11个，为全年经济稳增长提供了有力支撑。",
)
NEIGHBOURS = (
    "东城区文化路街道探索“居民议事厅”化解邻里纠纷",
    "东城区文化路街道在辖区各社区设立“居民议事厅”，由社区党组织牵头，邀请居民代表、物业企业、驻区单位共同协商"
    "停车难、噪音扰民、楼道堆物等邻里纠纷，做到小事不出楼栋、大事不出社区，居民满意度明显提升。",
)
NEIGHBOURS_OTHER_UNIT = (
    "文化路街道“居民议事厅”让邻里矛盾就地化解",
    "文化路街道推广“居民议事厅”做法，社区党组织牵头，居民代表、物业和驻区单位一起坐下来商量停车、噪音、"
    "楼道堆物等烦心事，推动邻里纠纷就地化解，小事不出楼栋、大事不出社区。",
)

# Other events on the same topics: the same kind of report, other places and figures.
SAFETY_ELSEWHERE = (
    "西城区开展冬季安全生产检查 整改隐患61处",
    "11月18日，西城区召开全区安全生产工作会议，部署冬季安全生产检查。全区共检查企业204家，发现隐患72处，"
    "已整改61处，其余11处明确责任人限期整改。",
)
FLOOD_ELSEWHERE = (
    "永和县兴隆镇强降雨致部分道路中断",
    "7月15日下午，永和县兴隆镇出现强降雨，最大小时降雨量52.3毫米，冲毁乡村道路2处，造成部分村组交通中断，"
    "镇里已组织抢修，预计明日恢复通行，无人员伤亡。",
)
FIRE_ELSEWHERE = (
    "新港区一仓库发生火灾",
    "5月9日凌晨，新港区港城街道一物流公司仓库发生火灾，消防部门出动车辆12台、指战员56名，经过3个多小时扑救，"
    "明火于6时许被扑灭，过火面积约800平方米，无人员伤亡，火灾原因正在调查中。",
)
WAGES_CAMPAIGN = (
    "安宁县开展根治欠薪冬季专项行动",
    "为确保农民工工资按时足额发放，安宁县从11月起开展根治欠薪冬季专项行动，对全县87个在建工程项目逐一排查，"
    "重点检查工资专户、实名制管理和工资保证金制度落实情况，对发现问题的项目限期整改。",
)
INVESTMENT_ELSEWHERE = (
    "青山市一季度重点项目完成投资64.1亿元",
    "今年一季度，青山市112个市级重点项目完成投资64.1亿元，占年度计划的25.2%，同比增长9.8%。"
    "其中新开工项目27个，竣工项目8个。",
)
SAME_TOWN_SAME_DAY = (
    "古城镇召开秋季防火工作会议",
    "9月3日，安宁县古城镇召开秋季森林防火工作会议，对全镇23个村的防火责任进行分解，组建半专业扑火队伍5支，"
    "储备扑火物资1200余件。",
)
KINDERGARTEN = (
    "青山市新增公办幼儿园学位3600个",
    "今年以来，青山市把学前教育资源扩容作为民生实事，新建、改扩建公办幼儿园18所，新增学位3600个，"
    "公办园在园幼儿占比提高到56.8%，有效缓解了“入园难”问题。",
)

SAME_EVENT = {
    "安全生产检查": (SAFETY, SAFETY_OTHER_UNIT),
    "强降雨": (FLOOD, FLOOD_OTHER_UNIT),
    "接访下访": (PETITION, PETITION_OTHER_UNIT),
    "居民楼火灾": (FIRE, FIRE_OTHER_UNIT),
    "农民工讨薪": (WAGES, WAGES_OTHER_UNIT),
    "重点项目投资": (INVESTMENT, INVESTMENT_OTHER_UNIT),
    "没有数字的经验": (NEIGHBOURS, NEIGHBOURS_OTHER_UNIT),
}
SAME_TOPIC_OTHER_EVENT = {
    "另一个区的安全检查": (SAFETY, SAFETY_ELSEWHERE),
    "转述者对另一个区": (SAFETY_OTHER_UNIT, SAFETY_ELSEWHERE),
    "另一个镇的降雨": (FLOOD, FLOOD_ELSEWHERE),
    "另一场火灾": (FIRE, FIRE_ELSEWHERE),
    "欠薪事件与专项行动": (WAGES, WAGES_CAMPAIGN),
    "另一个市的投资": (INVESTMENT, INVESTMENT_ELSEWHERE),
    "同镇同日另一件事": (WAGES, SAME_TOWN_SAME_DAY),
}


def entry(text: tuple[str, str], pk: int | None = None) -> DeskEntry:
    title, body = text
    return DeskEntry(pk=pk, title=title, body=body)


@pytest.mark.parametrize("name", SAME_EVENT)
def test_one_event_in_different_words_is_found_with_a_figure(name):
    first, second = SAME_EVENT[name]
    assert first[0] != second[0]
    a, b = entry(first, 1), entry(second, 2)
    figure = similarity(a, b)
    assert 0.5 <= figure < 1.0
    assert similar_entries(a, [b]) == [(b, figure)]
    assert group_similar([a, b]) == [[(a, 1.0), (b, figure)]]


@pytest.mark.parametrize("name", SAME_TOPIC_OTHER_EVENT)
def test_another_event_on_the_same_topic_is_not_grouped(name):
    first, second = SAME_TOPIC_OTHER_EVENT[name]
    a, b = entry(first, 1), entry(second, 2)
    assert similarity(a, b) < 0.45
    assert similar_entries(a, [b]) == []
    assert group_similar([a, b]) == []


def test_unrelated_items_score_near_zero():
    assert similarity(entry(PETITION), entry(KINDERGARTEN)) < 0.05
    assert similarity(entry(FLOOD), entry(INVESTMENT)) < 0.05


def test_figures_lie_between_zero_and_one():
    assert similarity(entry(SAFETY, 1), entry(SAFETY, 2)) == 1.0
    assert similarity(entry(("", ""), 1), entry(SAFETY, 2)) == 0.0
    assert similarity(entry(("。。。", "，，"), 1), entry(("。", "，"), 2)) == 0.0
    every = list(SAME_EVENT.values()) + list(SAME_TOPIC_OTHER_EVENT.values())
    for first, second in every:
        assert 0.0 <= similarity(entry(first), entry(second)) <= 1.0


def test_full_width_figures_match_half_width_ones():
    title, body = PETITION_OTHER_UNIT
    full_width = body.replace("412", "４１２").replace("27", "２７")
    plain = similarity(entry(PETITION), entry(PETITION_OTHER_UNIT))
    assert similarity(entry(PETITION), entry((title, full_width))) == plain


def test_an_inbox_page_shows_each_event_once_in_a_stable_order():
    inbox = [
        entry(KINDERGARTEN, 1),
        entry(SAFETY, 2),
        entry(FLOOD, 3),
        entry(SAFETY_ELSEWHERE, 4),
        entry(FLOOD_OTHER_UNIT, 5),
        entry(SAFETY_OTHER_UNIT, 6),
        entry(FLOOD_ELSEWHERE, 7),
        entry(SAFETY, 8),  # the same text sent twice
    ]
    groups = group_similar(inbox)
    assert [[e.pk for e, _ in group] for group in groups] == [[2, 8, 6], [3, 5]]
    (first, one), (_copy, same), (other, figure) = groups[0]
    assert one == 1.0 and same == 1.0 and 0.5 <= figure < 1.0
    assert figure == similarity(first, other)
    assert group_similar(inbox) == groups
    members = [e.pk for group in groups for e, _ in group]
    assert len(members) == len(set(members))
    # Another order gives the same events, led by whichever entry comes first.
    backwards = group_similar(list(reversed(inbox)))
    assert sorted(sorted(e.pk for e, _ in group) for group in backwards) == [[2, 6, 8], [3, 5]]
    assert [group[0][0].pk for group in backwards] == [8, 5]


def test_given_signatures_group_as_computed_ones_and_must_match_the_entries():
    inbox = [entry(SAFETY, 1), entry(FLOOD, 2), entry(SAFETY_OTHER_UNIT, 3), entry(SAFETY, 1)]  # a repeat
    computed = group_similar(inbox)
    given = [text_signature(e.title, e.body) for e in inbox]
    assert group_similar(inbox, signatures=given) == computed == [[(inbox[0], 1.0), (inbox[2], computed[0][1][1])]]
    # each entry is compared by the signature given for it, not by its text
    swapped = [given[1], given[0], given[2], given[3]]
    assert [[e.pk for e, _ in g] for g in group_similar(inbox, signatures=swapped)] == [[2, 3]]
    with pytest.raises(ValueError):
        group_similar(inbox, signatures=given[:2])


def test_similar_entries_are_best_first_without_the_entry_itself():
    target = entry(SAFETY, 1)
    candidates = [entry(SAFETY_ELSEWHERE, 2), entry(SAFETY_OTHER_UNIT, 3), target, entry(SAFETY, 4)]
    found = similar_entries(target, candidates)
    assert (found[0][0].pk, found[0][1]) == (4, 1.0)
    assert [e.pk for e, _ in found] == [4, 3]
    assert [e.pk for e, _ in similar_entries(target, candidates, threshold=0.2)] == [4, 3, 2]
    assert similar_entries(target, candidates, threshold=1.01) == []


def test_a_repeated_entry_in_the_input_is_counted_once():
    a, b = entry(FIRE, 1), entry(FIRE_OTHER_UNIT, 2)
    assert [[e.pk for e, _ in g] for g in group_similar([a, b, a, b])] == [[1, 2]]


def test_figures_do_not_depend_on_python_hash_randomisation():
    """The same texts give the same figures in processes with different hash seeds."""
    pairs = list(SAME_EVENT.values()) + list(SAME_TOPIC_OTHER_EVENT.values())
    code = (
        "import json, sys\n"
        "from xinxi.items.similarity import signature, text_similarity\n"
        "pairs = json.load(sys.stdin)\n"
        "print([text_similarity(signature(*a), signature(*b)) for a, b in pairs])\n"
    )
    root = Path(__file__).resolve().parents[3]
    outputs = set()
    for seed in ("1", "2024"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        result = subprocess.run(
            [sys.executable, "-c", code],
            cwd=root,
            env=env,
            input=json.dumps(pairs),
            capture_output=True,
            text=True,
            check=True,
        )
        outputs.add(result.stdout)
    here = str([similarity(entry(a), entry(b)) for a, b in pairs])
    assert outputs == {here + "\n"}


def test_a_desk_inbox_groups_two_units_reports_of_one_event(net, django_assert_num_queries):
    """Through the services: the county and a city department report one inspection."""
    bureau_reporter = make_user("yjj", net.city_dept, "reporter")
    for user, (title, body) in [
        (net.reporter, SAFETY),
        (bureau_reporter, SAFETY_OTHER_UNIT),
        (net.reporter, KINDERGARTEN),
        (bureau_reporter, FLOOD),
    ]:
        item = services.item_create(actor=user, title=title, body=body)
        services.item_submit(actor=user, item=item)
    inbox = list(permissions.desk_entries(net.editor).order_by("-received_at", "-id"))
    assert len(inbox) == 4
    with django_assert_num_queries(0):
        groups = group_similar(inbox)
    assert len(groups) == 1
    (first, _), (second, figure) = groups[0]
    assert {first.origin_unit_id, second.origin_unit_id} == {net.county.pk, net.city_dept.pk}
    assert {first.title, second.title} == {SAFETY[0], SAFETY_OTHER_UNIT[0]}
    assert 0.5 <= figure < 1.0


def test_remembered_pair_figures_equal_fresh_ones_and_stay_bounded(monkeypatch):
    texts = [SAFETY, SAFETY_OTHER_UNIT, SAFETY_ELSEWHERE, FLOOD, KINDERGARTEN, WAGES]
    sigs = [module.text_signature(t, b) for t, b in texts]
    monkeypatch.setattr(module, "PAIR_CACHE_SIZE", 5)
    module._pairs.clear()
    for a in sigs:
        for b in sigs:
            assert module.pair_similarity(a, b) == module.text_similarity(a, b)
            assert module.pair_similarity(a, b) == module.text_similarity(a, b)  # from the cache
            assert len(module._pairs) <= 5
