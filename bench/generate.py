"""Generate realistic benchmark data: a province of about 3,000 units, their users, and N submitted items.

Usage, from the repository root (never against the ``test`` or ``test_*`` databases, and
never the development database under ``var/``)::

    # PostgreSQL, a database of its own:
    createdb -h 127.0.0.1 -U postgres xinxi_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/xinxi_bench .venv/bin/python bench/generate.py 100000

    # SQLite, a file of its own (/tmp/xinxi-bench/xinxi.sqlite3):
    XINXI_VAR_DIR=/tmp/xinxi-bench .venv/bin/python bench/generate.py 100000

    # 10⁶ items; or 10⁵ items all reaching one city desk (for bench/inbox_bench.py):
    ... bench/generate.py 1000000
    ... bench/generate.py 100000 --hot-share 1

    # only the network and users (for bench/submit_bench.py):
    ... bench/generate.py 0

Options: ``--hot-share F`` (default 0.1): the share of items written by units that
report to the hot desk (江阳市委办公室信息科), so one desk holds a known share;
``--days D`` (default 730): items are spread over the last D days, oldest first;
``--seed S``; ``--batch B`` (items per transaction, default 2000); ``--no-reindex``.

What it makes, and how:

- The network (南江省: two provincial offices with desks, 44 provincial units, 16
  cities with party and government offices (desks), 25 city departments each, 5–11
  counties per city with a party office (a third of them with a desk), a government
  office, 5–11 county departments and 4–14 towns) is built once, straight through
  the ORM with the paths and depths ``unit_create`` gives, in the pattern of
  ``xinxi/network/demo.py``; direct points go through ``point_admit``. A second run
  reuses it and only adds items.
- Users: a reporter in every unit, an approver in a third of them, and at every
  desk a chief, two editors, a duty officer and a leader. All share the password
  ``Bench@2026x`` (hashed once). ``bench_editor`` (editor, 机密 clearance) works at
  the hot desk and ``bench_reporter`` reports to it.
- Items: Chinese text built from the sentences of ``/work/shared/seeds/*.txt``,
  mixed with topic clauses, place names and figures: titles of 15–30 characters,
  bodies of 200–400, with a fixed seed. Each item is bulk-inserted in exactly the
  rows ``services.item_submit`` makes: the item (state 已报送, version 2; in units
  that require sign-off written by the reporter and signed and sent by the approver,
  version 3), its submission (round 1, receipt number ``XXyyyymmdd-<item id>-1``,
  unique), a desk
  entry at each target desk (``services.target_desks``: the parent desk, and every
  desk the unit is a point of) with the fields copied from the submission, the
  entry's "receive" history row, and the audit rows of ``item_create`` (and
  ``item_request_signoff``) and ``item_submit``; then ``VACUUM ANALYZE`` (PostgreSQL)
  or ``ANALYZE`` (SQLite), as a running system's statistics would be. Notifications
  are not generated (they are messages to people, not the item's record). Entries
  received more than three days ago are then worked off (``settle_entries``: one in ten
  处理中, the rest 不采用), so the inbox's tabs look like a working desk's. Times are
  historical, so ``auto_now`` fields are set by hand during the load.
- Afterwards the search index is rebuilt with ``manage.py reindex`` when that
  command exists (``--no-reindex`` skips it).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import os
import random
import re
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SEEDS = Path(os.environ.get("XINXI_SEEDS", ROOT.parent / "shared" / "seeds"))
PASSWORD = "Bench@2026x"
PROVINCE = "南江省"
HOT_CITY = "江阳市"


def setup_django() -> None:
    """Configure Django for a benchmark and refuse the test and development databases."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xinxi.settings")
    import django

    django.setup()
    from django.db import connection

    name = str(connection.settings_dict["NAME"])
    if connection.vendor == "postgresql" and (name == "test" or name.startswith("test_")):
        sys.exit(f"拒绝在测试数据库 {name} 上运行基准：请 createdb xinxi_bench 并设置 DATABASE_URL。")
    if connection.vendor == "sqlite" and Path(name).resolve() == (ROOT / "var" / "xinxi.sqlite3").resolve():
        sys.exit("拒绝在开发数据库 var/xinxi.sqlite3 上运行基准：请设置 XINXI_VAR_DIR=/tmp/xinxi-bench。")


def load_note() -> str:
    """The machine's load: the figures mean little when other work shares the cores."""
    one, five, _ = os.getloadavg()
    return f"{os.cpu_count()} 核，负载 {one:.1f}（1 分钟）/ {five:.1f}（5 分钟）"


def describe_database() -> str:
    from django.db import connection

    if connection.vendor == "sqlite":
        import sqlite3

        return f"SQLite {sqlite3.sqlite_version} ({connection.settings_dict['NAME']})"
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
    return f"PostgreSQL {version} ({connection.settings_dict['NAME']})"


# --- the network ------------------------------------------------------------------

PROVINCE_CODE = "450000"
PROVINCE_PARTY_DEPTS = ("组织部", "宣传部", "统战部", "政法委员会", "政策研究室", "网络安全和信息化委员会办公室")
PROVINCE_GOV_DEPTS = (
    "发展和改革委员会", "教育厅", "科学技术厅", "工业和信息化厅", "公安厅", "民政厅", "司法厅", "财政厅",
    "人力资源和社会保障厅", "自然资源厅", "生态环境厅", "住房和城乡建设厅", "交通运输厅", "水利厅", "农业农村厅",
    "商务厅", "文化和旅游厅", "卫生健康委员会", "退役军人事务厅", "应急管理厅", "审计厅", "市场监督管理局",
    "统计局", "医疗保障局", "林业局", "信访局", "体育局", "乡村振兴局",
)
CITY_DEPTS = (
    "发展和改革委员会", "教育局", "科学技术局", "工业和信息化局", "公安局", "民政局", "司法局", "财政局",
    "人力资源和社会保障局", "自然资源和规划局", "生态环境局", "住房和城乡建设局", "交通运输局", "水利局",
    "农业农村局", "商务局", "文化广电和旅游局", "卫生健康委员会", "退役军人事务局", "应急管理局", "审计局",
    "市场监督管理局", "统计局", "医疗保障局", "信访局",
)
COUNTY_DEPTS = (
    "发展和改革局", "教育局", "公安局", "民政局", "司法局", "财政局", "人力资源和社会保障局", "自然资源局",
    "住房和城乡建设局", "交通运输局", "水利局", "农业农村局", "卫生健康局", "应急管理局", "市场监督管理局", "信访局",
)
CITIES = (
    "江阳", "云川", "石泉", "桐山", "白沙", "清河", "金城", "龙溪",
    "凤岭", "湖州", "安源", "兴平", "玉林", "丰城", "宁远", "海门",
)
FIRST_CHARS = "东西南北新安永长平兴宁和丰清云龙凤桃柳松石河湖山泉金玉青白红黄绿富泰华"
SECOND_CHARS = "城阳平安宁丰川江源山河水溪林州台口桥庄坪岭湾塘沟峰"
TOWN_SUFFIXES = ("镇", "镇", "镇", "乡", "街道", "街道")


@dataclass
class Spec:
    """A unit to build; ``place`` is the area name items of this unit mention."""

    name: str
    kind: str
    level: int
    code: str
    unit_class: str
    place: str
    desk: str = ""
    children: list[Spec] = field(default_factory=list)
    signoff: bool = False


def _names(rng: random.Random, count: int, taken: set[str]) -> list[str]:
    names = []
    while len(names) < count:
        name = rng.choice(FIRST_CHARS) + rng.choice(SECOND_CHARS)
        if name not in taken:
            taken.add(name)
            names.append(name)
    return names


def network_specs(seed: int) -> list[Spec]:
    """The two roots of the province, deterministic for a seed."""
    from xinxi.network.demo import (
        ABROAD,
        CITY,
        CITY_DEPT,
        CORRESPONDENT,
        COUNTY,
        COUNTY_DEPT,
        ENTERPRISE,
        PROV_DEPT,
        TOWN,
    )
    from xinxi.network.models import Level, UnitKind

    rng = random.Random(f"{seed}/network")
    taken = set(CITIES)
    p = Level.PROVINCE
    party = Spec(f"{PROVINCE}委办公厅", UnitKind.PARTY_OFFICE, p, PROVINCE_CODE, "", PROVINCE,
                 f"{PROVINCE}委办公厅信息处")
    gov = Spec(f"{PROVINCE}人民政府办公厅", UnitKind.GOV_OFFICE, p, PROVINCE_CODE, "", PROVINCE,
               f"{PROVINCE}人民政府办公厅信息处")
    party.children += [Spec(f"{PROVINCE}委{d}", UnitKind.DEPARTMENT, p, PROVINCE_CODE, PROV_DEPT, PROVINCE)
                       for d in PROVINCE_PARTY_DEPTS]
    party.children += [Spec(f"{PROVINCE}{u}大学", UnitKind.UNIVERSITY, p, PROVINCE_CODE, ENTERPRISE, PROVINCE)
                       for u in ("南江", "南江师范")]
    party.children += [Spec(f"特约信息员点（省人大代表 {n}）", UnitKind.CORRESPONDENT, p, PROVINCE_CODE,
                            CORRESPONDENT, PROVINCE) for n in ("周海鹰", "吴丽华", "郑国强")]
    gov.children += [Spec(f"{PROVINCE}{d}", UnitKind.DEPARTMENT, p, PROVINCE_CODE, PROV_DEPT, PROVINCE)
                     for d in PROVINCE_GOV_DEPTS]
    gov.children += [Spec(f"{PROVINCE}人民政府驻{c}办事处", UnitKind.OFFICE_ABROAD, p, PROVINCE_CODE, ABROAD, PROVINCE)
                     for c in ("北京", "上海")]
    gov.children += [Spec(f"{PROVINCE}{e}集团有限公司", UnitKind.ENTERPRISE, p, PROVINCE_CODE, ENTERPRISE, PROVINCE)
                     for e in ("能源", "港口", "交通投资")]
    for c, short in enumerate(CITIES, start=1):
        city, prefix = f"{short}市", f"45{c:02d}"
        code = f"{prefix}00"
        city_party = Spec(f"{city}委办公室", UnitKind.PARTY_OFFICE, Level.CITY, code, CITY, city,
                          f"{city}委办公室信息科")
        city_gov = Spec(f"{city}人民政府办公室", UnitKind.GOV_OFFICE, Level.CITY, code, CITY, city,
                        f"{city}人民政府办公室信息科")
        city_gov.children += [Spec(f"{city}{d}", UnitKind.DEPARTMENT, Level.CITY, code, CITY_DEPT, city)
                              for d in CITY_DEPTS]
        for k, name in enumerate(_names(rng, rng.randint(5, 11), taken), start=1):
            county = name + rng.choice(("县", "县", "区", "区", "市"))
            county_code = f"{prefix}{k:02d}"
            with_desk = rng.random() < 1 / 3 and city != f"{HOT_CITY}"
            c_party = Spec(f"{county}委办公室", UnitKind.PARTY_OFFICE, Level.COUNTY, county_code, COUNTY, county,
                           f"{county}委办公室信息科" if with_desk else "", signoff=rng.random() < 0.3)
            c_gov = Spec(f"{county}人民政府办公室", UnitKind.GOV_OFFICE, Level.COUNTY, county_code, COUNTY, county)
            c_gov.children += [Spec(f"{county}{d}", UnitKind.DEPARTMENT, Level.COUNTY, county_code, COUNTY_DEPT,
                                    county) for d in rng.sample(COUNTY_DEPTS, rng.randint(5, 11))]
            for t, town in enumerate(_names(rng, rng.randint(4, 14), set()), start=1):
                town_name = town + rng.choice(TOWN_SUFFIXES)
                c_party.children.append(Spec(f"{county}{town_name}", UnitKind.TOWNSHIP, Level.TOWNSHIP,
                                             f"{county_code}{t:03d}", TOWN, f"{county}{town_name}"))
            city_party.children.append(c_party)
            city_gov.children.append(c_gov)
        party.children.append(city_party)
        gov.children.append(city_gov)
    return [party, gov]


def _walk(specs: list[Spec], parent: Spec | None = None) -> Iterator[tuple[Spec, Spec | None]]:
    for spec in specs:
        yield spec, parent
        yield from _walk(spec.children, spec)


@dataclass
class Network:
    """The built province: units by name, their places, targets and writers."""

    units: dict[str, Any]
    place: dict[int, str]
    targets: dict[int, list[tuple[Any, str]]]  # unit id -> [(desk, source)] as target_desks gives
    reporters: dict[int, Any]
    approvers: dict[int, Any]
    hot_desk: Any
    admin: Any


def ensure_network(seed: int, progress: bool = True) -> Network:
    """Build the province (or find it) with its users and points."""
    from django.db import transaction
    from tqdm import tqdm

    from xinxi.accounts.models import User
    from xinxi.items.models import Item
    from xinxi.items.services import target_desks
    from xinxi.network.demo import Result, ensure_unit_classes
    from xinxi.network.models import Desk, Unit

    specs = network_specs(seed)
    flat = list(_walk(specs))
    with transaction.atomic():
        classes = ensure_unit_classes(Result())
        existing = {u.name: u for u in Unit.objects.filter(path__startswith=_root_path(specs[0].name))}
        existing |= {u.name: u for u in Unit.objects.filter(path__startswith=_root_path(specs[1].name))}
        units: dict[str, Unit] = dict(existing)
        missing = [(s, p) for s, p in flat if s.name not in units]
        if missing:
            by_depth: dict[int, list[tuple[Spec, Spec | None]]] = {}
            depth_of = {}
            for spec, parent in flat:
                depth_of[spec.name] = depth_of[parent.name] + 1 if parent else 0
            for spec, parent in missing:
                by_depth.setdefault(depth_of[spec.name], []).append((spec, parent))
            bar = tqdm(total=len(missing), desc="单位", unit="个", disable=not progress)
            order = len(units)
            for depth in sorted(by_depth):
                rows = []
                for spec, parent in by_depth[depth]:
                    order += 1
                    parent_unit = units[parent.name] if parent else None
                    rows.append(Unit(name=spec.name, kind=spec.kind, level=spec.level, region_code=spec.code,
                                     parent=parent_unit, unit_class=classes.get(spec.unit_class),
                                     sort_order=order, depth=depth, requires_signoff=spec.signoff))
                created = Unit.objects.bulk_create(rows, batch_size=500)
                for unit in created:
                    parent_path = unit.parent.path if unit.parent else "/"
                    unit.path = f"{parent_path}{unit.pk}/"
                    units[unit.name] = unit
                Unit.objects.bulk_update(created, ["path"], batch_size=500)
                bar.update(len(created))
            bar.close()
            with_desk = set(Desk.objects.values_list("unit_id", flat=True))
            Desk.objects.bulk_create([Desk(unit=units[s.name], name=s.desk) for s, _ in flat
                                      if s.desk and units[s.name].pk not in with_desk])
        _ensure_users(units, flat, seed)
    admin = User.objects.get(username="bench_admin")
    _ensure_points(units, specs, admin, seed)
    # Where each unit's items go: exactly what the submit service computes.
    place = {units[s.name].pk: s.place for s, _ in flat}
    targets = {}
    for spec, _ in tqdm(flat, desc="报送去向", unit="个", disable=not progress):
        unit = units[spec.name]
        found = target_desks(Item(unit=unit))
        if found:
            targets[unit.pk] = found
    reporters = {u.unit_id: u for u in User.objects.filter(username__startswith="bench_r_")}
    approvers = {u.unit_id: u for u in User.objects.filter(username__startswith="bench_a_")}
    hot_desk = Desk.objects.get(unit=units[f"{HOT_CITY}委办公室"])
    return Network(units, place, targets, reporters, approvers, hot_desk, admin)


def _root_path(name: str) -> str:
    from xinxi.network.models import Unit

    root = Unit.objects.filter(name=name, parent__isnull=True).first()
    return root.path if root else "/nothing/"


def _ensure_users(units: dict[str, Any], flat: list[tuple[Spec, Spec | None]], seed: int) -> None:
    """A reporter per unit, an approver in a third, five people at each desk; one password hash for all."""
    from django.contrib.auth.hashers import make_password

    from xinxi.accounts.models import Role, RoleGrant, User
    from xinxi.lib.choices import Classification as C
    from xinxi.network.demo import person_name

    hashed = make_password(PASSWORD)
    have = set(User.objects.filter(username__startswith="bench_").values_list("username", flat=True))
    new: list[tuple[Any, tuple[str, ...]]] = []

    def add(rng: random.Random, username: str, unit: Any, roles: tuple[str, ...], clearance: int) -> None:
        # Draw the person first, so a unit's people are the same whether or not they exist yet.
        full_name, phone = person_name(rng), f"1{rng.choice('3589')}{rng.randrange(10**9):09d}"
        if username not in have:
            new.append((User(username=username, password=hashed, unit=unit, full_name=full_name, phone=phone,
                             clearance=clearance, is_staff=Role.ADMIN in roles, is_superuser=Role.ADMIN in roles),
                        roles))

    rng = random.Random(f"{seed}/users")
    add(rng, "bench_admin", None, (Role.ADMIN,), C.CONFIDENTIAL)
    add(rng, "bench_editor", units[f"{HOT_CITY}委办公室"], (Role.EDITOR,), C.CONFIDENTIAL)
    for spec, _ in flat:
        unit, rng = units[spec.name], random.Random(f"{seed}/users/{spec.name}")  # per unit: stable on re-runs
        clearance = rng.choices([C.INTERNAL, C.SECRET, C.CONFIDENTIAL], [85, 13, 2])[0]
        add(rng, f"bench_r_{unit.pk}", unit, (Role.REPORTER,), clearance)
        if spec.signoff or rng.random() < 0.3:
            add(rng, f"bench_a_{unit.pk}", unit, (Role.APPROVER,), max(clearance, C.SECRET))
        if spec.desk:
            add(rng, f"bench_d_{unit.pk}_kz", unit, (Role.DESK_CHIEF, Role.EDITOR), C.CONFIDENTIAL)
            add(rng, f"bench_d_{unit.pk}_bj1", unit, (Role.EDITOR,), C.SECRET)
            add(rng, f"bench_d_{unit.pk}_bj2", unit, (Role.EDITOR,), C.SECRET)
            add(rng, f"bench_d_{unit.pk}_zb", unit, (Role.DUTY_OFFICER,), C.SECRET)
            add(rng, f"bench_d_{unit.pk}_ld", unit, (Role.LEADER,), C.CONFIDENTIAL)
    # A reporter whose items reach the hot desk, under an easy name.
    county = next(s for s, p in flat if p is not None and p.name == f"{HOT_CITY}委办公室" and not s.desk)
    add(random.Random(f"{seed}/users/bench_reporter"), "bench_reporter", units[county.name], (Role.REPORTER,),
        C.SECRET)
    created = User.objects.bulk_create([u for u, _ in new], batch_size=1000)
    RoleGrant.objects.bulk_create([RoleGrant(user=u, role=r) for u, (_, roles) in zip(created, new, strict=True)
                                   for r in roles], batch_size=2000)


def _ensure_points(units: dict[str, Any], specs: list[Spec], admin: Any, seed: int) -> None:
    """Some counties and departments report straight to the provincial desks; some towns to their city."""
    from xinxi.lib.errors import ServiceError
    from xinxi.network.models import DirectPoint
    from xinxi.network.services import point_admit

    if DirectPoint.objects.filter(admitted_by=admin).exists():
        return
    rng = random.Random(f"{seed}/points")
    party, gov = specs
    province_party = units[party.name].desk
    on = dt.date(2025, 1, 15)
    reason = "经考核确定为信息直报点（基准数据）"
    picks: list[tuple[Any, Any]] = []
    for city_party in party.children:
        if not city_party.desk:
            continue
        city_desk = units[city_party.name].desk
        counties = [c for c in city_party.children if c.kind == "party_office"]
        for county in rng.sample(counties, min(2, len(counties))):
            picks.append((units[county.name], province_party))
            towns = county.children
            for town in rng.sample(towns, min(1, len(towns))):
                if not county.desk:
                    continue
                picks.append((units[town.name], city_desk))
    for city_gov in gov.children:
        if city_gov.desk:
            depts = [d for d in city_gov.children if d.kind == "department"]
            for dept in rng.sample(depts, 2):
                picks.append((units[dept.name], province_party))
    for unit, desk in picks:
        with contextlib.suppress(ServiceError):
            point_admit(actor=admin, unit=unit, desk=desk, admitted_on=on, reason=reason)


# --- text -------------------------------------------------------------------------

_CJK = r"[\u4e00-\u9fff，。、；：“”（）《》！？]"
_HEADER = re.compile(r"^(法规标题|颁布|通过会议|法规正文|索引号|发文机关|标题|成文日期|发布日期|主题分类|文号)")
_ENUM = re.compile(r"^[（(]?[一二三四五六七八九十\d]+[)）、.．]\s*")

TOPICS = (
    "深入开展信访积案化解攻坚，推动领导干部接访下访常态化",
    "推进司法所规范化建设，加强基层法律服务和人民调解",
    "开展安全生产大检查，聚焦燃气、危化品、建筑施工等重点领域",
    "全力做好防汛抗旱工作，落实水库、堤防巡查责任",
    "持续优化营商环境，推行涉企事项“一网通办”",
    "扎实推进乡村振兴，发展特色种养和农产品加工",
    "加强基层党组织建设，选派驻村第一书记",
    "推进城镇老旧小区改造，加装电梯、改造管网",
    "做好稳就业工作，开展“春风行动”专场招聘",
    "落实城乡居民医保参保扩面，推进异地就医直接结算",
    "推进义务教育优质均衡发展，新建改扩建中小学校",
    "开展生态环境突出问题整改，推进河湖长制落实",
    "加强森林防火，开展野外火源专项治理",
    "推进“接诉即办”改革，提升12345热线办理质效",
    "开展根治欠薪专项行动，保障农民工工资按时足额发放",
    "推进农村人居环境整治，开展村庄清洁行动",
    "加强食品药品安全监管，开展校园周边食品安全检查",
    "推进养老服务体系建设，建设社区嵌入式养老服务中心",
    "开展矛盾纠纷排查化解，推动问题解决在基层",
    "加强耕地保护，开展违法占用耕地专项整治",
    "推进重点项目建设，开展项目建设“比学赶超”活动",
    "做好低保、特困供养等兜底保障，开展困难群众走访慰问",
    "推进数字政府建设，政务服务事项实现“掌上办”",
    "开展电信网络诈骗犯罪打击治理，加强反诈宣传",
    "推进高标准农田建设，提升粮食综合生产能力",
    "加强舆情监测和网络舆论引导，回应群众关切",
    "开展道路交通安全隐患排查，整治农村交通安全",
    "推进城市更新，打通“断头路”、改造背街小巷",
    "加强冬春季传染病防控，做好疫苗接种工作",
    "推进民营经济发展，开展“万企兴万村”行动",
)
FIGURES = (
    ("排查整改隐患{n}处", 20, 900), ("新增就业岗位{n}个", 100, 9000), ("办结群众诉求{n}件", 200, 20000),
    ("化解矛盾纠纷{n}起", 10, 800), ("培训基层干部{n}人次", 50, 5000), ("受理群众来信来访{n}件", 30, 3000),
    ("帮扶困难家庭{n}户", 20, 4000), ("建成项目{n}个", 5, 160), ("走访企业{n}家", 20, 1200),
    ("改造老旧小区{n}个", 3, 120), ("转移安置群众{n}人", 20, 3000), ("整治问题点位{n}处", 10, 600),
)
DECIMALS = (("完成投资{x}亿元", 1, 300), ("发放补贴资金{x}万元", 10, 9000), ("同比增长{x}%", 1, 40),
            ("覆盖群众{x}万人", 1, 200), ("满意率达{x}%", 85, 99))
TAGS = ("安全生产", "信访", "防汛", "乡村振兴", "营商环境", "民生", "就业", "教育", "医保", "生态环境", "舆情",
        "基层治理", "重点项目", "养老", "食品安全", "根治欠薪", "数字政府", "反诈", "耕地保护", "森林防火")


def load_sentences(folder: Path = SEEDS) -> list[str]:
    """Sentences of the seed texts: headers dropped, stray spaces between Chinese characters removed."""
    sentences: list[str] = []
    for path in sorted(folder.glob("*.txt")):
        for raw in path.read_text(encoding="utf-8", errors="replace").splitlines():
            line = re.sub(rf"(?<={_CJK})\s+(?={_CJK})", "", raw.strip())
            line = line.replace(",", "，").replace(";", "；").replace("(", "（").replace(")", "）").replace("?", "？")
            if not line or _HEADER.match(line):
                continue
            for sentence in re.findall(r"[^。！？；]*[。！？；]", line):
                sentence = _ENUM.sub("", sentence.strip())[:-1] + "。"  # ；！？ end a sentence of an item too
                if 12 <= len(sentence) <= 90 and not re.search(r"[A-Za-z]{3,}|\t", sentence):
                    sentences.append(sentence)
    if len(sentences) < 100:
        raise SystemExit(f"种子文本太少：{folder} 中只找到 {len(sentences)} 句。")
    return sentences


class TextMaker:
    """Titles of 15–30 characters and bodies of 200–400, from seed sentences, topics, places and figures."""

    def __init__(self, sentences: list[str], rng: random.Random) -> None:
        self.sentences = sentences
        self.clauses = [c for s in sentences for c in re.split(r"[，、：]", s.rstrip("。")) if 6 <= len(c) <= 16]
        self.rng = rng

    def figure(self) -> str:
        return self.figures(1)

    def figures(self, count: int) -> str:
        """``count`` figures of different kinds, joined by commas."""
        rng = self.rng
        kinds = rng.sample(range(len(FIGURES) + len(DECIMALS)), count)
        parts = []
        for kind in kinds:
            if kind < len(FIGURES):
                template, low, high = FIGURES[kind]
                parts.append(template.format(n=rng.randint(low, high)))
            else:
                template, low, high = DECIMALS[kind - len(FIGURES)]
                parts.append(template.format(x=f"{rng.uniform(low, high):.1f}"))
        return "，".join(parts)

    def title(self, place: str, topic: str) -> str:
        """The place, a clause of the topic (or of a seed sentence), and often a figure."""
        rng = self.rng
        heads = topic.split("，")
        for _ in range(20):
            head = rng.choice(heads) if rng.random() < 0.75 else rng.choice(self.clauses)
            title = f"{place}{head}"
            if len(title) < 22 or rng.random() < 0.3:
                with_figure = f"{title} {self.figure()}"
                if len(with_figure) <= 30:
                    title = with_figure
            if 15 <= len(title) <= 30:
                return title
        return f"{place}{self.figure()}，{self.figure()}"[:30]

    def body(self, place: str, topic: str, when: dt.datetime) -> str:
        """An opening with date, place and topic, usually a sentence of figures, then seed sentences."""
        rng = self.rng
        target = rng.randint(200, 400)
        text = f"{when.month}月{when.day}日，{place}{topic}。"
        if rng.random() < 0.8:
            lead = rng.choice(("截至目前", "今年以来", "活动开展以来", "一季度", "上半年", "近一个月"))
            text += f"{lead}，{self.figures(rng.randint(1, 3))}。"
        while len(text) < target:
            sentence = rng.choice(self.sentences)  # at most 90 characters
            if len(text) + len(sentence) > 400:
                break  # only when the text is already past 310 characters
            text += sentence
        return text


# --- items ------------------------------------------------------------------------


@contextlib.contextmanager
def historical_times() -> Iterator[None]:
    """Let bulk inserts keep the times given (auto_now fields would stamp "now")."""
    from xinxi.audit.models import AuditEvent
    from xinxi.items.models import DeskEntry, EntryEvent, Item, Submission

    fields = [Item._meta.get_field("created_at"), Item._meta.get_field("updated_at"),
              Submission._meta.get_field("submitted_at"), DeskEntry._meta.get_field("updated_at"),
              EntryEvent._meta.get_field("at"), AuditEvent._meta.get_field("at")]
    saved = [(f, f.auto_now, f.auto_now_add) for f in fields]  # type: ignore[union-attr]
    for f in fields:
        f.auto_now = f.auto_now_add = False  # type: ignore[union-attr]
    try:
        yield
    finally:
        for f, auto_now, auto_now_add in saved:
            f.auto_now, f.auto_now_add = auto_now, auto_now_add


CATEGORIES = (("news", 50), ("experience", 15), ("problem", 12), ("sentiment", 8), ("supervision", 5),
              ("research", 4), ("comprehensive", 3), ("urgent", 3))


@dataclass
class Draft:
    """An item's fields before insertion (what a reporter would have typed)."""

    unit_id: int
    writer: Any  # the reporter who drafts it
    actor: Any  # who submits: the writer, or the unit's approver where sign-off is required
    title: str
    body: str
    category: str
    tone: str
    classification: int
    urgency: int
    event_time: dt.datetime | None
    major_event: bool
    submitted_at: dt.datetime
    tags: list[int]


def item_rows(
    drafts: list[Draft], net: Network, also: Callable[[list[Any], list[Any], list[Any]], None] | None = None
) -> tuple[int, int]:
    """Insert the rows item_submit makes for each draft; returns (items, entries).

    The item's own history row, the search documents and the notifications are left out
    (the generation indexes everything afterwards, in bulk); ``also(items, submissions,
    entries)`` writes more rows inside the same transaction (the submission bench's raw
    baseline writes those three).
    """
    from django.db import transaction
    from django.utils import timezone

    from xinxi.audit.models import AuditEvent
    from xinxi.items.models import DeskEntry, EntryEvent, EntryState, Item, ItemState, Submission

    with transaction.atomic():
        items = [Item(unit_id=d.unit_id, created_by=d.writer, title=d.title, body=d.body, category=d.category,
                      tone=d.tone, classification=d.classification, urgency=d.urgency,
                      writer_name=d.writer.full_name, writer_phone=d.writer.phone, event_time=d.event_time,
                      major_event=d.major_event, state=ItemState.SUBMITTED, version=2 if d.actor is d.writer else 3,
                      created_at=d.submitted_at - dt.timedelta(minutes=37), updated_at=d.submitted_at,
                      submitted_at=d.submitted_at)
                 for d in drafts]
        Item.objects.bulk_create(items, batch_size=1000)
        links = [Item.tags.through(item_id=i.pk, tag_id=t) for i, d in zip(items, drafts, strict=True) for t in d.tags]
        Item.tags.through.objects.bulk_create(links, batch_size=2000)
        submissions = []
        for item, d in zip(items, drafts, strict=True):
            signs = d.actor is not d.writer  # the approver signs and sends (签发)
            submissions.append(Submission(
                item=item, round=1, receipt_no=f"XX{timezone.localdate(d.submitted_at):%Y%m%d}-{item.pk:07d}-1",
                title=item.title, body=item.body, category=item.category, tone=item.tone,
                classification=item.classification, urgency=item.urgency, writer_name=item.writer_name,
                writer_phone=item.writer_phone, event_time=item.event_time, submitted_by=d.actor,
                signed_off_by=d.actor if signs else None, submitted_at=d.submitted_at, idempotency_key=None))
        Submission.objects.bulk_create(submissions, batch_size=1000)
        entries = []
        for item, submission, d in zip(items, submissions, drafts, strict=True):
            received = d.submitted_at + dt.timedelta(milliseconds=20)
            for desk, source in net.targets[d.unit_id]:
                entries.append(DeskEntry(
                    desk=desk, item=item, submission=submission, origin_unit_id=d.unit_id, source=source,
                    received_title=submission.title, received_body=submission.body, title=submission.title,
                    body=submission.body, classification=submission.classification, urgency=submission.urgency,
                    category=submission.category, tone=submission.tone, major_event=item.major_event,
                    received_at=received, updated_at=received))
        DeskEntry.objects.bulk_create(entries, batch_size=1000)
        receipts = {s.item_id: s for s in submissions}
        EntryEvent.objects.bulk_create([
            EntryEvent(entry=e, at=e.received_at, actor=receipts[e.item_id].submitted_by, action="receive",
                       from_state="", to_state=EntryState.NEW, reason=f"回执号 {receipts[e.item_id].receipt_no}")
            for e in entries], batch_size=2000)
        audits = []
        for item, submission, d in zip(items, submissions, drafts, strict=True):
            common = {"object_type": "item", "object_id": str(item.pk), "object_repr": item.title[:200], "ip": None}
            by_writer = {"actor": d.writer, "actor_name": d.writer.username, **common}
            by_actor = {"actor": d.actor, "actor_name": d.actor.username, **common}
            audits.append(AuditEvent(at=item.created_at, action="item_create", detail={}, **by_writer))
            if d.actor is not d.writer:
                audits.append(AuditEvent(at=d.submitted_at - dt.timedelta(minutes=20), action="item_request_signoff",
                                         detail={}, **by_writer))
            audits.append(AuditEvent(at=d.submitted_at, action="item_submit", **by_actor, detail={
                "receipt": submission.receipt_no, "round": 1, "desks": [k.pk for k, _ in net.targets[d.unit_id]]}))
        AuditEvent.objects.bulk_create(audits, batch_size=2000)
        if also is not None:
            also(items, submissions, entries)
    return len(items), len(entries)


def writers(net: Network) -> tuple[list[int], list[int], list[float]]:
    """Units that can submit: those reaching the hot desk, and the rest with weights by kind."""
    from xinxi.network.models import UnitKind

    weight_by_kind = {UnitKind.PARTY_OFFICE: 4.0, UnitKind.GOV_OFFICE: 3.0, UnitKind.DEPARTMENT: 1.5,
                      UnitKind.TOWNSHIP: 1.0}
    kinds = {u.pk: u.kind for u in net.units.values()}
    hot, rest = [], []
    for unit_id, targets in net.targets.items():
        (hot if any(desk.pk == net.hot_desk.pk for desk, _ in targets) else rest).append(unit_id)
    return hot, rest, [weight_by_kind.get(kinds[u], 1.0) for u in rest]


def generate_items(net: Network, count: int, *, seed: int, days: int, hot_share: float, batch: int,
                   progress: bool = True) -> tuple[int, int]:
    from django.utils import timezone
    from tqdm import tqdm

    from xinxi.items.models import Item, Tag
    from xinxi.lib.choices import Classification, Urgency

    offset = Item.objects.count()
    rng = random.Random(f"{seed}/items/{offset}")  # a second run adds other items, still reproducible
    maker = TextMaker(load_sentences(), rng)
    tag_ids = [Tag.objects.get_or_create(name=name)[0].pk for name in TAGS]
    hot, rest, rest_weights = writers(net)
    signoff = {u.pk for u in net.units.values() if u.requires_signoff}
    hot_weights = [1.0] * len(hot)
    kinds, weights = zip(*CATEGORIES, strict=True)
    now = timezone.now()
    start = now - dt.timedelta(days=days)
    span = (now - start).total_seconds()
    made_items = made_entries = 0
    bar = tqdm(total=count, desc="信息", unit="条", disable=not progress, smoothing=0.05)
    with historical_times():
        for first in range(0, count, batch):
            drafts = []
            for i in range(first, min(count, first + batch)):
                from_hot = rng.random() < hot_share or not rest
                unit_id = rng.choices(hot, hot_weights)[0] if from_hot else rng.choices(rest, rest_weights)[0]
                writer = net.reporters[unit_id]
                actor = net.approvers[unit_id] if unit_id in signoff else writer
                when = start + dt.timedelta(seconds=span * (i + rng.random()) / count)
                category = rng.choices(kinds, weights)[0]
                tone = "problem" if category in {"problem", "supervision"} or rng.random() < 0.12 else "positive"
                classification = min(writer.clearance, rng.choices(
                    [Classification.PUBLIC, Classification.INTERNAL, Classification.SECRET,
                     Classification.CONFIDENTIAL], [30, 60, 8, 2])[0])
                topic = rng.choice(TOPICS)
                place = net.place[unit_id]
                local = timezone.localtime(when)
                drafts.append(Draft(
                    unit_id=unit_id, writer=writer, actor=actor, title=maker.title(place, topic),
                    body=maker.body(place, topic, local), category=category, tone=tone,
                    classification=classification,
                    urgency=rng.choices([Urgency.ROUTINE, Urgency.URGENT, Urgency.EXTRA], [90, 8, 2])[0],
                    event_time=when - dt.timedelta(hours=rng.randint(1, 72)) if rng.random() < 0.6 else None,
                    major_event=rng.random() < 0.01, submitted_at=when,
                    tags=rng.sample(tag_ids, rng.choice((0, 0, 0, 1, 1, 2)))))
            items, entries = item_rows(drafts, net)
            made_items += items
            made_entries += entries
            bar.update(items)
    bar.close()
    return made_items, made_entries


def settle_entries(days: int = 3) -> int:
    """Work the desks' older entries off, as a desk would: 待处理 only for the last ``days`` days.

    Entries received earlier become 处理中 (one in ten) or 不采用 (the rest), so the inbox's
    tabs hold what a working desk holds instead of 10⁵ untouched entries. (Adopted and
    combined entries would need issues and adoptions; the benches do not need them.) Runs on
    the new entries only, so a second run of the generator leaves earlier ones alone.
    """
    from django.db import connection

    cutoff = timezone_now() - dt.timedelta(days=days)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE items_deskentry SET state = CASE WHEN id %% 10 = 0 THEN 'read' ELSE 'not_adopted' END"
            " WHERE state = 'new' AND received_at < %s",
            [cutoff],
        )
        return cursor.rowcount


def timezone_now() -> dt.datetime:
    from django.utils import timezone

    return timezone.now()


def analyze() -> None:
    """Fresh statistics after a bulk load, as autovacuum would give a running system."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for table in ("items_item", "items_item_tags", "items_submission", "items_deskentry", "items_entryevent",
                          "audit_auditevent"):
                cursor.execute(f"VACUUM ANALYZE {table}")
            cursor.execute("ANALYZE")  # the network's tables too (the planner's estimate of a unit class)
        else:
            cursor.execute("ANALYZE")


def reindex() -> str:
    """Rebuild the search index with ``manage.py reindex`` if another change has provided it."""
    from django.core.management import call_command, get_commands

    if "reindex" not in get_commands():
        return "没有 manage.py reindex 命令：检索索引未重建（archive 的索引钩子在批量写入时不会被调用）。"
    started = time.perf_counter()
    call_command("reindex")
    return f"检索索引已重建（manage.py reindex，{time.perf_counter() - started:.0f} 秒）。"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("items", nargs="?", type=int, default=100_000, help="条数（默认 100000）")
    parser.add_argument("--hot-share", type=float, default=0.1, help="报往江阳市委办公室信息科的比例")
    parser.add_argument("--days", type=int, default=730)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--batch", type=int, default=2000)
    parser.add_argument("--no-reindex", action="store_true")
    parser.add_argument("--no-migrate", action="store_true")
    args = parser.parse_args(argv)
    setup_django()
    from django.core.management import call_command

    from xinxi.items.models import DeskEntry, Item

    print(f"数据库：{describe_database()}")
    if not args.no_migrate:
        call_command("migrate", interactive=False, verbosity=0)
    started = time.perf_counter()
    net = ensure_network(args.seed)
    print(f"单位 {len(net.units)} 个，可报送单位 {len(net.targets)} 个，热点科室：{net.hot_desk.name}"
          f"（{time.perf_counter() - started:.1f} 秒）")
    started = time.perf_counter()
    items, entries = generate_items(net, args.items, seed=args.seed, days=args.days, hot_share=args.hot_share,
                                    batch=args.batch)
    elapsed = time.perf_counter() - started
    if items:
        print(f"写入信息 {items} 条、收稿 {entries} 条，用时 {elapsed:.0f} 秒（{items / elapsed:.0f} 条/秒）")
    print(f"合计：信息 {Item.objects.count()} 条，收稿 {DeskEntry.objects.count()} 条，"
          f"热点科室收稿 {DeskEntry.objects.filter(desk=net.hot_desk).count()} 条")
    if items:
        print(f"较早的收稿已处理（处理中或不采用）：{settle_entries()} 条")
        analyze()
    if items and not args.no_reindex:
        print(reindex())


if __name__ == "__main__":
    main()
