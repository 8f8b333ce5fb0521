"""A notification never carries a title above its recipient's clearance: not in the centre,
the unread count, the top bar's drop-down, the API or any channel.

``SCENARIOS`` has one entry per kind of notification: the service call that sends it, the
person it is for, and the words only a cleared reader may see. Each runs twice: with the
recipient cleared for 机密 (they read the words everywhere) and with the recipient cleared
below it (they get nothing at all). A new kind without a scenario fails
``test_every_kind_is_covered``.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import time_machine
from django.test import Client
from rest_framework.test import APIClient

from xinxi.accounts.models import Role, User
from xinxi.instructions import services as supervision
from xinxi.instructions.models import SupervisionTask
from xinxi.items import desk_services, services
from xinxi.items.models import DeskEntry, Item, VerificationMethod
from xinxi.items.tests.factories import draft, entry_at, submitted
from xinxi.lib.choices import Classification
from xinxi.network.testing import Net, make_user
from xinxi.notifications.kinds import registered_kinds
from xinxi.notifications.models import Notification, NotificationKind
from xinxi.notifications.services import unread_count
from xinxi.notifications.tests.outbox import OUTBOX
from xinxi.publications import services as pub
from xinxi.publications.models import Issue
from xinxi.publications.tests.factories import periodical
from xinxi.urgent import services as urgent
from xinxi.urgent import warnings as urgent_warnings
from xinxi.urgent.tests.helpers import city_desk
from xinxi.urgent.tests.helpers import facts as incident_facts

K = NotificationKind
SHANGHAI = dt.timezone(dt.timedelta(hours=8))
NOW = dt.datetime(2026, 11, 20, 9, 30, tzinfo=SHANGHAI)
DAY = NOW.date()
TITLE = "东城县涉密专项排查发现隐患43处"
LEADER = "周副市长"
CONFIDENTIAL = Classification.CONFIDENTIAL


@dataclass
class Case:
    recipient: User
    secret: str
    send: Callable[[], Any]


@pytest.fixture
def people(net: Net, settings: Any) -> Iterator[Net]:
    """The small province with its unit and desk people cleared for 机密, a province desk, a test channel."""
    for name in ("reporter", "approver", "editor", "desk_chief"):
        user = net.users[name]
        user.clearance = CONFIDENTIAL
        user.save(update_fields=["clearance"])
    net.users["sheng_bj"] = make_user("sheng_bj", net.province, Role.EDITOR, clearance=CONFIDENTIAL)
    net.users["sheng_kz"] = make_user("sheng_kz", net.province, Role.DESK_CHIEF, Role.EDITOR, clearance=CONFIDENTIAL)
    settings.XINXI_NOTIFICATION_CHANNELS = ["xinxi.notifications.tests.outbox.OutboxChannel"]
    OUTBOX.clear()
    with time_machine.travel(NOW, tick=True):
        yield net


def secret_item(net: Net, title: str = TITLE) -> Item:
    return submitted(net.reporter, title=title, classification=CONFIDENTIAL)


def secret_entry(net: Net, title: str = TITLE) -> DeskEntry:
    entry = entry_at(secret_item(net, title), net.city.desk)
    desk_services.entry_open(actor=net.editor, entry=entry)
    return entry


def secret_issue(net: Net) -> Issue:
    issue = pub.issue_create(actor=net.editor, periodical=periodical(net))
    pub.issue_add_entries(actor=net.editor, issue=issue, entries=[entry_at(secret_item(net), net.city.desk)])
    return issue


def instruction(net: Net) -> Any:
    return supervision.instruction_record(
        actor=net.editor, entry=secret_entry(net), leader_name=LEADER, leader_title="副市长",
        level="city", text="请抓紧整改，确保安全。", instructed_on=DAY,
    )


def task(net: Net, *, reported: bool = False, accepted: bool = False) -> SupervisionTask:
    [made] = supervision.tasks_create(
        actor=net.editor, instruction=instruction(net), units=[net.county], due_on=DAY + dt.timedelta(days=5)
    )
    if reported:
        supervision.report_submit(actor=net.reporter, task=made, text="已完成整改。")
        made.refresh_from_db()
    if accepted:
        supervision.report_accept(actor=net.editor, task=made)
        made.refresh_from_db()
    return made


def _signoff_requested(net: Net) -> Case:
    net.county.requires_signoff = True
    net.county.save(update_fields=["requires_signoff"])
    item = draft(net.reporter, title=TITLE, classification=CONFIDENTIAL)
    return Case(net.approver, TITLE, lambda: services.item_request_signoff(actor=net.reporter, item=item))


def _signoff_returned(net: Net) -> Case:
    _signoff_requested(net).send()
    item = Item.objects.get(title=TITLE)
    return Case(net.reporter, TITLE, lambda: services.item_return_signoff(actor=net.approver, item=item, reason="核实"))


def _received(net: Net) -> Case:
    item = draft(net.reporter, title=TITLE, classification=CONFIDENTIAL)
    return Case(net.editor, TITLE, lambda: services.item_submit(actor=net.reporter, item=item))


def _assigned(net: Net) -> Case:
    entry = entry_at(secret_item(net), net.city.desk)
    assign = desk_services.entry_assign
    return Case(net.editor, TITLE, lambda: assign(actor=net.desk_chief, entry=entry, editor=net.editor))


def _forward(net: Net, recipient: str) -> Case:
    entry = secret_entry(net)
    return Case(net.users[recipient], TITLE, lambda: desk_services.entry_forward(actor=net.editor, entry=entry))


def _below(action: Callable[[Net, DeskEntry], Any]) -> Callable[[Net], Case]:
    def scenario(net: Net) -> Case:
        entry = secret_entry(net)
        return Case(net.reporter, TITLE, lambda: action(net, entry))

    return scenario


def _combined(net: Net) -> Case:
    entries = [secret_entry(net), secret_entry(net, "东城镇涉密排查隐患")]
    return Case(net.reporter, TITLE, lambda: desk_services.entry_combine(
        actor=net.editor, entries=entries, title="全市涉密专项排查综合", body="综合正文，排查隐患共计43处。"
    ))


def _issue(action: Callable[[Net, Issue], Any], recipient: str, *, sent: bool) -> Callable[[Net], Case]:
    def scenario(net: Net) -> Case:
        issue = secret_issue(net)
        if sent:
            pub.issue_send_for_signoff(actor=net.editor, issue=issue)
        return Case(net.users[recipient], "《临江信息》", lambda: action(net, issue))

    return scenario


def _task(action: Callable[[Net, SupervisionTask], Any], secret: str = LEADER, **state: bool) -> Callable[[Net], Case]:
    def scenario(net: Net) -> Case:
        made = task(net, **state)
        recipient = net.editor if action is _report else net.reporter
        return Case(recipient, secret, lambda: action(net, made))

    return scenario


def _report(net: Net, made: SupervisionTask) -> Any:
    return supervision.report_submit(actor=net.reporter, task=made, text="已完成整改。")


def _instruction_recorded(net: Net) -> Case:
    entry = secret_entry(net)
    return Case(net.reporter, TITLE, lambda: supervision.instruction_record(
        actor=net.editor, entry=entry, leader_name=LEADER, leader_title="副市长", level="city",
        text="请抓紧整改。", instructed_on=DAY,
    ))


def _task_assigned(net: Net) -> Case:
    made = instruction(net)
    due = DAY + dt.timedelta(days=5)
    return Case(net.reporter, LEADER, lambda: supervision.tasks_create(
        actor=net.editor, instruction=made, units=[net.county], due_on=due
    ))


INCIDENT = "东城镇涉密矿井透水事故"


def _record_incident(net: Net, minutes_ago: int) -> Any:
    """A 机密 incident that happened ``minutes_ago`` (city desk limits: phone 30, written 120 minutes)."""
    return urgent.incident_record(
        actor=net.desk_chief, desk=city_desk(net), units=[net.county],
        **incident_facts(title=INCIDENT, classification=CONFIDENTIAL,
                         occurred_at=NOW - dt.timedelta(minutes=minutes_ago)),
    )


def _urgent_incident(net: Net) -> Case:
    return Case(net.reporter, INCIDENT, lambda: _record_incident(net, 10))


def _urgent_sweep(recipient: str, minutes_ago: int) -> Callable[[Net], Case]:
    """The warning sweep at the moment the stage of the county's written clock is due."""
    def scenario(net: Net) -> Case:
        user = net.users[recipient]
        user.clearance = CONFIDENTIAL
        user.save(update_fields=["clearance"])
        _record_incident(net, minutes_ago)
        return Case(user, INCIDENT, urgent_warnings.sweep)

    return scenario
def _secret_incident(net: Net) -> Any:
    from xinxi.urgent.tests.helpers import facts, record

    return record(net, actor=net.editor, **{**facts(occurred_at=NOW - dt.timedelta(hours=2)),
                                            "title": TITLE, "classification": CONFIDENTIAL})


def _finding_proposed(net: Net) -> Case:
    from xinxi.urgent import services_findings

    incident = _secret_incident(net)
    return Case(net.desk_chief, TITLE, lambda: services_findings.finding_record(
        actor=net.editor, incident=incident, unit=net.county, kind="missed", evidence="从媒体先获知，县里未报。"))


def _finding_decided(net: Net) -> Case:
    from xinxi.urgent import services_findings

    finding = services_findings.finding_record(
        actor=net.editor, incident=_secret_incident(net), unit=net.county, kind="missed", evidence="从媒体先获知。")
    return Case(net.reporter, TITLE, lambda: services_findings.finding_dismiss(
        actor=net.desk_chief, finding=finding, version=finding.version, reason="县里已电话报告，不属漏报。"))


def _remark_written(net: Net) -> Case:
    from xinxi.assignments import services_remarks

    entry = secret_entry(net)
    return Case(net.reporter, TITLE, lambda: services_remarks.remark_write(
        actor=net.editor, entry=entry, text="数字翔实，标题具体。", rating="good"))


def _share_received(net: Net) -> Case:
    """Shared with the city's department: one of its people cleared for 机密 is the recipient, another
    stays cleared, so the share goes through when the recipient's clearance is lowered."""
    from xinxi.assignments import services_sharing

    recipient = make_user("dept_reader", net.city_dept, Role.REPORTER, clearance=CONFIDENTIAL)
    make_user("dept_chief", net.city_dept, Role.APPROVER, clearance=CONFIDENTIAL)
    entry = secret_entry(net)
    return Case(recipient, TITLE, lambda: services_sharing.share_create(
        actor=net.editor, entry=entry, units=[net.city_dept], note="供参考"))


SCENARIOS: dict[str, Callable[[Net], Case]] = {
    K.ITEM_SIGNOFF_REQUESTED: _signoff_requested,
    K.ITEM_SIGNOFF_RETURNED: _signoff_returned,
    K.ITEM_RECEIVED: _received,
    K.ENTRY_ASSIGNED: _assigned,
    K.ENTRY_FORWARDED: lambda net: _forward(net, "sheng_bj"),
    K.ENTRY_FORWARDED_UP: lambda net: _forward(net, "reporter"),
    K.ENTRY_RETURNED: _below(lambda net, e: desk_services.entry_return(actor=net.editor, entry=e, reason="补充")),
    K.ENTRY_NOT_ADOPTED: _below(lambda net, e: desk_services.entry_not_adopt(actor=net.editor, entry=e, reason="雷同")),
    K.ENTRY_VERIFY: _below(lambda net, e: desk_services.verification_request(
        actor=net.editor, entry=e, method=VerificationMethod.SENDER, question="数字是否准确")),
    K.ENTRY_COMBINED: _combined,
    K.ENTRY_ADOPTED: _below(lambda net, e: desk_services.adoption_record(
        actor=net.editor, entry=e, publication="临江信息", issue_no="2026年第12期", adopted_on=DAY, kind="full")),
    K.ISSUE_PENDING: _issue(lambda net, i: pub.issue_send_for_signoff(actor=net.editor, issue=i), "desk_chief",
                            sent=False),
    K.ISSUE_RETURNED: _issue(lambda net, i: pub.issue_return(actor=net.desk_chief, issue=i, reason="再精炼"), "editor",
                             sent=True),
    K.ISSUE_SIGNED: _issue(lambda net, i: pub.issue_sign_off(actor=net.desk_chief, issue=i), "editor", sent=True),
    K.INSTRUCTION_RECORDED: _instruction_recorded,
    K.TASK_ASSIGNED: _task_assigned,
    K.TASK_REPORTED: _task(_report),
    K.TASK_ACCEPTED: _task(lambda net, t: supervision.report_accept(actor=net.editor, task=t), reported=True),
    K.TASK_RETURNED: _task(lambda net, t: supervision.report_return(actor=net.editor, task=t, reason="补充整改照片"),
                           secret="补充整改照片", reported=True),
    K.TASK_CLOSED: _task(lambda net, t: supervision.task_close(actor=net.editor, task=t), reported=True,
                         accepted=True),
    K.TASK_EXTENDED: _task(lambda net, t: supervision.task_extend(
        actor=net.editor, task=t, due_on=DAY + dt.timedelta(days=9), reason="汛期顺延"), secret="2026年11月29日"),
    K.TASK_REMINDER: _task(lambda net, t: supervision.send_reminders(today=t.due_on)),
    K.URGENT_INCIDENT: _urgent_incident,
    K.URGENT_WARNING: _urgent_sweep("reporter", 100),  # written due in 20 minutes: T−30 is due
    K.URGENT_OVERDUE: _urgent_sweep("duty_officer", 125),  # written passed 5 minutes ago
    K.URGENT_ESCALATION: _urgent_sweep("approver", 160),  # written passed 40 minutes ago: escalated
    K.URGENT_FINDING_PROPOSED: _finding_proposed,
    K.URGENT_FINDING_DECIDED: _finding_decided,
    K.REMARK_WRITTEN: _remark_written,
    K.SHARE_RECEIVED: _share_received,
}


def what_they_read(user: User) -> dict[str, str]:
    """Everything about notifications the user can get: centre page, drop-down, API, top bar."""
    client = Client()
    client.force_login(user)
    api = APIClient()
    api.force_authenticate(user)
    answer = api.get("/api/v1/notifications/")
    assert answer.status_code == 200
    return {
        "centre": client.get("/notifications/").content.decode(),
        "popover": client.get("/notifications/latest/").content.decode(),
        "api": json.dumps(answer.json(), ensure_ascii=False),
        "home": client.get("/").content.decode(),
    }


# Kinds about objects that are never classified: a circular (通报) names units and numbers
# only, never an item or its title (``scoring.circulars``), so every reader it is sent to
# may read it; ``scoring/tests/test_circulars_services.py`` checks who is told.
UNCLASSIFIED = {K.CIRCULAR_PENDING, K.CIRCULAR_RETURNED, K.CIRCULAR_SIGNED, K.CIRCULAR_ISSUED}
# 舆论监督与群众意见建议 lists are never classified (what media and the public said openly);
# ``assignments/tests/test_lists.py`` checks who is told.
UNCLASSIFIED |= {K.SUPERVISION_LIST_SENT, K.SUPERVISION_ROW_ROUTED, K.SUPERVISION_ROW_REPLIED,
                 K.SUPERVISION_ROW_OVERDUE}
# commissions (约稿) carry no classification: a topic and a due time
UNCLASSIFIED |= {K.COMMISSION_ISSUED, K.COMMISSION_REMINDER, K.COMMISSION_DECLINED}
# 报送要点 lists are not classified (topics a desk asks its network for); ``assignments/tests/
# test_priorities.py`` checks who is told.
UNCLASSIFIED |= {K.PRIORITIES_PUBLISHED}


def test_every_kind_is_covered() -> None:
    kinds = set(NotificationKind.values) - {K.LEGACY}
    assert set(SCENARIOS) == kinds - UNCLASSIFIED
    assert registered_kinds() == kinds


@pytest.mark.parametrize("kind", list(SCENARIOS))
def test_a_cleared_recipient_reads_the_title_everywhere(
    people: Net, kind: str, django_capture_on_commit_callbacks: Any
) -> None:
    case = SCENARIOS[kind](people)
    with django_capture_on_commit_callbacks(execute=True):
        case.send()
    recipient = User.objects.get(pk=case.recipient.pk)
    assert Notification.objects.filter(user=recipient, kind=kind).exists()
    seen = what_they_read(recipient)
    for place in ("centre", "popover", "api"):
        assert case.secret in seen[place], place
    assert unread_count(recipient) >= 1 and f'aria-label="{unread_count(recipient)} 条未读"' in seen["home"]
    assert any(m.recipient.pk == recipient.pk and m.kind == kind and case.secret in m.text for m in OUTBOX)


@pytest.mark.parametrize("clearance", [Classification.SECRET, Classification.PUBLIC], ids=["secret", "public"])
@pytest.mark.parametrize("kind", list(SCENARIOS))
def test_a_recipient_below_the_classification_gets_nothing(
    people: Net, kind: str, clearance: int, django_capture_on_commit_callbacks: Any
) -> None:
    case = SCENARIOS[kind](people)
    case.recipient.clearance = clearance
    case.recipient.save(update_fields=["clearance"])
    with django_capture_on_commit_callbacks(execute=True):
        case.send()
    recipient = User.objects.get(pk=case.recipient.pk)
    assert not Notification.objects.filter(user=recipient, kind=kind).exists()
    seen = what_they_read(recipient)
    for place, html in seen.items():
        assert case.secret not in html, place
        assert TITLE not in html, place
    assert unread_count(recipient) == 0 and "条未读" not in seen["home"]
    assert not [m for m in OUTBOX if m.recipient.pk == recipient.pk]


# --- at read time ---


def _editor_told_of_a_secret_item(net: Net) -> tuple[Notification, DeskEntry]:
    """The 秘密-cleared editor is assigned a 秘密 item (a notification they may read)."""
    net.editor.clearance = Classification.SECRET
    net.editor.save(update_fields=["clearance"])
    entry = entry_at(submitted(net.reporter, title=TITLE, classification=Classification.SECRET), net.city.desk)
    desk_services.entry_assign(actor=net.desk_chief, entry=entry, editor=net.editor)
    return Notification.objects.get(user=net.editor, kind=K.ENTRY_ASSIGNED), entry


def test_an_object_reclassified_above_the_reader_keeps_the_notification_but_not_its_title(people: Net) -> None:
    notification, entry = _editor_told_of_a_secret_item(people)
    assert TITLE in what_they_read(people.editor)["centre"]
    DeskEntry.objects.filter(pk=entry.pk).update(classification=CONFIDENTIAL)
    seen = what_they_read(people.editor)
    for place in ("centre", "popover", "api"):
        assert TITLE not in seen[place] and "分配信息" in seen[place], place
    # Count and list agree: the notifications (新收信息 and 分配) are still there, worded without the title.
    assert unread_count(people.editor) == 2 and 'aria-label="2 条未读"' in seen["home"]
    assert seen["centre"].count("相关内容已不在您的查看范围内") == 2
    row = json.loads(seen["api"])["results"][0]
    assert (row["available"], row["url"], row["kind"]) == (False, "", K.ENTRY_ASSIGNED)
    client = Client()
    client.force_login(people.editor)
    assert client.post(f"/notifications/{notification.pk}/open/")["Location"] == "/notifications/"


def test_a_reader_whose_clearance_is_lowered_no_longer_sees_or_counts_it(people: Net) -> None:
    case = SCENARIOS[K.ITEM_RECEIVED](people)
    case.send()
    assert unread_count(people.editor) == 1
    people.editor.clearance = Classification.SECRET
    people.editor.save(update_fields=["clearance"])
    seen = what_they_read(people.editor)
    assert TITLE not in seen["centre"] and "还没有通知" in seen["centre"]
    assert unread_count(people.editor) == 0 and json.loads(seen["api"])["count"] == 0
    notification = Notification.objects.get(user=people.editor)
    client = Client()
    client.force_login(people.editor)
    assert client.post(f"/notifications/{notification.pk}/open/").status_code == 404
    marked = APIClient()
    marked.force_authenticate(people.editor)
    assert marked.post("/api/v1/notifications/mark-read/", {}, format="json").json() == {"marked": 0, "unread": 0}


def test_old_text_notifications_are_shown_only_within_their_classification(people: Net) -> None:
    """Rows written before notifications were references: the migration gives them the highest level."""
    from xinxi.notifications.testing import told

    for user in (people.editor, people.desk_chief):
        told(user, f"新收信息：{TITLE}（旧）", "/desk/", classification=CONFIDENTIAL)
    people.editor.clearance = Classification.SECRET
    people.editor.save(update_fields=["clearance"])
    assert TITLE in what_they_read(people.desk_chief)["centre"] and unread_count(people.desk_chief) == 1
    assert TITLE not in what_they_read(people.editor)["centre"] and unread_count(people.editor) == 0


def test_the_centre_drop_down_and_api_cost_a_query_per_kind_not_per_notification(
    people: Net, django_assert_max_num_queries: Any
) -> None:
    """Three kinds over 40 notifications: each list is worded with one query per kind on the page."""
    entries = [secret_entry(people, f"东城县第{n}条涉密信息") for n in range(3)]
    for entry in entries:
        desk_services.entry_forward(actor=people.editor, entry=entry)
    for _ in range(12):
        for entry in entries:
            desk_services.entry_assign(actor=people.editor, entry=entry, editor=people.desk_chief)
    assert Notification.objects.filter(user=people.desk_chief).values("kind").distinct().count() == 3
    assert Notification.objects.filter(user=people.desk_chief).count() >= 40
    client = Client()
    client.force_login(people.desk_chief)
    api = APIClient()
    api.force_authenticate(people.desk_chief)
    client.get("/notifications/")
    with django_assert_max_num_queries(14):
        assert "东城县第2条涉密信息" in client.get("/notifications/").content.decode()
    with django_assert_max_num_queries(12):
        assert "东城县第2条涉密信息" in client.get("/notifications/latest/").content.decode()
    with django_assert_max_num_queries(6):
        assert len(api.get("/api/v1/notifications/").json()["results"]) >= 20
