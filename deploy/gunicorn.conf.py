"""Gunicorn for production: ``gunicorn -c deploy/gunicorn.conf.py`` from the repository root.

scripts/run.sh (waitress) stays the demo command; this is the server behind a reverse
proxy (docs/scaling.md, "The application server"). Each setting can be changed through
the environment without editing the file (the names below); gunicorn's own command-line
options still override them.
"""

import gc
import multiprocessing
import os

wsgi_app = "xinxi.wsgi:application"

# Loopback only: nginx (or another reverse proxy) in front terminates TLS and forwards.
bind = os.environ.get("XINXI_BIND", "127.0.0.1:8000")

# Processes from cores (gunicorn's rule of thumb 2 × cores + 1), each with a few threads:
# a request waiting on the database leaves the core to another. Every thread holds its
# own database connection (CONN_MAX_AGE 60 s on PostgreSQL): workers × threads
# connections per server, which must fit PostgreSQL's max_connections.
workers = int(os.environ.get("WEB_CONCURRENCY", 2 * multiprocessing.cpu_count() + 1))
worker_class = "gthread"
threads = int(os.environ.get("XINXI_THREADS", 4))

# Load the application once in the master, then fork: the warm-up in xinxi/wsgi.py
# (jieba's dictionary, URLconf, templates) runs once and every worker starts warm, also
# those that replace a recycled one. It closes its database connection before the fork.
# Code changes need a restart (systemctl restart), not a HUP.
preload_app = True


def when_ready(server):
    """In the master, before the first fork: move the warm objects out of the collector's reach.

    Otherwise each worker's first garbage collection walks (and so copies) the whole heap
    it shares with the master, on some request's time.
    """
    gc.collect()
    gc.freeze()


def post_worker_init(worker):
    """In each new worker: one request through the stack, a database connection per thread."""
    from xinxi.lib.warmup import warm_worker

    warm_worker(worker.wsgi, getattr(worker, "tpool", None), worker.cfg.threads)


# A request taking longer than this is killed with its worker (exports of a large issue
# take seconds, not minutes); a stopping worker gets graceful_timeout to finish.
timeout = 60
graceful_timeout = 30
keepalive = 5

# Recycle each worker after about this many requests (jitter: not all at once), so that
# slow growth of memory never accumulates.
max_requests = 2000
max_requests_jitter = 200

# Access log to stdout (journald under systemd); errors to stderr.
accesslog = os.environ.get("XINXI_ACCESS_LOG", "-")
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'

# The proxy on this host is trusted to set X-Forwarded-For / -Proto.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# gunicorn's control socket (gunicornc) is not used; off, so that two servers on one host
# (the benches start several) do not share its path. systemctl reload/restart manage it.
control_socket_disable = True
