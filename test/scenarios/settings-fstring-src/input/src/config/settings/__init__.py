"""
Settings of a fixture project for the generator's tests: the package assembles the settings
from base and one environment's module, chosen by DJANGO_ENV; manage.py names the module with
an f-string on the same variable.
"""

import os

from .base import *  # noqa: F401,F403

if os.getenv("DJANGO_ENV", "development") == "production":
    from .production import *  # noqa: F401,F403
else:
    from .development import *  # noqa: F401,F403
