"""The production gunicorn (deploy/gunicorn.conf.py) on 127.0.0.1 and a free port, for the benches.

``production_server(workers=None, log=...)`` starts it in a process group of its own with
this process's environment (DATABASE_URL / XINXI_VAR_DIR choose the bench database),
waits until the port accepts connections (without sending a request: no worker is warmed
by the wait) and stops the whole group afterwards. Also the session cookie of a bench user
(no login request, no argon2 hash) and the load note the benches print.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / "deploy" / "gunicorn.conf.py"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def production_server(workers: int | None = None, log: Path | None = None) -> Iterator[tuple[int, int]]:
    """(port, master pid) of a running production gunicorn; stopped on leaving."""
    port = free_port()
    env = os.environ.copy()
    env.update(XINXI_BIND=f"127.0.0.1:{port}", LOG_LEVEL="WARNING", XINXI_ACCESS_LOG="/dev/null")
    if workers is not None:
        env["WEB_CONCURRENCY"] = str(workers)
    binary = Path(sys.executable).with_name("gunicorn")
    out = open(log or os.devnull, "a", encoding="utf-8")  # noqa: SIM115 (closed below)
    process = subprocess.Popen(
        [str(binary), "-c", str(CONFIG)], cwd=ROOT, env=env, start_new_session=True, stdout=out, stderr=out
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit(f"gunicorn 没有启动（日志 {log}）。") from None
                time.sleep(0.05)
        yield port, process.pid
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        out.close()


def session_cookie(username: str) -> str:
    """A signed-in session for ``username`` written straight into the session store (Django set up)."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
    from django.contrib.sessions.backends.db import SessionStore

    user = get_user_model().objects.get(username=username)
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]  # the product's own backend
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return str(store.session_key)
