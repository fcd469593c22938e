#!/bin/sh
set -e

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

exec "$@"
