"""The engine structures beside the archive's tables: raw SQL for SQLite and PostgreSQL.

SQLite: the FTS5 tables ``items_search_fts`` (rowid = ``SearchDoc.id``) and
``items_issue_fts`` (rowid = issue item id), with triggers that drop a row when its
document or issue item is deleted. PostgreSQL: a ``tsvector`` column on
``items_searchdoc`` with the GIN index ``items_searchdoc_tsv``, and the table
``items_issuesearch`` (issue item id, tsvector) with its GIN index and the triggers that
empty it with the issue items (row deletes and ``TRUNCATE``).

``ensure_schema`` is idempotent: the migrations call it, and so does every migrate
(``post_migrate``), which is also how the test runner's database, built without
migrations, gets it. The table names are the ones search had when it lived in ``items``.
"""

from __future__ import annotations

from typing import Any

from django.db import connections

DOC_TABLE = "items_searchdoc"
DOC_FTS = "items_search_fts"  # SQLite: the documents' terms and keys (rowid = SearchDoc.id)
DOC_GIN = "items_searchdoc_tsv"  # PostgreSQL: the GIN index on items_searchdoc.tsv
ISSUE_FTS = "items_issue_fts"  # SQLite: the issue index (rowid = issue item id)
ISSUE_TABLE = "items_issuesearch"  # PostgreSQL: the issue index (id = issue item id, tsv)
ISSUE_ITEM_TABLE = "publications_issueitem"  # the rows the issue index follows (by table name only)
# New documents wait in the GIN index's pending list until it is merged, and every index
# scan reads the whole list: the search walk scans the index once per block of ids, so
# at PostgreSQL's default (4 MB) a list left by the day's submissions and sign-offs cost
# 5 ms a scan (half the page) at 10⁶ items; autovacuum, which merges it, rarely runs on a
# table that large. 256 kB keeps a scan's share small; the insert that fills it merges it.
DOC_GIN_OPTION = "gin_pending_list_limit=256"
FTS5_OPTIONS = "title, body, keys, detail=column, tokenize=\"unicode61 remove_diacritics 0 tokenchars '.'\""


def ensure_schema(using: str = "default") -> None:
    """Create the engine-side structures if missing (idempotent; run after every migrate)."""
    conn = connections[using]
    with conn.cursor() as cursor:
        tables = conn.introspection.table_names(cursor)
        if conn.vendor == "sqlite":
            _ensure_sqlite(cursor, tables)
        elif conn.vendor == "postgresql":
            _ensure_postgresql(cursor, tables)


def _ensure_sqlite(cursor: Any, tables: list[str]) -> None:
    cursor.execute(f"CREATE VIRTUAL TABLE IF NOT EXISTS {DOC_FTS} USING fts5({FTS5_OPTIONS})")
    cursor.execute(
        f"CREATE TRIGGER IF NOT EXISTS items_searchdoc_search_delete AFTER DELETE ON {DOC_TABLE} "  # noqa: S608
        f"BEGIN DELETE FROM {DOC_FTS} WHERE rowid = old.id; END"
    )
    cursor.execute(f"CREATE VIRTUAL TABLE IF NOT EXISTS {ISSUE_FTS} USING fts5({FTS5_OPTIONS})")
    if ISSUE_ITEM_TABLE in tables:  # not yet while the first migrations run
        cursor.execute(
            f"CREATE TRIGGER IF NOT EXISTS items_issueitem_search_delete AFTER DELETE ON {ISSUE_ITEM_TABLE} "  # noqa: S608
            f"BEGIN DELETE FROM {ISSUE_FTS} WHERE rowid = old.id; END"
        )


def _ensure_postgresql(cursor: Any, tables: list[str]) -> None:
    cursor.execute(
        "SELECT 1 FROM information_schema.columns WHERE table_schema = current_schema() "
        "AND table_name = %s AND column_name = 'tsv'",
        [DOC_TABLE],
    )
    if cursor.fetchone() is None:
        cursor.execute(f"ALTER TABLE {DOC_TABLE} ADD COLUMN tsv tsvector")
        # Keep the row narrow: the tsvector goes to TOAST, so finding a match's id and
        # date reads little of the table.
        cursor.execute(f"ALTER TABLE {DOC_TABLE} SET (toast_tuple_target = 128)")
    # Only when missing: DDL inside a transaction with pending deferred constraint
    # checks (a reindex run inside one) is refused by PostgreSQL.
    cursor.execute("SELECT reloptions FROM pg_class WHERE relname = %s AND relkind = 'i'", [DOC_GIN])
    index = cursor.fetchone()
    if index is None:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(f"CREATE INDEX IF NOT EXISTS {DOC_GIN} ON {DOC_TABLE} USING gin (tsv) WITH ({DOC_GIN_OPTION})")
    elif DOC_GIN_OPTION not in (index[0] or []):
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(f"ALTER INDEX {DOC_GIN} SET ({DOC_GIN_OPTION})")
    if ISSUE_TABLE not in tables:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        # Lexemes without positions keep a row's tsvector in the row (≈ 1.6 kB for 20
        # items of 300 characters), so a scan of matches need not fetch TOAST; rows are
        # written once per issue item, so the GIN index takes them at once (no pending
        # list to read on every query).
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
        tables = conn.introspection.table_names(cursor)
        if conn.vendor == "sqlite":
            cursor.execute("DROP TRIGGER IF EXISTS items_searchdoc_search_delete")
            cursor.execute(f"DROP TABLE IF EXISTS {DOC_FTS}")
            cursor.execute("DROP TRIGGER IF EXISTS items_issueitem_search_delete")
            cursor.execute(f"DROP TABLE IF EXISTS {ISSUE_FTS}")
        elif conn.vendor == "postgresql":
            cursor.execute(f"DROP INDEX IF EXISTS {DOC_GIN}")
            if DOC_TABLE in tables:
                cursor.execute(f"ALTER TABLE {DOC_TABLE} DROP COLUMN IF EXISTS tsv")
            if ISSUE_ITEM_TABLE in tables:
                cursor.execute(f"DROP TRIGGER IF EXISTS items_issueitem_search_delete ON {ISSUE_ITEM_TABLE}")
                cursor.execute(f"DROP TRIGGER IF EXISTS items_issueitem_search_truncate ON {ISSUE_ITEM_TABLE}")
            cursor.execute("DROP FUNCTION IF EXISTS items_issuesearch_forget()")
            cursor.execute(f"DROP TABLE IF EXISTS {ISSUE_TABLE}")


def structures(using: str = "default") -> set[str]:
    """The engine structures present in the database: what the migration test checks."""
    conn = connections[using]
    found: set[str] = set()
    with conn.cursor() as cursor:
        if conn.vendor == "sqlite":
            cursor.execute("SELECT type, name, sql FROM sqlite_master WHERE type IN ('table', 'trigger')")
            for kind, name, sql in cursor.fetchall():
                if kind == "table" and "USING fts5" in (sql or ""):
                    found.add(f"fts5:{name}")
                elif kind == "trigger":
                    found.add(f"trigger:{name}")
        elif conn.vendor == "postgresql":
            cursor.execute(
                "SELECT table_name, column_name FROM information_schema.columns "
                "WHERE table_schema = current_schema() AND data_type = 'tsvector'"
            )
            found |= {f"tsvector:{table}.{column}" for table, column in cursor.fetchall()}
            cursor.execute(
                "SELECT i.relname FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid "
                "JOIN pg_am a ON a.oid = i.relam WHERE a.amname = 'gin'"
            )
            found |= {f"gin:{name}" for (name,) in cursor.fetchall()}
            cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
            found |= {f"trigger:{name}" for (name,) in cursor.fetchall()}
    return found
