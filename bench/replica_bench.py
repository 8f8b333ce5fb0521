"""Start a streaming replica of the local PostgreSQL, serve search from it, measure, stop it.

Usage, from the repository root, as root, on a benchmark database that holds items and
their search index (``bench/generate.py``)::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/xinxi_bench .venv/bin/python bench/replica_bench.py

Options: ``--port P`` (the replica's port; default a free one), ``--runs N`` (rounds of
the 53 queries of ``bench/search_bench.py``, default 3), ``--bursts N`` (lag
measurements, default 10), ``--keep`` (leave the replica running and print how to stop it).

What it does:

1. Lets replication connections from 127.0.0.1 in: when the primary's ``pg_hba.conf``
   has no ``replication`` line it appends ``host replication all 127.0.0.1/32 trust``
   and reloads; the file is restored (and reloaded) at the end.
2. ``pg_basebackup -R -X stream`` of the whole cluster into a temporary directory owned
   by the ``postgres`` user (``runuser``), writes a minimal ``postgresql.conf`` (the port,
   loopback only, ``hot_standby``), starts it with ``pg_ctl`` and waits until the primary's
   ``pg_stat_replication`` shows it streaming.
3. Runs the search API (``GET /api/v1/search/`` through the whole stack as
   ``bench_editor``, the router of ``xinxi/lib/db.py`` included) for every query, first
   with ``READ_REPLICA`` off (the primary) and then on (the replica), in the same run; it
   counts the queries each connection ran and the replica's ``pg_stat_database`` reads,
   so that the figures show where search was served from.
4. Measures replication lag: a burst of 2,000 inserted rows (a scratch table) committed
   on the primary, then the time until the replica has replayed that commit's WAL
   position (``pg_last_wal_replay_lsn``).
5. Stops the replica and removes its directory (also after an error or Ctrl+C).

Prints figures; it never passes or fails.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PG_BIN = Path(os.environ.get("XINXI_PG_BIN", "/usr/lib/postgresql/15/bin"))
HBA_LINE = "host replication all 127.0.0.1/32 trust"


def as_postgres(*command: str, **kwargs: Any) -> subprocess.CompletedProcess[str]:
    prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    return subprocess.run([*prefix, *command], check=True, text=True, capture_output=True, **kwargs)


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def primary_query(url: str, sql: str) -> str:
    return subprocess.run(["psql", url, "-tAc", sql], check=True, text=True, capture_output=True).stdout.strip()


class Replica:
    """A hot standby of the primary in a temporary directory, on its own port."""

    def __init__(self, primary_url: str, port: int) -> None:
        self.primary_url = primary_url
        self.port = port
        self.dir = Path(tempfile.mkdtemp(prefix="xinxi-replica-"))
        self.hba: tuple[Path, str] | None = None
        self.started = False

    def allow_replication(self) -> None:
        hba = Path(primary_query(self.primary_url, "SHOW hba_file"))
        text = hba.read_text()
        if any(
            line.split()[:2] in (["host", "replication"], ["local", "replication"])
            for line in text.splitlines()
            if line.strip() and not line.lstrip().startswith("#")
        ):
            return
        self.hba = (hba, text)
        hba.write_text(text.rstrip("\n") + f"\n{HBA_LINE}  # added by bench/replica_bench.py\n")
        primary_query(self.primary_url, "SELECT pg_reload_conf()")
        print(f"主库 {hba} 临时加入：{HBA_LINE}（结束时恢复）")

    def start(self) -> float:
        started = time.perf_counter()
        shutil.chown(self.dir, "postgres", "postgres") if os.geteuid() == 0 else None
        self.dir.chmod(0o700)
        parts = urlsplit(self.primary_url)
        as_postgres(
            str(PG_BIN / "pg_basebackup"),
            "-h",
            parts.hostname or "127.0.0.1",
            "-p",
            str(parts.port or 5432),
            "-U",
            parts.username or "postgres",
            "-D",
            str(self.dir),
            "-R",
            "-X",
            "stream",
            "-c",
            "fast",
        )
        copied = time.perf_counter() - started
        # A standby needs at least the primary's limits (max_connections and the like).
        limits = "".join(
            f"{name} = {primary_query(self.primary_url, f'SHOW {name}')}\n"
            for name in (
                "max_connections",
                "max_worker_processes",
                "max_wal_senders",
                "max_prepared_transactions",
                "max_locks_per_transaction",
            )
        )
        conf = (
            f"port = {self.port}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '{self.dir}'\n"
            f"hot_standby = on\nshared_buffers = 128MB\n{limits}"
        )
        (self.dir / "postgresql.conf").write_text(conf)
        (self.dir / "pg_hba.conf").write_text("local all all trust\nhost all all 127.0.0.1/32 trust\n")
        (self.dir / "pg_ident.conf").write_text("")
        for name in ("postgresql.conf", "pg_hba.conf", "pg_ident.conf"):
            shutil.chown(self.dir / name, "postgres", "postgres") if os.geteuid() == 0 else None
        as_postgres(str(PG_BIN / "pg_ctl"), "-D", str(self.dir), "-l", str(self.dir / "replica.log"), "-w", "start")
        self.started = True
        for _ in range(300):
            state = primary_query(self.primary_url, "SELECT state FROM pg_stat_replication LIMIT 1")
            if state == "streaming":
                break
            time.sleep(0.1)
        else:
            raise SystemExit("副本没有进入 streaming 状态，见 " + str(self.dir / "replica.log"))
        return copied

    def url(self) -> str:
        parts = urlsplit(self.primary_url)
        return urlunsplit(parts._replace(netloc=f"{parts.username or 'postgres'}@127.0.0.1:{self.port}"))

    def stop(self) -> None:
        try:
            if self.started:
                as_postgres(str(PG_BIN / "pg_ctl"), "-D", str(self.dir), "-m", "fast", "-w", "stop")
                self.started = False
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)
            self.restore_hba()

    def restore_hba(self) -> None:
        if self.hba is not None:
            path, text = self.hba
            path.write_text(text)
            primary_query(self.primary_url, "SELECT pg_reload_conf()")
            self.hba = None


def size_of(url: str) -> str:
    return primary_query(url, "SELECT pg_size_pretty(sum(pg_database_size(datname))) FROM pg_database")


def search_round(client: Any, queries: list[str], runs: int) -> tuple[list[float], dict[str, int]]:
    from django.db import connections
    from django.test.utils import CaptureQueriesContext

    times: list[float] = []
    counts = {"default": 0, "replica": 0}
    for _ in range(runs):
        for text in queries:
            with (
                CaptureQueriesContext(connections["default"]) as on_primary,
                CaptureQueriesContext(connections["replica"]) as on_replica,
            ):
                started = time.perf_counter()
                response = client.get("/api/v1/search/", {"q": text})
                times.append(time.perf_counter() - started)
            assert response.status_code == 200, (text, response.status_code)
            counts["default"] += len(on_primary.captured_queries)
            counts["replica"] += len(on_replica.captured_queries)
    return times, counts


def replica_reads(url: str, database: str) -> int:
    sql = f"SELECT tup_returned + tup_fetched FROM pg_stat_database WHERE datname = '{database}'"
    return int(primary_query(url, sql))


def lag(primary_url: str, replica_url: str, bursts: int) -> list[float]:
    """Seconds from a 2,000-row commit on the primary until the replica has replayed it (open connections)."""
    import psycopg

    delays = []
    with (
        psycopg.connect(primary_url, autocommit=True) as primary,
        psycopg.connect(replica_url, autocommit=True) as copy,
    ):
        primary.execute("CREATE TABLE IF NOT EXISTS replica_bench_probe (id serial PRIMARY KEY, note text)")
        try:
            for n in range(bursts):
                primary.execute(
                    "INSERT INTO replica_bench_probe (note) SELECT %s || g FROM generate_series(1, 2000) g",
                    [f"burst {n} row "],
                )
                committed = time.perf_counter()
                row = primary.execute("SELECT pg_current_wal_lsn()").fetchone()
                lsn = row[0] if row else None
                while True:
                    done = copy.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [lsn]).fetchone()
                    if done and done[0]:
                        break
                    time.sleep(0.0005)
                delays.append(time.perf_counter() - committed)
        finally:
            primary.execute("DROP TABLE IF EXISTS replica_bench_probe")
    return delays


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="只读副本基准")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--bursts", type=int, default=10)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args(argv)
    primary_url = os.environ.get("DATABASE_URL", "")
    if not primary_url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("请用 DATABASE_URL 指定 PostgreSQL 基准库（只读副本只支持 PostgreSQL）。")
    database = urlsplit(primary_url).path.lstrip("/")
    replica = Replica(primary_url, args.port or free_port())
    try:
        replica.allow_replication()
        print(f"复制整个集群（{size_of(primary_url)}）……", flush=True)
        copied = replica.start()
        print(f"副本已启动：127.0.0.1:{replica.port}，pg_basebackup 用时 {copied:.0f} 秒，已进入 streaming")
        os.environ["DATABASE_REPLICA_URL"] = replica.url()
        from bench.generate import describe_database, load_note, setup_django
        from bench.search_bench import QUERIES, pct

        setup_django()
        from django.conf import settings
        from django.test import Client

        from xinxi.accounts.models import User

        print(f"主库：{describe_database()}；副本：{replica.url()}；{load_note()}")
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(User.objects.get(username="bench_editor"))
        queries = [text for text, _shape in QUERIES]
        for text in queries:  # warm both: segmenter, caches
            client.get("/api/v1/search/", {"q": text})
        settings.READ_REPLICA = False
        primary_times, primary_counts = search_round(client, queries, args.runs)
        settings.READ_REPLICA = True
        search_round(client, queries, 1)  # the replica's connection and caches warmed
        before = replica_reads(replica.url(), database)
        replica_times, replica_counts = search_round(client, queries, args.runs)
        read_on_replica = replica_reads(replica.url(), database) - before
        print(f"检索 API（bench_editor，{len(queries)} 个查询 × {args.runs} 轮）：")
        print(f"  {'读库':<8}{'p50':>8}{'p95':>9}   主库查询 / 副本查询")
        for label, times, counts in (("主库", primary_times, primary_counts), ("副本", replica_times, replica_counts)):
            print(
                f"  {label:<8}{pct(times, 0.5) * 1000:>6.1f}ms{pct(times, 0.95) * 1000:>7.1f}ms"
                f"   {counts['default']} / {counts['replica']}"
            )
        print(f"  副本 pg_stat_database 读出行数增加 {read_on_replica}")
        delays = lag(primary_url, replica.url(), args.bursts)
        print(
            f"复制延迟（每次提交 2000 行后副本重放到该位置）：p50 {pct(delays, 0.5) * 1000:.1f} ms，"
            f"最大 {max(delays) * 1000:.1f} ms（{len(delays)} 次）"
        )
        print(f"结束时：{load_note()}")
        if args.keep:
            print(f"副本仍在运行：runuser -u postgres -- {PG_BIN / 'pg_ctl'} -D {replica.dir} stop")
            replica.started = False
            replica.dir = Path("/nonexistent-kept")
    finally:
        from django.conf import settings as django_settings

        if django_settings.configured:
            from django.db import connections

            for conn in connections.all(initialized_only=True):
                conn.close()
        replica.stop()


if __name__ == "__main__":
    main()
