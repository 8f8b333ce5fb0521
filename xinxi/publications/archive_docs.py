"""Issued issues in the archive (资料信息库): what they carried, their own text, the 期刊 block.

Registered with the archive by ``PublicationsConfig.ready`` as its ``Carrier``:

- when an issue is signed off, the sign-off records an adoption per entry
  (``desk_services.adoption_record`` with ``issue``), which calls the archive's
  ``carrier_indexed`` and so ``index_issue_entry`` here: every document of the items the
  entry stands for gets the issue's keys ("carried in an issue of periodical P, of year
  Y, readable at clearance L", for the 刊用刊物 filter), and the issue's own text of the
  entry (its title, body, source, 编者按 and the issue's 编者按) becomes one document of
  the archive's issue index;
- on the search page: the 刊物 filter is one more key group (``carried_group``), each
  result lists the issues that carried its item ("刊发于…", ``attach_issues``), and the
  期刊 block lists issues whose own text matches (``search_issues``).

What is shown about an issue follows the issue's reading rule, ``permissions.visible_issues``,
never the entry's: it is evaluated once per page for the periodicals the user reads
(``readable_periodicals``), and per issue it adds only the classification
(``may_read_issue``).
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.db import connection, transaction
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL
from django.urls import reverse

from xinxi.archive import index as search_index
from xinxi.archive import registry
from xinxi.archive.index import IssueDoc, issue_keys, text_terms
from xinxi.archive.search import (
    ISSUE_CANDIDATES,
    ISSUES_SHOWN,
    ITEMS_PER_ISSUE,
    Hit,
    IssueHit,
    IssueItemHit,
    IssueLink,
    SearchQuery,
    highlight,
    issue_docs_sql,
    pattern_of,
    snippet,
)
from xinxi.items.models import Adoption, DeskEntry
from xinxi.lib.choices import Classification
from xinxi.publications.models import Issue, IssueItem, IssueState, Periodical
from xinxi.publications.permissions import readable_periodicals as readable_by_rule

_CLASSIFICATION = dict(Classification.choices)


def _level(user: Any) -> int:
    return search_index.user_level(user)


# --- what issues carried: keys on the items' documents ---


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


# --- the issue index: the issue's own text of each item ---


def issue_doc_text(title: str, body: str, source: str, note: str, issue_note: str) -> tuple[str, str]:
    """(title, body) of an issue item as indexed: the body with its source, 编者按 and the issue's 编者按."""
    return title, "\n".join(t for t in (body, source, note, issue_note) if t)


def _issue_doc(row: Sequence[Any]) -> IssueDoc:
    pk, title, body, source, note, issue_note, periodical_id, year, classification = row
    title, body = issue_doc_text(title, body, source, note, issue_note)
    return pk, text_terms(title), text_terms(body), issue_keys(periodical_id, year, classification)


def index_issue_entry(*, issue: Issue, entry: DeskEntry) -> None:
    """``issue`` was issued carrying ``entry``: called by the sign-off (``adoption_record``), in its transaction.

    The documents of every item the entry stands for (itself, or a combined item's
    sources, as the adoption records credit them) get the issue's keys, and the issue's
    text of the entry becomes an issue document.
    """
    credited = Adoption.objects.filter(issue=issue, entry=entry).values_list("item_id", flat=True)
    keys = issue_keys(issue.periodical_id, issue.year, issue.classification)
    search_index.add_keys(sorted({entry.item_id, *credited}), keys)
    rows = IssueItem.objects.filter(issue=issue, entry=entry).values_list(*_ISSUE_DOC_FIELDS)
    with connection.cursor() as cursor:
        search_index.store_issue_docs(cursor, [_issue_doc(row) for row in rows])


def rebuild_issue_docs(batch_size: int = 500) -> int:
    """Rebuild the issue documents of every issued issue (each batch one transaction); drop the others."""
    issued = IssueItem.objects.filter(issue__state=IssueState.ISSUED)
    ids = list(issued.order_by("pk").values_list("pk", flat=True))
    for batch in itertools.batched(ids, batch_size):
        docs = [_issue_doc(row) for row in issued.filter(pk__in=batch).values_list(*_ISSUE_DOC_FIELDS)]
        with transaction.atomic(), connection.cursor() as cursor:
            search_index.store_issue_docs(cursor, docs)
    search_index.keep_issue_docs(*issued.values("pk").query.sql_with_params())
    return len(ids)


# --- the search page: the 刊物 filter, 刊发于, the 期刊 block ---


def readable_periodicals(user: Any) -> list[Periodical]:
    """Periodicals with an issued issue the user may read (``visible_issues``), in desk order."""
    periodicals = readable_by_rule(user).select_related("desk")
    return list(periodicals.order_by("desk__unit__path", "name"))


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


def attach_issues(user: Any, hits: list[Hit], readable: Sequence[int]) -> None:
    """Each result's issued issues that the user may read (its item, or a combined item made from it): one query."""
    item_ids = {h.item_id for h in hits}
    if not item_ids or not readable:
        return
    may_read = may_read_issue(user, readable)
    rows = carried_adoptions(
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
    pattern = pattern_of(needles)
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




def readable_choices(user: Any) -> list[tuple[int, str]]:
    """(id, label) of the periodicals with an issued issue the user may read, for the 刊物 filter."""
    return [(p.pk, f"{p}（{p.desk.name}）") for p in readable_periodicals(user)]


CARRIER = registry.Carrier(
    carried_keys=carried_keys,
    readable=readable_choices,
    key_group=carried_group,
    attach=attach_issues,
    block=search_issues,
    index=index_issue_entry,
    rebuild=rebuild_issue_docs,
)
