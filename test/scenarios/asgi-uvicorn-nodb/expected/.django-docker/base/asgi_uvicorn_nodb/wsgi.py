"""WSGI entry point: gunicorn loads asgi_uvicorn_nodb.wsgi:application."""
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "asgi_uvicorn_nodb.settings")

application = get_wsgi_application()
