"""Mixed load: 100 people on the production gunicorn for a few minutes, the figures and a chart into docs/.

Usage, against a copy of the bench data (``bench/generate.py 100000 --hot-share 1``)::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/xinxi_bench .venv/bin/python bench/mixed_load.py
    XINXI_VAR_DIR=/tmp/xinxi-bench .venv/bin/python bench/mixed_load.py --minutes 5

It starts gunicorn with ``deploy/gunicorn.conf.py`` on 127.0.0.1 and a free port, runs
locust (``bench/locustfile.py``) headless against it — ``--users`` (100) people started
``--spawn-rate`` (2) a second: 70 % reporters (log in, new item form, save the draft,
submit it), 20 % editors (inbox, a filter or page 2, open an entry, edit it or pre-adopt
it), 10 % searching the archive — for ``--minutes`` (5), then stops both. Loopback only,
bounded in time. The accounts: 70 reporters of units without sign-off, the editors of the
hot desk (bench_editor's) and of other desks, password ``Bench@2026x``.

It prints and writes ``docs/mixed-load-<database>.md`` (per action: count, failures,
p50, p95, max; the load average sampled every 10 s) and ``docs/mixed-load-<database>.png``
(the p95 of each action over time, 30-second windows, drawn with ``xinxi.lib.charts``).
The run writes items and edits into the bench database: use a copy.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.generate import PASSWORD, describe_database, setup_django
from bench.server import ROOT, production_server

TARGET_P95_MS = 500
CHARTED = [
    "新建信息表单 item form",
    "保存草稿 save draft",
    "报送 submit",
    "收稿箱 inbox",
    "收稿箱筛选 inbox filter",
    "打开来稿 open entry",
    "编辑保存 save edit",
    "预采用 pre-adopt",
    "检索 search",
]


def accounts(reporters: int, editors: int, searchers: int) -> dict[str, object]:
    """Who logs in: reporters of units without sign-off; editors, the hot desk's first."""
    from xinxi.accounts.models import Role, User

    rng = random.Random(2026)
    pool = list(
        User.objects.filter(role_grants__role=Role.REPORTER, unit__requires_signoff=False, is_active=True)
        .order_by("username")
        .values_list("username", flat=True)
    )
    hot_unit = User.objects.get(username="bench_editor").unit_id
    desk_staff = list(
        User.objects.filter(role_grants__role=Role.EDITOR, is_active=True)
        .order_by("username")
        .values_list("username", "unit_id")
    )
    hot = [u for u, unit in desk_staff if unit == hot_unit]
    other = [u for u, unit in desk_staff if unit != hot_unit]
    rng.shuffle(other)
    return {
        "reporters": rng.sample(pool, reporters),
        "editors": (hot + other)[:editors],
        "searchers": other[editors : editors + searchers],
        "password": PASSWORD,
    }


class LoadSampler(threading.Thread):
    """The machine's 1-minute load average every 10 s."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.samples: list[float] = []
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.wait(10):
            self.samples.append(os.getloadavg()[0])


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def p95_over_time(history: list[dict[str, str]], window: int) -> tuple[list[str], dict[str, list[float]]]:
    """Per action, the largest 10-second p95 locust logged in each ``window``-second slice."""
    rows = [r for r in history if r["Name"] in CHARTED and r["95%"] not in ("N/A", "")]
    if not rows:
        return [], {}
    start = min(int(r["Timestamp"]) for r in history)
    end = max(int(r["Timestamp"]) for r in history)
    slices = max(1, (end - start) // window + 1)
    worst: dict[str, list[float]] = defaultdict(lambda: [0.0] * slices)
    for r in rows:
        k = min(slices - 1, (int(r["Timestamp"]) - start) // window)
        worst[r["Name"]][k] = max(worst[r["Name"]][k], float(r["95%"]))
    labels = [f"{(k + 1) * window // 60}:{(k + 1) * window % 60:02d}" for k in range(slices)]
    return labels, {name: worst[name] for name in CHARTED if name in worst}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="混合负载：100 人同时使用生产配置的 gunicorn")
    parser.add_argument("--minutes", type=float, default=5.0, help="运行几分钟（默认 5）")
    parser.add_argument("--users", type=int, default=100, help="模拟用户数（默认 100）")
    parser.add_argument("--spawn-rate", type=float, default=2.0, help="每秒启动几个用户（默认 2）")
    parser.add_argument("--out", default="", help="写入 docs/ 的文件名前缀（默认 mixed-load-<数据库>）")
    args = parser.parse_args(argv)
    if not 0 < args.minutes <= 30:
        raise SystemExit("--minutes 应在 0 到 30 之间。")
    setup_django()
    from django.db import connection, connections

    vendor = "postgres" if connection.vendor == "postgresql" else connection.vendor
    database = describe_database()
    reporters = round(args.users * 0.7)
    editors = round(args.users * 0.2)
    people = accounts(reporters, editors, args.users - reporters - editors)
    connections.close_all()
    work = Path(tempfile.mkdtemp(prefix="xinxi-mixed-load-"))
    users_file = work / "users.json"
    users_file.write_text(json.dumps(people, ensure_ascii=False), encoding="utf-8")
    seconds = round(args.minutes * 60)
    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    print(f"{database}；开始 {started}，负载 {os.getloadavg()[0]:.1f}；{args.users} 人，{seconds} 秒", flush=True)
    sampler = LoadSampler()
    with production_server(log=work / "gunicorn.log") as (port, _pid):
        sampler.start()
        command = [
            str(Path(sys.executable).with_name("locust")),
            "-f", str(ROOT / "bench" / "locustfile.py"),
            "--headless", "--only-summary",
            "-H", f"http://127.0.0.1:{port}",
            "-u", str(args.users), "-r", str(args.spawn_rate), "-t", f"{seconds}s",
            "--stop-timeout", "30",
            "--csv", str(work / "run"), "--csv-full-history",
            "--loglevel", "WARNING",
        ]  # fmt: skip
        env = {**os.environ, "XINXI_LOAD_USERS": str(users_file)}
        locust = subprocess.run(command, cwd=ROOT, env=env, timeout=seconds + 120, capture_output=True, text=True)
        sampler.stop.set()
    if locust.returncode not in (0, 1):  # 1: some requests failed
        print(locust.stdout[-3000:], locust.stderr[-3000:])
        raise SystemExit(f"locust 退出码 {locust.returncode}")
    stats = read_csv(work / "run_stats.csv")
    failures = read_csv(work / "run_failures.csv")
    history = read_csv(work / "run_stats_history.csv")
    loads = sampler.samples or [os.getloadavg()[0]]
    load = f"{min(loads):.1f}–{max(loads):.1f}（均值 {sum(loads) / len(loads):.1f}）"

    lines = [
        f"{database}；{started}；{args.users} 人（报送 {reporters}、编辑 {editors}、检索 "
        f"{args.users - reporters - editors}），{seconds} 秒；2 核负载 {load}",
        "",
        "| 操作 action | 次数 count | 失败 failures | p50 ms | p95 ms | 最大 max ms |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    worst_p95 = 0.0
    for row in stats:
        name = "合计 all" if row["Name"] == "Aggregated" else row["Name"]
        lines.append(
            f"| {name} | {row['Request Count']} | {row['Failure Count']} | {row['50%']} | {row['95%']} | "
            f"{float(row['Max Response Time']):.0f} |"
        )
        if row["Name"] != "Aggregated":
            worst_p95 = max(worst_p95, float(row["95%"] or 0))
    total_failures = sum(int(r["Failure Count"]) for r in stats if r["Name"] == "Aggregated")
    lines.append("")
    lines.append(
        f"失败 {total_failures} 次（目标 0）；各操作 p95 最大 {worst_p95:.0f} ms（目标 ≤ {TARGET_P95_MS} ms）："
        f"{'达到' if total_failures == 0 and worst_p95 <= TARGET_P95_MS else '未达到'}"
    )
    for f in failures:
        lines.append(f"- 失败：{f['Method']} {f['Name']}：{f['Error']}（{f['Occurrences']} 次）")
    report = "\n".join(lines)
    print(report)

    out = args.out or f"mixed-load-{vendor}"
    (ROOT / "docs" / f"{out}.md").write_text(report + "\n", encoding="utf-8")
    labels, series = p95_over_time(history, 30)
    if labels:
        from xinxi.lib.charts import LineChart, Series, render_png

        chart = LineChart(
            f"混合负载 {args.users} 人：各操作 p95（每 30 秒）— {'PostgreSQL' if vendor == 'postgres' else 'SQLite'}",
            labels,
            [Series(name.split(" ")[0], values) for name, values in series.items()],
            unit="ms",
        )
        (ROOT / "docs" / f"{out}.png").write_bytes(render_png(chart, width_px=1400))
        print(f"写入 docs/{out}.md、docs/{out}.png（临时文件在 {work}）")


if __name__ == "__main__":
    main()
