"""The instructions REST API: /api/v1/instructions/ and /api/v1/supervision-tasks/.

Reminder of the fixture (``xinxi.network.testing``): 临江市委办公室's desk has an editor
(clearance 秘密), a desk chief and a leader (机密) and a duty officer (内部); reporter,
approver (内部) and no_clearance (公开) sit in 东城县委办公室 below it, the unit the tasks
go to; outsider sits in 西山县委办公室 under another city's desk; admin has no unit.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from rest_framework.test import APIClient

from xinxi.accounts.models import User
from xinxi.audit.models import AuditEvent
from xinxi.instructions import services
from xinxi.instructions.models import (
    HandlingReport,
    Instruction,
    ReportAttachment,
    SupervisionTask,
    TaskState,
)
from xinxi.instructions.tests.factories import instruction_on_item, task_for
from xinxi.items.tests.factories import entry_at, submitted
from xinxi.lib.choices import Classification
from xinxi.network.testing import PERSONAS, Net
from xinxi.publications import services as pub
from xinxi.publications.tests.factories import pending_issue, periodical

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n"
NOT_ALLOWED = "您没有权限进行此操作。"
DESK_STAFF = {"editor", "desk_chief", "duty_officer", "leader"}
COUNTY = {"reporter", "approver", "no_clearance"}
HIDDEN = {"outsider", "admin"}


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path


def api(net: Net, persona: str | None) -> APIClient:
    client = APIClient()
    if persona is not None:
        client.force_authenticate(User.objects.get(pk=net.users[persona].pk))  # fresh role cache
    return client


def today() -> dt.date:
    return timezone.localdate()


def record_body(entry_id: int, **extra: Any) -> dict[str, Any]:
    return {
        "entry": entry_id,
        "leader_name": "王市长",
        "leader_title": "市长",
        "level": "city",
        "text": "请应急管理局牵头抓好隐患整改，确保安全过冬。",
        "instructed_on": str(today()),
        **extra,
    }


def pdf(name: str = "整改清单.pdf", data: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/pdf")


# --- the whole journey over the API ---


def test_record_task_report_accept_close(net: Net) -> None:
    entry = entry_at(submitted(net.reporter), net.city.desk)
    editor, reporter = api(net, "editor"), api(net, "reporter")

    recorded = editor.post("/api/v1/instructions/", record_body(entry.pk), format="json")
    assert recorded.status_code == 201, recorded.content
    instruction = recorded.json()
    assert (instruction["entry"], instruction["level_label"], instruction["desk_name"]) == (
        entry.pk,
        "市领导",
        "临江市委办公室信息科",
    )
    assert (instruction["recorded_by_name"], instruction["tasks"], instruction["can_supervise"]) == ("王编辑", [], True)

    due = today() + dt.timedelta(days=5)
    tasked = editor.post(
        f"/api/v1/instructions/{instruction['id']}/tasks/",
        {"units": [net.county.pk], "due_on": str(due), "requirement": "按期报送"},
        format="json",
    )
    assert tasked.status_code == 201, tasked.content
    [task] = tasked.json()
    assert (task["unit_name"], task["state"], task["due_on"], task["version"]) == (
        "东城县委办公室",
        "open",
        str(due),
        1,
    )

    listed = reporter.get("/api/v1/supervision-tasks/").json()
    assert [t["id"] for t in listed["results"]] == [task["id"]]
    detail = reporter.get(f"/api/v1/supervision-tasks/{task['id']}/").json()
    assert detail["allowed_actions"] == ["report"]
    assert detail["instruction_detail"]["leader_name"] == "王市长"

    url = f"/api/v1/supervision-tasks/{task['id']}/"
    reported = reporter.post(
        f"{url}reports/", {"text": "已完成 30 处整改。", "files": [pdf()], "version": 1}, format="multipart"
    )
    assert reported.status_code == 201, reported.content
    report = reported.json()
    assert (report["state"], report["submitted_by_name"], report["text"]) == (
        "submitted",
        "张信息",
        "已完成 30 处整改。",
    )
    [attachment] = report["attachments"]
    assert (attachment["name"], attachment["size"], attachment["content_type"]) == (
        "整改清单.pdf",
        len(PDF),
        "application/pdf",
    )
    download = reporter.get(attachment["url"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert "attachment" in download["Content-Disposition"]

    desk_view = editor.get(url).json()
    assert (desk_view["state"], desk_view["version"]) == ("reported", 2)
    assert desk_view["allowed_actions"] == ["accept", "return", "extend"]
    assert desk_view["reports"][0]["attachments"][0]["url"] == attachment["url"]

    accepted = editor.post(f"{url}accept/", {"note": "同意", "version": 2}, format="json")
    assert accepted.status_code == 200, accepted.content
    assert (accepted.json()["state_label"], accepted.json()["reports"][0]["state"]) == ("已认可", "accepted")
    closed = editor.post(f"{url}close/", {"note": "办结", "version": 3}, format="json")
    assert closed.status_code == 200, closed.content
    body = closed.json()
    assert (body["state"], body["allowed_actions"]) == ("closed", [])
    assert body["closed_at"] is not None
    assert [e["action_label"] for e in body["events"]] == ["交办", "报送办理情况", "认可办理情况", "办结"]
    assert reporter.get(url).json()["state_label"] == "已办结"
    summary = reporter.get(f"/api/v1/instructions/{instruction['id']}/").json()["tasks"]
    assert [(t["unit_name"], t["state"]) for t in summary] == [("东城县委办公室", "closed")]


def test_return_then_report_again(net: Net) -> None:
    task = task_for(net)
    url = f"/api/v1/supervision-tasks/{task.pk}/"
    assert api(net, "approver").post(f"{url}reports/", {"text": "已办理"}, format="multipart").status_code == 201
    refused = api(net, "desk_chief").post(f"{url}return/", {"reason": "请补充整改时限。"}, format="json")
    assert refused.status_code == 200
    assert (refused.json()["state"], refused.json()["reports"][0]["review_note"]) == ("returned", "请补充整改时限。")
    again = api(net, "reporter").post(f"{url}reports/", {"text": "剩余 5 处 12 月前整改完毕。"}, format="multipart")
    assert again.status_code == 201
    assert task.reports.count() == 2


def test_extend_moves_the_due_date(net: Net) -> None:
    task = task_for(net)
    new = task.due_on + dt.timedelta(days=3)
    url = f"/api/v1/supervision-tasks/{task.pk}/extend/"
    response = api(net, "editor").post(url, {"due_on": str(new), "reason": "涉及多个部门", "version": 1}, format="json")
    assert response.status_code == 200, response.content
    assert (response.json()["due_on"], response.json()["events"][-1]["action_label"]) == (str(new), "调整办理期限")
    missing = api(net, "editor").post(url, {"due_on": str(new), "reason": "再延"}, format="json")
    assert missing.status_code == 400 and "version" in missing.json()


def test_instruction_on_an_issued_issue(net: Net) -> None:
    issue = pending_issue(net, periodical(net), n_items=1)
    body = {"issue": issue.pk, **{k: v for k, v in record_body(0).items() if k != "entry"}}
    draft = api(net, "leader").post("/api/v1/instructions/", body, format="json")
    assert draft.status_code == 409  # a pending issue is not shown to the leader: it does not exist for them
    pub.issue_sign_off(actor=net.desk_chief, issue=issue)
    response = api(net, "leader").post("/api/v1/instructions/", body, format="json")
    assert response.status_code == 201, response.content
    assert (response.json()["issue"], response.json()["entry"]) == (issue.pk, None)
    assert response.json()["can_supervise"] is False  # leaders record, editors and chiefs task


# --- who may do what ---


@pytest.mark.parametrize("persona", PERSONAS)
def test_recording_an_instruction(net: Net, persona: str) -> None:
    entry = entry_at(submitted(net.reporter), net.city.desk)
    response = api(net, persona).post("/api/v1/instructions/", record_body(entry.pk), format="json")
    if persona in {"editor", "desk_chief", "leader"}:
        assert response.status_code == 201
    elif persona in HIDDEN:  # the entry is not theirs to see: refused like a missing id
        assert (response.status_code, response.json()) == (409, {"entry": ["信息不存在。"]})
    else:  # sees the entry (desk staff, or the sending unit) but may not record on it
        assert (response.status_code, response.json()) == (403, {"detail": NOT_ALLOWED})
    assert Instruction.objects.count() == (1 if response.status_code == 201 else 0)


@pytest.mark.parametrize("persona", PERSONAS)
def test_instruction_list_and_detail(net: Net, persona: str) -> None:
    instruction = instruction_on_item(net)
    listed = api(net, persona).get("/api/v1/instructions/")
    detail = api(net, persona).get(f"/api/v1/instructions/{instruction.pk}/")
    if persona in HIDDEN:
        assert (listed.json()["count"], detail.status_code) == (0, 404)
    else:
        assert [row["id"] for row in listed.json()["results"]] == [instruction.pk]
        assert detail.status_code == 200


@pytest.mark.parametrize("persona", PERSONAS)
def test_task_list_and_detail(net: Net, persona: str) -> None:
    task = task_for(net)
    listed = api(net, persona).get("/api/v1/supervision-tasks/")
    detail = api(net, persona).get(f"/api/v1/supervision-tasks/{task.pk}/")
    if persona in HIDDEN:
        assert (listed.json()["count"], detail.status_code) == (0, 404)
    else:
        assert [row["id"] for row in listed.json()["results"]] == [task.pk]
        assert detail.status_code == 200


@pytest.mark.parametrize("persona", PERSONAS)
def test_handling_report_only_from_the_tasked_unit(net: Net, persona: str) -> None:
    task = task_for(net)
    response = api(net, persona).post(
        f"/api/v1/supervision-tasks/{task.pk}/reports/", {"text": "我们也办了", "files": [pdf()]}, format="multipart"
    )
    if persona in {"reporter", "approver", "no_clearance"}:
        assert response.status_code == 201, response.content
        return
    if persona in HIDDEN:  # outsider: a unit not tasked does not even see the task
        assert response.status_code == 404
    else:  # the tasking desk's staff see the task but the report is the unit's
        assert (response.status_code, response.json()) == (
            403,
            {"detail": "只有承办单位的信息员或签发人可以报送办理情况。"},
        )
    assert not HandlingReport.objects.exists() and not ReportAttachment.objects.exists()
    task.refresh_from_db()
    assert task.state == TaskState.OPEN


@pytest.mark.parametrize("persona", PERSONAS)
def test_review_is_for_the_desks_editors_and_chiefs(net: Net, persona: str) -> None:
    task = task_for(net)
    services.report_submit(actor=net.reporter, task=task, text="已办理")
    response = api(net, persona).post(f"/api/v1/supervision-tasks/{task.pk}/accept/", {}, format="json")
    expected = 200 if persona in {"editor", "desk_chief"} else 404 if persona in HIDDEN else 403
    assert response.status_code == expected
    task.refresh_from_db()
    assert task.state == (TaskState.ACCEPTED if expected == 200 else TaskState.REPORTED)


@pytest.mark.parametrize("persona", PERSONAS)
def test_tasking_units(net: Net, persona: str) -> None:
    instruction = instruction_on_item(net)
    body = {"units": [net.county.pk], "due_on": str(today() + dt.timedelta(days=3))}
    response = api(net, persona).post(f"/api/v1/instructions/{instruction.pk}/tasks/", body, format="json")
    expected = 201 if persona in {"editor", "desk_chief"} else 404 if persona in HIDDEN else 403
    assert response.status_code == expected
    assert SupervisionTask.objects.count() == (1 if expected == 201 else 0)


def test_anonymous_is_refused_everywhere(net: Net) -> None:
    task = task_for(net)
    anonymous = api(net, None)
    for url in (
        "/api/v1/instructions/",
        f"/api/v1/instructions/{task.instruction_id}/",
        "/api/v1/supervision-tasks/",
        f"/api/v1/supervision-tasks/{task.pk}/",
    ):
        assert anonymous.get(url).status_code == 403
    assert anonymous.post(f"/api/v1/supervision-tasks/{task.pk}/reports/", {"text": "x"}).status_code == 403
    assert anonymous.post("/api/v1/instructions/", {}).status_code == 403


def test_attachment_download_needs_the_task(net: Net) -> None:
    task = task_for(net)
    report = services.report_submit(actor=net.reporter, task=task, text="已办理", files=[pdf()])
    attachment = report.attachments.get()
    url = f"/api/v1/supervision-tasks/{task.pk}/reports/{report.pk}/attachments/{attachment.pk}/"
    for persona in ("reporter", "editor", "leader"):
        assert api(net, persona).get(url).status_code == 200
    assert api(net, "outsider").get(url).status_code == 404
    assert api(net, "admin").get(url).status_code == 404
    other = task_for(net, unit=net.city_dept)
    wrong_task = f"/api/v1/supervision-tasks/{other.pk}/reports/{report.pk}/attachments/{attachment.pk}/"
    assert api(net, "editor").get(wrong_task).status_code == 404  # the ids must belong together


# --- clearance ---


def test_classified_instruction_is_invisible_without_clearance(net: Net) -> None:
    task = task_for(net, classification=Classification.SECRET)
    reporter = api(net, "reporter")  # clearance 内部
    assert reporter.get("/api/v1/instructions/").json() == {"count": 0, "next": None, "previous": None, "results": []}
    assert reporter.get(f"/api/v1/instructions/{task.instruction_id}/").status_code == 404
    assert reporter.get("/api/v1/supervision-tasks/").json()["count"] == 0
    assert reporter.get("/api/v1/supervision-tasks/", {"due": "open"}).json()["count"] == 0
    assert reporter.get(f"/api/v1/supervision-tasks/{task.pk}/").status_code == 404
    assert reporter.post(f"/api/v1/supervision-tasks/{task.pk}/reports/", {"text": "x"}).status_code == 404

    editor = api(net, "editor")  # clearance 秘密
    assert editor.get(f"/api/v1/instructions/{task.instruction_id}/").json()["classification_label"] == "秘密"
    assert editor.get(f"/api/v1/supervision-tasks/{task.pk}/").status_code == 200
    reads = AuditEvent.objects.filter(actor=net.editor, action__in=["instruction_read", "supervision_read"])
    assert reads.count() == 2


# --- concurrency ---


def test_stale_version_is_409_and_changes_nothing(net: Net) -> None:
    task = task_for(net)
    url = f"/api/v1/supervision-tasks/{task.pk}/"
    assert api(net, "reporter").post(f"{url}reports/", {"text": "已办理"}, format="multipart").status_code == 201
    stale = api(net, "editor").post(f"{url}accept/", {"version": 1}, format="json")
    assert stale.status_code == 409
    assert "已被他人处理" in stale.json()["detail"]
    moved = api(net, "editor").post(
        f"{url}extend/",
        {"due_on": str(task.due_on + dt.timedelta(days=1)), "reason": "延期", "version": 1},
        format="json",
    )
    assert moved.status_code == 409
    task.refresh_from_db()
    assert (task.state, task.version, task.events.count()) == (TaskState.REPORTED, 2, 2)


# --- bad input ---


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ([SimpleUploadedFile("办理情况.exe", b"MZ\x90\x00")], "不支持"),
        ([pdf("a.pdf"), pdf("b.pdf", b"MZ not a pdf")], "内容与扩展名不符"),
    ],
)
def test_bad_attachment_is_refused_and_nothing_is_saved(
    net: Net, tmp_path: Path, files: list[Any], message: str
) -> None:
    task = task_for(net)
    response = api(net, "reporter").post(
        f"/api/v1/supervision-tasks/{task.pk}/reports/", {"text": "办理情况", "files": files}, format="multipart"
    )
    assert response.status_code == 409  # well-formed, refused by the service's check of the file
    assert message in response.json()["detail"]
    task.refresh_from_db()
    assert (task.state, task.version) == (TaskState.OPEN, 1)
    assert not HandlingReport.objects.exists() and not ReportAttachment.objects.exists()
    assert not [p for p in tmp_path.rglob("*") if p.is_file()]


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"text": "   "}, "detail", "请填写批示内容"),
        ({"instructed_on": "2999-01-01"}, "detail", "批示日期不能晚于今天"),
        ({"level": "king"}, "level", "请选择批示领导的层级"),
        ({"leader_name": ""}, "detail", "请填写批示领导姓名"),
        ({"instructed_on": "昨天"}, "instructed_on", "日期格式错误"),
        ({"classification": 9}, "classification", "不是合法选项"),
        ({"entry": 10**6}, "entry", "信息不存在"),
        ({"entry": None}, "detail", "批示应录入在一条信息或一期刊物上"),
    ],
)
def test_bad_instruction_input_is_refused_in_chinese(
    net: Net, change: dict[str, Any], field: str, message: str
) -> None:
    entry = entry_at(submitted(net.reporter), net.city.desk)
    response = api(net, "editor").post("/api/v1/instructions/", record_body(entry.pk, **change), format="json")
    # Not what the schema says: 400; refused by the service or naming a missing object: 409.
    assert response.status_code == (409 if field in {"detail", "entry"} else 400)
    error = response.json()[field]
    assert message in (error if isinstance(error, str) else error[0])
    assert not Instruction.objects.exists()


def test_bad_task_and_report_input_is_400_in_chinese(net: Net) -> None:
    instruction = instruction_on_item(net)
    url = f"/api/v1/instructions/{instruction.pk}/tasks/"
    editor = api(net, "editor")
    past = editor.post(url, {"units": [net.county.pk], "due_on": str(today() - dt.timedelta(days=1))}, format="json")
    assert past.json() == {"detail": "办理期限不能早于今天。"}
    foreign = editor.post(url, {"units": [net.other_county.pk], "due_on": str(today())}, format="json")
    assert (foreign.status_code, foreign.json()) == (409, {"units": ["单位不存在。"]})
    empty = editor.post(url, {"units": [], "due_on": str(today())}, format="json")
    assert empty.json() == {"detail": "请选择承办单位。"}

    task = task_for(net)
    blank = api(net, "reporter").post(f"/api/v1/supervision-tasks/{task.pk}/reports/", {"text": " "},
                                      format="multipart")
    assert (blank.status_code, blank.json()) == (409, {"detail": "请填写办理情况。"})
    no_reason = editor.post(f"/api/v1/supervision-tasks/{task.pk}/return/", {"reason": ""}, format="json")
    assert (no_reason.status_code, no_reason.json()) == (409, {"detail": "请填写退回理由。"})
    assert api(net, "editor").get("/api/v1/supervision-tasks/", {"due": "soonish"}).status_code == 400


# --- lists: filters and a bounded number of queries ---


def test_due_filters(net: Net) -> None:
    soon = task_for(net, days=1)
    later = task_for(net, days=20)
    late = task_for(net, days=0)
    SupervisionTask.objects.filter(pk=late.pk).update(due_on=today() - dt.timedelta(days=2))
    editor = api(net, "editor")

    def ids(**query: Any) -> list[int]:
        response = editor.get("/api/v1/supervision-tasks/", query)
        assert response.status_code == 200, response.content
        return [row["id"] for row in response.json()["results"]]

    assert ids() == [late.pk, soon.pk, later.pk]  # by due date
    assert ids(due="overdue") == [late.pk]
    assert ids(due="due_soon") == [soon.pk]
    assert ids(due="open") == [late.pk, soon.pk, later.pk]
    assert ids(state="open", instruction=soon.instruction_id) == [soon.pk]
    assert ids(unit=net.county.pk) == [late.pk, soon.pk, later.pk]
    assert ids(unit=net.other_county.pk) == []
    overdue = editor.get("/api/v1/supervision-tasks/", {"due": "overdue"}).json()["results"][0]
    assert overdue["overdue"] is True


def test_instruction_filters(net: Net) -> None:
    first = instruction_on_item(net, level="province", instructed_on=today() - dt.timedelta(days=10))
    second = instruction_on_item(net)
    editor = api(net, "editor")

    def ids(**query: Any) -> list[int]:
        return [row["id"] for row in editor.get("/api/v1/instructions/", query).json()["results"]]

    assert ids() == [second.pk, first.pk]  # newest first
    assert ids(level="province") == [first.pk]
    assert ids(entry=second.entry_id) == [second.pk]
    assert ids(instructed_from=str(today() - dt.timedelta(days=1))) == [second.pk]
    assert ids(instructed_to=str(today() - dt.timedelta(days=1))) == [first.pk]
    assert editor.get("/api/v1/instructions/", {"level": "king"}).status_code == 400


def test_task_list_has_a_bounded_number_of_queries(net: Net, django_assert_max_num_queries: Any) -> None:
    editor = api(net, "editor")
    task_for(net)
    with django_assert_max_num_queries(5):
        assert editor.get("/api/v1/supervision-tasks/").json()["count"] == 1
    for _ in range(9):
        task_for(net)
    with django_assert_max_num_queries(5):
        assert editor.get("/api/v1/supervision-tasks/").json()["count"] == 10
    with django_assert_max_num_queries(5):
        assert editor.get("/api/v1/instructions/").json()["count"] == 10


def test_responses_match_their_schema(net: Net) -> None:
    """Every field returned is documented and every documented field is returned."""
    task = task_for(net)
    services.report_submit(actor=net.reporter, task=task, text="已办理", files=[pdf()])
    editor = api(net, "editor")
    schema = editor.get("/api/v1/schema/", {"format": "json"}).json()
    components = schema["components"]["schemas"]
    for url, name in [
        ("/api/v1/instructions/", "Instruction"),
        (f"/api/v1/instructions/{task.instruction_id}/", "InstructionDetail"),
        ("/api/v1/supervision-tasks/", "Task"),
        (f"/api/v1/supervision-tasks/{task.pk}/", "TaskDetail"),
    ]:
        body = editor.get(url).json()
        row = body["results"][0] if "results" in body else body
        assert set(row) == set(components[name]["properties"]), url
    report = editor.get(f"/api/v1/supervision-tasks/{task.pk}/").json()["reports"][0]
    assert set(report) == set(components["HandlingReport"]["properties"])
    assert set(report["attachments"][0]) == set(components["ReportAttachment"]["properties"])


def test_the_senders_feedback_carries_the_instruction(net: Net) -> None:
    task = task_for(net)
    item_id = task.instruction.entry.item_id
    feedback = api(net, "reporter").get(f"/api/v1/items/{item_id}/feedback/")
    assert feedback.status_code == 200
    [shown] = feedback.json()["instructions"]
    assert (shown["id"], shown["leader_name"], shown["level"]) == (task.instruction_id, "王市长", "city")
