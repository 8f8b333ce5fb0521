"""``manage.py reindex``: rebuild the archive's index from every registered kind of document.

The documents are rebuilt oldest first, a batch per transaction; worker processes (one
per core by default) segment the next batch while this process writes the current one.
Each batch records how far the rebuild got, so after an interruption (Ctrl-C, a lost
connection, a killed process) running the command again continues where it stopped;
``--restart`` starts from the beginning instead.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from collections.abc import Callable
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import connection, connections
from tqdm import tqdm

from xinxi.archive import index as search_index
from xinxi.archive import registry, schema

Terms = list[tuple[tuple[str, ...], tuple[str, ...]]]


class Command(BaseCommand):
    help = "重建资料库检索索引（按日期先后，分批提交，多进程分词，显示进度；中断后再次运行从中断处继续）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=2000, help="每批文档数（每批一个事务），默认 2000。")
        parser.add_argument(
            "--jobs", type=int, default=os.cpu_count() or 1, help="分词进程数，默认为 CPU 核数；1 表示不另开进程。"
        )
        parser.add_argument("--restart", action="store_true", help="不接续上次中断的重建，从头开始。")

    def handle(self, *args: Any, **options: Any) -> None:
        schema.ensure_schema()
        quiet = options["verbosity"] == 0
        if not quiet:
            self.stdout.write("正在列出要重建的文档……")
        plan = registry.planned_sources()
        if options["restart"]:
            search_index.forget_rebuild()
        start = search_index.resume_point(plan)
        if start and not quiet:
            self.stdout.write(
                f"接续上次中断的重建：前 {start} 篇已重建，从第 {start + 1} 篇继续（从头开始请加 --restart）。"
            )
        jobs = max(1, options["jobs"])
        started = time.perf_counter()
        with tqdm(total=len(plan), initial=start, unit="篇", desc="重建索引", disable=quiet, smoothing=0.05) as bar:
            if jobs == 1:
                done = search_index.rebuild(plan=plan, start=start, batch_size=options["batch_size"],
                                            progress=bar.update)
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
                        plan=plan, start=start, batch_size=options["batch_size"], segmenter=segment,
                        progress=bar.update,
                    )
        elapsed = time.perf_counter() - started
        rate = f"，{done / elapsed:.0f} 篇/秒" if elapsed > 0 and done else ""
        self.stdout.write(f"已重建 {done} 篇文档的检索索引（用时 {elapsed:.0f} 秒{rate}）。")
