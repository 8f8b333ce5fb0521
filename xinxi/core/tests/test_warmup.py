"""The warm-up a server runs when it starts (xinxi/lib/warmup.py) and the production gunicorn settings."""

from __future__ import annotations

import runpy
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.core.wsgi import get_wsgi_application
from django.db import connections

from xinxi.items import services
from xinxi.items.models import DeskEntry
from xinxi.items.similarity import signature
from xinxi.lib import warmup
from xinxi.network.testing import Net

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

    assert list(times) == ["jieba", "urls", "templates", "compiled queries", "similarity", "database"]
    # the compiled queries' usual shapes are planned: a first request compiles none of them
    from xinxi.lib.compiled import INSTANCES

    warmed = [c for c in INSTANCES if c.warm]
    assert len(warmed) >= 5 and all(len(c._plans) >= len(c.warm) and all(c._plans.values()) for c in warmed)
    # the entry's signature is cached: the first inbox page need not segment it
    assert signature.cache_info().currsize >= 1
    # under gunicorn's preload the master forks next: no connection may cross the fork
    assert all(connections[alias].connection is None for alias in connections)
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
