"""WSGI entry point: gunicorn loads empty_sqlite.wsgi:application."""
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "empty_sqlite.settings")

application = get_wsgi_application()
