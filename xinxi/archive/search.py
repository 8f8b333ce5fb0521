"""The archive's one search interface, over two engines: SQLite FTS5 and PostgreSQL tsvector + GIN.

``search(user, query)`` returns one page of results the user may see, newest first
(or by relevance), with highlighted snippets and a count of items that is exact up to
``MAX_RESULTS`` and "1000+" beyond. This module imports no domain app: the documents,
their hits and the issues that carried them come through ``registry``.

The query syntax (shown on the page, ``QUERY_HELP``): words separated by spaces must
all be found, anywhere in the text and in any order; a compound word is found through
the words inside it (取消资格 finds "取消其……资格"); text in double quotes ("…" or “…”)
must appear exactly as typed.

How a query runs (the same plan on both engines):

1. The query text is cut into terms (``index.query_terms``); every term must be found.
   Filters and the user's reader keys (desk/unit × classification up to their
   clearance) become key conditions in the same engine query, so invisible documents
   are never counted or returned.
2. The engine returns the newest matches, newest first, with the item of each. A
   quoted phrase keeps the documents whose text has it. One document stands for each
   item (the newest, or the best ranked): the count and every page are in items, so an
   item seen as its original and as a desk's version counts once. The engine is asked
   for ``MAX_RESULTS + 1`` documents, and for more while they hold fewer items than
   that. FTS5 walks its doclists from the highest rowid down. PostgreSQL walks blocks
   of ids from the newest (2,048 ids, then 2,048, 4,096, 8,192…), asking the GIN index
   for the matches inside each step, and stops when it has enough; a plain "ORDER BY
   id DESC LIMIT n" lets the planner walk the whole table backwards for a rare term
   (seconds at 10⁵). When the planner expects few documents to carry the user's keys
   (a reporter's unit), one scan of every match replaces the walk (``DIRECT_BELOW``).
3. Relevance ranks those newest matches (bm25 on FTS5, ts_rank on PostgreSQL, title
   weighted above body): over every match when there are at most 1,000 items, otherwise
   within the newest. Ranking every match of a common term costs seconds at 10⁶ items
   (``bench/search_bench.py`` measures both).
4. The page's documents are read in one query per registered source; snippets are cut
   around the first match and escaped, with ``<mark>`` around the query's words.

A registered ``Carrier`` (issued issues, ``publications.archive_docs``) takes part in
three ways: its filter (刊用刊物 / 年份) is one more key condition, each result lists
what carried its item ("刊发于…"), and the first page shows its block (期刊) of the
issues whose own text matches.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from django.db import connection
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from xinxi.archive import index as search_index
from xinxi.archive import registry
from xinxi.archive.index import KEY_PREFIX
from xinxi.archive.models import SearchDoc
from xinxi.archive.schema import ISSUE_FTS, ISSUE_TABLE

MAX_RESULTS = 1000
PAGE_SIZE = 20
NEWEST = "newest"
RELEVANCE = "relevance"
SNIPPET_CHARS = 120
TITLE_WEIGHT = 5.0  # bm25 column weight of the title against the body
ISSUE_CANDIDATES = 300  # newest matching issue documents read for the 期刊 block
ISSUES_SHOWN = 10
ITEMS_PER_ISSUE = 3  # matching items named under each issue of the block
DOCS_PER_ITEM = 2
FETCH_ROUNDS = 4  # the engine is asked for up to 4⁴ × (MAX_RESULTS + 1) documents to find enough items
# PostgreSQL's newest-first walk (``_newest_postgresql``): the first steps (about a dozen
# buckets of the newest documents) show how densely a query matches; below this many
# expected older matches one scan of the older documents beats walking them block by block.
PROBE_STEPS = 5
SCAN_BELOW = 10_000
# … unless the planner expects fewer documents than this to carry the user's keys and the
# filters': then one scan of every match (a bitmap of the GIN index, which skips along the
# keys' short posting lists) costs less than probing five blocks, each of which intersects
# the same posting lists again (a county reporter's 1,400 documents with three common
# words: 31 ms instead of 213, at 2 × 10⁶ documents). PostgreSQL estimates a key too rare
# for its statistics (a reporter's unit) at about 0.5 % of the documents, 10,200 at
# 2 × 10⁶; the threshold is above that (docs/performance.md, "10⁶ items").
DIRECT_BELOW = 12_000

# The query syntax, shown under the search box (the API documents the same).
QUERY_HELP = (
    "多个词用空格分开，须同时出现，不论位置和先后（如：直报点 取消资格）；"
    "复合词按其中的词检索（“取消资格”也找到“取消其……资格”）；"
    "用双引号括起的须原样连续出现（如：\"取消资格\"）。"
)

_QUOTED = re.compile(r'"([^"]*)"|“([^”]*)”')


def parse_query(text: str) -> tuple[list[str], list[str]]:
    """Words (split on spaces) and phrases (in "…" or “…”); a quote left open counts as a space."""
    phrases: list[str] = []

    def take(match: re.Match[str]) -> str:
        phrase = " ".join(next(g for g in match.groups() if g is not None).split())
        if phrase:
            phrases.append(phrase)
        return " "

    rest = _QUOTED.sub(take, text or "")
    words = rest.replace('"', " ").replace("“", " ").replace("”", " ").split()
    return list(dict.fromkeys(words)), list(dict.fromkeys(phrases))


@dataclass(frozen=True)
class SearchQuery:
    """What the user asked for. ``units`` are origin units, each with its subordinate units."""

    text: str = ""
    units: tuple[int, ...] = ()
    desk_id: int | None = None
    category: str = ""
    tone: str = ""
    kind: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None  # inclusive
    periodical_id: int | None = None  # items carried by issued issues of this periodical (that the user reads)
    issue_year: int | None = None  # … of this year
    order: str = NEWEST
    page: int = 1

    @cached_property
    def parsed(self) -> tuple[list[str], list[str]]:
        """(words, phrases) of the text: words apart, phrases in double quotes."""
        return parse_query(self.text)

    @cached_property
    def phrases(self) -> list[str]:
        """Quoted phrases, normalised: each must appear in the text exactly."""
        return [search_index.normalise_text(p) for p in self.parsed[1]]

    @cached_property
    def terms(self) -> list[str]:
        words, phrases = self.parsed
        return list(dict.fromkeys(t for part in [*words, *phrases] for t in search_index.query_terms(part)))

    @property
    def item_filters(self) -> bool:
        """Filters that only items have (the 期刊 block is not shown with them)."""
        return bool(
            self.units or self.desk_id or self.category or self.tone or self.kind or self.date_from or self.date_to
        )

    @property
    def carried_filter(self) -> bool:
        return bool(self.periodical_id or self.issue_year)

    @property
    def has_filters(self) -> bool:
        return self.item_filters or self.carried_filter

    @property
    def is_blank(self) -> bool:
        return not self.terms and not self.has_filters


@dataclass
class IssueLink:
    """An issued issue that carried a result's item: 《临江信息》2026年第12期."""

    issue_id: int
    label: str
    url: str


@dataclass
class IssueItemHit:
    title: SafeString
    source: str


@dataclass
class IssueHit:
    """An issued issue of the 期刊 block, with the items of it that match."""

    issue_id: int
    label: str
    url: str
    date: dt.date | None
    classification_label: str
    items: list[IssueItemHit]
    more_items: int
    snippet: SafeString


@dataclass
class Hit:
    doc_id: int
    kind: str
    kind_label: str
    title: SafeString
    snippet: SafeString
    unit_name: str
    desk_name: str
    date: dt.datetime
    state_label: str
    category_label: str
    classification_label: str
    url: str
    item_id: int = 0
    issues: list[IssueLink] = field(default_factory=list)  # issued issues (visible to the user) that carried it


@dataclass
class SearchPage:
    query: SearchQuery
    hits: list[Hit] = field(default_factory=list)
    count: int = 0
    more: bool = False  # more than MAX_RESULTS items match (or more than were read)
    page: int = 1
    terms: list[str] = field(default_factory=list)
    issues: list[IssueHit] = field(default_factory=list)  # the 期刊 block (first page, terms and no item filter)
    issue_count: int = 0
    issue_more: bool = False  # more matching issue documents than ISSUE_CANDIDATES were read

    @property
    def issue_count_label(self) -> str:
        return f"{self.issue_count}+" if self.issue_more else str(self.issue_count)

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.count / PAGE_SIZE))

    @property
    def count_label(self) -> str:
        return f"{self.count}+" if self.more else str(self.count)

    @property
    def first_number(self) -> int:
        return (self.page - 1) * PAGE_SIZE + 1

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


# --- the engine query ---


def _period(query: SearchQuery) -> tuple[dt.datetime, dt.datetime] | None:
    """[start, end) in aware datetimes for the query's dates (local days), or None for no period.

    An open end is taken from the oldest or newest document (one indexed lookup), so the
    period can be given to the engine as year and month keys.
    """
    if query.date_from is None and query.date_to is None:
        return None
    dates = SearchDoc.objects.order_by("date").values_list("date", flat=True)
    start_day, end_day = query.date_from, query.date_to
    if start_day is None:
        first = dates.first()
        start_day = timezone.localtime(first).date() if first is not None else end_day
    if end_day is None:
        last = dates.last()
        end_day = timezone.localtime(last).date() if last is not None else start_day
    zone = timezone.get_current_timezone()
    start = dt.datetime.combine(start_day or dt.date.min, dt.time.min, tzinfo=zone)
    end = dt.datetime.combine((end_day or dt.date.min) + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
    return start, max(start, end)


def _period_keys(start: dt.datetime, end: dt.datetime) -> list[str]:
    """Year keys for whole years inside [start, end), month keys for the rest."""
    first = timezone.localtime(start).date().replace(day=1)
    last = timezone.localtime(end - dt.timedelta(microseconds=1)).date()
    keys, year, month = [], first.year, first.month
    while (year, month) <= (last.year, last.month):
        whole_year = month == 1 and (year, 12) <= (last.year, last.month)
        if whole_year:
            keys.append(search_index.year_key(year))
            year += 1
            continue
        keys.append(search_index.month_key(year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return keys


def readable_ids(user: Any, readable: Sequence[int] | None = None) -> list[int]:
    """Ids of the periodicals the user reads (the carrier's), unless the caller has them already."""
    if readable is not None:
        return list(readable)
    carrier = registry.carrier()
    return [pk for pk, _label in carrier.readable(user)] if carrier else []


def key_groups(
    user: Any,
    query: SearchQuery,
    period: tuple[dt.datetime, dt.datetime] | None,
    readable: Sequence[int] | None = None,
) -> list[list[str]]:
    """Conditions on keys, each group "any of": the user's reader keys first, then the filters.

    ``readable``: ids of the periodicals the user reads, if the caller has them already.
    """
    groups = [registry.user_keys(user)]
    if query.carried_filter:
        carrier = registry.carrier()
        groups.append(carrier.key_group(user, query, readable_ids(user, readable)) if carrier else [])
    if query.units:
        groups.append([search_index.unit_key(u) for u in query.units])
    if query.desk_id:
        groups.append([search_index.desk_key(query.desk_id)])
    if query.category:
        groups.append([search_index.category_key(query.category)])
    if query.tone:
        groups.append([search_index.tone_key(query.tone)])
    if query.kind:
        groups.append([search_index.kind_key(query.kind)])
    if period is not None:
        groups.append(_period_keys(*period))
    return groups


def _fts_quote(value: str) -> str:
    return '"' + value.replace('"', '""') + '"'


def fts_expression(terms: Sequence[str], groups: Sequence[Sequence[str]]) -> str:
    """An FTS5 MATCH expression: every term in title or body, and one key of each group."""
    parts = []
    if terms:
        parts.append("{title body} : (" + " AND ".join(_fts_quote(t) for t in terms) + ")")
    parts += ["keys : (" + " OR ".join(_fts_quote(k) for k in group) + ")" for group in groups]
    return " AND ".join(parts)


def _ts_quote(value: str) -> str:
    return "'" + value.replace("\\", "\\\\").replace("'", "''") + "'"


def tsquery_text(terms: Sequence[str]) -> str:
    return " & ".join(_ts_quote(t) for t in terms)


def tsquery_expression(terms: Sequence[str], groups: Sequence[Sequence[str]]) -> str:
    parts = [_ts_quote(t) for t in terms]
    parts += ["(" + " | ".join(_ts_quote(KEY_PREFIX + k) for k in group) + ")" for group in groups]
    return " & ".join(parts)


def block_steps(low_id: int, top_id: int) -> list[str]:
    """The blocks to ask for, newest first, each one key: 1, 1, 2, 4, 8… buckets as alignment allows.

    A common term fills a page from the first bucket; a rare one is found in about
    2·log₂(buckets) small index scans. One key per step lets GIN skip along the
    shortest posting list instead of merging one list per bucket.
    """
    steps: list[str] = []
    high, low, want = top_id // search_index.BUCKET + 1, low_id // search_index.BUCKET, 0
    while high > low:  # blocks may reach below the oldest id: they hold nothing there
        level = min(want, (high & -high).bit_length() - 1, search_index.BLOCK_LEVELS - 1)
        steps.append(_ts_quote(KEY_PREFIX + search_index.block_key(level, (high >> level) - 1)))
        high -= 1 << level
        want += len(steps) > 1
    return steps


def newest_sql(
    expression: str, period: tuple[Any, Any] | None, limit: int, rank: bool, steps: Sequence[str] | None = None
) -> tuple[str, list[Any]]:
    """The engine query for the newest ``limit`` matches: (sql, params), for this database.

    PostgreSQL: the walk over ``steps`` (default: every block from the newest id down).
    """
    if connection.vendor == "postgresql":
        if steps is None:
            low, top = _id_range()
            steps = block_steps(low, top)
        dated = " AND s.date >= %s AND s.date < %s" if period is not None else ""
        # The lateral subquery runs once per step, newest step first, and the outer LIMIT
        # stops the walk as soon as enough matches are found. "id + 0" keeps the planner
        # on the GIN index instead of walking the primary key backwards.
        sql = (
            "SELECT d.id, 0.0 FROM unnest(%s::text[]) AS b(key) CROSS JOIN LATERAL ("  # noqa: S608 (no input in it)
            " SELECT s.id FROM items_searchdoc s WHERE s.tsv @@ (%s::tsquery && b.key::tsquery)"
            f"{dated} ORDER BY s.id + 0 DESC LIMIT %s) d LIMIT %s"
        )
        return sql, [list(steps), expression, *(period or ()), limit, limit]
    score = f"bm25(items_search_fts, {TITLE_WEIGHT}, 1.0, 0.0)" if rank else "0.0"
    sql = f"SELECT items_search_fts.rowid, {score} FROM items_search_fts"  # noqa: S608 (constants only)
    params: list[Any] = []
    if period is not None:
        sql += " JOIN items_searchdoc d ON d.id = items_search_fts.rowid AND d.date >= %s AND d.date < %s"
        params += [connection.ops.adapt_datetimefield_value(p) for p in period]
    sql += " WHERE items_search_fts MATCH %s ORDER BY items_search_fts.rowid DESC LIMIT %s"
    return sql, [*params, expression, limit]


def _id_range() -> tuple[int, int]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT min(id), max(id) FROM items_searchdoc")
        low, top = cursor.fetchone()
    return low or 0, top or 0


def step_start(step: str) -> int:
    """The lowest id of a step's block (a quoted key of ``block_steps``)."""
    level, number = step.strip("'").removeprefix(KEY_PREFIX).removeprefix("b").split("x")
    return (int(number) << int(level)) * search_index.BUCKET


def _fetch(sql: str, params: list[Any]) -> list[tuple[int, float]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [(int(r[0]), -float(r[1])) for r in cursor.fetchall()]


def _newest(
    expression: str, period: tuple[Any, Any] | None, limit: int, rank: bool, direct: bool = False
) -> list[tuple[int, float]]:
    """(id, score) of the newest matches, newest first; the score is bm25's (SQLite, when asked) or 0.

    ``direct`` (PostgreSQL, from ``_few_matches``): one scan of every match instead of the walk.
    """
    if connection.vendor == "postgresql":
        rows = _newest_postgresql(expression, period, limit, direct)
    else:
        rows = _fetch(*newest_sql(expression, period, limit, rank))
    rows.sort(key=lambda r: -r[0])
    return rows


def _every_match_sql(period: tuple[Any, Any] | None) -> str:
    dated = " AND s.date >= %s AND s.date < %s" if period is not None else ""
    return f"SELECT s.id, 0.0 FROM items_searchdoc s WHERE s.tsv @@ %s::tsquery{dated}"  # noqa: S608 (no input)


def _few_matches(expression: str, period: tuple[Any, Any] | None) -> bool:
    """Whether the planner expects fewer than ``DIRECT_BELOW`` documents to match
    ``expression`` (PostgreSQL; no scan: the estimate comes from the index's statistics)."""
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (FORMAT JSON) " + _every_match_sql(period), [expression, *(period or ())])
        plan = cursor.fetchone()[0]
    return float(plan[0]["Plan"]["Plan Rows"]) < DIRECT_BELOW


def _newest_postgresql(
    expression: str, period: tuple[Any, Any] | None, limit: int, direct: bool = False
) -> list[tuple[int, float]]:
    """Newest first: with ``direct``, one scan of every match, newest first. Otherwise the
    walk in two parts: the newest blocks first (``PROBE_STEPS``), which show how
    densely the query matches; then, if more are needed, either the rest of the walk (a
    dense query fills the page within a few more blocks) or, when the older documents
    should hold fewer than ``SCAN_BELOW`` matches, one scan of all of them (a rare query
    costs one GIN scan instead of a dozen small ones)."""
    every = _every_match_sql(period)
    if direct:
        return _fetch(every + " ORDER BY s.id + 0 DESC LIMIT %s", [expression, *(period or ()), limit])
    low, top = _id_range()
    steps = block_steps(low, top)
    probe, rest = steps[:PROBE_STEPS], steps[PROBE_STEPS:]
    rows = _fetch(*newest_sql(expression, period, limit, False, probe))
    if len(rows) >= limit or not rest:
        return rows[:limit]
    boundary = step_start(probe[-1])  # every id from here up has been asked
    expected = len(rows) * (boundary - low) / max(1, top + 1 - boundary)
    wanted = limit - len(rows)
    if expected >= SCAN_BELOW:
        return rows + _fetch(*newest_sql(expression, period, wanted, False, rest))
    older = every + " AND s.id < %s ORDER BY s.id + 0 DESC LIMIT %s"
    return rows + _fetch(older, [expression, *(period or ()), boundary, wanted])


def _rank_postgresql(ids: list[int], terms: Sequence[str]) -> dict[int, float]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, ts_rank(tsv, %s::tsquery) FROM items_searchdoc WHERE id = ANY(%s)", [tsquery_text(terms), ids]
        )
        return {int(i): float(r) for i, r in cursor.fetchall()}


@dataclass
class Matches:
    """The matching items, one document each, in the page order asked for."""

    ids: list[int] = field(default_factory=list)  # the document standing for each item
    kinds: dict[int, str] = field(default_factory=dict)  # document id -> kind
    truncated: bool = False  # the engine had more documents than were read: there may be more items


def _documents(ids: Sequence[int]) -> dict[int, tuple[int, str]]:
    """Document id -> (item id, kind), read by primary key in chunks."""
    found: dict[int, tuple[int, str]] = {}
    if connection.vendor == "postgresql" and ids:
        # One array parameter: a thousand "IN" placeholders cost ≈ 5 ms to bind on the client.
        with connection.cursor() as cursor:
            cursor.execute("SELECT id, item_id, kind FROM items_searchdoc WHERE id = ANY(%s)", [list(ids)])
            return {pk: (item_id, kind) for pk, item_id, kind in cursor.fetchall()}
    for chunk in itertools.batched(ids, 5000):
        rows = SearchDoc.objects.filter(pk__in=chunk).values_list("pk", "item_id", "kind")
        found.update({pk: (item_id, kind) for pk, item_id, kind in rows})
    return found


def _with_phrases(rows: list[tuple[int, float]], docs: dict[int, tuple[int, str]], phrases: Sequence[str]) -> list[
    tuple[int, float]
]:
    """The rows whose document's text has every phrase exactly (normalised like the index)."""
    texts = registry.texts([i for i, _ in rows], {i: kind for i, (_item, kind) in docs.items()})
    kept = {i for i, text in texts.items() if all(p in search_index.normalise_text(text) for p in phrases)}
    return [row for row in rows if row[0] in kept]


def _one_per_item(rows: list[tuple[int, float]], docs: dict[int, tuple[int, str]]) -> list[int]:
    """The first document of each item, in the rows' order."""
    seen: set[int] = set()
    ids = []
    for doc_id, _score in rows:
        item_id = docs[doc_id][0]
        if item_id not in seen:
            seen.add(item_id)
            ids.append(doc_id)
    return ids


def matches(
    user: Any,
    query: SearchQuery,
    limit: int = MAX_RESULTS + 1,
    readable: Sequence[int] | None = None,
    per_item: bool = True,
) -> Matches:
    """The newest ``limit`` items the user may see that match (one document each), in the page order asked for.

    An item has a document per round and per desk version; the engine is asked for
    ``limit`` documents, then four times as many while they hold fewer than ``limit``
    items (at most ``FETCH_ROUNDS`` times more). Each item keeps its first document in
    the order asked for: the newest, or the best ranked. ``per_item=False``: every
    matching document (what visibility is tested on).
    """
    period = _period(query)
    groups = key_groups(user, query, period, readable)
    if not all(groups):  # no reader keys (nothing to see), or an empty period
        return Matches()
    terms = query.terms
    rank = query.order == RELEVANCE and bool(terms)
    postgresql = connection.vendor == "postgresql"
    expression = tsquery_expression(terms, groups) if postgresql else fts_expression(terms, groups)
    # A scan of every match (few expected) costs about the same for more documents; an
    # item has about two (its round, and the desk's version), so ask for that many at once.
    # Judged by the keys alone: the planner's estimate of words is unreliable (a word too
    # rare for its statistics, or several words that go together, are estimated far too low).
    direct = postgresql and bool(groups) and _few_matches(tsquery_expression([], groups), period)
    fetch, rounds = (limit * DOCS_PER_ITEM if direct else limit), 0
    while True:
        rows = _newest(expression, period, fetch, rank, direct)
        complete = len(rows) < fetch
        docs = _documents([r[0] for r in rows])
        rows = [row for row in rows if row[0] in docs]
        if query.phrases:
            rows = _with_phrases(rows, docs, query.phrases)
        if rank and postgresql and rows:
            scores = _rank_postgresql([r[0] for r in rows], terms)
            rows = [(i, scores.get(i, 0.0)) for i, _ in rows]
        if rank:
            rows.sort(key=lambda r: (-r[1], -r[0]))
        ids = _one_per_item(rows, docs) if per_item else [i for i, _ in rows]
        if complete or len(ids) >= limit or rounds == FETCH_ROUNDS:
            break
        fetch, rounds = fetch * 4, rounds + 1
    ids = ids[:limit]
    return Matches(ids, {i: docs[i][1] for i in ids}, truncated=not complete and len(ids) < limit)


def matching_ids(
    user: Any, query: SearchQuery, limit: int = MAX_RESULTS + 1, readable: Sequence[int] | None = None
) -> list[int]:
    """Ids of the newest ``limit`` matching documents the user may see (every one, not one per item), in page order."""
    return matches(user, query, limit, readable, per_item=False).ids


def engine_ranked_ids(user: Any, query: SearchQuery, limit: int = PAGE_SIZE) -> list[int]:
    """The plain engine query, ranked over every match (bm25 / ts_rank): the benchmark's baseline."""
    groups = key_groups(user, query, None)
    terms = query.terms
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT id FROM items_searchdoc WHERE tsv @@ %s::tsquery ORDER BY ts_rank(tsv, %s::tsquery) DESC "
                "LIMIT %s",
                [tsquery_expression(terms, groups), tsquery_text(terms), limit],
            )
        else:
            cursor.execute(
                "SELECT rowid FROM items_search_fts WHERE items_search_fts MATCH %s "  # noqa: S608 (constants)
                f"ORDER BY bm25(items_search_fts, {TITLE_WEIGHT}, 1.0, 0.0) LIMIT %s",
                [fts_expression(terms, groups), limit],
            )
        return [int(r[0]) for r in cursor.fetchall()]


# --- the page ---


def search(user: Any, query: SearchQuery, readable: Sequence[int] | None = None) -> SearchPage:
    """One page of results the user may see, in items; nothing at all for a blank query.

    ``readable``: ids of the periodicals the user reads (the carrier's ``readable``), if
    the caller has them already (the page's filter does).
    """
    page = SearchPage(query=query, terms=query.terms)
    if query.is_blank:
        return page
    readable = readable_ids(user, readable)
    found = matches(user, query, MAX_RESULTS + 1, readable)
    page.more = len(found.ids) > MAX_RESULTS or found.truncated
    page.count = min(len(found.ids), MAX_RESULTS)
    page.page = min(max(1, query.page), page.pages)
    start = (page.page - 1) * PAGE_SIZE
    needles = _needles(query)
    pattern = pattern_of(needles)
    shown = found.ids[:MAX_RESULTS][start : start + PAGE_SIZE]
    page.hits = registry.hits(user, shown, found.kinds, pattern)
    carrier = registry.carrier()
    if carrier is not None and readable:
        carrier.attach(user, page.hits, readable)
        if query.terms and not query.item_filters and page.page == 1:
            page.issues, page.issue_count, page.issue_more = carrier.block(user, query, readable, needles)
    return page


# --- the carrier's own index (issued issues): the 期刊 block ---


def issue_docs_sql(terms: Sequence[str], group: Sequence[str], limit: int) -> tuple[str, list[Any]]:
    """(sql, params) for the ids of the newest ``limit`` issue documents with every term and a key of the group."""
    if connection.vendor == "postgresql":
        # The planner has lexeme statistics to choose: the GIN index for rare terms, the
        # primary key backwards for common ones (it stops after ``limit`` matches).
        sql = f"SELECT id FROM {ISSUE_TABLE} WHERE tsv @@ %s::tsquery ORDER BY id DESC LIMIT %s"  # noqa: S608
        return sql, [tsquery_expression(terms, [group]), limit]
    sql = f"SELECT rowid FROM {ISSUE_FTS} WHERE {ISSUE_FTS} MATCH %s ORDER BY rowid DESC LIMIT %s"  # noqa: S608
    return sql, [fts_expression(terms, [group]), limit]


def _needles(query: SearchQuery) -> list[str]:
    """What to mark in titles and snippets: the query's words and phrases as typed, and its terms."""
    words, phrases = query.parsed
    return sorted(set(words) | set(phrases) | set(query.terms), key=len, reverse=True)


# --- snippets ---


def pattern_of(needles: Sequence[str]) -> re.Pattern[str] | None:
    needles = [n for n in needles if n]
    if not needles:
        return None
    return re.compile("|".join(re.escape(n) for n in sorted(needles, key=len, reverse=True)), re.IGNORECASE)


def highlight(text: str, pattern: re.Pattern[str] | None) -> SafeString:
    """The text escaped, with <mark> around each match of the pattern."""
    if pattern is None:
        return mark_safe(escape(text))  # noqa: S308 (escaped)
    out: list[str] = []
    last = 0
    for match in pattern.finditer(text):
        out.append(escape(text[last : match.start()]))
        out.append(f"<mark>{escape(match.group(0))}</mark>")
        last = match.end()
    out.append(escape(text[last:]))
    return mark_safe("".join(out))  # noqa: S308 (every piece escaped)


def snippet(body: str, pattern: re.Pattern[str] | None, width: int = SNIPPET_CHARS) -> SafeString:
    """About ``width`` characters of the body around its first match, highlighted."""
    text = " ".join(body.split())
    match = pattern.search(text) if pattern is not None else None
    start = max(0, match.start() - width // 4) if match is not None else 0
    end = min(len(text), start + width)
    start = max(0, min(start, end - width))
    piece = highlight(text[start:end], pattern)
    return mark_safe(("…" if start > 0 else "") + piece + ("…" if end < len(text) else ""))  # noqa: S308
