# Counterwatch: two commands. `make run` (embedded mode, one process) and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test test-embedded test-scaled install frontend bench lint clean

$(VENV)/.installed: requirements.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install -q --disable-pip-version-check -r requirements.lock
	touch $@

install: $(VENV)/.installed

frontend/node_modules/.installed: frontend/package.json frontend/package-lock.json
	cd frontend && npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Build the web app when there is one (skipped quietly if frontend/ has no package.json).
frontend:
	@if [ -f frontend/package.json ]; then \
	  $(MAKE) --no-print-directory frontend/node_modules/.installed && \
	  (cd frontend && npm run build --silent); \
	fi

run: install frontend
	$(PY) manage.py migrate --noinput -v0
	$(PY) manage.py seed_demo --if-empty
	@echo ""
	@echo "Counterwatch is starting on http://$(HOST):$(PORT)/  (API docs: http://$(HOST):$(PORT)/api/docs/)"
	@echo ""
	$(VENV)/bin/uvicorn backend.asgi:application --host $(HOST) --port $(PORT) --lifespan off --ws websockets

test: install frontend
	$(MAKE) --no-print-directory test-embedded
	@if scaled_env=$$($(PY) backend/probe.py); then \
	  echo "== scaled mode: $$scaled_env"; \
	  env $$scaled_env CELERY_TASK_ALWAYS_EAGER=1 $(MAKE) --no-print-directory test-scaled; \
	else echo "== scaled mode skipped: PostgreSQL/Redis not reachable"; fi

test-embedded:
	@echo "== embedded mode (SQLite, local store, in-process jobs, in-memory channel layer)"
	env -u DATABASE_URL -u REDIS_URL -u CELERY_BROKER_URL -u MINIO_ENDPOINT $(VENV)/bin/pytest -m "not e2e"
	@echo "== browser journeys (headless Chromium against a live embedded server)"
	env -u DATABASE_URL -u REDIS_URL -u CELERY_BROKER_URL -u MINIO_ENDPOINT $(VENV)/bin/pytest -m e2e
	@if [ -f frontend/package.json ]; then cd frontend && npm test --silent; fi

test-scaled:
	$(VENV)/bin/pytest -m "not e2e"

bench: install
	@for b in bench/*.py; do echo "== $$b"; $(PY) $$b || exit 1; done

lint: install
	$(VENV)/bin/ruff check .

clean:
	rm -rf var/test-* .pytest_cache
