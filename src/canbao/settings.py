"""Django settings. The embedded default is SQLite under $CANBAO_HOME; DATABASE_URL selects PostgreSQL."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url

from canbao.core.home import home, sub, write_once

BASE_DIR = Path(__file__).resolve().parent
HOME = home()


def _secret_key() -> str:
    # Kept beside the field keys, outside the database and the code.
    path = sub("keys") / "django_secret"
    if not path.exists():
        write_once(path, secrets.token_urlsafe(50))
    return path.read_text().strip()


SECRET_KEY = os.environ.get("CANBAO_SECRET_KEY") or _secret_key()
DEBUG = os.environ.get("CANBAO_DEBUG") == "1"
ALLOWED_HOSTS = os.environ.get("CANBAO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "canbao.divisions",
    "canbao.codes",
    "canbao.accounts",
    "canbao.audit",
    "canbao.registry",
    "canbao.comparison",
    "canbao.jobs",
    "canbao.survey",
    "canbao.reports",
    "canbao.exports",
    "canbao.api",
    "canbao.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "canbao.accounts.sessions.SessionIdleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "canbao.accounts.middleware.AccountPolicyMiddleware",
]

ROOT_URLCONF = "canbao.web.urls"
WSGI_APPLICATION = "canbao.wsgi.application"

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
                "canbao.web.context.nav",
            ],
        },
    }
]

_default_db = f"sqlite:///{HOME / 'canbao.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(os.environ.get("DATABASE_URL") or _default_db, conn_max_age=60)}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # IMMEDIATE: a writing transaction takes the write lock at BEGIN, so the audit chain's
    # read-last-then-append can never interleave with another writer.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # Tests on a file, not the shared-cache in-memory database: there a table another thread is using
    # is an immediate "table is locked" error, where the real (file, WAL) database waits its turn.
    DATABASES["default"]["TEST"] = {"NAME": str(HOME / "test_canbao.sqlite3")}

# What the cache holds (the API token endpoint's count of requests per address) must be one count for
# all the processes of `canbao serve --workers N`: files under $CANBAO_HOME, not each process's memory.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(sub("cache")),
    }
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["canbao.accounts.backends.AccountBackend"]
LOGIN_URL = "/login/"
LOGIN_REDIRECT_URL = "/"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "canbao.accounts.passwords.CharacterClassValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

SESSION_COOKIE_AGE = 30 * 60  # 30 minutes idle ends the session (refreshed by SessionIdleMiddleware)
SESSION_SAVE_EVERY_REQUEST = False  # a write per request; accounts.sessions refreshes once a minute
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

LANGUAGE_CODE = "zh-hans"
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = sub("static")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}

CANBAO = {
    # Person lists longer than this need a higher-level reviewer's approval to export (ADR 0008);
    # an approval is good for one download within EXPORT_APPROVAL_VALID_DAYS of the decision.
    "EXPORT_APPROVAL_THRESHOLD": 1000,
    "EXPORT_APPROVAL_VALID_DAYS": 7,
    # The audit log is kept at least this long; below 180 days every process refuses to start
    # (docs/operations-audit.md). AUDIT_EXPORT_MAX_ROWS caps one export of the log.
    "AUDIT_RETENTION_DAYS": 180,
    "AUDIT_EXPORT_MAX_ROWS": 200_000,
    # Background jobs (canbao.jobs): a running job's heartbeat is written this often; a job whose
    # worker is on another machine and silent this long is re-queued when a worker starts; after
    # this many interrupted attempts it fails instead.
    "JOB_HEARTBEAT_SECONDS": 15,
    "JOB_STALE_SECONDS": 300,
    "JOB_MAX_ATTEMPTS": 3,
}

# Uploaded extracts hold person data: their temporary files stay under $CANBAO_HOME (the encrypted
# volume, ADR 0003), never in the system's /tmp, and are readable by the service account only.
FILE_UPLOAD_TEMP_DIR = str(sub("uploads", "tmp"))
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700

# REST API (canbao.api, ADR 0006): bearer tokens only (no session, so no CSRF exposure), JSON only
# (no browsable API), one error shape, the token endpoint throttled per address.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["canbao.api.auth.BearerTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "canbao.api.errors.api_exception_handler",
    "DEFAULT_THROTTLE_RATES": {"api_token": "30/min"},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "全民参保登记信息系统 接口",
    "DESCRIPTION": "只读查询人员与单位；按账号管辖范围过滤，所有访问记入审计日志。身份证号码、电话只返回脱敏形式。",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
}
