"""Settings of a deliberately small site for the negative controls.

Every value a fixture varies comes from the environment, so each fixture differs from the
baseline by its Dockerfile or compose file only.
"""
import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent

SECRET_KEY = os.environ.get("SITE_SECRET_KEY", "negative-control-fixture-key-not-secret-0123456789abcdef")
DEBUG = os.environ.get("SITE_DEBUG", "0") == "1"
ALLOWED_HOSTS = [h.strip() for h in os.environ.get("SITE_ALLOWED_HOSTS", "localhost,127.0.0.1").split(",") if h.strip()]

INSTALLED_APPS = ["django.contrib.contenttypes", "hits"]
MIDDLEWARE = ["django.middleware.common.CommonMiddleware"]
ROOT_URLCONF = "probe_site.urls"
WSGI_APPLICATION = "probe_site.wsgi.application"
USE_TZ = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

if os.environ.get("SITE_DB") == "postgres":
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.postgresql",
            "HOST": os.environ.get("SITE_DB_HOST", "db"),
            "NAME": "site",
            "USER": "site",
            "PASSWORD": os.environ.get("SITE_DB_PASSWORD", ""),
        }
    }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("SITE_SQLITE_PATH", str(BASE_DIR / "site.sqlite3")),
        }
    }

# Errors (500 tracebacks, rejected hosts) go to stderr, so `docker logs` shows them with DEBUG off.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"stderr": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["stderr"], "level": "WARNING"},
}
