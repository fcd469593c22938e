#!/bin/sh
python manage.py migrate --noinput
gunicorn mysite.wsgi:application --bind 0.0.0.0:8000 --worker-tmp-dir /dev/shm
