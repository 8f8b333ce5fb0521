"""The archive's search index (资料信息库): segmentation, keys, and keeping it in step with items.

Every round a unit submits (the sender's original) and every desk entry's current text
is one ``SearchDoc`` row. The services call ``index_submission`` / ``index_entry``
inside their own transaction, so the index changes exactly when the item does; drafts
are never indexed. ``manage.py reindex`` rebuilds everything (``rebuild``).

Segmentation (jieba's dictionary and its best path, without the HMM) gives each
document these terms:

- the words of the best path (single function characters such as 的、了、在 left out);
- every dictionary word inside the sentence unless it is split between two other words
  that both reach outside it: 司法 inside 司法公正, 国办 in 报国|办, 县区 in 本县|区 are
  terms, 民生 in 人民|生活 and 开发 in 公开|发表 are not (substring false positives);
- character pairs where a single character meets a neighbour (直报 in 信息|直|报|点),
  so a term missing from the dictionary is still found;
- letters and figures (126, 3.5, 5g).

``query_terms`` cuts a query the same way, so a two-character term is one term on both
sides. ``tests/test_search.py`` and ``bench/search_bench.py`` measure recall against
substring search.

Each document also carries keys: who may read it (the desks and units of
``permissions.*_readers``, each with every clearance level that may read it) and what
it may be filtered on (unit and its ancestors, desk, category, tone, kind, year and
month). A search asks for the user's own reader key inside the engine query, so
visibility applies to results and counts alike, and nothing is filtered afterwards.
Keys depend only on things that do not change once an entry exists (its desk, the
chain it was forwarded along, the units of a combined item's sources, its
classification), and on the issued issues that carried the item, which only grow; a
unit moved in the tree keeps old ancestor keys until ``reindex``.

Issued issues (刊物的期) are searchable too. When an issue is signed off, the sign-off
records an adoption per entry (``desk_services.adoption_record`` with ``issue``) and
calls ``index_issue_entry``: every document of the items the entry stands for gets the
issue's keys ("carried in an issue of periodical P, of year Y, readable at clearance
L", for the periodical filter), and the issue's own text of the entry (its title,
body, source, 编者按 and the issue's 编者按) becomes one document of a second index,
searched for the archive's 期刊 block under the issue's reading rule
(``publications.permissions.visible_issues``), never the entry's.

Storage: SQLite keeps the terms in an FTS5 table (rowid = ``SearchDoc.id``, removed by
a trigger when the row goes); PostgreSQL keeps a ``tsvector`` column (title terms
weighted A, keys prefixed with ``~``) with a GIN index, plus block keys (``block_keys``)
that let ``search`` walk the newest documents first. ``pg_trgm`` is not used: its
index cannot serve two-character patterns, and titles, receipt numbers and names are
found through the same terms.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import jieba
from django.db import connection, connections, transaction
from django.db.models import QuerySet
from django.utils import timezone

from xinxi.items import permissions
from xinxi.items.models import Adoption, DeskEntry, EntrySource, Item, SearchDoc, SearchDocKind, Submission
from xinxi.lib.choices import Classification
from xinxi.publications.models import IssueItem, IssueState

DOC_TABLE = SearchDoc._meta.db_table
ISSUE_FTS = "items_issue_fts"  # SQLite: the issue index (rowid = issue item id)
ISSUE_TABLE = "items_issuesearch"  # PostgreSQL: the issue index (id = issue item id, tsv)
ISSUE_ITEM_TABLE = "publications_issueitem"
BUCKET = 2048  # ids per smallest block (PostgreSQL): the newest-first walk starts with one block
BLOCK_LEVELS = 14  # blocks of 1, 2, 4 … 8192 buckets: up to 16.7 million documents in one block
KEY_PREFIX = "~"  # PostgreSQL: keys share the tsvector with terms; no term contains "~"

# Single characters that carry no meaning of their own: not indexed alone, and never
# the only link between a term and the text (向 in 向|上级 does not make 向上 a term).
FUNCTION_CHARS = frozenset("的地得了着过和与及或并而在是对把被从向为以于将也都就又还之其等这那有要个")

_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_RUN = re.compile(rf"([{_HAN}]+)|([a-z0-9]+(?:\.[0-9]+)*)")


# --- segmentation ---


@lru_cache(maxsize=1)
def _dictionary() -> Any:
    jieba.setLogLevel(60)
    jieba.dt.check_initialized()
    return jieba.dt


_LOG_PROB: dict[str, float] = {}  # word -> log probability, filled as words are met (bounded by the dictionary)


def _log_prob(word: str) -> float:
    value = _LOG_PROB.get(word)
    if value is None:
        tokenizer = _dictionary()
        value = _LOG_PROB[word] = math.log(tokenizer.FREQ.get(word) or 1) - math.log(tokenizer.total)
    return value


def _best_path(run: str) -> tuple[list[tuple[int, int]], dict[int, list[int]]]:
    """jieba's maximum-probability segmentation without HMM: [(start, end)], and the DAG."""
    dag: dict[int, list[int]] = _dictionary().get_DAG(run)
    log_prob = _LOG_PROB.get
    n = len(run)
    score = [0.0] * (n + 1)
    step = [0] * n
    for i in range(n - 1, -1, -1):
        best, best_end = -1e300, i + 1
        for j in dag[i]:
            word = run[i : j + 1]
            value = (log_prob(word) or _log_prob(word)) + score[j + 1]
            if value >= best:  # ties go to the longer word, as in jieba
                best, best_end = value, j + 1
        score[i], step[i] = best, best_end
    path, i = [], 0
    while i < n:
        path.append((i, step[i]))
        i = step[i]
    return path, dag


def _pair_terms(run: str, path: list[tuple[int, int]]) -> Iterator[str]:
    """Two characters across a boundary where at least one side is a lone (meaningful) character."""
    for (a0, a1), (b0, b1) in itertools.pairwise(path):
        left_single, right_single = a1 - a0 == 1, b1 - b0 == 1
        if not (left_single or right_single):
            continue
        if (left_single and run[a0] in FUNCTION_CHARS) or (right_single and run[b0] in FUNCTION_CHARS):
            continue
        yield run[a1 - 1] + run[b0]


def _run_terms(run: str) -> list[str]:
    path, dag = _best_path(run)
    terms = [run[a:b] for a, b in path if b - a > 1 or run[a] not in FUNCTION_CHARS]
    if len(run) < 2:
        return terms
    token_at = [0] * len(run)
    for k, (a, b) in enumerate(path):
        for i in range(a, b):
            token_at[i] = k
    for i, ends in dag.items():
        for j in ends:
            if j == i:
                continue
            first, last = token_at[i], token_at[j]
            if first == last:  # inside one word (司法 in 司法公正) or the word itself
                if path[first] != (i, j + 1):
                    terms.append(run[i : j + 1])
                continue
            cut_left, cut_right = path[first][0] < i, path[last][1] > j + 1
            if cut_left and cut_right:  # 民生 in 人民|生活
                continue
            whole = path[first + cut_left : last + 1 - cut_right]
            if all(b - a == 1 and run[a] in FUNCTION_CHARS for a, b in whole):
                continue  # only a function character links it to the text
            terms.append(run[i : j + 1])
    terms.extend(_pair_terms(run, path))
    return terms


def _normalise(text: str) -> str:
    return unicodedata.normalize("NFKC", text or "").lower()


@lru_cache(maxsize=512)
def text_terms(text: str) -> tuple[str, ...]:
    """The distinct index terms of a text, in order of first appearance."""
    terms: list[str] = []
    for match in _RUN.finditer(_normalise(text)):
        if match.group(1):
            terms.extend(_run_terms(match.group(1)))
        else:
            terms.append(match.group(2))
    return tuple(dict.fromkeys(terms))


def query_terms(text: str) -> list[str]:
    """The terms a query asks for (all of them must be found), cut the way documents are."""
    terms: list[str] = []
    for phrase in _normalise(text).split():
        for match in _RUN.finditer(phrase):
            if match.group(2):
                terms.append(match.group(2))
                continue
            run = match.group(1)
            path, _ = _best_path(run)
            words = [run[a:b] for a, b in path if b - a > 1]
            words += list(_pair_terms(run, path))
            if not words:  # single characters only: each one (a function character only if alone)
                singles = [run[a] for a, _b in path if run[a] not in FUNCTION_CHARS]
                words = singles or [run[a] for a, _b in path]
            terms.extend(words)
    return list(dict.fromkeys(terms))


def word_occurrence(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` (Chinese, normalised) stands as a word: what recall is measured against.

    Cut by ``jieba.cut`` (no HMM), an occurrence is not a word when it lies inside a
    longer word without being a dictionary word itself (公厅 in 办公厅), when it is split
    between two words that both reach outside it (民生 in 人民|生活), or when only a
    function character links it to the text (向上 in 向|上级). Every other occurrence
    must be found by searching for it.
    """
    run = next((m for m in _RUN.finditer(text) if m.group(1) and m.start() <= start and end <= m.end()), None)
    if run is None:
        return False
    spans, at = [], run.start()
    for word in jieba.cut(run.group(1), HMM=False):
        spans.append((at, at + len(word)))
        at += len(word)
    first = next(k for k, (a, b) in enumerate(spans) if a <= start < b)
    last = next(k for k, (a, b) in enumerate(spans) if a < end <= b)
    if first == last:
        return spans[first] == (start, end) or bool(_dictionary().FREQ.get(text[start:end]))
    cut_left, cut_right = spans[first][0] < start, spans[last][1] > end
    if cut_left and cut_right:
        return False
    whole = spans[first + cut_left : last + 1 - cut_right]
    return not all(b - a == 1 and text[a] in FUNCTION_CHARS for a, b in whole)


# --- keys ---


TOP_CLEARANCE = max(Classification.values)


def reader_keys(desks: Iterable[int], units: Iterable[int], classification: int) -> list[str]:
    """Keys of a document's readers: "desk/unit d, cleared for level L", for every L it needs or more.

    A user holds one key per desk or unit (at their own clearance), so the engine finds
    their documents through a single key: GIN and FTS5 skip along one posting list
    instead of merging one per classification level.
    """
    levels = range(classification, TOP_CLEARANCE + 1)
    return [f"d{d}c{level}" for d in sorted(desks) for level in levels] + [
        f"u{u}c{level}" for u in sorted(units) for level in levels
    ]


def user_keys(user: Any) -> list[str]:
    """The reader keys a user holds: their desk and their unit, at their clearance (none: sees nothing)."""
    desk, unit = permissions.search_readers(user)
    level = min(int(getattr(user, "clearance", 0) or 0), TOP_CLEARANCE)
    return [f"d{desk}c{level}" for _ in [desk] if desk] + [f"u{unit}c{level}" for _ in [unit] if unit]


def unit_key(unit_id: int) -> str:
    return f"o{unit_id}"


def desk_key(desk_id: int) -> str:
    return f"w{desk_id}"


def category_key(value: str) -> str:
    return f"g{value}"


def tone_key(value: str) -> str:
    return f"t{value}"


def kind_key(value: str) -> str:
    return f"k{value}"


def year_key(year: int) -> str:
    return f"y{year}"


def month_key(year: int, month: int) -> str:
    return f"m{year}{month:02d}"


def periodical_key(periodical_id: int, level: int, year: int | None = None) -> str:
    """The key "carried in an issued issue of the periodical (of that year) readable at clearance ``level``"."""
    return f"p{periodical_id}y{year}c{level}" if year else f"p{periodical_id}c{level}"


def issue_keys(periodical_id: int, year: int | None, classification: int) -> list[str]:
    """The keys an issued issue gives: its periodical, and its periodical and year, at every level cleared for it.

    Who may read an issued issue is decided per periodical (its desk's staff and the
    units on its reading list) and, per issue, only by classification; so a reader asks
    for the periodicals they may read at their own clearance, one key each.
    """
    levels = range(classification, TOP_CLEARANCE + 1)
    keys = [periodical_key(periodical_id, level) for level in levels]
    if year:
        keys += [periodical_key(periodical_id, level, year) for level in levels]
    return keys


def carried_adoptions(item_ids: Sequence[int], *fields: str) -> QuerySet[Adoption, Any]:
    """``fields`` of the adoptions by an issue of the items: crediting them, or of an entry carrying them.

    (A combined item credits its sources; its own documents are found through its entry.)
    Two queries joined by UNION, each starting from an index on the items: with an OR
    between them PostgreSQL reads every adoption, and a condition on the issue (its
    state) invites it to start from the issues. Callers check the issue's state.
    """
    base = Adoption.objects.filter(issue__isnull=False).order_by().values_list(*fields)
    return base.filter(item_id__in=item_ids).union(base.filter(entry__item_id__in=item_ids)).order_by()


def carried_keys(item_ids: Iterable[int]) -> dict[int, list[str]]:
    """For each item, the keys of the issued issues that carried it (itself, or a combined item made from it)."""
    ids = list(set(item_ids))
    found: dict[int, set[str]] = {}
    if not ids:
        return {}
    fields = ("item_id", "entry__item_id", "issue__periodical_id", "issue__year", "issue__classification")
    for credited, carried, periodical, year, classification, state in carried_adoptions(ids, *fields, "issue__state"):
        if state != IssueState.ISSUED:  # adoptions are recorded by the sign-off: never the case today
            continue
        keys = issue_keys(periodical, year, classification)
        for item_id in {credited, carried} & set(ids):
            found.setdefault(item_id, set()).update(keys)
    return {item_id: sorted(keys) for item_id, keys in found.items()}


def block_key(level: int, number: int) -> str:
    """The key of block ``number`` of ``2**level`` buckets (ids ``number * 2**level * BUCKET`` onwards)."""
    return f"b{level}x{number}"


def block_keys(doc_id: int) -> list[str]:
    """The blocks a document's id falls in, one per size: what the PostgreSQL walk asks for."""
    bucket = doc_id // BUCKET
    return [block_key(level, bucket >> level) for level in range(BLOCK_LEVELS)]


def _unit_path_ids(path: str) -> list[int]:
    return [int(p) for p in path.strip("/").split("/") if p]


@dataclass
class Doc:
    """What one SearchDoc row holds, before it is written."""

    kind: str
    source_id: int
    item_id: int
    date: dt.datetime
    title: str
    body: str
    keys: list[str]
    title_terms: Sequence[str] = ()
    body_terms: Sequence[str] = ()

    def segment(self) -> None:
        self.title_terms, self.body_terms = text_terms(self.title), text_terms(self.body)


def _filter_keys(
    kind: str, date: dt.datetime, unit_path: str, desk_id: int | None, category: str, tone: str
) -> list[str]:
    local = timezone.localtime(date)
    keys = [unit_key(u) for u in _unit_path_ids(unit_path)]
    if desk_id is not None:
        keys.append(desk_key(desk_id))
    keys += [category_key(category), tone_key(tone), kind_key(kind), year_key(local.year)]
    keys.append(month_key(local.year, local.month))
    return keys


def _submission_doc(submission: Submission, item: Item, unit_path: str, carried: Sequence[str] = ()) -> Doc:
    desks, units = permissions.original_readers(item)
    keys = reader_keys(desks, units, item.classification)
    keys += _filter_keys(
        SearchDocKind.ORIGINAL, submission.submitted_at, unit_path, None, submission.category, submission.tone
    )
    keys += carried
    return Doc(
        SearchDocKind.ORIGINAL, submission.pk, item.pk, submission.submitted_at, submission.title, submission.body, keys
    )


def _entry_doc(
    entry: DeskEntry, unit_path: str, readers: tuple[set[int], set[int]], carried: Sequence[str] = ()
) -> Doc:
    keys = reader_keys(*readers, entry.classification)
    keys += _filter_keys(SearchDocKind.ENTRY, entry.received_at, unit_path, entry.desk_id, entry.category, entry.tone)
    keys += carried
    return Doc(SearchDocKind.ENTRY, entry.pk, entry.item_id, entry.received_at, entry.title, entry.body, keys)


# --- writing: called by the services inside their transaction ---


def index_submission(submission: Submission) -> None:
    """Index a submitted round; the item's earlier rounds follow its current classification."""
    item = Item.objects.select_related("unit").get(pk=submission.item_id)
    rounds = [submission] if submission.round == 1 else list(Submission.objects.filter(item=item).order_by("round"))
    carried = carried_keys([item.pk]).get(item.pk, [])
    _write([_submission_doc(s, item, item.unit.path, carried) for s in rounds])


def index_entry(entry: DeskEntry) -> None:
    """Index (or re-index) a desk entry's current text after it was created, edited or forwarded."""
    fresh = DeskEntry.objects.select_related("origin_unit").get(pk=entry.pk)
    readers = permissions.entries_readers([fresh.pk])[fresh.pk]
    _write([_entry_doc(fresh, fresh.origin_unit.path, readers, carried_keys([fresh.item_id]).get(fresh.item_id, []))])
    own_round = fresh.submission_id if fresh.source == EntrySource.COMBINED else None
    if own_round is not None and not SearchDoc.objects.filter(submission_id=own_round).exists():
        index_submission(Submission.objects.get(pk=own_round))  # the combined item's own round


def index_item(item: Item) -> None:
    """Re-index an item's submitted rounds (after its classification changed)."""
    latest = Submission.objects.filter(item=item).order_by("-round").first()
    if latest is not None:
        index_submission(latest)


# --- storage ---


def vendor(using: str = "default") -> str:
    return str(connections[using].vendor)


def ensure_schema(using: str = "default") -> None:
    """Create the engine-side structures if missing (idempotent; run after every migrate)."""
    conn = connections[using]
    with conn.cursor() as cursor:
        if conn.vendor == "sqlite":
            cursor.execute(
                "CREATE VIRTUAL TABLE IF NOT EXISTS items_search_fts USING fts5("
                "title, body, keys, detail=column, "
                "tokenize=\"unicode61 remove_diacritics 0 tokenchars '.'\")"
            )
            cursor.execute(
                "CREATE TRIGGER IF NOT EXISTS items_searchdoc_search_delete AFTER DELETE ON items_searchdoc "
                "BEGIN DELETE FROM items_search_fts WHERE rowid = old.id; END"
            )
            cursor.execute(
                f"CREATE VIRTUAL TABLE IF NOT EXISTS {ISSUE_FTS} USING fts5("
                "title, body, keys, detail=column, "
                "tokenize=\"unicode61 remove_diacritics 0 tokenchars '.'\")"
            )
            if ISSUE_ITEM_TABLE in conn.introspection.table_names(cursor):  # not yet while items migrates
                cursor.execute(
                    "CREATE TRIGGER IF NOT EXISTS items_issueitem_search_delete AFTER DELETE ON "  # noqa: S608
                    f"{ISSUE_ITEM_TABLE} "
                    f"BEGIN DELETE FROM {ISSUE_FTS} WHERE rowid = old.id; END"
                )
        elif conn.vendor == "postgresql":
            cursor.execute(
                "SELECT 1 FROM information_schema.columns WHERE table_schema = current_schema() "
                "AND table_name = %s AND column_name = 'tsv'",
                [DOC_TABLE],
            )
            if cursor.fetchone() is None:
                cursor.execute("ALTER TABLE items_searchdoc ADD COLUMN tsv tsvector")
                # Keep the row narrow: the tsvector goes to TOAST, so finding a match's id
                # and date reads little of the table.
                cursor.execute("ALTER TABLE items_searchdoc SET (toast_tuple_target = 128)")
            # Only when missing: DDL inside a transaction with pending deferred
            # constraint checks (a reindex run inside one) is refused by PostgreSQL.
            cursor.execute("SELECT 1 FROM pg_indexes WHERE indexname = 'items_searchdoc_tsv'")
            if cursor.fetchone() is None:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                cursor.execute("CREATE INDEX IF NOT EXISTS items_searchdoc_tsv ON items_searchdoc USING gin (tsv)")
            _ensure_issue_schema_postgresql(cursor, conn.introspection.table_names(cursor))


def _ensure_issue_schema_postgresql(cursor: Any, tables: list[str]) -> None:
    """The issue index: a table of (issue item id, tsvector) with a GIN index, emptied with the issue items."""
    if ISSUE_TABLE not in tables:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        # Lexemes without positions keep a row's tsvector in the row (≈ 1.6 kB for 20 items
        # of 300 characters), so a scan of matches need not fetch TOAST; rows are written
        # once per issue item, so the GIN index takes them at once (no pending list to
        # read on every query).
        cursor.execute(f"CREATE TABLE {ISSUE_TABLE} (id bigint PRIMARY KEY, tsv tsvector NOT NULL)")
        cursor.execute(f"CREATE INDEX {ISSUE_TABLE}_tsv ON {ISSUE_TABLE} USING gin (tsv) WITH (fastupdate = off)")
    cursor.execute("SELECT 1 FROM pg_trigger WHERE tgname = 'items_issueitem_search_delete'")
    if ISSUE_ITEM_TABLE not in tables or cursor.fetchone() is not None:
        return
    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    # No foreign key: Django's flush truncates the issue items alone; the triggers follow it.
    cursor.execute(
        "CREATE OR REPLACE FUNCTION items_issuesearch_forget() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "  # noqa: S608
        f"IF TG_OP = 'TRUNCATE' THEN DELETE FROM {ISSUE_TABLE}; "
        f"ELSE DELETE FROM {ISSUE_TABLE} WHERE id = OLD.id; END IF; RETURN NULL; END $$"
    )
    cursor.execute(
        f"CREATE TRIGGER items_issueitem_search_delete AFTER DELETE ON {ISSUE_ITEM_TABLE} "
        "FOR EACH ROW EXECUTE FUNCTION items_issuesearch_forget()"
    )
    cursor.execute(
        f"CREATE TRIGGER items_issueitem_search_truncate AFTER TRUNCATE ON {ISSUE_ITEM_TABLE} "
        "FOR EACH STATEMENT EXECUTE FUNCTION items_issuesearch_forget()"
    )


def drop_schema(using: str = "default") -> None:
    conn = connections[using]
    with conn.cursor() as cursor:
        if conn.vendor == "sqlite":
            cursor.execute("DROP TRIGGER IF EXISTS items_searchdoc_search_delete")
            cursor.execute("DROP TABLE IF EXISTS items_search_fts")
            cursor.execute("DROP TRIGGER IF EXISTS items_issueitem_search_delete")
            cursor.execute(f"DROP TABLE IF EXISTS {ISSUE_FTS}")
        elif conn.vendor == "postgresql":
            cursor.execute("DROP INDEX IF EXISTS items_searchdoc_tsv")
            cursor.execute("ALTER TABLE items_searchdoc DROP COLUMN IF EXISTS tsv")
            if ISSUE_ITEM_TABLE in conn.introspection.table_names(cursor):
                cursor.execute(f"DROP TRIGGER IF EXISTS items_issueitem_search_delete ON {ISSUE_ITEM_TABLE}")
                cursor.execute(f"DROP TRIGGER IF EXISTS items_issueitem_search_truncate ON {ISSUE_ITEM_TABLE}")
            cursor.execute("DROP FUNCTION IF EXISTS items_issuesearch_forget()")
            cursor.execute(f"DROP TABLE IF EXISTS {ISSUE_TABLE}")


def _lexeme(term: str) -> str:
    return "'" + term.replace("\\", "\\\\").replace("'", "''") + "'"


def tsvector_literal(doc: Doc, doc_id: int) -> str:
    """Title terms at position 1 weighted A, body terms at position 2; keys without positions."""
    return _tsvector(doc.title_terms, doc.body_terms, [*doc.keys, *block_keys(doc_id)])


def _tsvector(title_terms: Sequence[str], body_terms: Sequence[str], keys: Sequence[str]) -> str:
    positions: dict[str, str] = {}
    for term in title_terms:
        positions[term] = "1A"
    for term in body_terms:
        positions[term] = positions[term] + ",2" if term in positions else "2"
    parts = [f"{_lexeme(t)}:{p}" for t, p in positions.items()]
    parts += [_lexeme(KEY_PREFIX + k) for k in keys]
    return " ".join(parts)


def _source_column(kind: str) -> str:
    return "submission_id" if kind == SearchDocKind.ORIGINAL else "entry_id"


def _write(docs: list[Doc]) -> None:
    """Insert or replace documents (keyed by their submission or entry) in the current transaction."""
    for doc in docs:
        doc.segment()
    with connection.cursor() as cursor:
        for doc in docs:
            if _insert_new(cursor, doc):
                continue
            source = {_source_column(doc.kind): doc.source_id}
            doc_id, date = SearchDoc.objects.filter(**source).values_list("id", "date").get()
            if date == doc.date:
                _replace_terms(cursor, doc_id, doc)
            else:  # a new round reached the desk: it moves to the top
                SearchDoc.objects.filter(pk=doc_id).delete()
                _insert_new(cursor, doc)


def _insert_new(cursor: Any, doc: Doc) -> bool:
    """Add the document with a new id unless its source already has one (then False)."""
    date = connection.ops.adapt_datetimefield_value(doc.date)
    if connection.vendor == "postgresql":
        doc_id = _next_ids(cursor, 1)[0]
        cursor.execute(
            "INSERT INTO items_searchdoc (id, kind, submission_id, entry_id, item_id, date, tsv) "
            "VALUES (%s, %s, %s, %s, %s, %s, %s::tsvector) ON CONFLICT DO NOTHING RETURNING id",
            [doc_id, doc.kind, *_sources(doc), doc.item_id, date, tsvector_literal(doc, doc_id)],
        )
        return cursor.fetchone() is not None
    cursor.execute(
        "INSERT INTO items_searchdoc (kind, submission_id, entry_id, item_id, date) "
        "VALUES (%s, %s, %s, %s, %s) ON CONFLICT DO NOTHING RETURNING id",
        [doc.kind, *_sources(doc), doc.item_id, date],
    )
    row = cursor.fetchone()
    if row is None:
        return False
    cursor.execute(
        "INSERT INTO items_search_fts (rowid, title, body, keys) VALUES (%s, %s, %s, %s)",
        [row[0], " ".join(doc.title_terms), " ".join(doc.body_terms), " ".join(doc.keys)],
    )
    return True


def _sources(doc: Doc) -> tuple[int | None, int | None]:
    return (doc.source_id, None) if doc.kind == SearchDocKind.ORIGINAL else (None, doc.source_id)


def _next_ids(cursor: Any, count: int) -> list[int]:
    """Ids for new documents, above every id used so far (the newest-first order)."""
    if connection.vendor == "postgresql":
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [DOC_TABLE, count]
        )
        return sorted(r[0] for r in cursor.fetchall())
    cursor.execute("SELECT max(id) FROM items_searchdoc")
    top = cursor.fetchone()[0] or 0
    cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [DOC_TABLE])
    seq = cursor.fetchone()
    base = max(top, seq[0] if seq else 0)
    return list(range(base + 1, base + 1 + count))


def _replace_terms(cursor: Any, doc_id: int, doc: Doc) -> None:
    if connection.vendor == "postgresql":
        cursor.execute(
            "UPDATE items_searchdoc SET tsv = %s::tsvector WHERE id = %s", [tsvector_literal(doc, doc_id), doc_id]
        )
        return
    cursor.execute("DELETE FROM items_search_fts WHERE rowid = %s", [doc_id])
    cursor.execute(
        "INSERT INTO items_search_fts (rowid, title, body, keys) VALUES (%s, %s, %s, %s)",
        [doc_id, " ".join(doc.title_terms), " ".join(doc.body_terms), " ".join(doc.keys)],
    )


def _insert(cursor: Any, docs: Sequence[Doc], ids: Sequence[int]) -> None:
    """New rows (and their terms) with the given ids."""
    rows = [
        [i, d.kind, *_sources(d), d.item_id, connection.ops.adapt_datetimefield_value(d.date)]
        for i, d in zip(ids, docs, strict=True)
    ]
    if connection.vendor == "postgresql":
        # A document written meanwhile by a service (reindex while people work) stays as it is.
        cursor.executemany(
            "INSERT INTO items_searchdoc (id, kind, submission_id, entry_id, item_id, date, tsv) "
            "VALUES (%s, %s, %s, %s, %s, %s, %s::tsvector) ON CONFLICT DO NOTHING",
            [[*row, tsvector_literal(d, i)] for row, d, i in zip(rows, docs, ids, strict=True)],
        )
        return
    cursor.executemany(
        "INSERT INTO items_searchdoc (id, kind, submission_id, entry_id, item_id, date) "
        "VALUES (%s, %s, %s, %s, %s, %s)",
        rows,
    )
    cursor.executemany(
        "INSERT INTO items_search_fts (rowid, title, body, keys) VALUES (%s, %s, %s, %s)",
        [
            [i, " ".join(d.title_terms), " ".join(d.body_terms), " ".join(d.keys)]
            for i, d in zip(ids, docs, strict=True)
        ],
    )


# --- issued issues ---

# What one issue document is read from: the issue item, and its issue.
_ISSUE_DOC_FIELDS = (
    "pk",
    "title",
    "body",
    "source_label",
    "editor_note",
    "issue__editor_note",
    "issue__periodical_id",
    "issue__year",
    "issue__classification",
)
IssueDoc = tuple[int, tuple[str, ...], tuple[str, ...], list[str]]  # id, title terms, body terms, keys


def issue_doc_text(title: str, body: str, source: str, note: str, issue_note: str) -> tuple[str, str]:
    """(title, body) of an issue item as indexed: the body with its source, 编者按 and the issue's 编者按."""
    return title, "\n".join(t for t in (body, source, note, issue_note) if t)


def _issue_doc(row: Sequence[Any]) -> IssueDoc:
    pk, title, body, source, note, issue_note, periodical_id, year, classification = row
    title, body = issue_doc_text(title, body, source, note, issue_note)
    return pk, text_terms(title), text_terms(body), issue_keys(periodical_id, year, classification)


def _store_issue_docs(cursor: Any, docs: Sequence[IssueDoc]) -> None:
    """Insert or replace issue documents (by issue item id)."""
    if connection.vendor == "postgresql":
        cursor.execute(f"DELETE FROM {ISSUE_TABLE} WHERE id = ANY(%s)", [[d[0] for d in docs]])  # noqa: S608
        cursor.executemany(
            f"INSERT INTO {ISSUE_TABLE} (id, tsv) VALUES (%s, %s::tsvector)",  # noqa: S608 (constants)
            [[pk, _lexemes([*title, *body], keys)] for pk, title, body, keys in docs],
        )
        return
    cursor.executemany(f"DELETE FROM {ISSUE_FTS} WHERE rowid = %s", [[d[0]] for d in docs])  # noqa: S608
    cursor.executemany(
        f"INSERT INTO {ISSUE_FTS} (rowid, title, body, keys) VALUES (%s, %s, %s, %s)",  # noqa: S608 (constants)
        [[pk, " ".join(title), " ".join(body), " ".join(keys)] for pk, title, body, keys in docs],
    )


def _lexemes(terms: Sequence[str], keys: Sequence[str]) -> str:
    """A tsvector of terms and keys without positions (the issue index neither ranks nor needs weights)."""
    return " ".join([*(_lexeme(t) for t in dict.fromkeys(terms)), *(_lexeme(KEY_PREFIX + k) for k in keys)])


def _add_keys(item_ids: Sequence[int], keys: Sequence[str]) -> None:
    """Add keys to every document of the items (the terms stay as they are)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "UPDATE items_searchdoc SET tsv = tsv || %s::tsvector WHERE item_id = ANY(%s)",
                [_lexemes((), keys), list(item_ids)],
            )
            return
        marks = ", ".join(["%s"] * len(item_ids))
        cursor.execute(
            "SELECT rowid, keys FROM items_search_fts WHERE rowid IN "  # noqa: S608 (placeholders only)
            f"(SELECT id FROM items_searchdoc WHERE item_id IN ({marks}))",
            list(item_ids),
        )
        rows = cursor.fetchall()
        cursor.executemany(
            "UPDATE items_search_fts SET keys = %s WHERE rowid = %s",
            [[" ".join(dict.fromkeys([*old.split(), *keys])), rowid] for rowid, old in rows],
        )


def index_issue_entry(*, issue: Any, entry: DeskEntry) -> None:
    """``issue`` was issued carrying ``entry``: called by the sign-off (``adoption_record``), in its transaction.

    The documents of every item the entry stands for (itself, or a combined item's
    sources, as the adoption records credit them) get the issue's keys, and the issue's
    text of the entry becomes an issue document.
    """
    credited = Adoption.objects.filter(issue=issue, entry=entry).values_list("item_id", flat=True)
    _add_keys(sorted({entry.item_id, *credited}), issue_keys(issue.periodical_id, issue.year, issue.classification))
    rows = IssueItem.objects.filter(issue=issue, entry=entry).values_list(*_ISSUE_DOC_FIELDS)
    with connection.cursor() as cursor:
        _store_issue_docs(cursor, [_issue_doc(row) for row in rows])


def rebuild_issue_docs(batch_size: int = 500) -> int:
    """Rebuild the issue documents of every issued issue (each batch one transaction); drop the others."""
    issued = IssueItem.objects.filter(issue__state=IssueState.ISSUED)
    ids = list(issued.order_by("pk").values_list("pk", flat=True))
    for batch in itertools.batched(ids, batch_size):
        docs = [_issue_doc(row) for row in issued.filter(pk__in=batch).values_list(*_ISSUE_DOC_FIELDS)]
        with transaction.atomic(), connection.cursor() as cursor:
            _store_issue_docs(cursor, docs)
    with connection.cursor() as cursor:
        table, column = (ISSUE_TABLE, "id") if connection.vendor == "postgresql" else (ISSUE_FTS, "rowid")
        sql, params = issued.values("pk").query.sql_with_params()
        cursor.execute(f"DELETE FROM {table} WHERE {column} NOT IN ({sql})", params)  # noqa: S608 (Django's SQL)
    return len(ids)


# --- rebuilding (manage.py reindex) ---


def planned_sources() -> list[tuple[dt.datetime, str, int]]:
    """Every document to build, oldest first: (date, kind, source id)."""
    originals = Submission.objects.values_list("submitted_at", "pk")
    entries = DeskEntry.objects.values_list("received_at", "pk")
    plan = [(date, SearchDocKind.ORIGINAL.value, pk) for date, pk in originals.iterator(chunk_size=20000)]
    plan += [(date, SearchDocKind.ENTRY.value, pk) for date, pk in entries.iterator(chunk_size=20000)]
    plan.sort()
    return plan


def build_docs(batch: Sequence[tuple[dt.datetime, str, int]]) -> list[Doc]:
    """The documents of one batch of planned sources, with their keys (not yet segmented)."""
    submission_ids = [pk for _, kind, pk in batch if kind == SearchDocKind.ORIGINAL]
    entry_ids = [pk for _, kind, pk in batch if kind == SearchDocKind.ENTRY]
    submissions = Submission.objects.in_bulk(submission_ids)
    items = Item.objects.select_related("unit").in_bulk({s.item_id for s in submissions.values()})
    entries = DeskEntry.objects.select_related("origin_unit").in_bulk(entry_ids)
    readers = permissions.entries_readers(entry_ids) if entry_ids else {}
    carried = carried_keys([*items, *(e.item_id for e in entries.values())])
    docs = []
    for _, kind, pk in batch:
        if kind == SearchDocKind.ORIGINAL and pk in submissions:
            item = items[submissions[pk].item_id]
            docs.append(_submission_doc(submissions[pk], item, item.unit.path, carried.get(item.pk, [])))
        elif kind == SearchDocKind.ENTRY and pk in entries:
            entry = entries[pk]
            docs.append(_entry_doc(entry, entry.origin_unit.path, readers[pk], carried.get(entry.item_id, [])))
    return docs


def segment_texts(texts: Sequence[tuple[str, str]]) -> list[tuple[tuple[str, ...], tuple[str, ...]]]:
    """(title terms, body terms) of each (title, body): what ``reindex`` runs in worker processes."""
    return [(text_terms(title), text_terms(body)) for title, body in texts]


def store_batch(docs: list[Doc]) -> None:
    """Replace the documents of one batch in one transaction, with new ids in the batch's order."""
    with transaction.atomic(), connection.cursor() as cursor:
        SearchDoc.objects.filter(submission_id__in=[d.source_id for d in docs if d.kind == "s"]).delete()
        SearchDoc.objects.filter(entry_id__in=[d.source_id for d in docs if d.kind == "e"]).delete()
        _insert(cursor, docs, _next_ids(cursor, len(docs)))


def finish_rebuild() -> None:
    """Compact the engine's index after a rebuild (outside any transaction)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("INSERT INTO items_search_fts (items_search_fts) VALUES ('optimize')")
            cursor.execute(f"INSERT INTO {ISSUE_FTS} ({ISSUE_FTS}) VALUES ('optimize')")  # noqa: S608 (constants)
        elif connection.vendor == "postgresql":
            # VACUUM cannot run inside a transaction (e.g. a reindex called within one).
            vacuum = "" if connection.in_atomic_block else "VACUUM "
            cursor.execute(f"{vacuum}ANALYZE items_searchdoc")
            cursor.execute(f"{vacuum}ANALYZE {ISSUE_TABLE}")


def remove_orphans() -> int:
    """Drop documents whose source no longer exists (the foreign keys cascade; this is a safety net)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("DELETE FROM items_search_fts WHERE rowid NOT IN (SELECT id FROM items_searchdoc)")
            return int(cursor.rowcount or 0)
    return 0


Segmented = list[tuple[tuple[str, ...], tuple[str, ...]]]


def rebuild(
    *,
    plan: Sequence[tuple[dt.datetime, str, int]] | None = None,
    batch_size: int = 2000,
    segmenter: Callable[[list[tuple[str, str]]], Callable[[], Segmented]] | None = None,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Rebuild every document in date order, batch by batch (each batch one transaction).

    ``segmenter`` starts segmenting a list of (title, body) and returns a function that
    waits for the result, so worker processes can cut the next batch while this one is
    written. Each distinct text is segmented once (an entry usually repeats its original).
    """
    plan = planned_sources() if plan is None else plan
    start_segmenting = segmenter or (lambda texts: lambda: segment_texts(texts))
    done = 0
    pending: tuple[list[Doc], list[tuple[str, str]], Callable[[], Segmented], int] | None = None

    def write(docs: list[Doc], texts: list[tuple[str, str]], result: Callable[[], Segmented], planned: int) -> None:
        terms = dict(zip(texts, result(), strict=True))
        for doc in docs:
            doc.title_terms, doc.body_terms = terms[(doc.title, doc.body)]
        store_batch(docs)
        if progress is not None:
            progress(planned)

    for start in range(0, len(plan), batch_size):
        batch = plan[start : start + batch_size]
        docs = build_docs(batch)
        texts = list(dict.fromkeys((d.title, d.body) for d in docs))
        result = start_segmenting(texts)  # the workers cut this batch while the previous one is written
        if pending is not None:
            write(*pending)
        pending = (docs, texts, result, len(batch))
        done += len(docs)
    if pending is not None:
        write(*pending)
    rebuild_issue_docs()
    remove_orphans()
    finish_rebuild()
    return done
