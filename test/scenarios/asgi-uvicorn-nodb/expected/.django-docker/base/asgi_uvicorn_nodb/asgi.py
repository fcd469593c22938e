"""ASGI entry point: uvicorn loads asgi_uvicorn_nodb.asgi:application."""
import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "asgi_uvicorn_nodb.settings")

application = get_asgi_application()
