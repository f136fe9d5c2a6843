# Back on Track: the everyday commands. `make run` serves the demo, `make test` is what CI runs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell sha1sum requirements.lock | cut -c1-12)
HOST ?= 127.0.0.1:8000
# Served on all interfaces (HOST=0.0.0.0:PORT, to try it on a phone), links use this address.
LAN_IP = $(shell hostname -I 2>/dev/null | cut -d' ' -f1)
# These targets are for development: debug on (the settings default to off) unless the caller
# says DJANGO_DEBUG=0.
export DJANGO_DEBUG ?= 1

.PHONY: install run test lint format worker beat messages lock bench clean

install: $(STAMP)

$(STAMP): requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv==0.13.9
	$(BIN)/uv pip sync --quiet --python $(BIN)/python requirements.lock
	rm -f $(VENV)/.installed-* && touch $@

# The whole system: web server, Celery worker and beat (Procfile.dev), on a broker that is a
# folder (.run/broker), so scheduled work runs without Redis. Ctrl-C stops all of it. Links in
# mail use the address served on, unless SITE_URL says otherwise.
run: export HOST := $(HOST)
run: export PATH := $(abspath $(BIN)):$(PATH)
run: export CELERY_BROKER_URL ?= filesystem://
run: export SITE_URL ?= http://$(if $(filter 0.0.0.0:%,$(HOST)),$(LAN_IP):$(lastword $(subst :, ,$(HOST))),$(HOST))
run: install
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py demo
	$(BIN)/honcho --procfile Procfile.dev start

test: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .
	$(BIN)/lint-imports

worker: install
	$(BIN)/celery -A config worker --loglevel=INFO

beat: install
	$(BIN)/celery -A config beat --loglevel=INFO

# Regenerate the translation catalogues after changing user-facing text (needs GNU gettext).
messages: install
	$(BIN)/python manage.py makemessages -l nl -l en -l tr -l ar --ignore=.venv --ignore=bench --ignore=tests
	$(BIN)/python manage.py compilemessages --ignore=.venv

# Re-pin the dependencies after editing pyproject.toml.
lock: install
	$(BIN)/uv pip compile pyproject.toml --group dev -o requirements.lock --python-version 3.11

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles
