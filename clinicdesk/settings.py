"""The one settings module: every value comes from the environment, with an embedded default.

With no environment at all the app runs on a SQLite file in ``CLINICDESK_DATA_DIR`` (default
``./data``), prints e-mail to the console and generates its secret key on first run.
"""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

import dj_database_url
from django.utils.translation import gettext_lazy as _

from clinicdesk.lib.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(env_str("CLINICDESK_DATA_DIR", str(BASE_DIR / "data"))).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    """The SECRET_KEY from the environment, or one generated once into the data folder."""
    given = env_str("SECRET_KEY", "")
    if given:
        return given
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        key_file.touch(mode=0o600)
        key_file.write_text(secrets.token_urlsafe(50))
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_tasks",
    "django_tasks_db",
    "clinicdesk.core",
    "clinicdesk.outbox",
    "clinicdesk.scheduling",
    "clinicdesk.registration",
    "clinicdesk.digests",
    "clinicdesk.planning",
    "clinicdesk.publishing",
    "clinicdesk.consultations",
    "clinicdesk.newsletters",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "clinicdesk.core.middleware.ReaderZoneMiddleware",
]

ROOT_URLCONF = "clinicdesk.urls"
WSGI_APPLICATION = "clinicdesk.wsgi.application"

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
                "clinicdesk.core.context_processors.reader",
            ],
        },
    },
]

# --- Database: a SQLite file by default, DATABASE_URL for PostgreSQL --------------------------
DATABASE_URL = env_str("DATABASE_URL", "")
# Connections are kept between requests (checked before reuse): opening one, and for SQLite
# running its PRAGMAs, would otherwise cost more than serving a cached page.
CONN_MAX_AGE = env_int("CONN_MAX_AGE", 600)
if DATABASE_URL:
    DATABASES = {
        "default": dj_database_url.parse(
            DATABASE_URL, conn_max_age=CONN_MAX_AGE, conn_health_checks=True
        )
    }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(DATA_DIR / "clinicdesk.sqlite3"),
            "CONN_MAX_AGE": CONN_MAX_AGE,
            "CONN_HEALTH_CHECKS": True,
            "OPTIONS": {
                # Writers take the lock at BEGIN, so two writers queue on the busy timeout
                # instead of failing with "database is locked" when one upgrades a read lock.
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": (
                    "PRAGMA journal_mode=WAL;"
                    "PRAGMA synchronous=NORMAL;"
                    "PRAGMA foreign_keys=ON;"
                    "PRAGMA busy_timeout=20000;"
                ),
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache: per-process memory by default; REDIS_URL shares it across app servers -----------
REDIS_URL = env_str("REDIS_URL", "")
CACHES: dict[str, dict[str, Any]]
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": 5000},
        }
    }

# --- Background work: a database-backed task queue, run by `manage.py db_worker` -------------
TASKS = {
    "default": {
        "BACKEND": env_str("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default", "email", "publishing"],
    }
}

# --- Publishing (wikis and mailing lists) ------------------------------------------------------
# A wiki target's bot login is read from CLINICDESK_WIKI_<NAME>_USERNAME / _PASSWORD, never
# stored. A publish the wiki refused for a passing reason (down, lagging, rate-limiting) is
# tried again after 1, 2, 4 ... minutes, at most an hour apart, then left failed for organizers.
PUBLISHING_RETRY_BASE_SECONDS = env_int("PUBLISHING_RETRY_BASE_SECONDS", 60)
PUBLISHING_RETRY_MAX_SECONDS = env_int("PUBLISHING_RETRY_MAX_SECONDS", 3600)
PUBLISHING_MAX_ATTEMPTS = env_int("PUBLISHING_MAX_ATTEMPTS", 10)
# How often the worker looks for changed records to republish, digest notices and reminders.
PUBLISHING_SWEEP_SECONDS = env_int("PUBLISHING_SWEEP_SECONDS", 60)

# --- Authentication ----------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "manage:home"
LOGOUT_REDIRECT_URL = "core:home"

# --- Languages and time ------------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("es", _("Spanish")),
    ("fr", _("French")),
    ("ar", _("Arabic")),
    ("zh-hans", _("Simplified Chinese")),
    ("de", _("German")),
    ("ru", _("Russian")),
]
LOCALE_PATHS = [BASE_DIR / "clinicdesk" / "locale"]
USE_I18N = True
TIME_ZONE = "UTC"
USE_TZ = True
# Zone shown to a reader who has not chosen one and whose browser has not told us.
CLINICDESK_DEFAULT_READER_ZONE = env_str("CLINICDESK_DEFAULT_READER_ZONE", "UTC")
# Whole public pages are cached (core/pagecache.py); off only to measure what rendering costs.
CLINICDESK_PAGE_CACHE = env_bool("CLINICDESK_PAGE_CACHE", True)

# --- Static files ------------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if not DEBUG and env_bool("CLINICDESK_MANIFEST_STATIC", True)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = env_bool("WHITENOISE_USE_FINDERS", False)

# --- E-mail: the console by default ------------------------------------------------------------
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "clinicdesk <clinicdesk@localhost>")
# Seconds an SMTP connection may hang before the send fails (and is retried later).
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 20)

# --- Registration ------------------------------------------------------------------------------
# Form submissions per client address (IPv6: per /64) and window; 0 turns the limit off.
REGISTRATION_RATE_LIMIT = env_int("REGISTRATION_RATE_LIMIT", 20)
REGISTRATION_RATE_WINDOW_SECONDS = env_int("REGISTRATION_RATE_WINDOW_SECONDS", 600)
# Behind a proxy: the META key holding the client's address (e.g. HTTP_X_REAL_IP).
REGISTRATION_CLIENT_ADDRESS_HEADER = env_str("REGISTRATION_CLIENT_ADDRESS_HEADER", "")
# Days needs answers and contact details are kept after a session (a program may change it).
REGISTRATION_RETENTION_DAYS = env_int("REGISTRATION_RETENTION_DAYS", 90)
# How often the worker runs the periodic chores: reminders, retention, the e-mail sweep.
REGISTRATION_CHORES_INTERVAL_SECONDS = env_int("REGISTRATION_CHORES_INTERVAL_SECONDS", 60)
# A failed e-mail is tried again after 1, 2, 4 ... minutes, at most 6 hours apart; after the
# last attempt it stays in the outbox as failed, for an organizer to see and send again.
EMAIL_RETRY_BASE_SECONDS = env_int("EMAIL_RETRY_BASE_SECONDS", 60)
EMAIL_RETRY_MAX_SECONDS = env_int("EMAIL_RETRY_MAX_SECONDS", 6 * 3600)
EMAIL_MAX_ATTEMPTS = env_int("EMAIL_MAX_ATTEMPTS", 12)

# --- Security: strict by default where it costs nothing; HTTPS ones when asked for -----------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_HTTPS_PROXY", False) else None
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}
