"""Benchmark the archive's search: the product's search function against the plain engine query, and recall.

Usage, from the repository root, on a database of its own (never ``test``/``test_*``,
never ``var/xinxi.sqlite3``; ``bench/generate.py`` refuses those)::

    XINXI_VAR_DIR=/tmp/xinxi-search-bench .venv/bin/python bench/search_bench.py --items 100000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/xinxi_search .venv/bin/python bench/search_bench.py --items 100000

It makes sure the database holds ``--items`` items (generating the missing ones with
``bench/generate.py``, which rebuilds the index with ``manage.py reindex``), checks that
the index covers every submission and desk entry, then runs a fixed set of
Chinese queries of mixed shapes (rare terms, two-character terms, terms found in most
items, 2–3-term AND) for three readers:

- ``editor``: an editor of the busiest desk (江阳市委办公室信息科, ``bench_editor``);
- ``reporter``: a county reporter (``bench_reporter``): a few hundred documents;
- ``whole``: every document, visibility switched off: the engine's upper bound.

For each it prints p50/p95 (milliseconds) of

- ``page``: ``search.search()`` as the page calls it: newest first, the count (exact up
  to 1,000, "1000+" beyond), 20 results with highlighted snippets;
- ``relevance``: the same, ranked (within the newest 1,000 matches);
- ``engine``: the plain engine query on the same index, ranked over every match
  (FTS5 ``ORDER BY bm25`` / PostgreSQL ``ORDER BY ts_rank``), top 20 ids only;

and the recall of single terms on a sample of documents, measured against substring
search: a substring occurrence that is not a word (``archive.index.word_occurrence``:
民生 inside 人民|生活) is a false positive, not a miss. jieba's own search mode
(``cut_for_search``) is measured on the same sample for comparison.

Timings are printed, never judged: figures go to ``docs/performance.md``.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import generate

# (query, shape). Shapes: rare (a few hundred items or fewer at 10⁵), two (two-character
# terms), common (found in most items), and (2–3 terms, all required).
QUERIES: list[tuple[str, str]] = [
    *((q, "rare") for q in ("特约信息员", "驻外办事处", "计算机网络", "四分之一", "紧急信息报送办法", "值班室")),
    *((q, "rare") for q in ("富林乡", "华水镇", "兴湾乡", "湖川镇", "黄湾镇", "白塘镇")),  # towns: a few items each
    *((q, "two") for q in ("信访", "司法", "防汛", "医保", "低保", "舆情", "欠薪", "养老", "耕地", "反诈")),
    *((q, "two") for q in ("隐患", "纠纷", "就业", "直报", "国办", "灾情", "疫情")),
    *((q, "common") for q in ("信息", "工作", "领导", "党委", "报送", "加强", "开展", "推进", "情况", "政府")),
    ("信访 积案", "and"),
    ("安全生产 隐患", "and"),
    ("防汛 水库 巡查", "and"),
    ("信息 报送 及时", "and"),
    ("乡村振兴 特色", "and"),
    ("营商环境 一网通办", "and"),
    ("党委 信息 工作", "and"),
    ("老旧小区 电梯", "and"),
    ("医保 异地就医", "and"),
    ("养老 社区", "and"),
    ("矛盾纠纷 基层", "and"),
    ("疫情 防控 信息", "and"),
    ("舆情 回应 关切", "and"),
    ("领导 决策 信息", "and"),
]
SHAPES = {"rare": "生僻词", "two": "两字词", "common": "常见词", "and": "多词并列"}
MODES = ("page", "relevance", "engine", "naive")


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = fn()
    return (time.perf_counter() - started) * 1000, result


def ensure_data(items: int, generate_missing: bool) -> None:
    from django.core.management import call_command

    from xinxi.archive.models import SearchDoc
    from xinxi.items.models import DeskEntry, Item, Submission

    have = Item.objects.count()
    if have < items and generate_missing:
        print(f"已有信息 {have} 条，生成其余 {items - have} 条（bench/generate.py）……")
        generate.main([str(items - have)])
    expected = Submission.objects.count() + DeskEntry.objects.count()
    if SearchDoc.objects.count() != expected and not generate_missing:
        # e.g. rows another bench inserted raw: measure as it is rather than rebuild 10⁶ documents
        print(f"检索文档 {SearchDoc.objects.count()} 篇，应为 {expected} 篇（--no-generate：不重建索引）。")
    elif SearchDoc.objects.count() != expected:
        print(f"检索文档 {SearchDoc.objects.count()} 篇，应为 {expected} 篇：重建索引（manage.py reindex）……")
        started = time.perf_counter()
        call_command("reindex")
        print(f"重建用时 {time.perf_counter() - started:.0f} 秒。")


def readers() -> dict[str, Any]:
    from xinxi.accounts.models import User

    return {
        "editor": User.objects.get(username="bench_editor"),
        "reporter": User.objects.get(username="bench_reporter"),
        "whole": User.objects.get(username="bench_editor"),  # keys dropped below
    }


class Unrestricted:
    """Within the block, searches skip the reader keys: every document counts (the engine's upper bound)."""

    def __enter__(self) -> None:
        from xinxi.archive import search

        self.original = search.key_groups
        search.key_groups = lambda user, query, *rest: self.original(user, query, *rest)[1:]  # type: ignore

    def __exit__(self, *exc: object) -> None:
        from xinxi.archive import search

        search.key_groups = self.original  # type: ignore[assignment]


def run_queries(user: Any, repeat: int, unrestricted: bool, engine: bool = True) -> dict[str, dict[str, list[float]]]:
    """Times per shape and mode: page, relevance, engine (unless ``engine`` is false), naive.
    Also prints each query's count."""
    from contextlib import nullcontext

    from xinxi.archive import search
    from xinxi.archive.search import SearchQuery

    times: dict[str, dict[str, list[float]]] = {s: {m: [] for m in MODES} for s in SHAPES}
    counts: dict[str, str] = {}
    slowest: list[tuple[float, str, str]] = []
    with Unrestricted() if unrestricted else nullcontext():
        for text, _ in QUERIES:  # warm the caches once
            search.search(user, SearchQuery(text=text))
        for run in range(repeat):
            for text, shape in QUERIES:
                ms, page = timed(lambda text=text: search.search(user, SearchQuery(text=text)))
                times[shape]["page"].append(ms)
                slowest.append((ms, "page", text))
                counts[text] = page.count_label
                ms, _ = timed(lambda text=text: search.search(user, SearchQuery(text=text, order=search.RELEVANCE)))
                times[shape]["relevance"].append(ms)
                slowest.append((ms, "relevance", text))
                if run == 0:  # the plain queries can take seconds on common terms: once is enough
                    if engine:
                        ms, _ = timed(lambda text=text: search.engine_ranked_ids(user, SearchQuery(text=text)))
                        times[shape]["engine"].append(ms)
                    ms, _ = timed(lambda text=text: naive_newest(user, text))
                    times[shape]["naive"].append(ms)
    print("  命中数：" + "，".join(f"{t} {c}" for t, c in counts.items()))
    slowest.sort(reverse=True)
    print("  最慢的产品检索：" + "，".join(f"{t}（{m}）{ms:.0f} ms" for ms, m, t in slowest[:6]))
    return times


def naive_newest(user: Any, text: str) -> list[int]:
    """The plain engine query for the newest 20 matches (no buckets, no count, no snippets)."""
    from django.db import connection

    from xinxi.archive import search
    from xinxi.archive.search import SearchQuery

    query = SearchQuery(text=text)
    groups = search.key_groups(user, query, None)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT id FROM items_searchdoc WHERE tsv @@ %s::tsquery ORDER BY id DESC LIMIT 20",
                [search.tsquery_expression(query.terms, groups)],
            )
        else:
            cursor.execute(
                "SELECT rowid FROM items_search_fts WHERE items_search_fts MATCH %s ORDER BY rowid DESC LIMIT 20",
                [search.fts_expression(query.terms, groups)],
            )
        return [r[0] for r in cursor.fetchall()]


def report(name: str, times: dict[str, dict[str, list[float]]]) -> None:
    print(
        f"\n[{name}] 毫秒，p50 / p95。page = 产品检索（最新在前一页：计数、20 条、摘要）；relevance = 产品相关度排序；"
        "engine = 引擎对全部匹配排序取前 20（bm25 / ts_rank）；naive = 引擎直接取最新 20 条（无计数、无摘要）"
    )
    print(f"  {'查询类型':<8}" + "".join(f"{m:>18}" for m in MODES))
    everything: dict[str, list[float]] = {m: [] for m in MODES}
    for shape, label in SHAPES.items():
        cells = []
        for mode in MODES:
            values = times[shape][mode]
            everything[mode] += values
            cells.append(f"{pct(values, 0.5):7.1f} / {pct(values, 0.95):7.1f}")
        print(f"  {label:<8}" + "".join(f"{c:>18}" for c in cells))
    cells = [f"{pct(everything[m], 0.5):7.1f} / {pct(everything[m], 0.95):7.1f}" for m in MODES]
    print(f"  {'全部':<8}" + "".join(f"{c:>18}" for c in cells))


def check_visibility(people: dict[str, Any]) -> None:
    """For rare terms, the search finds exactly the visible documents that contain the term as a word."""
    from django.db.models import Q

    from xinxi.archive import index as search_index
    from xinxi.archive import search
    from xinxi.archive.models import SearchDoc
    from xinxi.archive.search import SearchQuery
    from xinxi.items import permissions
    from xinxi.items.models import Submission

    terms = [t for t, shape in QUERIES if shape == "rare"]
    print("\n可见性核对（结果集 = 有权查看且成词含该词的全部文档）：", end="")
    problems = 0
    for name in ("editor", "reporter"):
        user = people[name]
        originals = Submission.objects.filter(item__in=permissions.visible_items(user))
        entries = permissions.visible_entries(user)
        for term in terms:
            wanted = set(search_index.query_terms(term))
            has = Q()
            for word in wanted:  # every term somewhere in the title or the body
                has &= Q(title__contains=word) | Q(body__contains=word)
            expected = set()
            for kind, rows in (("s", originals.filter(has)), ("e", entries.filter(has))):
                for pk, title, body in rows.values_list("pk", "title", "body"):
                    if wanted <= set(search_index.text_terms(title)) | set(search_index.text_terms(body)):
                        expected.add((kind, pk))
            ids = search.matching_ids(user, SearchQuery(text=term), limit=10**7)
            docs = SearchDoc.objects.in_bulk(ids)
            got = {("s", d.submission_id) if d.kind == "s" else ("e", d.entry_id) for d in docs.values()}
            if got != expected:
                problems += 1
                print(f"\n  不一致：{name} 检索“{term}”找到 {len(got)} 篇，应为 {len(expected)} 篇", end="")
    print("一致。" if not problems else f"\n  共 {problems} 处不一致。")


def recall(sample_size: int, seed: int) -> None:
    """Single-term recall against substring search on a random sample of documents."""
    import jieba
    from django.db import connection
    from tqdm import tqdm

    from xinxi.archive import index as search_index
    from xinxi.archive import search
    from xinxi.archive.models import SearchDoc

    rng = random.Random(seed)
    low = SearchDoc.objects.order_by("id").values_list("id", flat=True).first() or 0
    top = SearchDoc.objects.order_by("-id").values_list("id", flat=True).first() or 0
    ids = sorted({rng.randint(low, top) for _ in range(sample_size * 2)})
    docs = list(SearchDoc.objects.filter(pk__in=ids).select_related("submission", "entry")[:sample_size])
    texts = {}
    for doc in docs:
        source = doc.submission if doc.kind == "s" else doc.entry
        texts[doc.pk] = search_index._normalise(f"{source.title}\n{source.body}")
    terms = [t for t, shape in QUERIES if shape != "and"]
    terms += ["安全", "生产", "水库", "电梯", "社区", "基层", "农田", "传染病", "老旧小区", "营商环境", "乡村振兴"]
    stats = {"substring": 0, "words": 0, "found": 0, "false_positive": 0, "fp_found": 0, "jieba": 0}
    misses: list[str] = []
    postgresql = connection.vendor == "postgresql"
    for term in tqdm(terms, desc="召回率", unit="词"):
        with connection.cursor() as cursor:
            if postgresql:
                cursor.execute(
                    "SELECT id FROM items_searchdoc WHERE id = ANY(%s) AND tsv @@ %s::tsquery",
                    [list(texts), search.tsquery_text(search_index.query_terms(term))],
                )
            else:
                cursor.execute(
                    "SELECT rowid FROM items_search_fts WHERE items_search_fts MATCH %s AND rowid IN "
                    f"({','.join(str(i) for i in texts)})",
                    [search.fts_expression(search_index.query_terms(term), [])],
                )
            matched = {int(r[0]) for r in cursor.fetchall()}
        for doc_id, text in texts.items():
            starts = [m.start() for m in re.finditer(re.escape(term), text)]
            if not starts:
                continue
            stats["substring"] += 1
            if any(search_index.word_occurrence(text, s, s + len(term)) for s in starts):
                stats["words"] += 1
                stats["found"] += doc_id in matched
                stats["jieba"] += term in set(jieba.cut_for_search(text))
                if doc_id not in matched and len(misses) < 5:
                    s = starts[0]
                    misses.append(f"{term}：…{text[max(0, s - 8) : s + 10]}…")
            else:
                stats["false_positive"] += 1
                stats["fp_found"] += doc_id in matched
    words, substring = stats["words"], stats["substring"]
    print(f"\n召回率（{len(texts)} 篇样本 × {len(terms)} 个词，对照子串检索）")
    print(
        f"  含子串 {substring} 处（篇×词），其中成词 {words}，"
        f"子串误配 {stats['false_positive']}（如 人民|生活 中的 民生）"
    )
    if words:
        print(f"  本检索：成词处找到 {stats['found']}/{words} = {stats['found'] / words:.2%}；")
        print(f"          误配处命中 {stats['fp_found']}/{stats['false_positive']}（应为 0）；")
        print(f"          对子串总召回 {stats['found'] + stats['fp_found']}/{substring}")
        print(f"  jieba cut_for_search 单独：成词处 {stats['jieba']}/{words} = {stats['jieba'] / words:.2%}")
    for miss in misses:
        print(f"  未找到：{miss}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=100_000, help="数据量（信息条数），不足时生成")
    parser.add_argument("--repeat", type=int, default=3, help="每个查询计时的轮数")
    parser.add_argument("--sample", type=int, default=2000, help="召回率样本（篇）")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--no-generate", action="store_true")
    parser.add_argument("--only", choices=["editor", "reporter", "whole"], action="append")
    parser.add_argument("--no-engine", action="store_true", help="不计时引擎对全部匹配排序（10⁶ 条时常见词每次数秒）")
    parser.add_argument("--no-checks", action="store_true", help="不做可见性核对和召回率抽样")
    args = parser.parse_args(argv)
    generate.setup_django()
    from django.db import connection

    from xinxi.archive.models import SearchDoc
    from xinxi.items.models import DeskEntry, Item

    print(f"数据库：{generate.describe_database()}")
    ensure_data(args.items, not args.no_generate)
    print(
        f"信息 {Item.objects.count()} 条，收稿 {DeskEntry.objects.count()} 条，"
        f"检索文档 {SearchDoc.objects.count()} 篇；查询 {len(QUERIES)} 个，计时 {args.repeat} 轮。"
    )
    people = readers()
    for name in args.only or ["editor", "reporter", "whole"]:
        user = people[name]
        print(f"\n== {name} ==")
        report(name, run_queries(user, args.repeat, unrestricted=name == "whole", engine=not args.no_engine))
    if not args.no_checks:
        check_visibility(people)
        recall(args.sample, args.seed)
    connection.close()


if __name__ == "__main__":
    main()
