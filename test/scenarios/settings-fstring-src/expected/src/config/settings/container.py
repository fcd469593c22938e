"""Settings for running "settings-fstring-src" in a container, written by generator-django-docker.

DJANGO_SETTINGS_MODULE points here (set once, in the Dockerfile). This module starts
from the project's own settings and takes from the environment only what differs in a
container. compose.yaml passes the variables; .env.example lists them.
"""

import os

from django.core.exceptions import ImproperlyConfigured

from config.settings.production import *  # noqa: F401,F403  (the project's settings)


def env_bool(name, default=False):
    # Parsed strictly: the string "False" is truthy in Python (debug-env-truthy).
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    # Comma-separated, blanks dropped (env-list-parsing).
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    raise ImproperlyConfigured("Set DJANGO_SECRET_KEY (see .env.example).")

DEBUG = env_bool("DJANGO_DEBUG")

# The container's healthcheck calls http://localhost:8000/, so that host
# is always allowed (healthcheck-host-rejected).
ALLOWED_HOSTS = list(dict.fromkeys([*env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1"), "localhost"]))

# Origins need a scheme since Django 4.0 (csrf-origins-no-scheme).
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")
for _origin in CSRF_TRUSTED_ORIGINS:
    if "://" not in _origin:
        raise ImproperlyConfigured(f"DJANGO_CSRF_TRUSTED_ORIGINS entry {_origin!r} needs a scheme, such as http://{_origin}")

# The SQLite file lives on a volume the app user owns, not in the code folder (nonroot-write-denied).
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": "/srv/data/db.sqlite3",
    }
}

# collectstatic writes here at build time; it is outside the code folder, so a bind mount
# of the code for development does not hide it (bind-mount-shadows-image).
STATIC_URL = globals().get("STATIC_URL") or "/static/"
STATIC_ROOT = "/srv/static"
MEDIA_URL = globals().get("MEDIA_URL") or "/media/"
MEDIA_ROOT = "/srv/media"

# WhiteNoise serves static files from gunicorn with DEBUG off, right after
# SecurityMiddleware (static-not-served).
MIDDLEWARE = [m for m in MIDDLEWARE if m != "whitenoise.middleware.WhiteNoiseMiddleware"]
_security = "django.middleware.security.SecurityMiddleware"
MIDDLEWARE.insert(MIDDLEWARE.index(_security) + 1 if _security in MIDDLEWARE else 0, "whitenoise.middleware.WhiteNoiseMiddleware")

# Compressed, but not manifest: a template naming a missing file does not turn every
# page into a 500 (static-manifest-missing).
STORAGES = {
    **globals().get("STORAGES", {"default": {"BACKEND": "django.core.files.storage.FileSystemStorage"}}),
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

# Everything to stdout/stderr, where `docker compose logs` reads it.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
}

# Served over plain HTTP on the published port: HTTPS-only settings would break login
# (secure-cookies-over-http, ssl-redirect-loop). Turn them on behind a TLS proxy.
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT")
SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES")
CSRF_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES")
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", "0"))

# `check --deploy` warns about each HTTPS setting left off; silence only those that are off
# on purpose here, so turning HTTPS on brings the checks back.
SILENCED_SYSTEM_CHECKS = [
    *globals().get("SILENCED_SYSTEM_CHECKS", []),
    *(["security.W008"] if not SECURE_SSL_REDIRECT else []),
    *(["security.W012", "security.W016"] if not SESSION_COOKIE_SECURE else []),
    *(["security.W004"] if not SECURE_HSTS_SECONDS else []),
]
