"""Migrating an empty database from zero builds the archive's engine structures.

The suite creates its tables without migrations (``--no-migrations``); this test runs the
real ones, in a separate process, against a database of the kind the suite runs on (a
new SQLite file, or a new PostgreSQL database on the suite's server), and then asks the
migrated database which structures it has.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[3]

SQLITE_EXPECTED = {
    "fts5:items_search_fts",
    "fts5:items_issue_fts",
    "trigger:items_searchdoc_search_delete",
    "trigger:items_issueitem_search_delete",
}
POSTGRESQL_EXPECTED = {
    "tsvector:items_searchdoc.tsv",
    "gin:items_searchdoc_tsv",
    "tsvector:items_issuesearch.tsv",
    "gin:items_issuesearch_tsv",
    "trigger:items_issueitem_search_delete",
    "trigger:items_issueitem_search_truncate",
}


def _manage(database_url: str, tmp_path: Path, *args: str) -> str:
    env = {**os.environ, "DATABASE_URL": database_url, "XINXI_VAR_DIR": str(tmp_path)}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    done = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


@pytest.fixture
def empty_database(tmp_path: Path) -> Iterator[str]:
    """The URL of a new, empty database of the suite's kind, dropped afterwards."""
    if connection.vendor == "sqlite":
        yield f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
        return
    db: dict[str, Any] = settings.DATABASES["default"]
    name = f"xinxi_fromzero_{uuid.uuid4().hex[:8]}"
    params = {"host": db["HOST"], "port": db["PORT"] or 5432, "user": db["USER"], "password": db["PASSWORD"]}
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        auth = f"{db['USER']}:{db['PASSWORD']}@" if db["PASSWORD"] else f"{db['USER']}@"
        yield f"postgres://{auth}{db['HOST']}:{params['port']}/{name}"
    finally:
        with psycopg.connect(dbname="postgres", autocommit=True, **params) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_migrating_an_empty_database_builds_the_search_structures(empty_database: str, tmp_path: Path) -> None:
    _manage(empty_database, tmp_path, "migrate", "--no-input", "-v", "0")
    assert "[ ]" not in _manage(empty_database, tmp_path, "showmigrations", "items", "archive", "publications")
    script = "import json; from xinxi.archive.schema import structures; print(json.dumps(sorted(structures())))"
    found = set(json.loads(_manage(empty_database, tmp_path, "shell", "-c", script).strip().splitlines()[-1]))
    expected = SQLITE_EXPECTED if empty_database.startswith("sqlite") else POSTGRESQL_EXPECTED
    assert expected <= found, expected - found
    # The index works in the migrated database: a search runs through the engine's structures.
    count = "from xinxi.archive.models import SearchDoc; print(SearchDoc.objects.count())"
    assert _manage(empty_database, tmp_path, "shell", "-c", count).strip().splitlines()[-1] == "0"
    _manage(empty_database, tmp_path, "reindex", "--jobs", "1", "-v", "0")


@pytest.mark.django_db
def test_the_document_index_keeps_a_short_pending_list() -> None:
    from django.db import connection

    from xinxi.archive import schema

    if connection.vendor != "postgresql":
        pytest.skip("a PostgreSQL GIN index option")

    def options() -> list[str]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT reloptions FROM pg_class WHERE relname = %s", [schema.DOC_GIN])
            return list(cursor.fetchone()[0] or [])

    assert schema.DOC_GIN_OPTION in options()
    with connection.cursor() as cursor:  # an index made before the option: the next migrate sets it
        cursor.execute(f"ALTER INDEX {schema.DOC_GIN} RESET (gin_pending_list_limit)")
    assert schema.DOC_GIN_OPTION not in options()
    schema.ensure_schema()
    assert schema.DOC_GIN_OPTION in options()
