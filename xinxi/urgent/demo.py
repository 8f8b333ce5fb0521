"""Demo urgent information for the demo province, built through the services, relative to now.

On a fresh start the 临江 city desk's duty officer (lj_zb) finds on the duty board:

- **a running incident** (a fire in 东城区, 较大, occurred 30 minutes before loading): the
  district's phone clock met by a call taken 12 minutes after it happened, its written clock
  counting down, and the city's own clocks to the province running;
- **a late one** (a landslide in 柳河县, 一般, occurred 3 hours before loading): the call came
  in time, the 首报 was filed at loading time, past its 2-hour written limit (迟报: the
  measured delay is the deadline's ``late_minutes``);
- **a closed one** (a gas leak in 东城区, 一般, occurred 100 minutes before loading): 首报 →
  续报一 → 终报, the 终报 filed by the reporter and signed off by the district's approver
  (dc_qf), which closes the incident.

The demo desks get their limit tables first (data, through ``settings_update``): the city
desk, by severity, 30–60 minutes by phone and 1–2 hours in writing; the province desk
receives 较大 and above, 1 hour by phone and 5 hours in writing for 较大. Nothing is back-dated:
every clock runs from the incident's occurred-at, which the services accept up to a year back.

Idempotent: an incident whose title is already recorded at the city desk is left alone, and a
desk that already has a limit table keeps it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from xinxi.accounts.models import User
from xinxi.items import services as item_services
from xinxi.network.models import Desk, Unit
from xinxi.urgent import findings_sweep, services, services_settings
from xinxi.urgent.models import ClockLimit, Incident, IncidentReport, ReportKind, Severity

CITY, PROVINCE = "临江市委办公室", "东海省委办公厅"
DUTY_OFFICER, CITY_CHIEF, PROVINCE_CHIEF = "lj_zb", "lj_kz", "sheng_kz"

CITY_LIMITS = [
    (Severity.I, 30, 60), (Severity.II, 30, 60), (Severity.III, 30, 120), (Severity.IV, 60, 120),
]
PROVINCE_LIMITS = [(Severity.I, 30, 120), (Severity.II, 30, 180), (Severity.III, 60, 300)]

RUNNING = "东城区文化路街道一商住楼发生火灾"
LATE = "柳河县孙集镇发生山体滑坡阻断县道"
CLOSED = "东城区大明湖街道一小区燃气管道泄漏"


@dataclass(frozen=True)
class Report:
    kind: str
    title: str
    body: str


@dataclass(frozen=True)
class DemoIncident:
    title: str
    unit: str
    reporter: str
    approver: str
    minutes_ago: int
    facts: dict[str, Any]
    caller: str
    phone_after: int  # minutes after occurred-at
    phone_content: str
    reports: list[Report] = field(default_factory=list)


INCIDENTS = [
    DemoIncident(
        RUNNING, "东城区委办公室", "dc_xxy", "dc_qf", 30,
        {"incident_class": "accident", "subtype": "fire", "severity": Severity.III,
         "place": "东城区文化路街道和平里小区12号商住楼", "deaths": 3, "injured": 6,
         "summary": "商住楼一层商铺起火，火势沿楼道蔓延，消防、公安、卫健等部门正在现场处置，已疏散群众200余人。"},
        "东城区委办公室值班室 王建军", 12,
        "文化路街道和平里小区一商住楼起火，已有3人死亡、6人受伤送医，消防正在灭火，区领导已赶赴现场。",
    ),
    DemoIncident(
        LATE, "柳河县委办公室", "lh_xxy", "", 180,
        {"incident_class": "natural", "subtype": "geological", "severity": Severity.IV,
         "place": "柳河县孙集镇县道X012线K15处",
         "summary": "连日降雨引发山体滑坡，约3000立方米土石阻断县道，无人员伤亡。"},
        "柳河县委办公室值班室 赵磊", 40,
        "孙集镇县道发生山体滑坡，道路中断，暂无人员伤亡，交通部门正在组织抢通。",
        [Report(ReportKind.FIRST, "柳河县孙集镇发生山体滑坡阻断县道X012线",
                "今日，柳河县孙集镇县道X012线K15处因连日降雨发生山体滑坡，约3000立方米土石阻断道路，未造成人员伤亡。"
                "县交通运输局已调集机械抢通，设置绕行线路，县应急管理局对沿线地质隐患点开展排查。")],
    ),
    DemoIncident(
        CLOSED, "东城区委办公室", "dc_xxy", "dc_qf", 100,
        {"incident_class": "accident", "subtype": "utility", "severity": Severity.IV,
         "place": "东城区大明湖街道明湖花园小区", "summary": "小区地下燃气管道被施工挖断，发生泄漏，已紧急疏散居民。"},
        "东城区委办公室值班室 王建军", 25,
        "明湖花园小区燃气管道被施工挖断泄漏，已关阀并疏散居民，无人员伤亡。",
        [
            Report(ReportKind.FIRST, "东城区明湖花园小区燃气管道被挖断泄漏",
                   "今日，东城区大明湖街道明湖花园小区地下燃气管道被一施工单位挖断，发生燃气泄漏。区燃气公司接报后关闭"
                   "上游阀门，街道组织疏散居民320户，未造成人员伤亡。"),
            Report(ReportKind.FOLLOWUP, "东城区明湖花园小区燃气泄漏处置进展",
                   "燃气公司已完成管道抢修，经检测小区内无残余燃气，居民陆续返回。区住建局已责令施工单位停工整改，"
                   "对辖区地下管线施工开展专项检查。"),
            Report(ReportKind.FINAL, "东城区明湖花园小区燃气泄漏事件处置完毕",
                   "管道已修复通气，全部居民返回家中。经调查，泄漏系施工单位未按规定查明地下管线、违规开挖所致，"
                   "区住建局已对其立案调查。本事件未造成人员伤亡和较大财产损失，处置工作结束。"),
        ],
    ),
]


def _user(username: str) -> User:
    return User.objects.get(username=username)


def _desk(unit_name: str) -> Desk:
    return Desk.objects.select_related("unit").get(unit__name=unit_name)


def ensure_limits() -> int:
    """The demo desks' limit tables (a desk that has one keeps it); returns the desks set."""
    done = 0
    for unit_name, chief, table, receive in (
        (CITY, CITY_CHIEF, CITY_LIMITS, Severity.IV),
        (PROVINCE, PROVINCE_CHIEF, PROVINCE_LIMITS, Severity.III),
    ):
        desk = _desk(unit_name)
        if ClockLimit.objects.filter(desk=desk).exists():
            continue
        rows = [{"severity": s, "channel": channel, "minutes": minutes}
                for s, phone, written in table for channel, minutes in (("phone", phone), ("written", written))]
        services_settings.settings_update(
            actor=_user(chief), desk=desk, limits=rows, receive_max_severity=receive,
        )
        done += 1
    return done


def _file(spec: DemoIncident, incident: Incident, report: Report) -> IncidentReport:
    filed = services.report_file(
        actor=_user(spec.reporter), incident=incident, kind=report.kind, title=report.title, body=report.body,
        idempotency_key=f"demo-urgent-{incident.pk}-{report.kind}-{report.title[:20]}",
    )
    if filed.submitted_at is None and spec.approver:
        # Waiting for the leader's sign-off (a 终报): the district's approver signs it off.
        item_services.item_submit(actor=_user(spec.approver), item=filed.item)
        filed.refresh_from_db()
    return filed


@transaction.atomic
def _one(spec: DemoIncident, desk: Desk, now: dt.datetime) -> Incident:
    officer = _user(DUTY_OFFICER)
    occurred = now - dt.timedelta(minutes=spec.minutes_ago)
    unit = Unit.objects.get(name=spec.unit)
    incident = services.incident_record(
        actor=officer, desk=desk, units=[unit], title=spec.title, occurred_at=occurred,
        source="phone", **spec.facts,
    )
    services.phone_report_record(
        actor=officer, desk=desk, unit=unit, caller=spec.caller,
        received_at=occurred + dt.timedelta(minutes=spec.phone_after), content=spec.phone_content,
        incident=incident,
    )
    for report in spec.reports:
        _file(spec, incident, report)
    incident.refresh_from_db()
    return incident


def load(now: dt.datetime | None = None) -> int:
    """Load what is missing; returns the number of incidents recorded (0 when all were there)."""
    now = now or timezone.now()
    ensure_limits()
    desk = _desk(CITY)
    made = 0
    for spec in INCIDENTS:
        if Incident.objects.filter(desk=desk, title=spec.title).exists():
            continue
        _one(spec, desk, now)
        made += 1
    # The late 首报's passed written clock becomes a proposed 迟报, as the worker's sweep would make it.
    findings_sweep.sweep(now)
    return made
