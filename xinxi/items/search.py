"""The archive's one search interface, over two engines: SQLite FTS5 and PostgreSQL tsvector + GIN.

``search(user, query)`` returns one page of results the user may see, newest first
(or by relevance), with highlighted snippets and a count that is exact up to
``MAX_RESULTS`` and "1000+" beyond.

How a query runs (the same plan on both engines):

1. The query text is cut into terms (``search_index.query_terms``); every term must be
   found. Filters and the user's reader keys (desk/unit × classification up to their
   clearance) become key conditions in the same engine query, so invisible documents
   are never counted or returned.
2. The engine returns the ids of the newest ``MAX_RESULTS + 1`` matches, newest first:
   the count, and every page, come from that one list. FTS5 walks its doclists from
   the highest rowid down. PostgreSQL walks blocks of ids from the newest (2,048 ids,
   then 2,048, 4,096, 8,192…), asking the GIN index for the matches inside
   each step, and stops when it has enough; a plain "ORDER BY id DESC LIMIT n" lets
   the planner walk the whole table backwards for a rare term (seconds at 10⁵).
3. Relevance ranks those newest matches (bm25 on FTS5, ts_rank on PostgreSQL, title
   weighted above body): over every match when there are at most 1,000, otherwise
   within the newest 1,000. Ranking every match of a common term costs seconds at 10⁶
   items (``bench/search_bench.py`` measures both).
4. The page's documents are read in one query; snippets are cut around the first
   match and escaped, with ``<mark>`` around the query's words.

Issued issues (see ``search_index``) take part in three ways, all under the issue's
reading rule (``publications.permissions.visible_issues``: issued, of a periodical the
user reads as its desk's staff or through its reading list, within their clearance):

- the 刊物 filter (a periodical, a year, or both) is one more key condition: documents
  of items carried by such issues, at the user's clearance, so counts stay exact;
- each result lists the issues that carried its item ("刊发于…"), one query per page;
- the 期刊 block: the newest issue documents matching every term (the issue's own text
  of its items and notes), under keys of the periodicals the user reads, then read back
  under the same rule and grouped by issue: one engine query and one read.

``visible_issues`` is evaluated once per page (``readable_periodicals``); the rest keeps
issues of those periodicals at the user's clearance (``may_read_issue``).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from django.db import connection
from django.db.models.expressions import RawSQL
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from xinxi.items import permissions, search_index
from xinxi.items.models import Category, EntryState, SearchDoc, SearchDocKind
from xinxi.items.search_index import ISSUE_FTS, ISSUE_TABLE, KEY_PREFIX
from xinxi.lib.choices import Classification
from xinxi.publications.models import Issue, IssueItem, IssueState, Periodical
from xinxi.publications.permissions import visible_issues

MAX_RESULTS = 1000
PAGE_SIZE = 20
NEWEST = "newest"
RELEVANCE = "relevance"
SNIPPET_CHARS = 120
TITLE_WEIGHT = 5.0  # bm25 column weight of the title against the body
ISSUE_CANDIDATES = 300  # newest matching issue documents read for the 期刊 block
ISSUES_SHOWN = 10
ITEMS_PER_ISSUE = 3  # matching items named under each issue of the block


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
    def terms(self) -> list[str]:
        return search_index.query_terms(self.text)

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
    more: bool = False  # more than MAX_RESULTS matches
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
        return f"{MAX_RESULTS}+" if self.more else str(self.count)

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


def readable_periodicals(user: Any) -> list[Periodical]:
    """Periodicals with an issued issue the user may read (``visible_issues``), in desk order."""
    issued = visible_issues(user).filter(state=IssueState.ISSUED)
    periodicals = Periodical.objects.filter(pk__in=issued.values("periodical_id")).select_related("desk")
    return list(periodicals.order_by("desk__unit__path", "name"))


def _level(user: Any) -> int:
    return min(int(getattr(user, "clearance", 0) or 0), search_index.TOP_CLEARANCE)


def carried_group(user: Any, query: SearchQuery, readable: Sequence[int] | None) -> list[str]:
    """Keys of "carried by an issued issue the user may read", of the periodical and year asked for.

    Reading is granted per periodical (``readable``) and, per issue, by classification:
    the key of each periodical at the user's own clearance says exactly that. A
    periodical the user does not read gives no key, so it finds nothing.
    """
    if readable is None:
        readable = [p.pk for p in readable_periodicals(user)]
    periodicals = [p for p in readable if not query.periodical_id or p == query.periodical_id]
    return [search_index.periodical_key(p, _level(user), query.issue_year) for p in periodicals]


def key_groups(
    user: Any,
    query: SearchQuery,
    period: tuple[dt.datetime, dt.datetime] | None,
    readable: Sequence[int] | None = None,
) -> list[list[str]]:
    """Conditions on keys, each group "any of": the user's reader keys first, then the filters.

    ``readable``: ids of the periodicals the user reads, if the caller has them already.
    """
    groups = [search_index.user_keys(user)]
    if query.carried_filter:
        groups.append(carried_group(user, query, readable))
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


def newest_sql(expression: str, period: tuple[Any, Any] | None, limit: int, rank: bool) -> tuple[str, list[Any]]:
    """The engine query for the newest ``limit`` matches: (sql, params), for this database."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT min(id), max(id) FROM items_searchdoc")
            low, top = cursor.fetchone()
        dated = " AND s.date >= %s AND s.date < %s" if period is not None else ""
        # The lateral subquery runs once per step, newest step first, and the outer LIMIT
        # stops the walk as soon as enough matches are found. "id + 0" keeps the planner
        # on the GIN index instead of walking the primary key backwards.
        sql = (
            "SELECT d.id, 0.0 FROM unnest(%s::text[]) AS b(key) CROSS JOIN LATERAL ("  # noqa: S608 (no input in it)
            " SELECT s.id FROM items_searchdoc s WHERE s.tsv @@ (%s::tsquery && b.key::tsquery)"
            f"{dated} ORDER BY s.id + 0 DESC LIMIT %s) d LIMIT %s"
        )
        return sql, [block_steps(low or 0, top or 0), expression, *(period or ()), limit, limit]
    score = f"bm25(items_search_fts, {TITLE_WEIGHT}, 1.0, 0.0)" if rank else "0.0"
    sql = f"SELECT items_search_fts.rowid, {score} FROM items_search_fts"  # noqa: S608 (constants only)
    params: list[Any] = []
    if period is not None:
        sql += " JOIN items_searchdoc d ON d.id = items_search_fts.rowid AND d.date >= %s AND d.date < %s"
        params += [connection.ops.adapt_datetimefield_value(p) for p in period]
    sql += " WHERE items_search_fts MATCH %s ORDER BY items_search_fts.rowid DESC LIMIT %s"
    return sql, [*params, expression, limit]


def _newest(expression: str, period: tuple[Any, Any] | None, limit: int, rank: bool) -> list[tuple[int, float]]:
    """(id, score) of the newest matches, newest first; the score is bm25's (SQLite, when asked) or 0."""
    sql, params = newest_sql(expression, period, limit, rank)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = [(int(r[0]), -float(r[1])) for r in cursor.fetchall()]
    rows.sort(key=lambda r: -r[0])
    return rows


def _rank_postgresql(ids: list[int], terms: Sequence[str]) -> dict[int, float]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, ts_rank(tsv, %s::tsquery) FROM items_searchdoc WHERE id = ANY(%s)", [tsquery_text(terms), ids]
        )
        return {int(i): float(r) for i, r in cursor.fetchall()}


def matching_ids(
    user: Any, query: SearchQuery, limit: int = MAX_RESULTS + 1, readable: Sequence[int] | None = None
) -> list[int]:
    """Ids of the newest ``limit`` documents the user may see that match, in the page order asked for."""
    groups_period = _period(query)
    groups = key_groups(user, query, groups_period, readable)
    if not all(groups):  # no reader keys (nothing to see), or an empty period
        return []
    terms = query.terms
    rank = query.order == RELEVANCE and bool(terms)
    postgresql = connection.vendor == "postgresql"
    expression = tsquery_expression(terms, groups) if postgresql else fts_expression(terms, groups)
    rows = _newest(expression, groups_period, limit, rank)
    if rank and postgresql and rows:
        scores = _rank_postgresql([r[0] for r in rows], terms)
        rows = [(i, scores.get(i, 0.0)) for i, _ in rows]
    if rank:
        rows.sort(key=lambda r: (-r[1], -r[0]))
    return [r[0] for r in rows]


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
    """One page of results the user may see; nothing at all for a blank query.

    ``readable``: ids of the periodicals the user reads (``readable_periodicals``), if
    the caller has them already (the page's filter does).
    """
    page = SearchPage(query=query, terms=query.terms)
    if query.is_blank:
        return page
    if readable is None:
        readable = [p.pk for p in readable_periodicals(user)]
    ids = matching_ids(user, query, readable=readable)
    page.more = len(ids) > MAX_RESULTS
    page.count = min(len(ids), MAX_RESULTS)
    page.page = min(max(1, query.page), page.pages)
    start = (page.page - 1) * PAGE_SIZE
    needles = _needles(query)
    page.hits = _hits(user, ids[:MAX_RESULTS][start : start + PAGE_SIZE], needles)
    _attach_issues(user, page.hits, readable)
    shows_issues = bool(query.terms) and not query.item_filters and page.page == 1
    if shows_issues and readable:
        page.issues, page.issue_count, page.issue_more = search_issues(user, query, readable, needles)
    return page


# --- issued issues: the issues of each result, and the 期刊 block ---


def may_read_issue(user: Any, readable: Sequence[int]) -> Callable[[int, str, int], bool]:
    """Whether the user may read an issue, from its (periodical id, state, classification).

    Reading an issued issue is granted per periodical (``readable``, taken from
    ``visible_issues``) and, per issue, by classification. Rows are read by id or by
    item and then kept with this test: asked in SQL, SQLite starts from every issue of
    the readable periodicals instead of the few rows wanted, and evaluating
    ``visible_issues`` again would scan every issue joined to its reading list. The
    tests compare every result with ``visible_issues`` itself.
    """
    periodicals, level = set(readable), _level(user)
    return lambda periodical_id, state, classification: (
        periodical_id in periodicals and state == IssueState.ISSUED and classification <= level
    )


def _issue_label(name: str, year: int | None, number: int | None, supplement: bool) -> str:
    return f"《{name}》{Issue(year=year, number=number, supplement=supplement).label}"


def _issue_url(issue_id: int) -> str:
    return reverse("issue_detail", args=[issue_id])


def _attach_issues(user: Any, hits: list[Hit], readable: Sequence[int]) -> None:
    """Each result's issued issues that the user may read (its item, or a combined item made from it): one query."""
    item_ids = {h.item_id for h in hits}
    if not item_ids or not readable:
        return
    may_read = may_read_issue(user, readable)
    rows = search_index.carried_adoptions(
        sorted(item_ids),
        "item_id",
        "entry__item_id",
        "issue_id",
        "issue__periodical__name",
        "issue__year",
        "issue__number",
        "issue__supplement",
        "issue__signed_on",
        "issue__periodical_id",
        "issue__state",
        "issue__classification",
    )
    found: dict[int, dict[int, tuple[Any, IssueLink]]] = {}
    for row in rows:
        credited, carried, issue_id, name, year, number, supplement, signed_on, periodical_id, state, level = row
        if not may_read(periodical_id, state, level):
            continue
        link = IssueLink(issue_id, _issue_label(name, year, number, supplement), _issue_url(issue_id))
        for item_id in {credited, carried} & item_ids:
            found.setdefault(item_id, {})[issue_id] = ((signed_on or dt.date.min, issue_id), link)
    for hit in hits:
        links = sorted(found.get(hit.item_id, {}).values(), key=lambda pair: pair[0], reverse=True)
        hit.issues = [link for _, link in links]


def issue_docs_sql(terms: Sequence[str], group: Sequence[str], limit: int) -> tuple[str, list[Any]]:
    """(sql, params) for the ids of the newest ``limit`` issue documents with every term and a key of the group."""
    if connection.vendor == "postgresql":
        # The planner has lexeme statistics to choose: the GIN index for rare terms, the
        # primary key backwards for common ones (it stops after ``limit`` matches).
        sql = f"SELECT id FROM {ISSUE_TABLE} WHERE tsv @@ %s::tsquery ORDER BY id DESC LIMIT %s"  # noqa: S608
        return sql, [tsquery_expression(terms, [group]), limit]
    sql = f"SELECT rowid FROM {ISSUE_FTS} WHERE {ISSUE_FTS} MATCH %s ORDER BY rowid DESC LIMIT %s"  # noqa: S608
    return sql, [fts_expression(terms, [group]), limit]


_ISSUE_HIT_FIELDS = (
    "pk",
    "issue_id",
    "sort_order",
    "title",
    "body",
    "source_label",
    "editor_note",
    "issue__editor_note",
    "issue__periodical__name",
    "issue__year",
    "issue__number",
    "issue__supplement",
    "issue__signed_on",
    "issue__classification",
    "issue__periodical_id",
    "issue__state",
)


def search_issues(
    user: Any, query: SearchQuery, readable: Sequence[int], needles: list[str]
) -> tuple[list[IssueHit], int, bool]:
    """The 期刊 block: issued issues the user may read whose own text has every term, newest first.

    Returns (the first ``ISSUES_SHOWN`` issues, how many issues were found, whether more
    issue documents matched than were read). The engine is asked under the keys of the
    periodicals the user reads at their clearance, and the rows read are kept under that
    rule (``may_read_issue``): the block never shows, links or counts any other issue,
    and a document of an issue item that is gone is never shown.
    """
    group = carried_group(user, query, readable)
    if not group or not query.terms:
        return [], 0, False
    # The engine's ids and their rows in one query (the ids as a subquery).
    candidates = RawSQL(*issue_docs_sql(query.terms, group, ISSUE_CANDIDATES + 1))  # noqa: S611 (parameters)
    rows = sorted(
        IssueItem.objects.filter(pk__in=candidates).order_by().values(*_ISSUE_HIT_FIELDS),
        key=lambda r: r["pk"],
        reverse=True,
    )
    more = len(rows) > ISSUE_CANDIDATES
    may_read = may_read_issue(user, readable)
    by_issue: dict[int, list[dict[str, Any]]] = {}
    for row in rows[:ISSUE_CANDIDATES]:
        if may_read(row["issue__periodical_id"], row["issue__state"], row["issue__classification"]):
            by_issue.setdefault(row["issue_id"], []).append(row)
    newest = sorted(by_issue.values(), key=lambda r: (r[0]["issue__signed_on"] or dt.date.min, r[0]["issue_id"]))
    pattern = _pattern(needles)
    hits = [_issue_hit(items, pattern) for items in reversed(newest[-ISSUES_SHOWN:])]
    return hits, len(by_issue), more


def _issue_hit(rows: list[dict[str, Any]], pattern: re.Pattern[str] | None) -> IssueHit:
    rows.sort(key=lambda r: (r["sort_order"], r["pk"]))
    first = rows[0]
    texts = [first["body"], first["editor_note"], first["issue__editor_note"]]
    body = next((t for t in texts if pattern is not None and pattern.search(t)), first["body"])  # where it matches
    return IssueHit(
        issue_id=first["issue_id"],
        label=_issue_label(
            first["issue__periodical__name"], first["issue__year"], first["issue__number"], first["issue__supplement"]
        ),
        url=_issue_url(first["issue_id"]),
        date=first["issue__signed_on"],
        classification_label=str(_CLASSIFICATION.get(first["issue__classification"], "")),
        items=[IssueItemHit(highlight(r["title"], pattern), r["source_label"]) for r in rows[:ITEMS_PER_ISSUE]],
        more_items=max(0, len(rows) - ITEMS_PER_ISSUE),
        snippet=snippet(body, pattern),
    )


def _needles(query: SearchQuery) -> list[str]:
    """What to mark in titles and snippets: the query's words as typed, and its terms."""
    words = [w for w in re.split(r"\s+", query.text.strip()) if w]
    return sorted(set(words) | set(query.terms), key=len, reverse=True)


# What a result shows, read in one query as plain values (no model objects: a page costs ~1 ms).
_HIT_FIELDS = {
    "pk": "pk",
    "kind": "kind",
    "date": "date",
    "item_id": "item_id",
    "s_title": "submission__title",
    "s_body": "submission__body",
    "s_round": "submission__round",
    "s_category": "submission__category",
    "s_classification": "submission__classification",
    "s_unit": "item__unit__name",
    "e_id": "entry_id",
    "e_title": "entry__title",
    "e_body": "entry__body",
    "e_state": "entry__state",
    "e_category": "entry__category",
    "e_classification": "entry__classification",
    "e_desk": "entry__desk__name",
    "e_unit": "entry__origin_unit__name",
    "e_unit_id": "entry__item__unit_id",
}
_KIND = dict(SearchDocKind.choices)
_CATEGORY = dict(Category.choices)
_STATE = dict(EntryState.choices)
_CLASSIFICATION = dict(Classification.choices)


def _hits(user: Any, ids: list[int], needles: list[str]) -> list[Hit]:
    if not ids:
        return []
    names = list(_HIT_FIELDS)
    rows = SearchDoc.objects.filter(pk__in=ids).values_list(*_HIT_FIELDS.values())
    by_id = {row[0]: dict(zip(names, row, strict=True)) for row in rows}
    desk, unit_id = permissions.search_readers(user)
    pattern = _pattern(needles)
    return [_hit(by_id[i], pattern, desk, unit_id) for i in ids if i in by_id]


def _hit(row: dict[str, Any], pattern: re.Pattern[str] | None, desk: int | None, unit_id: int | None) -> Hit:
    original = row["kind"] == SearchDocKind.ORIGINAL
    side = "s" if original else "e"
    if original:
        desk_name, state = "", f"第 {row['s_round']} 轮报送"
        url = reverse("item_detail", args=[row["item_id"]])
    else:
        desk_name, state = row["e_desk"], str(_STATE.get(row["e_state"], row["e_state"]))
        if desk is not None:
            url = reverse("desk_entry", args=[row["e_id"]])
        elif unit_id is not None and row["e_unit_id"] == unit_id:
            url = reverse("item_detail", args=[row["item_id"]])
        else:
            url = ""  # a combined item that used this unit's item: shown, not opened here
    return Hit(
        doc_id=row["pk"],
        kind=row["kind"],
        kind_label=str(_KIND[row["kind"]]),
        title=highlight(row[f"{side}_title"], pattern),
        snippet=snippet(row[f"{side}_body"], pattern),
        unit_name=row[f"{side}_unit"],
        desk_name=desk_name,
        date=row["date"],
        state_label=state,
        category_label=str(_CATEGORY.get(row[f"{side}_category"], "")),
        classification_label=str(_CLASSIFICATION.get(row[f"{side}_classification"], "")),
        url=url,
        item_id=row["item_id"],
    )


# --- snippets ---


def _pattern(needles: Sequence[str]) -> re.Pattern[str] | None:
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
