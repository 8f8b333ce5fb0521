"""Submission throughput: items/s through the service, over HTTP (gunicorn), and raw inserts of the same rows.

Usage, from the repository root, on a benchmark database (see bench/generate.py; the
network is built here if it is missing, items are not needed)::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/xinxi_bench .venv/bin/python bench/submit_bench.py
    XINXI_VAR_DIR=/tmp/xinxi-bench .venv/bin/python bench/submit_bench.py

Options: ``--items N`` (items per measurement, default 400), ``--clients T`` (HTTP client
threads, default 4), ``--workers W`` (gunicorn workers, default 2), ``--threads K``
(gunicorn threads per worker, default 1: the sync worker), ``--seconds S`` (time bound
of each measurement, default 120).

It measures, in one run and on the same database:

1. the service: ``services.item_create`` then ``services.item_submit`` (with an
   idempotency key), one thread, as a view would call them;
2. HTTP: gunicorn with W workers on 127.0.0.1 and a free port, started and stopped
   here; T client threads (``http.client``), each a different reporter with a token,
   each item ``POST /api/v1/items/`` then ``POST /api/v1/items/{id}/submit/`` with an
   ``Idempotency-Key``: items/s over the whole run, and p50/p95 of one item's two
   requests. The client runs on the same machine and takes some of its CPU;
3. the raw database: the same rows ``item_submit`` writes (item, submission, entries,
   history, audit by ``bench/generate.py``'s ``item_rows``; the item's history row, the
   search documents and the notifications by ``rest_of_submission``, the texts segmented
   beforehand), one transaction per item and then in one bulk batch; and, for comparison
   with the runs before 2026-12-05 13:30 UTC, whose baseline it was, ``item_rows`` alone,
   one transaction per item.

Benchmark items stay in the database (they are ordinary submitted items). Prints
figures; it never passes or fails.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.generate import (
    PASSWORD,
    ROOT,
    Draft,
    TextMaker,
    describe_database,
    ensure_network,
    historical_times,
    item_rows,
    load_note,
    load_sentences,
    setup_django,
)

TOPIC = "推进“接诉即办”改革，提升12345热线办理质效"
LOG = Path(os.environ.get("TMPDIR", "/tmp")) / "xinxi-submit-bench-gunicorn.log"
MAX_ERRORS = 5  # a client stops after this many failed items in a row


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU of these processes so far (Linux /proc), 0 for a process gone."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / tick
    return total


def children(parent: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == parent:
            found.append(int(stat.parent.name))
    return found


def database_pids(*, own: bool) -> list[int]:
    """PostgreSQL backends on this database: this process's own, or every other one (the server's)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return []
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        mine = cursor.fetchone()[0]
        if own:
            return [mine]
        cursor.execute("SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> %s", [mine])
        return [row[0] for row in cursor.fetchall()]


class BackendSampler(threading.Thread):
    """Follows the CPU of the database's other backends while the server runs.

    Django's workers reconnect now and then (CONN_MAX_AGE), so a backend may end
    during the run: the CPU of each backend pid is sampled twice a second and the
    growth since its first sample is summed.
    """

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.first: dict[int, float] = {}
        self.last: dict[int, float] = {}
        self.stopping = threading.Event()

    def sample(self, *, baseline: bool = False) -> None:
        """Backends open at the baseline count from their CPU then; later ones from zero."""
        for pid in database_pids(own=False):
            cpu = cpu_seconds([pid])
            self.first.setdefault(pid, cpu if baseline else 0.0)
            self.last[pid] = cpu

    def run(self) -> None:
        from django.db import connection

        try:
            while not self.stopping.wait(0.5):
                self.sample()
        finally:
            connection.close()

    def seconds(self) -> float:
        self.stopping.set()
        self.join()
        return sum(self.last[pid] - self.first[pid] for pid in self.last)


def pick_writers(net: Any, count: int, seed: int) -> list[Any]:
    """Reporters of distinct units that submit without sign-off, spread over the province."""
    units = {u.pk: u for u in net.units.values()}
    eligible = sorted(u for u in net.targets if not units[u].requires_signoff and u in net.reporters)
    rng = random.Random(f"{seed}/writers")
    return [net.reporters[u] for u in rng.sample(eligible, count)]


def texts(count: int, seed: int, writers: list[Any], net: Any, label: str) -> list[tuple[str, str]]:
    from django.utils import timezone

    rng = random.Random(f"{seed}/texts/{label}")
    maker = TextMaker(load_sentences(), rng)
    now = timezone.localtime()
    out = []
    for i in range(count):
        place = net.place[writers[i % len(writers)].unit_id]
        out.append((maker.title(place, TOPIC), maker.body(place, TOPIC, now)))
    return out


# --- 1. the service ---------------------------------------------------------------


def bench_service(writers: list[Any], items: list[tuple[str, str]], seconds: float) -> dict[str, Any]:
    from xinxi.items import services

    submit_times: list[float] = []
    backend = database_pids(own=True)
    cpu_before, db_before = time.process_time(), cpu_seconds(backend)
    started = time.perf_counter()
    done = 0
    for i, (title, body) in enumerate(items):
        writer = writers[i % len(writers)]
        item = services.item_create(actor=writer, title=title, body=body, category="news", tone="positive",
                                    classification=0)
        t0 = time.perf_counter()
        services.item_submit(actor=writer, item=item, idempotency_key=uuid.uuid4().hex)
        submit_times.append(time.perf_counter() - t0)
        done += 1
        if time.perf_counter() - started > seconds:
            break
    elapsed = time.perf_counter() - started
    return {"items": done, "rate": done / elapsed, "submit_p50": percentile(submit_times, 0.5),
            "submit_p95": percentile(submit_times, 0.95),
            "cpu_ms": (time.process_time() - cpu_before) * 1000 / done,
            "db_cpu_ms": (cpu_seconds(backend) - db_before) * 1000 / done}


# --- 2. HTTP ----------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def gunicorn(workers: int, threads: int) -> Any:
    """A gunicorn started for the run (its own process group) and stopped afterwards."""
    port = free_port()
    binary = Path(sys.executable).with_name("gunicorn")
    command = [str(binary), "xinxi.wsgi:application", "--workers", str(workers), "--threads", str(threads),
               "--bind", f"127.0.0.1:{port}", "--log-level", "warning", "--timeout", "60"]
    log = open(LOG, "w", encoding="utf-8")  # noqa: SIM115 (closed below)
    process = subprocess.Popen(command, cwd=ROOT, env=os.environ.copy(), start_new_session=True, stdout=log,
                               stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                connection.request("GET", "/accounts/login/")
                connection.getresponse().read()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit("gunicorn 没有启动。") from None
                time.sleep(0.2)
        yield port, process.pid
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        log.close()


def call(connection: http.client.HTTPConnection, method: str, path: str, body: Any,
         headers: dict[str, str]) -> tuple[int, Any]:
    connection.request(method, path, body=json.dumps(body, ensure_ascii=False).encode(),
                       headers={"Content-Type": "application/json", "Accept": "application/json", **headers})
    response = connection.getresponse()
    raw = response.read()
    try:
        return response.status, json.loads(raw or b"null")
    except ValueError:
        return response.status, raw[:200].decode("utf-8", "replace")


def token_for(port: int, username: str) -> str:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    status, body = call(connection, "POST", "/api/v1/auth/token/", {"username": username, "password": PASSWORD}, {})
    if status != 200:
        raise SystemExit(f"{username} 换取令牌失败：{status} {body}")
    return str(body["token"])


@dataclass
class Client:
    token: str
    items: list[tuple[str, str]]
    one_request: bool = False  # POST /api/v1/items/submit/ instead of create, then submit
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def run(self, port: int, deadline: float) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        auth = {"Authorization": f"Token {self.token}"}
        failures = 0
        for title, body in self.items:
            if time.monotonic() > deadline or failures >= MAX_ERRORS:
                break
            failures += 1
            t0 = time.perf_counter()
            fields = {"title": title, "body": body, "category": "news", "classification": 0}
            if self.one_request:
                key = {"Idempotency-Key": uuid.uuid4().hex}
                status, data = call(connection, "POST", "/api/v1/items/submit/", fields, auth | key)
                if status != 201:
                    self.errors.append(f"新建并报送 {status} {data}")
                    continue
                self.latencies.append(time.perf_counter() - t0)
                failures = 0
                continue
            status, data = call(connection, "POST", "/api/v1/items/", fields, auth)
            if status != 201:
                self.errors.append(f"新建 {status} {data}")
                continue
            key = {"Idempotency-Key": uuid.uuid4().hex}
            status, data = call(connection, "POST", f"/api/v1/items/{data['id']}/submit/", {}, auth | key)
            if status != 201:
                self.errors.append(f"报送 {status} {data}")
                continue
            self.latencies.append(time.perf_counter() - t0)
            failures = 0


def bench_http(writers: list[Any], items: list[tuple[str, str]], *, clients: int, workers: int, threads: int,
               seconds: float, one_request: bool = False) -> dict[str, Any]:
    with gunicorn(workers, threads) as (port, master):
        tokens = [token_for(port, w.username) for w in writers[:clients]]
        # Warm up every worker (imports, connections, jieba if the index uses it): not counted.
        warm = [Client(t, items[:2], one_request) for t in tokens]
        for client in warm:
            client.run(port, time.monotonic() + 60)
        rest = items[2:]
        runners = [Client(tokens[c], rest[c::clients], one_request) for c in range(clients)]
        server = children(master)
        sampler = BackendSampler()
        sampler.sample(baseline=True)
        sampler.start()
        server_before, client_before = cpu_seconds(server), time.process_time()
        deadline = time.monotonic() + seconds
        started = time.perf_counter()
        threads_ = [threading.Thread(target=r.run, args=(port, deadline)) for r in runners]
        for t in threads_:
            t.start()
        for t in threads_:
            t.join()
        elapsed = time.perf_counter() - started
        server_cpu, db_cpu = cpu_seconds(server) - server_before, sampler.seconds()
        client_cpu = time.process_time() - client_before
    latencies = [x for r in runners for x in r.latencies]
    errors = [e for r in [*warm, *runners] for e in r.errors]
    done = max(1, len(latencies))
    return {"items": len(latencies), "rate": len(latencies) / elapsed, "p50": percentile(latencies, 0.5),
            "p95": percentile(latencies, 0.95), "errors": errors, "cpu_ms": server_cpu * 1000 / done,
            "db_cpu_ms": db_cpu * 1000 / done, "client_cpu_ms": client_cpu * 1000 / done}


# --- 3. the raw database ----------------------------------------------------------


def drafts_for(writers: list[Any], items: list[tuple[str, str]]) -> list[Draft]:
    from django.utils import timezone

    now = timezone.now()
    return [Draft(unit_id=w.unit_id, writer=w, actor=w, title=t, body=b, category="news", tone="positive",
                  classification=0, urgency=0, event_time=None, major_event=False, submitted_at=now, tags=[])
            for (t, b), w in zip(items, (writers[i % len(writers)] for i in range(len(items))), strict=True)]


def bench_raw(net: Any, writers: list[Any], items: list[tuple[str, str]]) -> dict[str, float]:
    one_by_one = drafts_for(writers, items)
    bulk = drafts_for(writers, items)
    partial = drafts_for(writers, items)
    rest = rest_of_submission(net, one_by_one + bulk)
    with historical_times():
        started = time.perf_counter()
        for draft in one_by_one:
            item_rows([draft], net, rest)
        single = len(one_by_one) / (time.perf_counter() - started)
        started = time.perf_counter()
        item_rows(bulk, net, rest)
        batched = len(bulk) / (time.perf_counter() - started)
        started = time.perf_counter()
        for draft in partial:  # the baseline of the runs before 2026-12-05 13:30 UTC
            item_rows([draft], net)
        without_rest = len(partial) / (time.perf_counter() - started)
    return {"single": single, "bulk": batched, "without_rest": without_rest}


def rest_of_submission(net: Any, drafts: list[Draft]) -> Any:
    """The rows ``item_submit`` writes beside ``item_rows``': the item's 报送 history row, the
    search documents of the round and of each entry (the texts segmented beforehand, not
    timed: segmenting is the application's work, not the database's), and the 新收信息
    notifications to the target desks' editors. Returns ``also`` for ``item_rows``."""
    from django.db import connection

    from xinxi.accounts.models import Role, RoleGrant
    from xinxi.archive import index
    from xinxi.archive.models import SearchDocKind
    from xinxi.items.models import ItemEvent
    from xinxi.network.models import Unit
    from xinxi.notifications.models import Notification

    terms = {(d.title, d.body): (index.text_terms(d.title), index.text_terms(d.body)) for d in drafts}
    desks = {desk.pk: desk for targets in net.targets.values() for desk, _ in targets}
    editors: dict[int, list[int]] = {pk: [] for pk in desks}
    by_unit = {desk.unit_id: pk for pk, desk in desks.items()}
    grants = RoleGrant.objects.filter(role__in=[Role.EDITOR, Role.DESK_CHIEF], user__unit_id__in=list(by_unit),
                                      user__is_active=True).values_list("user_id", "user__unit_id").distinct()
    for user_id, unit_id in grants:
        editors[by_unit[unit_id]].append(user_id)
    paths = dict(Unit.objects.values_list("pk", "path"))

    def write(items: list[Any], submissions: list[Any], entries: list[Any]) -> None:
        ItemEvent.objects.bulk_create([
            ItemEvent(item=i, at=s.submitted_at, actor=s.submitted_by, action="submit", reason="第 1 轮报送",
                      from_state="draft", to_state="submitted") for i, s in zip(items, submissions, strict=True)])
        docs = []
        for item, s in zip(items, submissions, strict=True):
            keys = index.reader_keys((), {item.unit_id}, item.classification)
            keys += index.filter_keys(SearchDocKind.ORIGINAL, s.submitted_at, paths[item.unit_id], None,
                                      s.category, s.tone)
            docs.append(index.Doc(SearchDocKind.ORIGINAL, s.pk, item.pk, s.submitted_at, s.title, s.body, keys,
                                  *terms[(s.title, s.body)]))
        for e in entries:
            keys = index.reader_keys({e.desk_id}, {e.origin_unit_id}, e.classification)
            keys += index.filter_keys(SearchDocKind.ENTRY, e.received_at, paths[e.origin_unit_id], e.desk_id,
                                      e.category, e.tone)
            docs.append(index.Doc(SearchDocKind.ENTRY, e.pk, e.item_id, e.received_at, e.title, e.body, keys,
                                  *terms[(e.title, e.body)]))
        with connection.cursor() as cursor:
            for start in range(0, len(docs), 200):
                index._insert_many(cursor, docs[start : start + 200])
        submission_of = {s.item_id: s for s in submissions}
        told = {(user, submission_of[e.item_id].pk) for e in entries for user in editors[e.desk_id]}
        Notification.objects.bulk_create([
            Notification(user_id=user, kind="item_received", object_id=pk, classification=0, detail={}, url="/desk/")
            for user, pk in sorted(told)], batch_size=2000)

    return write


def db_note(figures: dict[str, Any]) -> str:
    from django.db import connection

    if connection.vendor != "postgresql":
        return "（SQLite 在进程内）"
    return f" + PostgreSQL {figures['db_cpu_ms']:.1f} ms"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="报送吞吐量基准")
    parser.add_argument("--items", type=int, default=400)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--seconds", type=float, default=120)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args(argv)
    setup_django()
    from django.db import connection

    from xinxi.items.models import DeskEntry

    print(f"数据库：{describe_database()}；{load_note()}")
    net = ensure_network(args.seed, progress=False)
    print(f"已有收稿 {DeskEntry.objects.count()} 条")
    writers = pick_writers(net, max(args.clients, 8), args.seed)
    n = args.items

    service = bench_service(writers, texts(n, args.seed, writers, net, "service"), args.seconds)
    print(f"1. 服务函数 item_create + item_submit（单线程）：{service['items']} 条，{service['rate']:.0f} 条/秒；"
          f"item_submit 一次 p50 {service['submit_p50'] * 1000:.1f} ms，p95 {service['submit_p95'] * 1000:.1f} ms")
    print(f"   每条 CPU：Python {service['cpu_ms']:.1f} ms" + db_note(service))

    connection.close()  # gunicorn's workers open their own
    webs = []
    for one_request, label in ((False, "新建 + 报送两个请求"), (True, "新建并报送一个请求 POST /api/v1/items/submit/")):
        web = bench_http(writers, texts(n + 2 * args.clients, args.seed, writers, net, f"http{int(one_request)}"),
                         clients=args.clients, workers=args.workers, threads=args.threads, seconds=args.seconds,
                         one_request=one_request)
        webs.append(web)
        print(f"2{'b' if one_request else 'a'}. HTTP（gunicorn {args.workers} 个 worker × {args.threads} 线程，"
              f"{args.clients} 个客户端线程，每条 = {label}）：{web['items']} 条，{web['rate']:.0f} 条/秒；"
              f"每条 p50 {web['p50'] * 1000:.0f} ms，p95 {web['p95'] * 1000:.0f} ms")
        per_item = web["cpu_ms"] + web["db_cpu_ms"]
        print(f"   每条 CPU：gunicorn worker {web['cpu_ms']:.1f} ms" + db_note(web)
              + f"，客户端 {web['client_cpu_ms']:.1f} ms；按服务端 CPU 计，{os.cpu_count()} 核的上限约"
              f" {os.cpu_count() * 1000 / per_item:.0f} 条/秒")
        if web["errors"]:
            print(f"   出错 {len(web['errors'])} 次，例如：{web['errors'][0]}；服务器日志：{LOG}")

    raw = bench_raw(net, writers, texts(n, args.seed, writers, net, "raw"))
    print(f"3. 数据库直写同样的行：逐条事务 {raw['single']:.0f} 条/秒；批量一次写入 {raw['bulk']:.0f} 条/秒"
          f"（不写检索文档、通知和报送记录时逐条 {raw['without_rest']:.0f} 条/秒）")
    for web, label in zip(webs, ("两个请求", "一个请求"), strict=True):
        print(f"   HTTP（{label}）/ 逐条事务直写 = {web['rate'] / raw['single']:.2f}×（目标 ≥ 0.5×）")
    print(f"结束时：{load_note()}")


if __name__ == "__main__":
    main()
