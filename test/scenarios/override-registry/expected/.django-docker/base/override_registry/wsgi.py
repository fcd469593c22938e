"""WSGI entry point: gunicorn loads override_registry.wsgi:application."""
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "override_registry.settings")

application = get_wsgi_application()
