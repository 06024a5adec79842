# Counterwatch: two commands. `make run` (embedded mode, one process) and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000
# How the server runs (also read by tests/review/test_live_server.py and mirrored in the Dockerfile).
# --no-proxy-headers: uvicorn would otherwise take the client address from X-Forwarded-For on any
# connection from 127.0.0.1; the app alone decides whom to believe (TRUSTED_PROXIES).
# --ws-per-message-deflate false: the websocket messages are small JSON events sent to many clients;
# compressing each copy per client took most of the fan-out's time (bench/ws_fanout_500.py).
SERVE_FLAGS := --lifespan off --ws websockets --ws-per-message-deflate false --no-proxy-headers

# Some machines (this one's image included) export PYTHONDONTWRITEBYTECODE=1: no module's compiled form is then
# kept, and every Python process compiles what it imports (Django, DRF, Celery, the app) from source again, about
# 8 s of CPU per start (14.4 s against 5.8 s for one websocket test file). `make test` starts many: the test
# workers, the live servers and Celery workers the tests start, each settings test's Django. Bytecode is kept in
# __pycache__ (ignored by git) for everything make runs.
unexport PYTHONDONTWRITEBYTECODE

.PHONY: run run-scaled test test-embedded test-embedded-late test-browser test-web test-scaled coverage install frontend bench lint clean mutation schema schema-check

# The pinned lock installed by uv (pip-compatible, about a minute cold where pip took 6-11); uv itself comes from PyPI.
UV_VERSION := 0.13.9
$(VENV)/.installed: requirements.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install -q --disable-pip-version-check uv==$(UV_VERSION)
	$(VENV)/bin/uv pip install -q --python $(PY) -r requirements.lock
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
	$(VENV)/bin/uvicorn backend.asgi:application --host $(HOST) --port $(PORT) $(SERVE_FLAGS)

# The scaled mode on this machine without Docker: PostgreSQL and Redis from the machine, moto's S3
# server standing in for MinIO, the Celery workers as docker-compose.yml declares them (backend/run_scaled.py).
run-scaled: install frontend
	$(PY) -m backend.run_scaled --host $(HOST) --port $(PORT) -- $(SERVE_FLAGS)

# Both passes at once, each on two workers, and the browser journeys after the embedded one
# (.ci/passes.sh prints each phase's time and the combined line coverage).
test: install frontend
	@bash .ci/passes.sh

# Run once per `make test`: in the scaled pass when the services are there, in the embedded pass
# otherwise (where the fault tests' real-worker cases skip with the reason and the flood case runs
# on SQLite). .ci/passes.sh hands SCALED_ONLY to the embedded pass as EMBEDDED_SKIP when both run.
# - the schema fuzz (every endpoint, every role): most worth running on PostgreSQL;
# - the ingest fault tests: they build their own PostgreSQL database, Redis db and Celery workers
#   whatever the pass, so a second run proves nothing more (and costs minutes);
# - the hostile-input tests (test_query_params_property: every GET endpoint with huge, negative, junk
#   and out-of-range query parameters as every role; test_params_regressions: the cases that answered
#   500 once): what they pin is the parameter and body parsing (backend/core/params.py, the
#   serializers), the same code in both modes, and PostgreSQL is the database that refuses what SQLite
#   takes (integers past bigint, FOR UPDATE on an outer join), so the run that can fail is the one on
#   PostgreSQL (they were the embedded pass's largest files, about 2 minutes of one worker).
SCALED_ONLY = --ignore=tests/hardening/test_fuzz.py --ignore=tests/hardening/test_ingest_faults.py \
  --ignore=tests/hardening/test_params_regressions.py --ignore=tests/hardening/test_query_params_property.py
EMBEDDED_SKIP ?=
# The embedded pass in two parts when the scaled pass runs beside it (.ci/passes.sh): EMBEDDED_LATE runs
# in the scaled lane once the scaled pass is done (`make test-embedded-late`, the same environment and
# options, its own coverage file), the rest in the other lane, where the browser journeys wait on it.
# Each file still runs once; the split only evens out the two lanes' ends (the embedded pass and the
# browser journeys were the longer lane by about 5 minutes). Chosen: files heavy on the CPU and
# independent of everything else, the vision suite on synthetic clips (no database, no Django) and the
# disciplinary officer's scenarios (the slowest file of the pass, every test building its own province).
# Since the started stacks left the scaled pass for a lane of their own (test-stacks), the scaled lane ends
# earlier, so three more self-contained files moved here: the live-server tests, the demo moments (they index
# the demo footage) and the settings tests (each a subprocess starting Django).
EMBEDDED_LATE = tests/media_ingest/vision tests/accountability/test_officer_scenarios.py \
  tests/review/test_live_server.py tests/media_ingest/test_demo_moments.py tests/backend/test_settings.py
# Both passes run on two processes (pytest-xdist); each worker has its own test database, var dir and Redis
# db (tests/settings.py). The browser journeys stay on one: on two (a server and a Chromium each) the field
# journeys' service worker did not take control of the page within 60 s in a clean CI run. The embedded
# pass hands out whole files (a module's seeded world is built once);
# the scaled pass hands out single tests (the schema fuzz is over half of them) except an xdist_group's (the
# started stacks share one worker). PYTEST_WORKERS=0 runs in one process.
PYTEST_WORKERS ?= 2
XDIST = $(if $(filter 0,$(PYTEST_WORKERS)),,-n $(PYTEST_WORKERS) --dist $(1))
# Line coverage (coverage.py through pytest-cov, configured in pyproject.toml) of the code the tests run in
# their own processes: one data file per pass in $(COVERAGE_DIR), combined and reported by `make coverage`
# (servers started as subprocesses, as by the browser journeys and the scaled journey, are not measured).
# Each pass ends with its 30 slowest steps (setup, call, teardown), in var/ci/<phase>.log under .ci/run.
COVERAGE_DIR := var/coverage
COV = COVERAGE_FILE=$(CURDIR)/$(COVERAGE_DIR)/.coverage.$(1) $(VENV)/bin/pytest --cov --cov-report= --durations=30
EMBEDDED_ENV = env -u DATABASE_URL -u REDIS_URL -u CELERY_BROKER_URL -u MINIO_ENDPOINT
test-embedded:
	@echo "== embedded mode (SQLite, local store, in-process jobs, in-memory channel layer)"
	@mkdir -p $(COVERAGE_DIR)
	$(EMBEDDED_ENV) $(call COV,embedded) -m "not e2e" --ignore=tests/scaled $(call XDIST,loadfile) $(EMBEDDED_SKIP)

# The EMBEDDED_LATE part of the embedded pass alone (.ci/passes.sh runs the rest with EMBEDDED_SKIP).
test-embedded-late:
	@echo "== embedded mode, the part run in the scaled lane: $(EMBEDDED_LATE)"
	@mkdir -p $(COVERAGE_DIR)
	$(EMBEDDED_ENV) $(call COV,embedded-late) -m "not e2e" $(call XDIST,loadfile) $(EMBEDDED_LATE)

# The browser journeys (against the embedded mode), then the web app's Vitest suite (`make test-web`).
# .ci/passes.sh runs the two in different lanes.
test-browser:
	@echo "== browser journeys (headless Chromium against a live embedded server)"
	@mkdir -p $(COVERAGE_DIR)
	$(EMBEDDED_ENV) $(call COV,browser) -m e2e

test-web:
	@if [ -f frontend/package.json ]; then cd frontend && npm test --silent; fi

# The passes' data files combined (they are kept): one line per package and the total.
coverage:
	@$(VENV)/bin/coverage combine -q --keep --data-file=$(COVERAGE_DIR)/.coverage $(COVERAGE_DIR)/.coverage.*
	@$(VENV)/bin/coverage report --data-file=$(COVERAGE_DIR)/.coverage --precision=1 | awk \
	  '/^(backend|inspection|media_ingest)\// {split($$1, p, "/"); s[p[1]] += $$2; m[p[1]] += $$3} \
	   /^TOTAL/ {t = $$0} END {for (k in s) printf "line coverage %-13s %5.1f%% of %d statements\n", k, 100 * (s[k] - m[k]) / s[k], s[k]; print t}'

# The scaled pass: the integration journey (two web processes, a real Celery worker per compose
# queue, MinIO over S3, Redis, PostgreSQL) plus the test files whose behaviour depends on those
# services. Every other file is mode-independent (ORM reads and writes whose SQL means the same on
# SQLite and PostgreSQL, rules, documents, files, subprocesses with their own environment, servers
# started in embedded mode) and runs once, in the embedded pass. A file goes here, with its reason,
# only when it exercises a difference: SQL PostgreSQL treats differently (locking, type limits,
# indexes), the Redis channel layer or cache, Celery, S3, pg_dump.
SCALED_SUITES = \
  tests/scaled \
  tests/hardening/test_fuzz.py \
  tests/hardening/test_ingest_faults.py \
  tests/hardening/test_params_regressions.py \
  tests/hardening/test_query_params_property.py \
  tests/hardening/test_isolation.py \
  tests/hardening/test_isolation_ws.py \
  tests/hardening/test_scaling.py \
  tests/backend/test_health_schema.py \
  tests/backend/test_asgi_handler.py \
  tests/backend/test_audit_chain.py \
  tests/backend/test_auth.py \
  tests/backend/test_sign_in_security.py \
  tests/backend/test_org_admin.py \
  tests/backend/test_org_fields.py \
  tests/review/test_backup_restore.py \
  tests/review/test_consumer.py \
  tests/media_ingest/test_minio_e2e.py
# Why each is here:
#   test_fuzz, test_params_regressions, test_query_params_property: every endpoint with hostile
#     input; PostgreSQL refuses what SQLite takes (integers past bigint, FOR UPDATE on
#     an outer join) and each such refusal was a 500 once.
#   test_ingest_faults: real workers on PostgreSQL/Redis (run once, here); its flood case posts
#     concurrently only on PostgreSQL.
#   test_isolation: scope and secrecy on the production database, including the planned check's
#     response time and the audit chain command's SQL. test_isolation_ws: topics on the Redis
#     channel layer. test_scaling: query shapes and the index PostgreSQL reads a page off.
#   test_health_schema: health reports the mode's database, channel layer and job queue.
#   test_asgi_handler: a database connection per pooled thread (PostgreSQL connections, not the
#     shared SQLite one). test_audit_chain: the chain head is locked FOR UPDATE.
#   test_auth, test_sign_in_security: throttle and lockout counters live in the cache (Redis in the
#     scaled mode) and the failure rows are locked FOR UPDATE.
#   test_org_admin, test_org_fields: org changes lock units, officers and assignments FOR UPDATE
#     with joins (PostgreSQL refuses the nullable side of an outer join).
#   test_backup_restore: pg_dump/pg_restore instead of the SQLite file. test_consumer: the review
#     websocket on the Redis channel layer. test_minio_e2e: S3 + Celery (eager) + PostgreSQL together.
SCALED_SKIP ?=
test-scaled:
	@mkdir -p $(COVERAGE_DIR)
	$(call COV,scaled) -m "not e2e" $(call XDIST,loadgroup) $(SCALED_SUITES) $(SCALED_SKIP)

# The started stacks (real Celery workers, web processes, a restarted database) in one process of their own:
# .ci/passes.sh runs them from the start in a lane of their own and hands SCALED_STACKS to the scaled pass as
# SCALED_SKIP. They spend most of their time waiting (a worker killed 20 times, a store cut off for 30 s, a
# journey through two web processes): about 620 s of wall time for 160 s of CPU in one measured run. In the
# scaled pass they were one worker's serial chain, which the rest of the run waited for at its end; in a lane
# of their own the waits overlap the other passes' work. Their own test database (STACKS_DB_NAME), var dir
# and Redis dbs (the clusters' 8-15; the process itself db 0, which no xdist worker uses).
SCALED_STACKS = tests/hardening/test_ingest_faults.py tests/scaled/test_journey.py
test-stacks:
	@mkdir -p $(COVERAGE_DIR)
	COUNTERWATCH_VAR_DIR=$$(mktemp -d) $(call COV,stacks) -m "not e2e" $(SCALED_STACKS)

bench: install
	@for b in bench/*.py; do echo "== $$b"; $(PY) $$b || exit 1; done

# Mutation testing of the modules that own secrecy and scope, against their fast rule tests, in a
# throwaway git worktree of HEAD (mutmut rewrites the files it mutates; the working tree is untouched).
MUTATE = inspection/secrecy.py:tests/inspection/test_secrecy_rule.py backend/accounts/scope.py:tests/backend/test_scope_rule.py
mutation: install
	$(PIP) install -q --disable-pip-version-check mutmut==2.5.1
	@set -e; dir=$$(mktemp -d)/tree; git worktree add -q --detach $$dir HEAD; \
	trap 'git worktree remove --force '$$dir'' EXIT; \
	for pair in $(MUTATE); do mod=$${pair%%:*}; tests=$${pair##*:}; \
	  echo "== mutmut: $$mod against $$tests"; \
	  (cd $$dir && rm -f .mutmut-cache && find . -name __pycache__ -prune -exec rm -rf {} + && \
	   PYTHONDONTWRITEBYTECODE=1 $(CURDIR)/$(VENV)/bin/mutmut run --paths-to-mutate $$mod --tests-dir tests \
	    --runner "$(CURDIR)/$(PY) -m pytest -x -q -p no:cacheprovider $$tests" 2>&1 | tr '\r' '\n' \
	    | grep -E '^[^ ]* [0-9]+/[0-9]+' | tail -1 | sed 's/^/score (done, killed, timeout, suspicious, survived, skipped): /'; \
	   for id in $$($(CURDIR)/$(VENV)/bin/mutmut result-ids survived 2>/dev/null); do \
	     $(CURDIR)/$(VENV)/bin/mutmut show $$id | grep -E '^[-+][^-+]'; done); \
	done

# Python: ruff, then mypy with django-stubs (pyproject.toml); the web app: tsc and eslint. Run by .ci/run
# before the tests; nothing here needs the network beyond what `install` and `npm ci` already fetched.
# The OpenAPI schema the web app's types are generated from (tests/backend/test_schema_complete.py and
# frontend/src/types/api.gen.test.ts fail while either is stale): run after an API change.
schema: install frontend/node_modules/.installed
	env -u DATABASE_URL $(VENV)/bin/python manage.py spectacular --file docs/openapi.yml
	cd frontend && npm run --silent gen:types

# Fails while docs/openapi.yml is not what the code's serializers produce, or src/types/api.gen.ts not what
# openapi-typescript writes from it (part of `lint`): `make schema` writes both again.
schema-check: install frontend/node_modules/.installed
	@set -e; tmp=$$(mktemp -d); trap 'rm -rf '$$tmp'' EXIT; \
	env -u DATABASE_URL $(VENV)/bin/python manage.py spectacular --validate --fail-on-warn --file $$tmp/openapi.yml; \
	if ! cmp -s docs/openapi.yml $$tmp/openapi.yml; then \
	  echo "docs/openapi.yml is stale: run \`make schema\`"; diff -u docs/openapi.yml $$tmp/openapi.yml | head -40; exit 1; \
	fi; \
	cd frontend && npm run --silent check:types

# mypy's Django plugin loads the settings: in the embedded mode's environment, as the scaled one (DATABASE_URL
# set) requires a DJANGO_SECRET_KEY that the lint does not need.
lint: install
	$(VENV)/bin/ruff check .
	$(EMBEDDED_ENV) $(VENV)/bin/mypy .
	@if [ -f frontend/package.json ]; then \
	  $(MAKE) --no-print-directory frontend/node_modules/.installed && \
	  cd frontend && npm run --silent typecheck && npm run --silent lint; \
	fi
	$(MAKE) --no-print-directory schema-check

clean:
	rm -rf var/test-* .pytest_cache
