"""A year's ranking (统计排名) at 10⁶ ledger entries: p50/p95 of ``figures.ranking`` and of the bare SQL.

Usage, from the repository root, on a benchmark database of its own (the network of
``bench/generate.py``, about 3,000 units, is built first when missing)::

    # PostgreSQL:
    createdb -h 127.0.0.1 -U postgres xinxi_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/xinxi_bench .venv/bin/python bench/ranking_bench.py
    # SQLite:
    XINXI_VAR_DIR=/tmp/xinxi-bench .venv/bin/python bench/ranking_bench.py

    # a smaller ledger (a quick look; the figures mean little):
    ... bench/ranking_bench.py --entries 20000 --runs 10

Options: ``--entries N`` (ledger entries to have, default 10⁶; a second run adds only
what is missing), ``--hot-share F`` (default 0.2: the share of the entries at the hot
desk, 江阳市委办公室信息科, the rest spread over the other desks), ``--runs N`` (default
40), ``--seed S``, ``--batch B`` (rows per insert, default 5000).

The ledger: entries over the three years before this year (``on`` uniform, 2023–2025 when
run in 2026), each at a desk for a unit of that desk's network
(``figures.network_units``), bulk-inserted in the rows ``ledger.post`` makes: a kind
(本级采用 45 %, 上级或系统外采用 15 % with a reached level, 报上级 10 %, 合格未采用 10 %,
批示 5 %, base points 8 %, penalties, 迟报 and 约稿 the rest), its points, its facts
(``adoption_kind``, ``levels``) and the columns ``ledger.post`` copies from them
(``adoption_kind``, ``reached_level``: what the figures read); one entry in 50 is
followed by its reversal. Then ``ANALYZE`` (and ``VACUUM ANALYZE`` on PostgreSQL).

Measured, at the hot desk, for last year (previous period: the year before):
- ``figures.ranking`` with the named lists (零分, 下降明显, 报喜不报忧, 不达标, 报送不足):
  the whole thing the page and the API call — the aggregate queries over the ledger (the
  year per unit, kind, reversal, adoption kind and reached level; the year before per
  unit) and over the entries (both years), the network, the units, quotas and the floor, then ranks,
  shares (largest remainder), groups in Python over the units (not the entries);
- the bare SQL: the same three aggregate statements (the ledger's two and the entries')
  executed on a cursor and fetched, without the ORM or Python around them (on PostgreSQL
  in a transaction with ``SET LOCAL work_mem = '16MB'``, as ``figures._hashed`` runs them);
- for reference, the simplest aggregate: ``SUM(points) GROUP BY unit_id`` for the year;
- the API (``GET /api/v1/rankings/``) through the whole stack, as ``bench_editor``.
Target (issue 9): p95 ≤ 300 ms and ≤ 1.5× the bare SQL. Prints figures; never passes or fails.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.generate import describe_database, ensure_network, load_note, setup_django
from bench.submit_bench import cpu_seconds, database_pids, percentile

KINDS: list[tuple[str, int, Decimal]] = [  # (kind, weight, points)
    ("adoption", 45, Decimal(10)),
    ("adoption_level", 15, Decimal(20)),
    ("forwarded", 10, Decimal(2)),
    ("unadopted", 10, Decimal(1)),
    ("instruction", 5, Decimal(15)),
    ("base", 8, Decimal(5)),
    ("false_item", 2, Decimal(-5)),
    ("late_report", 2, Decimal(-2)),
    ("commission_on_time", 2, Decimal(3)),
    ("commission_late", 1, Decimal(1)),
]
ADOPTION_KINDS = ("full", "full", "full", "combined", "brief")
LEVELS = (["upper"], ["province", "upper"], ["province", "upper"], ["guoban", "upper"], ["zhongban", "upper"])
REVERSE_EVERY = 50


def _facts(kind: str, rng: random.Random) -> dict[str, Any]:
    if kind == "adoption":
        return {"kind": kind, "adoption_kind": rng.choice(ADOPTION_KINDS), "levels": ["own"]}
    if kind == "adoption_level":
        return {"kind": kind, "adoption_kind": rng.choice(ADOPTION_KINDS), "levels": rng.choice(LEVELS)}
    return {"kind": kind}


def populations(hot_desk: Any, on: dt.date) -> tuple[list[int], dict[int, list[int]]]:
    from xinxi.network.models import Desk
    from xinxi.scoring.figures import network_units

    desks = list(Desk.objects.filter(active=True).exclude(pk=hot_desk.pk).order_by("pk"))
    units = {d.pk: list(network_units(d, on).values_list("pk", flat=True)) for d in [hot_desk, *desks]}
    return [d.pk for d in desks if units[d.pk]], units


def fill_ledger(net: Any, want: int, *, hot_share: float, seed: int, batch: int, first: dt.date,
                last: dt.date) -> int:
    """Bulk-insert ledger entries up to ``want`` (counting what is there); returns how many were added."""
    from django.db import transaction
    from tqdm import tqdm

    from xinxi.scoring.ledger import splits_of
    from xinxi.scoring.models import ScoreEntry

    have = ScoreEntry.objects.count()
    if have >= want:
        return 0
    rng = random.Random(seed + have)
    others, units = populations(net.hot_desk, last)
    kinds = [k for k, _, _ in KINDS]
    weights = [w for _, w, _ in KINDS]
    points = {k: p for k, _, p in KINDS}
    days = (last - first).days + 1
    serial = have
    added = 0
    bar = tqdm(total=want - have, desc="积分记录", unit="条")
    while have + added < want:
        size = min(batch, want - have - added)
        rows = []
        for _ in range(size - size // REVERSE_EVERY):
            desk = net.hot_desk.pk if rng.random() < hot_share else rng.choice(others)
            kind = rng.choices(kinds, weights)[0]
            serial += 1
            facts = _facts(kind, rng)
            adoption_kind, reached_level = splits_of(facts)
            rows.append(ScoreEntry(
                desk_id=desk, unit_id=rng.choice(units[desk]), on=first + dt.timedelta(days=rng.randrange(days)),
                points=points[kind], kind=kind, key=f"bench:{serial}", facts=facts, adoption_kind=adoption_kind,
                reached_level=reached_level, reason="基准数据",
            ))
        with transaction.atomic():
            made = ScoreEntry.objects.bulk_create(rows)
            reversals = [
                ScoreEntry(desk_id=e.desk_id, unit_id=e.unit_id, on=e.on, points=-e.points, kind=e.kind,
                           key=f"reversal:{e.pk}", facts=e.facts, adoption_kind=e.adoption_kind,
                           reached_level=e.reached_level, reverses_id=e.pk, reason="基准数据：冲销")
                for e in made[::REVERSE_EVERY]
            ][: size - len(rows)]
            ScoreEntry.objects.bulk_create(reversals)
        added += len(rows) + len(reversals)
        bar.update(len(rows) + len(reversals))
    bar.close()
    return added


def analyze() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("VACUUM ANALYZE scoring_scoreentry")
        else:
            cursor.execute("ANALYZE")


def timed(fn: Any, runs: int) -> tuple[list[float], float]:
    """Wall times of ``runs`` calls, and the CPU per call (Python + the PostgreSQL backend) in ms."""
    fn()  # warm
    backend = database_pids(own=True)
    cpu_before, db_before = time.process_time(), cpu_seconds(backend)
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    cpu = (time.process_time() - cpu_before + cpu_seconds(backend) - db_before) * 1000 / runs
    return times, cpu


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="统计排名基准")
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--hot-share", type=float, default=0.2)
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--batch", type=int, default=5000)
    parser.add_argument("--no-migrate", action="store_true")
    args = parser.parse_args(argv)
    setup_django()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test import Client
    from django.utils import timezone

    from xinxi.accounts.models import User
    from xinxi.network.models import Unit
    from xinxi.scoring import figures
    from xinxi.scoring.models import ScoreEntry

    print(f"数据库：{describe_database()}")
    if not args.no_migrate:
        call_command("migrate", interactive=False, verbosity=0)
    started = time.perf_counter()
    net = ensure_network(args.seed)
    print(f"单位 {Unit.objects.count()} 个；热点科室 {net.hot_desk.name}（{time.perf_counter() - started:.0f} 秒）")
    this_year = timezone.localdate().year
    first, last = dt.date(this_year - 3, 1, 1), dt.date(this_year - 1, 12, 31)
    started = time.perf_counter()
    added = fill_ledger(net, args.entries, hot_share=args.hot_share, seed=args.seed, batch=args.batch,
                        first=first, last=last)
    if added:
        print(f"写入积分记录 {added} 条，用时 {time.perf_counter() - started:.0f} 秒")
        analyze()
    start, end = dt.date(this_year - 1, 1, 1), dt.date(this_year - 1, 12, 31)
    desk = net.hot_desk
    in_year = ScoreEntry.objects.filter(desk=desk, on__gte=start, on__lte=end).count()
    print(f"积分记录共 {ScoreEntry.objects.count()} 条（{first:%Y}—{last:%Y}）；{desk.name} {start.year} 年 "
          f"{in_year} 条，{start.year - 1} 年 "
          f"{ScoreEntry.objects.filter(desk=desk, on__year=start.year - 1).count()} 条")
    print(load_note())

    def ranking() -> figures.Ranking:
        r = figures.ranking(desk, start, end)
        r.zero(), r.declining(), r.no_problems(), r.below_floor(), r.quota_short()
        return r

    result = ranking()
    print(f"参与排名单位 {len(result.rows)} 个，{len(result.groups)} 组；总分 {result.total}，上年 "
          f"{result.previous_total}；零分 {len(result.zero())} 个")
    since = figures.previous_period(start, end)[0]
    before = figures.previous_period(start, end)
    statements = [q.query.sql_with_params() for q in (figures.ledger_rows(desk, start, end),
                                                      figures.previous_rows(desk, *before),
                                                      figures.entry_rows(desk, start, end, since))]

    def bare() -> None:
        with transaction.atomic(), connection.cursor() as cursor:
            if connection.vendor == "postgresql":  # as figures._hashed does for the ledger's grouping
                cursor.execute("SET LOCAL work_mem = '16MB'")
            for sql, params in statements:
                cursor.execute(sql, params)
                cursor.fetchall()

    def simplest() -> None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT unit_id, SUM(points) FROM scoring_scoreentry WHERE desk_id = %s AND "
                           '"on" >= %s AND "on" <= %s GROUP BY unit_id', [desk.pk, start, end])
            cursor.fetchall()

    user = User.objects.filter(username="bench_editor").first()
    client = Client(HTTP_HOST="127.0.0.1")
    if user is not None:
        client.force_login(user)
    url = f"/api/v1/rankings/?desk={desk.pk}&period={start.year}"

    def api() -> None:
        response = client.get(url)
        assert response.status_code == 200, response.status_code

    shapes = [("figures.ranking + 名单", ranking), ("同样三条聚合的裸 SQL", bare),
              ("仅 SUM(points) GROUP BY", simplest)]
    if user is not None:
        shapes.append(("API 全栈（bench_editor）", api))
    db = "+PostgreSQL" if connection.vendor == "postgresql" else ""
    print(f"{'':<26}{'p50':>9}{'p95':>9}   每次 CPU（Python{db}，平均）")
    found: dict[str, float] = {}
    for label, fn in shapes:
        times, cpu = timed(fn, args.runs)
        found[label] = percentile(times, 0.95)
        print(f"{label:<26}{percentile(times, 0.5) * 1000:>7.1f}ms{percentile(times, 0.95) * 1000:>7.1f}ms   "
              f"{cpu:.1f} ms")
    ratio = found["figures.ranking + 名单"] / found["同样三条聚合的裸 SQL"]
    print(f"p95 之比 figures / 裸 SQL：{ratio:.2f}（目标 ≤ 1.5）；目标 p95 ≤ 300 ms")
    print(f"结束时：{load_note()}")


if __name__ == "__main__":
    main()
