#!/bin/sh
# Example Org entrypoint, adapted from generator-django-docker's: waits for the log agent, then migrates.
set -e

if [ -n "${LOG_AGENT_SOCKET:-}" ]; then
    i=0
    while [ ! -S "$LOG_AGENT_SOCKET" ] && [ "$i" -lt 10 ]; do i=$((i + 1)); sleep 1; done
fi

if [ "${DJANGO_MIGRATE:-1}" = "1" ]; then
    python manage.py migrate --noinput
fi

exec "$@"
