"""Xinxi settings: one module, driven by the environment.

With no environment at all it runs on an embedded SQLite file (WAL mode) under
``var/``. Production sets ``DATABASE_URL`` (PostgreSQL), ``SECRET_KEY`` and
``ALLOWED_HOSTS``. Bad values stop the start with a message saying which variable
is wrong.
"""

from __future__ import annotations

import ipaddress
import os
from pathlib import Path
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("XINXI_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"环境变量 {name} 应为 true 或 false，实际为 {raw!r}")


def env_int(name: str, default: int, minimum: int = 0) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"环境变量 {name} 应为整数，实际为 {raw!r}") from None
    if value < minimum:
        raise ImproperlyConfigured(f"环境变量 {name} 不能小于 {minimum}，实际为 {value}")
    return value


def env_networks(name: str, default: str) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    """Comma-separated addresses or networks (``10.0.0.0/8``); ``*`` is every address."""
    networks: list[ipaddress.IPv4Network | ipaddress.IPv6Network] = []
    for part in (os.environ.get(name) or default).split(","):
        part = part.strip()
        if part == "*":
            networks += [ipaddress.ip_network("0.0.0.0/0"), ipaddress.ip_network("::/0")]
        elif part:
            try:
                networks.append(ipaddress.ip_network(part, strict=False))
            except ValueError:
                raise ImproperlyConfigured(
                    f"环境变量 {name} 应为以逗号分隔的 IP 地址或网段，{part!r} 不是"
                ) from None
    return networks


def database_settings(url: str | None, variable: str = "DATABASE_URL") -> dict[str, Any]:
    """SQLite file with WAL when no URL is given; otherwise parse the URL (named ``variable`` in errors)."""
    if not url:
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(VAR_DIR / "xinxi.sqlite3"),
            "OPTIONS": {
                "init_command": ("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"),
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
            # Tests use a file too, so concurrent transactions behave as in production.
            # (one file per test process, so two runs at once do not collide).
            "TEST": {
                "NAME": os.environ.get("XINXI_TEST_SQLITE_NAME") or str(VAR_DIR / f"test-xinxi-{os.getpid()}.sqlite3")
            },
        }
    import dj_database_url

    if not url.startswith(("postgres://", "postgresql://", "sqlite://")):
        raise ImproperlyConfigured(f"{variable} 只支持 postgres:// 或 sqlite:// 开头的地址，实际为 {url!r}")
    try:
        config: dict[str, Any] = dict(dj_database_url.parse(url, conn_max_age=60))
    except Exception as exc:  # the library raises several kinds
        raise ImproperlyConfigured(f"无法解析 {variable}：{exc}") from None
    if config["ENGINE"].endswith("postgresql"):
        # Parameters sent apart from the SQL (psycopg's server-side binding) instead of
        # quoted into it on the client: less CPU per statement (docs/performance.md).
        config.setdefault("OPTIONS", {})["server_side_binding"] = True
    return config


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG and env_bool("XINXI_REQUIRE_SECRET_KEY", False):
        raise ImproperlyConfigured("生产环境必须设置环境变量 SECRET_KEY")
    SECRET_KEY = "xinxi-local-only-insecure-key-change-me-in-production-0123456789"
elif len(SECRET_KEY) < 32:
    raise ImproperlyConfigured("环境变量 SECRET_KEY 太短，至少需要 32 个字符")
# Earlier keys, comma-separated, while rotating SECRET_KEY: sessions, signatures and the
# sealed mailbox passwords (lib.sealed) made under them are still read.
SECRET_KEY_FALLBACKS = [k.strip() for k in os.environ.get("SECRET_KEY_FALLBACKS", "").split(",") if k.strip()]

ALLOWED_HOSTS = [
    h.strip() for h in os.environ.get("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]").split(",") if h.strip()
]
# The reverse proxies whose X-Forwarded-For is believed (the audit log's client address);
# the same variable tells gunicorn whose X-Forwarded-Proto to believe.
TRUSTED_PROXIES = env_networks("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
CSRF_TRUSTED_ORIGINS = [o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "django_tasks_db",
    "xinxi.accounts",
    "xinxi.audit",
    "xinxi.network",
    "xinxi.notifications",
    "xinxi.items",
    "xinxi.archive",
    "xinxi.publications",
    "xinxi.instructions",
    "xinxi.scoring",
    "xinxi.urgent",
    "xinxi.intake",
    "xinxi.assignments",
    "xinxi.worker",
    "xinxi.core",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "xinxi.accounts.middleware.SessionRenewalMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "xinxi.audit.middleware.RequestContextMiddleware",
    "xinxi.lib.db.ReplicaStickinessMiddleware",
]

ROOT_URLCONF = "xinxi.urls"
WSGI_APPLICATION = "xinxi.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "xinxi" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "xinxi.notifications.context.unread",
            ],
            # lib is not an app: its template tags are named here ({% load charts %}).
            "libraries": {"charts": "xinxi.lib.chart_tags"},
        },
    },
]

# Inputs, selects and textareas rendered in Python, the same markup as Django's templates.
FORM_RENDERER = "xinxi.lib.form_renderer.Renderer"

DATABASES = {"default": database_settings(os.environ.get("DATABASE_URL"))}

# A read replica (see xinxi/lib/db.py and docs/scaling.md): reads that may lag (search,
# rankings, the issue archive) go to DATABASE_REPLICA_URL when it is set. Without it the
# alias is the primary itself and the router never chooses it. In tests it mirrors the
# test database, so routing can be observed on a second connection.
READ_REPLICA = bool(os.environ.get("DATABASE_REPLICA_URL"))
DATABASES["replica"] = {
    **(
        database_settings(os.environ["DATABASE_REPLICA_URL"], "DATABASE_REPLICA_URL")
        if READ_REPLICA
        else DATABASES["default"]
    ),
    "TEST": {"MIRROR": "default"},
}
DATABASE_ROUTERS = ["xinxi.lib.db.ReplicaRouter"]
# After a request that wrote, the same browser reads from the primary for this long.
REPLICA_STICKY_SECONDS = env_int("XINXI_REPLICA_STICKY_SECONDS", 15, minimum=0)

# Background tasks: Django's tasks API, stored in the database and run by `manage.py worker`.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

AUTHENTICATION_BACKENDS = ["xinxi.accounts.backends.XinxiBackend"]  # the user with unit and roles

PASSWORD_HASHERS = [
    "xinxi.accounts.hashers.XinxiArgon2PasswordHasher",  # Argon2id, OWASP's baseline parameters
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if env_bool("XINXI_FAST_PASSWORD_HASHING", False):
    # Tests only: Argon2 costs ~50 ms per hash on purpose.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "xinxi.accounts.validators.CharacterClassValidator"},
]

# Lock-out: this many consecutive failures lock an account for this many minutes.
XINXI_LOGIN_MAX_FAILURES = env_int("XINXI_LOGIN_MAX_FAILURES", 5, minimum=1)
XINXI_LOGIN_LOCK_MINUTES = env_int("XINXI_LOGIN_LOCK_MINUTES", 15, minimum=1)

# Sessions end after this many idle minutes (every request extends them).
SESSION_COOKIE_AGE = env_int("XINXI_SESSION_IDLE_MINUTES", 30, minimum=1) * 60
SESSION_SAVE_EVERY_REQUEST = False  # renewed at most once a minute (accounts.middleware)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("XINXI_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
WHITENOISE_USE_FINDERS = True  # serve straight from the apps; collectstatic is optional
STATICFILES_DIRS = [BASE_DIR / "xinxi" / "static"]
MEDIA_ROOT = VAR_DIR / "media"

# Uploads (XLSX imports): refuse anything larger before reading it.
XINXI_MAX_UPLOAD_BYTES = env_int("XINXI_MAX_UPLOAD_BYTES", 5 * 1024 * 1024, minimum=1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = XINXI_MAX_UPLOAD_BYTES + 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = XINXI_MAX_UPLOAD_BYTES + 1024 * 1024

# Notification channels beyond the in-app centre (xinxi.notifications.channels.Channel
# subclasses, dotted paths, comma-separated); each gets the text worded for its recipient.
XINXI_NOTIFICATION_CHANNELS = [
    c.strip() for c in os.environ.get("XINXI_NOTIFICATION_CHANNELS", "").split(",") if c.strip()
]

# E-mail (xinxi.notifications.email.EmailChannel), Django's mailers: SMTP when EMAIL_HOST is
# set, otherwise each message is written as a file under var/mail/ (an outbox an operator reads).
email_host = os.environ.get("EMAIL_HOST", "")
smtp_options = {
    "host": email_host,
    "port": env_int("EMAIL_PORT", 25, minimum=1),
    "username": os.environ.get("EMAIL_HOST_USER", ""),
    "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
    "use_tls": env_bool("EMAIL_USE_TLS", False),
    "use_ssl": env_bool("EMAIL_USE_SSL", False),
    "timeout": env_int("EMAIL_TIMEOUT", 10, minimum=1),
}
MAILERS = {
    "default": (
        {"BACKEND": "django.core.mail.backends.smtp.EmailBackend", "OPTIONS": smtp_options}
        if email_host
        else {"BACKEND": "django.core.mail.backends.filebased.EmailBackend",
              "OPTIONS": {"file_path": str(VAR_DIR / "mail")}}
    )
}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "xinxi@localhost")
# SMS (xinxi.notifications.sms.SmsChannel): the gateway class (dotted path); the default only
# logs and appends each message to XINXI_SMS_OUTBOX (one JSON object a line).
XINXI_SMS_GATEWAY = os.environ.get("XINXI_SMS_GATEWAY", "xinxi.notifications.sms.LoggingSmsGateway")
XINXI_SMS_OUTBOX = Path(os.environ.get("XINXI_SMS_OUTBOX", VAR_DIR / "sms-outbox.log"))
# The highest classification whose text leaves the system by e-mail or SMS (0 公开, 1 内部,
# 2 秘密, 3 机密); above it the message only says that there is a notification to read in Xinxi.
XINXI_CHANNEL_MAX_CLASSIFICATION = env_int("XINXI_CHANNEL_MAX_CLASSIFICATION", 1)
if XINXI_CHANNEL_MAX_CLASSIFICATION > 3:
    raise ImproperlyConfigured("环境变量 XINXI_CHANNEL_MAX_CLASSIFICATION 应为 0 至 3（公开、内部、秘密、机密）")
# The address links in e-mails point to.
XINXI_SITE_URL = os.environ.get("XINXI_SITE_URL", "http://127.0.0.1:8000").rstrip("/")

X_FRAME_OPTIONS = "DENY"
# Everything comes from this server: no inline script, no outside host.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "xinxi.accounts.backends.XinxiTokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "xinxi.lib.api.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["xinxi.lib.api_filters.StrictFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "xinxi.lib.api_schema.AutoSchema",
    # JSON in: the schema then says exactly what a body is. Uploads name their own parsers.
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    "EXCEPTION_HANDLER": "xinxi.lib.api.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Xinxi 信息报送与采编 API",
    "DESCRIPTION": "政务信息报送与采编系统的 REST API（/api/v1/）。",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "xinxi.lib.api_schema.version_stays_required",
    ],
    # The schema describes internal endpoints: only signed-in users read it.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "ENUM_NAME_OVERRIDES": {
        "UnitKindEnum": "xinxi.network.models.UnitKind",
        "CalendarDayKindEnum": "xinxi.network.models.CalendarDayKind",
        # Shared by several inputs (the items' adoption, the issues' composing, periodical defaults).
        "AdoptionKindEnum": "xinxi.items.models.AdoptionKind",
        "ClassificationEnum": "xinxi.lib.choices.Classification",
        "UrgencyEnum": "xinxi.lib.choices.Urgency",
        "UnitLevelEnum": "xinxi.network.models.Level",
        "AdoptionLevelEnum": "xinxi.items.models.AdoptionLevel",
        "NotificationKindEnum": "xinxi.notifications.models.NotificationKind",
        # Scoring: rule sets and penalties.
        "RuleLineKindEnum": "xinxi.scoring.api.rules.LINE_KIND_CHOICES",
        "PenaltyKindEnum": "xinxi.scoring.api.rules.PENALTY_KIND_CHOICES",
        "ReachedLevelEnum": "xinxi.scoring.models.ReachedLevel",
        "RankingPeriodKindEnum": "xinxi.scoring.api.rankings.RANKING_PERIOD_KINDS",
        "PeriodKindEnum": "xinxi.scoring.models.PeriodKind",
        # Urgent information: the severity of incidents (filters, inputs, settings).
        "IncidentSeverityEnum": "xinxi.urgent.models.Severity",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
