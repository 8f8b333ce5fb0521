"""``manage.py backup``: the database and the uploaded files in one checked archive."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS

from xinxi.core import backup
from xinxi.core.management.commands._progress import Bars


class Command(BaseCommand):
    help = (
        "备份数据库与上传文件，写成一个 .tar 备份文件（含清单 manifest.json：迁移状态、每张表的行数、"
        "每个文件的 SHA-256），并在旁边写 .sha256 校验文件。服务运行时也可以备份。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--output", type=Path, default=None,
            help="备份目录，或以 .tar 结尾的文件名；默认 XINXI_VAR_DIR/backups/xinxi-年月日-时分秒.tar。",
        )
        parser.add_argument("--keep", type=int, default=None,
                            help="只保留该目录中最新的 N 份备份（删除更早的，连同其 .sha256）。")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help="数据库别名，默认 default。")
        parser.add_argument("--no-progress", action="store_true", help="不显示进度条（cron 中使用）。")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["keep"] is not None and options["keep"] < 1:
            raise CommandError("--keep 至少为 1。")
        bars = Bars(enabled=not options["no_progress"] and options["verbosity"] > 0)
        try:
            result = backup.backup_create(alias=options["database"], output=options["output"],
                                          keep=options["keep"], progress=bars)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from None
        finally:
            bars.close()
        manifest = result.manifest
        self.stdout.write(
            f"备份完成：{result.archive}（{result.archive.stat().st_size / 1024 / 1024:.1f} MB）\n"
            f"  数据库：{backup.KIND_LABELS[manifest.database]}，{len(manifest.tables)} 张表，"
            f"共 {sum(manifest.tables.values())} 行；上传文件 {len(manifest.media_files)} 个\n"
            f"  校验文件：{result.checksum}（SHA-256 {result.sha256}）"
        )
        for removed in result.removed:
            self.stdout.write(f"  按 --keep 删除旧备份：{removed.name}")
