"""The desk's inbox at 10⁵ entries: p50/p95 of rendering /desk/, and the raw SQL of the same page.

Usage, from the repository root, on a benchmark database where one desk holds 10⁵
entries (``bench/generate.py 100000 --hot-share 1`` puts them all at 江阳市委办公室信息科)::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/xinxi_bench .venv/bin/python bench/inbox_bench.py
    XINXI_VAR_DIR=/tmp/xinxi-bench .venv/bin/python bench/inbox_bench.py

Options: ``--runs N`` (renders per page shape, default 60), ``--user NAME`` (default
``bench_editor``, an editor at the hot desk with 机密 clearance).

For each page shape (the default page, newest first; the second page; the 待处理 tab;
a category filter; sorting by urgency; a 90-day period) it renders the page through
``django.test.Client`` (the whole stack: middleware, session, permissions, filters,
near-duplicate grouping, template) and times it; it counts the page's queries once.
In the same run it times the plain SQL that lists the same 50 newest entries (with
the clearance filter, the unit's name and the read mark), the counts per state and
the tags. The first render of a process also segments 50 texts with jieba for the
near-duplicate groups; it is reported apart (cold) and left out of the percentiles.
Prints figures; it never passes or fails.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.generate import HOT_CITY, describe_database, load_note, setup_django
from bench.submit_bench import cpu_seconds, database_pids, percentile

UNIT_CLASS = "EXISTS (SELECT 1 FROM network_unit u2 WHERE u2.id = e.origin_unit_id AND u2.unit_class_id = %s)"
# Each shape: its query string, and the same page's filter, order and offset in plain SQL.
# ``{since}`` and ``{unit_class}`` are filled in at run time.
SHAPES: dict[str, tuple[str, dict[str, Any]]] = {
    "默认（最新 50 条）": ("", {}),
    "第 2 页": ("page=2", {"offset": 50}),
    **{
        f"状态={label}": (f"state={code}", {"state": code})
        for code, label in [
            ("new", "待处理"),
            ("read", "处理中"),
            ("returned", "退回修改"),
            ("preadopted", "预采用"),
            ("not_adopted", "不采用"),
            ("duplicate", "重复"),
            ("combined", "已综合"),
            ("adopted", "已采用"),
        ]
    },
    "类别=经验": ("category=experience", {"where": "e.category = %s", "params": ["experience"]}),
    "基调=忧": ("tone=problem", {"where": "e.tone = %s", "params": ["problem"]}),
    "单位类别": ("unit_class={unit_class}", {"where": UNIT_CLASS, "params": ["{unit_class}"]}),
    "按紧急程度": ("sort=urgency", {"order": "e.urgency DESC, e.received_at DESC, e.id DESC"}),
    "近 90 天": ("received_from={since}", {"where": "e.received_at >= %s", "params": ["{since}"]}),
}


class QueryCounter:
    """Counts the queries of a request (survives the reconnect a request may cause)."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        self.count += 1
        return execute(sql, params, many, context)


def raw_page(cursor: Any, desk_id: int, user_id: int, clearance: int, shape: dict[str, Any]) -> int:
    """The same page in plain SQL: counts per state under the filter, the page's 50 rows, their tags."""
    where = "e.desk_id = %s AND e.classification <= %s"
    params: list[Any] = [desk_id, clearance]
    if shape.get("where"):
        where += " AND " + shape["where"]
        params += shape["params"]
    cursor.execute(f"SELECT e.state, COUNT(*) FROM items_deskentry e WHERE {where} GROUP BY e.state", params)
    cursor.fetchall()
    if shape.get("state"):
        where += " AND e.state = %s"
        params = [*params, shape["state"]]
    order = shape.get("order", "e.received_at DESC, e.id DESC")
    cursor.execute(
        "SELECT e.id, e.item_id, e.title, e.state, e.category, e.tone, e.urgency, e.classification, e.received_at,"
        " u.name, a.full_name,"
        " EXISTS (SELECT 1 FROM items_entryread r WHERE r.entry_id = e.id AND r.user_id = %s)"
        " FROM items_deskentry e JOIN network_unit u ON u.id = e.origin_unit_id"
        " LEFT JOIN accounts_user a ON a.id = e.assignee_id"
        f" WHERE {where} ORDER BY {order} LIMIT 50 OFFSET {int(shape.get('offset', 0))}",
        [user_id, *params],
    )
    rows = cursor.fetchall()
    ids = [row[1] for row in rows]
    if ids:
        marks = ", ".join(["%s"] * len(ids))
        cursor.execute(
            "SELECT l.item_id, t.name FROM items_item_tags l JOIN items_tag t ON t.id = l.tag_id"
            f" WHERE l.item_id IN ({marks}) ORDER BY t.name",  # placeholders only
            ids,
        )
        cursor.fetchall()
    return len(rows)


def timed(runs: int, call: Any) -> tuple[list[float], float]:
    """Wall times of ``runs`` calls, and the CPU per call (this process plus its PostgreSQL backend)."""
    times = []
    backend = database_pids(own=True)  # a request may reconnect
    cpu_before, db_before = time.process_time(), cpu_seconds(backend)
    for _ in range(runs):
        t0 = time.perf_counter()
        call()
        times.append(time.perf_counter() - t0)
    cpu = (time.process_time() - cpu_before + cpu_seconds(backend) - db_before) * 1000 / runs
    return times, cpu


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="收件箱页面基准")
    parser.add_argument("--runs", type=int, default=60)
    parser.add_argument("--user", default="bench_editor")
    args = parser.parse_args(argv)
    setup_django()
    import datetime as dt

    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.utils import timezone

    from xinxi.accounts.models import User
    from xinxi.items import permissions
    from xinxi.items.models import DeskEntry

    user = User.objects.filter(username=args.user).first()
    if user is None:
        raise SystemExit(f"没有用户 {args.user}：先运行 bench/generate.py。")
    desk = permissions.desk_of(user)
    if desk is None:
        raise SystemExit(f"{args.user} 不在任何信息科室。")
    total = DeskEntry.objects.filter(desk=desk).count()
    visible = permissions.desk_entries(user).count()
    print(f"数据库：{describe_database()}；{load_note()}")
    print(f"科室：{desk.name}（{HOT_CITY}），收稿 {total} 条，{args.user} 可见 {visible} 条")

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    since = (timezone.localdate() - dt.timedelta(days=90)).isoformat()
    started = time.perf_counter()
    first = client.get("/desk/")
    cold = time.perf_counter() - started
    if first.status_code != 200:
        raise SystemExit(f"/desk/ 返回 {first.status_code}：收件箱页面还不可用。")
    print(f"首次渲染（冷：含 50 条正文的 jieba 分词）：{cold * 1000:.0f} ms")
    unit_class = (
        DeskEntry.objects.filter(desk=desk).values("origin_unit__unit_class").annotate(n=Count("pk")).order_by("-n")
    ).first()
    fill = {"since": since, "unit_class": unit_class["origin_unit__unit_class"] if unit_class else 0}
    db = "+PostgreSQL" if database_pids(own=True) else ""
    print(
        f"{'页面':<12}{'页面 p50':>10}{'p95':>9}{'裸SQL p50':>11}{'p95':>9}{'p95 之比':>9}{'查询数':>6}"
        f"   每次 CPU（Python{db}）页面 / 裸 SQL"
    )
    worst = 0.0
    for label, (query, shape) in SHAPES.items():
        url = "/desk/" + ("?" + query.format(**fill) if query else "")
        shape = {**shape, "params": [str(p).format(**fill) for p in shape.get("params", [])]}
        client.get(url)  # warm: this shape's texts segmented once
        queries = QueryCounter()
        with connection.execute_wrapper(queries):
            response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        times, cpu = timed(args.runs, lambda url=url: client.get(url))
        with connection.cursor() as cursor:
            raw_page(cursor, desk.pk, user.pk, user.clearance, shape)
            raw, raw_cpu = timed(args.runs, lambda c=cursor, s=shape: raw_page(c, desk.pk, user.pk, user.clearance, s))
        ratio = percentile(times, 0.95) / percentile(raw, 0.95)
        worst = max(worst, ratio)
        print(
            f"{label:<12}{percentile(times, 0.5) * 1000:>8.1f}ms{percentile(times, 0.95) * 1000:>7.1f}ms"
            f"{percentile(raw, 0.5) * 1000:>9.1f}ms{percentile(raw, 0.95) * 1000:>7.1f}ms{ratio:>8.1f}×"
            f"{queries.count:>6}   {cpu:.1f} / {raw_cpu:.1f} ms"
        )
    print(f"页面与裸 SQL 的 p95 之比，最大 {worst:.1f}×（裸 SQL：按状态计数 + 本页 50 条 + 标签）")
    print(f"结束时：{load_note()}")


if __name__ == "__main__":
    main()
