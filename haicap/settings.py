"""Settings, read from the environment (STYLE.md 7).

Embedded defaults run the demo safely on this machine: an SQLite file under var/, DEBUG off,
only loopback hosts. A production deployment sets HAICAP_SECRET_KEY (the demo key fails
`haicap check --deploy`), DATABASE_URL and HAICAP_ALLOWED_HOSTS.
"""

import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(os.environ.get("HAICAP_VAR_DIR", BASE_DIR.parent / "var"))

DEMO_SECRET_KEY = "haicap-demo-only-not-secret-3f9b2c8d7e6a5f4b3c2d1e0f"


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


SECRET_KEY = os.environ.get("HAICAP_SECRET_KEY", DEMO_SECRET_KEY)
USING_DEMO_SECRET = SECRET_KEY == DEMO_SECRET_KEY
DEBUG = env_bool("HAICAP_DEBUG", False)
ALLOWED_HOSTS = env_list("HAICAP_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("HAICAP_CSRF_TRUSTED_ORIGINS", [])

# A deployment with its own secret is served over HTTPS unless it says otherwise.
HTTPS = env_bool("HAICAP_HTTPS", not USING_DEMO_SECRET)
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "ninja",  # serves the API docs' assets locally, never from a CDN
    "django_tasks",
    "django_tasks_db",
    "haicap.core",
    "haicap.units",
    "haicap.worktime",
    "haicap.catalog",
    "haicap.dossiers",
    "haicap.documents",
    "haicap.notifications",
    "haicap.slips",
    "haicap.feedback",
    "haicap.tickets",
    "haicap.ioc",
    "haicap.national_portal",
    "haicap.opendata",
    "haicap.mdm",
    "haicap.registries",
    "haicap.workspace",
    "haicap.portal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "haicap.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "haicap.core.middleware.RequestContextMiddleware",
]

ROOT_URLCONF = "haicap.urls"
WSGI_APPLICATION = "haicap.wsgi.application"

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
                "django.template.context_processors.i18n",
                "haicap.core.context_processors.platform",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'haicap.sqlite3'}"),
        conn_max_age=int(os.environ.get("HAICAP_DB_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A fresh clone has no var/ yet; SQLite cannot create its file without the folder.
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # WAL and a busy timeout let the demo's web workers and commands write side by side;
    # "synchronous=FULL" keeps every acknowledged write across a crash.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; "
        "PRAGMA foreign_keys=ON;",
    }
if os.environ.get("HAICAP_TEST_DB"):
    # Parallel test runs on one machine each take their own test database.
    DATABASES["default"]["TEST"] = {"NAME": os.environ["HAICAP_TEST_DB"]}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = ["haicap.core.auth.ModelBackendWithOffice"]
LOGIN_URL = "core:login"
LOGIN_REDIRECT_URL = "portal:home"
LOGOUT_REDIRECT_URL = "portal:home"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    "haicap.core.staticfiles.PackageAssetFinder",
]
# Uploaded dossier documents (never served as static files: a scoped view streams them).
MEDIA_ROOT = Path(os.environ.get("HAICAP_MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Static files are served from STATIC_ROOT once collectstatic has filled it: there they have their
# gzip and brotli copies (the chart library is 4.8 MB as it is, 1.1 MB in brotli). Before that
# (development, tests) they come from the apps' and packages' own folders, uncompressed.
WHITENOISE_USE_FINDERS = DEBUG or not (STATIC_ROOT.is_dir() and any(STATIC_ROOT.iterdir()))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("HAICAP_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # WeasyPrint reports each layout step at INFO; slips are rendered often.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# The province this deployment serves (DESIGN.md: each province runs its own deployment).
HAICAP_PROVINCE_CODE = os.environ.get("HAICAP_PROVINCE_CODE", "48")

# Office hours used to count deadlines given in working hours (Decree 118/2025 applies the
# 15:00 cut-off for reception).
HAICAP_WORK_HOURS = (("07:30", "11:30"), ("13:30", "17:00"))
HAICAP_RECEPTION_CUTOFF = "15:00"
# Where citizens reach the portal: messages (SMS, email) carry absolute links.
HAICAP_PORTAL_URL = os.environ.get("HAICAP_PORTAL_URL", "http://127.0.0.1:8000")
# The SMS gateway's short number citizens reply to, and the secret its callbacks carry
# (`haicap check --deploy` refuses the demo's).
DEMO_FEEDBACK_SMS_SECRET = "haicap-demo-sms-secret"
HAICAP_FEEDBACK_SMS_SECRET = os.environ.get("HAICAP_FEEDBACK_SMS_SECRET", DEMO_FEEDBACK_SMS_SECRET)
HAICAP_FEEDBACK_SMS_NUMBER = os.environ.get("HAICAP_FEEDBACK_SMS_NUMBER", "8xxx")
# Recurring background jobs (django-tasks chains): `haicap schedule` starts each one that is not
# already waiting; `haicap db_worker` runs them.
HAICAP_RECURRING_JOBS = [
    "haicap.notifications.tasks.schedule",
    "haicap.ioc.tasks.schedule",
    "haicap.national_portal.tasks.schedule",
    "haicap.opendata.tasks.schedule",
]

# Sandbox adapters for national systems we cannot reach from here.
HAICAP_VNEID_ADAPTER = os.environ.get("HAICAP_VNEID_ADAPTER", "sandbox")
HAICAP_SANDBOX_LATENCY_MS = int(os.environ.get("HAICAP_SANDBOX_LATENCY_MS", "150"))
HAICAP_SANDBOX_FAILURE_RATE = float(os.environ.get("HAICAP_SANDBOX_FAILURE_RATE", "0.0"))

HAICAP_ADDRESS_BATCH_LIMIT = 1000

# Background work: django-tasks with its database backend (no broker); `haicap db_worker`
# runs the queued tasks.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# Dossier documents may be inlined as base64 in the API (10 MB a file, about 13.4 MB encoded).
DATA_UPLOAD_MAX_MEMORY_SIZE = 15 * 1024 * 1024
