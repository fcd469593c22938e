#!/bin/sh
# Runs before the server in the web container, written by generator-django-docker.
# set -e: a failed migration stops the container instead of serving an old schema.
set -e

# Set DJANGO_MIGRATE=0 to skip, for instance when a release job migrates instead.
# A few bounded retries cover a database that is up but not yet accepting connections (db-not-ready).
if [ "${DJANGO_MIGRATE:-1}" = "1" ]; then
    tries=1
    until python manage.py migrate --noinput; do
        if [ "$tries" -ge 5 ]; then
            echo "migrate failed $tries times; giving up" >&2
            exit 1
        fi
        echo "migrate failed (attempt $tries of 5); retrying in 3 s" >&2
        tries=$((tries + 1))
        sleep 3
    done
fi

# exec replaces this shell with the server, so the server gets docker stop's SIGTERM.
exec "$@"
