"""Backup and restore: the database and the uploaded files in one archive with a manifest.

An archive is a plain ``tar`` file (``xinxi-YYYYMMDD-HHMMSS.tar``) holding

- ``database.sqlite3`` (SQLite's online backup API: a consistent copy while the server
  runs) or ``database.pgdump`` (``pg_dump -Fc`` on an exported snapshot);
- ``media/…``: every uploaded file (attachments, handling reports) under ``MEDIA_ROOT``;
- ``manifest.json``: format version, time, database kind, the applied Django migrations,
  the row count of every table (counted in the same snapshot as the dump) and the size
  and SHA-256 of every file above;
- ``manifest.sha256``: the SHA-256 of ``manifest.json``.

Next to it, ``<archive>.sha256`` holds the archive's own SHA-256 in ``sha256sum`` format
(``sha256sum -c`` checks it). A restore refuses an archive whose checksums disagree,
replaces the database and the upload directory only after every file checked out, and
ends by counting the rows and hashing the files again against the manifest.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

import django
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils import timezone

from xinxi.audit.models import AuditEvent
from xinxi.audit.services import audit_record

FORMAT = "xinxi-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
MANIFEST_SUM = "manifest.sha256"
DATABASE_FILES = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
MEDIA = "media"
CHUNK = 1024 * 1024
SYSTEM_ACTOR = "system"
# Tables that a freshly migrated database already fills: they do not make it "not empty".
BOOKKEEPING_TABLES = {"django_migrations", "django_content_type", "auth_permission"}
# Debian/Ubuntu install the client programs of each major version here.
PG_VERSIONED_DIRS = Path("/usr/lib/postgresql")
KIND_LABELS = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}

Progress = Callable[[str, int, int | None], None]
"""``progress(stage, advance, total)``: ``total`` is given once per stage, with ``advance`` 0."""


class BackupError(Exception):
    """A refusal with a Chinese message for the operator."""


@dataclass
class FileEntry:
    path: str  # inside the archive, "/"-separated; undecodable bytes as surrogate escapes
    size: int
    sha256: str

    def as_json(self) -> dict[str, Any]:
        raw = os.fsencode(self.path)
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError:
            # A name that is not UTF-8 (e.g. GBK bytes from a Windows share) is kept as bytes.
            return {"path": raw.decode("utf-8", "backslashreplace"), "path_bytes": raw.hex(),
                    "size": self.size, "sha256": self.sha256}
        return {"path": self.path, "size": self.size, "sha256": self.sha256}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> FileEntry:
        path = os.fsdecode(bytes.fromhex(data["path_bytes"])) if "path_bytes" in data else str(data["path"])
        return cls(path=path, size=int(data["size"]), sha256=str(data["sha256"]))


@dataclass
class Manifest:
    created_at: str
    database: str
    migrations: dict[str, list[str]]
    tables: dict[str, int]
    files: list[FileEntry]
    server: str = ""
    django: str = field(default_factory=django.get_version)

    def as_bytes(self) -> bytes:
        data = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "created_at": self.created_at,
            "django": self.django,
            "database": {"kind": self.database, "server": self.server, "file": DATABASE_FILES[self.database]},
            "migrations": self.migrations,
            "tables": self.tables,
            "files": [f.as_json() for f in self.files],
        }
        return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=False).encode("utf-8")

    @classmethod
    def parse(cls, raw: bytes) -> Manifest:
        try:
            data = json.loads(raw.decode("utf-8"))
            if data.get("format") != FORMAT:
                raise BackupError("这不是 Xinxi 的备份文件（清单格式不符）。")
            if int(data["format_version"]) > FORMAT_VERSION:
                raise BackupError(
                    f"备份格式版本 {data['format_version']} 比本程序支持的 {FORMAT_VERSION} 新，请先升级程序再恢复。"
                )
            return cls(
                created_at=str(data["created_at"]),
                database=str(data["database"]["kind"]),
                server=str(data["database"].get("server", "")),
                migrations={k: list(v) for k, v in data["migrations"].items()},
                tables={k: int(v) for k, v in data["tables"].items()},
                files=[FileEntry.from_json(f) for f in data["files"]],
                django=str(data.get("django", "")),
            )
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise BackupError(f"备份清单无法读取，备份已损坏：{exc}") from None

    @property
    def database_file(self) -> str:
        return DATABASE_FILES[self.database]

    @property
    def media_files(self) -> list[FileEntry]:
        return [f for f in self.files if f.path.startswith(MEDIA + "/")]


@dataclass
class BackupResult:
    archive: Path
    checksum: Path
    manifest: Manifest
    sha256: str
    removed: list[Path] = field(default_factory=list)


@dataclass
class RestoreResult:
    manifest: Manifest
    tables: int
    rows: int
    files: int
    pending_migrations: list[str]
    extra_tables: list[str]


# --- helpers ---------------------------------------------------------------------


def sha256_file(path: Path | str, progress: Callable[[int], None] | None = None) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(CHUNK):
            digest.update(chunk)
            if progress:
                progress(len(chunk))
    return digest.hexdigest()


def _quiet(stage: str, advance: int, total: int | None) -> None:
    return None


def database_kind(connection: BaseDatabaseWrapper) -> str:
    if connection.vendor in DATABASE_FILES:
        return str(connection.vendor)
    raise BackupError(f"不支持备份 {connection.vendor} 数据库：只支持 SQLite 和 PostgreSQL。")


def _check_outside_transaction(connection: BaseDatabaseWrapper) -> None:
    if connection.in_atomic_block:
        raise BackupError("备份与恢复不能在数据库事务中运行。")


def pg_binary(name: str) -> str:
    """``pg_dump``/``pg_restore``: ``XINXI_PG_BIN``, then ``PATH``, then Debian's versioned directories."""
    candidates: list[Path] = []
    if os.environ.get("XINXI_PG_BIN"):
        candidates.append(Path(os.environ["XINXI_PG_BIN"]) / name)
    found = shutil.which(name)
    if found:
        candidates.append(Path(found))

    def version(p: Path) -> int:
        return int(p.name) if p.name.isdigit() else 0

    for directory in sorted(PG_VERSIONED_DIRS.glob("*"), key=version, reverse=True):
        candidates.append(directory / "bin" / name)
    for candidate in candidates:
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    raise BackupError(
        f"找不到 {name}：PostgreSQL 的备份与恢复需要 PostgreSQL 客户端程序。"
        "请安装（Debian/Ubuntu：apt-get install postgresql-client），"
        "或用环境变量 XINXI_PG_BIN 指定 pg_dump 所在的目录。"
    )


def pg_connection_args(settings_dict: dict[str, Any]) -> tuple[list[str], dict[str, str]]:
    """Command-line arguments and environment for the PostgreSQL client programs."""
    args: list[str] = []
    env = dict(os.environ)
    if settings_dict.get("HOST"):
        args += ["--host", str(settings_dict["HOST"])]
    if settings_dict.get("PORT"):
        args += ["--port", str(settings_dict["PORT"])]
    if settings_dict.get("USER"):
        args += ["--username", str(settings_dict["USER"])]
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings_dict["PASSWORD"])
    options = settings_dict.get("OPTIONS") or {}
    for option, variable in (("sslmode", "PGSSLMODE"), ("sslrootcert", "PGSSLROOTCERT")):
        if options.get(option):
            env[variable] = str(options[option])
    args += ["--dbname", str(settings_dict["NAME"])]
    return args, env


def _run_client(command: list[str], env: dict[str, str], marker: re.Pattern[str], tick: Callable[[], None]) -> None:
    """Run pg_dump/pg_restore in verbose mode; each stderr line matching ``marker`` is one step."""
    process = subprocess.Popen(  # noqa: S603 (the client's full path, our arguments)
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, encoding="utf-8",
        errors="replace"
    )
    assert process.stderr is not None
    errors: list[str] = []
    for line in process.stderr:
        if marker.search(line):
            tick()
        elif "error" in line.lower() or "错误" in line:
            errors.append(line.strip())
    if process.wait() != 0:
        detail = "；".join(errors[-3:]) or f"退出码 {process.returncode}"
        raise BackupError(f"{Path(command[0]).name} 失败：{detail}")


def _sqlite_tables(cursor: sqlite3.Cursor) -> list[str]:
    cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
    return [row[0] for row in cursor.fetchall()]


def _pg_tables(cursor: Any) -> list[str]:
    cursor.execute(
        "SELECT tablename FROM pg_tables WHERE schemaname = ANY(current_schemas(false)) ORDER BY tablename"
    )
    return [row[0] for row in cursor.fetchall()]


def _count_rows(cursor: Any, tables: list[str]) -> dict[str, int]:
    counts = {}
    for table in tables:
        quoted = '"' + table.replace('"', '""') + '"'
        cursor.execute(f"SELECT COUNT(*) FROM {quoted}")  # noqa: S608 (a quoted name from the catalogue)
        counts[table] = int(cursor.fetchone()[0])
    return counts


def _migrations(cursor: Any, tables: list[str]) -> dict[str, list[str]]:
    if "django_migrations" not in tables:
        return {}
    cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
    applied: dict[str, list[str]] = {}
    for app, name in cursor.fetchall():
        applied.setdefault(app, []).append(name)
    return applied


def _media_root() -> Path:
    return Path(settings.MEDIA_ROOT)


def _media_files(root: Path) -> Iterator[tuple[Path, str]]:
    """Every regular file under the upload directory, with its "/"-separated relative path."""
    if not root.is_dir():
        return
    for directory, dirs, files in os.walk(root):
        dirs.sort()
        for name in sorted(files):
            path = Path(directory) / name
            if path.is_file() and not path.is_symlink():
                yield path, path.relative_to(root).as_posix()


class _HashingReader(io.RawIOBase):
    """Reads a file for tarfile while hashing it and reporting progress."""

    def __init__(self, f: IO[bytes], tick: Callable[[int], None]) -> None:
        self.f, self.tick, self.digest = f, tick, hashlib.sha256()

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        chunk = self.f.read(size)
        self.digest.update(chunk)
        self.tick(len(chunk))
        return chunk


class _PageProgress:
    """SQLite's backup callback (pages remaining of total) as steps of a progress bar."""

    def __init__(self, progress: Progress) -> None:
        self.progress, self.done, self.started = progress, 0, False

    def __call__(self, status: int, remaining: int, total: int) -> None:
        if not self.started:
            self.progress("database", 0, total)
            self.started = True
        self.progress("database", total - remaining - self.done, None)
        self.done = total - remaining


def _audit(alias: str, action: str, detail: dict[str, Any]) -> None:
    """The audit row of a backup or restore, written by the system into the database it concerns."""
    with transaction.atomic(using=alias):
        if alias == DEFAULT_DB_ALIAS:
            audit_record(actor=None, actor_name=SYSTEM_ACTOR, action=action, detail=detail)
        else:
            AuditEvent.objects.using(alias).create(actor_name=SYSTEM_ACTOR, action=action, detail=detail)


# --- backup ----------------------------------------------------------------------


def default_backup_dir() -> Path:
    return Path(settings.VAR_DIR) / "backups"


def backup_create(*, alias: str = "default", output: Path | None = None, keep: int | None = None,
                  progress: Progress = _quiet) -> BackupResult:
    """Write one archive of the database and the uploads; returns where and what."""
    connection = connections[alias]
    kind = database_kind(connection)
    _check_outside_transaction(connection)
    now = timezone.now()
    stamp = timezone.localtime(now).strftime("%Y%m%d-%H%M%S")
    target = Path(output) if output else default_backup_dir()
    if target.suffix != ".tar":
        target = target / f"xinxi-{stamp}.tar"
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists():
        raise BackupError(f"备份文件 {target} 已存在，不会覆盖。")
    with tempfile.TemporaryDirectory(prefix=".xinxi-backup-", dir=target.parent) as staging:
        database_file = Path(staging) / DATABASE_FILES[kind]
        if kind == "sqlite":
            tables, migrations, server = _sqlite_dump(connection, database_file, progress)
        else:
            tables, migrations, server = _pg_dump(connection, database_file, progress)
        manifest = Manifest(created_at=now.astimezone(UTC).isoformat(timespec="seconds"), database=kind,
                            migrations=migrations, tables=tables, files=[], server=server)
        partial = target.with_name(target.name + ".partial")
        try:
            _write_archive(partial, database_file, manifest, progress)
            archive_sum = sha256_file(partial)
            partial.rename(target)
        finally:
            partial.unlink(missing_ok=True)
    checksum = target.with_name(target.name + ".sha256")
    checksum.write_text(f"{archive_sum}  {target.name}\n", encoding="utf-8")
    removed = _prune(target.parent, keep) if keep else []
    _audit(alias, "backup_create", {
        "file": str(target), "sha256": archive_sum, "tables": len(tables), "rows": sum(tables.values()),
        "files": len(manifest.media_files), "removed": [p.name for p in removed],
    })
    return BackupResult(archive=target, checksum=checksum, manifest=manifest, sha256=archive_sum, removed=removed)


def _sqlite_dump(connection: BaseDatabaseWrapper, destination: Path,
                 progress: Progress) -> tuple[dict[str, int], dict[str, list[str]], str]:
    """SQLite's online backup API, page by page; counts come from the copy itself."""
    source = sqlite3.connect(connection.settings_dict["NAME"], timeout=60)
    copy = sqlite3.connect(destination)
    try:
        # One read transaction on the source for the whole copy: in WAL mode writers carry on,
        # and the copy is that snapshot (no restart of the copy when someone writes meanwhile).
        source.execute("BEGIN")
        source.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
        source.backup(copy, pages=256, progress=_PageProgress(progress))
        source.rollback()
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
        if copy.execute("PRAGMA quick_check").fetchone()[0] != "ok":
            raise BackupError("数据库副本未通过 SQLite 完整性检查（quick_check），备份未完成。")
        cursor = copy.cursor()
        tables = _sqlite_tables(cursor)
        return _count_rows(cursor, tables), _migrations(cursor, tables), f"SQLite {sqlite3.sqlite_version}"
    finally:
        copy.close()
        source.close()


DUMP_MARKER = re.compile(r"dumping contents of table")
RESTORE_MARKER = re.compile(r"processing data for table")


def _pg_dump(connection: BaseDatabaseWrapper, destination: Path,
             progress: Progress) -> tuple[dict[str, int], dict[str, list[str]], str]:
    """``pg_dump -Fc`` of a snapshot exported by a transaction that counts the rows in it."""
    binary = pg_binary("pg_dump")
    args, env = pg_connection_args(connection.settings_dict)
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot(), current_setting('server_version')")
        snapshot, version = cursor.fetchone()
        tables = _pg_tables(cursor)
        counts = _count_rows(cursor, tables)
        migrations = _migrations(cursor, tables)
        progress("database", 0, len(tables))
        command = [binary, "--format=custom", "--verbose", f"--snapshot={snapshot}", f"--file={destination}", *args]
        _run_client(command, env, DUMP_MARKER, lambda: progress("database", 1, None))
    return counts, migrations, f"PostgreSQL {version}"


def _write_archive(path: Path, database_file: Path, manifest: Manifest, progress: Progress) -> None:
    media = list(_media_files(_media_root()))
    total = database_file.stat().st_size + sum(p.stat().st_size for p, _ in media)
    progress("archive", 0, total)

    def tick(n: int) -> None:
        progress("archive", n, None)

    with tarfile.open(path, "w", format=tarfile.PAX_FORMAT) as tar:
        sources = [(database_file, manifest.database_file), *((p, f"{MEDIA}/{rel}") for p, rel in media)]
        for source, name in sources:
            info = tar.gettarinfo(str(source), arcname=name)
            info.uid = info.gid = 0
            info.uname = info.gname = ""
            with open(source, "rb") as f:
                reader = _HashingReader(f, tick)
                tar.addfile(info, reader)  # type: ignore[arg-type]
            manifest.files.append(FileEntry(path=name, size=info.size, sha256=reader.digest.hexdigest()))
        raw = manifest.as_bytes()
        for name, data in ((MANIFEST, raw), (MANIFEST_SUM, hashlib.sha256(raw).hexdigest().encode() + b"\n")):
            info = tarfile.TarInfo(name)
            info.size, info.mtime, info.mode = len(data), int(timezone.now().timestamp()), 0o644
            tar.addfile(info, io.BytesIO(data))


def _prune(directory: Path, keep: int) -> list[Path]:
    """Keep the newest ``keep`` archives of this directory (names sort by time)."""
    archives = sorted(directory.glob("xinxi-*.tar"))
    removed = archives[: max(0, len(archives) - keep)]
    for archive in removed:
        archive.unlink()
        archive.with_name(archive.name + ".sha256").unlink(missing_ok=True)
    return removed


# --- restore ---------------------------------------------------------------------


def read_manifest(archive: Path, *, progress: Progress = _quiet) -> tuple[Manifest, bool]:
    """Check the archive's checksum file (when present) and the manifest's own checksum.

    Returns the manifest and whether the archive's checksum file was there.
    """
    if not archive.is_file():
        raise BackupError(f"备份文件 {archive} 不存在。")
    checksum = archive.with_name(archive.name + ".sha256")
    has_sum = checksum.is_file()
    if has_sum:
        expected = checksum.read_text(encoding="utf-8", errors="replace").split()
        progress("check", 0, archive.stat().st_size)
        actual = sha256_file(archive, lambda n: progress("check", n, None))
        if not expected or expected[0].lower() != actual:
            raise BackupError(
                f"备份文件已损坏：SHA-256 与 {checksum.name} 记录的不一致（记录 {expected[0] if expected else '空'}，"
                f"实际 {actual}）。拒绝恢复，请换用另一份备份。"
            )
    try:
        with tarfile.open(archive, "r:") as tar:
            raw = _member_bytes(tar, MANIFEST)
            recorded = _member_bytes(tar, MANIFEST_SUM).decode("ascii", "replace").strip()
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise BackupError(f"备份文件已损坏，无法读取：{exc}。拒绝恢复。") from None
    if hashlib.sha256(raw).hexdigest() != recorded:
        raise BackupError("备份文件已损坏：清单 manifest.json 的校验和不符。拒绝恢复。")
    return Manifest.parse(raw), has_sum


def _member_bytes(tar: tarfile.TarFile, name: str) -> bytes:
    try:
        member = tar.getmember(name)
    except KeyError:
        raise BackupError(f"备份文件不完整：缺少 {name}。拒绝恢复。") from None
    f = tar.extractfile(member)
    if f is None:
        raise BackupError(f"备份文件已损坏：{name} 不是普通文件。拒绝恢复。")
    return f.read()


def _safe_name(name: str) -> bool:
    parts = name.split("/")
    return bool(name) and not name.startswith("/") and ".." not in parts and "" not in parts


def extract(archive: Path, manifest: Manifest, staging: Path, progress: Progress) -> None:
    """Extract every listed file into ``staging``, hashing as it goes; any disagreement refuses."""
    expected = {f.path: f for f in manifest.files}
    seen: set[str] = set()
    progress("extract", 0, sum(f.size for f in manifest.files))
    try:
        with tarfile.open(archive, "r:") as tar:
            for member in tar:
                if member.name in (MANIFEST, MANIFEST_SUM):
                    continue
                entry = expected.get(member.name)
                if entry is None or not member.isfile() or not _safe_name(member.name):
                    raise BackupError(f"备份文件已损坏：含有清单以外的内容 {member.name!r}。拒绝恢复。")
                target = staging / member.name
                target.parent.mkdir(parents=True, exist_ok=True)
                source = tar.extractfile(member)
                assert source is not None
                digest = hashlib.sha256()
                with open(target, "wb") as out:
                    while chunk := source.read(CHUNK):
                        digest.update(chunk)
                        out.write(chunk)
                        progress("extract", len(chunk), None)
                if digest.hexdigest() != entry.sha256:
                    raise BackupError(f"备份文件已损坏：{_shown(member.name)} 的 SHA-256 与清单不符。拒绝恢复。")
                seen.add(member.name)
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise BackupError(f"备份文件已损坏，无法读取：{exc}。拒绝恢复。") from None
    missing = sorted(set(expected) - seen)
    if missing:
        raise BackupError(f"备份文件不完整：缺少 {len(missing)} 个文件（如 {_shown(missing[0])}）。拒绝恢复。")


def _shown(path: str) -> str:
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def _sqlite_counts(path: str) -> tuple[dict[str, int], dict[str, list[str]]]:
    if not Path(path).exists():
        return {}, {}
    db = sqlite3.connect(path, timeout=60)
    try:
        cursor = db.cursor()
        tables = _sqlite_tables(cursor)
        return _count_rows(cursor, tables), _migrations(cursor, tables)
    finally:
        db.close()


def _pg_counts(connection: BaseDatabaseWrapper) -> tuple[dict[str, int], dict[str, list[str]]]:
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        tables = _pg_tables(cursor)
        return _count_rows(cursor, tables), _migrations(cursor, tables)


def database_counts(alias: str = "default") -> dict[str, int]:
    """Rows per table of the database, counted the way the manifest counts them."""
    connection = connections[alias]
    if database_kind(connection) == "sqlite":
        return _sqlite_counts(connection.settings_dict["NAME"])[0]
    return _pg_counts(connection)[0]


def _occupied(alias: str) -> list[str]:
    """What would be overwritten: tables with rows (beyond what ``migrate`` writes) and uploads."""
    found = [f"{table}（{rows} 行）" for table, rows in database_counts(alias).items()
             if rows and table not in BOOKKEEPING_TABLES]
    media = sum(1 for _ in _media_files(_media_root()))
    if media:
        found.append(f"上传文件目录 {_media_root()}（{media} 个文件）")
    return found


def backup_restore(*, archive: Path, alias: str = "default", force: bool = False,
                   progress: Progress = _quiet) -> RestoreResult:
    """Replace the database and the uploads with the archive's, then verify them against the manifest."""
    connection = connections[alias]
    kind = database_kind(connection)
    _check_outside_transaction(connection)
    manifest, _ = read_manifest(archive, progress=progress)
    if manifest.database != kind:
        raise BackupError(
            f"这份备份来自 {KIND_LABELS.get(manifest.database, manifest.database)}，当前数据库是 {KIND_LABELS[kind]}："
            "不能跨数据库类型恢复。"
        )
    occupied = _occupied(alias)
    if occupied and not force:
        shown = "、".join(occupied[:5]) + ("等" if len(occupied) > 5 else "")
        raise BackupError(f"目标不是空的：{shown}。恢复会覆盖这些数据；确认要覆盖时请加 --force。")
    media_root = _media_root()
    media_root.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".xinxi-restore-", dir=media_root.parent) as staging_dir:
        staging = Path(staging_dir)
        extract(archive, manifest, staging, progress)
        connections[alias].close()
        if kind == "sqlite":
            _sqlite_load(connection, staging / manifest.database_file, progress)
        else:
            _pg_load(connection, staging / manifest.database_file, force=force, progress=progress)
        _replace_media(staging / MEDIA, media_root)
    result = _verify(manifest, alias, progress)
    _audit(alias, "backup_restore", {
        "file": str(archive), "created_at": manifest.created_at, "tables": result.tables,
        "rows": result.rows, "files": result.files, "force": force,
    })
    return result


def _sqlite_load(connection: BaseDatabaseWrapper, source_file: Path, progress: Progress) -> None:
    name = connection.settings_dict["NAME"]
    Path(name).parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(source_file)
    target = sqlite3.connect(name, timeout=60)
    try:
        target.execute("PRAGMA journal_mode=DELETE")  # WAL needs equal page sizes; set back below
        source.backup(target, pages=256, progress=_PageProgress(progress))
        target.execute("PRAGMA journal_mode=WAL")
    except sqlite3.Error as exc:
        raise BackupError(f"写入 SQLite 数据库 {name} 失败：{exc}（恢复前请先停止服务）。") from None
    finally:
        target.close()
        source.close()


def _pg_load(connection: BaseDatabaseWrapper, dump: Path, *, force: bool, progress: Progress) -> None:
    """``pg_restore`` in one transaction: a failure leaves the database as it was."""
    binary = pg_binary("pg_restore")
    args, env = pg_connection_args(connection.settings_dict)
    listing = subprocess.run(  # noqa: S603 (the client's full path, our arguments)
        [binary, "--list", str(dump)], capture_output=True, text=True, check=False, env=env
    )
    if listing.returncode != 0:
        raise BackupError(f"pg_restore 读不了数据库备份：{listing.stderr.strip()[:300]}")
    progress("database", 0, sum(1 for line in listing.stdout.splitlines() if " TABLE DATA " in line))
    command = [binary, "--verbose", "--no-owner", "--no-acl", "--single-transaction", "--exit-on-error"]
    if force:
        command += ["--clean", "--if-exists"]
    _run_client([*command, *args, str(dump)], env, RESTORE_MARKER, lambda: progress("database", 1, None))


def _replace_media(staged: Path, media_root: Path) -> None:
    """Swap the upload directory for the restored one (renames on the same file system)."""
    staged.mkdir(parents=True, exist_ok=True)
    old = media_root.with_name(media_root.name + ".before-restore")
    if media_root.exists():
        if old.exists():
            shutil.rmtree(old)
        media_root.rename(old)
    staged.rename(media_root)
    if old.exists():
        shutil.rmtree(old)


def _verify(manifest: Manifest, alias: str, progress: Progress) -> RestoreResult:
    """Count the rows and hash the uploads again; any difference from the manifest is an error."""
    connection = connections[alias]
    if database_kind(connection) == "sqlite":
        counts, migrations = _sqlite_counts(connection.settings_dict["NAME"])
    else:
        counts, migrations = _pg_counts(connection)
    problems = [f"{table}：备份 {rows} 行，恢复后 {counts.get(table, '缺表')}"
                for table, rows in manifest.tables.items() if counts.get(table) != rows]
    if migrations != manifest.migrations:
        problems.append("已应用的迁移与备份清单不一致")
    media_root = _media_root()
    expected = {f.path[len(MEDIA) + 1:]: f for f in manifest.media_files}
    found = dict(_media_files(media_root))
    actual = {rel: path for path, rel in found.items()}
    progress("verify", 0, sum(f.size for f in expected.values()))
    for rel, entry in expected.items():
        if rel not in actual:
            problems.append(f"缺少上传文件 {_shown(rel)}")
        elif sha256_file(actual[rel], lambda n: progress("verify", n, None)) != entry.sha256:
            problems.append(f"上传文件 {_shown(rel)} 的 SHA-256 与清单不符")
    problems += [f"多出上传文件 {_shown(rel)}" for rel in sorted(set(actual) - set(expected))]
    if problems:
        raise BackupError("恢复后校验失败：" + "；".join(problems[:10]))
    return RestoreResult(
        manifest=manifest, tables=len(manifest.tables), rows=sum(manifest.tables.values()), files=len(expected),
        pending_migrations=_pending_migrations(alias),
        extra_tables=sorted(t for t in counts if t not in manifest.tables and counts[t]),
    )


def _pending_migrations(alias: str) -> list[str]:
    """Migrations of this code that the restored database lacks (an older backup): ``migrate`` adds them."""
    from django.db.migrations.executor import MigrationExecutor

    with contextlib.suppress(Exception):  # a database without django_migrations (never migrated)
        executor = MigrationExecutor(connections[alias])
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
        return [f"{m.app_label}.{m.name}" for m, _ in plan]
    return []


def describe_time(manifest: Manifest) -> str:
    try:
        return timezone.localtime(datetime.fromisoformat(manifest.created_at)).strftime("%Y-%m-%d %H:%M:%S")
    except ValueError:
        return manifest.created_at
