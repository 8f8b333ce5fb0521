"""First request of a fresh gunicorn worker vs the same request warm, on the production configuration.

Usage, against a bench database (``bench/generate.py 100000 --hot-share 1``)::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/xinxi_bench .venv/bin/python bench/coldstart_bench.py
    XINXI_VAR_DIR=/tmp/xinxi-bench .venv/bin/python bench/coldstart_bench.py --starts 3

For each page (home, the inbox and the archive search as ``bench_editor``, the new item
form as ``bench_reporter``) and each of ``--starts`` fresh starts: gunicorn starts with
``deploy/gunicorn.conf.py`` and one worker on 127.0.0.1 (preload: the warm-up of
``xinxi/wsgi.py`` runs in the master, the worker is forked from it), the page is
requested once as that worker's very first request (cold), 2 s after the server accepts
connections (the worker has booted and run ``post_worker_init``), then ``--warm`` more
times (warm; their median). The bench prints per page the cold times, the warm median and
the ratio of the cold median to it (target ≤ 2), and the largest single ratio. The
sessions are written straight into the session store, so no login request warms the
worker first.
"""

from __future__ import annotations

import argparse
import http.client
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.generate import describe_database, load_note, setup_django
from bench.server import production_server, session_cookie

PAGES = [
    ("首页 home", "bench_editor", "/"),
    ("收稿箱 inbox", "bench_editor", "/desk/"),
    ("检索 search", "bench_editor", "/archive/?q=%E5%9F%BA%E5%B1%82%E6%B2%BB%E7%90%86"),
    ("新建信息 item form", "bench_reporter", "/items/new/"),
]


def get(port: int, path: str, cookie: str) -> float:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    start = time.perf_counter()
    connection.request("GET", path, headers={"Cookie": f"sessionid={cookie}", "Host": "127.0.0.1"})
    response = connection.getresponse()
    response.read()
    elapsed = time.perf_counter() - start
    connection.close()
    if response.status != 200:
        raise SystemExit(f"{path} 返回 {response.status}，应为 200。")
    return elapsed


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="冷启动：新 worker 的第一个请求与热请求之比")
    parser.add_argument("--starts", type=int, default=3, help="每个页面重新启动几次（默认 3）")
    parser.add_argument("--warm", type=int, default=5, help="每次启动后再请求几次作为热请求（默认 5）")
    args = parser.parse_args(argv)
    setup_django()
    from django.db import connections

    print(describe_database())
    cookies = {user: session_cookie(user) for user in {u for _, u, _ in PAGES}}
    connections.close_all()
    print(f"开始：{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}，{load_note()}")
    rows = []
    for name, user, path in PAGES:
        cold: list[float] = []
        warm: list[float] = []
        for _ in range(args.starts):
            with production_server(workers=1) as (port, _pid):
                time.sleep(2.0)  # the worker has forked, warmed up (post_worker_init) and waits in accept()
                cold.append(get(port, path, cookies[user]))
                warm.extend(get(port, path, cookies[user]) for _ in range(args.warm))
        warm_median = statistics.median(warm)
        rows.append((name, cold, warm_median))
        print(
            f"{name:18} 冷 {' / '.join(f'{c * 1000:.0f}' for c in cold)} ms，热中位数 {warm_median * 1000:.0f} ms，"
            f"比值 {statistics.median(cold) / warm_median:.2f}（最大 {max(cold) / warm_median:.2f}）",
            flush=True,
        )
    typical = max(statistics.median(c) / w for _, c, w in rows)
    worst = max(max(c) / w for _, c, w in rows)
    verdict = "达到" if typical <= 2 else "未达到"
    print(f"结束：{load_note()}；各页中位比值最大 {typical:.2f}（目标 ≤ 2：{verdict}），单次最大 {worst:.2f}")


if __name__ == "__main__":
    main()
