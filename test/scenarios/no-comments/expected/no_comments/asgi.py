"""ASGI entry point: uvicorn loads no_comments.asgi:application."""
import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "no_comments.settings")

application = get_asgi_application()
