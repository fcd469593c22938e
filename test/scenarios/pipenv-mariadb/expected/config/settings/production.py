from .base import *  # noqa

DEBUG = False
ALLOWED_HOSTS = ["blog.example.com"]

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.mysql",
        "NAME": os.environ.get("MYSQL_DATABASE", "blog"),
        "USER": os.environ.get("MYSQL_USER", "blog"),
        "PASSWORD": os.environ.get("MYSQL_PASSWORD", ""),
        "HOST": os.environ.get("MYSQL_HOST", "localhost"),
    }
}
