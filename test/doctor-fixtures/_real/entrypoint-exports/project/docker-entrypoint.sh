#!/bin/sh
set -e
export DATABASE_URL="postgres://${DB_USER}:${DB_PASSWORD}@${DB_HOST}:5432/${DB_NAME}"
python manage.py migrate --noinput
exec "$@"
