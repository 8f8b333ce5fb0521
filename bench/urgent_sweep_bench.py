"""The urgent-information warning sweep at 10⁴ open incidents, and a warning's delay with the real worker.

Usage, from the repository root, on a benchmark database of its own (the network of
``bench/generate.py``, about 3,000 units and their users, is built first when missing)::

    # PostgreSQL:
    createdb -h 127.0.0.1 -U postgres xinxi_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/xinxi_bench .venv/bin/python bench/urgent_sweep_bench.py
    # SQLite:
    XINXI_VAR_DIR=/tmp/xinxi-bench .venv/bin/python bench/urgent_sweep_bench.py

Options: ``--incidents N`` (default 10⁴), ``--runs N`` (default 20), ``--seed S``,
``--no-latency`` (skip the worker part), ``--latency-warnings N`` (default 16),
``--burst-runs N`` (default 3; 0 skips), ``--no-burst``.

The incidents (every earlier bench incident is deleted first, so the clocks are relative to
now), bulk-inserted with their units, desks and deadlines as ``incident_record`` makes them
(the unit owes its nearest desk, that desk's unit owes the desk above; phone 30 and written
120 minutes from occurred-at):

- 70 % older ones (1–30 days) whose phone and written reports are in; a 续报 due at the
  next 08:00 or 17:00;
- 20 % older ones whose unit never wrote: the written clock long passed (passed and
  escalation already recorded);
- 10 % fresh ones (occurred in the last 3 hours, at any second): all four clocks open.

Then every stage due at the start (T₀) is recorded as the sweeps would have (the latest sent,
earlier ones skipped), so T₀ is a quiet minute. Measured (each run rolled back, so every run
does the same work):

- the sweep at T₀: nothing due (the indexed scan of the open clocks, the anti-join on
  escalations, the recorded stages of the candidates);
- the sweep one minute later: the stages the fresh incidents bring in a minute, with their
  notifications (inserts, ``notify``'s visibility checks and audit rows);
- the sweep ten minutes later: a worker back after ten minutes (catch-up);
- the raw database doing the same selection: the sweep's candidate query and the lookup of
  the recorded stages, as SQL on a cursor, fetched.
- the follow-up burst: the sweep at T−30 of the next 08:00 / 17:00 slot, where every 续报
  clock (70 % of the incidents) is warned in the same minute (``--burst-runs``).
Target (issue 10): ≤ 200 ms on both databases.

The worker part starts ``manage.py worker`` as a subprocess, then writes N fresh incidents
whose T−30 warning falls over the next three minutes (half on a minute, as an occurred-at typed
in minutes gives; half at a random second), and measures for each the delay from the
warning's due time to its notification row (``created_at``). Unless ``--no-burst``, every
open bench 续报 clock is first moved so that its T−30 warning falls on one of those minutes:
the worker meets the 08:00 / 17:00 burst while the delays are measured, and the burst's own
delays are printed too.
Target: ≤ 60 s. Prints figures; never passes or fails.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.generate import describe_database, ensure_network, load_note, setup_django
from bench.submit_bench import cpu_seconds, database_pids, percentile

ROOT = Path(__file__).resolve().parent.parent
PREFIX = "基准事件"
PHONE, WRITTEN = 30, 120


def clean() -> None:
    from django.db import transaction

    from xinxi.notifications.models import Notification
    from xinxi.urgent.models import (
        Deadline,
        DeadlineWarning,
        Finding,
        FindingEvidence,
        Incident,
        IncidentDesk,
        IncidentEvent,
        IncidentUnit,
    )

    ids = Incident.objects.filter(title__startswith=PREFIX).values("pk")
    with transaction.atomic():
        Notification.objects.filter(kind__startswith="urgent_", object_id__in=ids).delete()
        # the worker part's five-minute sweep proposes 迟报 on the clocks that passed meanwhile
        findings = Finding.objects.filter(incident__in=ids)
        Notification.objects.filter(kind__startswith="urgent_finding", object_id__in=findings.values("pk")).delete()
        FindingEvidence.objects.filter(finding__in=findings)._raw_delete("default")  # type: ignore[attr-defined]
        findings._raw_delete("default")  # type: ignore[attr-defined]
        DeadlineWarning.objects.filter(deadline__incident__in=ids)._raw_delete("default")  # type: ignore[attr-defined]
        Deadline.objects.filter(incident__in=ids)._raw_delete("default")  # type: ignore[attr-defined]
        for model in (IncidentUnit, IncidentDesk, IncidentEvent):
            model.objects.filter(incident__in=ids)._raw_delete("default")  # type: ignore[attr-defined]
        Incident.objects.filter(title__startswith=PREFIX)._raw_delete("default")  # type: ignore[attr-defined]


def chains(net: Any, rng: random.Random, count: int) -> list[tuple[Any, Any, Any]]:
    """(unit, its nearest desk, the desk above that desk or None) for a sample of reporting units."""
    from xinxi.network.models import Desk, Unit
    from xinxi.network.services import parent_desk

    desk_units = set(Desk.objects.values_list("unit_id", flat=True))
    units = list(Unit.objects.filter(active=True).exclude(pk__in=desk_units).order_by("pk"))
    found = []
    for unit in rng.sample(units, min(count, len(units))):
        near = parent_desk(unit)
        if near is not None:
            found.append((unit, near, parent_desk(near.unit)))
    return found


def next_slot(after: dt.datetime) -> dt.datetime:
    from django.utils import timezone

    local = timezone.localtime(after)
    for day in range(3):
        for hour in (8, 17):
            slot = local.replace(hour=hour, minute=0, second=0, microsecond=0) + dt.timedelta(days=day)
            if slot > local:
                return slot
    raise AssertionError


def build(net: Any, count: int, seed: int, t0: dt.datetime, *, fresh_only: bool = False,
          fresh_times: list[dt.datetime] | None = None) -> list[int]:
    """Bulk-insert incidents as described in the module doc; returns their ids."""
    from django.db import transaction
    from tqdm import tqdm

    from xinxi.urgent.models import Channel, Deadline, Incident, IncidentDesk, IncidentUnit

    rng = random.Random(seed)
    links = chains(net, rng, 400)
    made: list[int] = []
    bar = tqdm(total=count, desc="突发事件", unit="件", disable=fresh_only)
    batch = 1000
    for start in range(0, count, batch):
        size = min(batch, count - start)
        plan = []
        for i in range(size):
            unit, near, upper = rng.choice(links)
            if fresh_times is not None:
                kind, occurred = "fresh", fresh_times[start + i]
            else:
                kind = rng.choices(["old", "overdue", "fresh"], [70, 20, 10])[0]
                if kind == "fresh":
                    occurred = t0 - dt.timedelta(seconds=rng.uniform(0, 3 * 3600))
                else:
                    occurred = t0 - dt.timedelta(days=rng.uniform(1, 30))
            plan.append((kind, occurred, unit, near, upper))
        with transaction.atomic():
            incidents = Incident.objects.bulk_create([
                Incident(desk=near, title=f"{PREFIX}{start + i + 1}号", incident_class="accident", subtype="mine",
                         severity=3, occurred_at=occurred, place="基准地点", source="phone",
                         recorded_by=net.admin, classification=1)
                for i, (_, occurred, unit, near, _) in enumerate(plan)
            ])
            IncidentUnit.objects.bulk_create([IncidentUnit(incident=inc, unit=p[2]) for inc, p in zip(incidents, plan,
                                                                                                      strict=True)])
            IncidentDesk.objects.bulk_create([IncidentDesk(incident=inc, desk=p[3], reached_at=p[1])
                                              for inc, p in zip(incidents, plan, strict=True)])
            rows = []
            for inc, (kind, occurred, unit, near, upper) in zip(incidents, plan, strict=True):
                pairs = [(unit, near)] + ([(near.unit, upper)] if upper is not None else [])
                for owing, receiving in pairs:
                    for channel, minutes in ((Channel.PHONE, PHONE), (Channel.WRITTEN, WRITTEN)):
                        due = occurred + dt.timedelta(minutes=minutes)
                        met = None
                        if kind == "old" or (kind == "overdue" and channel == Channel.PHONE):
                            met = due - dt.timedelta(minutes=rng.uniform(1, 20))
                        if fresh_only and channel == Channel.PHONE:
                            met = occurred
                        if fresh_only and owing.pk != unit.pk:
                            met = occurred  # the worker part watches the unit's written clock only
                        rows.append(Deadline(incident=inc, unit=owing, desk=receiving, channel=channel,
                                             limit_minutes=minutes, due_at=due, met_at=met))
                if kind == "old":
                    rows.append(Deadline(incident=inc, unit=unit, desk=near, channel=Channel.FOLLOWUP,
                                         due_at=next_slot(t0)))
            Deadline.objects.bulk_create(rows, batch_size=2000)
        made += [inc.pk for inc in incidents]
        bar.update(size)
    bar.close()
    return made


def record_past(t0: dt.datetime, *, quiet: bool = False) -> int:
    """Record every stage due at ``t0`` as the sweeps would have: the latest sent, the earlier skipped."""
    from django.db import transaction
    from tqdm import tqdm

    from xinxi.urgent import warnings
    from xinxi.urgent.models import DeadlineWarning, UrgentSettings

    settings, offsets = warnings._settings_by_desk()
    rows = []
    candidates = warnings.open_deadlines(t0, offsets).filter(incident__title__startswith=PREFIX)
    for deadline in tqdm(candidates.iterator(), desc="已过提醒", unit="个", disable=quiet):
        rules = settings.get(deadline.desk_id) or UrgentSettings(desk_id=deadline.desk_id)
        send, skip = warnings.due_now(warnings.stages(deadline.due_at, rules), set(), t0)
        rows += [DeadlineWarning(deadline_id=deadline.pk, stage=s.name, sent_at=t0) for s in send]
        rows += [DeadlineWarning(deadline_id=deadline.pk, stage=s.name, sent_at=t0, skipped=True) for s in skip]
    with transaction.atomic():
        DeadlineWarning.objects.bulk_create(rows, batch_size=5000, ignore_conflicts=True)
    return len(rows)


def analyze() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for table in ("urgent_deadline", "urgent_deadlinewarning", "urgent_incident"):
                cursor.execute(f"VACUUM ANALYZE {table}")
        else:
            cursor.execute("ANALYZE")


def rolled_back(fn: Any) -> Any:
    from django.db import transaction

    with transaction.atomic():
        out = fn()
        transaction.set_rollback(True)
    return out


def timed(fn: Any, runs: int) -> tuple[list[float], float]:
    """Wall times of ``runs`` calls in ms, and the CPU per call (this process + its PostgreSQL backend) in ms.

    The CPU figure says what a call costs when other work shares the cores (wall times then
    include waiting for a core).
    """
    rolled_back(fn)  # warm
    backend = database_pids(own=True)
    cpu_before, db_before = time.process_time(), cpu_seconds(backend)
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        rolled_back(fn)
        times.append((time.perf_counter() - t) * 1000)
    cpu = (time.process_time() - cpu_before + cpu_seconds(backend) - db_before) * 1000 / runs
    return times, cpu


def raw_selection(now: dt.datetime) -> int:
    """The sweep's selection as SQL on a cursor: the candidate clocks, then their recorded stages."""
    from django.db import connection

    from xinxi.urgent import warnings
    from xinxi.urgent.models import DeadlineWarning

    _, offsets = warnings._settings_by_desk()
    sql, params = warnings.open_deadlines(now, offsets).values_list("pk", "desk_id", "due_at").query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL jit = off")  # as the sweep does (``warnings.candidates``)
        cursor.execute(sql, params)
        rows = cursor.fetchall()
        ids = [row[0] for row in rows]
        if ids:
            sql, params = DeadlineWarning.objects.filter(deadline_id__in=ids).values_list(
                "deadline_id", "stage").query.sql_with_params()
            cursor.execute(sql, params)
            cursor.fetchall()
    return len(rows)


def line(label: str, figures: tuple[list[float], float]) -> str:
    times, cpu = figures
    return (f"{label}：p50 {percentile(times, 0.5):.1f} ms，p95 {percentile(times, 0.95):.1f} ms，"
            f"最大 {max(times):.1f} ms；CPU {cpu:.1f} ms/次")


def sweep_figures(t0: dt.datetime, runs: int) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from xinxi.urgent import warnings

    for label, minutes in (("无到期提醒（T₀）", 0), ("一分钟后（新到期的提醒）", 1), ("停机十分钟后补发", 10)):
        now = t0 + dt.timedelta(minutes=minutes)
        with CaptureQueriesContext(connection) as queries:
            result = rolled_back(lambda now=now: warnings.sweep(now))
        candidates = rolled_back(lambda now=now: raw_selection(now))
        print(f"{label}：候选时限 {candidates} 个；{result}；SQL {len(queries)} 条")
        times = runs if minutes < 10 else max(3, runs // 5)
        print("  " + line("提醒扫描", timed(lambda now=now: warnings.sweep(now), times)))
        print("  " + line("同一选择的原始 SQL", timed(lambda now=now: raw_selection(now), times)))


def burst_figures(t0: dt.datetime, runs: int) -> None:
    """The sweep at T−30 of the next 08:00 / 17:00 follow-up slot: every 续报 clock warned at once.

    Each run, in a transaction rolled back afterwards: the stages due a minute before are
    recorded (untimed, as the sweeps of the minutes before would have), then the sweep of the
    slot's minute is timed.
    """
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from xinxi.urgent import warnings

    now = next_slot(t0) - dt.timedelta(minutes=30)
    times: list[float] = []
    cpu = 0.0
    for run in range(runs):
        with transaction.atomic():
            record_past(now - dt.timedelta(minutes=1), quiet=True)
            backend = database_pids(own=True)
            cpu_before, db_before = time.process_time(), cpu_seconds(backend)
            t = time.perf_counter()
            with CaptureQueriesContext(connection) as queries:
                result = warnings.sweep(now)
            times.append((time.perf_counter() - t) * 1000)
            cpu += (time.process_time() - cpu_before + cpu_seconds(backend) - db_before) * 1000
            transaction.set_rollback(True)
        if run == 0:
            print(f"续报时点前 30 分钟（{timezone_local(now)}）：{result}；SQL {len(queries)} 条")
    print("  " + line("集中到期的提醒扫描", (times, cpu / runs)))


def timezone_local(moment: dt.datetime) -> str:
    from django.utils import timezone

    return f"{timezone.localtime(moment):%m-%d %H:%M}"


def move_burst(stage_at: dt.datetime) -> tuple[dt.datetime, list[int]]:
    """Move every open bench 续报 clock to ``stage_at`` + 30 minutes (their recorded stages
    cleared), so the worker meets the 08:00/17:00 burst while the delays are measured."""
    from django.db import transaction

    from xinxi.urgent.models import Channel, Deadline, DeadlineWarning

    rows = Deadline.objects.filter(
        channel=Channel.FOLLOWUP, met_at__isnull=True, cancelled=False, incident__title__startswith=PREFIX
    )
    with transaction.atomic():
        ids = list(rows.values_list("incident_id", flat=True).distinct())
        DeadlineWarning.objects.filter(deadline__in=rows).delete()
        rows.update(due_at=stage_at + dt.timedelta(minutes=30))
    return stage_at, ids


def latency(net: Any, count: int, seed: int, *, burst: bool = True) -> None:
    from django.utils import timezone

    from xinxi.notifications.models import Notification

    env = dict(os.environ)
    env.pop("XINXI_NOTIFICATION_CHANNELS", None)
    log = Path(os.environ.get("TMPDIR", "/tmp")) / "xinxi-urgent-bench-worker.log"
    with log.open("w") as out:
        worker = subprocess.Popen([sys.executable, "manage.py", "worker"], cwd=ROOT, env=env, stdout=out,
                                  stderr=subprocess.STDOUT)
    try:
        time.sleep(5)  # the first round (every sweep of the day) is over
        start = timezone.now()
        rng = random.Random(seed)
        # T−30 of the written clock (120 minutes): half on a minute (occurred-at typed in minutes),
        # half at a random second, over the next three minutes
        minute = start.replace(second=0, microsecond=0)
        on_minute = [minute + dt.timedelta(minutes=1 + i % 3) for i in range(count // 2)]
        any_second = [start + dt.timedelta(seconds=rng.uniform(20, 200)) for _ in range(count - count // 2)]
        aligned = set(on_minute)
        stage_at = sorted(on_minute + any_second)
        occurred = [s + dt.timedelta(minutes=30 - WRITTEN) for s in stage_at]
        ids = build(net, count, seed, start, fresh_only=True, fresh_times=occurred)
        burst_at, burst_ids = (move_burst(minute + dt.timedelta(minutes=2)) if burst else (None, []))
        if burst_at is not None:
            print(f"另把 {len(burst_ids)} 件事件的续报时限移到 {burst_at + dt.timedelta(minutes=30):%H:%M}，"
                  f"其 30 分钟提醒在 {burst_at:%H:%M:%S} 集中到期")
        print(f"已写入 {count} 件事件，其提醒在 {stage_at[0]:%H:%M:%S}—{stage_at[-1]:%H:%M:%S} 之间到期；"
              f"后台任务（manage.py worker，每半分钟开始时一轮）运行中……")
        deadline = stage_at[-1] + dt.timedelta(seconds=150)
        first: dict[int, dt.datetime] = {}
        watched = ids + burst_ids
        while timezone.now() < deadline and len(first) < len(watched):
            time.sleep(2)
            for object_id, created in Notification.objects.filter(
                kind="urgent_warning", object_id__in=watched, created_at__gte=start
            ).values_list("object_id", "created_at"):
                first[object_id] = min(created, first.get(object_id, created))
        if burst_at is not None:
            delays = [(first[pk] - burst_at).total_seconds() for pk in burst_ids if pk in first]
            print(f"集中到期的提醒延迟：{len(delays)} 件，最小 {min(delays, default=0):.1f} 秒，"
                  f"中位 {statistics.median(delays or [0]):.1f} 秒，最大 {max(delays, default=0):.1f} 秒"
                  + (f"；{len(burst_ids) - len(delays)} 件未送达" if len(delays) < len(burst_ids) else ""))
        for label, group in (("整分到期", True), ("任意秒到期", False)):
            pairs = [(pk, due) for pk, due in zip(ids, stage_at, strict=True) if (due in aligned) == group]
            delays = [(first[pk] - due).total_seconds() for pk, due in pairs if pk in first]
            missing = len(pairs) - len(delays)
            if delays:
                print(f"提醒延迟（{label} → 通知写入）：{len(delays)} 条，最小 {min(delays):.1f} 秒，"
                      f"中位 {statistics.median(delays):.1f} 秒，最大 {max(delays):.1f} 秒"
                      + (f"；{missing} 条未在时限内送达" if missing else ""))
            else:
                print(f"提醒延迟（{label}）：{missing} 条都未送达（见 {log}）")
    finally:
        worker.send_signal(signal.SIGINT)
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="紧急信息提醒扫描基准")
    parser.add_argument("--incidents", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--no-latency", action="store_true")
    parser.add_argument("--latency-warnings", type=int, default=16)
    parser.add_argument("--no-burst", action="store_true", help="measure the delays without the follow-up burst")
    parser.add_argument("--no-migrate", action="store_true")
    parser.add_argument("--burst-runs", type=int, default=3, help="runs of the follow-up burst (0: skip it)")
    args = parser.parse_args(argv)
    setup_django()
    from django.core.management import call_command
    from django.utils import timezone

    from xinxi.urgent.models import Deadline, Incident

    print(f"数据库：{describe_database()}")
    if not args.no_migrate:
        call_command("migrate", interactive=False, verbosity=0)
    net = ensure_network(args.seed)
    clean()
    t0 = timezone.now().replace(second=0, microsecond=0)
    started = time.perf_counter()
    build(net, args.incidents, args.seed, t0)
    recorded = record_past(t0)
    analyze()
    open_clocks = Deadline.objects.filter(met_at__isnull=True, cancelled=False).count()
    print(f"处置中事件 {Incident.objects.filter(state='open').count()} 件，未到报告的时限 {open_clocks} 个，"
          f"时限共 {Deadline.objects.count()} 个；已记录的过往提醒 {recorded} 个"
          f"（准备用时 {time.perf_counter() - started:.0f} 秒）")
    print(load_note())
    sweep_figures(t0, args.runs)
    if args.burst_runs:
        burst_figures(t0, args.burst_runs)
    if not args.no_latency:
        latency(net, args.latency_warnings, args.seed + 1, burst=not args.no_burst)


if __name__ == "__main__":
    main()
