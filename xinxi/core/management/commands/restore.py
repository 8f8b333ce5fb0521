"""``manage.py restore``: put a backup archive back, refuse a damaged one, verify the result."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS

from xinxi.core import backup
from xinxi.core.management.commands._progress import Bars


class Command(BaseCommand):
    help = (
        "从 manage.py backup 的备份文件恢复数据库与上传文件。先核对校验和（损坏的备份拒绝恢复），"
        "目标非空时须加 --force；恢复后逐表核对行数、逐个核对文件的 SHA-256。恢复前请先停止服务。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", type=Path, help="备份文件（.tar）")
        parser.add_argument("--force", action="store_true", help="目标数据库或上传目录非空时仍然覆盖。")
        parser.add_argument("--check", action="store_true", help="只核对备份文件是否完好，不恢复。")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help="数据库别名，默认 default。")
        parser.add_argument("--no-progress", action="store_true", help="不显示进度条。")

    def handle(self, *args: Any, **options: Any) -> None:
        archive: Path = options["archive"]
        bars = Bars(enabled=not options["no_progress"] and options["verbosity"] > 0)
        try:
            if options["check"]:
                self._check(archive, bars)
                return
            result = backup.backup_restore(archive=archive, alias=options["database"], force=options["force"],
                                           progress=bars)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from None
        finally:
            bars.close()
        self.stdout.write(
            f"已恢复 {archive.name}（{backup.describe_time(result.manifest)} 的备份）。\n"
            f"校验通过：{result.tables} 张表的行数与备份清单一致（共 {result.rows} 行），"
            f"{result.files} 个上传文件的 SHA-256 与清单一致。"
        )
        if result.extra_tables:
            self.stdout.write(f"注意：数据库中还有备份里没有的表：{'、'.join(result.extra_tables)}。")
        if result.pending_migrations:
            self.stdout.write(
                f"注意：备份早于当前程序，有 {len(result.pending_migrations)} 个迁移尚未应用，"
                "请运行 python manage.py migrate。"
            )

    def _check(self, archive: Path, bars: Bars) -> None:
        manifest, has_sum = backup.read_manifest(archive, progress=bars)
        with tempfile.TemporaryDirectory(prefix=".xinxi-check-", dir=archive.parent) as staging:
            backup.extract(archive, manifest, Path(staging), bars)
        note = "" if has_sum else f"（旁边没有 {archive.name}.sha256，只核对了清单）"
        self.stdout.write(
            f"备份完好{note}：{backup.describe_time(manifest)}，{backup.KIND_LABELS[manifest.database]}，"
            f"{len(manifest.tables)} 张表共 {sum(manifest.tables.values())} 行，"
            f"{len(manifest.files)} 个文件校验和一致。"
        )
