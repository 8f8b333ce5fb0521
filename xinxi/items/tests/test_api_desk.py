"""The items REST API, a desk's side: the inbox (/api/v1/entries/), its actions, adoption records.

Reminder of the fixture (``xinxi.network.testing``): 临江市委办公室's desk has an editor
(clearance 秘密), a desk chief and a leader (机密) and a duty officer (内部); reporter,
approver (内部) and no_clearance (公开) sit in 东城县委办公室 below it; outsider sits in
西山县委办公室 under 青山市委办公室, another desk; admin has no unit and no desk.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from xinxi.accounts.models import User
from xinxi.audit.models import AuditEvent
from xinxi.items import desk_services
from xinxi.items.models import (
    Adoption,
    DeskEntry,
    EntryEvent,
    EntryRead,
    EntryState,
    EntryVersion,
    Verification,
)
from xinxi.items.tests.factories import BODY, entry_at, submitted
from xinxi.network.models import Unit, UnitClass
from xinxi.network.testing import PERSONAS, Net, make_user

EDITORS = {"editor", "desk_chief"}
READERS = {"duty_officer", "leader"}  # desk staff who read but do not edit
COUNTY = {"reporter", "approver", "no_clearance"}
HIDDEN = {"outsider", "admin"}
NOT_ALLOWED = "您没有权限进行此操作。"


@dataclass
class World:
    net: Net
    a: DeskEntry  # public, from the county, at the city desk
    b: DeskEntry  # public, from the county, at the city desk
    secret: DeskEntry  # 秘密, from the county, at the city desk
    foreign: DeskEntry  # public, from the other county, at the other city's desk
    extra: dict[str, Any] = field(default_factory=dict)

    def api(self, persona: str | None) -> APIClient:
        client = APIClient()
        if persona is not None:
            client.force_authenticate(User.objects.get(pk=self.net.users[persona].pk))
        return client

    def user(self, username: str) -> User:
        return User.objects.get(username=username)


@pytest.fixture
def world(net: Net) -> World:
    a = submitted(net.reporter, tags=["安全生产"])
    b = submitted(net.reporter, title="东城镇排查隐患15处", category="problem", tone="problem")
    secret_reporter = make_user("mi_reporter", net.county, "reporter", clearance=2)
    s = submitted(secret_reporter, title="东城县某企业安全事故内部通报", classification=2, urgency=2)
    f = submitted(net.outsider, title="西山县春耕备耕进展顺利")
    make_user("qs_editor", net.other_city, "editor")
    return World(net, entry_at(a, net.city.desk), entry_at(b, net.city.desk), entry_at(s, net.city.desk),
                 entry_at(f, net.other_city.desk))


def titles(response: Any) -> set[str]:
    assert response.status_code == 200, response.content
    return {row["title"] for row in response.json()["results"]}


# --- the inbox: who sees what ---

A_TITLE, B_TITLE, S_TITLE = "东城县排查企业126家整改隐患38处", "东城镇排查隐患15处", "东城县某企业安全事故内部通报"


def inbox_titles(persona: str) -> set[str]:
    if persona in EDITORS | {"leader"}:
        return {A_TITLE, B_TITLE, S_TITLE}
    if persona == "duty_officer":
        return {A_TITLE, B_TITLE}
    return set()


@pytest.mark.parametrize("persona", PERSONAS)
def test_inbox_lists_the_desks_entries_within_clearance(world: World, persona: str) -> None:
    response = world.api(persona).get("/api/v1/entries/")
    assert titles(response) == inbox_titles(persona)
    assert response.json()["count"] == len(inbox_titles(persona))


@pytest.mark.parametrize("persona", PERSONAS)
def test_entry_detail(world: World, persona: str) -> None:
    response = world.api(persona).get(f"/api/v1/entries/{world.a.pk}/")
    if persona in HIDDEN | COUNTY:
        # Entries are the desk's; the county follows its item through /items/{id}/feedback/.
        assert response.status_code == 404
        return
    assert response.status_code == 200
    body = response.json()
    assert (body["title"], body["original_title"]) == (A_TITLE, A_TITLE)
    assert (body["desk_name"], body["origin_unit_name"]) == ("临江市委办公室信息科", "东城县委办公室")
    assert (body["state_label"], body["source_label"], body["round"]) == ("待处理", "本级报送", 1)
    assert body["receipt_no"].startswith("XX")
    assert [e["action_label"] for e in body["events"]] == ["收稿"]
    assert body["tags"] == ["安全生产"]
    assert [c["desk_name"] for c in body["chain"]] == ["临江市委办公室信息科"]
    assert "open" in body["allowed_actions"]


@pytest.mark.parametrize("persona", PERSONAS)
def test_a_classified_entry_is_seen_only_with_clearance(world: World, persona: str) -> None:
    response = world.api(persona).get(f"/api/v1/entries/{world.secret.pk}/")
    assert response.status_code == (200 if persona in EDITORS | {"leader"} else 404)


def test_reading_a_classified_entry_is_audited(world: World) -> None:
    client = world.api("editor")
    assert client.get(f"/api/v1/entries/{world.secret.pk}/").status_code == 200
    assert client.get(f"/api/v1/entries/{world.secret.pk}/versions/").status_code == 200
    assert client.get(f"/api/v1/entries/{world.a.pk}/").status_code == 200  # 公开: not audited
    reads = AuditEvent.objects.filter(action="entry_read")
    assert sorted(e.detail["what"] for e in reads) == ["api", "api versions"]
    assert {(e.object_id, e.actor_name) for e in reads} == {(str(world.secret.pk), "editor")}


def test_invisible_entries_answer_like_missing_ones(world: World) -> None:
    editor = world.api("editor")
    hidden = editor.get(f"/api/v1/entries/{world.foreign.pk}/")
    missing = editor.get("/api/v1/entries/987654/")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json() == {"detail": "未找到。"}
    for path in ("versions/", "open/", "preadopt/"):
        method = editor.get if path == "versions/" else editor.post
        assert method(f"/api/v1/entries/{world.foreign.pk}/{path}").status_code == 404
    assert editor.get("/api/v1/entries/", {"origin_unit": world.net.other_county.pk}).json()["count"] == 0
    # Above clearance: the same 404, and absent from the list and its count, filtered or not.
    duty = world.api("duty_officer")
    assert duty.get(f"/api/v1/entries/{world.secret.pk}/").json() == missing.json()
    assert duty.get("/api/v1/entries/", {"classification": 2}).json()["count"] == 0
    assert duty.get("/api/v1/entries/", {"urgency": 2, "ordering": "-urgency"}).json()["count"] == 2
    # An invisible id in a request body is a 409 "不存在", like a missing one.
    dup = editor.post(f"/api/v1/entries/{world.a.pk}/duplicate/", {"of": world.foreign.pk}, format="json")
    assert dup.status_code == 409 and dup.json() == {"of": ["信息不存在。"]}
    world.foreign.refresh_from_db()
    assert world.foreign.state == EntryState.NEW and not EntryRead.objects.exists()


def test_inbox_filters_and_ordering(world: World) -> None:
    net = world.net
    county_class = UnitClass.objects.create(name="县（市、区）")
    Unit.objects.filter(pk=net.county.pk).update(unit_class=county_class)
    DeskEntry.objects.filter(pk=world.b.pk).update(received_at=timezone.now() - dt.timedelta(days=10))
    desk_services.entry_open(actor=net.editor, entry=world.a)
    desk_services.entry_assign(actor=net.editor, entry=world.a, editor=net.desk_chief)
    client = world.api("editor")

    def listed(**query: Any) -> set[str]:
        return titles(client.get("/api/v1/entries/", query))

    assert listed(state="read") == {A_TITLE}
    assert listed(category="problem") == listed(tone="problem") == {B_TITLE}
    assert listed(classification=2) == {S_TITLE}
    assert listed(origin_unit=net.county.pk) == {A_TITLE, B_TITLE, S_TITLE}
    assert listed(unit_class=county_class.pk) == {A_TITLE, B_TITLE, S_TITLE}
    assert listed(unit_class=county_class.pk + 1) == set()
    ten_days_ago = timezone.localdate() - dt.timedelta(days=10)
    assert listed(received_to=ten_days_ago.isoformat()) == {B_TITLE}
    assert listed(received_from=(ten_days_ago + dt.timedelta(days=1)).isoformat()) == {A_TITLE, S_TITLE}
    assert listed(tag="安全生产") == {A_TITLE}
    assert listed(assignee=net.desk_chief.pk) == {A_TITLE}
    assert listed(unassigned="true") == {B_TITLE, S_TITLE}
    assert listed(unread="true") == {B_TITLE, S_TITLE}
    assert listed(unread="false") == {A_TITLE}
    rows = client.get("/api/v1/entries/").json()["results"]
    assert [r["title"] for r in rows] == [S_TITLE, A_TITLE, B_TITLE]  # newest first by default
    assert [r["read"] for r in rows] == [False, True, False]
    assert client.get("/api/v1/entries/", {"ordering": "received_at"}).json()["results"][0]["title"] == B_TITLE
    assert client.get("/api/v1/entries/", {"ordering": "-urgency"}).json()["results"][0]["title"] == S_TITLE
    for bad in ({"classification": 9}, {"received_from": "昨天"}, {"ordering": "body"}, {"unread": "maybe"},
                {"origin_unit": "1.5"}):
        response = client.get("/api/v1/entries/", bad)
        assert response.status_code == 400, bad


def test_inbox_costs_a_bounded_number_of_queries(world: World, django_assert_max_num_queries: Any) -> None:
    client = world.api("editor")
    with django_assert_max_num_queries(10):
        assert client.get("/api/v1/entries/").json()["count"] == 3
    for n in range(30):
        submitted(world.net.reporter, title=f"第{n}条信息", tags=["安全生产", "冬季"])
    desk_services.entry_assign(actor=world.net.editor, entry=world.a, editor=world.net.editor)
    with django_assert_max_num_queries(10):
        assert client.get("/api/v1/entries/").json()["count"] == 33


def test_entry_detail_costs_a_bounded_number_of_queries(world: World, django_assert_max_num_queries: Any) -> None:
    net, entry = world.net, world.a
    desk_services.entry_open(actor=net.editor, entry=entry)
    for n in range(5):
        entry.refresh_from_db()
        desk_services.entry_edit(actor=net.editor, entry=entry, version=entry.version, title=f"第{n}版标题",
                                 body=BODY)
        desk_services.verification_request(actor=net.editor, entry=entry, method="sender", question=f"问题{n}")
    with django_assert_max_num_queries(25):
        body = world.api("editor").get(f"/api/v1/entries/{entry.pk}/").json()
    assert len(body["versions"]) == 5 and len(body["verifications"]) == 5 and len(body["events"]) == 12


# --- actions: every action × every persona ---


@dataclass(frozen=True)
class Action:
    name: str
    path: str  # after /api/v1/entries/{id}/
    payload: Callable[[World], dict[str, Any]]
    ok: int
    check: Callable[[World, Any], None]
    before: Callable[[World], None] = lambda w: None
    method: str = "post"


def _state(expected: str) -> Callable[[World, Any], None]:
    def check(w: World, response: Any) -> None:
        assert response.json()["state"] == expected
        w.a.refresh_from_db()
        assert w.a.state == expected

    return check


def _opened(w: World, response: Any) -> None:
    assert response.json()["read"] is True
    assert EntryRead.objects.filter(entry=w.a).exists()


def _assigned(w: World, response: Any) -> None:
    assert response.json()["assignee_name"] == "王编辑"


def _major(w: World, response: Any) -> None:
    assert response.json()["major_event"] is True
    w.a.refresh_from_db()
    assert w.a.major_event


def _edited(w: World, response: Any) -> None:
    body = response.json()
    assert (body["title"], body["version"]) == ("东城县冬季安全生产大检查整改隐患38处", 1)
    assert body["original_title"] == A_TITLE  # the sender's original never changes
    assert [v["number"] for v in body["versions"]] == [1]


def _versions(w: World, response: Any) -> None:
    assert [(v["number"], v["created_by_name"]) for v in response.json()] == [(1, "王编辑")]


def _forwarded(w: World, response: Any) -> None:
    body = response.json()
    assert (body["desk_name"], body["source_label"]) == ("东海省委办公厅信息科", "下级转报")
    assert [c["desk_name"] for c in body["chain"]] == ["临江市委办公室信息科", "东海省委办公厅信息科"]


def _adopted(w: World, response: Any) -> None:
    assert [(r["publication"], r["unit_name"], r["kind_label"]) for r in response.json()] == [
        ("临江信息", "东城县委办公室", "单独/全文采用")
    ]
    w.a.refresh_from_db()
    assert w.a.state == EntryState.ADOPTED


def _verifying(w: World, response: Any) -> None:
    assert (response.json()["method_label"], response.json()["outcome_label"]) == ("向报送单位核实", "核实中")


def _verified(w: World, response: Any) -> None:
    assert (response.json()["outcome_label"], response.json()["outcome_note"]) == ("属实", "已电话核实")


def _open_by_editor(w: World) -> None:
    desk_services.entry_open(actor=w.net.editor, entry=w.a)


def _edit_by_editor(w: World) -> None:
    desk_services.entry_edit(actor=w.net.editor, entry=w.a, version=0, title="东城县冬季安全生产大检查整改隐患38处",
                             body=BODY)


def _preadopt_by_editor(w: World) -> None:
    desk_services.entry_preadopt(actor=w.net.editor, entry=w.a)


def _verification_by_editor(w: World) -> None:
    w.extra["verification"] = desk_services.verification_request(
        actor=w.net.editor, entry=w.a, method="sender", question="126家的统计口径？"
    )


ACTIONS = [
    Action("open", "open/", lambda w: {}, 200, _opened),
    Action("assign", "assign/", lambda w: {"editor": w.net.editor.pk}, 200, _assigned),
    Action("return", "return/", lambda w: {"reason": "请补充整改时限"}, 200, _state("returned")),
    Action("preadopt", "preadopt/", lambda w: {}, 200, _state("preadopted")),
    Action("not-adopt", "not-adopt/", lambda w: {"reason": "内容一般"}, 200, _state("not_adopted")),
    Action("duplicate", "duplicate/", lambda w: {"of": w.b.pk}, 200, _state("duplicate")),
    Action("reconsider", "reconsider/", lambda w: {}, 200, _state("read"), before=_preadopt_by_editor),
    Action("major-event", "major-event/", lambda w: {"major": True}, 200, _major),
    Action("edit", "edit/", lambda w: {"version": 0, "title": "东城县冬季安全生产大检查整改隐患38处", "body": BODY},
           200, _edited),
    Action("versions", "versions/", lambda w: {}, 200, _versions, before=_edit_by_editor, method="get"),
    Action("forward", "forward/", lambda w: {"note": "建议省委信息采用"}, 201, _forwarded, before=_open_by_editor),
    Action("adoptions", "adoptions/", lambda w: {"publication": "临江信息", "issue_no": "2026年第3期",
                                                 "adopted_on": timezone.localdate().isoformat(), "kind": "full"},
           201, _adopted),
    Action("verifications", "verifications/", lambda w: {"method": "sender", "question": "126家的统计口径？"}, 201,
           _verifying),
    Action("close-verification", "verifications/{vid}/close/", lambda w: {"outcome": "confirmed", "note": "已电话核实"},
           200, _verified, before=_verification_by_editor),
]


def expected_status(action: Action, persona: str) -> int:
    if persona in HIDDEN | COUNTY:
        return 404  # not at the desk: the entry is not theirs to see
    if action.method == "get" or persona in EDITORS:
        return action.ok
    if action.name == "open":
        return action.ok  # desk staff mark what they read; only editors change the state
    return 403


@pytest.mark.parametrize("action", ACTIONS, ids=lambda a: a.name)
@pytest.mark.parametrize("persona", PERSONAS)
def test_entry_action(world: World, action: Action, persona: str) -> None:
    action.before(world)
    verification = world.extra.get("verification")
    path = action.path.replace("{vid}", str(verification.pk if verification else 0))
    url = f"/api/v1/entries/{world.a.pk}/{path}"
    events_before = EntryEvent.objects.count()
    state_before = DeskEntry.objects.get(pk=world.a.pk).state
    client = world.api(persona)
    call = client.get if action.method == "get" else client.post
    response = call(url, action.payload(world), format="json")
    expected = expected_status(action, persona)
    assert response.status_code == expected, response.content
    if expected in {200, 201}:
        action.check(world, response)
        return
    # Refused: nothing changed, nothing recorded.
    assert EntryEvent.objects.count() == events_before
    assert DeskEntry.objects.get(pk=world.a.pk).state == state_before
    assert not Adoption.objects.exists()
    if expected == 403:
        assert response.json() == {"detail": NOT_ALLOWED}


@pytest.mark.parametrize("persona", PERSONAS)
def test_combine(world: World, persona: str) -> None:
    payload = {"entries": [world.a.pk, world.b.pk], "title": "我县扎实开展冬季安全生产大检查",
               "body": "综合正文：全县排查企业126家，整改隐患53处。"}
    response = world.api(persona).post("/api/v1/entries/combine/", payload, format="json")
    expected = 201 if persona in EDITORS else 403 if persona in READERS else 409
    assert response.status_code == expected, response.content
    world.a.refresh_from_db()
    if expected == 201:
        body = response.json()
        assert (body["source_label"], body["category_label"]) == ("本科室综合", "综合")
        assert {s["id"] for s in body["sources"]} == {world.a.pk, world.b.pk}
        assert world.a.state == EntryState.COMBINED
        detail = world.api(persona).get(f"/api/v1/entries/{world.a.pk}/").json()
        assert [c["title"] for c in detail["combined_into"]] == ["我县扎实开展冬季安全生产大检查"]
    else:
        assert world.a.state == EntryState.NEW
        assert not DeskEntry.objects.filter(title="我县扎实开展冬季安全生产大检查").exists()
    if expected == 409:
        assert response.json() == {"entries": ["信息不存在。"]}


def test_combine_needs_two_distinct_entries(world: World) -> None:
    client = world.api("editor")
    response = client.post("/api/v1/entries/combine/",
                           {"entries": [world.a.pk, world.a.pk], "title": "综合", "body": "正文"}, format="json")
    assert response.status_code == 409
    assert response.json() == {"detail": "综合信息至少需要两条来源信息。"}
    hidden = client.post("/api/v1/entries/combine/",
                         {"entries": [world.a.pk, world.foreign.pk], "title": "综合", "body": "正文"}, format="json")
    assert hidden.status_code == 409 and hidden.json() == {"entries": ["信息不存在。"]}


# --- anonymous callers ---


def test_anonymous_callers_get_403_everywhere(world: World) -> None:
    client = world.api(None)
    pk = world.a.pk
    calls = [("get", "/api/v1/entries/"), ("get", f"/api/v1/entries/{pk}/"), ("post", "/api/v1/entries/combine/"),
             ("get", "/api/v1/adoptions/"), ("get", "/api/v1/adoptions/1/")]
    calls += [(a.method, f"/api/v1/entries/{pk}/{a.path.replace('{vid}', '1')}") for a in ACTIONS]
    for method, url in calls:
        response = getattr(client, method)(url, {}, format="json")
        assert response.status_code == 403, (method, url)
        assert response.json() == {"detail": "身份认证信息未提供。"}
    assert EntryEvent.objects.filter(entry=world.a).count() == 1


# --- reliability and bad input ---


def test_two_editors_saving_the_same_version_one_wins_the_other_gets_409(world: World) -> None:
    url = f"/api/v1/entries/{world.a.pk}/edit/"
    mine = {"version": 0, "title": "东城县冬季安全生产大检查整改隐患38处", "body": BODY}
    theirs = {"version": 0, "title": "别的标题", "body": BODY + "补充。"}
    first = world.api("editor").post(url, mine, format="json")
    second = world.api("desk_chief").post(url, theirs, format="json")
    assert first.status_code == 200
    assert second.status_code == 409
    message = second.json()["detail"]
    assert message.startswith("保存失败：您编辑的不是最新版本（王编辑 于 ")
    assert message.endswith("请刷新查看最新内容后再修改，您的修改未保存。")
    world.a.refresh_from_db()
    assert (world.a.title, world.a.version) == ("东城县冬季安全生产大检查整改隐患38处", 1)
    assert EntryVersion.objects.filter(entry=world.a).count() == 1


def test_bad_edits_are_refused_in_chinese(world: World) -> None:
    client = world.api("editor")
    url = f"/api/v1/entries/{world.a.pk}/edit/"
    empty = client.post(url, {"version": 0, "title": "  ", "body": BODY}, format="json")
    assert empty.status_code == 409 and empty.json() == {"detail": "标题不能为空。"}
    huge = client.post(url, {"version": 0, "title": "标题", "body": "字" * 20_001}, format="json")
    assert huge.status_code == 409
    assert huge.json() == {"detail": "正文不能超过 20000 个字（现有 20001 个字），请精简或作为附件上传。"}
    no_version = client.post(url, {"title": "标题", "body": BODY}, format="json")
    assert no_version.status_code == 400 and "version" in no_version.json()
    world.a.refresh_from_db()
    assert (world.a.title, world.a.version) == (A_TITLE, 0)


def test_html_stays_text(world: World) -> None:
    title = "<script>alert(1)</script>东城县整改隐患38处"
    client = world.api("editor")
    response = client.post(f"/api/v1/entries/{world.a.pk}/edit/", {"version": 0, "title": title, "body": BODY},
                           format="json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert client.get(f"/api/v1/entries/{world.a.pk}/versions/").json()[0]["title"] == title


def test_reasons_are_required_where_the_workflow_says_so(world: World) -> None:
    client = world.api("editor")
    returned = client.post(f"/api/v1/entries/{world.a.pk}/return/", {"reason": ""}, format="json")
    assert returned.status_code == 409 and returned.json() == {"detail": "“退回修改”须填写理由。"}
    refused = client.post(f"/api/v1/entries/{world.a.pk}/not-adopt/", {"reason": " "}, format="json")
    assert refused.status_code == 409 and refused.json() == {"detail": "“不采用”须填写理由。"}
    world.a.refresh_from_db()
    assert world.a.state == EntryState.NEW


def test_a_major_event_cannot_be_forwarded_while_verification_is_open(world: World) -> None:
    client = world.api("editor")
    pk = world.a.pk
    client.post(f"/api/v1/entries/{pk}/open/")
    client.post(f"/api/v1/entries/{pk}/major-event/", {"major": True}, format="json")
    verification = client.post(f"/api/v1/entries/{pk}/verifications/",
                               {"method": "related", "question": "伤亡人数？", "related_unit": world.net.city_dept.pk},
                               format="json")
    assert verification.status_code == 201
    assert verification.json()["related_unit_name"] == "临江市应急管理局"
    blocked = client.post(f"/api/v1/entries/{pk}/forward/", {}, format="json")
    assert blocked.status_code == 409
    assert blocked.json() == {"detail": "该信息涉及重大事件，核实尚未完成，不能转报。"}
    vid = verification.json()["id"]
    closed = client.post(f"/api/v1/entries/{pk}/verifications/{vid}/close/", {"outcome": "corrected",
                                                                             "note": "人数已更正"}, format="json")
    assert closed.status_code == 200
    assert client.post(f"/api/v1/entries/{pk}/forward/", {}, format="json").status_code == 201
    # Closing again is refused; a verification of another entry answers 404.
    again = client.post(f"/api/v1/entries/{pk}/verifications/{vid}/close/", {"outcome": "confirmed"},
                        format="json")
    assert again.status_code == 409 and again.json() == {"detail": "该核实已经办结。"}
    other = client.post(f"/api/v1/entries/{world.b.pk}/verifications/{vid}/close/", {"outcome": "confirmed"},
                        format="json")
    assert other.status_code == 404
    still_open = client.post(f"/api/v1/entries/{pk}/verifications/{vid}/close/", {"outcome": "open"},
                             format="json")
    assert still_open.status_code == 400 and "outcome" in still_open.json()


def test_related_verification_needs_a_visible_unit(world: World) -> None:
    client = world.api("editor")
    hidden = client.post(f"/api/v1/entries/{world.a.pk}/verifications/",
                         {"method": "related", "question": "核实", "related_unit": world.net.other_county.pk},
                         format="json")
    assert hidden.status_code == 409 and hidden.json() == {"related_unit": ["核实单位不存在。"]}
    none = client.post(f"/api/v1/entries/{world.a.pk}/verifications/", {"method": "related", "question": "核实"},
                       format="json")
    assert none.status_code == 409 and none.json() == {"detail": "向相关单位核实须选择单位。"}
    assert not Verification.objects.exists()


def test_assignment_only_to_the_desks_editors(world: World) -> None:
    client = world.api("editor")
    outsider = client.post(f"/api/v1/entries/{world.a.pk}/assign/", {"editor": world.net.reporter.pk},
                           format="json")
    assert outsider.status_code == 409 and outsider.json() == {"editor": ["编辑不存在。"]}
    duty = client.post(f"/api/v1/entries/{world.a.pk}/assign/", {"editor": world.net.duty_officer.pk},
                       format="json")
    assert duty.status_code == 409 and duty.json() == {"detail": "只能分配给本科室的编辑。"}
    cleared = client.post(f"/api/v1/entries/{world.a.pk}/assign/", {"editor": None}, format="json")
    assert cleared.status_code == 200 and cleared.json()["assignee"] is None


# --- the chain, forwarding and adoption feedback ---


def test_the_parent_desk_sees_the_chain_and_adoption_flows_back(world: World) -> None:
    net = world.net
    make_user("sheng_bj", net.province, "editor")
    editor = world.api("editor")
    editor.post(f"/api/v1/entries/{world.a.pk}/open/")
    saved = editor.post(f"/api/v1/entries/{world.a.pk}/edit/", {"version": 0, "title": "东城县整改隐患38处",
                                                                "body": BODY}, format="json")
    assert saved.status_code == 200
    assert editor.post(f"/api/v1/entries/{world.a.pk}/edit/", {"version": 0, "title": "x", "body": BODY},
                       format="json").status_code == 409
    upper_id = editor.post(f"/api/v1/entries/{world.a.pk}/forward/", {"note": "建议采用"}, format="json").json()["id"]
    province = APIClient()
    province.force_authenticate(world.user("sheng_bj"))
    detail = province.get(f"/api/v1/entries/{upper_id}/").json()
    assert (detail["title"], detail["received_title"], detail["original_title"]) == (
        "东城县整改隐患38处", "东城县整改隐患38处", A_TITLE)
    assert detail["origin_unit_name"] == "东城县委办公室"
    assert [(c["desk_name"], c["version"]) for c in detail["chain"]] == [
        ("临江市委办公室信息科", 1), ("东海省委办公厅信息科", 0)]
    adopted = province.post(f"/api/v1/entries/{upper_id}/adoptions/",
                            {"publication": "国办《信息专报》", "issue_no": "第3期",
                             "adopted_on": timezone.localdate().isoformat(), "kind": "full",
                             "external_level": "central"}, format="json")
    assert adopted.status_code == 201
    assert [(r["level_label"], r["external"]) for r in adopted.json()] == [("中央（国办/中办）", True)]
    # Flows back: the city desk and the county see the province's adoption.
    for persona in ("editor", "reporter"):
        rows = world.api(persona).get("/api/v1/adoptions/").json()["results"]
        assert [r["publication"] for r in rows] == ["国办《信息专报》"], persona
    # The city desk sees the upper entry; another desk and the other county do not.
    assert editor.get(f"/api/v1/entries/{upper_id}/").status_code == 200
    assert world.api("outsider").get(f"/api/v1/entries/{upper_id}/").status_code == 404
    other = APIClient()
    other.force_authenticate(world.user("qs_editor"))
    assert other.get(f"/api/v1/entries/{upper_id}/").status_code == 404


# --- adoption records ---


@pytest.fixture
def adoptions(world: World) -> World:
    today = timezone.localdate()
    for entry, user, name in ((world.a, world.net.editor, "临江信息"), (world.secret, world.net.editor, "临江内参"),
                              (world.foreign, world.user("qs_editor"), "青山信息")):
        desk_services.adoption_record(actor=user, entry=entry, publication=name, issue_no="第1期", adopted_on=today,
                                      kind="full")
    return world


def visible_publications(persona: str) -> set[str]:
    if persona in EDITORS | {"leader"}:
        return {"临江信息", "临江内参"}
    if persona in COUNTY | {"duty_officer"}:
        return {"临江信息"}
    return {"青山信息"} if persona == "outsider" else set()


@pytest.mark.parametrize("persona", PERSONAS)
def test_adoption_list_and_detail(adoptions: World, persona: str) -> None:
    client = adoptions.api(persona)
    response = client.get("/api/v1/adoptions/")
    assert response.status_code == 200
    assert {r["publication"] for r in response.json()["results"]} == visible_publications(persona)
    assert response.json()["count"] == len(visible_publications(persona))
    secret = Adoption.objects.get(publication="临江内参")
    detail = client.get(f"/api/v1/adoptions/{secret.pk}/")
    assert detail.status_code == (200 if "临江内参" in visible_publications(persona) else 404)
    assert client.post("/api/v1/adoptions/", {}).status_code == 405


def test_adoption_filters(adoptions: World) -> None:
    client = adoptions.api("editor")

    def listed(**query: Any) -> set[str]:
        response = client.get("/api/v1/adoptions/", query)
        assert response.status_code == 200, response.content
        return {r["publication"] for r in response.json()["results"]}

    assert listed(entry=adoptions.a.pk) == {"临江信息"}
    assert listed(publication="内参") == {"临江内参"}
    assert listed(level="city", kind="full", external="false") == {"临江信息", "临江内参"}
    assert listed(external="true") == set()
    assert listed(adopted_to=(timezone.localdate() - dt.timedelta(days=1)).isoformat()) == set()
    assert listed(unit=adoptions.net.other_county.pk) == set()
    assert client.get("/api/v1/adoptions/", {"level": "galaxy"}).status_code == 400


def test_adoption_input_is_checked(world: World) -> None:
    client = world.api("editor")
    url = f"/api/v1/entries/{world.a.pk}/adoptions/"
    future = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    late = client.post(url, {"publication": "临江信息", "adopted_on": future, "kind": "full"}, format="json")
    assert late.status_code == 409 and late.json() == {"detail": "采用日期不能晚于今天。"}
    blank = client.post(url, {"publication": " ", "adopted_on": "2026-01-05", "kind": "full"}, format="json")
    assert blank.status_code == 409 and blank.json() == {"detail": "请填写采用刊物的名称。"}
    kind = client.post(url, {"publication": "临江信息", "adopted_on": "2026-01-05", "kind": "poem"}, format="json")
    assert kind.status_code == 400 and "kind" in kind.json()
    assert not Adoption.objects.exists()


def test_adoption_list_costs_a_bounded_number_of_queries(adoptions: World,
                                                         django_assert_max_num_queries: Any) -> None:
    client = adoptions.api("editor")
    with django_assert_max_num_queries(8):
        assert client.get("/api/v1/adoptions/").json()["count"] == 2
    for n in range(20):
        item = submitted(adoptions.net.reporter, title=f"第{n}条")
        desk_services.adoption_record(actor=adoptions.net.editor, entry=entry_at(item, adoptions.net.city.desk),
                                      publication=f"临江信息{n}", issue_no="1", adopted_on=timezone.localdate(),
                                      kind="brief")
    with django_assert_max_num_queries(8):
        assert client.get("/api/v1/adoptions/").json()["count"] == 22


# --- the schema tells the truth ---


def test_desk_responses_match_the_schema(adoptions: World) -> None:
    from xinxi.items.tests.test_api_items import schema_fields

    client = adoptions.api("editor")
    pk = adoptions.a.pk
    desk_services.entry_edit(actor=adoptions.net.editor, entry=adoptions.b, version=0, title="改后标题", body=BODY)
    row = client.get("/api/v1/entries/").json()["results"][0]
    assert set(row) == schema_fields(client, "/api/v1/entries/")
    detail = client.get(f"/api/v1/entries/{pk}/").json()
    assert set(detail) == schema_fields(client, "/api/v1/entries/{id}/")
    assert set(detail["adoptions"][0]) == schema_fields(client, "/api/v1/adoptions/")
    version = client.get(f"/api/v1/entries/{adoptions.b.pk}/versions/").json()
    assert set(version[0]) == schema_fields(client, "/api/v1/entries/{id}/versions/")
    adoption = client.get("/api/v1/adoptions/").json()["results"][0]
    assert set(adoption) == schema_fields(client, "/api/v1/adoptions/{id}/")
