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
opened in each request thread, with one empty read of each table (``touch_tables``).

Nothing is written; a failure is an error (tests run it on both databases).
"""

from __future__ import annotations

import io
import logging
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterable
from concurrent.futures import Executor
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import connections
from django.template import engines
from django.urls import resolve, reverse
from django.utils import translation

from xinxi.lib import compiled

STEPS: dict[str, Callable[[], object]] = {}
logger = logging.getLogger(__name__)


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
    warm_pages()
    t = step("pages", t)
    for alias in _aliases():
        connections[alias].ensure_connection()
    connections.close_all()
    step("database", t)
    return times


# The pages people open most, each rendered once by ``warm_pages`` as a person who may
# open it: (URL name, query string, the role of that person).
PAGES = [
    ("home", "", "editor"),
    ("desk_inbox", "", "editor"),
    ("archive", "q=%E5%B7%A5%E4%BD%9C", "editor"),  # 工作
    ("home", "", "reporter"),
    ("my_items", "", "reporter"),
    ("item_new", "", "reporter"),
]


def warm_pages() -> int:
    """Render the most used pages once, each as the first active person with its role.

    Python runs a code path faster after its first runs (lazy imports and lookups, each
    URL namespace's reverse table, compiled regular expressions, the interpreter's own
    specialisation of the bytecode). Done in the master, every worker inherits it. The
    views are called directly (no middleware: no session is read or saved), inside a
    transaction that is rolled back, and the page is thrown away. A page that cannot be
    rendered (no such person yet, a refusal, an error) is skipped with a warning in the
    log: the server starts all the same. Returns how many pages were rendered.
    """
    from django.contrib.auth import get_user_model
    from django.contrib.messages.storage import default_storage
    from django.contrib.sessions.backends.base import SessionBase
    from django.core.handlers.wsgi import WSGIRequest
    from django.db import transaction
    from django_htmx.middleware import HtmxDetails

    users_of = get_user_model().objects
    users: dict[str, Any] = {}
    rendered = 0
    for name, query, role in PAGES:
        if role not in users:
            users[role] = users_of.filter(is_active=True, role_grants__role=role).order_by("pk").first()
        user = users[role]
        if user is None:
            continue
        path = reverse(name)
        request = WSGIRequest({**_environ(path), "QUERY_STRING": query})
        request.user = user
        request.session = SessionBase()  # an empty session in memory: nothing to load or save
        request.LANGUAGE_CODE = settings.LANGUAGE_CODE
        request.htmx = HtmxDetails(request)  # type: ignore[attr-defined]
        request._messages = default_storage(request)  # type: ignore[attr-defined]
        match = resolve(path)
        try:
            with translation.override(settings.LANGUAGE_CODE), transaction.atomic():
                response = match.func(request, *match.args, **match.kwargs)
                if hasattr(response, "render"):
                    response.render()
                transaction.set_rollback(True)
        except Exception as exc:  # a page that fails here fails for its person later; the server still starts
            # the page ran as a real person: the exception's message could carry an object's text
            # (a title above someone's clearance), so the log names only its type and where it was raised
            where = traceback.extract_tb(exc.__traceback__)[-1]
            logger.warning(
                "预热页面 %s 失败，已跳过：%s（%s:%s）", path, type(exc).__name__, where.filename, where.lineno
            )
            continue
        if response.status_code == 200:
            rendered += 1
    return rendered


def _environ(path: str) -> dict[str, object]:
    """A WSGI environ for a GET of ``path`` on the first configured host name."""
    host = next((h for h in settings.ALLOWED_HOSTS if "*" not in h and not h.startswith(".")), "localhost")
    return {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "SERVER_NAME": host.strip("[]"),
        "SERVER_PORT": "80",
        "HTTP_HOST": host,
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.input": io.BytesIO(),
        "wsgi.url_scheme": "http",
        "wsgi.errors": sys.stderr,
    }


def warm_worker(application: Callable[..., Iterable[bytes]], pool: Executor | None, threads: int) -> None:
    """In a freshly forked worker (gunicorn's ``post_worker_init``): what a fork cannot inherit.

    One anonymous request for the sign-in page through ``application`` (middleware,
    templates, context processors: the memory the fork shares with the master is touched
    here, not on a person's request; nothing is written), then one database connection
    per request thread of ``pool``, opened in that thread (connections are per thread
    and kept ``CONN_MAX_AGE``) and reading each table once (``touch_tables``).
    """
    if any("*" not in h and not h.startswith(".") for h in settings.ALLOWED_HOSTS):
        b"".join(application(_environ(reverse("login")), _ignore))
    connections.close_all()
    if pool is None or threads < 1:
        return
    barrier = threading.Barrier(threads, timeout=30)

    def connect() -> None:
        barrier.wait()  # every task waits for the others: each runs on a thread of its own
        for alias in _aliases():
            connections[alias].ensure_connection()
            touch_tables(alias)

    for future in [pool.submit(connect) for _ in range(threads)]:
        future.result()


def touch_tables(alias: str) -> int:
    """Plan one empty read of each of the project's tables on this thread's connection.

    A new PostgreSQL backend loads a table's and its indexes' descriptions into its
    caches the first time a query names them (SQLite parses the schema at a connection's
    first statement); done here, a person's first page in a new worker does not wait
    for it. Nothing is read (``WHERE id = 0``) or written. Returns how many tables.
    """
    models = [m for m in apps.get_models() if m._meta.managed and not m._meta.proxy]
    for model in models:
        list(model._base_manager.using(alias).filter(pk=0).values_list("pk")[:1])
    return len(models)


def _ignore(status: str, headers: list[tuple[str, str]], exc_info: object = None) -> Callable[[bytes], None]:
    return lambda data: None
