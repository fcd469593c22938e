"""WSGI entry point: gunicorn loads override_labels.wsgi:application."""
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "override_labels.settings")

application = get_wsgi_application()
