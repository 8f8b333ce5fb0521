"""Benchmark the archive's search with issued issues: the 期刊 block, 刊发于 on each result, the 刊物 filter.

Usage, from the repository root, on a database of its own (as ``bench/search_bench.py``)::

    XINXI_VAR_DIR=/tmp/xinxi-search-bench .venv/bin/python bench/issue_search_bench.py --items 100000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/xinxi_search .venv/bin/python bench/issue_search_bench.py

It makes sure the database holds ``--items`` items (``search_bench.ensure_data``), then
that the hot desk (江阳市委办公室信息科) has a periodical, 《江阳信息》, read by every unit
reporting to it, with ``--issues`` issued issues of ``--per-issue`` items each, composed
and signed off through the services from the desk's newest entries (a second run
keeps them). Then, for ``bench_editor`` (the desk's editor) and ``bench_reporter`` (a
reader through the reading list), over the queries of ``search_bench.QUERIES``, it
prints p50/p95 (milliseconds) of

- ``before``: ``search.search()`` for a user who reads no periodical (no issue parts):
  the page as it was before issues were searchable;
- ``page``: ``search.search()`` as the archive page calls it, now with the 期刊 block
  (readable periodicals, the issue engine query, the issues read) and 刊发于 on each
  result;
- ``readable``: the periodicals the user reads (``publications.archive_docs.readable_periodicals``, which
  evaluates ``publications.permissions.visible_issues``), once per page;
- ``relevance``: ``search.search()`` ranked by relevance, with the same issue parts;
- ``block``: the 期刊 block alone (``publications.archive_docs.search_issues``);
- ``labels``: the 刊发于 query for a page of 20 results (``publications.archive_docs.attach_issues``);
- ``filter``: ``search.search()`` with the 刊物 filter (《江阳信息》).

It also times one sign-off of a ``--per-issue``-item issue (which now indexes the
issue's text and adds its keys to the items' documents). Prints figures; never passes
or fails.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import generate, search_bench
from bench.search_bench import QUERIES, pct, timed

PERIODICAL = "江阳信息"


INDEXING: list[float] = []  # seconds spent indexing what the issue carried (registry.carrier_indexed), per sign-off


def compose(periodical: Any, editor: Any, chief: Any, entries: list[Any]) -> float:
    """One issue of the entries, signed off; returns the sign-off's seconds (and notes the indexing's)."""
    from xinxi.archive import registry
    from xinxi.publications import services

    issue = services.issue_create(actor=editor, periodical=periodical)
    services.issue_add_entries(actor=editor, issue=issue, entries=entries)
    services.issue_send_for_signoff(actor=editor, issue=issue)
    original, spent = registry.carrier_indexed, [0.0]

    def carrier_indexed(**kwargs: Any) -> None:
        started = time.perf_counter()
        original(**kwargs)
        spent[0] += time.perf_counter() - started

    registry.carrier_indexed = carrier_indexed  # type: ignore[assignment]
    try:
        started = time.perf_counter()
        services.issue_sign_off(actor=chief, issue=issue)
        return time.perf_counter() - started
    finally:
        registry.carrier_indexed = original  # type: ignore[assignment]
        INDEXING.append(spent[0])


def ensure_issues(count: int, per_issue: int) -> tuple[Any, list[float]]:
    from xinxi.accounts.models import Role, User
    from xinxi.items.models import DeskEntry, EntryState
    from xinxi.network.models import Desk, Unit
    from xinxi.publications.models import IssueState, Periodical

    editor = User.objects.get(username="bench_editor")
    desk = Desk.objects.get(unit=editor.unit)
    chief = User.objects.filter(unit=desk.unit, role_grants__role=Role.DESK_CHIEF).first()
    if chief is None:
        sys.exit(f"{desk.name}没有科长：无法签发。")
    periodical, created = Periodical.objects.get_or_create(desk=desk, name=PERIODICAL)
    if created:
        periodical.readers.set(Unit.objects.filter(path__startswith=desk.unit.path))
        reporter = User.objects.get(username="bench_reporter")
        periodical.readers.add(reporter.unit_id)
    have = periodical.issues.filter(state=IssueState.ISSUED).count()
    usable = DeskEntry.objects.filter(
        desk=desk, state__in=[EntryState.NEW, EntryState.READ], major_event=False, classification__lte=chief.clearance
    )
    entries = list(usable.order_by("-received_at")[: max(0, count - have) * per_issue])
    seconds = []
    if entries:
        print(f"编发《{PERIODICAL}》{len(entries) // per_issue} 期，每期 {per_issue} 条……")
    for start in range(0, len(entries) - per_issue + 1, per_issue):
        seconds.append(compose(periodical, editor, chief, entries[start : start + per_issue]))
    return periodical, seconds


def run(user: Any, periodical: Any, repeat: int) -> dict[str, list[float]]:
    from xinxi.archive import search
    from xinxi.archive.search import SearchQuery
    from xinxi.publications import archive_docs

    readable = [p.pk for p in archive_docs.readable_periodicals(user)]
    times: dict[str, list[float]] = {
        "before": [], "page": [], "relevance": [], "readable": [], "block": [], "labels": [], "filter": []
    }
    found: dict[str, str] = {}
    for text, _ in QUERIES:  # warm the caches once
        search.search(user, SearchQuery(text=text))
    for _ in range(repeat):
        for text, _ in QUERIES:
            query = SearchQuery(text=text)
            ms, _ = timed(lambda query=query: search.search(user, query, readable=[]))
            times["before"].append(ms)
            ms, page = timed(lambda query=query: search.search(user, query))
            times["page"].append(ms)
            found[text] = f"{page.count_label}/{page.issue_count_label}"
            ranked = SearchQuery(text=text, order=search.RELEVANCE)
            ms, _ = timed(lambda ranked=ranked: search.search(user, ranked))
            times["relevance"].append(ms)
            ms, _ = timed(lambda: archive_docs.readable_periodicals(user))
            times["readable"].append(ms)
            ms, _ = timed(lambda query=query: archive_docs.search_issues(user, query, readable, query.terms))
            times["block"].append(ms)
            ms, _ = timed(lambda hits=page.hits: archive_docs.attach_issues(user, hits, readable))
            times["labels"].append(ms)
            filtered = SearchQuery(text=text, periodical_id=periodical.pk)
            ms, _ = timed(lambda filtered=filtered: search.search(user, filtered))
            times["filter"].append(ms)
    print("  命中（信息/期）：" + "，".join(f"{t} {c}" for t, c in found.items()))
    return times


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=100_000, help="数据量（信息条数），不足时生成")
    parser.add_argument("--issues", type=int, default=300, help="已印发的期数")
    parser.add_argument("--per-issue", type=int, default=20, help="每期信息条数")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-generate", action="store_true")
    args = parser.parse_args(argv)
    generate.setup_django()
    from django.db import connection

    from xinxi.accounts.models import User
    from xinxi.publications.models import IssueItem

    print(f"数据库：{generate.describe_database()}；{generate.load_note()}")
    search_bench.ensure_data(args.items, not args.no_generate)
    periodical, seconds = ensure_issues(args.issues, args.per_issue)
    if seconds:
        print(
            f"签发一期（{args.per_issue} 条）：p50 {pct(seconds, 0.5):.2f} s，p95 {pct(seconds, 0.95):.2f} s；"
            f"其中检索索引 p50 {pct(INDEXING, 0.5):.3f} s，p95 {pct(INDEXING, 0.95):.3f} s"
        )
    print(f"已印发的期所刊信息 {IssueItem.objects.filter(issue__periodical=periodical).count()} 条")
    for username in ("bench_editor", "bench_reporter"):
        user = User.objects.get(username=username)
        print(f"\n== {username} ==")
        times = run(user, periodical, args.repeat)
        print("  毫秒 p50 / p95：" + "；".join(f"{m} {pct(v, 0.5):.1f} / {pct(v, 0.95):.1f}" for m, v in times.items()))
    print(f"\n{generate.load_note()}")
    connection.close()


if __name__ == "__main__":
    main()
