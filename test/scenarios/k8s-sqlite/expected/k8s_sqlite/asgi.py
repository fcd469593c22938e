"""ASGI entry point: uvicorn loads k8s_sqlite.asgi:application."""
import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "k8s_sqlite.settings")

application = get_asgi_application()
