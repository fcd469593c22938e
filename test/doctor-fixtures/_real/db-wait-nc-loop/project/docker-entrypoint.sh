#!/bin/sh
set -e
while ! nc -z "$DB_HOST" 5432; do sleep 1; done
python manage.py migrate --noinput
exec "$@"
