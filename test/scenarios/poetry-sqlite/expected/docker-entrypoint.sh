#!/bin/sh
# Runs before the server in the web container, written by generator-django-docker.
# set -e: a failed migration stops the container instead of serving an old schema.
set -e

# Set DJANGO_MIGRATE=0 to skip, for instance when a release job migrates instead.
if [ "${DJANGO_MIGRATE:-1}" = "1" ]; then
    python manage.py migrate --noinput
fi

# exec replaces this shell with the server, so the server gets docker stop's SIGTERM.
exec "$@"
