"""The warm-up a server runs when it starts (xinxi/lib/warmup.py) and the production gunicorn settings."""

from __future__ import annotations

import logging
import runpy
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.sessions.models import Session
from django.core.wsgi import get_wsgi_application
from django.db import connections
from django.urls import ResolverMatch

from xinxi.audit.models import AuditEvent
from xinxi.items import services, signature_store, similarity
from xinxi.items import warmup as item_warmup
from xinxi.items.models import DeskEntry
from xinxi.items.similarity import signature
from xinxi.lib import warmup
from xinxi.network.testing import Net
from xinxi.notifications.models import Notification

CONFIG = Path(__file__).resolve().parents[3] / "deploy" / "gunicorn.conf.py"


# Transactional: the warm-up closes the connections, which a test wrapped in a transaction
# would not survive.
@pytest.mark.django_db(transaction=True)
def test_warm_up_runs_and_leaves_no_connection_open(net: Net) -> None:
    item = services.item_create(actor=net.reporter, title="城东街道完成老旧小区改造32个", body="惠及居民1200户。")
    services.item_submit(actor=net.reporter, item=item)
    entries = DeskEntry.objects.filter(submission__item=item).count()
    assert entries >= 1
    signature.cache_clear()

    times = warmup.warm_up()

    assert list(times) == ["jieba", "urls", "templates", "compiled queries", "similarity", "pages", "database"]
    # the compiled queries' usual shapes are planned: a first request compiles none of them
    from xinxi.lib.compiled import INSTANCES

    warmed = [c for c in INSTANCES if c.warm]
    assert len(warmed) >= 5 and all(len(c._plans) >= len(c.warm) and all(c._plans.values()) for c in warmed)
    # under gunicorn's preload the master forks next: no connection may cross the fork
    assert all(connections[alias].connection is None for alias in connections)
    # the entry's signature is cached: the first inbox page need not segment it
    first = DeskEntry.objects.filter(submission__item=item).first()
    assert first is not None and signature_store.digest(first.title, first.body) in signature_store._local
    # and the database is still there for the next request
    assert DeskEntry.objects.count() >= entries


def test_template_list_is_the_projects_own() -> None:
    names = warmup._project_templates()
    assert "base.html" in names or any(n.endswith("/base.html") for n in names)
    assert not any(n.startswith("admin/") for n in names)
    assert len(names) > 50


def test_gunicorn_configuration() -> None:
    config = runpy.run_path(str(CONFIG))
    assert config["wsgi_app"] == "xinxi.wsgi:application"
    assert config["preload_app"] is True
    assert config["bind"].startswith("127.0.0.1:")
    assert config["workers"] >= 3 and config["threads"] >= 1
    assert config["max_requests"] > 0 and config["max_requests_jitter"] > 0
    assert callable(config["when_ready"]) and callable(config["post_worker_init"])


def _in_every_thread(pool: ThreadPoolExecutor, threads: int, function: Callable[[], bool]) -> list[bool]:
    barrier = threading.Barrier(threads, timeout=30)

    def run() -> bool:
        barrier.wait()
        return function()

    return [f.result() for f in [pool.submit(run) for _ in range(threads)]]


@pytest.mark.django_db(transaction=True)
def test_warm_worker_opens_a_connection_in_each_thread() -> None:
    with ThreadPoolExecutor(max_workers=3) as pool:
        warmup.warm_worker(get_wsgi_application(), pool, 3)

        def opened_and_close() -> bool:
            opened = connections["default"].connection is not None
            connections.close_all()
            return opened

        assert _in_every_thread(pool, 3, opened_and_close) == [True, True, True]
    # the calling thread's own connection was closed again
    assert connections["default"].connection is None


def _desk_entries(net: Net, texts: list[tuple[str, str]]) -> list[DeskEntry]:
    for title, body in texts:
        item = services.item_create(actor=net.reporter, title=title, body=body)
        services.item_submit(actor=net.reporter, item=item)
    return list(DeskEntry.objects.filter(desk__unit=net.city).order_by("-received_at", "-id"))


@pytest.mark.django_db(transaction=True)
def test_a_fresh_workers_first_inbox_neither_segments_nor_compares(net: Net, client) -> None:
    """The signatures come from the store another process filled; the pairs from the warm-up."""
    entries = _desk_entries(
        net,
        [
            ("城东街道完成老旧小区改造32个", "惠及居民1200户，改造资金3400万元。"),
            ("城东街道老旧小区改造完成32个", "改造资金3400万元，居民1200户受益。"),
            ("江口镇开展防汛演练", "参演人员210人，转移群众演练两次。"),
        ],
    )
    assert len(entries) == 3
    warmup.warm_up()  # a first process: segments the texts and stores their signatures
    # a new process: nothing in memory, the signatures in the table
    signature.cache_clear()
    signature_store._local.clear()
    similarity._pairs.clear()
    item_warmup.similarity_signatures()

    sigs = signature_store.signatures([(e.title, e.body) for e in entries])
    assert signature.cache_info().misses == 0  # read from the table, not segmented
    assert all((a, b) in similarity._pairs for i, a in enumerate(sigs) for b in sigs[i + 1 :])
    pairs = len(similarity._pairs)

    client.force_login(net.editor)
    page = client.get("/desk/")
    assert page.status_code == 200
    assert "老旧小区改造" in page.content.decode()
    assert signature.cache_info().misses == 0
    assert len(similarity._pairs) == pairs  # every pair of the page was compared before


@pytest.mark.django_db
def test_warm_pages_renders_each_page_once_and_writes_nothing(net: Net, caplog) -> None:
    _desk_entries(net, [("城东街道完成老旧小区改造32个", "惠及居民1200户。")])
    counts = [m.objects.count() for m in (AuditEvent, Notification, Session, DeskEntry)]
    read_marks = DeskEntry.objects.filter(desk__unit=net.city).values_list("state", flat=True)
    states = list(read_marks)

    assert warmup.warm_pages() == len(warmup.PAGES)

    assert [m.objects.count() for m in (AuditEvent, Notification, Session, DeskEntry)] == counts
    assert list(read_marks) == states
    assert not [r for r in caplog.records if r.levelname == "WARNING"]


@pytest.mark.django_db
def test_a_page_that_fails_in_the_warm_up_is_skipped_with_a_warning(net: Net, monkeypatch, caplog) -> None:
    # a reporter has no desk: the inbox refuses them (404); nobody holds a role that does not exist
    pages = [("desk_inbox", "", "reporter"), ("home", "", "no-such-role"), ("home", "", "editor")]
    monkeypatch.setattr(warmup, "PAGES", pages)
    assert warmup.warm_pages() == 1
    assert any("/desk/" in r.getMessage() for r in caplog.records if r.levelname == "WARNING")


@pytest.mark.django_db
def test_a_failing_warm_up_page_logs_no_text_of_the_exception(net: Net, monkeypatch, caplog) -> None:
    # the page runs as a real person: an error's message may hold a title they may read and the log's reader may not
    def broken(request):
        raise ValueError("机密标题：某地突发事件")

    monkeypatch.setattr(warmup, "PAGES", [("home", "", "editor")])
    monkeypatch.setattr(warmup, "resolve", lambda path: ResolverMatch(broken, (), {}))
    assert warmup.warm_pages() == 0
    [record] = [r for r in caplog.records if r.levelname == "WARNING"]
    logged = record.getMessage() + logging.Formatter().format(record)
    assert "ValueError" in logged and "test_warmup.py" in logged
    assert "机密" not in logged and record.exc_info is None


@pytest.mark.django_db
def test_touch_tables_reads_each_table_once(django_assert_num_queries) -> None:
    models = [m for m in apps.get_models() if m._meta.managed and not m._meta.proxy]
    assert len(models) > 50
    with django_assert_num_queries(len(models)):
        assert warmup.touch_tables("default") == len(models)
