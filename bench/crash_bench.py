"""Crash safety: submissions and issue sign-offs over HTTP while the server is SIGKILLed.

Usage, from the repository root (a harness that prints counts; it never passes or fails)::

    .venv/bin/python bench/crash_bench.py --database sqlite --items 2000
    .venv/bin/python bench/crash_bench.py --database postgres --items 2000 \\
        --pg-url postgres://postgres@127.0.0.1:5432/xinxi_crash

Options: ``--items N`` (default 10000), ``--clients C`` (submitting client threads,
default 4), ``--issues K`` (issues signed off during the run, default 40),
``--kill-after A B`` (seconds of serving between kills, uniform in [A, B], default 2 10),
``--seconds S`` (bound of the whole run, default 3600), ``--seed``.

The scratch database is wiped first: on SQLite ``var/crash-bench/`` (its own
``XINXI_VAR_DIR``), on PostgreSQL the ``public`` schema of the database in ``--pg-url``
(default ``postgres://postgres@127.0.0.1:5432/xinxi_crash``, created if missing; a name
starting with ``test`` is refused). It is migrated and gets the demo province
(``load_demo`` + ``load_demo_items``).

The run, all on 127.0.0.1:

- the server is started as ``scripts/run.sh`` starts it (``python -m waitress
  --listen=127.0.0.1:PORT xinxi.wsgi:application``, 4 threads); a killer thread waits a
  random A–B seconds after each start, sends SIGKILL to the server (on SQLite it is the
  process that holds the database file open, mid-transaction or not) and starts it again;
- C client threads, each a reporter with an API token, send N items between them: each
  item is ``POST /api/v1/items/`` (a draft) then ``POST /api/v1/items/{id}/submit/`` with
  an ``Idempotency-Key``. A connection error, a timeout or a 5xx is retried (after 0.2 s)
  with the same key until an answer comes; a 201 with a receipt number is an
  acknowledgement. Creating a draft has no key: a create that committed but whose answer
  was lost leaves a draft nobody was told about (counted as "orphan drafts": whole
  drafts, never sent);
- two more client threads, both the desk chief, sign off K issues prepared beforehand
  (each waiting for sign-off with one entry, across the desk's two periodicals) with
  ``POST /api/v1/issues/{id}/sign/``, retried the same way, spread over the run (issue j
  is due when j/(K+1) of the items are acknowledged), so sign-offs run concurrently with
  each other, with the submissions and with the kills; an answer "本期已经签发印发" after a
  retry means the lost answer's sign-off committed, and is an acknowledgement.

Afterwards, with the server stopped, the database is checked:

- lost: an acknowledged receipt with no submission, or a different receipt number;
- duplicated: more than one submission for one idempotency key, or for one item round;
- half-written: a submitted item without its submission, a submission without desk
  entries, or whose entries lack their "received" history row or its audit row; a draft
  with a submission; a desk entry of the run without a submission;
- sign-off: per periodical and year the numbers are 1..n with no gap and no repeat;
  every acknowledged issue is issued with a number; no issue is numbered but not
  issued (or the reverse); every issued issue has an adoption for each of its entries.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
LOG = ROOT / "var" / "crash-bench-server.log"
RETRY_PAUSE = 0.2
TIMEOUT = 30


# --- the scratch database -----------------------------------------------------------


def prepare_environment(args: argparse.Namespace) -> dict[str, str]:
    """The environment of the server and of this process: a wiped scratch database."""
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "XINXI_VAR_DIR"}}
    env["DJANGO_SETTINGS_MODULE"] = "xinxi.settings"
    env["DEBUG"] = "false"
    if args.database == "sqlite":
        var = ROOT / "var" / "crash-bench"
        shutil.rmtree(var, ignore_errors=True)
        var.mkdir(parents=True)
        env["XINXI_VAR_DIR"] = str(var)
    else:
        url = args.pg_url
        name = urlsplit(url).path.lstrip("/")
        if not name or name.startswith("test"):
            sys.exit(f"拒绝使用数据库 {name!r}：请用一个专门的库（默认 xinxi_crash）。")
        wipe_postgres(url, name)
        env["DATABASE_URL"] = url
        env["XINXI_VAR_DIR"] = str(ROOT / "var" / "crash-bench-pg")
    os.environ.clear()
    os.environ.update(env)
    return env


def wipe_postgres(url: str, name: str) -> None:
    import psycopg

    parts = urlsplit(url)
    maintenance = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(maintenance, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("DROP SCHEMA public CASCADE")
        conn.execute("CREATE SCHEMA public")


def manage(env: dict[str, str], *command: str) -> None:
    subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True,
                   stdout=subprocess.DEVNULL)


@dataclass
class Setup:
    tokens: list[str]
    chief_token: str
    issues: list[int]
    desk_id: int


def build_setup(clients: int, issues: int, run: str) -> Setup:
    """Tokens for the reporters and the desk chief; K issues waiting for sign-off."""
    import django

    django.setup()
    from django.db import connections
    from rest_framework.authtoken.models import Token

    from xinxi.accounts.models import Role, User
    from xinxi.items import services as item_services
    from xinxi.items.models import DeskEntry
    from xinxi.network.models import Desk
    from xinxi.publications import services as pub_services
    from xinxi.publications.models import Periodical

    chief, editor = User.objects.get(username="lj_kz"), User.objects.get(username="lj_bj")
    desk = Desk.objects.get(unit=chief.unit)
    reporters = [u for u in User.objects.filter(role_grants__role=Role.REPORTER).select_related("unit")
                 .order_by("username") if not u.unit.requires_signoff]
    writers = [reporters[i % len(reporters)] for i in range(clients)]
    tokens = [Token.objects.get_or_create(user=w)[0].key for w in writers]
    chief_token = Token.objects.get_or_create(user=chief)[0].key
    # Entries at the desk for the issues: submitted here, through the services.
    to_desk = [u for u in reporters if DeskEntry.objects.filter(desk=desk, item__unit=u.unit).exists()] or reporters
    for i in range(issues):
        writer = to_desk[i % len(to_desk)]
        item = item_services.item_create(actor=writer, title=f"签发压力测试信息第{i + 1}条（{run}）",
                                         body="临江市推进基层治理工作取得新进展。" * 6)
        item_services.item_submit(actor=writer, item=item, idempotency_key=f"{run}-setup-{i}")
    periodicals = list(Periodical.objects.filter(desk=desk).order_by("pk"))
    entries = list(DeskEntry.objects.filter(desk=desk, title__contains=run).order_by("pk"))
    prepared = []
    for i, entry in enumerate(entries[:issues]):
        issue = pub_services.issue_create(actor=editor, periodical=periodicals[i % len(periodicals)])
        pub_services.issue_add_entries(actor=editor, issue=issue, entries=[entry])
        pub_services.issue_send_for_signoff(actor=editor, issue=issue)
        prepared.append(issue.pk)
    connections.close_all()
    return Setup(tokens=tokens, chief_token=chief_token, issues=prepared, desk_id=desk.pk)


# --- the server and its killer ------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """waitress on 127.0.0.1, started as scripts/run.sh starts it; killed and restarted on demand."""

    def __init__(self, env: dict[str, str], port: int) -> None:
        self.env, self.port = env, port
        self.process: subprocess.Popen[bytes] | None = None
        self.log = open(LOG, "a", encoding="utf-8")  # noqa: SIM115 (closed in stop)
        self.starts = 0
        self.startup: list[float] = []  # seconds from start to the first answer

    def start(self) -> None:
        command = [sys.executable, "-m", "waitress", f"--listen=127.0.0.1:{self.port}", "--threads=4",
                   "xinxi.wsgi:application"]
        self.process = subprocess.Popen(command, cwd=ROOT, env=self.env, start_new_session=True,
                                        stdout=self.log, stderr=subprocess.STDOUT)
        self.starts += 1
        began = time.monotonic()
        while time.monotonic() < began + 120:
            # Serving means answering a request (the first one loads the URLs and the views).
            try:
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=TIMEOUT)
                connection.request("GET", "/accounts/login/")
                ready = connection.getresponse().status == 200
                connection.close()
                if ready:
                    self.startup.append(time.monotonic() - began)
                    return
            except (OSError, http.client.HTTPException):
                pass
            if self.process.poll() is not None:
                raise SystemExit(f"服务器没有启动，见 {LOG}")
            time.sleep(0.05)
        raise SystemExit(f"服务器 120 秒内没有启动，见 {LOG}")

    def kill(self) -> None:
        if self.process is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def stop(self) -> None:
        if self.process is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()
        self.log.close()


class Killer(threading.Thread):
    def __init__(self, server: Server, low: float, high: float, seed: int) -> None:
        super().__init__(daemon=True)
        self.server, self.low, self.high = server, low, high
        self.rng = random.Random(f"{seed}/killer")
        self.stopping = threading.Event()
        self.kills = 0
        self.busy_kills = 0  # kills while at least one request was in flight

    def run(self) -> None:
        while not self.stopping.wait(self.rng.uniform(self.low, self.high)):
            self.busy_kills += IN_FLIGHT[0] > 0
            self.server.kill()
            self.kills += 1
            self.server.start()


# --- clients ------------------------------------------------------------------------


IN_FLIGHT = [0]  # requests sent and not yet answered, sampled by the killer
IN_FLIGHT_LOCK = threading.Lock()


class Unavailable(Exception):
    """No answer: connection refused or reset, timeout, or a 5xx."""


def call(port: int, method: str, path: str, token: str, body: Any = None,
         headers: dict[str, str] | None = None) -> tuple[int, Any]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
    with IN_FLIGHT_LOCK:
        IN_FLIGHT[0] += 1
    try:
        connection.request(method, path, body=json.dumps(body or {}, ensure_ascii=False).encode(), headers={
            "Content-Type": "application/json", "Accept": "application/json", "Authorization": f"Token {token}",
            **(headers or {})})
        response = connection.getresponse()
        raw = response.read()
    except (OSError, http.client.HTTPException) as exc:
        raise Unavailable(str(exc)) from None
    finally:
        connection.close()
        with IN_FLIGHT_LOCK:
            IN_FLIGHT[0] -= 1
    if response.status >= 500:
        raise Unavailable(f"{response.status}")
    try:
        return response.status, json.loads(raw or b"null")
    except ValueError:
        return response.status, raw[:200].decode("utf-8", "replace")


@dataclass
class Tally:
    attempted: int = 0
    acknowledged: int = 0
    retried: int = 0
    refused: list[str] = field(default_factory=list)
    receipts: dict[str, str] = field(default_factory=dict)  # idempotency key -> receipt number
    retried_acks: dict[str, float] = field(default_factory=dict)  # key -> when the answered attempt was sent
    unfinished: int = 0
    finished: threading.Event = field(default_factory=threading.Event)


def with_retries(tally: Tally, deadline: float, request: Any) -> tuple[tuple[int, Any] | None, bool, float]:
    """The first answer (None when the run's time is up), whether it took a retry, and when it was sent."""
    retried = False
    while time.monotonic() < deadline:
        sent_at = time.time()
        try:
            return request(), retried, sent_at
        except Unavailable:
            tally.retried += 1
            retried = True
            time.sleep(RETRY_PAUSE)
    return None, retried, time.time()


ONE_REQUEST = [False]  # --one-request


def submitter(port: int, token: str, indices: list[int], run: str, tally: Tally, deadline: float,
              lock: threading.Lock) -> None:
    for i in indices:
        with lock:
            tally.attempted += 1
        body = {"title": f"压力测试信息第{i + 1}条（{run}）",
                "body": f"临江市第{i + 1}次基层走访发现群众反映的问题均已登记办理，相关单位按期答复。" * 4,
                "category": "news", "classification": 0}
        key = f"{run}-{i}"
        if ONE_REQUEST[0]:  # create and submit in one request, under the key: a retry makes no second item
            sent, retried, sent_at = with_retries(tally, deadline, lambda b=body, k=key: call(
                port, "POST", "/api/v1/items/submit/", token, b, {"Idempotency-Key": k}))
        else:
            created, _, _ = with_retries(tally, deadline, lambda b=body: call(port, "POST", "/api/v1/items/", token, b))
            if created is None:
                tally.unfinished += 1
                continue
            if created[0] != 201:
                tally.refused.append(f"新建 {created[0]} {created[1]}")
                continue
            item_id = created[1]["id"]
            sent, retried, sent_at = with_retries(tally, deadline, lambda n=item_id, k=key: call(
                port, "POST", f"/api/v1/items/{n}/submit/", token, {}, {"Idempotency-Key": k}))
        if sent is None:
            tally.unfinished += 1
        elif sent[0] == 201:
            with lock:
                tally.acknowledged += 1
                tally.receipts[key] = sent[1]["receipt_no"]
                if retried:
                    tally.retried_acks[key] = sent_at
        else:
            tally.refused.append(f"报送 {sent[0]} {sent[1]}")


def signer(port: int, token: str, issues: list[tuple[int, int]], tally: Tally, acked: dict[int, str],
           deadline: float, progress: Tally, lock: threading.Lock) -> None:
    """Signs each issue once ``progress`` has that many acknowledged items: spread over the whole run."""
    for due, issue_id in issues:
        while progress.acknowledged < due and time.monotonic() < deadline and not progress.finished.is_set():
            time.sleep(0.2)
        with lock:
            tally.attempted += 1
        result, retried, _ = with_retries(
            tally, deadline, lambda n=issue_id: call(port, "POST", f"/api/v1/issues/{n}/sign/", token))
        if result is None:
            tally.unfinished += 1
        elif result[0] == 200:
            with lock:
                tally.acknowledged += 1
            acked[issue_id] = str(result[1].get("label") or result[1].get("number"))
        elif result[0] == 400 and retried and "已经签发" in json.dumps(result[1], ensure_ascii=False):
            with lock:
                tally.acknowledged += 1  # the lost answer's sign-off had committed
            acked[issue_id] = "（重试时确认）"
        else:
            tally.refused.append(f"签发 {result[0]} {result[1]}")


# --- checks -------------------------------------------------------------------------


def check_items(run: str, receipts: dict[str, str], retried_acks: dict[str, float]) -> dict[str, int]:
    from django.db.models import Count

    from xinxi.audit.models import AuditEvent
    from xinxi.items.models import DeskEntry, EntryEvent, Item, ItemState, Submission

    items = Item.objects.filter(title__startswith="压力测试信息", title__contains=run)
    subs = Submission.objects.filter(item__in=items)
    by_key = {k: list(v) for k, v in _group(subs.values_list("idempotency_key", "receipt_no")).items()}
    lost = sum(1 for key, receipt in receipts.items() if by_key.get(key) != [receipt])
    duplicated = sum(1 for rows in by_key.values() if len(rows) > 1)
    duplicated += subs.values("item", "round").annotate(n=Count("id")).filter(n__gt=1).count()
    submitted = items.exclude(state=ItemState.DRAFT)
    half = submitted.filter(submissions__isnull=True).count()
    half += items.filter(state=ItemState.DRAFT, submissions__isnull=False).distinct().count()
    half += subs.filter(entries__isnull=True).count()
    entries = DeskEntry.objects.filter(item__in=items)
    half += entries.filter(submission__isnull=True).count()
    received = set(EntryEvent.objects.filter(entry__in=entries).values_list("entry_id", flat=True))
    half += entries.exclude(pk__in=received).count()
    audited = set(AuditEvent.objects.filter(action="item_submit", object_type="item").values_list("object_id",
                                                                                                  flat=True))
    half += sum(1 for pk in subs.values_list("item_id", flat=True) if str(pk) not in audited)
    # A retry answered with a submission committed before that retry was sent: an earlier
    # attempt had committed and lost its answer; the idempotency key gave back its receipt.
    committed = dict(subs.filter(idempotency_key__in=list(retried_acks)).values_list("idempotency_key",
                                                                                       "submitted_at"))
    replays = sum(1 for key, sent in retried_acks.items() if key in committed and committed[key].timestamp() < sent)
    return {"replays": replays, "items": items.count(), "submissions": subs.count(), "entries": entries.count(),
            "lost": lost,
            "duplicated": duplicated, "half": half, "unacked_committed": len(set(by_key) - set(receipts)),
            "orphan_drafts": items.filter(state=ItemState.DRAFT).count()}


def _group(rows: Any) -> dict[Any, list[Any]]:
    grouped: dict[Any, list[Any]] = {}
    for key, value in rows:
        grouped.setdefault(key, []).append(value)
    return grouped


def check_issues(issue_ids: list[int], acked: dict[int, str]) -> dict[str, Any]:
    from xinxi.items.models import Adoption
    from xinxi.publications.models import Issue, IssueItem, IssueState

    gaps, repeats = [], 0
    numbered = Issue.objects.filter(number__isnull=False)
    for key, numbers in _numbers(numbered).items():
        counts = Counter(numbers)
        repeats += sum(n - 1 for n in counts.values() if n > 1)
        if sorted(counts) != list(range(1, len(counts) + 1)):
            gaps.append(f"{key}: {sorted(counts)}")
    issued = Issue.objects.filter(state=IssueState.ISSUED)
    half = issued.filter(number__isnull=True).count() + numbered.exclude(state=IssueState.ISSUED).count()
    for issue in issued.filter(pk__in=issue_ids):
        entries = set(IssueItem.objects.filter(issue=issue).values_list("entry_id", flat=True))
        adopted = set(Adoption.objects.filter(issue=issue).values_list("entry_id", flat=True))
        half += entries != adopted
    lost = sum(1 for pk in acked if not issued.filter(pk=pk, number__isnull=False).exists())
    return {"issued": issued.filter(pk__in=issue_ids).count(), "gaps": gaps, "repeats": repeats, "half": half,
            "lost": lost, "pending": Issue.objects.filter(pk__in=issue_ids, state=IssueState.PENDING).count()}


def _numbers(numbered: Any) -> dict[str, list[int]]:
    grouped: dict[str, list[int]] = {}
    for name, supplement, year, number in numbered.values_list("periodical__name", "supplement", "year", "number"):
        grouped.setdefault(f"《{name}》{year}{'增刊' if supplement else ''}", []).append(number)
    return grouped


# --- main ---------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="崩溃安全：服务器被 SIGKILL 时的报送与签发")
    parser.add_argument("--items", type=int, default=10000)
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--pg-url", default="postgres://postgres@127.0.0.1:5432/xinxi_crash")
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--issues", type=int, default=40)
    parser.add_argument("--kill-after", type=float, nargs=2, default=(2.0, 10.0), metavar=("A", "B"))
    parser.add_argument("--seconds", type=float, default=3600)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--one-request", action="store_true", help="新建并报送一个请求（POST /api/v1/items/submit/）")
    args = parser.parse_args(argv)
    ONE_REQUEST[0] = args.one_request
    sys.path.insert(0, str(ROOT))
    run = uuid.uuid4().hex[:8]
    LOG.parent.mkdir(parents=True, exist_ok=True)
    LOG.write_text("", encoding="utf-8")

    env = prepare_environment(args)
    print(f"数据库：{args.database}；准备：migrate、load_demo、load_demo_items …", flush=True)
    manage(env, "migrate", "--verbosity", "0")
    manage(env, "load_demo")
    manage(env, "load_demo_items")
    setup = build_setup(args.clients, args.issues, run)
    print(f"准备好 {len(setup.tokens)} 个报送客户端、{len(setup.issues)} 期待签发的刊物；"
          f"{os.cpu_count()} 核，负载 {os.getloadavg()[0]:.1f}", flush=True)

    server = Server(env, free_port())
    server.start()
    killer = Killer(server, *args.kill_after, args.seed)
    killer.start()
    started = time.monotonic()
    deadline = started + args.seconds
    items, signs, lock = Tally(), Tally(), threading.Lock()
    acked: dict[int, str] = {}
    threads = [threading.Thread(target=submitter, args=(server.port, setup.tokens[c],
                                                         list(range(c, args.items, args.clients)), run, items,
                                                         deadline, lock))
               for c in range(args.clients)]
    # Two signers at once, each issue due when its share of the items is acknowledged.
    schedule = [(round((j + 1) * args.items / (len(setup.issues) + 1)), pk) for j, pk in enumerate(setup.issues)]
    signers = [threading.Thread(target=signer, args=(server.port, setup.chief_token, schedule[s::2], signs, acked,
                                                     deadline, items, lock)) for s in range(2)]
    for t in threads + signers:
        t.start()
    last = 0.0
    while any(t.is_alive() for t in threads + signers):
        time.sleep(1)
        if not any(t.is_alive() for t in threads):
            items.finished.set()
        if time.monotonic() - last > 30:
            last = time.monotonic()
            print(f"  {last - started:5.0f} s：已确认 {items.acknowledged}/{args.items} 条，"
                  f"签发 {signs.acknowledged}/{len(setup.issues)} 期，重试 {items.retried + signs.retried} 次，"
                  f"已杀 {killer.kills} 次", flush=True)
    for t in threads:
        t.join()
    items.finished.set()
    for t in signers:
        t.join()
    elapsed = time.monotonic() - started
    killer.stopping.set()
    killer.join()
    server.stop()

    import django

    django.setup()
    item_figures = check_items(run, items.receipts, items.retried_acks)
    issue_figures = check_issues(setup.issues, acked)
    print(f"\n结果（{args.database}，{elapsed:.0f} 秒，服务器被 SIGKILL {killer.kills} 次，其中 {killer.busy_kills} 次"
          f"有请求正在处理；启动 {server.starts} 次）")
    if server.startup:
        print(f"每次重启到能应答：平均 {sum(server.startup) / len(server.startup):.1f} 秒，"
              f"最长 {max(server.startup):.1f} 秒")
    print(f"报送：尝试 {items.attempted}，确认 {items.acknowledged}，重试请求 {items.retried}，"
          f"拒绝 {len(items.refused)}，超时未完成 {items.unfinished}")
    print(f"  丢失 lost {item_figures['lost']}，重复 duplicated {item_figures['duplicated']}，"
          f"半写 half-written {item_figures['half']}；重试后确认 {len(items.retried_acks)} 条，"
          f"其中 {item_figures['replays']} 条是前一次尝试已提交、应答丢失，凭幂等键取回原回执")
    print(f"  库中：信息 {item_figures['items']}，报送记录 {item_figures['submissions']}，"
          f"收稿 {item_figures['entries']}；已提交但客户端未获确认 {item_figures['unacked_committed']}；"
          f"未获确认的新建留下的草稿 {item_figures['orphan_drafts']}")
    print(f"签发：尝试 {signs.attempted}，确认 {signs.acknowledged}，重试请求 {signs.retried}，"
          f"拒绝 {len(signs.refused)}，超时未完成 {signs.unfinished}")
    print(f"  丢失 lost {issue_figures['lost']}，期号重复 {issue_figures['repeats']}，"
          f"期号断号 {len(issue_figures['gaps'])}，半写 half-written {issue_figures['half']}；"
          f"已印发 {issue_figures['issued']}，仍待签发 {issue_figures['pending']}")
    for line in issue_figures["gaps"][:5]:
        print(f"  断号：{line}")
    for refusal in (items.refused + signs.refused)[:5]:
        print(f"  拒绝示例：{refusal}")


if __name__ == "__main__":
    main()
