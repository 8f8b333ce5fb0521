"""The archive's index (资料信息库): segmentation, keys, storage, and rebuilding it.

Each domain app registers what it indexes (``registry``): ``items`` its submitted rounds
(the sender's original) and every desk entry's current text, one ``SearchDoc`` row each,
and ``publications`` the text of issued issues (a second index) and the keys of the
issues that carried an item. The services call their app's indexing functions inside
their own transaction, so the index changes exactly when the document does; drafts are
never indexed. ``manage.py reindex`` rebuilds everything (``rebuild``). This module
imports no domain app.

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
sides, and cuts a compound word of the query into the words inside it (取消资格 asks
for 取消 and 资格), so the words of a query are found anywhere in the text.
``tests/test_search.py`` and ``bench/search_bench.py`` measure recall against substring
search.

Each document also carries keys: who may read it (desks and units, each with every
clearance level that may read it) and what it may be filtered on (unit and its
ancestors, desk, category, tone, kind, year and month, the periodicals that carried it).
A search asks for the user's own reader key inside the engine query, so visibility
applies to results and counts alike, and nothing is filtered afterwards.

Storage (``schema``): SQLite keeps the terms in an FTS5 table (rowid = ``SearchDoc.id``,
removed by a trigger when the row goes); PostgreSQL keeps a ``tsvector`` column (title
terms weighted A, keys prefixed with ``~``) with a GIN index, plus block keys
(``block_keys``) that let ``search`` walk the newest documents first. ``pg_trgm`` is not
used: its index cannot serve two-character patterns, and titles, receipt numbers and
names are found through the same terms.
"""

from __future__ import annotations

import bisect
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
from django.db import connection, transaction
from django.utils import timezone

from xinxi.archive import registry
from xinxi.archive.models import RebuildMark, SearchDoc, SearchDocKind
from xinxi.archive.schema import DOC_FTS, DOC_GIN, DOC_TABLE, ISSUE_FTS, ISSUE_TABLE
from xinxi.lib.choices import Classification

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


def normalise_text(text: str) -> str:
    """A text as a quoted phrase is looked for in it: normalised, every run of spaces one space."""
    return " ".join(_normalise(text).split())


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


def compound_parts(word: str) -> list[str]:
    """The dictionary words a compound word is made of (取消资格: 取消, 资格), or the word itself.

    The most probable cut of the word into dictionary words of two characters or more,
    other than the word itself. Each part is a term of every text the compound is a
    word of (a dictionary word inside a word is indexed), so asking for the parts loses
    no text that has the compound and finds the texts that have its words apart.
    """
    n = len(word)
    if n < 4:  # 办公厅 is not 办公 + 厅: a single character is no part
        return [word]
    dag: dict[int, list[int]] = _dictionary().get_DAG(word)
    best: list[tuple[float, list[str]] | None] = [None] * (n + 1)
    best[n] = (0.0, [])
    for i in range(n - 1, -1, -1):
        for j in dag[i]:
            after = best[j + 1]
            if j == i or (i == 0 and j == n - 1) or after is None:
                continue
            value = _log_prob(word[i : j + 1]) + after[0]
            current = best[i]
            if current is None or value > current[0]:
                best[i] = (value, [word[i : j + 1], *after[1]])
    found = best[0]
    return found[1] if found is not None else [word]


def query_terms(text: str) -> list[str]:
    """The terms a query asks for (all of them must be found), cut the way documents are.

    A compound word of the query asks for its parts (``compound_parts``), so the words
    of a query are found anywhere in the text, not only side by side.
    """
    terms: list[str] = []
    for phrase in _normalise(text).split():
        for match in _RUN.finditer(phrase):
            if match.group(2):
                terms.append(match.group(2))
                continue
            run = match.group(1)
            path, _ = _best_path(run)
            words = [part for a, b in path if b - a > 1 for part in compound_parts(run[a:b])]
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


def user_level(user: Any) -> int:
    """The clearance a user reads at (none: 0, public only)."""
    return min(int(getattr(user, "clearance", 0) or 0), TOP_CLEARANCE)


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


def block_key(level: int, number: int) -> str:
    """The key of block ``number`` of ``2**level`` buckets (ids ``number * 2**level * BUCKET`` onwards)."""
    return f"b{level}x{number}"


# ``block_keys`` of ``new.id`` in SQL, as a tsvector of keys (PostgreSQL: the insert of new documents).
BLOCK_TSV = (
    f"array_to_tsvector(ARRAY(SELECT '{KEY_PREFIX}b' || level || 'x' || ((new.id / {BUCKET}) >> level) "  # noqa: S608 (constants)
    f"FROM generate_series(0, {BLOCK_LEVELS - 1}) AS level))"
)


def block_keys(doc_id: int) -> list[str]:
    """The blocks a document's id falls in, one per size: what the PostgreSQL walk asks for."""
    bucket = doc_id // BUCKET
    return [block_key(level, bucket >> level) for level in range(BLOCK_LEVELS)]


def unit_path_ids(path: str) -> list[int]:
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


def filter_keys(
    kind: str, date: dt.datetime, unit_path: str, desk_id: int | None, category: str, tone: str
) -> list[str]:
    local = timezone.localtime(date)
    keys = [unit_key(u) for u in unit_path_ids(unit_path)]
    if desk_id is not None:
        keys.append(desk_key(desk_id))
    keys += [category_key(category), tone_key(tone), kind_key(kind), year_key(local.year)]
    keys.append(month_key(local.year, local.month))
    return keys


# --- storage ---


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


def write_docs(docs: list[Doc]) -> None:
    """Insert or replace documents (keyed by their source) in the current transaction: what the services call."""
    segmented: dict[tuple[str, str], tuple[Any, Any]] = {}
    for doc in docs:  # a round and its entries share their text: each text is segmented once
        terms = segmented.get((doc.title, doc.body))
        if terms is None:
            doc.segment()
            segmented[(doc.title, doc.body)] = (doc.title_terms, doc.body_terms)
        else:
            doc.title_terms, doc.body_terms = terms
    with connection.cursor() as cursor:
        inserted: set[tuple[str, int]] = set()
        for start in range(0, len(docs), 200):  # a statement's parameters stay far below SQLite's limit
            inserted |= _insert_many(cursor, docs[start : start + 200])
        for doc in docs:
            if (doc.kind, doc.source_id) in inserted:
                continue
            source = {_source_column(doc.kind): doc.source_id}
            doc_id, date = SearchDoc.objects.filter(**source).values_list("id", "date").get()
            if date == doc.date:
                _replace_terms(cursor, doc_id, doc)
            else:  # a new round reached the desk: it moves to the top
                SearchDoc.objects.filter(pk=doc_id).delete()
                _insert_new(cursor, doc)


def _insert_many(cursor: Any, docs: Sequence[Doc]) -> set[tuple[str, int]]:
    """Add the documents whose source has none yet, with new ids in the given order (one
    insert, and on SQLite one more for their terms); returns the (kind, source id) added."""
    if not docs:
        return set()
    dates = [connection.ops.adapt_datetimefield_value(doc.date) for doc in docs]
    if connection.vendor == "postgresql":
        # One statement: new ids from the sequence in the documents' order, each row's
        # terms joined with the block keys of its id (what ``block_keys`` gives).
        values = ", ".join(["(%s, %s, %s::bigint, %s::bigint, %s::bigint, %s::timestamptz, %s::tsvector)"] * len(docs))
        params: list[Any] = [DOC_TABLE, len(docs)]
        for n, (doc, date) in enumerate(zip(docs, dates, strict=True), start=1):
            terms = _tsvector(doc.title_terms, doc.body_terms, doc.keys)
            params += [n, doc.kind, *_sources(doc), doc.item_id, date, terms]
        cursor.execute(
            "INSERT INTO items_searchdoc (id, kind, submission_id, entry_id, item_id, date, tsv) "  # noqa: S608 (placeholders only)
            f"SELECT new.id, doc.kind, doc.submission_id, doc.entry_id, doc.item_id, doc.date, doc.tsv || {BLOCK_TSV} "
            "FROM (SELECT nextval(pg_get_serial_sequence(%s, 'id')) AS id, n FROM generate_series(1, %s) AS n) AS new "
            f"JOIN (VALUES {values}) AS doc (n, kind, submission_id, entry_id, item_id, date, tsv) USING (n) "
            "ON CONFLICT DO NOTHING RETURNING kind, submission_id, entry_id",
            params,
        )
        return {(kind, submission or entry) for kind, submission, entry in cursor.fetchall()}
    values = ", ".join(["(%s, %s, %s, %s, %s)"] * len(docs))
    params = [
        value for doc, date in zip(docs, dates, strict=True) for value in (doc.kind, *_sources(doc), doc.item_id, date)
    ]
    cursor.execute(
        f"INSERT INTO items_searchdoc (kind, submission_id, entry_id, item_id, date) VALUES {values} "  # noqa: S608 (placeholders only)
        "ON CONFLICT DO NOTHING RETURNING id, kind, submission_id, entry_id",
        params,
    )
    added = {(kind, submission or entry): doc_id for doc_id, kind, submission, entry in cursor.fetchall()}
    new = [(added[(doc.kind, doc.source_id)], doc) for doc in docs if (doc.kind, doc.source_id) in added]
    if new:
        terms = ", ".join(["(%s, %s, %s, %s)"] * len(new))
        cursor.execute(
            f"INSERT INTO items_search_fts (rowid, title, body, keys) VALUES {terms}",  # noqa: S608 (placeholders only)
            [
                value
                for doc_id, doc in new
                for value in (doc_id, " ".join(doc.title_terms), " ".join(doc.body_terms), " ".join(doc.keys))
            ],
        )
    return set(added)


def _insert_new(cursor: Any, doc: Doc, doc_id: int | None = None) -> bool:
    """Add the document with a new id (``doc_id`` if allocated already) unless its source already has one."""
    date = connection.ops.adapt_datetimefield_value(doc.date)
    if connection.vendor == "postgresql":
        doc_id = doc_id or _next_ids(cursor, 1)[0]
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


# --- the issue index: the text of issued issues, one document per issue item ---

IssueDoc = tuple[int, tuple[str, ...], tuple[str, ...], list[str]]  # id, title terms, body terms, keys


def store_issue_docs(cursor: Any, docs: Sequence[IssueDoc]) -> None:
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


def keep_issue_docs(sql: str, params: Sequence[Any]) -> None:
    """Drop every issue document whose id the query (Django's SQL for the ids to keep) does not return."""
    table, column = (ISSUE_TABLE, "id") if connection.vendor == "postgresql" else (ISSUE_FTS, "rowid")
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE {column} NOT IN ({sql})", params)  # noqa: S608 (Django's SQL)


def _lexemes(terms: Sequence[str], keys: Sequence[str]) -> str:
    """A tsvector of terms and keys without positions (the issue index neither ranks nor needs weights)."""
    return " ".join([*(_lexeme(t) for t in dict.fromkeys(terms)), *(_lexeme(KEY_PREFIX + k) for k in keys)])


def add_keys(item_ids: Sequence[int], keys: Sequence[str]) -> None:
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


# --- rebuilding (manage.py reindex) ---


def segment_texts(texts: Sequence[tuple[str, str]]) -> list[tuple[tuple[str, ...], tuple[str, ...]]]:
    """(title terms, body terms) of each (title, body): what ``reindex`` runs in worker processes."""
    return [(text_terms(title), text_terms(body)) for title, body in texts]


def store_batch(docs: list[Doc], mark: tuple[registry.Planned, int, int] | None = None) -> None:
    """Replace the documents of one batch in one transaction.

    A document keeps its id, so the archive's newest-first order holds while a rebuild
    runs and after one is interrupted; a source without a document gets a new id, in
    the batch's (date) order. ``mark`` is (last planned source of the batch, documents
    done, documents planned): the rebuild's progress, written in the same transaction.
    """
    with transaction.atomic(), connection.cursor() as cursor:
        existing: dict[tuple[str, int], int] = {}
        for kind, column in ((SearchDocKind.ORIGINAL.value, "submission_id"), (SearchDocKind.ENTRY.value, "entry_id")):
            sources = [d.source_id for d in docs if d.kind == kind]
            if sources:
                rows = SearchDoc.objects.filter(**{f"{column}__in": sources}).values_list(column, "id")
                existing.update({(kind, source): doc_id for source, doc_id in rows})
        missing = sum((d.kind, d.source_id) not in existing for d in docs)
        new_ids = iter(_next_ids(cursor, missing) if missing else [])
        ids = [existing.get((d.kind, d.source_id)) or next(new_ids) for d in docs]
        SearchDoc.objects.filter(pk__in=list(existing.values())).delete()
        _insert(cursor, docs, ids)
        if mark is not None:
            (date, kind, source_id), done, planned = mark
            now = timezone.now()
            progress = {"updated_at": now, "date": date, "kind": kind, "source_id": source_id, "done": done,
                        "planned": planned}
            RebuildMark.objects.update_or_create(
                pk=1, defaults=progress, create_defaults={**progress, "started_at": now}
            )


def resume_point(plan: Sequence[registry.Planned]) -> int:
    """Where an interrupted rebuild stopped: the number of planned sources already rebuilt (0: none).

    The plan is sorted, so the sources up to the mark are the ones its batches wrote;
    sources added since are newer and were indexed when they arrived.
    """
    mark = RebuildMark.objects.filter(pk=1).first()
    if mark is None:
        return 0
    return bisect.bisect_right(plan, (mark.date, mark.kind, mark.source_id))


def forget_rebuild() -> None:
    """Drop an interrupted rebuild's mark (``reindex --restart``; a finished rebuild drops it too)."""
    RebuildMark.objects.all().delete()


def finish_rebuild() -> None:
    """Compact the engine's index after a rebuild (outside any transaction)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("INSERT INTO items_search_fts (items_search_fts) VALUES ('optimize')")
            cursor.execute(f"INSERT INTO {ISSUE_FTS} ({ISSUE_FTS}) VALUES ('optimize')")  # noqa: S608 (constants)
            # Statistics of the index's own tables taken while they were small (an ANALYZE
            # before the rebuild) make SQLite scan all of ``…_data`` in FTS5's merges: a
            # 330 ms pause every 16th write at 2 × 10⁵ documents. Taken now, they are right.
            for table in (DOC_FTS, ISSUE_FTS):
                cursor.execute(f"ANALYZE {table}_data")
                cursor.execute(f"ANALYZE {table}_idx")
        elif connection.vendor == "postgresql":
            # VACUUM and REINDEX cannot run inside a transaction (e.g. a reindex called within one).
            vacuum = "" if connection.in_atomic_block else "VACUUM "
            if not connection.in_atomic_block:
                # The GIN index grown batch by batch through its pending list is looser than one
                # built at once: at 10⁶ items 965 MB instead of 568 MB, and a busy desk's page read
                # twice the pages. CONCURRENTLY: searches and submissions go on meanwhile.
                cursor.execute(f"REINDEX INDEX CONCURRENTLY {DOC_GIN}")
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
    plan: Sequence[registry.Planned] | None = None,
    start: int = 0,
    batch_size: int = 2000,
    segmenter: Callable[[list[tuple[str, str]]], Callable[[], Segmented]] | None = None,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Rebuild every document in date order, batch by batch (each batch one transaction).

    ``segmenter`` starts segmenting a list of (title, body) and returns a function that
    waits for the result, so worker processes can cut the next batch while this one is
    written. Each distinct text is segmented once (an entry usually repeats its original).
    Each batch records how far the rebuild got (``RebuildMark``); ``start`` skips the
    planned sources an interrupted run already wrote (``resume_point``). Returns the
    number of documents written by this run.
    """
    plan = registry.planned_sources() if plan is None else plan
    if start == 0:
        forget_rebuild()
    start_segmenting = segmenter or (lambda texts: lambda: segment_texts(texts))
    done = 0
    pending: tuple[list[Doc], list[tuple[str, str]], Callable[[], Segmented], int, int] | None = None

    def write(docs: list[Doc], texts: list[tuple[str, str]], result: Callable[[], Segmented], planned: int,
              end: int) -> None:
        terms = dict(zip(texts, result(), strict=True))
        for doc in docs:
            doc.title_terms, doc.body_terms = terms[(doc.title, doc.body)]
        store_batch(docs, mark=(plan[end - 1], end, len(plan)))
        if progress is not None:
            progress(planned)

    for first in range(start, len(plan), batch_size):
        batch = plan[first : first + batch_size]
        docs = registry.build_docs(batch)
        texts = list(dict.fromkeys((d.title, d.body) for d in docs))
        result = start_segmenting(texts)  # the workers cut this batch while the previous one is written
        if pending is not None:
            write(*pending)
        pending = (docs, texts, result, len(batch), first + len(batch))
        done += len(docs)
    if pending is not None:
        write(*pending)
    registry.after_rebuild()
    remove_orphans()
    forget_rebuild()
    finish_rebuild()
    return done
