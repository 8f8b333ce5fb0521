"""/assignments/: one page that leads to every kind of work the desk assigns and shares.

The main menu has one entry for all of them (约稿与专题); this page shows each user the
areas their roles work in, with what each one is for.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from xinxi.accounts.models import DESK_ROLES, Role, User
from xinxi.lib.http import AuthedRequest
from xinxi.network.permissions import user_desk

UNIT_ROLES = (Role.REPORTER, Role.APPROVER)
DESK_WORKERS = (Role.EDITOR, Role.DESK_CHIEF)


@dataclass(frozen=True)
class Area:
    title: str
    url: str
    text: str


def areas_for(user: User) -> list[Area]:
    """The areas this user works in, in the order of a month's work."""
    at_desk = user_desk(user) is not None
    in_unit = user.has_role(*UNIT_ROLES)
    works_desk = at_desk and user.has_role(*DESK_WORKERS)
    found = [
        Area("约稿", reverse("assignments:commission_list"),
             "科室就专题向选定单位约稿；单位以信息答复，按时、逾期、未报送计入积分。"),
        Area("报送要点", reverse("assignments:priority_list"),
             "本季度（月）重点报送的专题；写信息时标注要点，科室查看各要点、各单位的覆盖情况。"),
        Area("调研", reverse("assignments:research_home"),
             "调研题目与各类单位的调研信息任务；调研信息按“情况、分析、建议”撰写。"),
        Area("舆情清单", reverse("assignments:lists"),
             "每月报送舆论监督与群众意见建议清单；科室交办涉及单位，办理结果反馈报送单位。"),
    ]
    if works_desk:
        found.append(Area("社情民意季度汇编", reverse("assignments:sentiment"),
                          "把本季度收到的社情民意信息汇编成综合报告，注明各条来源。"))
    found.append(Area("共享信息", reverse("assignments:share_list"),
                      "上级或同级科室共享给本单位参考的信息，以及本科室共享出去的信息和阅读情况。"))
    if at_desk:
        found.append(Area("点评统计", reverse("assignments:remark_counts"),
                          "本科室对各信息员来稿的点评次数和评价，按月、季、年统计，可导出。"))
    if works_desk:
        found.append(Area("邮件收稿", reverse("intake:queue"),
                          "基层单位用电子邮件报来的稿件：确认报送单位后采用进入收稿箱，或退回、隔离。"))
    if not (at_desk or in_unit):
        return []
    return found


@login_required
def hub(request: AuthedRequest) -> HttpResponse:
    user = request.user
    if user.unit_id is None or not user.has_role(*UNIT_ROLES, *DESK_ROLES):
        raise Http404("没有可查看的约稿与专题工作。")
    return render(request, "assignments/hub.html", {"areas": areas_for(user)})
