# The two commands of the README: `make run` and `make test`. Everything else is a helper.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed-$(shell cksum < requirements.lock | cut -d' ' -f1)

# What the test suite talks to; override to point elsewhere.
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/popm
TEST_REDIS_URL ?= redis://127.0.0.1:6379/15

.PHONY: run test test-setup lint format install bench

$(INSTALLED): requirements.lock
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "popm needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.lock
	rm -f $(VENV)/.installed-*
	touch $@

install: $(INSTALLED)

run: $(INSTALLED)
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo
	@echo "popm is at http://127.0.0.1:8000/ (Ctrl-C stops it)"
	$(BIN)/python manage.py runserver 127.0.0.1:8000

# What the suite needs besides Python: Chromium (browser tests), PostgreSQL and Redis on
# 127.0.0.1. Installs Chromium when it may (root with apt-get), starts PostgreSQL and Redis
# when they are installed but down, and otherwise stops with one message naming what to install.
# Only the default local services are started; with TEST_DATABASE_URL/TEST_REDIS_URL pointing
# elsewhere, they are just checked by the suite itself.
test-setup:
	@missing=""; \
	if ! command -v chromium >/dev/null 2>&1 && [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "Installing Chromium for the browser tests (apt-get)..."; \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
	      || missing="$$missing chromium"; \
	  else missing="$$missing chromium"; fi; \
	fi; \
	if ! pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; then \
	  if command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ]; then \
	    pg_ctlcluster --skip-systemctl-redirect "$$(ls /etc/postgresql | head -1)" main start || true; \
	  elif ! command -v pg_isready >/dev/null 2>&1; then missing="$$missing postgresql"; fi; \
	fi; \
	if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then \
	  if command -v redis-server >/dev/null 2>&1; then \
	    redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no >/dev/null; \
	  else missing="$$missing redis-server"; fi; \
	fi; \
	if [ -n "$$missing" ]; then \
	  echo "make test needs:$$missing (e.g. sudo apt-get install$$missing), then run make test again." >&2; \
	  exit 1; \
	fi; \
	for _ in $$(seq 1 30); do \
	  pg_isready -h 127.0.0.1 -p 5432 -q && redis-cli -h 127.0.0.1 ping >/dev/null 2>&1 && exit 0; \
	  sleep 1; \
	done; \
	echo "make test needs PostgreSQL and Redis on 127.0.0.1; they did not come up within 30 s." >&2; exit 1

test: $(INSTALLED) test-setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache --no-logo
	DJANGO_ENV=test DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) $(BIN)/pytest $(PYTEST_ARGS)

lint: $(INSTALLED)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .
