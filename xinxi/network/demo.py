"""The demo province 东海省: plain data, and the builder behind ``manage.py load_demo``.

Everything here is fictional and deterministic: the same units, names and phone
numbers on every machine (rosters come from a ``random.Random`` seeded per unit).
Loading is idempotent: what exists is kept, what is missing is added, so a second
run adds nothing. Units, desks, rosters, quotas and users go straight through the
ORM for speed; direct points go through ``point_admit``/``point_revoke`` so the
demo never holds a point the product itself would refuse.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from django.db import transaction

from xinxi.accounts.models import Role, RoleGrant, User
from xinxi.lib.choices import Classification
from xinxi.network.models import (
    Desk,
    DirectPoint,
    Level,
    Quota,
    QuotaFrequency,
    StaffMember,
    StaffRole,
    Unit,
    UnitClass,
    UnitKind,
)
from xinxi.network.services import point_admit, point_revoke

DEMO_PASSWORD = "Xinxi@2026"
SEED = 2026
MIN_UNITS = 150
QUOTAS_FROM = dt.date(2025, 1, 1)

PARTY, GOV = "东海省委办公厅", "东海省人民政府办公厅"

# --- unit classes -------------------------------------------------------------

CITY, COUNTY, PROV_DEPT, CITY_DEPT, COUNTY_DEPT = "市（州）", "县（市、区）", "省直部门", "市直部门", "县直部门"
TOWN, ABROAD, CORRESPONDENT, ENTERPRISE = "乡镇（街道）", "驻外办事处", "特约信息员点", "企业和高校"

UNIT_CLASSES: list[tuple[str, str]] = [
    (CITY, "设区的市党委、政府办公室"),
    (COUNTY, "县（市、区）党委、政府办公室"),
    (PROV_DEPT, "省委、省政府工作部门"),
    (CITY_DEPT, "市委、市政府工作部门"),
    (COUNTY_DEPT, "县（市、区）工作部门"),
    (TOWN, "乡镇党委政府、街道党工委办事处"),
    (ABROAD, "省政府驻外办事处"),
    (CORRESPONDENT, "人大代表、政协委员特约信息员点"),
    (ENTERPRISE, "大型企业和高等院校"),
]


# --- the tree -----------------------------------------------------------------


@dataclass(frozen=True)
class Spec:
    """One unit to build; ``desk`` names its information section, if it has one."""

    name: str
    kind: str
    level: int
    region_code: str
    unit_class: str
    desk: str = ""
    children: tuple[Spec, ...] = ()


@dataclass(frozen=True)
class CountySpec:
    name: str  # 东城区, 柳河县, 云台市
    code: str  # 6 digits under the city's 4-digit prefix
    towns: tuple[str, ...]
    desk: bool = False


@dataclass(frozen=True)
class CitySpec:
    name: str  # 临江市
    prefix: str  # 4 digits
    departments: tuple[str, ...]
    counties: tuple[CountySpec, ...]
    extra_gov_units: tuple[Spec, ...] = ()


PROVINCE_PARTY_DEPARTMENTS = ("东海省委组织部", "东海省委宣传部", "东海省委统战部", "东海省委政法委员会")
PROVINCE_GOV_DEPARTMENTS = (
    "东海省发展和改革委员会", "东海省教育厅", "东海省科学技术厅", "东海省工业和信息化厅",
    "东海省公安厅", "东海省民政厅", "东海省财政厅", "东海省人力资源和社会保障厅",
    "东海省自然资源厅", "东海省生态环境厅", "东海省住房和城乡建设厅", "东海省交通运输厅",
    "东海省水利厅", "东海省农业农村厅", "东海省商务厅", "东海省卫生健康委员会",
    "东海省应急管理厅", "东海省市场监督管理局",
)
OFFICES_ABROAD = ("东海省人民政府驻北京办事处", "东海省人民政府驻上海办事处")
CORRESPONDENTS = (
    "特约信息员点（全国人大代表 周海鹰）",
    "特约信息员点（省人大代表 吴丽华）",
    "特约信息员点（省政协委员 郑国强）",
)

CITIES = (
    CitySpec(
        "临江市", "3701",
        ("临江市发展和改革委员会", "临江市教育局", "临江市公安局", "临江市财政局", "临江市自然资源和规划局",
         "临江市应急管理局", "临江市卫生健康委员会", "临江市农业农村局"),
        (
            CountySpec("东城区", "370102", ("文化路街道", "大明湖街道", "解放路街道", "七里河街道"), desk=True),
            CountySpec("西城区", "370103", ("泉城街道", "杆石桥街道", "丁家庄街道", "西关街道")),
            CountySpec("江北区", "370105", ("北园街道", "临港街道", "泺口街道")),
            CountySpec("柳河县", "370124", ("柳河镇", "孙集镇", "洪范池镇", "安城乡")),
        ),
        # A city-run university: a level below the province, so it can be a provincial point.
        (Spec("临江大学", UnitKind.UNIVERSITY, Level.CITY, "370100", ENTERPRISE),),
    ),
    CitySpec(
        "青山市", "3702",
        ("青山市发展和改革委员会", "青山市教育局", "青山市公安局", "青山市民政局", "青山市交通运输局",
         "青山市应急管理局", "青山市文化和旅游局"),
        (
            CountySpec("松岭区", "370202", ("松岭街道", "东山街道", "翠屏街道")),
            CountySpec("石门区", "370203", ("石门街道", "龙湾街道", "南泉街道", "北岭街道")),
            CountySpec("平安县", "370221", ("平安镇", "永安镇", "桃源乡")),
            CountySpec("安宁县", "370222", ("安宁镇", "古城镇", "双河镇", "青石乡")),
            CountySpec("云台市", "370281", ("云台街道", "城南街道", "马山镇"), desk=True),
        ),
    ),
    CitySpec(
        "白河市", "3703",
        ("白河市发展和改革委员会", "白河市公安局", "白河市财政局", "白河市生态环境局", "白河市应急管理局",
         "白河市市场监督管理局"),
        (
            CountySpec("河口区", "370302", ("河口街道", "滨河街道", "新华街道", "红旗街道")),
            CountySpec("新港区", "370303", ("港城街道", "渔港街道", "望海街道")),
            CountySpec("北湖区", "370304", ("湖滨街道", "北湖街道", "长岭街道", "金湖街道")),
            CountySpec("长丰县", "370321", ("长丰镇", "杨庄镇", "白沙乡")),
            CountySpec("永和县", "370322", ("永和镇", "兴隆镇", "三合镇", "石桥乡")),
            CountySpec("清源市", "370381", ("清源街道", "城东街道", "河西镇")),
        ),
    ),
)


def _town_codes(county: CountySpec) -> Iterator[tuple[str, str]]:
    """9-digit codes: 街道 from 001, 镇 from 101, 乡 from 201 (as in the national scheme)."""
    seen: Counter[int] = Counter()
    for town in county.towns:
        base = 0 if town.endswith("街道") else 100 if town.endswith("镇") else 200
        seen[base] += 1
        yield town, f"{county.code}{base + seen[base]:03d}"


def county_specs(county: CountySpec) -> tuple[Spec, Spec]:
    """The county's party office (with its towns) and government office (with two departments)."""
    level, code = Level.COUNTY, county.code
    towns = tuple(
        Spec(f"{county.name}{town}", UnitKind.TOWNSHIP, Level.TOWNSHIP, town_code, TOWN)
        for town, town_code in _town_codes(county)
    )
    depts = tuple(
        Spec(f"{county.name}{name}", UnitKind.DEPARTMENT, level, code, COUNTY_DEPT)
        for name in ("发展和改革局", "应急管理局")
    )
    desk = f"{county.name}委办公室信息科" if county.desk else ""
    party = Spec(f"{county.name}委办公室", UnitKind.PARTY_OFFICE, level, code, COUNTY, desk, towns)
    gov = Spec(f"{county.name}人民政府办公室", UnitKind.GOV_OFFICE, level, code, COUNTY, children=depts)
    return party, gov


def city_specs(city: CitySpec) -> tuple[Spec, Spec]:
    code = f"{city.prefix}00"
    counties = [county_specs(c) for c in city.counties]
    depts = tuple(Spec(name, UnitKind.DEPARTMENT, Level.CITY, code, CITY_DEPT) for name in city.departments)
    party = Spec(f"{city.name}委办公室", UnitKind.PARTY_OFFICE, Level.CITY, code, CITY,
                 f"{city.name}委办公室信息科", tuple(p for p, _ in counties))
    gov = Spec(f"{city.name}人民政府办公室", UnitKind.GOV_OFFICE, Level.CITY, code, CITY,
               f"{city.name}人民政府办公室信息科", depts + city.extra_gov_units + tuple(g for _, g in counties))
    return party, gov


def province_specs() -> tuple[Spec, Spec]:
    """The two provincial offices, each the root of its network."""
    p, code = Level.PROVINCE, "370000"
    cities = [city_specs(c) for c in CITIES]
    party_children = (
        *(Spec(n, UnitKind.DEPARTMENT, p, code, PROV_DEPT) for n in PROVINCE_PARTY_DEPARTMENTS),
        Spec("东海大学", UnitKind.UNIVERSITY, p, code, ENTERPRISE),
        *(Spec(n, UnitKind.CORRESPONDENT, p, code, CORRESPONDENT) for n in CORRESPONDENTS),
        *(party for party, _ in cities),
    )
    gov_children = (
        *(Spec(n, UnitKind.DEPARTMENT, p, code, PROV_DEPT) for n in PROVINCE_GOV_DEPARTMENTS),
        *(Spec(n, UnitKind.OFFICE_ABROAD, p, code, ABROAD) for n in OFFICES_ABROAD),
        Spec("东海能源集团有限公司", UnitKind.ENTERPRISE, p, code, ENTERPRISE),
        Spec("东海港口集团有限公司", UnitKind.ENTERPRISE, p, code, ENTERPRISE),
        *(gov for _, gov in cities),
    )
    return (
        Spec(PARTY, UnitKind.PARTY_OFFICE, p, code, "", f"{PARTY}信息处", party_children),
        Spec(GOV, UnitKind.GOV_OFFICE, p, code, "", f"{GOV}信息处", gov_children),
    )


# --- quotas, points, users ----------------------------------------------------

W, WEEK, MONTH = QuotaFrequency.WORKING_DAY, QuotaFrequency.WEEK, QuotaFrequency.MONTH

# (desk's unit, unit class, frequency, count, research reports per quarter)
QUOTAS: list[tuple[str, str, str, int, int]] = [
    (PARTY, CITY, W, 1, 1), (PARTY, COUNTY, WEEK, 3, 1), (PARTY, PROV_DEPT, WEEK, 1, 1),
    (PARTY, ABROAD, WEEK, 2, 1), (PARTY, CITY_DEPT, WEEK, 1, 1), (PARTY, ENTERPRISE, MONTH, 2, 1),
    (PARTY, CORRESPONDENT, MONTH, 2, 0),
    (GOV, CITY, W, 1, 1), (GOV, PROV_DEPT, WEEK, 1, 1), (GOV, ABROAD, WEEK, 2, 1), (GOV, ENTERPRISE, MONTH, 2, 1),
]


def _city_quotas(city: CitySpec) -> list[tuple[str, str, str, int, int]]:
    party, gov = f"{city.name}委办公室", f"{city.name}人民政府办公室"
    return [
        (party, COUNTY, W, 1, 1), (party, TOWN, WEEK, 1, 0), (party, COUNTY_DEPT, WEEK, 1, 0),
        (gov, COUNTY, WEEK, 3, 1), (gov, CITY_DEPT, WEEK, 1, 1), (gov, COUNTY_DEPT, WEEK, 1, 0),
    ]


QUOTAS += [quota for city in CITIES for quota in _city_quotas(city)]


@dataclass(frozen=True)
class PointSpec:
    unit: str
    desk_unit: str
    admitted_on: dt.date
    reason: str
    revoked_on: dt.date | None = None
    revoked_reason: str = ""


_ADMIT_2024 = "经考核确定为2024年度信息直报点（东海办发〔2024〕3号）"
_ADMIT_2025 = "报送质量高、反映情况及时，确定为信息直报点"
_REVOKE = "2024年度累计得分低于12分且连续三个月未报送信息，按照“优胜劣汰、动态管理”规定撤销"
_on24, _on25 = dt.date(2024, 1, 15), dt.date(2025, 3, 3)

POINTS: list[PointSpec] = [
    # 省委办公厅信息处: counties, city and county departments and a city university skip levels.
    # Provincial departments, the offices abroad and 东海大学 report to the government office's
    # desk; the party office's desk takes some of them as points too.
    *(PointSpec(u, PARTY, _on24, _ADMIT_2024) for u in (
        "东海省应急管理厅", "东海省公安厅", "东海省人民政府驻北京办事处", "东海省人民政府驻上海办事处")),
    *(PointSpec(u, PARTY, _on24, _ADMIT_2024) for u in (
        "西城区委办公室", "柳河县委办公室", "石门区委办公室", "云台市委办公室", "清源市委办公室",
        "临江市应急管理局", "青山市发展和改革委员会", "白河市公安局")),
    *(PointSpec(u, PARTY, _on25, _ADMIT_2025) for u in ("永和县委办公室", "柳河县应急管理局", "临江大学")),
    PointSpec("平安县委办公室", PARTY, dt.date(2023, 2, 20), "2023年度新确定信息直报点",
              revoked_on=dt.date(2024, 12, 31), revoked_reason=_REVOKE),
    # Each city party desk: county government offices, county departments, towns under a county desk.
    *(PointSpec(u, "临江市委办公室", _on24, _ADMIT_2024) for u in ("柳河县人民政府办公室", "西城区应急管理局",
                                                                 "东城区文化路街道")),
    *(PointSpec(u, "青山市委办公室", _on24, _ADMIT_2024) for u in ("安宁县人民政府办公室", "石门区应急管理局",
                                                                 "云台市云台街道")),
    *(PointSpec(u, "白河市委办公室", _on25, _ADMIT_2025) for u in ("长丰县人民政府办公室", "河口区应急管理局",
                                                                 "新港区发展和改革局")),
]


@dataclass(frozen=True)
class DemoUser:
    username: str
    full_name: str
    unit: str  # "" for none
    roles: tuple[str, ...]
    clearance: int = Classification.INTERNAL
    superuser: bool = False


C = Classification
DEMO_USERS: list[DemoUser] = [
    DemoUser("admin", "周振华", "", (Role.ADMIN,), C.CONFIDENTIAL, superuser=True),
    DemoUser("sheng_kz", "陈立新", PARTY, (Role.DESK_CHIEF, Role.EDITOR), C.CONFIDENTIAL),
    DemoUser("sheng_bj", "林晓燕", PARTY, (Role.EDITOR,), C.SECRET),
    DemoUser("lj_kz", "赵海涛", "临江市委办公室", (Role.DESK_CHIEF, Role.EDITOR), C.CONFIDENTIAL),
    DemoUser("lj_bj", "王雪梅", "临江市委办公室", (Role.EDITOR,), C.SECRET),
    DemoUser("lj_zb", "钱志强", "临江市委办公室", (Role.DUTY_OFFICER,), C.SECRET),
    DemoUser("lj_ld", "孙德明", "临江市委办公室", (Role.LEADER,), C.CONFIDENTIAL),
    DemoUser("dc_xxy", "张文静", "东城区委办公室", (Role.REPORTER,)),
    DemoUser("dc_qf", "李国栋", "东城区委办公室", (Role.APPROVER,), C.SECRET),
    DemoUser("yjj_xxy", "刘洋", "临江市应急管理局", (Role.REPORTER,)),
    DemoUser("xc_xxy", "黄丽萍", "西城区委办公室", (Role.REPORTER,)),
    DemoUser("lh_xxy", "马晓东", "柳河县委办公室", (Role.REPORTER,)),
    DemoUser("qs_xxy", "吴建华", "青山市委办公室", (Role.REPORTER,)),
    DemoUser("bh_xxy", "郑丽君", "白河市委办公室", (Role.REPORTER,)),
]


# --- rosters ------------------------------------------------------------------

SURNAMES = (
    "王王王李李李张张张刘刘陈陈杨杨黄赵赵吴周周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾"
    "田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛"
)
GIVEN_NAMES = (
    "建国", "建华", "国强", "志强", "志明", "海涛", "海燕", "晓东", "晓燕", "晓梅", "丽娟", "丽华", "丽萍",
    "秀英", "秀兰", "桂芳", "玉兰", "玉梅", "春梅", "春华", "建军", "建平", "卫东", "卫国", "红梅", "红霞",
    "文静", "文涛", "文华", "明辉", "明亮", "伟", "敏", "静", "磊", "勇", "军", "杰", "涛", "超", "鹏", "婷",
    "颖", "倩", "浩", "宇", "欣", "琳", "雪", "洁", "芳", "娜", "强", "平", "刚", "斌", "辉", "华", "宁", "凯",
    "晨", "阳", "佳怡", "思远", "子涵", "欣怡", "雨萱", "浩然", "俊杰", "嘉诚", "宇航", "梓涵", "一鸣", "天宇",
    "博文", "雅琴", "婉婷", "振华", "德胜", "立新", "长青", "金凤", "永刚", "永红", "新民", "胜利", "光明",
    "利民", "瑞雪", "晓峰", "兆龙", "家豪", "梦瑶", "诗涵", "学军", "秀芳", "淑珍", "凤英",
)
AREA_CODES = {"3701": "0531", "3702": "0532", "3703": "0533"}
MOBILE_PREFIXES = ("130", "131", "135", "136", "138", "139", "150", "151", "158", "177", "186", "188", "189", "199")


def person_name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN_NAMES)


def office_phone(rng: random.Random, region_code: str) -> str:
    return f"{AREA_CODES.get(region_code[:4], '0531')}-8{rng.randrange(10**7):07d}"


def mobile_phone(rng: random.Random) -> str:
    return f"{rng.choice(MOBILE_PREFIXES)}{rng.randrange(10**8):08d}"


_LEADER_TITLES = (
    ("大学", "党委副书记"), ("集团有限公司", "副总经理"), ("办事处", "副主任"), ("街道", "党工委副书记"),
    ("镇", "党委副书记"), ("乡", "党委副书记"), ("政法委员会", "副书记"), ("委员会", "副主任"),
    ("厅", "副厅长"), ("局", "副局长"), ("部", "副部长"), ("办公室", "副主任"),
)


def leader_title(unit: Unit) -> str:
    if unit.kind == UnitKind.CORRESPONDENT:
        return "全国人大代表" if "全国" in unit.name else ("省人大代表" if "人大" in unit.name else "省政协委员")
    if unit.kind in (UnitKind.PARTY_OFFICE, UnitKind.GOV_OFFICE):
        return "办公厅副主任" if unit.level == Level.PROVINCE else "办公室副主任"
    return next((title for suffix, title in _LEADER_TITLES if unit.name.endswith(suffix)), "副主任")


def roster_for(unit: Unit, key: str, has_desk: bool) -> list[StaffMember]:
    """A supervising leader and one or two information staff, the same on every run."""
    rng = random.Random(f"{SEED}/{key}")
    if has_desk:
        section = "信息处" if unit.level == Level.PROVINCE else "信息科"
    else:
        section = "党政办公室" if unit.kind == UnitKind.TOWNSHIP else "办公室"

    def member(role: str, title: str) -> StaffMember:
        return StaffMember(unit=unit, name=person_name(rng), role=role, title=title,
                           phone=office_phone(rng, unit.region_code), mobile=mobile_phone(rng))

    staff = [
        member(StaffRole.LEADER, leader_title(unit)),
        member(StaffRole.FULLTIME, section + rng.choice(["科员", "一级科员", "四级主任科员"])),
    ]
    if rng.random() < 0.55:
        staff.append(member(StaffRole.PARTTIME, rng.choice(["秘书科科员", "综合科副科长", "办公室副主任", "宣传干事"])))
    return staff


# --- the builder --------------------------------------------------------------


@dataclass
class Result:
    """What ``load_demo`` found and added."""

    units: dict[str, Unit] = field(default_factory=dict)
    added: Counter[str] = field(default_factory=Counter)
    users: list[User] = field(default_factory=list)


Progress = Callable[[str], None]
STEPS = ["单位类别", "单位与信息科室", "信息工作人员", "报送频次", "演示账号", "直报点"]


def foreign_roots() -> list[str]:
    """Top-level units that are not the demo's: a sign this is not a demo database."""
    return list(Unit.objects.filter(parent__isnull=True).exclude(name__in=[PARTY, GOV]).values_list("name", flat=True))


def load(progress: Progress | None = None) -> Result:
    """Build (or complete) the demo province in one transaction."""
    step = progress or (lambda label: None)
    result = Result()
    with transaction.atomic():
        classes = ensure_unit_classes(result)
        step(STEPS[0])
        keys = ensure_units(province_specs(), classes, result)
        if len(result.units) < MIN_UNITS:
            raise RuntimeError(f"演示数据应至少有 {MIN_UNITS} 个单位，实际 {len(result.units)} 个")
        step(STEPS[1])
        ensure_rosters(result, keys)
        step(STEPS[2])
        ensure_quotas(result, classes)
        step(STEPS[3])
        ensure_users(result)
        step(STEPS[4])
        ensure_points(result)
        step(STEPS[5])
    return result


def ensure_unit_classes(result: Result) -> dict[str, UnitClass]:
    classes = {c.name: c for c in UnitClass.objects.filter(name__in=[n for n, _ in UNIT_CLASSES])}
    for order, (name, description) in enumerate(UNIT_CLASSES, start=1):
        if name not in classes:
            classes[name] = UnitClass.objects.create(name=name, description=description, sort_order=order * 10)
            result.added["单位类别"] += 1
    return classes


def _walk(specs: Iterable[Spec], parent_key: str = "") -> Iterator[tuple[Spec, str, str]]:
    """(spec, its key, its parent's key) in creation order; keys are name paths."""
    for spec in specs:
        key = f"{parent_key}/{spec.name}"
        yield spec, key, parent_key
        yield from _walk(spec.children, key)


def ensure_units(roots: Iterable[Spec], classes: dict[str, UnitClass], result: Result) -> dict[str, str]:
    """Create missing units and desks; returns each demo unit's name path, keyed by name."""
    existing = {(u.parent_id, u.name): u for u in Unit.objects.all()}
    with_desk = set(Desk.objects.values_list("unit_id", flat=True))
    by_key: dict[str, Unit] = {}
    keys: dict[str, str] = {}
    for spec, key, parent_key in _walk(roots):
        parent = by_key.get(parent_key)
        unit = existing.get((parent.pk if parent else None, spec.name))
        if unit is None:
            unit = _create_unit(spec, parent, classes.get(spec.unit_class), len(by_key))
            result.added["单位"] += 1
        if spec.desk and unit.pk not in with_desk:
            Desk.objects.create(unit=unit, name=spec.desk)
            with_desk.add(unit.pk)
            result.added["信息科室"] += 1
        if spec.name in result.units:
            raise ValueError(f"演示数据中单位名称重复：{spec.name}")
        by_key[key], result.units[spec.name], keys[spec.name] = unit, unit, key
    return keys


def _create_unit(spec: Spec, parent: Unit | None, unit_class: UnitClass | None, order: int) -> Unit:
    """Straight through the ORM, with the path and depth ``unit_create`` would give."""
    unit = Unit.objects.create(
        name=spec.name, kind=spec.kind, level=spec.level, region_code=spec.region_code, parent=parent,
        unit_class=unit_class, sort_order=order, depth=parent.depth + 1 if parent else 0,
    )
    unit.path = f"{parent.path if parent else '/'}{unit.pk}/"
    unit.save(update_fields=["path"])
    return unit


def ensure_rosters(result: Result, keys: dict[str, str]) -> None:
    """Give every demo unit without a roster its leader and information staff."""
    staffed = set(StaffMember.objects.values_list("unit_id", flat=True))
    with_desk = set(Desk.objects.values_list("unit_id", flat=True))
    new: list[StaffMember] = []
    for name, unit in result.units.items():
        if unit.pk not in staffed:
            new += roster_for(unit, keys[name], unit.pk in with_desk)
    StaffMember.objects.bulk_create(new)
    result.added["信息工作人员"] += len(new)


def ensure_quotas(result: Result, classes: dict[str, UnitClass]) -> None:
    for desk_unit, class_name, frequency, count, research in QUOTAS:
        desk = result.units[desk_unit].desk
        _, created = Quota.objects.get_or_create(
            desk=desk, unit=None, unit_class=classes[class_name], frequency=frequency, valid_from=QUOTAS_FROM,
            defaults={"count": count, "research_per_quarter": research, "note": "演示数据"},
        )
        result.added["报送频次"] += created


def ensure_users(result: Result) -> None:
    """Create or reset the demo accounts: active, unlocked, demo password, their roles."""
    for number, spec in enumerate(DEMO_USERS, start=1):
        unit = result.units[spec.unit] if spec.unit else None
        # Fictional addresses and numbers: the demo's e-mail goes to files under var/mail/ and its
        # SMS to var/sms-outbox.log (no server is configured), so the urgent warnings can be seen there.
        wanted = {"full_name": spec.full_name, "unit": unit, "clearance": spec.clearance, "is_active": True,
                  "is_staff": spec.superuser, "is_superuser": spec.superuser, "failed_logins": 0,
                  "locked_until": None, "email": f"{spec.username}@xinxi.example",
                  "phone": f"1390000{number:04d}"}
        user = User.objects.filter(username=spec.username).first()
        if user is None:
            user = User(username=spec.username, **wanted)
            user.set_password(DEMO_PASSWORD)
            user.save()
            result.added["演示账号"] += 1
        else:
            changed = [name for name, value in wanted.items() if getattr(user, name) != value]
            for name in changed:
                setattr(user, name, wanted[name])
            if not user.check_password(DEMO_PASSWORD):
                user.set_password(DEMO_PASSWORD)
                changed.append("password")
            if changed:
                user.save(update_fields=changed)
        for role in spec.roles:
            result.added["角色"] += RoleGrant.objects.get_or_create(user=user, role=role)[1]
        result.users.append(user)


def ensure_points(result: Result) -> None:
    """Admit (and revoke) through the services, as the demo admin; a pair with any history is left alone."""
    actor = User.objects.get(username=DEMO_USERS[0].username)  # fresh: its roles are cached per instance
    for spec in POINTS:
        unit, desk = result.units[spec.unit], result.units[spec.desk_unit].desk
        if DirectPoint.objects.filter(unit=unit, desk=desk).exists():
            continue
        point = point_admit(actor=actor, unit=unit, desk=desk, admitted_on=spec.admitted_on, reason=spec.reason)
        result.added["直报点"] += 1
        if spec.revoked_on is not None:
            point_revoke(actor=actor, point=point, revoked_on=spec.revoked_on, reason=spec.revoked_reason)


def login_rows() -> list[tuple[str, str, str, str]]:
    """(username, roles, unit, password) of every demo account, for the command and the README."""
    labels = dict(Role.choices)
    return [(u.username, "、".join(str(labels[r]) for r in u.roles), u.unit or "—", DEMO_PASSWORD) for u in DEMO_USERS]
