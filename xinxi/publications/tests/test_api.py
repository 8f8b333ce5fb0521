"""The periodicals REST API: periodicals, composing, sign-off (= issue), reading, export.

Reminder of the fixture (``xinxi.network.testing``): 临江市委办公室's desk runs 《临江信息》,
read online by the city and 东城县委办公室 (``factories.periodical``). Its editor (秘密) and
desk chief (机密) compose, only the desk chief signs; the duty officer (内部) and the
leader (机密) read issued issues; reporter and approver (内部) and no_clearance (公开) sit in
东城县; outsider sits in 西山县 under another city; admin has no unit and no desk.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

import pytest
from django.utils import timezone
from docx import Document
from rest_framework.test import APIClient

from xinxi.accounts.models import User
from xinxi.audit.models import AuditEvent
from xinxi.items.models import Adoption, DeskEntry, EntryState
from xinxi.items.tests.factories import entry_at, submitted
from xinxi.items.tests.test_api_items import schema_fields
from xinxi.network.testing import PERSONAS, Net, make_user
from xinxi.publications import documents, services
from xinxi.publications.models import Column, Issue, IssueRead, IssueState, Periodical
from xinxi.publications.tests.factories import pending_issue, periodical

NOT_ALLOWED = "您没有权限进行此操作。"
COMPOSERS = {"editor", "desk_chief"}
ISSUED_READERS = {"editor", "desk_chief", "duty_officer", "leader", "reporter", "approver"}
DESK_STAFF = {"editor", "desk_chief", "duty_officer", "leader"}


@dataclass
class World:
    net: Net
    paper: Periodical
    issued: Issue  # 内部, signed: read by the desk and the county
    draft: Issue  # 内部, being composed

    def api(self, persona: str | None) -> APIClient:
        client = APIClient()
        if persona is not None:
            client.force_authenticate(User.objects.get(pk=self.net.users[persona].pk))
        return client

    def entry(self, title: str = "东城县新增就业岗位1200个", **extra: Any) -> DeskEntry:
        return entry_at(submitted(self.net.reporter, title=title, **extra), self.net.city.desk)


@pytest.fixture
def world(net: Net) -> World:
    paper = periodical(net)
    issued = services.issue_sign_off(actor=net.desk_chief, issue=pending_issue(net, paper, 2))
    draft = services.issue_create(actor=net.editor, periodical=paper)
    return World(net, paper, issued, draft)


def ok(response: Any, code: int = 200) -> Any:
    assert response.status_code == code, response.content
    return response.json()


def fresh(issue: Issue) -> Issue:
    return Issue.objects.get(pk=issue.pk)


# --- who sees what ---


@pytest.mark.parametrize("persona", PERSONAS)
def test_issue_list_and_detail_follow_the_reading_rules(world: World, persona: str) -> None:
    client = world.api(persona)
    body = ok(client.get("/api/v1/issues/"))
    expected = set()
    if persona in ISSUED_READERS:
        expected.add(world.issued.pk)
    if persona in COMPOSERS:
        expected.add(world.draft.pk)
    assert {row["id"] for row in body["results"]} == expected and body["count"] == len(expected)
    issued = client.get(f"/api/v1/issues/{world.issued.pk}/")
    draft = client.get(f"/api/v1/issues/{world.draft.pk}/")
    assert issued.status_code == (200 if persona in ISSUED_READERS else 404)
    assert draft.status_code == (200 if persona in COMPOSERS else 404)
    if persona in ISSUED_READERS:
        detail = issued.json()
        assert detail["state_label"] == "已印发" and detail["periodical_name"] == "临江信息"
        assert [i["source_label"] for i in detail["items"]] == ["东城县委办公室", "东城县委办公室"]
        assert detail["can_sign"] is (persona == "desk_chief")
        assert detail["read_count"] == (0 if persona in DESK_STAFF else None)


@pytest.mark.parametrize("persona", PERSONAS)
def test_periodicals_are_the_desks(world: World, persona: str) -> None:
    client = world.api(persona)
    names = [row["name"] for row in ok(client.get("/api/v1/periodicals/"))["results"]]
    assert names == (["临江信息"] if persona in DESK_STAFF else [])
    detail = client.get(f"/api/v1/periodicals/{world.paper.pk}/")
    assert detail.status_code == (200 if persona in DESK_STAFF else 404)


def test_a_classified_issue_is_hidden_above_clearance(world: World) -> None:
    net = world.net
    secret_reporter = make_user("mi_reporter", net.county, "reporter", clearance=2)
    entry = entry_at(submitted(secret_reporter, title="东城县某企业安全事故内部通报", classification=2), net.city.desk)
    issue = services.issue_create(actor=net.editor, periodical=world.paper)
    services.issue_add_entries(actor=net.editor, issue=issue, entries=[entry])
    services.issue_send_for_signoff(actor=net.editor, issue=issue)
    services.issue_sign_off(actor=net.desk_chief, issue=issue)
    for persona in ("reporter", "approver", "duty_officer", "no_clearance", "outsider", "admin"):
        client = world.api(persona)
        assert client.get(f"/api/v1/issues/{issue.pk}/").status_code == 404, persona
        assert client.post(f"/api/v1/issues/{issue.pk}/read/").status_code == 404, persona
        assert client.get(f"/api/v1/issues/{issue.pk}/export/docx/").status_code == 404, persona
        listed = ok(client.get("/api/v1/issues/", {"periodical": world.paper.pk}))
        assert issue.pk not in {row["id"] for row in listed["results"]}, persona
        assert listed["count"] == len(listed["results"]), persona
    assert IssueRead.objects.filter(issue=issue).count() == 0
    detail = ok(world.api("editor").get(f"/api/v1/issues/{issue.pk}/"))
    assert detail["classification_label"] == "秘密" and detail["items"][0]["title"] == "东城县某企业安全事故内部通报"
    assert AuditEvent.objects.filter(action="issue_read", object_id=str(issue.pk), actor=net.editor).count() == 1


def test_outside_the_reading_list_nothing_is_seen(world: World) -> None:
    world.paper.readers.set([world.net.city])  # the county no longer reads it online
    for persona in ("reporter", "approver"):
        client = world.api(persona)
        assert ok(client.get("/api/v1/issues/"))["count"] == 0
        assert client.get(f"/api/v1/issues/{world.issued.pk}/").status_code == 404
        assert client.get(f"/api/v1/issues/{world.issued.pk}/export/docx/").status_code == 404
    outsider = world.api("outsider")
    assert ok(outsider.get("/api/v1/issues/")) == {"count": 0, "next": None, "previous": None, "results": []}
    assert ok(outsider.get("/api/v1/periodicals/"))["results"] == []
    assert outsider.get(f"/api/v1/periodicals/{world.paper.pk}/").status_code == 404
    assert ok(world.api("duty_officer").get(f"/api/v1/issues/{world.issued.pk}/"))["id"] == world.issued.pk


def test_issue_filters(world: World) -> None:
    client = world.api("editor")
    year = timezone.localdate().year

    def ids(**query: Any) -> set[int]:
        return {row["id"] for row in ok(client.get("/api/v1/issues/", query))["results"]}

    assert ids(state="issued") == {world.issued.pk}
    assert ids(state="draft") == {world.draft.pk}
    assert ids(year=year) == {world.issued.pk}
    assert ids(year=year - 1) == set()
    assert ids(periodical=world.paper.pk) == {world.issued.pk, world.draft.pk}
    assert ids(periodical=999999) == set()
    assert ids(q="东城县第1条") == {world.issued.pk}
    assert ids(supplement="false") == {world.issued.pk, world.draft.pk}
    for bad in ({"state": "signed"}, {"year": "2026.5"}, {"supplement": "maybe"}, {"periodical": "x"}):
        assert client.get("/api/v1/issues/", bad).status_code == 400, bad


# --- composing, sending, signing ---


def test_compose_send_and_sign_off_through_the_api(world: World) -> None:
    Column.objects.create(periodical=world.paper, name="工作动态", sort_order=1)
    column = Column.objects.get()
    first, second = world.entry("东城县新增就业岗位1200个"), world.entry("东城镇完成秋粮收购3万吨")
    editor = world.api("editor")
    created = ok(editor.post("/api/v1/issues/", {"periodical": world.paper.pk}, format="json"), 201)
    assert (created["state"], created["label"], created["editor_name"]) == ("draft", "（未编号）", "王编辑")
    assert created["to_leaders"] == "市委、市政府领导同志" and created["can_compose"] is True
    pk = created["id"]
    added = ok(editor.post(f"/api/v1/issues/{pk}/entries/", {"entries": [second.pk, first.pk]}, format="json"), 201)
    assert [i["entry"] for i in added["items"]] == [second.pk, first.pk]
    item = added["items"][1]
    changed = ok(
        editor.patch(
            f"/api/v1/issues/{pk}/items/{item['id']}/",
            {"title": "东城县前三季度新增就业岗位1200个", "column": column.pk, "editor_note": "稳就业见实效。"},
            format="json",
        )
    )
    row = changed["items"][1]
    assert (row["title"], row["column_name"], row["editor_note"], row["body"]) == (
        "东城县前三季度新增就业岗位1200个",
        "工作动态",
        "稳就业见实效。",
        item["body"],
    )
    moved = ok(editor.post(f"/api/v1/issues/{pk}/items/{item['id']}/move/", {"direction": "up"}, format="json"))
    assert [i["entry"] for i in moved["items"]] == [first.pk, second.pk]
    updated = ok(
        editor.patch(
            f"/api/v1/issues/{pk}/",
            {"editor_note": "现将有关情况摘编如下。", "copies": 40, "version": moved["version"]},
            format="json",
        )
    )
    assert (updated["editor_note"], updated["copies"]) == ("现将有关情况摘编如下。", 40)
    sent = ok(editor.post(f"/api/v1/issues/{pk}/send/"))
    assert sent["state_label"] == "待签发"
    signed = ok(world.api("desk_chief").post(f"/api/v1/issues/{pk}/sign/"))
    year = timezone.localdate().year
    assert (signed["state"], signed["year"], signed["number"]) == ("issued", year, 2)  # the fixture's issue is 1
    assert signed["label"] == f"{year}年第2期" and signed["signer_name"] == "赵科长"
    assert signed["signed_on"] == timezone.localdate().isoformat()
    adoptions = Adoption.objects.filter(issue_id=pk)
    assert {a.entry_id for a in adoptions} == {first.pk, second.pk}
    assert {(a.publication, a.issue_no) for a in adoptions} == {("临江信息", f"{year}年第2期")}
    assert DeskEntry.objects.get(pk=first.pk).state == EntryState.ADOPTED
    # The sender sees the adoption on its side.
    mine = ok(world.api("reporter").get("/api/v1/adoptions/", {"item": first.item_id}))["results"]
    assert [a["issue_no"] for a in mine] == [f"{year}年第2期"]


def test_two_issues_signed_get_consecutive_numbers(world: World) -> None:
    chief = world.api("desk_chief")
    issues = [pending_issue(world.net, world.paper) for _ in range(2)]
    numbers = [ok(chief.post(f"/api/v1/issues/{issue.pk}/sign/"))["number"] for issue in issues]
    assert numbers == [2, 3]
    supplement = services.issue_create(actor=world.net.editor, periodical=world.paper, supplement=True)
    services.issue_add_entries(actor=world.net.editor, issue=supplement, entries=[world.entry()])
    services.issue_send_for_signoff(actor=world.net.editor, issue=supplement)
    signed = ok(chief.post(f"/api/v1/issues/{supplement.pk}/sign/"))
    assert signed["number"] == 1 and "增刊第1期" in signed["label"]


def test_only_the_desk_chief_signs(world: World) -> None:
    issue = pending_issue(world.net, world.paper)
    refused = world.api("editor").post(f"/api/v1/issues/{issue.pk}/sign/")
    assert refused.status_code == 403 and refused.json() == {"detail": NOT_ALLOWED}
    for persona in ("duty_officer", "leader", "reporter", "outsider", "admin"):  # a pending issue is the composers'
        assert world.api(persona).post(f"/api/v1/issues/{issue.pk}/sign/").status_code == 404, persona
    assert fresh(issue).number is None and not Adoption.objects.filter(issue=issue).exists()
    returned = world.api("editor").post(f"/api/v1/issues/{issue.pk}/return/", {"reason": "再精炼"}, format="json")
    assert returned.status_code == 403


def test_return_needs_a_reason(world: World) -> None:
    issue = pending_issue(world.net, world.paper)
    chief = world.api("desk_chief")
    blank = chief.post(f"/api/v1/issues/{issue.pk}/return/", {"reason": " "}, format="json")
    assert blank.status_code == 409 and blank.json() == {"detail": "退回须填写理由。"}
    back = ok(chief.post(f"/api/v1/issues/{issue.pk}/return/", {"reason": "第二条标题再精炼"}, format="json"))
    assert back["state"] == "draft"


def test_readers_at_the_desk_cannot_compose(world: World) -> None:
    leader = world.api("leader")  # desk staff: sees the periodical and issued issues, composes nothing
    created = leader.post("/api/v1/issues/", {"periodical": world.paper.pk}, format="json")
    assert created.status_code == 403 and created.json() == {"detail": NOT_ALLOWED}
    item = world.issued.items.first()
    assert item is not None
    patched = leader.patch(f"/api/v1/issues/{world.issued.pk}/items/{item.pk}/", {"title": "改"}, format="json")
    assert patched.status_code == 403
    assert world.api("outsider").post("/api/v1/issues/", {"periodical": world.paper.pk}, format="json").json() == {
        "periodical": ["刊物不存在。"]
    }


def test_an_issued_issue_is_frozen(world: World) -> None:
    editor, pk = world.api("editor"), world.issued.pk
    item = world.issued.items.first()
    assert item is not None
    frozen = "本期已印发，不能修改；已印发的期如需更正，请编发更正期。"
    calls = [
        editor.patch(
            f"/api/v1/issues/{pk}/", {"editor_note": "补充", "version": fresh(world.issued).version}, format="json"
        ),
        editor.patch(f"/api/v1/issues/{pk}/items/{item.pk}/", {"title": "改后的标题"}, format="json"),
        editor.delete(f"/api/v1/issues/{pk}/items/{item.pk}/"),
        editor.post(f"/api/v1/issues/{pk}/items/{item.pk}/move/", {"direction": "down"}, format="json"),
        editor.post(f"/api/v1/issues/{pk}/entries/", {"entries": [world.entry().pk]}, format="json"),
    ]
    for response in calls:
        assert response.status_code == 409 and response.json() == {"detail": frozen}
    assert world.issued.items.count() == 2 and fresh(world.issued).editor_note == ""
    again = world.api("desk_chief").post(f"/api/v1/issues/{pk}/sign/")
    assert again.status_code == 409 and again.json() == {"detail": "本期已经签发印发。"}


def test_an_empty_issue_cannot_be_sent_or_signed(world: World) -> None:
    pk = world.draft.pk
    sent = world.api("editor").post(f"/api/v1/issues/{pk}/send/")
    assert sent.status_code == 409 and sent.json() == {"detail": "本期还没有编入任何信息，不能送签。"}
    signed = world.api("desk_chief").post(f"/api/v1/issues/{pk}/sign/")
    assert signed.status_code == 409 and signed.json() == {"detail": "只有待签发的期才能签发。"}
    assert fresh(world.draft).state == IssueState.DRAFT and fresh(world.draft).number is None


def test_a_stale_version_is_refused_with_409(world: World) -> None:
    pk, version = world.draft.pk, world.draft.version
    first, second = world.api("editor"), world.api("desk_chief")
    ok(first.patch(f"/api/v1/issues/{pk}/", {"copies": 50, "version": version}, format="json"))
    late = second.patch(f"/api/v1/issues/{pk}/", {"copies": 60, "version": version}, format="json")
    assert late.status_code == 409 and "已被他人修改" in late.json()["detail"]
    assert fresh(world.draft).copies == 50
    missing = first.patch(f"/api/v1/issues/{pk}/", {"copies": 60}, format="json")
    assert missing.status_code == 400 and "version" in missing.json()


def test_bad_composing_input_is_refused_in_chinese(world: World) -> None:
    editor, pk = world.api("editor"), world.draft.pk
    foreign = entry_at(submitted(world.net.outsider, title="西山县春耕备耕进展顺利"), world.net.other_city.desk)
    hidden = editor.post(f"/api/v1/issues/{pk}/entries/", {"entries": [foreign.pk]}, format="json")
    assert hidden.status_code == 409 and hidden.json() == {"entries": ["信息不存在。"]}
    empty = editor.post(f"/api/v1/issues/{pk}/entries/", {"entries": []}, format="json")
    assert empty.status_code == 400 and "entries" in empty.json()
    too_many = editor.post(f"/api/v1/issues/{pk}/entries/", {"entries": list(range(1, 300))}, format="json")
    assert too_many.json() == {"entries": ["一次最多编入 200 条信息。"]}
    entry = world.entry(classification=1)
    ok(editor.post(f"/api/v1/issues/{pk}/entries/", {"entries": [entry.pk]}, format="json"), 201)
    twice = editor.post(f"/api/v1/issues/{pk}/entries/", {"entries": [entry.pk]}, format="json")
    assert twice.status_code == 409 and "已在本期中" in twice.json()["detail"]
    item = fresh(world.draft).items.get()
    blank = editor.patch(f"/api/v1/issues/{pk}/items/{item.pk}/", {"title": ""}, format="json")
    assert blank.status_code == 409 and blank.json()["detail"]
    other = Periodical.objects.create(desk=world.net.other_city.desk, name="青山信息")
    alien = Column.objects.create(periodical=other, name="青山动态")
    wrong = editor.patch(f"/api/v1/issues/{pk}/items/{item.pk}/", {"column": alien.pk}, format="json")
    assert wrong.json() == {"column": ["栏目不存在。"]}
    assert editor.patch(f"/api/v1/issues/{pk}/items/999999/", {"title": "标题"}, format="json").status_code == 404
    other_issue_item = world.issued.items.first()
    assert other_issue_item is not None
    assert editor.delete(f"/api/v1/issues/{pk}/items/{other_issue_item.pk}/").status_code == 404
    assert editor.patch(
        f"/api/v1/issues/{pk}/", {"classification": 0, "version": fresh(world.draft).version}, format="json"
    ).json() == {"detail": "本期密级不能低于所刊信息的最高密级。"}
    assert editor.delete(f"/api/v1/issues/{pk}/items/{item.pk}/").status_code == 204
    assert not fresh(world.draft).items.exists()


def test_corrections_are_linked_issues(world: World) -> None:
    editor = world.api("editor")
    refused = editor.post("/api/v1/issues/", {"periodical": world.paper.pk, "corrects": world.draft.pk}, format="json")
    assert refused.status_code == 400 and refused.json() == {"corrects": ["只有已印发的期才能编发更正期。"]}
    other = services.periodical_save(actor=world.net.desk_chief, desk=world.net.city.desk, name="信息摘编")
    mismatch = editor.post("/api/v1/issues/", {"periodical": other.pk, "corrects": world.issued.pk}, format="json")
    assert mismatch.json() == {"corrects": ["更正期须与被更正的期属于同一刊物。"]}
    correction = ok(
        editor.post("/api/v1/issues/", {"periodical": world.paper.pk, "corrects": world.issued.pk}, format="json"), 201
    )
    assert correction["corrects"] == world.issued.pk and correction["state"] == "draft"
    assert ok(editor.get(f"/api/v1/issues/{world.issued.pk}/"))["corrections"] == [correction["id"]]
    assert ok(world.api("reporter").get(f"/api/v1/issues/{world.issued.pk}/"))["corrections"] == []  # still a draft


# --- reading ---


def test_reading_is_recorded_and_shown_to_the_desk(world: World) -> None:
    pk = world.issued.pk
    reporter = world.api("reporter")
    assert reporter.post(f"/api/v1/issues/{pk}/read/").status_code == 204
    assert reporter.post(f"/api/v1/issues/{pk}/read/").status_code == 204
    assert world.api("leader").post(f"/api/v1/issues/{pk}/read/").status_code == 204
    reads = ok(world.api("duty_officer").get(f"/api/v1/issues/{pk}/reads/"))
    assert reads["count"] == 2
    by_name = {row["user_name"]: row for row in reads["results"]}
    assert by_name["张信息"]["times"] == 2 and by_name["张信息"]["unit_name"] == "东城县委办公室"
    assert ok(world.api("desk_chief").get(f"/api/v1/issues/{pk}/"))["read_count"] == 2
    refused = reporter.get(f"/api/v1/issues/{pk}/reads/")
    assert refused.status_code == 403 and refused.json() == {"detail": NOT_ALLOWED}
    assert world.api("outsider").get(f"/api/v1/issues/{pk}/reads/").status_code == 404
    assert world.api("editor").post(f"/api/v1/issues/{world.draft.pk}/read/").status_code == 204
    assert not IssueRead.objects.filter(issue=world.draft).exists()  # a draft is not read, it is composed
    assert world.api("outsider").post(f"/api/v1/issues/{pk}/read/").status_code == 404
    assert IssueRead.objects.filter(issue_id=pk).count() == 2


# --- export ---


def test_export_docx_opens_in_python_docx(world: World) -> None:
    response = world.api("reporter").get(
        f"/api/v1/issues/{world.issued.pk}/export/docx/",
        HTTP_ACCEPT="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.wordprocessingml")
    assert "attachment;" in response["Content-Disposition"] and ".docx" in response["Content-Disposition"]
    text = "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)
    assert "临江信息" in text and "东城县第0条信息标题写得具体" in text
    assert world.issued.label in text
    draft_proof = world.api("editor").get(f"/api/v1/issues/{world.draft.pk}/export/docx/")
    assert draft_proof.status_code == 200 and draft_proof.content.startswith(b"PK")


@pytest.mark.parametrize("fmt", ["docx", "pdf"])
def test_export_of_an_invisible_issue_is_404(world: World, fmt: str) -> None:
    for persona in ("outsider", "admin", "no_clearance"):
        assert world.api(persona).get(f"/api/v1/issues/{world.issued.pk}/export/{fmt}/").status_code == 404
    for persona in ("reporter", "leader", "duty_officer"):
        assert world.api(persona).get(f"/api/v1/issues/{world.draft.pk}/export/{fmt}/").status_code == 404
    assert world.api("editor").get(f"/api/v1/issues/999999/export/{fmt}/").status_code == 404


def test_pdf_refuses_clearly_without_chinese_fonts(world: World, monkeypatch: Any) -> None:
    monkeypatch.setattr(documents, "cjk_font_available", lambda: False)
    response = world.api("reporter").get(f"/api/v1/issues/{world.issued.pk}/export/pdf/", HTTP_ACCEPT="application/pdf")
    assert response.status_code == 503 and response["Content-Type"] == "application/json"
    assert response.json() == {"detail": documents.FONTS_MISSING}
    assert "fonts-noto-cjk" in response.json()["detail"]


def test_pdf_download(world: World) -> None:
    import io

    from pypdf import PdfReader

    response = world.api("leader").get(f"/api/v1/issues/{world.issued.pk}/export/pdf/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert ".pdf" in response["Content-Disposition"]
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.getvalue())).pages)
    assert world.issued.periodical.name in text.replace(" ", "")


def test_classified_exports_are_audited(world: World) -> None:
    issued = world.issued
    Issue.objects.filter(pk=issued.pk).update(classification=2)
    refused = world.api("editor").get(f"/api/v1/issues/{issued.pk}/export/docx/")
    assert refused.status_code == 409 and "须注明" in refused.json()["copy"][0]  # which copies, for 秘密
    ok_response = world.api("editor").get(f"/api/v1/issues/{issued.pk}/export/docx/", {"copy": "4"})
    assert ok_response.status_code == 200
    event = AuditEvent.objects.get(action="issue_export", object_id=str(issued.pk))
    assert event.actor == world.net.editor and event.detail == {"what": "api docx 份号000004"}
    doc = Document(io.BytesIO(ok_response.content))
    assert doc.paragraphs[0].text == "000004" and doc.paragraphs[1].text == "秘密"


@pytest.mark.parametrize("fmt", ["docx", "pdf"])
@pytest.mark.parametrize(
    ("raw", "code"),
    [("0", 409), ("31", 409), ("9-2", 409), ("1-200", 409),  # the form of the schema, refused by the print run
     ("x", 400), ("", 400), (" 3", 400), ("1至3", 400), ("3\n", 400), ("1-", 400)],  # not the schema's pattern
)
def test_export_names_the_copy_parameter_when_it_is_wrong(world: World, fmt: str, raw: str, code: int) -> None:
    response = world.api("reporter").get(f"/api/v1/issues/{world.issued.pk}/export/{fmt}/", {"copy": raw})
    assert response.status_code == code and list(response.json()) == ["copy"]
    assert "份号" in response.json()["copy"][0]
    hidden = world.api("outsider").get(f"/api/v1/issues/{world.issued.pk}/export/{fmt}/", {"copy": raw})
    assert hidden.status_code == 404  # an issue the user may not see stays missing, whatever is asked


def test_pdf_of_one_copy_prints_its_number(world: World) -> None:
    from pypdf import PdfReader

    response = world.api("leader").get(f"/api/v1/issues/{world.issued.pk}/export/pdf/", {"copy": "000030"})
    assert response.status_code == 200
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.getvalue())).pages)
    assert text.replace(" ", "").startswith("000030")
    assert "（第000030份）.pdf" in unquote(response["Content-Disposition"])


# --- periodical settings ---


def test_desk_chief_creates_and_changes_a_periodical(world: World) -> None:
    net = world.net
    chief = world.api("desk_chief")
    created = ok(
        chief.post(
            "/api/v1/periodicals/",
            {
                "name": "《临江内参》",
                "frequency": "weekly",
                "per_period": 2,
                "default_classification": 2,
                "columns": ["要情", "动态"],
                "readers": [net.city.pk],
            },
            format="json",
        ),
        201,
    )
    assert (created["name"], created["frequency_label"], created["default_classification_label"]) == (
        "临江内参",
        "每周若干期",
        "秘密",
    )
    assert [c["name"] for c in created["columns"]] == ["要情", "动态"] and created["readers"] == [net.city.pk]
    pk = created["id"]
    changed = ok(chief.patch(f"/api/v1/periodicals/{pk}/", {"running_total": True, "total_offset": 417}, format="json"))
    assert changed["running_total"] is True and changed["readers"] == [net.city.pk]  # omitted lists stay
    assert [c["name"] for c in changed["columns"]] == ["要情", "动态"]
    reordered = ok(
        chief.patch(f"/api/v1/periodicals/{pk}/", {"columns": ["动态", "要情", "专题"], "readers": []}, format="json")
    )
    assert [c["name"] for c in reordered["columns"]] == ["动态", "要情", "专题"] and reordered["readers"] == []
    duplicate = chief.post("/api/v1/periodicals/", {"name": "临江信息"}, format="json")
    assert duplicate.status_code == 409 and duplicate.json() == {"detail": "本科室已有刊物《临江信息》。"}
    hidden_unit = chief.patch(f"/api/v1/periodicals/{pk}/", {"readers": [net.other_county.pk]}, format="json")
    assert hidden_unit.status_code == 409 and hidden_unit.json() == {"readers": ["单位不存在。"]}


def test_only_the_desk_chief_changes_periodicals(world: World) -> None:
    pk = world.paper.pk
    for persona in ("editor", "duty_officer", "leader"):
        client = world.api(persona)
        created = client.post("/api/v1/periodicals/", {"name": "新刊"}, format="json")
        assert created.status_code == 403 and created.json() == {"detail": NOT_ALLOWED}, persona
        assert client.patch(f"/api/v1/periodicals/{pk}/", {"name": "改名"}, format="json").status_code == 403
    for persona in ("reporter", "outsider", "admin"):
        client = world.api(persona)
        assert client.post("/api/v1/periodicals/", {"name": "新刊"}, format="json").status_code == 403, persona
        assert client.patch(f"/api/v1/periodicals/{pk}/", {"name": "改名"}, format="json").status_code == 404
    assert Periodical.objects.get(pk=pk).name == "临江信息" and Periodical.objects.count() == 1


# --- costs, anonymous callers, schema ---


def test_issue_list_costs_a_bounded_number_of_queries(world: World, django_assert_max_num_queries: Any) -> None:
    for persona in ("editor", "reporter"):
        with django_assert_max_num_queries(6):
            assert world.api(persona).get("/api/v1/issues/").status_code == 200
    for _ in range(12):
        services.issue_sign_off(actor=world.net.desk_chief, issue=pending_issue(world.net, world.paper, 3))
    for persona in ("editor", "reporter"):
        with django_assert_max_num_queries(6):
            body = world.api(persona).get("/api/v1/issues/").json()
        assert body["count"] == (14 if persona == "editor" else 13)
        assert {row["item_count"] for row in body["results"] if row["state"] == "issued"} == {2, 3}


def test_issue_detail_costs_a_bounded_number_of_queries(world: World, django_assert_max_num_queries: Any) -> None:
    issue = services.issue_sign_off(actor=world.net.desk_chief, issue=pending_issue(world.net, world.paper, 20))
    with django_assert_max_num_queries(8):
        body = world.api("desk_chief").get(f"/api/v1/issues/{issue.pk}/").json()
    assert len(body["items"]) == 20


def test_anonymous_callers_get_403_everywhere(world: World) -> None:
    client = world.api(None)
    pk, item = world.draft.pk, 1
    calls = [
        ("get", "/api/v1/periodicals/"),
        ("post", "/api/v1/periodicals/"),
        ("get", f"/api/v1/periodicals/{world.paper.pk}/"),
        ("patch", f"/api/v1/periodicals/{world.paper.pk}/"),
        ("get", "/api/v1/issues/"),
        ("post", "/api/v1/issues/"),
        ("get", f"/api/v1/issues/{pk}/"),
        ("patch", f"/api/v1/issues/{pk}/"),
        ("post", f"/api/v1/issues/{pk}/entries/"),
        ("patch", f"/api/v1/issues/{pk}/items/{item}/"),
        ("delete", f"/api/v1/issues/{pk}/items/{item}/"),
        ("post", f"/api/v1/issues/{pk}/items/{item}/move/"),
        ("post", f"/api/v1/issues/{pk}/send/"),
        ("post", f"/api/v1/issues/{pk}/return/"),
        ("post", f"/api/v1/issues/{pk}/sign/"),
        ("post", f"/api/v1/issues/{pk}/read/"),
        ("get", f"/api/v1/issues/{pk}/reads/"),
        ("get", f"/api/v1/issues/{pk}/export/docx/"),
        ("get", f"/api/v1/issues/{pk}/export/pdf/"),
    ]
    for method, url in calls:
        response = getattr(client, method)(url, {}, format="json")
        assert response.status_code == 403, (method, url)
        assert response.json() == {"detail": "身份认证信息未提供。"}
    assert Issue.objects.count() == 2


def test_issue_responses_match_the_schema(world: World) -> None:
    client = world.api("desk_chief")
    pk = world.issued.pk
    client.post(f"/api/v1/issues/{pk}/read/")
    row = client.get("/api/v1/issues/").json()["results"][0]
    assert set(row) == schema_fields(client, "/api/v1/issues/")
    detail = client.get(f"/api/v1/issues/{pk}/").json()
    assert set(detail) == schema_fields(client, "/api/v1/issues/{id}/")
    assert set(detail["items"][0]) == {
        "id",
        "entry",
        "sort_order",
        "column",
        "column_name",
        "title",
        "body",
        "source_label",
        "editor_note",
        "kind",
        "kind_label",
    }
    read = client.get(f"/api/v1/issues/{pk}/reads/").json()["results"][0]
    assert set(read) == schema_fields(client, "/api/v1/issues/{id}/reads/")
    periodical = client.get("/api/v1/periodicals/").json()["results"][0]
    assert set(periodical) == schema_fields(client, "/api/v1/periodicals/")
