#!/bin/sh
set -e
until python -c "import os, psycopg; psycopg.connect(host=os.environ['DB_HOST'], dbname=os.environ['DB_NAME'], user=os.environ['DB_USER'], password=os.environ['DB_PASSWORD'])"; do
  sleep 1
done
python manage.py migrate --noinput
exec "$@"
