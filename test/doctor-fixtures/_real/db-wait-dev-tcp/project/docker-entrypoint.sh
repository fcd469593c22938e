#!/bin/bash
set -e
for i in $(seq 1 30); do
  if (echo > "/dev/tcp/$DB_HOST/5432") 2>/dev/null; then break; fi
  sleep 1
done
python manage.py migrate --noinput
exec "$@"
