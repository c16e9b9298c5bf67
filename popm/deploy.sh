#!/bin/sh
# The production image's build and start commands, in one place. docker-compose.yml's
# Dockerfile and services call this script, and tests/test_processes.py runs the very same
# lines (build, then web) under the production settings, so the two cannot drift apart.
#
#   sh popm/deploy.sh build          collect static files with the production manifest
#   sh popm/deploy.sh web [ARGS]     migrate, then gunicorn (ARGS go to gunicorn)
#   sh popm/deploy.sh worker [ARGS]  a Celery worker
#   sh popm/deploy.sh beat [ARGS]    Celery beat (the 15-second sweep, the nightly jobs)
set -eu
cd "$(dirname "$0")/.."
command="${1:-}"
[ $# -gt 0 ] && shift

case "$command" in
  build)
    # Under the production settings: only they write the manifest that production's static
    # storage reads (local settings write none, and every page would answer 500). Building
    # needs no secret, database or broker; placeholders satisfy the settings' checks.
    DJANGO_ENV=production \
    DJANGO_SECRET_KEY="${DJANGO_SECRET_KEY:-build-only-placeholder-never-used-to-sign-anything-0123456789}" \
    DATABASE_URL="${DATABASE_URL:-postgres://build@localhost:5432/build}" \
    REDIS_URL="${REDIS_URL:-redis://localhost:6379/0}" \
    DJANGO_ALLOWED_HOSTS="${DJANGO_ALLOWED_HOSTS:-localhost}" \
      python manage.py collectstatic --noinput --clear --verbosity 0
    ;;
  web)
    python manage.py migrate --noinput
    exec gunicorn popm.wsgi -c popm/gunicorn.conf.py --access-logfile - "$@"
    ;;
  worker)
    exec celery -A popm worker --loglevel INFO "$@"
    ;;
  beat)
    exec celery -A popm beat --loglevel INFO --schedule /tmp/celerybeat-schedule "$@"
    ;;
  *)
    echo "usage: sh popm/deploy.sh build|web|worker|beat [ARGS]" >&2
    exit 2
    ;;
esac
