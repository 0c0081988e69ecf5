"""Hireloop settings: everything comes from environment variables with safe embedded defaults.

Embedded mode (default): SQLite in HIRELOOP_DATA_DIR, database cache, in-memory channel layer,
email to the outbox. Production mode (HIRELOOP_ENV=production) refuses unsafe defaults.
"""

import os
import secrets
from pathlib import Path

import dj_database_url
import dj_email_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent


def env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return default if value in (None, "") else value


def env_bool(name: str, default: bool = False) -> bool:
    value = env(name)
    if value is None:
        return default
    if value.lower() in ("1", "true", "yes", "on"):
        return True
    if value.lower() in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def env_int(name: str, default: int) -> int:
    value = env(name)
    if value is None:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, not {value!r}") from None


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in (env(name, default) or "").split(",") if item.strip()]


HIRELOOP_ENV = env("HIRELOOP_ENV", "embedded")
if HIRELOOP_ENV not in ("embedded", "production", "test"):
    raise ImproperlyConfigured("HIRELOOP_ENV must be one of embedded, production, test")
PRODUCTION = HIRELOOP_ENV == "production"

DATA_DIR = Path(env("HIRELOOP_DATA_DIR", str(Path.cwd() / "hireloop-data"))).resolve()

# --- secret key -------------------------------------------------------------------------
DEFAULT_SECRET_KEY_FILE = DATA_DIR / "secret_key"
SECRET_KEY = env("SECRET_KEY")
if SECRET_KEY is None:
    if PRODUCTION:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. In production set SECRET_KEY to a long random string, e.g. "
            "SECRET_KEY=$(python -c 'import secrets; print(secrets.token_urlsafe(50))')"
        )
    # Embedded: a random key kept beside the data so sessions survive restarts.
    try:
        SECRET_KEY = DEFAULT_SECRET_KEY_FILE.read_text().strip()
    except FileNotFoundError:
        SECRET_KEY = secrets.token_urlsafe(50)
        try:
            DATA_DIR.mkdir(parents=True, exist_ok=True)
            DEFAULT_SECRET_KEY_FILE.write_text(SECRET_KEY)
            DEFAULT_SECRET_KEY_FILE.chmod(0o600)
        except OSError:
            pass
elif PRODUCTION and (len(SECRET_KEY) < 32 or SECRET_KEY.startswith("django-insecure")):
    raise ImproperlyConfigured("SECRET_KEY is too weak for production: use at least 32 random characters.")

DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "" if PRODUCTION else "*")
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS is not set. In production list your host names, comma-separated.")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
PUBLIC_BASE_URL = (env("PUBLIC_BASE_URL") or "").rstrip("/") or None
# Number of reverse proxies in front of Hireloop whose X-Forwarded-For is trusted (0 = none).
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)

# --- applications -----------------------------------------------------------------------
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "channels",
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "hireloop.core",
    "hireloop.accounts",
    "hireloop.activity",
    "hireloop.candidates",
    "hireloop.jobs",
    "hireloop.applications",
    "hireloop.ai",
    "hireloop.messaging",
    "hireloop.notes",
    "hireloop.interviews",
    "hireloop.evaluations",
    "hireloop.references",
    "hireloop.webhooks",
    "hireloop.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "hireloop.core.middleware.RequestContextMiddleware",
    "hireloop.core.middleware.ApiErrorEnvelopeMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "hireloop.core.middleware.ApiRequestMiddleware",
]

ROOT_URLCONF = "hireloop.urls"
ASGI_APPLICATION = "hireloop.asgi.application"
WSGI_APPLICATION = None

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- database ---------------------------------------------------------------------------
DATABASE_URL = env("DATABASE_URL")
if DATABASE_URL:
    try:
        _db = dj_database_url.parse(DATABASE_URL)
    except Exception as exc:  # dj_database_url raises several types for bad URLs
        raise ImproperlyConfigured(f"DATABASE_URL is not a valid database URL: {exc}") from None
    _pool_size = env_int("DB_POOL_MAX_SIZE", 10)
    if _db["ENGINE"] == "django.db.backends.postgresql" and _pool_size > 0:
        # Under ASGI each request runs its sync code in a fresh thread, so per-thread persistent
        # connections (CONN_MAX_AGE) leaked one connection per request until garbage collection and
        # exhausted PostgreSQL under load ("too many clients"). psycopg's pool bounds them per process.
        _db["CONN_MAX_AGE"] = 0
        _db.setdefault("OPTIONS", {})["pool"] = {
            "min_size": min(env_int("DB_POOL_MIN_SIZE", 2), _pool_size),
            "max_size": _pool_size,
            "timeout": env_int("DB_POOL_TIMEOUT", 30),
        }
    else:
        _db["CONN_MAX_AGE"] = env_int("DB_CONN_MAX_AGE", 0)
        _db["CONN_HEALTH_CHECKS"] = True
    if _db["ENGINE"] == "django.db.backends.postgresql":
        _db.setdefault("TEST", {})
else:
    _db = {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(DATA_DIR / "hireloop.sqlite3"),
    }
if _db["ENGINE"] == "django.db.backends.sqlite3":
    _db["OPTIONS"] = {
        # WAL lets the worker and the server write without blocking readers;
        # IMMEDIATE transactions avoid "database is locked" on lock upgrades.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
DATABASES = {"default": _db}
IS_POSTGRES = _db["ENGINE"] == "django.db.backends.postgresql"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- cache, channels, tasks -------------------------------------------------------------
REDIS_URL = env("REDIS_URL")
CACHE_KEY_PREFIX = env("CACHE_KEY_PREFIX", "hireloop")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": CACHE_KEY_PREFIX,
        }
    }
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels_redis.core.RedisChannelLayer", "CONFIG": {"hosts": [REDIS_URL]}}}
else:
    # The database cache lets several processes (server, worker) agree on counters.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "hireloop_cache",
            "OPTIONS": {"MAX_ENTRIES": 100_000, "CULL_FREQUENCY": 10},
        }
    }
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

TASKS = {
    "default": {
        "BACKEND": env("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default", "email", "webhooks", "ai"],
    }
}
# Every `hireloop worker` runs these sweeps this often (0 = never): each re-enqueues work that a
# killed worker had claimed and lost, e.g. a message being delivered.
WORKER_SWEEP_INTERVAL_SECONDS = env_int("WORKER_SWEEP_INTERVAL_SECONDS", 30)
WORKER_SWEEPS = ["hireloop.messaging.services.requeue_stalled", "hireloop.webhooks.tasks.sweep"]

# --- auth -------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
JWT_ACCESS_TTL_SECONDS = env_int("JWT_ACCESS_TTL_SECONDS", 15 * 60)
JWT_REFRESH_TTL_SECONDS = env_int("JWT_REFRESH_TTL_SECONDS", 14 * 24 * 3600)
PASSWORD_RESET_TTL_SECONDS = env_int("PASSWORD_RESET_TTL_SECONDS", 3600)
EMAIL_VERIFICATION_TTL_SECONDS = env_int("EMAIL_VERIFICATION_TTL_SECONDS", 3 * 24 * 3600)
# How long a validated API key may be served from the in-process cache; revocation
# takes effect within this many seconds.
API_KEY_CACHE_SECONDS = env_int("API_KEY_CACHE_SECONDS", 5)

# --- rate limits (requests per window, per API key or user; per IP for auth) ------------
RATE_LIMIT_ENABLED = env_bool("RATE_LIMIT_ENABLED", True)
RATE_LIMIT_WINDOW_SECONDS = env_int("RATE_LIMIT_WINDOW_SECONDS", 60)
RATE_LIMIT_PLANS = {
    # plan name -> requests per window (000's tiers: Beta 60/min, Pro 300/min)
    "free": env_int("RATE_LIMIT_FREE", 600),
    "pro": env_int("RATE_LIMIT_PRO", 3000),
    "enterprise": env_int("RATE_LIMIT_ENTERPRISE", 12000),
}
# Where counters live: "database" (one upsert per request; embedded default), "redis" (one round trip
# to REDIS_URL) or "cache" (any Django cache; several operations per request).
RATE_LIMIT_STORE = env("RATE_LIMIT_STORE", "redis" if REDIS_URL else "database")
if RATE_LIMIT_STORE not in ("database", "redis", "cache"):
    raise ImproperlyConfigured("RATE_LIMIT_STORE must be 'database', 'redis' or 'cache'")
if RATE_LIMIT_STORE == "redis" and not REDIS_URL:
    raise ImproperlyConfigured("RATE_LIMIT_STORE=redis needs REDIS_URL")
RATE_LIMIT_AUTH_PER_IP = env_int("RATE_LIMIT_AUTH_PER_IP", 30)
LOGIN_FAILURES_PER_ACCOUNT = env_int("LOGIN_FAILURES_PER_ACCOUNT", 10)
LOGIN_FAILURE_WINDOW_SECONDS = env_int("LOGIN_FAILURE_WINDOW_SECONDS", 15 * 60)
FEEDBACK_PER_HOUR = env_int("FEEDBACK_PER_HOUR", 5)
IDEMPOTENCY_TTL_SECONDS = env_int("IDEMPOTENCY_TTL_SECONDS", 24 * 3600)

# --- interviews and evaluations ---------------------------------------------------------
# Reminder email this many minutes before an interview starts (0 = no reminders).
INTERVIEW_REMINDER_MINUTES = env_int("INTERVIEW_REMINDER_MINUTES", 60)
# Interviewers who have not submitted an evaluation this long after a completed interview get one reminder.
EVALUATION_OVERDUE_HOURS = env_int("EVALUATION_OVERDUE_HOURS", 24)

# --- webhooks ---------------------------------------------------------------------------
# Allow webhook URLs that resolve to private, loopback or link-local addresses (and plain http to them):
# for self-hosters on a LAN and for tests. Off by default to prevent server-side request forgery.
WEBHOOK_ALLOW_PRIVATE_TARGETS = env_bool("WEBHOOK_ALLOW_PRIVATE_TARGETS", False)
WEBHOOK_TIMEOUT_SECONDS = env_int("WEBHOOK_TIMEOUT_SECONDS", 10)
# Delay before each retry after a failed attempt (the published schedule: 30 s, 2 m, 10 m, 30 m, 2 h, 6 h, 12 h, 24 h).
try:
    WEBHOOK_RETRY_SCHEDULE = [
        int(s) for s in env_list("WEBHOOK_RETRY_SCHEDULE", "30,120,600,1800,7200,21600,43200,86400")
    ]
except ValueError:
    raise ImproperlyConfigured("WEBHOOK_RETRY_SCHEDULE must be comma-separated seconds, e.g. 30,120,600") from None
# A subscription whose last N events all failed (every retry spent) is disabled and its company's admins emailed.
WEBHOOK_DISABLE_AFTER_FAILED_EVENTS = env_int("WEBHOOK_DISABLE_AFTER_FAILED_EVENTS", 5)
# A delivery claimed longer ago than this (worker killed mid-request) is claimed and sent again.
WEBHOOK_DELIVERY_LEASE_SECONDS = env_int("WEBHOOK_DELIVERY_LEASE_SECONDS", 60)
WEBHOOK_RETENTION_DAYS = env_int("WEBHOOK_RETENTION_DAYS", 30)

# --- email ------------------------------------------------------------------------------
EMAIL_URL = env("EMAIL_URL")
if EMAIL_URL:
    try:
        _email = dj_email_url.parse(EMAIL_URL)
    except Exception as exc:
        raise ImproperlyConfigured(f"EMAIL_URL is not valid (smtp://user:pass@host:port): {exc}") from None
    EMAIL_BACKEND = _email["EMAIL_BACKEND"]
    EMAIL_HOST = _email["EMAIL_HOST"]
    EMAIL_PORT = _email["EMAIL_PORT"]
    EMAIL_HOST_USER = _email["EMAIL_HOST_USER"]
    EMAIL_HOST_PASSWORD = _email["EMAIL_HOST_PASSWORD"]
    EMAIL_USE_TLS = _email["EMAIL_USE_TLS"]
    EMAIL_USE_SSL = _email["EMAIL_USE_SSL"]
    EMAIL_TIMEOUT = _email.get("EMAIL_TIMEOUT") or 30
else:
    # Embedded default: every email is stored in the outbox and printed.
    EMAIL_BACKEND = "hireloop.core.email.OutboxEmailBackend"
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Hireloop <no-reply@hireloop.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- messaging (email and SMS to candidates) -------------------------------------------
# A message written by a person goes out this many seconds after it was written unless it
# has an explicit scheduled_at: the window in which it can still be edited or cancelled.
MESSAGE_CANCEL_WINDOW_SECONDS = env_int("MESSAGE_CANCEL_WINDOW_SECONDS", 15 * 60)
# Provider failures are retried after MESSAGE_RETRY_BASE_SECONDS, doubled each time, until
# MESSAGE_MAX_ATTEMPTS attempts; then the message is `failed` with the reason.
MESSAGE_MAX_ATTEMPTS = env_int("MESSAGE_MAX_ATTEMPTS", 5)
MESSAGE_RETRY_BASE_SECONDS = env_int("MESSAGE_RETRY_BASE_SECONDS", 60)
# A delivery claimed by a worker that died is taken over after this many seconds.
MESSAGE_SENDING_LEASE_SECONDS = env_int("MESSAGE_SENDING_LEASE_SECONDS", 600)
# Shared secret of POST /api/v2/messages/inbound/email (header X-Hireloop-Inbound-Secret);
# unset = the inbound endpoint answers 404.
INBOUND_EMAIL_SECRET = env("INBOUND_EMAIL_SECRET")
SMS_PROVIDER = (env("SMS_PROVIDER", "outbox") or "outbox").lower()
TWILIO_ACCOUNT_SID = env("TWILIO_ACCOUNT_SID")
TWILIO_AUTH_TOKEN = env("TWILIO_AUTH_TOKEN")
TWILIO_FROM_NUMBER = env("TWILIO_FROM_NUMBER")
TWILIO_API_BASE_URL = env("TWILIO_API_BASE_URL")  # only to point the SDK at another host
if SMS_PROVIDER not in ("outbox", "twilio"):
    raise ImproperlyConfigured("SMS_PROVIDER must be 'outbox' (the default: SMS kept in the outbox) or 'twilio'.")
if SMS_PROVIDER == "twilio" and not (TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN and TWILIO_FROM_NUMBER):
    raise ImproperlyConfigured(
        "SMS_PROVIDER=twilio needs TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_FROM_NUMBER "
        "(E.164, e.g. +15551234567)."
    )
for _name in ("MESSAGE_CANCEL_WINDOW_SECONDS", "MESSAGE_RETRY_BASE_SECONDS"):
    if globals()[_name] < 0:
        raise ImproperlyConfigured(f"{_name} must be 0 or more")
if MESSAGE_MAX_ATTEMPTS < 1 or MESSAGE_SENDING_LEASE_SECONDS < 1:
    raise ImproperlyConfigured("MESSAGE_MAX_ATTEMPTS and MESSAGE_SENDING_LEASE_SECONDS must be 1 or more")

# --- files ------------------------------------------------------------------------------
MEDIA_ROOT = str(Path(env("STORAGE_LOCAL_ROOT", str(DATA_DIR / "media"))))
MEDIA_URL = "/media/"
STATIC_URL = "/static/"
STATIC_ROOT = env("STATIC_ROOT")  # only needed for collectstatic; assets are served from the package
_storage_backend = env("STORAGE_BACKEND", "local")
if _storage_backend == "local":
    _default_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
elif _storage_backend == "s3":
    _default_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env("STORAGE_S3_BUCKET"),
            "endpoint_url": env("STORAGE_S3_ENDPOINT_URL"),
            "access_key": env("STORAGE_S3_ACCESS_KEY"),
            "secret_key": env("STORAGE_S3_SECRET_KEY"),
            "region_name": env("STORAGE_S3_REGION"),
            "default_acl": "private",
            "querystring_auth": True,
        },
    }
    if not env("STORAGE_S3_BUCKET"):
        raise ImproperlyConfigured("STORAGE_BACKEND=s3 needs STORAGE_S3_BUCKET (and credentials).")
else:
    raise ImproperlyConfigured("STORAGE_BACKEND must be 'local' or 's3'")
STORAGES = {
    "default": _default_storage,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = False
MAX_UPLOAD_BYTES = env_int("MAX_UPLOAD_BYTES", 20 * 1024 * 1024)
# Base64 of MAX_UPLOAD_BYTES plus JSON around it.
DATA_UPLOAD_MAX_MEMORY_SIZE = MAX_UPLOAD_BYTES * 4 // 3 + 1024 * 1024

# --- i18n / time ------------------------------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- security ---------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", True)
    CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_PROXY", True) else None

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "django_tasks": {"level": env("TASKS_LOG_LEVEL", "WARNING")},
    },
}

# Hooks called by activity.record() for every event, in order (explicit, not signals).
ACTIVITY_HOOKS: list[str] = ["hireloop.webhooks.services.on_event"]
# API paths that take a raw (non-JSON) body, e.g. inbound MIME email.
API_RAW_BODY_PATHS: list[str] = ["/api/v2/messages/inbound/", "/api/v2/unsubscribe/"]
