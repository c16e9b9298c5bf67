"""popm settings: one file, every deployment difference read from the environment.

Local default (no variables set): SQLite, Celery tasks run in-process, DEBUG on.
Production (DJANGO_ENV=production): DATABASE_URL, REDIS_URL and DJANGO_SECRET_KEY are
required, DEBUG must be off; the process refuses to start otherwise.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

_DEFAULT_SECRET_KEY = "insecure-local-only-key-do-not-use-in-production"


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    if raw.lower() in ("1", "true", "yes", "on"):
        return True
    if raw.lower() in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}")


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


DJANGO_ENV = env_str("DJANGO_ENV", "local")
if DJANGO_ENV not in ("local", "test", "production"):
    raise ImproperlyConfigured("DJANGO_ENV must be local, test or production")
IS_PRODUCTION = DJANGO_ENV == "production"

SECRET_KEY = env_str("DJANGO_SECRET_KEY", _DEFAULT_SECRET_KEY)
DEBUG = env_bool("DJANGO_DEBUG", default=not IS_PRODUCTION)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "" if IS_PRODUCTION else "127.0.0.1,localhost")
REDIS_URL = env_str("REDIS_URL")

if IS_PRODUCTION:
    if DEBUG:
        raise ImproperlyConfigured("DJANGO_DEBUG must be off in production")
    if SECRET_KEY == _DEFAULT_SECRET_KEY or len(SECRET_KEY) < 50:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set to 50+ random characters")
    for required in ("DATABASE_URL", "REDIS_URL", "DJANGO_ALLOWED_HOSTS"):
        if not env_str(required):
            raise ImproperlyConfigured(f"{required} must be set in production")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "axes",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "template_partials",
    "csp",
    "backlog",
    "backlog.imports",
    "scoring",
    "scoring.planning",
    "scoring.tradeoffs",
    "scoring.rescoring",
    "scoring.roadmap",
    "scoring.outcomes",
    "scoring.estimation",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "popm.input_limits.api_body_limit_middleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "popm.error_pages.ErrorPageMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]
CSRF_FAILURE_VIEW = "popm.error_pages.csrf_failure"

ROOT_URLCONF = "popm.urls"
WSGI_APPLICATION = "popm.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "backlog.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=60 if IS_PRODUCTION else 0,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# The ranked-backlog index INCLUDEs status for PostgreSQL's index-only scans; SQLite (the
# local default) builds it without the included column, which is fine there.
SILENCED_SYSTEM_CHECKS = ["models.W040"]

# Admin = staff (docs/roles.md): staff accounts get every Django admin permission.
# django-axes first: it refuses a locked-out account-and-address pair before any password check.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "backlog.access.StaffAreAdminsBackend"]

# Sign-in throttling (django-axes) on /login/ and /admin/login/: 5 wrong passwords for one
# username from one address lock that pair out for DJANGO_LOGIN_COOLOFF_MINUTES (15); a right
# password meanwhile is refused too. Other users, and the same user elsewhere, still sign in.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=int(env_str("DJANGO_LOGIN_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_CLIENT_IP_CALLABLE = "popm.client_ip.client_ip_address"
# Proxies in front of gunicorn that append to X-Forwarded-For (popm/client_ip.py).
TRUSTED_PROXY_COUNT = int(env_str("DJANGO_TRUSTED_PROXIES", "1" if IS_PRODUCTION else "0"))

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
if DJANGO_ENV == "test":
    # Hashing with PBKDF2 at full strength makes every persona cost ~100 ms.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
# popm's one date format ("2 Dec 2026"), set once in popm/formats/en/formats.py.
FORMAT_MODULE_PATH = ["popm.formats"]

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("DJANGO_STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if IS_PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# Outside production whitenoise serves straight from the app folders; no collectstatic needed.
WHITENOISE_USE_FINDERS = not IS_PRODUCTION
WHITENOISE_AUTOREFRESH = not IS_PRODUCTION

# Request bodies (JSON, forms) up to 1 MB: far above any real edit (text fields stop at
# 20,000 characters), far below what would tie up a worker. Over it /api/ answers a JSON 413.
DATA_UPLOAD_MAX_MEMORY_SIZE = 1_000_000

LOGIN_URL = "backlog:login"
LOGIN_REDIRECT_URL = "backlog:home"
LOGOUT_REDIRECT_URL = "backlog:login"

SESSION_COOKIE_SECURE = IS_PRODUCTION
CSRF_COOKIE_SECURE = IS_PRODUCTION
# Production answers https only: plain http is redirected. Behind a TLS-terminating proxy that
# already redirects (and health checks over http), DJANGO_SECURE_SSL_REDIRECT=false turns it off.
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", default=IS_PRODUCTION)
# gunicorn sits behind a proxy that terminates TLS and says so in X-Forwarded-Proto; the proxy
# must set (overwrite) that header, never pass on a client's.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if IS_PRODUCTION else None
# HSTS: browsers keep to https for this long (a year by default in production; 0 turns it off,
# e.g. while trying https out). Preloading is the operator's own decision (DJANGO_HSTS_PRELOAD).
SECURE_HSTS_SECONDS = int(env_str("DJANGO_HSTS_SECONDS", "31536000" if IS_PRODUCTION else "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", default=False)
if not SECURE_HSTS_PRELOAD:
    SILENCED_SYSTEM_CHECKS.append("security.W021")  # preload list: opt-in, see above
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy (django-csp 4): scripts only from this server, no inline script and
# no on*= handler (page JS lives in static/); inline style= attributes stay allowed.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "popm.api.PageSizePagination",
    # The API speaks JSON only (a form or multipart body is a 415): a garbled form body would
    # otherwise read as no fields at all and a PATCH of nothing answer 200.
    "DEFAULT_PARSER_CLASSES": ["popm.input_limits.DepthLimitedJSONParser"],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    "EXCEPTION_HANDLER": "popm.api.api_exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "COERCE_DECIMAL_TO_STRING": True,
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "DEFAULT_METADATA_CLASS": "popm.api.ApiMetadata",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "popm API",
    "DESCRIPTION": "Backlog prioritization by WSJF for SAFe Agile Release Trains.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # The four WSJF inputs share one scale: one enum in the schema, not one per field.
    "ENUM_NAME_OVERRIDES": {
        "WsjfScaleEnum": [(value, value) for value in (1, 2, 3, 5, 8, 13, 20)],
        # The allocation buckets as the capacity plan and the roadmap forecast write them.
        "AllocationKindEnum": [(kind, kind) for kind in ("business", "enabler", "exploration")],
    },
    # Every operation's error answers (400/401/403/404, 409/413 on writes, 412/428 on versioned
    # PATCH and DELETE) are documented in one place: popm/schema.py.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "popm.schema.error_responses_document",
    ],
}

# Celery: with no REDIS_URL (the local default) tasks run in-process, right after the
# transaction that enqueued them commits. With REDIS_URL a real worker runs them.
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A crashed worker's task would come back after this; popm does not wait for it: a running
# run proves it is alive by its ART row lock, and the sweep below sends an orphaned one again
# within seconds (scoring.services.scoring_runs_requeue_stale). Longer than the longest task,
# so a running task is never handed to a second worker by the broker itself.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": 600,
    # With Redis unreachable a send fails fast: the edit that asked for a run is committed and
    # answers at once; the run stays pending and the sweep sends it when Redis is back.
    "socket_connect_timeout": 1,
    "socket_timeout": 2,
}
CELERY_BROKER_CONNECTION_TIMEOUT = 1
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.1}
# The workers keep trying to reach a lost broker (no give-up after 100 attempts).
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
CELERY_BEAT_SCHEDULE = {
    # Every 15 s: a run not sent while the queue was down, or left by a dead worker, is sent
    # again well within a minute of the broker or a new worker being back.
    "requeue-stale-scoring-runs": {
        "task": "scoring.requeue_stale_runs",
        "schedule": timedelta(seconds=15),
        "options": {"expires": 14},
    },
    "nightly-rescore": {
        "task": "scoring.rescore_all_arts",
        "schedule": crontab(hour=3, minute=0),
    },
    # Daily, early in the UTC day, so a PI's first day is flagged from its start.
    "daily-rescoring-check": {
        "task": "rescoring.check_all_arts",
        "schedule": crontab(hour=0, minute=30),
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("DJANGO_LOG_LEVEL", "INFO")},
}
