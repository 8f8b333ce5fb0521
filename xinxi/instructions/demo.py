"""Demo instructions and supervision at the 临江 city desk, built through the services.

A 市委书记 instruction on 柳河县's wheat-sowing item tasks 柳河县, due tomorrow (so
the worker's first sweep sends a due-soon reminder); a 市长
instruction on the first issue of 《临江信息》 tasks two districts, one of which has
already reported and waits for the desk's review. Idempotent.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from xinxi.accounts.models import User
from xinxi.instructions import services
from xinxi.instructions.models import Instruction
from xinxi.items.models import DeskEntry
from xinxi.network.models import Unit
from xinxi.publications.models import Issue, IssueState

CITY = "临江市委办公室"


def _user(username: str) -> User:
    return User.objects.get(username=username)


@transaction.atomic
def load() -> int:
    """Record the demo instructions and tasks if missing; returns how many instructions were made."""
    if Instruction.objects.filter(desk__unit__name=CITY).exists():
        return 0
    issue = Issue.objects.filter(
        periodical__desk__unit__name=CITY, periodical__name="临江信息", state=IssueState.ISSUED
    ).first()
    wheat = DeskEntry.objects.filter(desk__unit__name=CITY, item__title__startswith="柳河县小麦").first()
    if issue is None or wheat is None:
        return 0
    editor, chief = _user("lj_bj"), _user("lj_kz")
    today = timezone.localdate()
    on_item = services.instruction_record(
        actor=editor,
        entry=wheat,
        leader_name="刘建国",
        leader_title="市委书记",
        level="city_main",
        text="稳住粮食面积是头等大事。请柳河县抓好冬前田间管理和防冻保苗，确保明年夏粮丰收，并将落实情况及时报市委。",
        instructed_on=today,
    )
    services.tasks_create(
        actor=editor,
        instruction=on_item,
        units=[Unit.objects.get(name="柳河县委办公室")],
        due_on=today + dt.timedelta(days=1),
        requirement="请报送冬前田间管理和防冻保苗的落实情况。",
    )
    on_issue = services.instruction_record(
        actor=chief,
        issue=issue,
        leader_name="陈志远",
        leader_title="市长",
        level="city_main",
        text="东城区“接诉即办”的做法值得推广，请各区结合实际学习借鉴，报送落实情况。",
        instructed_on=today,
    )
    east, west = Unit.objects.get(name="东城区委办公室"), Unit.objects.get(name="西城区委办公室")
    tasks = services.tasks_create(
        actor=chief,
        instruction=on_issue,
        units=[east, west],
        due_on=today + dt.timedelta(days=10),
        requirement="请报送学习借鉴“接诉即办”做法的落实情况。",
    )
    west_task = next(t for t in tasks if t.unit_id == west.pk)
    services.report_submit(
        actor=_user("xc_xxy"),
        task=west_task,
        text="西城区已召开专题会学习东城区“接诉即办”做法，明确由区政务服务中心牵头，12月起试行诉求“一号受理、"
        "限时办结、回访评价”机制。",
    )
    return 2
