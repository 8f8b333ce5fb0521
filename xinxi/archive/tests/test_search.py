"""The archive (资料信息库): terms and recall, visibility in results and counts, upkeep, the page."""

import datetime as dt
import io
import re

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from xinxi.archive import index as search_index
from xinxi.archive import registry, search
from xinxi.archive.models import RebuildMark, SearchDoc
from xinxi.archive.search import SearchQuery
from xinxi.items import desk_services, permissions, services
from xinxi.items.models import DeskEntry, Submission
from xinxi.items.tests.factories import draft, entry_at, submitted
from xinxi.network.testing import PERSONAS, make_user

BODY = "东城县召开安全生产专题会议，部署冬季安全生产大检查，排查企业126家，发现隐患43处，已整改38处。"


def found(user, text="", **filters):
    """What a search shows the user, as ("s", submission id) / ("e", entry id)."""
    ids = search.matching_ids(user, SearchQuery(text=text, **filters))
    docs = SearchDoc.objects.in_bulk(ids)
    return {("s", docs[i].submission_id) if docs[i].kind == "s" else ("e", docs[i].entry_id) for i in ids}


def visible(user):
    """What permissions.py says the user may read."""
    originals = Submission.objects.filter(item__in=permissions.visible_items(user)).values_list("pk", flat=True)
    entries = permissions.visible_entries(user).values_list("pk", flat=True)
    return {("s", pk) for pk in originals} | {("e", pk) for pk in entries}


def items_of(docs):
    """The items of documents given as ("s", submission id) / ("e", entry id)."""
    rounds = dict(Submission.objects.values_list("pk", "item_id"))
    entries = dict(DeskEntry.objects.values_list("pk", "item_id"))
    return {rounds[pk] if kind == "s" else entries[pk] for kind, pk in docs}


def originals(item):
    return {("s", s.pk) for s in item.submissions.all()}


# --- terms and recall ---


def test_two_character_terms_are_found_inside_longer_words(net):
    item = submitted(
        net.reporter, title="东城县做好信访工作", body="全县信访工作会议召开，县司法局、信访局参加。" + BODY
    )
    entry = entry_at(item, net.city.desk)
    for term in ["信访", "司法", "安全", "隐患"]:
        assert found(net.reporter, term) == originals(item) | {("e", entry.pk)}, term
        assert found(net.editor, term) == {("e", entry.pk)}, term


def test_a_term_missing_from_the_dictionary_is_found(net):
    item = submitted(
        net.reporter, title="我县信息直报点工作有新进展", body="各信息直报点按时报送，需要报国办的信息及时上报。" + BODY
    )
    assert ("e", entry_at(item, net.city.desk).pk) in found(net.editor, "直报")
    assert ("e", entry_at(item, net.city.desk).pk) in found(net.editor, "国办")
    assert found(net.editor, "直报点") == found(net.editor, "直报")


def test_substring_false_positives_do_not_match(net):
    submitted(
        net.reporter, title="我县人民生活水平稳步提高", body="去年全县人民生活水平提高，公开发表调研报告3篇。" + BODY
    )
    real = submitted(net.reporter, title="我县实施十项民生工程", body="十项民生工程全部开工。" + BODY)
    assert found(net.reporter, "民生") == originals(real) | {("e", entry_at(real, net.city.desk).pk)}
    assert found(net.reporter, "开发") == set()


# A sample labelled by hand: (sentence, term, does the term stand there as a word?)
LABELLED = [
    ("县司法局组织普法宣传", "司法", True),
    ("加强司法公正建设", "司法", True),
    ("公司法规培训班开班", "司法", False),
    ("全县信访工作会议召开", "信访", True),
    ("省信访局来县督导", "信访", True),
    ("群众来信访问量下降", "信访", False),
    ("各信息直报点按时报送", "直报", True),
    ("需要报国办的信息及时上报", "国办", True),
    ("认真报送本县区信息", "县区", True),
    ("多年来我省政府系统信息工作", "我省", True),
    ("改善人民生活水平", "民生", False),
    ("实施十项民生工程", "民生", True),
    ("不适合公开发表的内容", "开发", False),
    ("更加快速地报送", "加快", False),
    ("党委办公厅信息处", "委办", False),
    ("向上级党委报送信息", "送信", False),
    ("向上级党委报送信息", "上级", True),
    ("要紧密围绕中心工作", "要紧", False),
]


@pytest.mark.parametrize(("sentence", "term", "is_word"), LABELLED)
def test_labelled_sample(sentence, term, is_word):
    start = sentence.index(term)
    assert search_index.word_occurrence(sentence, start, start + len(term)) is is_word
    wanted = search_index.query_terms(term)
    assert (set(wanted) <= set(search_index.text_terms(sentence))) is is_word


SAMPLE = """
信息是决策的基础和依据。各级党委办公厅（室）要把为本级和上下级的信息服务结合起来。
突发性事件上报不超过两小时，对重大突发性事件迟报、漏报、瞒报的要追究责任。
县应急管理局会同公安、消防等部门开展联合检查，排查出的隐患全部建立台账。
全市信访总量同比下降百分之十二，群众来信来访反映的问题按期办结率达到百分之九十六。
省政府办公厅对直报点实行动态管理，年度积分低于十二分的取消直报点资格。
镇村干部深入农户走访调研，收集群众对乡村振兴工作的意见建议四十余条。
多年来我省政府系统信息工作不断加强，需要报国办的信息由省政府办公厅统一上报。
各县区要认真报送本县区重要信息，信息直报点每周至少报送一次。
"""


def test_recall_against_substring_search_on_a_sample():
    """Every dictionary word standing as a word in the sample is found; plain jieba misses some."""
    import jieba

    sentences = [s for s in re.split(r"[。\n]", search_index._normalise(SAMPLE)) if s]
    freq = search_index._dictionary().FREQ
    real = found_ = baseline = false_positives = 0
    for sentence in sentences:
        terms = set(search_index.text_terms(sentence))
        cut = set(jieba.cut_for_search(sentence))
        for size in (2, 3):
            for start in range(len(sentence) - size + 1):
                word = sentence[start : start + size]
                if not re.fullmatch(r"[\u4e00-\u9fff]+", word) or not freq.get(word):
                    continue
                if search_index.word_occurrence(sentence, start, start + size):
                    real += 1
                    found_ += set(search_index.query_terms(word)) <= terms
                    baseline += word in cut
                else:
                    false_positives += set(search_index.query_terms(word)) <= terms
    assert real > 100
    assert found_ == real
    assert baseline < real  # jieba's search mode alone misses words its best path splits
    assert false_positives == 0


def test_query_terms_are_anded(net):
    both = submitted(net.reporter, title="信访与安全生产", body="信访工作和安全生产工作同部署。" + BODY)
    submitted(net.reporter, title="安全生产检查", body=BODY)
    assert found(net.editor, "信访 安全生产") == {("e", entry_at(both, net.city.desk).pk)}


# --- visibility: results and counts ---


@pytest.fixture
def province_editor(net):
    return make_user("sheng_bj", net.province, "editor", "desk_chief")


@pytest.fixture
def scene(net, province_editor):
    """Items of the county (one 内部), of another city, of a city department; a combined item forwarded up."""
    public = submitted(net.reporter, title="东城县安全生产大检查", body=BODY)
    internal = submitted(net.reporter, title="东城县安全生产内部情况", body=BODY, classification=1)
    other = submitted(net.outsider, title="西山县安全生产工作", body=BODY.replace("东城县", "西山县"))
    dept_reporter = make_user("dept_r", net.city_dept, "reporter")
    dept = submitted(dept_reporter, title="市应急局安全生产检查", body=BODY)
    combined = desk_services.entry_combine(
        actor=net.editor,
        entries=[entry_at(public, net.city.desk), entry_at(dept, net.city.desk)],
        title="我市扎实开展安全生产大检查",
        body="综合各地情况，全市安全生产形势稳定。",
    )
    upper = desk_services.entry_forward(actor=net.editor, entry=combined)
    return {"public": public, "internal": internal, "other": other, "dept": dept, "combined": combined, "upper": upper}


@pytest.mark.parametrize("persona", [*PERSONAS, "sheng_bj", "dept_r"])
def test_results_and_counts_are_exactly_what_the_user_may_see(net, scene, persona):
    user = net.users.get(persona) or type(net.reporter).objects.get(username=persona)
    expected = visible(user)
    assert found(user, "安全生产") == expected
    page = search.search(user, SearchQuery(text="安全生产"))
    # Counted and listed in items: an item seen as its original and as desk versions is one result.
    assert page.count == len(items_of(expected)) and {h.item_id for h in page.hits} == items_of(expected)
    assert len(page.hits) == page.count


def test_outsider_finds_nothing_of_the_county(net, scene):
    page = search.search(net.outsider, SearchQuery(text="东城县"))
    assert page.count == 0 and page.hits == []
    assert found(net.outsider, "安全生产") == originals(scene["other"]) | {
        ("e", e.pk) for e in scene["other"].entries.all()
    }


def test_internal_item_is_hidden_from_a_user_without_clearance(net, scene):
    internal = scene["internal"]
    assert originals(internal) <= found(net.reporter, "内部")
    assert search.search(net.no_clearance, SearchQuery(text="内部")).count == 0
    counts = {u: search.search(net.users[u], SearchQuery(text="东城县")).count for u in ("reporter", "no_clearance")}
    assert counts["reporter"] - counts["no_clearance"] == 1  # the 内部 item (its original and its entry count once)


def test_raising_a_returned_items_classification_hides_its_rounds(net):
    item = submitted(net.reporter, title="东城县安全生产检查", body=BODY)
    desk_services.entry_return(actor=net.editor, entry=entry_at(item, net.city.desk), reason="补充数字")
    item.refresh_from_db()
    assert originals(item) <= found(net.no_clearance, "安全生产")
    services.item_update(actor=net.reporter, item=item, version=item.version, classification=1)
    # The sent rounds now follow the item (内部); the desk's entry keeps the classification it was sent with.
    assert found(net.no_clearance, "安全生产") == {("e", entry_at(item, net.city.desk).pk)} == visible(net.no_clearance)
    assert originals(item) <= found(net.reporter, "安全生产")


def test_drafts_are_never_indexed(net):
    draft(net.reporter, title="尚未报送的安全生产稿件", body=BODY)
    assert SearchDoc.objects.count() == 0
    assert found(net.reporter, "安全生产") == set()


# --- the index changes with the item ---


def test_the_index_changes_in_the_items_transaction(net, monkeypatch):
    item = draft(net.reporter, title="东城县信访工作", body=BODY)

    def fail(**kwargs):
        raise RuntimeError("断电")

    monkeypatch.setattr(services, "audit_record", fail)  # fails after both documents were written
    with pytest.raises(RuntimeError):
        services.item_submit(actor=net.reporter, item=item)
    assert SearchDoc.objects.count() == 0 and found(net.reporter, "信访") == set()
    monkeypatch.undo()
    services.item_submit(actor=net.reporter, item=item)
    assert len(found(net.reporter, "信访")) == 2


def test_an_edited_entry_is_found_by_its_new_text(net):
    item = submitted(net.reporter, title="东城县安全生产检查", body=BODY)
    entry = entry_at(item, net.city.desk)
    desk_services.entry_edit(
        actor=net.editor, entry=entry, version=0, title="东城县冬季防汛与安全生产检查", body="东城县部署冬季防汛工作。"
    )
    assert found(net.editor, "防汛") == {("e", entry.pk)}
    assert found(net.editor, "隐患") == set()  # the edited text no longer says it
    assert found(net.reporter, "隐患") == originals(item)  # the sender's original still does
    assert found(net.reporter, "防汛") == {("e", entry.pk)}


def test_a_resubmitted_round_replaces_the_entry_text_and_keeps_every_round(net):
    item = submitted(net.reporter, title="东城县安全生产检查", body=BODY)
    entry = entry_at(item, net.city.desk)
    desk_services.entry_return(actor=net.editor, entry=entry, reason="请补充整改时限")
    item.refresh_from_db()
    services.item_update(
        actor=net.reporter, item=item, version=item.version, body=BODY + "整改时限为年底，实行销号管理。"
    )
    services.item_submit(actor=net.reporter, item=item)
    assert found(net.editor, "销号") == {("e", entry.pk)}
    assert found(net.reporter, "销号") == {("s", item.submissions.get(round=2).pk), ("e", entry.pk)}
    assert found(net.reporter, "隐患") == originals(item) | {("e", entry.pk)}


def test_reindex_rebuilds_the_whole_index_newest_first(net):
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC)):
        old = submitted(net.reporter, title="三月安全生产检查", body=BODY)
    with time_machine.travel(dt.datetime(2026, 5, 6, 9, tzinfo=dt.UTC)):
        new = submitted(net.reporter, title="五月安全生产检查", body=BODY)
    before = search.matching_ids(net.editor, SearchQuery(text="安全生产"))
    SearchDoc.objects.all().delete()
    assert found(net.editor, "安全生产") == set()
    call_command("reindex", jobs=1, verbosity=0)
    assert SearchDoc.objects.count() == 4
    hits = search.search(net.editor, SearchQuery(text="安全生产")).hits
    assert [h.url for h in hits] == [f"/desk/entries/{entry_at(x, net.city.desk).pk}/" for x in (new, old)]
    assert len(before) == 2


def test_reindex_keeps_each_documents_id_and_numbers_missing_ones_after_the_others(net):
    made = []
    for month in (1, 2, 3):
        with time_machine.travel(dt.datetime(2026, month, 2, 9, tzinfo=dt.UTC)):
            made.append(submitted(net.reporter, title=f"{month}月安全生产检查", body=BODY))
    before = {(d.kind, d.submission_id, d.entry_id): d.pk for d in SearchDoc.objects.all()}
    lost = SearchDoc.objects.get(kind="s", submission__item=made[0])
    lost.delete()  # e.g. written by a bulk load that did not index
    call_command("reindex", jobs=1, verbosity=0)
    after = {(d.kind, d.submission_id, d.entry_id): d.pk for d in SearchDoc.objects.all()}
    lost_key = ("s", lost.submission_id, None)
    assert after.keys() == before.keys()
    assert {k: v for k, v in after.items() if k != lost_key} == {k: v for k, v in before.items() if k != lost_key}
    assert after[lost_key] > max(before.values())  # the only new id, above every other
    hits = search.search(net.editor, SearchQuery(text="安全生产")).hits
    assert [h.url for h in hits] == [f"/desk/entries/{entry_at(x, net.city.desk).pk}/" for x in reversed(made)]


class Interrupted(Exception):
    pass


def test_an_interrupted_reindex_continues_where_it_stopped(net):
    made = []
    for month in (1, 2, 3):
        with time_machine.travel(dt.datetime(2026, month, 2, 9, tzinfo=dt.UTC)):
            made.append(submitted(net.reporter, title=f"{month}月安全生产检查", body=BODY))
    expected = {(d.kind, d.submission_id, d.entry_id) for d in SearchDoc.objects.all()}
    assert len(expected) == 6
    plan = registry.planned_sources()
    calls = []

    def stop_after_first_batch(count: int) -> None:
        calls.append(count)
        raise Interrupted  # after the first batch's transaction: as if the process were killed here

    with pytest.raises(Interrupted):
        search_index.rebuild(plan=plan, batch_size=2, progress=stop_after_first_batch)
    mark = RebuildMark.objects.get()
    assert (mark.done, mark.planned) == (2, 6)
    assert search_index.resume_point(plan) == 2
    first_two = set(SearchDoc.objects.order_by("-pk").values_list("pk", flat=True)[:2])

    out = io.StringIO()
    call_command("reindex", jobs=1, batch_size=2, stdout=out)
    assert "接续上次中断的重建：前 2 篇已重建" in out.getvalue()
    assert "已重建 4 篇文档" in out.getvalue()
    assert not RebuildMark.objects.exists()
    assert {(d.kind, d.submission_id, d.entry_id) for d in SearchDoc.objects.all()} == expected
    assert first_two <= set(SearchDoc.objects.values_list("pk", flat=True))  # not written twice
    dates = list(SearchDoc.objects.order_by("pk").values_list("date", flat=True))
    assert dates == sorted(dates)  # still newest last: the ids order the archive
    hits = search.search(net.editor, SearchQuery(text="安全生产")).hits
    assert [h.url for h in hits] == [f"/desk/entries/{entry_at(x, net.city.desk).pk}/" for x in reversed(made)]

    with pytest.raises(Interrupted):
        search_index.rebuild(plan=plan, batch_size=2, progress=stop_after_first_batch)
    out = io.StringIO()
    call_command("reindex", jobs=1, batch_size=2, restart=True, stdout=out)
    assert "接续" not in out.getvalue() and "已重建 6 篇文档" in out.getvalue()
    assert not RebuildMark.objects.exists()


# --- filters, order, pages ---


def test_filters(net):
    dept_reporter = make_user("dept_r", net.city_dept, "reporter")
    with time_machine.travel(dt.datetime(2026, 1, 10, 9, tzinfo=dt.UTC)):
        county_news = submitted(net.reporter, title="东城县安全生产动态", body=BODY, category="news", tone="positive")
    with time_machine.travel(dt.datetime(2026, 2, 10, 9, tzinfo=dt.UTC)):
        county_problem = submitted(
            net.reporter, title="东城县安全生产问题", body=BODY, category="problem", tone="problem"
        )
        dept_news = submitted(dept_reporter, title="市应急局安全生产动态", body=BODY, category="news")
    e = {x: ("e", entry_at(x, net.city.desk).pk) for x in (county_news, county_problem, dept_news)}
    assert found(net.editor, "安全生产", units=(net.county.pk,)) == {e[county_news], e[county_problem]}
    assert found(net.editor, "安全生产", units=(net.city.pk,)) == set(e.values())  # subordinate units too
    assert found(net.editor, "安全生产", category="news") == {e[county_news], e[dept_news]}
    assert found(net.editor, "安全生产", tone="problem") == {e[county_problem]}
    assert found(net.editor, "", date_from=dt.date(2026, 2, 1)) == {e[county_problem], e[dept_news]}
    assert found(net.editor, "", date_to=dt.date(2026, 1, 31)) == {e[county_news]}
    assert found(net.editor, "", date_from=dt.date(2026, 1, 10), date_to=dt.date(2026, 1, 10)) == {e[county_news]}
    assert found(net.reporter, "安全生产", kind="s") == originals(county_news) | originals(county_problem)
    assert found(net.reporter, "安全生产", desk_id=net.city.desk.pk) == {e[county_news], e[county_problem]}
    assert found(net.reporter, "安全生产", desk_id=net.province.desk.pk) == set()


def test_relevance_puts_a_title_match_first(net):
    titled = submitted(net.reporter, title="东城县信访工作取得新成效", body="全县信访总量下降。" + BODY)
    submitted(net.reporter, title="东城县安全生产检查", body=BODY + "会上还通报了信访情况。")
    newest = search.search(net.editor, SearchQuery(text="信访"))
    ranked = search.search(net.editor, SearchQuery(text="信访", order=search.RELEVANCE))
    assert "信访工作" not in str(newest.hits[0].title)
    assert ranked.hits[0].url == f"/desk/entries/{entry_at(titled, net.city.desk).pk}/"


def test_count_is_exact_up_to_the_cap_and_pages_stop_there(net, monkeypatch):
    monkeypatch.setattr(search, "MAX_RESULTS", 5)
    monkeypatch.setattr(search, "PAGE_SIZE", 2)
    for n in range(7):
        submitted(net.reporter, title=f"安全生产检查第{n}次", body=BODY)
    page = search.search(net.editor, SearchQuery(text="安全生产", page=3))
    assert (page.count_label, page.pages, len(page.hits), page.has_next) == ("5+", 3, 1, False)
    assert search.search(net.editor, SearchQuery(text="安全生产", page=99)).page == 3
    few = search.search(net.editor, SearchQuery(text="第3次"))
    assert (few.count_label, few.more) == ("1", False)


# --- snippets and the page ---


def test_snippets_show_script_as_text_and_mark_the_term(net, client_for):
    submitted(net.reporter, title="<b>东城县</b>信访简报", body="<script>alert('x')</script>全县信访总量下降。" + BODY)
    html = client_for("editor").get("/archive/?q=信访").content.decode()
    assert "<script>alert" not in html and "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html
    assert "&lt;b&gt;东城县&lt;/b&gt;<mark>信访</mark>简报" in html
    assert "全县<mark>信访</mark>总量下降" in html


def test_snippet_is_cut_around_the_first_match():
    pattern = search.pattern_of(["信访"])
    text = "开头" * 100 + "信访工作" + "结尾" * 100
    piece = str(search.snippet(text, pattern))
    assert piece.startswith("…") and piece.endswith("…") and "<mark>信访</mark>工作" in piece
    assert len(re.sub(r"</?mark>", "", piece)) <= search.SNIPPET_CHARS + 2


def test_links_lead_to_pages_the_user_can_open(net, client_for):
    item = submitted(net.reporter, title="东城县信访工作", body=BODY)
    for persona in ("reporter", "editor"):
        client = client_for(persona)
        for hit in search.search(net.users[persona], SearchQuery(text="信访")).hits:
            assert client.get(hit.url).status_code == 200, (persona, hit.url)
    assert {h.url for h in search.search(net.reporter, SearchQuery(text="信访")).hits} == {f"/items/{item.pk}/"}


@pytest.mark.parametrize("persona", PERSONAS)
def test_page_access_for_every_persona(net, client_for, persona):
    submitted(net.reporter, title="东城县信访工作", body=BODY)
    client = client_for(persona)
    for url in ("/archive/", "/archive/?q=信访", "/archive/?q=信访&order=relevance&page=2", "/archive/?category=news"):
        assert client.get(url).status_code == 200, url
    html = client.get("/archive/?q=信访").content.decode()
    sees = persona in {"reporter", "approver", "no_clearance", "editor", "desk_chief", "duty_officer", "leader"}
    assert ("东城县<mark>信访</mark>工作" in html) is sees
    assert ("共 2 条" in html or "共 1 条" in html) is sees
    assert ("资料库中没有您可查看的信息" in html) is (persona == "admin")  # no unit, no desk: told so


def test_anonymous_users_are_sent_to_login(client):
    response = client.get("/archive/?q=信访")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_bad_input_gets_a_chinese_message(net, client_for):
    client = client_for("editor")
    html = client.get("/archive/?q=信访&date_from=2026-05-01&date_to=2026-04-01").content.decode()
    assert "截止日期不能早于起始日期" in html
    html = client.get("/archive/?q=信访&unit=不存在的单位").content.decode()
    assert "没有找到名称含“不存在的单位”的单位" in html
    html = client.get("/archive/?q=" + "信" * 101).content.decode()
    assert "检索词最多 100 个字" in html and 'value="' + "信" * 101 in html  # the query is kept in the box
    assert client.get("/archive/?q=信访&page=abc").status_code == 200


def test_the_page_runs_a_bounded_number_of_queries(net, client_for, django_assert_max_num_queries):
    for n in range(25):
        submitted(net.reporter, title=f"东城县信访工作第{n}期", body=BODY)
    for persona in ("editor", "reporter"):
        client = client_for(persona)
        client.get("/archive/")
        # session and user (3), desk, units for the filter, desks, period bound, the engine query (PostgreSQL:
        # its id range, and ranking), the results, notifications badge, session save (3): never per result.
        with django_assert_max_num_queries(18):
            response = client.get("/archive/?q=信访&unit=东城&order=relevance&date_from=2020-01-01")
        assert response.content.decode().count('class="hit"') == 20


def test_newest_first_is_served_in_index_order_without_sorting_every_match(net):
    submitted(net.reporter, title="东城县信访工作", body=BODY)
    groups = search.key_groups(net.editor, SearchQuery(text="信访"), None)
    if connection.vendor == "postgresql":
        sql, params = search.newest_sql(search.tsquery_expression(["信访"], groups), None, 21, False)
    else:
        sql, params = search.newest_sql(search.fts_expression(["信访"], groups), None, 21, False)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_seqscan = off")  # a test table is tiny; at scale the planner agrees
        cursor.execute("EXPLAIN " + ("" if connection.vendor == "postgresql" else "QUERY PLAN ") + sql, params)
        plan = " ".join(str(r) for r in cursor.fetchall())
    if connection.vendor == "postgresql":
        # Each bucket asks the GIN index; the primary key is never walked backwards.
        assert "items_searchdoc_tsv" in plan and "Backward" not in plan
    else:
        assert "VIRTUAL TABLE" in plan and "TEMP B-TREE" not in plan  # FTS5 gives the order itself


def test_period_keys_use_whole_years_where_they_can():
    zone = timezone.get_current_timezone()
    start = dt.datetime(2024, 11, 5, tzinfo=zone)
    end = dt.datetime(2026, 2, 1, tzinfo=zone)
    assert search._period_keys(start, end) == ["m202411", "m202412", "y2025", "m202601"]


@pytest.mark.parametrize(("low", "top"), [(1, 1), (1, 30_000), (612_000, 816_000), (1, 2_100_000), (5_000, 6_000)])
def test_the_postgresql_walk_covers_every_id_once_newest_first(low, top):
    """The blocks asked for, newest first, hold every id between the oldest and newest exactly once."""
    steps = [s.strip("'").removeprefix(search_index.KEY_PREFIX) for s in search.block_steps(low, top)]
    assert len(steps) <= 2 * max(1, (top // search_index.BUCKET).bit_length()) + 2
    for doc_id in [low, top, *range(low, top + 1, max(1, (top - low) // 997))]:
        assert sum(key in set(search_index.block_keys(doc_id)) for key in steps) == 1, doc_id
    firsts = [int(s.split("x")[1]) << int(s[1 : s.index("x")]) for s in steps]
    assert firsts == sorted(firsts, reverse=True)  # each step older than the one before


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the block keys are PostgreSQL's")
def test_new_documents_carry_the_block_keys_of_their_ids(net):
    """The insert computes the block keys in SQL: they equal ``block_keys`` of each new id,
    for small ids and for ids far into the sequence, and the ids follow the documents' order."""
    first = submitted(net.reporter, title="东城县信访工作", body=BODY)
    with connection.cursor() as cursor:
        cursor.execute("SELECT setval(pg_get_serial_sequence('items_searchdoc', 'id'), 5123456)")
    second = submitted(net.reporter, title="东城县安全生产", body=BODY)
    docs = SearchDoc.objects.filter(item__in=[first, second]).order_by("id")
    assert docs.count() == 4 and docs.filter(id__gt=5123456).count() == 2
    with connection.cursor() as cursor:
        for doc in docs:
            cursor.execute(
                "SELECT lexeme FROM unnest((SELECT tsv FROM items_searchdoc WHERE id = %s)) WHERE lexeme LIKE %s",
                [doc.pk, search_index.KEY_PREFIX + "b%"],
            )
            keys = sorted(row[0].removeprefix(search_index.KEY_PREFIX) for row in cursor.fetchall())
            assert keys == sorted(search_index.block_keys(doc.pk)), doc.pk
    newest = list(SearchDoc.objects.filter(item=second).order_by("id").values_list("kind", flat=True))
    assert newest == ["s", "e"]  # the round first, then its entry, as before
    assert found(net.editor, "安全生产") and found(net.editor, "信访")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the block walk is PostgreSQL's")
@pytest.mark.parametrize("scan_below", [0, 10**9])  # always walk on / always scan the older documents
def test_the_probed_walk_finds_what_one_plain_query_finds(net, monkeypatch, scan_below):
    """Documents spread over many blocks: the probe, then the rest of the walk or one scan
    of the older documents, give exactly the newest matches, for every limit."""
    monkeypatch.setattr(search, "SCAN_BELOW", scan_below)
    for n in range(12):
        submitted(net.reporter, title=f"东城县信访工作第{n}期", body=BODY)
        with connection.cursor() as cursor:  # the next documents a few buckets further on
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence('items_searchdoc', 'id'), "
                "(SELECT max(id) FROM items_searchdoc) + %s)",
                [search_index.BUCKET * (n + 1)],
            )
    low, top = search._id_range()
    assert len(search.block_steps(low, top)) > search.PROBE_STEPS
    groups = search.key_groups(net.editor, SearchQuery(text="信访"), None)
    expression = search.tsquery_expression(["信访"], groups)
    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM items_searchdoc WHERE tsv @@ %s::tsquery ORDER BY id DESC", [expression])
        every = [row[0] for row in cursor.fetchall()]
    assert len(every) >= 12
    for limit in (1, 3, 7, len(every), len(every) + 5):
        assert [pk for pk, _ in search._newest(expression, None, limit, False)] == every[:limit], limit
        # one scan of every match, when the planner expects few, gives the same
        assert [pk for pk, _ in search._newest(expression, None, limit, False, direct=True)] == every[:limit], limit


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the planner's estimate is PostgreSQL's")
def test_the_scan_or_the_walk_is_chosen_by_the_planners_estimate_and_both_find_the_same(net, monkeypatch):
    for n in range(8):
        submitted(net.reporter, title=f"东城县信访工作第{n}期", body=BODY)
    groups = search.key_groups(net.editor, SearchQuery(text="信访"), None)
    expression = search.tsquery_expression(["信访"], groups)
    assert search._few_matches(expression, None)  # a handful: one scan
    monkeypatch.setattr(search, "DIRECT_BELOW", 0)
    assert not search._few_matches(expression, None)
    walked = {who: search.matches(getattr(net, who), SearchQuery(text="信访")).ids for who in ("editor", "reporter")}
    monkeypatch.setattr(search, "DIRECT_BELOW", 10**9)
    for who, ids in walked.items():
        assert search.matches(getattr(net, who), SearchQuery(text="信访")).ids == ids and ids, who


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's FTS5 tables")
def test_reindex_leaves_true_statistics_for_the_index_tables(net):
    """Statistics taken while the index was nearly empty make every FTS5 merge scan the
    whole index; a rebuild takes them again once the index is full."""
    submitted(net.reporter, title="东城县信访工作", body=BODY)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE items_search_fts_data")  # one or two rows so far
        for n in range(30):
            submitted(net.reporter, title=f"东城县信访工作第{n}期", body=BODY)
        call_command("reindex", jobs=1, verbosity=0)
        cursor.execute("SELECT count(*) FROM items_search_fts_data")
        rows = cursor.fetchone()[0]
        cursor.execute("SELECT stat FROM sqlite_stat1 WHERE tbl = 'items_search_fts_data'")
        assert int(cursor.fetchone()[0].split()[0]) == rows > 2
