#!/bin/sh
set -e
until pg_isready -h "$DB_HOST" -p 5432 -q; do
  echo "waiting for the database"
  sleep 1
done
python manage.py migrate --noinput
exec "$@"
