"""``manage.py backup`` / ``restore``: the demo province goes round a fresh database intact.

These tests commit (the backup reads the database from another connection or from
``pg_dump``), so they use ``transactional_db``. On PostgreSQL the restore goes into a
database created here (the test database's name + ``_restore``) and dropped afterwards;
on SQLite into a new file.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection, connections
from django.db.utils import load_backend

from xinxi.accounts.models import User
from xinxi.audit.models import AuditEvent
from xinxi.core import backup
from xinxi.instructions.levels import seed_default_levels
from xinxi.items import services
from xinxi.items.models import Attachment, DeskEntry, Submission
from xinxi.publications.models import Issue

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
# A file copied in from a Windows share keeps its GBK name: bytes that are not UTF-8.
GBK_NAME = "关于做好防汛工作的通知（第2号） 附件.pdf".encode("gbk")
ODD_NAME = "报告 #1 (终稿)；含空格&符号.docx"


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "var" / "media"
    return Path(settings.MEDIA_ROOT)


@pytest.fixture
def fresh_database(tmp_path: Path) -> Iterator[str]:
    """An empty database of the same kind as the test database, under the alias ``restored``."""
    alias = "restored"
    source = connection.settings_dict
    if connection.vendor == "postgresql":
        name = f"{source['NAME']}_restore"[:63]
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
            cursor.execute(f'CREATE DATABASE "{name}"')
    else:
        name = str(tmp_path / "restored.sqlite3")
    # A connection made here, not configured in settings: tests may use it like a dynamic alias.
    wrapper = load_backend(source["ENGINE"]).DatabaseWrapper({**source, "NAME": name}, alias)
    connections[alias] = wrapper
    try:
        yield alias
    finally:
        wrapper.close()
        del connections[alias]
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def load_demo_with_uploads(media: Path) -> None:
    seed_default_levels()  # what the migration seeds in a real database (tests run without migrations)
    call_command("load_demo", stdout=io.StringIO())
    call_command("load_demo_items", stdout=io.StringIO())
    reporter = User.objects.get(username="dc_xxy")
    item = services.item_create(actor=reporter, title="东城区汛期值守情况", body="东城区落实汛期值班制度。" * 5)
    services.attachment_add(actor=reporter, item=item, upload=SimpleUploadedFile("现场 照片（说明）.pdf", PDF))
    odd = media / "imports" / "2026"
    odd.mkdir(parents=True)
    (odd / os.fsdecode(GBK_NAME)).write_bytes(b"%PDF-1.4 gbk-named")
    (odd / ODD_NAME).write_bytes(b"PK odd-named")


def media_hashes(root: Path) -> dict[bytes, str]:
    """Every file under the upload directory by its raw name bytes, with its SHA-256."""
    found = {}
    for directory, _, files in os.walk(os.fsencode(root)):
        for name in files:
            path = os.path.join(directory, name)
            digest = hashlib.sha256(Path(os.fsdecode(path)).read_bytes()).hexdigest()
            found[os.path.relpath(path, os.fsencode(root))] = digest
    return found


@pytest.mark.django_db(transaction=True)
def test_demo_backup_restores_identical_on_a_fresh_database(media: Path, tmp_path: Path, fresh_database: str,
                                                            settings: Any) -> None:
    load_demo_with_uploads(media)
    counts = backup.database_counts()
    files = media_hashes(media)
    assert os.path.join(b"imports", b"2026", GBK_NAME) in files
    assert Attachment.objects.count() == 1 and Submission.objects.count() > 0 and Issue.objects.exists()

    out = io.StringIO()
    call_command("backup", "--output", str(tmp_path / "backups"), "--no-progress", stdout=out)
    assert "备份完成" in out.getvalue()
    (archive,) = (tmp_path / "backups").glob("xinxi-*.tar")
    assert (tmp_path / "backups" / f"{archive.name}.sha256").read_text().split() == [
        hashlib.sha256(archive.read_bytes()).hexdigest(), archive.name]
    assert AuditEvent.objects.filter(action="backup_create", actor_name="system").count() == 1

    settings.MEDIA_ROOT = tmp_path / "elsewhere" / "media"  # the new machine's upload directory
    out = io.StringIO()
    call_command("restore", str(archive), "--database", fresh_database, "--no-progress", stdout=out)
    assert "校验通过" in out.getvalue()
    assert f"{len(counts)} 张表的行数与备份清单一致" in out.getvalue()

    restored = backup.database_counts(fresh_database)
    # The only difference: the restored database records its own restore in the audit log.
    assert restored["audit_auditevent"] == counts["audit_auditevent"] + 1
    assert {**restored, "audit_auditevent": counts["audit_auditevent"]} == counts
    assert media_hashes(Path(settings.MEDIA_ROOT)) == files

    def receipts(alias: str) -> list[tuple[Any, ...]]:
        return list(Submission.objects.using(alias).order_by("pk").values_list("receipt_no", "title", "body"))

    assert receipts(fresh_database) == receipts("default")
    assert list(DeskEntry.objects.using(fresh_database).order_by("pk").values_list("state", "title")) == list(
        DeskEntry.objects.order_by("pk").values_list("state", "title"))
    assert list(Issue.objects.using(fresh_database).values_list("number", "year")) == list(
        Issue.objects.values_list("number", "year"))
    attachment = Attachment.objects.using(fresh_database).get()
    assert attachment.name == "现场 照片（说明）.pdf"
    assert (Path(settings.MEDIA_ROOT) / attachment.file.name).read_bytes() == PDF
    last = AuditEvent.objects.using(fresh_database).order_by("-id").first()
    assert last is not None and (last.action, last.actor_name) == ("backup_restore", "system")


@pytest.mark.django_db(transaction=True)
def test_damaged_backup_and_occupied_database_are_refused(media: Path, tmp_path: Path, fresh_database: str,
                                                          settings: Any) -> None:
    load_demo_with_uploads(media)
    result = backup.backup_create(output=tmp_path / "b.tar")
    empty = backup.database_counts(fresh_database)

    # A restore over the live, non-empty database needs --force.
    with pytest.raises(CommandError, match=r"目标不是空的.*请加 --force"):
        call_command("restore", str(result.archive), "--no-progress")

    # One byte changed in the middle of the archive: the checksum file catches it.
    damaged = tmp_path / "damaged.tar"
    data = bytearray(result.archive.read_bytes())
    data[len(data) // 2] ^= 0xFF
    damaged.write_bytes(bytes(data))
    (tmp_path / "damaged.tar.sha256").write_text(result.checksum.read_text().replace("b.tar", "damaged.tar"))
    settings.MEDIA_ROOT = tmp_path / "new" / "media"
    with pytest.raises(CommandError, match=r"备份文件已损坏：SHA-256 与 damaged\.tar\.sha256 记录的不一致.*拒绝恢复"):
        call_command("restore", str(damaged), "--database", fresh_database, "--no-progress")

    # Without the checksum file, the manifest's per-file SHA-256 still catches it.
    (tmp_path / "damaged.tar.sha256").unlink()
    with pytest.raises(CommandError, match=r"备份文件已损坏.*拒绝恢复"):
        call_command("restore", str(damaged), "--database", fresh_database, "--no-progress")
    with pytest.raises(CommandError, match="备份文件已损坏"):
        call_command("restore", str(damaged), "--check", "--no-progress")

    # Nothing was written anywhere by the refused restores.
    assert backup.database_counts(fresh_database) == empty
    assert not Path(settings.MEDIA_ROOT).exists()

    # The intact archive checks out.
    out = io.StringIO()
    call_command("restore", str(result.archive), "--check", "--no-progress", stdout=out)
    assert "备份完好" in out.getvalue()


def test_missing_pg_client_is_a_clear_chinese_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setenv("XINXI_PG_BIN", str(tmp_path))
    monkeypatch.setattr(backup, "PG_VERSIONED_DIRS", tmp_path)
    with pytest.raises(backup.BackupError, match=r"找不到 pg_dump.*apt-get install postgresql-client"):
        backup.pg_binary("pg_dump")
    (tmp_path / "15" / "bin").mkdir(parents=True)
    client = tmp_path / "15" / "bin" / "pg_dump"
    client.write_text("#!/bin/sh\n")
    client.chmod(0o755)
    assert backup.pg_binary("pg_dump") == str(client)


@pytest.mark.django_db(transaction=True)
def test_keep_prunes_older_backups(media: Path, tmp_path: Path) -> None:
    directory = tmp_path / "backups"
    directory.mkdir()
    for stamp in ("20260101-010000", "20260102-010000"):
        (directory / f"xinxi-{stamp}.tar").write_bytes(b"old")
        (directory / f"xinxi-{stamp}.tar.sha256").write_text("x")
    with time_machine.travel(dt.datetime(2026, 6, 1, 10, 0, tzinfo=dt.UTC), tick=False):
        result = backup.backup_create(output=directory, keep=2)
    assert result.archive.name == "xinxi-20260601-180000.tar"
    assert sorted(p.name for p in directory.glob("xinxi-*.tar")) == ["xinxi-20260102-010000.tar", result.archive.name]
    assert not (directory / "xinxi-20260101-010000.tar.sha256").exists()
