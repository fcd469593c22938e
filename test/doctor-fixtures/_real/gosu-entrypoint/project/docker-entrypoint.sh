#!/bin/sh
set -e
chown -R app:app /srv/media
gosu app python manage.py migrate --noinput
exec gosu app "$@"
