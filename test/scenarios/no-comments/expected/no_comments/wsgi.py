"""WSGI entry point: gunicorn loads no_comments.wsgi:application."""
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "no_comments.settings")

application = get_wsgi_application()
