"""The items REST API, a unit's side (/api/v1/items/): drafts, sign-off, submission, attachments, feedback.

Reminder of the fixture (``xinxi.network.testing``): reporter, approver and no_clearance
(clearance 公开) sit in 东城县委办公室, whose items go to 临江市委办公室's desk (editor,
desk_chief, duty_officer, leader); outsider is a reporter of 西山县委办公室 under the other
city; admin has no unit. Only a unit's own reporters and approvers see its items.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework import serializers
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from xinxi.accounts.models import User
from xinxi.archive import index
from xinxi.audit.models import AuditEvent
from xinxi.items import desk_services, services
from xinxi.items.api.serializers import ReceiptSerializer
from xinxi.items.models import Attachment, DeskEntry, Item, ItemState, Submission
from xinxi.items.tests.factories import BODY, draft, entry_at, submitted
from xinxi.network.testing import PERSONAS, Net, make_user

COUNTY_PEOPLE = {"reporter", "approver", "no_clearance"}
NOT_ALLOWED = "您没有权限进行此操作。"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def api(net: Net, persona: str | None) -> APIClient:
    """A client for the persona, loaded afresh like a real request (no cached roles or desk)."""
    client = APIClient()
    if persona is not None:
        client.force_authenticate(User.objects.get(pk=net.users[persona].pk))
    return client


TRANSACTION = re.compile(r"(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE SAVEPOINT|ROLLBACK TO SAVEPOINT)\b")


def main_table(select: str) -> str:
    """The table a SELECT reads from, past its subqueries."""
    while (flat := re.sub(r"\([^()]*\)", "", select)) != select:
        select = flat
    found = re.search(r' FROM "(\w+)"', select)
    assert found is not None, select
    return found.group(1)


@dataclass
class World:
    net: Net
    public: Item  # a county draft, 公开
    internal: Item  # a county draft, 内部: above no_clearance's clearance
    foreign: Item  # a draft of the outsider's county

    def api(self, persona: str | None) -> APIClient:
        return api(self.net, persona)


@pytest.fixture
def world(net: Net) -> World:
    public = draft(net.reporter)
    internal = draft(net.reporter, title="东城县信访积案化解情况", classification=1)
    foreign = draft(net.outsider, title="西山县春耕备耕进展顺利")
    return World(net, public, internal, foreign)


def titles(response: Any) -> set[str]:
    assert response.status_code == 200, response.content
    return {row["title"] for row in response.json()["results"]}


def pdf(name: str = "现场照片说明.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


# --- who sees what ---


def visible_titles(persona: str) -> set[str]:
    if persona in {"reporter", "approver"}:
        return {"东城县排查企业126家整改隐患38处", "东城县信访积案化解情况"}
    if persona == "no_clearance":
        return {"东城县排查企业126家整改隐患38处"}
    if persona == "outsider":
        return {"西山县春耕备耕进展顺利"}
    return set()


@pytest.mark.parametrize("persona", PERSONAS)
def test_item_list_shows_own_units_items_within_clearance(world: World, persona: str) -> None:
    response = world.api(persona).get("/api/v1/items/")
    assert titles(response) == visible_titles(persona)
    assert response.json()["count"] == len(visible_titles(persona))


@pytest.mark.parametrize("persona", PERSONAS)
def test_item_detail(world: World, persona: str) -> None:
    services.item_update(actor=world.net.reporter, item=world.public, version=1, tags=["安全生产", "冬季"])
    response = world.api(persona).get(f"/api/v1/items/{world.public.pk}/")
    if persona not in COUNTY_PEOPLE:
        assert response.status_code == 404
        assert response.json() == {"detail": "未找到。"}
        return
    body = response.json()
    assert body["title"] == "东城县排查企业126家整改隐患38处"
    assert body["body"] == BODY
    assert (body["state"], body["state_label"]) == ("draft", "草稿")
    assert (body["category_label"], body["classification_label"]) == ("动态", "公开")
    assert sorted(body["tags"]) == ["冬季", "安全生产"]
    assert body["unit_name"] == "东城县委办公室"
    assert (body["attachments"], body["submissions"]) == ([], [])
    assert body["version"] == 2


def test_invisible_items_answer_like_missing_ones(world: World) -> None:
    reporter = world.api("reporter")
    for url in (f"/api/v1/items/{world.foreign.pk}/", f"/api/v1/items/{world.foreign.pk}/feedback/"):
        hidden, missing = reporter.get(url), reporter.get(url.replace(str(world.foreign.pk), "987654"))
        assert hidden.status_code == missing.status_code == 404
        assert hidden.json() == missing.json()
    # Above clearance: the same answer, and absent from the list and its count.
    no_clearance = world.api("no_clearance")
    hidden = no_clearance.get(f"/api/v1/items/{world.internal.pk}/")
    assert hidden.status_code == 404 and hidden.json() == {"detail": "未找到。"}
    listed = no_clearance.get("/api/v1/items/", {"state": "draft"}).json()
    assert listed["count"] == 1 and world.internal.pk not in {r["id"] for r in listed["results"]}
    # Nor can anything be done to them.
    assert reporter.post(f"/api/v1/items/{world.foreign.pk}/submit/").status_code == 404
    assert reporter.delete(f"/api/v1/items/{world.foreign.pk}/").status_code == 404
    assert no_clearance.patch(f"/api/v1/items/{world.internal.pk}/", {"title": "改", "version": 1},
                              format="json").status_code == 404
    world.foreign.refresh_from_db()
    world.internal.refresh_from_db()
    assert world.foreign.state == ItemState.DRAFT and world.internal.title == "东城县信访积案化解情况"


def test_reading_a_classified_item_is_audited(world: World) -> None:
    cleared = make_user("mi_reporter", world.net.county, "reporter", clearance=2)
    secret = draft(cleared, title="东城县某企业安全事故内部通报", classification=2)
    client = APIClient()
    client.force_authenticate(cleared)
    assert client.get(f"/api/v1/items/{secret.pk}/").status_code == 200
    assert client.get(f"/api/v1/items/{secret.pk}/feedback/").status_code == 200
    assert client.get(f"/api/v1/items/{world.public.pk}/").status_code == 200  # 公开: not audited
    reads = AuditEvent.objects.filter(action="item_read")
    assert sorted(e.detail["what"] for e in reads) == ["api", "api feedback"]
    assert {e.object_id for e in reads} == {str(secret.pk)}
    assert world.api("reporter").get(f"/api/v1/items/{secret.pk}/").status_code == 404  # 内部 clearance


def test_filters(world: World) -> None:
    services.item_submit(actor=world.net.reporter, item=world.public)
    services.item_update(actor=world.net.reporter, item=world.internal, version=1, category="problem", tags=["信访"])
    client = world.api("reporter")
    assert titles(client.get("/api/v1/items/", {"state": "submitted"})) == {"东城县排查企业126家整改隐患38处"}
    assert titles(client.get("/api/v1/items/", {"category": "problem"})) == {"东城县信访积案化解情况"}
    assert titles(client.get("/api/v1/items/", {"tag": "信访"})) == {"东城县信访积案化解情况"}
    bad = client.get("/api/v1/items/", {"state": "lost"})
    assert bad.status_code == 400 and "state" in bad.json()
    # the list's filters narrow the list only: an item's own routes find it whatever the query string
    pk = world.internal.pk
    assert client.get(f"/api/v1/items/{pk}/", {"state": "submitted"}).json()["title"] == "东城县信访积案化解情况"
    assert client.get(f"/api/v1/items/{pk}/", {"state": "lost"}).status_code == 200
    sent = client.post(f"/api/v1/items/{pk}/submit/?category=news", {}, format="json")
    assert sent.status_code == 201, sent.content


def test_item_list_costs_a_bounded_number_of_queries(world: World, django_assert_max_num_queries: Any) -> None:
    client = world.api("reporter")
    with django_assert_max_num_queries(8):
        assert client.get("/api/v1/items/").json()["count"] == 2
    for n in range(25):
        services.item_create(actor=world.net.reporter, title=f"第{n}条", body=BODY, tags=["安全生产"])
    with django_assert_max_num_queries(8):
        assert client.get("/api/v1/items/").json()["count"] == 27


# --- who changes what ---


@pytest.mark.parametrize("persona", PERSONAS)
def test_create_draft(world: World, persona: str) -> None:
    response = world.api(persona).post(
        "/api/v1/items/", {"title": "东城镇新建便民服务站3个", "body": "正文", "tags": ["便民"]}, format="json"
    )
    created = Item.objects.filter(title="东城镇新建便民服务站3个").first()
    if persona in COUNTY_PEOPLE | {"outsider"}:
        assert response.status_code == 201, response.content
        assert created is not None and created.unit == world.net.users[persona].unit
        assert created.state == ItemState.DRAFT
        assert response.json()["id"] == created.pk and response.json()["tags"] == ["便民"]
    else:
        assert response.status_code == 403
        assert response.json() == {"detail": NOT_ALLOWED}
        assert created is None


def test_a_new_drafts_answer_is_its_detail_written_from_the_row(world: World) -> None:
    """``POST /items/`` answers from the row just written (no attachments, rounds or history
    to read), and the answer is what reading the item gives."""
    client = world.api("reporter")
    with CaptureQueriesContext(connection) as done:
        response = client.post("/api/v1/items/", {"title": "东城镇新建便民服务站3个", "body": "正文",
                                                  "tags": ["便民"]}, format="json")
    assert response.status_code == 201, response.content
    read = [main_table(q["sql"]) for q in done.captured_queries if q["sql"].startswith("SELECT")]
    assert not {"items_itemevent", "items_attachment", "items_submission"} & set(read), read
    detail = client.get(f"/api/v1/items/{response.json()['id']}/").json()
    assert response.json() == detail and detail["history"] == [] and detail["tags"] == ["便民"]


@pytest.mark.parametrize("persona", PERSONAS)
def test_patch_draft(world: World, persona: str) -> None:
    response = world.api(persona).patch(
        f"/api/v1/items/{world.public.pk}/", {"title": "东城县整改隐患38处", "version": 1}, format="json"
    )
    world.public.refresh_from_db()
    if persona in COUNTY_PEOPLE:
        assert response.status_code == 200
        assert world.public.title == "东城县整改隐患38处" and world.public.body == BODY  # PATCH keeps the rest
        assert response.json()["version"] == 2
    else:
        assert response.status_code == 404
        assert world.public.title == "东城县排查企业126家整改隐患38处"


@pytest.mark.parametrize("persona", PERSONAS)
def test_discard_draft(world: World, persona: str) -> None:
    response = world.api(persona).delete(f"/api/v1/items/{world.public.pk}/")
    exists = Item.objects.filter(pk=world.public.pk).exists()
    if persona in COUNTY_PEOPLE:
        assert response.status_code == 204 and not exists
    else:
        assert response.status_code == 404 and exists


def test_a_submitted_item_cannot_be_discarded(world: World) -> None:
    services.item_submit(actor=world.net.reporter, item=world.public)
    response = world.api("reporter").delete(f"/api/v1/items/{world.public.pk}/")
    assert response.status_code == 409
    assert response.json() == {"detail": "已报送过的信息不能删除。"}
    assert Item.objects.filter(pk=world.public.pk).exists()


@pytest.mark.parametrize("persona", PERSONAS)
def test_submit(world: World, persona: str) -> None:
    response = world.api(persona).post(f"/api/v1/items/{world.public.pk}/submit/", {}, format="json")
    if persona not in COUNTY_PEOPLE:
        assert response.status_code == 404
        assert not Submission.objects.exists()
        return
    assert response.status_code == 201, response.content
    body = response.json()
    submission = Submission.objects.get()
    assert body["receipt_no"] == submission.receipt_no and body["receipt_no"].startswith("XX")
    assert (body["round"], body["item"]) == (1, world.public.pk)
    assert body["desks"] == ["临江市委办公室信息科"]
    assert body["signed_off_by_name"] == ("李签发" if persona == "approver" else None)
    assert entry_at(world.public, world.net.city.desk).title == "东城县排查企业126家整改隐患38处"


@pytest.mark.parametrize("persona", PERSONAS)
def test_request_signoff(world: World, persona: str) -> None:
    response = world.api(persona).post(f"/api/v1/items/{world.public.pk}/request-signoff/", {}, format="json")
    world.public.refresh_from_db()
    if persona in COUNTY_PEOPLE:
        assert response.status_code == 200
        assert response.json()["state_label"] == "待签发"
        assert world.public.state == ItemState.PENDING_SIGNOFF
    else:
        assert response.status_code == 404
        assert world.public.state == ItemState.DRAFT


@pytest.fixture
def pending(world: World) -> Item:
    world.net.county.requires_signoff = True
    world.net.county.save()
    services.item_request_signoff(actor=world.net.reporter, item=world.public)
    world.public.refresh_from_db()
    return world.public


@pytest.mark.parametrize("persona", PERSONAS)
def test_signoff(world: World, pending: Item, persona: str) -> None:
    response = world.api(persona).post(f"/api/v1/items/{pending.pk}/signoff/", {}, format="json")
    pending.refresh_from_db()
    expected = {"approver": 201, "reporter": 403, "no_clearance": 403}.get(persona, 404)
    assert response.status_code == expected
    if expected == 201:
        assert pending.state == ItemState.SUBMITTED
        assert response.json()["signed_off_by_name"] == "李签发"
        assert DeskEntry.objects.filter(item=pending).count() == 1
    else:
        assert pending.state == ItemState.PENDING_SIGNOFF
        assert not Submission.objects.exists()
    if expected == 403:
        assert response.json() == {"detail": NOT_ALLOWED}


def test_signoff_needs_an_item_waiting_for_it(world: World) -> None:
    response = world.api("approver").post(f"/api/v1/items/{world.public.pk}/signoff/", {}, format="json")
    assert response.status_code == 409
    assert response.json() == {"detail": "只有待签发的信息才能签发。"}
    assert not Submission.objects.exists()


def test_a_unit_requiring_signoff_refuses_a_reporters_submit(world: World, pending: Item) -> None:
    item = draft(world.net.reporter, title="东城县第二条信息")
    response = world.api("reporter").post(f"/api/v1/items/{item.pk}/submit/", {}, format="json")
    assert response.status_code == 409
    assert response.json() == {"detail": "本单位规定信息须经签发人签发后报送，请先“送签”。"}


@pytest.mark.parametrize("persona", PERSONAS)
def test_return_signoff(world: World, pending: Item, persona: str) -> None:
    response = world.api(persona).post(f"/api/v1/items/{pending.pk}/return-signoff/", {"reason": "数字需核实"},
                                       format="json")
    pending.refresh_from_db()
    expected = {"approver": 200, "reporter": 403, "no_clearance": 403}.get(persona, 404)
    assert response.status_code == expected
    if expected == 200:
        assert response.json()["signoff_reason"] == "数字需核实"
        assert pending.state == ItemState.SIGNOFF_RETURNED
    else:
        assert pending.state == ItemState.PENDING_SIGNOFF


def test_return_signoff_needs_a_reason(world: World, pending: Item) -> None:
    response = world.api("approver").post(f"/api/v1/items/{pending.pk}/return-signoff/", {"reason": " "},
                                          format="json")
    assert response.status_code == 409
    assert response.json() == {"detail": "退回须填写理由。"}


@pytest.mark.parametrize("persona", PERSONAS)
def test_add_attachment(world: World, persona: str) -> None:
    response = world.api(persona).post(f"/api/v1/items/{world.public.pk}/attachments/", {"file": pdf()},
                                       format="multipart")
    if persona in COUNTY_PEOPLE:
        assert response.status_code == 201, response.content
        assert (response.json()["name"], response.json()["content_type"]) == ("现场照片说明.pdf", "application/pdf")
        detail = world.api(persona).get(f"/api/v1/items/{world.public.pk}/").json()
        assert [a["name"] for a in detail["attachments"]] == ["现场照片说明.pdf"]
    else:
        assert response.status_code == 404
        assert not Attachment.objects.exists()


@pytest.mark.parametrize("persona", PERSONAS)
def test_remove_attachment(world: World, persona: str) -> None:
    attachment = services.attachment_add(actor=world.net.reporter, item=world.public, upload=pdf())
    response = world.api(persona).delete(f"/api/v1/items/{world.public.pk}/attachments/{attachment.pk}/")
    exists = Attachment.objects.filter(pk=attachment.pk).exists()
    if persona in COUNTY_PEOPLE:
        assert response.status_code == 204 and not exists
    else:
        assert response.status_code == 404 and exists


def test_an_attachment_of_another_item_answers_404(world: World) -> None:
    other = services.attachment_add(actor=world.net.reporter, item=world.internal, upload=pdf())
    response = world.api("reporter").delete(f"/api/v1/items/{world.public.pk}/attachments/{other.pk}/")
    assert response.status_code == 404
    assert Attachment.objects.filter(pk=other.pk).exists()


@pytest.mark.parametrize("persona", PERSONAS)
def test_feedback_access(world: World, persona: str) -> None:
    services.item_submit(actor=world.net.reporter, item=world.public)
    response = world.api(persona).get(f"/api/v1/items/{world.public.pk}/feedback/")
    if persona in COUNTY_PEOPLE:
        assert response.status_code == 200
        desks = response.json()["desks"]
        assert [(d["desk_name"], d["state_label"]) for d in desks] == [("临江市委办公室信息科", "待处理")]
    else:
        assert response.status_code == 404


# --- anonymous callers ---


def anonymous_calls(world: World) -> list[tuple[str, str]]:
    pk = world.public.pk
    return [
        ("get", "/api/v1/items/"),
        ("post", "/api/v1/items/"),
        ("get", f"/api/v1/items/{pk}/"),
        ("patch", f"/api/v1/items/{pk}/"),
        ("delete", f"/api/v1/items/{pk}/"),
        ("post", f"/api/v1/items/{pk}/submit/"),
        ("post", f"/api/v1/items/{pk}/request-signoff/"),
        ("post", f"/api/v1/items/{pk}/signoff/"),
        ("post", f"/api/v1/items/{pk}/return-signoff/"),
        ("post", f"/api/v1/items/{pk}/attachments/"),
        ("delete", f"/api/v1/items/{pk}/attachments/1/"),
        ("get", f"/api/v1/items/{pk}/feedback/"),
    ]


def test_anonymous_callers_get_403_everywhere(world: World) -> None:
    client = world.api(None)
    for method, url in anonymous_calls(world):
        response = getattr(client, method)(url, {}, format="json")
        assert response.status_code == 403, (method, url)
        assert response.json() == {"detail": "身份认证信息未提供。"}, (method, url)
    world.public.refresh_from_db()
    assert world.public.state == ItemState.DRAFT and not Submission.objects.exists()


# --- reliability: retries and concurrent saves ---


def test_a_retried_submit_with_the_same_key_creates_one_submission(world: World) -> None:
    client = world.api("reporter")
    url = f"/api/v1/items/{world.public.pk}/submit/"
    first = client.post(url, {}, format="json", HTTP_IDEMPOTENCY_KEY="8f14e45f-retry")
    again = client.post(url, {}, format="json", HTTP_IDEMPOTENCY_KEY="8f14e45f-retry")
    assert first.status_code == again.status_code == 201
    assert first.json()["receipt_no"] == again.json()["receipt_no"]
    assert first.json()["id"] == again.json()["id"]
    assert Submission.objects.count() == 1 and DeskEntry.objects.count() == 1
    # The key can also come in the body; the same key still answers with the first receipt.
    in_body = client.post(url, {"idempotency_key": "8f14e45f-retry"}, format="json")
    assert in_body.status_code == 201 and in_body.json()["receipt_no"] == first.json()["receipt_no"]
    # A new key on a submitted item is a real second attempt, refused.
    fresh = client.post(url, {}, format="json", HTTP_IDEMPOTENCY_KEY="another")
    assert fresh.status_code == 409
    assert fresh.json() == {"detail": "该信息已报送，不能再次报送。"}
    assert Submission.objects.count() == 1


def test_a_retried_signoff_returns_the_same_receipt(world: World, pending: Item) -> None:
    client = world.api("approver")
    url = f"/api/v1/items/{pending.pk}/signoff/"
    first = client.post(url, {}, format="json", HTTP_IDEMPOTENCY_KEY="sign-1")
    again = client.post(url, {}, format="json", HTTP_IDEMPOTENCY_KEY="sign-1")
    assert first.status_code == again.status_code == 201
    assert first.json()["receipt_no"] == again.json()["receipt_no"]
    assert Submission.objects.count() == 1


def test_idempotency_key_misuse_is_refused_without_sending_anything(world: World) -> None:
    client = world.api("reporter")
    url = f"/api/v1/items/{world.public.pk}/submit/"
    both = client.post(url, {"idempotency_key": "a"}, format="json", HTTP_IDEMPOTENCY_KEY="b")
    assert both.status_code == 409
    assert both.json() == {"idempotency_key": ["请求头 Idempotency-Key 与请求体中的 idempotency_key 不一致。"]}
    long = client.post(url, {}, format="json", HTTP_IDEMPOTENCY_KEY="k" * 81)
    assert long.status_code == 400 and "80" in long.json()["idempotency_key"][0]
    assert not Submission.objects.exists()
    # A key already used for another item does not answer with that item's receipt.
    other = draft(world.net.reporter, title="东城县第二条信息")
    assert client.post(url, {}, format="json", HTTP_IDEMPOTENCY_KEY="used").status_code == 201
    reused = client.post(f"/api/v1/items/{other.pk}/submit/", {}, format="json", HTTP_IDEMPOTENCY_KEY="used")
    assert reused.status_code == 409
    assert reused.json() == {"idempotency_key": ["这个幂等键已用于另一条信息的报送，每次报送请使用新的键。"]}
    other.refresh_from_db()
    assert other.state == ItemState.DRAFT and Submission.objects.count() == 1


def test_two_people_saving_the_same_version_one_wins_the_other_gets_409(world: World) -> None:
    url = f"/api/v1/items/{world.public.pk}/"
    first = world.api("reporter").patch(url, {"title": "东城县整改隐患38处", "version": 1}, format="json")
    second = world.api("approver").patch(url, {"title": "另一个标题", "version": 1}, format="json")
    assert first.status_code == 200
    assert second.status_code == 409
    assert second.json() == {"detail": "该信息已在别处修改（或已送签、报送），请刷新后再改。"}
    world.public.refresh_from_db()
    assert (world.public.title, world.public.version) == ("东城县整改隐患38处", 2)


def test_patch_requires_the_version(world: World) -> None:
    response = world.api("reporter").patch(f"/api/v1/items/{world.public.pk}/", {"title": "新标题"}, format="json")
    assert response.status_code == 400
    assert response.json() == {"version": ["请提供版本号（version），以免覆盖他人的修改。"]}


def test_a_stale_version_on_submit_is_a_conflict(world: World) -> None:
    response = world.api("reporter").post(f"/api/v1/items/{world.public.pk}/submit/", {"version": 7}, format="json")
    assert response.status_code == 409
    assert response.json() == {"detail": "该信息的状态已经变化，请刷新后再操作。"}
    assert not Submission.objects.exists()


# --- bad input ---


def test_an_empty_title_cannot_be_submitted_and_the_draft_is_kept(world: World) -> None:
    item = draft(world.net.reporter, title="   ")
    response = world.api("reporter").post(f"/api/v1/items/{item.pk}/submit/", {}, format="json")
    assert response.status_code == 409
    assert response.json() == {"detail": "标题不能为空。"}
    item.refresh_from_db()
    assert item.state == ItemState.DRAFT and item.body == BODY
    assert not Submission.objects.exists()


def test_an_oversized_body_is_refused_in_chinese_and_the_draft_is_unchanged(world: World) -> None:
    client = world.api("reporter")
    huge = "字" * 20_001
    created = client.post("/api/v1/items/", {"title": "长文", "body": huge}, format="json")
    assert created.status_code == 409
    assert created.json() == {"detail": "正文不能超过 20000 个字（现有 20001 个字），请精简或作为附件上传。"}
    assert not Item.objects.filter(title="长文").exists()
    patched = client.patch(f"/api/v1/items/{world.public.pk}/", {"body": huge, "version": 1}, format="json")
    assert patched.status_code == 409 and "20000" in patched.json()["detail"]
    world.public.refresh_from_db()
    assert (world.public.body, world.public.version) == (BODY, 1)


def test_html_in_title_and_body_comes_back_as_the_same_text(world: World) -> None:
    title = '<script>alert("x")</script>东城县<b>通报</b>'
    body = "<img src=x onerror=alert(1)>全县排查企业126家。"
    client = world.api("reporter")
    created = client.post("/api/v1/items/", {"title": title, "body": body}, format="json")
    assert created.status_code == 201
    assert created["Content-Type"] == "application/json"
    detail = client.get(f"/api/v1/items/{created.json()['id']}/").json()
    assert (detail["title"], detail["body"]) == (title, body)  # stored and returned verbatim, never as markup
    assert "&lt;" not in detail["title"]


def test_classification_above_ones_clearance_is_refused(world: World) -> None:
    response = world.api("reporter").post("/api/v1/items/", {"title": "涉密", "classification": 2}, format="json")
    assert response.status_code == 409
    assert response.json() == {"detail": "信息密级不能高于您本人的涉密等级。"}
    unknown = world.api("reporter").post("/api/v1/items/", {"category": "gossip"}, format="json")
    assert unknown.status_code == 400 and "category" in unknown.json()


def test_wrong_attachment_types_are_refused_in_chinese(world: World) -> None:
    client = world.api("reporter")
    url = f"/api/v1/items/{world.public.pk}/attachments/"
    exe = client.post(url, {"file": SimpleUploadedFile("工具.exe", b"MZ\x90\x00")}, format="multipart")
    assert exe.status_code == 409
    assert exe.json() == {"detail": "不支持“工具.exe”这种文件：附件只能是 DOCX、PDF、JPG、PNG。"}
    fake = client.post(url, {"file": pdf("伪装.pdf", b"GIF89a not a pdf")}, format="multipart")
    assert fake.status_code == 409
    assert fake.json() == {"detail": "“伪装.pdf”的内容与扩展名不符或文件已损坏，请检查后重新上传。"}
    corrupt = io.BytesIO()
    with zipfile.ZipFile(corrupt, "w") as archive:
        archive.writestr("readme.txt", "not a word document")
    docx = client.post(url, {"file": SimpleUploadedFile("材料.docx", corrupt.getvalue())}, format="multipart")
    assert docx.status_code == 409 and "内容与扩展名不符" in docx.json()["detail"]
    missing = client.post(url, {}, format="multipart")
    assert missing.status_code == 400 and "file" in missing.json()
    assert not Attachment.objects.exists()


def test_a_gbk_text_file_as_attachment_gets_a_chinese_error(world: World) -> None:
    gbk = "东城县冬季安全生产检查情况".encode("gbk")
    response = world.api("reporter").post(
        f"/api/v1/items/{world.public.pk}/attachments/",
        {"file": SimpleUploadedFile("情况说明.txt", gbk, content_type="text/plain")},
        format="multipart",
    )
    assert response.status_code == 409
    assert response.json() == {"detail": "不支持“情况说明.txt”这种文件：附件只能是 DOCX、PDF、JPG、PNG。"}
    world.public.refresh_from_db()
    assert world.public.body == BODY and not Attachment.objects.exists()


def test_an_oversized_attachment_is_refused(world: World, settings: Any) -> None:
    settings.XINXI_MAX_ATTACHMENT_BYTES = 1024 * 1024
    big = pdf("大文件.pdf", PDF + b"0" * (2 * 1024 * 1024))
    response = world.api("reporter").post(f"/api/v1/items/{world.public.pk}/attachments/", {"file": big},
                                          format="multipart")
    assert response.status_code == 409
    message = response.json()["detail"]
    assert message.startswith("“大文件.pdf”有 2.0 MB，超过 1") and message.endswith("MB 的上限。")
    assert not Attachment.objects.exists()


# --- feedback (反馈) ---


def test_feedback_shows_every_desk_up_the_chain(world: World) -> None:
    net = world.net
    item = world.public
    services.item_submit(actor=net.reporter, item=item)
    city_entry = entry_at(item, net.city.desk)
    desk_services.entry_return(actor=net.editor, entry=city_entry, reason="请补充整改时限")
    client = world.api("reporter")
    returned = client.get(f"/api/v1/items/{item.pk}/feedback/").json()
    step = returned["desks"][0]
    assert (step["state_label"], returned["item"]["state_label"]) == ("退回修改", "退回修改")
    assert [e["reason"] for e in step["events"] if e["action"] == "return"] == ["请补充整改时限"]

    item.refresh_from_db()
    services.item_update(actor=net.reporter, item=item, version=item.version, body=BODY + "整改时限为12月31日。")
    services.item_submit(actor=net.reporter, item=item)
    city_entry.refresh_from_db()
    desk_services.entry_open(actor=net.editor, entry=city_entry)
    desk_services.entry_edit(actor=net.editor, entry=city_entry, version=city_entry.version,
                             title="东城县冬季安全生产大检查整改隐患38处", body="改后的正文，整改隐患38处。")
    make_user("sheng_bj", net.province, "editor")
    upper = desk_services.entry_forward(actor=net.editor, entry=city_entry)
    province_editor = User.objects.get(username="sheng_bj")
    desk_services.adoption_record(actor=province_editor, entry=upper, publication="东海信息",
                                  issue_no="2026年第12期", adopted_on=dt.date(2026, 1, 20), kind="full")

    body = client.get(f"/api/v1/items/{item.pk}/feedback/").json()
    assert [s["round"] for s in body["submissions"]] == [1, 2]
    assert [(d["desk_name"], d["state_label"]) for d in body["desks"]] == [
        ("临江市委办公室信息科", "处理中"),
        ("东海省委办公厅信息科", "已采用"),
    ]
    city, province = body["desks"]
    assert city["edited"] is True and city["title"] == "东城县冬季安全生产大检查整改隐患38处"
    assert {e["action_label"] for e in city["events"]} >= {"退回修改", "转报"}
    assert [(a["publication"], a["issue_no"], a["level_label"]) for a in province["adoptions"]] == [
        ("东海信息", "2026年第12期", "省级")
    ]
    assert [a["unit_name"] for a in body["adoptions"]] == ["东城县委办公室"]


def test_feedback_of_a_draft_is_empty(world: World) -> None:
    body = world.api("reporter").get(f"/api/v1/items/{world.public.pk}/feedback/").json()
    assert (body["desks"], body["submissions"], body["adoptions"]) == ([], [], [])
    assert body["item"]["state"] == "draft"


# --- the schema tells the truth ---


def schema_fields(client: APIClient, path: str, method: str = "get", code: str = "200") -> set[str]:
    """The documented fields of one response (a page's row, an array's item, or the object)."""
    schema = client.get("/api/v1/schema/", {"format": "json"}).json()
    components = schema["components"]["schemas"]

    def resolve(node: dict[str, Any]) -> dict[str, Any]:
        while "$ref" in node or node.get("type") == "array":
            node = components[node["$ref"].rsplit("/", 1)[1]] if "$ref" in node else node["items"]
        return node

    node = resolve(schema["paths"][path][method]["responses"][code]["content"]["application/json"]["schema"])
    if {"count", "results"} <= set(node["properties"]):
        node = resolve(node["properties"]["results"])
    return set(node["properties"])


def test_item_responses_match_the_schema(world: World) -> None:
    client = world.api("reporter")
    pk = world.public.pk
    row = client.get("/api/v1/items/").json()["results"][0]
    assert set(row) == schema_fields(client, "/api/v1/items/")
    detail = client.get(f"/api/v1/items/{pk}/").json()
    assert set(detail) == schema_fields(client, "/api/v1/items/{id}/")
    receipt = client.post(f"/api/v1/items/{pk}/submit/", {}, format="json").json()
    assert set(receipt) == schema_fields(client, "/api/v1/items/{id}/submit/", "post", "201")
    feedback = client.get(f"/api/v1/items/{pk}/feedback/").json()
    assert set(feedback) == schema_fields(client, "/api/v1/items/{id}/feedback/")
    assert set(feedback["desks"][0]) == {
        "entry", "desk", "desk_name", "source", "source_label", "state", "state_label", "received_at",
        "forwarded_at", "title", "body", "edited", "combined_item", "combined_into", "events", "adoptions",
    }
    assert set(feedback["desks"][0]["events"][0]) == {"at", "action", "action_label", "reason"}


# --- the archive (资料信息库) ---

PETITION_BODY = "全县信访工作会议召开，县司法局、信访局参加，化解信访积案12件。<b>加粗</b>"


@pytest.fixture
def archive(world: World) -> World:
    """Three submitted items about 信访: public and 内部 from the county, public from the other county."""
    for item, body in ((world.public, PETITION_BODY), (world.internal, PETITION_BODY),
                       (world.foreign, "西山县信访形势总体平稳，化解信访积案8件。")):
        services.item_update(actor=item.created_by, item=item, version=1, body=body)
        item.refresh_from_db()
        services.item_submit(actor=item.created_by, item=item)
    return world


def found_titles(persona: str) -> set[str]:
    if persona in {"reporter", "approver", "editor", "desk_chief", "duty_officer", "leader"}:
        return {"东城县排查企业126家整改隐患38处", "东城县信访积案化解情况"}
    if persona == "no_clearance":
        return {"东城县排查企业126家整改隐患38处"}
    return {"西山县春耕备耕进展顺利"} if persona == "outsider" else set()


@pytest.mark.parametrize("persona", PERSONAS)
def test_search_finds_a_two_character_term_only_where_the_user_may_read(archive: World, persona: str) -> None:
    response = archive.api(persona).get("/api/v1/search/", {"q": "信访"})
    assert response.status_code == 200, response.content
    body = response.json()
    shown = {re.sub(r"</?mark>", "", hit["title_html"]) for hit in body["results"]}
    assert shown == found_titles(persona)
    assert body["count"] == len(body["results"]) and body["count_label"] == str(body["count"])
    assert body["more"] is False and body["terms"] == ["信访"]
    for hit in body["results"]:
        assert "<mark>信访</mark>" in hit["snippet_html"]
        assert "&lt;b&gt;" in hit["snippet_html"] or "西山县" in hit["snippet_html"]  # markup in the text stays text
        assert "<b>" not in hit["snippet_html"]


def test_search_counts_1000_plus(archive: World, monkeypatch: pytest.MonkeyPatch) -> None:
    from xinxi.archive import search

    monkeypatch.setattr(search, "MAX_RESULTS", 1)
    body = archive.api("reporter").get("/api/v1/search/", {"q": "信访"}).json()
    assert (body["count"], body["count_label"], body["more"]) == (1, "1+", True)


def test_search_filters_and_pages(archive: World) -> None:
    client = archive.api("editor")

    def count(**query: Any) -> int:
        response = client.get("/api/v1/search/", {"q": "信访", **query})
        assert response.status_code == 200, response.content
        return int(response.json()["count"])

    assert count() == 2
    assert count(kind="e", unit=archive.net.county.pk) == 2
    assert count(unit=archive.net.other_county.pk) == 0
    assert count(date_to=(timezone.localdate() - dt.timedelta(days=3)).isoformat()) == 0
    assert count(order="relevance", page=5) == 2  # a page past the end shows the last page
    assert client.get("/api/v1/search/").json()["count"] == 0  # nothing asked, nothing shown


def test_search_bad_input_is_refused_in_chinese(archive: World) -> None:
    client = archive.api("reporter")
    long = client.get("/api/v1/search/", {"q": "信" * 101})
    assert long.status_code == 400 and long.json() == {"q": ["检索词最多 100 个字，请精简。"]}
    dates = client.get("/api/v1/search/", {"date_from": "2026-02-01", "date_to": "2026-01-01"})
    assert dates.status_code == 400 and dates.json() == {"date_to": ["截止日期不能早于起始日期。"]}
    for bad in ({"page": 0}, {"order": "random"}, {"unit": "东城"}, {"kind": "x"}):
        assert client.get("/api/v1/search/", bad).status_code == 400, bad
    assert archive.api(None).get("/api/v1/search/", {"q": "信访"}).status_code == 403


def test_search_costs_a_bounded_number_of_queries(archive: World, django_assert_max_num_queries: Any) -> None:
    with django_assert_max_num_queries(10):
        assert archive.api("editor").get("/api/v1/search/", {"q": "信访"}).json()["count"] == 2
    for n in range(15):
        submitted(archive.net.reporter, title=f"第{n}条信访信息", body=PETITION_BODY)
    with django_assert_max_num_queries(10):
        assert archive.api("editor").get("/api/v1/search/", {"q": "信访"}).json()["count"] == 17


def test_search_response_matches_the_schema(archive: World) -> None:
    client = archive.api("reporter")
    body = client.get("/api/v1/search/", {"q": "信访"}).json()
    assert set(body) == {"count", "count_label", "more", "page", "pages", "terms", "results", "issues", "issue_count",
                         "issue_count_label"}
    schema = client.get("/api/v1/schema/", {"format": "json"}).json()
    components = schema["components"]["schemas"]
    assert set(body["results"][0]) == set(components["SearchHit"]["properties"])
    ref = schema["paths"]["/api/v1/search/"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert set(body) == set(components[ref["$ref"].rsplit("/", 1)[1]]["properties"])


# --- create and submit in one request ---

NEW = {"title": "东城镇新建便民服务站3个", "body": BODY, "category": "news"}


@pytest.mark.parametrize("persona", PERSONAS)
def test_create_and_submit_in_one_request(world: World, persona: str) -> None:
    response = world.api(persona).post("/api/v1/items/submit/", NEW, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    created = Item.objects.filter(title=NEW["title"]).first()
    if persona not in COUNTY_PEOPLE | {"outsider"}:
        assert response.status_code == 403 and created is None
        return
    assert response.status_code == 201, response.content
    body = response.json()
    assert created is not None and created.state == ItemState.SUBMITTED and body["item"] == created.pk
    submission = Submission.objects.get(item=created)
    assert body["receipt_no"] == submission.receipt_no and body["round"] == 1
    entries = DeskEntry.objects.filter(item=created).select_related("desk")
    assert body["desks"] == sorted(e.desk.name for e in entries) != []
    assert all(e.title == NEW["title"] and e.submission_id == submission.pk for e in entries)


def test_a_retried_create_and_submit_makes_one_item(world: World) -> None:
    client = world.api("reporter")
    before = Item.objects.count()
    first = client.post("/api/v1/items/submit/", NEW, format="json", HTTP_IDEMPOTENCY_KEY="cs-retry")
    again = client.post("/api/v1/items/submit/", NEW, format="json", HTTP_IDEMPOTENCY_KEY="cs-retry")
    in_body = client.post("/api/v1/items/submit/", {**NEW, "idempotency_key": "cs-retry"}, format="json")
    assert first.status_code == again.status_code == in_body.status_code == 201
    assert first.json() == again.json() == in_body.json()
    assert Item.objects.count() == before + 1 and Submission.objects.count() == 1
    assert DeskEntry.objects.count() == 1


def test_a_refused_create_and_submit_leaves_no_draft(world: World) -> None:
    client = world.api("reporter")
    before = Item.objects.count()
    empty = client.post("/api/v1/items/submit/", {**NEW, "title": ""}, format="json")
    assert empty.status_code == 409 and "标题" in str(empty.json())
    too_secret = client.post("/api/v1/items/submit/", {**NEW, "classification": 3}, format="json")
    assert too_secret.status_code == 409 and "涉密等级" in str(too_secret.json())
    long = client.post("/api/v1/items/submit/", NEW, format="json", HTTP_IDEMPOTENCY_KEY="k" * 81)
    assert long.status_code == 400
    # A unit whose items must be signed off: the reporter is told so, and nothing is kept.
    world.net.county.requires_signoff = True
    world.net.county.save()
    refused = world.api("reporter").post("/api/v1/items/submit/", NEW, format="json")
    assert refused.status_code == 409 and "签发" in str(refused.json())
    assert Item.objects.count() == before and not Submission.objects.exists()


def test_the_receipt_written_directly_is_drfs_own(world: World) -> None:
    """``ReceiptSerializer`` writes its fields by hand: the same keys, in the same order, with
    the same values as DRF's field-by-field representation, for every kind of round."""
    net = world.net
    submitted(net.reporter)
    submitted(net.reporter, title="东城县发生一起交通事故", category="problem", tone="problem", urgency=2,
              classification=1, event_time=timezone.now() - dt.timedelta(hours=3))
    submitted(net.approver, title="东城县签发人直接报送的信息", category="experience")
    rounds = list(Submission.objects.select_related("submitted_by", "signed_off_by").order_by("pk"))
    assert {s.signed_off_by_id is None for s in rounds} == {True, False}
    assert {s.event_time is None for s in rounds} == {True, False}
    for desks in ([], ["东城县委办公室信息科", "江阳市委办公室信息科"]):
        for submission in rounds:
            written = ReceiptSerializer(submission, context={"desks": desks}).data
            drf = serializers.ModelSerializer.to_representation(
                ReceiptSerializer(submission, context={"desks": desks}), submission
            )
            assert list(written.items()) == list(drf.items())


def test_an_items_text_is_segmented_before_its_submission_transaction(world: World, monkeypatch: Any) -> None:
    """SQLite holds its write lock from a transaction's start: the search terms of the text
    (milliseconds of jieba) are made before it, for a new item sent at once and for a draft."""
    depths: list[int] = []
    real = index._run_terms
    monkeypatch.setattr(index, "_run_terms", lambda run: depths.append(len(connection.atomic_blocks)) or real(run))
    index.text_terms.cache_clear()
    outside = len(connection.atomic_blocks)  # the test's own transaction
    sent = world.api("reporter").post("/api/v1/items/submit/", NEW, format="json")
    assert sent.status_code == 201
    assert depths and set(depths) == {outside}
    item = draft(world.net.reporter, title="西城镇新建便民服务站5个", body=BODY + "另建流动服务点两处。")
    depths.clear()
    services.item_submit(actor=world.net.reporter, item=item)
    assert depths and set(depths) == {outside}
    assert Submission.objects.filter(item=item).exists()


def test_create_and_submit_costs_a_bounded_number_of_queries(world: World) -> None:
    """One item sent as an API client sends it (token, idempotency key): at most 12
    statements besides BEGIN/COMMIT, the token's lookup included (11 on PostgreSQL, where
    the search document needs no second insert), and no table read twice but the users:
    the client and the desks' editors to tell."""
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=world.net.reporter).key}")
    with CaptureQueriesContext(connection) as done:
        response = client.post("/api/v1/items/submit/", NEW, format="json", HTTP_IDEMPOTENCY_KEY="q-1")
    assert response.status_code == 201
    statements = [q["sql"] for q in done.captured_queries if not TRANSACTION.match(q["sql"])]
    assert len(statements) <= (11 if connection.vendor == "postgresql" else 12), "\n".join(s[:150] for s in statements)
    read = [main_table(sql) for sql in statements if sql.startswith("SELECT")]
    assert sorted(read) == ["accounts_user", "accounts_user", "network_desk"], read
    assert len(done.captured_queries) - len(statements) <= 2  # one transaction, no savepoints inside
    # A retry with the same key: the first receipt, nothing written twice.
    again = client.post("/api/v1/items/submit/", NEW, format="json", HTTP_IDEMPOTENCY_KEY="q-1")
    assert again.json() == response.json() and Submission.objects.count() == 1
    with CaptureQueriesContext(connection) as done:
        assert client.post("/api/v1/items/", NEW, format="json").status_code == 201
    assert len([q for q in done.captured_queries if not TRANSACTION.match(q["sql"])]) <= 12
