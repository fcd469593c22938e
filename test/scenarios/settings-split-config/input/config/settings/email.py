"""E-mail: the console locally, a relay only when EMAIL_STRATEGY says so."""

import os

EMAIL_STRATEGY = os.environ.get("EMAIL_STRATEGY", "console")
if EMAIL_STRATEGY == "mailtrap":
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = os.environ["MAILTRAP_HOST"]
    EMAIL_HOST_USER = os.environ["MAILTRAP_USER"]
    EMAIL_HOST_PASSWORD = os.environ["MAILTRAP_PASSWORD"]
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
