"""Warm-up when the server starts, so that a fresh worker's first request costs what a warm one does.

``warm_up()`` is called by ``xinxi/wsgi.py`` once the application is loaded. Under the
production gunicorn (``deploy/gunicorn.conf.py``, ``preload_app``) that is once, in the
master, and every worker forked from it (at start, and after ``max_requests``) inherits
the warm state; under waitress (``scripts/run.sh``) it is the one process. It does what a
first request would otherwise do lazily:

- load jieba's dictionary (search and near-duplicate detection segment Chinese text);
- populate the URL resolver (imports every app's URLconf and views) and its reverse
  lookup (``{% url %}``, 0.1 s), load the translation catalogs;
- compile the project's templates into the cached loader (every ``*.html`` under
  ``xinxi/``; Django's admin templates stay lazy), and the SQL of the compiled queries
  (``lib.compiled``: the user with roles, the user's desk, a submission's desks) for
  their usual shapes;
- the steps apps register (``register(name, function)`` from ``AppConfig.ready()``; items
  fills the near-duplicate signatures of the newest desk entries, which the inbox shows);
- open one database connection (the backend's modules and type adapters load) and close
  it again: a connection must not cross a ``fork()`` into the workers.

Then in each worker, after the fork, gunicorn's ``post_worker_init`` calls
``warm_worker``: one anonymous request through the stack, and a database connection
opened in each request thread.

Nothing is written; a failure is an error (tests run it on both databases).
"""

from __future__ import annotations

import io
import sys
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import Executor
from pathlib import Path

from django.conf import settings
from django.db import connections
from django.template import engines
from django.urls import resolve, reverse
from django.utils import translation

from xinxi.lib import compiled

STEPS: dict[str, Callable[[], object]] = {}


def register(name: str, function: Callable[[], object]) -> None:
    """An app's own warm-up step (read only), run by ``warm_up`` after the templates."""
    STEPS[name] = function


def _aliases() -> list[str]:
    """The databases requests use: the primary, and the read replica when one is configured."""
    return ["default", "replica"] if settings.READ_REPLICA else ["default"]


def _project_templates() -> list[str]:
    """The names of the project's own templates (the apps' and the project's template dirs)."""
    root = Path(settings.BASE_DIR) / "xinxi"
    names: set[str] = set()
    for engine in engines.all():
        for name in engine.template_dirs:  # type: ignore[attr-defined]
            folder = Path(name)
            if folder.is_dir() and folder.resolve().is_relative_to(root.resolve()):
                names.update(str(p.relative_to(folder)) for p in folder.rglob("*.html"))
    return sorted(names)


def warm_up() -> dict[str, float]:
    """Do the lazy work of a first request now; the seconds each step took."""
    import jieba

    times: dict[str, float] = {}

    def step(name: str, started: float) -> float:
        now = time.perf_counter()
        times[name] = now - started
        return now

    t = time.perf_counter()
    jieba.setLogLevel(60)
    jieba.initialize()
    t = step("jieba", t)
    with translation.override(settings.LANGUAGE_CODE):
        resolve("/")  # imports every URLconf and view module
        reverse("home")  # builds the reverse lookup ({% url %}), kept per language
        translation.gettext("Password")  # loads the translation catalogs
    t = step("urls", t)
    engine = engines["django"]
    for name in _project_templates():
        engine.get_template(name)
    t = step("templates", t)
    compiled.prepare_all()  # compiles SQL only: no connection is opened
    t = step("compiled queries", t)
    for name, function in STEPS.items():
        function()
        t = step(name, t)
    for alias in _aliases():
        connections[alias].ensure_connection()
    connections.close_all()
    step("database", t)
    return times


def warm_worker(application: Callable[..., Iterable[bytes]], pool: Executor | None, threads: int) -> None:
    """In a freshly forked worker (gunicorn's ``post_worker_init``): what a fork cannot inherit.

    One anonymous request for the sign-in page through ``application`` (middleware,
    templates, context processors: the memory the fork shares with the master is touched
    here, not on a person's request; nothing is written), then one database connection
    per request thread of ``pool``, opened in that thread (connections are per thread
    and kept ``CONN_MAX_AGE``).
    """
    host = next((h for h in settings.ALLOWED_HOSTS if "*" not in h and not h.startswith(".")), "")
    if host:
        environ = {
            "REQUEST_METHOD": "GET",
            "PATH_INFO": reverse("login"),
            "SERVER_NAME": host.strip("[]"),
            "SERVER_PORT": "80",
            "HTTP_HOST": host,
            "REMOTE_ADDR": "127.0.0.1",
            "wsgi.input": io.BytesIO(),
            "wsgi.url_scheme": "http",
            "wsgi.errors": sys.stderr,
        }
        b"".join(application(environ, _ignore))
    connections.close_all()
    if pool is None or threads < 1:
        return
    barrier = threading.Barrier(threads, timeout=30)

    def connect() -> None:
        barrier.wait()  # every task waits for the others: each runs on a thread of its own
        for alias in _aliases():
            connections[alias].ensure_connection()

    for future in [pool.submit(connect) for _ in range(threads)]:
        future.result()


def _ignore(status: str, headers: list[tuple[str, str]], exc_info: object = None) -> Callable[[bytes], None]:
    return lambda data: None
