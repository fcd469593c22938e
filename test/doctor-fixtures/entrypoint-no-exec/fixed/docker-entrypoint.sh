#!/bin/sh
set -e
python manage.py migrate --noinput
exec gunicorn mysite.wsgi:application --bind 0.0.0.0:8000 --worker-tmp-dir /dev/shm
