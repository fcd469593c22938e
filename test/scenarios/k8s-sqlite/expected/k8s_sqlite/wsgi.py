"""WSGI entry point: gunicorn loads k8s_sqlite.wsgi:application."""
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "k8s_sqlite.settings")

application = get_wsgi_application()
