"""What a query means: words anywhere, quoted phrases exactly, results and counts in items."""

import pytest

from xinxi.archive import search
from xinxi.archive.search import QUERY_HELP, SearchQuery, parse_query
from xinxi.items.tests.factories import submitted

BODY = "东城县召开专题会议，部署冬季安全生产大检查。"


@pytest.fixture
def notices(net):
    """Three items about 直报点: 取消…资格 apart, 取消资格 together, and neither."""
    return {
        "apart": submitted(
            net.reporter, title="关于信息直报点的通报", body="对连续三个月未报送信息的单位，取消其信息直报点资格。"
        ),
        "together": submitted(net.reporter, title="直报点管理办法", body="直报点年度考核不合格的，取消资格。"),
        "neither": submitted(net.reporter, title="信息直报点工作会议", body="会议部署了直报点年度工作。"),
    }


def found(user, text):
    return {hit.item_id for hit in search.search(user, SearchQuery(text=text)).hits}


def test_the_words_of_a_query_are_found_anywhere_in_any_order(net, notices):
    apart, together = notices["apart"].pk, notices["together"].pk
    assert found(net.editor, "直报点 取消资格") == {apart, together}  # 取消其信息直报点资格 is found
    assert found(net.editor, "取消资格 直报点") == {apart, together}
    assert found(net.editor, "取消资格") == {apart, together}
    assert found(net.editor, "直报点") == {apart, together, notices["neither"].pk}


def test_double_quotes_ask_for_the_exact_phrase(net, notices):
    apart, together = notices["apart"].pk, notices["together"].pk
    assert found(net.editor, '"取消资格"') == {together}
    assert found(net.editor, "“取消资格”") == {together}  # Chinese quotation marks too
    assert found(net.editor, '直报点 "取消其信息直报点资格"') == {apart}
    assert found(net.editor, '"资格取消"') == set()
    assert found(net.editor, '"年度考核" 取消') == {together}


def test_a_phrase_is_marked_whole_and_a_miss_names_it(net, notices, client_for):
    html = client_for("editor").get("/archive/", {"q": '"取消资格"'}).content.decode()
    assert "<mark>取消资格</mark>" in html and "共 1 条信息" in html
    html = client_for("editor").get("/archive/", {"q": '"资格取消"'}).content.decode()
    assert "没有找到同时含有“资格”“取消”且原样含有“资格取消”的信息。" in html


def test_the_query_is_split_into_words_and_phrases():
    assert parse_query('直报点  "取消 资格" “通报”  "未闭合') == (["直报点", "未闭合"], ["取消 资格", "通报"])
    assert parse_query('""  “ ”') == ([], [])
    assert SearchQuery(text='""').is_blank


def test_the_page_shows_the_query_syntax(net, client_for):
    html = client_for("reporter").get("/archive/").content.decode()
    assert 'id="query-help"' in html and QUERY_HELP.replace('"', "&quot;") in html
    assert "空格分开，须同时出现" in QUERY_HELP and "双引号" in QUERY_HELP
    schema = client_for("reporter").get("/api/v1/schema/").content.decode()
    assert "双引号" in schema  # the API documents the same syntax


def test_an_item_seen_as_its_original_and_a_desks_version_is_one_result(net, client_for, monkeypatch):
    items = [submitted(net.reporter, title=f"东城县防汛检查第{n}次", body=BODY) for n in range(3)]
    every = search.matching_ids(net.reporter, SearchQuery(text="防汛"))
    assert len(every) == 6  # the reporter reads each item's original and the city desk's entry
    monkeypatch.setattr(search, "PAGE_SIZE", 2)
    first = search.search(net.reporter, SearchQuery(text="防汛"))
    second = search.search(net.reporter, SearchQuery(text="防汛", page=2))
    assert (first.count, first.pages, second.count) == (3, 2, 3)
    assert [h.item_id for h in first.hits + second.hits] == [item.pk for item in reversed(items)]
    ranked = search.search(net.reporter, SearchQuery(text="防汛", order=search.RELEVANCE, page=1))
    assert len({h.item_id for h in ranked.hits}) == len(ranked.hits) == 2
    monkeypatch.setattr(search, "PAGE_SIZE", 20)
    assert "共 3 条信息" in client_for("reporter").get("/archive/?q=防汛").content.decode()


def test_the_cap_counts_items_even_when_documents_run_past_it(net, monkeypatch):
    for n in range(3):
        submitted(net.reporter, title=f"东城县防汛检查第{n}次", body=BODY)
    monkeypatch.setattr(search, "MAX_RESULTS", 2)  # 3 items, 6 documents: the first 3 documents hold 2 items
    page = search.search(net.reporter, SearchQuery(text="防汛"))
    assert (page.count, page.count_label, page.more, len(page.hits)) == (2, "2+", True, 2)
    monkeypatch.setattr(search, "MAX_RESULTS", 3)
    page = search.search(net.reporter, SearchQuery(text="防汛"))
    assert (page.count, page.count_label, page.more) == (3, "3", False)
