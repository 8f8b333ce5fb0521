"""The archive and issued issues: found by their own text, named on each result, a filter by periodical and year.

The issue's reading rule governs everything shown about an issue (``visible_issues``:
issued, a periodical the user reads as its desk's staff or through its reading list,
within their clearance): drafts and issues awaiting sign-off never appear, nor issues
above a user's clearance or outside their reading list, in the block, the 刊发于 links,
the filter or any count.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from rest_framework.test import APIClient

from xinxi.accounts.models import User
from xinxi.archive import schema, search
from xinxi.archive.models import SearchDoc
from xinxi.archive.search import SearchQuery
from xinxi.items import desk_services
from xinxi.items.models import Adoption, Item
from xinxi.items.tests.factories import entry_at, submitted
from xinxi.network.testing import PERSONAS, Net, make_user
from xinxi.publications import services
from xinxi.publications.models import Issue, IssueState, Periodical
from xinxi.publications.permissions import visible_issues
from xinxi.publications.tests.factories import periodical

BODY = "东城县召开防汛工作会议，部署汛期安全生产大检查，排查隐患43处，已整改38处。"


def issue_of(net: Net, p: Periodical, items: list[Item], *, state: str = "issued", **fields: Any) -> Issue:
    """An issue of ``p`` carrying the items' entries at the city desk, taken to ``state`` through the services."""
    issue = services.issue_create(actor=net.editor, periodical=p)
    services.issue_add_entries(actor=net.editor, issue=issue, entries=[entry_at(i, net.city.desk) for i in items])
    if fields:
        services.issue_update(actor=net.desk_chief, issue=issue, version=None, **fields)
    if state in {"pending", "issued"}:
        services.issue_send_for_signoff(actor=net.editor, issue=issue)
    if state == "issued":
        services.issue_sign_off(actor=net.desk_chief, issue=issue)
    issue.refresh_from_db()
    return issue


@dataclass
class Scene:
    net: Net
    p: Periodical  # 《临江信息》: read by the city and the county
    q: Periodical  # 《临江内参》: no reading list, the city desk's staff only
    items: dict[str, Item]
    issues: dict[str, Issue]

    @property
    def year(self) -> int:
        """The year the scene's issues were signed off in, taken from the data (never the clock)."""
        return self.issues["open"].year


@pytest.fixture
def scene(net: Net) -> Scene:
    """Items about 防汛 in: an issued issue (its issue title says 抗旱, its 编者按 春耕), a 秘密 issue,
    an issue of a periodical without reading list, a draft, one awaiting sign-off, and the other city's issue."""
    p = periodical(net)
    q = periodical(net, "临江内参")
    q.readers.clear()
    items = {
        name: submitted(net.reporter, title=f"东城县防汛工作{label}", body=BODY)
        for name, label in [
            ("open", "扎实推进"),
            ("secret", "预案"),
            ("q", "内参"),
            ("draft", "草稿"),
            ("pending", "待签"),
            ("never", "未刊用"),
        ]
    }
    opened = services.issue_create(actor=net.editor, periodical=p)
    services.issue_add_entries(actor=net.editor, issue=opened, entries=[entry_at(items["open"], net.city.desk)])
    issue_item = opened.items.get()
    services.issue_item_update(actor=net.editor, item=issue_item, title="东城县防汛抗旱两手抓", body=BODY)
    services.issue_update(actor=net.editor, issue=opened, version=None, editor_note="春耕时节，现将有关情况摘编如下。")
    services.issue_send_for_signoff(actor=net.editor, issue=opened)
    services.issue_sign_off(actor=net.desk_chief, issue=opened)
    other_p = Periodical.objects.create(desk=net.other_city.desk, name="青山信息")
    other_p.readers.add(net.other_county)
    foreign = submitted(net.outsider, title="西山县防汛工作", body=BODY.replace("东城县", "西山县"))
    other_editor = make_user("qs_editor", net.other_city, "editor", "desk_chief")
    other_issue = services.issue_create(actor=other_editor, periodical=other_p)
    services.issue_add_entries(actor=other_editor, issue=other_issue, entries=[entry_at(foreign, net.other_city.desk)])
    services.issue_send_for_signoff(actor=other_editor, issue=other_issue)
    services.issue_sign_off(actor=other_editor, issue=other_issue)
    issues = {
        "open": Issue.objects.get(pk=opened.pk),
        "secret": issue_of(net, p, [items["secret"]], classification=2),
        "q": issue_of(net, q, [items["q"]]),
        "draft": issue_of(net, p, [items["draft"]], state="draft"),
        "pending": issue_of(net, p, [items["pending"]], state="pending"),
        "other": Issue.objects.get(pk=other_issue.pk),
    }
    items["foreign"] = foreign
    return Scene(net, p, q, items, issues)


def user_of(net: Net, persona: str) -> User:
    """The persona loaded afresh, as a request would (no cached roles or desk)."""
    return User.objects.get(pk=net.users[persona].pk)


def readable_issued(user: User) -> set[int]:
    return set(visible_issues(user).filter(state=IssueState.ISSUED).values_list("pk", flat=True))


def block(user: User, text: str, **filters: Any) -> set[int]:
    return {i.issue_id for i in search.search(user, SearchQuery(text=text, **filters)).issues}


def labels(user: User, text: str) -> dict[int, set[int]]:
    """Item id -> the issues named on its results."""
    shown: dict[int, set[int]] = {}
    for hit in search.search(user, SearchQuery(text=text)).hits:
        shown.setdefault(hit.item_id, set()).update(link.issue_id for link in hit.issues)
    return shown


def carried_by(item: Item) -> set[int]:
    return set(Adoption.objects.filter(item=item, issue__isnull=False).values_list("issue_id", flat=True))


# --- the 期刊 block ---


def test_an_issue_is_found_by_its_own_text_not_only_its_entries(scene: Scene) -> None:
    reporter = user_of(scene.net, "reporter")
    opened = scene.issues["open"].pk
    assert block(reporter, "防汛") == {opened}
    assert block(reporter, "抗旱") == {opened}  # the title as printed in the issue
    assert block(reporter, "春耕") == {opened}  # the issue's 编者按
    assert search.search(reporter, SearchQuery(text="抗旱")).count == 0  # no item says it
    page = search.search(reporter, SearchQuery(text="抗旱"))
    (shown,) = page.issues
    assert shown.label == f"《临江信息》{scene.year}年第1期" and shown.url == f"/publications/issues/{opened}/"
    assert [str(i.title) for i in shown.items] == ["东城县防汛<mark>抗旱</mark>两手抓"]
    assert shown.items[0].source == "东城县委办公室"


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_block_lists_exactly_the_issued_issues_the_user_may_read(scene: Scene, persona: str) -> None:
    user = user_of(scene.net, persona)
    expected = readable_issued(user) & {i.pk for i in scene.issues.values()}
    page = search.search(user, SearchQuery(text="防汛"))
    assert {i.issue_id for i in page.issues} == expected
    assert page.issue_count == len(expected) and not page.issue_more
    assert scene.issues["draft"].pk not in expected and scene.issues["pending"].pk not in expected


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_readable_periodicals_are_those_of_the_issued_issues_the_user_may_read(
    scene: Scene, persona: str
) -> None:
    from xinxi.publications.permissions import readable_periodicals

    user = user_of(scene.net, persona)
    issued = visible_issues(user).filter(state=IssueState.ISSUED)
    expected = set(issued.values_list("periodical_id", flat=True))
    assert set(readable_periodicals(user).values_list("pk", flat=True)) == expected
    # and after the reading list, a clearance and a desk change
    scene.q.readers.add(scene.net.county)
    Issue.objects.filter(pk=scene.issues["secret"].pk).update(classification=1)
    user = user_of(scene.net, persona)
    expected = set(visible_issues(user).filter(state=IssueState.ISSUED).values_list("periodical_id", flat=True))
    assert set(readable_periodicals(user).values_list("pk", flat=True)) == expected


def test_who_sees_which_issue(scene: Scene) -> None:
    net, issues = scene.net, scene.issues
    everything = {issues[k].pk for k in ("open", "secret", "q")}
    assert block(user_of(net, "editor"), "防汛") == everything  # 秘密 clearance, the desk's own periodicals
    assert block(user_of(net, "desk_chief"), "防汛") == everything  # composes drafts, yet the block shows issued only
    assert block(user_of(net, "duty_officer"), "防汛") == {issues["open"].pk, issues["q"].pk}  # 内部 clearance
    assert block(user_of(net, "reporter"), "防汛") == {issues["open"].pk}  # reading list: not 内参; not 秘密
    assert block(user_of(net, "no_clearance"), "防汛") == set()  # every issue is at least 内部
    assert block(user_of(net, "outsider"), "防汛") == {issues["other"].pk}  # its own city's periodical only
    assert block(user_of(net, "admin"), "防汛") == set()


def test_leaving_the_reading_list_hides_the_issues_at_once(scene: Scene) -> None:
    reporter = user_of(scene.net, "reporter")
    scene.p.readers.remove(scene.net.county)
    assert block(reporter, "防汛") == set()
    assert labels(reporter, "防汛")[scene.items["open"].pk] == set()
    assert search.search(reporter, SearchQuery(text="防汛", periodical_id=scene.p.pk)).count == 0


def test_a_draft_or_pending_issue_is_never_found(scene: Scene) -> None:
    chief = user_of(scene.net, "desk_chief")
    for name in ("draft", "pending"):
        item = scene.items[name]
        assert labels(chief, item.title)[item.pk] == set()
        assert block(chief, item.title) == set()
        assert search.search(chief, SearchQuery(text=item.title, periodical_id=scene.p.pk)).count == 0


# --- 刊发于 on each result ---


@pytest.mark.parametrize("persona", PERSONAS)
def test_each_result_names_the_issues_the_user_may_read_that_carried_it(scene: Scene, persona: str) -> None:
    user = user_of(scene.net, persona)
    readable = readable_issued(user)
    shown = labels(user, "防汛")
    for item_id, issues in shown.items():
        assert issues == carried_by(Item.objects.get(pk=item_id)) & readable, (persona, item_id)


def test_the_reporter_sees_where_an_item_appeared_and_can_open_it(scene: Scene, client_for: Any) -> None:
    html = client_for("reporter").get("/archive/?q=防汛").content.decode()
    opened = scene.issues["open"]
    link = f'<a class="tag ok" href="/publications/issues/{opened.pk}/">《临江信息》{scene.year}年第1期</a>'
    assert html.count(link) == 1  # on the item: one result for its original and the city desk's entry
    block_link = f'<h3><a href="/publications/issues/{opened.pk}/">《临江信息》{scene.year}年第1期</a></h3>'
    assert block_link in html  # the block
    assert f"/publications/issues/{scene.issues['secret'].pk}/" not in html  # 秘密: above the reporter's clearance
    assert f"/publications/issues/{scene.issues['q'].pk}/" not in html  # 内参: not on its reading list
    assert client_for("reporter").get(f"/publications/issues/{opened.pk}/").status_code == 200


def test_a_combined_items_sources_name_the_issue_that_carried_it(net: Net) -> None:
    p = periodical(net)
    a = submitted(net.reporter, title="东城县防汛物资到位", body=BODY)
    b = submitted(net.reporter, title="东城县防汛队伍集结", body=BODY)
    combined = desk_services.entry_combine(
        actor=net.editor,
        entries=[entry_at(a, net.city.desk), entry_at(b, net.city.desk)],
        title="我市防汛准备工作扎实",
        body="综合各地情况，全市防汛准备到位。",
    )
    issue = services.issue_create(actor=net.editor, periodical=p)
    services.issue_add_entries(actor=net.editor, issue=issue, entries=[combined])
    services.issue_send_for_signoff(actor=net.editor, issue=issue)
    services.issue_sign_off(actor=net.desk_chief, issue=issue)
    reporter = user_of(net, "reporter")
    shown = labels(reporter, "防汛")
    assert shown[a.pk] == shown[b.pk] == {issue.pk}
    assert shown[combined.item_id] == {issue.pk}  # the combined item, seen by its source units
    every = search.matching_ids(reporter, SearchQuery(text="防汛"))
    items_found = set(SearchDoc.objects.filter(pk__in=every).values_list("item_id", flat=True))
    assert search.search(reporter, SearchQuery(text="防汛", periodical_id=p.pk)).count == len(items_found) == 3


# --- the 刊物 filter ---


def filtered(user: User, text: str = "防汛", **filters: Any) -> set[int]:
    """Item ids of the results."""
    ids = search.matching_ids(user, SearchQuery(text=text, **filters))
    return set(SearchDoc.objects.filter(pk__in=ids).values_list("item_id", flat=True))


def test_the_filter_keeps_the_items_carried_by_readable_issues_of_the_periodical(scene: Scene) -> None:
    net, items = scene.net, scene.items
    editor, reporter = user_of(net, "editor"), user_of(net, "reporter")
    assert filtered(editor, periodical_id=scene.p.pk) == {items["open"].pk, items["secret"].pk}
    assert filtered(editor, periodical_id=scene.q.pk) == {items["q"].pk}
    assert filtered(editor, periodical_id=scene.p.pk, issue_year=scene.year) == {items["open"].pk, items["secret"].pk}
    assert filtered(editor, periodical_id=scene.p.pk, issue_year=scene.year - 1) == set()
    assert filtered(editor, issue_year=scene.year) == {items["open"].pk, items["secret"].pk, items["q"].pk}
    assert filtered(editor, "", periodical_id=scene.q.pk) == {items["q"].pk}  # no words: the filter alone
    # The reporter reads 《临江信息》 but not its 秘密 issue, and not 《临江内参》 at all.
    assert filtered(reporter, periodical_id=scene.p.pk) == {items["open"].pk}
    assert filtered(reporter, periodical_id=scene.q.pk) == set()
    assert filtered(reporter, issue_year=scene.year) == {items["open"].pk}
    page = search.search(reporter, SearchQuery(text="防汛", periodical_id=scene.p.pk))
    assert page.count == 1 and {h.item_id for h in page.hits} == {items["open"].pk}  # its original and entry: once
    assert filtered(user_of(net, "outsider"), periodical_id=scene.p.pk) == set()
    assert filtered(user_of(net, "no_clearance"), issue_year=scene.year) == set()


def test_the_page_offers_only_readable_periodicals_and_refuses_others(scene: Scene, client_for: Any) -> None:
    client = client_for("reporter")
    html = client.get("/archive/").content.decode()
    assert f'<option value="{scene.p.pk}">《临江信息》（临江市委办公室信息科）</option>' in html
    assert "临江内参" not in html
    html = client.get(f"/archive/?q=防汛&periodical={scene.q.pk}").content.decode()
    assert "没有这个刊物，或您不在它的阅读范围内。" in html and 'class="hit"' not in html
    html = client.get("/archive/?q=防汛&issue_year=99").content.decode()
    assert "年份不能早于 2000 年。" in html
    html = client.get(f"/archive/?q=防汛&periodical={scene.p.pk}&issue_year={scene.year}").content.decode()
    assert html.count('class="hit"') == 1 + 1  # the item once (original and entry); the issue in the block
    assert "刊用刊物（已印发）" not in client_for("admin").get("/archive/").content.decode()


@pytest.mark.parametrize("persona", ["outsider", "no_clearance", "admin"])
def test_those_who_read_no_issue_of_the_city_see_nothing_new(scene: Scene, client_for: Any, persona: str) -> None:
    client = client_for(persona)
    year = scene.year
    for url in ("/archive/?q=防汛", "/archive/?q=抗旱", "/archive/?q=春耕", f"/archive/?q=防汛&issue_year={year}"):
        html = client.get(url).content.decode()
        assert "临江信息" not in html and "临江内参" not in html, url
        for issue in scene.issues.values():
            assert f"/publications/issues/{issue.pk}/" not in html or issue == scene.issues["other"], url
    other = f"/publications/issues/{scene.issues['other'].pk}/"
    assert (other in client.get("/archive/?q=防汛").content.decode()) is (persona == "outsider")  # its own city's


# --- the index follows the issues ---


def test_nothing_is_indexed_when_the_sign_off_fails(net: Net, monkeypatch: Any) -> None:
    p = periodical(net)
    item = submitted(net.reporter, title="东城县防汛工作", body=BODY)
    issue = issue_of(net, p, [item], state="pending")

    def fail(**kwargs: Any) -> None:
        raise RuntimeError("断电")

    monkeypatch.setattr(services, "audit_record", fail)  # after the adoptions were recorded and indexed
    with pytest.raises(RuntimeError):
        services.issue_sign_off(actor=net.desk_chief, issue=issue)
    editor = user_of(net, "editor")
    assert block(editor, "防汛") == set() and filtered(editor, periodical_id=p.pk) == set()
    monkeypatch.undo()
    services.issue_sign_off(actor=net.desk_chief, issue=issue)
    assert block(editor, "防汛") == {issue.pk} and filtered(editor, periodical_id=p.pk) == {item.pk}


def test_an_item_indexed_again_keeps_its_issues(scene: Scene) -> None:
    net, opened = scene.net, scene.items["open"]
    entry = entry_at(opened, net.city.desk)
    desk_services.entry_edit(
        actor=net.editor, entry=entry, version=entry.version, title=entry.title, body=BODY + "汛后及时开展复盘。"
    )
    editor = user_of(net, "editor")
    assert filtered(editor, "复盘", periodical_id=scene.p.pk) == {opened.pk}


def _wipe_index() -> None:
    SearchDoc.objects.all().delete()
    with connection.cursor() as cursor:
        table = schema.ISSUE_TABLE if connection.vendor == "postgresql" else schema.ISSUE_FTS
        cursor.execute(f"DELETE FROM {table}")


def test_reindex_rebuilds_issues_and_the_items_periodical_keys(scene: Scene) -> None:
    editor, reporter = user_of(scene.net, "editor"), user_of(scene.net, "reporter")
    before = {
        "block": (block(editor, "防汛"), block(reporter, "抗旱")),
        "filter": (filtered(editor, periodical_id=scene.p.pk), filtered(reporter, issue_year=scene.year)),
        "labels": labels(reporter, "防汛"),
    }
    _wipe_index()
    assert block(editor, "防汛") == set() and filtered(editor, periodical_id=scene.p.pk) == set()
    call_command("reindex", jobs=1, verbosity=0)
    after = {
        "block": (block(editor, "防汛"), block(reporter, "抗旱")),
        "filter": (filtered(editor, periodical_id=scene.p.pk), filtered(reporter, issue_year=scene.year)),
        "labels": labels(reporter, "防汛"),
    }
    assert after == before and before["block"][1] == {scene.issues["open"].pk}


def issue_docs() -> int:
    table = schema.ISSUE_TABLE if connection.vendor == "postgresql" else schema.ISSUE_FTS
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {table}")
        return int(cursor.fetchone()[0])


def test_a_deleted_issue_item_leaves_the_issue_index(scene: Scene) -> None:
    assert issue_docs() == 4  # the issued ones: open, secret, q, other
    scene.issues["open"].items.all().delete()  # only by hand: an issued issue is frozen
    assert issue_docs() == 3


# --- bounded work ---


def test_the_page_runs_a_bounded_number_of_queries(
    net: Net, client_for: Any, django_assert_max_num_queries: Any
) -> None:
    p = periodical(net)
    items = [submitted(net.reporter, title=f"东城县防汛工作第{n}期", body=BODY) for n in range(24)]
    for n in range(0, 24, 2):  # 12 issues, each carrying two items
        issue_of(net, p, items[n : n + 2])
    for persona in ("editor", "reporter"):
        client = client_for(persona)
        client.get("/archive/")
        # The archive page's queries (session and user, roles, units and desks for the filter, the engine
        # query — on PostgreSQL also its id range and the ranking —, the items of the matches, the results,
        # notifications badge, session save) plus three: the readable periodicals, the issues of the results,
        # and the 期刊 block (the engine's ids as a subquery of the issue items read). Never per result or issue.
        with django_assert_max_num_queries(18 if connection.vendor == "postgresql" else 16):
            response = client.get(f"/archive/?q=防汛&order=relevance&periodical={p.pk}")
        html = response.content.decode()
        assert html.count('class="tag ok"') == 20  # every result names its issue
        assert len(re.findall(r'<h3><a href="/publications/issues/\d+/">', html)) == search.ISSUES_SHOWN


# --- the API ---


def api(net: Net, persona: str) -> APIClient:
    client = APIClient()
    client.force_authenticate(user_of(net, persona))
    return client


def test_api_search_has_the_filter_the_issues_of_each_result_and_the_block(scene: Scene) -> None:
    client = api(scene.net, "reporter")
    response = client.get("/api/v1/search/", {"q": "防汛", "periodical": scene.p.pk, "issue_year": scene.year})
    assert response.status_code == 200, response.content
    body = response.json()
    opened = scene.issues["open"]
    link = {
        "issue_id": opened.pk,
        "issue_label": f"《临江信息》{scene.year}年第1期",
        "url": f"/publications/issues/{opened.pk}/",
    }
    assert body["count"] == 1 and all(hit["issues"] == [link] for hit in body["results"])  # one item
    assert [i["issue_id"] for i in body["issues"]] == [opened.pk]
    assert body["issue_count"] == 1 and body["issue_count_label"] == "1"
    assert body["issues"][0]["items"] == [
        {"title_html": "东城县<mark>防汛</mark>抗旱两手抓", "source_label": "东城县委办公室"}
    ]
    everything = client.get("/api/v1/search/", {"q": "防汛"}).json()
    shown = {link["issue_id"] for hit in everything["results"] for link in hit["issues"]}
    assert shown == {i["issue_id"] for i in everything["issues"]} == {opened.pk}


def test_api_search_refuses_a_periodical_the_user_does_not_read(scene: Scene) -> None:
    for persona, periodical_id in (("reporter", scene.q.pk), ("outsider", scene.p.pk), ("reporter", 999999)):
        response = api(scene.net, persona).get("/api/v1/search/", {"q": "防汛", "periodical": periodical_id})
        assert response.status_code == 409 and response.json() == {"periodical": ["刊物不存在。"]}
    response = api(scene.net, "reporter").get("/api/v1/search/", {"q": "防汛", "issue_year": 1999})
    assert response.status_code == 400
