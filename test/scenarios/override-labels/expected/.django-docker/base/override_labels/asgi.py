"""ASGI entry point: uvicorn loads override_labels.asgi:application."""
import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "override_labels.settings")

application = get_asgi_application()
