"""``manage.py reindex``: rebuild the archive's index from every registered kind of document."""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import connection, connections
from tqdm import tqdm

from xinxi.archive import index as search_index
from xinxi.archive import registry, schema

Terms = list[tuple[tuple[str, ...], tuple[str, ...]]]


class Command(BaseCommand):
    help = "重建资料库检索索引（按日期先后，分批提交，显示进度）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=2000, help="每批文档数（每批一个事务），默认 2000。")
        parser.add_argument(
            "--jobs", type=int, default=min(4, os.cpu_count() or 1), help="分词进程数，默认为 CPU 核数（最多 4）。"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        schema.ensure_schema()
        plan = registry.planned_sources()
        jobs = max(1, options["jobs"])
        with tqdm(total=len(plan), unit="篇", desc="重建索引", disable=options["verbosity"] == 0) as bar:
            if jobs == 1:
                done = search_index.rebuild(plan=plan, batch_size=options["batch_size"], progress=bar.update)
            else:
                search_index.text_terms("预热")  # load jieba's dictionary once, before the workers fork
                if not connection.in_atomic_block:
                    connections.close_all()  # the workers never touch the database
                with multiprocessing.get_context("fork").Pool(jobs) as pool:

                    def segment(texts: list[tuple[str, str]]) -> Callable[[], Terms]:
                        size = max(1, len(texts) // (jobs * 4))
                        chunks = [texts[i : i + size] for i in range(0, len(texts), size)]
                        running = pool.map_async(search_index.segment_texts, chunks)
                        return lambda: [terms for part in running.get() for terms in part]

                    done = search_index.rebuild(
                        plan=plan, batch_size=options["batch_size"], segmenter=segment, progress=bar.update
                    )
        self.stdout.write(f"已重建 {done} 篇文档的检索索引。")
